//! Progress while libvirt works: a running domain whose memory changes restarts, and a
//! guest that ignores ACPI (a blank disk boots no OS) makes the update wait its
//! `shutdown_timeout`; apply's "Still modifying..." lines say what it waits for.

use crate::daemon::Lab;
use crate::{strata, strata_command, text};

#[test]
fn a_guest_ignoring_acpi_shows_the_shutdown_wait_in_the_still_lines() {
    let Some(lab) = Lab::new("slow", 22) else {
        return;
    };
    let dir = lab.blueprint_with(1, true);
    let path = dir.join("main.hcl");
    let main = std::fs::read_to_string(&path).unwrap();
    let patient = main.replace("shutdown_timeout = \"0s\"", "shutdown_timeout = \"4s\"");
    assert_ne!(patient, main);
    std::fs::write(&path, &patient).unwrap();
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let domain = lab.name("vm-0");
    assert!(lab.running(&domain));

    std::fs::write(&path, patient.replace("\"64MiB\"", "\"96MiB\"")).unwrap();
    let out = strata_command()
        .args(["apply", "-auto-approve"])
        .arg(&dir)
        .current_dir(&dir)
        .env("STRATA_PROGRESS_INTERVAL", "1s")
        .output()
        .unwrap();
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let still: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("vm.vm[0]: Still modifying... ["))
        .collect();
    assert!(
        still.iter().any(|l| l.contains(&format!(
            "(domain {domain}: waiting for the guest to shut down (ACPI), "
        )) && l.contains("of shutdown_timeout 4s before it is powered off)")),
        "no still line with the shutdown wait in {shown}"
    );
    assert!(
        lab.running(&domain),
        "the domain runs again after its restart"
    );
    let out = strata(&dir, &["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.assert_empty();
}
