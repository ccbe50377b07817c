//! `aws_vpc_endpoint_route_table_association`: one route table of a Gateway VPC endpoint,
//! managed apart from the endpoint's own `route_table_ids`.
//!
//! Create is ModifyVpcEndpoint with `AddRouteTableIds`, then a wait until the endpoint lists the
//! table; delete is `RemoveRouteTableIds` and a wait until it no longer does (done at once when
//! the endpoint or the table is gone, as the provider treats `InvalidVpcEndpointId.NotFound`,
//! `InvalidRouteTableId.NotFound` and `InvalidParameter`).
//! Both arguments force replacement. The ID is the provider's `a-<endpoint id><hash of the
//! table id>`; the import ID is `VPC_ENDPOINT_ID/ROUTE_TABLE_ID`. Refresh is one
//! DescribeVpcEndpoints for the endpoints of every association. A lost create is found by the
//! pair itself: the table among the endpoint's is the association.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{sent, string};
use crate::ec2_support::{crc32, describe_by_ids, has_code};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsVpcEndpointRouteTableAssociation {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpcEndpointRouteTableAssociation {
    pub fn new(aws: Arc<Aws>) -> AwsVpcEndpointRouteTableAssociation {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("vpc_endpoint_id", Type::String).force_new())
            .attr(Attribute::required("route_table_id", Type::String).force_new());
        AwsVpcEndpointRouteTableAssociation { aws, schema }
    }

    /// The route table IDs of each endpoint of `endpoints` that exists.
    async fn route_tables(
        &self,
        endpoints: &[String],
    ) -> Result<BTreeMap<String, BTreeSet<String>>, ProviderError> {
        let client = &self.aws.clients().await.ec2;
        let described = describe_by_ids(endpoints, |chunk| async move {
            let answer = sent!(client
                .describe_vpc_endpoints()
                .set_vpc_endpoint_ids(Some(chunk)))?;
            Ok(answer.vpc_endpoints.unwrap_or_default())
        })
        .await?;
        Ok(described
            .iter()
            .filter(|endpoint| !super::aws_vpc_endpoint::is_gone(endpoint))
            .filter_map(|endpoint| {
                let id = endpoint.vpc_endpoint_id()?;
                Some((
                    id.to_string(),
                    endpoint.route_table_ids().iter().cloned().collect(),
                ))
            })
            .collect())
    }

    async fn modify(&self, endpoint: &str, table: &str, add: bool) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.ec2;
        let request = client.modify_vpc_endpoint().vpc_endpoint_id(endpoint);
        let request = if add {
            request.add_route_table_ids(table)
        } else {
            request.remove_route_table_ids(table)
        };
        request.send().await.map_err(aws_error)?;
        Ok(())
    }
}

/// The provider's ID: `a-<endpoint id><crc32 of the table id>`.
fn id_of(endpoint: &str, table: &str) -> String {
    format!("a-{endpoint}{}", crc32(table.as_bytes()))
}

fn to_value(endpoint: &str, table: &str) -> Value {
    Value::map([
        ("id", Value::string(id_of(endpoint, table))),
        ("vpc_endpoint_id", Value::string(endpoint)),
        ("route_table_id", Value::string(table)),
    ])
}

fn pair(value: &Value) -> Option<(String, String)> {
    Some((
        string(value, "vpc_endpoint_id")?,
        string(value, "route_table_id")?,
    ))
}

#[async_trait::async_trait]
impl ResourceType for AwsVpcEndpointRouteTableAssociation {
    fn name(&self) -> &'static str {
        "aws_vpc_endpoint_route_table_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let (endpoint, table) = pair(planned).ok_or_else(|| {
            ProviderError::new(
                "aws_vpc_endpoint_route_table_association needs a known vpc_endpoint_id and route_table_id",
            )
        })?;
        self.modify(&endpoint, &table, true).await?;
        // EC2 is eventually consistent: the table may take a moment to be listed.
        crate::iam_support::propagated(
            "VPC endpoint route table association",
            &id_of(&endpoint, &table),
            || async { crate::app_support::read_one(self, planned).await },
        )
        .await
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Both arguments force replacement.
        Ok(planned.clone())
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some((endpoint, table)) = pair(prior) else {
            return Ok(());
        };
        match self.modify(&endpoint, &table, false).await {
            Err(error)
                if has_code(&error, "InvalidVpcEndpointId.NotFound")
                    || has_code(&error, "InvalidRouteTableId.NotFound")
                    || has_code(&error, "InvalidParameter") =>
            {
                return Ok(())
            }
            other => other?,
        }
        // Wait until the endpoint no longer lists the table, as the provider does, so that
        // deleting the table next does not meet a DependencyViolation.
        crate::app_support::wait_for(
            "the route table to leave the VPC endpoint",
            crate::iam_support::PROPAGATION_TIMEOUT,
            || async {
                let still = crate::app_support::read_one(self, prior).await?;
                Ok(still.is_none().then_some(()))
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let endpoints: Vec<String> = prior
            .iter()
            .filter_map(pair)
            .map(|(endpoint, _)| endpoint)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let tables = self.route_tables(&endpoints).await?;
        Ok(prior
            .iter()
            .map(|p| {
                let (endpoint, table) = pair(p)?;
                tables
                    .get(&endpoint)?
                    .contains(&table)
                    .then(|| to_value(&endpoint, &table))
            })
            .collect())
    }

    /// Terraform's import ID: `VPC_ENDPOINT_ID/ROUTE_TABLE_ID`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        match id.split_once('/') {
            Some((endpoint, table))
                if !endpoint.is_empty() && !table.is_empty() && !table.contains('/') =>
            {
                Ok(to_value(endpoint, table))
            }
            _ => Err(ProviderError::new(format!(
                "wrong format of import ID ({id}), use: 'vpc-endpoint-id/route-table-id'"
            ))),
        }
    }

    /// The pair is the natural key: the table among the endpoint's means the create happened.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        crate::app_support::read_one(self, planned).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_and_import_id_are_the_providers() {
        // The provider's `a-%s%d` of the endpoint and Go's crc32.ChecksumIEEE of the table.
        assert_eq!(
            id_of("vpce-0123456789abcdef0", "rtb-0123456789abcdef0"),
            format!(
                "a-vpce-0123456789abcdef0{}",
                crc32(b"rtb-0123456789abcdef0")
            )
        );
        let imported =
            AwsVpcEndpointRouteTableAssociation::new(crate::Aws::new(Default::default()))
                .import_prior("vpce-1/rtb-2")
                .unwrap();
        assert_eq!(imported.get("route_table_id"), &Value::string("rtb-2"));
        assert_eq!(imported.get("id"), &Value::string(id_of("vpce-1", "rtb-2")));
        assert!(
            AwsVpcEndpointRouteTableAssociation::new(crate::Aws::new(Default::default()))
                .import_prior("vpce-1")
                .is_err()
        );
    }
}
