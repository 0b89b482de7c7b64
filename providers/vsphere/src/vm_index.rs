//! The VMs of the provider's folder by name, read with one retrieval the first time a VM
//! is looked up in a run and kept up to date with what the run creates and destroys, so
//! that `find` before each of N creates costs a map lookup, not a listing of the folder
//! (linear in N, not quadratic). The names are read with the PropertyCollector rather
//! than asked of `SearchIndex.FindChild`, which the simulator cannot answer while another
//! VM is being created (it fails on the VM that has no name yet); such a VM is skipped.

use std::collections::HashMap;

use tokio::sync::Mutex;

use crate::client::Client;
use crate::collector::Props;
use crate::error::VsphereError;
use crate::soap::Moref;

/// Names and references of the folder's VMs, once read.
#[derive(Debug, Default)]
pub struct VmIndex {
    read: Mutex<Option<Names>>,
}

/// Both ways: name to VM, VM (its `Type:value` id) to name.
#[derive(Debug, Default)]
struct Names {
    by_name: HashMap<String, Moref>,
    by_id: HashMap<String, String>,
}

impl Names {
    fn insert(&mut self, name: String, vm: Moref) {
        self.by_id.insert(vm.to_string(), name.clone());
        self.by_name.insert(name, vm);
    }
}

impl VmIndex {
    /// The VM called `name` in `folder`; the first call of a run reads every VM's name in
    /// the folder (one container-view retrieval), later calls read nothing.
    pub async fn get(
        &self,
        client: &Client,
        folder: &Moref,
        name: &str,
    ) -> Result<Option<Moref>, VsphereError> {
        let mut read = self.read.lock().await;
        if read.is_none() {
            let all = client
                .contents(
                    folder,
                    &[Props {
                        kind: "VirtualMachine",
                        paths: &["name"],
                    }],
                )
                .await?;
            let mut names = Names::default();
            for vm in all {
                if let (Some(name), Some(obj)) = (vm.text("name").map(str::to_string), vm.obj) {
                    names.insert(name, obj);
                }
            }
            *read = Some(names);
        }
        Ok(read.as_ref().and_then(|n| n.by_name.get(name).cloned()))
    }

    /// Records a VM this run created (when the folder has been read).
    pub async fn created(&self, name: &str, vm: &Moref) {
        if let Some(names) = self.read.lock().await.as_mut() {
            names.insert(name.to_string(), vm.clone());
        }
    }

    /// Forgets a VM this run destroyed.
    pub async fn destroyed(&self, vm: &Moref) {
        if let Some(names) = self.read.lock().await.as_mut()
            && let Some(name) = names.by_id.remove(&vm.to_string())
            && names.by_name.get(&name) == Some(vm)
        {
            names.by_name.remove(&name);
        }
    }
}
