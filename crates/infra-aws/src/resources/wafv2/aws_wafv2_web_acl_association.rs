//! `aws_wafv2_web_acl_association`: a regional web ACL protecting a resource (an Application
//! Load Balancer, as terraform-aws-modules/alb associates it; or an API Gateway stage, a
//! Cognito user pool).
//!
//! As the provider (`internal/service/wafv2/web_acl_association.go`): create is
//! AssociateWebACL, retried while WAF answers `WAFUnavailableEntityException` (a resource just
//! made is not yet known to WAF) within the create timeout (10 minutes); read is
//! GetWebACLForResource by the resource ARN, gone when WAF has no web ACL for it; delete is
//! DisassociateWebACL, done when the association is already gone. Both arguments force
//! replacement. The ID and the import ID are `WEB_ACL_ARN,RESOURCE_ARN`. A lost create is
//! found by the same read: the resource has the web ACL.

use std::sync::Arc;
use std::time::Duration;

use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{read_each, retry_while, sent, string};
use crate::Aws;

const NONEXISTENT: &str = "WAFNonexistentItemException";

pub struct AwsWafv2WebAclAssociation {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsWafv2WebAclAssociation {
    pub fn new(aws: Arc<Aws>) -> AwsWafv2WebAclAssociation {
        let schema = Schema::new()
            .timeouts(&["create"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("resource_arn", Type::String).force_new())
            .attr(Attribute::required("web_acl_arn", Type::String).force_new());
        AwsWafv2WebAclAssociation { aws, schema }
    }

    /// The ARN of the web ACL that protects `resource`; None when none does.
    async fn web_acl_of(&self, resource: &str) -> Result<Option<String>, ProviderError> {
        let client = &self.aws.clients().await.wafv2;
        match sent!(client.get_web_acl_for_resource().resource_arn(resource)) {
            Ok(output) => Ok(output.web_acl().map(|acl| acl.arn().to_string())),
            Err(error) if error.code.as_deref() == Some(NONEXISTENT) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// The provider's ID: `WEB_ACL_ARN,RESOURCE_ARN`.
fn id_of(web_acl: &str, resource: &str) -> String {
    format!("{web_acl},{resource}")
}

/// The web ACL and resource ARNs of an ID.
fn parse_id(id: &str) -> Result<(String, String), ProviderError> {
    match id.split_once(',') {
        Some((web_acl, resource))
            if !web_acl.is_empty() && !resource.is_empty() && !resource.contains(',') =>
        {
            Ok((web_acl.to_string(), resource.to_string()))
        }
        _ => Err(ProviderError::new(format!(
            "unexpected format for ID ({id}), expected WEB_ACL_ARN,RESOURCE_ARN"
        ))),
    }
}

fn to_value(web_acl: &str, resource: &str) -> Value {
    Value::map([
        ("id", Value::string(id_of(web_acl, resource))),
        ("resource_arn", Value::string(resource)),
        ("web_acl_arn", Value::string(web_acl)),
    ])
}

/// The web ACL and resource a value names: its arguments, or its ID (an import).
fn pair(value: &Value) -> Option<(String, String)> {
    match (string(value, "web_acl_arn"), string(value, "resource_arn")) {
        (Some(web_acl), Some(resource)) => Some((web_acl, resource)),
        _ => parse_id(&string(value, "id")?).ok(),
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsWafv2WebAclAssociation {
    fn name(&self) -> &'static str {
        "aws_wafv2_web_acl_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's: create within 10 minutes.
    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            create: Duration::from_secs(10 * 60),
            ..Timeouts::default()
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.wafv2;
        let (web_acl, resource) = pair(planned).ok_or_else(|| {
            ProviderError::new(
                "aws_wafv2_web_acl_association needs a known web_acl_arn and resource_arn",
            )
        })?;
        retry_while(
            operation.timeouts.create,
            |error| error.code.as_deref() == Some("WAFUnavailableEntityException"),
            || async {
                sent!(client
                    .associate_web_acl()
                    .web_acl_arn(&web_acl)
                    .resource_arn(&resource))
            },
        )
        .await?;
        Ok(to_value(&web_acl, &resource))
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Both arguments force replacement.
        Ok(planned.clone())
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.wafv2;
        let Some((_, resource)) = pair(prior) else {
            return Ok(());
        };
        match sent!(client.disassociate_web_acl().resource_arn(&resource)) {
            Err(error) if error.code.as_deref() != Some(NONEXISTENT) => Err(error),
            _ => Ok(()),
        }
    }

    /// One GetWebACLForResource per resource (WAF has no call for many), a few at a time.
    /// The web ACL read back is the one that protects the resource now: another one is drift.
    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let reads = prior
            .iter()
            .map(|value| async move {
                let Some((_, resource)) = pair(value) else {
                    return Ok(None);
                };
                let found = self.web_acl_of(&resource).await?;
                Ok(found.map(|web_acl| to_value(&web_acl, &resource)))
            })
            .collect();
        read_each(reads).await
    }

    /// Terraform's import ID: `WEB_ACL_ARN,RESOURCE_ARN`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (web_acl, resource) = parse_id(id)?;
        Ok(to_value(&web_acl, &resource))
    }

    /// The pair is the natural key: the resource protected by the web ACL means the create
    /// happened.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(crate::app_support::read_one(self, planned)
            .await?
            .filter(|found| pair(found) == pair(planned)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_web_acl_and_the_resource_joined_by_a_comma() {
        let web_acl = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/example/a1b2c3d4";
        let resource = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/ex/50dc6c495c0c9188";
        let id = id_of(web_acl, resource);
        assert_eq!(
            parse_id(&id).unwrap(),
            (web_acl.to_string(), resource.to_string())
        );
        assert!(parse_id("no-separator").is_err());
        assert!(parse_id(",only-resource").is_err());
        assert!(parse_id("a,b,c").is_err());
    }
}
