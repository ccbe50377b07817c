//! ECR: repositories.

super::data_source_types! {
    regional_data;
    aws_ecr_repository::AwsEcrRepository::new,
}
