//! Nyckeltal from files, for when Kolada cannot be reached or the figures are the county's own:
//! Kolada's API pages saved as they came (JSON), or a long table as analysts keep them (one
//! value per row), in CSV (`;` or `,`; UTF-8 with or without BOM, or Latin-1) or in a workbook
//! (xlsx or ods, opened through the same guard as a filled form); and the template Nära writes
//! for the county's own indicators ([`write_template`]), which reads back as such a table.
//!
//! A long table's headers may be English or Swedish, in any case: kpi (variabelkod, nyckeltal),
//! municipality (kommunkod, regionkod, kod), period (år, year), value (värde), and optionally
//! gender (kön) and cases (antal, antal fall, n). Other columns, such as titel or kommun, are
//! passed over. Values take a decimal comma or point; a missing value is empty, `..` or `-` and
//! stays missing (never 0). In a workbook the table is read from the first sheet whose first
//! non-empty row has the headers, and numbers may be stored as numbers or as text. Every problem
//! names where it is in Swedish (row and column of a CSV, sheet and cell of a workbook), and a
//! file with any problem yields nothing.

use std::collections::HashMap;

use nara_core::indicator::kolada::{self, Gender, Value};

use crate::{Limits, Problem};

mod csv;
mod template;
mod xlsx;

pub use template::{TEMPLATE_HEADERS, TEMPLATE_SHEET, write_template};

/// The most rows of values one file may hold (a workbook: the rows of its sheet below row 1).
pub const MAX_ROWS: usize = 200_000;

/// The most problems listed for one file (the rest are counted).
const MAX_PROBLEMS: usize = 50;

/// The magic bytes of a zip (xlsx, ods) and of an OLE compound file (an old `.xls`, or an
/// encrypted workbook): such a file goes to the workbook reader and its guard.
const WORKBOOK_MAGIC: [&[u8]; 3] = [
    b"PK\x03\x04",
    b"PK\x05\x06",
    &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
];

/// A problem of the whole file.
fn file_problem(message: String) -> Problem {
    Problem {
        sheet: None,
        cell: None,
        message,
    }
}

/// Reads the values of a file (see the module). `file_name` names it in messages.
pub fn read_values(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Value>, Vec<Problem>> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(vec![file_problem(format!(
            "{file_name}: filen är för stor ({} MB; högst {} MB tas emot).",
            bytes.len() / (1024 * 1024),
            limits.max_file_bytes / (1024 * 1024)
        ))]);
    }
    if WORKBOOK_MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return xlsx::read_book(file_name, bytes, limits);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| body[i]) {
        None => Err(vec![file_problem(format!("{file_name}: filen är tom."))]),
        Some(b'{') => kolada::parse_data_page(body)
            .map(|p| p.values.into_iter().filter(|v| !v.deleted).collect())
            .map_err(|e| vec![file_problem(format!("{file_name}: {e}"))]),
        Some(_) => csv::read_csv(&text_of(body)),
    }
}

/// UTF-8 when it is, else Latin-1 (every byte a character), as Swedish spreadsheets save.
fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A text as quoted in a message: at most 40 characters.
fn short(s: &str) -> String {
    cut(s, 40)
}

/// A text of at most `max` characters, and `…` when it was longer.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// What a column of a long table holds, by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Kpi,
    Municipality,
    Period,
    Gender,
    Value,
    Cases,
}

/// The column a header names, whatever its case and spacing; `None` for a column passed over.
fn column_of(header: &str) -> Option<Column> {
    let h = header
        .trim_start_matches('\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    Some(match h.as_str() {
        "kpi" | "variabelkod" | "nyckeltal" | "kpi_id" => Column::Kpi,
        "municipality" | "municipality_id" | "kommunkod" | "regionkod" | "kod" => {
            Column::Municipality
        }
        "period" | "år" | "ar" | "year" => Column::Period,
        "gender" | "kön" | "kon" => Column::Gender,
        "value" | "värde" | "varde" => Column::Value,
        "antal" | "antal fall" | "cases" | "n" => Column::Cases,
        _ => return None,
    })
}

/// Where a long table's columns are (from 0): the first column under each name.
#[derive(Debug, Clone, Copy)]
struct Table {
    kpi: usize,
    municipality: usize,
    period: usize,
    value: usize,
    gender: Option<usize>,
    cases: Option<usize>,
}

impl Table {
    /// Finds the columns among the headers, each given with its column; or names in Swedish
    /// the required columns that are missing.
    fn find<'a>(
        headers: impl IntoIterator<Item = (usize, &'a str)>,
    ) -> Result<Self, Vec<&'static str>> {
        let mut found: HashMap<Column, usize> = HashMap::new();
        for (i, h) in headers {
            if let Some(c) = column_of(h) {
                found.entry(c).or_insert(i);
            }
        }
        let mut missing = Vec::new();
        let mut required = |c: Column, name: &'static str| {
            let at = found.get(&c).copied();
            if at.is_none() {
                missing.push(name);
            }
            at.unwrap_or_default()
        };
        let table = Table {
            kpi: required(Column::Kpi, "kpi (eller variabelkod)"),
            municipality: required(
                Column::Municipality,
                "municipality (eller kommunkod, regionkod)",
            ),
            period: required(Column::Period, "period (eller år)"),
            value: required(Column::Value, "value (eller värde)"),
            gender: found.get(&Column::Gender).copied(),
            cases: found.get(&Column::Cases).copied(),
        };
        if missing.is_empty() {
            Ok(table)
        } else {
            Err(missing)
        }
    }

    /// The columns read, required and optional.
    fn used(&self) -> impl Iterator<Item = usize> {
        [self.kpi, self.municipality, self.period, self.value]
            .into_iter()
            .chain(self.gender)
            .chain(self.cases)
    }
}

/// The message for a header row without the required columns; `found` are its headers.
fn missing_columns(missing: &[&str], found: &[&str]) -> String {
    let found: Vec<&str> = found
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    format!(
        "{} {} saknas (rubrikerna är: {}).",
        if missing.len() == 1 {
            "Kolumnen"
        } else {
            "Kolumnerna"
        },
        missing.join(", "),
        cut(&found.join(", "), 200)
    )
}

/// What is wrong in one row: each problem with the column it is in.
type RowProblems = Vec<(usize, String)>;

/// Checks one row of a long table, given its cells as text by column (CSV and workbook alike):
/// `None` for a row with nothing in the table's columns, or whose value and cases are both left
/// blank (a template row nobody filled in says nothing, and must not blank a stored value; `..`
/// or `-` says the value is missing), else its value or every problem in it.
fn check_row<'a>(
    table: &Table,
    cell: impl Fn(usize) -> &'a str,
) -> Option<Result<Value, RowProblems>> {
    let field = |i: usize| cell(i).trim();
    if table.used().all(|i| field(i).is_empty()) {
        return None;
    }
    if field(table.value).is_empty() && table.cases.is_none_or(|c| field(c).is_empty()) {
        return None;
    }
    let mut bad = Vec::new();
    let kpi = note(&mut bad, table.kpi, kpi_id(field(table.kpi)));
    let municipality = note(
        &mut bad,
        table.municipality,
        place(field(table.municipality)),
    );
    let period = note(&mut bad, table.period, year(field(table.period)));
    let gender = match table.gender {
        None => Some(Gender::T),
        Some(g) => note(&mut bad, g, gender(field(g))),
    };
    let value = note(&mut bad, table.value, number(field(table.value)));
    let cases = match table.cases {
        None => Some(None),
        Some(c) => note(&mut bad, c, cases(field(c))),
    };
    Some(match (kpi, municipality, period, gender, value, cases) {
        (Some(kpi), Some(municipality), Some(period), Some(gender), Some(value), Some(cases)) => {
            Ok(Value {
                kpi,
                municipality,
                period,
                gender,
                status: String::new(),
                value,
                cases,
                deleted: false,
            })
        }
        _ => Err(bad),
    })
}

/// The checked content of a cell, or `None` with its problem noted in `bad`.
fn note<T>(bad: &mut RowProblems, col: usize, checked: Result<T, String>) -> Option<T> {
    checked.map_err(|m| bad.push((col, m))).ok()
}

/// An indicator's id: Kolada's (`N21700`) or a local one (`X-DAL-001`), in capitals.
fn kpi_id(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("Nyckeltalets id saknas.".into());
    }
    if text.len() > 32 || !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(format!(
            "”{}” är inget id för ett nyckeltal (till exempel N21700 eller X-DAL-001).",
            short(text)
        ));
    }
    Ok(text.to_ascii_uppercase())
}

/// A kommun's or region's code, four digits (`20` is `0020`).
fn place(text: &str) -> Result<String, String> {
    match text.len() {
        1..=4 if text.bytes().all(|b| b.is_ascii_digit()) => Ok(format!("{text:0>4}")),
        _ => Err(format!(
            "”{}” är ingen kommun- eller regionkod (fyra siffror, till exempel 2080 eller 0020).",
            short(text)
        )),
    }
}

/// A year from 1900 to 2100.
fn year(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok(y),
        _ => Err(format!("”{}” är inget år.", short(text))),
    }
}

/// Whose value: T (totalt, the default when empty), K or M.
fn gender(text: &str) -> Result<Gender, String> {
    match text.to_lowercase().as_str() {
        "" | "t" | "totalt" | "alla" => Ok(Gender::T),
        "k" | "kvinnor" => Ok(Gender::K),
        "m" | "män" => Ok(Gender::M),
        _ => Err(format!("”{}” är inget kön (T, K eller M).", short(text))),
    }
}

/// Whether a cell says that a value is missing.
fn is_missing(text: &str) -> bool {
    matches!(text, "" | ".." | "-" | "–")
}

/// A number as people write it, with a decimal comma or point and spaces between thousands.
fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            ',' => '.',
            '\u{2212}' => '-',
            c => c,
        })
        .collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A value: a number, or `None` when missing.
fn number(text: &str) -> Result<Option<f64>, String> {
    if is_missing(text) {
        return Ok(None);
    }
    parse_number(text).map(Some).ok_or_else(|| {
        format!(
            "”{}” är inget tal (lämna tomt, .. eller - för ett värde som saknas).",
            short(text)
        )
    })
}

/// How many cases a value rests on: a whole number from 0, or `None` when not given.
fn cases(text: &str) -> Result<Option<u32>, String> {
    if is_missing(text) {
        return Ok(None);
    }
    match parse_number(text) {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => Ok(Some(n as u32)),
        _ => Err(format!(
            "”{}” är inget antal fall (ett heltal, 0 eller mer; lämna tomt om antalet inte är känt).",
            short(text)
        )),
    }
}

/// What a long table has given so far: its values, and its problems (at most
/// [`MAX_PROBLEMS`], the rest counted).
#[derive(Default)]
struct Collected {
    values: Vec<Value>,
    problems: Vec<Problem>,
    more: usize,
    /// Where each value was first given (its row), by what it is a value of.
    seen: HashMap<(String, String, u16, Gender), usize>,
}

impl Collected {
    /// Notes one problem.
    fn problem(&mut self, p: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more += 1;
        }
    }

    /// Takes one checked row (see [`check_row`]), numbered `row` (from 1) as people count
    /// rows; `at` places a problem in a column of it. A second value for the same indicator,
    /// place, year and gender is a problem: one of them would be lost.
    fn row(
        &mut self,
        row: usize,
        checked: Option<Result<Value, RowProblems>>,
        at: impl Fn(usize, String) -> Problem,
        kpi_column: usize,
    ) {
        match checked {
            None => {}
            Some(Err(bad)) => {
                for (col, message) in bad {
                    self.problem(at(col, message));
                }
            }
            Some(Ok(v)) => {
                let key = (v.kpi.clone(), v.municipality.clone(), v.period, v.gender);
                if let Some(first) = self.seen.get(&key) {
                    let message = format!(
                        "{} för {} år {} ({}) finns redan på rad {first}. Ta bort den ena raden eller ändra kön.",
                        v.kpi,
                        v.municipality,
                        v.period,
                        v.gender.label()
                    );
                    self.problem(at(kpi_column, message));
                } else {
                    self.seen.insert(key, row);
                    self.values.push(v);
                }
            }
        }
    }

    /// The values, or every problem.
    fn finish(mut self) -> Result<Vec<Value>, Vec<Problem>> {
        if self.more > 0 {
            self.problems
                .push(file_problem(format!("… och {} fel till.", self.more)));
        }
        if self.problems.is_empty() {
            Ok(self.values)
        } else {
            Err(self.problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Vec<Value>, Vec<Problem>> {
        read_values("n.csv", bytes, &Limits::default())
    }

    #[test]
    fn a_swedish_long_table_reads_with_decimal_comma_and_missing_values() {
        let csv = "\u{feff}År;Kommunkod;Kommun;Kön;Variabelkod;Variabel;Värde\n\
                   2024;2080;Falun;Totalt;N21700;Hemtjänst;37,4\n\
                   2024;20;Region Dalarna;K;N21700;Hemtjänst;..\n\
                   2024;0000;Riket;M;n21700;Hemtjänst;-\n\
                   2024;0000;Riket;K;n21700;Hemtjänst;\n\
                   ;;;;;;\n";
        let v = read(csv.as_bytes()).unwrap();
        // `..` and `-` say the value is missing; a blank value says nothing and is passed over.
        assert_eq!(v.len(), 3);
        assert_eq!(
            (v[0].municipality.as_str(), v[0].value),
            ("2080", Some(37.4))
        );
        assert_eq!(
            (v[1].municipality.as_str(), v[1].gender, v[1].value),
            ("0020", Gender::K, None)
        );
        assert_eq!(
            (v[2].kpi.as_str(), v[2].value),
            ("N21700", None),
            "missing is not 0"
        );
        assert!(v.iter().all(|v| v.cases.is_none()));
    }

    #[test]
    fn latin1_and_english_headers_with_commas() {
        let mut bytes = b"kpi,municipality,period,value,title\n".to_vec();
        bytes.extend_from_slice(b"U01405,2080,2023,\"71,5\",H\xE4lsa\n");
        let v = read(&bytes).unwrap();
        assert_eq!((v[0].gender, v[0].value), (Gender::T, Some(71.5)));
    }

    #[test]
    fn problems_name_the_row_and_column_and_nothing_is_kept() {
        let csv = "kpi;kommunkod;år;värde\nN21700;Falun;2024;3\nN21700;2080;tjugo;3\nN21700;2080;2024;mycket\n";
        let p = read(csv.as_bytes()).unwrap_err();
        let said: Vec<String> = p
            .iter()
            .map(|p| format!("{}: {}", p.cell.clone().unwrap_or_default(), p.message))
            .collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(
            said[0].starts_with("rad 2, kolumn B: ”Falun” är ingen kommun"),
            "{said:?}"
        );
        assert!(
            said[1].starts_with("rad 3, kolumn C: ”tjugo” är inget år"),
            "{said:?}"
        );
        assert!(
            said[2].starts_with("rad 4, kolumn D: ”mycket” är inget tal"),
            "{said:?}"
        );
        let p = read(b"a;b\n1;2\n").unwrap_err();
        assert!(
            p[0].message
                .starts_with("Kolumnerna kpi (eller variabelkod)"),
            "{:?}",
            p[0]
        );
    }

    #[test]
    fn every_problem_of_a_row_is_named() {
        let csv = "kpi;kommunkod;år;värde;antal\nN 21700;20800;1066;x;-3\n";
        let p = read(csv.as_bytes()).unwrap_err();
        let cells: Vec<&str> = p.iter().filter_map(|p| p.cell.as_deref()).collect();
        assert_eq!(
            cells,
            [
                "rad 2, kolumn A",
                "rad 2, kolumn B",
                "rad 2, kolumn C",
                "rad 2, kolumn D",
                "rad 2, kolumn E"
            ],
            "{p:?}"
        );
        assert!(p[4].message.contains("inget antal fall"), "{p:?}");
    }

    #[test]
    fn the_cases_column_under_each_name() {
        for header in ["antal", " Antal Fall ", "CASES", "n", "antal  fall"] {
            let csv = format!(
                "kpi;kommunkod;år;värde;{header}\nX-DAL-001;2080;2024;3;12\nX-DAL-001;2080;2023;;\n"
            );
            let v = read(csv.as_bytes()).unwrap_or_else(|p| panic!("{header}: {p:?}"));
            assert_eq!(v[0].cases, Some(12), "{header}");
            assert_eq!(
                v.len(),
                1,
                "a row with value and cases blank says nothing: {header}"
            );
        }
        for bad in ["2,5", "-1", "tolv", "5000000000"] {
            let csv = format!("kpi;kommunkod;år;värde;antal\nN21700;2080;2024;3;{bad}\n");
            let p = read(csv.as_bytes()).unwrap_err();
            assert_eq!(
                p[0].cell.as_deref(),
                Some("rad 2, kolumn E"),
                "{bad}: {p:?}"
            );
            assert!(p[0].message.contains("inget antal fall"), "{bad}: {p:?}");
        }
        let csv = "kpi;kommunkod;år;värde;antal\nN21700;2080;2024;3;12,0\n";
        assert_eq!(read(csv.as_bytes()).unwrap()[0].cases, Some(12));
    }

    #[test]
    fn title_and_place_name_columns_are_passed_over() {
        let csv = "Nyckeltal;Titel;Kommunkod;Kommun;År;Kön;Värde;Antal\n\
                   X-DAL-001;Lokala planer;2080;Falun;2024;T;1 234,5;40\n\
                   ;Bara en titel;;Falun;;;;\n";
        let v = read(csv.as_bytes()).unwrap();
        assert_eq!(
            v.len(),
            1,
            "a row with nothing in the table's columns is blank"
        );
        assert_eq!(
            (v[0].kpi.as_str(), v[0].value, v[0].cases),
            ("X-DAL-001", Some(1234.5), Some(40))
        );
        for (header, kpi) in [
            ("title", "kpi"),
            ("nyckeltalsnamn", "kpi"),
            ("namn", "kpi"),
            ("organisation", "kpi"),
        ] {
            let csv = format!("{kpi};{header};kommunkod;år;värde\nN21700;x;2080;2024;1\n");
            assert_eq!(read(csv.as_bytes()).unwrap().len(), 1, "{header}");
        }
    }

    #[test]
    fn a_value_given_twice_is_a_problem() {
        let csv = "kpi;kommunkod;år;kön;värde\nN21700;2080;2024;T;1\nN21700;2080;2024;K;2\nN21700;2080;2024;;3\n";
        let p = read(csv.as_bytes()).unwrap_err();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].cell.as_deref(), Some("rad 4, kolumn A"));
        assert!(p[0].message.contains("finns redan på rad 2"), "{p:?}");
    }

    #[test]
    fn saved_kolada_pages_and_other_files() {
        let page = br#"{"values": [{"kpi": "N21700", "municipality": "2080", "period": 2024, "values": [{"gender": "T", "value": null}]}]}"#;
        assert_eq!(read(page).unwrap()[0].value, None);
        assert!(
            read(b"PK\x03\x04rest").unwrap_err()[0]
                .message
                .contains("skadad"),
        );
        assert!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).unwrap_err()[0]
                .message
                .contains(".xls")
        );
        assert!(read(b"  \n").unwrap_err()[0].message.contains("tom"));
    }

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("\u{2212}2,5"), Some(-2.5));
        assert_eq!(parse_number("1\u{a0}000"), Some(1000.0));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("1.234,5"), None);
    }
}
