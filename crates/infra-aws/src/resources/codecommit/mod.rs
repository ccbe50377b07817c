//! CodeCommit: Git repositories.

super::resource_types! {
    regional;
    aws_codecommit_repository::AwsCodecommitRepository::new,
}
