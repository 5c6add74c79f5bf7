//! The embedded default: one SQLite file, created when missing, in WAL mode. The SQL is in
//! `sql/`, shared with PostgreSQL (see the crate's notes); here is what differs: connecting,
//! how a write transaction begins (`BEGIN IMMEDIATE`, which also holds a limit's keys) and the
//! backup.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{Clock, Entity, Error, Result, Store, SystemClock};

/// The embedded default: one SQLite file, created when missing, in WAL mode.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
}

impl SqliteStore {
    /// Closes the connection pool: every later call fails as a database that has gone away
    /// does (tests of what people see then).
    #[cfg(feature = "testing")]
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Opens (or creates) the database file and runs the migrations. The store keeps time with
    /// the system clock; see [`SqliteStore::with_clock`].
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // A page cache of 16 MB per connection (SQLite's default is 2 MB): a round's
            // answers at 3,000 units are about 10 MB, read again on every recomputation.
            .pragma("cache_size", "-16384");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            clock: Arc::new(SystemClock),
        })
    }

    /// The same store, keeping time with `clock`.
    #[must_use]
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }

    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        // A deferred transaction that reads and then writes fails at once with SQLITE_BUSY.
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Holds the keys of a reservation against every other writer until the transaction ends:
    /// here the write transaction already does (`BEGIN IMMEDIATE` takes the database's one
    /// write lock, for every connection and process on the file).
    async fn hold_keys(
        &self,
        _tx: &mut sqlx::Transaction<'static, Db>,
        _keys: &[crate::LimitKey<'_>],
    ) -> Result<()> {
        Ok(())
    }
}

/// What pruning adds to its row selection to pass rows other transactions hold: nothing, as
/// SQLite has one writer at a time.
const SKIP_LOCKED: &str = "";

/// A response's answers as one text column, `D1.1=3;D1.2=;…` (an empty level is "vet ej / ej
/// aktuellt"), so that loading a round reads one row per form instead of one per answer
/// (statement ids hold neither `=` nor `;`). Parsed by [`crate::rows::parse_answers`].
const ANSWERS_OF_RESPONSE: &str =
    "(SELECT group_concat(a.statement_id || '=' || coalesce(a.level, ''), ';')
      FROM answers a WHERE a.response_id = r.id)";

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    #[tracing::instrument(skip_all)]
    async fn backup_to(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(Error::Conflict(Entity::BackupFile(path.to_path_buf())));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The backend the shared SQL files implement the concerns for.
type DbStore = SqliteStore;
/// The sqlx database of this backend.
type Db = sqlx::Sqlite;

#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/accounts.rs"]
mod accounts;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/activities.rs"]
mod activities;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/audit.rs"]
mod audit;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/batch.rs"]
mod batch;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/contacts.rs"]
mod contacts;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/indicators.rs"]
mod indicators;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/limits.rs"]
mod limits;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/links.rs"]
mod links;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/responses.rs"]
mod responses;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/rounds.rs"]
mod rounds;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/sso.rs"]
mod sso;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/yearly.rs"]
mod yearly;
