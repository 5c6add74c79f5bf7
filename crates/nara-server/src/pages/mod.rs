//! The HTML pages. Each handler loads through `nara-app`, checks access (`crate::access`),
//! turns core's numbers into text (decimal comma, "för få svar", band as text beside its
//! colour) and renders an askama template from `templates/`.

use askama::Template;
use axum::Router;
use nara_core::scoring::{Change, Direction};
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
mod org_missing;
mod organisation;
mod pager;
mod rounds;
mod sort;
pub mod sso;
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

/// A score cell (`templates/cell.html`): the whole cell tinted by its band, graded by how deep
/// into the band the score lies (so 2,04 and 2,96 differ), the value, the band in words, and
/// the change with a coloured arrow; a page shows it with `{{ cell|safe }}`.
#[derive(Template, Debug, Serialize)]
#[template(path = "cell.html")]
pub struct Cell {
    /// `3,25` or "för få svar".
    pub text: String,
    /// `Styrka`; empty when unscored.
    pub band: String,
    /// `band-styrka`; empty when unscored.
    pub class: String,
    /// `tint-styrka shade-3`: the cell's background; empty when unscored.
    pub tint: String,
    /// The change since the previous round: `↑ +0,50`; empty when none.
    pub change: String,
    /// The change in words for screen readers (`förbättrad`); the arrow says it to the eye.
    pub change_word: String,
    /// `up`, `down` or `same`: the arrow's colour.
    pub change_class: &'static str,
}

fn band_class(id: &str) -> String {
    format!("band-{}", css_id(id))
}

/// A band id as it may stand in a class name.
pub(crate) fn css_id(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

fn cell(inst: &Instrument, score: Option<f64>, change: Option<&Change>) -> Cell {
    let band = score.map(|s| inst.band(s));
    Cell {
        text: fmt::score(score),
        band: band.map(|b| b.label.clone()).unwrap_or_default(),
        class: band.map(|b| band_class(&b.id)).unwrap_or_default(),
        tint: (band.zip(score))
            .map(|(b, s)| format!("tint-{} shade-{}", css_id(&b.id), inst.shade(s)))
            .unwrap_or_default(),
        change: change.map(change_text).unwrap_or_default(),
        change_word: change
            .map(|c| c.direction.label().to_string())
            .unwrap_or_default(),
        change_class: match change.map(|c| c.direction) {
            Some(Direction::Up) => "up",
            Some(Direction::Down) => "down",
            _ => "same",
        },
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

/// `↑ +0,50`, `↓ −0,25` (a real minus sign), `→ +0,10`: the arrow and the change; what the
/// arrow means is said once in the legend (and to screen readers in the cell).
pub fn change_text(c: &Change) -> String {
    c.short()
}

/// The legend of a heat map: the bands and the change threshold.
#[derive(Debug, Serialize)]
pub struct Legend {
    /// The bands.
    pub items: Vec<LegendItem>,
    /// The change under which a change counts as none: `0,25`.
    pub threshold: String,
}

/// One band of the legend.
#[derive(Debug, Serialize)]
pub struct LegendItem {
    /// The label.
    pub label: String,
    /// The class.
    pub class: String,
    /// The range in words.
    pub range: String,
}

fn legend(inst: &Instrument) -> Legend {
    let bands = &inst.scoring().bands;
    let items = bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let from = b.from.unwrap_or_else(|| inst.scale_min());
            let range = match (i, bands.get(i + 1).and_then(|n| n.from)) {
                (0, Some(to)) => format!("under {}", fmt::decimal(to, 1)),
                (_, Some(to)) => {
                    format!("{}–{}", fmt::decimal(from, 1), fmt::decimal(to - 0.01, 2))
                }
                (_, None) => format!("{} och över", fmt::decimal(from, 1)),
            };
            LegendItem {
                label: b.label.clone(),
                class: band_class(&b.id),
                range,
            }
        })
        .collect();
    Legend {
        items,
        threshold: fmt::decimal(inst.scoring().change_threshold, 2),
    }
}

/// Any unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound("Sidan finns inte. Gå till startsidan och välj därifrån.".into())
}
