//! Files to download: blank forms and, from the same `nara-app` functions as `nara export`, the
//! county summary, the organisation report and the raw answers as CSV. Every file obeys the
//! same access rules as the pages.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use nara_core::{Organisation, Round};

use crate::auth::Viewer;
use crate::pages::Download;

/// The media type of an xlsx file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The media type of CSV.
pub const CSV: &str = "text/csv; charset=utf-8";

/// A file as an attachment, never cached.
pub fn attachment(bytes: Vec<u8>, name: &str, media: &'static str) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// The result files the viewer may download for a round.
pub fn available(_v: &Viewer, _round: &Round, _orgs: &[Organisation]) -> Vec<Download> {
    Vec::new()
}
