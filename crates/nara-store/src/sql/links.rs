//! Answer links for the web form and their drafts. Compiled once per backend (see the crate's
//! notes).

use async_trait::async_trait;
use nara_core::{OrgCode, RoundId};
use sqlx::Row;

use super::DbStore;
use crate::rows::corrupt;
use crate::{AnswerLink, Entity, Error, LinkStore, NewLink, Result};

impl DbStore {
    /// The links a filter (`WHERE …` with text arguments) selects.
    async fn load_links(&self, filter: &'static str, args: Vec<String>) -> Result<Vec<AnswerLink>> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, round_id, org_code, unit, rater, consensus, created_by, created_at,
                    revoked_at, saved_at, submitted_at
             FROM answer_links {filter} ORDER BY org_code, unit, consensus, rater, id"
        )));
        for a in args {
            q = q.bind(a);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let round: String = row.try_get(1)?;
                let org: String = row.try_get(2)?;
                Ok(AnswerLink {
                    id: row.try_get(0)?,
                    round: RoundId::parse(&round).map_err(corrupt)?,
                    org: OrgCode::parse(&org).map_err(corrupt)?,
                    unit: row.try_get(3)?,
                    rater: row.try_get(4)?,
                    consensus: row.try_get(5)?,
                    created_by: row.try_get(6)?,
                    created_at: row.try_get(7)?,
                    revoked_at: row.try_get(8)?,
                    saved_at: row.try_get(9)?,
                    submitted_at: row.try_get(10)?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl LinkStore for DbStore {
    #[tracing::instrument(skip_all, fields(round = %l.round, org = %l.org))]
    async fn create_link(&self, l: &NewLink<'_>, actor: &str) -> Result<i64> {
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO answer_links (token_hash, round_id, org_code, unit, rater, consensus,
                 created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(l.token_hash)
        .bind(l.round.to_string())
        .bind(l.org.as_str())
        .bind(l.unit)
        .bind(l.rater)
        .bind(l.consensus)
        .bind(actor)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        // The details are data in the audit log, in the words the log has always used.
        let details = format!(
            "bedömare: {}; samsyn: {}",
            if l.rater.is_empty() { "–" } else { l.rater },
            if l.consensus { "ja" } else { "nej" }
        );
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details)
             VALUES ($1, $2, 'link.create', $3, $4)",
        )
        .bind(now)
        .bind(actor)
        .bind(format!("{} {} {}", l.round, l.org, l.unit))
        .bind(details)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(skip_all, fields(round = %round))]
    async fn links(&self, round: RoundId, org: Option<&OrgCode>) -> Result<Vec<AnswerLink>> {
        match org {
            Some(o) => {
                let args = vec![round.to_string(), o.as_str().to_string()];
                self.load_links("WHERE round_id = $1 AND org_code = $2", args)
                    .await
            }
            None => {
                self.load_links("WHERE round_id = $1", vec![round.to_string()])
                    .await
            }
        }
    }

    #[tracing::instrument(skip_all)]
    async fn link_by_token(&self, token_hash: &str) -> Result<Option<AnswerLink>> {
        let found = self
            .load_links("WHERE token_hash = $1", vec![token_hash.to_string()])
            .await?;
        Ok(found.into_iter().next())
    }

    #[tracing::instrument(skip_all, fields(link = id))]
    async fn revoke_link(&self, id: i64, actor: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        let done = sqlx::query(
            "UPDATE answer_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::ActiveLink(id)));
        }
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details)
             VALUES ($1, $2, 'link.revoke', $3, '')",
        )
        .bind(now)
        .bind(actor)
        .bind(format!("länk {id}"))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(link = link_id, fields = fields.len()))]
    async fn save_draft(&self, link_id: i64, fields: &[(String, String)], now: i64) -> Result<()> {
        let mut tx = self.write().await?;
        for (field, value) in fields {
            sqlx::query(
                "INSERT INTO answer_drafts (link_id, field, value, saved_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (link_id, field)
                 DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at",
            )
            .bind(link_id)
            .bind(field)
            .bind(value)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE answer_links SET saved_at = $1 WHERE id = $2")
            .bind(now)
            .bind(link_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(link = link_id))]
    async fn draft(&self, link_id: i64) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT field, value FROM answer_drafts WHERE link_id = $1 ORDER BY field",
        )
        .bind(link_id)
        .fetch_all(&self.pool)
        .await?)
    }

    #[tracing::instrument(skip_all, fields(link = link_id))]
    async fn mark_submitted(&self, link_id: i64, now: i64) -> Result<()> {
        sqlx::query("UPDATE answer_links SET submitted_at = $1 WHERE id = $2")
            .bind(now)
            .bind(link_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
