//! The [`Evaluator`]: input variables, locals, module inputs and outputs, reference
//! resolution, dependency edges, `count`/`for_each` expansion and resource bodies.
//!
//! Named values (variables, locals, module outputs) are evaluated lazily and cached. A value
//! whose evaluation touched no resource is cached for the evaluator's lifetime; one that did is
//! cached only for one `expand`/`outputs` call, because resource values change between calls.

use crate::config::{
    is_meta, ConditionDecl, Config, Expr, ImportDecl, ModuleCall, VariableDecl, META_BLOCKS,
};
use crate::context::{mark_if, Ctx, EvalResult, Fail, Instance, Repetition, Scope};
use crate::inputs::{InputSource, InputVariables, RawValue};
use crate::references::{self, RefKind, Reference};
use crate::syntax::TimeoutsBlock;
use crate::{
    ImportTarget, InstanceConfig, NoResourceValues, OutputValue, ReplaceTrigger, ResourceValues,
};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::{Decorated, Span};
use infra_core::{
    Address, CheckResult, CheckStatus, CheckableKind, CheckedObject, Diagnostic, Diagnostics,
    InstanceKey, Mode, ResourceId, Severity, Value,
};
use infra_core::{Argument, BlockBody, NestedBlock, ProviderBlock};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

/// The most instances one `count` makes, for a resource or a module call: a bound that keeps
/// a mistyped count an error rather than an out-of-memory abort.
const MAX_COUNT: i64 = 100_000;

/// A named value inside a module (by module index).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Named {
    Var(usize, String),
    Local(usize, String),
    Output(usize, String),
}

/// Evaluates a loaded [`Config`] with a set of input variables.
pub struct Evaluator<'c> {
    config: &'c Config,
    workspace: String,
    pub(crate) root_variables: HashMap<String, Value>,
    /// For each module, the (parent module, call index) that instantiates it.
    parents: Vec<Option<(usize, usize)>>,
    cache: RefCell<HashMap<Named, Result<Value, Fail>>>,
    warnings: Diagnostics,
    /// Set by [`Evaluator::begin_apply`]: impure functions (`timestamp()`, `uuid()`,
    /// `bcrypt()`) give their values instead of "known after apply".
    applying: Cell<bool>,
    /// Set by [`Evaluator::for_init`]: a variable not marked `const` is unknown.
    constant_only: bool,
}

/// What an evaluator is built for: which variables need values.
#[derive(Clone, Copy, PartialEq)]
enum Walk {
    /// Every variable needs a value (or a default).
    Plan,
    /// A variable without a value is unknown ([`Evaluator::for_validation`]).
    Validate,
    /// Only `const` variables are known ([`Evaluator::for_init`]).
    Init,
}

/// Said with every error about a module source or version that is not known early enough,
/// in Terraform's words.
const CONSTANT_VARIABLE_DETAIL: &str = "\n\nOnly literal values and constant variables (with const = true) are allowed for this attribute, as well as values derived from these.";

/// The per-call environment: resource values and the caches that depend on them.
pub(crate) struct Env<'a> {
    ev: &'a Evaluator<'a>,
    values: &'a dyn ResourceValues,
    call_cache: RefCell<HashMap<Named, Result<Value, Fail>>>,
    touched: Cell<bool>,
    in_progress: RefCell<Vec<Named>>,
}

impl Scope for Env<'_> {
    fn resolve(
        &self,
        ctx: &Ctx,
        name: &str,
        operators: &[Decorated<TraversalOperator>],
        span: Option<Range<usize>>,
    ) -> Result<(Value, usize, bool), Fail> {
        Env::resolve(self, ctx, name, operators, span)
    }

    /// Whether impure functions give values ([`Evaluator::begin_apply`]).
    fn applying(&self) -> bool {
        self.ev.applying.get()
    }

    fn working_dir(&self) -> &std::path::Path {
        &self.ev.config.modules[0].dir
    }

    fn is_ephemeral(&self, module: usize, expr: &Expression) -> bool {
        crate::ephemeral::is_ephemeral(self.ev.config, module, expr)
    }
}

impl<'c> Evaluator<'c> {
    /// The root module's variables as evaluated (defaults applied, sensitive ones marked),
    /// sorted by name: what a plan was made with.
    /// The root module's variables as a plan records them: ephemeral ones are left out (a
    /// saved plan never holds them, and `apply FILE` takes them from the usual sources again).
    pub fn root_variable_values(&self) -> std::collections::BTreeMap<String, Value> {
        let root = &self.config.modules[0];
        self.root_variables
            .iter()
            .filter(|(name, _)| {
                root.variable_index.get(*name).is_none_or(|&i| !root.variables[i].ephemeral)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Converts inputs to declared types, applies defaults and validations, and marks
    /// sensitive variables. Undeclared names given in files are warnings ([`Self::warnings`]);
    /// on the command line they are errors.
    pub fn new(
        config: &'c Config,
        inputs: &InputVariables,
        workspace: &str,
    ) -> Result<Self, Diagnostics> {
        Self::build(config, inputs, workspace, Walk::Plan)
    }

    /// For `validate`, as Terraform validates: no variable values are needed. A variable
    /// that is not set is an unknown value of its type, and its `validation` blocks wait
    /// for a value.
    pub fn for_validation(config: &'c Config, workspace: &str) -> Result<Self, Diagnostics> {
        Self::build(config, &InputVariables::new(), workspace, Walk::Validate)
    }

    /// For evaluating module `source` and `version` before the configuration is loaded whole
    /// ([`Evaluator::module_sources`]), as Terraform 1.15's init walk: variables marked
    /// `const` take their values, every other variable is unknown, and so is every resource.
    pub fn for_init(
        config: &'c Config,
        inputs: &InputVariables,
        workspace: &str,
    ) -> Result<Self, Diagnostics> {
        Self::build(config, inputs, workspace, Walk::Init)
    }

    fn build(
        config: &'c Config,
        inputs: &InputVariables,
        workspace: &str,
        walk: Walk,
    ) -> Result<Self, Diagnostics> {
        let mut parents = vec![None; config.modules.len()];
        for (index, module) in config.modules.iter().enumerate() {
            for (call_index, call) in module.calls.iter().enumerate() {
                for child in call.children() {
                    parents[child] = Some((index, call_index));
                }
            }
        }
        let mut evaluator = Evaluator {
            config,
            workspace: workspace.to_string(),
            root_variables: HashMap::new(),
            parents,
            cache: RefCell::new(HashMap::new()),
            warnings: Diagnostics::new(),
            applying: Cell::new(false),
            constant_only: walk == Walk::Init,
        };
        let mut diagnostics = Diagnostics::new();
        let Some(root) = config.modules.first() else {
            return Ok(evaluator);
        };
        for (name, input) in &inputs.values {
            if root.variable_index.contains_key(name) {
                continue;
            }
            match input.source {
                InputSource::Environment => {}
                InputSource::File => evaluator.warnings.push(
                    Diagnostic::warning(
                        "Value for undeclared variable",
                        format!("The root module does not declare a variable named \"{name}\" but a value was found in a variables file. To use this value, add a \"variable\" block to the configuration."),
                    )
                    .at(input.location.clone()),
                ),
                InputSource::CommandLine | InputSource::Prompt => diagnostics.push(Diagnostic::error(
                    "Value for undeclared variable",
                    format!("A variable named \"{name}\" was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration."),
                )),
            }
        }
        for decl in &root.variables {
            if walk == Walk::Init && !decl.constant {
                evaluator.root_variables.insert(decl.name.clone(), Value::Unknown);
                continue;
            }
            let raw = match inputs.values.get(&decl.name) {
                None => None,
                Some(input) => match &input.value {
                    RawValue::Value(v) => Some(v.clone()),
                    RawValue::Text(text) => {
                        if decl.ty.as_ref().is_none_or(|t| t.is_string()) {
                            Some(Value::String(text.clone()))
                        } else {
                            match crate::repeated_keys::parse(
                                text.trim(),
                                hcl_edit::parser::parse_expr,
                            )
                            .map_err(|e| e.message().to_string())
                            .and_then(|expr| crate::context::constant(&expr).map_err(|d| d.detail))
                            {
                                Ok(v) => Some(v),
                                Err(message) => {
                                    diagnostics.push(
                                        Diagnostic::error(
                                            "Invalid value for input variable",
                                            format!("The value given for variable \"{}\" is not a valid expression: {message}", decl.name),
                                        )
                                        .at(Some(decl.location.clone())),
                                    );
                                    continue;
                                }
                            }
                        }
                    }
                },
            };
            let raw = match raw {
                None if walk == Walk::Validate && decl.default.is_none() => Some(Value::Unknown),
                raw => raw,
            };
            match finalize_variable(decl, raw) {
                Ok(value) => {
                    evaluator.root_variables.insert(decl.name.clone(), value);
                }
                Err(error) => diagnostics.push(*error),
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        // Validations run once every root variable has a value: conditions may refer to them.
        {
            let env = Env::new(&evaluator, &NoResourceValues);
            for decl in &root.variables {
                if let Some(value) = evaluator.root_variables.get(&decl.name) {
                    if let Err(error) = env.validate_variable(0, decl, value) {
                        diagnostics.push(*error);
                    }
                }
            }
        }
        diagnostics.into_result(evaluator)
    }

    /// From now on the configuration is evaluated for apply: `timestamp()` is the apply time,
    /// `uuid()` and `bcrypt()` give values. Values cached while planning are dropped.
    pub fn begin_apply(&self) {
        self.applying.set(true);
        self.cache.borrow_mut().clear();
    }

    /// Warnings found while reading inputs (undeclared variables in files).
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// Resource-level dependency edges for every resource: what its body, `count` and
    /// `for_each` refer to, transitively through locals, variables and module outputs, plus
    /// `depends_on`. Undeclared references and cycles among named values are errors.
    pub fn dependencies(&self) -> Result<BTreeMap<ResourceId, BTreeSet<ResourceId>>, Diagnostics> {
        let mut walker = DependencyWalker {
            ev: self,
            memo: HashMap::new(),
            stack: Vec::new(),
            diagnostics: Diagnostics::new(),
            seen_errors: BTreeSet::new(),
        };
        let mut edges = BTreeMap::new();
        for decl in &self.config.resources {
            let mut refs = references::in_resource_body(&decl.body);
            // What lifecycle's replace_triggered_by and conditions read is a dependency too.
            for lifecycle in decl.body.get_blocks("lifecycle") {
                if let Some(triggers) = lifecycle.body.get_attribute("replace_triggered_by") {
                    refs.extend(references::in_expr(&triggers.value));
                }
                for block in lifecycle.body.blocks() {
                    for attribute in block.body.attributes() {
                        refs.extend(references::in_expr(&attribute.value));
                    }
                }
            }
            let mut deps = walker.resolve_all(decl.module, decl.file, &refs);
            if let Some(depends_on) = decl.attribute("depends_on") {
                deps.extend(walker.depends_on(
                    decl.module,
                    &Expr { file: decl.file, expr: depends_on.value.clone() },
                ));
            }
            // A module call's depends_on applies to every resource inside the module.
            let mut module = decl.module;
            while let Some((parent, call)) = self.parents[module] {
                if let Some(depends_on) = &self.config.modules[parent].calls[call].depends_on {
                    deps.extend(walker.depends_on(parent, depends_on));
                }
                module = parent;
            }
            deps.remove(&decl.config.id);
            edges.insert(decl.config.id.clone(), deps);
        }
        // Named values no resource uses still get their references checked.
        for (index, module) in self.config.modules.iter().enumerate() {
            let mut names: Vec<&String> = module.locals.keys().collect();
            names.sort();
            for name in names {
                walker.named(&Named::Local(index, name.clone()));
            }
            for output in &module.outputs {
                walker.named(&Named::Output(index, output.name.clone()));
            }
            for call in &module.calls {
                for child in call.children() {
                    for name in call.inputs.keys() {
                        if self.config.modules[child].variable_index.contains_key(name) {
                            walker.named(&Named::Var(child, name.clone()));
                        } else {
                            let expr = &call.inputs[name];
                            walker.error(
                                Diagnostic::error(
                                    "Unsupported argument",
                                    format!("An argument named \"{name}\" is not expected here: module \"{}\" declares no such variable.", call.name),
                                )
                                .at(self.config.location(expr.file, expr.expr.span())),
                            );
                        }
                    }
                    for variable in &self.config.modules[child].variables {
                        if variable.default.is_none() && !call.inputs.contains_key(&variable.name) {
                            walker.error(
                                Diagnostic::error(
                                    "Missing required argument",
                                    format!("The argument \"{}\" is required by module \"{}\", but no definition was found.", variable.name, call.name),
                                )
                                .at(Some(call.location.clone())),
                            );
                        }
                    }
                }
            }
        }
        walker.diagnostics.into_result(edges)
    }

    /// The `timeouts` of the instance at `address` for its delete, evaluated without
    /// expanding the resource: what `count` or `for_each` depends on may be gone by then (a
    /// destroy). `count.index` and `each.key` are the address's key; `each.value` is not
    /// known here, so a timeout that uses it is an error.
    pub fn delete_timeouts(
        &self,
        address: &Address,
        values: &dyn ResourceValues,
    ) -> Result<BTreeMap<String, crate::Timeout>, Diagnostics> {
        let id = &address.resource;
        let Some(decl) = self.config.resource(id) else {
            return Ok(BTreeMap::new());
        };
        let env = Env::new(self, values);
        let mut ctx = env.ctx(decl.file, decl.module);
        ctx.instance = key_binding(&address.key);
        eval_timeouts(&mut ctx, &decl.body)
            .map(Option::unwrap_or_default)
            .map_err(|errors| errors.for_address(address))
    }

    /// Whether the resource of `address` has provisioners that run `when` (not evaluated).
    pub fn has_provisioners(&self, address: &Address, when: crate::When) -> bool {
        self.config.resource(&address.resource).is_some_and(|decl| {
            decl.body.get_blocks("provisioner").any(|block| crate::syntax::when(block) == when)
        })
    }

    /// The instance's provisioners that run `when`, in order, evaluated with `self` the object
    /// (as created, or as last stored before its destroy). A creation-time provisioner sees
    /// everything a resource argument does; a destroy-time one only its own object and key
    /// (checked when loaded), so `values` may be empty for it. A resource gone from the
    /// configuration has those of a `removed` block that names it and destroys it (Terraform
    /// 1.9), and otherwise none, as in Terraform.
    pub fn provisioners(
        &self,
        address: &Address,
        values: &dyn ResourceValues,
        when: crate::When,
        self_value: &Value,
    ) -> Result<Vec<crate::LocalExec>, Diagnostics> {
        let decl = self.config.resource(&address.resource);
        let (blocks, file, module): (Vec<&Block>, usize, usize) = match decl {
            Some(decl) => (decl.body.get_blocks("provisioner").collect(), decl.file, decl.module),
            None => match self
                .config
                .removals
                .iter()
                .find(|removal| removal.destroy && removal.from.matches(address))
            {
                Some(removal) => {
                    (removal.provisioners.iter().collect(), removal.file, removal.module)
                }
                None => return Ok(Vec::new()),
            },
        };
        let blocks: Vec<&Block> =
            blocks.into_iter().filter(|block| crate::syntax::when(block) == when).collect();
        if blocks.is_empty() {
            return Ok(Vec::new());
        }
        let env = Env::new(self, values);
        let mut ctx = env.ctx(file, module);
        ctx.instance = match (when, decl) {
            (crate::When::Create, Some(decl)) => self.instance_binding(&env, decl, &address.key),
            _ => key_binding(&address.key),
        };
        ctx.bindings.push(("self".into(), self_value.clone()));
        let mut out = Vec::new();
        let mut errors = Diagnostics::new();
        for block in blocks {
            match crate::provisioner::evaluate(&mut ctx, block) {
                Ok(provisioner) => out.push(provisioner),
                Err(found) => errors.extend(found),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors.for_address(address))
        }
    }

    /// Expands `count`/`for_each` and evaluates each instance's body.
    pub fn expand(
        &self,
        id: &ResourceId,
        values: &dyn ResourceValues,
    ) -> Result<Vec<InstanceConfig>, Diagnostics> {
        let Some(decl) = self.config.resource(id) else {
            return Err(Diagnostic::error(
                "Unknown resource",
                format!("The configuration has no resource {id}."),
            )
            .into());
        };
        let env = Env::new(self, values);
        let mut ctx = env.ctx(decl.file, decl.module);
        let fail = |error: Fail| Diagnostics::from((*error).for_address(id));
        let mut instances: Vec<(Option<InstanceKey>, Instance)> = Vec::new();
        if let Some(count) = decl.attribute("count") {
            let value = ctx.eval(&count.value).map_err(fail)?;
            let (value, _) = value.unmark();
            let location = ctx.loc(count.value.span());
            if value.is_unknown() {
                return Err(Diagnostic::error(
                    "Invalid count argument",
                    "The count value depends on resource attributes that cannot be determined until apply, so infra cannot predict how many instances will be created. To work around this, use -target to first apply only the resources that the count depends on.",
                )
                .at(location)
                .for_address(id)
                .into());
            }
            let n = match value.as_i64() {
                Some(n) if (0..=MAX_COUNT).contains(&n) && !matches!(value, Value::Bool(_)) => n,
                _ => {
                    return Err(Diagnostic::error(
                        "Invalid count argument",
                        format!("The given \"count\" argument value is unsuitable: a non-negative whole number up to {MAX_COUNT} is required, got {}.", value.describe()),
                    )
                    .at(location)
                    .for_address(id)
                    .into())
                }
            };
            for i in 0..n {
                instances.push((
                    Some(InstanceKey::Index(i)),
                    Instance { count_index: Some(i), each: None, unexpanded: None },
                ));
            }
        } else if let Some(for_each) = decl.attribute("for_each") {
            let value = ctx.eval(&for_each.value).map_err(fail)?;
            let location = ctx.loc(for_each.value.span());
            let error = |detail: String| -> Diagnostics {
                Diagnostic::error("Invalid for_each argument", detail)
                    .at(location.clone())
                    .for_address(id)
                    .into()
            };
            let (value, sensitive) = value.unmark();
            if sensitive {
                return Err(error("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.".into()));
            }
            match value {
                Value::Unknown => {
                    return Err(error("The for_each value depends on resource attributes that cannot be determined until apply, so infra cannot predict how many instances will be created. To work around this, use -target to first apply only the resources that the for_each depends on.".into()))
                }
                Value::Map(entries) => {
                    for (key, v) in entries {
                        instances.push((Some(InstanceKey::Key(key.clone())), Instance { count_index: None, each: Some((key, v)), unexpanded: None }));
                    }
                }
                Value::List(items) => {
                    if !env.is_set_expr(decl.module, &for_each.value, 0) {
                        return Err(error("The given \"for_each\" argument value is unsuitable: for_each supports maps and sets of strings, but you have provided a list (tuple). Convert it with toset(...), or build a map with a for expression.".into()));
                    }
                    for item in items {
                        let (item, marked) = item.unmark();
                        if marked {
                            return Err(error("Sensitive values cannot be used as for_each keys.".into()));
                        }
                        match item {
                            Value::String(key) => instances.push((
                                Some(InstanceKey::Key(key.clone())),
                                Instance { count_index: None, each: Some((key.clone(), Value::String(key))), unexpanded: None },
                            )),
                            Value::Unknown => return Err(error("The for_each set includes values that cannot be determined until apply, so infra cannot predict how many instances will be created.".into())),
                            other => return Err(error(format!("for_each supports maps and sets of strings, but the set contains {}.", other.describe()))),
                        }
                    }
                }
                Value::Null => return Err(error("The given \"for_each\" argument value is null. A map or set of strings is required.".into())),
                other => return Err(error(format!("for_each supports maps and sets of strings, got {}.", other.describe()))),
            }
        } else {
            instances.push((None, Instance::default()));
        }
        let mut out = Vec::with_capacity(instances.len());
        for (key, instance) in instances {
            ctx.instance = instance;
            let address = id.instance(key);
            let for_address = |errors: Diagnostics| errors.for_address(&address);
            let value = eval_body(&mut ctx, &decl.body, true).map_err(for_address)?;
            let timeouts = eval_timeouts(&mut ctx, &decl.body).map_err(for_address)?;
            out.push(InstanceConfig { address, value, timeouts });
        }
        Ok(out)
    }

    /// The `source` and `version` of every loaded module call that writes either as an
    /// expression (Terraform 1.15), evaluated where the call is written; build the evaluator
    /// with [`Evaluator::for_init`]. The configuration is then loaded again with them
    /// ([`crate::load_with`]), and a call inside a module loaded that way is found on that next
    /// pass. A value not known from constant variables and locals is Terraform's error.
    pub fn module_sources(&self) -> Result<crate::ModuleSources, Diagnostics> {
        let env = Env::new(self, &NoResourceValues);
        let mut diagnostics = Diagnostics::new();
        let mut sources = crate::ModuleSources::new();
        for (index, module) in self.config.modules.iter().enumerate() {
            for call in &module.calls {
                let Some(source) = call.source.as_ref().filter(|_| !call.source_is_literal())
                else {
                    continue;
                };
                let key = crate::config::manifest_path(&module.path, &call.name).join(".");
                let evaluated = env.early_string(index, source, "source").and_then(|source| {
                    let version = match &call.version {
                        None => None,
                        Some(version) => env.early_string(index, version, "version")?,
                    };
                    let source = source.ok_or_else(|| {
                        Box::new(
                            Diagnostic::error(
                                "Invalid module source",
                                "The module source is null.",
                            )
                            .at(Some(call.location.clone())),
                        )
                    })?;
                    Ok(crate::ModuleSource { source, version })
                });
                match evaluated {
                    Err(error) => diagnostics.push(*error),
                    Ok(resolved) => match sources.get(&key) {
                        Some(earlier) if *earlier != resolved => diagnostics.push(
                            Diagnostic::error(
                                "Invalid module source",
                                format!("The module \"{key}\" has a different source or version in different instances of the module that calls it: {} and {}. A module is installed once for all instances.", earlier.source, resolved.source),
                            )
                            .at(Some(call.location.clone())),
                        ),
                        _ => {
                            sources.insert(key, resolved);
                        }
                    },
                }
            }
        }
        diagnostics.into_result(sources)
    }

    /// The instances of every module call with `count` or `for_each`, evaluated where the
    /// call is written (variables, locals and data known at plan time). The configuration is
    /// then loaded again with them (`load_with`); a call nested in an
    /// expanded module is found on that next pass. An unknown count or for_each is
    /// Terraform's error.
    pub fn module_instances(&self) -> Result<crate::ModuleInstances, Diagnostics> {
        let env = Env::new(self, &NoResourceValues);
        let mut diagnostics = Diagnostics::new();
        let mut instances = crate::ModuleInstances::new();
        for (index, module) in self.config.modules.iter().enumerate() {
            for call in &module.calls {
                let Some((expr, for_each)) = &call.expansion else {
                    continue;
                };
                let mut ctx = env.ctx(expr.file, index);
                let location = ctx.loc(expr.expr.span());
                let (argument, what) =
                    if *for_each { ("for_each", "for_each") } else { ("count", "count") };
                let value = match ctx.eval(&expr.expr) {
                    Ok(value) => value,
                    Err(error) => {
                        diagnostics.push(*error);
                        continue;
                    }
                };
                let (value, sensitive) = value.unmark();
                let fail = |detail: String| {
                    Diagnostic::error(format!("Invalid {argument} argument"), detail)
                        .at(location.clone())
                };
                if sensitive && *for_each {
                    diagnostics.push(fail("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments.".into()));
                    continue;
                }
                let keys: Vec<(InstanceKey, Value)> = match (value, *for_each) {
                    (Value::Unknown, _) => {
                        diagnostics.push(fail(format!("The \"{what}\" value depends on resource attributes that cannot be determined until apply, so infra cannot predict how many instances will be created. To work around this, use -target to first apply only the resources that the {what} depends on.")));
                        continue;
                    }
                    (value, false) => match value.as_i64() {
                        Some(n)
                            if (0..=MAX_COUNT).contains(&n) && !matches!(value, Value::Bool(_)) =>
                        {
                            (0..n).map(|i| (InstanceKey::Index(i), Value::Null)).collect()
                        }
                        _ => {
                            diagnostics.push(fail(format!("The given \"count\" argument value is unsuitable: a whole number from 0 to {MAX_COUNT} is required, got {}.", value.describe())));
                            continue;
                        }
                    },
                    (Value::Map(entries), true) => {
                        entries.into_iter().map(|(k, v)| (InstanceKey::Key(k), v)).collect()
                    }
                    (Value::List(_), true) if !env.is_set_expr(index, &expr.expr, 0) => {
                        diagnostics.push(fail("The given \"for_each\" argument value is unsuitable: for_each supports maps and sets of strings, but you have provided a list (tuple). Convert it with toset(...), or build a map with a for expression.".into()));
                        continue;
                    }
                    (Value::List(items), true) => {
                        let mut keys = Vec::new();
                        for item in items {
                            match item.unmark().0 {
                                Value::String(key) => {
                                    keys.push((InstanceKey::Key(key.clone()), Value::String(key)))
                                }
                                other => {
                                    diagnostics.push(fail(format!("for_each supports maps and sets of strings, but the set contains {}.", other.describe())));
                                    break;
                                }
                            }
                        }
                        keys
                    }
                    (other, true) => {
                        diagnostics.push(fail(format!(
                            "for_each supports maps and sets of strings, got {}.",
                            other.describe()
                        )));
                        continue;
                    }
                };
                let mut path = module.path.clone();
                path.push(call.name.clone());
                instances.insert(path, keys);
            }
        }
        diagnostics.into_result(instances)
    }

    /// The `precondition` (`kind` "precondition") or `postcondition` blocks of a resource
    /// instance's `lifecycle` that fail, as Terraform's errors at their conditions. A
    /// condition that is still unknown is left for later (apply). `self_value` is the
    /// object for postconditions.
    pub fn condition_failures(
        &self,
        address: &Address,
        values: &dyn ResourceValues,
        kind: &str,
        self_value: Option<&Value>,
    ) -> Diagnostics {
        let Some(decl) = self.config.resource(&address.resource) else {
            return Diagnostics::new();
        };
        let conditions = lifecycle_conditions(decl, kind);
        if conditions.is_empty() {
            return Diagnostics::new();
        }
        let env = Env::new(self, values);
        let mut ctx = env.ctx(decl.file, decl.module);
        ctx.instance = self.instance_binding(&env, decl, &address.key);
        if let Some(value) = self_value {
            ctx.bindings.push(("self".into(), value.clone()));
        }
        let summary = if kind == "precondition" {
            "Resource precondition failed"
        } else {
            "Resource postcondition failed"
        };
        condition_failures(&mut ctx, &conditions, summary, Severity::Error).for_address(address)
    }

    /// The `assert`s of every `check` block that fail, as warnings (Terraform's "Check block
    /// assertion failed"); unknown ones are left for after apply.
    pub fn check_failures(&self, values: &dyn ResourceValues) -> Diagnostics {
        let env = Env::new(self, values);
        let mut out = Diagnostics::new();
        for check in &self.config.checks {
            let Some(first) = check.asserts.first() else {
                continue;
            };
            let mut ctx = env.ctx(first.condition.file, check.module);
            let failures = condition_failures(
                &mut ctx,
                &check.asserts,
                "Check block assertion failed",
                Severity::Warning,
            );
            for failure in failures.0 {
                let detail = format!("check \"{}\": {}", check.name, failure.detail);
                out.push(Diagnostic { detail, ..failure });
            }
        }
        out
    }

    /// Terraform's check results against the applied `values`: every resource and data
    /// source with conditions (one object per instance in `objects`, the state's), output with
    /// preconditions, `check` block and variable with validations, each with its status and
    /// the messages of the conditions that failed.
    pub fn check_results(
        &self,
        values: &dyn ResourceValues,
        objects: &[(&Address, &Value)],
    ) -> Vec<CheckResult> {
        let env = Env::new(self, values);
        let modules = &self.config.modules;
        let mut results: BTreeMap<(CheckableKind, String), Vec<CheckedObject>> = BTreeMap::new();
        let mut instances: BTreeMap<&ResourceId, Vec<(&Address, &Value)>> = BTreeMap::new();
        for (address, value) in objects {
            instances.entry(&address.resource).or_default().push((address, value));
        }
        for decl in &self.config.resources {
            let preconditions = lifecycle_conditions(decl, "precondition");
            let postconditions = lifecycle_conditions(decl, "postcondition");
            if preconditions.is_empty() && postconditions.is_empty() {
                continue;
            }
            let id = &decl.config.id;
            let config_address = format!(
                "{}{}",
                module_prefix(&id.module, false),
                ResourceId { module: Vec::new(), ..id.clone() }
            );
            let checked = results.entry((CheckableKind::Resource, config_address)).or_default();
            for (address, value) in instances.get(id).into_iter().flatten() {
                let mut ctx = env.ctx(decl.file, decl.module);
                ctx.instance = self.instance_binding(&env, decl, &address.key);
                let mut outcomes = condition_outcomes(&mut ctx, &preconditions, "");
                ctx.bindings.push(("self".into(), (*value).clone()));
                outcomes.extend(condition_outcomes(&mut ctx, &postconditions, ""));
                checked.push(checked_object(address.to_string(), outcomes));
            }
        }
        for (index, module) in modules.iter().enumerate() {
            let mut checkable =
                |kind: CheckableKind, name: String, conditions: &[ConditionDecl]| {
                    let Some(first) = conditions.first() else {
                        return;
                    };
                    let mut ctx = env.ctx(first.condition.file, index);
                    let outcomes = condition_outcomes(&mut ctx, conditions, "");
                    let config_address = format!("{}{name}", module_prefix(&module.path, false));
                    let address = format!("{}{name}", module_prefix(&module.path, true));
                    results
                        .entry((kind, config_address))
                        .or_default()
                        .push(checked_object(address, outcomes));
                };
            for output in &module.outputs {
                let name = format!("output.{}", output.name);
                checkable(CheckableKind::Output, name, &output.preconditions);
            }
            for variable in &module.variables {
                let validations: Vec<ConditionDecl> = variable
                    .validations
                    .iter()
                    .map(|(condition, message)| ConditionDecl {
                        condition: condition.clone(),
                        error_message: message.clone(),
                    })
                    .collect();
                let name = format!("var.{}", variable.name);
                checkable(CheckableKind::Variable, name, &validations);
            }
            for check in self.config.checks.iter().filter(|c| c.module == index) {
                let name = format!("check.{}", check.name);
                checkable(CheckableKind::Check, name, &check.asserts);
            }
        }
        results
            .into_iter()
            .map(|((kind, config_address), mut objects)| {
                objects.sort_by(|a, b| a.address.cmp(&b.address));
                CheckResult {
                    kind,
                    config_address,
                    status: CheckStatus::summarize(objects.iter().map(|o| o.status)),
                    objects,
                }
            })
            .collect()
    }

    /// What `lifecycle { replace_triggered_by = [...] }` of an instance names: each entry's
    /// resource, instance key (`count.index`/`each.key` evaluated for this instance) and
    /// first attribute, if any.
    pub fn replace_triggers(&self, address: &Address) -> Result<Vec<ReplaceTrigger>, Diagnostics> {
        let Some(decl) = self.config.resource(&address.resource) else {
            return Ok(vec![]);
        };
        let Some(attribute) = decl
            .body
            .get_blocks("lifecycle")
            .find_map(|lifecycle| lifecycle.body.get_attribute("replace_triggered_by"))
        else {
            return Ok(vec![]);
        };
        let env = Env::new(self, &NoResourceValues);
        let mut ctx = env.ctx(decl.file, decl.module);
        ctx.instance = self.instance_binding(&env, decl, &address.key);
        let invalid = |ctx: &Ctx, span| -> Diagnostics {
            ctx.fail("Invalid replace_triggered_by expression", "Each entry must be a reference to a managed resource in this module, an instance of it, or one of its attributes, such as aws_ecs_task_definition.app or aws_ssm_parameter.image.value.", span).as_ref().clone().into()
        };
        let Expression::Array(items) = &attribute.value else {
            return Err(invalid(&ctx, attribute.value.span()));
        };
        let mut triggers = Vec::new();
        for item in items.iter() {
            let Expression::Traversal(traversal) = item else {
                return Err(invalid(&ctx, item.span()));
            };
            let Expression::Variable(root) = &traversal.expr else {
                return Err(invalid(&ctx, item.span()));
            };
            let mut operators = traversal.operators.iter().map(|o| o.value());
            let Some(TraversalOperator::GetAttr(name)) = operators.next() else {
                return Err(invalid(&ctx, item.span()));
            };
            let resource = ResourceId {
                module: self.config.modules[decl.module].path.clone(),
                mode: Mode::Managed,
                resource_type: root.value().as_str().to_string(),
                name: name.value().as_str().to_string(),
            };
            let mut key = None;
            let mut attribute = None;
            for operator in operators {
                match operator {
                    TraversalOperator::Index(index) if key.is_none() && attribute.is_none() => {
                        key = Some(
                            match ctx.eval(index).map_err(|e| Diagnostics::from(*e))?.unmark().0 {
                                Value::String(k) => InstanceKey::Key(k),
                                Value::Number(n) if n.fract() == 0.0 => {
                                    InstanceKey::Index(n as i64)
                                }
                                _ => return Err(invalid(&ctx, item.span())),
                            },
                        );
                    }
                    TraversalOperator::LegacyIndex(i) if key.is_none() && attribute.is_none() => {
                        key = Some(InstanceKey::Index(i.value().to_owned() as i64));
                    }
                    TraversalOperator::GetAttr(name) if attribute.is_none() => {
                        attribute = Some(name.value().as_str().to_string());
                    }
                    _ => {}
                }
            }
            if self.config.resource(&resource).is_none() {
                return Err(invalid(&ctx, item.span()));
            }
            triggers.push(ReplaceTrigger { resource, key, attribute });
        }
        Ok(triggers)
    }

    /// `count.index` or `each` for an instance of `decl`, from its key.
    fn instance_binding(
        &self,
        env: &Env,
        decl: &crate::config::ResourceDecl,
        key: &Option<InstanceKey>,
    ) -> Instance {
        match key {
            Some(InstanceKey::Index(i)) if decl.config.has_count => {
                Instance { count_index: Some(*i), each: None, unexpanded: None }
            }
            Some(InstanceKey::Key(k)) => {
                let value = decl
                    .attribute("for_each")
                    .and_then(|for_each| env.ctx(decl.file, decl.module).eval(&for_each.value).ok())
                    .map(|collection| match collection.unmark().0 {
                        Value::Map(entries) => entries.get(k).cloned().unwrap_or(Value::Unknown),
                        _ => Value::String(k.clone()),
                    })
                    .unwrap_or(Value::Unknown);
                Instance { count_index: None, each: Some((k.clone(), value)), unexpanded: None }
            }
            _ => Instance::default(),
        }
    }

    /// The `import` blocks, evaluated: `for_each` expanded, each `id` and `to` key computed.
    /// Both must be known at plan time, as in Terraform. A child module's block is evaluated
    /// in each instance of the module, its `to` under the instance's path; a block in a
    /// shallower module that targets the same resource of the configuration takes its place
    /// (Terraform 1.16's `FindImportStatements`).
    pub fn imports(&self) -> Result<Vec<ImportTarget>, Diagnostics> {
        let env = Env::new(self, &NoResourceValues);
        let mut diagnostics = Diagnostics::new();
        let mut targets = Vec::new();
        let depth = |decl: &&ImportDecl| self.config.modules[decl.module].path.len();
        let mut decls: Vec<&ImportDecl> = self.config.imports.iter().collect();
        decls.sort_by_key(depth);
        // Each resource of the configuration (module path without instance keys) an import
        // targets, with the depth of the first module whose block targets it.
        let mut claimed: BTreeMap<String, usize> = BTreeMap::new();
        for decl in decls {
            let module = &self.config.modules[decl.module];
            let mut ctx = env.ctx(decl.to.file, decl.module);
            let instances = match &decl.for_each {
                None => vec![Instance::default()],
                Some(for_each) => {
                    let span = for_each.expr.span();
                    // A set's elements are their own keys; a map's keys are its keys.
                    let mut is_set = false;
                    let items = ctx.eval(&for_each.expr).and_then(|value| {
                        let value = value.unmark().0;
                        is_set = matches!(value, Value::List(_));
                        ctx.iteration_items(value, span.clone())
                    });
                    match items {
                        Ok(Some(items)) => items
                            .into_iter()
                            .map(|(key, value)| {
                                let key = if is_set { value.clone() } else { key };
                                Instance {
                                    count_index: None,
                                    each: Some((
                                        key.as_str().unwrap_or_default().to_string(),
                                        value,
                                    )),
                                    unexpanded: None,
                                }
                            })
                            .collect(),
                        Ok(None) => {
                            diagnostics.push(Diagnostic::error("Invalid for_each argument", "The \"for_each\" value depends on resource attributes that cannot be determined until apply, so infra cannot predict how many instances will be created.").at(ctx.loc(span)));
                            continue;
                        }
                        Err(error) => {
                            diagnostics.push(*error);
                            continue;
                        }
                    }
                }
            };
            for instance in instances {
                ctx.instance = instance;
                let id = match ctx.eval(&decl.id.expr) {
                    Ok(value) => match value.unmark().0 {
                        Value::String(id) => id,
                        Value::Unknown => {
                            diagnostics.push(Diagnostic::error("Invalid import id argument", "The import ID cannot be unknown: it must be known at plan time.").at(ctx.loc(decl.id.expr.span())));
                            continue;
                        }
                        other => {
                            diagnostics.push(
                                Diagnostic::error(
                                    "Invalid import id argument",
                                    format!(
                                        "The import ID must be a string, got {}.",
                                        other.describe()
                                    ),
                                )
                                .at(ctx.loc(decl.id.expr.span())),
                            );
                            continue;
                        }
                    },
                    Err(error) => {
                        diagnostics.push(*error);
                        continue;
                    }
                };
                match import_address(&mut ctx, &decl.to.expr) {
                    Ok(mut to) => {
                        let mut path = module.path.clone();
                        path.append(&mut to.resource.module);
                        to.resource.module = path;
                        let resource = configuration_resource(&to.resource);
                        let first = *claimed.entry(resource).or_insert(module.path.len());
                        if first < module.path.len() {
                            continue;
                        }
                        targets.push(ImportTarget { to, id, location: decl.location.clone() });
                    }
                    Err(error) => diagnostics.push(*error),
                }
            }
        }
        diagnostics.into_result(targets)
    }

    /// Root module outputs.
    pub fn outputs(
        &self,
        values: &dyn ResourceValues,
    ) -> Result<BTreeMap<String, OutputValue>, Diagnostics> {
        let env = Env::new(self, values);
        let mut out = BTreeMap::new();
        let mut diagnostics = Diagnostics::new();
        let Some(root) = self.config.modules.first() else {
            return Ok(out);
        };
        for output in &root.outputs {
            let Some(expr) = &output.value else { continue };
            let mut ctx = env.ctx(expr.file, 0);
            let failures = condition_failures(
                &mut ctx,
                &output.preconditions,
                "Output precondition failed",
                Severity::Error,
            );
            if !failures.is_empty() {
                diagnostics.extend(failures);
                continue;
            }
            match output_value(&mut ctx, output, expr) {
                Ok(value) => {
                    if value.contains_sensitive() && !output.sensitive {
                        diagnostics.push(
                            Diagnostic::error(
                                "Output refers to sensitive values",
                                format!("To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, infra requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent. If you do intend to export this data, annotate output \"{}\" with: sensitive = true", output.name),
                            )
                            .at(Some(output.location.clone())),
                        );
                        continue;
                    }
                    out.insert(
                        output.name.clone(),
                        OutputValue {
                            value: mark_if(value, output.sensitive),
                            sensitive: output.sensitive,
                            description: output.description.clone(),
                        },
                    );
                }
                Err(error) => diagnostics.push(*error),
            }
        }
        diagnostics.into_result(out)
    }

    /// Every `provider` block of the root module, its arguments evaluated: what each provider
    /// reads its configuration from (the language reads only `alias`). A value not known yet
    /// (in `validate`, or an ephemeral resource not opened) is unknown. Two blocks of one
    /// address are an error.
    pub fn provider_blocks(&self) -> Result<Vec<ProviderBlock>, Diagnostics> {
        self.provider_blocks_with(&NoResourceValues)
    }

    /// As [`Evaluator::provider_blocks`], with the ephemeral resources in `values` opened:
    /// provider configuration is one of the places an ephemeral value may go (Terraform 1.10),
    /// and Terraform opens an ephemeral resource a provider block reads before it configures
    /// the provider (see [`Evaluator::provider_ephemeral_reads`]).
    pub fn provider_blocks_with(
        &self,
        values: &dyn ResourceValues,
    ) -> Result<Vec<ProviderBlock>, Diagnostics> {
        self.evaluated_provider_blocks(values)
            .map(|blocks| blocks.into_iter().map(|(block, _)| block).collect())
    }

    /// The ephemeral resources (`ephemeral` blocks of the root module) each provider
    /// configuration's block reads, by the configuration's address (`aws`, `aws.west`);
    /// configurations that read none are left out. A provider block is in the root module
    /// (one in a child module is only warned about), so these are root resources.
    pub fn provider_ephemeral_reads(
        &self,
    ) -> Result<BTreeMap<String, BTreeSet<ResourceId>>, Diagnostics> {
        Ok(self
            .evaluated_provider_blocks(&NoResourceValues)?
            .into_iter()
            .filter(|(_, reads)| !reads.is_empty())
            .map(|(block, reads)| (block.address(), reads))
            .collect())
    }

    /// The root module's provider blocks evaluated with `values`, each with the ephemeral
    /// resources it reads.
    fn evaluated_provider_blocks(
        &self,
        values: &dyn ResourceValues,
    ) -> Result<Vec<(ProviderBlock, BTreeSet<ResourceId>)>, Diagnostics> {
        let mut out: Vec<(ProviderBlock, BTreeSet<ResourceId>)> = Vec::new();
        let mut diagnostics = Diagnostics::new();
        let blocks =
            self.config.modules.first().map(|m| m.providers.as_slice()).unwrap_or_default();
        let env = Env::new(self, values);
        for (file, block) in blocks {
            let mut ctx = env.ctx(*file, 0);
            let name =
                block.labels.first().map(|label| label.as_str().to_string()).unwrap_or_default();
            let mut body = evaluate_body(&mut ctx, &block.body, &mut diagnostics);
            let mut alias = None;
            if let Some(at) = body.arguments.iter().position(|a| a.name == "alias") {
                let argument = body.arguments.remove(at);
                match argument.value.unmark_deep() {
                    Value::String(text) => alias = Some(text),
                    other => diagnostics.push(
                        Diagnostic::error(
                            "Invalid provider argument",
                            format!("alias must be a known string, got {}.", other.describe()),
                        )
                        .at(argument.value_location),
                    ),
                }
            }
            let provider = ProviderBlock { name, alias, location: ctx.loc(block.span()), body };
            let address = provider.address();
            if out.iter().any(|(p, _)| p.address() == address) {
                diagnostics.push(Diagnostic::error("Duplicate provider configuration", format!("A provider configuration for {address} was already given. Each configuration needs a unique alias.")).at(provider.location.clone()));
                continue;
            }
            out.push((provider, ephemeral_reads(&block.body)));
        }
        diagnostics.into_result(out)
    }

    /// The configuration this evaluates.
    pub fn config(&self) -> &Config {
        self.config
    }
}

/// The root module's ephemeral resources a block's arguments read, nested blocks included.
fn ephemeral_reads(body: &Body) -> BTreeSet<ResourceId> {
    let mut out = BTreeSet::new();
    for attribute in body.attributes() {
        for reference in crate::references::in_expr(&attribute.value) {
            if let RefKind::Resource(Mode::Ephemeral, resource_type, name) = reference.kind {
                out.insert(ResourceId {
                    module: Vec::new(),
                    mode: Mode::Ephemeral,
                    resource_type,
                    name,
                });
            }
        }
    }
    for inner in body.blocks() {
        out.extend(ephemeral_reads(&inner.body));
    }
    out
}

/// A block's arguments evaluated (an error is reported, and the argument left out) and its
/// nested blocks, recursively.
fn evaluate_body(ctx: &mut Ctx, body: &Body, diagnostics: &mut Diagnostics) -> BlockBody {
    let mut out = BlockBody::default();
    for attribute in body.attributes() {
        match ctx.eval(&attribute.value) {
            Ok(value) => out.arguments.push(Argument {
                name: attribute.key.value().as_str().to_string(),
                value,
                location: ctx.loc(attribute.span()),
                value_location: ctx.loc(attribute.value.span()),
            }),
            Err(error) => diagnostics.push(*error),
        }
    }
    for inner in body.blocks() {
        out.blocks.push(NestedBlock {
            name: inner.ident.value().as_str().to_string(),
            location: ctx.loc(inner.span()),
            body: evaluate_body(ctx, &inner.body, diagnostics),
        });
    }
    out
}

/// Applies a variable's type, default, nullability and sensitivity to a raw value.
fn finalize_variable(decl: &VariableDecl, raw: Option<Value>) -> EvalResult {
    let value = match raw {
        Some(v) if !v.is_null() => match &decl.ty {
            Some(ty) => ty.convert(v).map_err(|message| {
                Box::new(
                    Diagnostic::error(
                        "Invalid value for input variable",
                        format!("The given value is not suitable for var.{}: {message}.", decl.name),
                    )
                    .at(Some(decl.location.clone())),
                )
            })?,
            None => v,
        },
        Some(_) if decl.default.is_none() && decl.nullable => Value::Null,
        _ => match &decl.default {
            Some(default) => default.clone(),
            None => {
                return Err(Box::new(
                    Diagnostic::error(
                        "No value for required variable",
                        format!("The input variable \"{}\" is not set, and has no default value. Use a -var or -var-file command line argument or an environment variable to provide a value for this variable.", decl.name),
                    )
                    .at(Some(decl.location.clone())),
                ))
            }
        },
    };
    if value.is_null() && !decl.nullable {
        return Err(Box::new(
            Diagnostic::error(
                "Invalid value for input variable",
                format!("The given value for var.{} is null, but the variable is declared with nullable = false.", decl.name),
            )
            .at(Some(decl.location.clone())),
        ));
    }
    Ok(mark_if(value, decl.sensitive))
}

/// The failing conditions among `conditions`, as `severity` diagnostics with the evaluated
/// error message, located at each condition. Unknown conditions are not failures yet.
fn condition_failures(
    ctx: &mut Ctx,
    conditions: &[ConditionDecl],
    summary: &str,
    severity: Severity,
) -> Diagnostics {
    let mut out = Diagnostics::new();
    for outcome in condition_outcomes(ctx, conditions, summary) {
        match outcome {
            ConditionOutcome::Holds | ConditionOutcome::Unknown => {}
            ConditionOutcome::Fails(mut diagnostic) => {
                diagnostic.severity = severity;
                out.push(diagnostic);
            }
            ConditionOutcome::Invalid(diagnostic) => out.push(diagnostic),
        }
    }
    out
}

/// What one condition came to.
enum ConditionOutcome {
    Holds,
    /// It depends on values not known yet.
    Unknown,
    /// False: an error at the condition whose detail is its error message.
    Fails(Diagnostic),
    /// It could not be evaluated, or is not a bool.
    Invalid(Diagnostic),
}

/// Evaluates each condition; a failure's diagnostic has `summary`.
fn condition_outcomes(
    ctx: &mut Ctx,
    conditions: &[ConditionDecl],
    summary: &str,
) -> Vec<ConditionOutcome> {
    let mut out = Vec::with_capacity(conditions.len());
    for condition in conditions {
        ctx.file = condition.condition.file;
        let location = ctx.loc(condition.condition.expr.span());
        let result = match ctx.eval(&condition.condition.expr) {
            Ok(value) => value.unmark().0,
            Err(error) => {
                out.push(ConditionOutcome::Invalid(*error));
                continue;
            }
        };
        let holds = match result {
            Value::Bool(holds) => holds,
            Value::Unknown => {
                out.push(ConditionOutcome::Unknown);
                continue;
            }
            other => {
                out.push(ConditionOutcome::Invalid(
                    Diagnostic::error(
                        "Invalid condition result",
                        format!("The condition must be true or false, got {}.", other.describe()),
                    )
                    .at(location),
                ));
                continue;
            }
        };
        if holds {
            out.push(ConditionOutcome::Holds);
            continue;
        }
        let message = match ctx.eval(&condition.error_message.expr) {
            Ok(value) if value.is_sensitive() => "(the error message is sensitive)".to_string(),
            Ok(Value::String(text)) => text,
            Ok(other) => other.to_string(),
            Err(error) => error.detail,
        };
        out.push(ConditionOutcome::Fails(Diagnostic::error(summary, message).at(location)));
    }
    out
}

/// One checkable object's result from its conditions' outcomes.
fn checked_object(address: String, outcomes: Vec<ConditionOutcome>) -> CheckedObject {
    let mut failure_messages = Vec::new();
    let status = CheckStatus::summarize(outcomes.into_iter().map(|outcome| match outcome {
        ConditionOutcome::Holds => CheckStatus::Pass,
        ConditionOutcome::Unknown => CheckStatus::Unknown,
        ConditionOutcome::Fails(diagnostic) => {
            failure_messages.push(diagnostic.detail);
            CheckStatus::Fail
        }
        ConditionOutcome::Invalid(_) => CheckStatus::Error,
    }));
    failure_messages.sort();
    CheckedObject { address, status, failure_messages }
}

/// The `precondition` or `postcondition` blocks (`kind`) of a resource's `lifecycle`.
fn lifecycle_conditions(decl: &crate::config::ResourceDecl, kind: &str) -> Vec<ConditionDecl> {
    decl.body
        .get_blocks("lifecycle")
        .flat_map(|lifecycle| lifecycle.body.get_blocks(kind))
        .filter_map(|block| {
            Some(ConditionDecl {
                condition: Expr {
                    file: decl.file,
                    expr: block.body.get_attribute("condition")?.value.clone(),
                },
                error_message: Expr {
                    file: decl.file,
                    expr: block.body.get_attribute("error_message")?.value.clone(),
                },
            })
        })
        .collect()
}

/// `module.app[0].module.db.` for the module path `["app[0]", "db"]`, without the instance keys
/// unless `keys`; empty for the root.
fn module_prefix(path: &[String], keys: bool) -> String {
    path.iter()
        .map(|step| {
            let step = if keys { step.as_str() } else { step.split('[').next().unwrap_or(step) };
            format!("module.{step}.")
        })
        .collect()
}

/// The `to` of an import block: a resource address whose instance key may be an expression
/// (`aws_s3_bucket.this[each.key]`).
fn import_address(ctx: &mut Ctx, expr: &Expression) -> Result<Address, Fail> {
    let invalid = |ctx: &Ctx| {
        ctx.fail(
            "Invalid import address",
            "The \"to\" argument must be the address of a managed resource instance, such as aws_db_instance.main or aws_subnet.private[each.key].",
            expr.span(),
        )
    };
    let (base, key) = match expr {
        Expression::Traversal(traversal) => {
            let mut text =
                crate::syntax::traversal_path(&traversal.expr).ok_or_else(|| invalid(ctx))?;
            let mut key = None;
            let count = traversal.operators.len();
            for (position, operator) in traversal.operators.iter().enumerate() {
                match operator.value() {
                    TraversalOperator::GetAttr(name) if key.is_none() => {
                        text.push('.');
                        text.push_str(name.value().as_str());
                    }
                    TraversalOperator::Index(index) if position + 1 == count => {
                        key = Some(match ctx.eval(index)?.unmark().0 {
                            Value::String(text) => InstanceKey::Key(text),
                            Value::Number(n) if n.fract() == 0.0 && n >= 0.0 => {
                                InstanceKey::Index(n as i64)
                            }
                            _ => return Err(invalid(ctx)),
                        });
                    }
                    TraversalOperator::LegacyIndex(i) if position + 1 == count => {
                        key = Some(InstanceKey::Index(i.value().to_owned() as i64));
                    }
                    _ => return Err(invalid(ctx)),
                }
            }
            (text, key)
        }
        other => (crate::syntax::traversal_path(other).ok_or_else(|| invalid(ctx))?, None),
    };
    let address: Address = base.parse().map_err(|_| invalid(ctx))?;
    if address.key.is_some() || address.resource.mode != Mode::Managed {
        return Err(invalid(ctx));
    }
    Ok(Address { resource: address.resource, key })
}

/// A resource's address in the configuration: its module path without instance keys
/// (`module.app.aws_vpc.main` for `module.app["a"].aws_vpc.main`).
fn configuration_resource(id: &ResourceId) -> String {
    let module = module_prefix(&id.module, false);
    format!("{module}{}.{}", id.resource_type, id.name)
}

/// `count.index` and `each.key` of the instance at `key`, without expanding the resource: what
/// its `count` or `for_each` depends on may be gone by the time it is destroyed. `each.value`
/// is not known.
fn key_binding(key: &Option<InstanceKey>) -> Instance {
    match key {
        Some(InstanceKey::Index(index)) => {
            Instance { count_index: Some(*index), each: None, unexpanded: None }
        }
        Some(InstanceKey::Key(key)) => Instance {
            count_index: None,
            each: Some((key.clone(), Value::Unknown)),
            unexpanded: None,
        },
        None => Instance::default(),
    }
}

/// The durations of a resource body's `timeouts` block, by operation, evaluated as any
/// argument is (modules write `lookup(var.timeouts, "create", null)`); a null one is left
/// out. None when the body has no such block, or a `dynamic "timeouts"` one generates none
/// (the object then stores `timeouts` as null). The names were checked when the
/// configuration was loaded.
fn eval_timeouts(
    ctx: &mut Ctx,
    body: &Body,
) -> Result<Option<BTreeMap<String, crate::Timeout>>, Diagnostics> {
    let mut timeouts = None;
    let mut errors = Diagnostics::new();
    for block in crate::syntax::timeouts_blocks(body) {
        let TimeoutsBlock::Dynamic(dynamic) = block else {
            let arguments = &block.block().body;
            eval_timeout_arguments(ctx, arguments, timeouts.get_or_insert_default(), &mut errors);
            continue;
        };
        let dynamic = match Dynamic::expand(ctx, dynamic) {
            Ok(dynamic) => dynamic,
            Err(error) => {
                errors.push(*error);
                continue;
            }
        };
        let Some(items) = dynamic.items else {
            errors.push(
                Diagnostic::error(
                    "Invalid timeout value",
                    "The for_each of the dynamic \"timeouts\" block depends on a value known only after apply; timeouts must be known when planning.",
                )
                .at(ctx.loc(block.block().span())),
            );
            continue;
        };
        for (key, value) in items {
            let item = Value::map([("key", key), ("value", value)]);
            ctx.bindings.push((dynamic.iterator.clone(), item));
            let into = timeouts.get_or_insert_default();
            eval_timeout_arguments(ctx, dynamic.content, into, &mut errors);
            ctx.bindings.pop();
        }
    }
    if errors.is_empty() {
        Ok(timeouts)
    } else {
        Err(errors)
    }
}

/// One `timeouts` block's arguments, evaluated into `timeouts`.
fn eval_timeout_arguments(
    ctx: &mut Ctx,
    arguments: &Body,
    timeouts: &mut BTreeMap<String, crate::Timeout>,
    errors: &mut Diagnostics,
) {
    for attribute in arguments.attributes() {
        let key = attribute.key.value().as_str();
        let location = ctx.loc(attribute.value.span());
        let invalid = |detail: String| {
            Diagnostic::error("Invalid timeout value", detail).at(location.clone())
        };
        match ctx.eval(&attribute.value).map(|value| value.unmark().0) {
            Ok(Value::Null) => {}
            Ok(Value::String(text)) => match crate::config::timeout_duration(key, &text) {
                Ok(duration) => {
                    let timeout = crate::Timeout { text, duration };
                    timeouts.insert(key.to_string(), timeout);
                }
                Err((summary, detail)) => {
                    errors.push(Diagnostic::error(summary, detail).at(location.clone()))
                }
            },
            Ok(Value::Unknown) => errors.push(invalid(format!(
                "The {key} timeout depends on a value known only after apply; timeouts must be known when planning."
            ))),
            Ok(other) => errors.push(invalid(format!(
                "The {key} timeout must be a string such as \"30m\", got {}.",
                other.describe()
            ))),
            Err(error) => errors.push(*error),
        }
    }
}

/// Evaluates a resource body (or nested block) into an object: attributes by name, nested
/// blocks as lists of objects, `dynamic` blocks expanded, meta-arguments left out.
fn eval_body(ctx: &mut Ctx, body: &Body, top: bool) -> Result<Value, Diagnostics> {
    use hcl_edit::structure::Structure;
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    let mut errors = Diagnostics::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                let name = attribute.key.value().as_str();
                if top && is_meta(name) {
                    continue;
                }
                match ctx.eval(&attribute.value) {
                    Ok(v) if v.is_null() => {}
                    Ok(v) => {
                        out.insert(name.to_string(), v);
                    }
                    Err(error) => errors.push(*error),
                }
            }
            Structure::Block(block) => {
                let ident = block.ident.value().as_str();
                if top && META_BLOCKS.contains(&ident) {
                    continue;
                }
                if top && TimeoutsBlock::of(block).is_some() {
                    continue; // dynamic "timeouts": see eval_timeouts
                }
                if ident != "dynamic" {
                    match eval_body(ctx, &block.body, false) {
                        Ok(v) => push_block(&mut out, ident, v),
                        Err(e) => errors.extend(e),
                    }
                    continue;
                }
                let dynamic = match Dynamic::expand(ctx, block) {
                    Ok(dynamic) => dynamic,
                    Err(error) => {
                        errors.push(*error);
                        continue;
                    }
                };
                let Dynamic { label, iterator, content, items } = dynamic;
                let Some(items) = items else {
                    out.insert(label, Value::Unknown);
                    continue;
                };
                // One that generates no block is as none written (Terraform expands dynamic
                // blocks before decoding): an Optional+Computed block keeps what the object has.
                for (key, value) in items {
                    ctx.bindings
                        .push((iterator.clone(), Value::map([("key", key), ("value", value)])));
                    let result = eval_body(ctx, content, false);
                    ctx.bindings.pop();
                    match result {
                        Ok(v) => push_block(&mut out, &label, v),
                        Err(e) => errors.extend(e),
                    }
                }
            }
        }
    }
    if errors.has_errors() {
        Err(errors)
    } else {
        Ok(Value::Map(out))
    }
}

/// A `dynamic "LABEL"` block, checked and its `for_each` evaluated: the blocks it generates
/// are its `content` once per item, with the item bound to `iterator` as `{key, value}`.
struct Dynamic<'b> {
    label: String,
    iterator: String,
    content: &'b Body,
    /// The items of `for_each`, by key; None while the collection is not known.
    items: Option<Vec<(Value, Value)>>,
}

impl<'b> Dynamic<'b> {
    fn expand(ctx: &mut Ctx, block: &'b Block) -> Result<Dynamic<'b>, Fail> {
        let Some(label) = block.labels.first().map(|l| l.as_str().to_string()) else {
            return Err(Box::new(
                Diagnostic::error(
                    "Missing dynamic block label",
                    "A dynamic block needs the name of the block it generates.",
                )
                .at(ctx.loc(block.span())),
            ));
        };
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| a.value.as_variable().map(|v| v.as_str().to_string()))
            .unwrap_or_else(|| label.clone());
        let Some(for_each) = block.body.get_attribute("for_each") else {
            return Err(Box::new(
                Diagnostic::error(
                    "Missing required argument",
                    format!("The dynamic \"{label}\" block needs a for_each argument."),
                )
                .at(ctx.loc(block.span())),
            ));
        };
        let Some(content) = block.body.get_blocks("content").next() else {
            return Err(Box::new(
                Diagnostic::error(
                    "Missing content block",
                    format!("The dynamic \"{label}\" block needs a content block."),
                )
                .at(ctx.loc(block.span())),
            ));
        };
        let collection = ctx.eval(&for_each.value)?.unmark().0;
        let items = ctx.iteration_items(collection, for_each.value.span())?;
        Ok(Dynamic { label, iterator, content: &content.body, items })
    }
}

fn push_block(out: &mut BTreeMap<String, Value>, name: &str, value: Value) {
    // An unknown dynamic block of the same name keeps the whole list unknown.
    if let Value::List(items) =
        out.entry(name.to_string()).or_insert_with(|| Value::List(Vec::new()))
    {
        items.push(value);
    }
}

impl<'a> Env<'a> {
    fn new(ev: &'a Evaluator<'a>, values: &'a dyn ResourceValues) -> Env<'a> {
        Env {
            ev,
            values,
            call_cache: RefCell::new(HashMap::new()),
            touched: Cell::new(false),
            in_progress: RefCell::new(Vec::new()),
        }
    }

    /// A module call's `source` or `version` (`what`) in module `module`, as a string (None
    /// when null); a value not known yet is Terraform's "Invalid module source" error.
    fn early_string(
        &'a self,
        module: usize,
        expr: &Expr,
        what: &str,
    ) -> Result<Option<String>, Fail> {
        let mut ctx = self.ctx(expr.file, module);
        let (value, _) = ctx.eval(&expr.expr)?.unmark();
        let fail =
            |detail: String| ctx.fail(&format!("Invalid module {what}"), detail, expr.expr.span());
        match value {
            Value::Null => Ok(None),
            Value::String(text) => Ok(Some(text)),
            Value::Number(number) => Ok(Some(infra_core::value::format_number(number))),
            Value::Bool(flag) => Ok(Some(flag.to_string())),
            value if !value.is_wholly_known() => Err(fail(format!("The module {what} contains a reference that is unknown during init.{CONSTANT_VARIABLE_DETAIL}"))),
            other => Err(fail(format!("A string is required, got {}.", other.describe()))),
        }
    }

    /// `module.NAME` (every output, of every instance of a call with `count`/`for_each`) or
    /// `module.NAME.OUTPUT` for `call`, and how many operators that used.
    fn module_call_value(
        &'a self,
        ctx: &Ctx,
        call: &ModuleCall,
        call_name: &str,
        output: Option<&str>,
        output_span: Option<Range<usize>>,
    ) -> Result<(Value, usize, bool), Fail> {
        if let Some((_, for_each)) = &call.expansion {
            // `module.app` of a call with count/for_each: a list (count) or map
            // (for_each) of each instance's outputs; unknown until they are known.
            if call.instances.is_empty() {
                return Ok((Value::Unknown, 1, false));
            }
            let mut instances = Vec::new();
            for (key, child) in &call.instances {
                instances.push((key.clone(), self.module_outputs(*child)?));
            }
            let value = if *for_each {
                Value::Map(
                    instances
                        .into_iter()
                        .map(|(key, v)| {
                            let key = match key {
                                InstanceKey::Key(k) => k,
                                InstanceKey::Index(i) => i.to_string(),
                            };
                            (key, v)
                        })
                        .collect(),
                )
            } else {
                Value::List(instances.into_iter().map(|(_, v)| v).collect())
            };
            return Ok((value, 1, false));
        }
        let Some(child) = call.module else {
            return Ok((Value::Unknown, 1, false));
        };
        match output {
            Some(output) => {
                if !self.ev.config.modules[child].output_index.contains_key(output) {
                    return Err(ctx.fail(
                        "Unsupported attribute",
                        format!("This object does not have an attribute named \"{output}\": module \"{call_name}\" has no output of that name."),
                        output_span,
                    ));
                }
                Ok((self.named(&Named::Output(child, output.to_string()))?, 2, false))
            }
            None => Ok((self.module_outputs(child)?, 1, false)),
        }
    }

    /// Every output of module `child`, as an object.
    fn module_outputs(&'a self, child: usize) -> EvalResult {
        let mut outputs = BTreeMap::new();
        for output in &self.ev.config.modules[child].outputs {
            let value = self.named(&Named::Output(child, output.name.clone()))?;
            outputs.insert(output.name.clone(), value);
        }
        Ok(Value::Map(outputs))
    }

    /// Resolves a root name (`var`, `local`, `aws_vpc`, ...) and the operators it consumes.
    /// Returns the value, how many operators were used, and whether missing attributes of the
    /// result should read as unknown (resource values).
    pub fn resolve(
        &'a self,
        ctx: &Ctx,
        name: &str,
        operators: &[Decorated<TraversalOperator>],
        span: Option<Range<usize>>,
    ) -> Result<(Value, usize, bool), Fail> {
        let config = self.ev.config;
        let module = &config.modules[ctx.module];
        let attr = |i: usize| {
            operators.get(i).and_then(|o| match o.value() {
                TraversalOperator::GetAttr(n) => Some(n.value().as_str()),
                _ => None,
            })
        };
        let span_to = |count: usize| -> Option<Range<usize>> {
            let end = operators.get(count.saturating_sub(1)).and_then(|o| o.span()).map(|s| s.end);
            match (span.clone(), end) {
                (Some(s), Some(e)) => Some(s.start..e),
                (s, _) => s,
            }
        };
        let invalid = |detail: &str| ctx.fail("Invalid reference", detail, span.clone());
        match name {
            "var" => {
                let Some(var) = attr(0) else { return Err(invalid("The \"var\" object must be followed by an attribute name, as in var.name.")) };
                if !module.variable_index.contains_key(var) {
                    let (summary, detail) = undeclared_variable(var);
                    return Err(ctx.fail(summary, detail, span_to(1)));
                }
                let decl = &module.variables[module.variable_index[var]];
                if self.ev.constant_only && !decl.constant {
                    return Ok((Value::Unknown, 1, false));
                }
                Ok((self.named(&Named::Var(ctx.module, var.to_string()))?, 1, false))
            }
            "local" => {
                let Some(local) = attr(0) else { return Err(invalid("The \"local\" object must be followed by an attribute name, as in local.name.")) };
                if !module.locals.contains_key(local) {
                    let (summary, detail) = undeclared_local(local);
                    return Err(ctx.fail(summary, detail, span_to(1)));
                }
                Ok((self.named(&Named::Local(ctx.module, local.to_string()))?, 1, false))
            }
            "module" => {
                let Some(call_name) = attr(0) else { return Err(invalid("The \"module\" object must be followed by a module name, as in module.name.output.")) };
                let Some(call) = module.call_index.get(call_name).map(|&i| &module.calls[i]) else {
                    let (summary, detail) = undeclared_module(call_name);
                    return Err(ctx.fail(summary, detail, span_to(1)));
                };
                self.module_call_value(ctx, call, call_name, attr(1), span_to(2))
            }
            "data" => match (attr(0), attr(1)) {
                (Some(ty), Some(n)) => {
                    let (value, taken) = self.resource(ctx, Mode::Data, ty, n, &operators[2..], span_to(2))?;
                    Ok((value, 2 + taken, true))
                }
                _ => Err(invalid("A data source reference needs a type and a name, as in data.aws_region.current.")),
            },
            "ephemeral" => match (attr(0), attr(1)) {
                (Some(ty), Some(n)) => {
                    let (value, taken) = self.resource(ctx, Mode::Ephemeral, ty, n, &operators[2..], span_to(2))?;
                    Ok((value, 2 + taken, true))
                }
                _ => Err(invalid("An ephemeral resource reference needs a type and a name, as in ephemeral.random_password.db.")),
            },
            "count" => match (attr(0), ctx.instance.count_index) {
                (Some("index"), Some(i)) => Ok((Value::Number(i as f64), 1, false)),
                (Some("index"), None) if ctx.instance.unexpanded == Some(Repetition::Count) => {
                    Ok((Value::Unknown, 1, false))
                }
                (Some("index"), None) => Err(ctx.fail(
                    "Reference to \"count\" in non-counted context",
                    "The \"count\" object can only be used in \"resource\" and \"data\" blocks, and only when the \"count\" argument is set.",
                    span,
                )),
                _ => Err(invalid("The \"count\" object has only the attribute \"index\".")),
            },
            "each" => match (attr(0), &ctx.instance.each) {
                (Some("key"), Some((key, _))) => Ok((Value::String(key.clone()), 1, false)),
                (Some("value"), Some((_, value))) => Ok((value.clone(), 1, false)),
                (Some("key" | "value"), None)
                    if ctx.instance.unexpanded == Some(Repetition::ForEach) =>
                {
                    Ok((Value::Unknown, 1, false))
                }
                (Some("key" | "value"), None) => Err(ctx.fail(
                    "Reference to \"each\" in context without for_each",
                    "The \"each\" object can be used only in \"resource\" and \"data\" blocks, and only when the \"for_each\" argument is set.",
                    span,
                )),
                _ => Err(invalid("The \"each\" object has only the attributes \"key\" and \"value\".")),
            },
            "path" => {
                let text = match attr(0) {
                    Some("module") => module.dir.display().to_string(),
                    Some("root") => config.modules[0].dir.display().to_string(),
                    Some("cwd") => std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default(),
                    _ => return Err(invalid("The \"path\" object has only the attributes \"module\", \"root\" and \"cwd\".")),
                };
                Ok((Value::String(text), 1, false))
            }
            "terraform" => match attr(0) {
                Some("workspace") => Ok((Value::String(self.ev.workspace.clone()), 1, false)),
                _ => Err(invalid("The \"terraform\" object has only the attribute \"workspace\".")),
            },
            "self" => Err(invalid("The \"self\" object is not supported here.")),
            resource_type => match attr(0) {
                Some(n) => {
                    let (value, taken) = self.resource(ctx, Mode::Managed, resource_type, n, &operators[1..], span_to(1))?;
                    Ok((value, 1 + taken, true))
                }
                None => Err(ctx.fail(
                    "Unknown variable",
                    format!("There is no variable named \"{resource_type}\"."),
                    span,
                )),
            },
        }
    }

    fn resource(
        &self,
        ctx: &Ctx,
        mode: Mode,
        ty: &str,
        name: &str,
        operators: &[Decorated<TraversalOperator>],
        span: Option<Range<usize>>,
    ) -> Result<(Value, usize), Fail> {
        let config = self.ev.config;
        let id = ResourceId {
            module: config.modules[ctx.module].path.clone(),
            mode,
            resource_type: ty.to_string(),
            name: name.to_string(),
        };
        if config.resource(&id).is_none() {
            return Err(ctx.fail(
                "Reference to undeclared resource",
                undeclared_resource_detail(mode, ty, name),
                span,
            ));
        }
        self.touched.set(true);
        let steps = plain_steps(operators);
        Ok(self.values.get_part(&id, &steps).unwrap_or((Value::Unknown, 0)))
    }

    /// Evaluates (or fetches from a cache) a variable, local or module output.
    fn named(&self, key: &Named) -> EvalResult {
        if let Some(result) = self.ev.cache.borrow().get(key) {
            return result.clone();
        }
        if let Some(result) = self.call_cache.borrow().get(key) {
            self.touched.set(true);
            return result.clone();
        }
        if let Some(position) = self.in_progress.borrow().iter().position(|k| k == key) {
            let chain: Vec<String> = self.in_progress.borrow()[position..]
                .iter()
                .chain(std::iter::once(key))
                .map(|k| self.ev.describe(k))
                .collect();
            return Err(Box::new(Diagnostic::error(
                "Cycle in references",
                format!("The values refer to each other in a cycle: {}.", chain.join(" -> ")),
            )));
        }
        self.in_progress.borrow_mut().push(key.clone());
        let outer = self.touched.replace(false);
        let result = self.compute(key);
        let touched = self.touched.get();
        self.touched.set(outer || touched);
        self.in_progress.borrow_mut().pop();
        if touched {
            self.call_cache.borrow_mut().insert(key.clone(), result.clone());
        } else {
            self.ev.cache.borrow_mut().insert(key.clone(), result.clone());
        }
        result
    }

    fn compute(&self, key: &Named) -> EvalResult {
        let config = self.ev.config;
        match key {
            Named::Var(0, name) => {
                Ok(self.ev.root_variables.get(name).cloned().unwrap_or(Value::Null))
            }
            Named::Var(module, name) => {
                let decl = &config.modules[*module].variables
                    [config.modules[*module].variable_index[name]];
                let raw = match self.ev.parents[*module] {
                    Some((parent, call)) => {
                        match config.modules[parent].calls[call].inputs.get(name) {
                            Some(expr) => {
                                let mut ctx = self.ctx(expr.file, parent);
                                // `count.index` / `each` of this module's instance.
                                ctx.instance = config.modules[*module].instance.clone();
                                Some(ctx.eval(&expr.expr)?)
                            }
                            None => None,
                        }
                    }
                    None => None,
                };
                let value = finalize_variable(decl, raw)?;
                self.validate_variable(*module, decl, &value)?;
                Ok(value)
            }
            Named::Local(module, name) => {
                let decl = &config.modules[*module].locals[name];
                let mut ctx = self.ctx(decl.value.file, *module);
                ctx.eval(&decl.value.expr)
            }
            Named::Output(module, name) => {
                let output =
                    &config.modules[*module].outputs[config.modules[*module].output_index[name]];
                let Some(expr) = &output.value else {
                    return Ok(Value::Null);
                };
                let mut ctx = self.ctx(expr.file, *module);
                Ok(mark_if(output_value(&mut ctx, output, expr)?, output.sensitive))
            }
        }
    }

    /// The evaluation context of an expression written in `file` of `module`.
    fn ctx(&self, file: usize, module: usize) -> Ctx<'_> {
        Ctx {
            files: &self.ev.config.files,
            file,
            module,
            scope: Some(self),
            instance: Instance::default(),
            bindings: Vec::new(),
        }
    }

    /// Runs a variable's `validation` blocks against its value.
    fn validate_variable(
        &self,
        module: usize,
        decl: &VariableDecl,
        value: &Value,
    ) -> Result<(), Fail> {
        for (condition, message) in &decl.validations {
            let mut ctx = self.ctx(condition.file, module);
            // `var.<name>` inside the condition is the value being validated.
            ctx.bindings.push(("var".into(), Value::map([(decl.name.clone(), value.clone())])));
            let result = ctx.eval(&condition.expr)?;
            if result.is_unknown() {
                continue;
            }
            match result.as_bool() {
                Some(true) => {}
                Some(false) => {
                    let text = ctx
                        .eval(&message.expr)
                        .ok()
                        .and_then(|m| m.unmark_deep().as_str().map(str::to_string))
                        .unwrap_or_else(|| "Invalid value for variable.".into());
                    return Err(ctx.fail(
                        "Invalid value for variable",
                        format!(
                            "{text}\n\nThis was checked by the validation rule of var.{}.",
                            decl.name
                        ),
                        condition.expr.span(),
                    ));
                }
                None => {
                    return Err(ctx.fail(
                        "Invalid variable validation result",
                        "The validation condition must produce a bool.",
                        condition.expr.span(),
                    ))
                }
            }
        }
        Ok(())
    }

    /// Whether an expression is known to produce a set (as `for_each` requires of lists).
    /// References whose type we cannot see statically are given the benefit of the doubt.
    fn is_set_expr(&self, module: usize, expr: &Expression, depth: usize) -> bool {
        if depth > 16 {
            return true;
        }
        let config = self.ev.config;
        match expr {
            Expression::FuncCall(call) => matches!(
                call.name.name.value().as_str(),
                "toset"
                    | "setunion"
                    | "setintersection"
                    | "setsubtract"
                    | "setproduct"
                    | "try"
                    | "coalesce"
                    | "lookup"
                    | "one"
            ),
            Expression::Parenthesis(inner) => self.is_set_expr(module, inner.inner(), depth + 1),
            Expression::Conditional(c) => {
                self.is_set_expr(module, &c.true_expr, depth + 1)
                    && self.is_set_expr(module, &c.false_expr, depth + 1)
            }
            Expression::Traversal(t) => {
                let Expression::Variable(root) = &t.expr else {
                    return false;
                };
                let first = t.operators.first().and_then(|o| match o.value() {
                    TraversalOperator::GetAttr(n) => Some(n.value().as_str()),
                    _ => None,
                });
                match (root.value().as_str(), first) {
                    ("var", Some(name)) if t.operators.len() == 1 => {
                        let m = &config.modules[module];
                        m.variable_index
                            .get(name)
                            .map(|&i| {
                                m.variables[i].ty.as_ref().is_none_or(|ty| {
                                    ty.is_set() || *ty == crate::types::TypeConstraint::Any
                                })
                            })
                            .unwrap_or(false)
                    }
                    ("local", Some(name)) if t.operators.len() == 1 => config.modules[module]
                        .locals
                        .get(name)
                        .map(|l| self.is_set_expr(module, &l.value.expr, depth + 1))
                        .unwrap_or(false),
                    _ => true,
                }
            }
            _ => false,
        }
    }
}

/// The summary and detail of a reference to an undeclared input variable, as Terraform's.
fn undeclared_variable(name: &str) -> (&'static str, String) {
    (
        "Reference to undeclared input variable",
        format!("An input variable with the name \"{name}\" has not been declared. This variable can be declared with a variable \"{name}\" {{}} block."),
    )
}

/// The summary and detail of a reference to an undeclared local value, as Terraform's.
fn undeclared_local(name: &str) -> (&'static str, String) {
    (
        "Reference to undeclared local value",
        format!("A local value with the name \"{name}\" has not been declared."),
    )
}

/// The summary and detail of a reference to an undeclared module call, as Terraform's.
fn undeclared_module(call: &str) -> (&'static str, String) {
    (
        "Reference to undeclared module",
        format!("No module call named \"{call}\" is declared in this module."),
    )
}

fn undeclared_resource_detail(mode: Mode, ty: &str, name: &str) -> String {
    match mode {
        Mode::Managed => {
            format!("A managed resource \"{ty}\" \"{name}\" has not been declared in this module.")
        }
        Mode::Data => {
            format!("A data resource \"{ty}\" \"{name}\" has not been declared in this module.")
        }
        Mode::Ephemeral => format!(
            "An ephemeral resource \"{ty}\" \"{name}\" has not been declared in this module."
        ),
    }
}

impl Evaluator<'_> {
    fn describe(&self, key: &Named) -> String {
        let (module, text) = match key {
            Named::Var(m, n) => (*m, format!("var.{n}")),
            Named::Local(m, n) => (*m, format!("local.{n}")),
            Named::Output(m, n) => (*m, format!("output.{n}")),
        };
        let prefix = infra_core::address::module_address(&self.config.modules[module].path);
        if prefix.is_empty() {
            text
        } else {
            format!("{prefix}.{text}")
        }
    }
}

/// Static dependency resolution with memoization and cycle detection.
struct DependencyWalker<'e, 'c> {
    ev: &'e Evaluator<'c>,
    memo: HashMap<Named, BTreeSet<ResourceId>>,
    stack: Vec<Named>,
    diagnostics: Diagnostics,
    seen_errors: BTreeSet<String>,
}

impl DependencyWalker<'_, '_> {
    fn error(&mut self, diagnostic: Diagnostic) {
        let key = format!(
            "{}|{:?}",
            diagnostic.summary,
            diagnostic.location.as_ref().map(|l| l.to_string())
        );
        if self.seen_errors.insert(key) {
            self.diagnostics.push(diagnostic);
        }
    }

    /// Records the error `(summary, detail)` at `location`; the reference depends on nothing.
    fn refuse(
        &mut self,
        (summary, detail): (&str, String),
        location: Option<infra_core::Location>,
    ) -> BTreeSet<ResourceId> {
        self.error(Diagnostic::error(summary, detail).at(location));
        BTreeSet::new()
    }

    fn resolve_all(
        &mut self,
        module: usize,
        file: usize,
        refs: &[Reference],
    ) -> BTreeSet<ResourceId> {
        let mut out = BTreeSet::new();
        for reference in refs {
            out.extend(self.resolve(module, file, reference));
        }
        out
    }

    fn resolve(
        &mut self,
        module: usize,
        file: usize,
        reference: &Reference,
    ) -> BTreeSet<ResourceId> {
        let config = self.ev.config();
        let m = &config.modules[module];
        let location = config.location(file, reference.span.clone());
        match &reference.kind {
            RefKind::Var(name) => {
                if !m.variable_index.contains_key(name) {
                    return self.refuse(undeclared_variable(name), location);
                }
                self.named(&Named::Var(module, name.clone()))
            }
            RefKind::Local(name) => {
                if !m.locals.contains_key(name) {
                    return self.refuse(undeclared_local(name), location);
                }
                self.named(&Named::Local(module, name.clone()))
            }
            RefKind::Module(call, output) => {
                let children =
                    m.call_index.get(call).map(|&i| m.calls[i].children()).unwrap_or_default();
                if children.len() > 1
                    || m.call_index.get(call).is_some_and(|&i| !m.calls[i].instances.is_empty())
                {
                    let mut out = BTreeSet::new();
                    for child in children {
                        let names: Vec<String> =
                            config.modules[child].outputs.iter().map(|o| o.name.clone()).collect();
                        for name in names {
                            out.extend(self.named(&Named::Output(child, name)));
                        }
                    }
                    return out;
                }
                let Some(child) = children.first().copied() else {
                    if !m.call_index.contains_key(call) {
                        return self.refuse(undeclared_module(call), location);
                    }
                    return BTreeSet::new();
                };
                let child_module = &config.modules[child];
                match output {
                    Some(output) => {
                        if !child_module.output_index.contains_key(output) {
                            let detail =
                                format!("Module \"{call}\" has no output named \"{output}\".");
                            return self.refuse(("Unsupported attribute", detail), location);
                        }
                        self.named(&Named::Output(child, output.clone()))
                    }
                    None => {
                        let names: Vec<String> =
                            child_module.outputs.iter().map(|o| o.name.clone()).collect();
                        let mut out = BTreeSet::new();
                        for name in names {
                            out.extend(self.named(&Named::Output(child, name)));
                        }
                        out
                    }
                }
            }
            RefKind::Resource(mode, ty, name) => {
                let id = ResourceId {
                    module: m.path.clone(),
                    mode: *mode,
                    resource_type: ty.clone(),
                    name: name.clone(),
                };
                if config.resource(&id).is_none() {
                    self.error(
                        Diagnostic::error(
                            "Reference to undeclared resource",
                            undeclared_resource_detail(*mode, ty, name),
                        )
                        .at(location),
                    );
                    return BTreeSet::new();
                }
                BTreeSet::from([id])
            }
        }
    }

    fn named(&mut self, key: &Named) -> BTreeSet<ResourceId> {
        if let Some(done) = self.memo.get(key) {
            return done.clone();
        }
        if let Some(position) = self.stack.iter().position(|k| k == key) {
            let chain: Vec<String> = self.stack[position..]
                .iter()
                .chain(std::iter::once(key))
                .map(|k| self.ev.describe(k))
                .collect();
            let location = self.location_of(key);
            self.error(
                Diagnostic::error(
                    "Cycle in references",
                    format!("The values refer to each other in a cycle: {}.", chain.join(" -> ")),
                )
                .at(location),
            );
            return BTreeSet::new();
        }
        self.stack.push(key.clone());
        let config = self.ev.config();
        let mut out = BTreeSet::new();
        match key {
            Named::Var(module, name) => {
                if let Some((parent, call)) = self.ev.parents[*module] {
                    if let Some(expr) = config.modules[parent].calls[call].inputs.get(name) {
                        let refs = references::in_expr(&expr.expr);
                        out = self.resolve_all(parent, expr.file, &refs);
                    }
                }
                let m = &config.modules[*module];
                if let Some(&index) = m.variable_index.get(name) {
                    for (condition, _) in &m.variables[index].validations {
                        let refs: Vec<Reference> = references::in_expr(&condition.expr)
                            .into_iter()
                            .filter(|r| r.kind != RefKind::Var(name.clone()))
                            .collect();
                        out.extend(self.resolve_all(*module, condition.file, &refs));
                    }
                }
            }
            Named::Local(module, name) => {
                let decl = &config.modules[*module].locals[name];
                let refs = references::in_expr(&decl.value.expr);
                out = self.resolve_all(*module, decl.value.file, &refs);
            }
            Named::Output(module, name) => {
                let m = &config.modules[*module];
                let output = &m.outputs[m.output_index[name]];
                if let Some(expr) = &output.value {
                    let refs = references::in_expr(&expr.expr);
                    out = self.resolve_all(*module, expr.file, &refs);
                }
                if let Some(depends_on) = &output.depends_on {
                    out.extend(self.depends_on(*module, depends_on));
                }
            }
        }
        self.stack.pop();
        self.memo.insert(key.clone(), out.clone());
        out
    }

    fn location_of(&self, key: &Named) -> Option<infra_core::Location> {
        let config = self.ev.config();
        match key {
            Named::Local(m, n) => config.modules[*m].locals.get(n).map(|l| l.location.clone()),
            Named::Var(m, n) => config.modules[*m]
                .variable_index
                .get(n)
                .map(|&i| config.modules[*m].variables[i].location.clone()),
            Named::Output(m, n) => config.modules[*m]
                .output_index
                .get(n)
                .map(|&i| config.modules[*m].outputs[i].location.clone()),
        }
    }

    /// `depends_on = [aws_vpc.main, module.network]`.
    fn depends_on(&mut self, module: usize, expr: &Expr) -> BTreeSet<ResourceId> {
        let config = self.ev.config();
        let mut out = BTreeSet::new();
        let Expression::Array(items) = &expr.expr else {
            self.error(
                Diagnostic::error(
                    "Invalid depends_on",
                    "depends_on must be a list of resource or module references.",
                )
                .at(config.location(expr.file, expr.expr.span())),
            );
            return out;
        };
        for item in items.iter() {
            let refs = references::in_expr(item);
            match refs.first().map(|r| &r.kind) {
                Some(RefKind::Module(call, None)) => {
                    let m = &config.modules[module];
                    match m.call_index.get(call).map(|&i| m.calls[i].children()) {
                        Some(children) => {
                            for child in children {
                                out.extend(self.resources_in_subtree(child));
                            }
                        }
                        None => {
                            let (summary, detail) = undeclared_module(call);
                            self.error(
                                Diagnostic::error(summary, detail)
                                    .at(config.location(expr.file, item.span())),
                            )
                        }
                    }
                }
                Some(_) => {
                    let first = refs[0].clone();
                    out.extend(self.resolve(module, expr.file, &first));
                }
                None => self.error(
                    Diagnostic::error("Invalid depends_on reference", "Each depends_on entry must be a resource, data source or module reference.")
                        .at(config.location(expr.file, item.span())),
                ),
            }
        }
        out
    }

    fn resources_in_subtree(&self, module: usize) -> BTreeSet<ResourceId> {
        let config = self.ev.config();
        let mut out: BTreeSet<ResourceId> = config.modules[module]
            .resources
            .iter()
            .map(|&r| config.resources[r].config.id.clone())
            .collect();
        for call in &config.modules[module].calls {
            for child in call.children() {
                out.extend(self.resources_in_subtree(child));
            }
        }
        out
    }
}

/// An output's value: its expression, converted to its `type` (Terraform 1.15) when it has one.
fn output_value(ctx: &mut Ctx, output: &crate::config::OutputDecl, expr: &Expr) -> EvalResult {
    let value = ctx.eval(&expr.expr)?;
    let Some(ty) = &output.ty else {
        return Ok(value);
    };
    ty.convert(value).map_err(|problem| {
        ctx.fail(
            "Invalid output value",
            format!(
                "The value expression does not match this output value's type constraint: {problem}."
            ),
            expr.expr.span(),
        )
    })
}

/// The leading operators of a reference that [`crate::Step`] can follow without evaluating
/// anything: attribute names and literal indexes.
fn plain_steps(operators: &[Decorated<TraversalOperator>]) -> Vec<crate::Step<'_>> {
    operators
        .iter()
        .map_while(|operator| match operator.value() {
            TraversalOperator::GetAttr(name) => Some(crate::Step::Attr(name.value().as_str())),
            TraversalOperator::LegacyIndex(i) => {
                i64::try_from(*i.value()).ok().map(crate::Step::Index)
            }
            TraversalOperator::Index(Expression::Number(n)) => {
                n.value().as_i64().map(crate::Step::Index)
            }
            TraversalOperator::Index(Expression::String(key)) => {
                Some(crate::Step::Key(key.value().as_str()))
            }
            _ => None,
        })
        .collect()
}
