//! The structures of VM creation and reconfiguration, written in the order of vim25's
//! XML schema (vCenter checks it): `VirtualMachineConfigSpec` and its device changes.

use crate::soap::{El, Moref};

/// What a VM's configuration spec sets; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ConfigSpec {
    /// The VM's name.
    pub name: Option<String>,
    /// The guest OS identifier (`otherGuest64`).
    pub guest_id: Option<String>,
    /// The datastore path of its files (`[LocalDS_0]`).
    pub vm_path: Option<String>,
    /// vCPUs.
    pub cpus: Option<i64>,
    /// Memory, in MiB.
    pub memory_mb: Option<i64>,
    /// CPU and memory hot-add.
    pub hot_add: Option<bool>,
    /// Device changes.
    pub devices: Vec<El>,
    /// `extraConfig` entries.
    pub extra: Vec<(String, String)>,
}

impl ConfigSpec {
    /// The spec as element `name` (`spec`, `config`).
    pub fn element(&self, name: &str) -> El {
        let text = |n: &str, v: &Option<String>| v.as_ref().map(|v| El::text(n, v));
        let num = |n: &str, v: Option<i64>| v.map(|v| El::text(n, v));
        let flag = |n: &str| self.hot_add.map(|v| El::text(n, v));
        El::new(name)
            .maybe(text("name", &self.name))
            .maybe(text("guestId", &self.guest_id))
            .maybe(
                self.vm_path
                    .as_ref()
                    .map(|p| El::new("files").with(El::text("vmPathName", p))),
            )
            .maybe(num("numCPUs", self.cpus))
            .maybe(num("memoryMB", self.memory_mb))
            .maybe(flag("memoryHotAddEnabled"))
            .maybe(flag("cpuHotAddEnabled"))
            .with_all(self.devices.iter().cloned())
            .with_all(self.extra.iter().map(|(k, v)| {
                El::typed("extraConfig", "OptionValue")
                    .with(El::text("key", k))
                    .with(El::typed_text("value", "xsd:string", v))
            }))
    }
}

/// Where a NIC connects: a distributed port group or a standard network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backing {
    /// A distributed port group: its switch's UUID and its key.
    Portgroup {
        /// The switch's UUID.
        switch_uuid: String,
        /// The port group's key.
        key: String,
    },
    /// A standard port group or other network: its name and object.
    Network {
        /// Its name.
        name: String,
        /// The network.
        network: Moref,
    },
}

impl Backing {
    /// The `backing` element of a NIC.
    pub fn element(&self) -> El {
        match self {
            Backing::Portgroup { switch_uuid, key } => El::typed(
                "backing",
                "VirtualEthernetCardDistributedVirtualPortBackingInfo",
            )
            .with(
                El::new("port")
                    .with(El::text("switchUuid", switch_uuid))
                    .with(El::text("portgroupKey", key)),
            ),
            Backing::Network { name, network } => {
                El::typed("backing", "VirtualEthernetCardNetworkBackingInfo")
                    .with(El::text("deviceName", name))
                    .with(El::moref("network", network))
            }
        }
    }
}

fn connectable() -> El {
    El::new("connectable")
        .with(El::text("startConnected", true))
        .with(El::text("allowGuestControl", true))
        .with(El::text("connected", false))
}

/// The device changes of a new VM: a paravirtual SCSI controller, a thin disk of
/// `disk_kib` KiB on `datastore`, and a vmxnet3 NIC on `backing`.
pub fn new_devices(datastore: &str, disk_kib: u64, backing: &Backing) -> Vec<El> {
    let add = |device: El, create: bool| {
        El::new("deviceChange")
            .with(El::text("operation", "add"))
            .maybe(create.then(|| El::text("fileOperation", "create")))
            .with(device)
    };
    let controller = El::typed("device", "ParaVirtualSCSIController")
        .with(El::text("key", -100))
        .with(El::text("busNumber", 0))
        .with(El::text("sharedBus", "noSharing"));
    let disk = El::typed("device", "VirtualDisk")
        .with(El::text("key", -101))
        .with(
            El::typed("backing", "VirtualDiskFlatVer2BackingInfo")
                .with(El::text("fileName", format!("[{datastore}]")))
                .with(El::text("diskMode", "persistent"))
                .with(El::text("thinProvisioned", true)),
        )
        .with(El::text("controllerKey", -100))
        .with(El::text("unitNumber", 0))
        .with(El::text("capacityInKB", disk_kib));
    let nic = El::typed("device", "VirtualVmxnet3")
        .with(El::text("key", -102))
        .with(backing.element())
        .with(connectable())
        .with(El::text("addressType", "generated"));
    vec![add(controller, false), add(disk, true), add(nic, false)]
}

/// The change moving an existing NIC (of type `kind`, with `key`) to `backing`.
pub fn nic_edit(kind: &str, key: i64, backing: &Backing) -> El {
    El::new("deviceChange")
        .with(El::text("operation", "edit"))
        .with(
            El::typed("device", kind)
                .with(El::text("key", key))
                .with(
                    El::new("deviceInfo")
                        .with(El::text("label", "Network adapter 1"))
                        .with(El::text("summary", "")),
                )
                .with(backing.element())
                .with(connectable()),
        )
}
