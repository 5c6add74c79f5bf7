//! The page of an organisation that has not answered a round: what it is, how to answer while
//! the round is open (the blank form, answer links), last round's index, and the sections that
//! do not depend on the self-assessment (nyckeltal, aktiviteter) — not a bare error.

use askama::Template;
use nara_app::report::Earlier;
use nara_core::{OrgCode, Round, RoundStatus, fmt};

use nara_app::cache::Snapshot;
use nara_core::{Instrument, Organisation};

use crate::AppState;
use crate::access::{indicators_public_only, org_visible};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::layout::{Layout, Link, layout_for};

/// The page.
#[derive(Template)]
#[template(path = "org_missing.html")]
pub struct MissingPage {
    /// The frame.
    pub layout: Layout,
    /// The organisation's name.
    pub name: String,
    /// Its code.
    pub code: String,
    /// The round.
    pub round: String,
    /// The round's status in words.
    pub status: String,
    /// Whether the round takes answers.
    pub open: bool,
    /// Whether the round is a draft, not yet open for answers.
    pub draft: bool,
    /// Whether the viewer may make answer links.
    pub can_link: bool,
    /// Last round's result in a sentence; empty when none to show.
    pub before: String,
    /// The page of last round's results; empty when none.
    pub before_href: String,
    /// The nyckeltal section.
    pub nyckeltal: super::nyckeltal::OrgSection,
    /// The activities block.
    pub activities: Option<super::activities::OrgBlock>,
}

/// What the page needs beside the frame.
pub struct Missing<'a> {
    /// The viewer.
    pub viewer: &'a Viewer,
    /// The round.
    pub round: &'a Round,
    /// The organisation.
    pub code: &'a OrgCode,
    /// Its name.
    pub name: String,
    /// The nyckeltal section.
    pub nyckeltal: super::nyckeltal::OrgSection,
    /// The activities block.
    pub activities: Option<super::activities::OrgBlock>,
}

/// Last round's index of the organisation, when it answered a round the viewer may see.
async fn before(state: &AppState, m: &Missing<'_>) -> AppResult<(String, String)> {
    let snap = crate::snap(state).await?;
    let Some(prev) = (snap.rounds.iter())
        .filter(|r| r.id < m.round.id && org_visible(m.viewer, r, m.code))
        .max_by_key(|r| r.id)
    else {
        return Ok((String::new(), String::new()));
    };
    let rep = (state.app)
        .report(&snap, prev.id, Some(m.code), Earlier::All)
        .await?;
    Ok(match rep.org(m.code.as_str()) {
        Some(o) => (
            format!(
                "I omgång {} hade {} index {} med {} verksamheter.",
                prev.id,
                m.name,
                fmt::index(o.scores.overall),
                o.units.len()
            ),
            format!("/omgangar/{}/org/{}", prev.id, m.code),
        ),
        None => (
            format!("{} svarade inte heller i omgång {}.", m.name, prev.id),
            String::new(),
        ),
    })
}

/// Renders the page.
pub async fn page(state: &AppState, layout: Layout, m: Missing<'_>) -> AppResult<String> {
    let (before, before_href) = before(state, &m).await?;
    let page = MissingPage {
        layout,
        round: m.round.id.to_string(),
        status: m.round.status.label().to_string(),
        open: m.round.status == RoundStatus::Open,
        draft: m.round.status == RoundStatus::Draft,
        can_link: m.viewer.is_admin() || m.viewer.org() == Some(m.code),
        code: m.code.to_string(),
        before,
        before_href,
        name: m.name,
        nyckeltal: m.nyckeltal,
        activities: m.activities,
    };
    Ok(page.render()?)
}

/// The whole page for an organisation of `snap` that has not answered the round.
pub async fn for_org(
    state: &AppState,
    snap: &Snapshot,
    (viewer, round, instrument): (&Viewer, &Round, &Instrument),
    (code, entity): (&OrgCode, &Organisation),
    crumbs: Vec<Link>,
) -> AppResult<String> {
    let title = format!("{} {}", entity.name, round.id);
    let layout = layout_for(state, viewer, &title, Some(round), crumbs).await?;
    let n = state.app.nyckeltal(snap).await?;
    let public_only = indicators_public_only(viewer, Some(code));
    let missing = Missing {
        nyckeltal: super::nyckeltal::org_section(&n, instrument, entity, public_only),
        activities: super::activities::org_block(state, viewer, &snap.rounds, code).await?,
        viewer,
        round,
        code,
        name: entity.name.clone(),
    };
    page(state, layout, missing).await
}
