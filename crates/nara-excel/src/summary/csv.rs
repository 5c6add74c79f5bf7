//! The raw answers (and any other table) as CSV for statistics tools and Excel, written with the
//! `csv` crate: UTF-8 with a byte-order mark (so Excel reads åäö), `;` between fields and a
//! decimal comma (as Swedish Excel expects), CRLF line ends, every field quoted, and every field
//! neutralised against formula injection (see [`neutralise`]).

use std::borrow::Cow;

use csv::{QuoteStyle, Terminator, WriterBuilder};
use nara_core::fmt;
use nara_core::report::RawRow;

/// The characters that make a spreadsheet read a field as a formula (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The column headers of the raw answers, in the CSV and on the Rådata sheet.
pub(crate) const RAW_HEADERS: [&str; 12] = [
    "Omgång",
    "Kod",
    "Organisation",
    "Verksamhet",
    "Bedömare",
    "Delmål",
    "Delmålets namn",
    "Påstående-ID",
    "Påstående",
    "Värde",
    "Svar",
    "Kommentar",
];

/// A value neutralised against formula injection (OWASP) wherever a spreadsheet might start a
/// field in it: a `'` goes before a formula character (`=`, `+`, `-`, `@`, a tab or a carriage
/// return) at the start of the value and after every `,`, `;`, line feed or carriage return in
/// it (quotes in between skipped). A spreadsheet that opens the file with `,` as the separator
/// leaves quoted mode after the first field and splits the rest of the line at every comma,
/// inside values too; neutralising after each possible separator means that no field of any
/// such split starts a formula, whichever separator is used. Quoting is the writer's.
fn neutralise(s: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut field_start = true;
    for (i, c) in s.char_indices() {
        if field_start && c != '"' {
            if FORMULA_STARTS.contains(&c) {
                out.push_str(&s[copied..i]);
                out.push('\'');
                copied = i;
            }
            field_start = false;
        }
        if matches!(c, ',' | ';' | '\n' | '\r') {
            field_start = true;
        }
    }
    if copied == 0 && out.is_empty() {
        return Cow::Borrowed(s);
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

/// Writes a header row and the rows, every field neutralised, with the BOM, `;`, CRLF and
/// every field quoted.
fn write<'a, R, F>(headers: &[&str], rows: R) -> Vec<u8>
where
    R: IntoIterator<Item = F>,
    F: IntoIterator<Item = &'a str>,
{
    let mut builder = WriterBuilder::new();
    builder
        .delimiter(b';')
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Always)
        .flexible(true);
    let mut w = builder.from_writer("\u{feff}".as_bytes().to_vec());
    // Writing to memory has no I/O error, and `flexible` lets rows differ in length: nothing
    // here can fail.
    let ok = "a CSV writer over a Vec cannot fail";
    w.write_record(headers.iter().map(|h| neutralise(h).into_owned()))
        .expect(ok);
    for r in rows {
        let fields: Vec<Cow<'_, str>> = r.into_iter().map(neutralise).collect();
        if fields.is_empty() {
            // An empty row is an empty line (the writer would write one empty field, `""`).
            let mut out = w.into_inner().expect(ok);
            out.extend_from_slice(b"\r\n");
            w = builder.from_writer(out);
        } else {
            w.write_record(fields.iter().map(|f| f.as_bytes()))
                .expect(ok);
        }
    }
    w.into_inner().expect(ok)
}

/// A table as CSV the way [`raw_csv`] writes it (BOM, `;`, every field quoted and neutralised
/// against formulas, CRLF): a header row, then the rows.
pub fn csv_table(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    write(headers, rows.iter().map(|r| r.iter().map(String::as_str)))
}

/// The raw answers as CSV for statistics tools and Excel: UTF-8 with a byte-order mark (so
/// Excel reads åäö), `;` between fields and a decimal comma (as Swedish Excel expects), CRLF line
/// ends, every field quoted and neutralised (a `'` before a formula character, see the module).
pub fn raw_csv(rows: &[RawRow]) -> Vec<u8> {
    let values: Vec<String> = rows
        .iter()
        .map(|r| {
            r.value
                .map(|v| fmt::decimal(v, if v.fract() == 0.0 { 0 } else { 2 }))
                .unwrap_or_default()
        })
        .collect();
    write(
        &RAW_HEADERS,
        rows.iter().zip(&values).map(|(r, value)| {
            [
                r.round.as_str(),
                &r.org_code,
                &r.org_name,
                &r.unit,
                &r.rater,
                &r.area_id,
                &r.area_name,
                &r.statement_id,
                &r.statement,
                value,
                &r.label,
                &r.comment,
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One field as the writer puts it in the file.
    fn field(s: &str) -> String {
        let bytes = csv_table(&[s], &[]);
        let text = String::from_utf8(bytes).unwrap();
        text.trim_start_matches('\u{feff}')
            .trim_end_matches("\r\n")
            .to_string()
    }

    #[test]
    fn csv_fields_are_quoted_and_neutralised() {
        assert_eq!(field("vanlig text"), "\"vanlig text\"");
        assert_eq!(field(""), "\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "\"'+1\"");
        assert_eq!(field("-2"), "\"'-2\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(field("\tx"), "\"'\tx\"");
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(field("a;b"), "\"a;b\"");
        assert_eq!(field("a,=1+1"), "\"a,'=1+1\"");
        assert_eq!(field("a;\"@x"), "\"a;\"\"'@x\"");
        assert_eq!(field("rad\r\n-3"), "\"rad\r\n'-3\"");
        assert_eq!(field("2,5"), "\"2,5\"");
        assert_eq!(field("rad\nny"), "\"rad\nny\"");
        assert_eq!(field("<script>"), "\"<script>\"");
        assert_eq!(field("=1;=2,+3"), "\"'=1;'=2,'+3\"");
    }

    #[test]
    fn a_table_has_a_bom_semicolons_crlf_and_keeps_empty_rows() {
        let bytes = csv_table(
            &["A", "=B", ""],
            &[vec!["x;\"@y".into(), "-1".into(), "".into()], vec![]],
        );
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}\"A\";\"'=B\";\"\"\r\n\"x;\"\"'@y\";\"'-1\";\"\"\r\n\r\n"
        );
    }
}
