//! Rendering a report or a comparison as HTML, Markdown or JSON. The templates are
//! embedded; numbers are formatted here so that the templates only lay them out.

use serde::Serialize;
use serde_json::{Value, json};

use crate::{Comparison, Error, Phases, Report};

const HTML: &str = include_str!("../templates/report.html.tera");
const MARKDOWN: &str = include_str!("../templates/report.md.tera");

/// What to render: one blueprint's report, or two compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Document {
    /// One blueprint.
    Single(Box<Report>),
    /// Two blueprints side by side.
    Compare(Box<Comparison>),
    /// The phases of a migration side by side.
    Phases(Box<Phases>),
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A self-contained HTML page.
    Html,
    /// Markdown for a merge-request comment.
    Markdown,
    /// The model as JSON.
    Json,
}

impl Document {
    /// The document in `format`.
    pub fn render(&self, format: Format) -> Result<String, Error> {
        match format {
            Format::Json => Ok(serde_json::to_string_pretty(self)? + "\n"),
            Format::Html => self.template("report.html", HTML, true),
            Format::Markdown => self.template("report.md", MARKDOWN, false),
        }
    }

    fn reports(&self) -> Vec<&Report> {
        match self {
            Document::Single(r) => vec![r],
            Document::Compare(c) => vec![&c.base, &c.other],
            Document::Phases(p) => p.phases.iter().map(|p| &p.report).collect(),
        }
    }

    fn template(&self, name: &str, text: &str, charts: bool) -> Result<String, Error> {
        let format = if charts { "HTML" } else { "Markdown" };
        let wrap = |source| Error::Template { format, source };
        let mut tera = tera::Tera::default();
        tera.add_raw_template(name, text).map_err(wrap)?;
        let reports: Vec<Value> = self
            .reports()
            .iter()
            .map(|r| crate::view::view(r, charts))
            .collect();
        let delta = match self {
            Document::Compare(c) => c.view(),
            _ => Value::Null,
        };
        let phases = match self {
            Document::Phases(p) => p.view(percent, num, charts),
            _ => Value::Null,
        };
        let context = tera::Context::from_value(
            json!({ "reports": reports, "delta": delta, "phases": phases }),
        )
        .map_err(wrap)?;
        tera.render(name, &context).map_err(wrap)
    }
}

/// At most `digits` decimals, no trailing zeros.
pub(crate) fn num(x: f64, digits: usize) -> String {
    let text = format!("{x:.digits$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// A fraction as a percentage with up to four decimals, and more where four would round a
/// value below 1 up to `100%`: a report never reads 100% where downtime was seen.
pub(crate) fn percent(a: f64) -> String {
    let mut digits = 4;
    let mut text = num(a * 100.0, digits);
    while a < 1.0 && text == "100" && digits < 12 {
        digits += 1;
        text = num(a * 100.0, digits);
    }
    format!("{text}%")
}

pub(crate) fn signed(x: f64, digits: usize) -> String {
    let text = num(x, digits);
    if x > 0.0 && text != "0" {
        format!("+{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(percent(0.9999999), "99.99999%");
        assert_eq!(percent(0.99999), "99.999%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(num(99.99000, 4), "99.99");
        assert_eq!(num(12.0, 0), "12");
        assert_eq!(signed(0.5, 1), "+0.5");
        assert_eq!(percent(0.999), "99.9%");
    }
}
