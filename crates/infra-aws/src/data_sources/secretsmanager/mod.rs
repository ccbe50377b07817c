//! Secrets Manager: secrets and their values.

super::data_source_types! {
    regional_data;
    aws_secretsmanager_secret::AwsSecretsmanagerSecret::new,
    aws_secretsmanager_secret_version::AwsSecretsmanagerSecretVersion::new,
}
