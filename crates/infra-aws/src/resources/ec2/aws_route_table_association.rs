//! `aws_route_table_association`: binds a subnet (or gateway) to a route table. Changing the
//! route table replaces the association in place, which gives it a new id. Terraform's import
//! ID is `SUBNET-ID/ROUTE-TABLE-ID` (or `GATEWAY-ID/ROUTE-TABLE-ID`): an imported prior has no
//! id yet, and its association is the one of its subnet (or gateway) among the table's.

use std::collections::HashMap;

use aws_sdk_ec2::types::{Filter, RouteTable, RouteTableAssociation};
use infra_core::{Attribute, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{computed, string, Declared};
use crate::ec2_support::{
    created_id, describe_by_filter, distinct_ids, filter, known_ids, non_empty_attribute,
    string_attribute,
};
use crate::paginated::all_items;

pub type AwsRouteTableAssociation = ObjectType<Association>;

/// The type of [`AwsObject`]; its object is the SDK's association.
pub struct Association;

/// Associations in the tables matching `filters`, by association id; a table's main
/// association is not one of this type's.
async fn associations(
    this: &AwsRouteTableAssociation,
    filters: Vec<Filter>,
) -> Result<HashMap<String, RouteTableAssociation>, ProviderError> {
    let tables: Vec<RouteTable> = all_items!(this
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
        found.insert(id.to_string(), association.clone());
    }
    Ok(found)
}

/// The table of an imported prior (no `id` yet; see the module's documentation).
fn imported_table(prior: &Value) -> Option<&str> {
    match prior.get("id").is_null() {
        true => prior.get("route_table_id").as_str(),
        false => None,
    }
}

/// What a table is associated with: a subnet or a gateway, exactly one.
const TARGETS: &[&str] = &["subnet_id", "gateway_id"];

/// Whether `association` is the one of the prior's subnet (or gateway).
fn of_target(prior: &Value, association: &RouteTableAssociation) -> bool {
    [("subnet_id", association.subnet_id()), ("gateway_id", association.gateway_id())]
        .into_iter()
        .any(|(name, found)| prior.get(name).as_str().is_some_and(|wanted| found == Some(wanted)))
}

impl AwsObject for Association {
    type Object = RouteTableAssociation;
    const NAME: &'static str = "aws_route_table_association";
    const KIND: &'static str = "route table association";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<RouteTableAssociation>> {
        // The provider's `ExactlyOneOf` on both.
        let target =
            |name| Attribute::optional(name, Type::String).force_new().exactly_one_of(TARGETS);
        vec![
            computed("id", RouteTableAssociation::route_table_association_id),
            string(target("subnet_id"), RouteTableAssociation::subnet_id),
            string(target("gateway_id"), RouteTableAssociation::gateway_id),
            string(
                Attribute::required("route_table_id", Type::String),
                RouteTableAssociation::route_table_id,
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(5, 2, 5)
    }

    /// The stored `id`; an imported prior's is its import ID (`TARGET/TABLE`), what
    /// [`AwsObject::describe_priors`] answers it under.
    fn key_of(value: &Value) -> Option<String> {
        if let Some(id) = value.get("id").as_str() {
            return Some(id.to_string());
        }
        let table = imported_table(value)?;
        let target = string_attribute(value, "subnet_id")
            .or_else(|| string_attribute(value, "gateway_id"))
            .unwrap_or_default();
        Some(format!("{target}/{table}"))
    }

    fn missing_key() -> ProviderError {
        ProviderError::new("aws_route_table_association: prior state has no id")
    }

    /// Terraform's import ID: `SUBNET-ID/ROUTE-TABLE-ID` (or `GATEWAY-ID/ROUTE-TABLE-ID`).
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (target, table) = id.split_once('/').ok_or_else(|| {
            ProviderError::new(format!("unexpected format of ID ({id}), expected SUBNET-ID/ROUTE-TABLE-ID or GATEWAY-ID/ROUTE-TABLE-ID"))
        })?;
        let key = if target.starts_with("subnet-") { "subnet_id" } else { "gateway_id" };
        Ok(Value::map([(key, Value::string(target)), ("route_table_id", Value::string(table))]))
    }

    /// The associations of the IDs among `keys`, a chunk of IDs a DescribeRouteTables.
    async fn describe(
        this: &ObjectType<Self>,
        keys: &[String],
    ) -> DescribeResult<RouteTableAssociation> {
        let describe = |ids| associations(this, vec![ids]);
        let name = "association.route-table-association-id";
        let found: HashMap<_, _> = describe_by_filter(name, &distinct_ids(keys), describe).await?;
        Ok(found.into_iter().map(|(id, association)| (id, Tagged::untagged(association))).collect())
    }

    /// The associations of the priors' ids ([`AwsObject::describe`]); then each imported
    /// prior's, in the priors' order: a DescribeRouteTables of its table, the association of
    /// its subnet (or gateway) among the table's.
    async fn describe_priors(
        this: &ObjectType<Self>,
        priors: &[Value],
    ) -> DescribeResult<RouteTableAssociation> {
        let mut found = Self::describe(this, &known_ids(priors)).await?;
        for prior in priors {
            let Some(table) = imported_table(prior) else {
                continue;
            };
            let imported = associations(this, vec![filter("route-table-id", [table])])
                .await?
                .into_values()
                .find(|association| of_target(prior, association));
            if let (Some(key), Some(association)) = (Self::key_of(prior), imported) {
                found.insert(key, Tagged::untagged(association));
            }
        }
        Ok(found)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let output = sent!(at
            .this
            .aws
            .clients()
            .await
            .ec2
            .associate_route_table()
            .set_route_table_id(string_attribute(at.planned, "route_table_id"))
            .set_subnet_id(non_empty_attribute(at.planned, "subnet_id"))
            .set_gateway_id(non_empty_attribute(at.planned, "gateway_id")))?;
        created_id(output.association_id(), "AssociateRouteTable returned no association id")
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        // An imported prior's key is not an id: the update needs the stored one.
        let id = string_attribute(at.prior, "id").ok_or_else(Self::missing_key)?;
        let output = sent!(at
            .this
            .aws
            .clients()
            .await
            .ec2
            .replace_route_table_association()
            .association_id(&id)
            .set_route_table_id(string_attribute(at.planned, "route_table_id")))?;
        Ok(output.new_association_id().unwrap_or(&id).to_string())
    }

    /// The association just written, by its id (an error with AWS's code when it is gone).
    async fn written(
        this: &AwsRouteTableAssociation,
        id: &str,
    ) -> Result<Tagged<RouteTableAssociation>, ProviderError> {
        this.found(id).await?.ok_or_else(|| {
            ProviderError::with_code(
                "InvalidAssociationID.NotFound",
                format!("route table association {id} not found"),
            )
        })
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(at.prior, "id") else {
            return Ok(());
        };
        let result =
            sent!(at.this.aws.clients().await.ec2.disassociate_route_table().association_id(&id));
        deleted_or_gone(result, crate::error::is_not_found)
    }

    /// Associations carry no tags: the natural key is the subnet (or gateway) and table.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<RouteTableAssociation> {
        let (key, target, subnet) = match (
            non_empty_attribute(at.planned, "subnet_id"),
            non_empty_attribute(at.planned, "gateway_id"),
        ) {
            (Some(subnet), _) => ("association.subnet-id", subnet, true),
            (None, Some(gateway)) => ("association.gateway-id", gateway, false),
            (None, None) => return Ok(None),
        };
        let table = string_attribute(at.planned, "route_table_id");
        // The filter answers whole route tables, with every association they have: the one
        // this create made is the one of this subnet (or gateway), not a sibling's.
        Ok(associations(at.this, vec![filter(key, [target.clone()])])
            .await?
            .into_values()
            .find(|association| {
                let of = match subnet {
                    true => association.subnet_id(),
                    false => association.gateway_id(),
                };
                of == Some(target.as_str())
                    && association.route_table_id().map(str::to_string) == table
            })
            .map(Tagged::untagged))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    /// A subnet or a gateway, exactly one: the provider's `ExactlyOneOf`, in the SDK's words.
    #[test]
    fn one_target_is_checked_as_the_provider_declares_it() {
        let problems = |targets: Vec<(&'static str, &str)>| {
            let mut entries = vec![("route_table_id", Value::string("rtb-1"))];
            entries.extend(targets.into_iter().map(|(name, id)| (name, Value::string(id))));
            crate::problem_messages("aws_route_table_association", &Value::map(entries))
        };
        assert!(problems(vec![("subnet_id", "subnet-1")]).is_empty());
        assert!(problems(vec![("gateway_id", "igw-1")]).is_empty());
        assert_eq!(
            problems(vec![]),
            [
                "\"subnet_id\": one of `gateway_id,subnet_id` must be specified",
                "\"gateway_id\": one of `gateway_id,subnet_id` must be specified",
            ]
        );
        let both = "only one of `gateway_id,subnet_id` can be specified, but `gateway_id,subnet_id` were specified.";
        assert_eq!(
            problems(vec![("subnet_id", "subnet-1"), ("gateway_id", "igw-1")]),
            [format!("\"subnet_id\": {both}"), format!("\"gateway_id\": {both}")]
        );
    }
}
