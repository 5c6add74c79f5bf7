//! The årsrapport's draft texts and final versions. Compiled once per backend (see the crate's
//! notes).

use async_trait::async_trait;

use super::DbStore;
use super::audit::in_tx as audit;
use crate::{Result, StoredYear, YearStore};

type Row = (i64, i64, String, Option<String>, String, i64);

fn stored(r: Row) -> StoredYear {
    StoredYear {
        year: u16::try_from(r.0).unwrap_or_default(),
        version: u32::try_from(r.1).unwrap_or_default(),
        texts: r.2,
        model: r.3,
        made_by: r.4,
        made_at: r.5,
    }
}

#[async_trait]
impl YearStore for DbStore {
    #[tracing::instrument(skip_all, fields(year))]
    async fn year_reports(&self, year: u16) -> Result<Vec<StoredYear>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT year, version, texts, model, made_by, made_at FROM year_reports
             WHERE year = $1 ORDER BY version",
        )
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(stored).collect())
    }

    #[tracing::instrument(skip_all, fields(year))]
    async fn save_year_draft(
        &self,
        year: u16,
        expected: Option<&str>,
        texts: &str,
        actor: &str,
    ) -> Result<bool> {
        if expected == Some(texts) {
            return Ok(true);
        }
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        // Compare and swap in one statement, so two writers cannot both win on either backend.
        let done = match expected {
            Some(old) => sqlx::query(
                "UPDATE year_reports SET texts = $2, made_by = $3, made_at = $4
                 WHERE year = $1 AND version = 0 AND texts = $5",
            )
            .bind(i64::from(year))
            .bind(texts)
            .bind(actor)
            .bind(now)
            .bind(old)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            None => sqlx::query(
                "INSERT INTO year_reports (year, version, texts, model, made_by, made_at)
                 VALUES ($1, 0, $2, NULL, $3, $4) ON CONFLICT (year, version) DO NOTHING",
            )
            .bind(i64::from(year))
            .bind(texts)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if done != 1 {
            return Ok(false);
        }
        let details = format!("Årsrapport {year}: utkastets texter sparade.");
        audit(
            &mut tx,
            now,
            actor,
            "yearly.draft",
            &year.to_string(),
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    #[tracing::instrument(skip_all, fields(year))]
    async fn finalise_year(&self, year: u16, texts: &str, model: &str, actor: &str) -> Result<u32> {
        let mut tx = self.write().await?;
        let (newest,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM year_reports WHERE year = $1")
                .bind(i64::from(year))
                .fetch_one(&mut *tx)
                .await?;
        let version = newest + 1;
        let now = self.clock.now_ms();
        sqlx::query(
            "INSERT INTO year_reports (year, version, texts, model, made_by, made_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(i64::from(year))
        .bind(version)
        .bind(texts)
        .bind(model)
        .bind(actor)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let details = format!("Årsrapport {year}: version {version} slutlig.");
        audit(
            &mut tx,
            now,
            actor,
            "yearly.final",
            &year.to_string(),
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(u32::try_from(version).unwrap_or(u32::MAX))
    }
}
