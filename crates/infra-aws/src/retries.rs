//! Retries and timeouts of AWS calls, and the rule that keeps a retry from doing its work twice.
//!
//! The SDK retries a failed attempt on its own (throttling, 5xx, a lost connection, a read
//! timeout). For a call that only reads, sets a value (`Modify*`, `Put*`, `Update*`) or
//! deletes, a second attempt does no harm. For a call that makes something new on every
//! attempt it does: when AWS did the work and the answer was lost, a blind retry makes a second
//! VPC, a second EIP, a second revision. Those calls ([`one_attempt_only`]) get one attempt
//! from the SDK; when its outcome is unknown the error says so (`Cause::Unknown`) and the
//! engine looks for the object by its managed tags or natural key (the type's `find_created`,
//! as after a crash), adopts it if it is there, and only then sends the call again. How each
//! create is protected, by type, is in the README ("Lost answers").
//!
//! Where AWS has an idempotency token infra sends one as well, derived from the state lineage,
//! the address and the planned value (`ec2_support::client_token`), so that it is the same on
//! every attempt of one run: a lookup that misses an object AWS has not yet listed (EC2's
//! eventual consistency) still cannot make a second one.

use std::time::Duration;

use crate::ProviderSettings;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

/// The Terraform AWS provider's default `max_retries`: throttling and transient failures
/// (5xx, timeouts, lost connections) are retried this many times, with backoff. The engine
/// keeps the same budget for the calls the SDK sends once (see the module documentation).
pub const DEFAULT_MAX_RETRIES: u32 = 25;

/// Retries as the provider block sets them (`max_retries`, `retry_mode`), else as the
/// environment does (`AWS_MAX_ATTEMPTS` counts attempts, so retries + 1; `AWS_RETRY_MODE`),
/// else the provider's defaults: standard mode, [`DEFAULT_MAX_RETRIES`]. The SDK's retry
/// classifiers retry every service's throttling codes (`Throttling`, `ThrottlingException`,
/// `RequestLimitExceeded`, `TooManyRequestsException`, ...) and transient errors.
pub(crate) fn retry_config(
    settings: &ProviderSettings,
    env_max_attempts: Option<&str>,
    env_retry_mode: Option<&str>,
) -> RetryConfig {
    let mode = settings.retry_mode.as_deref().or(env_retry_mode);
    let config = match mode {
        Some("adaptive") => RetryConfig::adaptive(),
        _ => RetryConfig::standard(),
    };
    let attempts = match settings.max_retries {
        Some(retries) => retries.saturating_add(1),
        None => env_max_attempts
            .and_then(|n| n.trim().parse::<u32>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_MAX_RETRIES + 1),
    };
    config.with_max_attempts(attempts)
}

/// The environment variable that sets the per-attempt read timeout, in seconds.
pub(crate) const READ_TIMEOUT_VARIABLE: &str = "INFRA_AWS_READ_TIMEOUT";

/// How long one attempt waits for its answer (from sending the request to the answer's
/// headers) before it is given up: generous, since AWS's control-plane calls answer in
/// seconds, but finite, so that a hung connection becomes a failure of unknown outcome (and,
/// for a create, a lookup before the retry) instead of a hang.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(120);

/// aws-config's connect timeout, kept when the read timeout is set.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// The timeouts: aws-config's connect timeout and a read timeout per attempt, from
/// `INFRA_AWS_READ_TIMEOUT` (seconds, fractions allowed) or [`DEFAULT_READ_TIMEOUT`].
pub(crate) fn timeout_config(env_read_timeout: Option<&str>) -> TimeoutConfig {
    let read = env_read_timeout
        .and_then(|seconds| seconds.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_READ_TIMEOUT);
    TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).read_timeout(read).build()
}

/// Calls that make something new on each attempt, or fail because an earlier attempt
/// worked, and that infra sends from a resource type's create, update or delete (where the
/// engine resolves a lost answer). Tagging calls (`CreateTags`, `AddTags*`, `TagResource`) are
/// not here: a second attempt sets the same tags again.
const ONE_ATTEMPT_ONLY: &[&str] = &[
    // EC2: no name is unique, so nothing refuses a second object.
    "AllocateAddress",
    "AssociateAddress",
    "AssociateIamInstanceProfile",
    "AssociateRouteTable",
    "AssociateSubnetCidrBlock",
    "AssociateVpcCidrBlock",
    "AttachInternetGateway",
    "AttachVpnGateway",
    "AuthorizeSecurityGroupEgress",
    "AuthorizeSecurityGroupIngress",
    "CreateCustomerGateway",
    "CreateDhcpOptions",
    "CreateEgressOnlyInternetGateway",
    "CreateFlowLogs",
    "CreateInternetGateway",
    "CreateLaunchTemplate",
    "CreateLaunchTemplateVersion",
    "CreateNatGateway",
    "CreateNetworkAcl",
    "CreateNetworkAclEntry",
    "CreateRoute",
    "CreateRouteTable",
    "CreateSecurityGroup",
    "CreateSubnet",
    "CreateVpc",
    "CreateVpcEndpoint",
    "CreateVpnGateway",
    "ImportKeyPair",
    "RunInstances",
    // Elastic Load Balancing, ECS, RDS, ElastiCache, Redshift, DynamoDB.
    "CreateListener",
    "CreateLoadBalancer",
    "CreateRule",
    "CreateTargetGroup",
    "CreateCapacityProvider",
    "CreateCluster",
    "CreateExpressGatewayService",
    "RegisterTaskDefinition",
    "CreateDBInstance",
    "CreateDBInstanceReadReplica",
    "CreateDBParameterGroup",
    "CreateDBSubnetGroup",
    "CreateOptionGroup",
    "CreateCacheSubnetGroup",
    "CreateClusterSubnetGroup",
    "CreateTable",
    // IAM, KMS, Secrets Manager, SSM, ACM, ECR, S3, CloudWatch Logs, Route 53.
    "AddRoleToInstanceProfile",
    "AddUserToGroup",
    "CreateAccessKey",
    "CreateGroup",
    "CreateInstanceProfile",
    "CreateOpenIDConnectProvider",
    "CreatePolicy",
    "CreatePolicyVersion",
    "CreateRole",
    "CreateServiceLinkedRole",
    "CreateUser",
    "CreateAlias",
    "CreateKey",
    "CreateSecret",
    "PutSecretValue",
    "PutParameter",
    "RequestCertificate",
    "ImportCertificate",
    "CreateRepository",
    "CreateBucket",
    "CreateLogGroup",
    "CreateLogStream",
    "ChangeResourceRecordSets",
    "CreateHealthCheck",
    "CreateHostedZone",
    "CreateReusableDelegationSet",
    // Lambda, Cloud Map, the developer tools.
    "AddPermission",
    "CreateFunction",
    "PublishVersion",
    "CreateHttpNamespace",
    "CreatePrivateDnsNamespace",
    "CreateApplication",
    "CreateConnection",
    "CreateDeploymentGroup",
    "CreatePipeline",
    "CreateProject",
    // Cognito user pools: neither pools nor clients have unique names.
    "CreateUserPool",
    "CreateUserPoolClient",
    "CreateUserPoolDomain",
];

/// Whether the SDK sends `operation` once, leaving its retry to the engine's lookup.
/// `CreateService` is not among them: ECS's carries infra's `clientToken`
/// (`aws_ecs_service::create_service`; a blue/green deployment creates its colours with it,
/// outside a resource create) and Cloud Map's its `CreatorRequestId`.
pub(crate) fn one_attempt_only(operation: &str) -> bool {
    ONE_ATTEMPT_ONLY.contains(&operation)
}

/// Gives the calls of [`one_attempt_only`] a single attempt: their retry config is replaced,
/// for that call only, by the same config with `max_attempts = 1`.
#[derive(Debug, Clone)]
pub(crate) struct OneAttemptForCreates;

impl Intercept for OneAttemptForCreates {
    fn name(&self) -> &'static str {
        "OneAttemptForCreates"
    }

    // Not `read_before_execution`: a client interceptor runs that before the operation's
    // `Metadata` is in the bag, and the orchestrator then stores the merged retry config. By
    // serialization both are in place, and this config replaces the merged one.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let once = cfg.load::<Metadata>().is_some_and(|m| one_attempt_only(m.name()));
        if once {
            let config = cfg
                .load::<RetryConfig>()
                .cloned()
                .unwrap_or_else(RetryConfig::standard)
                .with_max_attempts(1);
            cfg.interceptor_state().store_put(config);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::retry::RetryMode;

    #[test]
    fn retries_come_from_the_provider_block_then_the_environment_then_the_providers_default() {
        let default = retry_config(&ProviderSettings::default(), None, None);
        assert_eq!(default.max_attempts(), DEFAULT_MAX_RETRIES + 1);
        assert_eq!(default.mode(), RetryMode::Standard);

        let from_env = retry_config(&ProviderSettings::default(), Some("4"), Some("adaptive"));
        assert_eq!(from_env.max_attempts(), 4);
        assert_eq!(from_env.mode(), RetryMode::Adaptive);

        let block = ProviderSettings {
            max_retries: Some(2),
            retry_mode: Some("standard".into()),
            ..ProviderSettings::default()
        };
        let from_block = retry_config(&block, Some("9"), Some("adaptive"));
        assert_eq!(from_block.max_attempts(), 3);
        assert_eq!(from_block.mode(), RetryMode::Standard);
    }

    #[test]
    fn the_read_timeout_is_generous_by_default_and_set_by_the_environment() {
        assert_eq!(timeout_config(None).read_timeout(), Some(DEFAULT_READ_TIMEOUT));
        assert_eq!(timeout_config(Some("2.5")).read_timeout(), Some(Duration::from_millis(2500)));
        for unusable in ["0", "-1", "soon", "NaN"] {
            assert_eq!(
                timeout_config(Some(unusable)).read_timeout(),
                Some(DEFAULT_READ_TIMEOUT),
                "{unusable}"
            );
        }
        assert_eq!(timeout_config(None).connect_timeout(), Some(CONNECT_TIMEOUT));
    }

    #[test]
    fn creates_that_a_retry_would_repeat_get_one_attempt_and_the_rest_keep_the_sdks_retries() {
        for operation in [
            "CreateVpc",
            "AllocateAddress",
            "AuthorizeSecurityGroupIngress",
            "AttachInternetGateway",
            "CreateNatGateway",
            "RegisterTaskDefinition",
            "CreateExpressGatewayService",
            "CreateRole",
            "CreateKey",
        ] {
            assert!(one_attempt_only(operation), "{operation}");
        }
        for operation in [
            "DescribeVpcs",
            "CreateTags",
            "ModifyVpcAttribute",
            "DeleteVpc",
            "CreateService",
            "PutMetricAlarm",
            "AddTags",
        ] {
            assert!(!one_attempt_only(operation), "{operation}");
        }
    }
}
