//! `aws_iam_group_policy_attachment`: a managed policy attached to a group (not exclusive).
//!
//! Its id and import ID are `<group>/<policy_arn>`. Refresh is one ListAttachedGroupPolicies
//! walk per distinct group, the walks run concurrently; the logic is shared with the role and
//! user attachments in [`crate::iam_support::PolicyAttachment`].
//!
//! moto holds both arguments; drift on them is seen in tests.

use std::sync::Arc;

use crate::iam_support::{PolicyAttachment, Principal};
use crate::Aws;

/// The type, built on the shared [`PolicyAttachment`].
pub fn new(aws: Arc<Aws>) -> PolicyAttachment {
    PolicyAttachment::new(aws, Principal::Group, "aws_iam_group_policy_attachment")
}
