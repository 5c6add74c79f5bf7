//! Aktiviteter and lokala planer: records kept whole as JSON with the columns lists filter on,
//! and each round's follow-up. Compiled once per backend (see the crate's notes).

use async_trait::async_trait;
use nara_core::RoundId;
use nara_core::activity::{Activity, ActivityStatus, FollowUp, LocalPlan};
use nara_core::ids::OrgCode;

use super::audit::in_tx as audit;
use super::{Db, DbStore};
use crate::rows::corrupt;
use crate::{ActivityBatch, ActivityStore, BatchChanges, Result, StoredFollowUp};

type Tx = sqlx::Transaction<'static, Db>;

/// Stores a body under its id (an activity's when `owner` is given, else a plan's) unless the same is stored: `Some(new?)` when written.
async fn put_body(
    tx: &mut Tx,
    id: &str,
    owner: Option<&str>,
    body: &str,
    now: i64,
) -> Result<Option<bool>> {
    let select = if owner.is_some() {
        "SELECT body FROM activities WHERE id = $1"
    } else {
        "SELECT body FROM local_plans WHERE id = $1"
    };
    let kept: Option<(String,)> = sqlx::query_as(select)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    if kept.as_ref().is_some_and(|(k,)| k == body) {
        return Ok(None);
    }
    let new = kept.is_none();
    match owner {
        Some(owner) => {
            sqlx::query(
                "INSERT INTO activities (id, owner, body, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, body = excluded.body,
                     updated_at = excluded.updated_at",
            )
            .bind(id)
            .bind(owner)
            .bind(body)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO local_plans (id, body, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            )
            .bind(id)
            .bind(body)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(Some(new))
}

fn count(c: &mut BatchChanges, written: Option<bool>) {
    match written {
        None => c.unchanged += 1,
        Some(true) => c.added += 1,
        Some(false) => c.changed += 1,
    }
}

fn status_code(s: ActivityStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[async_trait]
impl ActivityStore for DbStore {
    #[tracing::instrument(skip_all, fields(plans = batch.plans.len(), activities = batch.activities.len()))]
    async fn save_activities(&self, batch: &ActivityBatch, actor: &str) -> Result<BatchChanges> {
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        let mut c = BatchChanges::default();
        for p in &batch.plans {
            let body = serde_json::to_string(p).map_err(corrupt)?;
            let written = put_body(&mut tx, p.id.as_str(), None, &body, now).await?;
            if written.is_some() {
                sqlx::query("DELETE FROM plan_parties WHERE plan_id = $1")
                    .bind(p.id.as_str())
                    .execute(&mut *tx)
                    .await?;
                for o in &p.parties {
                    sqlx::query("INSERT INTO plan_parties (plan_id, org_code) VALUES ($1, $2)")
                        .bind(p.id.as_str())
                        .bind(o.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                let what = if written == Some(true) {
                    "ny"
                } else {
                    "ändrad"
                };
                audit(
                    &mut tx,
                    now,
                    actor,
                    "plan.save",
                    p.id.as_str(),
                    &format!("{what}: {}", p.name),
                )
                .await?;
            }
            count(&mut c, written);
        }
        for a in &batch.activities {
            let body = serde_json::to_string(a).map_err(corrupt)?;
            let written =
                put_body(&mut tx, a.id.as_str(), Some(a.owner.as_str()), &body, now).await?;
            if written.is_some() {
                let what = if written == Some(true) {
                    "ny"
                } else {
                    "ändrad"
                };
                audit(
                    &mut tx,
                    now,
                    actor,
                    "activity.save",
                    a.id.as_str(),
                    &format!("{what}: {} ({})", a.title, a.status.label()),
                )
                .await?;
            }
            count(&mut c, written);
        }
        for f in &batch.followups {
            let kept: Option<(String, String)> = sqlx::query_as(
                "SELECT status, comment FROM activity_followups WHERE activity_id = $1 AND round_id = $2",
            )
            .bind(f.activity.as_str())
            .bind(f.round.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            let status = status_code(f.status);
            if kept
                .as_ref()
                .is_some_and(|(s, cm)| *s == status && *cm == f.comment)
            {
                c.unchanged += 1;
                continue;
            }
            sqlx::query(
                "INSERT INTO activity_followups (activity_id, round_id, status, comment, at, actor)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (activity_id, round_id) DO UPDATE SET status = excluded.status,
                     comment = excluded.comment, at = excluded.at, actor = excluded.actor",
            )
            .bind(f.activity.as_str())
            .bind(f.round.to_string())
            .bind(&status)
            .bind(&f.comment)
            .bind(now)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                now,
                actor,
                "activity.followup",
                f.activity.as_str(),
                &format!("{}: {}", f.round, f.status.label()),
            )
            .await?;
            count(&mut c, Some(kept.is_none()));
        }
        if c.added + c.changed > 0 {
            sqlx::query("UPDATE activity_state SET changes = changes + 1 WHERE id = 1")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(c)
    }

    #[tracing::instrument(skip_all)]
    async fn plans(&self, org: Option<&OrgCode>) -> Result<Vec<LocalPlan>> {
        let rows: Vec<(String,)> = match org {
            Some(o) => {
                sqlx::query_as(
                    "SELECT p.body FROM local_plans p JOIN plan_parties pp ON pp.plan_id = p.id
                     WHERE pp.org_code = $1",
                )
                .bind(o.as_str())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as("SELECT body FROM local_plans")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        let mut plans = rows
            .into_iter()
            .map(|(b,)| serde_json::from_str::<LocalPlan>(&b).map_err(corrupt))
            .collect::<Result<Vec<_>>>()?;
        plans.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        Ok(plans)
    }

    #[tracing::instrument(skip_all)]
    async fn activities(&self, owner: Option<&OrgCode>) -> Result<Vec<Activity>> {
        let rows: Vec<(String,)> = match owner {
            Some(o) => {
                sqlx::query_as("SELECT body FROM activities WHERE owner = $1")
                    .bind(o.as_str())
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query_as("SELECT body FROM activities")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        let mut list = rows
            .into_iter()
            .map(|(b,)| serde_json::from_str::<Activity>(&b).map_err(corrupt))
            .collect::<Result<Vec<_>>>()?;
        list.sort_by(|a, b| (&a.owner, &a.title, &a.id).cmp(&(&b.owner, &b.title, &b.id)));
        Ok(list)
    }

    #[tracing::instrument(skip_all)]
    async fn followups(&self, round: Option<RoundId>) -> Result<Vec<StoredFollowUp>> {
        let rows: Vec<FollowUpRow> = match round {
            Some(r) => sqlx::query_as(
                "SELECT activity_id, round_id, status, comment, at, actor FROM activity_followups
                     WHERE round_id = $1 ORDER BY activity_id",
            )
            .bind(r.to_string())
            .fetch_all(&self.pool)
            .await?,
            None => sqlx::query_as(
                "SELECT activity_id, round_id, status, comment, at, actor FROM activity_followups
                     ORDER BY activity_id, round_id",
            )
            .fetch_all(&self.pool)
            .await?,
        };
        stored(rows)
    }

    #[tracing::instrument(skip_all, fields(owner = %owner))]
    async fn followups_of(&self, owner: &OrgCode) -> Result<Vec<StoredFollowUp>> {
        let rows: Vec<FollowUpRow> = sqlx::query_as(
            "SELECT f.activity_id, f.round_id, f.status, f.comment, f.at, f.actor
             FROM activity_followups f JOIN activities a ON a.id = f.activity_id
             WHERE a.owner = $1 ORDER BY f.activity_id, f.round_id",
        )
        .bind(owner.as_str())
        .fetch_all(&self.pool)
        .await?;
        stored(rows)
    }
}

/// A follow-up row: activity, round, status, comment, when, who.
type FollowUpRow = (String, String, String, String, i64, String);

fn stored(rows: Vec<FollowUpRow>) -> Result<Vec<StoredFollowUp>> {
    rows.into_iter()
        .map(|(id, round, status, comment, at, actor)| {
            Ok(StoredFollowUp {
                followup: FollowUp {
                    activity: nara_core::activity::RecordId::parse(&id).map_err(corrupt)?,
                    round: RoundId::parse(&round).map_err(corrupt)?,
                    status: serde_json::from_value(serde_json::Value::String(status))
                        .map_err(corrupt)?,
                    comment,
                },
                at,
                actor,
            })
        })
        .collect()
}
