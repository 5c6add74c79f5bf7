//! Integration tests of nara-excel: the form round trip, sloppy input, hostile files,
//! expansion bombs and the raw CSV.

mod bombs;
mod csv;
mod errors;
mod expansion;
mod fixtures;
mod formulas;
mod hostile;
mod office;
mod readers;
mod roundtrip;
mod snapshots;
mod support;
