//! Integration tests of the use cases, on SQLite and on PostgreSQL.

mod activities;
mod demo;
mod exports;
mod form_activities;
mod indicators;
mod online;
mod orgs;
mod pipeline;
mod reimport;
mod results;
mod store_errors;
mod support;
mod yearly;
