//! A provider's configuration as the language gives it: one `provider` block of the root
//! module, its arguments evaluated and its nested blocks kept as written. What they mean is
//! the provider's to say (infra-aws reads `provider "aws"`); the language only evaluates them.

use crate::{Location, Value};

/// One `provider "NAME"` block.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderBlock {
    /// The provider's local name (the block's label).
    pub name: String,
    /// `alias`, the one meta-argument the language reads itself.
    pub alias: Option<String>,
    pub location: Option<Location>,
    pub body: BlockBody,
}

impl ProviderBlock {
    /// The configuration's address: `NAME`, or `NAME.ALIAS`.
    pub fn address(&self) -> String {
        match &self.alias {
            Some(alias) => format!("{}.{alias}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The arguments and nested blocks of a block, in the order written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockBody {
    pub arguments: Vec<Argument>,
    pub blocks: Vec<NestedBlock>,
}

/// An argument and its value (unknown where the value is not known yet, as in `validate`).
#[derive(Clone, Debug, PartialEq)]
pub struct Argument {
    pub name: String,
    pub value: Value,
    /// Where the argument is written (its name).
    pub location: Option<Location>,
    /// Where its value is written.
    pub value_location: Option<Location>,
}

/// A block inside another (`assume_role { ... }`).
#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlock {
    pub name: String,
    pub location: Option<Location>,
    pub body: BlockBody,
}
