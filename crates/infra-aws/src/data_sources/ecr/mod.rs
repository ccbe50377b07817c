//! ECR: repositories.

super::data_source_types! {
    aws_ecr_repository::AwsEcrRepository::new,
}
