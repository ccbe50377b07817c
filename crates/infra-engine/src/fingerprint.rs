//! Digests that let `apply FILE` notice what changed since the plan was made.

use sha2::{Digest, Sha256};

use infra_core::Value;

/// sha256 of an object's plain JSON (marks removed), as a hex string.
pub fn fingerprint(value: &Value) -> String {
    hex::encode(Sha256::digest(value.unmark_deep().to_json().to_string().as_bytes()))
}

/// sha256 over sorted `name=value` pairs of input variables; sensitive values take part
/// without ever being written anywhere.
pub fn variables_digest(variables: &std::collections::BTreeMap<String, Value>) -> String {
    let mut hasher = Sha256::new();
    for (name, value) in variables {
        hasher.update(name.as_bytes());
        hasher.update(b"=");
        hasher.update(value.unmark_deep().to_json().to_string().as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}
