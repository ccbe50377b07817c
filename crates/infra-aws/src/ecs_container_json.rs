//! A `container_definitions` container's JSON fields, read as the provider reads them (Go's
//! JSON decoder: a field name matched whatever its case, a number given as a string taken) and
//! written back. Shared by [`crate::ecs_support`] and [`crate::ecs_container_settings`].

use std::collections::HashMap;

use infra_core::ProviderError;
use serde_json::{json, Map, Value as Json};

/// The value of `key` in `object`, the key matched whatever its case when not exactly, as
/// Go's JSON decoder (the provider's) matches a struct's fields: terraform-aws-modules/ecs
/// writes `entrypoint`.
pub(crate) fn field<'a>(object: &'a Map<String, Json>, key: &str) -> Option<&'a Json> {
    object.get(key).or_else(|| {
        object.iter().find(|(name, _)| name.eq_ignore_ascii_case(key)).map(|(_, value)| value)
    })
}

pub(crate) fn text_field(object: &Map<String, Json>, key: &str) -> Option<String> {
    match field(object, key)? {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn int_field(object: &Map<String, Json>, key: &str) -> Option<i32> {
    let value = field(object, key)?;
    let number = value.as_i64().or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))?;
    i32::try_from(number).ok()
}

pub(crate) fn bool_field(object: &Map<String, Json>, key: &str) -> Option<bool> {
    match field(object, key)? {
        Json::Bool(b) => Some(*b),
        Json::String(s) => s.parse().ok(),
        _ => None,
    }
}

pub(crate) fn strings_field(object: &Map<String, Json>, key: &str) -> Option<Vec<String>> {
    let items = field(object, key)?.as_array()?;
    Some(items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
}

pub(crate) fn objects_field<'a>(
    object: &'a Map<String, Json>,
    key: &str,
) -> Vec<&'a Map<String, Json>> {
    field(object, key)
        .and_then(Json::as_array)
        .map(|items| items.iter().filter_map(Json::as_object).collect())
        .unwrap_or_default()
}

pub(crate) fn string_map_field(
    object: &Map<String, Json>,
    key: &str,
) -> Option<HashMap<String, String>> {
    let entries = field(object, key)?.as_object()?;
    Some(
        entries
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
    )
}

pub(crate) fn invalid(index: usize, what: &str, error: impl std::fmt::Display) -> ProviderError {
    ProviderError::new(format!("container_definitions[{index}].{what}: {error}"))
}

/// The objects of the field at `path` (its last `.` segment, in `object`), each built by
/// `build`; an object it refuses is an error naming container `index` and `path`.
pub(crate) fn built_list<T, E: std::fmt::Display>(
    index: usize,
    object: &Map<String, Json>,
    path: &str,
    build: impl Fn(&Map<String, Json>) -> Result<T, E>,
) -> Result<Vec<T>, ProviderError> {
    let key = path.rsplit('.').next().unwrap_or(path);
    objects_field(object, key)
        .into_iter()
        .map(|item| build(item).map_err(|e| invalid(index, path, e)))
        .collect()
}

/// The object field `key` built by `build` (None when absent); one it refuses is an error
/// naming container `index` and `key`.
pub(crate) fn built_object<T, E: std::fmt::Display>(
    index: usize,
    object: &Map<String, Json>,
    key: &str,
    build: impl Fn(&Map<String, Json>) -> Result<T, E>,
) -> Result<Option<T>, ProviderError> {
    field(object, key)
        .and_then(Json::as_object)
        .map(|item| build(item).map_err(|e| invalid(index, key, e)))
        .transpose()
}

/// `items`, or None when there are none (the field left out).
pub(crate) fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

pub(crate) fn put(object: &mut Map<String, Json>, key: &str, value: Option<Json>) {
    if let Some(value) = value {
        object.insert(key.to_string(), value);
    }
}

/// Puts `items`, each as `item` writes it, as the array `key` (an empty one too).
pub(crate) fn put_list<T>(
    object: &mut Map<String, Json>,
    key: &str,
    items: &[T],
    item: impl Fn(&T) -> Json,
) {
    put(object, key, Some(Json::Array(items.iter().map(item).collect())));
}

pub(crate) fn list_json(items: &[String]) -> Option<Json> {
    (!items.is_empty()).then(|| json!(items))
}
