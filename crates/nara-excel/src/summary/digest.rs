//! The county summary's first sheet, Sammanfattning: one A4 page for the Välfärdsråd with the
//! participation, the county per delmål with the change since the previous round, the
//! strongest and weakest statements and the caution about small differences. Every number is
//! the report's ([`nara_core::report::RoundReport`]); this sheet only picks them.

use nara_core::report::RoundReport;
use nara_core::rollup::Distribution;
use nara_core::yearly::READING;
use nara_core::{Instrument, scoring};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::county::County;
use super::style::{
    PAGE_FOOTER, band_colours, band_label, change_text, fit_row, index_cell, score_cell,
};

/// The sheet's name.
pub(crate) const DIGEST_SHEET: &str = "Sammanfattning";

/// The caution about small differences, as the årsrapport says it.
pub(crate) fn caution() -> &'static str {
    READING[2]
}

/// The columns: Delmål, this round, Läge, the previous round, Förändring, organisations with a
/// score (characters).
const WIDTHS: [f64; 6] = [36.0, 10.0, 13.0, 10.0, 17.0, 13.0];

/// The width of the columns A–D together (a statement's text spans them).
fn text_width() -> f64 {
    WIDTHS[..4].iter().sum::<f64>()
}

/// The statements the county rates highest and lowest (every rater's answers, as the sheet
/// Påståenden shows them): up to `n` each, the weakest leaving out the strongest; ties keep the
/// instrument's order.
pub(crate) fn strongest_weakest(
    rep: &RoundReport,
    n: usize,
) -> (Vec<&Distribution>, Vec<&Distribution>) {
    let mut rated: Vec<&Distribution> = rep
        .distribution
        .iter()
        .filter(|d| d.mean.is_some())
        .collect();
    let mean = |d: &Distribution| d.mean.unwrap_or_default();
    rated.sort_by(|a, b| mean(b).total_cmp(&mean(a)));
    let top: Vec<&Distribution> = rated.iter().take(n).copied().collect();
    let mut rest: Vec<&Distribution> = rated
        .into_iter()
        .filter(|d| !top.iter().any(|t| t.statement == d.statement))
        .collect();
    rest.sort_by(|a, b| mean(a).total_cmp(&mean(b)));
    rest.truncate(n);
    (top, rest)
}

/// `7 av 15 organisationer har svarat, med 12 verksamheter och 14 blanketter.`
pub(crate) fn participation(rep: &RoundReport) -> String {
    format!(
        "{} av {} organisationer har svarat, med {} verksamheter och {} blanketter.",
        rep.organisations.len(),
        rep.organisations.len() + rep.not_answered.len(),
        rep.unit_count(),
        rep.forms
    )
}

/// The sheet Sammanfattning.
pub(super) fn digest(wb: &mut Workbook, cx: &County) -> Result<(), XlsxError> {
    let County { inst, rep, st, .. } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name(DIGEST_SHEET)?;
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let last_col = WIDTHS.len() as u16 - 1;
    let para = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let paragraph = |ws: &mut rust_xlsxwriter::Worksheet,
                     row: u32,
                     text: &str,
                     format: &Format|
     -> Result<(), XlsxError> {
        ws.merge_range(row, 0, row, last_col, text, format)?;
        fit_row(ws, row, &[(text, WIDTHS.iter().sum::<f64>())])
    };
    ws.write_string_with_format(
        0,
        0,
        format!("Sammanfattning {} – {}", rep.round.id, inst.name()),
        &st.title,
    )?;
    let status = rep
        .preliminary_note()
        .unwrap_or_else(|| format!("Omgång {} är {}.", rep.round.id, rep.round.status.label()));
    let status_format = if rep.preliminary() {
        &st.prelim
    } else {
        &st.note
    };
    paragraph(ws, 1, &status, status_format)?;
    paragraph(ws, 2, &participation(rep), &para)?;
    let mut row = 4;
    row = areas_table(ws, inst, cx, row)?;
    row += 1;
    let (top, bottom) = strongest_weakest(rep, inst.scoring().highlights);
    for (title, list) in [("Starkast i länet", &top), ("Svagast i länet", &bottom)] {
        ws.merge_range(row, 0, row, 3, title, &st.header)?;
        ws.write_string_with_format(row, 4, "Medel", &st.header)?;
        row += 1;
        for d in list.iter() {
            let text = inst
                .statements()
                .find(|(_, s)| s.id == d.statement)
                .map(|(_, s)| format!("{} {}", s.id, s.text))
                .unwrap_or_else(|| d.statement.to_string());
            ws.merge_range(row, 0, row, 3, &text, &st.wrap)?;
            score_cell(ws, st, row, 4, d.mean)?;
            fit_row(ws, row, &[(text.as_str(), text_width())])?;
            row += 1;
        }
        if list.is_empty() {
            ws.merge_range(row, 0, row, 4, nara_core::fmt::TOO_FEW, &st.missing)?;
            row += 1;
        }
        row += 1;
    }
    if !rep.not_answered.is_empty() {
        let names: Vec<&str> = rep.not_answered.iter().map(|o| o.name.as_str()).collect();
        paragraph(
            ws,
            row,
            &format!("Har inte svarat: {}.", names.join(", ")),
            &para,
        )?;
        row += 2;
    }
    paragraph(ws, row, caution(), &st.note.clone().set_text_wrap())?;
    ws.set_paper_size(9);
    ws.set_portrait();
    ws.set_print_fit_to_pages(1, 1);
    ws.set_print_area(0, 0, row, last_col)?;
    ws.set_footer(PAGE_FOOTER);
    Ok(())
}

/// The county per delmål and its index: this round, the band, the previous round and the
/// change; returns the next free row.
fn areas_table(
    ws: &mut rust_xlsxwriter::Worksheet,
    inst: &Instrument,
    cx: &County,
    hr: u32,
) -> Result<u32, XlsxError> {
    let County { rep, st, .. } = *cx;
    let prev = rep
        .previous
        .map_or_else(|| "Förra omgången".to_string(), |p| format!("Länet {p}"));
    let heads = [
        "Delmål".to_string(),
        format!("Länet {}", rep.round.id),
        "Läge".into(),
        prev,
        "Förändring".into(),
        "Organisationer med poäng".into(),
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(hr, c as u16, h, &st.header)?;
    }
    let cells: Vec<(&str, f64)> = heads.iter().map(|h| h.as_str()).zip(WIDTHS).collect();
    fit_row(ws, hr, &cells)?;
    let mut row = hr + 1;
    for (i, a) in inst.areas().iter().enumerate() {
        let name = format!("{} {}", a.id, a.name);
        let now = rep
            .county
            .areas
            .get(i)
            .and_then(|x| x.stats)
            .map(|s| s.mean);
        let before = rep
            .previous_county
            .as_ref()
            .and_then(|p| p.areas.get(i))
            .and_then(|x| x.stats)
            .map(|s| s.mean);
        let change = rep.county_change.get(i).and_then(|c| c.as_ref());
        let orgs = rep.county.areas.get(i).map_or(0, |x| x.orgs_scored);
        line(ws, cx, row, &name, (now, before), change, orgs, score_cell)?;
        row += 1;
    }
    let now = rep.county.overall.map(|s| s.mean);
    let before = rep
        .previous_county
        .as_ref()
        .and_then(|p| p.overall)
        .map(|s| s.mean);
    // The index's change as core judges any change (the instrument's threshold).
    let change = scoring::change(inst, before, now);
    let orgs = rep.county.orgs_scored;
    line(
        ws,
        cx,
        row,
        "Index (alla delmål)",
        (now, before),
        change.as_ref(),
        orgs,
        index_cell,
    )?;
    band_colours(ws, st, hr + 1, 1, row, 1)?;
    band_colours(ws, st, hr + 1, 3, row, 3)?;
    Ok(row + 1)
}

/// A cell writer: a score or a missing mark.
type CellOf = fn(
    &mut rust_xlsxwriter::Worksheet,
    &super::style::Styles,
    u32,
    u16,
    Option<f64>,
) -> Result<(), XlsxError>;

/// One line of the delmål table.
#[allow(clippy::too_many_arguments)]
fn line(
    ws: &mut rust_xlsxwriter::Worksheet,
    cx: &County,
    row: u32,
    name: &str,
    (now, before): (Option<f64>, Option<f64>),
    change: Option<&scoring::Change>,
    orgs: usize,
    cell: CellOf,
) -> Result<(), XlsxError> {
    let County { inst, rep, st, .. } = *cx;
    ws.write_string_with_format(row, 0, name, &st.wrap)?;
    cell(ws, st, row, 1, now)?;
    ws.write_string_with_format(row, 2, band_label(inst, now), &st.text)?;
    if rep.previous.is_some() {
        cell(ws, st, row, 3, before)?;
    } else {
        ws.write_string_with_format(row, 3, "–", &st.missing)?;
    }
    ws.write_string_with_format(row, 4, change_text(change), &st.text)?;
    ws.write_number_with_format(row, 5, orgs as f64, &st.int)?;
    fit_row(ws, row, &[(name, WIDTHS[0])])
}
