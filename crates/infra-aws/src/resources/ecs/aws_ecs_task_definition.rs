//! `aws_ecs_task_definition`: one revision of a task definition family.
//!
//! Every change but tags registers a new revision (all such attributes force replacement), and
//! delete deregisters the revision. `container_definitions` is compared in the normal form of
//! [`crate::ecs_support::normalize_container_definitions`]. ECS has no batch describe for task
//! definitions, so refresh is one DescribeTaskDefinition (tags included) per instance.
//!
//! `skip_destroy` keeps the revision registered on delete, and `track_latest` refreshes the
//! family's latest ACTIVE revision instead of the one in state (both are configuration only).
//! Values ECS fills in for a volume (`scope = "task"`, EFS `root_directory = "/"`, transit
//! encryption `DISABLED`) read back as unset when the configuration leaves them unset, so they
//! do not plan a replacement.
//!
//! moto does not return `enable_fault_injection`, so drift on it is not seen in tests. S3 Files
//! volumes (`volume.s3files_volume_configuration`, provider 6.x) are shown by unit tests of the
//! request and the read-back.
//!
//! The type is an [`AwsObject`] keyed by the revision's `arn` (the import ID; Terraform's `id`
//! is the family): each attribute and block is declared once with how it is read from the
//! `TaskDefinition` (or kept from the prior value), and the family reads, imports, reads back
//! after a write and finds a lost create (the family's latest ACTIVE revision, with the
//! operation's managed tags). What is particular stays here: the RegisterTaskDefinition
//! request, the read by family under `track_latest`, the plan-time checks and the normal form
//! of `container_definitions`.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    Compatibility, CpuArchitecture, DockerVolumeConfiguration, EfsAuthorizationConfig,
    EfsAuthorizationConfigIam, EfsTransitEncryption, EfsVolumeConfiguration, EphemeralStorage,
    FSxWindowsFileServerAuthorizationConfig, FSxWindowsFileServerVolumeConfiguration,
    HostVolumeProperties, IpcMode, KeyValuePair, NetworkMode, OsFamily, PidMode,
    ProxyConfiguration, ProxyConfigurationType, RuntimePlatform, S3FilesVolumeConfiguration, Scope,
    TaskDefinition, TaskDefinitionField, TaskDefinitionPlacementConstraint,
    TaskDefinitionPlacementConstraintType, TaskDefinitionStatus, Volume,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, Schema, TextCheck, Type, Value,
};

use crate::app_support::{
    blocks, boolean, int, map_value, number, one_block, sent, single, string, string_list,
    string_map, strings, text,
};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{self, read, read_block, string_or_empty, switch};
use crate::declared::{Declared, Reading};
use crate::ecs_support::{
    container_definition_ignored_fields, container_definition_problems, containers_to_json,
    containers_to_sdk, created_arn, normalize_container_definitions, tags_from_sdk, tags_to_sdk,
    update_tags,
};
use crate::tagging::ManagedTags;
use crate::verify::ARN;

pub type AwsEcsTaskDefinition = ObjectType<TaskDefinitionObject>;

pub struct TaskDefinitionObject;

impl AwsEcsTaskDefinition {
    /// The task definition and its tags; `None` when it does not exist or is deregistered.
    /// `key` is an ARN, `family:revision`, or a family (its latest ACTIVE revision).
    async fn found_tagged(
        &self,
        key: &str,
    ) -> Result<Option<Tagged<TaskDefinition>>, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let response = sent!(client
            .describe_task_definition()
            .task_definition(key)
            .include(TaskDefinitionField::Tags));
        match response {
            Ok(response) => Ok(response
                .task_definition()
                .filter(|t| {
                    t.status() != Some(&TaskDefinitionStatus::Inactive)
                        && t.status() != Some(&TaskDefinitionStatus::DeleteInProgress)
                })
                .map(|t| Tagged { object: t.clone(), tags: tags_from_sdk(response.tags()) })),
            // ECS answers an unknown task definition with a ClientException.
            Err(error)
                if matches!(error.code.as_deref(), Some("ClientException"))
                    || crate::error::is_not_found(&error) =>
            {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }
}

// ---- The attributes and blocks, in the schema's order, each with how it is read ----

fn attributes() -> Vec<Declared<TaskDefinition>> {
    [identity(), arguments(), switches(), blocks_declared()].into_iter().flatten().collect()
}

/// The revision's ARN without its `:revision`.
fn arn_without_revision(task: &TaskDefinition, _: &Reading) -> Value {
    let arn = task.task_definition_arn().unwrap_or_default();
    match arn.rsplit_once(':') {
        Some((head, revision)) if revision.chars().all(|c| c.is_ascii_digit()) => {
            Value::string(head)
        }
        _ => Value::string(arn),
    }
}

/// What names the revision: Terraform's `id` (the family), the ARN and the revision number.
fn identity() -> Vec<Declared<TaskDefinition>> {
    vec![
        declared::string(Attribute::computed("id", Type::String), TaskDefinition::family),
        string_or_empty(
            Attribute::computed("arn", Type::String),
            TaskDefinition::task_definition_arn,
        ),
        read(Attribute::computed("arn_without_revision", Type::String), arn_without_revision),
        read(
            Attribute::computed("revision", Type::Number),
            |task: &TaskDefinition, _: &Reading| number(Some(i64::from(task.revision()))),
        ),
    ]
}

/// The task-level arguments, each registering a new revision when it changes.
fn arguments() -> Vec<Declared<TaskDefinition>> {
    vec![
        declared::string(
            Attribute::required("family", Type::String).force_new().check(FAMILY),
            TaskDefinition::family,
        ),
        read(
            Attribute::required("container_definitions", Type::Json).force_new(),
            |task: &TaskDefinition, _: &Reading| {
                Value::string(containers_to_json(task.container_definitions()))
            },
        ),
        read(
            Attribute::optional("requires_compatibilities", Type::set(Type::String))
                .force_new()
                .check(Check::OneOf(COMPATIBILITIES)),
            |task: &TaskDefinition, _: &Reading| {
                string_list(task.requires_compatibilities().iter().map(|c| c.as_str()))
            },
        ),
        read(
            Attribute::optional_computed("network_mode", Type::String)
                .check(Check::OneOf(&["bridge", "host", "awsvpc", "none"]))
                .force_new(),
            |task: &TaskDefinition, _: &Reading| text(task.network_mode().map(|m| m.as_str())),
        ),
        declared::string(Attribute::optional("cpu", Type::String).force_new(), TaskDefinition::cpu),
        declared::string(
            Attribute::optional("memory", Type::String).force_new(),
            TaskDefinition::memory,
        ),
        declared::string(
            Attribute::optional("execution_role_arn", Type::String).force_new().check(ARN),
            TaskDefinition::execution_role_arn,
        ),
        declared::string(
            Attribute::optional("task_role_arn", Type::String).force_new().check(ARN),
            TaskDefinition::task_role_arn,
        ),
        read(
            Attribute::optional("pid_mode", Type::String)
                .check(Check::OneOf(&["host", "task"]))
                .force_new(),
            |task: &TaskDefinition, _: &Reading| text(task.pid_mode().map(|m| m.as_str())),
        ),
        read(
            Attribute::optional("ipc_mode", Type::String)
                .check(Check::OneOf(&["host", "none", "task"]))
                .force_new(),
            |task: &TaskDefinition, _: &Reading| text(task.ipc_mode().map(|m| m.as_str())),
        ),
        read(
            Attribute::optional_computed("enable_fault_injection", Type::Bool).force_new(),
            |task: &TaskDefinition, _: &Reading| {
                Value::Bool(task.enable_fault_injection().unwrap_or(false))
            },
        ),
    ]
}

/// The configuration-only switches, kept from the prior value (else false); changed in place.
fn switches() -> Vec<Declared<TaskDefinition>> {
    vec![
        switch(Attribute::optional("skip_destroy", Type::Bool).default(Value::Bool(false))),
        switch(Attribute::optional("track_latest", Type::Bool).default(Value::Bool(false))),
    ]
}

fn blocks_declared() -> Vec<Declared<TaskDefinition>> {
    vec![
        read_block(
            Block::set("volume", volume_schema()).force_new(),
            |task: &TaskDefinition, at: &Reading| volumes_value(task.volumes(), at.prior),
        ),
        read_block(
            Block::single(
                "ephemeral_storage",
                Schema::new().attr(
                    Attribute::required("size_in_gib", Type::Number).check(Check::Range(21, 200)),
                ),
            )
            .force_new(),
            |task: &TaskDefinition, _: &Reading| {
                one_block(task.ephemeral_storage().map(|e| {
                    Value::map([("size_in_gib", number(Some(i64::from(e.size_in_gib()))))])
                }))
            },
        ),
        read_block(
            Block::single(
                "proxy_configuration",
                Schema::new()
                    .attr(Attribute::required("container_name", Type::String))
                    .attr(Attribute::optional("properties", Type::map(Type::String)))
                    .attr(
                        Attribute::optional("type", Type::String)
                            .default(Value::string("APPMESH"))
                            .check(Check::OneOf(&["APPMESH"])),
                    ),
            )
            .force_new(),
            |task: &TaskDefinition, _: &Reading| {
                one_block(task.proxy_configuration().map(proxy_value))
            },
        ),
        read_block(
            Block {
                max_items: Some(10),
                ..Block::set(
                    "placement_constraints",
                    Schema::new()
                        .attr(
                            Attribute::required("type", Type::String)
                                .check(Check::OneOf(&["memberOf"])),
                        )
                        .attr(Attribute::optional("expression", Type::String)),
                )
            }
            .force_new(),
            |task: &TaskDefinition, _: &Reading| {
                Value::List(
                    task.placement_constraints()
                        .iter()
                        .map(|c| {
                            Value::map([
                                ("type", text(c.r#type().map(|t| t.as_str()))),
                                ("expression", text(c.expression())),
                            ])
                        })
                        .collect(),
                )
            },
        ),
        read_block(
            Block::single(
                "runtime_platform",
                Schema::new()
                    .attr(
                        Attribute::optional("operating_system_family", Type::String)
                            .check(Check::OneOf(OS_FAMILIES)),
                    )
                    .attr(
                        Attribute::optional("cpu_architecture", Type::String)
                            .check(Check::OneOf(&["X86_64", "ARM64"])),
                    ),
            )
            .force_new(),
            |task: &TaskDefinition, _: &Reading| runtime_platform_value(task.runtime_platform()),
        ),
    ]
}

/// The proxy configuration as a value: no `properties` reads as null, no type as `APPMESH`.
fn proxy_value(proxy: &ProxyConfiguration) -> Value {
    let properties: BTreeMap<String, Value> = proxy
        .properties()
        .iter()
        .filter_map(|kv| Some((kv.name()?.to_string(), Value::string(kv.value()?))))
        .collect();
    Value::map([
        ("container_name", Value::string(proxy.container_name())),
        ("properties", if properties.is_empty() { Value::Null } else { Value::Map(properties) }),
        ("type", Value::string(proxy.r#type().map(|t| t.as_str()).unwrap_or("APPMESH"))),
    ])
}

/// The runtime platform as a block; none when ECS reports neither field.
fn runtime_platform_value(platform: Option<&RuntimePlatform>) -> Value {
    one_block(
        platform
            .filter(|p| p.operating_system_family().is_some() || p.cpu_architecture().is_some())
            .map(|p| {
                Value::map([
                    (
                        "operating_system_family",
                        text(p.operating_system_family().map(|f| f.as_str())),
                    ),
                    ("cpu_architecture", text(p.cpu_architecture().map(|c| c.as_str()))),
                ])
            }),
    )
}

fn volume_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("name", Type::String))
        .attr(Attribute::optional("host_path", Type::String))
        .attr(Attribute::optional("configure_at_launch", Type::Bool))
        .block(Block::single(
            "docker_volume_configuration",
            Schema::new()
                .attr(
                    Attribute::optional("scope", Type::String)
                        .check(Check::OneOf(&["task", "shared"])),
                )
                .attr(Attribute::optional("autoprovision", Type::Bool))
                .attr(Attribute::optional("driver", Type::String))
                .attr(Attribute::optional("driver_opts", Type::map(Type::String)))
                .attr(Attribute::optional("labels", Type::map(Type::String))),
        ))
        .block(Block::single(
            "s3files_volume_configuration",
            Schema::new()
                .attr(Attribute::optional("access_point_arn", Type::String).check(ARN))
                .attr(Attribute::required("file_system_arn", Type::String).check(ARN))
                .attr(
                    Attribute::optional("root_directory", Type::String).default(Value::string("/")),
                )
                .attr(
                    Attribute::optional("transit_encryption_port", Type::Number)
                        .default(Value::Number(0.0))
                        .check(Check::Range(0, 65535)),
                ),
        ))
        .block(Block::single(
            "efs_volume_configuration",
            Schema::new()
                .attr(Attribute::required("file_system_id", Type::String))
                .attr(Attribute::optional("root_directory", Type::String))
                .attr(
                    Attribute::optional("transit_encryption", Type::String)
                        .check(Check::OneOf(&["ENABLED", "DISABLED"])),
                )
                .attr(
                    Attribute::optional("transit_encryption_port", Type::Number).check(Check::Port),
                )
                .block(Block::single(
                    "authorization_config",
                    Schema::new().attr(Attribute::optional("access_point_id", Type::String)).attr(
                        Attribute::optional("iam", Type::String)
                            .check(Check::OneOf(&["ENABLED", "DISABLED"])),
                    ),
                )),
        ))
        .block(Block::single(
            "fsx_windows_file_server_volume_configuration",
            Schema::new()
                .attr(Attribute::required("file_system_id", Type::String))
                .attr(Attribute::required("root_directory", Type::String))
                .block(
                    Block::single(
                        "authorization_config",
                        Schema::new()
                            .attr(
                                Attribute::required("credentials_parameter", Type::String)
                                    .check(ARN),
                            )
                            .attr(Attribute::required("domain", Type::String)),
                    )
                    .required(),
                ),
        ))
}

fn volumes_to_sdk(value: &Value) -> Result<Vec<Volume>, ProviderError> {
    let invalid =
        |what: &str, e: &dyn std::fmt::Display| ProviderError::new(format!("volume.{what}: {e}"));
    let mut out = Vec::new();
    for volume in blocks(value, "volume") {
        let docker = single(volume, "docker_volume_configuration").map(|d| {
            DockerVolumeConfiguration::builder()
                .set_scope(string(d, "scope").map(|s| Scope::from(s.as_str())))
                .set_autoprovision(boolean(d, "autoprovision"))
                .set_driver(string(d, "driver"))
                .set_driver_opts(string_map(d, "driver_opts"))
                .set_labels(string_map(d, "labels"))
                .build()
        });
        let efs = match single(volume, "efs_volume_configuration") {
            Some(e) => Some(
                EfsVolumeConfiguration::builder()
                    .set_file_system_id(string(e, "file_system_id"))
                    .set_root_directory(string(e, "root_directory"))
                    .set_transit_encryption(
                        string(e, "transit_encryption")
                            .map(|t| EfsTransitEncryption::from(t.as_str())),
                    )
                    .set_transit_encryption_port(int(e, "transit_encryption_port"))
                    .set_authorization_config(single(e, "authorization_config").map(|a| {
                        EfsAuthorizationConfig::builder()
                            .set_access_point_id(string(a, "access_point_id"))
                            .set_iam(
                                string(a, "iam")
                                    .map(|i| EfsAuthorizationConfigIam::from(i.as_str())),
                            )
                            .build()
                    }))
                    .build()
                    .map_err(|e| invalid("efs_volume_configuration", &e))?,
            ),
            None => None,
        };
        let fsx = match single(volume, "fsx_windows_file_server_volume_configuration") {
            Some(f) => {
                let authorization = match single(f, "authorization_config") {
                    Some(a) => Some(
                        FSxWindowsFileServerAuthorizationConfig::builder()
                            .set_credentials_parameter(string(a, "credentials_parameter"))
                            .set_domain(string(a, "domain"))
                            .build()
                            .map_err(|e| {
                                invalid("fsx_windows_file_server_volume_configuration", &e)
                            })?,
                    ),
                    None => None,
                };
                Some(
                    FSxWindowsFileServerVolumeConfiguration::builder()
                        .set_file_system_id(string(f, "file_system_id"))
                        .set_root_directory(string(f, "root_directory"))
                        .set_authorization_config(authorization)
                        .build()
                        .map_err(|e| invalid("fsx_windows_file_server_volume_configuration", &e))?,
                )
            }
            None => None,
        };
        let s3files = match single(volume, "s3files_volume_configuration") {
            Some(f) => {
                Some(s3files_to_sdk(f).map_err(|e| invalid("s3files_volume_configuration", &e))?)
            }
            None => None,
        };
        out.push(
            Volume::builder()
                .set_name(string(volume, "name"))
                .set_host(
                    string(volume, "host_path")
                        .map(|path| HostVolumeProperties::builder().source_path(path).build()),
                )
                .set_configured_at_launch(boolean(volume, "configure_at_launch"))
                .set_docker_volume_configuration(docker)
                .set_efs_volume_configuration(efs)
                .set_fsx_windows_file_server_volume_configuration(fsx)
                .set_s3files_volume_configuration(s3files)
                .build(),
        );
    }
    Ok(out)
}

/// The launch types a task definition can require (the provider's list).
const COMPATIBILITIES: &[&str] = &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];

/// ECS's operating system families (`OSFamily`).
const OS_FAMILIES: &[&str] = &[
    "LINUX",
    "WINDOWS_SERVER_2004_CORE",
    "WINDOWS_SERVER_2016_FULL",
    "WINDOWS_SERVER_2019_CORE",
    "WINDOWS_SERVER_2019_FULL",
    "WINDOWS_SERVER_2022_CORE",
    "WINDOWS_SERVER_2022_FULL",
    "WINDOWS_SERVER_2025_CORE",
    "WINDOWS_SERVER_2025_FULL",
    "WINDOWS_SERVER_20H2_CORE",
];

/// The provider's check of `family`: 1 to 255 letters, digits, underscores and hyphens.
const FAMILY: Check =
    Check::Text(TextCheck { name: "task definition family", check: family_problem });

fn family_problem(key: &str, family: &str) -> Option<String> {
    if !(1..=255).contains(&family.len()) {
        Some(format!("expected length of {key} to be in the range (1 - 255), got {family}"))
    } else if !family.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        Some(format!(
            "invalid value for {key} (see \
             https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html)"
        ))
    } else {
        None
    }
}

/// A volume's `s3files_volume_configuration` as ECS takes it (the provider's
/// `expandS3FilesVolumeConfiguration`): the ARNs and root directory when not empty, the transit
/// encryption port when not 0 (the schema's default, which lets ECS choose).
fn s3files_to_sdk(
    config: &Value,
) -> Result<S3FilesVolumeConfiguration, aws_sdk_ecs::error::BuildError> {
    let non_empty = |key: &str| string(config, key).filter(|v| !v.is_empty());
    S3FilesVolumeConfiguration::builder()
        .set_access_point_arn(non_empty("access_point_arn"))
        .set_file_system_arn(non_empty("file_system_arn"))
        .set_root_directory(non_empty("root_directory"))
        .set_transit_encryption_port(int(config, "transit_encryption_port").filter(|p| *p != 0))
        .build()
}

/// An S3 Files volume as the provider flattens it, with the schema's defaults where ECS reports
/// nothing: the root directory `/` (which ECS documents as the same as none) and port 0.
fn s3files_value(config: &S3FilesVolumeConfiguration) -> Value {
    Value::map([
        ("access_point_arn", text(config.access_point_arn())),
        ("file_system_arn", Value::string(config.file_system_arn())),
        ("root_directory", Value::string(config.root_directory().unwrap_or("/"))),
        (
            "transit_encryption_port",
            number(Some(i64::from(config.transit_encryption_port().unwrap_or(0)))),
        ),
    ])
}

/// The volumes as values. Where ECS fills in a default the configuration left unset (matched
/// by volume name in `hint`), the value reads back unset.
fn volumes_value(volumes: &[Volume], hint: &Value) -> Value {
    let configured = blocks(hint, "volume");
    Value::List(
        volumes
            .iter()
            .map(|volume| {
                let name = volume.name().unwrap_or_default();
                let mine = configured
                    .iter()
                    .find(|v| v.get("name").as_str() == Some(name))
                    .cloned()
                    .unwrap_or(Value::Null);
                volume_value(volume, &mine)
            })
            .collect(),
    )
}

/// `reported`, or unset where it is ECS's `default` and `configured`'s `block.key` is unset.
fn unset_default(
    configured: &Value,
    block: &str,
    key: &str,
    reported: Option<&str>,
    default: &str,
) -> Value {
    let hinted = single(configured, block).map(|b| b.get(key)).unwrap_or(&Value::Null);
    match reported {
        Some(r) if r == default && hinted.is_null() => Value::Null,
        other => text(other),
    }
}

/// One volume as a value; `mine` is the configuration's volume of that name (or null).
fn volume_value(volume: &Volume, mine: &Value) -> Value {
    let listed = |value: Option<Value>| Value::List(value.into_iter().collect());
    Value::map([
        ("name", Value::string(volume.name().unwrap_or_default())),
        ("host_path", text(volume.host().and_then(|h| h.source_path()))),
        (
            "configure_at_launch",
            match volume.configured_at_launch() {
                Some(false) if mine.get("configure_at_launch").is_null() => Value::Null,
                other => other.map(Value::Bool).unwrap_or(Value::Null),
            },
        ),
        (
            "docker_volume_configuration",
            listed(volume.docker_volume_configuration().map(|d| docker_volume_value(d, mine))),
        ),
        (
            "efs_volume_configuration",
            listed(volume.efs_volume_configuration().map(|e| efs_volume_value(e, mine))),
        ),
        (
            "fsx_windows_file_server_volume_configuration",
            listed(volume.fsx_windows_file_server_volume_configuration().map(fsx_volume_value)),
        ),
        (
            "s3files_volume_configuration",
            listed(volume.s3files_volume_configuration().map(s3files_value)),
        ),
    ])
}

fn docker_volume_value(d: &DockerVolumeConfiguration, mine: &Value) -> Value {
    const BLOCK: &str = "docker_volume_configuration";
    Value::map([
        ("scope", unset_default(mine, BLOCK, "scope", d.scope().map(|s| s.as_str()), "task")),
        (
            "autoprovision",
            match d.autoprovision() {
                Some(false)
                    if single(mine, BLOCK).is_none_or(|b| b.get("autoprovision").is_null()) =>
                {
                    Value::Null
                }
                other => other.map(Value::Bool).unwrap_or(Value::Null),
            },
        ),
        ("driver", text(d.driver())),
        ("driver_opts", map_value(d.driver_opts())),
        ("labels", map_value(d.labels())),
    ])
}

fn efs_volume_value(e: &EfsVolumeConfiguration, mine: &Value) -> Value {
    const BLOCK: &str = "efs_volume_configuration";
    let authorization = e.authorization_config().map(|a| {
        Value::map([
            ("access_point_id", text(a.access_point_id())),
            ("iam", text(a.iam().map(|i| i.as_str()))),
        ])
    });
    Value::map([
        ("file_system_id", Value::string(e.file_system_id())),
        ("root_directory", unset_default(mine, BLOCK, "root_directory", e.root_directory(), "/")),
        (
            "transit_encryption",
            unset_default(
                mine,
                BLOCK,
                "transit_encryption",
                e.transit_encryption().map(|t| t.as_str()),
                "DISABLED",
            ),
        ),
        ("transit_encryption_port", number(e.transit_encryption_port().map(i64::from))),
        ("authorization_config", Value::List(authorization.into_iter().collect())),
    ])
}

fn fsx_volume_value(f: &FSxWindowsFileServerVolumeConfiguration) -> Value {
    let authorization = f.authorization_config().map(|a| {
        Value::map([
            ("credentials_parameter", Value::string(a.credentials_parameter())),
            ("domain", Value::string(a.domain())),
        ])
    });
    Value::map([
        ("file_system_id", Value::string(f.file_system_id())),
        ("root_directory", Value::string(f.root_directory())),
        ("authorization_config", Value::List(authorization.into_iter().collect())),
    ])
}

/// The plan-time checks: `container_definitions`, placement constraints, S3 Files ARNs and
/// what Fargate requires.
fn validate(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(text) = config.get("container_definitions").as_str() {
        for problem in container_definition_problems(text) {
            problems.push(("container_definitions".to_string(), problem));
        }
    }
    // The provider's validPlacementConstraint, run when it builds the request.
    problems.extend(super::aws_ecs_service::member_of_problems(config));
    let fargate = config
        .get("requires_compatibilities")
        .as_list()
        .is_some_and(|items| items.iter().any(|i| i.as_str() == Some("FARGATE")));
    if fargate {
        if config.get("network_mode").as_str().is_some_and(|m| m != "awsvpc") {
            problems.push((
                "network_mode".to_string(),
                "Fargate task definitions need network_mode = \"awsvpc\"".to_string(),
            ));
        }
        for key in ["cpu", "memory"] {
            if config.get(key).is_null() {
                problems.push((
                    key.to_string(),
                    format!("Fargate task definitions need a task-level \"{key}\""),
                ));
            }
        }
    }
    problems
}

fn runtime_platform_to_sdk(planned: &Value) -> Option<RuntimePlatform> {
    single(planned, "runtime_platform").map(|p| {
        RuntimePlatform::builder()
            .set_operating_system_family(
                string(p, "operating_system_family").map(|f| OsFamily::from(f.as_str())),
            )
            .set_cpu_architecture(
                string(p, "cpu_architecture").map(|c| CpuArchitecture::from(c.as_str())),
            )
            .build()
    })
}

fn proxy_to_sdk(planned: &Value) -> Result<Option<ProxyConfiguration>, ProviderError> {
    let Some(p) = single(planned, "proxy_configuration") else {
        return Ok(None);
    };
    let properties: Vec<KeyValuePair> = p
        .get("properties")
        .as_map()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|(k, v)| {
                    Some(KeyValuePair::builder().name(k).value(v.as_str()?).build())
                })
                .collect()
        })
        .unwrap_or_default();
    ProxyConfiguration::builder()
        .set_container_name(string(p, "container_name"))
        .set_type(string(p, "type").map(|t| ProxyConfigurationType::from(t.as_str())))
        .set_properties((!properties.is_empty()).then_some(properties))
        .build()
        .map(Some)
        .map_err(|e| ProviderError::new(format!("proxy_configuration: {e}")))
}

fn constraints_to_sdk(planned: &Value) -> Vec<TaskDefinitionPlacementConstraint> {
    blocks(planned, "placement_constraints")
        .iter()
        .map(|c| {
            TaskDefinitionPlacementConstraint::builder()
                .set_type(
                    string(c, "type")
                        .map(|t| TaskDefinitionPlacementConstraintType::from(t.as_str())),
                )
                .set_expression(string(c, "expression"))
                .build()
        })
        .collect()
}

impl AwsObject for TaskDefinitionObject {
    type Object = TaskDefinition;
    const NAME: &'static str = "aws_ecs_task_definition";
    const KIND: &'static str = "task definition";
    /// Terraform's import ID is the revision's ARN (its `id` is the family).
    const KEY: &'static str = "arn";
    /// `skip_destroy` keeps the revision for whatever still runs it.
    const SKIP_DESTROY: bool = true;

    fn attributes() -> Vec<Declared<TaskDefinition>> {
        attributes()
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(1)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        validate(config)
    }

    fn warnings(config: &Value) -> Vec<(String, String)> {
        let text = config.get("container_definitions").as_str().unwrap_or_default();
        container_definition_ignored_fields(text)
            .into_iter()
            .map(|message| ("container_definitions".to_string(), message))
            .collect()
    }

    /// Puts `container_definitions` in its normal form (AWS's defaults dropped, keys and
    /// environment sorted), so configuration and what AWS reports compare equal.
    fn normalize(value: &mut Value) {
        let awsvpc = value.get("network_mode").as_str() == Some("awsvpc");
        if let Some(entries) = value.map_mut() {
            if let Some(Value::String(text)) = entries.get_mut("container_definitions") {
                *text = normalize_container_definitions(text, awsvpc);
            }
        }
    }

    /// The family name resolves to its latest ACTIVE revision: a lost create's is found by it
    /// (every RegisterTaskDefinition is a new revision).
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "family")
    }

    /// One DescribeTaskDefinition (tags included) per key, one after another.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<TaskDefinition> {
        key_by_key(keys, |key| this.found_tagged(key)).await
    }

    /// Each prior's revision by its ARN, one after another in the priors' order; under
    /// `track_latest`, the family's latest ACTIVE revision instead (so a revision registered
    /// outside, by a CI pipeline, is not drift), filed under the prior's ARN.
    async fn describe_priors(
        this: &ObjectType<Self>,
        priors: &[Value],
    ) -> DescribeResult<TaskDefinition> {
        let mut out = BTreeMap::new();
        for prior in priors {
            let Some(arn) = Self::key_of(prior) else {
                continue;
            };
            let key = match (boolean(prior, "track_latest"), string(prior, "family")) {
                (Some(true), Some(family)) => family,
                _ => arn.clone(),
            };
            if let Some(found) = this.found_tagged(&key).await? {
                out.insert(arn, found);
            }
        }
        Ok(out)
    }

    /// One RegisterTaskDefinition, tagged with the managed tags; its answer's ARN.
    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ecs;
        let family = string(at.planned, "family").ok_or_else(|| {
            ProviderError::new("aws_ecs_task_definition needs a known \"family\"")
        })?;
        let containers =
            containers_to_sdk(&string(at.planned, "container_definitions").unwrap_or_default())?;
        let compatibilities: Vec<Compatibility> = strings(at.planned, "requires_compatibilities")
            .iter()
            .map(|c| Compatibility::from(c.as_str()))
            .collect();
        let volumes = volumes_to_sdk(at.planned)?;
        let proxy = proxy_to_sdk(at.planned)?;
        let constraints = constraints_to_sdk(at.planned);
        let response = sent!(client
            .register_task_definition()
            .family(&family)
            .set_container_definitions(Some(containers))
            .set_requires_compatibilities((!compatibilities.is_empty()).then_some(compatibilities))
            .set_network_mode(
                string(at.planned, "network_mode").map(|m| NetworkMode::from(m.as_str())),
            )
            .set_cpu(string(at.planned, "cpu"))
            .set_memory(string(at.planned, "memory"))
            .set_execution_role_arn(string(at.planned, "execution_role_arn"))
            .set_task_role_arn(string(at.planned, "task_role_arn"))
            .set_runtime_platform(runtime_platform_to_sdk(at.planned))
            .set_pid_mode(string(at.planned, "pid_mode").map(|m| PidMode::from(m.as_str())))
            .set_ipc_mode(string(at.planned, "ipc_mode").map(|m| IpcMode::from(m.as_str())))
            .set_enable_fault_injection(boolean(at.planned, "enable_fault_injection"))
            .set_volumes((!volumes.is_empty()).then_some(volumes))
            .set_ephemeral_storage(
                single(at.planned, "ephemeral_storage")
                    .and_then(|e| int(e, "size_in_gib"))
                    .map(|size| EphemeralStorage::builder().size_in_gib(size).build()),
            )
            .set_proxy_configuration(proxy)
            .set_placement_constraints((!constraints.is_empty()).then_some(constraints))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned)))))?;
        let arn = response.task_definition().and_then(TaskDefinition::task_definition_arn);
        created_arn(arn, "task definition", &family)
    }

    /// Only the tags (and the configuration-only switches) change in place.
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ecs;
        update_tags(client, at.key, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    /// DeregisterTaskDefinition, unless the revision is already gone (or deregistered).
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.ecs;
        if at.this.found_tagged(at.key).await?.is_none() {
            return Ok(());
        }
        sent!(client.deregister_task_definition().task_definition(at.key))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    /// A task definition configuration with one volume holding `s3files`.
    fn with_s3files(s3files: Value) -> Value {
        Value::map([(
            "volume",
            Value::List(vec![Value::map([
                ("name", Value::string("workspace")),
                ("s3files_volume_configuration", Value::List(vec![s3files])),
            ])]),
        )])
    }

    /// What the first of `volumes` holds of `s3files_volume_configuration`.
    fn s3files_block(volumes: &Value) -> Value {
        volumes
            .as_list()
            .and_then(|items| items.first())
            .map(|v| v.get("s3files_volume_configuration").clone())
            .unwrap_or(Value::Null)
    }

    /// `volume.s3files_volume_configuration` (provider 6.x) is sent in RegisterTaskDefinition
    /// as the provider expands it and read back as it flattens it. moto 5.2.5 keeps volumes as
    /// sent, but no end-to-end test registers one: this test shows the request and the
    /// read-back.
    #[test]
    fn s3files_volumes_are_sent_and_read_back() {
        let fs = "arn:aws:s3files:us-east-1:123456789012:file-system/fs-0123";
        let ap = "arn:aws:s3files:us-east-1:123456789012:access-point/fsap-0123";
        let config = with_s3files(Value::map([
            ("file_system_arn", Value::string(fs)),
            ("access_point_arn", Value::string(ap)),
            ("root_directory", Value::string("/")),
            ("transit_encryption_port", Value::Number(2049.0)),
        ]));
        let volumes = volumes_to_sdk(&config).expect("valid");
        let sent = volumes[0].s3files_volume_configuration().expect("sent");
        assert_eq!(sent.file_system_arn(), fs);
        assert_eq!(sent.access_point_arn(), Some(ap));
        assert_eq!(sent.root_directory(), Some("/"));
        assert_eq!(sent.transit_encryption_port(), Some(2049));
        let read = volumes_value(&volumes, &config);
        assert_eq!(s3files_block(&read), s3files_block(config.get("volume")));

        // The schema's defaults (planned when left out): port 0 is not sent, so ECS chooses;
        // what ECS leaves out of its answer reads back as those defaults.
        let config = with_s3files(Value::map([
            ("file_system_arn", Value::string(fs)),
            ("access_point_arn", Value::Null),
            ("root_directory", Value::string("/")),
            ("transit_encryption_port", Value::Number(0.0)),
        ]));
        let volumes = volumes_to_sdk(&config).expect("valid");
        let sent = volumes[0].s3files_volume_configuration().expect("sent");
        assert_eq!(sent.transit_encryption_port(), None);
        assert_eq!(sent.access_point_arn(), None);
        let answered = vec![Volume::builder()
            .name("workspace")
            .s3files_volume_configuration(
                S3FilesVolumeConfiguration::builder().file_system_arn(fs).build().expect("built"),
            )
            .build()];
        let read = volumes_value(&answered, &config);
        assert_eq!(s3files_block(&read), s3files_block(config.get("volume")));

        // A volume of another kind reads back without one.
        let read = volumes_value(&[Volume::builder().name("scratch").build()], &Value::Null);
        assert_eq!(s3files_block(&read), Value::List(vec![]));
    }

    /// The provider's value checks: the family name, the role ARNs, the launch types, the
    /// operating system family and the FSx credentials ARN, each at its location.
    #[test]
    fn arguments_are_checked_as_the_provider_checks_them() {
        let ecs = AwsEcsTaskDefinition::new(Aws::new(crate::ProviderSettings::default()));
        let config = |family: &str, role: &str, launch: &str, os: &str| {
            Value::map([
                ("family", Value::string(family)),
                ("container_definitions", Value::string("[]")),
                ("execution_role_arn", Value::string(role)),
                ("task_role_arn", Value::Unknown),
                ("requires_compatibilities", Value::List(vec![Value::string(launch)])),
                (
                    "runtime_platform",
                    Value::List(vec![Value::map([("operating_system_family", Value::string(os))])]),
                ),
                (
                    "volume",
                    Value::List(vec![Value::map([
                        ("name", Value::string("share")),
                        (
                            "fsx_windows_file_server_volume_configuration",
                            Value::List(vec![Value::map([
                                ("file_system_id", Value::string("fs-0123")),
                                ("root_directory", Value::string("\\data")),
                                (
                                    "authorization_config",
                                    Value::List(vec![Value::map([
                                        ("credentials_parameter", Value::string(role)),
                                        ("domain", Value::string("corp.example")),
                                    ])]),
                                ),
                            ])]),
                        ),
                    ])]),
                ),
            ])
        };
        let good = config(
            "web-app_1",
            "arn:aws:iam::123456789012:role/exec",
            "EC2",
            "WINDOWS_SERVER_2022_CORE",
        );
        assert!(ecs.problems(&good).is_empty(), "{:?}", ecs.problems(&good));
        let bad = config("web.app", "exec", "LAMBDA", "MACOS");
        let at: Vec<String> = ecs.problems(&bad).into_iter().map(|(at, _)| at).collect();
        assert_eq!(
            at,
            [
                "family",
                "requires_compatibilities[0]",
                "execution_role_arn",
                "volume[0].fsx_windows_file_server_volume_configuration[0].authorization_config[0].credentials_parameter",
                "runtime_platform[0].operating_system_family",
            ]
        );
        let long = config(
            &"f".repeat(256),
            "arn:aws:iam::123456789012:role/exec",
            "MANAGED_INSTANCES",
            "LINUX",
        );
        assert_eq!(
            ecs.problems(&long).into_iter().map(|(_, message)| message).collect::<Vec<_>>(),
            [format!(
                "expected length of family to be in the range (1 - 255), got {}",
                "f".repeat(256)
            )]
        );
    }

    /// A memberOf placement constraint needs an expression, as the provider checks it.
    #[test]
    fn a_member_of_constraint_needs_an_expression() {
        let ecs = AwsEcsTaskDefinition::new(Aws::new(crate::ProviderSettings::default()));
        let config = |expression: Value| {
            Value::map([
                ("family", Value::string("web")),
                ("container_definitions", Value::string("[]")),
                (
                    "placement_constraints",
                    Value::List(vec![Value::map([
                        ("type", Value::string("memberOf")),
                        ("expression", expression),
                    ])]),
                ),
            ])
        };
        assert!(ecs.validate(&config(Value::string("attribute:ecs.os-type == linux"))).is_empty());
        assert_eq!(
            ecs.validate(&config(Value::Null)),
            [(
                "placement_constraints[0].expression".to_string(),
                "Expression cannot be nil for 'memberOf' type".to_string()
            )]
        );
    }

    /// The ARNs are checked at plan time as the provider's `verify.ValidARN` checks them.
    #[test]
    fn s3files_arns_are_checked_at_their_location() {
        let ecs = AwsEcsTaskDefinition::new(Aws::new(crate::ProviderSettings::default()));
        let config = with_s3files(Value::map([
            ("file_system_arn", Value::string("fs-0123")),
            (
                "access_point_arn",
                Value::string("arn:aws:s3files:us-east-1:123456789012:access-point/fsap-0123"),
            ),
        ]));
        let problems: Vec<_> =
            ecs.problems(&config).into_iter().filter(|(at, _)| at.starts_with("volume")).collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "volume[0].s3files_volume_configuration[0].file_system_arn");
        assert!(problems[0].1.contains("invalid ARN"), "{}", problems[0].1);
    }
}
