//! The state file format, separate from the [`State`] model (the model may change without
//! changing files, and old files are upgraded explicitly).
//!
//! A file is Terraform-like JSON, pretty-printed and deterministic: resources sorted as
//! Terraform sorts them (module, mode, type, name, instance key), maps in key order. Values
//! are stored as plain JSON with their sensitive marks listed apart as attribute paths.
//!
//! Decoding refuses, and never silently repairs: invalid JSON is [`StateError::Corrupt`], a
//! file from a newer `infra` is [`StateError::NewerFormat`]. Unknown fields are ignored, so a
//! newer minor writer can add fields without breaking this reader.

mod v1;

use crate::error::StateError;
use crate::model::State;

/// The format version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u64 = 1;

/// The file's bytes: pretty JSON ending in a newline.
pub fn encode(state: &State) -> Vec<u8> {
    v1::encode(state)
}

/// Reads a state file's bytes. `path` names the file (or object) in errors.
pub fn decode(bytes: &[u8], path: &str) -> Result<State, StateError> {
    let corrupt = |detail: String| StateError::Corrupt {
        path: path.to_string(),
        detail,
    };
    let document: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|error| corrupt(format!("is not valid JSON: {}", json_error(&error))))?;
    let Some(object) = document.as_object() else {
        return Err(corrupt(format!(
            "is not a state file: expected a JSON object, found {}",
            json_kind(&document)
        )));
    };
    let version =
        match object.get("format_version") {
            Some(version) => version.as_u64().ok_or_else(|| {
                corrupt(format!(
                    "has an invalid format_version {version}: expected a whole number"
                ))
            })?,
            None if object.contains_key("terraform_version") => return Err(corrupt(
                "is a Terraform state file (it has `terraform_version` and no `format_version`); \
                 infra does not read Terraform's state"
                    .to_string(),
            )),
            None => return Err(corrupt("has no format_version".to_string())),
        };
    if version > FORMAT_VERSION {
        return Err(StateError::NewerFormat {
            path: path.to_string(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    upgrade(version, bytes, document, path)
}

/// The upgrade chain: each older format is decoded by its own module and converted forward,
/// one version at a time. Version 1 is the first, so today the chain has a single link.
fn upgrade(
    version: u64,
    bytes: &[u8],
    _document: serde_json::Value,
    path: &str,
) -> Result<State, StateError> {
    match version {
        // Decoded from the bytes (not the parsed document) so type errors carry a line number.
        1 => v1::decode(bytes, path),
        // When version 2 arrives: `1 => v2::from_v1(v1::decode_file(..))`, and so on.
        other => Err(StateError::Corrupt {
            path: path.to_string(),
            detail: format!("has format_version {other}, which no version of infra wrote"),
        }),
    }
}

/// `line 3 column 5: expected value`, without serde_json's trailing location.
fn json_error(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    format!("line {} column {}: {message}", error.line(), error.column())
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
