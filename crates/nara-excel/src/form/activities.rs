//! The form's sheet `Aktiviteter`: the organisation's lokal plan in a small block and its known
//! activities in a table, pre-filled with their last status, with empty rows to add new ones.
//! The plan's and every activity's id stand in hidden cells, so a returned row finds its
//! record (see [`crate::import::activities`]).

use nara_core::activity::{
    Activity, ActivityStatus, Category, LocalPlan, PlanStatus, Systemledning,
};
use nara_core::round::Date;
use nara_core::{AreaId, Instrument};
use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Worksheet, XlsxError};

use super::{FormSpec, Formats, Typed};
use crate::import::activities::{
    ACTIVITY_HEADERS, ACTIVITY_SHEET, HEADER_ROW, PLAN_FIRST_ROW, PLAN_LABELS, col,
};

/// How many empty rows the table has for new activities.
pub const NEW_ROWS: u32 = 15;

/// What the sheet `Aktiviteter` is pre-filled with: the organisation's plan and its known
/// activities; `typed` and `typed_plan` put cells in as a person fills them (for tests and the
/// demo).
#[derive(Debug, Clone, Default)]
pub struct FormActivities {
    /// The plan shown in the block (the newest the organisation is party to).
    pub plan: Option<LocalPlan>,
    /// The known activities, one row each, in this order.
    pub activities: Vec<Activity>,
    /// Cells typed into the table: the table row (from 0: first the known activities, then the
    /// empty rows), the column header as in [`ACTIVITY_HEADERS`], and the value.
    pub typed: Vec<(usize, String, Typed)>,
    /// Cells typed into the plan block: the label as in [`PLAN_LABELS`] and the value.
    pub typed_plan: Vec<(String, Typed)>,
}

fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A date as an Excel serial (days since 1899-12-30).
fn serial(d: Date) -> Option<f64> {
    let text = d.to_string();
    let mut parts = text.split('-').map(str::parse::<u16>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(day))) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    let t = time::Date::from_calendar_date(i32::from(y), month, u8::try_from(day).ok()?).ok()?;
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    Some((t - epoch).whole_days() as f64)
}

/// A cell's value as the sheet writes it.
enum Value {
    Text(String),
    Date(Option<Date>),
}

struct Cells<'a> {
    input: &'a Format,
    input_wrap: &'a Format,
    date: Format,
}

impl Cells<'_> {
    fn put(&self, ws: &mut Worksheet, row: u32, c: u16, v: &Value) -> Result<(), XlsxError> {
        let wrap = matches!(c, 2 | 10 | 11);
        let fmt = if wrap { self.input_wrap } else { self.input };
        match v {
            Value::Text(t) if t.is_empty() => ws.write_blank(row, c, fmt)?,
            Value::Text(t) => ws.write_string_with_format(row, c, t, fmt)?,
            Value::Date(Some(d)) => match serial(*d) {
                Some(s) => ws.write_number_with_format(row, c, s, &self.date)?,
                None => ws.write_string_with_format(row, c, d.to_string(), &self.date)?,
            },
            Value::Date(None) => ws.write_blank(row, c, &self.date)?,
        };
        Ok(())
    }

    fn typed(&self, ws: &mut Worksheet, row: u32, c: u16, t: &Typed) -> Result<(), XlsxError> {
        let fmt = if matches!(c, 7 | 8) {
            &self.date
        } else {
            self.input
        };
        match t {
            Typed::Text(s) => ws.write_string_with_format(row, c, s, fmt)?,
            Typed::Number(n) => ws.write_number_with_format(row, c, *n, fmt)?,
        };
        Ok(())
    }
}

fn row_values(a: Option<&Activity>) -> [Value; 12] {
    let text = |f: fn(&Activity) -> String| Value::Text(a.map(f).unwrap_or_default());
    [
        text(|a| a.id.to_string()),
        text(|a| a.title.clone()),
        text(|a| a.description.clone()),
        text(|a| joined(&a.areas)),
        text(|a| a.category.label().to_string()),
        text(|a| a.target_group.clone()),
        text(|a| a.responsible_role.clone()),
        Value::Date(a.and_then(|a| a.planned_start)),
        Value::Date(a.and_then(|a| a.planned_end)),
        text(|a| a.status.label().to_string()),
        Value::Text(String::new()),
        text(|a| a.result.clone()),
    ]
}

fn plan_values(p: Option<&LocalPlan>) -> [Value; 10] {
    let text = |f: fn(&LocalPlan) -> String| Value::Text(p.map(f).unwrap_or_default());
    [
        text(|p| p.id.to_string()),
        text(|p| p.name.clone()),
        text(|p| p.status.label().to_string()),
        text(|p| p.systemledning.label().to_string()),
        Value::Date(p.map(|p| p.start)),
        Value::Date(p.and_then(|p| p.end)),
        text(|p| p.decided_by.clone()),
        Value::Date(p.and_then(|p| p.decided_on)),
        text(|p| p.link.clone()),
        text(|p| joined(&p.areas)),
    ]
}

fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| label(*v)).collect()
}

/// A dropdown that refuses other words (the importer reads the words without regard to case).
fn words(list: &[&str], what: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_strings(list)?
        .set_error_title(format!("Välj {what} i listan"))?
        .set_error_message(format!("Välj en av: {}.", list.join(", ")))
}

/// The delmål dropdown: a warning only, so that several can be typed (`D1, D3`).
fn area_list(inst: &Instrument) -> Result<DataValidation, XlsxError> {
    let ids: Vec<&str> = inst.areas().iter().map(|a| a.id.as_str()).collect();
    DataValidation::new()
        .allow_list_strings(&ids)?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("Flera delmål?")?
        .set_error_message(format!(
            "Skriv ett eller flera delmål med kommatecken emellan, till exempel {}. Välj Ja för att behålla det ni skrev.",
            example(inst.areas().iter().map(|a| &a.id))
        ))?
        .set_input_title("Delmål")?
        .set_input_message("Välj ett delmål, eller skriv flera med kommatecken: D1, D3.")
}

fn example<'a>(ids: impl Iterator<Item = &'a AreaId>) -> String {
    let v: Vec<&str> = ids.map(AreaId::as_str).step_by(2).take(2).collect();
    v.join(", ")
}

/// Writes the sheet.
pub(super) fn activities_sheet(
    ws: &mut Worksheet,
    spec: &FormSpec,
    acts: &FormActivities,
    f: &Formats,
) -> Result<(), XlsxError> {
    let inst = spec.instrument;
    ws.set_name(ACTIVITY_SHEET)?;
    let widths = [
        12.0, 34.0, 40.0, 12.0, 20.0, 22.0, 22.0, 13.0, 13.0, 12.0, 40.0, 34.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.write_string_with_format(0, 1, "Aktiviteter och lokal plan", &f.title)?;
    let lines = [
        format!(
            "Här följer {} upp sina aktiviteter i omgång {}. Ändra i de gula fälten: status och en kommentar för omgången för varje aktivitet, och rätta det som ändrats.",
            spec.org.display(),
            spec.round.id
        ),
        "Lägg till nya aktiviteter på de tomma raderna längst ned (titel, delmål, kategori och status). Skriv flera delmål med kommatecken: D1, D3. Datum skrivs ÅÅÅÅ-MM-DD.".to_string(),
        "Ta inte bort rader. Vill ni avsluta en aktivitet: sätt status avbruten eller klar. Försenad räknas fram ur planerat slut.".to_string(),
    ];
    for (i, line) in lines.iter().enumerate() {
        ws.write_string(1 + i as u32, 1, line)?;
    }
    let cells = Cells {
        input: &f.input,
        input_wrap: &f.input_wrap,
        date: f.input.clone().set_num_format("yyyy-mm-dd"),
    };

    // The plan block.
    ws.write_string_with_format(PLAN_FIRST_ROW - 1, 1, "Lokal plan", &f.bold)?;
    for (i, (label, value)) in PLAN_LABELS
        .iter()
        .zip(plan_values(acts.plan.as_ref()))
        .enumerate()
    {
        let row = PLAN_FIRST_ROW + i as u32;
        ws.write_string_with_format(row, 1, *label, &f.label)?;
        if i == 0 {
            // The plan's id: locked, in a hidden row.
            if let Value::Text(t) = &value {
                ws.write_string(row, 2, t)?;
            }
            ws.set_row_hidden(row)?;
        } else {
            cells.put(ws, row, 2, &value)?;
        }
    }
    for (label, t) in &acts.typed_plan {
        if let Some(i) = PLAN_LABELS.iter().position(|l| l == label) {
            cells.typed(ws, PLAN_FIRST_ROW + i as u32, 2, t)?;
        }
    }
    let plan_row = |label: &str| {
        PLAN_FIRST_ROW + PLAN_LABELS.iter().position(|l| *l == label).unwrap_or(0) as u32
    };
    let plan_status = labels(PlanStatus::ALL, PlanStatus::label);
    let r = plan_row("Planstatus");
    ws.add_data_validation(r, 2, r, 2, &words(&plan_status, "planstatus")?)?;
    let sys = labels(Systemledning::ALL, Systemledning::label);
    let r = plan_row("Systemledning");
    ws.add_data_validation(r, 2, r, 2, &words(&sys, "systemledning")?)?;
    let r = plan_row("Prioriterade delmål");
    ws.add_data_validation(r, 2, r, 2, &area_list(inst)?)?;

    // The table.
    for (c, h) in ACTIVITY_HEADERS.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *h, &f.header)?;
    }
    let first = HEADER_ROW + 1;
    let known = acts.activities.len() as u32;
    let last = first + known + NEW_ROWS - 1;
    for row in first..=last {
        let a = acts.activities.get((row - first) as usize);
        for (c, v) in row_values(a).iter().enumerate() {
            if c == 0 {
                if let Value::Text(t) = v
                    && !t.is_empty()
                {
                    ws.write_string(row, 0, t)?;
                }
                continue;
            }
            cells.put(ws, row, c as u16, v)?;
        }
    }
    for (i, header, t) in &acts.typed {
        if let Some(c) = col(header) {
            cells.typed(ws, first + *i as u32, c as u16, t)?;
        }
    }
    let status = labels(ActivityStatus::ALL, ActivityStatus::label);
    let category = labels(Category::ALL, Category::label);
    for (header, dv) in [
        ("Delmål", area_list(inst)?),
        ("Kategori", words(&category, "kategori")?),
        ("Status", words(&status, "status")?),
    ] {
        if let Some(c) = col(header) {
            ws.add_data_validation(first, c as u16, last, c as u16, &dv)?;
        }
    }
    ws.set_column_hidden(0)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 2)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_header(super::cover::page_header(spec));
    ws.set_footer(super::cover::PAGE_FOOTER);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.protect();
    Ok(())
}
