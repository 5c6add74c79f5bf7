//! The rules a plan, an activity and a follow-up must keep, each problem named by its field.

use serde::Serialize;

use super::{Activity, FollowUp, LocalPlan, MAX_LIST, MAX_TEXT, MAX_TITLE, PlanStatus, RecordId};
use crate::ids::{AreaId, OrgCode, shorten};
use crate::instrument::Instrument;
use crate::round::Date;

/// A problem with one field of a record: which field (as the form and the web name it) and a
/// Swedish sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field (`title`, `areas`, `planned_end`, …).
    pub field: &'static str,
    /// What is wrong and how to put it right.
    pub message: String,
}

/// What a record is checked against: the instrument's delmål and statements, the
/// organisations, the catalogue's indicator ids and the plans that exist.
pub struct Context<'a> {
    /// The instrument (delmål and statements).
    pub instrument: &'a Instrument,
    /// The organisations' codes.
    pub organisations: &'a [OrgCode],
    /// The indicator ids of the catalogue.
    pub indicators: &'a [&'a str],
    /// The plans' ids.
    pub plans: &'a [RecordId],
}

fn text(
    p: &mut Vec<FieldProblem>,
    field: &'static str,
    what: &str,
    s: &str,
    max: usize,
    need: bool,
) {
    let n = s.chars().count();
    if need && s.trim().is_empty() {
        p.push(FieldProblem {
            field,
            message: format!("{what} saknas."),
        });
    } else if n > max {
        p.push(FieldProblem {
            field,
            message: format!("{what} är för lång ({n} tecken; högst {max})."),
        });
    }
}

fn list(p: &mut Vec<FieldProblem>, field: &'static str, what: &str, items: &[String]) {
    if items.len() > MAX_LIST {
        p.push(FieldProblem {
            field,
            message: format!("{what}: högst {MAX_LIST} (här {}).", items.len()),
        });
    }
    for s in items {
        text(p, field, what, s, MAX_TITLE, true);
    }
}

fn areas(p: &mut Vec<FieldProblem>, ctx: &Context, areas: &[AreaId], need: bool) {
    if need && areas.is_empty() {
        p.push(FieldProblem {
            field: "areas",
            message: "Ange minst ett delmål som aktiviteten följer.".into(),
        });
    }
    for a in areas {
        if ctx.instrument.area(a).is_none() {
            let known: Vec<&str> = ctx
                .instrument
                .areas()
                .iter()
                .map(|x| x.id.as_str())
                .collect();
            p.push(FieldProblem {
                field: "areas",
                message: format!(
                    "Delmålet {a} finns inte (delmålen är {}).",
                    known.join(", ")
                ),
            });
        }
    }
}

fn dates(p: &mut Vec<FieldProblem>, start: Option<Date>, end: Option<Date>, field: &'static str) {
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        p.push(FieldProblem {
            field,
            message: format!("Slutdatumet {e} ligger före startdatumet {s}."),
        });
    }
}

fn link_ok(link: &str) -> bool {
    let t = link.trim();
    t.is_empty()
        || ((t.starts_with("https://") || t.starts_with("http://"))
            && t.len() <= 2_000
            && !t.chars().any(|c| c.is_whitespace() || c.is_control()))
}

impl LocalPlan {
    /// Checks the plan; every problem is listed.
    pub fn check(&self, ctx: &Context) -> std::result::Result<(), Vec<FieldProblem>> {
        let mut p = Vec::new();
        text(&mut p, "name", "Planens namn", &self.name, MAX_TITLE, true);
        if self.parties.is_empty() {
            p.push(FieldProblem {
                field: "parties",
                message: "Ange minst en organisation som är part i planen.".into(),
            });
        }
        for o in &self.parties {
            if !ctx.organisations.contains(o) {
                p.push(FieldProblem {
                    field: "parties",
                    message: format!("Organisationen {o} finns inte."),
                });
            }
        }
        list(&mut p, "partners", "Övriga parter", &self.partners);
        dates(&mut p, Some(self.start), self.end, "end");
        text(
            &mut p,
            "decided_by",
            "Vem som beslutat",
            &self.decided_by,
            MAX_TITLE,
            false,
        );
        if !link_ok(&self.link) {
            p.push(FieldProblem {
                field: "link",
                message: "Länken ska vara en webbadress som börjar med https://.".into(),
            });
        }
        if matches!(self.status, PlanStatus::Beslutad | PlanStatus::Reviderad)
            && self.decided_on.is_none()
        {
            p.push(FieldProblem {
                field: "decided_on",
                message: format!(
                    "En plan som är {} har ett beslutsdatum.",
                    self.status.label()
                ),
            });
        }
        areas(&mut p, ctx, &self.areas, false);
        if p.is_empty() { Ok(()) } else { Err(p) }
    }
}

impl Activity {
    /// Checks the activity; every problem is listed.
    pub fn check(&self, ctx: &Context) -> std::result::Result<(), Vec<FieldProblem>> {
        let mut p = Vec::new();
        text(
            &mut p,
            "title",
            "Aktivitetens titel",
            &self.title,
            MAX_TITLE,
            true,
        );
        text(
            &mut p,
            "description",
            "Beskrivningen",
            &self.description,
            MAX_TEXT,
            false,
        );
        if !ctx.organisations.contains(&self.owner) {
            p.push(FieldProblem {
                field: "owner",
                message: format!("Organisationen {} finns inte.", self.owner),
            });
        }
        list(&mut p, "partners", "Samverkansparter", &self.partners);
        areas(&mut p, ctx, &self.areas, true);
        for s in &self.statements {
            if !(ctx.instrument.areas().iter()).any(|a| a.statements.iter().any(|x| &x.id == s)) {
                p.push(FieldProblem {
                    field: "statements",
                    message: format!("Påståendet {s} finns inte i instrumentet."),
                });
            }
        }
        for i in &self.indicators {
            if !ctx.indicators.contains(&i.as_str()) {
                p.push(FieldProblem {
                    field: "indicators",
                    message: format!("Nyckeltalet {} finns inte i katalogen.", shorten(i)),
                });
            }
        }
        text(
            &mut p,
            "target_group",
            "Målgruppen",
            &self.target_group,
            MAX_TITLE,
            false,
        );
        text(
            &mut p,
            "responsible_role",
            "Ansvarig roll",
            &self.responsible_role,
            MAX_TITLE,
            false,
        );
        text(
            &mut p,
            "responsible_name",
            "Ansvarigs namn",
            &self.responsible_name,
            MAX_TITLE,
            false,
        );
        dates(&mut p, self.planned_start, self.planned_end, "planned_end");
        text(
            &mut p,
            "expected_effect",
            "Förväntad effekt",
            &self.expected_effect,
            MAX_TEXT,
            false,
        );
        text(
            &mut p,
            "result",
            "Uppnått resultat",
            &self.result,
            MAX_TEXT,
            false,
        );
        if let Some(plan) = &self.plan
            && !ctx.plans.contains(plan)
        {
            p.push(FieldProblem {
                field: "plan",
                message: format!("Planen {plan} finns inte."),
            });
        }
        if p.is_empty() { Ok(()) } else { Err(p) }
    }
}

impl FollowUp {
    /// Checks the follow-up's comment.
    pub fn check(&self) -> std::result::Result<(), Vec<FieldProblem>> {
        let mut p = Vec::new();
        text(
            &mut p,
            "comment",
            "Kommentaren",
            &self.comment,
            MAX_TEXT,
            false,
        );
        if p.is_empty() { Ok(()) } else { Err(p) }
    }
}
