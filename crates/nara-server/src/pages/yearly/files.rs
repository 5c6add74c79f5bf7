//! The årsrapport as files: `GET /arsrapport/{år}/pdf` (the tagged PDF) and
//! `GET /arsrapport/{år}/excel` (the appendix). The same version as the page: the coordinator
//! gets the live draft unless `?utkast=nej`; everyone else the newest final version, with only
//! the public indicators.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use nara_app::yearly_files::Which as Version;

use super::{Which, year_of};
use crate::AppState;
use crate::auth::Viewer;
use crate::downloads::{XLSX, attachment};
use crate::error::AppResult;

/// The PDF's media type.
const PDF: &str = "application/pdf";

fn version(v: &Viewer, year: &str, which: &Which) -> AppResult<Version> {
    Ok(Version {
        year: year_of(year)?,
        draft: v.is_admin() && which.utkast != "nej",
        public_only: !v.is_admin(),
    })
}

/// `GET /arsrapport/{year}/pdf`.
#[tracing::instrument(skip_all, fields(year = %year))]
pub async fn pdf(
    State(state): State<AppState>,
    v: Viewer,
    Path(year): Path<String>,
    Query(which): Query<Which>,
) -> AppResult<Response> {
    let (name, bytes) = state
        .app
        .year_report_pdf(version(&v, &year, &which)?)
        .await?;
    Ok(attachment(bytes, &name, PDF))
}

/// `GET /arsrapport/{year}/excel`.
#[tracing::instrument(skip_all, fields(year = %year))]
pub async fn xlsx(
    State(state): State<AppState>,
    v: Viewer,
    Path(year): Path<String>,
    Query(which): Query<Which>,
) -> AppResult<Response> {
    let (name, bytes) = state
        .app
        .year_report_xlsx(version(&v, &year, &which)?)
        .await?;
    Ok(attachment(bytes, &name, XLSX))
}
