//! RDS pieces shared by the RDS types: tags (RDS tags by ARN), managed-tag checks, the
//! provider's identifier rule, what the named groups share ([`tagged_groups`] and the helpers
//! after it), and an offline client for request-building tests.

use std::collections::BTreeMap;
use std::future::Future;

use aws_sdk_rds::types::{MasterUserSecret, Tag};
use infra_core::{Operation, ProviderError, Value};

use crate::app_support::{
    computed_name_prefix_attribute, has_managed_tags, read_each, send_tag_changes, sent, string,
    text,
};
use crate::aws_object::{AwsObject, ObjectType, Tagged};
use crate::declared::{read, Declared, Reading};
use crate::ec2_support::name_for_create;
use crate::tagging::ManagedTags;

pub fn tags_to_sdk(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

pub fn tags_from_sdk(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| {
            (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string())
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

/// A parameter or option group's `name_prefix`, read as the prior state (or the planned value)
/// holds it when the group's name (`name_of`) begins with it, else null.
pub fn name_prefix<G: 'static>(name_of: fn(&G) -> Option<&str>) -> Declared<G> {
    let attribute = computed_name_prefix_attribute();
    read(attribute, move |group: &G, at: &Reading| match at.prior.get("name_prefix").as_str() {
        Some(prefix) if name_of(group).unwrap_or_default().starts_with(prefix) => {
            Value::string(prefix)
        }
        _ => Value::Null,
    })
}

/// The provider's `validIdentifier` check of `value` (the `key` argument: a DB instance, proxy
/// or proxy target group name), in its wording: lowercase letters, digits and hyphens, a letter
/// first, no two hyphens in a row, none at the end. Every rule broken is one message.
pub fn identifier_problems(key: &str, value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.is_empty()
        || !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
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

/// An RDS group's `name` and `name_prefix` (which conflict, as each declares): each set one
/// checked by `problem(name, is_prefix)`.
pub fn group_name_checks(
    config: &Value,
    problem: impl Fn(&str, bool) -> Option<String>,
) -> Vec<(String, String)> {
    let mut problems = Vec::new();
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

/// The RDS "group" types (`aws_db_subnet_group`, `aws_db_parameter_group`,
/// `aws_db_option_group`) are [`crate::aws_object::AwsObject`]s named by their `name` (given,
/// from `name_prefix`, or generated `terraform-...`), described by name, tagged by their ARN
/// (ListTagsForResource; the describe answers carry no tags) and imported by their name. What
/// they share: the described groups with their tags ([`tagged_groups`]), the create's name and
/// tags ([`name_and_tags`]), the tag update by the prior ARN ([`update_group_tags`]),
/// `skip_destroy` ([`AwsObject::SKIP_DESTROY`]) and a lost create's group among several ([`first_managed`]).
///
/// The groups described, each under its name (`name_of`): per group what the type reads of it
/// (`object`, e.g. with its parameters), then its tags; the groups read
/// [`crate::app_support::READS_IN_FLIGHT`] at a time.
pub async fn tagged_groups<G, T, Fut>(
    rds: &aws_sdk_rds::Client,
    described: Vec<G>,
    name_of: fn(&G) -> Option<&str>,
    arn_of: fn(&G) -> Option<&str>,
    object: impl Fn(String, G) -> Fut,
) -> Result<BTreeMap<String, Tagged<T>>, ProviderError>
where
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let by_name: BTreeMap<String, G> = described
        .into_iter()
        .filter_map(|group| Some((name_of(&group)?.to_string(), group)))
        .collect();
    let reads: Vec<_> = by_name
        .into_iter()
        .map(|(name, group)| {
            let arn = arn_of(&group).map(str::to_string);
            let object = object(name.clone(), group);
            async move {
                let object = object.await?;
                let tags = match arn {
                    Some(arn) => list_tags(rds, &arn).await?,
                    None => vec![],
                };
                Ok((name, Tagged { object, tags }))
            }
        })
        .collect();
    Ok(read_each(reads).await?.into_iter().collect())
}

/// What a group's create sends: its name (given, from `name_prefix`, or generated, as kept in
/// the pending entry) and its tags, the operation's managed tags included.
pub fn name_and_tags(operation: &Operation, planned: &Value) -> (String, Vec<Tag>) {
    (
        name_for_create(operation, planned, ["name", "name_prefix"], "terraform-"),
        tags_to_sdk(&operation.tags_with_managed(planned)),
    )
}

/// The tag difference between `prior` and `planned`, sent to the group's ARN in the prior
/// state (after the group's own changes).
pub async fn update_group_tags(
    rds: &aws_sdk_rds::Client,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    match string(prior, "arn") {
        Some(arn) => update_tags(rds, &arn, prior, planned).await,
        None => Ok(()),
    }
}

/// The group a create whose answer was lost made, among those found: the first (by name) that
/// carries the operation's managed tags.
pub fn first_managed<T>(
    found: BTreeMap<String, Tagged<T>>,
    operation: &Operation,
) -> Option<Tagged<T>> {
    found.into_values().find(|group| has_managed_tags(&group.tags, operation))
}

/// A lost create's group (the groups' `find_created`): the group of the configured `name`, as
/// AWS stores it (`stored`), or for a generated name every group (`all`, each named by
/// `name_of`) is a candidate; the tags decide ([`first_managed`]).
pub async fn created_group<O, G, Fut>(
    this: &ObjectType<O>,
    operation: &Operation,
    planned: &Value,
    stored: fn(String) -> String,
    all: impl FnOnce() -> Fut,
    name_of: fn(&G) -> Option<&str>,
) -> Result<Option<Tagged<O::Object>>, ProviderError>
where
    O: AwsObject,
    Fut: Future<Output = Result<Vec<G>, ProviderError>>,
{
    let names = match string(planned, "name") {
        Some(name) => vec![stored(name)],
        None => {
            all().await?.iter().filter_map(|group| name_of(group).map(str::to_string)).collect()
        }
    };
    Ok(first_managed(O::describe(this, &names).await?, operation))
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
    fn a_groups_name_prefix_is_kept_only_while_its_name_begins_with_it() {
        let (_, declaration) = crate::declared::declare(
            infra_core::Schema::new(),
            vec![name_prefix(|name: &String| Some(name.as_str()))],
        );
        let prior = Value::map([("name_prefix", Value::string("app-"))]);
        let read =
            |name: &str, prior: &Value| declaration.value(&name.to_string(), &Reading::of(prior));
        assert_eq!(read("app-123", &prior), Value::map([("name_prefix", Value::string("app-"))]));
        let none = Value::map([("name_prefix", Value::Null)]);
        assert_eq!(read("other", &prior), none);
        assert_eq!(read("app-123", &Value::Null), none);
        assert!(crate::aws_object::skips_destroy(&Value::map([(
            "skip_destroy",
            Value::Bool(true)
        )])));
        assert!(!crate::aws_object::skips_destroy(&Value::map([(
            "skip_destroy",
            Value::Bool(false)
        )])));
        assert!(!crate::aws_object::skips_destroy(&Value::Null));
    }

    #[test]
    fn a_lost_create_is_the_first_group_by_name_with_the_operations_tags() {
        let operation = Operation {
            address: "aws_db_parameter_group.main".into(),
            lineage: "lineage".into(),
            ..Operation::default()
        };
        let managed = vec![
            (infra_core::resource::ADDRESS_TAG.to_string(), operation.address.clone()),
            (infra_core::resource::LINEAGE_TAG.to_string(), operation.lineage.clone()),
        ];
        let group = |tags: &Vec<(String, String)>| Tagged { object: (), tags: tags.clone() };
        let found = BTreeMap::from([
            ("a".to_string(), group(&vec![])),
            ("b".to_string(), group(&managed)),
            ("c".to_string(), group(&managed)),
        ]);
        let first = first_managed(found, &operation).map(|g| g.tags);
        assert_eq!(first, Some(managed));
        let unmanaged = BTreeMap::from([("a".to_string(), group(&vec![]))]);
        assert!(first_managed(unmanaged, &operation).is_none());
    }

    #[test]
    fn group_names_are_each_checked_knowing_whether_it_is_the_prefix() {
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
            [("name_prefix".to_string(), "pre true".to_string())]
        );
        assert_eq!(
            checked(Value::map([("name", Value::string("bad"))])),
            [("name".to_string(), "bad false".to_string())]
        );
    }
}
