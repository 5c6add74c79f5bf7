//! Integration tests of the use cases, on SQLite and on PostgreSQL.

mod demo;
mod exports;
mod pipeline;
mod results;
mod support;
