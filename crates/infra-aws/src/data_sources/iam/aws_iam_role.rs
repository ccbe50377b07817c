//! `data "aws_iam_role"`: a role looked up by name (GetRole).
//!
//! moto does not record role use, so `role_last_used` is always empty in tests.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{decoded_policy, number, sent, string, text};
use crate::iam_support::{date, found, tag_pairs};
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsIamRole = LookupType<IamRoleLookup>;

pub struct IamRoleLookup;

impl Lookup for IamRoleLookup {
    const NAME: &'static str = "aws_iam_role";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("assume_role_policy", Type::String))
            .attr(Attribute::computed("create_date", Type::String))
            .attr(Attribute::computed("description", Type::String))
            .attr(Attribute::computed("max_session_duration", Type::Number))
            .attr(Attribute::computed("path", Type::String))
            .attr(Attribute::computed("permissions_boundary", Type::String))
            .attr(Attribute::computed("role_last_used", Type::list(Type::map(Type::String))))
            .attr(Attribute::computed("unique_id", Type::String))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.iam;
        let name = string(config, "name")
            .ok_or_else(|| ProviderError::new("data.aws_iam_role needs a name"))?;
        let role = found(sent!(client.get_role().role_name(&name)))?
            .and_then(|r| r.role().cloned())
            .ok_or_else(|| {
                ProviderError::with_code(
                    "NoSuchEntity",
                    format!("reading IAM Role ({name}): not found"),
                )
            })?;
        let last_used = role
            .role_last_used()
            .filter(|u| u.last_used_date().is_some() || u.region().is_some())
            .map(|u| {
                vec![Value::map([
                    ("last_used_date", date(u.last_used_date())),
                    ("region", text(u.region())),
                ])]
            })
            .unwrap_or_default();
        Ok(with_found(
            config,
            [
                ("id", Value::string(role.role_name())),
                ("arn", Value::string(role.arn())),
                (
                    "assume_role_policy",
                    text(role.assume_role_policy_document().map(decoded_policy).as_deref()),
                ),
                ("create_date", date(Some(role.create_date()))),
                ("description", text(role.description())),
                ("max_session_duration", number(role.max_session_duration().map(i64::from))),
                ("path", Value::string(role.path())),
                (
                    "permissions_boundary",
                    text(role.permissions_boundary().and_then(|b| b.permissions_boundary_arn())),
                ),
                ("role_last_used", Value::List(last_used)),
                ("unique_id", Value::string(role.role_id())),
                ("tags", infra_core::resource::visible_tags(tag_pairs(role.tags()))),
            ],
        ))
    }
}
