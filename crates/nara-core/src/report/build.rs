//! Building a [`RoundReport`]: the forms grouped by organisation and unit, each unit rolled up,
//! each organisation and the county scored, and the change since the previous round.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::answer::AnswerSet;
use crate::ids::{OrgCode, RoundId};
use crate::instrument::Instrument;
use crate::org::Organisation;
use crate::rollup::{
    CountySummary, OrgScores, UnitResult, county_summary, distribution, score_org, score_unit,
};
use crate::scoring::{Change, change};

use super::{AreaRef, Form, OrgReport, RoundData, RoundReport, UnitReport};

/// Forms grouped by organisation and unit key, in a stable order.
pub(super) type Grouped<'a> = BTreeMap<OrgCode, BTreeMap<String, Vec<Form<'a>>>>;

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
pub(super) type Computed = Vec<(OrgCode, OrgScores, Vec<(String, UnitResult)>)>;

pub(super) fn compute(inst: &Instrument, grouped: &Grouped) -> Computed {
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

pub(super) fn county_of(inst: &Instrument, c: &Computed) -> CountySummary {
    county_summary(inst, &c.iter().map(|(_, s, _)| s).collect::<Vec<_>>())
}

fn changes(inst: &Instrument, prev: &[Option<f64>], cur: &[Option<f64>]) -> Vec<Option<Change>> {
    cur.iter()
        .enumerate()
        .map(|(i, c)| change(inst, prev.get(i).copied().flatten(), *c))
        .collect()
}

pub(super) fn org_name(orgs: &[Organisation], code: &OrgCode) -> String {
    orgs.iter()
        .find(|o| &o.code == code)
        .map_or_else(|| code.to_string(), |o| o.name.clone())
}

/// A round's own scores: every unit, every organisation and the county, computed once from
/// its forms (the expensive part of a report). A report of the round, of one of its
/// organisations, or of the round after it, reuses them; so does the trend.
#[derive(Debug, Clone)]
pub struct RoundScores {
    round: RoundId,
    computed: Computed,
    county: CountySummary,
}

impl RoundScores {
    /// The round.
    pub fn round(&self) -> RoundId {
        self.round
    }

    /// The round as one point of a trend.
    pub fn trend_round(&self) -> super::TrendRound {
        super::TrendRound {
            round: self.round,
            county: self.county.clone(),
            organisations: (self.computed.iter())
                .map(|(code, s, _)| (code.to_string(), s.clone()))
                .collect(),
        }
    }
}

/// Scores a round (see [`RoundScores`]).
pub fn round_scores(data: &RoundData) -> RoundScores {
    let computed = compute(data.instrument, &group(&data.forms));
    RoundScores {
        round: data.round.id,
        county: county_of(data.instrument, &computed),
        computed,
    }
}

/// The results of a round: every organisation (or only `only`), the county, and the change
/// since `previous` (the previous round of the same family, scored with its own instrument).
pub fn round_report(
    now: &RoundData,
    previous: Option<&RoundData>,
    orgs: &[Organisation],
    only: Option<&OrgCode>,
) -> RoundReport {
    let scores = round_scores(now);
    let prev = previous.map(round_scores);
    round_report_scored(now, Cow::Owned(scores), prev.as_ref(), orgs, only)
}

/// The results of a round (as [`round_report`]) from scores computed before: `scores` must be
/// [`round_scores`] of `now`, and `previous` those of the previous round of the same family.
/// Scores given (`Cow::Owned`) become the report's; scores lent are copied, only the ones of
/// the organisations reported.
pub fn round_report_scored(
    now: &RoundData,
    scores: Cow<'_, RoundScores>,
    previous: Option<&RoundScores>,
    orgs: &[Organisation],
    only: Option<&OrgCode>,
) -> RoundReport {
    let inst = now.instrument;
    let grouped = group(&now.forms);
    let prev = previous.map(|p| &p.computed);
    let previous_county = previous.map(|p| p.county.clone());
    let county = scores.county.clone();
    let reported = |code: &OrgCode| only.is_none_or(|o| o == code);
    let computed: Computed = match scores {
        Cow::Owned(s) => (s.computed.into_iter())
            .filter(|(code, _, _)| reported(code))
            .collect(),
        Cow::Borrowed(s) => (s.computed.iter())
            .filter(|(code, _, _)| reported(code))
            .cloned()
            .collect(),
    };
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
    for (code, scores, units) in computed {
        let prev_org = prev.and_then(|p| p.iter().find(|(c, _, _)| c == &code));
        // The scores were computed from these same forms, so every unit has its forms; a unit
        // without (scores of other forms, a caller's mistake) is left out rather than panicking.
        let forms_of = grouped.get(&code);
        let units = units
            .into_iter()
            .filter_map(|(key, result)| {
                let key = key.as_str();
                let forms = forms_of?.get(key).filter(|f| !f.is_empty())?;
                // Units are in key order (they come from a map), so a search finds last round's.
                let prev_unit = prev_org.and_then(|(_, _, pu)| {
                    (pu.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()).map(|i| &pu[i])
                });
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
                Some(UnitReport {
                    name: forms[0].response.unit.clone(),
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
                    previous: prev_unit
                        .map(|(_, pr)| pr.scores.areas.iter().map(|a| a.mean).collect())
                        .unwrap_or_default(),
                    overall_change: prev_unit
                        .and_then(|(_, pr)| change(inst, pr.scores.overall, result.scores.overall)),
                    new_this_round: prev.is_some() && prev_unit.is_none(),
                    result,
                    comments,
                    notes,
                    last_import: forms.iter().map(|f| f.stored_at).max().unwrap_or(0),
                })
            })
            .collect();
        organisations.push(OrgReport {
            name: org_name(orgs, &code),
            code,
            change: match prev_org {
                Some((_, ps, _)) => changes(inst, &org_means(ps), &org_means(&scores)),
                None => vec![None; inst.areas.len()],
            },
            overall_change: change(
                inst,
                prev_org.and_then(|(_, s, _)| s.overall),
                scores.overall,
            ),
            scores,
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
        previous: previous.map(|p| p.round),
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
