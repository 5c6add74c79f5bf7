//! The year's model from a small county: every number is the one the scoring, the roll-up and
//! the indicator view give, and a final report survives being stored.

use super::*;
use crate::activity::{ActivityStatus, Category, PlanStatus, RecordId, Systemledning};
use crate::answer::{Answer, AnswerSet};
use crate::ids::UnitName;
use crate::indicator::kolada::{Gender, Value};
use crate::indicator::view::Provenance;
use crate::org::Organisations;
use crate::report::{Form, RoundData, round_report};
use crate::round::{Round, RoundStatus};
use crate::{Response, RoundId};

fn round(id: &str, status: RoundStatus) -> Round {
    Round {
        id: RoundId::parse(id).unwrap(),
        instrument_id: "dalarna-gnv".into(),
        instrument_version: "2026.1".into(),
        status,
        opens: None,
        closes: None,
    }
}

/// A form of `org` with every statement of D1 answered `d1` and of D3 answered `d3`.
fn form(inst: &Instrument, r: &Round, org: &str, d1: u8, d3: u8) -> Response {
    let mut set = AnswerSet::default();
    for a in inst.areas() {
        let v = match a.id.as_str() {
            "D1" => d1,
            "D3" => d3,
            _ => continue,
        };
        for st in &a.statements {
            set.answers.insert(st.id.clone(), Answer::Level(v));
        }
    }
    Response {
        round: r.id,
        org: OrgCode::parse(org).unwrap(),
        unit: UnitName::parse("Hemtjänsten").unwrap(),
        rater: String::new(),
        participants: String::new(),
        date: String::new(),
        instrument_id: r.instrument_id.clone(),
        instrument_version: r.instrument_version.clone(),
        consensus: false,
        set,
    }
}

fn data<'a>(r: &'a Round, inst: &'a Instrument, forms: &'a [Response]) -> RoundData<'a> {
    RoundData {
        round: r,
        instrument: inst,
        forms: (forms.iter())
            .map(|response| Form {
                response,
                stored_at: 0,
                source: "test",
            })
            .collect(),
    }
}

fn values(rows: &[(&str, &str, u16, f64)]) -> Values {
    let mut vs = Values::new();
    for (kpi, place, year, value) in rows {
        let v = Value {
            kpi: (*kpi).into(),
            municipality: (*place).into(),
            period: *year,
            gender: Gender::T,
            status: String::new(),
            value: Some(*value),
            cases: None,
            deleted: false,
        };
        let p = Provenance {
            source: "kolada".into(),
            fetched_at: 0,
            published: None,
        };
        vs.insert(&v, p);
    }
    vs
}

fn activity(id: &str, owner: &str, areas: &[&str], status: ActivityStatus, end: &str) -> Activity {
    Activity {
        id: RecordId::parse(id).unwrap(),
        title: format!("Aktivitet {id}"),
        description: String::new(),
        owner: OrgCode::parse(owner).unwrap(),
        partners: vec![],
        areas: areas.iter().map(|a| AreaId::parse(a).unwrap()).collect(),
        statements: vec![],
        indicators: vec![],
        category: Category::Arbetssatt,
        target_group: String::new(),
        responsible_role: String::new(),
        responsible_name: String::new(),
        planned_start: None,
        planned_end: Some(Date::parse(end).unwrap()),
        status,
        expected_effect: String::new(),
        result: "Färre återinläggningar.".into(),
        plan: None,
    }
}

struct County {
    inst: Instrument,
    orgs: Vec<Organisation>,
    report: RoundReport,
    catalogue: Catalogue,
    values: Values,
    activities: Vec<Activity>,
    plans: Vec<LocalPlan>,
}

fn county() -> County {
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna().organisations;
    let (r25, r26) = (
        round("2025", RoundStatus::Published),
        round("2026", RoundStatus::Closed),
    );
    let f25 = [
        form(&inst, &r25, "2080", 2, 2),
        form(&inst, &r25, "2021", 2, 3),
    ];
    let f26 = [
        form(&inst, &r26, "2080", 4, 2),
        form(&inst, &r26, "2021", 3, 3),
    ];
    let report = round_report(
        &data(&r26, &inst, &f26),
        Some(&data(&r25, &inst, &f25)),
        &orgs,
        None,
    );
    let values = values(&[
        ("U21468", "0020", 2023, 80.0),
        ("U21468", "0020", 2024, 83.0),
        ("U21468", "2080", 2023, 88.0),
        ("U21468", "2080", 2024, 90.0),
        ("U21468", "2021", 2024, 70.0),
        ("U21468", "0000", 2024, 81.0),
        ("U70448", "0020", 2023, 50.0),
        ("U70448", "0020", 2024, 50.2),
    ]);
    let activities = vec![
        activity(
            "A-AAAAAAAA",
            "2080",
            &["D1"],
            ActivityStatus::Klar,
            "2025-06-30",
        ),
        activity(
            "A-BBBBBBBB",
            "2021",
            &["D1", "D3"],
            ActivityStatus::Pagar,
            "2025-01-01",
        ),
    ];
    let plans = vec![LocalPlan {
        id: RecordId::parse("P-AAAAAAAA").unwrap(),
        name: "Samverkansplan Falun".into(),
        parties: vec![
            OrgCode::parse("2080").unwrap(),
            OrgCode::parse("20").unwrap(),
        ],
        partners: vec![],
        start: Date::parse("2025-01-01").unwrap(),
        end: None,
        status: PlanStatus::Beslutad,
        decided_by: String::new(),
        decided_on: Some(Date::parse("2024-12-01").unwrap()),
        link: String::new(),
        systemledning: Systemledning::Finns,
        areas: vec![],
    }];
    County {
        inst,
        orgs,
        report,
        catalogue: Catalogue::dalarna(),
        values,
        activities,
        plans,
    }
}

fn model(c: &County) -> YearReport {
    build(&Input {
        year: 2026,
        instrument: &c.inst,
        report: Some(&c.report),
        organisations: &c.orgs,
        catalogue: &c.catalogue,
        values: &c.values,
        activities: &c.activities,
        plans: &c.plans,
        today: Date::parse("2026-11-26").unwrap(),
        public_only: false,
    })
}

#[test]
fn each_chapter_holds_the_three_methods_with_the_numbers_of_core() {
    let c = county();
    let y = model(&c);
    assert_eq!(y.round.map(|r| r.to_string()).as_deref(), Some("2026"));
    assert_eq!(
        y.previous_round.map(|r| r.to_string()).as_deref(),
        Some("2025")
    );
    assert_eq!(y.chapters.len(), c.inst.areas().len());
    let d1 = &y.chapters[0];
    assert_eq!(d1.id.as_str(), "D1");
    // Självskattning: the county's stats and change as the round report has them.
    let stats = c.report.county.areas[0].stats.unwrap();
    assert_eq!(d1.assessment.mean, Some(stats.mean));
    assert_eq!(d1.assessment.median, Some(stats.median));
    assert_eq!(d1.assessment.range, Some((stats.min, stats.max)));
    assert_eq!(d1.assessment.mean, Some(3.5), "Falun 4, Vansbro 3");
    let change = c.report.county_change[0].unwrap();
    assert_eq!(d1.assessment.change, Some(change.delta));
    assert_eq!(d1.assessment.change, Some(1.5));
    let rated: usize = d1.assessment.levels.iter().map(|l| l.1).sum();
    let statements = c.inst.areas()[0].statements.len();
    assert_eq!(rated, 2 * statements, "every rating of both forms");
    assert!(!d1.assessment.strongest.is_empty());
    // Nyckeltal: the county's move judged by the direction; the kommuner in their newest year.
    let u = (d1.indicators.iter())
        .find(|b| b.indicator.id == "U21468")
        .unwrap();
    assert_eq!(u.latest, Some((2024, 83.0)));
    assert_eq!(u.arrow.as_deref(), Some("↗"));
    assert_eq!(u.judgement, Some(Judgement::Positive));
    assert_eq!(u.kommun_year, Some(2024));
    let falun = u.kommuner.iter().find(|(n, _)| n == "Falun").unwrap();
    assert_eq!(falun.1, Some(90.0));
    let mora = u.kommuner.iter().find(|(n, _)| n == "Mora").unwrap();
    assert_eq!(mora.1, None, "missing is missing, never 0");
    assert!(!u.under_development);
    assert!(u.caption.starts_with("Källa: "), "{}", u.caption);
    assert_eq!(d1.arrows.positive, 1);
    // An indicator without any value is "under utveckling".
    let d5 = y.chapters.iter().find(|ch| ch.id.as_str() == "D5").unwrap();
    assert!(d5.indicators.iter().all(|b| b.under_development));
    assert_eq!(
        d5.arrows.positive + d5.arrows.negative + d5.arrows.unchanged,
        0
    );
    // Region-level and unchanged: U70448 moved 0.2 points.
    let d3 = y.chapters.iter().find(|ch| ch.id.as_str() == "D3").unwrap();
    let flat = d3
        .indicators
        .iter()
        .find(|b| b.indicator.id == "U70448")
        .unwrap();
    assert_eq!(flat.arrow.as_deref(), Some("→"));
    assert!(
        flat.kommuner.is_empty(),
        "a region-level indicator has no kommun rows"
    );
    // Aktiviteter: per delmål, with "försenad" derived.
    assert_eq!(d1.activities.len(), 2);
    assert_eq!(d3.activities.len(), 1);
    assert_eq!(d1.activity_counts.done, 1);
    assert_eq!(d1.activity_counts.late, 1);
    assert_eq!(d3.activities[0].status, "pågår, försenad");
}

#[test]
fn each_organisation_has_its_profile() {
    let c = county();
    let y = model(&c);
    assert_eq!(y.profiles.len(), c.orgs.len());
    let falun = y
        .profiles
        .iter()
        .find(|p| p.code.as_str() == "2080")
        .unwrap();
    assert!(falun.answered);
    assert_eq!(falun.index, c.report.org("2080").unwrap().scores.overall);
    assert_eq!(falun.areas[0], Some(4.0));
    let plan = falun.plan.as_ref().unwrap();
    assert_eq!((plan.1.as_str(), plan.2.as_str()), ("beslutad", "finns"));
    assert_eq!(falun.activity_counts.done, 1);
    let u = falun.indicators.iter().find(|i| i.id == "U21468").unwrap();
    assert_eq!(
        (u.year, u.own, u.county, u.country),
        (2024, 90.0, Some(83.0), Some(81.0))
    );
    assert_eq!(u.arrow.as_deref(), Some("↗"));
    let mora = y.profiles.iter().find(|p| p.name == "Mora").unwrap();
    assert!(!mora.answered);
    assert!(mora.plan.is_none());
    assert!(mora.indicators.is_empty());
    let region = y.profiles.iter().find(|p| p.code.as_str() == "20").unwrap();
    assert!(
        region.plan.is_none(),
        "Falun's plan is Falun's, though the region is a party"
    );
    assert_eq!(region.party_to, 1);
}

#[test]
fn suggestions_say_what_the_numbers_say() {
    let y = model(&county());
    let s = suggestions(&y);
    assert!(
        s.iter()
            .any(|x| x.contains("D1") && x.contains("+1,50") && x.contains("2025")),
        "{s:?}"
    );
    assert!(
        s.iter().any(|x| x.contains("2 aktiviteter")
            && x.contains("1 är klara")
            && x.contains("1 är försenade")),
        "{s:?}"
    );
    let without = s.iter().find(|x| x.contains("systemledning")).unwrap();
    assert!(
        !without.contains("Falun") && without.contains("Mora"),
        "{without}"
    );
    assert!(s.iter().any(|x| x.contains("positivt")), "{s:?}");
    // The largest single move among the judged indicators (U70448 stayed within the threshold).
    assert!(
        s.iter().any(|x| x.contains(
            "(U21468) gick i länet från 80,0 (2023) till 83,0 (2024), en positiv utveckling"
        )),
        "{s:?}"
    );
    assert!(!s.iter().any(|x| x.contains("U70448")), "{s:?}");
}

#[test]
fn a_final_report_survives_being_stored() {
    let y = model(&county());
    let json = serde_json::to_string(&y).unwrap();
    let back: YearReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, y);
}

#[test]
fn without_a_round_the_self_assessment_is_empty_not_zero() {
    let c = county();
    let y = build(&Input {
        report: None,
        year: 2027,
        instrument: &c.inst,
        organisations: &c.orgs,
        catalogue: &c.catalogue,
        values: &c.values,
        activities: &c.activities,
        plans: &c.plans,
        today: Date::parse("2027-01-10").unwrap(),
        public_only: true,
    });
    assert!(y.round.is_none());
    assert!(y.chapters.iter().all(|c| c.assessment.mean.is_none()));
    assert!(y.profiles.iter().all(|p| !p.answered && p.index.is_none()));
    assert!(!suggestions(&y).iter().any(|x| x.contains("besvarat")));
    // Only public indicators: Dalarna's are all Kolada's, so all are kept.
    assert!(!y.indicators.is_empty());
}

#[test]
fn texts_are_checked_against_the_report() {
    let y = model(&county());
    let mut t = Texts {
        summary: vec![" Första ".into(), "  ".into(), "Andra".into()],
        ..Texts::default()
    };
    t.areas.insert(
        "D1".into(),
        AreaText {
            text: "Bra år.".into(),
            examples: vec!["A-AAAAAAAA".into()],
        },
    );
    t.areas.insert("D2".into(), AreaText::default());
    t.reflections
        .insert("2080".into(), "Vi har kommit långt.".into());
    let t = t.tidy();
    assert_eq!(t.summary, ["Första", "Andra"]);
    assert!(
        !t.areas.contains_key("D2"),
        "an empty delmål text is left out"
    );
    assert_eq!(t.check(&y), Ok(()));
    let mut bad = t.clone();
    bad.summary = vec!["x".into(); MAX_BULLETS + 1];
    bad.areas.get_mut("D1").unwrap().examples = vec!["A-CCCCCCCC".into()];
    bad.areas.insert(
        "D9".into(),
        AreaText {
            text: "?".into(),
            examples: vec![],
        },
    );
    bad.reflections.insert("9999".into(), "?".into());
    let problems = bad.check(&y).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        ["summary", "examples", "areas", "reflections"],
        "{problems:?}"
    );
    assert!(problems[1].message.contains("A-CCCCCCCC följer inte D1"));
}

#[test]
fn a_final_report_for_readers_drops_the_internal_indicators_as_a_public_build_would() {
    let mut c = county();
    let id = "U21468";
    let ind = (c.catalogue.indicators.iter_mut())
        .find(|i| i.id == id)
        .unwrap();
    ind.public = Some(false);
    let all = model(&c);
    assert!(all.indicators.iter().any(|n| n.indicator.id == id));
    let readers = all.clone().public_only();
    let built = build(&Input {
        year: 2026,
        instrument: &c.inst,
        report: Some(&c.report),
        organisations: &c.orgs,
        catalogue: &c.catalogue,
        values: &c.values,
        activities: &c.activities,
        plans: &c.plans,
        today: Date::parse("2026-11-26").unwrap(),
        public_only: true,
    });
    assert_eq!(readers, built);
    assert_ne!(readers, all, "the internal indicator was there to drop");
    let words = Words::new(&readers, &Texts::default());
    let text = serde_json::to_string(&words).unwrap();
    assert!(!text.contains(id), "no trace of {id} in the words");
}

#[test]
fn the_words_carry_the_numbers_of_the_model() {
    let c = county();
    let y = model(&c);
    let w = Words::new(&y, &Texts::default());
    assert_eq!(w.chapters.len(), y.chapters.len());
    for (cw, ch) in w.chapters.iter().zip(&y.chapters) {
        assert_eq!(cw.median, two(ch.assessment.median));
        assert_eq!(cw.counts.done, ch.activity_counts.done);
        for (iw, b) in cw.indicators.iter().zip(&ch.indicators) {
            let n = b.county.iter().filter(|p| p.value.is_some()).count();
            let charted = iw.chart.iter().filter(|p| p.county.is_some()).count();
            assert_eq!(n, charted, "{}: every county value is charted", iw.title);
            assert_eq!(iw.rows.len(), iw.chart.len());
        }
    }
    for (pw, p) in w.profiles.iter().zip(&y.profiles) {
        assert_eq!(pw.index, two(p.index));
        assert_eq!(pw.areas.len(), p.areas.len());
    }
    assert_eq!(
        y.sources,
        ["Kolada hämtat 1970-01-01"],
        "the values' fetch time"
    );
    assert_eq!(signed(Some(-0.001)), "±0,00");
    assert_eq!(signed(Some(-0.25)), "−0,25");
    assert_eq!(signed(Some(0.25)), "+0,25");
}

#[test]
fn a_self_assessment_within_the_threshold_is_said_to_be_unchanged_with_its_largest_move() {
    let mut y = model(&county());
    for c in &mut y.chapters {
        if c.assessment.change.is_some() {
            c.assessment.direction = Some("oförändrad".into());
        }
    }
    let s = suggestions(&y);
    let line = s
        .iter()
        .find(|x| x.contains("i stort sett oförändrad"))
        .unwrap();
    assert!(line.contains("sedan 2025") && line.contains("D1"), "{line}");
    assert!(!s.iter().any(|x| x.contains("har höjts mest")), "{s:?}");
}
