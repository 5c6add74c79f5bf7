//! PostgreSQL, for production with several server instances. The SQL is in `sql/`, shared with
//! SQLite (see the crate's notes); here is what differs: connecting (optionally into a schema of
//! its own), how a write transaction begins, how a limit's keys are held (advisory locks), and
//! that backups are pg_dump's job.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::{Clock, Error, Operation, Result, Store, SystemClock};

/// PostgreSQL, for production with several server instances.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    clock: Arc<dyn Clock>,
}

impl PgStore {
    /// Connects and runs the migrations. With `schema`, every connection uses that schema
    /// (created when missing): the tests give each test its own. The store keeps time with the
    /// system clock; see [`PgStore::with_clock`].
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

    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// Holds the keys of a reservation against every other writer (any connection, any process
    /// on the database) until the transaction ends: a transaction-level advisory lock per key,
    /// taken in one global order (sorted by the keys' hashes, so two reservations never wait
    /// for each other in a circle). Two keys with the same 32-bit hash only share a lock. In
    /// READ COMMITTED every later statement of the transaction sees what the previous holder
    /// committed.
    async fn hold_keys(
        &self,
        tx: &mut sqlx::Transaction<'static, Db>,
        keys: &[crate::LimitKey<'_>],
    ) -> Result<()> {
        let mut hashes: Vec<i32> = keys.iter().map(|k| key_hash(k.key)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        for h in hashes {
            sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
                .bind(LIMIT_LOCK_CLASS)
                .bind(h)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

/// The first half of the advisory locks of limit keys (`pg_advisory_xact_lock(class, hash)`),
/// so they do not meet other users of advisory locks on the database ("Nära" in ASCII).
const LIMIT_LOCK_CLASS: i32 = 0x4e61_7261;

/// A key's 32-bit FNV-1a hash: the same in every process, whatever its build.
fn key_hash(key: &str) -> i32 {
    let h = key.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    i32::from_ne_bytes(h.to_ne_bytes())
}

/// What pruning adds to its row selection to pass rows other transactions hold, so it never
/// waits for (or deadlocks with) a sign-in.
const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

/// A response's answers as one text column (see the SQLite backend's twin).
const ANSWERS_OF_RESPONSE: &str =
    "(SELECT string_agg(a.statement_id || '=' || coalesce(a.level::text, ''), ';')
      FROM answers a WHERE a.response_id = r.id)";

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    async fn backup_to(&self, _path: &Path) -> Result<()> {
        Err(Error::Unsupported {
            operation: Operation::Backup,
            backend: self.backend(),
        })
    }
}

/// The backend the shared SQL files implement the concerns for.
type DbStore = PgStore;
/// The sqlx database of this backend.
type Db = sqlx::Postgres;

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
