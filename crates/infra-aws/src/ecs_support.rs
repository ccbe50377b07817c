//! ECS pieces shared by the cluster, task definition and service types: the
//! `container_definitions` JSON (to and from the SDK's typed containers, and the normal form
//! both sides are compared in), tags, and the blocks services and task sets share (capacity
//! provider strategy, network configuration, service registries).
//!
//! The SDK has no JSON form of `ContainerDefinition`, so the fields are mapped one by one, the
//! less common ones in [`crate::ecs_container_settings`]; every field of ECS's is mapped, and a
//! key that is none of them is dropped with a warning, as the provider drops it.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    ApplicationProtocol, AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem,
    ContainerCondition, ContainerDefinition, ContainerDependency, HealthCheck, HostEntry,
    KeyValuePair, LoadBalancer, LogConfiguration, LogDriver, MountPoint, NetworkConfiguration,
    PortMapping, Secret, ServiceRegistry, Tag, TransportProtocol, Ulimit, UlimitName, VolumeFrom,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type};
use serde_json::{json, Map, Value as Json};

use crate::ecs_container_json::{
    bool_field, built_list, built_object, field, int_field, invalid, list_json, non_empty,
    objects_field, put, put_list, string_map_field, strings_field, text_field,
};
use crate::verify::ARN;

/// The container fields this provider maps to the SDK.
const CONTAINER_FIELDS: &[&str] = &[
    "name",
    "image",
    "cpu",
    "memory",
    "memoryReservation",
    "links",
    "portMappings",
    "essential",
    "entryPoint",
    "command",
    "environment",
    "mountPoints",
    "volumesFrom",
    "secrets",
    "dependsOn",
    "startTimeout",
    "stopTimeout",
    "hostname",
    "user",
    "workingDirectory",
    "disableNetworking",
    "privileged",
    "readonlyRootFilesystem",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "dockerSecurityOptions",
    "interactive",
    "pseudoTerminal",
    "dockerLabels",
    "ulimits",
    "logConfiguration",
    "healthCheck",
];

/// What a `container_definitions` document holds that is not a container field of ECS at
/// all (a task-level `networkMode` written inside a container, a typo): the provider decodes
/// the JSON with Go's decoder, which drops such keys silently; infra drops them too and says so.
pub fn container_definition_ignored_fields(text: &str) -> Vec<String> {
    let Ok(Json::Array(containers)) = serde_json::from_str::<Json>(text) else {
        return Vec::new();
    };
    let mut ignored = Vec::new();
    for (index, container) in containers.iter().enumerate() {
        for key in container.as_object().into_iter().flat_map(Map::keys) {
            if !is_ecs_container_field(key) {
                ignored.push(format!(
                    "container_definitions[{index}]: \"{key}\" is not a field of an ECS container definition; it is ignored, as the AWS provider ignores it"
                ));
            }
        }
    }
    ignored
}

/// ECS's name of a container field written `key`: Go's JSON decoder matches field names
/// without regard to case, and so does this. With [`crate::ecs_container_settings::FIELDS`],
/// [`CONTAINER_FIELDS`] is every field of ECS's `ContainerDefinition` (the API reference; the
/// SDK's `types::ContainerDefinition`).
fn ecs_container_field(key: &str) -> Option<&'static str> {
    CONTAINER_FIELDS
        .iter()
        .chain(crate::ecs_container_settings::FIELDS)
        .find(|field| field.eq_ignore_ascii_case(key))
        .copied()
}

fn is_ecs_container_field(key: &str) -> bool {
    ecs_container_field(key).is_some()
}

/// Problems with a `container_definitions` document: not a JSON array of objects, or a
/// container without `name`/`image`.
pub fn container_definition_problems(text: &str) -> Vec<String> {
    let parsed: Json = match serde_json::from_str(text) {
        Ok(json) => json,
        Err(error) => return vec![format!("container_definitions is not valid JSON: {error}")],
    };
    let Some(containers) = parsed.as_array() else {
        return vec!["container_definitions must be a JSON array of container objects".to_string()];
    };
    let mut problems = Vec::new();
    for (index, container) in containers.iter().enumerate() {
        let Some(fields) = container.as_object() else {
            problems.push(format!("container_definitions[{index}] is not an object"));
            continue;
        };
        for required in ["name", "image"] {
            if !field(fields, required).is_some_and(Json::is_string) {
                problems
                    .push(format!("container_definitions[{index}] needs a string \"{required}\""));
            }
        }
    }
    problems
}

/// Parses a `container_definitions` document into the SDK's containers.
pub fn containers_to_sdk(text: &str) -> Result<Vec<ContainerDefinition>, ProviderError> {
    let problems = container_definition_problems(text);
    if !problems.is_empty() {
        return Err(ProviderError::new(problems.join("; ")));
    }
    let parsed: Json = serde_json::from_str(text).map_err(|e| ProviderError::new(e.to_string()))?;
    let mut out = Vec::new();
    for (index, container) in parsed.as_array().into_iter().flatten().enumerate() {
        let Some(c) = container.as_object() else {
            continue;
        };
        out.push(container_to_sdk(index, c)?);
    }
    Ok(out)
}

/// One container of the document (the `index`th, for errors).
fn container_to_sdk(
    index: usize,
    c: &Map<String, Json>,
) -> Result<ContainerDefinition, ProviderError> {
    let port_mappings = port_mappings_to_sdk(c);
    let environment = objects_field(c, "environment")
        .into_iter()
        .map(|e| {
            KeyValuePair::builder()
                .set_name(text_field(e, "name"))
                .set_value(text_field(e, "value"))
                .build()
        })
        .collect();
    let mount_points = objects_field(c, "mountPoints")
        .into_iter()
        .map(|m| {
            MountPoint::builder()
                .set_source_volume(text_field(m, "sourceVolume"))
                .set_container_path(text_field(m, "containerPath"))
                .set_read_only(bool_field(m, "readOnly"))
                .build()
        })
        .collect();
    let volumes_from = objects_field(c, "volumesFrom")
        .into_iter()
        .map(|v| {
            VolumeFrom::builder()
                .set_source_container(text_field(v, "sourceContainer"))
                .set_read_only(bool_field(v, "readOnly"))
                .build()
        })
        .collect();
    let secrets = built_list(index, c, "secrets", secret_to_sdk)?;
    let depends_on = built_list(index, c, "dependsOn", |d| {
        ContainerDependency::builder()
            .set_container_name(text_field(d, "containerName"))
            .set_condition(text_field(d, "condition").map(|s| ContainerCondition::from(s.as_str())))
            .build()
    })?;
    let ulimits = built_list(index, c, "ulimits", |u| {
        Ulimit::builder()
            .set_name(text_field(u, "name").map(|s| UlimitName::from(s.as_str())))
            .set_soft_limit(int_field(u, "softLimit"))
            .set_hard_limit(int_field(u, "hardLimit"))
            .build()
    })?;
    let extra_hosts = built_list(index, c, "extraHosts", |h| {
        HostEntry::builder()
            .set_hostname(text_field(h, "hostname"))
            .set_ip_address(text_field(h, "ipAddress"))
            .build()
    })?;
    let log_configuration = log_configuration_to_sdk(index, c)?;
    let health_check = health_check_to_sdk(index, c)?;
    let builder = crate::ecs_container_settings::to_sdk(index, c, ContainerDefinition::builder())?;
    Ok(builder
        .set_name(text_field(c, "name"))
        .set_image(text_field(c, "image"))
        .set_cpu(int_field(c, "cpu"))
        .set_memory(int_field(c, "memory"))
        .set_memory_reservation(int_field(c, "memoryReservation"))
        .set_links(strings_field(c, "links"))
        .set_port_mappings(Some(port_mappings))
        .set_essential(bool_field(c, "essential"))
        .set_entry_point(strings_field(c, "entryPoint"))
        .set_command(strings_field(c, "command"))
        .set_environment(Some(environment))
        .set_mount_points(Some(mount_points))
        .set_volumes_from(Some(volumes_from))
        .set_secrets(non_empty(secrets))
        .set_depends_on(non_empty(depends_on))
        .set_start_timeout(int_field(c, "startTimeout"))
        .set_stop_timeout(int_field(c, "stopTimeout"))
        .set_hostname(text_field(c, "hostname"))
        .set_user(text_field(c, "user"))
        .set_working_directory(text_field(c, "workingDirectory"))
        .set_disable_networking(bool_field(c, "disableNetworking"))
        .set_privileged(bool_field(c, "privileged"))
        .set_readonly_root_filesystem(bool_field(c, "readonlyRootFilesystem"))
        .set_dns_servers(strings_field(c, "dnsServers"))
        .set_dns_search_domains(strings_field(c, "dnsSearchDomains"))
        .set_extra_hosts(non_empty(extra_hosts))
        .set_docker_security_options(strings_field(c, "dockerSecurityOptions"))
        .set_interactive(bool_field(c, "interactive"))
        .set_pseudo_terminal(bool_field(c, "pseudoTerminal"))
        .set_docker_labels(string_map_field(c, "dockerLabels"))
        .set_ulimits(non_empty(ulimits))
        .set_log_configuration(log_configuration)
        .set_health_check(health_check)
        .build())
}

/// A `secrets` or `secretOptions` entry.
fn secret_to_sdk(s: &Map<String, Json>) -> Result<Secret, aws_sdk_ecs::error::BuildError> {
    Secret::builder()
        .set_name(text_field(s, "name"))
        .set_value_from(text_field(s, "valueFrom"))
        .build()
}

fn port_mappings_to_sdk(c: &Map<String, Json>) -> Vec<PortMapping> {
    objects_field(c, "portMappings")
        .into_iter()
        .map(|p| {
            PortMapping::builder()
                .set_container_port(int_field(p, "containerPort"))
                .set_host_port(int_field(p, "hostPort"))
                .set_protocol(
                    text_field(p, "protocol").map(|s| TransportProtocol::from(s.as_str())),
                )
                .set_name(text_field(p, "name"))
                .set_app_protocol(
                    text_field(p, "appProtocol").map(|s| ApplicationProtocol::from(s.as_str())),
                )
                .set_container_port_range(text_field(p, "containerPortRange"))
                .build()
        })
        .collect()
}

fn log_configuration_to_sdk(
    index: usize,
    c: &Map<String, Json>,
) -> Result<Option<LogConfiguration>, ProviderError> {
    let Some(l) = field(c, "logConfiguration").and_then(Json::as_object) else {
        return Ok(None);
    };
    let secret_options = built_list(index, l, "logConfiguration.secretOptions", secret_to_sdk)?;
    LogConfiguration::builder()
        .set_log_driver(text_field(l, "logDriver").map(|s| LogDriver::from(s.as_str())))
        .set_options(string_map_field(l, "options"))
        .set_secret_options(Some(secret_options))
        .build()
        .map(Some)
        .map_err(|e| invalid(index, "logConfiguration", e))
}

fn health_check_to_sdk(
    index: usize,
    c: &Map<String, Json>,
) -> Result<Option<HealthCheck>, ProviderError> {
    built_object(index, c, "healthCheck", |h| {
        HealthCheck::builder()
            .set_command(strings_field(h, "command"))
            .set_interval(int_field(h, "interval"))
            .set_timeout(int_field(h, "timeout"))
            .set_retries(int_field(h, "retries"))
            .set_start_period(int_field(h, "startPeriod"))
            .build()
    })
}

/// The SDK's containers as a `container_definitions` document (not yet normalized).
pub fn containers_to_json(containers: &[ContainerDefinition]) -> String {
    let items: Vec<Json> = containers
        .iter()
        .map(|c| {
            let mut o = Map::new();
            put(&mut o, "name", c.name().map(|s| json!(s)));
            put(&mut o, "image", c.image().map(|s| json!(s)));
            put(&mut o, "cpu", Some(json!(c.cpu())));
            put(&mut o, "memory", c.memory().map(|n| json!(n)));
            put(&mut o, "memoryReservation", c.memory_reservation().map(|n| json!(n)));
            put(&mut o, "links", list_json(c.links()));
            let ports: Vec<Json> = c
                .port_mappings()
                .iter()
                .map(|p| {
                    let mut m = Map::new();
                    put(&mut m, "containerPort", p.container_port().map(|n| json!(n)));
                    put(&mut m, "hostPort", p.host_port().map(|n| json!(n)));
                    put(&mut m, "protocol", p.protocol().map(|s| json!(s.as_str())));
                    put(&mut m, "name", p.name().map(|s| json!(s)));
                    put(&mut m, "appProtocol", p.app_protocol().map(|s| json!(s.as_str())));
                    put(&mut m, "containerPortRange", p.container_port_range().map(|s| json!(s)));
                    Json::Object(m)
                })
                .collect();
            put(&mut o, "portMappings", Some(Json::Array(ports)));
            put(&mut o, "essential", c.essential().map(|b| json!(b)));
            put(&mut o, "entryPoint", list_json(c.entry_point()));
            put(&mut o, "command", list_json(c.command()));
            put_list(&mut o, "environment", c.environment(), |e| json!({"name": e.name(), "value": e.value()}));
            put_list(&mut o, "mountPoints", c.mount_points(), |m| json!({"sourceVolume": m.source_volume(), "containerPath": m.container_path(), "readOnly": m.read_only()}));
            put_list(&mut o, "volumesFrom", c.volumes_from(), |v| json!({"sourceContainer": v.source_container(), "readOnly": v.read_only()}));
            put_list(&mut o, "secrets", c.secrets(), secret_json);
            put_list(&mut o, "dependsOn", c.depends_on(), |d| json!({"containerName": d.container_name(), "condition": d.condition().as_str()}));
            put(&mut o, "startTimeout", c.start_timeout().map(|n| json!(n)));
            put(&mut o, "stopTimeout", c.stop_timeout().map(|n| json!(n)));
            put(&mut o, "hostname", c.hostname().map(|s| json!(s)));
            put(&mut o, "user", c.user().map(|s| json!(s)));
            put(&mut o, "workingDirectory", c.working_directory().map(|s| json!(s)));
            put(&mut o, "disableNetworking", c.disable_networking().map(|b| json!(b)));
            put(&mut o, "privileged", c.privileged().map(|b| json!(b)));
            put(&mut o, "readonlyRootFilesystem", c.readonly_root_filesystem().map(|b| json!(b)));
            put(&mut o, "dnsServers", list_json(c.dns_servers()));
            put(&mut o, "dnsSearchDomains", list_json(c.dns_search_domains()));
            put_list(&mut o, "extraHosts", c.extra_hosts(), |h| json!({"hostname": h.hostname(), "ipAddress": h.ip_address()}));
            put(&mut o, "dockerSecurityOptions", list_json(c.docker_security_options()));
            put(&mut o, "interactive", c.interactive().map(|b| json!(b)));
            put(&mut o, "pseudoTerminal", c.pseudo_terminal().map(|b| json!(b)));
            put(
                &mut o,
                "dockerLabels",
                c.docker_labels().map(|labels| json!(labels.iter().collect::<BTreeMap<_, _>>())),
            );
            put_list(&mut o, "ulimits", c.ulimits(), |u| json!({"name": u.name().as_str(), "softLimit": u.soft_limit(), "hardLimit": u.hard_limit()}));
            put(
                &mut o,
                "logConfiguration",
                c.log_configuration().map(|l| {
                    json!({
                        "logDriver": l.log_driver().as_str(),
                        "options": l.options().map(|m| m.iter().collect::<BTreeMap<_, _>>()),
                        "secretOptions": l.secret_options().iter().map(secret_json).collect::<Vec<_>>(),
                    })
                }),
            );
            put(
                &mut o,
                "healthCheck",
                c.health_check().map(|h| {
                    json!({
                        "command": h.command(),
                        "interval": h.interval(),
                        "timeout": h.timeout(),
                        "retries": h.retries(),
                        "startPeriod": h.start_period(),
                    })
                }),
            );
            crate::ecs_container_settings::to_json(c, &mut o);
            Json::Object(o)
        })
        .collect();
    Json::Array(items).to_string()
}

/// A secret as the document writes it.
fn secret_json(s: &Secret) -> Json {
    json!({"name": s.name(), "valueFrom": s.value_from()})
}

/// Drops nulls, empty strings/arrays/objects at any depth; `None` when nothing is left.
fn drop_empty(value: Json) -> Option<Json> {
    match value {
        Json::Null => None,
        Json::Array(items) => {
            let items: Vec<Json> = items.into_iter().filter_map(drop_empty).collect();
            (!items.is_empty()).then_some(Json::Array(items))
        }
        Json::Object(entries) => {
            let mut sorted: Vec<(String, Json)> =
                entries.into_iter().filter_map(|(k, v)| drop_empty(v).map(|v| (k, v))).collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            (!sorted.is_empty()).then(|| Json::Object(sorted.into_iter().collect()))
        }
        other => Some(other),
    }
}

/// Numbers given as strings (`"cpu": "256"`) become numbers, as AWS reports them.
fn number_from_text(value: &mut Json) {
    if let Some(n) = value.as_str().and_then(|s| s.trim().parse::<i64>().ok()) {
        *value = json!(n);
    }
}

/// The normal form of a `container_definitions` document, so configuration and what AWS
/// reports compare equal: nulls and empty values dropped, AWS's defaults (`essential: true`,
/// `protocol: "tcp"`, `cpu: 0`, a host port equal to the container port under `awsvpc`)
/// dropped, `environment` sorted by name, keys sorted. Text that is not a JSON array is
/// returned unchanged.
pub fn normalize_container_definitions(text: &str, awsvpc: bool) -> String {
    let Ok(Json::Array(containers)) = serde_json::from_str::<Json>(text) else {
        return text.to_string();
    };
    let normalized: Vec<Json> = containers
        .into_iter()
        .map(|container| {
            let Json::Object(c) = container else {
                return container;
            };
            // ECS's own fields, each under ECS's name whatever case it was written in.
            let mut c: Map<String, Json> = c
                .into_iter()
                .filter_map(|(key, value)| Some((ecs_container_field(&key)?.to_string(), value)))
                .collect();
            for key in ["cpu", "memory", "memoryReservation", "startTimeout", "stopTimeout"] {
                if let Some(value) = c.get_mut(key) {
                    number_from_text(value);
                }
            }
            if c.get("essential") == Some(&Json::Bool(true)) {
                c.remove("essential");
            }
            if c.get("cpu") == Some(&json!(0)) {
                c.remove("cpu");
            }
            if let Some(Json::Array(ports)) = c.get_mut("portMappings") {
                for port in ports.iter_mut() {
                    let Json::Object(p) = port else { continue };
                    for key in ["containerPort", "hostPort"] {
                        if let Some(value) = p.get_mut(key) {
                            number_from_text(value);
                        }
                    }
                    if p.get("protocol").and_then(Json::as_str) == Some("tcp") {
                        p.remove("protocol");
                    }
                    let host = p.get("hostPort").cloned();
                    if host == Some(json!(0))
                        || (awsvpc && host.is_some() && host == p.get("containerPort").cloned())
                    {
                        p.remove("hostPort");
                    }
                }
            }
            if let Some(Json::Array(environment)) = c.get_mut("environment") {
                environment.sort_by(|a, b| {
                    let name = |v: &Json| {
                        v.get("name").and_then(Json::as_str).unwrap_or_default().to_string()
                    };
                    name(a).cmp(&name(b))
                });
            }
            if let Some(Json::Object(health)) = c.get_mut("healthCheck") {
                // AWS's health check defaults.
                for (key, default) in
                    [("interval", 30), ("timeout", 5), ("retries", 3), ("startPeriod", 0)]
                {
                    if health.get(key) == Some(&json!(default)) {
                        health.remove(key);
                    }
                }
            }
            drop_empty(Json::Object(c)).unwrap_or_else(|| json!({}))
        })
        .collect();
    Json::Array(normalized).to_string()
}

pub fn tags_to_sdk(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

pub fn tags_from_sdk(tags: &[Tag]) -> Vec<(String, String)> {
    crate::subnet_group_support::tag_pairs(tags, Tag::key, Tag::value)
}

/// Adds and removes the tag difference between `prior` and `planned` on an ECS ARN.
pub async fn update_tags(
    client: &aws_sdk_ecs::Client,
    arn: &str,
    prior: &infra_core::Value,
    planned: &infra_core::Value,
) -> Result<(), ProviderError> {
    crate::app_support::send_tag_changes!(
        prior,
        planned,
        |to_remove| client.untag_resource().resource_arn(arn).set_tag_keys(Some(to_remove)),
        |to_set| client.tag_resource().resource_arn(arn).set_tags(Some(tags_to_sdk(&to_set)))
    );
    Ok(())
}

pub use crate::app_support::has_managed_tags;

/// The ARN a create call answered with; where the answer holds none, the `kind` named `name`
/// [vanished](crate::app_support::vanished).
pub fn created_arn(arn: Option<&str>, kind: &str, name: &str) -> Result<String, ProviderError> {
    arn.map(str::to_string).ok_or_else(|| crate::app_support::vanished(kind, name))
}

/// The provider's `validateClusterName` on `attribute` (`aws_ecs_cluster.name`,
/// `aws_ecs_cluster_capacity_providers.cluster_name`, `aws_ecs_capacity_provider.cluster`):
/// `validation.All` of `StringLenBetween(1, 255)` and [`CLUSTER_NAME_PATTERN`], both reporting.
pub fn cluster_name_checks(attribute: infra_core::Attribute) -> infra_core::Attribute {
    attribute.check(infra_core::Check::Length(1, 255)).check(CLUSTER_NAME_PATTERN)
}

/// The pattern of the provider's `validateClusterName`.
const CLUSTER_NAME_PATTERN: infra_core::Check = infra_core::Check::Matches(infra_core::Pattern {
    expression: "^[0-9A-Za-z_-]+$",
    test: |name| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    },
    message: "The cluster name must consist of alphanumerics, hyphens, and underscores.",
});

/// A capacity provider strategy block (the service's `capacity_provider_strategy`, the
/// cluster's `default_capacity_provider_strategy`): provider, `base` 0–100000, `weight` 0–1000.
pub fn capacity_provider_strategy_block(name: &'static str) -> Block {
    Block::set(
        name,
        Schema::new()
            .attr(Attribute::required("capacity_provider", Type::String))
            .attr(
                Attribute::optional("base", Type::Number)
                    .default(infra_core::Value::Number(0.0))
                    .check(Check::Range(0, 100_000)),
            )
            .attr(
                Attribute::optional("weight", Type::Number)
                    .default(infra_core::Value::Number(0.0))
                    .check(Check::Range(0, 1000)),
            ),
    )
}

pub fn capacity_provider_strategy_to_sdk(
    value: &infra_core::Value,
    block: &str,
) -> Result<Vec<CapacityProviderStrategyItem>, ProviderError> {
    crate::app_support::blocks(value, block)
        .iter()
        .map(|item| {
            CapacityProviderStrategyItem::builder()
                .set_capacity_provider(crate::app_support::string(item, "capacity_provider"))
                .set_weight(crate::app_support::int(item, "weight"))
                .set_base(crate::app_support::int(item, "base"))
                .build()
                .map_err(|error| ProviderError::new(format!("{block}: {error}")))
        })
        .collect()
}

/// A capacity provider strategy item as ECS and EventBridge (an ECS target's parameters) both
/// report it: the provider, its weight and its base.
pub trait StrategyItem {
    fn parts(&self) -> (&str, i32, i32);
}

impl StrategyItem for CapacityProviderStrategyItem {
    fn parts(&self) -> (&str, i32, i32) {
        (self.capacity_provider(), self.weight(), self.base())
    }
}

impl StrategyItem for aws_sdk_eventbridge::types::CapacityProviderStrategyItem {
    fn parts(&self) -> (&str, i32, i32) {
        (self.capacity_provider(), self.weight(), self.base())
    }
}

/// `capacity_provider_strategy` as read back (a service's, a task set's, a cluster's default,
/// an event target's ECS parameters').
pub fn capacity_provider_strategy_value<I: StrategyItem>(items: &[I]) -> infra_core::Value {
    use crate::app_support::number;
    infra_core::Value::List(
        items
            .iter()
            .map(|item| {
                let (provider, weight, base) = item.parts();
                infra_core::Value::map([
                    ("capacity_provider", infra_core::Value::string(provider)),
                    ("weight", number(Some(i64::from(weight)))),
                    ("base", number(Some(i64::from(base)))),
                ])
            })
            .collect(),
    )
}

/// A service's or task set's `network_configuration` (awsvpc): subnets, security groups,
/// whether to assign a public IP.
pub fn network_configuration_block() -> Block {
    Block::single(
        "network_configuration",
        Schema::new()
            .attr(Attribute::required("subnets", Type::set(Type::String)))
            .attr(Attribute::optional("security_groups", Type::set(Type::String)))
            .attr(
                Attribute::optional("assign_public_ip", Type::Bool)
                    .default(infra_core::Value::Bool(false)),
            ),
    )
}

pub fn network_to_sdk(
    value: &infra_core::Value,
) -> Result<Option<NetworkConfiguration>, ProviderError> {
    use crate::app_support::{boolean, single, strings};
    let Some(network) = single(value, "network_configuration") else {
        return Ok(None);
    };
    // An empty list means the VPC's default group to AWS; the emulator needs the key present.
    let awsvpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(strings(network, "subnets")))
        .set_security_groups(Some(strings(network, "security_groups")))
        .assign_public_ip(if boolean(network, "assign_public_ip").unwrap_or(false) {
            AssignPublicIp::Enabled
        } else {
            AssignPublicIp::Disabled
        })
        .build()
        .map_err(|e| ProviderError::new(format!("network_configuration: {e}")))?;
    Ok(Some(NetworkConfiguration::builder().awsvpc_configuration(awsvpc).build()))
}

/// `network_configuration` as read back; no security groups read back as the configuration
/// (`hint`) wrote them: null or empty.
pub fn network_value(
    network: Option<&NetworkConfiguration>,
    hint: &infra_core::Value,
) -> infra_core::Value {
    use crate::app_support::single;
    let groups_hinted =
        single(hint, "network_configuration").is_some_and(|n| !n.get("security_groups").is_null());
    awsvpc_value(
        network.and_then(|n| n.awsvpc_configuration()).map(|vpc| {
            (
                vpc.subnets(),
                vpc.security_groups(),
                vpc.assign_public_ip() == Some(&AssignPublicIp::Enabled),
            )
        }),
        groups_hinted,
    )
}

/// A `network_configuration` block (ECS's and EventBridge's ECS parameters' alike) from the
/// awsvpc configuration read back: its subnets, security groups and whether a public IP is
/// assigned. No security groups read as null unless `groups_hinted` (then as an empty set).
pub fn awsvpc_value(
    awsvpc: Option<(&[String], &[String], bool)>,
    groups_hinted: bool,
) -> infra_core::Value {
    use crate::app_support::string_list;
    use infra_core::Value;
    let network = awsvpc.map(|(subnets, security_groups, public_ip)| {
        Value::map([
            ("subnets", string_list(subnets)),
            (
                "security_groups",
                if security_groups.is_empty() && !groups_hinted {
                    Value::Null
                } else {
                    string_list(security_groups)
                },
            ),
            ("assign_public_ip", Value::Bool(public_ip)),
        ])
    });
    Value::List(network.into_iter().collect())
}

/// A service's or task set's `service_registries` (Cloud Map), at most one.
pub fn service_registries_block() -> Block {
    Block::single(
        "service_registries",
        Schema::new()
            .attr(Attribute::required("registry_arn", Type::String).check(ARN))
            .attr(Attribute::optional("port", Type::Number).check(Check::Port))
            .attr(Attribute::optional("container_port", Type::Number).check(Check::Port))
            .attr(Attribute::optional("container_name", Type::String)),
    )
}

pub fn service_registries_to_sdk(value: &infra_core::Value) -> Vec<ServiceRegistry> {
    use crate::app_support::{blocks, int, string};
    blocks(value, "service_registries")
        .iter()
        .map(|b| {
            ServiceRegistry::builder()
                .set_registry_arn(string(b, "registry_arn"))
                .set_port(int(b, "port"))
                .set_container_port(int(b, "container_port"))
                .set_container_name(string(b, "container_name"))
                .build()
        })
        .collect()
}

pub fn service_registries_value(registries: &[ServiceRegistry]) -> infra_core::Value {
    use crate::app_support::{number, text};
    infra_core::Value::List(
        registries
            .iter()
            .map(|r| {
                infra_core::Value::map([
                    ("registry_arn", text(r.registry_arn())),
                    ("port", number(r.port().map(i64::from))),
                    ("container_port", number(r.container_port().map(i64::from))),
                    ("container_name", text(r.container_name())),
                ])
            })
            .collect(),
    )
}

/// The `load_balancer` blocks as ECS takes them; a Classic Load Balancer's name is the block's
/// `name_key` (`elb_name` in a service, `load_balancer_name` in a task set).
pub fn load_balancers_to_sdk(value: &infra_core::Value, name_key: &str) -> Vec<LoadBalancer> {
    use crate::app_support::{blocks, int, string};
    blocks(value, "load_balancer")
        .iter()
        .map(|lb| {
            LoadBalancer::builder()
                .set_load_balancer_name(string(lb, name_key))
                .set_target_group_arn(string(lb, "target_group_arn"))
                .set_container_name(string(lb, "container_name"))
                .set_container_port(int(lb, "container_port"))
                .build()
        })
        .collect()
}

/// A load balancer ECS reports, as its `load_balancer` block's attributes (the name as
/// `name_key`, as [`load_balancers_to_sdk`] says).
pub fn load_balancer_entries(
    lb: &LoadBalancer,
    name_key: &'static str,
) -> Vec<(&'static str, infra_core::Value)> {
    use crate::app_support::{number, text};
    vec![
        (name_key, text(lb.load_balancer_name())),
        ("target_group_arn", text(lb.target_group_arn())),
        ("container_name", text(lb.container_name())),
        ("container_port", number(lb.container_port().map(i64::from))),
    ]
}

/// The provider's `ConflictsWith` of `launch_type` and `capacity_provider_strategy`, in a
/// service and a task set alike.
pub fn launch_type_conflict(config: &infra_core::Value) -> Option<(String, String)> {
    (!config.get("launch_type").is_null()
        && !crate::app_support::blocks(config, "capacity_provider_strategy").is_empty())
    .then(|| {
        (
            "capacity_provider_strategy".to_string(),
            "\"capacity_provider_strategy\" conflicts with \"launch_type\": set only one."
                .to_string(),
        )
    })
}

/// ECS secrets (a container's `secret`, a log configuration's `secret_option`) as blocks.
pub fn secrets_value(secrets: &[Secret]) -> infra_core::Value {
    infra_core::Value::List(
        secrets
            .iter()
            .map(|s| {
                infra_core::Value::map([
                    ("name", infra_core::Value::string(s.name())),
                    ("value_from", infra_core::Value::string(s.value_from())),
                ])
            })
            .collect(),
    )
}

/// What a Describe found (by [`active_by_key`]), each object with its own tags.
pub fn with_tags<T>(
    found: BTreeMap<String, T>,
    tags: fn(&T) -> &[Tag],
) -> BTreeMap<String, crate::aws_object::Tagged<T>> {
    found
        .into_iter()
        .map(|(key, object)| {
            let tags = tags_from_sdk(tags(&object));
            (key, crate::aws_object::Tagged { object, tags })
        })
        .collect()
}

/// Adds to `found` each of `objects` a Describe call answered under each of `keys` that names
/// it (as one of `names` reads it: its name or ARN); `INACTIVE` ones (deleted, still
/// described) are left out.
pub fn active_by_key<T: Clone>(
    found: &mut BTreeMap<String, T>,
    keys: &[String],
    objects: &[T],
    status: impl Fn(&T) -> Option<&str>,
    names: [fn(&T) -> Option<&str>; 2],
) {
    for object in objects {
        if status(object) == Some("INACTIVE") {
            continue;
        }
        for key in keys {
            if names.iter().any(|name| name(object) == Some(key.as_str())) {
                found.insert(key.clone(), object.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form_drops_aws_defaults_and_sorts() {
        let config = r#"[{"name":"web","image":"nginx","memory":512,"essential":true,
            "portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}],
            "environment":[{"name":"B","value":"2"},{"name":"A","value":"1"}],"mountPoints":[]}]"#;
        let reported = r#"[{"cpu":0,"environment":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
            "image":"nginx","memory":512,"name":"web","portMappings":[{"containerPort":80,"hostPort":80}],
            "volumesFrom":[]}]"#;
        assert_eq!(
            normalize_container_definitions(config, true),
            normalize_container_definitions(reported, true)
        );
        assert!(!normalize_container_definitions(config, true).contains("essential"));
    }

    #[test]
    fn every_ecs_field_is_taken_and_fields_ecs_lacks_are_ignored() {
        let text = r#"[{"name":"a","image":"b","linuxParameters":{},"networkMode":"awsvpc"}]"#;
        assert_eq!(container_definition_problems(text), Vec::<String>::new());
        assert_eq!(
            container_definition_ignored_fields(text),
            vec!["container_definitions[0]: \"networkMode\" is not a field of an ECS container definition; it is ignored, as the AWS provider ignores it".to_string()]
        );
    }

    #[test]
    fn round_trip_through_the_sdk() {
        let config = r#"[{"name":"web","image":"nginx","memory":256,"command":["a"],
            "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"g"}},
            "healthCheck":{"command":["CMD","true"],"interval":10}}]"#;
        let sdk = containers_to_sdk(config).expect("parses");
        let back = containers_to_json(&sdk);
        assert_eq!(
            normalize_container_definitions(&back, false),
            normalize_container_definitions(config, false)
        );
    }
}
