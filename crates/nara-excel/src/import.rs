//! The importer: finds the answer sheet and its table by content, reads the background fields
//! and the answers, checks everything against the [`ImportContext`], and returns one
//! [`Response`] or every problem of the file.

use std::collections::BTreeMap;

use nara_core::ids::fold_spaces;
use nara_core::{AnswerSet, AreaId, Instrument, Response, RoundId, StatementId, UnitName};

use crate::cells::{Book, Sheet, a1};
use crate::{ImportContext, Problem, guard};

pub mod activities;

/// The name of the answer sheet in the form.
pub const ANSWER_SHEET: &str = "Självskattning";
/// The column headers of the answer table, in the order the form writes them.
pub const HEADERS: [&str; 5] = ["ID", "Delmål", "Påstående", "Svar", "Kommentar"];
/// The background labels, in the order the form writes them; the first five are required.
pub const LABELS: [&str; 7] = [
    "Organisation",
    "Verksamhet",
    "Omgång",
    "Deltagare",
    "Datum",
    "Svarande",
    "Samsyn",
];
/// Custom document property names written by the template.
pub mod props {
    /// The instrument family.
    pub const INSTRUMENT: &str = "nara-instrument";
    /// The instrument version.
    pub const VERSION: &str = "nara-instrument-version";
    /// The organisation code.
    pub const ORG: &str = "nara-organisation";
    /// The round.
    pub const ROUND: &str = "nara-round";
    /// The form id.
    pub const FORM: &str = "nara-form-id";
}

/// How far down the header row is looked for.
const HEADER_SEARCH_ROWS: u32 = 30;

fn norm(s: &str) -> String {
    fold_spaces(s).trim_end_matches(':').trim().to_lowercase()
}

struct Found {
    sheet: Sheet,
    header_row: u32,
    cols: BTreeMap<&'static str, u32>,
}

/// Finds the header row in a sheet: the row (within the first rows) that has the `ID` and `Svar`
/// headers; returns the column of each header found.
fn find_header(sheet: &Sheet) -> Option<(u32, BTreeMap<&'static str, u32>)> {
    for row in 0..HEADER_SEARCH_ROWS {
        let mut cols = BTreeMap::new();
        for ((r, c), text) in sheet.cells.range((row, 0)..(row + 1, 0)) {
            debug_assert_eq!(*r, row);
            let t = norm(text);
            if let Some(h) = HEADERS.iter().find(|h| h.to_lowercase() == t) {
                cols.entry(*h).or_insert(*c);
            }
        }
        if cols.contains_key("ID") && cols.contains_key("Svar") {
            return Some((row, cols));
        }
    }
    None
}

fn problem(sheet: &str, cell: Option<String>, message: impl Into<String>) -> Problem {
    Problem {
        sheet: Some(sheet.to_string()),
        cell,
        message: message.into(),
    }
}

fn file_problem(message: impl Into<String>) -> Problem {
    Problem {
        sheet: None,
        cell: None,
        message: message.into(),
    }
}

/// Reads one filled form; see [`crate::import_form`].
pub fn import_form(
    file_name: &str,
    bytes: &[u8],
    ctx: &ImportContext,
) -> Result<Response, Vec<Problem>> {
    let checked = guard::check_keeping(bytes, &ctx.limits).map_err(|e| vec![Problem::from(e)])?;
    let mut book = Book::open_checked(file_name, bytes, checked, &ctx.limits)
        .map_err(|e| vec![Problem::from(e)])?;
    let found = locate(&mut book, ctx)?;
    read_form(&found, &book.properties, ctx)
}

fn locate(book: &mut Book, ctx: &ImportContext) -> Result<Found, Vec<Problem>> {
    let mut names = book.sheet_names();
    // The answer sheet by name first, then every other sheet.
    names.sort_by_key(|n| norm(n) != norm(ANSWER_SHEET));
    for name in names {
        let (sheet, _skipped) = book
            .read(&name, &ctx.limits)
            .map_err(|e| vec![Problem::from(e)])?;
        if let Some((header_row, cols)) = find_header(&sheet) {
            return Ok(Found {
                sheet,
                header_row,
                cols,
            });
        }
    }
    Err(vec![file_problem(format!(
        "Hittar inte svarstabellen: ingen flik har en rad med rubrikerna {} bland de första {HEADER_SEARCH_ROWS} raderna. Använd blanketten från Nära och ändra inte rubrikerna.",
        HEADERS.join(", ")
    ))])
}

struct Field {
    value: String,
    cell: String,
}

/// The background fields above the answer table: a label cell and the value in the cell to its
/// right.
fn background(found: &Found) -> BTreeMap<&'static str, Field> {
    let sheet = &found.sheet;
    let mut fields: BTreeMap<&'static str, Field> = BTreeMap::new();
    for ((r, c), text) in sheet.cells.range(..(found.header_row, 0)) {
        let t = norm(text);
        if let Some(label) = LABELS.iter().find(|l| l.to_lowercase() == t) {
            fields.entry(*label).or_insert_with(|| Field {
                value: clean(sheet.get(*r, c + 1)),
                cell: a1(*r, c + 1),
            });
        }
    }
    fields
}

/// What a form names in its background fields, read again to name a rejected file in a report:
/// the organisation (its code when Nära knows it, else as written), the unit and the round as
/// written. Empty where the file cannot be read that far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Named {
    /// The organisation.
    pub org: Option<String>,
    /// The unit.
    pub unit: Option<String>,
    /// The round.
    pub round: Option<String>,
}

/// Reads what a form names (see [`Named`]); never fails.
pub fn named_in(file_name: &str, bytes: &[u8], ctx: &ImportContext) -> Named {
    let Ok(kind) = guard::check(bytes, &ctx.limits) else {
        return Named::default();
    };
    let Ok(mut book) = Book::open_named(file_name, bytes, kind, &ctx.limits) else {
        return Named::default();
    };
    let Ok(found) = locate(&mut book, ctx) else {
        return Named::default();
    };
    let fields = background(&found);
    let value = |label: &str| {
        fields
            .get(label)
            .map(|f| short(&f.value))
            .filter(|v| !v.is_empty())
    };
    Named {
        org: fields.get("Organisation").and_then(|f| {
            ctx.organisations
                .find(&f.value)
                .map(|o| o.code.to_string())
                .or_else(|| value("Organisation"))
        }),
        unit: value("Verksamhet"),
        round: value("Omgång"),
    }
}

fn read_form(
    found: &Found,
    properties: &std::collections::HashMap<String, String>,
    ctx: &ImportContext,
) -> Result<Response, Vec<Problem>> {
    let sheet = &found.sheet;
    let sname = sheet.name.as_str();
    let mut problems = Vec::new();
    let fields = background(found);
    for label in &LABELS[..5] {
        if !fields.contains_key(label) {
            problems.push(problem(
                sname,
                None,
                format!(
                    "Fältet ”{label}” saknas ovanför svarstabellen. Använd blanketten från Nära."
                ),
            ));
        }
    }
    let field = |label: &str| fields.get(label);

    // Organisation.
    let org = field("Organisation").and_then(|f| {
        if f.value.is_empty() {
            problems.push(problem(sname, Some(f.cell.clone()), "Organisation saknas. Skriv organisationen som på blanketten, till exempel Falun (kod 2080)."));
            return None;
        }
        let o = ctx.organisations.find(&f.value);
        if o.is_none() {
            problems.push(problem(
                sname,
                Some(f.cell.clone()),
                format!("Organisationen ”{}” finns inte i Nära. Skriv den som på blanketten, till exempel Falun (kod 2080).", short(&f.value)),
            ));
        }
        o
    });

    // Round and its instrument.
    let round = field("Omgång").and_then(|f| match RoundId::parse(&f.value) {
        Ok(id) => match ctx.rounds.iter().find(|r| r.id == id) {
            Some(r) => Some(r),
            None => {
                problems.push(problem(sname, Some(f.cell.clone()), format!("Omgången {id} finns inte i Nära. Kontrollera omgången eller be samordnaren skapa den.")));
                None
            }
        },
        Err(e) => {
            problems.push(problem(sname, Some(f.cell.clone()), e.to_string()));
            None
        }
    });
    let inst: Option<&Instrument> = round.and_then(|r| {
        let i = ctx
            .instruments
            .iter()
            .find(|i| i.id() == r.instrument_id && i.version() == r.instrument_version);
        if i.is_none() {
            problems.push(file_problem(format!(
                "Omgången {} använder instrumentet {} version {}, som inte finns i Nära.",
                r.id, r.instrument_id, r.instrument_version
            )));
        }
        i
    });
    if let (Some(r), Some(v)) = (round, properties.get(props::VERSION))
        && (properties.get(props::INSTRUMENT) != Some(&r.instrument_id)
            || v != &r.instrument_version)
    {
        problems.push(file_problem(format!(
            "Blanketten gjordes för instrumentet {} version {}, men omgången {} använder version {}. Hämta en ny blankett för omgången.",
            properties.get(props::INSTRUMENT).map_or("?", String::as_str),
            v,
            r.id,
            r.instrument_version
        )));
    }

    // Unit, rater, consensus.
    let unit = field("Verksamhet").and_then(|f| match UnitName::parse(&f.value) {
        Ok(u) => Some(u),
        Err(e) => {
            problems.push(problem(sname, Some(f.cell.clone()), e.to_string()));
            None
        }
    });
    let consensus = match field("Samsyn") {
        None => false,
        Some(f) => match norm(&f.value).as_str() {
            "" | "nej" | "n" | "falskt" | "false" | "0" => false,
            "ja" | "j" | "x" | "sant" | "true" | "1" => true,
            _ => {
                problems.push(problem(
                    sname,
                    Some(f.cell.clone()),
                    format!(
                        "”{}” i Samsyn ska vara Ja eller lämnas tomt.",
                        short(&f.value)
                    ),
                ));
                false
            }
        },
    };
    let text_of = |label: &str| field(label).map(|f| f.value.clone()).unwrap_or_default();
    for label in ["Deltagare", "Datum", "Svarande", "Verksamhet"] {
        if let Some(f) = field(label)
            && f.value.contains('\u{0}')
        {
            problems.push(problem(
                sname,
                Some(f.cell.clone()),
                format!(
                    "Texten i {label} är för lång (högst {} tecken).",
                    ctx.limits.max_cell_chars
                ),
            ));
        }
    }

    // The answers.
    let mut set = AnswerSet::default();
    let id_col = found.cols["ID"];
    let svar_col = found.cols["Svar"];
    let kom_col = found.cols.get("Kommentar").copied();
    let mut seen: BTreeMap<StatementId, String> = BTreeMap::new();
    let mut seen_area: BTreeMap<AreaId, String> = BTreeMap::new();
    let rows: std::collections::BTreeSet<u32> = sheet
        .cells
        .keys()
        .map(|(r, _)| *r)
        .filter(|r| *r > found.header_row)
        .collect();
    for row in rows {
        let id_text = sheet.get(row, id_col);
        let answer = sheet.get(row, svar_col);
        let comment = kom_col.map(|c| sheet.get(row, c)).unwrap_or("");
        let id_cell = a1(row, id_col);
        if comment.contains('\u{0}') || answer.contains('\u{0}') {
            problems.push(problem(
                sname,
                Some(a1(row, kom_col.unwrap_or(svar_col))),
                format!(
                    "Texten är för lång (högst {} tecken). Korta den.",
                    ctx.limits.max_cell_chars
                ),
            ));
            continue;
        }
        if id_text.trim().is_empty() {
            if !answer.trim().is_empty() {
                problems.push(problem(
                    sname,
                    Some(a1(row, svar_col)),
                    "Raden har ett svar men inget ID. Flytta svaret till raden för rätt påstående.",
                ));
            }
            continue;
        }
        let Some(inst) = inst else { continue };
        // An area id marks the area's free-text row.
        if let Ok(area_id) = AreaId::parse(id_text)
            && inst.area(&area_id).is_some()
        {
            let text = if comment.trim().is_empty() {
                answer
            } else {
                comment
            };
            if let Some(first) = seen_area.insert(area_id.clone(), id_cell.clone()) {
                problems.push(problem(sname, Some(id_cell), format!("Fritextraden för {area_id} finns två gånger (även i {first}). Ta bort den ena.")));
            } else if !text.trim().is_empty() {
                set.comments.insert(area_id, text.to_string());
            }
            continue;
        }
        let id = match StatementId::parse(id_text) {
            Ok(id) if inst.statement(&id).is_some() => id,
            _ => {
                problems.push(problem(
                    sname,
                    Some(id_cell),
                    format!("ID ”{}” finns inte i instrumentet {}. Ändra inte ID-kolumnen; hämta en ny blankett om du är osäker.", short(id_text), inst.version()),
                ));
                continue;
            }
        };
        if let Some(first) = seen.insert(id.clone(), id_cell.clone()) {
            problems.push(problem(
                sname,
                Some(id_cell),
                format!(
                    "Påståendet {id} finns två gånger (även i {first}). Ta bort den ena raden."
                ),
            ));
            continue;
        }
        match inst.parse_answer(answer) {
            Ok(Some(a)) => {
                set.answers.insert(id.clone(), a);
            }
            Ok(None) => {}
            Err(m) => problems.push(problem(
                sname,
                Some(a1(row, svar_col)),
                format!("Svaret på {id}: {m}"),
            )),
        }
        if !comment.trim().is_empty() {
            set.notes.insert(id, comment.to_string());
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    match (round, org, unit, inst) {
        (Some(r), Some(o), Some(u), Some(i)) => Ok(Response {
            round: r.id,
            org: o.code.clone(),
            unit: u,
            rater: fold_spaces(&text_of("Svarande")),
            participants: text_of("Deltagare"),
            date: text_of("Datum"),
            instrument_id: i.id().to_string(),
            instrument_version: i.version().to_string(),
            consensus,
            set,
        }),
        _ => Err(vec![file_problem(
            "Blanketten saknar organisation, verksamhet eller omgång.",
        )]),
    }
}

fn clean(s: &str) -> String {
    s.trim().trim_matches('\u{a0}').trim().to_string()
}

fn short(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}
