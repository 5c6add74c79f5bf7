//! Fuzz target: any text given as an instrument file is accepted or refused with a message,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = nara_core::Instrument::from_toml(text);
    }
});
