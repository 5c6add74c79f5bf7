//! Nyckeltal from files, for when Kolada cannot be reached or the figures are the county's own:
//! Kolada's API pages saved as they came (JSON), or a long table in CSV as analysts keep them
//! (one value per row; headers in English or Swedish; `;` or `,`; decimal comma; UTF-8 with or
//! without BOM, or Latin-1; missing values empty, `..` or `-`). Every problem names the row and
//! column in Swedish, and a file with any problem yields nothing.

use nara_core::indicator::kolada::{self, Gender, Value};

use crate::{Limits, Problem};

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 200_000;

/// The most problems listed for one file (the rest are counted).
const MAX_PROBLEMS: usize = 50;

fn problem(cell: Option<String>, message: String) -> Problem {
    Problem {
        sheet: None,
        cell,
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
        return Err(vec![problem(
            None,
            format!(
                "{file_name}: filen är för stor ({} MB; högst {} MB tas emot).",
                bytes.len() / (1024 * 1024),
                limits.max_file_bytes / (1024 * 1024)
            ),
        )]);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| body[i]) {
        None => Err(vec![problem(None, format!("{file_name}: filen är tom."))]),
        Some(b'{') => kolada::parse_data_page(body)
            .map(|p| p.values.into_iter().filter(|v| !v.deleted).collect())
            .map_err(|e| vec![problem(None, format!("{file_name}: {e}"))]),
        Some(b'P') if body.starts_with(b"PK") => Err(vec![problem(
            None,
            format!(
                "{file_name}: nyckeltal i Excelformat kan inte läsas in än. Spara tabellen som CSV (semikolonseparerad) och läs in den."
            ),
        )]),
        Some(_) => read_csv(&text_of(body)),
    }
}

/// UTF-8 when it is, else Latin-1 (every byte a character), as Swedish spreadsheets save.
fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The columns a long table has, by what their headers may be called.
#[derive(Default)]
struct Columns {
    kpi: Option<usize>,
    municipality: Option<usize>,
    period: Option<usize>,
    gender: Option<usize>,
    value: Option<usize>,
}

fn columns(headers: &csv::StringRecord) -> Columns {
    let mut c = Columns::default();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().to_lowercase();
        let slot = match h.as_str() {
            "kpi" | "variabelkod" | "nyckeltal" | "kpi_id" => &mut c.kpi,
            "municipality" | "municipality_id" | "kommunkod" | "regionkod" | "kod" => {
                &mut c.municipality
            }
            "period" | "år" | "ar" | "year" => &mut c.period,
            "gender" | "kön" | "kon" => &mut c.gender,
            "value" | "värde" | "varde" => &mut c.value,
            _ => continue,
        };
        slot.get_or_insert(i);
    }
    c
}

fn column_letter(i: usize) -> String {
    crate::cells::a1(0, u32::try_from(i).unwrap_or(u32::MAX))
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

fn read_csv(text: &str) -> Result<Vec<Value>, Vec<Problem>> {
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
    let headers = reader
        .headers()
        .map_err(|e| {
            vec![problem(
                None,
                format!("Rubrikraden kunde inte läsas ({e})."),
            )]
        })?
        .clone();
    let c = columns(&headers);
    let mut missing = Vec::new();
    for (slot, name) in [
        (c.kpi, "kpi (eller variabelkod)"),
        (c.municipality, "municipality (eller kommunkod, regionkod)"),
        (c.period, "period (eller år)"),
        (c.value, "value (eller värde)"),
    ] {
        if slot.is_none() {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        let found: Vec<&str> = headers.iter().map(str::trim).collect();
        return Err(vec![problem(
            Some("rad 1".into()),
            format!(
                "Kolumnerna {} saknas (rubrikerna är: {}).",
                missing.join(", "),
                found.join(", ")
            ),
        )]);
    }
    let (kpi, place, period, value) = (
        c.kpi.unwrap_or_default(),
        c.municipality.unwrap_or_default(),
        c.period.unwrap_or_default(),
        c.value.unwrap_or_default(),
    );
    let mut values = Vec::new();
    let mut problems = Vec::new();
    let mut more = 0usize;
    let mut note = |problems: &mut Vec<Problem>, cell: String, message: String| {
        if problems.len() < MAX_PROBLEMS {
            problems.push(problem(Some(cell), message));
        } else {
            more += 1;
        }
    };
    for (n, record) in reader.records().enumerate() {
        let row = n + 2;
        if n >= MAX_ROWS {
            return Err(vec![problem(
                None,
                format!("Filen har fler än {MAX_ROWS} rader; dela upp den."),
            )]);
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                note(
                    &mut problems,
                    format!("rad {row}"),
                    format!("Raden kunde inte läsas ({e})."),
                );
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let at = |i: usize| format!("rad {row}, kolumn {}", column_letter(i));
        let id = field(kpi).to_ascii_uppercase();
        if id.is_empty() {
            note(&mut problems, at(kpi), "Nyckeltalets id saknas.".into());
            continue;
        }
        let code = field(place);
        let municipality = match code.len() {
            1..=4 if code.bytes().all(|b| b.is_ascii_digit()) => format!("{code:0>4}"),
            _ => {
                note(
                    &mut problems,
                    at(place),
                    format!(
                        "”{code}” är ingen kommun- eller regionkod (fyra siffror, till exempel 2080 eller 0020)."
                    ),
                );
                continue;
            }
        };
        let year = match field(period).parse::<u16>() {
            Ok(y) if (1900..=2100).contains(&y) => y,
            _ => {
                note(
                    &mut problems,
                    at(period),
                    format!("”{}” är inget år.", field(period)),
                );
                continue;
            }
        };
        let gender = match c.gender.map(|g| field(g).to_lowercase()) {
            None => Gender::T,
            Some(g) => match g.as_str() {
                "" | "t" | "totalt" | "alla" => Gender::T,
                "k" | "kvinnor" => Gender::K,
                "m" | "män" => Gender::M,
                _ => {
                    note(
                        &mut problems,
                        at(c.gender.unwrap_or_default()),
                        format!("”{g}” är inget kön (T, K eller M)."),
                    );
                    continue;
                }
            },
        };
        let raw = field(value);
        let number = match raw {
            "" | ".." | "-" | "–" => None,
            _ => {
                let cleaned: String = raw
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .map(|c| if c == ',' { '.' } else { c })
                    .collect();
                match cleaned.parse::<f64>() {
                    Ok(x) if x.is_finite() => Some(x),
                    _ => {
                        note(
                            &mut problems,
                            at(value),
                            format!(
                                "”{raw}” är inget tal (lämna tomt, .. eller - för ett värde som saknas)."
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        values.push(Value {
            kpi: id,
            municipality,
            period: year,
            gender,
            status: String::new(),
            value: number,
            cases: None,
            deleted: false,
        });
    }
    if more > 0 {
        problems.push(problem(None, format!("… och {more} fel till.")));
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
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
                   2024;0000;Riket;M;n21700;Hemtjänst;\n\
                   ;;;;;;\n";
        let v = read(csv.as_bytes()).unwrap();
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
    fn saved_kolada_pages_and_other_files() {
        let page = br#"{"values": [{"kpi": "N21700", "municipality": "2080", "period": 2024, "values": [{"gender": "T", "value": null}]}]}"#;
        assert_eq!(read(page).unwrap()[0].value, None);
        assert!(
            read(b"PK\x03\x04rest").unwrap_err()[0]
                .message
                .contains("Excelformat")
        );
        assert!(read(b"  \n").unwrap_err()[0].message.contains("tom"));
    }
}
