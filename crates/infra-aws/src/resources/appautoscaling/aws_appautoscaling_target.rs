//! `aws_appautoscaling_target`: a resource registered with Application Auto Scaling, with its
//! capacity range (RegisterScalableTarget). The Terraform ID is the resource ID; the import ID
//! is `<service-namespace>/<resource-id>/<scalable-dimension>`.
//!
//! The namespace, resource and dimension force a new target. RegisterScalableTarget also
//! updates a registered target, so the capacities, `role_arn` and `suspended_state` change in
//! place; tags change with TagResource / UntagResource on the target's ARN.
//!
//! The type is an [`AwsObject`]: a target's key is its namespace, resource ID and dimension
//! (JSON). Refresh is one DescribeScalableTargets per namespace and 50 resource IDs, then one
//! ListTagsForResource per target (the API has no batched tag read).
//!
//! On an ECS service that infra deploys blue/green, the target is registered on the live
//! colour's service and follows it (see the module's documentation): create, update, delete
//! and the lost-create search address the live colour's registration, a refresh looks for the
//! target on the service's colours too, and every read shows the configured resource ID.
//!
//! The test emulator's tag operations are added in `tests/support/moto_server.py` (moto 5.2.5
//! has none). moto answers `role_arn` with what was sent, not the service-linked role AWS
//! fills in when none is given, so an unset `role_arn` reads back empty in tests.

use std::collections::BTreeMap;

use aws_sdk_applicationautoscaling::types::{
    ScalableDimension, ScalableTarget, ServiceNamespace, SuspendedState,
};
use infra_core::{Attribute, Block, ProviderError, Schema, Type, Value};

use super::{at_live_colour, ecs_service_of, names_by_namespace, COLOURS};
use crate::app_support::{
    boolean, has_managed_tags, int, number, resource_tag_changes, sent, single, string, text,
    vanished,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::cloudwatch_support::tag_map as sdk_tags;
use crate::declared::{read, read_block, reported, Declared, Reading};
use crate::error::aws_error;
use crate::tagging::ManagedTags;
use crate::Aws;

/// DescribeScalableTargets takes at most 50 `ResourceIds`.
const RESOURCE_IDS_PER_CALL: usize = 50;

pub type AwsAppautoscalingTarget = ObjectType<TargetObject>;

pub struct TargetObject;

/// The natural key: namespace, resource ID, dimension.
type Key = (String, String, String);

fn natural_key(value: &Value) -> Option<Key> {
    Some((
        string(value, "service_namespace")?,
        string(value, "resource_id")?,
        string(value, "scalable_dimension")?,
    ))
}

/// The family's key of a [`Key`]: the three parts as JSON (a resource ID may hold slashes).
fn joined(key: &Key) -> Option<String> {
    serde_json::to_string(key).ok()
}

/// `key` and, for an ECS service's desired count, the same key on the service's blue/green
/// colours, where a deployment may have moved the registration (in this order, as
/// [`super::read_following_colours`] looks at them).
fn candidates(key: &Key) -> Vec<Key> {
    let (namespace, resource, dimension) = key;
    let value = Value::map([
        ("service_namespace", Value::string(namespace)),
        ("resource_id", Value::string(resource)),
    ]);
    let mut out = vec![key.clone()];
    if let Some((cluster, service)) = ecs_service_of(&value) {
        for colour in COLOURS {
            let resource = format!("service/{cluster}/{service}-{colour}");
            out.push((namespace.clone(), resource, dimension.clone()));
        }
    }
    out
}

/// The registered targets among `keys`, with their tags: one DescribeScalableTargets walk per
/// namespace and 50 resource IDs, then one ListTagsForResource per target found.
async fn registered(
    aws: &Aws,
    keys: &[Key],
) -> Result<BTreeMap<Key, Tagged<ScalableTarget>>, ProviderError> {
    let client = &aws.clients().await.appautoscaling;
    let by_namespace = names_by_namespace(
        keys.iter().map(|(namespace, resource, _)| (namespace.as_str(), resource)),
    );
    let mut found = BTreeMap::new();
    for (namespace, resources) in by_namespace {
        for chunk in resources.chunks(RESOURCE_IDS_PER_CALL) {
            let mut pages = client
                .describe_scalable_targets()
                .service_namespace(ServiceNamespace::from(namespace))
                .set_resource_ids(Some(chunk.to_vec()))
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                for target in page.map_err(aws_error)?.scalable_targets() {
                    let key = (
                        target.service_namespace().as_str().to_string(),
                        target.resource_id().to_string(),
                        target.scalable_dimension().as_str().to_string(),
                    );
                    if keys.contains(&key) {
                        found.insert(key, target.clone());
                    }
                }
            }
        }
    }
    let mut with_tags = BTreeMap::new();
    for (key, object) in found {
        let tags = match object.scalable_target_arn() {
            Some(arn) => sent!(client.list_tags_for_resource().resource_arn(arn))?
                .tags()
                .map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        };
        with_tags.insert(key, Tagged { object, tags });
    }
    Ok(with_tags)
}

/// The target of `key` just registered (or changed): an error when it is not there.
async fn registered_now(aws: &Aws, key: &Key) -> Result<Tagged<ScalableTarget>, ProviderError> {
    registered(aws, std::slice::from_ref(key))
        .await?
        .remove(key)
        .ok_or_else(|| vanished("scalable target", &key.1))
}

/// RegisterScalableTarget with the planned capacities, role and suspended state; `tags` only
/// when the target is new (AWS ignores them for a registered one).
async fn register(
    aws: &Aws,
    key: &Key,
    planned: &Value,
    tags: Option<BTreeMap<String, String>>,
) -> Result<(), ProviderError> {
    let suspended = single(planned, "suspended_state").map(|state| {
        SuspendedState::builder()
            .set_dynamic_scaling_in_suspended(boolean(state, "dynamic_scaling_in_suspended"))
            .set_dynamic_scaling_out_suspended(boolean(state, "dynamic_scaling_out_suspended"))
            .set_scheduled_scaling_suspended(boolean(state, "scheduled_scaling_suspended"))
            .build()
    });
    sent!(aws
        .clients()
        .await
        .appautoscaling
        .register_scalable_target()
        .service_namespace(ServiceNamespace::from(key.0.as_str()))
        .resource_id(&key.1)
        .scalable_dimension(ScalableDimension::from(key.2.as_str()))
        .set_min_capacity(int(planned, "min_capacity"))
        .set_max_capacity(int(planned, "max_capacity"))
        .set_role_arn(string(planned, "role_arn").filter(|arn| !arn.is_empty()))
        .set_suspended_state(suspended)
        .set_tags(tags.map(|tags| tags.into_iter().collect())))?;
    Ok(())
}

/// The resource ID as configured (`resource_id` and the `id` that holds it): the prior's (or
/// the planned value's) where the target is registered on a blue/green colour's service, as
/// [`super::as_configured`] shows it.
fn configured_resource(target: &ScalableTarget, at: &Reading) -> Value {
    let registered = target.resource_id();
    match string(at.prior, "resource_id") {
        Some(configured) if configured != registered => Value::string(configured),
        _ => Value::string(registered),
    }
}

/// A capacity, which AWS always reports.
fn capacity(name: &'static str, get: fn(&ScalableTarget) -> i32) -> Declared<ScalableTarget> {
    read(Attribute::required(name, Type::Number), move |target: &ScalableTarget, _: &Reading| {
        number(Some(i64::from(get(target))))
    })
}

/// `suspended_state`: one object when AWS reports it (each flag false where it leaves it
/// out), else none.
fn suspended_state() -> Declared<ScalableTarget> {
    let flag = |name| Attribute::optional(name, Type::Bool).default(Value::Bool(false));
    let schema = Schema::new()
        .attr(flag("dynamic_scaling_in_suspended"))
        .attr(flag("dynamic_scaling_out_suspended"))
        .attr(flag("scheduled_scaling_suspended"));
    let block = Block::single("suspended_state", schema).computed();
    read_block(block, |target: &ScalableTarget, _: &Reading| {
        let state = target.suspended_state().map(|state| {
            Value::map([
                (
                    "dynamic_scaling_in_suspended",
                    Value::Bool(state.dynamic_scaling_in_suspended().unwrap_or(false)),
                ),
                (
                    "dynamic_scaling_out_suspended",
                    Value::Bool(state.dynamic_scaling_out_suspended().unwrap_or(false)),
                ),
                (
                    "scheduled_scaling_suspended",
                    Value::Bool(state.scheduled_scaling_suspended().unwrap_or(false)),
                ),
            ])
        });
        Value::List(state.into_iter().collect())
    })
}

impl AwsObject for TargetObject {
    type Object = ScalableTarget;
    const NAME: &'static str = "aws_appautoscaling_target";
    const KIND: &'static str = "scalable target";
    /// The key is the namespace, `resource_id` and dimension together ([`natural_key`]).
    const KEY: &'static str = "resource_id";
    const KEY_WORD: &'static str = "key";

    fn attributes() -> Vec<Declared<ScalableTarget>> {
        type T = ScalableTarget;
        vec![
            read(Attribute::computed("id", Type::String), configured_resource),
            read(Attribute::computed("arn", Type::String), |target: &T, _: &Reading| {
                text(target.scalable_target_arn())
            }),
            capacity("max_capacity", T::max_capacity),
            capacity("min_capacity", T::min_capacity),
            read(Attribute::required("resource_id", Type::String).force_new(), configured_resource),
            read(
                Attribute::required("scalable_dimension", Type::String).force_new(),
                |target: &T, _: &Reading| Value::string(target.scalable_dimension().as_str()),
            ),
            read(
                Attribute::required("service_namespace", Type::String).force_new(),
                |target: &T, _: &Reading| Value::string(target.service_namespace().as_str()),
            ),
            reported(Attribute::optional_computed("role_arn", Type::String), T::role_arn),
            suspended_state(),
        ]
    }

    fn key_of(value: &Value) -> Option<String> {
        joined(&natural_key(value)?)
    }

    /// `<service-namespace>/<resource-id>/<scalable-dimension>`; the resource ID may itself
    /// hold slashes (`service/<cluster>/<service>`), the dimension never does.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let invalid = || {
            ProviderError::new(format!(
                "unexpected format ({id:?}), expected <service-namespace>/<resource-id>/<scalable-dimension>"
            ))
        };
        let (namespace, rest) = id.split_once('/').ok_or_else(invalid)?;
        let (resource, dimension) = rest.rsplit_once('/').ok_or_else(invalid)?;
        if namespace.is_empty() || resource.is_empty() || dimension.is_empty() {
            return Err(invalid());
        }
        Ok(Value::map([
            ("id", Value::string(resource)),
            ("service_namespace", Value::string(namespace)),
            ("resource_id", Value::string(resource)),
            ("scalable_dimension", Value::string(dimension)),
        ]))
    }

    /// Each key's target where it is registered: on the key's resource, else (an ECS service's
    /// scaling that a deployment moved) on the first of the service's colours that has it. All
    /// the keys' candidates are described in one go ([`registered`]).
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<ScalableTarget> {
        let wanted: Vec<(&String, Vec<Key>)> = keys
            .iter()
            .filter_map(|joined| Some((joined, candidates(&serde_json::from_str(joined).ok()?))))
            .collect();
        let all: Vec<Key> = wanted.iter().flat_map(|(_, c)| c.iter().cloned()).collect();
        let found = registered(&this.aws, &all).await?;
        Ok(wanted
            .into_iter()
            .filter_map(|(joined, candidates)| {
                let target = candidates.iter().find_map(|key| found.get(key))?;
                let object = Tagged { object: target.object.clone(), tags: target.tags.clone() };
                Some((joined.clone(), object))
            })
            .collect())
    }

    /// Registers the target at the live colour with the operation's managed tags, and reads
    /// that registration back.
    async fn create_written(
        at: Creating<'_, Self>,
    ) -> Result<Tagged<ScalableTarget>, ProviderError> {
        let key = natural_key(&at_live_colour(at.operation, at.planned)).ok_or_else(|| {
            ProviderError::new(
                "aws_appautoscaling_target needs its namespace, resource and dimension",
            )
        })?;
        let tags = at.operation.tags_with_managed(at.planned);
        register(&at.this.aws, &key, at.planned, Some(tags)).await?;
        registered_now(&at.this.aws, &key).await
    }

    /// Registers the target again (at the live colour) when a capacity, the role or the
    /// suspended state changed, then changes its tags on its ARN.
    async fn update_written(
        at: Updating<'_, Self>,
    ) -> Result<Tagged<ScalableTarget>, ProviderError> {
        let key = natural_key(&at_live_colour(at.operation, at.planned))
            .ok_or_else(|| ProviderError::new("aws_appautoscaling_target has no key in state"))?;
        let settings = ["min_capacity", "max_capacity", "role_arn", "suspended_state"];
        if settings.iter().any(|name| crate::app_support::changed(at.prior, at.planned, name)) {
            register(&at.this.aws, &key, at.planned, None).await?;
        }
        if let Some(arn) = string(at.prior, "arn") {
            let client = &at.this.aws.clients().await.appautoscaling;
            resource_tag_changes!(client, resource_arn(&arn), at.prior, at.planned);
        }
        registered_now(&at.this.aws, &key).await
    }

    /// Deregisters the target at the live colour; one not registered is deleted.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let Some(key) = natural_key(&at_live_colour(at.operation, at.prior)) else {
            return Ok(());
        };
        let result = sent!(at
            .this
            .aws
            .clients()
            .await
            .appautoscaling
            .deregister_scalable_target()
            .service_namespace(ServiceNamespace::from(key.0.as_str()))
            .resource_id(&key.1)
            .scalable_dimension(ScalableDimension::from(key.2.as_str())));
        match result {
            Ok(_) => Ok(()),
            // AWS answers ObjectNotFoundException for a target that is not registered.
            Err(error)
                if error.code.as_deref() == Some("ObjectNotFoundException")
                    || crate::error::is_not_found(&error) =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// A resource and dimension have one registration: the one at the live colour is the one
    /// the create wrote when it carries this configuration's managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<ScalableTarget> {
        let Some(key) = natural_key(&at_live_colour(at.operation, at.planned)) else {
            return Ok(None);
        };
        Ok(registered(&at.this.aws, std::slice::from_ref(&key))
            .await?
            .remove(&key)
            .filter(|found| has_managed_tags(&found.tags, at.operation)))
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};

    use super::*;

    fn target(resource: &str) -> Tagged<ScalableTarget> {
        let object = ScalableTarget::builder()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(resource)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .min_capacity(1)
            .max_capacity(4)
            .role_arn("arn:aws:iam::1:role/scale")
            .creation_time(aws_smithy_types::DateTime::from_secs(0))
            .build()
            .unwrap();
        Tagged { object, tags: vec![("Team".into(), "web".into())] }
    }

    #[test]
    fn a_target_on_a_colour_reads_with_the_configured_resource_id() {
        let prior = Value::map([("resource_id", Value::string("service/main/app"))]);
        let value =
            crate::aws_object::value_of::<TargetObject>(&target("service/main/app-green"), &prior);
        assert_eq!(value.get("id").as_str(), Some("service/main/app"));
        assert_eq!(value.get("resource_id").as_str(), Some("service/main/app"));
        assert_eq!(value.get("max_capacity"), &Value::Number(4.0));
        assert_eq!(value.get("suspended_state"), &Value::List(vec![]));
        assert_eq!(value.get("tags").get("Team").as_str(), Some("web"));
        // Without a configured resource ID, the one it is registered under.
        let value =
            crate::aws_object::value_of::<TargetObject>(&target("service/main/web"), &Value::Null);
        assert_eq!(value.get("id").as_str(), Some("service/main/web"));
        assert_eq!(value.get("resource_id").as_str(), Some("service/main/web"));
    }

    #[test]
    fn an_ecs_service_key_is_looked_for_on_its_colours_too() {
        let key: Key = ("ecs".into(), "service/main/app".into(), "ecs:service:DesiredCount".into());
        let resources: Vec<String> = candidates(&key).into_iter().map(|k| k.1).collect();
        assert_eq!(
            resources,
            ["service/main/app", "service/main/app-blue", "service/main/app-green"]
        );
        let table = ("dynamodb".into(), "table/t".into(), "x".into());
        assert_eq!(candidates(&table), std::slice::from_ref(&table));
        let joined = TargetObject::key_of(&Value::map([
            ("service_namespace", Value::string("ecs")),
            ("resource_id", Value::string("service/main/app")),
            ("scalable_dimension", Value::string("ecs:service:DesiredCount")),
        ]));
        assert_eq!(serde_json::from_str::<Key>(&joined.unwrap()).unwrap(), key);
    }
}
