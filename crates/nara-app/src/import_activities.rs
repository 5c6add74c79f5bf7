//! A form's sheet Aktiviteter, merged into the organisation's stored plan and activities once
//! the form's response is stored: a row with an id updates that activity (the fields the sheet
//! shows overwrite, the others are kept), a row with only a title is a new activity owned by
//! the form's organisation, unless the organisation already has an activity of that title (the
//! same words, without regard to case and spaces) that no row names by id: then the row is
//! that activity, so that importing the same form again adds nothing. Likewise a plan written
//! into the block without an id is the organisation's plan of that name, or a new one. Every
//! row gets the round's follow-up (status and comment). The
//! sheet is stored as one batch, whole or not at all; a sheet with any problem stores nothing
//! of itself and leaves the self-assessment stored.

use nara_core::Response;
use nara_core::activity::{Activity, FollowUp, LocalPlan, PlanStatus, Systemledning};
use nara_excel::import::activities::{ActivityRow, PlanBlock};
use nara_excel::{Problem, SheetActivities, SheetRead};
use nara_store::{ActivityBatch, Store};
use serde::Serialize;

use crate::Result;
use crate::activities::{self, RecordProblem, new_id};

/// What became of a form's sheet Aktiviteter (with a dry run: what would).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SheetReport {
    /// New activities.
    pub added: usize,
    /// Stored activities the sheet changed.
    pub changed: usize,
    /// Stored activities the sheet left as they were.
    pub unchanged: usize,
    /// Follow-ups of the round that are new or changed.
    pub followed_up: usize,
    /// The plan: `ny`, `ändrad`, or `null` when it is not new or changed.
    pub plan: Option<String>,
    /// Why nothing of the sheet was stored; empty when it was.
    pub problems: Vec<Problem>,
}

impl SheetReport {
    /// The report as one Swedish line: `Aktiviteter: 2 nya, 1 ändrad, 3 uppföljda.`
    pub fn line(&self) -> String {
        if !self.problems.is_empty() {
            return format!(
                "Aktiviteter: fliken har {} fel och ingenting av den sparades (självskattningen påverkas inte).",
                self.problems.len()
            );
        }
        let mut parts = Vec::new();
        if self.added > 0 {
            parts.push(format!(
                "{} {}",
                self.added,
                plural(self.added, "ny", "nya")
            ));
        }
        if self.changed > 0 {
            let w = plural(self.changed, "ändrad", "ändrade");
            parts.push(format!("{} {w}", self.changed));
        }
        if self.followed_up > 0 {
            let w = plural(self.followed_up, "uppföljd", "uppföljda");
            parts.push(format!("{} {w}", self.followed_up));
        }
        if let Some(p) = &self.plan {
            parts.push(format!("lokal plan {p}"));
        }
        if parts.is_empty() {
            "Aktiviteter: inga ändringar.".to_string()
        } else {
            format!("Aktiviteter: {}.", parts.join(", "))
        }
    }

    fn refused(problems: Vec<Problem>) -> Self {
        Self {
            problems,
            ..Self::default()
        }
    }
}

/// Whether two titles are the same words, without regard to case and spaces.
fn same_words(a: &str, b: &str) -> bool {
    let fold = |s: &str| nara_core::ids::fold_spaces(s).trim().to_lowercase();
    fold(a) == fold(b)
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// What a blank form's sheet Aktiviteter shows of an organisation: the newest plan it is
/// party to (by start) and the activities it owns.
pub async fn form_activities(
    store: &dyn Store,
    org: &nara_core::OrgCode,
) -> Result<nara_excel::FormActivities> {
    let plan = (store.plans(Some(org)).await?.into_iter())
        .max_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    Ok(nara_excel::FormActivities {
        plan,
        activities: store.activities(Some(org)).await?,
        ..Default::default()
    })
}

/// The report on a sheet read without a database: its problems, or nothing to say.
pub fn checked_only(sheet: &SheetRead) -> Option<SheetReport> {
    match sheet {
        Some(Err(p)) => Some(SheetReport::refused(p.clone())),
        _ => None,
    }
}

fn problem(sheet: &str, cell: Option<String>, message: String) -> Problem {
    Problem {
        sheet: Some(sheet.to_string()),
        cell,
        message,
    }
}

/// Merges the sheet of a stored form's response into the store (nothing stored with
/// `dry_run`); `None` for a form without the sheet. What its records are checked against is
/// `known`, read at the batch's first sheet that changes anything and kept for the next, so
/// that a batch of forms reads it once.
pub(crate) async fn apply(
    store: &dyn Store,
    response: &Response,
    sheet: SheetRead,
    actor: &str,
    dry_run: bool,
    known: &mut Option<activities::Known>,
) -> Result<Option<SheetReport>> {
    let sheet = match sheet {
        None => return Ok(None),
        Some(Err(p)) => return Ok(Some(SheetReport::refused(p))),
        Some(Ok(s)) => s,
    };
    if sheet.rows.is_empty() && sheet.plan.is_none() {
        // A sheet left blank changes nothing: no need to load the organisation's activities.
        return Ok(Some(SheetReport::default()));
    }
    let merged = match merge(store, response, &sheet).await? {
        Ok(m) => m,
        Err(p) => return Ok(Some(SheetReport::refused(p))),
    };
    let Merged { batch, mut report } = merged;
    let k = match known {
        Some(k) => k,
        None => known.insert(activities::known(store).await?),
    };
    let problems = if dry_run {
        activities::check_known(k, &batch)
    } else {
        match activities::save_known(store, &batch, actor, k).await? {
            Ok(_) => Vec::new(),
            Err(p) => p,
        }
    };
    if !problems.is_empty() {
        report = SheetReport::refused(located(&sheet, &batch, &problems));
    }
    Ok(Some(report))
}

/// The records' problems, each at the cell that shows the field when the sheet shows it.
fn located(
    sheet: &SheetActivities,
    batch: &ActivityBatch,
    problems: &[RecordProblem],
) -> Vec<Problem> {
    problems
        .iter()
        .map(|p| {
            let row = (batch.activities.iter().position(|a| a.id.as_str() == p.id))
                .and_then(|i| sheet.rows.get(i));
            let cell = match row {
                Some(r) => sheet.cell(r.row, p.problem.field),
                None => (sheet.plan.as_ref()).and_then(|b| b.cell(p.problem.field)),
            };
            let who = match row {
                Some(r) => format!("Aktiviteten ”{}”: ", r.title),
                None => "Planen: ".to_string(),
            };
            problem(&sheet.sheet, cell, format!("{who}{}", p.problem.message))
        })
        .collect()
}

struct Merged {
    batch: ActivityBatch,
    report: SheetReport,
}

/// The batch the sheet makes of the stored records (activities in the order of the sheet's
/// rows), with what it changes; or the problems of rows that name a record the organisation
/// does not have.
async fn merge(
    store: &dyn Store,
    response: &Response,
    sheet: &SheetActivities,
) -> Result<std::result::Result<Merged, Vec<Problem>>> {
    let org = &response.org;
    let stored = store.activities(Some(org)).await?;
    // The organisation's own follow-ups, not the round's: a county's grow with every form.
    let stored_followups: Vec<_> = (store.followups_of(org).await?.into_iter())
        .filter(|s| s.followup.round == response.round)
        .collect();
    let mut problems = Vec::new();
    let mut report = SheetReport::default();
    let mut batch = ActivityBatch::default();
    if let Some(block) = &sheet.plan {
        let plans = store.plans(Some(org)).await?;
        match plan_of(block, &plans, org)? {
            Ok(p) => {
                let before = plans.iter().find(|x| x.id == p.id);
                report.plan = match before {
                    None => Some("ny".into()),
                    Some(b) if *b != p => Some("ändrad".into()),
                    Some(_) => None,
                };
                batch.plans.push(p);
            }
            Err(m) => problems.push(problem(&sheet.sheet, block.cell("name"), m)),
        }
    }
    let mut named: Vec<&nara_core::activity::RecordId> =
        sheet.rows.iter().filter_map(|r| r.id.as_ref()).collect();
    for row in &sheet.rows {
        let before = match &row.id {
            Some(id) => Some(stored.iter().find(|a| &a.id == id)),
            None => {
                let same = (stored.iter())
                    .find(|a| !named.contains(&&a.id) && same_words(&a.title, &row.title));
                if let Some(a) = same {
                    named.push(&a.id);
                }
                same.map(Some)
            }
        };
        let a = match before {
            Some(None) => {
                problems.push(problem(
                    &sheet.sheet,
                    sheet.cell(row.row, "title"),
                    format!(
                        "Aktiviteten ”{}” finns inte bland {org}s aktiviteter i Nära. Ändra inte den dolda id-kolumnen; skriv en ny aktivitet på en tom rad.",
                        row.title
                    ),
                ));
                continue;
            }
            Some(Some(b)) => {
                let a = updated(b.clone(), row);
                if a == *b {
                    report.unchanged += 1;
                } else {
                    report.changed += 1;
                }
                a
            }
            None => {
                if row.category.is_none() {
                    problems.push(problem(
                        &sheet.sheet,
                        sheet.cell(row.row, "category"),
                        format!("Välj kategori för den nya aktiviteten ”{}”.", row.title),
                    ));
                    continue;
                }
                report.added += 1;
                new_activity(row, response)?
            }
        };
        let f = FollowUp {
            activity: a.id.clone(),
            round: response.round,
            status: a.status,
            comment: row.comment.clone(),
        };
        let same = (stored_followups.iter()).any(|s| s.followup == f);
        report.followed_up += usize::from(!same);
        batch.followups.push(f);
        batch.activities.push(a);
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Ok(Merged { batch, report }))
}

/// A stored activity with the fields the sheet shows overwritten by the row (a category or
/// status left empty keeps the stored one).
fn updated(mut a: Activity, row: &ActivityRow) -> Activity {
    a.title = row.title.clone();
    a.description = row.description.clone();
    a.areas = row.areas.clone();
    a.category = row.category.unwrap_or(a.category);
    a.target_group = row.target_group.clone();
    a.responsible_role = row.responsible_role.clone();
    a.planned_start = row.planned_start;
    a.planned_end = row.planned_end;
    a.status = row.status.unwrap_or(a.status);
    a.result = row.result.clone();
    a
}

fn new_activity(row: &ActivityRow, response: &Response) -> Result<Activity> {
    Ok(updated(
        Activity::new(new_id('A')?, response.org.clone()),
        row,
    ))
}

/// The plan the block makes: the stored one it names with the block's values, or a new plan
/// of the organisation; `Err` (a sentence) when it names a plan the organisation is not party
/// to.
fn plan_of(
    block: &PlanBlock,
    plans: &[LocalPlan],
    org: &nara_core::OrgCode,
) -> Result<std::result::Result<LocalPlan, String>> {
    let found = match &block.id {
        Some(id) => match plans.iter().find(|p| &p.id == id) {
            Some(p) => Some(p),
            None => {
                return Ok(Err(format!(
                    "Planen ”{}” finns inte bland planerna {org} är part i. Ändra inte planblockets dolda id; hämta en ny blankett om ni är osäkra.",
                    block.name
                )));
            }
        },
        None => plans.iter().find(|p| same_words(&p.name, &block.name)),
    };
    let mut p = match found {
        Some(p) => p.clone(),
        None => LocalPlan {
            id: new_id('P')?,
            name: String::new(),
            parties: vec![org.clone()],
            partners: Vec::new(),
            start: match block.start {
                Some(d) => d,
                None => return Ok(Err("Skriv när planen börjar gälla.".into())),
            },
            end: None,
            status: PlanStatus::Utkast,
            decided_by: String::new(),
            decided_on: None,
            link: String::new(),
            systemledning: Systemledning::Saknas,
            areas: Vec::new(),
        },
    };
    p.name = block.name.clone();
    p.status = block.status.unwrap_or(p.status);
    p.systemledning = block.systemledning.unwrap_or(p.systemledning);
    p.start = block.start.unwrap_or(p.start);
    p.end = block.end;
    p.decided_by = block.decided_by.clone();
    p.decided_on = block.decided_on;
    p.link = block.link.clone();
    p.areas = block.areas.clone();
    Ok(Ok(p))
}
