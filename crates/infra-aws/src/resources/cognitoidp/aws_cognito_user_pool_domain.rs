//! `aws_cognito_user_pool_domain`: the domain of a Cognito user pool's managed login, a prefix
//! under `amazoncognito.com` or a custom domain with an ACM certificate (`certificate_arn`).
//!
//! `domain` and `user_pool_id` force a new domain; `certificate_arn` and
//! `managed_login_version` (Optional+Computed: AWS gives 1, the classic hosted UI, when it is
//! left out) change in place with UpdateUserPoolDomain. AWS makes and changes a domain
//! asynchronously: as the provider does, create and update wait for the status `ACTIVE` (pending
//! `CREATING` and `UPDATING`; a prefix domain is given 1 minute, a custom domain 60), and delete
//! waits until DescribeUserPoolDomain no longer reports it (pending `DELETING` and `UPDATING`).
//! DescribeUserPoolDomain answers an empty description, not an error, for a domain that does not
//! exist. The computed `cloudfront_distribution` (and `cloudfront_distribution_arn`, which the
//! provider also fills with the distribution's domain name), `cloudfront_distribution_zone_id`
//! (CloudFront's hosted zone, `Z2FDTNDATAQYW2`, for an alias record), `s3_bucket`, `version` and
//! `aws_account_id` are read back. Domains take no tags. The import ID is the domain.
//!
//! moto 5.2.5 answers every DescribeUserPoolDomain with a new random account ID, never reports
//! the custom domain's certificate and does not keep `ManagedLoginVersion`; the test's moto does
//! what AWS does (tests/support/moto_server.py, `cognito_user_pool_domains_as_aws_describes`).
//! moto's domains are `ACTIVE` at once, so the waits are unit-tested on the status reading.

use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::{
    CustomDomainConfigType, DomainDescriptionType, DomainStatusType,
};
use infra_core::{Attribute, Check, Operation, ProviderError, Type, Value};

use crate::app_support::{
    changed, deleted_or_missing, int, non_empty, sent, string, text, wait_for,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{read, Declared};
use crate::verify::ARN;

pub type AwsCognitoUserPoolDomain = ObjectType<UserPoolDomainObject>;

pub struct UserPoolDomainObject;

/// CloudFront's hosted zone ID, which every distribution's alias records name.
pub const CLOUDFRONT_ZONE_ID: &str = "Z2FDTNDATAQYW2";

/// How long the provider waits for a prefix domain, and for a custom domain.
const PREFIX_DOMAIN_TIMEOUT: Duration = Duration::from_secs(60);
const CUSTOM_DOMAIN_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// Where a domain stands, as a wait reads DescribeUserPoolDomain's answer.
#[derive(Debug, PartialEq)]
pub enum Standing {
    Gone,
    Pending(String),
    Active,
    Failed,
}

/// The standing of a described domain (none: gone).
pub fn standing(described: Option<&DomainDescriptionType>) -> Standing {
    match described.and_then(|d| d.status()) {
        None => Standing::Gone,
        Some(DomainStatusType::Active) => Standing::Active,
        Some(DomainStatusType::Failed) => Standing::Failed,
        Some(other) => Standing::Pending(other.as_str().to_string()),
    }
}

async fn describe_one(
    this: &AwsCognitoUserPoolDomain,
    domain: &str,
) -> Result<Option<DomainDescriptionType>, ProviderError> {
    let client = &this.aws.clients().await.cognitoidp;
    let answer = sent!(client.describe_user_pool_domain().domain(domain))?;
    // An unknown domain is an empty description (no status), not an error.
    Ok(answer.domain_description.filter(|d| d.status().is_some()))
}

/// Waits for the domain to be `ACTIVE`, as the provider's `waitUserPoolDomainCreated`/`Updated`.
async fn wait_active(
    this: &AwsCognitoUserPoolDomain,
    domain: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    wait_for(&format!("Cognito user pool domain {domain} to be ACTIVE"), timeout, || async {
        match standing(describe_one(this, domain).await?.as_ref()) {
            Standing::Active => Ok(Some(())),
            Standing::Pending(_) => Ok(None),
            Standing::Failed => {
                Err(ProviderError::new(format!("Cognito user pool domain {domain}: status FAILED")))
            }
            Standing::Gone => Err(crate::app_support::vanished(UserPoolDomainObject::KIND, domain)),
        }
    })
    .await
}

fn timeout_for(planned: &Value) -> Duration {
    match non_empty(planned, "certificate_arn") {
        Some(_) => CUSTOM_DOMAIN_TIMEOUT,
        None => PREFIX_DOMAIN_TIMEOUT,
    }
}

fn custom_domain(certificate_arn: &str) -> Result<CustomDomainConfigType, ProviderError> {
    CustomDomainConfigType::builder()
        .certificate_arn(certificate_arn)
        .build()
        .map_err(|e| ProviderError::new(format!("certificate_arn: {e}")))
}

/// The CreateUserPoolDomain request for `planned`.
pub fn create_request(
    client: &aws_sdk_cognitoidentityprovider::Client,
    planned: &Value,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::create_user_pool_domain::builders::CreateUserPoolDomainFluentBuilder,
    ProviderError,
>{
    let mut request = client
        .create_user_pool_domain()
        .domain(string(planned, "domain").unwrap_or_default())
        .user_pool_id(string(planned, "user_pool_id").unwrap_or_default())
        .set_managed_login_version(int(planned, "managed_login_version"));
    if let Some(arn) = non_empty(planned, "certificate_arn") {
        request = request.custom_domain_config(custom_domain(&arn)?);
    }
    Ok(request)
}

/// The UpdateUserPoolDomain request: the certificate and the managed login version as planned.
pub fn update_request(
    client: &aws_sdk_cognitoidentityprovider::Client,
    domain: &str,
    planned: &Value,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::update_user_pool_domain::builders::UpdateUserPoolDomainFluentBuilder,
    ProviderError,
>{
    let mut request = client
        .update_user_pool_domain()
        .domain(domain)
        .user_pool_id(string(planned, "user_pool_id").unwrap_or_default())
        .set_managed_login_version(int(planned, "managed_login_version"));
    if let Some(arn) = non_empty(planned, "certificate_arn") {
        request = request.custom_domain_config(custom_domain(&arn)?);
    }
    Ok(request)
}

impl AwsObject for UserPoolDomainObject {
    type Object = DomainDescriptionType;
    const NAME: &'static str = "aws_cognito_user_pool_domain";
    const KIND: &'static str = "Cognito user pool domain";
    const KEY: &'static str = "domain";
    const KEY_OR_ID: bool = true;
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<DomainDescriptionType>> {
        type D = DomainDescriptionType;
        vec![
            read(Attribute::computed("id", Type::String), |d: &D, _| text(d.domain())),
            read(
                Attribute::required("domain", Type::String).force_new().check(Check::Length(1, 63)),
                |d: &D, _| text(d.domain()),
            ),
            read(Attribute::required("user_pool_id", Type::String).force_new(), |d: &D, _| {
                text(d.user_pool_id())
            }),
            read(Attribute::optional("certificate_arn", Type::String).check(ARN), |d: &D, _| {
                d.custom_domain_config()
                    .map(|c| Value::string(c.certificate_arn()))
                    .unwrap_or(Value::Null)
            }),
            read(
                Attribute::optional_computed("managed_login_version", Type::Number),
                |d: &D, at| match d.managed_login_version() {
                    Some(version) => Value::Number(f64::from(version)),
                    None => at.prior.get("managed_login_version").clone(),
                },
            ),
            read(Attribute::computed("aws_account_id", Type::String), |d: &D, _| {
                text(d.aws_account_id())
            }),
            read(Attribute::computed("cloudfront_distribution", Type::String), |d: &D, _| {
                text(d.cloud_front_distribution())
            }),
            read(Attribute::computed("cloudfront_distribution_arn", Type::String), |d: &D, _| {
                text(d.cloud_front_distribution())
            }),
            read(
                Attribute::computed("cloudfront_distribution_zone_id", Type::String),
                |_: &D, _| Value::string(CLOUDFRONT_ZONE_ID),
            ),
            read(Attribute::computed("s3_bucket", Type::String), |d: &D, _| text(d.s3_bucket())),
            read(Attribute::computed("version", Type::String), |d: &D, _| text(d.version())),
        ]
    }

    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "domain")
    }

    /// After a create whose answer was lost: the domain of the planned name, if it belongs to
    /// the planned pool (a domain name is unique across AWS; domains carry no tags).
    async fn find_created(at: Creating<'_, Self>) -> FindResult<DomainDescriptionType> {
        let Some(domain) = string(at.planned, "domain") else {
            return Ok(None);
        };
        Ok(describe_one(at.this, &domain)
            .await?
            .filter(|d| d.user_pool_id() == string(at.planned, "user_pool_id").as_deref())
            .map(|object| Tagged { object, tags: vec![] }))
    }

    /// Domains by name, one DescribeUserPoolDomain each.
    async fn describe(
        this: &ObjectType<Self>,
        domains: &[String],
    ) -> DescribeResult<DomainDescriptionType> {
        each_key(domains, |domain| async move {
            Ok(describe_one(this, domain).await?.map(|object| Tagged { object, tags: vec![] }))
        })
        .await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.cognitoidp;
        let domain = string(at.planned, "domain").unwrap_or_default();
        sent!(create_request(client, at.planned)?)?;
        wait_active(at.this, &domain, timeout_for(at.planned)).await?;
        Ok(domain)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        if changed(at.prior, at.planned, "certificate_arn")
            || changed(at.prior, at.planned, "managed_login_version")
        {
            let client = &at.this.aws.clients().await.cognitoidp;
            sent!(update_request(client, at.key, at.planned)?)?;
            wait_active(at.this, at.key, timeout_for(at.planned)).await?;
        }
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let domain = at.key;
        let client = &at.this.aws.clients().await.cognitoidp;
        deleted_or_missing(sent!(client
            .delete_user_pool_domain()
            .domain(domain)
            .user_pool_id(string(at.prior, "user_pool_id").unwrap_or_default())))?;
        wait_for(
            &format!("Cognito user pool domain {domain} to be deleted"),
            timeout_for(at.prior),
            || async {
                Ok(match standing(describe_one(at.this, domain).await?.as_ref()) {
                    Standing::Gone => Some(()),
                    _ => None,
                })
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_object::value_of;
    use crate::resources::cognitoidp::test_client as client;
    use infra_core::ResourceType;

    #[test]
    fn the_schema_is_the_providers() {
        let resource =
            AwsCognitoUserPoolDomain::new(crate::Aws::new(crate::ProviderSettings::default()));
        let schema = resource.schema();
        assert!(schema.attribute("domain").unwrap().force_new);
        assert!(schema.attribute("user_pool_id").unwrap().force_new);
        assert!(!schema.attribute("certificate_arn").unwrap().force_new);
        assert!(schema.attribute("managed_login_version").unwrap().is_computed());
        assert!(!schema.taggable);
        let problems = resource.problems(&Value::map([
            ("domain", Value::string("x".repeat(64))),
            ("user_pool_id", Value::string("eu-west-1_abc")),
            ("certificate_arn", Value::string("not-an-arn")),
        ]));
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["domain", "certificate_arn"]);
    }

    #[test]
    fn requests_carry_the_certificate_and_the_version() {
        let planned = Value::map([
            ("domain", Value::string("auth.example.com")),
            ("user_pool_id", Value::string("eu-west-1_abc")),
            ("certificate_arn", Value::string("arn:aws:acm:us-east-1:123456789012:certificate/c")),
            ("managed_login_version", Value::Number(2.0)),
        ]);
        let create = create_request(&client(), &planned).unwrap();
        let input = create.as_input();
        assert_eq!(input.get_domain().as_deref(), Some("auth.example.com"));
        assert_eq!(input.get_managed_login_version(), &Some(2));
        assert_eq!(
            input.get_custom_domain_config().as_ref().unwrap().certificate_arn(),
            "arn:aws:acm:us-east-1:123456789012:certificate/c"
        );
        assert_eq!(timeout_for(&planned), CUSTOM_DOMAIN_TIMEOUT);
        let update = update_request(&client(), "auth.example.com", &planned).unwrap();
        assert_eq!(update.as_input().get_user_pool_id().as_deref(), Some("eu-west-1_abc"));
        let prefix = Value::map([
            ("domain", Value::string("ex-abc12")),
            ("user_pool_id", Value::string("eu-west-1_abc")),
        ]);
        let create = create_request(&client(), &prefix).unwrap();
        assert!(create.as_input().get_custom_domain_config().is_none());
        assert_eq!(create.as_input().get_managed_login_version(), &None);
        assert_eq!(timeout_for(&prefix), PREFIX_DOMAIN_TIMEOUT);
    }

    #[test]
    fn waits_read_the_status() {
        let with = |status: DomainStatusType| {
            DomainDescriptionType::builder().domain("d").status(status).build()
        };
        assert_eq!(standing(None), Standing::Gone);
        assert_eq!(standing(Some(&DomainDescriptionType::builder().build())), Standing::Gone);
        assert_eq!(
            standing(Some(&with(DomainStatusType::Creating))),
            Standing::Pending("CREATING".into())
        );
        assert_eq!(
            standing(Some(&with(DomainStatusType::Deleting))),
            Standing::Pending("DELETING".into())
        );
        assert_eq!(standing(Some(&with(DomainStatusType::Active))), Standing::Active);
        assert_eq!(standing(Some(&with(DomainStatusType::Failed))), Standing::Failed);
    }

    #[test]
    fn values_are_read_as_the_provider_writes_them() {
        let described = DomainDescriptionType::builder()
            .domain("ex-abc12")
            .user_pool_id("eu-west-1_abc")
            .aws_account_id("123456789012")
            .cloud_front_distribution("d111111abcdef8.cloudfront.net")
            .status(DomainStatusType::Active)
            .managed_login_version(1)
            .build();
        let found = Tagged { object: described, tags: vec![] };
        let value = value_of::<UserPoolDomainObject>(&found, &Value::Null);
        assert_eq!(value.get("id"), &Value::string("ex-abc12"));
        assert_eq!(value.get("certificate_arn"), &Value::Null);
        assert_eq!(value.get("managed_login_version"), &Value::Number(1.0));
        assert_eq!(
            value.get("cloudfront_distribution_arn"),
            &Value::string("d111111abcdef8.cloudfront.net")
        );
        assert_eq!(
            value.get("cloudfront_distribution_zone_id"),
            &Value::string(CLOUDFRONT_ZONE_ID)
        );
        assert_eq!(value.get("aws_account_id"), &Value::string("123456789012"));
    }
}
