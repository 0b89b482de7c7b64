//! The report's first page: what breaks and why. A generated sentence on the worst
//! production finding, every failure domain that is not survived with its reasons (the
//! capacity analysis' own sentences, [`sim::capacity::explain`]), production and
//! non-production apart, and the services overloaded at peak or after a failure.

use serde::{Deserialize, Serialize};
use sim::capacity::Capacity;
use sim::capacity::survive::{DomainOutcome, Verdict};

use crate::load::LoadRow;

/// What to read first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FirstPage {
    /// Generated sentences, the worst finding first.
    pub headline: Vec<String>,
    /// Domains whose loss stops or degrades production, the worst first.
    pub production: Vec<Finding>,
    /// Domains whose loss touches only non-production (environments, dev, test and staging
    /// clusters), the worst first.
    pub non_production: Vec<Finding>,
    /// Services whose replicas cannot keep up, at peak or after a failure.
    pub overloads: Vec<Overload>,
}

/// One failure domain that is not survived.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// host, two hosts, rack or site.
    pub kind: String,
    /// The domain.
    pub domain: String,
    /// Hosts it takes down.
    pub hosts: usize,
    /// `fails` or `degraded`, counting this side (production or not) only.
    pub verdict: String,
    /// The reasons on this side, as `strata capacity` prints them.
    pub reasons: Vec<String>,
    /// Services on this side that are unavailable after the loss.
    pub unavailable: Vec<String>,
    /// How long the scenario of the report keeps this domain down, in hours, when it
    /// injects its loss.
    pub injected_hours: Option<f64>,
}

/// A service that cannot keep up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overload {
    /// The service.
    pub service: String,
    /// `at peak` (every replica running) or `after losing <kind> <domain>`.
    pub when: String,
    /// Utilisation of each replica then, in percent (`None` with no replica left).
    pub utilisation_percent: Option<f64>,
}

/// Utilisation at or above which a queue is saturated (no steady state).
pub const SATURATED_PERCENT: f64 = 100.0;

impl FirstPage {
    /// The first page of `capacity` and the `load` rows; `injected` gives the domains the
    /// report's scenario takes down on purpose (address, hours); `scenario` names it.
    pub fn new(
        capacity: &Capacity,
        load: &[LoadRow],
        injected: &[(String, f64)],
        scenario: &str,
    ) -> Self {
        let outcomes = &capacity.survivability.outcomes;
        let mut production: Vec<Finding> = outcomes
            .iter()
            .filter_map(|o| finding(o, true, injected))
            .collect();
        let mut non_production: Vec<Finding> = outcomes
            .iter()
            .filter_map(|o| finding(o, false, injected))
            .collect();
        for list in [&mut production, &mut non_production] {
            list.sort_by(|a, b| {
                (b.verdict == "fails")
                    .cmp(&(a.verdict == "fails"))
                    .then(b.unavailable.len().cmp(&a.unavailable.len()))
                    .then(b.hosts.cmp(&a.hosts))
            });
        }
        let overloads = load.iter().flat_map(overloads_of).collect();
        let mut page = FirstPage {
            headline: Vec::new(),
            production,
            non_production,
            overloads,
        };
        page.headline = headline(&page, capacity, scenario);
        page
    }
}

fn finding(o: &DomainOutcome, production: bool, injected: &[(String, f64)]) -> Option<Finding> {
    let reasons: Vec<_> = o
        .reasons
        .iter()
        .filter(|r| r.production == production)
        .collect();
    let worst = reasons.iter().map(|r| r.severity).max()?;
    if worst == Verdict::Survives {
        return None;
    }
    let mut unavailable: Vec<String> = Vec::new();
    for w in &o.workloads {
        if w.production == production
            && w.kind == sim::capacity::inventory::WorkloadKind::Service
            && w.status == sim::capacity::survive::Status::Down
            && !unavailable.contains(&w.workload)
        {
            unavailable.push(w.workload.clone());
        }
    }
    Some(Finding {
        kind: o.kind.name().to_string(),
        domain: o.domain.clone(),
        hosts: o.hosts,
        verdict: worst.name().to_string(),
        reasons: reasons.iter().map(|r| r.text.clone()).collect(),
        unavailable,
        injected_hours: injected
            .iter()
            .find(|(d, _)| *d == o.domain)
            .map(|(_, h)| *h),
    })
}

fn overloads_of(l: &LoadRow) -> Vec<Overload> {
    let saturated = |u: Option<f64>| u.is_none_or(|u| u >= SATURATED_PERCENT);
    let mut out = Vec::new();
    if saturated(l.utilisation_percent) {
        out.push(Overload {
            service: l.service.clone(),
            when: "at peak".into(),
            utilisation_percent: l.utilisation_percent,
        });
    } else if let Some(after) = &l.after_worst_loss
        && after.replicas > 0
        && saturated(after.utilisation_percent)
    {
        out.push(Overload {
            service: l.service.clone(),
            when: format!("after losing {}", after.domain),
            utilisation_percent: after.utilisation_percent,
        });
    }
    out
}

/// The sentences: the worst production finding (what it stops, for how long), how many
/// more, the overloads; or that every domain is survived.
fn headline(page: &FirstPage, capacity: &Capacity, scenario: &str) -> Vec<String> {
    let mut out = Vec::new();
    let production_services = capacity.survivability.production_services;
    match page.production.first() {
        None => out.push(
            "Production survives the loss of any one host, rack or site the blueprint has."
                .to_string(),
        ),
        Some(f) => {
            let what = if f.unavailable.is_empty() {
                match f.reasons.first() {
                    Some(r) => format!("{}: {r}", verb(f)),
                    None => verb(f).to_string(),
                }
            } else if f.unavailable.len() >= production_services && production_services > 1 {
                format!("stops every production service ({})", f.unavailable.len())
            } else {
                format!(
                    "stops {} production service(s): {}",
                    f.unavailable.len(),
                    f.unavailable.join(", ")
                )
            };
            let storage: Vec<&str> = f
                .reasons
                .iter()
                .filter(|r| r.contains(": unavailable:"))
                .filter_map(|r| r.split(':').next())
                .collect();
            let storage = if storage.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} {} unavailable with it, not lost",
                    storage.join(", "),
                    if storage.len() == 1 { "is" } else { "are" }
                )
            };
            let how_long = match f.injected_hours {
                Some(h) => format!(
                    " for {} h (as scenario {scenario} injects it)",
                    crate::render::num(h, 1)
                ),
                None => " until it is back".to_string(),
            };
            out.push(format!(
                "Losing {} {} ({} hosts) {what}{how_long}{storage}.",
                f.kind, f.domain, f.hosts
            ));
            let more = page.production.len() - 1;
            if more > 0 {
                out.push(format!(
                    "{more} more failure domain(s) are not survived by production; each is listed below with its reasons."
                ));
            }
        }
    }
    if !page.non_production.is_empty() {
        out.push(format!(
            "Non-production (environments, dev, test, staging) does not survive {} domain(s); listed apart.",
            page.non_production.len()
        ));
    }
    for o in &page.overloads {
        out.push(format!(
            "{} is overloaded {}: {} of what its replicas can serve.",
            o.service,
            o.when,
            o.utilisation_percent
                .map_or("no replica left".into(), |u| format!(
                    "{}%",
                    crate::render::num(u, 0)
                ))
        ));
    }
    out
}

fn verb(f: &Finding) -> &'static str {
    if f.verdict == "fails" {
        "fails"
    } else {
        "leaves production degraded"
    }
}
