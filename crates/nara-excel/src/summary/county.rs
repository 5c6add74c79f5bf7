//! The county summary workbook: its context and the sheets Översikt, Diagram and Påståenden
//! (Sammanfattning, the first sheet, is in [`super::digest`]; Utveckling, Fritext, Rådata and Om
//! are in [`super::county_detail`], Nyckeltal in [`super::nyckeltal`], Aktiviteter and Lokala
//! planer in [`super::activities`]). Every sheet prints on A4 with page numbers and its header
//! row repeated; Rådata prints only its first two lines.

use nara_core::Instrument;
use nara_core::report::RoundReport;
use rust_xlsxwriter::{
    Chart, ChartAxisCrossing, ChartType, Color, DocProperties, Workbook, XlsxError,
};

use super::county_detail::{about, free_text, raw_data, trend};
use super::digest::digest;
use super::style::{
    StatOf, Styles, band_colours, band_label, change_text, fit_row, heading, index_cell, legend,
    print_setup, score_cell, styles,
};
use super::{SummaryInput, activities, nyckeltal, raw_sheet};

/// Översikt's first area column (each area has two: the mean and its band).
const AREA_COL: u16 = 6;

/// What every sheet of the county summary is drawn from.
#[derive(Clone, Copy)]
pub(super) struct County<'a> {
    /// The input.
    pub(super) input: &'a SummaryInput<'a>,
    /// The round's instrument version.
    pub(super) inst: &'a Instrument,
    /// The round's results.
    pub(super) rep: &'a RoundReport,
    /// The formats.
    pub(super) st: &'a Styles,
    /// The number of areas.
    pub(super) n_areas: u16,
    /// The number of organisations that answered.
    pub(super) org_rows: u32,
}

/// The county summary workbook, one sheet after the other, written to `to`.
pub(super) fn workbook<W: std::io::Write + std::io::Seek>(
    input: &SummaryInput,
    to: W,
) -> Result<W, XlsxError> {
    let (inst, rep) = (input.instrument, input.report);
    let st = styles(inst);
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Länssammanställning {}", rep.round.id))
            .set_subject(inst.name().to_string())
            .set_comment("Skapad av Nära"),
    );
    // A lighter deflate (level 3 of 9): the workbook is written in about half the time and is
    // about a tenth larger.
    wb.set_zip_compression_level(3);
    let n_areas = inst.areas().len() as u16;
    let org_rows = rep.organisations.len() as u32;
    let cx = County {
        input,
        inst,
        rep,
        st: &st,
        n_areas,
        org_rows,
    };
    for sheet in [digest, overview, charts, statements, trend, free_text] {
        sheet(&mut wb, &cx)?;
    }
    nyckeltal::county_sheet(
        &mut wb,
        &st,
        inst,
        rep,
        input.nyckeltal,
        input.nyckeltal_sources,
    )?;
    activities::activity_sheet(&mut wb, &st, rep, "Aktiviteter i länet", &input.activities)?;
    activities::plan_sheet(
        &mut wb,
        &st,
        rep,
        "Lokala planer i samverkan",
        &input.activities,
    )?;
    let plan = raw_sheet::plan(input.raw.round_rows(), raw_sheet::SHEET_ROWS);
    let mut parts = Vec::with_capacity(plan.len());
    for (k, rows) in plan.into_iter().enumerate() {
        raw_data(&mut wb, &cx, k)?;
        parts.push(raw_sheet::Part {
            path: format!("xl/worksheets/sheet{}.xml", wb.worksheets().len()),
            table: raw_sheet::table_name(k),
            rows,
        });
    }
    about(&mut wb, &cx)?;
    raw_sheet::splice(&wb.save_to_buffer()?, input.raw, &parts, to)
}

/// The sheet Översikt: every organisation's index and area means with their bands, and the county's
/// statistics and change.
pub(super) fn overview(wb: &mut Workbook, cx: &County) -> Result<(), XlsxError> {
    let County {
        inst,
        rep,
        st,
        n_areas,
        org_rows,
        ..
    } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Översikt")?;
    let mut row = heading(
        ws,
        st,
        &format!("Länssammanställning {} – {}", rep.round.id, inst.name()),
        rep,
    )?;
    let hr = row;
    let prev = rep
        .previous
        .map_or_else(|| "förra omgången".to_string(), |p| p.to_string());
    let mut heads: Vec<(String, f64)> = vec![
        ("Organisation".into(), 30.0),
        ("Kod".into(), 7.0),
        ("Enheter".into(), 8.0),
        ("Index".into(), 9.0),
        ("Index, läge".into(), 11.0),
        (format!("Index, förändring sedan {prev}"), 20.0),
    ];
    for a in inst.areas() {
        heads.push((format!("{} {}", a.id, a.name), 14.0));
        heads.push((format!("{} läge", a.id), 10.0));
    }
    for (c, (h, w)) in heads.iter().enumerate() {
        ws.write_string_with_format(hr, c as u16, h, &st.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let cells: Vec<(&str, f64)> = heads.iter().map(|(h, w)| (h.as_str(), *w)).collect();
    fit_row(ws, hr, &cells)?;
    row += 1;
    for o in &rep.organisations {
        ws.write_string_with_format(row, 0, &o.name, &st.text)?;
        ws.write_string_with_format(row, 1, o.code.as_str(), &st.text)?;
        ws.write_number_with_format(row, 2, o.units.len() as f64, &st.int)?;
        index_cell(ws, st, row, 3, o.scores.overall)?;
        ws.write_string_with_format(row, 4, band_label(inst, o.scores.overall), &st.text)?;
        ws.write_string_with_format(row, 5, change_text(o.overall_change.as_ref()), &st.text)?;
        for (i, a) in o.scores.areas.iter().enumerate() {
            let c = AREA_COL + 2 * i as u16;
            score_cell(ws, st, row, c, a.mean)?;
            ws.write_string_with_format(row, c + 1, band_label(inst, a.mean), &st.text)?;
        }
        row += 1;
    }
    let last_org = row.saturating_sub(1);
    if org_rows > 0 {
        ws.autofilter(hr, 0, last_org, AREA_COL - 1 + 2 * n_areas)?;
        band_colours(ws, st, hr + 1, 3, last_org, 3)?;
        for i in 0..n_areas {
            let c = AREA_COL + 2 * i;
            band_colours(ws, st, hr + 1, c, last_org, c)?;
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
        index_cell(ws, st, row, 3, rep.county.overall.map(|s| f(&s)))?;
        for (i, a) in rep.county.areas.iter().enumerate() {
            score_cell(ws, st, row, AREA_COL + 2 * i as u16, a.stats.map(|s| f(&s)))?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "Organisationer med poäng", &st.bold)?;
    ws.write_number_with_format(row, 3, rep.county.orgs_scored as f64, &st.int)?;
    for (i, a) in rep.county.areas.iter().enumerate() {
        ws.write_number_with_format(row, AREA_COL + 2 * i as u16, a.orgs_scored as f64, &st.int)?;
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
            let col = AREA_COL + 2 * i as u16;
            ws.write_string_with_format(row, col, change_text(c.as_ref()), &st.text)?;
        }
        row += 1;
    }
    row += 1;
    // Why an index is missing, said once under the table.
    if let Some(why) = rep.county_no_index_note(inst) {
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
                    .map(|o| nara_core::org::with_code(&o.name, &o.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &st.note,
        )?;
        row += 2;
    }
    legend(ws, st, row)?;
    ws.set_freeze_panes(hr + 1, 1)?;
    print_setup(ws, true, hr)?;
    Ok(())
}

/// The sheet Diagram: the county's area means (this round and the previous) with the radar and bar
/// charts.
pub(super) fn charts(wb: &mut Workbook, cx: &County) -> Result<(), XlsxError> {
    let County {
        inst,
        rep,
        st,
        n_areas,
        org_rows,
        ..
    } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Diagram")?;
    let mut row = heading(ws, st, &format!("Diagram {}", rep.round.id), rep)?;
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
    for (i, a) in inst.areas().iter().enumerate() {
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
        .set_min(inst.scale_min())
        .set_max(inst.scale_max())
        .set_major_unit(1.0);
    radar.set_alt_text("Radardiagram: länets medel per delmål i år och förra omgången; samma tal står i tabellen till vänster.");
    radar.set_width(520).set_height(380);
    ws.insert_chart(hr, 4, &radar)?;
    row = last_area.max(hr + 20) + 2;
    let t = row;
    ws.write_string_with_format(t, 0, "Organisation", &st.header)?;
    let mut cells = Vec::new();
    for (i, a) in inst.areas().iter().enumerate() {
        let name = format!("{} {}", a.id, a.name);
        ws.write_string_with_format(t, 1 + i as u16, &name, &st.header)?;
        cells.push((name, 14.0));
    }
    let cells: Vec<(&str, f64)> = cells.iter().map(|(h, w)| (h.as_str(), *w)).collect();
    fit_row(ws, t, &cells)?;
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
        for (i, a) in inst.areas().iter().enumerate() {
            // Each organisation's bar in the colour of its band (grey without a score).
            let colours: Vec<Color> = rep
                .organisations
                .iter()
                .map(|o| {
                    o.scores
                        .areas
                        .get(i)
                        .and_then(|x| x.mean)
                        .map_or(Color::RGB(0x00bf_bfbf), |m| band_colour(inst, m))
                })
                .collect();
            let mut bar = Chart::new(ChartType::Bar);
            bar.add_series()
                .set_name(&format!("{} {}", a.id, a.name))
                .set_categories(("Diagram", t + 1, 0, last, 0))
                .set_values(("Diagram", t + 1, 1 + i as u16, last, 1 + i as u16))
                .set_point_colors(&colours);
            // The organisations from the top down, as in the table (the value axis stays at
            // the bottom).
            bar.y_axis()
                .set_reverse()
                .set_crossing(ChartAxisCrossing::Max);
            bar.title()
                .set_name(&format!("{} {} per organisation", a.id, a.name));
            bar.x_axis()
                .set_min(inst.scale_min())
                .set_max(inst.scale_max());
            bar.legend().set_hidden();
            bar.set_alt_text(format!("Stapeldiagram: organisationernas medel på {} {} i tabellens ordning, färgade efter läge; samma tal står i tabellen ovanför. Saknad stapel betyder för få svar.", a.id, a.name));
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
    // A new page before the bar charts and before each pair of them, so no chart is cut.
    if org_rows > 0 {
        let breaks: Vec<u32> = (0..n_areas.div_ceil(2))
            .map(|k| chart_row + u32::from(k) * (org_rows + 6))
            .collect();
        ws.set_page_breaks(&breaks)?;
    }
    Ok(())
}

/// The sheet Påståenden: the distribution of every rater's answers per statement, the mean and the
/// organisations' range.
pub(super) fn statements(wb: &mut Workbook, cx: &County) -> Result<(), XlsxError> {
    let County { inst, rep, st, .. } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Påståenden")?;
    let hr = heading(
        ws,
        st,
        &format!(
            "Påståendena {} – fördelning av alla bedömares svar",
            rep.round.id
        ),
        rep,
    )?;
    let mut heads: Vec<String> = vec!["ID".into(), "Delmål".into(), "Påstående".into()];
    heads.extend(
        inst.scale()
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
    let nl = inst.scale().levels.len() as u16;
    // Narrow number columns with wrapped headers, so the page stays readable in print.
    let last = heads.len() - 1;
    let width = |c: usize| match c {
        0 => 6.0,
        1 => 7.0,
        2 => 50.0,
        c if c == last => 14.0,
        _ => 9.0,
    };
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(hr, c as u16, h, &st.header)?;
        ws.set_column_width(c as u16, width(c))?;
    }
    let cells: Vec<(&str, f64)> = heads
        .iter()
        .enumerate()
        .map(|(c, h)| (h.as_str(), width(c)))
        .collect();
    fit_row(ws, hr, &cells)?;
    let mut row = hr + 1;
    for (area, s) in inst.statements() {
        let Some(d) = rep.distribution.iter().find(|d| d.statement == s.id) else {
            continue;
        };
        ws.write_string_with_format(row, 0, s.id.as_str(), &st.text)?;
        ws.write_string_with_format(row, 1, area.id.as_str(), &st.text)?;
        ws.write_string_with_format(row, 2, &s.text, &st.wrap)?;
        fit_row(ws, row, &[(s.text.as_str(), width(2))])?;
        for (i, n) in d.levels.iter().enumerate() {
            ws.write_number_with_format(row, 3 + i as u16, *n as f64, &st.int)?;
        }
        ws.write_number_with_format(row, 3 + nl, d.not_applicable as f64, &st.int)?;
        ws.write_number_with_format(row, 4 + nl, d.blank as f64, &st.int)?;
        score_cell(ws, st, row, 5 + nl, d.mean)?;
        let spread = rep.statement_spread(&s.id);
        score_cell(ws, st, row, 6 + nl, spread.map(|s| s.min))?;
        score_cell(ws, st, row, 7 + nl, spread.map(|s| s.max))?;
        let orgs = spread.map_or(0, |s| s.n);
        ws.write_number_with_format(row, 8 + nl, orgs as f64, &st.int)?;
        row += 1;
    }
    if row > hr + 1 {
        ws.autofilter(hr, 0, row - 1, 8 + nl)?;
    }
    ws.set_freeze_panes(hr + 1, 3)?;
    print_setup(ws, true, hr)?;
    Ok(())
}

/// The colour of a score's band, as the instrument gives it.
fn band_colour(inst: &Instrument, score: f64) -> Color {
    let hex = inst.band(score).color.trim_start_matches('#');
    Color::RGB(u32::from_str_radix(hex, 16).unwrap_or(0x00bf_bfbf))
}
