//! A provider-read HA admission policy replaces the blueprint's `ha` block, in capacity and
//! in the simulation alike, and a block that says otherwise is warned about at its place.

mod common;

use std::collections::BTreeMap;

use common::GIB;
use sim::capacity::{Options, analyse};
use sim::measured::{HaPolicy, Measured, apply, disagreements};

const HCL: &str = r#"site "dc1" {}

host_pool "cluster" {
  site  = site.dc1
  hosts = 4
  host {
    cpu    = 16
    memory = "64GiB"
  }
  ha {
    admission = "percentage"
    reserve   = 0.5
  }
}
"#;

fn read(ha: HaPolicy) -> BTreeMap<String, Measured> {
    [(
        "host_pool.cluster".to_string(),
        Measured {
            hosts: Some(4),
            cores: 16.0,
            memory: 64.0 * GIB,
            ha: Some(ha),
            from: "vSphere cluster \"C\"".into(),
        },
    )]
    .into()
}

#[test]
fn the_provider_s_policy_counts_in_capacity_and_the_simulation() {
    let config = common::load(HCL);
    for policy in [
        HaPolicy::Slots { host_failures: 2 },
        HaPolicy::FailoverHosts { hosts: 1 },
        HaPolicy::Percentage { reserve: 0.25 },
        HaPolicy::Disabled,
    ] {
        let measured = read(policy);
        let options = Options {
            measured: measured.clone(),
            ..Options::default()
        };
        let report = analyse(&config, &options).unwrap();
        let pool = &report.pools[0];
        assert_eq!(pool.ha.policy, policy.name());
        assert_eq!(
            pool.ha.configured_host_failures,
            policy.configured_failures(4)
        );
        assert_eq!(pool.figures_from.as_deref(), Some("vSphere cluster \"C\""));
        let topology = sim::Topology::from_config(&apply(&config, &measured)).unwrap();
        assert_eq!(topology.pools[0].ha, policy);
        // Said otherwise in the blueprint: one warning, at the `ha` block, naming both.
        let warnings = disagreements(&config, &measured);
        assert_eq!(warnings.len(), 1, "{policy:?}");
        let w = &warnings[0];
        assert!(!w.is_error());
        let at = HCL.find("ha {").unwrap() as u32;
        assert_eq!(w.span.map(|s| s.start), Some(at), "{w:?}");
        assert!(
            w.detail
                .contains("percentage, 50% of CPU and memory reserved")
                && w.detail.contains(&sim::measured::describe(policy)),
            "{}",
            w.detail
        );
    }
}

#[test]
fn a_block_that_agrees_or_none_is_silent_and_unread_policies_keep_the_block() {
    let config = common::load(HCL);
    let same = read(HaPolicy::Percentage { reserve: 0.5 });
    assert!(disagreements(&config, &same).is_empty());
    let without = common::load(&HCL.replace(
        "  ha {\n    admission = \"percentage\"\n    reserve   = 0.5\n  }\n",
        "",
    ));
    assert!(disagreements(&without, &read(HaPolicy::Disabled)).is_empty());
    let mut unread = read(HaPolicy::Disabled);
    unread.get_mut("host_pool.cluster").unwrap().ha = None;
    assert!(disagreements(&config, &unread).is_empty());
    let options = Options {
        measured: unread,
        ..Options::default()
    };
    let pool = &analyse(&config, &options).unwrap().pools[0];
    assert_eq!(pool.ha.policy, "percentage");
    assert_eq!(pool.ha.reserve_percent, Some(50.0));
}
