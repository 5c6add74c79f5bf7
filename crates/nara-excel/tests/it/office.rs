//! The form in a real office suite: LibreOffice opens it without complaint (converting it to PDF
//! succeeds and the PDF shows the table), saved again by LibreOffice as .xlsx and as .ods it
//! imports to the same answers, and answers typed as plain values every way the importer
//! accepts get the importer's scores from LibreOffice's own calculation of the Resultat sheet.
//! LibreOffice is installed by `scripts/ensure-libreoffice.sh` when missing; if it cannot be
//! had, the test fails and says why.

use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use calamine::{Data, Reader};
use nara_core::scoring::score_answers;
use nara_core::{Answer, AnswerSet, AreaId, StatementId};
use nara_excel::{Filled, import_form};

use crate::formulas::written;
use crate::support::{ctx, filled_form};

pub(crate) fn ensure_libreoffice() {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ensure-libreoffice.sh");
        let out = Command::new("bash")
            .arg(&script)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    });
    if let Err(e) = ready {
        panic!("LibreOffice is needed for this test and could not be installed: {e}");
    }
}

/// Runs `soffice --convert-to FORMAT` on `input` into `outdir`, with a private profile.
pub(crate) fn convert(input: &Path, format: &str, outdir: &Path) -> PathBuf {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(outdir)
        .arg(input)
        .output()
        .expect("soffice runs");
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let ext = format.split(':').next().unwrap();
    let out = outdir.join(input.with_extension(ext).file_name().unwrap());
    assert!(
        out.exists(),
        "soffice wrote no {ext}: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    out
}

fn answers() -> AnswerSet {
    let inst = nara_core::Instrument::dalarna();
    let mut set = AnswerSet::default();
    for (i, (_, st)) in inst.statements().enumerate() {
        match i % 6 {
            0 => {}
            1 => {
                set.answers.insert(st.id.clone(), Answer::NotApplicable);
            }
            k => {
                set.answers
                    .insert(st.id.clone(), Answer::Level((k - 1) as u8));
            }
        }
    }
    set.comments.insert(
        AreaId::parse("D4").unwrap(),
        "Samverkan med vårdcentralen fungerar bra.".into(),
    );
    set.notes.insert(
        StatementId::parse("D1.2").unwrap(),
        "Gäller främst hemsjukvården".into(),
    );
    set
}

#[test]
fn libreoffice_opens_the_form_and_its_resaved_files_import_the_same() {
    ensure_libreoffice();
    let ctx = ctx();
    let dir = tempfile::tempdir().unwrap();
    let filled = Filled {
        unit: "Hemsjukvården".into(),
        participants: "Team Norr".into(),
        date: "2026-03-02".into(),
        answers: answers(),
        ..Default::default()
    };
    let original = dir.path().join("falun.xlsx");
    std::fs::write(&original, filled_form(&ctx, "2080", &filled)).unwrap();

    let pdf = convert(&original, "pdf", dir.path());
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in ["Påstående", "D1.1", "Nära för mig", "Falun (kod 2080)"] {
        assert!(text.contains(needle), "the PDF lacks {needle:?}");
    }

    for (format, sub) in [("xlsx:Calc MS Excel 2007 XML", "x"), ("ods", "o")] {
        let out = dir.path().join(sub);
        std::fs::create_dir_all(&out).unwrap();
        let resaved = convert(&original, format, &out);
        let bytes = std::fs::read(&resaved).unwrap();
        let r = import_form(&resaved.display().to_string(), &bytes, &ctx)
            .unwrap_or_else(|p| panic!("{format}: {p:?}"));
        assert_eq!(r.set, filled.answers, "{format}");
        assert_eq!(
            (r.unit.as_str(), r.participants.as_str(), r.date.as_str()),
            ("Hemsjukvården", "Team Norr", "2026-03-02"),
            "{format}"
        );
    }
}

/// The form with the cached results removed from the formulas of the answer sheet's rows
/// `rows` (from 1) and from every formula of the Resultat sheet, as if a person had just typed
/// in those rows: LibreOffice, which does not recalculate an .xlsx on load, calculates exactly
/// these cells and keeps every other cached value.
fn typed_in(bytes: &[u8], rows: &BTreeSet<u32>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        // sheet2 is Självskattning, sheet3 Resultat.
        let dirty_rows: Option<Box<dyn Fn(u32) -> bool>> = match name.as_str() {
            "xl/worksheets/sheet2.xml" => Some(Box::new(|r| rows.contains(&r))),
            "xl/worksheets/sheet3.xml" => Some(Box::new(|_| true)),
            _ => None,
        };
        if let Some(dirty) = dirty_rows {
            let xml = String::from_utf8(data).unwrap();
            let mut fixed = String::with_capacity(xml.len());
            let mut rest = xml.as_str();
            while let Some(start) = rest.find("<c r=\"") {
                fixed.push_str(&rest[..start]);
                let tag_end = start + rest[start..].find('>').unwrap() + 1;
                let end = if rest[..tag_end].ends_with("/>") {
                    tag_end
                } else {
                    tag_end + rest[tag_end..].find("</c>").unwrap() + 4
                };
                let cell = &rest[start..end];
                let reference: String = cell[6..].chars().take_while(|c| *c != '"').collect();
                let row: u32 = reference
                    .trim_start_matches(|c: char| c.is_ascii_uppercase())
                    .parse()
                    .unwrap();
                match (cell.find("<v>"), cell.find("</v>")) {
                    (Some(open), Some(close)) if cell.contains("<f>") && dirty(row) => {
                        let stripped = format!("{}{}", &cell[..open], &cell[close + 4..])
                            .replacen(" t=\"str\"", "", 1)
                            .replacen(" t=\"e\"", "", 1);
                        fixed.push_str(&stripped);
                    }
                    _ => fixed.push_str(cell),
                }
                rest = &rest[end..];
            }
            fixed.push_str(rest);
            data = fixed.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn libreoffice_scores_typed_answers_as_the_importer_does() {
    ensure_libreoffice();
    let ctx = ctx();
    let inst = &ctx.instruments[0];
    let dir = tempfile::tempdir().unwrap();
    // Every way of writing an answer that the importer accepts, as plain values (no list); a
    // few statements answered from the list and a few left blank, whose cached values
    // LibreOffice reads without recalculating them.
    let mut filled = Filled {
        unit: "Hemsjukvården".into(),
        ..Default::default()
    };
    for (i, (_, st)) in inst.statements().enumerate() {
        match i % 9 {
            4 => {}
            7 => {
                filled
                    .answers
                    .answers
                    .insert(st.id.clone(), Answer::Level(2));
            }
            k => {
                let answer = if k == 2 {
                    Answer::NotApplicable
                } else {
                    Answer::Level(1 + (i % 4) as u8)
                };
                let case = [i % 2 == 0, i % 3 == 0, true];
                filled
                    .typed
                    .insert(st.id.clone(), written(inst, answer, i * 5 + k, &case));
            }
        }
    }
    let ways: BTreeSet<String> = filled.typed.values().map(|t| format!("{t:?}")).collect();
    assert!(ways.len() >= 18, "many ways of writing: {ways:?}");
    let bytes = filled_form(&ctx, "2080", &filled);
    // The rows people typed in.
    let typed_rows: BTreeSet<u32> = {
        let mut book = calamine::Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        let sheet = book.worksheet_range("Självskattning").unwrap();
        sheet
            .rows()
            .enumerate()
            .filter(|(_, r)| {
                r.first().is_some_and(|id| {
                    StatementId::parse(&id.to_string())
                        .is_ok_and(|id| filled.typed.contains_key(&id))
                })
            })
            .map(|(k, _)| sheet.start().unwrap().0 + k as u32 + 1)
            .collect()
    };
    assert_eq!(typed_rows.len(), filled.typed.len());
    let original = dir.path().join("typed.xlsx");
    std::fs::write(&original, typed_in(&bytes, &typed_rows)).unwrap();
    let out = dir.path().join("x");
    std::fs::create_dir_all(&out).unwrap();
    let resaved = convert(&original, "xlsx:Calc MS Excel 2007 XML", &out);
    let saved = std::fs::read(&resaved).unwrap();

    // The importer's reading and score of the file LibreOffice saved.
    let imported = import_form("typed.xlsx", &saved, &ctx).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(imported.set, filled.effective_answers(inst));
    let core = score_answers(inst, &imported.set);

    let mut book = calamine::Xlsx::new(Cursor::new(saved)).unwrap();
    // LibreOffice calculated the typed rows itself: their helper column holds the normalised
    // answer, which the written file left empty.
    let answers = book.worksheet_range("Självskattning").unwrap();
    for row in &typed_rows {
        let text = answers
            .get_value((row - 1, 6))
            .cloned()
            .unwrap_or(Data::Empty);
        assert!(
            matches!(&text, Data::String(s) if !s.is_empty()) || matches!(text, Data::Float(_)),
            "row {row} was not calculated: {text:?}"
        );
    }
    let results = book.worksheet_range("Resultat").unwrap();
    let cell = |r: u32, c: u32| results.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let mut scored = 0;
    for (i, a) in core.areas.iter().enumerate() {
        let row = 4 + i as u32;
        assert_eq!(
            cell(row, 1),
            Data::Float(a.answered as f64),
            "answered in {}",
            a.area
        );
        match (a.mean, cell(row, 3)) {
            (Some(m), Data::Float(f)) => {
                assert!(
                    (m - f).abs() < 1e-9,
                    "{}: core {m}, LibreOffice {f}",
                    a.area
                );
                scored += 1;
            }
            (None, Data::String(s)) => assert_eq!(s, "för få svar", "{}", a.area),
            (m, got) => panic!("{}: core {m:?}, LibreOffice {got:?}", a.area),
        }
    }
    assert!(scored >= 3, "most areas are scored");
    let idx = 4 + core.areas.len() as u32;
    match (core.overall, cell(idx, 3)) {
        (Some(m), Data::Float(f)) => assert!((m - f).abs() < 1e-9, "index: core {m}, LO {f}"),
        (m, got) => panic!("index: core {m:?}, LibreOffice {got:?}"),
    }
    assert_eq!(cell(idx + 1, 1), Data::Float(0.0), "no invalid entries");
}

#[test]
fn libreoffice_shows_no_index_for_a_short_form_and_says_why() {
    ensure_libreoffice();
    let ctx = ctx();
    let inst = &ctx.instruments[0];
    let dir = tempfile::tempdir().unwrap();
    // Issue 15: 8 of 27 answered, all 1, typed as plain values: only D1 is scored.
    let mut filled = Filled {
        unit: "Hemsjukvården".into(),
        ..Default::default()
    };
    for (i, (_, st)) in inst.statements().take(8).enumerate() {
        filled.typed.insert(
            st.id.clone(),
            written(inst, Answer::Level(1), i, &[i % 2 == 0]),
        );
    }
    let bytes = filled_form(&ctx, "2080", &filled);
    let typed_rows: BTreeSet<u32> = {
        let mut book = calamine::Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        let sheet = book.worksheet_range("Självskattning").unwrap();
        sheet
            .rows()
            .enumerate()
            .filter(|(_, r)| {
                r.first().is_some_and(|id| {
                    StatementId::parse(&id.to_string())
                        .is_ok_and(|id| filled.typed.contains_key(&id))
                })
            })
            .map(|(k, _)| sheet.start().unwrap().0 + k as u32 + 1)
            .collect()
    };
    assert_eq!(typed_rows.len(), 8);
    let original = dir.path().join("short.xlsx");
    std::fs::write(&original, typed_in(&bytes, &typed_rows)).unwrap();
    let out = dir.path().join("x");
    std::fs::create_dir_all(&out).unwrap();
    let saved = std::fs::read(convert(&original, "xlsx:Calc MS Excel 2007 XML", &out)).unwrap();

    let imported = import_form("short.xlsx", &saved, &ctx).unwrap_or_else(|p| panic!("{p:?}"));
    let core = score_answers(inst, &imported.set);
    assert_eq!((core.areas_scored(), core.overall), (1, None));
    let mut book = calamine::Xlsx::new(Cursor::new(saved)).unwrap();
    let results = book.worksheet_range("Resultat").unwrap();
    let cell = |r: u32, c: u32| results.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(cell(4, 3), Data::Float(1.0), "D1 is scored");
    assert_eq!(cell(5, 3), Data::String("för få svar".into()), "D2: 2 of 5");
    let idx = 4 + core.areas.len() as u32;
    assert_eq!(cell(idx, 3), Data::String("inget index".into()));
    assert_eq!(
        cell(idx, 5),
        Data::String("Färre än 3 av 5 delmål har tillräckligt många svar.".into())
    );
}
