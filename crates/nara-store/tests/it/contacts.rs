//! Whom the coordinator writes to: an organisation's contact from the organisations list or
//! set on its own (a list without contacts keeps it), and the coordinator's own contact; each
//! change audited once; both backends.

use std::sync::Arc;

use nara_core::{Contact, OrgCode, Organisations};
use nara_store::{Entity, Error, Store, contract};

fn contact(name: &str, email: &str) -> Contact {
    Contact::parse(name, email).unwrap()
}

async fn contact_of(store: &Arc<dyn Store>, code: &str) -> Option<Contact> {
    store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.code.as_str() == code)
        .unwrap()
        .contact
}

contract!(
    a_list_without_contacts_keeps_the_stored_ones,
    |store: Arc<dyn Store>| async move {
        let mut falun = (Organisations::dalarna().organisations.into_iter())
            .find(|o| o.code.as_str() == "2080")
            .unwrap();
        let code = falun.code.to_string();
        falun.contact = Some(contact("Anna Andersson", "anna@falun.se"));
        store.put_organisation(&falun).await.unwrap();
        assert_eq!(
            contact_of(&store, &code).await,
            Some(contact("Anna Andersson", "anna@falun.se"))
        );
        // The same organisation again from a list without a contact: renamed, contact kept.
        falun.contact = None;
        falun.name = "Falu kommun".into();
        store.put_organisation(&falun).await.unwrap();
        let back = store.organisations().await.unwrap();
        let o = back.iter().find(|o| o.code.as_str() == code).unwrap();
        assert_eq!(o.name, "Falu kommun");
        assert_eq!(o.contact, Some(contact("Anna Andersson", "anna@falun.se")));
        // A list with another contact replaces it, a contact without a name included.
        falun.contact = Some(contact("", "kansli@falun.se"));
        store.put_organisation(&falun).await.unwrap();
        assert_eq!(
            contact_of(&store, &code).await,
            Some(contact("", "kansli@falun.se"))
        );
    }
);

contract!(
    an_organisations_contact_is_set_and_cleared_and_audited_once,
    |store: Arc<dyn Store>| async move {
        for o in Organisations::dalarna().organisations {
            store.put_organisation(&o).await.unwrap();
        }
        let mora = OrgCode::parse("2062").unwrap();
        assert_eq!(contact_of(&store, "2062").await, None);
        let stamp = store.data_stamp().await.unwrap();
        let bo = contact("Bo Berg", "bo.berg@mora.se");
        assert!(
            store
                .set_organisation_contact(&mora, Some(&bo), "samordnare")
                .await
                .unwrap()
        );
        assert_eq!(contact_of(&store, "2062").await, Some(bo.clone()));
        // Only Mora's contact changed.
        assert_eq!(contact_of(&store, "2080").await, None);
        // The organisation list is part of the data snapshot, so its stamp moves.
        assert_ne!(store.data_stamp().await.unwrap(), stamp);
        // The same again: nothing changes, no audit row.
        assert!(
            !store
                .set_organisation_contact(&mora, Some(&bo), "samordnare")
                .await
                .unwrap()
        );
        assert!(
            store
                .set_organisation_contact(&mora, None, "samordnare")
                .await
                .unwrap()
        );
        assert_eq!(contact_of(&store, "2062").await, None);
        let log = store
            .audit_log(10, Some("organisation.contact"))
            .await
            .unwrap();
        assert_eq!(log.len(), 2, "{log:?}");
        assert_eq!(log[0].subject, "2062");
        assert_eq!(log[0].details, "borttagen");
        assert_eq!(log[1].details, "Bo Berg, bo.berg@mora.se");
        assert_eq!(log[1].actor, "samordnare");
        let nowhere = OrgCode::parse("1480").unwrap();
        match store
            .set_organisation_contact(&nowhere, Some(&bo), "samordnare")
            .await
        {
            Err(Error::NotFound(Entity::Organisation(c))) => assert_eq!(c, nowhere),
            other => panic!("an unknown organisation: {other:?}"),
        }
    }
);

contract!(
    the_coordinators_contact_is_one_row_set_changed_and_cleared,
    |store: Arc<dyn Store>| async move {
        assert_eq!(store.coordinator_contact().await.unwrap(), None);
        let karin = contact("Karin Samordnare", "karin@rss.example.se");
        assert!(
            store
                .set_coordinator_contact(Some(&karin), "karin")
                .await
                .unwrap()
        );
        assert_eq!(
            store.coordinator_contact().await.unwrap(),
            Some(karin.clone())
        );
        assert!(
            !store
                .set_coordinator_contact(Some(&karin), "karin")
                .await
                .unwrap()
        );
        let lena = contact("Lena Ny", "lena@rss.example.se");
        assert!(
            store
                .set_coordinator_contact(Some(&lena), "lena")
                .await
                .unwrap()
        );
        assert_eq!(store.coordinator_contact().await.unwrap(), Some(lena));
        assert!(store.set_coordinator_contact(None, "lena").await.unwrap());
        assert_eq!(store.coordinator_contact().await.unwrap(), None);
        assert!(!store.set_coordinator_contact(None, "lena").await.unwrap());
        let log = store
            .audit_log(10, Some("coordinator.contact"))
            .await
            .unwrap();
        let details: Vec<&str> = log.iter().map(|e| e.details.as_str()).collect();
        assert_eq!(
            details,
            [
                "borttagen",
                "Lena Ny, lena@rss.example.se",
                "Karin Samordnare, karin@rss.example.se"
            ]
        );
    }
);
