//! One implementation of the "subnet group" types that several data services share
//! (`aws_elasticache_subnet_group`, `aws_redshift_subnet_group`): a named set of VPC subnets with
//! a description and tags. Each service supplies its API calls through [`SubnetGroupApi`]; the
//! schema, validation, refresh, crash recovery and import are here, once.
//!
//! The Terraform import ID of each is its name. Crash recovery finds a group by its name and
//! adopts it only when it carries this operation's `infra:address`/`infra:lineage` tags.

use std::collections::BTreeMap;
use std::future::Future;

use infra_core::{
    Attribute, Creating, Deleting, ProviderError, ResourceType, Schema, Type, Updating, Value,
};

use crate::app_support::{changed, has_managed_tags, set_tags, string, string_list, strings, text};
use crate::app_support::{tag_changes, vanished};
use crate::error::is_not_found;
use crate::tagging::{ManagedTags, WithTags};

/// The provider's default description of a subnet group.
pub const DEFAULT_DESCRIPTION: &str = "Managed by Terraform";

/// A subnet group as the service reports it.
pub struct SubnetGroupRecord {
    pub name: String,
    pub arn: Option<String>,
    pub description: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub tags: Vec<(String, String)>,
}

/// What differs between the services: names and API calls.
pub trait SubnetGroupApi: Send + Sync {
    /// The Terraform type name.
    fn type_name(&self) -> &'static str;
    /// The service's name for the object in messages ("ElastiCache subnet group").
    fn kind(&self) -> &'static str;
    /// Whether the provider exports `vpc_id` for this type.
    fn exports_vpc_id(&self) -> bool;
    /// The stored form of a configured name (ElastiCache lowercases names).
    fn stored_name(&self, name: &str) -> String {
        name.to_string()
    }
    /// Why a configured name is invalid, or `None` when it is valid.
    fn name_problem(&self, name: &str) -> Option<String>;
    /// The groups among `names` that exist, with their tags.
    fn describe(
        &self,
        names: &[String],
    ) -> impl Future<Output = Result<Vec<SubnetGroupRecord>, ProviderError>> + Send;
    fn create(
        &self,
        name: &str,
        description: &str,
        subnet_ids: Vec<String>,
        tags: &BTreeMap<String, String>,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    fn modify(
        &self,
        name: &str,
        description: &str,
        subnet_ids: Vec<String>,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// Removes the tags of these keys (called only with some).
    fn remove_tags(
        &self,
        arn: &str,
        keys: Vec<String>,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// Adds or overwrites these tags (called only with some).
    fn add_tags(
        &self,
        arn: &str,
        tags: &BTreeMap<String, String>,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// Deletes the group (a not-found answer, a group already gone, is not an error).
    fn delete(&self, name: &str) -> impl Future<Output = Result<(), ProviderError>> + Send;
}

/// Tags as a service's answer holds them (each service has its own `Tag` type: a subnet
/// group's, an ECR repository's, an SNS topic's), as key/value pairs.
pub fn tag_pairs<T>(
    tags: &[T],
    key: fn(&T) -> Option<&str>,
    value: fn(&T) -> Option<&str>,
) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| {
            let pair = (key(t).unwrap_or_default(), value(t).unwrap_or_default());
            (pair.0.to_string(), pair.1.to_string())
        })
        .collect()
}

/// The IDs of a subnet group's subnets (each service has its own `Subnet` type).
pub fn subnet_ids<S>(subnets: &[S], id: fn(&S) -> Option<&str>) -> Vec<String> {
    subnets.iter().filter_map(|s| id(s).map(str::to_string)).collect()
}

/// The objects named `$names` (a `&[String]`), by [`crate::app_support::describe_named`] over
/// one service's describe call that takes one name or lists every object (RDS, ElastiCache,
/// Redshift groups and proxies): `$request` (e.g. `rds.describe_db_subnet_groups()`) with
/// `.$by_name(name)` for one name, its paginated listing for several (or `$all`, a future of
/// every object, where the listing needs care); `$list` is the answer's list of objects and
/// `$name_of` an object's name. A macro: each call's builder and answer are types of their own.
macro_rules! describe_by_name {
    ($request:expr, $by_name:ident, $list:ident, $name_of:expr, $names:expr) => {
        $crate::subnet_group_support::describe_by_name!(
            $request,
            $by_name,
            $list,
            $name_of,
            $names,
            all: async { $crate::paginated::all_items!($request) }
        )
    };
    ($request:expr, $by_name:ident, $list:ident, $name_of:expr, $names:expr, all: $all:expr) => {
        $crate::app_support::describe_named(
            $names,
            $name_of,
            |name| async move {
                let answer = $crate::app_support::sent!($request
                    .$by_name(name))?;
                Ok(answer.$list().to_vec())
            },
            || $all,
        )
    };
}
pub(crate) use describe_by_name;

/// Writes a service's [`SubnetGroupApi`] from its names: the type's, the object's and whether it
/// exports `vpc_id`, and its calls' (create, modify, delete and the two tag calls are the same
/// requests in every service but for the operations' and fields' names); the items after the
/// names (name rule, describe) are the service's own. A macro, not a generic: each service's
/// request builders are types of their own, with no trait to name them by.
macro_rules! subnet_group_api {
    (
        impl $api:ident over $client:ident {
            type_name: $type_name:literal,
            kind: $kind:literal,
            exports_vpc_id: $exports_vpc_id:literal,
            create: $create:ident,
            modify: $modify:ident,
            delete: $delete:ident,
            name: $name:ident,
            description: $description:ident,
            add_tags: $add_tags:ident,
            remove_tags: $remove_tags:ident,
            tag: $tag:ty $(,)?
        }
        $($particular:tt)*
    ) => {
        impl $api {
            fn sdk_tags(tags: &std::collections::BTreeMap<String, String>) -> Vec<$tag> {
                tags.iter()
                    .map(|(k, v)| <$tag>::builder().key(k).value(v).build())
                    .collect()
            }
        }

        impl $crate::subnet_group_support::SubnetGroupApi for $api {
            fn type_name(&self) -> &'static str {
                $type_name
            }

            fn kind(&self) -> &'static str {
                $kind
            }

            fn exports_vpc_id(&self) -> bool {
                $exports_vpc_id
            }

            $($particular)*

            async fn create(
                &self,
                name: &str,
                description: &str,
                subnet_ids: Vec<String>,
                tags: &std::collections::BTreeMap<String, String>,
            ) -> Result<(), infra_core::ProviderError> {
                let client = &self.aws.clients().await.$client;
                $crate::app_support::sent!(client
                    .$create()
                    .$name(name)
                    .$description(description)
                    .set_subnet_ids(Some(subnet_ids))
                    .set_tags(Some(Self::sdk_tags(tags))))?;
                Ok(())
            }

            async fn modify(
                &self,
                name: &str,
                description: &str,
                subnet_ids: Vec<String>,
            ) -> Result<(), infra_core::ProviderError> {
                let client = &self.aws.clients().await.$client;
                $crate::app_support::sent!(client
                    .$modify()
                    .$name(name)
                    .$description(description)
                    .set_subnet_ids(Some(subnet_ids)))?;
                Ok(())
            }

            async fn remove_tags(
                &self,
                arn: &str,
                keys: Vec<String>,
            ) -> Result<(), infra_core::ProviderError> {
                let client = &self.aws.clients().await.$client;
                $crate::app_support::sent!(client
                    .$remove_tags()
                    .resource_name(arn)
                    .set_tag_keys(Some(keys)))?;
                Ok(())
            }

            async fn add_tags(
                &self,
                arn: &str,
                tags: &std::collections::BTreeMap<String, String>,
            ) -> Result<(), infra_core::ProviderError> {
                let client = &self.aws.clients().await.$client;
                $crate::app_support::sent!(client
                    .$add_tags()
                    .resource_name(arn)
                    .set_tags(Some(Self::sdk_tags(tags))))?;
                Ok(())
            }

            async fn delete(&self, name: &str) -> Result<(), infra_core::ProviderError> {
                let client = &self.aws.clients().await.$client;
                $crate::app_support::sent!(client
                    .$delete()
                    .$name(name))?;
                Ok(())
            }
        }
    };
}
pub(crate) use subnet_group_api;

/// A subnet group resource type over one service's API.
pub struct SubnetGroup<A> {
    api: A,
    schema: Schema,
}

impl<A: SubnetGroupApi> SubnetGroup<A> {
    pub fn new(api: A) -> SubnetGroup<A> {
        let mut schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(
                Attribute::optional("description", Type::String)
                    .default(Value::string(DEFAULT_DESCRIPTION)),
            )
            .attr(Attribute::required("subnet_ids", Type::set(Type::String)))
            .with_tags();
        if api.exports_vpc_id() {
            schema = schema.attr(Attribute::computed("vpc_id", Type::String));
        }
        SubnetGroup { api, schema }
    }

    fn to_value(&self, record: &SubnetGroupRecord) -> Value {
        let mut object = BTreeMap::new();
        object.insert("id".to_string(), Value::string(&record.name));
        object.insert("arn".to_string(), text(record.arn.as_deref()));
        object.insert("name".to_string(), Value::string(&record.name));
        object.insert("description".to_string(), text(record.description.as_deref()));
        object.insert("subnet_ids".to_string(), string_list(&record.subnet_ids));
        if self.api.exports_vpc_id() {
            object.insert("vpc_id".to_string(), text(record.vpc_id.as_deref()));
        }
        set_tags(&mut object, record.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        Value::Map(object)
    }

    async fn read_one(&self, name: &str) -> Result<Value, ProviderError> {
        self.api
            .describe(&[name.to_string()])
            .await?
            .iter()
            .find(|record| record.name == name)
            .map(|record| self.to_value(record))
            .ok_or_else(|| vanished(self.api.kind(), name))
    }

    fn name_of(&self, value: &Value) -> Option<String> {
        string(value, "name").map(|name| self.api.stored_name(&name))
    }
}

fn description(value: &Value) -> String {
    string(value, "description").unwrap_or_else(|| DEFAULT_DESCRIPTION.to_string())
}

#[async_trait::async_trait]
impl<A: SubnetGroupApi + 'static> ResourceType for SubnetGroup<A> {
    fn name(&self) -> &'static str {
        self.api.type_name()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(problem) = config.get("name").as_str().and_then(|n| self.api.name_problem(n)) {
            problems.push(("name".to_string(), problem));
        }
        if config.get("description").as_str() == Some("") {
            problems.push((
                "description".to_string(),
                "\"description\" must not be empty.".to_string(),
            ));
        }
        problems
    }

    /// The stored name is what the service keeps, so a configured `Cache-Subnets` plans no
    /// change against the `cache-subnets` read back.
    fn normalize(&self, value: &mut Value) {
        let stored = value.get("name").as_str().map(|n| self.api.stored_name(n));
        if let (Some(stored), Some(entries)) = (stored, value.map_mut()) {
            entries.insert("name".to_string(), Value::string(stored));
        }
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let name = self
            .name_of(at.planned)
            .ok_or_else(|| ProviderError::new(format!("{}: no name", self.api.type_name())))?;
        self.api
            .create(
                &name,
                &description(at.planned),
                strings(at.planned, "subnet_ids"),
                &at.operation.tags_with_managed(at.planned),
            )
            .await?;
        self.read_one(&name).await
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        let name = self.name_of(at.prior).ok_or_else(|| {
            ProviderError::new(format!("{}: no name in state", self.api.type_name()))
        })?;
        if changed(at.prior, at.planned, "description")
            || changed(at.prior, at.planned, "subnet_ids")
        {
            self.api
                .modify(&name, &description(at.planned), strings(at.planned, "subnet_ids"))
                .await?;
        }
        let (to_set, to_remove) = tag_changes(at.prior, at.planned);
        if let Some(arn) = string(at.prior, "arn") {
            if !to_remove.is_empty() {
                self.api.remove_tags(&arn, to_remove).await?;
            }
            if !to_set.is_empty() {
                self.api.add_tags(&arn, &to_set).await?;
            }
        }
        self.read_one(&name).await
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        match self.name_of(at.prior) {
            Some(name) => match self.api.delete(&name).await {
                Err(error) if !is_not_found(&error) => Err(error),
                _ => Ok(()),
            },
            None => Ok(()),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let names: Vec<String> = prior.iter().filter_map(|p| self.name_of(p)).collect();
        let found = self.api.describe(&names).await?;
        Ok(prior
            .iter()
            .map(|p| {
                let name = self.name_of(p)?;
                found.iter().find(|record| record.name == name).map(|record| self.to_value(record))
            })
            .collect())
    }

    /// Terraform's import ID: the name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("name", id))
    }

    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        let Some(name) = self.name_of(at.planned) else {
            return Ok(None);
        };
        Ok(self
            .api
            .describe(std::slice::from_ref(&name))
            .await?
            .iter()
            .find(|record| record.name == name && has_managed_tags(&record.tags, at.operation))
            .map(|record| self.to_value(record)))
    }
}
