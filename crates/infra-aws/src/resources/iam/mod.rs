//! IAM: roles, policies and their attachments.

super::resource_types! {
    global;
    aws_iam_role::AwsIamRole::new,
    aws_iam_role_policy_attachment::AwsIamRolePolicyAttachment::new,
}
