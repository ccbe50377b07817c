//! `aws_iam_service_linked_role`: a role that an AWS service assumes, made by
//! CreateServiceLinkedRole (IAM chooses its name and path, `/aws-service-role/<service>/`).
//!
//! `aws_service_name` and `custom_suffix` force replacement; `description` (UpdateRole) and
//! tags change in place. CreateServiceLinkedRole takes no tags, so they are added with TagRole
//! right after, as the provider does. Delete is DeleteServiceLinkedRole, then polling the
//! deletion task until it succeeds (or fails, with AWS's reason). The id is the ARN, which is
//! also the import ID. Refresh is one GetRole per role, run concurrently.
//!
//! moto holds every argument; drift on them is seen in tests.

use aws_sdk_iam::types::{DeletionTaskStatusType, Role};
use infra_core::{Attribute, ProviderError, Type, Value};

use crate::app_support::{changed, has_managed_tags, sent, string, text, wait_for};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::create_memo;
use crate::declared::{read, reported, Declared};
use crate::iam_support::{date, found, owned_tags, tags_to_sdk, update_tags};
use crate::paginated::all_items;
use crate::tagging::ManagedTags;

pub type AwsIamServiceLinkedRole = ObjectType<ServiceLinkedRoleObject>;

pub struct ServiceLinkedRoleObject;

/// A role as read, with the service its ARN names.
pub struct LinkedRole {
    role: Role,
    service: String,
}

/// The role named `name` (GetRole), of the service `service`.
async fn get(
    this: &AwsIamServiceLinkedRole,
    service: String,
    name: &str,
) -> Result<Option<Tagged<LinkedRole>>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    let role = found(sent!(client.get_role().role_name(name)))?.and_then(|r| r.role().cloned());
    Ok(role
        .map(|role| Tagged { tags: owned_tags(role.tags()), object: LinkedRole { role, service } }))
}

/// The names of the roles under the service's path with the configured suffix: the roles a
/// create of `planned` could have made.
async fn roles_like(
    this: &AwsIamServiceLinkedRole,
    planned: &Value,
) -> Result<Vec<String>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    let Some(service) = string(planned, "aws_service_name") else {
        return Ok(vec![]);
    };
    let wanted_suffix = string(planned, "custom_suffix");
    let request = client.list_roles();
    let roles = all_items!(request.path_prefix(format!("/aws-service-role/{service}/")))?;
    Ok(roles
        .iter()
        .filter(|r| suffix(r.role_name()) == wanted_suffix.as_deref())
        .map(|r| r.role_name().to_string())
        .collect())
}

/// `arn:aws:iam::123456789012:role/aws-service-role/<service>/<name>` → (service, name).
fn parse_arn(arn: &str) -> Option<(String, String)> {
    let resource = arn.split_once(":role/aws-service-role/")?.1;
    let (service, name) = resource.rsplit_once('/')?;
    (!service.is_empty() && !name.is_empty()).then(|| (service.to_string(), name.to_string()))
}

/// The suffix IAM appended to the role's name (`AWSServiceRoleForAutoScaling_infra`): as the
/// provider reads it, only a name of exactly two `_`-separated parts has one.
fn suffix(name: &str) -> Option<&str> {
    let mut parts = name.split('_');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(suffix), None) => Some(suffix),
        _ => None,
    }
}

/// `custom_suffix` as read back; `hint` is the prior state (or the planned value).
fn custom_suffix(role: &LinkedRole, hint: &Value) -> Value {
    // Application Auto Scaling names its roles with a suffix of its own
    // (`AWSServiceRoleForApplicationAutoScaling_ECSService`); an unset `custom_suffix` is not
    // drift there (the provider suppresses that difference).
    let chosen_by_service =
        role.service.contains(".application-autoscaling.") && hint.get("custom_suffix").is_null();
    match suffix(role.role.role_name()) {
        Some(_) if chosen_by_service => Value::Null,
        Some(suffix) => Value::string(suffix),
        None => Value::Null,
    }
}

impl AwsObject for ServiceLinkedRoleObject {
    type Object = LinkedRole;
    const NAME: &'static str = "aws_iam_service_linked_role";
    const KIND: &'static str = "IAM service-linked role";
    const KEY: &'static str = "arn";
    const KEY_WORD: &'static str = "arn or name";
    const KEY_OR_ID: bool = true;
    const EVENTUALLY_CONSISTENT: bool = true;

    fn attributes() -> Vec<Declared<LinkedRole>> {
        let computed = |name| Attribute::computed(name, Type::String);
        vec![
            reported(computed("id"), |r: &LinkedRole| r.role.arn()),
            reported(computed("arn"), |r: &LinkedRole| r.role.arn()),
            read(computed("create_date"), |r: &LinkedRole, _| date(Some(r.role.create_date()))),
            reported(computed("name"), |r: &LinkedRole| r.role.role_name()),
            reported(computed("path"), |r: &LinkedRole| r.role.path()),
            reported(computed("unique_id"), |r: &LinkedRole| r.role.role_id()),
            reported(
                Attribute::required("aws_service_name", Type::String).force_new(),
                |r: &LinkedRole| &r.service,
            ),
            read(
                Attribute::optional("custom_suffix", Type::String).force_new(),
                |r: &LinkedRole, at| custom_suffix(r, at.prior),
            ),
            read(Attribute::optional("description", Type::String), |r: &LinkedRole, _| {
                text(r.role.description().filter(|d| !d.is_empty()))
            }),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        match config.get("aws_service_name").as_str() {
            Some(service) if !service.contains('.') => vec![(
                "aws_service_name".to_string(),
                format!(
                    "\"{service}\" must be a full service hostname e.g. elasticbeanstalk.amazonaws.com"
                ),
            )],
            _ => vec![],
        }
    }

    /// Terraform's import ID: the ARN.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        if parse_arn(id).is_none() {
            return Err(ProviderError::new(format!(
                "unexpected format of ID ({id}), expected a service-linked role ARN (arn:PARTITION:iam::ACCOUNT:role/aws-service-role/SERVICE/NAME)"
            )));
        }
        Ok(infra_core::resource::import_by("arn", id))
    }

    /// One GetRole per role (by the name in its ARN), run concurrently; an ARN not of a
    /// service-linked role is not found.
    async fn describe(this: &ObjectType<Self>, arns: &[String]) -> DescribeResult<LinkedRole> {
        each_key(arns, |arn| async move {
            match parse_arn(arn) {
                Some((service, name)) => get(this, service, &name).await,
                None => Ok(None),
            }
        })
        .await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        // Tagged by a later call: a role whose create answer was lost is found by having
        // been absent before the first send (`find_created`).
        if !create_memo::recorded(at.operation) {
            let existing = roles_like(at.this, at.planned).await?;
            create_memo::record(at.operation, existing);
        }
        let response = sent!(client
            .create_service_linked_role()
            .set_aws_service_name(string(at.planned, "aws_service_name"))
            .set_custom_suffix(string(at.planned, "custom_suffix"))
            .set_description(string(at.planned, "description")))?;
        let role = response
            .role()
            .ok_or_else(|| ProviderError::new("CreateServiceLinkedRole returned no role"))?;
        sent!(client
            .tag_role()
            .role_name(role.role_name())
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned))?)))?;
        Ok(role.arn().to_string())
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let name = string(at.prior, "name").ok_or_else(|| {
            ProviderError::new("aws_iam_service_linked_role has no arn or name in state")
        })?;
        if changed(at.prior, at.planned, "description") {
            sent!(client
                .update_role()
                .role_name(&name)
                .description(string(at.planned, "description").unwrap_or_default()))?;
        }
        update_tags!(client, untag_role, tag_role, role_name(&name), at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let Some(name) = string(at.prior, "name") else {
            return Ok(());
        };
        let Some(task) = found(sent!(client.delete_service_linked_role().role_name(&name)))?
            .map(|r| r.deletion_task_id().to_string())
        else {
            return Ok(());
        };
        wait_for(
            &format!("deletion of service-linked role {name}"),
            at.operation.timeouts.delete,
            || async {
                let status = sent!(client
                    .get_service_linked_role_deletion_status()
                    .deletion_task_id(&task))?;
                match status.status() {
                    DeletionTaskStatusType::Succeeded => Ok(Some(())),
                    DeletionTaskStatusType::Failed => Err(ProviderError::with_code(
                        "DeletionTaskFailed",
                        format!(
                            "deleting service-linked role {name} failed: {:?}",
                            status.reason()
                        ),
                    )),
                    _ => Ok(None),
                }
            },
        )
        .await
    }

    /// Among the roles under the service's path with the configured suffix, the one this run's
    /// create made (absent before its first send, `create_memo`), else the one with this
    /// operation's managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<LinkedRole> {
        let Some(service) = string(at.planned, "aws_service_name") else {
            return Ok(None);
        };
        let names = roles_like(at.this, at.planned).await?;
        let made =
            create_memo::made_since_first_send(at.operation, names.iter().map(String::as_str))
                .unwrap_or_default();
        for name in names {
            if let Some(found) = get(at.this, service.clone(), &name).await? {
                if made.contains(&name) || has_managed_tags(&found.tags, at.operation) {
                    return Ok(Some(found));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_linked_role_arns_parse() {
        assert_eq!(
            parse_arn("arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_infra"),
            Some((
                "autoscaling.amazonaws.com".to_string(),
                "AWSServiceRoleForAutoScaling_infra".to_string()
            ))
        );
        assert_eq!(parse_arn("arn:aws:iam::123456789012:role/app"), None);
        assert_eq!(suffix("AWSServiceRoleForAutoScaling_infra"), Some("infra"));
        assert_eq!(suffix("AWSServiceRoleForAutoScaling"), None);
        assert_eq!(suffix("AWSServiceRoleFor_a_b"), None);
    }
}
