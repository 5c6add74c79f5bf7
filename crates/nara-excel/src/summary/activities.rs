//! The sheets Aktiviteter and Lokala planer of the county summary and of the organisation
//! report. Aktiviteter: a small count per status (with the late ones, as of the export day) over
//! a table with one row per activity, its header frozen and filtered. Lokala planer: one row per
//! plan, its parties by name. Free text is always written as a string (never a formula), dates as
//! ISO text (`2026-06-30`) like the CSV, a link as a link only when it is http or https. An empty
//! list says so in a sentence.

use nara_core::activity::{Activity, ActivityStatus, LocalPlan, counts};
use nara_core::report::RoundReport;
use nara_core::round::Date;
use rust_xlsxwriter::{Color, Format, FormatBorder, FormatUnderline, Url, Workbook, XlsxError};

use super::ActivityInput;
use super::nyckeltal::row_height;
use super::style::{Styles, heading_with, print_setup};

/// The sheet of activities.
pub const ACTIVITIES_SHEET: &str = "Aktiviteter";
/// The sheet of plans.
pub const PLANS_SHEET: &str = "Lokala planer";

/// The sentence of an empty activity sheet.
pub const NO_ACTIVITIES: &str = "Inga aktiviteter är registrerade.";
/// The sentence of an empty plan sheet.
pub const NO_PLANS: &str = "Inga lokala planer är registrerade.";

/// The note under the title of both sheets.
const NOTE: &str = "Aktiviteterna och planerna är organisationernas egna uppgifter i Nära, inte självskattningar. ”Försenad” räknas fram: det planerade slutet har passerats och aktiviteten är varken klar eller avbruten.";

/// The columns of the activity table: header and width.
pub const ACTIVITY_COLUMNS: [(&str, f64); 15] = [
    ("Organisation", 20.0),
    ("Titel", 36.0),
    ("Delmål", 10.0),
    ("Kategori", 16.0),
    ("Status", 11.0),
    ("Försenad", 9.0),
    ("Planerad start", 12.0),
    ("Planerad slut", 12.0),
    ("Målgrupp", 22.0),
    ("Ansvarig roll", 22.0),
    ("Förväntad effekt", 36.0),
    ("Resultat", 36.0),
    ("Plan", 28.0),
    ("Senaste uppföljning", 12.0),
    ("Kommentar", 44.0),
];

/// The columns of the plan table: header and width.
pub const PLAN_COLUMNS: [(&str, f64); 10] = [
    ("Namn", 36.0),
    ("Parter", 30.0),
    ("Samverkansparter", 28.0),
    ("Period", 24.0),
    ("Status", 11.0),
    ("Beslutad av", 24.0),
    ("Beslutsdatum", 12.0),
    ("Länk", 40.0),
    ("Systemledning", 16.0),
    ("Prioriterade delmål", 16.0),
];

/// An Excel cell's longest hyperlink.
const MAX_URL: usize = 2_079;

/// `2026-06-30`, or empty.
fn day(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a link may be written as a hyperlink: http or https, no spaces, not too long.
pub(crate) fn is_web_link(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && link.len() <= MAX_URL
        && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The organisation's name (its code when unknown).
fn org_name(input: &ActivityInput, code: &str) -> String {
    input
        .org_names
        .get(code)
        .cloned()
        .unwrap_or_else(|| code.to_string())
}

/// One activity's cells, in the order of [`ACTIVITY_COLUMNS`].
fn activity_cells(input: &ActivityInput, a: &Activity) -> Vec<String> {
    let plan = a.plan.as_ref().map(|id| {
        (input.plans.iter())
            .find(|p| &p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    });
    let (round, comment) = input
        .followups
        .get(&a.id)
        .map(|(r, c)| (r.to_string(), c.clone()))
        .unwrap_or_default();
    vec![
        org_name(input, a.owner.as_str()),
        a.title.clone(),
        joined(&a.areas),
        a.category.label().to_string(),
        a.status.label().to_string(),
        if a.is_late(input.today) { "ja" } else { "" }.to_string(),
        day(a.planned_start),
        day(a.planned_end),
        a.target_group.clone(),
        a.responsible_role.clone(),
        a.expected_effect.clone(),
        a.result.clone(),
        plan.unwrap_or_default(),
        round,
        comment,
    ]
}

/// One plan's cells, in the order of [`PLAN_COLUMNS`].
fn plan_cells(input: &ActivityInput, p: &LocalPlan) -> Vec<String> {
    let parties: Vec<String> = (p.parties.iter())
        .map(|c| org_name(input, c.as_str()))
        .collect();
    let period = match p.end {
        Some(end) => format!("{} – {end}", p.start),
        None => format!("från {}", p.start),
    };
    vec![
        p.name.clone(),
        parties.join(", "),
        p.partners.join(", "),
        period,
        p.status.label().to_string(),
        p.decided_by.clone(),
        day(p.decided_on),
        p.link.clone(),
        p.systemledning.label().to_string(),
        joined(&p.areas),
    ]
}

/// The header row and the rows of a table from `hr`, every cell a string (a link column, when
/// given, as a link where it is a web link); then the filter, the frozen header and the widths.
fn table(
    ws: &mut rust_xlsxwriter::Worksheet,
    st: &Styles,
    hr: u32,
    columns: &[(&str, f64)],
    rows: &[Vec<String>],
    link_col: Option<usize>,
) -> Result<(), XlsxError> {
    let link = Format::new()
        .set_font_color(Color::RGB(0x0000_4a99))
        .set_underline(FormatUnderline::Single)
        .set_border(FormatBorder::Thin);
    for (c, (h, w)) in columns.iter().enumerate() {
        ws.write_string_with_format(hr, c as u16, *h, &st.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let heads: Vec<(String, f64)> = columns.iter().map(|(h, w)| (h.to_string(), *w)).collect();
    ws.set_row_height(hr, row_height(&heads))?;
    let mut row = hr + 1;
    for cells in rows {
        let mut texts = Vec::new();
        for (c, (text, (_, w))) in cells.iter().zip(columns).enumerate() {
            let col = c as u16;
            if link_col == Some(c) && is_web_link(text) {
                ws.write_url_with_format(row, col, Url::new(text).set_text(text), &link)?;
            } else {
                ws.write_string_with_format(row, col, text, &st.wrap)?;
            }
            texts.push((text.clone(), *w));
        }
        ws.set_row_height(row, row_height(&texts))?;
        row += 1;
    }
    if row > hr + 1 {
        ws.autofilter(hr, 0, row - 1, columns.len().saturating_sub(1) as u16)?;
    }
    ws.set_freeze_panes(hr + 1, 2)?;
    print_setup(ws, true, hr)?;
    Ok(())
}

/// The sentence of an empty sheet, printed on one A4 page across.
fn empty(ws: &mut rust_xlsxwriter::Worksheet, row: u32, sentence: &str) -> Result<(), XlsxError> {
    ws.write_string(row, 0, sentence)?;
    ws.set_column_width(0, 40)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer(super::style::PAGE_FOOTER);
    Ok(())
}

/// The sheet Aktiviteter: the count per status as of the export day, then the table.
pub(super) fn activity_sheet(
    wb: &mut Workbook,
    st: &Styles,
    rep: &RoundReport,
    title: &str,
    input: &ActivityInput,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(ACTIVITIES_SHEET)?;
    let mut row = heading_with(ws, st, title, rep, NOTE)?;
    if input.activities.is_empty() {
        return empty(ws, row, NO_ACTIVITIES);
    }
    let c = counts(input.activities, input.today);
    ws.write_string_with_format(row, 0, format!("Läget den {}", input.today), &st.header)?;
    ws.write_string_with_format(row, 1, "Antal", &st.header)?;
    let per_status = [
        (ActivityStatus::Planerad, c.planned),
        (ActivityStatus::Pagar, c.ongoing),
        (ActivityStatus::Pausad, c.paused),
        (ActivityStatus::Klar, c.done),
        (ActivityStatus::Avbruten, c.stopped),
    ];
    for (status, n) in per_status {
        row += 1;
        ws.write_string_with_format(row, 0, status.label(), &st.text)?;
        ws.write_number_with_format(row, 1, n as f64, &st.int)?;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "varav försenade", &st.bold)?;
    ws.write_number_with_format(row, 1, c.late as f64, &st.int)?;
    let rows: Vec<Vec<String>> = (input.activities.iter())
        .map(|a| activity_cells(input, a))
        .collect();
    table(ws, st, row + 2, &ACTIVITY_COLUMNS, &rows, None)
}

/// The sheet Lokala planer: one row per plan.
pub(super) fn plan_sheet(
    wb: &mut Workbook,
    st: &Styles,
    rep: &RoundReport,
    title: &str,
    input: &ActivityInput,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(PLANS_SHEET)?;
    let row = heading_with(ws, st, title, rep, NOTE)?;
    if input.plans.is_empty() {
        return empty(ws, row, NO_PLANS);
    }
    let rows: Vec<Vec<String>> = (input.plans.iter()).map(|p| plan_cells(input, p)).collect();
    table(ws, st, row, &PLAN_COLUMNS, &rows, Some(7))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_become_links() {
        assert!(is_web_link("https://falun.se/plan.pdf"));
        assert!(is_web_link("HTTP://falun.se"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("file:///c:/plan.pdf"));
        assert!(!is_web_link("https://falun.se/en plan.pdf"));
        assert!(!is_web_link(&format!("https://{}", "x".repeat(MAX_URL))));
    }
}
