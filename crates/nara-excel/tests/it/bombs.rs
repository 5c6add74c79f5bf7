//! Expansion bombs: small files whose parsed book would cost gigabytes (issue 14, item 4), and
//! variants of them. Every file is generated here, deterministically (the same bytes on every
//! run), from the zip crate and text alone, so that the tests, the benchmark
//! (`examples/bench_read_form.rs` includes this file) and the fuzz seeds (`fuzz/seeds/`, checked
//! by `hostile::fuzz_seeds_are_the_generated_bombs`) share one set.

#![allow(dead_code)]

use std::io::Write;

/// One hostile file: a short name (the seed's file name without its extension), its bytes,
/// and for an OpenDocument file its `content.xml`.
pub struct Bomb {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub content: Option<String>,
}

impl Bomb {
    /// The file name: the name and `.ods` or `.xlsx`.
    pub fn file_name(&self) -> String {
        let ext = if self.content.is_some() {
            "ods"
        } else {
            "xlsx"
        };
        format!("{}.{ext}", self.name)
    }
}

/// A zip with the given entries, in order, each deflated (or stored, for an ODS `mimetype`).
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for (name, data) in entries {
            let method = if *name == "mimetype" {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let opts = zip::write::SimpleFileOptions::default().compression_method(method);
            w.start_file(*name, opts).expect("zip entry");
            w.write_all(data).expect("zip write");
        }
        w.finish().expect("zip finish");
    }
    buf.into_inner()
}

// ---------------------------------------------------------------- OpenDocument

const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// `content.xml` around the given tables (each a `<table:table>` element).
pub fn ods_content(tables: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    )
}

/// A minimal valid .ods with the given `content.xml`.
pub fn ods(content: &[u8]) -> Vec<u8> {
    zip(&[
        ("mimetype", ODS_MIME.as_bytes()),
        ("META-INF/manifest.xml", MANIFEST.as_bytes()),
        ("content.xml", content),
    ])
}

/// A string cell, repeated over `cols` columns.
fn ods_cell(text: &str, cols: u64) -> String {
    format!(
        r#"<table:table-cell table:number-columns-repeated="{cols}" office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

/// The file from the issue: one 10,000-character cell repeated over 2,000 rows × 50 columns,
/// which is exactly the area the reader reads, so every guard of the old reader passed.
pub fn ods_repeat_content() -> String {
    ods_content(&format!(
        r#"<table:table table:name="Självskattning"><table:table-row table:number-rows-repeated="2000">{}</table:table-row></table:table>"#,
        ods_cell(&"x".repeat(10_000), 50)
    ))
}

/// Repeat counts at the largest integer, on rows and columns, with a value.
pub fn ods_huge_repeat_content() -> String {
    let max = u64::MAX;
    ods_content(&format!(
        r#"<table:table table:name="Blad1"><table:table-row table:number-rows-repeated="{max}">{}</table:table-row><table:table-row>{}</table:table-row></table:table>"#,
        ods_cell("ID", max),
        ods_cell("Svar", 1)
    ))
}

/// One `text:s` asking for four billion spaces in one cell.
pub fn ods_spaces_content() -> String {
    ods_content(
        r#"<table:table table:name="Blad1"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/>b</text:p></table:table-cell></table:table-row></table:table>"#,
    )
}

/// 400 tables, each with a value at the far corner of the area: the old reader built a dense
/// grid of the whole area for every table.
pub fn ods_many_tables_content() -> String {
    let long = "y".repeat(10);
    let mut tables = String::new();
    for t in 0..400 {
        tables.push_str(&format!(
            r#"<table:table table:name="T{t}"><table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1998"><table:table-cell table:number-columns-repeated="50"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="49"/>{}</table:table-row></table:table>"#,
            ods_cell(&long, 1)
        ));
    }
    ods_content(&tables)
}

/// A comment (`office:annotation`) that never ends: the old reader looped for ever.
pub fn ods_open_annotation_content() -> String {
    let mut c = ods_content(
        r#"<table:table table:name="Blad1"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>x</text:p>"#,
    );
    c.truncate(c.find("</office:spreadsheet>").unwrap_or(c.len()));
    c
}

// ---------------------------------------------------------------- Office Open XML

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

fn workbook(sheets: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {NS}><sheets>{sheets}</sheets></workbook>"#
    )
}

const ONE_SHEET: &str = r#"<sheet name="Självskattning" sheetId="1" r:id="rId1"/>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs></styleSheet>"#;

/// A worksheet part around the given `<sheetData>` content and an optional dimension.
pub fn worksheet(dimension: &str, rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {NS}><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// A shared-string table with the given strings (already XML-safe).
pub fn shared_strings(strings: &[String], unique_count: u64) -> String {
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{unique_count}" uniqueCount="{unique_count}">"#
    );
    for t in strings {
        s.push_str("<si><t>");
        s.push_str(t);
        s.push_str("</t></si>");
    }
    s.push_str("</sst>");
    s
}

/// A minimal .xlsx from its parts.
pub fn xlsx(workbook_xml: &str, sheet: &str, strings: &str, styles: &str) -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", workbook_xml.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/sharedStrings.xml", strings.as_bytes()),
        ("xl/styles.xml", styles.as_bytes()),
    ])
}

/// A1 column letters of a column from 0.
fn letters(col: u32) -> String {
    let mut c = col + 1;
    let mut out = Vec::new();
    while c > 0 {
        out.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Letters that look random to deflate (so that a big part stays under the ratio guard).
fn noise(len: usize, seed: u32) -> String {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect()
}

/// The file from the issue: 100,000 cells (the whole area read, 2,000 rows × 50 columns)
/// pointing at one 10,000-character shared string.
pub fn xlsx_shared_string() -> Vec<u8> {
    let mut rows = String::new();
    for r in 1..=2000u32 {
        rows.push_str(&format!(r#"<row r="{r}">"#));
        for c in 0..50 {
            rows.push_str(&format!(r#"<c r="{}{r}" t="s"><v>0</v></c>"#, letters(c)));
        }
        rows.push_str("</row>");
    }
    xlsx(
        &workbook(ONE_SHEET),
        &worksheet("A1:AX2000", &rows),
        &shared_strings(&[noise(10_000, 1)], 1),
        STYLES,
    )
}

/// Many long shared strings: 1,400 different strings of 10,000 characters (14 MB of text).
pub fn xlsx_many_strings() -> Vec<u8> {
    let strings: Vec<String> = (0..1_400).map(|i| noise(10_000, i + 7)).collect();
    xlsx(
        &workbook(ONE_SHEET),
        &worksheet("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        &shared_strings(&strings, 1_400),
        STYLES,
    )
}

/// A shared-string table that declares four billion strings (calamine reserves room for them).
pub fn xlsx_declared_strings() -> Vec<u8> {
    xlsx(
        &workbook(ONE_SHEET),
        &worksheet("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        &shared_strings(&["x".to_string()], 4_000_000_000),
        STYLES,
    )
}

/// Inline strings: 1,500 cells of 10,000 characters each, written in the sheet itself.
pub fn xlsx_inline_strings() -> Vec<u8> {
    let mut rows = String::new();
    for r in 1..=1_500u32 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>{}</t></is></c></row>"#,
            noise(10_000, r)
        ));
    }
    xlsx(
        &workbook(ONE_SHEET),
        &worksheet("A1:B1500", &rows),
        &shared_strings(&[], 0),
        STYLES,
    )
}

/// Rows that claim to span every column and a dimension of the whole sheet, with cells far
/// out on both axes and a long shared string at the last cell.
pub fn xlsx_long_spans() -> Vec<u8> {
    let mut rows = String::new();
    for r in (1..=1_048_576u32).step_by(4_099) {
        rows.push_str(&format!(
            r#"<row r="{r}" spans="1:16384"><c r="XFD{r}" t="s"><v>0</v></c><c r="A{r}" t="s"><v>1</v></c></row>"#
        ));
    }
    xlsx(
        &workbook(ONE_SHEET),
        &worksheet("A1:XFD1048576", &rows),
        &shared_strings(&[noise(10_000, 3), "ID".into()], 2),
        STYLES,
    )
}

/// A style sheet whose one font has a 100,000-character name, used by 20,000 cell formats:
/// calamine copies the name into every format (2 GB).
pub fn xlsx_style_copies() -> Vec<u8> {
    xlsx(
        &workbook(ONE_SHEET),
        &worksheet("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        &shared_strings(&["x".to_string()], 1),
        &style_copies(),
    )
}

/// The style sheet of [`xlsx_style_copies`].
fn style_copies() -> String {
    let mut styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="200" formatCode="{}"/></numFmts><fonts count="1"><font><name val="{}"/></font></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="20000">"#,
        noise(10_000, 5),
        noise(100_000, 9)
    );
    for _ in 0..20_000 {
        styles.push_str(r#"<xf numFmtId="200" fontId="0"/>"#);
    }
    styles.push_str("</cellXfs></styleSheet>");
    styles
}

/// [`xlsx_style_copies`] with the workbook moved and renamed (`/Data/Bok.xml`, its parts beside
/// it, in another case than the package names them; an unused `xl/workbook.xml` beside them):
/// calamine finds its styles there.
pub fn xlsx_style_copies_moved() -> Vec<u8> {
    let root = ROOT_RELS.replace("Target=\"xl/workbook.xml\"", "Target=\"/Data/Bok.xml\"");
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", root.as_bytes()),
        ("xl/workbook.xml", workbook(ONE_SHEET).as_bytes()),
        ("Data/Bok.xml", workbook(ONE_SHEET).as_bytes()),
        ("Data/_rels/Bok.xml.rels", WORKBOOK_RELS.as_bytes()),
        (
            "Data/worksheets/sheet1.xml",
            worksheet("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#).as_bytes(),
        ),
        (
            "data/sharedstrings.xml",
            shared_strings(&["x".to_string()], 1).as_bytes(),
        ),
        ("DATA/STYLES.XML", style_copies().as_bytes()),
    ])
}

/// A workbook of 300,000 sheets (each one record calamine keeps).
pub fn xlsx_many_sheets() -> Vec<u8> {
    let mut sheets = String::new();
    for i in 0..300_000u32 {
        sheets.push_str(&format!(
            r#"<sheet name="S{i}" sheetId="{}" r:id="rId1"/>"#,
            i + 1
        ));
    }
    xlsx(
        &workbook(&sheets),
        &worksheet("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        &shared_strings(&["x".to_string()], 1),
        STYLES,
    )
}

/// The names of every hostile file, ODS first.
pub const NAMES: [&str; 13] = [
    "ods-repeat-10000x2000x50",
    "ods-huge-repeats",
    "ods-four-billion-spaces",
    "ods-400-tables",
    "ods-open-annotation",
    "xlsx-shared-string-100000-cells",
    "xlsx-many-long-strings",
    "xlsx-declared-strings",
    "xlsx-inline-strings",
    "xlsx-long-spans",
    "xlsx-style-copies",
    "xlsx-style-copies-moved",
    "xlsx-many-sheets",
];

/// One hostile file by name.
pub fn make(name: &str) -> Option<Bomb> {
    let name = NAMES.into_iter().find(|n| *n == name)?;
    let content = match name {
        "ods-repeat-10000x2000x50" => Some(ods_repeat_content()),
        "ods-huge-repeats" => Some(ods_huge_repeat_content()),
        "ods-four-billion-spaces" => Some(ods_spaces_content()),
        "ods-400-tables" => Some(ods_many_tables_content()),
        "ods-open-annotation" => Some(ods_open_annotation_content()),
        _ => None,
    };
    let bytes = match (&content, name) {
        (Some(c), _) => ods(c.as_bytes()),
        (None, "xlsx-shared-string-100000-cells") => xlsx_shared_string(),
        (None, "xlsx-many-long-strings") => xlsx_many_strings(),
        (None, "xlsx-declared-strings") => xlsx_declared_strings(),
        (None, "xlsx-inline-strings") => xlsx_inline_strings(),
        (None, "xlsx-long-spans") => xlsx_long_spans(),
        (None, "xlsx-style-copies") => xlsx_style_copies(),
        (None, "xlsx-style-copies-moved") => xlsx_style_copies_moved(),
        (None, _) => xlsx_many_sheets(),
    };
    Some(Bomb {
        name,
        bytes,
        content,
    })
}

/// Every hostile file.
pub fn all() -> Vec<Bomb> {
    NAMES.into_iter().filter_map(make).collect()
}
