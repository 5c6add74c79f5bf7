//! Nyckeltal from workbooks: the template for local indicators written, filled in and read back
//! to the exact values; long tables in xlsx and ods as analysts keep them (English headers,
//! numbers stored as numbers, codes that Excel made numbers); problems named by sheet and cell;
//! broken and hostile files refused in Swedish, quickly and without a panic.

use std::io::{Cursor, Read, Write};

use calamine::{Data, Reader, Xlsx};
use nara_core::indicator::Catalogue;
use nara_core::indicator::kolada::{Gender, Value};
use nara_core::{Instrument, OrgCode, OrgKind, Organisation};
use nara_excel::indicators::{MAX_ROWS, TEMPLATE_HEADERS, read_values, write_template};
use nara_excel::{Limits, Problem};
use rust_xlsxwriter::Workbook;

use crate::bombs;

const CATALOGUE: &str = r#"county = "Dalarna"
instrument = "dalarna-gnv"

[[indicators]]
id = "U21468"
title = "Brukarbedömning hemtjänst"
source = "kolada"
unit = "andel"
direction = "higher"
level = "kommun"
areas = ["D1"]

[[indicators]]
id = "X-DAL-001"
title = "Kommuner med en lokal plan"
source = "lokal"
unit = "antal"
direction = "higher"
level = "both"
areas = ["D4"]

[[indicators]]
id = "X-DAL-002"
title = "Andel med samordnad individuell plan"
source = "lokal"
unit = "andel"
direction = "higher"
level = "both"
areas = ["D1"]
min_cases = 5
"#;

fn catalogue() -> Catalogue {
    Catalogue::from_toml(CATALOGUE, &Instrument::dalarna()).unwrap()
}

fn org(code: &str, name: &str, kind: OrgKind) -> Organisation {
    Organisation {
        code: OrgCode::parse(code).unwrap(),
        name: name.into(),
        kind,
        kolada: None,
        contact: None,
    }
}

fn places() -> Vec<Organisation> {
    vec![
        org("2080", "Falun", OrgKind::Kommun),
        org("20", "Region Dalarna", OrgKind::Region),
    ]
}

/// Reads a file within two seconds of this thread's CPU time, as an importer must (CPU, not
/// the wall clock, so a busy machine does not fail the test).
fn read(name: &str, bytes: &[u8]) -> Result<Vec<Value>, Vec<Problem>> {
    let cpu = crate::expansion::thread_cpu_ms();
    let result = read_values(name, bytes, &Limits::default());
    let spent = crate::expansion::thread_cpu_ms() - cpu;
    assert!(spent < 2_000.0, "{name} took {spent} ms of CPU");
    result
}

fn said(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| {
            format!(
                "{}!{}: {}",
                p.sheet.as_deref().unwrap_or(""),
                p.cell.as_deref().unwrap_or(""),
                p.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn value(
    kpi: &str,
    place: &str,
    year: u16,
    gender: Gender,
    v: Option<f64>,
    n: Option<u32>,
) -> Value {
    Value {
        kpi: kpi.into(),
        municipality: place.into(),
        period: year,
        gender,
        status: String::new(),
        value: v,
        cases: n,
        deleted: false,
    }
}

/// Every entry of a zip, in order.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (e.name().unwrap().into_owned(), data)
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    let (_, data) = entries(bytes).into_iter().find(|(n, _)| n == name).unwrap();
    String::from_utf8(data).unwrap()
}

/// What a person types into a cell.
enum Typed {
    Number(f64),
    Text(&'static str),
}

/// The workbook with cells of its first sheet filled in as a spreadsheet saves them: each cell
/// (written empty, with its format) gets a number or an inline text, its format kept.
fn fill(bytes: &[u8], cells: &[(&str, Typed)]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        for (name, data) in entries(bytes) {
            let data = if name == "xl/worksheets/sheet1.xml" {
                let mut xml = String::from_utf8(data).unwrap();
                for (cell, typed) in cells {
                    let open = format!(r#"<c r="{cell}" "#);
                    let start = xml.find(&open).unwrap_or_else(|| panic!("no {cell}"));
                    let end = start + xml[start..].find("/>").unwrap();
                    let attrs = &xml[start + 3..end];
                    let filled = match typed {
                        Typed::Number(n) => format!("<c {attrs}><v>{n}</v></c>"),
                        Typed::Text(t) => {
                            format!(r#"<c {attrs} t="inlineStr"><is><t>{t}</t></is></c>"#)
                        }
                    };
                    xml.replace_range(start..end + 2, &filled);
                }
                xml.into_bytes()
            } else {
                data
            };
            w.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(&data).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

#[test]
fn the_template_has_a_row_per_local_indicator_place_and_year_and_says_how_to_fill_it() {
    let bytes = write_template(&catalogue(), &places(), &[2023, 2024]).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["Nyckeltal", "Instruktion"]);
    let sheet = book.worksheet_range("Nyckeltal").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(header, TEMPLATE_HEADERS);
    assert_eq!(
        rows.len(),
        1 + 2 * 2 * 2,
        "2 local indicators × 2 places × 2 years"
    );
    let s = |t: &str| Data::String(t.into());
    assert_eq!(
        rows[3][..6],
        [
            s("X-DAL-001"),
            s("Kommuner med en lokal plan"),
            s("0020"),
            s("Region Dalarna"),
            Data::Float(2023.0),
            s("T"),
        ]
    );
    assert_eq!(rows[8][0], s("X-DAL-002"));
    assert!(
        rows.iter().all(|r| r[0] != s("U21468")),
        "no Kolada indicator"
    );
    assert!(
        rows[1..]
            .iter()
            .all(|r| r.len() < 7 || r[6..].iter().all(|d| *d == Data::Empty)),
        "Värde and Antal are left empty"
    );

    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"ySplit="1""#), "the header row is frozen");
    assert!(
        xml.contains(r#"sqref="F2:F200001""#) && xml.contains("<formula1>\"T,K,M\"</formula1>"),
        "a list of T, K, M for Kön: {xml}"
    );
    assert!(xml.contains(r#"type="whole""#), "Antal takes whole numbers");
    let styles = part(&bytes, "xl/styles.xml");
    assert!(
        styles.contains(r#"locked="0""#),
        "cells to fill are unlocked"
    );
    assert!(
        styles.contains(r#"formatCode="0.0##""#),
        "values show decimals"
    );

    let guide = book.worksheet_range("Instruktion").unwrap();
    let text: Vec<String> = guide.cells().map(|(_, _, d)| d.to_string()).collect();
    let all = text.join("\n");
    for want in [
        "saknas (till exempel för att det inte mäts), aldrig 0",
        "Antal",
        "minsta antal",
        "X-DAL-002",
        "Andel med samordnad individuell plan",
        "procent",
    ] {
        assert!(all.contains(want), "the instructions lack «{want}»: {all}");
    }
    let row = text.iter().position(|t| t == "X-DAL-002").unwrap();
    assert_eq!(text[row + 3], "5", "min_cases of X-DAL-002: {text:?}");
    let row = text.iter().position(|t| t == "X-DAL-001").unwrap();
    assert_eq!(text[row + 3], "10", "the default min_cases: {text:?}");

    // The embedded catalogue's local indicator gets rows too, for the places of its level
    // (X-DAL-001 is counted for the region).
    let bytes = write_template(&Catalogue::dalarna(), &places(), &[2024]).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let sheet = book.worksheet_range("Nyckeltal").unwrap();
    let ids: Vec<(String, String)> = (sheet.rows().skip(1))
        .map(|r| (r[0].to_string(), r[2].to_string()))
        .collect();
    assert_eq!(
        ids,
        [("X-DAL-001".to_string(), "0020".to_string())],
        "a region-level indicator has no kommun rows, no Kolada indicator has any"
    );
    // Nobody filled it in: it says nothing, so it cannot blank a stored value.
    assert_eq!(read("mall.xlsx", &bytes).unwrap(), []);
}

#[test]
fn the_template_filled_in_reads_back_to_the_exact_values() {
    let bytes = write_template(&catalogue(), &places(), &[2023, 2024]).unwrap();
    // Untouched, it says nothing (a blank value is passed over; `..` says "missing").
    assert_eq!(read("mall.xlsx", &bytes).unwrap(), []);

    use Typed::{Number, Text};
    let filled = fill(
        &bytes,
        &[
            ("G2", Number(3.0)),
            ("H2", Number(40.0)),
            ("G3", Text("37,4")),
            ("H3", Text("12")),
            ("H4", Number(8.0)),
            ("G5", Number(0.0)),
            ("G6", Text("..")),
            ("H6", Number(0.0)),
            ("G7", Number(12.25)),
            ("H7", Text(" 1 234 ")),
            ("G9", Number(-0.5)),
        ],
    );
    let got = read("mall ifylld.xlsx", &filled).unwrap_or_else(|p| panic!("{}", said(&p)));
    let t = Gender::T;
    let want = vec![
        value("X-DAL-001", "2080", 2023, t, Some(3.0), Some(40)),
        value("X-DAL-001", "2080", 2024, t, Some(37.4), Some(12)),
        value("X-DAL-001", "0020", 2023, t, None, Some(8)),
        value("X-DAL-001", "0020", 2024, t, Some(0.0), None),
        value("X-DAL-002", "2080", 2023, t, None, Some(0)),
        value("X-DAL-002", "2080", 2024, t, Some(12.25), Some(1234)),
        value("X-DAL-002", "0020", 2024, t, Some(-0.5), None),
    ];
    assert_eq!(got, want);

    // A wrong entry is named by sheet and cell, and nothing is read.
    let wrong = fill(&bytes, &[("G4", Text("ca 5")), ("H5", Number(2.5))]);
    let p = read("mall ifylld.xlsx", &wrong).unwrap_err();
    let s = said(&p);
    assert_eq!(p.len(), 2, "{s}");
    assert!(s.contains("Nyckeltal!G4: ”ca 5” är inget tal"), "{s}");
    assert!(s.contains("Nyckeltal!H5: ”2.5” är inget antal fall"), "{s}");
}

#[test]
fn without_local_indicators_the_template_has_headers_only_and_says_why() {
    let kolada_only = CATALOGUE
        .split("[[indicators]]\nid = \"X-DAL-001\"")
        .next()
        .unwrap();
    let catalogue = Catalogue::from_toml(kolada_only, &Instrument::dalarna()).unwrap();
    let bytes = write_template(&catalogue, &places(), &[2023, 2024]).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let sheet = book.worksheet_range("Nyckeltal").unwrap();
    assert_eq!(sheet.rows().count(), 1, "headers only");
    let guide = book.worksheet_range("Instruktion").unwrap();
    let all: Vec<String> = guide.cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        all.iter()
            .any(|t| t.contains("Katalogen har inga egna nyckeltal")),
        "{all:?}"
    );
    assert_eq!(read("tom mall.xlsx", &bytes).unwrap(), []);
}

#[test]
fn a_template_too_long_to_read_back_is_refused() {
    let many: Vec<Organisation> = (1000..2000)
        .map(|i| org(&format!("{i}"), &format!("K{i}"), OrgKind::Kommun))
        .collect();
    let years: Vec<u16> = (1900..2001).collect();
    let e = write_template(&catalogue(), &many, &years)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("högst {MAX_ROWS}")), "{e}");
}

#[test]
fn an_xlsx_long_table_with_english_headers_and_numbers_as_numbers() {
    let mut wb = Workbook::new();
    // A first sheet without the table is passed over.
    wb.add_worksheet()
        .set_name("Om")
        .unwrap()
        .write_string(0, 0, "Uttag ur Kolada 2025-01-10")
        .unwrap();
    let ws = wb.add_worksheet().set_name("Data").unwrap();
    // The table starts at C3: empty rows and columns before it.
    for (c, h) in [
        "KPI",
        " Municipality ",
        "period",
        "gender",
        "value",
        "cases",
        "title",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, 2 + c as u16, *h).unwrap();
    }
    ws.write_string(3, 2, "N21700").unwrap();
    ws.write_number(3, 3, 2080.0).unwrap();
    ws.write_number(3, 4, 2024.0).unwrap();
    ws.write_string(3, 5, "K").unwrap();
    ws.write_number(3, 6, 37.4).unwrap();
    ws.write_number(3, 7, 12.0).unwrap();
    ws.write_string(3, 8, "Hemtjänst").unwrap();
    ws.write_string(4, 2, "u01405").unwrap();
    ws.write_number(4, 3, 20.0).unwrap();
    ws.write_string(4, 4, "2023").unwrap();
    ws.write_string(4, 6, "71,5").unwrap();
    // A row of nothing but blanks, then a value of the whole country, missing.
    ws.write_string(5, 8, "").unwrap();
    ws.write_string(6, 2, "N21700").unwrap();
    ws.write_number(6, 3, 0.0).unwrap();
    ws.write_number(6, 4, 2024.0).unwrap();
    ws.write_string(6, 5, "M").unwrap();
    ws.write_string(6, 6, "..").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let got = read("kolada.xlsx", &bytes).unwrap_or_else(|p| panic!("{}", said(&p)));
    assert_eq!(
        got,
        vec![
            value("N21700", "2080", 2024, Gender::K, Some(37.4), Some(12)),
            value("U01405", "0020", 2023, Gender::T, Some(71.5), None),
            value("N21700", "0000", 2024, Gender::M, None, None),
        ]
    );
}

#[test]
fn a_bad_cell_is_named_by_sheet_and_cell() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Blad").unwrap();
    for (c, h) in ["Nyckeltal", "Kommunkod", "År", "Värde", "Antal"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..6 {
        ws.write_string(r, 0, "N21700").unwrap();
        ws.write_number(r, 1, 2080.0).unwrap();
        ws.write_number(r, 2, 2020.0 + f64::from(r)).unwrap();
        ws.write_number(r, 3, 1.5).unwrap();
    }
    ws.write_string(4, 2, "tjugotjugo").unwrap();
    ws.write_number(2, 4, -1.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let p = read("fel.xlsx", &bytes).unwrap_err();
    let s = said(&p);
    assert_eq!(p.len(), 2, "{s}");
    assert_eq!(
        (p[0].sheet.as_deref(), p[0].cell.as_deref()),
        (Some("Blad"), Some("E3")),
        "{s}"
    );
    assert!(s.contains("Blad!C5: ”tjugotjugo” är inget år."), "{s}");
}

#[test]
fn a_sheet_without_the_headers_is_named() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Blad1").unwrap();
    ws.write_string(1, 1, "Kommun").unwrap();
    ws.write_string(1, 2, "Värde").unwrap();
    ws.write_string(2, 1, "Falun").unwrap();
    wb.add_worksheet().set_name("Tom").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let p = read("annat.xlsx", &bytes).unwrap_err();
    let s = said(&p);
    assert_eq!(p.len(), 2, "{s}");
    assert!(
        s.contains("Blad1!B2: Fliken har ingen tabell med nyckeltal"),
        "{s}"
    );
    assert!(
        s.contains("Kolumnerna kpi (eller variabelkod), municipality"),
        "{s}"
    );
    assert!(s.contains("rubrikerna är: Kommun, Värde"), "{s}");
}

#[test]
fn an_ods_long_table_reads_as_an_xlsx() {
    let string = |t: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    };
    let float = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let row = |cells: &[String]| format!("<table:table-row>{}</table:table-row>", cells.concat());
    let table = format!(
        r#"<table:table table:name="Värden">{}{}{}</table:table>"#,
        row(&["Nyckeltal", "Kommunkod", "År", "Kön", "Värde", "Antal"].map(string)),
        row(&[
            string("X-DAL-001"),
            float("20"),
            float("2024"),
            string("T"),
            float("37.5"),
            float("12")
        ]),
        row(&[
            string("X-DAL-001"),
            string("2080"),
            float("2024"),
            string("k"),
            string(".."),
            string("")
        ]),
    );
    let bytes = bombs::ods(bombs::ods_content(&table).as_bytes());
    let got = read("värden.ods", &bytes).unwrap_or_else(|p| panic!("{}", said(&p)));
    assert_eq!(
        got,
        vec![
            value("X-DAL-001", "0020", 2024, Gender::T, Some(37.5), Some(12)),
            value("X-DAL-001", "2080", 2024, Gender::K, None, None),
        ],
        "`..` is a missing value"
    );
}

#[test]
fn broken_workbooks_get_a_clear_swedish_problem() {
    let not_a_workbook = bombs::zip(&[("hej.txt", b"hej".as_slice())]);
    let p = read("hej.xlsx", &not_a_workbook).unwrap_err();
    assert!(said(&p).contains("saknar arbetsbok"), "{}", said(&p));

    let good = write_template(&catalogue(), &places(), &[2024]).unwrap();
    for cut in [good.len() / 2, good.len() - 10, 30] {
        let p = read("halv.xlsx", &good[..cut]).unwrap_err();
        assert!(said(&p).contains("skadad"), "{cut}: {}", said(&p));
    }

    // A value far below the last row the reader reads: no dense grid, a clear refusal.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Långt").unwrap();
    for (c, h) in ["kpi", "municipality", "period", "value"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let p = read("långt.xlsx", &wb.save_to_buffer().unwrap()).unwrap_err();
    assert!(
        said(&p).contains("Långt!: Fliken har ifyllda celler nedanför rad 200001"),
        "{}",
        said(&p)
    );
}

#[test]
fn every_hostile_file_is_refused_quickly() {
    for bomb in bombs::all() {
        let p = read(&bomb.file_name(), &bomb.bytes).unwrap_err();
        assert!(!p.is_empty(), "{}", bomb.name);
    }
}

#[test]
fn a_csv_with_antal_keeps_the_cases() {
    let csv = "Nyckeltal;Kommunkod;År;Kön;Värde;Antal\nX-DAL-001;20;2024;T;7;15\nX-DAL-001;20;2023;T;-;\n";
    assert_eq!(
        read("lokala.csv", csv.as_bytes()).unwrap(),
        vec![
            value("X-DAL-001", "0020", 2024, Gender::T, Some(7.0), Some(15)),
            value("X-DAL-001", "0020", 2023, Gender::T, None, None),
        ]
    );
}
