//! The cluster the end-to-end tests run against: a real one when
//! `STRATA_TEST_KUBECONFIG` names its kubeconfig, else a fresh double.

use crate::KubeDouble;
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use std::path::PathBuf;

/// The variable naming a real cluster's kubeconfig for the end-to-end tests.
pub const KUBECONFIG_VARIABLE: &str = "STRATA_TEST_KUBECONFIG";

/// A cluster for a test: its kubeconfig, a client, and the double when there is one.
pub struct TestCluster {
    /// The kubeconfig file to hand to the code under test.
    pub kubeconfig_path: PathBuf,
    /// A client for the cluster (the kubeconfig's current context).
    pub client: kube::Client,
    /// The double, when the tests run against one (None for a real cluster).
    pub double: Option<KubeDouble>,
}

impl TestCluster {
    /// Whether this is the double (tests of the double's knobs skip on real clusters).
    pub fn is_double(&self) -> bool {
        self.double.is_some()
    }
}

/// Why a test cluster could not be had.
#[derive(Debug, thiserror::Error)]
pub enum TestClusterError {
    /// The double did not start, or its kubeconfig could not be written.
    #[error("starting the Kubernetes API server double: {0}")]
    Start(#[from] std::io::Error),
    /// The kubeconfig could not be read or used.
    #[error("reading the kubeconfig {path}: {source}")]
    Kubeconfig {
        /// The kubeconfig file.
        path: PathBuf,
        /// What was wrong with it.
        source: KubeconfigError,
    },
    /// The client could not be built.
    #[error("building the Kubernetes client: {0}")]
    Client(#[from] kube::Error),
}

/// The cluster named by `STRATA_TEST_KUBECONFIG` when set, else a new double.
pub async fn test_cluster() -> Result<TestCluster, TestClusterError> {
    let (kubeconfig_path, double) = match std::env::var_os(KUBECONFIG_VARIABLE) {
        Some(p) if !p.is_empty() => (PathBuf::from(p), None),
        _ => {
            let d = KubeDouble::start()?;
            (d.kubeconfig_path(), Some(d))
        }
    };
    let bad = |source| TestClusterError::Kubeconfig {
        path: kubeconfig_path.clone(),
        source,
    };
    let kc = Kubeconfig::read_from(&kubeconfig_path).map_err(bad)?;
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .map_err(bad)?;
    let client = kube::Client::try_from(config)?;
    Ok(TestCluster {
        kubeconfig_path,
        client,
        double,
    })
}
