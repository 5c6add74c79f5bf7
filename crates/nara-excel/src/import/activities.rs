//! The form's sheet `Aktiviteter`, read back: the lokal plan block and the activity table, with
//! the same tolerance and the same per-cell Swedish problems as the answer sheet. A form
//! without the sheet (made before it existed) reads as `None`.
//!
//! The rule for rows: a row with an id (the hidden column the form writes) is that activity; a
//! row without an id but with a title is a new activity; an empty row is ignored; a row with an
//! id and no title is a problem (an activity is ended by its status, never by emptying its row).

use std::collections::{BTreeMap, BTreeSet};

use nara_core::activity::{ActivityStatus, Category, PlanStatus, RecordId, Systemledning};
use nara_core::round::Date;
use nara_core::{AreaId, Instrument, Response};

use super::{norm, problem, short};
use crate::cells::{Book, Sheet, a1, serial_date};
use crate::{ImportContext, Limits, Problem, guard};

/// The name of the sheet.
pub const ACTIVITY_SHEET: &str = "Aktiviteter";
/// The table's column headers, in the order the form writes them (the first, `Id`, is hidden).
pub const ACTIVITY_HEADERS: [&str; 12] = [
    "Id",
    "Titel",
    "Beskrivning",
    "Delmål",
    "Kategori",
    "Målgrupp",
    "Ansvarig roll",
    "Planerad start",
    "Planerad slut",
    "Status",
    "Kommentar för omgången",
    "Resultat",
];
/// The plan block's labels, in the order the form writes them (the first row, the plan's id,
/// is hidden); each value stands to the right of its label.
pub const PLAN_LABELS: [&str; 10] = [
    "Planens id",
    "Planens namn",
    "Planstatus",
    "Systemledning",
    "Period från",
    "Period till",
    "Beslutad av",
    "Beslutsdatum",
    "Länk",
    "Prioriterade delmål",
];
/// The row (from 0) of the plan block's first label in the form.
pub const PLAN_FIRST_ROW: u32 = 6;
/// The row (from 0) of the table's headers in the form.
pub const HEADER_ROW: u32 = PLAN_FIRST_ROW + PLAN_LABELS.len() as u32 + 1;
/// How far down the header row is looked for.
const HEADER_SEARCH_ROWS: u32 = 60;

/// The column (from 0) of a header in the form as written.
pub fn col(header: &str) -> Option<usize> {
    ACTIVITY_HEADERS.iter().position(|h| *h == header)
}

/// What the sheet holds, read and checked cell by cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetActivities {
    /// The sheet's name as in the file.
    pub sheet: String,
    /// The plan block, when anything in it is filled in.
    pub plan: Option<PlanBlock>,
    /// The rows with an id or a title, in sheet order.
    pub rows: Vec<ActivityRow>,
    /// The column (from 0) of each header found.
    cols: BTreeMap<&'static str, u32>,
}

/// The plan block as filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanBlock {
    /// The stored plan it shows; `None` for a plan written in by hand.
    pub id: Option<RecordId>,
    /// Planens namn.
    pub name: String,
    /// Planstatus, when chosen.
    pub status: Option<PlanStatus>,
    /// Systemledning, when chosen.
    pub systemledning: Option<Systemledning>,
    /// Period från.
    pub start: Option<Date>,
    /// Period till.
    pub end: Option<Date>,
    /// Beslutad av.
    pub decided_by: String,
    /// Beslutsdatum.
    pub decided_on: Option<Date>,
    /// Länk.
    pub link: String,
    /// Prioriterade delmål.
    pub areas: Vec<AreaId>,
    /// The cell of each label's value, by label.
    cells: BTreeMap<&'static str, String>,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    /// The sheet row, from 0.
    pub row: u32,
    /// The stored activity it is; `None` for a new one.
    pub id: Option<RecordId>,
    /// Titel.
    pub title: String,
    /// Beskrivning.
    pub description: String,
    /// Delmål.
    pub areas: Vec<AreaId>,
    /// Kategori, when given.
    pub category: Option<Category>,
    /// Målgrupp.
    pub target_group: String,
    /// Ansvarig roll.
    pub responsible_role: String,
    /// Planerad start.
    pub planned_start: Option<Date>,
    /// Planerad slut.
    pub planned_end: Option<Date>,
    /// Status, when given.
    pub status: Option<ActivityStatus>,
    /// Kommentar för omgången.
    pub comment: String,
    /// Resultat.
    pub result: String,
}

/// The header (or plan label) a field of an activity (or plan) is shown under.
fn header_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => "Titel",
        "description" => "Beskrivning",
        "areas" => "Delmål",
        "category" => "Kategori",
        "target_group" => "Målgrupp",
        "responsible_role" => "Ansvarig roll",
        "planned_start" => "Planerad start",
        "planned_end" => "Planerad slut",
        "status" => "Status",
        "comment" => "Kommentar för omgången",
        "result" => "Resultat",
        _ => return None,
    })
}

fn label_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "Planens namn",
        "status" => "Planstatus",
        "systemledning" => "Systemledning",
        "start" => "Period från",
        "end" => "Period till",
        "decided_by" => "Beslutad av",
        "decided_on" => "Beslutsdatum",
        "link" => "Länk",
        "areas" => "Prioriterade delmål",
        _ => return None,
    })
}

impl SheetActivities {
    /// The cell (A1) that shows `field` (a field name of [`nara_core::activity::Activity`] or
    /// `comment`) on the sheet row `row`, when the sheet shows that field.
    pub fn cell(&self, row: u32, field: &str) -> Option<String> {
        let c = self.cols.get(header_of(field)?)?;
        Some(a1(row, *c))
    }
}

impl PlanBlock {
    /// The cell (A1) that shows `field` (a field name of [`nara_core::activity::LocalPlan`]),
    /// when the block shows it.
    pub fn cell(&self, field: &str) -> Option<String> {
        self.cells.get(label_of(field)?).cloned()
    }
}

/// Reads a filled form and its sheet `Aktiviteter`, opening and guarding the file once: the
/// response (or every problem of the self-assessment, as [`crate::import_form`]) and the sheet
/// (`None` for a form without it).
pub fn import_form_with_activities(
    file_name: &str,
    bytes: &[u8],
    ctx: &ImportContext,
) -> Result<(Response, SheetRead), Vec<Problem>> {
    let checked = guard::check_keeping(bytes, &ctx.limits).map_err(|e| vec![Problem::from(e)])?;
    let mut book = Book::open_checked(file_name, bytes, checked, &ctx.limits)
        .map_err(|e| vec![Problem::from(e)])?;
    let found = super::locate(&mut book, ctx)?;
    let response = super::read_form(&found, &book.properties, ctx)?;
    let inst = (ctx.instruments.iter())
        .find(|i| i.id() == response.instrument_id && i.version() == response.instrument_version);
    let sheet = read_sheet(&mut book, inst, &ctx.limits);
    Ok((response, sheet))
}

/// The sheet as read: `None` when the form has none, else its content or every problem.
pub type SheetRead = Option<Result<SheetActivities, Vec<Problem>>>;

/// Reads the sheet `Aktiviteter` of an opened book (found by name, without regard to case and
/// spaces); delmål are checked against `inst` when given.
pub fn read_sheet(book: &mut Book, inst: Option<&Instrument>, limits: &Limits) -> SheetRead {
    let name = (book.sheet_names().into_iter()).find(|n| norm(n) == norm(ACTIVITY_SHEET))?;
    Some(match book.read(&name, limits) {
        Ok((sheet, _)) => read(&sheet, inst),
        Err(e) => Err(vec![Problem::from(e)]),
    })
}

fn find_header(sheet: &Sheet) -> Option<(u32, BTreeMap<&'static str, u32>)> {
    for row in 0..HEADER_SEARCH_ROWS {
        let mut cols = BTreeMap::new();
        for ((_, c), text) in sheet.cells.range((row, 0)..(row + 1, 0)) {
            let t = norm(text);
            if let Some(h) = ACTIVITY_HEADERS.iter().find(|h| h.to_lowercase() == t) {
                cols.entry(*h).or_insert(*c);
            }
        }
        if cols.contains_key("Titel") && cols.contains_key("Status") {
            return Some((row, cols));
        }
    }
    None
}

/// Collects the problems of one sheet.
struct Reader<'a> {
    sheet: &'a Sheet,
    inst: Option<&'a Instrument>,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn bad(&mut self, row: u32, col: u32, message: impl Into<String>) {
        let p = problem(&self.sheet.name, Some(a1(row, col)), message);
        self.problems.push(p);
    }

    /// A cell's text, trimmed; a text cut at the length limit is a problem.
    fn text(&mut self, row: u32, col: Option<u32>) -> String {
        let Some(c) = col else {
            return String::new();
        };
        let t = self.sheet.get(row, c);
        if t.contains('\u{0}') {
            self.bad(row, c, "Texten är för lång. Korta den.");
            return String::new();
        }
        t.trim().trim_matches('\u{a0}').trim().to_string()
    }

    fn date(&mut self, row: u32, col: Option<u32>) -> Option<Date> {
        let t = self.text(row, col);
        if t.is_empty() {
            return None;
        }
        let serial = t
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|n| (1.0..2_958_466.0).contains(n));
        let read = match serial {
            Some(n) => Date::parse(&serial_date(n)),
            None => Date::parse(&t).or_else(|e| {
                t.get(..10)
                    .filter(|_| t.len() > 10 && matches!(t.as_bytes()[10], b'T' | b' '))
                    .map_or(Err(e), Date::parse)
            }),
        };
        match read {
            Ok(d) => Some(d),
            Err(e) => {
                if let Some(c) = col {
                    self.bad(row, c, e.to_string());
                }
                None
            }
        }
    }

    fn areas(&mut self, row: u32, col: Option<u32>) -> Vec<AreaId> {
        let t = self.text(row, col);
        let mut out: Vec<AreaId> = Vec::new();
        let Some(c) = col else { return out };
        for part in t
            .split([',', ';', ' ', '\n'])
            .filter(|p| !p.trim().is_empty())
        {
            match AreaId::parse(part) {
                Ok(a) if self.inst.is_none_or(|i| i.area(&a).is_some()) => {
                    if !out.contains(&a) {
                        out.push(a);
                    }
                }
                Ok(a) => {
                    let known: Vec<&str> = (self.inst.into_iter())
                        .flat_map(|i| i.areas().iter().map(|x| x.id.as_str()))
                        .collect();
                    self.bad(
                        row,
                        c,
                        format!(
                            "Delmålet {a} finns inte (delmålen är {}).",
                            known.join(", ")
                        ),
                    );
                }
                Err(e) => self.bad(row, c, e.to_string()),
            }
        }
        out
    }

    fn word<T>(
        &mut self,
        row: u32,
        col: Option<u32>,
        read: fn(&str) -> Option<T>,
        what: &str,
        words: String,
    ) -> Option<T> {
        let t = self.text(row, col);
        if t.is_empty() {
            return None;
        }
        let v = read(&t);
        if v.is_none()
            && let Some(c) = col
        {
            let late = if what == "status" && norm(&t).contains("försenad") {
                " Försenad räknas fram ur planerat slut; välj den status aktiviteten har."
            } else {
                ""
            };
            self.bad(
                row,
                c,
                format!(
                    "”{}” är ingen {what}. Välj en av: {words}.{late}",
                    short(&t)
                ),
            );
        }
        v
    }

    fn id(&mut self, row: u32, col: Option<u32>, kind: &str) -> Option<RecordId> {
        let t = self.text(row, col);
        let c = col?;
        if t.is_empty() {
            return None;
        }
        match RecordId::parse(&t) {
            Ok(id) if id.as_str().starts_with(kind) => Some(id),
            _ => {
                self.bad(row, c, format!("Id:t ”{}” är inte ett id som Nära skrivit. Ändra inte den dolda id-kolumnen; hämta en ny blankett om ni är osäkra.", short(&t)));
                None
            }
        }
    }
}

fn read(sheet: &Sheet, inst: Option<&Instrument>) -> Result<SheetActivities, Vec<Problem>> {
    let Some((header_row, cols)) = find_header(sheet) else {
        return Err(vec![problem(
            &sheet.name,
            None,
            format!(
                "Hittar inte aktivitetstabellen: ingen rad har rubrikerna Titel och Status bland de första {HEADER_SEARCH_ROWS} raderna. Ändra inte rubrikerna; hämta en ny blankett om ni är osäkra."
            ),
        )]);
    };
    let mut r = Reader {
        sheet,
        inst,
        problems: Vec::new(),
    };
    let plan = plan_block(&mut r, header_row);
    let c = |h: &str| cols.get(h).copied();
    let mut rows = Vec::new();
    let mut seen: BTreeMap<RecordId, u32> = BTreeMap::new();
    let table: BTreeSet<u32> = (sheet.cells.keys())
        .filter(|(row, col)| *row > header_row && cols.values().any(|c| c == col))
        .map(|(row, _)| *row)
        .collect();
    for row in table {
        let id = r.id(row, c("Id"), "A-");
        let title = r.text(row, c("Titel"));
        let title_col = c("Titel").unwrap_or(0);
        if let Some(id) = &id {
            if let Some(first) = seen.insert(id.clone(), row + 1) {
                r.bad(
                    row,
                    title_col,
                    format!(
                        "Aktiviteten finns på två rader (även rad {first}). Ta bort den ena raden."
                    ),
                );
                continue;
            }
            if title.is_empty() {
                r.bad(
                    row,
                    title_col,
                    "Titeln saknas; vill ni avsluta aktiviteten, sätt status Avbruten.",
                );
                continue;
            }
        } else if title.is_empty() {
            if sheet
                .get(row, c("Id").unwrap_or(u32::MAX))
                .trim()
                .is_empty()
            {
                r.bad(row, title_col, "Raden har uppgifter men ingen titel. Skriv en titel för den nya aktiviteten, eller töm raden.");
            }
            continue;
        }
        let areas = r.areas(row, c("Delmål"));
        let no_areas = c("Delmål").is_none_or(|d| sheet.get(row, d).trim().is_empty());
        if areas.is_empty() && no_areas {
            let dc = c("Delmål").unwrap_or(title_col);
            r.bad(
                row,
                dc,
                "Ange minst ett delmål som aktiviteten följer (till exempel D1, D3).",
            );
        }
        rows.push(ActivityRow {
            row,
            id,
            title,
            description: r.text(row, c("Beskrivning")),
            areas,
            category: r.word(
                row,
                c("Kategori"),
                Category::from_word,
                "kategori",
                Category::words(),
            ),
            target_group: r.text(row, c("Målgrupp")),
            responsible_role: r.text(row, c("Ansvarig roll")),
            planned_start: r.date(row, c("Planerad start")),
            planned_end: r.date(row, c("Planerad slut")),
            status: r.word(
                row,
                c("Status"),
                ActivityStatus::from_word,
                "status",
                ActivityStatus::words(),
            ),
            comment: r.text(row, c("Kommentar för omgången")),
            result: r.text(row, c("Resultat")),
        });
    }
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    Ok(SheetActivities {
        sheet: sheet.name.clone(),
        plan,
        rows,
        cols,
    })
}

/// The plan block above the table: each label's value in the cell to its right.
fn plan_block(r: &mut Reader, header_row: u32) -> Option<PlanBlock> {
    let mut at: BTreeMap<&'static str, (u32, u32)> = BTreeMap::new();
    for ((row, c), text) in r.sheet.cells.range(..(header_row, 0)) {
        let t = norm(text);
        if let Some(l) = PLAN_LABELS.iter().find(|l| l.to_lowercase() == t) {
            at.entry(*l).or_insert((*row, c + 1));
        }
    }
    let filled = (at.iter())
        .any(|(l, (row, c))| *l != PLAN_LABELS[0] && !r.sheet.get(*row, *c).trim().is_empty());
    if !filled {
        return None;
    }
    let place = |l: &str| at.get(l).copied();
    let text =
        |r: &mut Reader, l: &str| place(l).map_or(String::new(), |(row, c)| r.text(row, Some(c)));
    let date = |r: &mut Reader, l: &str| place(l).and_then(|(row, c)| r.date(row, Some(c)));
    let id = place("Planens id").and_then(|(row, c)| r.id(row, Some(c), "P-"));
    let name = text(r, "Planens namn");
    if name.is_empty()
        && let Some((row, c)) = place("Planens namn")
    {
        r.bad(row, c, "Planens namn saknas. Skriv namnet, eller töm hela planblocket om ni inte har någon lokal plan.");
    }
    let start = date(r, "Period från");
    if id.is_none()
        && start.is_none()
        && let Some((row, c)) = place("Period från")
    {
        r.bad(row, c, "Skriv när planen börjar gälla (ÅÅÅÅ-MM-DD).");
    }
    let status = place("Planstatus").and_then(|(row, c)| {
        r.word(
            row,
            Some(c),
            PlanStatus::from_word,
            "planstatus",
            PlanStatus::words(),
        )
    });
    let systemledning = place("Systemledning").and_then(|(row, c)| {
        r.word(
            row,
            Some(c),
            Systemledning::from_word,
            "uppgift om systemledning",
            Systemledning::words(),
        )
    });
    let areas = place("Prioriterade delmål").map_or(Vec::new(), |(row, c)| r.areas(row, Some(c)));
    Some(PlanBlock {
        id,
        name,
        status,
        systemledning,
        start,
        end: date(r, "Period till"),
        decided_by: text(r, "Beslutad av"),
        decided_on: date(r, "Beslutsdatum"),
        link: text(r, "Länk"),
        areas,
        cells: (at.iter())
            .map(|(l, (row, c))| (*l, a1(*row, *c)))
            .collect(),
    })
}
