//! Guards that run before any spreadsheet parser sees a file: what kind of file it is, a check
//! of the zip directory (entry count, declared sizes, compression ratio) followed by an inflate
//! pass with a hard cap, so that a zip bomb is refused in bounded time and memory; and, for an
//! xlsx, a streaming pre-scan of its XML that counts what calamine would build from the parts
//! it reads whole (shared strings, styles, workbook, relationships, properties), so that a
//! small file that expands into gigabytes is refused before calamine builds anything.

use std::io::{BufReader, Cursor, Read};

use crate::{Error, Limits};

mod count;
mod whole;

use count::Scan;
use whole::{normalised, read_whole};

/// The kinds of file the importer tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML workbook.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
}

/// Checks a file and says what it is, or why it is refused (a Swedish sentence).
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Kind, Error> {
    check_keeping(bytes, limits).map(|c| c.kind)
}

/// The most inflated bytes [`check_keeping`] keeps in memory: a filled form inflates to about
/// 120 kB; a larger file is read from its zip again, as before, so that what is held stays small.
const KEEP_BYTES: usize = 4 * 1024 * 1024;

/// A checked file: what it is and, for an xlsx small enough, its parts as inflated by the
/// check, so that nothing inflates them a second time.
pub struct Checked {
    /// What the file is.
    pub kind: Kind,
    /// Every part of an xlsx, in zip order, with its inflated bytes; `None` for an ods or when
    /// the parts inflate to more than `KEEP_BYTES` (4 MB).
    pub parts: Option<Vec<(String, Vec<u8>)>>,
}

/// As [`check`], and keeps the parts of an xlsx as the check inflates them (see [`Checked`]).
pub fn check_keeping(bytes: &[u8], limits: &Limits) -> Result<Checked, Error> {
    if bytes.is_empty() {
        return Err(Error::NotASpreadsheet(
            "Filen är tom. Spara blanketten på nytt som .xlsx och skicka den igen.".into(),
        ));
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Error::TooLarge(format!(
            "Filen är för stor ({} MB; högst {} MB tas emot). En ifylld blankett är normalt under 100 kB: kontrollera att det är rätt fil.",
            bytes.len() / (1024 * 1024),
            limits.max_file_bytes / (1024 * 1024)
        )));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(Error::NotASpreadsheet("Filen är en äldre Excelfil (.xls) eller är lösenordsskyddad. Ta bort ett eventuellt lösenord och spara den som Excel-arbetsbok (.xlsx).".into()));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        let text_like = bytes
            .iter()
            .take(512)
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || *b >= 0x80);
        return Err(Error::NotASpreadsheet(if text_like {
            "Filen är en textfil (till exempel CSV), inte en Excelblankett. Använd blanketten från Nära och spara den som .xlsx.".into()
        } else {
            "Filen är inget kalkylark som Nära kan läsa. Spara blanketten som .xlsx (eller .ods) och skicka den igen.".into()
        }));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    if zip.len() > limits.max_zip_entries {
        return Err(Error::TooLarge(format!(
            "Filen innehåller {} delar (högst {} tillåts) och ser inte ut som en blankett.",
            zip.len(),
            limits.max_zip_entries
        )));
    }
    let mut declared: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| damaged())?;
        if entry.encrypted() {
            return Err(Error::NotASpreadsheet(
                "Filen är lösenordsskyddad. Ta bort lösenordet och spara den som .xlsx.".into(),
            ));
        }
        let (size, packed) = (entry.size(), entry.compressed_size());
        declared = declared.saturating_add(size);
        if size > 1024 * 1024 && size / packed.max(1) > limits.max_ratio {
            return Err(bomb(limits));
        }
        if size > limits.max_part_bytes {
            return Err(big_part(limits));
        }
        names.push(entry.name().map(|n| n.into_owned()).unwrap_or_default());
    }
    if declared > limits.max_inflated_bytes {
        return Err(bomb(limits));
    }
    let kind = if names.iter().any(|n| n == "xl/vbaProject.bin") {
        return Err(Error::NotASpreadsheet("Filen innehåller makron (.xlsm). Spara den som Excel-arbetsbok (.xlsx) utan makron och skicka den igen.".into()));
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
            return Err(Error::NotASpreadsheet("Filen är ett OpenDocument-dokument men inget kalkylark. Använd blanketten från Nära.".into()));
        }
        Kind::Ods
    } else {
        return Err(Error::NotASpreadsheet("Filen är ingen Excelblankett (den saknar arbetsbok). Kontrollera att det är rätt fil och spara den som .xlsx.".into()));
    };
    // Declared sizes can lie: inflate everything once, counting, and stop at the cap. One
    // inflater serves every part (a new one per part costs a twentieth of a form's reading).
    let mut budget = limits.max_inflated_bytes;
    let mut sink = vec![0u8; 64 * 1024];
    let mut inflater = flate2::Decompress::new(false);
    let mut kept = (kind == Kind::Xlsx).then(|| Vec::with_capacity(zip.len()));
    let mut kept_bytes = 0usize;
    for (i, name) in names.into_iter().enumerate() {
        let entry = zip.by_index_raw(i).map_err(|_| damaged())?;
        let (method, crc) = (entry.compression(), entry.crc32());
        let input = (entry.data_start().and_then(|start| {
            let start = usize::try_from(start).ok()?;
            let len = usize::try_from(entry.compressed_size()).ok()?;
            bytes.get(start..start.checked_add(len)?)
        }))
        .ok_or_else(damaged)?;
        let mut part = limits.max_part_bytes;
        let mut inflated = Vec::new();
        let mut sum = crc32fast::Hasher::new();
        let mut take = |chunk: &[u8]| -> Result<(), Error> {
            let n = chunk.len();
            budget = budget.checked_sub(n as u64).ok_or_else(|| bomb(limits))?;
            part = part.checked_sub(n as u64).ok_or_else(|| big_part(limits))?;
            sum.update(chunk);
            if kept.is_some() {
                kept_bytes += n;
                if kept_bytes > KEEP_BYTES {
                    kept = None;
                    inflated = Vec::new();
                } else {
                    inflated.extend_from_slice(chunk);
                }
            }
            Ok(())
        };
        match method {
            zip::CompressionMethod::Stored => input.chunks(sink.len()).try_for_each(&mut take)?,
            zip::CompressionMethod::Deflated => {
                inflater.reset(false);
                let mut rest = input;
                loop {
                    let (was_in, was_out) = (inflater.total_in(), inflater.total_out());
                    let status = inflater
                        .decompress(rest, &mut sink, flate2::FlushDecompress::Finish)
                        .map_err(|_| damaged())?;
                    let read = usize::try_from(inflater.total_in() - was_in).unwrap_or(usize::MAX);
                    let wrote = usize::try_from(inflater.total_out() - was_out).unwrap_or(0);
                    rest = rest.get(read..).ok_or_else(damaged)?;
                    take(sink.get(..wrote).ok_or_else(damaged)?)?;
                    if status == flate2::Status::StreamEnd {
                        break;
                    }
                    if read == 0 && wrote == 0 {
                        // The data ends before its stream does.
                        return Err(damaged());
                    }
                }
            }
            _ => return Err(damaged()),
        }
        if sum.finalize() != crc {
            return Err(damaged());
        }
        if let Some(kept) = &mut kept {
            kept.push((name, inflated));
        }
    }
    Ok(Checked { kind, parts: kept })
}

fn big_part(limits: &Limits) -> Error {
    Error::TooLarge(format!(
        "En del av filen packas upp till mer än {} MB och filen avvisas som misstänkt skadlig (en ifylld blankett är några hundra kB).",
        limits.max_part_bytes / (1024 * 1024)
    ))
}

/// How a file is named in messages: `Filen ”namn.xlsx”` with the file's own name (no folder,
/// no control characters, at most 60 characters), or `Filen` when it has none.
pub fn label(file_name: &str) -> String {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect::<String>();
    let base = base.trim();
    if base.is_empty() {
        return "Filen".into();
    }
    if base.chars().count() > 60 {
        format!("Filen ”{}…”", base.chars().take(60).collect::<String>())
    } else {
        format!("Filen ”{base}”")
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Streams every part of a checked xlsx (see [`check`]) through an XML reader set up as
/// calamine's, and refuses the file when what calamine would build from the parts it reads
/// whole exceeds the limits: more shared strings (held or declared) than
/// [`Limits::max_shared_strings`], more records than [`Limits::max_records`], or more text than
/// [`Limits::max_text_bytes`] in the shared strings and the style names that every cell format
/// copies. Counting goes by element name in every part, whatever the part is called or where
/// it sits, so renaming a part does not hide it. A part that is not XML (a picture) stops being
/// read at its first error, as calamine would stop there too. `file` is the file's
/// [`label`]. Returns the text, in bytes, that calamine will hold.
pub fn scan_xlsx(bytes: &[u8], limits: &Limits, file: &str) -> Result<usize, Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    let mut scan = Scan::new(limits, file);
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|_| damaged())?;
        scan.part(BufReader::new(entry.take(limits.max_part_bytes)))?;
    }
    Ok(scan.held())
}

/// Whether a part is one calamine reads whole only for what Nära never uses: the theme (the
/// colours of styles) and the core and extended document properties (Nära reads the custom
/// ones). Such parts are left out of what calamine is handed (see `cells::Book`) and so out of
/// [`scan_parts`]'s count; they were inflated, under the limits, by [`check_keeping`].
pub fn unused(name: &str) -> bool {
    let name = normalised(name);
    name.ends_with("theme/theme1.xml") || name == "docprops/core.xml" || name == "docprops/app.xml"
}

/// As [`scan_xlsx`], over the parts [`check_keeping`] kept but those [`unused`], without
/// inflating anything again,
/// and counting only the parts calamine reads whole, found as calamine finds them (the package
/// relationships name the workbook and its folder; beside it its relationships, shared strings,
/// styles and theme; and the document properties): the worksheets it streams cell by cell,
/// under the reader's own budget of cells and text, and the parts it never opens (drawings,
/// charts, pictures) are not counted. When the package relationships are unusual, every part is.
pub fn scan_parts(
    parts: &[(String, Vec<u8>)],
    limits: &Limits,
    file: &str,
) -> Result<usize, Error> {
    let mut scan = Scan::new(limits, file);
    let whole = read_whole(parts);
    for (name, part) in parts {
        if unused(name) {
            continue;
        }
        if let Some((whole, strings)) = &whole {
            let (name, lower) = (normalised(name), name.to_ascii_lowercase());
            if !whole.contains(&name) && !whole.contains(&lower) {
                continue;
            }
            if (name == *strings || lower == *strings)
                && part.len() / 5 <= limits.max_shared_strings
            {
                scan.shared_strings(part)?;
                continue;
            }
        }
        let cap = part
            .len()
            .min(usize::try_from(limits.max_part_bytes).unwrap_or(usize::MAX));
        scan.slice(&part[..cap])?;
    }
    Ok(scan.held())
}

/// An XML reader set up as calamine's.
pub(crate) fn calamine_config<R>(xml: &mut quick_xml::Reader<R>) {
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
}

/// The refusal of a file whose text exceeds [`Limits::max_text_bytes`]; `file` is its [`label`].
pub fn too_much_text(file: &str, limits: &Limits) -> Error {
    Error::TooLarge(format!(
        "{file} innehåller mer än {} MB text och ser inte ut som en blankett (en ifylld blankett har några hundra kB). Kontrollera att det är rätt fil och spara blanketten på nytt.",
        limits.max_text_bytes / (1024 * 1024)
    ))
}

/// The refusal of a file with more cells than [`Limits::max_cells`]; `file` is its [`label`].
pub fn too_many_cells(file: &str, limits: &Limits) -> Error {
    Error::TooLarge(format!(
        "{file} har fler än {} ifyllda celler och ser inte ut som en blankett (en ifylld blankett har några hundra). Kontrollera att det är rätt fil och spara blanketten på nytt.",
        limits.max_cells
    ))
}

fn damaged() -> Error {
    Error::Damaged("Filen är skadad eller ofullständig och kan inte öppnas. Spara blanketten på nytt som .xlsx och skicka den igen.".into())
}

fn bomb(limits: &Limits) -> Error {
    Error::TooLarge(format!(
        "Filen packas upp till mer än {} MB och avvisas som misstänkt skadlig (en ifylld blankett är några hundra kB).",
        limits.max_inflated_bytes / (1024 * 1024)
    ))
}

#[cfg(test)]
mod tests;
