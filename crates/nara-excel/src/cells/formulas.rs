//! A worksheet's formulas taken out before calamine reads the sheet's values.
//!
//! The importer reads the values a spreadsheet saved (`<v>`), never a formula's text (`<f>`),
//! and calamine's cell reader skips a formula by reading it event by event. The form's hidden
//! helper columns make the formulas most of its answer sheet (65 of 79 kB), so they are cut
//! out of the sheet's bytes with a byte search before calamine sees them.
//!
//! Only a plain formula is cut: `<f …>text</f>` or `<f …/>` whose text holds no `<`. A sheet
//! with a comment, a CDATA section or a formula that is anything else is left as it is, so a
//! sheet is either read exactly as calamine reads it or with only its formulas gone.

use std::borrow::Cow;

use memchr::memmem;

/// The sheet's XML without its `<f>` elements (see the module's notes); the bytes as they are
/// when there are none or when one is not plain.
pub(super) fn without_formulas(xml: &[u8]) -> Cow<'_, [u8]> {
    if memmem::find(xml, b"<!--").is_some() || memmem::find(xml, b"<![CDATA[").is_some() {
        return Cow::Borrowed(xml);
    }
    let opening = memmem::Finder::new(b"<f");
    let closing = memmem::Finder::new(b"</f>");
    let mut out: Option<Vec<u8>> = None;
    let mut kept = 0;
    let mut at = 0;
    while let Some(found) = opening.find(&xml[at..]) {
        let start = at + found;
        let after = start + 2;
        if !matches!(
            xml.get(after),
            Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n')
        ) {
            // Another element whose name begins with f (`<filterColumn>`).
            at = after;
            continue;
        }
        let Some(tag_end) = tag_end(xml, after) else {
            return Cow::Borrowed(xml);
        };
        let end = if xml[tag_end - 1] == b'/' {
            tag_end + 1
        } else {
            let Some(close) = closing.find(&xml[tag_end + 1..]) else {
                return Cow::Borrowed(xml);
            };
            let text = &xml[tag_end + 1..tag_end + 1 + close];
            if text.contains(&b'<') {
                return Cow::Borrowed(xml);
            }
            tag_end + 1 + close + b"</f>".len()
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

    /// A filled form reads the same through its kept parts, formulas cut, as through calamine
    /// reading the file as it came; and its answer sheet loses most of its bytes.
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
            .map(|(_, p)| (p.len(), without_formulas(p).len()))
            .max()
            .unwrap();
        assert!(
            answer_sheet.1 * 3 < answer_sheet.0,
            "the largest sheet keeps {} of {} bytes",
            answer_sheet.1,
            answer_sheet.0
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
