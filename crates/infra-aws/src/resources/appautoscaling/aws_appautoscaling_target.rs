//! `aws_appautoscaling_target`: a resource registered with Application Auto Scaling, with its
//! capacity range (RegisterScalableTarget). The Terraform ID is the resource ID; the import ID
//! is `<service-namespace>/<resource-id>/<scalable-dimension>`.
//!
//! The namespace, resource and dimension force a new target. RegisterScalableTarget also
//! updates a registered target, so the capacities, `role_arn` and `suspended_state` change in
//! place; tags change with TagResource / UntagResource on the target's ARN.
//!
//! Refresh is one DescribeScalableTargets per namespace and 50 resource IDs, then one
//! ListTagsForResource per target (the API has no batched tag read).
//!
//! On an ECS service that infra deploys blue/green, the target is registered on the live
//! colour's service and follows it (see the module's documentation).
//!
//! The test emulator's tag operations are added in `tests/support/moto_server.py` (moto 5.2.5
//! has none). moto answers `role_arn` with what was sent, not the service-linked role AWS
//! fills in when none is given, so an unset `role_arn` reads back empty in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_applicationautoscaling::types::{
    ScalableDimension, ScalableTarget, ServiceNamespace, SuspendedState,
};
use infra_core::{Attribute, Block, Operation, ProviderError, ResourceType, Schema, Type, Value};

use super::{as_configured, at_live_colour, names_by_namespace, read_keyed};
use crate::app_support::{
    boolean, int, number, resource_tag_changes, sent, set_tags, single, string, text, vanished,
};
use crate::cloudwatch_support::tag_map as sdk_tags;
use crate::error::aws_error;
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

/// DescribeScalableTargets takes at most 50 `ResourceIds`.
const RESOURCE_IDS_PER_CALL: usize = 50;

/// The natural key: namespace, resource ID, dimension.
type Key = (String, String, String);

fn key_of(value: &Value) -> Option<Key> {
    Some((
        string(value, "service_namespace")?,
        string(value, "resource_id")?,
        string(value, "scalable_dimension")?,
    ))
}

pub struct AwsAppautoscalingTarget {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsAppautoscalingTarget {
    pub fn new(aws: Arc<Aws>) -> AwsAppautoscalingTarget {
        let suspended = Schema::new()
            .attr(
                Attribute::optional("dynamic_scaling_in_suspended", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional("dynamic_scaling_out_suspended", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional("scheduled_scaling_suspended", Type::Bool)
                    .default(Value::Bool(false)),
            );
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("max_capacity", Type::Number))
            .attr(Attribute::required("min_capacity", Type::Number))
            .attr(Attribute::required("resource_id", Type::String).force_new())
            .attr(Attribute::required("scalable_dimension", Type::String).force_new())
            .attr(Attribute::required("service_namespace", Type::String).force_new())
            .attr(Attribute::optional_computed("role_arn", Type::String))
            .block(Block::single("suspended_state", suspended).computed())
            .with_tags();
        AwsAppautoscalingTarget { aws, schema }
    }

    /// The registered targets among `keys`, with their tags.
    async fn describe(
        &self,
        keys: &[Key],
    ) -> Result<BTreeMap<Key, (ScalableTarget, Vec<(String, String)>)>, ProviderError> {
        let client = &self.aws.clients().await.appautoscaling;
        let by_namespace = names_by_namespace(
            keys.iter()
                .map(|(namespace, resource, _)| (namespace.as_str(), resource)),
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
        for (key, target) in found {
            let tags = match target.scalable_target_arn() {
                Some(arn) => sent!(client.list_tags_for_resource().resource_arn(arn))?
                    .tags()
                    .map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            with_tags.insert(key, (target, tags));
        }
        Ok(with_tags)
    }

    async fn read_one(&self, key: &Key) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .describe(std::slice::from_ref(key))
            .await?
            .get(key)
            .map(|(target, tags)| to_value(target, tags)))
    }

    /// RegisterScalableTarget with the planned capacities, role and suspended state; `tags`
    /// only when the target is new (AWS ignores them for a registered one).
    async fn register(
        &self,
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
        sent!(self
            .aws
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
}

fn to_value(target: &ScalableTarget, tags: &[(String, String)]) -> Value {
    let suspended = target
        .suspended_state()
        .map(|state| {
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
        })
        .into_iter()
        .collect();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(target.resource_id()));
    object.insert("arn".to_string(), text(target.scalable_target_arn()));
    object.insert(
        "max_capacity".to_string(),
        number(Some(i64::from(target.max_capacity()))),
    );
    object.insert(
        "min_capacity".to_string(),
        number(Some(i64::from(target.min_capacity()))),
    );
    object.insert(
        "resource_id".to_string(),
        Value::string(target.resource_id()),
    );
    object.insert(
        "scalable_dimension".to_string(),
        Value::string(target.scalable_dimension().as_str()),
    );
    object.insert(
        "service_namespace".to_string(),
        Value::string(target.service_namespace().as_str()),
    );
    object.insert("role_arn".to_string(), Value::string(target.role_arn()));
    object.insert("suspended_state".to_string(), Value::List(suspended));
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsAppautoscalingTarget {
    fn name(&self) -> &'static str {
        "aws_appautoscaling_target"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let registered = at_live_colour(operation, planned);
        let key = key_of(&registered).ok_or_else(|| {
            ProviderError::new(
                "aws_appautoscaling_target needs its namespace, resource and dimension",
            )
        })?;
        self.register(&key, planned, Some(operation.tags_with_managed(planned)))
            .await?;
        self.read_one(&key)
            .await?
            .map(|value| as_configured(value, planned))
            .ok_or_else(|| vanished("scalable target", &key.1))
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let key = key_of(&at_live_colour(operation, planned))
            .ok_or_else(|| ProviderError::new("aws_appautoscaling_target has no key in state"))?;
        let settings = [
            "min_capacity",
            "max_capacity",
            "role_arn",
            "suspended_state",
        ];
        if settings
            .iter()
            .any(|name| crate::app_support::changed(prior, planned, name))
        {
            self.register(&key, planned, None).await?;
        }
        if let Some(arn) = string(prior, "arn") {
            let client = &self.aws.clients().await.appautoscaling;
            resource_tag_changes!(client, resource_arn(&arn), prior, planned);
        }
        self.read_one(&key)
            .await?
            .map(|value| as_configured(value, planned))
            .ok_or_else(|| vanished("scalable target", &key.1))
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(key) = key_of(&at_live_colour(operation, prior)) else {
            return Ok(());
        };
        let result = sent!(self
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

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let describe = |keys: Vec<Key>| async move { self.describe(&keys).await };
        let value = |(target, tags): &(ScalableTarget, Vec<(String, String)>), _: &Value| {
            to_value(target, tags)
        };
        read_keyed(prior, key_of, describe, value).await
    }

    /// `<service-namespace>/<resource-id>/<scalable-dimension>`; the resource ID may itself
    /// hold slashes (`service/<cluster>/<service>`), the dimension never does.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
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

    /// A resource and dimension have one registration: the one there is the one the create
    /// wrote when it carries this configuration's managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(key) = key_of(&at_live_colour(operation, planned)) else {
            return Ok(None);
        };
        let found = self.describe(std::slice::from_ref(&key)).await?;
        Ok(found
            .get(&key)
            .filter(|(_, tags)| crate::app_support::has_managed_tags(tags, operation))
            .map(|(target, tags)| as_configured(to_value(target, tags), planned)))
    }
}
