//! The rounds page: every visible round, its status and the coordinator's actions.

use crate::AppState;
use crate::access::{county_visible, round_visible};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::layout::{Choice, Layout, layout_for, link};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use nara_core::{Round, RoundId};
use serde::{Deserialize, Serialize};

/// The rounds page (creating a round is the coordinator's, in `admin`).
pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar", get(rounds))
}

/// One row of the rounds page.
#[derive(Debug, Serialize)]
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
    /// The status changes the coordinator can make now.
    pub actions: Vec<StatusAction>,
}

/// A status change the coordinator can make now: a button on the round's row.
#[derive(Debug, Serialize)]
pub struct StatusAction {
    /// The status it leads to (`closed`).
    pub to: String,
    /// The button's text (`Stäng`).
    pub label: String,
}

/// The rounds page.
#[derive(Template, Serialize)]
#[template(path = "rounds.html")]
pub struct RoundsPage {
    /// The frame.
    #[serde(skip)]
    pub layout: Layout,
    /// The rounds, newest first.
    pub rows: Vec<RoundRow>,
    /// What just happened.
    pub notice: String,
    /// What went wrong (beside the form).
    pub error: String,
    /// The id typed in the new-round form.
    pub new_id: String,
    /// Instruments to choose for a new round: `id@version` and a label.
    pub instruments: Vec<Choice>,
}

fn meaning(s: nara_core::RoundStatus) -> &'static str {
    match s {
        nara_core::RoundStatus::Draft => "förbereds; ingen kan svara än",
        nara_core::RoundStatus::Open => "organisationerna svarar; resultaten är preliminära",
        nara_core::RoundStatus::Closed => "svaren är inne; resultaten granskas",
        nara_core::RoundStatus::Published => "resultaten är klara och synliga för alla",
    }
}

fn actions(s: nara_core::RoundStatus) -> Vec<StatusAction> {
    use nara_core::RoundStatus as R;
    let a = |to: &str, label: &str| StatusAction {
        to: to.to_string(),
        label: label.to_string(),
    };
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
    let page = rounds_view(state, v, notice, error, new_id).await?;
    Ok(Html(page.render()?))
}

/// The rounds page for a viewer: the rounds they may see, and the coordinator's forms.
async fn rounds_view(
    state: &AppState,
    v: &Viewer,
    notice: String,
    error: String,
    new_id: &str,
) -> AppResult<RoundsPage> {
    let app = &state.app;
    let snap = app.snapshot().await?;
    let orgs = snap.organisations.len();
    // Counted by the database and kept per data stamp: the page costs the same whatever the
    // number of answers.
    let counts = app.answered_counts(&snap).await?;
    let mut rows = Vec::new();
    for r in (snap.rounds.iter().rev()).filter(|r| round_visible(v, r)) {
        let count = county_visible(v, r).then(|| {
            (counts.iter().find(|c| c.round == r.id)).map_or((0, 0), |c| (c.organisations, c.units))
        });
        rows.push(round_row(v, r, count, orgs));
    }
    let instruments = match v.is_admin() {
        true => instrument_choices(app.instruments().await?),
        false => Vec::new(),
    };
    let crumbs = vec![link("/omgangar", "Omgångar")];
    let layout = layout_for(state, v, "Omgångar", None, crumbs).await?;
    Ok(RoundsPage {
        layout,
        rows,
        notice,
        error,
        new_id: new_id.to_string(),
        instruments,
    })
}

/// One round in the list: who answered (when the viewer may see the county), where it links,
/// and the coordinator's actions.
fn round_row(v: &Viewer, r: &Round, count: Option<(usize, usize)>, orgs: usize) -> RoundRow {
    let (answered, units) = match count {
        Some((answered, units)) => (format!("{answered} av {orgs}"), units.to_string()),
        None => (String::new(), String::new()),
    };
    let href = if county_visible(v, r) {
        format!("/omgangar/{}", r.id)
    } else {
        v.org()
            .map_or_else(String::new, |o| format!("/omgangar/{}/org/{o}", r.id))
    };
    RoundRow {
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
    }
}

/// The instrument versions a new round may use, newest first (`ID@VERSION`, label).
fn instrument_choices(instruments: Vec<nara_core::Instrument>) -> Vec<Choice> {
    (instruments.into_iter().rev())
        .map(|i| Choice {
            value: format!("{}@{}", i.id(), i.version()),
            label: format!("{} (version {})", i.name(), i.version()),
        })
        .collect()
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
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::test_support::demo;
    use nara_core::OrgCode;
    use nara_store::Role;

    /// The rounds page of the demo for the coordinator (with the status buttons and the form
    /// for a new round) and for a respondent (their own organisation's pages only).
    #[tokio::test]
    async fn the_rounds_page_of_the_demo() {
        let d = demo().await;
        let state = AppState::new(
            nara_app::App::new(d.store.clone()),
            crate::Config::default(),
        );
        let org = OrgCode::parse("2080").unwrap();
        for (name, role, org) in [
            ("samordnare", Role::Admin, None),
            ("respondent", Role::Respondent, Some(&org)),
        ] {
            let user = nara_app::users::add(
                d.store.as_ref(),
                name,
                "ett-bra-losenord-1",
                role,
                org,
                "test",
            )
            .await
            .unwrap();
            let viewer = Viewer {
                user,
                csrf: String::new(),
            };
            let page = rounds_view(&state, &viewer, String::new(), String::new(), "")
                .await
                .unwrap();
            insta::assert_yaml_snapshot!(name, page);
        }
    }
}
