//! The styles and cell helpers that the summary's and the report's sheets share: formats,
//! the heading of every sheet, print setup, score cells and band colours.

use nara_core::fmt::TOO_FEW;
use nara_core::report::RoundReport;
use nara_core::scoring::Change;
use nara_core::{Instrument, fmt};
use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, Format, FormatAlign, FormatBorder,
    Worksheet, XlsxError,
};

/// The note under every sheet's title.
pub(super) const NOTE: &str = "Små skillnader mellan organisationer säger lite: talen bygger på självskattningar av ett fåtal personer. Läs dem tillsammans med kommentarerna.";

/// A band: from, to (exclusive), its fill, its label, its range in words.
pub(super) type BandStyle = (Option<f64>, Option<f64>, Format, String, String);

/// Picks one statistic.
pub(super) type StatOf = fn(&nara_core::scoring::Stats) -> f64;

/// A line of the trend table: name, code, what, one value per round (`None`: not answered;
/// `Some(None)`: too few answers).
pub(super) type TrendLine = (String, String, String, Vec<Option<Option<f64>>>);

pub(super) struct Styles {
    pub(super) title: Format,
    pub(super) prelim: Format,
    pub(super) note: Format,
    pub(super) header: Format,
    pub(super) text: Format,
    pub(super) wrap: Format,
    pub(super) num: Format,
    pub(super) int: Format,
    pub(super) missing: Format,
    pub(super) bold: Format,
    pub(super) bands: Vec<BandStyle>,
}

/// A light tint of a `#rrggbb` colour (mixed with white), so black text on it keeps its
/// contrast.
pub(super) fn tint(hex: &str, keep: f64) -> u32 {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0x00cc_cccc);
    let mix = |c: u32| -> u32 { (f64::from(c) * keep + 255.0 * (1.0 - keep)).round() as u32 };
    (mix((v >> 16) & 0xff) << 16) | (mix((v >> 8) & 0xff) << 8) | mix(v & 0xff)
}

pub(super) fn styles(inst: &Instrument) -> Styles {
    let border = FormatBorder::Thin;
    Styles {
        title: Format::new().set_bold().set_font_size(14),
        prelim: Format::new()
            .set_bold()
            .set_font_color(Color::RGB(0x007a_1d12))
            .set_background_color(Color::RGB(0x00ff_f4d6)),
        note: Format::new()
            .set_italic()
            .set_font_color(Color::RGB(0x004a_5560)),
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
        num: Format::new().set_num_format("0.00").set_border(border),
        int: Format::new().set_num_format("0").set_border(border),
        missing: Format::new()
            .set_italic()
            .set_font_color(Color::RGB(0x004a_5560))
            .set_align(FormatAlign::Right)
            .set_border(border),
        bold: Format::new().set_bold().set_border(border),
        bands: inst
            .band_ranges()
            .iter()
            .map(|r| {
                (
                    // The first band's rule stays open below: it takes any lower number too.
                    r.band.from,
                    r.to,
                    Format::new().set_background_color(Color::RGB(tint(&r.band.color, 0.35))),
                    r.band.label.clone(),
                    r.words(),
                )
            })
            .collect(),
    }
}

/// Title, the preliminary marking (or the status) and the note: rows 0–2. Returns the next
/// free row.
pub(super) fn heading(
    ws: &mut Worksheet,
    st: &Styles,
    title: &str,
    report: &RoundReport,
) -> Result<u32, XlsxError> {
    heading_with(ws, st, title, report, NOTE)
}

/// [`heading`] with another note under the title (a sheet that is not about the
/// self-assessment).
pub(super) fn heading_with(
    ws: &mut Worksheet,
    st: &Styles,
    title: &str,
    report: &RoundReport,
    note: &str,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(0, 0, title, &st.title)?;
    if let Some(note) = report.preliminary_note() {
        ws.write_string_with_format(1, 0, note, &st.prelim)?;
    } else {
        ws.write_string_with_format(
            1,
            0,
            format!(
                "Omgång {} är {}.",
                report.round.id,
                report.round.status.label()
            ),
            &st.note,
        )?;
    }
    ws.write_string_with_format(2, 0, note, &st.note)?;
    Ok(4)
}

pub(super) fn print_setup(
    ws: &mut Worksheet,
    landscape: bool,
    header_row: u32,
) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_footer(PAGE_FOOTER);
    Ok(())
}

/// Sentences, one a row, each over the columns A and B (`width` characters together) and
/// wrapped, the row as tall as its text; returns the next free row.
pub(super) fn method_rows(
    ws: &mut Worksheet,
    first: u32,
    sentences: &[String],
    width: f64,
) -> Result<u32, XlsxError> {
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut row = first;
    for s in sentences {
        ws.merge_range(row, 0, row, 1, s, &wrap)?;
        fit_row(ws, row, &[(s.as_str(), width)])?;
        row += 1;
    }
    Ok(row)
}

/// The footer of every printed page: the sheet's name and the page number.
pub(super) const PAGE_FOOTER: &str = "&L&A&CSida &P av &N";

/// How many lines `text` takes wrapped at word boundaries in a column `width` characters wide
/// (a little narrower than the width, so that a proportional or bold font fits the estimate);
/// each line break starts a new line.
pub(crate) fn wrapped_lines(text: &str, width: f64) -> usize {
    let room = ((width * 0.9).floor() as usize).max(4);
    text.split('\n')
        .map(|line| {
            let (mut lines, mut used) = (1, 0);
            for word in line.split(' ') {
                let n = word.chars().count();
                if used > 0 && used + 1 + n > room {
                    lines += 1;
                    used = 0;
                }
                used += if used > 0 { 1 + n } else { n };
                // A word longer than the line breaks over several lines.
                while used > room {
                    lines += 1;
                    used -= room;
                }
            }
            lines
        })
        .sum()
}

/// Makes a row tall enough for every cell's text wrapped in its column: `cells` are the texts
/// with their columns' widths (characters). 15 points a line, at least one line.
pub(super) fn fit_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[(&str, f64)],
) -> Result<(), XlsxError> {
    let lines = cells
        .iter()
        .map(|(t, w)| wrapped_lines(t, *w))
        .max()
        .unwrap_or(1)
        .max(1);
    ws.set_row_height(row, 15.0 * lines as f64)?;
    Ok(())
}

/// A score or "för få svar".
pub(super) fn score_cell(
    ws: &mut Worksheet,
    st: &Styles,
    row: u32,
    col: u16,
    v: Option<f64>,
) -> Result<(), XlsxError> {
    match v {
        Some(x) => ws.write_number_with_format(row, col, x, &st.num)?,
        None => ws.write_string_with_format(row, col, TOO_FEW, &st.missing)?,
    };
    Ok(())
}

/// An index cell: the number, or "inget index" where too few areas are scored (the method
/// sentences say why, [`method_sentences`]).
pub(super) fn index_cell(
    ws: &mut Worksheet,
    st: &Styles,
    row: u32,
    col: u16,
    v: Option<f64>,
) -> Result<(), XlsxError> {
    match v {
        Some(x) => ws.write_number_with_format(row, col, x, &st.num)?,
        None => ws.write_string_with_format(row, col, fmt::NO_INDEX, &st.missing)?,
    };
    Ok(())
}

pub(super) fn band_label(inst: &Instrument, v: Option<f64>) -> String {
    v.map(|x| inst.band(x).label.clone()).unwrap_or_default()
}

/// Colours a block of score cells by band (conditional formatting), so a change of the
/// numbers in Excel keeps the colours right.
pub(super) fn band_colours(
    ws: &mut Worksheet,
    st: &Styles,
    r1: u32,
    c1: u16,
    r2: u32,
    c2: u16,
) -> Result<(), XlsxError> {
    if r2 < r1 {
        return Ok(());
    }
    for (from, to, format, _, _) in &st.bands {
        let rule = match (from, to) {
            (Some(f), Some(t)) => ConditionalFormatCellRule::Between(*f, *t - 1e-9),
            (Some(f), None) => ConditionalFormatCellRule::GreaterThanOrEqualTo(*f),
            (None, Some(t)) => ConditionalFormatCellRule::LessThan(*t),
            (None, None) => ConditionalFormatCellRule::GreaterThanOrEqualTo(f64::MIN),
        };
        let cf = ConditionalFormatCell::new()
            .set_rule(rule)
            .set_format(format.clone());
        ws.add_conditional_format(r1, c1, r2, c2, &cf)?;
    }
    Ok(())
}

pub(super) fn legend(ws: &mut Worksheet, st: &Styles, row: u32) -> Result<u32, XlsxError> {
    ws.write_string_with_format(
        row,
        0,
        "Färgförklaring (färgen följer talet; läget står också i text):",
        &st.note,
    )?;
    for (i, (_, _, format, label, range)) in st.bands.iter().enumerate() {
        let r = row + 1 + i as u32;
        ws.write_string_with_format(r, 0, format!("{label} ({range})"), format)?;
    }
    Ok(row + 1 + st.bands.len() as u32)
}

/// A unit's comments on one area: the free text on the delmål (`delmålet`), then the comments
/// on its statements (by statement id).
pub(super) fn unit_comments<'a>(
    area: &'a nara_core::instrument::Area,
    unit: &'a nara_core::report::UnitReport,
) -> impl Iterator<Item = (String, &'a String)> + 'a {
    let on_area = unit
        .comments
        .get(area.id.as_str())
        .into_iter()
        .flatten()
        .map(|t| ("delmålet".to_string(), t));
    let on_statements = area.statements.iter().flat_map(move |s| {
        unit.notes
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .map(move |t| (s.id.to_string(), t))
    });
    on_area.chain(on_statements)
}

pub(super) fn change_text(c: Option<&Change>) -> String {
    c.map(|c| {
        format!(
            "{} {} ({})",
            c.direction.arrow(),
            fmt::delta(c.delta, 2),
            c.direction.label()
        )
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_counts_word_wrapped_lines() {
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("kort", 10.0), 1);
        // Nine characters fit a line of width 10.
        assert_eq!(wrapped_lines("abcd efgh ijkl", 10.0), 2);
        assert_eq!(wrapped_lines("abcd\nefgh", 10.0), 2);
        assert_eq!(wrapped_lines(&"x".repeat(20), 10.0), 3);
    }

    #[test]
    fn tints_are_lighter_than_the_colour() {
        assert_eq!(tint("#000000", 0.0), 0xffffff);
        assert_eq!(tint("#ffffff", 0.35), 0xffffff);
        let t = tint("#1e8449", 0.35);
        assert!((t >> 16) & 0xff > 0x1e && (t >> 8) & 0xff > 0x84);
    }
}
