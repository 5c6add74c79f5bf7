//! Integration tests of the use cases, on SQLite and on PostgreSQL.

mod pipeline;
mod results;
mod support;
