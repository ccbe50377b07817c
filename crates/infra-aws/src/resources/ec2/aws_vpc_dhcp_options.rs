//! `aws_vpc_dhcp_options`: a DHCP options set (domain name, name servers, NTP and NetBIOS
//! servers) that VPCs use once associated. Every option forces a new set; only tags change in
//! place. Deleting a set first moves the VPCs still using it back to AWS's `default` set.
//!
//! moto does not hold `ipv6_address_preferred_lease_time` (it drops the option), so drift on
//! it is not seen in tests; it also drops the tag specification of CreateDhcpOptions, so create
//! tags the set again when the answer shows no tags.

use aws_sdk_ec2::types::{DhcpOptions, NewDhcpConfiguration, ResourceType as Ec2ResourceType, Tag};
use infra_core::resource::ADDRESS_TAG;
use infra_core::{Attribute, ProviderError, Type, Value};

use crate::app_support::sent;
use crate::ec2_object::{
    read, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type,
};
use crate::ec2_support::{
    created_id, delete_with_retry, ec2_tags, filter, has_code, non_empty_attribute,
    optional_string, string_list, string_values,
};
use crate::paginated::all_items;
use crate::tagging::ManagedTags;

/// Terraform attribute → DHCP option key, and whether the option holds a list.
const OPTIONS: &[(&str, &str, bool)] = &[
    ("domain_name", "domain-name", false),
    ("domain_name_servers", "domain-name-servers", true),
    ("ntp_servers", "ntp-servers", true),
    ("netbios_name_servers", "netbios-name-servers", true),
    ("netbios_node_type", "netbios-node-type", false),
    ("ipv6_address_preferred_lease_time", "ipv6-address-preferred-lease-time", false),
];

/// A set needs at least one option: the provider's `AtLeastOneOf` on each, in its order.
const AT_LEAST_ONE: &[&str] = &[
    "domain_name",
    "domain_name_servers",
    "ipv6_address_preferred_lease_time",
    "netbios_name_servers",
    "netbios_node_type",
    "ntp_servers",
];

/// The id AWS gives the DHCP options set every VPC falls back to.
pub(crate) const DEFAULT_DHCP_OPTIONS_ID: &str = "default";

pub type AwsVpcDhcpOptions = Ec2Type<DhcpOptionsObject>;

pub struct DhcpOptionsObject;

impl Ec2Object for DhcpOptionsObject {
    type Item = DhcpOptions;
    const NAME: &'static str = "aws_vpc_dhcp_options";
    const ID_FILTER: Option<&'static str> = Some("dhcp-options-id");
    const NOT_FOUND: &'static str = "InvalidDhcpOptionID.NotFound";

    fn attributes() -> Vec<Declared<DhcpOptions>> {
        let mut attributes = vec![
            string(Attribute::computed("id", Type::String), DhcpOptions::dhcp_options_id),
            read(Attribute::computed("arn", Type::String), |set: &DhcpOptions, at| {
                let id = set.dhcp_options_id().unwrap_or_default();
                at.arn(set.owner_id().unwrap_or_default(), "dhcp-options", id)
            }),
            read(Attribute::computed("owner_id", Type::String), |set: &DhcpOptions, _| {
                Value::string(set.owner_id().unwrap_or_default())
            }),
        ];
        for (name, key, list) in OPTIONS {
            let ty = match list {
                true => Type::list(Type::String),
                false => Type::String,
            };
            attributes.push(read(
                Attribute::optional(name, ty).force_new().at_least_one_of(AT_LEAST_ONE),
                move |set: &DhcpOptions, _| option_value(set, key, *list),
            ));
        }
        attributes
    }

    const ID: fn(&DhcpOptions) -> Option<&str> = DhcpOptions::dhcp_options_id;
    const TAGS: fn(&DhcpOptions) -> &[Tag] = DhcpOptions::tags;

    /// An empty string is an unset option, as in the provider (its SDK cannot tell them apart):
    /// modules pass `netbios_node_type = ""` to mean "not set", and AWS returns nothing for it.
    fn normalize(value: &mut Value) {
        let Some(entries) = value.map_mut() else {
            return;
        };
        for (name, _, list) in OPTIONS {
            if !*list && entries.get(*name).and_then(Value::as_str) == Some("") {
                entries.insert(name.to_string(), Value::Null);
            }
        }
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<DhcpOptions>, ProviderError> {
        all_items!(at
            .ec2
            .describe_dhcp_options()
            .set_dhcp_options_ids(at.ids)
            .set_filters(at.filters))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = at.this.ec2().await;
        let output = sent!(ec2
            .create_dhcp_options()
            .set_dhcp_configurations(Some(configurations(at.planned)))
            .tag_specifications(at.tag_specification(Ec2ResourceType::DhcpOptions)))?;
        let id = created_id(
            output.dhcp_options().and_then(DhcpOptions::dhcp_options_id),
            "CreateDhcpOptions returned no id",
        )?;
        // moto drops CreateDhcpOptions' tag specification; AWS keeps it. Tag the set when the
        // answer shows no tags, so both end up tagged.
        let tagged = output
            .dhcp_options()
            .is_some_and(|set| set.tags().iter().any(|t| t.key() == Some(ADDRESS_TAG)));
        if !tagged {
            sent!(ec2
                .create_tags()
                .resources(&id)
                .set_tags(Some(ec2_tags(&at.operation.tags_with_managed(at.planned)))))?;
        }
        Ok(id)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let ec2 = at.this.ec2().await;
        let vpcs: Vec<_> =
            all_items!(ec2.describe_vpcs().filters(filter("dhcp-options-id", [id])))?;
        for vpc_id in vpcs.iter().filter_map(|vpc| vpc.vpc_id()) {
            let result = sent!(ec2
                .associate_dhcp_options()
                .dhcp_options_id(DEFAULT_DHCP_OPTIONS_ID)
                .vpc_id(vpc_id));
            match result {
                Ok(_) => {}
                Err(error) if has_code(&error, "InvalidVpcID.NotFound") => {}
                Err(error) => return Err(error),
            }
        }
        delete_with_retry(
            at.operation.timeouts.delete,
            &format!("DHCP options set {id}"),
            || async { sent!(ec2.delete_dhcp_options().dhcp_options_id(id)) },
        )
        .await
    }
}

/// The value of one DHCP option of `set`: a list, or its first value; null when not set.
fn option_value(set: &DhcpOptions, key: &str, list: bool) -> Value {
    let Some(configuration) = set.dhcp_configurations().iter().find(|c| c.key() == Some(key))
    else {
        return Value::Null;
    };
    let mut values = configuration.values().iter().filter_map(|v| v.value());
    match list {
        true => string_values(values),
        false => optional_string(values.next()),
    }
}

/// The DHCP configurations a planned value asks for, in the API's key names.
fn configurations(planned: &Value) -> Vec<NewDhcpConfiguration> {
    OPTIONS
        .iter()
        .filter_map(|(name, key, list)| {
            let values = if *list {
                string_list(planned, name)
            } else {
                non_empty_attribute(planned, name).into_iter().collect()
            };
            (!values.is_empty())
                .then(|| NewDhcpConfiguration::builder().key(*key).set_values(Some(values)).build())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations_use_the_api_keys_and_skip_unset_options() {
        let planned = Value::map([
            ("domain_name", Value::string("example.internal")),
            ("domain_name_servers", Value::List(vec![Value::string("AmazonProvidedDNS")])),
            ("netbios_node_type", Value::string("2")),
            ("ntp_servers", Value::Null),
        ]);
        let keys: Vec<String> =
            configurations(&planned).iter().filter_map(|c| c.key().map(str::to_string)).collect();
        assert_eq!(keys, ["domain-name", "domain-name-servers", "netbios-node-type"]);
        assert!(configurations(&Value::map([("domain_name", Value::string(""))])).is_empty());
    }
}
