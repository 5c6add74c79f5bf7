//! The audit log and the data stamp. Compiled once per backend (see the crate's notes).

use async_trait::async_trait;
use nara_core::RoundId;

use super::{Db, DbStore};
use crate::{AuditEntry, AuditFilter, AuditStore, Result};

/// An audit row as read.
type Row = (i64, i64, String, String, String, String);

fn entry((id, at, actor, action, subject, details): Row) -> AuditEntry {
    AuditEntry {
        id,
        at,
        actor,
        action,
        subject,
        details,
    }
}

/// Writes an audit row inside a transaction (so the row and the change it records commit
/// together).
pub(super) async fn in_tx(
    tx: &mut sqlx::Transaction<'static, Db>,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    details: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(details)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl AuditStore for DbStore {
    #[tracing::instrument(skip_all, fields(action = %action))]
    async fn audit(&self, actor: &str, action: &str, subject: &str, details: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(self.clock.now_ms())
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(details)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(limit = limit, action = ?action))]
    async fn audit_log(&self, limit: i64, action: Option<&str>) -> Result<Vec<AuditEntry>> {
        let rows: Vec<Row> = match action {
            Some(a) => {
                sqlx::query_as(
                    "SELECT id, at, actor, action, subject, details FROM audit
                     WHERE action = $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(a)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(
                    "SELECT id, at, actor, action, subject, details FROM audit
                     ORDER BY id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows.into_iter().map(entry).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn audit_find(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        // One statement for every combination: a missing bound is NULL and lets every row by.
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, at, actor, action, subject, details FROM audit
             WHERE ($1 IS NULL OR action = $1) AND ($2 IS NULL OR at >= $2)
               AND ($3 IS NULL OR at < $3) AND ($4 IS NULL OR id < $4)
             ORDER BY id DESC LIMIT $5",
        )
        .bind(f.action.as_deref())
        .bind(f.from)
        .bind(f.to)
        .bind(f.before)
        .bind(f.limit.clamp(0, 100_000))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn audit_actions(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT action FROM audit ORDER BY action")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn data_stamp(&self) -> Result<String> {
        // Each part is an indexed maximum or a sum over a small table, so the cost does not
        // grow with the answers: new forms move the responses' newest id, replacements their
        // newest replacement time, and rounds, organisations and instruments count their own
        // changes, and nyckeltal and aktiviteter one counter each. Responses are never deleted.
        let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM responses),
                    (SELECT COALESCE(MAX(replaced_at), 0) FROM responses),
                    (SELECT COUNT(*) FROM rounds),
                    (SELECT COALESCE(SUM(changes), 0) FROM rounds),
                    (SELECT COUNT(*) FROM organisations),
                    (SELECT COALESCE(SUM(changes), 0) FROM organisations),
                    (SELECT COUNT(*) FROM instruments),
                    (SELECT COALESCE(MAX(changes), 0) FROM indicator_state),
                    (SELECT COALESCE(MAX(changes), 0) FROM activity_state)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(format!(
            "{}:{}:{}:{}:{}:{}:{}:{}:{}",
            row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8
        ))
    }

    #[tracing::instrument(skip_all, fields(round = %round))]
    async fn round_stamp(&self, round: RoundId) -> Result<String> {
        let row: (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM responses WHERE round_id = $1),
                    (SELECT COALESCE(MAX(replaced_at), 0) FROM responses WHERE round_id = $1)",
        )
        .bind(round.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(format!("{}:{}", row.0, row.1))
    }
}
