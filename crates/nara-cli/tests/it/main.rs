//! Tests of the real `nara` binary: commands and their error paths, the JSON shape, and that a
//! killed import leaves every file fully stored or not at all.

mod admin;
mod commands;
mod crash;
mod support;
