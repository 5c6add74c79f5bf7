//! Candidates for the report's summary: the coordinator accepts, edits or drops each. They say
//! what the numbers say, in Swedish, with the delmål and organisations named: the largest
//! changes in the self-assessment, the weakest delmål, how the indicators moved, the activities
//! done and late, and the organisations without a joint systemledning.

use super::YearReport;
use crate::fmt::decimal;

/// The summary's candidate bullets, most telling first (at most eight).
pub fn suggestions(r: &YearReport) -> Vec<String> {
    let mut out = Vec::new();
    // The largest change of a delmål's county mean either way.
    let mut changed: Vec<(&str, &str, f64)> = (r.chapters.iter())
        .filter_map(|c| {
            let d = c.assessment.change?;
            (c.assessment.direction.as_deref() != Some("oförändrad")).then_some((
                c.id.as_str(),
                c.name.as_str(),
                d,
            ))
        })
        .collect();
    changed.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()));
    if let (Some((id, name, d)), Some(prev)) = (changed.first(), r.previous_round) {
        let way = if *d > 0.0 { "höjts" } else { "sänkts" };
        out.push(format!(
            "Självskattningen för {id} {name} har {way} mest sedan {prev}: länets medelvärde ändrades med {} steg.",
            signed(*d)
        ));
    }
    // Every change under the threshold: say so, with the largest.
    let largest = (r.chapters.iter())
        .filter_map(|c| Some((c, c.assessment.change?)))
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
    if let (true, Some((c, d)), Some(prev)) = (changed.is_empty(), largest, r.previous_round) {
        out.push(format!(
            "Självskattningen är i stort sett oförändrad sedan {prev}: ingen ändring av länets medelvärde är större än tröskeln (störst för {} {}, {} steg).",
            c.id,
            c.name,
            signed(d)
        ));
    }
    // The weakest delmål in the self-assessment.
    if let Some(c) = (r.chapters.iter())
        .filter(|c| c.assessment.mean.is_some())
        .min_by(|a, b| {
            a.assessment
                .mean
                .unwrap_or(0.0)
                .total_cmp(&b.assessment.mean.unwrap_or(0.0))
        })
    {
        out.push(format!(
            "Lägst skattat är {} {} med länets medelvärde {}.",
            c.id,
            c.name,
            decimal(c.assessment.mean.unwrap_or_default(), 2)
        ));
    }
    // The indicators.
    let (pos, neg, flat) = (r.chapters.iter()).fold((0, 0, 0), |(p, n, f), c| {
        (
            p + c.arrows.positive,
            n + c.arrows.negative,
            f + c.arrows.unchanged,
        )
    });
    if pos + neg + flat > 0 {
        out.push(format!(
            "Av de nyckeltal som kan jämföras med året innan har {pos} utvecklats positivt, {flat} är oförändrade och {neg} har utvecklats negativt för länet."
        ));
    }
    if let Some(line) = largest_indicator_move(r) {
        out.push(line);
    }
    // The activities (each once, though it may follow several delmål).
    let all: Vec<&super::ActivityLine> = r.profiles.iter().flat_map(|p| &p.activities).collect();
    if !all.is_empty() {
        let done = r
            .profiles
            .iter()
            .map(|p| p.activity_counts.done)
            .sum::<usize>();
        let late = r
            .profiles
            .iter()
            .map(|p| p.activity_counts.late)
            .sum::<usize>();
        out.push(format!(
            "{} aktiviteter följs upp i länet; {done} är klara och {late} är försenade.",
            all.len()
        ));
    }
    // Organisations without a joint systemledning.
    let without: Vec<&str> = (r.profiles.iter())
        .filter(|p| match &p.plan {
            Some((_, _, s)) => s == "saknas",
            None => p.party_to == 0,
        })
        .map(|p| p.name.as_str())
        .collect();
    if !without.is_empty() && without.len() < r.profiles.len() {
        out.push(format!(
            "{} av {} organisationer saknar en gemensam systemledning: {}.",
            without.len(),
            r.profiles.len(),
            without.join(", ")
        ));
    }
    let missing: Vec<&str> = (r.profiles.iter())
        .filter(|p| !p.answered)
        .map(|p| p.name.as_str())
        .collect();
    if r.round.is_some() && !missing.is_empty() {
        out.push(format!(
            "{} organisationer har inte besvarat självskattningen: {}.",
            missing.len(),
            missing.join(", ")
        ));
    }
    out.truncate(8);
    out
}

/// A change with its sign and a real minus sign: `+0,40`, `−0,25`.
fn signed(d: f64) -> String {
    if d < 0.0 {
        format!("−{}", decimal(-d, 2))
    } else {
        format!("+{}", decimal(d, 2))
    }
}

/// The indicator whose county value moved most (relative to its previous value) among those
/// judged ↗ or ↘, each indicator once though it may follow several delmål.
fn largest_indicator_move(r: &YearReport) -> Option<String> {
    use crate::indicator::view::Judgement;
    let mut best: Option<(f64, String)> = None;
    let mut seen: Vec<&str> = Vec::new();
    for b in r.chapters.iter().flat_map(|c| &c.indicators) {
        if seen.contains(&b.indicator.id.as_str()) {
            continue;
        }
        seen.push(&b.indicator.id);
        let word = match b.judgement {
            Some(Judgement::Positive) => "en positiv",
            Some(Judgement::Negative) => "en negativ",
            _ => continue,
        };
        let mut shown = b
            .county
            .iter()
            .rev()
            .filter_map(|p| Some((p.year, p.value?)));
        let (Some((y1, now)), Some((y0, before))) = (shown.next(), shown.next()) else {
            continue;
        };
        if before == 0.0 {
            continue;
        }
        let size = ((now - before) / before).abs();
        if best.as_ref().is_none_or(|(s, _)| size > *s) {
            let line = format!(
                "Störst förändring bland nyckeltalen: {} ({}) gick i länet från {} ({y0}) till {} ({y1}), {word} utveckling.",
                b.indicator.title,
                b.indicator.id,
                decimal(before, 1),
                decimal(now, 1)
            );
            best = Some((size, line));
        }
    }
    best.map(|(_, line)| line)
}
