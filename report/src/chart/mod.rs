//! Inline SVG charts: small functions that return an `<svg>` element as a string, with
//! axes, labels and escaped text, for the HTML report.

mod bars;
mod grouped;
mod line;
mod trend;

pub use bars::{Bar, Legend, hbars};
pub use grouped::{Pair, pairs};
pub use line::{Line, lines};
pub use trend::trend;

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number on an axis: at most two decimals, no trailing zeros.
pub(crate) fn tick(x: f64) -> String {
    let text = format!("{x:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// The opening of an SVG of `width` × `height` with a title.
pub(crate) fn open(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" font-family=\"sans-serif\" \
         font-size=\"12\"><title>{}</title>\n",
        escape(title)
    )
}

/// A text element.
pub(crate) fn text(x: f64, y: f64, anchor: &str, content: &str) -> String {
    format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\">{}</text>\n",
        escape(content)
    )
}

/// A line element.
pub(crate) fn segment(x1: f64, y1: f64, x2: f64, y2: f64, style: &str) -> String {
    format!("<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" {style}/>\n")
}

/// The colours of successive lines.
pub(crate) const COLOURS: [&str; 6] = [
    "#4a7bd0", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#8c564b",
];

/// A line through `points` (already in SVG coordinates) in `colour`, titled `label`.
pub(crate) fn polyline(colour: &str, points: &[(f64, f64)], label: &str) -> String {
    let points: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect();
    format!(
        "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>\n",
        points.join(" "),
        escape(label)
    )
}

/// A legend entry at (`x`, `y`): a short stroke in `colour` and the label.
pub(crate) fn legend(x: f64, y: f64, colour: &str, label: &str) -> String {
    let stroke = format!("stroke=\"{colour}\" stroke-width=\"2\"");
    segment(x, y, x + 14.0, y, &stroke) + &text(x + 18.0, y + 4.0, "start", label)
}

/// Round tick steps covering `0..=max`: about five.
pub(crate) fn ticks(max: f64) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0];
    }
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= max * 1.000_001)
        .collect()
}

/// A check for tests: every tag is closed in order, and text has no stray `<` or `&`.
#[cfg(test)]
pub(crate) fn well_formed(svg: &str) -> Result<usize, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    let mut elements = 0;
    while let Some(start) = rest.find('<') {
        check_text(&rest[..start])?;
        let end = rest[start..].find('>').ok_or("unclosed <")? + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or(format!("</{name}> without an opening"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
        } else {
            if !tag.matches('"').count().is_multiple_of(2) {
                return Err(format!("unbalanced quotes in <{tag}>"));
            }
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            elements += 1;
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    check_text(rest)?;
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> is never closed"));
    }
    Ok(elements)
}

#[cfg(test)]
fn check_text(text: &str) -> Result<(), String> {
    if text.contains('>') {
        return Err(format!("stray > in {text:?}"));
    }
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        if !["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
            .iter()
            .any(|e| entity.starts_with(e))
        {
            return Err(format!("bare & in {text:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.0), vec![0.0]);
        assert_eq!(ticks(3.3), vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn the_checker_catches_broken_markup() {
        assert!(well_formed("<svg><g></svg>").is_err());
        assert!(well_formed("<svg>a & b</svg>").is_err());
        assert!(well_formed("<svg><line/></svg>").is_ok());
    }
}
