//! ELBv2 pieces shared by the load balancer, target group, listener and listener rule types:
//! the `default_action`/`action` block schema and its conversion to and from the SDK, rule
//! conditions, tags (DescribeTags, 20 ARNs a call) and tag updates.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, AuthenticateCognitoActionConditionalBehaviorEnum,
    AuthenticateCognitoActionConfig, AuthenticateOidcActionConditionalBehaviorEnum,
    AuthenticateOidcActionConfig, FixedResponseActionConfig, ForwardActionConfig,
    HostHeaderConditionConfig, HttpHeaderConditionConfig, HttpRequestMethodConditionConfig,
    JwtValidationActionAdditionalClaim, JwtValidationActionAdditionalClaimFormatEnum,
    JwtValidationActionConfig, PathPatternConditionConfig, QueryStringConditionConfig,
    QueryStringKeyValuePair, RedirectActionConfig, RedirectActionStatusCodeEnum, RuleCondition,
    SourceIpConditionConfig, Tag, TargetGroupStickinessConfig, TargetGroupTuple,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use infra_core::{
    Attribute, Block, Check, DataSourceType, Operation, ProviderError, ResourceType, Schema,
    Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, boolean, by_key, hints_by, int, non_empty, number, read_each, sent, single, string,
    strings, tag_changes, text, vanished,
};
use crate::app_support::{map_value, string_map};
use crate::error::{aws_error, is_not_found};
use crate::subnet_group_support::tag_pairs;
use crate::Aws;

/// `name` (`action` or `default_action`) with one forward action of the type spelled `kind`,
/// for the unit tests.
#[cfg(test)]
pub(crate) fn forward_action(name: &str, kind: &str) -> Value {
    Value::map([(
        name,
        Value::List(vec![Value::map([
            ("type", Value::string(kind)),
            (
                "target_group_arn",
                Value::string("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1"),
            ),
        ])]),
    )])
}

/// A client that sends nothing, for the unit tests that build requests.
#[cfg(test)]
pub(crate) fn test_client() -> aws_sdk_elasticloadbalancingv2::Client {
    let config = aws_sdk_elasticloadbalancingv2::Config::builder()
        .behavior_version(aws_sdk_elasticloadbalancingv2::config::BehaviorVersion::latest())
        .region(aws_sdk_elasticloadbalancingv2::config::Region::new("eu-west-1"))
        .build();
    aws_sdk_elasticloadbalancingv2::Client::from_conf(config)
}

/// DescribeTags takes at most 20 resource ARNs a call.
pub const TAGS_PER_CALL: usize = 20;

/// The action types, as AWS spells them; the provider checks a configured type against them
/// in any case (`enum.ValidateIgnoreCase`).
const ACTION_TYPES: &[&str] = &[
    "forward",
    "redirect",
    "fixed-response",
    "authenticate-cognito",
    "authenticate-oidc",
    "jwt-validation",
];

/// What an authenticate action does with an unauthenticated request, as AWS spells it; the
/// provider checks a configured one against them in any case (`enum.ValidateIgnoreCase`).
const UNAUTHENTICATED_BEHAVIOURS: &[&str] = &["deny", "allow", "authenticate"];

/// The authenticate blocks, which share `on_unauthenticated_request`.
const AUTHENTICATE_BLOCKS: &[&str] = &["authenticate_cognito", "authenticate_oidc"];

/// The schema of a `default_action` (listener) or `action` (listener rule) block.
///
/// The two differ as the provider's schemas do: a rule's `authenticate_cognito` and
/// `authenticate_oidc` have defaults for `scope` ("openid"), `session_cookie_name`
/// ("AWSELBAuthSessionCookie") and `session_timeout` (604800), so removing one plans the
/// default; a listener's are Optional+Computed, keeping what AWS has.
pub fn action_block(name: &'static str) -> Block {
    let rule = name == "action";
    let forward = Schema::new()
        .block(Block::set(
            "target_group",
            Schema::new().attr(Attribute::required("arn", Type::String)).attr(
                Attribute::optional("weight", Type::Number)
                    .default(Value::Number(1.0))
                    .check(Check::Range(0, 999)),
            ),
        ))
        .block(Block::single(
            "stickiness",
            Schema::new()
                .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(false)))
                .attr(
                    Attribute::required("duration", Type::Number).check(Check::Range(1, 604_800)),
                ),
        ));
    let redirect = Schema::new()
        .attr(Attribute::optional("host", Type::String).default(Value::string("#{host}")))
        .attr(Attribute::optional("path", Type::String).default(Value::string("/#{path}")))
        .attr(Attribute::optional("port", Type::String).default(Value::string("#{port}")))
        .attr(Attribute::optional("protocol", Type::String).default(Value::string("#{protocol}")))
        .attr(Attribute::optional("query", Type::String).default(Value::string("#{query}")))
        .attr(
            Attribute::required("status_code", Type::String)
                .check(Check::OneOf(&["HTTP_301", "HTTP_302"])),
        );
    let fixed_response = Schema::new()
        .attr(Attribute::required("content_type", Type::String).check(Check::OneOf(&[
            "text/plain",
            "text/css",
            "text/html",
            "application/javascript",
            "application/json",
        ])))
        .attr(Attribute::optional("message_body", Type::String))
        .attr(Attribute::optional_computed("status_code", Type::String));
    // AWS fills in scope, cookie name, timeout and the unauthenticated behaviour; a rule's
    // schema has the first three as defaults.
    let defaulted = |attribute: &'static str, ty: Type, default: Value| {
        if rule {
            Attribute::optional(attribute, ty).default(default)
        } else {
            Attribute::optional_computed(attribute, ty)
        }
    };
    let authenticate_common = |schema: Schema| {
        schema
            .attr(Attribute::optional(
                "authentication_request_extra_params",
                Type::map(Type::String),
            ))
            // Lower-cased by `normalize_actions`.
            .attr(
                Attribute::optional_computed("on_unauthenticated_request", Type::String)
                    .check(Check::OneOfAnyCase(UNAUTHENTICATED_BEHAVIOURS)),
            )
            .attr(defaulted("scope", Type::String, Value::string("openid")))
            .attr(defaulted(
                "session_cookie_name",
                Type::String,
                Value::string("AWSELBAuthSessionCookie"),
            ))
            .attr(defaulted("session_timeout", Type::Number, Value::Number(604_800.0)))
    };
    let authenticate_cognito = authenticate_common(
        Schema::new()
            .attr(Attribute::required("user_pool_arn", Type::String))
            .attr(Attribute::required("user_pool_client_id", Type::String))
            .attr(Attribute::required("user_pool_domain", Type::String)),
    );
    let authenticate_oidc = authenticate_common(
        Schema::new()
            .attr(Attribute::required("authorization_endpoint", Type::String))
            .attr(Attribute::required("client_id", Type::String))
            .attr(Attribute::required("client_secret", Type::String).sensitive())
            .attr(Attribute::required("issuer", Type::String))
            .attr(Attribute::required("token_endpoint", Type::String))
            .attr(Attribute::required("user_info_endpoint", Type::String)),
    );
    Block::list(
        name,
        Schema::new()
            // Lower-cased by `normalize_actions`.
            .attr(
                Attribute::required("type", Type::String).check(Check::OneOfAnyCase(ACTION_TYPES)),
            )
            .attr(Attribute::optional("target_group_arn", Type::String))
            .attr(
                Attribute::optional_computed("order", Type::Number).check(Check::Range(1, 50_000)),
            )
            .block(Block::single("forward", forward))
            .block(Block::single("redirect", redirect))
            .block(Block::single("fixed_response", fixed_response))
            .block(Block::single("authenticate_cognito", authenticate_cognito))
            .block(Block::single("authenticate_oidc", authenticate_oidc))
            .block(Block::single("jwt_validation", jwt_validation_schema())),
    )
    .required()
}

/// A `jwt_validation` action's block (provider 6.x, ELB's JWT validation of November 2025):
/// the issuer, the JWKS endpoint, and the claims beyond the standard ones to check.
fn jwt_validation_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("issuer", Type::String))
        .attr(Attribute::required("jwks_endpoint", Type::String))
        // At most 10, as the provider's schema has it (MaxItems: 10).
        .block(Block {
            max_items: Some(10),
            ..Block::set(
                "additional_claim",
                Schema::new()
                    .attr(Attribute::required("format", Type::String).check(Check::OneOf(&[
                        "single-string",
                        "string-array",
                        "space-separated-values",
                    ])))
                    .attr(Attribute::required("name", Type::String))
                    .attr(Attribute::required("values", Type::set(Type::String))),
            )
        })
}

/// The SDK's JWT validation of a `jwt_validation` block.
fn jwt_validation_to_sdk(jwt: &Value) -> JwtValidationActionConfig {
    let claims = blocks(jwt, "additional_claim")
        .iter()
        .map(|claim| {
            JwtValidationActionAdditionalClaim::builder()
                .set_format(
                    string(claim, "format")
                        .map(|f| JwtValidationActionAdditionalClaimFormatEnum::from(f.as_str())),
                )
                .set_name(string(claim, "name"))
                .set_values(Some(strings(claim, "values")))
                .build()
        })
        .collect::<Vec<_>>();
    JwtValidationActionConfig::builder()
        .set_issuer(string(jwt, "issuer"))
        .set_jwks_endpoint(string(jwt, "jwks_endpoint"))
        .set_additional_claims((!claims.is_empty()).then_some(claims))
        .build()
}

/// `jwt_validation`, as a list of at most one block.
fn jwt_validation_blocks(action: &Action) -> Vec<Value> {
    action
        .jwt_validation_config()
        .map(|c| {
            let claims = c
                .additional_claims()
                .iter()
                .map(|claim| {
                    Value::map([
                        ("format", text(claim.format().map(|f| f.as_str()))),
                        ("name", text(claim.name())),
                        ("values", crate::app_support::string_list(claim.values())),
                    ])
                })
                .collect();
            vec![Value::map([
                ("issuer", text(c.issuer())),
                ("jwks_endpoint", text(c.jwks_endpoint())),
                ("additional_claim", Value::List(claims)),
            ])]
        })
        .unwrap_or_default()
}

/// The action types that take a block of their own: the block, and the article both take in
/// the error for an action without it.
const ACTION_BLOCKS: &[(&str, &str, &str)] = &[
    ("redirect", "redirect", "a"),
    ("fixed-response", "fixed_response", "a"),
    ("authenticate-cognito", "authenticate_cognito", "an"),
    ("jwt-validation", "jwt_validation", "a"),
    ("authenticate-oidc", "authenticate_oidc", "an"),
];

/// Checks the provider makes and moto does not: forward actions name target groups, and each
/// action type has its block. Returns `(path, message)`.
pub fn validate_actions(config: &Value, name: &str) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (index, action) in blocks(config, name).iter().enumerate() {
        let path = format!("{name}[{index}]");
        let kind = action.get("type").as_str().map(str::to_ascii_lowercase);
        match kind.as_deref() {
            Some("forward") => {
                let forward = single(action, "forward");
                let groups = forward.map(|f| blocks(f, "target_group")).unwrap_or(&[]);
                if action.get("target_group_arn").is_null() && forward.is_none() {
                    problems.push((
                        path.clone(),
                        "a forward action requires \"target_group_arn\" or a \"forward\" block"
                            .to_string(),
                    ));
                }
                if forward.is_some()
                    && groups.is_empty()
                    && action.get("target_group_arn").is_null()
                {
                    problems.push((
                        format!("{path}.forward"),
                        "a \"forward\" block requires at least one \"target_group\" block"
                            .to_string(),
                    ));
                }
                if groups.len() > 5 {
                    problems.push((
                        format!("{path}.forward"),
                        format!(
                            "a forward action takes at most 5 target groups, got {}",
                            groups.len()
                        ),
                    ));
                }
            }
            Some(kind) => {
                let own_block = ACTION_BLOCKS.iter().find(|(with, ..)| *with == kind);
                if let Some((_, block, article)) = own_block {
                    if single(action, block).is_none() {
                        problems.push((
                            path,
                            format!("{article} {kind} action requires {article} \"{block}\" block"),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    problems
}

/// Lower-cases `value`'s `key` where it is a string.
fn lower_case(value: &mut Value, key: &str) {
    if let Some(Value::String(text)) = value.map_mut().and_then(|o| o.get_mut(key)) {
        *text = text.to_ascii_lowercase();
    }
}

/// Each action's `type`, and its authentication's `on_unauthenticated_request`, lower-case
/// as AWS spells them and reports them: the provider accepts any case, and a configured
/// `Forward` is the `forward` (a `DENY` the `deny`) AWS reads back, so a re-plan is clean.
pub fn normalize_actions(value: &mut Value, name: &str) {
    let Some(Value::List(actions)) = value.map_mut().and_then(|o| o.get_mut(name)) else {
        return;
    };
    for action in actions {
        lower_case(action, "type");
        for block in AUTHENTICATE_BLOCKS {
            if let Some(Value::List(auths)) = action.map_mut().and_then(|a| a.get_mut(*block)) {
                for auth in auths {
                    lower_case(auth, "on_unauthenticated_request");
                }
            }
        }
    }
}

/// The SDK actions for the `name` blocks of `value`.
pub fn actions_to_sdk(value: &Value, name: &str) -> Vec<Action> {
    blocks(value, name)
        .iter()
        .enumerate()
        .map(|(index, action)| {
            let kind = string(action, "type").unwrap_or_default().to_ascii_lowercase();
            let mut builder = Action::builder()
                .r#type(ActionTypeEnum::from(kind.as_str()))
                .order(int(action, "order").unwrap_or(index as i32 + 1));
            match kind.as_str() {
                "forward" => {
                    if let Some(forward) = single(action, "forward") {
                        let groups: Vec<TargetGroupTuple> = blocks(forward, "target_group")
                            .iter()
                            .map(|group| {
                                TargetGroupTuple::builder()
                                    .set_target_group_arn(non_empty(group, "arn"))
                                    .weight(int(group, "weight").unwrap_or(1))
                                    .build()
                            })
                            .collect();
                        let mut config =
                            ForwardActionConfig::builder().set_target_groups(Some(groups));
                        if let Some(stickiness) = single(forward, "stickiness") {
                            config = config.target_group_stickiness_config(
                                TargetGroupStickinessConfig::builder()
                                    .enabled(boolean(stickiness, "enabled").unwrap_or(false))
                                    .set_duration_seconds(int(stickiness, "duration"))
                                    .build(),
                            );
                        }
                        builder = builder.forward_config(config.build());
                    } else {
                        builder =
                            builder.set_target_group_arn(non_empty(action, "target_group_arn"));
                    }
                }
                "redirect" => {
                    if let Some(redirect) = single(action, "redirect") {
                        builder = builder.redirect_config(
                            RedirectActionConfig::builder()
                                .set_protocol(non_empty(redirect, "protocol"))
                                .set_port(non_empty(redirect, "port"))
                                .set_host(non_empty(redirect, "host"))
                                .set_path(non_empty(redirect, "path"))
                                .set_query(string(redirect, "query"))
                                .set_status_code(
                                    non_empty(redirect, "status_code")
                                        .map(|s| RedirectActionStatusCodeEnum::from(s.as_str())),
                                )
                                .build(),
                        );
                    }
                }
                "fixed-response" => {
                    if let Some(fixed) = single(action, "fixed_response") {
                        builder = builder.fixed_response_config(
                            FixedResponseActionConfig::builder()
                                .set_content_type(non_empty(fixed, "content_type"))
                                .set_message_body(string(fixed, "message_body"))
                                .status_code(
                                    non_empty(fixed, "status_code")
                                        .unwrap_or_else(|| "200".to_string()),
                                )
                                .build(),
                        );
                    }
                }
                "authenticate-cognito" => {
                    if let Some(auth) = single(action, "authenticate_cognito") {
                        builder = builder.authenticate_cognito_config(
                            with_authentication_settings!(
                                AuthenticateCognitoActionConfig::builder(),
                                auth,
                                AuthenticateCognitoActionConditionalBehaviorEnum
                            )
                            .set_user_pool_arn(string(auth, "user_pool_arn"))
                            .set_user_pool_client_id(string(auth, "user_pool_client_id"))
                            .set_user_pool_domain(string(auth, "user_pool_domain"))
                            .build(),
                        );
                    }
                }
                "authenticate-oidc" => {
                    if let Some(auth) = single(action, "authenticate_oidc") {
                        builder = builder.authenticate_oidc_config(
                            with_authentication_settings!(
                                AuthenticateOidcActionConfig::builder(),
                                auth,
                                AuthenticateOidcActionConditionalBehaviorEnum
                            )
                            .set_authorization_endpoint(string(auth, "authorization_endpoint"))
                            .set_client_id(string(auth, "client_id"))
                            .set_client_secret(string(auth, "client_secret"))
                            .set_issuer(string(auth, "issuer"))
                            .set_token_endpoint(string(auth, "token_endpoint"))
                            .set_user_info_endpoint(string(auth, "user_info_endpoint"))
                            .build(),
                        );
                    }
                }
                "jwt-validation" => {
                    if let Some(jwt) = single(action, "jwt_validation") {
                        builder = builder.jwt_validation_config(jwt_validation_to_sdk(jwt));
                    }
                }
                _ => {}
            }
            builder.build()
        })
        .collect()
}

/// The `name` blocks as AWS reports `actions`. `hint` (the planned or prior value) decides
/// whether a single-group forward is shown as `target_group_arn` or as a `forward` block, since
/// AWS reports both shapes for either.
pub fn actions_from_sdk(actions: &[Action], hint: &Value, name: &str) -> Value {
    let hints = blocks(hint, name);
    let mut sorted: Vec<&Action> = actions.iter().collect();
    sorted.sort_by_key(|a| a.order().unwrap_or(i32::MAX));
    Value::List(
        sorted
            .iter()
            .enumerate()
            .map(|(index, action)| {
                let hint = hints.get(index).cloned().unwrap_or(Value::Null);
                action_value(action, &hint)
            })
            .collect(),
    )
}

/// One action as AWS reports it, shaped after its hinted block.
fn action_value(action: &Action, hint: &Value) -> Value {
    let kind = action.r#type().map(|t| t.as_str().to_string()).unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("type".to_string(), Value::string(&kind));
    object.insert("order".to_string(), number(action.order().map(i64::from)));
    let (target_group_arn, forward) = if kind == "forward" {
        forward_value(action, hint)
    } else {
        (Value::Null, Value::List(vec![]))
    };
    object.insert("target_group_arn".to_string(), target_group_arn);
    object.insert("forward".to_string(), forward);
    let redirect = action
        .redirect_config()
        .map(|r| {
            vec![Value::map([
                ("host", text(r.host())),
                ("path", text(r.path())),
                ("port", text(r.port())),
                ("protocol", text(r.protocol())),
                ("query", text(r.query())),
                ("status_code", text(r.status_code().map(|s| s.as_str()))),
            ])]
        })
        .unwrap_or_default();
    object.insert("redirect".to_string(), Value::List(redirect));
    let fixed = action
        .fixed_response_config()
        .map(|f| {
            vec![Value::map([
                ("content_type", text(f.content_type())),
                ("message_body", text(f.message_body())),
                ("status_code", text(f.status_code())),
            ])]
        })
        .unwrap_or_default();
    object.insert("fixed_response".to_string(), Value::List(fixed));
    object.insert("authenticate_cognito".to_string(), Value::List(cognito_blocks(action)));
    object.insert("authenticate_oidc".to_string(), Value::List(oidc_blocks(action, hint)));
    object.insert("jwt_validation".to_string(), Value::List(jwt_validation_blocks(action)));
    Value::Map(object)
}

/// `target_group_arn` and `forward` of a forward action: a single group as its ARN or as a
/// block, as the hint has it (or, without one, a block only for stickiness or several groups).
fn forward_value(action: &Action, hint: &Value) -> (Value, Value) {
    let groups: Vec<(String, i32)> = match action.forward_config() {
        Some(config) if !config.target_groups().is_empty() => config
            .target_groups()
            .iter()
            .map(|g| {
                (g.target_group_arn().unwrap_or_default().to_string(), g.weight().unwrap_or(1))
            })
            .collect(),
        _ => action.target_group_arn().map(|arn| vec![(arn.to_string(), 1)]).unwrap_or_default(),
    };
    let stickiness = action.forward_config().and_then(|c| c.target_group_stickiness_config());
    let hint_uses_block = single(hint, "forward").is_some();
    let hint_uses_arn = !hint.get("target_group_arn").is_null();
    let as_arn = if hint_uses_block {
        false
    } else if hint_uses_arn {
        groups.len() == 1
    } else {
        groups.len() == 1 && !stickiness.and_then(|s| s.enabled()).unwrap_or(false)
    };
    if as_arn {
        return (Value::string(&groups[0].0), Value::List(vec![]));
    }
    let hint_stickiness = single(hint, "forward").and_then(|f| single(f, "stickiness")).is_some();
    let stickiness_blocks = match stickiness {
        Some(s) if hint_stickiness || s.enabled().unwrap_or(false) => {
            vec![Value::map([
                ("enabled", Value::Bool(s.enabled().unwrap_or(false))),
                ("duration", number(s.duration_seconds().map(i64::from))),
            ])]
        }
        _ => vec![],
    };
    let forward = Value::List(vec![Value::map([
        (
            "target_group",
            Value::List(
                groups
                    .iter()
                    .map(|(arn, weight)| {
                        Value::map([
                            ("arn", Value::string(arn)),
                            ("weight", Value::Number(f64::from(*weight))),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("stickiness", Value::List(stickiness_blocks)),
    ])]);
    (Value::Null, forward)
}

/// The settings `authenticate_cognito` and `authenticate_oidc` share, on either SDK config
/// builder; `$behavior` is that config's on-unauthenticated-request enum. (A macro: the two
/// builders are distinct SDK types with the same setters.)
macro_rules! with_authentication_settings {
    ($builder:expr, $auth:expr, $behavior:ty) => {
        $builder
            .set_authentication_request_extra_params(string_map(
                $auth,
                "authentication_request_extra_params",
            ))
            .set_on_unauthenticated_request(
                non_empty($auth, "on_unauthenticated_request")
                    .map(|s| <$behavior>::from(s.to_ascii_lowercase().as_str())),
            )
            .set_scope(non_empty($auth, "scope"))
            .set_session_cookie_name(non_empty($auth, "session_cookie_name"))
            .set_session_timeout($auth.get("session_timeout").as_i64())
    };
}
use with_authentication_settings;

/// The settings `authenticate_cognito` and `authenticate_oidc` share, as AWS reports them in
/// either SDK config.
macro_rules! authentication_settings_read {
    ($config:expr) => {
        [
            (
                "authentication_request_extra_params",
                map_value($config.authentication_request_extra_params()),
            ),
            (
                "on_unauthenticated_request",
                text($config.on_unauthenticated_request().map(|b| b.as_str())),
            ),
            ("scope", text($config.scope())),
            ("session_cookie_name", text($config.session_cookie_name())),
            ("session_timeout", number($config.session_timeout())),
        ]
    };
}

/// `authenticate_cognito`, as a list of at most one block.
fn cognito_blocks(action: &Action) -> Vec<Value> {
    action
        .authenticate_cognito_config()
        .map(|c| {
            vec![Value::map(
                [
                    ("user_pool_arn", text(c.user_pool_arn())),
                    ("user_pool_client_id", text(c.user_pool_client_id())),
                    ("user_pool_domain", text(c.user_pool_domain())),
                ]
                .into_iter()
                .chain(authentication_settings_read!(c)),
            )]
        })
        .unwrap_or_default()
}

/// `authenticate_oidc`, as a list of at most one block.
fn oidc_blocks(action: &Action, hint: &Value) -> Vec<Value> {
    action
        .authenticate_oidc_config()
        .map(|c| {
            // AWS never returns the client secret: keep the configured one.
            let secret = single(hint, "authenticate_oidc")
                .map(|h| h.get("client_secret").clone())
                .filter(|s| !s.is_null())
                .unwrap_or_else(|| text(c.client_secret()));
            vec![Value::map(
                [
                    ("authorization_endpoint", text(c.authorization_endpoint())),
                    ("client_id", text(c.client_id())),
                    ("client_secret", secret),
                    ("issuer", text(c.issuer())),
                    ("token_endpoint", text(c.token_endpoint())),
                    ("user_info_endpoint", text(c.user_info_endpoint())),
                ]
                .into_iter()
                .chain(authentication_settings_read!(c)),
            )]
        })
        .unwrap_or_default()
}

/// The schema of a listener rule's `condition` set block.
pub fn condition_block() -> Block {
    let values = || Schema::new().attr(Attribute::required("values", Type::set(Type::String)));
    // Wildcard `values` or `regex_values` (provider 6.x): exactly one of them.
    let matched = |schema: Schema| {
        schema
            .attr(Attribute::optional("values", Type::set(Type::String)))
            .attr(Attribute::optional("regex_values", Type::set(Type::String)))
    };
    Block::set(
        "condition",
        Schema::new()
            .block(Block::single("path_pattern", matched(Schema::new())))
            .block(Block::single("host_header", matched(Schema::new())))
            .block(Block::single(
                "http_header",
                matched(Schema::new().attr(Attribute::required("http_header_name", Type::String))),
            ))
            .block(Block::single("http_request_method", values()))
            .block(Block::single("source_ip", values()))
            // One block per key/value pair, as the provider has it; a pair without a key is
            // stored with "" (the provider's read of none).
            .block(Block::set(
                "query_string",
                Schema::new()
                    .attr(Attribute::optional("key", Type::String).default(Value::string("")))
                    .attr(Attribute::required("value", Type::String)),
            )),
    )
    .required()
}

/// The condition kinds a `condition` block holds exactly one of.
const CONDITION_KINDS: &[&str] = &[
    "host_header",
    "http_header",
    "http_request_method",
    "path_pattern",
    "query_string",
    "source_ip",
];

/// The condition kinds that match `values` (wildcards) or `regex_values`.
const PATTERN_KINDS: &[&str] = &["host_header", "http_header", "path_pattern"];

/// Each condition sets exactly one kind, and a pattern kind exactly one of `values` and
/// `regex_values`, as AWS requires. Returns `(path, message)`.
pub fn validate_conditions(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (index, condition) in blocks(config, "condition").iter().enumerate() {
        let set = CONDITION_KINDS.iter().filter(|kind| single(condition, kind).is_some()).count();
        if set != 1 {
            problems.push((
                format!("condition[{index}]"),
                format!(
                    "exactly one of {} must be set in a condition, got {set}",
                    CONDITION_KINDS.join(", ")
                ),
            ));
        }
        for kind in PATTERN_KINDS {
            let Some(block) = single(condition, kind) else {
                continue;
            };
            let given = |key: &str| !block.get(key).is_null();
            if !block.get("values").is_wholly_known()
                || !block.get("regex_values").is_wholly_known()
            {
                continue;
            }
            if given("values") == given("regex_values") {
                problems.push((
                    format!("condition[{index}].{kind}"),
                    "exactly one of values and regex_values must be set".to_string(),
                ));
            }
        }
    }
    problems
}

/// A pattern condition's `values` and `regex_values`, as the SDK takes them (None when unset).
fn patterns(block: &Value) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let set = |key: &str| (!block.get(key).is_null()).then(|| strings(block, key));
    (set("values"), set("regex_values"))
}

/// A pattern condition's entries when read: the `values` or `regex_values` AWS reports, the
/// one it does not use null, as the configuration leaves it.
fn pattern_entries(values: &[String], regex_values: &[String]) -> [(&'static str, Value); 2] {
    let set = |items: &[String]| match items {
        [] => Value::Null,
        items => crate::app_support::string_list(items),
    };
    [("values", set(values)), ("regex_values", set(regex_values))]
}

pub fn conditions_to_sdk(value: &Value) -> Vec<RuleCondition> {
    let mut out = Vec::new();
    let on = |field: &str| RuleCondition::builder().field(field);
    for condition in blocks(value, "condition") {
        if let Some(path) = single(condition, "path_pattern") {
            let (values, regex_values) = patterns(path);
            out.push(
                on("path-pattern")
                    .path_pattern_config(
                        PathPatternConditionConfig::builder()
                            .set_values(values)
                            .set_regex_values(regex_values)
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(host) = single(condition, "host_header") {
            let (values, regex_values) = patterns(host);
            out.push(
                on("host-header")
                    .host_header_config(
                        HostHeaderConditionConfig::builder()
                            .set_values(values)
                            .set_regex_values(regex_values)
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(method) = single(condition, "http_request_method") {
            out.push(
                on("http-request-method")
                    .http_request_method_config(
                        HttpRequestMethodConditionConfig::builder()
                            .set_values(Some(strings(method, "values")))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(source) = single(condition, "source_ip") {
            out.push(
                on("source-ip")
                    .source_ip_config(
                        SourceIpConditionConfig::builder()
                            .set_values(Some(strings(source, "values")))
                            .build(),
                    )
                    .build(),
            );
        }
        let pairs = blocks(condition, "query_string");
        if !pairs.is_empty() {
            out.push(
                on("query-string")
                    .query_string_config(
                        QueryStringConditionConfig::builder()
                            .set_values(Some(
                                pairs
                                    .iter()
                                    .map(|pair| {
                                        QueryStringKeyValuePair::builder()
                                            .set_key(non_empty(pair, "key"))
                                            .set_value(string(pair, "value"))
                                            .build()
                                    })
                                    .collect(),
                            ))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(header) = single(condition, "http_header") {
            out.push(
                on("http-header")
                    .http_header_config(
                        HttpHeaderConditionConfig::builder()
                            .set_http_header_name(string(header, "http_header_name"))
                            .set_values(patterns(header).0)
                            .set_regex_values(patterns(header).1)
                            .build(),
                    )
                    .build(),
            );
        }
    }
    out
}

pub fn conditions_from_sdk(conditions: &[RuleCondition]) -> Value {
    let values_block = |values: &[String]| {
        Value::List(vec![Value::map([("values", crate::app_support::string_list(values))])])
    };
    Value::List(
        conditions
            .iter()
            .filter_map(|condition| {
                let field = condition.field().unwrap_or_default();
                let mut object: BTreeMap<String, Value> = CONDITION_KINDS
                    .iter()
                    .map(|kind| (kind.to_string(), Value::List(vec![])))
                    .collect();
                match field {
                    "http-request-method" => {
                        let config = condition.http_request_method_config();
                        let values = config.map(|c| c.values()).unwrap_or(&[]);
                        let values = values_or_legacy(values, &[], condition);
                        object.insert("http_request_method".into(), values_block(&values));
                    }
                    "source-ip" => {
                        let config = condition.source_ip_config();
                        let values = config.map(|c| c.values()).unwrap_or(&[]);
                        let values = values_or_legacy(values, &[], condition);
                        object.insert("source_ip".into(), values_block(&values));
                    }
                    "query-string" => {
                        let pairs =
                            condition.query_string_config().map(|c| c.values()).unwrap_or(&[]);
                        object.insert(
                            "query_string".into(),
                            Value::List(
                                pairs
                                    .iter()
                                    .map(|pair| {
                                        Value::map([
                                            ("key", Value::string(pair.key().unwrap_or_default())),
                                            ("value", text(pair.value())),
                                        ])
                                    })
                                    .collect(),
                            ),
                        );
                    }
                    "path-pattern" => {
                        let config = condition.path_pattern_config();
                        let values = config.map(|c| c.values()).unwrap_or(&[]);
                        let regex_values = config.map(|c| c.regex_values()).unwrap_or(&[]);
                        let block = patterns_block(values, regex_values, condition);
                        object.insert("path_pattern".into(), block);
                    }
                    "host-header" => {
                        let config = condition.host_header_config();
                        let values = config.map(|c| c.values()).unwrap_or(&[]);
                        let regex_values = config.map(|c| c.regex_values()).unwrap_or(&[]);
                        let block = patterns_block(values, regex_values, condition);
                        object.insert("host_header".into(), block);
                    }
                    "http-header" => {
                        let config = condition.http_header_config();
                        let [values, regex_values] = pattern_entries(
                            config.map(|c| c.values()).unwrap_or(&[]),
                            config.map(|c| c.regex_values()).unwrap_or(&[]),
                        );
                        let name = text(config.and_then(|c| c.http_header_name()));
                        object.insert(
                            "http_header".into(),
                            Value::List(vec![Value::map([
                                ("http_header_name", name),
                                values,
                                regex_values,
                            ])]),
                        );
                    }
                    _ => return None,
                }
                Some(Value::Map(object))
            })
            .collect(),
    )
}

/// A condition's values: its config's (`values`, or only `regex_values`), else the legacy
/// `Values` AWS also reports.
fn values_or_legacy(
    values: &[String],
    regex_values: &[String],
    condition: &RuleCondition,
) -> Vec<String> {
    match values.is_empty() && regex_values.is_empty() {
        true => condition.values().to_vec(),
        false => values.to_vec(),
    }
}

/// A `path_pattern` or `host_header` block of a condition's (or its legacy) values.
fn patterns_block(values: &[String], regex_values: &[String], condition: &RuleCondition) -> Value {
    let values = values_or_legacy(values, regex_values, condition);
    Value::List(vec![Value::map(pattern_entries(&values, regex_values))])
}

/// SDK tags from a tag map.
pub fn tags_to_sdk(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

/// The tags of each ARN, 20 ARNs a DescribeTags call.
pub async fn describe_tags(
    client: &aws_sdk_elasticloadbalancingv2::Client,
    arns: &[String],
) -> Result<BTreeMap<String, Vec<(String, String)>>, ProviderError> {
    let mut out = BTreeMap::new();
    for chunk in arns.chunks(TAGS_PER_CALL) {
        let response = sent!(client.describe_tags().set_resource_arns(Some(chunk.to_vec())))?;
        for description in response.tag_descriptions() {
            let Some(arn) = description.resource_arn() else {
                continue;
            };
            let tags = tag_pairs(description.tags(), Tag::key, Tag::value);
            out.insert(arn.to_string(), tags);
        }
    }
    Ok(out)
}

/// Adds and removes the tag difference between `prior` and `planned` on `arn`.
pub async fn update_tags(
    client: &aws_sdk_elasticloadbalancingv2::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let (to_set, to_remove) = tag_changes(prior, planned);
    if !to_remove.is_empty() {
        sent!(client.remove_tags().resource_arns(arn).set_tag_keys(Some(to_remove)))?;
    }
    if !to_set.is_empty() {
        sent!(client.add_tags().resource_arns(arn).set_tags(Some(tags_to_sdk(&to_set))))?;
    }
    Ok(())
}

pub use crate::app_support::has_managed_tags;

/// ELBv2 objects read back, by ARN: each one's value and its tags (which a lost create's
/// search checks for the operation's managed tags).
type ReadByArn = BTreeMap<String, (Value, Vec<(String, String)>)>;

/// One ELBv2 type whose objects are known by their ARN (the load balancer, target group,
/// listener and listener rule): what is particular to it. [`Elbv2Type`] makes a
/// [`ResourceType`] of it and writes the shared tail once: the read of many ARNs (one
/// Describe by ARNs, DescribeTags 20 ARNs a call, then each object's own reads), the refresh
/// in the prior's order, the read-back after a create or an update (an error naming the
/// object when it is gone), the tag changes an update ends with, and import by ARN.
pub trait Elbv2Object: Send + Sync + Sized + 'static {
    /// The SDK's object, e.g. `LoadBalancer`.
    type Object: Clone + Send + Sync;
    /// The Terraform type name and its legacy `aws_alb…` names.
    const NAME: &'static str;
    const ALIASES: &'static [&'static str];
    /// What the object is called in the error for one gone right after it was written.
    const KIND: &'static str;
    /// Whether the objects' own reads ([`Elbv2Object::value`]) run a few at a time
    /// ([`read_each`]) rather than one after another.
    const READ_CONCURRENTLY: bool = false;
    /// The action blocks a listener (`default_action`) or rule (`action`) routes by: each
    /// action's `type` normalized to AWS's spelling ([`normalize_actions`]; the provider
    /// accepts any case), checked before the type's own checks ([`validate_actions`]), and
    /// the paths whose forward action a blue/green deployment weights
    /// ([`ResourceType::traffic_paths`]). None by default.
    const ACTIONS: &'static [&'static str] = &[];

    /// The object's ARN, read by its accessor (`LoadBalancer::load_balancer_arn`).
    const ARN: fn(&Self::Object) -> Option<&str>;

    fn schema() -> Schema;
    /// As [`ResourceType::default_timeouts`].
    fn default_timeouts() -> Timeouts {
        Timeouts::default()
    }
    /// As [`ResourceType::validate`], after the checks of [`Elbv2Object::ACTIONS`].
    fn validate(config: &Value) -> Vec<(String, String)>;
    /// As [`ResourceType::normalize`], after [`Elbv2Object::ACTIONS`] are normalized.
    fn normalize(_value: &mut Value) {}
    /// As [`ResourceType::replacing_changes`].
    fn replacing_changes(_prior: &Value, _planned: &Value, _changed: &[String]) -> Vec<String> {
        vec![]
    }
    /// As [`ResourceType::unknown_after_update`].
    fn unknown_after_update(_prior: &Value, _planned: &Value) -> Vec<&'static str> {
        vec![]
    }

    /// The objects among `arns` that exist, by ARN; `hints` (ARN → prior or planned value)
    /// name their parents.
    fn describe(
        this: &Elbv2Type<Self>,
        arns: &[String],
        hints: &BTreeMap<String, &Value>,
    ) -> impl Future<Output = Result<BTreeMap<String, Self::Object>, ProviderError>> + Send;
    /// The value of one described object with its tags, shaped after `hint` (the prior state
    /// or the planned value), with what the type reads of it beyond the describe.
    fn value(
        this: &Elbv2Type<Self>,
        arn: &str,
        object: &Self::Object,
        tags: &[(String, String)],
        hint: &Value,
    ) -> impl Future<Output = Result<Value, ProviderError>> + Send;
    /// Creates the object (tagged with the operation's managed tags); returns its ARN.
    fn create(at: Creating<'_, Self>)
        -> impl Future<Output = Result<String, ProviderError>> + Send;
    /// Changes what differs between `prior` and `planned` on the object (its key is its ARN),
    /// except tags.
    fn update(at: Updating<'_, Self>) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// Sends the Delete call for `arn` (a missing object is deleted).
    fn delete(
        this: &Elbv2Type<Self>,
        arn: &str,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// What a delete waits for once sent; by default nothing.
    fn deleted(
        _this: &Elbv2Type<Self>,
        _operation: &Operation,
        _arn: &str,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send {
        async move { Ok(()) }
    }
    /// After a create whose answer was lost: the object it made, read.
    fn find_created(
        at: Creating<'_, Self>,
    ) -> impl Future<Output = Result<Option<Value>, ProviderError>> + Send;
}

/// A create of an [`Elbv2Object`] ([`Elbv2Object::create`]), or the search for what a lost
/// create made ([`Elbv2Object::find_created`]).
pub type Creating<'a, O> = crate::writes::Creating<'a, Elbv2Type<O>>;
/// An update of an [`Elbv2Object`] ([`Elbv2Object::update`]).
pub type Updating<'a, O> = crate::writes::Updating<'a, Elbv2Type<O>>;

/// The [`ResourceType`] of an [`Elbv2Object`].
pub struct Elbv2Type<O> {
    pub aws: Arc<Aws>,
    pub schema: Schema,
    object: PhantomData<O>,
}

impl<O: Elbv2Object> Elbv2Type<O> {
    pub fn new(aws: Arc<Aws>) -> Elbv2Type<O> {
        Elbv2Type { aws, schema: O::schema(), object: PhantomData }
    }

    /// The objects `hints` name (ARN → prior or planned value, which shapes each value), read
    /// with their tags, by ARN.
    pub async fn read_arns(
        &self,
        hints: BTreeMap<String, &Value>,
    ) -> Result<ReadByArn, ProviderError> {
        let arns: Vec<String> = hints.keys().cloned().collect();
        let objects = O::describe(self, &arns, &hints).await?;
        let found: Vec<String> = objects.keys().cloned().collect();
        let tags = describe_tags(&self.aws.clients().await.elbv2, &found).await?;
        let reads = objects.iter().map(|(arn, object)| {
            let tags = tags.get(arn).cloned().unwrap_or_default();
            let hint = hints.get(arn).copied().unwrap_or(&Value::Null);
            async move {
                let value = O::value(self, arn, object, &tags, hint).await?;
                Ok::<_, ProviderError>((arn.clone(), (value, tags)))
            }
        });
        let read = match O::READ_CONCURRENTLY {
            true => read_each(reads.collect()).await?,
            false => {
                let mut read = Vec::with_capacity(objects.len());
                for one in reads {
                    read.push(one.await?);
                }
                read
            }
        };
        Ok(read.into_iter().collect())
    }

    /// The objects among `arns`, by ARN, from a Describe call by ARNs (`by_arns`, sent;
    /// `objects` takes them from its answer), which fails whole when one ARN is missing: then
    /// `listed` lists the candidates (every object, or those of the parents). Missing ones are
    /// absent from the map.
    pub async fn by_arn<Sent, Out, E, Listed>(
        &self,
        arns: &[String],
        by_arns: impl FnOnce(Vec<String>) -> Sent,
        objects: impl FnOnce(&Out) -> &[O::Object],
        listed: impl FnOnce() -> Listed,
    ) -> Result<BTreeMap<String, O::Object>, ProviderError>
    where
        Sent: Future<Output = Result<Out, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        Listed: Future<Output = Result<Vec<O::Object>, ProviderError>>,
    {
        if arns.is_empty() {
            return Ok(BTreeMap::new());
        }
        let objects = match by_arns(arns.to_vec()).await.map_err(aws_error) {
            Ok(answer) => objects(&answer).to_vec(),
            Err(error) if is_not_found(&error) => listed().await?,
            Err(error) => return Err(error),
        };
        Ok(objects
            .into_iter()
            .filter_map(|object| {
                let arn = (O::ARN)(&object)?.to_string();
                arns.contains(&arn).then_some((arn, object))
            })
            .collect())
    }

    /// For [`Elbv2Type::by_arn`]'s `listed`: the objects of each parent the hints name (their
    /// `parent_key`: a listener's load balancer, a rule's listener), each parent's listed by
    /// `of_parent`; a parent gone has none.
    pub async fn of_parents<Fut>(
        hints: &BTreeMap<String, &Value>,
        parent_key: &str,
        of_parent: impl Fn(String) -> Fut,
    ) -> Result<Vec<O::Object>, ProviderError>
    where
        Fut: Future<Output = Result<Vec<O::Object>, ProviderError>>,
    {
        let parents: BTreeSet<String> =
            hints.values().filter_map(|v| string(v, parent_key)).collect();
        let mut all = Vec::new();
        for parent in parents {
            match of_parent(parent).await {
                Ok(objects) => all.extend(objects),
                Err(error) if is_not_found(&error) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(all)
    }

    /// The ARN of the object a Create call answered with (`objects`); the error naming what
    /// was asked for (`name`) when there is none.
    pub fn created_arn(objects: &[O::Object], name: &str) -> Result<String, ProviderError> {
        let arn = objects.first().and_then(O::ARN);
        arn.map(str::to_string).ok_or_else(|| vanished(O::KIND, name))
    }

    /// The one object `arn`, shaped after `hint`, with its tags; `None` when it is gone.
    async fn read_arn(
        &self,
        arn: &str,
        hint: &Value,
    ) -> Result<Option<(Value, Vec<(String, String)>)>, ProviderError> {
        let hints = BTreeMap::from([(arn.to_string(), hint)]);
        Ok(self.read_arns(hints).await?.remove(arn))
    }

    /// The object `arn` read back after a create or update (or by a data source), shaped
    /// after `hint`; one gone is an error.
    pub(crate) async fn read_one(&self, arn: &str, hint: &Value) -> Result<Value, ProviderError> {
        let read = self.read_arn(arn, hint).await?;
        read.map(|(value, _)| value).ok_or_else(|| vanished(O::KIND, arn))
    }
}

impl<O: Elbv2Object> Creating<'_, O> {
    /// What this create, lost, left under its parent (`parent`, the listener or load balancer the
    /// plan names), read: the first of the objects the parent's Describe call (`list`, sent;
    /// `objects` takes them from its answer) whose tags (DescribeTags, 20 ARNs a call) say
    /// this operation created it. None when the parent is unknown or gone.
    pub async fn created_under<Sent, Out, E>(
        self,
        parent: Option<String>,
        list: impl FnOnce(String) -> Sent,
        objects: impl FnOnce(Out) -> Vec<O::Object>,
    ) -> Result<Option<Value>, ProviderError>
    where
        Sent: Future<Output = Result<Out, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let (this, operation, planned) = (self.this, self.operation, self.planned);
        let Some(parent) = parent else {
            return Ok(None);
        };
        let listed = match list(parent).await.map_err(aws_error) {
            Ok(answer) => objects(answer),
            Err(error) if is_not_found(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        let arns: Vec<String> =
            listed.iter().filter_map(|o| (O::ARN)(o).map(str::to_string)).collect();
        let tags = describe_tags(&this.aws.clients().await.elbv2, &arns).await?;
        for object in &listed {
            let Some(arn) = (O::ARN)(object) else {
                continue;
            };
            let object_tags = tags.get(arn).cloned().unwrap_or_default();
            if has_managed_tags(&object_tags, operation) {
                let value = O::value(this, arn, object, &object_tags, planned).await?;
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// What this create, lost, left of a load balancer or target group: the object named as
    /// planned (the Describe call by name, `by_name`, sent; `objects` takes them from its
    /// answer), or for a generated name the one among `every` object whose tags say this
    /// operation created it; read when it carries this operation's managed tags.
    pub async fn created_named<Sent, Out, E, Every>(
        self,
        by_name: impl FnOnce(String) -> Sent,
        objects: impl FnOnce(&Out) -> &[O::Object],
        every: Every,
    ) -> Result<Option<Value>, ProviderError>
    where
        Sent: Future<Output = Result<Out, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        Every: Future<Output = Result<Vec<O::Object>, ProviderError>>,
    {
        let (this, operation, planned) = (self.this, self.operation, self.planned);
        let arn = match string(planned, "name") {
            // A generated name: look among every object for this operation's tags.
            None => {
                let arns: Vec<String> = every
                    .await?
                    .iter()
                    .filter_map(|object| (O::ARN)(object).map(str::to_string))
                    .collect();
                describe_tags(&this.aws.clients().await.elbv2, &arns)
                    .await?
                    .into_iter()
                    .find(|(_, tags)| has_managed_tags(tags, operation))
                    .map(|(arn, _)| arn)
            }
            Some(name) => match by_name(name).await.map_err(aws_error) {
                Ok(answer) => objects(&answer).first().and_then(O::ARN).map(str::to_string),
                Err(error) if is_not_found(&error) => None,
                Err(error) => return Err(error),
            },
        };
        let Some(arn) = arn else { return Ok(None) };
        Ok(this
            .read_arn(&arn, planned)
            .await?
            .filter(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(value, _)| value))
    }
}

#[async_trait::async_trait]
impl<O: Elbv2Object> ResourceType for Elbv2Type<O> {
    fn name(&self) -> &'static str {
        O::NAME
    }

    fn aliases(&self) -> &'static [&'static str] {
        O::ALIASES
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        O::default_timeouts()
    }

    fn replacing_changes(&self, prior: &Value, planned: &Value, changed: &[String]) -> Vec<String> {
        O::replacing_changes(prior, planned, changed)
    }

    fn unknown_after_update(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        O::unknown_after_update(prior, planned)
    }

    fn normalize(&self, value: &mut Value) {
        for actions in O::ACTIONS {
            normalize_actions(value, actions);
        }
        O::normalize(value)
    }

    fn traffic_paths(&self) -> &'static [&'static str] {
        O::ACTIONS
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems: Vec<(String, String)> =
            O::ACTIONS.iter().flat_map(|actions| validate_actions(config, actions)).collect();
        problems.extend(O::validate(config));
        problems
    }

    async fn create(&self, at: infra_core::Creating<'_>) -> Result<Value, ProviderError> {
        let arn = O::create(Creating::new(self, at)).await?;
        self.read_one(&arn, at.planned).await
    }

    async fn update(&self, at: infra_core::Updating<'_>) -> Result<Value, ProviderError> {
        let arn = string(at.prior, "arn")
            .ok_or_else(|| ProviderError::new(format!("{} has no arn in state", O::NAME)))?;
        O::update(Updating::new(self, &arn, at)).await?;
        update_tags(&self.aws.clients().await.elbv2, &arn, at.prior, at.planned).await?;
        self.read_one(&arn, at.planned).await
    }

    async fn delete(&self, at: infra_core::Deleting<'_>) -> Result<(), ProviderError> {
        let Some(arn) = string(at.prior, "arn") else {
            return Ok(());
        };
        match O::delete(self, &arn).await {
            Ok(()) => O::deleted(self, at.operation, &arn).await,
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let found = self.read_arns(hints_by(prior, "arn")).await?;
        let value = |(value, _): &(Value, Vec<(String, String)>), _: &Value| value.clone();
        Ok(by_key(prior, "arn", |arn| found.get(arn), value))
    }

    /// Terraform's import ID: its ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    async fn find_created(
        &self,
        at: infra_core::Creating<'_>,
    ) -> Result<Option<Value>, ProviderError> {
        O::find_created(Creating::new(self, at)).await
    }
}

/// Sends a `Modify…Attributes` request (`$request`, built for one ARN) with `$attributes`, the
/// SDK's attribute objects, or with `$pairs` (key, value), each built as an `$Attribute`;
/// nothing when there are none. (A macro: each call and attribute is a type of its own.)
macro_rules! modify_attributes {
    ($request:expr, $attributes:expr) => {{
        let attributes = $attributes;
        match attributes.is_empty() {
            true => Ok(()),
            false => $request
                .set_attributes(Some(attributes))
                .send()
                .await
                .map(|_| ())
                .map_err($crate::error::aws_error),
        }
    }};
    ($request:expr, $Attribute:ident, $pairs:expr) => {
        $crate::elbv2_support::modify_attributes!(
            $request,
            $pairs
                .into_iter()
                .map(|(key, value)| $Attribute::builder().key(key).value(value).build())
                .collect::<Vec<_>>()
        )
    };
}
pub(crate) use modify_attributes;

/// An object's attributes by key, from its `Describe…Attributes` request (`$request`, built
/// for one ARN), or the call's error.
macro_rules! attributes_of {
    ($request:expr) => {
        $request.send().await.map_err($crate::error::aws_error).map(|answer| {
            $crate::elbv2_support::attribute_map(answer.attributes(), |a| (a.key(), a.value()))
        })
    };
}
pub(crate) use attributes_of;

/// An object's attributes, as a `Describe…Attributes` call answers them (`pair` gives each
/// one's key and value), by key.
pub fn attribute_map<A>(
    attributes: &[A],
    pair: impl Fn(&A) -> (Option<&str>, Option<&str>),
) -> BTreeMap<String, String> {
    attributes
        .iter()
        .filter_map(|attribute| match pair(attribute) {
            (Some(key), Some(value)) => Some((key.to_string(), value.to_string())),
            _ => None,
        })
        .collect()
}

/// The last `type/name/id` part of an ELBv2 ARN (`app/web/123` for a load balancer), used by
/// CloudWatch dimensions.
pub fn arn_suffix(arn: &str) -> String {
    match arn.split_once(":loadbalancer/") {
        Some((_, rest)) => rest.to_string(),
        None => arn.rsplit(':').next().unwrap_or(arn).to_string(),
    }
}

/// How a load balancer or target group attribute's text maps to a schema value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKind {
    Bool,
    Number,
    String,
}

/// One ELBv2 attribute (DescribeLoadBalancerAttributes, DescribeTargetGroupAttributes) shown
/// as a top-level argument: its name, AWS key, AWS's default (`None`: optional and computed),
/// and the load balancer or target types it applies to.
pub struct Setting {
    pub name: &'static str,
    pub key: &'static str,
    pub kind: SettingKind,
    pub default: Option<&'static str>,
    pub types: &'static [&'static str],
    /// A value that is harmless on the types it does not apply to (AWS's fixed behaviour
    /// there), besides the default.
    pub neutral: Option<&'static str>,
    pub check: Option<Check>,
}

impl Setting {
    pub const fn new(
        name: &'static str,
        key: &'static str,
        kind: SettingKind,
        default: Option<&'static str>,
        types: &'static [&'static str],
    ) -> Setting {
        Setting { name, key, kind, default, types, neutral: None, check: None }
    }

    pub const fn checked(mut self, check: Check) -> Setting {
        self.check = Some(check);
        self
    }

    pub const fn neutral(mut self, value: &'static str) -> Setting {
        self.neutral = Some(value);
        self
    }

    fn ty(&self) -> Type {
        match self.kind {
            SettingKind::Bool => Type::Bool,
            SettingKind::Number => Type::Number,
            SettingKind::String => Type::String,
        }
    }

    fn parse(&self, text: &str) -> Value {
        match self.kind {
            SettingKind::Bool => Value::Bool(text == "true"),
            SettingKind::Number => {
                text.parse::<f64>().map(Value::Number).unwrap_or_else(|_| Value::string(text))
            }
            SettingKind::String => Value::string(text),
        }
    }

    /// The schema attribute: optional with AWS's default, or optional and computed.
    pub fn attribute(&self) -> Attribute {
        let attribute = match self.default {
            Some(default) => Attribute::optional(self.name, self.ty()).default(self.parse(default)),
            None => Attribute::optional_computed(self.name, self.ty()),
        };
        match &self.check {
            Some(check) => attribute.check(check.clone()),
            None => attribute,
        }
    }

    pub fn applies_to(&self, kind: &str) -> bool {
        self.types.contains(&kind)
    }

    /// The value AWS reports, or the default when it reports none (another type's attribute).
    pub fn read(&self, attributes: &BTreeMap<String, String>) -> Value {
        match attributes.get(self.key).or(self.default.map(str::to_string).as_ref()) {
            Some(text) => self.parse(text),
            None => Value::Null,
        }
    }

    /// A plan-time problem when `config` sets this attribute, for a `kind` it does not apply
    /// to, to other than its default (AWS would refuse it, and ignoring it hides it).
    pub fn misplaced(&self, config: &Value, kind: &str) -> Option<String> {
        let value = attribute_value(config, self.name)?;
        if self.applies_to(kind)
            || self.default == Some(value.as_str())
            || self.neutral == Some(value.as_str())
        {
            return None;
        }
        Some(format!(
            "\"{}\" applies only to {} (this one is {kind})",
            self.name,
            self.types.join(" or ")
        ))
    }
}

/// The `(key, value)` pairs of `settings` to send: on create (`prior` null) those that differ
/// from AWS's defaults, on update those that changed; only for settings that apply to `kind`.
pub fn settings_to_send(
    settings: &[Setting],
    kind: &str,
    prior: &Value,
    planned: &Value,
) -> Vec<(&'static str, String)> {
    settings
        .iter()
        .filter(|setting| setting.applies_to(kind))
        .filter_map(|setting| {
            let value = attribute_value(planned, setting.name)?;
            let send = if prior.is_null() {
                setting.default != Some(value.as_str())
            } else {
                crate::app_support::changed(prior, planned, setting.name)
            };
            send.then_some((setting.key, value))
        })
        .collect()
}

/// A known attribute as the text ELBv2 attribute APIs take ("true", "60", "append").
pub fn attribute_value(value: &Value, name: &str) -> Option<String> {
    match value.get(name).unmarked() {
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(infra_core::value::format_number(*n)),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A unique name of at most `max` characters beginning with `prefix`, as the provider makes
/// for `name_prefix` (load balancers and target groups take 32 characters).
fn generated_name(prefix: &str, max: usize) -> String {
    let unique = crate::ec2_support::unique_name("");
    let room = max.saturating_sub(prefix.len()).min(unique.len());
    format!("{prefix}{}", &unique[unique.len() - room..])
}

/// Each prior state's refreshed value, in the prior's order: each parent (`parent` of a prior:
/// the listener of a certificate, the target group of an attachment) read once, in the order
/// first named, by `children` (`None`: the parent is gone, and so are its children), and the
/// prior found among its children by `find` (its value, or what names it).
pub async fn read_by_parent<C, T, Fut>(
    prior: &[Value],
    parent: impl Fn(&Value) -> Option<String>,
    children: impl Fn(String) -> Fut,
    find: impl Fn(&Value, &C) -> Option<T>,
) -> Result<Vec<Option<T>>, ProviderError>
where
    Fut: Future<Output = Result<Option<C>, ProviderError>>,
{
    let mut parents: BTreeMap<String, Option<C>> = BTreeMap::new();
    for key in prior.iter().filter_map(&parent) {
        if let std::collections::btree_map::Entry::Vacant(entry) = parents.entry(key) {
            let found = children(entry.key().clone()).await?;
            entry.insert(found);
        }
    }
    Ok(prior.iter().map(|p| find(p, parents.get(&parent(p)?)?.as_ref()?)).collect())
}

/// The name a create gives a load balancer or target group, as the provider makes it: `name`,
/// else a unique one of 32 characters at most beginning with `name_prefix`, else with
/// `default_prefix`.
pub fn name_to_create(planned: &Value, default_prefix: &str) -> String {
    match (string(planned, "name"), non_empty(planned, "name_prefix")) {
        (Some(name), _) => name,
        (None, prefix) => generated_name(prefix.as_deref().unwrap_or(default_prefix), 32),
    }
}

/// The provider's check of `name_prefix` on a load balancer or target group: at most 6
/// characters.
pub fn name_prefix_problems(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(prefix) = config.get("name_prefix").as_str() {
        if prefix.len() > 6 {
            problems.push((
                "name_prefix".to_string(),
                format!("\"{prefix}\" is longer than 6 characters"),
            ));
        }
    }
    problems
}

/// `name_prefix` as read back: the configured prefix while the name still begins with it.
pub fn name_prefix_of(name: Option<&str>, hint: &Value) -> Value {
    match (name, hint.get("name_prefix").as_str()) {
        (Some(name), Some(prefix)) if name.starts_with(prefix) => Value::string(prefix),
        _ => Value::Null,
    }
}

/// The one ARN among `candidates` whose tags hold every pair of `tags` (a data source's
/// lookup); `kind` names the object in the errors, which are the provider's: none found, or
/// more than one.
pub async fn only_match(
    client: &aws_sdk_elasticloadbalancingv2::Client,
    kind: &str,
    candidates: Vec<String>,
    tags: &Value,
) -> Result<String, ProviderError> {
    let mut matching = if tags.as_map().is_some_and(|m| !m.is_empty()) {
        let found = describe_tags(client, &candidates).await?;
        candidates
            .into_iter()
            .filter(|arn| {
                crate::app_support::tags_match(
                    found.get(arn).map(Vec::as_slice).unwrap_or(&[]),
                    tags,
                )
            })
            .collect()
    } else {
        candidates
    };
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => Err(ProviderError::new(format!(
            "reading ELBv2 {kind}: no matching {kind} found"
        ))),
        n => Err(ProviderError::new(format!(
            "reading ELBv2 {kind}: {n} {kind}s matched; use additional constraints to reduce matches to a single {kind}"
        ))),
    }
}

/// A load balancer or target group as a data source ([`Elbv2Data`]): found by `arn`, `name`
/// or `tags` (each tag pair must match; `arn` wins over `name`), then read by the resource's
/// own code, under the resource's names.
pub trait Elbv2Lookup: Elbv2Object {
    /// How the lookup's errors name the object ("Load Balancer").
    const LOOKUP_KIND: &'static str;
    /// The blocks the data source always shows (the resource shows a block its hint has).
    const SHOWN_BLOCKS: &'static [&'static str];
    /// The ARNs the Describe call answers for `arn`, else `name`, else every object.
    fn candidates(
        client: &aws_sdk_elasticloadbalancingv2::Client,
        arn: Option<String>,
        name: Option<String>,
    ) -> impl Future<Output = Result<Vec<String>, ProviderError>> + Send;
}

/// The [`DataSourceType`] of an [`Elbv2Lookup`].
pub struct Elbv2Data<O> {
    aws: Arc<Aws>,
    resource: Elbv2Type<O>,
    schema: Schema,
}

impl<O: Elbv2Lookup> Elbv2Data<O> {
    pub fn new(aws: Arc<Aws>) -> Elbv2Data<O> {
        let resource = Elbv2Type::new(aws.clone());
        let schema = crate::app_support::data_source_schema(
            &resource.schema,
            &["arn", "name", "tags"],
            &["name_prefix", "tags_all"],
        );
        Elbv2Data { aws, resource, schema }
    }
}

#[async_trait::async_trait]
impl<O: Elbv2Lookup> DataSourceType for Elbv2Data<O> {
    fn name(&self) -> &'static str {
        O::NAME
    }

    /// The provider's older names for the same data source.
    fn aliases(&self) -> &'static [&'static str] {
        O::ALIASES
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let candidates =
            O::candidates(client, string(config, "arn"), string(config, "name")).await?;
        let arn = only_match(client, O::LOOKUP_KIND, candidates, config.get("tags")).await?;
        let shown = || Value::List(vec![Value::Map(Default::default())]);
        let hint = Value::map(O::SHOWN_BLOCKS.iter().map(|block| (*block, shown())));
        let value = self.resource.read_one(&arn, &hint).await?;
        Ok(crate::app_support::data_source_value(&self.schema, value))
    }
}

#[cfg(test)]
mod condition_tests {
    use super::*;

    /// terraform-aws-modules/alb's complete example: a header condition by regular
    /// expressions. It is sent as `RegexValues`, read back into `regex_values`, and a pattern
    /// condition must set exactly one of `values` and `regex_values`. (moto 5.2.5 keeps no
    /// `RegexValues`, so this is shown here, not end to end.)
    #[test]
    fn regex_values_go_to_aws_and_come_back() {
        let header = Value::map([
            ("http_header_name", Value::string("x-Gimme-Fixed-Response")),
            ("regex_values", crate::app_support::string_list(["^yes$", "^please$"])),
        ]);
        let rule = Value::map([(
            "condition",
            Value::List(vec![Value::map([("http_header", Value::List(vec![header]))])]),
        )]);
        assert!(validate_conditions(&rule).is_empty(), "{:?}", validate_conditions(&rule));
        let sent = conditions_to_sdk(&rule);
        let config = sent[0].http_header_config().unwrap();
        assert_eq!(config.regex_values(), ["^yes$", "^please$"]);
        assert!(config.values.is_none(), "values left out");
        let read = conditions_from_sdk(&sent);
        let header = &read.as_list().unwrap()[0].get("http_header").as_list().unwrap()[0];
        assert_eq!(
            header.get("regex_values"),
            &crate::app_support::string_list(["^yes$", "^please$"])
        );
        assert_eq!(header.get("values"), &Value::Null);

        let both = Value::map([(
            "condition",
            Value::List(vec![Value::map([(
                "path_pattern",
                Value::List(vec![Value::map([
                    ("values", crate::app_support::string_list(["/a"])),
                    ("regex_values", crate::app_support::string_list(["^/b"])),
                ])]),
            )])]),
        )]);
        assert_eq!(
            validate_conditions(&both),
            [(
                "condition[0].path_pattern".to_string(),
                "exactly one of values and regex_values must be set".to_string()
            )]
        );
    }
}

#[cfg(test)]
mod jwt_validation_tests {
    use super::*;

    /// terraform-aws-modules/alb's complete example: a rule that validates JWTs before it
    /// forwards. The action is sent as `jwt-validation` with its issuer, JWKS endpoint and
    /// additional claim, and read back the same. (moto 5.2.5 refuses the action type, so this
    /// is shown here, not end to end.)
    #[test]
    fn a_jwt_validation_action_goes_to_aws_and_comes_back() {
        let claim = Value::map([
            ("format", Value::string("space-separated-values")),
            ("name", Value::string("scp")),
            ("values", crate::app_support::string_list(["read", "write"])),
        ]);
        let jwt = Value::map([
            ("issuer", Value::string("https://issuer.example")),
            ("jwks_endpoint", Value::string("https://issuer.example/jwks.json")),
            ("additional_claim", Value::List(vec![claim])),
        ]);
        let action = Value::map([
            ("type", Value::string("jwt-validation")),
            ("order", Value::Number(1.0)),
            ("jwt_validation", Value::List(vec![jwt.clone()])),
        ]);
        let rule = Value::map([("action", Value::List(vec![action]))]);
        assert!(validate_actions(&rule, "action").is_empty());
        let sent = actions_to_sdk(&rule, "action");
        assert_eq!(sent[0].r#type(), Some(&ActionTypeEnum::JwtValidation));
        let config = sent[0].jwt_validation_config().unwrap();
        assert_eq!(config.issuer(), Some("https://issuer.example"));
        assert_eq!(config.additional_claims()[0].values(), ["read", "write"]);
        let read = actions_from_sdk(&sent, &rule, "action");
        assert_eq!(read.as_list().unwrap()[0].get("jwt_validation"), &Value::List(vec![jwt]));

        let missing = Value::map([(
            "action",
            Value::List(vec![Value::map([("type", Value::string("jwt-validation"))])]),
        )]);
        assert_eq!(
            validate_actions(&missing, "action")[0].1,
            "a jwt-validation action requires a \"jwt_validation\" block"
        );
    }
}

/// The audit of issue 36 against the provider's schemas (listener.go, listener_rule.go).
#[cfg(test)]
mod provider_schema_tests {
    use super::*;

    fn authenticate_attribute(name: &'static str, block: &str, attribute: &str) -> Attribute {
        let action = action_block(name);
        let auth = action.schema.block_named(block).expect("declared");
        auth.schema.attribute(attribute).expect("declared").clone()
    }

    /// A rule's `scope`, `session_cookie_name` and `session_timeout` have the provider's
    /// defaults, so a removed value plans the default; a listener's keep what AWS has.
    #[test]
    fn a_rules_authentication_has_the_providers_defaults() {
        for block in ["authenticate_cognito", "authenticate_oidc"] {
            let defaults = [
                ("scope", Value::string("openid")),
                ("session_cookie_name", Value::string("AWSELBAuthSessionCookie")),
                ("session_timeout", Value::Number(604_800.0)),
            ];
            for (attribute, default) in defaults {
                let rule = authenticate_attribute("action", block, attribute);
                assert_eq!(rule.default, Some(default), "{block}.{attribute}");
                assert!(!rule.is_computed(), "{block}.{attribute}");
                let listener = authenticate_attribute("default_action", block, attribute);
                assert_eq!(listener.default, None, "{block}.{attribute}");
                assert!(listener.is_computed(), "{block}.{attribute}");
            }
        }
        // The defaults go to AWS as the provider sends them.
        let action = Value::map([
            ("type", Value::string("authenticate-cognito")),
            (
                "authenticate_cognito",
                Value::List(vec![Value::map([
                    ("user_pool_arn", Value::string("arn:aws:cognito-idp:us-east-1:1:userpool/p")),
                    ("user_pool_client_id", Value::string("client")),
                    ("user_pool_domain", Value::string("domain")),
                    ("scope", Value::string("openid")),
                    ("session_cookie_name", Value::string("AWSELBAuthSessionCookie")),
                    ("session_timeout", Value::Number(604_800.0)),
                ])]),
            ),
        ]);
        let rule = Value::map([("action", Value::List(vec![action]))]);
        let sent = actions_to_sdk(&rule, "action");
        let config = sent[0].authenticate_cognito_config().unwrap();
        assert_eq!(config.scope(), Some("openid"));
        assert_eq!(config.session_cookie_name(), Some("AWSELBAuthSessionCookie"));
        assert_eq!(config.session_timeout(), Some(604_800));
    }

    /// An action's `type` is checked in any case (the provider's ValidateIgnoreCase), stored
    /// as AWS spells it, and sent so.
    #[test]
    fn an_action_type_is_accepted_in_any_case() {
        let action = |kind: &str| forward_action("action", kind);
        let schema = Schema::new().block(action_block("action"));
        let upper = action("FORWARD");
        assert!(schema.validate(&upper).is_empty());
        assert!(validate_actions(&upper, "action").is_empty());
        let sent = actions_to_sdk(&upper, "action");
        assert_eq!(sent[0].r#type(), Some(&ActionTypeEnum::Forward));
        assert_eq!(
            sent[0].target_group_arn(),
            Some("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1")
        );
        let mut planned = upper.clone();
        normalize_actions(&mut planned, "action");
        assert_eq!(planned, action("forward"));

        let wrong = action("forwarding");
        let problems = schema.validate(&wrong);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "action[0].type");
        assert!(problems[0].1.starts_with(r#"expected type to be one of ["forward" "#));
    }

    /// `name` (`action` or `default_action`) with one action of `kind` whose `block` holds
    /// `arguments`.
    fn one_action(name: &str, kind: &str, block: &str, arguments: &[(&str, Value)]) -> Value {
        let settings = Value::map(arguments.iter().map(|(k, v)| (k.to_string(), v.clone())));
        Value::map([(
            name,
            Value::List(vec![Value::map([
                ("type", Value::string(kind)),
                (block, Value::List(vec![settings])),
            ])]),
        )])
    }

    /// `on_unauthenticated_request` is checked in any case (listener.go and listener_rule.go
    /// validate it with `enum.ValidateIgnoreCase`), stored and sent as AWS spells it (AWS
    /// reports `deny`, so a configured `DENY` re-plans clean), and refused when it is none of
    /// them, at its own path.
    #[test]
    fn on_unauthenticated_request_is_accepted_in_any_case() {
        let cognito = |behaviour: &str| {
            one_action(
                "action",
                "authenticate-cognito",
                "authenticate_cognito",
                &[
                    ("user_pool_arn", Value::string("arn:aws:cognito-idp:us-east-1:1:userpool/p")),
                    ("user_pool_client_id", Value::string("client")),
                    ("user_pool_domain", Value::string("domain")),
                    ("on_unauthenticated_request", Value::string(behaviour)),
                ],
            )
        };
        let oidc = |behaviour: &str| {
            let endpoint = |path: &str| Value::string(format!("https://idp.example.com{path}"));
            one_action(
                "default_action",
                "authenticate-oidc",
                "authenticate_oidc",
                &[
                    ("authorization_endpoint", endpoint("/auth")),
                    ("client_id", Value::string("client")),
                    ("client_secret", Value::string("secret")),
                    ("issuer", endpoint("")),
                    ("token_endpoint", endpoint("/token")),
                    ("user_info_endpoint", endpoint("/userinfo")),
                    ("on_unauthenticated_request", Value::string(behaviour)),
                ],
            )
        };
        let rule_schema = Schema::new().block(action_block("action"));
        let listener_schema = Schema::new().block(action_block("default_action"));

        let upper = cognito("DENY");
        assert!(rule_schema.validate(&upper).is_empty());
        assert!(validate_actions(&upper, "action").is_empty());
        let mut planned = upper.clone();
        normalize_actions(&mut planned, "action");
        assert_eq!(planned, cognito("deny"));
        let sent = actions_to_sdk(&planned, "action");
        assert_eq!(
            sent[0].authenticate_cognito_config().and_then(|c| c.on_unauthenticated_request()),
            Some(&AuthenticateCognitoActionConditionalBehaviorEnum::Deny)
        );
        // AWS reports `deny`: the value read back is the planned one, so no change is planned.
        let read = actions_from_sdk(&sent, &planned, "action");
        assert_eq!(
            single(&read.as_list().unwrap()[0], "authenticate_cognito")
                .unwrap()
                .get("on_unauthenticated_request"),
            &Value::string("deny")
        );

        let mixed = oidc("Authenticate");
        assert!(listener_schema.validate(&mixed).is_empty());
        assert!(validate_actions(&mixed, "default_action").is_empty());
        let mut planned = mixed.clone();
        normalize_actions(&mut planned, "default_action");
        assert_eq!(planned, oidc("authenticate"));
        let sent = actions_to_sdk(&planned, "default_action");
        assert_eq!(
            sent[0].authenticate_oidc_config().and_then(|c| c.on_unauthenticated_request()),
            Some(&AuthenticateOidcActionConditionalBehaviorEnum::Authenticate)
        );

        for (config, name, block) in [
            (cognito("refuse"), "action", "authenticate_cognito"),
            (oidc("refuse"), "default_action", "authenticate_oidc"),
        ] {
            let problems = Schema::new().block(action_block(name)).validate(&config);
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].0, format!("{name}[0].{block}[0].on_unauthenticated_request"));
        }
    }

    /// At most 10 `additional_claim` blocks in a `jwt_validation`, as the provider's schema
    /// has it.
    #[test]
    fn a_jwt_validation_takes_at_most_ten_additional_claims() {
        let claims = |count: usize| {
            (0..count)
                .map(|i| {
                    Value::map([
                        ("format", Value::string("single-string")),
                        ("name", Value::string(format!("claim{i}"))),
                        ("values", Value::List(vec![Value::string("x")])),
                    ])
                })
                .collect::<Vec<_>>()
        };
        let rule = |count: usize| {
            Value::map([(
                "action",
                Value::List(vec![Value::map([
                    ("type", Value::string("jwt-validation")),
                    (
                        "jwt_validation",
                        Value::List(vec![Value::map([
                            ("issuer", Value::string("https://issuer.example.com")),
                            ("jwks_endpoint", Value::string("https://issuer.example.com/jwks")),
                            ("additional_claim", Value::List(claims(count))),
                        ])]),
                    ),
                ])]),
            )])
        };
        let schema = Schema::new().block(action_block("action"));
        assert!(schema.validate(&rule(10)).is_empty());
        let problems = schema.validate(&rule(11));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "action[0].jwt_validation[0].additional_claim");
    }
}
