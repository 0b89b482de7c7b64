//! The discrete-event simulator: failure/repair and failover models, Monte Carlo, capacity.
//!
//! Empty until the simulator lands (issue 4); the crate exists so the workspace has its final shape.
