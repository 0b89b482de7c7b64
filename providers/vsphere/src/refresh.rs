//! Reading every object of a refresh in one PropertyCollector retrieval (and its pages):
//! VMs' CPU, memory and power state, port groups, the cluster and datastores, whatever
//! their number. Guest properties (IP addresses, which wait on VMware Tools) are never
//! read, so a refresh never waits on a guest.

use std::collections::HashMap;

use planner::provider::{ReadRequest, ReadResponse};

use crate::collector::{Object, Props, Start};
use crate::ctx::Ctx;
use crate::error::VsphereError;

const NETWORK: [Props<'static>; 2] = [
    Props {
        kind: "DistributedVirtualPortgroup",
        paths: &["name"],
    },
    Props {
        kind: "Network",
        paths: &["name"],
    },
];

/// The objects of `requests`, read; an object that no longer exists reads as gone.
pub async fn read_many(
    ctx: &Ctx,
    requests: &[ReadRequest],
) -> Result<Vec<ReadResponse>, VsphereError> {
    let mut starts: Vec<Start> = requests
        .iter()
        .filter_map(|r| crate::names::moref(&r.id))
        .map(Start::object)
        .collect();
    starts.sort_by(|a, b| (&a.obj.kind, &a.obj.value).cmp(&(&b.obj.kind, &b.obj.value)));
    starts.dedup_by(|a, b| a.obj == b.obj);
    let props = [
        crate::vm::PROPS,
        crate::places::CLUSTER,
        crate::places::STORE,
        NETWORK[0],
        NETWORK[1],
    ];
    let got = ctx.client.retrieve_existing(&starts, &props).await?;
    let by_id: HashMap<String, Object> = got
        .into_iter()
        .filter_map(|o| Some((o.obj.as_ref()?.to_string(), o)))
        .collect();
    Ok(requests
        .iter()
        .map(|r| {
            let attrs = by_id.get(&r.id).map(|o| match r.kind.as_str() {
                "vm" => crate::vm::read_into(&r.prior, o),
                "host_pool" => crate::places::cluster_into(&r.prior, o),
                "storage" => crate::places::datastore_into(&r.prior, o),
                _ => r.prior.clone(),
            });
            ReadResponse {
                attrs,
                diagnostics: Vec::new(),
            }
        })
        .collect())
}
