//! The records the store reads and writes, beside the core types.

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

/// A role of a user account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The regional coordinator: everything.
    Admin,
    /// A respondent for one organisation.
    Respondent,
    /// Reads published rounds.
    Reader,
}

impl Role {
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Respondent => "respondent",
            Self::Reader => "reader",
        }
    }
    /// Reads a role from its code.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "admin" => Some(Self::Admin),
            "respondent" => Some(Self::Respondent),
            "reader" => Some(Self::Reader),
            _ => None,
        }
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// The row id.
    pub id: i64,
    /// The sign-in name.
    pub username: String,
    /// The argon2 hash (PHC string).
    #[serde(skip)]
    pub password_hash: String,
    /// The role.
    pub role: Role,
    /// The organisation of a respondent.
    pub org: Option<OrgCode>,
    /// Whether sign-in is refused.
    pub disabled: bool,
    /// When it was created (Unix ms).
    pub created_at: i64,
}

/// A server-side session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The hash of the session id (the cookie holds the id itself).
    pub id_hash: String,
    /// The user.
    pub user_id: i64,
    /// The CSRF token of the session.
    pub csrf: String,
    /// Created (Unix ms).
    pub created_at: i64,
    /// Last used (Unix ms).
    pub last_seen: i64,
    /// Expires at the latest (Unix ms).
    pub expires_at: i64,
}

/// A link for answering on the web: one unit, one rater (or the consensus), one round. The
/// token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerLink {
    /// The row id.
    pub id: i64,
    /// The round.
    pub round: RoundId,
    /// The organisation.
    pub org: OrgCode,
    /// The unit, as written when the link was made.
    pub unit: String,
    /// The rater; empty when the unit answers as one.
    pub rater: String,
    /// Whether this link records the unit's consensus answer.
    pub consensus: bool,
    /// Who made it.
    pub created_by: String,
    /// When (Unix ms).
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// When the draft was last saved.
    pub saved_at: Option<i64>,
    /// When it was last submitted.
    pub submitted_at: Option<i64>,
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
