//! Plans and state as text for people: Terraform's plan shape (`+ ~ - -/+`, `# forces
//! replacement`, `(known after apply)`, `(sensitive value)`), structural line diffs of JSON and
//! multi-line strings, and a Markdown summary for pull requests.
//!
//! This crate returns strings; only the CLI prints them.

mod computed;
mod markdown;
mod strings;
mod style;
mod values;

pub use markdown::plan_markdown;
pub use style::Style;

use std::fmt::Write;

use infra_core::{Action, Mode, Registry, Schema, Value};
use infra_engine::plan::{OutputChange, Plan, Reason, ResourceChange};

use values::{render_object_diff, render_value, write_object_diff};

/// Where the renderer finds the schema of a change's type: which of an object's names are
/// nested blocks, which a value's shape does not show when the value is unknown (Terraform
/// renders with its providers' schemas too). The provider registry is one.
pub trait Schemas: Sync {
    fn schema(&self, mode: Mode, resource_type: &str) -> Option<&Schema>;
}

impl Schemas for Registry {
    fn schema(&self, mode: Mode, resource_type: &str) -> Option<&Schema> {
        Registry::schema(self, mode, resource_type)
    }
}

/// The whole human plan, as `infra plan` prints it.
pub fn plan_text(plan: &Plan, schemas: &dyn Schemas, style: Style) -> String {
    let mut out = String::new();
    plan_text_pieces(plan, schemas, style, |piece| out.push_str(piece));
    out
}

/// [`plan_text`] handed to `piece` a part at a time, in order, for a caller that writes it out
/// as it comes. A large plan's changes are rendered a batch at a time on every core, so what is
/// held at once is a batch's text, not the whole plan's (113 MB at 100,000 resources). It saves
/// no measurable time or peak memory (the peak is in planning; BENCHMARKS §1): the point is
/// output that appears as it is rendered.
pub fn plan_text_pieces(
    plan: &Plan,
    schemas: &dyn Schemas,
    style: Style,
    mut piece: impl FnMut(&str),
) {
    let mut out = String::new();
    let drift = plan.relevant_drift();
    if !drift.is_empty() {
        let _ = writeln!(out, "\n{}\n", style.bold("Note: Objects have changed outside of infra"));
        out.push_str("infra detected the following changes made outside of infra since the last \"infra apply\":\n\n");
        piece(&std::mem::take(&mut out));
        render_changes(&drift, schemas, style, true, &mut piece);
        if plan.refresh_only {
            piece("This is a refresh-only plan, so infra will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the infra state without changing any remote objects.\n");
            return;
        }
        out.push_str("Unless you have made equivalent changes to your configuration, the plan below will undo them.\n");
    }
    if plan.refresh_only {
        let _ = writeln!(
            out,
            "\n{}",
            style.bold_green("No changes. Your infrastructure still matches the configuration.")
        );
        out.push_str("\ninfra has checked that the real remote objects still match the result of your most\nrecent changes, and found no differences.\n");
        return piece(&out);
    }
    if !plan.has_changes() {
        let _ = writeln!(
            out,
            "\n{}",
            style.bold_green("No changes. Your infrastructure matches the configuration.")
        );
        out.push_str("\ninfra has compared your real infrastructure against your configuration and found no\ndifferences, so no changes are needed.\n");
        return piece(&out);
    }
    let resource_changes: Vec<&ResourceChange> =
        plan.changes.iter().filter(|c| c.changes_state()).collect();
    if !resource_changes.is_empty() {
        out.push_str("\ninfra will perform the following actions:\n\n");
        piece(&std::mem::take(&mut out));
        render_changes(&resource_changes, schemas, style, false, &mut piece);
    }
    let _ = writeln!(out, "{} {}", style.bold("Plan:"), summary_line(plan));
    out.push_str(&addresses_by_action(plan));
    let outputs: Vec<(&String, &OutputChange)> =
        plan.outputs.iter().filter(|(_, o)| o.action.is_change()).collect();
    if !outputs.is_empty() {
        out.push_str("\nChanges to Outputs:\n");
        for (name, output) in outputs {
            out.push_str(&output_line(name, output, style));
        }
    }
    piece(&out);
}

/// Terraform's summary: `1 to import, 2 to add, 0 to change, 0 to destroy, 1 to forget.`, with
/// imports and forgets only when there are some.
pub fn summary_line(plan: &Plan) -> String {
    let summary = plan.summary();
    let mut line = String::new();
    if summary.import > 0 {
        let _ = write!(line, "{} to import, ", summary.import);
    }
    let _ = write!(
        line,
        "{} to add, {} to change, {} to destroy",
        summary.add, summary.change, summary.destroy
    );
    if summary.forget > 0 {
        let _ = write!(line, ", {} to forget", summary.forget);
    }
    line.push('.');
    line
}

/// The list under the summary line: every changed address, grouped by action.
fn addresses_by_action(plan: &Plan) -> String {
    let groups: [(&str, &[Action]); 4] = [
        ("replace", &[Action::DeleteThenCreate, Action::CreateThenDelete]),
        ("destroy", &[Action::Delete]),
        ("update", &[Action::Update]),
        ("create", &[Action::Create]),
    ];
    let mut out = String::new();
    for (label, actions) in groups {
        let addresses: Vec<String> = plan
            .changes
            .iter()
            .filter(|c| actions.contains(&c.action))
            .map(|c| c.address.to_string())
            .collect();
        if !addresses.is_empty() {
            let _ = writeln!(out, "  {label:<8} {}", addresses.join(", "));
        }
    }
    out
}

fn output_line(name: &str, output: &OutputChange, style: Style) -> String {
    let symbol = style.action(output.action);
    let shown = |v: &Value| {
        if output.sensitive {
            "(sensitive value)".to_string()
        } else {
            render_value(v, 4)
        }
    };
    match output.action {
        Action::Create => format!("  {symbol} {name} = {}\n", shown(&output.after)),
        Action::Delete => format!("  {symbol} {name} = {} -> null\n", shown(&output.before)),
        _ => format!("  {symbol} {name} = {} -> {}\n", shown(&output.before), shown(&output.after)),
    }
}

/// One resource's block: the comment line, the header, and the attribute diff. `schema` is
/// the change's type's, when the caller has it (see [`Schemas`]).
pub fn change_text(
    change: &ResourceChange,
    schema: Option<&Schema>,
    style: Style,
    drift: bool,
) -> String {
    let mut out = String::new();
    write_change(&mut out, change, schema, style, drift);
    out
}

/// Each change's text followed by a blank line, handed to `piece` in order. A large plan is
/// rendered in batches, each batch in slices on every core the machine has; a batch's slices
/// are handed on before the next batch is rendered, so the memory a slice's `String` used is
/// used again.
fn render_changes(
    changes: &[&ResourceChange],
    schemas: &dyn Schemas,
    style: Style,
    drift: bool,
    piece: &mut impl FnMut(&str),
) {
    const SLICE: usize = 1_000;
    let render = |slice: &[&ResourceChange]| {
        let mut text = String::new();
        for change in slice {
            let schema = schemas.schema(change.address.resource.mode, &change.resource_type);
            write_change(&mut text, change, schema, style, drift);
            text.push('\n');
        }
        text
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || changes.len() < 2 * SLICE {
        return piece(&render(changes));
    }
    for batch in changes.chunks(threads * SLICE) {
        let texts: Vec<String> = std::thread::scope(|scope| {
            let running: Vec<_> =
                batch.chunks(SLICE).map(|slice| scope.spawn(move || render(slice))).collect();
            running
                .into_iter()
                .map(|thread| {
                    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        texts.iter().for_each(|text| piece(text));
    }
}

fn write_change(
    out: &mut String,
    change: &ResourceChange,
    schema: Option<&Schema>,
    style: Style,
    drift: bool,
) {
    let address = &change.address;
    let resource = &address.resource;
    let comment = if drift {
        match change.action {
            Action::Delete => format!("# {address} has been deleted"),
            _ => format!("# {address} has changed"),
        }
    } else if let Some(key) = &change.deposed {
        format!(
            "# {address} (deposed object {key}) will be destroyed\n  # (left over from a partially-failed replacement of this instance)"
        )
    } else {
        match (change.action, change.reason) {
            (_, _) if change.deployment.is_some() => {
                let d = change.deployment.as_ref().expect("checked");
                format!(
                    "# {address} will be deployed blue/green: {} ← revision {} (live: {}, revision {})",
                    d.target_colour, d.target_revision, d.live_colour, d.live_revision
                )
            }
            (Action::Create, Some(Reason::DeletedOutside)) => {
                format!("# {address} will be created (it was deleted outside infra)")
            }
            (Action::Create, _) => format!("# {address} will be created"),
            (Action::Update, _) => format!("# {address} will be updated in-place"),
            (
                Action::DeleteThenCreate | Action::CreateThenDelete,
                Some(Reason::ReplaceBecauseTainted),
            ) => {
                format!("# {address} is tainted, so must be replaced")
            }
            (Action::DeleteThenCreate, Some(Reason::ReplaceByRequest)) => {
                format!("# {address} will be replaced, as requested")
            }
            (
                Action::DeleteThenCreate | Action::CreateThenDelete,
                Some(Reason::ReplaceByTriggers),
            ) => {
                format!("# {address} will be replaced due to changes in replace_triggered_by")
            }
            (Action::DeleteThenCreate, _) => format!("# {address} must be replaced"),
            (Action::CreateThenDelete, _) => {
                format!("# {address} must be replaced (create before destroy)")
            }
            (Action::Delete, Some(Reason::DeleteBecauseCountIndex)) => format!(
                "# {address} will be destroyed\n  # (because index {} is out of range for count)",
                address.key.as_ref().map(|k| k.to_string()).unwrap_or_default()
            ),
            (Action::Delete, Some(Reason::DeleteBecauseEachKey)) => format!(
                "# {address} will be destroyed\n  # (because key {} is not in for_each map)",
                address.key.as_ref().map(|k| k.to_string()).unwrap_or_default()
            ),
            (Action::Delete, Some(Reason::DeleteBecauseNoResourceConfig)) => format!(
                "# {address} will be destroyed\n  # (because {} is not in configuration)",
                address
            ),
            (Action::Delete, _) => format!("# {address} will be destroyed"),
            (Action::Read, _) => format!("# {address} will be read during apply"),
            (Action::Forget, _) => format!(
                "# {address} will no longer be managed by infra\n  # (but will not be destroyed)"
            ),
            (Action::NoOp, _) => match (&change.previous_address, &change.importing) {
                (_, Some(_)) => format!("# {address} will be imported"),
                (Some(previous), None) => format!("# {previous} has moved to {address}"),
                (None, None) => format!("# {address}"),
            },
        }
    };
    let comment = match (&change.previous_address, &change.importing) {
        _ if drift || change.action == Action::NoOp => comment,
        (Some(previous), _) => format!("{comment}\n  # (moved from {previous})"),
        (None, Some(id)) => format!("{comment}\n  # (imported from \"{id}\")"),
        (None, None) => comment,
    };
    let keyword = if resource.mode == infra_core::Mode::Data { "data" } else { "resource" };
    let symbol = if drift && change.action == Action::Update {
        style.action(Action::Update)
    } else {
        style.action(change.action)
    };
    let _ = writeln!(out, "  {}", style.bold(&comment));
    let _ = writeln!(
        out,
        "{symbol:>3} {keyword} \"{}\" \"{}\" {{",
        change.resource_type, resource.name
    );
    let action = match change.action {
        Action::Update if drift => Action::Update,
        // A forgotten object is shown as it is: nothing about it changes.
        Action::Forget => Action::NoOp,
        action => action,
    };
    let after = if change.action == Action::Forget { &change.before } else { &change.after };
    write_object_diff(out, &change.before, after, schema, action, &change.replace_paths, 6, style);
    out.push_str("    }\n");
}

/// The arguments of an object as configuration: every attribute the configuration may set
/// (not computed-only), non-null, and nested blocks, each on its own line. Sensitive values are
/// written as `null  # sensitive` for the user to fill in, never in clear.
pub fn configuration_body(schema: &infra_core::Schema, value: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for attribute in &schema.attributes {
        if !attribute.is_settable() || attribute.name == "id" {
            continue;
        }
        let v = value.get(attribute.name);
        if v.is_null() || v.as_map().is_some_and(|m| m.is_empty() && attribute.name == "tags") {
            continue;
        }
        if v.is_sensitive() || attribute.sensitive {
            let _ = writeln!(out, "{pad}{} = null # sensitive: set it yourself", attribute.name);
            continue;
        }
        let json = serde_json::to_string(&v.unmark_deep().to_json()).unwrap_or_default();
        let hcl = json.replace("${", "$${").replace("%{", "%%{");
        let _ = writeln!(out, "{pad}{} = {hcl}", attribute.name);
    }
    for block in &schema.blocks {
        for item in value.get(block.name).as_list().unwrap_or_default() {
            let _ = writeln!(out, "{pad}{} {{", block.name);
            out.push_str(&configuration_body(&block.schema, item, indent + 2));
            let _ = writeln!(out, "{pad}}}");
        }
    }
    out
}

/// `infra show` of a state: each resource with its attributes.
pub fn state_text(resources: &[(String, String, Value)], style: Style) -> String {
    let mut out = String::new();
    for (address, resource_type, value) in resources {
        let _ = writeln!(out, "# {address}:");
        let name = address.rsplit('.').next().unwrap_or(address);
        let _ = writeln!(
            out,
            "resource \"{resource_type}\" \"{}\" {{",
            name.split('[').next().unwrap_or(name)
        );
        out.push_str(&render_object_diff(value, value, Action::NoOp, &[], 4, style));
        out.push_str("}\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::ResourceId;

    /// The schemas of one managed type, `test_bucket`, whose `versioning` is a block.
    struct OneType(Schema);

    impl Schemas for OneType {
        fn schema(&self, mode: Mode, resource_type: &str) -> Option<&Schema> {
            (mode == Mode::Managed && resource_type == "test_bucket").then_some(&self.0)
        }
    }

    /// Each change is rendered with its own type's schema, looked up by mode and type: the
    /// managed bucket's unknown `versioning` is a block line, while a type without a schema
    /// (here the data source of the same name) shows it as an attribute.
    #[test]
    fn changes_are_rendered_with_their_types_schemas() {
        use infra_core::{Attribute, Block, Type};
        let schemas = OneType(
            Schema::new().attr(Attribute::required("bucket", Type::String)).block(
                Block::single(
                    "versioning",
                    Schema::new().attr(Attribute::optional("enabled", Type::Bool)),
                )
                .computed(),
            ),
        );
        let after = Value::map([("bucket", Value::string("logs")), ("versioning", Value::Unknown)]);
        let managed = ResourceId::managed("test_bucket", "logs").instance(None);
        let mut data = managed.clone();
        data.resource.mode = Mode::Data;
        let plan = Plan {
            changes: vec![
                ResourceChange::new(
                    managed,
                    "test_bucket",
                    Action::Create,
                    Value::Null,
                    after.clone(),
                ),
                ResourceChange::new(data, "test_bucket", Action::Read, Value::Null, after),
            ],
            ..Plan::default()
        };

        let text = plan_text(&plan, &schemas, Style { colour: false });

        assert!(
            text.contains(
                "  + resource \"test_bucket\" \"logs\" {\n\
                 \x20     + bucket = \"logs\"\n\
                 \n\
                 \x20     + versioning (known after apply)\n\
                 \x20   }\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                " <= data \"test_bucket\" \"logs\" {\n\
                 \x20     + bucket     = \"logs\"\n\
                 \x20     + versioning = (known after apply)\n"
            ),
            "{text}"
        );
    }

    /// A plan large enough to be rendered in slices on several threads reads as the changes
    /// rendered one after another, in the plan's order.
    #[test]
    fn a_large_plan_renders_its_changes_in_order() {
        let changes: Vec<ResourceChange> = (0..5_000)
            .map(|index| {
                let address = ResourceId::managed("aws_vpc", &format!("v{index}")).instance(None);
                let after = Value::Map(
                    [("cidr_block".to_string(), Value::string(format!("10.{index}.0.0/16")))]
                        .into_iter()
                        .collect(),
                );
                ResourceChange::new(address, "aws_vpc", Action::Create, Value::Null, after)
            })
            .collect();
        let style = Style { colour: false };
        let mut one_by_one = String::new();
        for change in &changes {
            write_change(&mut one_by_one, change, None, style, false);
            one_by_one.push('\n');
        }
        let plan = Plan { changes, ..Plan::default() };

        let text = plan_text(&plan, &Registry::new(), style);

        assert!(text.contains(&one_by_one), "the changes are not in the plan's order");
        assert!(text.contains("Plan: 5000 to add, 0 to change, 0 to destroy."));
    }
}
