//! Results: the one [`RoundReport`] that `nara report --json`, the web pages and the Excel
//! exports all render, and (from `crate::tracking`) the response tracking of a round. Every number is computed by
//! `nara-core`'s roll-up; this module only gathers the stored answers.

pub use nara_core::report::{AreaRef, OrgReport, RoundReport, UnitReport};

use std::borrow::Cow;

use nara_core::report::{Form, RawRow, RawTable, RoundData, RoundScores, TrendRound};
use nara_core::{Instrument, OrgCode, Round, RoundId};
use nara_store::{Store, StoredResponse};

use crate::Result;
pub use crate::rounds::Earlier;
pub use crate::tracking::{
    Answered, OrgTracking, Tracking, UnitTracking, WebTracking, response_tracking,
};

/// Who reads a result: which earlier rounds it may compare with, and whether it may show the
/// county's numbers of its own round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Audience {
    /// The earlier rounds it may draw on.
    pub earlier: Earlier,
    /// Whether the county (every organisation) of the round may be shown.
    pub county: bool,
}

impl Audience {
    /// Everything: the coordinator and the command line.
    pub const ALL: Audience = Audience {
        earlier: Earlier::All,
        county: true,
    };
}

pub(crate) fn forms(responses: &[StoredResponse]) -> Vec<Form<'_>> {
    responses
        .iter()
        .map(|r| Form {
            response: &r.response,
            stored_at: r.created_at,
            source: &r.source,
        })
        .collect()
}

/// A round with its instrument and its current responses, loaded from the store.
pub struct Loaded {
    /// The round.
    pub round: Round,
    /// Its instrument version.
    pub instrument: Instrument,
    /// Its current responses.
    pub responses: Vec<StoredResponse>,
}

impl Loaded {
    /// The round as core's input.
    pub fn data(&self) -> RoundData<'_> {
        RoundData {
            round: &self.round,
            instrument: &self.instrument,
            forms: forms(&self.responses),
        }
    }
}

/// Loads a round, its instrument and its current responses.
pub async fn load(store: &dyn Store, round: RoundId) -> Result<Loaded> {
    let (round, instrument) = crate::round_instrument(store, round).await?;
    let responses = store.responses(round.id).await?;
    Ok(Loaded {
        round,
        instrument,
        responses,
    })
}

/// The results of a round: every organisation (or only `org`), the county and the change since
/// the previous round of the same instrument family.
pub async fn round_report(
    store: &dyn Store,
    round: RoundId,
    org: Option<&OrgCode>,
) -> Result<RoundReport> {
    round_report_for(store, round, org, Earlier::All).await
}

/// The results of a round (as [`round_report`]), compared with the newest earlier round that
/// `earlier` admits.
pub async fn round_report_for(
    store: &dyn Store,
    round: RoundId,
    org: Option<&OrgCode>,
    earlier: Earlier,
) -> Result<RoundReport> {
    let this = crate::rounds::get(store, round).await?;
    let prev = crate::rounds::previous_for(store, &this, earlier).await?;
    // The two rounds load at once (each on a database connection of its own), and the scoring
    // runs off the async runtime, so a large county does not hold up other requests.
    let (now, prev, orgs) = tokio::join!(
        load(store, round),
        async {
            match prev {
                Some(p) => load(store, p.id).await.map(Some),
                None => Ok(None),
            }
        },
        store.organisations()
    );
    let (now, prev, orgs) = (now?, prev?, orgs?);
    let org = org.cloned();
    tokio::task::spawn_blocking(move || {
        let prev_data = prev.as_ref().map(Loaded::data);
        nara_core::report::round_report(&now.data(), prev_data.as_ref(), &orgs, org.as_ref())
    })
    .await
    .map_err(|e| crate::Error::internal("Resultaten kunde inte räknas", e))
}

/// The results of a round (as [`round_report`]) together with the previous round's scores per
/// organisation, from one load of each round (the organisation report needs both).
pub async fn round_report_and_previous(
    store: &dyn Store,
    round: RoundId,
    earlier: Earlier,
) -> Result<(RoundReport, Option<TrendRound>)> {
    let now = load(store, round).await?;
    let prev = match crate::rounds::previous_for(store, &now.round, earlier).await? {
        Some(p) => Some(load(store, p.id).await?),
        None => None,
    };
    let orgs = store.organisations().await?;
    let prev_data = prev.as_ref().map(Loaded::data);
    let report = nara_core::report::round_report(&now.data(), prev_data.as_ref(), &orgs, None);
    let prev_trend =
        prev_data.map(|d| nara_core::report::trend(std::slice::from_ref(&d)).remove(0));
    Ok((report, prev_trend))
}

/// The scores of every round of `round`'s instrument family up to and including it, oldest
/// first.
pub async fn trend(store: &dyn Store, round: RoundId) -> Result<Vec<TrendRound>> {
    trend_for(store, round, Earlier::All).await
}

/// The trend (as [`trend`]) over `round` and the earlier rounds that `earlier` admits.
pub async fn trend_for(
    store: &dyn Store,
    round: RoundId,
    earlier: Earlier,
) -> Result<Vec<TrendRound>> {
    let (this, _) = crate::round_instrument(store, round).await?;
    let mut loaded = Vec::new();
    for r in store.rounds().await? {
        if r.instrument_id == this.instrument_id
            && (r.id == this.id || (r.id < this.id && earlier.admits(&r)))
        {
            loaded.push(load(store, r.id).await?);
        }
    }
    let data: Vec<RoundData> = loaded.iter().map(Loaded::data).collect();
    Ok(nara_core::report::trend(&data))
}

/// Everything the county summary needs, loading each round of the family once: the round's
/// results (as [`round_report`]), the trend over the family's rounds up to it (oldest first),
/// and the raw answer rows of all those rounds.
pub async fn family(
    store: &dyn Store,
    round: RoundId,
) -> Result<(RoundReport, Vec<TrendRound>, RawTable)> {
    family_for(store, round, Earlier::All).await
}

/// Everything the county summary needs (as [`family`]) over `round` and the earlier rounds that
/// `earlier` admits: the comparison, the trend and the raw rows leave the others out.
///
/// The rounds are loaded one at a time, oldest first, and each is dropped once its trend and
/// raw rows are taken (the newest when its report is made; of the one before, its scores are
/// kept for the comparison), so at most two rounds are held at once: the next round loads while
/// one is turned into rows. Each round is scored once, for its trend and the report.
pub async fn family_for(
    store: &dyn Store,
    round: RoundId,
    earlier: Earlier,
) -> Result<(RoundReport, Vec<TrendRound>, RawTable)> {
    let (this, _) = crate::round_instrument(store, round).await?;
    let orgs = std::sync::Arc::new(store.organisations().await?);
    let mut ids: Vec<RoundId> = store
        .rounds()
        .await?
        .into_iter()
        .filter(|r| {
            r.instrument_id == this.instrument_id
                && (r.id == this.id || (r.id < this.id && earlier.admits(r)))
        })
        .map(|r| r.id)
        .collect();
    ids.sort();
    let mut raw = RawTable::default();
    let mut trend = Vec::with_capacity(ids.len());
    let n = ids.len();
    // What the report compares: the newest round's forms and scores, and the scores of the
    // round before it (its forms are not needed once scored).
    let (mut last, mut previous): (Option<(Loaded, RoundScores)>, Option<RoundScores>) =
        (None, None);
    let mut next = match ids.first() {
        Some(&id) => Some(load(store, id).await?),
        None => None,
    };
    for i in 0..n {
        let Some(now) = next.take() else { break };
        let o = orgs.clone();
        let work = tokio::task::spawn_blocking(move || {
            let d = now.data();
            raw.push_round(d.instrument, &o, &d.forms);
            let scores = nara_core::report::round_scores(&d);
            let t = scores.trend_round();
            drop(d);
            let kept = (i + 2 >= n).then_some(scores);
            ((i + 1 == n).then_some(now), kept, raw, t)
        });
        let (loaded, done) = tokio::join!(
            async {
                match ids.get(i + 1) {
                    Some(&id) => load(store, id).await.map(Some),
                    None => Ok(None),
                }
            },
            work
        );
        let (now, kept, r, t) =
            done.map_err(|e| crate::Error::internal("Rådata kunde inte ordnas", e))?;
        next = loaded?;
        raw = r;
        trend.push(t);
        match now {
            Some(now) => last = kept.map(|s| (now, s)),
            None => previous = kept,
        }
    }
    let Some((l, scores)) = last else {
        return Err(crate::Error::NotFound(format!(
            "Omgången {round} finns inte."
        )));
    };
    let report = nara_core::report::round_report_scored(
        &l.data(),
        Cow::Owned(scores),
        previous.as_ref(),
        &orgs,
        None,
    );
    Ok((report, trend, raw))
}

/// Every answer of the round (or of one organisation) as a flat row.
pub async fn raw_rows(
    store: &dyn Store,
    round: RoundId,
    org: Option<&OrgCode>,
) -> Result<Vec<RawRow>> {
    let now = load(store, round).await?;
    let orgs = store.organisations().await?;
    let data = now.data();
    let forms: Vec<Form> = data
        .forms
        .into_iter()
        .filter(|f| org.is_none_or(|o| o == &f.response.org))
        .collect();
    Ok(nara_core::report::raw_rows(&now.instrument, &orgs, &forms))
}
