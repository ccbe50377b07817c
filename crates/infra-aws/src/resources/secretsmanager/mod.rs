//! Secrets Manager: secrets and their versions (values).

super::resource_types! {
    regional;
    aws_secretsmanager_secret::AwsSecretsmanagerSecret::new,
    aws_secretsmanager_secret_version::AwsSecretsmanagerSecretVersion::new,
    aws_secretsmanager_secret_rotation::AwsSecretsmanagerSecretRotation::new,
}
