//! The double through the real client (kube-rs with k8s-openapi's types). With
//! `STRATA_TEST_KUBECONFIG` set the same tests run against that cluster instead; the
//! ones that need the double's knobs skip there.

mod apply;
mod common;
mod delete;
mod discovery;
mod errors;
mod list_watch;
mod tls;
