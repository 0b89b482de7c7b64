//! Capacity planning against worked examples (VMware's slot example, compound growth,
//! Erlang C), the tiered node reservations, and small inline blueprints for N+1 / N+2,
//! HA admission control, growth, consolidation and latency under failure.

mod common;

// The topics, one file each under capacity/ (a test crate's root resolves `mod` paths
// beside itself, hence the `#[path]`s).
#[path = "capacity/consolidation.rs"]
mod consolidation;
#[path = "capacity/growth.rs"]
mod growth;
#[path = "capacity/ha.rs"]
mod ha;
#[path = "capacity/latency.rs"]
mod latency;
#[path = "capacity/measured.rs"]
mod measured;
#[path = "capacity/reservations.rs"]
mod reservations;
#[path = "capacity/survive.rs"]
mod survive;
