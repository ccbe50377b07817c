//! What a family's create, update and delete are handed: the type (its clients, what this
//! run's reads saw), the operation, and the values the write goes between, as one argument.
//! Each family names them over its own type: [`crate::aws_object::Creating`] is a create of an
//! [`crate::aws_object::AwsObject`], [`crate::ec2_object::Creating`] of an
//! [`crate::ec2_object::Ec2Object`], so a type's methods read `at: Creating<'_, Self>` in both.

use infra_core::{Operation, Value};

/// A create, or the search for what a create whose answer was lost made: the type `this`,
/// the operation and the planned value.
pub struct Creating<'a, T> {
    pub this: &'a T,
    pub operation: &'a Operation,
    pub planned: &'a Value,
}

/// An update: the type `this`, the operation, the object's key and the values it goes
/// between.
pub struct Updating<'a, T> {
    pub this: &'a T,
    pub operation: &'a Operation,
    pub key: &'a str,
    pub prior: &'a Value,
    pub planned: &'a Value,
}

/// A delete: the type `this`, the operation, the object's key and its prior state.
pub struct Deleting<'a, T> {
    pub this: &'a T,
    pub operation: &'a Operation,
    pub key: &'a str,
    pub prior: &'a Value,
}

impl<'a, T> Updating<'a, T> {
    /// The update `at` as an update of `this` type's object `key`.
    pub fn new(this: &'a T, key: &'a str, at: infra_core::Updating<'a>) -> Self {
        Updating { this, operation: at.operation, key, prior: at.prior, planned: at.planned }
    }
}

impl<'a, T> Deleting<'a, T> {
    /// The delete `at` as a delete of `this` type's object `key`.
    pub fn new(this: &'a T, key: &'a str, at: infra_core::Deleting<'a>) -> Self {
        Deleting { this, operation: at.operation, key, prior: at.prior }
    }
}

// Copied as the references they hold (a derive would ask `T: Copy`).
impl<T> Clone for Creating<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Creating<'_, T> {}
impl<T> Clone for Updating<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Updating<'_, T> {}
impl<T> Clone for Deleting<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Deleting<'_, T> {}

impl<'a, T> Creating<'a, T> {
    /// The create `at` as a create of `this` type.
    pub fn new(this: &'a T, at: infra_core::Creating<'a>) -> Self {
        Creating { this, operation: at.operation, planned: at.planned }
    }

    /// An update of what this create made (or took over), `key`, from its state `prior` to
    /// the planned value: the second step of a create that sends only part of its
    /// configuration first.
    pub fn then_update(self, key: &'a str, prior: &'a Value) -> Updating<'a, T> {
        Updating { this: self.this, operation: self.operation, key, prior, planned: self.planned }
    }

    /// A delete of `key`, whose state is `prior`, within this operation (an object a lost
    /// create left that cannot be used).
    pub fn then_delete(self, key: &'a str, prior: &'a Value) -> Deleting<'a, T> {
        Deleting { this: self.this, operation: self.operation, key, prior }
    }
}
