//! A long table in a workbook (xlsx or ods). The file passes the guard a filled form passes
//! (kind, zip directory, inflate cap, the xlsx pre-scan) and is read with the same sparse cell
//! reader and its budget, with the area widened to a long table: [`MAX_ROWS`] rows below the
//! first and every column. Cells come as text as the form importer reads them, so a number is
//! `2080` or `37.4` whether Excel stored a number or a text, and the checks are the CSV's.
//! Problems are placed by sheet and A1 cell (`Nyckeltal`, `C7`).

use nara_core::indicator::kolada::Value;

use super::{Collected, MAX_ROWS, Table, check_row, missing_columns};
use crate::cells::{Book, Sheet, a1};
use crate::{Limits, Problem, guard};

/// The most cells a workbook of nyckeltal may hold: four columns of [`MAX_ROWS`] rows. A sheet
/// part is capped at [`Limits::max_part_bytes`] too, which stops a wider table sooner.
const MAX_CELLS: usize = 4 * MAX_ROWS;

/// The limits a workbook of nyckeltal is read with: the caller's for the file and its parts,
/// the area and the cells of a long table.
fn table_limits(limits: &Limits) -> Limits {
    Limits {
        max_rows: u32::try_from(MAX_ROWS + 1).unwrap_or(u32::MAX),
        // Every column: so that what the reader skips is only rows below the last.
        max_cols: u32::MAX,
        max_cells: limits.max_cells.max(MAX_CELLS),
        ..limits.clone()
    }
}

/// A problem in a sheet.
fn in_sheet(sheet: &str, cell: Option<String>, message: String) -> Problem {
    Problem {
        sheet: Some(sheet.to_string()),
        cell,
        message,
    }
}

/// Reads a long table from the first sheet of a workbook whose first non-empty row has its
/// headers; when no sheet has, each sheet's problem is named.
pub(super) fn read_book(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Value>, Vec<Problem>> {
    let limits = table_limits(limits);
    let refused = |e: crate::Error| vec![Problem::from(e)];
    let checked = guard::check_keeping(bytes, &limits).map_err(refused)?;
    let mut book = Book::open_checked(file_name, bytes, checked, &limits).map_err(refused)?;
    let mut why = Vec::new();
    for name in book.sheet_names() {
        let (sheet, skipped) = book.read(&name, &limits).map_err(refused)?;
        let Some((&(top, _), _)) = sheet.cells.first_key_value() else {
            why.push(in_sheet(&name, None, "Fliken är tom.".into()));
            continue;
        };
        let headers: Vec<(usize, &str)> = sheet
            .cells
            .range((top, 0)..(top + 1, 0))
            .map(|(&(_, c), text)| (c as usize, text.as_str()))
            .collect();
        match Table::find(headers.iter().copied()) {
            Ok(_) if skipped > 0 => {
                return Err(vec![in_sheet(
                    &name,
                    None,
                    format!(
                        "Fliken har ifyllda celler nedanför rad {}; en fil får ha högst {MAX_ROWS} rader med värden. Dela upp tabellen på flera filer.",
                        MAX_ROWS + 1
                    ),
                )]);
            }
            Ok(table) => return read_sheet(&sheet, top, &table),
            Err(missing) => {
                let found: Vec<&str> = headers.iter().map(|(_, h)| *h).collect();
                let first = headers.first().map_or(0, |(c, _)| *c);
                why.push(in_sheet(
                    &name,
                    Some(a1(top, u32::try_from(first).unwrap_or(u32::MAX))),
                    format!(
                        "Fliken har ingen tabell med nyckeltal: den första ifyllda raden ska ha rubrikerna. {}",
                        missing_columns(&missing, &found)
                    ),
                ));
            }
        }
    }
    if why.is_empty() {
        why.push(Problem::from(crate::Error::Damaged(
            "Filen har inga flikar. Spara den på nytt som .xlsx och läs in den igen.".into(),
        )));
    }
    Err(why)
}

/// Reads the rows below the header row `top` of a sheet.
fn read_sheet(sheet: &Sheet, top: u32, table: &Table) -> Result<Vec<Value>, Vec<Problem>> {
    let mut collected = Collected::default();
    let mut next = top.saturating_add(1);
    while let Some((&(row, _), _)) = sheet.cells.range((next, 0)..).next() {
        let cell = |i: usize| u32::try_from(i).map_or("", |c| sheet.get(row, c));
        let checked = check_row(table, cell);
        collected.row(
            row as usize + 1,
            checked,
            |col, message| {
                in_sheet(
                    &sheet.name,
                    Some(a1(row, u32::try_from(col).unwrap_or(u32::MAX))),
                    message,
                )
            },
            table.kpi,
        );
        match row.checked_add(1) {
            Some(n) => next = n,
            None => break,
        }
    }
    collected.finish()
}
