//! What people read when the store refuses: the same Swedish sentences as before the store
//! stopped writing them, on both backends.

use std::sync::Arc;

use nara_app::Role;
use nara_core::{RoundId, RoundStatus};
use nara_store::Store;
use nara_store::contract;

use crate::support::open_round;

contract!(refusals_from_the_store_read_in_swedish, |store: Arc<
    dyn Store,
>| async move {
    let s = store.as_ref();
    let round = open_round(&store, "2026").await;
    let again = nara_app::rounds::create(s, round, None, None, None, "t")
        .await
        .unwrap_err();
    assert!(matches!(&again, nara_app::Error::Conflict(_)), "{again:?}");
    assert_eq!(again.to_string(), "Omgången 2026 finns redan.");

    let missing = RoundId::parse("2031").unwrap();
    let e = s
        .set_round_status(missing, RoundStatus::Open, "t")
        .await
        .map_err(nara_app::Error::from)
        .unwrap_err();
    assert_eq!(e.to_string(), "Omgången 2031 finns inte.");

    nara_app::users::add(s, "karin", "Sommarstugan-2026!", Role::Reader, None, "t")
        .await
        .unwrap();
    let taken = nara_app::users::add(s, "Karin", "Sommarstugan-2026!", Role::Reader, None, "t")
        .await
        .unwrap_err();
    assert!(matches!(&taken, nara_app::Error::Conflict(_)), "{taken:?}");
    assert_eq!(taken.to_string(), "Användarnamnet karin är upptaget.");

    let e = s
        .revoke_link(999, "t")
        .await
        .map_err(nara_app::Error::from)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Länken finns inte eller är redan återkallad."
    );

    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("kopia.db");
    if s.backend() == "sqlite" {
        nara_app::backup(s, &to, "t").await.unwrap();
        let twice = nara_app::backup(s, &to, "t").await.unwrap_err();
        assert_eq!(
            twice.to_string(),
            format!(
                "Filen {} finns redan; välj ett nytt namn för säkerhetskopian.",
                to.display()
            )
        );
    } else {
        let e = nara_app::backup(s, &to, "t").await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "Säkerhetskopiering av PostgreSQL görs med pg_dump (se docs/operations.md), inte med nara backup."
        );
    }
});
