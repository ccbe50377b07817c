//! The `local` provider: files on the machine running infra. `local_file` and
//! `local_sensitive_file` write one (a single implementation with a sensitivity flag), the
//! `local_file` and `local_sensitive_file` data sources read one. Both export the same
//! checksums of the content, and name the file by the SHA-1 of its content.
//!
//! Relative paths are relative to the process's current directory, as in Terraform.

use infra_core::{Attribute, Schema, Type, Value};

use crate::digest::Checksums;
use crate::support::{problem, Object};

pub mod data_local_file;
pub mod local_file;
pub mod local_sensitive_file;

/// The checksum attributes both the resources and the data sources export.
pub const CHECKSUM_ATTRIBUTES: [&str; 6] = [
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_base64sha256",
    "content_sha512",
    "content_base64sha512",
];

/// Adds `id` and the checksum attributes, all computed, to a schema.
pub fn with_checksums(mut schema: Schema) -> Schema {
    schema = schema.attr(Attribute::computed("id", Type::String));
    for name in CHECKSUM_ATTRIBUTES {
        schema = schema.attr(Attribute::computed(name, Type::String));
    }
    schema
}

/// Sets `id` (the SHA-1 in hex) and the checksum attributes of `content`.
pub fn insert_checksums(object: &mut Object, content: &[u8]) {
    let sums = Checksums::of(content);
    let pairs = [
        ("content_md5", &sums.md5_hex),
        ("content_sha1", &sums.sha1_hex),
        ("content_sha256", &sums.sha256_hex),
        ("content_base64sha256", &sums.sha256_base64),
        ("content_sha512", &sums.sha512_hex),
        ("content_base64sha512", &sums.sha512_base64),
        ("id", &sums.sha1_hex),
    ];
    for (key, value) in pairs {
        object.insert(key.into(), Value::string(value));
    }
}

/// A permission in numeric notation, `"644"` or `"0755"`: three or four octal digits, at
/// most 0777.
pub fn parse_permission(text: &str) -> Result<u32, String> {
    if !(3..=4).contains(&text.len()) {
        return Err(format!("bad mode permission: string length should be 3 or 4 digits: {text}"));
    }
    u32::from_str_radix(text, 8).ok().filter(|mode| *mode <= 0o777).ok_or_else(|| {
        format!("bad mode permission: string must be expressed in octal numeric notation: {text}")
    })
}

/// A validation problem when `key` is a known string that is not a permission.
pub fn permission_problem(config: &Value, key: &str) -> Option<(String, String)> {
    let text = config.get(key).as_str()?;
    parse_permission(text).err().map(|message| problem(key, message))
}

/// Marks the schema's sensitive attributes in an object this crate returns, so the values are
/// sensitive from the first moment, not only once the engine has marked them.
pub fn mark_sensitive(schema: &Schema, object: &mut Object) {
    for attribute in schema.attributes.iter().filter(|a| a.sensitive) {
        if let Some(value) = object.get_mut(attribute.name) {
            if !value.is_null() {
                *value = std::mem::take(value).mark_sensitive();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_in_octal_notation() {
        assert_eq!(parse_permission("0777"), Ok(0o777));
        assert_eq!(parse_permission("644"), Ok(0o644));
        assert_eq!(parse_permission("0700"), Ok(0o700));
        assert!(parse_permission("77").is_err());
        assert!(parse_permission("0888").is_err());
        assert!(parse_permission("1777").is_err());
        assert!(parse_permission("rwx").is_err());
        assert!(parse_permission("07777").is_err());
    }
}
