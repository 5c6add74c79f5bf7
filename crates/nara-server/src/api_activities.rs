//! Aktiviteter and lokala planer in the JSON API (`docs/api.md`): the activities the viewer may
//! see, filtered like the county list (`/aktiviteter`) and paged, each with its follow-ups round
//! by round; and the plans. The same rule as the pages decides who sees what
//! ([`crate::pages::activities::activities_visible`]): the coordinator every organisation's, a
//! respondent their own, everyone else an organisation's only once a round is published.
//! "Försenad" is derived from the planned end and today, never stored.

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use nara_core::RoundId;
use nara_core::activity::{Activity, Counts, LocalPlan, counts};
use nara_core::round::Date;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::{ApiError, ApiViewer};
use crate::error::AppError;
use crate::pages::activities::county::{Filters, Visible};

/// The activity routes of the API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/activities", get(activities))
        .route("/api/v1/plans", get(plans))
}

/// The most activities one page holds.
pub const MAX_PER_PAGE: usize = 500;

/// One round's follow-up of an activity.
#[derive(Debug, Serialize)]
pub struct FollowUpItem {
    /// The round.
    pub round: RoundId,
    /// The status that round.
    pub status: nara_core::activity::ActivityStatus,
    /// The comment.
    pub comment: String,
}

/// One activity with its organisation's name, whether it is late, and its follow-ups.
#[derive(Debug, Serialize)]
pub struct ActivityItem {
    /// The activity as stored (words as names: `planerad`, `pagar`, …; see `docs/api.md`).
    #[serde(flatten)]
    pub activity: Activity,
    /// The owning organisation's name.
    pub owner_name: String,
    /// Whether it is late today (not done or stopped, and its planned end has passed).
    pub late: bool,
    /// Its follow-ups, oldest round first.
    pub followups: Vec<FollowUpItem>,
}

/// A page of activities.
#[derive(Debug, Serialize)]
pub struct ActivityPage {
    /// The day "late" is judged on.
    pub today: Date,
    /// How many activities the filters keep (on every page).
    pub total: usize,
    /// The counts by status of those the filters keep.
    pub counts: Counts,
    /// This page (from 1).
    pub page: usize,
    /// How many a page holds.
    pub per_page: usize,
    /// This page's activities.
    pub activities: Vec<ActivityItem>,
}

/// `?sida=N&per_sida=M` with the county list's filters (`org`, `status`, `kategori`, `delmal`).
#[derive(Deserialize, Default)]
pub struct ActivityQuery {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default)]
    sida: String,
    #[serde(default)]
    per_sida: String,
}

fn paging(q: &ActivityQuery) -> Result<(usize, usize), ApiError> {
    let number = |s: &str, default: usize| match s.trim() {
        "" => Ok(default),
        t => t.parse::<usize>(),
    };
    match (number(&q.sida, 1), number(&q.per_sida, 100)) {
        (Ok(page), Ok(per)) if page >= 1 && (1..=MAX_PER_PAGE).contains(&per) => Ok((page, per)),
        _ => Err(ApiError(AppError::BadRequest(format!(
            "sida räknas från 1 och per_sida ska vara 1–{MAX_PER_PAGE}."
        )))),
    }
}

/// `GET /api/v1/activities`: the activities the viewer may see that the filters keep, a page at
/// a time (`sida` from 1, `per_sida` 100 unless given, at most [`MAX_PER_PAGE`]).
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
pub async fn activities(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Query(q): Query<ActivityQuery>,
) -> Result<Json<ActivityPage>, ApiError> {
    let (page, per_page) = paging(&q)?;
    let (vis, _) = Visible::load(&state, &v).await?;
    let kept = vis.kept(&q.filters);
    let shown: Vec<&Activity> = (kept.iter().copied())
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect();
    let activities = (shown.iter())
        .map(|a| {
            let mut mine: Vec<FollowUpItem> = (vis.followups.iter())
                .filter(|f| f.activity == a.id)
                .map(|f| FollowUpItem {
                    round: f.round,
                    status: f.status,
                    comment: f.comment.clone(),
                })
                .collect();
            mine.sort_by_key(|f| f.round);
            ActivityItem {
                activity: (*a).clone(),
                owner_name: vis.name(&a.owner).to_string(),
                late: a.is_late(vis.today),
                followups: mine,
            }
        })
        .collect();
    Ok(Json(ActivityPage {
        today: vis.today,
        total: kept.len(),
        counts: counts(kept.iter().copied(), vis.today),
        page,
        per_page,
        activities,
    }))
}

/// `?org=CODE` on the plans.
#[derive(Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    org: String,
}

/// `GET /api/v1/plans`: the plans with at least one party whose activities the viewer may see
/// (`?org=CODE`: those the organisation is a party to).
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
pub async fn plans(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Query(q): Query<PlanQuery>,
) -> Result<Json<Vec<LocalPlan>>, ApiError> {
    let (vis, _) = Visible::load(&state, &v).await?;
    let org = q.org.trim();
    let plans = (vis.plans.into_iter())
        .filter(|p| {
            p.parties
                .iter()
                .any(|c| vis.orgs.iter().any(|o| &o.code == c))
        })
        .filter(|p| org.is_empty() || p.parties.iter().any(|c| c.as_str() == org))
        .collect();
    Ok(Json(plans))
}
