//! `strata capacity`: allocation and headroom per host pool, cluster and storage, N+k
//! survivability with HA admission control, growth runway, consolidation and latency under
//! failure, as tables or as JSON (docs/capacity.md).

use ::sim::capacity::allocation::{Bytes, Cpu};
use ::sim::capacity::queue::QueueFigures;
use ::sim::capacity::survive::{DomainOutcome, Verdict};
use ::sim::capacity::{self, Capacity, Options, bytes};

use crate::cli::CapacityArgs;
use crate::printer::Printer;
use crate::table::table;

pub fn run(args: &CapacityArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let Some((config, sources)) =
        super::load_valid(&args.dir, &args.vars, "planning capacity", printer)
    else {
        return Ok(1);
    };
    let state =
        super::runtime()?.block_on(crate::reading::read_state(&args.dir, &args.state, printer))?;
    let options = Options {
        k: args.k,
        scenario: args.scenario.clone(),
        measured: super::measured::read(&state),
    };
    let disagree = ::sim::measured::disagreements(&config, &options.measured);
    printer.diagnostics(&disagree.into_iter().collect(), &sources);
    let report = match capacity::analyse(&config, &options) {
        Ok(report) => report,
        Err(e) => {
            printer.failure(&e.to_string());
            return Ok(1);
        }
    };
    if args.json {
        printer.json(&serde_json::to_value(&report)?);
    } else {
        printer.text(&render(&report));
        super::measured::note(&options.measured, printer);
    }
    Ok(0)
}

/// A number for people: at most two decimals, no trailing zeros.
fn num(x: f64) -> String {
    let text = format!("{x:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

fn pct(x: f64) -> String {
    format!("{}%", num((x * 10.0).round() / 10.0))
}

fn cpu_cell(c: &Cpu) -> String {
    format!("{} / {}", num(c.used), num(c.capacity))
}

fn bytes_cell(b: &Bytes) -> String {
    format!("{} / {}", bytes(b.used as f64), bytes(b.capacity as f64))
}

fn months(m: Option<f64>) -> String {
    match m {
        Some(m) if m <= 0.0 => "now".into(),
        Some(m) => format!("{} months", num((m * 10.0).round() / 10.0)),
        None => "not within 20 years".into(),
    }
}

fn ms(x: Option<f64>) -> String {
    x.map_or_else(|| "unbounded".into(), |v| format!("{} ms", num(v)))
}

/// The report as tables.
pub fn render(r: &Capacity) -> String {
    let mut out = String::new();
    pools(r, &mut out);
    clusters(r, &mut out);
    storage(r, &mut out);
    survivability(r, &mut out);
    growth(r, &mut out);
    consolidation(r, &mut out);
    latency(r, &mut out);
    out
}

fn pools(r: &Capacity, out: &mut String) {
    if r.pools.is_empty() {
        return;
    }
    out.push_str("Host pools (vCPUs with overcommit; allocated / capacity)\n");
    let rows: Vec<Vec<String>> = r
        .pools
        .iter()
        .map(|p| {
            vec![
                p.pool.clone(),
                p.hosts.to_string(),
                cpu_cell(&p.cpu),
                pct(p.cpu.headroom_percent),
                bytes_cell(&p.memory),
                pct(p.memory.headroom_percent),
                p.cost_per_year.map_or_else(String::new, num),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "POOL",
            "HOSTS",
            "vCPU",
            "FREE",
            "MEMORY",
            "FREE",
            "COST/YEAR",
        ],
        &rows,
    ));
    out.push_str("\n  HA admission control\n");
    for p in &r.pools {
        out.push_str(&format!(
            "    {} ({}{}): {}\n",
            p.pool,
            p.ha.policy,
            if p.ha.admits { "" } else { ", NOT MET" },
            p.ha.summary
        ));
        if let Some(yet) = &p.ha.yet {
            out.push_str(&format!("      but {yet}\n"));
        }
        if !p.not_placed.is_empty() {
            out.push_str(&format!(
                "      fit on no host: {}\n",
                p.not_placed.join(", ")
            ));
        }
    }
    out.push('\n');
}

fn clusters(r: &Capacity, out: &mut String) {
    if r.clusters.is_empty() {
        return;
    }
    out.push_str("Kubernetes clusters (pod requests / node allocatable)\n");
    let rows: Vec<Vec<String>> = r
        .clusters
        .iter()
        .map(|c| {
            vec![
                c.cluster.clone(),
                format!("{}+{}", c.control_plane, c.workers),
                c.pods.to_string(),
                cpu_cell(&c.cpu),
                pct(c.cpu.headroom_percent),
                bytes_cell(&c.memory),
                pct(c.memory.headroom_percent),
                format!(
                    "{} / {}",
                    num(c.reserved.cpu),
                    bytes(c.reserved.memory as f64)
                ),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "CLUSTER", "NODES", "PODS", "CPU", "FREE", "MEMORY", "FREE", "RESERVED",
        ],
        &rows,
    ));
    for c in &r.clusters {
        for (workload, pods) in &c.not_scheduled {
            out.push_str(&format!(
                "    {}: {pods} pod(s) of {workload} fit on no node\n",
                c.cluster
            ));
        }
    }
    out.push('\n');
}

fn storage(r: &Capacity, out: &mut String) {
    if r.storage.is_empty() {
        return;
    }
    out.push_str("Storage (volumes claimed / usable capacity)\n");
    let rows: Vec<Vec<String>> = r
        .storage
        .iter()
        .map(|s| {
            vec![
                s.storage.clone(),
                s.kind.clone(),
                bytes_cell(&s.space),
                pct(s.space.headroom_percent),
            ]
        })
        .collect();
    out.push_str(&table(&["STORAGE", "TYPE", "CLAIMED", "FREE"], &rows));
    out.push('\n');
}

fn outcome_lines(o: &DomainOutcome, out: &mut String) {
    let scope = if o.verdict != o.production_verdict {
        format!(" (production: {})", o.production_verdict.name())
    } else {
        String::new()
    };
    out.push_str(&format!(
        "    {} {} ({} host(s)): {}{scope}\n",
        o.kind.name(),
        o.domain,
        o.hosts,
        o.verdict.name()
    ));
    for r in &o.reasons {
        let tag = if r.production { "" } else { "non-production: " };
        out.push_str(&format!("      {tag}{}\n", r.text));
    }
}

fn survivability(r: &Capacity, out: &mut String) {
    let s = &r.survivability;
    out.push_str(&format!(
        "Survivability (N+{}): {} failure domains: {} survive, {} degraded, {} fail\n",
        s.k, s.domains, s.survives, s.degraded, s.fails
    ));
    if let Some((checked, total)) = s.pairs
        && checked < total
    {
        out.push_str(&format!(
            "  {checked} of {total} host pairs checked (the most loaded hosts of large pools)\n"
        ));
    }
    let rows: Vec<Vec<String>> = s
        .pools
        .iter()
        .map(|p| {
            let mut row = vec![
                p.pool.clone(),
                p.hosts.to_string(),
                p.one_host.name().to_string(),
            ];
            if let Some(two) = p.two_hosts {
                row.push(two.name().to_string());
            }
            row
        })
        .collect();
    let mut headers = vec!["POOL", "HOSTS", "ANY ONE HOST"];
    if s.k >= 2 {
        headers.push("ANY TWO HOSTS");
    }
    out.push_str(&table(&headers, &rows));
    let bad: Vec<&DomainOutcome> = s
        .outcomes
        .iter()
        .filter(|o| o.verdict != Verdict::Survives)
        .collect();
    if !bad.is_empty() {
        out.push_str("\n  What does not survive\n");
        for o in bad {
            outcome_lines(o, out);
        }
    }
    out.push('\n');
}

fn growth(r: &Capacity, out: &mut String) {
    for g in &r.growth {
        out.push_str(&format!(
            "Growth ({}: {}% a {}, {}, full at {}%, horizon {} months)\n",
            g.scenario,
            num(g.rate_percent),
            serde_json::to_value(g.per)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            serde_json::to_value(g.model)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            num(g.ceiling_percent),
            num(g.horizon_months)
        ));
        match (&g.first_full, g.runway_months) {
            (Some(first), Some(m)) => out.push_str(&format!(
                "  Runway: {} until {first} is full.\n",
                months(Some(m))
            )),
            _ => out.push_str("  Runway: nothing is full within 20 years.\n"),
        }
        let mut rows = Vec::new();
        for p in &g.pools {
            rows.push(vec![
                p.pool.clone(),
                pct(p.cpu.now_percent),
                months(p.cpu.crosses_in_months),
                pct(p.memory.now_percent),
                months(p.memory.crosses_in_months),
                add(p.hosts_to_add, "host", p.add.first().map(|s| s.by_month)),
            ]);
        }
        for c in &g.clusters {
            rows.push(vec![
                c.cluster.clone(),
                pct(c.cpu.now_percent),
                months(c.cpu.crosses_in_months),
                pct(c.memory.now_percent),
                months(c.memory.crosses_in_months),
                add(c.nodes_to_add, "node", c.add.first().map(|s| s.by_month)),
            ]);
        }
        for s in &g.storage {
            rows.push(vec![
                s.storage.clone(),
                String::new(),
                String::new(),
                pct(s.space.now_percent),
                months(s.space.crosses_in_months),
                if s.bytes_to_add > 0 {
                    format!("{} more", bytes(s.bytes_to_add as f64))
                } else {
                    "nothing".into()
                },
            ]);
        }
        out.push_str(&table(
            &[
                "WHAT",
                "CPU NOW",
                "CPU FULL IN",
                "MEMORY/SPACE NOW",
                "FULL IN",
                "TO ADD BY THE HORIZON",
            ],
            &rows,
        ));
        out.push('\n');
    }
}

fn add(count: u64, what: &str, first: Option<f64>) -> String {
    match (count, first) {
        (0, _) => "nothing".into(),
        (n, Some(m)) => format!("{n} {what}(s), the first {}", by(m)),
        (n, None) => format!("{n} {what}(s)"),
    }
}

fn by(m: f64) -> String {
    if m <= 0.0 {
        "now".into()
    } else {
        format!("by month {}", num((m * 10.0).floor() / 10.0))
    }
}

fn consolidation(r: &Capacity, out: &mut String) {
    let c = &r.consolidation;
    if c.clusters.is_empty() {
        return;
    }
    out.push_str("Consolidation (the same services as one VM per replica, or as pods)\n");
    let cost = |x: Option<f64>| x.map_or_else(|| "-".to_string(), num);
    let mut rows: Vec<Vec<String>> = c
        .clusters
        .iter()
        .map(|k| {
            vec![
                k.cluster.clone(),
                k.replicas.to_string(),
                format!("{} VMs on {} hosts", k.vms.guests, k.vms.hosts),
                cost(k.vms.cost_per_year),
                format!(
                    "{} nodes on {} hosts",
                    k.containers.guests, k.containers.hosts
                ),
                cost(k.containers.cost_per_year),
                format!(
                    "{} hosts, {}",
                    k.savings.hosts,
                    cost(k.savings.cost_per_year)
                ),
                pct(k.savings.percent),
            ]
        })
        .collect();
    let t = &c.total;
    rows.push(vec![
        "total".into(),
        c.clusters
            .iter()
            .map(|k| k.replicas)
            .sum::<usize>()
            .to_string(),
        format!("{} hosts", t.vm_hosts),
        cost(t.vm_cost_per_year),
        format!("{} hosts", t.container_hosts),
        cost(t.container_cost_per_year),
        format!(
            "{} hosts, {}",
            t.savings.hosts,
            cost(t.savings.cost_per_year)
        ),
        pct(t.savings.percent),
    ]);
    out.push_str(&table(
        &[
            "CLUSTER",
            "REPLICAS",
            "AS VMs",
            "COST/YEAR",
            "AS CONTAINERS",
            "COST/YEAR",
            "SAVED/YEAR",
            "SAVED",
        ],
        &rows,
    ));
    out.push('\n');
}

fn queue_cells(q: &QueueFigures) -> [String; 3] {
    [
        q.replicas.to_string(),
        format!("{:.3}", q.p_wait),
        ms(q.mean_response_ms),
    ]
}

fn latency(r: &Capacity, out: &mut String) {
    if r.latency.is_empty() {
        return;
    }
    out.push_str("Latency under failure (M/M/c, Erlang C; response = wait + service time)\n");
    let rows: Vec<Vec<String>> = r
        .latency
        .iter()
        .map(|l| {
            let [n, p, resp] = queue_cells(&l.all_replicas);
            let mut row = vec![l.service.clone(), num(l.rps), n, p, resp];
            match l.worst_with_some_left() {
                Some(a) => {
                    let [n, p, resp] = queue_cells(&a.now);
                    row.extend([format!("{} {}", a.kind.name(), a.domain), n, p, resp]);
                }
                None => row.extend(["-".into(), String::new(), String::new(), String::new()]),
            }
            row
        })
        .collect();
    out.push_str(&table(
        &[
            "SERVICE",
            "RPS",
            "REPLICAS",
            "P(WAIT)",
            "RESPONSE",
            "WORST LOSS (SOME LEFT)",
            "LEFT",
            "P(WAIT)",
            "RESPONSE",
        ],
        &rows,
    ));
    let down: Vec<String> = r
        .latency
        .iter()
        .filter_map(|l| {
            let a = l.down_after()?;
            Some(format!("{} ({} {})", l.service, a.kind.name(), a.domain))
        })
        .collect();
    if !down.is_empty() {
        out.push_str(&format!(
            "  Down entirely after the loss of a domain: {}\n",
            down.join(", ")
        ));
    }
}
