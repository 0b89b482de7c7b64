//! Reading what the tests look at: a plan's drift and changes, and domains through virsh.

use crate::daemon::Lab;

/// The part of a plan's output under `heading`, up to the next blank line.
pub fn section(shown: &str, heading: &str) -> String {
    let at = shown
        .find(heading)
        .unwrap_or_else(|| panic!("no \"{heading}\" in {shown}"));
    let rest = &shown[at..];
    rest[..rest.find("\n\n").unwrap_or(rest.len())].to_string()
}

/// True when `drift` has a line changing `attr` as `change` says ("1 -> 2").
pub fn shows(drift: &str, attr: &str, change: &str) -> bool {
    drift.lines().any(|l| {
        let l = l.trim_start().trim_start_matches(['~', '-', '+', ' ']);
        l.strip_prefix(attr).is_some_and(|rest| {
            rest.trim_start()
                .strip_prefix('=')
                .is_some_and(|v| v.trim() == change)
        })
    })
}

/// A domain's vCPUs now (`--live`) or at its next boot (`--config`).
pub fn vcpus(lab: &Lab, domain: &str, which: &str) -> u32 {
    let out = lab.virsh(&["vcpucount", domain, which, "--current"]);
    out.trim()
        .parse()
        .unwrap_or_else(|_| panic!("vcpucount said {out}"))
}

/// A running domain's interface device (`vnetN`) and MAC, from `virsh domiflist`.
pub fn nic(lab: &Lab, domain: &str) -> (String, String) {
    let listed = lab.virsh(&["domiflist", domain]);
    let row = listed
        .lines()
        .find(|l| l.trim_start().starts_with("vnet"))
        .unwrap_or_else(|| panic!("no interface device in {listed}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    (cols[0].to_string(), cols[cols.len() - 1].to_string())
}
