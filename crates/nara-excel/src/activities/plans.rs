//! Lokala planer as a long table, one plan per row: the same design as the activities' (CSV
//! written like the raw export, every problem placed by row and column). A row with an id
//! updates that plan; a row without one is a new plan (the caller gives it an id). Parties are
//! organisation codes and the lists (parties, partners, delmål) are separated by commas.

use nara_core::activity::{LocalPlan, PlanStatus, RecordId, Systemledning};
use nara_core::round::Date;
use nara_core::{AreaId, OrgCode};

use super::{Grid, Place, csv_grid, csv_place, joined, list};
use crate::{Limits, Problem};

/// The columns of a plan table, in order.
pub const PLAN_HEADERS: [&str; 12] = [
    "Id",
    "Namn",
    "Parter",
    "Samverkansparter",
    "Start",
    "Slut",
    "Status",
    "Beslutad av",
    "Beslutsdatum",
    "Länk",
    "Systemledning",
    "Prioriterade delmål",
];

/// The columns a plan row cannot do without (indexes of [`PLAN_HEADERS`]).
const REQUIRED: [usize; 5] = [1, 2, 4, 6, 10];

/// One plan's fields in the order of [`PLAN_HEADERS`].
pub(crate) fn plan_row(p: &LocalPlan) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.name.clone(),
        joined(&p.parties),
        p.partners.join(", "),
        p.start.to_string(),
        p.end.map(|d| d.to_string()).unwrap_or_default(),
        p.status.label().to_string(),
        p.decided_by.clone(),
        p.decided_on.map(|d| d.to_string()).unwrap_or_default(),
        p.link.clone(),
        p.systemledning.label().to_string(),
        joined(&p.areas),
    ]
}

/// The plans as CSV (like [`super::write_csv`]: BOM, `;`, every field quoted and neutralised
/// against formulas).
pub fn write_plans_csv(plans: &[LocalPlan]) -> Vec<u8> {
    let rows: Vec<Vec<String>> = plans.iter().map(plan_row).collect();
    crate::summary::csv_table(&PLAN_HEADERS, &rows)
}

/// Whether a table's headers (in lower case) are a plan table's: it has "Namn" and "Parter" and
/// no "Titel" (an activity table's).
pub(crate) fn is_plan_table(headers: &[String]) -> bool {
    let has = |h: &str| headers.iter().any(|x| x == h);
    has("namn") && has("parter") && !has("titel")
}

/// Whether a CSV file is a plan table (see [`read_plans_csv`]) rather than an activity table:
/// its header row has "Namn" and "Parter" and no "Titel".
pub fn is_plans_csv(bytes: &[u8]) -> bool {
    let limits = Limits::default();
    csv_grid(bytes, &limits).is_ok_and(|(g, _)| is_plan_table(&g.headers))
}

/// The plans of a grid with the columns of [`PLAN_HEADERS`]; rows without an id get one from
/// `new_id`. Every problem is placed by `place`; a grid with any problem yields nothing.
pub(crate) fn read_plan_grid(
    grid: &Grid,
    place: Place,
    new_id: &mut dyn FnMut() -> RecordId,
) -> Result<Vec<LocalPlan>, Vec<Problem>> {
    let col = grid.require(&PLAN_HEADERS, &REQUIRED, place)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in &grid.rows {
        if cells.iter().all(|f| f.is_empty()) {
            continue;
        }
        let get = |i: usize| {
            col[i]
                .and_then(|c| cells.get(c).cloned())
                .unwrap_or_default()
        };
        let mut bad = |i: usize, m: String| {
            problems.push(place(*row, Some((col[i].unwrap_or(i), PLAN_HEADERS[i])), m));
        };
        if let Some(p) = read_row(&get, &mut bad, new_id) {
            out.push(p);
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// One plan from its cells (`get` by the index of [`PLAN_HEADERS`]); `None` when a field that is
/// needed to make it could not be read (`bad` was told why).
fn read_row(
    get: &dyn Fn(usize) -> String,
    bad: &mut dyn FnMut(usize, String),
    new_id: &mut dyn FnMut() -> RecordId,
) -> Option<LocalPlan> {
    let id = match get(0).as_str() {
        "" => new_id(),
        s => match RecordId::parse(s) {
            Ok(id) if id.as_str().starts_with("P-") => id,
            Ok(id) => {
                bad(
                    0,
                    format!("”{id}” är en aktivitets id; en plans id börjar med P-."),
                );
                return None;
            }
            Err(e) => {
                bad(0, e.to_string());
                return None;
            }
        },
    };
    let parties: Vec<OrgCode> = list(&get(2))
        .iter()
        .filter_map(|c| OrgCode::parse(c).map_err(|e| bad(2, e.to_string())).ok())
        .collect();
    let areas: Vec<AreaId> = list(&get(11))
        .iter()
        .filter_map(|a| AreaId::parse(a).map_err(|e| bad(11, e.to_string())).ok())
        .collect();
    let mut when = |i: usize| match get(i).as_str() {
        "" => None,
        s => Date::parse(s).map_err(|e| bad(i, e.to_string())).ok(),
    };
    let (start, end, decided_on) = (when(4), when(5), when(8));
    if get(4).is_empty() {
        bad(
            4,
            "Startdatum saknas (skriv till exempel 2025-01-01).".into(),
        );
    }
    let status = PlanStatus::from_word(&get(6));
    if status.is_none() {
        bad(
            6,
            format!(
                "”{}” är ingen status (skriv {}).",
                get(6),
                PlanStatus::words()
            ),
        );
    }
    let systemledning = Systemledning::from_word(&get(10));
    if systemledning.is_none() {
        bad(
            10,
            format!(
                "”{}” är inget läge för systemledningen (skriv {}).",
                get(10),
                Systemledning::words()
            ),
        );
    }
    Some(LocalPlan {
        id,
        name: get(1),
        parties,
        partners: list(&get(3)),
        start: start?,
        end,
        status: status?,
        decided_by: get(7),
        decided_on,
        link: get(9),
        systemledning: systemledning?,
        areas,
    })
}

/// Reads plans from CSV written by [`write_plans_csv`] (or by hand with the same headers, `;` or
/// `,`). Rows without an id get one from `new_id`. Every problem names the row and column; a
/// file with any problem yields nothing.
pub fn read_plans_csv(
    bytes: &[u8],
    limits: &Limits,
    mut new_id: impl FnMut() -> RecordId,
) -> Result<Vec<LocalPlan>, Vec<Problem>> {
    let (grid, mut problems) = csv_grid(bytes, limits)?;
    match read_plan_grid(&grid, &csv_place, &mut new_id) {
        Ok(v) if problems.is_empty() => Ok(v),
        Ok(_) => Err(problems),
        Err(p) => {
            problems.extend(p);
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> LocalPlan {
        LocalPlan {
            id: RecordId::parse("P-PLAN01").unwrap(),
            name: "=Lokal plan Falun".into(),
            parties: vec![
                OrgCode::parse("2080").unwrap(),
                OrgCode::parse("20").unwrap(),
            ],
            partners: vec!["Hälsocentralen Norr".into()],
            start: Date::parse("2025-01-01").unwrap(),
            end: Some(Date::parse("2027-12-31").unwrap()),
            status: PlanStatus::Beslutad,
            decided_by: "Samverkansnämnden".into(),
            decided_on: Some(Date::parse("2024-12-10").unwrap()),
            link: "https://falun.se/plan.pdf".into(),
            systemledning: Systemledning::UnderUppbyggnad,
            areas: vec![AreaId::parse("D1").unwrap()],
        }
    }

    #[test]
    fn plans_are_written_and_read_back_the_same() {
        let p = plan();
        let bytes = write_plans_csv(std::slice::from_ref(&p));
        assert!(is_plans_csv(&bytes));
        assert!(!is_plans_csv(&super::super::write_csv(
            &[],
            Date::parse("2026-01-01").unwrap()
        )));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"'=Lokal plan Falun\""), "{text}");
        let back = read_plans_csv(&bytes, &Limits::default(), || RecordId::new('P', 1)).unwrap();
        assert_eq!(back, [p]);
    }

    #[test]
    fn a_plan_row_without_id_is_new_and_problems_name_row_and_column() {
        let csv = "Namn;Parter;Start;Status;Systemledning\n\
                   Ny plan;2080, 20;2026-01-01;utkast;saknas\n\
                   Fel;Falun;2026-13-01;klar;kanske\n";
        let p = read_plans_csv(csv.as_bytes(), &Limits::default(), || RecordId::new('P', 3))
            .unwrap_err();
        let at: Vec<&str> = p.iter().map(|x| x.cell.as_deref().unwrap_or("")).collect();
        assert_eq!(
            at,
            [
                "rad 3, kolumn Parter",
                "rad 3, kolumn Start",
                "rad 3, kolumn Status",
                "rad 3, kolumn Systemledning"
            ]
        );
        assert!(
            p[3].message.contains("under uppbyggnad"),
            "{}",
            p[3].message
        );
        let ok =
            "Namn;Parter;Start;Status;Systemledning\nNy plan;2080, 20;2026-01-01;utkast;saknas\n";
        let v =
            read_plans_csv(ok.as_bytes(), &Limits::default(), || RecordId::new('P', 3)).unwrap();
        assert_eq!(v[0].id, RecordId::new('P', 3));
        assert_eq!(v[0].parties.len(), 2);
        let wrong =
            "Id;Namn;Parter;Start;Status;Systemledning\nA-ABCDEF;X;20;2026-01-01;utkast;saknas\n";
        let p = read_plans_csv(wrong.as_bytes(), &Limits::default(), || {
            RecordId::new('P', 3)
        })
        .unwrap_err();
        assert!(p[0].message.contains("börjar med P-"), "{p:?}");
    }
}
