//! ECR: repositories and images.

super::data_source_types! {
    regional_data;
    aws_ecr_repository::AwsEcrRepository::new,
    aws_ecr_image::AwsEcrImage::new,
}
