//! The `time` provider: timestamps taken once and kept (`time_static`, `time_offset`), kept
//! until they expire (`time_rotating`), or waited on (`time_sleep`). Nothing is remote; the
//! state is the object.

use infra_core::{ProviderError, Value};

use crate::support::{number, object_of, Object};

pub mod clock;
pub mod go_duration;
pub mod time_offset;
pub mod time_rotating;
pub mod time_sleep;
pub mod time_static;

/// The planned arguments as an object to fill in, without the values still unknown (the
/// computed attributes the create or update sets).
fn known_arguments(planned: &Value) -> Object {
    let mut object = object_of(planned);
    object.retain(|_, value| !value.is_unknown());
    object
}

/// The whole-number amounts of an import ID, `keys[i]` from `amounts[i]`: an empty amount is
/// null, another must be an integer (`importing {resource}: could not parse {what} ...`).
fn insert_import_amounts(
    object: &mut Object,
    keys: &[&str],
    amounts: &[&str],
    resource: &str,
    what: &str,
) -> Result<(), ProviderError> {
    for (key, amount) in keys.iter().zip(amounts) {
        let value = if amount.is_empty() {
            Value::Null
        } else {
            number(amount.parse().map_err(|error| {
                ProviderError::new(format!(
                    "importing {resource}: could not parse {what} ({amount:?}) as int: {error}"
                ))
            })?)
        };
        object.insert((*key).into(), value);
    }
    Ok(())
}
