//! Attempts counted per key in a sliding window, in the database, so a limit holds across every
//! process that shares it (two `nara serve` behind one load balancer count together). The
//! server's sign-in limiter decides the keys and the limits (see `nara-server`'s `auth`); this
//! module reserves, gives back, clears and prunes them in the store, with the store's clock.

use nara_store::Store;

use crate::Result;

pub use nara_store::{LimitKey, Reserved};

/// The most rows one prune removes per step: pruning is bounded work whenever it is called.
pub const PRUNE_BATCH: u64 = 10_000;

/// Counts one attempt against every key (distinct keys), atomically against every other
/// process: only when every key has fewer than its `max` attempts in the last `window_ms` is
/// one added to each (see [`nara_store::LimitStore::reserve_attempt`]).
pub async fn reserve(store: &dyn Store, keys: &[LimitKey<'_>], window_ms: i64) -> Result<Reserved> {
    Ok(store.reserve_attempt(keys, window_ms).await?)
}

/// Gives back one reserved attempt (an id of [`Reserved::Taken`] and its key).
pub async fn give_back(store: &dyn Store, id: i64, key: &str) -> Result<()> {
    Ok(store.give_back_attempt(id, key).await?)
}

/// Forgets every attempt of a key; returns how many there were.
pub async fn clear(store: &dyn Store, key: &str) -> Result<u64> {
    Ok(store.clear_attempts(key).await?)
}

/// Removes the attempts past the window and keeps those of capped keys (names and addresses)
/// at most `max_capped`, at most [`PRUNE_BATCH`] rows per step; returns how many went.
pub async fn prune(store: &dyn Store, window_ms: i64, max_capped: u64) -> Result<u64> {
    Ok(store
        .prune_attempts(window_ms, max_capped, PRUNE_BATCH)
        .await?)
}

/// How many attempts the store holds.
pub async fn count(store: &dyn Store) -> Result<u64> {
    Ok(store.attempt_count().await?)
}
