//! The two backends. Their SQL is shared through `shared_impl!`; what differs is how they
//! connect and how a write transaction begins.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use nara_core::{
    Instrument, OrgCode, OrgKind, Organisation, Response, Round, RoundId, RoundStatus,
};
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::rows::{ResponseRow, answer_rows, assemble, comment_rows};
use crate::{
    AnswerLink, AuditEntry, Error, NewLink, Outcome, Result, Role, Session, Store, StoredResponse,
    User, now_ms,
};

/// The embedded default: one SQLite file, created when missing, in WAL mode.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (or creates) the database file and runs the migrations.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        // A deferred transaction that reads and then writes fails at once with SQLITE_BUSY.
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// PostgreSQL, for production with several server instances.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and runs the migrations. With `schema`, every connection uses that schema
    /// (created when missing): the tests give each test its own.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<Self> {
        let mut opts = PgConnectOptions::from_str(url)?;
        if let Some(s) = schema {
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                s.replace('"', "")
            )))
            .execute(&admin)
            .await?;
            admin.close().await;
            opts = opts.options([("search_path", s)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

fn user_of<R: Row>(row: &R) -> Result<User>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let role: String = row.try_get(3)?;
    let org: Option<String> = row.try_get(4)?;
    Ok(User {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        password_hash: row.try_get(2)?,
        role: Role::parse(&role).ok_or_else(|| Error::Corrupt(format!("role {role}")))?,
        org: org
            .map(|o| OrgCode::parse(&o))
            .transpose()
            .map_err(|e| Error::Corrupt(e.to_string()))?,
        disabled: row.try_get(5)?,
        created_at: row.try_get(6)?,
    })
}

fn status_of(s: &str) -> Result<RoundStatus> {
    RoundStatus::parse(s).map_err(|e| Error::Corrupt(e.to_string()))
}

fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

macro_rules! shared_impl {
    ($store:ty, $name:literal) => {
        impl $store {
            async fn try_store_response(&self, r: &Response, hash: &str, source: &str, actor: &str, link: Option<i64>) -> Result<Outcome> {
                let mut tx = self.write().await?;
                let now = now_ms();
                // A web answer's link is marked submitted in the same transaction as the answer
                // is stored: both happen, or neither.
                if let Some(link_id) = link {
                    let done = sqlx::query("UPDATE answer_links SET submitted_at = $1 WHERE id = $2").bind(now).bind(link_id).execute(&mut *tx).await?;
                    if done.rows_affected() == 0 {
                        return Err(Error::NotFound(format!("Svarslänken {link_id} finns inte.")));
                    }
                }
                sqlx::query("INSERT INTO units (org_code, key, name) VALUES ($1, $2, $3) ON CONFLICT (org_code, key) DO NOTHING")
                    .bind(r.org.as_str())
                    .bind(r.unit.key())
                    .bind(r.unit.as_str())
                    .execute(&mut *tx)
                    .await?;
                let unit_id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE org_code = $1 AND key = $2")
                    .bind(r.org.as_str())
                    .bind(r.unit.key())
                    .fetch_one(&mut *tx)
                    .await?;
                let key = r.identity();
                let current: Option<(i64, String)> = sqlx::query_as(
                    "SELECT id, content_hash FROM responses WHERE round_id = $1 AND unit_id = $2 AND rater_key = $3 AND consensus = $4 AND replaced_at IS NULL",
                )
                .bind(r.round.to_string())
                .bind(unit_id)
                .bind(&key.rater_key)
                .bind(r.consensus)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((_, h)) = &current
                    && h == hash
                {
                    if link.is_some() {
                        tx.commit().await?;
                    } else {
                        tx.rollback().await?;
                    }
                    return Ok(Outcome::Unchanged);
                }
                if let Some((old, _)) = &current {
                    sqlx::query("UPDATE responses SET replaced_at = $1 WHERE id = $2").bind(now).bind(old).execute(&mut *tx).await?;
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO responses (round_id, unit_id, rater, rater_key, consensus, participants, form_date, instrument_id, instrument_version, content_hash, source, actor, created_at)
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
                .fetch_one(&mut *tx)
                .await?;
                if let Some((old, _)) = &current {
                    sqlx::query("UPDATE responses SET replaced_by = $1 WHERE id = $2").bind(id).bind(old).execute(&mut *tx).await?;
                }
                // One multi-row INSERT each for the answers and the comments: a form is one
                // round trip per table rather than one per statement.
                let answers: Vec<_> = answer_rows(&r.set).collect();
                if !answers.is_empty() {
                    sqlx::QueryBuilder::new("INSERT INTO answers (response_id, statement_id, level) ")
                        .push_values(answers, |mut b, (sid, level)| {
                            b.push_bind(id).push_bind(sid).push_bind(level);
                        })
                        .build()
                        .execute(&mut *tx)
                        .await?;
                }
                let comments: Vec<_> = comment_rows(&r.set).collect();
                if !comments.is_empty() {
                    sqlx::QueryBuilder::new("INSERT INTO comments (response_id, kind, target, body) ")
                        .push_values(comments, |mut b, (kind, target, body)| {
                            b.push_bind(id).push_bind(kind).push_bind(target).push_bind(body.to_string());
                        })
                        .build()
                        .execute(&mut *tx)
                        .await?;
                }
                let outcome = if current.is_some() { Outcome::Replaced } else { Outcome::Imported };
                let action = if current.is_some() { "replace" } else { "import" };
                let subject = format!("{} {} {}", r.round, r.org, r.unit);
                let details = format!("källa: {source}; bedömare: {}; samsyn: {}", if r.rater.is_empty() { "–" } else { &r.rater }, if r.consensus { "ja" } else { "nej" });
                sqlx::query("INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)")
                    .bind(now)
                    .bind(actor)
                    .bind(action)
                    .bind(subject)
                    .bind(details)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(outcome)
            }

            async fn load_responses(&self, round: RoundId, current_only: bool) -> Result<Vec<StoredResponse>> {
                let filter = if current_only { " AND r.replaced_at IS NULL" } else { "" };
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT r.id, r.round_id, u.org_code, u.name, r.rater, r.consensus, r.participants, r.form_date, r.instrument_id, r.instrument_version,
                            r.content_hash, r.source, r.actor, r.created_at, r.replaced_at
                     FROM responses r JOIN units u ON u.id = r.unit_id WHERE r.round_id = $1{filter} ORDER BY r.id"
                )))
                .bind(round.to_string())
                .fetch_all(&self.pool)
                .await?;
                let rows = rows
                    .iter()
                    .map(|row| {
                        Ok(ResponseRow {
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
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()?;
                let answers: Vec<(i64, String, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT a.response_id, a.statement_id, a.level FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.round_id = $1{filter}"
                )))
                .bind(round.to_string())
                .fetch_all(&self.pool)
                .await?;
                let comments: Vec<(i64, String, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT c.response_id, c.kind, c.target, c.body FROM comments c JOIN responses r ON r.id = c.response_id WHERE r.round_id = $1{filter}"
                )))
                .bind(round.to_string())
                .fetch_all(&self.pool)
                .await?;
                assemble(rows, answers, comments)
            }

            async fn load_links(&self, filter: &'static str, args: Vec<String>) -> Result<Vec<AnswerLink>> {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT id, round_id, org_code, unit, rater, consensus, created_by, created_at, revoked_at, saved_at, submitted_at FROM answer_links {filter} ORDER BY org_code, unit, consensus, rater, id"
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
                            round: RoundId::parse(&round).map_err(|e| Error::Corrupt(e.to_string()))?,
                            org: OrgCode::parse(&org).map_err(|e| Error::Corrupt(e.to_string()))?,
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

            async fn load_users_by_id(&self, id: i64) -> Result<Vec<User>> {
                let rows = sqlx::query("SELECT id, username, password_hash, role, org_code, disabled, created_at FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|row| user_of(row)).collect()
            }

            async fn load_users(&self, filter: &'static str, arg: Option<String>) -> Result<Vec<User>> {
                let q = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT id, username, password_hash, role, org_code, disabled, created_at FROM users {filter} ORDER BY username"
                )));
                let q = match arg {
                    Some(a) => q.bind(a),
                    None => q,
                };
                let rows = q.fetch_all(&self.pool).await?;
                rows.iter().map(|row| user_of(row)).collect()
            }
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn put_instrument(&self, inst: &Instrument) -> Result<()> {
                let toml = inst.to_toml();
                let mut tx = self.write().await?;
                let existing: Option<String> = sqlx::query_scalar("SELECT toml FROM instruments WHERE id = $1 AND version = $2")
                    .bind(&inst.id)
                    .bind(&inst.version)
                    .fetch_optional(&mut *tx)
                    .await?;
                match existing {
                    Some(t) if Instrument::from_toml(&t).as_ref() == Ok(inst) => Ok(()),
                    Some(_) => Err(Error::Conflict(format!(
                        "Instrumentet {} version {} finns redan med annat innehåll. Ge det nya instrumentet ett nytt versionsnummer.",
                        inst.id, inst.version
                    ))),
                    None => {
                        sqlx::query("INSERT INTO instruments (id, version, name, toml, created_at) VALUES ($1, $2, $3, $4, $5)")
                            .bind(&inst.id)
                            .bind(&inst.version)
                            .bind(&inst.name)
                            .bind(toml)
                            .bind(now_ms())
                            .execute(&mut *tx)
                            .await?;
                        tx.commit().await?;
                        Ok(())
                    }
                }
            }

            async fn instruments(&self) -> Result<Vec<Instrument>> {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT toml FROM instruments ORDER BY created_at, id, version").fetch_all(&self.pool).await?;
                rows.into_iter().map(|(t,)| Instrument::from_toml(&t).map_err(|e| Error::Corrupt(e.to_string()))).collect()
            }

            async fn put_organisation(&self, org: &Organisation) -> Result<()> {
                sqlx::query("INSERT INTO organisations (code, name, kind) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind")
                    .bind(org.code.as_str())
                    .bind(&org.name)
                    .bind(org.kind.label())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn organisations(&self) -> Result<Vec<Organisation>> {
                let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT code, name, kind FROM organisations ORDER BY code").fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(code, name, kind)| {
                        Ok(Organisation {
                            code: OrgCode::parse(&code).map_err(|e| Error::Corrupt(e.to_string()))?,
                            name,
                            kind: if kind == "region" { OrgKind::Region } else { OrgKind::Kommun },
                        })
                    })
                    .collect()
            }

            async fn create_round(&self, round: &Round, actor: &str) -> Result<()> {
                let mut tx = self.write().await?;
                let exists: Option<String> = sqlx::query_scalar("SELECT id FROM rounds WHERE id = $1").bind(round.id.to_string()).fetch_optional(&mut *tx).await?;
                if exists.is_some() {
                    return Err(Error::Conflict(format!("Omgången {} finns redan.", round.id)));
                }
                let inst: Option<String> = sqlx::query_scalar("SELECT id FROM instruments WHERE id = $1 AND version = $2")
                    .bind(&round.instrument_id)
                    .bind(&round.instrument_version)
                    .fetch_optional(&mut *tx)
                    .await?;
                if inst.is_none() {
                    return Err(Error::NotFound(format!("Instrumentet {} version {} finns inte.", round.instrument_id, round.instrument_version)));
                }
                sqlx::query("INSERT INTO rounds (id, instrument_id, instrument_version, status, opens, closes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(round.id.to_string())
                    .bind(&round.instrument_id)
                    .bind(&round.instrument_version)
                    .bind(round.status.code())
                    .bind(round.opens.map(|d| d.to_string()))
                    .bind(round.closes.map(|d| d.to_string()))
                    .bind(now_ms())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, 'round.create', $3, $4)")
                    .bind(now_ms())
                    .bind(actor)
                    .bind(round.id.to_string())
                    .bind(format!("instrument {} {}", round.instrument_id, round.instrument_version))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn rounds(&self) -> Result<Vec<Round>> {
                let rows: Vec<(String, String, String, String, Option<String>, Option<String>)> =
                    sqlx::query_as("SELECT id, instrument_id, instrument_version, status, opens, closes FROM rounds").fetch_all(&self.pool).await?;
                let mut rounds = rows
                    .into_iter()
                    .map(|(id, iid, ver, status, opens, closes)| {
                        let date = |d: Option<String>| d.map(|d| nara_core::round::Date::parse(&d)).transpose().map_err(|e| Error::Corrupt(e.to_string()));
                        Ok(Round {
                            id: RoundId::parse(&id).map_err(|e| Error::Corrupt(e.to_string()))?,
                            instrument_id: iid,
                            instrument_version: ver,
                            status: status_of(&status)?,
                            opens: date(opens)?,
                            closes: date(closes)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                rounds.sort_by_key(|r| r.id);
                Ok(rounds)
            }

            async fn set_round_status(&self, id: RoundId, status: RoundStatus, actor: &str) -> Result<()> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE rounds SET status = $1 WHERE id = $2").bind(status.code()).bind(id.to_string()).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound(format!("Omgången {id} finns inte.")));
                }
                sqlx::query("INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)")
                    .bind(now_ms())
                    .bind(actor)
                    .bind(format!("round.{}", status.code()))
                    .bind(id.to_string())
                    .bind(format!("status: {}", status.label()))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn store_response(&self, response: &Response, content_hash: &str, source: &str, actor: &str) -> Result<Outcome> {
                // Two writers may race for the same new form (PostgreSQL); the loser sees a
                // unique violation and tries again, then finds the winner's row.
                let mut tries = 0;
                loop {
                    match self.try_store_response(response, content_hash, source, actor, None).await {
                        Err(Error::Db(e)) if unique_violation(&e) && tries < 3 => tries += 1,
                        other => return other,
                    }
                }
            }

            async fn store_web_response(&self, response: &Response, content_hash: &str, link_id: i64, actor: &str) -> Result<Outcome> {
                let mut tries = 0;
                loop {
                    match self.try_store_response(response, content_hash, "web", actor, Some(link_id)).await {
                        Err(Error::Db(e)) if unique_violation(&e) && tries < 3 => tries += 1,
                        other => return other,
                    }
                }
            }

            async fn responses(&self, round: RoundId) -> Result<Vec<StoredResponse>> {
                self.load_responses(round, true).await
            }

            async fn response_history(&self, round: RoundId) -> Result<Vec<StoredResponse>> {
                self.load_responses(round, false).await
            }

            async fn create_user(&self, username: &str, password_hash: &str, role: Role, org: Option<&OrgCode>) -> Result<i64> {
                let name = username.trim().to_lowercase();
                if self.user_by_name(&name).await?.is_some() {
                    return Err(Error::Conflict(format!("Användarnamnet {name} är upptaget.")));
                }
                let id: i64 = sqlx::query_scalar("INSERT INTO users (username, password_hash, role, org_code, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(&name)
                    .bind(password_hash)
                    .bind(role.code())
                    .bind(org.map(|o| o.as_str().to_string()))
                    .bind(false)
                    .bind(now_ms())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| if unique_violation(&e) { Error::Conflict(format!("Användarnamnet {name} är upptaget.")) } else { Error::Db(e) })?;
                Ok(id)
            }

            async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
                Ok(self.load_users("WHERE username = $1", Some(username.trim().to_lowercase())).await?.into_iter().next())
            }

            async fn user(&self, id: i64) -> Result<Option<User>> {
                Ok(self.load_users_by_id(id).await?.into_iter().next())
            }

            async fn users(&self) -> Result<Vec<User>> {
                self.load_users("", None).await
            }

            async fn set_password(&self, id: i64, password_hash: &str) -> Result<()> {
                let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(id).execute(&self.pool).await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound("Användaren finns inte.".into()));
                }
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&self.pool).await?;
                Ok(())
            }

            async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()> {
                let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2").bind(disabled).bind(id).execute(&self.pool).await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound("Användaren finns inte.".into()));
                }
                if disabled {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&self.pool).await?;
                }
                Ok(())
            }

            async fn data_stamp(&self) -> Result<String> {
                // Every status change, import and replacement is audited, so the audit log's
                // newest id moves with them; the rest catches changes made without an audit row.
                let row: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COALESCE(MAX(id), 0) FROM audit), (SELECT COUNT(*) FROM responses), (SELECT COALESCE(MAX(id), 0) FROM responses),
                            (SELECT COALESCE(MAX(replaced_at), 0) FROM responses), (SELECT COUNT(*) FROM organisations), (SELECT COUNT(*) FROM instruments),
                            (SELECT COUNT(*) FROM rounds)",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(format!("{}:{}:{}:{}:{}:{}:{}", row.0, row.1, row.2, row.3, row.4, row.5, row.6))
            }

            async fn create_link(&self, l: &NewLink<'_>, actor: &str) -> Result<i64> {
                let mut tx = self.write().await?;
                let now = now_ms();
                let id: i64 = sqlx::query_scalar("INSERT INTO answer_links (token_hash, round_id, org_code, unit, rater, consensus, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
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
                sqlx::query("INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, 'link.create', $3, $4)")
                    .bind(now)
                    .bind(actor)
                    .bind(format!("{} {} {}", l.round, l.org, l.unit))
                    .bind(format!("bedömare: {}; samsyn: {}", if l.rater.is_empty() { "–" } else { l.rater }, if l.consensus { "ja" } else { "nej" }))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn links(&self, round: RoundId, org: Option<&OrgCode>) -> Result<Vec<AnswerLink>> {
                match org {
                    Some(o) => self.load_links("WHERE round_id = $1 AND org_code = $2", vec![round.to_string(), o.as_str().to_string()]).await,
                    None => self.load_links("WHERE round_id = $1", vec![round.to_string()]).await,
                }
            }

            async fn link_by_token(&self, token_hash: &str) -> Result<Option<AnswerLink>> {
                Ok(self.load_links("WHERE token_hash = $1", vec![token_hash.to_string()]).await?.into_iter().next())
            }

            async fn revoke_link(&self, id: i64, actor: &str) -> Result<()> {
                let mut tx = self.write().await?;
                let now = now_ms();
                let done = sqlx::query("UPDATE answer_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(now).bind(id).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound("Länken finns inte eller är redan återkallad.".into()));
                }
                sqlx::query("INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, 'link.revoke', $3, '')")
                    .bind(now)
                    .bind(actor)
                    .bind(format!("länk {id}"))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn save_draft(&self, link_id: i64, fields: &[(String, String)], now: i64) -> Result<()> {
                let mut tx = self.write().await?;
                for (field, value) in fields {
                    sqlx::query("INSERT INTO answer_drafts (link_id, field, value, saved_at) VALUES ($1, $2, $3, $4) ON CONFLICT (link_id, field) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at")
                        .bind(link_id)
                        .bind(field)
                        .bind(value)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE answer_links SET saved_at = $1 WHERE id = $2").bind(now).bind(link_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn draft(&self, link_id: i64) -> Result<Vec<(String, String)>> {
                Ok(sqlx::query_as("SELECT field, value FROM answer_drafts WHERE link_id = $1 ORDER BY field")
                    .bind(link_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn mark_submitted(&self, link_id: i64, now: i64) -> Result<()> {
                sqlx::query("UPDATE answer_links SET submitted_at = $1 WHERE id = $2").bind(now).bind(link_id).execute(&self.pool).await?;
                Ok(())
            }

            async fn set_role(&self, id: i64, role: Role, org: Option<&OrgCode>) -> Result<()> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE users SET role = $1, org_code = $2 WHERE id = $3")
                    .bind(role.code())
                    .bind(org.map(|o| o.as_str().to_string()))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound("Användaren finns inte.".into()));
                }
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_session(&self, s: &Session) -> Result<()> {
                sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&s.id_hash)
                    .bind(s.user_id)
                    .bind(&s.csrf)
                    .bind(s.created_at)
                    .bind(s.last_seen)
                    .bind(s.expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session(&self, id_hash: &str) -> Result<Option<Session>> {
                let row: Option<(String, i64, String, i64, i64, i64)> =
                    sqlx::query_as("SELECT id_hash, user_id, csrf, created_at, last_seen, expires_at FROM sessions WHERE id_hash = $1")
                        .bind(id_hash)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(id_hash, user_id, csrf, created_at, last_seen, expires_at)| Session { id_hash, user_id, csrf, created_at, last_seen, expires_at }))
            }

            async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
                sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id_hash = $2").bind(now).bind(id_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn delete_session(&self, id_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn delete_expired_sessions(&self, now: i64, idle_ms: i64) -> Result<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen < $2").bind(now).bind(now - idle_ms).execute(&self.pool).await?;
                Ok(done.rows_affected())
            }

            async fn audit(&self, actor: &str, action: &str, subject: &str, details: &str) -> Result<()> {
                sqlx::query("INSERT INTO audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)")
                    .bind(now_ms())
                    .bind(actor)
                    .bind(action)
                    .bind(subject)
                    .bind(details)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn audit_log(&self, limit: i64, action: Option<&str>) -> Result<Vec<AuditEntry>> {
                let rows: Vec<(i64, i64, String, String, String, String)> = match action {
                    Some(a) => sqlx::query_as("SELECT id, at, actor, action, subject, details FROM audit WHERE action = $1 ORDER BY id DESC LIMIT $2").bind(a).bind(limit).fetch_all(&self.pool).await?,
                    None => sqlx::query_as("SELECT id, at, actor, action, subject, details FROM audit ORDER BY id DESC LIMIT $1").bind(limit).fetch_all(&self.pool).await?,
                };
                Ok(rows.into_iter().map(|(id, at, actor, action, subject, details)| AuditEntry { id, at, actor, action, subject, details }).collect())
            }

            async fn backup_to(&self, path: &Path) -> Result<()> {
                self.backup_impl(path).await
            }
        }
    };
}

shared_impl!(SqliteStore, "sqlite");
shared_impl!(PgStore, "postgres");

impl SqliteStore {
    async fn backup_impl(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(Error::Conflict(format!(
                "Filen {} finns redan; välj ett nytt namn för säkerhetskopian.",
                path.display()
            )));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl PgStore {
    async fn backup_impl(&self, _path: &Path) -> Result<()> {
        Err(Error::Unsupported(
            "Säkerhetskopiering av PostgreSQL görs med pg_dump (se docs/operations.md), inte med nara backup.".into(),
        ))
    }
}
