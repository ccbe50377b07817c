//! Data sources, grouped by service, one file each. Each service's `mod.rs` lists its data
//! sources once in [`data_source_types!`], which declares the module and registers it. A data
//! source is declared on [`crate::lookup::Lookup`] (its name, schema and read); see that
//! module for the four whose schema is built from their resource type's.

use std::sync::Arc;

use infra_core::Registry;

use crate::Aws;

/// `data_source_types! { regional_data; aws_vpc::AwsVpc::new, … }` declares `pub mod aws_vpc;`
/// for each entry and a `register(registry, aws)` that registers each data source built by its
/// constructor. `regional_data` gives each provider v6's `region` argument
/// ([`crate::region`]); a global one says `global_data`. Adding a data source is its file plus
/// one line here.
macro_rules! data_source_types {
    ($($entries:tt)+) => {
        crate::resources::registered!(register_data_source; $($entries)+);
    };
}
pub(crate) use data_source_types;

pub mod acm;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
pub mod iam;
pub mod kms;
pub mod meta;
pub mod rds;
pub mod route53;
pub mod s3;
pub mod secretsmanager;
pub mod ssm;
pub mod sts;

pub(crate) fn register_all(registry: &mut Registry, aws: &Arc<Aws>) {
    ec2::register(registry, aws);
    meta::register(registry, aws);
    sts::register(registry, aws);
    iam::register(registry, aws);
    ssm::register(registry, aws);
    secretsmanager::register(registry, aws);
    kms::register(registry, aws);
    ecr::register(registry, aws);
    route53::register(registry, aws);
    acm::register(registry, aws);
    s3::register(registry, aws);
    elbv2::register(registry, aws);
    ecs::register(registry, aws);
    rds::register(registry, aws);
}
