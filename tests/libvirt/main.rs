//! End-to-end tests of the binary against the real libvirt daemon (`.ci/run` starts it):
//! apply, no-change plan, drift made with virsh and corrected, destroy leaving nothing;
//! an unreachable endpoint; a strata killed, or libvirtd stopped, in the middle of an
//! apply.
//! Built with `--features libvirt`. Each test uses its own name prefix and address range,
//! and a guard that removes whatever carries its prefix, even when the test fails.

#![cfg(feature = "libvirt")]

mod daemon;
mod errors;
mod import;
mod look;
mod progress;
mod restart;

use std::path::Path;
use std::process::{Command, Output};

use daemon::Lab;
use look::{nic, section, shows, vcpus};

/// The strata binary, with no libvirt setting from the environment: the blueprint's
/// provider block alone says where to connect.
fn strata_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("STRATA_LIBVIRT") || name == "LIBVIRT_DEFAULT_URI" {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// Runs strata on `dir`.
fn strata(dir: &Path, args: &[&str]) -> Output {
    strata_command()
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
    // Room for a vCPU added while a domain runs.
    let main = std::fs::read_to_string(dir.join("main.hcl")).unwrap();
    let roomy = main.replace("  cpu     = 1\n", "  cpu     = 1\n  max_cpu = 2\n");
    assert_ne!(roomy, main);
    std::fs::write(dir.join("main.hcl"), roomy).unwrap();
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.domains().len(), 4, "{:?}", lab.domains());
    assert!(lab.running(&lab.name("vm-0")));
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Behind Strata's back, on running domains: a vCPU added live to one; what another
    // boots with next (vCPUs and memory) changed in its definition.
    let live = lab.name("vm-0");
    let config = lab.name("vm-2");
    lab.virsh(&["setvcpus", &live, "2", "--live"]);
    lab.virsh(&["setvcpus", &config, "2", "--config"]);
    lab.virsh(&["setmaxmem", &config, "96M", "--config"]);
    assert!(lab.running(&live) && lab.running(&config));
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    let drift = section(&shown, "vm.vm[0] has changed");
    assert!(shows(&drift, "cpu", "1 -> 2"), "{shown}");
    let drift = section(&shown, "vm.vm[2] has changed");
    assert!(shows(&drift, "cpu", "1 -> 2"), "{shown}");
    assert!(shows(&drift, "memory", "\"64MiB\" -> \"96MiB\""), "{shown}");
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(lab.running(&live) && lab.running(&config));
    assert_eq!(vcpus(&lab, &live, "--live"), 1);
    assert_eq!(vcpus(&lab, &config, "--config"), 1);
    assert!(
        lab.virsh(&["dumpxml", "--inactive", &config])
            .contains("<memory unit='KiB'>65536</memory>")
    );
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Behind Strata's back: power one domain off, change its memory and vCPUs, and grow
    // its volume (a volume in use cannot be resized: QEMU holds its lock). A volume
    // cannot shrink, so the VM is made anew.
    let vm = lab.name("vm-1");
    lab.virsh(&["destroy", &vm]);
    lab.virsh(&["setmaxmem", &vm, "96M", "--config"]);
    lab.virsh(&["setvcpus", &vm, "1", "--config", "--maximum"]);
    lab.virsh(&[
        "vol-resize",
        "--pool",
        &lab.name("local"),
        &format!("{vm}.qcow2"),
        "32M",
    ]);
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    let drift = section(&shown, "vm.vm[1] has changed");
    assert!(shows(&drift, "memory", "\"64MiB\" -> \"96MiB\""), "{shown}");
    assert!(shows(&drift, "running", "true -> false"), "{shown}");
    assert!(shows(&drift, "max_cpu", "2 -> 1"), "{shown}");
    assert!(shows(&drift, "disk", "\"16MiB\" -> \"32MiB\""), "{shown}");
    assert!(shown.contains("vm.vm[1] must be replaced"), "{shown}");

    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(lab.running(&vm));
    assert!(lab.virsh(&["dominfo", &vm]).contains("65536 KiB"));
    let info = lab.virsh(&[
        "vol-info",
        "--pool",
        &lab.name("local"),
        &format!("{vm}.qcow2"),
    ]);
    assert!(info.contains("16.00 MiB"), "{info}");
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
    // vm-1 kept running on the deleted network: it is in no zone until the network is
    // back and it is plugged in again, without a restart.
    let drift = section(&shown, "vm.vm[1] has changed");
    assert!(
        shows(&drift, "zone", "\"network_zone.b\" -> null"),
        "{shown}"
    );
    assert!(
        shown.contains("vm.vm[1] will be updated in-place"),
        "{shown}"
    );
    assert!(
        shown.contains("plugged into its zone's network again"),
        "{shown}"
    );
    let (tap, _) = nic(&lab, &vm);
    let booted = lab.virsh(&["domid", &vm]);
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(lab.running(&gone));
    assert!(lab.running(&bare));
    assert_eq!(lab.domains().len(), 4, "{:?}", lab.domains());
    assert_eq!(lab.volumes().len(), 4, "{:?}", lab.volumes());
    let out = strata(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(lab.virsh(&["domid", &vm]), booted, "vm-1 was restarted");
    let (_, mac) = nic(&lab, &vm);
    let network = lab.virsh(&["net-dumpxml", &net]);
    assert!(network.contains(&mac), "no host entry for vm-1: {network}");
    let bridge = lab.virsh(&["net-info", &net]);
    let master = std::fs::read_link(format!("/sys/class/net/{tap}/master"))
        .unwrap_or_else(|e| panic!("vm-1's {tap} is on no bridge: {e}"));
    let master = master.file_name().unwrap().to_string_lossy().into_owned();
    assert!(bridge.contains(&master), "{tap} is on {master}: {bridge}");

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
    let mut child = strata_command()
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
    let child = strata_command()
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
    let out = strata_command()
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

/// What a plan reads per VM on its own: its volume's size.
const PER_VM: u64 = 1;
/// And per running VM: its live and its inactive XML.
const PER_RUNNING: u64 = 2;

#[test]
fn plan_calls_grow_only_by_the_reads_libvirt_has_no_bulk_call_for() {
    let Some(lab) = Lab::new("calls", 15) else {
        return;
    };
    let mut calls = Vec::new();
    for (vms, running) in [(2, false), (12, false), (12, true)] {
        let dir = lab.blueprint_with(vms, running);
        let out = strata(&dir, &["apply", "-auto-approve"]);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(lab.domains().len(), vms, "{:?}", lab.domains());
        calls.push(plan_calls(&dir));
    }
    eprintln!(
        "libvirt calls per plan: 2 stopped domains {}, 12 stopped {}, 12 running {}",
        calls[0], calls[1], calls[2]
    );
    // The listings (domains, networks, pools, volumes, filters) are the same calls
    // whatever the number of domains; what grows is what libvirt gives one at a time.
    assert_eq!(calls[1] - calls[0], 10 * PER_VM, "{calls:?}");
    assert_eq!(calls[2] - calls[1], 12 * PER_RUNNING, "{calls:?}");
    assert!(calls[0] - 2 * PER_VM <= 20, "{calls:?}");
    let out = strata(&lab.blueprint_with(12, true), &["destroy", "-auto-approve"]);
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
