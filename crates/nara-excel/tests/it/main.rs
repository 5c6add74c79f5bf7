//! Integration tests of nara-excel: the form round trip, sloppy input, hostile files,
//! expansion bombs, the raw CSV, nyckeltal from workbooks and the result workbooks' sheet
//! Nyckeltal.

mod activities;
mod activity_sheet;
mod bombs;
mod csv;
mod errors;
mod expansion;
mod fixtures;
mod formulas;
mod hostile;
mod indicators;
mod office;
mod readers;
mod roundtrip;
mod snapshots;
mod summary_nyckeltal;
mod support;
mod year;
