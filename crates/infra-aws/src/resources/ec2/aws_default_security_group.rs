//! `aws_default_security_group`: adopts a VPC's `default` security group (found by `vpc_id`,
//! or the default VPC's group when `vpc_id` is not set) instead of creating one. As in the
//! provider, adoption revokes every ingress and egress rule the group has, then authorizes the
//! configured ones; the group's tags become the configured tags. Destroying it only forgets it:
//! the group stays, with its rules as they are. Import takes the group id.
//!
//! Rules, reads and updates are `aws_security_group`'s (the same inline `ingress`/`egress`
//! blocks). `revoke_rules_on_delete` is accepted, as in the provider, and not used.

use std::collections::BTreeSet;
use std::sync::Arc;

use aws_sdk_ec2::types::Filter;
use infra_core::{Operation, ProviderError, ResourceType, Schema, Timeouts, Value};

use crate::ec2_support::{filter, string_attribute};
use crate::resources::ec2::aws_security_group::{permission_atoms, AwsSecurityGroup};
use crate::Aws;

pub struct AwsDefaultSecurityGroup {
    group: AwsSecurityGroup,
}

impl AwsDefaultSecurityGroup {
    pub fn new(aws: Arc<Aws>) -> AwsDefaultSecurityGroup {
        AwsDefaultSecurityGroup {
            group: AwsSecurityGroup::adopted(aws),
        }
    }

    /// The provider's lookup: the group named `default` in `vpc_id`, or, without a VPC, the
    /// one described "default group" (the default VPC's).
    fn lookup(planned: &Value) -> Vec<Filter> {
        let mut filters = vec![filter("group-name", ["default"])];
        match string_attribute(planned, "vpc_id").filter(|v| !v.is_empty()) {
            Some(vpc_id) => filters.push(filter("vpc-id", [vpc_id])),
            None => filters.push(filter("description", ["default group"])),
        }
        filters
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsDefaultSecurityGroup {
    fn name(&self) -> &'static str {
        "aws_default_security_group"
    }

    fn schema(&self) -> &Schema {
        self.group.schema()
    }

    fn default_timeouts(&self) -> Timeouts {
        self.group.default_timeouts()
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        self.group.validate(config)
    }

    fn normalize(&self, value: &mut Value) {
        self.group.normalize(value);
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let groups = self.group.describe_groups(Self::lookup(planned)).await?;
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
        // Adoption: every existing rule goes, then the configured ones are authorized by the
        // ordinary update from an empty group (which also makes the tags the configured ones).
        self.group
            .change_rules(&id, "ingress", &ingress, &BTreeSet::new())
            .await?;
        self.group
            .change_rules(&id, "egress", &egress, &BTreeSet::new())
            .await?;
        let mut current = self.group.read_one(&id, &Value::Null).await?;
        if let Some(entries) = current.map_mut() {
            entries.insert("ingress".into(), Value::List(Vec::new()));
            entries.insert("egress".into(), Value::List(Vec::new()));
        }
        self.group.update(operation, &current, planned).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.group.update(operation, prior, planned).await
    }

    /// A default group cannot be deleted: it is only forgotten, rules and all, as in the
    /// provider.
    async fn delete(&self, _operation: &Operation, _prior: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        self.group.read_many(prior).await
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // Adoption is found by its natural key: the VPC's default group.
        let groups = self.group.describe_groups(Self::lookup(planned)).await?;
        let Some(id) = groups.iter().find_map(|group| group.group_id()) else {
            return Ok(None);
        };
        Ok(Some(self.group.read_one(id, planned).await?))
    }
}
