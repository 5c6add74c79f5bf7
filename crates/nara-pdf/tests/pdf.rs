//! The årsrapport's PDF from a model of Dalarna: tagged, Swedish, PDF/UA-1, and the numbers of
//! core's words in its text (read back with `pdftotext` when poppler is installed; the CI
//! scripts install it).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use nara_core::indicator::Catalogue;
use nara_core::indicator::kolada::{Gender, Value};
use nara_core::indicator::view::{Provenance, Values};
use nara_core::round::Date;
use nara_core::yearly::{self, AreaText, Texts, Words};
use nara_core::{Instrument, Organisations};

fn values() -> Values {
    let mut v = Values::default();
    for (place, base) in [
        ("0020", 80.0),
        ("0000", 78.0),
        ("2080", 70.0),
        ("2021", 85.0),
    ] {
        for (i, year) in (2019..=2025).enumerate() {
            if place == "2021" && year == 2022 {
                continue;
            }
            let value = Value {
                kpi: "U21468".into(),
                municipality: place.into(),
                period: year,
                gender: Gender::T,
                status: String::new(),
                value: Some(base + i as f64 * 0.8),
                cases: None,
                deleted: false,
            };
            let p = Provenance {
                source: "kolada".into(),
                fetched_at: 0,
                published: Some("2026-03-01".into()),
            };
            v.insert(&value, p);
        }
    }
    v
}

fn words() -> Words {
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna().organisations;
    let catalogue = Catalogue::dalarna();
    let values = values();
    let report = yearly::build(&yearly::Input {
        year: 2026,
        instrument: &inst,
        report: None,
        organisations: &orgs,
        catalogue: &catalogue,
        values: &values,
        activities: &[],
        plans: &[],
        today: Date::parse("2026-11-26").unwrap(),
        public_only: false,
    });
    let mut texts = Texts {
        summary: vec![
            "Andelen ökar i länet.".into(),
            "=SUM(A1) och #let x = 1 är bara text".into(),
        ],
        areas: BTreeMap::new(),
        reflections: BTreeMap::new(),
    };
    texts.areas.insert(
        "D1".into(),
        AreaText {
            text: "Första stycket.\n\nAndra stycket om [hakparenteser] och *stjärnor*.".into(),
            examples: vec![],
        },
    );
    Words::new(&report, &texts)
}

#[test]
fn the_report_is_a_tagged_swedish_pdf_with_the_numbers_of_the_words() {
    let w = words();
    let inst = Instrument::dalarna();
    let pdf = nara_pdf::year_report(
        &w,
        &nara_pdf::Meta {
            state: "Utkast",
            made_by: "samordnare",
            instrument: Some(&inst),
        },
    )
    .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/StructTreeRoot"), "tagged");
    assert!(raw.contains("/Lang"), "language set");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = poppler("pdftotext", &["-layout"], &file);
    assert!(text.contains(&w.title), "{text}");
    assert!(
        text.contains("Kolada hämtat 1970-01-01"),
        "the sources' freshness"
    );
    assert!(text.contains("#let x = 1 är bara text"));
    assert!(text.contains("[hakparenteser] och *stjärnor*"));
    for c in &w.chapters {
        assert!(text.contains(&c.heading), "{}", c.heading);
        for i in &c.indicators {
            for r in &i.rows {
                assert!(text.contains(&r[1]), "{}: {}", i.title, r[1]);
            }
        }
    }
    for p in &w.profiles {
        assert!(text.contains(&p.name), "{}", p.name);
    }
    let info = poppler("pdfinfo", &[], &file);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains(&format!("Title:           {}", w.title)),
        "{info}"
    );
    let pages: usize = (info.lines())
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(
        pages > w.profiles.len(),
        "a page per organisation and more: {pages}"
    );
    // The structure tree: headings, tables with header cells, figures with alternative text.
    let tree = poppler("pdfinfo", &["-struct-text"], &file);
    for tag in ["H1", "H2", "Table", "TH", "TD", "Figure", "L", "LI"] {
        assert!(
            tree.lines().any(|l| l.trim_start().starts_with(tag)),
            "no {tag} in the structure tree"
        );
    }
}

/// Runs a poppler tool on `file` and returns what it printed; poppler is installed by
/// `scripts/ensure-libreoffice.sh` when missing (the test fails if it cannot be).
fn poppler(tool: &str, args: &[&str], file: &Path) -> String {
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
        panic!("poppler is needed for this test and could not be installed: {e}");
    }
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(file);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
