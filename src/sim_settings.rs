//! The simulated datacenter's settings, resolved as every provider's are.

use std::path::Path;
use std::time::Duration;

use blueprint::Config;
use providers::{ApiServer, SimConfig};

use crate::printer::Printer;

/// The simulated datacenter's settings: the blueprint's `provider "sim"` block, then
/// `STRATA_SIM_<SETTING>`, then the defaults (`blueprint::providers::resolve`, as for
/// every provider). Its sensitive settings (`api_server_token`) are masked by `printer`.
pub fn sim_config(config: Option<&Config>, printer: &mut Printer) -> anyhow::Result<SimConfig> {
    let empty = Config::default();
    let env = |var: &str| std::env::var(var).ok();
    // A sim setting known only after apply is an error (`resolve`), never deferred.
    let resolved = blueprint::providers::resolve(config.unwrap_or(&empty), "sim", &env)
        .and_then(blueprint::providers::Resolution::ready)
        .map_err(|e| anyhow::anyhow!("provider \"sim\": {e}"))?;
    printer.protect(&crate::registry::secrets(&resolved));
    let bad = |name: &str, problem: String| anyhow::anyhow!("provider \"sim\" {name}: {problem}");
    let mut sim = SimConfig::default();
    if let Some(text) = resolved.get("latency") {
        let ms = blueprint::units::parse_duration(text)
            .map_err(|e| bad("latency", format!("{}. {}", e.message, e.help)))?;
        sim.latency = Duration::from_millis(ms);
    }
    if let Some(text) = resolved.get("failure_rate") {
        let rate = blueprint::units::parse_ratio(text)
            .ok()
            .or_else(|| text.parse::<f64>().ok())
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or_else(|| {
                bad(
                    "failure_rate",
                    format!("{text:?} is not between 0 and 1 (or 0% to 100%)"),
                )
            })?;
        sim.failure_rate = rate;
    }
    if let Some(text) = resolved.get("seed") {
        sim.seed = text.parse().map_err(|_| {
            bad(
                "seed",
                format!("{text:?} is not a whole number of 0 or more"),
            )
        })?;
    }
    sim.api_server = ApiServer::from_settings(
        resolved.get("api_server"),
        resolved.get("api_server_ca_file").map(Path::new),
        resolved.get("api_server_token"),
    )
    .map_err(|e| anyhow::anyhow!("provider \"sim\" {e}"))?;
    Ok(sim)
}
