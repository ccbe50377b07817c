//! RDS pieces shared by the RDS types: tags (RDS tags by ARN), managed-tag checks, the
//! provider's identifier rule, the named groups' shared type ([`RdsGroup`], [`RdsGroupType`]),
//! and an offline client for request-building tests.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_rds::types::{MasterUserSecret, Tag};
use infra_core::{Operation, ProviderError, ResourceType, Schema, Timeouts, Value};

use crate::app_support::{boolean, by_key, has_managed_tags, keys_of, send_tag_changes, sent};
use crate::app_support::{set_tags, string, text, vanished};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

/// A state object being read.
pub type Object = BTreeMap<String, Value>;

pub fn tags_to_sdk(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn tags_from_sdk(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `master_user_secret` as the instance resource and data source read it: a list of the
/// one managed secret (none without one).
pub fn master_user_secret(secret: Option<&MasterUserSecret>) -> Value {
    Value::List(
        secret
            .map(|s| {
                Value::map([
                    ("kms_key_id", text(s.kms_key_id())),
                    ("secret_arn", text(s.secret_arn())),
                    ("secret_status", text(s.secret_status())),
                ])
            })
            .into_iter()
            .collect(),
    )
}

/// The tags of one RDS resource (subnet groups do not carry them in their describe answer).
pub async fn list_tags(
    client: &aws_sdk_rds::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let response = sent!(client.list_tags_for_resource().resource_name(arn))?;
    Ok(tags_from_sdk(response.tag_list()))
}

/// Adds and removes the tag difference between `prior` and `planned` on an RDS ARN.
pub async fn update_tags(
    client: &aws_sdk_rds::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    send_tag_changes!(
        prior,
        planned,
        |to_remove| client
            .remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(to_remove)),
        |to_set| client
            .add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(tags_to_sdk(&to_set)))
    );
    Ok(())
}

/// A parameter or option group's `name_prefix` (kept from `hint`, the prior state or the
/// planned value, when the name begins with it) and `skip_destroy` (configuration only).
pub fn insert_prefix_and_skip_destroy(object: &mut Object, name: &str, hint: &Value) {
    object.insert(
        "name_prefix".to_string(),
        match hint.get("name_prefix").as_str() {
            Some(prefix) if name.starts_with(prefix) => Value::string(prefix),
            _ => Value::Null,
        },
    );
    object.insert(
        "skip_destroy".to_string(),
        Value::Bool(boolean(hint, "skip_destroy").unwrap_or(false)),
    );
}

/// The provider's `validIdentifier` check of `value` (the `key` argument: a DB instance, proxy
/// or proxy target group name), in its wording: lowercase letters, digits and hyphens, a letter
/// first, no two hyphens in a row, none at the end. Every rule broken is one message.
pub fn identifier_problems(key: &str, value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(format!(
            "only lowercase alphanumeric characters and hyphens allowed in \"{key}\""
        ));
    }
    if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
        problems.push(format!("first character of \"{key}\" must be a letter"));
    }
    if value.contains("--") {
        problems.push(format!("\"{key}\" cannot contain two consecutive hyphens"));
    }
    if value.ends_with('-') {
        problems.push(format!("\"{key}\" cannot end with a hyphen"));
    }
    problems
}

/// An RDS group's `name` and `name_prefix`: the two conflict (the provider's ConflictsWith), and
/// each set one is checked by `problem(name, is_prefix)`.
pub fn group_name_checks(
    config: &Value,
    problem: impl Fn(&str, bool) -> Option<String>,
) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if !config.get("name").is_null() && !config.get("name_prefix").is_null() {
        problems.push((
            "name_prefix".to_string(),
            "\"name_prefix\": conflicts with name".to_string(),
        ));
    }
    for key in ["name", "name_prefix"] {
        if let Some(name) = config.get(key).as_str() {
            if let Some(message) = problem(name, key == "name_prefix") {
                problems.push((key.to_string(), message));
            }
        }
    }
    problems
}

/// The problems of `config`'s `keys` under [`identifier_problems`], as `(path, message)`; null
/// and unknown values pass.
pub fn identifier_checks(config: &Value, keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .filter_map(|key| Some((*key, config.get(key).as_str()?)))
        .flat_map(|(key, value)| {
            identifier_problems(key, value)
                .into_iter()
                .map(move |problem| (key.to_string(), problem))
        })
        .collect()
}

/// What one RDS "group" type is (`aws_db_subnet_group`, `aws_db_parameter_group`,
/// `aws_db_option_group`): an object named by its `name` (given, from `name_prefix`, or
/// generated `terraform-...`), described by name, tagged by its ARN (ListTagsForResource; the
/// describe answers carry no tags), imported by its name. Only its schema, describe, value and
/// calls are its own; [`RdsGroupType`] writes the rest once.
#[async_trait::async_trait]
pub trait RdsGroup: Send + Sync + Sized + 'static {
    /// The SDK's object, e.g. `DbParameterGroup`.
    type Group: Send + Sync;
    /// What a read needs beyond the describe and the tags (the parameters of a parameter
    /// group), read per group before its tags.
    type Details: Default + Send + Sync;
    /// The Terraform type name.
    const NAME: &'static str;
    /// The object's name in messages ("DB parameter group").
    const KIND: &'static str;
    /// The schema (`tags` and `tags_all` are added).
    fn schema() -> Schema;
    fn default_timeouts() -> Timeouts {
        Timeouts::default()
    }
    fn validate(config: &Value) -> Vec<(String, String)>;
    /// The group's name and ARN, as the SDK's accessors read them.
    const NAME_OF: fn(&Self::Group) -> Option<&str>;
    const ARN: fn(&Self::Group) -> Option<&str>;
    /// The groups among `names` that exist.
    async fn describe(
        rds: &aws_sdk_rds::Client,
        names: &[String],
    ) -> Result<Vec<Self::Group>, ProviderError>;
    /// The details of the group `name` (by default none).
    async fn details(
        _rds: &aws_sdk_rds::Client,
        _name: &str,
    ) -> Result<Self::Details, ProviderError> {
        Ok(Self::Details::default())
    }
    /// The state value of a group but its `id`, `arn`, `name` and tags (which
    /// [`RdsGroupType`] reads); `hint` is its prior state (or the planned value), for what AWS
    /// does not report.
    fn to_value(group: &Self::Group, details: &Self::Details, hint: &Value) -> Object;
    /// Creates the group named `name` with `tags` (the managed tags included), and sets up
    /// what the create call does not; returns the name AWS stores it under.
    async fn create(
        rds: &aws_sdk_rds::Client,
        tags: Vec<Tag>,
        name: &str,
        planned: &Value,
    ) -> Result<String, ProviderError>;
    /// What an update changes beyond the tags (which [`RdsGroupType`] updates after it).
    async fn update(
        rds: &aws_sdk_rds::Client,
        name: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError>;
    /// Deletes the group (a group already gone is deleted); `skip_destroy` is checked before.
    async fn delete(
        rds: &aws_sdk_rds::Client,
        operation: &Operation,
        name: &str,
    ) -> Result<(), ProviderError>;
    /// The names a create whose answer was lost may have made; the managed tags decide.
    async fn created_names(
        rds: &aws_sdk_rds::Client,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Vec<String>, ProviderError>;
}

/// The [`ResourceType`] of an [`RdsGroup`].
pub struct RdsGroupType<G: RdsGroup> {
    aws: Arc<Aws>,
    schema: Schema,
    group: PhantomData<G>,
}

type Read<G> = (
    <G as RdsGroup>::Group,
    <G as RdsGroup>::Details,
    Vec<(String, String)>,
);

impl<G: RdsGroup> RdsGroupType<G> {
    pub fn new(aws: Arc<Aws>) -> RdsGroupType<G> {
        RdsGroupType {
            aws,
            schema: G::schema().with_tags(),
            group: PhantomData,
        }
    }

    /// The groups among `names` that exist, each with its details and tags: one describe,
    /// then per group its details and ListTagsForResource.
    async fn read_names(
        rds: &aws_sdk_rds::Client,
        names: &[String],
    ) -> Result<BTreeMap<String, Read<G>>, ProviderError> {
        let mut out = BTreeMap::new();
        let described = G::describe(rds, names).await?.into_iter();
        let by_name: BTreeMap<String, G::Group> = described
            .filter_map(|group| Some(((G::NAME_OF)(&group)?.to_string(), group)))
            .collect();
        for (name, group) in by_name {
            let details = G::details(rds, &name).await?;
            let tags = match (G::ARN)(&group) {
                Some(arn) => list_tags(rds, arn).await?,
                None => vec![],
            };
            out.insert(name, (group, details, tags));
        }
        Ok(out)
    }

    async fn read_one(
        rds: &aws_sdk_rds::Client,
        name: &str,
        hint: &Value,
    ) -> Result<Value, ProviderError> {
        Self::read_names(rds, &[name.to_string()])
            .await?
            .remove(name)
            .map(|read| Self::value(&read, hint))
            .ok_or_else(|| vanished(G::KIND, name))
    }

    /// The state value of a group read: its `id` and `name` (the name), `arn` and tags, and
    /// what [`RdsGroup::to_value`] reads.
    fn value((group, details, tags): &Read<G>, hint: &Value) -> Value {
        let name = text((G::NAME_OF)(group));
        let mut object = G::to_value(group, details, hint);
        object.insert("id".to_string(), name.clone());
        object.insert("arn".to_string(), text((G::ARN)(group)));
        object.insert("name".to_string(), name);
        set_tags(
            &mut object,
            tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        Value::Map(object)
    }
}

const NAME_KEYS: [&str; 2] = ["name", "name_prefix"];

#[async_trait::async_trait]
impl<G: RdsGroup> ResourceType for RdsGroupType<G> {
    fn name(&self) -> &'static str {
        G::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        G::default_timeouts()
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        G::validate(config)
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, NAME_KEYS, "terraform-")
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let rds = &self.aws.clients().await.rds;
        let name = name_for_create(operation, planned, NAME_KEYS, "terraform-");
        let tags = tags_to_sdk(&operation.tags_with_managed(planned));
        let name = G::create(rds, tags, &name, planned).await?;
        Self::read_one(rds, &name, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let rds = &self.aws.clients().await.rds;
        let name = string(prior, "name")
            .ok_or_else(|| ProviderError::new(format!("{} has no name in state", G::NAME)))?;
        G::update(rds, &name, prior, planned).await?;
        if let Some(arn) = string(prior, "arn") {
            update_tags(rds, &arn, prior, planned).await?;
        }
        Self::read_one(rds, &name, planned).await
    }

    /// `skip_destroy` (configuration only, where the type has it) leaves the group in AWS.
    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        if boolean(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let rds = &self.aws.clients().await.rds;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        G::delete(rds, operation, &name).await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let rds = &self.aws.clients().await.rds;
        let found = Self::read_names(rds, &keys_of(prior, "name")).await?;
        Ok(by_key(prior, "name", |name| found.get(name), Self::value))
    }

    /// Terraform's import ID: the group's name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("name", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let rds = &self.aws.clients().await.rds;
        let names = G::created_names(rds, operation, planned).await?;
        Ok(Self::read_names(rds, &names)
            .await?
            .into_values()
            .find(|(_, _, tags)| has_managed_tags(tags, operation))
            .map(|read| Self::value(&read, planned)))
    }
}

/// A client that is never sent anything: request-building tests read its builders' input.
#[cfg(test)]
pub fn offline_client() -> aws_sdk_rds::Client {
    let config = aws_sdk_rds::Config::builder()
        .behavior_version(aws_sdk_rds::config::BehaviorVersion::latest())
        .region(aws_sdk_rds::config::Region::new("us-east-1"))
        .build();
    aws_sdk_rds::Client::from_conf(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_the_providers_rule_with_one_message_per_rule() {
        assert!(identifier_problems("name", "app-proxy-1").is_empty());
        assert_eq!(
            identifier_problems("name", "1Bad--"),
            [
                "only lowercase alphanumeric characters and hyphens allowed in \"name\"",
                "first character of \"name\" must be a letter",
                "\"name\" cannot contain two consecutive hyphens",
                "\"name\" cannot end with a hyphen",
            ]
        );
    }

    #[test]
    fn group_names_conflict_and_each_is_checked_knowing_whether_it_is_the_prefix() {
        let checked = |config: Value| {
            group_name_checks(&config, |name, prefix| {
                (name != "ok").then(|| format!("{name} {prefix}"))
            })
        };
        assert!(checked(Value::map([("name", Value::string("ok"))])).is_empty());
        assert_eq!(
            checked(Value::map([
                ("name", Value::string("ok")),
                ("name_prefix", Value::string("pre")),
            ])),
            [
                (
                    "name_prefix".to_string(),
                    "\"name_prefix\": conflicts with name".to_string()
                ),
                ("name_prefix".to_string(), "pre true".to_string()),
            ]
        );
        assert_eq!(
            checked(Value::map([("name", Value::string("bad"))])),
            [("name".to_string(), "bad false".to_string())]
        );
    }
}
