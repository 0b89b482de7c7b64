//! `strata import ADDRESS ID`: take an existing object under management.

use blueprint::{Address, Diagnostic, Diagnostics};
use planner::plan::attrs::desired;
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
    // Terraform's "Resource already managed": one address, one object.
    if let Some(held) = session.state.objects.iter().find(|o| o.address == address) {
        printer.failure(&format!(
            "{address} is already managed (id \"{}\"): to import another object to this address, first remove it from the state with `strata state rm {address}`",
            held.id
        ));
        return Ok(1);
    }
    let provider_name = inst.provider.clone().unwrap_or_else(|| "sim".into());
    let Some(provider) = session.providers.get(&provider_name).cloned() else {
        printer.failure(&format!("no provider \"{provider_name}\" is configured"));
        return Ok(1);
    };
    if refused_as_managed(
        &session,
        &provider_name,
        inst.kind,
        &address,
        &args.id,
        &args.id,
        printer,
    ) {
        return Ok(1);
    }
    let response = provider
        .import(ImportRequest {
            address: address.clone(),
            kind: inst.kind.to_string(),
            id: args.id.clone(),
            desired: desired(inst),
        })
        .await;
    let Some(attributes) = response.attrs else {
        let mut problems = Diagnostics::default();
        let why = response
            .diagnostics
            .iter()
            .map(|d| {
                [d.summary.as_str(), d.detail.as_str()]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(": ")
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (summary, detail) = if why.is_empty() {
            (
                format!(
                    "{address}: cannot import \"{}\": {provider_name} has no {} with that id",
                    args.id, inst.kind
                ),
                "Check the id: it is the provider's id of the object (docs/providers/ says what it is for each kind).".to_string(),
            )
        } else {
            (format!("{address}: cannot import \"{}\"", args.id), why)
        };
        problems.push(Diagnostic::error(None, summary, detail));
        printer.diagnostics(&problems, &sources);
        return Ok(1);
    };
    let id = response.id.unwrap_or_else(|| args.id.clone());
    if refused_as_managed(
        &session,
        &provider_name,
        inst.kind,
        &address,
        &args.id,
        &id,
        printer,
    ) {
        return Ok(1);
    }
    let mut problems: Diagnostics = response.diagnostics.into_iter().collect();
    problems.normalize(&sources);
    printer.diagnostics(&problems, &sources);
    if problems.has_errors() {
        return Ok(1);
    }
    let dependencies = inst
        .deps
        .iter()
        .map(|d| config.instances[*d].address.clone())
        .collect();
    session.state.objects.push(Object {
        address: address.clone(),
        kind: inst.kind.to_string(),
        provider: provider_name,
        id: id.clone(),
        attributes,
        dependencies,
        created_at: now(),
        sensitive: inst.sensitive.clone(),
        prevent_destroy: inst.lifecycle.prevent_destroy,
    });
    session.save().await?;
    let given = if id == args.id {
        String::new()
    } else {
        format!(" (id \"{id}\")")
    };
    printer.line(&format!(
        "Imported {}{given} into {address}. Run `strata plan` to see how it differs from the blueprint.",
        args.id
    ));
    Ok(0)
}

/// Refuses an object the state already manages at another address (two addresses would
/// each change and delete it): `given` as the user wrote it, `id` as the provider knows it.
fn refused_as_managed(
    session: &Session,
    provider: &str,
    kind: &str,
    address: &Address,
    given: &str,
    id: &str,
    printer: &mut Printer,
) -> bool {
    let Some(other) = session
        .state
        .objects
        .iter()
        .find(|o| o.provider == provider && o.kind == kind && o.id == id)
    else {
        return false;
    };
    printer.failure(&format!(
        "{address}: \"{given}\" is already managed as {} (id \"{id}\"): one object has one address; move it with `strata state mv {} {address}` instead",
        other.address, other.address
    ));
    true
}
