//! A figure across the phases of a migration: one line per series over the phases, named
//! on the x axis in order.

use super::{COLOURS, Line, escape, legend, open, polyline, segment, text, tick, ticks};

const LEFT: f64 = 60.0;
const STEP: f64 = 110.0;
const PLOT_H: f64 = 180.0;
const TOP: f64 = 30.0;

/// A chart titled `title` of `lines` (x: the index of a phase in `phases`; y in `unit`,
/// from zero, or from the lowest value less a margin when `from_zero` is false).
pub fn trend(
    title: &str,
    unit: &str,
    phases: &[String],
    lines: &[Line],
    from_zero: bool,
) -> String {
    let values = || {
        lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
    };
    let high = values().fold(0.0_f64, f64::max).max(1e-9);
    let low = if from_zero {
        0.0
    } else {
        (values().fold(f64::INFINITY, f64::min) - 0.5)
            .floor()
            .max(0.0)
    };
    let y_ticks: Vec<f64> = ticks(high - low).into_iter().map(|t| t + low).collect();
    let y_top = y_ticks.last().copied().unwrap_or(high).max(high);
    let span = (y_top - low).max(1e-9);
    let plot_w = STEP * phases.len().saturating_sub(1).max(1) as f64;
    let px = |x: f64| LEFT + 20.0 + x * STEP;
    let py = |y: f64| TOP + PLOT_H - ((y - low).clamp(0.0, span) / span) * PLOT_H;
    let legend_w = if lines.len() > 1 { 300.0 } else { 20.0 };
    let mut svg = open(LEFT + plot_w + 40.0 + legend_w, TOP + PLOT_H + 50.0, title);
    svg.push_str(&text(10.0, 16.0, "start", title));
    for t in &y_ticks {
        svg.push_str(&segment(
            LEFT,
            py(*t),
            LEFT + plot_w + 40.0,
            py(*t),
            "stroke=\"#eee\"",
        ));
        svg.push_str(&text(LEFT - 6.0, py(*t) + 4.0, "end", &tick(*t)));
    }
    svg.push_str(&segment(LEFT, TOP, LEFT, TOP + PLOT_H, "stroke=\"#333\""));
    svg.push_str(&segment(
        LEFT,
        TOP + PLOT_H,
        LEFT + plot_w + 40.0,
        TOP + PLOT_H,
        "stroke=\"#333\"",
    ));
    for (i, name) in phases.iter().enumerate() {
        svg.push_str(&text(px(i as f64), TOP + PLOT_H + 16.0, "middle", name));
    }
    svg.push_str(&format!(
        "<text x=\"12\" y=\"{y:.1}\" transform=\"rotate(-90 12 {y:.1})\" text-anchor=\"middle\">{}</text>\n",
        escape(unit),
        y = TOP + PLOT_H / 2.0,
    ));
    for (i, l) in lines.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let points: Vec<(f64, f64)> = l
            .points
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|(x, y)| (px(*x), py(*y)))
            .collect();
        svg.push_str(&polyline(colour, &points, &l.label));
        for ((cx, cy), (_, y)) in points
            .iter()
            .zip(l.points.iter().filter(|p| p.1.is_finite()))
        {
            svg.push_str(&format!(
                "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"3\" fill=\"{colour}\"><title>{}: {}</title></circle>\n",
                escape(&l.label),
                tick(*y)
            ));
        }
        if lines.len() > 1 {
            svg.push_str(&legend(
                LEFT + plot_w + 52.0,
                TOP + 14.0 * i as f64,
                colour,
                &l.label,
            ));
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::well_formed;

    #[test]
    fn one_point_per_phase_and_the_phases_named() {
        let phases = vec!["today".to_string(), "phase 1".into(), "phase <2>".into()];
        let l = Line {
            label: "hosts".into(),
            points: vec![(0.0, 24.0), (1.0, 20.0), (2.0, 16.0)],
        };
        let svg = trend("Hosts", "hosts", &phases, &[l], true);
        well_formed(&svg).unwrap();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">phase &lt;2&gt;</text>"));
        assert!(svg.contains("<title>hosts: 16</title>"));
    }
}
