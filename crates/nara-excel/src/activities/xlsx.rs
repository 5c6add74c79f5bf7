//! Aktiviteter and lokala planer as a workbook in long format, for editing in Excel and reading
//! back: the sheet Aktiviteter has exactly the CSV's columns ([`super::HEADERS`]) and the sheet
//! Lokala planer the plan table's ([`super::PLAN_HEADERS`]), the headers in the first row. Every
//! cell is written as text (never a formula; a code like `0020` keeps its zero). The file is read
//! back through the guard a filled form passes and the same sparse cell reader with its budget;
//! a date Excel stored as a date reads as `2026-06-30`. Problems are placed by sheet and A1 cell
//! (`Aktiviteter`, `N7`).

use nara_core::activity::{Activity, LocalPlan, RecordId};
use nara_core::round::Date;
use rust_xlsxwriter::{Color, DocProperties, Format, FormatBorder, Workbook, XlsxError};

use super::plans::{plan_row, read_plan_grid};
use super::{Grid, HEADERS, MAX_ROWS, PLAN_HEADERS, activity_row, read_grid, too_large};
use crate::cells::{Book, Sheet, a1};
use crate::{Limits, Problem, guard};

/// The sheet of activities.
pub const SHEET: &str = "Aktiviteter";
/// The sheet of plans.
pub const PLANS_SHEET: &str = "Lokala planer";

/// Writes one table: the headers (bold, frozen, filtered) and every cell as text.
fn sheet(
    wb: &mut Workbook,
    name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00e8_ecf0))
        .set_border(FormatBorder::Thin);
    // Text ("@"): what is typed in later stays as typed.
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, h) in headers.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &header)?;
        let widest = (rows.iter())
            .filter_map(|r| r.get(usize::from(c)))
            .map(|t| t.chars().count())
            .max()
            .unwrap_or(0)
            .max(h.chars().count());
        ws.set_column_width(c, (widest as f64 + 2.0).clamp(8.0, 50.0))?;
        ws.set_column_format(c, &text)?;
    }
    for (r, cells) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string_with_format(r, c as u16, v, &text)?;
            }
        }
    }
    ws.autofilter(
        0,
        0,
        rows.len() as u32,
        headers.len().saturating_sub(1) as u16,
    )?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The activities and plans as a workbook; "Försenad" says `ja` for activities late on `today`
/// (written for the reader, ignored when read).
pub fn write_xlsx(
    activities: &[Activity],
    plans: &[LocalPlan],
    today: Date,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("Aktiviteter och lokala planer")
            .set_comment("Skapad av Nära; läs in med nara activities import"),
    );
    let rows: Vec<Vec<String>> = activities.iter().map(|a| activity_row(a, today)).collect();
    sheet(&mut wb, SHEET, &HEADERS, &rows)?;
    let rows: Vec<Vec<String>> = plans.iter().map(plan_row).collect();
    sheet(&mut wb, PLANS_SHEET, &PLAN_HEADERS, &rows)?;
    wb.save_to_buffer()
}

/// The limits a workbook of activities is read with: the caller's for the file and its parts,
/// the area and the cells of a long table.
fn table_limits(limits: &Limits) -> Limits {
    Limits {
        max_rows: u32::try_from(MAX_ROWS + 1).unwrap_or(u32::MAX),
        // Every column: what the reader skips is only rows below the last.
        max_cols: u32::MAX,
        max_cells: limits.max_cells.max(HEADERS.len() * MAX_ROWS),
        ..limits.clone()
    }
}

/// A problem in a sheet, at a cell (the row's first when no column is known).
fn in_sheet(sheet: &str, row: u32, col: Option<(usize, &str)>, message: String) -> Problem {
    let c = col.map_or(0, |(c, _)| u32::try_from(c).unwrap_or(u32::MAX));
    Problem {
        sheet: Some(sheet.to_string()),
        cell: Some(a1(row, c)),
        message,
    }
}

/// A sheet as a [`Grid`]: its first non-empty row holds the headers.
fn grid(sheet: &Sheet) -> Grid {
    let Some((&(top, _), _)) = sheet.cells.first_key_value() else {
        return Grid::default();
    };
    let mut g = Grid {
        top,
        ..Grid::default()
    };
    for (&(row, col), text) in &sheet.cells {
        let col = col as usize;
        let target = if row == top {
            &mut g.headers
        } else {
            if g.rows.last().is_none_or(|(r, _)| *r != row) {
                g.rows.push((row, Vec::new()));
            }
            match g.rows.last_mut() {
                Some((_, cells)) => cells,
                None => continue,
            }
        };
        if target.len() <= col {
            target.resize(col + 1, String::new());
        }
        target[col] = if row == top {
            text.trim().to_lowercase()
        } else {
            text.trim().to_string()
        };
    }
    g
}

/// Reads the activities and plans of a workbook written by [`write_xlsx`] (xlsx or ods; either
/// sheet may be left out). Rows without an id get one from `new_id` (called with `'A'` or
/// `'P'`). Every problem names the sheet and the cell; a file with any problem yields nothing.
pub fn read_xlsx(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
    mut new_id: impl FnMut(char) -> RecordId,
) -> Result<(Vec<LocalPlan>, Vec<Activity>), Vec<Problem>> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(vec![too_large(limits)]);
    }
    let limits = table_limits(limits);
    let refused = |e: crate::Error| vec![Problem::from(e)];
    let checked = guard::check_keeping(bytes, &limits).map_err(refused)?;
    let mut book = Book::open_checked(file_name, bytes, checked, &limits).map_err(refused)?;
    let names = book.sheet_names();
    let find = |wanted: &str| names.iter().find(|n| n.trim().eq_ignore_ascii_case(wanted));
    if find(SHEET).is_none() && find(PLANS_SHEET).is_none() {
        return Err(vec![Problem {
            sheet: None,
            cell: None,
            message: format!(
                "Filen har ingen flik {SHEET} eller {PLANS_SHEET}. Utgå från en fil som nara activities export skriver."
            ),
        }]);
    }
    let mut problems = Vec::new();
    let mut read = |wanted: &str| -> Result<Option<Grid>, Vec<Problem>> {
        let Some(name) = find(wanted) else {
            return Ok(None);
        };
        let (sheet, skipped) = book.read(name, &limits).map_err(refused)?;
        if skipped > 0 {
            return Err(vec![in_sheet(
                name,
                u32::try_from(MAX_ROWS + 1).unwrap_or(u32::MAX),
                None,
                format!("Fliken har fler än {MAX_ROWS} rader; dela upp den på flera filer."),
            )]);
        }
        Ok(Some(grid(&sheet)).filter(|g| !g.headers.is_empty()))
    };
    let plan_grid = read(PLANS_SHEET)?;
    let activity_grid = read(SHEET)?;
    let mut plans = Vec::new();
    if let Some(g) = plan_grid {
        let place: super::Place = &|row, col, m| in_sheet(PLANS_SHEET, row, col, m);
        match read_plan_grid(&g, place, &mut || new_id('P')) {
            Ok(p) => plans = p,
            Err(p) => problems.extend(p),
        }
    }
    let mut activities = Vec::new();
    if let Some(g) = activity_grid {
        let place: super::Place = &|row, col, m| in_sheet(SHEET, row, col, m);
        match read_grid(&g, place, &mut || new_id('A')) {
            Ok(a) => activities = a,
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok((plans, activities))
    } else {
        Err(problems)
    }
}
