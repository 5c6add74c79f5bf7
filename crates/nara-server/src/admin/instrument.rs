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
    /// Stored instruments.
    pub stored: Vec<StoredInstrument>,
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

/// A stored instrument version.
pub struct StoredInstrument {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Its name.
    pub name: String,
    /// How many statements it has.
    pub statements: usize,
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
        .app
        .instruments()
        .await?
        .into_iter()
        .map(|i| StoredInstrument {
            statements: i.statement_count(),
            id: i.id().to_string(),
            version: i.version().to_string(),
            name: i.name().to_string(),
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
    mp: Multipart,
) -> AppResult<Html<String>> {
    let upload = read_upload(mp).await;
    a.0.check_csrf(&upload.csrf)?;
    let refuse = |msg: String| instrument_page(&state, &a, None, String::new(), msg, String::new());
    let toml = match upload.toml {
        Ok(t) if !t.trim().is_empty() => t,
        Ok(_) => return refuse("Välj en instrumentfil (.toml).".into()).await,
        Err(msg) => return refuse(msg.into()).await,
    };
    let inst = match Instrument::from_toml(&toml) {
        Ok(i) => i,
        Err(e) => return refuse(e.to_string()).await,
    };
    if upload.step != "spara" {
        return instrument_page(&state, &a, Some(inst), toml, String::new(), String::new()).await;
    }
    let stored = state.app.instruments().await?;
    if (stored.iter()).any(|i| i.id() == inst.id() && i.version() == inst.version()) {
        let (id, v) = (&inst.id(), &inst.version());
        return refuse(format!("Instrumentet {id} version {v} finns redan. Ge den nya versionen ett nytt versionsnummer.")).await;
    }
    // Stored by the same use case as `nara instrument import`.
    let inst = (state.app)
        .import_instrument(&toml, &a.0.user.username)
        .await?;
    let notice = format!(
        "{} version {} är sparat och kan väljas för nya omgångar.",
        inst.name(),
        inst.version()
    );
    instrument_page(&state, &a, None, String::new(), String::new(), notice).await
}

/// What the instrument form sent: its CSRF token, the step, and the file's text (or why it
/// cannot be one).
struct Upload {
    csrf: String,
    step: String,
    toml: Result<String, &'static str>,
}

/// Reads the instrument form; a file over 1 MB or not UTF-8 is refused by its sentence.
async fn read_upload(mut mp: Multipart) -> Upload {
    let mut up = Upload {
        csrf: String::new(),
        step: String::new(),
        toml: Ok(String::new()),
    };
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("csrf") => up.csrf = field.text().await.unwrap_or_default(),
            Some("steg") => up.step = field.text().await.unwrap_or_default(),
            // The last file or text sent counts; once one is refused, the refusal stands.
            Some("fil") | Some("toml") if up.toml.is_ok() => {
                let bytes = field.bytes().await.unwrap_or_default();
                if bytes.len() > 1024 * 1024 {
                    up.toml =
                        Err("Filen är större än 1 MB; ett instrument är en liten textfil (TOML).");
                } else if !bytes.is_empty() {
                    up.toml = String::from_utf8(bytes.to_vec())
                        .map_err(|_| "Filen är inte text (UTF-8). Ett instrument är en TOML-fil.");
                }
            }
            _ => {}
        }
    }
    up
}
