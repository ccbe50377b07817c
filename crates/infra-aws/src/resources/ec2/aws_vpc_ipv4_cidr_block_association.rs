//! `aws_vpc_ipv4_cidr_block_association`: an additional IPv4 CIDR block of a VPC, given
//! directly or allocated from an IPAM pool. Every argument forces a new association. Create
//! waits until the block is `associated`, delete until it is `disassociated`.
//!
//! AWS does not report the IPAM pool or netmask length an association came from, so
//! `ipv4_ipam_pool_id` and `ipv4_netmask_length` are kept from the configuration (as the
//! provider does); moto has no IPAM pools, so that path is not exercised in tests.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{Filter, VpcCidrBlockStateCode};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{sent, sent_unless_gone};
use crate::ec2_support::{
    chunks_of, copy_attributes, filter, in_prior_order, integer_attribute, known_ids,
    non_empty_attribute, string_attribute, wait_for, whole_object,
};
use crate::error::is_not_found;
use crate::paginated::all_items;
use crate::Aws;

/// Attributes AWS does not return: kept from the prior or planned value.
const CONFIG_ONLY: &[&str] = &["ipv4_ipam_pool_id", "ipv4_netmask_length"];

pub struct AwsVpcIpv4CidrBlockAssociation {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpcIpv4CidrBlockAssociation {
    pub fn new(aws: Arc<Aws>) -> AwsVpcIpv4CidrBlockAssociation {
        let schema = Schema::new()
            .timeouts(&["create", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .attr(
                Attribute::optional_computed("cidr_block", Type::String)
                    .force_new()
                    .check(Check::Cidr),
            )
            .attr(Attribute::optional("ipv4_ipam_pool_id", Type::String).force_new())
            .attr(
                Attribute::optional("ipv4_netmask_length", Type::Number)
                    .force_new()
                    .check(Check::Range(16, 28)),
            );
        AwsVpcIpv4CidrBlockAssociation { aws, schema }
    }

    /// Associations (not yet disassociated) of the VPCs matching `filters`, by association id,
    /// with their state.
    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, (Value, VpcCidrBlockStateCode)>, ProviderError> {
        let vpcs: Vec<_> = all_items!(self
            .aws
            .clients()
            .await
            .ec2
            .describe_vpcs()
            .set_filters(Some(filters)))?;
        let mut found = HashMap::new();
        for vpc in &vpcs {
            for association in vpc.cidr_block_association_set() {
                let (Some(id), Some(cidr)) =
                    (association.association_id(), association.cidr_block())
                else {
                    continue;
                };
                // The VPC's primary block is not an association this type manages.
                if vpc.cidr_block() == Some(cidr) {
                    continue;
                }
                let state = association
                    .cidr_block_state()
                    .and_then(|s| s.state())
                    .cloned()
                    .unwrap_or(VpcCidrBlockStateCode::Associated);
                if matches!(
                    state,
                    VpcCidrBlockStateCode::Disassociated | VpcCidrBlockStateCode::Failed
                ) {
                    continue;
                }
                let object = whole_object(
                    &self.schema,
                    [
                        ("id", Value::string(id)),
                        ("vpc_id", Value::string(vpc.vpc_id().unwrap_or_default())),
                        ("cidr_block", Value::string(cidr)),
                    ],
                );
                found.insert(id.to_string(), (object, state));
            }
        }
        Ok(found)
    }

    async fn find(
        &self,
        id: &str,
    ) -> Result<Option<(Value, VpcCidrBlockStateCode)>, ProviderError> {
        Ok(self
            .describe(vec![filter("cidr-block-association.association-id", [id])])
            .await?
            .remove(id))
    }
}

/// Terraform's import ID: the association id, or `ID,IPAM-POOL-ID,NETMASK-LENGTH` for an
/// association allocated from an IPAM pool.
fn parse_import_id(id: &str) -> Result<Value, ProviderError> {
    let parts: Vec<&str> = id.split(',').collect();
    match parts.as_slice() {
        [id] if !id.is_empty() => Ok(Value::map([("id", Value::string(*id))])),
        [id, pool, length] if !id.is_empty() && !pool.is_empty() => {
            let length: f64 = length.parse().map_err(|_| {
                ProviderError::new(format!("invalid netmask length in import ID ({length})"))
            })?;
            Ok(Value::map([
                ("id", Value::string(*id)),
                ("ipv4_ipam_pool_id", Value::string(*pool)),
                ("ipv4_netmask_length", Value::Number(length)),
            ]))
        }
        _ => Err(ProviderError::new(format!(
            "unexpected format of ID ({id}), expected ID or ID,IPV4-IPAM-POOL-ID,IPV4-NETMASK-LENGTH"
        ))),
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsVpcIpv4CidrBlockAssociation {
    fn name(&self) -> &'static str {
        "aws_vpc_ipv4_cidr_block_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(10, 10, 10)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let cidr = !config.get("cidr_block").is_null();
        let pool = !config.get("ipv4_ipam_pool_id").is_null();
        if cidr && !config.get("ipv4_netmask_length").is_null() {
            return vec![(
                "ipv4_netmask_length".to_string(),
                "\"ipv4_netmask_length\": conflicts with cidr_block.".to_string(),
            )];
        }
        if !cidr && !pool {
            return vec![(
                "cidr_block".to_string(),
                "one of cidr_block or ipv4_ipam_pool_id must be set.".to_string(),
            )];
        }
        vec![]
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let output = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .associate_vpc_cidr_block()
            .set_vpc_id(string_attribute(planned, "vpc_id"))
            .set_cidr_block(non_empty_attribute(planned, "cidr_block"))
            .set_ipv4_ipam_pool_id(non_empty_attribute(planned, "ipv4_ipam_pool_id"))
            .set_ipv4_netmask_length(
                integer_attribute(planned, "ipv4_netmask_length").map(|n| n as i32),
            ))?;
        let id = output
            .cidr_block_association()
            .and_then(|a| a.association_id())
            .ok_or_else(|| ProviderError::new("AssociateVpcCidrBlock returned no association id"))?
            .to_string();
        let mut value = wait_for(
            operation.timeouts.create,
            &format!("VPC CIDR block association {id} to become associated"),
            || async {
                match self.find(&id).await? {
                    Some((value, VpcCidrBlockStateCode::Associated)) => Ok(Some(value)),
                    Some(_) => Ok(None),
                    None => Err(ProviderError::with_code(
                        "InvalidVpcCidrBlockAssociationID.NotFound",
                        format!("VPC CIDR block association {id} failed or disappeared"),
                    )),
                }
            },
        )
        .await?;
        copy_attributes(planned, &mut value, CONFIG_ONLY);
        Ok(value)
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Every argument forces a new association; nothing changes in place.
        let mut value = prior.clone();
        copy_attributes(planned, &mut value, CONFIG_ONLY);
        Ok(value)
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let result = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .disassociate_vpc_cidr_block()
            .association_id(&id));
        if !sent_unless_gone(result, is_not_found)? {
            return Ok(());
        }
        wait_for(
            operation.timeouts.delete,
            &format!("VPC CIDR block association {id} to be disassociated"),
            || async {
                Ok(match self.find(&id).await? {
                    Some((_, VpcCidrBlockStateCode::Disassociating))
                    | Some((_, VpcCidrBlockStateCode::Associated)) => None,
                    _ => Some(()),
                })
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            for (id, (value, _)) in self
                .describe(vec![filter(
                    "cidr-block-association.association-id",
                    chunk.iter().cloned(),
                )])
                .await?
            {
                found.insert(id, value);
            }
        }
        let mut read = in_prior_order(prior, &found);
        for (value, before) in read.iter_mut().zip(prior) {
            if let Some(value) = value {
                copy_attributes(before, value, CONFIG_ONLY);
            }
        }
        Ok(read)
    }

    /// An association has no tags: the natural key is the VPC and the CIDR block.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let (Some(vpc_id), Some(cidr)) = (
            non_empty_attribute(planned, "vpc_id"),
            non_empty_attribute(planned, "cidr_block"),
        ) else {
            return Ok(None);
        };
        let mut found = self
            .describe(vec![
                filter("vpc-id", [vpc_id]),
                filter("cidr-block-association.cidr-block", [cidr.clone()]),
            ])
            .await?
            .into_values()
            .map(|(value, _)| value)
            .find(|value| value.get("cidr_block").as_str() == Some(cidr.as_str()));
        if let Some(value) = &mut found {
            copy_attributes(planned, value, CONFIG_ONLY);
        }
        Ok(found)
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        parse_import_id(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids() {
        assert_eq!(
            parse_import_id("vpc-cidr-assoc-1").unwrap().get("id"),
            &Value::string("vpc-cidr-assoc-1")
        );
        let pooled = parse_import_id("vpc-cidr-assoc-1,ipam-pool-2,24").unwrap();
        assert_eq!(pooled.get("ipv4_netmask_length"), &Value::Number(24.0));
        assert!(parse_import_id("a,b").is_err());
        assert!(parse_import_id("a,b,x").is_err());
    }
}
