//! Sign-in, sign-out, wrong password, rate limit, CSRF, session expiry, disabled accounts and
//! the security headers.

use std::time::Duration;

use axum::http::StatusCode;
use nara_server::Config;

use crate::support::{Client, PASSWORD, world, world_with};

#[tokio::test]
async fn sign_in_gives_a_new_hardened_session_and_sign_out_ends_it() {
    let w = world().await;
    let mut c = Client::new(&w);
    // A session id planted before sign-in is not kept.
    c.cookies.insert("nara_session".into(), "planted".into());
    let page = c.get("/logga-in").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("lang=\"sv\"") && page.body.contains("Användarnamn"));
    let token = Client::csrf(&page.body);
    let r = c
        .post(
            "/logga-in",
            &[
                ("username", "admin"),
                ("password", PASSWORD),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    let session = set.iter().find(|c| c.starts_with("nara_session=")).unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "not configured for TLS");
    assert_ne!(c.cookies["nara_session"], "planted");
    assert_eq!(c.cookies["nara_session"].len(), 64);
    // Signed in: the start page leads to the newest round the admin may see.
    let home = c.get("/").await;
    assert_eq!(home.location(), "/omgangar/2026");
    let county = c.get("/omgangar/2026").await;
    assert_eq!(county.status, StatusCode::OK);
    // Sign-out needs the CSRF token; then the old cookie is worthless.
    let old = c.cookies["nara_session"].clone();
    assert_eq!(
        c.post("/logga-ut", &[("csrf", "fel")]).await.status,
        StatusCode::BAD_REQUEST
    );
    let r = c
        .post("/logga-ut", &[("csrf", &Client::csrf(&county.body))])
        .await;
    assert_eq!(r.location(), "/logga-in");
    c.cookies.insert("nara_session".into(), old);
    assert_eq!(c.get("/omgangar/2026").await.location(), "/logga-in");
    // The sign-in was audited.
    let log = w.store.audit_log(50, Some("sign-in")).await.unwrap();
    assert!(log.iter().any(|e| e.actor == "admin"));
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let w = world_with(Config {
        secure_cookies: true,
        ..Config::default()
    })
    .await;
    let mut c = Client::new(&w);
    let r = c.sign_in_with("admin", PASSWORD).await;
    let set: Vec<String> = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        set.iter()
            .any(|c| c.starts_with("nara_session=") && c.contains("; Secure")),
        "{set:?}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_swedish_and_the_account_is_rate_limited() {
    let w = world().await;
    let mut c = Client::new(&w);
    let r = c.sign_in_with("admin", "fel-lösenord").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Fel användarnamn eller lösenord"));
    assert!(!c.cookies.contains_key("nara_session"));
    // An unknown name gets the same answer.
    let r = c.sign_in_with("ingen", "fel-lösenord").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Fel användarnamn eller lösenord"));
    for _ in 0..4 {
        c.sign_in_with("admin", "fel").await;
    }
    // Five failures: now even the right password waits.
    let r = c.sign_in_with("admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("För många misslyckade försök"));
    // Another account from the same address is still allowed (the address limit is higher).
    let mut other = Client::new(&w);
    assert_eq!(
        other.sign_in_with("reader", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sign_in_without_the_forms_token_is_refused() {
    let w = world().await;
    let mut c = Client::new(&w);
    // No token cookie at all (a form posted from another site).
    let r = c
        .post(
            "/logga-in",
            &[("username", "admin"), ("password", PASSWORD), ("csrf", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Ladda om sidan"));
    assert!(!c.cookies.contains_key("nara_session"));
}

#[tokio::test]
async fn an_idle_session_expires() {
    let w = world_with(Config {
        session_idle: Duration::from_millis(50),
        ..Config::default()
    })
    .await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    assert_eq!(c.get("/omgangar").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(c.get("/omgangar").await.location(), "/logga-in");
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit() {
    let w = world_with(Config {
        session_absolute: Duration::from_millis(50),
        ..Config::default()
    })
    .await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(c.get("/omgangar").await.location(), "/logga-in");
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("reader").await;
    assert_eq!(c.get("/omgangar").await.status, StatusCode::OK);
    nara_app::users::set_disabled(w.store.as_ref(), "reader", true, "test")
        .await
        .unwrap();
    assert_eq!(c.get("/omgangar").await.location(), "/logga-in");
    assert_eq!(
        c.sign_in_with("reader", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn security_headers_assets_and_health() {
    let w = world().await;
    let mut c = Client::new(&w);
    let r = c.get("/logga-in").await;
    let h = |n: &str| {
        r.headers
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(h("content-security-policy").contains("script-src 'self'"));
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(h("x-frame-options"), "DENY");
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "same-origin");
    let css = c.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    assert!(css.body.contains("@media print"));
    let bands = c.get("/static/band.css").await;
    assert!(
        bands
            .body
            .contains(".band-styrka { background-color: #1e8449; }"),
        "{}",
        bands.body
    );
    assert_eq!(c.get("/healthz").await.body, "ok");
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    let missing = c.get("/finns-inte").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Sidan finns inte"));
}
