//! Snapshots of the diagnostics of applications on VMs (`service { vms = [...] }`): a
//! service runs on a cluster or on VMs, not both, not neither, and what only pods have
//! does not apply on VMs.

mod common;

use common::load;

/// A site, a pool, a zone and two VMs (lines 1 to 25).
const VMS: &str = r#"site "dc1" {}

host_pool "main" {
  site  = site.dc1
  hosts = 2

  host {
    cpu    = 32
    memory = "256GiB"
  }
}

network_zone "app" {
  cidr = "10.10.0.0/16"
}

vm "legacy" {
  count  = 2
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 4
  memory = "16GiB"
  disk   = "50GiB"
}

"#;

#[test]
fn an_application_on_vms_is_valid() {
    let out = load(&format!(
        "{VMS}service \"app\" {{\n  vms    = vm.legacy[*]\n  quorum = 1\n  target = 0.999\n}}\n"
    ));
    out.expect(0, 0, &[]);
}

#[test]
fn a_service_that_runs_nowhere() {
    let out = load(&format!("{VMS}service \"app\" {{\n  quorum = 1\n}}\n"));
    out.expect(1, 0, &["service.app runs nowhere", "vms = [vm.NAME, ...]"]);
    insta::assert_snapshot!("service_runs_nowhere", out.text);
}

#[test]
fn a_service_on_both_a_cluster_and_vms() {
    let out = load(&format!(
        r#"{VMS}kubernetes_cluster "k" {{
  pool = host_pool.main
  zone = network_zone.app

  control_plane {{
    count = 1
  }}

  node_group "w" {{
    count  = 2
    cpu    = 8
    memory = "32GiB"
  }}
}}

service "app" {{
  cluster = kubernetes_cluster.k
  vms     = vm.legacy[*]
}}
"#
    ));
    out.expect(
        1,
        0,
        &["service.app sets both cluster and vms", "migrates_to"],
    );
    insta::assert_snapshot!("service_on_cluster_and_vms", out.text);
}

#[test]
fn requests_do_not_apply_on_vms() {
    let out = load(&format!(
        "{VMS}service \"app\" {{\n  vms    = vm.legacy[*]\n  cpu    = 2\n  memory = \"4GiB\"\n}}\n"
    ));
    out.expect(
        2,
        0,
        &[
            "`cpu` does not apply to a service on VMs",
            "`memory` does not apply to a service on VMs",
        ],
    );
    insta::assert_snapshot!("requests_on_vms", out.text);
}
