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

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_acm::types::CertificateDetail;
use aws_smithy_types::date_time::Format;
use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{string, strings, wait_for};
use crate::resources::acm::aws_acm_certificate::certificate;
use crate::route53_support::normalize_dns_name;
use crate::Aws;

pub struct AwsAcmCertificateValidation {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsAcmCertificateValidation {
    pub fn new(aws: Arc<Aws>) -> AwsAcmCertificateValidation {
        let schema = Schema::new()
            .timeouts(&["create"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("certificate_arn", Type::String).force_new())
            .attr(
                Attribute::optional("validation_record_fqdns", Type::set(Type::String)).force_new(),
            );
        AwsAcmCertificateValidation { aws, schema }
    }

    async fn describe(&self, arn: &str) -> Result<Option<CertificateDetail>, ProviderError> {
        certificate(&self.aws.clients().await.acm, arn).await
    }
}

fn issued(detail: &CertificateDetail) -> bool {
    detail.status().map(|s| s.as_str()) == Some("ISSUED")
}

/// The provider's ID: the time the certificate was issued.
fn to_value(detail: &CertificateDetail, hint: &Value) -> Value {
    let id = detail
        .issued_at()
        .or(detail.created_at())
        .and_then(|t| t.fmt(Format::DateTime).ok())
        .unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(id));
    object.insert(
        "certificate_arn".to_string(),
        Value::string(detail.certificate_arn().unwrap_or_default()),
    );
    object.insert(
        "validation_record_fqdns".to_string(),
        hint.get("validation_record_fqdns").clone(),
    );
    Value::Map(object)
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

#[async_trait::async_trait]
impl ResourceType for AwsAcmCertificateValidation {
    fn name(&self) -> &'static str {
        "aws_acm_certificate_validation"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(75, 30, 30)
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let arn = string(planned, "certificate_arn").unwrap_or_default();
        let detail = self.describe(&arn).await?.ok_or_else(|| {
            ProviderError::with_code(
                "ResourceNotFoundException",
                format!("ACM Certificate ({arn}) not found"),
            )
        })?;
        let method = detail
            .domain_validation_options()
            .iter()
            .find_map(|d| d.validation_method())
            .map(|m| m.as_str().to_string());
        if !planned.get("validation_record_fqdns").is_null() {
            if method.as_deref() == Some("EMAIL") {
                return Err(ProviderError::new(format!(
                    "validation_record_fqdns is not valid for EMAIL validation of ACM Certificate ({arn})"
                )));
            }
            let missing = missing_records(&detail, &strings(planned, "validation_record_fqdns"));
            if !missing.is_empty() {
                return Err(ProviderError::new(format!(
                    "ACM Certificate ({arn}): missing DNS validation record: {}",
                    missing.join(", ")
                )));
            }
        }
        let done = wait_for(
            &format!("ACM Certificate ({arn}) to be issued"),
            operation.timeouts.create,
            || async {
                match self.describe(&arn).await? {
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
                    None => Err(ProviderError::with_code(
                        "ResourceNotFoundException",
                        format!("ACM Certificate ({arn}) not found"),
                    )),
                }
            },
        )
        .await?;
        Ok(to_value(&done, planned))
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Every argument forces a new wait; nothing to change in place.
        Ok(planned.clone())
    }

    async fn delete(&self, _operation: &Operation, _prior: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut out = Vec::with_capacity(prior.len());
        for p in prior {
            let Some(arn) = string(p, "certificate_arn") else {
                out.push(None);
                continue;
            };
            out.push(match self.describe(&arn).await? {
                Some(detail) if issued(&detail) => Some(to_value(&detail, p)),
                _ => None,
            });
        }
        Ok(out)
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(
            "aws_acm_certificate_validation",
        ))
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(arn) = string(planned, "certificate_arn") else {
            return Ok(None);
        };
        Ok(match self.describe(&arn).await? {
            Some(detail) if issued(&detail) => Some(to_value(&detail, planned)),
            _ => None,
        })
    }
}
