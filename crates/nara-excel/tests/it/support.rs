//! Builders for test files: a context, filled forms, and hand-made sheets with any cells.

use nara_core::{Instrument, Organisations, Round, RoundId, RoundStatus};
use nara_excel::{Filled, FormSpec, ImportContext, Limits};
use rust_xlsxwriter::Workbook;

pub fn round(inst: &Instrument, id: &str) -> Round {
    Round {
        id: RoundId::parse(id).unwrap(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: RoundStatus::Open,
        opens: None,
        closes: None,
    }
}

pub fn ctx() -> ImportContext {
    let inst = Instrument::dalarna();
    ImportContext {
        rounds: vec![round(&inst, "2026")],
        instruments: vec![inst],
        organisations: Organisations::dalarna(),
        limits: Limits::default(),
    }
}

pub fn filled_form(ctx: &ImportContext, org: &str, filled: &Filled) -> Vec<u8> {
    let inst = &ctx.instruments[0];
    let org = ctx.organisations.find(org).unwrap();
    nara_excel::write_filled_form(
        &FormSpec {
            instrument: inst,
            org,
            round: &ctx.rounds[0],
            send_to: None,
        },
        filled,
    )
    .unwrap()
}

/// A hand-made workbook: one sheet with the given cells (row and column from 0).
pub fn sheet(name: &str, cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    for (r, c, v) in cells {
        ws.write_string(*r, *c, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// A hand-made answer sheet laid out differently from the template: the table starts at
/// `top`, the columns are in the order given, the background fields sit to the right.
pub fn typed_form(
    top: u32,
    header: &[&str],
    rows: &[Vec<&str>],
    background: &[(&str, &str)],
) -> Vec<u8> {
    let mut cells: Vec<(u32, u16, String)> = Vec::new();
    for (i, (label, value)) in background.iter().enumerate() {
        cells.push((1 + i as u32, 3, label.to_string()));
        cells.push((1 + i as u32, 4, value.to_string()));
    }
    for (c, h) in header.iter().enumerate() {
        cells.push((top, 1 + c as u16, h.to_string()));
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                cells.push((top + 2 + 2 * r as u32, 1 + c as u16, v.to_string()));
            }
        }
    }
    let borrowed: Vec<(u32, u16, &str)> =
        cells.iter().map(|(r, c, v)| (*r, *c, v.as_str())).collect();
    sheet("Blad1", &borrowed)
}

pub const BACKGROUND: [(&str, &str); 5] = [
    ("Organisation", "Falun (2080)"),
    ("Verksamhet", "Hemsjukvården"),
    ("Omgång", "2026"),
    ("Deltagare", "Anna, Bo"),
    ("Datum", "2026-03-01"),
];
