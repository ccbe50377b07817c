//! `aws_route53_delegation_set`: a Route 53 reusable delegation set, four name servers that
//! public hosted zones can share (`aws_route53_zone.delegation_set_id`).
//!
//! The Terraform ID is the delegation set ID without Route 53's `/delegationset/` prefix; the
//! import ID is the same ID (a prefixed one is accepted too). A delegation set cannot be
//! changed: `reference_name`, its only argument, forces a new one.
//!
//! The create's caller reference is `<reference_name>-<marker>` (the marker alone without a
//! reference name), as the provider writes `<reference_name>-terraform-<26 digits>`. The
//! marker, `infra-<crc32 of the state lineage><crc32 of the address>-<time in base 36>`, is
//! unique per create (Route 53 never accepts a caller reference twice) and lets `find_created`
//! find the set an interrupted create made. Refresh reads `reference_name` back out of the
//! caller reference, so an import gets it, as it does from the provider's own caller
//! references; one whose caller reference has neither form keeps the prior value.
//!
//! Refresh is one GetReusableDelegationSet for a single set, and ListReusableDelegationSets
//! (pages of 100) for more. Delegation sets have no tags. moto holds and returns everything
//! this type reads; it does not refuse to delete a set that a zone still uses, as AWS does
//! (`DelegationSetInUse`).

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_route53::types::DelegationSet;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{known, non_empty, sent, string, string_list, text, vanished};
use crate::clients::partition_of;
use crate::error::aws_error;
use crate::route53_support::{caller_reference, creation_marker};
use crate::Aws;

pub struct AwsRoute53DelegationSet {
    aws: Arc<Aws>,
    schema: Schema,
}

/// A delegation set ID without the `/delegationset/` prefix Route 53 may put on it.
fn clean_delegation_set_id(id: &str) -> String {
    id.trim_start_matches("/delegationset/").to_string()
}

/// True for Route 53's "no such delegation set" error.
fn is_no_such_delegation_set(error: &ProviderError) -> bool {
    matches!(error.code.as_deref(), Some("NoSuchDelegationSet"))
}

/// The `reference_name` a caller reference was made from: `Some(None)` for a caller reference
/// that is only a generated suffix, `Some(Some(name))` for `<name>-<suffix>`, and `None` for a
/// caller reference made some other way (the console, another tool). The suffixes known are
/// this type's marker and the provider's `terraform-<26 digits>`.
pub(super) fn reference_name_of(caller_reference: &str) -> Option<Option<String>> {
    let name_before = |start: usize| -> Option<Option<String>> {
        if start == 0 {
            return Some(None);
        }
        caller_reference
            .get(..start)?
            .strip_suffix('-')
            .filter(|name| !name.is_empty())
            .map(|name| Some(name.to_string()))
    };
    if let Some(start) = caller_reference.rfind("infra-") {
        let rest = &caller_reference[start + "infra-".len()..];
        if let Some((crcs, time)) = rest.split_once('-') {
            let crcs_ok = crcs.len() == 16 && crcs.bytes().all(|b| b.is_ascii_hexdigit());
            let time_ok = !time.is_empty()
                && time
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
            if crcs_ok && time_ok {
                return name_before(start);
            }
        }
    }
    const PROVIDER_SUFFIX: usize = "terraform-".len() + 26;
    let start = caller_reference.len().checked_sub(PROVIDER_SUFFIX)?;
    let digits = caller_reference.get(start..)?.strip_prefix("terraform-")?;
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return name_before(start);
    }
    None
}

/// The `reference_name` to report for an object with this caller reference: the one the
/// caller reference was made from, else (a caller reference of another form) the prior value.
/// A prior empty string and no reference name are the same (the provider sends none for "").
pub(super) fn reference_name_value(caller_reference: Option<&str>, hint: &Value) -> Value {
    match caller_reference.and_then(reference_name_of) {
        Some(name) if name == non_empty(hint, "reference_name") => known(hint, "reference_name"),
        Some(name) => text(name.as_deref()),
        None => known(hint, "reference_name"),
    }
}

impl AwsRoute53DelegationSet {
    pub fn new(aws: Arc<Aws>) -> AwsRoute53DelegationSet {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed(
                "name_servers",
                Type::list(Type::String),
            ))
            .attr(Attribute::optional("reference_name", Type::String).force_new());
        AwsRoute53DelegationSet { aws, schema }
    }

    async fn to_value(&self, set: &DelegationSet, id: &str, hint: &Value) -> Value {
        let region = &self.aws.clients().await.region;
        let id = set
            .id()
            .map(clean_delegation_set_id)
            .unwrap_or_else(|| id.to_string());
        let mut object = BTreeMap::new();
        object.insert(
            "arn".to_string(),
            Value::string(format!(
                "arn:{}:route53:::delegationset/{id}",
                partition_of(region)
            )),
        );
        object.insert("name_servers".to_string(), string_list(set.name_servers()));
        object.insert(
            "reference_name".to_string(),
            reference_name_value(set.caller_reference(), hint),
        );
        object.insert("id".to_string(), Value::string(id));
        Value::Map(object)
    }

    /// One delegation set, or `None` when it is gone.
    async fn get(&self, id: &str) -> Result<Option<DelegationSet>, ProviderError> {
        let client = &self.aws.clients().await.route53;
        match client.get_reusable_delegation_set().id(id).send().await {
            Ok(response) => Ok(response.delegation_set().cloned()),
            Err(error) => {
                let error = aws_error(error);
                if is_no_such_delegation_set(&error) {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Every reusable delegation set of the account, by ID.
    async fn list(&self) -> Result<BTreeMap<String, DelegationSet>, ProviderError> {
        let client = &self.aws.clients().await.route53;
        let mut sets = BTreeMap::new();
        let mut marker: Option<String> = None;
        loop {
            let page = sent!(client
                .list_reusable_delegation_sets()
                .set_marker(marker.take()))?;
            for set in page.delegation_sets() {
                if let Some(id) = set.id() {
                    sets.insert(clean_delegation_set_id(id), set.clone());
                }
            }
            match page.next_marker() {
                Some(next) if page.is_truncated() => marker = Some(next.to_string()),
                _ => break,
            }
        }
        Ok(sets)
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsRoute53DelegationSet {
    fn name(&self) -> &'static str {
        "aws_route53_delegation_set"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(name) = config.get("reference_name").as_str() {
            if name.chars().count() > 128 {
                let message = "expected length of reference_name to be in the range (0 - 128)";
                problems.push((
                    "reference_name".to_string(),
                    format!("{message}, got {name}"),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.route53;
        let reference_name = non_empty(planned, "reference_name");
        let reference = caller_reference(operation, reference_name.as_deref());
        let response = sent!(client
            .create_reusable_delegation_set()
            .caller_reference(reference))?;
        let set = response
            .delegation_set()
            .ok_or_else(|| ProviderError::new("CreateReusableDelegationSet returned no set"))?;
        let id = set
            .id()
            .map(clean_delegation_set_id)
            .ok_or_else(|| ProviderError::new("CreateReusableDelegationSet returned no ID"))?;
        // Read back as a refresh does, so the state holds what Route 53 holds.
        let set = self
            .get(&id)
            .await?
            .ok_or_else(|| vanished("Route 53 reusable delegation set", &id))?;
        Ok(self.to_value(&set, &id, planned).await)
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Nothing changes in place (`reference_name` forces a new set): read it back.
        let id = string(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_route53_delegation_set has no id in state"))?;
        let set = self
            .get(&id)
            .await?
            .ok_or_else(|| vanished("Route 53 reusable delegation set", &id))?;
        Ok(self.to_value(&set, &id, planned).await)
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.route53;
        let Some(id) = string(prior, "id").map(|id| clean_delegation_set_id(&id)) else {
            return Ok(());
        };
        match client.delete_reusable_delegation_set().id(&id).send().await {
            Ok(_) => Ok(()),
            Err(error) => {
                let error = aws_error(error);
                if is_no_such_delegation_set(&error) {
                    Ok(())
                } else {
                    Err(error.context(&format!("deleting Route53 Reusable Delegation Set ({id})")))
                }
            }
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let ids: Vec<Option<String>> = prior
            .iter()
            .map(|p| string(p, "id").map(|id| clean_delegation_set_id(&id)))
            .collect();
        let mut found: BTreeMap<String, DelegationSet> = BTreeMap::new();
        let wanted: Vec<&String> = ids.iter().flatten().collect();
        if wanted.len() > 1 {
            // One listing answers for every set.
            found = self.list().await?;
        } else if let Some(id) = wanted.first() {
            if let Some(set) = self.get(id).await? {
                found.insert((*id).clone(), set);
            }
        }
        let mut out = Vec::with_capacity(prior.len());
        for (p, id) in prior.iter().zip(&ids) {
            out.push(
                match id
                    .as_ref()
                    .and_then(|id| found.get(id).map(|set| (id, set)))
                {
                    Some((id, set)) => Some(self.to_value(set, id, p).await),
                    None => None,
                },
            );
        }
        Ok(out)
    }

    /// Terraform's import ID: the delegation set ID.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(Value::map([(
            "id",
            Value::string(clean_delegation_set_id(id)),
        )]))
    }

    /// The set whose caller reference carries this lineage's and address's marker and the
    /// planned reference name.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let marker = creation_marker(operation);
        let wanted = non_empty(planned, "reference_name");
        for (id, set) in self.list().await? {
            let Some(reference) = set.caller_reference() else {
                continue;
            };
            if reference.contains(&marker) && reference_name_of(reference) == Some(wanted.clone()) {
                return Ok(Some(self.to_value(&set, &id, planned).await));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation() -> Operation {
        Operation {
            address: "aws_route53_delegation_set.main".into(),
            lineage: "lineage-1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn caller_references_carry_the_reference_name_and_fit_a_health_check() {
        let named = caller_reference(&operation(), Some("DynDNS"));
        assert!(named.starts_with("DynDNS-infra-"), "{named}");
        assert!(named.len() - "DynDNS-".len() <= 36, "{named}");
        assert_eq!(reference_name_of(&named), Some(Some("DynDNS".to_string())));
        let bare = caller_reference(&operation(), None);
        assert!(bare.contains(&creation_marker(&operation())), "{bare}");
        assert_eq!(reference_name_of(&bare), Some(None));
        // Each send of one create in a run is the same request to Route 53; another address
        // makes another.
        assert_eq!(bare, caller_reference(&operation(), None));
        let other = Operation {
            address: "aws_route53_delegation_set.other".into(),
            ..operation()
        };
        assert_ne!(bare, caller_reference(&other, None));
    }

    #[test]
    fn provider_caller_references_are_understood() {
        assert_eq!(
            reference_name_of("DynDNS-terraform-20190122200019880700000001"),
            Some(Some("DynDNS".to_string()))
        );
        assert_eq!(
            reference_name_of("terraform-20190122200019880700000001"),
            Some(None)
        );
        assert_eq!(reference_name_of("console 12:00:01"), None);
        assert_eq!(
            reference_name_of("my-infra-set-infra-0123456789abcdef-k2j3"),
            Some(Some("my-infra-set".to_string()))
        );
    }

    #[test]
    fn ids_lose_their_prefix() {
        assert_eq!(
            clean_delegation_set_id("/delegationset/N1PA6795"),
            "N1PA6795"
        );
        assert_eq!(clean_delegation_set_id("N1PA6795"), "N1PA6795");
    }
}
