//! Instruments, organisations and rounds. Compiled once per backend (see the crate's notes).

use async_trait::async_trait;
use nara_core::{Contact, Instrument, OrgCode, OrgKind, Organisation, Round, RoundId, RoundStatus};

use super::DbStore;
use crate::rows::{corrupt, status_of};
use crate::{AnsweredCount, Entity, Error, Result, RoundStore};

#[async_trait]
impl RoundStore for DbStore {
    #[tracing::instrument(skip_all, fields(instrument = %inst.id(), version = %inst.version()))]
    async fn put_instrument(&self, inst: &Instrument) -> Result<()> {
        let toml = inst.to_toml();
        let mut tx = self.write().await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT toml FROM instruments WHERE id = $1 AND version = $2")
                .bind(inst.id())
                .bind(inst.version())
                .fetch_optional(&mut *tx)
                .await?;
        match existing {
            Some(t) if Instrument::from_toml(&t).as_ref() == Ok(inst) => Ok(()),
            Some(_) => Err(Error::Conflict(Entity::Instrument {
                id: inst.id().to_string(),
                version: inst.version().to_string(),
            })),
            None => {
                sqlx::query(
                    "INSERT INTO instruments (id, version, name, toml, created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(inst.id())
                .bind(inst.version())
                .bind(inst.name())
                .bind(toml)
                .bind(self.clock.now_ms())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    }

    #[tracing::instrument(skip_all)]
    async fn instruments(&self) -> Result<Vec<Instrument>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT toml FROM instruments ORDER BY created_at, id, version")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(t,)| Instrument::from_toml(&t).map_err(corrupt))
            .collect()
    }

    #[tracing::instrument(skip_all, fields(org = %org.code))]
    async fn put_organisation(&self, org: &Organisation) -> Result<()> {
        // A list without a contact keeps the stored one: the e-mail address decides, as a
        // contact always has one.
        sqlx::query(
            "INSERT INTO organisations (code, name, kind, kolada, contact_name, contact_email)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                 kolada = excluded.kolada,
                 contact_name = CASE WHEN excluded.contact_email IS NULL
                     THEN organisations.contact_name ELSE excluded.contact_name END,
                 contact_email = COALESCE(excluded.contact_email, organisations.contact_email),
                 changes = organisations.changes + 1",
        )
        .bind(org.code.as_str())
        .bind(&org.name)
        .bind(org.kind.label())
        .bind(org.kolada.as_deref())
        .bind(org.contact.as_ref().map(|c| c.name.as_str()))
        .bind(org.contact.as_ref().map(|c| c.email.as_str()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn organisations(&self) -> Result<Vec<Organisation>> {
        type OrgRow = (
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<OrgRow> = sqlx::query_as(
            "SELECT code, name, kind, kolada, contact_name, contact_email
             FROM organisations ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(code, name, kind, kolada, contact_name, contact_email)| {
                Ok(Organisation {
                    code: OrgCode::parse(&code).map_err(corrupt)?,
                    name,
                    kind: if kind == "region" {
                        OrgKind::Region
                    } else {
                        OrgKind::Kommun
                    },
                    kolada,
                    contact: contact_email.map(|email| Contact {
                        name: contact_name.unwrap_or_default(),
                        email,
                    }),
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(round = %round.id))]
    async fn create_round(&self, round: &Round, actor: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM rounds WHERE id = $1")
            .bind(round.id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(Error::Conflict(Entity::Round(round.id)));
        }
        let inst: Option<String> =
            sqlx::query_scalar("SELECT id FROM instruments WHERE id = $1 AND version = $2")
                .bind(&round.instrument_id)
                .bind(&round.instrument_version)
                .fetch_optional(&mut *tx)
                .await?;
        if inst.is_none() {
            return Err(Error::NotFound(Entity::Instrument {
                id: round.instrument_id.clone(),
                version: round.instrument_version.clone(),
            }));
        }
        let now = self.clock.now_ms();
        sqlx::query(
            "INSERT INTO rounds (id, instrument_id, instrument_version, status, opens, closes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(round.id.to_string())
        .bind(&round.instrument_id)
        .bind(&round.instrument_version)
        .bind(round.status.code())
        .bind(round.opens.map(|d| d.to_string()))
        .bind(round.closes.map(|d| d.to_string()))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details)
             VALUES ($1, $2, 'round.create', $3, $4)",
        )
        .bind(now)
        .bind(actor)
        .bind(round.id.to_string())
        .bind(format!(
            "instrument {} {}",
            round.instrument_id, round.instrument_version
        ))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn rounds(&self) -> Result<Vec<Round>> {
        type RoundRow = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<RoundRow> = sqlx::query_as(
            "SELECT id, instrument_id, instrument_version, status, opens, closes FROM rounds",
        )
        .fetch_all(&self.pool)
        .await?;
        let date = |d: Option<String>| {
            d.map(|d| nara_core::round::Date::parse(&d))
                .transpose()
                .map_err(corrupt)
        };
        let mut rounds = rows
            .into_iter()
            .map(
                |(id, instrument_id, instrument_version, status, opens, closes)| {
                    Ok(Round {
                        id: RoundId::parse(&id).map_err(corrupt)?,
                        instrument_id,
                        instrument_version,
                        status: status_of(&status)?,
                        opens: date(opens)?,
                        closes: date(closes)?,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        rounds.sort_by_key(|r| r.id);
        Ok(rounds)
    }

    #[tracing::instrument(skip_all)]
    async fn answered_counts(&self) -> Result<Vec<AnsweredCount>> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT r.round_id, COUNT(DISTINCT u.org_code), COUNT(DISTINCT r.unit_id)
             FROM responses r JOIN units u ON u.id = r.unit_id
             WHERE r.replaced_at IS NULL GROUP BY r.round_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(round, orgs, units)| {
                Ok(AnsweredCount {
                    round: RoundId::parse(&round).map_err(corrupt)?,
                    organisations: usize::try_from(orgs).map_err(corrupt)?,
                    units: usize::try_from(units).map_err(corrupt)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(round = %id, status = status.code()))]
    async fn set_round_status(&self, id: RoundId, status: RoundStatus, actor: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let done =
            sqlx::query("UPDATE rounds SET status = $1, changes = changes + 1 WHERE id = $2")
                .bind(status.code())
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::Round(id)));
        }
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(self.clock.now_ms())
        .bind(actor)
        .bind(format!("round.{}", status.code()))
        .bind(id.to_string())
        .bind(format!("status: {}", status.label()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
