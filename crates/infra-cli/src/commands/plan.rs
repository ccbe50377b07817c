//! `infra plan`, and the planning steps `apply` and `destroy` share.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use anyhow::{Context, Result};
use infra_config::{Config, Evaluator, ImportTarget, ResourceValue};
use infra_core::{Address, Diagnostic, Diagnostics, Registry, ResourceId};
use infra_engine::fingerprint::{fingerprint, variables_digest};
use infra_engine::observer::Observer;
use infra_engine::plan::{Plan, PlanBasis};
use infra_engine::planner::{self, PlanOptions};
use infra_engine::refresh::Refreshed;
use infra_render::Style;
use infra_state::encryption::Encryption;
use infra_state::{Backend, ResourceState, State};

use crate::args::{PlanArgs, VariableSource};
use crate::progress::Progress;
use crate::session::{self, check, Workdir};
use crate::Exit;

pub async fn run(work: &Workdir, args: &PlanArgs, sources: &[VariableSource]) -> Result<Exit> {
    if let Some(out) = &args.generate_config_out {
        generate_config(work, args, sources, &work.path(out)).await?;
    }
    if args.json {
        crate::json_ui::enable(&work.dir);
    }
    let config = session::load_required_config(work, args.destroy)?;
    let inputs = session::input_variables(work, &config, sources, work.input && !args.json)?;
    let config = session::expand_modules(work, config, &inputs)?;
    let evaluator = session::evaluator(work, &config, &inputs)?;
    let (aws, registry) =
        session::providers(&evaluator, work.style, progress(work, args.json).as_ref()).await?;
    session::report(&config.validate_schemas(&registry), work.style)?;
    let state_settings = session::StateSettings::of(&config)?;
    let backend = session::backend(work, &state_settings, &args.state)?;
    let _lock = session::lock(backend.as_ref(), &args.state, "OperationTypePlan")?;
    let progress = progress(work, args.json);
    let planned = make_plan(
        work,
        &config,
        &evaluator,
        &registry,
        backend.as_ref(),
        args,
        args.destroy,
        progress.as_ref(),
    )
    .await?;
    if args.json {
        crate::json_ui::plan(&planned.plan);
    } else {
        print_plan_text(&planned.plan, &registry, work.style);
    }
    session::report(&infra_core::Diagnostics(planned.plan.warnings.clone()), work.style)?;
    if let Some(out) = &args.out {
        let path = work.path(out);
        write_plan_file(
            &path,
            &planned.plan,
            &planned.state,
            state_settings.encryption.plan.as_deref(),
        )?;
        if !args.json {
            println!("\nSaved the plan to: {}\n\nTo perform exactly these actions, run:\n    infra apply \"{}\"", out.display(), out.display());
        }
    }
    if debug_requests() {
        eprintln!("AWS requests: {}", aws.requests.count());
        eprintln!("{}", infra_state::written::summary());
    }
    Ok(if args.detailed_exitcode && planned.plan.has_changes() { Exit::Changes } else { Exit::Ok })
}

/// `-generate-config-out=FILE`: for every `import` target without a `resource` block, reads
/// the object and writes a block with its arguments to FILE (which must not exist), as
/// Terraform does; the plan that follows reads it like any other file.
async fn generate_config(
    work: &Workdir,
    args: &PlanArgs,
    sources: &[VariableSource],
    out: &std::path::Path,
) -> Result<()> {
    if out.exists() {
        return Err(anyhow::anyhow!(
            "-generate-config-out: {} already exists; infra writes generated configuration to a new file only",
            out.display()
        ));
    }
    let config = session::load_required_config(work, args.destroy)?;
    let inputs = session::input_variables(work, &config, sources, work.input)?;
    let evaluator = session::evaluator(work, &config, &inputs)?;
    let (_, registry) =
        session::providers(&evaluator, work.style, progress(work, false).as_ref()).await?;
    let targets = check(evaluator.imports(), work.style)?;
    let mut text = String::from("# __generated__ by infra\n# Please review these resources and move them into your main configuration files.\n");
    let mut generated = 0;
    // Configuration is generated for the root module's targets only: a child module's file is
    // the module's own (its targets without configuration are errors at plan).
    let undeclared = targets
        .iter()
        .filter(|t| t.to.resource.module.is_empty() && !config.declares(&t.to.resource));
    for target in undeclared {
        let resource = &target.to.resource;
        let Some(resource_type) = registry.resource(&resource.resource_type) else {
            continue;
        };
        let object = check(
            infra_engine::refactoring::read_imported(
                resource_type.as_ref(),
                infra_core::resource::provider_name(&resource.resource_type),
                registry.tagging(),
                &target.to,
                &target.id,
            )
            .await
            .map_err(Diagnostics::from),
            work.style,
        )?;
        text.push_str(&format!(
            "\n# __generated__ by infra from \"{}\"\nresource \"{}\" \"{}\" {{\n{}}}\n",
            target.id,
            resource.resource_type,
            resource.name,
            infra_render::configuration_body(resource_type.schema(), &object.value, 2)
        ));
        generated += 1;
    }
    if generated > 0 {
        fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("Generated configuration for {generated} import target(s) in {}.", out.display());
    }
    Ok(())
}

/// Progress lines for a person, or the machine-readable UI's hook messages (`-json`).
pub fn progress(work: &Workdir, json: bool) -> Box<dyn Observer> {
    if json {
        Box::new(crate::json_ui::JsonProgress)
    } else {
        Box::new(Progress { style: work.style, show_refresh: false })
    }
}

/// `INFRA_DEBUG_REQUESTS=1` prints the number of AWS requests made and the state's bytes
/// written (benchmarks use them).
pub fn debug_requests() -> bool {
    std::env::var_os("INFRA_DEBUG_REQUESTS").is_some()
}

/// Writes the plan file, encrypted when the `encryption` block has a `plan` target.
pub fn write_plan_file(
    path: &std::path::Path,
    plan: &Plan,
    state: &State,
    encryption: Option<&Encryption>,
) -> Result<()> {
    let document = infra_engine::planfile::to_json(
        plan,
        state,
        &format!("infra {}", env!("CARGO_PKG_VERSION")),
    );
    let text = serde_json::to_string_pretty(&document)? + "\n";
    let bytes = match encryption {
        Some(encryption) => encryption
            .encrypt(text.as_bytes(), None)
            .map_err(|error| anyhow::anyhow!("plan encryption: {error}"))?,
        None => text.into_bytes(),
    };
    // The plan holds prior state and variable values: written whole and private (0600).
    infra_state::write_atomic(path, &bytes)
        .with_context(|| format!("writing the plan file {}", path.display()))
}

/// A plan file's text, decrypted when it is encrypted (which needs the `plan` target's keys).
pub fn read_plan_file(path: &std::path::Path, encryption: Option<&Encryption>) -> Result<String> {
    let bytes =
        fs::read(path).with_context(|| format!("reading the plan file {}", path.display()))?;
    let bytes = match encryption {
        Some(encryption) => encryption
            .decrypt(&bytes)
            .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?,
        None if infra_state::encryption::is_encrypted(&bytes) => {
            return Err(anyhow::anyhow!(
                "{}: the given plan file is encrypted and requires a valid encryption configuration to decrypt",
                path.display()
            ))
        }
        None => bytes,
    };
    String::from_utf8(bytes).with_context(|| format!("{} is not a plan file", path.display()))
}

/// A plan and what it was made from.
pub struct Planned {
    pub plan: Plan,
    /// The state as persisted (before refresh), the basis of the plan.
    pub state: State,
    /// The refreshed state the plan was diffed against.
    pub refreshed: State,
    pub data: BTreeMap<ResourceId, ResourceValue>,
}

#[allow(clippy::too_many_arguments)]
pub async fn make_plan(
    work: &Workdir,
    config: &Config,
    evaluator: &Evaluator<'_>,
    registry: &Registry,
    backend: &dyn Backend,
    args: &PlanArgs,
    destroy: bool,
    observer: &dyn Observer,
) -> Result<Planned> {
    let style = work.style;
    let state = read_recovered_state(registry, backend, observer, style).await?;
    // `moved` blocks rename objects before anything is read, so refresh and the plan see
    // them at their new addresses; apply repeats the moves on the persisted state.
    let mut moved_state = state.clone();
    let moved = move_objects(&mut moved_state, config, destroy, style)?;
    let Refreshed { state: mut refreshed, drift, deleted } =
        refresh_unless_skipped(moved_state, args.refresh, registry, observer, style).await?;
    let imported = if destroy {
        Vec::new()
    } else {
        read_imports(config, evaluator, &refreshed, registry, observer, style).await?
    };
    for (target, object) in &imported {
        refreshed.resources.insert(target.to.clone(), object.clone());
    }
    let dependencies = check(evaluator.dependencies(), style)?;
    let order = check(planner::resource_order(config, &dependencies), style)?;
    let options = plan_options(work, args, destroy)?;
    let (data, mut plan) = check(
        infra_engine::data::plan_with_data_sources(
            config,
            evaluator,
            registry,
            &dependencies,
            &order,
            &refreshed,
            &deleted,
            &options,
            observer,
        )
        .await,
        style,
    )?;
    infra_engine::refactoring::annotate(&mut plan, &moved, &imported);
    if args.refresh_only {
        // Drift is recorded, nothing is changed: no resource change and no output change.
        plan.changes.clear();
        plan.outputs.clear();
        plan.refresh_only = true;
    }
    plan.drift = drift;
    let variables = evaluator.root_variable_values();
    plan.basis = PlanBasis {
        lineage: state.lineage.clone(),
        serial: state.serial,
        config_digest: config.digest(),
        variables_digest: variables_digest(&variables),
        fingerprints: fingerprints(&plan, &refreshed, registry),
        workspace: work.workspace.clone(),
    };
    plan.variables = variables;
    Ok(Planned { plan, state, refreshed, data })
}

/// The persisted state, upgraded to the current schemas, with missing blue/green records
/// re-derived (each one a warning) and operations a killed run left pending resolved.
async fn read_recovered_state(
    registry: &Registry,
    backend: &dyn Backend,
    observer: &dyn Observer,
    style: Style,
) -> Result<State> {
    let mut state = session::read_state(backend)?;
    check(infra_engine::upgrade::upgrade_state(&mut state, registry), style)?;
    let rederived = infra_engine::executor::rederive_missing_deployments(registry, &mut state)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let mut notes = Diagnostics::new();
    for (address, report) in rederived {
        notes.push(Diagnostic::warning(
            "Blue/green record re-derived",
            format!("{address}: {report}"),
        ));
    }
    session::report(&notes, style)?;
    check(
        infra_engine::recover::resolve_pending(&mut state, registry, backend, observer).await,
        style,
    )?;
    Ok(state)
}

/// Applies the configuration's `moved` blocks to `state` (none when destroying) and reports
/// their warnings; the moves made, each from and to.
fn move_objects(
    state: &mut State,
    config: &Config,
    destroy: bool,
    style: Style,
) -> Result<Vec<(Address, Address)>> {
    let mut move_warnings = Diagnostics::new();
    let moved = if destroy {
        Vec::new()
    } else {
        infra_engine::refactoring::apply_moved_blocks(state, config.moves(), &mut move_warnings)
    };
    session::report(&move_warnings, style)?;
    Ok(moved)
}

/// The state refreshed, or as it is with no drift when `-refresh=false`.
async fn refresh_unless_skipped(
    state: State,
    refresh: bool,
    registry: &Registry,
    observer: &dyn Observer,
    style: Style,
) -> Result<Refreshed> {
    if !refresh {
        return Ok(Refreshed { state, drift: vec![], deleted: BTreeSet::new() });
    }
    check(infra_engine::refresh::refresh(&state, registry, observer, None).await, style)
}

/// The objects the `import` blocks name, read from AWS; every target must have a `resource`
/// block.
async fn read_imports(
    config: &Config,
    evaluator: &Evaluator<'_>,
    refreshed: &State,
    registry: &Registry,
    observer: &dyn Observer,
    style: Style,
) -> Result<Vec<(ImportTarget, ResourceState)>> {
    let targets = check(evaluator.imports(), style)?;
    let mut missing = Diagnostics::new();
    for target in &targets {
        if !config.declares(&target.to.resource) {
            missing.push(
                Diagnostic::error(
                    "Configuration for import target does not exist",
                    format!("The configuration for the given import target {} does not exist. All target instances must have an associated configuration to be imported.", target.to),
                )
                .at(Some(target.location.clone())),
            );
        }
    }
    session::report(&missing, style)?;
    check(
        infra_engine::refactoring::read_import_targets(
            &targets, config, refreshed, registry, observer,
        )
        .await,
        style,
    )
}

/// The planner's options from the command line: `-destroy`, `-target`, `-replace` and
/// `-exclude` (with their `-*-file` forms).
fn plan_options(work: &Workdir, args: &PlanArgs, destroy: bool) -> Result<PlanOptions> {
    let style = work.style;
    Ok(PlanOptions {
        destroy,
        targets: check(
            parse_addresses("-target", &with_file(work, &args.target, &args.target_file)?),
            style,
        )?,
        replace: check(parse_addresses("-replace", &args.replace), style)?,
        excludes: check(
            parse_addresses("-exclude", &with_file(work, &args.exclude, &args.exclude_file)?),
            style,
        )?,
    })
}

/// The fingerprint of each refreshed object the plan changes (volatile attributes left out),
/// which apply compares to refuse a saved plan whose objects changed since.
fn fingerprints(plan: &Plan, refreshed: &State, registry: &Registry) -> BTreeMap<Address, String> {
    plan.changes
        .iter()
        .filter(|c| c.action.is_change())
        .filter_map(|c| {
            refreshed.get(&c.address).map(|r| {
                let value = match registry.resource(&r.resource_type) {
                    Some(resource) => resource.schema().without_volatile(&r.value),
                    None => r.value.clone(),
                };
                (c.address.clone(), fingerprint(&value))
            })
        })
        .collect()
}

/// The addresses given as flags, then those in the file (one a line, `#` comments), as
/// `-target-file` and `-exclude-file` read them.
fn with_file(
    work: &Workdir,
    addresses: &[String],
    file: &Option<std::path::PathBuf>,
) -> Result<Vec<String>> {
    let mut all = addresses.to_vec();
    if let Some(file) = file {
        let path = work.path(file);
        let text = fs::read_to_string(&path)
            .with_context(|| format!("reading the address file {}", path.display()))?;
        all.extend(
            text.lines()
                .map(|line| line.split('#').next().unwrap_or_default().trim())
                .filter(|line| !line.is_empty())
                .map(str::to_string),
        );
    }
    Ok(all)
}

fn parse_addresses(flag: &str, texts: &[String]) -> Result<Vec<Address>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut addresses = Vec::new();
    for text in texts {
        match text.parse::<Address>() {
            Ok(address) => addresses.push(address),
            Err(error) => diagnostics
                .push(Diagnostic::error(format!("Invalid {flag} address"), error.to_string())),
        }
    }
    diagnostics.into_result(addresses)
}

/// The plan's text on standard output, written as it is rendered (infra_render::plan_text_pieces).
/// A closed output (`infra plan | head`) ends the writing, as it would end Terraform's.
/// `registry` gives the types' schemas, which tell the renderer a nested block from an
/// attribute where an unknown value cannot.
pub(crate) fn print_plan_text(
    plan: &infra_engine::plan::Plan,
    registry: &infra_core::Registry,
    style: infra_render::Style,
) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let mut open = true;
    infra_render::plan_text_pieces(plan, registry, style, |piece| {
        open = open && stdout.write_all(piece.as_bytes()).is_ok();
    });
    let _ = stdout.flush();
}
