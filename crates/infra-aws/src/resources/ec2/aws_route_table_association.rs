//! `aws_route_table_association`: binds a subnet (or gateway) to a route table. Changing the
//! route table replaces the association in place, which gives it a new id.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{Filter, RouteTable};
use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_support::{
    describe_by_filter, filter, in_prior_order, known_ids, non_empty_attribute, optional_string,
    string_attribute, whole_object,
};
use crate::paginated::all_items;
use crate::Aws;

pub struct AwsRouteTableAssociation {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsRouteTableAssociation {
    pub fn new(aws: Arc<Aws>) -> AwsRouteTableAssociation {
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("subnet_id", Type::String).force_new())
            .attr(Attribute::optional("gateway_id", Type::String).force_new())
            .attr(Attribute::required("route_table_id", Type::String));
        AwsRouteTableAssociation { aws, schema }
    }

    /// Associations in the tables matching `filters`, by association id.
    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let tables: Vec<RouteTable> = all_items!(self
            .aws
            .clients()
            .await
            .ec2
            .describe_route_tables()
            .set_filters(Some(filters)))?;
        let mut found = HashMap::new();
        for association in tables.iter().flat_map(RouteTable::associations) {
            let Some(id) = association.route_table_association_id() else {
                continue;
            };
            if association.main() == Some(true) {
                continue;
            }
            found.insert(
                id.to_string(),
                whole_object(
                    &self.schema,
                    [
                        ("id", Value::string(id)),
                        ("subnet_id", optional_string(association.subnet_id())),
                        ("gateway_id", optional_string(association.gateway_id())),
                        (
                            "route_table_id",
                            optional_string(association.route_table_id()),
                        ),
                    ],
                ),
            );
        }
        Ok(found)
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        self.describe(vec![filter("association.route-table-association-id", [id])])
            .await?
            .remove(id)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidAssociationID.NotFound",
                    format!("route table association {id} not found"),
                )
            })
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsRouteTableAssociation {
    fn name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(5, 2, 5)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        if config.get("subnet_id").is_null() == config.get("gateway_id").is_null() {
            return vec![(
                "subnet_id".to_string(),
                "set exactly one of subnet_id and gateway_id.".to_string(),
            )];
        }
        vec![]
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let output = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .associate_route_table()
            .set_route_table_id(string_attribute(planned, "route_table_id"))
            .set_subnet_id(non_empty_attribute(planned, "subnet_id"))
            .set_gateway_id(non_empty_attribute(planned, "gateway_id")))?;
        let id = output
            .association_id()
            .ok_or_else(|| ProviderError::new("AssociateRouteTable returned no association id"))?;
        self.read_one(id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id").ok_or_else(|| {
            ProviderError::new("aws_route_table_association: prior state has no id")
        })?;
        let output = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .replace_route_table_association()
            .association_id(&id)
            .set_route_table_id(string_attribute(planned, "route_table_id")))?;
        let new_id = output.new_association_id().unwrap_or(&id).to_string();
        self.read_one(&new_id).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let result = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .disassociate_route_table()
            .association_id(&id));
        deleted_or_gone(result, crate::error::is_not_found)
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let describe = |ids| self.describe(vec![ids]);
        let name = "association.route-table-association-id";
        let found = describe_by_filter(name, &known_ids(prior), describe).await?;
        let mut read = in_prior_order(prior, &found);
        // An import names the association by its subnet (or gateway) and table, not its id.
        for (position, value) in prior.iter().enumerate() {
            let Some(table) = value
                .get("id")
                .is_null()
                .then(|| value.get("route_table_id").as_str())
                .flatten()
            else {
                continue;
            };
            let associations = self
                .describe(vec![filter("route-table-id", [table])])
                .await?;
            read[position] = associations.into_values().find(|association| {
                ["subnet_id", "gateway_id"]
                    .iter()
                    .any(|key| !value.get(key).is_null() && association.get(key) == value.get(key))
            });
        }
        Ok(read)
    }

    /// Terraform's import ID: `SUBNET-ID/ROUTE-TABLE-ID` (or `GATEWAY-ID/ROUTE-TABLE-ID`).
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (target, table) = id.split_once('/').ok_or_else(|| {
            ProviderError::new(format!("unexpected format of ID ({id}), expected SUBNET-ID/ROUTE-TABLE-ID or GATEWAY-ID/ROUTE-TABLE-ID"))
        })?;
        let key = if target.starts_with("subnet-") {
            "subnet_id"
        } else {
            "gateway_id"
        };
        Ok(Value::map([
            (key, Value::string(target)),
            ("route_table_id", Value::string(table)),
        ]))
    }

    /// Associations carry no tags: the natural key is the subnet (or gateway) and table.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let (key, attribute, target) = match (
            non_empty_attribute(planned, "subnet_id"),
            non_empty_attribute(planned, "gateway_id"),
        ) {
            (Some(subnet), _) => ("association.subnet-id", "subnet_id", subnet),
            (None, Some(gateway)) => ("association.gateway-id", "gateway_id", gateway),
            (None, None) => return Ok(None),
        };
        let table = string_attribute(planned, "route_table_id");
        // The filter answers whole route tables, with every association they have: the one
        // this create made is the one of this subnet (or gateway), not a sibling's.
        Ok(self
            .describe(vec![filter(key, [target.clone()])])
            .await?
            .into_values()
            .find(|association| {
                string_attribute(association, attribute).as_deref() == Some(target.as_str())
                    && string_attribute(association, "route_table_id") == table
            }))
    }
}
