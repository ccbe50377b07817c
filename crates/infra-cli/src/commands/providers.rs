//! `infra providers schema -json`: every resource type's and data source's schema, grouped by
//! provider source, in the JSON form `terraform providers schema -json` prints (format 1.0).

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use infra_aws::ProviderSettings;
use infra_core::Mode;

use crate::args::ProvidersCommand;
use crate::session;
use crate::Exit;

pub fn run(command: ProvidersCommand) -> Result<Exit> {
    let ProvidersCommand::Schema { json } = command;
    if !json {
        return Err(anyhow!("The `infra providers schema` command requires the `-json` flag."));
    }
    let (_, registry) = session::provider(ProviderSettings::default());
    let mut providers: BTreeMap<String, serde_json::Map<String, serde_json::Value>> =
        BTreeMap::new();
    let mut add = |kind: &str, name: &str, schema: serde_json::Value| {
        let source = infra_core::resource::provider_source(name);
        let entry = providers.entry(source).or_default();
        let group = entry.entry(kind.to_string()).or_insert_with(|| serde_json::json!({}));
        group[name] = schema;
    };
    for name in registry.resource_names() {
        if let Some(schema) = registry.schema(Mode::Managed, name) {
            add("resource_schemas", name, schema.to_terraform_json());
        }
    }
    for name in registry.data_source_names() {
        if let Some(schema) = registry.schema(Mode::Data, name) {
            add("data_source_schemas", name, schema.to_terraform_json());
        }
    }
    for name in registry.ephemeral_resource_names() {
        if let Some(schema) = registry.schema(Mode::Ephemeral, name) {
            add("ephemeral_resource_schemas", name, schema.to_terraform_json());
        }
    }
    let document = serde_json::json!({
        "format_version": "1.0",
        "provider_schemas": providers,
    });
    println!("{}", serde_json::to_string(&document)?);
    Ok(Exit::Ok)
}
