//! A small line chart over years as inline SVG (`templates/svg/years.svg`), drawn from core's
//! [`nara_core::chart::line_frame`]: one line per series (the organisation solid, the county
//! dashed, the country dotted), broken where a year has no value, with the value axis's ticks,
//! the years under it and a legend. It has `role="img"` and an `aria-label`; the page puts the
//! same numbers in a table beside it, so nothing is told by the picture alone.

use askama::Template;
use nara_core::chart::{Point, line_frame};
use serde::Serialize;

use crate::svg::{Coord, Pt};

/// One series to draw: a value (or a gap) per year.
pub struct YearSeries<'a> {
    /// Its name in the legend.
    pub name: &'a str,
    /// The CSS class that colours and dashes it (`s1` solid, `s2` dashed, `s3` dotted).
    pub class: &'a str,
    /// A value per year, oldest first; `None` breaks the line.
    pub values: Vec<(u16, Option<f64>)>,
}

/// A line chart over years.
#[derive(Template, Debug, Serialize)]
#[template(path = "svg/years.svg")]
pub struct YearChart {
    /// What it shows, for screen readers (and the `<title>` for the mouse).
    pub label: String,
    /// The width of the drawing.
    pub width: f64,
    /// The height of the drawing.
    pub height: f64,
    /// The left edge of the plot (where the grid lines start).
    pub left: Coord,
    /// The right edge of the plot.
    pub right: Coord,
    /// Where the ticks' values are written (horizontally).
    pub tick_x: Coord,
    /// Where the years are written (vertically).
    pub year_y: Coord,
    /// The value axis's ticks, bottom first.
    pub ticks: Vec<Tick>,
    /// The years written under the plot.
    pub years: Vec<Tick>,
    /// The series as drawn.
    pub lines: Vec<Line>,
    /// The legend under the chart.
    pub legend: Vec<LegendEntry>,
}

/// A tick: where, and the text written there.
#[derive(Debug, Serialize)]
pub struct Tick {
    /// Where (vertically for a value, horizontally for a year).
    pub at: Coord,
    /// `40`, `2,5`, `2024`.
    pub text: String,
}

/// One series as drawn.
#[derive(Debug, Serialize)]
pub struct Line {
    /// The CSS class.
    pub class: String,
    /// Its parts (`M x,y L x,y …`), one per run of years with values.
    pub paths: Vec<String>,
    /// A dot at each value (so a lone year between gaps is seen too).
    pub dots: Vec<Pt>,
}

/// One entry of the legend.
#[derive(Debug, Serialize)]
pub struct LegendEntry {
    /// The CSS class of the series.
    pub class: String,
    /// Where its sample line starts.
    pub x: Coord,
    /// Where its sample line ends.
    pub x2: Coord,
    /// Where its name starts.
    pub text_x: Coord,
    /// The series' name.
    pub name: String,
}

/// The fewest decimals that write every tick exactly (at most three).
fn tick_places(ticks: &[f64]) -> usize {
    (0..3)
        .find(|p| {
            let m = 10f64.powi(*p as i32);
            ticks.iter().all(|t| ((t * m).round() - t * m).abs() < 1e-6)
        })
        .unwrap_or(3)
}

/// The chart of `series`; `None` when no series has a value (the table says so instead).
pub fn year_chart(label: &str, series: &[YearSeries]) -> Option<YearChart> {
    let (w, h) = (360.0, 210.0);
    let (left, right, top, bottom) = (46.0, 346.0, 10.0, 150.0);
    let all: Vec<(u16, f64)> = (series.iter())
        .flat_map(|s| s.values.iter().filter_map(|(y, v)| v.map(|v| (*y, v))))
        .collect();
    let mut years: Vec<u16> = (series.iter())
        .flat_map(|s| s.values.iter().map(|(y, _)| *y))
        .collect();
    years.sort_unstable();
    years.dedup();
    let frame = line_frame(&all, left, top, right, bottom)?;
    // The whole span of years, so a year without any row still sits in its place.
    let (first, last) = (years.first().copied()?, years.last().copied()?);
    let frame = nara_core::chart::LineFrame {
        years: (first.min(frame.years.0), last.max(frame.years.1)),
        ..frame
    };
    let span = usize::from(frame.years.1 - frame.years.0) + 1;
    let every = span.div_ceil(8).max(1);
    let places = tick_places(&frame.ticks);
    let lines = (series.iter())
        .map(|s| {
            // Every year of the span: one without a row is a gap too.
            let filled: Vec<(u16, Option<f64>)> = (frame.years.0..=frame.years.1)
                .map(|y| (y, s.values.iter().find(|v| v.0 == y).and_then(|v| v.1)))
                .collect();
            let parts = frame.segments(&filled);
            Line {
                class: s.class.to_string(),
                paths: (parts.iter())
                    .filter(|p| p.len() > 1)
                    .map(|p| path(p))
                    .collect(),
                dots: parts.iter().flatten().map(|p| Pt::from(*p)).collect(),
            }
        })
        .collect();
    Some(YearChart {
        label: label.to_string(),
        width: w,
        height: h,
        left: Coord(left),
        right: Coord(right),
        tick_x: Coord(left - 6.0),
        year_y: Coord(bottom + 18.0),
        ticks: (frame.ticks.iter())
            .map(|t| Tick {
                at: Coord(frame.y(*t)),
                text: nara_core::fmt::decimal(*t, places),
            })
            .collect(),
        years: (frame.years.0..=frame.years.1)
            .enumerate()
            .filter(|(i, y)| i % every == 0 || *y == frame.years.1)
            .map(|(_, y)| Tick {
                at: Coord(frame.x(y)),
                text: y.to_string(),
            })
            .collect(),
        lines,
        legend: legend(series),
    })
}

/// The legend in one row, each entry after the one before (about 7 units a character).
fn legend(series: &[YearSeries]) -> Vec<LegendEntry> {
    let mut x = 10.0;
    (series.iter())
        .map(|s| {
            let e = LegendEntry {
                class: s.class.to_string(),
                x: Coord(x),
                x2: Coord(x + 22.0),
                text_x: Coord(x + 27.0),
                name: s.name.to_string(),
            };
            x += 27.0 + 7.0 * s.name.chars().count() as f64 + 16.0;
            e
        })
        .collect()
}

/// A run of points as a path: `M x,y L x,y …`.
fn path(points: &[Point]) -> String {
    (points.iter().enumerate())
        .map(|(i, p)| {
            let cmd = if i == 0 { "M" } else { "L" };
            format!("{cmd}{},{}", Coord(p.x), Coord(p.y))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series<'a>(name: &'a str, class: &'a str, v: &[(u16, Option<f64>)]) -> YearSeries<'a> {
        YearSeries {
            name,
            class,
            values: v.to_vec(),
        }
    }

    #[test]
    fn a_gap_breaks_the_line_and_a_lone_year_is_a_dot() {
        let own = series(
            "Falun",
            "s1",
            &[
                (2020, Some(40.0)),
                (2021, Some(42.0)),
                (2022, None),
                (2023, Some(45.0)),
            ],
        );
        let country = series("Riket", "s3", &[(2020, Some(50.0)), (2023, Some(52.0))]);
        let c = year_chart("Andel", &[own, country]).unwrap();
        assert_eq!(c.lines[0].paths.len(), 1, "2023 stands alone after the gap");
        assert_eq!(c.lines[0].dots.len(), 3);
        // The country has no row for 2021–2022: two dots, no line between them.
        assert!(c.lines[1].paths.is_empty());
        assert_eq!(c.lines[1].dots.len(), 2);
        assert_eq!(
            (c.years.iter().map(|t| t.text.as_str())).collect::<Vec<_>>(),
            ["2020", "2021", "2022", "2023"]
        );
        assert_eq!(c.ticks.first().unwrap().text, "0");
        assert_eq!(c.ticks.last().unwrap().text, "60");
        let svg = c.render().unwrap();
        assert!(svg.contains(r#"role="img" aria-label="Andel""#), "{svg}");
        assert!(svg.contains("class=\"series s3\""), "{svg}");
        assert!(svg.contains(">Riket</text>"), "{svg}");
    }

    #[test]
    fn no_value_no_chart_and_small_ticks_get_decimals() {
        assert!(year_chart("x", &[series("a", "s1", &[(2020, None)])]).is_none());
        let c = year_chart("x", &[series("a", "s1", &[(2020, Some(0.3))])]).unwrap();
        assert!(c.ticks.iter().any(|t| t.text == "0,1"), "{:?}", c.ticks);
        // Many years: every other one is written, and always the last.
        let long: Vec<(u16, Option<f64>)> = (2000..2020).map(|y| (y, Some(1.0))).collect();
        let c = year_chart("x", &[series("a", "s1", &long)]).unwrap();
        assert!(c.years.len() <= 11 && c.years.last().unwrap().text == "2019");
    }
}
