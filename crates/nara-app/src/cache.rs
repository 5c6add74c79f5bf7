//! A cache of computed results for the server: the round report and the trend, kept until the
//! store's data stamp changes (any import, replacement, status change, new organisation or
//! instrument, from this process or another one on the same database). A page view then costs
//! one cheap stamp query instead of loading and rolling up every answer. Misses are computed one
//! at a time, so a burst of requests after a change computes a report once.

use std::collections::HashMap;
use std::sync::Arc;

use nara_core::report::{RoundReport, TrendRound};
use nara_core::{OrgCode, RoundId};
use nara_store::Store;
use tokio::sync::Mutex;

use crate::Result;

type Key = (RoundId, Option<OrgCode>);

/// Computed results by round, valid for one data stamp.
#[derive(Default)]
pub struct ReportCache {
    reports: Mutex<(String, HashMap<Key, Arc<RoundReport>>)>,
    trends: Mutex<(String, HashMap<RoundId, Arc<Vec<TrendRound>>>)>,
}

impl ReportCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The round report (as [`crate::report::round_report`]), from the cache when the data
    /// has not changed.
    pub async fn report(&self, store: &dyn Store, round: RoundId, org: Option<&OrgCode>) -> Result<Arc<RoundReport>> {
        let stamp = store.data_stamp().await?;
        let key = (round, org.cloned());
        let mut guard = self.reports.lock().await;
        if guard.0 != stamp {
            *guard = (stamp, HashMap::new());
        }
        if let Some(r) = guard.1.get(&key) {
            return Ok(r.clone());
        }
        let r = Arc::new(crate::report::round_report(store, round, org).await?);
        guard.1.insert(key, r.clone());
        Ok(r)
    }

    /// The trend up to a round (as [`crate::report::trend`]), from the cache when the data has
    /// not changed.
    pub async fn trend(&self, store: &dyn Store, round: RoundId) -> Result<Arc<Vec<TrendRound>>> {
        let stamp = store.data_stamp().await?;
        let mut guard = self.trends.lock().await;
        if guard.0 != stamp {
            *guard = (stamp, HashMap::new());
        }
        if let Some(t) = guard.1.get(&round) {
            return Ok(t.clone());
        }
        let t = Arc::new(crate::report::trend(store, round).await?);
        guard.1.insert(round, t.clone());
        Ok(t)
    }
}
