//! `infra import ADDR ID`: reads an existing object by its Terraform import ID and adopts it
//! into the state at ADDR, whose configuration must exist.

use anyhow::{anyhow, Result};
use infra_core::Address;

use crate::args::{ImportArgs, VariableSource};
use crate::session::{self, check, Workdir};
use crate::Exit;

pub async fn run(work: &Workdir, args: &ImportArgs, sources: &[VariableSource]) -> Result<Exit> {
    let config = session::load_config(work)?;
    let inputs = session::input_variables(work, &config, sources, work.input)?;
    let config = session::expand_modules(work, config, &inputs)?;
    let evaluator = session::evaluator(work, &config, &inputs)?;
    let progress = crate::commands::plan::progress(work, false);
    let (_, registry) = session::providers(&evaluator, work.style, progress.as_ref()).await?;
    let address: Address = args.address.parse()?;
    let resource = &address.resource;
    if !config.declares(resource) {
        return Err(anyhow!(
            "resource address \"{address}\" does not exist in the configuration.\n\nBefore importing this resource, please create its configuration in the root module. For example:\n\nresource \"{}\" \"{}\" {{\n  # (resource arguments)\n}}",
            resource.resource_type,
            resource.name
        ));
    }
    let configuration = config.provider_configuration(resource);
    let resource_type =
        registry.for_configuration(&configuration).resource(&resource.resource_type).ok_or_else(
            || anyhow!("The resource type \"{}\" is not supported.", resource.resource_type),
        )?;
    let state_settings = session::StateSettings::of(&config)?;
    let backend = session::backend(work, &state_settings, &args.state)?;
    let _lock = session::lock(backend.as_ref(), &args.state, "OperationTypeImport")?;
    let mut state = session::read_state(backend.as_ref())?;
    if state.resources.contains_key(&address) {
        return Err(anyhow!(
            "Resource already managed by infra\n\ninfra is already managing a remote object for {address}. To import to this address you must first remove the existing object from the state."
        ));
    }
    // The ID is not echoed: for some types (random_password) it is the secret itself.
    println!("{address}: Importing...");
    let object = check(
        infra_engine::refactoring::read_imported(
            resource_type.as_ref(),
            &configuration,
            registry.tagging(),
            &address,
            &args.id,
        )
        .await
        .map_err(infra_core::Diagnostics::from),
        work.style,
    )?;
    println!("{address}: Import prepared!\n  Prepared {} for import", resource.resource_type);
    state.resources.insert(address.clone(), object);
    state.serial += 1;
    backend.write(&state)?;
    println!(
        "\nImport successful!\n\nThe resources that were imported are shown above. These resources are now in\nyour infra state and will henceforth be managed by infra."
    );
    Ok(Exit::Ok)
}
