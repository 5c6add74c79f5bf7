//! Small helpers for building answer sets in tests.

use nara_core::instrument::Instrument;
use nara_core::{AnswerSet, StatementId};

/// Builds an answer set from `("D1.1", "4")` pairs, reading each answer as a person types it.
pub fn answers(inst: &Instrument, pairs: &[(&str, &str)]) -> AnswerSet {
    let mut set = AnswerSet::default();
    for (id, raw) in pairs {
        if let Some(a) = inst.parse_answer(raw).expect("valid answer in test") {
            set.answers
                .insert(StatementId::parse(id).expect("valid id"), a);
        }
    }
    set
}

/// Every statement of an area answered with the same value.
pub fn whole_area(inst: &Instrument, area: &str, value: &str) -> Vec<(String, String)> {
    let area = inst.area(&nara_core::AreaId::parse(area).unwrap()).unwrap();
    area.statements
        .iter()
        .map(|s| (s.id.to_string(), value.to_string()))
        .collect()
}

/// Two-decimal rounding, as the documentation shows numbers.
pub fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
