//! Rounds (omgångar): a period, its instrument version and its status.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::RoundId;

/// Where a round is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoundStatus {
    /// Being prepared; no answers yet.
    Draft,
    /// Answers are being collected.
    Open,
    /// No more answers; results are preliminary until published.
    Closed,
    /// Results are visible to every reader.
    Published,
}

impl RoundStatus {
    /// The Swedish word (`utkast`, `öppen`, `stängd`, `publicerad`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "utkast",
            Self::Open => "öppen",
            Self::Closed => "stängd",
            Self::Published => "publicerad",
        }
    }

    /// The code used in the database and the API (`draft`, `open`, `closed`, `published`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Published => "published",
        }
    }

    /// Reads a status from its code or its Swedish word.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "draft" | "utkast" => Ok(Self::Draft),
            "open" | "öppen" | "oppen" => Ok(Self::Open),
            "closed" | "stängd" | "stangd" => Ok(Self::Closed),
            "published" | "publicerad" => Ok(Self::Published),
            other => Err(Error::Invalid(format!(
                "”{other}” är ingen status för en omgång."
            ))),
        }
    }

    /// Whether answers may be stored in this status.
    pub fn accepts_answers(self) -> bool {
        matches!(self, Self::Draft | Self::Open)
    }

    /// Whether results are final (not preliminary).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Closed | Self::Published)
    }

    /// Checks a status change: draft → open → closed → published, closed → open to reopen for
    /// late answers, and published → closed to take a publication back (the caller records
    /// why: see [`RoundStatus::needs_reason`]).
    pub fn change_to(self, to: Self) -> Result<Self> {
        use RoundStatus::*;
        match (self, to) {
            (Draft, Open)
            | (Open, Closed)
            | (Closed, Open)
            | (Closed, Published)
            | (Published, Closed) => Ok(to),
            _ => Err(Error::StatusChange {
                from: self.label(),
                to: to.label(),
            }),
        }
    }
}

impl RoundStatus {
    /// Whether a change must say why: taking a publication back hides numbers people have
    /// already read, so the reason goes into the audit log.
    pub fn needs_reason(self, to: Self) -> bool {
        self == RoundStatus::Published && to == RoundStatus::Closed
    }
}

impl fmt::Display for RoundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A calendar date `YYYY-MM-DD`, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The moment this day begins in Swedish local time, as Unix ms (for "from this day" in a
    /// filter; the clocks never change at midnight, so the offset at midnight is unambiguous).
    pub fn start_ms_local(self) -> i64 {
        let month = time::Month::try_from(self.month).unwrap_or(time::Month::January);
        let day = time::Date::from_calendar_date(i32::from(self.year), month, self.day)
            .unwrap_or(time::Date::MIN);
        let utc_midnight = day.midnight().assume_utc();
        let offset = crate::fmt::stockholm_offset(utc_midnight - time::Duration::hours(2));
        (utc_midnight.unix_timestamp() - offset * 3_600) * 1_000
    }

    /// The day a moment (Unix ms) falls on in Swedish local time: "today" for "försenad" and
    /// the workbooks.
    pub fn of_ms_local(ms: i64) -> Self {
        let utc = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let t = utc + time::Duration::hours(crate::fmt::stockholm_offset(utc));
        Self {
            year: u16::try_from(t.year()).unwrap_or_default(),
            month: u8::from(t.month()),
            day: t.day(),
        }
    }

    /// The day after.
    pub fn next(self) -> Self {
        let month = time::Month::try_from(self.month).unwrap_or(time::Month::January);
        let next = time::Date::from_calendar_date(i32::from(self.year), month, self.day)
            .ok()
            .and_then(time::Date::next_day);
        match next {
            Some(d) => Self {
                year: u16::try_from(d.year()).unwrap_or(self.year),
                month: u8::from(d.month()),
                day: d.day(),
            },
            None => self,
        }
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || {
            Error::Invalid(format!(
                "”{}” är inget datum: skriv det som ÅÅÅÅ-MM-DD.",
                crate::ids::shorten(s.trim())
            ))
        };
        let t = s.trim();
        let parts: Vec<&str> = t.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (year, month, day): (u16, u8, u8) = (
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        let month_t = time::Month::try_from(month).map_err(|_| bad())?;
        time::Date::from_calendar_date(i32::from(year), month_t, day).map_err(|_| bad())?;
        Ok(Self { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Date::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// The word that marks numbers which may still change, on every export of a round that is
/// neither closed nor published.
pub const PRELIMINARY: &str = "PRELIMINÄRT";

/// A round: its period, the instrument version its answers use, its status and dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// The period (`2026`, `2026-H1`).
    pub id: RoundId,
    /// The instrument family.
    pub instrument_id: String,
    /// The instrument version every answer of this round uses.
    pub instrument_version: String,
    /// The status.
    pub status: RoundStatus,
    /// When answering opens.
    pub opens: Option<Date>,
    /// When answering closes.
    pub closes: Option<Date>,
}

impl Round {
    /// Whether the round's numbers may still change: it is neither closed nor published.
    pub fn preliminary(&self) -> bool {
        !self.status.is_final()
    }

    /// What a results page says instead of empty tables, when the round has none to show: a
    /// draft is not open for answers yet; an open round with no answers is waiting for them; a
    /// closed or published one had none. `None` once an organisation has answered.
    pub fn empty_note(&self, answered: usize) -> Option<String> {
        let id = self.id;
        match (self.status, answered) {
            (RoundStatus::Draft, _) => Some(format!(
                "Omgång {id} är ett utkast: den är inte öppnad för svar, så det finns inga resultat ännu. Samordnaren öppnar den under Omgångar när blanketterna är klara."
            )),
            (_, n) if n > 0 => None,
            (RoundStatus::Open, _) => Some(format!(
                "Omgång {id} är öppen för svar, men inga svar har kommit in ännu. Resultaten visas här så snart den första blanketten är inläst eller det första webbsvaret inskickat."
            )),
            _ => Some(format!(
                "Omgång {id} har inga svar: inga blanketter lästes in och inga webbsvar skickades in."
            )),
        }
    }

    /// The one sentence that says the numbers may still change, `PRELIMINÄRT – omgång 2026 är
    /// öppen och siffrorna kan ändras.`; `None` when the round is closed or published.
    pub fn preliminary_note(&self) -> Option<String> {
        self.preliminary().then(|| {
            format!(
                "{PRELIMINARY} – omgång {} är {} och siffrorna kan ändras.",
                self.id,
                self.status.label()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoundStatus::*;

    #[test]
    fn the_life_of_a_round() {
        assert_eq!(Draft.change_to(Open).unwrap(), Open);
        assert_eq!(Open.change_to(Closed).unwrap(), Closed);
        assert_eq!(Closed.change_to(Open).unwrap(), Open);
        assert_eq!(Closed.change_to(Published).unwrap(), Published);
        assert_eq!(Published.change_to(Closed).unwrap(), Closed);
        assert!(Published.needs_reason(Closed) && !Closed.needs_reason(Published));
        for (from, to) in [
            (Draft, Closed),
            (Draft, Published),
            (Open, Published),
            (Published, Open),
            (Published, Draft),
            (Open, Open),
        ] {
            let e = from.change_to(to).unwrap_err().to_string();
            assert!(e.contains(from.label()) && e.contains(to.label()), "{e}");
        }
        assert!(Open.accepts_answers() && !Closed.accepts_answers());
        for s in [Draft, Open, Closed, Published] {
            assert_eq!(RoundStatus::parse(s.code()).unwrap(), s);
            assert_eq!(RoundStatus::parse(s.label()).unwrap(), s);
        }
    }

    /// Round 2026, open, with no dates.
    fn open_2026() -> Round {
        Round {
            id: RoundId::parse("2026").unwrap(),
            instrument_id: "dalarna-gnv".into(),
            instrument_version: "2026.1".into(),
            status: Open,
            opens: None,
            closes: None,
        }
    }

    #[test]
    fn only_a_closed_or_published_round_is_final() {
        let mut r = open_2026();
        assert!(r.preliminary());
        assert_eq!(
            r.preliminary_note().as_deref(),
            Some("PRELIMINÄRT – omgång 2026 är öppen och siffrorna kan ändras.")
        );
        r.status = Draft;
        assert!(r.preliminary_note().unwrap().contains("är utkast"));
        for s in [Closed, Published] {
            r.status = s;
            assert!(!r.preliminary());
            assert_eq!(r.preliminary_note(), None);
        }
    }

    #[test]
    fn a_round_without_results_says_what_it_is() {
        let mut r = open_2026();
        r.status = Draft;
        assert!(r.empty_note(0).unwrap().contains("är ett utkast"));
        assert!(r.empty_note(3).unwrap().contains("är ett utkast"));
        r.status = Open;
        assert!(
            r.empty_note(0)
                .unwrap()
                .contains("inga svar har kommit in ännu")
        );
        assert_eq!(r.empty_note(1), None);
        for s in [Closed, Published] {
            r.status = s;
            assert!(r.empty_note(0).unwrap().contains("har inga svar"));
            assert_eq!(r.empty_note(2), None);
        }
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(Date::parse("2026-02-28").unwrap().to_string(), "2026-02-28");
        assert!(Date::parse("2028-02-29").is_ok());
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-1",
            "26-01-01",
            "",
            "2026-04-31",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_day_begins_at_swedish_midnight() {
        let winter = Date::parse("2026-01-15").unwrap();
        // 2026-01-15 00:00 CET is 2026-01-14 23:00 UTC.
        assert_eq!(winter.start_ms_local(), 1_768_431_600_000);
        assert_eq!(
            crate::fmt::local_time(winter.start_ms_local()),
            "2026-01-15 00:00"
        );
        let summer = Date::parse("2026-07-01").unwrap();
        assert_eq!(
            crate::fmt::local_time(summer.start_ms_local()),
            "2026-07-01 00:00"
        );
        let spring = Date::parse("2026-03-29").unwrap();
        assert_eq!(
            crate::fmt::local_time(spring.start_ms_local()),
            "2026-03-29 00:00"
        );
        // The day a moment falls on in Sweden: midnight belongs to its day, a minute before to
        // the day before.
        assert_eq!(Date::of_ms_local(winter.start_ms_local()), winter);
        assert_eq!(
            Date::of_ms_local(summer.start_ms_local() - 60_000).to_string(),
            "2026-06-30"
        );
        assert_eq!(
            Date::parse("2026-12-31").unwrap().next().to_string(),
            "2027-01-01"
        );
        assert_eq!(
            Date::parse("2028-02-28").unwrap().next().to_string(),
            "2028-02-29"
        );
    }
}
