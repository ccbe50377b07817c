//! Data source `aws_acm_certificate`: the certificate of a `domain` (or with given `tags`),
//! among those in `statuses` (ISSUED by default), of `types` and `key_types` (every key type
//! when unset, as the provider asks). More than one match without `most_recent` is the
//! provider's error. `certificate` and `certificate_chain` come from GetCertificate for an
//! ISSUED certificate.

use aws_sdk_acm::types::{CertificateStatus, Filters, KeyAlgorithm};
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{boolean, is_missing, non_empty, sent, string_map, strings, text};
use crate::error::aws_error;
use crate::lookup::{with_found, Lookup, LookupType};
use crate::resources::acm::aws_acm_certificate::KEY_ALGORITHMS;

pub type AwsAcmCertificateData = LookupType<AcmCertificateLookup>;

pub struct AcmCertificateLookup;

impl Lookup for AcmCertificateLookup {
    const NAME: &'static str = "aws_acm_certificate";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("domain", Type::String))
            .attr(Attribute::optional("statuses", Type::list(Type::String)))
            .attr(Attribute::optional("types", Type::list(Type::String)))
            .attr(Attribute::optional("key_types", Type::set(Type::String)))
            .attr(Attribute::optional("most_recent", Type::Bool).default(Value::Bool(false)))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("status", Type::String))
            .attr(Attribute::computed("certificate", Type::String))
            .attr(Attribute::computed("certificate_chain", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.acm;
        let domain = non_empty(config, "domain");
        // Only whether each wanted tag is there counts, so the map's order does not.
        let wanted_tags: Vec<(String, String)> =
            string_map(config, "tags").unwrap_or_default().into_iter().collect();
        if domain.is_none() && wanted_tags.is_empty() {
            return Err(ProviderError::new("at least one of `domain,tags` must be specified"));
        }
        let arns = listed_certificates(client, config, domain.as_deref()).await?;
        let mut matched = tagged_certificates(client, arns, &wanted_tags).await?;
        if matched.is_empty() {
            return Err(ProviderError::new(format!(
                "no ACM Certificate matching domain ({}) found",
                domain.unwrap_or_default()
            )));
        }
        if matched.len() > 1 && boolean(config, "most_recent") != Some(true) {
            return Err(ProviderError::new(format!(
                "multiple ACM Certificates matching domain ({}) found",
                domain.unwrap_or_default()
            )));
        }
        // The most recent: latest issued (or imported), then latest not_before.
        let recency = |d: &aws_sdk_acm::types::CertificateDetail| {
            d.issued_at().or(d.imported_at()).or(d.not_before()).map(|t| t.secs()).unwrap_or(0)
        };
        matched.sort_by_key(|(_, detail, _)| recency(detail));
        let (arn, detail, tags) = matched.pop().expect("one match at least");
        let status = detail.status().map(|s| s.as_str().to_string());
        let (certificate, chain) = if status.as_deref() == Some("ISSUED") {
            let response = sent!(client.get_certificate().certificate_arn(&arn))?;
            (
                response.certificate().map(str::to_string),
                response.certificate_chain().map(str::to_string),
            )
        } else {
            (None, None)
        };
        Ok(with_found(
            config,
            [
                ("id", Value::string(&arn)),
                ("arn", Value::string(&arn)),
                ("domain", text(detail.domain_name())),
                ("status", text(status.as_deref())),
                ("certificate", text(certificate.as_deref())),
                ("certificate_chain", text(chain.as_deref())),
                (
                    "tags",
                    infra_core::resource::visible_tags(
                        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                    ),
                ),
            ],
        ))
    }
}

/// The ARNs of the certificates with the configuration's statuses, key types, types and
/// domain (when given).
async fn listed_certificates(
    client: &aws_sdk_acm::Client,
    config: &Value,
    domain: Option<&str>,
) -> Result<Vec<String>, ProviderError> {
    let mut statuses = strings(config, "statuses");
    if statuses.is_empty() {
        statuses.push("ISSUED".to_string());
    }
    let mut key_types = strings(config, "key_types");
    if key_types.is_empty() {
        key_types = KEY_ALGORITHMS.iter().map(|k| k.to_string()).collect();
    }
    let types = strings(config, "types");
    let mut arns = Vec::new();
    let mut pages = client
        .list_certificates()
        .set_certificate_statuses(Some(
            statuses.iter().map(|s| CertificateStatus::from(s.as_str())).collect(),
        ))
        .includes(
            Filters::builder()
                .set_key_types(Some(
                    key_types.iter().map(|k| KeyAlgorithm::from(k.as_str())).collect(),
                ))
                .build(),
        )
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for summary in page.map_err(aws_error)?.certificate_summary_list() {
            if domain.is_some() && summary.domain_name() != domain {
                continue;
            }
            if !types.is_empty()
                && !summary.r#type().is_some_and(|t| types.iter().any(|w| w == t.as_str()))
            {
                continue;
            }
            arns.extend(summary.certificate_arn().map(str::to_string));
        }
    }
    Ok(arns)
}

/// Of `arns`, the certificates carrying every one of `wanted_tags`, with their details and
/// tags; a certificate deleted meanwhile is left out.
async fn tagged_certificates(
    client: &aws_sdk_acm::Client,
    arns: Vec<String>,
    wanted_tags: &[(String, String)],
) -> Result<
    Vec<(String, aws_sdk_acm::types::CertificateDetail, Vec<(String, String)>)>,
    ProviderError,
> {
    let mut matched = Vec::new();
    for arn in arns {
        let tags: Vec<(String, String)> =
            sent!(client.list_tags_for_certificate().certificate_arn(&arn))?
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string()))
                .collect();
        if !wanted_tags.iter().all(|t| tags.contains(t)) {
            continue;
        }
        let detail = match client.describe_certificate().certificate_arn(&arn).send().await {
            Ok(response) => response.certificate().cloned(),
            Err(error) => {
                let error = aws_error(error);
                if is_missing(&error) {
                    continue;
                }
                return Err(error);
            }
        };
        if let Some(detail) = detail {
            matched.push((arn, detail, tags));
        }
    }
    Ok(matched)
}
