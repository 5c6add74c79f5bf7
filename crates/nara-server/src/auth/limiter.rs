//! Failed sign-ins, counted per account and per address before the password is verified, in
//! the database: every server instance on it counts together, so a second instance does not
//! give a guesser more attempts.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use nara_app::limits::{LimitKey, Reserved};
use nara_app::{App, User};
use sha2::{Digest, Sha256};

/// The account a sign-in is for, as the limiter counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// An existing account, by id, with a stamp of its password hash and state: a new
    /// password or enabling the account (from the browser or `nara user`, on any instance)
    /// changes the stamp and so clears the failures.
    User {
        /// The account's id.
        id: i64,
        /// See [`Account::stamp`].
        stamp: u64,
    },
    /// A name with no account (normalised: trimmed, lower case, at most 64 characters).
    Name(String),
}

impl Account {
    /// The account of a sign-in for `name`, once looked up.
    pub fn of(name: &str, user: Option<&User>) -> Self {
        match user {
            Some(u) => Account::User {
                id: u.id,
                stamp: Self::stamp(u),
            },
            None => Account::Name(
                name.trim()
                    .to_lowercase()
                    .chars()
                    .take(nara_app::users::MAX_USERNAME_CHARS)
                    .collect(),
            ),
        }
    }
    /// A stamp of what resets an account's failures: its password hash and whether it is
    /// disabled.
    pub fn stamp(user: &User) -> u64 {
        let d = Sha256::new()
            .chain_update(user.password_hash.as_bytes())
            .chain_update([u8::from(user.disabled)])
            .finalize();
        u64::from_le_bytes(d[..8].try_into().unwrap_or_default())
    }

    /// The key the store counts the account's attempts under.
    fn key(&self) -> String {
        match self {
            Account::User { id, .. } => user_key(*id),
            Account::Name(n) => format!("name:{n}"),
        }
    }

    /// The account's limit under its key: accounts are as many as there are and never evicted;
    /// names are chosen by the sender and count toward the cap.
    fn limit<'a>(&self, key: &'a str) -> LimitKey<'a> {
        let (stamp, capped) = match self {
            Account::User { stamp, .. } => (i64::from_ne_bytes(stamp.to_ne_bytes()), false),
            Account::Name(_) => (0, true),
        };
        LimitKey {
            key,
            max: MAX_PER_ACCOUNT as u32,
            stamp,
            capped,
        }
    }
}

fn user_key(id: i64) -> String {
    format!("user:{id}")
}

/// A reserved attempt: counted as a failure unless [`RateLimiter::succeeded`] gives it back.
#[derive(Debug)]
#[must_use = "a reservation is a failure unless given back"]
pub struct Ticket {
    /// The account's key, when the attempt named one.
    account: Option<String>,
    /// The address's key and the id of the attempt counted against it.
    addr: String,
    addr_attempt: i64,
}

/// Sign-in attempts in a sliding window, per account and per address, counted in the database
/// (`nara_app::limits`) so the limits hold across every instance that shares it. An attempt
/// is counted *before* its password is verified (one atomic step in the store, so concurrent
/// attempts on any instance cannot all slip through) and given back when it succeeds. The
/// store keeps at most `max_attempts` attempts at names and addresses (expired ones go first,
/// then the oldest; accounts are never evicted) and forgets every attempt after the window.
/// In memory the limiter keeps only a few counters, whatever the senders.
#[derive(Debug)]
pub struct RateLimiter {
    max_attempts: u64,
    verified: AtomicU64,
    /// When this process last pruned the store (store clock), and how many attempts it
    /// counted since.
    pruned: AtomicI64,
    since_prune: AtomicU64,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_max_attempts(MAX_ATTEMPTS)
    }
}

/// Attempts allowed per account in the window.
pub const MAX_PER_ACCOUNT: usize = 5;
/// Attempts allowed per address in the window.
pub const MAX_PER_ADDRESS: usize = 20;
/// The window.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Sign-ins started at an identity provider allowed per address in the window. Each start keeps
/// a row in the store until the provider answers, so one address cannot fill the database;
/// generous, because a kommun's staff may all come from one address.
pub const MAX_SSO_STARTS_PER_ADDRESS: usize = 100;
/// The most attempts at names and addresses the database keeps (about 150 bytes each).
pub const MAX_ATTEMPTS: usize = 100_000;
/// How often a process prunes the store at the latest (it also prunes after every sixteenth
/// of [`MAX_ATTEMPTS`] reservations).
const PRUNE_EVERY_MS: i64 = 60_000;

/// What [`RateLimiter::reserve`] decided.
#[derive(Debug)]
pub enum Reservation {
    /// The attempt may go ahead.
    Go(Ticket),
    /// Too many attempts; `first` is true for the first refusal of this lock on any instance
    /// (log it).
    Refused {
        /// Whether this is the first refusal since the key was locked.
        first: bool,
    },
}

impl RateLimiter {
    /// A limiter that lets the store keep at most `max_attempts` attempts at names and
    /// addresses.
    pub fn with_max_attempts(max_attempts: usize) -> Self {
        Self {
            max_attempts: max_attempts.max(16) as u64,
            verified: AtomicU64::new(0),
            pruned: AtomicI64::new(i64::MIN),
            since_prune: AtomicU64::new(0),
        }
    }

    /// Reserves an attempt for an account from an address, now (the store's clock).
    pub async fn reserve(
        &self,
        app: &App,
        account: &Account,
        addr: &str,
    ) -> nara_app::Result<Reservation> {
        let key = format!("addr:{}", address_key(addr));
        self.reserve_for(app, Some(account), key, MAX_PER_ADDRESS)
            .await
    }

    /// Reserves an attempt that names no possible account (refused without verifying): it
    /// counts against the address only.
    pub async fn reserve_address(&self, app: &App, addr: &str) -> nara_app::Result<Reservation> {
        let key = format!("addr:{}", address_key(addr));
        self.reserve_for(app, None, key, MAX_PER_ADDRESS).await
    }

    /// Counts a sign-in started at an identity provider against the address (a key of its own,
    /// beside its failed passwords); `Refused` beyond [`MAX_SSO_STARTS_PER_ADDRESS`] in the
    /// window. Nothing is given back: a start is not a failure, but each one costs a row.
    pub async fn reserve_sso_start(&self, app: &App, addr: &str) -> nara_app::Result<Reservation> {
        let key = format!("sso:{}", address_key(addr));
        self.reserve_for(app, None, key, MAX_SSO_STARTS_PER_ADDRESS)
            .await
    }

    /// Reserves an attempt against the address's key (at most `per_address` in the window)
    /// and, when given, the account's.
    async fn reserve_for(
        &self,
        app: &App,
        account: Option<&Account>,
        addr_key: String,
        per_address: usize,
    ) -> nara_app::Result<Reservation> {
        let acc_key = account.map(Account::key);
        let mut keys = Vec::with_capacity(2);
        if let (Some(a), Some(k)) = (account, &acc_key) {
            keys.push(a.limit(k));
        }
        keys.push(LimitKey {
            key: &addr_key,
            max: per_address as u32,
            stamp: 0,
            capped: true,
        });
        let reserved = app.reserve_attempt(&keys, WINDOW_MS).await?;
        let taken = matches!(reserved, Reserved::Taken(_));
        self.upkeep(app, taken).await;
        Ok(match reserved {
            Reserved::Taken(ids) => Reservation::Go(Ticket {
                account: acc_key,
                addr_attempt: ids.last().copied().unwrap_or_default(),
                addr: addr_key,
            }),
            Reserved::Full { first } => Reservation::Refused { first },
        })
    }

    /// Prunes the store now and then: once a minute, and after every sixteenth of the cap of
    /// new attempts (each adds at most two capped rows), keeping the capped attempts under
    /// seven eighths of the cap, so the table never holds more than the cap from this process.
    /// Bounded work; a failure is logged, not the sign-in's.
    async fn upkeep(&self, app: &App, counted: bool) {
        let every = (self.max_attempts / 16).max(1);
        let n = if counted {
            self.since_prune.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.since_prune.load(Ordering::Relaxed)
        };
        let now = app.now();
        let last = self.pruned.load(Ordering::Relaxed);
        let due = n >= every || now.saturating_sub(last) >= PRUNE_EVERY_MS;
        if !due
            || self
                .pruned
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        self.since_prune.store(0, Ordering::Relaxed);
        let keep = self.max_attempts - self.max_attempts / 8;
        if let Err(e) = app.prune_attempts(WINDOW_MS, keep).await {
            tracing::warn!(error = %e.chain(), "sign-in attempts were not pruned");
        }
    }

    /// A successful sign-in: the account's failures are forgotten and the address gets its
    /// reserved attempt back. Best effort: a failure is logged (the count then stays, which
    /// errs on the safe side).
    pub async fn succeeded(&self, app: &App, ticket: Ticket) {
        if let Some(k) = &ticket.account
            && let Err(e) = app.clear_attempts(k).await
        {
            tracing::warn!(error = %e.chain(), "the account's failed sign-ins were not cleared");
        }
        if let Err(e) = app
            .give_back_attempt(ticket.addr_attempt, &ticket.addr)
            .await
        {
            tracing::warn!(error = %e.chain(), "a sign-in attempt was not given back");
        }
    }

    /// Forgets an account's failures (a coordinator reset its password or enabled it). Best
    /// effort: the account's new stamp unlocks it anyway; a failure is logged.
    pub async fn forget_user(&self, app: &App, id: i64) {
        if let Err(e) = app.clear_attempts(&user_key(id)).await {
            tracing::warn!(error = %e.chain(), "the account's failed sign-ins were not cleared");
        }
    }

    /// Counts a password verification (for the benchmark and tests).
    pub fn count_verification(&self) {
        self.verified.fetch_add(1, Ordering::Relaxed);
    }

    /// How many passwords this process has verified at sign-in.
    pub fn verifications(&self) -> u64 {
        self.verified.load(Ordering::Relaxed)
    }

    /// How many attempts the store holds (every instance's).
    pub async fn attempts(&self, app: &App) -> nara_app::Result<u64> {
        app.attempt_count().await
    }
}

/// The limiter's key for an address: an IPv6 address counts by its /64 (one household or
/// server usually has a whole /64).
fn address_key(addr: &str) -> String {
    match addr.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(ip) => ip.to_string(),
        Err(_) => addr.chars().take(64).collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use nara_store::ManualClock;

    use super::*;

    /// 2026-03-01 12:00 UTC, in Unix ms.
    const T0: i64 = 1_772_366_400_000;

    async fn app_at(t: i64) -> (App, Arc<ManualClock>, tempfile::TempDir) {
        let clock = Arc::new(ManualClock::new(t));
        let (store, dir) = nara_store::testing::sqlite_at(clock.clone()).await;
        (App::new(store), clock, dir)
    }

    fn go(r: nara_app::Result<Reservation>) -> Ticket {
        match r.unwrap() {
            Reservation::Go(t) => t,
            Reservation::Refused { .. } => panic!("refused"),
        }
    }

    fn refused(r: nara_app::Result<Reservation>) -> bool {
        match r.unwrap() {
            Reservation::Go(_) => panic!("went ahead"),
            Reservation::Refused { first } => first,
        }
    }

    #[tokio::test]
    async fn the_limiter_counts_before_verifying_and_a_success_gives_the_slot_back() {
        let (app, _clock, _dir) = app_at(T0).await;
        let l = RateLimiter::default();
        let acc = Account::Name("admin".into());
        let mut tickets = Vec::new();
        for _ in 0..MAX_PER_ACCOUNT {
            tickets.push(go(l.reserve(&app, &acc, "10.0.0.1").await));
        }
        // Five in flight: the sixth waits, from any address, before anything was verified;
        // only the first refusal of the lock is worth a warning.
        assert!(refused(l.reserve(&app, &acc, "10.0.0.2").await));
        assert!(!refused(l.reserve(&app, &acc, "10.0.0.3").await));
        // One of them succeeds: the account's count is cleared, the address gets its slot back.
        l.succeeded(&app, tickets.pop().unwrap()).await;
        let _ = go(l.reserve(&app, &acc, "10.0.0.2").await);
        // 10.0.0.1 holds the four that were not given back: 16 more go, then it waits.
        for _ in 0..MAX_PER_ADDRESS - (MAX_PER_ACCOUNT - 1) {
            let _ = go(l.reserve_address(&app, "10.0.0.1").await);
        }
        assert!(refused(l.reserve_address(&app, "10.0.0.1").await));
    }

    #[tokio::test]
    async fn a_new_password_or_enabling_changes_the_stamp_and_unlocks() {
        let (app, _clock, _dir) = app_at(T0).await;
        let l = RateLimiter::default();
        let locked = Account::User { id: 7, stamp: 1 };
        for i in 0..MAX_PER_ACCOUNT {
            let _ = go(l.reserve(&app, &locked, &format!("10.0.0.{i}")).await);
        }
        refused(l.reserve(&app, &locked, "10.0.1.1").await);
        let reset = Account::User { id: 7, stamp: 2 };
        let _ = go(l.reserve(&app, &reset, "10.0.1.1").await);
        // And a coordinator's unlock clears the account whatever its stamp.
        for _ in 1..MAX_PER_ACCOUNT {
            let _ = go(l.reserve(&app, &reset, "10.0.1.1").await);
        }
        refused(l.reserve(&app, &reset, "10.0.1.1").await);
        l.forget_user(&app, 7).await;
        let _ = go(l.reserve(&app, &reset, "10.0.1.1").await);
    }

    #[tokio::test]
    async fn the_limiter_forgets_after_the_window_and_the_stored_attempts_are_capped() {
        let (app, clock, _dir) = app_at(T0).await;
        let l = RateLimiter::with_max_attempts(100);
        for i in 0..MAX_PER_ADDRESS {
            let _ = go(l
                .reserve(&app, &Account::Name(format!("n{i}")), "10.0.0.1")
                .await);
        }
        clock.advance(1);
        refused(
            l.reserve(&app, &Account::Name("x".into()), "10.0.0.1")
                .await,
        );
        // After the window the address may try again, and the old attempts are gone.
        clock.set(T0 + WINDOW_MS);
        let _ = go(l
            .reserve(&app, &Account::Name("x".into()), "10.0.0.1")
            .await);
        assert_eq!(
            l.attempts(&app).await.unwrap(),
            2,
            "only x and the address remain"
        );
        // A flood of distinct names and addresses never leaves more than the cap stored.
        let mut newest = String::new();
        for i in 0..1_000u32 {
            clock.advance(1);
            newest = std::net::Ipv4Addr::from(0x0b00_0000 + i).to_string();
            let name = format!("{i}-{}", "x".repeat(60));
            let _ = l
                .reserve(&app, &Account::Name(name), &newest)
                .await
                .unwrap();
            let n = l.attempts(&app).await.unwrap();
            assert!(n <= 100, "{n} attempts stored");
        }
        // The newest are kept: the last address has used one of its 20.
        for _ in 1..MAX_PER_ADDRESS {
            let _ = go(l.reserve_address(&app, &newest).await);
        }
        refused(l.reserve_address(&app, &newest).await);
    }

    #[test]
    fn an_ipv6_address_counts_by_its_64() {
        assert_eq!(address_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_key("::ffff:10.1.2.3"), "10.1.2.3");
        assert_eq!(address_key("unknown"), "unknown");
    }
}
