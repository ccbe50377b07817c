//! Providers with no cloud API: random, null, time, local, archive and template, and
//! Terraform's built-in `terraform_data`. Each type is a pure function of its arguments plus
//! randomness or time, kept in state. This crate knows no AWS.

use std::sync::Arc;

use infra_core::Registry;

pub mod archive;
pub mod digest;
pub mod local;
pub mod null;
pub mod random;
pub mod support;
pub mod template;
pub mod terraform;
#[cfg(test)]
mod testing;
pub mod time;

/// Registers every resource type and data source of the utility providers.
pub fn register_all(registry: &mut Registry) {
    registry.register_resource(Arc::new(random::random_id::RandomId::new()));
    registry.register_resource(Arc::new(random::random_string::RandomString::new()));
    registry.register_resource(Arc::new(random::random_password::RandomPassword::new()));
    registry.register_resource(Arc::new(random::random_pet::RandomPet::new()));
    registry.register_resource(Arc::new(random::random_integer::RandomInteger::new()));
    registry.register_resource(Arc::new(random::random_shuffle::RandomShuffle::new()));
    registry.register_resource(Arc::new(random::random_uuid::RandomUuid::new()));
    registry.register_resource(Arc::new(null::null_resource::NullResource::new()));
    registry.register_resource(Arc::new(terraform::terraform_data::TerraformData::new()));
    registry.register_resource(Arc::new(time::time_sleep::TimeSleep::new()));
    registry.register_resource(Arc::new(time::time_static::TimeStatic::new()));
    registry.register_resource(Arc::new(time::time_rotating::TimeRotating::new()));
    registry.register_resource(Arc::new(time::time_offset::TimeOffset::new()));
    registry.register_resource(Arc::new(local::local_file::LocalFile::new()));
    registry.register_resource(Arc::new(local::local_sensitive_file::new()));

    registry.register_data_source(Arc::new(local::data_local_file::DataLocalFile::new()));
    registry.register_data_source(Arc::new(local::data_local_file::DataLocalFile::sensitive()));
    registry.register_data_source(Arc::new(archive::data_archive_file::DataArchiveFile::new()));
    registry.register_data_source(Arc::new(
        template::data_template_file::DataTemplateFile::new(),
    ));
}
