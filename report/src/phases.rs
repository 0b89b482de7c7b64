//! The phases of a migration side by side: one report per phase (each blueprint, or one
//! blueprint under each variable file), every figure per phase, and the trend of
//! availability, hosts and cost across them.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::chart::{self, Line};
use crate::model::Report;

/// The reports of the phases, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Phases {
    /// One per phase.
    pub phases: Vec<Phase>,
}

/// One phase: its name and its report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// The blueprint folder's name, or the variable file's name without its extension.
    pub name: String,
    /// Its report.
    pub report: Report,
}

impl Phases {
    /// The rows present in any phase, in the first phase's order, then the later ones'.
    pub fn addresses(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.phases {
            for s in &p.report.services {
                if !out.contains(&s.address.as_str()) {
                    out.push(&s.address);
                }
            }
        }
        out
    }

    /// The template's view: per row, the availability and downtime of each phase (`–`
    /// where a phase lacks it); per phase, hosts, cost, targets and domains; and, with
    /// `charts`, the trend charts.
    pub(crate) fn view(
        &self,
        percent: impl Fn(f64) -> String,
        num: impl Fn(f64, usize) -> String,
        charts: bool,
    ) -> Value {
        let names: Vec<String> = self.phases.iter().map(|p| p.name.clone()).collect();
        let rows: Vec<Value> = self
            .addresses()
            .into_iter()
            .map(|a| {
                let cells: Vec<Value> = self
                    .phases
                    .iter()
                    .map(|p| match p.report.services.iter().find(|s| s.address == a) {
                        Some(s) => json!({
                            "availability": percent(s.availability),
                            "downtime": num(s.downtime_minutes_per_year, 1),
                            "met": match s.met { Some(true) => "met", Some(false) => "missed", None => "" },
                        }),
                        None => json!({ "availability": "–", "downtime": "–", "met": "" }),
                    })
                    .collect();
                json!({ "address": a, "cells": cells })
            })
            .collect();
        let totals: Vec<Value> = self
            .phases
            .iter()
            .map(|p| {
                let r = &p.report;
                json!({
                    "hosts": r.totals.hosts,
                    "vms": r.totals.vms,
                    "nodes": r.totals.nodes,
                    "runway": r.summary.runway_months.map_or("beyond projection".into(), |m| format!("{} months", num(m, 1))),
                    "cost": r.provenance.money(r.totals.cost_per_year),
                    "met": r.summary.targets_met,
                    "missed": r.summary.targets_missed,
                    "failed": r.summary.domains_failed,
                })
            })
            .collect();
        json!({
            "names": names,
            "rows": rows,
            "totals": totals,
            "charts": if charts { self.charts() } else { Vec::new() },
        })
    }

    /// Availability in nines of each service row with a target (else every service row),
    /// hosts, and cost per year, across the phases.
    fn charts(&self) -> Vec<Value> {
        let names: Vec<String> = self.phases.iter().map(|p| p.name.clone()).collect();
        let targeted: Vec<&str> = self
            .addresses()
            .into_iter()
            .filter(|a| {
                self.phases.iter().any(|p| {
                    p.report
                        .services
                        .iter()
                        .any(|s| s.address == *a && s.target.is_some())
                })
            })
            .collect();
        let shown: Vec<&str> = if targeted.is_empty() {
            self.addresses()
                .into_iter()
                .filter(|a| a.starts_with("service.") || a.contains(".service."))
                .collect()
        } else {
            targeted
        };
        let availability: Vec<Line> = shown
            .iter()
            .map(|a| Line {
                label: a.to_string(),
                points: self
                    .phases
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let y = p
                            .report
                            .services
                            .iter()
                            .find(|s| s.address == *a)
                            .map_or(f64::NAN, |s| {
                                crate::nines(s.availability).unwrap_or(9.0).min(9.0)
                            });
                        (i as f64, y)
                    })
                    .collect(),
            })
            .collect();
        let per_phase = |label: &str, f: &dyn Fn(&Report) -> f64| {
            vec![Line {
                label: label.to_string(),
                points: self
                    .phases
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (i as f64, f(&p.report)))
                    .collect(),
            }]
        };
        let hosts = per_phase("hosts", &|r| r.totals.hosts as f64);
        let cost = per_phase("cost per year", &|r| r.totals.cost_per_year);
        vec![
            json!({ "title": "Availability across the phases", "note": "nines (−log10 of the unavailable fraction) of each service with a target, 9 when no downtime was seen", "svg": chart::trend("Availability (nines)", "nines", &names, &availability, false) }),
            json!({ "title": "Hosts across the phases", "note": "hosts in every pool", "svg": chart::trend("Hosts", "hosts", &names, &hosts, true) }),
            json!({ "title": "Cost across the phases", "note": "cost per year of pools and storage that set one", "svg": chart::trend("Cost per year", "cost per year", &names, &cost, true) }),
        ]
    }
}
