//! The årsrapport: the live draft joins the three methods from the demo's data; texts are
//! checked and stored; a report becomes final only once the year's round is published, and a
//! final version stays as it was when the data change.

use std::sync::Arc;

use nara_app::demo::{Options, run};
use nara_app::yearly::{finalise, live, save_texts, view};
use nara_core::yearly::{AreaText, Texts};
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
