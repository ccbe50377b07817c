//! `aws_cognito_user_pool_client`: an app client of a Cognito user pool.
//!
//! Implemented: `name`, `user_pool_id` (forces a new client), `generate_secret` (forces a new
//! client; AWS does not report it, so it is kept as configured, null after an import as in the
//! provider), the computed sensitive `client_secret`, the OAuth settings
//! (`allowed_oauth_flows`, `allowed_oauth_flows_user_pool_client`, `allowed_oauth_scopes`,
//! `callback_urls`, `logout_urls`, `default_redirect_uri`, `supported_identity_providers`),
//! `explicit_auth_flows`, `read_attributes`, `write_attributes`,
//! `prevent_user_existence_errors`, `enable_token_revocation`,
//! `enable_propagate_additional_user_context_data`, the token validities
//! (`access_token_validity`, `id_token_validity`, `refresh_token_validity`,
//! `auth_session_validity`) and the `token_validity_units` block. `analytics_configuration`
//! and `refresh_token_rotation` are declared [`Schema::not_supported`]: setting one is a
//! located error.
//!
//! The provider's arguments here are Optional+Computed: left out, they keep what AWS reports.
//! As the provider's framework resource does, an update sends every argument as planned
//! (UpdateUserPoolClient resets what it is not given), and the blocks infra does not manage as
//! AWS reports them. AWS reports `token_validity_units` always; the provider stores none while
//! the configuration has none and AWS's are the defaults (hours, hours, days), and sends the
//! defaults when the block is removed; so does infra. What AWS leaves unset is stored as the
//! provider's legacy flattening stores it: "" for a string, 0 for a number, [] for a set.
//!
//! The import ID is `USER-POOL-ID/CLIENT-ID`, as the provider's.

use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, OAuthFlowType, PreventUserExistenceErrorTypes, TimeUnitsType,
    TokenValidityUnitsType, UserPoolClientType,
};
use infra_core::{Attribute, Block, Check, Nesting, ProviderError, Schema, Type, Value};

use super::enum_strings;
use crate::app_support::{
    boolean, deleted_or_missing, int, is_missing, sent, single, string, string_list, strings,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::create_memo;
use crate::declared::{copied, read, read_block, Declared, Reading};
use crate::error::aws_error;

pub type AwsCognitoUserPoolClient = ObjectType<UserPoolClientObject>;

pub struct UserPoolClientObject;

const OAUTH_FLOWS: &[&str] = &["code", "implicit", "client_credentials"];
const EXPLICIT_AUTH_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
];
const TIME_UNITS: &[&str] = &["seconds", "minutes", "hours", "days"];
const NOT_YET: &str = "set it on the client outside infra for now (an update by infra sends back what the client has)";

/// The key of a client: its pool and its ID, as the import ID writes them.
fn key(pool: &str, id: &str) -> String {
    format!("{pool}/{id}")
}

/// The time units AWS gives a client by default, which the provider stores as no block.
fn is_default_units(units: Option<&TokenValidityUnitsType>) -> bool {
    units.is_some_and(|u| {
        u.access_token() == Some(&TimeUnitsType::Hours)
            && u.id_token() == Some(&TimeUnitsType::Hours)
            && u.refresh_token() == Some(&TimeUnitsType::Days)
    })
}

fn units_value(units: Option<&TokenValidityUnitsType>) -> Value {
    let Some(units) = units.filter(|u| {
        u.access_token().is_some() || u.id_token().is_some() || u.refresh_token().is_some()
    }) else {
        return Value::List(vec![]);
    };
    let unit = |u: Option<&TimeUnitsType>| Value::string(u.map_or("", |u| u.as_str()));
    Value::List(vec![Value::map([
        ("access_token", unit(units.access_token())),
        ("id_token", unit(units.id_token())),
        ("refresh_token", unit(units.refresh_token())),
    ])])
}

/// `token_validity_units` as the provider reads it: none while the prior state has none and
/// AWS's are the defaults.
fn read_units(client: &UserPoolClientType, at: &Reading) -> Value {
    let prior_has_none =
        at.prior.get("token_validity_units").as_list().is_none_or(|l| l.is_empty());
    if prior_has_none && is_default_units(client.token_validity_units()) {
        return Value::List(vec![]);
    }
    units_value(client.token_validity_units())
}

/// The units `planned` asks for: its block (each unit defaulting as the provider's schema
/// does), else the defaults when the prior state had a block (the provider resets them), else
/// none.
pub fn units_of(prior: &Value, planned: &Value) -> Option<TokenValidityUnitsType> {
    let unit = |block: &Value, key: &str, default: TimeUnitsType| {
        string(block, key)
            .filter(|s| !s.is_empty())
            .map(|s| TimeUnitsType::from(s.as_str()))
            .unwrap_or(default)
    };
    match single(planned, "token_validity_units") {
        Some(block) => Some(
            TokenValidityUnitsType::builder()
                .access_token(unit(block, "access_token", TimeUnitsType::Hours))
                .id_token(unit(block, "id_token", TimeUnitsType::Hours))
                .refresh_token(unit(block, "refresh_token", TimeUnitsType::Days))
                .build(),
        ),
        None if single(prior, "token_validity_units").is_some() => Some(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Hours)
                .id_token(TimeUnitsType::Hours)
                .refresh_token(TimeUnitsType::Days)
                .build(),
        ),
        None => None,
    }
}

/// A set argument as sent: `None` when unknown or unset (AWS keeps or defaults it).
fn set_of(planned: &Value, key: &str) -> Option<Vec<String>> {
    let value = planned.get(key);
    (!value.is_null()).then(|| strings(planned, key))
}

/// A non-empty string argument as sent.
fn text_of(planned: &Value, key: &str) -> Option<String> {
    string(planned, key).filter(|s| !s.is_empty())
}

/// What CreateUserPoolClient and UpdateUserPoolClient share, built from `planned`: every
/// argument the value holds, as the provider's `fwflex.Expand` of the plan does.
macro_rules! client_settings {
    ($request:expr, $planned:expr) => {{
        let planned: &Value = $planned;
        $request
            .client_name(string(planned, "name").unwrap_or_default())
            .set_allowed_o_auth_flows(
                set_of(planned, "allowed_oauth_flows")
                    .map(|flows| flows.iter().map(|f| OAuthFlowType::from(f.as_str())).collect()),
            )
            .set_allowed_o_auth_flows_user_pool_client(boolean(
                planned,
                "allowed_oauth_flows_user_pool_client",
            ))
            .set_allowed_o_auth_scopes(set_of(planned, "allowed_oauth_scopes"))
            .set_callback_urls(set_of(planned, "callback_urls"))
            .set_logout_urls(set_of(planned, "logout_urls"))
            .set_default_redirect_uri(text_of(planned, "default_redirect_uri"))
            .set_supported_identity_providers(set_of(planned, "supported_identity_providers"))
            .set_explicit_auth_flows(set_of(planned, "explicit_auth_flows").map(|flows| {
                flows.iter().map(|f| ExplicitAuthFlowsType::from(f.as_str())).collect()
            }))
            .set_read_attributes(set_of(planned, "read_attributes"))
            .set_write_attributes(set_of(planned, "write_attributes"))
            .set_prevent_user_existence_errors(
                text_of(planned, "prevent_user_existence_errors")
                    .map(|p| PreventUserExistenceErrorTypes::from(p.as_str())),
            )
            .set_enable_token_revocation(boolean(planned, "enable_token_revocation"))
            .set_enable_propagate_additional_user_context_data(boolean(
                planned,
                "enable_propagate_additional_user_context_data",
            ))
            // AWS reports 0 for a validity it leaves unset; 0 is not a validity it takes.
            .set_access_token_validity(int(planned, "access_token_validity").filter(|n| *n > 0))
            .set_id_token_validity(int(planned, "id_token_validity").filter(|n| *n > 0))
            .set_refresh_token_validity(int(planned, "refresh_token_validity").filter(|n| *n > 0))
            .set_auth_session_validity(int(planned, "auth_session_validity").filter(|n| *n > 0))
    }};
}

/// The CreateUserPoolClient request for `planned`.
pub fn create_request(
    client: &aws_sdk_cognitoidentityprovider::Client,
    planned: &Value,
) -> aws_sdk_cognitoidentityprovider::operation::create_user_pool_client::builders::CreateUserPoolClientFluentBuilder
{
    client_settings!(client.create_user_pool_client(), planned)
        .user_pool_id(string(planned, "user_pool_id").unwrap_or_default())
        .set_generate_secret(boolean(planned, "generate_secret"))
        .set_token_validity_units(units_of(&Value::Null, planned))
}

/// The UpdateUserPoolClient request: every argument as planned, and what infra does not manage
/// (`analytics_configuration`, `refresh_token_rotation`) as `current` has it.
pub fn update_request(
    client: &aws_sdk_cognitoidentityprovider::Client,
    pool: &str,
    id: &str,
    current: &UserPoolClientType,
    prior: &Value,
    planned: &Value,
) -> aws_sdk_cognitoidentityprovider::operation::update_user_pool_client::builders::UpdateUserPoolClientFluentBuilder
{
    client_settings!(client.update_user_pool_client(), planned)
        .user_pool_id(pool)
        .client_id(id)
        .set_token_validity_units(units_of(prior, planned))
        .set_analytics_configuration(current.analytics_configuration().cloned())
        .set_refresh_token_rotation(current.refresh_token_rotation().cloned())
}

async fn describe_one(
    this: &AwsCognitoUserPoolClient,
    pool: &str,
    id: &str,
) -> Result<Option<UserPoolClientType>, ProviderError> {
    let client = &this.aws.clients().await.cognitoidp;
    match sent!(client.describe_user_pool_client().user_pool_id(pool).client_id(id)) {
        Ok(answer) => Ok(answer.user_pool_client),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The IDs of the planned pool's clients with the planned name (ListUserPoolClients).
async fn clients_named(
    this: &AwsCognitoUserPoolClient,
    planned: &Value,
) -> Result<Vec<String>, ProviderError> {
    let (Some(pool), Some(name)) = (string(planned, "user_pool_id"), string(planned, "name"))
    else {
        return Ok(vec![]);
    };
    let client = &this.aws.clients().await.cognitoidp;
    let mut pages =
        client.list_user_pool_clients().user_pool_id(pool).max_results(60).into_paginator().send();
    let mut ids = Vec::new();
    while let Some(page) = pages.next().await {
        for listed in page.map_err(aws_error)?.user_pool_clients() {
            if listed.client_name() == Some(name.as_str()) {
                ids.extend(listed.client_id().map(str::to_string));
            }
        }
    }
    Ok(ids)
}

fn split_key(key: &str) -> Result<(&str, &str), ProviderError> {
    key.split_once('/').ok_or_else(|| {
        ProviderError::new(format!(
            "wrong format of import ID ({key}), use: 'user-pool-id/client-id'"
        ))
    })
}

/// A string AWS reports, "" where it reports none (the provider's legacy flattening).
fn legacy_text(value: Option<&str>) -> Value {
    Value::string(value.unwrap_or_default())
}

fn legacy_number(value: Option<i32>) -> Value {
    Value::Number(f64::from(value.unwrap_or(0)))
}

impl AwsObject for UserPoolClientObject {
    type Object = UserPoolClientType;
    const NAME: &'static str = "aws_cognito_user_pool_client";
    const KIND: &'static str = "Cognito user pool client";
    const KEY: &'static str = "id";
    const KEY_WORD: &'static str = "user_pool_id and id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<UserPoolClientType>> {
        type C = UserPoolClientType;
        vec![
            read(Attribute::computed("id", Type::String), |c: &C, _| legacy_text(c.client_id())),
            read(
                Attribute::required("name", Type::String).check(Check::Length(1, 128)),
                |c: &C, _| legacy_text(c.client_name()),
            ),
            read(Attribute::required("user_pool_id", Type::String).force_new(), |c: &C, _| {
                legacy_text(c.user_pool_id())
            }),
            copied(Attribute::optional("generate_secret", Type::Bool).force_new()),
            read(Attribute::computed("client_secret", Type::String).sensitive(), |c: &C, _| {
                legacy_text(c.client_secret()).mark_sensitive()
            }),
            read(
                Attribute::optional_computed("access_token_validity", Type::Number),
                |c: &C, _| legacy_number(c.access_token_validity()),
            ),
            read(Attribute::optional_computed("id_token_validity", Type::Number), |c: &C, _| {
                legacy_number(c.id_token_validity())
            }),
            read(
                Attribute::optional_computed("refresh_token_validity", Type::Number),
                |c: &C, _| legacy_number(Some(c.refresh_token_validity())),
            ),
            read(
                Attribute::optional_computed("auth_session_validity", Type::Number)
                    .check(Check::Range(3, 15)),
                |c: &C, _| legacy_number(c.auth_session_validity()),
            ),
            read(
                Attribute::optional_computed("allowed_oauth_flows", Type::set(Type::String))
                    .check(Check::OneOf(OAUTH_FLOWS)),
                |c: &C, _| enum_strings(c.allowed_o_auth_flows()),
            ),
            read(
                Attribute::optional_computed("allowed_oauth_flows_user_pool_client", Type::Bool),
                |c: &C, _| Value::Bool(c.allowed_o_auth_flows_user_pool_client().unwrap_or(false)),
            ),
            read(
                Attribute::optional_computed("allowed_oauth_scopes", Type::set(Type::String)),
                |c: &C, _| string_list(c.allowed_o_auth_scopes()),
            ),
            read(
                Attribute::optional_computed("callback_urls", Type::set(Type::String)),
                |c: &C, _| string_list(c.callback_urls()),
            ),
            read(
                Attribute::optional_computed("logout_urls", Type::set(Type::String)),
                |c: &C, _| string_list(c.logout_urls()),
            ),
            read(Attribute::optional_computed("default_redirect_uri", Type::String), |c: &C, _| {
                legacy_text(c.default_redirect_uri())
            }),
            read(
                Attribute::optional_computed(
                    "supported_identity_providers",
                    Type::set(Type::String),
                ),
                |c: &C, _| string_list(c.supported_identity_providers()),
            ),
            read(
                Attribute::optional_computed("explicit_auth_flows", Type::set(Type::String))
                    .check(Check::OneOf(EXPLICIT_AUTH_FLOWS)),
                |c: &C, _| enum_strings(c.explicit_auth_flows()),
            ),
            read(
                Attribute::optional_computed("read_attributes", Type::set(Type::String)),
                |c: &C, _| string_list(c.read_attributes()),
            ),
            read(
                Attribute::optional_computed("write_attributes", Type::set(Type::String)),
                |c: &C, _| string_list(c.write_attributes()),
            ),
            read(
                Attribute::optional_computed("prevent_user_existence_errors", Type::String)
                    .check(Check::OneOf(&["LEGACY", "ENABLED"])),
                |c: &C, _| legacy_text(c.prevent_user_existence_errors().map(|p| p.as_str())),
            ),
            read(
                Attribute::optional_computed("enable_token_revocation", Type::Bool),
                |c: &C, _| Value::Bool(c.enable_token_revocation().unwrap_or(false)),
            ),
            read(
                Attribute::optional_computed(
                    "enable_propagate_additional_user_context_data",
                    Type::Bool,
                ),
                |c: &C, _| {
                    Value::Bool(c.enable_propagate_additional_user_context_data().unwrap_or(false))
                },
            ),
            read_block(
                Block::single(
                    "token_validity_units",
                    Schema::new()
                        .attr(
                            Attribute::optional_computed("access_token", Type::String)
                                .default(Value::string("hours"))
                                .check(Check::OneOf(TIME_UNITS)),
                        )
                        .attr(
                            Attribute::optional_computed("id_token", Type::String)
                                .default(Value::string("hours"))
                                .check(Check::OneOf(TIME_UNITS)),
                        )
                        .attr(
                            Attribute::optional_computed("refresh_token", Type::String)
                                .default(Value::string("days"))
                                .check(Check::OneOf(TIME_UNITS)),
                        ),
                ),
                read_units,
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.not_supported("analytics_configuration", Nesting::List, NOT_YET).not_supported(
            "refresh_token_rotation",
            Nesting::List,
            NOT_YET,
        )
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for (key, most) in [
            ("allowed_oauth_flows", 3),
            ("allowed_oauth_scopes", 50),
            ("callback_urls", 100),
            ("logout_urls", 100),
        ] {
            let count = config.get(key).as_list().map_or(0, <[Value]>::len);
            if count > most {
                problems.push((
                    key.to_string(),
                    format!(
                        "Attribute {key} set must contain at most {most} elements, got: {count}"
                    ),
                ));
            }
        }
        problems.extend(validity_problems(config));
        problems
    }

    /// The key holds the pool too: `USER-POOL-ID/CLIENT-ID`.
    fn key_of(value: &Value) -> Option<String> {
        Some(key(&string(value, "user_pool_id")?, &string(value, "id")?))
    }

    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (pool, client) = split_key(id)?;
        if pool.is_empty() || client.is_empty() || client.contains('/') {
            return Err(ProviderError::new(format!(
                "wrong format of import ID ({id}), use: 'user-pool-id/client-id'"
            )));
        }
        Ok(Value::map([("id", Value::string(client)), ("user_pool_id", Value::string(pool))]))
    }

    /// Clients by pool and ID, one DescribeUserPoolClient each.
    async fn describe(
        this: &ObjectType<Self>,
        keys: &[String],
    ) -> DescribeResult<UserPoolClientType> {
        each_key(keys, |key| async move {
            let (pool, id) = split_key(key)?;
            Ok(describe_one(this, pool, id).await?.map(|object| Tagged { object, tags: vec![] }))
        })
        .await
    }

    /// Clients carry no tags and their names need not be unique in a pool: the pool's clients
    /// of the planned name are listed before the first send (`create_memo`), and a lost
    /// create's client is the one of that name that appeared since ([`Self::find_created`]).
    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        if !create_memo::recorded(at.operation) {
            let existing = clients_named(at.this, at.planned).await?;
            create_memo::record(at.operation, existing);
        }
        let client = &at.this.aws.clients().await.cognitoidp;
        let created = create_request(client, at.planned).send().await.map_err(aws_error)?;
        let made = created
            .user_pool_client()
            .ok_or_else(|| ProviderError::new("CreateUserPoolClient returned no client"))?;
        Ok(key(made.user_pool_id().unwrap_or_default(), made.client_id().unwrap_or_default()))
    }

    /// After a create whose answer was lost: the client of the planned name that was not in the
    /// pool before this operation's first send. A run after a crash has no such list and finds
    /// none (CREATE_PROTECTION.md).
    async fn find_created(at: Creating<'_, Self>) -> FindResult<UserPoolClientType> {
        let Some(pool) = string(at.planned, "user_pool_id") else {
            return Ok(None);
        };
        let named = clients_named(at.this, at.planned).await?;
        let made =
            create_memo::made_since_first_send(at.operation, named.iter().map(String::as_str))
                .unwrap_or_default();
        for id in made {
            if let Some(object) = describe_one(at.this, &pool, &id).await? {
                return Ok(Some(Tagged { object, tags: vec![] }));
            }
        }
        Ok(None)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let (pool, id) = split_key(at.key)?;
        let current = describe_one(at.this, pool, id)
            .await?
            .ok_or_else(|| crate::app_support::vanished(Self::KIND, at.key))?;
        let client = &at.this.aws.clients().await.cognitoidp;
        // The provider retries a ConcurrentModificationException for two minutes.
        crate::app_support::retry_while(
            std::time::Duration::from_secs(120),
            |error| error.code.as_deref() == Some("ConcurrentModificationException"),
            || async { sent!(update_request(client, pool, id, &current, at.prior, at.planned)) },
        )
        .await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let (pool, id) = split_key(at.key)?;
        let client = &at.this.aws.clients().await.cognitoidp;
        deleted_or_missing(sent!(client.delete_user_pool_client().user_pool_id(pool).client_id(id)))
    }
}

/// The provider's validity checks: each token validity, in its unit (the block's, else the
/// default unit), within AWS's bounds.
fn validity_problems(config: &Value) -> Vec<(String, String)> {
    let units = single(config, "token_validity_units");
    let seconds_of = |unit: &str| match unit {
        "seconds" => 1,
        "minutes" => 60,
        "hours" => 3_600,
        _ => 86_400,
    };
    let mut problems = Vec::new();
    for (key, unit_key, default_unit, min, max) in [
        ("access_token_validity", "access_token", "hours", 300, 86_400),
        ("id_token_validity", "id_token", "hours", 300, 86_400),
        ("refresh_token_validity", "refresh_token", "days", 3_600, 315_360_000),
    ] {
        let Some(n) = config.get(key).as_i64() else {
            continue;
        };
        let unit =
            units.and_then(|u| string(u, unit_key)).unwrap_or_else(|| default_unit.to_string());
        let seconds = n * seconds_of(&unit);
        if seconds < min || seconds > max {
            problems.push((
                key.to_string(),
                format!(
                    "Attribute {key} must have a duration between {} and {}, got: {}",
                    go_duration(min),
                    go_duration(max),
                    go_duration(seconds)
                ),
            ));
        }
    }
    problems
}

/// A whole number of seconds as Go's `time.Duration.String` writes it (`5m0s`, `24h0m0s`).
fn go_duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_object::value_of;
    use crate::resources::cognitoidp::test_client as client;
    use infra_core::ResourceType;

    fn planned() -> Value {
        Value::map([
            ("name", Value::string("app")),
            ("user_pool_id", Value::string("eu-west-1_abc")),
            ("generate_secret", Value::Bool(true)),
            (
                "allowed_oauth_flows",
                Value::List(vec![Value::string("code"), Value::string("implicit")]),
            ),
            (
                "allowed_oauth_scopes",
                Value::List(vec![Value::string("email"), Value::string("openid")]),
            ),
            ("callback_urls", Value::List(vec![Value::string("https://example.com/callback")])),
            ("allowed_oauth_flows_user_pool_client", Value::Bool(true)),
            ("access_token_validity", Value::Number(60.0)),
            (
                "token_validity_units",
                Value::List(vec![Value::map([
                    ("access_token", Value::string("minutes")),
                    ("id_token", Value::Null),
                    ("refresh_token", Value::Null),
                ])]),
            ),
        ])
    }

    #[test]
    fn the_schema_is_the_providers() {
        let resource =
            AwsCognitoUserPoolClient::new(crate::Aws::new(crate::ProviderSettings::default()));
        let schema = resource.schema();
        assert!(schema.attribute("generate_secret").unwrap().force_new);
        assert!(schema.attribute("user_pool_id").unwrap().force_new);
        assert!(!schema.attribute("name").unwrap().force_new);
        let secret = schema.attribute("client_secret").unwrap();
        assert!(secret.sensitive && !secret.is_settable());
        assert!(schema.attribute("callback_urls").unwrap().is_computed());
        assert!(!schema.taggable);
        for name in ["analytics_configuration", "refresh_token_rotation"] {
            assert!(schema.block_named(name).unwrap().not_supported.is_some());
        }
    }

    #[test]
    fn create_sends_what_is_configured() {
        let request = create_request(&client(), &planned());
        let input = request.as_input();
        assert_eq!(input.get_client_name().as_deref(), Some("app"));
        assert_eq!(input.get_user_pool_id().as_deref(), Some("eu-west-1_abc"));
        assert_eq!(input.get_generate_secret(), &Some(true));
        assert_eq!(
            input.get_allowed_o_auth_flows(),
            &Some(vec![OAuthFlowType::Code, OAuthFlowType::Implicit])
        );
        assert_eq!(input.get_allowed_o_auth_flows_user_pool_client(), &Some(true));
        assert_eq!(input.get_logout_urls(), &None);
        assert_eq!(input.get_access_token_validity(), &Some(60));
        let units = input.get_token_validity_units().as_ref().unwrap();
        assert_eq!(units.access_token(), Some(&TimeUnitsType::Minutes));
        assert_eq!(units.id_token(), Some(&TimeUnitsType::Hours));
        assert_eq!(units.refresh_token(), Some(&TimeUnitsType::Days));
    }

    #[test]
    fn removing_the_units_block_resets_the_defaults() {
        let prior = planned();
        let mut planned = planned();
        planned.map_mut().unwrap().insert("token_validity_units".into(), Value::List(vec![]));
        let current = UserPoolClientType::builder().build();
        let request = update_request(&client(), "p", "c", &current, &prior, &planned);
        let units = request.as_input().get_token_validity_units().clone().unwrap();
        assert!(is_default_units(Some(&units)));
        assert_eq!(request.as_input().get_client_id().as_deref(), Some("c"));
        // Without a block before or after, none is sent.
        assert_eq!(units_of(&planned, &planned), None);
    }

    #[test]
    fn values_are_read_as_the_provider_writes_them() {
        let described = UserPoolClientType::builder()
            .user_pool_id("eu-west-1_abc")
            .client_id("c1")
            .client_name("app")
            .client_secret("s3cret")
            .refresh_token_validity(30)
            .callback_urls("https://example.com/callback")
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_flows_user_pool_client(true)
            .enable_token_revocation(true)
            .token_validity_units(
                TokenValidityUnitsType::builder()
                    .access_token(TimeUnitsType::Hours)
                    .id_token(TimeUnitsType::Hours)
                    .refresh_token(TimeUnitsType::Days)
                    .build(),
            )
            .build();
        let found = Tagged { object: described, tags: vec![] };
        let prior = Value::map([("generate_secret", Value::Bool(true))]);
        let value = value_of::<UserPoolClientObject>(&found, &prior);
        assert_eq!(value.get("id"), &Value::string("c1"));
        assert!(value.get("client_secret").is_sensitive());
        assert_eq!(value.get("client_secret").unmarked(), &Value::string("s3cret"));
        assert_eq!(value.get("generate_secret"), &Value::Bool(true));
        assert_eq!(value.get("default_redirect_uri"), &Value::string(""));
        assert_eq!(value.get("access_token_validity"), &Value::Number(0.0));
        assert_eq!(value.get("refresh_token_validity"), &Value::Number(30.0));
        assert_eq!(value.get("logout_urls"), &Value::List(vec![]));
        assert_eq!(value.get("allowed_oauth_flows"), &Value::List(vec![Value::string("code")]));
        // The default units with no block in the prior state: none, as the provider stores.
        assert_eq!(value.get("token_validity_units"), &Value::List(vec![]));
        let with_block = Value::map([(
            "token_validity_units",
            Value::List(vec![Value::map([("access_token", Value::string("hours"))])]),
        )]);
        let value = value_of::<UserPoolClientObject>(&found, &with_block);
        assert_eq!(
            value.get("token_validity_units").as_list().unwrap()[0].get("refresh_token"),
            &Value::string("days")
        );
    }

    #[test]
    fn the_import_id_is_the_pool_and_the_client() {
        let prior = UserPoolClientObject::import_prior("eu-west-1_abc/c1").unwrap();
        assert_eq!(prior.get("user_pool_id"), &Value::string("eu-west-1_abc"));
        assert_eq!(prior.get("id"), &Value::string("c1"));
        assert_eq!(UserPoolClientObject::key_of(&prior).as_deref(), Some("eu-west-1_abc/c1"));
        assert!(UserPoolClientObject::import_prior("c1").is_err());
        assert!(UserPoolClientObject::import_prior("a/b/c").is_err());
    }

    #[test]
    fn validities_are_checked_in_their_units() {
        let problems = UserPoolClientObject::validate(&planned());
        assert!(problems.is_empty(), "{problems:?}");
        let client =
            AwsCognitoUserPoolClient::new(crate::Aws::new(crate::ProviderSettings::default()));
        let problems = client.problems(&Value::map([
            ("name", Value::string("app")),
            ("user_pool_id", Value::string("pool")),
            ("access_token_validity", Value::Number(25.0)),
            ("refresh_token_validity", Value::Number(3651.0)),
            ("allowed_oauth_flows", Value::List(vec![Value::string("password")])),
        ]));
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["allowed_oauth_flows[0]", "access_token_validity", "refresh_token_validity"]
        );
        assert!(
            problems[0].1.starts_with("expected allowed_oauth_flows to be one of"),
            "{}",
            problems[0].1
        );
        assert!(problems[1].1.ends_with("got: 25h0m0s"), "{}", problems[1].1);
    }
}
