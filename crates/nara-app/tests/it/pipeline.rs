//! The import pipeline: idempotent, replaces with history, keeps raters apart, stores nothing
//! from a rejected file or in a dry run. Each test runs on both backends.

use std::sync::Arc;

use nara_app::import::{Options, Status, import_batch};
use nara_core::RoundStatus;
use nara_store::Store;
use nara_store::contract;

use crate::support::{filled, open_round, write_form};

fn opts() -> Options {
    Options::default()
}

contract!(same_file_twice_and_a_corrected_file, |store: Arc<
    dyn Store,
>| async move {
    let dir = tempfile::tempdir().unwrap();
    let round = open_round(&store, "2026").await;
    let a = write_form(
        &store,
        dir.path(),
        "a.xlsx",
        round,
        "2080",
        &filled("Hemsjukvården", "", 3),
    )
    .await;
    let r1 = import_batch(store.as_ref(), std::slice::from_ref(&a), &opts(), &|_| {})
        .await
        .unwrap();
    assert_eq!(
        r1.files[0].status,
        Status::Imported,
        "{:?}",
        r1.files[0].problems
    );
    let r2 = import_batch(store.as_ref(), std::slice::from_ref(&a), &opts(), &|_| {})
        .await
        .unwrap();
    assert_eq!(r2.files[0].status, Status::Unchanged);
    let b = write_form(
        &store,
        dir.path(),
        "a-rättad.xlsx",
        round,
        "2080",
        &filled("hemsjukvården", "", 4),
    )
    .await;
    let r3 = import_batch(store.as_ref(), &[b], &opts(), &|_| {})
        .await
        .unwrap();
    assert_eq!(r3.files[0].status, Status::Replaced);
    assert_eq!(store.responses(round).await.unwrap().len(), 1);
    let history = store.response_history(round).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[0].source.as_str(), history[1].source.as_str()),
        ("a.xlsx", "a-rättad.xlsx")
    );
    assert!(history[0].replaced_at.is_some());
    // Two raters of the same unit are both kept.
    let c = write_form(
        &store,
        dir.path(),
        "c.xlsx",
        round,
        "2080",
        &filled("Hemsjukvården", "Bo", 2),
    )
    .await;
    import_batch(store.as_ref(), &[c], &opts(), &|_| {})
        .await
        .unwrap();
    assert_eq!(store.responses(round).await.unwrap().len(), 2);
});

contract!(
    a_mixed_folder_stores_the_good_and_nothing_of_the_bad,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let round = open_round(&store, "2026").await;
        write_form(
            &store,
            dir.path(),
            "1-falun.xlsx",
            round,
            "2080",
            &filled("Hemsjukvården", "", 3),
        )
        .await;
        write_form(
            &store,
            dir.path(),
            "2-mora.xlsx",
            round,
            "2062",
            &filled("Äldreomsorgen", "", 2),
        )
        .await;
        std::fs::write(dir.path().join("3-trasig.xlsx"), b"PK\x03\x04 not really").unwrap();
        std::fs::write(dir.path().join("4-tom.xlsx"), b"").unwrap();
        // A form with a bad answer: everything else in it is fine, but nothing may be stored.
        let mut bad = filled("Socialpsykiatrin", "", 3);
        bad.unit = String::new();
        write_form(
            &store,
            dir.path(),
            "5-utan-verksamhet.xlsx",
            round,
            "2081",
            &bad,
        )
        .await;
        std::fs::write(dir.path().join("läsmig.txt"), b"hej").unwrap();
        let before = store.audit_log(1000, None).await.unwrap().len();
        let report = import_batch(
            store.as_ref(),
            &[dir.path().to_path_buf()],
            &opts(),
            &|_| {},
        )
        .await
        .unwrap();
        let statuses: Vec<Status> = report.files.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Imported,
                Status::Imported,
                Status::Rejected,
                Status::Rejected,
                Status::Rejected
            ]
        );
        assert_eq!(report.skipped.len(), 1);
        assert!(
            report.files[4].problems[0]
                .message
                .contains("Verksamhetens namn saknas")
        );
        assert_eq!(report.files[4].problems[0].cell.as_deref(), Some("B5"));
        assert!(!report.all_ok());
        let stored = store.response_history(round).await.unwrap();
        assert_eq!(stored.len(), 2, "only the two good files left rows");
        assert!(stored.iter().all(|s| s.response.org.as_str() != "2081"));
        assert_eq!(
            store.audit_log(1000, None).await.unwrap().len(),
            before + 2,
            "one audit entry per stored file"
        );
        // Scores in the report come from core.
        let s = report.files[0].scores.as_ref().unwrap();
        assert_eq!(s.areas.len(), 5);
        assert_eq!(s.overall, Some(3.0));
    }
);

contract!(
    a_dry_run_stores_nothing_and_says_what_would_happen,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let round = open_round(&store, "2026").await;
        let a = write_form(
            &store,
            dir.path(),
            "a.xlsx",
            round,
            "2080",
            &filled("Hemsjukvården", "", 3),
        )
        .await;
        let dry = Options {
            dry_run: true,
            ..opts()
        };
        let r = import_batch(store.as_ref(), std::slice::from_ref(&a), &dry, &|_| {})
            .await
            .unwrap();
        assert!(r.dry_run);
        assert_eq!(r.files[0].status, Status::Imported);
        assert!(store.response_history(round).await.unwrap().is_empty());
        import_batch(store.as_ref(), std::slice::from_ref(&a), &opts(), &|_| {})
            .await
            .unwrap();
        let again = import_batch(store.as_ref(), std::slice::from_ref(&a), &dry, &|_| {})
            .await
            .unwrap();
        assert_eq!(again.files[0].status, Status::Unchanged);
    }
);

contract!(a_round_that_is_not_open_takes_no_answers, |store: Arc<
    dyn Store,
>| async move {
    let dir = tempfile::tempdir().unwrap();
    let round = open_round(&store, "2026").await;
    let a = write_form(
        &store,
        dir.path(),
        "a.xlsx",
        round,
        "2080",
        &filled("Hemsjukvården", "", 3),
    )
    .await;
    nara_app::rounds::set_status(store.as_ref(), round, RoundStatus::Closed, "test")
        .await
        .unwrap();
    let r = import_batch(store.as_ref(), &[a], &opts(), &|_| {})
        .await
        .unwrap();
    assert_eq!(r.files[0].status, Status::Rejected);
    assert!(
        r.files[0].problems[0].message.contains("stängd"),
        "{:?}",
        r.files[0].problems
    );
    assert!(store.response_history(round).await.unwrap().is_empty());
});

contract!(
    a_late_corrected_form_has_a_path_into_a_published_round,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = store.as_ref();
        let round = open_round(&store, "2026").await;
        let set = |to, reason: &'static str| {
            nara_app::rounds::change_status(s, round, to, reason, "samordnare")
        };
        // A round without answers is not published.
        set(RoundStatus::Closed, "").await.unwrap();
        let empty = set(RoundStatus::Published, "")
            .await
            .unwrap_err()
            .to_string();
        assert!(empty.contains("inga svar"), "{empty}");
        set(RoundStatus::Open, "").await.unwrap();
        let first = write_form(
            &store,
            dir.path(),
            "a.xlsx",
            round,
            "2080",
            &filled("Hemsjukvården", "", 3),
        )
        .await;
        import_batch(s, &[first], &opts(), &|_| {}).await.unwrap();
        set(RoundStatus::Closed, "").await.unwrap();
        set(RoundStatus::Published, "").await.unwrap();
        // The corrected form is refused, with the way in.
        let corrected = write_form(
            &store,
            dir.path(),
            "b.xlsx",
            round,
            "2080",
            &filled("Hemsjukvården", "", 4),
        )
        .await;
        let r = import_batch(s, std::slice::from_ref(&corrected), &opts(), &|_| {})
            .await
            .unwrap();
        assert_eq!(r.files[0].status, Status::Rejected);
        let m = &r.files[0].problems[0].message;
        assert!(
            m.contains("ta tillbaka publiceringen") && m.contains("publicera på nytt"),
            "{m}"
        );
        // Taking the publication back needs a reason, which the audit log keeps.
        let no_reason = set(RoundStatus::Closed, "  ")
            .await
            .unwrap_err()
            .to_string();
        assert!(no_reason.contains("Skriv varför"), "{no_reason}");
        assert_eq!(
            nara_app::rounds::get(s, round).await.unwrap().status,
            RoundStatus::Published
        );
        set(RoundStatus::Closed, "Falun skickade en rättad blankett")
            .await
            .unwrap();
        let log = s.audit_log(20, Some("round.unpublish")).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(
            (log[0].actor.as_str(), log[0].details.as_str()),
            ("samordnare", "Falun skickade en rättad blankett")
        );
        // Reopen, import, publish again.
        set(RoundStatus::Open, "").await.unwrap();
        let r = import_batch(s, &[corrected], &opts(), &|_| {})
            .await
            .unwrap();
        assert_eq!(
            r.files[0].status,
            Status::Replaced,
            "{:?}",
            r.files[0].problems
        );
        set(RoundStatus::Closed, "").await.unwrap();
        set(RoundStatus::Published, "").await.unwrap();
        assert_eq!(s.responses(round).await.unwrap().len(), 1);
    }
);

contract!(
    a_form_for_another_round_is_refused_naming_both,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let r25 = open_round(&store, "2025").await;
        let r26 = open_round(&store, "2026").await;
        let f = write_form(
            &store,
            dir.path(),
            "a.xlsx",
            r26,
            "2080",
            &filled("Hemsjukvården", "", 3),
        )
        .await;
        let on_2025 = Options {
            round: Some(r25),
            ..opts()
        };
        let r = import_batch(store.as_ref(), std::slice::from_ref(&f), &on_2025, &|_| {})
            .await
            .unwrap();
        let file = &r.files[0];
        assert_eq!(file.status, Status::Rejected);
        let m = &file.problems[0].message;
        assert!(
            m.contains("omgång 2026") && m.contains("omgång 2025"),
            "{m}"
        );
        // Round, organisation and unit are reported for the refused file too.
        assert_eq!(
            (
                file.round.as_deref(),
                file.org.as_deref(),
                file.unit.as_deref()
            ),
            (Some("2026"), Some("2080"), Some("Hemsjukvården"))
        );
        assert!(store.response_history(r26).await.unwrap().is_empty());
        // On its own round's page it goes in.
        let on_2026 = Options {
            round: Some(r26),
            ..opts()
        };
        let r = import_batch(store.as_ref(), &[f], &on_2026, &|_| {})
            .await
            .unwrap();
        assert_eq!(r.files[0].status, Status::Imported);
    }
);

contract!(
    a_rejected_form_is_still_named_by_what_it_says,
    |store: Arc<dyn Store>| async move {
        open_round(&store, "2026").await;
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/forms/fel-2062-dubbla-id.xlsx");
        let r = import_batch(store.as_ref(), &[fixture], &opts(), &|_| {})
            .await
            .unwrap();
        let f = &r.files[0];
        assert_eq!(f.status, Status::Rejected);
        assert!(!f.problems.is_empty());
        assert_eq!(f.org.as_deref(), Some("2062"));
        assert!(f.round.is_some() && f.unit.is_some(), "{f:?}");
        // A file that cannot be read that far names nothing.
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("x.xlsx");
        std::fs::write(&junk, b"PK\x03\x04 not a workbook").unwrap();
        let r = import_batch(store.as_ref(), &[junk], &opts(), &|_| {})
            .await
            .unwrap();
        assert_eq!(
            (r.files[0].org.as_ref(), r.files[0].round.as_ref()),
            (None, None)
        );
    }
);
