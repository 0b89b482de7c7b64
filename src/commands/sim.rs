//! `strata sim drift|delete|show`: change the simulated datacenter behind Strata's back, as
//! an operator with a console would, and look at it.

use blueprint::Address;

use crate::cli::SimCommand;
use crate::printer::Printer;
use crate::session::Session;

pub async fn run(command: &SimCommand, printer: &mut Printer) -> anyhow::Result<u8> {
    match command {
        SimCommand::Drift(args) => {
            let mut session = Session::open(&args.dir, &args.state, "sim drift", printer).await?;
            session.connect(None, printer).await?;
            let address: Address = args.address.parse()?;
            let Some((attr, raw)) = args.change.split_once('=') else {
                anyhow::bail!("write the change as attr=value, for example cpu=8");
            };
            let value = serde_json::from_str(raw)
                .unwrap_or_else(|_| serde_json::Value::String(raw.to_string()));
            session
                .sim()?
                .drift(&address, attr.trim(), value)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            printer.line(&format!(
                "Changed {attr} of {address} in the simulated datacenter."
            ));
            Ok(0)
        }
        SimCommand::Delete(args) => {
            let mut session = Session::open(&args.dir, &args.state, "sim delete", printer).await?;
            session.connect(None, printer).await?;
            let address: Address = args.address.parse()?;
            session
                .sim()?
                .remove(&address)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            printer.line(&format!("Deleted {address} from the simulated datacenter."));
            Ok(0)
        }
        SimCommand::Show(args) => {
            let target = &args.target;
            let mut session =
                Session::open(&target.dir, &target.state, "sim show", printer).await?;
            session.connect(None, printer).await?;
            let sim = session.sim()?;
            let objects: Vec<(String, String, String)> = sim
                .objects()
                .into_iter()
                .map(|(address, kind, id)| (address.to_string(), kind, id))
                .collect();
            if args.json {
                let objects: Vec<serde_json::Value> = objects
                    .iter()
                    .map(|(address, kind, id)| {
                        serde_json::json!({ "address": address, "kind": kind, "id": id })
                    })
                    .collect();
                printer
                    .json(&serde_json::json!({ "objects": objects, "datacenter": sim.summary() }));
            } else {
                printer.text(&super::sim_show::render(&sim.summary(), &objects));
            }
            Ok(0)
        }
    }
}
