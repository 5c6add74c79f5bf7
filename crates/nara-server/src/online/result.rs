//! A unit's result after it has answered.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use nara_core::{Instrument, UnitName, fmt};

use super::form::open;
use crate::AppState;
use crate::error::AppResult;
use crate::svg::{self, Series};

/// The result after answering.
pub fn router() -> Router<AppState> {
    Router::new().route("/svar/{token}/resultat", get(result))
}

/// The unit's result after submitting.
#[derive(Template)]
#[template(path = "answer_result.html")]
pub struct ResultPage {
    /// The token.
    pub token: String,
    /// The unit.
    pub unit: String,
    /// The organisation.
    pub org: String,
    /// The round.
    pub round: String,
    /// The radar.
    pub radar: svg::Radar,
    /// One row per area.
    pub rows: Vec<AreaRow>,
    /// The index as a sentence (`Index: 2,17.`), or why there is none.
    pub index: String,
    /// How many forms the unit's result rests on.
    pub forms: String,
}

/// One area's line in the result.
pub struct AreaRow {
    /// `D1 Nära för mig`.
    pub area: String,
    /// The mean, formatted.
    pub mean: String,
    /// Its band's label (empty without a mean).
    pub band: String,
}

/// The unit's mean per area as rows (pure).
fn area_rows(inst: &Instrument, scores: &[Option<f64>]) -> Vec<AreaRow> {
    (inst.areas().iter())
        .zip(scores)
        .map(|(a, s)| AreaRow {
            area: format!("{} {}", a.id, a.name),
            mean: fmt::score(*s),
            band: s.map(|x| inst.band(x).label.clone()).unwrap_or_default(),
        })
        .collect()
}

/// The sentence about how many forms the result rests on (empty for one).
fn forms_sentence(n: usize) -> String {
    if n > 1 {
        format!(
            "Resultatet bygger på {n} blanketter för verksamheten (medianen per påstående; samsyn gäller där den finns)."
        )
    } else {
        String::new()
    }
}

/// Whether two unit names are the same unit (as the importer keys them).
fn same_unit(a: &str, b: &str) -> bool {
    let key = |s: &str| UnitName::parse(s).map(|u| u.key()).unwrap_or_default();
    key(a) == key(b)
}

/// `GET /svar/{token}/resultat` (the token is the secret: never a span field).
#[tracing::instrument(skip_all, fields(link = tracing::field::Empty))]
pub async fn result(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (l, round, inst) = match open(&state, &token).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    tracing::Span::current().record("link", l.id);
    let snap = crate::snap(&state).await?;
    let (app, earlier) = (&state.app, nara_app::report::Earlier::NotDraft);
    let rep = state
        .app
        .report(&snap, round.id, Some(&l.org), earlier)
        .await?;
    let unit = rep
        .org(l.org.as_str())
        .and_then(|o| o.units.iter().find(|u| same_unit(u.name.as_str(), &l.unit)));
    let Some(u) = unit else {
        return Ok(Redirect::to(&format!("/svar/{token}")).into_response());
    };
    let scores: Vec<Option<f64>> = u.result.scores.areas.iter().map(|a| a.mean).collect();
    let labels: Vec<String> = inst.areas().iter().map(|a| a.id.to_string()).collect();
    let series = [Series {
        name: u.name.as_str(),
        scores: scores.clone(),
        class: "s1",
    }];
    let radar = svg::radar(&inst, &format!("{} per delmål", u.name), &labels, &series);
    let org = app.organisation(&l.org).await?;
    let page = ResultPage {
        token,
        unit: u.name.to_string(),
        org: org.name,
        round: round.id.to_string(),
        radar,
        rows: area_rows(&inst, &scores),
        index: (u.result.scores.no_index(&inst))
            .unwrap_or_else(|| format!("Index: {}.", fmt::index(u.result.scores.overall))),
        forms: forms_sentence(u.raters.len() + usize::from(u.consensus)),
    };
    Ok(Html(page.render()?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_form_needs_no_sentence() {
        assert_eq!(forms_sentence(0), "");
        assert_eq!(forms_sentence(1), "");
        assert!(forms_sentence(3).starts_with("Resultatet bygger på 3 blanketter"));
    }

    #[test]
    fn a_unit_is_found_whatever_its_spelling() {
        assert!(same_unit("Hemtjänsten", "hemtjänsten"));
        assert!(!same_unit("Hemtjänsten", "Vårdcentralen"));
    }
}
