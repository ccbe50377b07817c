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
//! Host, header and path conditions match `values` (wildcards) or `regex_values`. `transform`
//! blocks (provider 6.x: one `host-header-rewrite` and one `url-rewrite` at most, each a
//! `rewrite { regex replace }`) go to CreateRule and ModifyRule as `Transforms` and are read
//! back from DescribeRules; removing the last one sends `ResetTransforms`, as the provider
//! does. moto 5.2.5 keeps no transforms, so a unit test shows them, not the emulator.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::{
    HostHeaderRewriteConfig, RewriteConfig, Rule, RulePriorityPair, RuleTransform,
    TransformTypeEnum, UrlRewriteConfig,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, changed, int, sent, set_tags, single, string, text};
use crate::elbv2_support::{
    action_block, actions_from_sdk, actions_to_sdk, condition_block, conditions_from_sdk,
    conditions_to_sdk, tags_to_sdk, validate_conditions, Creating, Elbv2Object, Elbv2Type,
    Updating,
};
use crate::tagging::{ManagedTags, WithTags};

/// `aws_lb_listener_rule` (and `aws_alb_listener_rule`), by its ARN.
pub type AwsLbListenerRule = Elbv2Type<ListenerRule>;

pub struct ListenerRule;

const TRANSFORMS: &[(&str, &str)] =
    &[("host-header-rewrite", "host_header_rewrite_config"), ("url-rewrite", "url_rewrite_config")];

/// The `transform` set block: a type, and the rewrite configuration of that type.
fn transform_block() -> Block {
    let rewrite_config = |name: &'static str| {
        Block::single(
            name,
            Schema::new().block(Block::single(
                "rewrite",
                Schema::new()
                    .attr(Attribute::required("regex", Type::String))
                    .attr(Attribute::required("replace", Type::String)),
            )),
        )
    };
    Block::set(
        "transform",
        Schema::new()
            .attr(
                Attribute::required("type", Type::String)
                    .check(Check::OneOf(&["host-header-rewrite", "url-rewrite"])),
            )
            .block(rewrite_config("host_header_rewrite_config"))
            .block(rewrite_config("url_rewrite_config")),
    )
}

/// AWS takes one transform of each type, with the configuration block of its type only; a
/// regex is 1 to 1024 characters, a replacement at most 1024. Returns `(path, message)`.
fn validate_transforms(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let transforms = blocks(config, "transform");
    for (kind, block) in TRANSFORMS {
        let count = transforms.iter().filter(|t| t.get("type").as_str() == Some(kind)).count();
        if count > 1 {
            problems.push((
                "transform".to_string(),
                format!("a rule takes one \"{kind}\" transform, got {count}"),
            ));
        }
        for (index, transform) in transforms.iter().enumerate() {
            let Some(kind_set) = transform.get("type").as_str() else {
                continue;
            };
            let has_block = single(transform, block).is_some();
            if kind_set == *kind && !has_block {
                problems.push((
                    format!("transform[{index}]"),
                    format!("a \"{kind}\" transform requires a \"{block}\" block"),
                ));
            } else if kind_set != *kind && has_block {
                problems.push((
                    format!("transform[{index}].{block}"),
                    format!("\"{block}\" applies only to a \"{kind}\" transform"),
                ));
            }
            let rewrite = single(transform, block).and_then(|b| single(b, "rewrite"));
            if let Some(rewrite) = rewrite {
                let length = |key: &str| rewrite.get(key).as_str().map(|v| v.chars().count());
                if length("regex").is_some_and(|n| !(1..=1024).contains(&n)) {
                    problems.push((
                        format!("transform[{index}].{block}.rewrite.regex"),
                        "a regex is 1 to 1024 characters".to_string(),
                    ));
                }
                if length("replace").is_some_and(|n| n > 1024) {
                    problems.push((
                        format!("transform[{index}].{block}.rewrite.replace"),
                        "a replacement is at most 1024 characters".to_string(),
                    ));
                }
            }
        }
    }
    problems
}

/// The planned `transform` blocks as the SDK takes them.
fn transforms_to_sdk(planned: &Value) -> Vec<RuleTransform> {
    blocks(planned, "transform")
        .iter()
        .map(|transform| {
            let rewrites = |block: &str| {
                single(transform, block).map(|config| {
                    blocks(config, "rewrite")
                        .iter()
                        .map(|rewrite| {
                            RewriteConfig::builder()
                                .set_regex(string(rewrite, "regex"))
                                .set_replace(string(rewrite, "replace"))
                                .build()
                        })
                        .collect::<Vec<_>>()
                })
            };
            RuleTransform::builder()
                .set_type(string(transform, "type").map(|t| TransformTypeEnum::from(t.as_str())))
                .set_host_header_rewrite_config(rewrites("host_header_rewrite_config").map(
                    |rewrites| {
                        HostHeaderRewriteConfig::builder().set_rewrites(Some(rewrites)).build()
                    },
                ))
                .set_url_rewrite_config(rewrites("url_rewrite_config").map(|rewrites| {
                    UrlRewriteConfig::builder().set_rewrites(Some(rewrites)).build()
                }))
                .build()
        })
        .collect()
}

/// ModifyRule's `Transforms` and `ResetTransforms` for a change from `prior` to `planned`:
/// nothing when `transform` did not change, the planned transforms, or a reset when none are
/// left (AWS keeps the rule's transforms when `Transforms` is absent or empty).
fn transforms_update(prior: &Value, planned: &Value) -> (Option<Vec<RuleTransform>>, Option<bool>) {
    if !changed(prior, planned, "transform") {
        return (None, None);
    }
    match transforms_to_sdk(planned) {
        transforms if transforms.is_empty() => (None, Some(true)),
        transforms => (Some(transforms), None),
    }
}

/// The rule's transforms as the provider reads them: each with its type's configuration
/// block, the other type's empty.
fn transforms_from_sdk(transforms: &[RuleTransform]) -> Value {
    let config = |rewrites: Option<&[RewriteConfig]>| match rewrites {
        Some(rewrites) => Value::List(vec![Value::map([(
            "rewrite",
            Value::List(
                rewrites
                    .iter()
                    .map(|rewrite| {
                        Value::map([
                            ("regex", text(rewrite.regex())),
                            ("replace", text(rewrite.replace())),
                        ])
                    })
                    .collect(),
            ),
        )])]),
        None => Value::List(vec![]),
    };
    Value::List(
        transforms
            .iter()
            .map(|transform| {
                Value::map([
                    ("type", text(transform.r#type().map(|t| t.as_str()))),
                    (
                        "host_header_rewrite_config",
                        config(transform.host_header_rewrite_config().map(|c| c.rewrites())),
                    ),
                    (
                        "url_rewrite_config",
                        config(transform.url_rewrite_config().map(|c| c.rewrites())),
                    ),
                ])
            })
            .collect(),
    )
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
    object.insert("action".to_string(), actions_from_sdk(rule.actions(), hint, "action"));
    object.insert("condition".to_string(), conditions_from_sdk(rule.conditions()));
    object.insert("transform".to_string(), transforms_from_sdk(rule.transforms()));
    set_tags(&mut object, tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
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

impl Elbv2Object for ListenerRule {
    type Object = Rule;
    const NAME: &'static str = "aws_lb_listener_rule";
    const ALIASES: &'static [&'static str] = &["aws_alb_listener_rule"];
    const KIND: &'static str = "listener rule";
    /// A blue/green deployment weights this rule's forward action.
    const ACTIONS: &'static [&'static str] = &["action"];

    const ARN: fn(&Rule) -> Option<&str> = Rule::rule_arn;

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("listener_arn", Type::String).force_new())
            .attr(
                Attribute::optional_computed("priority", Type::Number)
                    .check(Check::Range(1, 50_000)),
            )
            .block(action_block("action"))
            .block(condition_block())
            .block(transform_block())
            .with_tags()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = validate_conditions(config);
        problems.extend(validate_transforms(config));
        problems
    }

    /// The rules among `arns`; when one is missing, those of the listeners the hints name.
    async fn describe(
        this: &AwsLbListenerRule,
        arns: &[String],
        hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, Rule>, ProviderError> {
        let client = &this.aws.clients().await.elbv2;
        this.by_arn(
            arns,
            |arns| client.describe_rules().set_rule_arns(Some(arns)).send(),
            |answer| answer.rules(),
            // The rules of each listener.
            || {
                AwsLbListenerRule::of_parents(hints, "listener_arn", |listener| async move {
                    let listed = sent!(client.describe_rules().listener_arn(listener))?;
                    Ok(listed.rules().to_vec())
                })
            },
        )
        .await
    }

    async fn value(
        _this: &AwsLbListenerRule,
        _arn: &str,
        rule: &Rule,
        tags: &[(String, String)],
        hint: &Value,
    ) -> Result<Value, ProviderError> {
        Ok(to_value(rule, hint, tags))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        let listener_arn = string(at.planned, "listener_arn").ok_or_else(|| {
            ProviderError::new("aws_lb_listener_rule needs a known \"listener_arn\"")
        })?;
        let priority = match int(at.planned, "priority") {
            Some(priority) => priority,
            None => at.this.next_priority(&listener_arn).await?,
        };
        let transforms = transforms_to_sdk(at.planned);
        let response = sent!(client
            .create_rule()
            .listener_arn(&listener_arn)
            .priority(priority)
            .set_actions(Some(actions_to_sdk(at.planned, "action")))
            .set_conditions(Some(conditions_to_sdk(at.planned)))
            .set_transforms((!transforms.is_empty()).then_some(transforms))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned)))))?;
        AwsLbListenerRule::created_arn(response.rules(), &listener_arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        if changed(at.prior, at.planned, "priority") {
            if let Some(priority) = int(at.planned, "priority") {
                sent!(client.set_rule_priorities().rule_priorities(
                    RulePriorityPair::builder().rule_arn(at.key).priority(priority).build(),
                ))?;
            }
        }
        let (transforms, reset_transforms) = transforms_update(at.prior, at.planned);
        if changed(at.prior, at.planned, "action")
            || changed(at.prior, at.planned, "condition")
            || transforms.is_some()
            || reset_transforms.is_some()
        {
            sent!(client
                .modify_rule()
                .rule_arn(at.key)
                .set_actions(Some(actions_to_sdk(at.planned, "action")))
                .set_conditions(Some(conditions_to_sdk(at.planned)))
                .set_transforms(transforms)
                .set_reset_transforms(reset_transforms))?;
        }
        Ok(())
    }

    async fn delete(this: &AwsLbListenerRule, arn: &str) -> Result<(), ProviderError> {
        let client = &this.aws.clients().await.elbv2;
        sent!(client.delete_rule().rule_arn(arn)).map(|_| ())
    }

    async fn find_created(at: Creating<'_, Self>) -> Result<Option<Value>, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        at.created_under(
            string(at.planned, "listener_arn"),
            |arn| client.describe_rules().listener_arn(arn).send(),
            // A default rule is the listener's, never one created here (and has no tags).
            |answer| {
                let rules = answer.rules().iter();
                rules.filter(|r| r.is_default() != Some(true)).cloned().collect()
            },
        )
        .await
    }
}

impl AwsLbListenerRule {
    /// The provider's choice when `priority` is not set: one above the highest in use.
    async fn next_priority(&self, listener_arn: &str) -> Result<i32, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let response = sent!(client.describe_rules().listener_arn(listener_arn))?;
        let highest = response
            .rules()
            .iter()
            .filter_map(|r| r.priority()?.parse::<i32>().ok())
            .max()
            .unwrap_or(0);
        Ok(highest + 1)
    }
}

#[cfg(test)]
mod transform_tests {
    use super::*;

    fn transform(kind: &str, block: &str, regex: &str, replace: &str) -> Value {
        let empty = Value::List(vec![]);
        let config = Value::List(vec![Value::map([(
            "rewrite",
            Value::List(vec![Value::map([
                ("regex", Value::string(regex)),
                ("replace", Value::string(replace)),
            ])]),
        )])]);
        Value::map([
            ("type", Value::string(kind)),
            (
                "host_header_rewrite_config",
                if block == "host_header_rewrite_config" { config.clone() } else { empty.clone() },
            ),
            ("url_rewrite_config", if block == "url_rewrite_config" { config } else { empty }),
        ])
    }

    /// terraform-aws-modules/alb's complete example: a rule that rewrites the host header and
    /// the URL. Both go to AWS as `Transforms` and come back the same; removing them all sends
    /// `ResetTransforms`, as the provider does. (moto 5.2.5 keeps no transforms, so this is
    /// shown here.)
    #[test]
    fn transforms_go_to_aws_and_come_back() {
        let transforms = Value::List(vec![
            transform(
                "host-header-rewrite",
                "host_header_rewrite_config",
                "^mywebsite-(.+).com$",
                "internal.dev.$1.myweb.com",
            ),
            transform(
                "url-rewrite",
                "url_rewrite_config",
                "^/dp/([A-Za-z0-9]+)/?$",
                "/product.php?id=$1",
            ),
        ]);
        let planned = Value::map([("transform", transforms.clone())]);
        assert!(validate_transforms(&planned).is_empty(), "{:?}", validate_transforms(&planned));
        let sent = transforms_to_sdk(&planned);
        assert_eq!(sent[0].r#type(), Some(&TransformTypeEnum::HostHeaderRewrite));
        let host = sent[0].host_header_rewrite_config().expect("host header config");
        assert_eq!(host.rewrites()[0].regex(), Some("^mywebsite-(.+).com$"));
        assert_eq!(host.rewrites()[0].replace(), Some("internal.dev.$1.myweb.com"));
        assert!(sent[0].url_rewrite_config().is_none());
        assert_eq!(sent[1].r#type(), Some(&TransformTypeEnum::UrlRewrite));
        assert_eq!(
            sent[1].url_rewrite_config().unwrap().rewrites()[0].replace(),
            Some("/product.php?id=$1")
        );

        // DescribeRules answers the rule with its transforms.
        let rule = Rule::builder()
            .rule_arn("arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/web/1/2/3")
            .set_transforms(Some(sent))
            .build();
        let read = to_value(&rule, &planned, &[]);
        assert_eq!(read.get("transform"), &transforms);

        // An update: unchanged sends nothing, a changed set is sent whole, none left resets.
        assert_eq!(transforms_update(&planned, &planned), (None, None));
        let one = Value::map([(
            "transform",
            Value::List(vec![transforms.as_list().unwrap()[1].clone()]),
        )]);
        let (changed, reset) = transforms_update(&planned, &one);
        assert_eq!(changed.map(|t| t.len()), Some(1));
        assert_eq!(reset, None);
        let none = Value::map([("transform", Value::List(vec![]))]);
        assert_eq!(transforms_update(&planned, &none), (None, Some(true)));
    }

    #[test]
    fn a_transform_takes_the_configuration_of_its_type_once() {
        let twice = Value::map([(
            "transform",
            Value::List(vec![
                transform("url-rewrite", "url_rewrite_config", "^/a", "/b"),
                transform("url-rewrite", "url_rewrite_config", "^/c", "/d"),
            ]),
        )]);
        assert_eq!(
            validate_transforms(&twice),
            [(
                "transform".to_string(),
                "a rule takes one \"url-rewrite\" transform, got 2".to_string()
            )]
        );
        let mismatched = Value::map([(
            "transform",
            Value::List(vec![transform("url-rewrite", "host_header_rewrite_config", "^a", "b")]),
        )]);
        let paths: Vec<String> =
            validate_transforms(&mismatched).into_iter().map(|(path, _)| path).collect();
        assert_eq!(paths, ["transform[0].host_header_rewrite_config", "transform[0]"]);
    }
}

#[cfg(test)]
mod action_tests {
    use super::*;
    use crate::elbv2_support::forward_action;
    use infra_core::ResourceType;

    /// The family does what `ACTIONS` names for the rule (and `default_action` for a
    /// listener): the action types normalized, checked, and weighted by a blue/green
    /// deployment.
    #[test]
    fn the_family_normalizes_checks_and_weights_the_rules_actions() {
        let aws = crate::Aws::new(crate::ProviderSettings::default());
        let rule = AwsLbListenerRule::new(aws.clone());
        assert_eq!(rule.traffic_paths(), ["action"]);
        let mut planned = forward_action("action", "FORWARD");
        ResourceType::normalize(&rule, &mut planned);
        assert_eq!(planned, forward_action("action", "forward"));
        let problems = rule.problems(&forward_action("action", "forwarding"));
        assert!(problems.iter().any(|(at, _)| at == "action[0].type"), "{problems:?}");

        let listener = super::super::aws_lb_listener::AwsLbListener::new(aws);
        assert_eq!(listener.traffic_paths(), ["default_action"]);
        let mut planned = forward_action("default_action", "Forward");
        ResourceType::normalize(&listener, &mut planned);
        assert_eq!(planned, forward_action("default_action", "forward"));
    }
}
