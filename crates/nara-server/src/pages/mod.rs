//! The HTML pages. Each handler loads through `nara-app`, checks access (`crate::access`),
//! turns core's numbers into text (decimal comma, "för få svar", band as text beside its
//! colour) and renders an askama template from `templates/`.

use askama::Template;
use axum::Router;
use nara_core::scoring::Change;
use nara_core::{Instrument, fmt};
use serde::Serialize;

use crate::AppState;
use crate::error::AppError;
pub use crate::layout::{ErrorPage, Layout, Link, layout_for, link, no_store, seg};

pub mod activities;
mod area;
mod county;
mod downloads;
mod home;
mod login;
mod nyckeltal;
mod organisation;
mod rounds;
#[cfg(test)]
mod test_support;
mod unit;
mod yearly;

pub use rounds::{NoticeKey, rounds_page};

/// Every page area's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(login::router())
        .merge(rounds::router())
        .merge(county::router())
        .merge(organisation::router())
        .merge(unit::router())
        .merge(area::router())
        .merge(downloads::router())
        .merge(activities::router())
        .merge(yearly::router())
}

/// A score cell (`templates/cell.html`): a colour swatch (hidden from screen readers), the
/// value, the band in words, and the change; a page shows it with `{{ cell|safe }}`.
#[derive(Template, Debug, Serialize)]
#[template(path = "cell.html")]
pub struct Cell {
    /// `3,25` or "för få svar".
    pub text: String,
    /// `Styrka`; empty when unscored.
    pub band: String,
    /// `band-styrka`; empty when unscored.
    pub class: String,
    /// The change since the previous round, as text (`↑ +0,50 förbättrad`); empty when none.
    pub change: String,
}

fn band_class(id: &str) -> String {
    format!(
        "band-{}",
        id.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    )
}

fn cell(inst: &Instrument, score: Option<f64>, change: Option<&Change>) -> Cell {
    let band = score.map(|s| inst.band(s));
    Cell {
        text: fmt::score(score),
        band: band.map(|b| b.label.clone()).unwrap_or_default(),
        class: band.map(|b| band_class(&b.id)).unwrap_or_default(),
        change: change.map(change_text).unwrap_or_default(),
    }
}

/// An index cell: like [`cell`], but "inget index" where too few areas are scored (the page
/// says why once, see [`no_index_note`]).
fn index_cell(inst: &Instrument, index: Option<f64>, change: Option<&Change>) -> Cell {
    Cell {
        text: fmt::index(index),
        ..cell(inst, index, change)
    }
}

/// The sentence under a table with an index column: why an index is missing, said once;
/// `specific` (the reason for the table's own total) wins over the general rule. Empty when
/// every index is there.
fn no_index_note(inst: &Instrument, specific: Option<String>, any_missing: bool) -> String {
    specific
        .or_else(|| any_missing.then(|| nara_core::scoring::no_index_rule(inst)))
        .unwrap_or_default()
}

/// `↑ +0,50 (förbättrad)`.
pub fn change_text(c: &Change) -> String {
    format!(
        "{} {} ({})",
        c.direction.arrow(),
        fmt::signed(c.delta, 2),
        c.direction.label()
    )
}

/// The legend of the bands.
#[derive(Debug, Serialize)]
pub struct LegendItem {
    /// The label.
    pub label: String,
    /// The class.
    pub class: String,
    /// The range in words.
    pub range: String,
}

fn legend(inst: &Instrument) -> Vec<LegendItem> {
    let bands = &inst.scoring().bands;
    bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let from = b.from.unwrap_or_else(|| inst.scale_min());
            let range = match bands.get(i + 1).and_then(|n| n.from) {
                Some(to) => format!("{}–{}", fmt::decimal(from, 1), fmt::decimal(to, 1)),
                None => format!("från {}", fmt::decimal(from, 1)),
            };
            LegendItem {
                label: b.label.clone(),
                class: band_class(&b.id),
                range,
            }
        })
        .collect()
}

/// Any unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound("Sidan finns inte. Gå till startsidan och välj därifrån.".into())
}
