//! Domain values that are parsed once: organisation codes, round ids, area and statement ids,
//! unit names. Code past the parse trusts the type.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

macro_rules! string_serde {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$ty>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
        impl FromStr for $ty {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                <$ty>::parse(s)
            }
        }
    };
}

/// Comparisons with plain text, so a parsed value can be checked against what a person typed
/// or a test expects (`code == "2080"`).
macro_rules! text_eq {
    ($ty:ty) => {
        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
        impl PartialEq<String> for $ty {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

text_eq!(OrgCode);
text_eq!(UnitName);

/// An organisation's official code: a kommun has four digits (Falun `2080`), a region two
/// (Dalarna `20`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrgCode(String);

impl OrgCode {
    /// Parses a code; surrounding spaces are ignored.
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim();
        if (t.len() == 2 || t.len() == 4) && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(t.to_owned()))
        } else {
            Err(Error::Invalid(format!(
                "”{}” är ingen organisationskod: en kommun har fyra siffror (t.ex. 2080) och en region två (t.ex. 20).",
                shorten(t)
            )))
        }
    }
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// True for a two-digit region code.
    pub fn is_region(&self) -> bool {
        self.0.len() == 2
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(OrgCode);

/// A round: a year (`2026`) or a half-year (`2026-H1`, `2026-H2`). Rounds sort in time order;
/// a whole year sorts before its halves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoundId {
    year: u16,
    half: u8,
}

impl RoundId {
    /// Parses `YYYY`, `YYYY-H1` or `YYYY-H2` (case and spaces forgiven).
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_uppercase();
        let bad = || {
            Error::Invalid(format!(
                "”{}” är ingen omgång: skriv ett årtal (2026) eller ett halvår (2026-H1, 2026-H2).",
                shorten(s.trim())
            ))
        };
        let (year, half) = match t.split_once('-') {
            None => (t.as_str(), 0),
            Some((y, "H1")) => (y, 1),
            Some((y, "H2")) => (y, 2),
            Some(_) => return Err(bad()),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: u16 = year.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        Ok(Self { year, half })
    }
    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// 0 for a whole year, 1 or 2 for a half-year.
    pub fn half(&self) -> u8 {
        self.half
    }
}

impl fmt::Display for RoundId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.half {
            0 => write!(f, "{}", self.year),
            h => write!(f, "{}-H{}", self.year, h),
        }
    }
}
string_serde!(RoundId);

fn valid_token(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 32
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
        && t.as_bytes()[0].is_ascii_alphanumeric()
}

/// A delmål's id, such as `D1`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AreaId(Arc<str>);

impl AreaId {
    /// Parses an id: letters, digits, `.`, `-`, `_`, at most 32 characters, matched without
    /// regard to case (stored in upper case).
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_uppercase();
        if valid_token(&t) {
            Ok(Self(t.into()))
        } else {
            Err(Error::Invalid(format!(
                "”{}” är inget giltigt delmåls-id (bokstäver, siffror, punkt och bindestreck, högst 32 tecken).",
                shorten(s.trim())
            )))
        }
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl fmt::Display for AreaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(AreaId);

/// A statement's stable id, such as `D1.3`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatementId(Arc<str>);

impl StatementId {
    /// Parses an id (same rules as [`AreaId`]); `d1.3` and ` D1.3 ` both give `D1.3`.
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim().trim_matches('\u{a0}').trim().to_ascii_uppercase();
        if valid_token(&t) {
            Ok(Self(t.into()))
        } else {
            Err(Error::Invalid(format!(
                "”{}” är inget giltigt påståendes-id (t.ex. D1.3).",
                shorten(s.trim())
            )))
        }
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(StatementId);

/// The name of a verksamhet (unit) within an organisation, such as `Hemsjukvården Norr`.
///
/// Spaces (also non-breaking ones) are folded to one; two names that differ only in case are
/// the same unit ([`UnitName::key`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitName(String);

impl UnitName {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 120;

    /// Parses a unit name: not empty, at most [`Self::MAX_CHARS`] characters, no control
    /// characters.
    pub fn parse(s: &str) -> Result<Self> {
        let folded = fold_spaces(s);
        if folded.is_empty() {
            return Err(Error::Invalid(
                "Verksamhetens namn saknas: skriv namnet på verksamheten som svarar.".into(),
            ));
        }
        if folded.chars().count() > Self::MAX_CHARS {
            return Err(Error::Invalid(format!(
                "Verksamhetens namn är för långt (högst {} tecken).",
                Self::MAX_CHARS
            )));
        }
        if folded.chars().any(char::is_control) {
            return Err(Error::Invalid(
                "Verksamhetens namn innehåller otillåtna tecken.".into(),
            ));
        }
        Ok(Self(folded))
    }
    /// The name as written (spaces folded).
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The key two names are compared by: lower case, spaces folded.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}
impl fmt::Display for UnitName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(UnitName);

/// Folds every run of white space (including non-breaking spaces) to one space and trims.
pub fn fold_spaces(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cuts a value for an error message so that a huge input does not make a huge message.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_codes() {
        assert_eq!(OrgCode::parse(" 2080 ").unwrap().as_str(), "2080");
        assert!(OrgCode::parse("20").unwrap().is_region());
        assert!(!OrgCode::parse("2080").unwrap().is_region());
        for bad in ["", "208", "20800", "20a0", "Falun", "２０８０"] {
            assert!(OrgCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_ids_parse_and_sort() {
        let y = RoundId::parse("2026").unwrap();
        let h1 = RoundId::parse("2026-h1").unwrap();
        let h2 = RoundId::parse(" 2026-H2 ").unwrap();
        let next = RoundId::parse("2027").unwrap();
        assert_eq!(h1.to_string(), "2026-H1");
        assert!(y < h1 && h1 < h2 && h2 < next);
        for bad in [
            "", "26", "2026-H3", "2026-1", "abcd", "1999", "2026-", "20266",
        ] {
            assert!(RoundId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn statement_ids_are_case_and_space_tolerant() {
        assert_eq!(StatementId::parse(" d1.3\u{a0}").unwrap().as_str(), "D1.3");
        assert!(StatementId::parse("D 1").is_err());
        assert!(StatementId::parse("").is_err());
        assert!(StatementId::parse(".D1").is_err());
    }

    #[test]
    fn unit_names_fold_spaces_and_compare_without_case() {
        let a = UnitName::parse("  Hemsjukvården\u{a0}\u{a0}Norr ").unwrap();
        let b = UnitName::parse("hemsjukvården norr").unwrap();
        assert_eq!(a.as_str(), "Hemsjukvården Norr");
        assert_eq!(a.key(), b.key());
        assert!(UnitName::parse("   ").is_err());
        assert!(UnitName::parse(&"x".repeat(121)).is_err());
        assert!(UnitName::parse("a\u{7}b").is_err());
    }

    #[test]
    fn error_messages_are_short_even_for_huge_input() {
        let e = OrgCode::parse(&"9".repeat(10_000)).unwrap_err().to_string();
        assert!(e.len() < 300, "{e}");
    }

    #[test]
    fn serde_round_trips_through_strings() {
        let r: RoundId = serde_json::from_str("\"2026-H2\"").unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"2026-H2\"");
        assert!(serde_json::from_str::<OrgCode>("\"12345\"").is_err());
    }
}
