//! nara-excel's own error type: a refused file says why by variant, with its Swedish sentence,
//! and becomes one problem of the whole file in the importer.

use nara_excel::guard::check;
use nara_excel::{Error, Limits, Problem, import_form};

use crate::support::ctx;

fn refused(bytes: &[u8], limits: &Limits) -> Error {
    check(bytes, limits).expect_err("refused")
}

#[test]
fn a_refused_file_says_why_by_variant() {
    let limits = Limits::default();
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    assert!(matches!(refused(&xls, &limits), Error::NotASpreadsheet(m) if m.contains(".xls")));
    assert!(
        matches!(refused(b"a;b;c\r\n", &limits), Error::NotASpreadsheet(m) if m.contains("textfil"))
    );
    assert!(
        matches!(refused(b"PK\x03\x04 trasig", &limits), Error::Damaged(m) if m.contains("skadad"))
    );
    let small = Limits {
        max_file_bytes: 4,
        ..Limits::default()
    };
    assert!(
        matches!(refused(b"PK\x03\x04 stor", &small), Error::TooLarge(m) if m.contains("för stor"))
    );
}

#[test]
fn a_refused_file_is_one_problem_of_the_whole_file() {
    let e = refused(b"", &Limits::default());
    let text = e.to_string();
    assert!(text.starts_with("Filen är tom."), "{text}");
    assert_eq!(
        Problem::from(e),
        Problem {
            sheet: None,
            cell: None,
            message: text.clone()
        }
    );
    let problems = import_form("tom.xlsx", b"", &ctx()).expect_err("refused");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].message, text);
}
