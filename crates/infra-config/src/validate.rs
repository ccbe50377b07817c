//! Static checks of resource bodies against provider schemas, and locating attribute paths
//! inside resource blocks for errors found after evaluation.

use std::collections::BTreeSet;

use crate::config::{is_meta, Config, ResourceDecl};
use crate::references::RefKind;
use crate::syntax::{closest, TimeoutsBlock};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span;
use infra_core::path::{parse_path, PathStep};
use infra_core::schema::not_supported_error;
use infra_core::{
    Diagnostic, Diagnostics, Location, Mode, Registry, RemovedArgument, ResourceId, Schema,
};

impl Config {
    /// Checks every resource and data block against the provider schemas: unknown types (with
    /// a suggestion), unsupported arguments and blocks, missing required arguments, computed
    /// attributes set in configuration, and blocks written as arguments or the reverse.
    pub fn validate_schemas(&self, registry: &Registry) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        for decl in &self.resources {
            let id = &decl.config.id;
            let Some(schema) = registry.schema(id.mode, &id.resource_type) else {
                let names = registry.names(id.mode);
                let suggestion = closest(&id.resource_type, &names)
                    .map(|n| format!(" Did you mean \"{n}\"?"))
                    .unwrap_or_default();
                let (summary, kind) = match id.mode {
                    Mode::Managed => ("Invalid resource type", "resource type"),
                    Mode::Data => ("Invalid data source", "data source"),
                    Mode::Ephemeral => {
                        ("Invalid ephemeral resource type", "ephemeral resource type")
                    }
                };
                diagnostics.push(
                    Diagnostic::error(
                        summary,
                        format!(
                            "The provider does not support {kind} \"{}\".{suggestion}",
                            id.resource_type
                        ),
                    )
                    .at(Some(decl.config.location.clone()))
                    .for_address(id),
                );
                continue;
            };
            let mut checker =
                Checker { config: self, decl, diagnostics: &mut diagnostics, in_dynamic: false };
            checker.check_body(&decl.body, schema, true, Some(decl.config.location.clone()));
            for reference in crate::references::in_resource_body(&decl.body) {
                if let RefKind::Resource(mode, ty, name) = &reference.kind {
                    if *mode == id.mode && ty == &id.resource_type && name == &id.name {
                        diagnostics.push(
                            Diagnostic::error(
                                "Self-referential block",
                                format!("Configuration for {id} may not refer to itself."),
                            )
                            .at(self.location(decl.file, reference.span.clone())),
                        );
                    }
                }
            }
        }
        self.check_referenced_attributes(registry, &mut diagnostics);
        diagnostics.extend(crate::ephemeral::check(self, registry));
        diagnostics
    }

    /// "Unsupported attribute": a reference to an attribute the resource type does not have,
    /// anywhere in the configuration (resource bodies, locals, outputs, module arguments).
    fn check_referenced_attributes(&self, registry: &Registry, diagnostics: &mut Diagnostics) {
        let mut references: Vec<(usize, crate::references::Reference)> = Vec::new();
        for decl in &self.resources {
            references.extend(
                crate::references::in_resource_body(&decl.body).into_iter().map(|r| (decl.file, r)),
            );
        }
        for module in &self.modules {
            let expressions = module
                .locals
                .values()
                .map(|local| &local.value)
                .chain(module.outputs.iter().filter_map(|output| output.value.as_ref()))
                .chain(module.calls.iter().flat_map(|call| call.inputs.values()));
            for expr in expressions {
                references.extend(
                    crate::references::in_expr(&expr.expr).into_iter().map(|r| (expr.file, r)),
                );
            }
        }
        for (file, reference) in references {
            let (RefKind::Resource(mode, ty, _), Some(attribute)) =
                (&reference.kind, &reference.attribute)
            else {
                continue;
            };
            let Some(schema) = registry.schema(*mode, ty) else {
                continue;
            };
            let known = attribute == "id"
                || schema.attribute(attribute).is_some()
                || schema.block_named(attribute).is_some();
            if known {
                continue;
            }
            let names: Vec<&str> = schema
                .attributes
                .iter()
                .map(|a| a.name)
                .chain(schema.blocks.iter().map(|b| b.name))
                .collect();
            let suggestion = closest(attribute, &names)
                .map(|n| format!(" Did you mean \"{n}\"?"))
                .unwrap_or_default();
            diagnostics.push(
                Diagnostic::error(
                    "Unsupported attribute",
                    format!("This object has no argument, nested block, or exported attribute named \"{attribute}\".{suggestion}"),
                )
                .at(self.location(file, reference.span.clone())),
            );
        }
    }

    /// The location of an attribute path (`ingress[0].from_port`, `cidr_block`) inside a
    /// resource block, falling back to the closest enclosing part, then the block itself.
    pub fn location_of(&self, id: &ResourceId, path: &str) -> Option<Location> {
        let decl = self.resource(id)?;
        let steps = parse_path(path);
        let mut best = decl.config.location.clone();
        let mut body = &decl.body;
        let mut i = 0;
        while i < steps.len() {
            let PathStep::Attr(name) = &steps[i] else {
                break;
            };
            if let Some(attribute) = body.get_attribute(name) {
                if let Some(location) = self.location(decl.file, attribute.span()) {
                    best = location;
                }
                let mut expr = &attribute.value;
                for step in &steps[i + 1..] {
                    let next = match (step, expr) {
                        (PathStep::Index(n), Expression::Array(items)) => items.get(*n),
                        (PathStep::Attr(key), Expression::Object(object)) => object
                            .iter()
                            .find(|(k, _)| {
                                crate::types::object_key_name(k).as_deref() == Some(key.as_str())
                            })
                            .map(|(_, v)| v.expr()),
                        _ => None,
                    };
                    let Some(next) = next else { break };
                    expr = next;
                    if let Some(location) = self.location(decl.file, expr.span()) {
                        best = location;
                    }
                }
                return Some(best);
            }
            let blocks: Vec<&hcl_edit::structure::Block> = body.get_blocks(name).collect();
            if blocks.is_empty() {
                break;
            }
            let index = match steps.get(i + 1) {
                Some(PathStep::Index(n)) => {
                    i += 1;
                    *n
                }
                _ => 0,
            };
            let Some(block) = blocks.get(index).or(blocks.first()) else {
                break;
            };
            if let Some(location) = self.location(decl.file, block.span()) {
                best = location;
            }
            body = &block.body;
            i += 1;
        }
        Some(best)
    }
}

struct Checker<'a> {
    config: &'a Config,
    decl: &'a ResourceDecl,
    diagnostics: &'a mut Diagnostics,
    /// Inside a `dynamic` block's content, which may generate nothing: an argument infra
    /// does not support yet is then an error only if the plan has it (`Schema::validate`),
    /// as terraform-aws-modules write a `dynamic` block for every action type and condition
    /// and leave those their callers don't use empty.
    in_dynamic: bool,
}

impl Checker<'_> {
    fn push(&mut self, summary: &str, detail: String, span: Option<std::ops::Range<usize>>) {
        self.report(Diagnostic::error(summary, detail), span);
    }

    fn warn(&mut self, summary: &str, detail: String, span: Option<std::ops::Range<usize>>) {
        self.report(Diagnostic::warning(summary, detail), span);
    }

    /// `diagnostic` at `span` of this resource's block.
    fn report(&mut self, diagnostic: Diagnostic, span: Option<std::ops::Range<usize>>) {
        let location = self.config.location(self.decl.file, span);
        self.diagnostics.push(diagnostic.at(location).for_address(&self.decl.config.id));
    }

    /// An argument the provider removed: a literal that asks for it (anything but `null` or
    /// `false`) is an error now; any other use is a warning, and the planner refuses a value
    /// that turns out to ask for it.
    fn check_removed(
        &mut self,
        removed: &RemovedArgument,
        attribute: &hcl_edit::structure::Attribute,
    ) {
        let asks = match &attribute.value {
            Expression::Null(_) => false,
            Expression::Bool(flag) => *flag.value(),
            Expression::String(_) | Expression::Number(_) => true,
            _ => false,
        };
        if asks {
            self.push("Unsupported argument", removed.error(), attribute.span());
        } else {
            self.warn("Argument removed by the provider", removed.warning(), attribute.key.span());
        }
    }

    /// An argument or block infra does not support yet, which the configuration sets.
    fn not_supported(
        &mut self,
        name: &str,
        why: Option<&str>,
        span: Option<std::ops::Range<usize>>,
    ) {
        let resource_type = &self.decl.config.id.resource_type;
        self.push(
            "Argument not supported yet",
            not_supported_error(name, Some(resource_type), why.unwrap_or_default()),
            span,
        );
    }

    /// A `timeouts` block holds the operations the provider declares for the type, as
    /// Terraform's schema check has it. (Their names and durations were checked when the
    /// configuration was loaded.)
    fn check_timeouts(&mut self, timeouts: TimeoutsBlock, schema: &Schema) {
        if schema.timeouts.is_empty() {
            return self.push(
                "Unsupported block type",
                "Blocks of type \"timeouts\" are not expected here.".to_string(),
                timeouts.block().ident.span(),
            );
        }
        let Some(arguments) = timeouts.arguments() else {
            return;
        };
        for attribute in arguments.attributes() {
            let name = attribute.key.value().as_str();
            if !crate::config::TIMEOUT_OPERATIONS.contains(&name) {
                continue;
            }
            if !schema.timeouts.contains(&name) {
                self.push(
                    "Unsupported argument",
                    format!("An argument named \"{name}\" is not expected here."),
                    attribute.key.span(),
                );
            } else if name == "read" {
                self.warn(
                    "Timeout not applied",
                    "infra stores the read timeout in the state, as Terraform does, but does not \
                     bound reads by it: each AWS call is bounded by the provider's retry and \
                     timeout settings."
                        .to_string(),
                    attribute.key.span(),
                );
            }
        }
    }

    /// One block of `schema`'s body (`name` is what it makes: a `dynamic` block's label),
    /// checked against its nested schema; a deprecated one warned once (`deprecated_warned`).
    fn check_block(
        &mut self,
        schema: &Schema,
        (name, ident): (&str, &str),
        block: &hcl_edit::structure::Block,
        body: &Body,
        deprecated_warned: &mut BTreeSet<String>,
    ) {
        match schema.block_named(name) {
            // A `dynamic` one may make no block: the planner decides.
            Some(nested) if nested.not_supported.is_some() => {
                if ident != "dynamic" && !self.in_dynamic {
                    self.not_supported(name, nested.not_supported, block.ident.span());
                }
            }
            Some(nested) => {
                // Once for the argument, as the provider's check warns.
                if let Some(message) = nested.deprecated {
                    if deprecated_warned.insert(name.to_string()) {
                        self.warn(
                            "Argument is deprecated",
                            message.to_string(),
                            block.ident.span(),
                        );
                    }
                }
                let location = self.config.location(self.decl.file, block.span());
                let in_dynamic = self.in_dynamic;
                self.in_dynamic |= ident == "dynamic";
                self.check_body(body, &nested.schema, false, location);
                self.in_dynamic = in_dynamic;
            }
            None if schema.attribute(name).is_some() => self.push(
                "Unsupported block type",
                format!("Blocks of type \"{name}\" are not expected here. Did you mean to define argument \"{name}\"? If so, use the equals sign to assign it a value."),
                block.ident.span(),
            ),
            None => {
                let names: Vec<&str> = schema.blocks.iter().map(|b| b.name).collect();
                let suggestion = closest(name, &names).map(|n| format!(" Did you mean \"{n}\"?")).unwrap_or_default();
                self.push(
                    "Unsupported block type",
                    format!("Blocks of type \"{name}\" are not expected here.{suggestion}"),
                    block.ident.span(),
                )
            }
        }
    }

    fn check_body(&mut self, body: &Body, schema: &Schema, top: bool, header: Option<Location>) {
        let mut dynamic_names = Vec::new();
        let mut deprecated_warned: BTreeSet<String> = BTreeSet::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let name = attribute.key.value().as_str();
                    if top && is_meta(name) {
                        continue;
                    }
                    match schema.attribute(name) {
                        Some(a) if a.not_supported.is_some() => {
                            if !self.in_dynamic && is_surely_set(&attribute.value) {
                                self.not_supported(name, a.not_supported, attribute.span());
                            }
                        }
                        Some(infra_core::Attribute {
                            deprecated: Some(message),
                            ..
                        }) => {
                            // As the provider's check: any value but a literal null (one from
                            // a variable too, unknown at validate).
                            if !matches!(attribute.value, Expression::Null(_)) {
                                self.warn(
                                    "Argument is deprecated",
                                    message.to_string(),
                                    attribute.span(),
                                );
                            }
                        }
                        Some(a) if !a.is_settable() => self.push(
                            "Value for unconfigurable attribute",
                            format!("Can't configure a value for \"{name}\": its value will be decided automatically based on the result of applying this configuration."),
                            attribute.key.span(),
                        ),
                        Some(_) => {}
                        // Terraform's attributes-as-blocks (core's `lang/blocktoattr`): a
                        // provider attribute that is a list of objects, declared as a block
                        // for its nested schema, is also written as an attribute; `ingress =
                        // []` manages the rules as none, where leaving out every `ingress`
                        // block leaves them alone. A real block is not an argument.
                        None if schema.block_named(name).is_some_and(|b| b.attribute_mode) => {}
                        None if schema.removed_argument(name).is_some() => {
                            if let Some(removed) = schema.removed_argument(name) {
                                self.check_removed(removed, attribute);
                            }
                        }
                        None if schema.block_named(name).is_some() => self.push(
                            "Unsupported argument",
                            format!("An argument named \"{name}\" is not expected here. Did you mean to define a block of type \"{name}\"?"),
                            attribute.key.span(),
                        ),
                        None => {
                            let names: Vec<&str> = schema.attributes.iter().filter(|a| a.is_settable() && a.not_supported.is_none()).map(|a| a.name).collect();
                            let suggestion = closest(name, &names).map(|n| format!(" Did you mean \"{n}\"?")).unwrap_or_default();
                            self.push(
                                "Unsupported argument",
                                format!("An argument named \"{name}\" is not expected here.{suggestion}"),
                                attribute.key.span(),
                            )
                        }
                    }
                }
                Structure::Block(block) => {
                    let ident = block.ident.value().as_str();
                    if let Some(timeouts) = TimeoutsBlock::of(block) {
                        if top && self.decl.config.id.mode == Mode::Managed {
                            self.check_timeouts(timeouts, schema);
                            continue;
                        }
                    }
                    if top && is_meta(ident) {
                        continue;
                    }
                    let (name, body) = if ident == "dynamic" {
                        let label = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
                        dynamic_names.push(label.to_string());
                        match block.body.get_blocks("content").next() {
                            Some(content) => (label, &content.body),
                            None => continue,
                        }
                    } else {
                        (ident, &block.body)
                    };
                    self.check_block(schema, (name, ident), block, body, &mut deprecated_warned);
                }
            }
        }
        for attribute in &schema.attributes {
            if attribute.presence == infra_core::Presence::Required
                && body.get_attribute(attribute.name).is_none()
            {
                self.diagnostics.push(
                    Diagnostic::error(
                        "Missing required argument",
                        format!(
                            "The argument \"{}\" is required, but no definition was found.",
                            attribute.name
                        ),
                    )
                    .at(header.clone())
                    .for_address(&self.decl.config.id),
                );
            }
        }
        for block in &schema.blocks {
            if block.min_items > 0
                && !body.has_blocks(block.name)
                && !dynamic_names.iter().any(|d| d == block.name)
            {
                self.diagnostics.push(
                    Diagnostic::error(
                        "Insufficient blocks",
                        format!(
                            "At least {} \"{}\" block is required.",
                            block.min_items, block.name
                        ),
                    )
                    .at(header.clone())
                    .for_address(&self.decl.config.id),
                );
            }
        }
    }
}

/// Whether `expression` is a value whatever the variables hold (a literal that is not `null`,
/// a template, a collection): the others are decided by the planner once evaluated.
fn is_surely_set(expression: &Expression) -> bool {
    matches!(
        expression,
        Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_)
            | Expression::Array(_)
            | Expression::Object(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_)
            | Expression::ForExpr(_)
            | Expression::BinaryOp(_)
            | Expression::UnaryOp(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::fake_provider::Thing;
    use infra_core::{Attribute, Block, Nesting, Type};

    #[test]
    fn a_configured_not_supported_argument_is_a_located_error_and_null_is_accepted() {
        let dir =
            std::env::temp_dir().join(format!("infra-config-not-supported-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            r#"variable "shift" {
  default = null
}
data "fake_thing" "x" {
  name        = "x"
  zonal_shift = true
  pool        = null
  mode        = var.shift
  logs {
  }
  dynamic "logs" {
    for_each = []
    content {}
  }
  action {
    type  = "forward"
    regex = ["^/a"]
  }
  dynamic "action" {
    for_each = []
    content {
      type  = "forward"
      regex = ["^/b"]
    }
  }
}
"#,
        )
        .unwrap();
        let config = crate::load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let why = "set it outside infra";
        let schema = Schema::new()
            .attr(Attribute::required("name", Type::String))
            .not_supported("zonal_shift", Type::Bool, why)
            .not_supported("pool", Type::String, why)
            .not_supported("mode", Type::String, why)
            .not_supported("logs", Nesting::List, why)
            .block(Block::list(
                "action",
                Schema::new().attr(Attribute::required("type", Type::String)).not_supported(
                    "regex",
                    Type::set(Type::String),
                    why,
                ),
            ));
        let mut registry = Registry::new();
        registry.register_data_source(std::sync::Arc::new(Thing(schema)));

        let errors = config.validate_schemas(&registry);
        let located: Vec<(&str, usize, usize)> = errors
            .iter()
            .map(|d| {
                let location = d.location.as_ref().expect("located");
                (d.summary.as_str(), location.line, location.column)
            })
            .collect();
        // `pool = null` is accepted, and `var.shift` is the planner's to decide, as is
        // what a `dynamic` block's content sets (it may generate no block).
        assert_eq!(
            located,
            [
                ("Argument not supported yet", 6, 3),
                ("Argument not supported yet", 9, 3),
                ("Argument not supported yet", 17, 5),
            ],
            "{errors}"
        );
        assert!(
            errors.0[0].detail.starts_with(
                "infra does not support \"zonal_shift\" of fake_thing yet: set it outside infra."
            ),
            "{}",
            errors.0[0].detail
        );
        assert!(errors.0[1].detail.contains("\"logs\" of fake_thing"));
        assert!(errors.has_errors());
    }

    /// A provider attribute that is a list of objects, declared as a block for its nested
    /// schema, is also written as an attribute (Terraform's attributes-as-blocks); a real
    /// block, Optional+Computed or not, is not an argument: Terraform's "Unsupported
    /// argument".
    #[test]
    fn only_an_attribute_mode_block_is_written_as_an_attribute() {
        let dir = std::env::temp_dir()
            .join(format!("infra-config-attribute-mode-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            r#"data "fake_thing" "rules" {
  ingress    = []
  versioning = []
}
"#,
        )
        .unwrap();
        let config = crate::load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let schema = Schema::new()
            .block(infra_core::Block::set("ingress", Schema::new()).computed().attribute_mode())
            .block(infra_core::Block::single("versioning", Schema::new()).computed());
        let mut registry = Registry::new();
        registry.register_data_source(std::sync::Arc::new(Thing(schema)));
        let errors = config.validate_schemas(&registry);
        let located: Vec<(&str, usize)> = errors
            .iter()
            .map(|d| (d.summary.as_str(), d.location.as_ref().expect("located").line))
            .collect();
        assert_eq!(located, [("Unsupported argument", 3)], "{errors}");
        assert!(
            errors.0[0].detail.contains("Did you mean to define a block of type \"versioning\"?"),
            "{errors}"
        );
    }

    /// A deprecated argument the provider still takes: Terraform's "Argument is deprecated"
    /// warning with the provider's message at each value but a literal null (one from a
    /// variable too), and nothing else.
    #[test]
    fn a_deprecated_argument_warns_where_set() {
        let dir =
            std::env::temp_dir().join(format!("infra-config-deprecated-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            r#"variable "acl" {
  default = "private"
}
data "fake_thing" "literal" {
  acl = "private"
}
data "fake_thing" "variable" {
  acl = var.acl
}
data "fake_thing" "null" {
  acl = null
}
"#,
        )
        .unwrap();
        let config = crate::load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let message = "acl is deprecated. Use the aws_s3_bucket_acl resource instead.";
        let schema = Schema::new()
            .attr(Attribute::optional_computed("acl", Type::String).deprecated(message));
        let mut registry = Registry::new();
        registry.register_data_source(std::sync::Arc::new(Thing(schema)));
        let warnings = config.validate_schemas(&registry);
        assert!(!warnings.has_errors(), "{warnings}");
        let located: Vec<(&str, &str, usize, usize)> = warnings
            .iter()
            .map(|d| {
                let location = d.location.as_ref().expect("located");
                (d.summary.as_str(), d.detail.as_str(), location.line, location.column)
            })
            .collect();
        assert_eq!(
            located,
            [("Argument is deprecated", message, 5, 3), ("Argument is deprecated", message, 8, 3),],
            "{warnings}"
        );
    }

    /// A deprecated block: the warning once for the argument, at its first block (a `dynamic`
    /// one too), with the provider's message.
    #[test]
    fn a_deprecated_block_warns_once_at_its_first_block() {
        let dir = std::env::temp_dir()
            .join(format!("infra-config-deprecated-block-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            r#"data "fake_thing" "two" {
  cors_rule {
    allowed_methods = ["GET"]
  }
  cors_rule {
    allowed_methods = ["PUT"]
  }
}
data "fake_thing" "dynamic" {
  dynamic "cors_rule" {
    for_each = ["GET"]
    content {
      allowed_methods = [cors_rule.value]
    }
  }
}
data "fake_thing" "none" {}
"#,
        )
        .unwrap();
        let config = crate::load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let message =
            "cors_rule is deprecated. Use the aws_s3_bucket_cors_configuration resource instead.";
        let cors = Schema::new()
            .attr(Attribute::optional("allowed_methods", Type::Set(Box::new(Type::String))));
        let schema =
            Schema::new().block(infra_core::Block::list("cors_rule", cors).deprecated(message));
        let mut registry = Registry::new();
        registry.register_data_source(std::sync::Arc::new(Thing(schema)));
        let warnings = config.validate_schemas(&registry);
        assert!(!warnings.has_errors(), "{warnings}");
        let located: Vec<(&str, &str, usize)> = warnings
            .iter()
            .map(|d| {
                let location = d.location.as_ref().expect("located");
                (d.summary.as_str(), d.detail.as_str(), location.line)
            })
            .collect();
        assert_eq!(
            located,
            [("Argument is deprecated", message, 2), ("Argument is deprecated", message, 10),],
            "{warnings}"
        );
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(closest("aws_vcp", &["aws_vpc", "aws_subnet"]), Some("aws_vpc"));
        assert_eq!(closest("zzz", &["aws_vpc"]), None);
    }
}
