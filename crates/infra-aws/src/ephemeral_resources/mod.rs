//! Ephemeral resources (`ephemeral` blocks, Terraform 1.10; provider 5.81+), one file each:
//! opened when planned and again when applied, never stored. They read what a data source of
//! the same name reads, through its call, with the ephemeral resource's own schema. Each has
//! provider v6's `region` argument ([`crate::region`]).

use std::sync::Arc;

use infra_core::Registry;

use crate::Aws;

pub mod aws_secretsmanager_secret_version;
pub mod aws_ssm_parameter;

pub(crate) fn register_all(registry: &mut Registry, aws: &Arc<Aws>) {
    let regional = |ephemeral| crate::region::regional_data(ephemeral, aws);
    registry.register_ephemeral_resource(regional(Arc::new(
        aws_secretsmanager_secret_version::EphemeralSecretVersion::new(aws.clone()),
    )));
    registry.register_ephemeral_resource(regional(Arc::new(
        aws_ssm_parameter::EphemeralSsmParameter::new(aws.clone()),
    )));
}
