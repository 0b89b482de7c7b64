//! `strata import` against the real daemon, as a Terraform user does it: a domain defined
//! by hand with virsh (its volume in Strata's pool, its NIC in a zone's network with a
//! DHCP host entry) imported by its name; the plan then shows no change while the block
//! matches, an in-place update once it differs, applied to that same domain; an unknown
//! id, an address already in the state and an object already managed elsewhere refused.

use std::path::Path;

use crate::daemon::Lab;
use crate::look::vcpus;
use crate::{strata, text};

/// The VM block the blueprint gains for the domain made by hand.
fn with_vm(dir: &Path, name: &str, cpu: u32) {
    let path = dir.join("main.hcl");
    let main = std::fs::read_to_string(&path).unwrap();
    let base = main.split("\n# imported\n").next().unwrap().to_string();
    let block = format!(
        r#"
# imported
vm "{name}" {{
  pool    = host_pool.h
  zone    = network_zone.a
  storage = storage.local
  cpu     = {cpu}
  memory  = "64MiB"
  disk    = "16MiB"
  running = false
}}
"#
    );
    std::fs::write(&path, base + &block).unwrap();
}

/// Defines, as an operator would with virsh, a stopped domain `name` with a 16 MiB
/// volume `VOLUME` in the lab's pool and a NIC (MAC `mac`) in zone a's network with a
/// DHCP host entry for `ip`. Its UUID.
fn define_by_hand(lab: &Lab, name: &str, volume: &str, mac: &str, ip: &str) -> String {
    let pool = lab.name("local");
    let network = lab.name("a");
    lab.virsh(&["vol-create-as", &pool, volume, "16M", "--format", "qcow2"]);
    let entry = format!("<host mac='{mac}' name='{name}' ip='{ip}'/>");
    lab.virsh(&[
        "net-update",
        &network,
        "add-last",
        "ip-dhcp-host",
        &entry,
        "--live",
        "--config",
    ]);
    let xml = format!(
        r#"<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='{pool}' volume='{volume}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='{mac}'/>
      <source network='{network}'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>"#
    );
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), xml).unwrap();
    let defined = lab.virsh(&["define", file.path().to_str().unwrap()]);
    assert!(defined.contains("defined"), "virsh define said {defined}");
    lab.virsh(&["domuuid", name]).trim().to_string()
}

#[test]
fn a_domain_defined_by_hand_is_imported_by_name_then_planned_and_updated_in_place() {
    let Some(lab) = Lab::new("import", 20) else {
        return;
    };
    let dir = lab.blueprint_with(0, false);
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let name = lab.name("legacy-app");
    let volume = format!("{name}.qcow2");
    let uuid = define_by_hand(&lab, &name, &volume, "52:54:00:5e:20:01", "10.240.20.5");
    assert_eq!(uuid.len(), 36, "{uuid}");
    with_vm(&dir, "app", 1);

    // An id that names nothing: the address, the id and what ids look like.
    let out = strata(&dir, &["import", "vm.app", "no-such-domain"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    for part in [
        "vm.app: cannot import \"no-such-domain\"",
        "libvirt has no vm with that UUID or name",
        "a vm's import id is its domain's UUID or name",
        &name,
    ] {
        assert!(shown.contains(part), "no {part:?} in {shown}");
    }

    // By name; the state records the domain's UUID.
    let out = strata(&dir, &["import", "vm.app", &name]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("Imported {name} (id \"{uuid}\") into vm.app")),
        "{shown}"
    );
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Terraform's "Resource already managed": the address is taken.
    let out = strata(&dir, &["import", "vm.app", &uuid]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("vm.app is already managed") && shown.contains("strata state rm vm.app"),
        "{shown}"
    );
    // The same domain at a second address: refused, naming the first.
    let main = std::fs::read_to_string(dir.join("main.hcl")).unwrap();
    let copy = main.replace("vm \"app\" {", "vm \"copy\" {");
    let block = &copy[copy.find("vm \"copy\"").unwrap()..];
    std::fs::write(dir.join("main.hcl"), format!("{main}{block}")).unwrap();
    let out = strata(&dir, &["import", "vm.copy", &uuid]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("already managed as vm.app"), "{shown}");
    with_vm(&dir, "app", 2);

    // The block differs: an in-place update of that domain, not a new one.
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("vm.app will be updated in-place"), "{shown}");
    assert!(shown.contains("1 to change"), "{shown}");
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.domains(), vec![name.clone()]);
    assert_eq!(lab.virsh(&["domuuid", &name]).trim(), uuid);
    assert_eq!(vcpus(&lab, &name, "--config"), 2);
    assert_eq!(lab.volumes(), vec![volume.clone()]);
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Destroy removes the imported domain and its volume like Strata's own.
    let out = strata(&dir, &["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}
