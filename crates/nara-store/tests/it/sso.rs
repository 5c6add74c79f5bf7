//! Sign-in with an identity provider: a started sign-in is taken once and only while fresh, a
//! flood of starts keeps only the newest, a person's account is made at the first sign-in and updated (not duplicated) later, names
//! stay unique, and the password setting is kept and audited; both backends.

use std::sync::Arc;

use nara_core::sso::PasswordSignIn;
use nara_core::{OrgCode, Organisations};
use nara_store::{Role, Session, SsoPending, SsoPerson, Store, contract};

fn pending(state: &str, at: i64) -> SsoPending {
    SsoPending {
        state_hash: state.into(),
        provider: "falun".into(),
        nonce: format!("nonce-{state}"),
        pkce_verifier: format!("verifier-{state}"),
        created_at: at,
    }
}

contract!(
    a_started_sign_in_is_taken_once_and_only_while_fresh,
    |store: Arc<dyn Store>| async move {
        let now = store.now();
        store
            .put_sso_pending(&pending("a", now), 100)
            .await
            .unwrap();
        store
            .put_sso_pending(&pending("old", now - 11 * 60_000), 100)
            .await
            .unwrap();
        let ten_minutes = 10 * 60_000;
        let got = store.take_sso_pending("a", ten_minutes).await.unwrap();
        assert_eq!(got, Some(pending("a", now)));
        assert_eq!(
            store.take_sso_pending("a", ten_minutes).await.unwrap(),
            None,
            "once"
        );
        assert_eq!(
            store.take_sso_pending("old", ten_minutes).await.unwrap(),
            None,
            "too old"
        );
        assert_eq!(
            store.take_sso_pending("never", ten_minutes).await.unwrap(),
            None
        );
        // Two takers of one state at the same moment: exactly one gets it.
        store
            .put_sso_pending(&pending("race", now), 100)
            .await
            .unwrap();
        let (x, y) = tokio::join!(
            store.take_sso_pending("race", ten_minutes),
            store.take_sso_pending("race", ten_minutes)
        );
        assert_eq!(
            usize::from(x.unwrap().is_some()) + usize::from(y.unwrap().is_some()),
            1
        );
    }
);

contract!(
    a_flood_of_starts_keeps_only_the_newest_and_forgets_the_old,
    |store: Arc<dyn Store>| async move {
        let now = store.now();
        let hour = 60 * 60_000;
        // Started more than an hour ago: gone at the next start, whatever the room.
        store
            .put_sso_pending(&pending("ancient", now - hour - 100), 100)
            .await
            .unwrap();
        store
            .put_sso_pending(&pending("fresh", now - 20), 100)
            .await
            .unwrap();
        assert_eq!(
            store.take_sso_pending("ancient", 2 * hour).await.unwrap(),
            None
        );
        assert!(
            store
                .take_sso_pending("fresh", hour)
                .await
                .unwrap()
                .is_some()
        );
        for i in 0..12 {
            store
                .put_sso_pending(&pending(&format!("s{i}"), now - 12 + i), 5)
                .await
                .unwrap();
        }
        let max = 10 * 60_000;
        let mut kept = Vec::new();
        for i in 0..12 {
            if store
                .take_sso_pending(&format!("s{i}"), max)
                .await
                .unwrap()
                .is_some()
            {
                kept.push(i);
            }
        }
        assert_eq!(kept, vec![7, 8, 9, 10, 11], "the newest five stay");
    }
);

contract!(
    a_person_gets_one_account_updated_at_each_sign_in,
    |store: Arc<dyn Store>| async move {
        for o in Organisations::dalarna().organisations {
            store.put_organisation(&o).await.unwrap();
        }
        let falun = OrgCode::parse("2080").unwrap();
        let borlange = OrgCode::parse("2081").unwrap();
        // A local account already has the person's name: the new account gets another.
        store
            .create_user("anna@falun.se", "x", Role::Reader, None)
            .await
            .unwrap();
        let person = SsoPerson {
            issuer: "https://idp.falun.se",
            subject: "s-1",
            provider: "falun",
            name: "Anna@Falun.se",
            role: Role::Respondent,
            org: Some(&falun),
        };
        let first = store.sso_account(&person).await.unwrap();
        assert_eq!(first.username, "anna@falun.se (falun)");
        assert_eq!(
            (first.role, first.org.clone()),
            (Role::Respondent, Some(falun.clone()))
        );
        assert_eq!(first.password_hash, "", "no password");
        // Later: the same subject, new rights from the rules.
        let moved = SsoPerson {
            role: Role::Reader,
            org: Some(&borlange),
            ..person
        };
        let again = store.sso_account(&moved).await.unwrap();
        assert_eq!(again.id, first.id, "the same account");
        assert_eq!(
            (again.role, again.org),
            (Role::Reader, Some(borlange.clone()))
        );
        // The same subject at another issuer is another person.
        let other = SsoPerson {
            issuer: "https://idp.borlange.se",
            ..person
        };
        let second = store.sso_account(&other).await.unwrap();
        assert_ne!(second.id, first.id);
        assert_eq!(second.username, "anna@falun.se (falun 2)");
        assert_eq!(store.sso_links(first.id).await.unwrap(), ["falun"]);
        assert_eq!(store.users().await.unwrap().len(), 3);
        let log = store.audit_log(20, Some("sso.account")).await.unwrap();
        assert_eq!(log.len(), 3, "made, changed, made: {log:?}");
        // Unchanged rights: no audit row.
        store.sso_account(&moved).await.unwrap();
        assert_eq!(
            store
                .audit_log(20, Some("sso.account"))
                .await
                .unwrap()
                .len(),
            3
        );
    }
);

contract!(
    password_sign_in_is_for_everyone_until_the_coordinator_says_otherwise,
    |store: Arc<dyn Store>| async move {
        assert_eq!(
            store.password_sign_in().await.unwrap(),
            PasswordSignIn::Everyone
        );
        // Open sessions: a reader and a coordinator with passwords, and a person whose
        // account was made at a provider (no password).
        for o in Organisations::dalarna().organisations {
            store.put_organisation(&o).await.unwrap();
        }
        let reader = store
            .create_user("rut", "hash-r", Role::Reader, None)
            .await
            .unwrap();
        let admin = store
            .create_user("sam", "hash-s", Role::Admin, None)
            .await
            .unwrap();
        let falun = OrgCode::parse("2080").unwrap();
        let person = store
            .sso_account(&SsoPerson {
                issuer: "https://idp.falun.se",
                subject: "s-9",
                provider: "falun",
                name: "per@falun.se",
                role: Role::Respondent,
                org: Some(&falun),
            })
            .await
            .unwrap();
        let now = store.now();
        for (hash, user_id) in [("r", reader), ("s", admin), ("p", person.id)] {
            let session = Session {
                id_hash: hash.into(),
                user_id,
                csrf: "c".into(),
                created_at: now,
                last_seen: now,
                expires_at: now + 3_600_000,
            };
            store.create_session(&session).await.unwrap();
        }
        let only = PasswordSignIn::CoordinatorsOnly;
        assert_eq!(
            store.set_password_sign_in(only, "admin").await.unwrap(),
            Some(1)
        );
        assert_eq!(
            store.session("r").await.unwrap(),
            None,
            "the reader's ended"
        );
        assert!(
            store.session("s").await.unwrap().is_some(),
            "a coordinator's stays"
        );
        assert!(
            store.session("p").await.unwrap().is_some(),
            "a provider's stays"
        );
        assert_eq!(
            store.set_password_sign_in(only, "admin").await.unwrap(),
            None
        );
        assert_eq!(store.password_sign_in().await.unwrap(), only);
        let log = store
            .audit_log(10, Some("settings.password"))
            .await
            .unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].details, "samordnare; avslutade sessioner: 1");
        assert!(only.allows(Role::Admin) && !only.allows(Role::Respondent));
        // Back to everyone: nothing more ends.
        let everyone = PasswordSignIn::Everyone;
        assert_eq!(
            store.set_password_sign_in(everyone, "admin").await.unwrap(),
            Some(0)
        );
        assert!(store.session("s").await.unwrap().is_some());
    }
);
