//! `aws_acm_certificate`: an ACM certificate, requested from Amazon (DNS or EMAIL validation),
//! from a private CA (`certificate_authority_arn`), or imported (`private_key`,
//! `certificate_body`, `certificate_chain`; re-imported in place when they change).
//!
//! As the provider does, the plan of a new DNS-validated certificate already knows the
//! `domain_name` of each `domain_validation_options` entry (its record name, type and value
//! are known after apply), so `for_each` over them by domain name plans in one run.
//! `subject_alternative_names` leaves out `domain_name`, which AWS lists among them.
//!
//! Refresh is DescribeCertificate and ListTagsForCertificate per certificate (ACM has no
//! batched describe). The request's idempotency token is derived from the run, the state
//! lineage, address and planned value (`ec2_support::client_token`); `find_created` looks for this operation's tags among the
//! certificates of the domain. `early_renewal_duration` renews (RenewCertificate) in an update
//! once `pending_renewal` is true. moto does not return `renewal_summary`, `options.export`
//! nor a renewal eligibility other than INELIGIBLE, so drift on `options.export` and
//! `early_renewal_duration` renewals are not seen in tests; it issues every requested
//! certificate by itself after `MOTO_ACM_VALIDATION_WAIT` seconds, and drops tags on a
//! re-import (AWS keeps them; update sets them again).
//!
//! Not supported yet ([`Schema::not_supported`]): the write-only key, `private_key_wo` and
//! `private_key_wo_version`.

#![allow(deprecated)] // The provider still takes certificate_transparency_logging_preference.

use std::time::{Duration, SystemTime};

use aws_sdk_acm::primitives::Blob;
use aws_sdk_acm::types::{
    CertificateDetail, CertificateExport, CertificateOptions,
    CertificateTransparencyLoggingPreference, DomainValidationOption, KeyAlgorithm, Tag,
    ValidationMethod,
};
use aws_smithy_types::date_time::Format;
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, has_managed_tags, is_missing, non_empty, sent, single, string, string_list, strings,
    tag_changes, text,
};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{copied, not_supported, read, read_block, Declared, Reading};
use crate::ec2_support::client_token;
use crate::error::{aws_error, built};
use crate::tagging::{sdk_tags_of, ManagedTags};

/// The key algorithms ACM has (`key_algorithm`, and the data source's `key_types`).
pub const KEY_ALGORITHMS: &[&str] = &[
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
];

/// Why `private_key_wo` and `private_key_wo_version` are not supported.
const WRITE_ONLY_KEY: &str = "import the key with `private_key`";

/// A certificate is requested (`domain_name`) or imported (`private_key`): exactly one (the
/// provider's `ExactlyOneOf` on each).
const REQUESTED_OR_IMPORTED: &[&str] = &["domain_name", "private_key"];
/// What an imported certificate's body and chain conflict with (the provider's
/// `ConflictsWith`, in its order).
const IMPORTED_CONFLICTS: &[&str] =
    &["certificate_authority_arn", "domain_name", "validation_method"];

pub type AwsAcmCertificate = ObjectType<CertificateObject>;

pub struct CertificateObject;

/// DescribeCertificate; `None` when there is none (the validation resource's read too).
pub(crate) async fn certificate(
    client: &aws_sdk_acm::Client,
    arn: &str,
) -> Result<Option<CertificateDetail>, ProviderError> {
    match client.describe_certificate().certificate_arn(arn).send().await {
        Ok(response) => Ok(response.certificate().cloned()),
        Err(error) => {
            let error = aws_error(error);
            if is_missing(&error) {
                Ok(None)
            } else {
                Err(error)
            }
        }
    }
}

async fn certificate_tags(
    client: &aws_sdk_acm::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let response = sent!(client.list_tags_for_certificate().certificate_arn(arn))?;
    Ok(response
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string()))
        .collect())
}

async fn import(
    client: &aws_sdk_acm::Client,
    arn: Option<&str>,
    planned: &Value,
    tags: Option<Vec<Tag>>,
) -> Result<String, ProviderError> {
    let response = sent!(client
        .import_certificate()
        .set_certificate_arn(arn.map(str::to_string))
        .certificate(Blob::new(string(planned, "certificate_body").unwrap_or_default(),))
        .private_key(Blob::new(string(planned, "private_key").unwrap_or_default(),))
        .set_certificate_chain(non_empty(planned, "certificate_chain").map(Blob::new))
        .set_tags(tags))?;
    response
        .certificate_arn()
        .map(str::to_string)
        .ok_or_else(|| ProviderError::new("ImportCertificate returned no ARN"))
}

sdk_tags_of!(Tag);

fn time(value: Option<&aws_smithy_types::DateTime>) -> Value {
    text(value.and_then(|t| t.fmt(Format::DateTime).ok()).as_deref())
}

/// A Go duration (`720h`, `1h30m`, `90s`) as the provider takes `early_renewal_duration`.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    let mut seen = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next()?);
        }
        let n: f64 = number.parse().ok()?;
        number.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        seen = true;
    }
    // A duration too long to represent is not a valid one.
    (seen && number.is_empty()).then(|| Duration::try_from_secs_f64(total).ok()).flatten()
}

/// True when the certificate is within `early_renewal_duration` of its expiry.
fn pending_renewal(detail: &CertificateDetail, hint: &Value) -> bool {
    let Some(duration) = non_empty(hint, "early_renewal_duration").and_then(|d| parse_duration(&d))
    else {
        return false;
    };
    let Some(not_after) = detail.not_after() else {
        return false;
    };
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    detail.renewal_eligibility().map(|e| e.as_str()) == Some("ELIGIBLE")
        && not_after.secs() - (duration.as_secs() as i64) <= now
}

fn arn_of(detail: &CertificateDetail, _: &Reading) -> Value {
    Value::string(detail.certificate_arn().unwrap_or_default())
}

fn kind_of(detail: &CertificateDetail) -> &str {
    detail.r#type().map(|t| t.as_str()).unwrap_or_default()
}

/// The validation method: what ACM reports, `NONE` for a certificate it did not issue, else
/// as configured.
fn validation_method(detail: &CertificateDetail, at: &Reading) -> Value {
    let method = detail
        .domain_validation_options()
        .iter()
        .find_map(|d| d.validation_method())
        .map(|m| m.as_str().to_string())
        .or_else(|| {
            detail.options().and_then(|o| o.validation_method()).map(|m| m.as_str().to_string())
        })
        .or_else(|| (kind_of(detail) != "AMAZON_ISSUED").then(|| "NONE".to_string()))
        .or_else(|| string(at.prior, "validation_method"));
    text(method.as_deref())
}

fn options_value(detail: &CertificateDetail, at: &Reading) -> Value {
    match detail.options() {
        Some(options) if kind_of(detail) != "IMPORTED" => Value::List(vec![Value::map([
            (
                "certificate_transparency_logging_preference",
                Value::string(
                    options
                        .certificate_transparency_logging_preference()
                        .map(|p| p.as_str())
                        .unwrap_or("ENABLED"),
                ),
            ),
            (
                "export",
                match options.export() {
                    Some(export) => Value::string(export.as_str()),
                    None => single(at.prior, "options")
                        .map(|o| o.get("export").clone())
                        .unwrap_or(Value::Null),
                },
            ),
        ])]),
        _ => Value::List(vec![]),
    }
}

fn domain_validation_options(detail: &CertificateDetail) -> Value {
    let records = detail.domain_validation_options().iter().filter_map(|dvo| {
        let record = dvo.resource_record()?;
        Some(Value::map([
            ("domain_name", Value::string(dvo.domain_name())),
            ("resource_record_name", Value::string(record.name())),
            ("resource_record_type", Value::string(record.r#type().as_str())),
            ("resource_record_value", Value::string(record.value())),
        ]))
    });
    Value::List(records.collect())
}

fn renewal_summary(detail: &CertificateDetail) -> Value {
    Value::List(
        detail
            .renewal_summary()
            .map(|summary| {
                vec![Value::map([
                    ("renewal_status", Value::string(summary.renewal_status().as_str())),
                    (
                        "renewal_status_reason",
                        text(summary.renewal_status_reason().map(|r| r.as_str())),
                    ),
                    ("updated_at", time(Some(summary.updated_at()))),
                ])]
            })
            .unwrap_or_default(),
    )
}

/// The domains a DNS-validated request will have to validate: the domain and every SAN.
fn domains_to_validate(value: &Value) -> Option<Vec<String>> {
    let domain = string(value, "domain_name")?;
    // Unknown SANs on a planned request are almost always unset ones (the attribute is
    // computed); a configured SAN only known after apply would have no entry here, and the
    // validation then names the record that is missing.
    if !value.get("subject_alternative_names").is_unknown()
        && !value.get("subject_alternative_names").is_wholly_known()
    {
        return None;
    }
    let mut domains = vec![domain];
    for san in strings(value, "subject_alternative_names") {
        if !domains.contains(&san) {
            domains.push(san);
        }
    }
    Some(domains)
}

impl AwsObject for CertificateObject {
    type Object = CertificateDetail;
    const NAME: &'static str = "aws_acm_certificate";
    const KIND: &'static str = "ACM certificate";
    const KEY: &'static str = "arn";
    const KEY_OR_ID: bool = true;

    fn attributes() -> Vec<Declared<CertificateDetail>> {
        type D = CertificateDetail;
        vec![
            read(Attribute::computed("id", Type::String), arn_of),
            read(Attribute::computed("arn", Type::String), arn_of),
            read(
                Attribute::optional_computed("domain_name", Type::String)
                    .force_new()
                    .exactly_one_of(REQUESTED_OR_IMPORTED)
                    .conflicts_with(&["certificate_body", "certificate_chain", "private_key"]),
                |detail: &D, _| Value::string(detail.domain_name().unwrap_or_default()),
            ),
            read(
                Attribute::optional_computed("subject_alternative_names", Type::set(Type::String))
                    .force_new(),
                |detail: &D, _| {
                    let domain = detail.domain_name().unwrap_or_default();
                    let sans = detail.subject_alternative_names().iter();
                    string_list(sans.filter(|n| n.as_str() != domain))
                },
            ),
            read(
                Attribute::optional_computed("validation_method", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["DNS", "EMAIL", "NONE"])),
                validation_method,
            ),
            read(
                Attribute::optional_computed("key_algorithm", Type::String)
                    .force_new()
                    .check(Check::OneOf(KEY_ALGORITHMS)),
                |detail: &D, _| text(detail.key_algorithm().map(|k| k.as_str())),
            ),
            read(
                Attribute::optional("certificate_authority_arn", Type::String)
                    .force_new()
                    .conflicts_with(&["certificate_body", "private_key", "validation_method"]),
                |detail: &D, _| text(detail.certificate_authority_arn()),
            ),
            copied(
                Attribute::optional("certificate_body", Type::String)
                    .required_with(&["private_key"])
                    .conflicts_with(IMPORTED_CONFLICTS),
            ),
            copied(
                Attribute::optional("certificate_chain", Type::String)
                    .conflicts_with(IMPORTED_CONFLICTS),
            ),
            copied(
                Attribute::optional("private_key", Type::String)
                    .sensitive()
                    .exactly_one_of(REQUESTED_OR_IMPORTED),
            ),
            not_supported("private_key_wo", Type::String, WRITE_ONLY_KEY),
            not_supported("private_key_wo_version", Type::Number, WRITE_ONLY_KEY),
            copied(Attribute::optional("early_renewal_duration", Type::String)),
            read_block(
                Block::single(
                    "options",
                    Schema::new()
                        .attr(
                            Attribute::optional(
                                "certificate_transparency_logging_preference",
                                Type::String,
                            )
                            .default(Value::string("ENABLED"))
                            .check(Check::OneOf(&["ENABLED", "DISABLED"])),
                        )
                        .attr(
                            Attribute::optional_computed("export", Type::String)
                                .check(Check::OneOf(&["ENABLED", "DISABLED"])),
                        ),
                )
                .computed(),
                options_value,
            ),
            // The configured validation_option blocks (ACM reports only the resulting
            // domains).
            read_block(
                Block::set(
                    "validation_option",
                    Schema::new()
                        .attr(Attribute::required("domain_name", Type::String))
                        .attr(Attribute::required("validation_domain", Type::String)),
                )
                .force_new(),
                |_: &D, at: &Reading| Value::List(blocks(at.prior, "validation_option").to_vec()),
            ),
            read(
                Attribute::computed(
                    "domain_validation_options",
                    Type::set(Type::map(Type::String)),
                ),
                |detail: &D, _| domain_validation_options(detail),
            ),
            read(Attribute::computed("status", Type::String), |detail: &D, _| {
                text(detail.status().map(|s| s.as_str()))
            }),
            read(Attribute::computed("type", Type::String), |detail: &D, _| {
                Value::string(kind_of(detail))
            }),
            read(Attribute::computed("not_after", Type::String), |detail: &D, _| {
                time(detail.not_after())
            }),
            read(Attribute::computed("not_before", Type::String), |detail: &D, _| {
                time(detail.not_before())
            }),
            read(Attribute::computed("renewal_eligibility", Type::String), |detail: &D, _| {
                text(detail.renewal_eligibility().map(|r| r.as_str()))
            }),
            read(Attribute::computed("pending_renewal", Type::Bool), |detail: &D, at: &Reading| {
                Value::Bool(pending_renewal(detail, at.prior))
            }),
            read(
                Attribute::computed("renewal_summary", Type::list(Type::map(Type::String))),
                |detail: &D, _| renewal_summary(detail),
            ),
            read(
                Attribute::computed("validation_emails", Type::list(Type::String)),
                |detail: &D, _| {
                    let options = detail.domain_validation_options().iter();
                    string_list(options.flat_map(|dvo| dvo.validation_emails()))
                },
            ),
        ]
    }

    /// A planned DNS-validated request: its validation domains are known before apply.
    fn normalize(value: &mut Value) {
        if !value.get("domain_validation_options").is_unknown()
            || value.get("validation_method").as_str() != Some("DNS")
        {
            return;
        }
        let Some(domains) = domains_to_validate(value) else {
            return;
        };
        if let Value::Map(object) = value {
            object.insert(
                "domain_validation_options".to_string(),
                Value::List(
                    domains
                        .into_iter()
                        .map(|domain| {
                            Value::map([
                                ("domain_name", Value::string(domain)),
                                ("resource_record_name", Value::Unknown),
                                ("resource_record_type", Value::Unknown),
                                ("resource_record_value", Value::Unknown),
                            ])
                        })
                        .collect(),
                ),
            );
        }
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let requested = !config.get("domain_name").is_null();
        if requested
            && config.get("validation_method").is_null()
            && config.get("certificate_authority_arn").is_null()
        {
            problems.push((
                "validation_method".to_string(),
                "\"validation_method\": one of `certificate_authority_arn,validation_method` must be specified".to_string(),
            ));
        }
        if let Some(duration) = config.get("early_renewal_duration").as_str() {
            if parse_duration(duration).is_none() {
                problems.push((
                    "early_renewal_duration".to_string(),
                    format!("\"{duration}\" is not a valid duration (e.g. \"720h\")"),
                ));
            }
        }
        problems
    }

    /// DescribeCertificate and ListTagsForCertificate per certificate (ACM has no batched
    /// describe).
    async fn describe(
        this: &ObjectType<Self>,
        arns: &[String],
    ) -> DescribeResult<CertificateDetail> {
        let client = &this.aws.clients().await.acm;
        key_by_key(arns, |arn| async move {
            let Some(object) = certificate(client, arn).await? else {
                return Ok(None);
            };
            let tags = certificate_tags(client, arn).await?;
            Ok(Some(Tagged { object, tags }))
        })
        .await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.acm;
        let tags = sdk_tags(&at.operation.tags_with_managed(at.planned))?;
        let arn = if string(at.planned, "private_key").is_some() {
            import(client, None, at.planned, Some(tags)).await?
        } else {
            let options = single(at.planned, "options").map(|o| {
                CertificateOptions::builder()
                    .set_certificate_transparency_logging_preference(
                        string(o, "certificate_transparency_logging_preference")
                            .map(|p| CertificateTransparencyLoggingPreference::from(p.as_str())),
                    )
                    .set_export(non_empty(o, "export").map(|e| CertificateExport::from(e.as_str())))
                    .build()
            });
            let validation_options = blocks(at.planned, "validation_option")
                .iter()
                .map(|o| {
                    built(
                        DomainValidationOption::builder()
                            .domain_name(string(o, "domain_name").unwrap_or_default())
                            .validation_domain(string(o, "validation_domain").unwrap_or_default())
                            .build(),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            let sans = strings(at.planned, "subject_alternative_names");
            let response = sent!(client
                .request_certificate()
                .set_domain_name(string(at.planned, "domain_name"))
                .set_subject_alternative_names((!sans.is_empty()).then_some(sans))
                .set_validation_method(
                    non_empty(at.planned, "validation_method")
                        .filter(|m| m != "NONE")
                        .map(|m| ValidationMethod::from(m.as_str())),
                )
                .set_key_algorithm(
                    non_empty(at.planned, "key_algorithm").map(|k| KeyAlgorithm::from(k.as_str())),
                )
                .set_options(options)
                .set_domain_validation_options(
                    (!validation_options.is_empty()).then_some(validation_options),
                )
                .set_certificate_authority_arn(non_empty(at.planned, "certificate_authority_arn"))
                .idempotency_token(client_token(at.operation, at.planned).replace('-', ""))
                .set_tags(Some(tags)))?;
            response
                .certificate_arn()
                .map(str::to_string)
                .ok_or_else(|| ProviderError::new("RequestCertificate returned no ARN"))?
        };
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let arn = at.key;
        let client = &at.this.aws.clients().await.acm;
        let reimport = ["certificate_body", "certificate_chain", "private_key"]
            .iter()
            .any(|k| crate::app_support::changed(at.prior, at.planned, k));
        if reimport && string(at.planned, "private_key").is_some() {
            import(client, Some(arn), at.planned, None).await?;
            // AWS keeps a certificate's tags across a re-import; moto drops them, so they are
            // set again (a no-op on AWS).
            sent!(client
                .add_tags_to_certificate()
                .certificate_arn(arn)
                .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?)))?;
        }
        let prior_ct = single(at.prior, "options")
            .and_then(|o| string(o, "certificate_transparency_logging_preference"));
        let planned_ct = single(at.planned, "options")
            .and_then(|o| string(o, "certificate_transparency_logging_preference"));
        if planned_ct.is_some()
            && prior_ct != planned_ct
            && string(at.planned, "private_key").is_none()
        {
            sent!(client.update_certificate_options().certificate_arn(arn).options(
                CertificateOptions::builder()
                    .set_certificate_transparency_logging_preference(
                        planned_ct.map(|p| {
                            CertificateTransparencyLoggingPreference::from(p.as_str())
                        }),
                    )
                    .build(),
            ))?;
        }
        if at.planned.get("pending_renewal").as_bool() == Some(true)
            || at.prior.get("pending_renewal").as_bool() == Some(true)
        {
            if let Some(detail) = certificate(client, arn).await? {
                if pending_renewal(&detail, at.planned) {
                    sent!(client.renew_certificate().certificate_arn(arn))?;
                }
            }
        }
        let (to_set, to_remove) = tag_changes(at.prior, at.planned);
        if !to_remove.is_empty() {
            let keys = to_remove
                .iter()
                .map(|k| built(Tag::builder().key(k).build()))
                .collect::<Result<Vec<_>, _>>()?;
            sent!(client.remove_tags_from_certificate().certificate_arn(arn).set_tags(Some(keys)))?;
        }
        if !to_set.is_empty() {
            sent!(client
                .add_tags_to_certificate()
                .certificate_arn(arn)
                .set_tags(Some(sdk_tags(&to_set)?)))?;
        }
        Ok(arn.to_string())
    }

    /// Deletes the certificate, retrying while a load balancer still uses it
    /// (`ResourceInUseException`, as the provider retries).
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let arn = at.key;
        let client = &at.this.aws.clients().await.acm;
        crate::app_support::wait_for(
            "the certificate to be no longer in use",
            at.operation.timeouts.delete,
            || {
                let arn = arn.to_string();
                async move {
                    match client.delete_certificate().certificate_arn(arn).send().await {
                        Ok(_) => Ok(Some(())),
                        Err(error) => {
                            let error = aws_error(error);
                            if is_missing(&error) {
                                Ok(Some(()))
                            } else if error.code.as_deref() == Some("ResourceInUseException") {
                                Ok(None)
                            } else {
                                Err(error)
                            }
                        }
                    }
                }
            },
        )
        .await
    }

    async fn find_created(at: Creating<'_, Self>) -> FindResult<CertificateDetail> {
        let client = &at.this.aws.clients().await.acm;
        let domain = string(at.planned, "domain_name");
        let mut arns = Vec::new();
        let mut pages = client.list_certificates().into_paginator().send();
        while let Some(page) = pages.next().await {
            for summary in page.map_err(aws_error)?.certificate_summary_list() {
                if domain.is_none() || summary.domain_name() == domain.as_deref() {
                    arns.extend(summary.certificate_arn().map(str::to_string));
                }
            }
        }
        for arn in arns {
            if has_managed_tags(&certificate_tags(client, &arn).await?, at.operation) {
                return at.this.found(&arn).await;
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse() {
        assert_eq!(parse_duration("720h"), Some(Duration::from_secs(720 * 3600)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("720"), None);
        assert_eq!(parse_duration("3d"), None);
    }

    #[test]
    fn validation_domains_are_the_domain_and_its_sans() {
        let value = Value::map([
            ("domain_name", Value::string("example.com")),
            ("subject_alternative_names", Value::List(vec![Value::string("www.example.com")])),
        ]);
        assert_eq!(
            domains_to_validate(&value),
            Some(vec!["example.com".to_string(), "www.example.com".to_string()])
        );
    }
}
