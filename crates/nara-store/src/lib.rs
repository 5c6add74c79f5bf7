//! `nara-store` holds Nära's persistence: the [`Store`] trait and its SQLite (embedded
//! default) and PostgreSQL backends, each with its own embedded migrations run at start. It
//! stores and loads core types; it does not score, knows nothing of HTTP and writes no
//! sentences for people: errors say what (kind and key), and `nara-app` words them.
//!
//! # By concern
//!
//! [`Store`] is the sum of small traits, one per concern: [`RoundStore`] (instruments,
//! organisations, rounds), [`ResponseStore`] (responses and their history), [`AccountStore`]
//! (users and sessions), [`LinkStore`] (answer links and drafts), [`AuditStore`] (the audit
//! log and the data stamp), [`LimitStore`] (attempts counted per key: the sign-in limits),
//! [`IndicatorStore`] (nyckeltal), [`ActivityStore`] (aktiviteter and lokala planer) and
//! [`ContactStore`] (whom the coordinator writes to).
//! Each concern's SQL is one file in `src/sql/`.
//!
//! # Two backends, one SQL
//!
//! The SQL is portable (`$1` placeholders, `ON CONFLICT`), so each file in `src/sql/` is written
//! once, as plain Rust against the concrete backend type its parent names `DbStore`, and
//! compiled twice: `sqlite.rs` and `postgres.rs` each include the same files with
//! `#[path = "sql/…"] mod …;`. Why not the alternatives:
//! - a macro per concern hides the SQL from rustfmt, and compiler errors point at the macro
//!   call rather than the line;
//! - generic code over sqlx's `Database` needs `Encode`/`Decode`/`Type`/`Executor` bounds for
//!   every bound and read type on every method (Rust does not carry such bounds along as
//!   implied), which buries a three-line query under twenty lines of where-clauses.
//!
//! What truly differs per backend (connecting, how a write transaction begins, how the keys of
//! a limit are held, backup) lives in `sqlite.rs` and `postgres.rs`.
//!
//! # Time
//!
//! Every time the store writes comes from its [`Clock`] (the system clock unless another is
//! given with `with_clock`), and [`Store::now`] reads the same clock, so tests set the time
//! instead of sleeping.

use std::sync::Arc;

mod clock;
mod error;
mod postgres;
mod rows;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod traits;
mod types;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Entity, Error, Operation, Result};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use traits::{
    AccountStore, ActivityStore, AuditStore, ContactStore, IndicatorStore, LimitStore, LinkStore,
    ResponseStore, RoundStore, SsoStore, Store, YearStore,
};
pub use types::{
    ActivityBatch, AnswerLink, AnsweredCount, AuditEntry, AuditFilter, BatchChanges, KpiInfo,
    LimitKey, NewForm, NewLink, NewValue, Outcome, Reserved, Role, Session, SsoPending, SsoPerson,
    StoredFollowUp, StoredResponse, StoredValue, StoredYear, User, Value, ValueChanges,
};

/// Opens the store a URL names: `sqlite://FILE` (created when missing), a bare file path, or
/// `postgres://…`. Migrations run at start. The store keeps time with the system clock.
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>> {
    open_store_with_clock(url, Arc::new(SystemClock)).await
}

/// As [`open_store`], keeping time with `clock`.
pub async fn open_store_with_clock(url: &str, clock: Arc<dyn Clock>) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(
            PgStore::connect(url, None).await?.with_clock(clock),
        ))
    } else {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        Ok(Arc::new(SqliteStore::open(path).await?.with_clock(clock)))
    }
}

/// Now, in Unix milliseconds, from the system clock. Prefer [`Store::now`] where a store is at
/// hand: it follows the store's clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
