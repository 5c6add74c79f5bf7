//! The round report: numbers from core's roll-up, change since the previous round, who has not
//! answered.

use std::sync::Arc;

use nara_app::import::{Options, import_batch};
use nara_core::scoring::Direction;
use nara_core::{Instrument, RoundStatus};
use nara_store::Store;
use nara_store::contract;

use crate::support::{filled, open_round, write_form};

contract!(
    report_rolls_up_and_compares_with_the_previous_round,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let r25 = open_round(&store, "2025").await;
        let mut files = vec![
            write_form(
                &store,
                dir.path(),
                "25a.xlsx",
                r25,
                "2080",
                &filled("Hemsjukvården", "", 2),
            )
            .await,
            write_form(
                &store,
                dir.path(),
                "25b.xlsx",
                r25,
                "2062",
                &filled("Äldreomsorgen", "", 2),
            )
            .await,
        ];
        import_batch(store.as_ref(), &files, &Options::default(), &|_| {})
            .await
            .unwrap();
        nara_app::rounds::set_status(store.as_ref(), r25, RoundStatus::Closed, "t")
            .await
            .unwrap();
        let r26 = open_round(&store, "2026").await;
        files = vec![
            // Falun: two raters (3 and 4: median 3.5) in one unit, and a second unit at 2.
            write_form(
                &store,
                dir.path(),
                "26a.xlsx",
                r26,
                "2080",
                &filled("Hemsjukvården", "Anna", 3),
            )
            .await,
            write_form(
                &store,
                dir.path(),
                "26b.xlsx",
                r26,
                "2080",
                &filled("Hemsjukvården", "Bo", 4),
            )
            .await,
            write_form(
                &store,
                dir.path(),
                "26c.xlsx",
                r26,
                "2080",
                &filled("Hemtjänsten", "", 2),
            )
            .await,
            write_form(
                &store,
                dir.path(),
                "26d.xlsx",
                r26,
                "2062",
                &filled("Äldreomsorgen", "", 2),
            )
            .await,
        ];
        import_batch(store.as_ref(), &files, &Options::default(), &|_| {})
            .await
            .unwrap();
        let rep = nara_app::report::round_report(store.as_ref(), r26, None)
            .await
            .unwrap();
        assert_eq!(rep.previous, Some(r25));
        let falun = rep.org("2080").unwrap();
        assert_eq!(falun.units.len(), 2);
        let hem = falun
            .units
            .iter()
            .find(|u| u.name.as_str() == "Hemsjukvården")
            .unwrap();
        assert_eq!(hem.raters.len(), 2);
        assert_eq!(hem.result.scores.areas[0].mean, Some(3.5));
        assert_eq!(
            falun.scores.areas[0].mean,
            Some(2.75),
            "(3.5 + 2) / 2: each unit once"
        );
        let d1 = &falun.change[0].unwrap();
        assert_eq!(d1.direction, Direction::Up);
        assert!((d1.delta - 0.75).abs() < 1e-12);
        let mora = rep.org("2062").unwrap();
        assert_eq!(mora.change[0].unwrap().direction, Direction::Unchanged);
        let county = rep.county.areas[0].stats.unwrap();
        assert_eq!(
            (county.mean, county.n),
            ((2.75 + 2.0) / 2.0, 2),
            "each organisation once"
        );
        assert_eq!(rep.not_answered.len(), 14);
        assert_eq!(rep.areas.len(), Instrument::dalarna().areas().len());
        // One organisation only.
        let only = nara_app::report::round_report(
            store.as_ref(),
            r26,
            Some(&nara_core::OrgCode::parse("2062").unwrap()),
        )
        .await
        .unwrap();
        assert_eq!(only.organisations.len(), 1);
        let t = nara_app::report::response_tracking(store.as_ref(), r26)
            .await
            .unwrap();
        assert_eq!(t.missing().count(), 14);
    }
);

contract!(
    a_trend_recomputes_only_the_round_that_changed,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let app = nara_app::App::new(store.clone());
        let mut files = Vec::new();
        for (id, level) in [("2024", 1), ("2025", 2), ("2026", 3)] {
            let r = open_round(&store, id).await;
            files.push(
                write_form(
                    &store,
                    dir.path(),
                    &format!("{id}.xlsx"),
                    r,
                    "2080",
                    &filled("Hemsjukvården", "", level),
                )
                .await,
            );
        }
        import_batch(store.as_ref(), &files, &Options::default(), &|_| {})
            .await
            .unwrap();
        let r26 = nara_core::RoundId::parse("2026").unwrap();
        let earlier = nara_app::report::Earlier::All;
        let snap = app.snapshot().await.unwrap();
        let first = app.trend(&snap, r26, earlier).await.unwrap();
        assert_eq!(first.len(), 3);
        assert_eq!(app.rounds_computed(), 3);

        // A new form in 2026 only: the two earlier rounds' scores are kept.
        let more = write_form(
            &store,
            dir.path(),
            "2026b.xlsx",
            r26,
            "2062",
            &filled("Äldreomsorgen", "", 4),
        )
        .await;
        import_batch(store.as_ref(), &[more], &Options::default(), &|_| {})
            .await
            .unwrap();
        let snap = app.snapshot().await.unwrap();
        let second = app.trend(&snap, r26, earlier).await.unwrap();
        assert_eq!(app.rounds_computed(), 4, "only 2026 again");
        // And the numbers are those of a trend computed from scratch.
        let json = |t: &[nara_core::report::TrendRound]| serde_json::to_value(t).unwrap();
        let fresh = app.trend_now(r26, earlier).await.unwrap();
        assert_eq!(json(&second), json(&fresh));
        assert_ne!(
            json(&second[2..]),
            json(&first[2..]),
            "2026 has the new form"
        );
        assert_eq!(json(&second[..2]), json(&first[..2]));
    }
);

contract!(
    a_report_after_an_import_scores_only_the_round_that_changed,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let app = nara_app::App::new(store.clone());
        let mut files = Vec::new();
        for (id, level) in [("2025", 2), ("2026", 3)] {
            let r = open_round(&store, id).await;
            files.push(
                write_form(
                    &store,
                    dir.path(),
                    &format!("{id}.xlsx"),
                    r,
                    "2080",
                    &filled("Hemsjukvården", "", level),
                )
                .await,
            );
        }
        import_batch(store.as_ref(), &files, &Options::default(), &|_| {})
            .await
            .unwrap();
        let r26 = nara_core::RoundId::parse("2026").unwrap();
        let earlier = nara_app::report::Earlier::All;
        let snap = app.snapshot().await.unwrap();
        app.report(&snap, r26, None, earlier).await.unwrap();
        assert_eq!(app.rounds_computed(), 2, "2026 and 2025 for its change");
        // The trend takes both rounds' points from the report's scores.
        app.trend(&snap, r26, earlier).await.unwrap();
        assert_eq!(app.rounds_computed(), 2);

        let more = write_form(
            &store,
            dir.path(),
            "2026b.xlsx",
            r26,
            "2062",
            &filled("Äldreomsorgen", "", 4),
        )
        .await;
        import_batch(store.as_ref(), &[more], &Options::default(), &|_| {})
            .await
            .unwrap();
        let snap = app.snapshot().await.unwrap();
        let cached = app.report(&snap, r26, None, earlier).await.unwrap();
        assert_eq!(app.rounds_computed(), 3, "only 2026 again");
        let fresh = app.round_report(r26, None, earlier).await.unwrap();
        let json = |r: &nara_app::report::RoundReport| serde_json::to_value(r).unwrap();
        assert_eq!(json(&cached), json(&fresh));
        assert_eq!(cached.organisations.len(), 2);
        let falun = cached
            .organisations
            .iter()
            .find(|o| o.code == "2080")
            .unwrap();
        assert!(
            falun.change.iter().any(Option::is_some),
            "compared with 2025"
        );

        // A status change moves the snapshot but not the answers: the report shows the new
        // status without scoring anything again.
        app.change_status(r26, RoundStatus::Closed, "", "test")
            .await
            .unwrap();
        let snap = app.snapshot().await.unwrap();
        let closed = app.report(&snap, r26, None, earlier).await.unwrap();
        assert_eq!(app.rounds_computed(), 3, "nothing scored again");
        assert_eq!(closed.round.status, RoundStatus::Closed);
        let one = app
            .report(
                &snap,
                r26,
                Some(&nara_core::OrgCode::parse("2062").unwrap()),
                earlier,
            )
            .await
            .unwrap();
        assert_eq!(one.organisations.len(), 1);
        assert_eq!(app.rounds_computed(), 3);
    }
);
