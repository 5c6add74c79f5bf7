//! Reading a sheet into a sparse map of cell texts, in bounded memory and time: only the area a
//! form can hold is read (the first [`Limits::max_rows`] rows and [`Limits::max_cols`]
//! columns), cells beyond it are counted and skipped, never allocated as a dense grid, and
//! everything the reader materialises is charged to a budget per file (cells, every repeat
//! counted, and text), so that a tiny file that repeats a long text over many cells is refused
//! with a Swedish message naming the file instead of growing to gigabytes.
//!
//! An xlsx is read with calamine's streaming cell reader after [`guard::scan_xlsx`] has bounded
//! what calamine builds when it opens the file. An OpenDocument file is read here, in one
//! streaming pass over `content.xml`: calamine would expand every repeated row and column of
//! every table into a dense grid before anything could be checked.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Cursor, Read};

use calamine::{DataRef, Reader};
use quick_xml::events::{BytesStart, Event};

use crate::guard::{self, Kind};
use crate::{Error, Limits};

mod formulas;
mod ods;
mod text;

use ods::read_ods;
pub use text::{a1, serial_date};
use text::{number_text, ref_text};

/// The non-empty cells of one sheet as text, by (row, column), both from 0.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
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

/// An opened workbook: its sheets, read lazily (xlsx) or at once (ods), and its custom document
/// properties.
pub struct Book<'a> {
    inner: BookInner<'a>,
    /// Custom document properties.
    pub properties: HashMap<String, String>,
    budget: Budget,
}

enum BookInner<'a> {
    Xlsx(Box<calamine::Xlsx<Cursor<Cow<'a, [u8]>>>>),
    /// Every named table with the count of its non-empty cells beyond the area read.
    Ods(Vec<(Sheet, usize)>),
}

/// What one file may still materialise.
struct Budget {
    /// The file as named in messages.
    file: String,
    cells: usize,
    text: usize,
    max_cells: usize,
    max_text: usize,
}

impl Budget {
    fn new(file_name: &str, limits: &Limits) -> Self {
        Self {
            file: guard::label(file_name),
            cells: 0,
            text: 0,
            max_cells: limits.max_cells,
            max_text: limits.max_text_bytes,
        }
    }

    fn limits(&self) -> Limits {
        Limits {
            max_cells: self.max_cells,
            max_text_bytes: self.max_text,
            ..Limits::default()
        }
    }

    /// Charges `bytes` of text.
    fn text(&mut self, bytes: usize) -> Result<(), Error> {
        self.text = self.text.saturating_add(bytes);
        if self.text > self.max_text {
            return Err(guard::too_much_text(&self.file, &self.limits()));
        }
        Ok(())
    }

    /// Charges one kept cell.
    fn cell(&mut self) -> Result<(), Error> {
        self.cells += 1;
        if self.cells > self.max_cells {
            return Err(guard::too_many_cells(&self.file, &self.limits()));
        }
        Ok(())
    }
}

fn unreadable(detail: impl std::fmt::Display) -> Error {
    Error::Damaged(format!(
        "Filen kunde inte läsas som kalkylark ({detail}). Spara blanketten på nytt som .xlsx och skicka den igen."
    ))
}

/// The parts as a zip whose entries are stored (not compressed), so that reading them again
/// costs a copy, not an inflate, without the parts Nära never uses ([`guard::unused`]), and
/// whose worksheets have their formulas and empty cells cut out (calamine reads the saved
/// values, and the reader passes over empty ones; see [`formulas`]); `None` when the zip
/// cannot be written (a duplicate name), and the file is then read as it came.
fn stored_zip(parts: &[(String, Vec<u8>)]) -> Option<Vec<u8>> {
    let parts = || parts.iter().filter(|(name, _)| !guard::unused(name));
    let total: usize = parts().map(|(n, p)| 2 * n.len() + p.len() + 100).sum();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(total + 100)));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, part) in parts() {
        w.start_file(name.as_str(), opts).ok()?;
        let part = if name.to_ascii_lowercase().contains("worksheets/") {
            formulas::pruned(part)
        } else {
            Cow::Borrowed(part.as_slice())
        };
        std::io::Write::write_all(&mut w, &part).ok()?;
    }
    w.finish().ok().map(Cursor::into_inner)
}

/// Whether a text is kept: not blank.
fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// The text kept of a cell: at most [`Limits::max_cell_chars`] characters, and a NUL marker
/// after a text that was longer (the importer reports it as a problem).
fn capped(text: &str, limits: &Limits) -> String {
    match text.char_indices().nth(limits.max_cell_chars) {
        None => text.to_string(),
        Some((end, _)) => {
            let mut t = text[..end].to_string();
            t.push('\u{0}');
            t
        }
    }
}

impl<'a> Book<'a> {
    /// Opens a checked file (see [`crate::guard::check`]); messages call it "the file".
    pub fn open(bytes: &'a [u8], kind: Kind, limits: &Limits) -> Result<Self, Error> {
        Self::open_named("", bytes, kind, limits)
    }

    /// Opens a checked file (see [`crate::guard::check`]); `file_name` names it in messages.
    pub fn open_named(
        file_name: &str,
        bytes: &'a [u8],
        kind: Kind,
        limits: &Limits,
    ) -> Result<Self, Error> {
        Self::open_checked(
            file_name,
            bytes,
            guard::Checked { kind, parts: None },
            limits,
        )
    }

    /// Opens a file checked by [`guard::check_keeping`], reading the parts it kept rather than
    /// inflating them again; `file_name` names it in messages.
    pub fn open_checked(
        file_name: &str,
        bytes: &'a [u8],
        checked: guard::Checked,
        limits: &Limits,
    ) -> Result<Self, Error> {
        let mut budget = Budget::new(file_name, limits);
        match checked.kind {
            Kind::Xlsx => {
                // calamine reads a zip: the kept parts are handed to it stored, not deflated,
                // and counted as handed; a file read as it came is counted whole.
                let stored = (checked.parts.as_ref()).and_then(|parts| {
                    stored_zip(parts)
                        .map(|zip| (zip, guard::scan_parts(parts, limits, &budget.file)))
                });
                let zip = match stored {
                    Some((zip, held)) => {
                        budget.text(held?)?;
                        Cow::Owned(zip)
                    }
                    None => {
                        budget.text(guard::scan_xlsx(bytes, limits, &budget.file)?)?;
                        Cow::Borrowed(bytes)
                    }
                };
                let mut x = calamine::Xlsx::new(Cursor::new(zip)).map_err(unreadable)?;
                let properties = x
                    .workbook_properties()
                    .map(|p| p.custom_properties)
                    .unwrap_or_default();
                Ok(Self {
                    inner: BookInner::Xlsx(Box::new(x)),
                    properties,
                    budget,
                })
            }
            Kind::Ods => {
                let (sheets, properties) = read_ods(bytes, limits, &mut budget)?;
                Ok(Self {
                    inner: BookInner::Ods(sheets),
                    properties,
                    budget,
                })
            }
        }
    }

    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.inner {
            BookInner::Xlsx(x) => x.sheet_names(),
            BookInner::Ods(sheets) => sheets.iter().map(|(s, _)| s.name.clone()).collect(),
        }
    }

    /// Reads one sheet. Values beyond the limits are skipped; the count of skipped cells is
    /// returned beside the sheet. A file that exceeds its budget of cells or text is refused.
    pub fn read(&mut self, name: &str, limits: &Limits) -> Result<(Sheet, usize), Error> {
        match &mut self.inner {
            BookInner::Xlsx(x) => {
                let mut sheet = Sheet {
                    name: name.to_string(),
                    ..Default::default()
                };
                let mut skipped = 0usize;
                let mut reader = x.worksheet_cells_reader(name).map_err(unreadable)?;
                while let Some(cell) = reader.next_cell().map_err(unreadable)? {
                    let (row, col) = cell.get_position();
                    let value = cell.get_value();
                    // An empty text (a formula whose saved result is empty) is nothing, as an
                    // empty cell is: the sheets are read the same with such cells cut out.
                    if matches!(value, DataRef::Empty)
                        || matches!(value, DataRef::String(s) if s.is_empty())
                    {
                        continue;
                    }
                    if row >= limits.max_rows || col >= limits.max_cols {
                        skipped += 1;
                        continue;
                    }
                    let text = match value {
                        DataRef::SharedString(s) => std::borrow::Cow::Borrowed(*s),
                        DataRef::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
                        other => std::borrow::Cow::Owned(ref_text(other)),
                    };
                    // Charged before it is looked at: every cell costs its length once.
                    self.budget.text(text.len())?;
                    if blank(&text) {
                        continue;
                    }
                    self.budget.cell()?;
                    sheet.cells.insert((row, col), capped(&text, limits));
                }
                Ok((sheet, skipped))
            }
            BookInner::Ods(sheets) => sheets
                .iter()
                .rev()
                .find(|(s, _)| s.name == name)
                .map(|(s, skipped)| (s.clone(), *skipped))
                .ok_or_else(|| unreadable(format!("fliken {name} finns inte"))),
        }
    }
}
