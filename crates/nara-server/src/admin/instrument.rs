//! Uploading an instrument: validated and previewed before it is stored.

use super::layout;
use crate::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::layout::{Layout, link};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::response::Html;
use axum::routing::get;
use nara_core::Instrument;

/// The instrument page (the upload takes a file: see `crate::file_routes`).
pub fn router() -> Router<AppState> {
    Router::new().route("/admin/instrument", get(instrument))
}

/// The instrument page: upload, preview, store.
#[derive(Template)]
#[template(path = "instrument.html")]
pub struct InstrumentPage {
    /// The frame.
    pub layout: Layout,
    /// Stored instruments: id, version, name, statements.
    pub stored: Vec<(String, String, String, usize)>,
    /// The previewed instrument, if any.
    pub preview: Option<Instrument>,
    /// Its TOML (sent back with "store").
    pub toml: String,
    /// Problems with the uploaded file.
    pub error: String,
    /// What just happened.
    pub notice: String,
    /// The CSRF token.
    pub csrf: String,
}

async fn instrument_page(
    state: &AppState,
    a: &Admin,
    preview: Option<Instrument>,
    toml: String,
    error: String,
    notice: String,
) -> AppResult<Html<String>> {
    let stored = state
        .store
        .instruments()
        .await?
        .into_iter()
        .map(|i| {
            let n = i.statement_count();
            (i.id, i.version, i.name, n)
        })
        .collect();
    let layout = layout(
        state,
        a,
        "Instrument",
        vec![link("/admin/instrument", "Instrument")],
    )
    .await?;
    Ok(Html(
        InstrumentPage {
            layout,
            stored,
            preview,
            toml,
            error,
            notice,
            csrf: a.0.csrf.clone(),
        }
        .render()?,
    ))
}

/// `GET /admin/instrument`.
#[tracing::instrument(skip_all, fields(user = %a.0.user.username))]
pub async fn instrument(State(state): State<AppState>, a: Admin) -> AppResult<Html<String>> {
    instrument_page(
        &state,
        &a,
        None,
        String::new(),
        String::new(),
        String::new(),
    )
    .await
}

/// `POST /admin/instrument` (multipart): `steg=granska` with a file previews it; `steg=spara` with
/// the previewed TOML stores it as a new version.
#[tracing::instrument(skip_all, fields(user = %a.0.user.username))]
pub async fn instrument_post(
    State(state): State<AppState>,
    a: Admin,
    mut mp: Multipart,
) -> AppResult<Html<String>> {
    let (mut csrf, mut step, mut toml) = (String::new(), String::new(), String::new());
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("steg") => step = field.text().await.unwrap_or_default(),
            Some("fil") | Some("toml") => {
                let bytes = field.bytes().await.unwrap_or_default();
                if !bytes.is_empty() {
                    if bytes.len() > 1024 * 1024 {
                        return instrument_page(
                            &state,
                            &a,
                            None,
                            String::new(),
                            "Filen är större än 1 MB; ett instrument är en liten textfil (TOML)."
                                .into(),
                            String::new(),
                        )
                        .await;
                    }
                    toml = match String::from_utf8(bytes.to_vec()) {
                        Ok(t) => t,
                        Err(_) => {
                            return instrument_page(
                                &state,
                                &a,
                                None,
                                String::new(),
                                "Filen är inte text (UTF-8). Ett instrument är en TOML-fil.".into(),
                                String::new(),
                            )
                            .await;
                        }
                    };
                }
            }
            _ => {}
        }
    }
    a.0.check_csrf(&csrf)?;
    if toml.trim().is_empty() {
        return instrument_page(
            &state,
            &a,
            None,
            String::new(),
            "Välj en instrumentfil (.toml).".into(),
            String::new(),
        )
        .await;
    }
    let inst = match Instrument::from_toml(&toml) {
        Ok(i) => i,
        Err(e) => {
            return instrument_page(
                &state,
                &a,
                None,
                String::new(),
                e.to_string(),
                String::new(),
            )
            .await;
        }
    };
    if step == "spara" {
        let exists = state
            .store
            .instruments()
            .await?
            .iter()
            .any(|i| i.id == inst.id && i.version == inst.version);
        if exists {
            return instrument_page(&state, &a, None, String::new(), format!("Instrumentet {} version {} finns redan. Ge den nya versionen ett nytt versionsnummer.", inst.id, inst.version), String::new()).await;
        }
        // Stored by the same function as `nara instrument import`.
        let inst =
            nara_app::import_instrument(state.store.as_ref(), &toml, &a.0.user.username).await?;
        let notice = format!(
            "{} version {} är sparat och kan väljas för nya omgångar.",
            inst.name, inst.version
        );
        return instrument_page(&state, &a, None, String::new(), String::new(), notice).await;
    }
    instrument_page(&state, &a, Some(inst), toml, String::new(), String::new()).await
}
