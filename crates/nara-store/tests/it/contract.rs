//! The contract every backend keeps.

use std::sync::Arc;

use nara_core::{
    Answer, AnswerSet, AreaId, Instrument, OrgCode, Organisations, Response, Round, RoundId,
    RoundStatus, StatementId, UnitName,
};
use nara_store::{Error, ManualClock, Outcome, ResponseStore, Role, RoundStore, Session, Store};

use nara_store::contract;

async fn seeded(store: &Arc<dyn Store>) -> Instrument {
    let inst = Instrument::dalarna();
    store.put_instrument(&inst).await.unwrap();
    for o in Organisations::dalarna().organisations {
        store.put_organisation(&o).await.unwrap();
    }
    let round = Round {
        id: RoundId::parse("2026").unwrap(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: RoundStatus::Open,
        opens: None,
        closes: None,
    };
    store.create_round(&round, "test").await.unwrap();
    inst
}

fn response(unit: &str, rater: &str, level: u8) -> Response {
    let mut set = AnswerSet::default();
    set.answers
        .insert(StatementId::parse("D1.1").unwrap(), Answer::Level(level));
    set.answers
        .insert(StatementId::parse("D1.2").unwrap(), Answer::NotApplicable);
    set.comments.insert(
        AreaId::parse("D1").unwrap(),
        "Bra <b>samverkan</b> =1+1".into(),
    );
    set.notes
        .insert(StatementId::parse("D1.1").unwrap(), "Gäller dagtid".into());
    Response {
        round: RoundId::parse("2026").unwrap(),
        org: OrgCode::parse("2080").unwrap(),
        unit: UnitName::parse(unit).unwrap(),
        rater: rater.into(),
        participants: "Anna".into(),
        date: "2026-03-01".into(),
        instrument_id: "dalarna-gnv".into(),
        instrument_version: "2026.1".into(),
        consensus: false,
        set,
    }
}

contract!(instruments_are_versioned_and_immutable, |store: Arc<
    dyn Store,
>| async move {
    let inst = seeded(&store).await;
    store.put_instrument(&inst).await.unwrap();
    assert_eq!(store.instruments().await.unwrap(), vec![inst.clone()]);
    let edit = |f: &dyn Fn(&mut nara_core::InstrumentParts)| {
        let mut p = inst.clone().into_parts();
        f(&mut p);
        Instrument::from_parts(p).unwrap()
    };
    let changed = edit(&|p| p.name = "Annat".into());
    assert!(matches!(
        store.put_instrument(&changed).await,
        Err(Error::Conflict(_))
    ));
    let changed = edit(&|p| {
        p.name = "Annat".into();
        p.version = "2027.1".into();
    });
    store.put_instrument(&changed).await.unwrap();
    assert_eq!(store.instruments().await.unwrap().len(), 2);
    assert_eq!(store.organisations().await.unwrap().len(), 16);
});

contract!(
    rounds_and_their_status,
    |store: Arc<dyn Store>| async move {
        let inst = seeded(&store).await;
        let r = store.rounds().await.unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].status, RoundStatus::Open);
        let again = Round {
            status: RoundStatus::Draft,
            ..r[0].clone()
        };
        assert!(matches!(
            store.create_round(&again, "t").await,
            Err(Error::Conflict(_))
        ));
        let bad = Round {
            id: RoundId::parse("2027").unwrap(),
            instrument_version: "9".into(),
            ..again.clone()
        };
        assert!(matches!(
            store.create_round(&bad, "t").await,
            Err(Error::NotFound(_))
        ));
        store
            .set_round_status(r[0].id, RoundStatus::Closed, "anna")
            .await
            .unwrap();
        assert_eq!(store.rounds().await.unwrap()[0].status, RoundStatus::Closed);
        assert!(matches!(
            store
                .set_round_status(RoundId::parse("2030").unwrap(), RoundStatus::Open, "x")
                .await,
            Err(Error::NotFound(_))
        ));
        let log = store.audit_log(10, Some("round.closed")).await.unwrap();
        assert_eq!((log.len(), log[0].actor.as_str()), (1, "anna"));
        let _ = inst;
    }
);

contract!(
    the_same_form_twice_changes_nothing_and_a_correction_keeps_history,
    |store: Arc<dyn Store>| async move {
        seeded(&store).await;
        let round = RoundId::parse("2026").unwrap();
        let first = response("Hemsjukvården", "", 3);
        assert_eq!(
            store
                .store_response(&first, "h1", "a.xlsx", "cli")
                .await
                .unwrap(),
            Outcome::Imported
        );
        assert_eq!(
            store
                .store_response(&first, "h1", "a.xlsx", "cli")
                .await
                .unwrap(),
            Outcome::Unchanged
        );
        // The same unit written differently is the same form.
        let corrected = Response {
            unit: UnitName::parse("HEMSJUKVÅRDEN").unwrap(),
            ..response("Hemsjukvården", "", 4)
        };
        assert_eq!(
            store
                .store_response(&corrected, "h2", "a2.xlsx", "cli")
                .await
                .unwrap(),
            Outcome::Replaced
        );
        let current = store.responses(round).await.unwrap();
        assert_eq!(current.len(), 1);
        assert_eq!(
            current[0].response.set, corrected.set,
            "answers, comments and notes verbatim"
        );
        assert_eq!(
            current[0].response.unit.as_str(),
            "Hemsjukvården",
            "the unit keeps its first spelling"
        );
        let history = store.response_history(round).await.unwrap();
        assert_eq!(history.len(), 2);
        assert!(history[0].replaced_at.is_some() && history[1].replaced_at.is_none());
        assert_eq!(
            history[0].response.set.answers[&StatementId::parse("D1.1").unwrap()],
            Answer::Level(3)
        );
        let log = store.audit_log(10, None).await.unwrap();
        assert_eq!(log.iter().filter(|e| e.action == "import").count(), 1);
        assert_eq!(log.iter().filter(|e| e.action == "replace").count(), 1);
    }
);

contract!(raters_and_the_consensus_are_kept_apart, |store: Arc<
    dyn Store,
>| async move {
    seeded(&store).await;
    let round = RoundId::parse("2026").unwrap();
    for (rater, v) in [("Anna", 1), ("Bo", 4), ("anna ", 2)] {
        store
            .store_response(
                &response("Hemsjukvården", rater, v),
                &format!("{rater}{v}"),
                "f",
                "cli",
            )
            .await
            .unwrap();
    }
    let consensus = Response {
        consensus: true,
        ..response("Hemsjukvården", "", 3)
    };
    assert_eq!(
        store
            .store_response(&consensus, "c", "f", "cli")
            .await
            .unwrap(),
        Outcome::Imported
    );
    let current = store.responses(round).await.unwrap();
    assert_eq!(
        current.len(),
        3,
        "Anna (replaced by 'anna '), Bo and the consensus"
    );
    assert_eq!(current.iter().filter(|r| r.response.consensus).count(), 1);
});

contract!(
    users_sessions_and_audit,
    |store: Arc<dyn Store>| async move {
        seeded(&store).await;
        let falun = OrgCode::parse("2080").unwrap();
        let id = store
            .create_user("Karin", "$argon2id$x", Role::Respondent, Some(&falun))
            .await
            .unwrap();
        assert!(matches!(
            store.create_user("karin", "y", Role::Reader, None).await,
            Err(Error::Conflict(_))
        ));
        let u = store.user_by_name("KARIN").await.unwrap().unwrap();
        assert_eq!(
            (u.id, u.role, u.org.clone(), u.disabled),
            (id, Role::Respondent, Some(falun), false)
        );
        assert_eq!(store.user(id).await.unwrap().unwrap().username, "karin");
        let s = Session {
            id_hash: "h".into(),
            user_id: id,
            csrf: "c".into(),
            created_at: 1_000,
            last_seen: 1_000,
            expires_at: 10_000,
        };
        store.create_session(&s).await.unwrap();
        assert_eq!(store.session("h").await.unwrap(), Some(s.clone()));
        store.touch_session("h", 2_000).await.unwrap();
        assert_eq!(store.session("h").await.unwrap().unwrap().last_seen, 2_000);
        assert_eq!(
            store.delete_expired_sessions(5_000, 60_000).await.unwrap(),
            0
        );
        assert_eq!(
            store.delete_expired_sessions(20_000, 60_000).await.unwrap(),
            1
        );
        store.create_session(&s).await.unwrap();
        store.set_disabled(id, true).await.unwrap();
        assert!(store.user(id).await.unwrap().unwrap().disabled);
        assert_eq!(
            store.session("h").await.unwrap(),
            None,
            "disabling ends the sessions"
        );
        store.set_password(id, "new").await.unwrap();
        assert_eq!(store.user(id).await.unwrap().unwrap().password_hash, "new");
        store
            .audit("karin", "sign-in", "karin", "ok")
            .await
            .unwrap();
        assert_eq!(store.audit_log(5, Some("sign-in")).await.unwrap().len(), 1);
        assert_eq!(store.users().await.unwrap().len(), 1);
    }
);

#[tokio::test]
async fn sqlite_backup_restores_to_the_same_data() {
    let (store, dir) = nara_store::testing::sqlite().await;
    seeded(&store).await;
    store
        .store_response(&response("Hemsjukvården", "", 2), "h", "f", "cli")
        .await
        .unwrap();
    let copy = dir.path().join("kopia.db");
    store.backup_to(&copy).await.unwrap();
    assert!(
        matches!(store.backup_to(&copy).await, Err(Error::Conflict(_))),
        "never overwrites"
    );
    let restored = nara_store::SqliteStore::open(&copy).await.unwrap();
    let round = RoundId::parse("2026").unwrap();
    assert_eq!(
        restored.responses(round).await.unwrap(),
        store.responses(round).await.unwrap()
    );
    assert_eq!(
        restored.rounds().await.unwrap(),
        store.rounds().await.unwrap()
    );
}

contract!(
    answer_links_and_drafts,
    |store: Arc<dyn Store>| async move {
        seeded(&store).await;
        let round = nara_core::RoundId::parse("2026").unwrap();
        let org = nara_core::OrgCode::parse("2080").unwrap();
        let new = |hash: &'static str, rater: &'static str, consensus: bool| nara_store::NewLink {
            token_hash: hash,
            round,
            org: &org,
            unit: "Hemsjukvården",
            rater,
            consensus,
        };
        let a = store
            .create_link(&new("h1", "Anna", false), "admin")
            .await
            .unwrap();
        let b = store
            .create_link(&new("h2", "", true), "admin")
            .await
            .unwrap();
        // A token hash is unique.
        assert!(
            store
                .create_link(&new("h1", "Bo", false), "admin")
                .await
                .is_err()
        );
        let links = store.links(round, Some(&org)).await.unwrap();
        assert_eq!(links.iter().map(|l| l.id).collect::<Vec<_>>(), [a, b]);
        assert!(
            store
                .links(round, Some(&nara_core::OrgCode::parse("2062").unwrap()))
                .await
                .unwrap()
                .is_empty()
        );
        let l = store.link_by_token("h1").await.unwrap().unwrap();
        assert_eq!(
            (l.rater.as_str(), l.consensus, l.revoked_at),
            ("Anna", false, None)
        );
        assert!(store.link_by_token("nej").await.unwrap().is_none());

        // Drafts: each field is written whole; a later write of one field keeps the others.
        store
            .save_draft(
                a,
                &[("D1.1".into(), "3".into()), ("D1.2".into(), "2".into())],
                1,
            )
            .await
            .unwrap();
        store
            .save_draft(a, &[("D1.2".into(), "4".into())], 2)
            .await
            .unwrap();
        assert_eq!(
            store.draft(a).await.unwrap(),
            [
                ("D1.1".to_string(), "3".to_string()),
                ("D1.2".to_string(), "4".to_string())
            ]
        );
        assert!(store.draft(b).await.unwrap().is_empty());
        assert_eq!(
            store.link_by_token("h1").await.unwrap().unwrap().saved_at,
            Some(2)
        );
        store.mark_submitted(a, 3).await.unwrap();
        assert_eq!(
            store
                .link_by_token("h1")
                .await
                .unwrap()
                .unwrap()
                .submitted_at,
            Some(3)
        );

        store.revoke_link(a, "admin").await.unwrap();
        assert!(
            store
                .link_by_token("h1")
                .await
                .unwrap()
                .unwrap()
                .revoked_at
                .is_some()
        );
        assert!(matches!(
            store.revoke_link(a, "admin").await,
            Err(Error::NotFound(_))
        ));
        let log = store.audit_log(10, None).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "link.create")
                && log.iter().any(|e| e.action == "link.revoke")
        );
    }
);

contract!(
    a_web_answer_and_its_submitted_link_are_one_write,
    |store: Arc<dyn Store>| async move {
        seeded(&store).await;
        let round = RoundId::parse("2026").unwrap();
        let org = OrgCode::parse("2080").unwrap();
        let link = store
            .create_link(
                &nara_store::NewLink {
                    token_hash: "w1",
                    round,
                    org: &org,
                    unit: "Hemsjukvården",
                    rater: "",
                    consensus: false,
                },
                "admin",
            )
            .await
            .unwrap();
        let r = response("Hemsjukvården", "", 3);
        // A link that is not there: the answer is not stored either.
        assert!(matches!(
            store.store_web_response(&r, "x1", link + 1000, "web").await,
            Err(Error::NotFound(_))
        ));
        assert!(store.responses(round).await.unwrap().is_empty());
        // Both at once.
        assert_eq!(
            store
                .store_web_response(&r, "x1", link, "web")
                .await
                .unwrap(),
            Outcome::Imported
        );
        let stored = store.responses(round).await.unwrap();
        assert_eq!((stored.len(), stored[0].source.as_str()), (1, "web"));
        let submitted = |s: Arc<dyn Store>| async move {
            s.link_by_token("w1").await.unwrap().unwrap().submitted_at
        };
        let first = submitted(store.clone()).await;
        assert!(first.is_some());
        // The same answers again: nothing new is stored, the link is still submitted.
        assert_eq!(
            store
                .store_web_response(&r, "x1", link, "web")
                .await
                .unwrap(),
            Outcome::Unchanged
        );
        assert!(submitted(store.clone()).await >= first);
        assert_eq!(store.responses(round).await.unwrap().len(), 1);
    }
);

/// 2026-03-01 12:00 UTC, in Unix ms: where the clocked tests start.
const T0: i64 = 1_772_366_400_000;

contract!(
    every_write_is_stamped_by_the_store_clock,
    clock = T0,
    |store: Arc<dyn Store>, clock: Arc<ManualClock>| async move {
        assert_eq!(store.now(), T0);
        seeded(&store).await;
        let round = RoundId::parse("2026").unwrap();
        store
            .store_response(&response("Hemsjukvården", "", 3), "h1", "a.xlsx", "cli")
            .await
            .unwrap();
        clock.advance(60_000);
        assert_eq!(store.now(), T0 + 60_000);
        store
            .store_response(&response("Hemsjukvården", "", 4), "h2", "b.xlsx", "cli")
            .await
            .unwrap();
        let history = store.response_history(round).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|r| (r.created_at, r.replaced_at))
                .collect::<Vec<_>>(),
            [(T0, Some(T0 + 60_000)), (T0 + 60_000, None)]
        );
        let log = store.audit_log(10, None).await.unwrap();
        let at = |action: &str| log.iter().find(|e| e.action == action).unwrap().at;
        assert_eq!(
            (at("round.create"), at("import"), at("replace")),
            (T0, T0, T0 + 60_000)
        );

        clock.set(T0 + 3_600_000);
        let org = OrgCode::parse("2080").unwrap();
        let link = store
            .create_link(
                &nara_store::NewLink {
                    token_hash: "t",
                    round,
                    org: &org,
                    unit: "Hemsjukvården",
                    rater: "",
                    consensus: false,
                },
                "admin",
            )
            .await
            .unwrap();
        clock.advance(1_000);
        store
            .store_web_response(&response("Hemsjukvården", "", 2), "h3", link, "web")
            .await
            .unwrap();
        clock.advance(1_000);
        store.revoke_link(link, "admin").await.unwrap();
        let l = store.link_by_token("t").await.unwrap().unwrap();
        assert_eq!(
            (l.created_at, l.submitted_at, l.revoked_at),
            (T0 + 3_600_000, Some(T0 + 3_601_000), Some(T0 + 3_602_000))
        );
        let id = store
            .create_user("karin", "$argon2id$x", Role::Admin, None)
            .await
            .unwrap();
        assert_eq!(
            store.user(id).await.unwrap().unwrap().created_at,
            T0 + 3_602_000
        );
    }
);

contract!(
    sessions_expire_by_the_store_clock_without_waiting,
    clock = T0,
    |store: Arc<dyn Store>, clock: Arc<ManualClock>| async move {
        let id = store
            .create_user("karin", "$argon2id$x", Role::Admin, None)
            .await
            .unwrap();
        let now = store.now();
        let session = |hash: &str, expires_at: i64| Session {
            id_hash: hash.into(),
            user_id: id,
            csrf: "c".into(),
            created_at: now,
            last_seen: now,
            expires_at,
        };
        const IDLE: i64 = 30 * 60_000;
        store
            .create_session(&session("short", now + 60_000))
            .await
            .unwrap();
        store
            .create_session(&session("long", now + 8 * 3_600_000))
            .await
            .unwrap();
        clock.advance(59_999);
        assert_eq!(
            store
                .delete_expired_sessions(store.now(), IDLE)
                .await
                .unwrap(),
            0,
            "not yet"
        );
        clock.advance(2);
        assert_eq!(
            store
                .delete_expired_sessions(store.now(), IDLE)
                .await
                .unwrap(),
            1,
            "the short one has expired"
        );
        assert!(store.session("short").await.unwrap().is_none());
        // Used now, the long one lives on; left idle longer than IDLE, it ends.
        store.touch_session("long", store.now()).await.unwrap();
        clock.advance(IDLE);
        assert_eq!(
            store
                .delete_expired_sessions(store.now(), IDLE)
                .await
                .unwrap(),
            0
        );
        clock.advance(1);
        assert_eq!(
            store
                .delete_expired_sessions(store.now(), IDLE)
                .await
                .unwrap(),
            1,
            "idle too long"
        );
        assert!(store.session("long").await.unwrap().is_none());
    }
);

contract!(
    refusals_say_what_and_which,
    |store: Arc<dyn Store>| async move {
        use nara_store::Entity;
        seeded(&store).await;
        let round = RoundId::parse("2026").unwrap();
        let existing = store.rounds().await.unwrap().remove(0);
        assert!(matches!(
            store.create_round(&existing, "t").await,
            Err(Error::Conflict(Entity::Round(r))) if r == round
        ));
        let missing = RoundId::parse("2031").unwrap();
        assert!(matches!(
            store.set_round_status(missing, RoundStatus::Open, "t").await,
            Err(Error::NotFound(Entity::Round(r))) if r == missing
        ));
        let other = Round {
            id: missing,
            instrument_version: "9".into(),
            ..existing
        };
        assert!(matches!(
            store.create_round(&other, "t").await,
            Err(Error::NotFound(Entity::Instrument { id, version }))
                if id == "dalarna-gnv" && version == "9"
        ));
        store
            .create_user("karin", "x", Role::Reader, None)
            .await
            .unwrap();
        assert!(matches!(
            store.create_user(" KARIN", "y", Role::Reader, None).await,
            Err(Error::Conflict(Entity::Username(n))) if n == "karin"
        ));
        assert!(matches!(
            store.set_password(999, "x").await,
            Err(Error::NotFound(Entity::User(999)))
        ));
        assert!(matches!(
            store.set_role(999, Role::Admin, None).await,
            Err(Error::NotFound(Entity::User(999)))
        ));
        assert!(matches!(
            store.revoke_link(999, "admin").await,
            Err(Error::NotFound(Entity::ActiveLink(999)))
        ));
        assert!(matches!(
            store
                .store_web_response(&response("Hemsjukvården", "", 1), "x", 999, "web")
                .await,
            Err(Error::NotFound(Entity::Link(999)))
        ));
        // What the store says is for logs: it names the thing and writes no Swedish.
        let e = store.set_password(999, "x").await.unwrap_err().to_string();
        assert_eq!(e, "user 999 not found");
        if store.backend() == "postgres" {
            let e = store
                .backup_to(std::path::Path::new("/tmp/x.db"))
                .await
                .unwrap_err();
            assert!(matches!(
                e,
                Error::Unsupported {
                    operation: nara_store::Operation::Backup,
                    backend: "postgres"
                }
            ));
        }
    }
);

contract!(
    the_data_stamp_moves_with_the_data_and_only_with_it,
    |store: Arc<dyn Store>| async move {
        let inst = seeded(&store).await;
        let round = RoundId::parse("2026").unwrap();
        let mut seen = vec![store.data_stamp().await.unwrap()];
        let mut moved = |s: String, why: &str| {
            assert!(!seen.contains(&s), "the stamp should move: {why}");
            seen.push(s);
        };
        // Sign-ins and other audit entries are not data: a stranger's failed sign-ins must not
        // throw the computed results away.
        let still = store.data_stamp().await.unwrap();
        store
            .audit("x", "sign-in.failed", "x", "adress: 1")
            .await
            .unwrap();
        store.audit("anna", "sign-in", "anna", "").await.unwrap();
        assert_eq!(store.data_stamp().await.unwrap(), still);

        let first = response("Hemsjukvården", "", 3);
        store
            .store_response(&first, "h1", "a.xlsx", "cli")
            .await
            .unwrap();
        moved(store.data_stamp().await.unwrap(), "a new form");
        let before = store.data_stamp().await.unwrap();
        store
            .store_response(&first, "h1", "a.xlsx", "cli")
            .await
            .unwrap();
        assert_eq!(
            store.data_stamp().await.unwrap(),
            before,
            "the same form again"
        );
        let corrected = response("Hemsjukvården", "", 4);
        (store
            .store_response(&corrected, "h2", "b.xlsx", "cli")
            .await)
            .unwrap();
        moved(store.data_stamp().await.unwrap(), "a replaced form");
        (store
            .set_round_status(round, RoundStatus::Closed, "anna")
            .await)
            .unwrap();
        moved(store.data_stamp().await.unwrap(), "a status change");
        (store
            .set_round_status(round, RoundStatus::Open, "anna")
            .await)
            .unwrap();
        moved(store.data_stamp().await.unwrap(), "a status change back");
        let mut falun = Organisations::dalarna().organisations[0].clone();
        falun.name = format!("{} (nytt namn)", falun.name);
        store.put_organisation(&falun).await.unwrap();
        moved(store.data_stamp().await.unwrap(), "a renamed organisation");
        let mut next = inst.clone().into_parts();
        next.version = "2027.1".into();
        let next = Instrument::from_parts(next).unwrap();
        store.put_instrument(&next).await.unwrap();
        moved(
            store.data_stamp().await.unwrap(),
            "a new instrument version",
        );
    }
);

/// A form of a batch, as the importer gives it: `h` is both its content and its file's hash.
fn form<'a>(r: &'a Response, h: &'a str) -> nara_store::NewForm<'a> {
    nara_store::NewForm {
        response: r,
        content_hash: h,
        source: "x.xlsx",
        file_hash: Some(h),
    }
}

contract!(
    a_batch_keeps_each_form_whole_and_the_good_ones_stored,
    |store: Arc<dyn Store>| async move {
        seeded(&store).await;
        let round = RoundId::parse("2026").unwrap();
        let a = response("Hemsjukvården", "", 3);
        // An organisation that does not exist: its unit cannot be made, so nothing of it stays.
        let bad = Response {
            org: OrgCode::parse("9999").unwrap(),
            ..response("Okänd", "", 2)
        };
        let b = response("Rehab", "Anna", 4);
        let results = store
            .store_responses(
                &[
                    form(&a, "h-a"),
                    form(&bad, "h-bad"),
                    form(&b, "h-b"),
                    form(&a, "h-a"),
                ],
                "cli",
            )
            .await
            .unwrap();
        assert!(matches!(results[0], Ok(Outcome::Imported)), "{results:?}");
        assert!(results[1].is_err(), "{results:?}");
        assert!(matches!(results[2], Ok(Outcome::Imported)), "{results:?}");
        assert!(
            matches!(results[3], Ok(Outcome::Unchanged)),
            "the same form again: {results:?}"
        );
        let stored = store.responses(round).await.unwrap();
        let units: Vec<&str> = stored.iter().map(|s| s.response.unit.as_str()).collect();
        assert_eq!(units, ["Hemsjukvården", "Rehab"]);
        assert_eq!(
            stored[0].response.set, a.set,
            "form by form after the bad one"
        );
        assert_eq!(stored[1].response.set, b.set);
        let log = store.audit_log(10, Some("import")).await.unwrap();
        assert_eq!(
            log.len(),
            2,
            "one audit row per stored form, none for the bad one"
        );
        // A correction in a later batch replaces, as a single store does.
        let a2 = response("Hemsjukvården", "", 1);
        let again = store
            .store_responses(&[form(&a2, "h-a2")], "cli")
            .await
            .unwrap();
        assert!(matches!(again[0], Ok(Outcome::Replaced)), "{again:?}");
        // The files are remembered with their current response; a bad form's is not, and a
        // file whose response was replaced is no longer known (it may change something again).
        let known = store.known_files().await.unwrap();
        let mut files: Vec<&str> = known.keys().map(String::as_str).collect();
        files.sort_unstable();
        assert_eq!(files, ["h-a2", "h-b"]);
        let current = store.responses(round).await.unwrap();
        let a2_id = current
            .iter()
            .find(|s| s.content_hash == "h-a2")
            .map(|s| s.id);
        assert_eq!(known.get("h-a2").map(|k| k.1), a2_id);
        assert_eq!(known.get("h-a2").map(|k| k.0), Some(round));
    }
);

contract!(a_batch_reads_what_its_own_forms_wrote, |store: Arc<
    dyn Store,
>| async move {
    seeded(&store).await;
    let round = RoundId::parse("2026").unwrap();
    // An existing unit, replaced in the batch; then in one batch: a correction of the same
    // form, two raters of a unit new to the store, and the correction again.
    let before = response("Hemsjukvården", "", 2);
    (store.store_response(&before, "h0", "x.xlsx", "cli").await).unwrap();
    let first = response("Hemsjukvården", "", 3);
    let second = response("Hemsjukvården", "", 1);
    let (anna, bo) = (response("Rehab", "Anna", 4), response("Rehab", "Bo", 2));
    let results = store
        .store_responses(
            &[
                form(&first, "h1"),
                form(&anna, "h-anna"),
                form(&second, "h2"),
                form(&bo, "h-bo"),
                form(&second, "h2"),
            ],
            "cli",
        )
        .await
        .unwrap();
    let outcomes: Vec<_> = results.iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Replaced,
            Outcome::Imported,
            Outcome::Replaced,
            Outcome::Imported,
            Outcome::Unchanged
        ]
    );
    let current = store.responses(round).await.unwrap();
    let mut seen: Vec<(&str, &str, &str)> = (current.iter())
        .map(|s| {
            let r = &s.response;
            (r.unit.as_str(), r.rater.as_str(), s.content_hash.as_str())
        })
        .collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        [
            ("Hemsjukvården", "", "h2"),
            ("Rehab", "Anna", "h-anna"),
            ("Rehab", "Bo", "h-bo")
        ]
    );
    assert_eq!(store.response_history(round).await.unwrap().len(), 5);
    // Every version's answers, comments and notes, written for the whole batch at once, come
    // back with the version they belong to.
    for s in store.response_history(round).await.unwrap() {
        let sent = match s.content_hash.as_str() {
            "h0" => &before,
            "h1" => &first,
            "h2" => &second,
            "h-anna" => &anna,
            _ => &bo,
        };
        assert_eq!(s.response.set, sent.set, "{}", s.content_hash);
    }
});

contract!(
    answered_counts_count_current_forms_per_round,
    |store: Arc<dyn Store>| async move {
        seeded(&store).await;
        assert!(store.answered_counts().await.unwrap().is_empty());
        // Two raters of one unit, a second unit, a unit of another organisation, and a form
        // with comments only (no answers): it loads back with no answers.
        store
            .store_response(&response("Hemsjukvården", "Anna", 3), "a", "a.xlsx", "cli")
            .await
            .unwrap();
        store
            .store_response(&response("Hemsjukvården", "Bo", 2), "b", "b.xlsx", "cli")
            .await
            .unwrap();
        store
            .store_response(&response("Vårdcentralen", "", 4), "c", "c.xlsx", "cli")
            .await
            .unwrap();
        let mut other = response("Äldreomsorgen", "", 1);
        other.org = OrgCode::parse("2062").unwrap();
        other.set.answers.clear();
        store
            .store_response(&other, "d", "d.xlsx", "cli")
            .await
            .unwrap();
        // A replaced version counts once.
        store
            .store_response(&response("Vårdcentralen", "", 1), "e", "e.xlsx", "cli")
            .await
            .unwrap();
        let counts = store.answered_counts().await.unwrap();
        assert_eq!(counts.len(), 1);
        assert_eq!(counts[0].round, RoundId::parse("2026").unwrap());
        assert_eq!((counts[0].organisations, counts[0].units), (2, 3));
        let loaded = store
            .responses(RoundId::parse("2026").unwrap())
            .await
            .unwrap();
        let no_answers = loaded.iter().find(|r| r.response.org == "2062").unwrap();
        assert!(no_answers.response.set.answers.is_empty());
        assert_eq!(no_answers.response.set.comments.len(), 1);
        assert_eq!(loaded.len(), 4);
    }
);

contract!(an_organisations_kolada_id_is_kept, |store: Arc<
    dyn Store,
>| async move {
    seeded(&store).await;
    let mut region = Organisations::dalarna()
        .organisations
        .into_iter()
        .find(|o| o.code == "20")
        .unwrap();
    assert_eq!(region.kolada.as_deref(), Some("0020"));
    region.kolada = Some("0021".into());
    store.put_organisation(&region).await.unwrap();
    let back = store.organisations().await.unwrap();
    let falun = back.iter().find(|o| o.code == "2080").unwrap();
    assert_eq!(
        (falun.kolada.as_deref(), falun.kolada_id()),
        (None, "2080".into())
    );
    let r = back.iter().find(|o| o.code == "20").unwrap();
    assert_eq!(r.kolada_id(), "0021");
});

contract!(
    the_audit_log_is_read_a_page_at_a_time_by_action_and_time,
    |store: Arc<dyn Store>| async move {
        for i in 0..7 {
            let action = if i % 2 == 0 { "user.add" } else { "user.role" };
            store
                .audit("samordnare", action, &format!("konto{i}"), "")
                .await
                .unwrap();
        }
        let actions = store.audit_actions().await.unwrap();
        assert_eq!(actions, ["user.add", "user.role"]);
        let all = store
            .audit_find(&nara_store::AuditFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 7);
        assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
        // Pages of three, each after the last one's id, cover the log exactly once.
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let page = store
                .audit_find(&nara_store::AuditFilter {
                    before,
                    limit: 3,
                    ..Default::default()
                })
                .await
                .unwrap();
            if page.is_empty() {
                break;
            }
            before = page.last().map(|e| e.id);
            seen.extend(page.into_iter().map(|e| e.id));
        }
        assert_eq!(seen, all.iter().map(|e| e.id).collect::<Vec<_>>());
        let adds = store
            .audit_find(&nara_store::AuditFilter {
                action: Some("user.add".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(adds.len(), 4);
        // A time range: from the first entry's moment, until before it: nothing; from it: all.
        let first = all.last().unwrap().at;
        let none = store
            .audit_find(&nara_store::AuditFilter {
                to: Some(first),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(none.is_empty());
        let from = store
            .audit_find(&nara_store::AuditFilter {
                from: Some(first),
                to: Some(i64::MAX),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(from.len(), 7);
    }
);
