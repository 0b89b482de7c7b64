//! The same application today on VMs and after migration on Kubernetes, side by side:
//! the simulation's figures of a service with `migrates_to` and of each service it
//! becomes.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sim::failover::AFTER_MIGRATION;
use sim::topology::{Migration, Side};

use crate::{Report, ServiceRow};

/// One service of a migration pair and its figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MigrationSide {
    /// `VMs (vSphere HA)` for an application on VMs, else its cluster's address.
    pub runs_on: String,
    /// The service's row of the simulation.
    #[serde(flatten)]
    pub row: ServiceRow,
}

/// An application today and after migration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MigrationRow {
    /// The application as it runs today.
    pub today: MigrationSide,
    /// What it becomes, in `migrates_to` order.
    pub after: Vec<MigrationSide>,
    /// All of `after` together (up while every one is up), when there are several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub together: Option<ServiceRow>,
}

impl Report {
    /// The report with the migration pairs of its blueprint (from
    /// [`sim::Topology::migrations`]); a pair whose service has no row is left out.
    pub fn with_migrations(mut self, migrations: &[Migration]) -> Report {
        let side = |s: &Side| {
            self.services
                .iter()
                .find(|r| r.address == s.address)
                .map(|row| MigrationSide {
                    runs_on: s.runs_on.clone(),
                    row: row.clone(),
                })
        };
        let rows: Vec<MigrationRow> = migrations
            .iter()
            .filter_map(|m| {
                let together = format!("{}{AFTER_MIGRATION}", m.today.address);
                Some(MigrationRow {
                    today: side(&m.today)?,
                    after: m.after.iter().map(side).collect::<Option<Vec<_>>>()?,
                    together: (m.after.len() > 1)
                        .then(|| self.services.iter().find(|r| r.address == together))
                        .flatten()
                        .cloned(),
                })
            })
            .collect();
        self.migrations = rows;
        self
    }
}

/// The template's view of the pairs: one line per side, numbers formatted by `figures`.
pub(crate) fn view(rows: &[MigrationRow], figures: impl Fn(&ServiceRow) -> Value) -> Vec<Value> {
    let mut out = Vec::new();
    for m in rows {
        let line = |label: String, today: bool, runs_on: &str, row: &ServiceRow| {
            json!({
                "label": label,
                "phase": if today { "today" } else { "after migration" },
                "runs_on": runs_on,
                "row": figures(row),
            })
        };
        out.push(line(
            m.today.row.address.clone(),
            true,
            &m.today.runs_on,
            &m.today.row,
        ));
        for a in &m.after {
            out.push(line(
                format!("→ {}", a.row.address),
                false,
                &a.runs_on,
                &a.row,
            ));
        }
        if let Some(t) = &m.together {
            out.push(line("→ all of them together".into(), false, "", t));
        }
    }
    out
}
