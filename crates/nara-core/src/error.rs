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
    /// An indicator catalogue could not be read or breaks a rule; every problem is listed.
    #[error("Nyckeltalskatalogen har fel: {}", .0.join(" "))]
    Indicators(Vec<String>),
    /// A sign-in providers file could not be read or breaks a rule; every problem is listed.
    #[error("Inloggningsleverantörerna har fel: {}", .0.join(" "))]
    Sso(Vec<String>),
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

/// A TOML file's error as a Swedish sentence with its line: the words serde uses for a wrong
/// value or field are said in Swedish, the names kept as written.
pub(crate) fn sv_toml_error(e: &toml::de::Error, text: &str) -> String {
    let msg = e.message().trim();
    let quoted = |s: &str| -> String {
        s.split('`')
            .enumerate()
            .map(|(i, part)| {
                if i % 2 == 1 {
                    format!("”{part}”")
                } else {
                    part.to_string()
                }
            })
            .collect()
    };
    let said = if let Some(rest) = msg.strip_prefix("unknown variant ") {
        match rest.split_once(", expected ") {
            Some((value, allowed)) => format!(
                "okänt värde {} (tillåtna: {})",
                quoted(value),
                quoted(allowed.trim_start_matches("one of ")).replace(" or ", " eller ")
            ),
            None => format!("okänt värde {}", quoted(rest)),
        }
    } else if let Some(rest) = msg.strip_prefix("unknown field ") {
        let field = rest.split_once(", expected").map_or(rest, |(f, _)| f);
        format!("okänt fält {}", quoted(field))
    } else if let Some(rest) = msg.strip_prefix("missing field ") {
        format!("fältet {} saknas", quoted(rest))
    } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
        format!("fel slags värde ({})", quoted(rest))
    } else {
        quoted(msg)
    };
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("Rad {line}: {said}.")
        }
        None => format!("{said}."),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn toml_errors_read_in_swedish_with_their_line() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code, reason = "only read")]
        struct T {
            a: Kind,
            b: u32,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        enum Kind {
            Higher,
            Lower,
        }
        let text = "b = 1\na = \"upp\"\n";
        let e = toml::from_str::<T>(text).unwrap_err();
        assert_eq!(
            super::sv_toml_error(&e, text),
            "Rad 2: okänt värde ”upp” (tillåtna: ”higher” eller ”lower”)."
        );
        let text = "a = \"higher\"\nb = 1\nc = 2\n";
        let e = toml::from_str::<T>(text).unwrap_err();
        assert!(super::sv_toml_error(&e, text).starts_with("Rad 3: okänt fält ”c”"));
        let text = "a = \"higher\"\n";
        let e = toml::from_str::<T>(text).unwrap_err();
        assert!(super::sv_toml_error(&e, text).contains("fältet ”b” saknas"));
    }
}
