//! `aws_main_route_table_association`: makes `route_table_id` the main route table of
//! `vpc_id` (ReplaceRouteTableAssociation on the VPC's main association). The table that was
//! main before is kept as `original_route_table_id`, and destroying the association makes it
//! main again, as in the provider. Changing `route_table_id` replaces the association in place;
//! `vpc_id` forces a new one. Its id is the main association's id, which changes with every
//! replacement. The provider offers no import, and neither does this type.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::RouteTable;
use infra_core::{Attribute, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, Declared, Reading};
use crate::ec2_support::{chunks_of, created_id, distinct_ids, filter, string_attribute};
use crate::paginated::all_items;

pub type AwsMainRouteTableAssociation = ObjectType<MainAssociation>;

/// A VPC's main association as read (or as a write left it).
pub struct MainAssociation {
    id: String,
    route_table_id: String,
    vpc_id: String,
    /// The table that was main before, where a write knows it; else the prior state's.
    original: Option<Value>,
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

async fn tables(
    this: &AwsMainRouteTableAssociation,
    filters: Vec<aws_sdk_ec2::types::Filter>,
) -> Result<Vec<RouteTable>, ProviderError> {
    all_items!(this.aws.clients().await.ec2.describe_route_tables().set_filters(Some(filters)))
}

/// Makes `route_table_id` main through association `association_id`; the new association id.
async fn replace(
    this: &AwsMainRouteTableAssociation,
    association_id: &str,
    route_table_id: &str,
) -> Result<String, ProviderError> {
    let output = sent!(this
        .aws
        .clients()
        .await
        .ec2
        .replace_route_table_association()
        .association_id(association_id)
        .route_table_id(route_table_id))?;
    created_id(output.new_association_id(), "ReplaceRouteTableAssociation returned no id")
}

/// A string attribute the association always has.
fn text(attribute: Attribute, get: fn(&MainAssociation) -> &str) -> Declared<MainAssociation> {
    read(attribute, move |found: &MainAssociation, _: &Reading| Value::string(get(found)))
}

impl AwsObject for MainAssociation {
    type Object = MainAssociation;
    const NAME: &'static str = "aws_main_route_table_association";
    const KIND: &'static str = "main route table association";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<MainAssociation>> {
        vec![
            text(Attribute::computed("id", Type::String), |found| &found.id),
            text(Attribute::required("vpc_id", Type::String).force_new(), |found| &found.vpc_id),
            text(Attribute::required("route_table_id", Type::String), |found| {
                &found.route_table_id
            }),
            read(
                Attribute::computed("original_route_table_id", Type::String),
                |found: &MainAssociation, at: &Reading| match &found.original {
                    Some(original) => original.clone(),
                    None => at.prior.get("original_route_table_id").clone(),
                },
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(5, 2, 5)
    }

    fn key_of(value: &Value) -> Option<String> {
        string_attribute(value, "id")
    }

    fn missing_key() -> ProviderError {
        ProviderError::new("aws_main_route_table_association: prior state has no id")
    }

    fn import_prior(_id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(Self::NAME))
    }

    /// The main associations among `keys`, a chunk of IDs a DescribeRouteTables; the table
    /// that was main before is the prior state's.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<MainAssociation> {
        let ids = distinct_ids(keys);
        let mut found = BTreeMap::new();
        for chunk in chunks_of(&ids) {
            let tables = tables(
                this,
                vec![filter("association.route-table-association-id", chunk.iter().cloned())],
            )
            .await?;
            for (id, route_table_id, vpc_id) in main_associations(&tables) {
                if keys.contains(&id) {
                    let object =
                        MainAssociation { id: id.clone(), route_table_id, vpc_id, original: None };
                    found.insert(id, Tagged::untagged(object));
                }
            }
        }
        Ok(found)
    }

    /// Finds the VPC's main association and makes the planned table main through it; the
    /// table main before is `original_route_table_id`. Nothing is read back.
    async fn create_written(
        at: Creating<'_, Self>,
    ) -> Result<Tagged<MainAssociation>, ProviderError> {
        let vpc_id = string_attribute(at.planned, "vpc_id").unwrap_or_default();
        let route_table_id = string_attribute(at.planned, "route_table_id").unwrap_or_default();
        let tables = tables(
            at.this,
            vec![filter("vpc-id", [vpc_id.as_str()]), filter("association.main", ["true"])],
        )
        .await?;
        let (association_id, original, _) =
            main_associations(&tables).into_iter().next().ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidVpcID.NotFound",
                    format!("finding the main route table of VPC {vpc_id}: none"),
                )
            })?;
        let id = replace(at.this, &association_id, &route_table_id).await?;
        Ok(Tagged::untagged(MainAssociation {
            id,
            route_table_id,
            vpc_id,
            original: Some(Value::string(original)),
        }))
    }

    /// Makes the planned table main through the association; nothing is read back.
    async fn update_written(
        at: Updating<'_, Self>,
    ) -> Result<Tagged<MainAssociation>, ProviderError> {
        let route_table_id = string_attribute(at.planned, "route_table_id").unwrap_or_default();
        let id = replace(at.this, at.key, &route_table_id).await?;
        Ok(Tagged::untagged(MainAssociation {
            id,
            route_table_id,
            vpc_id: string_attribute(at.prior, "vpc_id").unwrap_or_default(),
            original: Some(at.prior.get("original_route_table_id").clone()),
        }))
    }

    /// Makes the original table main again.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let (Some(id), Some(original)) = (
            string_attribute(at.prior, "id"),
            string_attribute(at.prior, "original_route_table_id"),
        ) else {
            return Ok(());
        };
        deleted_or_gone(replace(at.this, &id, &original).await, crate::error::is_not_found)
    }

    /// An association has no tags, and the table that was main before a lost create cannot
    /// be known afterwards, so an interrupted create is not recovered: it runs again, and its
    /// `original_route_table_id` is then the planned table itself (a destroy leaves that table
    /// main).
    async fn find_created(_at: Creating<'_, Self>) -> FindResult<MainAssociation> {
        Ok(None)
    }
}
