//! Creating a round, and every blank form of a round as one zip.

use super::*;

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
pub async fn create_round(
    State(state): State<AppState>,
    a: Admin,
    Form(f): Form<NewRound>,
) -> AppResult<Response> {
    a.0.check_csrf(&f.csrf)?;
    let s = state.store.as_ref();
    let result: Result<RoundId, String> = async {
        let id = RoundId::parse(&f.id).map_err(|e| format!("Omgång: {e}"))?;
        let date = |x: &str, what: &str| -> Result<Option<nara_core::round::Date>, String> {
            if x.trim().is_empty() {
                Ok(None)
            } else {
                nara_core::round::Date::parse(x)
                    .map(Some)
                    .map_err(|e| format!("{what}: {e}"))
            }
        };
        let opens = date(&f.opens, "Öppnar")?;
        let closes = date(&f.closes, "Stänger")?;
        let inst = f.instrument.split_once('@');
        nara_app::rounds::create(s, id, inst, opens, closes, &a.0.user.username)
            .await
            .map_err(|e| e.to_string())?;
        Ok(id)
    }
    .await;
    match result {
        Ok(id) => Ok(notice_redirect(crate::pages::NoticeKey::Created, id).into_response()),
        Err(m) => crate::pages::rounds_page(&state, &a.0, Some(m), Some(&f.id))
            .await
            .map(IntoResponse::into_response),
    }
}

/// Back to the rounds page with a notice: a fixed key and the round, never text (the page
/// writes the sentence itself, so a crafted link cannot put words in the coordinator's notice).
fn notice_redirect(key: crate::pages::NoticeKey, round: RoundId) -> Redirect {
    Redirect::to(&format!("/omgangar?klart={}&omgang={round}", key.as_str()))
}

/// `GET /omgangar/{round}/blanketter.zip`.
pub async fn forms_zip(
    State(state): State<AppState>,
    _a: Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let rid = RoundId::parse(&id)
        .map_err(|_| AppError::NotFound(format!("Omgången {id} finns inte.")))?;
    let (name, bytes) = nara_app::forms_zip(state.store.as_ref(), rid).await?;
    Ok(crate::downloads::attachment(
        bytes,
        &name,
        "application/zip",
    ))
}
