//! Managing answer links: list, make, revoke.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nara_app::AnswerLink;
use nara_app::online;
use nara_core::{OrgCode, Organisation, Round};
use serde::Deserialize;

use super::form_path;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::extract::VisibleRound;
use crate::layout::{Choice, Layout, layout_for, link, seg, when};

/// Answer links.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar/{round}/lankar", get(links).post(create))
        .route("/omgangar/{round}/lankar/{id}/aterkalla", post(revoke))
}

/// One link in the list.
pub struct LinkRow {
    /// The row id.
    pub id: i64,
    /// The unit.
    pub unit: String,
    /// `Anna`, `hela enheten` or `samsyn`.
    pub who: String,
    /// `ej påbörjad`, `utkast sparat …`, `inskickad …`, `återkallad`.
    pub state: String,
    /// Whether it can still be revoked.
    pub active: bool,
}

/// The links page.
#[derive(Template)]
#[template(path = "links.html")]
pub struct LinksPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// The organisation shown: its code.
    pub org_code: String,
    /// The organisation shown: its name.
    pub org_name: String,
    /// Organisations the viewer may choose (coordinator: all).
    pub orgs: Vec<Choice>,
    /// The links.
    pub rows: Vec<LinkRow>,
    /// Links just made (their addresses are shown this once).
    pub made: Vec<MadeLink>,
    /// The same links as a CSV file in a `data:` address (empty when none were made).
    pub made_csv: String,
    /// The CSV file's name.
    pub made_csv_name: String,
    /// Last round's unit names of the organisation, suggested for a new link.
    pub known_units: Vec<String>,
    /// What went wrong.
    pub error: String,
}

/// A link just made, as the page shows it once.
pub struct MadeLink {
    /// The unit.
    pub unit: String,
    /// `Anna`, `hela enheten` or `samsyn`.
    pub rater: String,
    /// `Hemtjänsten – Anna`.
    pub who: String,
    /// The whole address, with the host.
    pub url: String,
    /// A ready-to-send message with the address and the last day to answer.
    pub message: String,
}

/// The message that goes with a new answer link (Swedish, ready to paste into an e-mail).
fn message(round: &nara_core::Round, org_name: &str, who: &str, url: &str, sender: &str) -> String {
    let closes = round
        .closes
        .map(|d| format!("Svara senast {d}. "))
        .unwrap_or_default();
    format!(
        "Hej!\n\nHär är länken till självskattningen för God och nära vård, omgång {}, för {org_name}: {who}.\n\n{url}\n\n{closes}Svaren sparas medan du fyller i, så du kan ta en paus och fortsätta senare från samma länk. Länken är personlig: skicka den inte vidare.\n\nHälsningar\n{sender}",
        round.id
    )
}

/// Which organisation.
#[derive(Deserialize)]
pub struct OrgQuery {
    #[serde(default)]
    org: String,
}

/// The organisation whose links the viewer works with: the one asked for (the coordinator:
/// any, else the first; others: their own only).
async fn org_scope(state: &AppState, v: &Viewer, org: &str) -> AppResult<OrgCode> {
    match (v.is_admin(), v.org()) {
        (true, _) => match OrgCode::parse(org) {
            Ok(c) => Ok(c),
            Err(_) => state
                .app
                .organisations()
                .await?
                .organisations
                .first()
                .map(|o| o.code.clone())
                .ok_or(AppError::Forbidden),
        },
        (false, Some(own)) => {
            if !org.is_empty() && org != own.as_str() {
                return Err(AppError::Forbidden);
            }
            Ok(own.clone())
        }
        (false, None) => Err(AppError::Forbidden),
    }
}

/// Who a link is for, as the page says it: the rater, `hela enheten` or `samsyn`.
fn who(consensus: bool, rater: &str) -> String {
    if consensus {
        "samsyn".into()
    } else if rater.is_empty() {
        "hela enheten".into()
    } else {
        rater.to_string()
    }
}

/// Where a link stands: revoked, submitted, a draft saved, or not started.
fn link_state(l: &AnswerLink) -> String {
    match (l.revoked_at, l.submitted_at, l.saved_at) {
        (Some(t), _, _) => format!("återkallad {}", when(t)),
        (None, Some(t), _) => format!("inskickad {}", when(t)),
        (None, None, Some(t)) => format!("utkast sparat {}", when(t)),
        _ => "ej påbörjad".into(),
    }
}

/// A stored link as a row of the list.
fn link_row(l: &AnswerLink) -> LinkRow {
    LinkRow {
        id: l.id,
        unit: l.unit.clone(),
        who: who(l.consensus, &l.rater),
        state: link_state(l),
        active: l.revoked_at.is_none(),
    }
}

/// The links just made as a CSV file in a `data:` address (empty when none were made).
fn made_csv(made: &[MadeLink]) -> String {
    if made.is_empty() {
        return String::new();
    }
    let rows: Vec<[String; 4]> = made
        .iter()
        .map(|m| {
            [
                m.unit.clone(),
                m.rater.clone(),
                m.url.clone(),
                m.message.clone(),
            ]
        })
        .collect();
    format!(
        "data:text/csv;charset=utf-8,{}",
        seg(&String::from_utf8_lossy(&online::links_csv(&rows)))
    )
}

/// What the links page shows, from what was loaded.
struct LinksInput<'a> {
    viewer: &'a Viewer,
    round: &'a Round,
    org: &'a OrgCode,
    orgs: &'a [Organisation],
    links: &'a [AnswerLink],
    made: Vec<MadeLink>,
    error: String,
    known_units: Vec<String>,
}

/// The organisation's unit names in the newest earlier round of the same instrument family
/// (from the cached report of that round and organisation), to suggest when making links.
async fn units_before(state: &AppState, round: &Round, org: &OrgCode) -> AppResult<Vec<String>> {
    let snap = crate::snap(state).await?;
    let Some(prev) = (snap.rounds.iter())
        .filter(|r| r.id < round.id && r.status != nara_core::RoundStatus::Draft)
        .max_by_key(|r| r.id)
    else {
        return Ok(Vec::new());
    };
    let rep = (state.app)
        .report(&snap, prev.id, Some(org), nara_app::report::Earlier::All)
        .await?;
    Ok((rep.org(org.as_str()).iter())
        .flat_map(|o| &o.units)
        .map(|u| u.name.to_string())
        .collect())
}

/// The links page's model (pure).
fn links_view(layout: Layout, i: LinksInput<'_>) -> LinksPage {
    let rid = i.round.id.to_string();
    LinksPage {
        layout,
        made_csv_name: format!("svarslankar-{rid}-{}.csv", i.org),
        round: rid,
        org_code: i.org.to_string(),
        org_name: (i.orgs.iter())
            .find(|o| &o.code == i.org)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        orgs: (i.orgs.iter())
            .filter(|o| i.viewer.is_admin() || i.viewer.org() == Some(&o.code))
            .map(|o| Choice {
                value: o.code.to_string(),
                label: o.name.clone(),
            })
            .collect(),
        rows: i.links.iter().map(link_row).collect(),
        made_csv: made_csv(&i.made),
        made: i.made,
        error: i.error,
        known_units: i.known_units,
    }
}

async fn links_page(
    state: &AppState,
    v: &Viewer,
    round: &Round,
    org: &OrgCode,
    made: Vec<MadeLink>,
    error: String,
) -> AppResult<Html<String>> {
    let orgs = state.app.organisations().await?.organisations;
    let links = state.app.links(round.id, Some(org)).await?;
    let rid = round.id;
    let title = format!("Svarslänkar {rid}");
    let crumbs = vec![
        link("/omgangar", "Omgångar"),
        link(format!("/omgangar/{rid}/lankar?org={org}"), title.clone()),
    ];
    let layout = layout_for(state, v, &title, Some(round), crumbs).await?;
    let known_units = units_before(state, round, org).await?;
    let input = LinksInput {
        known_units,
        viewer: v,
        round,
        org,
        orgs: &orgs,
        links: &links,
        made,
        error,
    };
    Ok(Html(links_view(layout, input).render()?))
}

/// `GET /omgangar/{round}/lankar?org=2080`.
#[tracing::instrument(skip_all, fields(round = %r.round.id, org = %q.org))]
pub async fn links(
    State(state): State<AppState>,
    r: VisibleRound,
    Query(q): Query<OrgQuery>,
) -> AppResult<Html<String>> {
    let org = org_scope(&state, &r.viewer, &q.org).await?;
    links_page(&state, &r.viewer, &r.round, &org, Vec::new(), String::new()).await
}

/// The new-links form.
#[derive(Deserialize)]
pub struct NewLinks {
    #[serde(default)]
    org: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    raters: String,
    #[serde(default)]
    consensus: Option<String>,
    #[serde(default)]
    csrf: String,
}

/// A link just made, with its address and message, as the page shows it once.
fn made_link(
    m: &online::Made,
    round: &Round,
    org_name: &str,
    base: &str,
    sender: &str,
) -> MadeLink {
    let rater = who(m.link.consensus, &m.link.rater);
    let who = format!("{} – {rater}", m.link.unit);
    let url = format!("{base}{}", form_path(&m.token));
    MadeLink {
        message: message(round, org_name, &who, &url, sender),
        unit: m.link.unit.clone(),
        rater,
        who,
        url,
    }
}

/// `POST /omgangar/{round}/lankar`.
#[tracing::instrument(skip_all, fields(round = %r.round.id, org = %f.org))]
pub async fn create(
    State(state): State<AppState>,
    r: VisibleRound,
    headers: axum::http::HeaderMap,
    Form(f): Form<NewLinks>,
) -> AppResult<Html<String>> {
    let (v, round) = (&r.viewer, &r.round);
    v.check_csrf(&f.csrf)?;
    let org = org_scope(&state, v, &f.org).await?;
    let base = crate::public_base(&state, &headers);
    let org_name = state
        .app
        .organisation(&org)
        .await
        .map(|o| o.name)
        .unwrap_or_else(|_| org.to_string());
    let raters: Vec<String> = f.raters.lines().map(str::to_string).collect();
    let (app, user) = (&state.app, &v.user.username);
    let consensus = f.consensus.is_some();
    match app
        .create_links(round.id, &org, &f.unit, &raters, consensus, user)
        .await
    {
        Ok(made) => {
            let made = (made.iter())
                .map(|m| made_link(m, round, &org_name, &base, user))
                .collect();
            links_page(&state, v, round, &org, made, String::new()).await
        }
        Err(e) if e.user_message().is_some() => {
            let m = e.user_message().unwrap_or_default().to_string();
            links_page(&state, v, round, &org, Vec::new(), m).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A form with the CSRF token only.
#[derive(Deserialize)]
pub struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// `POST /omgangar/{round}/lankar/{id}/aterkalla`.
#[tracing::instrument(skip_all, fields(round = %r.round.id, link = link_id))]
pub async fn revoke(
    State(state): State<AppState>,
    r: VisibleRound,
    Path((_, link_id)): Path<(String, i64)>,
    Form(f): Form<Csrf>,
) -> AppResult<Response> {
    let v = &r.viewer;
    v.check_csrf(&f.csrf)?;
    let l = state
        .app
        .links(r.round.id, None)
        .await?
        .into_iter()
        .find(|l| l.id == link_id)
        .ok_or_else(|| AppError::NotFound("Länken finns inte.".into()))?;
    if !(v.is_admin() || v.org() == Some(&l.org)) {
        return Err(AppError::Forbidden);
    }
    state.app.revoke_link(l.id, &v.user.username).await?;
    Ok(Redirect::to(&format!("/omgangar/{}/lankar?org={}", r.round.id, l.org)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(revoked: Option<i64>, submitted: Option<i64>, saved: Option<i64>) -> AnswerLink {
        AnswerLink {
            id: 7,
            round: nara_core::RoundId::parse("2026").unwrap(),
            org: OrgCode::parse("2080").unwrap(),
            unit: "Hemtjänsten".into(),
            rater: String::new(),
            consensus: false,
            created_by: "admin".into(),
            created_at: 0,
            revoked_at: revoked,
            saved_at: saved,
            submitted_at: submitted,
        }
    }

    #[test]
    fn a_link_is_for_a_rater_the_whole_unit_or_the_consensus() {
        assert_eq!(who(false, "Anna"), "Anna");
        assert_eq!(who(false, ""), "hela enheten");
        assert_eq!(who(true, "Anna"), "samsyn");
    }

    #[test]
    fn a_revoked_link_says_so_before_anything_else() {
        assert!(link_state(&stored(Some(1), Some(2), Some(3))).starts_with("återkallad "));
        assert!(link_state(&stored(None, Some(2), Some(3))).starts_with("inskickad "));
        assert!(link_state(&stored(None, None, Some(3))).starts_with("utkast sparat "));
        assert_eq!(link_state(&stored(None, None, None)), "ej påbörjad");
        assert!(link_row(&stored(None, None, None)).active);
        assert!(!link_row(&stored(Some(1), None, None)).active);
    }

    #[test]
    fn no_links_made_no_csv() {
        assert_eq!(made_csv(&[]), "");
        let m = MadeLink {
            unit: "Hemtjänsten".into(),
            rater: "Anna".into(),
            who: "Hemtjänsten – Anna".into(),
            url: "https://x/svar/abc".into(),
            message: "Hej".into(),
        };
        let csv = made_csv(&[m]);
        assert!(csv.starts_with("data:text/csv;charset=utf-8,"), "{csv}");
        assert!(!csv.contains(' '), "the address is percent-encoded: {csv}");
    }
}
