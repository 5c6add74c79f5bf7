//! nara-excel's error type. A file the importer refuses as a whole (not a spreadsheet, damaged,
//! over a limit) is an [`Error`] inside this crate and a [`Problem`] of the whole file outside
//! it; what is wrong inside a readable form is always a [`Problem`] (data, not an error).

use rust_xlsxwriter::XlsxError;

use crate::Problem;

/// Why a file cannot be read, or why a workbook cannot be written. Every refusal of a file
/// carries a Swedish sentence that says what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not a spreadsheet that Nära reads: empty, text, an old `.xls`, encrypted,
    /// with macros, or another kind of document.
    #[error("{0}")]
    NotASpreadsheet(String),
    /// The file is damaged: a broken zip, invalid XML, a missing part, a number that is none.
    #[error("{0}")]
    Damaged(String),
    /// The file is over one of the [`crate::Limits`]: its size, its parts, what it inflates to,
    /// its text, its cells or its records.
    #[error("{0}")]
    TooLarge(String),
    /// An organisation report was asked for an organisation (its code) that has not answered
    /// in the round.
    #[error("{0} har inte svarat i omgången; det finns ingen rapport att skriva.")]
    NotAnswered(String),
    /// A workbook (form, summary, report) could not be written.
    #[error(transparent)]
    Write(#[from] XlsxError),
}

impl From<Error> for Problem {
    /// A refused file as a problem of the whole file, with the error's Swedish sentence.
    fn from(e: Error) -> Self {
        Problem {
            sheet: None,
            cell: None,
            message: e.to_string(),
        }
    }
}
