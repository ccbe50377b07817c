//! `aws_codepipeline_webhook`: a CodePipeline webhook, the URL a source host (GitHub) POSTs to
//! so that a pipeline's source action starts. The Terraform ID is the webhook's ARN, which is
//! also the import ID. `arn` and `url` are computed. Every argument forces a new webhook except
//! `filter` and the tags, as in the provider.
//!
//! Create and update are PutWebhook, which creates or replaces the webhook of that name (create
//! sends the tags; an update sends PutWebhook only when something other than the tags changed,
//! then the tags through TagResource / UntagResource on the ARN). The authentication
//! configuration sent holds only the member of the authentication type (`allowed_ip_range` for
//! `IP`, `secret_token` for `GITHUB_HMAC`), and is empty otherwise, as the provider sends it.
//! Delete is DeleteWebhook by name; a webhook already gone (`WebhookNotFoundException`, which
//! the provider takes as gone; AWS documents that the call succeeds) is done.
//!
//! Refresh is one paginated ListWebhooks for every webhook refreshed (the provider lists and
//! filters by ARN for each), whose items carry their definition, URL and tags.
//!
//! AWS documents that a secret token "will be redacted in the response": the read keeps the
//! token of the prior value (the configuration's, on create) whenever AWS reports one, so a
//! redacted answer is not drift; the provider stores the redacted answer and so plans a
//! replacement after every apply (hashicorp/terraform-provider-aws#41538). An imported webhook
//! has no token to keep: it holds what AWS reports.
//!
//! Plan-time checks are the provider's: `name` of 1 to 100 characters matching
//! `[0-9A-Za-z_.@-]+` (unanchored, as the provider matches it: one such character passes),
//! filter `json_path` and `match_equals` of 1 to 150, `secret_token` of 1 to 100, and
//! `allowed_ip_range` a network CIDR with a prefix of 0 to 32 bits.

use std::collections::BTreeMap;

use aws_sdk_codepipeline::types::{
    ListWebhookItem, WebhookAuthConfiguration, WebhookAuthenticationType, WebhookDefinition,
    WebhookFilterRule,
};
use infra_core::{Attribute, Block, Check, Pattern, ProviderError, Schema, Type, Value};

use super::support::{sdk_tags, update_tags};
use crate::app_support::{
    blocks, changed, deleted_or_missing, has_managed_tags, sent, single, string, text, vanished,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, Declared, Reading};
use crate::error::{aws_error, built};
use crate::tagging::ManagedTags;

/// What PutWebhook sends on update; the tags change on their own.
const DEFINITION: &[&str] = &[
    "authentication",
    "authentication_configuration",
    "filter",
    "name",
    "target_action",
    "target_pipeline",
];

/// The provider's pattern for `name`: `StringMatch` without a message, unanchored (one
/// allowed character anywhere will do).
const NAME: Check = Check::Matches(Pattern {
    expression: "[0-9A-Za-z_.@-]+",
    test: |name| name.chars().any(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c)),
    message: "",
});

pub type AwsCodepipelineWebhook = ObjectType<WebhookObject>;

pub struct WebhookObject;

/// Every webhook in the region, every page of ListWebhooks, each with its tags.
async fn list(
    this: &AwsCodepipelineWebhook,
) -> Result<Vec<Tagged<ListWebhookItem>>, ProviderError> {
    let clients = this.aws.clients().await;
    let mut items = Vec::new();
    let mut pages = clients.codepipeline.list_webhooks().into_paginator().send();
    while let Some(page) = pages.next().await {
        items.extend(
            page.map_err(aws_error)?
                .webhooks()
                .iter()
                .map(|item| Tagged { tags: tag_pairs(item), object: item.clone() }),
        );
    }
    Ok(items)
}

/// The authentication configuration PutWebhook takes: only the member of `authentication`'s
/// type, as the provider sends it (AWS refuses the request without the structure, so it is
/// sent empty for `UNAUTHENTICATED` or without a block).
fn auth_configuration(authentication: &str, block: Option<&Value>) -> WebhookAuthConfiguration {
    let builder = WebhookAuthConfiguration::builder();
    let Some(block) = block else {
        return builder.build();
    };
    match WebhookAuthenticationType::from(authentication) {
        WebhookAuthenticationType::Ip => {
            builder.allowed_ip_range(string(block, "allowed_ip_range").unwrap_or_default()).build()
        }
        WebhookAuthenticationType::GithubHmac => {
            builder.secret_token(string(block, "secret_token").unwrap_or_default()).build()
        }
        _ => builder.build(),
    }
}

/// The webhook PutWebhook sends for `planned`.
fn webhook_definition(planned: &Value) -> Result<WebhookDefinition, ProviderError> {
    let authentication = string(planned, "authentication").unwrap_or_default();
    let filters = blocks(planned, "filter")
        .iter()
        .map(|filter| {
            built(
                WebhookFilterRule::builder()
                    .json_path(string(filter, "json_path").unwrap_or_default())
                    .match_equals(string(filter, "match_equals").unwrap_or_default())
                    .build(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    built(
        WebhookDefinition::builder()
            .name(string(planned, "name").unwrap_or_default())
            .target_pipeline(string(planned, "target_pipeline").unwrap_or_default())
            .target_action(string(planned, "target_action").unwrap_or_default())
            .set_filters(Some(filters))
            .authentication(WebhookAuthenticationType::from(authentication.as_str()))
            .authentication_configuration(auth_configuration(
                &authentication,
                single(planned, "authentication_configuration"),
            ))
            .build(),
    )
}

/// A string of the webhook's definition.
fn defined(read: fn(&WebhookDefinition) -> &str) -> impl Fn(&ListWebhookItem, &Reading) -> Value {
    move |item: &ListWebhookItem, _: &Reading| text(item.definition().map(read))
}

/// The authentication configuration AWS reports; a reported (redacted) secret token gives way
/// to the prior value's.
fn authentication_configuration(item: &ListWebhookItem, at: &Reading) -> Value {
    let configuration = item.definition().and_then(|d| d.authentication_configuration());
    let allowed_ip_range = configuration.and_then(|c| c.allowed_ip_range());
    let reported_token = configuration.and_then(|c| c.secret_token());
    let hinted_token = single(at.prior, "authentication_configuration")
        .and_then(|block| string(block, "secret_token"));
    let secret_token = match (reported_token, hinted_token) {
        (Some(_), Some(kept)) => Some(kept),
        (reported, _) => reported.map(str::to_string),
    };
    if allowed_ip_range.is_none() && secret_token.is_none() {
        return Value::List(vec![]);
    }
    Value::List(vec![Value::map([
        ("allowed_ip_range", text(allowed_ip_range)),
        ("secret_token", text(secret_token.as_deref())),
    ])])
}

/// The managed tags of a listed webhook, as `has_managed_tags` takes them.
fn tag_pairs(item: &ListWebhookItem) -> Vec<(String, String)> {
    item.tags().iter().map(|tag| (tag.key().to_string(), tag.value().to_string())).collect()
}

impl AwsObject for WebhookObject {
    type Object = ListWebhookItem;
    const NAME: &'static str = "aws_codepipeline_webhook";
    const KIND: &'static str = "CodePipeline Webhook";
    const KEY: &'static str = "arn";
    const KEY_WORD: &'static str = "ARN";
    const KEY_OR_ID: bool = true;

    fn attributes() -> Vec<Declared<ListWebhookItem>> {
        fn arn(item: &ListWebhookItem, _: &Reading) -> Value {
            Value::string(item.arn().unwrap_or_default())
        }
        let configuration = Schema::new()
            .attr(
                Attribute::optional("allowed_ip_range", Type::String)
                    .force_new()
                    .check(Check::CidrNetwork(0, 32)),
            )
            .attr(
                Attribute::optional("secret_token", Type::String)
                    .sensitive()
                    .force_new()
                    .check(Check::Length(1, 100)),
            );
        let filter = Schema::new()
            .attr(Attribute::required("json_path", Type::String).check(Check::Length(1, 150)))
            .attr(Attribute::required("match_equals", Type::String).check(Check::Length(1, 150)));
        vec![
            read(Attribute::computed("id", Type::String), arn),
            read(Attribute::computed("arn", Type::String), arn),
            read(
                Attribute::computed("url", Type::String),
                |item: &ListWebhookItem, _: &Reading| Value::string(item.url()),
            ),
            read(
                Attribute::required("authentication", Type::String)
                    .force_new()
                    .check(Check::OneOf(WebhookAuthenticationType::values())),
                defined(|d| d.authentication().as_str()),
            ),
            read(
                Attribute::required("name", Type::String)
                    .force_new()
                    .check(Check::Length(1, 100))
                    .check(NAME),
                defined(WebhookDefinition::name),
            ),
            read(
                Attribute::required("target_action", Type::String).force_new(),
                defined(WebhookDefinition::target_action),
            ),
            read(
                Attribute::required("target_pipeline", Type::String).force_new(),
                defined(WebhookDefinition::target_pipeline),
            ),
            read_block(
                Block::single("authentication_configuration", configuration).force_new(),
                authentication_configuration,
            ),
            read_block(
                Block { min_items: 1, max_items: Some(5), ..Block::set("filter", filter) },
                |item: &ListWebhookItem, _: &Reading| {
                    let filters = item.definition().map(|d| d.filters()).unwrap_or_default();
                    let filters = filters.iter().map(|filter| {
                        Value::map([
                            ("json_path", Value::string(filter.json_path())),
                            ("match_equals", text(filter.match_equals())),
                        ])
                    });
                    Value::List(filters.collect())
                },
            ),
        ]
    }

    /// One paginated ListWebhooks for every webhook refreshed, matched by ARN.
    async fn describe(this: &ObjectType<Self>, arns: &[String]) -> DescribeResult<ListWebhookItem> {
        if arns.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut found = BTreeMap::new();
        for item in list(this).await? {
            match item.object.arn().map(str::to_string) {
                Some(arn) if arns.contains(&arn) => {
                    found.entry(arn).or_insert(item);
                }
                _ => {}
            }
        }
        Ok(found)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.codepipeline;
        let definition = webhook_definition(at.planned)?;
        let name = definition.name().to_string();
        let output = sent!(client
            .put_webhook()
            .webhook(definition)
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?)))
        .map_err(|e| e.context(&format!("creating CodePipeline Webhook ({name})")))?;
        output
            .webhook()
            .and_then(|item| item.arn())
            .map(str::to_string)
            .ok_or_else(|| vanished("CodePipeline Webhook", &name))
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let arn = at.key;
        let client = &at.this.aws.clients().await.codepipeline;
        if DEFINITION.iter().any(|key| changed(at.prior, at.planned, key)) {
            sent!(client.put_webhook().webhook(webhook_definition(at.planned)?))
                .map_err(|e| e.context(&format!("updating CodePipeline Webhook ({arn})")))?;
        }
        update_tags(client, arn, at.prior, at.planned)
            .await
            .map_err(|e| e.context(&format!("updating CodePipeline Webhook ({arn}) tags")))?;
        Ok(arn.to_string())
    }

    /// DeleteWebhook by name.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let Some(name) = string(at.prior, "name") else {
            return Ok(());
        };
        let client = &at.this.aws.clients().await.codepipeline;
        deleted_or_missing(sent!(client.delete_webhook().name(&name)))
            .map_err(|error| error.context(&format!("deleting CodePipeline Webhook ({name})")))
    }

    /// Webhook names are unique in an account and region (PutWebhook replaces the webhook of
    /// that name); ours carries the managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<ListWebhookItem> {
        let Some(name) = string(at.planned, "name") else {
            return Ok(None);
        };
        Ok(list(at.this).await?.into_iter().find(|item| {
            item.object.definition().map(|d| d.name()) == Some(name.as_str())
                && has_managed_tags(&item.tags, at.operation)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    /// The value read back from a listed webhook, with `hint` as the prior value.
    fn to_value(item: &ListWebhookItem, hint: &Value) -> Value {
        let found = Tagged { object: item.clone(), tags: tag_pairs(item) };
        crate::aws_object::value_of::<WebhookObject>(&found, hint)
    }

    fn planned(authentication: &str, configuration: Option<Value>) -> Value {
        let mut entries = vec![
            ("name", Value::string("release-hook")),
            ("authentication", Value::string(authentication)),
            ("target_action", Value::string("Source")),
            ("target_pipeline", Value::string("release")),
            (
                "filter",
                Value::List(vec![Value::map([
                    ("json_path", Value::string("$.ref")),
                    ("match_equals", Value::string("refs/heads/{Branch}")),
                ])]),
            ),
        ];
        if let Some(configuration) = configuration {
            entries.push(("authentication_configuration", Value::List(vec![configuration])));
        }
        Value::map(entries)
    }

    fn both() -> Value {
        Value::map([
            ("allowed_ip_range", Value::string("10.0.0.0/8")),
            ("secret_token", Value::string("shh").mark_sensitive()),
        ])
    }

    #[test]
    fn the_request_sends_only_the_member_of_the_authentication_type() {
        let ip = webhook_definition(&planned("IP", Some(both()))).unwrap();
        let sent = ip.authentication_configuration().unwrap();
        assert_eq!(sent.allowed_ip_range(), Some("10.0.0.0/8"));
        assert_eq!(sent.secret_token(), None);
        assert_eq!(ip.authentication(), &WebhookAuthenticationType::Ip);

        let hmac = webhook_definition(&planned("GITHUB_HMAC", Some(both()))).unwrap();
        let sent = hmac.authentication_configuration().unwrap();
        assert_eq!(sent.allowed_ip_range(), None);
        assert_eq!(sent.secret_token(), Some("shh"));

        for (authentication, configuration) in
            [("UNAUTHENTICATED", Some(both())), ("UNAUTHENTICATED", None), ("GITHUB_HMAC", None)]
        {
            let definition = webhook_definition(&planned(authentication, configuration)).unwrap();
            let sent = definition.authentication_configuration().unwrap();
            assert_eq!(
                (sent.allowed_ip_range(), sent.secret_token()),
                (None, None),
                "{authentication}"
            );
        }
    }

    #[test]
    fn the_request_carries_the_name_target_and_filters() {
        let definition = webhook_definition(&planned("UNAUTHENTICATED", None)).unwrap();
        assert_eq!(definition.name(), "release-hook");
        assert_eq!(definition.target_pipeline(), "release");
        assert_eq!(definition.target_action(), "Source");
        let filters: Vec<(&str, Option<&str>)> =
            definition.filters().iter().map(|f| (f.json_path(), f.match_equals())).collect();
        assert_eq!(filters, [("$.ref", Some("refs/heads/{Branch}"))]);
    }

    fn listed(token: Option<&str>) -> ListWebhookItem {
        let mut configuration = WebhookAuthConfiguration::builder();
        if let Some(token) = token {
            configuration = configuration.secret_token(token);
        }
        let definition = WebhookDefinition::builder()
            .name("release-hook")
            .target_pipeline("release")
            .target_action("Source")
            .filters(
                WebhookFilterRule::builder()
                    .json_path("$.ref")
                    .match_equals("refs/heads/{Branch}")
                    .build()
                    .unwrap(),
            )
            .authentication(WebhookAuthenticationType::GithubHmac)
            .authentication_configuration(configuration.build())
            .build()
            .unwrap();
        ListWebhookItem::builder()
            .definition(definition)
            .url("https://us-east-1.webhooks.aws/trigger?t=x&v=1")
            .arn("arn:aws:codepipeline:us-east-1:123456789012:webhook:release-hook")
            .tags(
                aws_sdk_codepipeline::types::Tag::builder()
                    .key("Team")
                    .value("platform")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    }

    #[test]
    fn a_redacted_token_reads_back_as_the_prior_one() {
        let value = to_value(&listed(Some("****")), &planned("GITHUB_HMAC", Some(both())));
        let block = single(&value, "authentication_configuration").unwrap();
        assert_eq!(string(block, "secret_token").as_deref(), Some("shh"));
        assert!(block.get("allowed_ip_range").is_null());
        assert_eq!(
            value.get("id").as_str(),
            Some("arn:aws:codepipeline:us-east-1:123456789012:webhook:release-hook")
        );
        assert_eq!(value.get("tags").get("Team").as_str(), Some("platform"));
        assert_eq!(blocks(&value, "filter").len(), 1);

        // Imported: nothing to keep, so what AWS reports.
        let imported = to_value(&listed(Some("****")), &Value::Null);
        let block = single(&imported, "authentication_configuration").unwrap();
        assert_eq!(string(block, "secret_token").as_deref(), Some("****"));

        // No configuration reported: no block, as the provider reads it.
        let none = to_value(&listed(None), &planned("GITHUB_HMAC", Some(both())));
        assert!(blocks(&none, "authentication_configuration").is_empty());
    }

    /// The value checks' problems with `config`, leaving out the required arguments it omits.
    fn problems(config: Value) -> Vec<(String, String)> {
        AwsCodepipelineWebhook::new(Aws::new(crate::ProviderSettings::default()))
            .problems(&config)
            .into_iter()
            .filter(|(_, message)| !message.contains("is required"))
            .collect()
    }

    #[test]
    fn the_providers_checks_are_located() {
        assert!(problems(planned("IP", Some(both()))).is_empty());

        let mut config = planned(
            "IP",
            Some(Value::map([
                ("allowed_ip_range", Value::string("10.0.0.1/8")),
                ("secret_token", Value::string("")),
            ])),
        );
        if let Value::Map(entries) = &mut config {
            entries.insert("name".into(), Value::string("  "));
            entries.insert(
                "filter".into(),
                Value::List(vec![Value::map([
                    ("json_path", Value::string("")),
                    ("match_equals", Value::string("x".repeat(151))),
                ])]),
            );
        }
        let found = problems(config);
        let paths: Vec<&str> = found.iter().map(|(path, _)| path.as_str()).collect();
        // Every check is declared: they come in the schema's order.
        assert_eq!(
            paths,
            [
                "name",
                "authentication_configuration[0].allowed_ip_range",
                "authentication_configuration[0].secret_token",
                "filter[0].json_path",
                "filter[0].match_equals",
            ]
        );
        // validation.IsCIDRNetwork(0, 32), naming the SDK's key.
        assert_eq!(
            found[1].1,
            "expected authentication_configuration.0.allowed_ip_range to contain a valid network \
             Value, expected 10.0.0.0/8, got 10.0.0.1/8"
        );
    }

    #[test]
    fn names_and_cidrs_are_checked_as_the_provider_checks_them() {
        let long = Value::map([("name", Value::string("a".repeat(101)))]);
        assert_eq!(problems(long).len(), 1);
        // The provider's pattern is unanchored: one allowed character passes.
        assert!(problems(Value::map([("name", Value::string("my hook"))])).is_empty());
        assert_eq!(
            problems(Value::map([("name", Value::string("!!"))]))[0].1,
            "expected value of name to match regular expression \"[0-9A-Za-z_.@-]+\", got !!"
        );
    }
}
