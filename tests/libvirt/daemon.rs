//! A test's corner of the real libvirt daemon: a unique name prefix and address range, a
//! blueprint using them, virsh to look and to change things behind Strata's back, and a
//! guard that removes everything with the prefix when the test ends, passed or failed.
//! A test that stops the daemon runs alone: the others wait for it, and it for them.

use std::path::PathBuf;
use std::process::Command;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Held shared by every lab, and alone by a test that stops libvirtd.
static DAEMON: RwLock<()> = RwLock::new(());

/// A lab's hold on the daemon, kept for its lifetime.
enum Turn {
    Shared {
        _guard: RwLockReadGuard<'static, ()>,
    },
    Alone {
        _guard: RwLockWriteGuard<'static, ()>,
    },
}

/// One test's lab.
pub struct Lab {
    prefix: String,
    tag: String,
    octet: u8,
    root: tempfile::TempDir,
    _turn: Turn,
}

impl Lab {
    /// A lab named `tag`, using 10.240.`octet`.0/24 and the next range; `None` (with a
    /// message) when libvirtd cannot be reached.
    pub fn new(tag: &str, octet: u8) -> Option<Lab> {
        let turn = Turn::Shared {
            _guard: DAEMON.read().unwrap_or_else(PoisonError::into_inner),
        };
        Lab::with(tag, octet, turn)
    }

    /// A lab whose test may stop libvirtd: no other lab of this process exists meanwhile.
    pub fn alone(tag: &str, octet: u8) -> Option<Lab> {
        let turn = Turn::Alone {
            _guard: DAEMON.write().unwrap_or_else(PoisonError::into_inner),
        };
        Lab::with(tag, octet, turn)
    }

    fn with(tag: &str, octet: u8, turn: Turn) -> Option<Lab> {
        let ok = Command::new("virsh")
            .args(["-c", "qemu:///system", "version"])
            .output();
        if !ok.is_ok_and(|o| o.status.success()) {
            eprintln!(
                "skipped: libvirtd is not running (`.ci/run` starts it: virtlogd -d; libvirtd -d)"
            );
            return None;
        }
        let lab = Lab {
            prefix: format!("st{}-{tag}-", std::process::id()),
            tag: tag.to_string(),
            octet,
            root: tempfile::tempdir().unwrap(),
            _turn: turn,
        };
        lab.clean();
        Some(lab)
    }

    /// `PREFIX` + `name`: what Strata calls its object.
    pub fn name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Writes `main` as the lab's blueprint, its `name_prefix` and `pool_root` replaced by
    /// the lab's.
    pub fn blueprint_text(&self, main: &str, prefix: &str, pool_root: &str) -> PathBuf {
        let dir = self.root.path().join("bp");
        std::fs::create_dir_all(&dir).unwrap();
        let pools = self.root.path().join("pools");
        let text = main
            .replace(
                &format!("name_prefix = \"{prefix}\""),
                &format!("name_prefix = \"{}\"", self.prefix),
            )
            .replace(
                &format!("pool_root   = \"{pool_root}\""),
                &format!("pool_root   = \"{}\"", pools.display()),
            );
        assert_ne!(
            text, main,
            "the blueprint names neither {prefix} nor {pool_root}"
        );
        std::fs::write(dir.join("main.hcl"), text).unwrap();
        dir
    }

    /// Writes a blueprint with two zones, a local pool and `vms` tiny VMs.
    pub fn blueprint(&self, vms: usize) -> PathBuf {
        self.blueprint_with(vms, true)
    }

    /// The same, its VMs started when `running` (stopped ones cost no QEMU process).
    pub fn blueprint_with(&self, vms: usize, running: bool) -> PathBuf {
        let dir = self.root.path().join("bp");
        std::fs::create_dir_all(&dir).unwrap();
        let pools = self.root.path().join("pools");
        let (a, b) = (self.octet, self.octet + 100);
        std::fs::write(
            dir.join("main.hcl"),
            format!(
                r#"provider "libvirt" {{
  name_prefix      = "{prefix}"
  pool_root        = "{pools}"
  domain_type      = "auto"
  shutdown_timeout = "0s"
}}
strata {{
  default_provider {{
    network_zone = libvirt
    storage      = libvirt
    vm           = libvirt
  }}
}}
site "s" {{}}
host_pool "h" {{
  site  = site.s
  hosts = 1
  host {{
    cpu    = 64
    memory = "64GiB"
  }}
}}
network_zone "a" {{ cidr = "10.240.{a}.0/24" }}
network_zone "b" {{ cidr = "10.240.{b}.0/24" }}
storage "local" {{
  type     = "local"
  capacity = "1GiB"
}}
vm "vm" {{
  count   = {vms}
  pool    = host_pool.h
  zone    = count.index % 2 == 0 ? network_zone.a : network_zone.b
  storage = storage.local
  cpu     = 1
  memory  = "64MiB"
  disk    = "16MiB"
  running = {running}
}}
"#,
                prefix = self.prefix,
                pools = pools.display()
            ),
        )
        .unwrap();
        dir
    }

    /// Runs virsh on the system connection; its output.
    pub fn virsh(&self, args: &[&str]) -> String {
        let out = Command::new("virsh")
            .args(["-c", "qemu:///system"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// True for this test's names, and those an earlier run of it left behind (killed
    /// before its guard ran): `st`, a process id, `-TAG-`. They use the same addresses, so
    /// they would be in the way.
    fn is_mine(&self, name: &str) -> bool {
        name.strip_prefix("st")
            .map(|rest| rest.trim_start_matches(|c: char| c.is_ascii_digit()))
            .is_some_and(|rest| rest.starts_with(&format!("-{}-", self.tag)))
    }

    fn mine(&self, listing: &str) -> Vec<String> {
        listing
            .lines()
            .map(str::trim)
            .filter(|l| self.is_mine(l))
            .map(str::to_string)
            .collect()
    }

    /// Domains with the prefix.
    pub fn domains(&self) -> Vec<String> {
        self.mine(&self.virsh(&["list", "--all", "--name"]))
    }

    /// Volumes of the lab's pool.
    pub fn volumes(&self) -> Vec<String> {
        self.mine(
            &self
                .virsh(&["vol-list", &self.name("local")])
                .lines()
                .skip(2)
                .map(|l| l.split_whitespace().next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }

    /// True when the domain runs.
    pub fn running(&self, domain: &str) -> bool {
        self.virsh(&["domstate", domain]).trim() == "running"
    }

    /// Asserts that nothing with the prefix is left: domains, networks, pools, filters.
    pub fn assert_empty(&self) {
        assert!(
            self.domains().is_empty(),
            "domains left: {:?}",
            self.domains()
        );
        let nets = self.mine(&self.virsh(&["net-list", "--all", "--name"]));
        assert!(nets.is_empty(), "networks left: {nets:?}");
        let pools = self.mine(&self.virsh(&["pool-list", "--all", "--name"]));
        assert!(pools.is_empty(), "pools left: {pools:?}");
        let filters: Vec<String> = self
            .virsh(&["nwfilter-list"])
            .lines()
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
            .filter(|n| self.is_mine(n))
            .collect();
        assert!(filters.is_empty(), "filters left: {filters:?}");
        let files = std::fs::read_dir(self.root.path().join("pools"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(files, 0, "pool folders left");
    }

    fn clean(&self) {
        for d in self.domains() {
            self.virsh(&["destroy", &d]);
            self.virsh(&["undefine", &d, "--remove-all-storage"]);
        }
        for n in self.mine(&self.virsh(&["net-list", "--all", "--name"])) {
            self.virsh(&["net-destroy", &n]);
            self.virsh(&["net-undefine", &n]);
        }
        for p in self.mine(&self.virsh(&["pool-list", "--all", "--name"])) {
            for v in self
                .virsh(&["vol-list", &p])
                .lines()
                .skip(2)
                .filter_map(|l| l.split_whitespace().next().map(str::to_string))
                .collect::<Vec<_>>()
            {
                self.virsh(&["vol-delete", "--pool", &p, &v]);
            }
            self.virsh(&["pool-destroy", &p]);
            self.virsh(&["pool-delete", &p]);
            self.virsh(&["pool-undefine", &p]);
        }
        for l in self.virsh(&["nwfilter-list"]).lines() {
            if let Some(n) = l.split_whitespace().nth(1).filter(|n| self.is_mine(n)) {
                self.virsh(&["nwfilter-undefine", n]);
            }
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.clean();
    }
}
