//! The form in a real office suite: LibreOffice opens it without complaint (converting it to PDF
//! succeeds and the PDF shows the table), and saved again by LibreOffice as .xlsx and as .ods it
//! imports to the same answers. LibreOffice is installed by `scripts/ensure-libreoffice.sh`
//! when missing; if it cannot be had, the test fails and says why.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use nara_core::{Answer, AnswerSet, AreaId, StatementId};
use nara_excel::{Filled, import_form};

use crate::support::{ctx, filled_form};

fn ensure_libreoffice() {
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
fn convert(input: &Path, format: &str, outdir: &Path) -> PathBuf {
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
    for needle in ["Påstående", "D1.1", "Nära för mig", "Falun (2080)"] {
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
