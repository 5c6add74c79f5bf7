//! The results sheet's live formulas, recalculated by a real spreadsheet engine (IronCalc),
//! equal core's scores for the same answers: at least 200 random answer sets, many of them with
//! too few answers in some area.

use ironcalc::base::Model;
use ironcalc::base::cell::CellValue;
use ironcalc::import::load_from_xlsx_bytes;
use nara_core::scoring::score_answers;
use nara_core::{Answer, AnswerSet, Instrument, StatementId};
use nara_excel::Filled;
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
            let expected = a.band.as_deref().map_or("för få svar".to_string(), |id| inst.scoring.bands.iter().find(|b| b.id == id).unwrap().label.clone());
            prop_assert_eq!(band, CellValue::String(expected), "band of {}", a.area);
        }
        let idx = FIRST_AREA_ROW + core.areas.len() as i32;
        check(&model, idx, 4, core.overall, "overall index")?;
        check(&model, idx, 5, core.overall_percent, "overall percent")?;
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
    })
    .unwrap();
    let model = recalculated(&bytes);
    for row in FIRST_AREA_ROW..FIRST_AREA_ROW + 6 {
        assert_eq!(
            model.get_cell_value_by_index(2, row, 4).unwrap(),
            CellValue::String("för få svar".into())
        );
    }
}
