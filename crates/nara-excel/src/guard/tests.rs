//! The guard's tests.

use std::io::Write;

use super::*;
use crate::cells::Book;

fn workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "ID").unwrap();
    ws.write_string(0, 1, "Svar").unwrap();
    ws.write_number(1, 1, 3.0).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn kept_parts_are_counted_and_read_as_the_zip_itself() {
    let bytes = workbook();
    let limits = Limits::default();
    let checked = check_keeping(&bytes, &limits).unwrap();
    assert_eq!(checked.kind, Kind::Xlsx);
    let parts = checked
        .parts
        .as_ref()
        .expect("a small xlsx keeps its parts");
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    assert_eq!(parts.len(), zip.len());
    for (i, (name, part)) in parts.iter().enumerate() {
        let mut entry = zip.by_index(i).unwrap();
        let mut inflated = Vec::new();
        entry.read_to_end(&mut inflated).unwrap();
        assert_eq!(
            (name.as_str(), part),
            (entry.name().unwrap().as_ref(), &inflated)
        );
    }
    // The shared strings are counted by their size: never less than what they hold.
    let strings = parts
        .iter()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap();
    assert_eq!(
        scan_parts(parts, &limits, "Filen").unwrap(),
        scan_xlsx(&bytes, &limits, "Filen").unwrap() - "IDSvar".len() + strings.1.len()
    );
    let mut kept = Book::open_checked("f.xlsx", &bytes, checked, &limits).unwrap();
    let mut again = Book::open_named("f.xlsx", &bytes, Kind::Xlsx, &limits).unwrap();
    assert_eq!(kept.sheet_names(), again.sheet_names());
    let name = &kept.sheet_names()[0];
    let (sheet, _) = kept.read(name, &limits).unwrap();
    assert_eq!(sheet.get(1, 1), "3");
    assert_eq!(sheet, again.read(name, &limits).unwrap().0);
}

/// A file whose theme and core properties are not XML, and whose theme holds more records
/// than a form may: Nära uses neither, so the file is read, and its custom properties with it
/// (calamine dropped them all when it could not read the core properties).
#[test]
fn the_theme_and_core_properties_are_neither_counted_nor_read() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let props = rust_xlsxwriter::DocProperties::new().set_custom_property("nara-round", "2026");
    wb.set_properties(&props);
    wb.add_worksheet().write_string(0, 0, "ID").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let limits = Limits::default();
    let theme = "<a:font/>".repeat(limits.max_records + 1);
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut part = Vec::new();
        entry.read_to_end(&mut part).unwrap();
        let part = match name.as_str() {
            "docProps/core.xml" => b"<cp:coreProperties".to_vec(),
            "xl/theme/theme1.xml" => format!("<a:theme>{theme}</a:theme>").into_bytes(),
            _ => part,
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&part).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    // Read as it came (a file too large to keep its parts), the theme is counted and refused.
    assert!(matches!(
        scan_xlsx(&bytes, &limits, "Filen"),
        Err(Error::TooLarge(_))
    ));
    let checked = check_keeping(&bytes, &limits).unwrap();
    let book = Book::open_checked("f.xlsx", &bytes, checked, &limits).unwrap();
    assert_eq!(
        book.properties.get("nara-round").map(String::as_str),
        Some("2026")
    );
}

/// Every byte of a part's compressed data changed in turn, and a stream that stops before
/// its end: the file is refused as damaged (or, where the change is harmless to the data,
/// read with the same parts), never read wrong.
#[test]
fn a_damaged_part_is_refused() {
    let bytes = workbook();
    let limits = Limits::default();
    let good = check_keeping(&bytes, &limits).unwrap().parts.unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let entry = zip.by_name("xl/worksheets/sheet1.xml").unwrap();
    let start = entry.data_start().unwrap() as usize;
    let end = start + entry.compressed_size() as usize;
    let mut refused = 0;
    for at in start..end {
        let mut bad = bytes.clone();
        bad[at] ^= 0x55;
        match check_keeping(&bad, &limits) {
            Err(e) => {
                assert!(matches!(e, Error::Damaged(_)), "{at}: {e:?}");
                refused += 1;
            }
            Ok(c) => assert_eq!(c.parts.unwrap(), good, "{at}"),
        }
    }
    assert!(refused > (end - start) / 2, "{refused} of {}", end - start);
    // A deflate stream of one stored block that is not marked final: it never ends.
    let data = b"<worksheet/>";
    let mut stream = vec![0u8, data.len() as u8, 0, !(data.len() as u8), 0xff];
    stream.extend_from_slice(data);
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("xl/workbook.xml", stored).unwrap();
    out.write_all(&stream).unwrap();
    let mut cut = out.finish().unwrap().into_inner();
    // The entry says it is deflated (method 8, in its local and central headers) and
    // gives the CRC of what the stream holds.
    let crc = crc32fast::hash(data).to_le_bytes();
    cut[8] = 8;
    cut[14..18].copy_from_slice(&crc);
    let central = (0..cut.len() - 4)
        .find(|&i| cut[i..i + 4] == *b"PK\x01\x02")
        .unwrap();
    cut[central + 10] = 8;
    cut[central + 16..central + 20].copy_from_slice(&crc);
    assert!(matches!(
        check_keeping(&cut, &limits),
        Err(Error::Damaged(_))
    ));
}

/// Shared strings counted by their size still refuse what calamine would make room for at
/// once, and text that with the styles' copies passes the limit.
#[test]
fn small_shared_strings_are_counted_by_their_size() {
    let limits = Limits::default();
    let rels = r#"<Relationships><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let parts = |strings: String| {
        vec![
            ("_rels/.rels".to_string(), rels.as_bytes().to_vec()),
            ("xl/workbook.xml".to_string(), b"<workbook/>".to_vec()),
            ("xl/sharedStrings.xml".to_string(), strings.into_bytes()),
        ]
    };
    let declared = parts(r#"<sst uniqueCount="4000000000"><si><t>a</t></si></sst>"#.into());
    let said = scan_parts(&declared, &limits, "Filen")
        .unwrap_err()
        .to_string();
    assert!(said.contains("olika texter"), "{said}");
    let fine = parts(r#"<sst uniqueCount="1"><si><t>a</t></si></sst>"#.into());
    assert_eq!(
        scan_parts(&fine, &limits, "Filen").unwrap(),
        fine[2].1.len()
    );
    let tight = Limits {
        max_text_bytes: 20,
        ..Limits::default()
    };
    assert!(matches!(
        scan_parts(&fine, &tight, "Filen"),
        Err(Error::TooLarge(_))
    ));
    // Past five bytes a string allowed, every string is counted as before.
    let many = parts(format!(
        "<sst>{}</sst>",
        "<si/>".repeat(limits.max_shared_strings + 1)
    ));
    let said = scan_parts(&many, &limits, "Filen").unwrap_err().to_string();
    assert!(said.contains("olika texter"), "{said}");
}

#[test]
fn parts_past_the_memory_kept_are_read_from_the_zip_again() {
    let mut out = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("xl/workbook.xml", stored).unwrap();
        w.start_file("xl/media/big.bin", stored).unwrap();
        w.write_all(&vec![7u8; KEEP_BYTES + 1]).unwrap();
        w.finish().unwrap();
    }
    let checked = check_keeping(&out.into_inner(), &Limits::default()).unwrap();
    assert_eq!(checked.kind, Kind::Xlsx);
    assert!(checked.parts.is_none());
}
