//! The responses of a round and their history. Compiled once per backend (see the crate's
//! notes).

use async_trait::async_trait;
use futures_util::TryStreamExt;
use nara_core::{Response, RoundId};
use sqlx::Row;

use super::batch::{Contents, Form, Found, current_of, currents, new_units};
use super::{ANSWERS_OF_RESPONSE, Db, DbStore};
use crate::rows::{Assembler, ResponseRow, add_comments, unique_violation};
use crate::{Entity, Error, NewForm, Outcome, ResponseStore, Result, StoredResponse};

/// How often a write that lost a race for a new form (a unique violation) is tried again.
const RETRIES: u32 = 3;

impl DbStore {
    /// One attempt at storing a response (and, for a web answer, marking its link submitted)
    /// in a transaction of its own.
    async fn try_store_response(
        &self,
        r: &Response,
        hash: &str,
        source: &str,
        actor: &str,
        link: Option<i64>,
    ) -> Result<Outcome> {
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        let mut contents = Contents::default();
        let form = (r, hash, source);
        let written = write_response(&mut tx, now, form, actor, link, None, &mut contents).await;
        let (outcome, _) = written?;
        contents.write(&mut tx).await?;
        if outcome != Outcome::Unchanged {
            write_audit(&mut tx, now, actor, vec![audit_row(r, source, outcome)]).await?;
        }
        // The same form again writes nothing, unless a web link was marked submitted.
        if outcome == Outcome::Unchanged && link.is_none() {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// Stores a response, trying again when two writers raced for the same new form
    /// (PostgreSQL): the loser sees a unique violation, then finds the winner's row.
    async fn store_with_retry(
        &self,
        r: &Response,
        hash: &str,
        source: &str,
        actor: &str,
        link: Option<i64>,
    ) -> Result<Outcome> {
        let mut tries = 0;
        loop {
            match self.try_store_response(r, hash, source, actor, link).await {
                Err(Error::Db(e)) if unique_violation(&e) && tries < RETRIES => tries += 1,
                other => return other,
            }
        }
    }

    /// Stores a batch of forms in one transaction: each form in a savepoint of its own when
    /// `guarded` (a failing form is rolled back alone), else without ([`Batch::Failed`] and
    /// nothing stored when any form fails).
    async fn store_batch(
        &self,
        forms: &[NewForm<'_>],
        actor: &str,
        guarded: bool,
    ) -> Result<Batch> {
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        let mut out = Vec::with_capacity(forms.len());
        let mut audit = Vec::new();
        // Each stored form's file (the last form of a file wins), written after the forms.
        let mut files = std::collections::BTreeMap::new();
        // Without savepoints, every form's unit and current version are read in one query
        // first (a round trip less for each). A form whose unit or version another writer
        // changes meanwhile then fails on the unique indexes, and the batch is stored again
        // form by form, reading each as it is written.
        let mut found = match guarded {
            false => currents(&mut tx, forms).await?,
            true => vec![None; forms.len()],
        };
        if !guarded && new_units(&mut tx, forms, &mut found).await.is_err() {
            tx.rollback().await?;
            return Ok(Batch::Failed);
        }
        let mut seen = std::collections::HashSet::new();
        // Unguarded, the answers and comments of every form are written at the end, in one
        // statement per table (a round trip less per form); guarded, each form's own.
        let mut contents = Contents::default();
        for (f, found) in forms.iter().zip(found.iter_mut()) {
            if guarded {
                sqlx::query("SAVEPOINT form").execute(&mut *tx).await?;
            }
            let r = f.response;
            // A second form of the same unit and rater reads what the first one wrote.
            let found = found.take().filter(|_| seen.insert(r.identity()));
            let form = (r, f.content_hash, f.source);
            let mut written =
                write_response(&mut tx, now, form, actor, None, found, &mut contents).await;
            if guarded && written.is_ok() {
                written = contents.write(&mut tx).await.and(written);
            }
            if let (Ok((_, id)), Some(file)) = (&written, f.file_hash) {
                files.insert(file, *id);
            }
            let written = written.map(|(outcome, _)| outcome);
            if !guarded {
                if written.is_err() {
                    tx.rollback().await?;
                    return Ok(Batch::Failed);
                }
            } else if written.is_ok() {
                sqlx::query("RELEASE SAVEPOINT form")
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query("ROLLBACK TO SAVEPOINT form")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("RELEASE SAVEPOINT form")
                    .execute(&mut *tx)
                    .await?;
            }
            match &written {
                Err(_) | Ok(Outcome::Unchanged) => {}
                // Written after the forms, in the same transaction: a form's audit row is
                // committed with it, and only for a form that was stored.
                Ok(outcome) => audit.push(audit_row(r, f.source, *outcome)),
            }
            out.push(written);
        }
        if contents.write(&mut tx).await.is_err() {
            // Unguarded only (guarded, each form's were written with it): form by form again.
            tx.rollback().await?;
            return Ok(Batch::Failed);
        }
        write_files(&mut tx, &files).await?;
        write_audit(&mut tx, now, actor, audit).await?;
        tx.commit().await?;
        Ok(Batch::Stored(out))
    }

    /// The responses of a round: the current ones, or every version.
    async fn load_responses(
        &self,
        round: RoundId,
        current_only: bool,
    ) -> Result<Vec<StoredResponse>> {
        let filter = if current_only {
            " AND r.replaced_at IS NULL"
        } else {
            ""
        };
        // The responses streamed, each built as its row arrives (a round of ten thousand forms
        // is never held twice, as database rows and as responses), then their comments.
        let sql = format!(
            "SELECT r.id, r.round_id, u.org_code, u.name, r.rater, r.consensus, r.participants,
                    r.form_date, r.instrument_id, r.instrument_version, r.content_hash, r.source,
                    r.actor, r.created_at, r.replaced_at, {ANSWERS_OF_RESPONSE}
             FROM responses r JOIN units u ON u.id = r.unit_id
             WHERE r.round_id = $1{filter} ORDER BY r.id"
        );
        let round_id = round.to_string();
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&round_id)
            .fetch(&self.pool);
        let (mut assembler, mut out) = (Assembler::default(), Vec::new());
        while let Some(row) = rows.try_next().await? {
            out.push(assembler.response(ResponseRow {
                id: row.try_get(0)?,
                round: row.try_get(1)?,
                org: row.try_get(2)?,
                unit: row.try_get(3)?,
                rater: row.try_get(4)?,
                consensus: row.try_get(5)?,
                participants: row.try_get(6)?,
                date: row.try_get(7)?,
                instrument_id: row.try_get(8)?,
                instrument_version: row.try_get(9)?,
                content_hash: row.try_get(10)?,
                source: row.try_get(11)?,
                actor: row.try_get(12)?,
                created_at: row.try_get(13)?,
                replaced_at: row.try_get(14)?,
                answers: row.try_get(15)?,
            })?);
        }
        drop(rows);
        let comments: Vec<(i64, String, String, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT c.response_id, c.kind, c.target, c.body
                 FROM comments c JOIN responses r ON r.id = c.response_id
                 WHERE r.round_id = $1{filter}"
            )))
            .bind(&round_id)
            .fetch_all(&self.pool)
            .await?;
        add_comments(&mut out, comments)?;
        Ok(out)
    }
}

/// What storing a batch came to.
enum Batch {
    /// Every form's outcome, in order.
    Stored(Vec<Result<Outcome>>),
    /// A form failed where the batch was stored without savepoints: nothing was stored.
    Failed,
}

#[async_trait]
impl ResponseStore for DbStore {
    #[tracing::instrument(skip_all, fields(round = %response.round, org = %response.org))]
    async fn store_response(
        &self,
        response: &Response,
        content_hash: &str,
        source: &str,
        actor: &str,
    ) -> Result<Outcome> {
        self.store_with_retry(response, content_hash, source, actor, None)
            .await
    }

    #[tracing::instrument(skip_all, fields(forms = forms.len()))]
    async fn store_responses(
        &self,
        forms: &[NewForm<'_>],
        actor: &str,
    ) -> Result<Vec<Result<Outcome>>> {
        // Nearly every batch stores every form: first without a savepoint per form (two round
        // trips less for each). When a form fails, that attempt is rolled back whole and the
        // batch is stored again with a savepoint per form, so that the failing form alone is
        // refused and the others kept.
        let mut out = match self.store_batch(forms, actor, false).await? {
            Batch::Stored(out) => out,
            Batch::Failed => match self.store_batch(forms, actor, true).await? {
                Batch::Stored(out) => out,
                Batch::Failed => {
                    return Err(Error::Corrupt(
                        "a batch stored form by form failed as a whole".into(),
                    ));
                }
            },
        };
        for (f, result) in forms.iter().zip(out.iter_mut()) {
            if matches!(result, Err(Error::Db(e)) if unique_violation(e)) {
                *result =
                    (self.store_with_retry(f.response, f.content_hash, f.source, actor, None))
                        .await;
            }
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all, fields(round = %response.round, org = %response.org, link = link_id))]
    async fn store_web_response(
        &self,
        response: &Response,
        content_hash: &str,
        link_id: i64,
        actor: &str,
    ) -> Result<Outcome> {
        self.store_with_retry(response, content_hash, "web", actor, Some(link_id))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn known_files(&self) -> Result<std::collections::HashMap<String, (RoundId, i64)>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT f.file_hash, r.round_id, r.id FROM import_files f
             JOIN responses r ON r.id = f.response_id WHERE r.replaced_at IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut known = std::collections::HashMap::with_capacity(rows.len());
        for (file, round, id) in rows {
            let round = RoundId::parse(&round).map_err(|e| Error::Corrupt(e.to_string()))?;
            known.insert(file, (round, id));
        }
        Ok(known)
    }

    #[tracing::instrument(skip_all, fields(round = %round))]
    async fn responses(&self, round: RoundId) -> Result<Vec<StoredResponse>> {
        self.load_responses(round, true).await
    }

    #[tracing::instrument(skip_all, fields(round = %round))]
    async fn response_history(&self, round: RoundId) -> Result<Vec<StoredResponse>> {
        self.load_responses(round, false).await
    }
}

/// Writes one response on a connection inside a transaction (the caller commits or rolls
/// back): the link marked submitted (a web answer), the unit created on first use, the current
/// version replaced or the same content found unchanged. Its answers and comments are noted in
/// `contents` for the caller to write ([`Contents::write`]; before it commits), and the caller
/// writes the audit row (see [`audit_row`]), so that a batch writes all of its rows at once.
/// Returns the outcome and the id of the current version.
async fn write_response<'a>(
    conn: &mut <Db as sqlx::Database>::Connection,
    now: i64,
    (r, hash, source): Form<'a>,
    actor: &str,
    link: Option<i64>,
    found: Option<Found>,
    contents: &mut Contents<'a>,
) -> Result<(Outcome, i64)> {
    // A web answer's link is marked submitted in the same transaction as the answer is
    // stored: both happen, or neither.
    if let Some(link_id) = link {
        let done = sqlx::query("UPDATE answer_links SET submitted_at = $1 WHERE id = $2")
            .bind(now)
            .bind(link_id)
            .execute(&mut *conn)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::Link(link_id)));
        }
    }
    let key = r.identity();
    // The unit and its current version in one query; a unit that does not exist yet is created
    // and has no version. A writer that created the unit meanwhile (PostgreSQL) leaves the
    // insert empty: the unit is then read again.
    let found = match found {
        Some(found) => found,
        None => current_of(&mut *conn, r, &key.rater_key).await?,
    };
    let (unit_id, current) = match found {
        Some(found) => found,
        None => {
            let created: Option<i64> = sqlx::query_scalar(
                "INSERT INTO units (org_code, key, name) VALUES ($1, $2, $3)
                 ON CONFLICT (org_code, key) DO NOTHING RETURNING id",
            )
            .bind(r.org.as_str())
            .bind(r.unit.key())
            .bind(r.unit.as_str())
            .fetch_optional(&mut *conn)
            .await?;
            match created {
                Some(id) => (id, None),
                None => current_of(&mut *conn, r, &key.rater_key)
                    .await?
                    .ok_or(Error::Db(sqlx::Error::RowNotFound))?,
            }
        }
    };
    if let Some((id, h)) = &current
        && h == hash
    {
        return Ok((Outcome::Unchanged, *id));
    }
    if let Some((old, _)) = &current {
        sqlx::query("UPDATE responses SET replaced_at = $1 WHERE id = $2")
            .bind(now)
            .bind(old)
            .execute(&mut *conn)
            .await?;
    }
    let id: i64 = sqlx::query_scalar(
            "INSERT INTO responses (round_id, unit_id, rater, rater_key, consensus, participants,
                 form_date, instrument_id, instrument_version, content_hash, source, actor, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(r.round.to_string())
        .bind(unit_id)
        .bind(&r.rater)
        .bind(&key.rater_key)
        .bind(r.consensus)
        .bind(&r.participants)
        .bind(&r.date)
        .bind(&r.instrument_id)
        .bind(&r.instrument_version)
        .bind(hash)
        .bind(source)
        .bind(actor)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
    if let Some((old, _)) = &current {
        sqlx::query("UPDATE responses SET replaced_by = $1 WHERE id = $2")
            .bind(id)
            .bind(old)
            .execute(&mut *conn)
            .await?;
    }
    contents.add(id, r);
    let outcome = match current {
        Some(_) => Outcome::Replaced,
        None => Outcome::Imported,
    };
    Ok((outcome, id))
}

/// Notes which response each file gave (one statement for a batch), so that its next import
/// need not read it.
async fn write_files(
    tx: &mut sqlx::Transaction<'static, Db>,
    files: &std::collections::BTreeMap<&str, i64>,
) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    sqlx::QueryBuilder::new("INSERT INTO import_files (file_hash, response_id) ")
        .push_values(files, |mut b, (file, id)| {
            b.push_bind(*file).push_bind(*id);
        })
        .push(" ON CONFLICT (file_hash) DO UPDATE SET response_id = excluded.response_id")
        .build()
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The audit row of a stored response: `(action, subject, details)`.
fn audit_row(r: &Response, source: &str, outcome: Outcome) -> (&'static str, String, String) {
    let action = match outcome {
        Outcome::Replaced => "replace",
        _ => "import",
    };
    // The details are data in the audit log (shown as written), kept in the words the log
    // has always used.
    let details = format!(
        "källa: {source}; bedömare: {}; samsyn: {}",
        if r.rater.is_empty() { "–" } else { &r.rater },
        if r.consensus { "ja" } else { "nej" }
    );
    (action, format!("{} {} {}", r.round, r.org, r.unit), details)
}

/// Writes the audit rows of stored responses, in one statement.
async fn write_audit(
    conn: &mut <Db as sqlx::Database>::Connection,
    now: i64,
    actor: &str,
    rows: Vec<(&'static str, String, String)>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::QueryBuilder::new("INSERT INTO audit (at, actor, action, subject, details) ")
        .push_values(rows, |mut b, (action, subject, details)| {
            b.push_bind(now)
                .push_bind(actor.to_string())
                .push_bind(action)
                .push_bind(subject)
                .push_bind(details);
        })
        .build()
        .execute(&mut *conn)
        .await?;
    Ok(())
}
