//! The committed example files in `fixtures/forms/` (made by `cargo xtask fixtures`) import, or
//! are refused, as their names promise.

use std::path::Path;

use nara_excel::import_form;

use crate::support::ctx;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/forms")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn good_fixtures_import() {
    let ctx = ctx();
    for name in [
        "ifylld-2080-hemsjukvarden.xlsx",
        "ifylld-2080-hemsjukvarden-bedomare.xlsx",
        "handskriven-2062.xlsx",
    ] {
        let r = import_form(name, &read(name), &ctx).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        assert!(r.set.answers.len() > 15, "{name}");
    }
    let typed = import_form("h", &read("handskriven-2062.xlsx"), &ctx).unwrap();
    assert_eq!(typed.org.as_str(), "2062");
    assert_eq!(typed.unit.as_str(), "Äldreomsorgen Öst");
    assert_eq!(typed.set.answers.len(), 27);
}

#[test]
fn bad_fixtures_are_refused_with_every_problem() {
    let ctx = ctx();
    let p = import_form("fel", &read("fel-2062-dubbla-id.xlsx"), &ctx).unwrap_err();
    let msgs: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(p.len(), 4, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("D1.1 finns två gånger")));
    assert!(msgs.iter().any(|m| m.contains("D2.2 finns två gånger")));
    assert!(msgs.iter().any(|m| m.contains("”D7.1” finns inte")));
    assert!(
        msgs.iter()
            .any(|m| m.contains("”5” är inget svarsalternativ"))
    );
    for name in [
        "tom.xlsx",
        "csv-omdopt.xlsx",
        "avbruten.xlsx",
        "blank-2080.xlsx",
    ] {
        assert!(import_form(name, &read(name), &ctx).is_err(), "{name}");
    }
}
