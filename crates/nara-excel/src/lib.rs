//! `nara-excel` is Nära's Excel side: the self-scoring form template, the guarded importer of
//! filled forms (xlsx, ods) and the summary and report workbooks. It reads and writes bytes and
//! returns core types; it never touches the database and never scores (core does).

use nara_core::{Instrument, Organisations, Response, Round};

pub mod activities;
pub mod cells;
mod error;
pub mod form;
pub mod guard;
pub mod import;
pub mod indicators;
pub mod summary;

pub use error::Error;
pub use form::{
    Filled, FormActivities, FormSpec, Typed, write_filled_form, write_filled_form_for, write_form,
    write_form_for,
};
pub use import::activities::{SheetActivities, SheetRead, import_form_with_activities};

/// Limits that the importer enforces before and while parsing. Every one is a setting.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// The most entries a zip (xlsx, ods) may have.
    pub max_zip_entries: usize,
    /// The most bytes all entries may inflate to, declared or actual.
    pub max_inflated_bytes: u64,
    /// The highest compression ratio of one entry.
    pub max_ratio: u64,
    /// The most bytes one entry (one XML part) may inflate to.
    pub max_part_bytes: u64,
    /// The most rows of a sheet that are read.
    pub max_rows: u32,
    /// The most columns of a sheet that are read.
    pub max_cols: u32,
    /// The longest text of one cell that is kept, in characters.
    pub max_cell_chars: usize,
    /// The most non-empty cells the reader keeps from one file, over all its sheets, every
    /// repeat of a repeated cell counted.
    pub max_cells: usize,
    /// The most text, in bytes, the reader may materialise from one file: an xlsx's table of
    /// shared strings and the style names it copies, and the text of every cell it looks at
    /// (every repeat counted).
    pub max_text_bytes: usize,
    /// The most strings an xlsx's table of shared strings may hold or declare.
    pub max_shared_strings: usize,
    /// The most records (sheets, names, relationships, properties, fonts, fills, borders,
    /// number formats, cell formats) the parts of an xlsx that are read whole may hold.
    pub max_records: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 10 * 1024 * 1024,
            max_zip_entries: 1_000,
            max_inflated_bytes: 50 * 1024 * 1024,
            max_ratio: 200,
            max_rows: 2_000,
            max_cols: 50,
            max_cell_chars: 10_000,
            max_part_bytes: 16 * 1024 * 1024,
            max_cells: 50_000,
            max_text_bytes: 8 * 1024 * 1024,
            max_shared_strings: 100_000,
            max_records: 100_000,
        }
    }
}

/// What the importer needs to know to check a form.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// Every known instrument version.
    pub instruments: Vec<Instrument>,
    /// The known organisations.
    pub organisations: Organisations,
    /// The known rounds; a form's round must be one of them, and its instrument version the
    /// round's.
    pub rounds: Vec<Round>,
    /// The limits.
    pub limits: Limits,
}

/// One problem with a file: where (sheet and A1 cell, when known) and what, as a Swedish
/// sentence that says what to do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The sheet, when the problem is in one.
    pub sheet: Option<String>,
    /// The cell in A1 style, when the problem is in one.
    pub cell: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

/// Reads one filled form. `file_name` decides nothing (the content is sniffed) and names the
/// file in the messages about what it would cost to read; every problem of the file is
/// returned together, and a file with any problem yields no response.
pub fn import_form(
    file_name: &str,
    bytes: &[u8],
    ctx: &ImportContext,
) -> Result<Response, Vec<Problem>> {
    import::import_form(file_name, bytes, ctx)
}
