//! A server over a temporary database with the demo, accounts for each role, and a client
//! that keeps its cookies.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use nara_app::report::RoundReport;
use nara_core::{AnswerSet, Instrument, OrgCode, Response, RoundId, UnitName};
use nara_server::{AppState, Config};
use nara_store::Role;
use nara_store::Store;
use tower::ServiceExt;

pub const PASSWORD: &str = "ett-bra-losenord-1";

/// A unit's own answer (no rater, not the consensus) on the default instrument, with `set`.
pub fn unit_answer(round: &str, org: &str, unit: &str, set: AnswerSet) -> Response {
    let inst = Instrument::dalarna();
    Response {
        round: RoundId::parse(round).unwrap(),
        org: OrgCode::parse(org).unwrap(),
        unit: UnitName::parse(unit).unwrap(),
        rater: String::new(),
        participants: String::new(),
        date: String::new(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        consensus: false,
        set,
    }
}

/// Every statement of the default instrument answered with `level`.
pub fn all_at(level: u8) -> AnswerSet {
    let mut set = AnswerSet::default();
    for (_, st) in Instrument::dalarna().statements() {
        set.answers
            .insert(st.id.clone(), nara_core::Answer::Level(level));
    }
    set
}

pub struct World {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub _dir: tempfile::TempDir,
    /// An organisation that answered the open round 2026 and the published 2025 (the
    /// respondent's own), and another one that did too.
    pub own: String,
    pub other: String,
}

pub async fn world_with(config: Config) -> World {
    let (store, dir) = nara_store::testing::sqlite().await;
    world_on(store, dir, config).await
}

/// The world with the store keeping time by `clock` (set or advance it instead of sleeping).
pub async fn world_at(clock: Arc<nara_store::ManualClock>, config: Config) -> World {
    let (store, dir) = nara_store::testing::sqlite_at(clock).await;
    world_on(store, dir, config).await
}

/// The same world on PostgreSQL (a fresh schema), or `None` when it does not answer and is not
/// required (see `nara_store::testing`).
pub async fn world_on_postgres() -> Option<World> {
    let store = nara_store::testing::postgres().await?;
    Some(world_on(store, tempfile::tempdir().unwrap(), Config::default()).await)
}

async fn world_on(store: Arc<dyn Store>, dir: tempfile::TempDir, config: Config) -> World {
    world_signing_in(store, dir, config, |_| nara_app::sso::Sso::none()).await
}

/// The world with identity providers, made from the world's own organisation code.
pub async fn world_with_sso(sso: impl FnOnce(&str) -> nara_app::sso::Sso) -> World {
    let (store, dir) = nara_store::testing::sqlite().await;
    world_signing_in(store, dir, Config::default(), sso).await
}

async fn world_signing_in(
    store: Arc<dyn Store>,
    dir: tempfile::TempDir,
    config: Config,
    sso: impl FnOnce(&str) -> nara_app::sso::Sso,
) -> World {
    nara_app::seed_defaults(store.as_ref()).await.unwrap();
    nara_app::demo::run(store.as_ref(), &nara_app::demo::Options::default())
        .await
        .unwrap();
    let r26 = report(&store, "2026").await;
    let r25 = report(&store, "2025").await;
    let both: Vec<String> = r26
        .organisations
        .iter()
        .map(|o| o.code.to_string())
        .filter(|c| r25.org(c).is_some())
        .collect();
    let (own, other) = (both[0].clone(), both[1].clone());
    for (name, role, org) in [
        ("admin", Role::Admin, None),
        ("resp", Role::Respondent, Some(own.as_str())),
        ("reader", Role::Reader, None),
    ] {
        let org = org.map(|o| OrgCode::parse(o).unwrap());
        nara_app::users::add(store.as_ref(), name, PASSWORD, role, org.as_ref(), "test")
            .await
            .unwrap();
    }
    let state = AppState::new(nara_app::App::new(store.clone()), config).with_sso(sso(&own));
    let router = nara_server::router(state);
    World {
        router,
        store,
        _dir: dir,
        own,
        other,
    }
}

pub async fn world() -> World {
    world_with(Config::default()).await
}

pub async fn report(store: &Arc<dyn Store>, round: &str) -> RoundReport {
    nara_app::report::round_report(store.as_ref(), RoundId::parse(round).unwrap(), None)
        .await
        .unwrap()
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (a workbook is not text).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A browser: sends requests through the router and keeps cookies.
pub struct Client<'a> {
    pub world: &'a World,
    pub cookies: BTreeMap<String, String>,
}

impl<'a> Client<'a> {
    pub fn new(world: &'a World) -> Self {
        Self {
            world,
            cookies: BTreeMap::new(),
        }
    }

    pub async fn send(&mut self, req: Request<Body>) -> Resp {
        let mut req = req;
        if !self.cookies.is_empty() {
            let c = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let resp = self.world.router.clone().oneshot(req).await.unwrap();
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let (kv, attrs) = s.split_once(';').unwrap_or((s, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// The CSRF token in a page's form.
    pub fn csrf(page: &str) -> String {
        let at = page
            .find(r#"name="csrf" value=""#)
            .expect("a form with a CSRF token");
        let rest = &page[at + r#"name="csrf" value=""#.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    pub async fn sign_in_with(&mut self, user: &str, password: &str) -> Resp {
        let page = self.get("/logga-in").await;
        let token = Self::csrf(&page.body);
        self.post(
            "/logga-in",
            &[("username", user), ("password", password), ("csrf", &token)],
        )
        .await
    }

    /// As a signed-in coordinator: a new password for `user` from the accounts page (which
    /// shows it once).
    pub async fn reset_password(&mut self, user: &str) -> String {
        let token = Self::csrf(&self.get("/admin/anvandare").await.body);
        let form = [("action", "password"), ("username", user), ("csrf", &token)];
        let r = self.post("/admin/anvandare", &form).await;
        r.body
            .split(&format!("Nytt lösenord för {user}: "))
            .nth(1)
            .and_then(|x| x.split(' ').next())
            .expect("a new password")
            .to_string()
    }

    pub async fn sign_in(&mut self, user: &str) {
        let r = self.sign_in_with(user, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text a downloaded file holds: a CSV as it is, the text between the tags of an xlsx's XML
/// parts (cells, shared strings, charts; no cell references), one piece a line.
pub fn download_text(bytes: &[u8]) -> String {
    if !bytes.starts_with(b"PK") {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().unwrap().ends_with(".xml") {
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut f, &mut xml).unwrap();
            for piece in xml.split('<').filter_map(|p| p.split_once('>')) {
                if !piece.1.trim().is_empty() {
                    text.push_str(piece.1);
                    text.push('\n');
                }
            }
        }
    }
    text
}

/// The sheets of an xlsx download holding activities and plans: their dates, plan names and
/// parties are the organisations' own records, checked apart from the results.
pub const ACTIVITY_SHEETS: [&str; 2] = ["Aktiviteter", "Lokala planer"];

/// The text of a download as [`download_text`], but of a workbook only the cells of the sheets
/// not in `skip` (read with calamine), one cell per line.
pub fn download_text_without(bytes: &[u8], skip: &[&str]) -> String {
    use calamine::Reader;
    if !bytes.starts_with(b"PK") {
        return download_text(bytes);
    }
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut text = String::new();
    for name in wb.sheet_names() {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let range = wb.worksheet_range(&name).unwrap();
        for cell in range.used_cells() {
            text.push_str(&cell.2.to_string());
            text.push('\n');
        }
    }
    text
}

/// The cells of one sheet of an xlsx download, one per line.
pub fn sheet_cells(bytes: &[u8], sheet: &str) -> Vec<String> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range.used_cells().map(|c| c.2.to_string()).collect()
}
