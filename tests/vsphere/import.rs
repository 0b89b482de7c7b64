//! `strata import` against the simulator, as a Terraform user does it: a VM created by hand
//! (a raw CreateVM_Task, as govc vm.create makes it) on zone a's port group and LocalDS_0,
//! imported by its name; the plan then shows no change while the block matches, an
//! in-place update once it differs, applied to that same VM; an unknown id, an address
//! already in the state and a VM already managed elsewhere refused.

use std::time::Duration;

use vsphere::Client;
use vsphere::collector::{Object, Props};
use vsphere::soap::Moref;
use vsphere::spec::{Backing, ConfigSpec, new_devices};

use crate::lab::{Lab, text};

/// Every object of `kind` in the inventory, with `paths`.
async fn all(client: &Client, kind: &str, paths: &[&str]) -> Vec<Object> {
    let root = client.content().root_folder.clone();
    client
        .contents(&root, &[Props { kind, paths }])
        .await
        .unwrap()
}

/// The one `kind`'s reference at `path`.
async fn first_ref(client: &Client, kind: &str, path: &str) -> Moref {
    all(client, kind, &[path]).await[0].moref(path).unwrap()
}

/// Creates, powered off, a VM `name` of one vCPU, 64 MiB and a 1 GiB disk on LocalDS_0,
/// its NIC on the port group `portgroup`, as an operator would outside Strata. Its
/// reference.
async fn create_by_hand(client: &Client, name: &str, portgroup: &str) -> Moref {
    let switch_uuid = all(client, "DistributedVirtualSwitch", &["uuid"]).await[0]
        .text("uuid")
        .unwrap()
        .to_string();
    let key = all(client, "DistributedVirtualPortgroup", &["name", "key"])
        .await
        .into_iter()
        .find(|p| p.text("name") == Some(portgroup))
        .and_then(|p| p.text("key").map(str::to_string))
        .unwrap();
    let spec = ConfigSpec {
        name: Some(name.into()),
        guest_id: Some("otherGuest64".into()),
        vm_path: Some("[LocalDS_0]".into()),
        cpus: Some(1),
        memory_mb: Some(64),
        devices: new_devices(
            "LocalDS_0",
            1 << 20,
            &Backing::Portgroup { switch_uuid, key },
        ),
        ..ConfigSpec::default()
    };
    let folder = first_ref(client, "Datacenter", "vmFolder").await;
    let pool = first_ref(client, "ClusterComputeResource", "resourcePool").await;
    let made = client
        .run_task(
            "CreateVM_Task",
            &folder,
            &[
                spec.element("config"),
                vsphere::soap::El::moref("pool", &pool),
            ],
            Duration::from_secs(30),
        )
        .await
        .unwrap();
    made.and_then(|r| r.moref()).unwrap()
}

/// The blueprint's VM block for the VM made by hand, at `vm.NAME`.
fn vm_block(name: &str, cpu: u32) -> String {
    format!(
        r#"
vm "{name}" {{
  pool    = host_pool.cluster
  zone    = network_zone.a
  storage = storage.LocalDS_0
  cpu     = {cpu}
  memory  = "64MiB"
  disk    = "1GiB"
  running = false
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vm_created_by_hand_is_imported_by_name_then_planned_and_updated_in_place() {
    let Some(lab) = Lab::new("import_by_name") else {
        return;
    };
    lab.blueprint(0);
    let main = lab.dir.path().join("main.hcl");
    let base = std::fs::read_to_string(&main).unwrap();
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let client = lab.client().await;
    let vm = create_by_hand(&client, "legacy-db", "st-network_zone.a").await;
    std::fs::write(&main, format!("{base}{}", vm_block("db", 1))).unwrap();

    let out = lab.strata(&["import", "vm.db", "no-such-vm"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    for part in [
        "vm.db: cannot import \"no-such-vm\"",
        "vCenter has no vm with that reference or name",
        "a vm's import id is its managed object reference",
        "\"legacy-db\"",
    ] {
        assert!(shown.contains(part), "no {part:?} in {shown}");
    }

    let out = lab.strata(&["import", "vm.db", "legacy-db"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("Imported legacy-db (id \"{vm}\") into vm.db")),
        "{shown}"
    );
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = lab.strata(&["import", "vm.db", &vm.to_string()]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("vm.db is already managed"), "{shown}");
    // Its reference's value alone names it too; at a second address it is refused.
    std::fs::write(
        &main,
        format!("{base}{}{}", vm_block("db", 1), vm_block("copy", 1)),
    )
    .unwrap();
    let out = lab.strata(&["import", "vm.copy", &vm.value]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("already managed as vm.db"), "{shown}");

    // The block differs: the same VM is reconfigured, no other is made.
    std::fs::write(&main, format!("{base}{}", vm_block("db", 2))).unwrap();
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("vm.db will be updated in-place"), "{shown}");
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let vms: Vec<Object> = all(
        &client,
        "VirtualMachine",
        &["name", "config.hardware.numCPU", "config.template"],
    )
    .await
    .into_iter()
    .filter(|v| v.text("config.template") != Some("true"))
    .collect();
    assert_eq!(vms.len(), 1, "{vms:?}");
    assert_eq!(vms[0].obj.as_ref(), Some(&vm));
    assert_eq!(vms[0].int("config.hardware.numCPU"), Some(2));
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// A VM whose NIC is on another zone's port group than its block says is imported, and
/// the plan replaces it: what cannot change in place is shown, not hidden.
#[tokio::test(flavor = "multi_thread")]
async fn a_vm_on_another_port_group_is_imported_and_planned_for_replacement() {
    let Some(lab) = Lab::new("import_other_zone") else {
        return;
    };
    lab.blueprint(0);
    let main = lab.dir.path().join("main.hcl");
    let base = std::fs::read_to_string(&main).unwrap();
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let client = lab.client().await;
    create_by_hand(&client, "legacy-web", "st-network_zone.b").await;
    std::fs::write(&main, format!("{base}{}", vm_block("web", 1))).unwrap();
    let out = lab.strata(&["import", "vm.web", "legacy-web"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("vm.web must be replaced"), "{shown}");
    assert!(shown.contains("network_zone.a"), "{shown}");
}
