//! The store's errors. They say what happened to what (kind and key), in English for logs;
//! `nara-app` turns them into sentences for people.

use std::fmt;
use std::path::PathBuf;

use nara_core::{OrgCode, RoundId};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Something that must exist does not.
    #[error("{0} not found")]
    NotFound(Entity),
    /// Something that must be unique (or unchanged) already exists.
    #[error("{0} already exists")]
    Conflict(Entity),
    /// Stored data could not be read back (a bug or a hand-edited database).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The operation is not available on this backend.
    #[error("{operation} is not supported on {backend}")]
    Unsupported {
        /// What was asked for.
        operation: Operation,
        /// The backend that cannot (`sqlite` or `postgres`).
        backend: &'static str,
    },
}

/// What a [`Error::NotFound`] or [`Error::Conflict`] is about: the kind of thing and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    /// An instrument version (a conflict: stored already with other content).
    Instrument {
        /// The instrument's id.
        id: String,
        /// Its version.
        version: String,
    },
    /// A round.
    Round(RoundId),
    /// An organisation, by code.
    Organisation(OrgCode),
    /// A user account, by id.
    User(i64),
    /// A user name (a conflict: taken).
    Username(String),
    /// An answer link, by id.
    Link(i64),
    /// An answer link that is not revoked, by id (revoking needs one).
    ActiveLink(i64),
    /// The file a backup was to be written to (a conflict: it exists; a backup never
    /// overwrites).
    BackupFile(PathBuf),
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Instrument { id, version } => write!(f, "instrument {id} version {version}"),
            Self::Round(id) => write!(f, "round {id}"),
            Self::Organisation(code) => write!(f, "organisation {code}"),
            Self::User(id) => write!(f, "user {id}"),
            Self::Username(name) => write!(f, "user name {name}"),
            Self::Link(id) => write!(f, "answer link {id}"),
            Self::ActiveLink(id) => write!(f, "unrevoked answer link {id}"),
            Self::BackupFile(path) => write!(f, "backup file {}", path.display()),
        }
    }
}

/// An operation a backend may not offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Copying the database to a file while it is in use.
    Backup,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Backup => "backup to a file",
        })
    }
}

/// Result with the store error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
