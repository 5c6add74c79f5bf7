//! The raw answers: one flat row per statement of every form, for pivot tables.

use serde::Serialize;

use crate::instrument::Instrument;
use crate::org::Organisation;

use super::Form;
use super::build::org_name;

/// One answer as a flat row, for pivot tables and statistics tools.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawRow {
    /// The round.
    pub round: String,
    /// The organisation's code.
    pub org_code: String,
    /// The organisation's name.
    pub org_name: String,
    /// The unit.
    pub unit: String,
    /// The rater; `samsyn` for a consensus answer, empty when the unit answered as one.
    pub rater: String,
    /// The area's id.
    pub area_id: String,
    /// The area's name.
    pub area_name: String,
    /// The statement's id.
    pub statement_id: String,
    /// The statement's text.
    pub statement: String,
    /// The scale value; `None` for "vet ej" and blank.
    pub value: Option<f64>,
    /// The answer's label; empty when blank.
    pub label: String,
    /// The comment on the statement, verbatim.
    pub comment: String,
}

/// One row per statement of every form (blank answers included, so a pivot counts them),
/// ordered by organisation, unit, rater and the instrument's order.
pub fn raw_rows(inst: &Instrument, orgs: &[Organisation], forms: &[Form]) -> Vec<RawRow> {
    let mut sorted: Vec<&Form> = forms.iter().collect();
    sorted.sort_by(|a, b| {
        (
            &a.response.org,
            a.response.unit.key(),
            a.response.consensus,
            &a.response.rater,
        )
            .cmp(&(
                &b.response.org,
                b.response.unit.key(),
                b.response.consensus,
                &b.response.rater,
            ))
    });
    let mut rows = Vec::with_capacity(forms.len() * inst.statement_count());
    for f in sorted {
        let r = f.response;
        let org_name = org_name(orgs, &r.org);
        let rater = if r.consensus {
            "samsyn".to_string()
        } else {
            r.rater.clone()
        };
        for (area, s) in inst.statements() {
            let answer = r.set.get(&s.id);
            rows.push(RawRow {
                round: r.round.to_string(),
                org_code: r.org.to_string(),
                org_name: org_name.clone(),
                unit: r.unit.to_string(),
                rater: rater.clone(),
                area_id: area.id.to_string(),
                area_name: area.name.clone(),
                statement_id: s.id.to_string(),
                statement: s.text.clone(),
                value: answer.and_then(|a| a.value()),
                label: answer
                    .map(|a| inst.answer_label(a).to_string())
                    .unwrap_or_default(),
                comment: r.set.notes.get(&s.id).cloned().unwrap_or_default(),
            });
        }
    }
    rows
}
