//! Pairs of vertical bars per group: hosts needed with one VM per replica against
//! containers, per cluster.

use super::{escape, open, segment, text, tick, ticks};

/// One group: a label and two values.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// The group's label.
    pub label: String,
    /// The first bar.
    pub first: f64,
    /// The second bar.
    pub second: f64,
}

const LEFT: f64 = 75.0;
const GROUP: f64 = 110.0;
const PLOT_H: f64 = 200.0;
const TOP: f64 = 40.0;

/// A chart titled `title` of the pairs, the bars named `names`, the y axis `unit`.
pub fn pairs(title: &str, unit: &str, names: [&str; 2], groups: &[Pair]) -> String {
    let max = groups
        .iter()
        .flat_map(|g| [g.first, g.second])
        .fold(0.0_f64, f64::max);
    let ticks = ticks(max);
    let top = ticks.last().copied().unwrap_or(1.0).max(max).max(1e-9);
    let y = |v: f64| TOP + PLOT_H - (v.clamp(0.0, top) / top) * PLOT_H;
    let width = LEFT + GROUP * groups.len().max(1) as f64 + 20.0;
    let mut svg = open(width.max(320.0), TOP + PLOT_H + 50.0, title);
    svg.push_str(&text(10.0, 16.0, "start", title));
    let colours = ["#9e9e9e", "#4a7bd0"];
    for (i, name) in names.iter().enumerate() {
        let lx = 10.0 + 140.0 * i as f64;
        svg.push_str(&format!(
            "<rect x=\"{lx}\" y=\"24\" width=\"10\" height=\"10\" fill=\"{}\"/>\n",
            colours[i]
        ));
        svg.push_str(&text(lx + 14.0, 33.0, "start", name));
    }
    for t in &ticks {
        svg.push_str(&segment(
            LEFT,
            y(*t),
            width - 20.0,
            y(*t),
            "stroke=\"#ddd\"",
        ));
        svg.push_str(&text(LEFT - 6.0, y(*t) + 4.0, "end", &tick(*t)));
    }
    svg.push_str(&segment(
        LEFT,
        y(0.0),
        width - 20.0,
        y(0.0),
        "stroke=\"#333\"",
    ));
    svg.push_str(&format!(
        "<text x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">{}</text>\n",
        TOP + PLOT_H / 2.0,
        TOP + PLOT_H / 2.0,
        escape(unit)
    ));
    for (i, g) in groups.iter().enumerate() {
        let gx = LEFT + GROUP * i as f64 + 15.0;
        for (j, v) in [g.first, g.second].into_iter().enumerate() {
            let bx = gx + 40.0 * j as f64;
            svg.push_str(&format!(
                "<rect x=\"{bx:.1}\" y=\"{:.1}\" width=\"36\" height=\"{:.1}\" fill=\"{}\"><title>{}: {}</title></rect>\n",
                y(v),
                y(0.0) - y(v),
                colours[j],
                escape(names[j]),
                tick(v)
            ));
            svg.push_str(&text(bx + 18.0, y(v) - 3.0, "middle", &tick(v)));
        }
        svg.push_str(&text(gx + 38.0, y(0.0) + 16.0, "middle", &g.label));
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::well_formed;

    #[test]
    fn pairs_are_well_formed_with_two_bars_per_group() {
        let groups = vec![
            Pair {
                label: "apps".into(),
                first: 12.0,
                second: 5.0,
            },
            Pair {
                label: "data \"eu\"".into(),
                first: 3.0,
                second: 2.0,
            },
        ];
        let svg = pairs("Hosts", "hosts", ["VMs", "containers"], &groups);
        assert!(well_formed(&svg).is_ok(), "{:?}", well_formed(&svg));
        assert_eq!(svg.matches("<rect").count(), 2 + 4);
        assert!(svg.contains("data &quot;eu&quot;"));
    }
}
