//! The mapping of network policies, on a blueprint written inline and checked by hand:
//! flows to NetworkPolicy rules, default deny, deny policies, policies to VMs.

mod common;

use common::{find, has, rendered};
use serde_json::json;

#[test]
fn flows_become_network_policies_with_default_deny() {
    let all = rendered(
        r#"
vm "bastion" {
  pool    = host_pool.p
  zone    = network_zone.dmz
  cpu     = 1
  memory  = "1GiB"
  address = "10.9.0.10"
}
service "api" {
  cluster = kubernetes_cluster.c
  image   = "api:1"
}
service "db" {
  cluster = kubernetes_cluster.c
  kind    = "database"
  zone    = network_zone.data
  image   = "postgres:16"
}
network_policy "api_to_db" {
  from  = service.api
  to    = service.db
  ports = [5432]
}
network_policy "dmz_in" {
  from     = [network_zone.dmz, vm.bastion]
  to       = network_zone.app
  ports    = [53]
  protocol = "any"
}
network_policy "no_dmz_to_data" {
  from   = network_zone.dmz
  to     = network_zone.data
  ports  = []
  action = "deny"
}
network_policy "to_vms_only" {
  from  = network_zone.app
  to    = vm.bastion
  ports = [22]
}
"#,
    );
    let policy = find(&all, "NetworkPolicy", "data", "api-to-db");
    assert_eq!(
        policy["spec"],
        json!({
            "podSelector": { "matchLabels": { "app.kubernetes.io/name": "db" } },
            "policyTypes": ["Ingress"],
            "ingress": [{
                "from": [{
                    "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "app" } },
                    "podSelector": { "matchLabels": { "app.kubernetes.io/name": "api" } },
                }],
                "ports": [{ "port": 5432, "protocol": "TCP" }],
            }],
        })
    );
    let dmz = find(&all, "NetworkPolicy", "app", "dmz-in");
    assert_eq!(dmz["spec"]["podSelector"], json!({}));
    assert_eq!(
        dmz["spec"]["ingress"][0]["from"],
        json!([
            { "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "dmz" } } },
            { "ipBlock": { "cidr": "10.9.0.0/24" } },
            { "ipBlock": { "cidr": "10.9.0.10/32" } },
        ])
    );
    assert_eq!(
        dmz["spec"]["ingress"][0]["ports"],
        json!([{ "port": 53, "protocol": "TCP" }, { "port": 53, "protocol": "UDP" }])
    );
    let deny = |ns| find(&all, "NetworkPolicy", ns, "default-deny")["spec"].clone();
    assert_eq!(
        deny("app"),
        json!({ "podSelector": {}, "policyTypes": ["Ingress"] })
    );
    assert_eq!(deny("data"), deny("app"));
    // A deny admits nothing; a policy to VMs only is the VM providers'.
    assert!(!has(&all, "NetworkPolicy", "no-dmz-to-data"));
    assert!(!has(&all, "NetworkPolicy", "to-vms-only"));
    assert_eq!(
        all.iter().filter(|m| m.kind() == "NetworkPolicy").count(),
        4
    );
}
