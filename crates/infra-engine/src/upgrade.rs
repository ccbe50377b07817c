//! Schema upgrades of a state just read: every managed object stored under an older schema
//! version of its type (a Terraform state written by an older provider) is upgraded by the
//! type's state upgraders, one version at a time, before refresh or the planner reads it; as
//! Terraform calls the provider's `UpgradeResourceState` on every object it reads.
//!
//! An object from infra's format 1 (which recorded no version) is taken at the type's current
//! version. Data sources are re-read on every run, and types infra does not know are left for
//! refresh and the planner to report.

use infra_core::{Diagnostic, Diagnostics, Mode, Registry};
use infra_state::model::SCHEMA_VERSION_CURRENT;
use infra_state::State;

/// Upgrades every managed object in `state` to its type's current schema version.
pub fn upgrade_state(state: &mut State, registry: &Registry) -> Result<(), Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let deposed = state
        .deposed
        .iter_mut()
        .flat_map(|(address, objects)| objects.values_mut().map(move |object| (&*address, object)));
    for (address, resource) in state.resources.iter_mut().chain(deposed) {
        let registry = registry.for_configuration(resource.provider.as_deref().unwrap_or_default());
        let resource_type = match address.resource.mode {
            Mode::Managed => registry.resource(&resource.resource_type),
            Mode::Data | Mode::Ephemeral => None,
        };
        // Dynamic-typed attributes come wrapped as cty writes them; the model holds the value.
        if let Some(resource_type) = resource_type {
            resource.dynamic_attributes = resource_type.schema().dynamic_attributes();
            for name in &resource.dynamic_attributes {
                if let Some(entries) = resource.value.map_mut() {
                    if let Some(value) = entries.remove(name) {
                        let value = infra_state::format::v4::unwrap_dynamic(value);
                        entries.insert(name.clone(), value);
                    }
                }
            }
        }
        if resource.schema_version == SCHEMA_VERSION_CURRENT {
            resource.schema_version = registry
                .schema(address.resource.mode, &resource.resource_type)
                .map(|schema| schema.version)
                .unwrap_or(0);
            continue;
        }
        let Some(resource_type) = resource_type else {
            continue;
        };
        let current = resource_type.schema().version;
        if resource.schema_version > current {
            diagnostics.push(Diagnostic::error(
                "Resource instance managed by newer provider version",
                format!(
                    "The state holds {address} at schema version {}, but infra's `{}` knows \
                     versions up to {current}: it was written by a newer provider than the one \
                     infra implements. Upgrade infra to use this state.",
                    resource.schema_version, resource.resource_type
                ),
            ));
            continue;
        }
        while resource.schema_version < current {
            let from = resource.schema_version;
            let value = resource.value.clone();
            match resource_type.upgrade_state(from, value) {
                Ok(upgraded) => {
                    resource.value = upgraded;
                    resource.schema_version = from + 1;
                }
                Err(message) => {
                    diagnostics.push(Diagnostic::error(
                        "Failed to upgrade resource state",
                        format!(
                            "{address}: the upgrade of `{}` from schema version {from} to {} \
                             failed: {message}",
                            resource.resource_type,
                            from + 1
                        ),
                    ));
                    break;
                }
            }
        }
        // As Terraform's providers do when they read a stored object: their current schema's
        // normal form (the provider's `region` where a provider 5 state has none, JSON
        // documents in canonical form), so that only real changes plan.
        if resource.schema_version == current {
            fill_defaults_the_writer_predates(resource_type.schema(), &mut resource.value);
            crate::diff::normalize(resource_type.as_ref(), &mut resource.value);
        }
    }
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(())
    }
}

/// An argument with a default that is absent from a stored object (not null: absent) was
/// added to the provider after the version that wrote the object, and AWS gave the object
/// that default when the argument came to be (`aws_lb.client_keep_alive` = 3600 in a state
/// that provider 4 wrote). It reads as the default, as a refresh would find it, so that a
/// plan without refresh does not propose to set what is already so.
fn fill_defaults_the_writer_predates(schema: &infra_core::Schema, value: &mut infra_core::Value) {
    let Some(entries) = value.map_mut() else {
        return;
    };
    for attribute in &schema.attributes {
        if let Some(default) = &attribute.default {
            if !entries.contains_key(attribute.name) {
                entries.insert(attribute.name.to_string(), default.clone());
            }
        }
    }
}
