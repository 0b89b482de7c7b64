//! Property: whatever sequence of set, change, `null` and removal is made to the optional
//! attributes (and optional nested blocks) of every kind, each apply leaves the objects
//! as the blueprint now writes them, and the next plan is empty.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

fn strata(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// An optional attribute: the block it is in (by its marker line), its name, two values,
/// and whether it has a default (so that unsetting it gives the default, not nothing).
struct Optional {
    marker: &'static str,
    address: &'static str,
    name: &'static str,
    values: [&'static str; 2],
    default: bool,
}

const OPTIONALS: &[Optional] = &[
    Optional {
        marker: "#site",
        address: "site.dc1",
        name: "location",
        values: ["\"Frankfurt\"", "\"Paris\""],
        default: false,
    },
    Optional {
        marker: "#site",
        address: "site.dc1",
        name: "description",
        values: ["\"main\"", "\"\""],
        default: false,
    },
    Optional {
        marker: "#pool",
        address: "host_pool.p",
        name: "description",
        values: ["\"prod\"", "\"prod pool\""],
        default: false,
    },
    Optional {
        marker: "#pool",
        address: "host_pool.p",
        name: "ha",
        values: [
            "{\n    admission = \"percentage\"\n    reserve = 0.25\n  }",
            "{\n    admission = \"percentage\"\n    reserve = 0.3\n  }",
        ],
        default: false,
    },
    Optional {
        marker: "#zone",
        address: "network_zone.app",
        name: "vlan",
        values: ["10", "20"],
        default: false,
    },
    Optional {
        marker: "#zone",
        address: "network_zone.app",
        name: "description",
        values: ["\"apps\"", "\"apps and \\\"more\\\"\""],
        default: false,
    },
    Optional {
        marker: "#policy",
        address: "network_policy.web",
        name: "description",
        values: ["\"web\"", "\"https\""],
        default: false,
    },
    Optional {
        marker: "#storage",
        address: "storage.disks",
        name: "cost",
        values: ["100", "250.5"],
        default: false,
    },
    Optional {
        marker: "#vm",
        address: "vm.a",
        name: "os",
        values: ["\"debian\"", "\"rhel\""],
        default: false,
    },
    Optional {
        marker: "#vm",
        address: "vm.a",
        name: "description",
        values: ["\"bastion\"", "\"jump host\""],
        default: false,
    },
    Optional {
        marker: "#cluster",
        address: "kubernetes_cluster.k",
        name: "description",
        values: ["\"dev\"", "\"dev cluster\""],
        default: false,
    },
    Optional {
        marker: "#cluster",
        address: "kubernetes_cluster.k",
        name: "version",
        values: ["\"1.30\"", "\"1.31\""],
        default: true,
    },
    Optional {
        marker: "#service",
        address: "service.api",
        name: "image",
        values: ["\"api:1\"", "\"api:2\""],
        default: false,
    },
    Optional {
        marker: "#service",
        address: "service.api",
        name: "target",
        values: ["\"99.9%\"", "\"99.95%\""],
        default: false,
    },
    Optional {
        marker: "#service",
        address: "service.api",
        name: "replicas",
        values: ["2", "3"],
        default: true,
    },
    Optional {
        marker: "#service",
        address: "service.api",
        name: "load",
        values: [
            "{\n    rps = 100\n    service_time = \"20ms\"\n  }",
            "{\n    rps = 200\n    service_time = \"20ms\"\n  }",
        ],
        default: false,
    },
    Optional {
        marker: "#job",
        address: "job.once",
        name: "image",
        values: ["\"etl:1\"", "\"etl:2\""],
        default: false,
    },
    Optional {
        marker: "#env",
        address: "environment.sit",
        name: "owner",
        values: ["\"qa\"", "\"team qa\""],
        default: false,
    },
];

const BASE: &str = r#"
site "dc1" {
  #site
}
host_pool "p" {
  site  = site.dc1
  hosts = 3
  host {
    cpu    = 64
    memory = "256GiB"
  }
  #pool
}
network_zone "app" {
  cidr = "10.1.0.0/16"
  #zone
}
network_zone "dmz" {
  cidr = "10.2.0.0/16"
}
network_policy "web" {
  from  = network_zone.dmz
  to    = network_zone.app
  ports = [443]
  #policy
}
storage "disks" {
  type     = "local"
  pool     = host_pool.p
  capacity = "10TiB"
  #storage
}
vm "a" {
  pool   = host_pool.p
  zone   = network_zone.app
  cpu    = 1
  memory = "1GiB"
  #vm
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {
    count = 1
  }
  node_group "w" {
    count  = 2
    cpu    = 8
    memory = "32GiB"
  }
  #cluster
}
service "api" {
  cluster = kubernetes_cluster.k
  cpu     = "250m"
  memory  = "256MiB"
  #service
}
job "once" {
  cluster  = kubernetes_cluster.k
  duration = "1h"
  #job
}
environment "sit" {
  cluster  = kubernetes_cluster.k
  purpose  = "sit"
  ttl      = "3650d"
  services = [service.api]
  #env
}
"#;

/// How an optional attribute is written: not at all, one of its values, or `= null`.
#[derive(Clone, Copy, Debug)]
enum Written {
    Absent,
    Value(usize),
    Null,
}

fn blueprint(written: &BTreeMap<usize, Written>) -> String {
    let mut text = BASE.to_string();
    for (i, opt) in OPTIONALS.iter().enumerate() {
        let is_block = opt.values[0].starts_with('{');
        let line = match written.get(&i).copied().unwrap_or(Written::Absent) {
            Written::Absent => continue,
            // A block set to null is a block not written.
            Written::Null if is_block => continue,
            Written::Null => format!("{} = null", opt.name),
            Written::Value(v) if is_block => format!("{} {}", opt.name, opt.values[v]),
            Written::Value(v) => format!("{} = {}", opt.name, opt.values[v]),
        };
        text = text.replacen(opt.marker, &format!("{line}\n  {}", opt.marker), 1);
    }
    text
}

fn step() -> impl Strategy<Value = (usize, Written)> {
    (
        0..OPTIONALS.len(),
        prop_oneof![
            Just(Written::Absent),
            Just(Written::Value(0)),
            Just(Written::Value(1)),
            Just(Written::Null),
        ],
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn every_apply_converges(steps in prop::collection::vec(prop::collection::vec(step(), 1..5), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let mut written = BTreeMap::new();
        for changes in steps {
            written.extend(changes);
            let text = blueprint(&written);
            std::fs::write(dir.path().join("main.hcl"), &text).unwrap();
            let (code, out) = strata(dir.path(), &["apply", "-auto-approve"]);
            prop_assert_eq!(code, 0, "{}\n{}", text, out);
            let (code, out) = strata(dir.path(), &["plan", "-detailed-exitcode"]);
            prop_assert_eq!(code, 0, "the plan after apply is not empty:\n{}\n{}", text, out);
            let state: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(dir.path().join(".strata/state.json")).unwrap(),
            ).unwrap();
            for (i, opt) in OPTIONALS.iter().enumerate() {
                let object = state["objects"].as_array().unwrap().iter()
                    .find(|o| o["address"] == opt.address).unwrap();
                let has = object["attributes"].get(opt.name).is_some();
                match written.get(&i).copied().unwrap_or(Written::Absent) {
                    Written::Value(_) => prop_assert!(has, "{} {} missing\n{}", opt.address, opt.name, text),
                    _ if opt.default => prop_assert!(has, "{} {} lost its default", opt.address, opt.name),
                    _ => prop_assert!(!has, "{} {} still set after unsetting it\n{}", opt.address, opt.name, text),
                }
            }
        }
    }
}
