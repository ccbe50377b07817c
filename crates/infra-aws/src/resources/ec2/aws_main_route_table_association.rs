//! `aws_main_route_table_association`: makes `route_table_id` the main route table of
//! `vpc_id` (ReplaceRouteTableAssociation on the VPC's main association). The table that was
//! main before is kept as `original_route_table_id`, and destroying the association makes it
//! main again, as in the provider. Changing `route_table_id` replaces the association in place;
//! `vpc_id` forces a new one. Its id is the main association's id, which changes with every
//! replacement. The provider offers no import, and neither does this type.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::RouteTable;
use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_support::{
    chunks_of, filter, in_prior_order, known_ids, string_attribute, whole_object,
};
use crate::paginated::all_items;
use crate::Aws;

pub struct AwsMainRouteTableAssociation {
    aws: Arc<Aws>,
    schema: Schema,
}

/// The main association of `tables`: (association id, route table id, VPC id).
fn main_associations(tables: &[RouteTable]) -> Vec<(String, String, String)> {
    tables
        .iter()
        .flat_map(|table| {
            table.associations().iter().filter_map(move |association| {
                if association.main() != Some(true) {
                    return None;
                }
                Some((
                    association.route_table_association_id()?.to_string(),
                    table.route_table_id()?.to_string(),
                    table.vpc_id().unwrap_or_default().to_string(),
                ))
            })
        })
        .collect()
}

impl AwsMainRouteTableAssociation {
    pub fn new(aws: Arc<Aws>) -> AwsMainRouteTableAssociation {
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .attr(Attribute::required("route_table_id", Type::String))
            .attr(Attribute::computed("original_route_table_id", Type::String));
        AwsMainRouteTableAssociation { aws, schema }
    }

    async fn tables(
        &self,
        filters: Vec<aws_sdk_ec2::types::Filter>,
    ) -> Result<Vec<RouteTable>, ProviderError> {
        all_items!(self
            .aws
            .clients()
            .await
            .ec2
            .describe_route_tables()
            .set_filters(Some(filters)))
    }

    /// Makes `route_table_id` main through association `association_id`; the new association id.
    async fn replace(
        &self,
        association_id: &str,
        route_table_id: &str,
    ) -> Result<String, ProviderError> {
        let output = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .replace_route_table_association()
            .association_id(association_id)
            .route_table_id(route_table_id))?;
        output
            .new_association_id()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("ReplaceRouteTableAssociation returned no id"))
    }

    fn value(&self, id: &str, table: &str, vpc: &str, original: &Value) -> Value {
        whole_object(
            &self.schema,
            [
                ("id", Value::string(id)),
                ("route_table_id", Value::string(table)),
                ("vpc_id", Value::string(vpc)),
                ("original_route_table_id", original.clone()),
            ],
        )
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsMainRouteTableAssociation {
    fn name(&self) -> &'static str {
        "aws_main_route_table_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(5, 2, 5)
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let vpc_id = string_attribute(planned, "vpc_id").unwrap_or_default();
        let route_table_id = string_attribute(planned, "route_table_id").unwrap_or_default();
        let tables = self
            .tables(vec![
                filter("vpc-id", [vpc_id.as_str()]),
                filter("association.main", ["true"]),
            ])
            .await?;
        let (association_id, original, _) = main_associations(&tables)
            .into_iter()
            .next()
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidVpcID.NotFound",
                    format!("finding the main route table of VPC {vpc_id}: none"),
                )
            })?;
        let id = self.replace(&association_id, &route_table_id).await?;
        Ok(self.value(&id, &route_table_id, &vpc_id, &Value::string(original)))
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let association_id = string_attribute(prior, "id").ok_or_else(|| {
            ProviderError::new("aws_main_route_table_association: prior state has no id")
        })?;
        let route_table_id = string_attribute(planned, "route_table_id").unwrap_or_default();
        let id = self.replace(&association_id, &route_table_id).await?;
        Ok(self.value(
            &id,
            &route_table_id,
            &string_attribute(prior, "vpc_id").unwrap_or_default(),
            prior.get("original_route_table_id"),
        ))
    }

    /// Makes the original table main again.
    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let (Some(id), Some(original)) = (
            string_attribute(prior, "id"),
            string_attribute(prior, "original_route_table_id"),
        ) else {
            return Ok(());
        };
        deleted_or_gone(
            self.replace(&id, &original).await,
            crate::error::is_not_found,
        )
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let by_id: HashMap<String, &Value> = prior
            .iter()
            .filter_map(|value| Some((string_attribute(value, "id")?, value)))
            .collect();
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            let tables = self
                .tables(vec![filter(
                    "association.route-table-association-id",
                    chunk.iter().cloned(),
                )])
                .await?;
            for (id, table, vpc) in main_associations(&tables) {
                if let Some(before) = by_id.get(&id) {
                    let value =
                        self.value(&id, &table, &vpc, before.get("original_route_table_id"));
                    found.insert(id, value);
                }
            }
        }
        Ok(in_prior_order(prior, &found))
    }

    /// An association has no tags, and the table that was main before a lost create cannot
    /// be known afterwards, so an interrupted create is not recovered: it runs again, and its
    /// `original_route_table_id` is then the planned table itself (a destroy leaves that table
    /// main).
    async fn find_created(
        &self,
        _operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(self.name()))
    }
}
