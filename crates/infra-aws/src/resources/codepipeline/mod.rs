//! CodePipeline: pipelines and their webhooks.

mod support;

super::resource_types! {
    regional;
    aws_codepipeline::AwsCodepipeline::new,
    aws_codepipeline_webhook::AwsCodepipelineWebhook::new,
}
