//! Fuzz target: any bytes, put as `content.xml` into a minimal valid OpenDocument spreadsheet
//! (so that the zip and the guards pass and the fuzzer reaches the XML reader), give a response
//! or problems, never a panic, an abort, a hang or unbounded memory; and every sheet of such a
//! file can be read. The budgets of text and cells are smaller than the defaults (the same code
//! refuses at a lower count), so that each run stays cheap under the address sanitizer; the
//! defaults themselves are measured by nara-excel's tests and `cargo xtask bench`.
#![no_main]

use std::io::Write;
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
        ImportContext {
            instruments: vec![inst],
            organisations: Organisations::dalarna(),
            rounds: vec![round],
            limits: Limits {
                max_text_bytes: 512 * 1024,
                max_cells: 5_000,
                ..Limits::default()
            },
        }
    })
}

const MANIFEST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// A minimal .ods around `content` (stored, not deflated: the fuzzer's time goes to the XML).
fn ods(content: &[u8]) -> Option<Vec<u8>> {
    let mut buf = std::io::Cursor::new(Vec::with_capacity(content.len() + 1024));
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("mimetype", stored).ok()?;
        w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .ok()?;
        w.start_file("META-INF/manifest.xml", stored).ok()?;
        w.write_all(MANIFEST).ok()?;
        w.start_file("content.xml", stored).ok()?;
        w.write_all(content).ok()?;
        w.finish().ok()?;
    }
    Some(buf.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let Some(bytes) = ods(data) else { return };
    let _ = import_form("fuzz.ods", &bytes, ctx());
    let limits = &ctx().limits;
    if let Ok(kind) = nara_excel::guard::check(&bytes, limits)
        && let Ok(mut book) = nara_excel::cells::Book::open(&bytes, kind, limits)
    {
        for name in book.sheet_names() {
            let _ = book.read(&name, limits);
        }
    }
});
