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
}
