//! Broken and hostile files each get the right Swedish message, quickly, and never a panic.

use std::io::Write;
use std::time::{Duration, Instant};

use nara_excel::{Problem, import_form};

use crate::support::{BACKGROUND, ctx, sheet, typed_form};

fn refused(bytes: &[u8]) -> Vec<Problem> {
    let ctx = ctx();
    let start = Instant::now();
    let result = import_form("x.xlsx", bytes, &ctx);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    result.expect_err("the file must be refused")
}

fn all(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{:?} {:?} {}", p.sheet, p.cell, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn empty_random_truncated_and_csv_files() {
    assert!(all(&refused(b"")).contains("tom"));
    let random: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(all(&refused(&random)).contains("inget kalkylark"));
    let csv = "ID;Svar\nD1.1;3\n".as_bytes();
    assert!(all(&refused(csv)).contains("textfil"));
    let good = typed_form(10, &["ID", "Svar"], &[vec!["D1.1", "3"]], &BACKGROUND);
    let truncated = &good[..good.len() / 2];
    assert!(
        all(&refused(truncated)).contains("skadad"),
        "{}",
        all(&refused(truncated))
    );
    assert!(
        all(&refused(&[
            0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0
        ]))
        .contains(".xls")
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    // A zip with one entry of 2 GB of zeros, compressed.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        w.start_file("xl/workbook.xml", opts).unwrap();
        w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..1100 {
            w.write_all(&chunk).unwrap();
        }
        w.finish().unwrap();
    }
    let bytes = buf.into_inner();
    assert!(bytes.len() < 5 << 20, "the bomb is small: {}", bytes.len());
    let msg = all(&refused(&bytes));
    assert!(msg.contains("packas upp till mer än"), "{msg}");
}

#[test]
fn a_value_at_xfd1048576_does_not_allocate_a_grid() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Självskattning").unwrap();
    ws.write_string(0, 0, "ID").unwrap();
    ws.write_string(0, 1, "Svar").unwrap();
    ws.write_string(1_048_575, 16_383, "far away").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    // The table is found, the far cell is skipped; the form is refused for its missing fields.
    let msg = all(&refused(&bytes));
    assert!(msg.contains("Fältet ”Organisation” saknas"), "{msg}");
}

#[test]
fn wrong_ids_duplicates_and_answers_are_each_reported_with_their_cell() {
    let rows = vec![
        vec!["D1.1", "3"],
        vec!["D1.1", "2"],
        vec!["D9.9", "1"],
        vec!["D1.2", "5"],
        vec!["D1.3", "Kanske"],
        vec!["", "4"],
    ];
    let bytes = typed_form(10, &["ID", "Svar"], &rows, &BACKGROUND);
    let p = refused(&bytes);
    let msg = all(&p);
    // Table at row 11, data rows every second row from row 13, columns B (ID) and C (Svar).
    for (cell, needle) in [
        ("B15", "D1.1 finns två gånger (även i B13)"),
        ("B17", "”D9.9” finns inte i instrumentet"),
        ("C19", "”5” är inget svarsalternativ"),
        ("C21", "”Kanske” är inget svarsalternativ"),
        ("C23", "svar men inget ID"),
    ] {
        assert!(
            p.iter().any(|x| x.cell.as_deref() == Some(cell)
                && x.message.contains(needle)
                && x.sheet.as_deref() == Some("Blad1")),
            "{cell} {needle}\n{msg}"
        );
    }
    assert_eq!(p.len(), 5, "{msg}");
}

#[test]
fn unknown_organisation_round_and_a_missing_table() {
    let bg = [
        ("Organisation", "Stockholm (0180)"),
        ("Verksamhet", "X"),
        ("Omgång", "2019"),
        ("Deltagare", ""),
        ("Datum", ""),
    ];
    let p = refused(&typed_form(10, &["ID", "Svar"], &[vec!["D1.1", "3"]], &bg));
    let msg = all(&p);
    assert!(
        p.iter()
            .any(|x| x.cell.as_deref() == Some("E2") && x.message.contains("finns inte i Nära")),
        "{msg}"
    );
    assert!(
        p.iter()
            .any(|x| x.cell.as_deref() == Some("E4")
                && x.message.contains("Omgången 2019 finns inte")),
        "{msg}"
    );
    let no_table = sheet("Blad1", &[(0, 0, "Hej")]);
    assert!(all(&refused(&no_table)).contains("Hittar inte svarstabellen"));
}

#[test]
fn too_long_text_is_reported() {
    let long = "x".repeat(20_000);
    let bytes = typed_form(
        10,
        &["ID", "Svar", "Kommentar"],
        &[vec!["D1.1", "3", long.as_str()]],
        &BACKGROUND,
    );
    assert!(all(&refused(&bytes)).contains("för lång"));
}
