//! A cache of computed results for the server. A [`Snapshot`] holds the rounds, instruments
//! and organisations as of one data stamp (the store's cheap [`nara_store::AuditStore::data_stamp`], which moves
//! with any import, replacement, status change, new organisation or instrument, from this
//! process or another on the same database); the round reports, trends and serialised bodies
//! computed under a stamp are kept until it moves. A page view then costs one stamp query
//! instead of loading and rolling up every answer. Misses are computed one at a time, so a
//! burst of requests after a change computes a report once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use nara_core::report::{RoundReport, TrendRound};
use nara_core::{Instrument, OrgCode, Organisation, Round, RoundId};
use nara_store::Store;
use tokio::sync::Mutex;

use crate::Result;
use crate::report::Earlier;

/// The lists every page needs, as of one data stamp.
#[derive(Debug)]
pub struct Snapshot {
    /// The stamp.
    pub stamp: String,
    /// Every round, oldest first.
    pub rounds: Vec<Round>,
    /// Every instrument version.
    pub instruments: Vec<Instrument>,
    /// Every organisation.
    pub organisations: Vec<Organisation>,
}

impl Snapshot {
    /// A round by id.
    pub fn round(&self, id: RoundId) -> Option<&Round> {
        self.rounds.iter().find(|r| r.id == id)
    }
    /// The instrument version a round uses.
    pub fn instrument_of(&self, round: &Round) -> Option<&Instrument> {
        self.instruments
            .iter()
            .find(|i| i.id() == round.instrument_id && i.version() == round.instrument_version)
    }
    /// An organisation by code.
    pub fn organisation(&self, code: &OrgCode) -> Option<&Organisation> {
        self.organisations.iter().find(|o| &o.code == code)
    }
}

type Key = (RoundId, Option<OrgCode>, Earlier);

#[derive(Default)]
struct Computed {
    stamp: String,
    reports: HashMap<Key, Arc<RoundReport>>,
    trends: HashMap<(RoundId, Earlier), Arc<Vec<TrendRound>>>,
    bodies: HashMap<String, Arc<Vec<u8>>>,
}

/// Computed results, valid for one data stamp; and each round's own scores, valid while that
/// round's answers stay the same (an import into the open round leaves the earlier rounds'
/// scores in place, so a trend over ten rounds recomputes one).
#[derive(Default)]
pub struct ReportCache {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    computed: Mutex<Computed>,
    rounds: Mutex<HashMap<RoundId, (String, Arc<TrendRound>)>>,
    round_misses: std::sync::atomic::AtomicU64,
}

impl ReportCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The snapshot for the store's current data (one stamp query; the lists are reloaded only
    /// when the stamp has moved).
    pub async fn snapshot(&self, store: &dyn Store) -> Result<Arc<Snapshot>> {
        let stamp = store.data_stamp().await?;
        if let Some(s) = self.current().filter(|s| s.stamp == stamp) {
            return Ok(s);
        }
        let s = Arc::new(Snapshot {
            stamp,
            rounds: store.rounds().await?,
            instruments: store.instruments().await?,
            organisations: store.organisations().await?,
        });
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Some(s.clone());
        Ok(s)
    }

    /// The last snapshot taken, without asking the store (for what may be a moment old, such as
    /// a menu).
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    async fn computed(&self, snap: &Snapshot) -> tokio::sync::MutexGuard<'_, Computed> {
        let mut guard = self.computed.lock().await;
        if guard.stamp != snap.stamp {
            *guard = Computed {
                stamp: snap.stamp.clone(),
                ..Computed::default()
            };
        }
        guard
    }

    /// The round report (as [`crate::report::round_report_for`]) under a snapshot.
    pub async fn report(
        &self,
        store: &dyn Store,
        snap: &Snapshot,
        round: RoundId,
        org: Option<&OrgCode>,
        earlier: Earlier,
    ) -> Result<Arc<RoundReport>> {
        let key = (round, org.cloned(), earlier);
        let mut c = self.computed(snap).await;
        if let Some(r) = c.reports.get(&key) {
            return Ok(r.clone());
        }
        let r = Arc::new(crate::report::round_report_for(store, round, org, earlier).await?);
        c.reports.insert(key, r.clone());
        Ok(r)
    }

    /// The trend up to a round (as [`crate::report::trend_for`]) under a snapshot.
    pub async fn trend(
        &self,
        store: &dyn Store,
        snap: &Snapshot,
        round: RoundId,
        earlier: Earlier,
    ) -> Result<Arc<Vec<TrendRound>>> {
        let mut c = self.computed(snap).await;
        if let Some(t) = c.trends.get(&(round, earlier)) {
            return Ok(t.clone());
        }
        let t = Arc::new(self.trend_by_round(store, snap, round, earlier).await?);
        c.trends.insert((round, earlier), t.clone());
        Ok(t)
    }

    /// The trend (as [`crate::report::trend_for`]) from each round's own scores, computed only
    /// for the rounds whose answers changed since they were last computed.
    async fn trend_by_round(
        &self,
        store: &dyn Store,
        snap: &Snapshot,
        round: RoundId,
        earlier: Earlier,
    ) -> Result<Vec<TrendRound>> {
        let this = snap
            .round(round)
            .ok_or_else(|| crate::Error::NotFound(format!("Omgången {round} finns inte.")))?;
        let family = (snap.rounds.iter()).filter(|r| {
            r.instrument_id == this.instrument_id
                && (r.id == this.id || (r.id < this.id && earlier.admits(r)))
        });
        let mut out = Vec::new();
        for r in family {
            let stamp = store.round_stamp(r.id).await?;
            let known = self.rounds.lock().await.get(&r.id).cloned();
            let scores = match known {
                Some((s, t)) if s == stamp => t,
                _ => {
                    self.round_misses
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let loaded = crate::report::load(store, r.id).await?;
                    let t = nara_core::report::trend(std::slice::from_ref(&loaded.data()));
                    let t = Arc::new(t.into_iter().next().ok_or_else(|| {
                        crate::Error::internal("Trenden", "a round without its scores")
                    })?);
                    self.rounds.lock().await.insert(r.id, (stamp, t.clone()));
                    t
                }
            };
            out.push((*scores).clone());
        }
        out.sort_by_key(|t| t.round);
        Ok(out)
    }

    /// How many times a round's scores were computed (not found in the cache): for tests.
    pub fn round_misses(&self) -> u64 {
        self.round_misses.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A serialised body (such as a JSON document) under a snapshot, made by `make` on a miss.
    pub async fn body(
        &self,
        snap: &Snapshot,
        key: &str,
        make: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<Arc<Vec<u8>>> {
        let mut c = self.computed(snap).await;
        if let Some(b) = c.bodies.get(key) {
            return Ok(b.clone());
        }
        let b = Arc::new(make()?);
        c.bodies.insert(key.to_string(), b.clone());
        Ok(b)
    }
}
