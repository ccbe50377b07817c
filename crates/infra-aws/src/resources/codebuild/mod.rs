//! CodeBuild: build projects.

super::resource_types! {
    regional;
    aws_codebuild_project::AwsCodebuildProject::new,
}
