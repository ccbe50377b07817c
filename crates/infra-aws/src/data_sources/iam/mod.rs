//! IAM: policy documents and lookups of roles and policies.

super::data_source_types! {
    global_data;
    aws_iam_policy_document::AwsIamPolicyDocument::new,
    aws_iam_role::AwsIamRole::new,
    aws_iam_policy::AwsIamPolicy::new,
}
