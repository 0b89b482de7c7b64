//! End-to-end tests of `strata report`: snapshots of the reference platform's JSON and
//! Markdown reports (few replications, fixed seed), a self-contained HTML page with its
//! charts, a comparison of two blueprints, and the errors.

// The topics, one file each under report/ (a test crate's root resolves `mod` paths beside
// itself, hence the `#[path]`s).
#[path = "report/common.rs"]
mod common;
#[path = "report/compare.rs"]
mod compare;
#[path = "report/load.rs"]
mod load;
#[path = "report/reference.rs"]
mod reference;
