//! Nyckeltal: indicator values and what Kolada says about each indicator. Compiled once per
//! backend (see the crate's notes).

use async_trait::async_trait;
use nara_core::indicator::Catalogue;
use nara_core::indicator::kolada::Gender;

use super::DbStore;
use crate::rows::corrupt;
use crate::{IndicatorStore, KpiInfo, NewValue, Result, StoredValue, Value, ValueChanges};

fn gender_code(g: Gender) -> &'static str {
    match g {
        Gender::T => "T",
        Gender::K => "K",
        Gender::M => "M",
    }
}

fn gender_of(code: &str) -> Result<Gender> {
    match code {
        "T" => Ok(Gender::T),
        "K" => Ok(Gender::K),
        "M" => Ok(Gender::M),
        other => Err(corrupt(format!("gender {other}"))),
    }
}

/// Moves the counter the data stamp reads (inside the caller's transaction).
async fn bump(tx: &mut sqlx::Transaction<'static, super::Db>) -> Result<()> {
    sqlx::query("UPDATE indicator_state SET changes = changes + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A stored row: value, cases, status, published.
type Kept = (Option<f64>, Option<i64>, String, Option<String>);

#[async_trait]
impl IndicatorStore for DbStore {
    #[tracing::instrument(skip_all, fields(values = values.len(), source = source))]
    async fn put_indicator_values(
        &self,
        values: &[NewValue<'_>],
        source: &str,
        actor: &str,
    ) -> Result<ValueChanges> {
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        let mut changes = ValueChanges::default();
        for n in values {
            let v = n.value;
            let key = (
                &v.kpi,
                &v.municipality,
                i32::from(v.period),
                gender_code(v.gender),
            );
            let kept: Option<Kept> = sqlx::query_as(
                "SELECT value, cases, status, published FROM indicator_values
                 WHERE kpi = $1 AND municipality = $2 AND period = $3 AND gender = $4",
            )
            .bind(key.0)
            .bind(key.1)
            .bind(key.2)
            .bind(key.3)
            .fetch_optional(&mut *tx)
            .await?;
            if v.deleted {
                if kept.is_some() {
                    sqlx::query(
                        "DELETE FROM indicator_values
                         WHERE kpi = $1 AND municipality = $2 AND period = $3 AND gender = $4",
                    )
                    .bind(key.0)
                    .bind(key.1)
                    .bind(key.2)
                    .bind(key.3)
                    .execute(&mut *tx)
                    .await?;
                    changes.removed += 1;
                }
                continue;
            }
            let published = n.published.map(str::to_string);
            let cases = v.cases.map(i64::from);
            match &kept {
                None => changes.added += 1,
                Some(k) if *k == (v.value, cases, v.status.clone(), published.clone()) => {
                    changes.unchanged += 1;
                }
                Some(_) => changes.changed += 1,
            }
            sqlx::query(
                "INSERT INTO indicator_values
                     (kpi, municipality, period, gender, value, status, source, fetched_at, published,
                      cases)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (kpi, municipality, period, gender) DO UPDATE SET
                     value = excluded.value, status = excluded.status, source = excluded.source,
                     fetched_at = excluded.fetched_at, published = excluded.published,
                     cases = excluded.cases",
            )
            .bind(key.0)
            .bind(key.1)
            .bind(key.2)
            .bind(key.3)
            .bind(v.value)
            .bind(&v.status)
            .bind(source)
            .bind(now)
            .bind(published)
            .bind(cases)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(now)
        .bind(actor)
        .bind("indicators.store")
        .bind(source)
        .bind(format!(
            "{} nya, {} ändrade, {} oförändrade, {} borttagna",
            changes.added, changes.changed, changes.unchanged, changes.removed
        ))
        .execute(&mut *tx)
        .await?;
        if changes.added + changes.changed + changes.removed > 0 {
            bump(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(changes)
    }

    #[tracing::instrument(skip_all, fields(kpis = kpis.len()))]
    async fn indicator_values(&self, kpis: &[&str]) -> Result<Vec<StoredValue>> {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT kpi, municipality, period, gender, value, status, source, fetched_at, published,
                    cases
             FROM indicator_values",
        );
        if !kpis.is_empty() {
            q.push(" WHERE kpi IN (");
            let mut list = q.separated(", ");
            for k in kpis {
                list.push_bind(*k);
            }
            q.push(")");
        }
        q.push(" ORDER BY kpi, municipality, period, gender");
        type Row = (
            String,
            String,
            i32,
            String,
            Option<f64>,
            String,
            String,
            i64,
            Option<String>,
            Option<i64>,
        );
        let rows: Vec<Row> = q.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(
                |(
                    kpi,
                    municipality,
                    period,
                    gender,
                    value,
                    status,
                    source,
                    at,
                    published,
                    cases,
                )| {
                    Ok(StoredValue {
                        value: Value {
                            kpi,
                            municipality,
                            period: u16::try_from(period).map_err(corrupt)?,
                            gender: gender_of(&gender)?,
                            status,
                            value,
                            cases: cases.map(u32::try_from).transpose().map_err(corrupt)?,
                            deleted: false,
                        },
                        source,
                        fetched_at: at,
                        published,
                    })
                },
            )
            .collect()
    }

    #[tracing::instrument(skip_all, fields(kpis = info.len()))]
    async fn put_indicator_info(&self, info: &[KpiInfo]) -> Result<()> {
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        for k in info {
            sqlx::query(
                "INSERT INTO indicator_info (kpi, title, publication_date, publ_period, fetched_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (kpi) DO UPDATE SET title = excluded.title,
                     publication_date = excluded.publication_date,
                     publ_period = excluded.publ_period, fetched_at = excluded.fetched_at",
            )
            .bind(&k.id)
            .bind(&k.title)
            .bind(&k.publication_date)
            .bind(&k.publ_period)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn indicator_info(&self) -> Result<Vec<(KpiInfo, i64)>> {
        let rows: Vec<(String, String, Option<String>, Option<String>, i64)> = sqlx::query_as(
            "SELECT kpi, title, publication_date, publ_period, fetched_at
             FROM indicator_info ORDER BY kpi",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, title, publication_date, publ_period, at)| {
                (
                    KpiInfo {
                        id,
                        title,
                        publication_date,
                        publ_period,
                        is_divided_by_gender: None,
                    },
                    at,
                )
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn put_catalogue(&self, catalogue: &Catalogue, actor: &str) -> Result<()> {
        let body = serde_json::to_string(catalogue).map_err(corrupt)?;
        let mut tx = self.write().await?;
        let kept: Option<(String,)> =
            sqlx::query_as("SELECT body FROM indicator_catalogue WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await?;
        if kept.is_some_and(|(k,)| k == body) {
            return Ok(());
        }
        let now = self.clock.now_ms();
        sqlx::query(
            "INSERT INTO indicator_catalogue (id, body, stored_at) VALUES (1, $1, $2)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, stored_at = excluded.stored_at",
        )
        .bind(&body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(now)
        .bind(actor)
        .bind("indicators.catalogue")
        .bind(&catalogue.county)
        .bind(format!("{} nyckeltal", catalogue.indicators.len()))
        .execute(&mut *tx)
        .await?;
        bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn catalogue(&self) -> Result<Option<Catalogue>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT body FROM indicator_catalogue WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(body,)| serde_json::from_str(&body).map_err(corrupt))
            .transpose()
    }
}
