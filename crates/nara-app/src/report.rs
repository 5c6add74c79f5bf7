//! Results: the one [`RoundReport`] that `nara report --json`, the web pages and the Excel
//! exports all render, and the response tracking of a round. Every number is computed by
//! `nara-core`'s roll-up; this module only gathers the stored answers.

use std::collections::BTreeMap;

use nara_core::rollup::{
    CountySummary, Distribution, OrgScores, UnitResult, county_summary, distribution, score_org,
    score_unit,
};
use nara_core::scoring::{Change, change};
use nara_core::{AnswerSet, Instrument, OrgCode, Round, RoundId};
use nara_store::{Store, StoredResponse};
use serde::Serialize;

use crate::Result;

/// An area's id and name.
#[derive(Debug, Clone, Serialize)]
pub struct AreaRef {
    /// The id (`D1`).
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
    /// The roll-up and scores (core).
    pub result: UnitResult,
    /// Per area, the change since the previous round (core's threshold), when both are scored.
    pub change: Vec<Option<Change>>,
    /// The free text, per area id, from every form of the unit.
    pub comments: BTreeMap<String, Vec<String>>,
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
    /// The scores (core): the mean of the units' area scores.
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
    /// Per area, the county mean's change since the previous round.
    pub county_change: Vec<Option<Change>>,
    /// The organisations that answered (all, or the one asked for).
    pub organisations: Vec<OrgReport>,
    /// The organisations that have not answered.
    pub not_answered: Vec<AreaRef>,
    /// Per statement, the distribution of every rating.
    pub distribution: Vec<Distribution>,
}

impl RoundReport {
    /// The report of one organisation.
    pub fn org(&self, code: &str) -> Option<&OrgReport> {
        self.organisations.iter().find(|o| o.code == code)
    }
}

/// Per organisation (in code order): its scores and its units' results, by unit key.
struct Computed {
    orgs: Vec<(OrgCode, OrgScores, UnitResults)>,
}

/// Units' results by unit key.
type UnitResults = Vec<(String, UnitResult)>;

/// Groups the current responses by organisation and unit, in a stable order.
type Grouped<'a> = BTreeMap<OrgCode, BTreeMap<String, Vec<&'a StoredResponse>>>;

fn group(responses: &[StoredResponse]) -> Grouped<'_> {
    let mut g: Grouped = BTreeMap::new();
    for r in responses {
        g.entry(r.response.org.clone())
            .or_default()
            .entry(r.response.unit.key())
            .or_default()
            .push(r);
    }
    g
}

fn unit_result(inst: &Instrument, forms: &[&StoredResponse]) -> UnitResult {
    let raters: Vec<&AnswerSet> = forms
        .iter()
        .filter(|r| !r.response.consensus)
        .map(|r| &r.response.set)
        .collect();
    let consensus = forms
        .iter()
        .find(|r| r.response.consensus)
        .map(|r| &r.response.set);
    score_unit(inst, &raters, consensus)
}

fn compute(inst: &Instrument, responses: &[StoredResponse]) -> Computed {
    let orgs = group(responses)
        .into_iter()
        .map(|(org, units)| {
            let results: UnitResults = units
                .iter()
                .map(|(key, forms)| (key.clone(), unit_result(inst, forms)))
                .collect();
            let scores = score_org(inst, &results.iter().map(|(_, r)| r).collect::<Vec<_>>());
            (org, scores, results)
        })
        .collect();
    Computed { orgs }
}

/// The results of a round: every organisation (or only `org`), the county and the change since
/// the previous round.
pub async fn round_report(
    store: &dyn Store,
    round: RoundId,
    org: Option<&OrgCode>,
) -> Result<RoundReport> {
    let (round, inst) = crate::round_instrument(store, round).await?;
    let orgs = store.organisations().await?;
    let responses = store.responses(round.id).await?;
    let now = compute(&inst, &responses);
    let prev_round = crate::rounds::previous(store, &round).await?;
    let (prev, prev_county) = match &prev_round {
        Some(p) => {
            let prev_responses = store.responses(p.id).await?;
            // The previous round may use another version of the family: score it with its own.
            let (_, prev_inst) = crate::round_instrument(store, p.id).await?;
            let c = compute(&prev_inst, &prev_responses);
            let county = county_summary(
                &prev_inst,
                &c.orgs.iter().map(|(_, s, _)| s).collect::<Vec<_>>(),
            );
            (Some(c), Some(county))
        }
        None => (None, None),
    };
    let county = county_summary(
        &inst,
        &now.orgs.iter().map(|(_, s, _)| s).collect::<Vec<_>>(),
    );
    let area_change =
        |prev_means: Vec<Option<f64>>, cur: Vec<Option<f64>>| -> Vec<Option<Change>> {
            cur.iter()
                .enumerate()
                .map(|(i, c)| change(&inst, prev_means.get(i).copied().flatten(), *c))
                .collect()
        };
    let county_change = match &prev_county {
        Some(p) => area_change(
            p.areas.iter().map(|a| a.stats.map(|s| s.mean)).collect(),
            county
                .areas
                .iter()
                .map(|a| a.stats.map(|s| s.mean))
                .collect(),
        ),
        None => vec![None; inst.areas.len()],
    };
    let grouped = group(&responses);
    let mut organisations = Vec::new();
    for (code, scores, units) in &now.orgs {
        if org.is_some_and(|o| o != code) {
            continue;
        }
        let prev_org = prev
            .as_ref()
            .and_then(|p| p.orgs.iter().find(|(c, _, _)| c == code));
        let org_change = match prev_org {
            Some((_, ps, _)) => area_change(
                ps.areas.iter().map(|a| a.mean).collect(),
                scores.areas.iter().map(|a| a.mean).collect(),
            ),
            None => vec![None; inst.areas.len()],
        };
        let forms_of = &grouped[code];
        let unit_reports = units
            .iter()
            .map(|(key, result)| {
                let forms = &forms_of[key];
                let prev_unit = prev_org.and_then(|(_, _, pu)| pu.iter().find(|(k, _)| k == key));
                let mut comments: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for f in forms {
                    for (a, text) in &f.response.set.comments {
                        comments
                            .entry(a.to_string())
                            .or_default()
                            .push(text.clone());
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
                        Some((_, pr)) => area_change(
                            pr.scores.areas.iter().map(|a| a.mean).collect(),
                            result.scores.areas.iter().map(|a| a.mean).collect(),
                        ),
                        None => vec![None; inst.areas.len()],
                    },
                    result: result.clone(),
                    comments,
                    last_import: forms.iter().map(|f| f.created_at).max().unwrap_or(0),
                }
            })
            .collect();
        let name = orgs
            .iter()
            .find(|o| &o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone());
        organisations.push(OrgReport {
            code: code.to_string(),
            name,
            overall_change: change(
                &inst,
                prev_org.and_then(|(_, s, _)| s.overall),
                scores.overall,
            ),
            scores: scores.clone(),
            change: org_change,
            units: unit_reports,
        });
    }
    let not_answered = orgs
        .iter()
        .filter(|o| !grouped.contains_key(&o.code) && org.is_none_or(|x| x == &o.code))
        .map(|o| AreaRef {
            id: o.code.to_string(),
            name: o.name.clone(),
        })
        .collect();
    let sets: Vec<&AnswerSet> = responses
        .iter()
        .filter(|r| !r.response.consensus && org.is_none_or(|o| o == &r.response.org))
        .map(|r| &r.response.set)
        .collect();
    Ok(RoundReport {
        instrument_name: inst.name.clone(),
        areas: inst
            .areas
            .iter()
            .map(|a| AreaRef {
                id: a.id.to_string(),
                name: a.name.clone(),
            })
            .collect(),
        previous: prev_round.map(|p| p.id),
        distribution: distribution(&inst, &sets),
        county,
        county_change,
        organisations,
        not_answered,
        round,
    })
}

/// Who has answered a round: per organisation, its units and raters.
#[derive(Debug, Clone, Serialize)]
pub struct Tracking {
    /// The round.
    pub round: RoundId,
    /// Every organisation, answered or not.
    pub organisations: Vec<OrgTracking>,
}

/// One organisation's answers in a round.
#[derive(Debug, Clone, Serialize)]
pub struct OrgTracking {
    /// The code.
    pub code: String,
    /// The name.
    pub name: String,
    /// Its units that have answered.
    pub units: Vec<UnitTracking>,
}

/// One unit's forms in a round.
#[derive(Debug, Clone, Serialize)]
pub struct UnitTracking {
    /// The unit.
    pub name: String,
    /// The raters (an empty name: the unit answered as one).
    pub raters: Vec<String>,
    /// Whether a consensus answer is recorded.
    pub consensus: bool,
    /// When the newest form was stored (Unix ms).
    pub last_import: i64,
    /// The files (or `web`) the current forms came from.
    pub sources: Vec<String>,
}

impl Tracking {
    /// The organisations that have not answered.
    pub fn missing(&self) -> impl Iterator<Item = &OrgTracking> {
        self.organisations.iter().filter(|o| o.units.is_empty())
    }
}

/// Who has answered the round, per organisation and unit.
pub async fn response_tracking(store: &dyn Store, round: RoundId) -> Result<Tracking> {
    crate::rounds::get(store, round).await?;
    let responses = store.responses(round).await?;
    let grouped = group(&responses);
    let organisations = store
        .organisations()
        .await?
        .into_iter()
        .map(|o| {
            let units = grouped
                .get(&o.code)
                .map(|units| {
                    units
                        .values()
                        .map(|forms| UnitTracking {
                            name: forms[0].response.unit.to_string(),
                            raters: forms
                                .iter()
                                .filter(|f| !f.response.consensus)
                                .map(|f| f.response.rater.clone())
                                .collect(),
                            consensus: forms.iter().any(|f| f.response.consensus),
                            last_import: forms.iter().map(|f| f.created_at).max().unwrap_or(0),
                            sources: forms.iter().map(|f| f.source.clone()).collect(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            OrgTracking {
                code: o.code.to_string(),
                name: o.name,
                units,
            }
        })
        .collect();
    Ok(Tracking {
        round,
        organisations,
    })
}
