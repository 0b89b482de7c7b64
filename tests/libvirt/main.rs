//! End-to-end tests of the binary against the real libvirt daemon (`.ci/run` starts it):
//! apply, no-change plan, drift made with virsh and corrected, destroy leaving nothing;
//! an unreachable endpoint; a strata killed, or libvirtd stopped, in the middle of an
//! apply.
//! Built with `--features libvirt`. Each test uses its own name prefix and address range,
//! and a guard that removes whatever carries its prefix, even when the test fails.

#![cfg(feature = "libvirt")]

mod daemon;
mod restart;

use std::path::Path;
use std::process::{Command, Output};

use daemon::Lab;

fn strata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .current_dir(dir)
        .output()
        .expect("strata runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn apply_plan_drift_correct_destroy() {
    let Some(lab) = Lab::new("e2e", 11) else {
        return;
    };
    let dir = lab.blueprint(4);
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.domains().len(), 4, "{:?}", lab.domains());
    assert!(lab.running(&lab.name("vm-0")));
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Behind Strata's back: power one domain off and change its memory and vCPUs.
    let vm = lab.name("vm-1");
    lab.virsh(&["destroy", &vm]);
    lab.virsh(&["setmaxmem", &vm, "96M", "--config"]);
    lab.virsh(&["setvcpus", &vm, "2", "--config", "--maximum"]);
    lab.virsh(&["setvcpus", &vm, "2", "--config"]);
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("vm.vm[1] has changed"), "{shown}");
    assert!(
        shown.contains("memory  = \"64MiB\" -> \"96MiB\""),
        "{shown}"
    );
    assert!(shown.contains("running = true -> false"), "{shown}");
    assert!(shown.contains("cpu     = 1 -> 2"), "{shown}");

    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(lab.running(&vm));
    assert!(lab.virsh(&["dominfo", &vm]).contains("65536 KiB"));
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A domain undefined, a volume deleted and a network deleted behind Strata's back are
    // drift too, and the next apply makes them again (the domain over the volume it left).
    let bare = lab.name("vm-2");
    lab.virsh(&["destroy", &bare]);
    lab.virsh(&[
        "vol-delete",
        "--pool",
        &lab.name("local"),
        &format!("{bare}.qcow2"),
    ]);
    let gone = lab.name("vm-3");
    lab.virsh(&["destroy", &gone]);
    lab.virsh(&["undefine", &gone]);
    let net = lab.name("b");
    lab.virsh(&["net-destroy", &net]);
    lab.virsh(&["net-undefine", &net]);
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("vm.vm[3] has been deleted"), "{shown}");
    assert!(shown.contains("network_zone.b has been deleted"), "{shown}");
    assert!(shown.contains("vm.vm[2] has changed"), "{shown}");
    assert!(shown.contains("vm.vm[3] will be created"), "{shown}");
    assert!(shown.contains("network_zone.b will be created"), "{shown}");
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(lab.running(&gone));
    assert!(lab.running(&bare));
    assert_eq!(lab.domains().len(), 4, "{:?}", lab.domains());
    assert_eq!(lab.volumes().len(), 4, "{:?}", lab.volumes());
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Known gap (docs/providers/libvirt.md, "Not supported"): vm-1 ran on the deleted
    // network and was left running; the network made anew has no host entry for it, its
    // interface stays off the new bridge, and the plan above saw no change.
    let (tap, mac) = nic(&lab, &lab.name("vm-1"));
    assert!(
        !lab.virsh(&["net-dumpxml", &net]).contains(&mac),
        "vm-1's host entry is back: update the docs' known gap and this test"
    );
    assert!(
        std::fs::read_link(format!("/sys/class/net/{tap}/master")).is_err(),
        "vm-1's {tap} is on a bridge again: update the docs' known gap and this test"
    );

    let out = strata(&dir, &["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}

/// A running domain's interface device (`vnetN`) and MAC, from `virsh domiflist`.
fn nic(lab: &Lab, domain: &str) -> (String, String) {
    let listed = lab.virsh(&["domiflist", domain]);
    let row = listed
        .lines()
        .find(|l| l.trim_start().starts_with("vnet"))
        .unwrap_or_else(|| panic!("no interface device in {listed}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    (cols[0].to_string(), cols[cols.len() - 1].to_string())
}

#[test]
fn unreachable_endpoint_is_a_clear_error_and_the_next_apply_finishes() {
    let Some(lab) = Lab::new("down", 12) else {
        return;
    };
    let dir = lab.blueprint(4);
    // An endpoint with no daemon behind it: a clear error naming it and what to check,
    // nothing created; the next apply against the real one builds everything once.
    let main = std::fs::read_to_string(dir.join("main.hcl")).unwrap();
    std::fs::write(
        dir.join("main.hcl"),
        main.replace(
            "domain_type      = \"auto\"",
            "domain_type      = \"qemu\"\n  uri = \"qemu:///system?socket=/nonexistent\"",
        ),
    )
    .unwrap();
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(!out.status.success());
    let shown = text(&out);
    assert!(
        shown.contains("cannot connect to qemu:///system?socket=/nonexistent"),
        "{shown}"
    );
    assert!(shown.contains("libvirtd is not running there"), "{shown}");
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
fn killed_mid_apply_is_adopted_not_duplicated() {
    let Some(lab) = Lab::new("kill", 13) else {
        return;
    };
    let dir = lab.blueprint(4);
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["apply", "-auto-approve"])
        .arg(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once the first domain exists.
    let start = std::time::Instant::now();
    while lab.domains().is_empty() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.domains().len(), 4, "{:?}", lab.domains());
    assert_eq!(lab.volumes().len(), 4, "{:?}", lab.volumes());
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = strata(&dir, &["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}

#[test]
fn daemon_stopped_mid_apply_then_the_next_apply_finishes() {
    let Some(lab) = Lab::alone("stop", 14) else {
        return;
    };
    let pid = match restart::daemon_pid() {
        Ok(pid) => pid,
        Err(why) => {
            eprintln!("skipped: this test stops and restarts libvirtd and {why}");
            return;
        }
    };
    let dir = lab.blueprint(4);
    let child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["apply", "-auto-approve"])
        .arg(&dir)
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while lab.domains().is_empty() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let restarter = restart::Restarter;
    restart::stop(&pid);
    let out = child.wait_with_output().unwrap();
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains("lost the connection to libvirtd")
            || shown.contains("cannot connect to qemu:///system"),
        "{shown}"
    );
    drop(restarter);

    // The state holds what was made before the daemon went away, and each of those exists.
    let listed = text(&strata(&dir, &["state", "list"]));
    assert!(listed.contains("network_zone.a"), "{listed}");
    let vms: Vec<&str> = listed.lines().filter(|l| l.starts_with("vm.")).collect();
    assert!(
        vms.len() <= lab.domains().len(),
        "{listed}{:?}",
        lab.domains()
    );

    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.domains().len(), 4, "{:?}", lab.domains());
    assert_eq!(lab.volumes().len(), 4, "{:?}", lab.volumes());
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = strata(&dir, &["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}

/// The libvirt calls of a `plan` in `dir`, as the provider counts them.
fn plan_calls(dir: &Path) -> u64 {
    let file = dir.join("calls");
    let _ = std::fs::remove_file(&file);
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["plan", "-detailed-exitcode"])
        .arg(dir)
        .env("STRATA_LIBVIRT_CALLS_FILE", &file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| l.parse::<u64>().unwrap())
        .sum()
}

#[test]
fn plan_calls_do_not_grow_with_domains() {
    let Some(lab) = Lab::new("calls", 15) else {
        return;
    };
    let mut calls = Vec::new();
    for vms in [2, 12] {
        let dir = lab.blueprint_with(vms, false);
        let out = strata(&dir, &["apply", "-auto-approve"]);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(lab.domains().len(), vms, "{:?}", lab.domains());
        calls.push(plan_calls(&dir));
    }
    eprintln!(
        "libvirt calls per plan: 2 domains {}, 12 domains {}",
        calls[0], calls[1]
    );
    assert_eq!(calls[0], calls[1], "a plan's calls grew with its domains");
    assert!(calls[0] <= 20, "{calls:?}");
    let out = strata(
        &lab.blueprint_with(12, false),
        &["destroy", "-auto-approve"],
    );
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}

#[test]
fn the_libvirt_lab_example_builds_with_its_network_policy() {
    let Some(lab) = Lab::new("lab", 16) else {
        return;
    };
    let main = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/libvirt-lab/main.hcl"),
    )
    .unwrap();
    let dir = lab.blueprint_text(&main, "lab-", "/var/lib/libvirt/strata");
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.domains().len(), 4, "{:?}", lab.domains());
    // The data zone's VMs accept 5432 from the app zone's range, and drop other inbound.
    let flows = lab.virsh(&["nwfilter-dumpxml", &lab.name("app_to_data-flows")]);
    assert!(flows.contains("action='accept'"), "{flows}");
    assert!(flows.contains("srcipaddr='10.231.1.0'"), "{flows}");
    assert!(flows.contains("dstportstart='5432'"), "{flows}");
    let data = lab.virsh(&["nwfilter-dumpxml", &lab.name("data-in")]);
    assert!(data.contains(&lab.name("app_to_data-flows")), "{data}");
    assert!(data.contains("action='drop'"), "{data}");
    let app = lab.virsh(&["nwfilter-dumpxml", &lab.name("app-in")]);
    assert!(!app.contains("action='drop'"), "{app}");
    let nic = lab.virsh(&["dumpxml", &lab.name("db-0")]);
    assert!(
        nic.contains(&format!("filter='{}'", lab.name("data-in"))),
        "{nic}"
    );

    // Capacity counts the host as libvirt reports it, not as the blueprint guessed.
    let node = lab.virsh(&["nodeinfo"]);
    let field = |name: &str| -> f64 {
        node.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap()
    };
    let out = strata(&dir, &["capacity", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let host = &report["pools"][0]["host"];
    assert_eq!(report["pools"][0]["pool"], "host_pool.kvm");
    assert_eq!(host["cores"].as_f64(), Some(field("CPU(s):")), "{host}");
    assert_eq!(
        host["memory"].as_f64(),
        Some(field("Memory size:") * 1024.0),
        "{host}"
    );
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
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
