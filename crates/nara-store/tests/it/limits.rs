//! The contract of the attempt counters (`LimitStore`, the sign-in limits), on every backend.

use std::sync::Arc;

use nara_store::{LimitKey, ManualClock, Reserved, Store};

use nara_store::contract;

/// 2026-03-01 12:00 UTC, in Unix ms.
const T0: i64 = 1_772_366_400_000;
/// 15 minutes.
const WINDOW: i64 = 15 * 60 * 1000;

fn key(key: &str, max: u32) -> LimitKey<'_> {
    LimitKey {
        key,
        max,
        stamp: 0,
        capped: true,
    }
}

fn account(key: &str, stamp: i64) -> LimitKey<'_> {
    LimitKey {
        key,
        max: 5,
        stamp,
        capped: false,
    }
}

fn taken(r: Reserved) -> Vec<i64> {
    match r {
        Reserved::Taken(ids) => ids,
        Reserved::Full { .. } => panic!("refused"),
    }
}

contract!(
    attempts_count_per_key_in_a_sliding_window,
    clock = T0,
    |store: Arc<dyn Store>, clock: Arc<ManualClock>| async move {
        let addr = key("addr:10.0.0.1", 20);
        for _ in 0..5 {
            let ids = taken(
                store
                    .reserve_attempt(&[account("user:1", 7), addr], WINDOW)
                    .await
                    .unwrap(),
            );
            assert_eq!(ids.len(), 2, "one attempt per key");
        }
        assert_eq!(store.attempt_count().await.unwrap(), 10);
        // The account is full: refused, counted against neither key, and only the first refusal
        // of the lock is worth a warning.
        let other_addr = key("addr:10.0.0.2", 20);
        assert_eq!(
            store
                .reserve_attempt(&[account("user:1", 7), other_addr], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { first: true }
        );
        assert_eq!(
            store
                .reserve_attempt(&[account("user:1", 7), addr], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { first: false }
        );
        assert_eq!(store.attempt_count().await.unwrap(), 10);
        // Another account from the same address still goes.
        taken(
            store
                .reserve_attempt(&[account("user:2", 7), addr], WINDOW)
                .await
                .unwrap(),
        );
        // One millisecond short of the window the lock holds; at the window it is gone.
        clock.advance(WINDOW - 1);
        assert!(matches!(
            store
                .reserve_attempt(&[account("user:1", 7), addr], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { first: false }
        ));
        clock.advance(1);
        taken(
            store
                .reserve_attempt(&[account("user:1", 7), addr], WINDOW)
                .await
                .unwrap(),
        );
        // A new lock is a new warning: fill the account again (4 more after the one above).
        for _ in 0..4 {
            taken(
                store
                    .reserve_attempt(&[account("user:1", 7)], WINDOW)
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(
            store
                .reserve_attempt(&[account("user:1", 7)], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { first: true }
        );
    }
);

contract!(
    a_new_stamp_starts_a_key_afresh_and_keys_can_be_given_back_or_cleared,
    clock = T0,
    |store: Arc<dyn Store>, _clock: Arc<ManualClock>| async move {
        let addr = key("addr:10.0.0.1", 20);
        let mut tickets = Vec::new();
        for _ in 0..5 {
            tickets.push(taken(
                store
                    .reserve_attempt(&[account("user:1", 1), addr], WINDOW)
                    .await
                    .unwrap(),
            ));
        }
        assert!(matches!(
            store
                .reserve_attempt(&[account("user:1", 1)], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { .. }
        ));
        // A new password (a new stamp): the old attempts no longer count.
        taken(
            store
                .reserve_attempt(&[account("user:1", 2)], WINDOW)
                .await
                .unwrap(),
        );
        // Back on the old stamp (in this test only): still full. One given back frees a place;
        // giving it back twice, or with another key, does nothing more.
        assert!(matches!(
            store
                .reserve_attempt(&[account("user:1", 1)], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { .. }
        ));
        let last = tickets.pop().unwrap();
        store.give_back_attempt(last[0], "user:2").await.unwrap();
        assert_eq!(store.attempt_count().await.unwrap(), 11);
        store.give_back_attempt(last[0], "user:1").await.unwrap();
        store.give_back_attempt(last[0], "user:1").await.unwrap();
        assert_eq!(store.attempt_count().await.unwrap(), 10);
        taken(
            store
                .reserve_attempt(&[account("user:1", 1)], WINDOW)
                .await
                .unwrap(),
        );
        // Clearing a key forgets all its attempts, of every stamp, and nothing else.
        assert_eq!(store.clear_attempts("user:1").await.unwrap(), 6);
        assert_eq!(store.clear_attempts("user:1").await.unwrap(), 0);
        assert_eq!(
            store.attempt_count().await.unwrap(),
            5,
            "the address's five"
        );
        for _ in 0..5 {
            taken(
                store
                    .reserve_attempt(&[account("user:1", 1)], WINDOW)
                    .await
                    .unwrap(),
            );
        }
    }
);

contract!(
    pruning_removes_the_expired_and_keeps_capped_keys_under_their_cap,
    clock = T0,
    |store: Arc<dyn Store>, clock: Arc<ManualClock>| async move {
        // Five attempts at an account (never evicted), then 100 distinct addresses, one a
        // millisecond.
        for _ in 0..5 {
            taken(
                store
                    .reserve_attempt(&[account("user:1", 1)], WINDOW)
                    .await
                    .unwrap(),
            );
        }
        let names: Vec<String> = (0..100).map(|i| format!("addr:10.0.1.{i}")).collect();
        for n in &names {
            clock.advance(1);
            taken(store.reserve_attempt(&[key(n, 1)], WINDOW).await.unwrap());
        }
        // Nothing expired and under the cap: nothing goes.
        assert_eq!(store.prune_attempts(WINDOW, 100, 1000).await.unwrap(), 0);
        // Over a cap of 40: the oldest addresses go, down to 35, at most `batch` a call.
        assert_eq!(store.prune_attempts(WINDOW, 40, 50).await.unwrap(), 50);
        assert_eq!(store.prune_attempts(WINDOW, 40, 50).await.unwrap(), 15);
        assert_eq!(store.attempt_count().await.unwrap(), 5 + 35);
        // The newest are kept (still full), the oldest forgotten (free again).
        assert!(matches!(
            store
                .reserve_attempt(&[key(&names[99], 1)], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { .. }
        ));
        assert!(matches!(
            store
                .reserve_attempt(&[key(&names[65], 1)], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { .. }
        ));
        taken(
            store
                .reserve_attempt(&[key(&names[64], 1)], WINDOW)
                .await
                .unwrap(),
        );
        // The account's attempts were never evicted.
        assert!(matches!(
            store
                .reserve_attempt(&[account("user:1", 1)], WINDOW)
                .await
                .unwrap(),
            Reserved::Full { .. }
        ));
        // After the window everything goes.
        clock.advance(WINDOW);
        assert_eq!(store.prune_attempts(WINDOW, 40, 1000).await.unwrap(), 41);
        assert_eq!(store.attempt_count().await.unwrap(), 0);
    }
);

contract!(parallel_reservations_get_exactly_the_limit, |store: Arc<
    dyn Store,
>| async move {
    // 20 at once on one key with a limit of 5, each from its own address: exactly 5 go,
    // and exactly one refusal is the lock's first.
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let addr = format!("addr:10.2.0.{i}");
                store
                    .reserve_attempt(&[account("user:9", 3), key(&addr, 20)], WINDOW)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let went = results
        .iter()
        .filter(|r| matches!(r, Reserved::Taken(_)))
        .count();
    let first = results
        .iter()
        .filter(|r| matches!(r, Reserved::Full { first: true }))
        .count();
    assert_eq!(went, 5, "{results:?}");
    assert_eq!(first, 1, "{results:?}");
    assert_eq!(store.attempt_count().await.unwrap(), 10);
});
