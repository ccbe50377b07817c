//! `aws_db_subnet_group`: the subnets an RDS instance may be placed in.
//!
//! Refresh lists every subnet group once (DescribeDBSubnetGroups, paginated; the API has no
//! name-list filter) and matches by name, then reads tags per found group
//! (ListTagsForResource; the describe answer carries none). Without `name`, create generates
//! one from `name_prefix` (configuration only) or `terraform-`.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_rds::types::DbSubnetGroup;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::has_managed_tags;
use crate::app_support::{
    by_key, changed, describe_named, keys_of, set_tags, string, string_list, strings, text,
    vanished,
};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::{aws_error, is_not_found};
use crate::paginated::all_items;
use crate::rds_support::{list_tags, tags_to_sdk, update_tags};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsDbSubnetGroup {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsDbSubnetGroup {
    pub fn new(aws: Arc<Aws>) -> AwsDbSubnetGroup {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("vpc_id", Type::String))
            .attr(Attribute::computed(
                "supported_network_types",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(Attribute::optional("name_prefix", Type::String).force_new())
            .attr(
                Attribute::optional("description", Type::String)
                    .default(Value::string("Managed by Terraform")),
            )
            .attr(Attribute::required("subnet_ids", Type::set(Type::String)))
            .with_tags();
        AwsDbSubnetGroup { aws, schema }
    }

    /// Subnet groups by name, with their tags.
    async fn describe(
        &self,
        names: &[String],
    ) -> Result<BTreeMap<String, (DbSubnetGroup, Vec<(String, String)>)>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let mut out = BTreeMap::new();
        let groups = describe_named(
            names,
            DbSubnetGroup::db_subnet_group_name,
            |name| async move {
                let response = client
                    .describe_db_subnet_groups()
                    .db_subnet_group_name(name)
                    .send()
                    .await
                    .map_err(aws_error)?;
                Ok(response.db_subnet_groups().to_vec())
            },
            || async { all_items!(client.describe_db_subnet_groups()) },
        )
        .await?;
        for group in groups {
            let Some(name) = group.db_subnet_group_name().map(str::to_string) else {
                continue;
            };
            let tags = match group.db_subnet_group_arn() {
                Some(arn) => list_tags(client, arn).await?,
                None => vec![],
            };
            out.insert(name, (group, tags));
        }
        Ok(out)
    }

    async fn read_one(&self, name: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.describe(&[name.to_string()])
            .await?
            .remove(name)
            .map(|(group, tags)| to_value(&group, &tags, hint))
            .ok_or_else(|| vanished("DB subnet group", name))
    }
}

fn to_value(group: &DbSubnetGroup, tags: &[(String, String)], hint: &Value) -> Value {
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), text(group.db_subnet_group_name()));
    object.insert("arn".to_string(), text(group.db_subnet_group_arn()));
    object.insert("vpc_id".to_string(), text(group.vpc_id()));
    object.insert("name".to_string(), text(group.db_subnet_group_name()));
    object.insert(
        "description".to_string(),
        text(group.db_subnet_group_description()),
    );
    object.insert(
        "subnet_ids".to_string(),
        string_list(group.subnets().iter().filter_map(|s| s.subnet_identifier())),
    );
    object.insert(
        "supported_network_types".to_string(),
        string_list(group.supported_network_types()),
    );
    object.insert("name_prefix".to_string(), hint.get("name_prefix").clone());
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsDbSubnetGroup {
    fn name(&self) -> &'static str {
        "aws_db_subnet_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !config.get("name").is_null() && !config.get("name_prefix").is_null() {
            problems.push((
                "name_prefix".to_string(),
                "\"name_prefix\" conflicts with \"name\": set only one.".to_string(),
            ));
        }
        if let Some(name) = config.get("name").as_str() {
            let valid = name.len() <= 255
                && name.chars().all(|c| {
                    c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || matches!(c, '.' | '_' | '-' | ' ')
                })
                && name != "default";
            if !valid {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\" is not a valid DB subnet group name: lowercase letters, digits, '.', '_', '-', ' ' only, not \"default\""),
                ));
            }
        }
        problems
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let name = name_for_create(operation, planned, ["name", "name_prefix"], "terraform-");
        client
            .create_db_subnet_group()
            .db_subnet_group_name(&name)
            .db_subnet_group_description(
                string(planned, "description")
                    .unwrap_or_else(|| "Managed by Terraform".to_string()),
            )
            .set_subnet_ids(Some(strings(planned, "subnet_ids")))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        self.read_one(&name, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let name = string(prior, "name")
            .ok_or_else(|| ProviderError::new("aws_db_subnet_group has no name in state"))?;
        if changed(prior, planned, "description") || changed(prior, planned, "subnet_ids") {
            client
                .modify_db_subnet_group()
                .db_subnet_group_name(&name)
                .set_db_subnet_group_description(string(planned, "description"))
                .set_subnet_ids(Some(strings(planned, "subnet_ids")))
                .send()
                .await
                .map_err(aws_error)?;
        }
        if let Some(arn) = string(prior, "arn") {
            update_tags(client, &arn, prior, planned).await?;
        }
        self.read_one(&name, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.rds;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        match client
            .delete_db_subnet_group()
            .db_subnet_group_name(&name)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let found = self.describe(&keys_of(prior, "name")).await?;
        Ok(by_key(
            prior,
            "name",
            |name| found.get(name),
            |(group, tags), p| to_value(group, tags, p),
        ))
    }

    /// Terraform's import ID: its name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("name", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let name = name_for_create(operation, planned, ["name", "name_prefix"], "terraform-");
        Ok(self
            .describe(std::slice::from_ref(&name))
            .await?
            .remove(&name)
            .filter(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(group, tags)| to_value(&group, &tags, planned)))
    }
}
