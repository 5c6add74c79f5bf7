//! A long table in CSV: `;` or `,` (whichever the header row has more of), quoted fields as
//! spreadsheets write them. Problems are placed by row and column letter (`rad 4, kolumn C`).

use nara_core::indicator::kolada::Value;

use super::{Collected, MAX_ROWS, Table, check_row, file_problem, missing_columns};
use crate::Problem;

/// A column from 0 as its letter (`C`).
fn column_letter(i: usize) -> String {
    crate::cells::a1(0, u32::try_from(i).unwrap_or(u32::MAX))
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

/// A problem in a row (from 1) and column (from 0).
fn at(row: usize, col: usize, message: String) -> Problem {
    Problem {
        sheet: None,
        cell: Some(format!("rad {row}, kolumn {}", column_letter(col))),
        message,
    }
}

/// Reads a long table from CSV text (see the module above).
pub(super) fn read_csv(text: &str) -> Result<Vec<Value>, Vec<Problem>> {
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![file_problem(format!("Rubrikraden kunde inte läsas ({e})."))])?
        .clone();
    let table = Table::find(headers.iter().enumerate()).map_err(|missing| {
        let found: Vec<&str> = headers.iter().collect();
        vec![Problem {
            sheet: None,
            cell: Some("rad 1".into()),
            message: missing_columns(&missing, &found),
        }]
    })?;
    let mut collected = Collected::default();
    for (n, record) in reader.records().enumerate() {
        let row = n + 2;
        if n >= MAX_ROWS {
            return Err(vec![file_problem(format!(
                "Filen har fler än {MAX_ROWS} rader; dela upp den."
            ))]);
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                collected.problem(Problem {
                    sheet: None,
                    cell: Some(format!("rad {row}")),
                    message: format!("Raden kunde inte läsas ({e})."),
                });
                continue;
            }
        };
        let checked = check_row(&table, |i| record.get(i).unwrap_or(""));
        collected.row(row, checked, |col, m| at(row, col, m), table.kpi);
    }
    collected.finish()
}
