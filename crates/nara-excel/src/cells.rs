//! Reading a sheet into a sparse map of cell texts, in bounded memory: cells beyond the limits
//! are counted and skipped, never allocated as a dense grid.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader};

use crate::Limits;
use crate::guard::Kind;

/// The non-empty cells of one sheet as text, by (row, column), both from 0.
#[derive(Debug, Default)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// Cell texts.
    pub cells: BTreeMap<(u32, u32), String>,
}

impl Sheet {
    /// The text of a cell, or "" when empty.
    pub fn get(&self, row: u32, col: u32) -> &str {
        self.cells.get(&(row, col)).map_or("", String::as_str)
    }
}

/// An opened workbook: its sheets, read lazily, and its custom document properties.
pub struct Book {
    inner: BookInner,
    /// Custom document properties.
    pub properties: std::collections::HashMap<String, String>,
}

enum BookInner {
    Xlsx(Box<calamine::Xlsx<Cursor<Vec<u8>>>>),
    Ods(calamine::Ods<Cursor<Vec<u8>>>),
}

fn unreadable(detail: impl std::fmt::Display) -> String {
    format!(
        "Filen kunde inte läsas som kalkylark ({detail}). Spara blanketten på nytt som .xlsx och skicka den igen."
    )
}

impl Book {
    /// Opens a checked file (see [`crate::guard::check`]).
    pub fn open(bytes: &[u8], kind: Kind, limits: &Limits) -> Result<Self, String> {
        match kind {
            Kind::Xlsx => {
                let mut x = calamine::Xlsx::new(Cursor::new(bytes.to_vec())).map_err(unreadable)?;
                let properties = x
                    .workbook_properties()
                    .map(|p| p.custom_properties)
                    .unwrap_or_default();
                Ok(Self {
                    inner: BookInner::Xlsx(Box::new(x)),
                    properties,
                })
            }
            Kind::Ods => {
                let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
                let mut content = Vec::new();
                if let Some(i) = zip.index_for_name("content.xml") {
                    use std::io::Read;
                    zip.by_index(i)
                        .map_err(unreadable)?
                        .take(limits.max_inflated_bytes)
                        .read_to_end(&mut content)
                        .map_err(unreadable)?;
                }
                let (rows, cols) = crate::guard::ods_extent(&content)?;
                if rows > u64::from(limits.max_rows) || cols > u64::from(limits.max_cols) {
                    return Err(far_away(limits));
                }
                let o = calamine::Ods::new(Cursor::new(bytes.to_vec())).map_err(unreadable)?;
                let properties = o
                    .workbook_properties()
                    .map(|p| p.custom_properties)
                    .unwrap_or_default();
                Ok(Self {
                    inner: BookInner::Ods(o),
                    properties,
                })
            }
        }
    }

    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.inner {
            BookInner::Xlsx(x) => x.sheet_names(),
            BookInner::Ods(o) => o.sheet_names(),
        }
    }

    /// Reads one sheet. Values beyond the limits are skipped; the count of skipped cells is
    /// returned beside the sheet.
    pub fn read(&mut self, name: &str, limits: &Limits) -> Result<(Sheet, usize), String> {
        let mut sheet = Sheet {
            name: name.to_string(),
            ..Default::default()
        };
        let mut skipped = 0usize;
        let mut keep = |row: u32, col: u32, text: String, sheet: &mut Sheet| {
            if row >= limits.max_rows || col >= limits.max_cols {
                skipped += 1;
            } else if !text.trim().is_empty() {
                let text = if text.chars().count() > limits.max_cell_chars {
                    // Keep a marker of the overflow; the importer reports it as a problem.
                    let mut t: String = text.chars().take(limits.max_cell_chars).collect();
                    t.push('\u{0}');
                    t
                } else {
                    text
                };
                sheet.cells.insert((row, col), text);
            }
        };
        match &mut self.inner {
            BookInner::Xlsx(x) => {
                let mut reader = x.worksheet_cells_reader(name).map_err(unreadable)?;
                loop {
                    match reader.next_cell() {
                        Ok(Some(cell)) => {
                            let (row, col) = cell.get_position();
                            let text = ref_text(cell.get_value());
                            keep(row, col, text, &mut sheet);
                        }
                        Ok(None) => break,
                        Err(e) => return Err(unreadable(e)),
                    }
                }
            }
            BookInner::Ods(o) => {
                let range = o.worksheet_range(name).map_err(unreadable)?;
                for (r, c, v) in range.used_cells() {
                    let (row, col) = (
                        range.start().map_or(0, |s| s.0) + r as u32,
                        range.start().map_or(0, |s| s.1) + c as u32,
                    );
                    keep(row, col, data_text(v), &mut sheet);
                }
            }
        }
        Ok((sheet, skipped))
    }
}

fn far_away(limits: &Limits) -> String {
    format!(
        "Filen har innehåll långt utanför blanketten (efter rad {} eller kolumn {}). Ta bort det och spara filen igen.",
        limits.max_rows, limits.max_cols
    )
}

/// A number as people write it: `3` for 3.0, otherwise with a decimal point.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

fn ref_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "SANT" } else { "FALSKT" }.to_string(),
        DataRef::DateTime(d) => serial_date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn data_text(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "SANT" } else { "FALSKT" }.to_string(),
        Data::DateTime(d) => serial_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
pub fn serial_date(serial: f64) -> String {
    if !(1.0..2_958_466.0).contains(&serial) {
        return number_text(serial);
    }
    // Days since 1970-01-01, then the civil-from-days algorithm.
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `(row, col)` from 0 as an A1 address.
pub fn a1(row: u32, col: u32) -> String {
    let mut c = col + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + rem as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_dates() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 3), "D12");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(serial_date(46_000.0), "2025-12-09");
        assert_eq!(serial_date(25_569.0), "1970-01-01");
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(3.5), "3.5");
    }
}
