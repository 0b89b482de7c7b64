//! The binary's errors when what a blueprint needs is not there: an endpoint with no
//! daemon, a refused connection, a storage pool, a network or a base image missing. Each
//! names what was looked for and what exists, and leaves nothing half made.

use std::path::Path;

use crate::daemon::Lab;
use crate::{strata, text};

/// Points the lab's blueprint in `dir` at `uri`; the blueprint as it was.
fn connect_to(dir: &Path, uri: &str) -> String {
    let main = std::fs::read_to_string(dir.join("main.hcl")).unwrap();
    let moved = main.replace(
        "domain_type      = \"auto\"",
        &format!("domain_type      = \"qemu\"\n  uri = \"{uri}\""),
    );
    assert_ne!(moved, main);
    std::fs::write(dir.join("main.hcl"), moved).unwrap();
    main
}

#[test]
fn unreachable_endpoint_is_a_clear_error_and_the_next_apply_finishes() {
    let Some(lab) = Lab::new("down", 12) else {
        return;
    };
    let dir = lab.blueprint(4);
    // A socket no daemon listens on (a path in the lab's own folder: it cannot exist):
    // a clear error naming it and what to check, nothing created; the next apply against
    // the real one builds everything once.
    let socket = dir.join("no-libvirtd.sock");
    let uri = format!("qemu:///system?socket={}", socket.display());
    let main = connect_to(&dir, &uri);
    let out = strata(&dir, &["apply", "-auto-approve"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("cannot connect to {uri}")),
        "{shown}"
    );
    assert!(shown.contains("libvirtd is not running there"), "{shown}");
    assert!(lab.domains().is_empty(), "{:?}", lab.domains());
    std::fs::write(dir.join("main.hcl"), &main).unwrap();
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.domains().len(), 4);
    assert_eq!(lab.volumes().len(), 4);
    let out = strata(&dir, &["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}

#[test]
fn a_refused_connection_names_the_endpoint_and_what_to_check() {
    let Some(lab) = Lab::new("refused", 18) else {
        return;
    };
    let dir = lab.blueprint(2);
    // Port 1 of the loopback: nothing listens there, the kernel refuses at once.
    let uri = "qemu+tcp://127.0.0.1:1/system";
    connect_to(&dir, uri);
    for command in [&["plan"][..], &["apply", "-auto-approve"]] {
        let out = strata(&dir, command);
        let shown = text(&out);
        assert!(!out.status.success(), "{shown}");
        assert!(
            shown.contains(&format!("cannot connect to {uri}")),
            "{shown}"
        );
        assert!(shown.contains("Connection refused"), "{shown}");
        assert!(
            shown.contains("check that libvirtd listens there"),
            "{shown}"
        );
    }
    assert!(lab.domains().is_empty(), "{:?}", lab.domains());
    lab.assert_empty();
}

/// Sets the lab's VM count in `dir` to `vms`.
fn count(dir: &Path, vms: usize) {
    let main = std::fs::read_to_string(dir.join("main.hcl")).unwrap();
    let at = main.find("count   = ").unwrap();
    let end = at + main[at..].find('\n').unwrap();
    let counted = format!("{}count   = {vms}{}", &main[..at], &main[end..]);
    std::fs::write(dir.join("main.hcl"), counted).unwrap();
}

#[test]
fn a_missing_network_or_pool_names_what_exists() {
    let Some(lab) = Lab::new("missing", 19) else {
        return;
    };
    let dir = lab.blueprint(0);
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));

    // Zone b's network deleted behind Strata's back, and an apply that does not read
    // what exists first (-refresh=false): the VM in zone b cannot be made.
    let b = lab.name("b");
    lab.virsh(&["net-destroy", &b]);
    lab.virsh(&["net-undefine", &b]);
    count(&dir, 2);
    let out = strata(&dir, &["apply", "-auto-approve", "-refresh=false"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains(&format!(
            "network \"{b}\" (network_zone.b) does not exist on qemu:///system; networks there:"
        )),
        "{shown}"
    );
    assert!(shown.contains(&lab.name("a")), "{shown}");
    assert!(shown.contains("vm.vm[1]"), "{shown}");

    // Likewise the storage pool.
    let local = lab.name("local");
    lab.virsh(&["pool-destroy", &local]);
    lab.virsh(&["pool-undefine", &local]);
    count(&dir, 3);
    let out = strata(&dir, &["apply", "-auto-approve", "-refresh=false"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains(&format!(
            "storage pool \"{local}\" (storage.local) does not exist on qemu:///system; "
        )),
        "{shown}"
    );
    // "pools there: ..." or "there are no pools there".
    assert!(shown.contains("pools there"), "{shown}");
    assert!(shown.contains("libvirt refused storage"), "{shown}");

    // An apply that reads first makes the network and the pool again, then the VMs.
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.domains().len(), 3, "{:?}", lab.domains());
    let out = strata(&dir, &["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}

#[test]
fn a_missing_base_image_names_what_exists_and_leaves_nothing_of_the_vm() {
    let Some(lab) = Lab::new("image", 17) else {
        return;
    };
    let dir = lab.blueprint(2);
    let main = std::fs::read_to_string(dir.join("main.hcl")).unwrap();
    let with_image = main.replace(
        "  disk    = \"16MiB\"\n",
        "  disk    = \"16MiB\"\n  image   = \"no-such-base.qcow2\"\n",
    );
    assert_ne!(with_image, main);
    std::fs::write(dir.join("main.hcl"), with_image).unwrap();
    let out = strata(&dir, &["apply", "-auto-approve"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains("base image \"no-such-base.qcow2\" does not exist on qemu:///system"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("volume of pool {}", lab.name("local"))),
        "{shown}"
    );
    // The image is checked before anything of the VM is made.
    assert!(lab.domains().is_empty(), "{:?}", lab.domains());
    assert!(lab.volumes().is_empty(), "{:?}", lab.volumes());
    let out = strata(&dir, &["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}
