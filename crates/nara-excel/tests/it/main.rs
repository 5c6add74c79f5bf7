//! Integration tests of nara-excel: the form round trip, sloppy input, hostile files.

mod hostile;
mod roundtrip;
mod support;
