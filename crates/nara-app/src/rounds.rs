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
            Error::User(format!(
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
            .find(|i| i.id == iid && i.version == ver)
            .ok_or_else(|| Error::User(format!("Instrumentet {iid} version {ver} finns inte. Importera det först (nara instrument import FIL).")))?,
        None => instruments.last().ok_or_else(|| Error::User("Det finns inget instrument. Importera ett först.".into()))?,
    };
    if let (Some(o), Some(c)) = (opens, closes)
        && c < o
    {
        return Err(Error::User(format!(
            "Slutdatum {c} ligger före startdatum {o}."
        )));
    }
    let round = Round {
        id,
        instrument_id: inst.id.clone(),
        instrument_version: inst.version.clone(),
        status: RoundStatus::Draft,
        opens,
        closes,
    };
    store
        .create_round(&round, actor)
        .await
        .map_err(|e| match e {
            nara_store::Error::Conflict(m) => Error::User(m),
            other => Error::Store(other),
        })?;
    Ok(round)
}

/// Moves a round to a new status, if core allows the change.
pub async fn set_status(
    store: &dyn Store,
    id: RoundId,
    to: RoundStatus,
    actor: &str,
) -> Result<Round> {
    let round = get(store, id).await?;
    round.status.change_to(to)?;
    store.set_round_status(id, to, actor).await?;
    Ok(Round {
        status: to,
        ..round
    })
}

/// The round before `id` with the same instrument family, if any.
pub async fn previous(store: &dyn Store, round: &Round) -> Result<Option<Round>> {
    Ok(store
        .rounds()
        .await?
        .into_iter()
        .filter(|r| r.id < round.id && r.instrument_id == round.instrument_id)
        .max_by_key(|r| r.id))
}
