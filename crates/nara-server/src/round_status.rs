//! Changing a round's status, in two steps: the rounds page's buttons lead to a page that says
//! what the change does and to whom (without JavaScript), and only its form makes the change.
//! Publishing a round without answers is refused; taking a publication back asks for a reason,
//! which goes into the audit log.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use nara_core::{Round, RoundStatus};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::VisibleRound;
use crate::layout::{Layout, link};
use crate::pages::NoticeKey;

/// Changing a round's status, with a confirmation page.
pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/status", get(confirm).post(set_status))
}

/// The confirmation page.
#[derive(Template)]
#[template(path = "round_status.html")]
pub struct StatusPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// Its status now, in Swedish.
    pub from: String,
    /// The status code to change to.
    pub to: String,
    /// The heading ("Publicera omgång 2026?").
    pub question: String,
    /// The verb in the sentence ("publicerar").
    pub verb: String,
    /// What happens, and to whom.
    pub consequences: Vec<String>,
    /// Organisations that have not answered (names).
    pub missing: Vec<String>,
    /// The button's text.
    pub confirm: String,
    /// Whether a reason is asked for.
    pub needs_reason: bool,
    /// The reason typed so far.
    pub reason: String,
    /// What went wrong.
    pub error: String,
}

/// What a change means: (question, verb, button, consequences).
fn describe(
    round: &Round,
    to: RoundStatus,
    answered: usize,
    orgs: usize,
    unsent_links: usize,
) -> (String, String, String, Vec<String>) {
    let id = round.id;
    let s = |x: &str| x.to_string();
    match (round.status, to) {
        (RoundStatus::Draft, RoundStatus::Open) => (
            format!("Öppna omgång {id} för svar?"),
            s("öppnar"),
            s("Ja, öppna för svar"),
            vec![
                s(
                    "Organisationerna kan lämna svar: ifyllda blanketter läses in och svarslänkar fungerar.",
                ),
                s(
                    "Respondenterna ser sin egen organisations preliminära resultat; ingen ser andras siffror förrän omgången publiceras.",
                ),
                s("Du kan stänga omgången när svaren är inne."),
            ],
        ),
        (RoundStatus::Open, RoundStatus::Closed) => (
            format!("Stäng omgång {id}?"),
            s("stänger"),
            s("Ja, stäng omgången"),
            vec![
                s(
                    "Inga fler svar tas emot: blanketter vägras vid inläsning och svarslänkarna slutar fungera.",
                ),
                format!("{answered} av {orgs} organisationer har svarat."),
                if unsent_links > 0 {
                    format!(
                        "{unsent_links} svarslänkar har inte skickats in och kan inte längre användas."
                    )
                } else {
                    s("Alla svarslänkar som gjorts har skickats in eller återkallats.")
                },
                s(
                    "Resultaten är fortfarande preliminära och syns bara för dig och varje organisation själv. Du kan öppna omgången igen för sena svar.",
                ),
            ],
        ),
        (RoundStatus::Closed, RoundStatus::Open) => (
            format!("Öppna omgång {id} igen?"),
            s("öppnar"),
            s("Ja, öppna igen"),
            vec![
                s("Svar tas emot igen, från blanketter och svarslänkar som inte har återkallats."),
                s("Resultaten blir preliminära tills omgången stängs och publiceras."),
            ],
        ),
        (RoundStatus::Closed, RoundStatus::Published) => (
            format!("Publicera omgång {id}?"),
            s("publicerar"),
            s("Ja, publicera"),
            vec![
                s(
                    "Alla med konto ser omgångens resultat: läsare (styrgrupp, chefer, politiker) och respondenterna i alla organisationer ser länets och varandras siffror.",
                ),
                s("Startsidan visar den här omgången för alla."),
                format!(
                    "{answered} av {orgs} organisationer har svarat; de som saknas står som ”har inte svarat”."
                ),
                s(
                    "Behöver något rättas efteråt kan du ta tillbaka publiceringen, med ett skäl som sparas i loggen.",
                ),
            ],
        ),
        (RoundStatus::Published, RoundStatus::Closed) => (
            format!("Ta tillbaka publiceringen av omgång {id}?"),
            s("tar tillbaka publiceringen av"),
            s("Ja, ta tillbaka publiceringen"),
            vec![
                s(
                    "Läsarna ser inte längre omgången, och respondenterna ser bara sin egen organisation.",
                ),
                s("Startsidan visar i stället den senaste publicerade omgången med svar."),
                s(
                    "Omgången blir stängd: öppna den igen för att läsa in en rättad blankett, och publicera på nytt.",
                ),
                s("Skälet sparas i loggen tillsammans med ditt namn."),
            ],
        ),
        (from, to) => (
            format!(
                "Ändra omgång {id} från {} till {}?",
                from.label(),
                to.label()
            ),
            s("ändrar"),
            s("Ja, ändra"),
            vec![],
        ),
    }
}

/// What the page needs to know about the round's answers.
struct Answers {
    /// Organisations that have not answered (names).
    missing: Vec<String>,
    /// How many organisations there are.
    orgs: usize,
    /// Answer links not yet submitted.
    web: usize,
}

/// The confirmation page's model (pure).
fn status_view(
    layout: Layout,
    round: &Round,
    to: RoundStatus,
    answers: Answers,
    reason: &str,
    error: String,
) -> StatusPage {
    let answered = answers.orgs - answers.missing.len();
    let (question, verb, confirm, consequences) =
        describe(round, to, answered, answers.orgs, answers.web);
    let shows_missing = matches!(to, RoundStatus::Closed | RoundStatus::Published)
        && round.status != RoundStatus::Published;
    StatusPage {
        layout,
        round: round.id.to_string(),
        from: round.status.label().to_string(),
        to: to.code().to_string(),
        question,
        verb,
        consequences,
        missing: if shows_missing {
            answers.missing
        } else {
            Vec::new()
        },
        confirm,
        needs_reason: round.status.needs_reason(to),
        reason: reason.to_string(),
        error,
    }
}

async fn page(
    state: &AppState,
    a: &Admin,
    round: &Round,
    to: RoundStatus,
    reason: &str,
    error: String,
) -> AppResult<Response> {
    if let Err(e) = round.status.change_to(to) {
        return crate::pages::rounds_page(state, &a.0, Some(e.to_string()), None)
            .await
            .map(IntoResponse::into_response);
    }
    let id = round.id;
    let tracking = state.app.response_tracking(id).await?;
    let answers = Answers {
        missing: tracking.missing().map(|o| o.name.clone()).collect(),
        orgs: tracking.organisations.len(),
        web: tracking.web.len(),
    };
    let question = describe(round, to, 0, 0, 0).0;
    let crumbs = vec![
        link("/omgangar", "Omgångar"),
        link(String::new(), format!("Ändra status för {id}")),
    ];
    let layout = crate::layout::layout_for(state, &a.0, &question, Some(round), crumbs).await?;
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = status_view(layout, round, to, answers, reason, error).render()?;
    Ok((status, Html(body)).into_response())
}

fn parse(to: &str) -> AppResult<RoundStatus> {
    RoundStatus::parse(to).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// `?till=` on the confirmation page.
#[derive(Deserialize)]
pub struct Till {
    #[serde(default)]
    till: String,
}

/// `GET /omgangar/{round}/status?till=…`: what the change would do, and the form that makes it.
#[tracing::instrument(skip_all, fields(round = %r.round.id, to = %q.till))]
pub async fn confirm(
    State(state): State<AppState>,
    a: Admin,
    r: VisibleRound,
    Query(q): Query<Till>,
) -> AppResult<Response> {
    let to = parse(&q.till)?;
    page(&state, &a, &r.round, to, "", String::new()).await
}

/// The status change form.
#[derive(Deserialize)]
pub struct StatusForm {
    to: String,
    #[serde(default)]
    csrf: String,
    /// `ja` once the confirmation page has been seen.
    #[serde(default)]
    bekrafta: String,
    /// Why (taking a publication back).
    #[serde(default)]
    skal: String,
}

/// `POST /omgangar/{round}/status`: without `bekrafta=ja` it only shows the confirmation page.
#[tracing::instrument(skip_all, fields(round = %r.round.id, to = %f.to))]
pub async fn set_status(
    State(state): State<AppState>,
    a: Admin,
    r: VisibleRound,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    a.0.check_csrf(&f.csrf)?;
    let to = parse(&f.to)?;
    let (round, rid) = (&r.round, r.round.id);
    if f.bekrafta != "ja" {
        return page(&state, &a, round, to, &f.skal, String::new()).await;
    }
    let app = &state.app;
    match app
        .change_status(rid, to, &f.skal, &a.0.user.username)
        .await
    {
        Ok(r) => Ok(Redirect::to(&format!(
            "/omgangar?klart={}&omgang={}",
            NoticeKey::Status.as_str(),
            r.id
        ))
        .into_response()),
        Err(e) if e.user_message().is_some() => {
            let m = e.user_message().unwrap_or_default().to_string();
            page(&state, &a, round, to, &f.skal, m).await
        }
        Err(e) => Err(e.into()),
    }
}
