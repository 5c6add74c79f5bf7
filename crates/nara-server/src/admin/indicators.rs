//! Nyckeltal for the coordinator: the catalogue with what is stored of each indicator, fetching
//! from Kolada, uploading indicator files (each stored whole or not at all, with the same
//! per-file report as the command line), and the template for the county's own indicators.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use nara_app::indicators::{FileReport, SyncOptions};
use serde::Deserialize;

use super::{layout, user_err};
use crate::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::layout::{Layout, link, when};

/// The nyckeltal page and the template (uploads and fetching post to `crate::file_routes`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/nyckeltal", get(indicators))
        .route("/admin/nyckeltal/mall.xlsx", get(template))
}

/// One indicator of the catalogue, with what is stored.
pub struct Row {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The delmål it follows (`D1, D4`).
    pub areas: String,
    /// `kolada` or `lokal`.
    pub source: String,
    /// Which way is better, in words.
    pub direction: String,
    /// Kommun, region or both.
    pub level: String,
    /// `ja` or `nej (intern)`.
    pub public: String,
    /// Yearly values stored (all places).
    pub stored: usize,
    /// The newest year with a value, or empty.
    pub newest: String,
    /// Where the newest values came from and when (`kolada, 2026-11-20 10:15`), or empty.
    pub fetched: String,
}

/// One uploaded file's result.
pub struct FileResult {
    /// The file's name.
    pub file: String,
    /// What was stored, or empty when it was refused.
    pub stored: String,
    /// Why it was refused: `rad 4, kolumn D: …`.
    pub problems: Vec<String>,
}

/// The page.
#[derive(Template)]
#[template(path = "indicators_admin.html")]
pub struct IndicatorsPage {
    /// The frame.
    pub layout: Layout,
    /// The county the catalogue is for.
    pub county: String,
    /// The catalogue's indicators.
    pub rows: Vec<Row>,
    /// The years the fetch form suggests (`2019..2025`).
    pub years: String,
    /// What just happened (a fetch).
    pub notice: Vec<String>,
    /// Why the fetch failed.
    pub error: String,
    /// The uploaded files' results.
    pub files: Vec<FileResult>,
    /// The CSRF token.
    pub csrf: String,
}

async fn page(
    state: &AppState,
    a: &Admin,
    notice: Vec<String>,
    error: String,
    files: Vec<FileResult>,
) -> AppResult<Html<String>> {
    let snap = crate::snap(state).await?;
    let n = state.app.nyckeltal(&snap).await?;
    let rows = (n.catalogue.indicators.iter())
        .map(|i| {
            let (stored, newest) = n.values.stored(&i.id);
            Row {
                id: i.id.clone(),
                title: i.title.clone(),
                areas: (i.areas.iter().map(|a| a.as_str()))
                    .collect::<Vec<_>>()
                    .join(", "),
                source: i.source.label().to_string(),
                direction: i.direction.label().to_string(),
                level: i.level.label().to_string(),
                public: if i.is_public() { "ja" } else { "nej (intern)" }.to_string(),
                stored,
                newest: newest.map(|y| y.to_string()).unwrap_or_default(),
                fetched: (n.values.provenance(&i.id))
                    .map(|p| format!("{}, {}", p.source, when(p.fetched_at)))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let this_year = nara_app::exports::local(state.app.now())
        .get(..4)
        .and_then(|y| y.parse::<u16>().ok())
        .unwrap_or(2026);
    let layout = layout(
        state,
        a,
        "Nyckeltal",
        vec![link("/admin/nyckeltal", "Nyckeltal")],
    )
    .await?;
    Ok(Html(
        IndicatorsPage {
            layout,
            county: n.catalogue.county.clone(),
            rows,
            years: format!("{}..{}", this_year - 7, this_year - 1),
            notice,
            error,
            files,
            csrf: a.0.csrf.clone(),
        }
        .render()?,
    ))
}

/// `GET /admin/nyckeltal`.
#[tracing::instrument(skip_all, fields(user = %a.0.user.username))]
pub async fn indicators(State(state): State<AppState>, a: Admin) -> AppResult<Html<String>> {
    page(&state, &a, Vec::new(), String::new(), Vec::new()).await
}

/// `?ar=2023..2025` for the template.
#[derive(Deserialize)]
pub struct YearsQuery {
    #[serde(default)]
    ar: String,
}

/// `GET /admin/nyckeltal/mall.xlsx?ar=2023..2025`: the template for the county's own
/// indicators.
#[tracing::instrument(skip_all, fields(user = %a.0.user.username))]
pub async fn template(
    State(state): State<AppState>,
    a: Admin,
    Query(q): Query<YearsQuery>,
) -> AppResult<Response> {
    let years = match nara_app::indicators::parse_years(&q.ar) {
        Ok(y) => y,
        Err(e) => {
            return Ok(page(&state, &a, Vec::new(), e, Vec::new())
                .await?
                .into_response());
        }
    };
    match state.app.indicator_template(&years).await {
        Ok(bytes) => Ok(crate::downloads::attachment(
            bytes,
            "egna-nyckeltal-mall.xlsx",
            crate::downloads::XLSX,
        )),
        Err(e) => {
            let msg = user_err(e)?;
            Ok(page(&state, &a, Vec::new(), msg, Vec::new())
                .await?
                .into_response())
        }
    }
}

/// `POST /admin/nyckeltal` (multipart): `steg=hamta` with `ar` fetches from Kolada;
/// `steg=las-in` with files reads them.
#[tracing::instrument(skip_all, fields(user = %a.0.user.username))]
pub async fn indicators_post(
    State(state): State<AppState>,
    a: Admin,
    mp: Multipart,
) -> AppResult<Html<String>> {
    let max = nara_excel_limit();
    let form = read_form(mp, max, state.config.max_upload_files).await;
    a.0.check_csrf(&form.csrf)?;
    let user = a.0.user.username.clone();
    if form.step == "hamta" {
        return fetch(&state, &a, &form.years).await;
    }
    if let Some(msg) = form.refused {
        return page(&state, &a, Vec::new(), msg, Vec::new()).await;
    }
    if form.files.is_empty() {
        return page(
            &state,
            &a,
            Vec::new(),
            "Välj en eller flera filer att läsa in.".into(),
            Vec::new(),
        )
        .await;
    }
    let reports = state
        .app
        .import_indicator_uploads(&form.files, &user)
        .await?;
    let files = reports.iter().map(file_result).collect();
    page(&state, &a, Vec::new(), String::new(), files).await
}

/// Fetches from Kolada for the years asked and shows what it did, or why not.
async fn fetch(state: &AppState, a: &Admin, years: &str) -> AppResult<Html<String>> {
    let years = match nara_app::indicators::parse_years(years) {
        Ok(y) => y,
        Err(e) => return page(state, a, Vec::new(), e, Vec::new()).await,
    };
    let opts = SyncOptions {
        base_url: state.config.kolada_url.clone(),
        years,
        ..SyncOptions::default()
    };
    match state.app.sync_indicators(&opts, &a.0.user.username).await {
        Ok(r) => {
            let mut notice = vec![format!(
                "Hämtat från Kolada: {} värden ({} saknas i Kolada), {} nya, {} ändrade, {} oförändrade, {} borttagna.",
                r.values,
                r.missing,
                r.changes.added,
                r.changes.changed,
                r.changes.unchanged,
                r.changes.removed
            )];
            for (id, ours, theirs) in &r.retitled {
                notice.push(format!("{id} heter i Kolada ”{theirs}” (katalogen: ”{ours}”). Kontrollera att det är rätt nyckeltal och uppdatera katalogen."));
            }
            for id in &r.unknown {
                notice.push(format!(
                    "Kolada beskriver inte {id}. Kontrollera id:t i katalogen."
                ));
            }
            page(state, a, notice, String::new(), Vec::new()).await
        }
        Err(e) => {
            let msg = user_err(e)?;
            page(state, a, Vec::new(), msg, Vec::new()).await
        }
    }
}

fn file_result(r: &FileReport) -> FileResult {
    FileResult {
        file: r.file.clone(),
        stored: r.changes.map_or_else(String::new, |c| {
            format!(
                "Inläst: {} nya, {} ändrade, {} oförändrade värden.",
                c.added, c.changed, c.unchanged
            )
        }),
        problems: (r.problems.iter())
            .map(|p| {
                let at = [p.sheet.as_deref(), p.cell.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("!");
                if at.is_empty() {
                    p.message.clone()
                } else {
                    format!("{at}: {}", p.message)
                }
            })
            .collect(),
    }
}

/// The largest indicator file read (the importer's own limit; a larger one is refused).
fn nara_excel_limit() -> usize {
    usize::try_from(nara_app::indicators::MAX_FILE_BYTES).unwrap_or(usize::MAX)
}

/// What the form sent.
#[derive(Default)]
struct Form {
    csrf: String,
    step: String,
    years: String,
    files: Vec<(String, Vec<u8>)>,
    /// Why the files are not read at all (too many, one too large).
    refused: Option<String>,
}

async fn read_form(mut mp: Multipart, max: usize, max_files: usize) -> Form {
    let mut f = Form::default();
    while let Ok(Some(mut field)) = mp.next_field().await {
        match field.name() {
            Some("csrf") => f.csrf = field.text().await.unwrap_or_default(),
            Some("steg") => f.step = field.text().await.unwrap_or_default(),
            Some("ar") => f.years = field.text().await.unwrap_or_default(),
            Some("filer") if f.refused.is_none() => {
                let name = field.file_name().unwrap_or("fil").to_string();
                let name: String = name
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or("fil")
                    .chars()
                    .take(120)
                    .collect();
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) if bytes.len() + c.len() <= max => bytes.extend_from_slice(&c),
                        Ok(Some(_)) => {
                            f.refused = Some(format!(
                                "{name} är större än {} MB; inget lästes in. Dela upp filen.",
                                max / (1024 * 1024)
                            ));
                            break;
                        }
                        Ok(None) => break,
                        Err(_) => {
                            f.refused =
                                Some("Uppladdningen avbröts; inget lästes in. Försök igen.".into());
                            break;
                        }
                    }
                }
                if bytes.is_empty() && f.refused.is_none() {
                    continue;
                }
                if f.files.len() >= max_files {
                    f.refused = Some(format!(
                        "Högst {max_files} filer åt gången; inget lästes in."
                    ));
                }
                f.files.push((name, bytes));
            }
            _ => {}
        }
    }
    f
}
