//! What Strata calls the objects it creates in libvirt, and the identity it gives them.
//!
//! A name is readable: the prefix, then the address without its kind (`lab-web-0` for
//! `vm.web[0]`, `lab-prod.web` inside `module.prod`). Where the address holds characters
//! libvirt or a file name would not take, or is very long, a short hash of the address
//! follows, so that two addresses never share a name. The UUID is derived from the
//! state's lineage and the idempotency key (SHA-256, in RFC 4122 form with the version
//! nibble 8, "custom"), so that `find` can look an object up after a crash even where
//! libvirt keeps no metadata (storage pools, network filters).

use blueprint::{Address, InstanceKey};
use sha2::{Digest, Sha256};

/// The longest name Strata gives (libvirt has no hard limit; file names do).
const MAX: usize = 80;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn short_hash(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes())[..4])
}

fn push_key(out: &mut String, key: &Option<InstanceKey>) {
    match key {
        None => {}
        Some(InstanceKey::Index(i)) => out.push_str(&format!("-{i}")),
        Some(InstanceKey::Key(k)) => {
            out.push('-');
            out.push_str(k);
        }
    }
}

fn safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The name of the object at `address` created with idempotency `key` (the address as
/// text, or `ADDRESS#OLD_ID` for the new object of a create-before-destroy replacement).
pub fn object(prefix: &str, address: &Address, key: &str) -> String {
    let mut slug = String::new();
    for step in &address.module {
        slug.push_str(&step.name);
        push_key(&mut slug, &step.key);
        slug.push('.');
    }
    slug.push_str(&address.name);
    push_key(&mut slug, &address.key);
    let clean = !slug.is_empty()
        && slug.chars().all(safe)
        && !slug.starts_with('.')
        && slug.len() + prefix.len() <= MAX;
    let mut name: String = slug
        .chars()
        .map(|c| if safe(c) { c } else { '_' })
        .take(MAX - 9 - prefix.len().min(MAX - 9))
        .collect();
    if !clean {
        name.push('-');
        name.push_str(&short_hash(&address.to_string()));
    }
    if !key.is_empty() && key != address.to_string() {
        name.push('-');
        name.push_str(&short_hash(key));
    }
    format!("{prefix}{name}")
}

/// The UUID of the object created for idempotency `key` in the state with `lineage`.
pub fn uuid(lineage: &str, key: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"strata-libvirt\0");
    hash.update(lineage.as_bytes());
    hash.update(b"\0");
    hash.update(key.as_bytes());
    let mut b: [u8; 16] = hash.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    format!(
        "{}-{}-{}-{}-{}",
        hex(&b[0..4]),
        hex(&b[4..6]),
        hex(&b[6..8]),
        hex(&b[8..10]),
        hex(&b[10..16])
    )
}

/// The MAC address of a VM's NIC: QEMU's locally administered prefix 52:54:00 and three
/// bytes of the domain's UUID hashed.
pub fn mac(uuid: &str) -> String {
    let h = Sha256::digest(uuid.as_bytes());
    format!("52:54:00:{:02x}:{:02x}:{:02x}", h[0], h[1], h[2])
}

/// The Linux bridge of a network: `stb` and twelve hex digits of the network's UUID and
/// `generation` hashed (15 characters, the kernel's limit for an interface name). Strata
/// names the bridge itself: libvirt's own choice (the first free `virbrN`) is made without
/// a lock when networks are defined concurrently, so two networks defined at once (an
/// apply's zones, or two applies) could both be given `virbr5` and the second fail to
/// start with "error creating bridge interface virbr5: File exists".
///
/// A network made again (deleted behind Strata's back) gets another generation, so
/// another bridge: libvirt moves a running domain's interface onto its network's bridge
/// when the interface is updated only if the bridge's name changed (see `crate::vm`).
pub fn bridge(uuid: &str, generation: u128) -> String {
    let h = Sha256::digest(format!("{uuid}/{generation}").as_bytes());
    format!("stb{}", &hex(&h)[..12])
}

/// The disk volume of a domain.
pub fn volume(domain: &str) -> String {
    format!("{domain}.qcow2")
}

/// The network filter a zone's VMs reference (the zone's default-deny and its policies).
pub fn zone_filter(prefix: &str, zone: &Address) -> String {
    format!("{}-in", object(prefix, zone, ""))
}

/// The network filter holding one policy's rules.
pub fn policy_filter(prefix: &str, policy: &Address, key: &str) -> String {
    format!("{}-flows", object(prefix, policy, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> Address {
        s.parse().unwrap()
    }

    #[test]
    fn names_are_readable_and_distinct() {
        assert_eq!(object("t-", &addr("vm.web[0]"), "vm.web[0]"), "t-web-0");
        assert_eq!(object("t-", &addr("module.prod.vm.web"), ""), "t-prod.web");
        let odd = object("t-", &addr("vm.web[\"a b/c\"]"), "");
        assert!(odd.starts_with("t-web-a_b_c-"), "{odd}");
        assert_ne!(odd, object("t-", &addr("vm.web[\"a_b_c\"]"), ""));
        assert_ne!(
            object("t-", &addr("vm.web"), "vm.web"),
            object("t-", &addr("vm.web"), "vm.web#old")
        );
    }

    #[test]
    fn uuids_depend_on_lineage_and_key() {
        let a = uuid("l1", "vm.a");
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert_eq!(a, uuid("l1", "vm.a"));
        assert_ne!(a, uuid("l2", "vm.a"));
        assert_ne!(a, uuid("l1", "vm.b"));
        assert!(mac(&a).starts_with("52:54:00:"));
    }

    #[test]
    fn bridge_names_fit_the_kernel_and_differ_per_network() {
        let (a, b) = (uuid("l1", "network_zone.a"), uuid("l1", "network_zone.b"));
        assert_eq!(bridge(&a, 1).len(), 15);
        assert!(bridge(&a, 1).chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(bridge(&a, 1), bridge(&a, 1));
        assert_ne!(bridge(&a, 1), bridge(&b, 1));
        assert_ne!(bridge(&a, 1), bridge(&a, 2));
    }
}
