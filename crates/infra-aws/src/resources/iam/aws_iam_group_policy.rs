//! `aws_iam_group_policy`: an inline policy of a group.
//!
//! `name` (or a name made from `name_prefix`) and `group` force replacement; `policy` is
//! rewritten in place with PutGroupPolicy and compared as canonical JSON. The id and import ID
//! are `<group>:<name>`. Refresh is one GetGroupPolicy per object, run concurrently; the logic
//! is shared with `aws_iam_role_policy` and `aws_iam_user_policy` in
//! [`crate::iam_support::InlinePolicy`].
//!
//! `name_prefix` is read back from the name (one ending in a 26-hex-digit unique suffix), as
//! the provider does. moto holds every argument; drift on them is seen in tests.

use std::sync::Arc;

use crate::iam_support::{InlinePolicy, Principal};
use crate::Aws;

/// The type, built on the shared [`InlinePolicy`].
pub fn new(aws: Arc<Aws>) -> InlinePolicy {
    InlinePolicy::new(aws, Principal::Group, "aws_iam_group_policy")
}
