//! `aws_codedeploy_app`: a CodeDeploy application. The Terraform ID is
//! `<application_id>:<name>`, as the provider makes it; the import ID is the name (an
//! `<application_id>:<name>` ID is accepted too).
//!
//! `compute_platform` forces a new application. `name` changes in place (UpdateApplication
//! renames the application, its deployment groups go with it); tags change with TagResource /
//! UntagResource on the application's ARN, which AWS does not return and the provider builds
//! (`arn:<partition>:codedeploy:<region>:<account>:application:<name>`).
//!
//! Refresh is one BatchGetApplications for up to 100 names, then one ListTagsForResource per
//! application (the API has no batched tag read). BatchGetApplications fails as a whole when
//! one name does not exist; the names of that call are then asked one by one (GetApplication)
//! to tell the gone ones apart.
//!
//! The test emulator (moto 5.2.5) lacks UpdateApplication and DeleteApplication; they are added
//! by `tests/support/moto_codedeploy.py`. moto returns neither `gitHubAccountName` nor
//! `linkedToGitHub`, which AWS returns as unset and `false` for an application that is not
//! linked to GitHub (the console links it), so they read back as AWS's unlinked values.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_codedeploy::types::{ApplicationInfo, ComputePlatform, Tag};
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    changed, has_managed_tags, read_each, send_tag_changes, sent, set_tags, string, text, vanished,
};
use crate::clients::partition_of;
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

/// BatchGetApplications takes at most 100 names a call.
const APPLICATIONS_PER_CALL: usize = 100;

/// CodeDeploy's error code for an application that does not exist.
pub(super) const APPLICATION_MISSING: &str = "ApplicationDoesNotExistException";

/// CodeDeploy's error code for a deployment group that does not exist.
pub(super) const GROUP_MISSING: &str = "DeploymentGroupDoesNotExistException";

const PLATFORMS: &[&str] = &["Server", "Lambda", "ECS"];

/// An application as read: its value and all its tags.
type Found = (Value, Vec<(String, String)>);

pub struct AwsCodedeployApp {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCodedeployApp {
    pub fn new(aws: Arc<Aws>) -> AwsCodedeployApp {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("application_id", Type::String))
            .attr(Attribute::required("name", Type::String))
            .attr(
                Attribute::optional("compute_platform", Type::String)
                    .default(Value::string("Server"))
                    .force_new()
                    .check(Check::OneOf(PLATFORMS)),
            )
            .attr(Attribute::computed("github_account_name", Type::String))
            .attr(Attribute::computed("linked_to_github", Type::Bool))
            .with_tags();
        AwsCodedeployApp { aws, schema }
    }

    /// The applications among `names` that exist, by name: each as a value, with the tags it
    /// carries (the managed `infra:*` ones too, which the value leaves out).
    async fn describe(&self, names: &[String]) -> Result<BTreeMap<String, Found>, ProviderError> {
        if names.is_empty() {
            return Ok(BTreeMap::new());
        }
        let client = &self.aws.clients().await.codedeploy;
        let prefix = arn_prefix(&self.aws).await?;
        let mut unique = names.to_vec();
        unique.sort();
        unique.dedup();
        let mut applications: Vec<ApplicationInfo> = Vec::new();
        for chunk in unique.chunks(APPLICATIONS_PER_CALL) {
            let answer = sent!(client
                .batch_get_applications()
                .set_application_names(Some(chunk.to_vec())));
            match answer {
                Ok(output) => applications.extend(output.applications_info().iter().cloned()),
                Err(error) if error.code.as_deref() == Some(APPLICATION_MISSING) => {
                    // One gone name fails the whole call: ask for each name alone.
                    let reads: Vec<_> = chunk
                        .iter()
                        .map(|name| get_application(client, name))
                        .collect();
                    applications.extend(read_each(reads).await?.into_iter().flatten());
                }
                Err(error) => return Err(error),
            }
        }
        let reads: Vec<_> = applications
            .iter()
            .filter_map(|application| {
                let name = application.application_name()?.to_string();
                let arn = application_arn(&prefix, &name);
                Some(async move {
                    let tags = tags_of(client, &arn).await?;
                    Ok::<_, ProviderError>(tags.map(|tags| (name, arn, tags)))
                })
            })
            .collect();
        let tagged = read_each(reads).await?;
        let mut found = BTreeMap::new();
        for (name, arn, tags) in tagged.into_iter().flatten() {
            if let Some(application) = applications
                .iter()
                .find(|a| a.application_name() == Some(name.as_str()))
            {
                let value = to_value(application, &arn, &tags);
                found.insert(name, (value, tags));
            }
        }
        Ok(found)
    }

    async fn read_one(&self, name: &str) -> Result<Value, ProviderError> {
        self.describe(&[name.to_string()])
            .await?
            .remove(name)
            .map(|(value, _)| value)
            .ok_or_else(|| vanished("CodeDeploy application", name))
    }
}

/// `arn:<partition>:codedeploy:<region>:<account>`, the start of every CodeDeploy ARN: AWS
/// returns none for applications and deployment groups, the provider builds them.
pub(super) async fn arn_prefix(aws: &Aws) -> Result<String, ProviderError> {
    let region = aws.clients().await.region.clone();
    let account = aws.account_id().await?;
    Ok(format!(
        "arn:{}:codedeploy:{region}:{account}",
        partition_of(&region)
    ))
}

fn application_arn(prefix: &str, name: &str) -> String {
    format!("{prefix}:application:{name}")
}

/// One application by name; `None` when it does not exist.
async fn get_application(
    client: &aws_sdk_codedeploy::Client,
    name: &str,
) -> Result<Option<ApplicationInfo>, ProviderError> {
    match sent!(client.get_application().application_name(name)) {
        Ok(output) => Ok(output.application().cloned()),
        Err(error) if error.code.as_deref() == Some(APPLICATION_MISSING) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The tags of an application or deployment group by ARN, all pages; `None` when the object
/// is gone.
pub(super) async fn tags_of(
    client: &aws_sdk_codedeploy::Client,
    arn: &str,
) -> Result<Option<Vec<(String, String)>>, ProviderError> {
    let mut tags = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = match sent!(client
            .list_tags_for_resource()
            .resource_arn(arn)
            .set_next_token(token.take()))
        {
            Ok(page) => page,
            Err(error)
                if matches!(
                    error.code.as_deref(),
                    Some(APPLICATION_MISSING | GROUP_MISSING)
                ) =>
            {
                return Ok(None)
            }
            Err(error) => return Err(error),
        };
        tags.extend(page.tags().iter().filter_map(|tag| {
            Some((
                tag.key()?.to_string(),
                tag.value().unwrap_or_default().to_string(),
            ))
        }));
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(Some(tags)),
        }
    }
}

/// Tags as CodeDeploy takes them.
pub(super) fn sdk_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| Tag::builder().key(key).value(value).build())
        .collect()
}

/// Applies the tag changes from `prior` to `planned` to the object at `arn`.
pub(super) async fn update_tags(
    client: &aws_sdk_codedeploy::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    send_tag_changes!(
        prior,
        planned,
        |to_remove| client
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(to_remove)),
        |to_set| client
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(sdk_tags(&to_set)))
    );
    Ok(())
}

/// An object's length check with the provider's wording (`StringLenBetween`).
pub(super) fn length_problem(
    attribute: &str,
    value: &Value,
    low: usize,
    high: usize,
) -> Option<String> {
    let text = value.as_str()?;
    let length = text.chars().count();
    (length < low || length > high).then(|| {
        format!("expected length of {attribute} to be in the range ({low} - {high}), got {text}")
    })
}

fn to_value(application: &ApplicationInfo, arn: &str, tags: &[(String, String)]) -> Value {
    let name = application.application_name().unwrap_or_default();
    let id = application.application_id().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(format!("{id}:{name}")));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("application_id".to_string(), Value::string(id));
    object.insert("name".to_string(), Value::string(name));
    object.insert(
        "compute_platform".to_string(),
        text(application.compute_platform().map(|p| p.as_str())),
    );
    // The provider stores an unlinked application's account name as "".
    object.insert(
        "github_account_name".to_string(),
        Value::string(application.git_hub_account_name().unwrap_or_default()),
    );
    object.insert(
        "linked_to_github".to_string(),
        Value::Bool(application.linked_to_git_hub()),
    );
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

/// The application's name: the `name` attribute, else the name part of an
/// `<application_id>:<name>` ID (or the whole ID, as import gives it).
fn name_of(value: &Value) -> Option<String> {
    if let Some(name) = string(value, "name").filter(|n| !n.is_empty()) {
        return Some(name);
    }
    let id = string(value, "id")?;
    Some(match id.split_once(':') {
        Some((_, name)) if !name.contains(':') => name.to_string(),
        _ => id,
    })
}

#[async_trait::async_trait]
impl ResourceType for AwsCodedeployApp {
    fn name(&self) -> &'static str {
        "aws_codedeploy_app"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        length_problem("name", config.get("name"), 1, 100)
            .map(|message| ("name".to_string(), message))
            .into_iter()
            .collect()
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_codedeploy_app needs a known \"name\""))?;
        let platform = string(planned, "compute_platform").unwrap_or_else(|| "Server".into());
        sent!(self
            .aws
            .clients()
            .await
            .codedeploy
            .create_application()
            .application_name(&name)
            .compute_platform(ComputePlatform::from(platform.as_str()))
            .set_tags(Some(sdk_tags(&operation.tags_with_managed(planned)))))
        .map_err(|e| e.context(&format!("creating CodeDeploy Application ({name})")))?;
        self.read_one(&name).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.codedeploy;
        let old_name = name_of(prior)
            .ok_or_else(|| ProviderError::new("aws_codedeploy_app has no name in state"))?;
        let new_name = string(planned, "name").unwrap_or_else(|| old_name.clone());
        // Tags first, on the ARN the application has until it is renamed.
        let prefix = arn_prefix(&self.aws).await?;
        update_tags(client, &application_arn(&prefix, &old_name), prior, planned).await?;
        if changed(prior, planned, "name") && new_name != old_name {
            sent!(client
                .update_application()
                .application_name(&old_name)
                .new_application_name(&new_name))
            .map_err(|e| {
                e.context(&format!(
                    "updating CodeDeploy Application ({old_name}) name"
                ))
            })?;
        }
        self.read_one(&new_name).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(name) = name_of(prior) else {
            return Ok(());
        };
        match sent!(self
            .aws
            .clients()
            .await
            .codedeploy
            .delete_application()
            .application_name(&name))
        {
            Ok(_) => Ok(()),
            Err(error) if error.code.as_deref() == Some(APPLICATION_MISSING) => Ok(()),
            Err(error) => Err(error.context(&format!("deleting CodeDeploy Application ({name})"))),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let names: Vec<String> = prior.iter().filter_map(name_of).collect();
        let found = self.describe(&names).await?;
        Ok(prior
            .iter()
            .map(|p| name_of(p).and_then(|name| found.get(&name).map(|(value, _)| value.clone())))
            .collect())
    }

    /// The name, or `<application_id>:<name>` as the provider's importer also takes.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let name = match id.split_once(':') {
            Some((_, name)) if !name.contains(':') => name,
            _ => id,
        };
        if name.is_empty() {
            return Err(ProviderError::new(format!(
                "unexpected format for ID ({id}), expected <name> or <application_id>:<name>"
            )));
        }
        Ok(Value::map([
            ("name", Value::string(name)),
            ("id", Value::string(id)),
        ]))
    }

    /// Names are unique in a region; ours carries the managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let found = self.describe(std::slice::from_ref(&name)).await?;
        Ok(found
            .get(&name)
            .filter(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(value, _)| value.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_the_attribute_or_the_id() {
        let value = Value::map([("id", Value::string("0b1c-2d:orders"))]);
        assert_eq!(name_of(&value).as_deref(), Some("orders"));
        let imported = Value::map([("id", Value::string("orders"))]);
        assert_eq!(name_of(&imported).as_deref(), Some("orders"));
        let named = Value::map([
            ("id", Value::string("0b1c-2d:old")),
            ("name", Value::string("new")),
        ]);
        assert_eq!(name_of(&named).as_deref(), Some("new"));
    }

    #[test]
    fn import_takes_a_name_or_an_id() {
        let app = AwsCodedeployApp::new(Aws::new(crate::ProviderSettings::default()));
        let prior = app.import_prior("orders").unwrap_or(Value::Null);
        assert_eq!(prior.get("name").as_str(), Some("orders"));
        let prior = app.import_prior("0b1c-2d:orders").unwrap_or(Value::Null);
        assert_eq!(prior.get("name").as_str(), Some("orders"));
        assert!(app.validate(&Value::map([("name", Value::string(""))]))[0]
            .1
            .contains("(1 - 100)"));
    }
}
