//! Helpers shared by the CloudWatch and CloudWatch Logs types: tags of many objects in one
//! Resource Groups Tagging API call (their describe calls return no tags).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::Client as LogsClient;
use infra_core::{Creating, Deleting, ProviderError, ResourceType, Schema, Updating, Value};

use crate::app_support::{deleted_or_missing, sent, string, vanished};
use crate::association::split_pair;
use crate::Aws;

use crate::clients::Clients;

/// The units CloudWatch accepts for a metric.
pub const UNITS: &[&str] = &[
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// Tags as the services whose TagResource takes a plain map want them (CloudWatch Logs,
/// Application Auto Scaling, Cognito user pools): the `sdk_tags` that
/// [`crate::app_support::resource_tag_changes`] calls, imported under that name.
pub fn tag_map(tags: &BTreeMap<String, String>) -> Result<HashMap<String, String>, ProviderError> {
    Ok(tags.clone().into_iter().collect())
}

/// GetResources takes at most 100 ARNs in `ResourceARNList`.
pub const TAGGING_ARNS_PER_CALL: usize = 100;

/// The tags of the given ARNs that the Resource Groups Tagging API knows, 100 ARNs a
/// GetResources call (the caller needs `tag:GetResources`). An ARN missing from the answer
/// has no tags, or is not indexed yet (an object created a moment ago): the caller asks the
/// service's own ListTagsForResource for those.
pub async fn tagging_tags(
    clients: &Clients,
    arns: &[String],
) -> Result<BTreeMap<String, Vec<(String, String)>>, ProviderError> {
    let mut tags = BTreeMap::new();
    for chunk in arns.chunks(TAGGING_ARNS_PER_CALL) {
        // AWS refuses ResourceARNList together with any paging parameter and answers all
        // the ARNs at once; moto pages the answer anyway, so follow its token on its own.
        let mut response =
            sent!(clients.tagging.get_resources().set_resource_arn_list(Some(chunk.to_vec())))?;
        loop {
            for mapping in response.resource_tag_mapping_list() {
                let Some(arn) = mapping.resource_arn() else {
                    continue;
                };
                let pairs = mapping
                    .tags()
                    .iter()
                    .map(|tag| (tag.key().to_string(), tag.value().to_string()))
                    .collect();
                tags.insert(arn.to_string(), pairs);
            }
            let Some(token) = response.pagination_token().filter(|t| !t.is_empty()) else {
                break;
            };
            response = sent!(clients.tagging.get_resources().pagination_token(token))?;
        }
    }
    Ok(tags)
}

/// The longest prefix every name shares (empty for no names), to narrow a listing by prefix.
pub fn common_prefix(names: &[String]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    names.iter().skip(1).fold(first.clone(), |common, name| {
        common.chars().zip(name.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
    })
}

/// Splits a two-part import ID (`GROUP:NAME`, `GROUP|NAME`) at `separator`; both parts must be
/// non-empty and there must be exactly one separator, as the provider requires.
pub fn two_part_id(
    type_name: &str,
    id: &str,
    separator: char,
    expected: &str,
) -> Result<(String, String), ProviderError> {
    split_pair(id, separator).ok_or_else(|| {
        ProviderError::new(format!(
            "{type_name}: unexpected format for ID ({id}), expected {expected}"
        ))
    })
}

/// The names wanted from each log group: `(log_group_name, name)` pairs grouped by group, so a
/// refresh lists each group once.
pub fn by_log_group(keys: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (group, name) in keys {
        let names = groups.entry(group.clone()).or_default();
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    groups
}

/// `(log_group_name, name)` of an object named within a log group (a stream, a metric filter, a
/// subscription filter), from its prior or planned value.
pub fn log_group_and_name(value: &Value) -> Option<(String, String)> {
    Some((string(value, "log_group_name")?, string(value, "name")?))
}

/// The objects found in log groups (streams, metric filters, subscription filters), by
/// `(log_group_name, name)`: `list` is called once per group with the names wanted from it and
/// answers the group's objects (a group that is gone answers none, see [`log_group_pages!`]);
/// only those of a wanted name are kept.
pub async fn describe_in_log_groups<T, Fut>(
    keys: &[(String, String)],
    name_of: impl Fn(&T) -> Option<&str>,
    list: impl Fn(String, Vec<String>) -> Fut,
) -> Result<BTreeMap<(String, String), T>, ProviderError>
where
    Fut: Future<Output = Result<Vec<T>, ProviderError>>,
{
    let mut out = BTreeMap::new();
    for (group, names) in by_log_group(keys) {
        for object in list(group.clone(), names.clone()).await? {
            let Some(name) = name_of(&object).map(str::to_string) else {
                continue;
            };
            if names.contains(&name) {
                out.insert((group.clone(), name), object);
            }
        }
    }
    Ok(out)
}

/// Every item of every page of a CloudWatch Logs listing within one log group:
/// `log_group_pages!(request, items)` pages through `request.into_paginator()` and gathers each
/// page's `items()`; a not-found answer (the group is gone) ends the listing, any other error
/// is the caller's (`return Err`). A macro because each paginator is its own SDK type.
macro_rules! log_group_pages {
    ($request:expr, $items:ident) => {{
        let mut items = Vec::new();
        let mut pages = $request.into_paginator().send();
        while let Some(page) = pages.next().await {
            match page.map_err($crate::error::aws_error) {
                Ok(page) => items.extend(page.$items().iter().cloned()),
                Err(error) if $crate::app_support::is_missing(&error) => break,
                Err(error) => return Err(error),
            }
        }
        items
    }};
}
pub(crate) use log_group_pages;

/// The value an import starts from for an object named within a log group.
pub fn imported_in_log_group(id: String, group: String, name: String) -> Value {
    Value::map([
        ("id", Value::string(id)),
        ("name", Value::string(name)),
        ("log_group_name", Value::string(group)),
    ])
}

/// Each prior object's refreshed value: the one `found` holds under its log group and name, as
/// `to_value` (given the group) makes it, or `None` where it is gone.
pub fn found_in_log_groups<T>(
    prior: &[Value],
    found: &BTreeMap<(String, String), T>,
    to_value: impl Fn(&str, &T) -> Value,
) -> Vec<Option<Value>> {
    prior
        .iter()
        .map(|p| {
            let key = log_group_and_name(p)?;
            found.get(&key).map(|object| to_value(&key.0, object))
        })
        .collect()
}

/// What differs between the objects named within a log group (streams, metric filters,
/// subscription filters): names and API calls. [`InLogGroup`] is the one resource type over
/// them: refresh lists each log group once ([`describe_in_log_groups`]); a delete's not-found
/// answer is done; they take no tags, so crash recovery reads the object of the planned group
/// and name (the create wrote it: a Put* call replaces an object of that name with the same
/// configuration, and CreateLogStream refuses an existing name).
pub trait LogGroupMember: Send + Sync + 'static {
    type Object: Send + Sync;
    /// The Terraform type name.
    const TYPE_NAME: &'static str;
    /// The object's name in messages ("log stream").
    const KIND: &'static str;
    /// Whether an update writes the object again (the filters: their Put* call replaces one in
    /// place), or only reads it back (a stream: every argument forces a new one).
    const WRITES_ON_UPDATE: bool;
    fn schema() -> Schema;
    fn validate(_config: &Value) -> Vec<(String, String)> {
        vec![]
    }
    fn normalize(_value: &mut Value) {}
    /// The object's name, read by its accessor (`LogStream::log_stream_name`).
    const NAME_OF: fn(&Self::Object) -> Option<&str>;
    fn to_value(group: &str, object: &Self::Object) -> Value;
    /// The objects of `group`, narrowed to `names` where the API can (see
    /// [`log_group_pages!`]).
    fn list(
        client: &LogsClient,
        group: String,
        names: Vec<String>,
    ) -> impl Future<Output = Result<Vec<Self::Object>, ProviderError>> + Send;
    /// Creates (or replaces) the planned object.
    fn write(
        client: &LogsClient,
        group: &str,
        name: &str,
        planned: &Value,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// The delete call's answer (not-found is done: [`deleted_or_missing`]).
    fn delete(
        client: &LogsClient,
        group: String,
        name: String,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// Terraform's import ID: the group and the name joined by this separator, and the
    /// format its error names.
    const IMPORT_ID: (char, &'static str);
    /// The `id` of the object of this group and name: by default the name.
    fn id(_group: &str, name: &str) -> String {
        name.to_string()
    }
}

/// A resource type of objects named within a log group, over one [`LogGroupMember`].
pub struct InLogGroup<M> {
    aws: Arc<Aws>,
    schema: Schema,
    member: PhantomData<M>,
}

impl<M: LogGroupMember> InLogGroup<M> {
    pub fn new(aws: Arc<Aws>) -> InLogGroup<M> {
        InLogGroup { aws, schema: M::schema(), member: PhantomData }
    }

    /// The objects found, by `(group, name)`: one listing per group.
    async fn describe(
        &self,
        keys: &[(String, String)],
    ) -> Result<BTreeMap<(String, String), M::Object>, ProviderError> {
        let client = &self.aws.clients().await.logs;
        describe_in_log_groups(keys, M::NAME_OF, |group, names| M::list(client, group, names)).await
    }

    async fn read_one(&self, group: &str, name: &str) -> Result<Option<Value>, ProviderError> {
        let key = (group.to_string(), name.to_string());
        Ok(self
            .describe(std::slice::from_ref(&key))
            .await?
            .remove(&key)
            .map(|object| M::to_value(group, &object)))
    }

    async fn write(&self, planned: &Value) -> Result<Value, ProviderError> {
        let (group, name) = log_group_and_name(planned).ok_or_else(|| {
            ProviderError::new(format!("{} needs a name and group", M::TYPE_NAME))
        })?;
        M::write(&self.aws.clients().await.logs, &group, &name, planned).await?;
        self.read_one(&group, &name).await?.ok_or_else(|| vanished(M::KIND, &name))
    }
}

#[async_trait::async_trait]
impl<M: LogGroupMember> ResourceType for InLogGroup<M> {
    fn name(&self) -> &'static str {
        M::TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        M::validate(config)
    }

    fn normalize(&self, value: &mut Value) {
        M::normalize(value)
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        self.write(at.planned).await
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        if M::WRITES_ON_UPDATE {
            return self.write(at.planned).await;
        }
        let (group, name) = log_group_and_name(at.prior)
            .ok_or_else(|| ProviderError::new(format!("{} has no key in state", M::TYPE_NAME)))?;
        self.read_one(&group, &name).await?.ok_or_else(|| vanished(M::KIND, &name))
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        let Some((group, name)) = log_group_and_name(at.prior) else {
            return Ok(());
        };
        deleted_or_missing(M::delete(&self.aws.clients().await.logs, group, name).await)
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let keys: Vec<(String, String)> = prior.iter().filter_map(log_group_and_name).collect();
        let found = self.describe(&keys).await?;
        Ok(found_in_log_groups(prior, &found, M::to_value))
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (separator, expected) = M::IMPORT_ID;
        let (group, name) = two_part_id(M::TYPE_NAME, id, separator, expected)?;
        Ok(imported_in_log_group(M::id(&group, &name), group, name))
    }

    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        match log_group_and_name(at.planned) {
            Some((group, name)) => self.read_one(&group, &name).await,
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_of_names() {
        assert_eq!(common_prefix(&[]), "");
        assert_eq!(common_prefix(&["app-a".to_string(), "app-b".to_string()]), "app-");
        assert_eq!(common_prefix(&["x".to_string()]), "x");
    }

    #[test]
    fn two_part_ids_need_both_parts() {
        assert_eq!(
            two_part_id("t", "group:name", ':', "a:b").unwrap(),
            ("group".to_string(), "name".to_string())
        );
        assert!(two_part_id("t", "group:", ':', "a:b").is_err());
        assert!(two_part_id("t", "a:b:c", ':', "a:b").is_err());
        assert!(two_part_id("t", "group|name", ':', "a:b").is_err());
    }
}
