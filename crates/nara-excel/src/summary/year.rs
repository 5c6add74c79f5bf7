//! The årsrapport's appendix workbook: the sheet Översikt (the year's numbers per delmål, the
//! coordinator's summary and a row per organisation) and the long data of all three methods, one
//! row per value for pivot tables (in [`long`]): Nyckeltal, Självskattning, Svarsfördelning,
//! Aktiviteter and Om statistiken. Every number comes from core's [`YearReport`] as it is and is
//! written as a number cell with a format; what is missing is an empty cell, never 0. Text that
//! people wrote is always written as a string, never as a formula.

use nara_core::yearly::{Chapter, Profile, Texts, YearReport};
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::nyckeltal::row_height;
use super::style::print_setup;
use crate::Error;

mod long;

/// The first sheet.
const OVERVIEW: &str = "Översikt";

/// The columns of the table per delmål: header and width. The other tables of Översikt share
/// these columns.
const CHAPTER_COLUMNS: [(&str, f64); 13] = [
    ("Delmål", 24.0),
    ("Namn", 30.0),
    ("Nyckeltal ↗", 11.0),
    ("Nyckeltal →", 11.0),
    ("Nyckeltal ↘", 11.0),
    ("Nyckeltal ej bedömda", 11.0),
    ("Självskattning medelvärde", 13.0),
    ("Självskattning median", 13.0),
    ("Självskattning förändring", 13.0),
    ("Aktiviteter planerade", 11.0),
    ("Aktiviteter pågår", 11.0),
    ("Aktiviteter klara", 11.0),
    ("Aktiviteter försenade", 11.0),
];

/// The table per organisation: header, first and last column (the plan spans several).
const PROFILE_COLUMNS: [(&str, u16, u16); 6] = [
    ("Organisation", 0, 0),
    ("Kod", 1, 1),
    ("Besvarat självskattningen", 2, 2),
    ("Index", 3, 3),
    ("Lokal plan", 4, 9),
    ("Systemledning", 10, 12),
];

/// The formats of the workbook.
struct Looks {
    title: Format,
    note: Format,
    heading: Format,
    header: Format,
    text: Format,
    wrap: Format,
    /// A self-assessment mean: two decimals.
    two: Format,
    /// A change of a mean: two decimals with a sign.
    signed: Format,
    /// An indicator's value: one decimal.
    one: Format,
    /// A count or a year.
    int: Format,
}

fn looks() -> Looks {
    let border = FormatBorder::Thin;
    Looks {
        title: Format::new().set_bold().set_font_size(14),
        note: Format::new()
            .set_italic()
            .set_font_color(Color::RGB(0x004a_5560)),
        heading: Format::new().set_bold().set_font_size(12),
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(Color::RGB(0x00e8_ecf0))
            .set_border(border)
            .set_align(FormatAlign::Top),
        text: Format::new().set_border(border),
        wrap: Format::new()
            .set_text_wrap()
            .set_border(border)
            .set_align(FormatAlign::Top),
        two: Format::new().set_num_format("0.00").set_border(border),
        signed: Format::new()
            .set_num_format("+0.00;-0.00;0.00")
            .set_border(border),
        one: Format::new().set_num_format("0.0").set_border(border),
        int: Format::new().set_num_format("0").set_border(border),
    }
}

/// The årsrapport's appendix: the overview and the long data of all three methods.
pub fn year_workbook(report: &YearReport, texts: &Texts, made: &str) -> Result<Vec<u8>, Error> {
    Ok(workbook(report, texts, made)?)
}

fn workbook(report: &YearReport, texts: &Texts, made: &str) -> Result<Vec<u8>, XlsxError> {
    let lk = looks();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(title(report))
            .set_comment("Skapad av Nära"),
    );
    overview(wb.add_worksheet(), &lk, report, texts, made)?;
    long::indicators(wb.add_worksheet(), &lk, report)?;
    long::assessment(wb.add_worksheet(), &lk, report)?;
    long::levels(wb.add_worksheet(), &lk, report)?;
    long::activities(wb.add_worksheet(), &lk, report, texts)?;
    long::notes(wb.add_worksheet(), &lk, report)?;
    wb.save_to_buffer()
}

fn title(report: &YearReport) -> String {
    format!(
        "Årsrapport {} – God och nära vård i {}",
        report.year, report.county
    )
}

/// The line on the year's self-assessment round.
fn round_line(report: &YearReport) -> String {
    match (report.round, report.previous_round) {
        (Some(r), Some(p)) => format!("Självskattning: omgång {r}, jämförd med {p}"),
        (Some(r), None) => format!("Självskattning: omgång {r}"),
        (None, _) => "Ingen omgång detta år".to_string(),
    }
}

/// Landscape A4, one page wide, the row `header_row` repeated on every page and the page
/// number in the footer.
fn page(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    print_setup(ws, true, header_row)?;
    ws.set_footer("&CSida &P av &N");
    Ok(())
}

/// A number, or an empty cell (with the format's border) when it is missing.
fn number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    match v {
        Some(x) => ws.write_number_with_format(row, col, x, format)?,
        None => ws.write_blank(row, col, format)?,
    };
    Ok(())
}

/// A count as a number cell.
fn count(ws: &mut Worksheet, row: u32, col: u16, n: usize, lk: &Looks) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, col, n as f64, &lk.int)?;
    Ok(())
}

/// A header row at `row` with its columns' widths, frozen and filtered over `last_row`, for a
/// long table that starts at the top of the sheet.
fn long_table(
    ws: &mut Worksheet,
    lk: &Looks,
    name: &str,
    columns: &[(&str, f64)],
    last_row: u32,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    for (c, (h, w)) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &lk.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let last_col = columns.len().saturating_sub(1) as u16;
    ws.autofilter(0, 0, last_row.max(1), last_col)?;
    ws.set_freeze_panes(1, 0)?;
    page(ws, 0)
}

fn overview(
    ws: &mut Worksheet,
    lk: &Looks,
    report: &YearReport,
    texts: &Texts,
    made: &str,
) -> Result<(), XlsxError> {
    ws.set_name(OVERVIEW)?;
    for (c, (_, w)) in CHAPTER_COLUMNS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.write_string_with_format(0, 0, title(report), &lk.title)?;
    ws.write_string_with_format(1, 0, made, &lk.note)?;
    ws.write_string(2, 0, round_line(report))?;
    ws.write_string(3, 0, "Länets index")?;
    number(ws, 3, 1, report.county_index, &lk.two)?;
    let mut row = chapter_table(ws, lk, report, 5)?;
    row = summary(ws, lk, texts, row + 1)?;
    profile_table(ws, lk, report, row + 1)?;
    page(ws, 0)
}

fn chapter_table(
    ws: &mut Worksheet,
    lk: &Looks,
    report: &YearReport,
    top: u32,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(top, 0, "Per delmål", &lk.heading)?;
    for (c, (h, _)) in CHAPTER_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(top + 1, c as u16, *h, &lk.header)?;
    }
    let mut row = top + 2;
    for ch in &report.chapters {
        chapter_row(ws, lk, ch, row)?;
        row += 1;
    }
    Ok(row)
}

fn chapter_row(ws: &mut Worksheet, lk: &Looks, ch: &Chapter, row: u32) -> Result<(), XlsxError> {
    let (a, n) = (&ch.assessment, &ch.activity_counts);
    ws.write_string_with_format(row, 0, ch.id.as_str(), &lk.text)?;
    ws.write_string_with_format(row, 1, &ch.name, &lk.text)?;
    let arrows = [
        ch.arrows.positive,
        ch.arrows.unchanged,
        ch.arrows.negative,
        ch.arrows.not_judged,
    ];
    for (i, x) in arrows.into_iter().enumerate() {
        count(ws, row, 2 + i as u16, x, lk)?;
    }
    number(ws, row, 6, a.mean, &lk.two)?;
    number(ws, row, 7, a.median, &lk.two)?;
    number(ws, row, 8, a.change, &lk.signed)?;
    for (i, x) in [n.planned, n.ongoing, n.done, n.late]
        .into_iter()
        .enumerate()
    {
        count(ws, row, 9 + i as u16, x, lk)?;
    }
    Ok(())
}

/// The width of Översikt's columns `from..=to`.
fn span_width(from: u16, to: u16) -> f64 {
    (CHAPTER_COLUMNS.iter())
        .skip(from as usize)
        .take(usize::from(to.saturating_sub(from)) + 1)
        .map(|c| c.1)
        .sum()
}

/// The heading "Sammanfattning" and one row per bullet across the table's width.
fn summary(ws: &mut Worksheet, lk: &Looks, texts: &Texts, top: u32) -> Result<u32, XlsxError> {
    ws.write_string_with_format(top, 0, "Sammanfattning", &lk.heading)?;
    let last = CHAPTER_COLUMNS.len() as u16 - 1;
    let width = span_width(0, last);
    let mut row = top + 1;
    if texts.summary.is_empty() {
        ws.write_string_with_format(row, 0, "Ingen sammanfattning är skriven.", &lk.note)?;
        return Ok(row + 1);
    }
    for bullet in &texts.summary {
        ws.merge_range(row, 0, row, last, bullet, &lk.wrap)?;
        ws.set_row_height(row, row_height(&[(bullet.clone(), width)]))?;
        row += 1;
    }
    Ok(row)
}

/// The plan in words, as the web page writes it.
fn plan_words(p: &Profile) -> String {
    match (&p.plan, p.party_to) {
        (Some((name, status, _)), _) => format!("{name} ({status})"),
        (None, 0) => "Ingen lokal plan registrerad".into(),
        (None, 1) => "Part i en kommuns lokala plan".into(),
        (None, n) => format!("Part i {n} kommuners lokala planer"),
    }
}

/// A text over Översikt's columns `from..=to` (merged when it spans more than one).
fn spanned(
    ws: &mut Worksheet,
    row: u32,
    (from, to): (u16, u16),
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if from == to {
        ws.write_string_with_format(row, from, text, format)?;
    } else {
        ws.merge_range(row, from, row, to, text, format)?;
    }
    Ok(())
}

fn profile_table(
    ws: &mut Worksheet,
    lk: &Looks,
    report: &YearReport,
    top: u32,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(top, 0, "Per organisation", &lk.heading)?;
    for (h, from, to) in PROFILE_COLUMNS {
        spanned(ws, top + 1, (from, to), h, &lk.header)?;
    }
    let mut row = top + 2;
    for p in &report.profiles {
        let [name, code, answered, index, plan, leadership] = PROFILE_COLUMNS.map(|c| (c.1, c.2));
        spanned(ws, row, name, &p.name, &lk.text)?;
        spanned(ws, row, code, p.code.as_str(), &lk.text)?;
        let yes = if p.answered { "ja" } else { "nej" };
        spanned(ws, row, answered, yes, &lk.text)?;
        number(ws, row, index.0, p.index, &lk.two)?;
        spanned(ws, row, plan, &plan_words(p), &lk.text)?;
        let sl = p.plan.as_ref().map_or("–", |x| x.2.as_str());
        spanned(ws, row, leadership, sl, &lk.text)?;
        row += 1;
    }
    Ok(row)
}
