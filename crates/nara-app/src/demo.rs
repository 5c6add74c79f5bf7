//! `nara demo`: a realistic, deterministic demo in an empty database, so a newcomer sees a
//! living system at once and the benchmarks have data of a known size.
//!
//! What it makes, from a seed: every organisation with 2–6 units (or more, for a larger
//! demo), several rounds with plausible improvement over time, some units with several raters
//! and a consensus answer, some "vet ej" and blank answers (a few areas end up with too few
//! answers), free text, and in the newest round two to four organisations that have not answered.
//! Older rounds are published, the newest is open.

use nara_core::{Answer, AnswerSet, Response, RoundId, RoundStatus, StatementId, UnitName};
use nara_store::Store;

use crate::{Error, Result};

/// What to make.
#[derive(Debug, Clone)]
pub struct Options {
    /// The seed: the same seed gives the same demo.
    pub seed: u64,
    /// How many rounds (yearly, ending with `last_round`).
    pub rounds: usize,
    /// The newest round's year.
    pub last_round: u16,
    /// About how many units in all; `None` for 2–6 per organisation.
    pub units: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: 2026,
            rounds: 3,
            last_round: 2026,
            units: None,
        }
    }
}

/// What was made.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// The rounds, oldest first.
    pub rounds: Vec<String>,
    /// Units in all.
    pub units: usize,
    /// Forms stored in all.
    pub forms: usize,
    /// Made-up nyckeltal values stored (source "demo").
    pub indicator_values: usize,
    /// Made-up activities stored (with a local plan per kommun).
    pub activities: usize,
}

const KOMMUN_UNITS: &[&str] = &[
    "Hemtjänst Norr",
    "Hemtjänst Söder",
    "Hemsjukvården",
    "Särskilt boende Solgården",
    "Korttidsenheten",
    "Biståndsenheten",
    "Socialpsykiatrin",
    "LSS-boende Björken",
    "Rehabenheten",
    "Demensteamet",
];
const REGION_UNITS: &[&str] = &[
    "Vårdcentralen Centrum",
    "Vårdcentralen Norr",
    "Mobila teamet",
    "Barn- och ungdomspsykiatrin",
    "Geriatriska kliniken",
    "Närakuten",
];
const RATERS: &[&str] = &[
    "Enhetschef",
    "Sjuksköterska",
    "Undersköterska",
    "Arbetsterapeut",
];
const WORKS: &[&str] = &[
    "Vi har ett gott samarbete med vårdcentralen kring de mest sjuka äldre.",
    "Samordnad individuell plan används allt oftare.",
    "Brukarna är med och planerar sina insatser.",
    "Vi har kommit igång med digitala vårdmöten.",
    "Bra dialog i den lokala samverkansgruppen.",
];
const IMPROVE: &[&str] = &[
    "Vi behöver fler gemensamma utbildningsdagar med regionen.",
    "Informationsöverföringen vid utskrivning brister ibland.",
    "Svårt att rekrytera sjuksköterskor, det påverkar kontinuiteten.",
    "Uppföljningen av målen behöver bli tydligare.",
    "Anhöriga behöver involveras tidigare.",
];

/// Fills an empty database with a demo. Refuses a database that already has rounds, so it
/// never mixes demo answers into real ones.
pub async fn run(store: &dyn Store, opts: &Options) -> Result<Summary> {
    if opts.rounds == 0 || opts.rounds > 50 {
        return Err(Error::Invalid(format!(
            "Antalet omgångar måste vara mellan 1 och 50, inte {}.",
            opts.rounds
        )));
    }
    if let Some(r) = store.rounds().await?.first() {
        return Err(Error::Conflict(format!(
            "Databasen har redan omgången {}. Demon fyller bara en tom databas; ange en ny fil med --database-url.",
            r.id
        )));
    }
    let orgs = crate::organisations(store).await?.organisations;
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    // Units per organisation, each with a latent level per area and a yearly trend.
    struct Unit {
        name: String,
        base: Vec<f64>,
        trend: f64,
        raters: usize,
        consensus: bool,
    }
    let instruments = store.instruments().await?;
    let inst = instruments
        .last()
        .ok_or_else(|| Error::NotFound("Det finns inget instrument.".into()))?
        .clone();
    let (lo, hi) = (inst.scale_min(), inst.scale_max());
    let per_org = |rng: &mut fastrand::Rng| match opts.units {
        Some(n) => {
            (n / orgs.len().max(1)).max(1)
                + usize::from(rng.usize(..orgs.len().max(1)) < n % orgs.len().max(1))
        }
        None => rng.usize(2..=6),
    };
    let mut units: Vec<(usize, Vec<Unit>)> = Vec::new();
    for (oi, org) in orgs.iter().enumerate() {
        let names = if org.code.as_str().len() == 2 {
            REGION_UNITS
        } else {
            KOMMUN_UNITS
        };
        let n = per_org(&mut rng);
        let org_level = lo + (hi - lo) * (0.25 + 0.35 * rng.f64());
        let list = (0..n)
            .map(|k| Unit {
                name: if k < names.len() {
                    names[k].to_string()
                } else {
                    format!("{} {}", names[k % names.len()], k / names.len() + 1)
                },
                base: inst
                    .areas()
                    .iter()
                    .map(|_| org_level + (rng.f64() - 0.5) * 1.2)
                    .collect(),
                trend: 0.05 + rng.f64() * 0.2,
                raters: if rng.u8(..8) == 0 {
                    rng.usize(2..=3)
                } else {
                    1
                },
                consensus: rng.bool(),
            })
            .collect();
        units.push((oi, list));
    }
    // In the newest round two to four organisations have not answered yet.
    let mut missing: Vec<usize> = (0..orgs.len()).collect();
    rng.shuffle(&mut missing);
    missing.truncate(rng.usize(2..=4).min(orgs.len().saturating_sub(1)));
    let first = i32::from(opts.last_round) - opts.rounds as i32 + 1;
    let mut summary = Summary {
        units: units.iter().map(|(_, u)| u.len()).sum(),
        ..Summary::default()
    };
    let statements: Vec<(usize, StatementId)> = inst
        .areas()
        .iter()
        .enumerate()
        .flat_map(|(ai, a)| a.statements.iter().map(move |s| (ai, s.id.clone())))
        .collect();
    for (ri, year) in (first..=i32::from(opts.last_round)).enumerate() {
        let id = RoundId::parse(&year.to_string())?;
        let newest = ri + 1 == opts.rounds;
        crate::rounds::create(
            store,
            id,
            Some((inst.id(), inst.version())),
            None,
            None,
            "demo",
        )
        .await?;
        crate::rounds::set_status(store, id, RoundStatus::Open, "demo").await?;
        summary.rounds.push(id.to_string());
        for (oi, list) in &units {
            let org = &orgs[*oi];
            if newest && missing.contains(oi) {
                continue;
            }
            for (ui, unit) in list.iter().enumerate() {
                // Now and then a unit skips a round.
                if rng.u8(..12) == 0 {
                    continue;
                }
                // One area of the odd unit is mostly "vet ej": too few answers there.
                let thin_area = (rng.u8(..10) == 0).then(|| rng.usize(..inst.areas().len()));
                let mut sets = Vec::new();
                for k in 0..unit.raters {
                    let mut set = AnswerSet::default();
                    for (ai, sid) in &statements {
                        let roll = rng.f64();
                        if thin_area == Some(*ai) && roll < 0.7 || roll < 0.04 {
                            set.answers.insert(sid.clone(), Answer::NotApplicable);
                            continue;
                        }
                        if roll < 0.06 {
                            continue; // left blank
                        }
                        let mut latent =
                            unit.base[*ai] + unit.trend * ri as f64 + (rng.f64() - 0.5) * 1.4;
                        // Now and then a second rater sees a statement quite differently.
                        if k > 0 && rng.u8(..10) == 0 {
                            latent += if latent < (lo + hi) / 2.0 { 2.0 } else { -2.0 };
                        }
                        let v = latent.round().clamp(lo, hi) as u8;
                        set.answers.insert(sid.clone(), Answer::Level(v));
                    }
                    for a in inst.areas() {
                        if rng.u8(..6) == 0 {
                            let text = if rng.bool() { WORKS } else { IMPROVE };
                            set.comments
                                .insert(a.id.clone(), text[rng.usize(..text.len())].to_string());
                        }
                    }
                    if rng.u8(..8) == 0
                        && let Some((_, sid)) = statements.get(rng.usize(..statements.len()))
                    {
                        set.notes
                            .insert(sid.clone(), "Gäller främst kvällar och helger.".into());
                    }
                    sets.push(set);
                }
                let mut forms: Vec<(String, bool, AnswerSet)> = Vec::new();
                if unit.raters == 1 {
                    forms.push((String::new(), false, sets.remove(0)));
                } else {
                    if unit.consensus {
                        // The agreed answer the raters settled on (here: the first rater's).
                        forms.push(("".into(), true, sets[0].clone()));
                    }
                    for (k, set) in sets.into_iter().enumerate() {
                        forms.push((RATERS[k % RATERS.len()].to_string(), false, set));
                    }
                }
                for (rater, consensus, set) in forms {
                    let response = Response {
                        round: id,
                        org: org.code.clone(),
                        unit: UnitName::parse(&unit.name)?,
                        rater,
                        participants: format!("Arbetsgruppen på {}", unit.name),
                        date: format!("{year}-{:02}-{:02}", 3 + ui % 3, 1 + (ui * 7) % 28),
                        instrument_id: inst.id().to_string(),
                        instrument_version: inst.version().to_string(),
                        consensus,
                        set,
                    };
                    let hash = crate::import::content_hash(&response);
                    store
                        .store_response(&response, &hash, "demo", "demo")
                        .await?;
                    summary.forms += 1;
                }
            }
        }
        if !newest {
            crate::rounds::set_status(store, id, RoundStatus::Closed, "demo").await?;
            crate::rounds::set_status(store, id, RoundStatus::Published, "demo").await?;
        }
    }
    summary.indicator_values = indicators(store, &orgs, opts.last_round, opts.seed).await?;
    summary.activities = activities(store, &orgs, &summary.rounds, opts.seed).await?;
    year_texts(store, opts.last_round).await?;
    Ok(summary)
}

/// The coordinator's draft texts of the newest year's årsrapport, so the demo shows a complete
/// report: Nära's own suggestions as the summary, a short text and up to two good examples per
/// delmål, and two organisations' reflections — each marked as demo text.
async fn year_texts(store: &dyn Store, year: u16) -> Result<()> {
    use nara_core::yearly::{AreaText, Texts, suggestions};
    let report = crate::yearly::live(store, year).await?;
    let mut texts = Texts {
        summary: suggestions(&report).into_iter().take(4).collect(),
        ..Texts::default()
    };
    for c in &report.chapters {
        let examples: Vec<String> = (c.activities.iter())
            .filter(|a| !a.result.is_empty())
            .take(2)
            .map(|a| a.id.clone())
            .collect();
        let text = format!(
            "(Demotext.) Under året har arbetet med {} fortsatt. {} aktiviteter följer delmålet;              de goda exemplen visar hur kommunerna och regionen arbetar tillsammans.",
            c.name.to_lowercase(),
            c.activities.len()
        );
        texts
            .areas
            .insert(c.id.to_string(), AreaText { text, examples });
    }
    let refused = |p: Vec<nara_core::activity::FieldProblem>| {
        Error::Invalid(format!(
            "Demons texter till årsrapporten gick inte igenom: {}",
            (p.iter().map(|x| x.message.as_str()))
                .collect::<Vec<_>>()
                .join(" ")
        ))
    };
    crate::yearly::save_texts(store, year, texts, "demo")
        .await?
        .map_err(refused)?;
    for p in report.profiles.iter().skip(1).take(2) {
        let text = format!(
            "(Demotext.) I {} har vi under året byggt upp samverkan kring de mest sjuka \
             äldre. Nästa steg är gemensamma rutiner med hälsocentralen.",
            p.name
        );
        crate::yearly::save_reflection(store, year, &p.code, &text, "demo")
            .await?
            .map_err(refused)?;
    }
    Ok(())
}

/// The source the made-up nyckeltal are stored under, so no one takes them for Kolada's.
pub const DEMO_SOURCE: &str = "demo (påhittade värden)";

/// Stores made-up values of the catalogue's indicators for the seven years before the newest
/// round, for every organisation of each indicator's level, the county and the country: a
/// plausible level per place, a drift per year, a value missing now and then, and for local
/// indicators a count of cases (some below the minimum, so the pages show the hiding).
async fn indicators(
    store: &dyn Store,
    orgs: &[nara_core::Organisation],
    last_round: u16,
    seed: u64,
) -> Result<usize> {
    use nara_core::indicator::kolada::{Gender, Value};
    use nara_core::indicator::{Source, Unit};
    use nara_core::org::KOLADA_COUNTRY;

    let catalogue = crate::indicator_view::catalogue(store).await?;
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x6e79_636b);
    let years = (last_round.saturating_sub(7))..last_round;
    let mut values = Vec::new();
    for ind in &catalogue.indicators {
        let (lo, hi) = match ind.unit {
            Unit::Andel => (20.0, 90.0),
            Unit::Per100000 => (400.0, 2500.0),
            Unit::Antal => (1.0, 15.0),
            Unit::KrPerInv => (2000.0, 12000.0),
        };
        let drift = (hi - lo) * (rng.f64() - 0.4) * 0.03;
        let country = lo + (hi - lo) * (0.3 + 0.4 * rng.f64());
        let places = (orgs.iter())
            .filter(|o| nara_core::indicator::view::applies(ind.level, o.kind))
            .map(|o| (o.kolada_id(), 0.25))
            .chain(
                (orgs.iter())
                    .filter(|o| o.kind == nara_core::OrgKind::Region)
                    .map(|o| (o.kolada_id(), 0.05)),
            )
            .chain([(KOLADA_COUNTRY.to_string(), 0.0)]);
        let mut seen = std::collections::HashSet::new();
        for (place, spread) in places {
            if !seen.insert(place.clone()) {
                continue;
            }
            let base = country * (1.0 + spread * (rng.f64() - 0.5) * 2.0);
            for (i, year) in years.clone().enumerate() {
                let noise = (hi - lo) * 0.02 * (rng.f64() - 0.5);
                let x = (base + drift * i as f64 + noise).clamp(lo * 0.5, hi * 1.1);
                let missing = place != KOLADA_COUNTRY && rng.u8(..25) == 0;
                let (value, cases) = match ind.source {
                    Source::Kolada => (Some((x * 10.0).round() / 10.0), None),
                    Source::Lokal => (Some(x.round()), Some(rng.u32(4..60))),
                };
                values.push(Value {
                    kpi: ind.id.clone(),
                    municipality: place.clone(),
                    period: year,
                    gender: Gender::T,
                    status: String::new(),
                    value: if missing { None } else { value },
                    cases,
                    deleted: false,
                });
            }
        }
    }
    let new: Vec<nara_store::NewValue> = (values.iter())
        .map(|value| nara_store::NewValue {
            value,
            published: None,
        })
        .collect();
    store
        .put_indicator_values(&new, DEMO_SOURCE, "demo")
        .await?;
    Ok(values.len())
}

const ACTIVITIES: &[(&str, &str, &str)] = &[
    (
        "D1",
        "arbetssätt",
        "Gemensam hembesöksrutin med hälsocentralen",
    ),
    ("D1", "kompetens", "Utbildning i personcentrerat arbetssätt"),
    (
        "D2",
        "samverkansstruktur",
        "Samordnad individuell plan vid utskrivning",
    ),
    ("D2", "digitalisering", "Digitala vårdmöten i hemsjukvården"),
    (
        "D3",
        "hälsofrämjande",
        "Förebyggande hembesök för 80-åringar",
    ),
    ("D3", "arbetssätt", "Fallprevention i särskilt boende"),
    (
        "D4",
        "samverkansstruktur",
        "Lokal samverkansgrupp med regionen",
    ),
    ("D5", "kompetens", "Gemensam introduktion för nyanställda"),
];

/// Stores made-up activities: a local plan per kommun with the region, two to four activities
/// per kommun with plausible statuses and dates, and a follow-up in each round.
async fn activities(
    store: &dyn Store,
    orgs: &[nara_core::Organisation],
    rounds: &[String],
    seed: u64,
) -> Result<usize> {
    use nara_core::activity::{
        Activity, ActivityStatus, Category, FollowUp, LocalPlan, PlanStatus, RecordId,
        Systemledning,
    };
    use nara_core::round::Date;
    use nara_core::{AreaId, OrgKind};

    let mut rng = fastrand::Rng::with_seed(seed ^ 0x0061_6b74);
    let region = orgs.iter().find(|o| o.kind == OrgKind::Region);
    let Some(last) = rounds.last().and_then(|r| r.get(..4)?.parse::<u16>().ok()) else {
        return Ok(0);
    };
    let date = |y: u16, m: u8| Date::parse(&format!("{y:04}-{m:02}-01"));
    let mut batch = nara_store::ActivityBatch::default();
    for org in orgs.iter().filter(|o| o.kind == OrgKind::Kommun) {
        let plan = RecordId::new('P', rng.u64(..));
        let decided = rng.u8(..4) != 0;
        batch.plans.push(LocalPlan {
            id: plan.clone(),
            name: format!(
                "Lokal plan i samverkan {} {}–{}",
                org.name,
                last - 1,
                last + 1
            ),
            parties: std::iter::once(org.code.clone())
                .chain(region.map(|r| r.code.clone()))
                .collect(),
            partners: vec!["Hälsocentralerna i kommunen".into()],
            start: date(last - 1, 1)?,
            end: Some(Date::parse(&format!("{}-12-31", last + 1))?),
            status: if decided {
                PlanStatus::Beslutad
            } else {
                PlanStatus::Utkast
            },
            decided_by: if decided {
                "Lokala samverkansnämnden".into()
            } else {
                String::new()
            },
            decided_on: if decided {
                Some(date(last - 2, 12)?)
            } else {
                None
            },
            link: String::new(),
            systemledning: [
                Systemledning::Finns,
                Systemledning::UnderUppbyggnad,
                Systemledning::Saknas,
            ][rng.usize(..3)],
            areas: vec![AreaId::parse("D1")?, AreaId::parse("D2")?],
        });
        let mut picks: Vec<usize> = (0..ACTIVITIES.len()).collect();
        rng.shuffle(&mut picks);
        for (k, &pick) in picks.iter().take(rng.usize(2..=4)).enumerate() {
            let (area, category, title) = ACTIVITIES[pick];
            let status = [
                ActivityStatus::Planerad,
                ActivityStatus::Pagar,
                ActivityStatus::Pagar,
                ActivityStatus::Klar,
                ActivityStatus::Pausad,
            ][rng.usize(..5)];
            let id = RecordId::new('A', rng.u64(..));
            let start = date(last - 1, 1 + rng.u8(..10))?;
            // The first ends before the newest round's year: unless done, it is late.
            let end = if k == 0 {
                date(last - 1, 12)?
            } else {
                date(last, 1 + rng.u8(..12))?
            };
            for r in rounds {
                batch.followups.push(FollowUp {
                    activity: id.clone(),
                    round: nara_core::RoundId::parse(r)?,
                    status: if r == rounds.last().map_or("", String::as_str) {
                        status
                    } else {
                        ActivityStatus::Planerad
                    },
                    comment: String::new(),
                });
            }
            batch.activities.push(Activity {
                id,
                title: title.to_string(),
                description: format!("{title} i {}.", org.name),
                owner: org.code.clone(),
                partners: vec!["Region Dalarna".into()],
                areas: vec![AreaId::parse(area)?],
                statements: Vec::new(),
                indicators: Vec::new(),
                category: Category::from_word(category).unwrap_or(Category::Annat),
                target_group: "Äldre med omfattande behov".into(),
                responsible_role: "Enhetschef".into(),
                responsible_name: String::new(),
                planned_start: Some(start),
                planned_end: Some(end),
                status,
                expected_effect: "Färre oplanerade inläggningar.".into(),
                result: if status == ActivityStatus::Klar {
                    "Genomförd enligt plan.".into()
                } else {
                    String::new()
                },
                plan: Some(plan.clone()),
            });
        }
    }
    let n = batch.activities.len();
    store.save_activities(&batch, "demo").await?;
    Ok(n)
}
