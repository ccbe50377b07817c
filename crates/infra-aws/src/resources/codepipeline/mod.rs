//! CodePipeline: pipelines.

super::resource_types! {
    regional;
    aws_codepipeline::AwsCodepipeline::new,
}
