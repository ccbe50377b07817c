//! Providers with no cloud API: random, null, time, local, archive and template, and
//! Terraform's built-in `terraform_data`. Each type is a pure function of its arguments plus
//! randomness or time, kept in state. This crate knows no AWS.

use std::sync::Arc;

use infra_core::{Registry, StateReader};

pub mod archive;
pub mod digest;
pub mod in_state;
pub mod local;
pub mod null;
pub mod random;
pub mod support;
pub mod template;
pub mod terraform;
#[cfg(test)]
mod testing;
pub mod time;

/// Registers every resource type and data source of the utility providers and Terraform's
/// built-in one; `remote_state_backends` are the backends besides `local` that
/// `terraform_remote_state` reads (`("s3", reader)`).
pub fn register_all(
    registry: &mut Registry,
    remote_state_backends: Vec<(&'static str, Arc<dyn StateReader>)>,
) {
    registry.register_resource(Arc::new(random::random_id::RandomId::new()));
    registry.register_resource(Arc::new(random::random_string::RandomString::new()));
    registry.register_resource(Arc::new(random::random_password::RandomPassword::new()));
    registry.register_ephemeral_resource(Arc::new(
        random::ephemeral_random_password::EphemeralRandomPassword::new(),
    ));
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
    registry.register_data_source(Arc::new(template::data_template_file::DataTemplateFile::new()));
    registry.register_data_source(Arc::new(
        terraform::terraform_remote_state::TerraformRemoteState::new(remote_state_backends),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_every_type_under_its_terraform_name() {
        let mut registry = Registry::new();
        register_all(&mut registry, vec![]);
        let resources: Vec<&str> = registry.resource_names().collect();
        assert_eq!(
            resources,
            vec![
                "local_file",
                "local_sensitive_file",
                "null_resource",
                "random_id",
                "random_integer",
                "random_password",
                "random_pet",
                "random_shuffle",
                "random_string",
                "random_uuid",
                "terraform_data",
                "time_offset",
                "time_rotating",
                "time_sleep",
                "time_static",
            ]
        );
        let data_sources: Vec<&str> = registry.data_source_names().collect();
        assert_eq!(
            data_sources,
            vec![
                "archive_file",
                "local_file",
                "local_sensitive_file",
                "template_file",
                "terraform_remote_state"
            ]
        );
        for name in resources {
            let resource = registry.resource(name).expect("registered");
            assert_eq!(resource.name(), name);
            assert!(resource.schema().attribute("id").is_some(), "{name} has no id attribute");
        }
    }

    #[test]
    fn the_types_without_import_refuse_it_in_terraforms_words() {
        let mut registry = Registry::new();
        register_all(&mut registry, vec![]);
        for name in
            ["random_pet", "random_shuffle", "null_resource", "local_file", "local_sensitive_file"]
        {
            let resource = registry.resource(name).expect("registered");
            let error = resource.import_prior("anything").expect_err("no import");
            assert_eq!(error.message, format!("resource {name} doesn't support import"));
        }
    }
}
