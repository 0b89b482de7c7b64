//! `strata import ADDRESS ID`: take an existing object under management.

use blueprint::Address;
use planner::provider::ImportRequest;
use planner::state::Object;

use crate::cli::ImportArgs;
use crate::printer::Printer;
use crate::session::{Session, known, load_blueprint, now};

pub async fn run(args: &ImportArgs, printer: &mut Printer) -> anyhow::Result<u8> {
    let address: Address = args.address.parse()?;
    let mut session = Session::open(&args.flags.dir, &args.flags.state, "import", printer).await?;
    let (config, diags, sources) = load_blueprint(
        &args.flags.dir,
        &args.flags.vars,
        known(&session.state),
        printer,
    );
    printer.diagnostics(&diags, &sources);
    if diags.has_errors() {
        return Ok(1);
    }
    session.connect(Some(&config), printer).await?;
    let Some(inst) = config.instance(&address) else {
        printer.failure(&format!("{address} is not in the blueprint: write its block first, then import the object into it"));
        return Ok(1);
    };
    if session.state.objects.iter().any(|o| o.address == address) {
        printer.failure(&format!(
            "{address} is already managed; `strata state rm` it first to import another object"
        ));
        return Ok(1);
    }
    let provider_name = inst.provider.clone().unwrap_or_else(|| "sim".into());
    let Some(provider) = session.providers.get(&provider_name).cloned() else {
        printer.failure(&format!("no provider \"{provider_name}\" is configured"));
        return Ok(1);
    };
    let response = provider
        .import(ImportRequest {
            address: address.clone(),
            kind: inst.kind.to_string(),
            id: args.id.clone(),
        })
        .await;
    let Some(attributes) = response.attrs else {
        for d in &response.diagnostics {
            printer.failure(&d.summary);
        }
        printer.failure(&format!(
            "{provider_name} has no {} with id \"{}\"",
            inst.kind, args.id
        ));
        return Ok(1);
    };
    let dependencies = inst
        .deps
        .iter()
        .map(|d| config.instances[*d].address.clone())
        .collect();
    session.state.objects.push(Object {
        address: address.clone(),
        kind: inst.kind.to_string(),
        provider: provider_name,
        id: args.id.clone(),
        attributes,
        dependencies,
        created_at: now(),
        sensitive: inst.sensitive.clone(),
        prevent_destroy: inst.lifecycle.prevent_destroy,
    });
    session.save().await?;
    printer.line(&format!(
        "Imported {} into {address}. Run `strata plan` to see how it differs from the blueprint.",
        args.id
    ));
    Ok(0)
}
