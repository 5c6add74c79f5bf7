//! The form's sheet Aktiviteter through the import: new rows and changed statuses are stored
//! with the round's follow-up, a sheet with a problem stores nothing of itself while the
//! self-assessment is stored, and importing the same form again changes nothing. Each test
//! runs on both backends.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use nara_app::activities::{ActivityBatch, save};
use nara_app::import::{Options, Status, import_batch};
use nara_app::import_activities::{SheetReport, form_activities};
use nara_core::activity::{Activity, ActivityStatus, Category, RecordId};
use nara_core::{AreaId, OrgCode, Organisations, RoundId};
use nara_excel::{FormSpec, Typed};
use nara_store::Store;
use nara_store::contract;

use crate::support::{filled, open_round};

fn stored_activity() -> Activity {
    Activity {
        id: RecordId::parse("A-KNOWN222").unwrap(),
        title: "Utskrivningsplanering".into(),
        description: String::new(),
        owner: OrgCode::parse("2080").unwrap(),
        partners: vec![],
        areas: vec![AreaId::parse("D3").unwrap()],
        statements: vec![],
        indicators: vec![],
        category: Category::Arbetssatt,
        target_group: "Äldre".into(),
        responsible_role: "Enhetschef".into(),
        responsible_name: "Kim".into(),
        planned_start: None,
        planned_end: None,
        status: ActivityStatus::Pagar,
        expected_effect: "Färre återinläggningar".into(),
        result: String::new(),
        plan: None,
    }
}

async fn setup(store: &Arc<dyn Store>) -> RoundId {
    let round = open_round(store, "2026").await;
    let batch = ActivityBatch {
        activities: vec![stored_activity()],
        ..Default::default()
    };
    save(store.as_ref(), &batch, "test").await.unwrap().unwrap();
    round
}

/// The form of 2080 as the app hands it out, filled in with `typed` on the sheet.
async fn form(
    store: &Arc<dyn Store>,
    dir: &Path,
    name: &str,
    round: RoundId,
    unit: &str,
    typed: &[(usize, &str, &str)],
) -> PathBuf {
    let (round, inst) = nara_app::round_instrument(store.as_ref(), round)
        .await
        .unwrap();
    let orgs = Organisations::dalarna();
    let org = orgs.find("2080").unwrap();
    let mut acts = form_activities(store.as_ref(), &org.code).await.unwrap();
    for (row, col, v) in typed {
        acts.typed
            .push((*row, col.to_string(), Typed::Text(v.to_string())));
    }
    let spec = FormSpec {
        instrument: &inst,
        org,
        round: &round,
        send_to: None,
    };
    let bytes = nara_excel::write_filled_form_for(&spec, &filled(unit, "", 3), &acts).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The same workbook in other bytes, as when it is saved again: every part copied uncompressed.
fn resave(from: &Path, to: &Path) -> PathBuf {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        out.start_file(name, stored).unwrap();
        std::io::copy(&mut part, &mut out).unwrap();
    }
    out.finish().unwrap();
    to.to_path_buf()
}

const CHANGES: &[(usize, &str, &str)] = &[
    (0, "Status", "klar"),
    (0, "Kommentar för omgången", "Klart i mars"),
    (1, "Titel", "Ny rutin för läkemedel"),
    (1, "Delmål", "D2, D4"),
    (1, "Kategori", "kompetens"),
    (1, "Status", "planerad"),
];

contract!(
    new_rows_and_statuses_are_stored_with_the_rounds_followup,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let round = setup(&store).await;
        let org = OrgCode::parse("2080").unwrap();
        let path = form(
            &store,
            dir.path(),
            "a.xlsx",
            round,
            "Hemsjukvården",
            CHANGES,
        )
        .await;
        let one = std::slice::from_ref(&path);
        let dry = Options {
            dry_run: true,
            ..Options::default()
        };
        let r = import_batch(store.as_ref(), one, &dry, &|_| {})
            .await
            .unwrap();
        assert_eq!(r.files[0].activities.as_ref().map(|a| a.added), Some(1));
        assert_eq!(
            store.activities(None).await.unwrap(),
            [stored_activity()],
            "a dry run stores nothing"
        );

        let r = import_batch(store.as_ref(), one, &Options::default(), &|_| {})
            .await
            .unwrap();
        assert_eq!(
            r.files[0].status,
            Status::Imported,
            "{:?}",
            r.files[0].problems
        );
        let want = SheetReport {
            added: 1,
            changed: 1,
            unchanged: 0,
            followed_up: 2,
            plan: None,
            problems: vec![],
        };
        assert_eq!(r.files[0].activities.as_ref(), Some(&want));
        assert_eq!(want.line(), "Aktiviteter: 1 ny, 1 ändrad, 2 uppföljda.");
        let stored = store.activities(Some(&org)).await.unwrap();
        assert_eq!(stored.len(), 2);
        let known = stored
            .iter()
            .find(|a| a.id == stored_activity().id)
            .unwrap();
        assert_eq!(known.status, ActivityStatus::Klar);
        assert_eq!(
            (
                known.responsible_name.as_str(),
                known.expected_effect.as_str()
            ),
            ("Kim", "Färre återinläggningar"),
            "fields the sheet does not show are kept"
        );
        let new = stored
            .iter()
            .find(|a| a.id != stored_activity().id)
            .unwrap();
        assert_eq!(new.title, "Ny rutin för läkemedel");
        assert_eq!(
            (new.owner.as_str(), new.category),
            ("2080", Category::Kompetens)
        );
        assert_eq!(new.areas.len(), 2);
        let mut f: Vec<(String, ActivityStatus, String)> =
            (store.followups(Some(round)).await.unwrap().into_iter())
                .map(|s| {
                    (
                        s.followup.activity.to_string(),
                        s.followup.status,
                        s.followup.comment,
                    )
                })
                .collect();
        f.sort();
        assert_eq!(f.len(), 2);
        assert!(f.contains(&(
            stored_activity().id.to_string(),
            ActivityStatus::Klar,
            "Klart i mars".into()
        )));
        assert!(f.contains(&(new.id.to_string(), ActivityStatus::Planerad, String::new())));

        // The same file again: it gave the current response, so it is not read again (its
        // sheet was applied the first time) and nothing changes.
        let again = import_batch(store.as_ref(), one, &Options::default(), &|_| {})
            .await
            .unwrap();
        assert_eq!(again.files[0].status, Status::Unchanged);
        assert_eq!(again.files[0].activities, None, "not read again");
        assert_eq!(again.files[0].unit.as_deref(), Some("Hemsjukvården"));
        assert!(
            again.files[0].scores.is_some(),
            "reported from the stored response"
        );
        assert_eq!(store.activities(Some(&org)).await.unwrap(), stored);
        // The same form saved again (other bytes, same content): read, and no activity is
        // added twice.
        let resaved = resave(&path, &dir.path().join("a-igen.xlsx"));
        let again = import_batch(store.as_ref(), &[resaved], &Options::default(), &|_| {})
            .await
            .unwrap();
        assert_eq!(again.files[0].status, Status::Unchanged);
        let a = again.files[0].activities.clone().unwrap();
        assert_eq!(
            (a.added, a.changed, a.unchanged, a.followed_up),
            (0, 0, 2, 0)
        );
        assert_eq!(a.line(), "Aktiviteter: inga ändringar.");
        assert_eq!(store.activities(Some(&org)).await.unwrap(), stored);
    }
);

contract!(
    a_sheet_with_a_problem_stores_nothing_of_itself_but_the_response_is_stored,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let round = setup(&store).await;
        let mut bad = CHANGES.to_vec();
        bad.push((0, "Status", "försenad"));
        let path = form(&store, dir.path(), "b.xlsx", round, "Hemtjänsten", &bad).await;
        let r = import_batch(store.as_ref(), &[path], &Options::default(), &|_| {})
            .await
            .unwrap();
        assert_eq!(
            r.files[0].status,
            Status::Imported,
            "{:?}",
            r.files[0].problems
        );
        assert_eq!(
            store.responses(round).await.unwrap().len(),
            1,
            "the self-assessment is stored"
        );
        let a = r.files[0].activities.as_ref().unwrap();
        assert_eq!(a.problems.len(), 1, "{:?}", a.problems);
        let p = &a.problems[0];
        assert_eq!(
            (p.sheet.as_deref(), p.cell.as_deref()),
            (Some("Aktiviteter"), Some("J19"))
        );
        assert!(p.message.contains("”försenad” är ingen status"));
        assert!(a.line().contains("ingenting av den sparades"));
        assert_eq!((a.added, a.changed, a.followed_up), (0, 0, 0));
        assert_eq!(
            store.activities(None).await.unwrap(),
            [stored_activity()],
            "no activity changed"
        );
        assert!(store.followups(None).await.unwrap().is_empty());
    }
);

contract!(an_id_of_another_organisation_is_a_problem, |store: Arc<
    dyn Store,
>| async move {
    let dir = tempfile::tempdir().unwrap();
    let round = setup(&store).await;
    let mut other = stored_activity();
    other.id = RecordId::parse("A-OTHER333").unwrap();
    other.owner = OrgCode::parse("2021").unwrap();
    let batch = ActivityBatch {
        activities: vec![other.clone()],
        ..Default::default()
    };
    save(store.as_ref(), &batch, "test").await.unwrap().unwrap();
    // A form of 2080 that names 2021's activity in its hidden id column.
    let (r, inst) = nara_app::round_instrument(store.as_ref(), round)
        .await
        .unwrap();
    let orgs = Organisations::dalarna();
    let acts = nara_excel::FormActivities {
        activities: vec![other.clone()],
        ..Default::default()
    };
    let spec = FormSpec {
        instrument: &inst,
        org: orgs.find("2080").unwrap(),
        round: &r,
        send_to: None,
    };
    let bytes = nara_excel::write_filled_form_for(&spec, &filled("Enhet", "", 2), &acts).unwrap();
    let path = dir.path().join("c.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let rep = import_batch(store.as_ref(), &[path], &Options::default(), &|_| {})
        .await
        .unwrap();
    let a = rep.files[0].activities.as_ref().unwrap();
    assert_eq!(a.problems.len(), 1);
    assert_eq!(a.problems[0].cell.as_deref(), Some("B19"));
    assert!(
        a.problems[0]
            .message
            .contains("finns inte bland 2080s aktiviteter"),
        "{}",
        a.problems[0].message
    );
    assert_eq!(store.activities(None).await.unwrap().len(), 2);
    assert!(store.followups(None).await.unwrap().is_empty());
});

contract!(
    a_later_form_of_the_batch_finds_what_an_earlier_one_stored,
    |store: Arc<dyn Store>| async move {
        // Two units of one organisation write the same new activity, each from the form it
        // got before either was imported: in one batch, the second finds the activity the
        // first stored (by its title) instead of making it again, and its status is the last.
        let dir = tempfile::tempdir().unwrap();
        let round = setup(&store).await;
        let new_row = |status: &'static str| {
            [
                (1, "Titel", "Ny rutin för läkemedel"),
                (1, "Delmål", "D2"),
                (1, "Kategori", "kompetens"),
                (1, "Status", status),
            ]
        };
        let a = form(
            &store,
            dir.path(),
            "a.xlsx",
            round,
            "Rehab",
            &new_row("planerad"),
        )
        .await;
        let b = form(
            &store,
            dir.path(),
            "b.xlsx",
            round,
            "Hemsjukvården",
            &new_row("pågår"),
        )
        .await;
        let r = import_batch(store.as_ref(), &[a, b], &Options::default(), &|_| {})
            .await
            .unwrap();
        let added: Vec<_> = (r.files.iter())
            .map(|f| f.activities.as_ref().map(|s| (s.added, s.problems.len())))
            .collect();
        assert_eq!(added, [Some((1, 0)), Some((0, 0))]);
        let stored = store.activities(None).await.unwrap();
        assert_eq!(stored.len(), 2, "the known activity and one new");
        let new = stored
            .iter()
            .find(|x| x.id != stored_activity().id)
            .unwrap();
        assert_eq!(new.status, ActivityStatus::Pagar);
    }
);
