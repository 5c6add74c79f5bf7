//! A database that has gone away: every page that needs it answers 500 with the generic Swedish
//! sentence in the site's frame (never "finns inte", never the database's own words), JSON
//! routes answer JSON, and readiness says so; pages that need no data still work.

use axum::http::StatusCode;
use nara_server::{AppState, Config};

use crate::support::{Client, World};

#[tokio::test]
async fn a_database_that_has_gone_away_gives_500_with_a_generic_sentence() {
    let (store, dir) = nara_store::testing::sqlite_gone().await;
    let router = nara_server::router(AppState::new(
        nara_app::App::new(store.clone()),
        Config::default(),
    ));
    let w = World {
        router,
        store,
        _dir: dir,
        own: String::new(),
        other: String::new(),
    };
    let mut c = Client::new(&w);

    let ready = c.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);

    // The sign-in form needs no data; signing in does.
    let form = c.get("/logga-in").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let r = c.sign_in_with("admin", crate::support::PASSWORD).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    let page = &r.body;
    assert!(page.contains("Något gick fel i servern."), "{page}");
    assert!(!page.contains("finns inte"), "{page}");
    assert!(
        !page.to_lowercase().contains("pool"),
        "no database words: {page}"
    );
    assert!(page.contains("<html"), "in the site's frame: {page}");

    // A browser with a session cookie: the session cannot be looked up.
    c.cookies.insert("nara_session".into(), "x".repeat(43));
    let home = c.get("/omgangar/2026").await;
    assert_eq!(
        home.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        home.body
    );
    assert!(
        home.body.contains("Något gick fel i servern."),
        "{}",
        home.body
    );

    let api = c.get("/api/v1/rounds").await;
    assert_eq!(
        api.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        api.body
    );
    let json: serde_json::Value = serde_json::from_str(&api.body).expect("JSON under /api");
    assert!(
        json.to_string().contains("Något gick fel i servern."),
        "{json}"
    );
}
