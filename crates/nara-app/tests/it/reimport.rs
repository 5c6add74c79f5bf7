//! An unchanged re-import: a file whose bytes gave a response that is still current is not
//! read again and is reported unchanged from the stored response; a file whose response has
//! been replaced since, or whose response another file of the same batch also gives, is read
//! and stored as before, in the batch's order. Both backends.

use std::sync::Arc;

use nara_app::import::{Options, Status, import_batch};
use nara_store::{Store, contract};

use crate::support::{filled, open_round, write_form};

async fn statuses(store: &Arc<dyn Store>, files: &[std::path::PathBuf]) -> Vec<Status> {
    let r = import_batch(store.as_ref(), files, &Options::default(), &|_| {})
        .await
        .unwrap();
    r.files.iter().map(|f| f.status).collect()
}

contract!(
    only_files_that_gave_the_current_response_are_skipped,
    |store: Arc<dyn Store>| async move {
        let dir = tempfile::tempdir().unwrap();
        let round = open_round(&store, "2026").await;
        let a = write_form(
            &store,
            dir.path(),
            "a.xlsx",
            round,
            "2080",
            &filled("Rehab", "", 3),
        )
        .await;
        let b = write_form(
            &store,
            dir.path(),
            "b.xlsx",
            round,
            "2080",
            &filled("Rehab", "", 1),
        )
        .await;
        let level = |store: Arc<dyn Store>| async move {
            let rs = store.responses(round).await.unwrap();
            assert_eq!(rs.len(), 1);
            rs[0].content_hash.clone()
        };
        assert_eq!(
            statuses(&store, std::slice::from_ref(&a)).await,
            [Status::Imported]
        );
        let of_a = level(store.clone()).await;
        assert_eq!(
            statuses(&store, std::slice::from_ref(&a)).await,
            [Status::Unchanged]
        );
        assert_eq!(
            statuses(&store, std::slice::from_ref(&b)).await,
            [Status::Replaced]
        );
        let of_b = level(store.clone()).await;
        assert_ne!(of_a, of_b);
        // a's response was replaced: a is read and brings its answers back.
        assert_eq!(
            statuses(&store, std::slice::from_ref(&a)).await,
            [Status::Replaced]
        );
        assert_eq!(level(store.clone()).await, of_a);
        // b, then a (known, current) in one batch: a is read after all, so the batch ends as
        // its order says, with a's answers.
        assert_eq!(
            statuses(&store, &[b.clone(), a.clone()]).await,
            [Status::Replaced, Status::Replaced]
        );
        assert_eq!(level(store.clone()).await, of_a);
        // A closed round takes no answers, known file or not.
        nara_app::rounds::change_status(
            store.as_ref(),
            round,
            nara_core::RoundStatus::Closed,
            "",
            "test",
        )
        .await
        .unwrap();
        let r = import_batch(store.as_ref(), &[a], &Options::default(), &|_| {})
            .await
            .unwrap();
        assert_eq!(r.files[0].status, Status::Rejected);
        assert!(
            r.files[0].problems[0]
                .message
                .contains("tar inte emot svar")
        );
    }
);
