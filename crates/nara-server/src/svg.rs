//! Charts as inline SVG, drawn from core's chart geometry. Each has a `<title>` and a
//! `<desc>` (its text alternative) and `role="img"`; the page puts the same numbers in a table
//! beside it, so nothing is told by the picture alone. All text is escaped here.

use std::fmt::Write;

use nara_core::Instrument;
use nara_core::chart::{Point, bar_length, radar_frame, radar_polygon};
use nara_core::fmt;

/// Escapes text for SVG/HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn points(ps: &[Point]) -> String {
    ps.iter()
        .map(|p| format!("{:.1},{:.1}", p.x, p.y))
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

/// A radar chart of areas; `labels` are the axis labels (the areas' ids).
pub fn radar(inst: &Instrument, title: &str, labels: &[String], series: &[Series]) -> String {
    let n = labels.len().max(3);
    let center = Point { x: 160.0, y: 150.0 };
    let levels = inst.scale.levels.len().max(1);
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
                    .map(|(l, v)| format!("{l} {}", fmt::score(*v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart radar" viewBox="0 0 320 330" role="img" aria-labelledby="t-{id} d-{id}" xmlns="http://www.w3.org/2000/svg"><title id="t-{id}">{t}</title><desc id="d-{id}">{d}</desc>"#,
        id = chart_id(title),
        t = esc(title),
        d = esc(&desc.join(". "))
    );
    for ring in &frame.rings {
        let _ = write!(out, r#"<polygon class="ring" points="{}"/>"#, points(ring));
    }
    for (i, axis) in frame.axes.iter().enumerate() {
        let _ = write!(
            out,
            r#"<line class="axis" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
            center.x, center.y, axis.x, axis.y
        );
        if let (Some(l), Some(p)) = (labels.get(i), frame.labels.get(i)) {
            let anchor = if (p.x - center.x).abs() < 5.0 {
                "middle"
            } else if p.x > center.x {
                "start"
            } else {
                "end"
            };
            let _ = write!(
                out,
                r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="{anchor}" dominant-baseline="middle">{}</text>"#,
                p.x,
                p.y,
                esc(l)
            );
        }
    }
    for s in series {
        let poly = radar_polygon(inst, &frame, &s.scores);
        let _ = write!(
            out,
            r#"<polygon class="series {}" points="{}"/>"#,
            s.class,
            points(&poly)
        );
        for (p, v) in poly.iter().zip(&s.scores) {
            if v.is_some() {
                let _ = write!(
                    out,
                    r#"<circle class="dot {}" cx="{:.1}" cy="{:.1}" r="3"/>"#,
                    s.class, p.x, p.y
                );
            }
        }
    }
    // Legend.
    for (i, s) in series.iter().enumerate() {
        let y = 300.0 + 16.0 * i as f64;
        let _ = write!(
            out,
            r#"<line class="series {c}" x1="10" y1="{y}" x2="34" y2="{y}"/><text class="legend" x="40" y="{y}" dominant-baseline="middle">{}</text>"#,
            esc(s.name),
            c = s.class
        );
    }
    out.push_str("</svg>");
    out
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

/// Horizontal bars, one per row, with the value written at the end of each.
pub fn bars(inst: &Instrument, title: &str, rows: &[Bar]) -> String {
    let full = 300.0;
    let h = 26.0;
    let height = h * rows.len() as f64 + 10.0;
    let desc = rows
        .iter()
        .map(|b| format!("{} {}", b.label, fmt::score(b.score)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart bars" viewBox="0 0 560 {height}" role="img" aria-labelledby="t-{id} d-{id}" xmlns="http://www.w3.org/2000/svg"><title id="t-{id}">{t}</title><desc id="d-{id}">{d}</desc>"#,
        id = chart_id(title),
        t = esc(title),
        d = esc(&desc)
    );
    for (i, b) in rows.iter().enumerate() {
        let y = 5.0 + h * i as f64;
        let _ = write!(
            out,
            r#"<text class="label" x="175" y="{:.1}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            y + h / 2.0 - 2.0,
            esc(&truncate(b.label, 26))
        );
        match bar_length(inst, b.score, full) {
            Some(len) => {
                let _ = write!(
                    out,
                    r#"<rect x="180" y="{y:.1}" width="{len:.1}" height="{:.1}" fill="{}" class="bar"/><text class="value" x="{:.1}" y="{:.1}" dominant-baseline="middle">{}</text>"#,
                    h - 6.0,
                    esc(b.color),
                    185.0 + len,
                    y + h / 2.0 - 2.0,
                    fmt::score(b.score)
                );
            }
            None => {
                let _ = write!(
                    out,
                    r#"<text class="value missing" x="185" y="{:.1}" dominant-baseline="middle">{}</text>"#,
                    y + h / 2.0 - 2.0,
                    fmt::TOO_FEW
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// A line chart of one value per round (`None` leaves a gap).
pub fn line(inst: &Instrument, title: &str, points_in: &[(String, Option<f64>)]) -> String {
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
        .map(|(r, v)| format!("{r} {}", fmt::score(*v)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart line" viewBox="0 0 {w} {h}" role="img" aria-labelledby="t-{id} d-{id}" xmlns="http://www.w3.org/2000/svg"><title id="t-{id}">{t}</title><desc id="d-{id}">{d}</desc>"#,
        id = chart_id(title),
        t = esc(title),
        d = esc(&desc)
    );
    for l in &inst.scale.levels {
        let y = y_of(f64::from(l.value));
        let _ = write!(
            out,
            r#"<line class="grid" x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/><text class="label" x="{:.1}" y="{y:.1}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            w - 20.0,
            left - 6.0,
            l.value
        );
    }
    let mut path = String::new();
    for (i, (r, v)) in points_in.iter().enumerate() {
        let x = left + step * i as f64;
        let _ = write!(
            out,
            r#"<text class="label" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            top + plot_h + 20.0,
            esc(r)
        );
        if let Some(v) = v {
            let y = y_of(*v);
            path.push_str(&format!(
                "{}{x:.1},{y:.1} ",
                if path.is_empty() { "M" } else { "L" }
            ));
            let _ = write!(
                out,
                r#"<circle class="dot s1" cx="{x:.1}" cy="{y:.1}" r="3.5"/>"#
            );
        }
    }
    if !path.is_empty() {
        let _ = write!(
            out,
            r#"<path class="series s1 open" d="{}"/>"#,
            path.trim_end()
        );
    }
    out.push_str("</svg>");
    out
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
