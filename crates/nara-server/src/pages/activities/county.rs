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
    pub(crate) org: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) kategori: String,
    #[serde(default)]
    pub(crate) delmal: String,
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
    /// The list as CSV, with the same filters.
    pub csv: String,
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

/// What the county list shows a viewer: the organisations whose activities they may see, and
/// those organisations' activities.
pub(crate) struct Visible {
    /// The organisations.
    pub(crate) orgs: Vec<Organisation>,
    /// Their activities.
    pub(crate) all: Vec<Activity>,
    /// Every plan (parties of any organisation).
    pub(crate) plans: Vec<nara_core::activity::LocalPlan>,
    /// The follow-ups of every activity.
    pub(crate) followups: Vec<nara_core::activity::FollowUp>,
    /// Today, for "försenad".
    pub(crate) today: nara_core::round::Date,
}

impl Visible {
    /// What `v` may see, with the newest instrument's delmål.
    pub(crate) async fn load(
        state: &AppState,
        v: &Viewer,
    ) -> AppResult<(Self, Vec<nara_core::instrument::Area>)> {
        let snap = crate::snap(state).await?;
        let orgs: Vec<Organisation> = (visible_orgs(v, &snap.rounds, &snap.organisations))
            .into_iter()
            .cloned()
            .collect();
        let o = state.app.activities(None).await?;
        let all: Vec<Activity> = (o.activities.into_iter())
            .filter(|a| orgs.iter().any(|x| x.code == a.owner))
            .collect();
        // Follow-ups of rounds the viewer may not see are left out, except on their own.
        let own = |id: &nara_core::activity::RecordId| {
            v.is_admin()
                || (all.iter()).any(|a: &Activity| &a.id == id && v.org() == Some(&a.owner))
        };
        let seen = |r: nara_core::RoundId| {
            (snap.rounds.iter()).any(|x| x.id == r && crate::access::round_visible(v, x))
        };
        let followups = (o.followups.into_iter().map(|f| f.followup))
            .filter(|f| own(&f.activity) || seen(f.round))
            .collect();
        let areas = (snap.instruments.last())
            .map(|i| i.areas().to_vec())
            .unwrap_or_default();
        let today = state.app.today()?;
        let plans = o.plans;
        let me = Self {
            orgs,
            all,
            plans,
            followups,
            today,
        };
        Ok((me, areas))
    }

    /// The name of a visible organisation (empty for another).
    pub(crate) fn name(&self, c: &OrgCode) -> &str {
        (self.orgs.iter())
            .find(|o| &o.code == c)
            .map(|o| o.name.as_str())
            .unwrap_or_default()
    }

    /// The activities the filters keep.
    pub(crate) fn kept(&self, q: &Filters) -> Vec<&Activity> {
        self.all.iter().filter(|a| q.keeps(a, self.today)).collect()
    }
}

/// `GET /aktiviteter`.
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
pub async fn county(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<Filters>,
) -> AppResult<Html<String>> {
    let (vis, areas) = Visible::load(&state, &v).await?;
    let kept = vis.kept(&q);
    let crumbs = vec![link("/aktiviteter", "Aktiviteter")];
    let layout = layout_for(&state, &v, "Aktiviteter", None, crumbs).await?;
    let page = CountyPage {
        layout,
        orgs: opts(
            (vis.orgs.iter()).map(|o| (o.code.to_string(), o.name.clone())),
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
        counts: area_counts(&areas, &kept, vis.today),
        rows: (kept.iter())
            .map(|a| row(a, vis.today, vis.name(&a.owner)))
            .collect(),
        total: vis.all.len(),
        links: (vis.orgs.iter())
            .map(|o| (o.code.to_string(), o.name.clone()))
            .collect(),
        csv: csv_href(&q),
    };
    Ok(Html(page.render()?))
}

/// The CSV link with the same filters as the page.
fn csv_href(q: &Filters) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("org", q.org.trim()),
        ("status", q.status.trim()),
        ("kategori", q.kategori.trim()),
        ("delmal", q.delmal.trim()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    match serde_urlencoded::to_string(&pairs) {
        Ok(query) if !query.is_empty() => format!("/aktiviteter.csv?{query}"),
        _ => "/aktiviteter.csv".into(),
    }
}

/// `GET /aktiviteter.csv`: the activities the same filters keep, as CSV (every field quoted,
/// formulas neutralised), only of the organisations the viewer may see.
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
pub async fn csv(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<Filters>,
) -> AppResult<axum::response::Response> {
    let (vis, _) = Visible::load(&state, &v).await?;
    let kept: Vec<Activity> = vis.kept(&q).into_iter().cloned().collect();
    let bytes = state.app.activities_csv(&kept)?;
    let name = format!("aktiviteter-{}.csv", vis.today);
    Ok(crate::downloads::attachment(
        bytes,
        &name,
        crate::downloads::CSV,
    ))
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
