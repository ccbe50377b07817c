//! ECR: private image repositories, their lifecycle policies and resource policies.

mod repository_document;

super::resource_types! {
    regional;
    aws_ecr_repository::AwsEcrRepository::new,
    aws_ecr_lifecycle_policy::new,
    aws_ecr_repository_policy::new,
}
