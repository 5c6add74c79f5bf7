//! The scoring settings of an instrument and the colour bands, with what they say in Swedish:
//! the disagreement rule in words and the bands' ranges.

use serde::{Deserialize, Serialize};

use super::Instrument;

/// The numbers of the scoring method. Every one is a setting of the instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoringSettings {
    /// The share of an area's statements that must be answered for the area to be scored.
    pub min_answered_share: f64,
    /// How many areas must be scored for an overall index: fewer, and no index is shown (see
    /// [`Instrument::min_scored_areas`]). When the file leaves it out, at least half of the
    /// areas, rounded up (3 of 5); [`Instrument::from_toml`] writes that number in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_scored_areas: Option<usize>,
    /// A change smaller than this (on the scale) is shown as unchanged.
    pub change_threshold: f64,
    /// Raters disagree on a statement when their ratings span this many steps or more: the
    /// highest minus the lowest rating (see [`ScoringSettings::disagree`]).
    pub disagreement_steps: f64,
    /// How many statements are named as the highest and as the lowest.
    pub highlights: usize,
    /// The colour bands on an area score, from lowest to highest.
    pub bands: Vec<Band>,
}

impl Default for ScoringSettings {
    fn default() -> Self {
        Self {
            min_answered_share: 0.5,
            min_scored_areas: None,
            change_threshold: 0.25,
            disagreement_steps: 2.0,
            highlights: 2,
            bands: vec![
                Band::new("utmaning", "Utmaning", None, "#c0392b"),
                Band::new("pa-vag", "På väg", Some(2.0), "#e0a100"),
                Band::new("styrka", "Styrka", Some(3.0), "#1e8449"),
            ],
        }
    }
}

impl ScoringSettings {
    /// Whether raters disagree on a statement whose ratings run from `min` to `max`: the spread
    /// (highest minus lowest) is `disagreement_steps` or more, and not every rating is the same.
    /// Raters answering 2 and 4 disagree at the default of two steps; 2 and 3 do not.
    pub fn disagree(&self, min: f64, max: f64) -> bool {
        let spread = max - min;
        spread > 0.0 && spread >= self.disagreement_steps - 1e-9
    }

    /// The rule in Swedish words, to follow "bedömarnas svar skiljer sig": `två steg eller mer`
    /// (`åt` when any difference counts).
    pub fn disagreement_rule(&self) -> String {
        const WORDS: [&str; 10] = [
            "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
        ];
        let s = self.disagreement_steps;
        if s <= 0.0 {
            return "åt".to_string();
        }
        let n = if s.fract() == 0.0 && (1.0..=10.0).contains(&s) {
            WORDS[s as usize - 1].to_string()
        } else if s.fract() == 0.0 {
            crate::fmt::decimal(s, 0)
        } else {
            let d = crate::fmt::decimal(s, 2);
            d.trim_end_matches('0').to_string()
        };
        format!("{n} steg eller mer")
    }

    /// What disagreement means, as every page and workbook says it: `bedömarnas svar skiljer
    /// sig två steg eller mer (högsta minus lägsta svar)`, with the instrument's
    /// [`ScoringSettings::disagreement_rule`] in it.
    pub fn disagreement_clause(&self) -> String {
        format!(
            "bedömarnas svar skiljer sig {} (högsta minus lägsta svar)",
            self.disagreement_rule()
        )
    }

    /// The heading over the statements where raters disagree: `Där bedömarna är oense (svaren
    /// skiljer sig två steg eller mer, högsta minus lägsta svar)`.
    pub fn disagreement_heading(&self) -> String {
        format!(
            "Där bedömarna är oense (svaren skiljer sig {}, högsta minus lägsta svar)",
            self.disagreement_rule()
        )
    }

    /// Said where no raters disagree: `Inga påståenden där bedömarnas svar skiljer sig två steg
    /// eller mer (högsta minus lägsta svar).`
    pub fn no_disagreement_note(&self) -> String {
        format!("Inga påståenden där {}.", self.disagreement_clause())
    }
}

/// A colour band: scores from `from` (inclusive) up to the next band's `from`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// A stable id (`styrka`).
    pub id: String,
    /// The label shown beside the colour (`Styrka`).
    pub label: String,
    /// The lowest score in the band, on the scale; the first band leaves it out (it starts at
    /// the bottom of the scale).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<f64>,
    /// The colour, `#rrggbb`.
    pub color: String,
}

impl Band {
    fn new(id: &str, label: &str, from: Option<f64>, color: &str) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
            from,
            color: color.into(),
        }
    }
}

/// A band with the scores it covers, from [`Instrument::band_ranges`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandRange<'a> {
    /// The band.
    pub band: &'a Band,
    /// The lowest score in it: its `from`, or the bottom of the scale for the first band.
    pub from: f64,
    /// Where the next band starts (exclusive); `None` for the last band, which runs to the top
    /// of the scale.
    pub to: Option<f64>,
}

impl BandRange<'_> {
    /// The range in words, as the legends show it: `2,0–3,0`, or `från 3,0` for the last band.
    pub fn words(&self) -> String {
        let from = crate::fmt::decimal(self.from, 1);
        match self.to {
            Some(to) => format!("{from}–{}", crate::fmt::decimal(to, 1)),
            None => format!("från {from}"),
        }
    }
}

impl Instrument {
    /// Every band, lowest first, with the scores it covers: from its `from` (the first band from
    /// the bottom of the scale) up to the next band's `from`.
    pub fn band_ranges(&self) -> Vec<BandRange<'_>> {
        let bands = &self.scoring.bands;
        bands
            .iter()
            .enumerate()
            .map(|(i, band)| BandRange {
                band,
                from: band.from.unwrap_or_else(|| self.scale_min()),
                to: bands.get(i + 1).and_then(|n| n.from),
            })
            .collect()
    }
}
