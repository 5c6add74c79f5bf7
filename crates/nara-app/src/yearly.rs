//! The årsrapport as use cases: the live model of a year from the data (the coordinator's
//! draft), the texts the coordinator writes (checked, stored, audited), and final versions that
//! freeze the model and the texts as they were, so everyone allowed sees the same report however
//! the data change later. A report becomes final only when the year's self-assessment round is
//! published, so a final report never shows numbers before their time.

use nara_core::activity::FieldProblem;
use nara_core::round::Date;
use nara_core::yearly::{self, Texts, YearReport};
use nara_core::{OrgCode, Round, RoundStatus};
use nara_store::Store;
use serde::Serialize;

use crate::rounds::Earlier;
use crate::{Error, Result};

/// A version of the report as shown.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    /// The model.
    pub report: YearReport,
    /// The texts.
    pub texts: Texts,
    /// The final version shown; `None` for the live draft.
    pub version: Option<u32>,
    /// Who saved what is shown, and when (Unix ms); `None` for a draft never saved.
    pub made: Option<(String, i64)>,
    /// Every final version: number, by whom, when.
    pub finals: Vec<(u32, String, i64)>,
    /// Candidates for the summary (for the draft).
    pub suggestions: Vec<String>,
}

impl YearView {
    /// The view for a reader who may see only public indicators (everyone but the
    /// coordinator): the internal ones leave the report.
    pub fn public_only(mut self) -> Self {
        self.report = self.report.public_only();
        self
    }
}

/// The year's self-assessment round: the newest round of the year.
fn round_of(rounds: &[Round], year: u16) -> Option<&Round> {
    rounds
        .iter()
        .filter(|r| r.id.year() == year)
        .max_by_key(|r| r.id)
}

/// The years a report can be made for: every year with a round or a stored report, newest
/// first.
pub async fn years(store: &dyn Store) -> Result<Vec<u16>> {
    let mut years: Vec<u16> = (store.rounds().await?.iter())
        .map(|r| r.id.year())
        .collect();
    years.sort_unstable();
    years.dedup();
    years.reverse();
    Ok(years)
}

/// The year's model from the data as they are now (every indicator, the county's numbers).
pub async fn live(store: &dyn Store, year: u16) -> Result<YearReport> {
    let rounds = store.rounds().await?;
    let round = round_of(&rounds, year).filter(|r| r.status != RoundStatus::Draft);
    let (report, instrument) = match round {
        Some(r) => {
            let (_, inst) = crate::round_instrument(store, r.id).await?;
            let rep = crate::report::round_report_for(store, r.id, None, Earlier::All).await?;
            (Some(rep), inst)
        }
        None => {
            let inst = (store.instruments().await?.into_iter())
                .next_back()
                .ok_or_else(|| Error::NotFound("Inget instrument finns ännu.".into()))?;
            (None, inst)
        }
    };
    let orgs = store.organisations().await?;
    let n = crate::indicator_view::load(store, &orgs).await?;
    let activities = store.activities(None).await?;
    let plans = store.plans(None).await?;
    let today = Date::of_ms_local(store.now());
    Ok(yearly::build(&yearly::Input {
        year,
        instrument: &instrument,
        report: report.as_ref(),
        organisations: &orgs,
        catalogue: &n.catalogue,
        values: &n.values,
        activities: &activities,
        plans: &plans,
        today,
        public_only: false,
    }))
}

fn parse<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| Error::internal(format!("{what} kunde inte läsas"), e))
}

/// The year's report: the newest final version, or with `draft` the live model with the
/// draft's texts. Without a final version, `NotFound` says so.
pub async fn view(store: &dyn Store, year: u16, draft: bool) -> Result<YearView> {
    let stored = store.year_reports(year).await?;
    let finals: Vec<(u32, String, i64)> = (stored.iter())
        .filter(|s| s.version > 0)
        .map(|s| (s.version, s.made_by.clone(), s.made_at))
        .collect();
    if draft {
        let report = live(store, year).await?;
        let saved = stored.iter().find(|s| s.version == 0);
        let texts = match saved {
            Some(s) => parse(&s.texts, "Utkastets texter")?,
            None => Texts::default(),
        };
        return Ok(YearView {
            suggestions: yearly::suggestions(&report),
            report,
            texts,
            version: None,
            made: saved.map(|s| (s.made_by.clone(), s.made_at)),
            finals,
        });
    }
    let newest = (stored.iter().rev())
        .find(|s| s.version > 0 && s.model.is_some())
        .ok_or_else(|| {
            Error::NotFound(format!(
                "Årsrapporten för {year} är inte klar ännu: samordnaren har inte markerat den som slutlig."
            ))
        })?;
    Ok(YearView {
        report: parse(newest.model.as_deref().unwrap_or_default(), "Årsrapporten")?,
        texts: parse(&newest.texts, "Årsrapportens texter")?,
        version: Some(newest.version),
        made: Some((newest.made_by.clone(), newest.made_at)),
        finals,
        suggestions: Vec::new(),
    })
}

/// How often a save is tried again when someone else saved the draft in between.
const RETRIES: usize = 8;

/// The draft's texts as stored (`None` when no draft is saved) and parsed.
async fn draft(store: &dyn Store, year: u16) -> Result<(Option<String>, Texts)> {
    match store.year_reports(year).await?.into_iter().next() {
        Some(s) if s.version == 0 => {
            let texts = parse(&s.texts, "Utkastets texter")?;
            Ok((Some(s.texts), texts))
        }
        _ => Ok((None, Texts::default())),
    }
}

/// Changes the draft with `change` and stores it, checked against the live model; read again
/// and changed again when someone saved in between, so neither the coordinator's texts nor an
/// organisation's reflections are lost to the other's save.
async fn update(
    store: &dyn Store,
    year: u16,
    actor: &str,
    change: impl Fn(Texts) -> Texts,
) -> Result<std::result::Result<(), Vec<FieldProblem>>> {
    let report = live(store, year).await?;
    for _ in 0..RETRIES {
        let (raw, before) = draft(store, year).await?;
        let texts = change(before).tidy();
        if let Err(p) = texts.check(&report) {
            return Ok(Err(p));
        }
        let json = serde_json::to_string(&texts).map_err(|e| Error::internal("Texterna", e))?;
        if store
            .save_year_draft(year, raw.as_deref(), &json, actor)
            .await?
        {
            return Ok(Ok(()));
        }
    }
    Err(Error::Conflict(
        "Utkastet ändrades av någon annan hela tiden medan du sparade. Försök igen om en stund."
            .into(),
    ))
}

/// Checks and stores the coordinator's texts of the year's draft (the summary and each
/// delmål's text and examples); the organisations' reflections in the draft are kept. The
/// field problems when any (nothing stored).
pub async fn save_texts(
    store: &dyn Store,
    year: u16,
    texts: Texts,
    actor: &str,
) -> Result<std::result::Result<(), Vec<FieldProblem>>> {
    update(store, year, actor, |before| Texts {
        reflections: before.reflections,
        ..texts.clone()
    })
    .await
}

/// An organisation's "lokala reflektioner" for the year, as the draft holds them.
pub async fn reflection(store: &dyn Store, year: u16, org: &OrgCode) -> Result<String> {
    let (_, t) = draft(store, year).await?;
    Ok(t.reflections.get(org.as_str()).cloned().unwrap_or_default())
}

/// Stores an organisation's reflections in the year's draft (empty text takes them away); the
/// next version marked final carries them. The coordinator's texts are kept. The field
/// problems when any (nothing stored).
pub async fn save_reflection(
    store: &dyn Store,
    year: u16,
    org: &OrgCode,
    text: &str,
    actor: &str,
) -> Result<std::result::Result<(), Vec<FieldProblem>>> {
    update(store, year, actor, |mut t| {
        t.reflections.insert(org.to_string(), text.to_string());
        t
    })
    .await
}

/// Marks the year's report final: the live model and the draft's texts stored as the next
/// version. Refused while the year's round is not published.
pub async fn finalise(store: &dyn Store, year: u16, actor: &str) -> Result<u32> {
    let rounds = store.rounds().await?;
    if let Some(r) = round_of(&rounds, year).filter(|r| r.status != RoundStatus::Published) {
        return Err(Error::Conflict(format!(
            "Omgång {} är inte publicerad ({}). Publicera den först, så att årsrapporten inte visar siffror före sin tid.",
            r.id,
            r.status.label()
        )));
    }
    let report = live(store, year).await?;
    let (_, texts) = draft(store, year).await?;
    if let Err(p) = texts.check(&report) {
        let sentences: Vec<String> = p.into_iter().map(|x| x.message).collect();
        return Err(Error::Invalid(format!(
            "Texterna stämmer inte längre med underlaget: {} Rätta dem och försök igen.",
            sentences.join(" ")
        )));
    }
    let model = serde_json::to_string(&report).map_err(|e| Error::internal("Rapporten", e))?;
    let texts = serde_json::to_string(&texts).map_err(|e| Error::internal("Texterna", e))?;
    Ok(store.finalise_year(year, &texts, &model, actor).await?)
}

impl crate::App {
    /// The years a report can be made for, newest first (see [`years`]).
    pub async fn report_years(&self) -> Result<Vec<u16>> {
        years(self.store.as_ref()).await
    }

    /// The year's report: the newest final version, or with `draft` the live draft.
    pub async fn year_report(&self, year: u16, draft: bool) -> Result<YearView> {
        view(self.store.as_ref(), year, draft).await
    }

    /// Checks and stores the year's draft texts.
    pub async fn save_year_texts(
        &self,
        year: u16,
        texts: Texts,
        actor: &str,
    ) -> Result<std::result::Result<(), Vec<FieldProblem>>> {
        save_texts(self.store.as_ref(), year, texts, actor).await
    }

    /// An organisation's reflections in the year's draft.
    pub async fn year_reflection(&self, year: u16, org: &OrgCode) -> Result<String> {
        reflection(self.store.as_ref(), year, org).await
    }

    /// Stores an organisation's reflections in the year's draft.
    pub async fn save_year_reflection(
        &self,
        year: u16,
        org: &OrgCode,
        text: &str,
        actor: &str,
    ) -> Result<std::result::Result<(), Vec<FieldProblem>>> {
        save_reflection(self.store.as_ref(), year, org, text, actor).await
    }

    /// Marks the year's report final; its version number.
    pub async fn finalise_year_report(&self, year: u16, actor: &str) -> Result<u32> {
        finalise(self.store.as_ref(), year, actor).await
    }
}
