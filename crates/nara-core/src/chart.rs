//! Chart geometry shared by the web pages (inline SVG) and the workbooks: where the axes, rings
//! and polygons of a radar chart lie, and how long a bar is. Pure numbers; drawing is elsewhere.

use serde::{Deserialize, Serialize};

use crate::instrument::Instrument;

/// A point in drawing coordinates (y grows downwards, as in SVG).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal.
    pub x: f64,
    /// Vertical, downwards.
    pub y: f64,
}

/// The frame of a radar chart: one axis per area, the first pointing up, clockwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RadarFrame {
    /// The centre.
    pub center: Point,
    /// The radius of the outer ring (the top of the scale).
    pub radius: f64,
    /// Where each axis ends.
    pub axes: Vec<Point>,
    /// Where each axis label is anchored (a little outside the axis end).
    pub labels: Vec<Point>,
    /// The rings, one per level of the scale, each a closed polygon.
    pub rings: Vec<Vec<Point>>,
}

fn at(center: Point, radius: f64, i: usize, n: usize) -> Point {
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
    Point {
        x: center.x + radius * angle.cos(),
        y: center.y + radius * angle.sin(),
    }
}

/// The frame for `n` axes with `rings` evenly spaced rings (the innermost at 1/rings).
pub fn radar_frame(n: usize, center: Point, radius: f64, rings: usize) -> RadarFrame {
    RadarFrame {
        center,
        radius,
        axes: (0..n).map(|i| at(center, radius, i, n)).collect(),
        labels: (0..n).map(|i| at(center, radius * 1.15, i, n)).collect(),
        rings: (1..=rings)
            .map(|r| {
                (0..n)
                    .map(|i| at(center, radius * r as f64 / rings as f64, i, n))
                    .collect()
            })
            .collect(),
    }
}

/// Where a score lies between the bottom (0) and the top (1) of the scale, clamped.
pub fn fraction(inst: &Instrument, score: f64) -> f64 {
    (inst.percent(score) / 100.0).clamp(0.0, 1.0)
}

/// The polygon of one series. A missing score ("för få svar") lies at the centre; the caller
/// marks it, and the table beside the chart says it in words.
pub fn radar_polygon(inst: &Instrument, frame: &RadarFrame, scores: &[Option<f64>]) -> Vec<Point> {
    let n = frame.axes.len();
    scores
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, s)| {
            at(
                frame.center,
                frame.radius * s.map_or(0.0, |s| fraction(inst, s)),
                i,
                n,
            )
        })
        .collect()
}

/// The length of a bar for a score, where `full` is the length of the top of the scale; `None`
/// for a missing score.
pub fn bar_length(inst: &Instrument, score: Option<f64>, full: f64) -> Option<f64> {
    score.map(|s| fraction(inst, s) * full)
}

/// The frame of a line chart over years: where each year and value lies in a drawing box, and
/// the value axis's ticks. The value axis starts at 0 unless a value is negative (an axis cut
/// above zero makes small moves look large), and ends at a round number above the largest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineFrame {
    /// The box: left and right edge.
    pub left: f64,
    /// See [`LineFrame::left`].
    pub right: f64,
    /// The box: top and bottom edge.
    pub top: f64,
    /// See [`LineFrame::top`].
    pub bottom: f64,
    /// The first and last year on the axis.
    pub years: (u16, u16),
    /// The value at the bottom and the top of the axis.
    pub range: (f64, f64),
    /// The values to mark on the value axis, bottom first.
    pub ticks: Vec<f64>,
}

/// A round step that divides `span` into at most five parts (1, 2 or 5 times a power of ten).
fn nice_step(span: f64) -> f64 {
    let raw = span / 5.0;
    let pow = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * pow)
}

/// The frame for the given (year, value) points of every series in the box
/// `(left, top)`–`(right, bottom)`; `None` without any point.
pub fn line_frame(
    points: &[(u16, f64)],
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
) -> Option<LineFrame> {
    let first = points.iter().map(|p| p.0).min()?;
    let last = points.iter().map(|p| p.0).max()?;
    let lo = points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let hi = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let step = nice_step(span);
    let (bottom_value, top_value) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    let top_value = if top_value > bottom_value {
        top_value
    } else {
        bottom_value + 5.0 * step
    };
    let n = ((top_value - bottom_value) / step).round() as usize;
    Some(LineFrame {
        left,
        right,
        top,
        bottom,
        years: (first, last),
        range: (bottom_value, top_value),
        ticks: (0..=n).map(|i| bottom_value + step * i as f64).collect(),
    })
}

impl LineFrame {
    /// Where a year lies (a single year in the middle).
    pub fn x(&self, year: u16) -> f64 {
        let (a, b) = self.years;
        if a == b {
            return (self.left + self.right) / 2.0;
        }
        self.left + (self.right - self.left) * f64::from(year - a) / f64::from(b - a)
    }

    /// Where a value lies.
    pub fn y(&self, value: f64) -> f64 {
        let (lo, hi) = self.range;
        self.bottom - (self.bottom - self.top) * ((value - lo) / (hi - lo)).clamp(0.0, 1.0)
    }

    /// The line of a series, broken where a year has no value: each part a run of points.
    pub fn segments(&self, series: &[(u16, Option<f64>)]) -> Vec<Vec<Point>> {
        let mut parts: Vec<Vec<Point>> = Vec::new();
        let mut run = Vec::new();
        for (year, value) in series {
            match value {
                Some(v) => run.push(Point {
                    x: self.x(*year),
                    y: self.y(*v),
                }),
                None if !run.is_empty() => parts.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        if !run.is_empty() {
            parts.push(run);
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_axis_points_up_and_the_rest_go_clockwise() {
        let c = Point { x: 100.0, y: 100.0 };
        let f = radar_frame(4, c, 50.0, 3);
        let close = |p: Point, x: f64, y: f64| (p.x - x).abs() < 1e-9 && (p.y - y).abs() < 1e-9;
        assert!(close(f.axes[0], 100.0, 50.0));
        assert!(close(f.axes[1], 150.0, 100.0));
        assert!(close(f.axes[2], 100.0, 150.0));
        assert_eq!(f.rings.len(), 3);
        assert!(close(f.rings[0][0], 100.0, 100.0 - 50.0 / 3.0));
    }

    #[test]
    fn a_polygon_point_lies_at_the_scores_share_of_the_radius() {
        let i = Instrument::dalarna();
        let c = Point { x: 0.0, y: 0.0 };
        let f = radar_frame(5, c, 100.0, 3);
        let p = radar_polygon(&i, &f, &[Some(4.0), Some(1.0), None, Some(2.5), Some(9.0)]);
        let r = |p: Point| (p.x * p.x + p.y * p.y).sqrt();
        assert!((r(p[0]) - 100.0).abs() < 1e-9);
        assert!(r(p[1]) < 1e-9);
        assert!(r(p[2]) < 1e-9, "missing lies at the centre");
        assert!((r(p[3]) - 50.0).abs() < 1e-9);
        assert!((r(p[4]) - 100.0).abs() < 1e-9, "clamped to the scale");
        assert_eq!(bar_length(&i, Some(2.5), 200.0), Some(100.0));
        assert_eq!(bar_length(&i, None, 200.0), None);
    }

    #[test]
    fn a_line_frame_starts_at_zero_and_ends_at_a_round_number() {
        let f = line_frame(&[(2019, 37.4), (2024, 81.0)], 0.0, 0.0, 100.0, 50.0).unwrap();
        assert_eq!(f.range, (0.0, 100.0));
        assert_eq!(f.ticks, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert!((f.x(2019) - 0.0).abs() < 1e-9 && (f.x(2024) - 100.0).abs() < 1e-9);
        assert!((f.y(0.0) - 50.0).abs() < 1e-9 && (f.y(100.0) - 0.0).abs() < 1e-9);
        let one = line_frame(&[(2024, 0.0)], 0.0, 0.0, 100.0, 50.0).unwrap();
        assert_eq!(one.range, (0.0, 1.0));
        assert!((one.x(2024) - 50.0).abs() < 1e-9);
        let neg = line_frame(&[(2020, -3.0), (2021, 7.0)], 0.0, 0.0, 10.0, 10.0).unwrap();
        assert!(neg.range.0 <= -3.0 && neg.range.1 >= 7.0);
        assert_eq!(line_frame(&[], 0.0, 0.0, 1.0, 1.0), None);
    }

    #[test]
    fn a_missing_year_breaks_the_line() {
        let f = line_frame(&[(2020, 10.0), (2023, 20.0)], 0.0, 0.0, 30.0, 10.0).unwrap();
        let parts = f.segments(&[
            (2020, Some(10.0)),
            (2021, Some(12.0)),
            (2022, None),
            (2023, Some(20.0)),
        ]);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].len(), 2);
        assert_eq!(parts[1].len(), 1);
        assert!((parts[1][0].x - 30.0).abs() < 1e-9);
    }
}
