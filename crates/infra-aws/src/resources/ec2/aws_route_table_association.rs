//! `aws_route_table_association`: binds a subnet (or gateway) to a route table. Changing the
//! route table replaces the association in place, which gives it a new id.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_ec2::types::{Filter, RouteTable, RouteTableAssociation};
use infra_core::{Attribute, Operation, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::aws_object::{AwsObject, ObjectType, Tagged};
use crate::declared::{computed, string, Declared};
use crate::ec2_support::{describe_by_filter, filter, non_empty_attribute, string_attribute};
use crate::paginated::all_items;

pub type AwsRouteTableAssociation = ObjectType<Association>;

/// The type of [`AwsObject`]; its object is the SDK's association.
pub struct Association;

/// What starts the key of an imported prior (no `id` yet): the association is looked up by
/// its table and its subnet (or gateway), which the rest of the key holds ([`ImportKey`]).
const IMPORTED: &str = "import\n";

/// An imported prior's lookup: the table, and the prior's `subnet_id` and `gateway_id` where
/// they are strings.
struct ImportKey {
    table: String,
    subnet: Option<String>,
    gateway: Option<String>,
}

impl ImportKey {
    fn of(value: &Value) -> Option<ImportKey> {
        if !value.get("id").is_null() {
            return None;
        }
        let table = value.get("route_table_id").as_str()?.to_string();
        let part = |name| value.get(name).as_str().map(str::to_string);
        Some(ImportKey {
            table,
            subnet: part("subnet_id"),
            gateway: part("gateway_id"),
        })
    }

    fn key(&self) -> String {
        let part = |part: &Option<String>| match part {
            Some(text) => format!("+{text}"),
            None => "-".to_string(),
        };
        format!(
            "{IMPORTED}{}\n{}\n{}",
            self.table,
            part(&self.subnet),
            part(&self.gateway)
        )
    }

    fn parse(key: &str) -> Option<ImportKey> {
        let mut parts = key.strip_prefix(IMPORTED)?.split('\n');
        let table = parts.next()?.to_string();
        let part = |part: Option<&str>| part?.strip_prefix('+').map(str::to_string);
        let subnet = part(parts.next());
        let gateway = part(parts.next());
        Some(ImportKey {
            table,
            subnet,
            gateway,
        })
    }

    /// Whether `association` is of this subnet (or gateway).
    fn matches(&self, association: &RouteTableAssociation) -> bool {
        [
            (&self.subnet, association.subnet_id()),
            (&self.gateway, association.gateway_id()),
        ]
        .iter()
        .any(|(wanted, found)| wanted.is_some() && wanted.as_deref() == *found)
    }
}

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

fn untagged(object: RouteTableAssociation) -> Tagged<RouteTableAssociation> {
    Tagged {
        object,
        tags: vec![],
    }
}

#[async_trait::async_trait]
impl AwsObject for Association {
    type Object = RouteTableAssociation;
    const NAME: &'static str = "aws_route_table_association";
    const KIND: &'static str = "route table association";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<RouteTableAssociation>> {
        vec![
            computed("id", RouteTableAssociation::route_table_association_id),
            string(
                Attribute::optional("subnet_id", Type::String).force_new(),
                RouteTableAssociation::subnet_id,
            ),
            string(
                Attribute::optional("gateway_id", Type::String).force_new(),
                RouteTableAssociation::gateway_id,
            ),
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

    fn validate(config: &Value) -> Vec<(String, String)> {
        if config.get("subnet_id").is_null() == config.get("gateway_id").is_null() {
            return vec![(
                "subnet_id".to_string(),
                "set exactly one of subnet_id and gateway_id.".to_string(),
            )];
        }
        vec![]
    }

    /// The stored `id`; an imported prior (no `id`) is named by its table and its subnet (or
    /// gateway) instead ([`ImportKey`]).
    fn key_of(value: &Value) -> Option<String> {
        match value.get("id").as_str() {
            Some(id) => Some(id.to_string()),
            None => ImportKey::of(value).map(|import| import.key()),
        }
    }

    fn missing_key() -> ProviderError {
        ProviderError::new("aws_route_table_association: prior state has no id")
    }

    /// Terraform's import ID: `SUBNET-ID/ROUTE-TABLE-ID` (or `GATEWAY-ID/ROUTE-TABLE-ID`).
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
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

    /// The associations of the IDs among `keys`, a chunk of IDs a DescribeRouteTables; then
    /// each imported prior's, by its table, in the keys' order.
    async fn describe(
        this: &AwsRouteTableAssociation,
        keys: &[String],
    ) -> Result<BTreeMap<String, Tagged<RouteTableAssociation>>, ProviderError> {
        let ids: Vec<String> = keys
            .iter()
            .filter(|key| !key.is_empty() && !key.starts_with(IMPORTED))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let describe = |ids| associations(this, vec![ids]);
        let name = "association.route-table-association-id";
        let found: HashMap<_, _> = describe_by_filter(name, &ids, describe).await?;
        let mut out: BTreeMap<_, _> = keys
            .iter()
            .filter_map(|key| Some((key.clone(), untagged(found.get(key)?.clone()))))
            .collect();
        for key in keys {
            let Some(import) = ImportKey::parse(key) else {
                continue;
            };
            let found = associations(
                this,
                vec![filter("route-table-id", [import.table.as_str()])],
            )
            .await?
            .into_values()
            .find(|association| import.matches(association));
            match found {
                Some(association) => out.insert(key.clone(), untagged(association)),
                None => out.remove(key),
            };
        }
        Ok(out)
    }

    async fn create(
        this: &AwsRouteTableAssociation,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<String, ProviderError> {
        let output = sent!(this
            .aws
            .clients()
            .await
            .ec2
            .associate_route_table()
            .set_route_table_id(string_attribute(planned, "route_table_id"))
            .set_subnet_id(non_empty_attribute(planned, "subnet_id"))
            .set_gateway_id(non_empty_attribute(planned, "gateway_id")))?;
        output
            .association_id()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("AssociateRouteTable returned no association id"))
    }

    async fn update(
        this: &AwsRouteTableAssociation,
        _operation: &Operation,
        _key: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<String, ProviderError> {
        // An imported prior's key is not an id: the update needs the stored one.
        let id = string_attribute(prior, "id").ok_or_else(Self::missing_key)?;
        let output = sent!(this
            .aws
            .clients()
            .await
            .ec2
            .replace_route_table_association()
            .association_id(&id)
            .set_route_table_id(string_attribute(planned, "route_table_id")))?;
        Ok(output.new_association_id().unwrap_or(&id).to_string())
    }

    /// The association just written, by its id (an error with AWS's code when it is gone).
    async fn written(
        this: &AwsRouteTableAssociation,
        id: &str,
    ) -> Result<Tagged<RouteTableAssociation>, ProviderError> {
        associations(
            this,
            vec![filter("association.route-table-association-id", [id])],
        )
        .await?
        .remove(id)
        .map(untagged)
        .ok_or_else(|| {
            ProviderError::with_code(
                "InvalidAssociationID.NotFound",
                format!("route table association {id} not found"),
            )
        })
    }

    async fn delete(
        this: &AwsRouteTableAssociation,
        _operation: &Operation,
        _key: &str,
        prior: &Value,
    ) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let result = sent!(this
            .aws
            .clients()
            .await
            .ec2
            .disassociate_route_table()
            .association_id(&id));
        deleted_or_gone(result, crate::error::is_not_found)
    }

    /// Associations carry no tags: the natural key is the subnet (or gateway) and table.
    async fn find_created(
        this: &AwsRouteTableAssociation,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Tagged<RouteTableAssociation>>, ProviderError> {
        let (key, target) = match (
            non_empty_attribute(planned, "subnet_id"),
            non_empty_attribute(planned, "gateway_id"),
        ) {
            (Some(subnet), _) => ("association.subnet-id", subnet),
            (None, Some(gateway)) => ("association.gateway-id", gateway),
            (None, None) => return Ok(None),
        };
        let subnet = key == "association.subnet-id";
        let table = string_attribute(planned, "route_table_id");
        // The filter answers whole route tables, with every association they have: the one
        // this create made is the one of this subnet (or gateway), not a sibling's.
        Ok(associations(this, vec![filter(key, [target.clone()])])
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
            .map(untagged))
    }
}
