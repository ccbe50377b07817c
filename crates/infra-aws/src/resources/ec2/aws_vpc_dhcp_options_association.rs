//! `aws_vpc_dhcp_options_association`: which DHCP options set a VPC uses. Its id is
//! `DHCP-OPTIONS-ID-VPC-ID`, as the provider writes it; changing `dhcp_options_id` re-associates
//! in place, and deleting the association puts the VPC back on AWS's `default` set.
//!
//! An association has no tags, so `find_created` finds it by its natural key: the VPC already
//! uses the planned set. moto holds and returns every argument.

use std::collections::HashMap;

use aws_sdk_ec2::types::Vpc;
use infra_core::{ProviderError, Value};

use crate::app_support::sent;
use crate::association::{Association, AssociationType, Link, Pair, Update};
use crate::ec2_support::{describe_by_filter, has_code, string_attribute};
use crate::paginated::all_items;
use crate::resources::ec2::aws_vpc_dhcp_options::DEFAULT_DHCP_OPTIONS_ID;

pub type AwsVpcDhcpOptionsAssociation = AssociationType<DhcpOptionsAssociations>;

/// The DHCP options set of a VPC as an [`Association`]: the pair is (VPC, options set).
pub struct DhcpOptionsAssociations;

/// The provider's id: `dopt-1-vpc-2` → (`dopt-1`, `vpc-2`).
fn parse_id(id: &str) -> Option<(&str, &str)> {
    let split = id.rfind("-vpc-")?;
    Some((&id[..split], &id[split + 1..]))
}

fn association_id(dhcp_options_id: &str, vpc_id: &str) -> String {
    format!("{dhcp_options_id}-{vpc_id}")
}

/// The DHCP options set of each VPC, by VPC id.
async fn options_of(
    this: &AwsVpcDhcpOptionsAssociation,
    vpc_ids: &[String],
) -> Result<HashMap<String, String>, ProviderError> {
    let ec2 = &this.aws.clients().await.ec2;
    let describe = |ids| async move { all_items!(ec2.describe_vpcs().filters(ids)) };
    let vpcs: Vec<Vpc> = describe_by_filter("vpc-id", vpc_ids, describe).await?;
    let options = |vpc: &Vpc| Some((vpc.vpc_id()?.to_string(), vpc.dhcp_options_id()?.to_string()));
    Ok(vpcs.iter().filter_map(options).collect())
}

async fn associate(
    this: &AwsVpcDhcpOptionsAssociation,
    dhcp_options_id: &str,
    vpc_id: &str,
) -> Result<(), ProviderError> {
    let ec2 = &this.aws.clients().await.ec2;
    sent!(ec2.associate_dhcp_options().dhcp_options_id(dhcp_options_id).vpc_id(vpc_id))?;
    Ok(())
}

impl Association for DhcpOptionsAssociations {
    const NAME: &'static str = "aws_vpc_dhcp_options_association";
    const PAIR: (&'static str, &'static str) = ("vpc_id", "dhcp_options_id");
    const UNKNOWN: &'static str =
        "aws_vpc_dhcp_options_association: vpc_id and dhcp_options_id are required";
    /// Changing `dhcp_options_id` re-associates in place.
    const SECOND_FORCES_NEW: bool = false;
    const UPDATE: Update = Update::Attach;

    fn id((vpc_id, dhcp_options_id): &Pair) -> String {
        association_id(dhcp_options_id, vpc_id)
    }

    /// Terraform's import ID is the VPC id.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        if !id.starts_with("vpc-") {
            return Err(ProviderError::new(format!(
                "unexpected format of ID ({id}), expected a VPC ID (vpc-...)"
            )));
        }
        Ok(Value::map([("id", Value::string(id))]))
    }

    /// AssociateDhcpOptions, then the VPC read back with the set.
    async fn attach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (vpc_id, options) = at.pair;
        associate(at.this, options, vpc_id).await?;
        let current = options_of(at.this, std::slice::from_ref(vpc_id)).await?;
        match current.get(vpc_id) {
            Some(found) if found == options => Ok(()),
            _ => Err(ProviderError::with_code(
                "InvalidVpcID.NotFound",
                format!("VPC {vpc_id} is not associated with DHCP options set {options}"),
            )),
        }
    }

    /// Puts the VPC back on AWS's `default` set.
    async fn detach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (vpc_id, options) = at.pair;
        if options == DEFAULT_DHCP_OPTIONS_ID {
            return Ok(());
        }
        match associate(at.this, DEFAULT_DHCP_OPTIONS_ID, vpc_id).await {
            Err(error) if has_code(&error, "InvalidVpcID.NotFound") => Ok(()),
            other => other,
        }
    }

    /// By the id (a planned value, which has none yet, by its arguments). Prior values from
    /// an import hold only `id`, the VPC id; they read back as whatever set the VPC uses now.
    async fn read(
        this: &AwsVpcDhcpOptionsAssociation,
        prior: &[Value],
    ) -> Result<Vec<Option<Pair>>, ProviderError> {
        let keys: Vec<Option<(Option<String>, String)>> = prior
            .iter()
            .map(|value| {
                let Some(id) = string_attribute(value, "id") else {
                    let (vpc, options) = Self::pair(value)?;
                    return Some((Some(options), vpc));
                };
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
        let current = options_of(this, &vpc_ids).await?;
        Ok(keys
            .into_iter()
            .map(|key| {
                let (wanted, vpc_id) = key?;
                let options = current.get(&vpc_id)?;
                match wanted {
                    Some(wanted) if &wanted != options => None,
                    _ => Some((vpc_id, options.clone())),
                }
            })
            .collect())
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
