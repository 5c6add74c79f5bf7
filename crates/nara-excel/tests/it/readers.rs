//! Real OpenDocument files, as LibreOffice writes them, read the same with the streaming reader
//! as with calamine's reader (which read them before it): every sheet, every cell of the area,
//! and the document properties. The committed forms in `fixtures/forms/` resaved as .ods are
//! the real files. LibreOffice is installed by `scripts/ensure-libreoffice.sh` when missing.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader};
use nara_excel::Limits;
use nara_excel::cells::Book;
use nara_excel::guard;

/// A value as text, as the importer has always written calamine's values.
fn text(v: &Data) -> String {
    let number = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", f as i64)
        } else {
            f.to_string()
        }
    };
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "SANT" } else { "FALSKT" }.to_string(),
        Data::DateTime(d) => number(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

type Cells = BTreeMap<(u32, u32), String>;
/// Every sheet with its cells, and the document properties, sorted.
type Read = (Vec<(String, Cells)>, Vec<(String, String)>);

fn by_calamine(bytes: &[u8], limits: &Limits) -> Read {
    let mut o = calamine::Ods::new(Cursor::new(bytes)).expect("calamine reads it");
    let mut props: Vec<(String, String)> = o
        .workbook_properties()
        .unwrap()
        .custom_properties
        .into_iter()
        .collect();
    props.sort();
    let mut sheets = Vec::new();
    for name in o.sheet_names() {
        let range = o.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Cells::new();
        for (r, c, v) in range.used_cells() {
            let (row, col) = (r0 + r as u32, c0 + c as u32);
            let t = text(v);
            if row < limits.max_rows && col < limits.max_cols && !t.trim().is_empty() {
                assert!(t.chars().count() <= limits.max_cell_chars);
                cells.insert((row, col), t);
            }
        }
        sheets.push((name, cells));
    }
    (sheets, props)
}

fn by_reader(bytes: &[u8], limits: &Limits) -> Read {
    let kind = guard::check(bytes, limits).expect("the guard passes it");
    let mut book = Book::open(bytes, kind, limits).expect("the reader reads it");
    let sheets = book
        .sheet_names()
        .into_iter()
        .map(|n| {
            let cells = book.read(&n, limits).unwrap().0.cells;
            (n, cells)
        })
        .collect();
    let mut props: Vec<(String, String)> = book.properties.into_iter().collect();
    props.sort();
    (sheets, props)
}

#[test]
fn libreoffice_files_read_the_same_as_with_calamine() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ensure-libreoffice.sh");
    let ok = Command::new("bash")
        .arg(&script)
        .status()
        .expect("bash runs");
    assert!(
        ok.success(),
        "LibreOffice is needed for this test and could not be installed"
    );
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/forms");
    let dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let names = [
        "ifylld-2080-hemsjukvarden.xlsx",
        "ifylld-2080-hemsjukvarden-bedomare.xlsx",
        "handskriven-2062.xlsx",
        "fel-2062-dubbla-id.xlsx",
        "blank-20.xlsx",
    ];
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "ods",
            "--outdir",
        ])
        .arg(dir.path())
        .args(names.iter().map(|n| forms.join(n)))
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let limits = Limits::default();
    for name in names {
        let ods = dir.path().join(Path::new(name).with_extension("ods"));
        let bytes = std::fs::read(&ods).unwrap_or_else(|e| panic!("{}: {e}", ods.display()));
        let want = by_calamine(&bytes, &limits);
        let got = by_reader(&bytes, &limits);
        assert!(
            want.0.iter().map(|(_, c)| c.len()).sum::<usize>() > 20,
            "{name}: the file has cells"
        );
        assert_eq!(got, want, "{name}");
    }
}
