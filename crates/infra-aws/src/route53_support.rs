//! Helpers shared by the Route 53 types: hosted zone IDs and DNS names as the provider stores
//! them, zone tags, and waiting for a change to be INSYNC.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_route53::operation::get_hosted_zone::GetHostedZoneOutput;
use aws_sdk_route53::types::{ChangeStatus, RrType, Tag, TagResourceType};
use infra_core::{Operation, ProviderError, Value};

use crate::app_support::{sent, wait_for};
use crate::ec2_support::{crc32, run_started};
use crate::Aws;

/// A hosted zone ID without the `/hostedzone/` prefix Route 53 returns.
pub(crate) fn clean_zone_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/").to_string()
}

/// A change ID without its `/change/` prefix.
fn clean_change_id(id: &str) -> String {
    id.trim_start_matches("/change/").to_string()
}

/// A DNS name as the provider compares it: lower case, no trailing dot, and Route 53's octal
/// escapes (`\052` for `*`) decoded.
pub(crate) fn normalize_dns_name(name: &str) -> String {
    let unescaped = unescape_octal(name);
    unescaped.trim_end_matches('.').to_ascii_lowercase()
}

/// Decodes Route 53's `\NNN` octal escapes in names (`\052` is `*`).
fn unescape_octal(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 3 < bytes.len()
            && bytes[i + 1..i + 4].iter().all(|b| (b'0'..=b'7').contains(b))
        {
            let code = (bytes[i + 1] - b'0') as u32 * 64
                + (bytes[i + 2] - b'0') as u32 * 8
                + (bytes[i + 3] - b'0') as u32;
            if let Some(c) = char::from_u32(code) {
                out.push(c);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i] as char);
        i += 1;
    }
    out
}

/// The normalization of a name attribute of a value (schema-level `normalize` hook).
pub(crate) fn normalize_name_attribute(value: &mut Value, key: &str) {
    if let Value::Map(object) = value {
        if let Some(Value::String(name)) = object.get(key) {
            let normalized = normalize_dns_name(name);
            object.insert(key.to_string(), Value::string(normalized));
        }
    }
}

/// The tags of many hosted zones, in ListTagsForResources calls of 10 zones each.
pub(crate) async fn zone_tags(
    aws: &Aws,
    zone_ids: &[String],
) -> Result<BTreeMap<String, Vec<(String, String)>>, ProviderError> {
    resource_tags(aws, TagResourceType::Hostedzone, zone_ids).await
}

/// The tags of many Route 53 objects of one kind (hosted zones, health checks), in
/// ListTagsForResources calls of 10 each, by ID (a zone's without its `/hostedzone/` prefix).
pub(crate) async fn resource_tags(
    aws: &Aws,
    kind: TagResourceType,
    ids: &[String],
) -> Result<BTreeMap<String, Vec<(String, String)>>, ProviderError> {
    let client = &aws.clients().await.route53;
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(10) {
        let response = sent!(client
            .list_tags_for_resources()
            .resource_type(kind.clone())
            .set_resource_ids(Some(chunk.to_vec())))?;
        for set in response.resource_tag_sets() {
            let Some(id) = set.resource_id() else {
                continue;
            };
            out.insert(
                clean_zone_id(id),
                set.tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                    .collect(),
            );
        }
    }
    Ok(out)
}

/// A zone's name servers, sorted (from its delegation set, else the apex NS record), and its
/// primary name server (from the apex SOA record): GetHostedZone's `response` for the zone
/// `zone_id` named `name` (normalized), and one ListResourceRecordSets from the apex.
pub(crate) async fn apex_name_servers(
    client: &aws_sdk_route53::Client,
    response: &GetHostedZoneOutput,
    zone_id: &str,
    name: &str,
) -> Result<(Vec<String>, Option<String>), ProviderError> {
    let mut name_servers: Vec<String> = response
        .delegation_set()
        .map(|d| d.name_servers().iter().map(|n| normalize_dns_name(n)).collect())
        .unwrap_or_default();
    let apex = sent!(client
        .list_resource_record_sets()
        .hosted_zone_id(zone_id)
        .start_record_name(format!("{name}."))
        .max_items(10))?;
    let mut primary = None;
    for record in apex.resource_record_sets() {
        if normalize_dns_name(record.name()) != name {
            continue;
        }
        let values: Vec<&str> = record.resource_records().iter().map(|r| r.value()).collect();
        match record.r#type() {
            RrType::Soa => {
                primary = values
                    .first()
                    .and_then(|soa| soa.split_whitespace().next())
                    .map(normalize_dns_name);
            }
            RrType::Ns if name_servers.is_empty() => {
                name_servers = values.iter().map(|n| normalize_dns_name(n)).collect();
            }
            _ => {}
        }
    }
    name_servers.sort();
    Ok((name_servers, primary))
}

/// Route 53 tags from a map.
pub(crate) fn route53_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

/// Waits until a change is INSYNC (the provider waits for this after every change).
pub(crate) async fn wait_insync(
    aws: &Aws,
    change_id: Option<&str>,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let Some(change_id) = change_id.map(clean_change_id) else {
        return Ok(());
    };
    let client = &aws.clients().await.route53;
    wait_for("the Route 53 change to be INSYNC", timeout, || {
        let change_id = change_id.clone();
        async move {
            let response = sent!(client.get_change().id(change_id))?;
            Ok(response.change_info().filter(|c| *c.status() == ChangeStatus::Insync).map(|_| ()))
        }
    })
    .await
}

/// True for Route 53's "no such hosted zone" errors.
pub(crate) fn is_no_such_zone(error: &ProviderError) -> bool {
    matches!(error.code.as_deref(), Some("NoSuchHostedZone"))
        || crate::app_support::is_missing(error)
}

/// Every record set of a zone, in AWS's order: one paginated ListResourceRecordSets walk (its
/// pages continue from the next record's name, type and set identifier).
pub async fn record_sets(
    client: &aws_sdk_route53::Client,
    zone_id: &str,
) -> Result<Vec<aws_sdk_route53::types::ResourceRecordSet>, ProviderError> {
    let mut records = Vec::new();
    let mut next: Option<(String, aws_sdk_route53::types::RrType, Option<String>)> = None;
    loop {
        let mut request = client.list_resource_record_sets().hosted_zone_id(zone_id);
        if let Some((name, kind, identifier)) = next.take() {
            request = request
                .start_record_name(name)
                .start_record_type(kind)
                .set_start_record_identifier(identifier);
        }
        let page = request.send().await.map_err(crate::error::aws_error)?;
        records.extend(page.resource_record_sets().iter().cloned());
        match (page.is_truncated(), page.next_record_name(), page.next_record_type()) {
            (true, Some(name), Some(kind)) => {
                next = Some((
                    name.to_string(),
                    kind.clone(),
                    page.next_record_identifier().map(str::to_string),
                ))
            }
            _ => break,
        }
    }
    Ok(records)
}

/// The part of a caller reference that names this state lineage and resource address, shared
/// by zones, delegation sets and health checks so that crash recovery finds what a create made:
/// `infra-<crc32 of the lineage><crc32 of the address>-`.
pub(crate) fn creation_marker(operation: &Operation) -> String {
    format!(
        "infra-{:08x}{:08x}-",
        crc32(operation.lineage.as_bytes()),
        crc32(operation.address.as_bytes())
    )
}

/// The caller reference of a create: `[<reference_name>-]<marker><run start in base 36>`, 35
/// characters after the reference name, within the 36 the provider leaves for its own suffix
/// (a health check's caller reference holds 64 characters, its `reference_name` 27).
///
/// It is Route 53's idempotency token, so it is the same for every send of one create in a
/// run: a resend after a lost answer whose zone was made is refused as a duplicate
/// (`HostedZoneAlreadyExists`) instead of making a second zone. The marker names the lineage
/// and address, so two creates of one run differ; the run's start sets runs apart.
pub(crate) fn caller_reference(operation: &Operation, reference_name: Option<&str>) -> String {
    let suffix = format!("{}{}", creation_marker(operation), base36(run_started()));
    match reference_name.filter(|name| !name.is_empty()) {
        Some(name) => format!("{name}-{suffix}"),
        None => suffix,
    }
}

/// A number in base 36 (digits, then lower-case letters).
fn base36(mut number: u128) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(number % 36) as usize]);
        number /= 36;
        if number == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_trailing_dot_and_escapes() {
        assert_eq!(normalize_dns_name("Example.COM."), "example.com");
        assert_eq!(normalize_dns_name("\\052.example.com."), "*.example.com");
        assert_eq!(clean_zone_id("/hostedzone/Z123"), "Z123");
    }
}
