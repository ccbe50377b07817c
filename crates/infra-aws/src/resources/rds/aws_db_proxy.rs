//! `aws_db_proxy`: an RDS Proxy, which pools client connections to the databases registered in
//! its target groups (`aws_db_proxy_default_target_group`, `aws_db_proxy_target`).
//!
//! As the provider (`internal/service/rds/proxy.go`) has it: the ID is the proxy's `name`.
//! Create is CreateDBProxy and waits for `available` (from `creating`). Refresh describes the
//! proxies (DescribeDBProxies by name for one, one paginated listing for several: the API has
//! no name list and its `Filters` are not supported), then reads each found proxy's tags
//! (ListTagsForResource; the describe answer carries none). Any change but the tags is one
//! ModifyDBProxy carrying every modifiable argument (a new `name` renames the proxy through
//! `NewDBProxyName`), which waits for `available` (from `modifying`); tags change through
//! Add/RemoveTagsToResource. `engine_family`, `vpc_subnet_ids`, `endpoint_network_type` and
//! `target_connection_network_type` force replacement. Delete is DeleteDBProxy, then waits
//! until the proxy is gone (from `deleting`). Import ID: the name.
//!
//! moto 5.2.5 has no ModifyDBProxy, so an in-place change other than tags is shown by unit
//! tests of the request only. moto neither stores nor returns `default_auth_scheme`,
//! `endpoint_network_type`, `target_connection_network_type` nor an auth entry's
//! `client_password_auth_type` default (AWS reports `NONE`, `IPV4`, `IPV4` and the engine's
//! default), and its DeleteDBProxy of an unknown proxy fails with HTTP 500 where AWS answers
//! `DBProxyNotFoundFault`.

use std::future::ready;

use aws_sdk_rds::operation::create_db_proxy::builders::CreateDBProxyFluentBuilder;
use aws_sdk_rds::operation::modify_db_proxy::builders::ModifyDBProxyFluentBuilder;
use aws_sdk_rds::types::{
    AuthScheme, ClientPasswordAuthType, DbProxy, DbProxyStatus, DefaultAuthScheme,
    EndpointNetworkType, EngineFamily, IamAuthMode, TargetConnectionNetworkType, UserAuthConfig,
    UserAuthConfigInfo,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, int, non_empty, number, sent, sent_unless_gone, string, string_list,
    strings, vanished, wait_for,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, string_or_empty, Declared};
use crate::error::is_not_found;
use crate::rds_support::{identifier_checks, tagged_groups, tags_to_sdk, update_tags};
use crate::subnet_group_support::describe_by_name;
use crate::tagging::ManagedTags;
use crate::verify::ARN;

/// The arguments ModifyDBProxy carries: a change to any of them is one ModifyDBProxy (the
/// provider's `HasChangesExcept(tags, tags_all)`; the others force replacement).
const MODIFIABLE: &[&str] = &[
    "name",
    "auth",
    "debug_logging",
    "default_auth_scheme",
    "idle_client_timeout",
    "require_tls",
    "role_arn",
    "vpc_security_group_ids",
];

pub type AwsDbProxy = ObjectType<ProxyObject>;

pub struct ProxyObject;

const NAME_OF: fn(&DbProxy) -> Option<&str> = DbProxy::db_proxy_name;

/// Waits until the proxy is `available`, through the `pending` status; any other status
/// (`incompatible-network`, `insufficient-resource-limits`, ...) fails, as the provider's
/// wait does.
async fn wait_available(
    this: &AwsDbProxy,
    name: &str,
    pending: DbProxyStatus,
    timeout: std::time::Duration,
) -> Result<Tagged<DbProxy>, ProviderError> {
    wait_for(&format!("DB proxy {name} to be available"), timeout, || {
        let pending = pending.clone();
        async move {
            let Some(found) = this.found(name).await? else {
                return Err(vanished("DB proxy", name));
            };
            match found.object.status() {
                Some(DbProxyStatus::Available) => Ok(Some(found)),
                Some(status) if *status == pending => Ok(None),
                status => Err(unexpected_status(name, status)),
            }
        }
    })
    .await
}

fn unexpected_status(name: &str, status: Option<&DbProxyStatus>) -> ProviderError {
    ProviderError::with_code(
        "InvalidDBProxyStateFault",
        format!("DB proxy {name} is {}", status.map_or("of no status", |s| s.as_str())),
    )
}

/// The configured `auth` blocks as the API takes them; empty strings are left out, as the
/// provider's `expandUserAuthConfigs` leaves them.
fn auth_configs(value: &Value) -> Vec<UserAuthConfig> {
    blocks(value, "auth")
        .iter()
        .map(|auth| {
            UserAuthConfig::builder()
                .set_auth_scheme(
                    non_empty(auth, "auth_scheme").map(|s| AuthScheme::from(s.as_str())),
                )
                .set_client_password_auth_type(
                    non_empty(auth, "client_password_auth_type")
                        .map(|s| ClientPasswordAuthType::from(s.as_str())),
                )
                .set_description(non_empty(auth, "description"))
                .set_iam_auth(non_empty(auth, "iam_auth").map(|s| IamAuthMode::from(s.as_str())))
                .set_secret_arn(non_empty(auth, "secret_arn"))
                .set_user_name(non_empty(auth, "username"))
                .build()
        })
        .collect()
}

/// CreateDBProxy as the provider sends it: the optional arguments only when set (a `true`
/// flag, a non-zero timeout, a non-empty string or list), and `Auth` always (empty without
/// blocks).
fn create_request(
    client: &aws_sdk_rds::Client,
    operation: &Operation,
    planned: &Value,
) -> CreateDBProxyFluentBuilder {
    client
        .create_db_proxy()
        .set_db_proxy_name(string(planned, "name"))
        .set_engine_family(string(planned, "engine_family").map(|f| EngineFamily::from(f.as_str())))
        .set_role_arn(string(planned, "role_arn"))
        .set_vpc_subnet_ids(Some(strings(planned, "vpc_subnet_ids")))
        .set_auth(Some(auth_configs(planned)))
        .set_debug_logging(boolean(planned, "debug_logging").filter(|on| *on))
        .set_require_tls(boolean(planned, "require_tls").filter(|on| *on))
        .set_default_auth_scheme(
            non_empty(planned, "default_auth_scheme").map(|s| DefaultAuthScheme::from(s.as_str())),
        )
        .set_endpoint_network_type(
            non_empty(planned, "endpoint_network_type")
                .map(|s| EndpointNetworkType::from(s.as_str())),
        )
        .set_target_connection_network_type(
            non_empty(planned, "target_connection_network_type")
                .map(|s| TargetConnectionNetworkType::from(s.as_str())),
        )
        .set_idle_client_timeout(int(planned, "idle_client_timeout").filter(|t| *t != 0))
        .set_vpc_security_group_ids(
            Some(strings(planned, "vpc_security_group_ids")).filter(|ids| !ids.is_empty()),
        )
        .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
}

/// ModifyDBProxy as the provider sends it: the prior name, the planned one as
/// `NewDBProxyName`, both flags and the role always, `Auth` always (empty without blocks), and
/// the scheme, timeout and security groups when set.
fn modify_request(
    client: &aws_sdk_rds::Client,
    prior: &Value,
    planned: &Value,
) -> ModifyDBProxyFluentBuilder {
    client
        .modify_db_proxy()
        .set_db_proxy_name(string(prior, "name"))
        .set_new_db_proxy_name(string(planned, "name"))
        .debug_logging(boolean(planned, "debug_logging").unwrap_or(false))
        .require_tls(boolean(planned, "require_tls").unwrap_or(false))
        .set_role_arn(string(planned, "role_arn"))
        .set_auth(Some(auth_configs(planned)))
        .set_default_auth_scheme(
            non_empty(planned, "default_auth_scheme").map(|s| DefaultAuthScheme::from(s.as_str())),
        )
        .set_idle_client_timeout(int(planned, "idle_client_timeout").filter(|t| *t != 0))
        .set_security_groups(
            Some(strings(planned, "vpc_security_group_ids")).filter(|ids| !ids.is_empty()),
        )
}

/// An auth entry as the provider's `flattenUserAuthConfigInfo` stores it (unset strings as
/// `""`, as a set element holds them).
fn auth_value(auth: &UserAuthConfigInfo) -> Value {
    let text = |value: Option<&str>| Value::string(value.unwrap_or_default());
    Value::map([
        ("auth_scheme", text(auth.auth_scheme().map(|s| s.as_str()))),
        ("client_password_auth_type", text(auth.client_password_auth_type().map(|s| s.as_str()))),
        ("description", text(auth.description())),
        ("iam_auth", text(auth.iam_auth().map(|s| s.as_str()))),
        ("secret_arn", text(auth.secret_arn())),
        ("username", text(auth.user_name())),
    ])
}

/// `auth`, as the provider's `flattenUserAuthConfigInfos` stores it.
fn auth_block() -> Declared<DbProxy> {
    let auth = Schema::new()
        .attr(Attribute::optional("auth_scheme", Type::String).check(Check::OneOf(&["SECRETS"])))
        .attr(Attribute::optional_computed("client_password_auth_type", Type::String).check(
            Check::OneOf(&[
                "MYSQL_CACHING_SHA2_PASSWORD",
                "MYSQL_NATIVE_PASSWORD",
                "POSTGRES_MD5",
                "POSTGRES_SCRAM_SHA_256",
                "SQL_SERVER_AUTHENTICATION",
            ]),
        ))
        .attr(Attribute::optional("description", Type::String))
        .attr(
            Attribute::optional("iam_auth", Type::String)
                .check(Check::OneOf(&["DISABLED", "REQUIRED", "ENABLED"])),
        )
        .attr(Attribute::optional("secret_arn", Type::String).check(ARN))
        .attr(Attribute::optional("username", Type::String));
    read_block(Block::set("auth", auth), |proxy: &DbProxy, _| {
        Value::List(proxy.auth().iter().map(auth_value).collect())
    })
}

/// The object as the provider's read sets it (every argument is one AWS reports): what AWS
/// leaves out reads as the zero value (`""`, `false`, 0).
impl AwsObject for ProxyObject {
    type Object = DbProxy;
    const NAME: &'static str = "aws_db_proxy";
    const KIND: &'static str = "DB proxy";
    const KEY: &'static str = "name";

    fn attributes() -> Vec<Declared<DbProxy>> {
        let flag = |name, get: fn(&DbProxy) -> Option<bool>| -> Declared<DbProxy> {
            read(Attribute::optional(name, Type::Bool), move |proxy: &DbProxy, _| {
                Value::Bool(get(proxy).unwrap_or(false))
            })
        };
        vec![
            string_or_empty(Attribute::computed("id", Type::String), NAME_OF),
            string_or_empty(Attribute::computed("arn", Type::String), DbProxy::db_proxy_arn),
            string_or_empty(Attribute::computed("endpoint", Type::String), DbProxy::endpoint),
            string_or_empty(Attribute::required("name", Type::String), NAME_OF),
            auth_block(),
            flag("debug_logging", DbProxy::debug_logging),
            string_or_empty(
                Attribute::optional_computed("default_auth_scheme", Type::String)
                    .check(Check::OneOf(&["IAM_AUTH", "NONE"])),
                DbProxy::default_auth_scheme,
            ),
            string_or_empty(
                Attribute::optional_computed("endpoint_network_type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["DUAL", "IPV4", "IPV6"])),
                |proxy| proxy.endpoint_network_type().map(|t| t.as_str()),
            ),
            string_or_empty(
                Attribute::required("engine_family", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["MYSQL", "POSTGRESQL", "SQLSERVER"])),
                DbProxy::engine_family,
            ),
            read(
                Attribute::optional_computed("idle_client_timeout", Type::Number),
                |proxy: &DbProxy, _| number(Some(proxy.idle_client_timeout().unwrap_or(0).into())),
            ),
            flag("require_tls", DbProxy::require_tls),
            string_or_empty(
                Attribute::required("role_arn", Type::String).check(ARN),
                DbProxy::role_arn,
            ),
            string_or_empty(
                Attribute::optional_computed("target_connection_network_type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["IPV4", "IPV6"])),
                |proxy| proxy.target_connection_network_type().map(|t| t.as_str()),
            ),
            read(
                Attribute::optional_computed("vpc_security_group_ids", Type::set(Type::String)),
                |proxy: &DbProxy, _| string_list(proxy.vpc_security_group_ids()),
            ),
            read(
                Attribute::required("vpc_subnet_ids", Type::set(Type::String)).force_new(),
                |proxy: &DbProxy, _| string_list(proxy.vpc_subnet_ids()),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(30, 30, 60)
    }

    /// The provider's plan-time check beyond the schema's: `validIdentifier` on `name`.
    fn validate(config: &Value) -> Vec<(String, String)> {
        identifier_checks(config, &["name"])
    }

    /// A rename changes the ID and the endpoint (the proxy's name leads its host name).
    fn unknown_after_update(prior: &Value, planned: &Value) -> Vec<&'static str> {
        if changed(prior, planned, "name") {
            vec!["id", "endpoint"]
        } else {
            vec![]
        }
    }

    /// A lost create's proxy: the one of the configured name, when it carries the managed tags.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// Proxies by name, each with its tags (ListTagsForResource by its ARN); missing ones are
    /// left out.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<DbProxy> {
        let client = &this.aws.clients().await.rds;
        // The provider's eventual-consistency check: only a proxy of the asked name counts.
        let found = describe_by_name!(
            client.describe_db_proxies(),
            db_proxy_name,
            db_proxies,
            NAME_OF,
            names
        )
        .await?;
        let arn_of = DbProxy::db_proxy_arn;
        tagged_groups(client, found, NAME_OF, arn_of, |_, proxy| ready(Ok(proxy))).await
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<DbProxy>, ProviderError> {
        let client = &at.this.aws.clients().await.rds;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_db_proxy has no name"))?;
        sent!(create_request(client, at.operation, at.planned))?;
        wait_available(at.this, &name, DbProxyStatus::Creating, at.operation.timeouts.create).await
    }

    /// The tags first, then one ModifyDBProxy (and the wait) when a modifiable argument
    /// changed; the proxy is read under its new name.
    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<DbProxy>, ProviderError> {
        let client = &at.this.aws.clients().await.rds;
        if let Some(arn) = string(at.prior, "arn") {
            update_tags(client, &arn, at.prior, at.planned).await?;
        }
        let name = string(at.planned, "name").unwrap_or_else(|| at.key.to_string());
        if MODIFIABLE.iter().any(|key| changed(at.prior, at.planned, key)) {
            sent!(modify_request(client, at.prior, at.planned))?;
            return wait_available(
                at.this,
                &name,
                DbProxyStatus::Modifying,
                at.operation.timeouts.update,
            )
            .await;
        }
        Self::written(at.this, &name).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let name = at.key;
        let client = &at.this.aws.clients().await.rds;
        let answer = sent!(client.delete_db_proxy().db_proxy_name(name));
        if !sent_unless_gone(answer, is_not_found)? {
            return Ok(());
        }
        wait_for(
            &format!("DB proxy {name} to be deleted"),
            at.operation.timeouts.delete,
            || async {
                match at.this.found(name).await? {
                    None => Ok(Some(())),
                    Some(found) if found.object.status() == Some(&DbProxyStatus::Deleting) => {
                        Ok(None)
                    }
                    Some(found) => Err(unexpected_status(name, found.object.status())),
                }
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rds_support::offline_client;

    const ROLE: &str = "arn:aws:iam::123456789012:role/proxy";
    const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";

    fn auth(entries: Vec<(&str, Value)>) -> Value {
        Value::map(entries)
    }

    fn planned(extra: Vec<(&str, Value)>) -> Value {
        let mut entries = vec![
            ("name", Value::string("app-proxy")),
            ("engine_family", Value::string("POSTGRESQL")),
            ("role_arn", Value::string(ROLE)),
            ("vpc_subnet_ids", string_list(["subnet-a", "subnet-b"])),
            (
                "auth",
                Value::List(vec![auth(vec![
                    ("auth_scheme", Value::string("SECRETS")),
                    ("iam_auth", Value::string("DISABLED")),
                    ("secret_arn", Value::string(SECRET)),
                    ("description", Value::Null),
                    ("username", Value::Null),
                    ("client_password_auth_type", Value::Null),
                ])]),
            ),
            ("debug_logging", Value::Null),
            ("require_tls", Value::Bool(true)),
            ("idle_client_timeout", Value::Number(900.0)),
            ("default_auth_scheme", Value::Null),
            ("endpoint_network_type", Value::Null),
            ("target_connection_network_type", Value::Null),
            ("vpc_security_group_ids", Value::List(vec![])),
            ("tags", Value::map([("Team", Value::string("data"))])),
        ];
        entries.extend(extra);
        Value::map(entries)
    }

    /// The value read back from a described proxy with its tags.
    fn to_value(proxy: &DbProxy, tags: &[(String, String)]) -> Value {
        let found = Tagged { object: proxy.clone(), tags: tags.to_vec() };
        crate::aws_object::value_of::<ProxyObject>(&found, &Value::Null)
    }

    fn operation() -> Operation {
        Operation {
            address: "aws_db_proxy.app".to_string(),
            lineage: "lineage-1".to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn the_create_request_sends_what_is_set_as_the_provider_does() {
        let client = offline_client();
        let request = create_request(&client, &operation(), &planned(vec![]));
        let input = request.as_input();
        assert_eq!(input.get_db_proxy_name().as_deref(), Some("app-proxy"));
        assert_eq!(input.get_engine_family(), &Some(EngineFamily::Postgresql));
        assert_eq!(input.get_role_arn().as_deref(), Some(ROLE));
        assert_eq!(
            input.get_vpc_subnet_ids().as_deref(),
            Some(&["subnet-a".to_string(), "subnet-b".to_string()][..])
        );
        assert_eq!(input.get_require_tls(), &Some(true));
        // Unset or false flags, an empty list and unset strings are not sent.
        assert_eq!(input.get_debug_logging(), &None);
        assert_eq!(input.get_vpc_security_group_ids(), &None);
        assert_eq!(input.get_default_auth_scheme(), &None);
        assert_eq!(input.get_endpoint_network_type(), &None);
        assert_eq!(input.get_idle_client_timeout(), &Some(900));
        let auth = input.get_auth().as_deref().unwrap();
        assert_eq!(auth.len(), 1);
        assert_eq!(auth[0].auth_scheme(), Some(&AuthScheme::Secrets));
        assert_eq!(auth[0].iam_auth(), Some(&IamAuthMode::Disabled));
        assert_eq!(auth[0].secret_arn(), Some(SECRET));
        assert_eq!(auth[0].description(), None);
        assert_eq!(auth[0].client_password_auth_type(), None);
        let tags: Vec<(&str, &str)> = input
            .get_tags()
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|t| (t.key().unwrap(), t.value().unwrap()))
            .collect();
        assert_eq!(
            tags,
            [
                ("Team", "data"),
                ("infra:address", "aws_db_proxy.app"),
                ("infra:lineage", "lineage-1"),
            ]
        );
    }

    #[test]
    fn a_create_without_auth_blocks_sends_an_empty_list_and_the_iam_scheme() {
        let client = offline_client();
        let value = planned(vec![
            ("auth", Value::List(vec![])),
            ("default_auth_scheme", Value::string("IAM_AUTH")),
            ("endpoint_network_type", Value::string("DUAL")),
            ("target_connection_network_type", Value::string("IPV6")),
        ]);
        let request = create_request(&client, &operation(), &value);
        let input = request.as_input();
        assert_eq!(input.get_auth().as_deref(), Some(&[][..]));
        assert_eq!(input.get_default_auth_scheme(), &Some(DefaultAuthScheme::IamAuth));
        assert_eq!(input.get_endpoint_network_type(), &Some(EndpointNetworkType::Dual));
        assert_eq!(
            input.get_target_connection_network_type(),
            &Some(TargetConnectionNetworkType::Ipv6)
        );
    }

    /// moto has no ModifyDBProxy: the request is shown here.
    #[test]
    fn the_modify_request_renames_and_carries_every_modifiable_argument() {
        let client = offline_client();
        let prior = planned(vec![]);
        let after = planned(vec![
            ("name", Value::string("app-proxy-2")),
            ("require_tls", Value::Null),
            ("debug_logging", Value::Bool(true)),
            ("idle_client_timeout", Value::Number(1800.0)),
            ("vpc_security_group_ids", string_list(["sg-1"])),
            ("default_auth_scheme", Value::string("NONE")),
        ]);
        let request = modify_request(&client, &prior, &after);
        let input = request.as_input();
        assert_eq!(input.get_db_proxy_name().as_deref(), Some("app-proxy"));
        assert_eq!(input.get_new_db_proxy_name().as_deref(), Some("app-proxy-2"));
        // Both flags always: an unset one is `false`, which turns it off.
        assert_eq!(input.get_require_tls(), &Some(false));
        assert_eq!(input.get_debug_logging(), &Some(true));
        assert_eq!(input.get_role_arn().as_deref(), Some(ROLE));
        assert_eq!(input.get_idle_client_timeout(), &Some(1800));
        assert_eq!(input.get_security_groups().as_deref(), Some(&["sg-1".to_string()][..]));
        assert_eq!(input.get_default_auth_scheme(), &Some(DefaultAuthScheme::None));
        assert_eq!(input.get_auth().as_deref().map(<[_]>::len), Some(1));
    }

    #[test]
    fn only_modifiable_arguments_and_a_rename_send_modify_db_proxy() {
        let prior = planned(vec![]);
        let tags_only = planned(vec![("tags", Value::map([("Team", Value::string("x"))]))]);
        assert!(!MODIFIABLE.iter().any(|key| changed(&prior, &tags_only, key)));
        let renamed = planned(vec![("name", Value::string("other"))]);
        assert!(MODIFIABLE.iter().any(|key| changed(&prior, &renamed, key)));
    }

    /// AWS reports the defaults it fills in (moto reports none of them): they read back into
    /// the optional-computed arguments, and unset strings read as `""`, as the provider stores
    /// them.
    #[test]
    fn a_proxy_reads_back_with_the_defaults_aws_reports() {
        let proxy = DbProxy::builder()
            .db_proxy_name("app-proxy")
            .db_proxy_arn("arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123")
            .status(DbProxyStatus::Available)
            .engine_family("POSTGRESQL")
            .vpc_subnet_ids("subnet-b")
            .vpc_subnet_ids("subnet-a")
            .vpc_security_group_ids("sg-1")
            .default_auth_scheme("NONE")
            .auth(
                UserAuthConfigInfo::builder()
                    .auth_scheme(AuthScheme::Secrets)
                    .iam_auth(IamAuthMode::Disabled)
                    .secret_arn(SECRET)
                    .client_password_auth_type(ClientPasswordAuthType::PostgresScramSha256)
                    .build(),
            )
            .role_arn(ROLE)
            .endpoint("app-proxy.proxy-abc.us-east-1.rds.amazonaws.com")
            .require_tls(true)
            .idle_client_timeout(1800)
            .debug_logging(false)
            .endpoint_network_type(EndpointNetworkType::Ipv4)
            .target_connection_network_type(TargetConnectionNetworkType::Ipv4)
            .build();
        let value = to_value(
            &proxy,
            &[
                ("Team".to_string(), "data".to_string()),
                ("infra:address".to_string(), "aws_db_proxy.app".to_string()),
            ],
        );
        assert_eq!(value.get("id"), &Value::string("app-proxy"));
        assert_eq!(value.get("default_auth_scheme"), &Value::string("NONE"));
        assert_eq!(value.get("endpoint_network_type"), &Value::string("IPV4"));
        assert_eq!(value.get("target_connection_network_type"), &Value::string("IPV4"));
        assert_eq!(value.get("idle_client_timeout"), &Value::Number(1800.0));
        assert_eq!(value.get("debug_logging"), &Value::Bool(false));
        assert_eq!(
            value.get("auth"),
            &Value::List(vec![Value::map([
                ("auth_scheme", Value::string("SECRETS")),
                ("client_password_auth_type", Value::string("POSTGRES_SCRAM_SHA_256")),
                ("description", Value::string("")),
                ("iam_auth", Value::string("DISABLED")),
                ("secret_arn", Value::string(SECRET)),
                ("username", Value::string("")),
            ])])
        );
        assert_eq!(value.get("tags"), &Value::map([("Team", Value::string("data"))]));
    }

    #[test]
    fn names_and_arns_are_checked_as_the_provider_checks_them() {
        let registry = crate::registry(crate::Aws::new(crate::ProviderSettings::default()));
        let proxy = registry.resource("aws_db_proxy").unwrap();
        let problems = proxy.problems(&planned(vec![
            ("name", Value::string("App_Proxy")),
            ("role_arn", Value::string("role/proxy")),
            ("auth", Value::List(vec![auth(vec![("secret_arn", Value::string("secret"))])])),
        ]));
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["role_arn", "auth[0].secret_arn", "name", "name"], "{problems:?}");
        assert!(proxy.problems(&planned(vec![])).is_empty());
    }
}
