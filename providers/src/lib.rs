//! Providers: the Provider trait and its implementations (sim, libvirt, vsphere, kubernetes).
//!
//! Empty until plan/apply lands (issue 3); the crate exists so the workspace has its final shape.
