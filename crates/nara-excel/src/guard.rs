//! Guards that run before any spreadsheet parser sees a file: what kind of file it is, and a
//! check of the zip directory (entry count, declared sizes, compression ratio) followed by an
//! inflate pass with a hard cap, so that a zip bomb is refused in bounded time and memory.

use std::io::{Cursor, Read};

use crate::Limits;

/// The kinds of file the importer tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML workbook.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
}

/// Checks a file and says what it is, or why it is refused (a Swedish sentence).
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Kind, String> {
    if bytes.is_empty() {
        return Err("Filen är tom. Spara blanketten på nytt som .xlsx och skicka den igen.".into());
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(format!(
            "Filen är för stor ({} MB; högst {} MB tas emot). En ifylld blankett är normalt under 100 kB: kontrollera att det är rätt fil.",
            bytes.len() / (1024 * 1024),
            limits.max_file_bytes / (1024 * 1024)
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err("Filen är en äldre Excelfil (.xls) eller är lösenordsskyddad. Ta bort ett eventuellt lösenord och spara den som Excel-arbetsbok (.xlsx).".into());
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        let text_like = bytes
            .iter()
            .take(512)
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || *b >= 0x80);
        return Err(if text_like {
            "Filen är en textfil (till exempel CSV), inte en Excelblankett. Använd blanketten från Nära och spara den som .xlsx.".into()
        } else {
            "Filen är inget kalkylark som Nära kan läsa. Spara blanketten som .xlsx (eller .ods) och skicka den igen.".into()
        });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "Filen är skadad eller ofullständig och kan inte öppnas. Spara blanketten på nytt som .xlsx och skicka den igen.".to_string())?;
    if zip.len() > limits.max_zip_entries {
        return Err(format!(
            "Filen innehåller {} delar (högst {} tillåts) och ser inte ut som en blankett.",
            zip.len(),
            limits.max_zip_entries
        ));
    }
    let mut declared: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| damaged())?;
        if entry.encrypted() {
            return Err(
                "Filen är lösenordsskyddad. Ta bort lösenordet och spara den som .xlsx.".into(),
            );
        }
        let (size, packed) = (entry.size(), entry.compressed_size());
        declared = declared.saturating_add(size);
        if size > 1024 * 1024 && size / packed.max(1) > limits.max_ratio {
            return Err(bomb(limits));
        }
        names.push(entry.name().map(|n| n.into_owned()).unwrap_or_default());
    }
    if declared > limits.max_inflated_bytes {
        return Err(bomb(limits));
    }
    let kind = if names.iter().any(|n| n == "xl/vbaProject.bin") {
        return Err("Filen innehåller makron (.xlsm). Spara den som Excel-arbetsbok (.xlsx) utan makron och skicka den igen.".into());
    } else if names.iter().any(|n| n == "xl/workbook.xml") {
        Kind::Xlsx
    } else if names.iter().any(|n| n == "content.xml") && names.iter().any(|n| n == "mimetype") {
        let mut mime = String::new();
        if let Some(i) = zip.index_for_name("mimetype") {
            let _ = zip
                .by_index(i)
                .map_err(|_| damaged())?
                .take(200)
                .read_to_string(&mut mime);
        }
        if mime.trim() != "application/vnd.oasis.opendocument.spreadsheet" {
            return Err("Filen är ett OpenDocument-dokument men inget kalkylark. Använd blanketten från Nära.".into());
        }
        Kind::Ods
    } else {
        return Err("Filen är ingen Excelblankett (den saknar arbetsbok). Kontrollera att det är rätt fil och spara den som .xlsx.".into());
    };
    // Declared sizes can lie: inflate everything once, counting, and stop at the cap.
    let mut budget = limits.max_inflated_bytes;
    let mut sink = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| damaged())?;
        loop {
            let n = match entry.read(&mut sink) {
                Ok(0) => break,
                Ok(n) => n as u64,
                Err(_) => return Err(damaged()),
            };
            budget = budget.checked_sub(n).ok_or_else(|| bomb(limits))?;
        }
    }
    Ok(kind)
}

fn damaged() -> String {
    "Filen är skadad eller ofullständig och kan inte öppnas. Spara blanketten på nytt som .xlsx och skicka den igen.".into()
}

fn bomb(limits: &Limits) -> String {
    format!(
        "Filen packas upp till mer än {} MB och avvisas som misstänkt skadlig (en ifylld blankett är några hundra kB).",
        limits.max_inflated_bytes / (1024 * 1024)
    )
}

/// For an OpenDocument file: the largest row and column that hold a value in any table,
/// counting repeated rows and columns, without building any grid. `calamine` expands repeats
/// into a dense grid, so a value placed far away must be refused before it reads the file.
pub fn ods_extent(content_xml: &[u8]) -> Result<(u64, u64), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(content_xml);
    let mut buf = Vec::new();
    let (mut row, mut col) = (0u64, 0u64);
    let (mut max_row, mut max_col) = (0u64, 0u64);
    let (mut row_rep, mut cell_rep) = (1u64, 1u64);
    let mut cell_has_value = false;
    let rep = |e: &quick_xml::events::BytesStart, name: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.value.parse().ok())
            .unwrap_or(1)
    };
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|_| "Filens innehåll är skadat (ogiltig XML).".to_string())?;
        match ev {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == "table:table" => row = 0,
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                col = 0;
                row_rep = rep(&e, "table:number-rows-repeated");
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(rep(&e, "table:number-rows-repeated"));
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(row_rep);
            }
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                cell_rep = rep(&e, "table:number-columns-repeated");
                cell_has_value = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.as_ref() == "office:value-type");
            }
            Event::Text(t) if !t.as_ref().trim().is_empty() => cell_has_value = true,
            Event::End(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                if cell_has_value {
                    max_row = max_row.max(row.saturating_add(1));
                    max_col = max_col.max(col.saturating_add(cell_rep));
                }
                col = col.saturating_add(cell_rep);
                cell_has_value = false;
            }
            Event::Empty(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                if e.attributes()
                    .flatten()
                    .any(|a| a.key.as_ref() == "office:value-type")
                {
                    max_row = max_row.max(row.saturating_add(1));
                    max_col =
                        max_col.max(col.saturating_add(rep(&e, "table:number-columns-repeated")));
                }
                col = col.saturating_add(rep(&e, "table:number-columns-repeated"));
            }
            _ => {}
        }
        buf.clear();
    }
    Ok((max_row, max_col))
}
