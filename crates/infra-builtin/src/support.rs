//! What every type in this crate shares: reading typed arguments out of a `Value`, the
//! `keepers`/`triggers` attribute that replaces an object when it changes, the refresh that
//! keeps a generated object as it is, and the in-place update that keeps computed values.
//!
//! None of these providers has a remote object to ask: the state is the object. Refreshing
//! returns the prior value unchanged so that the next plan shows no change.

use std::collections::BTreeMap;

use infra_core::{Attribute, Presence, ProviderError, Schema, Type, Value};

/// An object under construction: the attributes of the value a create or read returns.
pub type Object = BTreeMap<String, Value>;

/// The planned value as an object to fill in (an empty one if it is not a map).
pub fn object_of(value: &Value) -> Object {
    value.as_map().cloned().unwrap_or_default()
}

/// A known string argument; `None` when null or unknown.
pub fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).as_str().map(str::to_string)
}

/// A known string argument that is not empty (the providers treat `""` as unset).
pub fn non_empty_text(value: &Value, key: &str) -> Option<String> {
    text(value, key).filter(|s| !s.is_empty())
}

/// A known whole-number argument; `None` when null or unknown.
pub fn integer(value: &Value, key: &str) -> Option<i64> {
    value.get(key).as_i64()
}

/// A known boolean argument; `None` when null or unknown.
pub fn flag(value: &Value, key: &str) -> Option<bool> {
    value.get(key).as_bool()
}

/// A required whole-number argument, or an error naming it.
pub fn required_integer(value: &Value, key: &str, type_name: &str) -> Result<i64, ProviderError> {
    integer(value, key).ok_or_else(|| {
        ProviderError::new(format!(
            "{type_name}: \"{key}\" must be a known whole number, got {}",
            value.get(key)
        ))
    })
}

/// A whole number as the `Value` the schema's `Type::Number` holds.
pub fn number(n: i64) -> Value {
    Value::Number(n as f64)
}

/// `keepers` (random) or `triggers` (null, time): an arbitrary map of strings whose change
/// replaces the object, so that a new value is generated.
pub fn replacing_map(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::map(Type::String)).force_new()
}

/// The schema these types start from: the computed `id`, then [`replacing_map`] `name`.
pub fn id_and_replacing_map(name: &'static str) -> Schema {
    Schema::new().attr(Attribute::computed("id", Type::String)).attr(replacing_map(name))
}

/// The refresh of a type whose object lives only in state: every prior object still exists,
/// unchanged, so a generated value is kept.
pub fn keep_priors(priors: &[Value]) -> Vec<Option<Value>> {
    priors.iter().map(|prior| Some(prior.clone())).collect()
}

/// An in-place update of a type with nothing to call: the planned arguments, with each
/// computed attribute the plan left unknown (or null) taken from the prior object.
pub fn carry_computed(schema: &Schema, prior: &Value, planned: &Value) -> Value {
    let mut object = object_of(planned);
    for attribute in &schema.attributes {
        if !matches!(attribute.presence, Presence::Computed | Presence::OptionalComputed) {
            continue;
        }
        let planned_value = planned.get(attribute.name);
        if planned_value.is_unknown() || planned_value.is_null() {
            object.insert(attribute.name.to_string(), prior.get(attribute.name).clone());
        }
    }
    Value::Map(object)
}

/// A validation problem: `(attribute path, message)`, as `ResourceType::validate` returns.
pub fn problem(path: &str, message: impl Into<String>) -> (String, String) {
    (path.to_string(), message.into())
}

/// True when the configuration sets the attribute (a known value or one known after apply).
pub fn is_set(config: &Value, key: &str) -> bool {
    !config.get(key).is_null()
}

/// Checks that exactly one of `keys` is set, with the providers' wording.
pub fn exactly_one_of(config: &Value, keys: &[&str]) -> Vec<(String, String)> {
    let set: Vec<&str> = keys.iter().copied().filter(|key| is_set(config, key)).collect();
    if set.len() == 1 {
        return vec![];
    }
    let listed = keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
    let message = if set.is_empty() {
        format!("Exactly one of these attributes must be configured: [{listed}]")
    } else {
        format!(
            "Exactly one of these attributes must be configured: [{listed}], but {} are",
            set.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
        )
    };
    vec![problem(set.first().copied().unwrap_or(keys[0]), message)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carry_computed_keeps_prior_computed_values_only() {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("input", Type::String));
        let prior = Value::map([("id", Value::string("abc")), ("input", Value::string("old"))]);
        let planned = Value::map([("id", Value::Unknown), ("input", Value::string("new"))]);
        let updated = carry_computed(&schema, &prior, &planned);
        assert_eq!(updated.get("id"), &Value::string("abc"));
        assert_eq!(updated.get("input"), &Value::string("new"));
    }

    #[test]
    fn exactly_one_of_names_the_conflict() {
        let both = Value::map([("a", Value::string("x")), ("b", Value::Unknown)]);
        let problems = exactly_one_of(&both, &["a", "b", "c"]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("but \"a\", \"b\" are"), "{problems:?}");
        let one = Value::map([("c", Value::string("x"))]);
        assert!(exactly_one_of(&one, &["a", "b", "c"]).is_empty());
        assert_eq!(exactly_one_of(&Value::map::<&str>([]), &["a", "b"]).len(), 1);
    }
}
