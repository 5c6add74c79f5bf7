//! Whom the coordinator writes to: each organisation's contact (for reminders before a round
//! closes) and the coordinator's own (who receives the forms and answers questions; printed on
//! the blank forms). Set in the browser or, for organisations, in the organisations file; each
//! change audited (`organisation.contact`, `coordinator.contact`).

use nara_core::{Contact, OrgCode};
use nara_store::Store;

use crate::{Error, Result};

/// A field of a contact form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The person's name.
    Name,
    /// The e-mail address.
    Email,
}

impl Field {
    /// The field's label on a form.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Namn",
            Self::Email => "E-postadress",
        }
    }
}

/// What is wrong with a contact as typed: the field and a Swedish sentence that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// The field to mark.
    pub field: Field,
    /// What is wrong and how to put it right.
    pub message: String,
}

/// A contact from what was typed in a form: both fields empty is no contact (the stored one is
/// removed); otherwise it is checked as [`Contact::parse`] does.
pub fn from_form(name: &str, email: &str) -> std::result::Result<Option<Contact>, FormError> {
    if name.trim().is_empty() && email.trim().is_empty() {
        return Ok(None);
    }
    Contact::parse(name, email).map(Some).map_err(|message| {
        // Which field: the name alone, with an address known to be good, tells.
        let field = if Contact::parse(name, "namn@exempel.se").is_err() {
            Field::Name
        } else {
            Field::Email
        };
        FormError { field, message }
    })
}

/// Checks a contact again before it is stored (a caller may have built it by hand).
fn checked(contact: Option<&Contact>) -> Result<Option<Contact>> {
    contact
        .map(|c| c.checked().map_err(Error::Invalid))
        .transpose()
}

/// Sets or (with `None`) removes an organisation's contact, audited. `false` when it was so
/// already; a Swedish error when there is no such organisation or the contact is not valid.
pub async fn set_organisation_contact(
    store: &dyn Store,
    org: &OrgCode,
    contact: Option<&Contact>,
    actor: &str,
) -> Result<bool> {
    let contact = checked(contact)?;
    Ok(store
        .set_organisation_contact(org, contact.as_ref(), actor)
        .await?)
}

/// The coordinator's contact, when one is set.
pub async fn coordinator_contact(store: &dyn Store) -> Result<Option<Contact>> {
    Ok(store.coordinator_contact().await?)
}

/// Sets or (with `None`) removes the coordinator's contact, audited. `false` when it was so
/// already.
pub async fn set_coordinator_contact(
    store: &dyn Store,
    contact: Option<&Contact>,
    actor: &str,
) -> Result<bool> {
    let contact = checked(contact)?;
    Ok(store
        .set_coordinator_contact(contact.as_ref(), actor)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_names_the_field_that_is_wrong() {
        assert_eq!(from_form(" ", ""), Ok(None));
        assert_eq!(
            from_form("Anna Andersson", "anna@falun.se"),
            Ok(Some(
                Contact::parse("Anna Andersson", "anna@falun.se").unwrap()
            ))
        );
        let e = from_form("Anna", "anna@falun").unwrap_err();
        assert_eq!(e.field, Field::Email);
        assert!(
            e.message.contains("”anna@falun” är ingen e-postadress"),
            "{e:?}"
        );
        let e = from_form("Anna", "").unwrap_err();
        assert_eq!(
            (e.field, e.message.as_str()),
            (Field::Email, "Ange en e-postadress.")
        );
        let e = from_form("Anna <x>", "anna@falun.se").unwrap_err();
        assert_eq!(e.field, Field::Name);
        assert!(e.message.starts_with("Namnet"), "{e:?}");
    }

    #[tokio::test]
    async fn contacts_are_checked_stored_and_audited() {
        let (store, _dir) = nara_store::testing::sqlite().await;
        let s = store.as_ref();
        crate::seed_defaults(s).await.unwrap();
        let falun = OrgCode::parse("2080").unwrap();
        let bad = Contact {
            name: "Anna".into(),
            email: "anna".into(),
        };
        let e = set_organisation_contact(s, &falun, Some(&bad), "k").await;
        assert!(matches!(e, Err(Error::Invalid(_))), "{e:?}");
        let anna = Contact::parse("Anna", "anna@falun.se").unwrap();
        assert!(
            set_organisation_contact(s, &falun, Some(&anna), "k")
                .await
                .unwrap()
        );
        let org = crate::organisation(s, &falun).await.unwrap();
        assert_eq!(org.contact, Some(anna.clone()));
        let gone = OrgCode::parse("1480").unwrap();
        match set_organisation_contact(s, &gone, Some(&anna), "k").await {
            Err(Error::NotFound(m)) => assert_eq!(m, "Organisationen 1480 finns inte."),
            other => panic!("{other:?}"),
        }
        assert_eq!(coordinator_contact(s).await.unwrap(), None);
        assert!(set_coordinator_contact(s, Some(&anna), "k").await.unwrap());
        assert_eq!(coordinator_contact(s).await.unwrap(), Some(anna));
        let log = s.audit_log(10, None).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["coordinator.contact", "organisation.contact"]);
    }

    #[tokio::test]
    async fn an_organisations_file_sets_contacts_and_keeps_those_it_does_not_give() {
        let (store, _dir) = nara_store::testing::sqlite().await;
        let s = store.as_ref();
        crate::seed_defaults(s).await.unwrap();
        let falun = OrgCode::parse("2080").unwrap();
        let anna = Contact::parse("Anna", "anna@falun.se").unwrap();
        set_organisation_contact(s, &falun, Some(&anna), "k")
            .await
            .unwrap();
        // The shipped list has no contacts: nothing changes, Falun's contact stays.
        let n = crate::import_organisations(s, nara_core::org::DALARNA_TOML, "k")
            .await
            .unwrap();
        assert_eq!(n, 0);
        assert_eq!(
            crate::organisation(s, &falun).await.unwrap().contact,
            Some(anna.clone())
        );
        // A list with a contact for Mora sets it, audited with the contact.
        let list = r#"
county = "Dalarna"
organisations = [
  { code = "2062", name = "Mora", kind = "kommun", contact = { name = "Bo", email = "bo@mora.se" } },
  { code = "2080", name = "Falun", kind = "kommun" },
]
"#;
        assert_eq!(crate::import_organisations(s, list, "k").await.unwrap(), 1);
        let mora = crate::organisation(s, &OrgCode::parse("2062").unwrap())
            .await
            .unwrap();
        assert_eq!(
            mora.contact,
            Some(Contact::parse("Bo", "bo@mora.se").unwrap())
        );
        assert_eq!(
            crate::organisation(s, &falun).await.unwrap().contact,
            Some(anna)
        );
        let log = s.audit_log(1, Some("organisation.update")).await.unwrap();
        assert_eq!(log[0].subject, "2062");
        assert!(
            log[0].details.ends_with("; kontakt: Bo, bo@mora.se"),
            "{:?}",
            log[0]
        );
        // The same list again changes nothing.
        assert_eq!(crate::import_organisations(s, list, "k").await.unwrap(), 0);
    }
}
