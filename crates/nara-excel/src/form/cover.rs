//! The sheet Instruktioner, and the lines the printed form carries about the scale, the
//! deadline and where to send it (also written above the answer table and in the page header).

use super::*;

/// The height (points) of a row holding `text` wrapped in a column `width` wide: 15 points a
/// line, each line break starting a new line.
pub(super) fn wrapped_height(text: &str, width: f64) -> f64 {
    15.0 * crate::summary::wrapped_lines(text, width) as f64
}

/// The scale in one sentence: `Skala: 1 Stämmer inte alls, …, 4 Stämmer helt. ”Vet ej / ej
/// aktuellt” räknas inte.`
pub(super) fn scale_line(inst: &Instrument) -> String {
    let levels: Vec<String> = inst
        .scale()
        .levels
        .iter()
        .map(|l| format!("{} {}", l.value, l.label))
        .collect();
    format!(
        "Skala: {}. ”{}” räknas inte in i poängen.",
        levels.join(", "),
        inst.scale().not_applicable.label
    )
}

/// Where and by when the filled form goes: `Skicka den ifyllda blanketten till Anna Andersson,
/// anna@region.se senast 2026-12-15.` (to the regional coordinator when the form names no
/// one; without `senast` when the round has no closing day).
pub(super) fn send_line(spec: &FormSpec) -> String {
    let to = spec
        .send_to
        .map_or_else(|| "den regionala samordnaren".to_string(), |c| c.display());
    match spec.round.closes {
        Some(d) => format!("Skicka den ifyllda blanketten till {to} senast {d}."),
        None => format!("Skicka den ifyllda blanketten till {to}."),
    }
}

/// Who answers questions: `Frågor: Anna Andersson, anna@region.se.`; `None` when the form
/// names no one.
pub(super) fn questions_line(spec: &FormSpec) -> Option<String> {
    spec.send_to.map(|c| format!("Frågor: {}.", c.display()))
}

/// The page header of the printed form: the organisation and round on the left, the last day
/// on the right (`&` doubled, as a header's codes start with it; names shortened to stay under
/// Excel's 255 characters).
pub(super) fn page_header(spec: &FormSpec) -> String {
    let esc = |s: &str| s.chars().take(80).collect::<String>().replace('&', "&&");
    let left = format!(
        "&L{} – omgång {}",
        esc(&spec.org.display()),
        esc(&spec.round.id.to_string())
    );
    match spec.round.closes {
        Some(d) => format!("{left}&RSista dag: {d}"),
        None => left,
    }
}

/// The page footer of every printed sheet: the page number.
pub(super) const PAGE_FOOTER: &str = "&CSida &P av &N";

/// Prints a sheet on A4 portrait, one page wide, with the form's header and page numbers.
pub(super) fn print_a4(ws: &mut Worksheet, spec: &FormSpec) {
    ws.set_paper_size(9); // A4
    ws.set_portrait();
    ws.set_header(page_header(spec));
    ws.set_footer(PAGE_FOOTER);
}

/// The width of the cover's one column (characters): fits A4 portrait with Excel's default
/// margins.
const COVER_WIDTH: f64 = 75.0;

pub(super) fn cover(ws: &mut Worksheet, spec: &FormSpec, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(COVER_SHEET)?;
    ws.set_column_width(0, COVER_WIDTH)?;
    ws.write_string_with_format(0, 0, spec.instrument.name(), &f.title)?;
    ws.set_row_height(0, 24.0)?;
    let mut lines = vec![
        format!("{} – omgång {}", spec.org.display(), spec.round.id),
        send_line(spec),
    ];
    lines.extend(questions_line(spec));
    lines.extend([
        String::new(),
        "Så fyller ni i blanketten".to_string(),
        "1. Gå till fliken Självskattning. Fyll i Verksamhet, Deltagare och Datum (de gula fälten).".to_string(),
        format!(
            "2. Ta ställning till hur väl varje påstående stämmer in på er verksamhet. Välj svar i listan i kolumnen Svar, eller skriv siffran ({}) eller svarstexten. Ett svar som inte kan läsas blir rött och räknas inte.",
            level_range(spec.instrument)
        ),
        scale_line(spec.instrument),
        format!("3. Välj ”{}” om ni inte vet eller om påståendet inte gäller er. Sådana svar räknas inte in i poängen.", spec.instrument.scale().not_applicable.label),
        "4. Skriv gärna en kommentar, och under varje delmål vad som fungerar bra och vad som kan bli bättre. Syns inte hela texten: dubbelklicka på radens nedre kant vid radnumret, så blir raden lika hög som texten.".to_string(),
        "5. Är ni flera som skattar var för sig: skriv ert namn eller er roll i Svarande. Har ni enats om ett gemensamt svar: välj Ja i Samsyn.".to_string(),
        "6. Spara filen som .xlsx och skicka den enligt raden överst på sidan.".to_string(),
        String::new(),
        "Det finns inga rätta eller felaktiga svar. Självskattningen ger en bild av läget så att resurser och insatser kan riktas rätt.".to_string(),
        format!(
            "Fliken Resultat visar ert resultat per delmål direkt när ni svarar. Ett delmål får ett resultat när minst {} % av påståendena har svar på skalan. Index, medelvärdet av delmålen, visas när minst {} av {} delmål har ett resultat.",
            (spec.instrument.scoring().min_answered_share * 100.0).round(),
            spec.instrument.min_scored_areas(),
            spec.instrument.areas().len()
        ),
        "Flikarna är skyddade (utan lösenord) så att tabellen inte ändras av misstag. Ändra inte ID-kolumnen eller rubrikerna.".to_string(),
    ]);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let strong = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    for (i, line) in lines.iter().enumerate() {
        let row = 2 + i as u32;
        let format = if line.starts_with("Så fyller") || line.starts_with("Skicka") {
            &strong
        } else {
            &wrap
        };
        ws.write_string_with_format(row, 0, line, format)?;
        ws.set_row_height(row, wrapped_height(line, COVER_WIDTH))?;
    }
    print_a4(ws, spec);
    ws.set_print_fit_to_pages(1, 1);
    ws.set_print_area(0, 0, 1 + lines.len() as u32, 0)?;
    ws.protect();
    Ok(())
}
