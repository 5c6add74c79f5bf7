//! A cache of computed results for the server. A [`Snapshot`] holds the rounds, instruments
//! and organisations as of one data stamp (the store's cheap [`nara_store::AuditStore::data_stamp`], which moves
//! with any import, replacement, status change, new organisation or instrument, from this
//! process or another on the same database); the round reports, trends and serialised bodies
//! computed under a stamp are kept until it moves. A page view then costs one stamp query
//! instead of loading and rolling up every answer. Misses are computed one at a time, so a
//! burst of requests after a change computes a report once.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use nara_core::report::{RoundData, RoundReport, RoundScores, TrendRound};
use nara_core::{Instrument, OrgCode, Organisation, Round, RoundId};
use nara_store::{AnsweredCount, Store};
use tokio::sync::Mutex;

use crate::indicator_view::Nyckeltal;

use crate::Result;
use crate::report::{Earlier, Loaded};

/// How many rounds' forms and scores are kept (the open round, the one before it for its
/// comparison, and two more for pages of older rounds): at 3,000 units a round's forms and
/// scores take some 15 MB.
const PARTS_KEPT: usize = 4;

/// How many views are kept under one stamp: a view's key holds the query it was asked with, so
/// the count is bounded against a client asking for ever new ones (the views are forgotten
/// together when it is reached, as when the stamp moves).
const VIEWS_KEPT: usize = 512;

/// A round's current forms and their scores, valid while the round's answers stay the same.
struct Parts {
    loaded: Loaded,
    scores: RoundScores,
}

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
    views: HashMap<String, Arc<dyn Any + Send + Sync>>,
    counts: Option<Arc<Vec<AnsweredCount>>>,
    nyckeltal: Option<Arc<Nyckeltal>>,
}

/// Computed results, valid for one data stamp; and each round's own scores, valid while that
/// round's answers stay the same (an import into the open round leaves the earlier rounds'
/// scores in place, so a trend over ten rounds recomputes one).
#[derive(Default)]
pub struct ReportCache {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    computed: Mutex<Computed>,
    rounds: Mutex<HashMap<RoundId, (String, Arc<TrendRound>)>>,
    /// The rounds' forms and scores by round stamp, the most recently used last.
    parts: Mutex<Vec<(RoundId, String, Arc<Parts>)>>,
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
        let r = Arc::new(
            self.compute_report(store, snap, round, org, earlier)
                .await?,
        );
        c.reports.insert(key, r.clone());
        Ok(r)
    }

    /// A round report from each round's kept forms and scores: after an import into the open
    /// round only that round is loaded and scored again; the previous round's scores are kept.
    async fn compute_report(
        &self,
        store: &dyn Store,
        snap: &Snapshot,
        round: RoundId,
        org: Option<&OrgCode>,
        earlier: Earlier,
    ) -> Result<RoundReport> {
        let missing = || crate::Error::NotFound(format!("Omgången {round} finns inte."));
        let this = snap.round(round).ok_or_else(missing)?.clone();
        let previous = crate::rounds::previous_among(&snap.rounds, &this, earlier).map(|r| r.id);
        let (now, prev) = tokio::join!(self.parts(store, round), async {
            match previous {
                Some(p) => self.parts(store, p).await.map(Some),
                None => Ok(None),
            }
        });
        let (now, prev) = (now?, prev?);
        let orgs = snap.organisations.clone();
        let org = org.cloned();
        tokio::task::spawn_blocking(move || {
            let data = RoundData {
                // The round as of the snapshot (its status may have changed since the forms
                // were loaded; the forms have not, or the round stamp would have moved).
                round: &this,
                ..now.loaded.data()
            };
            nara_core::report::round_report_scored(
                &data,
                std::borrow::Cow::Borrowed(&now.scores),
                prev.as_ref().map(|p| &p.scores),
                &orgs,
                org.as_ref(),
            )
        })
        .await
        .map_err(|e| crate::Error::internal("Resultaten kunde inte räknas", e))
    }

    /// A round's forms and scores, loaded and scored again only when its answers changed.
    async fn parts(&self, store: &dyn Store, round: RoundId) -> Result<Arc<Parts>> {
        let stamp = store.round_stamp(round).await?;
        {
            let mut kept = self.parts.lock().await;
            if let Some(i) = kept.iter().position(|(r, s, _)| *r == round && *s == stamp) {
                let hit = kept.remove(i);
                let parts = hit.2.clone();
                kept.push(hit);
                return Ok(parts);
            }
        }
        self.round_misses
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let loaded = crate::report::load(store, round).await?;
        let parts = tokio::task::spawn_blocking(move || {
            let scores = nara_core::report::round_scores(&loaded.data());
            Parts { loaded, scores }
        })
        .await
        .map_err(|e| crate::Error::internal("Resultaten kunde inte räknas", e))?;
        let parts = Arc::new(parts);
        // The trend takes this round's point from here too.
        self.rounds
            .lock()
            .await
            .insert(round, (stamp.clone(), Arc::new(parts.scores.trend_round())));
        let mut kept = self.parts.lock().await;
        kept.retain(|(r, _, _)| *r != round);
        kept.push((round, stamp, parts.clone()));
        if kept.len() > PARTS_KEPT {
            kept.remove(0);
        }
        Ok(parts)
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
                    let t = tokio::task::spawn_blocking(move || {
                        nara_core::report::round_scores(&loaded.data()).trend_round()
                    })
                    .await
                    .map_err(|e| crate::Error::internal("Trenden", e))?;
                    let t = Arc::new(t);
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

    /// How many organisations and units answered each round, under a snapshot.
    pub async fn answered_counts(
        &self,
        store: &dyn Store,
        snap: &Snapshot,
    ) -> Result<Arc<Vec<AnsweredCount>>> {
        let mut c = self.computed(snap).await;
        if let Some(n) = &c.counts {
            return Ok(n.clone());
        }
        let n = Arc::new(store.answered_counts().await?);
        c.counts = Some(n.clone());
        Ok(n)
    }

    /// The nyckeltal (catalogue and values) under a snapshot.
    pub async fn nyckeltal(&self, store: &dyn Store, snap: &Snapshot) -> Result<Arc<Nyckeltal>> {
        let mut c = self.computed(snap).await;
        if let Some(n) = &c.nyckeltal {
            return Ok(n.clone());
        }
        let n = Arc::new(crate::indicator_view::load(store, &snap.organisations).await?);
        c.nyckeltal = Some(n.clone());
        Ok(n)
    }

    /// A view (such as a page's rendered content) under a snapshot, made by `make` on a miss.
    /// `make` runs without the cache's lock (it may ask for reports); a view made under a
    /// snapshot the cache has since moved past is returned but not kept.
    pub async fn view<T, E, F, Fut>(
        &self,
        snap: &Snapshot,
        key: &str,
        make: F,
    ) -> std::result::Result<Arc<T>, E>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
    {
        let hit = (self.computed(snap).await.views.get(key).cloned())
            .and_then(|v| v.downcast::<T>().ok());
        if let Some(v) = hit {
            return Ok(v);
        }
        let v = Arc::new(make().await?);
        let mut c = self.computed.lock().await;
        if c.stamp == snap.stamp {
            if c.views.len() >= VIEWS_KEPT {
                c.views.clear();
            }
            c.views.insert(key.to_string(), v.clone());
        }
        Ok(v)
    }

    /// A serialised body (such as a JSON document) under a snapshot, made by `make` on a miss:
    /// a [`ReportCache::view`] of bytes, kept beside the views (its key marked as a body's).
    pub async fn body(
        &self,
        snap: &Snapshot,
        key: &str,
        make: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<Arc<Vec<u8>>> {
        self.view(snap, &format!("body:{key}"), || std::future::ready(make()))
            .await
    }
}
