//! Nyckeltal (indicators) as data: a county's catalogue of the indicators its follow-up shows
//! beside the self-assessment, each tied to the delmål it follows, read from TOML and checked
//! with every problem named in Swedish (like the instrument). Kolada has no field saying whether
//! a higher value is better, so the catalogue says it.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{AreaId, shorten};
use crate::instrument::Instrument;

pub mod kolada;
pub mod view;

/// The embedded catalogue of the default county.
pub const DALARNA_TOML: &str = include_str!("../../../../indicators/dalarna.toml");

/// The fewest cases a value may rest on, unless the catalogue says otherwise: values from fewer
/// are hidden, with a note.
pub const DEFAULT_MIN_CASES: u32 = 10;

/// Where an indicator's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Kolada (the id is Kolada's KPI id).
    Kolada,
    /// The county's own figures, imported from files (the id is a local one, `X-DAL-001`).
    Lokal,
}

impl Source {
    /// The caption under a chart ("Källa: Kolada").
    pub fn label(self) -> &'static str {
        match self {
            Self::Kolada => "Kolada",
            Self::Lokal => "egen uppföljning",
        }
    }
}

/// What a value measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share in per cent.
    Andel,
    /// Per 100,000 inhabitants.
    #[serde(rename = "per_100000")]
    Per100000,
    /// A count.
    Antal,
    /// Kronor per inhabitant.
    KrPerInv,
}

impl Unit {
    /// The Swedish words after a value.
    pub fn label(self) -> &'static str {
        match self {
            Self::Andel => "procent",
            Self::Per100000 => "per 100 000 invånare",
            Self::Antal => "antal",
            Self::KrPerInv => "kr per invånare",
        }
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// A higher value is better.
    Higher,
    /// A lower value is better.
    Lower,
    /// Neither (a volume): no colour and no ranking.
    Neutral,
}

impl Polarity {
    /// The Swedish phrase for the guide and "Om statistiken".
    pub fn label(self) -> &'static str {
        match self {
            Self::Higher => "högre är bättre",
            Self::Lower => "lägre är bättre",
            Self::Neutral => "neutral (ingen värdering)",
        }
    }
}

/// Which organisations an indicator has values for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Each kommun.
    Kommun,
    /// The region (and the country).
    Region,
    /// Both.
    Both,
}

impl Level {
    /// The Swedish word.
    pub fn label(self) -> &'static str {
        match self {
            Self::Kommun => "kommun",
            Self::Region => "region",
            Self::Both => "kommun och region",
        }
    }
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Kolada's KPI id (`U21468`) or a local id (`X-DAL-001`).
    pub id: String,
    /// The Swedish title (for Kolada: re-read at every sync).
    pub title: String,
    /// Where the values come from.
    pub source: Source,
    /// What a value measures.
    pub unit: Unit,
    /// Which way is better.
    pub direction: Polarity,
    /// Which organisations have values.
    pub level: Level,
    /// The delmål it follows (at least one).
    pub areas: Vec<AreaId>,
    /// A note shown with it ("Mäts vartannat år.", "Serien avslutad.").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether its title and unit are still to be confirmed by a sync ("kontrollera vid första
    /// synk").
    #[serde(default)]
    pub verify: bool,
    /// Whether readers outside the region may see it (Kolada's are public data; a local
    /// indicator is internal unless the catalogue says so).
    #[serde(default)]
    pub public: Option<bool>,
    /// The fewest cases a shown value may rest on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cases: Option<u32>,
}

impl Indicator {
    /// Whether readers outside the region may see it.
    pub fn is_public(&self) -> bool {
        self.public.unwrap_or(self.source == Source::Kolada)
    }

    /// The fewest cases a shown value may rest on.
    pub fn min_cases(&self) -> u32 {
        self.min_cases.unwrap_or(DEFAULT_MIN_CASES)
    }

    /// Whether it follows a delmål.
    pub fn follows(&self, area: &AreaId) -> bool {
        self.areas.contains(area)
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.title, self.id)
    }
}

/// A county's catalogue of indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// The county.
    pub county: String,
    /// The instrument family whose delmål the indicators follow.
    pub instrument: String,
    /// The indicators, in the order pages show them.
    pub indicators: Vec<Indicator>,
}

/// Whether an id has Kolada's KPI form: a capital letter and five digits (`N21700`, `U01405`).
pub fn is_kolada_kpi(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// Whether an id is a local one: `X-`, then letters, digits and `-` (`X-DAL-001`), at most 32.
fn is_local_id(id: &str) -> bool {
    id.len() <= 32
        && id.strip_prefix("X-").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

impl Catalogue {
    /// Dalarna's catalogue.
    pub fn dalarna() -> Self {
        Self::from_toml(DALARNA_TOML, &Instrument::dalarna())
            .expect("the embedded indicator catalogue is valid")
    }

    /// Reads a catalogue from TOML and checks it against the instrument whose delmål it
    /// follows; every problem is listed.
    pub fn from_toml(text: &str, instrument: &Instrument) -> Result<Self> {
        let c = Self::parse(text)?;
        c.check(instrument)?;
        Ok(c)
    }

    /// Reads a catalogue from TOML without checking it against an instrument (the caller finds
    /// the instrument the catalogue names, then calls [`Catalogue::check`]).
    pub fn parse(text: &str) -> Result<Self> {
        toml::from_str(text)
            .map_err(|e| Error::Indicators(vec![crate::error::sv_toml_error(&e, text)]))
    }

    /// Checks the rules: ids unique and of their source's form, a title, at least one delmål,
    /// each a delmål of the instrument, a positive minimum of cases.
    pub fn check(&self, instrument: &Instrument) -> Result<()> {
        let mut p = Vec::new();
        if self.instrument != instrument.id() {
            p.push(format!(
                "Katalogen gäller instrumentet ”{}”, men omgångarnas instrument är ”{}”.",
                shorten(&self.instrument),
                instrument.id()
            ));
        }
        if self.indicators.is_empty() {
            p.push("Katalogen har inga nyckeltal.".into());
        }
        let mut ids = HashSet::new();
        for (i, ind) in self.indicators.iter().enumerate() {
            let at = format!("Nyckeltal {} (”{}”)", i + 1, shorten(&ind.id));
            if !ids.insert(ind.id.as_str()) {
                p.push(format!("{at} finns två gånger."));
            }
            match ind.source {
                Source::Kolada if !is_kolada_kpi(&ind.id) => p.push(format!(
                    "{at}: ett Kolada-id är en stor bokstav och fem siffror, till exempel N21700."
                )),
                Source::Lokal if !is_local_id(&ind.id) => p.push(format!(
                    "{at}: ett eget nyckeltal har ett id som börjar med X-, till exempel X-DAL-001."
                )),
                _ => {}
            }
            if ind.title.trim().is_empty() {
                p.push(format!("{at} saknar titel."));
            }
            if ind.areas.is_empty() {
                p.push(format!(
                    "{at} följer inget delmål (ange minst ett i areas)."
                ));
            }
            for a in &ind.areas {
                if instrument.area(a).is_none() {
                    p.push(format!("{at}: delmålet {a} finns inte i instrumentet."));
                }
            }
            if ind.min_cases == Some(0) {
                p.push(format!("{at}: min_cases ska vara minst 1."));
            }
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(Error::Indicators(p))
        }
    }

    /// The indicators that follow a delmål, in catalogue order.
    pub fn following<'a>(&'a self, area: &'a AreaId) -> impl Iterator<Item = &'a Indicator> {
        self.indicators.iter().filter(move |i| i.follows(area))
    }

    /// The Kolada KPI ids, in catalogue order.
    pub fn kolada_ids(&self) -> impl Iterator<Item = &str> {
        (self.indicators.iter())
            .filter(|i| i.source == Source::Kolada)
            .map(|i| i.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(fields: &str) -> String {
        format!("county = \"X\"\ninstrument = \"dalarna-gnv\"\n[[indicators]]\n{fields}\n")
    }

    #[test]
    fn dalarna_follows_every_delmal_with_kolada_ids() {
        let c = Catalogue::dalarna();
        let inst = Instrument::dalarna();
        for a in inst.areas() {
            assert!(c.following(&a.id).count() >= 1, "{} has no indicator", a.id);
        }
        assert!(c.kolada_ids().all(is_kolada_kpi));
        assert!(c.kolada_ids().any(|id| id == "U21468"));
        let fall = c.indicators.iter().find(|i| i.id == "U20462").unwrap();
        assert_eq!(fall.direction, Polarity::Lower);
        assert!(fall.verify && fall.is_public());
        assert_eq!(fall.min_cases(), DEFAULT_MIN_CASES);
    }

    #[test]
    fn a_local_indicator_is_internal_unless_said() {
        let inst = Instrument::dalarna();
        let c = Catalogue::from_toml(
            &one(r#"id = "X-DAL-9"
title = "Egen"
source = "lokal"
unit = "antal"
direction = "neutral"
level = "kommun"
areas = ["d1"]"#),
            &inst,
        )
        .unwrap();
        assert!(!c.indicators[0].is_public());
        assert_eq!(c.indicators[0].areas[0].as_str(), "D1");
    }

    #[test]
    fn bad_catalogues_are_refused_with_every_problem_in_swedish() {
        let inst = Instrument::dalarna();
        let text = r#"county = "X"
instrument = "dalarna-gnv"
[[indicators]]
id = "N2170"
title = " "
source = "kolada"
unit = "andel"
direction = "higher"
level = "kommun"
areas = ["D9"]
min_cases = 0
[[indicators]]
id = "LOCAL1"
title = "Egen"
source = "lokal"
unit = "antal"
direction = "lower"
level = "region"
areas = []
[[indicators]]
id = "LOCAL1"
title = "Egen igen"
source = "lokal"
unit = "antal"
direction = "lower"
level = "region"
areas = ["D1"]
"#;
        let e = Catalogue::from_toml(text, &inst).unwrap_err().to_string();
        for want in [
            "Nyckeltal 1 (”N2170”): ett Kolada-id är en stor bokstav och fem siffror",
            "Nyckeltal 1 (”N2170”) saknar titel.",
            "Nyckeltal 1 (”N2170”): delmålet D9 finns inte i instrumentet.",
            "min_cases ska vara minst 1",
            "Nyckeltal 2 (”LOCAL1”): ett eget nyckeltal har ett id som börjar med X-",
            "Nyckeltal 2 (”LOCAL1”) följer inget delmål",
            "Nyckeltal 3 (”LOCAL1”) finns två gånger.",
        ] {
            assert!(e.contains(want), "missing «{want}» in: {e}");
        }
        assert!(e.starts_with("Nyckeltalskatalogen har fel:"), "{e}");
    }

    #[test]
    fn unknown_words_and_fields_are_named() {
        let inst = Instrument::dalarna();
        let e = Catalogue::from_toml(
            &one(r#"id = "N21700"
title = "T"
source = "kolada"
unit = "andel"
direction = "upp"
level = "kommun"
areas = ["D1"]"#),
            &inst,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("Rad 8: okänt värde ”upp” (tillåtna: ”higher”"),
            "{e}"
        );
        let wrong = Catalogue::from_toml(
            "county = \"X\"\ninstrument = \"annat\"\nindicators = []\n",
            &inst,
        )
        .unwrap_err()
        .to_string();
        assert!(wrong.contains("instrumentet ”annat”"), "{wrong}");
        assert!(wrong.contains("inga nyckeltal"), "{wrong}");
    }
}
