//! The county's list of activities with filters (GET parameters, no JavaScript) and counts per
//! delmål; and the small block on an organisation's page.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use nara_core::activity::{Activity, ActivityStatus, Category, counts};
use nara_core::{OrgCode, Organisation, Round};
use serde::Deserialize;

use super::form::Opt;
use super::{ActivityRow, activities_visible, row};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::layout::{Layout, layout_for, link};

/// The filters of the county list: `?org=2080&status=pågår&kategori=kompetens&delmal=D3`
/// (`status=försenad` for the late ones). Empty or unknown values filter nothing.
#[derive(Deserialize, Default, Debug)]
pub struct Filters {
    #[serde(default)]
    org: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    delmal: String,
}

/// The word of the derived status in the status filter.
const LATE: &str = "försenad";

impl Filters {
    fn keeps(&self, a: &Activity, today: nara_core::round::Date) -> bool {
        let org = self.org.trim();
        let status = self.status.trim();
        (org.is_empty() || a.owner.as_str() == org)
            && match status {
                "" => true,
                LATE => a.is_late(today),
                s => ActivityStatus::from_word(s).is_none_or(|x| x == a.status),
            }
            && Category::from_word(&self.kategori).is_none_or(|c| c == a.category)
            && (self.delmal.trim().is_empty()
                || a.areas
                    .iter()
                    .any(|x| x.as_str().eq_ignore_ascii_case(self.delmal.trim())))
    }
}

/// One delmål's count in the county list.
pub struct AreaCount {
    /// `D3 Nära för mig`.
    pub area: String,
    /// Activities that follow it (of those the filters keep).
    pub count: usize,
    /// Of them late.
    pub late: usize,
}

/// The county's list of activities.
#[derive(Template)]
#[template(path = "activities_county.html")]
pub struct CountyPage {
    /// The frame.
    pub layout: Layout,
    /// The organisation filter's options.
    pub orgs: Vec<Opt>,
    /// The status filter's options.
    pub statuses: Vec<Opt>,
    /// The category filter's options.
    pub categories: Vec<Opt>,
    /// The delmål filter's options.
    pub areas: Vec<Opt>,
    /// Counts per delmål.
    pub counts: Vec<AreaCount>,
    /// The activities the filters keep.
    pub rows: Vec<ActivityRow>,
    /// How many activities the viewer may see in all.
    pub total: usize,
    /// The organisations whose activities the viewer may open (code and name).
    pub links: Vec<(String, String)>,
}

fn opts(all: impl IntoIterator<Item = (String, String)>, chosen: &str, any: &str) -> Vec<Opt> {
    let first = Opt {
        value: String::new(),
        label: any.to_string(),
        selected: chosen.trim().is_empty(),
    };
    std::iter::once(first)
        .chain(all.into_iter().map(|(value, label)| Opt {
            selected: value.eq_ignore_ascii_case(chosen.trim()),
            value,
            label,
        }))
        .collect()
}

fn visible_orgs<'a>(
    v: &Viewer,
    rounds: &[Round],
    orgs: &'a [Organisation],
) -> Vec<&'a Organisation> {
    (orgs.iter())
        .filter(|o| activities_visible(v, rounds, &o.code))
        .collect()
}

/// The status filter: the stored statuses and the derived "försenad".
fn status_opts(chosen: &str) -> Vec<Opt> {
    let words = (ActivityStatus::ALL.iter().map(|s| s.label())).chain([LATE]);
    opts(
        words.map(|s| (s.to_string(), s.to_string())),
        chosen,
        "Alla",
    )
}

/// The category filter.
fn category_opts(chosen: &str) -> Vec<Opt> {
    let words = Category::ALL.iter().map(|c| c.label().to_string());
    opts(words.map(|s| (s.clone(), s)), chosen, "Alla")
}

/// How many of `kept` follow each delmål, and how many of them are late.
fn area_counts(
    areas: &[nara_core::instrument::Area],
    kept: &[&Activity],
    today: nara_core::round::Date,
) -> Vec<AreaCount> {
    (areas.iter())
        .map(|x| {
            let of: Vec<_> = kept.iter().filter(|a| a.areas.contains(&x.id)).collect();
            AreaCount {
                area: format!("{} {}", x.id, x.name),
                count: of.len(),
                late: of.iter().filter(|a| a.is_late(today)).count(),
            }
        })
        .collect()
}

/// `GET /aktiviteter`.
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
pub async fn county(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<Filters>,
) -> AppResult<Html<String>> {
    let snap = crate::snap(&state).await?;
    let today = state.app.today()?;
    let orgs = visible_orgs(&v, &snap.rounds, &snap.organisations);
    let name = |c: &OrgCode| orgs.iter().find(|o| &o.code == c).map(|o| o.name.as_str());
    let all: Vec<Activity> = (state.app.activities(None).await?.activities.into_iter())
        .filter(|a| name(&a.owner).is_some())
        .collect();
    let kept: Vec<&Activity> = all.iter().filter(|a| q.keeps(a, today)).collect();
    let areas = snap
        .instruments
        .last()
        .map(|i| i.areas().to_vec())
        .unwrap_or_default();
    let counts = area_counts(&areas, &kept, today);
    let layout = layout_for(
        &state,
        &v,
        "Aktiviteter",
        None,
        vec![link("/aktiviteter", "Aktiviteter")],
    )
    .await?;
    let page = CountyPage {
        layout,
        orgs: opts(
            orgs.iter().map(|o| (o.code.to_string(), o.name.clone())),
            &q.org,
            "Alla organisationer",
        ),
        statuses: status_opts(&q.status),
        categories: category_opts(&q.kategori),
        areas: opts(
            (areas.iter()).map(|x| (x.id.to_string(), format!("{} {}", x.id, x.name))),
            &q.delmal,
            "Alla",
        ),
        counts,
        rows: (kept.iter())
            .map(|a| row(a, today, name(&a.owner).unwrap_or_default()))
            .collect(),
        total: all.len(),
        links: orgs
            .iter()
            .map(|o| (o.code.to_string(), o.name.clone()))
            .collect(),
    };
    Ok(Html(page.render()?))
}

/// The block "Aktiviteter och lokal plan" on an organisation's page.
#[derive(Debug)]
pub struct OrgBlock {
    /// The plans: `Name (systemledning: finns)`.
    pub plans: Vec<String>,
    /// Planerade.
    pub planned: usize,
    /// Pågår.
    pub ongoing: usize,
    /// Klara.
    pub done: usize,
    /// Försenade.
    pub late: usize,
    /// The organisation's activities page.
    pub href: String,
}

/// The block for `code`, or `None` when the viewer may not see its activities.
pub async fn org_block(
    state: &AppState,
    v: &Viewer,
    rounds: &[Round],
    code: &OrgCode,
) -> AppResult<Option<OrgBlock>> {
    if !activities_visible(v, rounds, code) {
        return Ok(None);
    }
    let o = state.app.activities(Some(code)).await?;
    let c = counts(&o.activities, state.app.today()?);
    Ok(Some(OrgBlock {
        plans: (o.plans.iter())
            .map(|p| format!("{} (systemledning: {})", p.name, p.systemledning.label()))
            .collect(),
        planned: c.planned,
        ongoing: c.ongoing,
        done: c.done,
        late: c.late,
        href: format!("/aktiviteter/{code}"),
    }))
}
