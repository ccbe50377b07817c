//! `aws_vpc_ipv4_cidr_block_association`: an additional IPv4 CIDR block of a VPC, given
//! directly or allocated from an IPAM pool. Every argument forces a new association. Create
//! waits until the block is `associated`, delete until it is `disassociated`.
//!
//! AWS does not report the IPAM pool or netmask length an association came from, so
//! `ipv4_ipam_pool_id` and `ipv4_netmask_length` are kept from the configuration (as the
//! provider does); moto has no IPAM pools, so that path is not exercised in tests.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_ec2::types::{Filter, VpcCidrBlockStateCode};
use infra_core::{Attribute, Check, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{sent, sent_unless_gone};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{copied, read, Declared, Reading};
use crate::ec2_support::{
    chunks_of, created_id, distinct_ids, filter, integer_attribute, non_empty_attribute,
    string_attribute, wait_for,
};
use crate::error::is_not_found;
use crate::paginated::all_items;

pub type AwsVpcIpv4CidrBlockAssociation = ObjectType<CidrAssociation>;

/// An association as described, or (after an update, which changes nothing in AWS) as the
/// prior state holds it.
pub enum CidrAssociation {
    Found { id: String, vpc_id: String, cidr_block: String, state: VpcCidrBlockStateCode },
    Kept(Value),
}

/// An attribute AWS reports: the described association's, or the kept prior's.
fn reported(
    attribute: Attribute,
    get: fn(&CidrAssociation) -> Option<&str>,
) -> Declared<CidrAssociation> {
    let name = attribute.name;
    read(attribute, move |found: &CidrAssociation, _: &Reading| match found {
        CidrAssociation::Kept(prior) => prior.get(name).clone(),
        found => Value::string(get(found).unwrap_or_default()),
    })
}

fn state(found: &CidrAssociation) -> Option<&VpcCidrBlockStateCode> {
    match found {
        CidrAssociation::Found { state, .. } => Some(state),
        CidrAssociation::Kept(_) => None,
    }
}

/// Associations (not yet disassociated) of the VPCs matching `filters`, by association id.
async fn associations(
    this: &AwsVpcIpv4CidrBlockAssociation,
    filters: Vec<Filter>,
) -> Result<HashMap<String, CidrAssociation>, ProviderError> {
    let vpcs: Vec<_> =
        all_items!(this.aws.clients().await.ec2.describe_vpcs().set_filters(Some(filters)))?;
    let mut found = HashMap::new();
    for vpc in &vpcs {
        for association in vpc.cidr_block_association_set() {
            let (Some(id), Some(cidr)) = (association.association_id(), association.cidr_block())
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
            if matches!(state, VpcCidrBlockStateCode::Disassociated | VpcCidrBlockStateCode::Failed)
            {
                continue;
            }
            let object = CidrAssociation::Found {
                id: id.to_string(),
                vpc_id: vpc.vpc_id().unwrap_or_default().to_string(),
                cidr_block: cidr.to_string(),
                state,
            };
            found.insert(id.to_string(), object);
        }
    }
    Ok(found)
}

async fn find(
    this: &AwsVpcIpv4CidrBlockAssociation,
    id: &str,
) -> Result<Option<CidrAssociation>, ProviderError> {
    Ok(associations(this, vec![filter("cidr-block-association.association-id", [id])])
        .await?
        .remove(id))
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

/// `ipv4_ipam_pool_id` and `ipv4_netmask_length` are not reported by AWS: they are kept from
/// the prior state (or the planned value).
impl AwsObject for CidrAssociation {
    type Object = CidrAssociation;
    const NAME: &'static str = "aws_vpc_ipv4_cidr_block_association";
    const KIND: &'static str = "VPC CIDR block association";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<CidrAssociation>> {
        vec![
            reported(Attribute::computed("id", Type::String), |found| match found {
                CidrAssociation::Found { id, .. } => Some(id),
                CidrAssociation::Kept(_) => None,
            }),
            reported(
                Attribute::required("vpc_id", Type::String).force_new(),
                |found| match found {
                    CidrAssociation::Found { vpc_id, .. } => Some(vpc_id),
                    CidrAssociation::Kept(_) => None,
                },
            ),
            reported(
                Attribute::optional_computed("cidr_block", Type::String)
                    .force_new()
                    .check(Check::CidrNetwork(16, 28)),
                |found| match found {
                    CidrAssociation::Found { cidr_block, .. } => Some(cidr_block),
                    CidrAssociation::Kept(_) => None,
                },
            ),
            copied(Attribute::optional("ipv4_ipam_pool_id", Type::String).force_new()),
            copied(
                Attribute::optional("ipv4_netmask_length", Type::Number)
                    .force_new()
                    .check(Check::Range(16, 28)),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 10)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
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

    /// The stored `id`, "" where there is none: the update changes nothing in AWS and needs
    /// no id, a prior without one is not found, and its delete sends nothing.
    fn key_of(value: &Value) -> Option<String> {
        Some(value.get("id").as_str().unwrap_or_default().to_string())
    }

    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        parse_import_id(id)
    }

    /// The associations of `keys`, a chunk of IDs a DescribeVpcs.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<CidrAssociation> {
        let ids = distinct_ids(keys);
        let mut found = BTreeMap::new();
        for chunk in chunks_of(&ids) {
            let filters =
                vec![filter("cidr-block-association.association-id", chunk.iter().cloned())];
            for (id, association) in associations(this, filters).await? {
                found.insert(id, Tagged::untagged(association));
            }
        }
        Ok(found)
    }

    /// Associates the block and waits until it is `associated` (the association as waited
    /// for is not read again).
    async fn create_written(
        at: Creating<'_, Self>,
    ) -> Result<Tagged<CidrAssociation>, ProviderError> {
        let output = sent!(at
            .this
            .aws
            .clients()
            .await
            .ec2
            .associate_vpc_cidr_block()
            .set_vpc_id(string_attribute(at.planned, "vpc_id"))
            .set_cidr_block(non_empty_attribute(at.planned, "cidr_block"))
            .set_ipv4_ipam_pool_id(non_empty_attribute(at.planned, "ipv4_ipam_pool_id"))
            .set_ipv4_netmask_length(
                integer_attribute(at.planned, "ipv4_netmask_length").map(|n| n as i32),
            ))?;
        let id = created_id(
            output.cidr_block_association().and_then(|a| a.association_id()),
            "AssociateVpcCidrBlock returned no association id",
        )?;
        let found = wait_for(
            at.operation.timeouts.create,
            &format!("VPC CIDR block association {id} to become associated"),
            || async {
                match find(at.this, &id).await? {
                    Some(found) if state(&found) == Some(&VpcCidrBlockStateCode::Associated) => {
                        Ok(Some(found))
                    }
                    Some(_) => Ok(None),
                    None => Err(ProviderError::with_code(
                        "InvalidVpcCidrBlockAssociationID.NotFound",
                        format!("VPC CIDR block association {id} failed or disappeared"),
                    )),
                }
            },
        )
        .await?;
        Ok(Tagged::untagged(found))
    }

    /// Every argument forces a new association; nothing changes in place (nothing is sent).
    async fn update_written(
        at: Updating<'_, Self>,
    ) -> Result<Tagged<CidrAssociation>, ProviderError> {
        Ok(Tagged::untagged(CidrAssociation::Kept(at.prior.clone())))
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(at.prior, "id") else {
            return Ok(());
        };
        let result = sent!(at
            .this
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
            at.operation.timeouts.delete,
            &format!("VPC CIDR block association {id} to be disassociated"),
            || async {
                let found = find(at.this, &id).await?;
                Ok(match found.as_ref().and_then(state) {
                    Some(VpcCidrBlockStateCode::Disassociating)
                    | Some(VpcCidrBlockStateCode::Associated) => None,
                    _ => Some(()),
                })
            },
        )
        .await
    }

    /// An association has no tags: the natural key is the VPC and the CIDR block.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<CidrAssociation> {
        let (Some(vpc_id), Some(cidr)) = (
            non_empty_attribute(at.planned, "vpc_id"),
            non_empty_attribute(at.planned, "cidr_block"),
        ) else {
            return Ok(None);
        };
        let filters = vec![
            filter("vpc-id", [vpc_id]),
            filter("cidr-block-association.cidr-block", [cidr.clone()]),
        ];
        Ok(associations(at.this, filters)
            .await?
            .into_values()
            .find(|found| {
                matches!(found, CidrAssociation::Found { cidr_block, .. } if *cidr_block == cidr)
            })
            .map(Tagged::untagged))
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
