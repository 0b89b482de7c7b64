//! `strata show [PLANFILE | DIR] [-json]`: a saved plan, or the state of a blueprint, as
//! `terraform show` prints them; with `-json`, Terraform's JSON plan or state
//! representation (docs/plan-json.md). Sensitive values are never shown.

use planner::plan;

use crate::cli::ShowArgs;
use crate::printer::Printer;
use crate::reading::read_state;

pub async fn run(args: &ShowArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    if args.path.is_file() {
        let saved = super::plan::load(&args.path)?;
        if args.json {
            printer.json(&plan::json::to_json(&saved.plan, &saved.configuration));
        } else {
            printer.text(&plan::render::render(&saved.plan));
        }
        return Ok(0);
    }
    if !args.path.is_dir() {
        printer.failure(&format!(
            "{} is neither a plan saved with `strata plan -out` nor a blueprint folder",
            args.path.display()
        ));
        return Ok(1);
    }
    let state = read_state(&args.path, &args.state, printer).await?;
    if args.json {
        printer.json(&plan::json::state_to_json(&state));
    } else {
        printer.text(&plan::render::render_state(&state));
    }
    Ok(0)
}
