//! A test's cluster (the API server double, or the real cluster `STRATA_TEST_KUBECONFIG`
//! names), a copy of blueprints/kubernetes-lab pointed at it, and a kube client to look at
//! what Strata made and change it behind Strata's back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube_double::{TestCluster, test_cluster};

/// One test's cluster and blueprint folder.
pub struct Lab {
    /// The cluster.
    pub cluster: TestCluster,
    /// The blueprint's folder.
    pub dir: tempfile::TempDir,
}

/// The lab blueprint, as the repository has it.
fn lab_blueprint() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/kubernetes-lab/main.hcl");
    std::fs::read_to_string(path).unwrap()
}

impl Lab {
    /// A cluster and the lab blueprint with `provider` as its kubernetes provider block's
    /// settings besides the kubeconfig.
    pub async fn new(provider: &str) -> Lab {
        let cluster = test_cluster().await.expect("a test cluster");
        let lab = Lab {
            cluster,
            dir: tempfile::tempdir().unwrap(),
        };
        lab.write(provider, |b| b);
        lab
    }

    /// Rewrites the blueprint: the provider block's settings, then `edit` on the text.
    pub fn write(&self, provider: &str, edit: impl Fn(String) -> String) {
        let block = format!(
            "provider \"kubernetes\" {{\n  kubeconfig = \"{}\"\n{provider}\n}}",
            self.kubeconfig().display()
        );
        let text =
            lab_blueprint().replace("provider \"kubernetes\" {\n  context = \"lab\"\n}", &block);
        assert!(
            text.contains(&block),
            "the lab blueprint's provider block changed"
        );
        std::fs::write(self.dir.path().join("main.hcl"), edit(text)).unwrap();
    }

    /// The cluster's kubeconfig.
    pub fn kubeconfig(&self) -> PathBuf {
        self.cluster.kubeconfig_path.clone()
    }

    /// Runs strata with `args` on the blueprint.
    pub fn strata(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("strata runs")
    }

    /// The command running strata with `args` on the blueprint.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_strata"));
        c.args(args)
            .arg(self.dir.path())
            .current_dir(self.dir.path())
            .env_remove("KUBECONFIG")
            .env_remove("STRATA_NOW");
        c
    }

    /// The API of `kind` in `api_version`, cluster-wide.
    pub fn api(&self, api_version: &str, kind: &str) -> Api<DynamicObject> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
        Api::all_with(self.cluster.client.clone(), &resource)
    }

    /// The API of `kind` in `namespace`.
    pub fn namespaced(&self, api_version: &str, kind: &str, namespace: &str) -> Api<DynamicObject> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
        Api::namespaced_with(self.cluster.client.clone(), namespace, &resource)
    }

    /// Strata's objects of `kind` (the managed-by label), as `namespace/name`, sorted.
    pub async fn ours(&self, api_version: &str, kind: &str) -> Vec<String> {
        let params = ListParams::default().labels("app.kubernetes.io/managed-by=strata");
        let mut names: Vec<String> = self
            .api(api_version, kind)
            .list(&params)
            .await
            .unwrap()
            .items
            .iter()
            .filter(|o| o.metadata.deletion_timestamp.is_none())
            .map(|o| {
                format!(
                    "{}/{}",
                    o.metadata.namespace.as_deref().unwrap_or(""),
                    o.metadata.name.as_deref().unwrap_or("")
                )
            })
            .collect();
        names.sort();
        names
    }
}

/// A command's output and errors, for assertion messages and matching.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
