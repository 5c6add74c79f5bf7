//! Creating a round, and every blank form of a round as one zip.

use crate::AppState;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nara_core::RoundId;
use serde::Deserialize;

/// Creating a round, the forms zip.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar", post(create_round))
        .route("/omgangar/{round}/blanketter.zip", get(forms_zip))
}

/// The new-round form.
#[derive(Deserialize)]
pub struct NewRound {
    id: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /omgangar`: creates a round (draft). Errors go back to the rounds page beside the form.
#[tracing::instrument(skip_all, fields(user = %a.0.user.username))]
pub async fn create_round(
    State(state): State<AppState>,
    a: Admin,
    Form(f): Form<NewRound>,
) -> AppResult<Response> {
    a.0.check_csrf(&f.csrf)?;
    let app = &state.app;
    let result: Result<RoundId, nara_app::Error> = async {
        let id =
            RoundId::parse(&f.id).map_err(|e| nara_app::Error::Invalid(format!("Omgång: {e}")))?;
        let date =
            |x: &str, what: &str| -> Result<Option<nara_core::round::Date>, nara_app::Error> {
                if x.trim().is_empty() {
                    Ok(None)
                } else {
                    nara_core::round::Date::parse(x)
                        .map(Some)
                        .map_err(|e| nara_app::Error::Invalid(format!("{what}: {e}")))
                }
            };
        let opens = date(&f.opens, "Öppnar")?;
        let closes = date(&f.closes, "Stänger")?;
        let inst = f.instrument.split_once('@');
        app.create_round(id, inst, opens, closes, &a.0.user.username)
            .await?;
        Ok(id)
    }
    .await;
    match result {
        Ok(id) => Ok(notice_redirect(crate::pages::NoticeKey::Created, id).into_response()),
        Err(e) => {
            // The sentence beside the form; an internal error is the error page.
            let m = super::user_err(e)?;
            crate::pages::rounds_page(&state, &a.0, Some(m), Some(&f.id))
                .await
                .map(IntoResponse::into_response)
        }
    }
}

/// Back to the rounds page with a notice: a fixed key and the round, never text (the page
/// writes the sentence itself, so a crafted link cannot put words in the coordinator's notice).
fn notice_redirect(key: crate::pages::NoticeKey, round: RoundId) -> Redirect {
    Redirect::to(&format!("/omgangar?klart={}&omgang={round}", key.as_str()))
}

/// `GET /omgangar/{round}/blanketter.zip`.
#[tracing::instrument(skip_all, fields(round = %id))]
pub async fn forms_zip(
    State(state): State<AppState>,
    _a: Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let rid = RoundId::parse(&id)
        .map_err(|_| AppError::NotFound(format!("Omgången {id} finns inte.")))?;
    let (name, bytes) = state.app.forms_zip(rid).await?;
    Ok(crate::downloads::attachment(
        bytes,
        &name,
        "application/zip",
    ))
}
