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
//! Entries, associations and reads are `aws_network_acl`'s ([`AclKind::Default`]).

use std::sync::Arc;

use infra_core::{Operation, ProviderError, ResourceType, Schema, Timeouts, Value};

use crate::ec2_support::{string_attribute, string_list, update_tags};
use crate::resources::ec2::aws_network_acl::{normalize_entries, AclKind, AwsNetworkAcl};
use crate::Aws;

pub struct AwsDefaultNetworkAcl {
    aws: Arc<Aws>,
    acl: AwsNetworkAcl,
}

impl AwsDefaultNetworkAcl {
    pub fn new(aws: Arc<Aws>) -> AwsDefaultNetworkAcl {
        AwsDefaultNetworkAcl {
            acl: AwsNetworkAcl::with_kind(aws.clone(), AclKind::Default),
            aws,
        }
    }

    /// Subnets newly listed in `subnet_ids` join the default ACL; removed ones cannot leave it
    /// from here (see the module doc).
    async fn add_subnets(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let before = string_list(prior, "subnet_ids");
        let added: Vec<String> = string_list(planned, "subnet_ids")
            .into_iter()
            .filter(|subnet| !before.contains(subnet))
            .collect();
        self.acl.associate(id, &added).await
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsDefaultNetworkAcl {
    fn name(&self) -> &'static str {
        "aws_default_network_acl"
    }

    fn schema(&self) -> &Schema {
        self.acl.acl_schema()
    }

    fn default_timeouts(&self) -> Timeouts {
        self.acl.default_timeouts()
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        self.acl.validate(config)
    }

    fn normalize(&self, value: &mut Value) {
        normalize_entries(value);
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(planned, "default_network_acl_id").ok_or_else(|| {
            ProviderError::new("aws_default_network_acl: default_network_acl_id is not known")
        })?;
        // As in the provider, only a default ACL can be adopted.
        let is_default = self
            .acl
            .acls_by_id(std::slice::from_ref(&id))
            .await?
            .iter()
            .any(|acl| acl.is_default() == Some(true));
        if !is_default {
            return Err(ProviderError::new(format!(
                "use the aws_network_acl resource instead: EC2 Network ACL ({id}) is not a VPC's default network ACL (or does not exist)"
            )));
        }
        let current = self.acl.read_one(&id).await?;
        // Adoption: every entry goes, then the configured ones are created.
        self.acl.change_all_entries(&id, &current, planned).await?;
        self.add_subnets(&id, &current, planned).await?;
        update_tags(&self.aws.clients().await.ec2, &id, &current, planned).await?;
        self.acl.read_one(&id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_default_network_acl: prior state has no id"))?;
        self.acl.change_all_entries(&id, prior, planned).await?;
        self.add_subnets(&id, prior, planned).await?;
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.acl.read_one(&id).await
    }

    /// A default ACL cannot be deleted: it is only forgotten, as in the provider.
    async fn delete(&self, _operation: &Operation, _prior: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        self.acl.read_acls(prior).await
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // Adoption is found by its natural key: the ACL it adopts.
        let Some(id) = string_attribute(planned, "default_network_acl_id") else {
            return Ok(None);
        };
        match self.acl.read_one(&id).await {
            Ok(value) => Ok(Some(value)),
            Err(error) if crate::error::is_not_found(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }
}
