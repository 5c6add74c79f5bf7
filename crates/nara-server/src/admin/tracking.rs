//! Who has answered in a round.

use super::round_layout;
use crate::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::VisibleRound;
use crate::layout::{Layout, link, when};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

/// Who has answered.
pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/svarslage", get(tracking))
}

/// One organisation on the tracking page.
pub struct TrackRow {
    /// Name and code.
    pub name: String,
    /// Its units.
    pub units: Vec<TrackUnit>,
}

/// A unit that has answered.
pub struct TrackUnit {
    /// Its name.
    pub name: String,
    /// Who rated (`Anna, Bo + samsyn`, `hela enheten`).
    pub raters: String,
    /// When its last form came in.
    pub at: String,
    /// Where its current forms came from (the files, or the web).
    pub sources: String,
}

/// An answer under way on the web, not yet submitted.
pub struct WebAnswer {
    /// The organisation's name and code.
    pub org: String,
    /// The unit.
    pub unit: String,
    /// The rater (`samsyn`, `hela enheten` or a name).
    pub rater: String,
    /// `ej påbörjad` or `utkast sparat …`.
    pub state: String,
    /// Who made the link.
    pub made_by: String,
}

/// Svarsläge.
#[derive(Template)]
#[template(path = "tracking.html")]
pub struct TrackingPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// `11 av 16 organisationer, 48 enheter`.
    pub summary: String,
    /// The organisations that answered.
    pub answered: Vec<TrackRow>,
    /// Those that have not, one per line (to copy into a mail).
    pub missing: String,
    /// How many have not.
    pub missing_count: usize,
    /// Answers under way on the web.
    pub web: Vec<WebAnswer>,
}

/// `GET /omgangar/{round}/svarslage`.
#[tracing::instrument(skip_all, fields(round = %round.id))]
pub async fn tracking(
    State(state): State<AppState>,
    a: Admin,
    VisibleRound { round, .. }: VisibleRound,
) -> AppResult<Html<String>> {
    let rid = round.id;
    let t = state.app.response_tracking(rid).await?;
    let layout = round_layout(
        &state,
        &a,
        &round,
        &format!("Svarsläge {rid}"),
        vec![
            link("/omgangar", "Omgångar"),
            link(
                format!("/omgangar/{rid}/svarslage"),
                format!("Svarsläge {rid}"),
            ),
        ],
    )
    .await?;
    let page = view(layout, rid.to_string(), &t);
    Ok(Html(page.render()?))
}

/// The page from the round's tracking: who has answered (with raters and sources), who has
/// not, and the web answers under way.
fn view(layout: Layout, t_round: String, t: &nara_app::report::Tracking) -> TrackingPage {
    let answered: Vec<TrackRow> = t
        .answered()
        .map(|o| TrackRow {
            name: nara_core::org::with_code(&o.name, &o.code),
            units: o
                .units
                .iter()
                .map(|u| {
                    let raters = u
                        .raters
                        .iter()
                        .filter(|r| !r.is_empty())
                        .cloned()
                        .collect::<Vec<_>>();
                    let mut who = if raters.is_empty() {
                        "hela enheten".to_string()
                    } else {
                        raters.join(", ")
                    };
                    if u.consensus {
                        who.push_str(" + samsyn");
                    }
                    TrackUnit {
                        name: u.name.clone(),
                        raters: who,
                        at: when(u.last_import),
                        sources: u.sources.join(", "),
                    }
                })
                .collect(),
        })
        .collect();
    let missing: Vec<String> = t
        .missing()
        .map(|o| nara_core::org::with_code(&o.name, &o.code))
        .collect();
    let units: usize = answered.iter().map(|o| o.units.len()).sum();
    // Web answers not yet submitted: not started, or a draft saved.
    let names: std::collections::HashMap<String, String> = t
        .organisations
        .iter()
        .map(|o| (o.code.clone(), o.name.clone()))
        .collect();
    let web = t
        .web
        .iter()
        .map(|l| WebAnswer {
            org: format!(
                "{} ({})",
                names.get(&l.org).cloned().unwrap_or_default(),
                l.org
            ),
            unit: l.unit.clone(),
            rater: if l.consensus {
                "samsyn".into()
            } else if l.rater.is_empty() {
                "hela enheten".into()
            } else {
                l.rater.clone()
            },
            state: l.saved_at.map_or_else(
                || "ej påbörjad".to_string(),
                |t| format!("utkast sparat {}", when(t)),
            ),
            made_by: l.created_by.clone(),
        })
        .collect();
    TrackingPage {
        layout,
        round: t_round,
        summary: format!(
            "{} av {} organisationer har svarat, {units} enheter.",
            answered.len(),
            t.organisations.len()
        ),
        missing_count: missing.len(),
        missing: missing.join("\n"),
        answered,
        web,
    }
}
