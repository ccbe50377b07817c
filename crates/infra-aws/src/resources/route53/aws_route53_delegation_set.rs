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

use aws_sdk_route53::types::DelegationSet;
use infra_core::{Attribute, Check, ProviderError, Type, Value};

use crate::app_support::{deleted_or_gone, known, non_empty, sent, string, string_list, text};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::clients::partition_of;
use crate::declared::{read, Declared, Reading};
use crate::route53_support::{caller_reference, creation_marker};

pub type AwsRoute53DelegationSet = ObjectType<DelegationSetObject>;

pub struct DelegationSetObject;

/// A delegation set as read, under the ID it was asked for (Route 53 may leave the ID out of
/// GetReusableDelegationSet's answer).
pub struct Set {
    id: String,
    set: DelegationSet,
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
                && time.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
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

/// Every reusable delegation set of the account, by ID.
async fn list(this: &AwsRoute53DelegationSet) -> Result<BTreeMap<String, Set>, ProviderError> {
    let client = &this.aws.clients().await.route53;
    let mut sets = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let page = sent!(client.list_reusable_delegation_sets().set_marker(marker.take()))?;
        for set in page.delegation_sets() {
            if let Some(id) = set.id().map(clean_delegation_set_id) {
                let set = set.clone();
                sets.insert(id.clone(), Set { id, set });
            }
        }
        match page.next_marker() {
            Some(next) if page.is_truncated() => marker = Some(next.to_string()),
            _ => break,
        }
    }
    Ok(sets)
}

/// One delegation set, or `None` when it is gone.
async fn get(this: &AwsRoute53DelegationSet, id: &str) -> Result<Option<Set>, ProviderError> {
    let client = &this.aws.clients().await.route53;
    match sent!(client.get_reusable_delegation_set().id(id)) {
        Err(error) if is_no_such_delegation_set(&error) => Ok(None),
        answer => Ok(answer?.delegation_set().map(|set| Set {
            id: set.id().map(clean_delegation_set_id).unwrap_or_else(|| id.to_string()),
            set: set.clone(),
        })),
    }
}

fn untagged(object: Set) -> Tagged<Set> {
    Tagged { object, tags: vec![] }
}

impl AwsObject for DelegationSetObject {
    type Object = Set;
    const NAME: &'static str = "aws_route53_delegation_set";
    const KIND: &'static str = "Route 53 reusable delegation set";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<Set>> {
        vec![
            read(Attribute::computed("id", Type::String), |set: &Set, _: &Reading| {
                Value::string(&set.id)
            }),
            read(Attribute::computed("arn", Type::String), |set: &Set, at: &Reading| {
                let partition = partition_of(at.region);
                Value::string(format!("arn:{partition}:route53:::delegationset/{}", set.id))
            }),
            read(
                Attribute::computed("name_servers", Type::list(Type::String)),
                |set: &Set, _: &Reading| string_list(set.set.name_servers()),
            ),
            read(
                Attribute::optional("reference_name", Type::String)
                    .force_new()
                    .check(Check::Length(0, 128)),
                |set: &Set, at: &Reading| {
                    reference_name_value(set.set.caller_reference(), at.prior)
                },
            ),
        ]
    }

    /// The ID without Route 53's prefix.
    fn key_of(value: &Value) -> Option<String> {
        string(value, "id").map(|id| clean_delegation_set_id(&id))
    }

    /// Terraform's import ID: the delegation set ID.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(Value::map([("id", Value::string(clean_delegation_set_id(id)))]))
    }

    /// One GetReusableDelegationSet for a single set; one listing answers for more.
    async fn describe(this: &ObjectType<Self>, ids: &[String]) -> DescribeResult<Set> {
        let sets = match ids {
            [] => BTreeMap::new(),
            [id] => get(this, id).await?.map(|set| (id.clone(), set)).into_iter().collect(),
            _ => list(this).await?,
        };
        Ok(sets.into_iter().map(|(id, set)| (id, untagged(set))).collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.route53;
        let reference_name = non_empty(at.planned, "reference_name");
        let reference = caller_reference(at.operation, reference_name.as_deref());
        let response = sent!(client.create_reusable_delegation_set().caller_reference(reference))?;
        let set = response
            .delegation_set()
            .ok_or_else(|| ProviderError::new("CreateReusableDelegationSet returned no set"))?;
        set.id()
            .map(clean_delegation_set_id)
            .ok_or_else(|| ProviderError::new("CreateReusableDelegationSet returned no ID"))
    }

    /// Nothing changes in place (`reference_name` forces a new set): it is read back.
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let client = &at.this.aws.clients().await.route53;
        deleted_or_gone(
            sent!(client.delete_reusable_delegation_set().id(id)),
            is_no_such_delegation_set,
        )
        .map_err(|error| error.context(&format!("deleting Route53 Reusable Delegation Set ({id})")))
    }

    /// The set whose caller reference carries this lineage's and address's marker and the
    /// planned reference name.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Set> {
        let marker = creation_marker(at.operation);
        let wanted = non_empty(at.planned, "reference_name");
        Ok(list(at.this)
            .await?
            .into_values()
            .find(|set| {
                set.set.caller_reference().is_some_and(|reference| {
                    reference.contains(&marker)
                        && reference_name_of(reference) == Some(wanted.clone())
                })
            })
            .map(untagged))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Operation;

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
        let other = Operation { address: "aws_route53_delegation_set.other".into(), ..operation() };
        assert_ne!(bare, caller_reference(&other, None));
    }

    #[test]
    fn provider_caller_references_are_understood() {
        assert_eq!(
            reference_name_of("DynDNS-terraform-20190122200019880700000001"),
            Some(Some("DynDNS".to_string()))
        );
        assert_eq!(reference_name_of("terraform-20190122200019880700000001"), Some(None));
        assert_eq!(reference_name_of("console 12:00:01"), None);
        assert_eq!(
            reference_name_of("my-infra-set-infra-0123456789abcdef-k2j3"),
            Some(Some("my-infra-set".to_string()))
        );
    }

    #[test]
    fn ids_lose_their_prefix() {
        assert_eq!(clean_delegation_set_id("/delegationset/N1PA6795"), "N1PA6795");
        assert_eq!(clean_delegation_set_id("N1PA6795"), "N1PA6795");
    }
}
