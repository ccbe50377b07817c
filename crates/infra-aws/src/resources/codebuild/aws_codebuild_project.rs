//! `aws_codebuild_project`: a CodeBuild build project. The Terraform ID is the project ARN
//! for a project this tool created; the import ID is the project name (an ARN works too, as
//! BatchGetProjects takes both), and an imported project keeps the import ID as its `id`, as
//! the provider documents ("Name (if imported via name) or ARN").
//!
//! Only `name` forces a new project. Everything else changes in place: `project_visibility`
//! and `resource_access_role` with UpdateProjectVisibility, the rest with one UpdateProject
//! carrying the changed members plus the whole tag set (UpdateProject's `tags` replace the
//! project's). A removed `vpc_config`, `build_batch_config`, list of secondary sources,
//! artifacts, source versions or file systems is sent empty, a removed
//! `concurrent_build_limit` as -1, as the provider does. CreateProject and UpdateProject are
//! retried for up to two minutes while AWS says CodeBuild is "not authorized to perform" a
//! call (a new service role's policies still propagating), as the provider does.
//!
//! Without `cache` or `logs_config` blocks (or without `cloudwatch_logs` / `s3_logs` inside
//! `logs_config`) the project keeps what AWS reports (no cache; CloudWatch logs enabled, S3 logs
//! disabled), as the provider's SuppressMissingOptionalConfigurationBlock does. Optional
//! arguments without a default that AWS reports as empty, zero or false (`buildspec`,
//! `git_clone_depth`, `insecure_ssl`, log group names, ...) read back as the configuration left
//! them, so an unset one is not drift; an artifact `namespace_type` / `packaging` of `NONE` on
//! S3, any `packaging` on CODEPIPELINE and an artifact `name` equal to the project's read back
//! as unset when unset, the provider's diff suppressions. For `LINUX_LAMBDA_CONTAINER` and
//! `ARM_LAMBDA_CONTAINER` environments `build_timeout` and `queued_timeout` keep the prior
//! value (AWS ignores them there). Environment variable values are not sensitive, as in the
//! provider (use `PARAMETER_STORE` or `SECRETS_MANAGER` variables for secrets).
//!
//! The type is an [`AwsObject`]: a project's key is its name, else its ARN, else its ID (what
//! BatchGetProjects takes), and each attribute is declared with how it is read back. Refresh is
//! one BatchGetProjects per 100 names or ARNs; a missing project comes back in
//! `projectsNotFound`. Tags come with the project. A create or update is read back with one
//! BatchGetProjects of the name.
//!
//! moto 5.2.5 has no UpdateProject or UpdateProjectVisibility, drops the secondary sources,
//! source versions and artifacts, `badgeEnabled`, `fileSystemLocations`, `buildBatchConfig`,
//! `concurrentBuildLimit`, `autoRetryLimit` and a given `encryptionKey` from CreateProject, and
//! leaves `projectsNotFound` out; tests/support/moto_codebuild.py adds them. moto accepts only
//! four environment types and four compute types, and needs a source `location`. Where an
//! answer has no `encryptionKey` or `autoRetryLimit` the prior value is kept.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_codebuild::operation::update_project::builders::UpdateProjectFluentBuilder;
use aws_sdk_codebuild::types::{
    ArtifactNamespace, ArtifactPackaging, ArtifactsType, BatchRestrictions, BucketOwnerAccess,
    BuildStatusConfig, CacheMode, CacheType, CloudWatchLogsConfig, ComputeType,
    CredentialProviderType, DockerServer, EnvironmentType, EnvironmentVariable,
    EnvironmentVariableType, FileSystemType, GitSubmodulesConfig, ImagePullCredentialsType,
    LogsConfig, LogsConfigStatusType, Project, ProjectArtifacts, ProjectBuildBatchConfig,
    ProjectCache, ProjectEnvironment, ProjectFileSystemLocation, ProjectFleet, ProjectSource,
    ProjectSourceVersion, ProjectVisibilityType, RegistryCredential, S3LogsConfig, SourceAuth,
    SourceAuthType, SourceType, Tag, VpcConfig,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, deleted_or_missing, int, known, non_empty, number, one_block,
    retry_while, sent, single, string, string_list, strings, text, vanished,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, Declared, Reading};
use crate::error::built;
use crate::tagging::ManagedTags;
use crate::verify::{arn_problem, ARN};

/// BatchGetProjects takes at most 100 names a call.
const NAMES_PER_CALL: usize = 100;

/// How long a create or update is retried while a new role's permissions propagate (the
/// provider's `propagationTimeout`).
const PROPAGATION: Duration = Duration::from_secs(2 * 60);

const SOURCE_TYPES: &[&str] = &[
    "BITBUCKET",
    "CODECOMMIT",
    "CODEPIPELINE",
    "GITHUB",
    "GITHUB_ENTERPRISE",
    "GITLAB",
    "GITLAB_SELF_MANAGED",
    "NO_SOURCE",
    "S3",
];
const ARTIFACTS_TYPES: &[&str] = &["CODEPIPELINE", "NO_ARTIFACTS", "S3"];
const COMPUTE_TYPES: &[&str] = &[
    "ATTRIBUTE_BASED_COMPUTE",
    "BUILD_GENERAL1_2XLARGE",
    "BUILD_GENERAL1_LARGE",
    "BUILD_GENERAL1_MEDIUM",
    "BUILD_GENERAL1_SMALL",
    "BUILD_GENERAL1_XLARGE",
    "BUILD_LAMBDA_10GB",
    "BUILD_LAMBDA_1GB",
    "BUILD_LAMBDA_2GB",
    "BUILD_LAMBDA_4GB",
    "BUILD_LAMBDA_8GB",
    "CUSTOM_INSTANCE_TYPE",
];
const ENVIRONMENT_TYPES: &[&str] = &[
    "ARM_CONTAINER",
    "ARM_EC2",
    "ARM_LAMBDA_CONTAINER",
    "LINUX_CONTAINER",
    "LINUX_EC2",
    "LINUX_GPU_CONTAINER",
    "LINUX_LAMBDA_CONTAINER",
    "MAC_ARM",
    "WINDOWS_CONTAINER",
    "WINDOWS_EC2",
    "WINDOWS_SERVER_2019_CONTAINER",
    "WINDOWS_SERVER_2022_CONTAINER",
];
const CACHE_TYPES: &[&str] = &["LOCAL", "NO_CACHE", "S3"];
const CACHE_MODES: &[&str] =
    &["LOCAL_CUSTOM_CACHE", "LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"];
const LOG_STATUSES: &[&str] = &["DISABLED", "ENABLED"];
const VISIBILITIES: &[&str] = &["PRIVATE", "PUBLIC_READ"];
const AUTH_TYPES: &[&str] = &["CODECONNECTIONS", "OAUTH", "SECRETS_MANAGER"];
const PULL_CREDENTIALS: &[&str] = &["CODEBUILD", "SERVICE_ROLE"];
const VARIABLE_TYPES: &[&str] = &["PARAMETER_STORE", "PLAINTEXT", "SECRETS_MANAGER"];
const CREDENTIAL_PROVIDERS: &[&str] = &["SECRETS_MANAGER"];
const FILE_SYSTEM_TYPES: &[&str] = &["EFS"];
const NAMESPACE_TYPES: &[&str] = &["BUILD_ID", "NONE"];
const PACKAGINGS: &[&str] = &["NONE", "ZIP"];
const BUCKET_OWNER_ACCESS: &[&str] = &["FULL", "NONE", "READ_ONLY"];

/// Environment types whose builds ignore the timeouts (the provider suppresses their diffs).
const LAMBDA_ENVIRONMENTS: &[&str] = &["ARM_LAMBDA_CONTAINER", "LINUX_LAMBDA_CONTAINER"];

/// Arguments UpdateProjectVisibility changes; UpdateProject changes all the others.
const VISIBILITY_ARGUMENTS: &[&str] = &["project_visibility", "resource_access_role"];

static NULL: Value = Value::Null;

pub type AwsCodebuildProject = ObjectType<ProjectObject>;

pub struct ProjectObject;

/// `artifacts` (`secondary` false) or one of `secondary_artifacts`.
fn artifacts_schema(secondary: bool) -> Schema {
    let identifier = if secondary {
        Attribute::required("artifact_identifier", Type::String)
    } else {
        Attribute::optional("artifact_identifier", Type::String)
    };
    let mut namespace = Attribute::optional("namespace_type", Type::String);
    let mut packaging = Attribute::optional("packaging", Type::String);
    if secondary {
        namespace = namespace.default(Value::string("NONE"));
        packaging = packaging.default(Value::string("NONE"));
    }
    Schema::new()
        .attr(identifier)
        .attr(
            Attribute::optional("bucket_owner_access", Type::String)
                .check(Check::OneOf(BUCKET_OWNER_ACCESS)),
        )
        .attr(Attribute::optional("encryption_disabled", Type::Bool).default(Value::Bool(false)))
        .attr(Attribute::optional("location", Type::String))
        .attr(Attribute::optional("name", Type::String))
        .attr(namespace.check(Check::OneOf(NAMESPACE_TYPES)))
        .attr(Attribute::optional("override_artifact_name", Type::Bool).default(Value::Bool(false)))
        .attr(packaging.check(Check::OneOf(PACKAGINGS)))
        .attr(Attribute::optional("path", Type::String))
        .attr(Attribute::required("type", Type::String).check(Check::OneOf(ARTIFACTS_TYPES)))
}

/// `source` (`secondary` false) or one of `secondary_sources`.
fn source_schema(secondary: bool) -> Schema {
    let mut schema = Schema::new()
        .block(Block::single(
            "auth",
            Schema::new()
                .attr(Attribute::required("resource", Type::String).check(ARN))
                .attr(Attribute::required("type", Type::String).check(Check::OneOf(AUTH_TYPES))),
        ))
        .block(Block::single(
            "build_status_config",
            Schema::new()
                .attr(Attribute::optional("context", Type::String))
                .attr(Attribute::optional("target_url", Type::String)),
        ))
        .attr(Attribute::optional("buildspec", Type::String))
        .attr(
            Attribute::optional("git_clone_depth", Type::Number)
                .check(Check::Range(0, i64::from(i32::MAX))),
        )
        .block(Block::single(
            "git_submodules_config",
            Schema::new().attr(Attribute::required("fetch_submodules", Type::Bool)),
        ))
        .attr(Attribute::optional("insecure_ssl", Type::Bool))
        .attr(Attribute::optional("location", Type::String))
        .attr(Attribute::optional("report_build_status", Type::Bool))
        .attr(Attribute::required("type", Type::String).check(Check::OneOf(SOURCE_TYPES)));
    if secondary {
        schema = schema.attr(Attribute::required("source_identifier", Type::String));
    }
    schema
}

fn environment_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("certificate", Type::String))
        .attr(Attribute::required("compute_type", Type::String).check(Check::OneOf(COMPUTE_TYPES)))
        .block(Block::single(
            "docker_server",
            Schema::new()
                .attr(
                    Attribute::required("compute_type", Type::String)
                        .check(Check::OneOf(COMPUTE_TYPES)),
                )
                .attr(Attribute::optional("security_group_ids", Type::list(Type::String))),
        ))
        .block(Block::single(
            "fleet",
            Schema::new().attr(Attribute::optional("fleet_arn", Type::String).check(ARN)),
        ))
        .block(Block::list(
            "environment_variable",
            Schema::new()
                .attr(Attribute::required("name", Type::String))
                .attr(
                    Attribute::optional("type", Type::String)
                        .default(Value::string("PLAINTEXT"))
                        .check(Check::OneOf(VARIABLE_TYPES)),
                )
                .attr(Attribute::required("value", Type::String)),
        ))
        .attr(Attribute::required("image", Type::String))
        .attr(
            Attribute::optional("image_pull_credentials_type", Type::String)
                .default(Value::string("CODEBUILD"))
                .check(Check::OneOf(PULL_CREDENTIALS)),
        )
        .attr(Attribute::optional("privileged_mode", Type::Bool).default(Value::Bool(false)))
        .block(Block::single(
            "registry_credential",
            Schema::new().attr(Attribute::required("credential", Type::String)).attr(
                Attribute::required("credential_provider", Type::String)
                    .check(Check::OneOf(CREDENTIAL_PROVIDERS)),
            ),
        ))
        .attr(Attribute::required("type", Type::String).check(Check::OneOf(ENVIRONMENT_TYPES)))
}

fn logs_schema() -> Schema {
    Schema::new()
        .block(
            Block::single(
                "cloudwatch_logs",
                Schema::new()
                    .attr(Attribute::optional("group_name", Type::String))
                    .attr(
                        Attribute::optional("status", Type::String)
                            .default(Value::string("ENABLED"))
                            .check(Check::OneOf(LOG_STATUSES)),
                    )
                    .attr(Attribute::optional("stream_name", Type::String)),
            )
            .computed(),
        )
        .block(
            Block::single(
                "s3_logs",
                Schema::new()
                    .attr(
                        Attribute::optional("bucket_owner_access", Type::String)
                            .check(Check::OneOf(BUCKET_OWNER_ACCESS)),
                    )
                    .attr(
                        Attribute::optional("encryption_disabled", Type::Bool)
                            .default(Value::Bool(false)),
                    )
                    .attr(Attribute::optional("location", Type::String))
                    .attr(
                        Attribute::optional("status", Type::String)
                            .default(Value::string("DISABLED"))
                            .check(Check::OneOf(LOG_STATUSES)),
                    ),
            )
            .computed(),
        )
}

fn cache_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("cache_namespace", Type::String))
        .attr(Attribute::optional("location", Type::String))
        .attr(
            Attribute::optional("modes", Type::list(Type::String)).check(Check::OneOf(CACHE_MODES)),
        )
        .attr(
            Attribute::optional("type", Type::String)
                .default(Value::string("NO_CACHE"))
                .check(Check::OneOf(CACHE_TYPES)),
        )
}

fn vpc_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("security_group_ids", Type::set(Type::String)))
        .attr(Attribute::required("subnets", Type::set(Type::String)))
        .attr(Attribute::required("vpc_id", Type::String))
}

fn batch_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("combine_artifacts", Type::Bool))
        .block(Block::single(
            "restrictions",
            Schema::new()
                .attr(
                    Attribute::optional("compute_types_allowed", Type::list(Type::String))
                        .check(Check::OneOf(COMPUTE_TYPES)),
                )
                .attr(
                    Attribute::optional("maximum_builds_allowed", Type::Number)
                        .check(Check::Range(1, 100)),
                ),
        ))
        .attr(Attribute::required("service_role", Type::String).check(ARN))
        .attr(Attribute::optional("timeout_in_mins", Type::Number).check(Check::Range(5, 2160)))
}

fn file_system_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("identifier", Type::String))
        .attr(Attribute::optional("location", Type::String))
        .attr(Attribute::optional("mount_options", Type::String))
        .attr(Attribute::optional("mount_point", Type::String))
        .attr(
            Attribute::optional("type", Type::String)
                .default(Value::string("EFS"))
                .check(Check::OneOf(FILE_SYSTEM_TYPES)),
        )
}

/// The project named `key` (a name or an ARN) among `projects`.
fn find<'a>(projects: &'a [Project], key: &str) -> Option<&'a Project> {
    projects.iter().find(|p| p.name() == Some(key) || p.arn() == Some(key))
}

/// AWS's answer while CodeBuild is not yet authorized (a new service role's policies
/// propagating): retried for at most [`PROPAGATION`].
fn is_propagating(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("InvalidInputException")
        && error.message.contains("ot authorized to perform")
}

// ---- Configuration to SDK shapes ----

/// A non-empty string attribute as an SDK enum.
fn enum_of<T: for<'a> From<&'a str>>(value: &Value, key: &str) -> Option<T> {
    non_empty(value, key).map(|s| T::from(s.as_str()))
}

fn artifacts_to_sdk(item: &Value) -> Result<ProjectArtifacts, ProviderError> {
    let kind = string(item, "type").unwrap_or_default();
    let mut builder = ProjectArtifacts::builder()
        .r#type(ArtifactsType::from(kind.as_str()))
        .set_artifact_identifier(non_empty(item, "artifact_identifier"))
        .set_bucket_owner_access(enum_of::<BucketOwnerAccess>(item, "bucket_owner_access"))
        .set_location(non_empty(item, "location"))
        .set_name(non_empty(item, "name"))
        .set_namespace_type(enum_of::<ArtifactNamespace>(item, "namespace_type"))
        .override_artifact_name(boolean(item, "override_artifact_name").unwrap_or(false))
        .set_packaging(enum_of::<ArtifactPackaging>(item, "packaging"))
        .set_path(non_empty(item, "path"));
    // AWS refuses `encryptionDisabled` for other artifact types ("artifact type NO_ARTIFACTS
    // should have null encryptionDisabled").
    if kind == "S3" || kind == "CODEPIPELINE" {
        builder =
            builder.encryption_disabled(boolean(item, "encryption_disabled").unwrap_or(false));
    }
    built(builder.build())
}

fn environment_to_sdk(item: &Value) -> Result<ProjectEnvironment, ProviderError> {
    let variables = blocks(item, "environment_variable")
        .iter()
        .map(|variable| {
            built(
                EnvironmentVariable::builder()
                    .name(string(variable, "name").unwrap_or_default())
                    .value(string(variable, "value").unwrap_or_default())
                    .set_type(enum_of::<EnvironmentVariableType>(variable, "type"))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let docker_server = single(item, "docker_server")
        .map(|server| {
            let groups = strings(server, "security_group_ids");
            built(
                DockerServer::builder()
                    .compute_type(ComputeType::from(
                        string(server, "compute_type").unwrap_or_default().as_str(),
                    ))
                    .set_security_group_ids((!groups.is_empty()).then_some(groups))
                    .build(),
            )
        })
        .transpose()?;
    let fleet = single(item, "fleet")
        .map(|fleet| ProjectFleet::builder().set_fleet_arn(non_empty(fleet, "fleet_arn")).build());
    let registry_credential = single(item, "registry_credential")
        .map(|credential| {
            built(
                RegistryCredential::builder()
                    .credential(string(credential, "credential").unwrap_or_default())
                    .credential_provider(CredentialProviderType::from(
                        string(credential, "credential_provider").unwrap_or_default().as_str(),
                    ))
                    .build(),
            )
        })
        .transpose()?;
    built(
        ProjectEnvironment::builder()
            .r#type(EnvironmentType::from(string(item, "type").unwrap_or_default().as_str()))
            .image(string(item, "image").unwrap_or_default())
            .compute_type(ComputeType::from(
                string(item, "compute_type").unwrap_or_default().as_str(),
            ))
            .set_certificate(non_empty(item, "certificate"))
            .privileged_mode(boolean(item, "privileged_mode").unwrap_or(false))
            .set_image_pull_credentials_type(enum_of::<ImagePullCredentialsType>(
                item,
                "image_pull_credentials_type",
            ))
            .set_environment_variables((!variables.is_empty()).then_some(variables))
            .set_docker_server(docker_server)
            .set_fleet(fleet)
            .set_registry_credential(registry_credential)
            .build(),
    )
}

fn source_to_sdk(item: &Value) -> Result<ProjectSource, ProviderError> {
    let kind = string(item, "type").unwrap_or_default();
    // Only these source types take build status reports and submodules (AWS refuses them on
    // the others: "Source type NO_SOURCE does not support ReportBuildStatus").
    let reports_status = matches!(
        kind.as_str(),
        "BITBUCKET" | "GITHUB" | "GITHUB_ENTERPRISE" | "GITLAB" | "GITLAB_SELF_MANAGED"
    );
    let fetches_submodules =
        matches!(kind.as_str(), "BITBUCKET" | "CODECOMMIT" | "GITHUB" | "GITHUB_ENTERPRISE");
    let submodules = match single(item, "git_submodules_config") {
        Some(config) if fetches_submodules => Some(built(
            GitSubmodulesConfig::builder()
                .fetch_submodules(boolean(config, "fetch_submodules").unwrap_or(false))
                .build(),
        )?),
        _ => None,
    };
    let status_config = match single(item, "build_status_config") {
        Some(config) if reports_status => Some(
            BuildStatusConfig::builder()
                .set_context(non_empty(config, "context"))
                .set_target_url(non_empty(config, "target_url"))
                .build(),
        ),
        _ => None,
    };
    let auth = single(item, "auth")
        .map(|auth| {
            built(
                SourceAuth::builder()
                    .r#type(SourceAuthType::from(string(auth, "type").unwrap_or_default().as_str()))
                    .set_resource(non_empty(auth, "resource"))
                    .build(),
            )
        })
        .transpose()?;
    built(
        ProjectSource::builder()
            .r#type(SourceType::from(kind.as_str()))
            .set_location(non_empty(item, "location"))
            .set_buildspec(non_empty(item, "buildspec"))
            .set_git_clone_depth(int(item, "git_clone_depth"))
            .set_insecure_ssl(boolean(item, "insecure_ssl"))
            .set_source_identifier(non_empty(item, "source_identifier"))
            .set_report_build_status(if reports_status {
                boolean(item, "report_build_status")
            } else {
                None
            })
            .set_git_submodules_config(submodules)
            .set_build_status_config(status_config)
            .set_auth(auth)
            .build(),
    )
}

fn cache_to_sdk(item: &Value) -> Result<ProjectCache, ProviderError> {
    let kind = string(item, "type").unwrap_or_else(|| "NO_CACHE".into());
    // Modes only go with a local cache.
    let modes: Vec<CacheMode> = if kind == "LOCAL" {
        strings(item, "modes").iter().map(|mode| CacheMode::from(mode.as_str())).collect()
    } else {
        Vec::new()
    };
    built(
        ProjectCache::builder()
            .r#type(CacheType::from(kind.as_str()))
            .set_location(non_empty(item, "location"))
            .set_modes((!modes.is_empty()).then_some(modes))
            .set_cache_namespace(non_empty(item, "cache_namespace"))
            .build(),
    )
}

/// The logs configuration to send: what is configured, with AWS's defaults (CloudWatch logs
/// enabled, S3 logs disabled) for a part that is not, as the provider sends it.
fn logs_to_sdk(planned: &Value) -> Result<LogsConfig, ProviderError> {
    let logs = single(planned, "logs_config").unwrap_or(&NULL);
    let cloudwatch = built(match single(logs, "cloudwatch_logs") {
        Some(config) => CloudWatchLogsConfig::builder()
            .status(LogsConfigStatusType::from(
                string(config, "status").unwrap_or_else(|| "ENABLED".into()).as_str(),
            ))
            .set_group_name(non_empty(config, "group_name"))
            .set_stream_name(non_empty(config, "stream_name"))
            .build(),
        None => CloudWatchLogsConfig::builder().status(LogsConfigStatusType::Enabled).build(),
    })?;
    let s3 = built(match single(logs, "s3_logs") {
        Some(config) => S3LogsConfig::builder()
            .status(LogsConfigStatusType::from(
                string(config, "status").unwrap_or_else(|| "DISABLED".into()).as_str(),
            ))
            .set_location(non_empty(config, "location"))
            .encryption_disabled(boolean(config, "encryption_disabled").unwrap_or(false))
            .set_bucket_owner_access(enum_of::<BucketOwnerAccess>(config, "bucket_owner_access"))
            .build(),
        None => S3LogsConfig::builder().status(LogsConfigStatusType::Disabled).build(),
    })?;
    Ok(LogsConfig::builder().cloud_watch_logs(cloudwatch).s3_logs(s3).build())
}

fn vpc_to_sdk(item: &Value) -> VpcConfig {
    VpcConfig::builder()
        .set_vpc_id(non_empty(item, "vpc_id"))
        .set_subnets(Some(strings(item, "subnets")))
        .set_security_group_ids(Some(strings(item, "security_group_ids")))
        .build()
}

fn batch_to_sdk(item: &Value) -> ProjectBuildBatchConfig {
    let restrictions = single(item, "restrictions").map(|restrictions| {
        let compute_types = strings(restrictions, "compute_types_allowed");
        BatchRestrictions::builder()
            .set_compute_types_allowed((!compute_types.is_empty()).then_some(compute_types))
            .set_maximum_builds_allowed(
                int(restrictions, "maximum_builds_allowed").filter(|n| *n != 0),
            )
            .build()
    });
    ProjectBuildBatchConfig::builder()
        .set_service_role(string(item, "service_role"))
        .set_combine_artifacts(boolean(item, "combine_artifacts"))
        .set_restrictions(restrictions)
        .set_timeout_in_mins(int(item, "timeout_in_mins").filter(|n| *n != 0))
        .build()
}

fn file_system_to_sdk(item: &Value) -> ProjectFileSystemLocation {
    ProjectFileSystemLocation::builder()
        .r#type(FileSystemType::from(string(item, "type").unwrap_or_else(|| "EFS".into()).as_str()))
        .set_identifier(non_empty(item, "identifier"))
        .set_location(non_empty(item, "location"))
        .set_mount_options(non_empty(item, "mount_options"))
        .set_mount_point(non_empty(item, "mount_point"))
        .build()
}

fn source_version_to_sdk(item: &Value) -> Result<ProjectSourceVersion, ProviderError> {
    built(
        ProjectSourceVersion::builder()
            .source_identifier(string(item, "source_identifier").unwrap_or_default())
            .source_version(string(item, "source_version").unwrap_or_default())
            .build(),
    )
}

/// Each object of a block, converted.
fn each<T>(
    value: &Value,
    key: &str,
    convert: impl Fn(&Value) -> Result<T, ProviderError>,
) -> Result<Vec<T>, ProviderError> {
    blocks(value, key).iter().map(convert).collect()
}

fn sdk_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect()
}

// ---- SDK shapes to values ----

/// The object among a set block's `hints` (the prior's objects) whose `id_key` is `id`.
fn matching<'a>(hints: &'a [Value], id_key: &str, id: Option<&str>) -> &'a Value {
    hints.iter().find(|item| id.is_some() && item.get(id_key).as_str() == id).unwrap_or(&NULL)
}

/// Null, "", 0, false or an empty list: what AWS reports for an unset optional argument.
fn is_zero(value: &Value) -> bool {
    match value.unmarked() {
        Value::Null | Value::Unknown => true,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => *n == 0.0,
        Value::Bool(b) => !b,
        Value::List(items) => items.is_empty(),
        _ => false,
    }
}

/// What AWS reports for an optional argument without a default, read back as the
/// configuration (`hint`) has it when both are empty, zero or false: AWS's `0` for an unset
/// `git_clone_depth` is no drift, nor is AWS leaving out a `false` that was sent.
fn reported(value: Value, hint: &Value, key: &str) -> Value {
    let configured = known(hint, key);
    if is_zero(&value) && is_zero(&configured) {
        configured
    } else {
        value
    }
}

fn flag(value: Option<bool>) -> Value {
    value.map(Value::Bool).unwrap_or(Value::Null)
}

fn artifacts_value(
    artifacts: &ProjectArtifacts,
    hint: &Value,
    project_name: &str,
    secondary: bool,
) -> Value {
    let kind = artifacts.r#type().as_str();
    let unset = |key: &str| known(hint, key).is_null();
    let namespace = artifacts.namespace_type().map(|n| n.as_str());
    let packaging = artifacts.packaging().map(|p| p.as_str());
    let (namespace, packaging) = if secondary {
        (Value::string(namespace.unwrap_or("NONE")), Value::string(packaging.unwrap_or("NONE")))
    } else {
        // The provider's suppressions: NONE on S3 artifacts is the unset value, and
        // CODEPIPELINE artifacts take any packaging AWS picks.
        let namespace = match namespace {
            Some("NONE") if kind == "S3" && unset("namespace_type") => Value::Null,
            other => reported(text(other), hint, "namespace_type"),
        };
        let packaging = match packaging {
            _ if kind == "CODEPIPELINE" && unset("packaging") => Value::Null,
            Some("NONE") if kind == "S3" && unset("packaging") => Value::Null,
            other => reported(text(other), hint, "packaging"),
        };
        (namespace, packaging)
    };
    let name = match artifacts.name() {
        Some(name) if !secondary && name == project_name && unset("name") => Value::Null,
        other => reported(text(other), hint, "name"),
    };
    Value::map([
        (
            "artifact_identifier",
            reported(text(artifacts.artifact_identifier()), hint, "artifact_identifier"),
        ),
        (
            "bucket_owner_access",
            reported(
                text(artifacts.bucket_owner_access().map(|b| b.as_str())),
                hint,
                "bucket_owner_access",
            ),
        ),
        ("encryption_disabled", Value::Bool(artifacts.encryption_disabled().unwrap_or(false))),
        ("location", reported(text(artifacts.location()), hint, "location")),
        ("name", name),
        ("namespace_type", namespace),
        (
            "override_artifact_name",
            Value::Bool(artifacts.override_artifact_name().unwrap_or(false)),
        ),
        ("packaging", packaging),
        ("path", reported(text(artifacts.path()), hint, "path")),
        ("type", Value::string(kind)),
    ])
}

fn environment_value(environment: &ProjectEnvironment, hint: &Value) -> Value {
    let variables = environment
        .environment_variables()
        .iter()
        .map(|variable| {
            Value::map([
                ("name", Value::string(variable.name())),
                (
                    "type",
                    Value::string(variable.r#type().map(|t| t.as_str()).unwrap_or("PLAINTEXT")),
                ),
                ("value", Value::string(variable.value())),
            ])
        })
        .collect();
    let docker_server = environment
        .docker_server()
        .map(|server| {
            Value::map([
                ("compute_type", Value::string(server.compute_type().as_str())),
                ("security_group_ids", string_list(server.security_group_ids())),
            ])
        })
        .into_iter()
        .collect();
    let fleet_hint = first_of(blocks(hint, "fleet"));
    let fleet = environment
        .fleet()
        .map(|fleet| {
            Value::map([("fleet_arn", reported(text(fleet.fleet_arn()), fleet_hint, "fleet_arn"))])
        })
        .into_iter()
        .collect();
    let registry_credential = environment
        .registry_credential()
        .map(|credential| {
            Value::map([
                ("credential", Value::string(credential.credential())),
                ("credential_provider", Value::string(credential.credential_provider().as_str())),
            ])
        })
        .into_iter()
        .collect();
    Value::map([
        ("certificate", reported(text(environment.certificate()), hint, "certificate")),
        ("compute_type", Value::string(environment.compute_type().as_str())),
        ("docker_server", Value::List(docker_server)),
        ("fleet", Value::List(fleet)),
        ("environment_variable", Value::List(variables)),
        ("image", Value::string(environment.image())),
        (
            "image_pull_credentials_type",
            Value::string(
                environment
                    .image_pull_credentials_type()
                    .map(|t| t.as_str())
                    .unwrap_or("CODEBUILD"),
            ),
        ),
        ("privileged_mode", Value::Bool(environment.privileged_mode().unwrap_or(false))),
        ("registry_credential", Value::List(registry_credential)),
        ("type", Value::string(environment.r#type().as_str())),
    ])
}

fn source_value(source: &ProjectSource, hint: &Value, secondary: bool) -> Value {
    let submodules = source
        .git_submodules_config()
        .map(|config| Value::map([("fetch_submodules", Value::Bool(config.fetch_submodules()))]))
        .into_iter()
        .collect();
    let status_hint = first_of(blocks(hint, "build_status_config"));
    let status_config = source
        .build_status_config()
        .map(|config| {
            Value::map([
                ("context", reported(text(config.context()), status_hint, "context")),
                ("target_url", reported(text(config.target_url()), status_hint, "target_url")),
            ])
        })
        .into_iter()
        .collect();
    let auth = source
        .auth()
        .map(|auth| {
            Value::map([
                ("resource", text(auth.resource())),
                ("type", Value::string(auth.r#type().as_str())),
            ])
        })
        .into_iter()
        .collect();
    let mut object = BTreeMap::new();
    object.insert("auth".to_string(), Value::List(auth));
    object.insert("build_status_config".to_string(), Value::List(status_config));
    object.insert("buildspec".to_string(), reported(text(source.buildspec()), hint, "buildspec"));
    object.insert(
        "git_clone_depth".to_string(),
        reported(number(source.git_clone_depth().map(i64::from)), hint, "git_clone_depth"),
    );
    object.insert("git_submodules_config".to_string(), Value::List(submodules));
    object.insert(
        "insecure_ssl".to_string(),
        reported(flag(source.insecure_ssl()), hint, "insecure_ssl"),
    );
    object.insert("location".to_string(), reported(text(source.location()), hint, "location"));
    object.insert(
        "report_build_status".to_string(),
        reported(flag(source.report_build_status()), hint, "report_build_status"),
    );
    object.insert("type".to_string(), Value::string(source.r#type().as_str()));
    if secondary {
        object.insert("source_identifier".to_string(), text(source.source_identifier()));
    }
    Value::Map(object)
}

fn cache_value(cache: &ProjectCache, hint: &Value) -> Value {
    Value::map([
        ("cache_namespace", reported(text(cache.cache_namespace()), hint, "cache_namespace")),
        ("location", reported(text(cache.location()), hint, "location")),
        ("modes", string_list(cache.modes().iter().map(|mode| mode.as_str()))),
        ("type", Value::string(cache.r#type().as_str())),
    ])
}

fn logs_value(logs: &LogsConfig, hint: &Value) -> Value {
    let cloudwatch_hint = first_of(blocks(hint, "cloudwatch_logs"));
    let cloudwatch = match logs.cloud_watch_logs() {
        Some(config) => Value::map([
            ("group_name", reported(text(config.group_name()), cloudwatch_hint, "group_name")),
            ("status", Value::string(config.status().as_str())),
            ("stream_name", reported(text(config.stream_name()), cloudwatch_hint, "stream_name")),
        ]),
        // The provider reads a missing CloudWatch configuration as disabled.
        None => Value::map([
            ("group_name", known(cloudwatch_hint, "group_name")),
            ("status", Value::string("DISABLED")),
            ("stream_name", known(cloudwatch_hint, "stream_name")),
        ]),
    };
    let s3_hint = first_of(blocks(hint, "s3_logs"));
    let s3 = match logs.s3_logs() {
        Some(config) => Value::map([
            (
                "bucket_owner_access",
                reported(
                    text(config.bucket_owner_access().map(|b| b.as_str())),
                    s3_hint,
                    "bucket_owner_access",
                ),
            ),
            ("encryption_disabled", Value::Bool(config.encryption_disabled().unwrap_or(false))),
            ("location", reported(text(config.location()), s3_hint, "location")),
            ("status", Value::string(config.status().as_str())),
        ]),
        None => Value::map([
            ("bucket_owner_access", known(s3_hint, "bucket_owner_access")),
            ("encryption_disabled", Value::Bool(false)),
            ("location", known(s3_hint, "location")),
            ("status", Value::string("DISABLED")),
        ]),
    };
    Value::map([
        ("cloudwatch_logs", Value::List(vec![cloudwatch])),
        ("s3_logs", Value::List(vec![s3])),
    ])
}

fn vpc_value(vpc: &VpcConfig) -> Option<Value> {
    // An emptied VPC configuration is no VPC configuration.
    if vpc.vpc_id().unwrap_or_default().is_empty()
        && vpc.subnets().is_empty()
        && vpc.security_group_ids().is_empty()
    {
        return None;
    }
    Some(Value::map([
        ("security_group_ids", string_list(vpc.security_group_ids())),
        ("subnets", string_list(vpc.subnets())),
        ("vpc_id", text(vpc.vpc_id())),
    ]))
}

fn batch_value(batch: &ProjectBuildBatchConfig, hint: &Value) -> Option<Value> {
    // An emptied batch configuration (what a removal sends) is none.
    let service_role = batch.service_role().filter(|r| !r.is_empty())?;
    let restrictions_hint = first_of(blocks(hint, "restrictions"));
    let restrictions = batch
        .restrictions()
        .map(|restrictions| {
            Value::map([
                ("compute_types_allowed", string_list(restrictions.compute_types_allowed())),
                (
                    "maximum_builds_allowed",
                    reported(
                        number(restrictions.maximum_builds_allowed().map(i64::from)),
                        restrictions_hint,
                        "maximum_builds_allowed",
                    ),
                ),
            ])
        })
        .into_iter()
        .collect();
    Some(Value::map([
        ("combine_artifacts", reported(flag(batch.combine_artifacts()), hint, "combine_artifacts")),
        ("restrictions", Value::List(restrictions)),
        ("service_role", Value::string(service_role)),
        (
            "timeout_in_mins",
            reported(number(batch.timeout_in_mins().map(i64::from)), hint, "timeout_in_mins"),
        ),
    ]))
}

fn file_system_value(location: &ProjectFileSystemLocation, hint: &Value) -> Value {
    Value::map([
        ("identifier", reported(text(location.identifier()), hint, "identifier")),
        ("location", reported(text(location.location()), hint, "location")),
        ("mount_options", reported(text(location.mount_options()), hint, "mount_options")),
        ("mount_point", reported(text(location.mount_point()), hint, "mount_point")),
        ("type", Value::string(location.r#type().map(|t| t.as_str()).unwrap_or("EFS"))),
    ])
}

// ---- The schema, each attribute with how it is read ----

/// A string argument as AWS reports it, or as the configuration left it where both are empty
/// ([`reported`]).
fn as_configured(
    attribute: Attribute,
    accessor: fn(&Project) -> Option<&str>,
) -> Declared<Project> {
    let name = attribute.name;
    read(attribute, move |project: &Project, at: &Reading| {
        reported(text(accessor(project)), at.prior, name)
    })
}

/// A block read from the project by `read`, given the prior's objects of the block (the hints
/// for what AWS leaves out).
fn block(block: Block, read: fn(&Project, &[Value]) -> Value) -> Declared<Project> {
    let name = block.name;
    read_block(block, move |project: &Project, at: &Reading| read(project, blocks(at.prior, name)))
}

/// The first of a block's hints (null when there is none): the hint for reading a
/// `max_items = 1` block back.
fn first_of(hints: &[Value]) -> &Value {
    hints.first().unwrap_or(&NULL)
}

/// A timeout in minutes: the prior value for environments that ignore it, else AWS's.
fn timeout(project: &Project, minutes: Option<i32>, hint: &Value, key: &str) -> Value {
    let environment_type = project.environment().map(|e| e.r#type().as_str()).unwrap_or_default();
    let timeouts_ignored = LAMBDA_ENVIRONMENTS.contains(&environment_type);
    match minutes {
        _ if timeouts_ignored && !known(hint, key).is_null() => known(hint, key),
        Some(minutes) => Value::Number(f64::from(minutes)),
        None => known(hint, key),
    }
}

/// The project's ID, name, description, role, timeouts, build limit and encryption key, in
/// the schema's order.
fn identity() -> Vec<Declared<Project>> {
    type P = Project;
    vec![
        // The ID is the ARN, or the name a project was imported by.
        read(Attribute::computed("id", Type::String), |project: &P, at: &Reading| {
            match known(at.prior, "id") {
                Value::String(id) if !id.is_empty() => Value::string(id),
                _ => Value::string(project.arn().unwrap_or_default()),
            }
        }),
        read(Attribute::computed("arn", Type::String), |project: &P, _: &Reading| {
            Value::string(project.arn().unwrap_or_default())
        }),
        read(Attribute::required("name", Type::String).force_new(), |project: &P, _: &Reading| {
            Value::string(project.name().unwrap_or_default())
        }),
        as_configured(
            Attribute::optional_computed("description", Type::String).check(Check::Length(0, 255)),
            P::description,
        ),
        read(
            Attribute::required("service_role", Type::String).check(ARN),
            |project: &P, _: &Reading| text(project.service_role()),
        ),
        read(
            Attribute::optional("build_timeout", Type::Number)
                .default(Value::Number(60.0))
                .check(Check::Range(5, 2160)),
            |project: &P, at: &Reading| {
                timeout(project, project.timeout_in_minutes(), at.prior, "build_timeout")
            },
        ),
        read(
            Attribute::optional("queued_timeout", Type::Number)
                .default(Value::Number(480.0))
                .check(Check::Range(5, 480)),
            |project: &P, at: &Reading| {
                let minutes = project.queued_timeout_in_minutes();
                timeout(project, minutes, at.prior, "queued_timeout")
            },
        ),
        read(
            Attribute::optional("concurrent_build_limit", Type::Number)
                .check(Check::Range(1, i64::from(i32::MAX))),
            |project: &P, _: &Reading| number(project.concurrent_build_limit().map(i64::from)),
        ),
        read(
            Attribute::optional_computed("encryption_key", Type::String),
            |project: &P, at: &Reading| match project.encryption_key() {
                Some(key) => Value::string(key),
                None => known(at.prior, "encryption_key"),
            },
        ),
    ]
}

/// The badge, visibility, resource access role, retry limit and source version.
fn settings() -> Vec<Declared<Project>> {
    type P = Project;
    vec![
        read(
            Attribute::optional("badge_enabled", Type::Bool).default(Value::Bool(false)),
            |project: &P, _: &Reading| {
                Value::Bool(project.badge().map(|b| b.badge_enabled()).unwrap_or(false))
            },
        ),
        read(Attribute::computed("badge_url", Type::String), |project: &P, _: &Reading| {
            text(project.badge().and_then(|b| b.badge_request_url()))
        }),
        read(
            Attribute::optional("project_visibility", Type::String)
                .default(Value::string("PRIVATE"))
                .check(Check::OneOf(VISIBILITIES)),
            |project: &P, _: &Reading| {
                let visibility = project.project_visibility().map(|v| v.as_str());
                Value::string(visibility.unwrap_or("PRIVATE"))
            },
        ),
        read(
            Attribute::computed("public_project_alias", Type::String),
            |project: &P, _: &Reading| text(project.public_project_alias()),
        ),
        as_configured(
            Attribute::optional("resource_access_role", Type::String).check(ARN),
            P::resource_access_role,
        ),
        read(
            Attribute::optional_computed("auto_retry_limit", Type::Number),
            |project: &P, at: &Reading| match project.auto_retry_limit() {
                Some(limit) => Value::Number(f64::from(limit)),
                None => known(at.prior, "auto_retry_limit"),
            },
        ),
        as_configured(Attribute::optional("source_version", Type::String), P::source_version),
    ]
}

/// The artifacts, environment and sources (each secondary one matched to its hint by
/// identifier).
fn build_inputs() -> Vec<Declared<Project>> {
    vec![
        block(Block::single("artifacts", artifacts_schema(false)).required(), |project, hints| {
            let name = project.name().unwrap_or_default();
            let hint = first_of(hints);
            one_block(project.artifacts().map(|a| artifacts_value(a, hint, name, false)))
        }),
        block(
            Block {
                max_items: Some(12),
                ..Block::set("secondary_artifacts", artifacts_schema(true))
            },
            |project, hints| {
                let name = project.name().unwrap_or_default();
                Value::List(
                    project
                        .secondary_artifacts()
                        .iter()
                        .map(|a| {
                            let hint =
                                matching(hints, "artifact_identifier", a.artifact_identifier());
                            artifacts_value(a, hint, name, true)
                        })
                        .collect(),
                )
            },
        ),
        block(Block::single("environment", environment_schema()).required(), |project, hints| {
            one_block(project.environment().map(|e| environment_value(e, first_of(hints))))
        }),
        block(Block::single("source", source_schema(false)).required(), |project, hints| {
            one_block(project.source().map(|s| source_value(s, first_of(hints), false)))
        }),
        block(
            Block { max_items: Some(12), ..Block::set("secondary_sources", source_schema(true)) },
            |project, hints| {
                Value::List(
                    project
                        .secondary_sources()
                        .iter()
                        .map(|s| {
                            let hint = matching(hints, "source_identifier", s.source_identifier());
                            source_value(s, hint, true)
                        })
                        .collect(),
                )
            },
        ),
        block(
            Block {
                max_items: Some(12),
                ..Block::set(
                    "secondary_source_version",
                    Schema::new()
                        .attr(Attribute::required("source_identifier", Type::String))
                        .attr(Attribute::required("source_version", Type::String)),
                )
            },
            |project, _| {
                Value::List(
                    project
                        .secondary_source_versions()
                        .iter()
                        .map(|v| {
                            Value::map([
                                ("source_identifier", Value::string(v.source_identifier())),
                                ("source_version", Value::string(v.source_version())),
                            ])
                        })
                        .collect(),
                )
            },
        ),
    ]
}

/// The cache, logs, VPC, batch and file system blocks.
fn configuration_blocks() -> Vec<Declared<Project>> {
    vec![
        block(Block::single("cache", cache_schema()).computed(), |project, hints| {
            one_block(project.cache().map(|c| cache_value(c, first_of(hints))))
        }),
        block(Block::single("logs_config", logs_schema()).computed(), |project, hints| {
            one_block(project.logs_config().map(|l| logs_value(l, first_of(hints))))
        }),
        block(Block::single("vpc_config", vpc_schema()), |project, _| {
            one_block(project.vpc_config().and_then(vpc_value))
        }),
        block(Block::single("build_batch_config", batch_schema()), |project, hints| {
            one_block(project.build_batch_config().and_then(|b| batch_value(b, first_of(hints))))
        }),
        block(Block::set("file_system_locations", file_system_schema()), |project, hints| {
            Value::List(
                project
                    .file_system_locations()
                    .iter()
                    .map(|location| {
                        let hint = matching(hints, "identifier", location.identifier());
                        file_system_value(location, hint)
                    })
                    .collect(),
            )
        }),
    ]
}

/// The tags of a found project, as pairs.
fn tag_pairs(project: &Project) -> Vec<(String, String)> {
    project
        .tags()
        .iter()
        .filter_map(|tag| {
            Some((tag.key()?.to_string(), tag.value().unwrap_or_default().to_string()))
        })
        .collect()
}

// ---- Plan-time checks ----

/// The provider's `ValidProjectName`.
fn project_name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
        problems.push(format!("first character of {name:?} must be a letter or number"));
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        problems.push(format!(
            "only alphanumeric characters, hyphens and underscores allowed in {name:?}"
        ));
    }
    if name.len() > 255 {
        problems.push(format!("{name:?} cannot be greater than 255 characters"));
    }
    problems
}

/// The provider's `validProjectS3LogsLocation`: an ARN, or `bucket/prefix`.
fn s3_logs_location_problem(key: &str, location: &str) -> Option<String> {
    let is_arn = location.starts_with("arn:") && arn_problem(key, location).is_none();
    if location.is_empty() || is_arn {
        return None;
    }
    let pattern = r"^[0-9a-z][^/]*\/(.+)$";
    let valid =
        location.chars().next().is_some_and(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
            && location.split_once('/').is_some_and(|(_, rest)| !rest.is_empty());
    (!valid).then(|| format!("{key:?} does not match pattern ({pattern:?}): {location:?}"))
}

/// Sends UpdateProjectVisibility for a change to the visibility or the resource access role.
async fn update_visibility(
    client: &aws_sdk_codebuild::Client,
    arn: &str,
    id: &str,
    planned: &Value,
) -> Result<(), ProviderError> {
    sent!(client
        .update_project_visibility()
        .project_arn(arn)
        .project_visibility(ProjectVisibilityType::from(
            string(planned, "project_visibility").unwrap_or_else(|| "PRIVATE".into()).as_str(),
        ))
        .set_resource_access_role(non_empty(planned, "resource_access_role")))
    .map_err(|e| e.context(&format!("updating CodeBuild Project ({id}) visibility")))?;
    Ok(())
}

/// UpdateProject's fields from `artifacts` to `environment` (in the SDK's alphabetical order),
/// each set when its argument changed.
fn with_changes_a_to_e(
    mut request: UpdateProjectFluentBuilder,
    prior: &Value,
    planned: &Value,
) -> Result<UpdateProjectFluentBuilder, ProviderError> {
    let has = |key: &str| changed(prior, planned, key);
    if has("artifacts") {
        request =
            request.set_artifacts(single(planned, "artifacts").map(artifacts_to_sdk).transpose()?);
    }
    if has("auto_retry_limit") {
        request = request.set_auto_retry_limit(Some(int(planned, "auto_retry_limit").unwrap_or(0)));
    }
    if has("badge_enabled") {
        request = request.badge_enabled(boolean(planned, "badge_enabled").unwrap_or(false));
    }
    if has("build_batch_config") {
        request = request.build_batch_config(
            single(planned, "build_batch_config")
                .map(batch_to_sdk)
                .unwrap_or_else(|| ProjectBuildBatchConfig::builder().build()),
        );
    }
    if has("cache") {
        request = request.cache(match single(planned, "cache") {
            Some(cache) => cache_to_sdk(cache)?,
            None => built(ProjectCache::builder().r#type(CacheType::NoCache).build())?,
        });
    }
    if has("concurrent_build_limit") {
        // -1 removes the limit.
        request = request.concurrent_build_limit(
            int(planned, "concurrent_build_limit").filter(|n| *n != 0).unwrap_or(-1),
        );
    }
    if has("description") {
        request = request.description(string(planned, "description").unwrap_or_default());
    }
    if has("encryption_key") {
        request = request.encryption_key(string(planned, "encryption_key").unwrap_or_default());
    }
    if has("environment") {
        request = request
            .set_environment(single(planned, "environment").map(environment_to_sdk).transpose()?);
    }
    Ok(request)
}

/// UpdateProject's fields from `file_system_locations` to `vpc_config` (in the SDK's
/// alphabetical order), each set when its argument changed.
fn with_changes_f_to_v(
    mut request: UpdateProjectFluentBuilder,
    prior: &Value,
    planned: &Value,
) -> Result<UpdateProjectFluentBuilder, ProviderError> {
    let has = |key: &str| changed(prior, planned, key);
    if has("file_system_locations") {
        request = request.set_file_system_locations(Some(
            blocks(planned, "file_system_locations").iter().map(file_system_to_sdk).collect(),
        ));
    }
    if has("logs_config") {
        request = request.logs_config(logs_to_sdk(planned)?);
    }
    if has("queued_timeout") {
        request = request.set_queued_timeout_in_minutes(int(planned, "queued_timeout"));
    }
    if has("secondary_artifacts") {
        request = request.set_secondary_artifacts(Some(each(
            planned,
            "secondary_artifacts",
            artifacts_to_sdk,
        )?));
    }
    if has("secondary_sources") {
        request =
            request.set_secondary_sources(Some(each(planned, "secondary_sources", source_to_sdk)?));
    }
    if has("secondary_source_version") {
        request = request.set_secondary_source_versions(Some(each(
            planned,
            "secondary_source_version",
            source_version_to_sdk,
        )?));
    }
    if has("service_role") {
        request = request.set_service_role(string(planned, "service_role"));
    }
    if has("source") {
        request = request.set_source(single(planned, "source").map(source_to_sdk).transpose()?);
    }
    if has("source_version") {
        request = request.source_version(string(planned, "source_version").unwrap_or_default());
    }
    if has("build_timeout") {
        request = request.set_timeout_in_minutes(int(planned, "build_timeout"));
    }
    if has("vpc_config") {
        request = request.vpc_config(
            single(planned, "vpc_config")
                .map(vpc_to_sdk)
                .unwrap_or_else(|| VpcConfig::builder().build()),
        );
    }
    Ok(request)
}

impl AwsObject for ProjectObject {
    type Object = Project;
    const NAME: &'static str = "aws_codebuild_project";
    const KIND: &'static str = "CodeBuild Project";
    /// A prior names its project by its name, else its ARN, else its ID
    /// ([`ProjectObject::key_of`]).
    const KEY: &'static str = "name";

    fn attributes() -> Vec<Declared<Project>> {
        let mut attributes = identity();
        attributes.extend(settings());
        attributes.extend(build_inputs());
        attributes.extend(configuration_blocks());
        attributes
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            for problem in project_name_problems(name) {
                problems.push(("name".to_string(), problem));
            }
        }
        if let Some(environment) = single(config, "environment") {
            if let Some(certificate) = environment.get("certificate").as_str() {
                if !(certificate.ends_with(".pem") || certificate.ends_with(".zip")) {
                    problems.push((
                        "environment[0].certificate".to_string(),
                        "invalid value for certificate (must end in .pem or .zip)".to_string(),
                    ));
                }
            }
        }
        if let Some(source) = single(config, "source") {
            // The provider refuses these at create; they are known at plan time.
            if source.get("type").as_str() == Some("NO_SOURCE") {
                let buildspec = source.get("buildspec");
                if buildspec.is_null() || buildspec.as_str() == Some("") {
                    problems.push((
                        "source[0].buildspec".to_string(),
                        "`buildspec` must be set when source's `type` is `NO_SOURCE`".to_string(),
                    ));
                }
                if source.get("location").as_str().is_some_and(|l| !l.is_empty()) {
                    problems.push((
                        "source[0].location".to_string(),
                        "`location` must be empty when source's `type` is `NO_SOURCE`".to_string(),
                    ));
                }
            }
        }
        if let Some(cache) = single(config, "cache") {
            // The provider's CustomizeDiff: S3 caches need a location (unknown ones pass).
            if let Some(kind) = cache.get("type").as_str() {
                let location = cache.get("location");
                let missing = location.is_null() || location.as_str() == Some("");
                if kind != "NO_CACHE" && kind != "LOCAL" && missing {
                    problems.push((
                        "cache[0].location".to_string(),
                        format!("cache location is required when cache type is {kind:?}"),
                    ));
                }
            }
        }
        if let Some(logs) = single(config, "logs_config") {
            if let Some(s3) = single(logs, "s3_logs") {
                if let Some(location) = s3.get("location").as_str() {
                    if let Some(problem) = s3_logs_location_problem("location", location) {
                        problems.push(("logs_config[0].s3_logs[0].location".to_string(), problem));
                    }
                }
            }
        }
        problems
    }

    /// What names a prior object to BatchGetProjects: its name, else its ARN, else its ID.
    fn key_of(value: &Value) -> Option<String> {
        non_empty(value, "name")
            .or_else(|| non_empty(value, "arn"))
            .or_else(|| non_empty(value, "id"))
    }

    /// Terraform's import ID: the project name (its ARN is accepted too).
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        if id.starts_with("arn:") {
            Ok(infra_core::resource::import_by("arn", id))
        } else {
            Ok(infra_core::resource::import_by("name", id))
        }
    }

    /// Names are unique in a region; ours carries the managed tags.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// The projects among `keys` (names or ARNs) that exist, with their tags: one
    /// BatchGetProjects per [`NAMES_PER_CALL`] keys.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Project> {
        let client = &this.aws.clients().await.codebuild;
        let mut projects = Vec::new();
        for chunk in keys.chunks(NAMES_PER_CALL) {
            let response = sent!(client.batch_get_projects().set_names(Some(chunk.to_vec())))?;
            projects.extend(response.projects().iter().cloned());
        }
        Ok(keys
            .iter()
            .filter_map(|key| {
                let project = find(&projects, key)?;
                let tags = tag_pairs(project);
                Some((key.clone(), Tagged { object: project.clone(), tags }))
            })
            .collect())
    }

    /// CreateProject (retried while the service role propagates), then
    /// UpdateProjectVisibility for a visibility other than PRIVATE; the key is the name.
    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.codebuild;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_codebuild_project needs a known \"name\""))?;
        let secondary_sources = each(at.planned, "secondary_sources", source_to_sdk)?;
        let secondary_versions =
            each(at.planned, "secondary_source_version", source_version_to_sdk)?;
        let secondary_artifacts = each(at.planned, "secondary_artifacts", artifacts_to_sdk)?;
        let file_systems: Vec<ProjectFileSystemLocation> =
            blocks(at.planned, "file_system_locations").iter().map(file_system_to_sdk).collect();
        let request = client
            .create_project()
            .name(&name)
            .set_description(non_empty(at.planned, "description"))
            .set_source(single(at.planned, "source").map(source_to_sdk).transpose()?)
            .set_secondary_sources((!secondary_sources.is_empty()).then_some(secondary_sources))
            .set_source_version(non_empty(at.planned, "source_version"))
            .set_secondary_source_versions(
                (!secondary_versions.is_empty()).then_some(secondary_versions),
            )
            .set_artifacts(single(at.planned, "artifacts").map(artifacts_to_sdk).transpose()?)
            .set_secondary_artifacts(
                (!secondary_artifacts.is_empty()).then_some(secondary_artifacts),
            )
            .set_cache(single(at.planned, "cache").map(cache_to_sdk).transpose()?)
            .set_environment(single(at.planned, "environment").map(environment_to_sdk).transpose()?)
            .set_service_role(non_empty(at.planned, "service_role"))
            .set_timeout_in_minutes(int(at.planned, "build_timeout").filter(|n| *n != 0))
            .set_queued_timeout_in_minutes(int(at.planned, "queued_timeout").filter(|n| *n != 0))
            .set_encryption_key(non_empty(at.planned, "encryption_key"))
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))))
            .set_vpc_config(single(at.planned, "vpc_config").map(vpc_to_sdk))
            .set_badge_enabled(boolean(at.planned, "badge_enabled").filter(|enabled| *enabled))
            .logs_config(logs_to_sdk(at.planned)?)
            .set_file_system_locations((!file_systems.is_empty()).then_some(file_systems))
            .set_build_batch_config(single(at.planned, "build_batch_config").map(batch_to_sdk))
            .set_concurrent_build_limit(
                int(at.planned, "concurrent_build_limit").filter(|n| *n != 0),
            )
            .set_auto_retry_limit(int(at.planned, "auto_retry_limit").filter(|n| *n != 0));
        let created = retry_while(PROPAGATION, is_propagating, || {
            let request = request.clone();
            async move { sent!(request) }
        })
        .await
        .map_err(|e| e.context(&format!("creating CodeBuild Project ({name})")))?;
        let arn = created
            .project()
            .and_then(|p| p.arn())
            .map(str::to_string)
            .ok_or_else(|| vanished("CodeBuild Project", &name))?;
        let visibility =
            string(at.planned, "project_visibility").unwrap_or_else(|| "PRIVATE".into());
        if visibility != "PRIVATE" {
            update_visibility(client, &arn, &arn, at.planned).await?;
        }
        Ok(name)
    }

    /// UpdateProjectVisibility for a changed visibility or resource access role, then one
    /// UpdateProject with every other change (retried while the service role propagates); the
    /// key after is the name.
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.codebuild;
        let name = string(at.planned, "name")
            .or_else(|| string(at.prior, "name"))
            .ok_or_else(|| ProviderError::new("aws_codebuild_project has no name in state"))?;
        let arn = string(at.prior, "arn").unwrap_or_else(|| name.clone());
        let id = string(at.prior, "id").unwrap_or_else(|| arn.clone());
        if VISIBILITY_ARGUMENTS.iter().any(|key| changed(at.prior, at.planned, key)) {
            update_visibility(client, &arn, &id, at.planned).await?;
        }
        let schema = ResourceType::schema(at.this);
        let others_changed = schema
            .attributes
            .iter()
            .filter(|a| a.is_settable())
            .map(|a| a.name)
            .chain(schema.blocks.iter().map(|b| b.name))
            .chain(["tags_all"])
            .filter(|key| !VISIBILITY_ARGUMENTS.contains(key))
            .any(|key| changed(at.prior, at.planned, key));
        if others_changed {
            let request = client.update_project().name(&name);
            let request = with_changes_a_to_e(request, at.prior, at.planned)?;
            let mut request = with_changes_f_to_v(request, at.prior, at.planned)?;
            // UpdateProject's tags replace the project's: always send the whole set.
            request = request.set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))));
            retry_while(PROPAGATION, is_propagating, || {
                let request = request.clone();
                async move { sent!(request) }
            })
            .await
            .map_err(|e| e.context(&format!("updating CodeBuild Project ({id})")))?;
        }
        Ok(name)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        // DeleteProject takes the name; an imported project's key may be its ARN.
        let name = at.key.rsplit_once(":project/").map_or(at.key, |(_, n)| n).to_string();
        deleted_or_missing(sent!(at
            .this
            .aws
            .clients()
            .await
            .codebuild
            .delete_project()
            .name(&name)))
        .map_err(|error| error.context(&format!("deleting CodeBuild Project ({name})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_are_checked_as_the_provider_does() {
        assert!(project_name_problems("build-main_1").is_empty());
        assert_eq!(project_name_problems("-x").len(), 1);
        assert_eq!(project_name_problems("a b").len(), 1);
        assert_eq!(project_name_problems(&"a".repeat(256)).len(), 1);
    }

    #[test]
    fn empty_answers_read_back_as_configured() {
        let hint = Value::map([("git_clone_depth", Value::Null)]);
        assert_eq!(reported(Value::Number(0.0), &hint, "git_clone_depth"), Value::Null);
        let hint = Value::map([("insecure_ssl", Value::Bool(false))]);
        assert_eq!(reported(Value::Null, &hint, "insecure_ssl"), Value::Bool(false));
        assert_eq!(reported(Value::Number(1.0), &hint, "git_clone_depth"), Value::Number(1.0));
    }

    /// An imported project keeps its import ID as `id`; a Lambda environment keeps the prior
    /// timeouts, which AWS ignores there.
    #[test]
    fn the_id_and_lambda_timeouts_are_read_as_the_prior_has_them() {
        let environment = ProjectEnvironment::builder()
            .r#type(EnvironmentType::LinuxLambdaContainer)
            .image("image")
            .compute_type(ComputeType::BuildLambda1Gb)
            .build()
            .unwrap();
        let project = Project::builder()
            .name("build")
            .arn("arn:aws:codebuild:us-east-1:123456789012:project/build")
            .timeout_in_minutes(60)
            .environment(environment)
            .tags(Tag::builder().key("team").value("ci").build())
            .build();
        let found = Tagged { tags: tag_pairs(&project), object: project };
        let prior =
            Value::map([("id", Value::string("build")), ("build_timeout", Value::Number(15.0))]);
        let value = crate::aws_object::value_of::<ProjectObject>(&found, &prior);
        assert_eq!(value.get("id"), &Value::string("build"));
        assert_eq!(value.get("build_timeout"), &Value::Number(15.0));
        assert_eq!(value.get("queued_timeout"), &Value::Null);
        assert_eq!(value.get("tags"), &Value::map([("team", Value::string("ci"))]));
        let value = crate::aws_object::value_of::<ProjectObject>(&found, &Value::Null);
        assert_eq!(
            value.get("id"),
            &Value::string("arn:aws:codebuild:us-east-1:123456789012:project/build")
        );
        assert_eq!(value.get("build_timeout"), &Value::Number(60.0));
    }

    #[test]
    fn s3_log_locations_are_a_bucket_and_a_prefix_or_an_arn() {
        assert_eq!(s3_logs_location_problem("location", "bucket/logs"), None);
        assert_eq!(s3_logs_location_problem("location", "arn:aws:s3:::bucket/logs"), None);
        assert!(s3_logs_location_problem("location", "bucket").is_some());
    }
}
