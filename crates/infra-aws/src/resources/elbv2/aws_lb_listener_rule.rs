//! `aws_lb_listener_rule` (alias `aws_alb_listener_rule`): a prioritised rule on a listener,
//! with conditions and actions.
//!
//! Refresh is one DescribeRules with every ARN; when one is gone (the call then fails) it lists
//! the rules of each listener instead. Tags: DescribeTags, 20 ARNs a call.
//!
//! Actions (including `authenticate_cognito` and `authenticate_oidc`) and conditions (host and
//! HTTP headers, request methods, paths, query strings, source IPs) share their schema and SDK
//! conversion with the listener in `elbv2_support`.
//!
//! Not supported yet ([`Schema::not_supported`]): `transform` blocks. Host, header and path
//! conditions match `values` (wildcards) or `regex_values`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::{Rule, RulePriorityPair};
use infra_core::{
    Attribute, Check, Nesting, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{changed, int, set_tags, string, vanished};
use crate::elbv2_support::{
    action_block, actions_from_sdk, actions_to_sdk, condition_block, conditions_from_sdk,
    conditions_to_sdk, describe_tags, has_managed_tags, tags_to_sdk, update_tags, validate_actions,
    validate_conditions,
};
use crate::error::{aws_error, is_not_found};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsLbListenerRule {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsLbListenerRule {
    pub fn new(aws: Arc<Aws>) -> AwsLbListenerRule {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("listener_arn", Type::String).force_new())
            .attr(
                Attribute::optional_computed("priority", Type::Number)
                    .check(Check::Range(1, 50_000)),
            )
            .block(action_block("action"))
            .block(condition_block())
            .not_supported(
                "transform",
                Nesting::Set,
                "rewrite hosts and URLs in the target, or configure the rule outside infra",
            )
            .with_tags();
        AwsLbListenerRule { aws, schema }
    }

    async fn describe(
        &self,
        arns: &[String],
        listeners: &BTreeSet<String>,
    ) -> Result<BTreeMap<String, Rule>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        if arns.is_empty() {
            return Ok(BTreeMap::new());
        }
        let listed = client
            .describe_rules()
            .set_rule_arns(Some(arns.to_vec()))
            .send()
            .await
            .map_err(aws_error);
        let rules = match listed {
            Ok(response) => response.rules().to_vec(),
            // One missing ARN fails the whole call: list per listener and match.
            Err(error) if is_not_found(&error) => {
                let mut all = Vec::new();
                for listener in listeners {
                    match client
                        .describe_rules()
                        .listener_arn(listener)
                        .send()
                        .await
                        .map_err(aws_error)
                    {
                        Ok(response) => all.extend(response.rules().iter().cloned()),
                        Err(error) if is_not_found(&error) => {}
                        Err(error) => return Err(error),
                    }
                }
                all
            }
            Err(error) => return Err(error),
        };
        Ok(rules
            .into_iter()
            .filter_map(|rule| {
                let arn = rule.rule_arn()?.to_string();
                arns.contains(&arn).then_some((arn, rule))
            })
            .collect())
    }

    async fn read_arns(
        &self,
        hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, (Value, Vec<(String, String)>)>, ProviderError> {
        let arns: Vec<String> = hints.keys().cloned().collect();
        let listeners: BTreeSet<String> = hints
            .values()
            .filter_map(|v| string(v, "listener_arn"))
            .collect();
        let rules = self.describe(&arns, &listeners).await?;
        let found: Vec<String> = rules.keys().cloned().collect();
        let tags = describe_tags(&self.aws.clients().await.elbv2, &found).await?;
        Ok(rules
            .into_iter()
            .map(|(arn, rule)| {
                let tags = tags.get(&arn).cloned().unwrap_or_default();
                let hint = hints.get(&arn).copied().unwrap_or(&Value::Null);
                (arn, (to_value(&rule, hint, &tags), tags))
            })
            .collect())
    }

    async fn read_one(&self, arn: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.read_arns(&BTreeMap::from([(arn.to_string(), hint)]))
            .await?
            .remove(arn)
            .map(|(value, _)| value)
            .ok_or_else(|| vanished("listener rule", arn))
    }
}

/// The rule as a value; `listener_arn` is not in DescribeRules' answer and comes from `hint`
/// (the ARN of a rule embeds its listener's, but we keep what the configuration said).
fn to_value(rule: &Rule, hint: &Value, tags: &[(String, String)]) -> Value {
    let arn = rule.rule_arn().unwrap_or_default();
    let listener_arn = string(hint, "listener_arn").unwrap_or_else(|| listener_of_rule(arn));
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("listener_arn".to_string(), Value::string(listener_arn));
    let priority = rule
        .priority()
        .and_then(|p| p.parse::<f64>().ok())
        .map(Value::Number)
        .unwrap_or(Value::Null);
    object.insert("priority".to_string(), priority);
    object.insert(
        "action".to_string(),
        actions_from_sdk(rule.actions(), hint, "action"),
    );
    object.insert(
        "condition".to_string(),
        conditions_from_sdk(rule.conditions()),
    );
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

/// `arn:...:listener-rule/app/lb/1/2/3` → `arn:...:listener/app/lb/1/2`.
fn listener_of_rule(rule_arn: &str) -> String {
    let listener = rule_arn.replacen(":listener-rule/", ":listener/", 1);
    match listener.rsplit_once('/') {
        Some((head, _)) => head.to_string(),
        None => listener,
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsLbListenerRule {
    fn name(&self) -> &'static str {
        "aws_lb_listener_rule"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb_listener_rule"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// A blue/green deployment weights this rule's forward action.
    fn traffic_paths(&self) -> &'static [&'static str] {
        &["action"]
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = validate_actions(config, "action");
        problems.extend(validate_conditions(config));
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let listener_arn = string(planned, "listener_arn").ok_or_else(|| {
            ProviderError::new("aws_lb_listener_rule needs a known \"listener_arn\"")
        })?;
        let priority = match int(planned, "priority") {
            Some(priority) => priority,
            None => self.next_priority(&listener_arn).await?,
        };
        let response = client
            .create_rule()
            .listener_arn(&listener_arn)
            .priority(priority)
            .set_actions(Some(actions_to_sdk(planned, "action")))
            .set_conditions(Some(conditions_to_sdk(planned)))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let arn = response
            .rules()
            .first()
            .and_then(|r| r.rule_arn())
            .ok_or_else(|| vanished("listener rule", &listener_arn))?
            .to_string();
        self.read_one(&arn, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let arn = string(prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_lb_listener_rule has no arn in state"))?;
        if changed(prior, planned, "priority") {
            if let Some(priority) = int(planned, "priority") {
                client
                    .set_rule_priorities()
                    .rule_priorities(
                        RulePriorityPair::builder()
                            .rule_arn(&arn)
                            .priority(priority)
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
        }
        if changed(prior, planned, "action") || changed(prior, planned, "condition") {
            client
                .modify_rule()
                .rule_arn(&arn)
                .set_actions(Some(actions_to_sdk(planned, "action")))
                .set_conditions(Some(conditions_to_sdk(planned)))
                .send()
                .await
                .map_err(aws_error)?;
        }
        update_tags(client, &arn, prior, planned).await?;
        self.read_one(&arn, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        match client
            .delete_rule()
            .rule_arn(&arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let hints: BTreeMap<String, &Value> = prior
            .iter()
            .filter_map(|p| Some((string(p, "arn")?, p)))
            .collect();
        let found = self.read_arns(&hints).await?;
        Ok(prior
            .iter()
            .map(|p| {
                string(p, "arn")
                    .and_then(|arn| found.get(&arn))
                    .map(|(value, _)| value.clone())
            })
            .collect())
    }

    /// Terraform's import ID: its ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(listener_arn) = string(planned, "listener_arn") else {
            return Ok(None);
        };
        let rules = match client
            .describe_rules()
            .listener_arn(&listener_arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(response) => response.rules().to_vec(),
            Err(error) if is_not_found(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        let arns: Vec<String> = rules
            .iter()
            .filter(|r| r.is_default() != Some(true))
            .filter_map(|r| r.rule_arn().map(str::to_string))
            .collect();
        let tags = describe_tags(client, &arns).await?;
        for rule in &rules {
            let Some(arn) = rule.rule_arn() else { continue };
            let rule_tags = tags.get(arn).cloned().unwrap_or_default();
            if has_managed_tags(&rule_tags, operation) {
                return Ok(Some(to_value(rule, planned, &rule_tags)));
            }
        }
        Ok(None)
    }
}

impl AwsLbListenerRule {
    /// The provider's choice when `priority` is not set: one above the highest in use.
    async fn next_priority(&self, listener_arn: &str) -> Result<i32, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let response = client
            .describe_rules()
            .listener_arn(listener_arn)
            .send()
            .await
            .map_err(aws_error)?;
        let highest = response
            .rules()
            .iter()
            .filter_map(|r| r.priority()?.parse::<i32>().ok())
            .max()
            .unwrap_or(0);
        Ok(highest + 1)
    }
}
