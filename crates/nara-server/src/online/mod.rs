//! Answering on the web: answer links (made by the coordinator for any organisation, or by a
//! respondent for their own) and the form behind a link, which needs no account. The form works
//! without JavaScript (a save button and a submit button); `autosave.js` saves each answer as
//! it is given and shows "Sparat". The token in the URL is the secret that authorises the form,
//! so a page elsewhere cannot post to it without knowing the token.

use axum::Router;

use crate::AppState;
use crate::layout::seg;

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
