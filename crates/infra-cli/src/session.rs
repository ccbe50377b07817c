//! What every command that reads configuration or state sets up: the working directory, the
//! configuration and its variables, the provider, the backend and its lock.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use infra_aws::s3_backend::{S3Backend, S3BackendConfig};
use infra_aws::Aws;
use infra_aws::ProviderSettings;
use infra_config::{BackendConfig, Config, Evaluator, InputVariables, Resolved, ResourceValue};
use infra_core::{Diagnostic, Diagnostics, Mode, Registry, ResourceId, Severity, Value};
use infra_engine::observer::Observer;
use infra_render::Style;
use infra_state::{Backend, LocalBackend, LockGuard, LockInfo, State, StateError};

use crate::args::{StateArgs, VariableSource};
use crate::Reported;

/// The directory, colours and workspace a command runs with.
pub struct Workdir {
    pub dir: PathBuf,
    pub style: Style,
    pub workspace: String,
    /// `-input`: prompts for variables and approval are allowed (and stdin is a terminal).
    pub input: bool,
    /// `-auto-approve`.
    pub auto_approve: bool,
}

impl Workdir {
    pub fn new(chdir: Option<PathBuf>, no_color: bool) -> Result<Workdir> {
        let dir = match chdir {
            Some(dir) => {
                if !dir.is_dir() {
                    return Err(anyhow!("-chdir: {} is not a directory", dir.display()));
                }
                dir
            }
            None => PathBuf::from("."),
        };
        let colour =
            !no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
        let workspace = match std::env::var("INFRA_WORKSPACE")
            .or_else(|_| std::env::var("TF_WORKSPACE"))
        {
            // The name becomes a directory and an S3 key segment: refuse `..` and friends.
            Ok(name) if !infra_state::workspace::valid_name(&name) => {
                return Err(anyhow!(
                    "INFRA_WORKSPACE/TF_WORKSPACE: invalid workspace name `{name}`: use letters, digits, `-`, `_` and `.`"
                ))
            }
            Ok(name) => name,
            Err(_) => infra_state::workspace::current(&dir),
        };
        Ok(Workdir { dir, style: Style { colour }, workspace, input: true, auto_approve: false })
    }

    /// Resolves a user-given path against -chdir, as Terraform does for -out, -state and files.
    pub fn path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }
}

/// Prints diagnostics to stderr; returns `Err(Reported)` when any is an error.
pub fn report(diagnostics: &Diagnostics, style: Style) -> Result<()> {
    for diagnostic in diagnostics.iter() {
        if crate::json_ui::enabled() {
            crate::json_ui::diagnostic(diagnostic);
            continue;
        }
        let text = diagnostic.to_string();
        let text = match diagnostic.severity {
            Severity::Error => text.replacen("Error:", &style.red("Error:"), 1),
            Severity::Warning => text.replacen("Warning:", &style.yellow("Warning:"), 1),
        };
        eprintln!("\n{}", text.trim_end());
    }
    if diagnostics.has_errors() {
        Err(Reported.into())
    } else {
        Ok(())
    }
}

pub fn check<T>(result: Result<T, Diagnostics>, style: Style) -> Result<T> {
    match result {
        Ok(value) => Ok(value),
        Err(diagnostics) => {
            report(&diagnostics, style)?;
            Err(Reported.into())
        }
    }
}

pub fn load_config(work: &Workdir) -> Result<Config> {
    let _span = tracing::info_span!("load", dir = %work.dir.display()).entered();
    let config = check(infra_config::load(&work.dir), work.style)?;
    report(config.warnings(), work.style)?;
    Ok(config)
}

/// The configuration of a command that plans or validates: as in Terraform, a directory with
/// no `.tf` file is an error, since planning it would destroy everything.
pub fn load_required_config(work: &Workdir, destroy: bool) -> Result<Config> {
    let config = load_config(work)?;
    if config.has_no_files() && !destroy {
        let diagnostic = infra_core::Diagnostic::error(
            "No configuration files",
            format!("Planning requires configuration to be present in {}. Planning without a configuration would mark everything for destruction, which is normally not what is desired. If you would like to destroy everything, run plan with the -destroy option. Otherwise, create a configuration file (.tf file) and try again.", work.dir.display()),
        );
        report(&Diagnostics::from(diagnostic), work.style)?;
    }
    Ok(config)
}

/// Where the state is kept and how it is encrypted: the root module's `backend` and
/// `encryption` blocks (the latter merged with `TF_ENCRYPTION`).
pub struct StateSettings {
    pub backend: Option<BackendConfig>,
    pub encryption: crate::encryption::Targets,
}

impl StateSettings {
    pub fn of(config: &Config) -> Result<StateSettings> {
        Ok(StateSettings {
            backend: config.backend(),
            encryption: crate::encryption::targets(config.encryption())?,
        })
    }
}

/// The root module's backend and encryption blocks, for commands that read the state but not
/// the configuration: only the files that mention them are parsed; with `-state`, no backend.
pub fn load_state_settings(work: &Workdir, args: &StateArgs) -> Result<StateSettings> {
    let (backend, encryption) = check(infra_config::load_state_settings(&work.dir), work.style)?;
    Ok(StateSettings {
        backend: backend.filter(|_| args.state.is_none()),
        encryption: crate::encryption::targets(encryption)?,
    })
}

/// Variables from the environment, auto-loaded files, then -var/-var-file in order; missing
/// required ones are asked for on a terminal unless `-input=false`.
pub fn input_variables(
    work: &Workdir,
    config: &Config,
    sources: &[VariableSource],
    interactive: bool,
) -> Result<InputVariables> {
    input_variables_with(work, config, None, sources, interactive)
}

/// As [`input_variables`], starting from the values a saved plan recorded (its `variables`
/// section; sensitive ones are masked there and come from the usual sources).
pub fn input_variables_with(
    work: &Workdir,
    config: &Config,
    saved: Option<&serde_json::Value>,
    sources: &[VariableSource],
    interactive: bool,
) -> Result<InputVariables> {
    let mut inputs = InputVariables::new();
    for (name, entry) in saved.and_then(|v| v.as_object()).into_iter().flatten() {
        let raw = match &entry["value"] {
            serde_json::Value::Null => continue,
            serde_json::Value::String(text) => format!("{name}={text}"),
            other => format!("{name}={other}"),
        };
        check(inputs.add_cli(&raw), work.style)?;
    }
    inputs.add_environment(std::env::vars());
    check(inputs.add_auto_files(&work.dir), work.style)?;
    for source in sources {
        match source {
            VariableSource::Var(raw) => check(inputs.add_cli(raw), work.style)?,
            VariableSource::File(path) => {
                // Like Terraform, -var-file paths are relative to the current directory, not -chdir.
                let path = if path.exists() { path.clone() } else { work.path(path) };
                check(inputs.add_file(&path), work.style)?
            }
        }
    }
    if interactive && std::io::stdin().is_terminal() {
        for variable in config.root_variables() {
            if variable.required && !inputs.has(&variable.name) {
                let description = variable.description.clone().unwrap_or_default();
                eprint!("var.{}\n  {description}\n\n  Enter a value: ", variable.name);
                let _ = std::io::stderr().flush();
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).context("reading a variable value")?;
                inputs.set_string(&variable.name, line.trim_end_matches(['\r', '\n']));
            }
        }
    }
    Ok(inputs)
}

/// The configuration with one module per instance of each module call with `count` or
/// `for_each`, evaluated with these inputs, and every module whose `source` is an expression
/// loaded ([`resolve_module_sources`]). Nested calls take one more pass each.
pub fn expand_modules(work: &Workdir, config: Config, inputs: &InputVariables) -> Result<Config> {
    check(load_resolved(work, config, inputs, true), work.style)
}

/// The configuration with the module of every call whose `source` or `version` is an
/// expression (Terraform 1.15) loaded, as evaluated from constant variables and locals with
/// these inputs. Nested calls take one more pass each.
pub fn resolve_module_sources(
    work: &Workdir,
    config: Config,
    inputs: &InputVariables,
) -> Result<Config, Diagnostics> {
    load_resolved(work, config, inputs, false)
}

/// The configuration loaded again until what evaluating it tells the loader stops changing:
/// module sources written as expressions, and with `expand` the instances of module calls.
fn load_resolved(
    work: &Workdir,
    config: Config,
    inputs: &InputVariables,
    expand: bool,
) -> Result<Config, Diagnostics> {
    let mut config = config;
    let mut known = Resolved::default();
    for _ in 0..16 {
        let instances = match expand {
            true => Evaluator::new(&config, inputs, &work.workspace)?.module_instances()?,
            false => Default::default(),
        };
        let sources = module_sources(work, &config, inputs)?;
        let next = Resolved { instances, sources };
        if next == known {
            break;
        }
        known = next;
        config = infra_config::load_with(&work.dir, &known)?;
    }
    Ok(config)
}

/// The evaluated `source` and `version` of the loaded calls that write them as expressions.
fn module_sources(
    work: &Workdir,
    config: &Config,
    inputs: &InputVariables,
) -> Result<infra_config::ModuleSources, Diagnostics> {
    if !config.has_module_sources_to_evaluate() {
        return Ok(Default::default());
    }
    Evaluator::for_init(config, inputs, &work.workspace)?.module_sources()
}

pub fn evaluator<'c>(
    work: &Workdir,
    config: &'c Config,
    inputs: &InputVariables,
) -> Result<Evaluator<'c>> {
    check(Evaluator::new(config, inputs, &work.workspace), work.style)
}

/// The AWS provider with these settings, and every resource type and data source: AWS's and
/// the utility providers' (random, null, time, local, archive, template, terraform_data).
pub fn provider(settings: ProviderSettings) -> (Arc<Aws>, Registry) {
    let aws = Aws::new(settings);
    let mut registry = infra_aws::registry(aws.clone());
    infra_builtin::register_all(
        &mut registry,
        vec![(
            "s3",
            Arc::new(infra_aws::remote_state::S3StateReader) as Arc<dyn infra_core::StateReader>,
        )],
    );
    (aws, registry)
}

/// The default AWS provider, and a registry with one more registry per aliased `provider
/// "aws"` block (`aws.west`), each with its own clients.
///
/// A provider block may read an ephemeral resource (Terraform 1.10: provider configuration is
/// one of the places an ephemeral value may go). As Terraform does, the ephemeral resources a
/// block reads are opened before that provider is configured (`observer` sees them opened),
/// with the providers whose blocks read none, and the blocks are evaluated again with their
/// values, which go into the provider's settings only: no plan or state holds them.
pub async fn providers(
    evaluator: &Evaluator<'_>,
    style: Style,
    observer: &dyn Observer,
) -> Result<(Arc<Aws>, Registry)> {
    let reads = check(evaluator.provider_ephemeral_reads(), style)?;
    if reads.is_empty() {
        return configure(check(evaluator.provider_blocks(), style)?, style);
    }
    let opened = open_for_providers(evaluator, &reads, style, observer).await?;
    configure(check(evaluator.provider_blocks_with(&opened), style)?, style)
}

/// Opens the ephemeral resources that provider blocks read (`reads`, by the configuration
/// that reads them), and the ephemeral resources and data sources their configuration reads
/// in turn, in dependency order, with the providers whose blocks read no ephemeral resource.
/// What infra cannot do before anything else is planned is a located error: one of them
/// reading a managed resource (not planned yet), or using a provider configuration whose own
/// block reads an ephemeral resource.
async fn open_for_providers(
    evaluator: &Evaluator<'_>,
    reads: &BTreeMap<String, BTreeSet<ResourceId>>,
    style: Style,
    observer: &dyn Observer,
) -> Result<BTreeMap<ResourceId, ResourceValue>> {
    let config = evaluator.config();
    let dependencies = check(evaluator.dependencies(), style)?;
    let locations = config.resources_by_id();
    let mut diagnostics = Diagnostics::new();
    let mut needed = BTreeSet::new();
    let mut pending: Vec<ResourceId> = reads.values().flatten().cloned().collect();
    while let Some(id) = pending.pop() {
        if !needed.insert(id.clone()) {
            continue;
        }
        let location = locations.get(&id).map(|r| r.location.clone());
        let provider = config.provider_configuration(&id);
        if reads.contains_key(&provider) {
            diagnostics.push(
                Diagnostic::error(
                    "Unsupported provider configuration",
                    format!("{id} is read by a provider block, and uses provider {provider}, whose block reads an ephemeral resource itself. infra opens the ephemeral resources provider blocks read with the providers whose blocks read none; use one of those for {id}."),
                )
                .at(location),
            );
            continue;
        }
        for dependency in dependencies.get(&id).into_iter().flatten() {
            if dependency.mode == Mode::Managed {
                diagnostics.push(
                    Diagnostic::error(
                        "Unsupported provider configuration",
                        format!("{id} is read by a provider block, so it is opened before the provider is configured, before anything is planned; its configuration reads {dependency}, a managed resource, which infra does not support there."),
                    )
                    .at(location.clone()),
                );
            } else {
                pending.push(dependency.clone());
            }
        }
    }
    report(&diagnostics, style)?;
    // The providers whose blocks read no ephemeral resource, configured as usual.
    let blocks: Vec<_> = check(evaluator.provider_blocks(), style)?
        .into_iter()
        .filter(|block| !reads.contains_key(&block.address()))
        .collect();
    let (_, registry) = configure(blocks, style)?;
    let order: Vec<ResourceId> =
        check(infra_engine::planner::resource_order(config, &dependencies), style)?
            .into_iter()
            .filter(|id| needed.contains(id))
            .collect();
    let data = check(
        infra_engine::data::read_data_sources(
            config,
            evaluator,
            &registry,
            &order,
            &State::new(),
            &BTreeSet::new(),
            &BTreeMap::new(),
            observer,
        )
        .await,
        style,
    )?;
    // Their values are in the provider blocks now: closed, as a plan closes its own.
    infra_engine::data::close(&infra_engine::data::opened(&data), observer);
    Ok(data)
}

/// The providers configured from their evaluated blocks (see [`providers`]).
fn configure(blocks: Vec<infra_core::ProviderBlock>, style: Style) -> Result<(Arc<Aws>, Registry)> {
    let (mut configurations, warnings) = check(
        infra_aws::settings::configurations(&blocks, infra_aws::settings::Reading::Run),
        style,
    )?;
    report(&warnings, style)?;
    let settings = configurations.remove(infra_aws::settings::PROVIDER).unwrap_or_default();
    let (aws, mut registry) = provider(settings.clone());
    for (address, alias_settings) in configurations {
        if alias_settings.default_tags != settings.default_tags
            && !alias_settings.default_tags.is_empty()
        {
            return Err(anyhow!(
                "provider {address}: default_tags on an aliased aws provider are not supported yet; set them on the default provider block"
            ));
        }
        let (_, alias_registry) = provider(alias_settings);
        registry.add_configuration(address, alias_registry);
    }
    Ok((aws, registry))
}

/// The configured backend: local state (per workspace), or S3 from `terraform { backend "s3" }`;
/// encrypted at rest when the `encryption` block has a `state` target.
pub fn backend(
    work: &Workdir,
    settings: &StateSettings,
    args: &StateArgs,
) -> Result<Box<dyn Backend>> {
    let encryption = settings.encryption.state.clone();
    let local = |path: PathBuf| -> Result<Box<dyn Backend>> {
        Ok(Box::new(LocalBackend::new(path).with_encryption(encryption.clone())))
    };
    if let Some(path) = &args.state {
        return local(work.path(path));
    }
    if let Some(backend) = &settings.backend {
        match backend.kind.as_str() {
            "local" => {
                if let Some(path) = backend.settings.get("path").and_then(|v| v.as_str()) {
                    return local(work.path(Path::new(path)));
                }
            }
            "s3" => {
                return s3_backend(work, backend)
                    .map(|s3| Box::new(s3.with_encryption(encryption.clone())) as Box<dyn Backend>)
            }
            other => {
                return Err(anyhow!(
                    "{}: backend \"{other}\" is not supported; use \"local\" or \"s3\"",
                    backend.location
                ))
            }
        }
    }
    Ok(Box::new(
        LocalBackend::new(infra_state::workspace_state_path(&work.dir, &work.workspace))
            .with_encryption(encryption)
            .with_legacy(infra_state::legacy_workspace_state_path(&work.dir, &work.workspace)),
    ))
}

/// Takes the state lock unless `-lock=false`.
pub fn lock(
    backend: &dyn Backend,
    args: &StateArgs,
    operation: &str,
) -> Result<Option<Box<dyn LockGuard>>> {
    if !args.lock {
        return Ok(None);
    }
    let timeout: Duration = humantime::parse_duration(&args.lock_timeout).with_context(|| {
        format!("-lock-timeout={}: expected a duration such as 30s or 5m", args.lock_timeout)
    })?;
    let info = LockInfo::new(operation, &backend.describe());
    match backend.lock(info, timeout) {
        Ok(guard) => Ok(Some(guard)),
        Err(StateError::Locked(holder)) => Err(anyhow!(
            "Error acquiring the state lock\n\nThe state is locked by another run. Lock Info:\n{holder}\n\ninfra acquires a state lock to protect the state from being written\nby multiple users at the same time. Wait for the other run to finish, or,\nif it died, remove the lock with `infra force-unlock {}`.",
            holder.id
        )),
        Err(error) => Err(error.into()),
    }
}

/// The state, or a new empty one.
pub fn read_state(backend: &dyn Backend) -> Result<State> {
    Ok(backend.read()?.unwrap_or_else(State::new))
}

/// Where `-backend-config` values are kept between runs.
pub fn saved_settings_path(dir: &Path) -> std::path::PathBuf {
    dir.join(".infra").join("backend-config.json")
}

pub fn saved_settings(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read(saved_settings_path(dir))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The S3 backend from `terraform { backend "s3" { ... } }` plus saved `-backend-config`;
/// the backend itself, for commands that need more than [`Backend`] (workspaces, init's check).
pub fn s3_backend(work: &Workdir, backend: &BackendConfig) -> Result<S3Backend> {
    let mut settings: BTreeMap<String, String> = backend
        .settings
        .iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), s.clone())),
            Value::Bool(b) => Some((k.clone(), b.to_string())),
            Value::Number(n) => Some((k.clone(), n.to_string())),
            _ => None,
        })
        .collect();
    settings.extend(saved_settings(&work.dir));
    let required = |key: &str| {
        settings.get(key).cloned().ok_or_else(|| {
            anyhow!(
                "{}: the s3 backend needs `{key}` (in the block or with -backend-config={key}=...)",
                backend.location
            )
        })
    };
    let mut config = S3BackendConfig::new(&required("bucket")?, &required("key")?);
    config.workspace = work.workspace.clone();
    config.use_lockfile = settings.get("use_lockfile").map(|v| v == "true").unwrap_or(false);
    config.dynamodb_table = settings.get("dynamodb_table").cloned();
    if let Some(prefix) = settings.get("workspace_key_prefix") {
        config.workspace_key_prefix = prefix.clone();
    }
    let aws = Aws::new(ProviderSettings {
        region: settings.get("region").cloned(),
        default_tags: Default::default(),
        ..Default::default()
    });
    Ok(S3Backend::new(aws, config, tokio::runtime::Handle::current()))
}
