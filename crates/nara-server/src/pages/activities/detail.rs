//! One activity: every field, its history round by round, the edit form and the follow-up form
//! for the newest open round.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use nara_core::activity::{Activity, ActivityStatus, FieldProblem};
use nara_core::{RoundId, RoundStatus};

use super::form::{self, FormView, Opt, Posted};
use super::{Done, OrgData, find, load, notice, org_code, store_activity};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, link, when};

/// One round's follow-up in the history.
pub struct HistoryRow {
    /// The round.
    pub round: String,
    /// The status that round.
    pub status: &'static str,
    /// The comment.
    pub comment: String,
    /// When and by whom it was written.
    pub by: String,
}

/// The follow-up form for a round.
pub struct FollowUpForm {
    /// The round.
    pub round: String,
    /// Where it posts.
    pub action: String,
    /// The statuses to choose from.
    pub statuses: Vec<Opt>,
    /// The comment as typed.
    pub comment: String,
    /// What is wrong with the status (empty when nothing).
    pub status_error: String,
    /// What is wrong with the comment (empty when nothing).
    pub comment_error: String,
}

/// An activity's page.
#[derive(Template)]
#[template(path = "activities_detail.html")]
pub struct DetailPage {
    /// The frame.
    pub layout: Layout,
    /// The title.
    pub title: String,
    /// What just happened (empty when nothing).
    pub notice: String,
    /// Every field: label and value.
    pub facts: Vec<(&'static str, String)>,
    /// Whether it is late.
    pub late: bool,
    /// The follow-ups, oldest round first.
    pub history: Vec<HistoryRow>,
    /// The edit form, for those who may edit.
    pub form: Option<FormView>,
    /// The follow-up form, for those who may edit, when a round is open.
    pub followup: Option<FollowUpForm>,
    /// The CSRF token.
    pub csrf: String,
}

fn facts(a: &Activity, d: &OrgData) -> Vec<(&'static str, String)> {
    let list = |v: Vec<String>| v.join(", ");
    let date = |x: Option<nara_core::round::Date>| x.map(|x| x.to_string()).unwrap_or_default();
    let areas = (a.areas.iter())
        .map(|id| match d.instrument.area(id) {
            Some(area) => format!("{id} {}", area.name),
            None => id.to_string(),
        })
        .collect();
    let plan = (a.plan.as_ref())
        .map(|p| match d.overview.plans.iter().find(|x| &x.id == p) {
            Some(x) => x.name.clone(),
            None => p.to_string(),
        })
        .unwrap_or_default();
    vec![
        ("Id", a.id.to_string()),
        ("Organisation", d.org.name.clone()),
        ("Beskrivning", a.description.clone()),
        ("Delmål", list(areas)),
        ("Kategori", a.category.label().to_string()),
        ("Status", a.status_words(d.today)),
        ("Planerad start", date(a.planned_start)),
        ("Planerat slut", date(a.planned_end)),
        ("Lokal plan", plan),
        ("Samverkanspartner", list(a.partners.clone())),
        (
            "Påståenden",
            list(a.statements.iter().map(|s| s.to_string()).collect()),
        ),
        ("Nyckeltal", list(a.indicators.clone())),
        ("Målgrupp", a.target_group.clone()),
        ("Ansvarig roll", a.responsible_role.clone()),
        ("Ansvarig person", a.responsible_name.clone()),
        ("Förväntad effekt", a.expected_effect.clone()),
        ("Resultat", a.result.clone()),
    ]
}

/// The newest open round, if any.
fn open_round(d: &OrgData) -> Option<RoundId> {
    (d.rounds.iter().rev())
        .find(|r| r.status == RoundStatus::Open)
        .map(|r| r.id)
}

/// The follow-up form for the newest open round: the status and comment as stored for that
/// round (else the activity's status), or as typed in `typed`.
fn followup_form(
    a: &Activity,
    d: &OrgData,
    typed: Option<(&Posted, &[FieldProblem])>,
) -> Option<FollowUpForm> {
    let round = open_round(d).filter(|_| d.editable)?;
    let stored = (d.overview.followups.iter())
        .find(|f| f.followup.activity == a.id && f.followup.round == round);
    let (status, comment) = match (typed, stored) {
        (Some((f, _)), _) => (f.one("status").to_string(), f.one("comment").to_string()),
        (None, Some(s)) => (s.followup.status.label().into(), s.followup.comment.clone()),
        (None, None) => (a.status.label().into(), String::new()),
    };
    let error = |field: &str| {
        (typed.map(|t| t.1).unwrap_or_default().iter())
            .filter(|p| p.field == field)
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(FollowUpForm {
        round: round.to_string(),
        action: format!("/aktiviteter/{}/{}/uppfoljning", a.owner, a.id),
        statuses: (ActivityStatus::ALL.iter())
            .map(|s| Opt {
                value: s.label().into(),
                label: s.label().into(),
                selected: s.label() == status.trim(),
            })
            .collect(),
        comment,
        status_error: error("status"),
        comment_error: error("comment"),
    })
}

/// The edit form with `f`'s values and `problems`.
fn edit_form(a: &Activity, d: &OrgData, f: &Posted, problems: &[FieldProblem]) -> FormView {
    let (fields, other) = form::view(f, problems, &d.choices());
    FormView {
        id: "andra",
        action: format!("/aktiviteter/{}/{}", a.owner, a.id),
        heading: "Ändra aktiviteten".into(),
        submit: "Spara ändringarna",
        fields,
        other,
    }
}

/// The page; `form` and `followup` replace the fresh forms (with what was typed and its
/// problems).
async fn render(
    state: &AppState,
    v: &Viewer,
    d: &OrgData,
    a: &Activity,
    forms: (Option<FormView>, Option<FollowUpForm>),
    notice: String,
) -> AppResult<String> {
    let crumb = link(
        format!("/aktiviteter/{}/{}", a.owner, a.id),
        a.title.clone(),
    );
    let layout = layout_for_activity(state, v, d, &a.title, crumb).await?;
    let mut history: Vec<_> = (d.overview.followups.iter())
        .filter(|f| f.followup.activity == a.id)
        .collect();
    history.sort_by_key(|f| f.followup.round);
    let editable = d.editable;
    let page = DetailPage {
        layout,
        title: a.title.clone(),
        notice,
        facts: facts(a, d),
        late: a.is_late(d.today),
        history: (history.into_iter())
            .map(|f| HistoryRow {
                round: f.followup.round.to_string(),
                status: f.followup.status.label(),
                comment: f.followup.comment.clone(),
                by: format!("{} ({})", when(f.at), f.actor),
            })
            .collect(),
        form: forms
            .0
            .or_else(|| editable.then(|| edit_form(a, d, &form::posted(a), &[]))),
        followup: forms.1.or_else(|| followup_form(a, d, None)),
        csrf: v.csrf.clone(),
    };
    Ok(page.render()?)
}

async fn layout_for_activity(
    state: &AppState,
    v: &Viewer,
    d: &OrgData,
    title: &str,
    crumb: crate::layout::Link,
) -> AppResult<Layout> {
    crate::layout::layout_for(state, v, title, None, d.crumbs(Some(crumb))).await
}

/// `GET /aktiviteter/{code}/{id}`.
#[tracing::instrument(skip_all, fields(org = %code, id = %id))]
pub async fn activity(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, id)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> AppResult<Html<String>> {
    let d = load(&state, &v, &org_code(&code)?, false).await?;
    let a = find(&d, &id)?;
    Ok(Html(
        render(&state, &v, &d, a, (None, None), notice(&done)).await?,
    ))
}

/// `POST /aktiviteter/{code}/{id}`: the activity changed.
#[tracing::instrument(skip_all, fields(user = %v.user.username, org = %code, id = %id))]
pub async fn edit(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Posted(pairs);
    v.check_csrf(f.one("csrf"))?;
    let d = load(&state, &v, &org_code(&code)?, true).await?;
    let stored = find(&d, &id)?;
    let (a, problems) = form::read(&f, stored.clone());
    match store_activity(&state, &v, &d, a, problems).await? {
        Ok(()) => Ok(Redirect::to(&format!("{}?klart=sparad", path(stored))).into_response()),
        Err(ps) => {
            let form = edit_form(stored, &d, &f, &ps);
            let html = render(&state, &v, &d, stored, (Some(form), None), String::new()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

fn path(a: &Activity) -> String {
    format!("/aktiviteter/{}/{}", a.owner, a.id)
}

/// `POST /aktiviteter/{code}/{id}/uppfoljning`: the follow-up of the newest open round, which
/// also sets the activity's status.
#[tracing::instrument(skip_all, fields(user = %v.user.username, org = %code, id = %id))]
pub async fn follow_up(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Posted(pairs);
    v.check_csrf(f.one("csrf"))?;
    let d = load(&state, &v, &org_code(&code)?, true).await?;
    let a = find(&d, &id)?;
    let round = (RoundId::parse(f.one("round")).ok())
        .filter(|r| open_round(&d) == Some(*r))
        .ok_or_else(|| {
            AppError::BadRequest(
                "Uppföljningen gäller den senaste öppna omgången; ladda om sidan och försök igen."
                    .into(),
            )
        })?;
    let outcome = match ActivityStatus::from_word(f.one("status")) {
        None => Err(vec![FieldProblem {
            field: "status",
            message: format!("Välj en status ({}).", ActivityStatus::words()),
        }]),
        Some(status) => {
            let comment = f.one("comment").trim();
            let actor = &v.user.username;
            (state
                .app
                .follow_up_activity(&a.id, round, status, comment, actor)
                .await?)
                .map_err(|ps| ps.into_iter().map(|p| p.problem).collect())
        }
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("{}?klart=uppfoljd", path(a))).into_response()),
        Err(ps) => {
            let fu = followup_form(a, &d, Some((&f, &ps)));
            let html = render(&state, &v, &d, a, (None, fu), String::new()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}
