//! The long sheets of the årsrapport's appendix: one row per value, the header on the first row
//! (frozen and filtered), so that each sheet can feed a pivot table as it is.

use nara_core::yearly::{Chapter, IndicatorBlock, Texts, YearReport};
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::{Looks, count, long_table, number};

/// The words of an indicator without any value; written in the column after Värde.
const UNDER_DEVELOPMENT: &str = "indikatorn är under utveckling";

/// How the self-assessment is scored (as the web page of the årsrapport says it).
const SCORING: &str = "Självskattningen räknas så: varje svar ger ett värde 1–4, ”vet ej / ej aktuellt” räknas inte; en verksamhets delmål får ett medelvärde när tillräckligt många påståenden är besvarade; en organisation är medelvärdet av sina verksamheter och länet medelvärdet av organisationerna, där varje organisation räknas en gång.";

const INDICATOR_COLUMNS: [(&str, f64); 11] = [
    ("Delmål", 8.0),
    ("Id", 12.0),
    ("Nyckeltal", 48.0),
    ("Enhet", 18.0),
    ("Bättre när", 20.0),
    ("Plats", 18.0),
    ("Platstyp", 10.0),
    ("År", 7.0),
    ("Värde", 10.0),
    ("Riktning", 28.0),
    ("Källa", 48.0),
];

const ASSESSMENT_COLUMNS: [(&str, f64); 4] = [
    ("Organisation", 28.0),
    ("Kod", 8.0),
    ("Delmål", 8.0),
    ("Medelvärde", 12.0),
];

const LEVEL_COLUMNS: [(&str, f64); 3] = [("Delmål", 8.0), ("Svar", 28.0), ("Antal", 10.0)];

const ACTIVITY_COLUMNS: [(&str, f64); 8] = [
    ("Delmål", 8.0),
    ("Id", 13.0),
    ("Aktivitet", 40.0),
    ("Organisation", 24.0),
    ("Status", 18.0),
    ("Försenad", 9.0),
    ("Resultat", 48.0),
    ("Gott exempel", 12.0),
];

const NOTE_COLUMNS: [(&str, f64); 9] = [
    ("Id", 12.0),
    ("Nyckeltal", 48.0),
    ("Källa", 16.0),
    ("Bättre när", 20.0),
    ("Nivå", 16.0),
    ("Delmål", 14.0),
    ("Senaste år", 16.0),
    ("Publicerad", 14.0),
    ("Not", 40.0),
];

/// Strings in a row from column `from`.
fn texts(
    ws: &mut Worksheet,
    row: u32,
    from: u16,
    cells: &[&str],
    format: &Format,
) -> Result<(), XlsxError> {
    for (i, s) in cells.iter().enumerate() {
        ws.write_string_with_format(row, from + i as u16, *s, format)?;
    }
    Ok(())
}

/// One value of an indicator: where, what kind of place, the year and the value.
struct Place<'a> {
    name: &'a str,
    kind: &'a str,
    year: Option<u16>,
    value: Option<f64>,
}

/// The places and values of an indicator: the county's series, the country's and the kommuner
/// in their year.
fn places<'a>(report: &'a YearReport, b: &'a IndicatorBlock) -> Vec<Place<'a>> {
    let series = |name: &'a str, kind: &'a str, points: &'a [nara_core::yearly::Point]| {
        (points.iter()).map(move |p| Place {
            name,
            kind,
            year: Some(p.year),
            value: p.value,
        })
    };
    let mut out: Vec<Place> = series(&report.county, "Länet", &b.county).collect();
    out.extend(series("Riket", "Riket", &b.country));
    out.extend((b.kommuner.iter()).map(|(name, value)| Place {
        name,
        kind: "Kommun",
        year: b.kommun_year,
        value: *value,
    }));
    out
}

/// The direction of a row: the arrow and its word on the county's newest value.
fn direction(b: &IndicatorBlock, p: &Place) -> String {
    if b.under_development {
        return UNDER_DEVELOPMENT.to_string();
    }
    let newest = p.kind == "Länet" && p.year.is_some() && p.year == b.latest.map(|l| l.0);
    match (&b.arrow, b.judgement) {
        (Some(a), Some(j)) if newest => format!("{a} {}", j.label()),
        _ => String::new(),
    }
}

fn indicator_rows(
    ws: &mut Worksheet,
    lk: &Looks,
    report: &YearReport,
    ch: &Chapter,
    b: &IndicatorBlock,
    mut row: u32,
) -> Result<u32, XlsxError> {
    let ind = &b.indicator;
    let mut rows = places(report, b);
    if rows.is_empty() {
        rows.push(Place {
            name: "",
            kind: "",
            year: None,
            value: None,
        });
    }
    for p in &rows {
        let head = [
            ch.id.as_str(),
            &ind.id,
            &ind.title,
            ind.unit.label(),
            ind.direction.label(),
            p.name,
            p.kind,
        ];
        texts(ws, row, 0, &head, &lk.text)?;
        number(ws, row, 7, p.year.map(f64::from), &lk.int)?;
        number(ws, row, 8, p.value, &lk.one)?;
        ws.write_string_with_format(row, 9, direction(b, p), &lk.text)?;
        ws.write_string_with_format(row, 10, &b.caption, &lk.text)?;
        row += 1;
    }
    Ok(row)
}

/// Nyckeltal: one row per value of every indicator of every delmål.
pub(super) fn indicators(
    ws: &mut Worksheet,
    lk: &Looks,
    report: &YearReport,
) -> Result<(), XlsxError> {
    let mut row = 1;
    for ch in &report.chapters {
        for b in &ch.indicators {
            row = indicator_rows(ws, lk, report, ch, b, row)?;
        }
    }
    long_table(ws, lk, "Nyckeltal", &INDICATOR_COLUMNS, row - 1)
}

/// Självskattning: each organisation's mean per delmål, then the county's.
pub(super) fn assessment(
    ws: &mut Worksheet,
    lk: &Looks,
    report: &YearReport,
) -> Result<(), XlsxError> {
    let mut row = 1;
    for p in &report.profiles {
        for (ch, mean) in report.chapters.iter().zip(&p.areas) {
            texts(
                ws,
                row,
                0,
                &[&p.name, p.code.as_str(), ch.id.as_str()],
                &lk.text,
            )?;
            number(ws, row, 3, *mean, &lk.two)?;
            row += 1;
        }
    }
    for ch in &report.chapters {
        texts(ws, row, 0, &["Länet", "", ch.id.as_str()], &lk.text)?;
        number(ws, row, 3, ch.assessment.mean, &lk.two)?;
        row += 1;
    }
    long_table(ws, lk, "Självskattning", &ASSESSMENT_COLUMNS, row - 1)
}

/// Svarsfördelning: how many ratings of each level per delmål.
pub(super) fn levels(ws: &mut Worksheet, lk: &Looks, report: &YearReport) -> Result<(), XlsxError> {
    let mut row = 1;
    for ch in &report.chapters {
        for (label, n) in &ch.assessment.levels {
            texts(ws, row, 0, &[ch.id.as_str(), label], &lk.text)?;
            count(ws, row, 2, *n, lk)?;
            row += 1;
        }
    }
    long_table(ws, lk, "Svarsfördelning", &LEVEL_COLUMNS, row - 1)
}

/// Aktiviteter: one row per activity and delmål it follows, with the good examples marked.
pub(super) fn activities(
    ws: &mut Worksheet,
    lk: &Looks,
    report: &YearReport,
    written: &Texts,
) -> Result<(), XlsxError> {
    let mut row = 1;
    for ch in &report.chapters {
        let examples = (written.areas.get(ch.id.as_str())).map(|a| a.examples.as_slice());
        for a in &ch.activities {
            let example = examples.is_some_and(|e| e.contains(&a.id));
            let cells = [
                ch.id.as_str(),
                &a.id,
                &a.title,
                &a.org,
                &a.status,
                if a.late { "ja" } else { "nej" },
                &a.result,
                if example { "ja" } else { "nej" },
            ];
            texts(ws, row, 0, &cells, &lk.text)?;
            row += 1;
        }
    }
    long_table(ws, lk, "Aktiviteter", &ACTIVITY_COLUMNS, row - 1)
}

/// Om statistiken: every indicator with its source, direction and newest year, then how the
/// self-assessment is scored.
pub(super) fn notes(ws: &mut Worksheet, lk: &Looks, report: &YearReport) -> Result<(), XlsxError> {
    let mut row = 1;
    for n in &report.indicators {
        let ind = &n.indicator;
        let cells = [
            ind.id.as_str(),
            &ind.title,
            ind.source.label(),
            ind.direction.label(),
            ind.level.label(),
            &n.areas,
        ];
        texts(ws, row, 0, &cells, &lk.text)?;
        match n.newest_year {
            Some(y) => ws.write_number_with_format(row, 6, f64::from(y), &lk.int)?,
            None => ws.write_string_with_format(row, 6, "under utveckling", &lk.text)?,
        };
        ws.write_string_with_format(row, 7, n.published.as_deref().unwrap_or_default(), &lk.text)?;
        ws.write_string_with_format(row, 8, ind.note.as_deref().unwrap_or_default(), &lk.wrap)?;
        row += 1;
    }
    long_table(ws, lk, "Om statistiken", &NOTE_COLUMNS, row - 1)?;
    let width: f64 = NOTE_COLUMNS.iter().map(|c| c.1).sum();
    let last = NOTE_COLUMNS.len() as u16 - 1;
    ws.merge_range(row + 1, 0, row + 1, last, SCORING, &lk.wrap)?;
    let height = super::row_height(&[(SCORING.to_string(), width)]);
    ws.set_row_height(row + 1, height)?;
    Ok(())
}
