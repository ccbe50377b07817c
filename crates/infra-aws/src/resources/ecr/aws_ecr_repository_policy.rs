//! `aws_ecr_repository_policy`: the resource policy (who may pull and push) of an ECR
//! repository. Import ID: the repository name. The implementation is shared with
//! `aws_ecr_lifecycle_policy` ([`super::repository_document`]).

use std::sync::Arc;

use super::repository_document::DocumentType;
use crate::Aws;

pub fn new(aws: Arc<Aws>) -> DocumentType<true> {
    DocumentType::new(aws)
}
