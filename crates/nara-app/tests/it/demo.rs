//! `nara demo`: deterministic, realistic, and never mixed into a database in use.

use std::collections::BTreeSet;
use std::sync::Arc;

use nara_app::demo::{Options, run};
use nara_core::{RoundId, RoundStatus};
use nara_store::Store;
use nara_store::contract;

contract!(demo_is_realistic_and_deterministic, |store: Arc<
    dyn Store,
>| async move {
    let s = store.as_ref();
    nara_app::seed_defaults(s).await.unwrap();
    let summary = run(s, &Options::default()).await.unwrap();
    assert_eq!(summary.rounds, ["2024", "2025", "2026"]);

    let rounds = s.rounds().await.unwrap();
    let status: Vec<RoundStatus> = rounds.iter().map(|r| r.status).collect();
    assert_eq!(
        status,
        [
            RoundStatus::Published,
            RoundStatus::Published,
            RoundStatus::Open
        ]
    );

    let first = nara_app::report::round_report(s, RoundId::parse("2024").unwrap(), None)
        .await
        .unwrap();
    let last = nara_app::report::round_report(s, RoundId::parse("2026").unwrap(), None)
        .await
        .unwrap();
    // Every organisation answers the first round with 2–6 units; some miss the newest one.
    assert!(first.not_answered.is_empty(), "{:?}", first.not_answered);
    assert_eq!(first.organisations.len(), 16);
    assert!(!last.not_answered.is_empty());
    let mut all_units = BTreeSet::new();
    for r in s.rounds().await.unwrap() {
        for f in s.responses(r.id).await.unwrap() {
            all_units.insert((f.response.org.to_string(), f.response.unit.key()));
        }
    }
    for o in &first.organisations {
        let n = all_units
            .iter()
            .filter(|(c, _)| c == o.code.as_str())
            .count();
        assert!((2..=6).contains(&n), "{} has {n} units", o.code);
    }
    // Several raters with a consensus somewhere, and disagreement flagged by core.
    let units: Vec<_> = first
        .organisations
        .iter()
        .chain(&last.organisations)
        .flat_map(|o| &o.units)
        .collect();
    assert!(units.iter().any(|u| u.raters.len() >= 2 && u.consensus));
    assert!(units.iter().any(|u| u.result.rollup.disagreements() > 0));
    // Some "vet ej" and blanks, and somewhere an area with too few answers.
    let d = &last.distribution;
    assert!(d.iter().map(|x| x.not_applicable).sum::<usize>() > 0);
    assert!(d.iter().map(|x| x.blank).sum::<usize>() > 0);
    assert!(
        units
            .iter()
            .any(|u| u.result.scores.areas.iter().any(|a| a.mean.is_none()))
    );
    // Plausible improvement: the county index rises from the first round to the newest.
    let idx = |r: &nara_app::report::RoundReport| r.county.overall.unwrap().mean;
    assert!(idx(&last) > idx(&first), "{} → {}", idx(&first), idx(&last));

    // Refuses a database that has rounds.
    let again = run(s, &Options::default()).await.unwrap_err().to_string();
    assert!(
        again.contains("finns redan") || again.contains("redan omgången"),
        "{again}"
    );
});

#[tokio::test]
async fn the_same_seed_gives_the_same_demo_and_another_seed_another() {
    let report = |seed: u64| async move {
        let (store, dir) = nara_store::testing::sqlite().await;
        nara_app::seed_defaults(store.as_ref()).await.unwrap();
        run(
            store.as_ref(),
            &Options {
                seed,
                ..Options::default()
            },
        )
        .await
        .unwrap();
        let r =
            nara_app::report::round_report(store.as_ref(), RoundId::parse("2026").unwrap(), None)
                .await
                .unwrap();
        drop(dir);
        let mut v = serde_json::to_value(&r.organisations).unwrap();
        // Storage times differ between runs; the numbers must not.
        for o in v.as_array_mut().unwrap() {
            for u in o["units"].as_array_mut().unwrap() {
                u["last_import"] = 0.into();
            }
        }
        v
    };
    assert_eq!(report(7).await, report(7).await);
    assert_ne!(report(7).await, report(8).await);
}

#[tokio::test]
async fn a_larger_demo_has_about_the_units_asked_for() {
    let (store, _dir) = nara_store::testing::sqlite().await;
    nara_app::seed_defaults(store.as_ref()).await.unwrap();
    let s = run(
        store.as_ref(),
        &Options {
            units: Some(100),
            rounds: 2,
            ..Options::default()
        },
    )
    .await
    .unwrap();
    assert!((90..=110).contains(&s.units), "{}", s.units);
    assert_eq!(s.rounds, ["2025", "2026"]);
}

contract!(
    the_demo_activities_pass_the_checks_and_a_broken_batch_stores_nothing,
    |store: Arc<dyn Store>| async move {
        use nara_core::activity::{ActivityStatus, RecordId};
        nara_app::seed_defaults(store.as_ref()).await.unwrap();
        let app = nara_app::App::new(store.clone());
        let s = app.demo(&Options::default()).await.unwrap();
        assert!(s.activities >= 30, "{}", s.activities);
        let all = app.activities(None).await.unwrap();
        assert_eq!(all.activities.len(), s.activities);
        assert_eq!(all.plans.len(), 15, "a plan per kommun");
        // Everything the demo stored passes the checks: saving it again changes nothing.
        let batch = nara_store::ActivityBatch {
            plans: all.plans.clone(),
            activities: all.activities.clone(),
            followups: all.followups.iter().map(|f| f.followup.clone()).collect(),
        };
        let c = app.save_activities(&batch, "test").await.unwrap().unwrap();
        assert_eq!((c.added, c.changed), (0, 0));
        let falun = nara_core::OrgCode::parse("2080").unwrap();
        let own = app.activities(Some(&falun)).await.unwrap();
        assert!(own.activities.iter().all(|a| a.owner == falun));
        assert_eq!(own.plans.len(), 1);

        // One broken record: nothing of the batch is stored, each problem named.
        let mut broken = batch.clone();
        broken.activities[0].title = String::new();
        broken.activities[1].areas.clear();
        broken.activities[2].result = "Ändrat".into();
        let problems = app
            .save_activities(&broken, "test")
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].problem.field, "title");
        assert_eq!(problems[1].id, broken.activities[1].id.to_string());
        let after = app.activities(None).await.unwrap();
        assert_eq!(after.activities, all.activities, "nothing stored");

        // A follow-up sets the status, and an unknown activity is named.
        let a = &all.activities[0];
        let r = nara_core::RoundId::parse("2026").unwrap();
        app.follow_up_activity(&a.id, r, ActivityStatus::Klar, "Klart i oktober", "test")
            .await
            .unwrap()
            .unwrap();
        let now = app.activities(Some(&a.owner)).await.unwrap();
        let same = now.activities.iter().find(|x| x.id == a.id).unwrap();
        assert_eq!(same.status, ActivityStatus::Klar);
        assert!(
            now.followups
                .iter()
                .any(|f| f.followup.comment == "Klart i oktober")
        );
        let e = app
            .follow_up_activity(
                &RecordId::parse("A-NOSUCH1").unwrap(),
                r,
                ActivityStatus::Klar,
                "",
                "t",
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("A-NOSUCH1 finns inte"));
    }
);
