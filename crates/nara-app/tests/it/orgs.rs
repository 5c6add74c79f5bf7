//! Organisations from a list: validated first, each change audited, the same list again
//! changes nothing.

use std::sync::Arc;

use nara_store::Store;
use nara_store::contract;

contract!(
    an_organisation_list_is_validated_and_each_change_audited,
    |store: Arc<dyn Store>| async move {
        let s = store.as_ref();
        nara_app::seed_defaults(s).await.unwrap();
        let list = r#"
county = "Dalarna"
organisations = [
  { code = "2080", name = "Falu kommun", kind = "kommun" },
  { code = "2081", name = "Borlänge", kind = "kommun" },
  { code = "1480", name = "Göteborg", kind = "kommun" },
]
"#;
        assert_eq!(
            nara_app::import_organisations(s, list, "anna")
                .await
                .unwrap(),
            2
        );
        let log = s.audit_log(20, None).await.unwrap();
        let update = log
            .iter()
            .find(|e| e.action == "organisation.update")
            .unwrap();
        assert_eq!(
            (update.subject.as_str(), update.actor.as_str()),
            ("2080", "anna")
        );
        assert!(
            update.details.contains("Falun → Falu kommun"),
            "{}",
            update.details
        );
        assert!(
            log.iter()
                .any(|e| e.action == "organisation.add" && e.subject == "1480")
        );
        // The same list again: nothing changes, nothing is audited.
        assert_eq!(
            nara_app::import_organisations(s, list, "anna")
                .await
                .unwrap(),
            0
        );
        // A list with an error: nothing of it is stored.
        let bad = r#"
county = "X"
organisations = [
  { code = "2062", name = "Mora stad", kind = "kommun" },
  { code = "12", name = "", kind = "kommun" },
]
"#;
        assert!(
            nara_app::import_organisations(s, bad, "anna")
                .await
                .is_err()
        );
        let mora = nara_app::organisation(s, &nara_core::OrgCode::parse("2062").unwrap())
            .await
            .unwrap();
        assert_eq!(mora.name, "Mora");
    }
);
