//! The årsrapport: the region's yearly report joining the three follow-up methods — nyckeltal,
//! självskattning and aktiviteter — per delmål, with an overview, one chapter per delmål, a
//! profile per organisation and a note on every indicator. [`build`] makes the model from the
//! data of one year; it holds plain numbers and words (no references into the data), so a report
//! marked final can be stored as it is and shown unchanged however the data change later. Every
//! number in it comes from the scoring, the roll-up and the indicator view of this crate.

use serde::{Deserialize, Serialize};

use crate::activity::{Activity, Counts, LocalPlan, counts};
use crate::ids::{AreaId, OrgCode, RoundId};
use crate::indicator::view::{Judgement, Series, Values, applies, caption, movement};
use crate::indicator::{Catalogue, Indicator, Level};
use crate::instrument::Instrument;
use crate::org::{KOLADA_COUNTRY, OrgKind, Organisation};
use crate::report::RoundReport;
use crate::round::Date;

mod suggest;
#[cfg(test)]
mod tests;
mod texts;
mod words;

pub use suggest::suggestions;
pub use texts::{AreaText, MAX_BULLETS, MAX_EXAMPLES, MAX_TEXT, Texts};
pub use words::{
    ActivityWords, AreaWords, ChapterWords, ChartPoint, CountWords, IndicatorWords, METHOD,
    NoteWords, ProfileWords, READING, StatementWords, Words, one, paragraphs, signed, two,
};

/// What a year's report is made from.
pub struct Input<'a> {
    /// The year reported on.
    pub year: u16,
    /// The instrument of the year's self-assessment (its delmål are the chapters).
    pub instrument: &'a Instrument,
    /// The year's self-assessment round, when there is one the reader may see.
    pub report: Option<&'a RoundReport>,
    /// The organisations, in the order to show.
    pub organisations: &'a [Organisation],
    /// The indicators.
    pub catalogue: &'a Catalogue,
    /// Their stored values.
    pub values: &'a Values,
    /// Every activity.
    pub activities: &'a [Activity],
    /// Every local plan.
    pub plans: &'a [LocalPlan],
    /// The day "försenad" is judged on.
    pub today: Date,
    /// Only the public indicators.
    pub public_only: bool,
}

/// How many indicators moved each way (by their direction).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrowCounts {
    /// ↗ the right way.
    pub positive: usize,
    /// → within the threshold.
    pub unchanged: usize,
    /// ↘ the wrong way.
    pub negative: usize,
    /// Neutral indicators (volumes) and those without two values to compare.
    pub not_judged: usize,
}

/// One year's value of a place.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The year.
    pub year: u16,
    /// The value; `None` when missing or hidden for too few cases.
    pub value: Option<f64>,
}

/// One indicator in a chapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorBlock {
    /// The indicator as the catalogue has it.
    pub indicator: Indicator,
    /// The county's series (the region's Kolada id), oldest first.
    pub county: Vec<Point>,
    /// The country's series.
    pub country: Vec<Point>,
    /// The newest year the county has a value, with it.
    pub latest: Option<(u16, f64)>,
    /// The move of the county's value to its newest: the arrow (↗ → ↘) and what it means.
    pub arrow: Option<String>,
    /// "positiv", "oförändrad", "negativ" or "ingen bedömning".
    pub judgement: Option<Judgement>,
    /// The kommuner's values in the newest year any kommun has one (kommun-level indicators).
    pub kommuner: Vec<(String, Option<f64>)>,
    /// The year of `kommuner`.
    pub kommun_year: Option<u16>,
    /// "Källa: Kolada (U21468), 2015–2024."
    pub caption: String,
    /// No value at all: "indikatorn är under utveckling".
    pub under_development: bool,
}

/// A statement with its county mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementLine {
    /// `D1.3`.
    pub id: String,
    /// The text.
    pub text: String,
    /// The mean of every rating given.
    pub mean: f64,
}

/// The self-assessment of one delmål in the county.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfAssessment {
    /// The mean of the organisations' means.
    pub mean: Option<f64>,
    /// Their median.
    pub median: Option<f64>,
    /// The lowest and highest organisation.
    pub range: Option<(f64, f64)>,
    /// How many organisations are scored.
    pub orgs_scored: usize,
    /// The change of the county mean since the previous round.
    pub change: Option<f64>,
    /// "upp", "ner" or "oförändrad" under the instrument's threshold.
    pub direction: Option<String>,
    /// Every rating of the delmål's statements by level (scale order), with its label.
    pub levels: Vec<(String, usize)>,
    /// The highest rated statements (up to three).
    pub strongest: Vec<StatementLine>,
    /// The lowest rated statements (up to three).
    pub weakest: Vec<StatementLine>,
}

/// An activity as a chapter lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityLine {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The owner's name.
    pub org: String,
    /// The status in words, with "försenad" when late.
    pub status: String,
    /// Whether it is late.
    pub late: bool,
    /// Its achieved result (for good examples).
    pub result: String,
}

/// One delmål: the overview's row and the chapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    /// `D1`.
    pub id: AreaId,
    /// Its name.
    pub name: String,
    /// Its aim in one sentence.
    pub goal: String,
    /// The strategy's description.
    pub description: String,
    /// The indicators that follow it.
    pub indicators: Vec<IndicatorBlock>,
    /// How they moved.
    pub arrows: ArrowCounts,
    /// The self-assessment.
    pub assessment: SelfAssessment,
    /// The activities that follow it.
    pub activities: Vec<ActivityLine>,
    /// Their counts by status.
    pub activity_counts: Counts,
}

/// One kommun-level indicator on an organisation's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileIndicator {
    /// `U21468`.
    pub id: String,
    /// The title.
    pub title: String,
    /// The year of the values.
    pub year: u16,
    /// The organisation's value.
    pub own: f64,
    /// The county's value that year.
    pub county: Option<f64>,
    /// The country's value that year.
    pub country: Option<f64>,
    /// The arrow of the organisation's own move.
    pub arrow: Option<String>,
}

/// One organisation: the overview's row and its profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Its code.
    pub code: OrgCode,
    /// Its name.
    pub name: String,
    /// Whether it answered the year's self-assessment.
    pub answered: bool,
    /// Its index.
    pub index: Option<f64>,
    /// Its mean per delmål, in the chapters' order.
    pub areas: Vec<Option<f64>>,
    /// Its newest local plan: name, status, systemledning (for the region, only a plan no
    /// kommun is a party to).
    pub plan: Option<(String, String, String)>,
    /// How many local plans it is a party to.
    pub party_to: usize,
    /// Its activities' counts.
    pub activity_counts: Counts,
    /// Its activities.
    pub activities: Vec<ActivityLine>,
    /// Up to eight indicators with a value for it.
    pub indicators: Vec<ProfileIndicator>,
}

/// An indicator in "Om statistiken".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorNote {
    /// The indicator.
    pub indicator: Indicator,
    /// The delmål it follows, as words.
    pub areas: String,
    /// The newest year with any value.
    pub newest_year: Option<u16>,
    /// The publication date the source gave (Kolada's), when known.
    #[serde(default)]
    pub published: Option<String>,
}

/// The model of a year's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearReport {
    /// The year.
    pub year: u16,
    /// The self-assessment round, when there is one.
    pub round: Option<RoundId>,
    /// The round compared with, when there is one.
    pub previous_round: Option<RoundId>,
    /// The instrument's name.
    pub instrument: String,
    /// The county's name.
    pub county: String,
    /// The county's index (mean of the organisations').
    pub county_index: Option<f64>,
    /// One per delmål, in the instrument's order.
    pub chapters: Vec<Chapter>,
    /// One per organisation.
    pub profiles: Vec<Profile>,
    /// Every indicator shown.
    pub indicators: Vec<IndicatorNote>,
    /// The day "försenad" was judged on.
    pub today: Date,
    /// When each source of the indicators was last fetched or read: "Kolada hämtat
    /// 2027-02-10" (empty in versions made before it was kept).
    #[serde(default)]
    pub sources: Vec<String>,
}

fn points(s: &Series) -> Vec<Point> {
    (s.points.iter())
        .map(|p| Point {
            year: p.year,
            value: p.shown.value(),
        })
        .collect()
}

fn activity_line(a: &Activity, orgs: &[Organisation], today: Date) -> ActivityLine {
    ActivityLine {
        id: a.id.to_string(),
        title: a.title.clone(),
        org: (orgs.iter().find(|o| o.code == a.owner))
            .map_or_else(|| a.owner.to_string(), |o| o.name.clone()),
        status: a.status_words(today),
        late: a.is_late(today),
        result: a.result.clone(),
    }
}

fn indicator_block(input: &Input, ind: &Indicator, county_place: &str) -> IndicatorBlock {
    let county = Series::of(input.values, ind, county_place);
    let country = Series::of(input.values, ind, KOLADA_COUNTRY);
    let kommuner: Vec<(&Organisation, Series)> = (input.organisations.iter())
        .filter(|o| o.kind == OrgKind::Kommun && applies(ind.level, OrgKind::Kommun))
        .map(|o| (o, Series::of(input.values, ind, &o.kolada_id())))
        .collect();
    let kommun_year = (kommuner.iter())
        .filter_map(|(_, s)| s.latest().map(|l| l.0))
        .max();
    let mv = movement(ind, &county, None);
    let mut shown: Vec<&Series> = vec![&county, &country];
    shown.extend(kommuner.iter().map(|(_, s)| s));
    IndicatorBlock {
        latest: county.latest(),
        arrow: mv.map(|m| m.arrow.symbol().to_string()),
        judgement: mv.map(|m| m.judgement),
        kommuner: match kommun_year {
            Some(y) => (kommuner.iter())
                .map(|(o, s)| (o.name.clone(), s.at(y).value()))
                .collect(),
            None => Vec::new(),
        },
        kommun_year,
        caption: caption(ind, &shown),
        under_development: shown.iter().all(|s| s.latest().is_none()),
        county: points(&county),
        country: points(&country),
        indicator: ind.clone(),
    }
}

fn arrows(blocks: &[IndicatorBlock]) -> ArrowCounts {
    let mut c = ArrowCounts::default();
    for b in blocks {
        match b.judgement {
            Some(Judgement::Positive) => c.positive += 1,
            Some(Judgement::Unchanged) => c.unchanged += 1,
            Some(Judgement::Negative) => c.negative += 1,
            Some(Judgement::Neutral) | None => c.not_judged += 1,
        }
    }
    c
}

fn assessment(input: &Input, area: &AreaId) -> SelfAssessment {
    let Some(rep) = input.report else {
        return SelfAssessment::default();
    };
    let Some(i) = rep.areas.iter().position(|a| a.id == area.as_str()) else {
        return SelfAssessment::default();
    };
    let county = rep.county.areas.get(i).and_then(|a| a.stats);
    let change = rep.county_change.get(i).copied().flatten();
    let inst = input.instrument;
    let statements = inst
        .area(area)
        .map(|a| a.statements.as_slice())
        .unwrap_or_default();
    let scale = &inst.scale().levels;
    let mut levels: Vec<(String, usize)> = scale.iter().map(|l| (l.label.clone(), 0)).collect();
    let mut lines = Vec::new();
    for d in rep.distribution.iter() {
        let Some(st) = statements.iter().find(|s| s.id == d.statement) else {
            continue;
        };
        for (slot, n) in levels.iter_mut().zip(&d.levels) {
            slot.1 += n;
        }
        if let Some(mean) = d.mean {
            lines.push(StatementLine {
                id: st.id.to_string(),
                text: st.text.clone(),
                mean,
            });
        }
    }
    lines.sort_by(|a, b| b.mean.total_cmp(&a.mean).then_with(|| a.id.cmp(&b.id)));
    let strongest: Vec<StatementLine> = lines.iter().take(3).cloned().collect();
    let mut weakest: Vec<StatementLine> = lines.iter().rev().take(3).cloned().collect();
    weakest.retain(|w| !strongest.iter().any(|s| s.id == w.id) || lines.len() > 3);
    SelfAssessment {
        mean: county.map(|s| s.mean),
        median: county.map(|s| s.median),
        range: county.map(|s| (s.min, s.max)),
        orgs_scored: rep.county.areas.get(i).map_or(0, |a| a.orgs_scored),
        change: change.map(|c| c.delta),
        direction: change.map(|c| c.direction.label().to_string()),
        levels,
        strongest,
        weakest,
    }
}

fn profile(input: &Input, o: &Organisation, county_place: &str) -> Profile {
    let own = input.report.and_then(|r| r.org(o.code.as_str()));
    let mine: Vec<&Activity> = (input.activities.iter())
        .filter(|a| a.owner == o.code)
        .collect();
    let party_to: Vec<&LocalPlan> = (input.plans.iter())
        .filter(|p| p.parties.contains(&o.code))
        .collect();
    // A kommun's plan is the newest it is a party to; the region, a party to every kommun's
    // plan, has its own only when no kommun is a party.
    let own_plan = |p: &&&LocalPlan| {
        o.kind == OrgKind::Kommun
            || (p.parties.iter()).all(|c| {
                (input.organisations.iter()).any(|x| &x.code == c && x.kind != OrgKind::Kommun)
            })
    };
    let plan = (party_to.iter())
        .filter(own_plan)
        .max_by_key(|p| p.start)
        .map(|p| {
            let sl = p.systemledning.label().to_string();
            (p.name.clone(), p.status.label().to_string(), sl)
        });
    let place = o.kolada_id();
    let indicators = (input.catalogue.indicators.iter())
        .filter(|i| applies(i.level, o.kind) && i.level != Level::Region)
        .filter(|i| !input.public_only || i.is_public())
        .filter_map(|ind| {
            let s = Series::of(input.values, ind, &place);
            let (year, own) = s.latest()?;
            let at = |p: &str| Series::of(input.values, ind, p).at(year).value();
            Some(ProfileIndicator {
                id: ind.id.clone(),
                title: ind.title.clone(),
                year,
                own,
                county: at(county_place),
                country: at(KOLADA_COUNTRY),
                arrow: movement(ind, &s, None).map(|m| m.arrow.symbol().to_string()),
            })
        })
        .take(8)
        .collect();
    Profile {
        code: o.code.clone(),
        name: o.name.clone(),
        answered: own.is_some(),
        index: own.and_then(|r| r.scores.overall),
        areas: (input.instrument.areas().iter())
            .map(|a| {
                own.and_then(|r| r.scores.areas.iter().find(|s| s.area == a.id))
                    .and_then(|s| s.mean)
            })
            .collect(),
        plan,
        party_to: party_to.len(),
        activity_counts: counts(mine.iter().copied(), input.today),
        activities: (mine.iter())
            .map(|a| activity_line(a, input.organisations, input.today))
            .collect(),
        indicators,
    }
}

/// The model of the year's report.
pub fn build(input: &Input) -> YearReport {
    let county_place = (input.organisations.iter())
        .find(|o| o.kind == OrgKind::Region)
        .map_or_else(|| "0020".to_string(), Organisation::kolada_id);
    let chapters: Vec<Chapter> = (input.instrument.areas().iter())
        .map(|area| {
            let indicators: Vec<IndicatorBlock> = (input.catalogue.following(&area.id))
                .filter(|i| !input.public_only || i.is_public())
                .map(|i| indicator_block(input, i, &county_place))
                .collect();
            let following: Vec<&Activity> = (input.activities.iter())
                .filter(|a| a.areas.contains(&area.id))
                .collect();
            Chapter {
                id: area.id.clone(),
                name: area.name.clone(),
                goal: area.goal.clone(),
                description: area.description.clone(),
                arrows: arrows(&indicators),
                indicators,
                assessment: assessment(input, &area.id),
                activity_counts: counts(following.iter().copied(), input.today),
                activities: (following.iter())
                    .map(|a| activity_line(a, input.organisations, input.today))
                    .collect(),
            }
        })
        .collect();
    let indicators: Vec<IndicatorNote> = (input.catalogue.indicators.iter())
        .filter(|i| !input.public_only || i.is_public())
        .map(|ind| IndicatorNote {
            areas: (ind.areas.iter().map(|a| a.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            newest_year: input.values.stored(&ind.id).1,
            published: (input.values.provenance(&ind.id)).and_then(|p| p.published.clone()),
            indicator: ind.clone(),
        })
        .collect();
    YearReport {
        year: input.year,
        round: input.report.map(|r| r.round.id),
        previous_round: input.report.and_then(|r| r.previous),
        instrument: input.instrument.name().to_string(),
        county: input.catalogue.county.clone(),
        county_index: input.report.and_then(|r| r.county.overall.map(|s| s.mean)),
        chapters,
        profiles: (input.organisations.iter())
            .map(|o| profile(input, o, &county_place))
            .collect(),
        sources: sources(input.values, &indicators),
        indicators,
        today: input.today,
    }
}

/// The newest fetch per kind of source of the indicators shown: Kolada, the region's own
/// files, the demo's made-up values.
fn sources(values: &Values, shown: &[IndicatorNote]) -> Vec<String> {
    let mut newest: Vec<(&str, i64)> = Vec::new();
    for n in shown {
        let Some(p) = values.provenance(&n.indicator.id) else {
            continue;
        };
        let kind = match p.source.as_str() {
            "kolada" => "Kolada hämtat",
            s if s.starts_with("demo") => "Påhittade demovärden lagrade",
            _ => "Egna filer inlästa",
        };
        match newest.iter_mut().find(|(k, _)| *k == kind) {
            Some(slot) => slot.1 = slot.1.max(p.fetched_at),
            None => newest.push((kind, p.fetched_at)),
        }
    }
    newest.sort_unstable();
    (newest.iter())
        .map(|(kind, ms)| format!("{kind} {}", crate::fmt::local_day(*ms)))
        .collect()
}

impl YearReport {
    /// The report without the internal indicators, for a reader who may see only public ones:
    /// they leave the chapters (and the arrow counts), the profiles and "Om statistiken".
    pub fn public_only(mut self) -> Self {
        let internal: Vec<String> = (self.indicators.iter())
            .filter(|n| !n.indicator.is_public())
            .map(|n| n.indicator.id.clone())
            .collect();
        if internal.is_empty() {
            return self;
        }
        let hidden = |id: &str| internal.iter().any(|x| x == id);
        for c in &mut self.chapters {
            c.indicators.retain(|b| !hidden(&b.indicator.id));
            c.arrows = arrows(&c.indicators);
        }
        for p in &mut self.profiles {
            p.indicators.retain(|i| !hidden(&i.id));
        }
        self.indicators.retain(|n| !hidden(&n.indicator.id));
        self
    }
}
