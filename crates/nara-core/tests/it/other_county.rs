//! The same rules on another county's instrument and organisations: nothing Dalarna-specific is
//! hard-coded.

use nara_core::instrument::Instrument;
use nara_core::rollup::{county_summary, roll_up_unit, score_org, score_unit};
use nara_core::scoring::{Direction, change, score_answers};
use nara_core::{AreaId, Organisations};

use crate::support::answers;

pub fn fyrbodal() -> Instrument {
    Instrument::from_toml(include_str!(
        "../../../../fixtures/instruments/fyrbodal-personal.toml"
    ))
    .expect("fixture is valid")
}

#[test]
fn the_fixture_is_another_instrument_entirely() {
    let f = fyrbodal();
    assert_eq!(f.areas().len(), 3);
    assert_eq!(f.scale().levels.len(), 5);
    assert_ne!(f.id(), Instrument::dalarna().id());
    let orgs = Organisations::from_toml(include_str!(
        "../../../../fixtures/organisations/fyrbodal.toml"
    ))
    .unwrap();
    assert_eq!(orgs.find("Uddevalla (1485)").unwrap().name, "Uddevalla");
    assert!(orgs.find("Falun (2080)").is_none());
}

#[test]
fn its_own_scale_share_bands_and_threshold_apply() {
    let f = fyrbodal();
    // P1 has four statements and needs 75 %: three answered is enough, two is not.
    let three = score_answers(
        &f,
        &answers(
            &f,
            &[("P1.1", "5"), ("P1.2", "Delvis"), ("P1.3", "I hög grad")],
        ),
    );
    let p1 = three.area(&AreaId::parse("P1").unwrap()).unwrap();
    assert_eq!(p1.mean, Some(4.0));
    assert_eq!(p1.percent, Some(75.0), "(4 - 1) / (5 - 1)");
    assert_eq!(p1.band.as_deref(), Some("hog"));
    let two = score_answers(
        &f,
        &answers(&f, &[("P1.1", "5"), ("P1.2", "3"), ("P1.3", "Ej relevant")]),
    );
    assert_eq!(two.areas[0].mean, None);
    // Its threshold is 0.5.
    assert_eq!(
        change(&f, Some(3.0), Some(3.4)).unwrap().direction,
        Direction::Unchanged
    );
    assert_eq!(
        change(&f, Some(3.0), Some(3.5)).unwrap().direction,
        Direction::Up
    );
    // Its answers: "Vet inte" is its not-applicable alias; Dalarna's labels mean nothing here.
    assert!(f.parse_answer("Stämmer helt").is_err());
    assert_eq!(
        f.parse_answer("vet inte").unwrap(),
        Some(nara_core::Answer::NotApplicable)
    );
}

#[test]
fn its_index_needs_half_of_its_areas_by_default() {
    let f = fyrbodal();
    assert!(
        !include_str!("../../../../fixtures/instruments/fyrbodal-personal.toml")
            .contains("\nmin_scored_areas")
    );
    assert_eq!(f.min_scored_areas(), 2, "half of three, rounded up");
    let p1 = [("P1.1", "5"), ("P1.2", "4"), ("P1.3", "3"), ("P1.4", "4")];
    let one = score_answers(&f, &answers(&f, &p1));
    assert_eq!((one.areas[0].mean, one.overall), (Some(4.0), None));
    assert_eq!(
        one.no_index(&f).as_deref(),
        Some("Inget index: bara 1 av 3 delmål har tillräckligt många svar; index kräver minst 2.")
    );
    let mut two = p1.to_vec();
    for (_, st) in f.statements().filter(|(a, _)| a.id.as_str() == "P2") {
        two.push((st.id.as_str(), "2"));
    }
    let two = score_answers(&f, &answers(&f, &two));
    assert_eq!(two.overall, Some(3.0), "(4 + 2) / 2");
    let org = score_org(&f, &[&score_unit(&f, &[&answers(&f, &p1)], None)]);
    assert_eq!((org.areas_scored(), org.overall), (1, None));
    assert_eq!(county_summary(&f, &[&org]).overall, None);
}

#[test]
fn its_disagreement_rule_and_highlight_count_apply() {
    let f = fyrbodal();
    let a = answers(&f, &[("P1.1", "1")]);
    let b = answers(&f, &[("P1.1", "3")]);
    let c = answers(&f, &[("P1.1", "4")]);
    // Fyrbodal flags a spread of three steps or more: 1 and 3 span two steps, which is enough
    // at Dalarna's default of two but not here.
    assert_eq!(f.scoring().disagreement_steps, 3.0);
    assert!(!roll_up_unit(&f, &[&a, &b], None).agreement[0].disagreement);
    // 1, 3 and 4 span three steps.
    assert!(roll_up_unit(&f, &[&a, &b, &c], None).agreement[0].disagreement);
    assert_eq!(f.scoring().disagreement_rule(), "tre steg eller mer");
    let all = answers(
        &f,
        &[
            ("P1.1", "5"),
            ("P1.2", "4"),
            ("P1.3", "3"),
            ("P1.4", "2"),
            ("P2.1", "1"),
            ("P2.2", "2"),
            ("P2.3", "3"),
        ],
    );
    let s = score_answers(&f, &all);
    assert_eq!(s.top.len(), 3);
    assert_eq!(s.bottom.len(), 3);
    let u = score_unit(&f, &[&all], None);
    let o = score_org(&f, &[&u]);
    let c = county_summary(&f, &[&o]);
    assert_eq!(c.areas.len(), 3);
    assert_eq!(c.areas[2].stats, None, "P3 has no answers");
}
