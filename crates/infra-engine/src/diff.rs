//! Planning one resource instance: from its evaluated configuration and its refreshed prior
//! object to an action and a planned object. Pure; driven by the type's schema.

use std::collections::BTreeMap;

use infra_config::{IgnoreChanges, Lifecycle};
use infra_core::tagging::Tagging;
use infra_core::{Action, ResourceType, Schema, Value};

use crate::plan::Reason;

/// The decision for one instance.
#[derive(Clone, Debug, PartialEq)]
pub struct InstancePlan {
    pub action: Action,
    pub reason: Option<Reason>,
    pub after: Value,
    pub replace_paths: Vec<String>,
}

/// Inputs for [`plan_instance`].
pub struct InstanceInput<'a> {
    pub resource: &'a dyn ResourceType,
    /// The evaluated body (attributes set in config; blocks as lists of objects).
    pub config: &'a Value,
    /// The refreshed object, if it exists.
    pub prior: Option<&'a Value>,
    pub lifecycle: &'a Lifecycle,
    /// The provider's tagging, for a taggable type.
    pub tagging: Option<&'a dyn Tagging>,
    /// `-replace=ADDR` named this instance.
    pub force_replace: bool,
    /// The state marks the prior object tainted: it is replaced whatever changed.
    pub tainted: bool,
    /// What the object stores of the instance's `timeouts` block
    /// ([`infra_core::Schema::stored_timeouts`]).
    pub timeouts: Value,
}

/// Plans one instance. The configured `timeouts` are stored in the object, as Terraform
/// stores them; a change to them alone is an update that only the state sees
/// ([`only_timeouts_change`]).
pub fn plan_instance(input: InstanceInput<'_>) -> InstancePlan {
    let mut decision = plan_object(&input);
    if input.resource.schema().timeouts.is_empty() {
        return decision;
    }
    let stored =
        input.prior.map(|prior| prior.get("timeouts").unmark_deep()).unwrap_or(Value::Null);
    let ignored = match &input.lifecycle.ignore_changes {
        IgnoreChanges::None => false,
        IgnoreChanges::All => true,
        IgnoreChanges::Paths(paths) => paths.iter().any(|path| path == "timeouts"),
    };
    let timeouts =
        if ignored && input.prior.is_some() { stored.clone() } else { input.timeouts.clone() };
    if decision.action == Action::NoOp && timeouts != stored {
        decision.action = Action::Update;
    }
    if let Some(entries) = decision.after.map_mut() {
        entries.insert("timeouts".to_string(), timeouts);
    }
    decision
}

/// Whether an update changes nothing but the stored `timeouts`: the provider has nothing to
/// do, and the state takes the new ones.
pub fn only_timeouts_change(prior: &Value, after: &Value) -> bool {
    let without = |value: &Value| {
        let mut value = value.unmark_deep();
        if let Some(entries) = value.map_mut() {
            entries.remove("timeouts");
        }
        value
    };
    prior.get("timeouts").unmark_deep() != after.get("timeouts").unmark_deep()
        && without(prior) == without(after)
}

/// Carries what an object stores and the provider cannot read from `prior` to what the
/// provider read of it (`remote`): the `timeouts`, and the arguments infra does not support
/// yet ([`Schema::keep_not_supported`]), which keep what a Terraform state holds for them.
pub fn keep_stored_timeouts(schema: &Schema, prior: &Value, remote: &mut Value) {
    schema.keep_not_supported(prior, remote);
    if schema.timeouts.is_empty() {
        return;
    }
    if let Some(entries) = remote.map_mut() {
        entries.insert("timeouts".to_string(), prior.get("timeouts").clone());
    }
}

fn plan_object(input: &InstanceInput<'_>) -> InstancePlan {
    let schema = input.resource.schema();
    let Some(prior) = input.prior else {
        let after = planned_object(input, None);
        return InstancePlan { action: Action::Create, reason: None, after, replace_paths: vec![] };
    };
    let mut proposed = planned_object(input, Some(prior));
    apply_ignore_changes(schema, input.lifecycle, prior, &mut proposed);
    keep_cleared_changes(input, prior, &mut proposed);

    let changed = changed_paths(schema, prior, &proposed);
    let mut replace_paths: Vec<String> =
        changed.iter().filter(|c| c.force_new).map(|c| c.path.clone()).collect();
    let changed_names: Vec<String> = changed.iter().map(|c| c.path.clone()).collect();
    for path in input.resource.replacing_changes(prior, &proposed, &changed_names) {
        if !replace_paths.contains(&path) {
            replace_paths.push(path);
        }
    }
    let replace_action = if input.lifecycle.create_before_destroy {
        Action::CreateThenDelete
    } else {
        Action::DeleteThenCreate
    };
    if input.tainted || input.force_replace || !replace_paths.is_empty() {
        // A new object: computed attributes are not known until it exists.
        let mut after = planned_object(input, None);
        apply_ignore_changes(schema, input.lifecycle, prior, &mut after);
        keep_cleared_changes(input, prior, &mut after);
        let reason = if input.tainted {
            Reason::ReplaceBecauseTainted
        } else if input.force_replace {
            Reason::ReplaceByRequest
        } else {
            Reason::ReplaceBecauseCannotUpdate
        };
        return InstancePlan { action: replace_action, reason: Some(reason), after, replace_paths };
    }
    if changed.is_empty() {
        InstancePlan {
            action: Action::NoOp,
            reason: None,
            after: prior.clone(),
            replace_paths: vec![],
        }
    } else {
        let new_values = input.resource.unknown_after_update(prior, &proposed);
        if let Some(object) = proposed.map_mut() {
            for name in new_values {
                object.insert(name.to_string(), Value::Unknown);
            }
        }
        InstancePlan {
            action: Action::Update,
            reason: None,
            after: proposed,
            replace_paths: vec![],
        }
    }
}

/// The provider's cleared changes ([`ResourceType::cleared_changes`]) take `prior`'s values.
fn keep_cleared_changes(input: &InstanceInput<'_>, prior: &Value, planned: &mut Value) {
    let cleared = input.resource.cleared_changes(prior, planned);
    if let Some(object) = planned.map_mut() {
        for name in cleared {
            object.insert(name.to_string(), prior.get(name).clone());
        }
    }
}

/// The object as it will be: config values, then schema defaults, then (for computed
/// attributes) the prior value or Unknown. Sensitive attributes are marked.
fn planned_object(input: &InstanceInput<'_>, prior: Option<&Value>) -> Value {
    let schema = input.resource.schema();
    let mut value = object_from_schema(schema, input.config, prior);
    if let (true, Some(tagging)) = (schema.taggable, input.tagging) {
        tagging.plan(&mut value);
    }
    normalize(input.resource, &mut value);
    value
}

fn object_from_schema(schema: &Schema, config: &Value, prior: Option<&Value>) -> Value {
    let mut out = BTreeMap::new();
    for attribute in &schema.attributes {
        let configured = config.get(attribute.name);
        let mut value = if attribute.not_supported.is_some() {
            // Neither set nor read by infra: what the object has stays (null on create).
            prior.map_or(Value::Null, |p| p.get(attribute.name).clone())
        } else if attribute.is_settable() && !configured.is_null() {
            configured.clone()
        } else if let Some(default) = &attribute.default {
            default.clone()
        } else if attribute.is_computed() {
            match prior.map(|p| p.get(attribute.name)) {
                Some(previous) if !previous.is_null() => previous.clone(),
                Some(_) => Value::Null,
                None => Value::Unknown,
            }
        } else {
            // An unset argument the provider stored as its zero value (`""`, `false`, `0`, as
            // SDKv2 stores them), or as the value it stands for unset with, stays as stored:
            // the provider sees no change there.
            match prior.map(|p| p.get(attribute.name)) {
                Some(previous)
                    if is_zero_primitive(previous)
                        || attribute.stored_when_unset.as_ref() == Some(previous.unmarked()) =>
                {
                    previous.clone()
                }
                _ => Value::Null,
            }
        };
        if attribute.sensitive && !value.is_null() {
            value = value.mark_sensitive();
        }
        out.insert(attribute.name.to_string(), value);
    }
    for block in &schema.blocks {
        if block.not_supported.is_some() {
            let kept = prior.map(|p| p.get(block.name)).filter(|v| !v.is_null());
            out.insert(block.name.to_string(), kept.cloned().unwrap_or_else(|| block.absent()));
            continue;
        }
        let configured = config.get(block.name);
        let items = match configured.unmarked() {
            Value::List(items) => {
                let prior_items = prior.and_then(|p| p.get(block.name).as_list()).unwrap_or(&[]);
                let pairs = prior_counterparts(block, items, prior_items);
                Value::List(
                    items
                        .iter()
                        .zip(pairs)
                        .map(|(item, prior_item)| {
                            // Nested computed values come from the prior object only; never
                            // Unknown, so an unchanged block stays unchanged.
                            object_from_schema(
                                &block.schema,
                                item,
                                Some(prior_item.unwrap_or(&Value::Null)),
                            )
                        })
                        .collect(),
                )
            }
            Value::Unknown => Value::Unknown,
            // None configured: a computed block keeps the prior object's (unknown on create).
            _ if block.computed => match prior.map(|p| p.get(block.name)) {
                Some(previous) if !previous.is_null() => previous.clone(),
                Some(_) => Value::List(vec![]),
                None => Value::Unknown,
            },
            _ if block.kept_when_unset => match prior.map(|p| p.get(block.name)) {
                Some(previous) if !previous.is_null() => previous.clone(),
                _ => Value::List(vec![]),
            },
            _ => Value::List(vec![]),
        };
        out.insert(block.name.to_string(), items);
    }
    Value::Map(out)
}

/// The prior object each configured block takes its computed values from. A list block's
/// items pair by position. A set's have no order (the state keeps them sorted), so each
/// configured item pairs with the unused prior item that agrees with it on the most of its
/// configured attributes (a replica with the one in its `region_name`), else by position.
fn prior_counterparts<'a>(
    block: &infra_core::Block,
    items: &[Value],
    prior_items: &'a [Value],
) -> Vec<Option<&'a Value>> {
    if block.nesting == infra_core::Nesting::List {
        return (0..items.len()).map(|i| prior_items.get(i)).collect();
    }
    let agreement = |item: &Value, prior_item: &Value| {
        block
            .schema
            .attributes
            .iter()
            .filter(|a| a.is_settable())
            .filter(|a| {
                let configured = item.get(a.name);
                !configured.is_null()
                    && configured.is_wholly_known()
                    && equivalent(configured, prior_item.get(a.name))
            })
            .count()
    };
    let mut used = vec![false; prior_items.len()];
    let mut pairs = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let best = (0..prior_items.len())
            .filter(|&j| !used[j])
            .map(|j| (agreement(item, &prior_items[j]), j))
            .filter(|(score, _)| *score > 0)
            .max_by_key(|(score, j)| (*score, std::cmp::Reverse(*j)))
            .map(|(_, j)| j)
            .or_else(|| (i < prior_items.len() && !used[i]).then_some(i));
        if let Some(j) = best {
            used[j] = true;
        }
        pairs.push(best.map(|j| &prior_items[j]));
    }
    pairs
}

/// Schema normalization, then the type's own.
pub fn normalize(resource: &dyn ResourceType, value: &mut Value) {
    resource.schema().normalize(value);
    resource.normalize(value);
}

/// Marks the schema's sensitive attributes in an object read from the provider.
pub fn mark_sensitive(schema: &Schema, value: &mut Value) {
    if let Some(entries) = value.map_mut() {
        for attribute in schema.attributes.iter().filter(|a| a.sensitive) {
            if let Some(v) = entries.get_mut(attribute.name) {
                if !v.is_null() {
                    *v = std::mem::take(v).mark_sensitive();
                }
            }
        }
    }
}

fn apply_ignore_changes(
    schema: &Schema,
    lifecycle: &Lifecycle,
    prior: &Value,
    proposed: &mut Value,
) {
    let paths: Vec<String> = match &lifecycle.ignore_changes {
        IgnoreChanges::None => return,
        IgnoreChanges::All => schema
            .attributes
            .iter()
            .filter(|a| a.is_settable())
            .map(|a| a.name.to_string())
            .chain(schema.blocks.iter().map(|b| b.name.to_string()))
            .collect(),
        IgnoreChanges::Paths(paths) => paths.clone(),
    };
    let Some(entries) = proposed.map_mut() else {
        return;
    };
    for path in paths {
        let steps = infra_core::path::parse_path(&path);
        match steps.as_slice() {
            [infra_core::path::PathStep::Attr(name)] => {
                entries.insert(name.clone(), prior.get(name).clone());
                for follower in
                    schema.attributes.iter().filter(|a| a.follows == Some(name.as_str()))
                {
                    entries.insert(follower.name.into(), prior.get(follower.name).clone());
                }
            }
            [infra_core::path::PathStep::Attr(name), infra_core::path::PathStep::Attr(key)] => {
                if let Some(map) = entries.get_mut(name).and_then(Value::map_mut) {
                    match prior.get(name).get(key) {
                        Value::Null => map.remove(key),
                        previous => map.insert(key.clone(), previous.clone()),
                    };
                }
            }
            _ => {}
        }
    }
}

/// One changed path and whether it forces replacement.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangedPath {
    pub path: String,
    pub force_new: bool,
}

/// Compares what the configuration controls: settable attributes, the computed ones marked
/// [`infra_core::Attribute::compared`], and blocks.
pub fn changed_paths(schema: &Schema, prior: &Value, proposed: &Value) -> Vec<ChangedPath> {
    let mut changed = Vec::new();
    collect_changes(schema, prior, proposed, "", false, &mut changed);
    changed
}

fn collect_changes(
    schema: &Schema,
    prior: &Value,
    proposed: &Value,
    prefix: &str,
    inherited_force_new: bool,
    changed: &mut Vec<ChangedPath>,
) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        }
    };
    for attribute in &schema.attributes {
        // Write-only arguments are never stored, so never compared: their `*_wo_version`
        // companion says when to send them again.
        // Nor are the arguments infra does not support: it keeps what the object has of them.
        let compared = (attribute.is_settable()
            && !attribute.write_only
            && !attribute.config_only
            && attribute.not_supported.is_none())
            || attribute.compared;
        if !compared {
            continue;
        }
        let before = prior.get(attribute.name);
        let after = proposed.get(attribute.name);
        if !equivalent(before, after) && !both_unset(before, after) {
            changed.push(ChangedPath {
                path: join(attribute.name),
                force_new: attribute.force_new || inherited_force_new,
            });
        }
    }
    for block in schema.blocks.iter().filter(|b| b.not_supported.is_none()) {
        let before = prior.get(block.name);
        let after = proposed.get(block.name);
        if equivalent(before, after) {
            continue;
        }
        let before_items = before.as_list().unwrap_or(&[]);
        let after_items = after.as_list();
        match after_items {
            Some(after_items) if before_items.len() == after_items.len() => {
                for (i, (b, a)) in before_items.iter().zip(after_items).enumerate() {
                    collect_changes(
                        &block.schema,
                        b,
                        a,
                        &format!("{}[{i}]", join(block.name)),
                        block.force_new || inherited_force_new,
                        changed,
                    );
                }
            }
            _ => {
                let nested_force_new = block.schema.attributes.iter().any(|a| a.force_new);
                changed.push(ChangedPath {
                    path: join(block.name),
                    force_new: block.force_new || inherited_force_new || nested_force_new,
                });
            }
        }
    }
}

/// A string, bool or number at its zero value (`""`, `false`, `0`).
fn is_zero_primitive(value: &Value) -> bool {
    match value.unmarked() {
        Value::String(text) => text.is_empty(),
        Value::Bool(flag) => !flag,
        Value::Number(number) => *number == 0.0,
        _ => false,
    }
}

/// Both null or a zero primitive: the same to a provider built on the plugin SDK, which reads
/// an absent attribute as its zero value (a state that an older provider wrote lacks the
/// attributes added since, and Terraform's providers store `""` for an unset string).
fn both_unset(a: &Value, b: &Value) -> bool {
    let unset = |v: &Value| v.is_null() || is_zero_primitive(v);
    unset(a) && unset(b)
}

/// Equal after removing marks; empty collections and null are the same (as the provider
/// treats an unset list and an empty one).
pub fn equivalent(a: &Value, b: &Value) -> bool {
    let a = a.unmark_deep();
    let b = b.unmark_deep();
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::List(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        _ => false,
    };
    if empty(&a) && empty(&b) {
        return true;
    }
    match (&a, &b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < 1e-9,
        (Value::Map(x), Value::Map(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().all(|k| {
                equivalent(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null))
            })
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equivalent(p, q))
        }
        (Value::Unknown, _) | (_, Value::Unknown) => false,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::{Attribute, Block, Creating, Deleting, ProviderError, Type, Updating};

    /// A schema-only resource type: the diff never calls the provider.
    struct Network(Schema);

    impl Network {
        fn new() -> Network {
            Network(
                Schema::new()
                    .attr(Attribute::required("cidr_block", Type::String).force_new())
                    .attr(
                        Attribute::optional("enable_dns_support", Type::Bool)
                            .default(Value::Bool(true)),
                    )
                    .attr(Attribute::optional("password", Type::String).sensitive())
                    .attr(Attribute::computed("id", Type::String))
                    .block(Block::set(
                        "ingress",
                        Schema::new().attr(Attribute::required("from_port", Type::Number)),
                    ))
                    .attr(Attribute::optional("labels", Type::map(Type::String)))
                    .attr(
                        Attribute::computed("all_labels", Type::map(Type::String))
                            .compared()
                            .follows("labels"),
                    )
                    .taggable(),
            )
        }
    }

    /// A provider whose objects carry the label `Team = platform` under their own labels.
    struct DefaultLabels;

    impl Tagging for DefaultLabels {
        fn plan(&self, planned: &mut Value) {
            let mut all = BTreeMap::from([("Team".to_string(), Value::string("platform"))]);
            if let Some(own) = planned.get("labels").as_map() {
                all.extend(own.clone());
            }
            if let Some(entries) = planned.map_mut() {
                entries.insert("all_labels".into(), Value::Map(all));
            }
        }
        fn read(&self, _: &mut Value, _: &Value) {}
        fn applied(&self, _: &mut Value, _: &Value) {}
    }

    #[async_trait::async_trait]
    impl ResourceType for Network {
        fn name(&self) -> &'static str {
            "test_network"
        }
        fn schema(&self) -> &Schema {
            &self.0
        }
        /// As a provider's CustomizeDiff may: removing the password is no change.
        fn cleared_changes(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
            if !prior.get("password").is_null() && planned.get("password").is_null() {
                vec!["password"]
            } else {
                vec![]
            }
        }
        async fn create(&self, _at: Creating<'_>) -> Result<Value, ProviderError> {
            unreachable!("the diff never calls the provider")
        }
        async fn update(&self, _at: Updating<'_>) -> Result<Value, ProviderError> {
            unreachable!("the diff never calls the provider")
        }
        async fn delete(&self, _at: Deleting<'_>) -> Result<(), ProviderError> {
            unreachable!("the diff never calls the provider")
        }
        async fn read_many(&self, _: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
            unreachable!("the diff never calls the provider")
        }
        async fn find_created(&self, _at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
            unreachable!("the diff never calls the provider")
        }
    }

    fn config(cidr: &str, name: &str) -> Value {
        Value::map([
            ("cidr_block", Value::string(cidr)),
            ("labels", Value::map([("Name", Value::string(name))])),
            ("ingress", Value::List(vec![Value::map([("from_port", Value::Number(443.0))])])),
        ])
    }

    fn decide(config: &Value, prior: Option<&Value>, lifecycle: &Lifecycle) -> InstancePlan {
        plan_instance(InstanceInput {
            resource: &Network::new(),
            config,
            prior,
            lifecycle,
            tagging: Some(&DefaultLabels),
            force_replace: false,
            tainted: false,
            timeouts: Value::Null,
        })
    }

    /// What the provider would have stored after creating `config`.
    fn applied(config: &Value) -> Value {
        let mut value = decide(config, None, &Lifecycle::default()).after;
        value.map_mut().unwrap().insert("id".into(), Value::string("net-1"));
        value
    }

    #[test]
    fn create_has_the_providers_tagging_and_unknown_computed() {
        let plan = decide(&config("10.0.0.0/16", "a"), None, &Lifecycle::default());
        assert_eq!(plan.action, Action::Create);
        assert_eq!(plan.after.get("enable_dns_support"), &Value::Bool(true));
        assert_eq!(plan.after.get("id"), &Value::Unknown);
        assert_eq!(plan.after.get("all_labels").get("Team"), &Value::string("platform"));
        assert_eq!(plan.after.get("all_labels").get("Name"), &Value::string("a"));
    }

    #[test]
    fn unchanged_is_no_op_tag_change_is_update_cidr_change_is_replace() {
        let prior = applied(&config("10.0.0.0/16", "a"));
        assert_eq!(
            decide(&config("10.0.0.0/16", "a"), Some(&prior), &Lifecycle::default()).action,
            Action::NoOp
        );

        let update = decide(&config("10.0.0.0/16", "b"), Some(&prior), &Lifecycle::default());
        assert_eq!(update.action, Action::Update);
        assert_eq!(
            update.after.get("id"),
            &Value::string("net-1"),
            "an update keeps computed values"
        );

        let replace = decide(&config("10.1.0.0/16", "a"), Some(&prior), &Lifecycle::default());
        assert_eq!(replace.action, Action::DeleteThenCreate);
        assert_eq!(replace.replace_paths, vec!["cidr_block".to_string()]);
        assert_eq!(
            replace.after.get("id"),
            &Value::Unknown,
            "a replacement's computed values are unknown"
        );
        assert_eq!(replace.reason, Some(Reason::ReplaceBecauseCannotUpdate));

        let create_first = Lifecycle { create_before_destroy: true, ..Lifecycle::default() };
        assert_eq!(
            decide(&config("10.1.0.0/16", "a"), Some(&prior), &create_first).action,
            Action::CreateThenDelete
        );
    }

    #[test]
    fn a_change_the_provider_clears_keeps_the_prior_value() {
        let with_password = |password: Option<&str>| {
            let mut value = config("10.0.0.0/16", "a");
            if let (Some(password), Some(entries)) = (password, value.map_mut()) {
                entries.insert("password".into(), Value::string(password));
            }
            value
        };
        let prior = applied(&with_password(Some("one")));
        let removed = decide(&with_password(None), Some(&prior), &Lifecycle::default());
        assert_eq!(removed.action, Action::NoOp, "{:?}", removed.after);
        let changed = decide(&with_password(Some("two")), Some(&prior), &Lifecycle::default());
        assert_eq!(changed.action, Action::Update);
        // In a replacement the new object keeps it too.
        let mut replaced_config = with_password(None);
        replaced_config
            .map_mut()
            .unwrap()
            .insert("cidr_block".into(), Value::string("10.1.0.0/16"));
        let replaced = decide(&replaced_config, Some(&prior), &Lifecycle::default());
        assert_eq!(replaced.action, Action::DeleteThenCreate);
        assert_eq!(replaced.after.get("password").unmarked(), &Value::string("one"));
    }

    #[test]
    fn ignore_changes_keeps_the_prior_value() {
        let prior = applied(&config("10.0.0.0/16", "a"));
        let ignore_tags = Lifecycle {
            ignore_changes: IgnoreChanges::Paths(vec!["labels".into()]),
            ..Lifecycle::default()
        };
        assert_eq!(
            decide(&config("10.0.0.0/16", "b"), Some(&prior), &ignore_tags).action,
            Action::NoOp
        );
        let ignore_all = Lifecycle { ignore_changes: IgnoreChanges::All, ..Lifecycle::default() };
        assert_eq!(
            decide(&config("10.9.0.0/16", "b"), Some(&prior), &ignore_all).action,
            Action::NoOp
        );
    }

    #[test]
    fn an_unknown_reference_to_a_force_new_attribute_forces_replacement() {
        let prior = applied(&config("10.0.0.0/16", "a"));
        let mut unknown = config("10.0.0.0/16", "a");
        unknown.map_mut().unwrap().insert("cidr_block".into(), Value::Unknown);
        assert_eq!(
            decide(&unknown, Some(&prior), &Lifecycle::default()).action,
            Action::DeleteThenCreate
        );
    }

    #[test]
    fn sensitive_attributes_are_marked() {
        let mut with_password = config("10.0.0.0/16", "a");
        with_password.map_mut().unwrap().insert("password".into(), Value::string("hunter2"));
        let plan = decide(&with_password, None, &Lifecycle::default());
        assert!(plan.after.get("password").is_sensitive());
        assert!(!plan.after.to_string().contains("hunter2"));
    }

    #[test]
    fn a_not_supported_argument_keeps_what_the_object_has_and_never_changes() {
        let network = Network(
            Network::new()
                .0
                .not_supported("zonal_shift", Type::Bool, "set it outside infra")
                .not_supported("logs", infra_core::Nesting::List, "set it outside infra"),
        );
        let decide = |prior: Option<&Value>| {
            plan_instance(InstanceInput {
                resource: &network,
                config: &config("10.0.0.0/16", "a"),
                prior,
                lifecycle: &Lifecycle::default(),
                tagging: Some(&DefaultLabels),
                force_replace: false,
                tainted: false,
                timeouts: Value::Null,
            })
        };
        let created = decide(None).after;
        assert_eq!(created.get("zonal_shift"), &Value::Null, "never unknown");
        assert_eq!(created.get("logs"), &Value::List(vec![]));

        // What a Terraform state holds for them stays, and is no change.
        let mut prior = applied(&config("10.0.0.0/16", "a"));
        let entries = prior.map_mut().unwrap();
        entries.insert("zonal_shift".into(), Value::Bool(true));
        entries
            .insert("logs".into(), Value::List(vec![Value::map([("bucket", Value::string("b"))])]));
        let kept = decide(Some(&prior));
        assert_eq!(kept.action, Action::NoOp);
        assert_eq!(kept.after.get("zonal_shift"), &Value::Bool(true));

        let mut renamed = config("10.0.0.0/16", "b");
        renamed.map_mut().unwrap().remove("ingress");
        let update = plan_instance(InstanceInput {
            resource: &network,
            config: &renamed,
            prior: Some(&prior),
            lifecycle: &Lifecycle::default(),
            tagging: Some(&DefaultLabels),
            force_replace: false,
            tainted: false,
            timeouts: Value::Null,
        });
        assert_eq!(update.action, Action::Update);
        assert_eq!(update.after.get("zonal_shift"), &Value::Bool(true));
        assert_eq!(update.after.get("logs"), prior.get("logs"));
        let changed: Vec<String> = changed_paths(network.schema(), &prior, &update.after)
            .into_iter()
            .map(|c| c.path)
            .collect();
        assert_eq!(changed, ["labels", "all_labels", "ingress"]);

        // A read cannot know them: the stored values are carried over.
        let mut read = prior.clone();
        read.map_mut().unwrap().remove("zonal_shift");
        normalize(&network, &mut read);
        assert_eq!(read.get("zonal_shift"), &Value::Null);
        keep_stored_timeouts(network.schema(), &prior, &mut read);
        assert_eq!(read.get("zonal_shift"), &Value::Bool(true));
    }

    #[test]
    fn set_blocks_compare_without_order() {
        let two = |a: f64, b: f64| {
            let mut c = config("10.0.0.0/16", "a");
            c.map_mut().unwrap().insert(
                "ingress".into(),
                Value::List(vec![
                    Value::map([("from_port", Value::Number(a))]),
                    Value::map([("from_port", Value::Number(b))]),
                ]),
            );
            c
        };
        let prior = applied(&two(80.0, 443.0));
        assert_eq!(
            decide(&two(443.0, 80.0), Some(&prior), &Lifecycle::default()).action,
            Action::NoOp
        );
        assert_eq!(
            decide(&two(443.0, 22.0), Some(&prior), &Lifecycle::default()).action,
            Action::Update
        );
    }
}

#[cfg(test)]
mod set_pairing_tests {
    use super::*;
    use infra_core::{Attribute, Block, Type};

    fn replica_block() -> Block {
        Block::set(
            "replica",
            Schema::new()
                .attr(Attribute::required("region_name", Type::String))
                .attr(Attribute::optional("point_in_time_recovery", Type::Bool))
                .attr(Attribute::computed("arn", Type::String)),
        )
    }

    fn item(region: &str, arn: Option<&str>) -> Value {
        let mut entries = vec![("region_name", Value::string(region))];
        if let Some(arn) = arn {
            entries.push(("arn", Value::string(arn)));
        }
        Value::map(entries)
    }

    #[test]
    fn a_set_item_takes_its_computed_values_from_the_prior_item_it_agrees_with() {
        let block = replica_block();
        let prior = [item("eu-west-1", Some("arn-eu")), item("us-west-2", Some("arn-us"))];
        let config = [item("us-west-2", None), item("ap-south-1", None), item("eu-west-1", None)];
        let pairs = prior_counterparts(&block, &config, &prior);
        assert_eq!(pairs[0].map(|p| p.get("arn").clone()), Some(Value::string("arn-us")));
        assert_eq!(pairs[1], None, "a new item pairs with nothing left");
        assert_eq!(pairs[2].map(|p| p.get("arn").clone()), Some(Value::string("arn-eu")));

        // A list pairs by position.
        let list = Block::list("replica", block.schema.clone());
        let pairs = prior_counterparts(&list, &config[..2], &prior);
        assert_eq!(pairs[0].map(|p| p.get("arn").clone()), Some(Value::string("arn-eu")));
    }

    /// An Optional+Computed block inside a set item (an ECS lifecycle hook's
    /// `timeout_configuration`, which the provider fills from AWS): left out of the
    /// configuration, it keeps what the prior item holds, and a new item has none.
    #[test]
    fn a_computed_block_in_a_set_item_keeps_the_prior_items_when_unset() {
        let timeout = Block::single(
            "timeout_configuration",
            Schema::new().attr(Attribute::optional_computed("action", Type::String)),
        )
        .computed();
        let hook = Block::set(
            "lifecycle_hook",
            Schema::new().attr(Attribute::required("target_type", Type::String)).block(timeout),
        );
        let schema = Schema::new().block(hook);
        let filled = Value::map([(
            "timeout_configuration",
            Value::List(vec![Value::map([("action", Value::string("ROLLBACK"))])]),
        )]);
        let prior = Value::map([(
            "lifecycle_hook",
            Value::List(vec![Value::map([
                ("target_type", Value::string("PAUSE")),
                ("timeout_configuration", filled.get("timeout_configuration").clone()),
            ])]),
        )]);
        let config = |target_type: &str| {
            Value::map([(
                "lifecycle_hook",
                Value::List(vec![Value::map([("target_type", Value::string(target_type))])]),
            )])
        };
        let kept = object_from_schema(&schema, &config("PAUSE"), Some(&prior));
        assert_eq!(kept, prior);
        let created = object_from_schema(&schema, &config("PAUSE"), None);
        assert_eq!(
            created.get("lifecycle_hook").as_list().unwrap()[0].get("timeout_configuration"),
            &Value::List(vec![])
        );
    }
}
