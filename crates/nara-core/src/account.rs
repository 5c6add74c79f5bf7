//! Accounts, sessions and answer links: who may see and do what. Application concepts that the
//! store persists and the server and the command line act on through `nara-app`.

use serde::Serialize;

use crate::{OrgCode, RoundId};

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
