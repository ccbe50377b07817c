//! `aws_acm_certificate_validation`: not an AWS object but a wait, as in the provider: create
//! checks that `validation_record_fqdns` (if given) covers every DNS validation record of the
//! certificate, then waits until the certificate is ISSUED, within the create timeout (75
//! minutes by default). Delete only forgets it. Refresh sees it gone when the certificate is
//! gone or no longer ISSUED.
//!
//! moto does not validate anything: a requested certificate turns ISSUED by itself once
//! `MOTO_ACM_VALIDATION_WAIT` seconds (60 by default) have passed since the request, whether
//! or not the validation records exist, so a missing record is not seen in tests beyond the
//! `validation_record_fqdns` check made here.

use aws_sdk_acm::types::CertificateDetail;
use aws_smithy_types::date_time::Format;
use infra_core::{Attribute, Operation, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{string, strings, wait_for};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{copied, read, Declared};
use crate::resources::acm::aws_acm_certificate::certificate;
use crate::route53_support::normalize_dns_name;

pub type AwsAcmCertificateValidation = ObjectType<ValidationObject>;

/// The wait as an [`AwsObject`]: the certificate it waited for, found only once ISSUED.
pub struct ValidationObject;

async fn describe(
    this: &AwsAcmCertificateValidation,
    arn: &str,
) -> Result<Option<CertificateDetail>, ProviderError> {
    certificate(&this.aws.clients().await.acm, arn).await
}

fn issued(detail: &CertificateDetail) -> bool {
    detail.status().map(|s| s.as_str()) == Some("ISSUED")
}

/// The provider's ID: the time the certificate was issued.
fn issued_at(detail: &CertificateDetail) -> Value {
    let id = detail
        .issued_at()
        .or(detail.created_at())
        .and_then(|t| t.fmt(Format::DateTime).ok())
        .unwrap_or_default();
    Value::string(id)
}

/// The DNS validation records the certificate needs that `fqdns` does not list.
pub(crate) fn missing_records(detail: &CertificateDetail, fqdns: &[String]) -> Vec<String> {
    let given: Vec<String> = fqdns.iter().map(|f| normalize_dns_name(f)).collect();
    let mut missing = Vec::new();
    for dvo in detail.domain_validation_options() {
        if let Some(record) = dvo.resource_record() {
            let name = normalize_dns_name(record.name());
            let entry = format!("{}: {}", dvo.domain_name(), name);
            if !given.contains(&name) && !missing.contains(&entry) {
                missing.push(entry);
            }
        }
    }
    missing
}

impl AwsObject for ValidationObject {
    type Object = CertificateDetail;
    const NAME: &'static str = "aws_acm_certificate_validation";
    const KIND: &'static str = "ACM certificate validation";
    const KEY: &'static str = "certificate_arn";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<CertificateDetail>> {
        vec![
            read(Attribute::computed("id", Type::String), |detail, _| issued_at(detail)),
            read(
                Attribute::required("certificate_arn", Type::String).force_new(),
                |detail: &CertificateDetail, _| {
                    Value::string(detail.certificate_arn().unwrap_or_default())
                },
            ),
            copied(
                Attribute::optional("validation_record_fqdns", Type::set(Type::String)).force_new(),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(75, 30, 30)
    }

    fn import_prior(_id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable("aws_acm_certificate_validation"))
    }

    /// The lost create is found by the certificate it waited for, once issued.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "certificate_arn")
    }

    /// One DescribeCertificate per certificate, in turn; a certificate not ISSUED is not found.
    async fn describe(
        this: &ObjectType<Self>,
        arns: &[String],
    ) -> DescribeResult<CertificateDetail> {
        key_by_key(arns, |arn| async move {
            Ok(describe(this, arn)
                .await?
                .filter(issued)
                .map(|object| Tagged { object, tags: vec![] }))
        })
        .await
    }

    /// The checks, then the wait: the certificate as described once ISSUED, which is the
    /// object (nothing is read again).
    async fn create_written(
        at: Creating<'_, Self>,
    ) -> Result<Tagged<CertificateDetail>, ProviderError> {
        let arn = string(at.planned, "certificate_arn").unwrap_or_default();
        let detail = describe(at.this, &arn).await?.ok_or_else(|| not_found(&arn))?;
        let method = detail
            .domain_validation_options()
            .iter()
            .find_map(|d| d.validation_method())
            .map(|m| m.as_str().to_string());
        if !at.planned.get("validation_record_fqdns").is_null() {
            if method.as_deref() == Some("EMAIL") {
                return Err(ProviderError::new(format!(
                    "validation_record_fqdns is not valid for EMAIL validation of ACM Certificate ({arn})"
                )));
            }
            let missing = missing_records(&detail, &strings(at.planned, "validation_record_fqdns"));
            if !missing.is_empty() {
                return Err(ProviderError::new(format!(
                    "ACM Certificate ({arn}): missing DNS validation record: {}",
                    missing.join(", ")
                )));
            }
        }
        let done = wait_for(
            &format!("ACM Certificate ({arn}) to be issued"),
            at.operation.timeouts.create,
            || async {
                match describe(at.this, &arn).await? {
                    Some(detail) if issued(&detail) => Ok(Some(detail)),
                    Some(detail)
                        if matches!(
                            detail.status().map(|s| s.as_str()),
                            Some("FAILED" | "VALIDATION_TIMED_OUT" | "REVOKED" | "EXPIRED")
                        ) =>
                    {
                        Err(ProviderError::new(format!(
                            "ACM Certificate ({arn}) is {}",
                            detail.status().map(|s| s.as_str()).unwrap_or_default()
                        )))
                    }
                    Some(_) => Ok(None),
                    None => Err(not_found(&arn)),
                }
            },
        )
        .await?;
        Ok(Tagged { object: done, tags: vec![] })
    }

    /// Every argument forces a new wait; nothing to change in place.
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        Ok(at.key.to_string())
    }

    /// Only forgets the wait.
    async fn delete(_at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        Ok(())
    }
}

fn not_found(arn: &str) -> ProviderError {
    ProviderError::with_code(
        "ResourceNotFoundException",
        format!("ACM Certificate ({arn}) not found"),
    )
}
