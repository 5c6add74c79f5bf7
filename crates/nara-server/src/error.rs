//! Errors of a request: each becomes a status and a Swedish page (or JSON under `/api`).
//! Internal errors are logged with their detail and shown generically.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// What went wrong with a request.
#[derive(Debug)]
pub enum AppError {
    /// Not signed in: the sign-in page (or 401 in the API).
    SignIn,
    /// Signed in but not allowed.
    Forbidden,
    /// No such thing.
    NotFound(String),
    /// The request cannot be done as asked; the sentence says why.
    BadRequest(String),
    /// Too many attempts.
    TooMany(String),
    /// Something failed inside; logged.
    Internal(String),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            Self::SignIn => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The sentence for people.
    pub fn message(&self) -> String {
        match self {
            Self::SignIn => "Du behöver logga in.".into(),
            Self::Forbidden => "Du har inte behörighet att se det här.".into(),
            Self::NotFound(m) | Self::BadRequest(m) | Self::TooMany(m) => m.clone(),
            Self::Internal(_) => {
                "Något gick fel i servern. Försök igen; kvarstår felet, kontakta förvaltningen."
                    .into()
            }
        }
    }

    /// The same error as a JSON response (the API's form).
    pub fn json(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let body = serde_json::json!({ "error": self.message() });
        (self.status(), axum::Json(body)).into_response()
    }
}

impl From<nara_app::Error> for AppError {
    fn from(e: nara_app::Error) -> Self {
        match e {
            nara_app::Error::User(m) => {
                if m.contains("finns inte") {
                    Self::NotFound(m)
                } else {
                    Self::BadRequest(m)
                }
            }
            e @ nara_app::Error::Store(nara_store::Error::NotFound(_)) => {
                Self::NotFound(e.to_string())
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<nara_store::Error> for AppError {
    fn from(e: nara_store::Error) -> Self {
        nara_app::Error::from(e).into()
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::SignIn = self {
            return axum::response::Redirect::to("/logga-in").into_response();
        }
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let status = self.status();
        let page = crate::layout::ErrorPage {
            title: match status.as_u16() {
                403 => "Ingen behörighet",
                404 => "Finns inte",
                400 => "Det gick inte",
                429 => "För många försök",
                _ => "Serverfel",
            }
            .to_string(),
            status: status.as_u16(),
            message: self.message(),
            home: true,
        };
        let html = askama::Template::render(&page).unwrap_or_else(|_| self.message());
        (status, Html(html)).into_response()
    }
}

/// Result of a handler.
pub type AppResult<T> = Result<T, AppError>;
