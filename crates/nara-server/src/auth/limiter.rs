//! Failed sign-ins, counted per account and per address before the password is verified.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use nara_app::{User, now_ms};
use sha2::{Digest, Sha256};

/// The account a sign-in is for, as the limiter counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// An existing account, by id, with a stamp of its password hash and state: a new
    /// password or enabling the account (from the browser or `nara user`) changes the stamp
    /// and so clears the failures.
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
}

/// A reserved attempt: counted as a failure unless [`RateLimiter::succeeded`] gives it back.
#[derive(Debug)]
#[must_use = "a reservation is a failure unless given back"]
pub struct Ticket {
    account: Option<Key>,
    addr: Key,
    at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    User(i64),
    Name(String),
    Addr(String),
}

#[derive(Debug, Default)]
struct Entry {
    /// The attempts in the window, oldest first; never more than the key's limit.
    times: VecDeque<i64>,
    /// The account's stamp when the attempts were counted.
    stamp: u64,
    /// The newest attempt.
    last: i64,
    /// Whether a refusal has been logged for the current lock (one warning per lock).
    warned: bool,
}

impl Entry {
    fn prune(&mut self, now: i64) {
        while self.times.front().is_some_and(|t| now - t >= WINDOW_MS) {
            self.times.pop_front();
        }
        if self.times.is_empty() {
            self.warned = false;
        }
    }
}

#[derive(Debug, Default)]
struct Maps {
    /// Existing accounts (as many as there are accounts: not attacker-controlled).
    users: HashMap<i64, Entry>,
    /// Names without an account and addresses: capped at `max_keys`.
    others: HashMap<Key, Entry>,
    /// When expired entries were last removed.
    purged: i64,
}

/// Sign-in attempts in a sliding window, per account and per address. An attempt is counted
/// *before* its password is verified (under one lock, so concurrent attempts cannot all slip
/// through) and given back when it succeeds. Memory is bounded: at most `max_keys` names and
/// addresses are remembered (expired ones go first, then the oldest), at most the limit's
/// number of times per key, and entries expire after the window.
#[derive(Debug)]
pub struct RateLimiter {
    maps: Mutex<Maps>,
    max_keys: usize,
    verified: AtomicU64,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_max_keys(MAX_KEYS)
    }
}

/// Attempts allowed per account in the window.
pub const MAX_PER_ACCOUNT: usize = 5;
/// Attempts allowed per address in the window.
pub const MAX_PER_ADDRESS: usize = 20;
/// The window.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// The most names and addresses the limiter remembers (about 300 bytes each).
pub const MAX_KEYS: usize = 10_000;

/// What [`RateLimiter::reserve`] decided.
#[derive(Debug)]
pub enum Reservation {
    /// The attempt may go ahead.
    Go(Ticket),
    /// Too many attempts; `first` is true for the first refusal of this lock (log it).
    Refused {
        /// Whether this is the first refusal since the key was locked.
        first: bool,
    },
}

impl RateLimiter {
    /// A limiter that remembers at most `max_keys` names and addresses.
    pub fn with_max_keys(max_keys: usize) -> Self {
        Self {
            maps: Mutex::new(Maps::default()),
            max_keys: max_keys.max(2),
            verified: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Maps> {
        self.maps.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves an attempt for an account from an address, now.
    pub fn reserve(&self, account: &Account, addr: &str) -> Reservation {
        self.reserve_at(Some(account), addr, now_ms())
    }

    /// Reserves an attempt that names no possible account (refused without verifying): it
    /// counts against the address only.
    pub fn reserve_address(&self, addr: &str) -> Reservation {
        self.reserve_at(None, addr, now_ms())
    }

    fn reserve_at(&self, account: Option<&Account>, addr: &str, now: i64) -> Reservation {
        let mut maps = self.lock();
        if now - maps.purged >= 60_000 {
            maps.purge(now);
        }
        let addr_key = Key::Addr(address_key(addr));
        let (acc_key, stamp) = match account {
            Some(Account::User { id, stamp }) => (Some(Key::User(*id)), *stamp),
            Some(Account::Name(n)) => (Some(Key::Name(n.clone())), 0),
            None => (None, 0),
        };
        // Check both before counting either.
        let mut full = false;
        let mut first = false;
        if let Some(k) = &acc_key
            && let Some(e) = maps.entry_mut(k)
        {
            if e.stamp != stamp {
                *e = Entry::default();
                e.stamp = stamp;
            }
            e.prune(now);
            if e.times.len() >= MAX_PER_ACCOUNT {
                full = true;
                first |= !std::mem::replace(&mut e.warned, true);
            }
        }
        if let Some(e) = maps.entry_mut(&addr_key) {
            e.prune(now);
            if e.times.len() >= MAX_PER_ADDRESS {
                full = true;
                first |= !std::mem::replace(&mut e.warned, true);
            }
        }
        if full {
            return Reservation::Refused { first };
        }
        if let Some(k) = &acc_key {
            let e = maps.insert(k, now, self.max_keys);
            e.stamp = stamp;
            e.times.push_back(now);
            e.last = now;
        }
        let e = maps.insert(&addr_key, now, self.max_keys);
        e.times.push_back(now);
        e.last = now;
        Reservation::Go(Ticket {
            account: acc_key,
            addr: addr_key,
            at: now,
        })
    }

    /// A successful sign-in: the account's failures are forgotten and the address gets its
    /// reserved attempt back.
    pub fn succeeded(&self, ticket: Ticket) {
        let mut maps = self.lock();
        if let Some(k) = &ticket.account {
            maps.remove(k);
        }
        if let Some(e) = maps.entry_mut(&ticket.addr)
            && let Some(i) = e.times.iter().rposition(|t| *t == ticket.at)
        {
            e.times.remove(i);
        }
    }

    /// Forgets an account's failures (a coordinator reset its password or enabled it).
    pub fn forget_user(&self, id: i64) {
        self.lock().users.remove(&id);
    }

    /// Counts a password verification (for the benchmark and tests).
    pub fn count_verification(&self) {
        self.verified.fetch_add(1, Ordering::Relaxed);
    }

    /// How many passwords have been verified at sign-in.
    pub fn verifications(&self) -> u64 {
        self.verified.load(Ordering::Relaxed)
    }

    /// How many names and addresses are remembered.
    pub fn keys(&self) -> usize {
        let maps = self.lock();
        maps.users.len() + maps.others.len()
    }
}

impl Maps {
    fn entry_mut(&mut self, k: &Key) -> Option<&mut Entry> {
        match k {
            Key::User(id) => self.users.get_mut(id),
            other => self.others.get_mut(other),
        }
    }

    fn remove(&mut self, k: &Key) {
        match k {
            Key::User(id) => {
                self.users.remove(id);
            }
            other => {
                self.others.remove(other);
            }
        }
    }

    /// The entry for a key, made room for when new.
    fn insert(&mut self, k: &Key, now: i64, max_keys: usize) -> &mut Entry {
        match k {
            Key::User(id) => self.users.entry(*id).or_default(),
            other => {
                if !self.others.contains_key(other) && self.others.len() >= max_keys {
                    // Make room for an eighth at once, so this is not paid on every new key.
                    self.purge(now);
                    self.evict_oldest(max_keys - max_keys / 8);
                }
                self.others.entry(other.clone()).or_default()
            }
        }
    }

    /// Removes every entry with no attempt in the window.
    fn purge(&mut self, now: i64) {
        let live = |e: &mut Entry| {
            e.prune(now);
            !e.times.is_empty()
        };
        self.users.retain(|_, e| live(e));
        self.others.retain(|_, e| live(e));
        self.purged = now;
    }

    /// Removes the names and addresses used longest ago until at most `keep` are left (and at
    /// least one is free).
    fn evict_oldest(&mut self, keep: usize) {
        let keep = keep.saturating_sub(1);
        if self.others.len() <= keep {
            return;
        }
        let drop = self.others.len() - keep;
        let mut lasts: Vec<i64> = self.others.values().map(|e| e.last).collect();
        let (_, cut, _) = lasts.select_nth_unstable(drop - 1);
        let cut = *cut;
        let mut left = drop;
        self.others.retain(|_, e| {
            if e.last <= cut && left > 0 {
                left -= 1;
                false
            } else {
                true
            }
        });
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
    use super::*;

    fn go(r: Reservation) -> Ticket {
        match r {
            Reservation::Go(t) => t,
            Reservation::Refused { .. } => panic!("refused"),
        }
    }

    #[test]
    fn the_limiter_counts_before_verifying_and_a_success_gives_the_slot_back() {
        let l = RateLimiter::default();
        let acc = Account::Name("admin".into());
        let t0 = 1_000_000;
        let mut tickets: Vec<Ticket> = (0..MAX_PER_ACCOUNT)
            .map(|_| go(l.reserve_at(Some(&acc), "10.0.0.1", t0)))
            .collect();
        // Five in flight: the sixth waits, from any address, before anything was verified.
        assert!(matches!(
            l.reserve_at(Some(&acc), "10.0.0.2", t0),
            Reservation::Refused { first: true }
        ));
        assert!(matches!(
            l.reserve_at(Some(&acc), "10.0.0.3", t0),
            Reservation::Refused { first: false }
        ));
        // One of them succeeds: the account's count is cleared, the address gets its slot back.
        l.succeeded(tickets.pop().unwrap());
        assert!(matches!(
            l.reserve_at(Some(&acc), "10.0.0.2", t0),
            Reservation::Go(_)
        ));
        let m = l.lock();
        assert_eq!(
            m.others[&Key::Addr("10.0.0.1".into())].times.len(),
            MAX_PER_ACCOUNT - 1
        );
    }

    #[test]
    fn a_new_password_or_enabling_changes_the_stamp_and_unlocks() {
        let l = RateLimiter::default();
        let locked = Account::User { id: 7, stamp: 1 };
        for i in 0..MAX_PER_ACCOUNT {
            let _ = go(l.reserve_at(Some(&locked), &format!("10.0.0.{i}"), 5));
        }
        assert!(matches!(
            l.reserve_at(Some(&locked), "10.0.1.1", 5),
            Reservation::Refused { .. }
        ));
        let reset = Account::User { id: 7, stamp: 2 };
        assert!(matches!(
            l.reserve_at(Some(&reset), "10.0.1.1", 5),
            Reservation::Go(_)
        ));
    }

    #[test]
    fn the_limiter_forgets_after_the_window_and_its_memory_is_capped() {
        let l = RateLimiter::with_max_keys(100);
        let t0 = 1_000_000;
        for i in 0..MAX_PER_ADDRESS {
            let _ = go(l.reserve_at(Some(&Account::Name(format!("n{i}"))), "10.0.0.1", t0));
        }
        assert!(matches!(
            l.reserve_at(Some(&Account::Name("x".into())), "10.0.0.1", t0 + 1),
            Reservation::Refused { .. }
        ));
        // After the window the address may try again, and the old keys are gone.
        let later = t0 + WINDOW_MS;
        let _ = go(l.reserve_at(Some(&Account::Name("x".into())), "10.0.0.1", later));
        assert_eq!(l.keys(), 2, "only x and the address remain");
        // A flood of distinct names and addresses never holds more than the cap.
        for i in 0..10_000u32 {
            let addr = std::net::Ipv4Addr::from(0x0b00_0000 + i).to_string();
            let name = format!("{i}-{}", "x".repeat(60));
            let _ = l.reserve_at(Some(&Account::Name(name)), &addr, later + i64::from(i));
            assert!(l.keys() <= 100, "{} keys", l.keys());
        }
        // The newest are kept.
        assert!(
            l.lock()
                .others
                .contains_key(&Key::Addr("11.0.39.15".into()))
        );
    }

    #[test]
    fn an_ipv6_address_counts_by_its_64() {
        assert_eq!(address_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_key("::ffff:10.1.2.3"), "10.1.2.3");
        assert_eq!(address_key("unknown"), "unknown");
    }
}
