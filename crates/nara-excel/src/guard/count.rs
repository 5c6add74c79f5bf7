//! What calamine would build from the parts it reads whole, counted as a file's XML streams
//! past (see [`super::scan_xlsx`] and [`super::scan_parts`]).

use quick_xml::events::Event;

use super::{calamine_config, too_much_text};
use crate::{Error, Limits};

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

/// What [`super::scan_xlsx`] has counted so far, over the parts read.
pub(super) struct Scan<'a> {
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
    pub(super) fn new(limits: &'a Limits, file: &'a str) -> Self {
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
    pub(super) fn held(&self) -> usize {
        self.text.saturating_add(
            self.formats
                .saturating_mul(self.font_name.saturating_add(self.format_code)),
        )
    }

    /// Counts one part, read through a buffer.
    pub(super) fn part<R: std::io::BufRead>(&mut self, reader: R) -> Result<(), Error> {
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
    pub(super) fn slice(&mut self, part: &[u8]) -> Result<(), Error> {
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
    pub(super) fn shared_strings(&mut self, part: &[u8]) -> Result<(), Error> {
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
