//! Integration tests of nara-excel: the form round trip, sloppy input, hostile files,
//! expansion bombs, the raw CSV, nyckeltal from workbooks, the result workbooks' sheet
//! Nyckeltal, and the workbooks printed to PDF.

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
mod print;
mod readers;
mod roundtrip;
mod snapshots;
mod summary_nyckeltal;
mod support;
mod year;
