//! The OpenDocument reader against calamine's: on any small spreadsheet both give the same
//! sheets, and the reader stays within its budget where calamine would not.

use std::io::Write;

use proptest::prelude::*;

use super::*;
use crate::cells::text::data_text;

fn ods(content: &str) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        w.start_file("META-INF/manifest.xml", stored).unwrap();
        w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#).unwrap();
        w.start_file("meta.xml", stored).unwrap();
        w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta><meta:user-defined meta:name="nara-round">2026</meta:user-defined><meta:user-defined meta:name="a &amp; b">x&#x41;</meta:user-defined></office:meta></office:document-meta>"#).unwrap();
        w.start_file("content.xml", stored).unwrap();
        w.write_all(format!(r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"><office:body><office:spreadsheet>{content}</office:spreadsheet></office:body></office:document-content>"#).as_bytes()).unwrap();
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn small() -> Limits {
    Limits {
        max_rows: 7,
        max_cols: 5,
        max_cell_chars: 9,
        ..Limits::default()
    }
}

/// The sheets as calamine reads them, cut to the area as the reader before this one did.
fn by_calamine(bytes: &[u8], limits: &Limits) -> (Vec<Sheet>, HashMap<String, String>) {
    let mut o = calamine::Ods::new(Cursor::new(bytes)).expect("calamine opens it");
    let props = o
        .workbook_properties()
        .map(|p| p.custom_properties)
        .unwrap_or_default();
    let mut sheets = Vec::new();
    for name in o.sheet_names() {
        let range = o.worksheet_range(&name).unwrap();
        let mut sheet = Sheet {
            name: name.clone(),
            ..Default::default()
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            let (row, col) = (r0 + r as u32, c0 + c as u32);
            let text = data_text(v);
            if row < limits.max_rows && col < limits.max_cols && !blank(&text) {
                sheet.cells.insert((row, col), capped(&text, limits));
            }
        }
        sheets.push(sheet);
    }
    (sheets, props)
}

fn by_reader(bytes: &[u8], limits: &Limits) -> (Vec<Sheet>, HashMap<String, String>) {
    let mut book = Book::open(bytes, Kind::Ods, limits).expect("the reader opens it");
    let sheets = book
        .sheet_names()
        .iter()
        .map(|n| book.read(n, limits).unwrap().0)
        .collect();
    (sheets, book.properties)
}

fn cell() -> impl Strategy<Value = String> {
    let text = prop::collection::vec(
        prop_oneof![
            "[a-zåä ]{0,6}",
            Just("&amp;".to_string()),
            Just("&#x41;".to_string()),
            Just("<text:s/>".to_string()),
            Just(r#"<text:s text:c="3"/>"#.to_string()),
            Just("<text:tab/>".to_string()),
            Just("<text:line-break/>".to_string()),
            Just("<text:span>b</text:span>".to_string()),
        ],
        0..4,
    )
    .prop_map(|parts| parts.concat());
    let paragraphs = prop::collection::vec(text, 0..3).prop_map(|ps| {
        ps.iter()
            .map(|p| format!("<text:p>{p}</text:p>"))
            .collect::<String>()
    });
    let value = prop_oneof![
        Just(String::new()),
        paragraphs
            .clone()
            .prop_map(|p| format!(r#" office:value-type="string">{p}"#)),
        paragraphs.prop_map(|p| format!(
            r#" office:value-type="string"><office:annotation><text:p>note</text:p></office:annotation>{p}"#
        )),
        (-1000.0f64..1000.0).prop_map(|f| format!(
            r#" office:value-type="float" office:value="{f}"><text:p>{f}</text:p>"#
        )),
        (0u8..5).prop_map(|v| format!(
            r#" office:value-type="float" office:value="{v}"><text:p>{v}</text:p>"#
        )),
        "[a-z&;<> ]{0,12}".prop_map(|s| format!(
            r#" office:value-type="string" office:string-value="{}"><text:p>ignored</text:p>"#,
            s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
        )),
        any::<bool>().prop_map(|b| format!(
            r#" office:value-type="boolean" office:boolean-value="{b}"><text:p>x</text:p>"#
        )),
        Just(r#" office:value-type="date" office:date-value="2026-03-02T10:00:00"><text:p>2026-03-02</text:p>"#.to_string()),
        Just(r#" office:value-type="time" office:time-value="PT12H30M00S"><text:p>12:30</text:p>"#.to_string()),
        Just(r#" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>"#.to_string()),
    ];
    (value, 1u32..4, any::<bool>()).prop_map(|(v, rep, covered)| {
        let tag = if covered {
            "table:covered-table-cell"
        } else {
            "table:table-cell"
        };
        let rep = if rep > 1 {
            format!(r#" table:number-columns-repeated="{rep}""#)
        } else {
            String::new()
        };
        if v.is_empty() {
            format!("<{tag}{rep}/>")
        } else {
            format!("<{tag}{rep}{v}</{tag}>")
        }
    })
}

fn tables() -> impl Strategy<Value = String> {
    let row = (prop::collection::vec(cell(), 0..5), 1u32..4).prop_map(|(cells, rep)| {
        let rep = if rep > 1 {
            format!(r#" table:number-rows-repeated="{rep}""#)
        } else {
            String::new()
        };
        format!("<table:table-row{rep}>{}</table:table-row>", cells.concat())
    });
    let table = prop::collection::vec(row, 0..6).prop_map(|rows| rows.concat());
    prop::collection::vec(table, 1..3).prop_map(|ts| {
        ts.iter()
            .enumerate()
            .map(|(i, t)| format!(r#"<table:table table:name="Blad{i}">{t}</table:table>"#))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_reader_reads_what_calamine_reads(content in tables()) {
        let bytes = ods(&content);
        let limits = small();
        let want = by_calamine(&bytes, &limits);
        let got = by_reader(&bytes, &limits);
        prop_assert_eq!(got, want, "{}", content);
    }
}

#[test]
fn properties_and_the_area_are_read_as_calamine_reads_them() {
    let content = r#"<table:table table:name="A"><table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="9" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="100"/><table:table-row><table:table-cell office:value-type="float" office:value="3"/></table:table-row></table:table>"#;
    let bytes = ods(content);
    let limits = small();
    let (sheets, props) = by_reader(&bytes, &limits);
    assert_eq!(
        (sheets.clone(), props.clone()),
        by_calamine(&bytes, &limits)
    );
    assert_eq!(props.get("nara-round").map(String::as_str), Some("2026"));
    assert_eq!(props.get("a & b").map(String::as_str), Some("xA"));
    // Three rows of five columns inside the area; the rest was counted, not kept.
    assert_eq!(sheets[0].cells.len(), 15);
    let mut book = Book::open(&bytes, Kind::Ods, &limits).unwrap();
    let (_, skipped) = book.read("A", &limits).unwrap();
    assert_eq!(skipped, 3 * 4 + 1);
}

#[test]
fn a_repeated_text_is_charged_for_every_repeat() {
    let content = format!(
        r#"<table:table table:name="A"><table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="10" office:value-type="string"><text:p>{}</text:p></table:table-cell></table:table-row></table:table>"#,
        "x".repeat(1_000)
    );
    let bytes = ods(&content);
    // 10,000 cells of 1,000 bytes: 10 MB, over the 8 MB budget.
    let err = Book::open_named("/tmp/up/Falun.ods", &bytes, Kind::Ods, &Limits::default())
        .err()
        .expect("refused");
    assert!(matches!(err, Error::TooLarge(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("Filen ”Falun.ods” innehåller mer än 8 MB text"),
        "{err}"
    );
    // Fewer cells than that, but more than the cell budget.
    let limits = Limits {
        max_cells: 5_000,
        ..Limits::default()
    };
    let err = Book::open_named(
        "f.ods",
        &ods(&content.replace(&"x".repeat(1_000), "x")),
        Kind::Ods,
        &limits,
    )
    .err()
    .expect("refused");
    assert!(matches!(err, Error::TooLarge(_)), "{err:?}");
    assert!(
        err.to_string().contains("har fler än 5000 ifyllda celler"),
        "{err}"
    );
}

#[test]
fn spaces_and_long_texts_are_cut_at_the_cell_limit() {
    let content = r#"<table:table table:name="A"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/>b</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p><text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
    let limits = small();
    let (sheets, _) = by_reader(&ods(content), &limits);
    assert_eq!(sheets[0].get(0, 0), "a        \u{0}");
    assert_eq!(sheets[0].get(0, 1), "", "only spaces: blank");
}

#[test]
fn broken_content_is_refused_not_looped_over() {
    for content in [
        r#"<table:table table:name="A"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>x"#,
        r#"<table:table table:name="A"><table:table-row><table:table-cell office:value-type="float" office:value="tre"/></table:table-row></table:table>"#,
        r#"<table:table table:name="A"><table:table-row table:number-rows-repeated="-1"/></table:table>"#,
        r#"<table:table table:name="A"><table:table-row><table:table-cell office:value-type="string"><text:p>&nope;</text:p></table:table-cell></table:table-row></table:table>"#,
    ] {
        let xml = format!(
            r#"<?xml version="1.0"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>{content}"#
        );
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let o = zip::write::SimpleFileOptions::default();
            w.start_file("mimetype", o).unwrap();
            w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
                .unwrap();
            w.start_file("content.xml", o).unwrap();
            w.write_all(xml.as_bytes()).unwrap();
            w.finish().unwrap();
        }
        let bytes = buf.into_inner();
        assert!(
            Book::open(&bytes, Kind::Ods, &Limits::default()).is_err(),
            "{content}"
        );
    }
}

#[test]
fn files_are_named_by_their_own_name_only() {
    assert_eq!(
        guard::label("/tmp/x/Falun (2080).xlsx"),
        "Filen ”Falun (2080).xlsx”"
    );
    assert_eq!(guard::label("C:\\Users\\a\\b.ods"), "Filen ”b.ods”");
    assert_eq!(
        guard::label("evil\u{202e}xslx.exe\n"),
        "Filen ”evilxslx.exe”"
    );
    assert_eq!(guard::label(""), "Filen");
    assert!(guard::label(&"a".repeat(200)).ends_with("…”"));
}
