//! Answering on the web: answer links (made by the coordinator for any organisation, or by a
//! respondent for their own) and the form behind a link, which needs no account. The form works
//! without JavaScript (a save button and a submit button); `autosave.js` saves each answer as
//! it is given and shows "Sparat". The token in the URL is the secret that authorises the form,
//! so a page elsewhere cannot post to it without knowing the token.

use std::collections::BTreeMap;

use askama::Template;
use axum::Json;
use axum::extract::{Form, FromRequest, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use nara_app::online::{self, LinkState};
use nara_core::{Instrument, OrgCode, RoundId, fmt};
use nara_store::AnswerLink;
use serde::Deserialize;

use crate::AppState;
use crate::access::round_visible;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::pages::{Layout, Link, layout_for, seg};
use crate::svg::{self, Series};

fn link(href: impl Into<String>, label: impl Into<String>) -> Link {
    Link {
        href: href.into(),
        label: label.into(),
    }
}

// ---------------------------------------------------------------- managing links

/// One link in the list.
pub struct LinkRow {
    /// The row id.
    pub id: i64,
    /// The unit.
    pub unit: String,
    /// `Anna`, `hela enheten` or `samsyn`.
    pub who: String,
    /// `ej påbörjad`, `utkast sparat …`, `inskickad …`, `återkallad`.
    pub state: String,
    /// Whether it can still be revoked.
    pub active: bool,
}

/// The links page.
#[derive(Template)]
#[template(path = "links.html")]
pub struct LinksPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// The organisation shown: code and name.
    pub org: (String, String),
    /// Organisations the viewer may choose (coordinator: all).
    pub orgs: Vec<(String, String)>,
    /// The links.
    pub rows: Vec<LinkRow>,
    /// Links just made (their addresses are shown this once).
    pub made: Vec<MadeLink>,
    /// The same links as a CSV file in a `data:` address (empty when none were made).
    pub made_csv: String,
    /// The CSV file's name.
    pub made_csv_name: String,
    /// What went wrong.
    pub error: String,
}

/// A link just made, as the page shows it once.
pub struct MadeLink {
    /// The unit.
    pub unit: String,
    /// `Anna`, `hela enheten` or `samsyn`.
    pub rater: String,
    /// `Hemtjänsten – Anna`.
    pub who: String,
    /// The whole address, with the host.
    pub url: String,
    /// A ready-to-send message with the address and the last day to answer.
    pub message: String,
}

/// The message that goes with a new answer link (Swedish, ready to paste into an e-mail).
fn message(round: &nara_core::Round, org_name: &str, who: &str, url: &str, sender: &str) -> String {
    let closes = round
        .closes
        .map(|d| format!("Svara senast {d}. "))
        .unwrap_or_default();
    format!(
        "Hej!\n\nHär är länken till självskattningen för God och nära vård, omgång {}, för {org_name}: {who}.\n\n{url}\n\n{closes}Svaren sparas medan du fyller i, så du kan ta en paus och fortsätta senare från samma länk. Länken är personlig: skicka den inte vidare.\n\nHälsningar\n{sender}",
        round.id
    )
}

/// Which organisation.
#[derive(Deserialize)]
pub struct OrgQuery {
    #[serde(default)]
    org: String,
}

async fn link_scope(
    state: &AppState,
    v: &Viewer,
    id: &str,
    org: &str,
) -> AppResult<(nara_core::Round, OrgCode)> {
    let not_found = || AppError::NotFound(format!("Omgången {id} finns inte."));
    let rid = RoundId::parse(id).map_err(|_| not_found())?;
    let round = nara_app::rounds::get(state.store.as_ref(), rid)
        .await
        .map_err(|_| not_found())?;
    if !round_visible(v, &round) {
        return Err(not_found());
    }
    let code = match (v.is_admin(), v.org()) {
        (true, _) => match OrgCode::parse(org) {
            Ok(c) => c,
            Err(_) => state
                .store
                .organisations()
                .await?
                .first()
                .map(|o| o.code.clone())
                .ok_or(AppError::Forbidden)?,
        },
        (false, Some(own)) => {
            if !org.is_empty() && org != own.as_str() {
                return Err(AppError::Forbidden);
            }
            own.clone()
        }
        (false, None) => return Err(AppError::Forbidden),
    };
    Ok((round, code))
}

fn when(ms: i64) -> String {
    crate::admin::when(ms)
}

async fn links_page(
    state: &AppState,
    v: &Viewer,
    round: &nara_core::Round,
    org: &OrgCode,
    made: Vec<MadeLink>,
    error: String,
) -> AppResult<Html<String>> {
    let s = state.store.as_ref();
    let all = s.organisations().await?;
    let name = all
        .iter()
        .find(|o| &o.code == org)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let orgs = all
        .iter()
        .filter(|o| v.is_admin() || v.org() == Some(&o.code))
        .map(|o| (o.code.to_string(), o.name.clone()))
        .collect();
    let rows = s
        .links(round.id, Some(org))
        .await?
        .into_iter()
        .map(|l| LinkRow {
            id: l.id,
            unit: l.unit.clone(),
            who: if l.consensus {
                "samsyn".into()
            } else if l.rater.is_empty() {
                "hela enheten".into()
            } else {
                l.rater.clone()
            },
            state: match (l.revoked_at, l.submitted_at, l.saved_at) {
                (Some(t), _, _) => format!("återkallad {}", when(t)),
                (None, Some(t), _) => format!("inskickad {}", when(t)),
                (None, None, Some(t)) => format!("utkast sparat {}", when(t)),
                _ => "ej påbörjad".into(),
            },
            active: l.revoked_at.is_none(),
        })
        .collect();
    let rid = round.id.to_string();
    let layout = layout_for(
        state,
        v,
        &format!("Svarslänkar {rid}"),
        Some(round),
        vec![
            link("/omgangar", "Omgångar"),
            link(
                format!("/omgangar/{rid}/lankar?org={org}"),
                format!("Svarslänkar {rid}"),
            ),
        ],
    )
    .await?;
    let made_csv = if made.is_empty() {
        String::new()
    } else {
        let rows: Vec<[String; 4]> = made
            .iter()
            .map(|m| {
                [
                    m.unit.clone(),
                    m.rater.clone(),
                    m.url.clone(),
                    m.message.clone(),
                ]
            })
            .collect();
        format!(
            "data:text/csv;charset=utf-8,{}",
            seg(&String::from_utf8_lossy(&online::links_csv(&rows)))
        )
    };
    Ok(Html(
        LinksPage {
            layout,
            made_csv_name: format!("svarslankar-{rid}-{org}.csv"),
            round: rid,
            org: (org.to_string(), name),
            orgs,
            rows,
            made,
            made_csv,
            error,
        }
        .render()?,
    ))
}

/// `GET /omgangar/{round}/lankar?org=2080`.
pub async fn links(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Html<String>> {
    let (round, org) = link_scope(&state, &v, &id, &q.org).await?;
    links_page(&state, &v, &round, &org, Vec::new(), String::new()).await
}

/// The new-links form.
#[derive(Deserialize)]
pub struct NewLinks {
    #[serde(default)]
    org: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    raters: String,
    #[serde(default)]
    consensus: Option<String>,
    #[serde(default)]
    csrf: String,
}

/// `POST /omgangar/{round}/lankar`.
pub async fn create(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    Form(f): Form<NewLinks>,
) -> AppResult<Html<String>> {
    v.check_csrf(&f.csrf)?;
    let (round, org) = link_scope(&state, &v, &id, &f.org).await?;
    let base = crate::public_base(&state, &headers);
    let org_name = nara_app::organisation(state.store.as_ref(), &org)
        .await
        .map(|o| o.name)
        .unwrap_or_else(|_| org.to_string());
    let raters: Vec<String> = f.raters.lines().map(str::to_string).collect();
    match online::create_links(
        state.store.as_ref(),
        round.id,
        &org,
        &f.unit,
        &raters,
        f.consensus.is_some(),
        &v.user.username,
    )
    .await
    {
        Ok(made) => {
            let made = made
                .into_iter()
                .map(|m| {
                    let who = if m.link.consensus {
                        "samsyn".to_string()
                    } else if m.link.rater.is_empty() {
                        "hela enheten".to_string()
                    } else {
                        m.link.rater.clone()
                    };
                    let rater = who;
                    let who = format!("{} – {rater}", m.link.unit);
                    let url = format!("{base}{}", form_path(&m.token));
                    MadeLink {
                        message: message(&round, &org_name, &who, &url, &v.user.username),
                        unit: m.link.unit.clone(),
                        rater,
                        who,
                        url,
                    }
                })
                .collect();
            links_page(&state, &v, &round, &org, made, String::new()).await
        }
        Err(nara_app::Error::User(m)) => links_page(&state, &v, &round, &org, Vec::new(), m).await,
        Err(e) => Err(e.into()),
    }
}

/// A form with the CSRF token only.
#[derive(Deserialize)]
pub struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// `POST /omgangar/{round}/lankar/{id}/aterkalla`.
pub async fn revoke(
    State(state): State<AppState>,
    v: Viewer,
    Path((id, link_id)): Path<(String, i64)>,
    Form(f): Form<Csrf>,
) -> AppResult<Response> {
    v.check_csrf(&f.csrf)?;
    let (round, _) = link_scope(&state, &v, &id, "").await?;
    let l = state
        .store
        .links(round.id, None)
        .await?
        .into_iter()
        .find(|l| l.id == link_id)
        .ok_or_else(|| AppError::NotFound("Länken finns inte.".into()))?;
    if !(v.is_admin() || v.org() == Some(&l.org)) {
        return Err(AppError::Forbidden);
    }
    state.store.revoke_link(l.id, &v.user.username).await?;
    Ok(Redirect::to(&format!("/omgangar/{}/lankar?org={}", round.id, l.org)).into_response())
}

// ---------------------------------------------------------------- the form

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
    /// Problems with the background fields: participants, date.
    pub bg_errors: (String, String),
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
fn gone(status: StatusCode, title: &str, message: String) -> AppResult<Response> {
    let page = crate::pages::ErrorPage {
        title: title.into(),
        status: status.as_u16(),
        message,
        home: false,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn open(
    state: &AppState,
    token: &str,
) -> AppResult<Result<(AnswerLink, nara_core::Round, Instrument), Response>> {
    Ok(match online::open_link(state.store.as_ref(), token).await? {
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

async fn render_form(
    state: &AppState,
    token: &str,
    opened: &(AnswerLink, nara_core::Round, Instrument),
    draft: &BTreeMap<String, String>,
    errors: &[online::FieldError],
    notice: String,
    notice_error: bool,
) -> AppResult<Html<String>> {
    let (l, round, inst) = (&opened.0, &opened.1, &opened.2);
    let err = |f: &str| {
        errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    let raters = if l.consensus {
        online::raters_of(state.store.as_ref(), l).await?
    } else {
        Vec::new()
    };
    let rollup = (!raters.is_empty()).then(|| {
        let sets: Vec<&nara_core::AnswerSet> = raters.iter().map(|(_, s)| s).collect();
        nara_core::rollup::roll_up_unit(inst, &sets, None)
    });
    let mut answered = 0;
    let areas = inst
        .areas
        .iter()
        .map(|a| FormArea {
            title: format!("{} {}", a.id, a.name),
            description: a.description.clone(),
            statements: a
                .statements
                .iter()
                .map(|s| {
                    let field = online::answer_field(s.id.as_str());
                    let current = draft.get(&field).cloned().unwrap_or_default();
                    if !current.is_empty() {
                        answered += 1;
                    }
                    let mut options: Vec<Opt> = inst
                        .scale
                        .levels
                        .iter()
                        .map(|lv| Opt {
                            value: lv.value.to_string(),
                            label: format!("{} {}", lv.value, lv.label),
                            checked: current == lv.value.to_string(),
                        })
                        .collect();
                    options.push(Opt {
                        value: "na".into(),
                        label: inst.scale.not_applicable.label.clone(),
                        checked: current == "na",
                    });
                    options.push(Opt {
                        value: String::new(),
                        label: "Inget svar".into(),
                        checked: current.is_empty(),
                    });
                    FormStatement {
                        id: s.id.to_string(),
                        text: s.text.clone(),
                        options,
                        raters: raters
                            .iter()
                            .map(|(who, set)| {
                                format!(
                                    "{who}: {}",
                                    set.get(&s.id).map_or("–".to_string(), |x| inst
                                        .answer_label(x)
                                        .to_string())
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                        disagree: rollup.as_ref().is_some_and(|r| {
                            r.agreement
                                .iter()
                                .any(|g| g.statement == s.id && g.disagreement)
                        }),
                        error: err(&field),
                        field,
                    }
                })
                .collect(),
            comment_field: online::comment_field(a.id.as_str()),
            comment: draft
                .get(&online::comment_field(a.id.as_str()))
                .cloned()
                .unwrap_or_default(),
            comment_error: err(&online::comment_field(a.id.as_str())),
            min: nara_core::scoring::min_answered(inst, a.statements.len()),
        })
        .collect();
    let org = nara_app::organisation(state.store.as_ref(), &l.org).await?;
    let page = AnswerPage {
        token: token.to_string(),
        instrument: inst.name.clone(),
        round: round.id.to_string(),
        org: format!("{} ({})", org.name, org.code),
        unit: l.unit.clone(),
        who: if l.consensus {
            "samsyn".into()
        } else {
            l.rater.clone()
        },
        consensus: l.consensus,
        disagreement_rule: inst.scoring.disagreement_rule(),
        areas,
        participants: draft.get(online::PARTICIPANTS).cloned().unwrap_or_default(),
        date: draft.get(online::DATE).cloned().unwrap_or_default(),
        bg_errors: (err(online::PARTICIPANTS), err(online::DATE)),
        notice,
        notice_error,
        submitted: l.submitted_at.map(when).unwrap_or_default(),
        answered,
        total: inst.statement_count(),
    };
    Ok(Html(page.render()?))
}

/// The delmål that would get no score ("för få svar"): (title, answered, needed, total).
fn too_few_answers(inst: &Instrument, set: &nara_core::AnswerSet) -> Vec<ShortArea> {
    let scores = nara_core::scoring::score_answers(inst, set);
    inst.areas
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

async fn confirm_short(
    _state: &AppState,
    token: &str,
    l: &AnswerLink,
    round: &nara_core::Round,
    inst: &Instrument,
    short: Vec<ShortArea>,
) -> AppResult<Response> {
    let page = ConfirmPage {
        token: token.to_string(),
        unit: l.unit.clone(),
        round: round.id.to_string(),
        areas: inst.areas.len(),
        short,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /svar/{token}`.
pub async fn form(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let (l, round, inst) = match open(&state, &token).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let draft = online::draft(state.store.as_ref(), &l).await?;
    let notice = if l.saved_at.is_some() {
        "Välkommen tillbaka: dina sparade svar är ifyllda.".to_string()
    } else {
        String::new()
    };
    Ok(render_form(
        &state,
        &token,
        &(l.clone(), round.clone(), inst.clone()),
        &draft,
        &[],
        notice,
        false,
    )
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

/// `POST /svar/{token}`: saves every field; with `handling=skicka` also submits. The link is
/// checked before the body is read.
pub async fn post(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let (l, round, inst) = match open(&state, &token).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let fields = match answer_fields(&state, req).await {
        Ok(f) => f,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(e.into_response()),
        Err(_) => {
            return Err(AppError::BadRequest(
                "Svaren kunde inte läsas. Ladda om sidan och försök igen.".into(),
            ));
        }
    };
    let action = fields
        .iter()
        .find(|(k, _)| k == "handling")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let confirmed = fields.iter().any(|(k, v)| k == "bekrafta" && v == "ja");
    let data: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| k != "handling" && k != "bekrafta")
        .collect();
    let s = state.store.as_ref();
    let errors = online::save(s, &l, &inst, &data)
        .await
        .map_err(AppError::from)?;
    let draft = online::draft(s, &l).await?;
    if !errors.is_empty() {
        let n = errors.len();
        let page = render_form(
            &state,
            &token,
            &(l.clone(), round.clone(), inst.clone()),
            &draft,
            &errors,
            format!("{n} fält behöver rättas (se markeringarna). Övriga svar är sparade."),
            true,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    if action == "skicka" && !confirmed {
        let response = online::response(&inst, &l, &draft)?;
        let short = too_few_answers(&inst, &response.set);
        if !short.is_empty() {
            return confirm_short(&state, &token, &l, &round, &inst, short).await;
        }
    }
    if action == "skicka" {
        let actor = format!("länk {}", l.id);
        return match online::submit(s, &l, &inst, &actor).await {
            Ok(_) => Ok(Redirect::to(&format!("/svar/{token}/resultat")).into_response()),
            Err(nara_app::Error::User(m)) => {
                let page = render_form(
                    &state,
                    &token,
                    &(l.clone(), round.clone(), inst.clone()),
                    &draft,
                    &[],
                    m,
                    true,
                )
                .await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
            Err(e) => Err(e.into()),
        };
    }
    let l = state
        .store
        .link_by_token(&online::token_hash(&token))
        .await?
        .unwrap_or(l);
    Ok(render_form(
        &state,
        &token,
        &(l.clone(), round.clone(), inst.clone()),
        &draft,
        &[],
        format!(
            "Sparat {}. Du kan stänga sidan och fortsätta senare med samma länk.",
            l.saved_at.map(when).unwrap_or_default()
        ),
        false,
    )
    .await?
    .into_response())
}

/// `POST /svar/{token}/utkast`: what autosave sends (the changed fields); answers JSON. The
/// link is checked before the body is read.
pub async fn autosave(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let (l, _, inst) = match online::open_link(state.store.as_ref(), &token).await? {
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
    let errors = online::save(state.store.as_ref(), &l, &inst, &fields)
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

/// The unit's result after submitting.
#[derive(Template)]
#[template(path = "answer_result.html")]
pub struct ResultPage {
    /// The token.
    pub token: String,
    /// The unit.
    pub unit: String,
    /// The organisation.
    pub org: String,
    /// The round.
    pub round: String,
    /// The radar.
    pub radar: String,
    /// Per area: name, mean, band.
    pub rows: Vec<(String, String, String)>,
    /// The index as a sentence (`Index: 2,17.`), or why there is none.
    pub index: String,
    /// How many forms the unit's result rests on.
    pub forms: String,
}

/// `GET /svar/{token}/resultat`.
pub async fn result(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (l, round, inst) = match open(&state, &token).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let rep = state
        .reports
        .report(
            state.store.as_ref(),
            &*crate::snap(&state).await?,
            round.id,
            Some(&l.org),
            nara_app::report::Earlier::NotDraft,
        )
        .await?;
    let key = nara_core::UnitName::parse(&l.unit)
        .map(|u| u.key())
        .unwrap_or_default();
    let Some(u) = rep.org(l.org.as_str()).and_then(|o| {
        o.units.iter().find(|u| {
            nara_core::UnitName::parse(&u.name)
                .map(|n| n.key())
                .unwrap_or_default()
                == key
        })
    }) else {
        return Ok(Redirect::to(&format!("/svar/{token}")).into_response());
    };
    let scores: Vec<Option<f64>> = u.result.scores.areas.iter().map(|a| a.mean).collect();
    let labels: Vec<String> = inst.areas.iter().map(|a| a.id.to_string()).collect();
    let radar = svg::radar(
        &inst,
        &format!("{} per delmål", u.name),
        &labels,
        &[Series {
            name: &u.name,
            scores: scores.clone(),
            class: "s1",
        }],
    );
    let rows = inst
        .areas
        .iter()
        .zip(&scores)
        .map(|(a, s)| {
            (
                format!("{} {}", a.id, a.name),
                fmt::score(*s),
                s.map(|x| inst.band(x).label.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let n = u.raters.len() + usize::from(u.consensus);
    let org = nara_app::organisation(state.store.as_ref(), &l.org).await?;
    Ok(Html(
        ResultPage {
            token,
            unit: u.name.clone(),
            org: org.name,
            round: round.id.to_string(),
            radar,
            rows,
            index: u.result.scores.no_index(&inst).unwrap_or_else(|| {
                format!("Index: {}.", fmt::index(u.result.scores.overall))
            }),
            forms: if n > 1 { format!("Resultatet bygger på {n} blanketter för verksamheten (medianen per påstående; samsyn gäller där den finns).") } else { String::new() },
        }
        .render()?,
    )
    .into_response())
}

/// An embedded script, cached by the browser for a day.
fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}

/// The autosave script, embedded.
pub const AUTOSAVE_JS: &str = include_str!("../assets/autosave.js");

/// `GET /static/autosave.js`.
pub async fn autosave_js() -> impl IntoResponse {
    script(AUTOSAVE_JS)
}

/// The upload form's drag-and-drop script, embedded.
pub const UPLOAD_JS: &str = include_str!("../assets/upload.js");

/// `GET /static/upload.js`.
pub async fn upload_js() -> impl IntoResponse {
    script(UPLOAD_JS)
}

/// The copy buttons of the links page, embedded.
pub const COPY_JS: &str = include_str!("../assets/copy.js");

/// `GET /static/copy.js`.
pub async fn copy_js() -> impl IntoResponse {
    script(COPY_JS)
}

/// The URL path of a link's form (for lists and tests).
pub fn form_path(token: &str) -> String {
    format!("/svar/{}", seg(token))
}
