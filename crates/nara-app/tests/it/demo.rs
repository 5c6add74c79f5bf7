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
