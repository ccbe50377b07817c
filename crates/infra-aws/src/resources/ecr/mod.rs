//! ECR: private image repositories, their lifecycle policies and resource policies.

super::resource_types! {
    regional;
    aws_ecr_repository::AwsEcrRepository::new,
    aws_ecr_lifecycle_policy::AwsEcrLifecyclePolicy::new,
    aws_ecr_repository_policy::AwsEcrRepositoryPolicy::new,
}
