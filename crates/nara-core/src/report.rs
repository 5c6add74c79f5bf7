//! The results of a round as one value, [`RoundReport`], which every view renders: the CLI's
//! `report`, the web pages and the Excel workbooks. Built from the round's current forms by
//! [`round_report`], which only groups and calls the roll-up; plus the trend over the rounds of
//! an instrument family ([`trend`]) and the raw answer rows for pivot tables ([`raw_rows`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::answer::{AnswerSet, Response};
use crate::ids::{OrgCode, RoundId};
use crate::instrument::Instrument;
use crate::org::Organisation;
use crate::rollup::{
    CountySummary, Distribution, OrgScores, UnitResult, county_summary, distribution, score_org,
    score_unit,
};
use crate::round::Round;
use crate::scoring::{Change, change};

/// One stored form: the response and when and from where it was stored.
#[derive(Debug, Clone, Copy)]
pub struct Form<'a> {
    /// The response.
    pub response: &'a Response,
    /// When it was stored (Unix ms).
    pub stored_at: i64,
    /// Where it came from: a file name, or `web`.
    pub source: &'a str,
}

/// A round with its instrument and its current forms.
#[derive(Debug, Clone)]
pub struct RoundData<'a> {
    /// The round.
    pub round: &'a Round,
    /// The instrument version the round uses.
    pub instrument: &'a Instrument,
    /// The current (not replaced) forms.
    pub forms: Vec<Form<'a>>,
}

/// An id and a name (an area, or an organisation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRef {
    /// The id (`D1`, or `2080`).
    pub id: String,
    /// The name.
    pub name: String,
}

/// A unit's results.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    /// The unit's name.
    pub name: String,
    /// The raters (empty name: the unit answered as one).
    pub raters: Vec<String>,
    /// Whether a consensus answer is recorded.
    pub consensus: bool,
    /// The roll-up and scores.
    pub result: UnitResult,
    /// Per area, the change since the previous round, when both are scored.
    pub change: Vec<Option<Change>>,
    /// The free text per area id, from every form of the unit.
    pub comments: BTreeMap<String, Vec<String>>,
    /// The comments on single statements, per statement id.
    pub notes: BTreeMap<String, Vec<String>>,
    /// When the unit's newest form was stored (Unix ms).
    pub last_import: i64,
}

/// An organisation's results.
#[derive(Debug, Clone, Serialize)]
pub struct OrgReport {
    /// The code.
    pub code: String,
    /// The name.
    pub name: String,
    /// The scores: the mean of the units' area scores.
    pub scores: OrgScores,
    /// Per area, the change since the previous round.
    pub change: Vec<Option<Change>>,
    /// The change of the overall index.
    pub overall_change: Option<Change>,
    /// Its units, by name.
    pub units: Vec<UnitReport>,
}

/// Everything about one round's results.
#[derive(Debug, Clone, Serialize)]
pub struct RoundReport {
    /// The round.
    pub round: Round,
    /// The instrument's name.
    pub instrument_name: String,
    /// The areas, in order.
    pub areas: Vec<AreaRef>,
    /// The previous round of the same instrument family.
    pub previous: Option<RoundId>,
    /// The county summary (each organisation counts once).
    pub county: CountySummary,
    /// The previous round's county summary.
    pub previous_county: Option<CountySummary>,
    /// Per area, the county mean's change since the previous round.
    pub county_change: Vec<Option<Change>>,
    /// The organisations that answered (all, or the one asked for).
    pub organisations: Vec<OrgReport>,
    /// The organisations that have not answered.
    pub not_answered: Vec<AreaRef>,
    /// Per statement, the distribution of every rating.
    pub distribution: Vec<Distribution>,
    /// How many current forms the report is built from.
    pub forms: usize,
}

impl RoundReport {
    /// The report of one organisation.
    pub fn org(&self, code: &str) -> Option<&OrgReport> {
        self.organisations.iter().find(|o| o.code == code)
    }

    /// Whether the numbers may still change: the round is neither closed nor published.
    pub fn preliminary(&self) -> bool {
        !matches!(
            self.round.status,
            crate::round::RoundStatus::Closed | crate::round::RoundStatus::Published
        )
    }
}

/// Forms grouped by organisation and unit key, in a stable order.
type Grouped<'a> = BTreeMap<OrgCode, BTreeMap<String, Vec<Form<'a>>>>;

/// Groups forms by organisation and unit key.
pub fn group<'a>(forms: &[Form<'a>]) -> Grouped<'a> {
    let mut g: Grouped = BTreeMap::new();
    for f in forms {
        g.entry(f.response.org.clone())
            .or_default()
            .entry(f.response.unit.key())
            .or_default()
            .push(*f);
    }
    g
}

fn unit_result(inst: &Instrument, forms: &[Form]) -> UnitResult {
    let raters: Vec<&AnswerSet> = forms
        .iter()
        .filter(|f| !f.response.consensus)
        .map(|f| &f.response.set)
        .collect();
    let consensus = forms
        .iter()
        .find(|f| f.response.consensus)
        .map(|f| &f.response.set);
    score_unit(inst, &raters, consensus)
}

/// Per organisation (in code order): its scores and its units' results by unit key.
type Computed = Vec<(OrgCode, OrgScores, Vec<(String, UnitResult)>)>;

fn compute(inst: &Instrument, grouped: &Grouped) -> Computed {
    grouped
        .iter()
        .map(|(org, units)| {
            let results: Vec<(String, UnitResult)> = units
                .iter()
                .map(|(key, forms)| (key.clone(), unit_result(inst, forms)))
                .collect();
            let scores = score_org(inst, &results.iter().map(|(_, r)| r).collect::<Vec<_>>());
            (org.clone(), scores, results)
        })
        .collect()
}

fn county_of(inst: &Instrument, c: &Computed) -> CountySummary {
    county_summary(inst, &c.iter().map(|(_, s, _)| s).collect::<Vec<_>>())
}

fn changes(inst: &Instrument, prev: &[Option<f64>], cur: &[Option<f64>]) -> Vec<Option<Change>> {
    cur.iter()
        .enumerate()
        .map(|(i, c)| change(inst, prev.get(i).copied().flatten(), *c))
        .collect()
}

fn org_name(orgs: &[Organisation], code: &OrgCode) -> String {
    orgs.iter()
        .find(|o| &o.code == code)
        .map_or_else(|| code.to_string(), |o| o.name.clone())
}

/// The results of a round: every organisation (or only `only`), the county, and the change
/// since `previous` (the previous round of the same family, scored with its own instrument).
pub fn round_report(
    now: &RoundData,
    previous: Option<&RoundData>,
    orgs: &[Organisation],
    only: Option<&OrgCode>,
) -> RoundReport {
    let inst = now.instrument;
    let grouped = group(&now.forms);
    let computed = compute(inst, &grouped);
    let prev = previous.map(|p| compute(p.instrument, &group(&p.forms)));
    let previous_county = previous
        .zip(prev.as_ref())
        .map(|(p, c)| county_of(p.instrument, c));
    let county = county_of(inst, &computed);
    let county_means = |c: &CountySummary| -> Vec<Option<f64>> {
        c.areas.iter().map(|a| a.stats.map(|s| s.mean)).collect()
    };
    let county_change = match &previous_county {
        Some(p) => changes(inst, &county_means(p), &county_means(&county)),
        None => vec![None; inst.areas.len()],
    };
    let org_means =
        |s: &OrgScores| -> Vec<Option<f64>> { s.areas.iter().map(|a| a.mean).collect() };
    let mut organisations = Vec::new();
    for (code, scores, units) in &computed {
        if only.is_some_and(|o| o != code) {
            continue;
        }
        let prev_org = prev
            .as_ref()
            .and_then(|p| p.iter().find(|(c, _, _)| c == code));
        let forms_of = &grouped[code];
        let units = units
            .iter()
            .map(|(key, result)| {
                let forms = &forms_of[key];
                let prev_unit = prev_org.and_then(|(_, _, pu)| pu.iter().find(|(k, _)| k == key));
                let mut comments: BTreeMap<String, Vec<String>> = BTreeMap::new();
                let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for f in forms {
                    for (a, text) in &f.response.set.comments {
                        comments
                            .entry(a.to_string())
                            .or_default()
                            .push(text.clone());
                    }
                    for (s, text) in &f.response.set.notes {
                        notes.entry(s.to_string()).or_default().push(text.clone());
                    }
                }
                UnitReport {
                    name: forms[0].response.unit.to_string(),
                    raters: forms
                        .iter()
                        .filter(|f| !f.response.consensus)
                        .map(|f| f.response.rater.clone())
                        .collect(),
                    consensus: forms.iter().any(|f| f.response.consensus),
                    change: match prev_unit {
                        Some((_, pr)) => changes(
                            inst,
                            &pr.scores.areas.iter().map(|a| a.mean).collect::<Vec<_>>(),
                            &result
                                .scores
                                .areas
                                .iter()
                                .map(|a| a.mean)
                                .collect::<Vec<_>>(),
                        ),
                        None => vec![None; inst.areas.len()],
                    },
                    result: result.clone(),
                    comments,
                    notes,
                    last_import: forms.iter().map(|f| f.stored_at).max().unwrap_or(0),
                }
            })
            .collect();
        organisations.push(OrgReport {
            code: code.to_string(),
            name: org_name(orgs, code),
            change: match prev_org {
                Some((_, ps, _)) => changes(inst, &org_means(ps), &org_means(scores)),
                None => vec![None; inst.areas.len()],
            },
            overall_change: change(
                inst,
                prev_org.and_then(|(_, s, _)| s.overall),
                scores.overall,
            ),
            scores: scores.clone(),
            units,
        });
    }
    let not_answered = orgs
        .iter()
        .filter(|o| !grouped.contains_key(&o.code) && only.is_none_or(|x| x == &o.code))
        .map(|o| AreaRef {
            id: o.code.to_string(),
            name: o.name.clone(),
        })
        .collect();
    let sets: Vec<&AnswerSet> = now
        .forms
        .iter()
        .filter(|f| !f.response.consensus && only.is_none_or(|o| o == &f.response.org))
        .map(|f| &f.response.set)
        .collect();
    RoundReport {
        round: now.round.clone(),
        instrument_name: inst.name.clone(),
        areas: inst
            .areas
            .iter()
            .map(|a| AreaRef {
                id: a.id.to_string(),
                name: a.name.clone(),
            })
            .collect(),
        previous: previous.map(|p| p.round.id),
        distribution: distribution(inst, &sets),
        county,
        previous_county,
        county_change,
        organisations,
        not_answered,
        forms: now
            .forms
            .iter()
            .filter(|f| only.is_none_or(|o| o == &f.response.org))
            .count(),
    }
}

/// One round of a trend: the county and every organisation that answered.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRound {
    /// The round.
    pub round: RoundId,
    /// The county summary.
    pub county: CountySummary,
    /// Each organisation's scores, by code.
    pub organisations: BTreeMap<String, OrgScores>,
}

/// The scores of several rounds (oldest first), each scored with its own instrument version.
pub fn trend(rounds: &[RoundData]) -> Vec<TrendRound> {
    let mut out: Vec<TrendRound> = rounds
        .iter()
        .map(|r| {
            let c = compute(r.instrument, &group(&r.forms));
            TrendRound {
                round: r.round.id,
                county: county_of(r.instrument, &c),
                organisations: c
                    .into_iter()
                    .map(|(code, s, _)| (code.to_string(), s))
                    .collect(),
            }
        })
        .collect();
    out.sort_by_key(|t| t.round);
    out
}

/// One answer as a flat row, for pivot tables and statistics tools.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawRow {
    /// The round.
    pub round: String,
    /// The organisation's code.
    pub org_code: String,
    /// The organisation's name.
    pub org_name: String,
    /// The unit.
    pub unit: String,
    /// The rater; `samsyn` for a consensus answer, empty when the unit answered as one.
    pub rater: String,
    /// The area's id.
    pub area_id: String,
    /// The area's name.
    pub area_name: String,
    /// The statement's id.
    pub statement_id: String,
    /// The statement's text.
    pub statement: String,
    /// The scale value; `None` for "vet ej" and blank.
    pub value: Option<f64>,
    /// The answer's label; empty when blank.
    pub label: String,
    /// The comment on the statement, verbatim.
    pub comment: String,
}

/// One row per statement of every form (blank answers included, so a pivot counts them),
/// ordered by organisation, unit, rater and the instrument's order.
pub fn raw_rows(inst: &Instrument, orgs: &[Organisation], forms: &[Form]) -> Vec<RawRow> {
    let mut sorted: Vec<&Form> = forms.iter().collect();
    sorted.sort_by(|a, b| {
        (
            &a.response.org,
            a.response.unit.key(),
            a.response.consensus,
            &a.response.rater,
        )
            .cmp(&(
                &b.response.org,
                b.response.unit.key(),
                b.response.consensus,
                &b.response.rater,
            ))
    });
    let mut rows = Vec::with_capacity(forms.len() * inst.statement_count());
    for f in sorted {
        let r = f.response;
        let org_name = org_name(orgs, &r.org);
        let rater = if r.consensus {
            "samsyn".to_string()
        } else {
            r.rater.clone()
        };
        for (area, s) in inst.statements() {
            let answer = r.set.get(&s.id);
            rows.push(RawRow {
                round: r.round.to_string(),
                org_code: r.org.to_string(),
                org_name: org_name.clone(),
                unit: r.unit.to_string(),
                rater: rater.clone(),
                area_id: area.id.to_string(),
                area_name: area.name.clone(),
                statement_id: s.id.to_string(),
                statement: s.text.clone(),
                value: answer.and_then(|a| a.value()),
                label: answer
                    .map(|a| inst.answer_label(a).to_string())
                    .unwrap_or_default(),
                comment: r.set.notes.get(&s.id).cloned().unwrap_or_default(),
            });
        }
    }
    rows
}
