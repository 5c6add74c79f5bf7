//! The results sheet's live formulas, recalculated by a real spreadsheet engine (IronCalc),
//! equal core's scores for the same answers: at least 200 random answer sets, many of them with
//! too few answers in some area; forms with every number of scored areas, so that the index is
//! there exactly when core has one (and says why not otherwise); and answers typed or pasted as
//! plain values, written every way the importer accepts, score as the importer scores them.

use ironcalc::base::Model;
use ironcalc::base::cell::CellValue;
use ironcalc::import::load_from_xlsx_bytes;
use nara_core::scoring::{Scores, score_answers};
use std::collections::BTreeMap;

use nara_core::{Answer, AnswerSet, Instrument, StatementId};
use nara_excel::form::Typed;
use nara_excel::{Filled, import_form};
use proptest::prelude::*;

use crate::support::{ctx, filled_form};

/// Rows (1-based) of the results sheet: areas from row 5, the index after them.
const FIRST_AREA_ROW: i32 = 5;

fn sparse_answers() -> impl Strategy<Value = AnswerSet> {
    let inst = Instrument::dalarna();
    let ids: Vec<StatementId> = inst.statements().map(|(_, s)| s.id.clone()).collect();
    // Blank often, so that areas fall under the at-least-half rule regularly.
    let one = prop_oneof![4 => Just(None), 2 => Just(Some(Answer::NotApplicable)), 5 => (1u8..=4).prop_map(|v| Some(Answer::Level(v)))];
    proptest::collection::vec(one, ids.len()).prop_map(move |v| AnswerSet {
        answers: ids
            .iter()
            .cloned()
            .zip(v)
            .filter_map(|(k, a)| a.map(|a| (k, a)))
            .collect(),
        ..Default::default()
    })
}

fn recalculated(bytes: &[u8]) -> Model<'static> {
    let wb = load_from_xlsx_bytes(bytes, "form", "en", "UTC").expect("IronCalc reads the form");
    let mut model = Model::from_workbook(wb, "en").expect("IronCalc builds a model");
    model.evaluate();
    model
}

fn check(
    model: &Model,
    row: i32,
    col: i32,
    expected: Option<f64>,
    what: &str,
) -> Result<(), TestCaseError> {
    let sheet = 2; // Instruktioner, Självskattning, Resultat, Skala
    let got = model
        .get_cell_value_by_index(sheet, row, col)
        .map_err(TestCaseError::fail)?;
    match (expected, &got) {
        (Some(e), CellValue::Number(n)) => {
            prop_assert!((e - n).abs() < 1e-9, "{what}: core {e}, formula {n}")
        }
        (None, CellValue::String(s)) => prop_assert_eq!(s.as_str(), "för få svar", "{}", what),
        _ => prop_assert!(false, "{what}: core {expected:?}, formula {got:?}"),
    }
    Ok(())
}

/// The index row: core's index, its percentage and band; or "inget index", "–" and the reason
/// once, where core has no index.
fn check_index(model: &Model, inst: &Instrument, core: &Scores) -> Result<(), TestCaseError> {
    let row = FIRST_AREA_ROW + core.areas.len() as i32;
    let cell = |col: i32| {
        model
            .get_cell_value_by_index(2, row, col)
            .map_err(TestCaseError::fail)
    };
    match core.overall {
        Some(o) => {
            check(model, row, 4, Some(o), "overall index")?;
            check(model, row, 5, core.overall_percent, "overall percent")?;
            prop_assert_eq!(
                cell(6)?,
                CellValue::String(inst.band(o).label.clone()),
                "band of the index"
            );
        }
        None => {
            let scored = core.areas_scored();
            prop_assert!(
                scored < inst.min_scored_areas(),
                "core has no index from {scored}"
            );
            prop_assert_eq!(cell(4)?, CellValue::String("inget index".into()));
            prop_assert_eq!(cell(5)?, CellValue::String("–".into()));
            prop_assert_eq!(
                cell(6)?,
                CellValue::String(format!(
                    "Färre än {} av {} delmål har tillräckligt många svar.",
                    inst.min_scored_areas(),
                    inst.areas().len()
                ))
            );
        }
    }
    Ok(())
}

/// Answers in which some areas (`scored`, by index) have enough answers and the others some,
/// but too few: so that any number of areas, 0 to all, is scored.
fn with_scored_areas(inst: &Instrument, scored: &[bool], seed: usize) -> AnswerSet {
    let mut set = AnswerSet::default();
    for (k, area) in inst.areas().iter().enumerate() {
        let n = area.statements.len();
        let needed = (inst.scoring().min_answered_share * n as f64).ceil() as usize;
        // Exactly enough, or everything, for a scored area; one short of enough (at least one
        // answer, and a "vet ej") for the others.
        let answered = if scored[k] {
            if (seed + k).is_multiple_of(2) {
                needed
            } else {
                n
            }
        } else {
            needed.saturating_sub(1)
        };
        for (j, st) in area.statements.iter().enumerate() {
            if j < answered {
                let v = 1 + ((seed + 3 * k + j) % 4) as u8;
                set.answers.insert(st.id.clone(), Answer::Level(v));
            } else if j == answered && !scored[k] {
                set.answers.insert(st.id.clone(), Answer::NotApplicable);
            }
        }
    }
    set
}

#[test]
fn the_index_needs_as_many_scored_areas_as_core_asks() {
    let ctx = ctx();
    let inst = &ctx.instruments[0];
    assert_eq!(inst.min_scored_areas(), 3);
    let n = inst.areas().len();
    let mut seen = BTreeMap::new();
    // Every subset of the five areas: 0 to 5 of them scored.
    for mask in 0u32..(1 << n) {
        let scored: Vec<bool> = (0..n).map(|k| mask & (1 << k) != 0).collect();
        let answers = with_scored_areas(inst, &scored, mask as usize);
        let core = score_answers(inst, &answers);
        assert_eq!(
            core.areas_scored(),
            mask.count_ones() as usize,
            "mask {mask:05b}"
        );
        let bytes = filled_form(
            &ctx,
            "2080",
            &Filled {
                unit: "Enhet".into(),
                answers,
                ..Default::default()
            },
        );
        let model = recalculated(&bytes);
        for (i, a) in core.areas.iter().enumerate() {
            check(&model, FIRST_AREA_ROW + i as i32, 4, a.mean, "mean")
                .unwrap_or_else(|e| panic!("mask {mask:05b}: {e}"));
        }
        check_index(&model, inst, &core).unwrap_or_else(|e| panic!("mask {mask:05b}: {e}"));
        *seen.entry(core.areas_scored()).or_insert(0) += 1;
        assert_eq!(core.overall.is_some(), mask.count_ones() >= 3);
    }
    assert_eq!(seen.len(), n + 1, "every count of scored areas: {seen:?}");
}

#[test]
fn eight_of_twenty_seven_shows_no_index_and_says_why() {
    // Issue 15: 8 of 27 answered, all 1: only D1 is scored.
    let ctx = ctx();
    let inst = &ctx.instruments[0];
    let mut answers = AnswerSet::default();
    for (_, st) in inst.statements().take(8) {
        answers.answers.insert(st.id.clone(), Answer::Level(1));
    }
    let core = score_answers(inst, &answers);
    assert_eq!((core.areas_scored(), core.overall), (1, None));
    let bytes = filled_form(
        &ctx,
        "2080",
        &Filled {
            unit: "Enhet".into(),
            answers,
            ..Default::default()
        },
    );
    let model = recalculated(&bytes);
    check_index(&model, inst, &core).unwrap();
    let idx = FIRST_AREA_ROW + inst.areas().len() as i32;
    assert_eq!(
        model.get_cell_value_by_index(2, idx, 6).unwrap(),
        CellValue::String("Färre än 3 av 5 delmål har tillräckligt många svar.".into())
    );
    // The cached values a spreadsheet shows before it recalculates say the same.
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let results = book.worksheet_range("Resultat").unwrap();
    let cached = |c: u32| results.get_value((idx as u32 - 1, c)).cloned();
    assert_eq!(
        cached(3),
        Some(calamine::Data::String("inget index".into()))
    );
    assert_eq!(
        cached(5),
        Some(calamine::Data::String(
            "Färre än 3 av 5 delmål har tillräckligt många svar.".into()
        ))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(220))]

    #[test]
    fn formulas_equal_core(answers in sparse_answers()) {
        let ctx = ctx();
        let inst = &ctx.instruments[0];
        let bytes = filled_form(&ctx, "2080", &Filled { unit: "Enhet".into(), answers: answers.clone(), ..Default::default() });
        let model = recalculated(&bytes);
        let core = score_answers(inst, &answers);
        for (i, a) in core.areas.iter().enumerate() {
            let row = FIRST_AREA_ROW + i as i32;
            let answered = model.get_cell_value_by_index(2, row, 2).map_err(TestCaseError::fail)?;
            prop_assert_eq!(answered, CellValue::Number(a.answered as f64), "answered in {}", a.area);
            check(&model, row, 4, a.mean, &format!("mean of {}", a.area))?;
            check(&model, row, 5, a.percent, &format!("percent of {}", a.area))?;
            let band = model.get_cell_value_by_index(2, row, 6).map_err(TestCaseError::fail)?;
            let expected = a.band.as_deref().map_or("för få svar".to_string(), |id| inst.scoring().bands.iter().find(|b| b.id == id).unwrap().label.clone());
            prop_assert_eq!(band, CellValue::String(expected), "band of {}", a.area);
        }
        check_index(&model, inst, &core)?;
    }

    /// Forms where a random set of areas is scored (often fewer than the index needs).
    #[test]
    fn the_index_row_equals_core_whatever_number_of_areas_is_scored(
        scored in proptest::collection::vec(prop_oneof![3 => Just(false), 2 => Just(true)], 5),
        seed in 0usize..1000,
    ) {
        let ctx = ctx();
        let inst = &ctx.instruments[0];
        let answers = with_scored_areas(inst, &scored, seed);
        let core = score_answers(inst, &answers);
        prop_assert_eq!(core.areas_scored(), scored.iter().filter(|s| **s).count());
        let bytes = filled_form(&ctx, "2080", &Filled { unit: "Enhet".into(), answers, ..Default::default() });
        let model = recalculated(&bytes);
        for (i, a) in core.areas.iter().enumerate() {
            check(&model, FIRST_AREA_ROW + i as i32, 4, a.mean, &format!("mean of {}", a.area))?;
        }
        check_index(&model, inst, &core)?;
    }
}

#[test]
fn a_blank_form_shows_too_few_answers_everywhere() {
    let ctx = ctx();
    let inst = &ctx.instruments[0];
    let org = ctx.organisations.find("2080").unwrap();
    let bytes = nara_excel::write_form(&nara_excel::FormSpec {
        instrument: inst,
        org,
        round: &ctx.rounds[0],
        send_to: None,
    })
    .unwrap();
    let model = recalculated(&bytes);
    let n = inst.areas().len() as i32;
    for row in FIRST_AREA_ROW..FIRST_AREA_ROW + n {
        assert_eq!(
            model.get_cell_value_by_index(2, row, 4).unwrap(),
            CellValue::String("för få svar".into())
        );
    }
    // No area scored: no index, and the reason beside it.
    check_index(&model, inst, &score_answers(inst, &AnswerSet::default())).unwrap();
}

/// The answer sheet's index in the workbook, and its value column (F, from 1).
const ANSWER_SHEET: u32 = 1;
const VALUE_COL: i32 = 6;

/// Per statement, its row on the answer sheet (from 1), found by its ID in column A.
fn statement_rows(model: &Model, inst: &Instrument) -> BTreeMap<StatementId, i32> {
    let mut rows = BTreeMap::new();
    for row in 1..200 {
        if let Ok(CellValue::String(s)) = model.get_cell_value_by_index(ANSWER_SHEET, row, 1)
            && let Ok(id) = StatementId::parse(&s)
            && inst.statement(&id).is_some()
        {
            rows.insert(id, row);
        }
    }
    assert_eq!(
        rows.len(),
        inst.statement_count(),
        "every statement has a row"
    );
    rows
}

/// Every way of writing an answer that the importer accepts, as a plain value in the cell.
pub fn written(inst: &Instrument, answer: Answer, way: usize, case: &[bool]) -> Typed {
    let mixed = |s: &str| -> String {
        s.chars()
            .zip(case.iter().cycle())
            .map(|(c, up)| {
                if *up {
                    c.to_uppercase().collect::<String>()
                } else {
                    c.to_lowercase().collect()
                }
            })
            .collect()
    };
    match answer {
        Answer::NotApplicable => {
            let na = &inst.scale().not_applicable;
            let names: Vec<&String> = std::iter::once(&na.label).chain(&na.aliases).collect();
            let name = names[way % names.len()];
            Typed::Text(match way % 4 {
                0 => name.clone(),
                1 => mixed(name),
                2 => format!("  {}\u{a0}", name.replace('/', " / ")),
                _ => name.replace(' ', "\u{a0}\u{a0}").replace('/', "/ "),
            })
        }
        Answer::Level(v) => {
            let label = inst.level_label(v).unwrap().to_string();
            match way % 22 {
                0 => Typed::Number(f64::from(v)),
                1 => Typed::Text(format!("{v}")),
                2 => Typed::Text(format!(" {v} ")),
                3 => Typed::Text(format!("{v},0")),
                4 => Typed::Text(format!("{v}.0")),
                5 => Typed::Text(format!("{v},00")),
                6 => Typed::Text(format!("0{v}")),
                7 => Typed::Text(format!("{v}.")),
                8 => Typed::Text(format!("{v},")),
                9 => Typed::Text(label.clone()),
                10 => Typed::Text(mixed(&label)),
                11 => Typed::Text(label.to_uppercase()),
                12 => Typed::Text(format!("\u{a0}{}\t", label.replace(' ', "  "))),
                13 => Typed::Text(format!("{v} {label}")),
                14 => Typed::Text(format!("{v} - {}", mixed(&label))),
                15 => Typed::Text(format!("{v}: {label}")),
                16 => Typed::Text(format!("{v}) {label}")),
                17 => Typed::Text(format!("{v} – {label}")),
                18 => Typed::Text(format!("{v}. {label}")),
                19 => Typed::Text(format!("{v}={label}")),
                20 => Typed::Text(format!("{v}\n")),
                _ => Typed::Text(format!("{v},0 {label}")),
            }
        }
    }
}

fn typed_answers() -> impl Strategy<Value = BTreeMap<StatementId, Typed>> {
    let inst = Instrument::dalarna();
    let ids: Vec<StatementId> = inst.statements().map(|(_, s)| s.id.clone()).collect();
    let one = prop_oneof![
        3 => Just(None),
        2 => Just(Some(Answer::NotApplicable)),
        6 => (1u8..=4).prop_map(|v| Some(Answer::Level(v))),
    ];
    let cell = (
        one,
        0usize..1000,
        proptest::collection::vec(any::<bool>(), 1..6),
    );
    proptest::collection::vec(cell, ids.len()).prop_map(move |v| {
        ids.iter()
            .cloned()
            .zip(v)
            .filter_map(|(id, (a, way, case))| a.map(|a| (id, written(&inst, a, way, &case))))
            .collect()
    })
}

/// What the value column should hold for a cell the importer reads as `text`.
fn expected_value(inst: &Instrument, text: &str) -> CellValue {
    match inst.parse_answer(text) {
        Ok(Some(Answer::Level(v))) => CellValue::Number(f64::from(v)),
        Ok(Some(Answer::NotApplicable)) => CellValue::String("räknas inte".into()),
        Ok(None) => CellValue::String("tomt".into()),
        Err(_) => CellValue::String("ogiltigt".into()),
    }
}

fn import_text(t: &Typed) -> String {
    match t {
        Typed::Text(s) => s.clone(),
        Typed::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Typed::Number(n) => n.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Answers typed or pasted as plain values (no list), written every way the importer
    /// accepts: the recalculated Resultat sheet shows the importer's scores.
    #[test]
    fn typed_answers_score_as_the_importer_reads_them(typed in typed_answers()) {
        let ctx = ctx();
        let inst = &ctx.instruments[0];
        let filled = Filled { unit: "Enhet".into(), typed: typed.clone(), ..Default::default() };
        let bytes = filled_form(&ctx, "2080", &filled);
        let imported = import_form("typed.xlsx", &bytes, &ctx).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
        prop_assert_eq!(imported.set.answers.len(), typed.len());
        let core = score_answers(inst, &imported.set);
        let model = recalculated(&bytes);
        let rows = statement_rows(&model, inst);
        for (id, t) in &typed {
            let got = model.get_cell_value_by_index(ANSWER_SHEET, rows[id], VALUE_COL).map_err(TestCaseError::fail)?;
            let want = match imported.set.get(id) {
                Some(Answer::Level(v)) => CellValue::Number(f64::from(v)),
                Some(Answer::NotApplicable) => CellValue::String("räknas inte".into()),
                None => CellValue::String("tomt".into()),
            };
            prop_assert_eq!(got, want, "{} written {:?}", id, t);
        }
        for (i, a) in core.areas.iter().enumerate() {
            let row = FIRST_AREA_ROW + i as i32;
            let answered = model.get_cell_value_by_index(2, row, 2).map_err(TestCaseError::fail)?;
            prop_assert_eq!(answered, CellValue::Number(a.answered as f64), "answered in {}", a.area);
            check(&model, row, 4, a.mean, &format!("mean of {}", a.area))?;
            check(&model, row, 5, a.percent, &format!("percent of {}", a.area))?;
        }
        let idx = FIRST_AREA_ROW + core.areas.len() as i32;
        check_index(&model, inst, &core)?;
        prop_assert_eq!(model.get_cell_value_by_index(2, idx + 1, 2).map_err(TestCaseError::fail)?, CellValue::Number(0.0), "no invalid entries");
    }

    /// Any text at all in an answer cell: the form's value is the importer's reading of it (a
    /// number on the scale, "tomt", "räknas inte", or "ogiltigt" where the importer refuses the
    /// file).
    #[test]
    fn any_entry_reads_as_the_importer_reads_it(
        entries in proptest::collection::vec(
            prop_oneof![
                "[0-9 ,.]{1,6}",
                "[ \t]?[0-5][,.]?[0 ]{0,3}[ \u{a0}\\-–—:.)=,]{0,3}(stämmer (inte alls|till liten del|till stor del|helt)|STÄMMER HELT|helt|vet ej)?[ .]?",
                "[ \u{a0}]?(vet ej|vet inte|ej aktuell|ej aktuellt|Vet ej ?/ ?ej aktuellt|vet  ej)[ /]?",
                "[a-zåäö0-9 ,.:/\\-]{0,12}",
                "[*?~\"=+@#<>&'%]{1,3}[0-4]?",
                // Any character but U+0085, which the form's formulas leave alone on purpose
                // (see `form::formulas::WHITESPACE`) while the importer folds it as whitespace.
                "[^\\n\\x{85}]{0,8}",
            ],
            27,
        ),
        numbers in proptest::collection::vec(prop_oneof![Just(1.0), Just(3.0), Just(4.0), Just(0.0), Just(5.0), Just(2.5), Just(-2.0), Just(1e20), Just(3.000001)], 4),
    ) {
        let ctx = ctx();
        let inst = &ctx.instruments[0];
        let ids: Vec<StatementId> = inst.statements().map(|(_, s)| s.id.clone()).collect();
        let mut typed: BTreeMap<StatementId, Typed> = ids.iter().cloned().zip(entries.into_iter().map(Typed::Text)).collect();
        for (id, n) in ids.iter().step_by(7).zip(numbers) {
            typed.insert(id.clone(), Typed::Number(n));
        }
        let filled = Filled { unit: "Enhet".into(), typed: typed.clone(), ..Default::default() };
        let bytes = filled_form(&ctx, "2080", &filled);
        let model = recalculated(&bytes);
        let rows = statement_rows(&model, inst);
        let mut refused = 0.0;
        for (id, t) in &typed {
            let want = expected_value(inst, &import_text(t));
            if want == CellValue::String("ogiltigt".into()) {
                refused += 1.0;
            }
            let got = model.get_cell_value_by_index(ANSWER_SHEET, rows[id], VALUE_COL).map_err(TestCaseError::fail)?;
            prop_assert_eq!(got, want, "{} written {:?}", id, t);
        }
        let idx = FIRST_AREA_ROW + inst.areas().len() as i32;
        prop_assert_eq!(model.get_cell_value_by_index(2, idx + 1, 2).map_err(TestCaseError::fail)?, CellValue::Number(refused), "invalid entries counted");
    }
}

#[test]
fn the_importers_own_examples_score_in_the_form() {
    // The entries of issue 15 and the user guide, one per statement of D1, and the scores the
    // importer gives them.
    let ctx = ctx();
    let inst = &ctx.instruments[0];
    let cells = [
        ("D1.1", Typed::Number(3.0)),
        ("D1.2", Typed::Text("Stämmer helt".into())),
        ("D1.3", Typed::Text("stämmer HELT".into())),
        ("D1.4", Typed::Text("3,0".into())),
        ("D1.5", Typed::Text(" 3 ".into())),
        ("D1.6", Typed::Text("Vet ej".into())),
    ];
    let typed: BTreeMap<StatementId, Typed> = cells
        .iter()
        .map(|(id, t)| (StatementId::parse(id).unwrap(), t.clone()))
        .collect();
    let bytes = filled_form(
        &ctx,
        "2080",
        &Filled {
            unit: "Enhet".into(),
            typed,
            ..Default::default()
        },
    );
    let imported = import_form("f.xlsx", &bytes, &ctx).unwrap();
    let d1 = score_answers(inst, &imported.set).areas[0].clone();
    assert_eq!((d1.answered, d1.mean), (5, Some(3.4)));
    let model = recalculated(&bytes);
    assert_eq!(
        model.get_cell_value_by_index(2, FIRST_AREA_ROW, 2).unwrap(),
        CellValue::Number(5.0)
    );
    match model.get_cell_value_by_index(2, FIRST_AREA_ROW, 4).unwrap() {
        CellValue::Number(n) => assert!((n - 3.4).abs() < 1e-12, "{n}"),
        other => panic!("D1 shows {other:?}, not 3,40"),
    }
}
