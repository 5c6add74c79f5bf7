//! Test databases for both backends.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use nara_store::{PgStore, SqliteStore, Store};

/// Where the tests look for PostgreSQL when `NARA_TEST_PG_URL` is not set.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A store with a temporary SQLite file (kept alive by the returned guard).
pub async fn sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("t.db")).await.unwrap();
    (Arc::new(store), dir)
}

/// A store on PostgreSQL in a fresh schema, or `None` when PostgreSQL is not reachable and
/// `NARA_TEST_PG_URL` is not set. With the variable set, an unreachable server fails the test.
pub async fn postgres() -> Option<Arc<dyn Store>> {
    static N: AtomicU64 = AtomicU64::new(0);
    let (url, required) = match std::env::var("NARA_TEST_PG_URL") {
        Ok(u) => (u, true),
        Err(_) => (DEFAULT_PG_URL.to_string(), false),
    };
    let schema = format!(
        "t_{}_{}_{}",
        std::process::id(),
        nara_store::now_ms(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    match PgStore::connect(&url, Some(&schema)).await {
        Ok(s) => Some(Arc::new(s)),
        Err(e) if !required => {
            eprintln!(
                "NOTICE: PostgreSQL not reachable at {url} ({e}); this test ran on SQLite only. Set NARA_TEST_PG_URL to require it."
            );
            None
        }
        Err(e) => panic!("PostgreSQL at {url} (NARA_TEST_PG_URL) is not reachable: {e}"),
    }
}

/// Defines a test that runs `$body(store)` on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! contract {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (store, _dir) = $crate::harness::sqlite().await;
                ($body)(store).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(store) = $crate::harness::postgres().await {
                    ($body)(store).await;
                }
            }
        }
    };
}
