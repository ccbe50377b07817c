//! `aws_iam_user_policy`: an inline policy of a user.
//!
//! `name` (or a name made from `name_prefix`) and `user` force replacement; `policy` is
//! rewritten in place with PutUserPolicy and compared as canonical JSON. The id and import ID
//! are `<user>:<name>`. Refresh is one GetUserPolicy per object, run concurrently; the logic
//! is shared with `aws_iam_role_policy` in [`crate::iam_support::InlinePolicy`].
//!
//! `name_prefix` is read back from the name (one ending in a 26-hex-digit unique suffix), as
//! the provider does. moto holds every argument; drift on them is seen in tests.

use std::sync::Arc;

use crate::iam_support::{InlinePolicy, Principal};
use crate::Aws;

/// The type, built on the shared [`InlinePolicy`].
pub fn new(aws: Arc<Aws>) -> InlinePolicy {
    InlinePolicy::new(aws, Principal::User, "aws_iam_user_policy")
}
