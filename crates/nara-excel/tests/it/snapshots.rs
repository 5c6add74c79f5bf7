//! Snapshots of the workbooks' structure (issue 16 item 5): sheet names and visibility, the top
//! of every sheet down to its header row, the defined names and the formulas of the blank
//! form's results sheet. Values that change from run to run (the creation time in the document
//! properties) are not read; the time written on the sheets comes from the input.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use nara_core::report::{Form, RawTable, RoundData, round_report, trend};
use nara_core::{Answer, AnswerSet, AreaId, Instrument, Organisations, Response, RoundId};
use nara_excel::summary::{ActivityInput, OrgInput, SummaryInput, org_workbook, summary_workbook};
use nara_excel::{Filled, FormSpec, import_form, write_form};

use crate::support::{ctx, filled_form, round};

/// The most rows shown of a sheet's top when no header row comes first.
const TOP_ROWS: u32 = 12;
/// The most characters shown of one cell.
const CELL_CHARS: usize = 70;

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(CELL_CHARS).collect();
    if s.chars().count() > CELL_CHARS {
        out.push('…');
    }
    out.replace('\n', "⏎")
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// `(row, col)` from 0 as A1.
fn a1(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        letters.insert(0, char::from(b'A' + ((c - 1) % 26) as u8));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The structure of a workbook as text: every sheet with its visibility and its top rows (down
/// to the first row with at least three short cells: the header row), the defined names, and
/// every formula of the sheets named in `formulas_of`.
fn structure(bytes: &[u8], formulas_of: &[&str]) -> String {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx");
    let mut out = String::new();
    let sheets = wb.sheets_metadata().to_vec();
    for sheet in &sheets {
        writeln!(out, "== {} ({:?})", sheet.name, sheet.visible).unwrap();
        let range = wb.worksheet_range(&sheet.name).expect("a sheet");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate().take(TOP_ROWS as usize) {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .filter(|(_, d)| !matches!(d, Data::Empty))
                .map(|(j, d)| format!("{}={}", a1(r0 + i as u32, c0 + j as u32), short(&text(d))))
                .collect();
            if cells.is_empty() {
                continue;
            }
            writeln!(out, "  {}", cells.join(" | ")).unwrap();
            // A header row: three cells or more, none a long text (the form's note on the scale
            // and the deadline sits beside its fields).
            if cells.len() >= 3 && row.iter().all(|d| text(d).chars().count() <= CELL_CHARS) {
                break;
            }
        }
    }
    writeln!(out, "== defined names").unwrap();
    let mut names = wb.defined_names().to_vec();
    names.sort();
    for (name, formula) in names {
        writeln!(out, "  {name} = {formula}").unwrap();
    }
    for sheet in formulas_of {
        writeln!(out, "== formulas of {sheet}").unwrap();
        let range = wb.worksheet_formula(sheet).expect("formulas");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, f) in range.used_cells() {
            if !f.is_empty() {
                writeln!(out, "  {} = {f}", a1(r0 + r as u32, c0 + c as u32)).unwrap();
            }
        }
    }
    out
}

#[test]
fn blank_form_structure() {
    let ctx = ctx();
    let bytes = write_form(&FormSpec {
        instrument: &ctx.instruments[0],
        org: ctx.organisations.find("2080").unwrap(),
        round: &ctx.rounds[0],
        send_to: None,
    })
    .unwrap();
    insta::assert_snapshot!(structure(&bytes, &["Resultat"]));
}

/// Answers that differ by statement and by `seed`, some not applicable, with a comment.
fn answers(inst: &Instrument, seed: usize) -> AnswerSet {
    let mut set = AnswerSet::default();
    for (i, (_, s)) in inst.statements().enumerate() {
        let a = match (i + seed) % 7 {
            0 => continue,
            1 => Answer::NotApplicable,
            k => Answer::Level(((k + seed) % 4 + 1) as u8),
        };
        set.answers.insert(s.id.clone(), a);
    }
    set.comments
        .insert(AreaId::parse("D1").unwrap(), format!("Kommentar {seed}"));
    set
}

/// Responses of the round 2026 (two organisations, three units) read back from filled forms,
/// and one of the round 2025.
pub(crate) fn responses() -> (Vec<Response>, Vec<Response>) {
    let ctx = ctx();
    let inst = &ctx.instruments[0];
    let forms = [
        ("2080", "Hemsjukvården", "Anna", false),
        ("2080", "Äldreboendet", "", true),
        ("2062", "Hemtjänsten", "Bo", false),
    ];
    let now: Vec<Response> = forms
        .iter()
        .enumerate()
        .map(|(i, (org, unit, rater, consensus))| {
            let filled = Filled {
                unit: unit.to_string(),
                rater: rater.to_string(),
                participants: "Anna, Bo".into(),
                date: "2026-03-01".into(),
                consensus: *consensus,
                answers: answers(inst, i),
                ..Default::default()
            };
            import_form("form.xlsx", &filled_form(&ctx, org, &filled), &ctx).unwrap()
        })
        .collect();
    let mut before = now[0].clone();
    before.round = RoundId::parse("2025").unwrap();
    before.set = answers(inst, 5);
    (now, vec![before])
}

pub(crate) fn forms(rs: &[Response]) -> Vec<Form<'_>> {
    rs.iter()
        .map(|r| Form {
            response: r,
            stored_at: 0,
            source: "form.xlsx",
        })
        .collect()
}

#[test]
fn summary_and_org_report_structure() {
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna();
    let (now, before) = responses();
    let (r2026, r2025) = (round(&inst, "2026"), round(&inst, "2025"));
    let this = RoundData {
        round: &r2026,
        instrument: &inst,
        forms: forms(&now),
    };
    let prev = RoundData {
        round: &r2025,
        instrument: &inst,
        forms: forms(&before),
    };
    let report = round_report(&this, Some(&prev), &orgs.organisations, None);
    let trend = trend(&[prev.clone(), this.clone()]);
    let mut raw = RawTable::default();
    raw.push_round(&inst, &orgs.organisations, &prev.forms);
    raw.push_round(&inst, &orgs.organisations, &this.forms);
    let org_names: BTreeMap<String, String> = orgs
        .organisations
        .iter()
        .map(|o| (o.code.to_string(), o.name.clone()))
        .collect();
    let summary = summary_workbook(&SummaryInput {
        instrument: &inst,
        report: &report,
        trend: &trend,
        raw: &raw,
        org_names: &org_names,
        nyckeltal: &[],
        nyckeltal_sources: &BTreeMap::new(),
        activities: ActivityInput::empty(nara_core::round::Date::parse("2026-11-25").unwrap()),
        generated_at: "2026-11-25 10:15 UTC",
    })
    .unwrap();
    insta::assert_snapshot!("summary_workbook", structure(&summary, &[]));
    let org = org_workbook(&OrgInput {
        instrument: &inst,
        report: &report,
        org: "2080",
        county: true,
        trend: &trend[..1],
        nyckeltal: &[],
        activities: ActivityInput::empty(nara_core::round::Date::parse("2026-11-25").unwrap()),
        generated_at: "2026-11-25 10:15 UTC",
    })
    .unwrap();
    insta::assert_snapshot!("org_workbook", structure(&org, &[]));
}
