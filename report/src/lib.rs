//! Reports for decision-makers: the report model, HTML and Markdown templates, SVG charts.
//!
//! Empty until reports land (issue 5); the crate exists so the workspace has its final shape.
