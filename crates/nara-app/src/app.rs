//! [`App`]: the one door to Nära's data for the server and the command line. It holds the store
//! (with its clock) and the cache of computed results; its methods are the use cases. Neither
//! caller holds the store itself, so none can skip a use case (its checks, its audit entry).
//!
//! Each method is a thin call into the module that implements the use case (`users`, `rounds`,
//! `online`, `report`, `exports`, `import`, `sessions`, `limits`); they are grouped here in the
//! order a newcomer meets them. Those of aktiviteter and nyckeltal are in `followup.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nara_core::report::{RoundReport, TrendRound};
use nara_core::round::Date;
use nara_core::{
    AnswerLink, AnswerSet, Contact, Instrument, OrgCode, Organisation, Organisations, Role, Round,
    RoundId, RoundStatus, User,
};
use nara_store::{AnsweredCount, AuditEntry, Outcome, Store};

use crate::cache::{ReportCache, Snapshot};
use crate::import::{BatchReport, Progress};
use crate::limits::{LimitKey, Reserved};
use crate::online::{FieldError, LinkState, Made};
use crate::report::{Audience, Earlier, Loaded, Tracking};
use crate::{Result, contacts, demo, exports, limits, online, report, rounds, sessions, users};

/// The application: a store and the results computed from it. Cheap to clone (shared).
#[derive(Clone)]
pub struct App {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) reports: Arc<ReportCache>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("backend", &self.store.backend())
            .finish_non_exhaustive()
    }
}

impl App {
    /// An application over a store that is already open (tests build theirs this way).
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            reports: Arc::new(ReportCache::new()),
        }
    }

    /// Opens the database at `url` (a SQLite file is created when missing) and, on first use,
    /// loads the default instrument and organisations (Dalarna).
    pub async fn open(url: &str) -> Result<Self> {
        Ok(Self::new(crate::open(url).await?))
    }

    /// The database backend's name (`sqlite`, `postgres`).
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The time now (Unix ms) by the store's clock, which tests may set.
    pub fn now(&self) -> i64 {
        self.store.now()
    }

    /// Whether the database answers (for readiness probes): one cheap query.
    pub async fn ready(&self) -> Result<()> {
        self.store.data_stamp().await?;
        Ok(())
    }

    // ----- what every page reads: the snapshot and the cached results -----

    /// The rounds, instruments and organisations as of now (one stamp query while nothing
    /// changed).
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>> {
        self.reports.snapshot(self.store.as_ref()).await
    }

    /// The newest snapshot taken, without asking the store (may be a moment old: for menus).
    pub fn current_snapshot(&self) -> Option<Arc<Snapshot>> {
        self.reports.current()
    }

    /// The round report under a snapshot, computed once per data stamp.
    pub async fn report(
        &self,
        snap: &Snapshot,
        round: RoundId,
        org: Option<&OrgCode>,
        earlier: Earlier,
    ) -> Result<Arc<RoundReport>> {
        (self.reports)
            .report(self.store.as_ref(), snap, round, org, earlier)
            .await
    }

    /// The trend of a round's family up to it, under a snapshot.
    pub async fn trend(
        &self,
        snap: &Snapshot,
        round: RoundId,
        earlier: Earlier,
    ) -> Result<Arc<Vec<TrendRound>>> {
        (self.reports)
            .trend(self.store.as_ref(), snap, round, earlier)
            .await
    }

    /// How many organisations and units answered each round (rounds without answers are not
    /// listed), under a snapshot: counted by the database, not by loading the answers.
    pub async fn answered_counts(&self, snap: &Snapshot) -> Result<Arc<Vec<AnsweredCount>>> {
        self.reports
            .answered_counts(self.store.as_ref(), snap)
            .await
    }

    /// A view (such as a page's rendered content) under a snapshot, made by `make` on a miss
    /// and kept until the data stamp moves; `key` must name everything the view depends on
    /// besides the data (the viewer's scope, the query, the date).
    pub async fn cached_view<T, E, F, Fut>(
        &self,
        snap: &Snapshot,
        key: &str,
        make: F,
    ) -> std::result::Result<Arc<T>, E>
    where
        T: std::any::Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
    {
        self.reports.view(snap, key, make).await
    }

    /// A serialised body under a snapshot, made by `make` on a miss.
    pub async fn cached_body(
        &self,
        snap: &Snapshot,
        key: &str,
        make: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<Arc<Vec<u8>>> {
        self.reports.body(snap, key, make).await
    }

    /// How many times a round's own scores were computed rather than taken from the cache (for
    /// tests and measurements: an import into one round recomputes that round only).
    pub fn rounds_computed(&self) -> u64 {
        self.reports.round_misses()
    }

    /// The round report computed now, without the cache (the command line).
    pub async fn round_report(
        &self,
        round: RoundId,
        org: Option<&OrgCode>,
        earlier: Earlier,
    ) -> Result<RoundReport> {
        report::round_report_for(self.store.as_ref(), round, org, earlier).await
    }

    /// The trend of a round's family computed now.
    pub async fn trend_now(&self, round: RoundId, earlier: Earlier) -> Result<Vec<TrendRound>> {
        report::trend_for(self.store.as_ref(), round, earlier).await
    }

    /// A round's forms with its instrument and the organisations.
    pub async fn load(&self, round: RoundId) -> Result<Loaded> {
        report::load(self.store.as_ref(), round).await
    }

    /// Who has answered a round: per organisation, its units, raters, when and how.
    pub async fn response_tracking(&self, round: RoundId) -> Result<Tracking> {
        report::response_tracking(self.store.as_ref(), round).await
    }

    // ----- instruments, organisations, rounds -----

    /// Every instrument version.
    pub async fn instruments(&self) -> Result<Vec<Instrument>> {
        Ok(self.store.instruments().await?)
    }

    /// Stores a new instrument version from its TOML text, validated and audited.
    pub async fn import_instrument(&self, toml: &str, actor: &str) -> Result<Instrument> {
        crate::import_instrument(self.store.as_ref(), toml, actor).await
    }

    /// The organisations.
    pub async fn organisations(&self) -> Result<Organisations> {
        crate::organisations(self.store.as_ref()).await
    }

    /// The organisation with this code, or a Swedish error.
    pub async fn organisation(&self, code: &OrgCode) -> Result<Organisation> {
        crate::organisation(self.store.as_ref(), code).await
    }

    /// Adds or changes organisations from a TOML list, validated first, each change audited.
    pub async fn import_organisations(&self, toml: &str, actor: &str) -> Result<usize> {
        crate::import_organisations(self.store.as_ref(), toml, actor).await
    }

    /// Sets or (with `None`) removes an organisation's contact, audited; `false` when it was
    /// so already.
    pub async fn set_organisation_contact(
        &self,
        org: &OrgCode,
        contact: Option<&Contact>,
        actor: &str,
    ) -> Result<bool> {
        contacts::set_organisation_contact(self.store.as_ref(), org, contact, actor).await
    }

    /// The coordinator's contact (who receives the forms and answers questions), when set.
    pub async fn coordinator_contact(&self) -> Result<Option<Contact>> {
        contacts::coordinator_contact(self.store.as_ref()).await
    }

    /// Sets or (with `None`) removes the coordinator's contact, audited; `false` when it was
    /// so already.
    pub async fn set_coordinator_contact(
        &self,
        contact: Option<&Contact>,
        actor: &str,
    ) -> Result<bool> {
        contacts::set_coordinator_contact(self.store.as_ref(), contact, actor).await
    }

    /// Every round, oldest first.
    pub async fn rounds(&self) -> Result<Vec<Round>> {
        Ok(self.store.rounds().await?)
    }

    /// A round, or a Swedish error.
    pub async fn round(&self, id: RoundId) -> Result<Round> {
        rounds::get(self.store.as_ref(), id).await
    }

    /// A round and the instrument it uses.
    pub async fn round_instrument(&self, id: RoundId) -> Result<(Round, Instrument)> {
        crate::round_instrument(self.store.as_ref(), id).await
    }

    /// Creates a round (a draft), audited.
    pub async fn create_round(
        &self,
        id: RoundId,
        instrument: Option<(&str, &str)>,
        opens: Option<Date>,
        closes: Option<Date>,
        actor: &str,
    ) -> Result<Round> {
        rounds::create(self.store.as_ref(), id, instrument, opens, closes, actor).await
    }

    /// Moves a round to another status with the reason given, audited (see
    /// [`rounds::change_status`] for the rules).
    pub async fn change_status(
        &self,
        id: RoundId,
        to: RoundStatus,
        reason: &str,
        actor: &str,
    ) -> Result<Round> {
        rounds::change_status(self.store.as_ref(), id, to, reason, actor).await
    }

    // ----- forms, imports and exports -----

    /// A blank Excel form for one organisation in a round, and its file name.
    pub async fn blank_form(&self, round: RoundId, org: &OrgCode) -> Result<(String, Vec<u8>)> {
        crate::blank_form(self.store.as_ref(), round, org).await
    }

    /// Blank forms for every organisation of a round in one zip, and its file name.
    pub async fn forms_zip(&self, round: RoundId) -> Result<(String, Vec<u8>)> {
        crate::forms_zip(self.store.as_ref(), round).await
    }

    /// Imports a batch of filled forms, each file on its own (see [`crate::import`]).
    pub async fn import_batch(
        &self,
        paths: &[PathBuf],
        opts: &crate::import::Options,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<BatchReport> {
        crate::import::import_batch(self.store.as_ref(), paths, opts, progress).await
    }

    /// The county summary workbook, written to `out` as it is made, and its file name; with
    /// `public_only`, only the nyckeltal the catalogue marks public. Returns `out` wound back
    /// to its start. At 10,000 units the workbook is about 58 MB: a file (a temporary one for a
    /// download) keeps it out of memory.
    pub async fn export_summary(
        &self,
        round: RoundId,
        earlier: Earlier,
        public_only: bool,
        out: std::fs::File,
    ) -> Result<(String, std::fs::File)> {
        exports::summary(self.store.as_ref(), round, earlier, public_only, out).await
    }

    /// One organisation's report workbook for its reader, and its file name; with
    /// `public_only`, only the nyckeltal the catalogue marks public.
    pub async fn export_org(
        &self,
        round: RoundId,
        code: &OrgCode,
        audience: Audience,
        public_only: bool,
    ) -> Result<(String, Vec<u8>)> {
        exports::org(self.store.as_ref(), round, code, audience, public_only).await
    }

    /// Every answer of a round (or one organisation's) as CSV, and its file name.
    pub async fn export_raw_csv(
        &self,
        round: RoundId,
        org: Option<&OrgCode>,
    ) -> Result<(String, Vec<u8>)> {
        exports::raw_csv(self.store.as_ref(), round, org).await
    }

    /// Copies the database to `to` while it is in use (SQLite), audited.
    pub async fn backup(&self, to: &Path, actor: &str) -> Result<()> {
        crate::backup(self.store.as_ref(), to, actor).await
    }

    /// Fills the database with the demonstration county.
    pub async fn demo(&self, opts: &demo::Options) -> Result<demo::Summary> {
        demo::run(self.store.as_ref(), opts).await
    }

    // ----- answering on the web -----

    /// Makes answer links for a unit's raters (or its consensus), audited.
    pub async fn create_links(
        &self,
        round: RoundId,
        org: &OrgCode,
        unit: &str,
        raters: &[String],
        consensus: bool,
        actor: &str,
    ) -> Result<Vec<Made>> {
        online::create_links(
            self.store.as_ref(),
            round,
            org,
            unit,
            raters,
            consensus,
            actor,
        )
        .await
    }

    /// The answer links of a round, of one organisation or all.
    pub async fn links(&self, round: RoundId, org: Option<&OrgCode>) -> Result<Vec<AnswerLink>> {
        Ok(self.store.links(round, org).await?)
    }

    /// The link a token opens, as it is now (even when it no longer admits answers).
    pub async fn link_by_token(&self, token: &str) -> Result<Option<AnswerLink>> {
        let hash = crate::users::secret_hash(token);
        Ok(self.store.link_by_token(&hash).await?)
    }

    /// Revokes an answer link, audited.
    pub async fn revoke_link(&self, id: i64, actor: &str) -> Result<()> {
        Ok(self.store.revoke_link(id, actor).await?)
    }

    /// What a token opens: the form, or why not.
    pub async fn open_link(&self, token: &str) -> Result<LinkState> {
        online::open_link(self.store.as_ref(), token).await
    }

    /// Saves fields of a draft answer; the fields that are wrong come back.
    pub async fn save_draft(
        &self,
        link: &AnswerLink,
        inst: &Instrument,
        fields: &[(String, String)],
    ) -> Result<Vec<FieldError>> {
        online::save(self.store.as_ref(), link, inst, fields).await
    }

    /// The saved draft of a link, field by field.
    pub async fn draft(&self, link: &AnswerLink) -> Result<BTreeMap<String, String>> {
        online::draft(self.store.as_ref(), link).await
    }

    /// Submits a link's draft as the unit's answer.
    pub async fn submit(
        &self,
        link: &AnswerLink,
        inst: &Instrument,
        actor: &str,
    ) -> Result<Outcome> {
        online::submit(self.store.as_ref(), link, inst, actor).await
    }

    /// The submitted answers of the other raters of a link's unit.
    pub async fn raters_of(&self, link: &AnswerLink) -> Result<Vec<(String, AnswerSet)>> {
        online::raters_of(self.store.as_ref(), link).await
    }

    // ----- accounts and sessions -----

    /// Adds an account, audited.
    pub async fn add_user(
        &self,
        username: &str,
        password: &str,
        role: Role,
        org: Option<&OrgCode>,
        actor: &str,
    ) -> Result<User> {
        users::add(self.store.as_ref(), username, password, role, org, actor).await
    }

    /// Every account.
    pub async fn users(&self) -> Result<Vec<User>> {
        users::list(self.store.as_ref()).await
    }

    /// An account by name, or a Swedish error.
    pub async fn user(&self, username: &str) -> Result<User> {
        users::get(self.store.as_ref(), username).await
    }

    /// An account by name, or `None`.
    pub async fn find_user(&self, username: &str) -> Result<Option<User>> {
        Ok(self.store.user_by_name(username).await?)
    }

    /// Sets a new password (and unlocks the account's sign-in), audited.
    pub async fn set_password(&self, username: &str, password: &str, actor: &str) -> Result<()> {
        users::set_password(self.store.as_ref(), username, password, actor).await
    }

    /// Disables or enables an account, audited.
    pub async fn set_disabled(&self, username: &str, disabled: bool, actor: &str) -> Result<()> {
        users::set_disabled(self.store.as_ref(), username, disabled, actor).await
    }

    /// Changes an account's role and organisation, audited.
    pub async fn set_role(
        &self,
        username: &str,
        role: Role,
        org: Option<&OrgCode>,
        actor: &str,
    ) -> Result<()> {
        users::set_role(self.store.as_ref(), username, role, org, actor).await
    }

    /// Starts a session for a user (see [`sessions::start`]); returns the cookie's value.
    pub async fn start_session(&self, user: &User, limits: sessions::Limits) -> Result<String> {
        sessions::start(self.store.as_ref(), user, limits).await
    }

    /// The user and CSRF token of a session id, or `None` when it is unknown, expired or its
    /// account is disabled (see [`sessions::resume`]).
    pub async fn resume_session(
        &self,
        id: &str,
        limits: sessions::Limits,
    ) -> Result<Option<sessions::Resumed>> {
        sessions::resume(self.store.as_ref(), id, limits).await
    }

    /// Ends a session (sign-out); unknown ids are ignored.
    pub async fn end_session(&self, id: &str) -> Result<()> {
        sessions::end(self.store.as_ref(), id).await
    }

    // ----- attempt limits (sign-in), counted in the store for every process -----

    /// Counts one attempt against every key if each is under its limit in the window, as one
    /// atomic step for every process on the database (see [`limits::reserve`]).
    pub async fn reserve_attempt(&self, keys: &[LimitKey<'_>], window_ms: i64) -> Result<Reserved> {
        limits::reserve(self.store.as_ref(), keys, window_ms).await
    }

    /// Gives back a reserved attempt.
    pub async fn give_back_attempt(&self, id: i64, key: &str) -> Result<()> {
        limits::give_back(self.store.as_ref(), id, key).await
    }

    /// Forgets every attempt of a key (an account a coordinator unlocked); returns how many.
    pub async fn clear_attempts(&self, key: &str) -> Result<u64> {
        limits::clear(self.store.as_ref(), key).await
    }

    /// Removes expired attempts and keeps capped keys under their cap, bounded work (see
    /// [`limits::prune`]).
    pub async fn prune_attempts(&self, window_ms: i64, max_capped: u64) -> Result<u64> {
        limits::prune(self.store.as_ref(), window_ms, max_capped).await
    }

    /// How many attempts are stored.
    pub async fn attempt_count(&self) -> Result<u64> {
        limits::count(self.store.as_ref()).await
    }

    // ----- the audit log -----

    /// Writes an entry in the audit log.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        details: &str,
    ) -> Result<()> {
        Ok(self.store.audit(actor, action, subject, details).await?)
    }

    /// The newest entries of the audit log, of one action or all.
    pub async fn audit_log(&self, limit: i64, action: Option<&str>) -> Result<Vec<AuditEntry>> {
        Ok(self.store.audit_log(limit, action).await?)
    }

    /// A page of the audit log (see [`crate::AuditFilter`]).
    pub async fn audit_find(&self, filter: &crate::AuditFilter) -> Result<Vec<AuditEntry>> {
        Ok(self.store.audit_find(filter).await?)
    }

    /// Every action the audit log holds.
    pub async fn audit_actions(&self) -> Result<Vec<String>> {
        Ok(self.store.audit_actions().await?)
    }

    /// The entries `filter` picks as CSV (at most 100,000; the same writer as the raw answers:
    /// BOM, `;`, every field neutralised against formulas), times in Swedish local time and
    /// events by their Swedish names with the code beside.
    pub async fn audit_csv(&self, filter: &crate::AuditFilter) -> Result<Vec<u8>> {
        let filter = crate::AuditFilter {
            limit: 100_000,
            ..filter.clone()
        };
        let rows: Vec<Vec<String>> = (self.store.audit_find(&filter).await?.into_iter())
            .map(|e| {
                vec![
                    nara_core::fmt::local_time(e.at),
                    e.actor,
                    nara_core::audit::event_name(&e.action).to_string(),
                    e.action,
                    e.subject,
                    e.details,
                ]
            })
            .collect();
        let headers = ["När", "Vem", "Händelse", "Kod", "Gäller", "Detaljer"];
        Ok(nara_excel::summary::csv_table(&headers, &rows))
    }
}
