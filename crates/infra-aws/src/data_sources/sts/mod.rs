//! STS: the caller identity.

super::data_source_types! {
    aws_caller_identity::AwsCallerIdentity::new,
}
