//! STS: the caller identity.

super::data_source_types! {
    global_data;
    aws_caller_identity::AwsCallerIdentity::new,
}
