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
use std::time::Duration;

use aws_sdk_rds::operation::deregister_db_proxy_targets::builders::DeregisterDBProxyTargetsFluentBuilder;
use aws_sdk_rds::operation::register_db_proxy_targets::builders::RegisterDBProxyTargetsFluentBuilder;
use aws_sdk_rds::types::{DbProxyTarget, TargetType};
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use crate::app_support::{
    deleted_or_gone, known, non_empty, number, retry_while, sent, string, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, string_or_empty, Declared, Reading};
use crate::error::{aws_error, is_not_found};
use crate::rds_support::identifier_checks;

/// How long a registration is sent again while the proxy is still being created (the
/// provider's five minutes).
const PROXY_CREATING: Duration = Duration::from_secs(5 * 60);

const INSTANCE: &str = "RDS_INSTANCE";
const CLUSTER: &str = "TRACKED_CLUSTER";

pub type AwsDbProxyTarget = ObjectType<TargetObject>;

pub struct TargetObject;

/// A registered target as read: what names it, and what AWS reports of it.
pub struct Target {
    key: TargetKey,
    target: DbProxyTarget,
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
        format!("{}/{}/{}/{}", self.proxy, self.group, self.kind, self.resource)
    }

    fn matches(&self, target: &DbProxyTarget) -> bool {
        target.r#type().map(|t| t.as_str()) == Some(self.kind.as_str())
            && target.rds_resource_id() == Some(self.resource.as_str())
    }
}

/// The targets of each (proxy, group) pair, the pairs described concurrently; a pair whose
/// proxy or group is gone has none.
async fn targets_of(
    client: &aws_sdk_rds::Client,
    pairs: BTreeSet<(String, String)>,
) -> Result<BTreeMap<(String, String), Vec<DbProxyTarget>>, ProviderError> {
    let found = futures::future::try_join_all(pairs.into_iter().map(|(proxy, group)| async move {
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
    let target = targets.iter().find(|t| wanted.matches(t)).or_else(|| targets.first())?;
    Some(TargetKey {
        kind: target.r#type().map_or(wanted.kind.clone(), |t| t.as_str().to_string()),
        resource: target.rds_resource_id().map_or(wanted.resource.clone(), str::to_string),
        ..wanted
    })
}

/// An identifier argument: the target's own where it is of that kind (`instance`: an
/// `RDS_INSTANCE`), else the configuration's.
fn identifier(name: &'static str, instance: bool) -> Declared<Target> {
    let attribute = Attribute::optional(name, Type::String)
        .force_new()
        .exactly_one_of(&["db_instance_identifier", "db_cluster_identifier"]);
    read(attribute, move |found: &Target, at: &Reading| {
        match (found.target.r#type() == Some(&TargetType::RdsInstance)) == instance {
            true => text(found.target.rds_resource_id()),
            false => known(at.prior, name),
        }
    })
}

/// RDS refuses a registration while the proxy is being created; the provider sends it again.
fn proxy_still_creating(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("InvalidDBInstanceState") && error.message.contains("CREATING")
}

/// The object as the provider's read sets it (what AWS leaves out reads as the zero value);
/// the identifier argument of the other kind is the configuration's.
impl AwsObject for TargetObject {
    type Object = Target;
    const NAME: &'static str = "aws_db_proxy_target";
    const KIND: &'static str = "DB proxy target";
    /// The ID, `db_proxy_name/target_group_name/TYPE/rds_resource_id` ([`TargetKey`]).
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<Target>> {
        let zero = |name, get: fn(&Target) -> Option<&str>| {
            string_or_empty(Attribute::computed(name, Type::String), get)
        };
        let part = |name, get: fn(&Target) -> &str| {
            let attribute = Attribute::required(name, Type::String).force_new();
            read(attribute, move |found: &Target, _: &Reading| Value::string(get(found)))
        };
        vec![
            read(Attribute::computed("id", Type::String), |found: &Target, _| {
                Value::string(found.key.id())
            }),
            identifier("db_cluster_identifier", false),
            identifier("db_instance_identifier", true),
            part("db_proxy_name", |found| &found.key.proxy),
            part("target_group_name", |found| &found.key.group),
            zero("endpoint", |found| found.target.endpoint()),
            read(Attribute::computed("port", Type::Number), |found: &Target, _| {
                number(Some(found.target.port().unwrap_or(0).into()))
            }),
            zero("rds_resource_id", |found| found.target.rds_resource_id()),
            zero("target_arn", |found| found.target.target_arn()),
            zero("tracked_cluster_id", |found| found.target.tracked_cluster_id()),
            zero("type", |found| found.target.r#type().map(|t| t.as_str())),
        ]
    }

    /// The provider's `validIdentifier` on each name (the identifiers' `ExactlyOneOf` is
    /// declared).
    fn validate(config: &Value) -> Vec<(String, String)> {
        identifier_checks(
            config,
            &[
                "db_cluster_identifier",
                "db_instance_identifier",
                "db_proxy_name",
                "target_group_name",
            ],
        )
    }

    /// The stored ID, or a planned object's arguments (its ID is unknown).
    fn key_of(value: &Value) -> Option<String> {
        TargetKey::of(value).map(|key| key.id())
    }

    /// Terraform's import ID: `db_proxy_name/target_group_name/TYPE/rds_resource_id`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
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
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        Self::key_of(planned)
    }

    /// One DescribeDBProxyTargets per (proxy, target group) pair of the keys, each target
    /// matched by type and `rds_resource_id`.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Target> {
        let client = &this.aws.clients().await.rds;
        let keys: Vec<TargetKey> = keys.iter().filter_map(|k| TargetKey::parse(k).ok()).collect();
        let pairs = keys.iter().map(|k| (k.proxy.clone(), k.group.clone())).collect();
        let found = targets_of(client, pairs).await?;
        Ok(keys
            .into_iter()
            .filter_map(|key| {
                let target = found
                    .get(&(key.proxy.clone(), key.group.clone()))?
                    .iter()
                    .find(|t| key.matches(t))?
                    .clone();
                let object = Target { key, target };
                Some((object.key.id(), Tagged { object, tags: vec![] }))
            })
            .collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.rds;
        let response = retry_while(PROXY_CREATING, proxy_still_creating, || async {
            sent!(register_request(client, at.planned))
        })
        .await?;
        let key = registered_key(at.planned, response.db_proxy_targets()).ok_or_else(|| {
            ProviderError::new("RegisterDBProxyTargets answered without the registered target")
        })?;
        Ok(key.id())
    }

    /// Every argument forces replacement: an update never happens (the target is read back).
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        Ok(at.key.to_string())
    }

    /// By the stored ID (a malformed one is its error), as the provider's delete parses it.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.rds;
        let key = match non_empty(at.prior, "id") {
            Some(id) => TargetKey::parse(&id)?,
            None => return Ok(()),
        };
        deleted_or_gone(sent!(deregister_request(client, &key)), is_not_found)
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

    /// The value read back from `target`, named by `key`, for the prior `hint`.
    fn to_value(target: &DbProxyTarget, key: &TargetKey, hint: &Value) -> Value {
        let object = Target { key: key.clone(), target: target.clone() };
        let found = Tagged { object, tags: vec![] };
        crate::aws_object::value_of::<TargetObject>(&found, hint)
    }

    fn target(kind: TargetType, resource: &str) -> DbProxyTarget {
        DbProxyTarget::builder().r#type(kind).rds_resource_id(resource).port(5432).build()
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
        for bad in ["app-proxy/default/RDS_INSTANCE", "app-proxy//RDS_INSTANCE/db", ""] {
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
        assert_eq!(value.get("db_instance_identifier"), &Value::string("app-db"));
        assert_eq!(value.get("db_cluster_identifier"), &Value::Null);
        assert_eq!(value.get("endpoint"), &Value::string("app-db.abc.us-east-1.rds.amazonaws.com"));
        assert_eq!(value.get("port"), &Value::Number(5432.0));
        assert_eq!(value.get("type"), &Value::string("RDS_INSTANCE"));
        assert_eq!(value.get("tracked_cluster_id"), &Value::string(""));

        let key = TargetKey::parse("app-proxy/default/TRACKED_CLUSTER/app-cluster").unwrap();
        let value =
            to_value(&target(TargetType::TrackedCluster, "app-cluster"), &key, &Value::Null);
        assert_eq!(value.get("db_cluster_identifier"), &Value::string("app-cluster"));
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
            base.into_iter().chain([("db_instance_identifier", Value::string("App_Db"))]),
        );
        let paths = |value: &Value| -> Vec<String> {
            resource.problems(value).into_iter().map(|(path, _)| path).collect()
        };
        // Each identifier declares the ExactlyOneOf and reports it; an unknown one may still
        // turn out null, so it is neither set nor unset yet (the SDK's IsComputed).
        assert_eq!(paths(&neither), ["db_cluster_identifier", "db_instance_identifier"]);
        assert!(paths(&both).is_empty());
        assert_eq!(paths(&one), ["db_instance_identifier", "db_instance_identifier"]);
    }
}
