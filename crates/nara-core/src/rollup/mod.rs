//! Roll-up: from raters to a unit, from units to an organisation, from organisations to the
//! county, and the distribution of answers per statement. One file per level:
//! [`unit`](mod@unit) (raters → unit, and their agreement), [`org`] (units → organisation),
//! [`county`] (organisations → county) and [`distribution`](mod@distribution) (every rating
//! per statement); everything is re-exported here, so callers write `rollup::score_unit`.
//!
//! - A unit with several raters takes, per statement, the consensus answer when one is
//!   recorded, else the median of its raters' values; raters disagree on a statement when their
//!   ratings span `disagreement_steps` or more, highest minus lowest (two steps by default: 2
//!   and 4 disagree, 2 and 3 do not).
//! - An organisation's area score is the mean of its units' area scores (units with too few
//!   answers left out; each unit counts once). Its index is the mean of its area scores, shown
//!   when at least [`Instrument::min_scored_areas`] of them are scored, as for a unit.
//! - The county's area figures are the mean, median, min and max over organisations (each
//!   organisation counts once, whatever its number of units); its index figures are those of
//!   the organisations' indexes, so an organisation without an index is left out of them.
//!
//! [`Instrument::min_scored_areas`]: crate::Instrument::min_scored_areas

pub mod county;
pub mod distribution;
pub mod org;
pub mod unit;

pub use county::{CountyArea, CountySummary, county_summary, statement_spread};
pub use distribution::{Distribution, distribution};
pub use org::{OrgAreaScore, OrgScores, score_org, statement_means};
pub use unit::{Agreement, UnitResult, UnitRollup, roll_up_unit, score_unit};

#[cfg(test)]
mod tests;
