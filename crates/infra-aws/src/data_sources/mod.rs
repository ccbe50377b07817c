//! Data sources, one file each, each registered with one line below.

use std::sync::Arc;

use infra_core::Registry;

use crate::Aws;

// --- network (EC2), identity and policy data sources ---
pub mod aws_availability_zones;
pub mod aws_caller_identity;
pub mod aws_iam_policy_document;
pub mod aws_region;
// --- end network data sources ---

pub(crate) fn register_all(registry: &mut Registry, aws: &Arc<Aws>) {
    registry.register_data_source(Arc::new(aws_availability_zones::AwsAvailabilityZones::new(
        aws.clone(),
    )));
    registry.register_data_source(Arc::new(aws_region::AwsRegion::new(aws.clone())));
    registry.register_data_source(Arc::new(aws_caller_identity::AwsCallerIdentity::new(
        aws.clone(),
    )));
    registry.register_data_source(Arc::new(
        aws_iam_policy_document::AwsIamPolicyDocument::new(),
    ));
}
