//! The template for the county's own indicators (source `lokal`): a long table with one row per
//! local indicator, place and year, in which the county fills in the values and the number of
//! cases, and a sheet of instructions. Its headers are ones the reader knows, so the filled
//! template reads back with [`super::read_values`].

use nara_core::Organisation;
use nara_core::indicator::view::applies;
use nara_core::indicator::{Catalogue, Indicator, Source};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, Format, FormatAlign, FormatBorder,
    Workbook, Worksheet, XlsxError,
};

use super::MAX_ROWS;

/// The name of the template's sheet of values.
pub const TEMPLATE_SHEET: &str = "Nyckeltal";

/// The headers of the template's sheet of values, in order: the indicator's id, its title
/// (a help, not read), the place's Kolada id, its name (a help, not read), the year, the gender,
/// the value and the number of cases.
pub const TEMPLATE_HEADERS: [&str; 8] = [
    "Nyckeltal",
    "Titel",
    "Kommunkod",
    "Kommun",
    "År",
    "Kön",
    "Värde",
    "Antal",
];

/// The name of the sheet of instructions.
const INSTRUCTION_SHEET: &str = "Instruktion";

/// The width of each column of the sheet of values.
const WIDTHS: [f64; 8] = [13.0, 48.0, 11.0, 20.0, 7.0, 6.0, 12.0, 10.0];

/// Columns of the sheet of values (from 0).
const CODE: u16 = 2;
const GENDER: u16 = 5;
const VALUE: u16 = 6;
const CASES: u16 = 7;

/// How a value is shown: one to three decimals, with the decimal comma of a Swedish
/// spreadsheet (the separator follows the reader's language settings).
const VALUE_FORMAT: &str = "0.0##";

/// Writes the template for the catalogue's local indicators: a sheet `Nyckeltal` with the
/// headers [`TEMPLATE_HEADERS`] and one row per local indicator × place × year (in that order;
/// gender `T`, value and cases empty and marked as the cells to fill), and a sheet `Instruktion`
/// that says how to fill it in and lists the local indicators. `places` are the organisations;
/// each indicator gets rows for those of its level (a kommun-level one for the kommuner). A catalogue without local indicators gets a sheet
/// of headers only, and the instructions say so.
///
/// Refused when the rows would be more than [`MAX_ROWS`], which the reader would refuse.
pub fn write_template(
    catalogue: &Catalogue,
    places: &[Organisation],
    years: &[u16],
) -> Result<Vec<u8>, crate::Error> {
    let local: Vec<&Indicator> = (catalogue.indicators.iter())
        .filter(|i| i.source == Source::Lokal)
        .collect();
    let rows = (local.iter())
        .map(|i| places_of(i, places).count())
        .sum::<usize>()
        .saturating_mul(years.len());
    if rows > MAX_ROWS {
        return Err(crate::Error::TooLarge(format!(
            "Mallen skulle få {rows} rader ({} egna nyckeltal × {} kommuner × {} år); en fil får ha högst {MAX_ROWS}. Välj färre år eller kommuner.",
            local.len(),
            places.len(),
            years.len()
        )));
    }
    Ok(build(catalogue, &local, places, years)?)
}

/// The organisations of an indicator's level.
fn places_of<'a>(
    ind: &Indicator,
    places: &'a [Organisation],
) -> impl Iterator<Item = &'a Organisation> {
    let level = ind.level;
    places.iter().filter(move |o| applies(level, o.kind))
}

fn build(
    catalogue: &Catalogue,
    local: &[&Indicator],
    places: &[Organisation],
    years: &[u16],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Egna nyckeltal – {}", catalogue.county))
            .set_author("Nära"),
    );
    let f = Formats::new();
    values_sheet(wb.add_worksheet(), local, places, years, &f)?;
    instruction_sheet(wb.add_worksheet(), catalogue, local, &f)?;
    wb.save_to_buffer()
}

struct Formats {
    title: Format,
    bold: Format,
    header: Format,
    text: Format,
    code: Format,
    year: Format,
    gender: Format,
    value: Format,
    cases: Format,
    wrap: Format,
    table_text: Format,
}

impl Formats {
    fn new() -> Self {
        let input_fill = Color::RGB(0xFFF4C2);
        let border = FormatBorder::Thin;
        Self {
            title: Format::new().set_bold().set_font_size(16),
            bold: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x1F4E79))
                .set_font_color(Color::White)
                .set_border(border),
            text: Format::new().set_border(border),
            // A text, so that a code such as 0020 keeps its zeros.
            code: Format::new().set_num_format("@").set_border(border),
            year: Format::new().set_num_format("0").set_border(border),
            gender: Format::new()
                .set_unlocked()
                .set_border(border)
                .set_align(FormatAlign::Center),
            value: Format::new()
                .set_unlocked()
                .set_background_color(input_fill)
                .set_border(border)
                .set_num_format(VALUE_FORMAT),
            cases: Format::new()
                .set_unlocked()
                .set_background_color(input_fill)
                .set_border(border)
                .set_num_format("0"),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            table_text: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(border),
        }
    }
}

fn values_sheet(
    ws: &mut Worksheet,
    local: &[&Indicator],
    places: &[Organisation],
    years: &[u16],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(TEMPLATE_SHEET)?;
    for (col, (header, width)) in TEMPLATE_HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = col as u16;
        ws.set_column_width(col, width)?;
        ws.write_string_with_format(0, col, *header, &f.header)?;
    }
    // Rows added by hand get the formats too: codes as text, values with decimals.
    ws.set_column_format(CODE, &Format::new().set_num_format("@"))?;
    ws.set_column_format(VALUE, &Format::new().set_num_format(VALUE_FORMAT))?;
    ws.set_column_format(CASES, &Format::new().set_num_format("0"))?;
    let mut row = 1u32;
    for ind in local {
        for org in places_of(ind, places) {
            let (code, name) = (org.kolada_id(), &org.name);
            for &year in years {
                ws.write_string_with_format(row, 0, &ind.id, &f.text)?;
                ws.write_string_with_format(row, 1, &ind.title, &f.text)?;
                ws.write_string_with_format(row, CODE, &code, &f.code)?;
                ws.write_string_with_format(row, 3, name, &f.text)?;
                ws.write_number_with_format(row, 4, f64::from(year), &f.year)?;
                ws.write_string_with_format(row, GENDER, "T", &f.gender)?;
                ws.write_blank(row, VALUE, &f.value)?;
                ws.write_blank(row, CASES, &f.cases)?;
                row += 1;
            }
        }
    }
    // The checks cover every row the reader reads, so that rows added by hand get them too.
    let last = u32::try_from(MAX_ROWS).unwrap_or(u32::MAX);
    let gender = DataValidation::new()
        .allow_list_strings(&["T", "K", "M"])?
        .set_input_title("Kön")?
        .set_input_message("T = totalt, K = kvinnor, M = män.")?
        .set_error_title("Okänt kön")?
        .set_error_message("Välj T (totalt), K (kvinnor) eller M (män).")?;
    ws.add_data_validation(1, GENDER, last, GENDER, &gender)?;
    let cases = DataValidation::new()
        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        .set_error_title("Antal är ett heltal")?
        .set_error_message(
            "Skriv hur många fall (personer, svar) värdet bygger på: ett heltal, 0 eller mer. Lämna tomt om antalet inte är känt.",
        )?;
    ws.add_data_validation(1, CASES, last, CASES, &cases)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), CASES)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_active(true);
    Ok(())
}

fn instruction_sheet(
    ws: &mut Worksheet,
    catalogue: &Catalogue,
    local: &[&Indicator],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTION_SHEET)?;
    for (col, width) in [(0u16, 14.0), (1, 60.0), (2, 22.0), (3, 18.0)] {
        ws.set_column_width(col, width)?;
    }
    ws.write_string_with_format(
        0,
        0,
        format!("Egna nyckeltal – {}", catalogue.county),
        &f.title,
    )?;
    let lines = [
        "Så fyller du i mallen".to_string(),
        format!(
            "1. Gå till fliken {TEMPLATE_SHEET}. Varje rad är ett värde: ett nyckeltal för en kommun (eller regionen) ett år."
        ),
        "2. Skriv värdet i kolumnen Värde (gul). Skriv decimaler med komma, till exempel 37,4, och andelar som procenttal utan procenttecken (37,4, inte 37,4 %: då sparar kalkylprogrammet 0,374).".to_string(),
        "3. En rad med tomt Värde och tomt Antal hoppas över: den ändrar inget som redan är inläst. Skriv .. i Värde när värdet saknas (till exempel för att det inte mäts), aldrig 0: skriv 0 bara när värdet verkligen är noll.".to_string(),
        "4. Skriv i Antal (gul) hur många fall, till exempel personer eller svar, värdet bygger på. Värden som bygger på färre fall än nyckeltalets minsta antal (se tabellen nedan) visas inte på sidorna, så att ingen enskild kan pekas ut och små tal inte misstolkas. Lämna Antal tomt om det inte är känt.".to_string(),
        "5. Kön är T (totalt). Redovisar du kvinnor och män för sig: kopiera raden och välj K eller M i kolumnen Kön. Samma nyckeltal, kommun, år och kön får bara finnas på en rad.".to_string(),
        "6. Ändra inte Nyckeltal, Kommunkod eller År på de ifyllda raderna. Titel och Kommun är bara till hjälp och läses inte in. Du kan lägga till rader med samma kolumner.".to_string(),
        "7. Spara filen som Excel-arbetsbok (.xlsx) och lämna den till den som läser in nyckeltal i Nära. Finns det fel i filen läses ingenting in, och varje fel visas med flik och cell.".to_string(),
    ];
    let mut row = 2u32;
    for line in &lines {
        if row == 2 {
            ws.write_string_with_format(row, 0, line, &f.bold)?;
        } else {
            ws.merge_range(row, 0, row, 3, line, &f.wrap)?;
            let height = 15.0 * (line.chars().count() as f64 / 100.0).ceil().max(1.0);
            ws.set_row_height(row, height)?;
        }
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "Egna nyckeltal i katalogen", &f.bold)?;
    row += 1;
    if local.is_empty() {
        let none = format!(
            "Katalogen har inga egna nyckeltal (källa ”lokal”). Fliken {TEMPLATE_SHEET} har därför bara rubriker. Lägg till egna nyckeltal i katalogen och hämta sedan en ny mall."
        );
        ws.merge_range(row, 0, row, 3, &none, &f.wrap)?;
        ws.set_row_height(row, 30.0)?;
        return Ok(());
    }
    for (col, header) in ["Id", "Titel", "Enhet", "Minsta antal fall"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, col as u16, *header, &f.header)?;
    }
    for ind in local {
        row += 1;
        ws.write_string_with_format(row, 0, &ind.id, &f.table_text)?;
        ws.write_string_with_format(row, 1, &ind.title, &f.table_text)?;
        ws.write_string_with_format(row, 2, ind.unit.label(), &f.table_text)?;
        ws.write_number_with_format(row, 3, f64::from(ind.min_cases()), &f.table_text)?;
    }
    Ok(())
}
