//! The container fields of ECS's `ContainerDefinition` beyond the everyday ones that
//! [`crate::ecs_support`] maps: restart policy, Linux parameters, FireLens, version consistency,
//! kernel parameters, resource requirements, environment files, private registry credentials
//! and credential specs, to the SDK's types and back, as the provider decodes the whole
//! document into the SDK's struct (terraform-aws-modules/ecs's container-definition module
//! writes `versionConsistency`, `linuxParameters` and `restartPolicy` for every container).

use aws_sdk_ecs::types::builders::ContainerDefinitionBuilder;
use aws_sdk_ecs::types::{
    ContainerDefinition, ContainerRestartPolicy, Device, DeviceCgroupPermission, EnvironmentFile,
    EnvironmentFileType, FirelensConfiguration, FirelensConfigurationType, KernelCapabilities,
    LinuxParameters, RepositoryCredentials, ResourceRequirement, ResourceType, SystemControl,
    Tmpfs, VersionConsistency,
};
use infra_core::ProviderError;
use serde_json::{json, Map, Value as Json};

use crate::ecs_container_json::{
    bool_field, built_list, built_object, field, int_field, list_json, non_empty, objects_field,
    put, put_list, string_map_field, strings_field, text_field,
};

/// The fields this file maps, as ECS names them.
pub(crate) const FIELDS: &[&str] = &[
    "repositoryCredentials",
    "restartPolicy",
    "environmentFiles",
    "linuxParameters",
    "versionConsistency",
    "systemControls",
    "resourceRequirements",
    "firelensConfiguration",
    "credentialSpecs",
];

/// Sets this file's fields of container `c` (the `index`th, for errors) on `builder`.
pub(crate) fn to_sdk(
    index: usize,
    c: &Map<String, Json>,
    builder: ContainerDefinitionBuilder,
) -> Result<ContainerDefinitionBuilder, ProviderError> {
    let repository_credentials = built_object(index, c, "repositoryCredentials", |r| {
        RepositoryCredentials::builder()
            .set_credentials_parameter(text_field(r, "credentialsParameter"))
            .build()
    })?;
    let restart_policy = built_object(index, c, "restartPolicy", |r| {
        ContainerRestartPolicy::builder()
            .set_enabled(bool_field(r, "enabled"))
            .set_ignored_exit_codes(ints_field(r, "ignoredExitCodes"))
            .set_restart_attempt_period(int_field(r, "restartAttemptPeriod"))
            .build()
    })?;
    let environment_files = built_list(index, c, "environmentFiles", |f| {
        EnvironmentFile::builder()
            .set_value(text_field(f, "value"))
            .set_type(text_field(f, "type").map(|t| EnvironmentFileType::from(t.as_str())))
            .build()
    })?;
    let linux_parameters = field(c, "linuxParameters")
        .and_then(Json::as_object)
        .map(|l| linux_parameters_to_sdk(index, l))
        .transpose()?;
    let system_controls = objects_field(c, "systemControls")
        .into_iter()
        .map(|s| {
            SystemControl::builder()
                .set_namespace(text_field(s, "namespace"))
                .set_value(text_field(s, "value"))
                .build()
        })
        .collect::<Vec<_>>();
    let resource_requirements = built_list(index, c, "resourceRequirements", |r| {
        ResourceRequirement::builder()
            .set_value(text_field(r, "value"))
            .set_type(text_field(r, "type").map(|t| ResourceType::from(t.as_str())))
            .build()
    })?;
    let firelens = built_object(index, c, "firelensConfiguration", |f| {
        FirelensConfiguration::builder()
            .set_type(text_field(f, "type").map(|t| FirelensConfigurationType::from(t.as_str())))
            .set_options(string_map_field(f, "options"))
            .build()
    })?;
    Ok(builder
        .set_repository_credentials(repository_credentials)
        .set_restart_policy(restart_policy)
        .set_environment_files(non_empty(environment_files))
        .set_linux_parameters(linux_parameters)
        .set_version_consistency(
            text_field(c, "versionConsistency").map(|v| VersionConsistency::from(v.as_str())),
        )
        .set_system_controls(non_empty(system_controls))
        .set_resource_requirements(non_empty(resource_requirements))
        .set_firelens_configuration(firelens)
        .set_credential_specs(strings_field(c, "credentialSpecs")))
}

fn linux_parameters_to_sdk(
    index: usize,
    l: &Map<String, Json>,
) -> Result<LinuxParameters, ProviderError> {
    let capabilities = field(l, "capabilities").and_then(Json::as_object).map(|k| {
        KernelCapabilities::builder()
            .set_add(strings_field(k, "add"))
            .set_drop(strings_field(k, "drop"))
            .build()
    });
    let devices = built_list(index, l, "linuxParameters.devices", |d| {
        let permissions = strings_field(d, "permissions")
            .map(|items| items.iter().map(|p| DeviceCgroupPermission::from(p.as_str())).collect());
        Device::builder()
            .set_host_path(text_field(d, "hostPath"))
            .set_container_path(text_field(d, "containerPath"))
            .set_permissions(permissions)
            .build()
    })?;
    let tmpfs = built_list(index, l, "linuxParameters.tmpfs", |t| {
        Tmpfs::builder()
            .set_container_path(text_field(t, "containerPath"))
            .set_size(int_field(t, "size"))
            .set_mount_options(strings_field(t, "mountOptions"))
            .build()
    })?;
    Ok(LinuxParameters::builder()
        .set_capabilities(capabilities)
        .set_devices(non_empty(devices))
        .set_init_process_enabled(bool_field(l, "initProcessEnabled"))
        .set_shared_memory_size(int_field(l, "sharedMemorySize"))
        .set_tmpfs(non_empty(tmpfs))
        .set_max_swap(int_field(l, "maxSwap"))
        .set_swappiness(int_field(l, "swappiness"))
        .build())
}

/// A list of whole numbers (`ignoredExitCodes`), numbers written as text accepted.
fn ints_field(object: &Map<String, Json>, key: &str) -> Option<Vec<i32>> {
    let items = field(object, key)?.as_array()?;
    Some(
        items
            .iter()
            .filter_map(|item| {
                item.as_i64()
                    .or_else(|| item.as_str().and_then(|s| s.trim().parse().ok()))
                    .and_then(|n| i32::try_from(n).ok())
            })
            .collect(),
    )
}

/// This file's fields of `c` as the document writes them, into `o`.
pub(crate) fn to_json(c: &ContainerDefinition, o: &mut Map<String, Json>) {
    put(
        o,
        "repositoryCredentials",
        c.repository_credentials()
            .map(|r| json!({"credentialsParameter": r.credentials_parameter()})),
    );
    put(
        o,
        "restartPolicy",
        c.restart_policy().map(|r| {
            json!({
                "enabled": r.enabled(),
                "ignoredExitCodes": r.ignored_exit_codes(),
                "restartAttemptPeriod": r.restart_attempt_period(),
            })
        }),
    );
    put_list(
        o,
        "environmentFiles",
        c.environment_files(),
        |f| json!({"value": f.value(), "type": f.r#type().as_str()}),
    );
    put(o, "linuxParameters", c.linux_parameters().map(linux_parameters_json));
    put(o, "versionConsistency", c.version_consistency().map(|v| json!(v.as_str())));
    put_list(
        o,
        "systemControls",
        c.system_controls(),
        |s| json!({"namespace": s.namespace(), "value": s.value()}),
    );
    put_list(
        o,
        "resourceRequirements",
        c.resource_requirements(),
        |r| json!({"value": r.value(), "type": r.r#type().as_str()}),
    );
    put(
        o,
        "firelensConfiguration",
        c.firelens_configuration().map(|f| {
            json!({
                "type": f.r#type().as_str(),
                "options": f.options().map(|m| m.iter().collect::<std::collections::BTreeMap<_, _>>()),
            })
        }),
    );
    put(o, "credentialSpecs", list_json(c.credential_specs()));
}

fn linux_parameters_json(l: &LinuxParameters) -> Json {
    let devices: Vec<Json> = l
        .devices()
        .iter()
        .map(|d| {
            let permissions: Vec<&str> = d.permissions().iter().map(|p| p.as_str()).collect();
            json!({"hostPath": d.host_path(), "containerPath": d.container_path(), "permissions": permissions})
        })
        .collect();
    let tmpfs: Vec<Json> = l
        .tmpfs()
        .iter()
        .map(|t| json!({"containerPath": t.container_path(), "size": t.size(), "mountOptions": t.mount_options()}))
        .collect();
    json!({
        "capabilities": l.capabilities().map(|k| json!({"add": k.add(), "drop": k.drop()})),
        "devices": devices,
        "initProcessEnabled": l.init_process_enabled(),
        "sharedMemorySize": l.shared_memory_size(),
        "tmpfs": tmpfs,
        "maxSwap": l.max_swap(),
        "swappiness": l.swappiness(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What terraform-aws-modules/ecs's container-definition module writes for a FireLens
    /// sidecar, with its default Linux parameters and restart policy: sent as the SDK's
    /// types, and read back as the same document.
    #[test]
    fn the_fields_go_to_the_sdk_and_come_back_the_same() {
        let text = r#"[{"name":"log-router","image":"fluent-bit",
            "firelensConfiguration":{"type":"fluentbit","options":{"enable-ecs-log-metadata":"true"}},
            "linuxParameters":{"capabilities":{"add":[],"drop":["NET_RAW"]},"initProcessEnabled":true,
              "tmpfs":[{"containerPath":"/tmp","size":64,"mountOptions":["rw"]}]},
            "restartPolicy":{"enabled":true,"ignoredExitCodes":[1],"restartAttemptPeriod":60},
            "versionConsistency":"disabled",
            "systemControls":[{"namespace":"net.core.somaxconn","value":"1024"}],
            "resourceRequirements":[{"value":"1","type":"GPU"}],
            "environmentFiles":[{"value":"arn:aws:s3:::bucket/app.env","type":"s3"}],
            "repositoryCredentials":{"credentialsParameter":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry"},
            "credentialSpecs":["credentialspecdomainless:arn:aws:s3:::bucket/spec.json"]}]"#;
        let containers = crate::ecs_support::containers_to_sdk(text).unwrap();
        let c = &containers[0];
        assert_eq!(c.firelens_configuration().map(|f| f.r#type().as_str()), Some("fluentbit"));
        assert_eq!(c.version_consistency(), Some(&VersionConsistency::Disabled));
        assert_eq!(c.restart_policy().map(|r| r.ignored_exit_codes()), Some(&[1][..]));
        let linux = c.linux_parameters().unwrap();
        assert_eq!(linux.capabilities().unwrap().drop(), ["NET_RAW"]);
        assert_eq!(linux.init_process_enabled(), Some(true));
        assert_eq!(linux.tmpfs()[0].size(), 64);
        let back = crate::ecs_support::containers_to_json(&containers);
        let normal = |text: &str| crate::ecs_support::normalize_container_definitions(text, true);
        assert_eq!(normal(&back), normal(text));
    }

    /// Go's JSON decoder, which the provider uses, matches a field's name whatever its case;
    /// terraform-aws-modules/ecs writes `entrypoint`.
    #[test]
    fn a_field_name_in_another_case_is_the_field() {
        let text = r#"[{"name":"app","image":"app","entrypoint":["/bin/sh","-c"],"RestartPolicy":{"Enabled":true}}]"#;
        assert!(crate::ecs_support::container_definition_problems(text).is_empty());
        let containers = crate::ecs_support::containers_to_sdk(text).unwrap();
        assert_eq!(containers[0].entry_point(), ["/bin/sh", "-c"]);
        assert_eq!(containers[0].restart_policy().map(|r| r.enabled()), Some(true));
        // The normal form compares a container's own fields whatever their case (a nested
        // field in another case is sent right but compared as written).
        let normal = |text: &str| crate::ecs_support::normalize_container_definitions(text, true);
        assert_eq!(
            normal(r#"[{"name":"app","image":"app","entrypoint":["/bin/sh","-c"]}]"#),
            normal(r#"[{"name":"app","image":"app","entryPoint":["/bin/sh","-c"]}]"#)
        );
    }
}
