//! `aws_ecs_task_set`: a set of tasks of a service whose deployment controller is `EXTERNAL`
//! (CreateTaskSet), as the provider's `internal/service/ecs/task_set.go` has it. The Terraform
//! ID is `TASK_SET_ID,SERVICE,CLUSTER`, which is also the import ID. Everything but `scale`
//! (UpdateTaskSet) and the tags forces a new task set; `force_delete`, `wait_until_stable`
//! and `wait_until_stable_timeout` are configuration only.
//!
//! Refresh is one DescribeTaskSets per service (tags included), for all of its task sets at
//! once. A create sends a client token, so that the SDK's own retries of it are one call; a
//! create whose answer was lost is found by the managed tags among the service's task sets.
//!
//! AWS refuses task sets on a service whose controller is not `EXTERNAL`
//! (InvalidParameterException); moto does not check, and reports every task set
//! `STEADY_STATE` at once, so the stability wait never waits in tests. moto also deletes at
//! once, where AWS drains first: the wait for the delete is the provider's (10 minutes).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_ecs::types::{LaunchType, Scale, ScaleUnit, TaskSet, TaskSetField};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, sent, single, string, text, vanished, wait_for};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{self, computed, copied, read, read_block, Declared, Reading};
use crate::ec2_support::token_of;
use crate::ecs_support::{
    capacity_provider_strategy_to_sdk, capacity_provider_strategy_value, has_managed_tags,
    launch_type_conflict, load_balancer_entries, load_balancers_to_sdk,
    network_configuration_block, network_to_sdk, network_value, service_registries_block,
    service_registries_to_sdk, service_registries_value, tags_from_sdk, tags_to_sdk, update_tags,
};
use crate::error::is_not_found;
use crate::tagging::ManagedTags;
use crate::verify::ARN;

/// The provider's wait for a deleted task set to be gone.
const DELETE_WAIT: Duration = Duration::from_secs(600);

pub type AwsEcsTaskSet = ObjectType<TaskSets>;

/// The task set as an [`AwsObject`]: its key is the Terraform ID.
pub struct TaskSets;

/// The attributes and blocks, each with how it is read from the task set ECS reports; `id`,
/// `service` and `cluster` from its key ([`TaskSetKey::read`]), the configuration-only ones
/// from the configuration.
fn attributes() -> Vec<Declared<TaskSet>> {
    vec![
        of_key(Attribute::computed("id", Type::String), |k| k.terraform_id()),
        computed("arn", TaskSet::task_set_arn),
        computed("task_set_id", TaskSet::id),
        of_key(Attribute::required("service", Type::String).force_new(), |k| k.service),
        of_key(Attribute::required("cluster", Type::String).force_new(), |k| k.cluster),
        declared::string(
            Attribute::required("task_definition", Type::String).force_new(),
            TaskSet::task_definition,
        ),
        declared::string(
            Attribute::optional_computed("external_id", Type::String).force_new(),
            TaskSet::external_id,
        ),
        read(
            Attribute::optional_computed("launch_type", Type::String)
                .check(Check::OneOf(&["EC2", "FARGATE", "EXTERNAL"]))
                .force_new(),
            |set: &TaskSet, _: &Reading| text(set.launch_type().map(LaunchType::as_str)),
        ),
        declared::string(
            Attribute::optional_computed("platform_version", Type::String).force_new(),
            TaskSet::platform_version,
        ),
        copied(Attribute::optional("force_delete", Type::Bool).config_only()),
        copied(
            Attribute::optional("wait_until_stable", Type::Bool)
                .default(Value::Bool(false))
                .config_only(),
        ),
        copied(
            Attribute::optional("wait_until_stable_timeout", Type::String)
                .default(Value::string("10m"))
                .config_only(),
        ),
        read(
            Attribute::computed("stability_status", Type::String),
            |set: &TaskSet, _: &Reading| text(set.stability_status().map(|s| s.as_str())),
        ),
        computed("status", TaskSet::status),
        read_block(
            Block::set(
                "capacity_provider_strategy",
                Schema::new()
                    .attr(Attribute::required("capacity_provider", Type::String).force_new())
                    .attr(
                        Attribute::optional("base", Type::Number)
                            .check(Check::Range(0, 100_000))
                            .force_new(),
                    )
                    .attr(
                        Attribute::required("weight", Type::Number)
                            .check(Check::Range(0, 1000))
                            .force_new(),
                    ),
            )
            .force_new(),
            |set: &TaskSet, _: &Reading| {
                capacity_provider_strategy_value(set.capacity_provider_strategy())
            },
        ),
        read_block(
            Block::set(
                "load_balancer",
                Schema::new()
                    .attr(Attribute::required("container_name", Type::String).force_new())
                    .attr(
                        Attribute::optional("container_port", Type::Number)
                            .check(Check::Port)
                            .force_new(),
                    )
                    .attr(Attribute::optional("load_balancer_name", Type::String).force_new())
                    .attr(
                        Attribute::optional("target_group_arn", Type::String)
                            .force_new()
                            .check(ARN),
                    ),
            )
            .force_new(),
            |set: &TaskSet, _: &Reading| {
                let balancers = set.load_balancers().iter();
                Value::List(
                    balancers
                        .map(|lb| Value::map(load_balancer_entries(lb, "load_balancer_name")))
                        .collect(),
                )
            },
        ),
        read_block(network_configuration_block().force_new(), |set: &TaskSet, at: &Reading| {
            network_value(set.network_configuration(), at.prior)
        }),
        read_block(service_registries_block().force_new(), |set: &TaskSet, _: &Reading| {
            service_registries_value(set.service_registries())
        }),
        read_block(
            Block::single(
                "scale",
                Schema::new()
                    .attr(
                        Attribute::optional("unit", Type::String)
                            .default(Value::string("PERCENT"))
                            .check(Check::OneOf(&["PERCENT"])),
                    )
                    .attr(Attribute::optional("value", Type::Number)),
            )
            .computed(),
            |set: &TaskSet, _: &Reading| {
                Value::List(
                    set.scale()
                        .map(|scale| {
                            Value::map([
                                ("unit", text(scale.unit().map(ScaleUnit::as_str))),
                                ("value", Value::Number(scale.value())),
                            ])
                        })
                        .into_iter()
                        .collect(),
                )
            },
        ),
    ]
}

/// An attribute read from the task set's key ([`TaskSetKey::read`]).
fn of_key(attribute: Attribute, part: fn(TaskSetKey) -> String) -> Declared<TaskSet> {
    read(attribute, move |set: &TaskSet, at: &Reading| {
        text(TaskSetKey::read(set, at.prior).map(part).as_deref())
    })
}

impl AwsEcsTaskSet {
    /// The task sets of one service by ID, tags included; none when the service or its
    /// cluster is gone.
    async fn describe(
        &self,
        cluster: &str,
        service: &str,
        ids: Option<Vec<String>>,
    ) -> Result<BTreeMap<String, TaskSet>, ProviderError> {
        let response = sent!(self
            .aws
            .clients()
            .await
            .ecs
            .describe_task_sets()
            .cluster(cluster)
            .service(service)
            .set_task_sets(ids)
            .include(TaskSetField::Tags));
        let response = match response {
            Ok(response) => response,
            Err(error) if is_not_found(&error) => return Ok(BTreeMap::new()),
            Err(error) => return Err(error),
        };
        Ok(response
            .task_sets()
            .iter()
            .filter_map(|set| Some((set.id()?.to_string(), set.clone())))
            .collect())
    }

    /// The task set `key` names, if it exists.
    async fn describe_one(&self, key: &TaskSetKey) -> Result<Option<TaskSet>, ProviderError> {
        let mut found =
            self.describe(&key.cluster, &key.service, Some(vec![key.id.clone()])).await?;
        Ok(found.remove(&key.id))
    }

    /// Waits for `STEADY_STATE` when `wait_until_stable` asks for it.
    async fn wait_until_stable(
        &self,
        planned: &Value,
        key: &TaskSetKey,
    ) -> Result<(), ProviderError> {
        if planned.get("wait_until_stable").as_bool() != Some(true) {
            return Ok(());
        }
        let timeout = string(planned, "wait_until_stable_timeout")
            .and_then(|text| humantime::parse_duration(&text).ok())
            .unwrap_or(Duration::from_secs(600));
        wait_for("ECS task set to reach STEADY_STATE", timeout, || async {
            Ok(self
                .describe_one(key)
                .await?
                .filter(|set| set.stability_status().map(|s| s.as_str()) == Some("STEADY_STATE"))
                .map(|_| ()))
        })
        .await
    }
}

fn tagged(set: TaskSet) -> Tagged<TaskSet> {
    let tags = tags_from_sdk(set.tags());
    Tagged { object: set, tags }
}

/// The three parts of the Terraform ID.
struct TaskSetKey {
    id: String,
    service: String,
    cluster: String,
}

impl TaskSetKey {
    fn of(value: &Value) -> Option<TaskSetKey> {
        Self::parse(value.get("id").as_str()?).ok()
    }

    fn parse(id: &str) -> Result<TaskSetKey, ProviderError> {
        match id.split(',').collect::<Vec<_>>()[..] {
            [id, service, cluster]
                if !id.is_empty() && !service.is_empty() && !cluster.is_empty() =>
            {
                Ok(TaskSetKey {
                    id: id.to_string(),
                    service: service.to_string(),
                    cluster: cluster.to_string(),
                })
            }
            _ => Err(ProviderError::new(format!(
                "unexpected format for ID ({id}), expected TASK_SET_ID,SERVICE,CLUSTER"
            ))),
        }
    }

    fn terraform_id(&self) -> String {
        format!("{},{},{}", self.id, self.service, self.cluster)
    }

    /// The key of `set` as read for `prior`: its service and cluster as the prior's ID names
    /// them, else as the prior (the planned value of a create) names them.
    fn read(set: &TaskSet, prior: &Value) -> Option<TaskSetKey> {
        let (service, cluster) = match Self::of(prior) {
            Some(key) => (key.service, key.cluster),
            None => (string(prior, "service")?, string(prior, "cluster")?),
        };
        Some(TaskSetKey { id: set.id()?.to_string(), service, cluster })
    }
}

fn scale_to_sdk(value: &Value) -> Option<Scale> {
    let scale = single(value, "scale")?;
    Some(
        Scale::builder()
            .unit(ScaleUnit::from(
                string(scale, "unit").unwrap_or_else(|| "PERCENT".into()).as_str(),
            ))
            .set_value(scale.get("value").as_f64())
            .build(),
    )
}

/// The provider's checks of the task set's nested arguments that the schema does not express,
/// in its wording: the ports (`validation.IsPortNumber`, 1-65535) and the network
/// configuration's limits (5 security groups, 16 subnets). Unknown values are
/// left to apply.
fn argument_problems(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut ports: Vec<(String, f64)> = Vec::new();
    for (i, balancer) in blocks(config, "load_balancer").iter().enumerate() {
        if let Some(port) = balancer.get("container_port").as_f64() {
            ports.push((format!("load_balancer[{i}].container_port"), port));
        }
    }
    for registry in blocks(config, "service_registries") {
        for key in ["port", "container_port"] {
            if let Some(port) = registry.get(key).as_f64() {
                ports.push((format!("service_registries[0].{key}"), port));
            }
        }
    }
    for (at, port) in ports {
        if !(1.0..=65535.0).contains(&port) {
            let key = at.rsplit('.').next().unwrap_or_default().to_string();
            problems.push((at, format!("expected {key} to be a valid port number, got: {port}")));
        }
    }
    for network in blocks(config, "network_configuration") {
        for (key, most) in [("security_groups", 5), ("subnets", 16)] {
            let count = network.get(key).as_list().map_or(0, <[Value]>::len);
            if count > most {
                problems.push((
                    format!("network_configuration[0].{key}"),
                    format!("{key}: attribute supports {most} item maximum, config has {count} declared"),
                ));
            }
        }
    }
    problems
}

impl AwsObject for TaskSets {
    type Object = TaskSet;
    const NAME: &'static str = "aws_ecs_task_set";
    const KIND: &'static str = "ECS task set";
    const KEY: &'static str = "id";

    fn attributes() -> Vec<Declared<TaskSet>> {
        attributes()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        problems.extend(launch_type_conflict(config));
        if let Some(timeout) = config.get("wait_until_stable_timeout").as_str() {
            if humantime::parse_duration(timeout).is_err() {
                problems.push((
                    "wait_until_stable_timeout".to_string(),
                    format!(
                        "\"wait_until_stable_timeout\" cannot be parsed as a duration: {timeout:?}"
                    ),
                ));
            }
        }
        problems.extend(argument_problems(config));
        if let Some(value) = single(config, "scale").and_then(|s| s.get("value").as_f64()) {
            if !(0.0..=100.0).contains(&value) {
                problems.push((
                    "scale".to_string(),
                    format!("expected scale.0.value to be in the range (0.000000 - 100.000000), got {value}"),
                ));
            }
        }
        problems
    }

    /// The ID, empty where the state holds none: update and delete refuse it as the
    /// provider does ([`TaskSetKey::parse`]), and it reads as gone.
    fn key_of(value: &Value) -> Option<String> {
        Some(string(value, "id").unwrap_or_default())
    }

    /// Terraform's import ID: `TASK_SET_ID,SERVICE,CLUSTER`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        TaskSetKey::parse(id)?;
        Ok(infra_core::resource::import_by("id", id))
    }

    /// One DescribeTaskSets per service (in the order the keys first name it), for all of
    /// its task sets.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<TaskSet> {
        let (mut found, mut services) = (BTreeMap::new(), BTreeSet::new());
        for key in keys.iter().filter_map(|key| TaskSetKey::parse(key).ok()) {
            if services.insert((key.cluster.clone(), key.service.clone())) {
                for (id, set) in this.describe(&key.cluster, &key.service, None).await? {
                    found.insert(format!("{id},{},{}", key.service, key.cluster), tagged(set));
                }
            }
        }
        Ok(found)
    }

    /// The task set just written, asked for by its ID.
    async fn written(this: &AwsEcsTaskSet, key: &str) -> Result<Tagged<TaskSet>, ProviderError> {
        let key = TaskSetKey::parse(key)?;
        this.describe_one(&key).await?.map(tagged).ok_or_else(|| vanished("ECS task set", &key.id))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let (Some(cluster), Some(service)) =
            (string(at.planned, "cluster"), string(at.planned, "service"))
        else {
            return Err(ProviderError::new(
                "aws_ecs_task_set needs a known \"cluster\" and \"service\"",
            ));
        };
        let load_balancers = load_balancers_to_sdk(at.planned, "load_balancer_name");
        let registries = service_registries_to_sdk(at.planned);
        let strategy = capacity_provider_strategy_to_sdk(at.planned, "capacity_provider_strategy")?;
        let response = sent!(at
            .this
            .aws
            .clients()
            .await
            .ecs
            .create_task_set()
            .client_token(token_of(
                &format!("{cluster}/{service}"),
                &at.operation.address,
                at.planned,
            ))
            .cluster(&cluster)
            .service(&service)
            .set_task_definition(string(at.planned, "task_definition"))
            .set_external_id(string(at.planned, "external_id"))
            .set_launch_type(
                string(at.planned, "launch_type").map(|t| LaunchType::from(t.as_str()))
            )
            .set_platform_version(string(at.planned, "platform_version"))
            .set_network_configuration(network_to_sdk(at.planned)?)
            .set_load_balancers((!load_balancers.is_empty()).then_some(load_balancers))
            .set_service_registries((!registries.is_empty()).then_some(registries))
            .set_capacity_provider_strategy((!strategy.is_empty()).then_some(strategy))
            .set_scale(scale_to_sdk(at.planned))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned)))))?;
        let created = response
            .task_set()
            .and_then(|set| set.id())
            .ok_or_else(|| ProviderError::new("CreateTaskSet returned no task set"))?;
        let key = TaskSetKey { id: created.to_string(), service, cluster };
        at.this.wait_until_stable(at.planned, &key).await?;
        Ok(key.terraform_id())
    }

    /// Only `scale` (UpdateTaskSet) and the tags change in place.
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let key = at.key;
        let key = TaskSetKey::parse(key)?;
        let client = &at.this.aws.clients().await.ecs;
        if crate::app_support::changed(at.prior, at.planned, "scale") {
            sent!(client
                .update_task_set()
                .cluster(&key.cluster)
                .service(&key.service)
                .task_set(&key.id)
                .set_scale(scale_to_sdk(at.planned)))?;
            at.this.wait_until_stable(at.planned, &key).await?;
        }
        if let Some(arn) = string(at.prior, "arn") {
            update_tags(client, &arn, at.prior, at.planned).await?;
        }
        Ok(key.terraform_id())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let key = at.key;
        let key = TaskSetKey::parse(key)?;
        let deleted = sent!(at
            .this
            .aws
            .clients()
            .await
            .ecs
            .delete_task_set()
            .cluster(&key.cluster)
            .service(&key.service)
            .task_set(&key.id)
            .force(at.prior.get("force_delete").as_bool() == Some(true)));
        match deleted {
            Ok(_) => {}
            Err(error) if is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
        wait_for("ECS task set to be deleted", DELETE_WAIT, || async {
            Ok(at.this.describe_one(&key).await?.is_none().then_some(()))
        })
        .await
    }

    /// A task set whose create got no answer carries this operation's managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<TaskSet> {
        let (Some(cluster), Some(service)) =
            (string(at.planned, "cluster"), string(at.planned, "service"))
        else {
            return Ok(None);
        };
        let found = at.this.describe(&cluster, &service, None).await?;
        Ok(found
            .into_values()
            .find(|set| has_managed_tags(&tags_from_sdk(set.tags()), at.operation))
            .map(tagged))
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    #[test]
    fn the_id_is_three_parts_and_anything_else_is_terraforms_error() {
        let key = TaskSetKey::parse("ecs-svc/123,web,prod").unwrap();
        assert_eq!(
            (key.id.as_str(), key.service.as_str(), key.cluster.as_str()),
            ("ecs-svc/123", "web", "prod")
        );
        assert_eq!(key.terraform_id(), "ecs-svc/123,web,prod");
        for bad in ["ecs-svc/123,web", "ecs-svc/123,,prod", "a,b,c,d"] {
            let error = TaskSetKey::parse(bad).err().map(|e| e.message).unwrap_or_default();
            assert_eq!(
                error,
                format!("unexpected format for ID ({bad}), expected TASK_SET_ID,SERVICE,CLUSTER")
            );
        }
    }

    /// The provider's checks of the ARNs, ports and network limits, each at its location.
    #[test]
    fn nested_arguments_are_checked_as_the_provider_checks_them() {
        let ecs = AwsEcsTaskSet::new(Aws::new(crate::ProviderSettings::default()));
        let strings = |prefix: &str, n: usize| {
            Value::List((0..n).map(|i| Value::string(format!("{prefix}-{i}"))).collect())
        };
        let config = |target_group: &str, port: f64, groups: usize, subnets: usize| {
            Value::map([
                ("service", Value::string("web")),
                ("cluster", Value::string("prod")),
                ("task_definition", Value::string("web:1")),
                (
                    "load_balancer",
                    Value::List(vec![Value::map([
                        ("container_name", Value::string("app")),
                        ("container_port", Value::Number(port)),
                        ("target_group_arn", Value::string(target_group)),
                    ])]),
                ),
                (
                    "service_registries",
                    Value::List(vec![Value::map([(
                        "registry_arn",
                        Value::string(
                            "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1",
                        ),
                    )])]),
                ),
                (
                    "network_configuration",
                    Value::List(vec![Value::map([
                        ("subnets", strings("subnet", subnets)),
                        ("security_groups", strings("sg", groups)),
                    ])]),
                ),
            ])
        };
        let tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123";
        assert!(ecs.problems(&config(tg, 8080.0, 5, 16)).is_empty());
        let problems = ecs.problems(&config("web", 0.0, 6, 17));
        let at: Vec<&str> = problems.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(
            at,
            [
                "load_balancer[0].target_group_arn",
                "load_balancer[0].container_port",
                "network_configuration[0].security_groups",
                "network_configuration[0].subnets",
            ],
            "{problems:?}"
        );
        assert_eq!(problems[1].1, "expected container_port to be a valid port number, got: 0");
    }

    /// `id`, `service` and `cluster` are read as the prior's ID names them, else (a create,
    /// a lost create found) as the planned value does; the configuration-only arguments are
    /// kept from it.
    #[test]
    fn the_id_service_and_cluster_are_read_as_the_id_names_them() {
        let found = Tagged {
            object: TaskSet::builder().id("ecs-svc/1").build(),
            tags: vec![("team".to_string(), "web".to_string())],
        };
        let planned = Value::map([
            ("service", Value::string("web")),
            ("cluster", Value::string("prod")),
            ("force_delete", Value::Bool(true)),
        ]);
        let created = crate::aws_object::value_of::<TaskSets>(&found, &planned);
        assert_eq!(created.get("id"), &Value::string("ecs-svc/1,web,prod"));
        assert_eq!(created.get("force_delete"), &Value::Bool(true));
        assert_eq!(created.get("tags").get("team"), &Value::string("web"));
        let imported = TaskSets::import_prior("ecs-svc/1,web-svc,prod-cluster").unwrap();
        let read = crate::aws_object::value_of::<TaskSets>(&found, &imported);
        assert_eq!(
            (read.get("id"), read.get("service"), read.get("cluster")),
            (
                &Value::string("ecs-svc/1,web-svc,prod-cluster"),
                &Value::string("web-svc"),
                &Value::string("prod-cluster")
            )
        );
        assert_eq!(read.get("force_delete"), &Value::Null);
    }

    #[test]
    fn scale_is_sent_with_its_unit() {
        let planned = Value::map([(
            "scale",
            Value::List(vec![Value::map([
                ("unit", Value::string("PERCENT")),
                ("value", Value::Number(50.0)),
            ])]),
        )]);
        let scale = scale_to_sdk(&planned).expect("a scale");
        assert_eq!(scale.unit(), Some(&ScaleUnit::Percent));
        assert_eq!(scale.value(), 50.0);
        assert!(scale_to_sdk(&Value::map([("scale", Value::List(vec![]))])).is_none());
    }
}
