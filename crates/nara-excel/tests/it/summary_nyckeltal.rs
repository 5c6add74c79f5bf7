//! The sheet Nyckeltal of the county summary and of the organisation report, from tables and
//! cards built by core over made-up values, read back with calamine: values are number cells, a
//! missing value is an empty cell beside "saknas" (never 0), a value from too few cases says
//! "färre än N fall", the region's and the country's rows are there, an internal indicator is
//! left out for a reader who may see only public ones, and the notes for nothing fetched and for
//! demo values.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use nara_core::indicator::kolada::{Gender, Value};
use nara_core::indicator::view::{self, Card, Provenance, Table, Values};
use nara_core::indicator::{Catalogue, Indicator, Level, Polarity, Source, Unit};
use nara_core::report::{RawTable, RoundData, round_report, trend};
use nara_core::{AreaId, Instrument, Organisations};
use nara_excel::summary::{
    ActivityInput, DEMO_NOTE, DEMO_SOURCE, NO_VALUES, OrgInput, SummaryInput, org_workbook,
    summary_workbook,
};

use crate::snapshots::{forms, responses};
use crate::support::round;

/// The Dalarna catalogue and an internal local indicator on D1 (hidden below ten cases).
fn catalogue() -> Catalogue {
    let mut cat = Catalogue::dalarna();
    cat.indicators.push(Indicator {
        id: "X-DAL-900".into(),
        title: "Samordnade individuella planer, antal".into(),
        source: Source::Lokal,
        unit: Unit::Antal,
        direction: Polarity::Higher,
        level: Level::Kommun,
        areas: vec![AreaId::parse("D1").unwrap()],
        note: None,
        verify: false,
        public: None,
        min_cases: Some(10),
    });
    cat
}

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

/// Falun (2080) rises on U21468; Vansbro (2021) has a row for 2024 without a value; the county
/// (0020) and the country (0000) have theirs; Falun's local figure rests on four cases.
fn values(source: &str) -> (Values, BTreeMap<String, Provenance>) {
    let rows = [
        v("U21468", "2080", 2023, Some(80.0), None),
        v("U21468", "2080", 2024, Some(85.0), None),
        v("U21468", "2021", 2023, Some(70.0), None),
        v("U21468", "2021", 2024, None, None),
        v("U21468", "0020", 2024, Some(82.0), None),
        v("U21468", "0000", 2024, Some(84.0), None),
        v("X-DAL-900", "2080", 2024, Some(12.0), Some(4)),
        v("X-DAL-900", "2021", 2024, Some(30.0), Some(40)),
    ];
    let p = Provenance {
        source: source.into(),
        fetched_at: 1_793_000_000_000,
        published: None,
    };
    let mut vs = Values::new();
    let mut sources = BTreeMap::new();
    for r in &rows {
        vs.insert(r, p.clone());
        sources.insert(r.kpi.clone(), p.clone());
    }
    (vs, sources)
}

fn tables(vs: &Values, public_only: bool) -> Vec<Table> {
    let (cat, orgs) = (catalogue(), Organisations::dalarna());
    (Instrument::dalarna().areas().iter())
        .map(|a| view::table(&cat, vs, &orgs.organisations, &a.id, public_only))
        .filter(|t| !t.columns.is_empty())
        .collect()
}

fn cards(vs: &Values, public_only: bool) -> Vec<(AreaId, String, Vec<Card>)> {
    let (cat, orgs) = (catalogue(), Organisations::dalarna());
    let falun = orgs.find("2080").unwrap();
    (Instrument::dalarna().areas().iter())
        .map(|a| {
            let cs = view::cards(&cat, vs, falun, "0020", &a.id, public_only);
            (a.id.clone(), a.name.clone(), cs)
        })
        .filter(|(_, _, cs)| !cs.is_empty())
        .collect()
}

/// The county summary and Falun's report of a small round, with the given nyckeltal.
fn workbooks(
    tables: &[Table],
    sources: &BTreeMap<String, Provenance>,
    cards: &[(AreaId, String, Vec<Card>)],
) -> (Vec<u8>, Vec<u8>) {
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna();
    let (now, _) = responses();
    let r2026 = round(&inst, "2026");
    let this = RoundData {
        round: &r2026,
        instrument: &inst,
        forms: forms(&now),
    };
    let report = round_report(&this, None, &orgs.organisations, None);
    let trend = trend(std::slice::from_ref(&this));
    let summary = summary_workbook(&SummaryInput {
        instrument: &inst,
        report: &report,
        trend: &trend,
        raw: &RawTable::default(),
        org_names: &BTreeMap::new(),
        nyckeltal: tables,
        nyckeltal_sources: sources,
        activities: ActivityInput::empty(nara_core::round::Date::parse("2026-11-25").unwrap()),
        generated_at: "2026-11-25 10:15 UTC",
    })
    .unwrap();
    let org = org_workbook(&OrgInput {
        instrument: &inst,
        report: &report,
        org: "2080",
        county: true,
        trend: &[],
        nyckeltal: cards,
        activities: ActivityInput::empty(nara_core::round::Date::parse("2026-11-25").unwrap()),
        generated_at: "2026-11-25 10:15 UTC",
    })
    .unwrap();
    (summary, org)
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn sheet(bytes: &[u8]) -> (Vec<String>, Range<Data>) {
    let mut b: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let names = b.sheet_names();
    let r = b.worksheet_range("Nyckeltal").unwrap();
    (names, r)
}

fn all_text(r: &Range<Data>) -> String {
    (r.rows().flat_map(|row| row.iter().map(text)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The block under the heading `area`: its header and its rows, down to the country's.
fn block<'a>(r: &'a Range<Data>, area: &str) -> (&'a [Data], Vec<&'a [Data]>) {
    let mut rows = r.rows().skip_while(|row| text(&row[0]) != area).skip(1);
    let header = rows.next().unwrap_or_else(|| panic!("no block {area}"));
    assert_eq!(text(&header[0]), "Organisation");
    let mut body = Vec::new();
    for row in rows {
        body.push(row);
        if text(&row[0]) == "Riket" {
            return (header, body);
        }
    }
    panic!("no row Riket in {area}")
}

fn col(header: &[Data], starts: &str) -> usize {
    (header.iter())
        .position(|h| text(h).starts_with(starts))
        .unwrap_or_else(|| panic!("no column {starts}: {header:?}"))
}

fn row<'a>(rows: &[&'a [Data]], first: &str) -> &'a [Data] {
    (rows.iter())
        .find(|r| text(&r[0]) == first)
        .copied()
        .unwrap_or_else(|| panic!("no row {first}"))
}

#[test]
fn the_county_sheet_holds_numbers_gaps_and_hidden_values() {
    let (vs, sources) = values("kolada");
    let (summary, _) = workbooks(&tables(&vs, false), &sources, &[]);
    let (names, r) = sheet(&summary);
    let at = names.iter().position(|n| n == "Nyckeltal").unwrap();
    assert_eq!(names[at - 1], "Fritext", "after the self-assessment sheets");
    assert_eq!(
        names[at + 1],
        "Aktiviteter",
        "before the activities and Rådata"
    );

    let (header, rows) = block(&r, "D1 Nära för mig");
    let c = col(header, "Brukarbedömning hemtjänst");
    assert!(
        text(&header[c]).ends_with("(U21468), 2024, %"),
        "{header:?}"
    );
    assert_eq!(text(&header[c + 1]), "U21468 förändring");
    let falun = row(&rows, "Falun");
    assert_eq!(falun[c], Data::Float(85.0), "a number cell");
    assert_eq!(text(&falun[c + 1]), "↗ positiv sedan 2023");
    let vansbro = row(&rows, "Vansbro");
    assert_eq!(vansbro[c], Data::Empty, "missing is empty, not 0");
    assert_eq!(text(&vansbro[c + 1]), "saknas");
    assert_eq!(row(&rows, "Region Dalarna")[c], Data::Float(82.0));
    assert_eq!(row(&rows, "Riket")[c], Data::Float(84.0));
    assert_eq!(rows.len(), 16 + 1, "15 kommuner, the region, the country");

    // The internal local indicator, seen by the coordinator: Falun's value is hidden.
    let x = col(header, "Samordnade individuella planer");
    assert_eq!(row(&rows, "Falun")[x], Data::Empty);
    assert_eq!(text(&row(&rows, "Falun")[x + 1]), "färre än 10 fall");
    assert_eq!(row(&rows, "Vansbro")[x], Data::Float(30.0));

    // A delmål of region-level indicators only: no kommun rows.
    let (_, d3) = block(&r, "D3 Nära i hela Dalarna");
    let names: Vec<String> = d3.iter().map(|r| text(&r[0])).collect();
    assert_eq!(names, ["Region Dalarna", "Riket"]);

    let all = all_text(&r);
    assert!(
        all.contains("U21468 Brukarbedömning"),
        "a line per indicator"
    );
    assert!(all.contains("högre är bättre"), "the direction explained");
    assert!(all.contains("Källa: Kolada (U21468), 2024. Hämtad 2026-10-26."));
    assert!(!all.contains(NO_VALUES) && !all.contains(DEMO_NOTE));
}

#[test]
fn a_reader_who_may_see_only_public_indicators_gets_no_internal_one() {
    let (vs, sources) = values("kolada");
    let (summary, org) = workbooks(&tables(&vs, true), &sources, &cards(&vs, true));
    for bytes in [summary, org] {
        let all = all_text(&sheet(&bytes).1);
        assert!(all.contains("U21468"), "the public ones stay");
        assert!(!all.contains("X-DAL-900") && !all.contains("Samordnade"));
    }
}

#[test]
fn the_org_sheet_has_a_row_per_indicator_with_its_series() {
    let (vs, sources) = values("kolada");
    let (_, org) = workbooks(&tables(&vs, false), &sources, &cards(&vs, false));
    let (names, r) = sheet(&org);
    assert_eq!(
        names,
        [
            "Översikt",
            "Påståenden",
            "Kommentarer",
            "Nyckeltal",
            "Aktiviteter",
            "Lokala planer",
            "Om"
        ]
    );
    let all: Vec<&[Data]> = r.rows().collect();
    let hr = (all.iter())
        .position(|row| text(&row[0]) == "Delmål")
        .unwrap();
    let header = all[hr];
    let rows = &all[hr + 1..];
    let h = |name: &str| {
        (header.iter())
            .position(|c| text(c) == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let by_id = |id: &str| *rows.iter().find(|r| text(&r[1]) == id).unwrap();

    let u = by_id("U21468");
    assert_eq!(text(&u[0]), "D1 Nära för mig");
    assert_eq!(text(&u[h("Enhet")]), "%");
    assert_eq!(text(&u[h("Riktning")]), "högre är bättre");
    assert_eq!(u[h("År")], Data::Float(2024.0));
    assert_eq!(u[h("Värde")], Data::Float(85.0));
    assert_eq!(u[h("Länet (samma år)")], Data::Float(82.0));
    assert_eq!(u[h("Riket (samma år)")], Data::Float(84.0));
    assert_eq!(text(&u[h("Förändring")]), "↗ positiv sedan 2023");
    assert_eq!(u[h("2023")], Data::Float(80.0));
    assert_eq!(u[h("2024")], Data::Float(85.0));
    assert!(text(&u[h("Källa")]).starts_with("Källa: Kolada (U21468), 2023–2024."));

    // No value stored for Falun: empty, "saknas".
    let n = by_id("N21497");
    assert_eq!(n[h("Värde")], Data::Empty);
    assert_eq!(text(&n[h("Förändring")]), "saknas");
    // Too few cases: empty, "färre än 10 fall", also in the series.
    let x = by_id("X-DAL-900");
    assert_eq!(x[h("Värde")], Data::Empty);
    assert_eq!(text(&x[h("Förändring")]), "färre än 10 fall");
    assert_eq!(text(&x[h("2024")]), "färre än 10 fall");
    assert_eq!(x[h("År")], Data::Float(2024.0));
    // Only the indicators of Falun's level (kommun): none of the region's.
    assert!(rows.iter().all(|r| text(&r[1]) != "U70449"));
}

#[test]
fn nothing_fetched_and_demo_values_are_said_at_the_top() {
    let empty = Values::new();
    let (summary, org) = workbooks(
        &tables(&empty, false),
        &BTreeMap::new(),
        &cards(&empty, false),
    );
    for bytes in [&summary, &org] {
        let r = sheet(bytes).1;
        let top: Vec<String> = r.rows().take(6).map(|row| text(&row[0])).collect();
        assert!(top.iter().any(|t| t == NO_VALUES), "{top:?}");
        // Nothing becomes 0.
        assert!(r.used_cells().all(|(_, _, d)| *d != Data::Float(0.0)));
    }
    let (vs, sources) = values(DEMO_SOURCE);
    let (summary, org) = workbooks(&tables(&vs, false), &sources, &cards(&vs, false));
    for bytes in [&summary, &org] {
        let r = sheet(bytes).1;
        let top: Vec<String> = r.rows().take(6).map(|row| text(&row[0])).collect();
        assert!(top.iter().any(|t| t == DEMO_NOTE), "{top:?}");
        assert!(!top.iter().any(|t| t == NO_VALUES));
        assert!(all_text(&r).contains("Påhittade demovärden."));
    }
}
