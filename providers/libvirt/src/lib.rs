//! Strata's libvirt provider: a blueprint's `network_zone`s become libvirt networks, its
//! `storage` pools, its `vm`s domains with a qcow2 volume and a NIC, its
//! `network_policy`s network filters, and a `host_pool` reads the hypervisor's figures.
//!
//! The libvirt-independent parts (names and identities, the attributes read into libvirt's
//! figures, the XML written and read) always build; the provider itself links libvirt's C
//! library through the `virt` crate and needs the `native` feature (the root crate's
//! `libvirt` feature). See docs/providers/libvirt.md.
//!
//! ```no_run
//! # #[cfg(feature = "native")]
//! # async fn demo(settings: libvirt::Settings) -> Result<(), libvirt::LibvirtError> {
//! use planner::Provider;
//! let provider = libvirt::LibvirtProvider::connect(settings).await?;
//! assert_eq!(provider.name(), "libvirt");
//! # Ok(()) }
//! ```

pub mod names;
pub mod parse;
pub mod settings;
pub mod spec;
pub mod xml;

#[cfg(feature = "native")]
mod conn;
#[cfg(feature = "native")]
mod ctx;
#[cfg(feature = "native")]
mod dhcp;
#[cfg(feature = "native")]
pub mod error;
#[cfg(feature = "native")]
mod fanout;
#[cfg(feature = "native")]
mod host;
#[cfg(feature = "native")]
mod import;
#[cfg(feature = "native")]
mod plan;
#[cfg(feature = "native")]
mod policy;
#[cfg(feature = "native")]
mod power;
#[cfg(feature = "native")]
mod provider;
#[cfg(feature = "native")]
mod refresh;
#[cfg(feature = "native")]
#[allow(unsafe_code)]
mod stats;
#[cfg(feature = "native")]
mod storage;
#[cfg(feature = "native")]
mod vm;
#[cfg(feature = "native")]
mod zone;

#[cfg(feature = "native")]
pub use error::LibvirtError;
#[cfg(feature = "native")]
pub use provider::LibvirtProvider;
pub use settings::Settings;
