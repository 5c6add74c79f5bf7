//! Rounds: create, open, close, publish. Every status change is checked by core and audited.

use nara_core::round::Date;
use nara_core::{Round, RoundId, RoundStatus};
use nara_store::Store;

use crate::{Error, Result};

/// The round with this id, or a Swedish error.
pub async fn get(store: &dyn Store, id: RoundId) -> Result<Round> {
    store
        .rounds()
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "Omgången {id} finns inte. Skapa den först (nara round create {id})."
            ))
        })
}

/// Creates a round in draft, tied to an instrument version (by default the newest stored
/// version of the newest instrument family used, or the default instrument).
pub async fn create(
    store: &dyn Store,
    id: RoundId,
    instrument: Option<(&str, &str)>,
    opens: Option<Date>,
    closes: Option<Date>,
    actor: &str,
) -> Result<Round> {
    let instruments = store.instruments().await?;
    let inst = match instrument {
        Some((iid, ver)) => instruments
            .iter()
            .find(|i| i.id() == iid && i.version() == ver)
            .ok_or_else(|| Error::NotFound(format!("Instrumentet {iid} version {ver} finns inte. Importera det först (nara instrument import FIL).")))?,
        None => instruments.last().ok_or_else(|| Error::NotFound("Det finns inget instrument. Importera ett först.".into()))?,
    };
    if let (Some(o), Some(c)) = (opens, closes)
        && c < o
    {
        return Err(Error::Invalid(format!(
            "Slutdatum {c} ligger före startdatum {o}."
        )));
    }
    let round = Round {
        id,
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: RoundStatus::Draft,
        opens,
        closes,
    };
    store.create_round(&round, actor).await?;
    Ok(round)
}

/// Moves a round to a new status, if core allows the change (a change that needs a reason is
/// refused here: see [`change_status`]).
pub async fn set_status(
    store: &dyn Store,
    id: RoundId,
    to: RoundStatus,
    actor: &str,
) -> Result<Round> {
    change_status(store, id, to, "", actor).await
}

/// The longest reason kept for a status change.
pub const MAX_REASON_CHARS: usize = 1_000;

/// Moves a round to a new status, if core allows the change. A round without answers is not
/// published; taking a publication back needs a reason, which goes into the audit log.
pub async fn change_status(
    store: &dyn Store,
    id: RoundId,
    to: RoundStatus,
    reason: &str,
    actor: &str,
) -> Result<Round> {
    let round = get(store, id).await?;
    round.status.change_to(to)?;
    let reason = reason.trim();
    if round.status.needs_reason(to) {
        if reason.is_empty() {
            return Err(Error::Invalid(format!(
                "Skriv varför publiceringen av omgång {id} tas tillbaka; skälet sparas i loggen."
            )));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(Error::Invalid(format!(
                "Skälet är längre än {MAX_REASON_CHARS} tecken; korta det."
            )));
        }
    }
    if to == RoundStatus::Published && store.responses(id).await?.is_empty() {
        return Err(Error::Conflict(format!(
            "Omgång {id} har inga svar och kan inte publiceras. Läs in blanketter eller vänta på webbsvar först."
        )));
    }
    store.set_round_status(id, to, actor).await?;
    if round.status.needs_reason(to) {
        store
            .audit(actor, "round.unpublish", &id.to_string(), reason)
            .await?;
    }
    Ok(Round {
        status: to,
        ..round
    })
}

/// Which earlier rounds a result may draw on (compare with, or show in a trend) for the one who
/// reads it. Results never compare with a round its reader may not see: a reader of a published
/// round whose previous round is still open compares with the newest *published* earlier round,
/// or with none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Earlier {
    /// Every earlier round (the coordinator, the command line).
    All,
    /// Published rounds only (county numbers for anyone but the coordinator).
    Published,
    /// Rounds that are not drafts (a respondent's own organisation, before publication).
    NotDraft,
}

impl Earlier {
    /// Whether a round may be drawn on.
    pub fn admits(self, round: &Round) -> bool {
        match self {
            Earlier::All => true,
            Earlier::Published => round.status == RoundStatus::Published,
            Earlier::NotDraft => round.status != RoundStatus::Draft,
        }
    }
}

/// The round before `id` with the same instrument family, if any.
pub async fn previous(store: &dyn Store, round: &Round) -> Result<Option<Round>> {
    previous_for(store, round, Earlier::All).await
}

/// The newest round before `round` of the same instrument family that `earlier` admits.
pub async fn previous_for(
    store: &dyn Store,
    round: &Round,
    earlier: Earlier,
) -> Result<Option<Round>> {
    Ok(previous_among(&store.rounds().await?, round, earlier).cloned())
}

/// Among `rounds`, the newest before `round` of the same instrument family that `earlier`
/// admits: the round a report compares with.
pub fn previous_among<'a>(
    rounds: &'a [Round],
    round: &Round,
    earlier: Earlier,
) -> Option<&'a Round> {
    rounds
        .iter()
        .filter(|r| r.id < round.id && r.instrument_id == round.instrument_id && earlier.admits(r))
        .max_by_key(|r| r.id)
}
