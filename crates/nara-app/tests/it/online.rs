//! Answering on the web through the use cases: links, drafts, submission, and what the
//! response tracking says at each step, on both backends.

use std::sync::Arc;

use nara_app::online::{LinkState, create_links, open_link, save, submit};
use nara_core::{OrgCode, RoundId};
use nara_store::Store;
use nara_store::contract;

use crate::support::open_round;

contract!(
    a_link_goes_from_not_started_to_draft_to_submitted,
    |store: Arc<dyn Store>| async move {
        let round = open_round(&store, "2026").await;
        let s = store.as_ref();
        let org = OrgCode::parse("2080").unwrap();
        let made = create_links(
            s,
            round,
            &org,
            "Hemtjänst Öst",
            &["Anna".into()],
            false,
            "admin",
        )
        .await
        .unwrap();
        assert_eq!(made.len(), 1);
        let t = nara_app::report::response_tracking(s, round).await.unwrap();
        assert_eq!(t.web.len(), 1);
        assert_eq!(
            (
                t.web[0].unit.as_str(),
                t.web[0].rater.as_str(),
                t.web[0].saved_at
            ),
            ("Hemtjänst Öst", "Anna", None)
        );

        let LinkState::Open(open) = open_link(s, &made[0].token).await.unwrap() else {
            panic!("the link is open")
        };
        let (link, _, inst) = *open;
        let errors = save(
            s,
            &link,
            &inst,
            &[
                ("svar:D1.1".into(), "3".into()),
                ("svar:D1.2".into(), "9".into()),
            ],
        )
        .await
        .unwrap();
        assert_eq!(errors.len(), 1, "9 is not on the scale");
        assert!(errors[0].message.contains("inget svarsalternativ"));
        let t = nara_app::report::response_tracking(s, round).await.unwrap();
        assert!(t.web[0].saved_at.is_some(), "a draft is saved");
        assert!(
            t.organisations.iter().all(|o| o.units.is_empty()),
            "nothing submitted yet"
        );

        submit(s, &link, &inst, "länk").await.unwrap();
        let t = nara_app::report::response_tracking(s, round).await.unwrap();
        assert!(t.web.is_empty(), "submitted links are no longer under way");
        let falun = t.organisations.iter().find(|o| o.code == "2080").unwrap();
        assert_eq!(falun.units[0].sources, ["web"]);

        // A link for a round that is closed stops working.
        nara_app::rounds::set_status(s, round, nara_core::RoundStatus::Closed, "t")
            .await
            .unwrap();
        assert!(matches!(
            open_link(s, &made[0].token).await.unwrap(),
            LinkState::NotOpen(_)
        ));
        let err = create_links(
            s,
            RoundId::parse("2026").unwrap(),
            &org,
            "X",
            &[],
            false,
            "admin",
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(err.contains("stängd"), "{err}");
    }
);

#[test]
fn an_answer_is_kept_as_the_scale_value_however_it_was_typed() {
    let inst = nara_core::Instrument::dalarna();
    for (typed, kept) in [
        ("+3", "3"),
        ("03", "3"),
        (" 4 ", "4"),
        ("004", "4"),
        ("na", "na"),
        ("", ""),
    ] {
        assert_eq!(
            nara_app::online::check_field(&inst, "svar:D1.1", typed).as_deref(),
            Ok(kept),
            "{typed:?}"
        );
    }
    for wrong in ["5", "0", "-3", "3.0", "tre", "+"] {
        assert!(
            nara_app::online::check_field(&inst, "svar:D1.1", wrong).is_err(),
            "{wrong:?} is refused"
        );
    }
}

/// 2026-03-01 12:00 UTC, in Unix ms.
const T0: i64 = 1_772_366_400_000;

contract!(
    a_draft_and_its_submission_are_stamped_by_the_store_clock,
    clock = T0,
    |store: Arc<dyn Store>, clock: Arc<nara_store::ManualClock>| async move {
        let round = open_round(&store, "2026").await;
        let s = store.as_ref();
        let org = OrgCode::parse("2080").unwrap();
        let made = create_links(s, round, &org, "Hemtjänst Öst", &[], false, "admin")
            .await
            .unwrap();
        let LinkState::Open(open) = open_link(s, &made[0].token).await.unwrap() else {
            panic!("the link is open")
        };
        let (link, _, inst) = *open;
        clock.advance(90_000);
        let errors = save(s, &link, &inst, &[("svar:D1.1".into(), "3".into())])
            .await
            .unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        let t = nara_app::report::response_tracking(s, round).await.unwrap();
        assert_eq!(t.web[0].saved_at, Some(T0 + 90_000));
        clock.advance(60_000);
        submit(s, &link, &inst, "länk").await.unwrap();
        let links = s.links(round, Some(&org)).await.unwrap();
        assert_eq!(links[0].submitted_at, Some(T0 + 150_000));
        let stored = s.responses(round).await.unwrap();
        assert_eq!(stored[0].created_at, T0 + 150_000);
    }
);
