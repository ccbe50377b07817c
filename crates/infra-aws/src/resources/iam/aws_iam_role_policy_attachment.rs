//! `aws_iam_role_policy_attachment`: a managed policy attached to a role (not exclusive).
//!
//! The attachment has no tags and no ARN of its own; its natural key is the pair
//! (role, policy ARN), and its id and import ID are `<role>/<policy_arn>`. Refresh is one
//! ListAttachedRolePolicies walk per distinct role, the walks run concurrently; the logic is
//! shared with the user and group attachments in [`crate::iam_support::PolicyAttachment`].
//!
//! moto holds both arguments; drift on them is seen in tests.

use std::sync::Arc;

use crate::iam_support::{PolicyAttachment, Principal};
use crate::Aws;

/// The type, built on the shared [`PolicyAttachment`].
pub fn new(aws: Arc<Aws>) -> PolicyAttachment {
    PolicyAttachment::new(aws, Principal::Role, "aws_iam_role_policy_attachment")
}
