//! The Rådata sheets' rows, written straight into the finished workbook. rust_xlsxwriter keeps
//! an entry per cell of a table's range (about 35 MB at 86,000 rows, gigabytes at a million)
//! and writes a cell at a time; here the rows are laid out from the [`RawTable`]'s ids as
//! shared strings, about ten times faster. rust_xlsxwriter writes each Rådata sheet with its
//! note, header and table over one placeholder row; [`splice`] copies its workbook, putting
//! the rows into those sheets, widening their tables, and adding the rows' texts to the shared
//! strings.

use std::io::{Cursor, Read, Seek, Write};
use std::ops::Range;

use nara_core::report::RawTable;
use rust_xlsxwriter::XlsxError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// Data rows a sheet holds below its note and header (Excel's limit is 1,048,576 rows).
pub(super) const SHEET_ROWS: usize = 1_048_576 - 3;

/// The header's row (0-based); the data start on the next.
pub(super) const HEADER_ROW: u32 = 2;

/// The name of the `k`th Rådata sheet (from 0): `Rådata`, `Rådata 2`, …
pub(super) fn sheet_name(k: usize) -> String {
    if k == 0 {
        "Rådata".into()
    } else {
        format!("Rådata {}", k + 1)
    }
}

/// The name of the `k`th Rådata sheet's table: `Radata`, `Radata2`, …
pub(super) fn table_name(k: usize) -> String {
    if k == 0 {
        "Radata".into()
    } else {
        format!("Radata{}", k + 1)
    }
}

/// The rows each Rådata sheet holds: whole rounds while they fit in `cap` rows, a round
/// larger than a sheet split over several. Always at least one sheet.
pub(super) fn plan(round_rows: &[usize], cap: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut end) = (0, 0);
    for &n in round_rows {
        if end > start && end - start + n > cap {
            out.push(start..end);
            start = end;
        }
        end += n;
        while end - start > cap {
            out.push(start..start + cap);
            start += cap;
        }
    }
    if end > start || out.is_empty() {
        out.push(start..end);
    }
    out
}

/// A Rådata sheet to fill: its part in the zip and its rows.
pub(super) struct Part {
    /// The sheet's part, `xl/worksheets/sheet6.xml`.
    pub(super) path: String,
    /// Its table's name.
    pub(super) table: String,
    /// The rows of the [`RawTable`] it holds.
    pub(super) rows: Range<usize>,
}

fn read(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<String, XlsxError> {
    let mut s = String::new();
    zip.by_name(name)?
        .read_to_string(&mut s)
        .map_err(XlsxError::IoError)?;
    Ok(s)
}

fn broken(what: &str) -> XlsxError {
    XlsxError::ParameterError(format!("the written workbook lacks {what}"))
}

/// The workbook `book` with the rows of `raw` in the sheets `parts`.
pub(super) fn splice<W: Write + Seek>(
    book: &[u8],
    raw: &RawTable,
    parts: &[Part],
    to: W,
) -> Result<W, XlsxError> {
    let mut zip = ZipArchive::new(Cursor::new(book))?;
    let sst = read(&mut zip, "xl/sharedStrings.xml")?;
    let unique = attr(&sst, "uniqueCount").ok_or_else(|| broken("uniqueCount"))?;
    let count = attr(&sst, "count").ok_or_else(|| broken("count"))?;
    let mut out = ZipWriter::new(to);
    // Level 1: the rows are most of the file, and deflating them dominates the time.
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    for i in 0..zip.len() {
        let name = zip.by_index_raw(i)?.name()?.to_string();
        if name == "xl/sharedStrings.xml" {
            let cells: u64 = parts
                .iter()
                .flat_map(|p| raw.ids(p.rows.clone()))
                .map(|r| r.text.iter().filter(|&&t| t != 0).count() as u64)
                .sum();
            out.start_file(name, opts)?;
            write_sst(
                &mut out,
                &sst,
                raw,
                count + cells,
                unique + raw.strings().len() as u64,
            )?;
        } else if let Some(p) = parts.iter().find(|p| p.path == name) {
            let xml = read(&mut zip, &name)?;
            out.start_file(name, opts)?;
            write_sheet(&mut out, &xml, raw, p.rows.clone(), unique as u32)?;
        } else if name.starts_with("xl/tables/") {
            let xml = read(&mut zip, &name)?;
            let part = parts
                .iter()
                .find(|p| xml.contains(&format!("displayName=\"{}\"", p.table)));
            out.start_file(name, opts)?;
            let xml = match part {
                Some(p) => {
                    let last = HEADER_ROW as usize + 1 + p.rows.len().max(1);
                    xml.replace("ref=\"A3:L4\"", &format!("ref=\"A3:L{last}\""))
                }
                None => xml,
            };
            out.write_all(xml.as_bytes()).map_err(XlsxError::IoError)?;
        } else {
            out.raw_copy_file(zip.by_index_raw(i)?)?;
        }
    }
    Ok(out.finish()?)
}

/// The number in `name="123"` of the first tag of `xml`.
fn attr(xml: &str, name: &str) -> Option<u64> {
    let at = xml.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = at + xml[at..].find('"')?;
    xml[at..end].parse().ok()
}

fn write_sst(
    out: &mut impl Write,
    sst: &str,
    raw: &RawTable,
    count: u64,
    unique: u64,
) -> Result<(), XlsxError> {
    let open = sst.find("<sst ").ok_or_else(|| broken("<sst>"))?;
    let body = open + sst[open..].find('>').ok_or_else(|| broken("<sst>"))? + 1;
    let close = sst.rfind("</sst>").ok_or_else(|| broken("</sst>"))?;
    let mut buf = String::with_capacity(1 << 16);
    buf.push_str(&sst[..open]);
    buf.push_str(&format!(
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{count}\" uniqueCount=\"{unique}\">"
    ));
    buf.push_str(&sst[body..close]);
    for s in raw.strings() {
        if s.chars().count() > 32_767 {
            return Err(XlsxError::MaxStringLengthExceeded);
        }
        let ws = ['\t', '\n', ' '];
        buf.push_str(if s.starts_with(ws) || s.ends_with(ws) {
            "<si><t xml:space=\"preserve\">"
        } else {
            "<si><t>"
        });
        escape(&mut buf, s);
        buf.push_str("</t></si>");
        if buf.len() > 1 << 16 {
            out.write_all(buf.as_bytes()).map_err(XlsxError::IoError)?;
            buf.clear();
        }
    }
    buf.push_str("</sst>");
    out.write_all(buf.as_bytes()).map_err(XlsxError::IoError)
}

/// XML text as Excel (and rust_xlsxwriter) writes it: `&<>` as entities, control characters as
/// `_xHHHH_`, and a literal `_xHHHH_` kept by escaping its underscore.
fn escape(buf: &mut String, s: &str) {
    for (i, ch) in s.char_indices() {
        match ch {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '\t' | '\n' => buf.push(ch),
            '\0'..='\x1F' | '\u{FFFE}' | '\u{FFFF}' => {
                buf.push_str(&format!("_x{:04X}_", ch as u32));
            }
            '_' if is_escape(&s[i..]) => buf.push_str("_x005F_"),
            _ => buf.push(ch),
        }
    }
}

/// Whether `s` starts with `_xHHHH_`.
fn is_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7 && b[1] == b'x' && b[6] == b'_' && b[2..6].iter().all(u8::is_ascii_hexdigit)
}

const COLS: [&[u8]; 12] = [
    b"A", b"B", b"C", b"D", b"E", b"F", b"G", b"H", b"I", b"J", b"K", b"L",
];

fn num(buf: &mut Vec<u8>, mut n: u64) {
    let mut d = [0u8; 20];
    let mut i = d.len();
    loop {
        i -= 1;
        d[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&d[i..]);
}

/// The placeholder sheet `xml` with `raw`'s rows `rows` after its header, each text as a
/// shared string (`offset` + its id).
fn write_sheet(
    out: &mut impl Write,
    xml: &str,
    raw: &RawTable,
    rows: Range<usize>,
    offset: u32,
) -> Result<(), XlsxError> {
    let close = xml
        .find("</sheetData>")
        .ok_or_else(|| broken("</sheetData>"))?;
    let mut head = xml[..close].to_string();
    if !rows.is_empty() {
        // The used range now reaches the last row.
        if let Some(at) = head.find("<dimension ref=\"") {
            let end = at + head[at..].find("/>").ok_or_else(|| broken("<dimension>"))? + 2;
            let last = HEADER_ROW as usize + 1 + rows.len();
            head.replace_range(at..end, &format!("<dimension ref=\"A1:L{last}\"/>"));
        }
    }
    out.write_all(head.as_bytes()).map_err(XlsxError::IoError)?;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut n = u64::from(HEADER_ROW) + 1;
    let mut text = String::new();
    for r in raw.ids(rows) {
        n += 1;
        buf.extend_from_slice(b"<row r=\"");
        num(&mut buf, n);
        buf.extend_from_slice(b"\">");
        // A cell names its place only after a gap; otherwise it follows the one before.
        let mut gap = false;
        for (c, col) in COLS.iter().enumerate() {
            let id = match c {
                9 => None,
                c if c < 9 => Some(r.text[c]),
                c => Some(r.text[c - 1]),
            };
            let empty = match id {
                Some(id) => id == 0,
                None => r.value.is_none(),
            };
            if empty {
                gap = true;
                continue;
            }
            buf.extend_from_slice(b"<c");
            if gap {
                buf.extend_from_slice(b" r=\"");
                buf.extend_from_slice(col);
                num(&mut buf, n);
                buf.push(b'"');
                gap = false;
            }
            match (id, r.value) {
                (Some(id), _) => {
                    buf.extend_from_slice(b" t=\"s\"><v>");
                    num(&mut buf, u64::from(offset) + u64::from(id));
                }
                (None, Some(v)) => {
                    use std::fmt::Write as _;
                    buf.extend_from_slice(b"><v>");
                    text.clear();
                    let _ = write!(text, "{v}");
                    buf.extend_from_slice(text.as_bytes());
                }
                (None, None) => {}
            }
            buf.extend_from_slice(b"</v></c>");
        }
        buf.extend_from_slice(b"</row>");
        if buf.len() > 1 << 16 {
            out.write_all(&buf).map_err(XlsxError::IoError)?;
            buf.clear();
        }
    }
    out.write_all(&buf).map_err(XlsxError::IoError)?;
    out.write_all(&xml.as_bytes()[close..])
        .map_err(XlsxError::IoError)
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};
    use nara_core::UnitName;
    use nara_core::report::Form;
    use nara_core::{Answer, AnswerSet, Instrument, OrgCode, Organisations, Response, RoundId};
    use rust_xlsxwriter::{Table, TableColumn, Workbook};

    use super::*;

    fn response(round: &str, org: &str, unit: &str, rater: &str, v: u8) -> Response {
        let inst = Instrument::dalarna();
        let mut set = AnswerSet::default();
        for (k, (_, s)) in inst.statements().enumerate() {
            // Every fifth blank, one "vet ej", a comment that needs escaping.
            match k % 5 {
                0 => {}
                1 => {
                    set.answers.insert(s.id.clone(), Answer::NotApplicable);
                }
                _ => {
                    set.answers.insert(s.id.clone(), Answer::Level(v));
                }
            }
        }
        set.notes.insert(
            inst.statements().nth(2).map(|(_, s)| s.id.clone()).unwrap(),
            format!(" <{unit}> & _x0041_ \u{1}"),
        );
        Response {
            round: RoundId::parse(round).unwrap(),
            org: OrgCode::parse(org).unwrap(),
            unit: UnitName::parse(unit).unwrap(),
            rater: rater.into(),
            participants: String::new(),
            date: String::new(),
            instrument_id: inst.id().to_string(),
            instrument_version: inst.version().to_string(),
            consensus: false,
            set,
        }
    }

    /// Reads back every data row of each Rådata sheet of a spliced workbook, at a sheet size of
    /// `cap` rows, and finds each round's rows once, in order.
    fn round_trip(cap: usize) {
        let inst = Instrument::dalarna();
        let orgs = Organisations::dalarna().organisations;
        let mut raw = RawTable::default();
        for (round, v) in [("2024", 2), ("2025", 3), ("2026", 4)] {
            let rs = [
                response(round, "2080", "Hemtjänst Norr", "Anna", v),
                response(round, "2080", "Hemtjänst Norr", "Bo", v),
                response(round, "2021", "Vårdcentralen", "", v),
            ];
            let forms: Vec<Form> = rs
                .iter()
                .map(|r| Form {
                    response: r,
                    stored_at: 0,
                    source: "x.xlsx",
                })
                .collect();
            raw.push_round(&inst, &orgs, &forms);
        }
        let expected = raw.to_rows();
        let mut wb = Workbook::new();
        let plan = plan(raw.round_rows(), cap);
        let mut parts = Vec::new();
        for (k, rows) in plan.into_iter().enumerate() {
            let ws = wb.add_worksheet();
            ws.set_name(sheet_name(k)).unwrap();
            ws.write_string(0, 0, "Omgång 2026").unwrap();
            let cols: Vec<TableColumn> = crate::summary::csv::RAW_HEADERS
                .iter()
                .map(|h| TableColumn::new().set_header(*h))
                .collect();
            let t = Table::new().set_name(table_name(k)).set_columns(&cols);
            ws.add_table(HEADER_ROW, 0, HEADER_ROW + 1, 11, &t).unwrap();
            parts.push(Part {
                path: format!("xl/worksheets/sheet{}.xml", k + 1),
                table: table_name(k),
                rows,
            });
        }
        let book = splice(
            &wb.save_to_buffer().unwrap(),
            &raw,
            &parts,
            Cursor::new(Vec::new()),
        )
        .unwrap()
        .into_inner();
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(book)).unwrap();
        let mut got = Vec::new();
        for (k, p) in parts.iter().enumerate() {
            let r = x.worksheet_range(&sheet_name(k)).unwrap();
            let rows: Vec<_> = r.rows().skip(3).collect();
            assert_eq!(rows.len(), p.rows.len(), "rows of {}", sheet_name(k));
            let tables = {
                x.load_tables().unwrap();
                x.table_by_name(&table_name(k)).unwrap()
            };
            assert_eq!(tables.data().height(), p.rows.len().max(1));
            for row in rows {
                let t = |c: usize| match &row[c] {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    d => panic!("text expected, not {d:?}"),
                };
                let value = match &row[9] {
                    Data::Float(v) => Some(*v),
                    Data::Int(v) => Some(*v as f64),
                    _ => None,
                };
                got.push(nara_core::report::RawRow {
                    round: t(0),
                    org_code: t(1),
                    org_name: t(2),
                    unit: t(3),
                    rater: t(4),
                    area_id: t(5),
                    area_name: t(6),
                    statement_id: t(7),
                    statement: t(8),
                    value,
                    label: t(10),
                    comment: t(11),
                });
            }
        }
        assert_eq!(got.len(), expected.len());
        assert_eq!(got, expected);
    }

    #[test]
    fn every_row_reads_back_once_in_order() {
        round_trip(SHEET_ROWS);
    }

    #[test]
    fn every_row_reads_back_once_over_several_sheets() {
        // Two forms' rows a sheet: rounds split over sheets.
        round_trip(2 * Instrument::dalarna().statement_count());
    }

    #[test]
    fn whole_rounds_fill_a_sheet_and_a_large_round_is_split() {
        assert_eq!(plan(&[], 10), vec![0..0]);
        assert_eq!(plan(&[4, 4], 10), vec![0..8]);
        assert_eq!(plan(&[4, 4, 4], 10), vec![0..8, 8..12]);
        assert_eq!(plan(&[4, 25, 1], 10), vec![0..4, 4..14, 14..24, 24..30]);
        assert_eq!(plan(&[10, 10], 10), vec![0..10, 10..20]);
    }

    #[test]
    fn text_is_escaped_as_excel_does() {
        let mut s = String::new();
        escape(&mut s, "a<b & c>\u{1}_x0041_ _x12_ ok\n");
        assert_eq!(s, "a&lt;b &amp; c&gt;_x0001__x005F_x0041_ _x12_ ok\n");
    }

    #[test]
    fn counts_are_read_from_the_first_tag() {
        let x = r#"<?xml?><sst xmlns="x" count="12" uniqueCount="7"><si>"#;
        assert_eq!(attr(x, "count"), Some(12));
        assert_eq!(attr(x, "uniqueCount"), Some(7));
    }
}
