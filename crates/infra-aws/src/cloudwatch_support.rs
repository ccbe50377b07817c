//! Helpers shared by the CloudWatch and CloudWatch Logs types: tags of many objects in one
//! Resource Groups Tagging API call (their describe calls return no tags).

use std::collections::BTreeMap;

use infra_core::{ProviderError, Value};

use crate::app_support::string;

use crate::clients::Clients;
use crate::error::aws_error;

/// The units CloudWatch accepts for a metric.
pub const UNITS: &[&str] = &[
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// GetResources takes at most 100 ARNs in `ResourceARNList`.
pub const TAGGING_ARNS_PER_CALL: usize = 100;

/// The tags of the given ARNs that the Resource Groups Tagging API knows, 100 ARNs a
/// GetResources call (the caller needs `tag:GetResources`). An ARN missing from the answer
/// has no tags, or is not indexed yet (an object created a moment ago): the caller asks the
/// service's own ListTagsForResource for those.
pub async fn tagging_tags(
    clients: &Clients,
    arns: &[String],
) -> Result<BTreeMap<String, Vec<(String, String)>>, ProviderError> {
    let mut tags = BTreeMap::new();
    for chunk in arns.chunks(TAGGING_ARNS_PER_CALL) {
        // AWS refuses ResourceARNList together with any paging parameter and answers all
        // the ARNs at once; moto pages the answer anyway, so follow its token on its own.
        let mut response = clients
            .tagging
            .get_resources()
            .set_resource_arn_list(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(aws_error)?;
        loop {
            for mapping in response.resource_tag_mapping_list() {
                let Some(arn) = mapping.resource_arn() else {
                    continue;
                };
                let pairs = mapping
                    .tags()
                    .iter()
                    .map(|tag| (tag.key().to_string(), tag.value().to_string()))
                    .collect();
                tags.insert(arn.to_string(), pairs);
            }
            let Some(token) = response.pagination_token().filter(|t| !t.is_empty()) else {
                break;
            };
            response = clients
                .tagging
                .get_resources()
                .pagination_token(token)
                .send()
                .await
                .map_err(aws_error)?;
        }
    }
    Ok(tags)
}

/// The longest prefix every name shares (empty for no names), to narrow a listing by prefix.
pub fn common_prefix(names: &[String]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    names.iter().skip(1).fold(first.clone(), |common, name| {
        common
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    })
}

/// Splits a two-part import ID (`GROUP:NAME`, `GROUP|NAME`) at `separator`; both parts must be
/// non-empty and there must be exactly one separator, as the provider requires.
pub fn two_part_id(
    type_name: &str,
    id: &str,
    separator: char,
    expected: &str,
) -> Result<(String, String), ProviderError> {
    let parts: Vec<&str> = id.split(separator).collect();
    match parts.as_slice() {
        [first, second] if !first.is_empty() && !second.is_empty() => {
            Ok((first.to_string(), second.to_string()))
        }
        _ => Err(ProviderError::new(format!(
            "{type_name}: unexpected format for ID ({id}), expected {expected}"
        ))),
    }
}

/// The names wanted from each log group: `(log_group_name, name)` pairs grouped by group, so a
/// refresh lists each group once.
pub fn by_log_group(keys: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (group, name) in keys {
        let names = groups.entry(group.clone()).or_default();
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    groups
}

/// `(log_group_name, name)` of an object named within a log group (a stream, a metric filter, a
/// subscription filter), from its prior or planned value.
pub fn log_group_and_name(value: &Value) -> Option<(String, String)> {
    Some((string(value, "log_group_name")?, string(value, "name")?))
}

/// Each prior object's refreshed value: the one `found` holds under its log group and name, as
/// `to_value` (given the group) makes it, or `None` where it is gone.
pub fn found_in_log_groups<T>(
    prior: &[Value],
    found: &BTreeMap<(String, String), T>,
    to_value: impl Fn(&str, &T) -> Value,
) -> Vec<Option<Value>> {
    prior
        .iter()
        .map(|p| {
            let key = log_group_and_name(p)?;
            found.get(&key).map(|object| to_value(&key.0, object))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_of_names() {
        assert_eq!(common_prefix(&[]), "");
        assert_eq!(
            common_prefix(&["app-a".to_string(), "app-b".to_string()]),
            "app-"
        );
        assert_eq!(common_prefix(&["x".to_string()]), "x");
    }

    #[test]
    fn two_part_ids_need_both_parts() {
        assert_eq!(
            two_part_id("t", "group:name", ':', "a:b").unwrap(),
            ("group".to_string(), "name".to_string())
        );
        assert!(two_part_id("t", "group:", ':', "a:b").is_err());
        assert!(two_part_id("t", "a:b:c", ':', "a:b").is_err());
        assert!(two_part_id("t", "group|name", ':', "a:b").is_err());
    }
}
