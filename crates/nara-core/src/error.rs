//! Errors of the core crate.

/// What went wrong when parsing a domain value or loading an instrument or organisation list.
///
/// The messages are whole Swedish sentences: they reach coordinators unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A value did not have the form its type needs.
    #[error("{0}")]
    Invalid(String),
    /// An instrument file could not be read as TOML.
    #[error("Instrumentfilen kunde inte läsas: {0}")]
    InstrumentSyntax(String),
    /// An instrument file was read but breaks one or more rules; every problem is listed.
    #[error("Instrumentet har fel: {}", .0.join(" "))]
    InstrumentRules(Vec<String>),
    /// An organisation list could not be read or breaks a rule.
    #[error("Organisationslistan har fel: {}", .0.join(" "))]
    Organisations(Vec<String>),
    /// A round cannot move from one status to another.
    #[error("Omgången kan inte gå från {from} till {to}.")]
    StatusChange {
        /// The status the round has.
        from: &'static str,
        /// The status that was asked for.
        to: &'static str,
    },
}

/// Result with the core error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
