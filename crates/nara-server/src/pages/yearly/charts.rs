//! The årsrapport's pictures on the web: a line chart per indicator (the county against the
//! country) and a radar per organisation (its delmål against the county), each beside a table
//! with the same numbers. The numbers come from core's words, so the page, the PDF and the
//! workbook show the same.

use nara_core::Instrument;
use nara_core::yearly::{IndicatorWords, ProfileWords, Words};

use crate::svg::{self, Radar, Series};
use crate::svg_line::{YearChart, YearSeries, year_chart};

/// The charts of one chapter, one per indicator (`None` when it has no value).
pub struct ChapterCharts {
    /// In the order of the chapter's indicators.
    pub indicators: Vec<Option<YearChart>>,
}

fn indicator_chart(i: &IndicatorWords) -> Option<YearChart> {
    let (first, last) = (i.chart.first()?, i.chart.last()?);
    let label = format!(
        "Linjediagram: {} {}–{}, länet och riket. Siffrorna står i tabellen bredvid.",
        i.title, first.year, last.year
    );
    let series = [
        YearSeries {
            name: "Länet",
            class: "s1",
            values: i.chart.iter().map(|p| (p.year, p.county)).collect(),
        },
        YearSeries {
            name: "Riket",
            class: "s3",
            values: i.chart.iter().map(|p| (p.year, p.country)).collect(),
        },
    ];
    year_chart(&label, &series)
}

/// The indicator charts of every chapter.
pub fn chapters(w: &Words) -> Vec<ChapterCharts> {
    (w.chapters.iter())
        .map(|c| ChapterCharts {
            indicators: c.indicators.iter().map(indicator_chart).collect(),
        })
        .collect()
}

fn profile_radar(inst: &Instrument, p: &ProfileWords) -> Option<Radar> {
    if p.areas.iter().all(|a| a.own_value.is_none()) {
        return None;
    }
    let labels: Vec<String> = p.areas.iter().map(|a| a.id.clone()).collect();
    let series = [
        Series {
            name: &p.name,
            scores: p.areas.iter().map(|a| a.own_value).collect(),
            class: "s1",
        },
        Series {
            name: "Länets medel",
            scores: p.areas.iter().map(|a| a.county_value).collect(),
            class: "s2",
        },
    ];
    let title = format!("{}: självskattning per delmål mot länet", p.name);
    Some(svg::radar(inst, &title, &labels, &series))
}

/// A radar per organisation that answered; none without the round's instrument.
pub fn radars(inst: Option<&Instrument>, w: &Words) -> Vec<Option<Radar>> {
    (w.profiles.iter())
        .map(|p| inst.and_then(|i| profile_radar(i, p)))
        .collect()
}
