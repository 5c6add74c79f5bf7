//! Aktiviteter and lokala planer on the web: an organisation's plans and activities
//! (`/aktiviteter/{code}`), one activity with its history round by round and the forms to edit
//! it and follow it up (`/aktiviteter/{code}/{id}`), and the county's list with filters
//! (`/aktiviteter`). Who sees and who edits is decided by [`activities_visible`] and
//! [`activities_editable`]; every form checks CSRF, and nothing is stored from a form with a
//! problem (the problems are shown beside their fields, the values as typed).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nara_core::activity::{Activity, ActivityStatus, FieldProblem, RecordId};
use nara_core::round::Date;
use nara_core::{Instrument, OrgCode, Organisation, Round, RoundStatus};
use serde::Deserialize;

use crate::AppState;
use crate::access::county_visible;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::extract::PathOrg;
use crate::layout::{Layout, Link, layout_for, link};

pub(crate) mod county;
mod detail;
pub mod form;
mod plan;

pub use county::{OrgBlock, org_block};
use form::{Choices, FormView, Posted};

/// The pages and forms of activities.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/aktiviteter", get(county::county))
        .route("/aktiviteter.csv", get(county::csv))
        .route("/aktiviteter/{code}", get(org_page).post(create))
        .route(
            "/aktiviteter/{code}/{id}",
            get(detail::activity).post(detail::edit),
        )
        .route(
            "/aktiviteter/{code}/planer/{id}",
            get(plan::page).post(plan::save),
        )
        .route(
            "/aktiviteter/{code}/{id}/uppfoljning",
            post(detail::follow_up),
        )
}

/// Whether the viewer may see `org`'s plans and activities. Activities belong to no round, so
/// the rule follows the newest *published* round: the coordinator sees every organisation's;
/// a respondent always sees their own organisation's; anyone else (readers, other
/// organisations' respondents) sees them only when a published round exists whose county
/// numbers the viewer may see ([`county_visible`]), the same moment the county's numbers
/// become public.
pub fn activities_visible(v: &Viewer, rounds: &[Round], org: &OrgCode) -> bool {
    v.is_admin()
        || v.org() == Some(org)
        || (rounds.iter().rev())
            .find(|r| r.status == RoundStatus::Published)
            .is_some_and(|r| county_visible(v, r))
}

/// Whether the viewer may add, change and follow up `org`'s activities: the coordinator, and
/// the organisation's own respondents. Readers never.
pub fn activities_editable(v: &Viewer, org: &OrgCode) -> bool {
    v.is_admin() || v.org() == Some(org)
}

/// What the pages of one organisation are built from, after the access check.
struct OrgData {
    org: Organisation,
    instrument: Instrument,
    rounds: Vec<Round>,
    overview: nara_app::activities::Overview,
    today: Date,
    editable: bool,
}

/// Loads an organisation's plans and activities for the viewer: 404 when there is no such
/// organisation, 403 when the viewer may not see them (or, with `edit`, may not change them).
async fn load(state: &AppState, v: &Viewer, code: &OrgCode, edit: bool) -> AppResult<OrgData> {
    let snap = crate::snap(state).await?;
    let org = (snap.organisation(code).cloned())
        .ok_or_else(|| AppError::NotFound(format!("Organisationen {code} finns inte.")))?;
    let editable = activities_editable(v, code);
    if !activities_visible(v, &snap.rounds, code) || (edit && !editable) {
        return Err(AppError::Forbidden);
    }
    let instrument = (snap.instruments.last().cloned())
        .ok_or_else(|| AppError::NotFound("Inget instrument finns ännu.".into()))?;
    let mut overview = state.app.activities(Some(code)).await?;
    // Those who edit see every follow-up; others only those of rounds they may see, as with
    // the rounds' results.
    if !editable {
        let seen = |r: nara_core::RoundId| {
            (snap.rounds.iter()).any(|x| x.id == r && crate::access::round_visible(v, x))
        };
        overview.followups.retain(|f| seen(f.followup.round));
    }
    Ok(OrgData {
        org,
        instrument,
        rounds: snap.rounds.clone(),
        overview,
        today: state.app.today()?,
        editable,
    })
}

impl OrgData {
    fn choices(&self) -> Choices {
        Choices {
            areas: (self.instrument.areas().iter())
                .map(|a| (a.id.to_string(), a.name.clone()))
                .collect(),
            plans: (self.overview.plans.iter())
                .map(|p| (p.id.to_string(), p.name.clone()))
                .collect(),
        }
    }

    fn base(&self) -> String {
        format!("/aktiviteter/{}", self.org.code)
    }

    fn crumbs(&self, more: Option<Link>) -> Vec<Link> {
        let mut c = vec![
            link("/aktiviteter", "Aktiviteter"),
            link(self.base(), self.org.name.clone()),
        ];
        c.extend(more);
        c
    }

    /// The new-activity form with `f`'s values and `problems`.
    fn new_form(&self, f: &Posted, problems: &[FieldProblem]) -> FormView {
        let (fields, other) = form::view(f, problems, &self.choices());
        FormView {
            id: "ny",
            action: self.base(),
            heading: "Ny aktivitet".into(),
            submit: "Lägg till aktiviteten",
            fields,
            other,
        }
    }
}

/// A plan's row.
pub struct PlanRow {
    /// Its name.
    pub name: String,
    /// The parties' names.
    pub parties: String,
    /// Its status in words.
    pub status: &'static str,
    /// Systemledning in words.
    pub systemledning: &'static str,
    /// `2025-01-01–2027-12-31`.
    pub period: String,
    /// The link to the document (empty when none).
    pub link: String,
    /// Its form (empty for those who may not edit it).
    pub edit: String,
}

/// An activity's row.
pub struct ActivityRow {
    /// Its page.
    pub href: String,
    /// Its title.
    pub title: String,
    /// The organisation's name (the county list).
    pub org: String,
    /// The delmål's ids.
    pub areas: String,
    /// The category.
    pub category: &'static str,
    /// The status in words, with "försenad" when late.
    pub status: String,
    /// Whether it is late.
    pub late: bool,
    /// The planned end (empty when none).
    pub planned_end: String,
    /// The latest follow-up: `2026: pågår – comment` (empty when none).
    pub latest: String,
}

fn activity_row(a: &Activity, d: &OrgData) -> ActivityRow {
    let latest = (d.overview.followups.iter())
        .filter(|f| f.followup.activity == a.id)
        .max_by_key(|f| f.followup.round)
        .map(|f| {
            let f = &f.followup;
            match f.comment.trim() {
                "" => format!("{}: {}", f.round, f.status.label()),
                c => format!("{}: {} – {c}", f.round, f.status.label()),
            }
        })
        .unwrap_or_default();
    ActivityRow {
        latest,
        ..row(a, d.today, &d.org.name)
    }
}

/// An activity's row without its follow-up.
fn row(a: &Activity, today: Date, org: &str) -> ActivityRow {
    ActivityRow {
        href: format!("/aktiviteter/{}/{}", a.owner, a.id),
        title: a.title.clone(),
        org: org.to_string(),
        areas: (a.areas.iter().map(|x| x.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        category: a.category.label(),
        status: a.status_words(today),
        late: a.is_late(today),
        planned_end: a.planned_end.map(|d| d.to_string()).unwrap_or_default(),
        latest: String::new(),
    }
}

fn plan_row(p: &nara_core::activity::LocalPlan, names: &[Organisation], d: &OrgData) -> PlanRow {
    let name_of = |c: &OrgCode| {
        (names.iter().find(|o| &o.code == c))
            .map(|o| o.name.clone())
            .unwrap_or_else(|| c.to_string())
    };
    PlanRow {
        name: p.name.clone(),
        parties: p.parties.iter().map(name_of).collect::<Vec<_>>().join(", "),
        status: p.status.label(),
        systemledning: p.systemledning.label(),
        period: format!(
            "{}–{}",
            p.start,
            p.end.map(|d| d.to_string()).unwrap_or_default()
        ),
        link: match p.link.starts_with("https://") || p.link.starts_with("http://") {
            true => p.link.clone(),
            false => String::new(),
        },
        edit: match d.editable {
            true => format!("{}/planer/{}", d.base(), p.id),
            false => String::new(),
        },
    }
}

/// An organisation's plans and activities.
#[derive(Template)]
#[template(path = "activities_org.html")]
pub struct OrgActivitiesPage {
    /// The frame.
    pub layout: Layout,
    /// The organisation's name.
    pub name: String,
    /// What just happened (empty when nothing).
    pub notice: String,
    /// The plans.
    pub plans: Vec<PlanRow>,
    /// The activities.
    pub rows: Vec<ActivityRow>,
    /// The new-activity form, for those who may edit.
    pub form: Option<FormView>,
    /// The new plan's form, for those who may edit (empty otherwise).
    pub new_plan: String,
    /// The CSRF token.
    pub csrf: String,
}

async fn org_view(
    state: &AppState,
    v: &Viewer,
    d: &OrgData,
    form: Option<FormView>,
    notice: String,
) -> AppResult<String> {
    let title = format!("Aktiviteter – {}", d.org.name);
    let layout = layout_for(state, v, &title, None, d.crumbs(None)).await?;
    let orgs = crate::snap(state).await?.organisations.clone();
    let page = OrgActivitiesPage {
        layout,
        name: nara_core::org::with_code(&d.org.name, &d.org.code),
        notice,
        plans: d
            .overview
            .plans
            .iter()
            .map(|p| plan_row(p, &orgs, d))
            .collect(),
        rows: d
            .overview
            .activities
            .iter()
            .map(|a| activity_row(a, d))
            .collect(),
        form: form.or_else(|| d.editable.then(|| d.new_form(&empty_form(), &[]))),
        new_plan: match d.editable {
            true => format!("{}/planer/ny", d.base()),
            false => String::new(),
        },
        csrf: v.csrf.clone(),
    };
    Ok(page.render()?)
}

/// A new activity's form: status planerad, nothing else chosen.
fn empty_form() -> Posted {
    Posted(vec![(
        "status".into(),
        ActivityStatus::Planerad.label().into(),
    )])
}

/// `?klart=` after a form was stored.
#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    klart: String,
}

fn notice(d: &Done) -> String {
    match d.klart.as_str() {
        "ny" => "Aktiviteten är tillagd.".into(),
        "sparad" => "Ändringarna är sparade.".into(),
        "uppfoljd" => "Uppföljningen är sparad och aktivitetens status satt.".into(),
        "plan" => "Planen är tillagd.".into(),
        "plansparad" => "Ändringarna i planen är sparade.".into(),
        _ => String::new(),
    }
}

/// `GET /aktiviteter/{code}`.
#[tracing::instrument(skip_all, fields(org = %code))]
pub async fn org_page(
    State(state): State<AppState>,
    v: Viewer,
    PathOrg(code): PathOrg,
    Query(done): Query<Done>,
) -> AppResult<Html<String>> {
    let d = load(&state, &v, &code, false).await?;
    Ok(Html(org_view(&state, &v, &d, None, notice(&done)).await?))
}

/// Problems of a stored batch as field problems.
fn field_problems(ps: Vec<nara_app::activities::RecordProblem>) -> Vec<FieldProblem> {
    ps.into_iter().map(|p| p.problem).collect()
}

/// Core's problems with an activity that could not be read whole, so the form shows every
/// problem at once: checked against the instrument, with the owner, the indicators and the plan
/// taken as known (storing checks those), and only for fields without a reading problem.
fn more_problems(d: &OrgData, a: &Activity, reading: &[FieldProblem]) -> Vec<FieldProblem> {
    let indicators: Vec<&str> = a.indicators.iter().map(String::as_str).collect();
    let ctx = nara_core::activity::Context {
        instrument: &d.instrument,
        organisations: std::slice::from_ref(&a.owner),
        indicators: &indicators,
        plans: a.plan.as_slice(),
    };
    match a.check(&ctx) {
        Ok(()) => Vec::new(),
        Err(ps) => (ps.into_iter())
            .filter(|p| !reading.iter().any(|r| r.field == p.field))
            .collect(),
    }
}

/// Stores one activity; its field problems when it has any (and then nothing is stored).
async fn store_activity(
    state: &AppState,
    v: &Viewer,
    d: &OrgData,
    a: Activity,
    mut problems: Vec<FieldProblem>,
) -> AppResult<Result<(), Vec<FieldProblem>>> {
    if !problems.is_empty() {
        let more = more_problems(d, &a, &problems);
        problems.extend(more);
        return Ok(Err(problems));
    }
    let batch = nara_app::activities::ActivityBatch {
        activities: vec![a],
        ..Default::default()
    };
    match state.app.save_activities(&batch, &v.user.username).await? {
        Ok(_) => Ok(Ok(())),
        Err(ps) => {
            problems.extend(field_problems(ps));
            Ok(Err(problems))
        }
    }
}

/// `POST /aktiviteter/{code}`: a new activity.
#[tracing::instrument(skip_all, fields(user = %v.user.username, org = %code))]
pub async fn create(
    State(state): State<AppState>,
    v: Viewer,
    PathOrg(code): PathOrg,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Posted(pairs);
    v.check_csrf(f.one("csrf"))?;
    let d = load(&state, &v, &code, true).await?;
    let base = Activity::new(nara_app::activities::new_id('A')?, code.clone());
    let (a, problems) = form::read(&f, base);
    let id = a.id.clone();
    match store_activity(&state, &v, &d, a, problems).await? {
        Ok(()) => Ok(Redirect::to(&format!("/aktiviteter/{code}/{id}?klart=ny")).into_response()),
        Err(ps) => {
            let form = d.new_form(&f, &ps);
            let html = org_view(&state, &v, &d, Some(form), String::new()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

/// The organisation code of a path, or 404.
fn org_code(code: &str) -> AppResult<OrgCode> {
    OrgCode::parse(code)
        .map_err(|_| AppError::NotFound(format!("Organisationen {code} finns inte.")))
}

/// The activity `id` of the organisation, or 404.
fn find<'a>(d: &'a OrgData, id: &str) -> AppResult<&'a Activity> {
    let not_found =
        || AppError::NotFound(format!("Aktiviteten {id} finns inte hos {}.", d.org.name));
    let id = RecordId::parse(id).map_err(|_| not_found())?;
    (d.overview.activities.iter())
        .find(|a| a.id == id)
        .ok_or_else(not_found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nara_core::{Role, RoundId, User};

    fn viewer(role: Role, org: Option<&str>) -> Viewer {
        Viewer {
            user: User {
                id: 1,
                username: "x".into(),
                password_hash: String::new(),
                role,
                org: org.map(|o| OrgCode::parse(o).unwrap()),
                disabled: false,
                created_at: 0,
            },
            csrf: String::new(),
        }
    }

    fn round(id: &str, status: RoundStatus) -> Round {
        Round {
            id: RoundId::parse(id).unwrap(),
            instrument_id: "x".into(),
            instrument_version: "1".into(),
            status,
            opens: None,
            closes: None,
        }
    }

    #[test]
    fn others_see_activities_only_once_a_round_is_published() {
        let own = OrgCode::parse("2080").unwrap();
        let other = OrgCode::parse("2021").unwrap();
        let admin = viewer(Role::Admin, None);
        let resp = viewer(Role::Respondent, Some("2080"));
        let reader = viewer(Role::Reader, None);
        let before = [
            round("2025", RoundStatus::Closed),
            round("2026", RoundStatus::Open),
        ];
        assert!(activities_visible(&admin, &before, &other));
        assert!(activities_visible(&resp, &before, &own));
        assert!(!activities_visible(&resp, &before, &other));
        assert!(!activities_visible(&reader, &before, &own));
        assert!(!activities_visible(&reader, &[], &own));
        let after = [
            round("2025", RoundStatus::Published),
            round("2026", RoundStatus::Open),
        ];
        assert!(activities_visible(&resp, &after, &other));
        assert!(activities_visible(&reader, &after, &own));
        assert!(activities_editable(&resp, &own));
        assert!(!activities_editable(&resp, &other));
        assert!(!activities_editable(&reader, &own));
        assert!(activities_editable(&admin, &other));
    }
}
