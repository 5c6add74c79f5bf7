//! The organisation report workbook: Översikt, Påståenden, Kommentarer, Nyckeltal (in
//! [`super::nyckeltal`]), Aktiviteter and Lokala planer (in [`super::activities`]) and Om.

use nara_core::Instrument;
use nara_core::report::{OrgReport, RoundReport};
use rust_xlsxwriter::{Chart, ChartType, DocProperties, Workbook, XlsxError};

use super::style::{
    Styles, band_colours, band_label, fit_row, heading, index_cell, legend, method_rows,
    print_setup, score_cell, styles, unit_comments,
};
use super::{OrgInput, activities, method_sentences, nyckeltal};

/// What every sheet of the organisation report is drawn from.
#[derive(Clone, Copy)]
pub(super) struct Org<'a> {
    /// The input.
    input: &'a OrgInput<'a>,
    /// The round's instrument version.
    inst: &'a Instrument,
    /// The round's results for the whole county.
    rep: &'a RoundReport,
    /// The formats.
    st: &'a Styles,
    /// The organisation's results.
    o: &'a OrgReport,
    /// The number of areas.
    n_areas: u16,
}

/// The organisation report workbook for `o`, the organisation's part of the report.
pub(super) fn workbook(input: &OrgInput, o: &OrgReport) -> Result<Vec<u8>, XlsxError> {
    let (inst, rep) = (input.instrument, input.report);
    let st = styles(inst);
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} {}", o.name, rep.round.id))
            .set_comment("Skapad av Nära"),
    );
    let n_areas = inst.areas().len() as u16;
    let cx = Org {
        input,
        inst,
        rep,
        st: &st,
        o,
        n_areas,
    };
    for sheet in [overview, statements, comments] {
        sheet(&mut wb, &cx)?;
    }
    nyckeltal::org_sheet(&mut wb, &st, rep, o, input.nyckeltal)?;
    let title = format!(
        "{} – aktiviteter",
        nara_core::org::with_code(&o.name, &o.code)
    );
    activities::activity_sheet(&mut wb, &st, rep, &title, &input.activities)?;
    let title = format!(
        "{} – lokala planer där organisationen är part",
        nara_core::org::with_code(&o.name, &o.code)
    );
    activities::plan_sheet(&mut wb, &st, rep, &title, &input.activities)?;
    about(&mut wb, &cx)?;
    wb.save_to_buffer()
}

/// The sheet Översikt: the units side by side, the organisation and the county mean.
pub(super) fn overview(wb: &mut Workbook, cx: &Org) -> Result<(), XlsxError> {
    let Org {
        input,
        inst,
        rep,
        st,
        o,
        n_areas,
        ..
    } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Översikt")?;
    let hr = heading(
        ws,
        st,
        &format!(
            "{} – omgång {}",
            nara_core::org::with_code(&o.name, &o.code),
            rep.round.id
        ),
        rep,
    )?;
    let mut heads: Vec<(String, f64)> = vec![
        ("Verksamhet".into(), 30.0),
        ("Bedömare".into(), 12.0),
        ("Index".into(), 12.0),
        ("Index, läge".into(), 12.0),
    ];
    for a in inst.areas() {
        heads.push((format!("{} {}", a.id, a.name), 12.0));
        heads.push((format!("{} läge", a.id), 12.0));
    }
    for (c, (h, w)) in heads.iter().enumerate() {
        ws.write_string_with_format(hr, c as u16, h, &st.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let cells: Vec<(&str, f64)> = heads.iter().map(|(h, w)| (h.as_str(), *w)).collect();
    fit_row(ws, hr, &cells)?;
    let mut row = hr + 1;
    for u in &o.units {
        ws.write_string_with_format(row, 0, u.name.as_str(), &st.text)?;
        ws.write_string_with_format(row, 1, u.raters_text(), &st.text)?;
        index_cell(ws, st, row, 2, u.result.scores.overall)?;
        ws.write_string_with_format(row, 3, band_label(inst, u.result.scores.overall), &st.text)?;
        for (i, a) in u.result.scores.areas.iter().enumerate() {
            score_cell(ws, st, row, 4 + 2 * i as u16, a.mean)?;
            ws.write_string_with_format(row, 5 + 2 * i as u16, band_label(inst, a.mean), &st.text)?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "Hela organisationen", &st.bold)?;
    index_cell(ws, st, row, 2, o.scores.overall)?;
    ws.write_string_with_format(row, 3, band_label(inst, o.scores.overall), &st.text)?;
    for (i, a) in o.scores.areas.iter().enumerate() {
        score_cell(ws, st, row, 4 + 2 * i as u16, a.mean)?;
        ws.write_string_with_format(row, 5 + 2 * i as u16, band_label(inst, a.mean), &st.text)?;
    }
    let org_row = row;
    row += 1;
    if input.county {
        ws.write_string_with_format(row, 0, "Länets medel", &st.bold)?;
        index_cell(ws, st, row, 2, rep.county.overall.map(|s| s.mean))?;
        for (i, a) in rep.county.areas.iter().enumerate() {
            score_cell(ws, st, row, 4 + 2 * i as u16, a.stats.map(|s| s.mean))?;
        }
    } else {
        ws.write_string_with_format(
            row,
            0,
            "Länets siffror visas när omgången har publicerats.",
            &st.note,
        )?;
    }
    band_colours(ws, st, hr + 1, 2, org_row, 2)?;
    for i in 0..n_areas {
        band_colours(ws, st, hr + 1, 4 + 2 * i, org_row, 4 + 2 * i)?;
    }
    // Why an index is missing, said once under the table: the organisation's own reason
    // first.
    if let Some(why) = o.no_index_note(inst, input.county.then_some(&rep.county)) {
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
    let prev = rep
        .previous_in(input.trend)
        .and_then(|t| t.organisations.get(o.code.as_str()));
    for (i, a) in inst.areas().iter().enumerate() {
        let before = prev.and_then(|p| p.areas.get(i)).and_then(|x| x.mean);
        let now = o.scores.areas.get(i).and_then(|x| x.mean);
        ws.write_string_with_format(row, 0, format!("{} {}", a.id, a.name), &st.text)?;
        score_cell(ws, st, row, 1, before)?;
        score_cell(ws, st, row, 2, now)?;
        if let Some(c) = o.change.get(i).and_then(|c| c.as_ref()) {
            ws.write_number_with_format(row, 3, c.delta, &st.num)?;
            ws.write_string_with_format(row, 4, c.direction.label(), &st.text)?;
        } else {
            ws.write_string_with_format(row, 3, "–", &st.missing)?;
        }
        row += 1;
    }
    row += 1;
    legend(ws, st, row)?;
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
    fit_row(ws, t, &[(o.name.as_str(), 12.0), ("Länets medel", 12.0)])?;
    for (i, a) in inst.areas().iter().enumerate() {
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
        .set_min(inst.scale_min())
        .set_max(inst.scale_max())
        .set_major_unit(1.0);
    radar.set_alt_text(if input.county {
        "Radardiagram: organisationens medel per delmål mot länets; samma tal står i tabellen till vänster."
    } else {
        "Radardiagram: organisationens medel per delmål; samma tal står i tabellen till vänster."
    });
    radar.set_width(520).set_height(380);
    ws.insert_chart(t, 4, &radar)?;
    Ok(())
}

/// The sheet Påståenden: the highest and lowest statements, and where the raters disagree.
///
/// Highest and lowest statements; disagreement.
pub(super) fn statements(wb: &mut Workbook, cx: &Org) -> Result<(), XlsxError> {
    let Org {
        inst, rep, st, o, ..
    } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Påståenden")?;
    let mut row = heading(ws, st, format!("{} – påståenden", o.name).as_str(), rep)?;
    let text_of = |id: &str| {
        inst.statements()
            .find(|(_, s)| s.id.as_str() == id)
            .map(|(_, s)| s.text.clone())
            .unwrap_or_default()
    };
    // The columns: delmål (24), statement id (10), its text (60), numbers (10).
    let area_of = |id: &nara_core::AreaId| {
        inst.areas()
            .iter()
            .find(|a| &a.id == id)
            .map(|a| format!("{} {}", a.id, a.name))
            .unwrap_or_else(|| id.to_string())
    };
    for (title, list) in [("Starkast", &o.scores.top), ("Svagast", &o.scores.bottom)] {
        ws.write_string_with_format(row, 0, title, &st.bold)?;
        row += 1;
        for (c, h) in ["Delmål", "Påstående", "Text", "Medel"].iter().enumerate() {
            ws.write_string_with_format(row, c as u16, *h, &st.header)?;
        }
        row += 1;
        for h in list {
            let (area, text) = (area_of(&h.area), text_of(h.statement.as_str()));
            ws.write_string_with_format(row, 0, &area, &st.wrap)?;
            ws.write_string_with_format(row, 1, h.statement.as_str(), &st.wrap)?;
            ws.write_string_with_format(row, 2, &text, &st.wrap)?;
            ws.write_number_with_format(row, 3, h.value, &st.num)?;
            fit_row(ws, row, &[(area.as_str(), 24.0), (text.as_str(), 60.0)])?;
            row += 1;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, inst.scoring().disagreement_heading(), &st.bold)?;
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
            ws.write_string_with_format(row, 0, u.name.as_str(), &st.text)?;
            ws.write_string_with_format(row, 1, g.statement.as_str(), &st.text)?;
            let text = text_of(g.statement.as_str());
            ws.write_string_with_format(row, 2, &text, &st.wrap)?;
            fit_row(ws, row, &[(text.as_str(), 60.0)])?;
            score_cell(ws, st, row, 3, g.min)?;
            score_cell(ws, st, row, 4, g.max)?;
            score_cell(ws, st, row, 5, g.median)?;
            row += 1;
        }
    }
    if !any {
        let none = inst.scoring().no_disagreement_note();
        ws.write_string_with_format(row, 0, none, &st.note)?;
    }
    for (c, w) in [(0, 24), (1, 10), (2, 60), (3, 10), (4, 10), (5, 10)] {
        ws.set_column_width(c, w)?;
    }
    print_setup(ws, true, 4)?;
    Ok(())
}

/// The sheet Kommentarer: the units' comments.
///
/// Comments.
pub(super) fn comments(wb: &mut Workbook, cx: &Org) -> Result<(), XlsxError> {
    let Org {
        inst, rep, st, o, ..
    } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Kommentarer")?;
    let hr = heading(ws, st, format!("{} – kommentarer", o.name).as_str(), rep)?;
    for (c, h) in ["Delmål", "Verksamhet", "Gäller", "Kommentar"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(hr, c as u16, *h, &st.header)?;
    }
    let mut row = hr + 1;
    for a in inst.areas() {
        for u in &o.units {
            for (what, text) in unit_comments(a, u) {
                ws.write_string_with_format(row, 0, format!("{} {}", a.id, a.name), &st.wrap)?;
                ws.write_string_with_format(row, 1, u.name.as_str(), &st.wrap)?;
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
    Ok(())
}

/// The sheet Om: the instrument, the round, the organisation and the method.
///
/// About.
pub(super) fn about(wb: &mut Workbook, cx: &Org) -> Result<(), XlsxError> {
    let Org {
        input,
        inst,
        rep,
        st,
        o,
        ..
    } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Om")?;
    let mut row = heading(ws, st, "Om rapporten", rep)?;
    for (k, v) in [
        (
            "Instrument",
            format!(
                "{} ({}), version {}",
                inst.name(),
                inst.id(),
                inst.version()
            ),
        ),
        (
            "Omgång",
            format!("{} ({})", rep.round.id, rep.round.status.label()),
        ),
        ("Organisation", nara_core::org::with_code(&o.name, &o.code)),
        ("Skapad", input.generated_at.to_string()),
    ] {
        ws.write_string_with_format(row, 0, k, &st.bold)?;
        ws.write_string_with_format(row, 1, v, &st.text)?;
        row += 1;
    }
    row += 1;
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 70)?;
    method_rows(ws, row, &method_sentences(inst), 100.0)?;
    print_setup(ws, false, 0)?;
    Ok(())
}
