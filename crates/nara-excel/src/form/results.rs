//! The sheet Resultat: live formulas per area and the index, with the radar chart.

use super::*;

pub(super) fn results_sheet(
    ws: &mut Worksheet,
    spec: &FormSpec,
    lay: &Layout,
    filled: Option<&Filled>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let inst = spec.instrument;
    let scores = filled.map(|x| score_answers(inst, &x.effective_answers(inst)));
    let (min, max) = (inst.scale_min(), inst.scale_max());
    let share = inst.scoring().min_answered_share;
    ws.set_name(RESULT_SHEET)?;
    for (col, width) in [
        (0u16, 28.0),
        (1, 12.0),
        (2, 12.0),
        (3, 14.0),
        (4, 12.0),
        (5, 14.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    ws.write_string_with_format(0, 0, "Ert resultat per delmål", &f.title)?;
    let (needed, n_areas) = (inst.min_scored_areas(), inst.areas().len());
    let note = format!(
        "Räknas om när ni svarar. Ett delmål får ett resultat när minst {} % av påståendena har svar på skalan; annars står det ”{TOO_FEW}”. Index visas när minst {needed} av {n_areas} delmål har ett resultat.",
        (share * 100.0).round()
    );
    // Over the table's six columns (92 characters), wrapped, so that it prints whole.
    ws.merge_range(
        1,
        0,
        1,
        5,
        &note,
        &Format::new().set_text_wrap().set_align(FormatAlign::Top),
    )?;
    ws.set_row_height(1, super::wrapped_height(&note, 92.0))?;
    let header_row = 3u32;
    let mean_head = format!("Medel ({min}–{max})");
    let heads = [
        "Delmål",
        "Besvarade",
        "Påståenden",
        mean_head.as_str(),
        "Procent",
        "Läge",
        "Diagram",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, *h, &f.header)?;
    }
    // The band of a score, or `missing` (a text) where there is no score.
    let band_or = |cell: &str, missing: &str| -> String {
        // Nested IFs from the highest band down; the bands are the instrument's.
        let mut expr = format!("\"{}\"", inst.scoring().bands[0].label);
        for b in inst.scoring().bands.iter().skip(1) {
            if let Some(from) = b.from {
                // The same slack as core's `Instrument::band`.
                expr = format!("IF({cell}>={from}-0.000000001,\"{}\",{expr})", b.label);
            }
        }
        format!("=IF(ISNUMBER({cell}),{expr},{})", lit(missing))
    };
    let band_formula = |cell: &str| band_or(cell, TOO_FEW);
    let text_or = |v: Option<f64>| v.map_or_else(|| TOO_FEW.to_string(), |v| v.to_string());
    for (i, (area, (first, last, _))) in inst.areas().iter().zip(&lay.areas).enumerate() {
        let row = header_row + 1 + i as u32;
        let r = row + 1;
        let values = format!(
            "'{ANSWER_SHEET}'!${v}${}:${v}${}",
            first + 1,
            last + 1,
            v = col_letter(VALUE_COL)
        );
        let sc = scores.as_ref().and_then(|s| s.areas.get(i));
        ws.write_string_with_format(row, 0, format!("{} {}", area.id, area.name), &f.wrap)?;
        ws.write_formula_with_format(
            row,
            1,
            Formula::new(format!("=COUNT({values})"))
                .set_result(sc.map_or(0, |s| s.answered).to_string()),
            &f.wrap,
        )?;
        ws.write_number_with_format(row, 2, area.statements.len() as f64, &f.wrap)?;
        ws.write_formula_with_format(
            row,
            3,
            Formula::new(format!(
                "=IF(AND(B{r}>0,B{r}>=C{r}*{share}-0.000000001),AVERAGE({values}),\"{TOO_FEW}\")"
            ))
            .set_result(text_or(sc.and_then(|s| s.mean))),
            &f.number,
        )?;
        ws.write_formula_with_format(
            row,
            4,
            Formula::new(format!(
                "=IF(ISNUMBER(D{r}),(D{r}-{min})/({max}-{min})*100,\"{TOO_FEW}\")"
            ))
            .set_result(text_or(sc.and_then(|s| s.percent))),
            &f.percent,
        )?;
        let band = sc
            .and_then(|s| s.band.as_deref())
            .and_then(|id| inst.scoring().bands.iter().find(|b| b.id == id))
            .map_or(TOO_FEW, |b| b.label.as_str());
        ws.write_formula_with_format(
            row,
            5,
            Formula::new(band_formula(&format!("D{r}"))).set_result(band),
            &f.wrap,
        )?;
        ws.write_formula_with_format(
            row,
            6,
            Formula::new(format!("=IF(ISNUMBER(D{r}),D{r},NA())")).set_result(
                sc.and_then(|s| s.mean)
                    .map_or("#N/A".into(), |v| v.to_string()),
            ),
            &f.number,
        )?;
    }
    let n = inst.areas().len() as u32;
    let (top, bottom) = (header_row + 2, header_row + 1 + n);
    let idx = header_row + 1 + n;
    let r = idx + 1;
    // The index, as core's `score`: the mean of the scored areas when at least
    // `min_scored_areas` of them are scored; otherwise "inget index", with the reason once, in
    // the Läge column.
    ws.write_string_with_format(idx, 0, "Index (alla delmål)", &f.area)?;
    let index_or = |v: Option<f64>| v.map_or_else(|| NO_INDEX.to_string(), |v| v.to_string());
    ws.write_formula_with_format(
        idx,
        3,
        Formula::new(format!(
            "=IF(COUNT(D{top}:D{bottom})>={needed},AVERAGE(D{top}:D{bottom}),\"{NO_INDEX}\")"
        ))
        .set_result(index_or(scores.as_ref().and_then(|s| s.overall))),
        &f.number,
    )?;
    ws.write_formula_with_format(
        idx,
        4,
        Formula::new(format!(
            "=IF(ISNUMBER(D{r}),(D{r}-{min})/({max}-{min})*100,\"–\")"
        ))
        .set_result(
            scores
                .as_ref()
                .and_then(|s| s.overall_percent)
                .map_or_else(|| "–".to_string(), |v| v.to_string()),
        ),
        &f.percent,
    )?;
    // Said once, beside "inget index"; not wrapped, so that it runs on over the empty cells to
    // its right.
    let reason = format!("Färre än {needed} av {n_areas} delmål har tillräckligt många svar.");
    let overall_band = scores
        .as_ref()
        .and_then(|s| s.overall)
        .map_or_else(|| reason.clone(), |o| inst.band(o).label.clone());
    ws.write_formula_with_format(
        idx,
        5,
        Formula::new(band_or(&format!("D{r}"), &reason)).set_result(overall_band),
        &Format::new(),
    )?;

    // Entries the importer would refuse, marked red on the answer sheet.
    let invalid_row = idx + 1;
    let (first_value, last_value) = (
        lay.areas.first().map_or(0, |a| a.0) + 1,
        lay.areas.last().map_or(0, |a| a.1) + 1,
    );
    let invalid_now = filled.map_or(0, |x| {
        x.typed
            .values()
            .filter(|t| inst.parse_answer(&t.import_text()).is_err())
            .count()
    });
    ws.write_string_with_format(
        invalid_row,
        0,
        "Svar som inte kan läsas (röda på fliken Självskattning)",
        &f.wrap,
    )?;
    ws.set_row_height(invalid_row, 30.0)?;
    ws.write_formula_with_format(
        invalid_row,
        1,
        Formula::new(format!(
            "=COUNTIF('{ANSWER_SHEET}'!${v}${first_value}:${v}${last_value},\"{INVALID}\")",
            v = col_letter(VALUE_COL)
        ))
        .set_result(invalid_now.to_string()),
        &f.wrap,
    )?;

    let mut chart = Chart::new(ChartType::RadarWithMarkers);
    chart
        .add_series()
        .set_name("Medel per delmål")
        .set_categories((RESULT_SHEET, header_row + 1, 0, header_row + n, 0))
        .set_values((RESULT_SHEET, header_row + 1, 6, header_row + n, 6));
    chart.title().set_name("Resultat per delmål");
    chart.y_axis().set_min(min).set_max(max).set_major_unit(1.0);
    chart.legend().set_hidden();
    chart.set_alt_text("Radardiagram med verksamhetens medelvärde per delmål; samma siffror står i tabellen ovanför.");
    chart.set_width(560).set_height(400);
    // The chart's values stand in the hidden column G.
    chart.show_hidden_data();
    ws.insert_chart(idx + 3, 0, &chart)?;
    // The chart's helper column holds #N/A where there is no score (a gap in the chart): it is
    // hidden, on screen and in print; the page holds the table, the chart and the reason for a
    // missing index, which runs on to the right.
    ws.set_column_hidden(6)?;
    super::print_a4(ws, spec);
    ws.set_print_fit_to_pages(1, 1);
    // The chart is 400 pixels high: 20 rows of the default height, and a row to spare.
    ws.set_print_area(0, 0, idx + 3 + 21, 9)?;
    ws.protect();
    Ok(())
}
