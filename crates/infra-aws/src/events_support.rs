//! Helpers for the EventBridge resource types (`aws_cloudwatch_event_rule`,
//! `aws_cloudwatch_event_target`): the provider's ID formats, the default bus, tags, and
//! EventBridge's "not found" answers.

use aws_sdk_eventbridge::types::Tag;
use infra_core::ProviderError;

use crate::app_support::sent;
use crate::tagging::sdk_tags_of;

pub const DEFAULT_BUS: &str = "default";

/// The bus name a value carries: `default` when unset or empty.
pub fn bus_or_default(bus: Option<String>) -> String {
    bus.filter(|b| !b.is_empty()).unwrap_or_else(|| DEFAULT_BUS.to_string())
}

/// The bus part of an ID: a bus ARN's name part (`arn:...:event-bus/name` → `name`) stays an
/// ARN only where AWS needs one; IDs use what the configuration wrote.
fn is_default(bus: &str) -> bool {
    bus.is_empty() || bus == DEFAULT_BUS
}

/// A rule's ID as the provider writes it: `name` on the default bus, else `bus/name`.
pub fn rule_id(bus: &str, name: &str) -> String {
    if is_default(bus) {
        name.to_string()
    } else {
        format!("{bus}/{name}")
    }
}

/// A rule ID or import ID (`name`, `bus/name`, or `bus-arn/name`) as `(bus, name)`.
pub fn parse_rule_id(id: &str) -> Result<(String, String), ProviderError> {
    let (bus, name) = match id.rsplit_once('/') {
        Some((bus, name)) => (bus.to_string(), name.to_string()),
        None => (DEFAULT_BUS.to_string(), id.to_string()),
    };
    if name.is_empty() || bus.is_empty() {
        return Err(ProviderError::new(format!(
            "unexpected format for ID ({id}), expected EVENTBUSNAME/RULENAME or RULENAME"
        )));
    }
    Ok((bus, name))
}

/// A target's ID as the provider writes it: `rule-target_id` on the default bus, else
/// `bus-rule-target_id`.
pub fn target_id(bus: &str, rule: &str, target: &str) -> String {
    if is_default(bus) {
        format!("{rule}-{target}")
    } else {
        format!("{bus}-{rule}-{target}")
    }
}

/// A target's import ID (`bus/rule/target_id`, or `rule/target_id` on the default bus) as
/// `(bus, rule, target_id)`. A bus given by ARN keeps its slashes.
pub fn parse_target_import_id(id: &str) -> Result<(String, String, String), ProviderError> {
    let invalid = || {
        ProviderError::new(format!(
            "unexpected format for ID ({id}), expected EVENTBUSNAME/RULENAME/TARGETID or RULENAME/TARGETID"
        ))
    };
    let (rest, target) = id.rsplit_once('/').ok_or_else(invalid)?;
    let (bus, rule) = match rest.rsplit_once('/') {
        Some((bus, rule)) => (bus.to_string(), rule.to_string()),
        None => (DEFAULT_BUS.to_string(), rest.to_string()),
    };
    if bus.is_empty() || rule.is_empty() || target.is_empty() {
        return Err(invalid());
    }
    Ok((bus, rule, target.to_string()))
}

pub fn is_gone(error: &ProviderError) -> bool {
    crate::app_support::is_missing(error)
}

sdk_tags_of!(pub Tag);

pub async fn tags_of(
    client: &aws_sdk_eventbridge::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let output = sent!(client.list_tags_for_resource().resource_arn(arn))?;
    Ok(output.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_follow_the_provider() {
        assert_eq!(rule_id("default", "nightly"), "nightly");
        assert_eq!(rule_id("orders", "nightly"), "orders/nightly");
        assert_eq!(
            parse_rule_id("nightly").unwrap(),
            ("default".to_string(), "nightly".to_string())
        );
        assert_eq!(
            parse_rule_id("orders/nightly").unwrap(),
            ("orders".to_string(), "nightly".to_string())
        );
        assert!(parse_rule_id("orders/").is_err());
    }

    #[test]
    fn target_ids_follow_the_provider() {
        assert_eq!(target_id("default", "r", "t"), "r-t");
        assert_eq!(target_id("bus", "r", "t"), "bus-r-t");
        assert_eq!(
            parse_target_import_id("bus/r/t").unwrap(),
            ("bus".to_string(), "r".to_string(), "t".to_string())
        );
        assert_eq!(
            parse_target_import_id("r/t").unwrap(),
            ("default".to_string(), "r".to_string(), "t".to_string())
        );
        assert!(parse_target_import_id("r-t").is_err());
    }
}
