//! The county summary's sheets Utveckling, Fritext, Rådata and Om.

use nara_core::report::trend_change;
use rust_xlsxwriter::{Chart, ChartType, Table, TableColumn, Workbook, XlsxError};

use super::county::County;
use super::style::{
    TrendLine, band_colours, fit_row, heading, index_cell, method_rows, print_setup, score_cell,
    unit_comments,
};
use super::{method_sentences, raw_sheet};

/// The sheet Utveckling: the county's index over the rounds, and every organisation's index and
/// area means per round.
pub(super) fn trend(wb: &mut Workbook, cx: &County) -> Result<(), XlsxError> {
    let County {
        input,
        inst,
        rep,
        st,
        ..
    } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Utveckling")?;
    let hr = heading(
        ws,
        st,
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
            .set_min(inst.scale_min())
            .set_max(inst.scale_max());
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
        for (i, a) in inst.areas().iter().enumerate() {
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
    for (i, a) in inst.areas().iter().enumerate() {
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
                Some(x) if what == "Index" => index_cell(ws, st, row, 3 + k as u16, *x)?,
                Some(x) => score_cell(ws, st, row, 3 + k as u16, *x)?,
                None => {
                    ws.write_string_with_format(row, 3 + k as u16, "–", &st.missing)?;
                }
            }
        }
        let scored: Vec<Option<f64>> = vals.iter().map(|v| v.flatten()).collect();
        if let Some(c) = trend_change(inst, &scored) {
            ws.write_number_with_format(row, 3 + nr, c.delta, &st.num)?;
            ws.write_string_with_format(row, 4 + nr, c.direction.label(), &st.text)?;
        }
        row += 1;
    }
    if row > t0 + 1 {
        ws.autofilter(t0, 0, row - 1, 4 + nr)?;
        band_colours(ws, st, t0 + 1, 3, row - 1, 2 + nr.max(1))?;
    }
    ws.set_column_width(0, 26)?;
    ws.set_column_width(2, 28)?;
    for c in 3..5 + nr {
        ws.set_column_width(c, 12)?;
    }
    let cells: Vec<(&str, f64)> = heads.iter().map(|h| (h.as_str(), 12.0)).collect();
    fit_row(ws, t0, &cells)?;
    ws.set_freeze_panes(t0 + 1, 3)?;
    print_setup(ws, true, t0)?;
    Ok(())
}

/// The sheet Fritext: every comment, per area, organisation and unit.
pub(super) fn free_text(wb: &mut Workbook, cx: &County) -> Result<(), XlsxError> {
    let County { inst, rep, st, .. } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Fritext")?;
    let hr = heading(ws, st, &format!("Kommentarer {}", rep.round.id), rep)?;
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
    for a in inst.areas() {
        for o in &rep.organisations {
            for u in &o.units {
                for (what, text) in unit_comments(a, u) {
                    ws.write_string_with_format(row, 0, format!("{} {}", a.id, a.name), &st.wrap)?;
                    ws.write_string_with_format(row, 1, &o.name, &st.wrap)?;
                    ws.write_string_with_format(row, 2, o.code.as_str(), &st.wrap)?;
                    ws.write_string_with_format(row, 3, u.name.as_str(), &st.wrap)?;
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
    Ok(())
}

/// The `k`th sheet Rådata (from 0) with `rows` answers of the round and of the earlier rounds of
/// its family, as a table: its note, header and table over one placeholder row; the rows are
/// put in after the workbook is written ([`super::raw_sheet::splice`]).
pub(super) fn raw_data(wb: &mut Workbook, cx: &County, k: usize) -> Result<(), XlsxError> {
    let County { rep, st, .. } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name(raw_sheet::sheet_name(k))?;
    if let Some(note) = rep.preliminary_note() {
        ws.write_string_with_format(0, 0, note, &st.prelim)?;
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
    let heads = super::csv::RAW_HEADERS;
    let hr = raw_sheet::HEADER_ROW;
    let columns: Vec<TableColumn> = heads
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    let table = Table::new()
        .set_name(raw_sheet::table_name(k))
        .set_columns(&columns);
    // One row here: a table's range costs memory per cell in rust_xlsxwriter.
    ws.add_table(hr, 0, hr + 1, heads.len() as u16 - 1, &table)?;
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
    // Thousands of rows are for pivot tables, not paper: only the two lines above the table
    // print, and say how to print the rest.
    let last_col = heads.len() as u16 - 1;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        RAW_PRINT_NOTE,
        &st.note.clone().set_text_wrap(),
    )?;
    ws.set_row_height(1, 30)?;
    ws.set_print_area(0, 0, 1, last_col)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 1);
    ws.set_footer(super::style::PAGE_FOOTER);
    Ok(())
}

/// What the sheet Rådata says about printing it.
pub(crate) const RAW_PRINT_NOTE: &str = "Rådata skrivs inte ut rad för rad: utskriftsområdet är de här två raderna. Vill ni skriva ut tabellen, ta bort utskriftsområdet (Sidlayout → Utskriftsområde → Rensa) eller skriv ut en markering.";

/// The sheet Om: the instrument, the round, the counts and the method.
pub(super) fn about(wb: &mut Workbook, cx: &County) -> Result<(), XlsxError> {
    let County {
        input,
        inst,
        rep,
        st,
        ..
    } = *cx;
    let ws = wb.add_worksheet();
    ws.set_name("Om")?;
    let mut row = heading(ws, st, "Om sammanställningen", rep)?;
    let facts = [
        ("Instrument", format!("{} ({})", inst.name(), inst.id())),
        ("Version", inst.version().to_string()),
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
        ("Verksamheter", rep.unit_count().to_string()),
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
    ws.set_column_width(0, 32)?;
    ws.set_column_width(1, 70)?;
    method_rows(ws, row, &method_sentences(inst), 102.0)?;
    print_setup(ws, false, 0)?;
    Ok(())
}
