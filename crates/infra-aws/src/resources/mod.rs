//! Managed resource types, grouped by service, one file each. Each service's `mod.rs` lists its
//! types once in [`resource_types!`], which declares the module and registers the type.

use std::sync::Arc;

use infra_core::Registry;

use crate::Aws;

/// `resource_types! { regional; aws_vpc::AwsVpc::new, … }` declares `pub mod aws_vpc;` for each
/// entry and a `register(registry, aws)` that registers each type built by its constructor.
/// `regional` gives each type provider v6's `region` argument ([`crate::region`]); a global
/// service says `global`. Adding a type is its file plus one line here.
macro_rules! resource_types {
    ($($entries:tt)+) => {
        crate::resources::registered!(register_resource; $($entries)+);
    };
}

/// What [`resource_types!`] and [`crate::data_sources::data_source_types!`] write, given the
/// registry's method (`register_resource`, `register_data_source`).
macro_rules! registered {
    ($register:ident; $scope:ident; $($module:ident $(:: $constructor:ident)+),+ $(,)?) => {
        $(pub mod $module;)+

        pub(crate) fn register(
            registry: &mut infra_core::Registry,
            aws: &std::sync::Arc<crate::Aws>,
        ) {
            $(registry.$register(crate::region::$scope(
                std::sync::Arc::new($module $(:: $constructor)+(aws.clone())),
                aws,
            ));)+
        }
    };
}
pub(crate) use registered;
pub(crate) use resource_types;

pub mod acm;
pub mod appautoscaling;
pub mod cloudwatch;
pub mod codebuild;
pub mod codecommit;
pub mod codedeploy;
pub mod codepipeline;
pub mod codestarconnections;
pub mod cognitoidp;
#[cfg(test)]
mod create_protection;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elasticache;
pub mod elbv2;
pub mod events;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod rds;
pub mod redshift;
pub mod route53;
pub mod s3;
pub mod secretsmanager;
pub mod servicediscovery;
pub mod sns;
pub mod ssm;
#[cfg(test)]
mod state_upgrades;
pub mod wafv2;

pub(crate) fn register_all(registry: &mut Registry, aws: &Arc<Aws>) {
    ec2::register(registry, aws);
    elbv2::register(registry, aws);
    ecs::register(registry, aws);
    rds::register(registry, aws);
    iam::register(registry, aws);
    cloudwatch::register(registry, aws);
    elasticache::register(registry, aws);
    redshift::register(registry, aws);
    ssm::register(registry, aws);
    secretsmanager::register(registry, aws);
    kms::register(registry, aws);
    ecr::register(registry, aws);
    route53::register(registry, aws);
    acm::register(registry, aws);
    appautoscaling::register(registry, aws);
    sns::register(registry, aws);
    events::register(registry, aws);
    s3::register(registry, aws);
    servicediscovery::register(registry, aws);
    codecommit::register(registry, aws);
    codebuild::register(registry, aws);
    codepipeline::register(registry, aws);
    codestarconnections::register(registry, aws);
    wafv2::register(registry, aws);
    cognitoidp::register(registry, aws);
    codedeploy::register(registry, aws);
    lambda::register(registry, aws);
    dynamodb::register(registry, aws);
}
