//! The raw CSV (`radata.csv`, issue 14 item 12): whether a spreadsheet splits it at `;` (as
//! written) or at `,`, with quotes honoured or not, no field starts a formula, and with `;`
//! every value comes back whole.

use nara_core::report::RawRow;
use nara_excel::summary::raw_csv;

/// What makes a spreadsheet read a field as a formula.
const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Splits CSV text as a spreadsheet does: a field that starts with `"` is quoted until a lone
/// `"` (a doubled one is a quote), anything after the closing quote is kept, and outside quotes
/// the separator ends a field and a line feed ends a record (a CR before it is dropped).
fn split_like_a_spreadsheet(text: &str, sep: char) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut at_start) = (false, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            c if c == sep => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Splits CSV text the naive way: at every line break and every separator, quotes ignored,
/// then strips the quotes around each piece.
fn split_naively(text: &str, sep: char) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split(['\r', '\n', sep])
        .map(|f| f.trim_matches('"').to_string())
        .collect()
}

fn row(fields: [&str; 11], value: Option<f64>) -> RawRow {
    let [
        round,
        org_code,
        org_name,
        unit,
        rater,
        area_id,
        area_name,
        statement_id,
        statement,
        label,
        comment,
    ] = fields.map(str::to_string);
    RawRow {
        round,
        org_code,
        org_name,
        unit,
        rater,
        area_id,
        area_name,
        statement_id,
        statement,
        value,
        label,
        comment,
    }
}

/// Rows whose every text field tries to start a formula, at its start, after a comma, after a
/// semicolon, after a line break, behind quotes.
fn hostile_rows() -> Vec<RawRow> {
    vec![
        row(
            [
                "=1+1",
                "+2080",
                "-Falun",
                "@SUM(A1)",
                "\tTab",
                "\rCR",
                "Bra, =HYPERLINK(\"http://x\";\"klicka\")",
                "a;=1",
                "rad ett\n=2+2",
                "rad ett\r\n+3",
                "\"=citerad\"",
            ],
            Some(2.5),
        ),
        row(
            [
                "2026",
                "2062",
                "Mora",
                "x,\"=1\"",
                "y;\"\"@z",
                "D1",
                "ok,-1",
                "D1.1",
                "Påstående med , och ; inuti",
                "Stämmer delvis",
                "=cmd|' /C calc'!A0",
            ],
            Some(3.0),
        ),
        row(
            [
                "2026", "2062", "Mora", "Enhet", "", "D2", "Namn", "D2.1", "Text", "", "",
            ],
            None,
        ),
    ]
}

fn csv_text(rows: &[RawRow]) -> String {
    String::from_utf8(raw_csv(rows)).expect("UTF-8")
}

fn assert_no_formula(fields: impl IntoIterator<Item = String>, how: &str) {
    for f in fields {
        assert!(
            !f.starts_with(FORMULA),
            "{how}: the field {f:?} starts a formula"
        );
    }
}

#[test]
fn no_field_starts_a_formula_whatever_the_separator() {
    let text = csv_text(&hostile_rows());
    for sep in [';', ','] {
        let rows = split_like_a_spreadsheet(&text, sep);
        assert!(rows.len() >= 4, "{sep}: {rows:?}");
        assert_no_formula(rows.into_iter().flatten(), &format!("split at {sep:?}"));
        assert_no_formula(
            split_naively(&text, sep),
            &format!("split naively at {sep:?}"),
        );
    }
}

#[test]
fn split_at_semicolons_every_field_is_quoted_and_comes_back_whole() {
    let rows = hostile_rows();
    let text = csv_text(&rows);
    assert!(text.starts_with("\u{feff}\"Omgång\";\"Kod\";\"Organisation\";"));
    let parsed = split_like_a_spreadsheet(&text, ';');
    assert_eq!(parsed.len(), rows.len() + 1, "{parsed:?}");
    assert!(parsed.iter().all(|r| r.len() == 12), "{parsed:?}");
    // Every field is quoted, and nothing is outside the quotes but the separators.
    let requoted: String = parsed
        .iter()
        .map(|r| {
            let fields: Vec<String> = r
                .iter()
                .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
                .collect();
            fields.join(";") + "\r\n"
        })
        .collect();
    assert_eq!(requoted, text.trim_start_matches('\u{feff}'));
    // Neutralising only adds apostrophes: without them every value is as stored.
    for (got, want) in parsed[1..].iter().zip(&rows) {
        let want_value = want
            .value
            .map(|v| nara_core::fmt::decimal(v, if v.fract() == 0.0 { 0 } else { 2 }))
            .unwrap_or_default();
        let want_fields = [
            &want.round,
            &want.org_code,
            &want.org_name,
            &want.unit,
            &want.rater,
            &want.area_id,
            &want.area_name,
            &want.statement_id,
            &want.statement,
            &want_value,
            &want.label,
            &want.comment,
        ];
        for (g, w) in got.iter().zip(want_fields) {
            assert_eq!(&g.replace('\'', ""), &w.replace('\'', ""), "{got:?}");
        }
    }
    // The value column keeps its decimal comma, whole.
    assert_eq!(parsed[1][9], "2,50");
    // A plain value is not touched.
    assert_eq!(parsed[3][3], "Enhet");
    assert_eq!(parsed[1][0], "'=1+1");
}
