//! Horizontal bars with an optional interval whisker and target tick per row: availability
//! in nines with its confidence interval, or minutes down per year.

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
    /// A target drawn as a tick, if any.
    pub target: Option<f64>,
    /// Drawn in the "missed" colour.
    pub warn: bool,
}

const LABEL: f64 = 320.0;
const PLOT: f64 = 420.0;
const ROW: f64 = 22.0;

/// A horizontal bar chart titled `title` with the x axis labelled `unit`.
pub fn hbars(title: &str, unit: &str, bars: &[Bar]) -> String {
    let max = bars
        .iter()
        .flat_map(|b| [Some(b.value), b.interval.map(|i| i[1]), b.target])
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let ticks = ticks(max);
    let top = ticks.last().copied().unwrap_or(1.0).max(max).max(1e-9);
    let x = |v: f64| LABEL + (v.clamp(0.0, top) / top) * PLOT;
    let height = 40.0 + ROW * bars.len() as f64 + 30.0;
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
            let style = "stroke=\"#e69f00\" stroke-width=\"3\"";
            svg.push_str(&segment(x(t), y + 1.0, x(t), y + ROW - 1.0, style));
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
        let svg = hbars("Availability", "nines", &bars);
        assert!(well_formed(&svg).is_ok(), "{:?}", well_formed(&svg));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("service.&lt;api&gt; &amp; co"));
        assert!(svg.contains(">nines</text>"));
    }

    #[test]
    fn no_rows_still_draws_axes() {
        let svg = hbars("Empty", "minutes", &[]);
        assert!(well_formed(&svg).is_ok());
        assert!(svg.contains("<line"));
    }
}
