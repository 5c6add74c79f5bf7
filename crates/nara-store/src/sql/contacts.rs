//! Whom the coordinator writes to: each organisation's contact (columns of `organisations`)
//! and the coordinator's own (the one row of `coordinator_contact`). Compiled once per backend
//! (see the crate's notes).

use async_trait::async_trait;
use nara_core::{Contact, OrgCode};

use super::DbStore;
use crate::{ContactStore, Entity, Error, Result};

/// `Anna Andersson, anna@falun.se`, or `borttagen` when cleared: the audit row's details.
fn details(contact: Option<&Contact>) -> String {
    contact.map_or_else(|| "borttagen".to_string(), Contact::display)
}

#[async_trait]
impl ContactStore for DbStore {
    #[tracing::instrument(skip_all, fields(org = %org))]
    async fn set_organisation_contact(
        &self,
        org: &OrgCode,
        contact: Option<&Contact>,
        actor: &str,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let stored: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT contact_name, contact_email FROM organisations WHERE code = $1")
                .bind(org.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let Some((name, email)) = stored else {
            return Err(Error::NotFound(Entity::Organisation(org.clone())));
        };
        let before = email.map(|email| Contact {
            name: name.unwrap_or_default(),
            email,
        });
        if before.as_ref() == contact {
            return Ok(false);
        }
        // The organisation list is part of the data snapshot (with its contacts), so the change
        // is counted as any change of an organisation is.
        sqlx::query(
            "UPDATE organisations SET contact_name = $1, contact_email = $2,
                 changes = changes + 1
             WHERE code = $3",
        )
        .bind(contact.map(|c| c.name.as_str()))
        .bind(contact.map(|c| c.email.as_str()))
        .bind(org.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details)
             VALUES ($1, $2, 'organisation.contact', $3, $4)",
        )
        .bind(self.clock.now_ms())
        .bind(actor)
        .bind(org.as_str())
        .bind(details(contact))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn coordinator_contact(&self) -> Result<Option<Contact>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT name, email FROM coordinator_contact WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(name, email)| Contact { name, email }))
    }

    #[tracing::instrument(skip_all)]
    async fn set_coordinator_contact(
        &self,
        contact: Option<&Contact>,
        actor: &str,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let before: Option<(String, String)> =
            sqlx::query_as("SELECT name, email FROM coordinator_contact WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await?;
        let before = before.map(|(name, email)| Contact { name, email });
        if before.as_ref() == contact {
            return Ok(false);
        }
        let now = self.clock.now_ms();
        match contact {
            Some(c) => {
                sqlx::query(
                    "INSERT INTO coordinator_contact (id, name, email, changed_at, changed_by)
                     VALUES (1, $1, $2, $3, $4)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                         email = excluded.email, changed_at = excluded.changed_at,
                         changed_by = excluded.changed_by",
                )
                .bind(&c.name)
                .bind(&c.email)
                .bind(now)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM coordinator_contact WHERE id = 1")
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details)
             VALUES ($1, $2, 'coordinator.contact', 'samordnare', $3)",
        )
        .bind(now)
        .bind(actor)
        .bind(details(contact))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
