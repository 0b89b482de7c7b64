//! Reports of a blueprint under one scenario: the failure simulation's outcome and the
//! capacity analysis combined into one model ([`Report`]), rendered as a self-contained
//! HTML page with inline SVG charts, as Markdown short enough for a merge-request comment,
//! or as JSON (docs/report.md). Two blueprints can be compared side by side.

pub mod chart;
mod compare;
mod figures;
mod first_page;
pub mod impact;
mod load;
mod migration;
mod model;
mod phases;
mod provenance;
mod render;
mod view;

pub use compare::{Comparison, Delta, ServiceDelta};
pub use first_page::{Finding, FirstPage, Overload, SATURATED_PERCENT};
pub use impact::Impact;
pub use load::{AfterWorst, LoadRow};
pub use migration::{MigrationRow, MigrationSide};
pub use model::{
    ConsolidationRow, DomainRow, GrowthSeries, GrowthSummary, Report, ServiceRow, Summary, Totals,
    nines, outage_rate_bound,
};
pub use phases::{Phase, Phases};
pub use provenance::{Provenance, thousands};
pub use render::{Document, Format};

/// Why a report cannot be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A template failed to render (a bug in the templates).
    #[error("cannot render the {format} report: {source}")]
    Template {
        /// Which format.
        format: &'static str,
        /// Tera's error.
        #[source]
        source: tera::Error,
    },
    /// The model failed to serialise.
    #[error("cannot serialise the report: {0}")]
    Json(#[from] serde_json::Error),
}
