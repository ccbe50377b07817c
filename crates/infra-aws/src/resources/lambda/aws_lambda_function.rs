//! `aws_lambda_function`: a Lambda function, its code package (a local zip in `filename`, an S3
//! object in `s3_bucket` / `s3_key` / `s3_object_version`, or a container image in `image_uri`)
//! and its configuration. The Terraform ID is the function name, which is also the import ID.
//!
//! `function_name`, `package_type` and `tenancy_config` force a new function, and so does adding
//! or removing `durable_config` (the provider's `ForceNewIfChange`,
//! [`AwsObject::replacing_changes`]; its `execution_timeout` and `retention_period` change in
//! place). Everything else changes in place, in the provider's order: tags (TagResource /
//! UntagResource), the code signing configuration (Put/DeleteFunctionCodeSigningConfig),
//! UpdateFunctionConfiguration with the changed settings only, UpdateFunctionCode when the
//! package, `source_code_hash`, `code_sha256`, `source_kms_key_arn` or `architectures` change
//! (the zip is read again), the reserved concurrency (PutFunctionConcurrency, or
//! DeleteFunctionConcurrency for `-1`), and last PublishVersion (with `publish_to`) when
//! `publish` is true and anything of the function changed (or `publish` did). Create waits for
//! `State` Active, every update for `LastUpdateStatus` Successful, a publish for the new
//! version's. As the provider does, CreateFunction and UpdateFunctionConfiguration are retried
//! for up to five minutes while a new role cannot be assumed yet or the function is busy.
//!
//! `filename` is read at apply time, relative to the working directory of the run (as
//! Terraform does), and a missing file fails the apply with the path it looked at.
//! `source_code_hash` is configuration only, as in provider v6: it triggers a code update when it
//! changes, and the hash AWS computed is read back as `code_sha256`. Where nothing configures
//! `source_code_hash` (a create without it, an import) it is recorded as `code_sha256`, so a
//! configuration that sets it to `filebase64sha256` of the same zip plans no change. `filename`,
//! `s3_*`, `publish`, `skip_destroy` and the `replace_security_groups_on_destroy` pair are
//! configuration only; after an import the first apply records them. That apply does not upload
//! the package again when the state knows no package source (only after an import) and the
//! configured `source_code_hash` is the hash of the package AWS already runs.
//!
//! Environment variables are not sensitive, as in the provider. `skip_destroy = true` makes
//! destroy forget the function and leave it in AWS. `replace_security_groups_on_destroy` first
//! moves the function's network interfaces to `replacement_security_group_ids`, else to the
//! VPC's default security group (EC2 DescribeSecurityGroups).
//!
//! The function is declared on the [`AwsObject`] family, keyed by its name: each attribute with
//! its reader over what a read gathers ([`Found`]); the family writes refresh, import, the read
//! back after a write, `skip_destroy` and the lost create's search (the planned name's function,
//! with the managed tags).
//!
//! Refresh: Lambda has no batched read, so each function is GetFunction (configuration, code
//! location, tags, reserved concurrency), GetFunctionConcurrency only where GetFunction gave no
//! concurrency, ListVersionsByFunction (the latest version: `version`, `qualified_arn`) and, for
//! zip functions in the commercial regions where AWS Signer runs (as the provider), the
//! GetFunctionCodeSigningConfig; functions are read in parallel, eight at a time.
//!
//! Lambda Managed Instances: `capacity_provider_config` goes to CreateFunction and, when it
//! changes (and is still configured), to UpdateFunctionConfiguration; as in the provider, taking
//! the block away sends nothing (AWS cannot move a function off its capacity provider).
//! `publish_to` (`LATEST_PUBLISHED`) goes to CreateFunction and to every PublishVersion; it is
//! configuration only, as in the provider (AWS does not report it), and a change to it alone
//! sends UpdateFunctionConfiguration and publishes, as the provider's `needsFunctionConfigUpdate`
//! does. Durable functions: `durable_config` goes to CreateFunction and, when its settings change,
//! to UpdateFunctionConfiguration; destroying a durable function first stops its running
//! executions (ListDurableExecutionsByFunction, StopDurableExecution, then GetDurableExecution
//! until each is no longer `RUNNING`), as the provider does. Both blocks are read back from
//! GetFunction's configuration.
//!
//! An update that publishes a new version shows `version`, `qualified_arn` and
//! `qualified_invoke_arn` (and a code change `last_modified`) as known after apply, as the
//! provider does ([`FunctionObject::unknown_after_update`]), so an alias that references
//! `version` moves to the new version in the same apply.
//!
//! moto 5.2.5 keeps `dead_letter_config`, `file_system_config` and `logging_config` out of its
//! answers and ignores them, `kms_key_arn`, `tracing_config`, `ephemeral_storage`,
//! `image_config` and `snap_start` in UpdateFunctionConfiguration; it always reports
//! `snap_start` as off and ignores `architectures` in UpdateFunctionCode. `logging_config`
//! (which AWS always reports) is kept from the prior value when the answer leaves it out, so
//! drift on it is not seen in tests. moto has no Put/DeleteFunctionCodeSigningConfig.
//!
//! moto 5.2.5 accepts `CapacityProviderConfig`, `DurableConfig` and `PublishTo` on
//! CreateFunction, UpdateFunctionConfiguration and PublishVersion, but ignores them and leaves
//! both blocks out of its answers, and it does not route ListDurableExecutionsByFunction (404).
//! AWS reports both blocks for every function that has them, and neither can be taken off a
//! function in place, so an answer without one keeps the prior (or planned) block: drift on
//! `capacity_provider_config` and `durable_config` is not seen in tests.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::update_function_configuration::builders::UpdateFunctionConfigurationFluentBuilder;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    ApplicationLogLevel, Architecture, CapacityProviderConfig, DeadLetterConfig, DurableConfig,
    Environment, EphemeralStorage, ExecutionStatus, FileSystemConfig, FunctionCode,
    FunctionConfiguration, FunctionVersionLatestPublished, ImageConfig,
    LambdaManagedInstancesCapacityProviderConfig, LogFormat, LoggingConfig, PackageType, Runtime,
    SnapStart, SnapStartApplyOn, SystemLogLevel, TenancyConfig, TenantIsolationMode, TracingConfig,
    TracingMode, VpcConfig,
};
use aws_sdk_lambda::Client;
use infra_core::{
    Attribute, Block, Cause, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, int, is_missing, known, non_empty, number, retry_while, sent,
    sent_unless_gone, single, string, string_list, strings, tag_changes, text, text_or_null,
    vanished, wait_for,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::clients::partition_of;
use crate::declared::{from_prior, read, read_block, switch, Declared, Reading};
use crate::error::{aws_error, built};
use crate::tagging::ManagedTags;
use crate::verify::ARN;

/// The provider's `lambdaPropagationTimeout`: how long a create or configuration update is
/// retried while IAM or the function catches up, and a publish while an update is in progress.
const PROPAGATION: Duration = Duration::from_secs(5 * 60);

/// ListVersionsByFunction's largest page, as the provider asks for it.
const VERSIONS_PER_PAGE: i32 = 10_000;

/// The messages of `InvalidParameterValueException` that mean "not yet", not "never".
const PROPAGATION_MESSAGES: &[&str] = &[
    "The role defined for the function cannot be assumed by Lambda",
    "The provided execution role does not have permissions",
    "throttled by EC2",
    "Lambda was unable to configure access to your environment variables because the KMS key is invalid for CreateGrant",
];

/// The arguments whose change sends UpdateFunctionConfiguration (the provider's
/// `needsFunctionConfigUpdate`; `publish_to` is not part of that request, but its change sends it
/// and, with `publish`, the PublishVersion after it).
const CONFIG_ARGUMENTS: &[&str] = &[
    "description",
    "handler",
    "file_system_config",
    "image_config",
    "logging_config",
    "memory_size",
    "role",
    "timeout",
    "kms_key_arn",
    "layers",
    "dead_letter_config",
    "snap_start",
    "tracing_config",
    "vpc_config",
    "runtime",
    "environment",
    "ephemeral_storage",
    "durable_config",
    "capacity_provider_config",
    "publish_to",
];

/// The arguments whose change uploads the code again (the provider's `needsFunctionCodeUpdate`).
const CODE_ARGUMENTS: &[&str] = &[
    "filename",
    "code_sha256",
    "source_code_hash",
    "s3_bucket",
    "s3_key",
    "s3_object_version",
    "source_kms_key_arn",
    "image_uri",
    "architectures",
];

/// The regions where AWS Signer runs, so GetFunctionCodeSigningConfig answers (the provider's
/// `signerServiceIsAvailable`; elsewhere it fails with ambiguous errors).
const SIGNER_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-south-1",
    "eu-west-3",
    "eu-north-1",
    "me-south-1",
    "sa-east-1",
];

pub type AwsLambdaFunction = ObjectType<FunctionObject>;

pub struct FunctionObject;

/// One function as AWS reports it.
pub struct Found {
    function: GetFunctionOutput,
    /// The reserved concurrency; `None` when none is reserved.
    reserved: Option<i32>,
    /// The latest version's qualified ARN and version (`$LATEST` before any publish).
    latest: Option<(String, String)>,
    /// The code signing configuration ARN, when it was read (`None` inside: none is attached).
    code_signing: Option<Option<String>>,
}

/// The function as AWS reports it, with its tags; `None` when it does not exist: GetFunction,
/// GetFunctionConcurrency where GetFunction gave no concurrency, the latest version and the code
/// signing configuration.
async fn function_of(
    this: &AwsLambdaFunction,
    name: &str,
) -> Result<Option<Tagged<Found>>, ProviderError> {
    let clients = this.aws.clients().await;
    let client = &clients.lambda;
    let function = match sent!(client.get_function().function_name(name)) {
        Ok(output) => output,
        Err(error) if is_missing(&error) => return Ok(None),
        Err(error) => return Err(error.context(&format!("reading Lambda Function ({name})"))),
    };
    let Some(configuration) = function.configuration() else {
        return Ok(None);
    };
    let zip = configuration.package_type().map(|p| p.as_str()) != Some("Image");
    // GetFunction reports the reserved concurrency where one is set; asking again tells an
    // unset one from an answer that left it out.
    let reserved = match function.concurrency() {
        Some(concurrency) => concurrency.reserved_concurrent_executions(),
        None => match sent!(client.get_function_concurrency().function_name(name)) {
            Ok(output) => output.reserved_concurrent_executions(),
            Err(error) if is_missing(&error) => return Ok(None),
            Err(error) => {
                return Err(error.context(&format!("reading Lambda Function ({name}) concurrency")))
            }
        },
    };
    let latest = match latest_version(client, name).await {
        Ok(latest) => latest,
        Err(error) if is_missing(&error) => return Ok(None),
        Err(error) => {
            return Err(error.context(&format!("reading Lambda Function ({name}) latest version")))
        }
    };
    let code_signing = match code_signing_config(client, name, zip, &clients.region).await {
        Ok(arn) => arn,
        Err(error) if is_missing(&error) => return Ok(None),
        Err(error) => {
            return Err(
                error.context(&format!("reading Lambda Function ({name}) code signing config"))
            )
        }
    };
    let found = Found { function, reserved, latest, code_signing };
    let tags = found
        .function
        .tags()
        .map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Ok(Some(Tagged { object: found, tags }))
}

impl AwsLambdaFunction {
    /// UpdateFunctionConfiguration with the settings that change, then the wait for it.
    async fn update_configuration(
        &self,
        client: &Client,
        name: &str,
        prior: &Value,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let is = |key: &str| changed(prior, planned, key);
        let mut request = client.update_function_configuration().function_name(name);
        // Taken away, either block sends nothing, as in the provider: AWS cannot move a function
        // off its capacity provider, and removing `durable_config` replaces the function.
        if is("capacity_provider_config") {
            request = request.set_capacity_provider_config(capacity_provider_config(planned)?);
        }
        if is("durable_config") {
            request = request.set_durable_config(durable_config(planned));
        }
        if is("description") {
            request = request.description(string(planned, "description").unwrap_or_default());
        }
        if is("handler") {
            request = request.handler(string(planned, "handler").unwrap_or_default());
        }
        if is("runtime") {
            request = request.set_runtime(
                string(planned, "runtime").map(|runtime| Runtime::from(runtime.as_str())),
            );
        }
        if is("memory_size") {
            request = request.set_memory_size(int(planned, "memory_size"));
        }
        if is("timeout") {
            request = request.set_timeout(int(planned, "timeout"));
        }
        if is("role") {
            request = request.set_role(string(planned, "role"));
        }
        if is("kms_key_arn") {
            request = request.kms_key_arn(string(planned, "kms_key_arn").unwrap_or_default());
        }
        if is("layers") {
            request = request.set_layers(Some(strings(planned, "layers")));
        }
        if is("dead_letter_config") {
            // An empty target removes the dead-letter queue.
            let target = single(planned, "dead_letter_config")
                .and_then(|block| string(block, "target_arn"))
                .unwrap_or_default();
            request =
                request.dead_letter_config(DeadLetterConfig::builder().target_arn(target).build());
        }
        if is("environment") || is("kms_key_arn") {
            // Always the whole map: no variables clears them.
            request = request.environment(
                Environment::builder().set_variables(Some(environment_variables(planned))).build(),
            );
        }
        if is("ephemeral_storage") {
            request = request.set_ephemeral_storage(ephemeral_storage(planned)?);
        }
        if is("file_system_config") {
            request = request.set_file_system_configs(Some(file_system_configs(planned)?));
        }
        if is("image_config") {
            request = request.image_config(
                image_config(planned).unwrap_or_else(|| ImageConfig::builder().build()),
            );
        }
        if is("logging_config") {
            request = request.logging_config(
                logging_config(planned).unwrap_or_else(|| LoggingConfig::builder().build()),
            );
        }
        if is("snap_start") {
            request = request.snap_start(snap_start(planned));
        }
        if is("tracing_config") {
            request = request.set_tracing_config(tracing_config(planned));
        }
        if is("vpc_config") {
            request = request.vpc_config(vpc_config(planned).unwrap_or_else(empty_vpc_config));
        }
        send_configuration(client, name, request, timeout).await
    }

    /// UpdateFunctionCode with the configured package, then the wait for it.
    async fn update_code(
        &self,
        client: &Client,
        name: &str,
        prior: &Value,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let mut request = client.update_function_code().function_name(name);
        if changed(prior, planned, "architectures") {
            request = request.set_architectures(architectures(planned));
        }
        // The same package as a create's, each of its parts set as the request's own.
        let code = function_code(planned)?;
        sent!(request
            .set_zip_file(code.zip_file)
            .set_image_uri(code.image_uri)
            .set_s3_bucket(code.s3_bucket)
            .set_s3_key(code.s3_key)
            .set_s3_object_version(code.s3_object_version)
            .set_source_kms_key_arn(code.source_kms_key_arn))
        .map_err(|error| error.context(&format!("updating Lambda Function ({name}) code")))?;
        wait_updated(client, name, None, timeout).await
    }

    /// Moves the function's network interfaces to the replacement security groups (or the VPC's
    /// default one) before a destroy, so those groups can be deleted sooner.
    async fn replace_security_groups(
        &self,
        name: &str,
        prior: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let Some(vpc) = single(prior, "vpc_config") else {
            return Ok(());
        };
        if strings(vpc, "security_group_ids").is_empty() {
            return Ok(());
        }
        let clients = self.aws.clients().await;
        let mut replacement = strings(prior, "replacement_security_group_ids");
        if replacement.is_empty() {
            let vpc_id = string(vpc, "vpc_id").unwrap_or_default();
            let groups = sent!(clients
                .ec2
                .describe_security_groups()
                .filters(
                    aws_sdk_ec2::types::Filter::builder()
                        .name("vpc-id")
                        .values(vpc_id.clone())
                        .build(),
                )
                .filters(
                    aws_sdk_ec2::types::Filter::builder()
                        .name("group-name")
                        .values("default")
                        .build(),
                ))
            .map_err(|error| {
                error.context(&format!("finding VPC ({vpc_id}) default security group"))
            })?;
            let default =
                groups.security_groups().first().and_then(|group| group.group_id()).ok_or_else(
                    || {
                        ProviderError::new(format!(
                            "finding VPC ({vpc_id}) default security group: not found"
                        ))
                    },
                )?;
            replacement = vec![default.to_string()];
        }
        let client = &clients.lambda;
        let request = client
            .update_function_configuration()
            .function_name(name)
            .vpc_config(VpcConfig::builder().set_security_group_ids(Some(replacement)).build());
        send_configuration(client, name, request, timeout).await
    }
}

// ---- The schema ----

/// An attribute read from the function's configuration alone.
fn configured(
    attribute: Attribute,
    reader: fn(Option<&FunctionConfiguration>) -> Value,
) -> Declared<Found> {
    read(attribute, move |found: &Found, _: &Reading| reader(found.function.configuration()))
}

/// A string of the function's configuration, null where AWS reports none or "".
fn configured_text(
    attribute: Attribute,
    accessor: fn(&FunctionConfiguration) -> Option<&str>,
) -> Declared<Found> {
    read(attribute, move |found: &Found, _: &Reading| {
        text_or_null(found.function.configuration().and_then(accessor))
    })
}

/// A block read from the function's configuration and the hint (the prior state or plan).
fn configured_block(
    block: Block,
    reader: fn(Option<&FunctionConfiguration>, &Value) -> Value,
) -> Declared<Found> {
    read_block(block, move |found: &Found, at: &Reading| {
        reader(found.function.configuration(), at.prior)
    })
}

/// The function's name as reported, else the hint's.
fn name_read(found: &Found, at: &Reading) -> Value {
    Value::string(
        found
            .function
            .configuration()
            .and_then(|c| c.function_name())
            .map(str::to_string)
            .or_else(|| string(at.prior, "function_name"))
            .unwrap_or_default(),
    )
}

fn function_arn(found: &Found) -> &str {
    found.function.configuration().and_then(|c| c.function_arn()).unwrap_or_default()
}

/// The latest version's qualified ARN and version (`$LATEST` before any publish).
fn latest(found: &Found) -> (String, String) {
    found
        .latest
        .clone()
        .unwrap_or_else(|| (format!("{}:$LATEST", function_arn(found)), "$LATEST".to_string()))
}

/// An invoke ARN of the function (`qualified`: of its latest version) in the region read.
fn invoke_arn_read(found: &Found, at: &Reading, qualified: bool, api: &str, action: &str) -> Value {
    let arn = match qualified {
        true => latest(found).0,
        false => function_arn(found).to_string(),
    };
    Value::string(invoke_arn(partition_of(at.region), at.region, api, &arn, action))
}

/// The function's attributes: `id` and `arn`, then the rest in alphabetical order.
fn function_attributes() -> Vec<Declared<Found>> {
    let mut declared = attributes_to_package_type();
    declared.extend(attributes_from_publish());
    declared
}

/// From `id` to `package_type`.
fn attributes_to_package_type() -> Vec<Declared<Found>> {
    vec![
        read(Attribute::computed("id", Type::String), name_read),
        read(Attribute::computed("arn", Type::String), |f: &Found, _: &Reading| {
            Value::string(function_arn(f))
        }),
        configured(
            Attribute::optional_computed("architectures", Type::list(Type::String))
                .check(Check::OneOf(Architecture::values())),
            |c| {
                string_list(
                    c.map(|c| c.architectures()).unwrap_or_default().iter().map(|a| a.as_str()),
                )
            },
        ),
        configured(Attribute::optional_computed("code_sha256", Type::String), |c| {
            text(c.and_then(|c| c.code_sha256()))
        }),
        read(
            Attribute::optional("code_signing_config_arn", Type::String).check(ARN),
            |f: &Found, at: &Reading| match &f.code_signing {
                Some(arn) => text(arn.as_deref()),
                None => known(at.prior, "code_signing_config_arn"),
            },
        ),
        configured_text(
            Attribute::optional("description", Type::String),
            FunctionConfiguration::description,
        ),
        from_prior(Attribute::optional("filename", Type::String).exactly_one_of(SOURCES)),
        read(Attribute::required("function_name", Type::String).force_new(), name_read),
        configured_text(
            Attribute::optional("handler", Type::String).check(Check::Length(1, 128)),
            FunctionConfiguration::handler,
        ),
        read(
            Attribute::optional("image_uri", Type::String).exactly_one_of(SOURCES),
            |f: &Found, _: &Reading| text_or_null(f.function.code().and_then(|c| c.image_uri())),
        ),
        read(Attribute::computed("invoke_arn", Type::String), |f: &Found, at: &Reading| {
            invoke_arn_read(f, at, false, "2015-03-31", "invocations")
        }),
        configured_text(
            Attribute::optional("kms_key_arn", Type::String).check(ARN),
            FunctionConfiguration::kms_key_arn,
        ),
        configured(Attribute::computed("last_modified", Type::String), |c| {
            text(c.and_then(|c| c.last_modified()))
        }),
        configured(Attribute::optional("layers", Type::list(Type::String)).check(ARN), |c| {
            string_list(
                c.map(|c| c.layers()).unwrap_or_default().iter().filter_map(|layer| layer.arn()),
            )
        }),
        configured(
            Attribute::optional("memory_size", Type::Number)
                .default(Value::Number(128.0))
                .check(Check::Range(128, 10240)),
            |c| number(c.and_then(|c| c.memory_size()).map(i64::from)),
        ),
        configured(
            Attribute::optional("package_type", Type::String)
                .default(Value::string("Zip"))
                .force_new()
                .check(Check::OneOf(PackageType::values())),
            |c| {
                Value::string(c.and_then(|c| c.package_type()).map(|p| p.as_str()).unwrap_or("Zip"))
            },
        ),
    ]
}

/// From `publish` to `version`.
fn attributes_from_publish() -> Vec<Declared<Found>> {
    vec![
        switch(Attribute::optional("publish", Type::Bool).default(Value::Bool(false))),
        from_prior(
            Attribute::optional("publish_to", Type::String)
                .check(Check::OneOf(FunctionVersionLatestPublished::values())),
        ),
        read(Attribute::computed("qualified_arn", Type::String), |f: &Found, _: &Reading| {
            Value::string(latest(f).0)
        }),
        read(
            Attribute::computed("qualified_invoke_arn", Type::String),
            |f: &Found, at: &Reading| invoke_arn_read(f, at, true, "2015-03-31", "invocations"),
        ),
        from_prior(Attribute::optional("replace_security_groups_on_destroy", Type::Bool)),
        from_prior(
            Attribute::optional("replacement_security_group_ids", Type::set(Type::String))
                .required_with(&["replace_security_groups_on_destroy"]),
        ),
        read(
            Attribute::optional("reserved_concurrent_executions", Type::Number)
                .check(Check::Range(-1, i64::MAX))
                .default(Value::Number(-1.0)),
            |f: &Found, _: &Reading| Value::Number(f64::from(f.reserved.unwrap_or(-1))),
        ),
        read(
            Attribute::computed("response_streaming_invoke_arn", Type::String),
            |f: &Found, at: &Reading| {
                invoke_arn_read(f, at, false, "2021-11-15", "response-streaming-invocations")
            },
        ),
        configured_text(
            Attribute::required("role", Type::String).check(ARN),
            FunctionConfiguration::role,
        ),
        configured(
            Attribute::optional("runtime", Type::String).check(Check::OneOf(Runtime::values())),
            |c| text_or_null(c.and_then(|c| c.runtime()).map(|r| r.as_str())),
        ),
        from_prior(
            Attribute::optional("s3_bucket", Type::String)
                .exactly_one_of(SOURCES)
                .required_with(&["s3_key"]),
        ),
        from_prior(Attribute::optional("s3_key", Type::String).required_with(&["s3_bucket"])),
        from_prior(
            Attribute::optional("s3_object_version", Type::String)
                .conflicts_with(&["filename", "image_uri"]),
        ),
        configured_text(
            Attribute::computed("signing_job_arn", Type::String),
            FunctionConfiguration::signing_job_arn,
        ),
        configured_text(
            Attribute::computed("signing_profile_version_arn", Type::String),
            FunctionConfiguration::signing_profile_version_arn,
        ),
        switch(Attribute::optional("skip_destroy", Type::Bool).default(Value::Bool(false))),
        // Configuration only (provider v6); recorded as AWS's hash where nothing configures it.
        read(
            Attribute::optional_computed("source_code_hash", Type::String),
            |f: &Found, at: &Reading| match known(at.prior, "source_code_hash") {
                Value::Null => text(f.function.configuration().and_then(|c| c.code_sha256())),
                configured => configured,
            },
        ),
        configured(Attribute::computed("source_code_size", Type::Number), |c| {
            Value::Number(c.map(|c| c.code_size()).unwrap_or(0) as f64)
        }),
        read(
            Attribute::optional("source_kms_key_arn", Type::String)
                .check(ARN)
                .conflicts_with(&["image_uri"]),
            |f: &Found, _: &Reading| {
                text_or_null(f.function.code().and_then(|c| c.source_kms_key_arn()))
            },
        ),
        configured(
            Attribute::optional("timeout", Type::Number)
                .default(Value::Number(3.0))
                .check(Check::Range(1, 900)),
            |c| number(c.and_then(|c| c.timeout()).map(i64::from)),
        ),
        read(Attribute::computed("version", Type::String), |f: &Found, _: &Reading| {
            Value::string(latest(f).1)
        }),
    ]
}

/// The function's blocks, in alphabetical order.
fn configuration_blocks() -> Vec<Declared<Found>> {
    let dead_letter =
        Schema::new().attr(Attribute::required("target_arn", Type::String).check(ARN));
    let environment = Schema::new().attr(Attribute::optional("variables", Type::map(Type::String)));
    let ephemeral = Schema::new()
        .attr(Attribute::optional_computed("size", Type::Number).check(Check::Range(512, 10240)));
    let file_system = Schema::new()
        .attr(Attribute::required("arn", Type::String).check(ARN))
        .attr(Attribute::required("local_mount_path", Type::String));
    let image = Schema::new()
        .attr(Attribute::optional("command", Type::list(Type::String)))
        .attr(Attribute::optional("entry_point", Type::list(Type::String)))
        .attr(Attribute::optional("working_directory", Type::String));
    let tenancy = Schema::new().attr(
        Attribute::required("tenant_isolation_mode", Type::String)
            .check(Check::OneOf(TenantIsolationMode::values())),
    );
    let tracing = Schema::new()
        .attr(Attribute::required("mode", Type::String).check(Check::OneOf(TracingMode::values())));
    vec![
        configured_block(
            Block::single("capacity_provider_config", capacity_provider_schema()),
            |c, hint| match c.and_then(|c| c.capacity_provider_config()) {
                Some(config) => capacity_provider_config_value(config),
                None => kept_block(hint, "capacity_provider_config"),
            },
        ),
        configured_block(Block::single("dead_letter_config", dead_letter), |c, _| {
            block_of(
                c.and_then(|c| c.dead_letter_config())
                    .and_then(|d| d.target_arn())
                    .filter(|target| !target.is_empty())
                    .map(|target| Value::map([("target_arn", Value::string(target))])),
            )
        }),
        configured_block(Block::single("durable_config", durable_schema()), |c, hint| {
            match c.and_then(|c| c.durable_config()) {
                Some(config) => block_of(durable_config_value(config)),
                None => kept_block(hint, "durable_config"),
            }
        }),
        configured_block(Block::single("environment", environment), |c, _| environment_block(c)),
        configured_block(Block::single("ephemeral_storage", ephemeral).computed(), |c, _| {
            block_of(
                c.and_then(|c| c.ephemeral_storage())
                    .map(|e| Value::map([("size", Value::Number(f64::from(e.size())))])),
            )
        }),
        configured_block(Block::single("file_system_config", file_system), |c, _| {
            file_system_config_block(c)
        }),
        configured_block(Block::single("image_config", image), |c, _| image_config_block(c)),
        configured_block(
            Block::single("logging_config", logging_schema()).computed(),
            logging_config_block,
        ),
        configured_block(Block::single("snap_start", snap_start_schema()), |c, _| {
            snap_start_block(c)
        }),
        configured_block(Block::single("tenancy_config", tenancy).force_new(), |c, _| {
            block_of(c.and_then(|c| c.tenancy_config()).map(|tenancy| {
                Value::map([(
                    "tenant_isolation_mode",
                    Value::string(tenancy.tenant_isolation_mode().as_str()),
                )])
            }))
        }),
        configured_block(Block::single("tracing_config", tracing).computed(), |c, _| {
            block_of(Some(Value::map([(
                "mode",
                Value::string(
                    c.and_then(|c| c.tracing_config())
                        .and_then(|t| t.mode())
                        .map(|m| m.as_str())
                        .unwrap_or("PassThrough"),
                ),
            )])))
        }),
        configured_block(Block::single("vpc_config", vpc_schema()), |c, _| vpc_config_block(c)),
    ]
}

fn capacity_provider_schema() -> Schema {
    let managed_instances = Schema::new()
        .attr(Attribute::required("capacity_provider_arn", Type::String).check(ARN))
        .attr(Attribute::optional_computed(
            "execution_environment_memory_gib_per_vcpu",
            Type::Number,
        ))
        .attr(Attribute::optional_computed(
            "per_execution_environment_max_concurrency",
            Type::Number,
        ));
    Schema::new().block(
        Block::single("lambda_managed_instances_capacity_provider_config", managed_instances)
            .required(),
    )
}

fn durable_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::required("execution_timeout", Type::Number)
                .check(Check::Range(1, 31_622_400)),
        )
        .attr(
            Attribute::optional("retention_period", Type::Number)
                .default(Value::Number(14.0))
                .check(Check::Range(1, 90)),
        )
}

fn logging_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional_computed("application_log_level", Type::String)
                .check(Check::OneOf(ApplicationLogLevel::values())),
        )
        .attr(
            Attribute::required("log_format", Type::String)
                .check(Check::OneOf(LogFormat::values())),
        )
        .attr(Attribute::optional_computed("log_group", Type::String))
        .attr(
            Attribute::optional_computed("system_log_level", Type::String)
                .check(Check::OneOf(SystemLogLevel::values())),
        )
}

fn snap_start_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::required("apply_on", Type::String)
                .check(Check::OneOf(SnapStartApplyOn::values())),
        )
        .attr(Attribute::computed("optimization_status", Type::String))
}

fn vpc_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional("ipv6_allowed_for_dual_stack", Type::Bool)
                .default(Value::Bool(false)),
        )
        .attr(Attribute::required("security_group_ids", Type::set(Type::String)))
        .attr(Attribute::required("subnet_ids", Type::set(Type::String)))
        .attr(Attribute::computed("vpc_id", Type::String))
}

/// True when the code is uploaded again for this change.
fn code_changed(prior: &Value, planned: &Value) -> bool {
    CODE_ARGUMENTS.iter().any(|key| changed(prior, planned, key))
        && !adopts_deployed_package(prior, planned)
}

/// The first apply after an import: the state knows no package source (`filename`, the S3
/// object and the image are configuration only, and only an import leaves all unset), the
/// configured `source_code_hash` is the hash of the package AWS runs, and nothing else about the
/// code changes. That apply records the source without uploading the same package again.
fn adopts_deployed_package(prior: &Value, planned: &Value) -> bool {
    let no_source =
        ["filename", "s3_bucket", "s3_key", "image_uri"].iter().all(|key| prior.get(key).is_null());
    let hash = non_empty(planned, "source_code_hash");
    let same_package = hash.is_some() && hash == non_empty(prior, "code_sha256");
    let rest_unchanged = ["code_sha256", "architectures", "source_kms_key_arn", "image_uri"]
        .iter()
        .all(|key| !changed(prior, planned, key));
    no_source && same_package && rest_unchanged
}

/// True when an update ends with PublishVersion.
fn publishes(prior: &Value, planned: &Value, code: bool, config: bool) -> bool {
    boolean(planned, "publish") == Some(true)
        && (code || config || changed(prior, planned, "publish"))
}

/// UpdateFunctionConfiguration (retried while IAM or the function catches up), then the wait
/// for it.
async fn send_configuration(
    client: &Client,
    name: &str,
    request: UpdateFunctionConfigurationFluentBuilder,
    timeout: Duration,
) -> Result<(), ProviderError> {
    retry_while(PROPAGATION, is_propagation_error, || {
        let request = request.clone();
        async move { sent!(request) }
    })
    .await
    .map_err(|error| error.context(&format!("updating Lambda Function ({name}) configuration")))?;
    wait_updated(client, name, None, timeout).await
}

/// A new role that Lambda cannot assume yet, EC2 throttling, a KMS grant not ready, or a
/// function busy with another change: retried as the provider's `retryFunctionOp` does. A
/// function that already exists is not.
fn is_propagation_error(error: &ProviderError) -> bool {
    match error.code.as_deref() {
        Some("InvalidParameterValueException") => {
            PROPAGATION_MESSAGES.iter().any(|message| error.message.contains(message))
        }
        Some("ResourceConflictException") => !error.message.contains("already exist"),
        _ => false,
    }
}

/// A delete refused because the function is a Lambda@Edge replica, which CloudFront removes in
/// its own time.
fn is_replicated_function(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("InvalidParameterValueException")
        && error.message.contains("because it is a replicated function")
}

/// A publish refused while an update is still in progress.
fn is_update_in_progress(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("ResourceConflictException")
        && error.message.contains("in progress")
}

/// GetFunctionConfiguration of the function or one version; `None` when it does not exist.
async fn configuration_of(
    client: &Client,
    name: &str,
    qualifier: Option<&str>,
) -> Result<Option<GetFunctionConfigurationOutput>, ProviderError> {
    match sent!(client
        .get_function_configuration()
        .function_name(name)
        .set_qualifier(qualifier.map(str::to_string)))
    {
        Ok(output) => Ok(Some(output)),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Waits until a new function is `Active` (or `ActiveNonInvocable`); `Failed` is an error with
/// AWS's reason.
async fn wait_active(client: &Client, name: &str, timeout: Duration) -> Result<(), ProviderError> {
    wait_for(
        &format!("Lambda Function ({name}) to become Active"),
        timeout,
        move || async move {
            // Not found yet: the create is still propagating.
            let Some(configuration) = configuration_of(client, name, None).await? else {
                return Ok(None);
            };
            match configuration.state().map(|state| state.as_str()) {
                None | Some("Active") | Some("ActiveNonInvocable") => Ok(Some(())),
                Some("Pending") => Ok(None),
                Some(state) => Err(ProviderError::with_code(
                    "UnexpectedState",
                    format!(
                        "waiting for Lambda Function ({name}) create: unexpected state '{state}', wanted target 'Active'. last error: {}: {}",
                        configuration
                            .state_reason_code()
                            .map(|code| code.as_str())
                            .unwrap_or_default(),
                        configuration.state_reason().unwrap_or_default()
                    ),
                )),
            }
        },
    )
    .await
}

/// Waits until the last update of the function (or of one version) is `Successful`; `Failed` is
/// an error with AWS's reason.
async fn wait_updated(
    client: &Client,
    name: &str,
    qualifier: Option<&str>,
    timeout: Duration,
) -> Result<(), ProviderError> {
    wait_for(&format!("Lambda Function ({name}) update"), timeout, move || async move {
        let Some(configuration) = configuration_of(client, name, qualifier).await? else {
            return Err(vanished("Lambda Function", name));
        };
        match configuration.last_update_status().map(|status| status.as_str()) {
            Some("Successful") => Ok(Some(())),
            Some("Failed") => Err(ProviderError::with_code(
                "UpdateFailed",
                format!(
                    "waiting for Lambda Function ({name}) update: {}: {}",
                    configuration
                        .last_update_status_reason_code()
                        .map(|code| code.as_str())
                        .unwrap_or_default(),
                    configuration.last_update_status_reason().unwrap_or_default()
                ),
            )),
            // InProgress, or not reported yet (as the SDK's waiter reads it).
            _ => Ok(None),
        }
    })
    .await
}

/// PutFunctionConcurrency for a reservation (0 and up), DeleteFunctionConcurrency for `-1`.
async fn set_concurrency(
    client: &Client,
    name: &str,
    reserved: Option<i32>,
) -> Result<(), ProviderError> {
    match reserved {
        Some(count) if count >= 0 => client
            .put_function_concurrency()
            .function_name(name)
            .reserved_concurrent_executions(count)
            .send()
            .await
            .map(|_| ())
            .map_err(aws_error)
            .map_err(|error| {
                error.context(&format!("setting Lambda Function ({name}) concurrency"))
            }),
        _ => client
            .delete_function_concurrency()
            .function_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(aws_error)
            .map_err(|error| {
                error.context(&format!("deleting Lambda Function ({name}) concurrency"))
            }),
    }
}

/// PublishVersion (to `publish_to` where it is set; retried while an update is in progress),
/// then the wait for the version.
async fn publish_version(
    client: &Client,
    name: &str,
    publish_to: Option<FunctionVersionLatestPublished>,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let publish_to = &publish_to;
    let published = retry_while(PROPAGATION, is_update_in_progress, move || async move {
        sent!(client.publish_version().function_name(name).set_publish_to(publish_to.clone()))
    })
    .await
    .map_err(|error| error.context(&format!("publishing Lambda Function ({name}) version")))?;
    match published.version() {
        Some(version) => wait_updated(client, name, Some(version), timeout).await,
        None => Ok(()),
    }
}

/// Stops every running execution of a durable function and waits until each has stopped (the
/// provider's `stopDurableExecutions`). An execution that ends on its own meanwhile, or is gone,
/// needs nothing more; a function that is gone has none.
async fn stop_durable_executions(
    client: &Client,
    name: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let mut pages = client
        .list_durable_executions_by_function()
        .function_name(name)
        .statuses(ExecutionStatus::Running)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page.map_err(aws_error) {
            Ok(page) => page,
            Err(error) if is_missing(&error) => return Ok(()),
            Err(error) => return Err(error),
        };
        for execution in page.durable_executions() {
            let arn = execution.durable_execution_arn();
            match sent!(client.stop_durable_execution().durable_execution_arn(arn)) {
                Ok(_) => {}
                Err(error) if is_missing(&error) => continue,
                Err(error) => {
                    return Err(error.context(&format!("stopping durable execution ({arn})")))
                }
            }
            wait_for(&format!("durable execution ({arn}) to stop"), timeout, move || async move {
                match sent!(client.get_durable_execution().durable_execution_arn(arn)) {
                    Ok(execution) => {
                        let running = matches!(execution.status(), ExecutionStatus::Running);
                        Ok((!running).then_some(()))
                    }
                    Err(error) if is_missing(&error) => Ok(Some(())),
                    Err(error) => Err(error),
                }
            })
            .await?;
        }
    }
    Ok(())
}

/// The last version ListVersionsByFunction lists (it lists `$LATEST` first, then the published
/// versions from the oldest): its qualified ARN and version.
async fn latest_version(
    client: &Client,
    name: &str,
) -> Result<Option<(String, String)>, ProviderError> {
    let mut pages = client
        .list_versions_by_function()
        .function_name(name)
        .max_items(VERSIONS_PER_PAGE)
        .into_paginator()
        .send();
    let mut latest = None;
    while let Some(page) = pages.next().await {
        let page = page.map_err(aws_error)?;
        if let Some(last) = page.versions().last() {
            latest = Some((
                last.function_arn().unwrap_or_default().to_string(),
                last.version().unwrap_or_default().to_string(),
            ));
        }
    }
    Ok(latest)
}

/// The function's code signing configuration, where the provider reads it: `None` when it is
/// not read (other partitions and regions), `Some(None)` when none is attached (and for image
/// functions, which cannot have one).
async fn code_signing_config(
    client: &Client,
    name: &str,
    zip: bool,
    region: &str,
) -> Result<Option<Option<String>>, ProviderError> {
    if partition_of(region) != "aws" || !SIGNER_REGIONS.contains(&region) {
        return Ok(None);
    }
    if !zip {
        return Ok(Some(None));
    }
    let output = sent!(client.get_function_code_signing_config().function_name(name))?;
    let arn = output.code_signing_config_arn();
    Ok(Some((!arn.is_empty()).then(|| arn.to_string())))
}

/// The bytes of the zip at `filename`, read relative to the working directory (a leading `~/`
/// is the home directory, as the provider expands it).
fn read_package(filename: &str) -> Result<Vec<u8>, ProviderError> {
    let path = match (filename.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(filename),
    };
    std::fs::read(&path).map_err(|error| {
        let looked_at = std::env::current_dir()
            .map(|dir| dir.join(&path).display().to_string())
            .unwrap_or_else(|_| path.display().to_string());
        ProviderError::new(format!(
            "reading ZIP file ({filename}): {error} (\"filename\" is read at apply time, relative to the working directory: {looked_at})"
        ))
    })
}

/// The package of a create (and of an UpdateFunctionCode): the zip's bytes, the image, or the
/// S3 object.
fn function_code(planned: &Value) -> Result<FunctionCode, ProviderError> {
    let mut code = FunctionCode::builder();
    if let Some(filename) = non_empty(planned, "filename") {
        code = code.zip_file(Blob::new(read_package(&filename)?));
    } else if let Some(image) = non_empty(planned, "image_uri") {
        code = code.image_uri(image);
    } else {
        code = code
            .set_s3_bucket(non_empty(planned, "s3_bucket"))
            .set_s3_key(non_empty(planned, "s3_key"))
            .set_s3_object_version(non_empty(planned, "s3_object_version"));
    }
    Ok(code.set_source_kms_key_arn(non_empty(planned, "source_kms_key_arn")).build())
}

fn architectures(value: &Value) -> Option<Vec<Architecture>> {
    let list: Vec<Architecture> = strings(value, "architectures")
        .iter()
        .map(|architecture| Architecture::from(architecture.as_str()))
        .collect();
    (!list.is_empty()).then_some(list)
}

/// The `capacity_provider_config` block as CreateFunction and UpdateFunctionConfiguration take
/// it (the provider's `expandCapacityProviderConfig`: a memory ratio or concurrency of 0 is not
/// sent); `None` without the block.
fn capacity_provider_config(
    value: &Value,
) -> Result<Option<CapacityProviderConfig>, ProviderError> {
    let Some(block) = single(value, "capacity_provider_config") else {
        return Ok(None);
    };
    let managed = single(block, "lambda_managed_instances_capacity_provider_config")
        .map(|managed| {
            built(
                LambdaManagedInstancesCapacityProviderConfig::builder()
                    .set_capacity_provider_arn(string(managed, "capacity_provider_arn"))
                    .set_execution_environment_memory_gib_per_v_cpu(
                        managed
                            .get("execution_environment_memory_gib_per_vcpu")
                            .as_f64()
                            .filter(|ratio| *ratio != 0.0),
                    )
                    .set_per_execution_environment_max_concurrency(
                        int(managed, "per_execution_environment_max_concurrency")
                            .filter(|concurrency| *concurrency != 0),
                    )
                    .build(),
            )
        })
        .transpose()?;
    Ok(Some(
        CapacityProviderConfig::builder()
            .set_lambda_managed_instances_capacity_provider_config(managed)
            .build(),
    ))
}

/// The `capacity_provider_config` block as AWS reports it (the provider's
/// `flattenCapacityProviderConfig`).
fn capacity_provider_config_value(config: &CapacityProviderConfig) -> Value {
    let managed = config.lambda_managed_instances_capacity_provider_config().map(|managed| {
        Value::map([
            ("capacity_provider_arn", Value::string(managed.capacity_provider_arn())),
            (
                "execution_environment_memory_gib_per_vcpu",
                managed
                    .execution_environment_memory_gib_per_v_cpu()
                    .map(Value::Number)
                    .unwrap_or(Value::Null),
            ),
            (
                "per_execution_environment_max_concurrency",
                number(managed.per_execution_environment_max_concurrency().map(i64::from)),
            ),
        ])
    });
    block_of(Some(Value::map([(
        "lambda_managed_instances_capacity_provider_config",
        block_of(managed),
    )])))
}

fn dead_letter_config(value: &Value) -> Option<DeadLetterConfig> {
    single(value, "dead_letter_config").map(|block| {
        DeadLetterConfig::builder().set_target_arn(string(block, "target_arn")).build()
    })
}

/// The `durable_config` block as CreateFunction and UpdateFunctionConfiguration take it (the
/// provider's `expandDurableConfigs`: both settings, the retention period defaulting to 14
/// days); `None` without the block.
fn durable_config(value: &Value) -> Option<DurableConfig> {
    single(value, "durable_config").map(|block| {
        DurableConfig::builder()
            .set_execution_timeout(int(block, "execution_timeout"))
            .retention_period_in_days(int(block, "retention_period").unwrap_or(14))
            .build()
    })
}

/// The `durable_config` block's object as AWS reports it (the provider's
/// `flattenDurableConfig`); `None` when the answer holds neither setting.
fn durable_config_value(config: &DurableConfig) -> Option<Value> {
    let timeout = config.execution_timeout();
    let retention = config.retention_period_in_days();
    if timeout.is_none() && retention.is_none() {
        return None;
    }
    Some(Value::map([
        ("execution_timeout", number(timeout.map(i64::from))),
        ("retention_period", number(retention.map(i64::from))),
    ]))
}

/// `publish_to` as CreateFunction and PublishVersion take it.
fn publish_to(value: &Value) -> Option<FunctionVersionLatestPublished> {
    non_empty(value, "publish_to")
        .map(|target| FunctionVersionLatestPublished::from(target.as_str()))
}

/// A block that AWS reports for every function that has it and that cannot be taken off a
/// function in place (`capacity_provider_config`, `durable_config`): an answer without it (the
/// emulator's) keeps the prior or planned block in `hint`.
fn kept_block(hint: &Value, key: &str) -> Value {
    match known(hint, key) {
        Value::Null => Value::List(vec![]),
        prior => prior,
    }
}

/// True when a change from `prior` to `planned` adds or removes `durable_config`, which replaces
/// the function (the provider's `ForceNewIfChange`); not while the planned block is unknown.
fn durable_switches(prior: &Value, planned: &Value) -> bool {
    if planned.get("durable_config").is_unknown() {
        return false;
    }
    blocks(prior, "durable_config").is_empty() != blocks(planned, "durable_config").is_empty()
}

/// The environment variables of the `environment` block (none when there is no block).
fn environment_variables(value: &Value) -> HashMap<String, String> {
    single(value, "environment")
        .and_then(|block| block.get("variables").as_map())
        .map(|variables| {
            variables
                .iter()
                .filter_map(|(key, value)| {
                    let text = match value.unmarked() {
                        Value::String(text) => text.clone(),
                        Value::Number(n) => infra_core::value::format_number(*n),
                        Value::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((key.clone(), text))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn ephemeral_storage(value: &Value) -> Result<Option<EphemeralStorage>, ProviderError> {
    single(value, "ephemeral_storage")
        .and_then(|block| int(block, "size"))
        .map(|size| built(EphemeralStorage::builder().size(size).build()))
        .transpose()
}

fn file_system_configs(value: &Value) -> Result<Vec<FileSystemConfig>, ProviderError> {
    blocks(value, "file_system_config")
        .iter()
        .map(|block| {
            built(
                FileSystemConfig::builder()
                    .set_arn(string(block, "arn"))
                    .set_local_mount_path(string(block, "local_mount_path"))
                    .build(),
            )
        })
        .collect()
}

fn image_config(value: &Value) -> Option<ImageConfig> {
    single(value, "image_config").map(|block| {
        let command = strings(block, "command");
        let entry_point = strings(block, "entry_point");
        ImageConfig::builder()
            .set_command((!command.is_empty()).then_some(command))
            .set_entry_point((!entry_point.is_empty()).then_some(entry_point))
            .set_working_directory(string(block, "working_directory"))
            .build()
    })
}

/// The logging configuration. Log levels go only with the JSON format, which is the only one
/// AWS takes them with (a level kept from the prior object is not sent after a change to Text).
fn logging_config(value: &Value) -> Option<LoggingConfig> {
    single(value, "logging_config").map(|block| {
        let format = non_empty(block, "log_format");
        let json = format.as_deref() == Some("JSON");
        LoggingConfig::builder()
            .set_log_format(format.as_deref().map(LogFormat::from))
            .set_application_log_level(
                non_empty(block, "application_log_level")
                    .filter(|_| json)
                    .map(|level| ApplicationLogLevel::from(level.as_str())),
            )
            .set_system_log_level(
                non_empty(block, "system_log_level")
                    .filter(|_| json)
                    .map(|level| SystemLogLevel::from(level.as_str())),
            )
            .set_log_group(non_empty(block, "log_group"))
            .build()
    })
}

/// SnapStart as configured; without the block, `None` (which turns it off).
fn snap_start(value: &Value) -> SnapStart {
    let apply_on = single(value, "snap_start")
        .and_then(|block| string(block, "apply_on"))
        .unwrap_or_else(|| "None".to_string());
    SnapStart::builder().apply_on(SnapStartApplyOn::from(apply_on.as_str())).build()
}

fn tenancy_config(value: &Value) -> Result<Option<TenancyConfig>, ProviderError> {
    single(value, "tenancy_config")
        .and_then(|block| string(block, "tenant_isolation_mode"))
        .map(|mode| {
            built(
                TenancyConfig::builder()
                    .tenant_isolation_mode(TenantIsolationMode::from(mode.as_str()))
                    .build(),
            )
        })
        .transpose()
}

fn tracing_config(value: &Value) -> Option<TracingConfig> {
    single(value, "tracing_config")
        .and_then(|block| string(block, "mode"))
        .map(|mode| TracingConfig::builder().mode(TracingMode::from(mode.as_str())).build())
}

fn vpc_config(value: &Value) -> Option<VpcConfig> {
    single(value, "vpc_config").map(|block| {
        VpcConfig::builder()
            .ipv6_allowed_for_dual_stack(
                boolean(block, "ipv6_allowed_for_dual_stack").unwrap_or(false),
            )
            .set_security_group_ids(Some(strings(block, "security_group_ids")))
            .set_subnet_ids(Some(strings(block, "subnet_ids")))
            .build()
    })
}

/// The VPC configuration that detaches a function from its VPC.
fn empty_vpc_config() -> VpcConfig {
    VpcConfig::builder()
        .ipv6_allowed_for_dual_stack(false)
        .set_security_group_ids(Some(vec![]))
        .set_subnet_ids(Some(vec![]))
        .build()
}

/// `arn:<partition>:apigateway:<region>:lambda:path/<api>/functions/<arn>/<action>`: how API
/// Gateway invokes a function or a version of it.
fn invoke_arn(partition: &str, region: &str, api: &str, arn: &str, action: &str) -> String {
    format!("arn:{partition}:apigateway:{region}:lambda:path/{api}/functions/{arn}/{action}")
}

/// A list block of at most one object.
fn block_of(item: Option<Value>) -> Value {
    Value::List(item.into_iter().collect())
}

/// `environment`: none without variables.
fn environment_block(configuration: Option<&FunctionConfiguration>) -> Value {
    block_of(
        configuration
            .and_then(|c| c.environment())
            .and_then(|e| e.variables())
            .filter(|variables| !variables.is_empty())
            .map(|variables| {
                Value::map([(
                    "variables",
                    Value::Map(
                        variables
                            .iter()
                            .map(|(key, value)| (key.clone(), Value::string(value)))
                            .collect(),
                    ),
                )])
            }),
    )
}

fn file_system_config_block(configuration: Option<&FunctionConfiguration>) -> Value {
    Value::List(
        configuration
            .map(|c| c.file_system_configs())
            .unwrap_or_default()
            .iter()
            .map(|fs| {
                Value::map([
                    ("arn", Value::string(fs.arn())),
                    ("local_mount_path", Value::string(fs.local_mount_path())),
                ])
            })
            .collect(),
    )
}

/// `image_config`: none when AWS reports an error for it.
fn image_config_block(configuration: Option<&FunctionConfiguration>) -> Value {
    block_of(
        configuration
            .and_then(|c| c.image_config_response())
            .filter(|response| response.error().is_none())
            .and_then(|response| response.image_config())
            .map(|image| {
                Value::map([
                    ("command", string_list(image.command())),
                    ("entry_point", string_list(image.entry_point())),
                    ("working_directory", text_or_null(image.working_directory())),
                ])
            }),
    )
}

fn logging_config_block(configuration: Option<&FunctionConfiguration>, hint: &Value) -> Value {
    match configuration.and_then(|c| c.logging_config()) {
        Some(logging) => block_of(Some(Value::map([
            ("application_log_level", text(logging.application_log_level().map(|l| l.as_str()))),
            ("log_format", text(logging.log_format().map(|f| f.as_str()))),
            ("log_group", text(logging.log_group())),
            ("system_log_level", text(logging.system_log_level().map(|l| l.as_str()))),
        ]))),
        // AWS always reports it; an answer without it (the emulator) keeps the prior one.
        None => match known(hint, "logging_config") {
            Value::Null => Value::List(vec![]),
            prior => prior,
        },
    }
}

/// `snap_start`: none unless it applies to something.
fn snap_start_block(configuration: Option<&FunctionConfiguration>) -> Value {
    block_of(
        configuration
            .and_then(|c| c.snap_start())
            .filter(|snap| {
                snap.apply_on().map(|a| a.as_str()).is_some_and(|apply_on| apply_on != "None")
            })
            .map(|snap| {
                Value::map([
                    ("apply_on", text(snap.apply_on().map(|a| a.as_str()))),
                    ("optimization_status", text(snap.optimization_status().map(|o| o.as_str()))),
                ])
            }),
    )
}

/// `vpc_config`: none without security groups and subnets.
fn vpc_config_block(configuration: Option<&FunctionConfiguration>) -> Value {
    block_of(
        configuration
            .and_then(|c| c.vpc_config())
            .filter(|vpc| !vpc.security_group_ids().is_empty() || !vpc.subnet_ids().is_empty())
            .map(|vpc| {
                Value::map([
                    (
                        "ipv6_allowed_for_dual_stack",
                        Value::Bool(vpc.ipv6_allowed_for_dual_stack().unwrap_or(false)),
                    ),
                    ("security_group_ids", string_list(vpc.security_group_ids())),
                    ("subnet_ids", string_list(vpc.subnet_ids())),
                    ("vpc_id", text(vpc.vpc_id())),
                ])
            }),
    )
}

/// Null, or a known empty list or map.
fn is_empty(value: &Value) -> bool {
    match value.unmarked() {
        Value::Null => true,
        Value::List(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        _ => false,
    }
}

/// Drops the block `name` when its one object says nothing (`empty`): the provider treats such a
/// block as no block.
fn drop_empty_block(
    entries: &mut BTreeMap<String, Value>,
    name: &str,
    empty: impl Fn(&Value) -> bool,
) {
    let says_nothing = matches!(
        entries.get(name).map(Value::unmarked),
        Some(Value::List(items)) if items.len() == 1 && empty(&items[0])
    );
    if says_nothing {
        entries.insert(name.to_string(), Value::List(vec![]));
    }
}

/// The provider's `validFunctionName`: a name, or a (partial) function ARN, 1 to 140
/// characters.
fn valid_function_name(name: &str) -> bool {
    let plain = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if name.is_empty() || name.chars().count() > 140 {
        return false;
    }
    if !name.contains(':') {
        return plain(name);
    }
    // `[arn:...:lambda:][region:][account:][function:]NAME[:QUALIFIER]`
    let base = name.rsplit_once(":function:").map(|(_, rest)| rest).unwrap_or(name);
    let (function, qualifier) = match base.split_once(':') {
        Some((function, qualifier)) => (function, Some(qualifier)),
        None => (base, None),
    };
    plain(function) && qualifier.is_none_or(|q| q == "$LATEST" || plain(q))
}

// ---- Validation: each check reports a problem as `problem(path, message)` ----

/// Where the code comes from: exactly one of them (the provider's `ExactlyOneOf`).
const SOURCES: &[&str] = &["filename", "image_uri", "s3_bucket"];

/// A handler and runtime for a zip (the package source, `s3_bucket` with `s3_key` and the
/// replacement security groups with their switch are declared on the attributes).
fn validate_combinations(config: &Value, problem: &mut impl FnMut(&str, String)) {
    let set = |key: &str| !config.get(key).is_null();
    let package_type = config.get("package_type");
    let zip = package_type.is_null() || package_type.as_str() == Some("Zip");
    if zip {
        if let Some(missing) = ["handler", "runtime"].into_iter().find(|key| !set(key)) {
            problem(missing, "handler and runtime must be set when PackageType is Zip".to_string());
        }
    }
}

/// The function name.
fn validate_function_name(config: &Value, problem: &mut impl FnMut(&str, String)) {
    if let Some(name) = config.get("function_name").as_str() {
        if !valid_function_name(name) {
            problem(
                "function_name",
                "invalid value for function_name (must be valid function name or function ARN)"
                    .to_string(),
            );
        }
    }
}

/// `file_system_config`: a mount path under `/mnt/`.
fn validate_file_system(config: &Value, problem: &mut impl FnMut(&str, String)) {
    if let Some(block) = blocks(config, "file_system_config").first() {
        if let Some(path) = block.get("local_mount_path").as_str() {
            let valid = path.strip_prefix("/mnt/").is_some_and(|rest| {
                !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
            });
            if !valid {
                problem(
                    "file_system_config[0].local_mount_path",
                    "invalid value for local_mount_path (must start with '/mnt/')".to_string(),
                );
            }
        }
    }
}

/// `architectures` and `layers`: how many.
fn validate_lists(config: &Value, problem: &mut impl FnMut(&str, String)) {
    for (key, maximum) in [("architectures", 1), ("layers", 5)] {
        if let Some(items) = config.get(key).as_list() {
            if items.len() > maximum {
                problem(
                    key,
                    format!(
                        "Too many list items: attribute \"{key}\" supports {maximum} item{} maximum, but config has {} declared.",
                        if maximum == 1 { "" } else { "s" },
                        items.len()
                    ),
                );
            }
        }
    }
}

/// Log levels only with JSON logs.
fn validate_logging(config: &Value, problem: &mut impl FnMut(&str, String)) {
    if let Some(block) = blocks(config, "logging_config").first() {
        if block.get("log_format").as_str() == Some("Text") {
            for level in ["application_log_level", "system_log_level"] {
                if block.get(level).as_str().is_some_and(|l| !l.is_empty()) {
                    problem(
                        &format!("logging_config[0].{level}"),
                        format!("{level} can only be set when log_format is \"JSON\""),
                    );
                }
            }
        }
    }
}

impl AwsObject for FunctionObject {
    type Object = Found;
    const NAME: &'static str = "aws_lambda_function";
    const KIND: &'static str = "Lambda Function";
    const KEY: &'static str = "function_name";
    const KEY_OR_ID: bool = true;
    // `skip_destroy`: the function stays in AWS; destroy only forgets it.
    const SKIP_DESTROY: bool = true;

    fn attributes() -> Vec<Declared<Found>> {
        let mut declared = function_attributes();
        declared.extend(configuration_blocks());
        declared
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 10)
    }

    /// The computed attributes that an in-place change from `prior` to `planned` makes new, which
    /// the provider's plan shows as known after apply (its `CustomizeDiff`): `last_modified` when
    /// the code is uploaded, and the version attributes when a new version is published.
    fn unknown_after_update(prior: &Value, planned: &Value) -> Vec<&'static str> {
        let code = code_changed(prior, planned);
        let config = CONFIG_ARGUMENTS.iter().any(|key| changed(prior, planned, key));
        let mut unknown = Vec::new();
        if code {
            unknown.push("last_modified");
        }
        if publishes(prior, planned, code, config) {
            unknown.extend(["version", "qualified_arn", "qualified_invoke_arn"]);
        }
        unknown
    }

    /// Adding or removing `durable_config` replaces the function; changing its settings does
    /// not.
    fn replacing_changes(
        _this: &ObjectType<Self>,
        prior: &Value,
        planned: &Value,
        changed: &[String],
    ) -> Vec<String> {
        if !durable_switches(prior, planned) {
            return Vec::new();
        }
        changed
            .iter()
            .filter(|path| path.as_str() == "durable_config" || path.starts_with("durable_config["))
            .cloned()
            .collect()
    }

    /// Blocks the provider treats as absent when they hold nothing: `environment` without
    /// variables, `vpc_config` without subnets and security groups, an empty `image_config`.
    fn normalize(value: &mut Value) {
        if value.as_map().is_none() {
            return;
        }
        let Some(entries) = value.map_mut() else {
            return;
        };
        drop_empty_block(entries, "environment", |item| is_empty(item.get("variables")));
        drop_empty_block(entries, "vpc_config", |item| {
            is_empty(item.get("security_group_ids")) && is_empty(item.get("subnet_ids"))
        });
        drop_empty_block(entries, "image_config", |item| {
            let directory = item.get("working_directory");
            let no_directory = directory.is_null() || directory.as_str() == Some("");
            is_empty(item.get("command")) && is_empty(item.get("entry_point")) && no_directory
        });
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut problem = |path: &str, message: String| problems.push((path.to_string(), message));
        validate_combinations(config, &mut problem);
        validate_function_name(config, &mut problem);
        validate_file_system(config, &mut problem);
        validate_lists(config, &mut problem);
        validate_logging(config, &mut problem);
        problems
    }

    /// Function names are unique in a region: a lost create's function is the planned name's,
    /// when it carries the managed tags.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "function_name")
    }

    /// Lambda has no batched read: each function read whole, eight at a time.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Found> {
        each_key(names, |name| function_of(this, name)).await
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Found>, ProviderError> {
        let clients = at.this.aws.clients().await;
        let client = &clients.lambda;
        let name = string(at.planned, "function_name").ok_or_else(|| {
            ProviderError::new("aws_lambda_function needs a known \"function_name\"")
        })?;
        let package_type = string(at.planned, "package_type").unwrap_or_else(|| "Zip".to_string());
        let tags: HashMap<String, String> =
            at.operation.tags_with_managed(at.planned).into_iter().collect();
        let mut request = client
            .create_function()
            .function_name(&name)
            .set_role(string(at.planned, "role"))
            .code(function_code(at.planned)?)
            .description(string(at.planned, "description").unwrap_or_default())
            .memory_size(int(at.planned, "memory_size").unwrap_or(128))
            .timeout(int(at.planned, "timeout").unwrap_or(3))
            .publish(boolean(at.planned, "publish").unwrap_or(false))
            .package_type(PackageType::from(package_type.as_str()))
            .set_tags(Some(tags))
            .set_architectures(architectures(at.planned))
            .set_capacity_provider_config(capacity_provider_config(at.planned)?)
            .set_code_signing_config_arn(non_empty(at.planned, "code_signing_config_arn"))
            .set_dead_letter_config(dead_letter_config(at.planned))
            .set_durable_config(durable_config(at.planned))
            .set_publish_to(publish_to(at.planned))
            .set_ephemeral_storage(ephemeral_storage(at.planned)?)
            .set_image_config(image_config(at.planned))
            .set_logging_config(logging_config(at.planned))
            .set_kms_key_arn(non_empty(at.planned, "kms_key_arn"))
            .set_tracing_config(tracing_config(at.planned))
            .set_vpc_config(vpc_config(at.planned))
            .set_tenancy_config(tenancy_config(at.planned)?);
        let variables = environment_variables(at.planned);
        if !variables.is_empty() {
            request =
                request.environment(Environment::builder().set_variables(Some(variables)).build());
        }
        let file_systems = file_system_configs(at.planned)?;
        if !file_systems.is_empty() {
            request = request.set_file_system_configs(Some(file_systems));
        }
        let layers = strings(at.planned, "layers");
        if !layers.is_empty() {
            request = request.set_layers(Some(layers));
        }
        if single(at.planned, "snap_start").is_some() {
            request = request.snap_start(snap_start(at.planned));
        }
        if package_type == "Zip" {
            request = request
                .set_handler(string(at.planned, "handler"))
                .set_runtime(string(at.planned, "runtime").map(|r| Runtime::from(r.as_str())));
        }
        retry_while(PROPAGATION, is_propagation_error, || {
            let request = request.clone();
            async move { sent!(request) }
        })
        .await
        .map_err(|error| {
            // A function of that name exists: perhaps an earlier attempt whose answer was lost.
            let taken = error.code.as_deref() == Some("ResourceConflictException")
                && error.message.contains("already exist");
            let error = error.context(&format!("creating Lambda Function ({name})"));
            if taken {
                error.with_cause(Cause::AlreadyExists)
            } else {
                error
            }
        })?;
        wait_active(client, &name, at.operation.timeouts.create).await?;
        if let Some(reserved) =
            int(at.planned, "reserved_concurrent_executions").filter(|reserved| *reserved >= 0)
        {
            set_concurrency(client, &name, Some(reserved)).await?;
        }
        Self::written(at.this, &name).await
    }

    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Found>, ProviderError> {
        let name = at.key;
        let clients = at.this.aws.clients().await;
        let client = &clients.lambda;
        let arn = string(at.prior, "arn").unwrap_or_else(|| name.to_string());
        let timeout = at.operation.timeouts.update;

        let (to_set, to_remove) = tag_changes(at.prior, at.planned);
        if !to_remove.is_empty() {
            sent!(client.untag_resource().resource(&arn).set_tag_keys(Some(to_remove)))
                .map_err(|error| error.context(&format!("untagging Lambda Function ({name})")))?;
        }
        if !to_set.is_empty() {
            sent!(client
                .tag_resource()
                .resource(&arn)
                .set_tags(Some(to_set.into_iter().collect())))
            .map_err(|error| error.context(&format!("tagging Lambda Function ({name})")))?;
        }

        if changed(at.prior, at.planned, "code_signing_config_arn") {
            let (done, sent) = match non_empty(at.planned, "code_signing_config_arn") {
                Some(config_arn) => (
                    "setting",
                    sent!(client
                        .put_function_code_signing_config()
                        .code_signing_config_arn(config_arn)
                        .function_name(name))
                    .map(|_| ()),
                ),
                None => (
                    "deleting",
                    sent!(client.delete_function_code_signing_config().function_name(name))
                        .map(|_| ()),
                ),
            };
            sent.map_err(|error| {
                error.context(&format!("{done} Lambda Function ({name}) code signing config"))
            })?;
        }

        let config = CONFIG_ARGUMENTS.iter().any(|key| changed(at.prior, at.planned, key));
        if config {
            at.this.update_configuration(client, name, at.prior, at.planned, timeout).await?;
        }
        let code = code_changed(at.prior, at.planned);
        if code {
            at.this.update_code(client, name, at.prior, at.planned, timeout).await?;
        }
        if changed(at.prior, at.planned, "reserved_concurrent_executions") {
            set_concurrency(client, name, int(at.planned, "reserved_concurrent_executions"))
                .await?;
        }
        if publishes(at.prior, at.planned, code, config) {
            publish_version(client, name, publish_to(at.planned), timeout).await?;
        }
        Self::written(at.this, name).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let name = at.key;
        let timeout = at.operation.timeouts.delete;
        if boolean(at.prior, "replace_security_groups_on_destroy") == Some(true) {
            at.this.replace_security_groups(name, at.prior, timeout).await?;
        }
        let client = &at.this.aws.clients().await.lambda;
        // A durable function's running executions are stopped first, as the provider does.
        if single(at.prior, "durable_config").is_some() {
            stop_durable_executions(client, name, timeout).await.map_err(|error| {
                error.context(&format!("stopping durable executions for Lambda Function ({name})"))
            })?;
        }
        let deleted = retry_while(timeout, is_replicated_function, move || async move {
            sent!(client.delete_function().function_name(name))
        })
        .await;
        let deleted = sent_unless_gone(deleted, is_missing)
            .map_err(|error| error.context(&format!("deleting Lambda Function ({name})")))?;
        if !deleted {
            return Ok(());
        }
        wait_for(&format!("Lambda Function ({name}) delete"), timeout, move || async move {
            Ok(configuration_of(client, name, None).await?.is_none().then_some(()))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::ResourceType;

    fn function() -> AwsLambdaFunction {
        AwsLambdaFunction::new(crate::Aws::new(crate::ProviderSettings::default()))
    }

    /// The value read back of `found` for `hint`, in `region`.
    fn to_value(found: &Found, hint: &Value, region: &str) -> Value {
        let found = Tagged {
            object: Found {
                function: found.function.clone(),
                reserved: found.reserved,
                latest: found.latest.clone(),
                code_signing: found.code_signing.clone(),
            },
            tags: vec![],
        };
        function().value_of(&found, region, hint)
    }

    #[test]
    fn exactly_one_package_source_and_a_zip_needs_handler_and_runtime() {
        // Each source declares the provider's ExactlyOneOf, so each reports it, as in
        // Terraform.
        let problems = function().problems(&Value::map([
            ("function_name", Value::string("app")),
            ("role", Value::string("arn:aws:iam::123456789012:role/app")),
        ]));
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["filename", "image_uri", "s3_bucket", "handler"], "{problems:?}");
        assert_eq!(
            problems[0].1,
            "\"filename\": one of `filename,image_uri,s3_bucket` must be specified"
        );
        let problems = function().problems(&Value::map([
            ("function_name", Value::string("app")),
            ("role", Value::string("arn:aws:iam::123456789012:role/app")),
            ("filename", Value::string("app.zip")),
            ("s3_bucket", Value::string("bucket")),
            ("package_type", Value::string("Image")),
        ]));
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        // Each argument reports its first broken rule only: s3_bucket's ExactlyOneOf before
        // its RequiredWith, as the SDK's validate returns at the first.
        assert_eq!(paths, ["filename", "image_uri", "s3_bucket"], "{problems:?}");
        assert!(problems[0].1.contains("`filename,s3_bucket` were specified"));
        let problems = function().problems(&Value::map([
            ("function_name", Value::string("app")),
            ("role", Value::string("arn:aws:iam::123456789012:role/app")),
            ("s3_bucket", Value::string("bucket")),
            ("package_type", Value::string("Image")),
        ]));
        assert_eq!(
            problems,
            [(
                "s3_bucket".to_string(),
                "\"s3_bucket\": all of `s3_bucket,s3_key` must be specified".to_string()
            )]
        );
    }

    #[test]
    fn function_names_and_arns() {
        assert!(valid_function_name("my-function_1"));
        assert!(valid_function_name("arn:aws:lambda:us-east-1:123456789012:function:app:$LATEST"));
        assert!(valid_function_name("123456789012:function:app"));
        assert!(!valid_function_name("my function"));
        assert!(!valid_function_name(""));
    }

    #[test]
    fn empty_blocks_are_no_blocks() {
        let mut value = Value::map([
            (
                "environment",
                Value::List(vec![Value::map([("variables", Value::Map(BTreeMap::new()))])]),
            ),
            (
                "vpc_config",
                Value::List(vec![Value::map([
                    ("security_group_ids", Value::List(vec![])),
                    ("subnet_ids", Value::List(vec![])),
                    ("ipv6_allowed_for_dual_stack", Value::Bool(false)),
                ])]),
            ),
        ]);
        function().normalize(&mut value);
        assert_eq!(value.get("environment"), &Value::List(vec![]));
        assert_eq!(value.get("vpc_config"), &Value::List(vec![]));
    }

    #[test]
    fn an_import_does_not_upload_the_package_again() {
        let prior = Value::map([
            ("code_sha256", Value::string("abc=")),
            ("source_code_hash", Value::string("abc=")),
            ("publish", Value::Bool(false)),
        ]);
        let planned = Value::map([
            ("code_sha256", Value::string("abc=")),
            ("source_code_hash", Value::string("abc=")),
            ("filename", Value::string("app.zip")),
            ("publish", Value::Bool(true)),
        ]);
        assert!(!code_changed(&prior, &planned));
        assert_eq!(
            FunctionObject::unknown_after_update(&prior, &planned),
            ["version", "qualified_arn", "qualified_invoke_arn"]
        );
        // A known source whose hash changes uploads.
        let prior = Value::map([
            ("code_sha256", Value::string("abc=")),
            ("source_code_hash", Value::string("abc=")),
            ("filename", Value::string("app.zip")),
        ]);
        let planned = Value::map([
            ("code_sha256", Value::string("abc=")),
            ("source_code_hash", Value::string("def=")),
            ("filename", Value::string("app.zip")),
        ]);
        assert!(code_changed(&prior, &planned));
    }

    const CAPACITY_PROVIDER: &str = "arn:aws:lambda:us-east-2:123456789012:capacity-provider:lmi";

    /// A `capacity_provider_config` block as configured.
    fn capacity_block(memory: Value, concurrency: Value) -> Value {
        Value::List(vec![Value::map([(
            "lambda_managed_instances_capacity_provider_config",
            Value::List(vec![Value::map([
                ("capacity_provider_arn", Value::string(CAPACITY_PROVIDER)),
                ("execution_environment_memory_gib_per_vcpu", memory),
                ("per_execution_environment_max_concurrency", concurrency),
            ])]),
        )])])
    }

    /// A `durable_config` block as configured.
    fn durable_block(timeout: f64, retention: Value) -> Value {
        Value::List(vec![Value::map([
            ("execution_timeout", Value::Number(timeout)),
            ("retention_period", retention),
        ])])
    }

    /// GetFunction's answer for a function with these configuration blocks.
    fn found_with(
        capacity: Option<CapacityProviderConfig>,
        durable: Option<DurableConfig>,
    ) -> Found {
        let configuration = aws_sdk_lambda::types::FunctionConfiguration::builder()
            .function_name("app")
            .function_arn("arn:aws:lambda:us-east-2:123456789012:function:app")
            .set_capacity_provider_config(capacity)
            .set_durable_config(durable)
            .build();
        Found {
            function: GetFunctionOutput::builder().configuration(configuration).build(),
            reserved: None,
            latest: None,
            code_signing: None,
        }
    }

    #[test]
    fn capacity_provider_config_is_sent_as_configured() {
        let value = Value::map([(
            "capacity_provider_config",
            capacity_block(Value::Number(4.0), Value::Number(64.0)),
        )]);
        let expected = CapacityProviderConfig::builder()
            .lambda_managed_instances_capacity_provider_config(
                LambdaManagedInstancesCapacityProviderConfig::builder()
                    .capacity_provider_arn(CAPACITY_PROVIDER)
                    .execution_environment_memory_gib_per_v_cpu(4.0)
                    .per_execution_environment_max_concurrency(64)
                    .build()
                    .expect("the ARN is set"),
            )
            .build();
        assert_eq!(capacity_provider_config(&value).expect("valid"), Some(expected));
        // Unset (or 0, as the provider reads an unset number) settings are not sent.
        for (memory, concurrency) in
            [(Value::Null, Value::Null), (Value::Number(0.0), Value::Number(0.0))]
        {
            let value =
                Value::map([("capacity_provider_config", capacity_block(memory, concurrency))]);
            let sent = capacity_provider_config(&value).expect("valid").expect("configured");
            let managed = sent
                .lambda_managed_instances_capacity_provider_config()
                .expect("the managed instances settings");
            assert_eq!(managed.capacity_provider_arn(), CAPACITY_PROVIDER);
            assert_eq!(managed.execution_environment_memory_gib_per_v_cpu(), None);
            assert_eq!(managed.per_execution_environment_max_concurrency(), None);
        }
        assert_eq!(
            capacity_provider_config(&Value::map([(
                "capacity_provider_config",
                Value::List(vec![])
            )]))
            .expect("valid"),
            None
        );
    }

    #[test]
    fn durable_config_is_sent_with_both_settings() {
        let value = Value::map([("durable_config", durable_block(3600.0, Value::Number(7.0)))]);
        assert_eq!(
            durable_config(&value),
            Some(
                DurableConfig::builder()
                    .execution_timeout(3600)
                    .retention_period_in_days(7)
                    .build()
            )
        );
        // The schema's default, 14 days, when the retention period is not configured.
        let value = Value::map([("durable_config", durable_block(60.0, Value::Null))]);
        assert_eq!(
            durable_config(&value).and_then(|config| config.retention_period_in_days()),
            Some(14)
        );
        assert_eq!(durable_config(&Value::map([("publish", Value::Bool(true))])), None);
    }

    #[test]
    fn publish_to_goes_to_create_and_publish_version() {
        assert_eq!(
            publish_to(&Value::map([("publish_to", Value::string("LATEST_PUBLISHED"))])),
            Some(FunctionVersionLatestPublished::LatestPublished)
        );
        assert_eq!(publish_to(&Value::map([("publish_to", Value::Null)])), None);
    }

    #[test]
    fn the_new_blocks_read_back_from_get_function_and_round_trip() {
        let capacity = CapacityProviderConfig::builder()
            .lambda_managed_instances_capacity_provider_config(
                LambdaManagedInstancesCapacityProviderConfig::builder()
                    .capacity_provider_arn(CAPACITY_PROVIDER)
                    .execution_environment_memory_gib_per_v_cpu(2.0)
                    .per_execution_environment_max_concurrency(10)
                    .build()
                    .expect("the ARN is set"),
            )
            .build();
        let durable =
            DurableConfig::builder().execution_timeout(3600).retention_period_in_days(7).build();
        let hint = Value::map([
            ("function_name", Value::string("app")),
            ("publish_to", Value::string("LATEST_PUBLISHED")),
        ]);
        let value = to_value(
            &found_with(Some(capacity.clone()), Some(durable.clone())),
            &hint,
            "us-east-2",
        );
        assert_eq!(
            value.get("capacity_provider_config"),
            &capacity_block(Value::Number(2.0), Value::Number(10.0))
        );
        assert_eq!(value.get("durable_config"), &durable_block(3600.0, Value::Number(7.0)));
        // Configuration only: kept from the configuration or the prior state.
        assert_eq!(value.get("publish_to"), &Value::string("LATEST_PUBLISHED"));
        // What is read back is what would be sent again.
        assert_eq!(capacity_provider_config(&value).expect("valid"), Some(capacity));
        assert_eq!(durable_config(&value), Some(durable));
    }

    #[test]
    fn an_answer_without_the_new_blocks_keeps_the_prior_ones() {
        let prior = Value::map([
            ("function_name", Value::string("app")),
            ("capacity_provider_config", capacity_block(Value::Null, Value::Null)),
            ("durable_config", durable_block(60.0, Value::Number(14.0))),
        ]);
        let value = to_value(&found_with(None, None), &prior, "us-east-2");
        assert_eq!(value.get("capacity_provider_config"), prior.get("capacity_provider_config"));
        assert_eq!(value.get("durable_config"), prior.get("durable_config"));
        assert_eq!(value.get("publish_to"), &Value::Null);
        // An import knows neither: none.
        let imported = to_value(
            &found_with(None, None),
            &infra_core::resource::import_by("function_name", "app"),
            "us-east-2",
        );
        assert_eq!(imported.get("capacity_provider_config"), &Value::List(vec![]));
        assert_eq!(imported.get("durable_config"), &Value::List(vec![]));
    }

    #[test]
    fn adding_or_removing_durable_config_replaces_the_function() {
        let without = Value::map([("durable_config", Value::List(vec![]))]);
        let with = Value::map([("durable_config", durable_block(60.0, Value::Number(14.0)))]);
        let longer = Value::map([("durable_config", durable_block(120.0, Value::Number(14.0)))]);
        let block = vec!["durable_config".to_string()];
        assert_eq!(function().replacing_changes(&without, &with, &block), block);
        assert_eq!(function().replacing_changes(&with, &without, &block), block);
        // Its settings change in place.
        let timeout = vec!["durable_config[0].execution_timeout".to_string()];
        assert!(function().replacing_changes(&with, &longer, &timeout).is_empty());
        // Other changes never replace the function on its account.
        let memory = vec!["memory_size".to_string()];
        assert!(function().replacing_changes(&without, &with, &memory).is_empty());
        // Not while the planned block is unknown.
        let unknown = Value::map([("durable_config", Value::Unknown)]);
        assert!(function().replacing_changes(&with, &unknown, &block).is_empty());
    }

    #[test]
    fn the_new_arguments_change_in_place_and_publish() {
        let prior = Value::map([
            ("publish", Value::Bool(true)),
            ("publish_to", Value::Null),
            ("durable_config", durable_block(60.0, Value::Number(14.0))),
        ]);
        for (key, value) in [
            ("publish_to", Value::string("LATEST_PUBLISHED")),
            ("durable_config", durable_block(120.0, Value::Number(14.0))),
            ("capacity_provider_config", capacity_block(Value::Null, Value::Number(20.0))),
        ] {
            let mut planned = prior.clone();
            if let Some(entries) = planned.map_mut() {
                entries.insert(key.to_string(), value);
            }
            assert_eq!(
                FunctionObject::unknown_after_update(&prior, &planned),
                ["version", "qualified_arn", "qualified_invoke_arn"],
                "{key}"
            );
        }
    }

    #[test]
    fn the_new_arguments_are_validated() {
        let config = Value::map([
            ("function_name", Value::string("app")),
            ("role", Value::string("arn:aws:iam::123456789012:role/app")),
            ("filename", Value::string("app.zip")),
            ("handler", Value::string("index.handler")),
            ("runtime", Value::string("python3.12")),
            ("publish_to", Value::string("LATEST")),
            (
                "capacity_provider_config",
                Value::List(vec![Value::map([(
                    "lambda_managed_instances_capacity_provider_config",
                    Value::List(vec![Value::map([(
                        "capacity_provider_arn",
                        Value::string("lmi"),
                    )])]),
                )])]),
            ),
            ("durable_config", durable_block(31_622_401.0, Value::Number(91.0))),
        ]);
        assert!(function().validate(&config).is_empty());
        // The value checks (the provider's `verify.ValidARN` among them) and the required inner
        // block, in the schema's.
        let problems = function().schema().validate(&config);
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "publish_to",
                "capacity_provider_config[0].lambda_managed_instances_capacity_provider_config[0].capacity_provider_arn",
                "durable_config[0].execution_timeout",
                "durable_config[0].retention_period"
            ]
        );
        assert_eq!(
            problems[1].1,
            "\"capacity_provider_config.0.lambda_managed_instances_capacity_provider_config.0.\
             capacity_provider_arn\" (lmi) is an invalid ARN: arn: invalid prefix"
        );
        let mut without_inner = config.clone();
        if let Some(entries) = without_inner.map_mut() {
            entries.insert(
                "capacity_provider_config".to_string(),
                Value::List(vec![Value::Map(BTreeMap::new())]),
            );
        }
        let paths: Vec<String> = function()
            .schema()
            .validate(&without_inner)
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert!(
            paths.contains(
                &"capacity_provider_config[0].lambda_managed_instances_capacity_provider_config"
                    .to_string()
            ),
            "{paths:?}"
        );
    }

    #[test]
    fn a_missing_zip_names_the_path() {
        let error = read_package("no-such-package.zip").unwrap_err();
        assert!(
            error.message.starts_with("reading ZIP file (no-such-package.zip): ")
                && error.message.contains("no-such-package.zip"),
            "{}",
            error.message
        );
    }
}
