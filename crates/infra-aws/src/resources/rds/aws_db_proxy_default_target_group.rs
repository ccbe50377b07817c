//! `aws_db_proxy_default_target_group`: the connection-pool settings of a DB proxy's
//! `default` target group, which exists as long as its proxy does.
//!
//! As the provider (`internal/service/rds/proxy_default_target_group.go`) has it: create and
//! update are the same ModifyDBProxyTargetGroup on the `default` group (with the configured
//! `connection_pool_config`, or none), which then waits for the group to be `available` (from
//! `modifying`); delete does nothing in AWS. The ID is `db_proxy_name`. Refresh is one
//! DescribeDBProxyTargetGroups per proxy (the API has no batch form; they run concurrently),
//! keeping the group marked `IsDefault`; a missing proxy (`DBProxyNotFoundFault`) means the
//! group is gone. `connection_pool_config` is optional and computed: without the block, the
//! object keeps what AWS has. As in the provider, `init_query` and `session_pinning_filters`
//! are sent only when non-empty, so removing them from the configuration leaves AWS's values.
//! Import ID: the proxy's name.
//!
//! moto 5.2.5 neither stores nor returns `init_query`, takes a `max_idle_connections_percent`
//! of 0 for half of `max_connections_percent`, and answers HTTP 500 (not
//! `DBProxyNotFoundFault`) for the groups of a proxy that does not exist; unit tests show
//! `init_query`'s request and read-back.

use aws_sdk_rds::operation::modify_db_proxy_target_group::builders::ModifyDBProxyTargetGroupFluentBuilder;
use aws_sdk_rds::types::{ConnectionPoolConfiguration, DbProxyTargetGroup};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{int, non_empty, number, sent, single, string, string_list, strings};
use crate::app_support::{vanished, wait_for};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, Declared};
use crate::error::{aws_error, is_not_found};
use crate::rds_support::identifier_checks;

/// The target group every proxy has, the one this type manages.
const DEFAULT_GROUP: &str = "default";

/// The one value `session_pinning_filters` takes (the provider's list; the API has no enum).
const PINNING_FILTERS: &[&str] = &["EXCLUDE_VARIABLE_SETS"];

pub type AwsDbProxyDefaultTargetGroup = ObjectType<DefaultTargetGroupObject>;

pub struct DefaultTargetGroupObject;

/// The default target group of `proxy`; `None` when the proxy does not exist.
async fn default_group_of(
    this: &AwsDbProxyDefaultTargetGroup,
    proxy: &str,
) -> Result<Option<Tagged<DbProxyTargetGroup>>, ProviderError> {
    let client = &this.aws.clients().await.rds;
    let mut pages =
        client.describe_db_proxy_target_groups().db_proxy_name(proxy).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = match page.map_err(aws_error) {
            Ok(page) => page,
            Err(error) if is_not_found(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        if let Some(group) = page.target_groups().iter().find(|g| g.is_default() == Some(true)) {
            return Ok(Some(Tagged { object: group.clone(), tags: vec![] }));
        }
    }
    Ok(None)
}

/// The provider's `resourceProxyDefaultTargetGroupPut` (create and update alike): the
/// modify, then the wait, which ends on the group as described.
async fn put(
    this: &AwsDbProxyDefaultTargetGroup,
    planned: &Value,
    timeout: std::time::Duration,
) -> Result<Tagged<DbProxyTargetGroup>, ProviderError> {
    let client = &this.aws.clients().await.rds;
    let proxy = string(planned, "db_proxy_name").ok_or_else(|| {
        ProviderError::new("aws_db_proxy_default_target_group has no db_proxy_name")
    })?;
    sent!(modify_request(client, planned))?;
    wait_for(
        &format!("the default target group of DB proxy {proxy} to be available"),
        timeout,
        || async {
            let Some(group) = default_group_of(this, &proxy).await? else {
                return Err(vanished("DB proxy default target group", &proxy));
            };
            match group.object.status() {
                Some("available") => Ok(Some(group)),
                Some("modifying") => Ok(None),
                status => Err(ProviderError::with_code(
                    "InvalidDBProxyStateFault",
                    format!(
                        "the default target group of DB proxy {proxy} is {}",
                        status.unwrap_or("of no status")
                    ),
                )),
            }
        },
    )
    .await
}

/// The pool as the provider's read sets it; an unset number reads as 0 and an unset query as
/// `""`, as the provider's flatten stores them.
fn pool_value(group: &DbProxyTargetGroup) -> Value {
    let pool = group.connection_pool_config().map(|pool| {
        let whole = |n: Option<i32>| number(Some(n.unwrap_or(0).into()));
        Value::map([
            ("connection_borrow_timeout", whole(pool.connection_borrow_timeout())),
            ("init_query", Value::string(pool.init_query().unwrap_or_default())),
            ("max_connections_percent", whole(pool.max_connections_percent())),
            ("max_idle_connections_percent", whole(pool.max_idle_connections_percent())),
            ("session_pinning_filters", string_list(pool.session_pinning_filters())),
        ])
    });
    Value::List(pool.into_iter().collect())
}

/// The proxy's name: the ID.
fn proxy_name(group: &DbProxyTargetGroup, _: &crate::declared::Reading) -> Value {
    Value::string(group.db_proxy_name().unwrap_or_default())
}

impl AwsObject for DefaultTargetGroupObject {
    type Object = DbProxyTargetGroup;
    const NAME: &'static str = "aws_db_proxy_default_target_group";
    const KIND: &'static str = "DB proxy default target group";
    const KEY: &'static str = "db_proxy_name";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<DbProxyTargetGroup>> {
        let pool = Schema::new()
            .attr(
                Attribute::optional("connection_borrow_timeout", Type::Number)
                    .default(Value::Number(120.0))
                    .check(Check::Range(0, 3600)),
            )
            .attr(Attribute::optional("init_query", Type::String))
            .attr(
                Attribute::optional("max_connections_percent", Type::Number)
                    .default(Value::Number(100.0))
                    .check(Check::Range(1, 100)),
            )
            .attr(
                Attribute::optional("max_idle_connections_percent", Type::Number)
                    .default(Value::Number(50.0))
                    .check(Check::Range(0, 100)),
            )
            .attr(
                Attribute::optional("session_pinning_filters", Type::set(Type::String))
                    .check(Check::OneOf(PINNING_FILTERS)),
            );
        vec![
            read(Attribute::computed("id", Type::String), proxy_name),
            crate::declared::string(
                Attribute::computed("arn", Type::String),
                DbProxyTargetGroup::target_group_arn,
            ),
            crate::declared::string(
                Attribute::computed("name", Type::String),
                DbProxyTargetGroup::target_group_name,
            ),
            read(Attribute::required("db_proxy_name", Type::String).force_new(), proxy_name),
            read_block(Block::single("connection_pool_config", pool).computed(), |group, _| {
                pool_value(group)
            }),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update"])
    }

    /// The provider's create and update timeouts, 30 minutes each.
    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(30, 30, 30)
    }

    /// The provider's check beyond the schema's: `validIdentifier` on `db_proxy_name`.
    fn validate(config: &Value) -> Vec<(String, String)> {
        identifier_checks(config, &["db_proxy_name"])
    }

    /// The proxy a stored object belongs to: its ID (the proxy's name), else `db_proxy_name`.
    fn key_of(value: &Value) -> Option<String> {
        non_empty(value, "id").or_else(|| non_empty(value, "db_proxy_name"))
    }

    /// The group always exists with its proxy, and the create's call is idempotent: what is
    /// there is adopted (and brought to the plan by an update).
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "db_proxy_name")
    }

    /// One DescribeDBProxyTargetGroups per proxy (the API has no batch form), run
    /// concurrently.
    async fn describe(
        this: &ObjectType<Self>,
        proxies: &[String],
    ) -> DescribeResult<DbProxyTargetGroup> {
        each_key(proxies, |proxy| default_group_of(this, proxy)).await
    }

    async fn create_written(
        at: Creating<'_, Self>,
    ) -> Result<Tagged<DbProxyTargetGroup>, ProviderError> {
        put(at.this, at.planned, at.operation.timeouts.create).await
    }

    async fn update_written(
        at: Updating<'_, Self>,
    ) -> Result<Tagged<DbProxyTargetGroup>, ProviderError> {
        put(at.this, at.planned, at.operation.timeouts.update).await
    }

    /// The group goes only with its proxy: nothing is sent, as in the provider.
    async fn delete(_at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        Ok(())
    }
}

/// ModifyDBProxyTargetGroup on the `default` group, with the configured pool settings as the
/// provider's `expandConnectionPoolConfiguration` builds them: the three numbers always,
/// `InitQuery` and `SessionPinningFilters` only when non-empty.
fn modify_request(
    client: &aws_sdk_rds::Client,
    planned: &Value,
) -> ModifyDBProxyTargetGroupFluentBuilder {
    let pool = single(planned, "connection_pool_config").map(|pool| {
        let filters = strings(pool, "session_pinning_filters");
        ConnectionPoolConfiguration::builder()
            .set_connection_borrow_timeout(int(pool, "connection_borrow_timeout"))
            .set_max_connections_percent(int(pool, "max_connections_percent"))
            .set_max_idle_connections_percent(int(pool, "max_idle_connections_percent"))
            .set_init_query(non_empty(pool, "init_query"))
            .set_session_pinning_filters(Some(filters).filter(|f| !f.is_empty()))
            .build()
    });
    client
        .modify_db_proxy_target_group()
        .set_db_proxy_name(string(planned, "db_proxy_name"))
        .target_group_name(DEFAULT_GROUP)
        .set_connection_pool_config(pool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_rds::types::ConnectionPoolConfigurationInfo;

    use crate::rds_support::offline_client;

    fn planned(pool: Option<Value>) -> Value {
        Value::map([
            ("db_proxy_name", Value::string("app-proxy")),
            ("connection_pool_config", Value::List(pool.into_iter().collect())),
        ])
    }

    /// The value the family reads from one group.
    fn to_value(group: &DbProxyTargetGroup) -> Value {
        let found = Tagged { object: group.clone(), tags: vec![] };
        crate::aws_object::value_of::<DefaultTargetGroupObject>(&found, &Value::Null)
    }

    #[test]
    fn the_request_sends_the_numbers_always_and_the_query_and_filters_when_set() {
        let client = offline_client();
        let request = modify_request(
            &client,
            &planned(Some(Value::map([
                ("connection_borrow_timeout", Value::Number(120.0)),
                ("init_query", Value::string("SET x=1, y=2")),
                ("max_connections_percent", Value::Number(90.0)),
                ("max_idle_connections_percent", Value::Number(0.0)),
                ("session_pinning_filters", string_list(PINNING_FILTERS)),
            ]))),
        );
        let input = request.as_input();
        assert_eq!(input.get_db_proxy_name().as_deref(), Some("app-proxy"));
        assert_eq!(input.get_target_group_name().as_deref(), Some("default"));
        let pool = input.get_connection_pool_config().as_ref().unwrap();
        assert_eq!(pool.connection_borrow_timeout(), Some(120));
        assert_eq!(pool.max_connections_percent(), Some(90));
        assert_eq!(pool.max_idle_connections_percent(), Some(0));
        assert_eq!(pool.init_query(), Some("SET x=1, y=2"));
        assert_eq!(pool.session_pinning_filters(), ["EXCLUDE_VARIABLE_SETS"]);

        let request = modify_request(
            &client,
            &planned(Some(Value::map([
                ("connection_borrow_timeout", Value::Number(60.0)),
                ("init_query", Value::Null),
                ("max_connections_percent", Value::Number(100.0)),
                ("max_idle_connections_percent", Value::Number(50.0)),
                ("session_pinning_filters", Value::List(vec![])),
            ]))),
        );
        let pool = request.as_input().get_connection_pool_config().clone().unwrap();
        assert_eq!(pool.init_query(), None);
        assert_eq!(pool.session_pinning_filters, None);

        // Without the block, the group's settings are left as they are.
        let request = modify_request(&client, &planned(None));
        assert_eq!(request.as_input().get_connection_pool_config(), &None);
    }

    /// moto does not return `init_query`; AWS does.
    #[test]
    fn the_default_group_reads_back_with_its_query() {
        let group = DbProxyTargetGroup::builder()
            .db_proxy_name("app-proxy")
            .target_group_name("default")
            .target_group_arn("arn:aws:rds:us-east-1:123456789012:target-group:prx-tg-0123")
            .is_default(true)
            .status("available")
            .connection_pool_config(
                ConnectionPoolConfigurationInfo::builder()
                    .max_connections_percent(100)
                    .max_idle_connections_percent(50)
                    .connection_borrow_timeout(120)
                    .init_query("SET x=1, y=2")
                    .build(),
            )
            .build();
        let value = to_value(&group);
        assert_eq!(value.get("id"), &Value::string("app-proxy"));
        assert_eq!(value.get("name"), &Value::string("default"));
        assert_eq!(
            value.get("connection_pool_config"),
            &Value::List(vec![Value::map([
                ("connection_borrow_timeout", Value::Number(120.0)),
                ("init_query", Value::string("SET x=1, y=2")),
                ("max_connections_percent", Value::Number(100.0)),
                ("max_idle_connections_percent", Value::Number(50.0)),
                ("session_pinning_filters", Value::List(vec![])),
            ])])
        );
        let bare = DbProxyTargetGroup::builder()
            .db_proxy_name("app-proxy")
            .target_group_name("default")
            .build();
        assert_eq!(to_value(&bare).get("connection_pool_config"), &Value::List(vec![]));
    }

    #[test]
    fn the_proxy_name_and_the_pinning_filters_are_checked() {
        let registry = crate::registry(crate::Aws::new(crate::ProviderSettings::default()));
        let group = registry.resource("aws_db_proxy_default_target_group").unwrap();
        let problems = group.problems(&Value::map([
            ("db_proxy_name", Value::string("proxy-")),
            (
                "connection_pool_config",
                Value::List(vec![Value::map([(
                    "session_pinning_filters",
                    string_list(["EXCLUDE_VARIABLE_SETS", "OTHER"]),
                )])]),
            ),
        ]));
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            ["connection_pool_config[0].session_pinning_filters[1]", "db_proxy_name",],
            "{problems:?}"
        );
        assert_eq!(
            problems[0].1,
            "expected session_pinning_filters to be one of [\"EXCLUDE_VARIABLE_SETS\"], got OTHER"
        );
    }
}
