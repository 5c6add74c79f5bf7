//! The form behind an answer link: show, save a draft, submit.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Form, FromRequest, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use nara_app::AnswerLink;
use nara_app::online::{self, FieldError, LinkState};
use nara_core::instrument::{Area, Statement};
use nara_core::rollup::UnitRollup;
use nara_core::{AnswerSet, Instrument, Round};

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::layout::when;

/// The answer form.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/svar/{token}", get(form).post(post))
        .route("/svar/{token}/utkast", axum::routing::post(autosave))
}

/// One answer option.
pub struct Opt {
    /// The value sent.
    pub value: String,
    /// The label.
    pub label: String,
    /// Whether it is chosen.
    pub checked: bool,
}

/// One statement in the form.
pub struct FormStatement {
    /// Id.
    pub id: String,
    /// The field name.
    pub field: String,
    /// The text.
    pub text: String,
    /// The options.
    pub options: Vec<Opt>,
    /// The raters' answers (consensus form only).
    pub raters: String,
    /// Whether the raters disagree (consensus form only).
    pub disagree: bool,
    /// A problem with the saved value.
    pub error: String,
}

/// One area in the form.
pub struct FormArea {
    /// `D1 Nära för mig`.
    pub title: String,
    /// Its description.
    pub description: String,
    /// The statements.
    pub statements: Vec<FormStatement>,
    /// The comment field's name.
    pub comment_field: String,
    /// Its value.
    pub comment: String,
    /// A problem with the comment.
    pub comment_error: String,
    /// The fewest answers on the scale that let the area be scored (for the check before
    /// submitting).
    pub min: usize,
}

/// The answer form.
#[derive(Template)]
#[template(path = "answer.html")]
pub struct AnswerPage {
    /// The token (in the form's action).
    pub token: String,
    /// The instrument's name.
    pub instrument: String,
    /// The round.
    pub round: String,
    /// The organisation.
    pub org: String,
    /// The unit.
    pub unit: String,
    /// The rater, `samsyn` or empty.
    pub who: String,
    /// Whether it is the consensus form.
    pub consensus: bool,
    /// The instrument's disagreement rule in words: `två steg eller mer`.
    pub disagreement_rule: String,
    /// The areas.
    pub areas: Vec<FormArea>,
    /// Participants.
    pub participants: String,
    /// Date.
    pub date: String,
    /// A problem with the participants field.
    pub participants_error: String,
    /// A problem with the date field.
    pub date_error: String,
    /// A message at the top (saved, or what to fix).
    pub notice: String,
    /// Whether the notice is an error.
    pub notice_error: bool,
    /// When it was last submitted, if it was.
    pub submitted: String,
    /// How many statements are answered (on the scale or "vet ej").
    pub answered: usize,
    /// How many statements there are.
    pub total: usize,
}

/// A page about a link that does not work (the error page, without a link to the start page,
/// which would only lead a respondent without an account to the sign-in).
pub(super) fn gone(status: StatusCode, title: &str, message: String) -> AppResult<Response> {
    let page = crate::layout::ErrorPage {
        title: title.into(),
        status: status.as_u16(),
        message,
        home: false,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub(super) async fn open(state: &AppState, token: &str) -> AppResult<Result<Opened, Response>> {
    Ok(match state.app.open_link(token).await? {
        LinkState::Open(b) => Ok(*b),
        LinkState::Unknown => Err(gone(StatusCode::NOT_FOUND, "Länken finns inte", "Länken finns inte. Kontrollera att hela adressen kom med, eller be den som skickade den om en ny.".into())?),
        LinkState::Revoked => Err(gone(StatusCode::GONE, "Länken är återkallad", "Den här svarslänken har återkallats. Be samordnaren eller din organisations kontaktperson om en ny.".into())?),
        LinkState::NotOpen(r) => Err(gone(
            StatusCode::GONE,
            "Omgången är inte öppen",
            format!("Omgång {} är {}, så det går inte att svara nu. Svar som redan skickats in finns kvar.", r.id, r.status.label()),
        )?),
    })
}

/// What the form shows of a link's stored state: the draft, problems with it, the notice.
struct FormState<'a> {
    draft: &'a BTreeMap<String, String>,
    errors: &'a [FieldError],
    notice: String,
    notice_error: bool,
}

impl FormState<'_> {
    /// The saved value of a field (empty when none).
    fn value(&self, field: &str) -> String {
        self.draft.get(field).cloned().unwrap_or_default()
    }

    /// The problem with a field (empty when none).
    fn error(&self, field: &str) -> String {
        (self.errors.iter())
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    }
}

/// The options of a statement: the scale, "vet ej", no answer; the current value checked.
fn options(inst: &Instrument, current: &str) -> Vec<Opt> {
    let mut options: Vec<Opt> = (inst.scale().levels.iter())
        .map(|lv| Opt {
            value: lv.value.to_string(),
            label: format!("{} {}", lv.value, lv.label),
            checked: current == lv.value.to_string(),
        })
        .collect();
    options.push(Opt {
        value: "na".into(),
        label: inst.scale().not_applicable.label.clone(),
        checked: current == "na",
    });
    options.push(Opt {
        value: String::new(),
        label: "Inget svar".into(),
        checked: current.is_empty(),
    });
    options
}

/// The raters' answers to a statement, for the consensus form: `Anna: 3; Bo: –`.
fn raters_line(inst: &Instrument, raters: &[(String, AnswerSet)], s: &Statement) -> String {
    (raters.iter())
        .map(|(who, set)| {
            let answer = set
                .get(&s.id)
                .map_or("–".to_string(), |x| inst.answer_label(x).to_string());
            format!("{who}: {answer}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the consensus form knows of the raters: their answers and where they disagree.
struct Raters<'a> {
    answers: &'a [(String, AnswerSet)],
    rollup: Option<UnitRollup>,
}

/// One statement of the form (pure).
fn statement_view(inst: &Instrument, s: &Statement, st: &FormState, r: &Raters) -> FormStatement {
    let field = online::answer_field(s.id.as_str());
    FormStatement {
        id: s.id.to_string(),
        text: s.text.clone(),
        options: options(inst, &st.value(&field)),
        raters: raters_line(inst, r.answers, s),
        disagree: (r.rollup.as_ref())
            .is_some_and(|r| (r.agreement.iter()).any(|g| g.statement == s.id && g.disagreement)),
        error: st.error(&field),
        field,
    }
}

/// One area of the form (pure).
fn area_view(inst: &Instrument, a: &Area, st: &FormState, r: &Raters) -> FormArea {
    let comment_field = online::comment_field(a.id.as_str());
    FormArea {
        title: format!("{} {}", a.id, a.name),
        description: a.description.clone(),
        statements: (a.statements.iter())
            .map(|s| statement_view(inst, s, st, r))
            .collect(),
        comment: st.value(&comment_field),
        comment_error: st.error(&comment_field),
        comment_field,
        min: nara_core::scoring::min_answered(inst, a.statements.len()),
    }
}

/// The answer form's model (pure); `org` is how the organisation is named.
fn form_view(
    token: &str,
    opened: &Opened,
    org: String,
    st: FormState,
    raters: &Raters,
) -> AnswerPage {
    let (l, round, inst) = (&opened.0, &opened.1, &opened.2);
    let areas: Vec<FormArea> = (inst.areas().iter())
        .map(|a| area_view(inst, a, &st, raters))
        .collect();
    let answered = (areas.iter())
        .flat_map(|a| &a.statements)
        .filter(|s| !st.value(&s.field).is_empty())
        .count();
    AnswerPage {
        token: token.to_string(),
        instrument: inst.name().to_string(),
        round: round.id.to_string(),
        org,
        unit: l.unit.clone(),
        who: if l.consensus {
            "samsyn".into()
        } else {
            l.rater.clone()
        },
        consensus: l.consensus,
        disagreement_rule: inst.scoring().disagreement_rule(),
        areas,
        participants: st.value(online::PARTICIPANTS),
        date: st.value(online::DATE),
        participants_error: st.error(online::PARTICIPANTS),
        date_error: st.error(online::DATE),
        notice: st.notice,
        notice_error: st.notice_error,
        submitted: l.submitted_at.map(when).unwrap_or_default(),
        answered,
        total: inst.statement_count(),
    }
}

/// An open link: the link, its round, the round's instrument.
type Opened = (AnswerLink, Round, Instrument);

async fn render_form(
    state: &AppState,
    token: &str,
    opened: &Opened,
    st: FormState<'_>,
) -> AppResult<Html<String>> {
    let (l, inst) = (&opened.0, &opened.2);
    let answers = if l.consensus {
        state.app.raters_of(l).await?
    } else {
        Vec::new()
    };
    let rollup = (!answers.is_empty()).then(|| {
        let sets: Vec<&AnswerSet> = answers.iter().map(|(_, s)| s).collect();
        nara_core::rollup::roll_up_unit(inst, &sets, None)
    });
    let raters = Raters {
        answers: &answers,
        rollup,
    };
    let org = state.app.organisation(&l.org).await?;
    let org = nara_core::org::with_code(&org.name, &org.code);
    Ok(Html(form_view(token, opened, org, st, &raters).render()?))
}

/// The delmål that would get no score ("för få svar"): (title, answered, needed, total).
fn too_few_answers(inst: &Instrument, set: &AnswerSet) -> Vec<ShortArea> {
    let scores = nara_core::scoring::score_answers(inst, set);
    inst.areas()
        .iter()
        .zip(&scores.areas)
        .filter(|(_, sc)| sc.mean.is_none())
        .map(|(a, sc)| ShortArea {
            title: format!("{} {}", a.id, a.name),
            answered: sc.answered,
            needed: nara_core::scoring::min_answered(inst, sc.total),
            total: sc.total,
        })
        .collect()
}

/// A delmål with too few answers to be scored.
pub struct ShortArea {
    /// `D2 Nära för alla`.
    pub title: String,
    /// Answered on the scale.
    pub answered: usize,
    /// Needed for a score.
    pub needed: usize,
    /// Statements in it.
    pub total: usize,
}

/// The question before a short form is submitted.
#[derive(Template)]
#[template(path = "answer_confirm.html")]
pub struct ConfirmPage {
    /// The token.
    pub token: String,
    /// `Hemtjänsten`.
    pub unit: String,
    /// The round.
    pub round: String,
    /// The delmål without a score.
    pub short: Vec<ShortArea>,
    /// Delmål in the instrument.
    pub areas: usize,
}

fn confirm_short(
    token: &str,
    l: &AnswerLink,
    round: &Round,
    inst: &Instrument,
    short: Vec<ShortArea>,
) -> AppResult<Response> {
    let page = ConfirmPage {
        token: token.to_string(),
        unit: l.unit.clone(),
        round: round.id.to_string(),
        areas: inst.areas().len(),
        short,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /svar/{token}` (the token is the secret: never a span field).
#[tracing::instrument(skip_all, fields(link = tracing::field::Empty))]
pub async fn form(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let opened = match open(&state, &token).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    tracing::Span::current().record("link", opened.0.id);
    let draft = state.app.draft(&opened.0).await?;
    let notice = if opened.0.saved_at.is_some() {
        "Välkommen tillbaka: dina sparade svar är ifyllda.".to_string()
    } else {
        String::new()
    };
    let st = FormState {
        draft: &draft,
        errors: &[],
        notice,
        notice_error: false,
    };
    Ok(render_form(&state, &token, &opened, st)
        .await?
        .into_response())
}

/// The fields of an answer form, read only once the link is known to be open (so a body sent
/// to an unknown or revoked link is never read), within the small body limit.
async fn answer_fields(
    state: &AppState,
    req: axum::extract::Request,
) -> Result<Vec<(String, String)>, axum::extract::rejection::FormRejection> {
    let Form(fields) = Form::<Vec<(String, String)>>::from_request(req, state).await?;
    Ok(fields)
}

/// What a posted answer form asks for, besides its answers.
struct Posted {
    /// `handling`: `skicka` to submit.
    action: String,
    /// `bekrafta=ja`: submit even with delmål that get no score.
    confirmed: bool,
    /// The answer fields.
    data: Vec<(String, String)>,
}

/// Splits a posted form into what it asks for and the answers (pure).
fn posted(fields: Vec<(String, String)>) -> Posted {
    let action = (fields.iter())
        .find(|(k, _)| k == "handling")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let confirmed = fields.iter().any(|(k, v)| k == "bekrafta" && v == "ja");
    let data = (fields.into_iter())
        .filter(|(k, _)| k != "handling" && k != "bekrafta")
        .collect();
    Posted {
        action,
        confirmed,
        data,
    }
}

/// The form again with a problem at the top (422).
async fn rejected(
    state: &AppState,
    token: &str,
    opened: &Opened,
    st: FormState<'_>,
) -> AppResult<Response> {
    let page = render_form(state, token, opened, st).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Submits a saved form: to the result, or the form again with why not.
async fn submit(
    state: &AppState,
    token: &str,
    opened: &Opened,
    draft: &BTreeMap<String, String>,
) -> AppResult<Response> {
    let (l, inst) = (&opened.0, &opened.2);
    let actor = format!("länk {}", l.id);
    match state.app.submit(l, inst, &actor).await {
        Ok(_) => Ok(Redirect::to(&format!("/svar/{token}/resultat")).into_response()),
        Err(e) if e.user_message().is_some() => {
            let st = FormState {
                draft,
                errors: &[],
                notice: e.user_message().unwrap_or_default().to_string(),
                notice_error: true,
            };
            rejected(state, token, opened, st).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /svar/{token}`: saves every field; with `handling=skicka` also submits. The link is
/// checked before the body is read (the token is the secret: never a span field).
#[tracing::instrument(skip_all, fields(link = tracing::field::Empty))]
pub async fn post(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let opened = match open(&state, &token).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    tracing::Span::current().record("link", opened.0.id);
    let p = match answer_fields(&state, req).await {
        Ok(f) => posted(f),
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(e.into_response()),
        Err(_) => {
            return Err(AppError::BadRequest(
                "Svaren kunde inte läsas. Ladda om sidan och försök igen.".into(),
            ));
        }
    };
    let (app, l, round, inst) = (&state.app, &opened.0, &opened.1, &opened.2);
    let errors = (app.save_draft(l, inst, &p.data).await).map_err(AppError::from)?;
    let draft = app.draft(l).await?;
    if !errors.is_empty() {
        let n = errors.len();
        let st = FormState {
            draft: &draft,
            errors: &errors,
            notice: format!("{n} fält behöver rättas (se markeringarna). Övriga svar är sparade."),
            notice_error: true,
        };
        return rejected(&state, &token, &opened, st).await;
    }
    if p.action == "skicka" && !p.confirmed {
        let short = too_few_answers(inst, &online::response(inst, l, &draft)?.set);
        if !short.is_empty() {
            return confirm_short(&token, l, round, inst, short);
        }
    }
    if p.action == "skicka" {
        return submit(&state, &token, &opened, &draft).await;
    }
    let l = (app.link_by_token(&token).await?).unwrap_or_else(|| l.clone());
    let notice = format!(
        "Sparat {}. Du kan stänga sidan och fortsätta senare med samma länk.",
        l.saved_at.map(when).unwrap_or_default()
    );
    let opened = (l, opened.1, opened.2);
    let st = FormState {
        draft: &draft,
        errors: &[],
        notice,
        notice_error: false,
    };
    Ok(render_form(&state, &token, &opened, st)
        .await?
        .into_response())
}

/// `POST /svar/{token}/utkast`: what autosave sends (the changed fields); answers JSON. The
/// link is checked before the body is read (the token is the secret: never a span field).
#[tracing::instrument(skip_all)]
pub async fn autosave(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let (l, _, inst) = match state.app.open_link(&token).await? {
        LinkState::Open(b) => *b,
        _ => {
            return Ok((
                StatusCode::GONE,
                Json(serde_json::json!({"fel": "Länken gäller inte längre."})),
            )
                .into_response());
        }
    };
    let fields = match answer_fields(&state, req).await {
        Ok(f) => f,
        Err(e) => {
            let status = e.status();
            let fel = if status == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "För mycket på en gång: högst {} kB sparas per gång.",
                    state.config.small_body_limit / 1024
                )
            } else {
                "Svaren kunde inte läsas. Ladda om sidan och försök igen.".to_string()
            };
            return Ok((status, Json(serde_json::json!({ "fel": fel }))).into_response());
        }
    };
    let errors = state
        .app
        .save_draft(&l, &inst, &fields)
        .await
        .map_err(AppError::from)?;
    let body = serde_json::json!({
        "sparat": errors.is_empty(),
        "fel": errors.iter().map(|e| serde_json::json!({"falt": e.field, "meddelande": e.message})).collect::<Vec<_>>(),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(body)).into_response())
}
