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

use aws_sdk_codedeploy::types::{ApplicationInfo, ComputePlatform, Tag};
use infra_core::{Attribute, Check, Operation, ProviderError, Type, Value};

use crate::app_support::{
    changed, deleted_or_gone, read_each, resource_tag_changes, sent, string, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::clients::partition_of;
use crate::declared::{read, Declared, Reading};
use crate::tagging::ManagedTags;
use crate::Aws;

/// BatchGetApplications takes at most 100 names a call.
const APPLICATIONS_PER_CALL: usize = 100;

/// CodeDeploy's error code for an application that does not exist.
pub(super) const APPLICATION_MISSING: &str = "ApplicationDoesNotExistException";

/// CodeDeploy's error code for a deployment group that does not exist.
pub(super) const GROUP_MISSING: &str = "DeploymentGroupDoesNotExistException";

const PLATFORMS: &[&str] = &["Server", "Lambda", "ECS"];

pub type AwsCodedeployApp = ObjectType<AppObject>;

pub struct AppObject;

/// An application as described, with the ARN the provider builds for it (AWS returns none).
pub struct Application {
    info: ApplicationInfo,
    arn: String,
}

impl Application {
    fn name(&self) -> &str {
        self.info.application_name().unwrap_or_default()
    }

    fn id(&self) -> &str {
        self.info.application_id().unwrap_or_default()
    }
}

/// `arn:<partition>:codedeploy:<region>:<account>`, the start of every CodeDeploy ARN: AWS
/// returns none for applications and deployment groups, the provider builds them.
pub(super) async fn arn_prefix(aws: &Aws) -> Result<String, ProviderError> {
    let region = aws.clients().await.region.clone();
    let account = aws.account_id().await?;
    Ok(format!("arn:{}:codedeploy:{region}:{account}", partition_of(&region)))
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
                if matches!(error.code.as_deref(), Some(APPLICATION_MISSING | GROUP_MISSING)) =>
            {
                return Ok(None)
            }
            Err(error) => return Err(error),
        };
        tags.extend(page.tags().iter().filter_map(|tag| {
            Some((tag.key()?.to_string(), tag.value().unwrap_or_default().to_string()))
        }));
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(Some(tags)),
        }
    }
}

/// Tags as CodeDeploy takes them.
pub(super) fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    Ok(tags.iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect())
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

impl AwsObject for AppObject {
    type Object = Application;
    const NAME: &'static str = "aws_codedeploy_app";
    const KIND: &'static str = "CodeDeploy application";
    const KEY: &'static str = "name";

    fn attributes() -> Vec<Declared<Application>> {
        vec![
            read(Attribute::computed("id", Type::String), |app: &Application, _: &Reading| {
                Value::string(format!("{}:{}", app.id(), app.name()))
            }),
            read(Attribute::computed("arn", Type::String), |app: &Application, _: &Reading| {
                Value::string(&app.arn)
            }),
            read(
                Attribute::computed("application_id", Type::String),
                |app: &Application, _: &Reading| Value::string(app.id()),
            ),
            read(
                Attribute::required("name", Type::String).check(Check::Length(1, 100)),
                |app: &Application, _: &Reading| Value::string(app.name()),
            ),
            read(
                Attribute::optional("compute_platform", Type::String)
                    .default(Value::string("Server"))
                    .force_new()
                    .check(Check::OneOf(PLATFORMS)),
                |app: &Application, _: &Reading| {
                    text(app.info.compute_platform().map(|p| p.as_str()))
                },
            ),
            // The provider stores an unlinked application's account name as "".
            read(
                Attribute::computed("github_account_name", Type::String),
                |app: &Application, _: &Reading| {
                    Value::string(app.info.git_hub_account_name().unwrap_or_default())
                },
            ),
            read(
                Attribute::computed("linked_to_github", Type::Bool),
                |app: &Application, _: &Reading| Value::Bool(app.info.linked_to_git_hub()),
            ),
        ]
    }

    fn key_of(value: &Value) -> Option<String> {
        name_of(value)
    }

    /// The name, or `<application_id>:<name>` as the provider's importer also takes.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let name = match id.split_once(':') {
            Some((_, name)) if !name.contains(':') => name,
            _ => id,
        };
        if name.is_empty() {
            return Err(ProviderError::new(format!(
                "unexpected format for ID ({id}), expected <name> or <application_id>:<name>"
            )));
        }
        Ok(Value::map([("name", Value::string(name)), ("id", Value::string(id))]))
    }

    /// Names are unique in a region; ours carries the managed tags.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// The applications among `names` that exist, by name, with all their tags (the managed
    /// `infra:*` ones too, which the value leaves out).
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Application> {
        if names.is_empty() {
            return Ok(BTreeMap::new());
        }
        let client = &this.aws.clients().await.codedeploy;
        let prefix = arn_prefix(&this.aws).await?;
        let mut unique = names.to_vec();
        unique.sort();
        unique.dedup();
        let mut applications: Vec<ApplicationInfo> = Vec::new();
        for chunk in unique.chunks(APPLICATIONS_PER_CALL) {
            let answer =
                sent!(client.batch_get_applications().set_application_names(Some(chunk.to_vec())));
            match answer {
                Ok(output) => applications.extend(output.applications_info().iter().cloned()),
                Err(error) if error.code.as_deref() == Some(APPLICATION_MISSING) => {
                    // One gone name fails the whole call: ask for each name alone.
                    let reads: Vec<_> =
                        chunk.iter().map(|name| get_application(client, name)).collect();
                    applications.extend(read_each(reads).await?.into_iter().flatten());
                }
                Err(error) => return Err(error),
            }
        }
        let reads: Vec<_> = applications
            .into_iter()
            .filter_map(|info| {
                let name = info.application_name()?.to_string();
                let arn = application_arn(&prefix, &name);
                Some(async move {
                    let tags = tags_of(client, &arn).await?;
                    let object = Application { info, arn };
                    Ok::<_, ProviderError>(tags.map(|tags| (name, Tagged { object, tags })))
                })
            })
            .collect();
        Ok(read_each(reads).await?.into_iter().flatten().collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_codedeploy_app needs a known \"name\""))?;
        let platform = string(at.planned, "compute_platform").unwrap_or_else(|| "Server".into());
        sent!(at
            .this
            .aws
            .clients()
            .await
            .codedeploy
            .create_application()
            .application_name(&name)
            .compute_platform(ComputePlatform::from(platform.as_str()))
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?)))
        .map_err(|e| e.context(&format!("creating CodeDeploy Application ({name})")))?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let old_name = at.key;
        let client = &at.this.aws.clients().await.codedeploy;
        let new_name = string(at.planned, "name").unwrap_or_else(|| old_name.to_string());
        // Tags first, on the ARN the application has until it is renamed.
        let prefix = arn_prefix(&at.this.aws).await?;
        let arn = application_arn(&prefix, old_name);
        resource_tag_changes!(client, resource_arn(&arn), at.prior, at.planned);
        if changed(at.prior, at.planned, "name") && new_name != old_name {
            sent!(client
                .update_application()
                .application_name(old_name)
                .new_application_name(&new_name))
            .map_err(|e| {
                e.context(&format!("updating CodeDeploy Application ({old_name}) name"))
            })?;
        }
        Ok(new_name)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let name = at.key;
        let client = &at.this.aws.clients().await.codedeploy;
        let answer = sent!(client.delete_application().application_name(name));
        deleted_or_gone(answer, |error| error.code.as_deref() == Some(APPLICATION_MISSING))
            .map_err(|error| error.context(&format!("deleting CodeDeploy Application ({name})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::ResourceType;

    #[test]
    fn the_name_comes_from_the_attribute_or_the_id() {
        let value = Value::map([("id", Value::string("0b1c-2d:orders"))]);
        assert_eq!(name_of(&value).as_deref(), Some("orders"));
        let imported = Value::map([("id", Value::string("orders"))]);
        assert_eq!(name_of(&imported).as_deref(), Some("orders"));
        let named =
            Value::map([("id", Value::string("0b1c-2d:old")), ("name", Value::string("new"))]);
        assert_eq!(name_of(&named).as_deref(), Some("new"));
    }

    #[test]
    fn import_takes_a_name_or_an_id() {
        let app = AwsCodedeployApp::new(Aws::new(crate::ProviderSettings::default()));
        let prior = app.import_prior("orders").unwrap_or(Value::Null);
        assert_eq!(prior.get("name").as_str(), Some("orders"));
        let prior = app.import_prior("0b1c-2d:orders").unwrap_or(Value::Null);
        assert_eq!(prior.get("name").as_str(), Some("orders"));
        assert!(app.problems(&Value::map([("name", Value::string(""))]))[0]
            .1
            .contains("(1 - 100)"));
    }
}
