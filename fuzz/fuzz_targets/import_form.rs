//! Fuzz target: any bytes given to the importer give a response or problems, never a panic,
//! an abort or unbounded memory.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nara_core::{Instrument, Organisations, Round, RoundId, RoundStatus};
use nara_excel::{ImportContext, Limits, import_form};

fn ctx() -> &'static ImportContext {
    static CTX: OnceLock<ImportContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let inst = Instrument::dalarna();
        let round = Round {
            id: RoundId::parse("2026").unwrap(),
            instrument_id: inst.id.clone(),
            instrument_version: inst.version.clone(),
            status: RoundStatus::Open,
            opens: None,
            closes: None,
        };
        ImportContext { instruments: vec![inst], organisations: Organisations::dalarna(), rounds: vec![round], limits: Limits::default() }
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = import_form("fuzz.xlsx", data, ctx());
});
