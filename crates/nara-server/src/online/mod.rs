//! Answering on the web: answer links (made by the coordinator for any organisation, or by a
//! respondent for their own) and the form behind a link, which needs no account. The form works
//! without JavaScript (a save button and a submit button); `autosave.js` saves each answer as
//! it is given and shows "Sparat". The token in the URL is the secret that authorises the form,
//! so a page elsewhere cannot post to it without knowing the token.

use std::collections::BTreeMap;

use askama::Template;
use axum::Json;
use axum::extract::{Form, FromRequest, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use nara_app::online::{self, LinkState};
use nara_core::{Instrument, OrgCode, RoundId, fmt};
use nara_store::AnswerLink;
use serde::Deserialize;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::access::round_visible;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, layout_for, link, seg, when};
use crate::svg::{self, Series};

mod form;
mod links;
mod result;

/// Answer links, the form behind them, the result.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(links::router())
        .merge(form::router())
        .merge(result::router())
}

/// The URL path of a link's form (for lists and tests).
pub fn form_path(token: &str) -> String {
    format!("/svar/{}", seg(token))
}
