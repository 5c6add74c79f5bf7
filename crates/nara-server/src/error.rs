//! Errors of a request: each becomes a status and a Swedish page (or JSON under `/api`).
//! The status comes from the variant alone (never from the text): [`From<nara_app::Error>`]
//! is the one place a use case's error becomes a status. Internal errors are logged with their
//! whole chain and shown as a generic Swedish sentence.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// What went wrong with a request.
#[derive(Debug)]
pub enum AppError {
    /// Not signed in: the sign-in page (or 401 in the API).
    SignIn,
    /// Signed in but not allowed.
    Forbidden,
    /// Not allowed, with the reason (a use case's refusal).
    Denied(String),
    /// No such thing.
    NotFound(String),
    /// The request cannot be done as asked; the sentence says why.
    BadRequest(String),
    /// It cannot be done in the current state (a name taken, a round that exists).
    Conflict(String),
    /// Too many attempts.
    TooMany(String),
    /// A service Nära reads from did not answer as it should.
    Unavailable(String),
    /// Something failed inside; logged.
    Internal(String),
    /// Something failed inside a use case; logged with its chain of sources.
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            Self::SignIn => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Denied(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::BAD_GATEWAY,
            Self::Internal(_) | Self::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The sentence for people.
    pub fn message(&self) -> String {
        match self {
            Self::SignIn => "Du behöver logga in.".into(),
            Self::Forbidden => "Du har inte behörighet att se det här.".into(),
            Self::NotFound(m)
            | Self::BadRequest(m)
            | Self::Denied(m)
            | Self::Conflict(m)
            | Self::TooMany(m)
            | Self::Unavailable(m) => m.clone(),
            Self::Internal(_) | Self::Failed(_) => {
                "Något gick fel i servern. Försök igen; kvarstår felet, kontakta förvaltningen."
                    .into()
            }
        }
    }

    /// Logs an internal error: its detail, or its whole chain of sources.
    fn log(&self) {
        match self {
            Self::Internal(detail) => tracing::error!(%detail, "internal error"),
            Self::Failed(e) => {
                tracing::error!(error = %e, chain = %chain(e.as_ref()), "internal error");
            }
            _ => {}
        }
    }

    /// The same error as a JSON response (the API's form).
    pub fn json(self) -> Response {
        self.log();
        let body = serde_json::json!({ "error": self.message() });
        (self.status(), axum::Json(body)).into_response()
    }
}

/// An error and its sources, outermost first, joined by `: `.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(": ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}

impl From<nara_app::Error> for AppError {
    /// The one place a use case's error becomes a status, by variant.
    fn from(e: nara_app::Error) -> Self {
        match e {
            nara_app::Error::NotFound(m) => Self::NotFound(m),
            nara_app::Error::Invalid(m) => Self::BadRequest(m),
            nara_app::Error::Conflict(m) => Self::Conflict(m),
            nara_app::Error::Forbidden(m) => Self::Denied(m),
            nara_app::Error::Unavailable(m) => Self::Unavailable(m),
            e @ nara_app::Error::Internal { .. } => Self::Failed(Box::new(e)),
        }
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
        self.log();
        let status = self.status();
        let page = crate::layout::ErrorPage {
            title: match status.as_u16() {
                403 => "Ingen behörighet",
                404 => "Finns inte",
                400 | 409 => "Det gick inte",
                429 => "För många försök",
                _ => "Serverfel",
            }
            .to_string(),
            status: status.as_u16(),
            message: self.message(),
            home: true,
        };
        let html = askama::Template::render(&page).unwrap_or_else(|_| self.message());
        let info = crate::framed::ErrorInfo {
            title: page.title.clone(),
            message: page.message.clone(),
        };
        let mut res = (status, Html(html)).into_response();
        res.extensions_mut().insert(info);
        res
    }
}

/// Result of a handler.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    async fn page(e: nara_app::Error) -> (u16, String) {
        let resp = AppError::from(e).into_response();
        let status = resp.status().as_u16();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn each_variant_has_its_status_whatever_its_text() {
        // The text says "finns inte" in each: only the variant decides.
        let text = || "Omgången 2026 finns inte.".to_string();
        let cases = [
            (nara_app::Error::NotFound(text()), 404),
            (nara_app::Error::Invalid(text()), 400),
            (nara_app::Error::Conflict(text()), 409),
            (nara_app::Error::Forbidden(text()), 403),
            (nara_app::Error::Unavailable(text()), 502),
        ];
        for (e, want) in cases {
            let (status, body) = page(e).await;
            assert_eq!(status, want);
            assert!(body.contains("Omgången 2026 finns inte."), "{body}");
        }
    }

    #[tokio::test]
    async fn a_failing_database_is_a_500_with_the_generic_sentence() {
        let db = nara_store::Error::Corrupt("round 2026 (secret detail)".into());
        let e = nara_app::Error::from(db);
        let (status, body) = page(e).await;
        assert_eq!(status, 500, "not a 404: {body}");
        assert!(body.contains("Något gick fel i servern."), "{body}");
        assert!(!body.contains("finns inte"), "{body}");
        assert!(
            !body.contains("secret detail"),
            "the detail is logged, not shown: {body}"
        );

        let json = AppError::from(nara_app::Error::internal("JSON", "broken")).json();
        assert_eq!(json.status().as_u16(), 500);
        let body = axum::body::to_bytes(json.into_body(), 1 << 20)
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("Något gick fel i servern."), "{body}");
        assert!(!body.contains("broken"), "{body}");
    }

    #[test]
    fn the_chain_has_every_source() {
        let e = nara_app::Error::from(nara_store::Error::Corrupt("round 2026".into()));
        assert_eq!(chain(&e), "Databasfel: stored data is invalid: round 2026");
    }
}
