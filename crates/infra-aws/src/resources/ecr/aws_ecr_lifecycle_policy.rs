//! `aws_ecr_lifecycle_policy`: the lifecycle policy (image expiry rules) of an ECR repository.
//! Import ID: the repository name. The implementation is shared with
//! `aws_ecr_repository_policy` ([`super::repository_document`]).

use std::sync::Arc;

use super::repository_document::DocumentType;
use crate::Aws;

pub fn new(aws: Arc<Aws>) -> DocumentType<false> {
    DocumentType::new(aws)
}
