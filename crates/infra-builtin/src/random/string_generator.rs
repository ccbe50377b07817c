//! What `random_string` and `random_password` share: their arguments (`length`, the four
//! character classes, their `min_*` counts, `override_special`, the deprecated `number` alias
//! of `numeric`), the checks on them, the generator, and the object an import starts from.
//!
//! The generator follows the provider: first `min_*` characters of each class (drawn even if
//! that class is otherwise off, as the provider does), then the rest from every enabled class,
//! then the whole shuffled. Every draw comes from the operating system.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::random::at_least;
use crate::random::source::{OsRandom, RandomSource};
use crate::support::{flag, id_and_replacing_map, integer, number, object_of, problem, Object};

const NUMERIC: &str = "0123456789";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// The provider's special characters when `override_special` is not set.
pub const DEFAULT_SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

/// The `min_*` arguments, each with its class's characters.
const MINIMUMS: [&str; 4] = ["min_upper", "min_lower", "min_numeric", "min_special"];

/// The schema both types share; `sensitive` marks `result` (true for `random_password`).
/// Every argument replaces the object: a new string is generated.
pub fn schema(sensitive: bool) -> Schema {
    let result = Attribute::computed("result", Type::String);
    let result = if sensitive { result.sensitive() } else { result };
    let class = |name| Attribute::optional(name, Type::Bool).default(Value::Bool(true)).force_new();
    let minimum =
        |name| Attribute::optional(name, Type::Number).default(Value::Number(0.0)).force_new();
    id_and_replacing_map("keepers")
        .attr(Attribute::required("length", Type::Number).force_new())
        .attr(class("special"))
        .attr(class("upper"))
        .attr(class("lower"))
        // No schema default: `normalize` fills each from the other, else true, so that
        // setting only the deprecated `number` (or only `numeric`) means the same thing.
        .attr(Attribute::optional("number", Type::Bool).force_new())
        .attr(Attribute::optional("numeric", Type::Bool).force_new())
        .attr(minimum("min_numeric"))
        .attr(minimum("min_upper"))
        .attr(minimum("min_lower"))
        .attr(minimum("min_special"))
        .attr(Attribute::optional("override_special", Type::String).force_new())
        .attr(result)
}

/// The fills of the provider's state upgraders for `random_string` and `random_password`
/// (`upgrade*StateV*toV3`): nulls left by imports of provider 3.3.1 and older get the
/// defaults (`length` from the result), and `numeric` is set from `number`.
pub fn upgrade_fills(value: &mut Value) {
    let Some(object) = value.map_mut() else {
        return;
    };
    let result_length = object
        .get("result")
        .map(Value::unmark_deep)
        .and_then(|result| result.as_str().map(|r| r.chars().count()));
    let is_null = |object: &std::collections::BTreeMap<String, Value>, key: &str| {
        object.get(key).is_none_or(Value::is_null)
    };
    if is_null(object, "length") {
        if let Some(length) = result_length {
            object.insert("length".into(), Value::Number(length as f64));
        }
    }
    for key in ["min_numeric", "min_upper", "min_lower", "min_special"] {
        if is_null(object, key) {
            object.insert(key.into(), Value::Number(0.0));
        }
    }
    for key in ["special", "upper", "lower", "number"] {
        if is_null(object, key) {
            object.insert(key.into(), Value::Bool(true));
        }
    }
    let number = object.get("number").cloned().unwrap_or(Value::Bool(true));
    object.insert("numeric".into(), number);
}

/// Keeps `number` and `numeric` equal (the one set gives the other; neither set means true),
/// and treats `override_special = ""` as unset, as the provider's plan modifiers do.
pub fn normalize(value: &mut Value) {
    let Some(object) = value.map_mut() else {
        return;
    };
    let known = |key: &str, object: &Object| object.get(key).and_then(Value::as_bool);
    let unset = |key: &str, object: &Object| object.get(key).is_none_or(Value::is_null);
    match (known("number", object), known("numeric", object)) {
        (Some(number), None) if unset("numeric", object) => {
            object.insert("numeric".into(), Value::Bool(number));
        }
        (None, Some(numeric)) if unset("number", object) => {
            object.insert("number".into(), Value::Bool(numeric));
        }
        (None, None) if unset("number", object) && unset("numeric", object) => {
            object.insert("number".into(), Value::Bool(true));
            object.insert("numeric".into(), Value::Bool(true));
        }
        _ => {}
    }
    if object.get("override_special").and_then(Value::as_str).is_some_and(str::is_empty) {
        object.insert("override_special".into(), Value::Null);
    }
}

/// The provider's checks across arguments.
pub fn validate(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let length = integer(config, "length");
    problems.extend(at_least(config, "length", 1));
    problems.extend(MINIMUMS.iter().filter_map(|key| at_least(config, key, 0)));
    let minimums_known =
        MINIMUMS.iter().all(|key| config.get(key).is_null() || integer(config, key).is_some());
    if let (Some(length), true) = (length, minimums_known) {
        let sum: i64 = MINIMUMS.iter().map(|key| integer(config, key).unwrap_or(0)).sum();
        if length < sum {
            problems.push(problem(
                "length",
                format!(
                    "Attribute length value must be at least sum of min_upper + min_lower + \
                     min_numeric + min_special ({sum}), got: {length}"
                ),
            ));
        }
    }
    if let (Some(number), Some(numeric)) = (flag(config, "number"), flag(config, "numeric")) {
        if number != numeric {
            problems.push(problem(
                "numeric",
                "Number and numeric are both configured with different values: \"number\" is \
                 deprecated, use \"numeric\" instead",
            ));
        }
    }
    // An unset class defaults to true; only an explicit `false` for all four empties the set.
    let all_off = ["upper", "lower", "special"].iter().all(|key| flag(config, key) == Some(false))
        && (flag(config, "numeric") == Some(false)
            || (config.get("numeric").is_null() && flag(config, "number") == Some(false)));
    if all_off {
        problems.push(problem(
            "numeric",
            "At least one attribute out of [special, upper, lower, numeric] must be true",
        ));
    }
    problems
}

/// The generator's inputs, read from a planned object.
#[derive(Clone, Debug, PartialEq)]
pub struct StringParams {
    pub length: usize,
    pub upper: bool,
    pub lower: bool,
    pub numeric: bool,
    pub special: bool,
    pub min_upper: usize,
    pub min_lower: usize,
    pub min_numeric: usize,
    pub min_special: usize,
    pub override_special: Option<String>,
}

impl StringParams {
    /// Reads the arguments, with the schema's defaults where the plan has none.
    pub fn from_planned(planned: &Value, type_name: &str) -> Result<StringParams, ProviderError> {
        let count = |key: &str, default: i64| -> Result<usize, ProviderError> {
            let n = if planned.get(key).is_null() {
                default
            } else {
                integer(planned, key).ok_or_else(|| {
                    ProviderError::new(format!(
                        "{type_name}: \"{key}\" must be a whole number, got {}",
                        planned.get(key)
                    ))
                })?
            };
            usize::try_from(n).map_err(|_| {
                ProviderError::new(format!("{type_name}: \"{key}\" must not be negative"))
            })
        };
        let numeric = flag(planned, "numeric").or_else(|| flag(planned, "number")).unwrap_or(true);
        Ok(StringParams {
            length: count("length", 0)?,
            upper: flag(planned, "upper").unwrap_or(true),
            lower: flag(planned, "lower").unwrap_or(true),
            numeric,
            special: flag(planned, "special").unwrap_or(true),
            min_upper: count("min_upper", 0)?,
            min_lower: count("min_lower", 0)?,
            min_numeric: count("min_numeric", 0)?,
            min_special: count("min_special", 0)?,
            override_special: planned
                .get("override_special")
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        })
    }
}

/// A random string for these parameters, from the operating system's randomness.
pub fn generate(params: &StringParams) -> Result<String, ProviderError> {
    generate_with(params, &mut OsRandom)
}

fn generate_with(
    params: &StringParams,
    source: &mut impl RandomSource,
) -> Result<String, ProviderError> {
    let special: Vec<char> =
        params.override_special.as_deref().unwrap_or(DEFAULT_SPECIAL).chars().collect();
    let upper: Vec<char> = UPPER.chars().collect();
    let lower: Vec<char> = LOWER.chars().collect();
    let numeric: Vec<char> = NUMERIC.chars().collect();

    let mut all = Vec::new();
    for (enabled, class) in [
        (params.upper, &upper),
        (params.lower, &lower),
        (params.numeric, &numeric),
        (params.special, &special),
    ] {
        if enabled {
            all.extend_from_slice(class);
        }
    }
    if all.is_empty() {
        return Err(ProviderError::new("the character set specified is empty"));
    }
    let minimum_total =
        params.min_upper + params.min_lower + params.min_numeric + params.min_special;
    if minimum_total > params.length {
        return Err(ProviderError::new(format!(
            "length ({}) must be at least the sum of the min_* arguments ({minimum_total})",
            params.length
        )));
    }

    let mut result = Vec::with_capacity(params.length);
    for (count, class) in [
        (params.min_upper, &upper),
        (params.min_lower, &lower),
        (params.min_numeric, &numeric),
        (params.min_special, &special),
    ] {
        if count > 0 && class.is_empty() {
            return Err(ProviderError::new(
                "a min_* count asks for characters from an empty character set",
            ));
        }
        for _ in 0..count {
            result.push(class[source.index(class.len())?]);
        }
    }
    while result.len() < params.length {
        result.push(all[source.index(all.len())?]);
    }
    source.shuffle(&mut result)?;
    Ok(result.into_iter().collect())
}

/// What a create of either type starts from: the planned object, normalized as the types
/// normalize it, to fill in, and a string generated for its arguments.
pub fn generated(planned: &Value, type_name: &str) -> Result<(Object, String), ProviderError> {
    let mut planned = planned.clone();
    normalize(&mut planned);
    let result = generate(&StringParams::from_planned(&planned, type_name)?)?;
    Ok((object_of(&planned), result))
}

/// The object an import of `id` starts from ([`imported`]), or the error for an empty one;
/// `what` names the value the ID is ("string", "password").
pub fn imported_id(id: &str, type_name: &str, what: &str) -> Result<Object, ProviderError> {
    if id.is_empty() {
        return Err(ProviderError::new(format!(
            "importing {type_name}: the ID is the {what} itself and cannot be empty"
        )));
    }
    Ok(imported(id))
}

/// The object an import of `result` starts from: every argument at its default (as the
/// provider documents: the configuration is ignored on import) and `length` that of the value.
pub fn imported(result: &str) -> Object {
    let mut object = Object::new();
    object.insert("keepers".into(), Value::Null);
    object.insert("length".into(), number(result.chars().count() as i64));
    for key in ["special", "upper", "lower", "number", "numeric"] {
        object.insert(key.into(), Value::Bool(true));
    }
    for key in MINIMUMS {
        object.insert(key.into(), Value::Number(0.0));
    }
    object.insert("override_special".into(), Value::Null);
    object.insert("result".into(), Value::string(result));
    object
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(length: usize) -> StringParams {
        StringParams {
            length,
            upper: true,
            lower: true,
            numeric: true,
            special: true,
            min_upper: 0,
            min_lower: 0,
            min_numeric: 0,
            min_special: 0,
            override_special: None,
        }
    }

    #[test]
    fn honours_length_minimums_and_classes() {
        let wanted = StringParams { min_upper: 3, min_numeric: 4, min_special: 2, ..params(12) };
        for _ in 0..20 {
            let text = generate(&wanted).expect("generate");
            assert_eq!(text.chars().count(), 12);
            assert!(text.chars().filter(char::is_ascii_uppercase).count() >= 3, "{text}");
            assert!(text.chars().filter(char::is_ascii_digit).count() >= 4, "{text}");
            assert!(text.chars().filter(|c| DEFAULT_SPECIAL.contains(*c)).count() >= 2, "{text}");
        }
        let digits_only = StringParams { upper: false, lower: false, special: false, ..params(30) };
        let text = generate(&digits_only).expect("generate");
        assert!(text.chars().all(|c| c.is_ascii_digit()), "{text}");
    }

    #[test]
    fn override_special_replaces_the_special_characters() {
        let wanted = StringParams {
            upper: false,
            lower: false,
            numeric: false,
            override_special: Some("_~".into()),
            min_special: 5,
            ..params(40)
        };
        let text = generate(&wanted).expect("generate");
        assert_eq!(text.len(), 40);
        assert!(text.chars().all(|c| c == '_' || c == '~'), "{text}");
        assert!(text.contains('_') && text.contains('~'), "{text}");
    }

    #[test]
    fn empty_character_set_is_an_error() {
        let none = StringParams {
            upper: false,
            lower: false,
            numeric: false,
            special: false,
            ..params(8)
        };
        assert!(generate(&none).is_err());
    }

    #[test]
    fn number_and_numeric_follow_each_other() {
        let mut value = Value::map([("number", Value::Bool(false)), ("numeric", Value::Null)]);
        normalize(&mut value);
        assert_eq!(value.get("numeric"), &Value::Bool(false));
        let mut value = Value::map([("number", Value::Null), ("numeric", Value::Null)]);
        normalize(&mut value);
        assert_eq!(value.get("number"), &Value::Bool(true));
        assert_eq!(value.get("numeric"), &Value::Bool(true));
        let mut value = Value::map([("override_special", Value::string(""))]);
        normalize(&mut value);
        assert_eq!(value.get("override_special"), &Value::Null);
    }

    #[test]
    fn validation_catches_what_the_provider_rejects() {
        let config = Value::map([
            ("length", Value::Number(3.0)),
            ("min_upper", Value::Number(2.0)),
            ("min_numeric", Value::Number(2.0)),
        ]);
        assert_eq!(validate(&config).len(), 1, "{:?}", validate(&config));
        let config = Value::map([
            ("length", Value::Number(8.0)),
            ("number", Value::Bool(true)),
            ("numeric", Value::Bool(false)),
        ]);
        assert_eq!(validate(&config).len(), 1);
        let config = Value::map([
            ("length", Value::Number(8.0)),
            ("upper", Value::Bool(false)),
            ("lower", Value::Bool(false)),
            ("special", Value::Bool(false)),
            ("number", Value::Bool(false)),
        ]);
        assert_eq!(validate(&config).len(), 1);
        assert!(validate(&Value::map([("length", Value::Number(8.0))])).is_empty());
    }
}
