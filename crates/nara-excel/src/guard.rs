//! Guards that run before any spreadsheet parser sees a file: what kind of file it is, a check
//! of the zip directory (entry count, declared sizes, compression ratio) followed by an inflate
//! pass with a hard cap, so that a zip bomb is refused in bounded time and memory; and, for an
//! xlsx, a streaming pre-scan of its XML that counts what calamine would build from the parts
//! it reads whole (shared strings, styles, workbook, relationships, properties), so that a
//! small file that expands into gigabytes is refused before calamine builds anything.

use std::io::{BufReader, Cursor, Read};

use quick_xml::events::Event;

use crate::{Error, Limits};

mod whole;

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

/// The local names of the records calamine builds one value for when it opens an xlsx:
/// sheets, defined names, relationships, custom properties, fonts, fills, borders, number
/// formats and cell formats.
const RECORDS: [&str; 9] = [
    "sheet",
    "definedName",
    "Relationship",
    "property",
    "font",
    "fill",
    "border",
    "numFmt",
    "xf",
];

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

/// What [`scan_xlsx`] has counted so far, over the parts read.
struct Scan<'a> {
    limits: &'a Limits,
    file: &'a str,
    strings: usize,
    records: usize,
    text: usize,
    formats: usize,
    font_name: usize,
    format_code: usize,
    in_string: usize,
    in_font: usize,
    buf: Vec<u8>,
}

impl<'a> Scan<'a> {
    fn new(limits: &'a Limits, file: &'a str) -> Self {
        Self {
            limits,
            file,
            strings: 0,
            records: 0,
            text: 0,
            formats: 0,
            font_name: 0,
            format_code: 0,
            in_string: 0,
            in_font: 0,
            buf: Vec::with_capacity(1024),
        }
    }

    /// The text calamine will hold: the strings and every cell format's copies of its style names.
    fn held(&self) -> usize {
        self.text.saturating_add(
            self.formats
                .saturating_mul(self.font_name.saturating_add(self.format_code)),
        )
    }

    /// Counts one part, read through a buffer.
    fn part<R: std::io::BufRead>(&mut self, reader: R) -> Result<(), Error> {
        let mut xml = quick_xml::Reader::from_reader(reader);
        calamine_config(&mut xml);
        (self.in_string, self.in_font) = (0, 0);
        let mut buf = std::mem::take(&mut self.buf);
        let result = loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Err(_) | Ok(Event::Eof) => break Ok(()),
                Ok(event) => {
                    if let Err(e) = self.event(event) {
                        break Err(e);
                    }
                }
            }
        };
        self.buf = buf;
        result
    }

    /// Counts one part held in memory, borrowing its events rather than copying them.
    fn slice(&mut self, part: &[u8]) -> Result<(), Error> {
        let mut xml = quick_xml::Reader::from_reader(part);
        calamine_config(&mut xml);
        (self.in_string, self.in_font) = (0, 0);
        loop {
            match xml.read_event() {
                Err(_) | Ok(Event::Eof) => return Ok(()),
                Ok(event) => self.event(event)?,
            }
        }
    }

    /// Counts a shared strings part too small to hold more strings than allowed (each takes at
    /// least five bytes, `<si/>`) without reading every string: its bytes as the text calamine
    /// will hold (no string is longer than the XML that holds it), and the strings calamine
    /// makes room for at once (`uniqueCount` of the first `sst`, where calamine reads it).
    fn shared_strings(&mut self, part: &[u8]) -> Result<(), Error> {
        let mut xml = quick_xml::Reader::from_reader(part);
        calamine_config(&mut xml);
        loop {
            match xml.read_event() {
                Err(_) | Ok(Event::Eof) => break,
                Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                    self.event(Event::Start(e))?;
                    break;
                }
                Ok(_) => {}
            }
        }
        self.text = self.text.saturating_add(part.len());
        if self.held() > self.limits.max_text_bytes {
            return Err(too_much_text(self.file, self.limits));
        }
        Ok(())
    }

    /// Counts one event of a part.
    fn event(&mut self, event: Event<'_>) -> Result<(), Error> {
        let (limits, file) = (self.limits, self.file);
        {
            match event {
                Event::Start(e) => {
                    let name = e.local_name();
                    let name = name.as_ref();
                    match name {
                        "sst" => {
                            for a in e.attributes().with_checks(false).flatten() {
                                if a.key.local_name().as_ref() == "uniqueCount"
                                    && a.value
                                        .trim()
                                        .parse::<u64>()
                                        .map_or(true, |n| n > limits.max_shared_strings as u64)
                                {
                                    return Err(too_many_strings(file, limits));
                                }
                            }
                        }
                        "si" => {
                            self.strings += 1;
                            self.in_string += 1;
                            if self.strings > limits.max_shared_strings {
                                return Err(too_many_strings(file, limits));
                            }
                        }
                        "font" => self.in_font += 1,
                        "name" if self.in_font > 0 => {
                            for a in e.attributes().with_checks(false).flatten() {
                                if a.key.as_ref() == "val" {
                                    self.font_name = self.font_name.max(a.value.len());
                                }
                            }
                        }
                        "numFmt" => {
                            for a in e.attributes().with_checks(false).flatten() {
                                if a.key.as_ref() == "formatCode" {
                                    self.format_code = self.format_code.max(a.value.len());
                                }
                            }
                        }
                        _ => {}
                    }
                    if name == "xf" {
                        self.formats += 1;
                    }
                    if RECORDS.contains(&name) {
                        self.records += 1;
                        if self.records > limits.max_records {
                            return Err(Error::TooLarge(format!(
                                "{file} har fler än {} flikar, namn, format eller andra poster och ser inte ut som en blankett. Använd blanketten från Nära.",
                                limits.max_records
                            )));
                        }
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    "si" => self.in_string = self.in_string.saturating_sub(1),
                    "font" => self.in_font = self.in_font.saturating_sub(1),
                    _ => {}
                },
                Event::Text(t) if self.in_string > 0 => self.text += t.len(),
                Event::CData(t) if self.in_string > 0 => self.text += t.len(),
                Event::GeneralRef(_) if self.in_string > 0 => self.text += 4,
                _ => {}
            }
            // Every cell format gets its own copy of its font's name and number format.
            let copies = self
                .formats
                .saturating_mul(self.font_name.saturating_add(self.format_code));
            if self.text.saturating_add(copies) > limits.max_text_bytes {
                return Err(too_much_text(file, limits));
            }
        }
        Ok(())
    }
}

fn too_many_strings(file: &str, limits: &Limits) -> Error {
    Error::TooLarge(format!(
        "{file} har fler än {} olika texter och ser inte ut som en blankett. Använd blanketten från Nära.",
        limits.max_shared_strings
    ))
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
mod tests {
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
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
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
}
