//! The store's contract suite: written once, run on SQLite always and on PostgreSQL when it is
//! reachable (`NARA_TEST_PG_URL`; `cargo xtask ci` makes sure it is). Each test gets its own
//! database file or schema, so tests run in parallel.

mod activities;
mod contacts;
mod contract;
mod indicators;
mod limits;
mod schemas;
mod sso;
mod yearly;
