//! `nara-store` holds Nära's persistence: the [`Store`] trait and its SQLite (embedded
//! default) and PostgreSQL backends, each with its own embedded migrations run at start. It
//! stores and loads core types; it does not score and knows nothing of HTTP.
//!
//! Both backends share their SQL (portable, `$1` placeholders) through one macro; what differs
//! is the connection set-up and how a write transaction begins (`BEGIN IMMEDIATE` on SQLite).

use std::sync::Arc;

use async_trait::async_trait;
use nara_core::{Instrument, OrgCode, Organisation, Response, Round, RoundId, RoundStatus};
use serde::Serialize;

mod backends;
mod rows;
#[cfg(feature = "testing")]
pub mod testing;

pub use backends::{PgStore, SqliteStore};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Something that must exist does not (a Swedish sentence).
    #[error("{0}")]
    NotFound(String),
    /// Something that must be unique already exists (a Swedish sentence).
    #[error("{0}")]
    Conflict(String),
    /// Stored data could not be read back (a bug or a hand-edited database).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The operation is not available on this backend (a Swedish sentence).
    #[error("{0}")]
    Unsupported(String),
}

/// Result with the store error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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

/// The persistence Nära needs. Every write that stores a response is one transaction.
#[async_trait]
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Stores an instrument version; storing the same again is a no-op, different content under
    /// the same id and version is a conflict.
    async fn put_instrument(&self, inst: &Instrument) -> Result<()>;
    /// Every stored instrument version.
    async fn instruments(&self) -> Result<Vec<Instrument>>;

    /// Adds an organisation or updates its name and kind.
    async fn put_organisation(&self, org: &Organisation) -> Result<()>;
    /// Every organisation, by code.
    async fn organisations(&self) -> Result<Vec<Organisation>>;

    /// Creates a round; a conflict if it exists.
    async fn create_round(&self, round: &Round, actor: &str) -> Result<()>;
    /// Every round, oldest first.
    async fn rounds(&self) -> Result<Vec<Round>>;
    /// Sets a round's status (the caller checks the change with core) and audits it.
    async fn set_round_status(&self, id: RoundId, status: RoundStatus, actor: &str) -> Result<()>;

    /// Stores a response in one transaction: the unit is created on first use; the same
    /// content again is `Unchanged`; new content for the same identity replaces the current one
    /// (kept as history). Audited.
    async fn store_response(
        &self,
        response: &Response,
        content_hash: &str,
        source: &str,
        actor: &str,
    ) -> Result<Outcome>;
    /// Stores a web answer (as [`Store::store_response`], source `web`) and marks its answer
    /// link submitted, in one transaction: both happen or neither.
    async fn store_web_response(
        &self,
        response: &Response,
        content_hash: &str,
        link_id: i64,
        actor: &str,
    ) -> Result<Outcome>;
    /// The current responses of a round.
    async fn responses(&self, round: RoundId) -> Result<Vec<StoredResponse>>;
    /// Every response of a round, replaced ones included, oldest first.
    async fn response_history(&self, round: RoundId) -> Result<Vec<StoredResponse>>;

    /// Creates a user; a conflict if the name is taken.
    async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        org: Option<&OrgCode>,
    ) -> Result<i64>;
    /// A user by name (case-insensitive).
    async fn user_by_name(&self, username: &str) -> Result<Option<User>>;
    /// A user by id.
    async fn user(&self, id: i64) -> Result<Option<User>>;
    /// Every user.
    async fn users(&self) -> Result<Vec<User>>;
    /// Sets a user's password hash.
    async fn set_password(&self, id: i64, password_hash: &str) -> Result<()>;
    /// Disables or enables a user (disabling ends their sessions).
    async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()>;
    /// A value that changes whenever data that results are computed from changes (responses,
    /// round status, organisations, instruments): for caches of computed results. Cheap.
    async fn data_stamp(&self) -> Result<String>;
    /// Makes an answer link (audited).
    async fn create_link(&self, link: &NewLink<'_>, actor: &str) -> Result<i64>;
    /// The links of a round, of one organisation or all.
    async fn links(&self, round: RoundId, org: Option<&OrgCode>) -> Result<Vec<AnswerLink>>;
    /// The link with this token hash.
    async fn link_by_token(&self, token_hash: &str) -> Result<Option<AnswerLink>>;
    /// Revokes a link (audited).
    async fn revoke_link(&self, id: i64, actor: &str) -> Result<()>;
    /// Saves fields of a link's draft; each field is written whole, the last write wins.
    async fn save_draft(&self, link_id: i64, fields: &[(String, String)], now: i64) -> Result<()>;
    /// The saved fields of a link's draft.
    async fn draft(&self, link_id: i64) -> Result<Vec<(String, String)>>;
    /// Records that the link's answers were submitted.
    async fn mark_submitted(&self, link_id: i64, now: i64) -> Result<()>;
    /// Sets a user's role and organisation (ends their sessions, so the new rights apply at
    /// once).
    async fn set_role(&self, id: i64, role: Role, org: Option<&OrgCode>) -> Result<()>;

    /// Stores a new session.
    async fn create_session(&self, session: &Session) -> Result<()>;
    /// A session by the hash of its id.
    async fn session(&self, id_hash: &str) -> Result<Option<Session>>;
    /// Marks a session as used now.
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    /// Ends every session that expired before `now`; returns how many.
    async fn delete_expired_sessions(&self, now: i64, idle_ms: i64) -> Result<u64>;

    /// Writes an audit entry.
    async fn audit(&self, actor: &str, action: &str, subject: &str, details: &str) -> Result<()>;
    /// The newest audit entries first, at most `limit`, optionally only one action.
    async fn audit_log(&self, limit: i64, action: Option<&str>) -> Result<Vec<AuditEntry>>;

    /// Copies the whole database to a file while it is in use (SQLite `VACUUM INTO`).
    async fn backup_to(&self, path: &std::path::Path) -> Result<()>;
}

/// Opens the store a URL names: `sqlite://FILE` (created when missing), a bare file path, or
/// `postgres://…`. Migrations run at start.
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url, None).await?))
    } else {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        Ok(Arc::new(SqliteStore::open(path).await?))
    }
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
