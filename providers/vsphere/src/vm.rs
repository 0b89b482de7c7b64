//! `vm` as a vSphere virtual machine: created (or cloned from a template), reconfigured in
//! place (hot-add while it runs when it can, else powered off and on), powered on and off,
//! and destroyed. Every VM carries its address and the state's lineage in extraConfig.

use blueprint::Address;
use planner::Attrs;
use planner::provider::Progress;

use crate::collector::{Object, Props, Start};
use crate::ctx::{Ctx, keys, reference};
use crate::error::VsphereError;
use crate::soap::{El, Moref};
use crate::spec::{ConfigSpec, new_devices, nic_edit};

/// What Strata sets of a VM, read from the blueprint's attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// vCPUs.
    pub cpu: i64,
    /// Memory, in MiB.
    pub memory_mb: i64,
    /// Powered on.
    pub running: bool,
}

impl Shape {
    /// The shape the attributes ask for.
    pub fn of(address: &Address, attrs: &Attrs) -> Result<Shape, VsphereError> {
        let cpu = attrs
            .get("cpu")
            .and_then(|v| v.as_i64())
            .ok_or_else(|| VsphereError::Unsupported(format!("{address}: cpu is required")))?;
        let memory = attrs
            .get("memory")
            .and_then(|v| v.as_str())
            .unwrap_or("1GiB");
        let bytes = blueprint::units::parse_size(memory)
            .map_err(|e| VsphereError::Unsupported(format!("{address}: memory: {}", e.message)))?;
        Ok(Shape {
            cpu,
            memory_mb: bytes.div_ceil(1 << 20) as i64,
            running: attrs
                .get("running")
                .and_then(|v| v.as_bool())
                .unwrap_or(true),
        })
    }
}

/// What a VM's figures are read from, in one retrieval for every VM.
pub const PROPS: Props<'static> = Props {
    kind: "VirtualMachine",
    paths: &[
        "name",
        "config.hardware.numCPU",
        "config.hardware.memoryMB",
        "config.cpuHotAddEnabled",
        "config.memoryHotAddEnabled",
        "runtime.powerState",
    ],
};

/// The attributes `prior` with the figures `vm` has now.
pub fn read_into(prior: &Attrs, vm: &Object) -> Attrs {
    let mut out = prior.clone();
    if let Some(cpu) = vm.int("config.hardware.numCPU") {
        out.insert("cpu".into(), cpu.into());
    }
    if let Some(mb) = vm.int("config.hardware.memoryMB") {
        out.insert(
            "memory".into(),
            blueprint::units::format_size(mb as u64 * (1 << 20)).into(),
        );
    }
    if let Some(state) = vm.text("runtime.powerState") {
        out.insert("running".into(), (state == "poweredOn").into());
    }
    out
}

/// The extraConfig of `vm`, as (key, value) pairs.
pub async fn extra_config(ctx: &Ctx, vm: &Moref) -> Result<Vec<(String, String)>, VsphereError> {
    let got = ctx.client.property(vm, "config.extraConfig").await?;
    Ok(got
        .map(|n| {
            n.children
                .iter()
                .filter_map(|o| {
                    Some((
                        o.text_at(&["key"])?.to_string(),
                        o.text_at(&["value"])?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The VM created for `key` by this state, if there is one: its id and the attributes it
/// was created with.
pub async fn find(
    ctx: &Ctx,
    address: &Address,
    key: &str,
) -> Result<Option<(String, Attrs)>, VsphereError> {
    let name = ctx.name(address, key);
    let Some(vm) = ctx
        .vms
        .get(&ctx.client, &ctx.inventory.folder, &name)
        .await?
    else {
        return Ok(None);
    };
    let extra = match extra_config(ctx, &vm).await {
        Err(e) if gone(&e) => return Ok(None),
        other => other?,
    };
    let get = |k: &str| extra.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get(keys::LINEAGE) != Some(ctx.settings.lineage.as_str()) || get(keys::KEY) != Some(key) {
        return Ok(None);
    }
    let attrs = get(keys::ATTRS)
        .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    Ok(Some((vm.to_string(), attrs)))
}

/// Creates the VM (or clones it from its template), brings CPU, memory and power to the
/// attributes, and returns its id. A VM this state created for `key` already (a killed apply's) is adopted.
pub async fn create(
    ctx: &Ctx,
    address: &Address,
    key: &str,
    attrs: &Attrs,
    progress: &Progress,
) -> Result<String, (String, VsphereError)> {
    let plain = |e| (String::new(), e);
    if let Some((id, _)) = find(ctx, address, key).await.map_err(plain)? {
        let vm = crate::names::moref(&id).unwrap_or_else(|| Moref::new("", ""));
        let shape = Shape::of(address, attrs).map_err(plain)?;
        power(ctx, &vm, shape.running, progress)
            .await
            .map_err(|e| ("running".into(), e))?;
        return Ok(id);
    }
    let name = ctx.name(address, key);
    let shape = Shape::of(address, attrs).map_err(plain)?;
    let zone = reference(address, attrs, "zone")
        .map_err(plain)?
        .ok_or_else(|| {
            plain(VsphereError::Unsupported(format!(
                "{address}: a VM needs a zone"
            )))
        })?;
    let networks = ctx.networks().await.map_err(plain)?;
    let net = ctx
        .network(&networks, &ctx.zone_network(&zone))
        .map_err(|e| ("zone".to_string(), e))?;
    let backing = ctx.backing(net).map_err(plain)?;
    let (ds_name, ds) = match reference(address, attrs, "storage").map_err(plain)? {
        Some(storage) => {
            let d = ctx
                .datastore(&storage.name)
                .await
                .map_err(|e| ("storage".to_string(), e))?;
            (
                storage.name.clone(),
                d.obj.clone().unwrap_or_else(|| Moref::new("", "")),
            )
        }
        None => ctx.inventory.datastore.clone(),
    };
    let mut spec = ConfigSpec {
        name: Some(name.clone()),
        cpus: Some(shape.cpu),
        memory_mb: Some(shape.memory_mb),
        hot_add: Some(true),
        extra: vec![
            (keys::LINEAGE.into(), ctx.settings.lineage.clone()),
            (keys::KEY.into(), key.to_string()),
            (keys::ADDRESS.into(), address.to_string()),
            (
                keys::ATTRS.into(),
                serde_json::Value::Object(attrs.clone()).to_string(),
            ),
        ],
        ..ConfigSpec::default()
    };
    let template = attrs
        .get("image")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .or_else(|| ctx.settings.template.clone());
    let made = match template {
        Some(template) => {
            let source = find_template(ctx, &template)
                .await
                .map_err(|e| ("image".to_string(), e))?;
            if let Some((kind, nic)) = first_nic(ctx, &source).await.map_err(plain)? {
                spec.devices.push(nic_edit(&kind, nic, &backing));
            }
            spec.name = None;
            let clone_spec = El::new("spec")
                .with(
                    El::new("location")
                        .with(El::moref("datastore", &ds))
                        .with(El::moref("pool", &ctx.inventory.resource_pool)),
                )
                .with(El::text("template", false))
                .with(spec.element("config"))
                .with(El::text("powerOn", false));
            ctx.task(
                "CloneVM_Task",
                &source,
                &[
                    El::moref("folder", &ctx.inventory.folder),
                    El::text("name", &name),
                    clone_spec,
                ],
                progress,
            )
            .await
        }
        None => {
            let disk = attrs
                .get("disk")
                .and_then(|v| v.as_str())
                .unwrap_or("50GiB");
            let disk_kib = blueprint::units::parse_size(disk)
                .map_err(|e| ("disk".to_string(), VsphereError::Unsupported(e.message)))?
                .div_ceil(1024);
            spec.guest_id = Some("otherGuest64".into());
            spec.vm_path = Some(format!("[{ds_name}]"));
            spec.devices = new_devices(&ds_name, disk_kib, &backing);
            ctx.task(
                "CreateVM_Task",
                &ctx.inventory.folder,
                &[
                    spec.element("config"),
                    El::moref("pool", &ctx.inventory.resource_pool),
                ],
                progress,
            )
            .await
        }
    }
    .map_err(plain)?;
    let vm = made.and_then(|r| r.moref()).ok_or_else(|| {
        plain(VsphereError::Response(
            "the create task returned no VM".into(),
        ))
    })?;
    ctx.vms.created(&name, &vm).await;
    // A clone keeps what its config spec did not take (the simulator ignores its memory);
    // bringing the new VM to the attributes also powers it on.
    update(ctx, address, &vm.to_string(), attrs, progress).await?;
    Ok(vm.to_string())
}

/// The template called `name`; the error lists the templates there are.
async fn find_template(ctx: &Ctx, name: &str) -> Result<Moref, VsphereError> {
    let all = ctx
        .client
        .contents(
            &ctx.inventory.datacenter,
            &[Props {
                kind: "VirtualMachine",
                paths: &["name", "config.template"],
            }],
        )
        .await?;
    let templates: Vec<Object> = all
        .into_iter()
        .filter(|v| v.text("config.template") == Some("true"))
        .collect();
    let place = format!(
        "the datacenter of cluster \"{}\"",
        ctx.inventory.cluster_name
    );
    let t = crate::inventory::pick(&templates, Some(name), "template", &place)?;
    t.obj
        .clone()
        .ok_or_else(|| VsphereError::Response("a template without a reference".into()))
}

/// The type and key of a VM's first NIC.
async fn first_nic(ctx: &Ctx, vm: &Moref) -> Result<Option<(String, i64)>, VsphereError> {
    let devices = ctx.client.property(vm, "config.hardware.device").await?;
    Ok(devices.and_then(|d| {
        d.children.iter().find_map(|dev| {
            let kind = dev.xsi_type.clone()?;
            let nic = dev.child("macAddress").is_some()
                || kind.starts_with("VirtualE1000")
                || kind.starts_with("VirtualVmxnet")
                || kind == "VirtualPCNet32";
            nic.then(|| Some((kind, dev.int_at(&["key"])?))).flatten()
        })
    }))
}

/// Powers `vm` on or off, unless it is already so.
pub async fn power(
    ctx: &Ctx,
    vm: &Moref,
    on: bool,
    progress: &Progress,
) -> Result<(), VsphereError> {
    let state = ctx.client.property(vm, "runtime.powerState").await?;
    let is_on = state.as_ref().map(|s| s.text.as_str()) == Some("poweredOn");
    match (is_on, on) {
        (false, true) => ctx
            .task("PowerOnVM_Task", vm, &[], progress)
            .await
            .map(drop),
        (true, false) => ctx
            .task("PowerOffVM_Task", vm, &[], progress)
            .await
            .map(drop),
        _ => Ok(()),
    }
}

/// Brings the VM to the attributes: CPU and memory reconfigured (while it runs when
/// hot-add is enabled and they only grow, else powered off first), then its power state.
pub async fn update(
    ctx: &Ctx,
    address: &Address,
    id: &str,
    attrs: &Attrs,
    progress: &Progress,
) -> Result<(), (String, VsphereError)> {
    let plain = |e| (String::new(), e);
    let vm = crate::names::moref(id).ok_or_else(|| {
        plain(VsphereError::Response(format!(
            "\"{id}\" is not a VM reference"
        )))
    })?;
    let want = Shape::of(address, attrs).map_err(plain)?;
    let now = ctx
        .client
        .retrieve(&[Start::object(vm.clone())], &[PROPS])
        .await
        .map_err(plain)?;
    let now = now.into_iter().next().unwrap_or_default();
    let cpus = now.int("config.hardware.numCPU").unwrap_or(want.cpu);
    let mb = now
        .int("config.hardware.memoryMB")
        .unwrap_or(want.memory_mb);
    let on = now.text("runtime.powerState") == Some("poweredOn");
    if cpus != want.cpu || mb != want.memory_mb {
        let hot = now.text("config.cpuHotAddEnabled") == Some("true")
            && now.text("config.memoryHotAddEnabled") == Some("true")
            && want.cpu >= cpus
            && want.memory_mb >= mb;
        if on && !hot {
            power(ctx, &vm, false, progress)
                .await
                .map_err(|e| ("running".into(), e))?;
        }
        let spec = ConfigSpec {
            cpus: Some(want.cpu),
            memory_mb: Some(want.memory_mb),
            ..ConfigSpec::default()
        };
        ctx.task("ReconfigVM_Task", &vm, &[spec.element("spec")], progress)
            .await
            .map_err(|e| {
                (
                    if cpus != want.cpu { "cpu" } else { "memory" }.to_string(),
                    e,
                )
            })?;
    }
    power(ctx, &vm, want.running, progress)
        .await
        .map_err(|e| ("running".into(), e))
}

/// Powers the VM off and destroys it with its disks; a VM already gone is fine.
pub async fn delete(ctx: &Ctx, id: &str, progress: &Progress) -> Result<(), VsphereError> {
    let Some(vm) = crate::names::moref(id) else {
        return Ok(());
    };
    match power(ctx, &vm, false, progress).await {
        Err(e) if gone(&e) => return Ok(()),
        other => other?,
    }
    match ctx.task("Destroy_Task", &vm, &[], progress).await {
        Err(e) if gone(&e) => {}
        other => other.map(drop)?,
    }
    ctx.vms.destroyed(&vm).await;
    Ok(())
}

/// True for vCenter's fault of an object that no longer exists.
fn gone(e: &VsphereError) -> bool {
    e.fault().is_some_and(|f| f.kind == "ManagedObjectNotFound")
}
