//! The sheet Nyckeltal of the county summary and of the organisation report: the indicators that
//! follow each delmål, laid out from core's tables (the county: organisations × the indicators of
//! a delmål) and cards (an organisation: a row per indicator with its series). A value is a
//! number cell formatted by its unit (the unit stands in the header); a missing value is an
//! empty cell beside the word "saknas", a value from too few cases an empty cell beside "färre
//! än N fall" — never 0. Which indicators are shown was decided by the caller (`public_only`).

use std::collections::{BTreeMap, BTreeSet};

use nara_core::indicator::view::{
    self, Card, Cell, Movement, Provenance, Shown, Table, UNCHANGED_POINTS, UNCHANGED_RELATIVE,
};
use nara_core::indicator::{Indicator, Unit};
use nara_core::report::{OrgReport, RoundReport};
use nara_core::{AreaId, Instrument, OrgKind, fmt};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::style::{Styles, heading_with, print_setup};

/// The sheet's name in both workbooks.
const SHEET: &str = "Nyckeltal";

/// The source `nara demo` stores its made-up values under (nara-app's `DEMO_SOURCE`): values
/// from it are marked [`DEMO_NOTE`].
pub const DEMO_SOURCE: &str = "demo (påhittade värden)";

/// The note at the top of the sheet when the values are the demo's made-up ones.
pub const DEMO_NOTE: &str = "Påhittade demovärden: talen på det här bladet är gjorda för att visa Nära och kommer inte från Kolada eller regionens uppföljning.";

/// The note at the top of the sheet when no value of its indicators is fetched.
pub const NO_VALUES: &str = "Inga nyckeltal är hämtade än.";

/// Beside an empty value cell: no value for the year.
const MISSING: &str = "saknas";

/// Beside an empty value cell in a kommun's row: the indicator is measured for the region only.
const REGION_ONLY: &str = "mäts för regionen";

/// The note under the title (instead of the self-assessment's).
const NOTE: &str = "Nyckeltalen är statistik ur Kolada och regionens egen uppföljning, inte självskattningar. Ett litet antal fall kan svänga mycket från år till år: läs dem tillsammans med självskattningen.";

/// Width (characters) of a county block's value and change columns.
const VALUE_WIDTH: f64 = 26.0;
const CHANGE_WIDTH: f64 = 22.0;

/// Widths of the organisation sheet's columns before the years: delmål, id, title, unit,
/// direction, year, value, county, country, change.
const ORG_WIDTHS: [f64; 10] = [20.0, 10.0, 46.0, 8.0, 24.0, 7.0, 9.0, 10.0, 10.0, 28.0];
/// Width of a year's column and of the source's.
const YEAR_WIDTH: f64 = 8.0;
const SOURCE_WIDTH: f64 = 60.0;

/// The formats of the sheet beyond the shared ones.
struct Formats {
    /// Shares, rates per 100 000: one decimal.
    one_decimal: Format,
    /// Whole counts and kronor: thousands grouped, no decimals.
    whole: Format,
    /// A year.
    year: Format,
    /// "saknas", "färre än N fall", "mäts för regionen".
    quiet: Format,
    /// A delmål's heading above its block.
    block: Format,
    /// An empty cell with a border.
    blank: Format,
}

impl Formats {
    fn new() -> Self {
        let border = FormatBorder::Thin;
        Self {
            one_decimal: Format::new().set_num_format("0.0").set_border(border),
            whole: Format::new().set_num_format("#,##0").set_border(border),
            year: Format::new().set_num_format("0").set_border(border),
            quiet: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x004a_5560))
                .set_border(border),
            block: Format::new().set_bold().set_font_size(12),
            blank: Format::new().set_border(border),
        }
    }

    /// The number format of a value of `unit` (a count with decimals keeps one).
    fn value(&self, unit: Unit, v: f64) -> &Format {
        match unit {
            Unit::Andel | Unit::Per100000 => &self.one_decimal,
            Unit::Antal if v.fract() != 0.0 => &self.one_decimal,
            Unit::Antal | Unit::KrPerInv => &self.whole,
        }
    }
}

/// The unit in a column header ("%", "per 100 000 invånare").
pub(super) fn unit_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::Andel => "%",
        other => other.label(),
    }
}

/// "färre än 10 fall" (the count itself is not shown).
fn hidden_text(min: u32) -> String {
    format!("färre än {min} fall")
}

/// "↗ positiv sedan 2023".
fn movement_text(m: &Movement) -> String {
    format!(
        "{} {} sedan {}",
        m.arrow.symbol(),
        m.judgement.label(),
        m.from_year
    )
}

/// Whether values came from the demo.
fn is_demo(p: Option<&Provenance>) -> bool {
    p.is_some_and(|p| p.source == DEMO_SOURCE)
}

/// The caption of an indicator with its note and where its values came from: "Källa: Kolada
/// (U21468), 2019–2025. Urvalsundersökning. Hämtad 2026-11-02."
fn source_text(ind: &Indicator, caption: &str, p: Option<&Provenance>) -> String {
    let mut out = caption.to_string();
    if let Some(note) = &ind.note {
        out.push(' ');
        out.push_str(note);
    }
    match p {
        Some(_) if is_demo(p) => out.push_str(" Påhittade demovärden."),
        Some(p) if p.source == "kolada" => {
            out.push_str(&format!(
                " Hämtad {}.",
                nara_core::fmt::local_day(p.fetched_at)
            ));
        }
        Some(p) => out.push_str(&format!(
            " Inläst från {} {}.",
            p.source,
            nara_core::fmt::local_day(p.fetched_at)
        )),
        None => {}
    }
    out
}

/// How the arrows, the threshold and the empty cells are read: one line each.
fn explanations(county: bool) -> Vec<String> {
    let mut lines = vec![
        "Pilen jämför med närmast föregående år med värde: ↗ upp, → oförändrad, ↘ ned. Ordet efter pilen bedömer förändringen efter nyckeltalets riktning (högre eller lägre är bättre); ett neutralt nyckeltal (en volym) bedöms inte.".to_string(),
        format!(
            "Oförändrad: en andel som ändrats mindre än {} procentenhet, andra tal mindre än {} %.",
            fmt::decimal(UNCHANGED_POINTS, 0),
            fmt::decimal(UNCHANGED_RELATIVE * 100.0, 0)
        ),
        format!(
            "En tom värdecell med ”{MISSING}” betyder att värdet saknas för året (det är aldrig noll); ”färre än N fall” att värdet bygger på för få fall och därför inte visas."
        ),
    ];
    if county {
        lines.push(format!(
            "”{REGION_ONLY}”: nyckeltalet finns bara för regionen, inte för varje kommun; regionens rad visar länets värde."
        ));
    }
    lines
}

/// The title, the round's status, the notes (nothing fetched, demo values, how to read the
/// sheet). Returns the next free row.
fn top(
    ws: &mut Worksheet,
    st: &Styles,
    title: &str,
    rep: &RoundReport,
    no_values: bool,
    demo: bool,
    county: bool,
) -> Result<u32, XlsxError> {
    let mut row = heading_with(ws, st, title, rep, NOTE)?;
    if no_values {
        ws.write_string_with_format(row, 0, NO_VALUES, &st.prelim)?;
        row += 1;
    }
    if demo {
        ws.write_string_with_format(row, 0, DEMO_NOTE, &st.prelim)?;
        row += 1;
    }
    for line in explanations(county) {
        ws.write_string_with_format(row, 0, line, &st.note)?;
        row += 1;
    }
    Ok(row + 1)
}

/// A row height (points) that shows `texts` wrapped in columns of the given widths (rows do not
/// grow by themselves in every spreadsheet program).
pub(super) fn row_height(texts: &[(String, f64)]) -> f64 {
    let lines = (texts.iter())
        .map(|(t, w)| {
            t.chars()
                .count()
                .div_ceil((*w as usize).saturating_sub(2).max(1))
        })
        .max()
        .unwrap_or(1)
        .clamp(1, 8);
    15.0 * lines as f64
}

/// The value and its change in two cells: a number and "↗ positiv sedan 2023", or an empty
/// cell and why.
fn value_pair(
    ws: &mut Worksheet,
    st: &Styles,
    f: &Formats,
    row: u32,
    col: u16,
    unit: Unit,
    cell: &Cell,
) -> Result<(), XlsxError> {
    match cell.shown {
        Shown::Value { value } => {
            ws.write_number_with_format(row, col, value, f.value(unit, value))?;
            match cell.movement {
                Some(m) => {
                    ws.write_string_with_format(row, col + 1, movement_text(&m), &st.text)?
                }
                None => ws.write_blank(row, col + 1, &f.blank)?,
            };
        }
        Shown::Missing => {
            ws.write_blank(row, col, &f.blank)?;
            ws.write_string_with_format(row, col + 1, MISSING, &f.quiet)?;
        }
        Shown::Hidden { min, .. } => {
            ws.write_blank(row, col, &f.blank)?;
            ws.write_string_with_format(row, col + 1, hidden_text(min), &f.quiet)?;
        }
    }
    Ok(())
}

/// "D1 Nära för mig" (the id alone when the instrument has no such delmål).
fn area_title(inst: &Instrument, area: &AreaId) -> String {
    (inst.areas().iter())
        .find(|a| &a.id == area)
        .map_or_else(|| area.to_string(), |a| format!("{} {}", a.id, a.name))
}

/// One delmål's block of the county sheet from `row`: its heading, the header, a row per
/// kommun (left out when none of its indicators is measured for kommuner), the region and the
/// country, and a line per indicator under it. Returns the next free row.
fn county_block(
    ws: &mut Worksheet,
    st: &Styles,
    f: &Formats,
    inst: &Instrument,
    t: &Table,
    sources: &BTreeMap<String, Provenance>,
    row: u32,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, area_title(inst, &t.area), &f.block)?;
    let hr = row + 1;
    ws.write_string_with_format(hr, 0, "Organisation", &st.header)?;
    let mut heads = Vec::new();
    for (i, col) in t.columns.iter().enumerate() {
        let c = 1 + 2 * i as u16;
        let ind = &col.indicator;
        let year = col
            .year
            .map_or_else(|| "inget år med värde".to_string(), |y| y.to_string());
        let head = format!(
            "{} ({}), {year}, {}",
            ind.title,
            ind.id,
            unit_suffix(ind.unit)
        );
        ws.write_string_with_format(hr, c, &head, &st.header)?;
        let change = format!("{} förändring", ind.id);
        ws.write_string_with_format(hr, c + 1, &change, &st.header)?;
        heads.push((head, VALUE_WIDTH));
        heads.push((change, CHANGE_WIDTH));
    }
    ws.set_row_height(hr, row_height(&heads))?;
    let for_kommuner =
        (t.columns.iter()).any(|c| view::applies(c.indicator.level, OrgKind::Kommun));
    let mut r = hr + 1;
    for tr in &t.rows {
        let kommun = tr.code.as_ref().is_some_and(|c| !c.is_region());
        if kommun && !for_kommuner {
            continue;
        }
        ws.write_string_with_format(r, 0, &tr.name, if kommun { &st.text } else { &st.bold })?;
        for (i, (cell, col)) in tr.cells.iter().zip(&t.columns).enumerate() {
            let c = 1 + 2 * i as u16;
            match cell {
                Some(cell) => {
                    value_pair(ws, st, f, r, c, col.indicator.unit, cell)?;
                }
                None => {
                    let why = if col.year.is_none() {
                        MISSING
                    } else {
                        REGION_ONLY
                    };
                    ws.write_blank(r, c, &f.blank)?;
                    ws.write_string_with_format(r, c + 1, why, &f.quiet)?;
                }
            }
        }
        r += 1;
    }
    for col in &t.columns {
        let ind = &col.indicator;
        let line = format!(
            "{} {}: {}; {}. {}",
            ind.id,
            ind.title,
            ind.direction.label(),
            ind.unit.label(),
            source_text(ind, &col.caption, sources.get(&ind.id))
        );
        ws.write_string_with_format(r, 0, line, &st.note)?;
        r += 1;
    }
    Ok(r + 1)
}

/// The county summary's sheet Nyckeltal: a block per delmål (see [`county_block`]).
pub(super) fn county_sheet(
    wb: &mut Workbook,
    st: &Styles,
    inst: &Instrument,
    rep: &RoundReport,
    tables: &[Table],
    sources: &BTreeMap<String, Provenance>,
) -> Result<(), XlsxError> {
    let f = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let tables: Vec<&Table> = tables.iter().filter(|t| !t.columns.is_empty()).collect();
    let no_values = sources.is_empty() || tables.is_empty();
    let demo = (tables.iter())
        .flat_map(|t| &t.columns)
        .any(|c| is_demo(sources.get(&c.indicator.id)));
    let mut row = top(
        ws,
        st,
        "Nyckeltal per delmål – kommunerna, regionen och riket",
        rep,
        no_values,
        demo,
        true,
    )?;
    let mut breaks = Vec::new();
    for (k, t) in tables.iter().enumerate() {
        if k > 0 {
            breaks.push(row);
        }
        row = county_block(ws, st, &f, inst, t, sources, row)?;
    }
    let widest = tables.iter().map(|t| t.columns.len()).max().unwrap_or(0) as u16;
    ws.set_column_width(0, 28)?;
    for i in 0..widest {
        ws.set_column_width(1 + 2 * i, VALUE_WIDTH)?;
        ws.set_column_width(2 + 2 * i, CHANGE_WIDTH)?;
    }
    // The blocks have a header each: only the organisations' column stays in view.
    ws.set_freeze_panes(0, 1)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer(super::style::PAGE_FOOTER);
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    Ok(())
}

/// The organisation report's sheet Nyckeltal: a row per indicator, grouped by delmål, with the
/// newest value beside the county's and the country's the same year, the change, the series
/// over the years and the source.
pub(super) fn org_sheet(
    wb: &mut Workbook,
    st: &Styles,
    rep: &RoundReport,
    o: &OrgReport,
    areas: &[(AreaId, String, Vec<Card>)],
) -> Result<(), XlsxError> {
    let f = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let cards = || {
        areas
            .iter()
            .flat_map(|(a, n, cs)| cs.iter().map(move |c| (a, n, c)))
    };
    let no_values = cards().all(|(_, _, c)| c.provenance.is_none());
    let demo = cards().any(|(_, _, c)| is_demo(c.provenance.as_ref()));
    let hr = top(
        ws,
        st,
        &format!(
            "{} – nyckeltal per delmål",
            nara_core::org::with_code(&o.name, &o.code)
        ),
        rep,
        no_values,
        demo,
        false,
    )?;
    let years: BTreeSet<u16> = cards()
        .flat_map(|(_, _, c)| c.own.points.iter().map(|p| p.year))
        .collect();
    let mut heads: Vec<String> = [
        "Delmål",
        "Id",
        "Nyckeltal",
        "Enhet",
        "Riktning",
        "År",
        "Värde",
        "Länet (samma år)",
        "Riket (samma år)",
        "Förändring",
    ]
    .map(String::from)
    .to_vec();
    heads.extend(years.iter().map(u16::to_string));
    heads.push("Källa".into());
    let first_year = ORG_WIDTHS.len() as u16;
    let source_col = first_year + years.len() as u16;
    let width = |c: u16| match ORG_WIDTHS.get(usize::from(c)) {
        Some(w) => *w,
        None if c == source_col => SOURCE_WIDTH,
        None => YEAR_WIDTH,
    };
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(hr, c as u16, h, &st.header)?;
    }
    let texts: Vec<(String, f64)> = (heads.iter().enumerate())
        .map(|(c, h)| (h.clone(), width(c as u16)))
        .collect();
    ws.set_row_height(hr, row_height(&texts))?;
    let mut row = hr + 1;
    for (area, name, card) in cards() {
        let ind = &card.indicator;
        ws.write_string_with_format(row, 0, format!("{area} {name}"), &st.wrap)?;
        ws.write_string_with_format(row, 1, &ind.id, &st.text)?;
        ws.write_string_with_format(row, 2, &ind.title, &st.wrap)?;
        ws.write_string_with_format(row, 3, unit_suffix(ind.unit), &st.text)?;
        ws.write_string_with_format(row, 4, ind.direction.label(), &st.text)?;
        let year = (card.latest.map(|l| l.0))
            .or(card.hidden.map(|h| h.0))
            .or_else(|| card.own.newest_year());
        match year {
            Some(y) => ws.write_number_with_format(row, 5, f64::from(y), &f.year)?,
            None => ws.write_blank(row, 5, &f.blank)?,
        };
        let number = |ws: &mut Worksheet, col: u16, v: Option<f64>| -> Result<(), XlsxError> {
            match v {
                Some(v) => ws.write_number_with_format(row, col, v, f.value(ind.unit, v))?,
                None => ws.write_blank(row, col, &f.blank)?,
            };
            Ok(())
        };
        number(ws, 6, card.latest.map(|l| l.1))?;
        // The county's and the country's the same year: a number, or why not.
        for (col, series) in [(7, card.county.as_ref()), (8, Some(&card.country))] {
            let shown = card.latest.zip(series).map(|((y, _), s)| s.at(y));
            match shown {
                Some(Shown::Hidden { min, .. }) => {
                    ws.write_string_with_format(row, col, hidden_text(min), &f.quiet)?;
                }
                _ => number(ws, col, shown.and_then(Shown::value))?,
            }
        }
        let hidden = card.hidden.map(|(y, _, min)| (y, hidden_text(min)));
        match (card.latest, hidden) {
            (None, Some((_, h))) => ws.write_string_with_format(row, 9, h, &f.quiet)?,
            (None, None) => ws.write_string_with_format(row, 9, MISSING, &f.quiet)?,
            (Some(_), h) => {
                let mut text = card.movement.map(|m| movement_text(&m)).unwrap_or_default();
                if let Some((y, h)) = h {
                    if !text.is_empty() {
                        text.push_str("; ");
                    }
                    text.push_str(&format!("{y}: {h}"));
                }
                ws.write_string_with_format(row, 9, text, &st.text)?
            }
        };
        for (k, y) in years.iter().enumerate() {
            let col = first_year + k as u16;
            match card.own.at(*y) {
                Shown::Value { value } => {
                    ws.write_number_with_format(row, col, value, f.value(ind.unit, value))?
                }
                Shown::Hidden { min, .. } => {
                    ws.write_string_with_format(row, col, hidden_text(min), &f.quiet)?
                }
                Shown::Missing => ws.write_blank(row, col, &f.blank)?,
            };
        }
        let source = source_text(ind, &card.caption, card.provenance.as_ref());
        ws.set_row_height(
            row,
            row_height(&[
                (format!("{area} {name}"), width(0)),
                (ind.title.clone(), width(2)),
                (source.clone(), SOURCE_WIDTH),
            ]),
        )?;
        ws.write_string_with_format(row, source_col, source, &st.wrap)?;
        row += 1;
    }
    if row > hr + 1 {
        ws.autofilter(hr, 0, row - 1, source_col)?;
    }
    for c in 0..=source_col {
        ws.set_column_width(c, width(c))?;
    }
    ws.set_freeze_panes(hr + 1, 3)?;
    print_setup(ws, true, hr)?;
    Ok(())
}

#[cfg(test)]
#[path = "nyckeltal_tests.rs"]
mod tests;
