//! `aws_db_proxy_target`: a DB instance or cluster registered in a DB proxy's target group.
//!
//! As the provider (`internal/service/rds/proxy_target.go`) has it: create is
//! RegisterDBProxyTargets, sent again for up to five minutes while AWS answers that the proxy
//! is still `CREATING` (`InvalidDBInstanceState`); the ID is
//! `db_proxy_name/target_group_name/TYPE/rds_resource_id` (TYPE `RDS_INSTANCE` or
//! `TRACKED_CLUSTER`), which is also the import ID. Every argument forces replacement; delete
//! is DeregisterDBProxyTargets, done when the proxy, the group or the target is already gone.
//! Refresh is one DescribeDBProxyTargets per (proxy, target group) pair of the refreshed
//! targets (the API has no batch form across groups; the pairs run concurrently), matching
//! each target by type and `rds_resource_id`. A target of type `RDS_INSTANCE` reads its
//! identifier into `db_instance_identifier`, any other into `db_cluster_identifier`.
//!
//! moto 5.2.5 reads every proxy's `default` group whatever group is asked for, reports no
//! `endpoint` for an instance target and port 5432 for every target, never checks that the
//! registered instance exists, and answers HTTP 500 (not `DBProxyNotFoundFault`) for the
//! targets of a proxy that does not exist. A unit test shows AWS's answer for a cluster.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_rds::operation::deregister_db_proxy_targets::builders::DeregisterDBProxyTargetsFluentBuilder;
use aws_sdk_rds::operation::register_db_proxy_targets::builders::RegisterDBProxyTargetsFluentBuilder;
use aws_sdk_rds::types::{DbProxyTarget, TargetType};
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{known, non_empty, number, retry_while, sent, string, text, vanished};
use crate::error::{aws_error, is_not_found};
use crate::rds_support::identifier_checks;
use crate::Aws;

/// How long a registration is sent again while the proxy is still being created (the
/// provider's five minutes).
const PROXY_CREATING: Duration = Duration::from_secs(5 * 60);

const INSTANCE: &str = "RDS_INSTANCE";
const CLUSTER: &str = "TRACKED_CLUSTER";

pub struct AwsDbProxyTarget {
    aws: Arc<Aws>,
    schema: Schema,
}

/// What names one target: the four parts of its ID.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TargetKey {
    proxy: String,
    group: String,
    kind: String,
    resource: String,
}

impl TargetKey {
    /// The provider's `proxyTargetParseResourceID`, with its error.
    fn parse(id: &str) -> Result<TargetKey, ProviderError> {
        match id.splitn(4, '/').collect::<Vec<_>>()[..] {
            [proxy, group, kind, resource]
                if [proxy, group, kind, resource].iter().all(|p| !p.is_empty()) =>
            {
                Ok(TargetKey {
                    proxy: proxy.to_string(),
                    group: group.to_string(),
                    kind: kind.to_string(),
                    resource: resource.to_string(),
                })
            }
            _ => Err(ProviderError::new(format!(
                "unexpected format for ID ({id}), expected \
                 DBPROXYNAME/TARGETGROUPNAME/TARGETTYPE/RDSRESOURCEID"
            ))),
        }
    }

    /// The key of a stored object (its ID), or of a planned one (its arguments: a planned
    /// object's ID is unknown).
    fn of(value: &Value) -> Option<TargetKey> {
        if let Some(key) = non_empty(value, "id").and_then(|id| TargetKey::parse(&id).ok()) {
            return Some(key);
        }
        let (kind, resource) = match (
            non_empty(value, "db_instance_identifier"),
            non_empty(value, "db_cluster_identifier"),
        ) {
            (Some(instance), _) => (INSTANCE, instance),
            (None, Some(cluster)) => (CLUSTER, cluster),
            (None, None) => return None,
        };
        Some(TargetKey {
            proxy: non_empty(value, "db_proxy_name")?,
            group: non_empty(value, "target_group_name")?,
            kind: kind.to_string(),
            resource,
        })
    }

    fn id(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.proxy, self.group, self.kind, self.resource
        )
    }

    fn matches(&self, target: &DbProxyTarget) -> bool {
        target.r#type().map(|t| t.as_str()) == Some(self.kind.as_str())
            && target.rds_resource_id() == Some(self.resource.as_str())
    }
}

impl AwsDbProxyTarget {
    pub fn new(aws: Arc<Aws>) -> AwsDbProxyTarget {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("db_cluster_identifier", Type::String).force_new())
            .attr(Attribute::optional("db_instance_identifier", Type::String).force_new())
            .attr(Attribute::required("db_proxy_name", Type::String).force_new())
            .attr(Attribute::required("target_group_name", Type::String).force_new())
            .attr(Attribute::computed("endpoint", Type::String))
            .attr(Attribute::computed("port", Type::Number))
            .attr(Attribute::computed("rds_resource_id", Type::String))
            .attr(Attribute::computed("target_arn", Type::String))
            .attr(Attribute::computed("tracked_cluster_id", Type::String))
            .attr(Attribute::computed("type", Type::String));
        AwsDbProxyTarget { aws, schema }
    }

    /// The targets of each (proxy, group) pair; a pair whose proxy or group is gone has none.
    async fn describe(
        &self,
        pairs: BTreeSet<(String, String)>,
    ) -> Result<BTreeMap<(String, String), Vec<DbProxyTarget>>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let found =
            futures::future::try_join_all(pairs.into_iter().map(|(proxy, group)| async move {
                let mut targets = Vec::new();
                let mut pages = client
                    .describe_db_proxy_targets()
                    .db_proxy_name(&proxy)
                    .target_group_name(&group)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    match page.map_err(aws_error) {
                        Ok(page) => targets.extend(page.targets().iter().cloned()),
                        Err(error) if is_not_found(&error) => break,
                        Err(error) => return Err(error),
                    }
                }
                Ok(((proxy, group), targets))
            }))
            .await?;
        Ok(found.into_iter().collect())
    }

    async fn read_key(
        &self,
        key: &TargetKey,
        hint: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let pair = (key.proxy.clone(), key.group.clone());
        Ok(self
            .describe(BTreeSet::from([pair.clone()]))
            .await?
            .get(&pair)
            .and_then(|targets| targets.iter().find(|t| key.matches(t)))
            .map(|target| to_value(target, key, hint)))
    }
}

/// RegisterDBProxyTargets of the configured instance or cluster.
fn register_request(
    client: &aws_sdk_rds::Client,
    planned: &Value,
) -> RegisterDBProxyTargetsFluentBuilder {
    client
        .register_db_proxy_targets()
        .set_db_proxy_name(string(planned, "db_proxy_name"))
        .set_target_group_name(string(planned, "target_group_name"))
        .set_db_instance_identifiers(non_empty(planned, "db_instance_identifier").map(|i| vec![i]))
        .set_db_cluster_identifiers(non_empty(planned, "db_cluster_identifier").map(|c| vec![c]))
}

/// DeregisterDBProxyTargets of the target `key` names: an instance for `RDS_INSTANCE`, a
/// cluster for any other type, as the provider's delete sends it.
fn deregister_request(
    client: &aws_sdk_rds::Client,
    key: &TargetKey,
) -> DeregisterDBProxyTargetsFluentBuilder {
    let request = client
        .deregister_db_proxy_targets()
        .db_proxy_name(&key.proxy)
        .target_group_name(&key.group);
    if key.kind == INSTANCE {
        request.db_instance_identifiers(&key.resource)
    } else {
        request.db_cluster_identifiers(&key.resource)
    }
}

/// The registered target a RegisterDBProxyTargets answer names for `planned`'s instance or
/// cluster. For a cluster AWS answers with the cluster (`TRACKED_CLUSTER`) and each of its
/// instances (`RDS_INSTANCE`); the provider takes the first, which is the cluster: here the
/// one of the configured identifier and type is taken, else the first.
fn registered_key(planned: &Value, targets: &[DbProxyTarget]) -> Option<TargetKey> {
    let wanted = TargetKey::of(planned)?;
    let target = targets
        .iter()
        .find(|t| wanted.matches(t))
        .or_else(|| targets.first())?;
    Some(TargetKey {
        kind: target
            .r#type()
            .map_or(wanted.kind.clone(), |t| t.as_str().to_string()),
        resource: target
            .rds_resource_id()
            .map_or(wanted.resource.clone(), str::to_string),
        ..wanted
    })
}

/// The object as the provider's read sets it; what AWS leaves out reads as the zero value.
/// The identifier argument of the other kind is the configuration's (`hint`).
fn to_value(target: &DbProxyTarget, key: &TargetKey, hint: &Value) -> Value {
    let zero = |value: Option<&str>| Value::string(value.unwrap_or_default());
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(key.id()));
    object.insert("db_proxy_name".to_string(), Value::string(&key.proxy));
    object.insert("target_group_name".to_string(), Value::string(&key.group));
    object.insert(
        "db_instance_identifier".to_string(),
        known(hint, "db_instance_identifier"),
    );
    object.insert(
        "db_cluster_identifier".to_string(),
        known(hint, "db_cluster_identifier"),
    );
    let identifier = if target.r#type() == Some(&TargetType::RdsInstance) {
        "db_instance_identifier"
    } else {
        "db_cluster_identifier"
    };
    object.insert(identifier.to_string(), text(target.rds_resource_id()));
    object.insert("endpoint".to_string(), zero(target.endpoint()));
    object.insert(
        "port".to_string(),
        number(Some(target.port().unwrap_or(0).into())),
    );
    object.insert(
        "rds_resource_id".to_string(),
        zero(target.rds_resource_id()),
    );
    object.insert("target_arn".to_string(), zero(target.target_arn()));
    object.insert(
        "tracked_cluster_id".to_string(),
        zero(target.tracked_cluster_id()),
    );
    object.insert(
        "type".to_string(),
        zero(target.r#type().map(|t| t.as_str())),
    );
    Value::Map(object)
}

/// RDS refuses a registration while the proxy is being created; the provider sends it again.
fn proxy_still_creating(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("InvalidDBInstanceState") && error.message.contains("CREATING")
}

#[async_trait::async_trait]
impl ResourceType for AwsDbProxyTarget {
    fn name(&self) -> &'static str {
        "aws_db_proxy_target"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's checks beyond the schema's: exactly one of the two identifiers
    /// (`ExactlyOneOf`), and `validIdentifier` on each name.
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = identifier_checks(
            config,
            &[
                "db_cluster_identifier",
                "db_instance_identifier",
                "db_proxy_name",
                "target_group_name",
            ],
        );
        let both = "db_cluster_identifier,db_instance_identifier";
        match (
            config.get("db_cluster_identifier").is_null(),
            config.get("db_instance_identifier").is_null(),
        ) {
            (true, true) => problems.push((
                "db_instance_identifier".to_string(),
                format!("\"db_instance_identifier\": one of `{both}` must be specified"),
            )),
            (false, false) => problems.push((
                "db_cluster_identifier".to_string(),
                format!(
                    "\"db_cluster_identifier\": only one of `{both}` can be specified, but \
                     `{both}` were specified."
                ),
            )),
            _ => {}
        }
        problems
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let response = retry_while(PROXY_CREATING, proxy_still_creating, || async {
            sent!(register_request(client, planned))
        })
        .await?;
        let key = registered_key(planned, response.db_proxy_targets()).ok_or_else(|| {
            ProviderError::new("RegisterDBProxyTargets answered without the registered target")
        })?;
        self.read_key(&key, planned)
            .await?
            .ok_or_else(|| vanished("DB proxy target", &key.id()))
    }

    /// Every argument forces replacement: an update never happens.
    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        _planned: &Value,
    ) -> Result<Value, ProviderError> {
        Ok(prior.clone())
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.rds;
        let key = match non_empty(prior, "id") {
            Some(id) => TargetKey::parse(&id)?,
            None => return Ok(()),
        };
        match sent!(deregister_request(client, &key)) {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let keys: Vec<Option<TargetKey>> = prior.iter().map(TargetKey::of).collect();
        let pairs = keys
            .iter()
            .flatten()
            .map(|k| (k.proxy.clone(), k.group.clone()))
            .collect();
        let found = self.describe(pairs).await?;
        Ok(prior
            .iter()
            .zip(&keys)
            .map(|(p, key)| {
                let key = key.as_ref()?;
                found
                    .get(&(key.proxy.clone(), key.group.clone()))?
                    .iter()
                    .find(|t| key.matches(t))
                    .map(|target| to_value(target, key, p))
            })
            .collect())
    }

    /// Terraform's import ID: `db_proxy_name/target_group_name/TYPE/rds_resource_id`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let key = TargetKey::parse(id)?;
        Ok(Value::map([
            ("id", Value::string(key.id())),
            ("db_proxy_name", Value::string(&key.proxy)),
            ("target_group_name", Value::string(&key.group)),
            ("type", Value::string(&key.kind)),
            ("rds_resource_id", Value::string(&key.resource)),
        ]))
    }

    /// The registration's natural key: the configured proxy, group and instance or cluster.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        match TargetKey::of(planned) {
            Some(key) => self.read_key(&key, planned).await,
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rds_support::offline_client;

    fn planned(identifier: (&str, &str)) -> Value {
        Value::map([
            ("id", Value::Unknown),
            ("db_proxy_name", Value::string("app-proxy")),
            ("target_group_name", Value::string("default")),
            (identifier.0, Value::string(identifier.1)),
        ])
    }

    fn target(kind: TargetType, resource: &str) -> DbProxyTarget {
        DbProxyTarget::builder()
            .r#type(kind)
            .rds_resource_id(resource)
            .port(5432)
            .build()
    }

    #[test]
    fn the_id_is_the_providers_four_parts_and_a_bad_one_is_its_error() {
        let key = TargetKey::parse("app-proxy/default/RDS_INSTANCE/app-db").unwrap();
        assert_eq!(
            (key.proxy.as_str(), key.group.as_str(), key.kind.as_str()),
            ("app-proxy", "default", "RDS_INSTANCE")
        );
        assert_eq!(key.resource, "app-db");
        assert_eq!(key.id(), "app-proxy/default/RDS_INSTANCE/app-db");
        for bad in [
            "app-proxy/default/RDS_INSTANCE",
            "app-proxy//RDS_INSTANCE/db",
            "",
        ] {
            let error = TargetKey::parse(bad).unwrap_err();
            assert_eq!(
                error.message,
                format!(
                    "unexpected format for ID ({bad}), expected \
                     DBPROXYNAME/TARGETGROUPNAME/TARGETTYPE/RDSRESOURCEID"
                )
            );
        }
    }

    #[test]
    fn an_instance_or_a_cluster_is_registered_and_deregistered_by_its_kind() {
        let client = offline_client();
        let request = register_request(&client, &planned(("db_instance_identifier", "app-db")));
        let input = request.as_input();
        assert_eq!(input.get_db_proxy_name().as_deref(), Some("app-proxy"));
        assert_eq!(input.get_target_group_name().as_deref(), Some("default"));
        assert_eq!(
            input.get_db_instance_identifiers().as_deref(),
            Some(&["app-db".to_string()][..])
        );
        assert_eq!(input.get_db_cluster_identifiers(), &None);

        let cluster = TargetKey::parse("app-proxy/default/TRACKED_CLUSTER/app-cluster").unwrap();
        let request = deregister_request(&client, &cluster);
        let input = request.as_input();
        assert_eq!(
            input.get_db_cluster_identifiers().as_deref(),
            Some(&["app-cluster".to_string()][..])
        );
        assert_eq!(input.get_db_instance_identifiers(), &None);
    }

    /// AWS answers a cluster's registration with the cluster and its instances (moto with the
    /// cluster only): the ID names the cluster.
    #[test]
    fn a_cluster_registration_is_named_by_its_tracked_cluster_target() {
        let answer = [
            target(TargetType::RdsInstance, "app-cluster-1"),
            target(TargetType::TrackedCluster, "app-cluster"),
        ];
        let key =
            registered_key(&planned(("db_cluster_identifier", "app-cluster")), &answer).unwrap();
        assert_eq!(key.id(), "app-proxy/default/TRACKED_CLUSTER/app-cluster");
        let key = registered_key(
            &planned(("db_instance_identifier", "app-db")),
            &[target(TargetType::RdsInstance, "app-db")],
        )
        .unwrap();
        assert_eq!(key.id(), "app-proxy/default/RDS_INSTANCE/app-db");
    }

    /// AWS reports an instance target's endpoint (moto reports none).
    #[test]
    fn a_target_reads_its_identifier_into_the_argument_of_its_kind() {
        let key = TargetKey::parse("app-proxy/default/RDS_INSTANCE/app-db").unwrap();
        let instance = DbProxyTarget::builder()
            .r#type(TargetType::RdsInstance)
            .rds_resource_id("app-db")
            .endpoint("app-db.abc.us-east-1.rds.amazonaws.com")
            .port(5432)
            .build();
        let value = to_value(&instance, &key, &Value::Null);
        assert_eq!(
            value.get("db_instance_identifier"),
            &Value::string("app-db")
        );
        assert_eq!(value.get("db_cluster_identifier"), &Value::Null);
        assert_eq!(
            value.get("endpoint"),
            &Value::string("app-db.abc.us-east-1.rds.amazonaws.com")
        );
        assert_eq!(value.get("port"), &Value::Number(5432.0));
        assert_eq!(value.get("type"), &Value::string("RDS_INSTANCE"));
        assert_eq!(value.get("tracked_cluster_id"), &Value::string(""));

        let key = TargetKey::parse("app-proxy/default/TRACKED_CLUSTER/app-cluster").unwrap();
        let value = to_value(
            &target(TargetType::TrackedCluster, "app-cluster"),
            &key,
            &Value::Null,
        );
        assert_eq!(
            value.get("db_cluster_identifier"),
            &Value::string("app-cluster")
        );
        assert_eq!(value.get("db_instance_identifier"), &Value::Null);
    }

    #[test]
    fn exactly_one_identifier_is_required() {
        let registry = crate::registry(crate::Aws::new(crate::ProviderSettings::default()));
        let resource = registry.resource("aws_db_proxy_target").unwrap();
        let base = [
            ("db_proxy_name", Value::string("app-proxy")),
            ("target_group_name", Value::string("default")),
        ];
        let neither = Value::map(base.clone());
        let both = Value::map(base.clone().into_iter().chain([
            ("db_instance_identifier", Value::string("app-db")),
            ("db_cluster_identifier", Value::Unknown),
        ]));
        let one = Value::map(
            base.into_iter()
                .chain([("db_instance_identifier", Value::string("App_Db"))]),
        );
        let paths = |value: &Value| -> Vec<String> {
            resource
                .validate(value)
                .into_iter()
                .map(|(path, _)| path)
                .collect()
        };
        assert_eq!(paths(&neither), ["db_instance_identifier"]);
        assert_eq!(paths(&both), ["db_cluster_identifier"]);
        assert_eq!(
            paths(&one),
            ["db_instance_identifier", "db_instance_identifier"]
        );
    }
}
