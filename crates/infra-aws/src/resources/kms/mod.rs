//! KMS: keys and their aliases.

super::resource_types! {
    regional;
    aws_kms_key::AwsKmsKey::new,
    aws_kms_alias::AwsKmsAlias::new,
}
