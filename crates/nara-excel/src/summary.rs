//! The result workbooks: the county summary that the region brings to the steering group, the
//! organisation report, and the raw answers as CSV. Every number comes from core (the
//! [`RoundReport`], the trend, the raw rows); this module lays them out. Numbers are stored as
//! numbers with formats (Excel shows decimal commas in a Swedish locale); where core says an
//! area has too few answers the cell says "för få svar", never 0. Free text is always written
//! as a string, never as a formula. A round that is not closed or published is marked
//! preliminary on every sheet.

use std::collections::BTreeMap;

use nara_core::fmt::TOO_FEW;
use nara_core::report::{RawRow, RoundReport, TrendRound};
use nara_core::scoring::{Change, change};
use nara_core::{Instrument, fmt};
use rust_xlsxwriter::{
    Chart, ChartType, Color, ConditionalFormatCell, ConditionalFormatCellRule, DocProperties,
    Format, FormatAlign, FormatBorder, Table, TableColumn, Workbook, Worksheet, XlsxError,
};

/// What the county summary is made from.
pub struct SummaryInput<'a> {
    /// The round's instrument version.
    pub instrument: &'a Instrument,
    /// The round's results.
    pub report: &'a RoundReport,
    /// Every round of the family up to this one, oldest first.
    pub trend: &'a [TrendRound],
    /// Every answer of the round and of the earlier rounds of its family (the Rådata sheet).
    pub raw: &'a [RawRow],
    /// Organisation names by code (for organisations that answered only earlier rounds).
    pub org_names: &'a BTreeMap<String, String>,
    /// When it was made (`2026-11-25 10:15 UTC`).
    pub generated_at: &'a str,
}

/// What the organisation report is made from.
pub struct OrgInput<'a> {
    /// The round's instrument version.
    pub instrument: &'a Instrument,
    /// The round's results for the whole county (the county mean is shown beside the
    /// organisation's).
    pub report: &'a RoundReport,
    /// The organisation's code.
    pub org: &'a str,
    /// Whether the county's numbers may be shown (the row "Länets medel" and the county series
    /// of the radar); `false` for a reader who may not see the county yet.
    pub county: bool,
    /// Earlier rounds' scores; the previous round's is used for the change table.
    pub trend: &'a [TrendRound],
    /// When it was made.
    pub generated_at: &'a str,
}

const NOTE: &str = "Små skillnader mellan organisationer säger lite: talen bygger på självskattningar av ett fåtal personer. Läs dem tillsammans med kommentarerna.";

/// The scoring method in three Swedish sentences.
pub fn method_sentences(inst: &Instrument) -> [String; 3] {
    let s = &inst.scoring;
    [
        format!(
            "Varje svar ger ett värde på skalan {}–{}; ”{}” räknas inte, och ett delmål får ett medelvärde bara om minst {} % av dess påståenden har besvarats, annars står det ”{TOO_FEW}”.",
            fmt::decimal(inst.scale_min().unwrap_or(0.0), 0),
            fmt::decimal(inst.scale_max().unwrap_or(0.0), 0),
            inst.scale.not_applicable.label,
            fmt::decimal(s.min_answered_share * 100.0, 0)
        ),
        "Flera bedömare i en verksamhet vägs samman med medianen per påstående (ett samsynssvar går före), en organisation är medelvärdet av sina verksamheter, och länet är medelvärdet av organisationerna, där varje organisation räknas en gång.".to_string(),
        format!(
            "Index är medelvärdet av delmålen och visas bara när minst {} av {} delmål har ett medelvärde, annars står det ”{}”; en förändring mindre än {} steg sedan förra omgången visas som ”oförändrad”.",
            inst.min_scored_areas(),
            inst.areas.len(),
            fmt::NO_INDEX,
            fmt::decimal(s.change_threshold, 2)
        ),
    ]
}

/// A band: from, to (exclusive), its fill, its label, its range in words.
type BandStyle = (Option<f64>, Option<f64>, Format, String, String);

/// Picks one statistic.
type StatOf = fn(&nara_core::scoring::Stats) -> f64;

/// A line of the trend table: name, code, what, one value per round (`None`: not answered;
/// `Some(None)`: too few answers).
type TrendLine = (String, String, String, Vec<Option<Option<f64>>>);

struct Styles {
    title: Format,
    prelim: Format,
    note: Format,
    header: Format,
    text: Format,
    wrap: Format,
    num: Format,
    int: Format,
    missing: Format,
    bold: Format,
    bands: Vec<BandStyle>,
}

/// A light tint of a `#rrggbb` colour (mixed with white), so black text on it keeps its
/// contrast.
fn tint(hex: &str, keep: f64) -> u32 {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0x00cc_cccc);
    let mix = |c: u32| -> u32 { (f64::from(c) * keep + 255.0 * (1.0 - keep)).round() as u32 };
    (mix((v >> 16) & 0xff) << 16) | (mix((v >> 8) & 0xff) << 8) | mix(v & 0xff)
}

fn styles(inst: &Instrument) -> Styles {
    let border = FormatBorder::Thin;
    let bands = &inst.scoring.bands;
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
        bands: bands
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let from = b.from;
                let to = bands.get(i + 1).and_then(|n| n.from);
                let range = match (from.or(inst.scale_min()), to) {
                    (Some(f), Some(t)) => format!("{}–{}", fmt::decimal(f, 1), fmt::decimal(t, 1)),
                    (Some(f), None) => format!("från {}", fmt::decimal(f, 1)),
                    _ => String::new(),
                };
                (
                    from,
                    to,
                    Format::new().set_background_color(Color::RGB(tint(&b.color, 0.35))),
                    b.label.clone(),
                    range,
                )
            })
            .collect(),
    }
}

/// Title, the preliminary marking (or the status) and the note: rows 0–2. Returns the next
/// free row.
fn heading(
    ws: &mut Worksheet,
    st: &Styles,
    title: &str,
    report: &RoundReport,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(0, 0, title, &st.title)?;
    if report.preliminary() {
        ws.write_string_with_format(
            1,
            0,
            format!(
                "PRELIMINÄRT – omgång {} är {} och siffrorna kan ändras.",
                report.round.id,
                report.round.status.label()
            ),
            &st.prelim,
        )?;
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
    ws.write_string_with_format(2, 0, NOTE, &st.note)?;
    Ok(4)
}

fn print_setup(ws: &mut Worksheet, landscape: bool, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

/// A score or "för få svar".
fn score_cell(
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
fn index_cell(
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

fn band_label(inst: &Instrument, v: Option<f64>) -> String {
    v.map(|x| inst.band(x).label.clone()).unwrap_or_default()
}

/// Colours a block of score cells by band (conditional formatting), so a change of the
/// numbers in Excel keeps the colours right.
fn band_colours(
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

fn legend(ws: &mut Worksheet, st: &Styles, row: u32) -> Result<u32, XlsxError> {
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
fn unit_comments<'a>(
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

fn change_text(c: Option<&Change>) -> String {
    c.map(|c| {
        format!(
            "{} {} ({})",
            c.direction.arrow(),
            fmt::signed(c.delta, 2),
            c.direction.label()
        )
    })
    .unwrap_or_default()
}

/// The county summary workbook.
pub fn summary_workbook(input: &SummaryInput) -> Result<Vec<u8>, XlsxError> {
    let (inst, rep) = (input.instrument, input.report);
    let st = styles(inst);
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Länssammanställning {}", rep.round.id))
            .set_subject(inst.name.clone())
            .set_comment("Skapad av Nära"),
    );
    // A lighter deflate (level 3 of 9): the workbook is written in about half the time and is
    // about a tenth larger.
    wb.set_zip_compression_level(3);
    let n_areas = inst.areas.len() as u16;
    let org_rows = rep.organisations.len() as u32;

    // ---------------------------------------------------------------- Översikt
    {
        let ws = wb.add_worksheet();
        ws.set_name("Översikt")?;
        let mut row = heading(
            ws,
            &st,
            &format!("Länssammanställning {} – {}", rep.round.id, inst.name),
            rep,
        )?;
        let hr = row;
        let heads = ["Organisation", "Kod", "Enheter", "Index", "Index, läge"];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(hr, c as u16, *h, &st.header)?;
        }
        for (i, a) in inst.areas.iter().enumerate() {
            let c = 5 + 2 * i as u16;
            ws.write_string_with_format(hr, c, format!("{} {}", a.id, a.name), &st.header)?;
            ws.write_string_with_format(hr, c + 1, format!("{} läge", a.id), &st.header)?;
        }
        row += 1;
        for o in &rep.organisations {
            ws.write_string_with_format(row, 0, &o.name, &st.text)?;
            ws.write_string_with_format(row, 1, &o.code, &st.text)?;
            ws.write_number_with_format(row, 2, o.units.len() as f64, &st.int)?;
            index_cell(ws, &st, row, 3, o.scores.overall)?;
            ws.write_string_with_format(row, 4, band_label(inst, o.scores.overall), &st.text)?;
            for (i, a) in o.scores.areas.iter().enumerate() {
                let c = 5 + 2 * i as u16;
                score_cell(ws, &st, row, c, a.mean)?;
                ws.write_string_with_format(row, c + 1, band_label(inst, a.mean), &st.text)?;
            }
            row += 1;
        }
        let last_org = row.saturating_sub(1);
        if org_rows > 0 {
            ws.autofilter(hr, 0, last_org, 4 + 2 * n_areas)?;
            band_colours(ws, &st, hr + 1, 3, last_org, 3)?;
            for i in 0..n_areas {
                band_colours(ws, &st, hr + 1, 5 + 2 * i, last_org, 5 + 2 * i)?;
            }
        }
        row += 1;
        let stat_rows: [(&str, StatOf); 4] = [
            ("Länet – medel", |s| s.mean),
            ("Länet – median", |s| s.median),
            ("Länet – lägst", |s| s.min),
            ("Länet – högst", |s| s.max),
        ];
        for (label, f) in stat_rows {
            ws.write_string_with_format(row, 0, label, &st.bold)?;
            index_cell(ws, &st, row, 3, rep.county.overall.map(|s| f(&s)))?;
            for (i, a) in rep.county.areas.iter().enumerate() {
                score_cell(ws, &st, row, 5 + 2 * i as u16, a.stats.map(|s| f(&s)))?;
            }
            row += 1;
        }
        ws.write_string_with_format(row, 0, "Organisationer med poäng", &st.bold)?;
        ws.write_number_with_format(row, 3, rep.county.orgs_scored as f64, &st.int)?;
        for (i, a) in rep.county.areas.iter().enumerate() {
            ws.write_number_with_format(row, 5 + 2 * i as u16, a.orgs_scored as f64, &st.int)?;
        }
        row += 1;
        if rep.previous.is_some() {
            ws.write_string_with_format(
                row,
                0,
                format!(
                    "Länets medel, förändring sedan {}",
                    rep.previous.map(|p| p.to_string()).unwrap_or_default()
                ),
                &st.bold,
            )?;
            for (i, c) in rep.county_change.iter().enumerate() {
                ws.write_string_with_format(
                    row,
                    5 + 2 * i as u16,
                    change_text(c.as_ref()),
                    &st.text,
                )?;
            }
            row += 1;
        }
        row += 1;
        // Why an index is missing, said once under the table.
        if !rep.organisations.is_empty()
            && (rep.county.overall.is_none()
                || rep.organisations.iter().any(|o| o.scores.overall.is_none()))
        {
            let why = rep
                .county
                .no_index(inst)
                .unwrap_or_else(|| nara_core::scoring::no_index_rule(inst));
            ws.write_string_with_format(row, 0, why, &st.note)?;
            row += 2;
        }
        if !rep.not_answered.is_empty() {
            ws.write_string_with_format(
                row,
                0,
                format!(
                    "Har inte svarat: {}",
                    rep.not_answered
                        .iter()
                        .map(|o| format!("{} ({})", o.name, o.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                &st.note,
            )?;
            row += 2;
        }
        legend(ws, &st, row)?;
        ws.set_column_width(0, 30)?;
        ws.set_column_width(1, 7)?;
        ws.set_column_width(2, 8)?;
        ws.set_column_width(3, 9)?;
        ws.set_column_width(4, 11)?;
        for i in 0..n_areas {
            ws.set_column_width(5 + 2 * i, 14)?;
            ws.set_column_width(6 + 2 * i, 10)?;
        }
        ws.set_freeze_panes(hr + 1, 1)?;
        print_setup(ws, true, hr)?;
    }

    // ---------------------------------------------------------------- Diagram
    {
        let ws = wb.add_worksheet();
        ws.set_name("Diagram")?;
        let mut row = heading(ws, &st, &format!("Diagram {}", rep.round.id), rep)?;
        // The data the charts draw: county now and before, then organisations × areas (an
        // empty cell where there are too few answers, so a chart shows a gap, not a zero).
        let hr = row;
        ws.write_string_with_format(hr, 0, "Delmål", &st.header)?;
        ws.write_string_with_format(hr, 1, format!("Länet {}", rep.round.id), &st.header)?;
        let prev_name = rep
            .previous
            .map(|p| format!("Länet {p}"))
            .unwrap_or_else(|| "Förra omgången".into());
        ws.write_string_with_format(hr, 2, &prev_name, &st.header)?;
        for (i, a) in inst.areas.iter().enumerate() {
            let r = hr + 1 + i as u32;
            ws.write_string_with_format(r, 0, format!("{} {}", a.id, a.name), &st.text)?;
            if let Some(s) = rep.county.areas.get(i).and_then(|x| x.stats) {
                ws.write_number_with_format(r, 1, s.mean, &st.num)?;
            }
            if let Some(s) = rep
                .previous_county
                .as_ref()
                .and_then(|p| p.areas.get(i))
                .and_then(|x| x.stats)
            {
                ws.write_number_with_format(r, 2, s.mean, &st.num)?;
            }
        }
        let last_area = hr + n_areas as u32;
        let mut radar = Chart::new(ChartType::RadarWithMarkers);
        radar
            .add_series()
            .set_name(("Diagram", hr, 1))
            .set_categories(("Diagram", hr + 1, 0, last_area, 0))
            .set_values(("Diagram", hr + 1, 1, last_area, 1));
        if rep.previous_county.is_some() {
            radar
                .add_series()
                .set_name(("Diagram", hr, 2))
                .set_categories(("Diagram", hr + 1, 0, last_area, 0))
                .set_values(("Diagram", hr + 1, 2, last_area, 2));
        }
        radar
            .title()
            .set_name(&format!("Länets medel per delmål {}", rep.round.id));
        radar
            .y_axis()
            .set_min(inst.scale_min().unwrap_or(0.0))
            .set_max(inst.scale_max().unwrap_or(4.0))
            .set_major_unit(1.0);
        radar.set_alt_text("Radardiagram: länets medel per delmål i år och förra omgången; samma tal står i tabellen till vänster.");
        radar.set_width(520).set_height(380);
        ws.insert_chart(hr, 4, &radar)?;
        row = last_area.max(hr + 20) + 2;
        let t = row;
        ws.write_string_with_format(t, 0, "Organisation", &st.header)?;
        for (i, a) in inst.areas.iter().enumerate() {
            ws.write_string_with_format(
                t,
                1 + i as u16,
                format!("{} {}", a.id, a.name),
                &st.header,
            )?;
        }
        for (k, o) in rep.organisations.iter().enumerate() {
            let r = t + 1 + k as u32;
            ws.write_string_with_format(r, 0, &o.name, &st.text)?;
            for (i, a) in o.scores.areas.iter().enumerate() {
                if let Some(m) = a.mean {
                    ws.write_number_with_format(r, 1 + i as u16, m, &st.num)?;
                }
            }
        }
        let last = t + org_rows;
        let chart_row = last + 2;
        if org_rows > 0 {
            for (i, a) in inst.areas.iter().enumerate() {
                let mut bar = Chart::new(ChartType::Bar);
                bar.add_series()
                    .set_name(&format!("{} {}", a.id, a.name))
                    .set_categories(("Diagram", t + 1, 0, last, 0))
                    .set_values(("Diagram", t + 1, 1 + i as u16, last, 1 + i as u16));
                bar.title()
                    .set_name(&format!("{} {} per organisation", a.id, a.name));
                bar.x_axis()
                    .set_min(inst.scale_min().unwrap_or(0.0))
                    .set_max(inst.scale_max().unwrap_or(4.0));
                bar.legend().set_hidden();
                bar.set_alt_text(format!("Stapeldiagram: organisationernas medel på {} {}; samma tal står i tabellen ovanför. Saknad stapel betyder för få svar.", a.id, a.name));
                bar.set_width(480).set_height(20 * org_rows + 80);
                ws.insert_chart(
                    chart_row + (i as u32 / 2) * (org_rows + 6),
                    if i % 2 == 0 { 0 } else { 6 },
                    &bar,
                )?;
            }
        }
        ws.set_column_width(0, 28)?;
        for i in 0..n_areas.max(2) {
            ws.set_column_width(1 + i, 14)?;
        }
        print_setup(ws, true, hr)?;
    }

    // ---------------------------------------------------------------- Påståenden
    {
        let ws = wb.add_worksheet();
        ws.set_name("Påståenden")?;
        let hr = heading(
            ws,
            &st,
            &format!(
                "Påståendena {} – fördelning av alla bedömares svar",
                rep.round.id
            ),
            rep,
        )?;
        let mut heads: Vec<String> = vec!["ID".into(), "Delmål".into(), "Påstående".into()];
        heads.extend(
            inst.scale
                .levels
                .iter()
                .map(|l| format!("{} {}", l.value, l.label)),
        );
        heads.extend([
            "Vet ej".to_string(),
            "Tomt".into(),
            "Medel".into(),
            "Lägsta org.".into(),
            "Högsta org.".into(),
            "Organisationer".into(),
        ]);
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(hr, c as u16, h, &st.header)?;
        }
        let nl = inst.scale.levels.len() as u16;
        let mut row = hr + 1;
        for (area, s) in inst.statements() {
            let Some(d) = rep.distribution.iter().find(|d| d.statement == s.id) else {
                continue;
            };
            ws.write_string_with_format(row, 0, s.id.as_str(), &st.text)?;
            ws.write_string_with_format(row, 1, area.id.as_str(), &st.text)?;
            ws.write_string_with_format(row, 2, &s.text, &st.wrap)?;
            for (i, n) in d.levels.iter().enumerate() {
                ws.write_number_with_format(row, 3 + i as u16, *n as f64, &st.int)?;
            }
            ws.write_number_with_format(row, 3 + nl, d.not_applicable as f64, &st.int)?;
            ws.write_number_with_format(row, 4 + nl, d.blank as f64, &st.int)?;
            score_cell(ws, &st, row, 5 + nl, d.mean)?;
            let org_means: Vec<f64> = rep
                .organisations
                .iter()
                .filter_map(|o| o.scores.statement_means.get(&s.id).and_then(|v| v.scored()))
                .collect();
            let lo = org_means.iter().copied().reduce(f64::min);
            let hi = org_means.iter().copied().reduce(f64::max);
            score_cell(ws, &st, row, 6 + nl, lo)?;
            score_cell(ws, &st, row, 7 + nl, hi)?;
            ws.write_number_with_format(row, 8 + nl, org_means.len() as f64, &st.int)?;
            row += 1;
        }
        if row > hr + 1 {
            ws.autofilter(hr, 0, row - 1, 8 + nl)?;
        }
        ws.set_column_width(0, 7)?;
        ws.set_column_width(1, 7)?;
        ws.set_column_width(2, 60)?;
        for c in 3..=8 + nl {
            ws.set_column_width(c, 11)?;
        }
        ws.set_freeze_panes(hr + 1, 3)?;
        print_setup(ws, true, hr)?;
    }

    // ---------------------------------------------------------------- Utveckling
    {
        let ws = wb.add_worksheet();
        ws.set_name("Utveckling")?;
        let hr = heading(
            ws,
            &st,
            &format!("Utveckling över omgångarna till och med {}", rep.round.id),
            rep,
        )?;
        let rounds: Vec<String> = input.trend.iter().map(|t| t.round.to_string()).collect();
        let nr = rounds.len() as u16;
        // The county index over rounds, with a line chart.
        ws.write_string_with_format(hr, 0, "Omgång", &st.header)?;
        ws.write_string_with_format(hr, 1, "Länets index (medel)", &st.header)?;
        for (k, t) in input.trend.iter().enumerate() {
            let r = hr + 1 + k as u32;
            ws.write_string_with_format(r, 0, t.round.to_string(), &st.text)?;
            if let Some(s) = t.county.overall {
                ws.write_number_with_format(r, 1, s.mean, &st.num)?;
            }
        }
        let last_t = hr + nr as u32;
        if nr > 0 {
            let mut line = Chart::new(ChartType::Line);
            line.add_series()
                .set_name("Länets index")
                .set_categories(("Utveckling", hr + 1, 0, last_t, 0))
                .set_values(("Utveckling", hr + 1, 1, last_t, 1));
            line.title().set_name("Länets index över omgångarna");
            line.y_axis()
                .set_min(inst.scale_min().unwrap_or(0.0))
                .set_max(inst.scale_max().unwrap_or(4.0));
            line.legend().set_hidden();
            line.set_alt_text(
                "Linjediagram: länets index per omgång; samma tal står i tabellen till vänster.",
            );
            ws.insert_chart(hr, 3, &line)?;
        }
        let t0 = last_t.max(hr + 16) + 2;
        let mut heads = vec!["Organisation".to_string(), "Kod".into(), "Delmål".into()];
        heads.extend(rounds.iter().cloned());
        let prev_label = rep
            .previous
            .map(|p| p.to_string())
            .unwrap_or_else(|| "förra".into());
        heads.push(format!("Förändring sedan {prev_label}"));
        heads.push("Riktning".into());
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(t0, c as u16, h, &st.header)?;
        }
        let mut codes: Vec<&String> = input
            .trend
            .iter()
            .flat_map(|t| t.organisations.keys())
            .collect();
        codes.sort();
        codes.dedup();
        let mut row = t0 + 1;
        let mut lines: Vec<TrendLine> = Vec::new();
        for code in &codes {
            let name = input
                .org_names
                .get(*code)
                .cloned()
                .unwrap_or_else(|| (*code).clone());
            for (i, a) in inst.areas.iter().enumerate() {
                let vals = input
                    .trend
                    .iter()
                    .map(|t| {
                        t.organisations
                            .get(*code)
                            .map(|s| s.areas.get(i).and_then(|x| x.mean))
                    })
                    .collect();
                lines.push((
                    name.clone(),
                    (*code).clone(),
                    format!("{} {}", a.id, a.name),
                    vals,
                ));
            }
            let vals = input
                .trend
                .iter()
                .map(|t| t.organisations.get(*code).map(|s| s.overall))
                .collect();
            lines.push((name.clone(), (*code).clone(), "Index".into(), vals));
        }
        for (i, a) in inst.areas.iter().enumerate() {
            let vals = input
                .trend
                .iter()
                .map(|t| Some(t.county.areas.get(i).and_then(|x| x.stats).map(|s| s.mean)))
                .collect();
            lines.push((
                "Länet (medel)".into(),
                String::new(),
                format!("{} {}", a.id, a.name),
                vals,
            ));
        }
        let vals = input
            .trend
            .iter()
            .map(|t| Some(t.county.overall.map(|s| s.mean)))
            .collect();
        lines.push(("Länet (medel)".into(), String::new(), "Index".into(), vals));
        for (name, code, what, vals) in &lines {
            ws.write_string_with_format(row, 0, name, &st.text)?;
            ws.write_string_with_format(row, 1, code, &st.text)?;
            ws.write_string_with_format(row, 2, what, &st.text)?;
            for (k, v) in vals.iter().enumerate() {
                match v {
                    Some(x) if what == "Index" => index_cell(ws, &st, row, 3 + k as u16, *x)?,
                    Some(x) => score_cell(ws, &st, row, 3 + k as u16, *x)?,
                    None => {
                        ws.write_string_with_format(row, 3 + k as u16, "–", &st.missing)?;
                    }
                }
            }
            let n = vals.len();
            let (prev, cur) = if n >= 2 {
                (vals[n - 2].flatten(), vals[n - 1].flatten())
            } else {
                (None, None)
            };
            if let Some(c) = change(inst, prev, cur) {
                ws.write_number_with_format(row, 3 + nr, c.delta, &st.num)?;
                ws.write_string_with_format(row, 4 + nr, c.direction.label(), &st.text)?;
            }
            row += 1;
        }
        if row > t0 + 1 {
            ws.autofilter(t0, 0, row - 1, 4 + nr)?;
            band_colours(ws, &st, t0 + 1, 3, row - 1, 2 + nr.max(1))?;
        }
        ws.set_column_width(0, 26)?;
        ws.set_column_width(2, 28)?;
        for c in 3..5 + nr {
            ws.set_column_width(c, 12)?;
        }
        ws.set_freeze_panes(t0 + 1, 3)?;
        print_setup(ws, true, t0)?;
    }

    // ---------------------------------------------------------------- Fritext
    {
        let ws = wb.add_worksheet();
        ws.set_name("Fritext")?;
        let hr = heading(ws, &st, &format!("Kommentarer {}", rep.round.id), rep)?;
        for (c, h) in [
            "Delmål",
            "Organisation",
            "Kod",
            "Verksamhet",
            "Gäller",
            "Kommentar",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(hr, c as u16, *h, &st.header)?;
        }
        let mut row = hr + 1;
        for a in &inst.areas {
            for o in &rep.organisations {
                for u in &o.units {
                    for (what, text) in unit_comments(a, u) {
                        ws.write_string_with_format(
                            row,
                            0,
                            format!("{} {}", a.id, a.name),
                            &st.wrap,
                        )?;
                        ws.write_string_with_format(row, 1, &o.name, &st.wrap)?;
                        ws.write_string_with_format(row, 2, &o.code, &st.wrap)?;
                        ws.write_string_with_format(row, 3, &u.name, &st.wrap)?;
                        ws.write_string_with_format(row, 4, &what, &st.wrap)?;
                        ws.write_string_with_format(row, 5, text, &st.wrap)?;
                        row += 1;
                    }
                }
            }
        }
        if row > hr + 1 {
            ws.autofilter(hr, 0, row - 1, 5)?;
        }
        for (c, w) in [(0, 24), (1, 16), (2, 6), (3, 22), (4, 9), (5, 80)] {
            ws.set_column_width(c, w)?;
        }
        ws.set_freeze_panes(hr + 1, 0)?;
        print_setup(ws, true, hr)?;
    }

    // ---------------------------------------------------------------- Rådata
    {
        // Rows are written in order and flushed as they go (low-memory mode), so about 81,000
        // rows take little memory; the table is declared before the rows are written.
        let ws = wb.add_worksheet_with_low_memory()?;
        ws.set_name("Rådata")?;
        if rep.preliminary() {
            ws.write_string_with_format(
                0,
                0,
                format!(
                    "PRELIMINÄRT – omgång {} är {} och siffrorna kan ändras.",
                    rep.round.id,
                    rep.round.status.label()
                ),
                &st.prelim,
            )?;
        } else {
            ws.write_string_with_format(
                0,
                0,
                format!(
                    "Omgång {}: ett svar per rad, för pivottabeller.",
                    rep.round.id
                ),
                &st.note,
            )?;
        }
        let heads = [
            "Omgång",
            "Kod",
            "Organisation",
            "Verksamhet",
            "Bedömare",
            "Delmål",
            "Delmålets namn",
            "Påstående-ID",
            "Påstående",
            "Värde",
            "Svar",
            "Kommentar",
        ];
        let hr = 2u32;
        let last = hr + input.raw.len().max(1) as u32;
        let columns: Vec<TableColumn> = heads
            .iter()
            .map(|h| TableColumn::new().set_header(*h))
            .collect();
        let table = Table::new().set_name("Radata").set_columns(&columns);
        ws.add_table(hr, 0, last, heads.len() as u16 - 1, &table)?;
        // Plain cells, without a format to look up per cell: about a million of them at
        // 300 units × 10 rounds.
        for (k, r) in input.raw.iter().enumerate() {
            let row = hr + 1 + k as u32;
            ws.write_string(row, 0, &r.round)?;
            ws.write_string(row, 1, &r.org_code)?;
            ws.write_string(row, 2, &r.org_name)?;
            ws.write_string(row, 3, &r.unit)?;
            ws.write_string(row, 4, &r.rater)?;
            ws.write_string(row, 5, &r.area_id)?;
            ws.write_string(row, 6, &r.area_name)?;
            ws.write_string(row, 7, &r.statement_id)?;
            ws.write_string(row, 8, &r.statement)?;
            if let Some(v) = r.value {
                ws.write_number(row, 9, v)?;
            }
            ws.write_string(row, 10, &r.label)?;
            if !r.comment.is_empty() {
                ws.write_string(row, 11, &r.comment)?;
            }
        }
        for (c, w) in [
            (0, 8),
            (1, 6),
            (2, 16),
            (3, 22),
            (4, 14),
            (5, 7),
            (6, 20),
            (7, 9),
            (8, 50),
            (9, 7),
            (10, 22),
            (11, 40),
        ] {
            ws.set_column_width(c, w)?;
        }
        ws.set_freeze_panes(hr + 1, 0)?;
    }

    // ---------------------------------------------------------------- Om
    {
        let ws = wb.add_worksheet();
        ws.set_name("Om")?;
        let mut row = heading(ws, &st, "Om sammanställningen", rep)?;
        let units: usize = rep.organisations.iter().map(|o| o.units.len()).sum();
        let facts = [
            ("Instrument", format!("{} ({})", inst.name, inst.id)),
            ("Version", inst.version.clone()),
            (
                "Omgång",
                format!("{} ({})", rep.round.id, rep.round.status.label()),
            ),
            (
                "Jämförs med",
                rep.previous
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "– (ingen tidigare omgång)".into()),
            ),
            ("Skapad", input.generated_at.to_string()),
            (
                "Organisationer som svarat",
                format!(
                    "{} (varav {} med poäng)",
                    rep.organisations.len(),
                    rep.county.orgs_scored
                ),
            ),
            (
                "Organisationer som inte svarat",
                rep.not_answered.len().to_string(),
            ),
            ("Verksamheter", units.to_string()),
            ("Blanketter", rep.forms.to_string()),
            ("Svar (rader i Rådata)", input.raw.len().to_string()),
        ];
        for (k, v) in facts {
            ws.write_string_with_format(row, 0, k, &st.bold)?;
            ws.write_string_with_format(row, 1, v, &st.text)?;
            row += 1;
        }
        row += 1;
        ws.write_string_with_format(row, 0, "Så räknas talen", &st.bold)?;
        row += 1;
        for s in method_sentences(inst) {
            ws.write_string_with_format(row, 0, s, &Format::new().set_text_wrap())?;
            ws.set_row_height(row, 45)?;
            row += 1;
        }
        ws.set_column_width(0, 32)?;
        ws.set_column_width(1, 70)?;
        print_setup(ws, false, 0)?;
    }
    wb.save_to_buffer()
}

/// The organisation report workbook.
pub fn org_workbook(input: &OrgInput) -> Result<Vec<u8>, XlsxError> {
    let (inst, rep) = (input.instrument, input.report);
    let st = styles(inst);
    let Some(o) = rep.org(input.org) else {
        return Err(XlsxError::ParameterError(format!(
            "{} har inte svarat",
            input.org
        )));
    };
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} {}", o.name, rep.round.id))
            .set_comment("Skapad av Nära"),
    );
    let n_areas = inst.areas.len() as u16;

    // Units side by side, the organisation and the county mean.
    {
        let ws = wb.add_worksheet();
        ws.set_name("Översikt")?;
        let hr = heading(
            ws,
            &st,
            &format!("{} ({}) – omgång {}", o.name, o.code, rep.round.id),
            rep,
        )?;
        let heads = ["Verksamhet", "Bedömare", "Index", "Index, läge"];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(hr, c as u16, *h, &st.header)?;
        }
        for (i, a) in inst.areas.iter().enumerate() {
            ws.write_string_with_format(
                hr,
                4 + 2 * i as u16,
                format!("{} {}", a.id, a.name),
                &st.header,
            )?;
            ws.write_string_with_format(
                hr,
                5 + 2 * i as u16,
                format!("{} läge", a.id),
                &st.header,
            )?;
        }
        let mut row = hr + 1;
        for u in &o.units {
            let raters = u.raters.iter().filter(|r| !r.is_empty()).count();
            ws.write_string_with_format(row, 0, &u.name, &st.text)?;
            ws.write_string_with_format(
                row,
                1,
                match (raters, u.consensus) {
                    (0 | 1, false) => String::new(),
                    (n, true) => format!("{n} + samsyn"),
                    (n, false) => n.to_string(),
                },
                &st.text,
            )?;
            index_cell(ws, &st, row, 2, u.result.scores.overall)?;
            ws.write_string_with_format(
                row,
                3,
                band_label(inst, u.result.scores.overall),
                &st.text,
            )?;
            for (i, a) in u.result.scores.areas.iter().enumerate() {
                score_cell(ws, &st, row, 4 + 2 * i as u16, a.mean)?;
                ws.write_string_with_format(
                    row,
                    5 + 2 * i as u16,
                    band_label(inst, a.mean),
                    &st.text,
                )?;
            }
            row += 1;
        }
        ws.write_string_with_format(row, 0, "Hela organisationen", &st.bold)?;
        index_cell(ws, &st, row, 2, o.scores.overall)?;
        ws.write_string_with_format(row, 3, band_label(inst, o.scores.overall), &st.text)?;
        for (i, a) in o.scores.areas.iter().enumerate() {
            score_cell(ws, &st, row, 4 + 2 * i as u16, a.mean)?;
            ws.write_string_with_format(row, 5 + 2 * i as u16, band_label(inst, a.mean), &st.text)?;
        }
        let org_row = row;
        row += 1;
        if input.county {
            ws.write_string_with_format(row, 0, "Länets medel", &st.bold)?;
            index_cell(ws, &st, row, 2, rep.county.overall.map(|s| s.mean))?;
            for (i, a) in rep.county.areas.iter().enumerate() {
                score_cell(ws, &st, row, 4 + 2 * i as u16, a.stats.map(|s| s.mean))?;
            }
        } else {
            ws.write_string_with_format(
                row,
                0,
                "Länets siffror visas när omgången har publicerats.",
                &st.note,
            )?;
        }
        band_colours(ws, &st, hr + 1, 2, org_row, 2)?;
        for i in 0..n_areas {
            band_colours(ws, &st, hr + 1, 4 + 2 * i, org_row, 4 + 2 * i)?;
        }
        // Why an index is missing, said once under the table: the organisation's own reason
        // first.
        let why = o.scores.no_index(inst).or_else(|| {
            (o.units.iter().any(|u| u.result.scores.overall.is_none())
                || (input.county && rep.county.overall.is_none()))
            .then(|| nara_core::scoring::no_index_rule(inst))
        });
        if let Some(why) = why {
            row += 1;
            ws.write_string_with_format(row, 0, why, &st.note)?;
        }
        row += 2;
        // Change since the previous round, per delmål.
        ws.write_string_with_format(
            row,
            0,
            format!(
                "Förändring sedan {}",
                rep.previous
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "förra omgången".into())
            ),
            &st.bold,
        )?;
        row += 1;
        for (c, h) in ["Delmål", "Förra", "Nu", "Skillnad", "Riktning"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(row, c as u16, *h, &st.header)?;
        }
        row += 1;
        let prev = input
            .trend
            .iter()
            .rev()
            .find(|t| Some(t.round) == rep.previous)
            .and_then(|t| t.organisations.get(&o.code));
        for (i, a) in inst.areas.iter().enumerate() {
            let before = prev.and_then(|p| p.areas.get(i)).and_then(|x| x.mean);
            let now = o.scores.areas.get(i).and_then(|x| x.mean);
            ws.write_string_with_format(row, 0, format!("{} {}", a.id, a.name), &st.text)?;
            score_cell(ws, &st, row, 1, before)?;
            score_cell(ws, &st, row, 2, now)?;
            if let Some(c) = o.change.get(i).and_then(|c| c.as_ref()) {
                ws.write_number_with_format(row, 3, c.delta, &st.num)?;
                ws.write_string_with_format(row, 4, c.direction.label(), &st.text)?;
            } else {
                ws.write_string_with_format(row, 3, "–", &st.missing)?;
            }
            row += 1;
        }
        row += 1;
        legend(ws, &st, row)?;
        ws.set_column_width(0, 30)?;
        ws.set_column_width(1, 12)?;
        for c in 2..4 + 2 * n_areas {
            ws.set_column_width(c, 12)?;
        }
        ws.set_freeze_panes(hr + 1, 1)?;
        print_setup(ws, true, hr)?;

        // Radar: the organisation against the county mean (when the reader may see it), from a
        // small table.
        let t = row + st.bands.len() as u32 + 3;
        ws.write_string_with_format(t, 0, "Delmål", &st.header)?;
        ws.write_string_with_format(t, 1, &o.name, &st.header)?;
        if input.county {
            ws.write_string_with_format(t, 2, "Länets medel", &st.header)?;
        }
        for (i, a) in inst.areas.iter().enumerate() {
            let r = t + 1 + i as u32;
            ws.write_string_with_format(r, 0, format!("{} {}", a.id, a.name), &st.text)?;
            if let Some(m) = o.scores.areas.get(i).and_then(|x| x.mean) {
                ws.write_number_with_format(r, 1, m, &st.num)?;
            }
            if let Some(s) = rep.county.areas.get(i).and_then(|x| x.stats)
                && input.county
            {
                ws.write_number_with_format(r, 2, s.mean, &st.num)?;
            }
        }
        let last = t + n_areas as u32;
        let mut radar = Chart::new(ChartType::RadarWithMarkers);
        let series: &[u16] = if input.county { &[1, 2] } else { &[1] };
        for &c in series {
            radar
                .add_series()
                .set_name(("Översikt", t, c))
                .set_categories(("Översikt", t + 1, 0, last, 0))
                .set_values(("Översikt", t + 1, c, last, c));
        }
        radar.title().set_name(&if input.county {
            format!("{} mot länets medel", o.name)
        } else {
            format!("{} per delmål", o.name)
        });
        radar
            .y_axis()
            .set_min(inst.scale_min().unwrap_or(0.0))
            .set_max(inst.scale_max().unwrap_or(4.0))
            .set_major_unit(1.0);
        radar.set_alt_text(if input.county {
            "Radardiagram: organisationens medel per delmål mot länets; samma tal står i tabellen till vänster."
        } else {
            "Radardiagram: organisationens medel per delmål; samma tal står i tabellen till vänster."
        });
        radar.set_width(520).set_height(380);
        ws.insert_chart(t, 4, &radar)?;
    }

    // Highest and lowest statements; disagreement.
    {
        let ws = wb.add_worksheet();
        ws.set_name("Påståenden")?;
        let mut row = heading(ws, &st, format!("{} – påståenden", o.name).as_str(), rep)?;
        let text_of = |id: &str| {
            inst.statements()
                .find(|(_, s)| s.id.as_str() == id)
                .map(|(_, s)| s.text.clone())
                .unwrap_or_default()
        };
        for (title, list) in [("Starkast", &o.scores.top), ("Svagast", &o.scores.bottom)] {
            ws.write_string_with_format(row, 0, title, &st.bold)?;
            row += 1;
            for h in list {
                ws.write_string_with_format(row, 0, h.statement.as_str(), &st.text)?;
                ws.write_string_with_format(row, 1, text_of(h.statement.as_str()), &st.wrap)?;
                ws.write_number_with_format(row, 2, h.value, &st.num)?;
                row += 1;
            }
            row += 1;
        }
        ws.write_string_with_format(
            row,
            0,
            format!(
                "Där bedömarna är oense (svaren skiljer sig {}, högsta minus lägsta svar)",
                inst.scoring.disagreement_rule()
            ),
            &st.bold,
        )?;
        row += 1;
        for (c, h) in [
            "Verksamhet",
            "Påstående",
            "Text",
            "Lägst",
            "Högst",
            "Median",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(row, c as u16, *h, &st.header)?;
        }
        row += 1;
        let mut any = false;
        for u in &o.units {
            for g in u.result.rollup.agreement.iter().filter(|g| g.disagreement) {
                any = true;
                ws.write_string_with_format(row, 0, &u.name, &st.text)?;
                ws.write_string_with_format(row, 1, g.statement.as_str(), &st.text)?;
                ws.write_string_with_format(row, 2, text_of(g.statement.as_str()), &st.wrap)?;
                score_cell(ws, &st, row, 3, g.min)?;
                score_cell(ws, &st, row, 4, g.max)?;
                score_cell(ws, &st, row, 5, g.median)?;
                row += 1;
            }
        }
        if !any {
            ws.write_string_with_format(
                row,
                0,
                format!(
                    "Inga påståenden där bedömarnas svar skiljer sig {} (högsta minus lägsta svar).",
                    inst.scoring.disagreement_rule()
                ),
                &st.note,
            )?;
        }
        ws.set_column_width(0, 24)?;
        ws.set_column_width(1, 10)?;
        ws.set_column_width(2, 60)?;
        print_setup(ws, true, 4)?;
    }

    // Comments.
    {
        let ws = wb.add_worksheet();
        ws.set_name("Kommentarer")?;
        let hr = heading(ws, &st, format!("{} – kommentarer", o.name).as_str(), rep)?;
        for (c, h) in ["Delmål", "Verksamhet", "Gäller", "Kommentar"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(hr, c as u16, *h, &st.header)?;
        }
        let mut row = hr + 1;
        for a in &inst.areas {
            for u in &o.units {
                for (what, text) in unit_comments(a, u) {
                    ws.write_string_with_format(row, 0, format!("{} {}", a.id, a.name), &st.wrap)?;
                    ws.write_string_with_format(row, 1, &u.name, &st.wrap)?;
                    ws.write_string_with_format(row, 2, &what, &st.wrap)?;
                    ws.write_string_with_format(row, 3, text, &st.wrap)?;
                    row += 1;
                }
            }
        }
        for (c, w) in [(0, 24), (1, 22), (2, 9), (3, 80)] {
            ws.set_column_width(c, w)?;
        }
        ws.set_freeze_panes(hr + 1, 0)?;
        print_setup(ws, true, hr)?;
    }

    // About.
    {
        let ws = wb.add_worksheet();
        ws.set_name("Om")?;
        let mut row = heading(ws, &st, "Om rapporten", rep)?;
        for (k, v) in [
            (
                "Instrument",
                format!("{} ({}), version {}", inst.name, inst.id, inst.version),
            ),
            (
                "Omgång",
                format!("{} ({})", rep.round.id, rep.round.status.label()),
            ),
            ("Organisation", format!("{} ({})", o.name, o.code)),
            ("Skapad", input.generated_at.to_string()),
        ] {
            ws.write_string_with_format(row, 0, k, &st.bold)?;
            ws.write_string_with_format(row, 1, v, &st.text)?;
            row += 1;
        }
        row += 1;
        for s in method_sentences(inst) {
            ws.write_string_with_format(row, 0, s, &Format::new().set_text_wrap())?;
            ws.set_row_height(row, 45)?;
            row += 1;
        }
        ws.set_column_width(0, 30)?;
        ws.set_column_width(1, 70)?;
        print_setup(ws, false, 0)?;
    }
    wb.save_to_buffer()
}

/// The characters that make a spreadsheet read a field as a formula (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV field, always quoted, and neutralised against formula injection (OWASP) wherever a
/// spreadsheet might start a field in it: a `'` goes before a formula character (`=`, `+`, `-`,
/// `@`, a tab or a carriage return) at the start of the value and after every `,`, `;`, line
/// feed or carriage return in it (quotes in between skipped). A spreadsheet that opens the file
/// with `,` as the separator leaves quoted mode after the first field and splits the rest of the
/// line at every comma, inside values too; neutralising after each possible separator means
/// that no field of any such split starts a formula, whichever separator is used.
fn csv_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    out.push('"');
    let mut field_start = true;
    for c in s.chars() {
        if field_start && c != '"' {
            if FORMULA_STARTS.contains(&c) {
                out.push('\'');
            }
            field_start = false;
        }
        if c == '"' {
            out.push('"');
        }
        out.push(c);
        if matches!(c, ',' | ';' | '\n' | '\r') {
            field_start = true;
        }
    }
    out.push('"');
    out
}

/// The column headers of the raw CSV.
const RAW_HEADERS: [&str; 12] = [
    "Omgång",
    "Kod",
    "Organisation",
    "Verksamhet",
    "Bedömare",
    "Delmål",
    "Delmålets namn",
    "Påstående-ID",
    "Påstående",
    "Värde",
    "Svar",
    "Kommentar",
];

/// A table as CSV the way [`raw_csv`] writes it (BOM, `;`, every field quoted and neutralised
/// against formulas, CRLF): a header row, then the rows.
pub fn csv_table(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from('\u{feff}');
    let line = |fields: Vec<String>, out: &mut String| {
        out.push_str(&fields.join(";"));
        out.push_str("\r\n");
    };
    line(headers.iter().map(|h| csv_field(h)).collect(), &mut out);
    for r in rows {
        line(r.iter().map(|f| csv_field(f)).collect(), &mut out);
    }
    out.into_bytes()
}

/// The raw answers as CSV for statistics tools and Excel: UTF-8 with a byte-order mark (so
/// Excel reads åäö), `;` between fields and a decimal comma (as Swedish Excel expects), CRLF line
/// ends, every field quoted and neutralised (see [`csv_field`]).
pub fn raw_csv(rows: &[RawRow]) -> Vec<u8> {
    let mut out = String::with_capacity(rows.len() * 180 + 200);
    out.push('\u{feff}');
    let line = |fields: &[&str], out: &mut String| {
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    };
    line(&RAW_HEADERS, &mut out);
    for r in rows {
        let value = r
            .value
            .map(|v| fmt::decimal(v, if v.fract() == 0.0 { 0 } else { 2 }))
            .unwrap_or_default();
        let fields = [
            r.round.as_str(),
            &r.org_code,
            &r.org_name,
            &r.unit,
            &r.rater,
            &r.area_id,
            &r.area_name,
            &r.statement_id,
            &r.statement,
            &value,
            &r.label,
            &r.comment,
        ];
        line(&fields, &mut out);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_neutralised() {
        assert_eq!(csv_field("vanlig text"), "\"vanlig text\"");
        assert_eq!(csv_field(""), "\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "\"'+1\"");
        assert_eq!(csv_field("-2"), "\"'-2\"");
        assert_eq!(csv_field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_field("\tx"), "\"'\tx\"");
        assert_eq!(csv_field("\rx"), "\"'\rx\"");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("a,=1+1"), "\"a,'=1+1\"");
        assert_eq!(csv_field("a;\"@x"), "\"a;\"\"'@x\"");
        assert_eq!(csv_field("rad\r\n-3"), "\"rad\r\n'-3\"");
        assert_eq!(csv_field("2,5"), "\"2,5\"");
        assert_eq!(csv_field("rad\nny"), "\"rad\nny\"");
        assert_eq!(csv_field("<script>"), "\"<script>\"");
    }

    #[test]
    fn tints_are_lighter_than_the_colour() {
        assert_eq!(tint("#000000", 0.0), 0xffffff);
        assert_eq!(tint("#ffffff", 0.35), 0xffffff);
        let t = tint("#1e8449", 0.35);
        assert!((t >> 16) & 0xff > 0x1e && (t >> 8) & 0xff > 0x84);
    }
}
