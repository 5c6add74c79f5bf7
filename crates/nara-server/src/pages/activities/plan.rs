//! A lokal plan i samverkan on the web: the form to add one (`/aktiviteter/{code}/planer/ny`)
//! and to change one (`/aktiviteter/{code}/planer/{id}`). Those who may edit the organisation's
//! activities may edit the plans it is a party to; a respondent's own organisation stays a
//! party (the coordinator may make any plan). Nothing is stored from a form with a problem.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use nara_core::activity::{FieldProblem, LocalPlan, PlanStatus, RecordId, Systemledning};
use nara_core::{AreaId, OrgCode, Organisation};

use super::form::{self, FormView, Opt, Posted, Spec, choose, lines, read_date};
use super::{Done, OrgData, field_problems, load, notice, org_code};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, layout_for, link};

const FIELDS: &[Spec] = &[
    ("name", "Planens namn", "text", ""),
    ("parties", "Organisationer som är parter", "checks", ""),
    (
        "partners",
        "Övriga parter",
        "textarea",
        "En per rad, till exempel en hälsocentral eller en förening.",
    ),
    ("start", "Planen gäller från", "date", "ÅÅÅÅ-MM-DD"),
    (
        "end",
        "Planen gäller till",
        "date",
        "ÅÅÅÅ-MM-DD. Frivilligt.",
    ),
    ("status", "Status", "select", ""),
    (
        "decided_by",
        "Beslutad av",
        "text",
        "Till exempel en nämnd.",
    ),
    (
        "decided_on",
        "Beslutsdatum",
        "date",
        "ÅÅÅÅ-MM-DD. Krävs när planen är beslutad eller reviderad.",
    ),
    (
        "link",
        "Länk till planen",
        "text",
        "En webbadress som börjar med https://.",
    ),
    ("systemledning", "Gemensam systemledning", "select", ""),
    ("areas", "Prioriterade delmål", "checks", ""),
];

/// The page of a plan's form.
#[derive(Template)]
#[template(path = "activities_plan.html")]
pub struct PlanPage {
    /// The frame.
    pub layout: Layout,
    /// The heading.
    pub title: String,
    /// What just happened (empty when nothing).
    pub notice: String,
    /// Where to go back to.
    pub back: String,
    /// The form (named as the included form template names it).
    pub f: FormView,
    /// The CSRF token.
    pub csrf: String,
}

/// Reads the posted form over `base`; the problems are those of reading (dates, words).
fn read(f: &Posted, base: LocalPlan) -> (LocalPlan, Vec<FieldProblem>) {
    let mut p = Vec::new();
    let mut plan = base;
    plan.name = f.one("name").trim().to_string();
    plan.parties = Vec::new();
    for s in f.all("parties") {
        match OrgCode::parse(s) {
            Ok(c) if !plan.parties.contains(&c) => plan.parties.push(c),
            Ok(_) => {}
            Err(_) => p.push(problem("parties", format!("”{s}” är ingen organisation."))),
        }
    }
    plan.partners = lines(f.one("partners"));
    match read_date(&mut p, "start", "Gäller från", f.one("start")) {
        Some(d) => plan.start = d,
        None if !p.iter().any(|x| x.field == "start") => p.push(problem(
            "start",
            "Ange från vilket datum planen gäller (ÅÅÅÅ-MM-DD).".into(),
        )),
        None => {}
    }
    plan.end = read_date(&mut p, "end", "Gäller till", f.one("end"));
    match PlanStatus::from_word(f.one("status")) {
        Some(s) => plan.status = s,
        None => p.push(problem(
            "status",
            format!("Välj en status ({}).", PlanStatus::words()),
        )),
    }
    plan.decided_by = f.one("decided_by").trim().to_string();
    plan.decided_on = read_date(&mut p, "decided_on", "Beslutsdatum", f.one("decided_on"));
    plan.link = f.one("link").trim().to_string();
    match Systemledning::from_word(f.one("systemledning")) {
        Some(s) => plan.systemledning = s,
        None => p.push(problem(
            "systemledning",
            format!("Välj om systemledning finns ({}).", Systemledning::words()),
        )),
    }
    plan.areas = Vec::new();
    for s in f.all("areas") {
        match AreaId::parse(s) {
            Ok(id) if !plan.areas.contains(&id) => plan.areas.push(id),
            Ok(_) => {}
            Err(_) => p.push(problem("areas", format!("”{s}” är inget delmål."))),
        }
    }
    (plan, p)
}

fn problem(field: &'static str, message: String) -> FieldProblem {
    FieldProblem { field, message }
}

/// A stored plan as the form would post it.
fn posted(p: &LocalPlan) -> Posted {
    let mut f = Posted::default();
    let d = |d: Option<nara_core::round::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    f.push("name", &p.name);
    for c in &p.parties {
        f.push("parties", c.as_str());
    }
    f.push("partners", p.partners.join("\n"));
    f.push("start", p.start.to_string());
    f.push("end", d(p.end));
    f.push("status", p.status.label());
    f.push("decided_by", &p.decided_by);
    f.push("decided_on", d(p.decided_on));
    f.push("link", &p.link);
    f.push("systemledning", p.systemledning.label());
    for a in &p.areas {
        f.push("areas", a.as_str());
    }
    f
}

fn options(name: &str, f: &Posted, d: &OrgData, orgs: &[Organisation]) -> Vec<Opt> {
    let words = |all: Vec<&'static str>| -> Vec<(String, String)> {
        all.into_iter()
            .map(|w| (w.to_string(), w.to_string()))
            .collect()
    };
    let pairs: Vec<(String, String)> = match name {
        "status" => words(PlanStatus::ALL.iter().map(|x| x.label()).collect()),
        "systemledning" => words(Systemledning::ALL.iter().map(|x| x.label()).collect()),
        "parties" => (orgs.iter())
            .map(|o| {
                (
                    o.code.to_string(),
                    nara_core::org::with_code(&o.name, &o.code),
                )
            })
            .collect(),
        _ => (d.instrument.areas().iter())
            .map(|a| (a.id.to_string(), format!("{} {}", a.id, a.name)))
            .collect(),
    };
    choose(f, name, &pairs, None)
}

/// The form with `f`'s values and `problems`; `id` is the stored plan's (None for a new one).
fn form_view(
    d: &OrgData,
    orgs: &[Organisation],
    id: Option<&RecordId>,
    f: &Posted,
    problems: &[FieldProblem],
) -> FormView {
    let (fields, other) = form::fields(FIELDS, f, problems, &|n| options(n, f, d, orgs));
    let base = d.base();
    match id {
        Some(id) => FormView {
            id: "plan",
            action: format!("{base}/planer/{id}"),
            heading: "Ändra planen".into(),
            submit: "Spara planen",
            fields,
            other,
        },
        None => FormView {
            id: "plan",
            action: format!("{base}/planer/ny"),
            heading: "Planens uppgifter".into(),
            submit: "Lägg till planen",
            fields,
            other,
        },
    }
}

async fn render(
    state: &AppState,
    v: &Viewer,
    d: &OrgData,
    title: String,
    form: FormView,
    notice: String,
) -> AppResult<String> {
    let layout = layout_for(state, v, &title, None, d.crumbs(Some(link("", &title)))).await?;
    Ok(PlanPage {
        layout,
        title,
        notice,
        back: d.base(),
        f: form,
        csrf: v.csrf.clone(),
    }
    .render()?)
}

/// The stored plan `id` that the organisation is a party to, or 404.
fn find<'a>(d: &'a OrgData, id: &str) -> AppResult<&'a LocalPlan> {
    let not_found = || AppError::NotFound(format!("Planen {id} finns inte hos {}.", d.org.name));
    let id = RecordId::parse(id).map_err(|_| not_found())?;
    (d.overview.plans.iter())
        .find(|p| p.id == id)
        .ok_or_else(not_found)
}

/// A new plan's form: the organisation a party, an utkast, systemledning saknas.
fn empty(d: &OrgData) -> Posted {
    let mut f = Posted::default();
    f.push("parties", d.org.code.as_str());
    f.push("status", PlanStatus::Utkast.label());
    f.push("systemledning", Systemledning::Saknas.label());
    f
}

/// `GET /aktiviteter/{code}/planer/{id}` (`ny` for a new plan).
#[tracing::instrument(skip_all, fields(org = %code, id = %id))]
pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, id)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> AppResult<Html<String>> {
    let d = load(&state, &v, &org_code(&code)?, true).await?;
    let orgs = crate::snap(&state).await?.organisations.clone();
    let (title, form) = if id == "ny" {
        let f = empty(&d);
        let title = format!("Ny lokal plan i samverkan – {}", d.org.name);
        (title, form_view(&d, &orgs, None, &f, &[]))
    } else {
        let p = find(&d, &id)?;
        let f = posted(p);
        (p.name.clone(), form_view(&d, &orgs, Some(&p.id), &f, &[]))
    };
    Ok(Html(
        render(&state, &v, &d, title, form, notice(&done)).await?,
    ))
}

/// `POST /aktiviteter/{code}/planer/{id}` (`ny` for a new plan).
#[tracing::instrument(skip_all, fields(user = %v.user.username, org = %code, id = %id))]
pub async fn save(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Posted(pairs);
    v.check_csrf(f.one("csrf"))?;
    let d = load(&state, &v, &org_code(&code)?, true).await?;
    let base = match id.as_str() {
        "ny" => new_plan(&d)?,
        _ => find(&d, &id)?.clone(),
    };
    let is_new = id == "ny";
    let (plan, mut problems) = read(&f, base);
    if !v.is_admin() && !plan.parties.contains(&d.org.code) {
        problems.push(problem(
            "parties",
            format!("{} ska vara part i planen.", d.org.name),
        ));
    }
    if problems.is_empty() {
        let batch = nara_app::activities::ActivityBatch {
            plans: vec![plan.clone()],
            ..Default::default()
        };
        match state.app.save_activities(&batch, &v.user.username).await? {
            Ok(_) => {
                let to = format!(
                    "{}?klart={}",
                    d.base(),
                    if is_new { "plan" } else { "plansparad" }
                );
                return Ok(Redirect::to(&to).into_response());
            }
            Err(ps) => problems = field_problems(ps),
        }
    }
    let orgs = crate::snap(&state).await?.organisations.clone();
    let stored = (!is_new).then_some(&plan.id);
    let form = form_view(&d, &orgs, stored, &f, &problems);
    let title = match is_new {
        true => format!("Ny lokal plan i samverkan – {}", d.org.name),
        false => plan.name.clone(),
    };
    let html = render(&state, &v, &d, title, form, String::new()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

fn new_plan(d: &OrgData) -> AppResult<LocalPlan> {
    Ok(LocalPlan {
        id: nara_app::activities::new_id('P')?,
        name: String::new(),
        parties: vec![d.org.code.clone()],
        partners: Vec::new(),
        start: d.today,
        end: None,
        status: PlanStatus::Utkast,
        decided_by: String::new(),
        decided_on: None,
        link: String::new(),
        systemledning: Systemledning::Saknas,
        areas: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> LocalPlan {
        LocalPlan {
            id: RecordId::parse("P-ABCDEFGH").unwrap(),
            name: String::new(),
            parties: vec![],
            partners: vec![],
            start: nara_core::round::Date::parse("2026-01-01").unwrap(),
            end: None,
            status: PlanStatus::Utkast,
            decided_by: String::new(),
            decided_on: None,
            link: String::new(),
            systemledning: Systemledning::Saknas,
            areas: vec![],
        }
    }

    fn form(pairs: &[(&str, &str)]) -> Posted {
        Posted(
            (pairs.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_posted_plan_reads_back_as_it_was_shown() {
        let f = form(&[
            ("name", " Samverkansplan Falun "),
            ("parties", "2080"),
            ("parties", "0020"),
            ("partners", "Hälsocentralen\n\n Kyrkan "),
            ("start", "2025-01-01"),
            ("end", "2027-12-31"),
            ("status", "beslutad"),
            ("decided_on", "2024-12-10"),
            ("systemledning", "under uppbyggnad"),
            ("areas", "d1"),
        ]);
        let (p, problems) = read(&f, base());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(p.name, "Samverkansplan Falun");
        assert_eq!(p.parties.len(), 2);
        assert_eq!(p.partners, ["Hälsocentralen", "Kyrkan"]);
        assert_eq!(p.status, PlanStatus::Beslutad);
        assert_eq!(p.systemledning, Systemledning::UnderUppbyggnad);
        let (again, problems) = read(&posted(&p), base());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(again, p);
    }

    #[test]
    fn a_missing_start_and_an_unknown_word_are_named_by_their_fields() {
        let f = form(&[
            ("name", "X"),
            ("status", "klar"),
            ("systemledning", "finns"),
        ]);
        let (_, problems) = read(&f, base());
        let fields: Vec<&str> = problems.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["start", "status"]);
    }
}
