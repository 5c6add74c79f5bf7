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
    /// The SHA-256 of the file's bytes, when it came from a file: remembered for the next
    /// import (see [`crate::ResponseStore::known_files`]).
    pub file_hash: Option<&'a str>,
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

pub use nara_core::indicator::kolada::{KpiInfo, Value};

/// A value to store and where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewValue<'a> {
    /// The value (a row Kolada marks deleted removes the stored one).
    pub value: &'a Value,
    /// The publication date Kolada gave the indicator, when known.
    pub published: Option<&'a str>,
}

/// A stored value, where it came from and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredValue {
    /// The value (never marked deleted).
    pub value: Value,
    /// `kolada`, or the name of the file it was imported from.
    pub source: String,
    /// When it was fetched or imported (Unix ms).
    pub fetched_at: i64,
    /// The publication date Kolada gave the indicator then.
    pub published: Option<String>,
}

/// What storing values changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ValueChanges {
    /// Values not stored before.
    pub added: usize,
    /// Values that replaced a different one.
    pub changed: usize,
    /// Values already stored as they are.
    pub unchanged: usize,
    /// Values removed because Kolada marks them deleted.
    pub removed: usize,
}

/// How many organisations and units have current answers in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AnsweredCount {
    /// The round.
    pub round: nara_core::RoundId,
    /// Organisations with at least one answering unit.
    pub organisations: usize,
    /// Units with at least one current form.
    pub units: usize,
}

/// Which entries of the audit log to read: newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<String>,
    /// From this moment (Unix ms, included).
    pub from: Option<i64>,
    /// Until this moment (Unix ms, not included).
    pub to: Option<i64>,
    /// Only entries older than this one (its id): the next page.
    pub before: Option<i64>,
    /// At most this many.
    pub limit: i64,
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

/// One key of a reservation ([`crate::LimitStore::reserve_attempt`]): what an attempt counts
/// against and how many attempts it may have in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitKey<'a> {
    /// The key, `kind:value` (`user:7`, `name:anna`, `addr:192.0.2.5`).
    pub key: &'a str,
    /// The most attempts the key may have in the window.
    pub max: u32,
    /// Only attempts made with this stamp count (a new stamp starts the key afresh: the
    /// sign-in limiter stamps an account's attempts with its password hash and state).
    pub stamp: i64,
    /// Whether the key's attempts count toward the table's cap
    /// ([`crate::LimitStore::prune_attempts`]): true for keys a sender chooses freely (names,
    /// addresses), false for keys there are a bounded number of (accounts), which are never
    /// evicted, only expired.
    pub capped: bool,
}

/// What [`crate::LimitStore::reserve_attempt`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reserved {
    /// Every key was under its limit and got one attempt more: the new attempts' ids, one per
    /// key, in the order of the keys.
    Taken(Vec<i64>),
    /// A key was at its limit: nothing was counted. `first` is true for the first refusal of
    /// this lock (the newest attempt of a full key had not been refused before), on whichever
    /// instance it happened: the one refusal worth a warning.
    Full {
        /// Whether this is the first refusal since the key filled up.
        first: bool,
    },
}

/// Plans, activities and follow-ups to store together, all or nothing (an activity sheet of a
/// form, a web form, an import).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityBatch {
    /// Plans, new or changed.
    pub plans: Vec<nara_core::activity::LocalPlan>,
    /// Activities, new or changed.
    pub activities: Vec<nara_core::activity::Activity>,
    /// Follow-ups (one per activity and round; a new one replaces the old).
    pub followups: Vec<nara_core::activity::FollowUp>,
}

/// What storing a batch changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchChanges {
    /// Records not stored before.
    pub added: usize,
    /// Records that replaced a different one.
    pub changed: usize,
    /// Records already stored as they are.
    pub unchanged: usize,
}

/// A stored follow-up, with who wrote it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFollowUp {
    /// The follow-up.
    pub followup: nara_core::activity::FollowUp,
    /// When (Unix ms).
    pub at: i64,
    /// Who.
    pub actor: String,
}

/// A year's report as stored: the draft (version 0) or a final version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredYear {
    /// The year.
    pub year: u16,
    /// 0 for the draft; 1, 2, … for the versions marked final.
    pub version: u32,
    /// The coordinator's texts (JSON of `nara_core::yearly::Texts`).
    pub texts: String,
    /// The whole model as it was when marked final (JSON of `nara_core::yearly::YearReport`);
    /// `None` for the draft, which is built from the data when shown.
    pub model: Option<String>,
    /// Who saved it.
    pub made_by: String,
    /// When (Unix ms).
    pub made_at: i64,
}

/// A sign-in started at an identity provider, kept until its answer comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoPending {
    /// The SHA-256 of the `state` sent to the provider (the browser's cookie holds the state).
    pub state_hash: String,
    /// The provider's id.
    pub provider: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier for the code exchange.
    pub pkce_verifier: String,
    /// When it started (Unix ms).
    pub created_at: i64,
}

/// A person the provider vouched for, with the organisation and role the rules gave.
#[derive(Debug, Clone, Copy)]
pub struct SsoPerson<'a> {
    /// The token's issuer.
    pub issuer: &'a str,
    /// The token's subject.
    pub subject: &'a str,
    /// The provider's id.
    pub provider: &'a str,
    /// The name for a new account.
    pub name: &'a str,
    /// The role.
    pub role: Role,
    /// The organisation (`None` for a coordinator).
    pub org: Option<&'a OrgCode>,
}
