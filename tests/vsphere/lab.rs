//! A test's own vSphere simulator (tools/vcsim, started on a free port and stopped with
//! the test), a blueprint for it, and a SOAP client to look at its inventory and change it
//! behind Strata's back.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use vsphere::collector::{Object, Props};
use vsphere::vcsim::{PASSWORD, USER, Vcsim};
use vsphere::{Client, Connection};

/// The name prefix of everything the tests' blueprints create.
pub const PREFIX: &str = "st-";

/// One test's simulator and blueprint folder.
pub struct Lab {
    /// The simulator.
    pub sim: Vcsim,
    /// The blueprint's folder.
    pub dir: tempfile::TempDir,
}

impl Lab {
    /// A simulator for test `name`; `None` (with a message) when none can be started.
    pub fn new(name: &str) -> Option<Lab> {
        Lab::with(name, &[])
    }

    /// A simulator started with `args` (tools/vcsim/main.go's flags, such as `-tls`).
    pub fn with(name: &str, args: &[&str]) -> Option<Lab> {
        let sim = Vcsim::start(name, args)?;
        Some(Lab {
            sim,
            dir: tempfile::tempdir().unwrap(),
        })
    }

    /// Writes the blueprint: a host pool reading the cluster, the datastore LocalDS_0, two
    /// zones (port groups on the switch) and `vms` VMs alternating between them.
    pub fn blueprint(&self, vms: usize) -> &Path {
        std::fs::write(
            self.dir.path().join("main.hcl"),
            format!(
                r#"provider "vsphere" {{
  url         = "{url}"
  name_prefix = "{PREFIX}"
}}
strata {{
  default_provider {{
    vm           = vsphere
    network_zone = vsphere
    host_pool    = vsphere
    storage      = vsphere
  }}
}}
site "s" {{}}
host_pool "cluster" {{
  site  = site.s
  hosts = 4
  host {{
    cpu    = 16
    memory = "64GiB"
  }}
}}
storage "LocalDS_0" {{
  type     = "local"
  capacity = "1GiB"
}}
network_zone "a" {{
  cidr = "10.1.0.0/24"
  vlan = 101
}}
network_zone "b" {{
  cidr = "10.2.0.0/24"
  vlan = 102
}}
vm "vm" {{
  count   = {vms}
  pool    = host_pool.cluster
  zone    = count.index % 2 == 0 ? network_zone.a : network_zone.b
  storage = storage.LocalDS_0
  cpu     = 1
  memory  = "64MiB"
  disk    = "1GiB"
}}
"#,
                url = self.sim.url
            ),
        )
        .unwrap();
        self.dir.path()
    }

    /// Runs strata with `args` on the blueprint, the credentials in the environment.
    pub fn strata(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("strata runs")
    }

    /// Runs strata with `args`; its output and the vCenter round trips it made.
    pub fn counted(&self, args: &[&str]) -> (Output, u64) {
        let file = self.dir.path().join("calls");
        let _ = std::fs::remove_file(&file);
        let out = self
            .command(args)
            .env("STRATA_VSPHERE_CALLS_FILE", &file)
            .output()
            .expect("strata runs");
        let calls = std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse::<u64>().ok())
            .sum();
        (out, calls)
    }

    /// The command running strata with `args` on the blueprint.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_strata"));
        c.args(args)
            .arg(self.dir.path())
            .current_dir(self.dir.path())
            .env("STRATA_VSPHERE_USER", USER)
            .env("STRATA_VSPHERE_PASSWORD", PASSWORD);
        c
    }

    /// A client of the simulator.
    pub async fn client(&self) -> Client {
        Client::connect(&Connection {
            url: self.sim.url.clone(),
            user: USER.into(),
            password: PASSWORD.into(),
            insecure: false,
            ca_file: None,
            max_concurrent: 4,
            call_timeout: Duration::from_secs(30),
        })
        .await
        .expect("the simulator accepts the login")
    }

    /// The objects of type `kind` whose name starts with the prefix.
    pub async fn ours(&self, client: &Client, kind: &str, paths: &[&str]) -> Vec<Object> {
        let root = client.content().root_folder.clone();
        let mut all = client
            .contents(&root, &[Props { kind, paths }])
            .await
            .unwrap();
        all.retain(|o| o.text("name").is_some_and(|n| n.starts_with(PREFIX)));
        all.sort_by(|a, b| a.text("name").cmp(&b.text("name")));
        all
    }
}

/// Everything a command printed.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
