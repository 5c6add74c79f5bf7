//! What people write for the year's report: the coordinator's summary (3–6 bullets), a text and
//! up to three good examples per delmål, and each organisation's "lokala reflektioner". Checked
//! here with a Swedish sentence per field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::YearReport;
use crate::activity::FieldProblem;

/// The most bullets of the summary.
pub const MAX_BULLETS: usize = 6;
/// The longest bullet (characters).
pub const MAX_BULLET: usize = 500;
/// The longest text of a delmål or an organisation's reflections (characters).
pub const MAX_TEXT: usize = 6_000;
/// The most good examples of a delmål.
pub const MAX_EXAMPLES: usize = 3;

/// What the coordinator writes about one delmål.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaText {
    /// The coordinator's own text.
    #[serde(default)]
    pub text: String,
    /// The good examples: ids of activities that follow the delmål.
    #[serde(default)]
    pub examples: Vec<String>,
}

/// Everything written for a year's report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    /// The summary's bullets, in order.
    #[serde(default)]
    pub summary: Vec<String>,
    /// Per delmål (`D1`).
    #[serde(default)]
    pub areas: BTreeMap<String, AreaText>,
    /// Per organisation (code): its lokala reflektioner.
    #[serde(default)]
    pub reflections: BTreeMap<String, String>,
}

fn too_long(field: &'static str, what: &str, s: &str, max: usize) -> Option<FieldProblem> {
    let n = s.chars().count();
    (n > max).then(|| FieldProblem {
        field,
        message: format!("{what} är för lång ({n} tecken; högst {max})."),
    })
}

impl Texts {
    /// Checks the texts against the report they belong to; every problem is listed. Empty
    /// bullets are dropped before (see [`Texts::tidy`]).
    pub fn check(&self, report: &YearReport) -> Result<(), Vec<FieldProblem>> {
        let mut p = Vec::new();
        if self.summary.len() > MAX_BULLETS {
            p.push(FieldProblem {
                field: "summary",
                message: format!(
                    "Sammanfattningen har {} punkter; skriv högst {MAX_BULLETS}.",
                    self.summary.len()
                ),
            });
        }
        for (i, b) in self.summary.iter().enumerate() {
            let what = format!("Punkt {} i sammanfattningen", i + 1);
            p.extend(too_long("summary", &what, b, MAX_BULLET));
        }
        for (id, a) in &self.areas {
            let Some(ch) = report.chapters.iter().find(|c| c.id.as_str() == id) else {
                p.push(FieldProblem {
                    field: "areas",
                    message: format!("Delmålet {id} finns inte i rapporten."),
                });
                continue;
            };
            p.extend(too_long(
                "areas",
                &format!("Texten om {id}"),
                &a.text,
                MAX_TEXT,
            ));
            if a.examples.len() > MAX_EXAMPLES {
                p.push(FieldProblem {
                    field: "examples",
                    message: format!("Välj högst {MAX_EXAMPLES} goda exempel för {id}."),
                });
            }
            for e in &a.examples {
                if !ch.activities.iter().any(|x| &x.id == e) {
                    p.push(FieldProblem {
                        field: "examples",
                        message: format!("Aktiviteten {e} följer inte {id}."),
                    });
                }
            }
        }
        for (code, text) in &self.reflections {
            if !report.profiles.iter().any(|o| o.code.as_str() == code) {
                p.push(FieldProblem {
                    field: "reflections",
                    message: format!("Organisationen {code} finns inte i rapporten."),
                });
            }
            let what = format!("Reflektionen från {code}");
            p.extend(too_long("reflections", &what, text, MAX_TEXT));
        }
        if p.is_empty() { Ok(()) } else { Err(p) }
    }

    /// The texts trimmed, with empty bullets, delmål texts and reflections left out.
    pub fn tidy(mut self) -> Self {
        self.summary = (self.summary.into_iter())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        for a in self.areas.values_mut() {
            a.text = a.text.trim().to_string();
        }
        self.areas
            .retain(|_, a| !a.text.is_empty() || !a.examples.is_empty());
        self.reflections = (self.reflections.into_iter())
            .map(|(k, v)| (k, v.trim().to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        self
    }
}
