//! Store errors in Swedish. The store says what went wrong with what ([`nara_store::Entity`]);
//! here that becomes the sentence a person reads (the same sentences the store used to write).

use nara_store::{Entity, Error as StoreError, Operation};

/// The Swedish sentence for a store error: a sentence for what is missing, taken or not
/// available; the technical text for the rest (a failing database is not the user's to fix).
pub fn sentence(e: &StoreError) -> String {
    match e {
        StoreError::NotFound(what) => not_found(what),
        StoreError::Conflict(what) => conflict(what),
        StoreError::Unsupported {
            operation: Operation::Backup,
            backend: "postgres",
        } => "Säkerhetskopiering av PostgreSQL görs med pg_dump (se docs/operations.md), inte med nara backup.".into(),
        StoreError::Unsupported { .. } => "Det går inte med den här databasen.".into(),
        other => other.to_string(),
    }
}

fn not_found(what: &Entity) -> String {
    match what {
        Entity::Instrument { id, version } => {
            format!("Instrumentet {id} version {version} finns inte.")
        }
        Entity::Round(id) => format!("Omgången {id} finns inte."),
        Entity::Organisation(code) => format!("Organisationen {code} finns inte."),
        Entity::User(_) => "Användaren finns inte.".into(),
        Entity::Username(name) => format!("Användaren {name} finns inte."),
        Entity::Link(id) => format!("Svarslänken {id} finns inte."),
        Entity::ActiveLink(_) => "Länken finns inte eller är redan återkallad.".into(),
        Entity::BackupFile(path) => format!("Filen {} finns inte.", path.display()),
    }
}

fn conflict(what: &Entity) -> String {
    match what {
        Entity::Instrument { id, version } => format!(
            "Instrumentet {id} version {version} finns redan med annat innehåll. Ge det nya instrumentet ett nytt versionsnummer."
        ),
        Entity::Round(id) => format!("Omgången {id} finns redan."),
        Entity::Organisation(code) => format!("Organisationen {code} finns redan."),
        Entity::User(_) => "Användaren finns redan.".into(),
        Entity::Username(name) => format!("Användarnamnet {name} är upptaget."),
        Entity::Link(id) => format!("Svarslänken {id} finns redan."),
        Entity::ActiveLink(id) => format!("Svarslänken {id} är redan aktiv."),
        Entity::BackupFile(path) => format!(
            "Filen {} finns redan; välj ett nytt namn för säkerhetskopian.",
            path.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentences_people_saw_before_are_kept() {
        let round = nara_core::RoundId::parse("2026").unwrap();
        let cases = [
            (
                StoreError::NotFound(Entity::Round(round)),
                "Omgången 2026 finns inte.",
            ),
            (
                StoreError::Conflict(Entity::Round(round)),
                "Omgången 2026 finns redan.",
            ),
            (
                StoreError::NotFound(Entity::User(3)),
                "Användaren finns inte.",
            ),
            (
                StoreError::Conflict(Entity::Username("karin".into())),
                "Användarnamnet karin är upptaget.",
            ),
            (
                StoreError::NotFound(Entity::Link(7)),
                "Svarslänken 7 finns inte.",
            ),
            (
                StoreError::NotFound(Entity::ActiveLink(7)),
                "Länken finns inte eller är redan återkallad.",
            ),
            (
                StoreError::NotFound(Entity::Instrument {
                    id: "dalarna-gnv".into(),
                    version: "9".into(),
                }),
                "Instrumentet dalarna-gnv version 9 finns inte.",
            ),
            (
                StoreError::Conflict(Entity::Instrument {
                    id: "dalarna-gnv".into(),
                    version: "9".into(),
                }),
                "Instrumentet dalarna-gnv version 9 finns redan med annat innehåll. Ge det nya instrumentet ett nytt versionsnummer.",
            ),
            (
                StoreError::Conflict(Entity::BackupFile("kopia.db".into())),
                "Filen kopia.db finns redan; välj ett nytt namn för säkerhetskopian.",
            ),
            (
                StoreError::Unsupported {
                    operation: Operation::Backup,
                    backend: "postgres",
                },
                "Säkerhetskopiering av PostgreSQL görs med pg_dump (se docs/operations.md), inte med nara backup.",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(sentence(&e), want);
            assert_eq!(
                crate::Error::from(e).user_message(),
                Some(want),
                "the app error reads the same"
            );
        }
    }

    #[test]
    fn each_store_error_becomes_its_variant() {
        use crate::Error;
        let round = nara_core::RoundId::parse("2026").unwrap();
        assert!(matches!(
            Error::from(StoreError::NotFound(Entity::Round(round))),
            Error::NotFound(m) if m == "Omgången 2026 finns inte."
        ));
        assert!(matches!(
            Error::from(StoreError::Conflict(Entity::Username("bo".into()))),
            Error::Conflict(m) if m == "Användarnamnet bo är upptaget."
        ));
        assert!(matches!(
            Error::from(StoreError::Unsupported {
                operation: Operation::Backup,
                backend: "postgres"
            }),
            Error::Invalid(_)
        ));
        // A failing database is internal: no sentence for people, the store error as source.
        let e = Error::from(StoreError::Corrupt("round 2026".into()));
        assert!(matches!(&e, Error::Internal { .. }), "{e:?}");
        assert_eq!(e.user_message(), None);
        assert_eq!(
            e.chain(),
            "Databasfel: stored data is invalid: round 2026",
            "the chain keeps the store's detail for the log"
        );
    }
}
