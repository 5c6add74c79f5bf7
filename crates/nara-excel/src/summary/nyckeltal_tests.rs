//! Tests of the Nyckeltal sheets.

use super::*;
use nara_core::indicator::view::{Arrow, Judgement};
use nara_core::indicator::{Catalogue, Source};

fn ind(id: &str) -> Indicator {
    (Catalogue::dalarna().indicators.into_iter())
        .find(|i| i.id == id)
        .unwrap()
}

#[test]
fn a_change_reads_as_arrow_word_and_year() {
    let m = Movement {
        from_year: 2023,
        to_year: 2025,
        delta: 2.5,
        arrow: Arrow::Up,
        judgement: Judgement::Positive,
    };
    assert_eq!(movement_text(&m), "↗ positiv sedan 2023");
    assert_eq!(hidden_text(10), "färre än 10 fall");
}

#[test]
fn the_source_says_demo_kolada_or_the_file() {
    let i = ind("U70449");
    let p = |source: &str| Provenance {
        source: source.into(),
        fetched_at: 1_793_000_000_000,
        published: None,
    };
    let cap = "Källa: Kolada (U70449), 2024.";
    assert_eq!(
        source_text(&i, cap, Some(&p("kolada"))),
        "Källa: Kolada (U70449), 2024. Urvalsundersökning. Hämtad 2026-10-26."
    );
    assert!(source_text(&i, cap, Some(&p(DEMO_SOURCE))).ends_with("Påhittade demovärden."));
    let mut local = ind("X-DAL-001");
    local.source = Source::Lokal;
    assert!(
        source_text(
            &local,
            "Källa: egen uppgift (X-DAL-001).",
            Some(&p("planer.xlsx"))
        )
        .ends_with("Inläst från planer.xlsx 2026-10-26.")
    );
    assert_eq!(
        source_text(&i, cap, None),
        format!("{cap} Urvalsundersökning.")
    );
}

#[test]
fn counts_keep_their_decimals_and_shares_get_one() {
    let f = Formats::new();
    assert!(std::ptr::eq(f.value(Unit::Antal, 12.0), &f.whole));
    assert!(std::ptr::eq(f.value(Unit::Antal, 12.5), &f.one_decimal));
    assert!(std::ptr::eq(f.value(Unit::Andel, 80.0), &f.one_decimal));
    assert!(std::ptr::eq(f.value(Unit::KrPerInv, 8123.4), &f.whole));
    assert_eq!(unit_suffix(Unit::Andel), "%");
    assert_eq!(unit_suffix(Unit::Per100000), "per 100 000 invånare");
}

#[test]
fn a_long_text_gets_a_taller_row() {
    assert_eq!(row_height(&[("kort".into(), 26.0)]), 15.0);
    assert_eq!(row_height(&[("x".repeat(60), 26.0)]), 45.0);
    assert_eq!(
        row_height(&[("kort".into(), 26.0), ("x".repeat(25), 26.0)]),
        30.0
    );
    assert_eq!(row_height(&[]), 15.0);
}
