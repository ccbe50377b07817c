//! `infra state list|show|mv|rm|pull|push` and `infra force-unlock`.

use anyhow::{anyhow, Context, Result};
use infra_core::{Address, AddressPattern};
use infra_state::State;

use crate::args::{ForceUnlockArgs, StateArgs, StateCommand};
use crate::session::{self, Workdir};
use crate::Exit;

fn open(work: &Workdir, args: &StateArgs) -> Result<Box<dyn infra_state::Backend>> {
    Ok(open_with_settings(work, args)?.1)
}

/// The backend, and the settings it was built from (`state push` decrypts with them).
fn open_with_settings(
    work: &Workdir,
    args: &StateArgs,
) -> Result<(session::StateSettings, Box<dyn infra_state::Backend>)> {
    let state_settings = session::load_state_settings(work, args)?;
    let backend = session::backend(work, &state_settings, args)?;
    Ok((state_settings, backend))
}

pub async fn run(work: &Workdir, command: StateCommand) -> Result<Exit> {
    match command {
        StateCommand::List(args) => {
            let state = session::read_state(open(work, &args)?.as_ref())?;
            for address in state.resources.keys() {
                println!("{address}");
            }
        }
        StateCommand::Show { state: args, json: true, address } => {
            return show_json(work, &args, &address)
        }
        StateCommand::Show { state: args, json: false, address } => {
            let address: Address = address.parse()?;
            let state = session::read_state(open(work, &args)?.as_ref())?;
            let resource = state
                .get(&address)
                .ok_or_else(|| anyhow!("No instance found for the given address: {address}"))?;
            print!(
                "{}",
                infra_render::state_text(
                    &[(
                        address.to_string(),
                        resource.resource_type.clone(),
                        resource.value.clone()
                    )],
                    work.style
                )
            );
        }
        StateCommand::Rm { state: args, addresses } => {
            let backend = open(work, &args)?;
            let _lock = session::lock(backend.as_ref(), &args, "OperationTypeStateRm")?;
            let mut state = session::read_state(backend.as_ref())?;
            let mut removed = 0;
            for text in addresses {
                let address: Address = text.parse()?;
                let matching: Vec<Address> =
                    state.resources.keys().filter(|a| address.contains(a)).cloned().collect();
                if matching.is_empty() {
                    return Err(anyhow!(
                        "No instance found for the given address: {address}; nothing was removed"
                    ));
                }
                for a in matching {
                    state.resources.remove(&a);
                    println!("Removed {a}");
                    removed += 1;
                }
            }
            state.serial += 1;
            backend.write(&state)?;
            println!("Successfully removed {removed} resource instance(s).");
        }
        StateCommand::Mv { state: args, dry_run, source, destination } => {
            let from: AddressPattern = source.parse()?;
            let to: AddressPattern = destination.parse()?;
            let backend = open(work, &args)?;
            let _lock = session::lock(backend.as_ref(), &args, "OperationTypeStateMv")?;
            let mut state = session::read_state(backend.as_ref())?;
            let mut warnings = infra_core::Diagnostics::new();
            let moved =
                infra_engine::refactoring::move_objects(&mut state, &from, &to, &mut warnings);
            session::report(&warnings, work.style)?;
            if moved.is_empty() {
                return Err(anyhow!(
                    "Invalid source address: no object in the state matches {from} (or it cannot move to {to}); nothing was moved"
                ));
            }
            for (old, new) in &moved {
                if dry_run {
                    println!("Would move \"{old}\" to \"{new}\"");
                } else {
                    println!("Move \"{old}\" to \"{new}\"");
                }
            }
            if !dry_run {
                state.serial += 1;
                backend.write(&state)?;
                println!("Successfully moved {} object(s).", moved.len());
            }
        }
        StateCommand::Pull(args) => {
            let state = session::read_state(open(work, &args)?.as_ref())?;
            println!("{}", String::from_utf8_lossy(&infra_state::format::encode(&state)));
        }
        StateCommand::Push { state: args, force, file } => {
            let (state_settings, backend) = open_with_settings(work, &args)?;
            let _lock = session::lock(backend.as_ref(), &args, "OperationTypeStatePush")?;
            let path = work.path(&file);
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            // A plain file (as `state pull` prints it), or one encrypted with the state's keys.
            let encryption = state_settings
                .encryption
                .state
                .as_deref()
                .filter(|_| infra_state::encryption::is_encrypted(&bytes));
            let mut pushed: State =
                infra_state::format::decode_with(&bytes, &path.display().to_string(), encryption)?;
            // Terraform's checks (`statemgr.CheckValidImport`), which -force skips.
            if let Some(current) = backend.read()? {
                if current.lineage != pushed.lineage && !force {
                    return Err(anyhow!("cannot import state with lineage {:?} over unrelated state with lineage {:?} (use -force to override)", pushed.lineage, current.lineage));
                }
                if pushed.serial < current.serial && !force {
                    return Err(anyhow!("cannot import state with serial {} over newer state with serial {} (use -force to override)", pushed.serial, current.serial));
                }
                if pushed.serial == current.serial && pushed != current && !force {
                    return Err(anyhow!("cannot overwrite existing state with serial {} with a different state that has the same serial (use -force to override)", current.serial));
                }
                pushed.serial = pushed.serial.max(current.serial + 1);
            }
            backend.write(&pushed)?;
            println!("Pushed {} to {}.", path.display(), backend.describe());
        }
    }
    Ok(Exit::Ok)
}

/// `infra state show -json ADDRESS`, as Terraform's `state show -json` (`state_show.go` and
/// `ShowJSON.DisplayResourceInstanceState` in `views/show.go`): one document on stdout,
/// `format_version` 1.0, the `resource` as `show -json` gives it, and `diagnostics`; the errors
/// the command finds itself are diagnostics in that document too, with exit 1.
fn show_json(work: &Workdir, args: &StateArgs, text: &str) -> Result<Exit> {
    let backend = open(work, args)?;
    let Ok(address) = text.parse::<Address>() else {
        return print_state_show_json(
            crate::state_json::Resource::default(),
            Some(format!("Error parsing instance address: {text}\n\n{REFERENCE_ONE_INSTANCE}")),
        );
    };
    let Some(state) = backend.read()? else {
        return print_state_show_json(
            crate::state_json::Resource::default(),
            Some(ERR_STATE_NOT_FOUND.to_string()),
        );
    };
    let Some(object) = state.get(&address) else {
        return print_state_show_json(
            crate::state_json::Resource::default(),
            Some(format!("No instance found for the given address!\n\n{REFERENCE_ONE_INSTANCE}")),
        );
    };
    let registry = crate::state_json::schemas();
    print_state_show_json(crate::state_json::resource(&address, object, &registry), None)
}

/// Terraform's `errNoInstanceFound` and `errParsingAddress` after their first line.
const REFERENCE_ONE_INSTANCE: &str =
    "This command requires that the address references one specific instance.
To view the available instances, use \"infra state list\". Please modify
the address to reference a specific instance.";

/// Terraform's `errStateNotFound`.
const ERR_STATE_NOT_FOUND: &str = "No state file was found!

State management commands require a state file. Run this command
in a directory where infra has been run or use the -state flag
to point the command to a specific state location.";

/// The document, and exit 1 when there is an error. Terraform appends each of these errors
/// as a Go error, so its whole text is the diagnostic's summary and the detail is empty.
fn print_state_show_json(
    resource: crate::state_json::Resource,
    error: Option<String>,
) -> Result<Exit> {
    #[derive(serde::Serialize)]
    struct Diagnostic {
        severity: &'static str,
        summary: String,
        detail: String,
    }
    #[derive(serde::Serialize)]
    struct Output {
        format_version: &'static str,
        resource: crate::state_json::Resource,
        diagnostics: Vec<Diagnostic>,
    }
    let failed = error.is_some();
    let output = Output {
        format_version: "1.0",
        resource,
        diagnostics: error
            .into_iter()
            .map(|summary| Diagnostic { severity: "error", summary, detail: String::new() })
            .collect(),
    };
    println!("{}", crate::state_json::to_go_json_indent(&output)?);
    Ok(if failed { Exit::Error } else { Exit::Ok })
}

pub async fn force_unlock(work: &Workdir, args: &ForceUnlockArgs) -> Result<Exit> {
    let backend = open(work, &args.state)?;
    backend.force_unlock(&args.id)?;
    println!("infra state has been successfully unlocked!");
    Ok(Exit::Ok)
}
