//! The organisation page's details below the tables: the strongest and weakest statements,
//! where raters disagree, and the comments, for the units on the page.

use nara_core::report::UnitReport;
use nara_core::{Instrument, fmt};
use serde::Serialize;

use super::statement_text;

/// A statement named as high or low.
#[derive(Debug, Serialize)]
pub struct HighlightRow {
    /// `D1.2`.
    pub id: String,
    /// The text.
    pub text: String,
    /// The value.
    pub value: String,
}

/// Raters that disagree on a statement.
#[derive(Debug, Serialize)]
pub struct DisagreementRow {
    /// The unit.
    pub unit: String,
    /// The statement id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// `1–4`.
    pub range: String,
    /// The median.
    pub median: String,
}

/// Comments on one area.
#[derive(Debug, Serialize)]
pub struct CommentGroup {
    /// The area.
    pub area: String,
    /// The comments, each with its unit.
    pub items: Vec<Comment>,
}

/// One comment and the unit that wrote it.
#[derive(Debug, Serialize)]
pub struct Comment {
    /// The unit.
    pub unit: String,
    /// The text.
    pub text: String,
}

/// The statements where a unit's raters disagree.
pub(super) fn disagreements(inst: &Instrument, units: &[&UnitReport]) -> Vec<DisagreementRow> {
    let mut rows = Vec::new();
    for u in units {
        for a in u.result.rollup.agreement.iter().filter(|a| a.disagreement) {
            rows.push(DisagreementRow {
                unit: u.name.to_string(),
                id: a.statement.to_string(),
                text: statement_text(inst, a.statement.as_str()),
                range: format!("{}–{}", fmt::score(a.min), fmt::score(a.max)),
                median: fmt::score(a.median),
            });
        }
    }
    rows
}

/// The units' comments per area, areas without comments left out.
pub(super) fn comment_groups(inst: &Instrument, units: &[&UnitReport]) -> Vec<CommentGroup> {
    (inst.areas().iter())
        .map(|a| CommentGroup {
            area: format!("{} {}", a.id, a.name),
            items: (units.iter())
                .flat_map(|u| {
                    let texts = u.comments.get(a.id.as_str()).into_iter().flatten();
                    texts.map(|t| Comment {
                        unit: u.name.to_string(),
                        text: t.clone(),
                    })
                })
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect()
}
