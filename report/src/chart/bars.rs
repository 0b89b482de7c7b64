//! Horizontal bars with an optional interval whisker and one mark per row: availability
//! in nines with its confidence interval and target, or minutes down per year with the
//! spread of years and the worst year. Each chart draws its own legend, and a mark means
//! one thing only: a target is an orange tick, any other mark a purple dot.

use super::{escape, open, segment, text, tick, ticks};

/// One row.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The row's label.
    pub label: String,
    /// The bar's length.
    pub value: f64,
    /// The interval drawn as a whisker, if any.
    pub interval: Option<[f64; 2]>,
    /// The mark (a target or a worst case, as the chart's [`Legend`] says), if any.
    pub target: Option<f64>,
    /// Drawn in the "missed" colour.
    pub warn: bool,
}

/// What the marks of one chart mean, for its legend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Legend<'a> {
    /// What the bar is.
    pub bar: &'a str,
    /// What the whisker is.
    pub whisker: &'a str,
    /// What the mark is.
    pub mark: &'a str,
    /// True when the mark is a target (an orange tick); else it is a purple dot.
    pub mark_is_target: bool,
}

const LABEL: f64 = 320.0;
const PLOT: f64 = 420.0;
const ROW: f64 = 22.0;

/// A horizontal bar chart titled `title` with the x axis labelled `unit`.
pub fn hbars(title: &str, unit: &str, bars: &[Bar], legend: &Legend) -> String {
    let max = bars
        .iter()
        .flat_map(|b| [Some(b.value), b.interval.map(|i| i[1]), b.target])
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let ticks = ticks(max);
    let top = ticks.last().copied().unwrap_or(1.0).max(max).max(1e-9);
    let x = |v: f64| LABEL + (v.clamp(0.0, top) / top) * PLOT;
    let height = 40.0 + ROW * bars.len() as f64 + 52.0;
    let axis_y = 30.0 + ROW * bars.len() as f64;
    let mut svg = open(LABEL + PLOT + 30.0, height, title);
    svg.push_str(&text(10.0, 18.0, "start", title));
    for t in &ticks {
        svg.push_str(&segment(x(*t), 26.0, x(*t), axis_y, "stroke=\"#ddd\""));
        svg.push_str(&text(x(*t), axis_y + 14.0, "middle", &tick(*t)));
    }
    svg.push_str(&segment(
        LABEL,
        axis_y,
        LABEL + PLOT,
        axis_y,
        "stroke=\"#333\"",
    ));
    svg.push_str(&text(LABEL + PLOT / 2.0, axis_y + 28.0, "middle", unit));
    for (i, b) in bars.iter().enumerate() {
        let y = 30.0 + ROW * i as f64;
        let colour = if b.warn { "#d9534f" } else { "#4a7bd0" };
        svg.push_str(&text(LABEL - 6.0, y + 14.0, "end", &b.label));
        svg.push_str(&format!(
            "<rect x=\"{LABEL}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{colour}\"><title>{}: {}</title></rect>\n",
            y + 4.0,
            x(b.value) - LABEL,
            ROW - 8.0,
            escape(&b.label),
            tick(b.value)
        ));
        if let Some([lo, hi]) = b.interval {
            let mid = y + ROW / 2.0;
            let style = "stroke=\"#222\" stroke-width=\"1.5\"";
            svg.push_str(&segment(x(lo), mid, x(hi), mid, style));
            svg.push_str(&segment(x(lo), mid - 4.0, x(lo), mid + 4.0, style));
            svg.push_str(&segment(x(hi), mid - 4.0, x(hi), mid + 4.0, style));
        }
        if let Some(t) = b.target {
            svg.push_str(&mark(x(t), y + ROW / 2.0, legend.mark_is_target));
        }
    }
    let ly = axis_y + 44.0;
    svg.push_str(&format!(
        "<rect x=\"10\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"#4a7bd0\"/>\n",
        ly - 9.0
    ));
    svg.push_str(&text(28.0, ly, "start", legend.bar));
    let wx = 40.0 + 6.5 * legend.bar.chars().count() as f64;
    svg.push_str(&segment(
        wx,
        ly - 4.0,
        wx + 14.0,
        ly - 4.0,
        "stroke=\"#222\" stroke-width=\"1.5\"",
    ));
    svg.push_str(&text(wx + 18.0, ly, "start", legend.whisker));
    let mx = wx + 30.0 + 6.5 * legend.whisker.chars().count() as f64;
    svg.push_str(&mark(mx + 4.0, ly - 4.0, legend.mark_is_target));
    svg.push_str(&text(mx + 12.0, ly, "start", legend.mark));
    svg.push_str("</svg>\n");
    svg
}

/// A target's orange tick, or another mark's purple dot, centred on (`x`, `y`).
fn mark(x: f64, y: f64, target: bool) -> String {
    if target {
        segment(
            x,
            y - 10.0,
            x,
            y + 10.0,
            "stroke=\"#e69f00\" stroke-width=\"3\"",
        )
    } else {
        format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#7b3294\"/>\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::well_formed;

    const LEGEND: Legend = Legend {
        bar: "mean",
        whisker: "95% interval",
        mark: "target",
        mark_is_target: true,
    };

    #[test]
    fn a_target_is_a_tick_and_any_other_mark_a_dot_each_in_the_legend() {
        let bars = vec![Bar {
            label: "service.db".into(),
            value: 5.0,
            interval: None,
            target: Some(4.0),
            warn: false,
        }];
        let target = hbars("A", "nines", &bars, &LEGEND);
        assert!(target.contains("#e69f00") && !target.contains("<circle"));
        assert!(target.contains(">target</text>"));
        let worst = Legend {
            mark: "worst year",
            mark_is_target: false,
            ..LEGEND
        };
        let worst = hbars("B", "minutes", &bars, &worst);
        assert!(!worst.contains("#e69f00"));
        assert_eq!(
            worst.matches("<circle").count(),
            2,
            "the row's dot and the legend's"
        );
        assert!(worst.contains(">worst year</text>"));
    }

    #[test]
    fn bars_with_intervals_and_targets_are_well_formed() {
        let bars = vec![
            Bar {
                label: "service.<api> & co".into(),
                value: 3.5,
                interval: Some([3.1, 4.0]),
                target: Some(4.0),
                warn: true,
            },
            Bar {
                label: "service.db".into(),
                value: 5.0,
                interval: None,
                target: None,
                warn: false,
            },
        ];
        let svg = hbars("Availability", "nines", &bars, &LEGEND);
        assert!(well_formed(&svg).is_ok(), "{:?}", well_formed(&svg));
        assert_eq!(
            svg.matches("<rect").count(),
            3,
            "two bars and the legend's swatch"
        );
        assert!(svg.contains("service.&lt;api&gt; &amp; co"));
        assert!(svg.contains(">nines</text>"));
    }

    #[test]
    fn no_rows_still_draws_axes() {
        let svg = hbars("Empty", "minutes", &[], &LEGEND);
        assert!(well_formed(&svg).is_ok());
        assert!(svg.contains("<line"));
    }
}
