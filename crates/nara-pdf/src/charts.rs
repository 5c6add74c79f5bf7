//! The charts' geometry for the PDF, in points, from core's chart frames (the same as the web
//! page's SVG): a line chart per indicator and a radar per organisation. The template only
//! draws what is computed here.

use nara_core::Instrument;
use nara_core::chart::{Point, line_frame, radar_frame, radar_polygon};
use nara_core::fmt::decimal;
use nara_core::yearly::{IndicatorWords, ProfileWords};
use serde::Serialize;

/// One series: its name in the legend, dashed or not, its runs of points (a gap breaks it).
#[derive(Debug, Serialize)]
pub struct Line {
    name: String,
    dashed: bool,
    parts: Vec<Vec<(f64, f64)>>,
}

/// A line chart over years.
#[derive(Debug, Serialize)]
pub struct LineChart {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    bottom: f64,
    /// Value ticks: where (vertically) and the text.
    ticks: Vec<(f64, String)>,
    /// Years: where (horizontally) and the text.
    years: Vec<(f64, String)>,
    lines: Vec<Line>,
    /// What it shows, for those who do not see it.
    alt: String,
}

fn xy(p: &Point) -> (f64, f64) {
    (p.x, p.y)
}

/// The fewest decimals that write every tick exactly (at most three).
fn places(ticks: &[f64]) -> usize {
    (0..3)
        .find(|p| {
            let m = 10f64.powi(*p as i32);
            ticks.iter().all(|t| ((t * m).round() - t * m).abs() < 1e-6)
        })
        .unwrap_or(3)
}

/// The chart of an indicator (the county and the country); `None` without any value.
pub fn line_chart(i: &IndicatorWords) -> Option<LineChart> {
    let (width, height) = (250.0, 142.0);
    let (left, top, right, bottom) = (34.0, 6.0, 242.0, 128.0);
    let all: Vec<(u16, f64)> = (i.chart.iter())
        .flat_map(|p| {
            [p.county, p.country]
                .into_iter()
                .flatten()
                .map(|v| (p.year, v))
        })
        .collect();
    let frame = line_frame(&all, left, top, right, bottom)?;
    let (first, last) = frame.years;
    let every = usize::from(last - first).div_ceil(7).max(1);
    let at = |f: fn(&nara_core::yearly::ChartPoint) -> Option<f64>| -> Vec<(u16, Option<f64>)> {
        (first..=last)
            .map(|y| (y, i.chart.iter().find(|p| p.year == y).and_then(f)))
            .collect()
    };
    let line = |name: &str, dashed: bool, series: Vec<(u16, Option<f64>)>| Line {
        name: name.to_string(),
        dashed,
        parts: (frame.segments(&series).iter())
            .map(|run| run.iter().map(xy).collect())
            .collect(),
    };
    let p = places(&frame.ticks);
    Some(LineChart {
        width,
        height,
        left,
        right,
        bottom,
        ticks: (frame.ticks.iter())
            .map(|t| (frame.y(*t), decimal(*t, p)))
            .collect(),
        years: (first..=last)
            .enumerate()
            .filter(|(n, y)| n % every == 0 || *y == last)
            .map(|(_, y)| (frame.x(y), y.to_string()))
            .collect(),
        lines: vec![
            line("Länet", false, at(|p| p.county)),
            line("Riket", true, at(|p| p.country)),
        ],
        alt: format!(
            "Linjediagram: {}, länet (heldragen linje) och riket (streckad) {first}–{last}. \
             Värdena står i tabellen bredvid.",
            i.title
        ),
    })
}

/// A spoke of the radar: its end, where its label sits, the label.
#[derive(Debug, Serialize)]
pub struct Axis {
    end: (f64, f64),
    label: (f64, f64),
    text: String,
}

/// One polygon of the radar.
#[derive(Debug, Serialize)]
pub struct Shape {
    points: Vec<(f64, f64)>,
    dashed: bool,
}

/// A radar of an organisation's delmål against the county's.
#[derive(Debug, Serialize)]
pub struct Radar {
    size: f64,
    center: (f64, f64),
    rings: Vec<Vec<(f64, f64)>>,
    axes: Vec<Axis>,
    series: Vec<Shape>,
    /// For the legend.
    lines: Vec<Line>,
    alt: String,
}

/// The radar of a profile; `None` when it has no score or the delmål are fewer than three.
pub fn radar(inst: &Instrument, p: &ProfileWords) -> Option<Radar> {
    let n = p.areas.len();
    if n < 3 || p.areas.iter().all(|a| a.own_value.is_none()) {
        return None;
    }
    let center = Point { x: 95.0, y: 92.0 };
    let levels = inst.scale().levels.len().max(2);
    let frame = radar_frame(n, center, 70.0, levels - 1);
    let own: Vec<Option<f64>> = p.areas.iter().map(|a| a.own_value).collect();
    let county: Vec<Option<f64>> = p.areas.iter().map(|a| a.county_value).collect();
    let shape = |scores: &[Option<f64>], dashed| Shape {
        points: radar_polygon(inst, &frame, scores).iter().map(xy).collect(),
        dashed,
    };
    let legend = |name: &str, dashed| Line {
        name: name.to_string(),
        dashed,
        parts: Vec::new(),
    };
    let words: Vec<String> = (p.areas.iter())
        .map(|a| format!("{} {} (länet {})", a.id, a.own, a.county))
        .collect();
    Some(Radar {
        size: 178.0,
        center: xy(&center),
        rings: (frame.rings.iter())
            .map(|r| r.iter().map(xy).collect())
            .collect(),
        axes: (frame.axes.iter().zip(&frame.labels).zip(&p.areas))
            .map(|((end, label), a)| Axis {
                end: xy(end),
                label: xy(label),
                text: a.id.clone(),
            })
            .collect(),
        series: vec![shape(&county, true), shape(&own, false)],
        lines: vec![legend(&p.name, false), legend("Länets medel", true)],
        alt: format!(
            "Radardiagram: {} per delmål mot länets medel: {}.",
            p.name,
            words.join(", ")
        ),
    })
}
