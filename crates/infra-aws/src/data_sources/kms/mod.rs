//! KMS: keys and aliases.

super::data_source_types! {
    regional_data;
    aws_kms_key::AwsKmsKey::new,
    aws_kms_alias::AwsKmsAlias::new,
}
