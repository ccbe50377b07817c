//! `aws_default_network_acl`: adopts a VPC's default network ACL (`default_network_acl_id`)
//! instead of creating one. As in the provider, adoption removes every entry (but the
//! catch-all deny AWS keeps), then creates the configured `ingress`/`egress` blocks, which are
//! the whole truth (no block: no rule in that direction). The ACL's tags become the configured
//! tags. Subnets in `subnet_ids` are associated with it; a subnet removed from `subnet_ids`
//! cannot be taken away from the default ACL (it must join another ACL), so, as the provider
//! documents, it keeps showing as a difference until it does (the VPC module ignores
//! `subnet_ids` changes for this reason). Destroying it only forgets it. Import takes the ACL
//! id.
//!
//! Entries, associations and reads are `aws_network_acl`'s: this is its [`AclObject`] with
//! `DEFAULT`.

use infra_core::{Operation, ProviderError, Value};

use crate::ec2_object::{Ec2Object, Ec2Type};
use crate::ec2_support::{string_attribute, update_tags};
use crate::resources::ec2::aws_network_acl::AclObject;

pub type AwsDefaultNetworkAcl = Ec2Type<AclObject<true>>;

/// Adopts the planned default ACL: its entries, subnets and tags are updated from what they
/// are to the configuration. Returns its ID.
pub(crate) async fn adopt<const DEFAULT: bool>(
    this: &Ec2Type<AclObject<DEFAULT>>,
    operation: &Operation,
    planned: &Value,
) -> Result<String, ProviderError> {
    let id = string_attribute(planned, "default_network_acl_id").ok_or_else(|| {
        ProviderError::new("aws_default_network_acl: default_network_acl_id is not known")
    })?;
    // As in the provider, only a default ACL can be adopted.
    let is_default = this
        .item(&id)
        .await?
        .is_some_and(|acl| acl.is_default() == Some(true));
    if !is_default {
        return Err(ProviderError::new(format!(
            "use the aws_network_acl resource instead: EC2 Network ACL ({id}) is not a VPC's default network ACL (or does not exist)"
        )));
    }
    let current = this.read_one(&id, &Value::Null).await?;
    // Adoption: every entry goes, then the configured ones are created.
    AclObject::update(this, operation, &id, &current, planned).await?;
    update_tags(this.ec2().await, &id, &current, planned).await?;
    Ok(id)
}

/// Adoption is found by its natural key: the ACL it adopts.
pub(crate) async fn find_adopted<const DEFAULT: bool>(
    this: &Ec2Type<AclObject<DEFAULT>>,
    planned: &Value,
) -> Result<Option<Value>, ProviderError> {
    match string_attribute(planned, "default_network_acl_id") {
        Some(id) => this.find(&id, Some(planned)).await,
        None => Ok(None),
    }
}
