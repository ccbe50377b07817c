//! A resource instance of the state in Terraform's JSON form (`jsonstate.Resource` in
//! `internal/command/jsonstate/state.go`), shared by `infra show -json` and
//! `infra state show -json`: the fields in Terraform's order, left out where Terraform's
//! `omitempty` leaves them out, and printed as Go's `encoding/json` prints them.
//!
//! One difference, on purpose: Terraform prints sensitive values in plain text in `values` and
//! only marks them in `sensitive_values`; infra never lets them leave the process, so they are
//! `null` in `values`, marked `true` in `sensitive_values` as in Terraform.

use infra_core::address::config_resources;
use infra_core::{Address, InstanceKey, Registry, Schema, Value};
use infra_state::model::{ResourceState, SCHEMA_VERSION_CURRENT};
use serde::Serialize;
use serde_json::{Map, Value as Json};

/// Terraform's `jsonstate.Resource`.
#[derive(Serialize, Debug, Default)]
pub struct Resource {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mode: String,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub resource_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<Json>,
    pub provider_name: String,
    pub schema_version: u64,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub values: Map<String, Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive_values: Option<Json>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tainted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_schema_version: Option<u64>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub identity: Map<String, Json>,
}

/// Every resource type's and data source's schema, as Terraform's `state show` and `show`
/// load their providers' schemas: no provider is configured or called.
pub fn schemas() -> Registry {
    crate::session::provider(infra_aws::ProviderSettings::default()).1
}

/// The object at `address` as Terraform's `jsonstate` marshals it. `registry` gives the type's
/// schema, as Terraform decodes the object with its provider's schema: attributes of dynamic
/// type are unwrapped from the state file's `{"value", "type"}` form, and attributes the
/// schema declares sensitive are sensitive whatever the file recorded.
pub fn resource(address: &Address, object: &ResourceState, registry: &Registry) -> Resource {
    let id = &address.resource;
    let schema = registry.schema(id.mode, &object.resource_type);
    let mut value = object.value.clone();
    if let Some(schema) = schema {
        unwrap_dynamic_attributes(schema, &mut value);
        mark_sensitive_attributes(schema, &mut value);
    }
    let sensitive = sensitive_as_bool(&value);
    let values = match redact(value.to_json(), &sensitive) {
        Json::Object(entries) => entries,
        _ => Map::new(),
    };
    let schema_version = if object.schema_version == SCHEMA_VERSION_CURRENT {
        schema.map_or(0, |schema| schema.version)
    } else {
        object.schema_version
    };
    let (identity_schema_version, identity) = match &object.identity {
        Some((version, Json::Object(entries))) => (Some(*version), entries.clone()),
        Some((version, _)) => (Some(*version), Map::new()),
        None => (None, Map::new()),
    };
    Resource {
        address: address.to_string(),
        mode: id.mode.json_name().to_string(),
        resource_type: object.resource_type.clone(),
        name: id.name.clone(),
        index: address.key.as_ref().map(|key| match key {
            InstanceKey::Index(index) => Json::from(*index),
            InstanceKey::Key(key) => Json::from(key.as_str()),
        }),
        provider_name: infra_core::resource::provider_source(&object.resource_type),
        schema_version,
        values,
        sensitive_values: Some(sensitive),
        depends_on: config_resources(&object.dependencies),
        tainted: object.tainted,
        identity_schema_version,
        identity,
    }
}

fn unwrap_dynamic_attributes(schema: &Schema, value: &mut Value) {
    let Value::Map(entries) = value else {
        return;
    };
    for name in schema.dynamic_attributes() {
        if let Some(attribute) = entries.remove(&name) {
            entries.insert(name, infra_state::format::v4::unwrap_dynamic(attribute));
        }
    }
}

/// Terraform's `configschema.Block.SensitivePaths`: every attribute the schema declares
/// sensitive, in the object and in each of its nested blocks.
fn mark_sensitive_attributes(schema: &Schema, value: &mut Value) {
    let Value::Map(entries) = value else {
        return;
    };
    for attribute in schema.attributes.iter().filter(|a| a.sensitive) {
        if let Some(v) = entries.remove(attribute.name) {
            entries.insert(attribute.name.to_string(), v.mark_sensitive());
        }
    }
    for block in &schema.blocks {
        match entries.get_mut(block.name) {
            Some(Value::List(items)) => {
                for item in items {
                    mark_sensitive_attributes(&block.schema, item);
                }
            }
            Some(single @ Value::Map(_)) => mark_sensitive_attributes(&block.schema, single),
            _ => {}
        }
    }
}

/// Terraform's `jsonstate.SensitiveAsBool`: `true` where a value is sensitive; `false` for
/// any other primitive or null; a list of the same length, or an object of the entries that
/// are not `false`, for a collection.
pub fn sensitive_as_bool(value: &Value) -> Json {
    match value {
        Value::Sensitive(_) => Json::Bool(true),
        Value::List(items) => Json::Array(items.iter().map(sensitive_as_bool).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), sensitive_as_bool(v)))
                .filter(|(_, mask)| *mask != Json::Bool(false))
                .collect(),
        ),
        _ => Json::Bool(false),
    }
}

/// Nulls every value whose mask says sensitive.
pub fn redact(value: Json, mask: &Json) -> Json {
    match (value, mask) {
        (_, Json::Bool(true)) => Json::Null,
        (Json::Object(entries), Json::Object(masks)) => Json::Object(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let m = masks.get(&k).cloned().unwrap_or(Json::Bool(false));
                    (k, redact(v, &m))
                })
                .collect(),
        ),
        (Json::Array(items), Json::Array(masks)) => Json::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| redact(v, masks.get(i).unwrap_or(&Json::Bool(false))))
                .collect(),
        ),
        (value, _) => value,
    }
}

/// `value` as Go's `json.MarshalIndent(v, "", "  ")` prints it: two-space indentation and
/// `<`, `>`, `&`, U+2028 and U+2029 escaped (Go's HTML-safe default, which Terraform keeps).
pub fn to_go_json_indent<T: Serialize>(value: &T) -> serde_json::Result<String> {
    Ok(go_escape(&serde_json::to_string_pretty(value)?))
}

/// `value` as Go's `json.Marshal` prints it: compact, with Go's HTML-safe escaping.
pub fn to_go_json<T: Serialize>(value: &T) -> serde_json::Result<String> {
    Ok(go_escape(&serde_json::to_string(value)?))
}

/// These characters only occur inside JSON strings, so replacing them in the document is
/// exactly Go's escaping of them within strings.
fn go_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sensitive_as_bool_keeps_collections_as_terraform_does() {
        let value = Value::map([
            ("id", Value::string("x")),
            ("none", Value::Null),
            ("tags", Value::map::<&str>([])),
            ("list", Value::List(vec![Value::string("a"), Value::string("b")])),
            ("secret", Value::string("s").mark_sensitive()),
            ("nested", Value::map([("inner", Value::string("s").mark_sensitive())])),
        ]);
        assert_eq!(
            sensitive_as_bool(&value),
            json!({"list": [false, false], "nested": {"inner": true}, "secret": true, "tags": {}})
        );
        assert_eq!(
            redact(value.to_json(), &sensitive_as_bool(&value)),
            json!({"id": "x", "list": ["a", "b"], "nested": {"inner": null}, "none": null, "secret": null, "tags": {}})
        );
    }

    #[test]
    fn go_escaping_of_html_characters() {
        assert_eq!(
            to_go_json(&json!({"a": "<b> & \u{2028}"})).unwrap(),
            r#"{"a":"\u003cb\u003e \u0026 \u2028"}"#
        );
    }

    #[test]
    fn an_empty_resource_has_what_go_never_omits() {
        assert_eq!(
            to_go_json(&Resource::default()).unwrap(),
            r#"{"provider_name":"","schema_version":0}"#
        );
    }
}
