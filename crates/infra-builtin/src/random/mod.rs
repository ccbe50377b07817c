//! The `random` provider: values generated once from the operating system's randomness and
//! then kept in state. Nothing is remote, so refresh returns the prior object unchanged and a
//! new value comes only from replacement (`keepers` or any other argument changing).

pub mod ephemeral_random_password;
pub mod pet_words;
pub mod random_id;
pub mod random_integer;
pub mod random_password;
pub mod random_pet;
pub mod random_shuffle;
pub mod random_string;
pub mod random_uuid;
pub mod source;
pub mod string_generator;

use infra_core::{ProviderError, Value};

use crate::support::{integer, problem, required_integer};

/// The provider's `AtLeast(minimum)` check of the whole number `key`, in its wording (a value
/// not known yet passes).
fn at_least(config: &Value, key: &str, minimum: i64) -> Option<(String, String)> {
    let value = integer(config, key).filter(|n| *n < minimum)?;
    Some(problem(key, format!("Attribute {key} value must be at least {minimum}, got: {value}")))
}

/// The planned whole number `key` of a `type_name` object, at least 1, as a count.
fn count_of(planned: &Value, key: &str, type_name: &str) -> Result<usize, ProviderError> {
    usize::try_from(required_integer(planned, key, type_name)?)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ProviderError::new(format!("{type_name}: {key} must be at least 1")))
}
