//! The records the store reads and writes, beside the core types.

pub use nara_core::account::{AnswerLink, Role, Session, User};
use nara_core::{OrgCode, Response, RoundId};
use serde::Serialize;

/// What storing a response did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A new form: stored.
    Imported,
    /// New content for a form already stored: the earlier version is kept as history.
    Replaced,
    /// The same content again: nothing changed.
    Unchanged,
}

/// A response as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredResponse {
    /// The row id.
    pub id: i64,
    /// The response.
    pub response: Response,
    /// The content hash (the identity of its content).
    pub content_hash: String,
    /// Where it came from: a file name, or `web`.
    pub source: String,
    /// Who stored it.
    pub actor: String,
    /// When it was stored (Unix ms).
    pub created_at: i64,
    /// When it was replaced by a newer version (Unix ms); `None` for the current one.
    pub replaced_at: Option<i64>,
}

/// A form to store in a batch ([`crate::ResponseStore::store_responses`]).
#[derive(Debug, Clone, Copy)]
pub struct NewForm<'a> {
    /// The response read from the form.
    pub response: &'a Response,
    /// Its content hash.
    pub content_hash: &'a str,
    /// Where it came from (a file name).
    pub source: &'a str,
}

/// A new answer link.
#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    /// The SHA-256 of the token.
    pub token_hash: &'a str,
    /// The round.
    pub round: RoundId,
    /// The organisation.
    pub org: &'a OrgCode,
    /// The unit.
    pub unit: &'a str,
    /// The rater (empty: the unit as one).
    pub rater: &'a str,
    /// Whether it records the consensus.
    pub consensus: bool,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// The row id (0 before it is stored).
    pub id: i64,
    /// When (Unix ms).
    pub at: i64,
    /// Who (a user name, `cli`, …).
    pub actor: String,
    /// What (`import`, `replace`, `round.open`, `sign-in`, …).
    pub action: String,
    /// On what (a round, a file, a user).
    pub subject: String,
    /// Details as text.
    pub details: String,
}
