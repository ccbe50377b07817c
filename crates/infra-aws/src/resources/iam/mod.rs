//! IAM: roles, users, groups, policies, their attachments, instance profiles, access keys and
//! identity providers.

super::resource_types! {
    global;
    aws_iam_role::AwsIamRole::new,
    aws_iam_role_policy_attachment::new,
    aws_iam_policy::AwsIamPolicy::new,
    aws_iam_role_policy::new,
    aws_iam_instance_profile::AwsIamInstanceProfile::new,
    aws_iam_policy_attachment::AwsIamPolicyAttachment::new,
    aws_iam_user::AwsIamUser::new,
    aws_iam_user_policy::new,
    aws_iam_user_policy_attachment::new,
    aws_iam_group::AwsIamGroup::new,
    aws_iam_group_membership::AwsIamGroupMembership::new,
    aws_iam_group_policy_attachment::new,
    aws_iam_group_policy::new,
    aws_iam_access_key::AwsIamAccessKey::new,
    aws_iam_openid_connect_provider::AwsIamOpenidConnectProvider::new,
    aws_iam_service_linked_role::AwsIamServiceLinkedRole::new,
}
