//! Sign-in with the organisation's own identity, against real OpenID providers on loopback
//! (started by `scripts/ensure-oidc.sh`): the PyPI `oidc-provider-mock` for the flow, and
//! `scripts/oidc-standin.py`, which signs tokens wrong in one chosen way (by client id), for
//! every refusal. The browser is the router with a cookie jar; the provider's side of the
//! browser is a plain HTTP client that does not follow redirects.

use std::sync::OnceLock;

use axum::http::StatusCode;
use nara_app::sso::Sso;
use nara_core::sso::SsoConfig;

use crate::support::{Client, World, world_with_sso};

const MOCK: &str = "http://127.0.0.1:9400";
const STANDIN: &str = "http://127.0.0.1:9401";
const FAULTS: [&str; 8] = [
    "fel-utfardare",
    "fel-mottagare",
    "fel-signatur",
    "utgangen",
    "fel-nonce",
    "inget-id-token",
    "trasig",
    "alg-none",
];

/// Starts both providers once per test process (installing the mock when missing).
fn providers_up() {
    static UP: OnceLock<bool> = OnceLock::new();
    let ok = *UP.get_or_init(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/ensure-oidc.sh");
        std::process::Command::new("bash")
            .arg(script)
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(
        ok,
        "scripts/ensure-oidc.sh could not start the OpenID providers"
    );
}

/// The providers file: the mock as "Testkommunen" (organisation by `tid`, role by `groups`),
/// and one stand-in provider per fault (and `ok`), fixed to the world's own organisation.
fn config(own: &str) -> String {
    let mut text = format!(
        r#"
[[provider]]
id = "mock"
name = "Testkommunen"
issuer = "{MOCK}"
client_id = "nara-test"
client_secret_env = "NARA_TEST_SSO_SECRET"
scopes = ["profile", "email"]
[provider.organisation]
claim = "tid"
values = {{ "t-own" = "{own}", "t-gotland" = "0980" }}
[provider.role]
claim = "groups"
admin = ["nara-samordnare"]
respondent = ["nara-svarare"]
reader = ["nara-lasare"]
"#
    );
    for id in FAULTS.iter().chain(&["ok", "nyckelbyte"]) {
        text.push_str(&format!(
            "\n[[provider]]\nid = \"{id}\"\nname = \"Stand-in {id}\"\nissuer = \"{STANDIN}\"\n\
             client_id = \"{id}\"\nunknown = \"respondent\"\n[provider.organisation]\nfixed = \"{own}\"\n"
        ));
    }
    // The mock as a public client (no secret): the mock wants client authentication.
    text.push_str(&format!(
        "\n[[provider]]\nid = \"publik\"\nname = \"Publikkommunen\"\nissuer = \"{MOCK}\"\n\
         client_id = \"publik\"\nunknown = \"reader\"\n[provider.organisation]\nfixed = \"20\"\n"
    ));
    text.push_str(
        "\n[[provider]]\nid = \"nere\"\nname = \"Nedkommunen\"\nissuer = \"http://127.0.0.1:9\"\n\
         client_id = \"x\"\nunknown = \"reader\"\n[provider.organisation]\nfixed = \"20\"\n",
    );
    text
}

async fn world() -> World {
    providers_up();
    world_with_sso(|own| {
        let config = SsoConfig::parse(&config(own)).expect("the test's providers file");
        Sso::with_secrets(config, |name| {
            (name == "NARA_TEST_SSO_SECRET").then(|| "hemligt".to_string())
        })
        .expect("secrets")
    })
    .await
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn location(r: &reqwest::Response) -> String {
    (r.headers().get("location"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The path and query of the provider's redirect back to Nära.
fn back_path(url: &str) -> String {
    let at = url.find("/logga-in/svar").expect("back to Nära");
    url[at..].to_string()
}

/// Starts a sign-in at `provider` in the browser `c`; the provider's authorization address.
async fn start(c: &mut Client<'_>, provider: &str) -> String {
    let r = c.get(&format!("/logga-in/sso/{provider}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        c.cookies.contains_key("nara_sso"),
        "the state is kept in a cookie"
    );
    r.location().to_string()
}

/// At the mock: the person `sub` with `claims` signs in; the path back to Nära.
async fn at_mock(authorize: &str, sub: &str, claims: &str) -> String {
    let h = http();
    let put = h
        .put(format!("{MOCK}/users/{sub}"))
        .header("content-type", "application/json")
        .body(claims.to_string())
        .send()
        .await
        .expect("mock answers");
    assert!(put.status().is_success(), "{}", put.status());
    assert!(authorize.starts_with(MOCK), "{authorize}");
    for part in [
        "code_challenge=",
        "code_challenge_method=S256",
        "nonce=",
        "state=",
    ] {
        assert!(authorize.contains(part), "{part} in {authorize}");
    }
    let form = h.get(authorize).send().await.expect("the mock's page");
    assert_eq!(form.status(), 200);
    let r = h
        .post(authorize)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("sub={sub}"))
        .send()
        .await
        .expect("authorized");
    back_path(&location(&r))
}

/// At the stand-in: straight back to Nära (with `claims` in the token).
async fn at_standin(authorize: &str, claims: Option<&str>) -> String {
    let url = match claims {
        Some(c) => format!("{authorize}&claims_json={}", crate::support::enc(c)),
        None => authorize.to_string(),
    };
    let r = http().get(url).send().await.expect("the stand-in answers");
    back_path(&location(&r))
}

/// On Konton (`page`): "Bara samordnare" may sign in with a password.
async fn coordinators_only(c: &mut Client<'_>, page: &str) -> crate::support::Resp {
    let token = Client::csrf(page);
    let form = [
        ("action", "sign-in"),
        ("password_sign_in", "samordnare"),
        ("csrf", token.as_str()),
    ];
    c.post("/admin/anvandare", &form).await
}

fn unique(prefix: &str) -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{prefix}-{n}")
}

#[tokio::test]
async fn a_respondent_signs_in_at_the_provider_and_sees_only_their_organisation() {
    let w = world().await;
    let users_before = w.store.users().await.unwrap().len();
    let mut c = Client::new(&w);
    let login = c.get("/logga-in").await;
    assert!(
        login.body.contains("Logga in med Testkommunen"),
        "the button"
    );
    assert!(login.body.contains(r#"href="/logga-in/sso/mock""#));
    let sub = unique("anna");
    let authorize = start(&mut c, "mock").await;
    let claims = r#"{"tid": "t-own", "groups": ["x", "nara-svarare"], "email": "anna@kommun.se"}"#;
    let back = at_mock(&authorize, &sub, claims).await;
    let r = c.get(&back).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/");
    assert!(
        !c.cookies.contains_key("nara_sso"),
        "the state cookie is gone"
    );
    let user = w
        .store
        .user_by_name("anna@kommun.se")
        .await
        .unwrap()
        .expect("an account");
    assert_eq!(user.role, nara_store::Role::Respondent);
    assert_eq!(user.org.as_ref().map(|o| o.as_str()), Some(w.own.as_str()));
    assert_eq!(w.store.users().await.unwrap().len(), users_before + 1);
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let accounts = admin.get("/admin/anvandare").await.body;
    let row = (accounts.split("anna@kommun.se</th>").nth(1))
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_default();
    assert!(
        row.contains("<td>Testkommunen</td>"),
        "how it signs in: {row}"
    );
    // Only their organisation.
    assert_eq!(
        c.get(&format!("/omgangar/2026/org/{}", w.own)).await.status,
        StatusCode::OK
    );
    let other = c.get(&format!("/omgangar/2026/org/{}", w.other)).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let audit = w.store.audit_log(50, Some("sign-in")).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.actor == "anna@kommun.se" && a.details.contains("leverantör: mock")),
        "{audit:?}"
    );
    // Signing out offers the provider's own sign-out.
    let home = c.get(&format!("/omgangar/2026/org/{}", w.own)).await;
    let token = Client::csrf(&home.body);
    let out = c.post("/logga-ut", &[("csrf", &token)]).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    assert!(
        out.body.contains("Logga ut även från Testkommunen"),
        "{}",
        out.body
    );
    assert!(
        out.body.contains(&format!("{MOCK}/oauth2/end_session")),
        "{}",
        out.body
    );
    assert_eq!(
        c.get("/").await.status,
        StatusCode::SEE_OTHER,
        "signed out of Nära"
    );
    // The next sign-in brings new rights from the rules: the same account, now a reader.
    let authorize = start(&mut c, "mock").await;
    let claims = r#"{"tid": "t-own", "groups": "nara-lasare", "email": "anna@kommun.se"}"#;
    let r = c.get(&at_mock(&authorize, &sub, claims).await).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = w
        .store
        .user_by_name("anna@kommun.se")
        .await
        .unwrap()
        .expect("account");
    assert_eq!((again.id, again.role), (user.id, nara_store::Role::Reader));
    assert_eq!(w.store.users().await.unwrap().len(), users_before + 1);
}

#[tokio::test]
async fn an_answer_from_another_browser_or_a_second_time_is_refused() {
    let w = world().await;
    let mut c = Client::new(&w);
    let sub = unique("bo");
    let authorize = start(&mut c, "mock").await;
    let claims = r#"{"tid": "t-own", "groups": "nara-svarare"}"#;
    let back = at_mock(&authorize, &sub, claims).await;
    // Another browser (no state cookie) brings the answer: refused, and the sign-in is not
    // used up by it.
    let mut stranger = Client::new(&w);
    let r = stranger.get(&back).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body
            .contains("hörde inte till den här webbläsarens inloggning"),
        "{}",
        r.body
    );
    assert!(!stranger.cookies.contains_key("nara_session"));
    // A tampered state in the right browser: refused the same way.
    let state = c.cookies.get("nara_sso").cloned().expect("state cookie");
    let r = c.get(&back.replace(&state, "annat")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("hörde inte till"), "{}", r.body);
    // The right browser signs in once …
    c.cookies.insert("nara_sso".into(), state.clone());
    assert_eq!(c.get(&back).await.status, StatusCode::SEE_OTHER);
    // … and the same answer again is a replay.
    c.cookies.insert("nara_sso".into(), state);
    c.cookies.remove("nara_session");
    let r = c.get(&back).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("redan använts"), "{}", r.body);
    assert!(!c.cookies.contains_key("nara_session"));
}

#[tokio::test]
async fn a_person_the_rules_do_not_place_is_refused_and_nothing_is_stored() {
    let w = world().await;
    let before = w.store.users().await.unwrap().len();
    for (claims, said) in [
        (
            r#"{"tid": "t-okand", "groups": "nara-svarare"}"#,
            "”t-okand”",
        ),
        (r#"{"groups": "nara-svarare"}"#, "uppgiften ”tid” saknas"),
        (
            r#"{"tid": "t-own", "groups": "annat"}"#,
            "ingen roll i Nära",
        ),
        // Mapped to a code Nära does not have.
        (
            r#"{"tid": "t-gotland", "groups": "nara-svarare"}"#,
            "”0980”",
        ),
    ] {
        let mut c = Client::new(&w);
        let authorize = start(&mut c, "mock").await;
        let r = c
            .get(&at_mock(&authorize, &unique("p"), claims).await)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{claims}: {}", r.body);
        assert!(r.body.contains(said), "{said} in {}", r.body);
        assert!(
            r.body.contains("Logga in med Testkommunen"),
            "the sign-in page again"
        );
        assert!(!c.cookies.contains_key("nara_session"));
    }
    assert_eq!(
        w.store.users().await.unwrap().len(),
        before,
        "no account made"
    );
    let refused = w
        .store
        .audit_log(50, Some("sign-in.sso.refused"))
        .await
        .unwrap();
    assert_eq!(refused.len(), 4);
}

#[tokio::test]
async fn every_faulty_token_is_refused_with_its_own_sentence() {
    let w = world().await;
    let before = w.store.users().await.unwrap().len();
    let mut said = Vec::new();
    for fault in FAULTS {
        let mut c = Client::new(&w);
        let authorize = start(&mut c, fault).await;
        let r = c.get(&at_standin(&authorize, None).await).await;
        assert!(
            matches!(r.status, StatusCode::BAD_REQUEST | StatusCode::BAD_GATEWAY),
            "{fault}: {} {}",
            r.status,
            r.body
        );
        assert!(!c.cookies.contains_key("nara_session"), "{fault}");
        let sentence = (r.body.split("id=\"fel\">").nth(1))
            .and_then(|s| s.split('<').next())
            .unwrap_or_default()
            .to_string();
        said.push((fault, sentence));
    }
    let expect = [
        ("fel-utfardare", "fel utfärdare"),
        ("fel-mottagare", "annan tjänst än Nära"),
        ("fel-signatur", "signatur stämmer inte"),
        ("utgangen", "har gått ut"),
        ("fel-nonce", "hörde till en annan inloggning"),
        ("inget-id-token", "ingen identitetshandling"),
        ("trasig", "svarar inte som väntat"),
        ("alg-none", "godtas inte"),
    ];
    for ((fault, sentence), (f, needle)) in said.iter().zip(expect) {
        assert_eq!(*fault, f);
        assert!(sentence.contains(needle), "{fault}: {sentence}");
        assert!(
            !sentence.contains("Error") && !sentence.contains("panic"),
            "{sentence}"
        );
    }
    let distinct: std::collections::BTreeSet<&String> = said.iter().map(|(_, s)| s).collect();
    assert_eq!(
        distinct.len(),
        said.len(),
        "a sentence of its own each: {said:?}"
    );
    assert_eq!(
        w.store.users().await.unwrap().len(),
        before,
        "no account made"
    );
    // The same stand-in with a correct token signs in.
    let mut c = Client::new(&w);
    let authorize = start(&mut c, "ok").await;
    let claims = format!(
        r#"{{"sub": "{}", "name": "Stina Standin"}}"#,
        unique("stina")
    );
    let r = c.get(&at_standin(&authorize, Some(&claims)).await).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        w.store
            .user_by_name("stina standin")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_provider_that_rolls_its_keys_is_followed() {
    // The stand-in signs this client's token with a key it publishes only as it issues the
    // token: the keys Nära fetched when the sign-in began lack it, so Nära must fetch them again.
    let w = world().await;
    let mut c = Client::new(&w);
    let authorize = start(&mut c, "nyckelbyte").await;
    let claims = format!(
        r#"{{"sub": "{}", "email": "rulle@kommun.se"}}"#,
        unique("rulle")
    );
    let r = c.get(&at_standin(&authorize, Some(&claims)).await).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let user = w.store.user_by_name("rulle@kommun.se").await.unwrap();
    assert!(user.is_some(), "signed in with the rolled key");
}

#[tokio::test]
async fn a_provider_that_is_down_is_said_plainly() {
    let w = world().await;
    let mut c = Client::new(&w);
    let r = c.get("/logga-in/sso/nere").await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert!(
        r.body.contains("Nedkommunen svarar inte som väntat"),
        "{}",
        r.body
    );
    let r = c.get("/logga-in/sso/finns-inte").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("ingen sådan inloggning"), "{}", r.body);
    // A provider that does not accept Nära's client: said so, not "down".
    let authorize = start(&mut c, "publik").await;
    let r = c.get(&at_mock(&authorize, &unique("p"), "{}").await).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert!(
        r.body.contains("Publikkommunen känner inte igen Nära"),
        "{}",
        r.body
    );
    // An answer with no sign-in started.
    let r = c.get("/logga-in/svar?code=x&state=y").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// Every start keeps a row in the store until the provider answers, so one address may start
/// only so many in a quarter of an hour; a sign-in already started still finishes.
#[tokio::test]
async fn a_flood_of_starts_from_one_address_is_held_back_in_swedish() {
    let w = world().await;
    let mut c = Client::new(&w);
    let first = start(&mut c, "mock").await;
    let state = c.cookies.get("nara_sso").cloned().expect("state cookie");
    for _ in 1..nara_server::auth::MAX_SSO_STARTS_PER_ADDRESS {
        start(&mut c, "ok").await;
    }
    let r = c.get("/logga-in/sso/mock").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body
            .contains("För många inloggningar har påbörjats från din adress"),
        "{}",
        r.body
    );
    // An unknown provider is not counted, and is still said to be unknown.
    assert_eq!(
        c.get("/logga-in/sso/finns-inte").await.status,
        StatusCode::NOT_FOUND
    );
    // The first start, answered now, signs the person in.
    let back = at_mock(
        &first,
        &unique("flod"),
        r#"{"tid": "t-own", "groups": "nara-svarare"}"#,
    )
    .await;
    c.cookies.insert("nara_sso".into(), state);
    assert_eq!(c.get(&back).await.status, StatusCode::SEE_OTHER);
    assert!(c.cookies.contains_key("nara_session"));
}

#[tokio::test]
async fn password_sign_in_can_be_left_to_the_coordinators() {
    let w = world().await;
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let page = admin.get("/admin/anvandare").await;
    assert!(
        page.body.contains("Testkommunen"),
        "the providers are named"
    );
    assert!(
        page.body.contains("/logga-in/svar"),
        "the address to register"
    );
    // A respondent signed in with a password before the change is signed out by it.
    let mut before = Client::new(&w);
    before.sign_in("resp").await;
    let signed_in = |r: &crate::support::Resp| !r.location().starts_with("/logga-in");
    assert!(signed_in(&before.get("/").await));
    let r = coordinators_only(&mut admin, &page.body).await;
    assert!(r.body.contains("Nu kan bara samordnare"), "{}", r.body);
    assert!(
        r.body
            .contains("En öppen inloggning med lösenord avslutades."),
        "{}",
        r.body
    );
    assert!(!signed_in(&before.get("/").await), "signed out");
    assert!(signed_in(&admin.get("/").await), "the coordinator stays");
    assert_eq!(admin.get("/admin/anvandare").await.status, StatusCode::OK);
    // A respondent with the right password is told to use the organisation's sign-in.
    let mut resp = Client::new(&w);
    let r = resp.sign_in_with("resp", crate::support::PASSWORD).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body
            .contains("Inloggning med lösenord är avstängd för ditt konto"),
        "{}",
        r.body
    );
    assert!(!resp.cookies.contains_key("nara_session"));
    // A wrong password says only that.
    let r = resp.sign_in_with("resp", "fel-losenord-123").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The coordinator's break-glass account still signs in.
    let mut again = Client::new(&w);
    again.sign_in("admin").await;
    let audit = w
        .store
        .audit_log(10, Some("settings.password"))
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
}

#[tokio::test]
async fn passwords_are_not_turned_off_without_a_coordinator_who_has_one() {
    let w = world().await;
    // The only local coordinator has no password any more; a coordinator signs in at the
    // provider (the rules make `nara-samordnare` an admin, without an organisation).
    let admin = w.store.user_by_name("admin").await.unwrap().expect("admin");
    w.store.set_password(admin.id, "").await.unwrap();
    let mut c = Client::new(&w);
    let authorize = start(&mut c, "mock").await;
    let claims = r#"{"tid": "t-own", "groups": ["nara-samordnare"], "email": "sam@region.se"}"#;
    let r = c
        .get(&at_mock(&authorize, &unique("sam"), claims).await)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let sam = w
        .store
        .user_by_name("sam@region.se")
        .await
        .unwrap()
        .expect("account");
    assert_eq!((sam.role, sam.org), (nara_store::Role::Admin, None));
    let page = c.get("/admin/anvandare").await;
    assert_eq!(page.status, StatusCode::OK);
    let r = coordinators_only(&mut c, &page.body).await;
    assert!(
        r.body.contains("inget aktivt samordnarkonto med lösenord"),
        "{}",
        r.body
    );
    assert_eq!(
        w.store.password_sign_in().await.unwrap(),
        nara_core::sso::PasswordSignIn::Everyone
    );
}

#[tokio::test]
async fn passwords_are_not_turned_off_where_no_provider_is_configured() {
    let w = crate::support::world().await;
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let page = admin.get("/admin/anvandare").await;
    assert!(
        page.body.contains("nara serve --sso FIL"),
        "says how it is set up"
    );
    let r = coordinators_only(&mut admin, &page.body).await;
    assert!(r.body.contains("inte inställd"), "{}", r.body);
    assert_eq!(
        w.store.password_sign_in().await.unwrap(),
        nara_core::sso::PasswordSignIn::Everyone
    );
}
