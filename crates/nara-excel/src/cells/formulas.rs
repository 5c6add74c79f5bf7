//! A worksheet's formulas and empty cells taken out before calamine reads the sheet's values.
//!
//! The importer reads the values a spreadsheet saved (`<v>`), never a formula's text (`<f>`),
//! and calamine's cell reader skips a formula by reading it event by event. The form's hidden
//! helper columns make the formulas most of its answer sheet (65 of 79 kB), so they are cut
//! out of the sheet's bytes with a byte search before calamine sees them.
//!
//! Only a plain formula is cut: `<f …>text</f>` or `<f …/>` whose text holds no `<`. A sheet
//! with a comment, a CDATA section, a document type or a formula that is anything else is left
//! as it is, so a sheet is either read exactly as calamine reads it or with only its formulas
//! (and the empty cells below) gone.
//!
//! What is left of the helper cells is then empty (`<c r="G5" s="7" t="str"><v></v></c>`, a
//! formula whose saved result is an empty text), as is every blank cell with a style
//! (`<c r="D5" s="4"/>`). The reader passes over both, yet calamine reads through each one;
//! they are most of the answer sheet's cells, so they are cut too, in the same pass (see
//! [`pruned`] for exactly which).

use std::borrow::Cow;

use memchr::memmem;

/// The sheet's XML without its `<f>` elements (see the module's notes); the bytes as they are
/// when there are none or when one is not plain.
pub(super) fn without_formulas(xml: &[u8]) -> Cow<'_, [u8]> {
    cut(xml, false)
}

/// The sheet's XML without its formulas ([`without_formulas`]) and without the cells that
/// calamine reads as nothing or as an empty text, which the reader passes over alike.
///
/// A cell is cut when it is an empty element (`<c …/>`: calamine passes over it without reading
/// it), or when its start tag holds only the attributes `r`, `s` and `t`, once each and quoted,
/// with `r` a cell reference, `t` absent or a type whose empty value calamine reads without
/// error (`n`, `s`, `b`, `e`, `str`), and it holds nothing else than a plain formula, and then
/// `<v></v>`, `<v/>` or nothing. A cell that is not cut is left as it is. No cell is cut when
/// any cell with content has a start tag that is not so plain (a cell without `r` takes its
/// place from the cell before it, which must then stay): the sheet then loses its formulas
/// only, as it does when a cell is written with a prefix (`<x:c>`). The sheet is left whole
/// where [`without_formulas`] leaves it whole.
pub(super) fn pruned(xml: &[u8]) -> Cow<'_, [u8]> {
    cut(xml, true)
}

/// The sheet's XML without its plain formulas and, with `cells`, its empty cells (see
/// [`pruned`]); left whole when it holds a comment, a CDATA section or a document type, or a
/// formula that is not plain.
fn cut(xml: &[u8], cells: bool) -> Cow<'_, [u8]> {
    if memmem::find(xml, b"<!").is_some() {
        return Cow::Borrowed(xml);
    }
    // A cell written with a prefix (`<x:c>`) is a cell to calamine too, and is not looked at
    // here: it might be one without `r`.
    if cells && memmem::find_iter(xml, b":c").any(|at| delimits(xml.get(at + 2))) {
        return without_formulas(xml);
    }
    let mut out: Option<Vec<u8>> = None;
    let mut kept = 0;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &xml[at..]) {
        let start = at + found;
        let name = xml.get(start + 1).copied();
        let wanted = name == Some(b'f') || (cells && name == Some(b'c'));
        if !wanted || !delimits(xml.get(start + 2)) {
            // Any other element (`<v>`, `<row>`, `<col>`, `<filterColumn>`).
            at = start + 1;
            continue;
        }
        let Some(tag) = start_tag(xml, start + 2) else {
            return if cells {
                without_formulas(xml)
            } else {
                Cow::Borrowed(xml)
            };
        };
        let end = if name == Some(b'f') {
            match formula_end(xml, &tag) {
                Some(end) => end,
                None => return Cow::Borrowed(xml),
            }
        } else if tag.closes_itself {
            tag.end + 1
        } else {
            match tag.cell {
                None => return without_formulas(xml),
                Some(droppable) => match empty_content(xml, tag.end + 1) {
                    Some(end) if droppable => end,
                    _ => {
                        at = tag.end + 1;
                        continue;
                    }
                },
            }
        };
        let out = out.get_or_insert_with(|| Vec::with_capacity(xml.len() / 2));
        out.extend_from_slice(&xml[kept..start]);
        kept = end;
        at = end;
    }
    match out {
        None => Cow::Borrowed(xml),
        Some(mut out) => {
            out.extend_from_slice(&xml[kept..]);
            Cow::Owned(out)
        }
    }
}

/// Whether the byte after an element's name ends the name.
fn delimits(b: Option<&u8>) -> bool {
    matches!(b, Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'))
}

/// A start tag, read from just after its element's name.
struct Tag {
    /// Where its `>` is.
    end: usize,
    /// Whether it ends with `/>`.
    closes_itself: bool,
    /// For a cell's tag that is plain (see [`pruned`]): whether the cell may be cut if empty
    /// (`false` for a type calamine reads otherwise); `None` when the tag is not plain.
    cell: Option<bool>,
}

/// Reads the start tag that goes on at `from`; `None` when it does not end or holds a `<`
/// outside its values (not XML). Attributes written `name="value"` or `name='value'` and parted
/// by white space are read at once; a tag written any other way is found by [`tag_end`].
fn start_tag(xml: &[u8], from: usize) -> Option<Tag> {
    let (mut r, mut style, mut t, mut other) = (None, None, None, None);
    let mut plain = true;
    let n = xml.len();
    let mut i = from;
    loop {
        let before = i;
        while i < n && matches!(xml[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i >= n {
            return None;
        }
        let closes_itself = match xml[i] {
            b'>' => false,
            b'/' if xml.get(i + 1) == Some(&b'>') => true,
            // An attribute, after white space.
            _ if i > before => {
                let key = i;
                while i < n && (xml[i].is_ascii_alphanumeric() || b"_:.-".contains(&xml[i])) {
                    i += 1;
                }
                if i == key || i + 1 >= n || xml[i] != b'=' || !matches!(xml[i + 1], b'"' | b'\'') {
                    break;
                }
                let quote = xml[i + 1];
                let value_at = i + 2;
                let mut end = value_at;
                while end < n && xml[end] != quote {
                    end += 1;
                }
                if end >= n {
                    return None;
                }
                let slot = match &xml[key..i] {
                    b"r" => &mut r,
                    b"s" => &mut style,
                    b"t" => &mut t,
                    _ => {
                        plain = false;
                        &mut other
                    }
                };
                if slot.replace(&xml[value_at..end]).is_some() {
                    plain = false;
                }
                i = end + 1;
                continue;
            }
            _ => break,
        };
        let cell = (plain && r.is_some_and(reference))
            .then_some(matches!(t, None | Some(b"n" | b"s" | b"b" | b"e" | b"str")));
        return Some(Tag {
            end: if closes_itself { i + 1 } else { i },
            closes_itself,
            cell,
        });
    }
    let end = tag_end(xml, from)?;
    Some(Tag {
        end,
        closes_itself: xml[end - 1] == b'/',
        cell: None,
    })
}

/// Where a formula whose start tag is `tag` ends: after its `/>` or its `</f>`; `None` when
/// its text holds a `<` or it does not end (the sheet is then left whole).
fn formula_end(xml: &[u8], tag: &Tag) -> Option<usize> {
    if tag.closes_itself {
        return Some(tag.end + 1);
    }
    let close = tag.end + 1 + memchr::memchr(b'<', &xml[tag.end + 1..])?;
    xml[close..]
        .starts_with(b"</f>")
        .then_some(close + b"</f>".len())
}

/// Where a cell whose content starts at `from` ends, when that content is empty: a plain
/// formula or nothing, then `<v></v>`, `<v/>` or nothing, then `</c>`.
fn empty_content(xml: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    if xml[i..].starts_with(b"<f") && delimits(xml.get(i + 2)) {
        i = formula_end(xml, &start_tag(xml, i + 2)?)?;
    }
    [&b"</c>"[..], b"<v></v></c>", b"<v/></c>"]
        .into_iter()
        .find(|c| xml[i..].starts_with(c))
        .map(|c| i + c.len())
}

/// Whether a text is a cell reference calamine reads: one to three capital letters, then a row
/// from 1 to 9,999,999.
fn reference(r: &[u8]) -> bool {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let digits = &r[letters..];
    (1..=3).contains(&letters)
        && (1..=7).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && digits[0] != b'0'
}

/// Where the start tag that goes on at `from` ends: its `>`, outside quoted attribute values;
/// `None` when it does not end or holds a `<` (not XML).
fn tag_end(xml: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, b) in xml.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'>') => return Some(i),
            (None, b'<') => return None,
            (None, b'"' | b'\'') => quote = Some(*b),
            (Some(q), _) if q == *b => quote = None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(xml: &str) -> String {
        String::from_utf8(without_formulas(xml.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn formulas_go_and_everything_else_stays() {
        assert_eq!(
            cut(
                r#"<row r="1"><c r="A1" t="str"><f>SUM(B1:B2)&amp;"x"</f><v>3x</v></c><c r="B1"><v>1</v></c></row>"#
            ),
            r#"<row r="1"><c r="A1" t="str"><v>3x</v></c><c r="B1"><v>1</v></c></row>"#
        );
        assert_eq!(
            cut(
                r#"<c r="A2"><f t="shared" si="0"/><v>2</v></c><c r="A3"><f t="shared" ref="A3:A4" si="1">B3*2</f><v>4</v></c>"#
            ),
            r#"<c r="A2"><v>2</v></c><c r="A3"><v>4</v></c>"#
        );
        // A quoted `>` inside the start tag does not end it.
        assert_eq!(
            cut(r#"<c><f a="x>y">1+1</f><v>2</v></c>"#),
            r#"<c><v>2</v></c>"#
        );
        // Elements whose names begin with f are not formulas.
        let filters = r#"<autoFilter ref="A1:B2"><filterColumn colId="0"><filters><filter val="1"/></filters></filterColumn></autoFilter>"#;
        assert_eq!(cut(filters), filters);
        assert!(matches!(
            without_formulas(filters.as_bytes()),
            Cow::Borrowed(_)
        ));
    }

    /// A filled form reads the same through its kept parts, formulas and empty cells cut, as
    /// through calamine reading the file as it came; and its answer sheet loses most of its
    /// bytes.
    #[test]
    fn a_filled_form_reads_the_same_without_its_formulas() {
        use crate::cells::Book;
        use crate::guard::{self, Kind};
        use nara_core::{
            Answer, AnswerSet, Instrument, Organisations, Round, RoundId, RoundStatus,
        };

        let inst = Instrument::dalarna();
        let orgs = Organisations::dalarna();
        let round = Round {
            id: RoundId::parse("2026").unwrap(),
            instrument_id: inst.id().to_string(),
            instrument_version: inst.version().to_string(),
            status: RoundStatus::Open,
            opens: None,
            closes: None,
        };
        let mut answers = AnswerSet::default();
        for (k, (_, s)) in inst.statements().enumerate() {
            let a = match k % 5 {
                0 => Answer::NotApplicable,
                n => Answer::Level(n as u8),
            };
            answers.answers.insert(s.id.clone(), a);
        }
        let filled = crate::Filled {
            unit: "Hemsjukvården <Norr> & \"Syd\"".into(),
            date: "2026-03-01".into(),
            answers,
            ..Default::default()
        };
        let spec = crate::FormSpec {
            instrument: &inst,
            org: &orgs.organisations[0],
            round: &round,
            send_to: None,
        };
        let bytes = crate::write_filled_form(&spec, &filled).unwrap();
        let limits = crate::Limits::default();
        let checked = guard::check_keeping(&bytes, &limits).unwrap();
        let parts = checked.parts.clone().unwrap();
        let answer_sheet = parts
            .iter()
            .filter(|(n, _)| n.contains("worksheets/"))
            .map(|(_, p)| (p.len(), without_formulas(p).len(), pruned(p).len()))
            .max()
            .unwrap();
        assert!(
            answer_sheet.1 * 3 < answer_sheet.0,
            "the largest sheet keeps {} of {} bytes",
            answer_sheet.1,
            answer_sheet.0
        );
        // Its empty helper cells go too.
        assert!(
            answer_sheet.2 * 3 < answer_sheet.1 * 2,
            "without its empty cells the largest sheet keeps {} of {} bytes",
            answer_sheet.2,
            answer_sheet.1
        );
        let mut cut = Book::open_checked("f.xlsx", &bytes, checked, &limits).unwrap();
        let mut whole = Book::open_named("f.xlsx", &bytes, Kind::Xlsx, &limits).unwrap();
        assert_eq!(cut.sheet_names(), whole.sheet_names());
        let mut values = 0;
        for name in cut.sheet_names() {
            let (a, _) = cut.read(&name, &limits).unwrap();
            let (b, _) = whole.read(&name, &limits).unwrap();
            values += a.cells.len();
            assert_eq!(a, b, "sheet {name}");
        }
        assert!(values > 100, "only {values} values read");
    }

    proptest::proptest! {
        /// Whatever the bytes, nothing panics and nothing grows; pieces of sheets and formulas
        /// are mixed in so that the cutting itself is reached.
        #[test]
        fn any_bytes_are_cut_without_panic_and_never_grow(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(b"<f>".to_vec()),
                    proptest::strategy::Just(b"</f>".to_vec()),
                    proptest::strategy::Just(b"<f t=\"shared\" si=\"0\"/>".to_vec()),
                    proptest::strategy::Just(b"<c r=\"A1\"><v>1</v></c>".to_vec()),
                    proptest::strategy::Just(b"\"'>/<".to_vec()),
                    proptest::collection::vec(proptest::num::u8::ANY, 0..8),
                ],
                0..24,
            )
        ) {
            let xml = pieces.concat();
            let out = without_formulas(&xml);
            proptest::prop_assert!(out.len() <= xml.len());
            if memmem::find(&xml, b"<f").is_none() {
                proptest::prop_assert!(matches!(out, Cow::Borrowed(_)));
            }
        }
    }

    fn emptied(xml: &str) -> String {
        String::from_utf8(pruned(xml.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn empty_cells_go_and_everything_else_stays() {
        assert_eq!(
            emptied(
                r#"<row r="5"><c r="A5" t="s"><v>3</v></c><c r="D5" s="4"/><c r="G5" s="7" t="str"><v></v></c><c r="H5" t='n'><v/></c><c r="I5"></c><c r="J5" t="str"><v>x</v></c></row>"#
            ),
            r#"<row r="5"><c r="A5" t="s"><v>3</v></c><c r="J5" t="str"><v>x</v></c></row>"#
        );
        // A type whose empty value calamine reads as something else, or refuses, stays.
        for kept in [
            r#"<c r="A1" t="d"><v></v></c>"#,
            r#"<c r="A1" t="inlineStr"></c>"#,
            r#"<c r="A1" t="x"><v></v></c>"#,
            r#"<c r="A1" t="str"><v> </v></c>"#,
            r#"<c r="A1" t="str"><is><t></t></is></c>"#,
        ] {
            assert_eq!(emptied(kept), kept);
        }
        // `<col>` and `<cfRule>` are not cells.
        let cols = r#"<cols><col min="1" max="2" width="9"/></cols><cfRule type="x"/>"#;
        assert!(matches!(pruned(cols.as_bytes()), Cow::Borrowed(_)));
    }

    #[test]
    fn a_sheet_whose_cells_are_not_plain_is_left_whole() {
        for xml in [
            // A cell without `r` takes its column from the cell before it.
            r#"<c r="A1" t="str"><v></v></c><c><v>1</v></c>"#,
            r#"<c r="A1" t="str"><v></v></c><c s="1"><v>1</v></c>"#,
            r#"<c r="A1" t="str"><v></v></c><x:c><v>1</v></x:c>"#,
            // Anything but r, s and t once each, quoted, and a reference calamine reads.
            r#"<c r="A1" t="str"><v></v></c><c r="B1" cm="1"><v>1</v></c>"#,
            r#"<c r="A1" r="B1" t="str"><v></v></c>"#,
            r#"<c r="A1"t="str"><v></v></c>"#,
            r#"<c r = "A1" t="str"><v></v></c>"#,
            r#"<c r=A1 t="str"><v></v></c>"#,
            r#"<c r="a1" t="str"><v></v></c>"#,
            r#"<c r="A0" t="str"><v></v></c>"#,
            r#"<c r="AAAA1" t="str"><v></v></c>"#,
            r#"<c r="A12345678" t="str"><v></v></c>"#,
            r#"<c r="1" t="str"><v></v></c>"#,
            r#"<c r="A1" t="str"><v></v></c><!-- x -->"#,
            r#"<c r="A1" t="str"><v></v></c><![CDATA[x]]>"#,
            r#"<c r="A1" t="str""#,
        ] {
            assert_eq!(
                pruned(xml.as_bytes()),
                without_formulas(xml.as_bytes()),
                "{xml}"
            );
        }
    }

    /// A workbook of one sheet whose sheet data is `cells`, zipped as a spreadsheet writes it.
    fn book_with(cells: &str) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "först").unwrap();
        ws.write_string(0, 1, "sedan").unwrap();
        let plain = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(plain)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut xml = String::new();
            entry.read_to_string(&mut xml).unwrap();
            if name.ends_with("sheet1.xml") {
                let start = xml.find("<sheetData").unwrap();
                let end = xml.find("</sheetData>").unwrap() + "</sheetData>".len();
                xml.replace_range(start..end, &format!("<sheetData>{cells}</sheetData>"));
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(xml.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// A sheet read as it came and read with its empty cells cut gives the same cells, or
    /// fails both ways.
    fn reads_alike(cells: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        use crate::cells::Book;
        use crate::guard::{self, Kind};
        let bytes = book_with(cells);
        let limits = crate::Limits::default();
        let checked = guard::check_keeping(&bytes, &limits).unwrap();
        let read = |mut book: Book| {
            let name = book.sheet_names()[0].clone();
            book.read(&name, &limits)
                .map(|(sheet, skipped)| (sheet.cells, skipped))
        };
        let cut = Book::open_checked("f.xlsx", &bytes, checked, &limits).and_then(read);
        let whole = Book::open_named("f.xlsx", &bytes, Kind::Xlsx, &limits).and_then(read);
        match (cut, whole) {
            (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, b, "{}", cells),
            (Err(_), Err(_)) => {}
            (a, b) => proptest::prop_assert!(false, "{cells}: {a:?} against {b:?}"),
        }
        Ok(())
    }

    #[test]
    fn a_sheet_reads_the_same_without_its_empty_cells() {
        reads_alike(
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="str"><v></v></c><c r="C1" t="s"><v>1</v></c></row><row r="2"><c r="A2" s="0"/><c r="B2"><v>2.5</v></c></row>"#,
        )
        .unwrap();
        reads_alike(r#"<row r="1"><c r="A1" t="str"><v></v></c><c><v>1</v></c></row>"#).unwrap();
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Rows of cells of every kind the cutting tells apart, plain or not: read alike.
        #[test]
        fn any_cells_read_the_same_without_the_empty_ones(
            rows in proptest::collection::vec(
                (
                    proptest::bool::ANY,
                    proptest::collection::vec((0usize..16, 0u8..4), 0..6),
                ),
                0..5,
            )
        ) {
            let mut xml = String::new();
            for (k, (numbered, cells)) in rows.iter().enumerate() {
                let row = k + 1;
                if *numbered {
                    xml.push_str(&format!(r#"<row r="{row}">"#));
                } else {
                    xml.push_str("<row>");
                }
                for (kind, col) in cells {
                    let r = format!("{}{row}", (b'A' + col) as char);
                    xml.push_str(&match kind {
                        0 => format!(r#"<c r="{r}" s="1" t="str"><v></v></c>"#),
                        1 => format!(r#"<c r="{r}" t="s"><v>1</v></c>"#),
                        2 => format!(r#"<c r="{r}"><v>1.5</v></c>"#),
                        3 => format!(r#"<c r="{r}" s="1"/>"#),
                        4 => "<c><v>7</v></c>".to_string(),
                        5 => format!(r#"<c r="{r}" t="str"><v>abc</v></c>"#),
                        6 => format!(r#"<c r="{r}" t="n"><v></v></c>"#),
                        7 => format!(r#"<c r="{r}" t="d"><v></v></c>"#),
                        8 => format!(r#"<c r="{r}" x="1"><v>2</v></c>"#),
                        9 => format!(r#"<c r="{r}" t="str"><v/></c>"#),
                        10 => format!(r#"<c r="{r}"></c>"#),
                        11 => format!(r#"<c r="{}" t="str"><v></v></c>"#, r.to_lowercase()),
                        12 => format!(r#"<c r="{row}" t="str"><v></v></c>"#),
                        13 => format!(r#"<c r="{r}" t="str"><f>A1&amp;""</f><v></v></c>"#),
                        14 => format!(r#"<c r="{r}"><f t="shared" si="0"/><v>2</v></c>"#),
                        _ => format!(r#"<c r="{r}" t="s"><v></v></c>"#),
                    });
                }
                xml.push_str("</row>");
            }
            reads_alike(&xml)?;
        }
    }

    #[test]
    fn a_sheet_with_anything_but_plain_formulas_is_left_whole() {
        for xml in [
            r#"<c><f>1+1<!-- x --></f><v>2</v></c>"#,
            r#"<!-- <f>x</f> --><c><f>1</f><v>1</v></c>"#,
            r#"<c><f><![CDATA[1]]></f><v>1</v></c>"#,
            r#"<c><f>1+1"#,
            r#"<c><f a="1"#,
            r#"<c><f a=1 <v>2</v></c>"#,
        ] {
            assert_eq!(cut(xml), xml);
        }
    }
}
