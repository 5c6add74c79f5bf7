//! The distribution of every rating per statement: how many chose each level, "vet ej" and
//! blank.

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, AnswerSet};
use crate::ids::StatementId;
use crate::instrument::Instrument;

/// How the answers to one statement are distributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// The statement.
    pub statement: StatementId,
    /// How many chose each level, in scale order.
    pub levels: Vec<usize>,
    /// How many answered "vet ej / ej aktuellt".
    pub not_applicable: usize,
    /// How many left it blank.
    pub blank: usize,
    /// The mean of the levels given.
    pub mean: Option<f64>,
}

/// The distribution of every rating (each rater's form once) per statement.
pub fn distribution(inst: &Instrument, sets: &[&AnswerSet]) -> Vec<Distribution> {
    inst.statements()
        .map(|(_, st)| {
            let mut levels = vec![0; inst.scale.levels.len()];
            let (mut na, mut blank, mut sum, mut n) = (0, 0, 0.0, 0usize);
            for s in sets {
                match s.get(&st.id) {
                    Some(Answer::Level(v)) => {
                        if let Some(i) = inst.scale.levels.iter().position(|l| l.value == v) {
                            levels[i] += 1;
                            sum += f64::from(v);
                            n += 1;
                        }
                    }
                    Some(Answer::NotApplicable) => na += 1,
                    None => blank += 1,
                }
            }
            Distribution {
                statement: st.id.clone(),
                levels,
                not_applicable: na,
                blank,
                mean: (n > 0).then(|| sum / n as f64),
            }
        })
        .collect()
}
