//! Lines over time with a horizontal ceiling: utilisation projected by growth, with the
//! line where capacity counts as exhausted.

use super::{COLOURS, escape, legend, open, polyline, segment, text, tick, ticks};

/// One line: a label and its points (x, y).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The line's label.
    pub label: String,
    /// Its points, in order of x.
    pub points: Vec<(f64, f64)>,
}

const LEFT: f64 = 50.0;
const PLOT_W: f64 = 480.0;
const PLOT_H: f64 = 220.0;
const TOP: f64 = 30.0;

/// A chart titled `title` of `lines` over `0..=x_max` (`x_unit`), y in `y_unit`, with the
/// ceiling drawn as a dashed red line labelled `ceiling_label`. The y axis stops at half
/// again the ceiling; lines above it are clipped to the top.
pub fn lines(
    title: &str,
    x_unit: &str,
    y_unit: &str,
    x_max: f64,
    ceiling: f64,
    ceiling_label: &str,
    lines: &[Line],
) -> String {
    let y_max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain([ceiling * 1.1])
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .min(ceiling * 1.5)
        .max(ceiling * 1.1);
    let y_ticks = ticks(y_max);
    let y_top = y_ticks.last().copied().unwrap_or(1.0).max(y_max).max(1e-9);
    let x_ticks = ticks(x_max);
    let x_top = x_ticks.last().copied().unwrap_or(1.0).max(x_max).max(1e-9);
    let px = |x: f64| LEFT + (x.clamp(0.0, x_top) / x_top) * PLOT_W;
    let py = |y: f64| TOP + PLOT_H - (y.clamp(0.0, y_top) / y_top) * PLOT_H;
    let legend_w = 340.0;
    let mut svg = open(LEFT + PLOT_W + legend_w, TOP + PLOT_H + 45.0, title);
    svg.push_str(&text(10.0, 16.0, "start", title));
    for t in &y_ticks {
        svg.push_str(&segment(
            LEFT,
            py(*t),
            LEFT + PLOT_W,
            py(*t),
            "stroke=\"#eee\"",
        ));
        svg.push_str(&text(LEFT - 6.0, py(*t) + 4.0, "end", &tick(*t)));
    }
    for t in &x_ticks {
        svg.push_str(&segment(
            px(*t),
            TOP + PLOT_H,
            px(*t),
            TOP + PLOT_H + 4.0,
            "stroke=\"#333\"",
        ));
        svg.push_str(&text(px(*t), TOP + PLOT_H + 16.0, "middle", &tick(*t)));
    }
    svg.push_str(&segment(LEFT, TOP, LEFT, TOP + PLOT_H, "stroke=\"#333\""));
    svg.push_str(&segment(
        LEFT,
        TOP + PLOT_H,
        LEFT + PLOT_W,
        TOP + PLOT_H,
        "stroke=\"#333\"",
    ));
    svg.push_str(&text(
        LEFT + PLOT_W / 2.0,
        TOP + PLOT_H + 34.0,
        "middle",
        x_unit,
    ));
    svg.push_str(&format!(
        "<text x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">{}</text>\n",
        TOP + PLOT_H / 2.0,
        TOP + PLOT_H / 2.0,
        escape(y_unit)
    ));
    svg.push_str(&segment(
        LEFT,
        py(ceiling),
        LEFT + PLOT_W,
        py(ceiling),
        "stroke=\"#d9534f\" stroke-width=\"2\" stroke-dasharray=\"6 4\"",
    ));
    svg.push_str(&text(
        LEFT + PLOT_W - 4.0,
        py(ceiling) - 4.0,
        "end",
        ceiling_label,
    ));
    for (i, l) in lines.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let points: Vec<(f64, f64)> = l.points.iter().map(|(x, y)| (px(*x), py(*y))).collect();
        svg.push_str(&polyline(colour, &points, &l.label));
        svg.push_str(&legend(
            LEFT + PLOT_W + 12.0,
            TOP + 14.0 * i as f64,
            colour,
            &l.label,
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::well_formed;

    #[test]
    fn lines_and_the_ceiling_are_drawn() {
        let l = Line {
            label: "pool.compute cpu".into(),
            points: (0..=12)
                .map(|m| (m as f64, 40.0 * 1.05f64.powi(m)))
                .collect(),
        };
        let svg = lines(
            "Growth",
            "months",
            "% used",
            12.0,
            80.0,
            "ceiling 80%",
            &[l],
        );
        assert!(well_formed(&svg).is_ok(), "{:?}", well_formed(&svg));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.contains("stroke-dasharray"));
    }
}
