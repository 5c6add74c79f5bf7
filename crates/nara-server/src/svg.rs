//! Charts as inline SVG, drawn from core's chart geometry. Each has a `<title>` and a
//! `<desc>` (its text alternative) and `role="img"`; the page puts the same numbers in a table
//! beside it, so nothing is told by the picture alone. Each chart is an askama template under
//! `templates/svg/` (askama escapes every text); a page shows it with `{{ chart|safe }}`.

use std::fmt;

use askama::Template;
use nara_core::Instrument;
use nara_core::chart::{Point, bar_length, radar_frame, radar_polygon};
use serde::{Serialize, Serializer};

/// A coordinate, written with one decimal (`152.5`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coord(pub f64);

impl fmt::Display for Coord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

impl Serialize for Coord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A point of a chart.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Pt {
    /// Horizontal.
    pub x: Coord,
    /// Vertical, downwards.
    pub y: Coord,
}

impl From<Point> for Pt {
    fn from(p: Point) -> Self {
        Pt {
            x: Coord(p.x),
            y: Coord(p.y),
        }
    }
}

/// A polygon's `points` attribute: `x,y x,y …`, numbers only.
fn points(ps: &[Point]) -> String {
    ps.iter()
        .map(|p| format!("{},{}", Coord(p.x), Coord(p.y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One series of a radar chart.
pub struct Series<'a> {
    /// Its name in the legend.
    pub name: &'a str,
    /// One score per area (`None`: too few answers).
    pub scores: Vec<Option<f64>>,
    /// The CSS class that colours and dashes it (`s1`, `s2`).
    pub class: &'a str,
}

/// A radar chart of areas (`templates/svg/radar.svg`).
#[derive(Template, Debug, Serialize)]
#[template(path = "svg/radar.svg")]
pub struct Radar {
    /// The id that ties `aria-labelledby` to the title and description.
    pub id: String,
    /// The title.
    pub title: String,
    /// The text alternative: every series' value per area.
    pub desc: String,
    /// The centre, where the axes start.
    pub center: Pt,
    /// The rings of the scale levels, as `points`.
    pub rings: Vec<String>,
    /// The axes, one per area.
    pub axes: Vec<Axis>,
    /// The series.
    pub series: Vec<RadarSeries>,
    /// The legend under the chart.
    pub legend: Vec<LegendLine>,
    /// The drawing's height: room for a legend line per series.
    pub height: f64,
}

/// One axis of a radar chart.
#[derive(Debug, Serialize)]
pub struct Axis {
    /// Where it ends.
    pub end: Pt,
    /// Its label, beyond its end.
    pub label: Option<AxisLabel>,
}

/// An axis label.
#[derive(Debug, Serialize)]
pub struct AxisLabel {
    /// Where.
    pub at: Pt,
    /// `start`, `middle` or `end`: away from the centre.
    pub anchor: &'static str,
    /// The area's id.
    pub text: String,
}

/// One series drawn on a radar chart.
#[derive(Debug, Serialize)]
pub struct RadarSeries {
    /// The CSS class.
    pub class: String,
    /// The polygon, as `points`.
    pub points: String,
    /// A dot at each scored area.
    pub dots: Vec<Pt>,
}

/// One line of a chart's legend.
#[derive(Debug, Serialize)]
pub struct LegendLine {
    /// The CSS class of the series.
    pub class: String,
    /// Where (vertically).
    pub y: f64,
    /// The series' name.
    pub name: String,
}

/// A radar chart of areas; `labels` are the axis labels (the areas' ids).
pub fn radar(inst: &Instrument, title: &str, labels: &[String], series: &[Series]) -> Radar {
    let n = labels.len().max(3);
    let center = Point { x: 160.0, y: 150.0 };
    let levels = inst.scale().levels.len().max(1);
    let frame = radar_frame(n, center, 110.0, levels.saturating_sub(1).max(1));
    let desc: Vec<String> = series
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s.name,
                labels
                    .iter()
                    .zip(&s.scores)
                    .map(|(l, v)| format!("{l} {}", nara_core::fmt::score(*v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    let axes = (frame.axes.iter().enumerate())
        .map(|(i, axis)| Axis {
            end: (*axis).into(),
            label: labels
                .get(i)
                .zip(frame.labels.get(i))
                .map(|(l, p)| AxisLabel {
                    at: (*p).into(),
                    anchor: if (p.x - center.x).abs() < 5.0 {
                        "middle"
                    } else if p.x > center.x {
                        "start"
                    } else {
                        "end"
                    },
                    text: l.clone(),
                }),
        })
        .collect();
    Radar {
        id: chart_id(title),
        title: title.to_string(),
        desc: desc.join(". "),
        center: center.into(),
        rings: frame.rings.iter().map(|r| points(r)).collect(),
        axes,
        series: (series.iter())
            .map(|s| {
                let poly = radar_polygon(inst, &frame, &s.scores);
                RadarSeries {
                    class: s.class.to_string(),
                    points: points(&poly),
                    dots: (poly.iter().zip(&s.scores))
                        .filter(|(_, v)| v.is_some())
                        .map(|(p, _)| (*p).into())
                        .collect(),
                }
            })
            .collect(),
        legend: (series.iter().enumerate())
            .map(|(i, s)| LegendLine {
                class: s.class.to_string(),
                y: 300.0 + 16.0 * i as f64,
                name: s.name.to_string(),
            })
            .collect(),
        height: (300.0 + 16.0 * series.len().saturating_sub(1) as f64 + 14.0).max(330.0),
    }
}

/// One bar.
pub struct Bar<'a> {
    /// The label left of the bar.
    pub label: &'a str,
    /// The score (`None`: too few answers).
    pub score: Option<f64>,
    /// The band's colour.
    pub color: &'a str,
}

/// Horizontal bars (`templates/svg/bars.svg`).
#[derive(Template, Debug, Serialize)]
#[template(path = "svg/bars.svg")]
pub struct Bars {
    /// The id that ties `aria-labelledby` to the title and description.
    pub id: String,
    /// The title.
    pub title: String,
    /// The text alternative: every label with its value.
    pub desc: String,
    /// The height of the drawing.
    pub height: f64,
    /// The thickness of a bar.
    pub thickness: Coord,
    /// The bars, top down.
    pub rows: Vec<BarRow>,
    /// A reference line across the bars (the county's mean), with its label under them.
    pub reference: Option<Reference>,
}

/// A vertical line at a value across a bar chart.
#[derive(Debug, Serialize)]
pub struct Reference {
    /// Where it stands.
    pub x: Coord,
    /// Where the bars end (the line's bottom).
    pub bottom: Coord,
    /// The baseline of its label.
    pub text_y: Coord,
    /// `Länets medel 2,61`.
    pub label: String,
}

impl Bars {
    /// The chart with a dashed line at `value` (nothing when there is none), labelled `label`
    /// and the value; the chart grows by a line for the label, and its text alternative says
    /// it too.
    pub fn with_reference(mut self, inst: &Instrument, label: &str, value: Option<f64>) -> Self {
        let Some(len) = bar_length(inst, value, BAR_FULL) else {
            return self;
        };
        let text = format!("{label} {}", nara_core::fmt::score(value));
        let bottom = self.height - 5.0;
        self.height += 18.0;
        self.desc = format!("{}. {text}.", self.desc);
        self.reference = Some(Reference {
            x: Coord(180.0 + len),
            bottom: Coord(bottom),
            text_y: Coord(bottom + 13.0),
            label: text,
        });
        self
    }
}

/// The length of a full bar.
const BAR_FULL: f64 = 300.0;

/// One bar as drawn.
#[derive(Debug, Serialize)]
pub struct BarRow {
    /// The top of the bar.
    pub y: Coord,
    /// The baseline of its texts.
    pub text_y: Coord,
    /// The label, shortened to fit.
    pub label: String,
    /// The bar itself; `None` when unscored.
    pub bar: Option<BarLength>,
    /// Its colour.
    pub color: String,
    /// The value, or "för få svar".
    pub value: String,
}

/// How long a bar is.
#[derive(Debug, Serialize)]
pub struct BarLength {
    /// Its length.
    pub length: Coord,
    /// Where its value is written, right of its end.
    pub value_x: Coord,
}

/// Horizontal bars, one per row, with the value written at the end of each.
pub fn bars(inst: &Instrument, title: &str, rows: &[Bar]) -> Bars {
    let full = BAR_FULL;
    let h = 26.0;
    let desc = rows
        .iter()
        .map(|b| format!("{} {}", b.label, nara_core::fmt::score(b.score)))
        .collect::<Vec<_>>()
        .join(", ");
    Bars {
        id: chart_id(title),
        title: title.to_string(),
        desc,
        height: h * rows.len() as f64 + 10.0,
        thickness: Coord(h - 6.0),
        rows: (rows.iter().enumerate())
            .map(|(i, b)| {
                let y = 5.0 + h * i as f64;
                let length = bar_length(inst, b.score, full);
                BarRow {
                    y: Coord(y),
                    text_y: Coord(y + h / 2.0 - 2.0),
                    label: truncate(b.label, 26),
                    bar: length.map(|len| BarLength {
                        length: Coord(len),
                        value_x: Coord(185.0 + len),
                    }),
                    color: b.color.to_string(),
                    value: match length {
                        Some(_) => nara_core::fmt::score(b.score),
                        None => nara_core::fmt::TOO_FEW.to_string(),
                    },
                }
            })
            .collect(),
        reference: None,
    }
}

/// A line chart of one value per round (`templates/svg/line.svg`).
#[derive(Template, Debug, Serialize)]
#[template(path = "svg/line.svg")]
pub struct Line {
    /// The id that ties `aria-labelledby` to the title and description.
    pub id: String,
    /// The title.
    pub title: String,
    /// The text alternative: every round with its value.
    pub desc: String,
    /// The width of the drawing.
    pub width: f64,
    /// The height of the drawing.
    pub height: f64,
    /// Where the plot starts (horizontally).
    pub left: f64,
    /// Where the grid lines end.
    pub grid_end: Coord,
    /// Where the level values are written (horizontally).
    pub level_x: Coord,
    /// Where the rounds are written (vertically).
    pub round_y: Coord,
    /// One grid line per scale level.
    pub grid: Vec<GridLine>,
    /// One point per round.
    pub points: Vec<LinePoint>,
    /// The line through the scored rounds (`M x,y L x,y …`); empty when none is.
    pub path: String,
}

/// A grid line at a scale level.
#[derive(Debug, Serialize)]
pub struct GridLine {
    /// Where (vertically).
    pub y: Coord,
    /// The level's value.
    pub value: u8,
}

/// One round on a line chart.
#[derive(Debug, Serialize)]
pub struct LinePoint {
    /// Where (horizontally).
    pub x: Coord,
    /// The round.
    pub round: String,
    /// Where its value is (vertically); `None` leaves a gap.
    pub y: Option<Coord>,
}

/// A line chart of one value per round (`None` leaves a gap).
pub fn line(inst: &Instrument, title: &str, points_in: &[(String, Option<f64>)]) -> Line {
    let (w, h, left, top, plot_h) = (560.0, 220.0, 50.0, 15.0, 160.0);
    let n = points_in.len().max(1);
    let step = if n > 1 {
        (w - left - 30.0) / (n - 1) as f64
    } else {
        0.0
    };
    let y_of = |v: f64| top + plot_h * (1.0 - nara_core::chart::fraction(inst, v));
    let desc = points_in
        .iter()
        .map(|(r, v)| format!("{r} {}", nara_core::fmt::score(*v)))
        .collect::<Vec<_>>()
        .join(", ");
    let points: Vec<LinePoint> = (points_in.iter().enumerate())
        .map(|(i, (r, v))| LinePoint {
            x: Coord(left + step * i as f64),
            round: r.clone(),
            y: v.map(|v| Coord(y_of(v))),
        })
        .collect();
    let path = (points.iter())
        .filter_map(|p| Some((p.x, p.y?)))
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x},{y}", if i == 0 { "M" } else { "L" }))
        .collect::<Vec<_>>()
        .join(" ");
    Line {
        id: chart_id(title),
        title: title.to_string(),
        desc,
        width: w,
        height: h,
        left,
        grid_end: Coord(w - 20.0),
        level_x: Coord(left - 6.0),
        round_y: Coord(top + plot_h + 20.0),
        grid: (inst.scale().levels.iter())
            .map(|l| GridLine {
                y: Coord(y_of(f64::from(l.value))),
                value: l.value,
            })
            .collect(),
        points,
        path,
    }
}

/// A stacked bar of one statement's answer counts (`templates/svg/stack.svg`).
#[derive(Template, Debug, Serialize)]
#[template(path = "svg/stack.svg")]
pub struct Stack {
    /// What it shows, for screen readers.
    pub label: String,
    /// The parts, left to right; empty parts are left out.
    pub parts: Vec<StackPart>,
}

/// One part of a stacked bar.
#[derive(Debug, Serialize)]
pub struct StackPart {
    /// Which count: its index among the levels, then "vet ej", then blank (`lvl0`, `lvl1`, …).
    pub index: usize,
    /// Where it starts.
    pub x: Coord,
    /// How wide it is.
    pub width: Coord,
}

/// A stacked bar of one statement's answer counts per level, then "vet ej" and blank; `None`
/// when nobody answered.
pub fn stack(levels: &[usize], na: usize, blank: usize, label: &str) -> Option<Stack> {
    let total: usize = levels.iter().sum::<usize>() + na + blank;
    if total == 0 {
        return None;
    }
    let mut x = 0.0;
    let mut parts = Vec::new();
    for (i, n) in levels.iter().chain([&na, &blank]).enumerate() {
        let w = 200.0 * *n as f64 / total as f64;
        if w > 0.0 {
            parts.push(StackPart {
                index: i,
                x: Coord(x),
                width: Coord(w),
            });
        }
        x += w;
    }
    Some(Stack {
        label: label.to_string(),
        parts,
    })
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn chart_id(title: &str) -> String {
    let h = title
        .bytes()
        .fold(5381u32, |h, b| h.wrapping_mul(33) ^ u32::from(b));
    format!("{h:x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_radar_has_room_for_every_legend_line() {
        let inst = Instrument::dalarna();
        let labels: Vec<String> = ["D1", "D2", "D3"].map(String::from).to_vec();
        let names = ["Enheten", "Enheten 2025", "Organisationen", "Länets medel"];
        let series: Vec<Series> = (names.iter().zip(["s1", "s2", "s3", "s4"]))
            .map(|(name, class)| Series {
                name,
                scores: vec![Some(2.0), Some(3.0), None],
                class,
            })
            .collect();
        let r = radar(&inst, "Test", &labels, &series);
        let last = r.legend.last().map(|l| l.y).unwrap_or_default();
        assert_eq!(r.legend.len(), 4);
        assert!(r.height >= last + 14.0, "{} < {}", r.height, last + 14.0);
        assert_eq!(radar(&inst, "Två", &labels, &series[..2]).height, 330.0);
        let svg = r.render().unwrap();
        assert!(
            svg.contains(&format!("viewBox=\"0 0 320 {}\"", r.height)),
            "{svg}"
        );
    }
}
