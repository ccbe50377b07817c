//! `aws_iam_user_policy_attachment`: a managed policy attached to a user (not exclusive).
//!
//! Its id and import ID are `<user>/<policy_arn>`. Refresh is one ListAttachedUserPolicies
//! walk per distinct user, the walks run concurrently; the logic is shared with the role and
//! group attachments in [`crate::iam_support::PolicyAttachment`].
//!
//! moto holds both arguments; drift on them is seen in tests.

use std::sync::Arc;

use crate::iam_support::{PolicyAttachment, Principal};
use crate::Aws;

/// The type, built on the shared [`PolicyAttachment`].
pub fn new(aws: Arc<Aws>) -> PolicyAttachment {
    PolicyAttachment::new(aws, Principal::User, "aws_iam_user_policy_attachment")
}
