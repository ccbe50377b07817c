//! `aws_vpc_dhcp_options_association`: which DHCP options set a VPC uses. Its id is
//! `DHCP-OPTIONS-ID-VPC-ID`, as the provider writes it; changing `dhcp_options_id` re-associates
//! in place, and deleting the association puts the VPC back on AWS's `default` set.
//!
//! An association has no tags, so `find_created` finds it by its natural key: the VPC already
//! uses the planned set. moto holds and returns every argument.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::Vpc;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::sent;
use crate::ec2_support::{chunks_of, filter, has_code, string_attribute, whole_object};
use crate::paginated::all_items;
use crate::resources::ec2::aws_vpc_dhcp_options::DEFAULT_DHCP_OPTIONS_ID;
use crate::Aws;

pub struct AwsVpcDhcpOptionsAssociation {
    aws: Arc<Aws>,
    schema: Schema,
}

/// The provider's id: `dopt-1-vpc-2` → (`dopt-1`, `vpc-2`).
fn parse_id(id: &str) -> Option<(&str, &str)> {
    let split = id.rfind("-vpc-")?;
    Some((&id[..split], &id[split + 1..]))
}

fn association_id(dhcp_options_id: &str, vpc_id: &str) -> String {
    format!("{dhcp_options_id}-{vpc_id}")
}

impl AwsVpcDhcpOptionsAssociation {
    pub fn new(aws: Arc<Aws>) -> AwsVpcDhcpOptionsAssociation {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .attr(Attribute::required("dhcp_options_id", Type::String));
        AwsVpcDhcpOptionsAssociation { aws, schema }
    }

    /// The DHCP options set of each VPC, by VPC id.
    async fn options_of(
        &self,
        vpc_ids: &[String],
    ) -> Result<HashMap<String, String>, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let mut found = HashMap::new();
        for chunk in chunks_of(vpc_ids) {
            let vpcs: Vec<Vpc> = all_items!(ec2
                .describe_vpcs()
                .filters(filter("vpc-id", chunk.iter().cloned())))?;
            for vpc in &vpcs {
                if let (Some(vpc_id), Some(options)) = (vpc.vpc_id(), vpc.dhcp_options_id()) {
                    found.insert(vpc_id.to_string(), options.to_string());
                }
            }
        }
        Ok(found)
    }

    fn object(&self, dhcp_options_id: &str, vpc_id: &str) -> Value {
        whole_object(
            &self.schema,
            [
                ("id", Value::string(association_id(dhcp_options_id, vpc_id))),
                ("vpc_id", Value::string(vpc_id)),
                ("dhcp_options_id", Value::string(dhcp_options_id)),
            ],
        )
    }

    async fn associate(&self, dhcp_options_id: &str, vpc_id: &str) -> Result<(), ProviderError> {
        sent!(self
            .aws
            .clients()
            .await
            .ec2
            .associate_dhcp_options()
            .dhcp_options_id(dhcp_options_id)
            .vpc_id(vpc_id))?;
        Ok(())
    }

    async fn read_one(&self, dhcp_options_id: &str, vpc_id: &str) -> Result<Value, ProviderError> {
        let current = self.options_of(&[vpc_id.to_string()]).await?;
        match current.get(vpc_id) {
            Some(options) if options == dhcp_options_id => Ok(self.object(options, vpc_id)),
            _ => Err(ProviderError::with_code(
                "InvalidVpcID.NotFound",
                format!("VPC {vpc_id} is not associated with DHCP options set {dhcp_options_id}"),
            )),
        }
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsVpcDhcpOptionsAssociation {
    fn name(&self) -> &'static str {
        "aws_vpc_dhcp_options_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let (Some(options), Some(vpc_id)) = (
            string_attribute(planned, "dhcp_options_id"),
            string_attribute(planned, "vpc_id"),
        ) else {
            return Err(ProviderError::new(
                "aws_vpc_dhcp_options_association: vpc_id and dhcp_options_id are required",
            ));
        };
        self.associate(&options, &vpc_id).await?;
        self.read_one(&options, &vpc_id).await
    }

    async fn update(
        &self,
        operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.create(operation, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let (Some(options), Some(vpc_id)) = (
            string_attribute(prior, "dhcp_options_id"),
            string_attribute(prior, "vpc_id"),
        ) else {
            return Ok(());
        };
        if options == DEFAULT_DHCP_OPTIONS_ID {
            return Ok(());
        }
        match self.associate(DEFAULT_DHCP_OPTIONS_ID, &vpc_id).await {
            Err(error) if has_code(&error, "InvalidVpcID.NotFound") => Ok(()),
            other => other,
        }
    }

    /// Prior values from an import hold only `id`, the VPC id; they read back as whatever set
    /// the VPC uses now.
    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let keys: Vec<Option<(Option<String>, String)>> = prior
            .iter()
            .map(|value| {
                let id = string_attribute(value, "id")?;
                if id.starts_with("vpc-") {
                    return Some((None, id));
                }
                let (options, vpc) = parse_id(&id)?;
                Some((Some(options.to_string()), vpc.to_string()))
            })
            .collect();
        let mut vpc_ids: Vec<String> = keys.iter().flatten().map(|(_, vpc)| vpc.clone()).collect();
        vpc_ids.sort();
        vpc_ids.dedup();
        let current = self.options_of(&vpc_ids).await?;
        Ok(keys
            .into_iter()
            .map(|key| {
                let (wanted, vpc_id) = key?;
                let options = current.get(&vpc_id)?;
                match wanted {
                    Some(wanted) if &wanted != options => None,
                    _ => Some(self.object(options, &vpc_id)),
                }
            })
            .collect())
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let (Some(options), Some(vpc_id)) = (
            string_attribute(planned, "dhcp_options_id"),
            string_attribute(planned, "vpc_id"),
        ) else {
            return Ok(None);
        };
        match self.read_one(&options, &vpc_id).await {
            Ok(value) => Ok(Some(value)),
            Err(error) if has_code(&error, "InvalidVpcID.NotFound") => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Terraform's import ID is the VPC id.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        if !id.starts_with("vpc-") {
            return Err(ProviderError::new(format!(
                "unexpected format of ID ({id}), expected a VPC ID (vpc-...)"
            )));
        }
        Ok(Value::map([("id", Value::string(id))]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_at_the_vpc() {
        assert_eq!(parse_id("dopt-0a1-vpc-0b2"), Some(("dopt-0a1", "vpc-0b2")));
        assert_eq!(parse_id("default-vpc-0b2"), Some(("default", "vpc-0b2")));
        assert_eq!(parse_id("dopt-0a1"), None);
        assert_eq!(association_id("dopt-1", "vpc-2"), "dopt-1-vpc-2");
    }
}
