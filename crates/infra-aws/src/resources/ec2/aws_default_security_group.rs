//! `aws_default_security_group`: adopts a VPC's `default` security group (found by `vpc_id`,
//! or the default VPC's group when `vpc_id` is not set) instead of creating one. As in the
//! provider, adoption revokes every ingress and egress rule the group has, then authorizes the
//! configured ones; the group's tags become the configured tags. Destroying it only forgets it:
//! the group stays, with its rules as they are. Import takes the group id.
//!
//! Rules, reads and updates are `aws_security_group`'s (the same inline `ingress`/`egress`
//! blocks): this is its [`GroupObject`] with `DEFAULT`. `revoke_rules_on_delete` is accepted,
//! as in the provider, and not used.

use std::collections::BTreeSet;

use aws_sdk_ec2::types::Filter;
use infra_core::{Operation, ProviderError, Value};

use crate::ec2_object::{Ec2Object, Ec2Type};
use crate::ec2_support::{filter, string_attribute, update_tags};
use crate::resources::ec2::aws_security_group::{change_rules, permission_atoms, GroupObject};

pub type AwsDefaultSecurityGroup = Ec2Type<GroupObject<true>>;

/// The provider's lookup: the group named `default` in `vpc_id`, or, without a VPC, the one
/// described "default group" (the default VPC's).
fn lookup(planned: &Value) -> Vec<Filter> {
    let mut filters = vec![filter("group-name", ["default"])];
    match string_attribute(planned, "vpc_id").filter(|v| !v.is_empty()) {
        Some(vpc_id) => filters.push(filter("vpc-id", [vpc_id])),
        None => filters.push(filter("description", ["default group"])),
    }
    filters
}

/// Adopts the VPC's default group: every existing rule goes, then the configured ones are
/// authorized by the ordinary update from an empty group, and the tags become the configured
/// ones. Returns its ID.
pub(crate) async fn adopt<const DEFAULT: bool>(
    this: &Ec2Type<GroupObject<DEFAULT>>,
    operation: &Operation,
    planned: &Value,
) -> Result<String, ProviderError> {
    let ec2 = this.ec2().await;
    let groups = GroupObject::<DEFAULT>::describe(ec2, None, lookup(planned)).await?;
    let (id, ingress, egress) = groups
        .iter()
        .find_map(|group| {
            let id = group.group_id()?;
            Some((
                id.to_string(),
                permission_atoms(group.ip_permissions(), id),
                permission_atoms(group.ip_permissions_egress(), id),
            ))
        })
        .ok_or_else(|| {
            ProviderError::with_code(
                "InvalidGroup.NotFound",
                format!(
                    "reading Default Security Group: no default group in {}",
                    string_attribute(planned, "vpc_id")
                        .unwrap_or_else(|| "the default VPC".to_string())
                ),
            )
        })?;
    change_rules(ec2, &id, "ingress", &ingress, &BTreeSet::new()).await?;
    change_rules(ec2, &id, "egress", &egress, &BTreeSet::new()).await?;
    let mut current = this.read_one(&id, &Value::Null).await?;
    if let Some(entries) = current.map_mut() {
        entries.insert("ingress".into(), Value::List(Vec::new()));
        entries.insert("egress".into(), Value::List(Vec::new()));
    }
    GroupObject::update(this, operation, &id, &current, planned).await?;
    update_tags(ec2, &id, &current, planned).await?;
    Ok(id)
}

/// Adoption is found by its natural key: the VPC's default group.
pub(crate) async fn find_adopted<const DEFAULT: bool>(
    this: &Ec2Type<GroupObject<DEFAULT>>,
    planned: &Value,
) -> Result<Option<Value>, ProviderError> {
    let groups = GroupObject::<DEFAULT>::describe(this.ec2().await, None, lookup(planned)).await?;
    match groups.iter().find_map(|group| group.group_id()) {
        Some(id) => this.read_one(id, planned).await.map(Some),
        None => Ok(None),
    }
}
