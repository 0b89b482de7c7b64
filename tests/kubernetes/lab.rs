//! A test's cluster (the API server double, or the real cluster `STRATA_TEST_KUBECONFIG`
//! names), a copy of blueprints/kubernetes-lab pointed at it, and a kube client to look at
//! what Strata made and change it behind Strata's back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
};
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

    /// Changes the object `namespace/name` of `kind` with a merge patch as another field
    /// manager would (`kubectl edit`, `kubectl patch`); `namespace` empty for a
    /// cluster-scoped one.
    pub async fn edit(
        &self,
        object: (&str, &str, &str, &str),
        manager: &str,
        patch: serde_json::Value,
    ) {
        let (api_version, kind, namespace, name) = object;
        let params = PatchParams {
            field_manager: Some(manager.into()),
            ..PatchParams::default()
        };
        self.namespaced(api_version, kind, namespace)
            .patch(name, &params, &Patch::Merge(&patch))
            .await
            .unwrap_or_else(|e| panic!("{kind} {namespace}/{name}: {e}"));
    }

    /// The object `namespace/name` of `kind` as the cluster has it (its whole JSON).
    pub async fn get(&self, object: (&str, &str, &str, &str)) -> serde_json::Value {
        let (api_version, kind, namespace, name) = object;
        let got = self
            .namespaced(api_version, kind, namespace)
            .get(name)
            .await
            .unwrap_or_else(|e| panic!("{kind} {namespace}/{name}: {e}"));
        serde_json::to_value(got).unwrap()
    }

    /// Deletes the object `namespace/name` of `kind` as `kubectl delete` would.
    pub async fn delete(&self, object: (&str, &str, &str, &str)) {
        let (api_version, kind, namespace, name) = object;
        self.namespaced(api_version, kind, namespace)
            .delete(name, &DeleteParams::default())
            .await
            .unwrap_or_else(|e| panic!("{kind} {namespace}/{name}: {e}"));
    }

    /// Runs `strata plan`, expects changes showing each of `shown`, applies them, and
    /// expects the next plan to have none; returns the first plan.
    pub fn corrected(&self, shown: &[&str]) -> String {
        let out = self.strata(&["plan", "-detailed-exitcode"]);
        let plan = text(&out);
        assert_eq!(out.status.code(), Some(2), "{plan}");
        for s in shown {
            assert!(plan.contains(s), "no {s:?} in the plan:\n{plan}");
        }
        let out = self.strata(&["apply", "-auto-approve"]);
        assert!(out.status.success(), "{}", text(&out));
        self.no_changes();
        plan
    }

    /// Expects `strata plan` to have no changes.
    pub fn no_changes(&self) {
        let out = self.strata(&["plan", "-detailed-exitcode"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }

    /// Strata's objects of every kind it writes, as `KIND namespace/name`.
    pub async fn everything(&self) -> Vec<String> {
        let mut all = Vec::new();
        for (api_version, kind) in kubernetes::live::objects::KINDS {
            for name in self.ours(api_version, kind).await {
                all.push(format!("{kind} {name}"));
            }
        }
        all
    }

    /// Adds `workers` more services (`service.worker`, with `count`) in the app zone.
    pub fn add_workers(&self, workers: usize) {
        let workers = format!(
            "\nservice \"worker\" {{\n  count   = {workers}\n  cluster = kubernetes_cluster.lab\n  zone    = network_zone.app\n  image   = \"registry.lab.internal/worker:1.0\"\n}}\n"
        );
        self.write("", |b| b + &workers);
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
