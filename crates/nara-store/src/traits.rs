//! What the store offers, by concern. [`Store`] is all of them at once: the use cases take
//! `&dyn Store`, and any of its methods can be called on it without importing the smaller traits.

use std::path::Path;

use async_trait::async_trait;
use nara_core::activity::{Activity, LocalPlan};
use nara_core::indicator::Catalogue;
use nara_core::sso::PasswordSignIn;
use nara_core::{
    Contact, Instrument, OrgCode, Organisation, Response, Round, RoundId, RoundStatus,
};

use crate::{
    ActivityBatch, AnswerLink, AnsweredCount, AuditEntry, AuditFilter, BatchChanges, KpiInfo,
    LimitKey, NewLink, NewValue, Outcome, Reserved, Result, Role, Session, SsoPending, SsoPerson,
    StoredFollowUp, StoredResponse, StoredValue, StoredYear, User, ValueChanges,
};

/// Instruments, organisations and rounds: what responses are given against.
#[async_trait]
pub trait RoundStore: Send + Sync {
    /// Stores an instrument version; storing the same again is a no-op, different content under
    /// the same id and version is a conflict.
    async fn put_instrument(&self, inst: &Instrument) -> Result<()>;
    /// Every stored instrument version.
    async fn instruments(&self) -> Result<Vec<Instrument>>;

    /// Adds an organisation or updates its name, kind and Kolada id. Its contact is written
    /// when it carries one; when it carries none the stored contact is kept (a list without
    /// contacts does not wipe those set in the browser).
    async fn put_organisation(&self, org: &Organisation) -> Result<()>;
    /// Every organisation, by code, with its contact.
    async fn organisations(&self) -> Result<Vec<Organisation>>;

    /// Creates a round; a conflict if it exists.
    async fn create_round(&self, round: &Round, actor: &str) -> Result<()>;
    /// Every round, oldest first.
    async fn rounds(&self) -> Result<Vec<Round>>;
    /// Sets a round's status (the caller checks the change with core) and audits it.
    async fn set_round_status(&self, id: RoundId, status: RoundStatus, actor: &str) -> Result<()>;
    /// Per round with current answers: how many organisations and units answered, counted in
    /// the database (one query, whatever the number of answers).
    async fn answered_counts(&self) -> Result<Vec<AnsweredCount>>;
}

/// The responses of a round, with their history. Every write that stores a response is one
/// transaction.
#[async_trait]
pub trait ResponseStore: Send + Sync {
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
    /// Stores several forms (as [`ResponseStore::store_response`]) in one transaction, each
    /// inside a savepoint of its own: a form that fails leaves nothing of itself and the others
    /// are kept; one commit for them all. A form that lost a race with another writer for the
    /// same new identity is stored again on its own afterwards. One result per form, in order;
    /// the outer error is a failure of the transaction itself (nothing of the batch stored).
    async fn store_responses(
        &self,
        forms: &[crate::NewForm<'_>],
        actor: &str,
    ) -> Result<Vec<Result<Outcome>>>;
    /// Stores a web answer (as [`ResponseStore::store_response`], source `web`) and marks its
    /// answer link submitted, in one transaction: both happen or neither.
    async fn store_web_response(
        &self,
        response: &Response,
        content_hash: &str,
        link_id: i64,
        actor: &str,
    ) -> Result<Outcome>;
    /// The files (SHA-256 of their bytes) whose response is still current: file → its round
    /// and response id. A form whose file is among them need not be read again.
    async fn known_files(&self) -> Result<std::collections::HashMap<String, (RoundId, i64)>>;
    /// The current responses of a round.
    async fn responses(&self, round: RoundId) -> Result<Vec<StoredResponse>>;
    /// Every response of a round, replaced ones included, oldest first.
    async fn response_history(&self, round: RoundId) -> Result<Vec<StoredResponse>>;
}

/// User accounts and their sessions.
#[async_trait]
pub trait AccountStore: Send + Sync {
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
    /// Sets a user's password hash (ends their sessions).
    async fn set_password(&self, id: i64, password_hash: &str) -> Result<()>;
    /// Disables or enables a user (disabling ends their sessions).
    async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()>;
    /// Sets a user's role and organisation (ends their sessions, so the new rights apply at
    /// once).
    async fn set_role(&self, id: i64, role: Role, org: Option<&OrgCode>) -> Result<()>;

    /// Stores a new session.
    async fn create_session(&self, session: &Session) -> Result<()>;
    /// A session by the hash of its id.
    async fn session(&self, id_hash: &str) -> Result<Option<Session>>;
    /// Marks a session as used at `now`.
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    /// Ends every session that expired before `now` or was idle longer than `idle_ms`;
    /// returns how many.
    async fn delete_expired_sessions(&self, now: i64, idle_ms: i64) -> Result<u64>;
}

/// Answer links for the web form, and their drafts.
#[async_trait]
pub trait LinkStore: Send + Sync {
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
}

/// The audit log, and the stamp that tells caches when results may have changed.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Writes an audit entry.
    async fn audit(&self, actor: &str, action: &str, subject: &str, details: &str) -> Result<()>;
    /// The newest audit entries first, at most `limit`, optionally only one action.
    async fn audit_log(&self, limit: i64, action: Option<&str>) -> Result<Vec<AuditEntry>>;
    /// The entries `filter` picks, newest first (a page of the log).
    async fn audit_find(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;
    /// Every action the log holds, sorted.
    async fn audit_actions(&self) -> Result<Vec<String>>;
    /// A value that changes whenever data that results are computed from changes (responses,
    /// round status, organisations, instruments): for caches of computed results. Cheap.
    async fn data_stamp(&self) -> Result<String>;
    /// A value that changes whenever the current answers of one round change (a new form or a
    /// replaced one): for results computed from that round alone, kept while other rounds
    /// change. Cheap (indexed).
    async fn round_stamp(&self, round: RoundId) -> Result<String>;
}

/// Attempts counted per key in a sliding window, shared by every process on the database (the
/// sign-in limits). Times come from the store's clock.
#[async_trait]
pub trait LimitStore: Send + Sync {
    /// Counts one attempt against every key (distinct keys), atomically: in one write
    /// transaction that holds the keys against every other writer (on any connection or
    /// process), the attempts of each key in the last `window_ms` (made with its stamp) are
    /// counted, and only when every key is under its `max` is one attempt added to each. So of
    /// any number of reservations at once, exactly `max` get through.
    async fn reserve_attempt(&self, keys: &[LimitKey<'_>], window_ms: i64) -> Result<Reserved>;
    /// Gives back an attempt (its id and key from [`Reserved::Taken`]); one already gone is
    /// ignored.
    async fn give_back_attempt(&self, id: i64, key: &str) -> Result<()>;
    /// Forgets every attempt of a key; returns how many there were.
    async fn clear_attempts(&self, key: &str) -> Result<u64>;
    /// Removes attempts older than `window_ms`, and, while more than `max_capped` attempts of
    /// capped keys remain, the oldest of those down to seven eighths of it. Bounded work: at most
    /// `batch` rows per step; returns how many were removed. Call it now and then.
    async fn prune_attempts(&self, window_ms: i64, max_capped: u64, batch: u64) -> Result<u64>;
    /// How many attempts are stored (all keys, in the window or not yet pruned).
    async fn attempt_count(&self) -> Result<u64>;
}

/// Nyckeltal: indicator values from Kolada or files, and what Kolada says about each indicator.
#[async_trait]
pub trait IndicatorStore: Send + Sync {
    /// Stores values in one transaction, with one audit row naming `source`: a new value is
    /// added, a different one replaces the stored one, the same one is left (only its fetch time
    /// moves), and a row Kolada marks deleted is removed. Storing the same again changes nothing.
    async fn put_indicator_values(
        &self,
        values: &[NewValue<'_>],
        source: &str,
        actor: &str,
    ) -> Result<ValueChanges>;
    /// The stored values of the given indicators (all when empty), by indicator, organisation,
    /// year and gender.
    async fn indicator_values(&self, kpis: &[&str]) -> Result<Vec<StoredValue>>;
    /// Stores what Kolada says about indicators (their titles and publication dates).
    async fn put_indicator_info(&self, info: &[KpiInfo]) -> Result<()>;
    /// What Kolada said about each indicator at the last sync, with when.
    async fn indicator_info(&self) -> Result<Vec<(KpiInfo, i64)>>;
    /// Stores the county's catalogue of indicators (replacing the one stored before), audited
    /// as `indicators.catalogue`. Storing the same again changes nothing.
    async fn put_catalogue(&self, catalogue: &Catalogue, actor: &str) -> Result<()>;
    /// The stored catalogue, when one was stored.
    async fn catalogue(&self) -> Result<Option<Catalogue>>;
}

/// Aktiviteter and lokala planer: stored whole, listed per organisation, followed up per round.
#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// Stores plans, activities and follow-ups in one transaction, each change audited
    /// (`plan.save`, `activity.save`, `activity.followup`); the same record again changes
    /// nothing and writes no audit row.
    async fn save_activities(&self, batch: &ActivityBatch, actor: &str) -> Result<BatchChanges>;
    /// The plans an organisation is party to (all when `None`), by name.
    async fn plans(&self, org: Option<&OrgCode>) -> Result<Vec<LocalPlan>>;
    /// The activities an organisation owns (all when `None`), by owner and title.
    async fn activities(&self, owner: Option<&OrgCode>) -> Result<Vec<Activity>>;
    /// The follow-ups of a round (all rounds when `None`), by activity.
    async fn followups(&self, round: Option<RoundId>) -> Result<Vec<StoredFollowUp>>;
    /// Every follow-up of the activities an organisation owns, by activity and round.
    async fn followups_of(&self, owner: &OrgCode) -> Result<Vec<StoredFollowUp>>;
}

/// The årsrapport: the coordinator's draft texts per year and the versions marked final.
#[async_trait]
pub trait YearStore: Send + Sync {
    /// Every stored version of a year's report, the draft (0) first, then the final ones.
    async fn year_reports(&self, year: u16) -> Result<Vec<StoredYear>>;
    /// Stores the year's draft texts in place of `expected` (the draft as the caller read it,
    /// `None` when there was none), audited `yearly.draft`; `false` and nothing stored when the
    /// draft is no longer `expected` (someone saved in between: read again and merge). The same
    /// texts again change nothing and write no audit row.
    async fn save_year_draft(
        &self,
        year: u16,
        expected: Option<&str>,
        texts: &str,
        actor: &str,
    ) -> Result<bool>;
    /// Stores a final version (texts and the whole model), numbered one above the newest, the
    /// draft kept; audited `yearly.final`. Returns its number.
    async fn finalise_year(&self, year: u16, texts: &str, model: &str, actor: &str) -> Result<u32>;
}

/// Whom the coordinator writes to: each organisation's contact, and the coordinator's own (one
/// for the database). Each change is one transaction with its audit row; the same contact again
/// changes nothing and writes no audit row.
#[async_trait]
pub trait ContactStore: Send + Sync {
    /// Sets (`Some`) or clears (`None`) an organisation's contact, audited
    /// `organisation.contact`. `false` when it was so already; not found when there is no such
    /// organisation.
    async fn set_organisation_contact(
        &self,
        org: &OrgCode,
        contact: Option<&Contact>,
        actor: &str,
    ) -> Result<bool>;
    /// The coordinator's contact, when one is set.
    async fn coordinator_contact(&self) -> Result<Option<Contact>>;
    /// Sets (`Some`) or clears (`None`) the coordinator's contact, audited
    /// `coordinator.contact`. `false` when it was so already.
    async fn set_coordinator_contact(&self, contact: Option<&Contact>, actor: &str)
    -> Result<bool>;
}

/// Signing in with an identity provider: the sign-ins under way, the accounts' links to their
/// identities at the providers, and who may still use a password.
#[async_trait]
pub trait SsoStore: Send + Sync {
    /// Keeps a started sign-in until the provider answers. Started sign-ins older than an hour
    /// are removed here, and beyond the newest `keep` the oldest, so that a flood of starts
    /// pushes out old ones rather than growing the table (rows started in the same
    /// millisecond as the last one kept stay with it).
    async fn put_sso_pending(&self, pending: &SsoPending, keep: u64) -> Result<()>;
    /// Takes a started sign-in by the hash of its state, once: it is removed as it is read.
    /// `None` when it is unknown, already taken, or older than `max_age_ms`.
    async fn take_sso_pending(
        &self,
        state_hash: &str,
        max_age_ms: i64,
    ) -> Result<Option<SsoPending>>;
    /// The account of a person who signed in at a provider: the one linked to the issuer and
    /// subject, its role and organisation updated to `person`'s when they differ (its sessions
    /// end then, as with any change of rights); or a new account, named after the person
    /// (made unique with the provider's id), without a password. Audited: `sso.account` when
    /// an account is made or changed. A disabled account is returned as it is.
    async fn sso_account(&self, person: &SsoPerson<'_>) -> Result<User>;
    /// The providers (ids) an account is linked to.
    async fn sso_links(&self, user_id: i64) -> Result<Vec<String>>;
    /// Every account's providers: (user id, provider id), by user and provider.
    async fn all_sso_links(&self) -> Result<Vec<(i64, String)>>;
    /// Who may sign in with a password.
    async fn password_sign_in(&self) -> Result<PasswordSignIn>;
    /// Sets who may sign in with a password, audited `settings.password`. `None` when it was
    /// so already; else how many sessions ended: when password sign-in is left to the
    /// coordinators, the open sessions of every other account that has a password end with it
    /// (in the same transaction), so that the setting holds at once and not only at the next
    /// sign-in. Accounts made at a provider have no password and keep theirs.
    async fn set_password_sign_in(&self, value: PasswordSignIn, actor: &str)
    -> Result<Option<u64>>;
}

/// The persistence Nära needs: every concern, plus what is about the database as a whole.
#[async_trait]
pub trait Store:
    RoundStore
    + ResponseStore
    + AccountStore
    + LinkStore
    + AuditStore
    + LimitStore
    + IndicatorStore
    + ActivityStore
    + YearStore
    + ContactStore
    + SsoStore
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Now, in Unix milliseconds, from the store's clock (the one its writes are stamped with).
    fn now(&self) -> i64;
    /// Copies the whole database to a file while it is in use (SQLite `VACUUM INTO`).
    async fn backup_to(&self, path: &Path) -> Result<()>;
}
