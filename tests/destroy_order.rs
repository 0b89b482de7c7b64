//! Destroy order follows the dependencies the state recorded: an object leaving the
//! blueprint is deleted only after everything that depended on it at its last apply is
//! deleted, replaced or moved off it. End-to-end on the simulated datacenter, which, like
//! a real console, refuses to delete what is still in use.

mod common;

use common::{apply_ok, code, inline, sim_addresses, strata, text, write};

const POOL_OLD: &str = r#"
site "dc" {}

host_pool "old" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}

network_zone "z" {
  cidr = "10.0.0.0/24"
}

vm "db" {
  pool   = host_pool.old
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}
"#;

const POOL_NEW: &str = r#"
site "dc" {}

host_pool "new" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}

network_zone "z" {
  cidr = "10.0.0.0/24"
}

vm "db" {
  pool   = host_pool.new
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}
"#;

/// The example of issue 8: the pool block is deleted and the VM moves to a new pool
/// (`pool` forces a replacement). The VM's old object goes first, then the old pool.
#[test]
fn deleted_pool_goes_after_the_vm_that_ran_on_it() {
    let dir = inline(POOL_OLD);
    apply_ok(dir.path());
    write(dir.path(), POOL_NEW);
    let out = strata(dir.path(), &["apply", "-auto-approve", "-parallelism", "1"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("# vm.db must be replaced"),
        "{}",
        text(&out)
    );
    assert_eq!(
        sim_addresses(dir.path()),
        ["host_pool.new", "network_zone.z", "site.dc", "vm.db"]
    );
    let again = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&again), 0, "{}", text(&again));
}

/// The same move through an attribute that is updated in place: the VM changes zone, the
/// old zone's block is deleted. The update must be done before the old zone's delete,
/// since the VM holds an address in it until then.
#[test]
fn deleted_zone_goes_after_the_vm_updated_off_it() {
    let v1 = POOL_OLD.replace(
        "network_zone \"z\" {\n  cidr = \"10.0.0.0/24\"\n}",
        "network_zone \"z\" {\n  cidr = \"10.0.0.0/24\"\n}\n\nnetwork_zone \"y\" {\n  cidr = \"10.1.0.0/24\"\n}",
    );
    let v2 = POOL_OLD
        .replace("cidr = \"10.0.0.0/24\"", "cidr = \"10.1.0.0/24\"")
        .replace("network_zone \"z\"", "network_zone \"y\"")
        .replace("network_zone.z", "network_zone.y");
    let dir = inline(&v1);
    apply_ok(dir.path());
    write(dir.path(), &v2);
    for parallelism in ["1", "10"] {
        let plan = strata(dir.path(), &["plan"]);
        assert!(
            text(&plan).contains("# vm.db will be updated in-place"),
            "{}",
            text(&plan)
        );
        let out = strata(
            dir.path(),
            &["apply", "-auto-approve", "-parallelism", parallelism],
        );
        assert_eq!(code(&out), 0, "{}", text(&out));
        assert_eq!(
            sim_addresses(dir.path()),
            ["host_pool.old", "network_zone.y", "site.dc", "vm.db"]
        );
        // Back to version 1 and forward again, at the other parallelism.
        write(dir.path(), &v1);
        apply_ok(dir.path());
        write(dir.path(), &v2);
    }
}

/// Random pairs of blueprint versions over one set of blocks: each version keeps a random
/// subset of them and points each reference at a random block of the right kind (so
/// blocks come and go, dependents move from one to another, and pools move between sites,
/// which replaces them and what runs on them), plus random `depends_on` edges. Applying version 1 then version 2 in-process, with the real
/// simulated datacenter (which refuses to delete what is in use), never fails, whatever
/// the parallelism, and every operation starts only after those it must follow finished.
mod random_pairs {
    use planner::state::LocalBackend;
    use proptest::prelude::*;

    use crate::common::walk::plan_and_apply as apply;

    /// The blocks a version may hold, in an order where references point backwards.
    const SLOTS: &[(&str, &str)] = &[
        ("site", "s0"),
        ("site", "s1"),
        ("host_pool", "p0"),
        ("host_pool", "p1"),
        ("host_pool", "p2"),
        ("network_zone", "z0"),
        ("network_zone", "z1"),
        ("network_zone", "z2"),
        ("storage", "t0"),
        ("storage", "t1"),
        ("vm", "v0"),
        ("vm", "v1"),
        ("vm", "v2"),
        ("vm", "v3"),
        ("kubernetes_cluster", "k0"),
        ("kubernetes_cluster", "k1"),
        ("service", "a0"),
        ("service", "a1"),
        ("service", "a2"),
    ];

    /// Per block: kept or not, and four choices (its references, then `depends_on`).
    type Version = Vec<(bool, [u8; 4])>;

    fn version() -> impl Strategy<Value = Version> {
        prop::collection::vec((prop::bool::weighted(0.75), any::<[u8; 4]>()), SLOTS.len())
    }

    /// The blueprint text of a version, and the addresses it declares.
    fn render(version: &Version) -> (String, Vec<String>) {
        let mut text = String::new();
        let mut present: Vec<usize> = Vec::new();
        for (i, ((kind, name), (keep, picks))) in SLOTS.iter().zip(version).enumerate() {
            if !keep {
                continue;
            }
            let of = |k: &str| -> Vec<usize> {
                present
                    .iter()
                    .copied()
                    .filter(|&j| SLOTS[j].0 == k)
                    .collect()
            };
            let address = |j: usize| format!("{}.{}", SLOTS[j].0, SLOTS[j].1);
            // A required reference: a block of that kind, or this block is left out.
            let required = |k: &str, pick: u8| {
                let found = of(k);
                (!found.is_empty()).then(|| address(found[pick as usize % found.len()]))
            };
            // Which blocks take a storage is fixed per block: an optional attribute that
            // comes and goes between versions is another matter than ordering.
            let storage = |pick: u8| required("storage", pick);
            let body = match *kind {
                "site" => Some(String::new()),
                "host_pool" => required("site", picks[0]).map(|site| {
                    format!("site = {site}\n  hosts = 4\n  host {{\n    cpu = 64\n    memory = \"256GiB\"\n  }}")
                }),
                "network_zone" => Some(format!("cidr = \"10.{i}.0.0/24\"")),
                "storage" => Some("type = \"nfs\"\n  capacity = \"1TiB\"".to_string()),
                "vm" => required("host_pool", picks[0]).zip(required("network_zone", picks[1])).map(
                    |(pool, zone)| format!("pool = {pool}\n  zone = {zone}\n  cpu = 1\n  memory = \"1GiB\""),
                ),
                "kubernetes_cluster" => {
                    let with_storage = match *name {
                        "k0" => storage(picks[2]).map(|s| format!("\n  storage = {s}")),
                        _ => Some(String::new()),
                    };
                    required("host_pool", picks[0])
                        .zip(required("network_zone", picks[1]))
                        .zip(with_storage)
                        .map(|((pool, zone), storage)| {
                            format!(
                                "pool = {pool}\n  zone = {zone}{storage}\n  control_plane {{\n    count = 1\n    cpu = 2\n    memory = \"4GiB\"\n  }}\n  node_group \"w\" {{\n    count = 2\n    cpu = 4\n    memory = \"8GiB\"\n  }}"
                            )
                        })
                }
                _ => {
                    let volume = match *name {
                        "a0" => storage(picks[1])
                            .map(|s| format!("\n  volume {{\n    size = \"1GiB\"\n    storage = {s}\n  }}")),
                        _ => Some(String::new()),
                    };
                    required("kubernetes_cluster", picks[0]).zip(volume).map(|(cluster, volume)| {
                        format!("cluster = {cluster}\n  replicas = 1\n  cpu = \"100m\"\n  memory = \"128MiB\"{volume}")
                    })
                }
            };
            let Some(mut body) = body else { continue };
            // Workloads may also wait for any earlier block. (Not zones or storage: a VM
            // moving off a deleted zone that waited for a pool being replaced, onto a zone
            // that waits for the new pool, cannot be ordered; the recorded order yields,
            // the old zone goes first while the VM still holds an address in it, and the
            // datacenter refuses, as it would under Terraform.)
            if matches!(*kind, "vm" | "kubernetes_cluster" | "service")
                && let Some(&j) = present.get(picks[3] as usize % (present.len() + 1))
            {
                body.push_str(&format!("\n  depends_on = [{}]", address(j)));
            }
            text.push_str(&format!("{kind} \"{name}\" {{\n  {body}\n}}\n\n"));
            present.push(i);
        }
        let mut addresses: Vec<String> = present
            .iter()
            .map(|&j| format!("{}.{}", SLOTS[j].0, SLOTS[j].1))
            .collect();
        addresses.sort();
        (text, addresses)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        #[test]
        fn applying_one_version_after_another_never_fails(
            first in version(),
            second in version(),
            parallelism in prop::sample::select(vec![1usize, 2, 4, 10]),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let backend = LocalBackend::new(dir.path().join(".strata"));
            let (v1, _) = render(&first);
            let (v2, declared) = render(&second);
            std::fs::write(dir.path().join("main.hcl"), &v1).unwrap();
            apply(dir.path(), &backend, parallelism);
            std::fs::write(dir.path().join("main.hcl"), &v2).unwrap();
            apply(dir.path(), &backend, parallelism);
            let mut kept: Vec<String> = backend
                .load()
                .unwrap()
                .unwrap()
                .objects
                .iter()
                .map(|o| o.address.to_string())
                .collect();
            kept.sort();
            prop_assert_eq!(kept, declared);
            let again = apply(dir.path(), &backend, parallelism);
            prop_assert!(again.is_none(), "a plan after apply must be empty:\n{}\n{}", v2, again.unwrap_or_default());
        }
    }
}
