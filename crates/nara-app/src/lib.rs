//! `nara-app` holds the use cases that the command line and the server share: opening the
//! database with its defaults, import batches, rounds, results (the one [`report::RoundReport`]
//! that every view renders), response tracking, accounts and sessions, answer links, exports and
//! backup. [`App`] is the door: it holds the store and the cache, and its methods are the use
//! cases, so neither the CLI nor the server touches the store or writes a use case again. Every
//! score comes from `nara-core`.

use std::sync::Arc;

use nara_core::{Instrument, OrgCode, Organisations, RoundId};
use nara_store::Store;

pub mod activities;
mod app;
pub mod cache;
pub mod contacts;
pub mod demo;
pub mod exports;
mod followup;
pub mod import;
pub mod import_activities;
pub mod indicator_view;
pub mod indicators;
pub mod limits;
pub mod online;
pub mod report;
pub mod rounds;
pub mod sessions;
pub mod sso;
pub mod store_error;
mod tracking;
pub mod users;
pub mod yearly;
pub mod yearly_files;

pub use app::App;
pub use nara_core::{AnswerLink, Role, Session, User};
pub use nara_store::{
    AnsweredCount, AuditEntry, AuditFilter, Outcome, StoredValue, ValueChanges, now_ms,
};

/// Errors of the use cases, by what the caller does with them: the first four carry a Swedish
/// sentence for people (what is wrong and what to do); [`Error::Internal`] is a failure inside
/// (the database, a file, a workbook) that people cannot fix: callers log its chain and show a
/// generic sentence. The server maps each variant to a status in one place; no caller reads the
/// text to decide.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// What was asked for does not exist (a round, an organisation, an account, a link).
    #[error("{0}")]
    NotFound(String),
    /// The user's input or file is wrong; the sentence says what and how to put it right.
    #[error("{0}")]
    Invalid(String),
    /// It cannot be done in the current state: a name taken, a round that exists or is closed.
    #[error("{0}")]
    Conflict(String),
    /// The one asking may not do this (e.g. lock themselves out).
    #[error("{0}")]
    Forbidden(String),
    /// A service Nära reads from (Kolada) did not answer as it should; the sentence says which,
    /// what it answered and what to try.
    #[error("{0}")]
    Unavailable(String),
    /// Something failed inside; `context` says what was being done.
    #[error("{context}")]
    Internal {
        /// What was being done, in Swedish ("Databasfel", "Blanketten kunde inte skrivas").
        context: std::borrow::Cow<'static, str>,
        /// Why it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    /// An internal failure while doing `context`.
    pub fn internal(
        context: impl Into<std::borrow::Cow<'static, str>>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Internal {
            context: context.into(),
            source: source.into(),
        }
    }

    /// The sentence to show people, or `None` for an internal error (show a generic sentence
    /// and log the error instead).
    pub fn user_message(&self) -> Option<&str> {
        match self {
            Self::NotFound(m)
            | Self::Invalid(m)
            | Self::Conflict(m)
            | Self::Forbidden(m)
            | Self::Unavailable(m) => Some(m),
            Self::Internal { .. } => None,
        }
    }

    /// The error and its sources, outermost first, joined by `: ` (for logs).
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            out.push_str(": ");
            out.push_str(&e.to_string());
            next = e.source();
        }
        out
    }
}

impl From<nara_store::Error> for Error {
    /// Missing and taken things become [`Error::NotFound`] and [`Error::Conflict`] with their
    /// Swedish sentence (see [`store_error::sentence`]); an operation the backend does not offer
    /// is [`Error::Invalid`]; a failing database is [`Error::Internal`] with the store error as
    /// its source.
    fn from(e: nara_store::Error) -> Self {
        use nara_store::Error as S;
        match e {
            S::NotFound(_) => Self::NotFound(store_error::sentence(&e)),
            S::Conflict(_) => Self::Conflict(store_error::sentence(&e)),
            S::Unsupported { .. } => Self::Invalid(store_error::sentence(&e)),
            S::Db(_) | S::Migrate(_) | S::Corrupt(_) => Self::internal("Databasfel", e),
        }
    }
}

impl From<nara_core::Error> for Error {
    fn from(e: nara_core::Error) -> Self {
        Self::Invalid(e.to_string())
    }
}

/// Result with the app error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The default database URL: `nara.db` in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://nara.db";

/// Opens the database at `url` (creating a SQLite file when missing) and, on first use, loads
/// the default instrument and organisations (Dalarna).
pub(crate) async fn open(url: &str) -> Result<Arc<dyn Store>> {
    let store = nara_store::open_store(url).await?;
    seed_defaults(store.as_ref()).await?;
    Ok(store)
}

/// Loads the default instrument and organisations (Dalarna) into a store that has none.
pub async fn seed_defaults(store: &dyn Store) -> Result<()> {
    if store.instruments().await?.is_empty() {
        store.put_instrument(&Instrument::dalarna()).await?;
    }
    if store.organisations().await?.is_empty() {
        for o in Organisations::dalarna().organisations {
            store.put_organisation(&o).await?;
        }
    }
    Ok(())
}

/// The organisations as a core list.
pub async fn organisations(store: &dyn Store) -> Result<Organisations> {
    Ok(Organisations {
        county: String::new(),
        organisations: store.organisations().await?,
    })
}

/// The organisation with this code, or a Swedish error.
pub async fn organisation(store: &dyn Store, code: &OrgCode) -> Result<nara_core::Organisation> {
    store
        .organisations()
        .await?
        .into_iter()
        .find(|o| &o.code == code)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "Organisationen {code} finns inte. Se nara org list för koderna."
            ))
        })
}

/// Stores a new instrument version from its TOML text (validated by core), audited. The same
/// version again with the same content changes nothing; with other content it is refused with a
/// Swedish sentence (a version, once stored, never changes: old rounds are scored with it).
pub async fn import_instrument(store: &dyn Store, toml: &str, actor: &str) -> Result<Instrument> {
    let inst = Instrument::from_toml(toml)?;
    let existed = store
        .instruments()
        .await?
        .iter()
        .any(|i| i.id() == inst.id() && i.version() == inst.version());
    store.put_instrument(&inst).await?;
    if !existed {
        store
            .audit(
                actor,
                "instrument.import",
                &format!("{}@{}", inst.id(), inst.version()),
                inst.name(),
            )
            .await?;
    }
    Ok(inst)
}

/// Adds or updates organisations from a list in TOML (another county's, a changed name or a
/// contact), validated first: nothing is stored from a list with an error. An organisation the
/// list gives no contact keeps the one stored (set in the browser). Each added or changed
/// organisation is audited. Returns how many were added or changed.
pub async fn import_organisations(store: &dyn Store, toml: &str, actor: &str) -> Result<usize> {
    let list = Organisations::from_toml(toml)?;
    let before = store.organisations().await?;
    let mut changed = 0;
    for o in &list.organisations {
        let old = before.iter().find(|b| b.code == o.code);
        let new_contact = o
            .contact
            .as_ref()
            .filter(|c| old.is_none_or(|b| b.contact.as_ref() != Some(*c)));
        if old.is_some_and(|b| b.name == o.name && b.kind == o.kind) && new_contact.is_none() {
            continue;
        }
        store.put_organisation(o).await?;
        let mut details = match old {
            Some(b) => format!("{} → {} ({})", b.name, o.name, o.kind.label()),
            None => format!("{} ({})", o.name, o.kind.label()),
        };
        if let Some(c) = new_contact {
            details.push_str(&format!("; kontakt: {}", c.display()));
        }
        let action = if old.is_some() {
            "organisation.update"
        } else {
            "organisation.add"
        };
        store
            .audit(actor, action, o.code.as_str(), &details)
            .await?;
        changed += 1;
    }
    Ok(changed)
}

/// A blank Excel form for one organisation in a round, and its file name
/// (`blankett-2026-2080.xlsx`).
pub async fn blank_form(
    store: &dyn Store,
    round: RoundId,
    org: &OrgCode,
) -> Result<(String, Vec<u8>)> {
    let (round, inst) = round_instrument(store, round).await?;
    let org = organisation(store, org).await?;
    let acts = import_activities::form_activities(store, &org.code).await?;
    let send_to = contacts::coordinator_contact(store).await?;
    let spec = nara_excel::FormSpec {
        instrument: &inst,
        org: &org,
        round: &round,
        send_to: send_to.as_ref(),
    };
    let bytes = nara_excel::write_form_for(&spec, &acts)
        .map_err(|e| Error::internal("Blanketten kunde inte skrivas", e))?;
    Ok((format!("blankett-{}-{}.xlsx", round.id, org.code), bytes))
}

/// Blank forms for every organisation of a round in one zip (`blanketter-2026.zip`).
pub async fn forms_zip(store: &dyn Store, round: RoundId) -> Result<(String, Vec<u8>)> {
    use std::io::Write;
    let (round, inst) = round_instrument(store, round).await?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let io = |e: Box<dyn std::error::Error + Send + Sync>| {
        Error::internal("Zip-filen kunde inte skrivas", e)
    };
    let send_to = contacts::coordinator_contact(store).await?;
    for org in store.organisations().await? {
        let acts = import_activities::form_activities(store, &org.code).await?;
        let spec = nara_excel::FormSpec {
            instrument: &inst,
            org: &org,
            round: &round,
            send_to: send_to.as_ref(),
        };
        let bytes = nara_excel::write_form_for(&spec, &acts).map_err(|e| io(e.into()))?;
        zip.start_file(format!("blankett-{}-{}.xlsx", round.id, org.code), opts)
            .map_err(|e| io(e.into()))?;
        zip.write_all(&bytes).map_err(|e| io(e.into()))?;
    }
    let bytes = zip.finish().map_err(|e| io(e.into()))?.into_inner();
    Ok((format!("blanketter-{}.zip", round.id), bytes))
}

/// The instrument a round uses.
pub async fn round_instrument(
    store: &dyn Store,
    round: RoundId,
) -> Result<(nara_core::Round, Instrument)> {
    let r = rounds::get(store, round).await?;
    let inst = store
        .instruments()
        .await?
        .into_iter()
        .find(|i| i.id() == r.instrument_id && i.version() == r.instrument_version)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "Omgången {round} använder instrumentet {} {}, som saknas.",
                r.instrument_id, r.instrument_version
            ))
        })?;
    Ok((r, inst))
}

/// Copies the database to `to` while it is in use (SQLite). For PostgreSQL, use pg_dump.
pub async fn backup(store: &dyn Store, to: &std::path::Path, actor: &str) -> Result<()> {
    store.backup_to(to).await?;
    store
        .audit(actor, "backup", &to.display().to_string(), "")
        .await?;
    Ok(())
}
