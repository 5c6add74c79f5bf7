//! Aktiviteter and lokala planer as use cases: every record is checked against the newest
//! instrument, the organisations, the nyckeltal catalogue and the stored plans before anything
//! is stored; a batch is stored whole or not at all; a round's follow-up also sets the
//! activity's status. Field problems come back as data (the web shows them beside the fields,
//! the command line lists them); store failures as errors.

use std::collections::BTreeMap;

use nara_core::RoundId;
use nara_core::activity::{
    Activity, ActivityStatus, Context, FieldProblem, FollowUp, LocalPlan, RecordId,
};
use nara_core::{Instrument, OrgCode};
pub use nara_store::{ActivityBatch, BatchChanges};
use nara_store::{Store, StoredFollowUp};
use serde::Serialize;

use crate::{Error, Result};

/// A problem with one record of a batch: which record (its id and title) and the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordProblem {
    /// The record's id.
    pub id: String,
    /// Its title or name.
    pub title: String,
    /// The problem.
    pub problem: FieldProblem,
}

/// Everything a record is checked against (see [`known`]): an import batch reads it once for
/// all its forms' sheets.
pub(crate) struct Known {
    instrument: Instrument,
    organisations: Vec<OrgCode>,
    indicators: Vec<String>,
    plans: Vec<RecordId>,
}

pub(crate) async fn known(store: &dyn Store) -> Result<Known> {
    let instrument = (store.instruments().await?.into_iter())
        .next_back()
        .ok_or_else(|| Error::NotFound("Inget instrument finns; läs in ett först.".into()))?;
    let organisations = (store.organisations().await?.into_iter())
        .map(|o| o.code)
        .collect();
    let catalogue = crate::indicator_view::catalogue(store).await?;
    let indicators = catalogue.indicators.into_iter().map(|i| i.id).collect();
    let plans = store.plans(None).await?.into_iter().map(|p| p.id).collect();
    Ok(Known {
        instrument,
        organisations,
        indicators,
        plans,
    })
}

/// A new id for an activity (`'A'`) or a plan (`'P'`).
pub fn new_id(kind: char) -> Result<RecordId> {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).map_err(|e| Error::internal("Slumptal saknas", e.to_string()))?;
    Ok(RecordId::new(kind, u64::from_le_bytes(buf)))
}

/// Checks a batch (plans first, so an activity may name a plan of the same batch) and stores
/// it whole; `Ok(Err(problems))` when any record has a problem, and then nothing is stored.
pub async fn save(
    store: &dyn Store,
    batch: &ActivityBatch,
    actor: &str,
) -> Result<std::result::Result<BatchChanges, Vec<RecordProblem>>> {
    save_known(store, batch, actor, &mut known(store).await?).await
}

/// As [`save`], checked against `k` (read before by [`known`]), which learns the batch's plans
/// once they are stored.
pub(crate) async fn save_known(
    store: &dyn Store,
    batch: &ActivityBatch,
    actor: &str,
    k: &mut Known,
) -> Result<std::result::Result<BatchChanges, Vec<RecordProblem>>> {
    let problems = check_known(k, batch);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let changes = store.save_activities(batch, actor).await?;
    k.plans.extend(batch.plans.iter().map(|p| p.id.clone()));
    Ok(Ok(changes))
}

/// Checks a batch as [`save`] does, storing nothing: every problem of every record.
pub async fn check(store: &dyn Store, batch: &ActivityBatch) -> Result<Vec<RecordProblem>> {
    Ok(check_known(&known(store).await?, batch))
}

/// Checks a batch against `k`: every problem of every record.
pub(crate) fn check_known(k: &Known, batch: &ActivityBatch) -> Vec<RecordProblem> {
    let mut plans = k.plans.clone();
    plans.extend(batch.plans.iter().map(|p| p.id.clone()));
    let ids: Vec<&str> = k.indicators.iter().map(String::as_str).collect();
    let ctx = Context {
        instrument: &k.instrument,
        organisations: &k.organisations,
        indicators: &ids,
        plans: &plans,
    };
    let mut problems = Vec::new();
    let mut note = |id: &RecordId, title: &str, ps: Vec<FieldProblem>| {
        for problem in ps {
            problems.push(RecordProblem {
                id: id.to_string(),
                title: title.to_string(),
                problem,
            });
        }
    };
    for p in &batch.plans {
        if let Err(ps) = p.check(&ctx) {
            note(&p.id, &p.name, ps);
        }
    }
    for a in &batch.activities {
        if let Err(ps) = a.check(&ctx) {
            note(&a.id, &a.title, ps);
        }
    }
    for f in &batch.followups {
        if let Err(ps) = f.check() {
            note(&f.activity, "", ps);
        }
    }
    problems
}

/// A round's follow-up of a stored activity: stored with the activity's status set to it.
pub async fn follow_up(
    store: &dyn Store,
    activity: &RecordId,
    round: RoundId,
    status: ActivityStatus,
    comment: &str,
    actor: &str,
) -> Result<std::result::Result<BatchChanges, Vec<RecordProblem>>> {
    let mut a = (store.activities(None).await?.into_iter())
        .find(|a| &a.id == activity)
        .ok_or_else(|| Error::NotFound(format!("Aktiviteten {activity} finns inte.")))?;
    if !store.rounds().await?.iter().any(|r| r.id == round) {
        return Err(Error::NotFound(format!("Omgången {round} finns inte.")));
    }
    a.status = status;
    let batch = ActivityBatch {
        plans: Vec::new(),
        followups: vec![FollowUp {
            activity: a.id.clone(),
            round,
            status,
            comment: comment.to_string(),
        }],
        activities: vec![a],
    };
    save(store, &batch, actor).await
}

/// An organisation's plans and activities (everyone's when `None`), with every follow-up.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overview {
    /// The plans.
    pub plans: Vec<LocalPlan>,
    /// The activities.
    pub activities: Vec<Activity>,
    /// The follow-ups, by activity and round.
    pub followups: Vec<StoredFollowUp>,
}

/// The plans, activities and follow-ups of an organisation (all when `None`).
pub async fn overview(store: &dyn Store, org: Option<&OrgCode>) -> Result<Overview> {
    let activities = store.activities(org).await?;
    let followups = match org {
        Some(o) => store.followups_of(o).await?,
        None => store.followups(None).await?,
    };
    Ok(Overview {
        plans: store.plans(org).await?,
        activities,
        followups,
    })
}

/// What became of an activity file: what was stored, or every problem (and nothing stored).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileOutcome {
    /// What storing changed; `None` when the file was refused.
    pub changes: Option<BatchChanges>,
    /// Why it was refused, each with where (`rad 3, kolumn Status: …`).
    pub problems: Vec<String>,
}

/// The activities of an organisation (all when `None`) as CSV (see
/// [`nara_excel::activities::write_csv`]); "Försenad" as of `today`.
pub async fn export_csv(
    store: &dyn Store,
    org: Option<&OrgCode>,
    today: nara_core::round::Date,
) -> Result<Vec<u8>> {
    let list = store.activities(org).await?;
    Ok(nara_excel::activities::write_csv(&list, today))
}

/// The plans an organisation is a party to (all when `None`) as CSV (see
/// [`nara_excel::activities::write_plans_csv`]).
pub async fn export_plans_csv(store: &dyn Store, org: Option<&OrgCode>) -> Result<Vec<u8>> {
    let list = store.plans(org).await?;
    Ok(nara_excel::activities::write_plans_csv(&list))
}

/// The activities of an organisation and the plans it is a party to (all when `None`) as a
/// workbook in long format (see [`nara_excel::activities::write_xlsx`]); "Försenad" as of
/// `today`.
pub async fn export_xlsx(
    store: &dyn Store,
    org: Option<&OrgCode>,
    today: nara_core::round::Date,
) -> Result<Vec<u8>> {
    let activities = store.activities(org).await?;
    let plans = store.plans(org).await?;
    nara_excel::activities::write_xlsx(&activities, &plans, today)
        .map_err(|e| Error::internal("Arbetsboken kunde inte skrivas", e))
}

/// New ids for the rows of a file without one; the first failure to draw one is kept.
struct Ids {
    failed: Option<Error>,
}

impl Ids {
    fn next(&mut self, kind: char) -> RecordId {
        new_id(kind).unwrap_or_else(|e| {
            self.failed.get_or_insert(e);
            RecordId::new(kind, 0)
        })
    }

    fn check(self) -> Result<()> {
        self.failed.map_or(Ok(()), Err)
    }
}

/// A refused file: every problem with where it is (`Aktiviteter N7: …`, `rad 3, kolumn Status:
/// …`).
fn refused(problems: &[nara_excel::Problem]) -> FileOutcome {
    FileOutcome {
        changes: None,
        problems: (problems.iter())
            .map(|x| {
                let at: Vec<&str> = [x.sheet.as_deref(), x.cell.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                if at.is_empty() {
                    x.message.clone()
                } else {
                    format!("{}: {}", at.join(" "), x.message)
                }
            })
            .collect(),
    }
}

/// Stores a batch read from a file, or names every record's problem.
async fn store_file(store: &dyn Store, batch: &ActivityBatch, actor: &str) -> Result<FileOutcome> {
    Ok(match save(store, batch, actor).await? {
        Ok(c) => FileOutcome {
            changes: Some(c),
            problems: Vec::new(),
        },
        Err(ps) => FileOutcome {
            changes: None,
            problems: (ps.iter())
                .map(|p| format!("{} (”{}”): {}", p.id, p.title, p.problem.message))
                .collect(),
        },
    })
}

/// Reads activities, or plans, from CSV and stores them whole, or nothing when the file or any
/// record has a problem. A file whose header row has "Namn" and "Parter" (and no "Titel") is a
/// plan table (see [`nara_excel::activities::read_plans_csv`]), any other an activity table. A
/// row without an id is a new record.
pub async fn import_csv(store: &dyn Store, bytes: &[u8], actor: &str) -> Result<FileOutcome> {
    let limits = nara_excel::Limits::default();
    let mut ids = Ids { failed: None };
    let batch = if nara_excel::activities::is_plans_csv(bytes) {
        let read = nara_excel::activities::read_plans_csv(bytes, &limits, || ids.next('P'));
        ids.check()?;
        match read {
            Ok(plans) => ActivityBatch {
                plans,
                ..ActivityBatch::default()
            },
            Err(p) => return Ok(refused(&p)),
        }
    } else {
        let read = nara_excel::activities::read_csv(bytes, &limits, || ids.next('A'));
        ids.check()?;
        match read {
            Ok(activities) => ActivityBatch {
                activities,
                ..ActivityBatch::default()
            },
            Err(p) => return Ok(refused(&p)),
        }
    };
    store_file(store, &batch, actor).await
}

/// Reads activities and plans from a workbook in long format (see
/// [`nara_excel::activities::read_xlsx`]) and stores them in one batch, or nothing when the
/// file or any record has a problem. A row without an id is a new activity or plan.
pub async fn import_xlsx(
    store: &dyn Store,
    file_name: &str,
    bytes: &[u8],
    actor: &str,
) -> Result<FileOutcome> {
    let limits = nara_excel::Limits::default();
    let mut ids = Ids { failed: None };
    let read = nara_excel::activities::read_xlsx(file_name, bytes, &limits, |k| ids.next(k));
    ids.check()?;
    let (plans, activities) = match read {
        Ok(r) => r,
        Err(p) => return Ok(refused(&p)),
    };
    let batch = ActivityBatch {
        plans,
        activities,
        ..ActivityBatch::default()
    };
    store_file(store, &batch, actor).await
}

/// The activities and plans a workbook shows, gathered (see
/// [`nara_excel::summary::ActivityInput`]).
pub(crate) struct ForWorkbook {
    /// The activities.
    pub(crate) activities: Vec<Activity>,
    /// The plans.
    pub(crate) plans: Vec<LocalPlan>,
    /// The newest follow-up of each activity up to the round: its round and comment.
    pub(crate) followups: BTreeMap<RecordId, (RoundId, String)>,
}

/// The activities of an organisation and the plans it is a party to (the county's when
/// `None`), with each activity's newest follow-up up to `round`.
pub(crate) async fn for_workbook(
    store: &dyn Store,
    round: RoundId,
    org: Option<&OrgCode>,
    earlier: crate::rounds::Earlier,
) -> Result<ForWorkbook> {
    let o = overview(store, org).await?;
    // Only the workbook's round and the earlier rounds its reader may see: a follow-up of a
    // round the reader may not see is left out, as its results are.
    let seen: Vec<RoundId> = (store.rounds().await?.into_iter())
        .filter(|r| r.id == round || (r.id < round && earlier.admits(r)))
        .map(|r| r.id)
        .collect();
    let mut followups: BTreeMap<RecordId, (RoundId, String)> = BTreeMap::new();
    for f in o.followups.into_iter().map(|f| f.followup) {
        let newer = followups.get(&f.activity).is_none_or(|(r, _)| *r < f.round);
        if seen.contains(&f.round) && newer {
            followups.insert(f.activity, (f.round, f.comment));
        }
    }
    Ok(ForWorkbook {
        activities: o.activities,
        plans: o.plans,
        followups,
    })
}
