//! Strata's vSphere provider: a blueprint's `vm`s become virtual machines in vCenter
//! (created, or cloned from a template), its `network_zone`s port groups (or existing
//! networks), and its `host_pool`s and `storage` read existing clusters and datastores.
//!
//! It speaks vCenter's SOAP API (`urn:vim25`) over reqwest with rustls: [`soap`] writes
//! and reads the envelopes, [`Client`] holds the session (re-login when it ends, a bound
//! on calls in flight), the PropertyCollector reads in bulk ([`collector`]) and tasks are
//! waited for with a timeout ([`task`]). See docs/providers/vsphere.md.

pub mod client;
pub mod collector;
pub mod connection;
pub mod ctx;
pub mod error;
mod import;
pub mod inventory;
pub mod names;
pub mod places;
mod plan;
pub mod provider;
mod refresh;
pub mod settings;
pub mod soap;
pub mod spec;
pub mod task;
pub mod vm;
pub mod vm_index;
pub mod zone;

pub use client::Client;
pub use connection::Connection;
pub use error::VsphereError;
pub use provider::VsphereProvider;
pub use settings::Settings;
#[cfg(feature = "vcsim")]
pub mod vcsim;
