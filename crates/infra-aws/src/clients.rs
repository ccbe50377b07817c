//! The shared client set, built once from aws-config on first use (planning with
//! `-refresh=false` never touches AWS), and a request counter for benchmarks and tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::ProviderSettings;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::call_log::LogCalls;
use crate::rate_limit::{RateLimitedClient, RateLimiter, TagBucket};
use crate::retries::{retry_config, timeout_config, OneAttemptForCreates, READ_TIMEOUT_VARIABLE};
use tokio::sync::OnceCell;

/// One client per service, sharing one aws-config.
pub struct Clients {
    pub region: String,
    pub ec2: aws_sdk_ec2::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub rds: aws_sdk_rds::Client,
    pub iam: aws_sdk_iam::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sts: aws_sdk_sts::Client,
    /// The Resource Groups Tagging API: tags of many objects in one call, for services whose
    /// own list calls return no tags (CloudWatch Logs).
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub s3: aws_sdk_s3::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub redshift: aws_sdk_redshift::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub kms: aws_sdk_kms::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub appautoscaling: aws_sdk_applicationautoscaling::Client,
    pub route53: aws_sdk_route53::Client,
    pub acm: aws_sdk_acm::Client,
    pub sns: aws_sdk_sns::Client,
    /// EventBridge (CloudWatch Events): `aws_cloudwatch_event_*`.
    pub events: aws_sdk_eventbridge::Client,
    pub lambda: aws_sdk_lambda::Client,
    /// AWS Cloud Map: `aws_service_discovery_*`.
    pub servicediscovery: aws_sdk_servicediscovery::Client,
    pub codedeploy: aws_sdk_codedeploy::Client,
    pub codebuild: aws_sdk_codebuild::Client,
    pub codepipeline: aws_sdk_codepipeline::Client,
    pub codecommit: aws_sdk_codecommit::Client,
    pub codestarconnections: aws_sdk_codestarconnections::Client,
    pub wafv2: aws_sdk_wafv2::Client,
    /// Amazon Cognito user pools: `aws_cognito_user_pool*`.
    pub cognitoidp: aws_sdk_cognitoidentityprovider::Client,
}

/// The partition a region is in (`aws`, `aws-cn`, `aws-us-gov`, ...), as ARNs spell it: the
/// region patterns of the SDK's partitions table (`endpoint_lib`'s `regionRegex`).
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else {
        "aws"
    }
}

/// Every AWS request made through the clients, by operation name (`DescribeVpcs`), retries
/// included.
#[derive(Debug, Default)]
pub struct RequestLog {
    count: AtomicU64,
    operations: Mutex<Vec<String>>,
}

impl RequestLog {
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
    pub fn operations(&self) -> Vec<String> {
        self.operations.lock().map(|o| o.clone()).unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
struct CountRequests(Arc<RequestLog>);

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.count.fetch_add(1, Ordering::Relaxed);
        if let Some(metadata) = cfg.load::<Metadata>() {
            if let Ok(mut operations) = self.0.operations.lock() {
                operations.push(metadata.name().to_string());
            }
        }
        Ok(())
    }
}

/// The aws-config loader for a provider block: region, profile, retries and timeouts.
fn loader(settings: &ProviderSettings) -> aws_config::ConfigLoader {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(region) = &settings.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(files) = profile_files(settings, std::env::var("HOME").ok().as_deref()) {
        loader = loader.profile_files(files);
    }
    loader
        .retry_config(retry_config(
            settings,
            std::env::var("AWS_MAX_ATTEMPTS").ok().as_deref(),
            std::env::var("AWS_RETRY_MODE").ok().as_deref(),
        ))
        .timeout_config(timeout_config(std::env::var(READ_TIMEOUT_VARIABLE).ok().as_deref()))
}

/// The shared configuration and credentials files of `shared_config_files` and
/// `shared_credentials_files`: each list, where given, replaces its default file (as the
/// provider passes them to the Go SDK's `WithSharedConfigFiles`/`WithSharedCredentialsFiles`),
/// and a leading `~/` is the home directory, as the provider expands it. `None` when neither
/// is set: the SDK's defaults and `AWS_CONFIG_FILE`/`AWS_SHARED_CREDENTIALS_FILE`.
/// (aws-config marks its names for these types deprecated in favour of aws-runtime's, a crate
/// infra does not depend on directly: the same types.)
#[allow(deprecated)]
fn profile_files(
    settings: &ProviderSettings,
    home: Option<&str>,
) -> Option<aws_config::profile::profile_file::ProfileFiles> {
    use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
    if settings.shared_config_files.is_empty() && settings.shared_credentials_files.is_empty() {
        return None;
    }
    let expand = |path: &String| match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => std::path::Path::new(home).join(rest),
        _ => std::path::PathBuf::from(path),
    };
    let mut files = ProfileFiles::builder()
        .include_default_config_file(settings.shared_config_files.is_empty())
        .include_default_credentials_file(settings.shared_credentials_files.is_empty());
    for path in &settings.shared_config_files {
        files = files.with_file(ProfileFileKind::Config, expand(path));
    }
    for path in &settings.shared_credentials_files {
        files = files.with_file(ProfileFileKind::Credentials, expand(path));
    }
    Some(files.build())
}

/// The SDK's default HTTPS client (hyper 1.x, rustls with aws-lc, proxies from the
/// environment, as `aws-smithy-runtime` builds it), behind the rate limiter, whose buckets all
/// of one provider configuration's clients share.
fn rate_limited_http_client(limiter: Arc<RateLimiter>) -> RateLimitedClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};
    let inner = Builder::new().build_with_connector_fn(|settings, runtime_components| {
        let mut connector =
            ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = runtime_components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    });
    RateLimitedClient::new(inner, limiter)
}

/// The provider's handle: settings from the `provider "aws"` block, and clients built lazily.
pub struct Aws {
    pub settings: ProviderSettings,
    pub requests: Arc<RequestLog>,
    clients: OnceCell<Clients>,
    account_id: OnceCell<String>,
}

impl Aws {
    pub fn new(settings: ProviderSettings) -> Arc<Aws> {
        Arc::new(Aws {
            settings,
            requests: Arc::default(),
            clients: OnceCell::new(),
            account_id: OnceCell::new(),
        })
    }

    /// The clients, built from the standard aws-config chain on first call. The region comes
    /// from the provider block, else from the environment or profile. `AWS_ENDPOINT_URL`
    /// points every client at an emulator.
    pub async fn clients(&self) -> &Clients {
        self.clients
            .get_or_init(|| async {
                let settings = &self.settings;
                let mut shared = loader(settings).load().await;
                if let Some(role) = &settings.assume_role {
                    // The role's credentials, obtained with the base credentials (as the
                    // provider's assume_role does); refreshed by the SDK before they expire.
                    let mut builder = aws_config::sts::AssumeRoleProvider::builder(&role.role_arn)
                        .session_name(role.session_name.clone().unwrap_or_else(|| "infra".into()))
                        .configure(&shared);
                    if let Some(external_id) = &role.external_id {
                        builder = builder.external_id(external_id);
                    }
                    let provider = builder.build().await;
                    shared = loader(settings).credentials_provider(provider).load().await;
                }
                let region = shared
                    .region()
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "us-east-1".to_string());
                let counter = CountRequests(self.requests.clone());
                let http_client = rate_limited_http_client(Arc::default());
                // `endpoints { NAME = URL }` uses the provider's service names.
                // A setting after the names is the service's own (S3's path-style addressing).
                macro_rules! client {
                    ($krate:ident, $($name:literal),+ $(; $setting:ident($argument:expr))?) => {{
                        let mut config = $krate::config::Builder::from(&shared)
                            .interceptor(counter.clone())
                            .interceptor(TagBucket)
                            .interceptor(LogCalls)
                            .interceptor(OneAttemptForCreates)
                            .http_client(http_client.clone())
                            $(.$setting($argument))?;
                        if let Some(url) = [$($name),+].iter().find_map(|n| settings.endpoints.get(*n)) {
                            config = config.endpoint_url(url);
                        }
                        $krate::Client::from_conf(config.build())
                    }};
                }
                Clients {
                    region,
                    ec2: client!(aws_sdk_ec2, "ec2"),
                    ecs: client!(aws_sdk_ecs, "ecs"),
                    elbv2: client!(aws_sdk_elasticloadbalancingv2, "elbv2", "elb"),
                    rds: client!(aws_sdk_rds, "rds"),
                    iam: client!(aws_sdk_iam, "iam"),
                    logs: client!(aws_sdk_cloudwatchlogs, "logs", "cloudwatchlogs"),
                    cloudwatch: client!(aws_sdk_cloudwatch, "cloudwatch"),
                    sts: client!(aws_sdk_sts, "sts"),
                    tagging: client!(aws_sdk_resourcegroupstagging, "resourcegroupstaggingapi"),
                    s3: client!(aws_sdk_s3, "s3"; force_path_style(true)),
                    dynamodb: client!(aws_sdk_dynamodb, "dynamodb"),
                    elasticache: client!(aws_sdk_elasticache, "elasticache"),
                    redshift: client!(aws_sdk_redshift, "redshift"),
                    ssm: client!(aws_sdk_ssm, "ssm"),
                    secretsmanager: client!(aws_sdk_secretsmanager, "secretsmanager"),
                    kms: client!(aws_sdk_kms, "kms"),
                    ecr: client!(aws_sdk_ecr, "ecr"),
                    appautoscaling: client!(
                        aws_sdk_applicationautoscaling,
                        "appautoscaling",
                        "applicationautoscaling"
                    ),
                    route53: client!(aws_sdk_route53, "route53"),
                    acm: client!(aws_sdk_acm, "acm"),
                    sns: client!(aws_sdk_sns, "sns"),
                    events: client!(aws_sdk_eventbridge, "events", "eventbridge", "cloudwatchevents"),
                    lambda: client!(aws_sdk_lambda, "lambda"),
                    servicediscovery: client!(aws_sdk_servicediscovery, "servicediscovery"),
                    codedeploy: client!(aws_sdk_codedeploy, "codedeploy"),
                    codebuild: client!(aws_sdk_codebuild, "codebuild"),
                    codepipeline: client!(aws_sdk_codepipeline, "codepipeline"),
                    codecommit: client!(aws_sdk_codecommit, "codecommit"),
                    codestarconnections: client!(aws_sdk_codestarconnections, "codestarconnections"),
                    wafv2: client!(aws_sdk_wafv2, "wafv2"),
                    cognitoidp: client!(
                        aws_sdk_cognitoidentityprovider,
                        "cognitoidp",
                        "cognitoidentityprovider"
                    ),
                }
            })
            .await
    }

    /// The account the credentials belong to (STS GetCallerIdentity, asked once), for the ARNs
    /// that a service does not return.
    pub async fn account_id(&self) -> Result<&str, infra_core::ProviderError> {
        let clients = self.clients().await;
        self.account_id
            .get_or_try_init(|| async {
                let identity = clients
                    .sts
                    .get_caller_identity()
                    .send()
                    .await
                    .map_err(crate::error::aws_error)?;
                identity.account().map(str::to_string).ok_or_else(|| {
                    infra_core::ProviderError::new("GetCallerIdentity returned no account")
                })
            })
            .await
            .map(String::as_str)
    }

    /// The provider's region where it is known without asking aws-config: the provider block's,
    /// the clients' once built, else `AWS_REGION` / `AWS_DEFAULT_REGION`. `None` when only a
    /// profile names it (then it is known after the first AWS call).
    pub fn known_region(&self) -> Option<String> {
        if let Some(region) = &self.settings.region {
            return Some(region.clone());
        }
        if let Some(clients) = self.clients.get() {
            return Some(clients.region.clone());
        }
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|r| !r.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_config::profile::ProfileFileCredentialsProvider;
    use aws_sdk_sts::config::ProvideCredentials;

    /// `shared_credentials_files` replaces `~/.aws/credentials` (a `~/` path under the home
    /// directory): the profile's keys come from the file named, and a missing one is an error,
    /// not the default file's keys.
    #[tokio::test]
    async fn shared_credentials_files_replace_the_default_file() {
        let home = std::env::temp_dir().join(format!("infra-profile-files-{}", std::process::id()));
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join("team-credentials"),
            "[deploy]\naws_access_key_id = AKIDFROMTHEFILE\naws_secret_access_key = secret\n",
        )
        .unwrap();
        let credentials_of = |files: Vec<String>| {
            let settings =
                ProviderSettings { shared_credentials_files: files, ..ProviderSettings::default() };
            let files = profile_files(&settings, home.to_str()).expect("profile files");
            ProfileFileCredentialsProvider::builder()
                .profile_files(files)
                .profile_name("deploy")
                .build()
        };
        let found = credentials_of(vec!["~/team-credentials".to_string()])
            .provide_credentials()
            .await
            .expect("the profile's credentials");
        assert_eq!(found.access_key_id(), "AKIDFROMTHEFILE");
        let missing = credentials_of(vec![home.join("absent").display().to_string()])
            .provide_credentials()
            .await;
        assert!(missing.is_err(), "{missing:?}");
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn no_files_named_keeps_the_sdks_defaults() {
        assert!(profile_files(&ProviderSettings::default(), Some("/home/x")).is_none());
    }
}
