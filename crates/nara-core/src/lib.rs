//! `nara-core` holds the domain of Nära: the instrument (areas, statements, scale and scoring
//! settings) as data, the organisations, rounds and responses, and the scoring method with its
//! roll-up from raters to units, organisations and the county, plus the chart geometry that the
//! web pages and the workbooks share.
//!
//! It is pure: no files, no database, no HTTP, no clock. Everything that scores an answer lives
//! here and nowhere else; the other crates call it.

pub mod account;
pub mod activity;
pub mod answer;
pub mod audit;
pub mod chart;
pub mod contact;
pub mod error;
pub mod fmt;
pub mod ids;
pub mod indicator;
pub mod instrument;
pub mod org;
pub mod report;
pub mod rollup;
pub mod round;
pub mod scoring;
pub mod sso;
pub mod yearly;

pub use account::{AnswerLink, Role, Session, User};
pub use answer::{Answer, AnswerSet, Response};
pub use contact::Contact;
pub use error::{Error, Result};
pub use ids::{AreaId, OrgCode, RoundId, StatementId, UnitName};
pub use instrument::{Instrument, InstrumentParts, ScoringSettings};
pub use org::{OrgKind, Organisation, Organisations};
pub use round::{Round, RoundStatus};
