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
