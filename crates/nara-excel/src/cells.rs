//! Reading a sheet into a sparse map of cell texts, in bounded memory and time: only the area a
//! form can hold is read (the first [`Limits::max_rows`] rows and [`Limits::max_cols`]
//! columns), cells beyond it are counted and skipped, never allocated as a dense grid, and
//! everything the reader materialises is charged to a budget per file (cells, every repeat
//! counted, and text), so that a tiny file that repeats a long text over many cells is refused
//! with a Swedish message naming the file instead of growing to gigabytes.
//!
//! An xlsx is read with calamine's streaming cell reader after [`guard::scan_xlsx`] has bounded
//! what calamine builds when it opens the file. An OpenDocument file is read here, in one
//! streaming pass over `content.xml`: calamine would expand every repeated row and column of
//! every table into a dense grid before anything could be checked.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Cursor, Read};

use calamine::{DataRef, Reader};
use quick_xml::events::{BytesStart, Event};

use crate::Limits;
use crate::guard::{self, Kind};

/// The non-empty cells of one sheet as text, by (row, column), both from 0.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// Cell texts.
    pub cells: BTreeMap<(u32, u32), String>,
}

impl Sheet {
    /// The text of a cell, or "" when empty.
    pub fn get(&self, row: u32, col: u32) -> &str {
        self.cells.get(&(row, col)).map_or("", String::as_str)
    }
}

/// An opened workbook: its sheets, read lazily (xlsx) or at once (ods), and its custom document
/// properties.
pub struct Book<'a> {
    inner: BookInner<'a>,
    /// Custom document properties.
    pub properties: HashMap<String, String>,
    budget: Budget,
}

enum BookInner<'a> {
    Xlsx(Box<calamine::Xlsx<Cursor<&'a [u8]>>>),
    /// Every named table with the count of its non-empty cells beyond the area read.
    Ods(Vec<(Sheet, usize)>),
}

/// What one file may still materialise.
struct Budget {
    /// The file as named in messages.
    file: String,
    cells: usize,
    text: usize,
    max_cells: usize,
    max_text: usize,
}

impl Budget {
    fn new(file_name: &str, limits: &Limits) -> Self {
        Self {
            file: guard::label(file_name),
            cells: 0,
            text: 0,
            max_cells: limits.max_cells,
            max_text: limits.max_text_bytes,
        }
    }

    fn limits(&self) -> Limits {
        Limits {
            max_cells: self.max_cells,
            max_text_bytes: self.max_text,
            ..Limits::default()
        }
    }

    /// Charges `bytes` of text.
    fn text(&mut self, bytes: usize) -> Result<(), String> {
        self.text = self.text.saturating_add(bytes);
        if self.text > self.max_text {
            return Err(guard::too_much_text(&self.file, &self.limits()));
        }
        Ok(())
    }

    /// Charges one kept cell.
    fn cell(&mut self) -> Result<(), String> {
        self.cells += 1;
        if self.cells > self.max_cells {
            return Err(guard::too_many_cells(&self.file, &self.limits()));
        }
        Ok(())
    }
}

fn unreadable(detail: impl std::fmt::Display) -> String {
    format!(
        "Filen kunde inte läsas som kalkylark ({detail}). Spara blanketten på nytt som .xlsx och skicka den igen."
    )
}

/// Whether a text is kept: not blank.
fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// The text kept of a cell: at most [`Limits::max_cell_chars`] characters, and a NUL marker
/// after a text that was longer (the importer reports it as a problem).
fn capped(text: &str, limits: &Limits) -> String {
    match text.char_indices().nth(limits.max_cell_chars) {
        None => text.to_string(),
        Some((end, _)) => {
            let mut t = text[..end].to_string();
            t.push('\u{0}');
            t
        }
    }
}

impl<'a> Book<'a> {
    /// Opens a checked file (see [`crate::guard::check`]); messages call it "the file".
    pub fn open(bytes: &'a [u8], kind: Kind, limits: &Limits) -> Result<Self, String> {
        Self::open_named("", bytes, kind, limits)
    }

    /// Opens a checked file (see [`crate::guard::check`]); `file_name` names it in messages.
    pub fn open_named(
        file_name: &str,
        bytes: &'a [u8],
        kind: Kind,
        limits: &Limits,
    ) -> Result<Self, String> {
        let mut budget = Budget::new(file_name, limits);
        match kind {
            Kind::Xlsx => {
                let held = guard::scan_xlsx(bytes, limits, &budget.file)?;
                budget.text(held)?;
                let mut x = calamine::Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
                let properties = x
                    .workbook_properties()
                    .map(|p| p.custom_properties)
                    .unwrap_or_default();
                Ok(Self {
                    inner: BookInner::Xlsx(Box::new(x)),
                    properties,
                    budget,
                })
            }
            Kind::Ods => {
                let (sheets, properties) = read_ods(bytes, limits, &mut budget)?;
                Ok(Self {
                    inner: BookInner::Ods(sheets),
                    properties,
                    budget,
                })
            }
        }
    }

    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.inner {
            BookInner::Xlsx(x) => x.sheet_names(),
            BookInner::Ods(sheets) => sheets.iter().map(|(s, _)| s.name.clone()).collect(),
        }
    }

    /// Reads one sheet. Values beyond the limits are skipped; the count of skipped cells is
    /// returned beside the sheet. A file that exceeds its budget of cells or text is refused.
    pub fn read(&mut self, name: &str, limits: &Limits) -> Result<(Sheet, usize), String> {
        match &mut self.inner {
            BookInner::Xlsx(x) => {
                let mut sheet = Sheet {
                    name: name.to_string(),
                    ..Default::default()
                };
                let mut skipped = 0usize;
                let mut reader = x.worksheet_cells_reader(name).map_err(unreadable)?;
                while let Some(cell) = reader.next_cell().map_err(unreadable)? {
                    let (row, col) = cell.get_position();
                    let value = cell.get_value();
                    if matches!(value, DataRef::Empty) {
                        continue;
                    }
                    if row >= limits.max_rows || col >= limits.max_cols {
                        skipped += 1;
                        continue;
                    }
                    let text = match value {
                        DataRef::SharedString(s) => std::borrow::Cow::Borrowed(*s),
                        DataRef::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
                        other => std::borrow::Cow::Owned(ref_text(other)),
                    };
                    // Charged before it is looked at: every cell costs its length once.
                    self.budget.text(text.len())?;
                    if blank(&text) {
                        continue;
                    }
                    self.budget.cell()?;
                    sheet.cells.insert((row, col), capped(&text, limits));
                }
                Ok((sheet, skipped))
            }
            BookInner::Ods(sheets) => sheets
                .iter()
                .rev()
                .find(|(s, _)| s.name == name)
                .map(|(s, skipped)| (s.clone(), *skipped))
                .ok_or_else(|| unreadable(format!("fliken {name} finns inte"))),
        }
    }
}

/// The largest `meta.xml` read for the document properties (as calamine).
const MAX_META_BYTES: u64 = 1024 * 1024;

type Xml<R> = quick_xml::Reader<R>;

/// An XML reader set up as calamine's.
fn xml_reader<R: BufRead>(r: R) -> Xml<R> {
    let mut xml = quick_xml::Reader::from_reader(r);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    xml
}

fn damaged_xml() -> String {
    "Filens innehåll är skadat (ogiltig XML). Spara blanketten på nytt och skicka den igen.".into()
}

/// Every named table of an OpenDocument file, with the count of its non-empty cells beyond the
/// area read, and the custom document properties.
type OdsBook = (Vec<(Sheet, usize)>, HashMap<String, String>);

/// Reads an OpenDocument spreadsheet: every named table, within the area and the budget, and
/// the custom document properties. Values are read as calamine reads them.
fn read_ods(bytes: &[u8], limits: &Limits, budget: &mut Budget) -> Result<OdsBook, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if let Some(i) = zip.index_for_name("META-INF/manifest.xml") {
        let entry = zip.by_index(i).map_err(unreadable)?;
        let mut xml = xml_reader(BufReader::new(entry.take(MAX_META_BYTES)));
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.name().as_ref() == "manifest:encryption-data" => {
                    return Err(
                        "Filen är lösenordsskyddad. Ta bort lösenordet och spara den som .xlsx."
                            .into(),
                    );
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
    }
    let properties = match zip.index_for_name("meta.xml") {
        Some(i) => {
            let entry = zip.by_index(i).map_err(unreadable)?;
            if entry.size() > MAX_META_BYTES {
                HashMap::new()
            } else {
                let mut meta = Vec::new();
                entry
                    .take(MAX_META_BYTES)
                    .read_to_end(&mut meta)
                    .map_err(unreadable)?;
                meta_properties(&meta).unwrap_or_default()
            }
        }
        None => HashMap::new(),
    };
    let i = zip
        .index_for_name("content.xml")
        .ok_or_else(|| unreadable("content.xml saknas"))?;
    let entry = zip.by_index(i).map_err(unreadable)?;
    let mut xml = xml_reader(BufReader::new(entry.take(limits.max_part_bytes)));
    let sheets = read_tables(&mut xml, limits, budget)?;
    Ok((sheets, properties))
}

/// The custom properties of `meta.xml` (`meta:user-defined`), as calamine reads them.
fn meta_properties(meta: &[u8]) -> Option<HashMap<String, String>> {
    let mut xml = xml_reader(meta);
    let mut props = HashMap::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.name().as_ref() == "meta:user-defined" => {
                let Some(name) = attr(&e, "meta:name").ok()? else {
                    continue;
                };
                let name = unescape(&name).ok()?;
                let mut value = String::new();
                let mut inner = Vec::new();
                loop {
                    inner.clear();
                    match xml.read_event_into(&mut inner).ok()? {
                        Event::Text(t) => value.push_str(&t.xml10_content()),
                        Event::GeneralRef(r) => value.push(entity(&r).ok()?),
                        Event::End(end) if end.name().as_ref() == "meta:user-defined" => break,
                        Event::Eof => return None,
                        _ => {}
                    }
                }
                props.insert(name, value);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(props)
}

/// The raw value of an attribute.
fn attr(e: &BytesStart<'_>, key: &str) -> Result<Option<String>, String> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|_| damaged_xml())?;
        if a.key.as_ref() == key {
            return Ok(Some(a.value.into_owned()));
        }
    }
    Ok(None)
}

fn unescape(raw: &str) -> Result<String, String> {
    quick_xml::escape::unescape(raw)
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| damaged_xml())
}

/// A predefined entity or a character reference (calamine knows no others).
fn entity(r: &quick_xml::events::BytesRef<'_>) -> Result<char, String> {
    if let Some(s) = quick_xml::escape::resolve_xml_entity(r.as_ref()) {
        return s.chars().next().ok_or_else(damaged_xml);
    }
    r.resolve_char_ref().ok().flatten().ok_or_else(damaged_xml)
}

/// A repeat count: absent is 1; a count that is no number is an error, as in calamine.
fn repeats(e: &BytesStart<'_>, key: &str) -> Result<u64, String> {
    match attr(e, key)? {
        None => Ok(1),
        Some(v) => unescape(&v)?
            .parse::<u64>()
            .map_err(|_| unreadable(format!("{key} är inget tal"))),
    }
}

/// A cell's text being built: at most `cap` characters are kept, and whether anything but
/// white space was seen is known even past the cap.
struct CellText {
    text: String,
    chars: usize,
    cap: usize,
    over: bool,
    inked: bool,
}

impl CellText {
    fn new(cap: usize) -> Self {
        Self {
            text: String::new(),
            chars: 0,
            cap,
            over: false,
            inked: false,
        }
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    fn push(&mut self, c: char) {
        if !c.is_whitespace() {
            self.inked = true;
        }
        if self.chars < self.cap {
            self.text.push(c);
            self.chars += 1;
        } else {
            self.over = true;
        }
    }

    /// `n` spaces, in time bounded by the cap.
    fn spaces(&mut self, n: u64) {
        let room = (self.cap - self.chars) as u64;
        for _ in 0..n.min(room) {
            self.push(' ');
        }
        if n > room {
            self.over = true;
        }
    }

    /// The kept text, or `None` when the cell is blank.
    fn finish(mut self) -> Option<String> {
        if !self.inked {
            return None;
        }
        if self.over {
            self.text.push('\u{0}');
        }
        Some(self.text)
    }
}

/// The text of a cell's value as calamine's `get_datatype` reads it, then as [`data_text`]
/// writes it; `Ok(None)` for an empty or blank cell. The second value says whether the cell's
/// end tag was read.
fn cell_value<R: BufRead>(
    xml: &mut Xml<R>,
    e: &BytesStart<'_>,
    limits: &Limits,
) -> Result<(Option<String>, bool), String> {
    enum V {
        Empty,
        Float(f64),
        Text(String),
        Bool(bool),
        Iso(String),
    }
    let (mut is_string, mut is_error, mut set) = (false, false, false);
    let mut val = V::Empty;
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|_| damaged_xml())?;
        let value = a.value.as_ref();
        match a.key.as_ref() {
            "office:value" if !set => {
                val = V::Float(
                    value
                        .parse()
                        .map_err(|_| unreadable(format!("”{}” är inget tal", short(value))))?,
                );
                set = true;
            }
            "office:string-value" if !set => {
                val = V::Text(unescape(value)?);
                set = true;
            }
            "office:date-value" | "office:time-value" if !set => {
                val = V::Iso(unescape(value)?);
                set = true;
            }
            "office:boolean-value" if !set => {
                val = V::Bool(value == "TRUE" || value == "true");
                set = true;
            }
            "office:value-type" if !set => is_string = value == "string",
            "calcext:value-type" => is_error = value == "error",
            _ => {}
        }
    }
    let empty_text = matches!(&val, V::Text(s) if s.is_empty());
    if (!set && is_string) || (is_error && empty_text) {
        let mut text = CellText::new(limits.max_cell_chars);
        let mut first_paragraph = true;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|_| damaged_xml())? {
                Event::Text(t) => text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => text.push(entity(&r)?),
                Event::End(end)
                    if matches!(
                        end.name().as_ref(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
                {
                    return Ok((text.finish(), true));
                }
                Event::Start(s) => match s.name().as_ref() {
                    "office:annotation" => {
                        let mut inner = Vec::new();
                        loop {
                            inner.clear();
                            match xml.read_event_into(&mut inner).map_err(|_| damaged_xml())? {
                                Event::End(end) if end.name().as_ref() == "office:annotation" => {
                                    break;
                                }
                                Event::Eof => return Err(damaged_xml()),
                                _ => {}
                            }
                        }
                    }
                    "text:p" => {
                        if first_paragraph {
                            first_paragraph = false;
                        } else {
                            text.push('\n');
                        }
                    }
                    "text:s" => text.spaces(match attr(&s, "text:c")? {
                        Some(v) => unescape(&v)?
                            .parse::<u64>()
                            .map_err(|_| unreadable("text:c är inget tal"))?,
                        None => 1,
                    }),
                    "text:tab" => text.push('\t'),
                    "text:line-break" => text.push('\n'),
                    _ => {}
                },
                Event::Eof => return Err(damaged_xml()),
                _ => {}
            }
        }
    }
    let text = match val {
        V::Empty => return Ok((None, false)),
        V::Float(f) => number_text(f),
        V::Text(s) => s,
        V::Bool(b) => if b { "SANT" } else { "FALSKT" }.to_string(),
        V::Iso(s) => s.get(..10).unwrap_or(&s).to_string(),
    };
    let mut kept = CellText::new(limits.max_cell_chars);
    kept.push_str(&text);
    Ok((kept.finish(), false))
}

fn short(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}

/// Skips to the end tag that closes `e`.
fn skip<R: BufRead>(xml: &mut Xml<R>, e: &BytesStart<'_>) -> Result<(), String> {
    let name = e.name().as_ref().to_string();
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|_| damaged_xml())? {
            Event::Start(s) if s.name().as_ref() == name => depth += 1,
            Event::End(end) if end.name().as_ref() == name => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            Event::Eof => return Err(damaged_xml()),
            _ => {}
        }
    }
}

/// Every named table of `content.xml`, with the count of its non-empty cells beyond the area
/// read. Repeats are counted, not looped over, outside the area; inside it each repeat of a
/// value is charged to the budget before it is stored.
fn read_tables<R: BufRead>(
    xml: &mut Xml<R>,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Vec<(Sheet, usize)>, String> {
    let (max_rows, max_cols) = (u64::from(limits.max_rows), u64::from(limits.max_cols));
    let mut sheets: Vec<(Sheet, usize)> = Vec::new();
    let mut in_table = false;
    let mut row = 0u64;
    let mut buf = Vec::new();
    // The values of the row being read: (first column, end column, text), inside the area.
    let mut values: Vec<(u32, u32, String)> = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|_| damaged_xml())? {
            Event::Start(e) if e.name().as_ref() == "table:table" && !in_table => {
                if let Some(name) = attr(&e, "table:name")? {
                    sheets.push((
                        Sheet {
                            name: unescape(&name)?,
                            ..Default::default()
                        },
                        0,
                    ));
                    in_table = true;
                    row = 0;
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table" => in_table = false,
            Event::Start(e) if in_table && e.name().as_ref() == "table:table-row" => {
                let row_repeats = repeats(&e, "table:number-rows-repeated")?;
                values.clear();
                let mut col = 0u64;
                let mut beyond = 0u64;
                let mut cell_buf = Vec::new();
                loop {
                    cell_buf.clear();
                    match xml
                        .read_event_into(&mut cell_buf)
                        .map_err(|_| damaged_xml())?
                    {
                        Event::Start(c)
                            if matches!(
                                c.name().as_ref(),
                                "table:table-cell" | "table:covered-table-cell"
                            ) =>
                        {
                            let col_repeats = repeats(&c, "table:number-columns-repeated")?;
                            let (value, closed) = cell_value(xml, &c, limits)?;
                            if !closed {
                                skip(xml, &c)?;
                            }
                            let end = col.saturating_add(col_repeats);
                            if let Some(text) = value {
                                if col < max_cols && end > col {
                                    values.push((col as u32, end.min(max_cols) as u32, text));
                                }
                                beyond = beyond.saturating_add(end - col.max(max_cols).min(end));
                            }
                            col = end;
                        }
                        Event::End(c) if c.name().as_ref() == "table:table-row" => break,
                        Event::Eof => return Err(damaged_xml()),
                        _ => {}
                    }
                }
                let (sheet, skipped) = sheets.last_mut().expect("in a table");
                let last = row.saturating_add(row_repeats);
                let inside = last.min(max_rows).saturating_sub(row);
                let per_row: u64 = values.iter().map(|(a, b, _)| u64::from(b - a)).sum();
                for r in row..row + inside {
                    for (from, to, text) in &values {
                        for c in *from..*to {
                            budget.cell()?;
                            budget.text(text.len())?;
                            sheet.cells.insert((r as u32, c), text.clone());
                        }
                    }
                }
                let outside = row_repeats - inside;
                let lost = beyond
                    .saturating_mul(row_repeats)
                    .saturating_add(per_row.saturating_mul(outside));
                *skipped = skipped.saturating_add(usize::try_from(lost).unwrap_or(usize::MAX));
                row = last;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sheets)
}

/// A number as people write it: `3` for 3.0, otherwise with a decimal point.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

fn ref_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "SANT" } else { "FALSKT" }.to_string(),
        DataRef::DateTime(d) => serial_date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A calamine value as text, as the reader before this one wrote it (kept to compare readers).
#[cfg(test)]
fn data_text(v: &calamine::Data) -> String {
    use calamine::Data;
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "SANT" } else { "FALSKT" }.to_string(),
        Data::DateTime(d) => serial_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
pub fn serial_date(serial: f64) -> String {
    if !(1.0..2_958_466.0).contains(&serial) {
        return number_text(serial);
    }
    // Days since 1970-01-01, then the civil-from-days algorithm.
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `(row, col)` from 0 as an A1 address.
pub fn a1(row: u32, col: u32) -> String {
    let mut c = col + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + rem as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_dates() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 3), "D12");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(serial_date(46_000.0), "2025-12-09");
        assert_eq!(serial_date(25_569.0), "1970-01-01");
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(3.5), "3.5");
    }
}

/// The OpenDocument reader against calamine's: on any small spreadsheet both give the same
/// sheets, and the reader stays within its budget where calamine would not.
#[cfg(test)]
mod ods_tests {
    use std::io::Write;

    use proptest::prelude::*;

    use super::*;

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
        assert!(
            err.starts_with("Filen ”Falun.ods” innehåller mer än 8 MB text"),
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
        assert!(err.contains("har fler än 5000 ifyllda celler"), "{err}");
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
}
