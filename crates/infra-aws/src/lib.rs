//! The AWS provider: the only crate that uses the AWS SDK.
//!
//! Each resource type is one file under `resources/`, each data source one file under
//! `data_sources/`, and each is registered with one line in [`registry`]. Reads are batched:
//! EC2 `Describe*` with filters, ECS 10 services a call, ELBv2 ARN lists, RDS by filter.
//!
//! A new type starts from the family its object belongs to. The family declares the schema
//! once with each attribute's reader (`declared`), and writes the shared tail once: the
//! batched `read_many`, `find_created` after a lost answer, import, tags and the read-back
//! after create and update (or, where the write's answer or its wait already holds the
//! object, that: `AwsObject::create_written`/`update_written`). The type's file keeps only
//! its own requests and quirks.
//! - `aws_object::AwsObject`: one object read by a key (name, ID or ARN), most services;
//! - `ec2_object::Ec2Object`: a tagged EC2 object, described by filter in chunks;
//! - `elbv2_support::Elbv2Object`: load balancers, target groups, listeners and rules;
//! - `association::Association`: a link between two objects that has none of its own,
//!   and `association::Members`, the exclusive members of one object;
//! - `s3_support::BucketConfig`: one of a bucket's configurations (versioning, CORS...);
//! - `cloudwatch_support::LogGroupMember`: what lives in a log group;
//! - `subnet_group_support::SubnetGroupApi`: the ElastiCache and Redshift subnet groups;
//! - `resources/appautoscaling` `Keyed`: scaling targets' policies and actions.
//!
//! A family's trait is only ever a bound on a generic type (its `ResourceType` or
//! `DataSourceType`, or another family's object), never `dyn`, so its async methods are the
//! language's own: declared `-> impl Future<Output = …> + Send` (the engine needs `Send`
//! futures), written `async fn` in each type. Only the traits held as `dyn` (`ResourceType`,
//! `DataSourceType`, `StateReader`, `Rollouts`, `blue_green::BlueGreenApi`) go through
//! `#[async_trait]`, which boxes each call's future. Rebuilding infra-aws and the binary
//! (`cargo clean -p infra-aws`, then `cargo build -p infra`) took 3 min 58 s with every family
//! on `#[async_trait]`, 1 min 36 s without (BENCHMARKS.md §4).
//!
//! A check of one attribute's value is declared on the attribute, not written in `validate`:
//! the provider's `verify.ValidARN` as `.check(verify::ARN)`, its `StringLenBetween` as
//! `.check(Check::Length(min, max))`, a `StringMatch` as `Check::Matches`, an `enum.Validate`
//! as `Check::OneOf`, an `IntInSlice` as `Check::OneOfNumbers`, a `validation.All` as one
//! `.check` a validator; so are its `ConflictsWith`, `ExactlyOneOf`, `AtLeastOneOf` and
//! `RequiredWith`, as `.conflicts_with(&["name"])` and the like on each argument that declares
//! them (`infra_core::Relations`). `validate` keeps the checks across attributes that have no
//! declaration (the provider's CustomizeDiff) and the ones particular to the type.
//!
//! No type file writes `impl ResourceType` itself (`grep -rl "impl ResourceType for"
//! src/resources` prints nothing): a type whose object no family above fits declares it on
//! `AwsObject`, whose `Object` may gather several calls' answers (`aws_instance`'s
//! `Described`).
//!
//! A data source (and an ephemeral resource) is declared the same way, on `lookup::Lookup`:
//! its name, schema and read, the configuration with what it found over it
//! (`lookup::with_found`); the IDs lookups of EC2 as one generic `Lookup`
//! (`data_sources::ec2::ids::IdsOf`). Those whose schema is built from their resource type's
//! hold it and implement `DataSourceType` themselves: `aws_ecs_task_definition`,
//! `aws_lb_listener`, and the load balancer's and target group's
//! (`elbv2_support::Elbv2Data`).

pub mod blue_green;
mod call_log;
pub mod clients;
pub mod data_sources;
pub mod ephemeral_resources;
pub mod error;
pub mod kms_key_provider;
pub mod rate_limit;
pub mod remote_state;
pub mod resources;
pub mod retries;
pub mod s3_backend;
pub mod settings;
pub mod tagging;

// Helpers for the EC2 network resource types.
mod ec2_object;
mod ec2_support;
mod name_regex;

// Helpers for the application resource types (ELBv2, ECS, RDS, IAM, logs).
mod app_support;
mod association;
mod aws_object;
mod cloudwatch_support;
mod declared;
mod ecr_support;
mod ecs_container_json;
mod ecs_container_settings;
mod ecs_support;
mod elbv2_support;
mod events_support;
mod iam_support;
mod lookup;
mod rds_support;
mod route53_support;
mod s3_support;
mod sns_support;
mod subnet_group_support;
mod verify;

// What a create saw before its first send, for finding it after a lost answer.
mod create_memo;

// What a family's create, update and delete are handed.
mod writes;

// Every page of an SDK listing.
mod paginated;

// Provider v6's resource-level `region` argument, added to every regional type.
mod region;

use std::sync::Arc;

pub use clients::{Aws, Clients, RequestLog};
use infra_core::Registry;
pub use settings::{AssumeRole, ProviderSettings};

/// Every resource type, data source and ephemeral resource type, each registered with one line.
pub fn registry(aws: Arc<Aws>) -> Registry {
    let mut registry = Registry::new();
    resources::register_all(&mut registry, &aws);
    data_sources::register_all(&mut registry, &aws);
    ephemeral_resources::register_all(&mut registry, &aws);
    registry.set_tagging(Arc::new(tagging::DefaultTags::new(aws.settings.default_tags.clone())));
    registry.set_rollouts(Arc::new(blue_green::BlueGreenRollouts::new(aws.clone())));
    registry.set_resend_budget(aws.settings.max_retries.unwrap_or(retries::DEFAULT_MAX_RETRIES));
    registry
}

/// The plan-time problems of `config` for the registered type `name` (its declarations' and
/// its `validate`'s, as the planner reports them), each with its path: for unit tests.
#[cfg(test)]
pub(crate) fn located_problems(name: &str, config: &infra_core::Value) -> Vec<(String, String)> {
    let registry = registry(Aws::new(ProviderSettings::default()));
    registry.resource(name).expect("a registered resource type").problems(config)
}

/// The messages of [`located_problems`]: for unit tests.
#[cfg(test)]
pub(crate) fn problem_messages(name: &str, config: &infra_core::Value) -> Vec<String> {
    located_problems(name, config).into_iter().map(|(_, message)| message).collect()
}
