//! The result workbooks: the county summary that the region brings to the steering group, the
//! organisation report, and the raw answers as CSV. Every number comes from core (the
//! [`RoundReport`], the trend, the raw rows, the nyckeltal's tables and cards); this module lays
//! them out, one function per sheet (`digest`, `county`, `county_detail`, `org`, `nyckeltal`,
//! `activities`) over the
//! shared styles (`style`). Numbers are
//! stored as numbers with formats (Excel shows decimal commas in a Swedish locale); where core
//! says an area has too few answers the cell says "för få svar", never 0. Free text is always
//! written as a string, never as a formula. A round that is not closed or published is marked
//! preliminary on every sheet.

use std::collections::BTreeMap;

use nara_core::activity::{Activity, LocalPlan, RecordId};
use nara_core::fmt::TOO_FEW;
use nara_core::indicator::view::{Card, Provenance, Table};
use nara_core::report::{RawTable, RoundReport, TrendRound};
use nara_core::round::Date;
use nara_core::{AreaId, Instrument, RoundId, fmt};

use crate::Error;

mod activities;
mod county;
mod county_detail;
mod csv;
mod digest;
mod nyckeltal;
mod org;
mod raw_sheet;
mod style;
mod year;

pub use activities::{
    ACTIVITIES_SHEET, ACTIVITY_COLUMNS, NO_ACTIVITIES, NO_PLANS, PLAN_COLUMNS, PLANS_SHEET,
};
pub use csv::{csv_table, raw_csv};
pub(crate) use style::wrapped_lines;
pub use year::year_workbook;

/// The aktiviteter and lokala planer a workbook shows (its sheets Aktiviteter and Lokala
/// planer).
#[derive(Clone, Copy)]
pub struct ActivityInput<'a> {
    /// The activities, in the order they are listed.
    pub activities: &'a [Activity],
    /// The plans, in the order they are listed (an activity's plan is named from them).
    pub plans: &'a [LocalPlan],
    /// The newest follow-up of each activity up to the workbook's round: its round and
    /// comment.
    pub followups: &'a BTreeMap<RecordId, (RoundId, String)>,
    /// Organisation names by code (owners and parties are written by name).
    pub org_names: &'a BTreeMap<String, String>,
    /// The day "försenad" is judged on (the export day).
    pub today: Date,
}

/// No follow-ups and no names.
static NO_FOLLOWUPS: BTreeMap<RecordId, (RoundId, String)> = BTreeMap::new();
static NO_NAMES: BTreeMap<String, String> = BTreeMap::new();

impl ActivityInput<'static> {
    /// No activities and no plans (the sheets say so).
    pub fn empty(today: Date) -> Self {
        Self {
            activities: &[],
            plans: &[],
            followups: &NO_FOLLOWUPS,
            org_names: &NO_NAMES,
            today,
        }
    }
}
pub use nyckeltal::{DEMO_NOTE, DEMO_SOURCE, NO_VALUES};

/// What the county summary is made from.
pub struct SummaryInput<'a> {
    /// The round's instrument version.
    pub instrument: &'a Instrument,
    /// The round's results.
    pub report: &'a RoundReport,
    /// Every round of the family up to this one, oldest first.
    pub trend: &'a [TrendRound],
    /// Every answer of the round and of the earlier rounds of its family (the Rådata sheet).
    pub raw: &'a RawTable,
    /// Organisation names by code (for organisations that answered only earlier rounds).
    pub org_names: &'a BTreeMap<String, String>,
    /// The county's nyckeltal: one table per delmål that has indicators, in the instrument's
    /// order, holding only the indicators the reader may see (the sheet Nyckeltal).
    pub nyckeltal: &'a [Table],
    /// Where the values of the tables' indicators came from, by indicator id; empty when none
    /// is fetched.
    pub nyckeltal_sources: &'a BTreeMap<String, Provenance>,
    /// The county's activities and plans (the sheets Aktiviteter and Lokala planer).
    pub activities: ActivityInput<'a>,
    /// When it was made (`2026-11-25 10:15 UTC`).
    pub generated_at: &'a str,
}

/// What the organisation report is made from.
pub struct OrgInput<'a> {
    /// The round's instrument version.
    pub instrument: &'a Instrument,
    /// The round's results for the whole county (the county mean is shown beside the
    /// organisation's).
    pub report: &'a RoundReport,
    /// The organisation's code.
    pub org: &'a str,
    /// Whether the county's numbers may be shown (the row "Länets medel" and the county series
    /// of the radar); `false` for a reader who may not see the county yet.
    pub county: bool,
    /// Earlier rounds' scores; the previous round's is used for the change table.
    pub trend: &'a [TrendRound],
    /// The organisation's nyckeltal per delmål that has indicators, in the instrument's order:
    /// the delmål, its name and its cards, holding only the indicators the reader may see (the
    /// sheet Nyckeltal).
    pub nyckeltal: &'a [(AreaId, String, Vec<Card>)],
    /// The organisation's own activities and the plans it is a party to (the sheets Aktiviteter
    /// and Lokala planer).
    pub activities: ActivityInput<'a>,
    /// When it was made.
    pub generated_at: &'a str,
}

/// The scoring method in three Swedish sentences.
pub fn method_sentences(inst: &Instrument) -> [String; 3] {
    let s = &inst.scoring();
    [
        format!(
            "Varje svar ger ett värde på skalan {}–{}; ”{}” räknas inte, och ett delmål får ett medelvärde bara om minst {} % av dess påståenden har besvarats, annars står det ”{TOO_FEW}”.",
            fmt::decimal(inst.scale_min(), 0),
            fmt::decimal(inst.scale_max(), 0),
            inst.scale().not_applicable.label,
            fmt::decimal(s.min_answered_share * 100.0, 0)
        ),
        "Flera bedömare i en verksamhet vägs samman med medianen per påstående (ett samsynssvar går före), en organisation är medelvärdet av sina verksamheter, och länet är medelvärdet av organisationerna, där varje organisation räknas en gång.".to_string(),
        format!(
            "Index är medelvärdet av delmålen och visas bara när minst {} av {} delmål har ett medelvärde, annars står det ”{}”; en förändring mindre än {} steg sedan förra omgången visas som ”oförändrad”.",
            inst.min_scored_areas(),
            inst.areas().len(),
            fmt::NO_INDEX,
            fmt::decimal(s.change_threshold, 2)
        ),
    ]
}

/// The county summary workbook.
pub fn summary_workbook(input: &SummaryInput) -> Result<Vec<u8>, Error> {
    Ok(summary_workbook_to(input, std::io::Cursor::new(Vec::new()))?.into_inner())
}

/// The county summary workbook, written to `to` as it is made: to a file, a large county's
/// workbook is never held in memory (at 10,000 units × 10 rounds it is about 58 MB).
pub fn summary_workbook_to<W: std::io::Write + std::io::Seek>(
    input: &SummaryInput,
    to: W,
) -> Result<W, Error> {
    Ok(county::workbook(input, to)?)
}

/// The organisation report workbook.
pub fn org_workbook(input: &OrgInput) -> Result<Vec<u8>, Error> {
    let Some(o) = input.report.org(input.org) else {
        return Err(Error::NotAnswered(input.org.to_string()));
    };
    Ok(org::workbook(input, o)?)
}
