//! `aws_cloudwatch_event_rule`: an EventBridge rule (an event pattern or a schedule) on an
//! event bus.
//!
//! The ID is `name` on the default bus, else `bus/name`; the import ID is the same
//! (`event_bus_name/rule_name`, or the rule name alone for the default bus). PutRule creates
//! the rule and, with every argument, updates it in place; tags change with TagResource /
//! UntagResource. `name`, `name_prefix` and `event_bus_name` force a new rule. `state` (or the
//! deprecated `is_enabled`) enables or disables it; both are read back. Refresh is DescribeRule
//! plus ListTagsForResource per rule (the tags are not in ListRules, so a batch saves nothing).
//! `force_destroy` is configuration only: delete passes `Force` for rules managed by an AWS
//! service.
//!
//! moto holds and returns every argument, so drift on each is seen in tests.

use std::collections::BTreeMap;

use aws_sdk_eventbridge::operation::describe_rule::DescribeRuleOutput;
use aws_sdk_eventbridge::types::RuleState;
use infra_core::{Attribute, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{
    boolean, canonical_json, computed_name_prefix_attribute, deleted_or_gone, has_managed_tags,
    known, name_attribute, non_empty, policy_value, resource_tag_changes, sent, string, text,
    text_or_null,
};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{read, string as text_of, Declared};
use crate::ec2_support::name_for_create;
use crate::events_support::{
    bus_or_default, is_gone, parse_rule_id, rule_id, sdk_tags, tags_of, DEFAULT_BUS,
};
use crate::tagging::ManagedTags;

const STATES: &[&str] = &["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"];

/// A rule runs on a pattern or a schedule: at least one of them (the provider's
/// `AtLeastOneOf` on each).
const PATTERN_OR_SCHEDULE: &[&str] = &["schedule_expression", "event_pattern"];

pub type AwsCloudwatchEventRule = ObjectType<RuleObject>;

pub struct RuleObject;

/// A rule as DescribeRule answered, and its bus as the prior value names it (the
/// configuration may name the bus by ARN; its spelling is kept when it is this bus).
pub struct RuleRead {
    rule: DescribeRuleOutput,
    bus: String,
}

impl RuleRead {
    fn name(&self) -> &str {
        self.rule.name().unwrap_or_default()
    }

    fn state(&self) -> Option<&str> {
        self.rule.state().map(|s| s.as_str())
    }
}

/// The rule `name` on `bus` with its tags; `None` when there is none.
async fn find(
    this: &AwsCloudwatchEventRule,
    bus: &str,
    name: &str,
) -> Result<Option<Tagged<RuleRead>>, ProviderError> {
    let client = &this.aws.clients().await.events;
    let rule = match sent!(client.describe_rule().name(name).event_bus_name(bus)) {
        Ok(rule) => rule,
        Err(error) if is_gone(&error) => return Ok(None),
        Err(error) => return Err(error),
    };
    let tags = match rule.arn() {
        Some(arn) => tags_of(client, arn).await?,
        None => vec![],
    };
    let bus = match rule.event_bus_name().filter(|b| !b.is_empty()) {
        Some(reported) if !bus.ends_with(&format!("/{reported}")) => reported.to_string(),
        _ => bus.to_string(),
    };
    Ok(Some(Tagged { object: RuleRead { rule, bus }, tags }))
}

/// PutRule with every argument: creates the rule, or replaces its settings.
async fn put(
    this: &AwsCloudwatchEventRule,
    name: &str,
    planned: &Value,
    tags: Option<&BTreeMap<String, String>>,
) -> Result<(), ProviderError> {
    let client = &this.aws.clients().await.events;
    let state = planned_state(planned);
    let mut request = client
        .put_rule()
        .name(name)
        .event_bus_name(bus_or_default(string(planned, "event_bus_name")))
        .set_description(string(planned, "description"))
        .set_event_pattern(non_empty(planned, "event_pattern").map(|p| canonical_json(&p)))
        .set_schedule_expression(non_empty(planned, "schedule_expression"))
        .set_role_arn(non_empty(planned, "role_arn"))
        .state(RuleState::from(state.as_str()));
    if let Some(tags) = tags {
        request = request.set_tags(Some(sdk_tags(tags)?));
    }
    sent!(request)?;
    Ok(())
}

/// The state to ask for: `state`, else the deprecated `is_enabled`, else enabled.
fn planned_state(planned: &Value) -> String {
    if let Some(state) = non_empty(planned, "state") {
        return state;
    }
    match boolean(planned, "is_enabled") {
        Some(false) => "DISABLED".to_string(),
        _ => "ENABLED".to_string(),
    }
}

/// The prefix of a generated name (`prefix` + 26 digits), as the provider derives
/// `name_prefix` on import.
fn generated_prefix(name: &str) -> Option<&str> {
    let split = name.len().checked_sub(26)?;
    let (prefix, suffix) = (name.get(..split)?, name.get(split..)?);
    suffix.bytes().all(|b| b.is_ascii_digit()).then_some(prefix)
}

impl AwsObject for RuleObject {
    type Object = RuleRead;
    const NAME: &'static str = "aws_cloudwatch_event_rule";
    const KIND: &'static str = "EventBridge rule";
    /// The key is the rule's ID (`bus/name`, or the name on the default bus).
    const KEY: &'static str = "name";
    const GENERATED_NAME: bool = true;

    fn attributes() -> Vec<Declared<RuleRead>> {
        let optional = |name| Attribute::optional(name, Type::String);
        vec![
            read(Attribute::computed("id", Type::String), |r: &RuleRead, _| {
                Value::string(rule_id(&r.bus, r.name()))
            }),
            text_of(Attribute::computed("arn", Type::String), |r: &RuleRead| r.rule.arn()),
            read(name_attribute(), |r: &RuleRead, _| Value::string(r.name())),
            read(computed_name_prefix_attribute(), |r: &RuleRead, at| {
                match known(at.prior, "name_prefix") {
                    Value::Null => text(generated_prefix(r.name())),
                    prefix => prefix,
                }
            }),
            read(
                optional("schedule_expression").at_least_one_of(PATTERN_OR_SCHEDULE),
                |r: &RuleRead, _| text_or_null(r.rule.schedule_expression()),
            ),
            read(
                optional("event_bus_name").default(Value::string(DEFAULT_BUS)).force_new(),
                |r: &RuleRead, _| Value::string(&r.bus),
            ),
            read(
                Attribute::optional("event_pattern", Type::Json)
                    .at_least_one_of(PATTERN_OR_SCHEDULE),
                |r: &RuleRead, at| {
                    policy_value(r.rule.event_pattern(), at.prior.get("event_pattern"))
                },
            ),
            read(optional("description"), |r: &RuleRead, _| text_or_null(r.rule.description())),
            read(optional("role_arn"), |r: &RuleRead, _| text_or_null(r.rule.role_arn())),
            read(
                Attribute::optional_computed("is_enabled", Type::Bool).conflicts_with(&["state"]),
                |r: &RuleRead, _| Value::Bool(r.state().is_some_and(|s| s.starts_with("ENABLED"))),
            ),
            read(
                Attribute::optional_computed("state", Type::String)
                    .check(Check::OneOf(STATES))
                    .conflicts_with(&["is_enabled"]),
                |r: &RuleRead, _| text(r.state()),
            ),
            read(
                Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)),
                |_: &RuleRead, at| Value::Bool(boolean(at.prior, "force_destroy").unwrap_or(false)),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(1)
    }

    /// The provider's `resourceRuleUpgradeV0`: `state` from the older `is_enabled`.
    fn upgrade_state(from: u64, mut value: Value) -> Result<Value, String> {
        if from == 0 {
            if let Some(entries) = value.map_mut() {
                let enabled = entries.get("is_enabled").and_then(Value::as_bool) == Some(true);
                let state = if enabled { "ENABLED" } else { "DISABLED" };
                entries.insert("state".into(), Value::string(state));
            }
        }
        Ok(value)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut problem = |path: &str, message: String| problems.push((path.to_string(), message));
        let valid_name =
            |n: &str| n.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if let Some(name) = config.get("name").as_str() {
            if name.is_empty() || name.len() > 64 || !valid_name(name) {
                problem("name", format!("invalid value for name (must contain only alphanumeric characters, periods, underscores and hyphens, 1-64 characters): \"{name}\""));
            }
        }
        if let Some(prefix) = config.get("name_prefix").as_str() {
            if prefix.len() > 38 || !valid_name(prefix) {
                problem("name_prefix", format!("invalid value for name_prefix (must contain only alphanumeric characters, periods, underscores and hyphens, at most 38 characters): \"{prefix}\""));
            }
        }
        if let Some(pattern) = config.get("event_pattern").as_str() {
            if serde_json::from_str::<serde_json::Value>(pattern).is_err() {
                problem("event_pattern", "\"event_pattern\" contains an invalid JSON".to_string());
            } else if pattern.len() > 4096 {
                problem(
                    "event_pattern",
                    "\"event_pattern\" cannot be longer than 4096 characters".to_string(),
                );
            }
        }
        if let Some(description) = config.get("description").as_str() {
            if description.len() > 512 {
                problem(
                    "description",
                    "\"description\" cannot be longer than 512 characters".to_string(),
                );
            }
        }
        problems
    }

    /// The rule's ID (`bus/name`, or the name on the default bus) of a prior value.
    fn key_of(value: &Value) -> Option<String> {
        let (bus, name) = match string(value, "name") {
            Some(name) => (bus_or_default(string(value, "event_bus_name")), name),
            None => parse_rule_id(&string(value, "id")?).ok()?,
        };
        Some(rule_id(&bus, &name))
    }

    /// Terraform's import ID: `event_bus_name/rule_name`, or the rule name on the default bus.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (bus, name) = parse_rule_id(id)?;
        Ok(Value::map([
            ("id", Value::string(rule_id(&bus, &name))),
            ("name", Value::string(name)),
            ("event_bus_name", Value::string(bus)),
        ]))
    }

    /// DescribeRule plus ListTagsForResource per rule, one rule after another (the tags are
    /// not in ListRules, so a batch saves nothing).
    async fn describe(this: &ObjectType<Self>, ids: &[String]) -> DescribeResult<RuleRead> {
        key_by_key(ids, |id| async move {
            let (bus, name) = parse_rule_id(id)?;
            find(this, &bus, &name).await
        })
        .await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let name = name_for_create(at.operation, at.planned, ["name", "name_prefix"], "terraform-");
        let bus = bus_or_default(string(at.planned, "event_bus_name"));
        let tags = at.operation.tags_with_managed(at.planned);
        put(at.this, &name, at.planned, Some(&tags)).await?;
        Ok(rule_id(&bus, &name))
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.events;
        let (_, name) = parse_rule_id(at.key)?;
        let settings = [
            "schedule_expression",
            "event_pattern",
            "description",
            "role_arn",
            "is_enabled",
            "state",
        ];
        if settings.iter().any(|k| at.prior.get(k).to_json() != at.planned.get(k).to_json()) {
            put(at.this, &name, at.planned, None).await?;
        }
        let arn = string(at.prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_cloudwatch_event_rule has no ARN in state"))?;
        resource_tag_changes!(client, resource_arn(&arn), at.prior, at.planned);
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.events;
        let (bus, name) = parse_rule_id(at.key)?;
        deleted_or_gone(
            sent!(client
                .delete_rule()
                .name(&name)
                .event_bus_name(&bus)
                .force(boolean(at.prior, "force_destroy").unwrap_or(false))),
            is_gone,
        )
    }

    /// The rule with this name (or any with this prefix) carrying this operation's tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<RuleRead> {
        let client = &at.this.aws.clients().await.events;
        let bus = bus_or_default(string(at.planned, "event_bus_name"));
        let names = match non_empty(at.planned, "name") {
            Some(name) => vec![name],
            None => {
                let prefix =
                    non_empty(at.planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
                let mut names = Vec::new();
                let mut token: Option<String> = None;
                loop {
                    let page = sent!(client
                        .list_rules()
                        .event_bus_name(&bus)
                        .name_prefix(&prefix)
                        .set_next_token(token.clone()))?;
                    names.extend(page.rules().iter().filter_map(|r| r.name().map(str::to_string)));
                    match page.next_token() {
                        Some(next) if !next.is_empty() => token = Some(next.to_string()),
                        _ => break,
                    }
                }
                names
            }
        };
        for name in names {
            if let Some(found) = find(at.this, &bus, &name).await? {
                if has_managed_tags(&found.tags, at.operation) {
                    return Ok(Some(found));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    #[test]
    fn state_comes_from_state_or_is_enabled() {
        assert_eq!(planned_state(&Value::map([("is_enabled", Value::Bool(false))])), "DISABLED");
        assert_eq!(planned_state(&Value::map([("state", Value::string("DISABLED"))])), "DISABLED");
        assert_eq!(planned_state(&Value::Null), "ENABLED");
    }

    #[test]
    fn import_ids_name_the_bus() {
        let rule = AwsCloudwatchEventRule::new(Aws::new(crate::ProviderSettings::default()));
        let prior = rule.import_prior("orders/nightly").unwrap();
        assert_eq!(prior.get("event_bus_name").as_str(), Some("orders"));
        assert_eq!(prior.get("id").as_str(), Some("orders/nightly"));
        let prior = rule.import_prior("nightly").unwrap();
        assert_eq!(prior.get("event_bus_name").as_str(), Some("default"));
        assert_eq!(generated_prefix("tf-00000000000000000000000001"), Some("tf-"));
    }

    #[test]
    fn a_rule_needs_a_pattern_or_a_schedule() {
        let rule = AwsCloudwatchEventRule::new(Aws::new(crate::ProviderSettings::default()));
        let problems = rule.problems(&Value::map([("name", Value::string("x"))]));
        let expected = |at: &str| {
            (
                at.to_string(),
                format!("\"{at}\": one of `event_pattern,schedule_expression` must be specified"),
            )
        };
        assert_eq!(problems, [expected("schedule_expression"), expected("event_pattern")]);
    }
}
