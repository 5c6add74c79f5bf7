//! The demo world for the pages' view tests: the demo (16 organisations, three rounds) in a
//! temporary SQLite database, and a frame that is the same on every run.

use std::sync::Arc;

use nara_core::report::RoundReport;
use nara_core::{Instrument, RoundId};
use nara_store::Store;

use super::{Layout, link};

/// The demo in a temporary database (deleted when dropped).
pub(crate) struct Demo {
    /// The database.
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

/// Loads the demo with its default seed: the same data on every run.
pub(crate) async fn demo() -> Demo {
    let (store, dir) = nara_store::testing::sqlite().await;
    nara_app::seed_defaults(store.as_ref()).await.unwrap();
    nara_app::demo::run(store.as_ref(), &nara_app::demo::Options::default())
        .await
        .unwrap();
    Demo { store, _dir: dir }
}

impl Demo {
    /// A round of the demo.
    pub fn round(id: &str) -> RoundId {
        RoundId::parse(id).unwrap()
    }

    /// The report of a round, as the coordinator sees it.
    pub async fn report(&self, round: &str) -> RoundReport {
        nara_app::report::round_report(self.store.as_ref(), Self::round(round), None)
            .await
            .unwrap()
    }

    /// The instrument of a round.
    pub async fn instrument(&self, round: &str) -> Instrument {
        nara_app::report::load(self.store.as_ref(), Self::round(round))
            .await
            .unwrap()
            .instrument
    }
}

/// A frame without a session (the snapshots leave it out; the view only passes it on).
pub(crate) fn layout() -> Layout {
    Layout {
        title: "Test".into(),
        user: "test".into(),
        role: "samordnare".into(),
        csrf: String::new(),
        crumbs: vec![link("/omgangar", "Omgångar")],
        rounds: Vec::new(),
        round: String::new(),
        admin: true,
        can_link: true,
    }
}
