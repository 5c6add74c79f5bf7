//! The instrument as data: areas (delmål), statements, the scale and the scoring settings, read
//! from a TOML file and validated once. The default Dalarna instrument is embedded.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::answer::Answer;
use crate::error::{Error, Result};
use crate::ids::{AreaId, StatementId, fold_spaces, shorten};

mod settings;

pub use settings::{Band, BandRange, ScoringSettings};

/// The default instrument of Region Dalarna and its kommuner, as shipped.
pub const DALARNA_TOML: &str = include_str!("../../../instruments/dalarna-2026.toml");

/// An instrument taken apart ([`Instrument::into_parts`]) to be changed and validated again
/// ([`Instrument::from_parts`]); the fields are those of the TOML file.
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentParts {
    /// The instrument family's id.
    pub id: String,
    /// The version.
    pub version: String,
    /// The name shown to people.
    pub name: String,
    /// Who the instrument is for.
    pub owner: String,
    /// The answer scale.
    pub scale: Scale,
    /// Every number of the scoring method.
    pub scoring: ScoringSettings,
    /// The areas, in the order they are shown.
    pub areas: Vec<Area>,
}

/// How many shades a band is graded in (see [`Instrument::shade`]).
pub const SHADES: usize = 5;

/// A versioned set of areas, statements, the scale and the scoring settings. The fields are
/// private: an instrument exists only as [`Instrument::from_toml`] (or [`Instrument::dalarna`])
/// has validated it, so every reader may rely on a scale with levels, areas with statements and
/// settings in range, without fallbacks; another version is another TOML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// The instrument family's id, stable across versions (`dalarna-gnv`).
    pub(crate) id: String,
    /// The version; every answer records it.
    pub(crate) version: String,
    /// The name shown to people.
    pub(crate) name: String,
    /// Who the instrument is for (`Region Dalarna och Dalarnas kommuner`).
    #[serde(default)]
    pub(crate) owner: String,
    /// The answer scale.
    pub(crate) scale: Scale,
    /// Every number of the scoring method.
    #[serde(default)]
    pub(crate) scoring: ScoringSettings,
    /// The areas, in the order they are shown.
    pub(crate) areas: Vec<Area>,
}

/// Ordered answer options, plus the not-applicable option that is kept but never scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// The levels, from lowest to highest value.
    pub levels: Vec<Level>,
    /// The option that means "do not know / does not apply".
    pub not_applicable: NotApplicable,
}

/// One answer option with its value and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The value that is scored.
    pub value: u8,
    /// The label people choose (`Stämmer till stor del`).
    pub label: String,
}

/// The not-applicable option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotApplicable {
    /// The label (`Vet ej / ej aktuellt`).
    pub label: String,
    /// Other spellings that mean the same (`vet ej`, `ej aktuellt`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// One area (delmål): the unit of scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// The id (`D1`).
    pub id: AreaId,
    /// The name (`Nära för mig`).
    pub name: String,
    /// The aim in one sentence.
    #[serde(default)]
    pub goal: String,
    /// The description from the strategy.
    #[serde(default)]
    pub description: String,
    /// The statements, in the order they are shown.
    pub statements: Vec<Statement>,
}

/// One statement to rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The stable id (`D1.3`).
    pub id: StatementId,
    /// The text (`Vi ...`).
    pub text: String,
}

impl Instrument {
    /// The instrument family's id, stable across versions (`dalarna-gnv`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The version; every answer records it.
    pub fn version(&self) -> &str {
        &self.version
    }
    /// The name shown to people.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Who the instrument is for.
    pub fn owner(&self) -> &str {
        &self.owner
    }
    /// The answer scale.
    pub fn scale(&self) -> &Scale {
        &self.scale
    }
    /// Every number of the scoring method.
    pub fn scoring(&self) -> &ScoringSettings {
        &self.scoring
    }
    /// The areas, in the order they are shown.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// The shipped default: Region Dalarna's instrument.
    pub fn dalarna() -> Self {
        Self::from_toml(DALARNA_TOML).expect("the embedded Dalarna instrument is valid")
    }

    /// Reads and validates an instrument from TOML text. A scoring setting with a default that
    /// depends on the instrument (`min_scored_areas`) is written in, so that a file that leaves
    /// it out and one that states the default read as the same instrument.
    pub fn from_toml(text: &str) -> Result<Self> {
        let mut inst: Instrument = toml::from_str(text)
            .map_err(|e| Error::InstrumentSyntax(crate::error::sv_toml_error(&e, text)))?;
        inst.validate()?;
        inst.scoring.min_scored_areas = Some(inst.min_scored_areas());
        Ok(inst)
    }

    /// The instrument's parts, to change and build again with [`Instrument::from_parts`] (a new
    /// version made in code, a test's variant).
    pub fn into_parts(self) -> InstrumentParts {
        InstrumentParts {
            id: self.id,
            version: self.version,
            name: self.name,
            owner: self.owner,
            scale: self.scale,
            scoring: self.scoring,
            areas: self.areas,
        }
    }

    /// An instrument from its parts, validated as [`Instrument::from_toml`] validates a file.
    pub fn from_parts(p: InstrumentParts) -> Result<Self> {
        let mut inst = Instrument {
            id: p.id,
            version: p.version,
            name: p.name,
            owner: p.owner,
            scale: p.scale,
            scoring: p.scoring,
            areas: p.areas,
        };
        inst.validate()?;
        inst.scoring.min_scored_areas = Some(inst.min_scored_areas());
        Ok(inst)
    }

    /// How many areas must be scored for an overall index (`min_scored_areas`): the
    /// instrument's setting, or at least half of its areas, rounded up (3 of 5, 2 of 3).
    pub fn min_scored_areas(&self) -> usize {
        self.scoring
            .min_scored_areas
            .unwrap_or_else(|| self.areas.len().div_ceil(2).max(1))
    }

    /// Writes the instrument as TOML (the same format [`Instrument::from_toml`] reads).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks every rule and reports every broken one.
    pub fn validate(&self) -> Result<()> {
        let mut p = Vec::new();
        if self.id.trim().is_empty() {
            p.push("Instrumentet saknar id.".to_string());
        }
        if self.version.trim().is_empty() {
            p.push("Instrumentet saknar version.".to_string());
        }
        if self.name.trim().is_empty() {
            p.push("Instrumentet saknar namn.".to_string());
        }
        // scale
        if self.scale.levels.len() < 2 {
            p.push("Skalan måste ha minst två svarsalternativ.".to_string());
        }
        for w in self.scale.levels.windows(2) {
            if w[0].value >= w[1].value {
                p.push(format!(
                    "Skalans värden måste öka: {} kommer före {}.",
                    w[0].value, w[1].value
                ));
            }
        }
        let mut labels = HashSet::new();
        for l in &self.scale.levels {
            if l.label.trim().is_empty() {
                p.push(format!(
                    "Svarsalternativet med värdet {} saknar text.",
                    l.value
                ));
            }
            if !labels.insert(norm(&l.label)) {
                p.push(format!("Svarsalternativet ”{}” finns två gånger.", l.label));
            }
        }
        if self.scale.not_applicable.label.trim().is_empty() {
            p.push("Alternativet för ”vet ej” saknar text.".to_string());
        }
        for a in std::iter::once(&self.scale.not_applicable.label)
            .chain(&self.scale.not_applicable.aliases)
        {
            if labels.contains(&norm(a)) {
                p.push(format!("”{a}” är både ett svarsalternativ och ”vet ej”."));
            }
        }
        // scoring
        let s = &self.scoring;
        if !(s.min_answered_share > 0.0 && s.min_answered_share <= 1.0) {
            p.push("Andelen besvarade påståenden som krävs (min_answered_share) måste vara större än 0 och högst 1.".to_string());
        }
        if let Some(k) = s.min_scored_areas
            && !(1..=self.areas.len().max(1)).contains(&k)
        {
            p.push(format!(
                "Antalet delmål som krävs för ett index (min_scored_areas) är {k}; det måste vara minst 1 och högst {}, instrumentets antal delmål.",
                self.areas.len()
            ));
        }
        if !(s.change_threshold >= 0.0 && s.change_threshold.is_finite()) {
            p.push(
                "Tröskeln för förändring (change_threshold) måste vara 0 eller mer.".to_string(),
            );
        }
        if !(s.disagreement_steps >= 0.0 && s.disagreement_steps.is_finite()) {
            p.push("Gränsen för oenighet (disagreement_steps) måste vara 0 eller mer.".to_string());
        }
        if s.bands.is_empty() {
            p.push("Det måste finnas minst ett färgband.".to_string());
        }
        let mut band_ids = HashSet::new();
        for (i, b) in s.bands.iter().enumerate() {
            if !band_ids.insert(b.id.as_str()) {
                p.push(format!("Färgbandet ”{}” finns två gånger.", b.id));
            }
            if !is_hex_colour(&b.color) {
                p.push(format!(
                    "Färgbandet ”{}” har färgen ”{}”; skriv den som #rrggbb.",
                    b.id, b.color
                ));
            }
            match (i, b.from) {
                (0, Some(_)) => p.push(format!("Det första färgbandet ”{}” ska inte ha någon undre gräns (from): det börjar vid skalans botten.", b.id)),
                (0, None) => {}
                (_, None) => p.push(format!("Färgbandet ”{}” saknar sin undre gräns (from).", b.id)),
                (_, Some(from)) => {
                    if let Some(prev) = s.bands[i - 1].from
                        && from <= prev
                    {
                        p.push(format!("Färgbanden måste stå i stigande ordning: ”{}” börjar inte över bandet före.", b.id));
                    }
                    // Before validation the scale may be empty: no bounds to check against.
                    if let (Some(min), Some(max)) = (self.scale.levels.first(), self.scale.levels.last())
                        && !(from > f64::from(min.value) && from <= f64::from(max.value))
                    {
                        p.push(format!("Färgbandet ”{}” börjar vid {}, utanför skalan {}–{}.", b.id, from, min.value, max.value));
                    }
                }
            }
        }
        // areas and statements
        if self.areas.is_empty() {
            p.push("Instrumentet har inga delmål.".to_string());
        }
        let mut area_ids = HashSet::new();
        let mut st_ids = HashSet::new();
        for a in &self.areas {
            if !area_ids.insert(&a.id) {
                p.push(format!("Delmålet {} finns två gånger.", a.id));
            }
            if a.name.trim().is_empty() {
                p.push(format!("Delmålet {} saknar namn.", a.id));
            }
            if a.statements.is_empty() {
                p.push(format!("Delmålet {} har inga påståenden.", a.id));
            }
            for st in &a.statements {
                if !st_ids.insert(&st.id) {
                    p.push(format!("Påståendet {} finns två gånger.", st.id));
                }
                if st.text.trim().is_empty() {
                    p.push(format!("Påståendet {} saknar text.", st.id));
                }
            }
        }
        for a in &self.areas {
            if st_ids.iter().any(|s| s.as_str() == a.id.as_str()) {
                p.push(format!(
                    "{} används både som delmål och som påstående.",
                    a.id
                ));
            }
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(Error::InstrumentRules(p))
        }
    }

    /// The lowest value of the scale (the first level's).
    ///
    /// It always exists: an instrument comes from [`Instrument::from_toml`] (or
    /// [`Instrument::dalarna`]), which refuses a scale of fewer than two levels, in increasing
    /// order. So callers need no fallback.
    ///
    /// # Panics
    ///
    /// Never for an instrument built outside nara-core: its fields are private and every
    /// constructor validates. Only nara-core itself could empty the levels afterwards.
    pub fn scale_min(&self) -> f64 {
        let first = self.scale.levels.first();
        f64::from(first.expect("a validated instrument has levels").value)
    }

    /// The highest value of the scale (the last level's); it always exists, as
    /// [`Instrument::scale_min`] says.
    ///
    /// # Panics
    ///
    /// As [`Instrument::scale_min`].
    pub fn scale_max(&self) -> f64 {
        let last = self.scale.levels.last();
        f64::from(last.expect("a validated instrument has levels").value)
    }

    /// A score on the scale as a percentage: (score − min) / (max − min) × 100.
    pub fn percent(&self, score: f64) -> f64 {
        let (min, max) = (self.scale_min(), self.scale_max());
        (score - min) / (max - min) * 100.0
    }

    /// The band a score falls in. A score within 1e-9 below a band's `from` is in that band:
    /// a mean of means such as (2 + 8/3 + 4/3) / 3 comes out as 1.9999999999999998, which is
    /// shown as 2,00 and belongs to the band from 2.0.
    pub fn band(&self, score: f64) -> &Band {
        self.scoring
            .bands
            .iter()
            .rev()
            .find(|b| b.from.is_none_or(|f| score + 1e-9 >= f))
            .unwrap_or(&self.scoring.bands[0])
    }

    /// How deep into its band a score lies, in `SHADES` steps (0 at the band's lower edge,
    /// `SHADES - 1` at its upper), so a heat map can grade its tint: 2,04 and 2,96 share a band
    /// but not a shade. The first band starts at the scale's lowest value, the last ends at its
    /// highest.
    pub fn shade(&self, score: f64) -> usize {
        let bands = &self.scoring.bands;
        let band = self.band(score);
        let i = bands.iter().position(|b| b.id == band.id).unwrap_or(0);
        let lo = band.from.unwrap_or_else(|| self.scale_min());
        let hi = (bands.get(i + 1))
            .and_then(|b| b.from)
            .unwrap_or_else(|| self.scale_max());
        if hi <= lo {
            return 0;
        }
        let at = ((score - lo) / (hi - lo)).clamp(0.0, 1.0);
        ((at * SHADES as f64) as usize).min(SHADES - 1)
    }

    /// Every statement with its area, in instrument order.
    pub fn statements(&self) -> impl Iterator<Item = (&Area, &Statement)> {
        self.areas
            .iter()
            .flat_map(|a| a.statements.iter().map(move |s| (a, s)))
    }

    /// The statement with this id and its area.
    pub fn statement(&self, id: &StatementId) -> Option<(&Area, &Statement)> {
        self.statements().find(|(_, s)| &s.id == id)
    }

    /// The area with this id.
    pub fn area(&self, id: &AreaId) -> Option<&Area> {
        self.areas.iter().find(|a| &a.id == id)
    }

    /// The number of statements.
    pub fn statement_count(&self) -> usize {
        self.areas.iter().map(|a| a.statements.len()).sum()
    }

    /// The label of a level value, if the scale has it.
    pub fn level_label(&self, value: u8) -> Option<&str> {
        self.scale
            .levels
            .iter()
            .find(|l| l.value == value)
            .map(|l| l.label.as_str())
    }

    /// The label of an answer as people read it.
    pub fn answer_label(&self, answer: Answer) -> &str {
        match answer {
            Answer::Level(v) => self.level_label(v).unwrap_or("?"),
            Answer::NotApplicable => &self.scale.not_applicable.label,
        }
    }

    /// Every answer option as it appears in a dropdown: `1 Stämmer inte alls`, …, and the
    /// not-applicable label last. [`Instrument::parse_answer`] reads each back.
    pub fn answer_options(&self) -> Vec<String> {
        self.scale
            .levels
            .iter()
            .map(|l| format!("{} {}", l.value, l.label))
            .chain(std::iter::once(self.scale.not_applicable.label.clone()))
            .collect()
    }

    /// Reads an answer as a person may have typed it: a label (`Stämmer helt`), a value
    /// (`3`, `3,0`, `3.0`), both (`3 - Stämmer till stor del`), or the not-applicable option
    /// (`Vet ej`). Case, extra spaces and non-breaking spaces are forgiven. A blank is
    /// `Ok(None)`. The error is a Swedish sentence naming the valid options.
    pub fn parse_answer(&self, raw: &str) -> std::result::Result<Option<Answer>, String> {
        // The form's drop-down writes a label as it is: found without normalising anything
        // (the same answer as below, since equal texts normalise equally).
        let na = &self.scale.not_applicable;
        if raw == na.label {
            return Ok(Some(Answer::NotApplicable));
        }
        if let Some(l) = self.scale.levels.iter().find(|l| raw == l.label) {
            return Ok(Some(Answer::Level(l.value)));
        }
        // …or, in the forms Nära writes, the level's number, a space and its label ("2 Stämmer
        // delvis"), which the number rule below reads as the same level (unless a label itself
        // begins with that number, when the rules below decide).
        if let Some((num, rest)) = raw.split_once(' ')
            && num.bytes().all(|b| b.is_ascii_digit())
            && let Ok(v) = num.parse::<u8>()
            && let Some(l) = (self.scale.levels.iter()).find(|l| l.value == v && rest == l.label)
            && !(self.scale.levels.iter().map(|o| &o.label))
                .chain(std::iter::once(&na.label).chain(&na.aliases))
                .any(|other| other.trim_start().starts_with(num))
        {
            return Ok(Some(Answer::Level(l.value)));
        }
        let t = norm(raw);
        if t.is_empty() {
            return Ok(None);
        }
        if t == norm(&na.label) || na.aliases.iter().any(|a| t == norm(a)) {
            return Ok(Some(Answer::NotApplicable));
        }
        if let Some(l) = self.scale.levels.iter().find(|l| t == norm(&l.label)) {
            return Ok(Some(Answer::Level(l.value)));
        }
        // A leading number, then optionally a separator and the label.
        let num_end = t
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == ',' || *c == '.'))
            .map_or(t.len(), |(i, _)| i);
        let (num, rest) = t.split_at(num_end);
        let num = num.trim_end_matches(['.', ',']);
        if !num.is_empty()
            && let Some(v) = parse_whole_number(num)
        {
            let rest = rest
                .trim_start_matches([' ', '-', '–', '—', ':', '.', ')', '='])
                .trim();
            if let Some(l) = self.scale.levels.iter().find(|l| f64::from(l.value) == v) {
                if rest.is_empty() || rest == norm(&l.label) {
                    return Ok(Some(Answer::Level(l.value)));
                }
                return Err(format!(
                    "”{}” är motsägelsefullt: siffran {} hör till ”{}”. {}",
                    shorten(raw.trim()),
                    l.value,
                    l.label,
                    self.options_sentence()
                ));
            }
        }
        Err(format!(
            "”{}” är inget svarsalternativ. {}",
            shorten(raw.trim()),
            self.options_sentence()
        ))
    }

    fn options_sentence(&self) -> String {
        let opts: Vec<String> = self
            .scale
            .levels
            .iter()
            .map(|l| format!("{} ({})", l.label, l.value))
            .collect();
        format!(
            "Välj ett av alternativen: {} eller {}.",
            opts.join(", "),
            self.scale.not_applicable.label
        )
    }
}

/// Parses `3`, `3,0`, `3.00` as a whole number; `3,5` is not one.
fn parse_whole_number(s: &str) -> Option<f64> {
    let v: f64 = s.replace(',', ".").parse().ok()?;
    (v.fract() == 0.0 && v.is_finite()).then_some(v)
}

/// Normalises text for matching: spaces folded, lower case, spaces around `/` removed.
fn norm(s: &str) -> String {
    fold_spaces(s)
        .to_lowercase()
        .replace(" / ", "/")
        .replace("/ ", "/")
        .replace(" /", "/")
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests;
