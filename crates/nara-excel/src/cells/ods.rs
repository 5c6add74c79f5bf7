//! The OpenDocument reader: one streaming pass over `content.xml` that reads every named
//! table within the area and the budget, and the custom document properties from `meta.xml`.

use super::*;

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

fn damaged_xml() -> Error {
    Error::Damaged(
        "Filens innehåll är skadat (ogiltig XML). Spara blanketten på nytt och skicka den igen."
            .into(),
    )
}

/// Every named table of an OpenDocument file, with the count of its non-empty cells beyond the
/// area read, and the custom document properties.
type OdsBook = (Vec<(Sheet, usize)>, HashMap<String, String>);

/// Reads an OpenDocument spreadsheet: every named table, within the area and the budget, and
/// the custom document properties. Values are read as calamine reads them.
pub(super) fn read_ods(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut Budget,
) -> Result<OdsBook, Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if let Some(i) = zip.index_for_name("META-INF/manifest.xml") {
        let entry = zip.by_index(i).map_err(unreadable)?;
        let mut xml = xml_reader(BufReader::new(entry.take(MAX_META_BYTES)));
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.name().as_ref() == "manifest:encryption-data" => {
                    return Err(Error::NotASpreadsheet(
                        "Filen är lösenordsskyddad. Ta bort lösenordet och spara den som .xlsx."
                            .into(),
                    ));
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
fn attr(e: &BytesStart<'_>, key: &str) -> Result<Option<String>, Error> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|_| damaged_xml())?;
        if a.key.as_ref() == key {
            return Ok(Some(a.value.into_owned()));
        }
    }
    Ok(None)
}

fn unescape(raw: &str) -> Result<String, Error> {
    quick_xml::escape::unescape(raw)
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| damaged_xml())
}

/// A predefined entity or a character reference (calamine knows no others).
fn entity(r: &quick_xml::events::BytesRef<'_>) -> Result<char, Error> {
    if let Some(s) = quick_xml::escape::resolve_xml_entity(r.as_ref()) {
        return s.chars().next().ok_or_else(damaged_xml);
    }
    r.resolve_char_ref().ok().flatten().ok_or_else(damaged_xml)
}

/// A repeat count: absent is 1; a count that is no number is an error, as in calamine.
fn repeats(e: &BytesStart<'_>, key: &str) -> Result<u64, Error> {
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
) -> Result<(Option<String>, bool), Error> {
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
fn skip<R: BufRead>(xml: &mut Xml<R>, e: &BytesStart<'_>) -> Result<(), Error> {
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
) -> Result<Vec<(Sheet, usize)>, Error> {
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
                let Some((sheet, skipped)) = sheets.last_mut() else {
                    return Err(damaged_xml());
                };
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

#[cfg(test)]
mod tests;
