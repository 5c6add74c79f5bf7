//! The HTML pages. Each handler loads through `nara-app`, checks access (`crate::access`),
//! turns core's numbers into text (decimal comma, "för få svar", band as text beside its
//! colour) and renders an askama template from `templates/`.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use nara_app::report::{OrgReport, RoundReport};
use nara_core::scoring::Change;
use nara_core::{Instrument, OrgCode, Round, RoundId, fmt};
use serde::Deserialize;

use crate::AppState;
use crate::access::{county_visible, need_county, need_org, org_visible, round_visible};
use crate::auth::{self, ClientAddr, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer};
use crate::error::{AppError, AppResult};
use crate::svg::{self, Bar, Series};

/// A link in the breadcrumbs or a menu.
pub struct Link {
    /// Where.
    pub href: String,
    /// What it says.
    pub label: String,
}

fn link(href: impl Into<String>, label: impl Into<String>) -> Link {
    Link {
        href: href.into(),
        label: label.into(),
    }
}

/// What every signed-in page shows around its content.
pub struct Layout {
    /// The page title.
    pub title: String,
    /// The signed-in user's name.
    pub user: String,
    /// Their role, in Swedish.
    pub role: String,
    /// The session's CSRF token (for the sign-out form).
    pub csrf: String,
    /// Breadcrumbs, the last one the current page.
    pub crumbs: Vec<Link>,
    /// The round selector: the visible rounds, and the current one.
    pub rounds: Vec<Link>,
    /// The current round's id, if any.
    pub round: String,
    /// Whether the viewer is the coordinator.
    pub admin: bool,
    /// Whether the viewer may make answer links (coordinator, respondent).
    pub can_link: bool,
}

/// Percent-encodes a path segment.
pub fn seg(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The frame of a page for a viewer: the menu, the round selector, breadcrumbs.
pub async fn layout_for(
    state: &AppState,
    v: &Viewer,
    title: &str,
    round: Option<&Round>,
    crumbs: Vec<Link>,
) -> AppResult<Layout> {
    // The menu may use the request's snapshot (taken a moment ago) rather than ask again.
    let rounds = match state.reports.current() {
        Some(s) => s.rounds.clone(),
        None => state.store.rounds().await?,
    }
    .into_iter()
    .rev()
    .filter(|r| round_visible(v, r))
    .map(|r| {
        link(
            format!("/omgangar/{}", r.id),
            format!("{} ({})", r.id, r.status.label()),
        )
    })
    .collect();
    Ok(Layout {
        title: title.to_string(),
        user: v.user.username.clone(),
        role: v.role_label().to_string(),
        csrf: v.csrf.clone(),
        crumbs,
        rounds,
        round: round.map(|r| r.id.to_string()).unwrap_or_default(),
        admin: v.is_admin(),
        can_link: v.is_admin() || v.org().is_some(),
    })
}

/// Loads a round the viewer may see; an invisible round is "not found", so its existence is
/// not revealed.
async fn visible_round(state: &AppState, v: &Viewer, id: &str) -> AppResult<(Round, Instrument)> {
    let not_found = || AppError::NotFound(format!("Omgången {id} finns inte."));
    let rid = RoundId::parse(id).map_err(|_| not_found())?;
    // The one stamp query of the request: the round, its instrument and (later in the handler)
    // the cached results come from this snapshot.
    let snap = state.reports.snapshot(state.store.as_ref()).await?;
    let round = snap.round(rid).ok_or_else(not_found)?;
    let inst = snap.instrument_of(round).ok_or_else(not_found)?;
    if !round_visible(v, round) {
        return Err(not_found());
    }
    Ok((round.clone(), inst.clone()))
}

fn org_code(code: &str) -> AppResult<OrgCode> {
    OrgCode::parse(code)
        .map_err(|_| AppError::NotFound(format!("Organisationen {code} finns inte.")))
}

/// A score cell: the value, the band as text and as a colour class.
pub struct Cell {
    /// `3,25` or "för få svar".
    pub text: String,
    /// `Styrka`; empty when unscored.
    pub band: String,
    /// `band-styrka`; empty when unscored.
    pub class: String,
    /// The change since the previous round, as text (`↑ +0,50 förbättrad`); empty when none.
    pub change: String,
}

impl Cell {
    /// The cell as a `<td>`: a colour swatch (hidden from screen readers), the value, the band
    /// in words, and the change; all text escaped.
    pub fn html(&self) -> String {
        if self.class.is_empty() {
            return format!(r#"<td class="num missing">{}</td>"#, svg::esc(&self.text));
        }
        let change = if self.change.is_empty() {
            String::new()
        } else {
            format!(
                r#"<br><span class="change">{}</span>"#,
                svg::esc(&self.change)
            )
        };
        format!(
            r#"<td class="num"><span class="swatch {}" aria-hidden="true"></span>{} <span class="band">{}</span>{change}</td>"#,
            svg::esc(&self.class),
            svg::esc(&self.text),
            svg::esc(&self.band)
        )
    }
}

fn band_class(id: &str) -> String {
    format!(
        "band-{}",
        id.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    )
}

fn cell(inst: &Instrument, score: Option<f64>, change: Option<&Change>) -> Cell {
    let band = score.map(|s| inst.band(s));
    Cell {
        text: fmt::score(score),
        band: band.map(|b| b.label.clone()).unwrap_or_default(),
        class: band.map(|b| band_class(&b.id)).unwrap_or_default(),
        change: change.map(change_text).unwrap_or_default(),
    }
}

/// An index cell: like [`cell`], but "inget index" where too few areas are scored (the page
/// says why once, see [`no_index_note`]).
fn index_cell(inst: &Instrument, index: Option<f64>, change: Option<&Change>) -> Cell {
    Cell {
        text: fmt::index(index),
        ..cell(inst, index, change)
    }
}

/// The sentence under a table with an index column: why an index is missing, said once;
/// `specific` (the reason for the table's own total) wins over the general rule. Empty when
/// every index is there.
fn no_index_note(inst: &Instrument, specific: Option<String>, any_missing: bool) -> String {
    specific
        .or_else(|| any_missing.then(|| nara_core::scoring::no_index_rule(inst)))
        .unwrap_or_default()
}

/// `↑ +0,50 (förbättrad)`.
pub fn change_text(c: &Change) -> String {
    format!(
        "{} {} ({})",
        c.direction.arrow(),
        fmt::signed(c.delta, 2),
        c.direction.label()
    )
}

/// The legend of the bands.
pub struct LegendItem {
    /// The label.
    pub label: String,
    /// The class.
    pub class: String,
    /// The range in words.
    pub range: String,
}

fn legend(inst: &Instrument) -> Vec<LegendItem> {
    let bands = &inst.scoring.bands;
    bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let from = b.from.or(inst.scale_min()).unwrap_or(0.0);
            let range = match bands.get(i + 1).and_then(|n| n.from) {
                Some(to) => format!("{}–{}", fmt::decimal(from, 1), fmt::decimal(to, 1)),
                None => format!("från {}", fmt::decimal(from, 1)),
            };
            LegendItem {
                label: b.label.clone(),
                class: band_class(&b.id),
                range,
            }
        })
        .collect()
}

// ---------------------------------------------------------------- sign-in

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// What went wrong last time.
    pub error: String,
    /// The double-submit token.
    pub csrf: String,
    /// The name typed last time.
    pub username: String,
}

/// `GET /logga-in`.
pub async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if auth::session_user(&state, &headers).await?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    login_page(&state, "", "", StatusCode::OK)
}

fn login_page(
    state: &AppState,
    error: &str,
    username: &str,
    status: StatusCode,
) -> AppResult<Response> {
    let token = nara_app::users::random_token(16)?;
    let page = LoginPage {
        error: error.into(),
        csrf: token.clone(),
        username: username.into(),
    };
    let mut resp = (status, Html(page.render()?)).into_response();
    auth::add_cookie(
        resp.headers_mut(),
        auth::set_cookie(state, LOGIN_CSRF_COOKIE, &token, None),
    );
    Ok(resp)
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /logga-in`. A name that cannot be an account's, or a password over 1,024 bytes, is
/// refused at once (counted against the address, nothing hashed). Otherwise the attempt is
/// counted against the account and the address *before* the password is verified, and given
/// back only when it succeeds, so parallel guesses cannot exceed the limit. Logs and the audit
/// get at most 64 characters of the name, without control characters.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    use nara_app::users;
    const WRONG: &str = "Fel användarnamn eller lösenord.";
    const LIMITED: &str = "För många misslyckade försök. Vänta en kvart och försök igen, eller be samordnaren återställa lösenordet.";
    let expected = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || expected != form.csrf {
        return Err(auth::csrf_error());
    }
    let name = form.username.trim();
    let shown = users::loggable_name(name);
    let limited = |first: bool| {
        if first {
            tracing::warn!(user = %shown, %addr, "sign-in rate limited");
        } else {
            tracing::debug!(user = %shown, %addr, "sign-in rate limited");
        }
        login_page(&state, LIMITED, &shown, StatusCode::TOO_MANY_REQUESTS)
    };
    if !users::valid_username(name) || form.password.len() > users::MAX_PASSWORD_BYTES {
        if let auth::Reservation::Refused { first } = state.limiter.reserve_address(&addr) {
            return limited(first);
        }
        let _ = state
            .store
            .audit(
                &shown,
                "sign-in.failed",
                &shown,
                &format!("adress: {addr}; ogiltigt användarnamn eller för långt lösenord"),
            )
            .await;
        return login_page(&state, WRONG, &shown, StatusCode::UNAUTHORIZED);
    }
    let user = state.store.user_by_name(name).await?;
    let ticket = match state
        .limiter
        .reserve(&auth::Account::of(name, user.as_ref()), &addr)
    {
        auth::Reservation::Go(t) => t,
        auth::Reservation::Refused { first } => return limited(first),
    };
    state.limiter.count_verification();
    match users::check_sign_in(user, &form.password).await {
        Some(user) => {
            state.limiter.succeeded(ticket);
            // A new session id at every sign-in; the old one, if any, ends.
            if let Some(old) = auth::cookie(&headers, SESSION_COOKIE) {
                let _ = state.store.delete_session(&auth::hash_id(&old)).await;
            }
            let id = auth::start_session(&state, &user).await?;
            state
                .store
                .audit(
                    &user.username,
                    "sign-in",
                    &user.username,
                    &format!("adress: {addr}"),
                )
                .await?;
            let mut resp = Redirect::to("/").into_response();
            auth::add_cookie(
                resp.headers_mut(),
                auth::set_cookie(&state, SESSION_COOKIE, &id, None),
            );
            auth::add_cookie(
                resp.headers_mut(),
                auth::set_cookie(
                    &state,
                    LOGIN_CSRF_COOKIE,
                    "",
                    Some(std::time::Duration::ZERO),
                ),
            );
            Ok(resp)
        }
        None => {
            // The reservation stays: it is the failure.
            drop(ticket);
            let _ = state
                .store
                .audit(&shown, "sign-in.failed", &shown, &format!("adress: {addr}"))
                .await;
            login_page(&state, WRONG, &shown, StatusCode::UNAUTHORIZED)
        }
    }
}

/// A form that only carries the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logga-ut`.
pub async fn logout(
    State(state): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    v.check_csrf(&f.csrf)?;
    if let Some(id) = auth::cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(&auth::hash_id(&id)).await?;
    }
    let mut resp = Redirect::to("/logga-in").into_response();
    auth::add_cookie(
        resp.headers_mut(),
        auth::set_cookie(&state, SESSION_COOKIE, "", Some(std::time::Duration::ZERO)),
    );
    Ok(resp)
}

/// `GET /`: the newest round the viewer may see that has answers (at the level they may see:
/// the county, or their own organisation), else the newest they may see at all; never a fresh
/// draft or an empty round when there is one with results.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let Some(v) = auth::session_user(&state, &headers).await? else {
        return Ok(Redirect::to("/logga-in").into_response());
    };
    let snap = crate::snap(&state).await?;
    let visible: Vec<&Round> = snap
        .rounds
        .iter()
        .rev()
        .filter(|r| round_visible(&v, r))
        .collect();
    let mut newest = visible.first().copied();
    for r in &visible {
        let county = county_visible(&v, r);
        let own = if county { None } else { v.org() };
        if !county && own.is_none() {
            continue;
        }
        let rep = state
            .reports
            .report(
                state.store.as_ref(),
                &snap,
                r.id,
                own,
                crate::access::audience(&v, r).earlier,
            )
            .await?;
        if !rep.organisations.is_empty() {
            newest = Some(r);
            break;
        }
    }
    Ok(match newest {
        Some(r) if county_visible(&v, r) => Redirect::to(&format!("/omgangar/{}", r.id)),
        Some(r) => match v.org() {
            Some(o) => Redirect::to(&format!("/omgangar/{}/org/{}", r.id, o)),
            None => Redirect::to("/omgangar"),
        },
        None => Redirect::to("/omgangar"),
    }
    .into_response())
}

// ---------------------------------------------------------------- rounds

/// One row of the rounds page.
pub struct RoundRow {
    /// The id.
    pub id: String,
    /// Its status in Swedish.
    pub status: String,
    /// What the status means.
    pub meaning: String,
    /// The instrument.
    pub instrument: String,
    /// `12 av 16`, or empty when the viewer may not see the county.
    pub answered: String,
    /// Units that answered.
    pub units: String,
    /// Where its overview is.
    pub href: String,
    /// The status changes the coordinator can make now: (status code, button text).
    pub actions: Vec<(String, String)>,
}

/// The rounds page.
#[derive(Template)]
#[template(path = "rounds.html")]
pub struct RoundsPage {
    /// The frame.
    pub layout: Layout,
    /// The rounds, newest first.
    pub rows: Vec<RoundRow>,
    /// What just happened.
    pub notice: String,
    /// What went wrong (beside the form).
    pub error: String,
    /// The id typed in the new-round form.
    pub new_id: String,
    /// Instruments to choose for a new round: (`id@version`, label).
    pub instruments: Vec<(String, String)>,
}

fn meaning(s: nara_core::RoundStatus) -> &'static str {
    match s {
        nara_core::RoundStatus::Draft => "förbereds; ingen kan svara än",
        nara_core::RoundStatus::Open => "organisationerna svarar; resultaten är preliminära",
        nara_core::RoundStatus::Closed => "svaren är inne; resultaten granskas",
        nara_core::RoundStatus::Published => "resultaten är klara och synliga för alla",
    }
}

fn actions(s: nara_core::RoundStatus) -> Vec<(String, String)> {
    use nara_core::RoundStatus as R;
    let a = |code: &str, label: &str| (code.to_string(), label.to_string());
    match s {
        R::Draft => vec![a("open", "Öppna för svar")],
        R::Open => vec![a("closed", "Stäng")],
        R::Closed => vec![a("published", "Publicera"), a("open", "Öppna igen")],
        R::Published => vec![a("closed", "Ta tillbaka publiceringen")],
    }
}

/// Renders the rounds page, with a notice or an error from the last action.
pub async fn rounds_page(
    state: &AppState,
    v: &Viewer,
    error: Option<String>,
    new_id: Option<&str>,
) -> AppResult<Html<String>> {
    rounds_page_with(
        state,
        v,
        String::new(),
        error.unwrap_or_default(),
        new_id.unwrap_or_default(),
    )
    .await
}

async fn rounds_page_with(
    state: &AppState,
    v: &Viewer,
    notice: String,
    error: String,
    new_id: &str,
) -> AppResult<Html<String>> {
    let s = state.store.as_ref();
    let orgs = s.organisations().await?.len();
    let mut rows = Vec::new();
    for r in s
        .rounds()
        .await?
        .into_iter()
        .rev()
        .filter(|r| round_visible(v, r))
    {
        let (answered, units) = if county_visible(v, &r) {
            let t = nara_app::report::response_tracking(s, r.id).await?;
            let done = t
                .organisations
                .iter()
                .filter(|o| !o.units.is_empty())
                .count();
            let units: usize = t.organisations.iter().map(|o| o.units.len()).sum();
            (format!("{done} av {orgs}"), units.to_string())
        } else {
            (String::new(), String::new())
        };
        let href = if county_visible(v, &r) {
            format!("/omgangar/{}", r.id)
        } else {
            v.org()
                .map_or_else(String::new, |o| format!("/omgangar/{}/org/{o}", r.id))
        };
        rows.push(RoundRow {
            id: r.id.to_string(),
            status: r.status.label().to_string(),
            meaning: meaning(r.status).to_string(),
            instrument: format!("{} {}", r.instrument_id, r.instrument_version),
            answered,
            units,
            href,
            actions: if v.is_admin() {
                actions(r.status)
            } else {
                Vec::new()
            },
        });
    }
    let instruments = if v.is_admin() {
        s.instruments()
            .await?
            .into_iter()
            .rev()
            .map(|i| {
                (
                    format!("{}@{}", i.id, i.version),
                    format!("{} (version {})", i.name, i.version),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let layout = layout_for(
        state,
        v,
        "Omgångar",
        None,
        vec![link("/omgangar", "Omgångar")],
    )
    .await?;
    Ok(Html(
        RoundsPage {
            layout,
            rows,
            notice,
            error,
            new_id: new_id.to_string(),
            instruments,
        }
        .render()?,
    ))
}

/// What a redirect after an action says: a fixed key and the round it concerns.
#[derive(Deserialize)]
pub struct Notice {
    #[serde(default)]
    klart: String,
    #[serde(default)]
    omgang: String,
}

/// The notices the rounds page knows; anything else in `?klart=` is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKey {
    /// A round was created.
    Created,
    /// A round's status changed.
    Status,
}

impl NoticeKey {
    /// The key in the address.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKey::Created => "skapad",
            NoticeKey::Status => "status",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        [NoticeKey::Created, NoticeKey::Status]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The sentence for a notice, from the round as stored now.
fn notice_text(key: NoticeKey, round: &Round) -> String {
    match key {
        NoticeKey::Created => format!("Omgången {} är skapad som utkast.", round.id),
        NoticeKey::Status => format!("Omgången {} är nu {}.", round.id, round.status.label()),
    }
}

/// `GET /omgangar`.
pub async fn rounds(
    State(state): State<AppState>,
    v: Viewer,
    axum::extract::Query(n): axum::extract::Query<Notice>,
) -> AppResult<Html<String>> {
    // Only the coordinator's own actions redirect here with a notice.
    let mut notice = String::new();
    if v.is_admin()
        && let (Some(key), Ok(id)) = (NoticeKey::parse(&n.klart), RoundId::parse(&n.omgang))
        && let Some(round) = crate::snap(&state).await?.round(id)
    {
        notice = notice_text(key, round);
    }
    rounds_page_with(&state, &v, notice, String::new(), "").await
}

// ---------------------------------------------------------------- county

/// One organisation's row in the heat map.
pub struct OrgRow {
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// Its page.
    pub href: String,
    /// Units that answered.
    pub units: usize,
    /// The index.
    pub index: Cell,
    /// One cell per area.
    pub cells: Vec<Cell>,
}

/// A row of statistics.
pub struct StatRow {
    /// What (`Medel`).
    pub label: String,
    /// The overall value.
    pub overall: String,
    /// One per area.
    pub cells: Vec<String>,
}

/// An area heading.
pub struct AreaHead {
    /// `D1`.
    pub id: String,
    /// The name.
    pub name: String,
    /// Its page.
    pub href: String,
}

/// A row of a chart's data table.
pub struct DataRow {
    /// The area.
    pub label: String,
    /// The values, one per series.
    pub values: Vec<String>,
}

/// The county overview.
#[derive(Template)]
#[template(path = "county.html")]
pub struct CountyPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// Whether the numbers may still change.
    pub preliminary: bool,
    /// The round's status.
    pub status: String,
    /// The previous round, if any.
    pub previous: String,
    /// The areas.
    pub areas: Vec<AreaHead>,
    /// The organisations.
    pub rows: Vec<OrgRow>,
    /// Mean, median, min, max.
    pub stats: Vec<StatRow>,
    /// Why an index is missing, said once under the table; empty when none is.
    pub no_index: String,
    /// The county mean's change per area.
    pub county_change: Vec<String>,
    /// How many organisations were scored / answered / exist.
    pub answered: String,
    /// Organisations that have not answered.
    pub not_answered: Vec<String>,
    /// The radar (SVG).
    pub radar: String,
    /// The radar's series names.
    pub series: Vec<String>,
    /// The radar's numbers.
    pub radar_rows: Vec<DataRow>,
    /// The band legend.
    pub legend: Vec<LegendItem>,
}

fn heat_row(inst: &Instrument, round: &str, o: &OrgReport) -> OrgRow {
    OrgRow {
        name: o.name.clone(),
        code: o.code.clone(),
        href: format!("/omgangar/{round}/org/{}", o.code),
        units: o.units.len(),
        index: index_cell(inst, o.scores.overall, o.overall_change.as_ref()),
        cells: o
            .scores
            .areas
            .iter()
            .zip(&o.change)
            .map(|(a, c)| cell(inst, a.mean, c.as_ref()))
            .collect(),
    }
}

fn county_stats(r: &RoundReport) -> Vec<StatRow> {
    let row = |label: &str, f: &dyn Fn(&nara_core::scoring::Stats) -> f64| StatRow {
        label: label.into(),
        overall: fmt::index(r.county.overall.map(|s| f(&s))),
        cells: r
            .county
            .areas
            .iter()
            .map(|a| fmt::score(a.stats.map(|s| f(&s))))
            .collect(),
    };
    vec![
        row("Medel", &|s| s.mean),
        row("Median", &|s| s.median),
        row("Lägst", &|s| s.min),
        row("Högst", &|s| s.max),
    ]
}

/// `GET /omgangar/{round}`: the county overview.
pub async fn county(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let (round, inst) = visible_round(&state, &v, &id).await?;
    need_county(&v, &round)?;
    let s = state.store.as_ref();
    let r = state
        .reports
        .report(
            s,
            &*crate::snap(&state).await?,
            round.id,
            None,
            crate::access::audience(&v, &round).earlier,
        )
        .await?;
    let total = crate::snap(&state).await?.organisations.len();
    let rid = round.id.to_string();
    let labels: Vec<String> = r.areas.iter().map(|a| a.id.clone()).collect();
    let now: Vec<Option<f64>> = r
        .county
        .areas
        .iter()
        .map(|a| a.stats.map(|s| s.mean))
        .collect();
    let prev: Option<Vec<Option<f64>>> = r
        .previous_county
        .as_ref()
        .map(|p| p.areas.iter().map(|a| a.stats.map(|s| s.mean)).collect());
    let now_name = format!("Länet {rid}");
    let mut series = vec![Series {
        name: &now_name,
        scores: now.clone(),
        class: "s1",
    }];
    let prev_name = r.previous.map(|p| format!("Länet {p}")).unwrap_or_default();
    if let Some(p) = &prev {
        series.push(Series {
            name: &prev_name,
            scores: p.clone(),
            class: "s2",
        });
    }
    let radar = svg::radar(
        &inst,
        &format!("Länets medel per delmål {rid}"),
        &labels,
        &series,
    );
    let series_names: Vec<String> = series.iter().map(|s| s.name.to_string()).collect();
    let radar_rows = r
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| DataRow {
            label: format!("{} {}", a.id, a.name),
            values: series
                .iter()
                .map(|s| fmt::score(s.scores.get(i).copied().flatten()))
                .collect(),
        })
        .collect();
    let layout = layout_for(
        &state,
        &v,
        &format!("Länsöversikt {rid}"),
        Some(&round),
        vec![
            link("/omgangar", "Omgångar"),
            link(format!("/omgangar/{rid}"), format!("Länsöversikt {rid}")),
        ],
    )
    .await?;
    let page = CountyPage {
        layout,
        preliminary: r.preliminary(),
        status: round.status.label().into(),
        previous: r.previous.map(|p| p.to_string()).unwrap_or_default(),
        areas: r
            .areas
            .iter()
            .map(|a| AreaHead {
                id: a.id.clone(),
                name: a.name.clone(),
                href: format!("/omgangar/{rid}/delmal/{}", a.id),
            })
            .collect(),
        rows: r
            .organisations
            .iter()
            .map(|o| heat_row(&inst, &rid, o))
            .collect(),
        stats: county_stats(&r),
        no_index: no_index_note(
            &inst,
            r.county.no_index(&inst),
            r.organisations.iter().any(|o| o.scores.overall.is_none()),
        ),
        county_change: r
            .county_change
            .iter()
            .map(|c| c.as_ref().map(change_text).unwrap_or_default())
            .collect(),
        answered: format!(
            "{} av {total} organisationer har svarat ({} enheter, {} blanketter); {} har index.",
            r.organisations.len(),
            r.county
                .units_scored
                .max(r.organisations.iter().map(|o| o.units.len()).sum()),
            r.forms,
            r.county.orgs_scored
        ),
        not_answered: r
            .not_answered
            .iter()
            .map(|o| format!("{} ({})", o.name, o.id))
            .collect(),
        radar,
        series: series_names,
        radar_rows,
        legend: legend(&inst),
        round: rid,
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------- organisation

/// A unit's row on the organisation page.
pub struct UnitRow {
    /// Name.
    pub name: String,
    /// Its page.
    pub href: String,
    /// Raters (`2 bedömare + samsyn`).
    pub raters: String,
    /// Index.
    pub index: Cell,
    /// Per area.
    pub cells: Vec<Cell>,
}

/// A statement named as high or low.
pub struct HighlightRow {
    /// `D1.2`.
    pub id: String,
    /// The text.
    pub text: String,
    /// The value.
    pub value: String,
}

/// Raters that disagree on a statement.
pub struct DisagreementRow {
    /// The unit.
    pub unit: String,
    /// The statement id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// `1–4`.
    pub range: String,
    /// The median.
    pub median: String,
}

/// Comments on one area.
pub struct CommentGroup {
    /// The area.
    pub area: String,
    /// `unit: text`.
    pub items: Vec<(String, String)>,
}

/// The organisation page.
#[derive(Template)]
#[template(path = "org.html")]
pub struct OrgPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// Whether the numbers may still change.
    pub preliminary: bool,
    /// Name and code.
    pub name: String,
    /// The areas.
    pub areas: Vec<AreaHead>,
    /// Its units.
    pub units: Vec<UnitRow>,
    /// The organisation's row.
    pub total: OrgRow,
    /// The county mean row, when the viewer may see it.
    pub county: Option<StatRow>,
    /// Why an index is missing, said once under the table; empty when none is.
    pub no_index: String,
    /// Radar of the organisation against the county.
    pub radar: String,
    /// Its series names.
    pub series: Vec<String>,
    /// Its numbers.
    pub radar_rows: Vec<DataRow>,
    /// Bars per area.
    pub bars: String,
    /// Highest statements.
    pub top: Vec<HighlightRow>,
    /// Lowest statements.
    pub bottom: Vec<HighlightRow>,
    /// The index over rounds (SVG).
    pub trend: String,
    /// Its numbers.
    pub trend_rows: Vec<(String, String)>,
    /// Disagreements between raters.
    pub disagreements: Vec<DisagreementRow>,
    /// The instrument's disagreement rule in words: `två steg eller mer`.
    pub disagreement_rule: String,
    /// Comments.
    pub comments: Vec<CommentGroup>,
    /// The band legend.
    pub legend: Vec<LegendItem>,
    /// Link to the organisation report download (empty when not available).
    pub download: String,
}

fn statement_text(inst: &Instrument, id: &str) -> String {
    inst.statements()
        .find(|(_, s)| s.id.as_str() == id)
        .map(|(_, s)| s.text.clone())
        .unwrap_or_default()
}

/// `GET /omgangar/{round}/org/{code}`.
pub async fn organisation(
    State(state): State<AppState>,
    v: Viewer,
    Path((id, code)): Path<(String, String)>,
) -> AppResult<Html<String>> {
    let (round, inst) = visible_round(&state, &v, &id).await?;
    let code = org_code(&code)?;
    need_org(&v, &round, &code)?;
    let s = state.store.as_ref();
    let snap = crate::snap(&state).await?;
    let org = snap
        .organisation(&code)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("Organisationen {code} finns inte.")))?;
    let rid = round.id.to_string();
    let r = state
        .reports
        .report(
            s,
            &*crate::snap(&state).await?,
            round.id,
            None,
            crate::access::audience(&v, &round).earlier,
        )
        .await?;
    let see_county = county_visible(&v, &round);
    let o = r.org(code.as_str()).ok_or_else(|| {
        AppError::NotFound(format!("{} har inte svarat i omgången {rid}.", org.name))
    })?;
    let labels: Vec<String> = r.areas.iter().map(|a| a.id.clone()).collect();
    let own: Vec<Option<f64>> = o.scores.areas.iter().map(|a| a.mean).collect();
    let county_means: Vec<Option<f64>> = r
        .county
        .areas
        .iter()
        .map(|a| a.stats.map(|s| s.mean))
        .collect();
    let mut series = vec![Series {
        name: &org.name,
        scores: own.clone(),
        class: "s1",
    }];
    if see_county {
        series.push(Series {
            name: "Länets medel",
            scores: county_means.clone(),
            class: "s2",
        });
    }
    let radar = svg::radar(
        &inst,
        &format!("{} per delmål {rid}", org.name),
        &labels,
        &series,
    );
    let radar_rows = r
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| DataRow {
            label: format!("{} {}", a.id, a.name),
            values: series
                .iter()
                .map(|s| fmt::score(s.scores.get(i).copied().flatten()))
                .collect(),
        })
        .collect();
    let series_names = series.iter().map(|s| s.name.to_string()).collect();
    let bar_rows: Vec<(String, Option<f64>, String)> = r
        .areas
        .iter()
        .zip(&own)
        .map(|(a, s)| {
            (
                format!("{} {}", a.id, a.name),
                *s,
                s.map(|x| inst.band(x).color.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let bars = svg::bars(
        &inst,
        &format!("{} per delmål", org.name),
        &bar_rows
            .iter()
            .map(|(l, s, c)| Bar {
                label: l,
                score: *s,
                color: c,
            })
            .collect::<Vec<_>>(),
    );
    // The index over the rounds of the family that the viewer may see.
    let trend = state
        .reports
        .trend(
            s,
            &*crate::snap(&state).await?,
            round.id,
            crate::access::audience(&v, &round).earlier,
        )
        .await?;
    let all_rounds = &snap.rounds;
    let trend_points: Vec<(String, Option<f64>)> = trend
        .iter()
        .filter(|t| {
            all_rounds
                .iter()
                .any(|x| x.id == t.round && org_visible(&v, x, &code))
        })
        .map(|t| {
            (
                t.round.to_string(),
                t.organisations.get(code.as_str()).and_then(|s| s.overall),
            )
        })
        .collect();
    let trend_svg = svg::line(
        &inst,
        &format!("Index för {} över omgångarna", org.name),
        &trend_points,
    );
    let highlight = |h: &nara_core::scoring::Highlight| HighlightRow {
        id: h.statement.to_string(),
        text: statement_text(&inst, h.statement.as_str()),
        value: fmt::score(Some(h.value)),
    };
    let mut disagreements = Vec::new();
    for u in &o.units {
        for a in u.result.rollup.agreement.iter().filter(|a| a.disagreement) {
            disagreements.push(DisagreementRow {
                unit: u.name.clone(),
                id: a.statement.to_string(),
                text: statement_text(&inst, a.statement.as_str()),
                range: format!("{}–{}", fmt::score(a.min), fmt::score(a.max)),
                median: fmt::score(a.median),
            });
        }
    }
    let comments = inst
        .areas
        .iter()
        .map(|a| CommentGroup {
            area: format!("{} {}", a.id, a.name),
            items: o
                .units
                .iter()
                .flat_map(|u| {
                    u.comments
                        .get(a.id.as_str())
                        .into_iter()
                        .flatten()
                        .map(|t| (u.name.clone(), t.clone()))
                })
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect();
    let name = format!("{} ({})", org.name, org.code);
    let layout = layout_for(
        &state,
        &v,
        &format!("{} {rid}", org.name),
        Some(&round),
        vec![
            link("/omgangar", "Omgångar"),
            if see_county {
                link(format!("/omgangar/{rid}"), format!("Länsöversikt {rid}"))
            } else {
                link("/omgangar", rid.clone())
            },
            link(format!("/omgangar/{rid}/org/{code}"), org.name.clone()),
        ],
    )
    .await?;
    let page = OrgPage {
        layout,
        preliminary: r.preliminary(),
        name,
        areas: r
            .areas
            .iter()
            .map(|a| AreaHead {
                id: a.id.clone(),
                name: a.name.clone(),
                href: if see_county {
                    format!("/omgangar/{rid}/delmal/{}", a.id)
                } else {
                    String::new()
                },
            })
            .collect(),
        units: o
            .units
            .iter()
            .map(|u| {
                let raters = u.raters.iter().filter(|r| !r.is_empty()).count();
                UnitRow {
                    name: u.name.clone(),
                    href: format!(
                        "/omgangar/{rid}/org/{code}/enhet/{}",
                        seg(&nara_core::UnitName::parse(&u.name)
                            .map(|n| n.key())
                            .unwrap_or_default())
                    ),
                    raters: match (raters, u.consensus) {
                        (0 | 1, false) => String::new(),
                        (n, true) => format!("{n} bedömare + samsyn"),
                        (n, false) => format!("{n} bedömare"),
                    },
                    index: index_cell(&inst, u.result.scores.overall, None),
                    cells: u
                        .result
                        .scores
                        .areas
                        .iter()
                        .zip(&u.change)
                        .map(|(a, c)| cell(&inst, a.mean, c.as_ref()))
                        .collect(),
                }
            })
            .collect(),
        no_index: no_index_note(
            &inst,
            o.scores.no_index(&inst),
            o.units.iter().any(|u| u.result.scores.overall.is_none())
                || (see_county && r.county.overall.is_none())
                || trend_points.iter().any(|(_, v)| v.is_none()),
        ),
        total: heat_row(&inst, &rid, o),
        county: see_county.then(|| county_stats(&r).remove(0)),
        radar,
        series: series_names,
        radar_rows,
        bars,
        top: o.scores.top.iter().map(highlight).collect(),
        bottom: o.scores.bottom.iter().map(highlight).collect(),
        trend: trend_svg,
        trend_rows: trend_points
            .iter()
            .map(|(r, v)| (r.clone(), fmt::index(*v)))
            .collect(),
        disagreements,
        disagreement_rule: inst.scoring.disagreement_rule(),
        comments,
        legend: legend(&inst),
        download: format!("/omgangar/{rid}/export/org/{code}"),
        round: rid,
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------- unit

/// One statement on the unit page.
pub struct StatementRow {
    /// Id.
    pub id: String,
    /// Text.
    pub text: String,
    /// One answer per form (rater order as in `raters`).
    pub answers: Vec<String>,
    /// The unit's value after roll-up.
    pub value: String,
    /// Whether the raters disagree.
    pub disagreement: bool,
    /// Comments on the statement.
    pub notes: Vec<String>,
}

/// One area on the unit page.
pub struct UnitArea {
    /// `D1 Nära för mig`.
    pub title: String,
    /// The area's score.
    pub score: Cell,
    /// The statements.
    pub statements: Vec<StatementRow>,
    /// The free text.
    pub comments: Vec<String>,
}

/// The unit page.
#[derive(Template)]
#[template(path = "unit.html")]
pub struct UnitPage {
    /// The frame.
    pub layout: Layout,
    /// Whether the numbers may still change.
    pub preliminary: bool,
    /// The unit's name.
    pub name: String,
    /// The organisation.
    pub org: String,
    /// The forms' column heads (`Enhetschef`, `Samsyn`, or `Svar`).
    pub raters: Vec<String>,
    /// The index.
    pub index: Cell,
    /// Why there is no index (`Inget index: bara 1 av 5 delmål …`); empty when there is one.
    pub no_index: String,
    /// The areas.
    pub areas: Vec<UnitArea>,
    /// The radar.
    pub radar: String,
    /// Its numbers.
    pub radar_rows: Vec<DataRow>,
    /// The band legend.
    pub legend: Vec<LegendItem>,
}

/// `GET /omgangar/{round}/org/{code}/enhet/{unit}`.
pub async fn unit(
    State(state): State<AppState>,
    v: Viewer,
    Path((id, code, unit)): Path<(String, String, String)>,
) -> AppResult<Html<String>> {
    let (round, inst) = visible_round(&state, &v, &id).await?;
    let code = org_code(&code)?;
    need_org(&v, &round, &code)?;
    let s = state.store.as_ref();
    let org = nara_app::organisation(s, &code).await?;
    let key = nara_core::UnitName::parse(&unit)
        .map(|u| u.key())
        .unwrap_or_default();
    let not_found = || {
        AppError::NotFound(format!(
            "Verksamheten \"{unit}\" har inte svarat i omgången {}.",
            round.id
        ))
    };
    let r = state
        .reports
        .report(
            s,
            &*crate::snap(&state).await?,
            round.id,
            Some(&code),
            crate::access::audience(&v, &round).earlier,
        )
        .await?;
    let o = r.org(code.as_str()).ok_or_else(not_found)?;
    let u = o
        .units
        .iter()
        .find(|u| {
            nara_core::UnitName::parse(&u.name)
                .map(|n| n.key())
                .unwrap_or_default()
                == key
        })
        .ok_or_else(not_found)?;
    let loaded = nara_app::report::load(s, round.id).await?;
    let mut forms: Vec<&nara_core::Response> = loaded
        .responses
        .iter()
        .map(|f| &f.response)
        .filter(|f| f.org == code && f.unit.key() == key)
        .collect();
    forms.sort_by_key(|f| (f.consensus, f.rater.to_lowercase()));
    let raters: Vec<String> = forms
        .iter()
        .map(|f| {
            if f.consensus {
                "Samsyn".to_string()
            } else if f.rater.is_empty() {
                "Svar".to_string()
            } else {
                f.rater.clone()
            }
        })
        .collect();
    let areas = inst
        .areas
        .iter()
        .enumerate()
        .map(|(ai, a)| UnitArea {
            title: format!("{} {}", a.id, a.name),
            score: cell(
                &inst,
                u.result.scores.areas.get(ai).and_then(|x| x.mean),
                u.change.get(ai).and_then(|c| c.as_ref()),
            ),
            statements: a
                .statements
                .iter()
                .map(|st| {
                    let agreement = u
                        .result
                        .rollup
                        .agreement
                        .iter()
                        .find(|g| g.statement == st.id);
                    StatementRow {
                        id: st.id.to_string(),
                        text: st.text.clone(),
                        answers: forms
                            .iter()
                            .map(|f| {
                                f.set.get(&st.id).map_or_else(
                                    || "–".to_string(),
                                    |ans| inst.answer_label(ans).to_string(),
                                )
                            })
                            .collect(),
                        value: match u.result.rollup.values.get(&st.id) {
                            Some(nara_core::scoring::Value::Scored(x)) => fmt::decimal(*x, 1),
                            Some(nara_core::scoring::Value::NotApplicable) => "vet ej".into(),
                            None => "–".into(),
                        },
                        disagreement: agreement.is_some_and(|g| g.disagreement),
                        notes: forms
                            .iter()
                            .filter_map(|f| f.set.notes.get(&st.id).cloned())
                            .collect(),
                    }
                })
                .collect(),
            comments: u.comments.get(a.id.as_str()).cloned().unwrap_or_default(),
        })
        .collect();
    let labels: Vec<String> = inst.areas.iter().map(|a| a.id.to_string()).collect();
    let scores: Vec<Option<f64>> = u.result.scores.areas.iter().map(|a| a.mean).collect();
    let radar = svg::radar(
        &inst,
        &format!("{} per delmål", u.name),
        &labels,
        &[Series {
            name: &u.name,
            scores: scores.clone(),
            class: "s1",
        }],
    );
    let rid = round.id.to_string();
    let layout = layout_for(
        &state,
        &v,
        &format!("{} – {} {rid}", u.name, org.name),
        Some(&round),
        vec![
            link("/omgangar", "Omgångar"),
            link(
                format!("/omgangar/{rid}/org/{code}"),
                format!("{} {rid}", org.name),
            ),
            link(
                format!("/omgangar/{rid}/org/{code}/enhet/{}", seg(&key)),
                u.name.clone(),
            ),
        ],
    )
    .await?;
    let page = UnitPage {
        layout,
        preliminary: r.preliminary(),
        name: u.name.clone(),
        org: format!("{} ({})", org.name, org.code),
        raters,
        index: index_cell(&inst, u.result.scores.overall, None),
        no_index: u.result.scores.no_index(&inst).unwrap_or_default(),
        areas,
        radar,
        radar_rows: inst
            .areas
            .iter()
            .zip(&scores)
            .map(|(a, s)| DataRow {
                label: format!("{} {}", a.id, a.name),
                values: vec![fmt::score(*s)],
            })
            .collect(),
        legend: legend(&inst),
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------- delmål

/// One statement's distribution.
pub struct DistRow {
    /// Id.
    pub id: String,
    /// Text.
    pub text: String,
    /// Count per level.
    pub levels: Vec<usize>,
    /// Vet ej.
    pub not_applicable: usize,
    /// Blank.
    pub blank: usize,
    /// Mean.
    pub mean: String,
    /// The distribution as a stacked bar (SVG).
    pub bar: String,
}

/// The delmål page.
#[derive(Template)]
#[template(path = "area.html")]
pub struct AreaPage {
    /// The frame.
    pub layout: Layout,
    /// Whether the numbers may still change.
    pub preliminary: bool,
    /// `D1 Nära för mig`.
    pub title: String,
    /// The goal.
    pub goal: String,
    /// The description.
    pub description: String,
    /// The level labels.
    pub levels: Vec<String>,
    /// The statements.
    pub rows: Vec<DistRow>,
    /// Organisations' scores on the area.
    pub orgs: Vec<(String, String, Cell)>,
    /// Bars of the organisations.
    pub bars: String,
    /// The band legend.
    pub legend: Vec<LegendItem>,
}

fn stacked(levels: &[usize], na: usize, blank: usize, title: &str) -> String {
    let total: usize = levels.iter().sum::<usize>() + na + blank;
    if total == 0 {
        return String::new();
    }
    let mut x = 0.0;
    let mut out = format!(
        r#"<svg class="chart stack" viewBox="0 0 200 14" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        svg::esc(title)
    );
    for (i, n) in levels.iter().chain([&na, &blank]).enumerate() {
        let w = 200.0 * *n as f64 / total as f64;
        if w > 0.0 {
            out.push_str(&format!(
                r#"<rect class="lvl lvl{i}" x="{x:.1}" y="0" width="{w:.1}" height="14"/>"#
            ));
        }
        x += w;
    }
    out.push_str("</svg>");
    out
}

/// `GET /omgangar/{round}/delmal/{area}`.
pub async fn area(
    State(state): State<AppState>,
    v: Viewer,
    Path((id, area)): Path<(String, String)>,
) -> AppResult<Html<String>> {
    let (round, inst) = visible_round(&state, &v, &id).await?;
    need_county(&v, &round)?;
    let (ai, a) = inst
        .areas
        .iter()
        .enumerate()
        .find(|(_, a)| a.id.as_str().eq_ignore_ascii_case(&area))
        .ok_or_else(|| AppError::NotFound(format!("Delmålet {area} finns inte i instrumentet.")))?;
    let r = state
        .reports
        .report(
            state.store.as_ref(),
            &*crate::snap(&state).await?,
            round.id,
            None,
            crate::access::audience(&v, &round).earlier,
        )
        .await?;
    let rows = a
        .statements
        .iter()
        .filter_map(|st| {
            r.distribution
                .iter()
                .find(|d| d.statement == st.id)
                .map(|d| (st, d))
        })
        .map(|(st, d)| DistRow {
            id: st.id.to_string(),
            text: st.text.clone(),
            bar: stacked(
                &d.levels,
                d.not_applicable,
                d.blank,
                &format!("Fördelning av svaren på {}", st.id),
            ),
            levels: d.levels.clone(),
            not_applicable: d.not_applicable,
            blank: d.blank,
            mean: fmt::score(d.mean),
        })
        .collect();
    let rid = round.id.to_string();
    let orgs: Vec<(String, String, Cell)> = r
        .organisations
        .iter()
        .map(|o| {
            (
                o.name.clone(),
                format!("/omgangar/{rid}/org/{}", o.code),
                cell(
                    &inst,
                    o.scores.areas.get(ai).and_then(|x| x.mean),
                    o.change.get(ai).and_then(|c| c.as_ref()),
                ),
            )
        })
        .collect();
    let bar_data: Vec<(String, Option<f64>, String)> = r
        .organisations
        .iter()
        .map(|o| {
            let s = o.scores.areas.get(ai).and_then(|x| x.mean);
            (
                o.name.clone(),
                s,
                s.map(|x| inst.band(x).color.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let bars = svg::bars(
        &inst,
        &format!("{} {} per organisation", a.id, a.name),
        &bar_data
            .iter()
            .map(|(l, s, c)| Bar {
                label: l,
                score: *s,
                color: c,
            })
            .collect::<Vec<_>>(),
    );
    let title = format!("{} {}", a.id, a.name);
    let layout = layout_for(
        &state,
        &v,
        &format!("{title} {rid}"),
        Some(&round),
        vec![
            link("/omgangar", "Omgångar"),
            link(format!("/omgangar/{rid}"), format!("Länsöversikt {rid}")),
            link(format!("/omgangar/{rid}/delmal/{}", a.id), title.clone()),
        ],
    )
    .await?;
    let page = AreaPage {
        layout,
        preliminary: r.preliminary(),
        title,
        goal: a.goal.clone(),
        description: a.description.clone(),
        levels: inst
            .scale
            .levels
            .iter()
            .map(|l| format!("{} {}", l.value, l.label))
            .collect(),
        rows,
        orgs,
        bars,
        legend: legend(&inst),
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------- downloads

/// One download.
pub struct Download {
    /// Where.
    pub href: String,
    /// What.
    pub label: String,
    /// What it holds.
    pub note: String,
}

/// The downloads page.
#[derive(Template)]
#[template(path = "downloads.html")]
pub struct DownloadsPage {
    /// The frame.
    pub layout: Layout,
    /// Whether the numbers may still change.
    pub preliminary: bool,
    /// The files.
    pub files: Vec<Download>,
    /// Blank forms, one per organisation.
    pub forms: Vec<Download>,
}

/// `GET /omgangar/{round}/nedladdningar`.
pub async fn downloads(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let (round, _) = visible_round(&state, &v, &id).await?;
    let rid = round.id.to_string();
    let orgs = state.store.organisations().await?;
    let forms = orgs
        .iter()
        .filter(|o| v.is_admin() || v.org() == Some(&o.code))
        .map(|o| Download {
            href: format!("/omgangar/{rid}/blankett/{}", o.code),
            label: format!("Blankett för {} ({})", o.name, o.code),
            note: "Excel, att fylla i".into(),
        })
        .collect();
    let files = crate::downloads::available(&v, &round, &orgs);
    let layout = layout_for(
        &state,
        &v,
        &format!("Nedladdningar {rid}"),
        Some(&round),
        vec![
            link("/omgangar", "Omgångar"),
            link(
                format!("/omgangar/{rid}/nedladdningar"),
                format!("Nedladdningar {rid}"),
            ),
        ],
    )
    .await?;
    let page = DownloadsPage {
        layout,
        preliminary: !round.status.is_final(),
        files,
        forms,
    };
    Ok(Html(page.render()?))
}

/// `GET /omgangar/{round}/blankett/{code}`: a blank form (the coordinator, or a respondent for
/// their own organisation).
pub async fn blank_form(
    State(state): State<AppState>,
    v: Viewer,
    Path((id, code)): Path<(String, String)>,
) -> AppResult<Response> {
    let (round, _) = visible_round(&state, &v, &id).await?;
    let code = org_code(&code)?;
    if !(v.is_admin() || v.org() == Some(&code)) {
        return Err(AppError::Forbidden);
    }
    let (name, bytes) = nara_app::blank_form(state.store.as_ref(), round.id, &code).await?;
    Ok(crate::downloads::attachment(
        bytes,
        &name,
        crate::downloads::XLSX,
    ))
}

// ---------------------------------------------------------------- errors

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The title.
    pub title: String,
    /// The status code.
    pub status: u16,
    /// The sentence.
    pub message: String,
    /// Whether to offer a link to the start page.
    pub home: bool,
}

/// Any unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound("Sidan finns inte. Gå till startsidan och välj därifrån.".into())
}

/// The headers of a downloaded file.
pub fn no_store() -> [(header::HeaderName, &'static str); 1] {
    [(header::CACHE_CONTROL, "no-store")]
}
