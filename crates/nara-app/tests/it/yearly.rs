//! The årsrapport: the live draft joins the three methods from the demo's data; texts are
//! checked and stored; a report becomes final only once the year's round is published, and a
//! final version stays as it was when the data change. Its PDF and Excel appendix say what
//! core's words say.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, OnceLock};

use nara_app::demo::{Options, run};
use nara_app::yearly::{finalise, live, save_texts, view};
use nara_app::yearly_files::Which;
use nara_core::yearly::{AreaText, Texts, Words};
use nara_core::{RoundId, RoundStatus};
use nara_store::{Store, contract};

contract!(a_year_report_is_drafted_then_frozen, |store: Arc<
    dyn Store,
>| async move {
    let s = store.as_ref();
    nara_app::seed_defaults(s).await.unwrap();
    run(s, &Options::default()).await.unwrap();

    // The live model: the year's round, every delmål, every organisation.
    let y = live(s, 2026).await.unwrap();
    assert_eq!(y.round.map(|r| r.to_string()).as_deref(), Some("2026"));
    assert_eq!(
        y.previous_round.map(|r| r.to_string()).as_deref(),
        Some("2025")
    );
    assert_eq!(y.chapters.len(), 5);
    assert_eq!(y.profiles.len(), 16);
    let rep = nara_app::report::round_report(s, RoundId::parse("2026").unwrap(), None)
        .await
        .unwrap();
    assert_eq!(
        y.chapters[0].assessment.mean,
        rep.county.areas[0].stats.map(|x| x.mean),
        "the county's numbers, not the model's own"
    );
    let all = s.activities(None).await.unwrap();
    let d1 = all
        .iter()
        .filter(|a| a.areas.iter().any(|x| x.as_str() == "D1"))
        .count();
    assert_eq!(y.chapters[0].activities.len(), d1);

    // Texts: an example that does not follow the delmål is refused, nothing stored.
    let other = (all.iter())
        .find(|a| !a.areas.iter().any(|x| x.as_str() == "D1"))
        .expect("the demo has an activity that does not follow D1");
    let mut t = Texts {
        summary: vec!["Länet har tagit steg framåt.".into()],
        ..Texts::default()
    };
    t.areas.insert(
        "D1".into(),
        AreaText {
            text: "Nära för mig".into(),
            examples: vec![other.id.to_string()],
        },
    );
    // The demo wrote a draft of its own: a summary from Nära's suggestions and demo texts.
    let demo = view(s, 2026, true).await.unwrap();
    assert!((1..=4).contains(&demo.texts.summary.len()));
    assert_eq!(demo.texts.areas.len(), 5);
    assert!(
        demo.texts
            .areas
            .values()
            .all(|a| a.text.starts_with("(Demotext.)"))
    );
    assert_eq!(demo.texts.reflections.len(), 2);
    let before = s.year_reports(2026).await.unwrap();
    let problems = save_texts(s, 2026, t.clone(), "samordnare")
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(problems[0].field, "examples");
    assert_eq!(
        s.year_reports(2026).await.unwrap(),
        before,
        "a refused save changes nothing"
    );
    let good = (all.iter())
        .find(|a| a.areas.iter().any(|x| x.as_str() == "D1"))
        .unwrap();
    t.areas.get_mut("D1").unwrap().examples = vec![good.id.to_string()];
    save_texts(s, 2026, t.clone(), "samordnare")
        .await
        .unwrap()
        .unwrap();
    // The organisations' reflections (the demo's) are kept beside the coordinator's texts.
    let t = Texts {
        reflections: demo.texts.reflections.clone(),
        ..t
    };
    let draft = view(s, 2026, true).await.unwrap();
    assert_eq!(draft.texts, t);
    assert!(draft.version.is_none());
    assert!(!draft.suggestions.is_empty());

    // Not final while the round is open; readers have nothing to see yet.
    let refused = finalise(s, 2026, "samordnare").await.unwrap_err();
    assert!(refused.to_string().contains("inte publicerad"), "{refused}");
    assert!(view(s, 2026, false).await.is_err());
    let id = RoundId::parse("2026").unwrap();
    for to in [RoundStatus::Closed, RoundStatus::Published] {
        nara_app::rounds::set_status(s, id, to, "samordnare")
            .await
            .unwrap();
    }
    assert_eq!(finalise(s, 2026, "samordnare").await.unwrap(), 1);
    let shown = view(s, 2026, false).await.unwrap();
    assert_eq!(shown.version, Some(1));
    assert_eq!(shown.texts, t);
    assert_eq!(shown.report, live(s, 2026).await.unwrap());

    // Later changes to the data do not alter the final version; a new version can be made.
    let mut changed = good.clone();
    changed.title = "Ändrad efter beslutet".into();
    let batch = nara_app::activities::ActivityBatch {
        activities: vec![changed],
        ..Default::default()
    };
    nara_app::activities::save(s, &batch, "samordnare")
        .await
        .unwrap()
        .unwrap();
    let again = view(s, 2026, false).await.unwrap();
    assert_eq!(again.report, shown.report, "the final version is frozen");
    assert!(
        !again.report.chapters[0]
            .activities
            .iter()
            .any(|a| a.title == "Ändrad efter beslutet")
    );
    assert_eq!(finalise(s, 2026, "samordnare").await.unwrap(), 2);
    let v2 = view(s, 2026, false).await.unwrap();
    assert_eq!(v2.version, Some(2));
    assert_eq!(v2.finals.len(), 2);
    assert!(
        v2.report.chapters[0]
            .activities
            .iter()
            .any(|a| a.title == "Ändrad efter beslutet")
    );
});

contract!(the_report_s_files_say_what_its_words_say, |store: Arc<
    dyn Store,
>| async move {
    let s = store.as_ref();
    nara_app::seed_defaults(s).await.unwrap();
    run(s, &Options::default()).await.unwrap();
    let texts = Texts {
        summary: vec!["Länet har tagit tydliga steg framåt.".into()],
        ..Texts::default()
    };
    save_texts(s, 2026, texts, "samordnare")
        .await
        .unwrap()
        .unwrap();
    let app = nara_app::App::new(store.clone());
    let draft = Which {
        year: 2026,
        draft: true,
        public_only: false,
    };
    let v = view(s, 2026, true).await.unwrap();
    let w = Words::new(&v.report, &v.texts);
    assert_eq!(w.chapters.len(), 5);

    // The PDF: every heading, median, change, profile and newest county value of the words.
    let (name, pdf) = app.year_report_pdf(draft).await.unwrap();
    assert_eq!(name, "arsrapport-2026-utkast.pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    assert!(text.contains(&w.title), "{text}");
    assert!(text.contains("Länet har tagit tydliga steg framåt."));
    let mut values = 0;
    for c in &w.chapters {
        assert!(text.contains(&c.heading), "{}", c.heading);
        assert!(text.contains(&c.median), "{}: median {}", c.id, c.median);
        let change = format!("Förändring sedan förra omgången: {}.", c.change);
        assert!(text.contains(&change), "{}: {change}", c.id);
        for i in &c.indicators {
            assert!(text.contains(&i.value), "{}: {}", i.title, i.value);
            values += usize::from(!i.rows.is_empty());
        }
    }
    assert!(values > 0, "the demo has indicators with values");
    for p in &w.profiles {
        assert!(text.contains(&p.name), "{}", p.name);
        let index = format!("Index {}.", p.index);
        assert!(text.contains(&index), "{}: {index}", p.name);
    }

    // The workbook: Översikt's medians are the same numbers.
    let (name, xlsx) = app.year_report_xlsx(draft).await.unwrap();
    assert_eq!(name, "arsrapport-2026-utkast.xlsx");
    let medians = overview_medians(&xlsx);
    assert_eq!(medians.len(), w.chapters.len(), "{medians:?}");
    for c in &w.chapters {
        let cell = medians.iter().find(|m| m.0 == c.id).map(|m| m.1);
        assert_eq!(nara_core::yearly::two(cell.flatten()), c.median, "{}", c.id);
    }
    assert!(
        medians.iter().any(|m| m.1.is_some()),
        "the demo has medians: {medians:?}"
    );
});

/// The text of a PDF as `pdftotext -layout` reads it, every run of white space one space.
fn pdf_text(pdf: &[u8]) -> String {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ensure-libreoffice.sh");
        let out = Command::new("bash")
            .arg(&script)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    });
    if let Err(e) = ready {
        panic!("poppler is needed for this test and could not be installed: {e}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("arsrapport.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sheet Översikt's table per delmål: each row's delmål and its median (`None` when empty).
fn overview_medians(xlsx: &[u8]) -> Vec<(String, Option<f64>)> {
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    assert_eq!(wb.sheet_names()[0], "Översikt");
    let range = wb.worksheet_range("Översikt").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let is_head = |c: &Data| matches!(c, Data::String(s) if s == "Självskattning median");
    let head = (rows.iter())
        .position(|r| r.iter().any(is_head))
        .expect("the table per delmål");
    let col = rows[head].iter().position(is_head).unwrap();
    (rows[head + 1..].iter())
        .take_while(|r| matches!(r.first(), Some(Data::String(id)) if id.starts_with('D')))
        .map(|r| {
            let median = match r.get(col) {
                Some(Data::Float(x)) => Some(*x),
                Some(Data::Int(x)) => Some(*x as f64),
                _ => None,
            };
            (r[0].to_string(), median)
        })
        .collect()
}

contract!(
    the_coordinator_and_the_organisations_never_erase_each_others_texts,
    |store: Arc<dyn Store>| async move {
        let s = store.as_ref();
        nara_app::seed_defaults(s).await.unwrap();
        run(s, &Options::default()).await.unwrap();
        let falun = nara_core::OrgCode::parse("2080").unwrap();
        nara_app::yearly::save_reflection(s, 2026, &falun, "Falun har kommit långt.", "resp")
            .await
            .unwrap()
            .unwrap();
        // The coordinator's form carries no reflections: saving it keeps every organisation's.
        let coordinator = Texts {
            summary: vec!["Ny sammanfattning.".into()],
            ..Texts::default()
        };
        save_texts(s, 2026, coordinator, "samordnare")
            .await
            .unwrap()
            .unwrap();
        let after = view(s, 2026, true).await.unwrap().texts;
        assert_eq!(after.summary, ["Ny sammanfattning."]);
        assert_eq!(after.reflections["2080"], "Falun har kommit långt.");
        assert_eq!(after.reflections.len(), 3, "the demo's two and Falun's");
        // An organisation's save keeps the coordinator's texts.
        nara_app::yearly::save_reflection(s, 2026, &falun, "Ändrad.", "resp")
            .await
            .unwrap()
            .unwrap();
        let again = view(s, 2026, true).await.unwrap().texts;
        assert_eq!(again.summary, ["Ny sammanfattning."]);
        assert_eq!(again.reflections["2080"], "Ändrad.");
        // Many writers at once (each on its own task): every one of them lands.
        let codes = ["2021", "2023", "2026", "2029", "2031", "2034"];
        let tasks: Vec<_> = (codes.iter())
            .map(|c| {
                let store = store.clone();
                let code = nara_core::OrgCode::parse(c).unwrap();
                tokio::spawn(async move {
                    let text = format!("Text {code}");
                    nara_app::yearly::save_reflection(store.as_ref(), 2026, &code, &text, "resp")
                        .await
                        .unwrap()
                        .unwrap();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let all = view(s, 2026, true).await.unwrap().texts;
        for c in codes {
            assert_eq!(all.reflections[c], format!("Text {c}"), "{c}");
        }
    }
);
