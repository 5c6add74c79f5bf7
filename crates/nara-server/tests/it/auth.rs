//! Sign-in, sign-out, wrong password, rate limit (also under parallel guessing and behind a
//! proxy), field limits, CSRF, session expiry, disabled accounts and the security headers.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use nara_server::{AppState, Config};

use crate::support::{Client, PASSWORD, World, enc, world, world_with};

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

/// 2026-03-01 12:00 UTC in Unix ms: where the clocked session tests start.
const T0: i64 = 1_772_366_400_000;

#[tokio::test]
async fn an_idle_session_expires() {
    // The store's clock, not a sleep: the limits are tested exactly, whatever the machine's load.
    let clock = Arc::new(nara_store::ManualClock::new(T0));
    let w = crate::support::world_at(clock.clone(), Config::default()).await;
    let idle = Config::default().session_idle.as_millis() as i64;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    clock.advance(idle - 1_000);
    assert_eq!(
        c.get("/omgangar").await.status,
        StatusCode::OK,
        "used in time"
    );
    // Used just now, so idle counts from here.
    clock.advance(idle - 1_000);
    assert_eq!(
        c.get("/omgangar").await.status,
        StatusCode::OK,
        "still in time"
    );
    clock.advance(idle);
    assert_eq!(c.get("/omgangar").await.location(), "/logga-in");
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit() {
    let clock = Arc::new(nara_store::ManualClock::new(T0));
    let w = crate::support::world_at(clock.clone(), Config::default()).await;
    let (idle, absolute) = (
        Config::default().session_idle.as_millis() as i64,
        Config::default().session_absolute.as_millis() as i64,
    );
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    // Used often enough never to be idle, until the absolute limit.
    let mut used = 0;
    while used + idle / 2 < absolute {
        clock.advance(idle / 2);
        used += idle / 2;
        assert_eq!(
            c.get("/omgangar").await.status,
            StatusCode::OK,
            "at {used} ms"
        );
    }
    clock.advance(absolute - used);
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

/// The world with a router whose state the test keeps (to read the limiter).
async fn world_and_state(config: Config) -> (World, AppState) {
    let w = world().await;
    let state = AppState::new(nara_app::App::new(w.store.clone()), config);
    let w = World {
        router: nara_server::router(state.clone()),
        ..w
    };
    (w, state)
}

/// A sign-in POST as it arrives over a connection from `peer`, with an optional
/// `X-Forwarded-For`.
fn sign_in_request(
    user: &str,
    password: &str,
    token: &str,
    peer: &str,
    xff: Option<&str>,
) -> Request<Body> {
    let body = format!(
        "username={}&password={}&csrf={}",
        enc(user),
        enc(password),
        enc(token)
    );
    let mut req = Request::post("/logga-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("nara_login={token}"));
    if let Some(x) = xff {
        req = req.header("x-forwarded-for", x);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

async fn login_token(c: &mut Client<'_>) -> String {
    Client::csrf(&c.get("/logga-in").await.body)
}

/// Sends a request as is (no cookie jar: every request carries the same sign-in token).
async fn send(w: &World, req: Request<Body>) -> StatusCode {
    use tower::ServiceExt;
    w.router.clone().oneshot(req).await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_parallel_guesses_at_one_account_verify_at_most_five_passwords() {
    use tower::ServiceExt;
    let (w, state) = world_and_state(Config::default()).await;
    let token = login_token(&mut Client::new(&w)).await;
    // 100 wrong guesses at once, each from its own address (so only the account's limit
    // applies). (A right password among them would legitimately clear the account's failures,
    // as the owner's sign-in does, so the bound is checked on guesses alone.)
    let tasks: Vec<_> = (0..100u32)
        .map(|i| {
            let router = w.router.clone();
            let req = sign_in_request(
                "admin",
                &format!("gissning-{i}"),
                &token,
                &format!("10.1.0.{i}"),
                None,
            );
            tokio::spawn(async move { router.oneshot(req).await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    let (wrong, limited) = (
        count(StatusCode::UNAUTHORIZED),
        count(StatusCode::TOO_MANY_REQUESTS),
    );
    assert_eq!(wrong, 5, "exactly the limit is verified: {statuses:?}");
    assert_eq!(wrong + limited, 100, "{statuses:?}");
    assert_eq!(state.limiter.verifications(), 5);
    // The right password, from yet another address, now meets the lock unverified.
    let req = sign_in_request("admin", PASSWORD, &token, "10.1.1.1", None);
    assert_eq!(send(&w, req).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(state.limiter.verifications(), 5);
    // Only the verified failures reached the audit.
    let failed = w
        .store
        .audit_log(500, Some("sign-in.failed"))
        .await
        .unwrap();
    assert_eq!(failed.len(), wrong);
}

#[tokio::test]
async fn over_long_fields_are_refused_without_hashing_and_logged_short() {
    let (w, state) = world_and_state(Config::default()).await;
    let mut c = Client::new(&w);
    // An 8 MiB name used to be kept in memory, logged and written twice into the audit.
    let long_name = "a".repeat(100_000);
    let r = c.sign_in_with(&long_name, "fel-lösenord").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Fel användarnamn eller lösenord"));
    assert!(
        r.body.len() < 20_000,
        "the page echoes {} bytes",
        r.body.len()
    );
    // A real name with a password over 1,024 bytes: refused, also without hashing.
    let long_password = "x".repeat(1025);
    let r = c.sign_in_with("admin", &long_password).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Fel användarnamn eller lösenord"));
    // Control and direction characters never reach the audit.
    let r = c
        .sign_in_with("ond\n\u{202e}namn\u{7}", "fel-lösenord")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(state.limiter.verifications(), 0, "nothing was hashed");
    let log = w.store.audit_log(50, Some("sign-in.failed")).await.unwrap();
    assert_eq!(log.len(), 3);
    for e in &log {
        assert!(e.actor.chars().count() <= 65, "{} chars", e.actor.len());
        assert!(e.subject.chars().count() <= 65, "{} chars", e.subject.len());
        assert!(!e.subject.chars().any(|c| c.is_control() || c == '\u{202e}'));
    }
    assert!(log.iter().any(|e| e.subject == "ondnamn"));
    assert!(log.iter().any(|e| e.subject.starts_with(&"a".repeat(64))));
    // The exact limits are still accepted: 1,024 bytes is only a wrong password.
    let r = c.sign_in_with("admin", &"x".repeat(1024)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(state.limiter.verifications(), 1);
}

#[tokio::test]
async fn a_coordinators_reset_or_enabling_unlocks_an_account() {
    let w = world().await;
    let mut reader = Client::new(&w);
    for _ in 0..5 {
        reader.sign_in_with("reader", "fel-lösenord").await;
    }
    assert_eq!(
        reader.sign_in_with("reader", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The coordinator sets a new password in the browser: the account is open at once.
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let new_pw = admin.reset_password("reader").await;
    assert_eq!(
        reader.sign_in_with("reader", &new_pw).await.status,
        StatusCode::SEE_OTHER
    );
    // Locked while disabled, enabled again: open at once.
    let token = Client::csrf(&admin.get("/admin/anvandare").await.body);
    admin
        .post(
            "/admin/anvandare",
            &[
                ("action", "disable"),
                ("username", "reader"),
                ("csrf", &token),
            ],
        )
        .await;
    let mut again = Client::new(&w);
    for _ in 0..5 {
        again.sign_in_with("reader", "fel-lösenord").await;
    }
    assert_eq!(
        again.sign_in_with("reader", &new_pw).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    admin
        .post(
            "/admin/anvandare",
            &[
                ("action", "enable"),
                ("username", "reader"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(
        again.sign_in_with("reader", &new_pw).await.status,
        StatusCode::SEE_OTHER
    );
    // A reset from the command line (`nara user passwd`, another process) unlocks too.
    let mut resp = Client::new(&w);
    for _ in 0..5 {
        resp.sign_in_with("resp", "fel-lösenord").await;
    }
    assert_eq!(
        resp.sign_in_with("resp", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    nara_app::users::set_password(w.store.as_ref(), "resp", "ett-nytt-losenord", "cli")
        .await
        .unwrap();
    assert_eq!(
        resp.sign_in_with("resp", "ett-nytt-losenord").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_counts_by_its_own_address() {
    let proxy = "10.0.0.1";
    let (w, _state) = world_and_state(Config {
        trusted_proxy: vec![proxy.parse().unwrap()],
        ..Config::default()
    })
    .await;
    let mut c = Client::new(&w);
    let token = login_token(&mut c).await;
    // One client behind the proxy uses up its address's 20 attempts (names that cannot
    // exist: refused without hashing, but counted).
    for i in 0..20 {
        let r = send(
            &w,
            sign_in_request(&format!("!{i}"), "x", &token, proxy, Some("198.51.100.7")),
        )
        .await;
        assert_eq!(r, StatusCode::UNAUTHORIZED);
    }
    let r = send(
        &w,
        sign_in_request("reader", PASSWORD, &token, proxy, Some("198.51.100.7")),
    )
    .await;
    assert_eq!(r, StatusCode::TOO_MANY_REQUESTS);
    // Another client through the same proxy is not locked out; its own address is audited,
    // read from the right-most entry (the one the proxy wrote).
    let r = send(
        &w,
        sign_in_request(
            "reader",
            PASSWORD,
            &token,
            proxy,
            Some("198.51.100.7, 203.0.113.9"),
        ),
    )
    .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    let log = w.store.audit_log(10, Some("sign-in")).await.unwrap();
    assert_eq!(log[0].details, "adress: 203.0.113.9");
    // From anyone but the proxy the header is ignored: the peer is the client.
    let mut other = Client::new(&w);
    let token = login_token(&mut other).await;
    let r = send(
        &w,
        sign_in_request("reader", PASSWORD, &token, "192.0.2.5", Some("203.0.113.9")),
    )
    .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    let log = w.store.audit_log(10, Some("sign-in")).await.unwrap();
    assert_eq!(log[0].details, "adress: 192.0.2.5");
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_is_ignored() {
    let (w, _state) = world_and_state(Config::default()).await;
    let mut c = Client::new(&w);
    let token = login_token(&mut c).await;
    // A client that invents a new X-Forwarded-For on every attempt still hits its limit.
    for i in 0..20 {
        let r = send(
            &w,
            sign_in_request(
                &format!("!{i}"),
                "x",
                &token,
                "192.0.2.5",
                Some(&format!("203.0.113.{i}")),
            ),
        )
        .await;
        assert_eq!(r, StatusCode::UNAUTHORIZED);
    }
    let r = send(
        &w,
        sign_in_request(
            "reader",
            PASSWORD,
            &token,
            "192.0.2.5",
            Some("203.0.113.99"),
        ),
    )
    .await;
    assert_eq!(r, StatusCode::TOO_MANY_REQUESTS);
}

/// A server over an open store (an instance of its own: its own state, limiter and router),
/// and the state, to read its limiter.
fn instance(
    store: std::sync::Arc<dyn nara_store::Store>,
    dir: tempfile::TempDir,
) -> (World, AppState) {
    let state = AppState::new(nara_app::App::new(store.clone()), Config::default());
    let w = World {
        router: nara_server::router(state.clone()),
        store,
        _dir: dir,
        own: String::new(),
        other: String::new(),
    };
    (w, state)
}

/// Two instances on one database: wrong passwords spread over both lock the account on both,
/// a hundred parallel wrong guesses spread over both verify five passwords in all, and a
/// coordinator's reset on one unlocks the account on the other.
async fn limits_hold_across_instances(
    a: std::sync::Arc<dyn nara_store::Store>,
    b: std::sync::Arc<dyn nara_store::Store>,
    dir: tempfile::TempDir,
) {
    use nara_store::Role;
    nara_app::seed_defaults(a.as_ref()).await.unwrap();
    for (name, role) in [
        ("admin", Role::Admin),
        ("reader", Role::Reader),
        ("resp", Role::Reader),
    ] {
        nara_app::users::add(a.as_ref(), name, PASSWORD, role, None, "test")
            .await
            .unwrap();
    }
    let (wa, sa) = instance(a, dir);
    let (wb, sb) = instance(b, tempfile::tempdir().unwrap());
    let (mut ca, mut cb) = (Client::new(&wa), Client::new(&wb));
    for i in 0..5 {
        let c = if i % 2 == 0 { &mut ca } else { &mut cb };
        assert_eq!(
            c.sign_in_with("reader", "fel-lösenord").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Three failures on one, two on the other: locked on both, even for the right password.
    for c in [&mut ca, &mut cb] {
        let r = c.sign_in_with("reader", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("För många misslyckade försök"));
    }
    // A coordinator's new password on instance B unlocks the account on instance A.
    let mut admin = Client::new(&wb);
    admin.sign_in("admin").await;
    let new_pw = admin.reset_password("reader").await;
    assert_eq!(
        ca.sign_in_with("reader", &new_pw).await.status,
        StatusCode::SEE_OTHER
    );
    // 100 wrong guesses at once at another account, half through each instance, each from its
    // own address (so only the account's limit applies): five passwords are verified in all,
    // and then the right one waits too, on both. (No right password among the guesses: a
    // success clears the account's count, in flight or not, and lets five more through.)
    use tower::ServiceExt;
    let (va, vb) = (sa.limiter.verifications(), sb.limiter.verifications());
    let token = login_token(&mut Client::new(&wa)).await;
    let tasks: Vec<_> = (0..100u32)
        .map(|i| {
            let router = if i % 2 == 0 { &wa } else { &wb }.router.clone();
            let req = sign_in_request(
                "resp",
                &format!("gissning-{i}"),
                &token,
                &format!("10.3.0.{i}"),
                None,
            );
            tokio::spawn(async move { router.oneshot(req).await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    assert_eq!(count(StatusCode::UNAUTHORIZED), 5, "{statuses:?}");
    assert_eq!(count(StatusCode::TOO_MANY_REQUESTS), 95, "{statuses:?}");
    let verified = sa.limiter.verifications() - va + sb.limiter.verifications() - vb;
    assert_eq!(verified, 5, "passwords verified over both instances");
    for w in [&wa, &wb] {
        let r = send(
            w,
            sign_in_request("resp", PASSWORD, &token, "10.3.1.1", None),
        )
        .await;
        assert_eq!(r, StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_limits_hold_across_two_instances_on_one_sqlite_file() {
    let (a, dir) = nara_store::testing::sqlite().await;
    let b = nara_store::SqliteStore::open(dir.path().join("t.db"))
        .await
        .unwrap();
    limits_hold_across_instances(a, std::sync::Arc::new(b), dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_limits_hold_across_two_instances_on_one_postgresql_schema() {
    let (url, required) = nara_store::testing::pg_url();
    let schema = nara_store::testing::fresh_schema();
    let a = match nara_store::PgStore::connect(&url, Some(&schema)).await {
        Ok(s) => s,
        Err(e) if !required => {
            eprintln!("NOTICE: PostgreSQL not reachable at {url} ({e}); skipped.");
            return;
        }
        Err(e) => panic!("PostgreSQL at {url} (NARA_TEST_PG_URL) is not reachable: {e}"),
    };
    let b = nara_store::PgStore::connect(&url, Some(&schema))
        .await
        .unwrap();
    limits_hold_across_instances(
        std::sync::Arc::new(a),
        std::sync::Arc::new(b),
        tempfile::tempdir().unwrap(),
    )
    .await;
}

#[tokio::test]
async fn the_sign_in_page_says_whose_service_it_is() {
    let w = crate::support::world().await;
    let mut c = crate::support::Client::new(&w);
    let page = c.get("/logga-in").await;
    assert!(
        page.body
            .contains("För Region Dalarna och länets 15 kommuner."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("självskattning, nyckeltal, aktiviteter och årsrapport")
    );
}

#[tokio::test]
async fn a_respondents_round_picker_opens_only_what_they_may_see() {
    let w = crate::support::world().await;
    let mut c = crate::support::Client::new(&w);
    c.sign_in("resp").await;
    let page = c.get("/omgangar").await;
    let picker = page
        .body
        .split("class=\"round-picker\"")
        .nth(1)
        .and_then(|x| x.split("</details>").next())
        .expect("a round picker");
    let hrefs: Vec<&str> = (picker.split("href=\"").skip(1))
        .filter_map(|x| x.split('"').next())
        .collect();
    assert!(!hrefs.is_empty());
    for h in hrefs {
        let r = c.get(h).await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::OK,
            "{h} opens for the respondent"
        );
    }
    // The open round leads to their own organisation, not to the county (403 for them).
    assert!(
        picker.contains(&format!("/omgangar/2026/org/{}\"", w.own)),
        "{picker}"
    );
}
