//! Application Auto Scaling: scalable targets, their scaling policies and scheduled actions.
//!
//! An ECS service that infra deploys blue/green is two ECS services, `<name>-blue` and
//! `<name>-green` (`crate::blue_green`). Scaling configured on `service/<cluster>/<name>` lives
//! on the live colour's service: the three types register it there (the operation names the
//! live colour), read it wherever it is registered and show the configured resource ID, and the
//! deployment moves it when the live colour changes ([`move_ecs_service_scaling`]).

use std::collections::BTreeMap;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ScalableTarget, ServiceNamespace};
use aws_sdk_applicationautoscaling::types::{ScalingPolicy, ScheduledAction};
use infra_core::{
    Creating, Deleting, Operation, ProviderError, ResourceType, Schema, Updating, Value,
};

use crate::app_support::{deleted_or_missing, sent, string};
use crate::paginated::all_items;
use crate::Aws;

super::resource_types! {
    regional;
    aws_appautoscaling_target::AwsAppautoscalingTarget::new,
    aws_appautoscaling_policy::AwsAppautoscalingPolicy::new,
    aws_appautoscaling_scheduled_action::AwsAppautoscalingScheduledAction::new,
}

/// The one scalable dimension of an ECS service.
const ECS_SERVICE_DESIRED_COUNT: &str = "ecs:service:DesiredCount";

/// The colours of a blue/green object, as `crate::blue_green` names its services.
const COLOURS: [&str; 2] = ["blue", "green"];

/// `(cluster, service)` of a value whose namespace is `ecs` and resource ID
/// `service/<cluster>/<service>`.
fn ecs_service_of(value: &Value) -> Option<(String, String)> {
    if string(value, "service_namespace")? != "ecs" {
        return None;
    }
    let resource = string(value, "resource_id")?;
    let (cluster, service) = resource.strip_prefix("service/")?.split_once('/')?;
    Some((cluster.to_string(), service.to_string()))
}

/// The distinct names (policy or action names, resource IDs) wanted in each service namespace,
/// from `(namespace, name)` pairs: each namespace is described once, its names in chunks.
pub(crate) fn names_by_namespace<'k>(
    pairs: impl Iterator<Item = (&'k str, &'k String)>,
) -> BTreeMap<&'k str, Vec<String>> {
    let mut by_namespace: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (namespace, name) in pairs {
        let names = by_namespace.entry(namespace).or_default();
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    by_namespace
}

fn with_resource_id(value: &Value, resource_id: &str) -> Value {
    let mut value = value.clone();
    if let Some(entries) = value.map_mut() {
        entries.insert("resource_id".into(), Value::string(resource_id));
    }
    value
}

/// `value` with the resource ID it is registered under: the live colour's service when the
/// state deploys its ECS service blue/green, else the configured one.
pub(crate) fn at_live_colour(operation: &Operation, value: &Value) -> Value {
    let live = ecs_service_of(value).and_then(|(cluster, service)| {
        crate::blue_green::deploy::live_colour_of(operation, &cluster, &service)
            .map(|live| format!("service/{cluster}/{live}"))
    });
    match live {
        Some(resource_id) => with_resource_id(value, &resource_id),
        None => value.clone(),
    }
}

/// `registered` (as read where it is registered) shown with the resource ID `configured`
/// has, in `resource_id` and in an `id` that holds it.
pub(crate) fn as_configured(mut registered: Value, configured: &Value) -> Value {
    let (Some(physical), Some(logical)) =
        (string(&registered, "resource_id"), string(configured, "resource_id"))
    else {
        return registered;
    };
    if physical == logical {
        return registered;
    }
    if let Some(entries) = registered.map_mut() {
        entries.insert("resource_id".into(), Value::string(&logical));
        if let Some(id) = entries.get("id").and_then(Value::as_str) {
            let id = id.replace(&physical, &logical);
            entries.insert("id".into(), Value::string(id));
        }
    }
    registered
}

/// Reads `prior` with `read`, looking for each ECS service's scaling on the service's
/// blue/green colours too (where a deployment moved it); what is found shows the configured
/// resource ID. Reads carry no operation, so every colour is looked at: a batched read asks
/// for three resource IDs instead of one, in the same calls while a batch has room.
///
/// A plain service `app` whose scaling is gone while an unrelated `app-blue` in the same
/// cluster has scaling would read as that one's; infra names colours this way, and such a
/// name next to a blue/green-looking pair is not otherwise told apart without ECS calls.
pub(crate) async fn read_following_colours<F, Fut>(
    prior: &[Value],
    read: F,
) -> Result<Vec<Option<Value>>, ProviderError>
where
    F: FnOnce(Vec<Value>) -> Fut,
    Fut: Future<Output = Result<Vec<Option<Value>>, ProviderError>>,
{
    let mut candidates = Vec::new();
    let mut ranges = Vec::new();
    for value in prior {
        let start = candidates.len();
        candidates.push(value.clone());
        if let Some((cluster, service)) = ecs_service_of(value) {
            for colour in COLOURS {
                candidates.push(with_resource_id(
                    value,
                    &format!("service/{cluster}/{service}-{colour}"),
                ));
            }
        }
        ranges.push(start..candidates.len());
    }
    let mut found = read(candidates).await?;
    found.resize(ranges.last().map_or(0, |range| range.end), None);
    Ok(prior
        .iter()
        .zip(ranges)
        .map(|(configured, range)| {
            found[range]
                .iter_mut()
                .find_map(Option::take)
                .map(|value| as_configured(value, configured))
        })
        .collect())
}

fn ecs_resource_id(cluster: &str, service: &str) -> String {
    // The configured cluster may be an ARN (`arn:aws:ecs:...:cluster/<name>`).
    let cluster = cluster.rsplit('/').next().unwrap_or(cluster);
    format!("service/{cluster}/{service}")
}

/// The scalable target of an ECS service's desired count, if one is registered.
async fn ecs_scalable_target(
    aws: &Aws,
    resource_id: &str,
) -> Result<Option<ScalableTarget>, ProviderError> {
    let output = sent!(aws
        .clients()
        .await
        .appautoscaling
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(resource_id)
        .scalable_dimension(ScalableDimension::from(ECS_SERVICE_DESIRED_COUNT)))?;
    Ok(output.scalable_targets().iter().find(|target| target.resource_id() == resource_id).cloned())
}

/// True when ECS service `service` of `cluster` (a name or ARN) is a scalable target.
pub(crate) async fn is_ecs_service_scaled(
    aws: &Aws,
    cluster: &str,
    service: &str,
) -> Result<bool, ProviderError> {
    Ok(ecs_scalable_target(aws, &ecs_resource_id(cluster, service)).await?.is_some())
}

/// `$request` (any Application Auto Scaling call on one scalable target) for the ECS service
/// `$resource_id`'s desired count (`$dimension`).
macro_rules! on_ecs_service {
    ($request:expr, $resource_id:expr, $dimension:expr) => {
        $request
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id($resource_id)
            .scalable_dimension($dimension.clone())
    };
}

/// Moves the scaling of ECS service `from` to `to` in `cluster` (a name or ARN): the scalable
/// target with its capacities, suspended state and tags, then its scaling policies and
/// scheduled actions, are registered on `to`; then the ones on `from` are deleted and `from`
/// is deregistered. Returns false, after one read, when `from` has no scalable target.
///
/// AWS deletes a target's policies and scheduled actions when it is deregistered; moto 5.2.5
/// keeps them, so they are deleted one by one first, which AWS also accepts.
pub(crate) async fn move_ecs_service_scaling(
    aws: &Aws,
    cluster: &str,
    from: &str,
    to: &str,
) -> Result<bool, ProviderError> {
    let from = ecs_resource_id(cluster, from);
    let to = ecs_resource_id(cluster, to);
    let Some(target) = ecs_scalable_target(aws, &from).await? else {
        return Ok(false);
    };
    let client = &aws.clients().await.appautoscaling;
    let dimension = ScalableDimension::from(ECS_SERVICE_DESIRED_COUNT);
    let tags = match target.scalable_target_arn() {
        Some(arn) => {
            sent!(client.list_tags_for_resource().resource_arn(arn))?.tags.unwrap_or_default()
        }
        None => Default::default(),
    };
    // ECS scales through its service-linked role, which AWS fills in by itself.
    let role_arn = Some(target.role_arn())
        .filter(|arn| !arn.is_empty() && !arn.contains(":role/aws-service-role/"));
    sent!(on_ecs_service!(client.register_scalable_target(), &to, dimension)
        .min_capacity(target.min_capacity())
        .max_capacity(target.max_capacity())
        .set_role_arn(role_arn.map(str::to_string))
        .set_suspended_state(target.suspended_state().cloned())
        .set_tags(Some(tags).filter(|tags| !tags.is_empty())))?;

    // Exactly this resource's: moto 5.2.5 also answers policies of resource IDs that are a
    // prefix of the one asked for.
    let mut policies: Vec<ScalingPolicy> =
        all_items!(on_ecs_service!(client.describe_scaling_policies(), &from, dimension))?;
    policies.retain(|policy| policy.resource_id() == from);
    for policy in &policies {
        sent!(on_ecs_service!(client.put_scaling_policy(), &to, dimension)
            .policy_name(policy.policy_name())
            .policy_type(policy.policy_type().clone())
            .set_step_scaling_policy_configuration(
                policy.step_scaling_policy_configuration().cloned(),
            )
            .set_target_tracking_scaling_policy_configuration(
                policy.target_tracking_scaling_policy_configuration().cloned(),
            )
            .set_predictive_scaling_policy_configuration(
                policy.predictive_scaling_policy_configuration().cloned(),
            ))?;
    }

    let mut actions: Vec<ScheduledAction> =
        all_items!(on_ecs_service!(client.describe_scheduled_actions(), &from, dimension))?;
    actions.retain(|action| action.resource_id() == from);
    for action in &actions {
        sent!(on_ecs_service!(client.put_scheduled_action(), &to, dimension)
            .scheduled_action_name(action.scheduled_action_name())
            .schedule(action.schedule())
            .set_timezone(action.timezone().map(str::to_string))
            .set_start_time(action.start_time().cloned())
            .set_end_time(action.end_time().cloned())
            .set_scalable_target_action(action.scalable_target_action().cloned()))?;
    }

    for policy in &policies {
        sent!(on_ecs_service!(client.delete_scaling_policy(), &from, dimension)
            .policy_name(policy.policy_name()))?;
    }
    for action in &actions {
        sent!(on_ecs_service!(client.delete_scheduled_action(), &from, dimension)
            .scheduled_action_name(action.scheduled_action_name()))?;
    }
    sent!(on_ecs_service!(client.deregister_scalable_target(), &from, dimension))?;
    Ok(true)
}

/// [`read_following_colours`] of objects found by a key: the candidates' keys (`key_of`) are
/// described in one go (`describe`), and each candidate found made a value (`value`, given the
/// candidate as the hint).
pub(crate) async fn read_keyed<Key, Item, Describe, Fut>(
    prior: &[Value],
    key_of: impl Fn(&Value) -> Option<Key>,
    describe: Describe,
    value: impl Fn(&Item, &Value) -> Value,
) -> Result<Vec<Option<Value>>, ProviderError>
where
    Key: Ord,
    Describe: FnOnce(Vec<Key>) -> Fut,
    Fut: Future<Output = Result<BTreeMap<Key, Item>, ProviderError>>,
{
    read_following_colours(prior, |candidates| async move {
        let found = describe(candidates.iter().filter_map(&key_of).collect()).await?;
        Ok(candidates.iter().map(|p| Some(value(found.get(&key_of(p)?)?, p))).collect())
    })
    .await
}

/// The natural key of a scaling policy or scheduled action: name, namespace, resource ID,
/// dimension.
pub type Key = (String, String, String, String);

/// `$request` (a call on one scaling policy or scheduled action) for the scalable target of the
/// [`Key`] `$key`: its namespace, resource ID and dimension.
macro_rules! on_key_target {
    ($request:expr, $key:expr) => {
        $request
            .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::from(
                $key.1.as_str(),
            ))
            .resource_id(&$key.2)
            .scalable_dimension(aws_sdk_applicationautoscaling::types::ScalableDimension::from(
                $key.3.as_str(),
            ))
    };
}
pub(crate) use on_key_target;

pub(crate) fn key_of(value: &Value) -> Option<Key> {
    Some((
        string(value, "name")?,
        string(value, "service_namespace")?,
        string(value, "resource_id")?,
        string(value, "scalable_dimension")?,
    ))
}

/// What one keyed scaling type is (`aws_appautoscaling_policy`,
/// `aws_appautoscaling_scheduled_action`): an object named by its [`Key`], written whole by one
/// Put call (create and update alike) at the live colour, read by a describe per namespace
/// and chunk of names, untagged (a lost create is found by its key). Only its schema, calls and
/// value are its own; [`KeyedScaling`] writes the rest once.
pub trait Keyed: Send + Sync + Sized + 'static {
    /// The SDK's object, e.g. `ScalingPolicy`.
    type Item: Clone + Send + Sync;
    /// The Terraform type name.
    const NAME: &'static str;
    /// The object's name in messages ("scaling policy").
    const KIND: &'static str;
    /// How many names the describe takes a call.
    const NAMES_PER_CALL: usize;
    fn schema() -> Schema;
    fn validate(config: &Value) -> Vec<(String, String)>;
    fn key(item: &Self::Item) -> Key;
    /// The objects of one namespace among `names` (one describe walk).
    fn describe(
        client: &aws_sdk_applicationautoscaling::Client,
        namespace: ServiceNamespace,
        names: Vec<String>,
    ) -> impl Future<Output = Result<Vec<Self::Item>, ProviderError>> + Send;
    /// The state value of an object; `hint` is its prior state (or the value written).
    fn to_value(item: &Self::Item, hint: &Value) -> Value;
    /// The Put call that writes the object of `key` as `planned` says.
    fn put(
        client: &aws_sdk_applicationautoscaling::Client,
        key: &Key,
        planned: &Value,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// The Delete call of the object of `key`.
    fn delete(
        client: &aws_sdk_applicationautoscaling::Client,
        key: Key,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// Terraform's import, where the type has one.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let _ = id;
        Err(ProviderError::not_importable(Self::NAME))
    }
}

/// The [`ResourceType`] of a [`Keyed`] scaling type.
pub struct KeyedScaling<K: Keyed> {
    aws: Arc<Aws>,
    schema: Schema,
    keyed: PhantomData<K>,
}

impl<K: Keyed> KeyedScaling<K> {
    pub fn new(aws: Arc<Aws>) -> KeyedScaling<K> {
        KeyedScaling { aws, schema: K::schema(), keyed: PhantomData }
    }

    /// The objects found, by key: one describe walk per namespace and chunk of names.
    async fn describe(&self, keys: &[Key]) -> Result<BTreeMap<Key, K::Item>, ProviderError> {
        let client = &self.aws.clients().await.appautoscaling;
        let by_namespace = names_by_namespace(
            keys.iter().map(|(name, namespace, _, _)| (namespace.as_str(), name)),
        );
        let mut out = BTreeMap::new();
        for (namespace, names) in by_namespace {
            for chunk in names.chunks(K::NAMES_PER_CALL) {
                let namespace = ServiceNamespace::from(namespace);
                for item in K::describe(client, namespace, chunk.to_vec()).await? {
                    let key = K::key(&item);
                    if keys.contains(&key) {
                        out.insert(key, item);
                    }
                }
            }
        }
        Ok(out)
    }

    async fn read_one(&self, key: &Key, hint: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .describe(std::slice::from_ref(key))
            .await?
            .remove(key)
            .map(|item| K::to_value(&item, hint)))
    }

    /// Writes the object at the live colour and reads it back, shown as configured.
    async fn put(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let registered = at_live_colour(operation, planned);
        let key = key_of(&registered)
            .ok_or_else(|| ProviderError::new(format!("{} needs its name and target", K::NAME)))?;
        K::put(&self.aws.clients().await.appautoscaling, &key, &registered).await?;
        let put = self
            .read_one(&key, &registered)
            .await?
            .ok_or_else(|| crate::app_support::vanished(K::KIND, &key.0))?;
        Ok(as_configured(put, planned))
    }
}

#[async_trait::async_trait]
impl<K: Keyed> ResourceType for KeyedScaling<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        K::validate(config)
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        self.put(at.operation, at.planned).await
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        self.put(at.operation, at.planned).await
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        let Some(key) = key_of(&at_live_colour(at.operation, at.prior)) else {
            return Ok(());
        };
        deleted_or_missing(K::delete(&self.aws.clients().await.appautoscaling, key).await)
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let describe = |keys: Vec<Key>| async move { self.describe(&keys).await };
        read_keyed(prior, key_of, describe, K::to_value).await
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        K::import_prior(id)
    }

    /// No tags: the object of this key is the one the create wrote.
    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        let registered = at_live_colour(at.operation, at.planned);
        match key_of(&registered) {
            Some(key) => Ok(self
                .read_one(&key, &registered)
                .await?
                .map(|value| as_configured(value, at.planned))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scaling(resource_id: &str) -> Value {
        Value::map([
            ("id", Value::string(resource_id)),
            ("service_namespace", Value::string("ecs")),
            ("resource_id", Value::string(resource_id)),
        ])
    }

    fn deploying(cluster: &str, name: &str, live: &str) -> Operation {
        Operation {
            rollouts: vec![serde_json::json!({
                "service": name, "cluster": cluster, "listener_arn": "listener", "live": "green",
                "colours": { "green": {
                    "service_name": live, "target_group_arn": "tg-green",
                    "task_definition": "app:2", "desired_count": 1
                } },
                "weights": { "green": 100 }
            })],
            ..Default::default()
        }
    }

    #[test]
    fn scaling_of_a_blue_green_service_is_registered_on_its_live_colour() {
        let operation = deploying("arn:aws:ecs:eu-west-1:1:cluster/main", "app", "app-green");
        let registered = at_live_colour(&operation, &scaling("service/main/app"));
        assert_eq!(string(&registered, "resource_id").as_deref(), Some("service/main/app-green"));
        // Another service, or the same name in another cluster, stays as configured.
        for other in ["service/main/web", "service/other/app"] {
            let value = at_live_colour(&operation, &scaling(other));
            assert_eq!(string(&value, "resource_id").as_deref(), Some(other));
        }
        let shown = as_configured(registered, &scaling("service/main/app"));
        assert_eq!(shown, scaling("service/main/app"));
    }

    #[test]
    fn reads_find_scaling_on_either_colour_and_show_the_configured_id() {
        let prior = vec![scaling("service/main/app"), scaling("service/main/web")];
        let read = |candidates: Vec<Value>| async move {
            // app, app-blue, app-green, web, web-blue, web-green: found on app-green only.
            assert_eq!(candidates.len(), 6);
            Ok(candidates
                .into_iter()
                .map(|c| {
                    (string(&c, "resource_id").as_deref() == Some("service/main/app-green"))
                        .then(|| scaling("service/main/app-green"))
                })
                .collect())
        };
        let found = futures::executor::block_on(read_following_colours(&prior, read)).unwrap();
        assert_eq!(found, vec![Some(scaling("service/main/app")), None]);
    }
}
