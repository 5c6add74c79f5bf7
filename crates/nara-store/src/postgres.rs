//! PostgreSQL, for production with several server instances. The SQL is in `sql/`, shared with
//! SQLite (see the crate's notes); here is what differs: connecting (optionally into a schema of
//! its own), how a write transaction begins, and that backups are pg_dump's job.

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
}

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
#[path = "sql/audit.rs"]
mod audit;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/links.rs"]
mod links;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/responses.rs"]
mod responses;
#[allow(clippy::duplicate_mod, reason = "compiled once per backend on purpose")]
#[path = "sql/rounds.rs"]
mod rounds;
