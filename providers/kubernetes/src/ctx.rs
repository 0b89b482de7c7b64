//! [`Ctx`]: what mapping one resource needs besides the resource: the rest of the
//! evaluated blueprint (the cluster, zone, storage and gateway a resource names) and the
//! state's lineage.

use blueprint::{Address, Config, Instance};

use crate::error::MapError;
use crate::meta::Meta;
use crate::names;

/// The blueprint and the lineage the manifests are made for.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// The evaluated blueprint.
    pub config: &'a Config,
    /// The lineage of the state that manages the objects; `None` when there is no state
    /// yet (a render before the first apply), and then no lineage label is written.
    pub lineage: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    /// The instance at `address`, or an error naming the attribute that refers to it.
    pub fn instance(
        &self,
        address: &Address,
        from: &Address,
        attribute: &str,
    ) -> Result<&'a Instance, MapError> {
        self.config.instance(address).ok_or_else(|| {
            MapError::attribute(
                from,
                attribute,
                format!("{address} is not in the blueprint"),
            )
        })
    }

    /// The cluster an instance's `cluster` attribute names, as a cluster folder name.
    pub fn cluster(&self, instance: &Instance) -> Result<(String, &'a Instance), MapError> {
        let address = instance.fields.reference("cluster").ok_or_else(|| {
            MapError::attribute(
                &instance.address,
                "cluster",
                "a Kubernetes resource needs a known cluster",
            )
        })?;
        let cluster = self.instance(address, &instance.address, "cluster")?;
        Ok((names::object(address), cluster))
    }

    /// The namespace of a network zone: the zone's object name.
    pub fn zone_namespace(&self, zone: &Address) -> String {
        names::object(zone)
    }

    /// The zone of a service or job: its `zone`, else its cluster's.
    pub fn zone(&self, instance: &Instance, cluster: &Instance) -> Result<Address, MapError> {
        instance
            .fields
            .reference("zone")
            .or_else(|| cluster.fields.reference("zone"))
            .cloned()
            .ok_or_else(|| {
                MapError::attribute(
                    &instance.address,
                    "zone",
                    "neither it nor its cluster has a known zone",
                )
            })
    }

    /// The namespace of a service or job: its zone's.
    pub fn namespace(&self, instance: &Instance, cluster: &Instance) -> Result<String, MapError> {
        Ok(self.zone_namespace(&self.zone(instance, cluster)?))
    }

    /// The metadata of an object `name` in `namespace` owned by `owner`.
    pub fn meta(&self, name: &str, namespace: Option<&str>, owner: Option<&Address>) -> Meta {
        Meta {
            name: name.to_string(),
            namespace: namespace.map(str::to_string),
            owner: owner.map(Address::to_string),
            lineage: self.lineage.map(str::to_string),
            labels: Default::default(),
            annotations: Default::default(),
        }
    }
}
