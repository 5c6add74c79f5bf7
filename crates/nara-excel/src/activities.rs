//! Aktiviteter as a long CSV table, one activity per row: written like the raw export (BOM, `;`,
//! every field quoted and neutralised against formulas) and read back with per-cell Swedish
//! problems. A row with an id updates that activity; a row without one is a new activity (the
//! caller gives it an id). Lists (delmål, statements, indicators, partners) are separated by
//! commas; "Försenad" is written for the reader and ignored when read (it is derived). Lokala
//! planer have a table of their own (`plans`: CSV with other headers, told apart by them), and
//! both go in one workbook in long format (`xlsx`), read back through the guarded reader.

use nara_core::activity::{Activity, ActivityStatus, Category, RecordId};
use nara_core::round::Date;
use nara_core::{AreaId, OrgCode, StatementId};

use crate::{Limits, Problem};

mod plans;
mod xlsx;

pub use plans::{PLAN_HEADERS, is_plans_csv, read_plans_csv, write_plans_csv};
pub use xlsx::{PLANS_SHEET, SHEET, read_xlsx, write_xlsx};

/// The columns, in order.
pub const HEADERS: [&str; 19] = [
    "Id",
    "Organisation",
    "Titel",
    "Beskrivning",
    "Delmål",
    "Påståenden",
    "Nyckeltal",
    "Kategori",
    "Målgrupp",
    "Ansvarig roll",
    "Ansvarig",
    "Planerad start",
    "Planerad slut",
    "Status",
    "Försenad",
    "Förväntad effekt",
    "Resultat",
    "Plan",
    "Samverkansparter",
];

/// The most rows read from one file.
pub const MAX_ROWS: usize = 10_000;

pub(crate) fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn date(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// One activity's fields in the order of [`HEADERS`]; "Försenad" says `ja` when late on `today`.
pub(crate) fn activity_row(a: &Activity, today: Date) -> Vec<String> {
    vec![
        a.id.to_string(),
        a.owner.to_string(),
        a.title.clone(),
        a.description.clone(),
        joined(&a.areas),
        joined(&a.statements),
        a.indicators.join(", "),
        a.category.label().to_string(),
        a.target_group.clone(),
        a.responsible_role.clone(),
        a.responsible_name.clone(),
        date(a.planned_start),
        date(a.planned_end),
        a.status.label().to_string(),
        if a.is_late(today) { "ja" } else { "" }.to_string(),
        a.expected_effect.clone(),
        a.result.clone(),
        a.plan.as_ref().map(ToString::to_string).unwrap_or_default(),
        a.partners.join(", "),
    ]
}

/// The activities as CSV; "Försenad" says `ja` for those late on `today`.
pub fn write_csv(activities: &[Activity], today: Date) -> Vec<u8> {
    let rows: Vec<Vec<String>> = (activities.iter())
        .map(|a| activity_row(a, today))
        .collect();
    crate::summary::csv_table(&HEADERS, &rows)
}

/// Places a problem: the row (from 0), the column (its index in the file and its header) when
/// the problem is in one, and the message.
pub(crate) type Place<'a> = &'a dyn Fn(u32, Option<(usize, &str)>, String) -> Problem;

/// A table read from a file: the headers (trimmed, in lower case) and the rows below them, each
/// with its row (from 0) and its cells by column (trimmed).
#[derive(Debug, Default)]
pub(crate) struct Grid {
    /// The header row (from 0).
    pub(crate) top: u32,
    /// The headers by column.
    pub(crate) headers: Vec<String>,
    /// The rows.
    pub(crate) rows: Vec<(u32, Vec<String>)>,
}

impl Grid {
    /// The file column of each of `wanted` (by header, without regard to case).
    fn columns(&self, wanted: &[&str]) -> Vec<Option<usize>> {
        (wanted.iter())
            .map(|h| self.headers.iter().position(|x| *x == h.to_lowercase()))
            .collect()
    }

    /// The columns of `wanted`, or a problem naming the required ones that are missing.
    pub(crate) fn require(
        &self,
        wanted: &[&str],
        required: &[usize],
        place: Place,
    ) -> Result<Vec<Option<usize>>, Vec<Problem>> {
        let col = self.columns(wanted);
        let missing: Vec<&str> = (required.iter())
            .filter(|&&i| col[i].is_none())
            .map(|&i| wanted[i])
            .collect();
        if missing.is_empty() {
            return Ok(col);
        }
        Err(vec![place(
            self.top,
            None,
            format!(
                "Kolumnerna {} saknas. Utgå från en fil som nara activities export skriver.",
                missing.join(", ")
            ),
        )])
    }
}

/// The problem of a file larger than the limits allow.
pub(crate) fn too_large(limits: &Limits) -> Problem {
    Problem {
        sheet: None,
        cell: None,
        message: format!(
            "Filen är för stor (högst {} MB tas emot).",
            limits.max_file_bytes / (1024 * 1024)
        ),
    }
}

/// A CSV problem: `rad 3, kolumn Status`.
pub(crate) fn csv_place(row: u32, col: Option<(usize, &str)>, message: String) -> Problem {
    let cell = match col {
        Some((_, h)) => format!("rad {}, kolumn {h}", row + 1),
        None => format!("rad {}", row + 1),
    };
    Problem {
        sheet: None,
        cell: Some(cell),
        message,
    }
}

/// Reads a CSV file (BOM, `;` or `,`) into a [`Grid`], with the problems of rows that could not
/// be read.
pub(crate) fn csv_grid(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Grid, Vec<Problem>), Vec<Problem>> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(vec![too_large(limits)]);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) => body.iter().map(|&b| char::from(b)).collect(),
    };
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|x| x.trim().trim_start_matches('\'').to_lowercase())
            .collect(),
        Err(e) => {
            return Err(vec![csv_place(
                0,
                None,
                format!("Rubrikraden kunde inte läsas ({e})."),
            )]);
        }
    };
    let mut grid = Grid {
        top: 0,
        headers,
        rows: Vec::new(),
    };
    let mut problems = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let row = u32::try_from(n + 1).unwrap_or(u32::MAX);
        if n >= MAX_ROWS {
            return Err(vec![csv_place(
                row,
                None,
                format!("Filen har fler än {MAX_ROWS} rader; dela upp den."),
            )]);
        }
        match record {
            Ok(r) => grid
                .rows
                .push((row, (0..r.len()).map(|i| field(&r, i)).collect())),
            Err(e) => problems.push(csv_place(
                row,
                None,
                format!("Raden kunde inte läsas ({e})."),
            )),
        }
    }
    Ok((grid, problems))
}

/// A field as written: the `'` the writer puts before a formula character is taken away.
fn field(record: &csv::StringRecord, i: usize) -> String {
    let t = record.get(i).unwrap_or("").trim();
    let t = match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => t,
    };
    t.to_string()
}

/// A comma-separated list.
pub(crate) fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// The activities of a grid with the columns of [`HEADERS`]; rows without an id get one from
/// `new_id`. Every problem is placed by `place`; a grid with any problem yields nothing.
pub(crate) fn read_grid(
    grid: &Grid,
    place: Place,
    new_id: &mut dyn FnMut() -> RecordId,
) -> Result<Vec<Activity>, Vec<Problem>> {
    let col = grid.require(&HEADERS, &[1, 2, 4, 7, 13], place)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in &grid.rows {
        if cells.iter().all(|f| f.is_empty()) {
            continue;
        }
        let get = |i: usize| {
            col[i]
                .and_then(|c| cells.get(c).cloned())
                .unwrap_or_default()
        };
        let mut bad = |i: usize, m: String| {
            problems.push(place(*row, Some((col[i].unwrap_or(i), HEADERS[i])), m));
        };
        if let Some(a) = read_row(&get, &mut bad, new_id) {
            out.push(a);
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// One activity from its cells (`get` by the index of [`HEADERS`]); `None` when a field that
/// is needed to make it could not be read (`bad` was told why).
fn read_row(
    get: &dyn Fn(usize) -> String,
    bad: &mut dyn FnMut(usize, String),
    new_id: &mut dyn FnMut() -> RecordId,
) -> Option<Activity> {
    let id = match get(0).as_str() {
        "" => new_id(),
        s => match RecordId::parse(s) {
            Ok(id) => id,
            Err(e) => {
                bad(0, e.to_string());
                return None;
            }
        },
    };
    let owner = OrgCode::parse(&get(1))
        .map_err(|e| bad(1, e.to_string()))
        .ok();
    let areas: Vec<AreaId> = list(&get(4))
        .iter()
        .filter_map(|a| AreaId::parse(a).map_err(|e| bad(4, e.to_string())).ok())
        .collect();
    let statements: Vec<StatementId> = list(&get(5))
        .iter()
        .filter_map(|s| {
            StatementId::parse(s)
                .map_err(|e| bad(5, e.to_string()))
                .ok()
        })
        .collect();
    let category = Category::from_word(&get(7));
    if category.is_none() {
        bad(
            7,
            format!(
                "”{}” är ingen kategori (skriv {}).",
                get(7),
                Category::words()
            ),
        );
    }
    let mut when = |i: usize| match get(i).as_str() {
        "" => None,
        s => Date::parse(s).map_err(|e| bad(i, e.to_string())).ok(),
    };
    let (start, end) = (when(11), when(12));
    let status = ActivityStatus::from_word(&get(13));
    if status.is_none() {
        bad(
            13,
            format!(
                "”{}” är ingen status (skriv {}; försenad räknas fram ur datumen).",
                get(13),
                ActivityStatus::words()
            ),
        );
    }
    let plan = match get(17).as_str() {
        "" => None,
        s => match RecordId::parse(s) {
            Ok(p) => Some(p),
            Err(e) => {
                bad(17, e.to_string());
                None
            }
        },
    };
    let (owner, category, status) = (owner?, category?, status?);
    Some(Activity {
        id,
        title: get(2),
        description: get(3),
        owner,
        partners: list(&get(18)),
        areas,
        statements,
        indicators: list(&get(6)),
        category,
        target_group: get(8),
        responsible_role: get(9),
        responsible_name: get(10),
        planned_start: start,
        planned_end: end,
        status,
        expected_effect: get(15),
        result: get(16),
        plan,
    })
}

/// Reads activities from CSV written by [`write_csv`] (or by hand with the same headers, `;` or
/// `,`). Rows without an id get one from `new_id`. Every problem names the row and column; a
/// file with any problem yields nothing.
pub fn read_csv(
    bytes: &[u8],
    limits: &Limits,
    mut new_id: impl FnMut() -> RecordId,
) -> Result<Vec<Activity>, Vec<Problem>> {
    let (grid, mut problems) = csv_grid(bytes, limits)?;
    match read_grid(&grid, &csv_place, &mut new_id) {
        Ok(v) if problems.is_empty() => Ok(v),
        Ok(_) => Err(problems),
        Err(p) => {
            problems.extend(p);
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Activity {
        Activity {
            id: RecordId::parse("A-FALUN1").unwrap(),
            title: "=HYPERLINK(\"x\") Utbildning".into(),
            description: "Flera rader\noch ; semikolon".into(),
            owner: OrgCode::parse("2080").unwrap(),
            partners: vec!["Hälsocentralen".into(), "PRO".into()],
            areas: vec![AreaId::parse("D1").unwrap(), AreaId::parse("D3").unwrap()],
            statements: vec![StatementId::parse("D1.2").unwrap()],
            indicators: vec!["U21468".into()],
            category: Category::Halsoframjande,
            target_group: "Äldre".into(),
            responsible_role: "-Enhetschef".into(),
            responsible_name: String::new(),
            planned_start: Some(Date::parse("2025-01-01").unwrap()),
            planned_end: Some(Date::parse("2025-12-31").unwrap()),
            status: ActivityStatus::Pagar,
            expected_effect: String::new(),
            result: String::new(),
            plan: Some(RecordId::parse("P-PLAN01").unwrap()),
        }
    }

    #[test]
    fn written_and_read_back_the_same_with_formulas_neutralised() {
        let a = sample();
        let bytes = write_csv(std::slice::from_ref(&a), Date::parse("2026-01-01").unwrap());
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.contains("\"'=HYPERLINK"),
            "a formula is neutralised: {text}"
        );
        assert!(text.contains("\"ja\""), "late on the day written");
        let back = read_csv(&bytes, &Limits::default(), || RecordId::new('A', 1)).unwrap();
        assert_eq!(back, [a]);
    }

    #[test]
    fn a_new_row_gets_an_id_and_problems_name_row_and_column() {
        let csv = "Id;Organisation;Titel;Delmål;Kategori;Status\n\
                   ;2080;Ny aktivitet;D2;kompetens;planerad\n\
                   A-FALUN1;2080;Gammal;D2;kompetens;försenad\n\
                   ;Falun;Fel;D2;okänd;pågår\n";
        let p = read_csv(csv.as_bytes(), &Limits::default(), || RecordId::new('A', 7)).unwrap_err();
        let at: Vec<&str> = p.iter().map(|x| x.cell.as_deref().unwrap_or("")).collect();
        assert_eq!(
            at,
            [
                "rad 3, kolumn Status",
                "rad 4, kolumn Organisation",
                "rad 4, kolumn Kategori"
            ]
        );
        assert!(p[0].message.contains("försenad räknas fram ur datumen"));
        let ok = "Id;Organisation;Titel;Delmål;Kategori;Status\n;2080;Ny aktivitet;D2, d3;kompetens;Pågår\n";
        let v = read_csv(ok.as_bytes(), &Limits::default(), || RecordId::new('A', 7)).unwrap();
        assert_eq!(v[0].id, RecordId::new('A', 7));
        assert_eq!(v[0].areas.len(), 2);
        assert_eq!(v[0].status, ActivityStatus::Pagar);
        let missing =
            read_csv(b"Id;Titel\n", &Limits::default(), || RecordId::new('A', 7)).unwrap_err();
        assert!(
            missing[0]
                .message
                .contains("Organisation, Delmål, Kategori, Status"),
            "{missing:?}"
        );
    }
}
