//! Integration tests of nara-excel: the form round trip, sloppy input, hostile files.

mod fixtures;
mod formulas;
mod hostile;
mod office;
mod roundtrip;
mod support;
