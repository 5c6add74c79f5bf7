//! Test databases for both backends (feature `testing`): a temporary SQLite file, and a fresh
//! PostgreSQL schema when the server is reachable. With `NARA_TEST_PG_URL` set, an unreachable
//! server fails the test; without it, the PostgreSQL half is skipped with a visible notice.
//! The `_at` variants keep time with a given clock (a [`crate::ManualClock`] in tests that
//! need to set the time).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Clock, PgStore, SqliteStore, Store, SystemClock};

/// Where the tests look for PostgreSQL when `NARA_TEST_PG_URL` is not set.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A store in a temporary SQLite file (kept while the returned folder lives).
pub async fn sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    sqlite_at(Arc::new(SystemClock)).await
}

/// As [`sqlite`], keeping time with `clock`.
pub async fn sqlite_at(clock: Arc<dyn Clock>) -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = SqliteStore::open(dir.path().join("t.db"))
        .await
        .expect("a SQLite database")
        .with_clock(clock);
    (Arc::new(store), dir)
}

/// A SQLite store whose connections are closed: every call fails like a database that has gone
/// away. For tests of what people see then.
pub async fn sqlite_gone() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = SqliteStore::open(dir.path().join("t.db"))
        .await
        .expect("a SQLite database");
    store.close().await;
    (Arc::new(store), dir)
}

/// The PostgreSQL URL and whether it is required.
pub fn pg_url() -> (String, bool) {
    match std::env::var("NARA_TEST_PG_URL") {
        Ok(u) => (u, true),
        Err(_) => (DEFAULT_PG_URL.to_string(), false),
    }
}

/// A fresh schema name.
pub fn fresh_schema() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "t_{}_{}_{}",
        std::process::id(),
        crate::now_ms(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The database URL `url` with `schema` as its search path, for a process that opens a store
/// in a schema that [`crate::PgStore::connect`] made (`…?options=-c%20search_path%3D<schema>`).
pub fn schema_url(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

/// A store on PostgreSQL in a fresh schema, or `None` (see the module).
pub async fn postgres() -> Option<Arc<dyn Store>> {
    postgres_at(Arc::new(SystemClock)).await
}

/// How old a test schema is before [`sweep_stale_schemas`] drops it: longer than any test or
/// benchmark run.
pub const STALE_SCHEMA_MS: i64 = 6 * 60 * 60 * 1000;
/// The most schemas one [`sweep_stale_schemas`] drops.
pub const SWEEP_MAX: usize = 200;

/// Drops the schemas that [`fresh_schema`] named more than [`STALE_SCHEMA_MS`] ago in the
/// database at `url` (tests and benchmarks leave theirs behind), so that the test database
/// does not grow from run to run; at most [`SWEEP_MAX`] a call (the rest at the next), so a
/// test run starts in bounded time; returns how many went. Best effort: a schema another process
/// drops at the same moment, or a server that cannot be reached, is passed over.
pub async fn sweep_stale_schemas(url: &str) -> usize {
    use std::str::FromStr;
    let Ok(opts) = sqlx::postgres::PgConnectOptions::from_str(url) else {
        return 0;
    };
    let connect = sqlx::postgres::PgPoolOptions::new().max_connections(1);
    let Ok(pool) = connect.connect_with(opts).await else {
        return 0;
    };
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname ~ '^t_[0-9]+_[0-9]+_[0-9]+$'",
    )
    .fetch_all(&pool)
    .await
    .unwrap_or_default();
    let before = crate::now_ms() - STALE_SCHEMA_MS;
    // `t_<process>_<ms>_<n>`, as `fresh_schema` names them.
    let made = |name: &str| name.split('_').nth(2).and_then(|ms| ms.parse::<i64>().ok());
    let stale = names
        .iter()
        .filter(|n| made(n).is_some_and(|ms| ms < before));
    let mut dropped = 0;
    for name in stale {
        if dropped == SWEEP_MAX {
            break;
        }
        if drop_on(&pool, name).await {
            dropped += 1;
        }
    }
    pool.close().await;
    dropped
}

/// Drops the schema `name` that [`fresh_schema`] made in the database at `url`, with all it
/// holds, when a benchmark is done with one too large to leave for [`sweep_stale_schemas`];
/// whether it went. A name [`fresh_schema`] could not have made is left alone.
pub async fn drop_schema(url: &str, name: &str) -> bool {
    use std::str::FromStr;
    let ours = name.strip_prefix("t_").is_some_and(|rest| {
        rest.split('_').count() == 3
            && rest
                .split('_')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    if !ours {
        return false;
    }
    let Ok(opts) = sqlx::postgres::PgConnectOptions::from_str(url) else {
        return false;
    };
    let connect = sqlx::postgres::PgPoolOptions::new().max_connections(1);
    let Ok(pool) = connect.connect_with(opts).await else {
        return false;
    };
    let dropped = drop_on(&pool, name).await;
    pool.close().await;
    dropped
}

/// `DROP SCHEMA … CASCADE` of a schema named as [`fresh_schema`] names them.
async fn drop_on(pool: &sqlx::PgPool, name: &str) -> bool {
    let drop = format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE");
    sqlx::query(sqlx::AssertSqlSafe(drop))
        .execute(pool)
        .await
        .is_ok()
}

/// As [`postgres`], keeping time with `clock`. The first call in a process sweeps the stale
/// test schemas first (see [`sweep_stale_schemas`]).
pub async fn postgres_at(clock: Arc<dyn Clock>) -> Option<Arc<dyn Store>> {
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let (url, required) = pg_url();
    SWEPT
        .get_or_init(|| async {
            sweep_stale_schemas(&url).await;
        })
        .await;
    match PgStore::connect(&url, Some(&fresh_schema())).await {
        Ok(s) => Some(Arc::new(s.with_clock(clock))),
        Err(e) if !required => {
            eprintln!(
                "NOTICE: PostgreSQL not reachable at {url} ({e}); this test ran on SQLite only. Set NARA_TEST_PG_URL to require it."
            );
            None
        }
        Err(e) => panic!("PostgreSQL at {url} (NARA_TEST_PG_URL) is not reachable: {e}"),
    }
}

/// Defines a test module `$name` with one test per backend that runs `$body(store)`; with
/// `clock = START`, the store keeps time with a [`crate::ManualClock`] showing `START` (Unix ms)
/// and the test runs `$body(store, clock)`.
#[macro_export]
macro_rules! contract {
    ($name:ident, clock = $start:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let clock = ::std::sync::Arc::new($crate::ManualClock::new($start));
                let (store, _dir) = $crate::testing::sqlite_at(clock.clone()).await;
                ($body)(store, clock).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let clock = ::std::sync::Arc::new($crate::ManualClock::new($start));
                if let Some(store) = $crate::testing::postgres_at(clock.clone()).await {
                    ($body)(store, clock).await;
                }
            }
        }
    };
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (store, _dir) = $crate::testing::sqlite().await;
                ($body)(store).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(store) = $crate::testing::postgres().await {
                    ($body)(store).await;
                }
            }
        }
    };
}
