//! What is shown of the nyckeltal: arrows, missing and hidden values, cards and the county table.
use super::*;
use crate::org::Organisations;

fn v(kpi: &str, place: &str, year: u16, value: Option<f64>, cases: Option<u32>) -> Value {
    Value {
        kpi: kpi.into(),
        municipality: place.into(),
        period: year,
        gender: Gender::T,
        status: String::new(),
        value,
        cases,
        deleted: false,
    }
}

fn values(rows: &[Value]) -> Values {
    let mut vs = Values::new();
    for (i, r) in rows.iter().enumerate() {
        vs.insert(
            r,
            Provenance {
                source: "kolada".into(),
                fetched_at: i64::try_from(i).unwrap(),
                published: None,
            },
        );
    }
    vs
}

fn ind(id: &str) -> Indicator {
    Catalogue::dalarna()
        .indicators
        .into_iter()
        .find(|i| i.id == id)
        .unwrap()
}

fn series(ind: &Indicator, points: &[(u16, Option<f64>)]) -> Series {
    let rows: Vec<Value> = (points.iter())
        .map(|(y, x)| v(&ind.id, "2080", *y, *x, None))
        .collect();
    Series::of(&values(&rows), ind, "2080")
}

#[test]
fn arrows_follow_the_configured_direction_and_the_threshold() {
    let higher = ind("U21468");
    assert_eq!(higher.direction, Polarity::Higher);
    let m = movement(
        &higher,
        &series(&higher, &[(2022, Some(80.0)), (2024, Some(83.0))]),
        None,
    )
    .unwrap();
    assert_eq!((m.from_year, m.to_year, m.arrow), (2022, 2024, Arrow::Up));
    assert_eq!(m.judgement, Judgement::Positive);
    // A share moving less than one percentage point is unchanged.
    let m = movement(
        &higher,
        &series(&higher, &[(2023, Some(80.0)), (2024, Some(80.9))]),
        None,
    )
    .unwrap();
    assert_eq!((m.arrow, m.judgement), (Arrow::Flat, Judgement::Unchanged));

    let lower = ind("U20462");
    assert_eq!(lower.direction, Polarity::Lower);
    let m = movement(
        &lower,
        &series(&lower, &[(2023, Some(30.0)), (2024, Some(20.0))]),
        None,
    )
    .unwrap();
    assert_eq!((m.arrow, m.judgement), (Arrow::Down, Judgement::Positive));

    let neutral = ind("N21704");
    let m = movement(
        &neutral,
        &series(&neutral, &[(2023, Some(10.0)), (2024, Some(20.0))]),
        None,
    )
    .unwrap();
    assert_eq!((m.arrow, m.judgement), (Arrow::Up, Judgement::Neutral));
}

#[test]
fn a_missing_year_is_skipped_never_read_as_zero() {
    let higher = ind("U21468");
    let s = series(
        &higher,
        &[(2022, Some(70.0)), (2023, Some(75.0)), (2024, None)],
    );
    assert_eq!(s.latest(), Some((2023, 75.0)));
    assert_eq!(s.at(2024), Shown::Missing);
    let m = movement(&higher, &s, None).unwrap();
    assert_eq!((m.from_year, m.to_year), (2022, 2023));
    // Asked for 2024, there is no value to move to.
    assert_eq!(movement(&higher, &s, Some(2024)), None);
    assert_eq!(
        movement(&higher, &series(&higher, &[(2024, Some(1.0))]), None),
        None
    );
}

#[test]
fn values_from_too_few_cases_are_hidden_with_the_count() {
    let mut local = ind("X-DAL-001");
    local.min_cases = Some(10);
    local.areas = vec![AreaId::parse("D1").unwrap()];
    local.level = Level::Kommun;
    local.public = None;
    let cat = Catalogue {
        county: "Dalarna".into(),
        instrument: "dalarna-gnv".into(),
        indicators: vec![local.clone()],
    };
    let vs = values(&[
        v(&local.id, "2080", 2023, Some(40.0), Some(25)),
        v(&local.id, "2080", 2024, Some(12.0), Some(4)),
    ]);
    let falun = Organisations::dalarna().find("Falun").cloned().unwrap();
    let cards = cards(&cat, &vs, &falun, "0020", &local.areas[0], false);
    assert_eq!(cards.len(), 1);
    let c = &cards[0];
    assert_eq!(c.own.at(2024), Shown::Hidden { cases: 4, min: 10 });
    assert_eq!(
        c.latest,
        Some((2023, 40.0)),
        "the newest value that may be shown"
    );
    assert_eq!(c.hidden, Some((2024, 4, 10)));
    assert!(
        c.caption
            .starts_with("Källa: egen uppgift (X-DAL-001), 2023.")
    );
    // Not public unless the catalogue says so.
    assert!(super::cards(&cat, &vs, &falun, "0020", &local.areas[0], true).is_empty());
}

#[test]
fn the_county_table_compares_the_same_year_and_respects_levels() {
    let cat = Catalogue::dalarna();
    let orgs = Organisations::dalarna();
    let kpi = "U21468";
    let area = ind(kpi).areas[0].clone();
    let vs = values(&[
        v(kpi, "2080", 2023, Some(80.0), None),
        v(kpi, "2080", 2024, Some(85.0), None),
        v(kpi, "2021", 2023, Some(70.0), None),
        v(kpi, "0020", 2024, Some(82.0), None),
        v(kpi, "0000", 2024, Some(84.0), None),
    ]);
    let t = table(&cat, &vs, &orgs.organisations, &area, true);
    let col = t
        .columns
        .iter()
        .position(|c| c.indicator.id == kpi)
        .unwrap();
    assert_eq!(t.columns[col].year, Some(2024));
    assert_eq!(t.columns[col].caption, "Källa: Kolada (U21468), 2024.");
    let row = |name: &str| t.rows.iter().find(|r| r.name == name).unwrap();
    let falun = row("Falun").cells[col].unwrap();
    assert_eq!(falun.shown, Shown::Value { value: 85.0 });
    assert_eq!(falun.movement.unwrap().judgement, Judgement::Positive);
    // Vansbro's newest value is from 2023: not shown as 2024's.
    assert_eq!(row("Vansbro").cells[col].unwrap().shown, Shown::Missing);
    assert_eq!(t.rows.last().unwrap().name, "Riket");
    // The region's row is the county's figure, also for a kommun-level indicator.
    let region = (t.rows.iter())
        .find(|r| r.code.as_ref().is_some_and(|c| c.as_str() == "20"))
        .unwrap();
    assert_eq!(
        region.cells[col].unwrap().shown,
        Shown::Value { value: 82.0 }
    );
    assert_eq!(t.rows.iter().filter(|r| r.code.is_some()).count(), 16);

    // A delmål with region-level indicators only has no kommun rows.
    let region_only = (cat.indicators.iter())
        .find(|i| i.level == Level::Region)
        .unwrap();
    let only: Vec<&AreaId> = (region_only.areas.iter())
        .filter(|a| cat.following(a).all(|i| i.level == Level::Region))
        .collect();
    assert!(
        !only.is_empty(),
        "Dalarna's D3 has region-level indicators only"
    );
    for a in only {
        let t = table(&cat, &vs, &orgs.organisations, a, true);
        let names: Vec<&str> = t.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Region Dalarna", "Riket"], "{a}");
    }
}
