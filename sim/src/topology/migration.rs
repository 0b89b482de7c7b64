//! The migration pairs of a blueprint: an application as it runs today (on VMs, under
//! vSphere HA) and the services it becomes on Kubernetes (its `migrates_to`), so that
//! `strata simulate` and `strata report` can show the two side by side.

use super::Topology;

/// One service and where it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// Its address.
    pub address: String,
    /// `VMs (vSphere HA)` for an application on VMs, else its cluster's address.
    pub runs_on: String,
}

/// An application today and after migration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// The application as it runs today.
    pub today: Side,
    /// What it becomes, in the order `migrates_to` lists them.
    pub after: Vec<Side>,
}

/// What an application on VMs runs on, as reports name it.
pub const ON_VMS: &str = "VMs (vSphere HA)";

impl Topology {
    /// Every service with a `migrates_to`, in blueprint order.
    pub fn migrations(&self) -> Vec<Migration> {
        let side = |s: u32| {
            let service = &self.services[s as usize];
            Side {
                address: service.address.clone(),
                runs_on: service.cluster.map_or_else(
                    || ON_VMS.to_string(),
                    |c| self.clusters[c as usize].address.clone(),
                ),
            }
        };
        (0..self.services.len() as u32)
            .filter(|&s| !self.services[s as usize].migrates_to.is_empty())
            .map(|s| Migration {
                today: side(s),
                after: self.services[s as usize]
                    .migrates_to
                    .iter()
                    .map(|&m| side(m))
                    .collect(),
            })
            .collect()
    }
}
