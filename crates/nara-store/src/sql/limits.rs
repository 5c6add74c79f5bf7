//! Attempts counted per key in a sliding window (the sign-in limits), in the database so that
//! every process on it counts together. Compiled once per backend (see the crate's notes); how
//! a reservation holds its keys against other writers (`hold_keys`) and how pruning passes rows
//! another transaction holds (`SKIP_LOCKED`) are the backend's own.

use async_trait::async_trait;

use super::{DbStore, SKIP_LOCKED};
use crate::{LimitKey, LimitStore, Reserved, Result};

#[async_trait]
impl LimitStore for DbStore {
    #[tracing::instrument(skip_all, fields(keys = keys.len()))]
    async fn reserve_attempt(&self, keys: &[LimitKey<'_>], window_ms: i64) -> Result<Reserved> {
        let mut tx = self.write().await?;
        self.hold_keys(&mut tx, keys).await?;
        // Read the time once the keys are held: a reservation that waited counts from then.
        let now = self.clock.now_ms();
        let since = now.saturating_sub(window_ms);
        // Check every key before counting any.
        let mut full = Vec::new();
        for k in keys {
            let (count, newest): (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MAX(id) FROM sign_in_attempts
                 WHERE key = $1 AND stamp = $2 AND at > $3",
            )
            .bind(k.key)
            .bind(k.stamp)
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
            if count >= i64::from(k.max) {
                full.push(newest);
            }
        }
        if !full.is_empty() {
            // The newest attempt of a full key completed its lock: the first refusal marks it.
            let mut first = false;
            for id in full.into_iter().flatten() {
                let marked = sqlx::query(
                    "UPDATE sign_in_attempts SET warned = TRUE WHERE id = $1 AND NOT warned",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                first |= marked.rows_affected() > 0;
            }
            tx.commit().await?;
            return Ok(Reserved::Full { first });
        }
        let mut ids = Vec::with_capacity(keys.len());
        for k in keys {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sign_in_attempts (key, at, stamp, capped) VALUES ($1, $2, $3, $4)
                 RETURNING id",
            )
            .bind(k.key)
            .bind(now)
            .bind(k.stamp)
            .bind(k.capped)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(Reserved::Taken(ids))
    }

    #[tracing::instrument(skip_all, fields(attempt = id))]
    async fn give_back_attempt(&self, id: i64, key: &str) -> Result<()> {
        // The key too: an id alone might, long after, name another attempt.
        sqlx::query("DELETE FROM sign_in_attempts WHERE id = $1 AND key = $2")
            .bind(id)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn clear_attempts(&self, key: &str) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sign_in_attempts WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    #[tracing::instrument(skip_all, fields(max_capped = max_capped))]
    async fn prune_attempts(&self, window_ms: i64, max_capped: u64, batch: u64) -> Result<u64> {
        let now = self.clock.now_ms();
        let batch = i64::try_from(batch).unwrap_or(i64::MAX);
        let expired = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM sign_in_attempts WHERE id IN (
                 SELECT id FROM sign_in_attempts WHERE at <= $1 ORDER BY at LIMIT $2{SKIP_LOCKED})"
        )))
        .bind(now.saturating_sub(window_ms))
        .bind(batch)
        .execute(&self.pool)
        .await?
        .rows_affected();
        let capped: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_attempts WHERE capped")
            .fetch_one(&self.pool)
            .await?;
        let capped = u64::try_from(capped).unwrap_or(0);
        if capped <= max_capped {
            return Ok(expired);
        }
        // Over the cap: the oldest go, down to seven eighths, so this is not paid on every call.
        let keep = max_capped - max_capped / 8;
        let excess = i64::try_from(capped - keep).unwrap_or(i64::MAX).min(batch);
        let evicted = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM sign_in_attempts WHERE id IN (
                 SELECT id FROM sign_in_attempts WHERE capped ORDER BY at, id LIMIT $1{SKIP_LOCKED})"
        )))
        .bind(excess)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(expired + evicted)
    }

    #[tracing::instrument(skip_all)]
    async fn attempt_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_attempts")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
