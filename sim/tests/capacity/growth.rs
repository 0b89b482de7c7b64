//! Growth: compound growth to a ceiling, and what a pool or a cluster must add.

use sim::capacity::growth::{Growth, Model, Period, months_to_ceiling};

use crate::common::{capacity_of, close};

#[test]
fn compound_growth_from_60_to_80_percent_at_5_percent_a_month_takes_5_896_months() {
    let growth = Growth {
        rate: 0.05,
        per: Period::Month,
        model: Model::Compound,
        ceiling: 0.8,
    };
    let months = months_to_ceiling(0.6, &growth).unwrap();
    close(months, 5.896, 0.0005);
    close(0.6 * growth.factor(months), 0.8, 1e-12);
    // Linear: 60% × (1 + 0.05 t) = 80% at t = 6.667 months; a yearly rate of 60% compounds
    // to the same monthly figure as (1.6)^(1/12).
    let linear = Growth {
        model: Model::Linear,
        ..growth
    };
    close(months_to_ceiling(0.6, &linear).unwrap(), 20.0 / 3.0, 1e-9);
    let yearly = Growth {
        rate: 0.6,
        per: Period::Year,
        ..growth
    };
    close(
        months_to_ceiling(0.6, &yearly).unwrap(),
        12.0 * (4.0f64 / 3.0).ln() / 1.6f64.ln(),
        1e-9,
    );
    assert_eq!(months_to_ceiling(0.85, &growth), Some(0.0));
    assert_eq!(months_to_ceiling(0.0, &growth), None);
    assert_eq!(
        months_to_ceiling(
            0.5,
            &Growth {
                rate: 0.0,
                ..growth
            }
        ),
        None
    );
}

#[test]
fn growth_of_a_pool_and_what_to_add() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 1
  host {
    cpu    = 10
    memory = "10GiB"
  }
}
vm "a" {
  pool   = host_pool.p
  cpu    = 6
  memory = "3GiB"
  zone   = network_zone.app
}
scenario "grow" {
  horizon = "365d"
  growth {
    rate = "5%"
    per  = "month"
  }
}
"#;
    let r = capacity_of(hcl, 1);
    let g = &r.growth[0];
    assert_eq!(g.scenario, "scenario.grow");
    assert_eq!(g.horizon_months, 12.0);
    let p = &g.pools[0];
    assert_eq!(p.cpu.now_percent, 60.0);
    close(p.cpu.crosses_in_months.unwrap(), 5.896, 0.0005);
    assert_eq!(p.memory.now_percent, 30.0);
    // 6 vCPUs × 1.05^12 = 10.78 needs two hosts at 80%: one more, by month 5.9.
    assert_eq!(p.hosts_to_add, 1);
    assert_eq!(p.add.len(), 1);
    close(p.add[0].by_month, 5.9, 0.005);
    assert_eq!(g.first_full.as_deref(), Some("host_pool.p"));
}

#[test]
fn growth_of_a_cluster_adds_nodes_of_its_largest_group() {
    let hcl = r#"
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 64
    memory = "256GiB"
  }
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {}
  node_group "w" {
    count  = 2
    cpu    = 4
    memory = "16GiB"
  }
  reserved {
    kube_cpu    = 0
    kube_memory = "0B"
    eviction    = "0B"
  }
}
service "s" {
  cluster  = kubernetes_cluster.k
  replicas = 4
  cpu      = "1200m"
  memory   = "1GiB"
}
scenario "grow" {
  horizon = "2y"
  growth {
    rate  = "10%"
    per   = "month"
    model = "linear"
  }
}
"#;
    let r = capacity_of(hcl, 1);
    let c = &r.growth[0].clusters[0];
    // 4.8 of 8 cores: 60%; linear 10% a month reaches 80% after 3.33 months.
    assert_eq!(c.cpu.now_percent, 60.0);
    close(c.cpu.crosses_in_months.unwrap(), 10.0 / 3.0, 0.001);
    assert_eq!(c.node_group.as_deref(), Some("w"));
    // At 24 months: 4.8 × 3.4 = 16.32 cores / 0.8 = 20.4 → 6 nodes of 4, 4 more.
    assert_eq!(c.nodes_to_add, 4);
    assert_eq!(c.add.len(), 4);
    close(c.add[0].by_month, 3.33, 0.006);
    assert_eq!(c.add[3].total, 4);
}
