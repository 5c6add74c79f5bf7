//! The form: one workbook per organisation and round, generated from the instrument. A cover
//! sheet with instructions, the answer sheet `Självskattning` (the contract other tools read),
//! a results sheet whose live formulas and radar chart show the unit its own score, and a hidden
//! sheet with the scale and the scoring settings. Printed, every page names the organisation,
//! the round and the last day; the cover and the answer sheet say where to send the form and
//! whom to ask ([`FormSpec::send_to`]).

use std::collections::BTreeMap;

use nara_core::ids::fold_spaces;
use nara_core::scoring::score_answers;
use nara_core::{Answer, AnswerSet, Instrument, Organisation, Round, StatementId};
use rust_xlsxwriter::{
    Chart, ChartType, Color, ConditionalFormatFormula, DataValidation, DataValidationErrorStyle,
    DocProperties, Format, FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook,
    Worksheet, XlsxError,
};

use crate::import::{ANSWER_SHEET, HEADERS, props};

mod activities;
mod cover;
mod formulas;
mod results;

pub use activities::{FormActivities, NEW_ROWS};

use cover::{cover, print_a4, questions_line, scale_line, send_line, wrapped_height};
use formulas::*;
use results::results_sheet;

/// What a form is made for.
#[derive(Debug, Clone, Copy)]
pub struct FormSpec<'a> {
    /// The instrument version of the round.
    pub instrument: &'a Instrument,
    /// The organisation that answers.
    pub org: &'a Organisation,
    /// The round.
    pub round: &'a Round,
    /// The coordinator who receives the filled forms and answers questions, printed on the
    /// form with the round's closing day; `None`: the form says "the regional coordinator".
    pub send_to: Option<&'a nara_core::Contact>,
}

/// A form as a person filled it in: for tests, the demo and benchmarks.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// Verksamhet.
    pub unit: String,
    /// Svarande (empty when the unit answers as one).
    pub rater: String,
    /// Deltagare.
    pub participants: String,
    /// Datum.
    pub date: String,
    /// Samsyn.
    pub consensus: bool,
    /// The answers, per-area free text and per-statement comments.
    pub answers: AnswerSet,
    /// Answers typed or pasted into the Svar cell as plain values instead of chosen from the
    /// list (`3`, `3,0`, ` stämmer HELT `): for these statements they take the place of
    /// `answers`.
    pub typed: BTreeMap<StatementId, Typed>,
}

/// A value typed or pasted into an answer cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    /// Text, as typed.
    Text(String),
    /// A number (a typed `3` is one in every spreadsheet).
    Number(f64),
}

impl Typed {
    /// The text the importer reads from the cell.
    fn import_text(&self) -> String {
        match self {
            Typed::Text(t) => t.clone(),
            Typed::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Typed::Number(n) => n.to_string(),
        }
    }
}

impl Filled {
    /// The answers the importer reads from this form: `answers`, with each typed cell read as
    /// the importer reads it (a cell it refuses counts as unanswered here).
    pub fn effective_answers(&self, inst: &Instrument) -> AnswerSet {
        let mut set = self.answers.clone();
        for (id, t) in &self.typed {
            match inst.parse_answer(&t.import_text()) {
                Ok(Some(a)) => {
                    set.answers.insert(id.clone(), a);
                }
                Ok(None) | Err(_) => {
                    set.answers.remove(id);
                }
            }
        }
        set
    }
}

/// Where the parts of the answer sheet are (rows from 0).
struct Layout {
    /// The header row of the table.
    header_row: u32,
    /// Per area: the first and last statement row and the free-text row.
    areas: Vec<(u32, u32, u32)>,
    /// The last row.
    last_row: u32,
}

const SCALE_SHEET: &str = "Skala";
const RESULT_SHEET: &str = "Resultat";
const COVER_SHEET: &str = "Instruktioner";
const TOO_FEW: &str = nara_core::fmt::TOO_FEW;
const NO_INDEX: &str = nara_core::fmt::NO_INDEX;
/// Background label rows, from row 3.
const FIRST_LABEL_ROW: u32 = 3;
/// How many background label rows there are.
const LABELS_LEN: u32 = crate::import::LABELS.len() as u32;
/// The hidden helper column with each answer's value: a number on the scale, or a word
/// ([`BLANK`], [`NOT_SCORED`], [`INVALID`]) that COUNT and AVERAGE pass over. Never an empty
/// text: LibreOffice reads a cached empty text as 0 (and counts it) when it does not
/// recalculate a workbook on load, which is its default for .xlsx.
const VALUE_COL: u16 = 5;
/// What the value column holds for a blank answer.
const BLANK: &str = "tomt";
/// What the value column holds for the not-applicable option.
const NOT_SCORED: &str = "räknas inte";
/// What the value column holds for an entry the importer refuses.
const INVALID: &str = "ogiltigt";
/// The hidden helper columns after the value column (see [`value_formulas`]).
const HELPERS: [&str; 9] = [
    "Text",
    "Märkt",
    "Sifferlängd",
    "Siffror",
    "Punkt",
    "Decimaler",
    "Tal",
    "Resten märkt",
    "Resten",
];

/// The form id written into the document properties.
pub fn form_id(spec: &FormSpec) -> String {
    format!(
        "{}-{}-{}",
        spec.round.id,
        spec.org.code,
        spec.instrument.version()
    )
}

/// The blank form.
pub fn write_form(spec: &FormSpec) -> Result<Vec<u8>, crate::Error> {
    write_form_for(spec, &FormActivities::default())
}

/// The blank form with the sheet Aktiviteter pre-filled with the organisation's plan and
/// activities.
pub fn write_form_for(spec: &FormSpec, acts: &FormActivities) -> Result<Vec<u8>, crate::Error> {
    Ok(build(spec, None, acts)?)
}

/// The form filled in (see [`write_filled_form`]) with the sheet Aktiviteter pre-filled and
/// typed into as `acts` says.
pub fn write_filled_form_for(
    spec: &FormSpec,
    filled: &Filled,
    acts: &FormActivities,
) -> Result<Vec<u8>, crate::Error> {
    Ok(build(spec, Some(filled), acts)?)
}

/// The form filled in as a person would: answer labels chosen from the list, text in the
/// comment cells, and the formula results cached (computed by core) as Excel would store them.
pub fn write_filled_form(spec: &FormSpec, filled: &Filled) -> Result<Vec<u8>, crate::Error> {
    write_filled_form_for(spec, filled, &FormActivities::default())
}

fn layout(inst: &Instrument) -> Layout {
    let header_row = FIRST_LABEL_ROW + crate::import::LABELS.len() as u32 + 1;
    let mut row = header_row + 1;
    let mut areas = Vec::new();
    for a in inst.areas() {
        row += 1; // the area's heading row
        let first = row;
        row += a.statements.len() as u32;
        let last = row - 1;
        let free = row;
        row += 1;
        areas.push((first, last, free));
    }
    Layout {
        header_row,
        areas,
        last_row: row - 1,
    }
}

fn build(
    spec: &FormSpec,
    filled: Option<&Filled>,
    acts: &FormActivities,
) -> Result<Vec<u8>, XlsxError> {
    let inst = spec.instrument;
    let lay = layout(inst);
    let mut wb = Workbook::new();
    let properties = DocProperties::new()
        .set_title(format!(
            "{} – {} – {}",
            inst.name(),
            spec.org.name,
            spec.round.id
        ))
        .set_author("Nära")
        .set_custom_property(props::INSTRUMENT, inst.id())
        .set_custom_property(props::VERSION, inst.version())
        .set_custom_property(props::ORG, spec.org.code.as_str())
        .set_custom_property(props::ROUND, spec.round.id.to_string())
        .set_custom_property(props::FORM, form_id(spec));
    wb.set_properties(&properties);

    let f = Formats::new();
    cover(wb.add_worksheet(), spec, &f)?;
    answer_sheet(wb.add_worksheet(), spec, &lay, filled, &f)?;
    results_sheet(wb.add_worksheet(), spec, &lay, filled, &f)?;
    activities::activities_sheet(wb.add_worksheet(), spec, acts, &f)?;
    scale_sheet(wb.add_worksheet(), inst, &f)?;
    wb.worksheet_from_index(1)?.set_active(true);
    wb.save_to_buffer()
}

struct Formats {
    title: Format,
    bold: Format,
    wrap: Format,
    label: Format,
    locked_value: Format,
    input: Format,
    input_wrap: Format,
    header: Format,
    area: Format,
    area_text: Format,
    number: Format,
    percent: Format,
    info: Format,
}

impl Formats {
    fn new() -> Self {
        let input_fill = Color::RGB(0xFFF4C2);
        let border = FormatBorder::Thin;
        Self {
            title: Format::new().set_bold().set_font_size(16),
            bold: Format::new().set_bold(),
            wrap: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(border),
            label: Format::new().set_bold().set_align(FormatAlign::Right),
            locked_value: Format::new().set_bold(),
            input: Format::new()
                .set_unlocked()
                .set_background_color(input_fill)
                .set_border(border),
            input_wrap: Format::new()
                .set_unlocked()
                .set_background_color(input_fill)
                .set_border(border)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x1F4E79))
                .set_font_color(Color::White)
                .set_border(border),
            area: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(border)
                .set_align(FormatAlign::Top),
            area_text: Format::new()
                .set_italic()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(border)
                .set_align(FormatAlign::Top),
            number: Format::new().set_num_format("0.00").set_border(border),
            percent: Format::new().set_num_format("0\" %\"").set_border(border),
            info: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(border)
                .set_background_color(Color::RGB(0xF2F2F2)),
        }
    }
}

fn answer_label(inst: &Instrument, a: Answer) -> String {
    match a {
        Answer::Level(v) => format!("{v} {}", inst.level_label(v).unwrap_or("")),
        Answer::NotApplicable => inst.scale().not_applicable.label.clone(),
    }
}

fn answer_sheet(
    ws: &mut Worksheet,
    spec: &FormSpec,
    lay: &Layout,
    filled: Option<&Filled>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let inst = spec.instrument;
    ws.set_name(ANSWER_SHEET)?;
    // The helpers' saved results are empty texts, not rust_xlsxwriter's 0: a spreadsheet
    // computes them again, and the importer passes over an empty cell without reading it.
    ws.set_formula_result_default("");
    for (col, width) in [(0u16, 13.0), (1, 18.0), (2, 62.0), (3, 26.0), (4, 40.0)] {
        ws.set_column_width(col, width)?;
    }
    ws.write_string_with_format(0, 0, inst.name(), &f.title)?;
    ws.write_string(
        1,
        0,
        "Fyll i de gula fälten. Välj svar i listan i kolumnen Svar, eller skriv siffran. Resultatet syns på fliken Resultat.",
    )?;
    let fill = |s: &str| s.to_string();
    let org = spec.org.display();
    let round = spec.round.id.to_string();
    let values: [(&str, String, bool); 7] = [
        ("Organisation", org, false),
        ("Verksamhet", fill(filled.map_or("", |x| &x.unit)), true),
        ("Omgång", round, false),
        (
            "Deltagare",
            fill(filled.map_or("", |x| &x.participants)),
            true,
        ),
        ("Datum", fill(filled.map_or("", |x| &x.date)), true),
        ("Svarande", fill(filled.map_or("", |x| &x.rater)), true),
        (
            "Samsyn",
            if filled.is_some_and(|x| x.consensus) {
                "Ja".into()
            } else {
                String::new()
            },
            true,
        ),
    ];
    for (i, (label, value, input)) in values.iter().enumerate() {
        let row = FIRST_LABEL_ROW + i as u32;
        ws.write_string_with_format(row, 0, *label, &f.label)?;
        if *input {
            if value.is_empty() {
                ws.write_blank(row, 1, &f.input)?;
            } else {
                ws.write_string_with_format(row, 1, value, &f.input)?;
            }
        } else {
            ws.write_string_with_format(row, 1, value, &f.locked_value)?;
        }
    }
    // Beside the fields, for the printed form: the scale, the last day and where to send it
    // (text only: the importer reads just the label cells and the cells to their right).
    let mut info = vec![scale_line(inst), send_line(spec)];
    info.extend(questions_line(spec));
    let info = info.join("\n");
    let last_label = FIRST_LABEL_ROW + LABELS_LEN - 1;
    ws.merge_range(FIRST_LABEL_ROW, 2, last_label, 4, &info, &f.info)?;
    let needed = wrapped_height(&info, 62.0 + 26.0 + 40.0);
    let per_row = (needed / f64::from(LABELS_LEN)).max(15.0);
    for row in FIRST_LABEL_ROW..=last_label {
        ws.set_row_height(row, per_row)?;
    }
    let samsyn_row = FIRST_LABEL_ROW + 6;
    let yes_no = DataValidation::new()
        .allow_list_strings(&["Ja", "Nej"])?
        .set_error_message(
            "Välj Ja om svaret är verksamhetens gemensamma (samsyn), annars lämna tomt.",
        )?;
    ws.add_data_validation(samsyn_row, 1, samsyn_row, 1, &yes_no)?;

    for (col, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(lay.header_row, col as u16, *h, &f.header)?;
    }
    ws.write_string_with_format(lay.header_row, VALUE_COL, "Värde", &f.header)?;
    for (k, h) in HELPERS.iter().enumerate() {
        ws.write_string_with_format(lay.header_row, VALUE_COL + 1 + k as u16, *h, &f.header)?;
    }

    let options = inst.answer_options();
    let joined: usize = options.iter().map(|o| o.chars().count() + 1).sum();
    let n_opts = options.len() as u32;
    let list = if joined <= 250 {
        DataValidation::new().allow_list_strings(&options)?
    } else {
        DataValidation::new().allow_list_formula(Formula::new(format!(
            "={SCALE_SHEET}!$A$2:$A${}",
            n_opts + 1
        )))
    }
    // Not "stop": a typed digit or label is as good as the list's text (the importer and the
    // Resultat sheet read it the same way), so the spreadsheet only informs and keeps it.
    .set_error_style(DataValidationErrorStyle::Information)
    .set_error_title("Svaret står inte i listan")?
    .set_error_message(typed_message(inst))?
    .set_input_title("Svar")?
    .set_input_message(
        "Välj i listan hur väl påståendet stämmer för er verksamhet, eller skriv siffran.",
    )?;
    let invalid_format = Format::new()
        .set_background_color(Color::RGB(0xF4CCCC))
        .set_font_color(Color::RGB(0x9C0006));

    for (area, (first, last, free)) in inst.areas().iter().zip(&lay.areas) {
        let head = first - 1;
        ws.write_blank(head, 0, &f.area)?;
        ws.write_string_with_format(head, 1, format!("{} {}", area.id, area.name), &f.area)?;
        let desc = if area.goal.is_empty() {
            area.description.clone()
        } else {
            format!("{} {}", area.goal, area.description)
        };
        ws.write_string_with_format(head, 2, desc.trim(), &f.area_text)?;
        ws.write_blank(head, 3, &f.area)?;
        ws.write_blank(head, 4, &f.area)?;
        ws.set_row_height(
            head,
            15.0 * (1.0 + (desc.chars().count() as f64 / 70.0).ceil()).min(9.0),
        )?;
        for (k, st) in area.statements.iter().enumerate() {
            let row = first + k as u32;
            ws.write_string_with_format(row, 0, st.id.as_str(), &f.wrap)?;
            ws.write_string_with_format(row, 1, &area.name, &f.wrap)?;
            ws.write_string_with_format(row, 2, &st.text, &f.wrap)?;
            match (
                filled.and_then(|x| x.typed.get(&st.id)),
                filled.and_then(|x| x.answers.get(&st.id)),
            ) {
                (Some(Typed::Text(t)), _) => ws.write_string_with_format(row, 3, t, &f.input)?,
                (Some(Typed::Number(n)), _) => ws.write_number_with_format(row, 3, *n, &f.input)?,
                (None, Some(a)) => {
                    ws.write_string_with_format(row, 3, answer_label(inst, a), &f.input)?
                }
                (None, None) => ws.write_blank(row, 3, &f.input)?,
            };
            match filled.and_then(|x| x.answers.notes.get(&st.id)) {
                Some(t) => ws.write_string_with_format(row, 4, t, &f.input_wrap)?,
                None => ws.write_blank(row, 4, &f.input_wrap)?,
            };
            // The cached value is what the results sheet reads from the cell; the helpers are
            // left empty (a spreadsheet computes them again whenever the answer changes).
            let read = match filled.and_then(|x| x.typed.get(&st.id)) {
                Some(t) => inst.parse_answer(&t.import_text()),
                None => Ok(filled.and_then(|x| x.answers.get(&st.id))),
            };
            let cached = match read {
                Ok(Some(Answer::Level(v))) => v.to_string(),
                Ok(Some(Answer::NotApplicable)) => NOT_SCORED.to_string(),
                Ok(None) => BLANK.to_string(),
                Err(_) => INVALID.to_string(),
            };
            for (k, text) in value_formulas(inst, row + 1).into_iter().enumerate() {
                let result = if k == 0 {
                    cached.clone()
                } else {
                    String::new()
                };
                ws.write_formula(
                    row,
                    VALUE_COL + k as u16,
                    Formula::new(text).set_result(result),
                )?;
            }
            // As tall as the statement or the comment (a spreadsheet does not fit a row to
            // its text when it opens a file); rows may be resized to fit a longer comment.
            let note = filled.and_then(|x| x.answers.notes.get(&st.id));
            ws.set_row_height(
                row,
                wrapped_height(&st.text, 62.0).max(wrapped_height(note.map_or("", |t| t), 40.0)),
            )?;
        }
        ws.add_data_validation(*first, 3, *last, 3, &list)?;
        ws.add_conditional_format(
            *first,
            3,
            *last,
            3,
            &ConditionalFormatFormula::new()
                .set_rule(Formula::new(format!(
                    "=${v}{r}=\"{INVALID}\"",
                    v = col_letter(VALUE_COL),
                    r = first + 1
                )))
                .set_format(&invalid_format),
        )?;
        ws.write_string_with_format(*free, 0, area.id.as_str(), &f.wrap)?;
        ws.write_string_with_format(*free, 1, &area.name, &f.wrap)?;
        ws.write_string_with_format(
            *free,
            2,
            "Fritext: vad fungerar bra, och vad kan bli bättre inom delmålet?",
            &f.wrap,
        )?;
        ws.write_blank(*free, 3, &f.wrap)?;
        // Room for three lines of text at least.
        let comment = filled.and_then(|x| x.answers.comments.get(&area.id));
        ws.set_row_height(
            *free,
            wrapped_height(comment.map_or("", |t| t), 40.0).max(45.0),
        )?;
        match comment {
            Some(t) => ws.write_string_with_format(*free, 4, t, &f.input_wrap)?,
            None => ws.write_blank(*free, 4, &f.input_wrap)?,
        };
    }
    for col in VALUE_COL..=VALUE_COL + HELPERS.len() as u16 {
        ws.set_column_hidden(col)?;
    }
    ws.set_freeze_panes(lay.header_row + 1, 0)?;
    print_a4(ws, spec);
    // Across the page: the five columns print large enough to read and write in.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_area(0, 0, lay.last_row, 4)?;
    ws.set_repeat_rows(lay.header_row, lay.header_row)?;
    // Rows may be resized, so that a long comment can be shown whole.
    ws.protect_with_options(&ProtectionOptions {
        format_rows: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}

fn scale_sheet(ws: &mut Worksheet, inst: &Instrument, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SCALE_SHEET)?;
    ws.write_string_with_format(0, 0, "Svarsalternativ", &f.bold)?;
    ws.write_string_with_format(0, 1, "Värde", &f.bold)?;
    let mut row = 1;
    for l in &inst.scale().levels {
        ws.write_string(row, 0, format!("{} {}", l.value, l.label))?;
        ws.write_number(row, 1, f64::from(l.value))?;
        row += 1;
    }
    ws.write_string(row, 0, &inst.scale().not_applicable.label)?;
    ws.write_string(row, 1, "räknas inte")?;
    row += 2;
    ws.write_string_with_format(row, 0, "Minsta andel besvarade", &f.bold)?;
    ws.write_number(row, 1, inst.scoring().min_answered_share)?;
    row += 1;
    ws.write_string_with_format(row, 0, "Delmål med resultat som krävs för index", &f.bold)?;
    ws.write_number(row, 1, inst.min_scored_areas() as f64)?;
    row += 1;
    ws.write_string_with_format(row, 0, "Färgband", &f.bold)?;
    ws.write_string_with_format(row, 1, "Från", &f.bold)?;
    for b in inst.band_ranges() {
        row += 1;
        ws.write_string(row, 0, &b.band.label)?;
        ws.write_number(row, 1, b.from)?;
    }
    ws.set_column_width(0, 28)?;
    ws.set_hidden(true);
    ws.protect();
    Ok(())
}
