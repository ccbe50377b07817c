//! `infra init`: installs remote modules, checks the configuration and the backend. With
//! `-backend-config` it records backend settings for later runs, and with `-migrate-state` it
//! moves a local state into the configured backend.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use infra_aws::ProviderSettings;
use infra_state::{Backend, LocalBackend};

use crate::args::{InitArgs, StateArgs, VariableSource};
use crate::session::{self, Workdir};
use crate::Exit;

pub async fn run(work: &Workdir, args: &InitArgs, sources: &[VariableSource]) -> Result<Exit> {
    let config = install_modules(work, args.upgrade, sources)?;
    let mut overrides = session::saved_settings(&work.dir);
    for item in &args.backend_config {
        if let Some((key, value)) = item.split_once('=') {
            overrides.insert(key.trim().to_string(), value.trim().trim_matches('"').to_string());
        } else {
            let path = work.path(Path::new(item));
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!("-backend-config={item}: cannot read {}", path.display())
            })?;
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                let (key, value) = line.split_once('=').ok_or_else(|| {
                    anyhow!("{}: expected KEY = VALUE, got `{line}`", path.display())
                })?;
                overrides
                    .insert(key.trim().to_string(), value.trim().trim_matches('"').to_string());
            }
        }
    }
    if !args.backend_config.is_empty() {
        let path = session::saved_settings_path(&work.dir);
        std::fs::create_dir_all(path.parent().expect("has a parent"))?;
        // Backend settings may hold credentials: written whole and private (0600).
        infra_state::write_atomic(&path, serde_json::to_string_pretty(&overrides)?.as_bytes())?;
    }
    let state_settings = session::StateSettings::of(&config)?;
    if args.migrate_state {
        migrate_legacy_states(work, &state_settings)?;
    }
    let backend = session::backend(
        work,
        &state_settings,
        &StateArgs { lock: true, lock_timeout: "0s".into(), state: None },
    )?;
    // As Terraform's init: a missing bucket or an unusable lock table stops here.
    if let Some(backend) = state_settings.backend.as_ref().filter(|b| b.kind == "s3") {
        session::s3_backend(work, backend)?.check()?;
    }
    // Reading proves the backend is reachable and its state readable.
    let existing = backend.read()?;
    if args.migrate_state {
        let local =
            LocalBackend::new(infra_state::workspace_state_path(&work.dir, &work.workspace))
                .with_encryption(state_settings.encryption.state.clone());
        let same_file = local.describe() == backend.describe();
        match (local.read()?.filter(|_| !same_file), existing) {
            (None, _) if same_file => {}
            (None, _) => println!("No local state to migrate."),
            (Some(_), Some(remote)) if !remote.resources.is_empty() => {
                return Err(anyhow!(
                    "{} already holds a state with {} resources; refusing to overwrite it with the local state",
                    backend.describe(),
                    remote.resources.len()
                ))
            }
            (Some(state), _) => {
                backend.write(&state)?;
                let check = backend.read()?.ok_or_else(|| anyhow!("the migrated state could not be read back"))?;
                if check.resources.len() != state.resources.len() || check.lineage != state.lineage {
                    return Err(anyhow!("the migrated state does not read back the same; the local state was left in place"));
                }
                println!("Migrated {} resources from local state to {}.", state.resources.len(), backend.describe());
            }
        }
    }
    println!("\ninfra has been successfully initialized! (backend: {})", backend.describe());
    Ok(Exit::Ok)
}

/// Moves every workspace's state from infra's earlier file (`infra.tfstate.json`, its own
/// format 1) to Terraform's (`terraform.tfstate`, v4), with everything in it: resources,
/// outputs, pending creates and deployment records. The old file is kept beside it as
/// `infra.tfstate.json.migrated`. Refuses where both files exist.
fn migrate_legacy_states(work: &Workdir, settings: &session::StateSettings) -> Result<()> {
    let mut workspaces = vec![infra_state::workspace::DEFAULT.to_string()];
    if let Ok(entries) =
        std::fs::read_dir(work.dir.join(infra_state::local::LEGACY_WORKSPACES_DIR_NAME))
    {
        let mut names: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().is_dir())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect();
        names.sort();
        workspaces.extend(names);
    }
    let (_, registry) = session::provider(ProviderSettings::default());
    let encryption = settings.encryption.state.clone();
    for workspace in workspaces {
        let legacy_path = infra_state::legacy_workspace_state_path(&work.dir, &workspace);
        let legacy = LocalBackend::new(legacy_path.clone()).with_encryption(encryption.clone());
        let Some(mut state) = legacy.read()? else {
            continue;
        };
        let path = infra_state::workspace_state_path(&work.dir, &workspace);
        let target = LocalBackend::new(path.clone()).with_encryption(encryption.clone());
        if target.read()?.is_some() {
            return Err(anyhow!(
                "both {} and {} exist; refusing to overwrite Terraform's state file with infra's earlier one (move one of them away first)",
                legacy_path.display(),
                path.display()
            ));
        }
        // Format 1 recorded no schema versions: its objects are at their types' current ones.
        if let Err(diagnostics) = infra_engine::upgrade::upgrade_state(&mut state, &registry) {
            session::report(&diagnostics, work.style)?;
        }
        target.write(&state)?;
        let check =
            target.read()?.ok_or_else(|| anyhow!("the migrated state could not be read back"))?;
        if check.lineage != state.lineage
            || check.serial != state.serial
            || check.resources.len() != state.resources.len()
            || check.pending.len() != state.pending.len()
            || check.deployments != state.deployments
        {
            return Err(anyhow!(
                "the migrated state {} does not read back the same; {} was left in place",
                path.display(),
                legacy_path.display()
            ));
        }
        let kept = legacy_path
            .with_file_name(format!("{}.migrated", infra_state::local::LEGACY_STATE_FILE_NAME));
        std::fs::rename(&legacy_path, &kept)
            .with_context(|| format!("renaming {} to {}", legacy_path.display(), kept.display()))?;
        println!(
            "Migrated workspace \"{workspace}\" from {} to Terraform's state file {} ({} resources, {} pending, {} deployments); the old file is kept as {}.",
            legacy_path.display(),
            path.display(),
            state.resources.len(),
            state.pending.len(),
            state.deployments.len(),
            kept.display()
        );
    }
    Ok(())
}

/// Downloads the registry, git and archive modules the configuration calls into
/// `.infra/modules/`, with Terraform's manifest; `-upgrade` re-resolves their versions.
/// Installs the modules the configuration calls and returns the configuration, loaded with
/// them. A call whose `source` or `version` is an expression (Terraform 1.15) is installed
/// once the modules above it are loaded and it has been evaluated, from constant variables
/// (`-var`, `-var-file` and the usual files) and locals: one more round per level.
fn install_modules(
    work: &Workdir,
    upgrade: bool,
    sources: &[VariableSource],
) -> Result<infra_config::Config> {
    println!("Initializing modules...");
    let cli_config = infra_modules::CliConfig::load()?;
    let mut evaluated = infra_config::ModuleSources::new();
    for round in 0..16 {
        // Downloads block; this runtime has worker threads to spare for them.
        tokio::task::block_in_place(|| {
            infra_modules::install(
                &work.dir,
                infra_modules::InstallOptions { upgrade: upgrade && round == 0 },
                &cli_config,
                &evaluated,
                &mut |line: String| println!("{line}"),
            )
        })?;
        let resolved =
            infra_config::Resolved { instances: Default::default(), sources: evaluated.clone() };
        let config = session::check(infra_config::load_with(&work.dir, &resolved), work.style)?;
        // Checks every variable value given, as the commands that follow will.
        let inputs = session::input_variables(work, &config, sources, false)?;
        if !config.has_module_sources_to_evaluate() {
            session::report(config.warnings(), work.style)?;
            return Ok(config);
        }
        let next = session::check(
            infra_config::Evaluator::for_init(&config, &inputs, &work.workspace)
                .and_then(|evaluator| evaluator.module_sources()),
            work.style,
        )?;
        if next == evaluated {
            session::report(config.warnings(), work.style)?;
            return Ok(config);
        }
        evaluated = next;
    }
    Err(anyhow!("module sources kept changing after 16 rounds of evaluation"))
}
