//! The reference platform losing a site.

use sim::failover::{Failover, Scenario};
use sim::topology::Topology;
use sim::{RunConfig, SimTime, run};

fn reference_platform(scenario: &str) -> Failover {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../blueprints/reference-platform");
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(&dir, &Default::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    let topology = Topology::from_config(&config).unwrap();
    let scenario = Scenario::from_config(&config, &topology, Some(scenario)).unwrap();
    Failover::new(topology, scenario)
}

#[test]
fn reference_platform_site_loss() {
    // dc1 is down for 6 h in every replication: production is down at least that long
    // plus a boot and a pod start; the clusters of dc2 only see host failures.
    let sim = reference_platform("site_loss");
    let config = RunConfig::new("site_loss", 7, 20, SimTime::from_years(1));
    let outcome = run(&config, &sim).unwrap();
    let row = |address: &str| {
        outcome
            .services
            .iter()
            .find(|s| s.address == address)
            .unwrap_or_else(|| panic!("no row {address}"))
    };
    let site = 6.0 * 60.0;
    for service in [
        "service.postgres",
        "module.messaging.service.kafka",
        "service.customer_portal",
    ] {
        let minutes = row(service).downtime_minutes_per_year.mean;
        assert!(
            minutes >= site + 2.5 && minutes < site + 30.0,
            "{service}: {minutes}"
        );
    }
    let prod = row("module.prod.kubernetes_cluster.this");
    assert!(prod.downtime_minutes_per_year.mean >= site + 2.0);
    let test = row("module.nonprod[\"test\"].kubernetes_cluster.this");
    assert!(test.downtime_minutes_per_year.mean < 10.0);
    assert!(row("storage.ceph").downtime_minutes_per_year.mean >= site);
    assert_eq!(row("storage.nfs").outages_per_year.mean, 0.0);
    assert!(row("storage.ceph/data_at_risk").outages_per_year.mean >= 1.0);
}
