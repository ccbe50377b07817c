//! The state file format, separate from the [`State`] model (the model may change without
//! changing files, and old files are upgraded explicitly).
//!
//! infra writes Terraform's state format version 4 ([`v4`]), the file Terraform 1.x and
//! OpenTofu read and write: pretty-printed, deterministic, resources sorted as Terraform sorts
//! them (module, mode, type, name, instance key). It reads that format whoever wrote it, and
//! infra's own earlier format 1 (`v1`) so such a state can be moved to v4.
//!
//! Decoding refuses, and never silently repairs: invalid JSON is [`StateError::Corrupt`], a
//! file from a newer format is [`StateError::NewerFormat`]. Unknown fields are ignored, as
//! Terraform ignores them.

mod v1;
pub mod v4;

use infra_core::{Address, InstanceKey, Mode, ResourceId};

use crate::encryption::Encryption;
use crate::error::StateError;
use crate::model::State;

/// Terraform's state format version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u64 = 4;

/// The file's bytes: Terraform's v4 state, pretty JSON ending in a newline.
pub fn encode(state: &State) -> Vec<u8> {
    v4::encode(state)
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
            let plain = encryption.decrypt(bytes).map_err(|detail| StateError::Corrupt {
                path: path.to_string(),
                detail: format!("cannot be decrypted: {detail}"),
            })?;
            decode(&plain, path)
        }
    }
}

/// Reads a state file's bytes. `path` names the file (or object) in errors.
pub fn decode(bytes: &[u8], path: &str) -> Result<State, StateError> {
    let corrupt = |detail: String| StateError::Corrupt { path: path.to_string(), detail };
    // The whole file is parsed once, into the version's own structs; these first passes only
    // check the syntax and read the header, without building the document in memory.
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|error| corrupt(format!("is not valid JSON: {}", json_error(&error))))?;
    let kind = json_kind(bytes);
    if kind != "an object" {
        return Err(corrupt(format!("is not a state file: expected a JSON object, found {kind}")));
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
    match (&header.version, &header.format_version) {
        (Some(version), _) => {
            let version = version.as_u64().ok_or_else(|| {
                corrupt(format!(
                    "has an invalid version {version}: expected a positive whole number"
                ))
            })?;
            match version {
                4 => v4::decode(bytes, path),
                1..=3 => Err(corrupt(format!(
                    "is a Terraform state of format version {version} (Terraform 0.11 or \
                     older); run `terraform apply` once with Terraform 0.12 or newer to upgrade \
                     it to version 4, then use infra"
                ))),
                0 => Err(corrupt("has version 0, which no Terraform wrote".to_string())),
                found => Err(StateError::NewerFormat {
                    path: path.to_string(),
                    found,
                    supported: FORMAT_VERSION,
                }),
            }
        }
        // infra's own format before it wrote Terraform's: read, and written back as v4.
        (None, Some(format_version)) => match format_version.as_u64() {
            Some(1) => v1::decode(bytes, path),
            _ => Err(corrupt(format!(
                "has format_version {format_version}, which no version of infra wrote"
            ))),
        },
        (None, None) => {
            Err(corrupt("has no \"version\": it is not a Terraform state file".to_string()))
        }
    }
}

/// The fields that say which format a file is in.
#[derive(serde::Deserialize)]
struct Header {
    /// Terraform's format version (4).
    version: Option<serde_json::Value>,
    /// infra's own format version, before it wrote Terraform's.
    format_version: Option<serde_json::Value>,
    /// An encrypted file's envelope ([`crate::encryption`]) says so here.
    encryption_version: Option<serde_json::Value>,
}

/// Terraform's order: module path, then mode (`data` before `managed`, as strings), type,
/// name, then instance key (none, then numbers ascending, then strings).
fn terraform_sort_key(
    address: &Address,
) -> (String, &'static str, String, String, Option<InstanceKey>) {
    let resource = &address.resource;
    (
        resource.module_address(),
        mode_name(resource.mode),
        resource.resource_type.clone(),
        resource.name.clone(),
        address.key.clone(),
    )
}

fn mode_name(mode: Mode) -> &'static str {
    mode.json_name()
}

/// An instance's address from the parts a state file holds for it.
fn address_from_parts(
    module: Option<&str>,
    mode: &str,
    resource_type: &str,
    name: &str,
    index_key: Option<&serde_json::Value>,
) -> Result<Address, String> {
    let module = match module {
        None | Some("") => vec![],
        Some(text) => parse_module(text).ok_or_else(|| format!("invalid module path `{text}`"))?,
    };
    let mode = match mode {
        "managed" => Mode::Managed,
        "data" => Mode::Data,
        other => return Err(format!("mode `{other}` is neither `managed` nor `data`")),
    };
    if resource_type.is_empty() || name.is_empty() {
        return Err("empty type or name".to_string());
    }
    let key = match index_key {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(key)) => Some(InstanceKey::Key(key.clone())),
        Some(number @ serde_json::Value::Number(_)) => match number.as_i64() {
            Some(index) => Some(InstanceKey::Index(index)),
            None => return Err(format!("index_key {number} is not a whole number")),
        },
        Some(other) => return Err(format!("index_key {other} is neither a number nor a string")),
    };
    Ok(Address {
        resource: ResourceId {
            module,
            mode,
            resource_type: resource_type.to_string(),
            name: name.to_string(),
        },
        key,
    })
}

/// `module.a.module.b["x.y"]` → `["a", "b[\"x.y\"]"]`: splits on dots outside brackets and
/// quotes, so module instance keys survive.
fn parse_module(text: &str) -> Option<Vec<String>> {
    let mut modules = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.strip_prefix("module.")?;
        let mut end = rest.len();
        let mut depth = 0usize;
        let mut in_quote = false;
        let mut escaped = false;
        for (index, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_quote => escaped = true,
                '"' => in_quote = !in_quote,
                '[' if !in_quote => depth += 1,
                ']' if !in_quote => depth = depth.checked_sub(1)?,
                '.' if !in_quote && depth == 0 => {
                    end = index;
                    break;
                }
                _ => {}
            }
        }
        let name = &rest[..end];
        if name.is_empty() {
            return None;
        }
        modules.push(name.to_string());
        rest = &rest[end..];
        if rest.is_empty() {
            return Some(modules);
        }
        rest = rest.strip_prefix('.')?;
    }
}

#[cfg(test)]
#[test]
fn module_paths() {
    assert_eq!(parse_module("module.net"), Some(vec!["net".to_string()]));
    assert_eq!(
        parse_module("module.a.module.b[\"x.y\"]"),
        Some(vec!["a".to_string(), "b[\"x.y\"]".to_string()])
    );
    assert_eq!(parse_module("module."), None);
    assert_eq!(parse_module("net"), None);
    assert_eq!(parse_module("module.a."), None);
}

/// A whole file parsed into one format version's structs; `format` names the version in the
/// error ("Terraform's state format version 4").
fn parse_file<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    path: &str,
    format: &str,
) -> Result<T, StateError> {
    serde_json::from_slice(bytes).map_err(|error| StateError::Corrupt {
        path: path.to_string(),
        detail: format!("does not match {format}: {}", json_error(&error)),
    })
}

/// An instance's dependencies from their addresses in the file, sorted, without repeats.
fn parse_dependencies(texts: &[String], address: &Address) -> Result<Vec<Address>, String> {
    let mut dependencies = texts
        .iter()
        .map(|text| {
            text.parse::<Address>()
                .map_err(|_| format!("has an invalid dependency `{text}` in `{address}`"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    dependencies.sort();
    dependencies.dedup();
    Ok(dependencies)
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
