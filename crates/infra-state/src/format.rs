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

use crate::encryption::Encryption;
use crate::error::StateError;
use crate::model::State;

/// The format version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u64 = 1;

/// The file's bytes: pretty JSON ending in a newline.
pub fn encode(state: &State) -> Vec<u8> {
    v1::encode(state)
}

/// The file's bytes, encrypted when the configuration says so (see [`crate::encryption`]).
pub fn encode_with(state: &State, encryption: Option<&Encryption>) -> Result<Vec<u8>, StateError> {
    let plain = encode(state);
    match encryption {
        None => Ok(plain),
        Some(encryption) => encryption
            .encrypt(&plain, Some((state.serial, &state.lineage)))
            .map_err(StateError::Encryption),
    }
}

/// Reads a state file's bytes, decrypting them first when encryption is configured.
pub fn decode_with(
    bytes: &[u8],
    path: &str,
    encryption: Option<&Encryption>,
) -> Result<State, StateError> {
    match encryption {
        None => decode(bytes, path),
        Some(encryption) => {
            let plain = encryption
                .decrypt(bytes)
                .map_err(|detail| StateError::Corrupt {
                    path: path.to_string(),
                    detail: format!("cannot be decrypted: {detail}"),
                })?;
            decode(&plain, path)
        }
    }
}

/// Reads a state file's bytes. `path` names the file (or object) in errors.
pub fn decode(bytes: &[u8], path: &str) -> Result<State, StateError> {
    let corrupt = |detail: String| StateError::Corrupt {
        path: path.to_string(),
        detail,
    };
    // The whole file is parsed once, into the version's own structs; these first passes only
    // check the syntax and read the header, without building the document in memory.
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|error| corrupt(format!("is not valid JSON: {}", json_error(&error))))?;
    let kind = json_kind(bytes);
    if kind != "an object" {
        return Err(corrupt(format!(
            "is not a state file: expected a JSON object, found {kind}"
        )));
    }
    let header: Header = serde_json::from_slice(bytes)
        .map_err(|error| corrupt(format!("is not valid JSON: {}", json_error(&error))))?;
    if header
        .encryption_version
        .as_ref()
        .and_then(serde_json::Value::as_str)
        .is_some_and(|v| !v.is_empty())
    {
        return Err(corrupt(
            "is encrypted and can not be read without an encryption configuration \
             (`terraform { encryption { ... } }` or TF_ENCRYPTION)"
                .to_string(),
        ));
    }
    let version =
        match header.format_version {
            Some(version) => version.as_u64().ok_or_else(|| {
                corrupt(format!(
                    "has an invalid format_version {version}: expected a whole number"
                ))
            })?,
            None if header.terraform_version.is_some() => return Err(corrupt(
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
    upgrade(version, bytes, path)
}

/// The fields that say which format a file is in.
#[derive(serde::Deserialize)]
struct Header {
    format_version: Option<serde_json::Value>,
    terraform_version: Option<serde::de::IgnoredAny>,
    /// An encrypted file's envelope ([`crate::encryption`]) says so here.
    encryption_version: Option<serde_json::Value>,
}

/// The upgrade chain: each older format is decoded by its own module and converted forward,
/// one version at a time. Version 1 is the first, so today the chain has a single link.
fn upgrade(version: u64, bytes: &[u8], path: &str) -> Result<State, StateError> {
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

/// The kind of JSON value a syntactically valid document holds, from its first byte.
fn json_kind(bytes: &[u8]) -> &'static str {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests;
