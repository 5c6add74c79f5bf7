//! Error pages in the frame: a signed-in person who meets a 404, 403 or 400 keeps the menu,
//! the round picker and the sign-out, so the way on is where it always is. [`crate::error::AppError`]
//! marks its responses with what it said ([`ErrorInfo`]); this layer, outside the handlers,
//! renders that inside the layout when the request came with a valid session. Without one
//! (signed out, the API, an answer link) the plain error page stays.

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::auth::Viewer;
use crate::layout::{Layout, layout_for};

/// What an error response said, for the frame.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The heading.
    pub title: String,
    /// The sentence.
    pub message: String,
}

/// The error inside the layout.
#[derive(Template)]
#[template(path = "error_framed.html")]
struct FramedError {
    layout: Layout,
    title: String,
    message: String,
}

/// Paths whose errors are never framed: the API answers JSON, an answer link has no menu.
fn unframed(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/svar/") || path.starts_with("/static/")
}

/// The layer: frames an error page for a signed-in viewer.
pub async fn errors_in_the_frame(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let cookie = req.headers().get(header::COOKIE).cloned();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let Some(info) = res.extensions().get::<ErrorInfo>().cloned() else {
        return res;
    };
    let (Some(cookie), false) = (cookie, unframed(&path)) else {
        return res;
    };
    let (mut parts, ()) = Request::new(()).into_parts();
    parts.headers.insert(header::COOKIE, cookie);
    let Ok(viewer) = Viewer::from_request_parts(&mut parts, &state).await else {
        return res;
    };
    let Ok(layout) = layout_for(&state, &viewer, &info.title, None, Vec::new()).await else {
        return res;
    };
    let status: StatusCode = res.status();
    let page = FramedError {
        layout,
        title: info.title,
        message: info.message,
    };
    match page.render() {
        Ok(html) => {
            let mut framed = (status, Html(html)).into_response();
            for name in [header::RETRY_AFTER, header::SET_COOKIE] {
                if let Some(v) = res.headers().get(&name) {
                    framed.headers_mut().insert(name, v.clone());
                }
            }
            framed
        }
        Err(_) => res,
    }
}
