//! Which parts of an xlsx calamine reads whole, so that the guard counts those and not the
//! worksheets calamine streams (see [`super::scan_parts`]).

use std::collections::HashSet;

use quick_xml::events::Event;

use super::calamine_config;

/// A part's name as calamine looks it up: `\\` as `/`, without regard to ASCII case.
pub(super) fn normalised(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// The names (as [`normalised`]) of the parts calamine 0.38 reads whole when it opens an xlsx
/// and its properties, as it finds them: the package relationships (`_rels/.rels`), whose
/// `officeDocument` relationship names the workbook and its folder, and in that folder the
/// workbook, its relationships, the shared strings, the styles and the theme; and the document
/// properties. `None` (count every part) wherever calamine's reading of the package
/// relationships and this one could differ: they are missing, given twice, not XML, hold an
/// entity reference, an attribute twice, more than one root or more than one `officeDocument`
/// relationship, or none. Check this list again whenever calamine is upgraded.
///
/// Beside the names, the name of the shared strings part, unless the workbook or its
/// relationships have that name too (then it is read as more than shared strings): "".
pub(super) fn read_whole(parts: &[(String, Vec<u8>)]) -> Option<(HashSet<String>, String)> {
    let mut rels = parts.iter().filter(|(n, _)| normalised(n) == "_rels/.rels");
    let (_, rels) = rels.next().filter(|_| rels.next().is_none())?;
    if rels.contains(&b'&') {
        return None;
    }
    let mut xml = quick_xml::Reader::from_reader(rels.as_slice());
    calamine_config(&mut xml);
    let (mut roots, mut closed, mut targets) = (0, false, Vec::new());
    loop {
        match xml.read_event().ok()? {
            Event::Eof => break,
            Event::Start(e) if e.local_name().as_ref() == "Relationships" => roots += 1,
            Event::End(e) if e.local_name().as_ref() == "Relationships" => closed = true,
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                if roots != 1 || closed {
                    return None;
                }
                let (mut keys, mut kind, mut to) = (Vec::new(), None, None);
                for a in e.attributes().with_checks(false) {
                    let a = a.ok()?;
                    let key = a.key.as_ref().to_string();
                    if keys.contains(&key) {
                        return None;
                    }
                    match key.as_str() {
                        "Type" => kind = Some(a.value.into_owned()),
                        "Target" => to = Some(a.value.into_owned()),
                        _ => {}
                    }
                    keys.push(key);
                }
                if kind.is_some_and(|k| k.ends_with("/relationships/officeDocument")) {
                    targets.push(to?);
                }
            }
            _ => {}
        }
    }
    let [target] = <[String; 1]>::try_from(targets).ok()?;
    if roots != 1 {
        return None;
    }
    let (dir, book) = target.split_at(target.rfind('/').map_or(0, |i| i + 1));
    let dir = dir.strip_prefix('/').unwrap_or(dir);
    let book = if book.is_empty() {
        "workbook.xml"
    } else {
        book
    };
    let strings = format!("{dir}sharedStrings.xml").to_ascii_lowercase();
    let alone = [format!("{dir}{book}"), format!("{dir}_rels/{book}.rels")]
        .iter()
        .all(|n| n.to_ascii_lowercase() != strings);
    let names = [
        "_rels/.rels".to_string(),
        format!("{dir}{book}"),
        format!("{dir}_rels/{book}.rels"),
        format!("{dir}sharedStrings.xml"),
        format!("{dir}styles.xml"),
        format!("{dir}theme/theme1.xml"),
        "docProps/core.xml".into(),
        "docProps/app.xml".into(),
        "docProps/custom.xml".into(),
    ]
    .iter()
    .map(|n| n.to_ascii_lowercase())
    .collect();
    Some((names, if alone { strings } else { String::new() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFICE: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";

    fn whole(rels: &str) -> Option<HashSet<String>> {
        read_whole(&[
            ("_rels/.rels".to_string(), rels.as_bytes().to_vec()),
            ("xl/workbook.xml".to_string(), Vec::new()),
        ])
        .map(|(names, _)| names)
    }

    fn rel(target: &str) -> String {
        format!(r#"<Relationship Id="rId1" Type="{OFFICE}" Target="{target}"/>"#)
    }

    #[test]
    fn the_workbook_and_its_parts_are_found_where_the_package_puts_them() {
        let usual = whole(&format!(
            "<Relationships>{}</Relationships>",
            rel("xl/workbook.xml")
        ));
        let usual = usual.expect("a usual package");
        for part in [
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
        ] {
            assert!(usual.contains(part), "{part}");
        }
        for part in [
            "xl/sharedstrings.xml",
            "xl/styles.xml",
            "xl/theme/theme1.xml",
        ] {
            assert!(usual.contains(part), "{part}");
        }
        assert!(!usual.contains("xl/worksheets/sheet1.xml"));
        let moved = whole(&format!(
            "<Relationships>{}</Relationships>",
            rel("/Data/Bok.xml")
        ));
        let moved = moved.expect("a moved workbook");
        for part in ["data/bok.xml", "data/_rels/bok.xml.rels", "data/styles.xml"] {
            assert!(moved.contains(part), "{part}");
        }
        assert!(!moved.contains("xl/styles.xml"));
        let strings = |target: &str| {
            let rels = format!("<Relationships>{}</Relationships>", rel(target));
            read_whole(&[("_rels/.rels".to_string(), rels.into_bytes())]).map(|(_, s)| s)
        };
        assert_eq!(strings("xl/workbook.xml").unwrap(), "xl/sharedstrings.xml");
        // A workbook named as the shared strings is read as both: no part is only strings.
        assert_eq!(strings("xl/sharedStrings.xml").unwrap(), "");
    }

    #[test]
    fn every_part_is_counted_where_calamine_could_read_the_package_otherwise() {
        let cases = [
            // calamine stops at the first root's end: its workbook is evil/wb.xml
            format!(
                "<Relationships>{}</Relationships><Relationships>{}</Relationships>",
                rel("evil/wb.xml"),
                rel("xl/workbook.xml")
            ),
            // an attribute twice: calamine stops reading attributes when it has two values
            format!(
                r#"<Relationships><Relationship Target="xl/workbook.xml" Target="evil/wb.xml" Type="{OFFICE}"/></Relationships>"#
            ),
            format!(
                "<Relationships>{}{}</Relationships>",
                rel("xl/workbook.xml"),
                rel("evil/wb.xml")
            ),
            format!("<Relationships>{}</Relationships>", rel("evil/w&#98;.xml")),
            "<Relationships></Relationships>".to_string(),
            format!("{}<Relationships></Relationships>", rel("evil/wb.xml")),
            "<Relationships><Relationship".to_string(),
        ];
        for rels in cases {
            assert_eq!(whole(&rels), None, "{rels}");
        }
        let twice = read_whole(&[
            (
                "_rels/.rels".to_string(),
                rel("xl/workbook.xml").into_bytes(),
            ),
            ("_RELS/.rels".to_string(), rel("evil/wb.xml").into_bytes()),
        ]);
        assert_eq!(twice, None);
    }
}
