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

use std::time::Duration;

use infra_core::{ProviderError, Timeouts, Value};

use crate::app_support::{read_each, retry_while, sent, string};
use crate::association::{split_pair, Association, AssociationType, Link, Pair};

const NONEXISTENT: &str = "WAFNonexistentItemException";

pub type AwsWafv2WebAclAssociation = AssociationType<WebAclAssociations>;

/// A web ACL on a resource as an [`Association`]: the pair is (resource, web ACL), in the
/// schema's order.
pub struct WebAclAssociations;

/// The ARN of the web ACL that protects `resource`; None when none does.
async fn web_acl_of(
    this: &AwsWafv2WebAclAssociation,
    resource: &str,
) -> Result<Option<String>, ProviderError> {
    let client = &this.aws.clients().await.wafv2;
    match sent!(client.get_web_acl_for_resource().resource_arn(resource)) {
        Ok(output) => Ok(output.web_acl().map(|acl| acl.arn().to_string())),
        Err(error) if error.code.as_deref() == Some(NONEXISTENT) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The provider's ID: `WEB_ACL_ARN,RESOURCE_ARN`.
fn id_of(web_acl: &str, resource: &str) -> String {
    format!("{web_acl},{resource}")
}

/// The web ACL and resource ARNs of an ID.
fn parse_id(id: &str) -> Result<(String, String), ProviderError> {
    split_pair(id, ',').ok_or_else(|| {
        ProviderError::new(format!(
            "unexpected format for ID ({id}), expected WEB_ACL_ARN,RESOURCE_ARN"
        ))
    })
}

impl Association for WebAclAssociations {
    const NAME: &'static str = "aws_wafv2_web_acl_association";
    const PAIR: (&'static str, &'static str) = ("resource_arn", "web_acl_arn");
    const UNKNOWN: &'static str =
        "aws_wafv2_web_acl_association needs a known web_acl_arn and resource_arn";
    const TIMEOUTS: &'static [&'static str] = &["create"];

    /// The provider's: create within 10 minutes.
    fn default_timeouts() -> Timeouts {
        Timeouts { create: Duration::from_secs(10 * 60), ..Timeouts::default() }
    }

    fn id((resource, web_acl): &Pair) -> String {
        id_of(web_acl, resource)
    }

    /// The resource and web ACL a value names: its arguments, or its ID (an import).
    fn pair(value: &Value) -> Option<Pair> {
        match (string(value, "resource_arn"), string(value, "web_acl_arn")) {
            (Some(resource), Some(web_acl)) => Some((resource, web_acl)),
            _ => {
                parse_id(&string(value, "id")?).ok().map(|(web_acl, resource)| (resource, web_acl))
            }
        }
    }

    /// Terraform's import ID: `WEB_ACL_ARN,RESOURCE_ARN`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (web_acl, resource) = parse_id(id)?;
        Ok(AwsWafv2WebAclAssociation::value_of(&(resource, web_acl)))
    }

    /// AssociateWebACL, again while WAF does not know the resource yet (one just made).
    async fn attach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (resource, web_acl) = at.pair;
        let client = &at.this.aws.clients().await.wafv2;
        retry_while(
            at.operation.timeouts.create,
            |error| error.code.as_deref() == Some("WAFUnavailableEntityException"),
            || async {
                sent!(client.associate_web_acl().web_acl_arn(web_acl).resource_arn(resource))
            },
        )
        .await?;
        Ok(())
    }

    async fn detach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (resource, _) = at.pair;
        let client = &at.this.aws.clients().await.wafv2;
        match sent!(client.disassociate_web_acl().resource_arn(resource)) {
            Err(error) if error.code.as_deref() != Some(NONEXISTENT) => Err(error),
            _ => Ok(()),
        }
    }

    /// One GetWebACLForResource per resource (WAF has no call for many), a few at a time.
    /// The web ACL read back is the one that protects the resource now: another one is drift.
    async fn read(
        this: &AwsWafv2WebAclAssociation,
        prior: &[Value],
    ) -> Result<Vec<Option<Pair>>, ProviderError> {
        let reads = prior
            .iter()
            .map(|value| async move {
                let Some((resource, _)) = Self::pair(value) else {
                    return Ok(None);
                };
                let found = web_acl_of(this, &resource).await?;
                Ok(found.map(|web_acl| (resource, web_acl)))
            })
            .collect();
        read_each(reads).await
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
        assert_eq!(parse_id(&id).unwrap(), (web_acl.to_string(), resource.to_string()));
        assert!(parse_id("no-separator").is_err());
        assert!(parse_id(",only-resource").is_err());
        assert!(parse_id("a,b,c").is_err());
    }
}
