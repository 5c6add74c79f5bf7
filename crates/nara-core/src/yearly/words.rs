//! The årsrapport in words: the model and the coordinator's texts turned into the sentences,
//! table cells and chart data the web page and the PDF both show, so the two never differ.
//! Numbers are written here once (decimal comma, a real minus sign, "–" for what is missing,
//! never 0).

use serde::Serialize;

use super::{Chapter, Profile, StatementLine, Texts, YearReport};
use crate::fmt::decimal;

/// The reading guide: the three methods, the arrows, the caution, the suppression rule.
pub const READING: [&str; 3] = [
    "Omställningen till God och nära vård följs upp på tre sätt: nyckeltal ur Kolada och \
     regionens egna källor, aktiviteter som organisationerna planerar och följer upp, och en \
     självskattning där verksamheterna bedömer hur väl påståenden stämmer för dem (skala 1–4).",
    "Pilarna visar nyckeltalets riktning sedan året innan: ↗ positiv utveckling, → oförändrad, \
     ↘ negativ utveckling – bedömt efter vad som är bättre för just det nyckeltalet. En ändring \
     på mindre än en procentenhet (för andelar) eller två procent (för annat) räknas som \
     oförändrad. Ett värde som vilar på för få fall visas inte.",
    "Självskattningen är organisationernas egen bild. Små skillnader mellan organisationer eller \
     år säger lite; läs siffrorna tillsammans med kommentarerna.",
];

/// How the self-assessment is scored, for "Om statistiken".
pub const METHOD: &str = "Självskattningen räknas så: varje svar ger ett värde 1–4, ”vet ej / ej \
    aktuellt” räknas inte; en verksamhets delmål får ett medelvärde när tillräckligt många \
    påståenden är besvarade; en organisation är medelvärdet av sina verksamheter och länet \
    medelvärdet av organisationerna, där varje organisation räknas en gång.";

/// The whole report in words.
#[derive(Debug, Clone, Serialize)]
pub struct Words {
    /// "Årsrapport 2026 – God och nära vård i Dalarna".
    pub title: String,
    /// The self-assessment round in words.
    pub round: String,
    /// The day the activities' status is counted on.
    pub status_day: String,
    /// When each source of the indicators was fetched, in one line.
    pub sources: String,
    /// The summary's bullets.
    pub summary: Vec<String>,
    /// The chapters.
    pub chapters: Vec<ChapterWords>,
    /// The organisations.
    pub profiles: Vec<ProfileWords>,
    /// "Om statistiken": one row per indicator.
    pub notes: Vec<NoteWords>,
}

/// Planerade, pågår, klara, försenade.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CountWords {
    /// Planerade.
    pub planned: usize,
    /// Pågår.
    pub ongoing: usize,
    /// Klara.
    pub done: usize,
    /// Försenade.
    pub late: usize,
}

/// One year of an indicator's chart: the county and the country.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ChartPoint {
    /// The year.
    pub year: u16,
    /// The county's value.
    pub county: Option<f64>,
    /// The country's value.
    pub country: Option<f64>,
}

/// An indicator in a chapter.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorWords {
    /// "Title (U21468)".
    pub title: String,
    /// "82,4 (2025)" or "indikatorn är under utveckling".
    pub value: String,
    /// "↗ positiv" or "–".
    pub arrow: String,
    /// The country's value the same year.
    pub country: String,
    /// "Källa: Kolada (U21468), 2019–2025."
    pub caption: String,
    /// The unit, for the chart's axis ("%", "antal" …).
    pub unit: String,
    /// The chart's data: every year either place has a value, oldest first.
    pub chart: Vec<ChartPoint>,
    /// The same numbers in words, one row per year: year, county, country.
    pub rows: Vec<[String; 3]>,
    /// The kommuner in the newest year: name, value.
    pub kommuner: Vec<[String; 2]>,
    /// The year of `kommuner`.
    pub kommun_year: String,
}

/// A statement: id, text, mean.
#[derive(Debug, Clone, Serialize)]
pub struct StatementWords {
    /// `D1.3`.
    pub id: String,
    /// The text.
    pub text: String,
    /// "3,12".
    pub mean: String,
}

/// An activity in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityWords {
    /// The title.
    pub title: String,
    /// The owner.
    pub org: String,
    /// The status in words.
    pub status: String,
    /// Whether it is late.
    pub late: bool,
    /// The result achieved (for good examples).
    pub result: String,
}

/// One delmål.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterWords {
    /// `D1`.
    pub id: String,
    /// `D1 Nära för mig`.
    pub heading: String,
    /// The anchor on the web page.
    pub anchor: String,
    /// The aim.
    pub goal: String,
    /// "↗ 2 · → 1 · ↘ 0".
    pub arrows: String,
    /// The county median.
    pub median: String,
    /// "+0,12 (upp)" or "–".
    pub change: String,
    /// Mean, range and how many organisations.
    pub stats: String,
    /// Activities by status.
    pub counts: CountWords,
    /// The indicators.
    pub indicators: Vec<IndicatorWords>,
    /// Every rating of the delmål's statements: label, count.
    pub levels: Vec<(String, usize)>,
    /// The highest rated statements.
    pub strongest: Vec<StatementWords>,
    /// The lowest rated statements.
    pub weakest: Vec<StatementWords>,
    /// Every activity.
    pub activities: Vec<ActivityWords>,
    /// The good examples the coordinator picked.
    pub examples: Vec<ActivityWords>,
    /// The coordinator's text, paragraph by paragraph.
    pub text: Vec<String>,
}

/// One delmål on a profile: id, own mean, county mean, and both as numbers for the chart.
#[derive(Debug, Clone, Serialize)]
pub struct AreaWords {
    /// `D1`.
    pub id: String,
    /// The organisation's mean in words.
    pub own: String,
    /// The county's mean in words.
    pub county: String,
    /// The organisation's mean.
    pub own_value: Option<f64>,
    /// The county's mean.
    pub county_value: Option<f64>,
}

/// One organisation.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileWords {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The anchor on the web page.
    pub anchor: String,
    /// "ja" / "nej".
    pub answered: &'static str,
    /// Its index.
    pub index: String,
    /// Its local plan and status, or its part in the kommuner's plans.
    pub plan: String,
    /// Systemledning.
    pub systemledning: String,
    /// Per delmål.
    pub areas: Vec<AreaWords>,
    /// Indicators: title, year, own, county, country, arrow.
    pub indicators: Vec<[String; 6]>,
    /// Its activities.
    pub activities: Vec<ActivityWords>,
    /// Its reflections, paragraph by paragraph.
    pub reflections: Vec<String>,
}

/// "Om statistiken": one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct NoteWords {
    /// The title.
    pub title: String,
    /// The id.
    pub id: String,
    /// The source.
    pub source: &'static str,
    /// "högre är bättre" …
    pub direction: &'static str,
    /// The level.
    pub level: &'static str,
    /// The delmål it follows.
    pub areas: String,
    /// The newest year, or "under utveckling".
    pub newest: String,
    /// The source's publication date, or "–".
    pub published: String,
    /// The note.
    pub note: String,
}

/// A number with two decimals, "–" when missing.
pub fn two(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| decimal(v, 2))
}

/// A value of an indicator with one decimal, "–" when missing.
pub fn one(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| decimal(v, 1))
}

/// A change with its sign and a real minus sign.
pub fn signed(x: Option<f64>) -> String {
    match x {
        Some(d) if d < 0.0 && decimal(-d, 2) != "0,00" => format!("−{}", decimal(-d, 2)),
        Some(d) if d < 0.0 => "±0,00".into(),
        Some(d) => format!("+{}", decimal(d, 2)),
        None => "–".into(),
    }
}

/// Text split into paragraphs at blank lines.
pub fn paragraphs(s: &str) -> Vec<String> {
    (s.split("\n\n").map(str::trim))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

impl Words {
    /// The report and its texts in words.
    pub fn new(r: &YearReport, texts: &Texts) -> Self {
        Self {
            title: format!("Årsrapport {} – God och nära vård i {}", r.year, r.county),
            round: match (r.round, r.previous_round) {
                (Some(c), Some(p)) => format!("Omgång {c}, jämförd med {p} ({})", r.instrument),
                (Some(c), None) => format!("Omgång {c} ({})", r.instrument),
                _ => "Ingen omgång detta år".into(),
            },
            status_day: r.today.to_string(),
            sources: if r.sources.is_empty() {
                "Inga nyckeltal hämtade".into()
            } else {
                r.sources.join("; ")
            },
            summary: texts.summary.clone(),
            chapters: r.chapters.iter().map(|c| chapter(c, texts)).collect(),
            profiles: r.profiles.iter().map(|p| profile(p, r, texts)).collect(),
            notes: (r.indicators.iter())
                .map(|n| NoteWords {
                    title: n.indicator.title.clone(),
                    id: n.indicator.id.clone(),
                    source: n.indicator.source.label(),
                    direction: n.indicator.direction.label(),
                    level: n.indicator.level.label(),
                    areas: n.areas.clone(),
                    newest: n
                        .newest_year
                        .map_or_else(|| "under utveckling".into(), |y| y.to_string()),
                    published: n.published.clone().unwrap_or_else(|| "–".into()),
                    note: n.indicator.note.clone().unwrap_or_default(),
                })
                .collect(),
        }
    }
}

fn statements(v: &[StatementLine]) -> Vec<StatementWords> {
    (v.iter())
        .map(|s| StatementWords {
            id: s.id.clone(),
            text: s.text.clone(),
            mean: decimal(s.mean, 2),
        })
        .collect()
}

fn activity(x: &super::ActivityLine) -> ActivityWords {
    ActivityWords {
        title: x.title.clone(),
        org: x.org.clone(),
        status: x.status.clone(),
        late: x.late,
        result: x.result.clone(),
    }
}

fn indicator(b: &super::IndicatorBlock) -> IndicatorWords {
    let year = b.latest.map(|l| l.0);
    let country = year.and_then(|y| b.country.iter().find(|p| p.year == y));
    let mut years: Vec<u16> = (b.county.iter().chain(&b.country))
        .filter(|p| p.value.is_some())
        .map(|p| p.year)
        .collect();
    years.sort_unstable();
    years.dedup();
    let at = |s: &[super::Point], y: u16| s.iter().find(|p| p.year == y).and_then(|p| p.value);
    let chart: Vec<ChartPoint> = (years.iter())
        .map(|&y| ChartPoint {
            year: y,
            county: at(&b.county, y),
            country: at(&b.country, y),
        })
        .collect();
    IndicatorWords {
        title: format!("{} ({})", b.indicator.title, b.indicator.id),
        value: match b.latest {
            Some((y, x)) => format!("{} ({y})", decimal(x, 1)),
            None => "indikatorn är under utveckling".into(),
        },
        arrow: match (&b.arrow, b.judgement) {
            (Some(a), Some(j)) => format!("{a} {}", j.label()),
            _ => "–".into(),
        },
        country: one(country.and_then(|p| p.value)),
        caption: b.caption.clone(),
        unit: b.indicator.unit.label().to_string(),
        rows: (chart.iter())
            .map(|p| [p.year.to_string(), one(p.county), one(p.country)])
            .collect(),
        chart,
        kommuner: (b.kommuner.iter())
            .map(|(name, v)| [name.clone(), one(*v)])
            .collect(),
        kommun_year: b.kommun_year.map(|y| y.to_string()).unwrap_or_default(),
    }
}

fn chapter(c: &Chapter, texts: &Texts) -> ChapterWords {
    let a = &c.assessment;
    let written = texts.areas.get(c.id.as_str());
    let picked = written.map(|w| w.examples.as_slice()).unwrap_or_default();
    let n = &c.activity_counts;
    ChapterWords {
        id: c.id.to_string(),
        heading: format!("{} {}", c.id, c.name),
        anchor: format!("delmal-{}", c.id),
        goal: c.goal.clone(),
        arrows: format!(
            "↗ {} · → {} · ↘ {}",
            c.arrows.positive, c.arrows.unchanged, c.arrows.negative
        ),
        median: two(a.median),
        change: match &a.direction {
            Some(d) => format!("{} ({d})", signed(a.change)),
            None => "–".into(),
        },
        stats: match (a.mean, a.range) {
            (Some(m), Some((lo, hi))) => format!(
                "Medelvärde {}, från {} till {}, {} organisationer med medelvärde.",
                decimal(m, 2),
                decimal(lo, 2),
                decimal(hi, 2),
                a.orgs_scored
            ),
            _ => "Ingen självskattning med tillräckligt många svar.".into(),
        },
        counts: CountWords {
            planned: n.planned,
            ongoing: n.ongoing,
            done: n.done,
            late: n.late,
        },
        indicators: c.indicators.iter().map(indicator).collect(),
        levels: a.levels.clone(),
        strongest: statements(&a.strongest),
        weakest: statements(&a.weakest),
        activities: c.activities.iter().map(activity).collect(),
        examples: (picked.iter())
            .filter_map(|id| c.activities.iter().find(|x| &x.id == id))
            .map(activity)
            .collect(),
        text: paragraphs(written.map(|w| w.text.as_str()).unwrap_or_default()),
    }
}

fn profile(p: &Profile, r: &YearReport, texts: &Texts) -> ProfileWords {
    ProfileWords {
        code: p.code.to_string(),
        name: p.name.clone(),
        anchor: format!("org-{}", p.code),
        answered: if p.answered { "ja" } else { "nej" },
        index: two(p.index),
        plan: match (&p.plan, p.party_to) {
            (Some((name, status, _)), _) => format!("{name} ({status})"),
            (None, 0) => "Ingen lokal plan registrerad".into(),
            (None, 1) => "Part i en kommuns lokala plan".into(),
            (None, n) => format!("Part i {n} kommuners lokala planer"),
        },
        systemledning: p.plan.as_ref().map_or("–".into(), |x| x.2.clone()),
        areas: (r.chapters.iter().zip(&p.areas))
            .map(|(c, own)| AreaWords {
                id: c.id.to_string(),
                own: two(*own),
                county: two(c.assessment.mean),
                own_value: *own,
                county_value: c.assessment.mean,
            })
            .collect(),
        indicators: (p.indicators.iter())
            .map(|i| {
                [
                    format!("{} ({})", i.title, i.id),
                    i.year.to_string(),
                    decimal(i.own, 1),
                    one(i.county),
                    one(i.country),
                    i.arrow.clone().unwrap_or_else(|| "–".into()),
                ]
            })
            .collect(),
        activities: p.activities.iter().map(activity).collect(),
        reflections: paragraphs(
            (texts.reflections.get(p.code.as_str()))
                .map(String::as_str)
                .unwrap_or_default(),
        ),
    }
}
