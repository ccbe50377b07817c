//! Loading: `*.tf` files of a directory and its local modules into a [`Config`], with the
//! static checks that need no evaluation (block shapes, duplicates, redefined attributes,
//! module sources). This is the configuration as written, not the result of evaluating it.

use crate::source::{display_path, SourceFile};
use crate::syntax::traversal_path;
use crate::types::TypeConstraint;
use crate::{
    BackendConfig, EncryptionConfig, IgnoreChanges, Lifecycle, MoveStatement, RemoveStatement,
    ResourceConfig, VariableInfo,
};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use hcl_edit::Span;
use infra_core::{
    AddressPattern, Diagnostic, Diagnostics, InstanceKey, Location, Mode, ResourceId, Value,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The whole configuration: the module tree and every file read.
#[derive(Debug)]
pub struct Config {
    pub(crate) files: Vec<SourceFile>,
    pub(crate) modules: Vec<Module>,
    pub(crate) resources: Vec<ResourceDecl>,
    pub(crate) resource_index: HashMap<ResourceId, usize>,
    /// Warnings found while loading (a configuration with errors is not loaded at all).
    pub(crate) warnings: Diagnostics,
    /// `moved` blocks of every module, in the order read.
    pub(crate) moves: Vec<MoveStatement>,
    /// `removed` blocks of every module.
    pub(crate) removals: Vec<RemoveStatement>,
    /// `import` blocks of every module.
    pub(crate) imports: Vec<ImportDecl>,
    /// `check` blocks of every module.
    pub(crate) checks: Vec<CheckDecl>,
}

/// An expression together with the file it came from.
#[derive(Debug, Clone)]
pub(crate) struct Expr {
    pub file: usize,
    pub expr: Expression,
}

#[derive(Debug)]
pub(crate) struct Module {
    pub path: Vec<String>,
    pub dir: PathBuf,
    pub variables: Vec<VariableDecl>,
    pub variable_index: HashMap<String, usize>,
    pub locals: HashMap<String, LocalDecl>,
    pub outputs: Vec<OutputDecl>,
    pub output_index: HashMap<String, usize>,
    /// Indexes into `Config::resources`.
    pub resources: Vec<usize>,
    pub calls: Vec<ModuleCall>,
    pub call_index: HashMap<String, usize>,
    /// The `provider` blocks of this module (the root module's are read).
    pub providers: Vec<(usize, Block)>,
    pub backend: Option<BackendConfig>,
    /// `terraform { encryption { ... } }` (root module only).
    pub encryption: Option<EncryptionConfig>,
    /// For one instance of a call with `count`/`for_each`: `count.index` or `each` while
    /// evaluating the call's arguments.
    pub instance: crate::context::Instance,
}

#[derive(Debug)]
pub(crate) struct VariableDecl {
    pub name: String,
    pub location: Location,
    pub ty: Option<TypeConstraint>,
    pub default: Option<Value>,
    pub description: Option<String>,
    pub sensitive: bool,
    /// `ephemeral = true`: the value may flow only into write-only arguments, provider
    /// configuration and other ephemeral values (`crate::ephemeral`).
    pub ephemeral: bool,
    /// `const = true` (Terraform 1.15): known before the configuration is loaded whole, so
    /// module `source` and `version` may use it.
    pub constant: bool,
    pub nullable: bool,
    /// (condition, error_message)
    pub validations: Vec<(Expr, Expr)>,
    /// `deprecated = "..."` (Terraform 1.15): the message a caller that sets it is warned
    /// with (`crate::deprecation`).
    pub deprecated: Option<String>,
}

#[derive(Debug)]
pub(crate) struct LocalDecl {
    pub value: Expr,
    pub location: Location,
}

#[derive(Debug)]
pub(crate) struct OutputDecl {
    pub name: String,
    pub value: Option<Expr>,
    pub sensitive: bool,
    /// `ephemeral = true` (child modules only).
    pub ephemeral: bool,
    pub description: Option<String>,
    pub depends_on: Option<Expr>,
    pub location: Location,
    pub preconditions: Vec<ConditionDecl>,
    /// `type` (Terraform 1.15): the value is converted to it, as a variable's is.
    pub ty: Option<TypeConstraint>,
    /// `deprecated = "..."` (Terraform 1.15, child modules only): the message an expression
    /// that reads this output is warned with (`crate::deprecation`).
    pub deprecated: Option<String>,
}

#[derive(Debug)]
pub(crate) struct ModuleCall {
    pub name: String,
    /// Index into `Config::modules`, once loaded: the module of a call without `count` or
    /// `for_each`, and of one whose instances are not known yet (validation).
    pub module: Option<usize>,
    /// `count` (false) or `for_each` (true) and its expression.
    pub expansion: Option<(Expr, bool)>,
    /// For a call with `count`/`for_each` whose instances are known: each instance's key and
    /// module (loaded once per instance, at path `name[key]`).
    pub instances: Vec<(InstanceKey, usize)>,
    /// `providers = { aws = aws.west }`: (the child's name, the caller's reference).
    pub providers: Vec<(String, String)>,
    /// `source`, and `version` when set: literal strings, or (Terraform 1.15) expressions of
    /// constant variables and locals, resolved before the child is loaded ([`ModuleSources`]).
    pub source: Option<Expr>,
    pub version: Option<Expr>,
    /// The arguments that set the child's variables.
    pub inputs: BTreeMap<String, Expr>,
    pub depends_on: Option<Expr>,
    pub location: Location,
    /// `ignore_nested_deprecations = true` (Terraform 1.15): no "Deprecated value used"
    /// warnings from within the called module and the modules below it.
    pub ignore_nested_deprecations: bool,
}

impl ModuleCall {
    /// Whether `source` and `version` are literal strings, not expressions (Terraform 1.15).
    pub fn source_is_literal(&self) -> bool {
        let literal = |expr: &Expr| expr.expr.as_str().is_some();
        self.source.as_ref().is_none_or(literal) && self.version.as_ref().is_none_or(literal)
    }

    /// The modules this call instantiates.
    pub fn children(&self) -> Vec<usize> {
        if self.instances.is_empty() {
            self.module.into_iter().collect()
        } else {
            self.instances.iter().map(|(_, module)| *module).collect()
        }
    }
}

/// The instances of every module call with `count` or `for_each`, by the call's path from the
/// root (`["app[0]", "db"]` for `module.app[0].module.db`): each key with its `each.value`.
pub type ModuleInstances = BTreeMap<Vec<String>, Vec<(InstanceKey, Value)>>;

/// The `source` and `version` of every module call that gives them as expressions rather than
/// literal strings (Terraform 1.15), by the call's key in the module manifest (`vpc`,
/// `app.db`), as evaluated from constant variables and locals (`Evaluator::module_sources`).
pub use infra_modules::{ModuleSource, ModuleSources};

/// What the loader knows from evaluating an earlier load: the instances of expanded calls and
/// the sources written as expressions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    pub instances: ModuleInstances,
    pub sources: ModuleSources,
}

/// A `precondition`, `postcondition` or `assert` block: its condition and error message.
#[derive(Debug, Clone)]
pub(crate) struct ConditionDecl {
    pub condition: Expr,
    pub error_message: Expr,
}

/// A `check` block: assertions evaluated after planning and after apply, reported as
/// warnings.
#[derive(Debug)]
pub(crate) struct CheckDecl {
    pub name: String,
    pub module: usize,
    pub asserts: Vec<ConditionDecl>,
}

/// An `import` block, before evaluation.
#[derive(Debug)]
pub(crate) struct ImportDecl {
    /// Relative to the module the block is in.
    pub to: Expr,
    pub id: Expr,
    pub for_each: Option<Expr>,
    /// Index into `Config::modules`.
    pub module: usize,
    pub location: Location,
}

fn resource_type_of(pattern: &AddressPattern) -> Option<&str> {
    match pattern {
        AddressPattern::Module(_) => None,
        AddressPattern::Resource(id) => Some(&id.resource_type),
        AddressPattern::Instance(address) => Some(&address.resource.resource_type),
    }
}

#[derive(Debug)]
pub(crate) struct ResourceDecl {
    pub config: ResourceConfig,
    pub module: usize,
    pub file: usize,
    pub body: Body,
}

impl ResourceDecl {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.body.get_attribute(name)
    }
}

const META_ARGUMENTS: &[&str] = &["count", "for_each", "depends_on", "provider"];
pub(crate) const META_BLOCKS: &[&str] = &["lifecycle", "timeouts", "provisioner", "connection"];

/// The operations a `timeouts` block may name.
pub(crate) const TIMEOUT_OPERATIONS: &[&str] = &["create", "read", "update", "delete"];

/// The duration of a `timeouts` argument: a Go duration such as "30m" or "1h30m", not
/// negative. The error is a diagnostic's summary and detail.
pub fn timeout_duration(
    key: &str,
    text: &str,
) -> Result<std::time::Duration, (&'static str, String)> {
    match crate::functions::parse_duration(text) {
        Ok(nanoseconds) if nanoseconds >= 0 => {
            Ok(std::time::Duration::from_nanos(u64::try_from(nanoseconds).unwrap_or_default()))
        }
        Ok(_) => Err(("Invalid timeout value", format!("The {key} timeout {text:?} is negative."))),
        Err(message) => Err((
            "Invalid timeout value",
            format!(
                "The {key} timeout must be a duration such as \"30m\" or \"1h30m\": {message}."
            ),
        )),
    }
}

/// What a `variable` block takes.
const VARIABLE_ARGUMENTS: &[&str] = &[
    "type",
    "default",
    "description",
    "sensitive",
    "nullable",
    "ephemeral",
    "deprecated",
    "const",
];

/// What an `output` block takes.
const OUTPUT_ARGUMENTS: &[&str] =
    &["value", "description", "sensitive", "ephemeral", "depends_on", "type", "deprecated"];

/// What a resource's `lifecycle` block takes.
const LIFECYCLE_ARGUMENTS: &[&str] = &[
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
    "destroy",
];

pub(crate) fn is_meta(name: &str) -> bool {
    META_ARGUMENTS.contains(&name) || META_BLOCKS.contains(&name)
}

/// The configuration in `dir` as read, with what reading it found ([`crate::load_with`]
/// completes it): every `*.tf` file (sorted by name), then every module it calls, recursively;
/// one module per instance of each call with `count`/`for_each` whose instances are given, and
/// the child of a call whose source is an expression only where its value is given.
pub(crate) fn read(dir: &Path, resolved: &Resolved) -> (Config, Diagnostics) {
    let mut loader = Loader::new(false);
    loader.module_instances = resolved.instances.clone();
    loader.module_sources = resolved.sources.clone();
    loader.load_module(dir, String::new(), Vec::new(), &mut Vec::new());
    (loader.config, loader.diagnostics)
}

/// The root module's `terraform { backend "…" { … } }`, reading only the root files that
/// mention a backend. Commands that need the state but not the configuration (`revert`,
/// `state`, `output`, `show`, `deployments`) stay as fast on a stack of 10,000 resources as
/// on one of ten.
pub fn load_backend(dir: &Path) -> Result<Option<BackendConfig>, Diagnostics> {
    load_state_settings(dir).map(|(backend, _)| backend)
}

/// The root module's backend and encryption blocks, read without the rest of the
/// configuration (for commands that only read or write state).
pub fn load_state_settings(
    dir: &Path,
) -> Result<(Option<BackendConfig>, Option<EncryptionConfig>), Diagnostics> {
    let mut loader = Loader::new(true);
    loader.load_module(dir, String::new(), Vec::new(), &mut Vec::new());
    let settings = (loader.config.backend(), loader.config.encryption());
    loader.diagnostics.into_result(settings)
}

/// The module manifest's path of call `name` in the module at `path`: the manifest knows
/// calls, not their instances, so `["app", "db"]` for `module.app[0].module.db`. Its key is
/// the path joined with dots.
pub(crate) fn manifest_path(path: &[String], name: &str) -> Vec<String> {
    path.iter()
        .map(|segment| segment.split('[').next().unwrap_or(segment).to_string())
        .chain([name.to_string()])
        .collect()
}

/// Whether `text` may hold a `backend "TYPE"` block: the word on its own, then a quoted
/// label. `aws_lb.backend` or a resource named "backend" do not count.
fn mentions_backend_block(text: &str) -> bool {
    text.match_indices("backend").any(|(at, word)| {
        let starts_a_word = text[..at].chars().next_back().is_none_or(char::is_whitespace);
        let rest = &text[at + word.len()..];
        let label = rest.trim_start();
        starts_a_word && label.len() < rest.len() && label.starts_with('"')
    })
}

struct Loader {
    config: Config,
    diagnostics: Diagnostics,
    /// Read only `terraform` blocks, in root files that mention "backend" ([`load_backend`]).
    backend_only: bool,
    /// The known instances of calls with `count`/`for_each` ([`crate::load_with`]).
    module_instances: ModuleInstances,
    /// The evaluated sources of calls that write them as expressions ([`crate::load_with`]).
    module_sources: ModuleSources,
}

impl Loader {
    fn new(backend_only: bool) -> Loader {
        Loader {
            config: Config {
                files: Vec::new(),
                modules: Vec::new(),
                resources: Vec::new(),
                resource_index: HashMap::new(),
                warnings: Diagnostics::new(),
                moves: Vec::new(),
                removals: Vec::new(),
                imports: Vec::new(),
                checks: Vec::new(),
            },
            diagnostics: Diagnostics::new(),
            backend_only,
            module_instances: ModuleInstances::new(),
            module_sources: ModuleSources::new(),
        }
    }

    fn error(&mut self, summary: &str, detail: String, location: Option<Location>) {
        self.diagnostics.push(Diagnostic::error(summary, detail).at(location));
    }

    /// The `*.tf` files of `dir`, sorted by name; None (with the error) if it cannot be read.
    fn module_file_names(&mut self, dir: &Path) -> Option<Vec<String>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                self.error(
                    "Failed to read module directory",
                    format!("Cannot read `{}`: {error}", dir.display()),
                    None,
                );
                return None;
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".tf"))
            .collect();
        names.sort();
        Some(names)
    }

    /// Reads and parses the files `names` of `dir` into module `module_index`.
    fn read_module_files(
        &mut self,
        dir: &Path,
        relative: &str,
        module_index: usize,
        names: Vec<String>,
    ) {
        for name in names {
            let file_path = dir.join(&name);
            let text = match std::fs::read_to_string(&file_path) {
                Ok(text) => text,
                Err(error) => {
                    self.error(
                        "Failed to read file",
                        format!("Cannot read `{}`: {error}", file_path.display()),
                        None,
                    );
                    continue;
                }
            };
            if self.backend_only && !mentions_backend_block(&text) && !text.contains("encryption") {
                continue;
            }
            let relative_name =
                if relative.is_empty() { name.clone() } else { format!("{relative}/{name}") };
            let file = SourceFile::new(display_path(dir, &name), relative_name, text);
            let file_index = self.config.files.len();
            let parsed = file.parse();
            self.config.files.push(file);
            match parsed {
                Ok(body) => self.read_file(module_index, file_index, body),
                Err(diagnostic) => self.diagnostics.push(*diagnostic),
            }
        }
    }

    /// Loads the module of call `call_position` of module `module_index` (written in `dir`, at
    /// `path`): once, or once per known instance; a call whose source is an expression not
    /// evaluated yet is left without one.
    fn load_call(
        &mut self,
        module_index: usize,
        call_position: usize,
        dir: &Path,
        relative: &str,
        path: &[String],
        stack: &mut Vec<PathBuf>,
    ) {
        let (name, source, version) = {
            let call = &self.config.modules[module_index].calls[call_position];
            (call.name.clone(), call.source.clone(), call.version.clone())
        };
        let Some(source) = source else { return };
        let child_path = manifest_path(path, &name);
        let literal_version = version.as_ref().map(|v| v.expr.as_str());
        let (text, version) = match (source.expr.as_str(), literal_version) {
            (Some(text), None) => (text.to_string(), None),
            (Some(text), Some(Some(version))) => (text.to_string(), Some(version.to_string())),
            // Written as expressions: loaded once they have been evaluated.
            _ => match self.module_sources.get(&child_path.join(".")) {
                Some(resolved) => (resolved.source.clone(), resolved.version.clone()),
                None => return,
            },
        };
        let (child_dir, child_relative) = if text.starts_with("./") || text.starts_with("../") {
            let child_relative = if relative.is_empty() {
                text.trim_start_matches("./").to_string()
            } else {
                format!("{relative}/{}", text.trim_start_matches("./"))
            };
            (dir.join(&text), child_relative)
        } else {
            // Remote: where `infra init` installed it, if it still matches this call.
            let location = self.location(source.file, source.expr.span());
            match self.installed_module(&child_path, &text, version.as_deref()) {
                Ok(found) => found,
                Err((summary, detail)) => {
                    self.error(summary, detail, location);
                    return;
                }
            }
        };
        if !child_dir.is_dir() {
            let location = self.location(source.file, source.expr.span());
            self.error(
                "Module not found",
                format!("The module directory `{}` does not exist.", child_dir.display()),
                location,
            );
            return;
        }
        let mut call_path = path.to_vec();
        call_path.push(name.clone());
        let expanded = self.config.modules[module_index].calls[call_position].expansion.is_some();
        match self.module_instances.get(&call_path).filter(|_| expanded).cloned() {
            Some(instances) => {
                let for_each = matches!(
                    self.config.modules[module_index].calls[call_position].expansion,
                    Some((_, true))
                );
                for (key, value) in instances {
                    let mut instance_path = path.to_vec();
                    instance_path.push(format!("{name}{key}"));
                    let Some(child) =
                        self.load_module(&child_dir, child_relative.clone(), instance_path, stack)
                    else {
                        continue;
                    };
                    self.config.modules[child].instance = match &key {
                        InstanceKey::Index(i) if !for_each => crate::context::Instance {
                            count_index: Some(*i),
                            each: None,
                            unexpanded: None,
                        },
                        InstanceKey::Index(i) => crate::context::Instance {
                            count_index: None,
                            each: Some((i.to_string(), value)),
                            unexpanded: None,
                        },
                        InstanceKey::Key(k) => crate::context::Instance {
                            count_index: None,
                            each: Some((k.clone(), value)),
                            unexpanded: None,
                        },
                    };
                    self.config.modules[module_index].calls[call_position]
                        .instances
                        .push((key, child));
                }
            }
            None => {
                let child = self.load_module(&child_dir, child_relative, call_path, stack);
                let call = &self.config.modules[module_index].calls[call_position];
                if let (Some(child), Some((_, for_each))) = (child, &call.expansion) {
                    self.config.modules[child].instance.unexpanded = Some(if *for_each {
                        crate::context::Repetition::ForEach
                    } else {
                        crate::context::Repetition::Count
                    });
                }
                self.config.modules[module_index].calls[call_position].module = child;
            }
        }
    }

    fn load_module(
        &mut self,
        dir: &Path,
        relative: String,
        path: Vec<String>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<usize> {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if stack.contains(&canonical) {
            self.error(
                "Module calls itself",
                format!("The module in {} is called from inside itself.", dir.display()),
                None,
            );
            return None;
        }
        let names = self.module_file_names(dir)?;

        let module_index = self.config.modules.len();
        self.config.modules.push(Module {
            path: path.clone(),
            dir: dir.to_path_buf(),
            variables: Vec::new(),
            variable_index: HashMap::new(),
            locals: HashMap::new(),
            outputs: Vec::new(),
            output_index: HashMap::new(),
            resources: Vec::new(),
            calls: Vec::new(),
            call_index: HashMap::new(),
            providers: Vec::new(),
            backend: None,
            encryption: None,
            instance: crate::context::Instance::default(),
        });

        self.read_module_files(dir, &relative, module_index, names);

        // Child modules, after this module's own resources so that resources() is depth-first.
        stack.push(canonical);
        let call_count = self.config.modules[module_index].calls.len();
        for call_position in 0..call_count {
            self.load_call(module_index, call_position, dir, &relative, &path, stack);
        }
        stack.pop();
        Some(module_index)
    }

    /// The directory (and its path relative to the root) where `infra init` installed the
    /// remote module call at `call_path` with source `text` and `version`; or the diagnostic
    /// (summary, detail) saying why it cannot be used.
    fn installed_module(
        &self,
        call_path: &[String],
        text: &str,
        version: Option<&str>,
    ) -> Result<(PathBuf, String), (&'static str, String)> {
        let key = call_path.join(".");
        let root = self.config.modules[0].dir.clone();
        let manifest = infra_modules::Manifest::load(&root)
            .map_err(|error| ("Failed to read module manifest", error.to_string()))?;
        let (record, dir) = manifest
            .check(&root, &key, text, version)
            .map_err(|mismatch| (mismatch.summary(), mismatch.detail(&key)))?;
        Ok((dir, record.dir.clone()))
    }

    fn location(&self, file: usize, span: Option<std::ops::Range<usize>>) -> Option<Location> {
        self.config.files[file].span_location(span)
    }

    fn read_file(&mut self, module: usize, file: usize, body: Body) {
        check_redefined(&body, &self.config.files[file], &mut self.diagnostics);
        for structure in body.into_iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let location = self.location(file, attribute.span());
                    self.error(
                        "Unsupported argument",
                        format!(
                            "An argument named \"{}\" is not expected at the top level of a configuration file.",
                            attribute.key.value().as_str()
                        ),
                        location,
                    );
                }
                Structure::Block(block) => {
                    if self.backend_only && block.ident.value().as_str() != "terraform" {
                        continue;
                    }
                    self.read_block(module, file, block)
                }
            }
        }
    }

    fn labels(&mut self, file: usize, block: &Block, expected: &[&str]) -> Option<Vec<String>> {
        let labels: Vec<String> = block.labels.iter().map(|l| l.as_str().to_string()).collect();
        if labels.len() != expected.len() {
            let location = self.location(file, block.span());
            let kind = block.ident.value().as_str();
            self.error(
                "Invalid block labels",
                format!(
                    "A \"{kind}\" block expects {} label(s) ({}), got {}.",
                    expected.len(),
                    expected.join(", "),
                    labels.len()
                ),
                location,
            );
            return None;
        }
        Some(labels)
    }

    /// An `output` block.
    fn read_output(&mut self, module: usize, file: usize, location: Location, block: &Block) {
        let Some(labels) = self.labels(file, block, &["name"]) else {
            return;
        };
        let name = labels[0].clone();
        if let Some(&previous) = self.config.modules[module].output_index.get(&name) {
            let detail = format!(
                "An output named \"{name}\" was already defined at {}. Output names must be unique within a module.",
                self.config.modules[module].outputs[previous].location
            );
            self.error("Duplicate output definition", detail, Some(location));
            return;
        }
        let body = &block.body;
        self.check_arguments(file, body, OUTPUT_ARGUMENTS, &["precondition"]);
        let output = OutputDecl {
            name: name.clone(),
            value: body.get_attribute("value").map(|a| Expr { file, expr: a.value.clone() }),
            sensitive: self.literal_bool(file, body, "sensitive"),
            ephemeral: self.literal_bool(file, body, "ephemeral"),
            description: self.literal_string(file, body, "description"),
            depends_on: body
                .get_attribute("depends_on")
                .map(|a| Expr { file, expr: a.value.clone() }),
            location: location.clone(),
            preconditions: self.conditions(file, body, "precondition"),
            deprecated: self.literal_string(file, body, "deprecated"),
            ty: body.get_attribute("type").and_then(|a| match TypeConstraint::parse(&a.value) {
                Ok(ty) => Some(ty),
                Err(message) => {
                    let location = self.location(file, a.value.span());
                    self.error("Invalid type specification", message, location);
                    None
                }
            }),
        };
        if module == 0 && output.deprecated.is_some() {
            let at =
                body.get_attribute("deprecated").and_then(|a| self.location(file, a.value.span()));
            self.error(
                "Root module output deprecated",
                "Root module outputs cannot be deprecated, as there is no higher-level module to inform of the deprecation.".into(),
                at,
            );
        }
        if output.value.is_none() {
            self.error(
                "Missing required argument",
                format!("The output \"{name}\" has no \"value\" argument."),
                Some(location),
            );
        }
        let m = &mut self.config.modules[module];
        m.output_index.insert(name, m.outputs.len());
        m.outputs.push(output);
    }

    /// A `module` block: the call, its arguments and meta-arguments (its module is loaded
    /// after this module's files, in `load_module`).
    fn read_module_call(&mut self, module: usize, file: usize, location: Location, block: &Block) {
        let Some(labels) = self.labels(file, block, &["name"]) else {
            return;
        };
        let name = labels[0].clone();
        if let Some(&previous) = self.config.modules[module].call_index.get(&name) {
            let detail = format!(
                "A module call named \"{name}\" was already defined at {}. Module calls must have unique names within a module.",
                self.config.modules[module].calls[previous].location
            );
            self.error("Duplicate module call", detail, Some(location));
            return;
        }
        let mut inputs = BTreeMap::new();
        let mut expansion = None;
        let mut depends_on = None;
        let mut providers = Vec::new();
        let mut ignore_nested_deprecations = false;
        let (mut source, mut version) = (None, None);
        for attribute in block.body.attributes() {
            let key = attribute.key.value().as_str();
            let expr = Expr { file, expr: attribute.value.clone() };
            match key {
                "count" | "for_each" => {
                    if expansion.is_some() {
                        let location = self.location(file, attribute.span());
                        self.error(
                            "Invalid combination of \"count\" and \"for_each\"",
                            "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used.".into(),
                            location,
                        );
                    }
                    expansion = Some((expr, key == "for_each"));
                }
                "depends_on" => depends_on = Some(expr),
                "providers" => providers = self.provider_references(file, &attribute.value),
                "source" => source = Some(self.source_expression(expr, "source")),
                "version" => version = Some(self.source_expression(expr, "version")),
                "ignore_nested_deprecations" => match &attribute.value {
                    Expression::Bool(flag) => ignore_nested_deprecations = *flag.value(),
                    other => {
                        let location = self.location(file, other.span());
                        self.error(
                            "Invalid value for ignore_nested_deprecations",
                            "The value for ignore_nested_deprecations must be a static boolean (true or false).".into(),
                            location,
                        );
                    }
                },
                _ => {
                    inputs.insert(key.to_string(), expr);
                }
            }
        }
        if source.is_none() {
            self.error(
                "Missing required argument",
                format!("The module \"{name}\" has no \"source\" argument."),
                Some(location.clone()),
            );
        }
        let m = &mut self.config.modules[module];
        m.call_index.insert(name.clone(), m.calls.len());
        m.calls.push(ModuleCall {
            name,
            module: None,
            expansion,
            instances: Vec::new(),
            providers,
            source,
            version,
            inputs,
            depends_on,
            location,
            ignore_nested_deprecations,
        });
    }

    fn read_block(&mut self, module: usize, file: usize, block: Block) {
        let kind = block.ident.value().as_str().to_string();
        let location = self.config.files[file].location(block.span().map(|s| s.start).unwrap_or(0));
        match kind.as_str() {
            "terraform" => self.read_terraform(module, file, &block),
            "provider" => {
                if self.labels(file, &block, &["name"]).is_none() {
                    return;
                }
                // Each provider reads its own block (`Evaluator::provider_blocks`). Terraform
                // reads provider blocks of the root module; one in a child module is legacy and
                // not read here, and says so when it sets anything.
                if module == 0 {
                    self.config.modules[module].providers.push((file, block));
                } else if !block.body.is_empty() {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "Provider block in a child module not read",
                            "infra configures providers in the root module only; pass a root provider configuration to this module with the module call's `providers` argument instead.",
                        )
                        .at(Some(location)),
                    );
                }
            }
            "variable" => {
                let Some(labels) = self.labels(file, &block, &["name"]) else {
                    return;
                };
                self.check_arguments(file, &block.body, VARIABLE_ARGUMENTS, &["validation"]);
                self.read_variable(module, file, labels[0].clone(), location, &block);
            }
            "locals" => {
                for attribute in block.body.attributes() {
                    let name = attribute.key.value().as_str().to_string();
                    let location = self.config.files[file]
                        .location(attribute.span().map(|s| s.start).unwrap_or(0));
                    if let Some(previous) = self.config.modules[module].locals.get(&name) {
                        let detail = format!(
                            "A local value named \"{name}\" was already defined at {}. Local value names must be unique within a module.",
                            previous.location
                        );
                        self.error("Duplicate local value definition", detail, Some(location));
                        continue;
                    }
                    self.config.modules[module].locals.insert(
                        name,
                        LocalDecl { value: Expr { file, expr: attribute.value.clone() }, location },
                    );
                }
            }
            "output" => self.read_output(module, file, location, &block),
            "module" => self.read_module_call(module, file, location, &block),
            "resource" | "data" | "ephemeral" => {
                let Some(labels) = self.labels(file, &block, &["type", "name"]) else {
                    return;
                };
                let mode = match kind.as_str() {
                    "data" => Mode::Data,
                    "ephemeral" => Mode::Ephemeral,
                    _ => Mode::Managed,
                };
                self.read_resource(module, file, mode, labels, location, block);
            }
            "moved" => self.read_moved(module, file, location, &block),
            "removed" => self.read_removed(module, file, location, &block),
            "import" => self.read_import(module, file, location, block),
            "check" => {
                let Some(labels) = self.labels(file, &block, &["name"]) else {
                    return;
                };
                for scoped in block.body.get_blocks("data") {
                    let at = self.location(file, scoped.span());
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "Scoped data source not read",
                            format!("infra does not read data sources nested in check blocks; the assertions of check \"{}\" that refer to it are reported as unknown.", labels[0]),
                        )
                        .at(at),
                    );
                }
                let asserts = self.conditions(file, &block.body, "assert");
                self.config.checks.push(CheckDecl { name: labels[0].clone(), module, asserts });
            }
            other => {
                self.error(
                    "Unsupported block type",
                    format!("Blocks of type \"{other}\" are not expected here."),
                    Some(location),
                );
            }
        }
    }

    fn read_terraform(&mut self, module: usize, file: usize, block: &Block) {
        for inner in block.body.blocks() {
            if inner.ident.value().as_str() == "encryption" {
                if module == 0 {
                    let (encryption, diagnostics) =
                        crate::encryption::parse(&self.config.files[file], &inner.body);
                    self.diagnostics.extend(diagnostics);
                    self.config.modules[module].encryption = Some(encryption);
                }
                continue;
            }
            if inner.ident.value().as_str() != "backend" {
                continue;
            }
            let Some(labels) = self.labels(file, inner, &["type"]) else {
                continue;
            };
            let location =
                self.config.files[file].location(inner.span().map(|s| s.start).unwrap_or(0));
            let mut settings = BTreeMap::new();
            for attribute in inner.body.attributes() {
                match crate::context::constant(&attribute.value) {
                    Ok(value) => {
                        settings.insert(attribute.key.value().as_str().to_string(), value);
                    }
                    Err(_) => {
                        let location = self.location(file, attribute.value.span());
                        self.error(
                            "Invalid backend configuration",
                            format!(
                                "The backend argument \"{}\" must be a literal value; variables and references are not allowed here.",
                                attribute.key.value().as_str()
                            ),
                            location,
                        );
                    }
                }
            }
            self.config.modules[module].backend =
                Some(BackendConfig { kind: labels[0].clone(), settings, location });
        }
    }

    /// An address argument of a `moved` or `removed` block, seen from the root module.
    fn address_pattern(
        &mut self,
        module: usize,
        file: usize,
        body: &Body,
        name: &str,
        block_location: &Location,
    ) -> Option<AddressPattern> {
        let Some(attribute) = body.get_attribute(name) else {
            self.error(
                "Missing required argument",
                format!("The argument \"{name}\" is required, but no definition was found."),
                Some(block_location.clone()),
            );
            return None;
        };
        let location = self.location(file, attribute.value.span());
        let pattern = traversal_path(&attribute.value).and_then(|text| text.parse().ok());
        match pattern {
            Some(pattern) => {
                let prefix = self.config.modules[module].path.clone();
                Some(AddressPattern::in_module(pattern, &prefix))
            }
            None => {
                self.error(
                    "Invalid address",
                    format!("The argument \"{name}\" must be the address of a resource, a resource instance or a module call, such as aws_db_instance.main or module.network."),
                    location,
                );
                None
            }
        }
    }

    fn read_moved(&mut self, module: usize, file: usize, location: Location, block: &Block) {
        let from = self.address_pattern(module, file, &block.body, "from", &location);
        let to = self.address_pattern(module, file, &block.body, "to", &location);
        let (Some(from), Some(to)) = (from, to) else {
            return;
        };
        let compatible = matches!(
            (&from, &to),
            (AddressPattern::Module(_), AddressPattern::Module(_))
                | (
                    AddressPattern::Resource(_) | AddressPattern::Instance(_),
                    AddressPattern::Resource(_) | AddressPattern::Instance(_)
                )
        );
        let same_type = match (&from, &to) {
            (AddressPattern::Module(_), _) => true,
            _ => resource_type_of(&from) == resource_type_of(&to),
        };
        if !compatible || !same_type {
            self.error(
                "Invalid \"moved\" addresses",
                format!("Cannot move {from} to {to}: a move goes from a module call to a module call, or from a resource to a resource of the same type."),
                Some(location),
            );
            return;
        }
        self.config.moves.push(MoveStatement { from, to, location });
    }

    /// The provisioners of a `removed` block (Terraform 1.9): destroy-time ones only, of a
    /// managed resource, checked as a resource's are.
    fn removed_provisioners(
        &mut self,
        file: usize,
        from: &AddressPattern,
        block: &Block,
    ) -> Vec<Block> {
        let provisioners: Vec<Block> = block.body.get_blocks("provisioner").cloned().collect();
        let managed = matches!(from, AddressPattern::Resource(id) if id.mode == Mode::Managed);
        for provisioner in &provisioners {
            let location = self.location(file, provisioner.span());
            if !managed {
                self.error(
                    "Invalid provisioner block",
                    "Provisioners are valid only when a removed block targets a managed resource."
                        .into(),
                    location,
                );
            } else if crate::syntax::when(provisioner) != crate::When::Destroy {
                self.error("Invalid provisioner block", "Only destroy-time provisioners are valid in \"removed\" blocks. To declare a destroy-time provisioner, use:\n    when = destroy".into(), location);
            }
        }
        let checked = {
            let locate = |span| self.location(file, span);
            crate::provisioner::check(&block.body, &locate)
        };
        self.diagnostics.extend(checked);
        provisioners
    }

    fn read_removed(&mut self, module: usize, file: usize, location: Location, block: &Block) {
        let Some(from) = self.address_pattern(module, file, &block.body, "from", &location) else {
            return;
        };
        if let AddressPattern::Instance(_) = from {
            self.error(
                "Invalid \"removed\" address",
                format!(
                    "A removed block names a resource or a module call, not one instance ({from})."
                ),
                Some(location),
            );
            return;
        }
        let mut destroy = true;
        for lifecycle in block.body.get_blocks("lifecycle") {
            if lifecycle.body.get_attribute("destroy").is_some() {
                destroy = self.literal_bool(file, &lifecycle.body, "destroy");
            }
        }
        let provisioners = self.removed_provisioners(file, &from, block);
        self.config.removals.push(RemoveStatement {
            from,
            destroy,
            location,
            provisioners,
            file,
            module,
        });
    }

    /// An `import` block, in any module (Terraform 1.16: a child module's `to` is relative to
    /// the module, and each of its instances imports its own object).
    fn read_import(&mut self, module: usize, file: usize, location: Location, block: Block) {
        let body = block.body;
        let mut arguments = BTreeMap::new();
        for name in ["to", "id", "for_each", "provider"] {
            if let Some(attribute) = body.get_attribute(name) {
                arguments.insert(name, Expr { file, expr: attribute.value.clone() });
            }
        }
        if body.get_attribute("identity").is_some() || body.get_blocks("identity").next().is_some()
        {
            self.error(
                "Unsupported argument",
                "infra imports by \"id\"; resource identities (\"identity\") are not supported."
                    .into(),
                Some(location.clone()),
            );
        }
        for name in ["to", "id"] {
            if !arguments.contains_key(name) {
                self.error(
                    "Missing required argument",
                    format!("The argument \"{name}\" is required, but no definition was found."),
                    Some(location.clone()),
                );
            }
        }
        let (Some(to), Some(id)) = (arguments.remove("to"), arguments.remove("id")) else {
            return;
        };
        self.config.imports.push(ImportDecl {
            to,
            id,
            for_each: arguments.remove("for_each"),
            module,
            location,
        });
    }

    /// The `precondition`, `postcondition` or `assert` blocks (`kind`) of a body, each with
    /// its required `condition` and `error_message`.
    pub(crate) fn conditions(
        &mut self,
        file: usize,
        body: &Body,
        kind: &str,
    ) -> Vec<ConditionDecl> {
        let mut out = Vec::new();
        for block in body.get_blocks(kind) {
            let condition = block.body.get_attribute("condition");
            let error_message = block.body.get_attribute("error_message");
            match (condition, error_message) {
                (Some(condition), Some(error_message)) => out.push(ConditionDecl {
                    condition: Expr { file, expr: condition.value.clone() },
                    error_message: Expr { file, expr: error_message.value.clone() },
                }),
                _ => {
                    let location = self.location(file, block.span());
                    self.error(
                        "Missing required argument",
                        format!("A {kind} block needs both \"condition\" and \"error_message\"."),
                        location,
                    );
                }
            }
        }
        out
    }

    fn literal(&mut self, file: usize, body: &Body, name: &str) -> Option<Value> {
        let attribute = body.get_attribute(name)?;
        match crate::context::constant(&attribute.value) {
            Ok(v) => Some(v),
            Err(_) => {
                let location = self.location(file, attribute.value.span());
                self.error(
                    "Invalid argument",
                    format!("The argument \"{name}\" must be a literal value."),
                    location,
                );
                None
            }
        }
    }

    /// A module call's `source` or `version` (`what`): a literal string, or an expression that
    /// refers only to input variables and local values (and, for `source`, `path`), as
    /// Terraform 1.15 allows; the values are checked when it is evaluated.
    fn source_expression(&mut self, expr: Expr, what: &str) -> Expr {
        if expr.expr.as_str().is_some() {
            return expr;
        }
        for reference in crate::references::in_expr(&expr.expr) {
            if !matches!(
                reference.kind,
                crate::references::RefKind::Var(_) | crate::references::RefKind::Local(_)
            ) {
                let location = self.location(expr.file, reference.span);
                self.error(
                    &format!("Invalid module {what}"),
                    format!("The module {what} can only reference constant input variables and local values."),
                    location,
                );
            }
        }
        expr
    }

    fn literal_bool(&mut self, file: usize, body: &Body, name: &str) -> bool {
        match self.literal(file, body, name) {
            None => false,
            Some(v) => match v.as_bool() {
                Some(b) => b,
                None => {
                    let location =
                        body.get_attribute(name).and_then(|a| self.location(file, a.value.span()));
                    self.error(
                        "Invalid argument",
                        format!("The argument \"{name}\" must be true or false, got {v}."),
                        location,
                    );
                    false
                }
            },
        }
    }

    /// Terraform's "Unsupported argument" / "Unsupported block type" for a block whose
    /// arguments the language fixes (`variable`, `output`, `lifecycle`): nothing in them is
    /// ignored silently.
    fn check_arguments(&mut self, file: usize, body: &Body, arguments: &[&str], blocks: &[&str]) {
        let found = {
            let locate = |span| self.location(file, span);
            crate::syntax::unexpected_names(body, arguments, blocks, &locate)
        };
        self.diagnostics.extend(found);
    }

    fn literal_string(&mut self, file: usize, body: &Body, name: &str) -> Option<String> {
        self.literal(file, body, name).and_then(|v| v.as_str().map(str::to_string))
    }

    fn read_variable(
        &mut self,
        module: usize,
        file: usize,
        name: String,
        location: Location,
        block: &Block,
    ) {
        if let Some(&previous) = self.config.modules[module].variable_index.get(&name) {
            let detail = format!(
                "A variable named \"{name}\" was already declared at {}. Variable names must be unique within a module.",
                self.config.modules[module].variables[previous].location
            );
            self.error("Duplicate variable declaration", detail, Some(location));
            return;
        }
        let body = &block.body;
        let ty =
            body.get_attribute("type").and_then(|a| {
                match TypeConstraint::parse_variable_type(&a.value) {
                    Ok(ty) => Some(ty),
                    Err(message) => {
                        let location = self.location(file, a.value.span());
                        self.error("Invalid type specification", message, location);
                        None
                    }
                }
            });
        let mut default = self.literal(file, body, "default");
        if let (Some(ty), Some(value)) = (&ty, default.clone()) {
            match ty.convert(value) {
                Ok(converted) => default = Some(converted),
                Err(message) => {
                    let location = body
                        .get_attribute("default")
                        .and_then(|a| self.location(file, a.value.span()));
                    self.error(
                        "Invalid default value for variable",
                        format!("This default value is not compatible with the variable's type constraint: {message}."),
                        location,
                    );
                }
            }
        }
        let nullable = match body.get_attribute("nullable") {
            Some(_) => self.literal_bool(file, body, "nullable"),
            None => true,
        };
        let mut validations = Vec::new();
        for validation in body.get_blocks("validation") {
            let condition = validation.body.get_attribute("condition");
            let message = validation.body.get_attribute("error_message");
            match (condition, message) {
                (Some(c), Some(m)) => validations.push((
                    Expr { file, expr: c.value.clone() },
                    Expr { file, expr: m.value.clone() },
                )),
                _ => {
                    let location = self.location(file, validation.span());
                    self.error(
                        "Missing required argument",
                        "A validation block needs both \"condition\" and \"error_message\".".into(),
                        location,
                    );
                }
            }
        }
        let variable = VariableDecl {
            name: name.clone(),
            location,
            ty,
            default,
            description: self.literal_string(file, body, "description"),
            sensitive: self.literal_bool(file, body, "sensitive"),
            ephemeral: self.literal_bool(file, body, "ephemeral"),
            constant: self.literal_bool(file, body, "const"),
            nullable,
            validations,
            deprecated: self.literal_string(file, body, "deprecated"),
        };
        for (marked, what) in [(variable.sensitive, "sensitive"), (variable.ephemeral, "ephemeral")]
        {
            if variable.constant && marked {
                self.error(
                    &format!("Const variable cannot be {what}"),
                    format!("A variable that is marked as \"const\" cannot also be marked as \"{what}\"."),
                    Some(variable.location.clone()),
                );
            }
        }
        let m = &mut self.config.modules[module];
        m.variable_index.insert(name, m.variables.len());
        m.variables.push(variable);
    }

    /// `providers = { aws = aws.west, aws.east = aws }`: (the child's name, the caller's
    /// reference), each a provider reference.
    fn provider_references(&mut self, file: usize, value: &Expression) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Expression::Object(object) = value else {
            let location = self.location(file, value.span());
            self.error("Invalid providers argument", "The providers argument is a map from the module's provider names to this module's, such as { aws = aws.west }.".into(), location);
            return out;
        };
        for (key, value) in object.iter() {
            let child = match key {
                hcl_edit::expr::ObjectKey::Ident(ident) => Some(ident.as_str().to_string()),
                hcl_edit::expr::ObjectKey::Expression(expr) => traversal_path(expr),
            };
            match (child, traversal_path(value.expr())) {
                (Some(child), Some(parent)) => out.push((child, parent)),
                _ => {
                    let location = self.location(file, value.expr().span());
                    self.error(
                        "Invalid providers argument",
                        "Each entry must name provider configurations, such as aws = aws.west."
                            .into(),
                        location,
                    );
                }
            }
        }
        out
    }

    fn read_resource(
        &mut self,
        module: usize,
        file: usize,
        mode: Mode,
        labels: Vec<String>,
        location: Location,
        block: Block,
    ) {
        let provisioners = {
            let locate = |span| self.location(file, span);
            crate::provisioner::check(&block.body, &locate)
        };
        self.diagnostics.extend(provisioners);
        let default_provider = infra_core::resource::provider_name(&labels[0]).to_string();
        let provider = match block.body.get_attribute("provider") {
            None => default_provider,
            Some(attribute) => match traversal_path(&attribute.value) {
                Some(reference) => reference,
                None => {
                    let location = self.location(file, attribute.value.span());
                    self.error("Invalid provider argument", "The provider argument must be a provider reference, such as aws or aws.west.".into(), location);
                    default_provider
                }
            },
        };
        let id = ResourceId {
            module: self.config.modules[module].path.clone(),
            mode,
            resource_type: labels[0].clone(),
            name: labels[1].clone(),
        };
        if let Some(&previous) = self.config.resource_index.get(&id) {
            let word = mode.keyword().unwrap_or("resource");
            let detail = format!(
                "A {} {word} named \"{}\" was already declared at {}. Resource names must be unique per type in each module.",
                id.resource_type, id.name, self.config.resources[previous].config.location
            );
            self.error(
                &format!("Duplicate {word} \"{}\" configuration", id.resource_type),
                detail,
                Some(location),
            );
            return;
        }
        let body = block.body;
        if mode == Mode::Ephemeral {
            self.check_ephemeral_block(file, &body);
        }
        let mut lifecycle = Lifecycle::default();
        for lifecycle_block in body.get_blocks("lifecycle") {
            let arguments: &[&str] =
                if mode == Mode::Ephemeral { &[] } else { LIFECYCLE_ARGUMENTS };
            self.check_arguments(
                file,
                &lifecycle_block.body,
                arguments,
                &["precondition", "postcondition"],
            );
            lifecycle.create_before_destroy =
                self.literal_bool(file, &lifecycle_block.body, "create_before_destroy");
            lifecycle.prevent_destroy =
                self.literal_bool(file, &lifecycle_block.body, "prevent_destroy");
            if let Some(attribute) = lifecycle_block.body.get_attribute("ignore_changes") {
                lifecycle.ignore_changes = self.ignore_changes(file, &attribute.value);
            }
            if lifecycle_block.body.get_attribute("destroy").is_some() {
                lifecycle.forget_instead_of_destroy =
                    !self.literal_bool(file, &lifecycle_block.body, "destroy");
            }
        }
        // A `timeouts` block is evaluated with each instance (`Evaluator::expand`), as
        // modules write `lookup(var.timeouts, "create", null)`; here its names are checked,
        // and a literal's duration, so that `validate` finds those early.
        for timeouts in crate::syntax::timeouts_blocks(&body) {
            let Some(arguments) = timeouts.arguments() else {
                continue;
            };
            for attribute in arguments.attributes() {
                let key = attribute.key.value().as_str().to_string();
                let location = self.location(file, attribute.span());
                if !TIMEOUT_OPERATIONS.contains(&key.as_str()) {
                    self.error(
                        "Unsupported argument",
                        format!("An argument named \"{key}\" is not expected here: a timeouts block takes create, read, update and delete."),
                        location,
                    );
                    continue;
                }
                if let Ok(Value::String(text)) = crate::context::constant(&attribute.value) {
                    if let Err((summary, detail)) = timeout_duration(&key, &text) {
                        self.error(summary, detail, location);
                    }
                }
            }
        }
        if body.get_attribute("count").is_some() && body.get_attribute("for_each").is_some() {
            let location =
                body.get_attribute("for_each").and_then(|a| self.location(file, a.span()));
            self.error(
                "Invalid combination of \"count\" and \"for_each\"",
                "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used.".into(),
                location,
            );
        }
        let config = ResourceConfig {
            id: id.clone(),
            location,
            provider,
            lifecycle,
            has_count: body.get_attribute("count").is_some(),
            has_for_each: body.get_attribute("for_each").is_some(),
            has_timeouts: crate::syntax::timeouts_blocks(&body).next().is_some(),
        };
        let index = self.config.resources.len();
        self.config.resources.push(ResourceDecl { config, module, file, body });
        self.config.resource_index.insert(id, index);
        self.config.modules[module].resources.push(index);
    }

    /// What an `ephemeral` block does not take, as Terraform (`configs/resource.go`): nothing
    /// is created, so there is nothing to provision or time out.
    fn check_ephemeral_block(&mut self, file: usize, body: &Body) {
        for kind in ["provisioner", "connection", "timeouts"] {
            for nested in body.get_blocks(kind) {
                let location = self.location(file, nested.span());
                self.error(
                    "Unsupported block type",
                    format!("Blocks of type \"{kind}\" are not expected here: an ephemeral resource is opened, not created."),
                    location,
                );
            }
        }
    }

    fn ignore_changes(&mut self, file: usize, expr: &Expression) -> IgnoreChanges {
        match expr {
            Expression::Variable(v) if v.value().as_str() == "all" => IgnoreChanges::All,
            Expression::String(s) if s.value() == "all" => IgnoreChanges::All,
            Expression::Array(items) => {
                let mut paths = Vec::new();
                for item in items.iter() {
                    match traversal_path(item) {
                        Some(path) => paths.push(path),
                        None => {
                            let location = self.location(file, item.span());
                            self.error(
                                "Invalid ignore_changes entry",
                                "Each entry must be an attribute path such as tags or tags[\"Name\"].".into(),
                                location,
                            );
                        }
                    }
                }
                IgnoreChanges::Paths(paths)
            }
            other => {
                let location = self.location(file, other.span());
                self.error(
                    "Invalid ignore_changes",
                    "ignore_changes must be a list of attribute paths or the keyword all.".into(),
                    location,
                );
                IgnoreChanges::None
            }
        }
    }
}

/// "Attribute redefined" in any body, at any depth.
fn check_redefined(body: &Body, file: &SourceFile, diagnostics: &mut Diagnostics) {
    let mut seen: HashMap<&str, Option<std::ops::Range<usize>>> = HashMap::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                let name = attribute.key.value().as_str();
                if let Some(previous) = seen.get(name) {
                    let previous = file.span_location(previous.clone());
                    diagnostics.push(
                        Diagnostic::error(
                            "Attribute redefined",
                            format!(
                                "The argument \"{name}\" was already set at {}. Each argument may be set only once.",
                                previous.map(|l| l.to_string()).unwrap_or_default()
                            ),
                        )
                        .at(file.span_location(attribute.span())),
                    );
                } else {
                    seen.insert(name, attribute.span());
                }
            }
            Structure::Block(block) => check_redefined(&block.body, file, diagnostics),
        }
    }
}

impl Config {
    /// Every resource and data block in every module, depth-first, in file order.
    pub fn resources(&self) -> Vec<&ResourceConfig> {
        self.resources.iter().map(|r| &r.config).collect()
    }

    /// Every resource block by its ID.
    pub fn resources_by_id(&self) -> BTreeMap<&ResourceId, &ResourceConfig> {
        self.resources.iter().map(|r| (&r.config.id, &r.config)).collect()
    }

    /// The root provider configuration a resource uses (`aws`, `aws.west`, `random`): its
    /// `provider` reference, or its type's default provider, followed up through each module
    /// call's `providers` map; a provider not passed explicitly is inherited under its name.
    pub fn provider_configuration(&self, id: &ResourceId) -> String {
        let Some(decl) = self.resource(id) else {
            return infra_core::resource::provider_name(&id.resource_type).to_string();
        };
        let mut reference = decl.config.provider.clone();
        let mut module = decl.module;
        while let Some((parent, call)) = self.parent_of(module) {
            if let Some((_, passed)) = call.providers.iter().find(|(local, _)| *local == reference)
            {
                reference = passed.clone();
            }
            module = parent;
        }
        reference
    }

    pub(crate) fn parent_of(&self, module: usize) -> Option<(usize, &ModuleCall)> {
        self.modules.iter().enumerate().find_map(|(index, m)| {
            m.calls.iter().find(|call| call.children().contains(&module)).map(|call| (index, call))
        })
    }

    /// Whether the root module has no `.tf` file at all.
    pub fn has_no_files(&self) -> bool {
        self.files.is_empty()
    }

    /// Whether a module call writes its `source` or `version` as an expression (Terraform
    /// 1.15), to be evaluated ([`crate::Evaluator::module_sources`]) before its module loads.
    pub fn has_module_sources_to_evaluate(&self) -> bool {
        self.modules.iter().flat_map(|m| &m.calls).any(|call| !call.source_is_literal())
    }

    /// `moved` blocks, from the root's point of view, in the order written.
    pub fn moves(&self) -> &[MoveStatement] {
        &self.moves
    }

    /// `removed` blocks, from the root's point of view.
    pub fn removals(&self) -> &[RemoveStatement] {
        &self.removals
    }

    /// Whether the configuration declares this resource (any module, any mode).
    pub fn declares(&self, id: &ResourceId) -> bool {
        self.resource_index.contains_key(id)
    }

    /// Warnings found while loading, for the caller to show.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// `terraform { backend "s3" { ... } }` of the root module.
    pub fn backend(&self) -> Option<BackendConfig> {
        self.modules.first().and_then(|m| m.backend.clone())
    }

    /// The root module's `terraform { encryption { ... } }`.
    pub fn encryption(&self) -> Option<EncryptionConfig> {
        self.modules.first().and_then(|m| m.encryption.clone())
    }

    /// sha256 hex over (relative path, contents) of every file read, sorted by path.
    pub fn digest(&self) -> String {
        let mut files: Vec<&SourceFile> = self.files.iter().collect();
        files.sort_by(|a, b| a.relative.cmp(&b.relative));
        let mut hasher = Sha256::new();
        for file in files {
            hasher.update(file.relative.as_bytes());
            hasher.update([0]);
            hasher.update((file.text.len() as u64).to_be_bytes());
            hasher.update(file.text.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    /// Root module variables, in declaration order, for prompting.
    pub fn root_variables(&self) -> Vec<VariableInfo> {
        let Some(root) = self.modules.first() else {
            return vec![];
        };
        root.variables
            .iter()
            .map(|v| VariableInfo {
                name: v.name.clone(),
                required: v.default.is_none(),
                sensitive: v.sensitive,
                description: v.description.clone(),
            })
            .collect()
    }

    pub(crate) fn resource(&self, id: &ResourceId) -> Option<&ResourceDecl> {
        self.resource_index.get(id).map(|&i| &self.resources[i])
    }

    pub(crate) fn location(
        &self,
        file: usize,
        span: Option<std::ops::Range<usize>>,
    ) -> Option<Location> {
        self.files.get(file).and_then(|f| f.span_location(span))
    }
}
