//! CodeStar Connections: connections to source code providers, for CodePipeline.

super::resource_types! {
    regional;
    aws_codestarconnections_connection::AwsCodestarconnectionsConnection::new,
}
