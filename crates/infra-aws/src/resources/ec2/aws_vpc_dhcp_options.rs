//! `aws_vpc_dhcp_options`: a DHCP options set (domain name, name servers, NTP and NetBIOS
//! servers) that VPCs use once associated. Every option forces a new set; only tags change in
//! place. Deleting a set first moves the VPCs still using it back to AWS's `default` set.
//!
//! moto does not hold `ipv6_address_preferred_lease_time` (it drops the option), so drift on
//! it is not seen in tests; it also drops the tag specification of CreateDhcpOptions, so create
//! tags the set again when the answer shows no tags.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{
    DhcpOptions, Filter, NewDhcpConfiguration, ResourceType as Ec2ResourceType,
};
use infra_core::resource::ADDRESS_TAG;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::ec2_support::{
    chunks_of, delete_with_retry, ec2_arn, ec2_tags, filter, has_code, in_prior_order, known_ids,
    managed_tag_filters, non_empty_attribute, string_attribute, string_list, string_values,
    tag_entries, tag_specification, update_tags, whole_object,
};
use crate::error::aws_error;
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

/// Terraform attribute → DHCP option key, and whether the option holds a list.
const OPTIONS: &[(&str, &str, bool)] = &[
    ("domain_name", "domain-name", false),
    ("domain_name_servers", "domain-name-servers", true),
    ("ntp_servers", "ntp-servers", true),
    ("netbios_name_servers", "netbios-name-servers", true),
    ("netbios_node_type", "netbios-node-type", false),
    (
        "ipv6_address_preferred_lease_time",
        "ipv6-address-preferred-lease-time",
        false,
    ),
];

/// The id AWS gives the DHCP options set every VPC falls back to.
pub(crate) const DEFAULT_DHCP_OPTIONS_ID: &str = "default";

pub struct AwsVpcDhcpOptions {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpcDhcpOptions {
    pub fn new(aws: Arc<Aws>) -> AwsVpcDhcpOptions {
        let mut schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("owner_id", Type::String));
        for (name, _, list) in OPTIONS {
            let ty = if *list {
                Type::list(Type::String)
            } else {
                Type::String
            };
            schema = schema.attr(Attribute::optional(name, ty).force_new());
        }
        AwsVpcDhcpOptions {
            aws,
            schema: schema.with_tags(),
        }
    }

    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let sets: Vec<DhcpOptions> = clients
            .ec2
            .describe_dhcp_options()
            .set_filters(Some(filters))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws_error)?;
        let mut found = HashMap::new();
        for set in &sets {
            let Some(id) = set.dhcp_options_id() else {
                continue;
            };
            let owner = set.owner_id().unwrap_or_default();
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "arn",
                    Value::string(ec2_arn(&clients.region, owner, "dhcp-options", id)),
                ),
                ("owner_id", Value::string(owner)),
            ];
            for (name, key, list) in OPTIONS {
                let Some(configuration) = set
                    .dhcp_configurations()
                    .iter()
                    .find(|c| c.key() == Some(*key))
                else {
                    continue;
                };
                let values: Vec<&str> = configuration
                    .values()
                    .iter()
                    .filter_map(|v| v.value())
                    .collect();
                let value = if *list {
                    string_values(values)
                } else {
                    values
                        .first()
                        .map(|v| Value::string(*v))
                        .unwrap_or(Value::Null)
                };
                entries.push((name, value));
            }
            entries.extend(tag_entries(set.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        Ok(found)
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        self.describe(vec![filter("dhcp-options-id", [id])])
            .await?
            .remove(id)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidDhcpOptionID.NotFound",
                    format!("DHCP options set {id} not found"),
                )
            })
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
            (!values.is_empty()).then(|| {
                NewDhcpConfiguration::builder()
                    .key(*key)
                    .set_values(Some(values))
                    .build()
            })
        })
        .collect()
}

#[async_trait::async_trait]
impl ResourceType for AwsVpcDhcpOptions {
    fn name(&self) -> &'static str {
        "aws_vpc_dhcp_options"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// An empty string is an unset option, as in the provider (its SDK cannot tell them apart):
    /// modules pass `netbios_node_type = ""` to mean "not set", and AWS returns nothing for it.
    fn normalize(&self, value: &mut Value) {
        let Some(entries) = value.map_mut() else {
            return;
        };
        for (name, _, list) in OPTIONS {
            if !*list && entries.get(*name).and_then(Value::as_str) == Some("") {
                entries.insert(name.to_string(), Value::Null);
            }
        }
    }

    /// The provider's remark: every argument is optional, but a set needs at least one.
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let any_unknown = OPTIONS
            .iter()
            .any(|(name, _, _)| !config.get(name).is_wholly_known());
        if !any_unknown && configurations(config).is_empty() {
            return vec![(
                "domain_name".to_string(),
                "at least one of domain_name, domain_name_servers, ntp_servers, netbios_name_servers, netbios_node_type or ipv6_address_preferred_lease_time must be set.".to_string(),
            )];
        }
        vec![]
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let output = self
            .aws
            .clients()
            .await
            .ec2
            .create_dhcp_options()
            .set_dhcp_configurations(Some(configurations(planned)))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::DhcpOptions,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .dhcp_options()
            .and_then(DhcpOptions::dhcp_options_id)
            .ok_or_else(|| ProviderError::new("CreateDhcpOptions returned no id"))?
            .to_string();
        // moto drops CreateDhcpOptions' tag specification; AWS keeps it. Tag the set when the
        // answer shows no tags, so both end up tagged.
        let tagged = output
            .dhcp_options()
            .is_some_and(|set| set.tags().iter().any(|t| t.key() == Some(ADDRESS_TAG)));
        if !tagged {
            self.aws
                .clients()
                .await
                .ec2
                .create_tags()
                .resources(&id)
                .set_tags(Some(ec2_tags(&operation.tags_with_managed(planned))))
                .send()
                .await
                .map_err(aws_error)?;
        }
        self.read_one(&id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_vpc_dhcp_options: prior state has no id"))?;
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        let vpcs: Vec<_> = ec2
            .describe_vpcs()
            .filters(filter("dhcp-options-id", [id.as_str()]))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws_error)?;
        for vpc_id in vpcs.iter().filter_map(|vpc| vpc.vpc_id()) {
            let result = ec2
                .associate_dhcp_options()
                .dhcp_options_id(DEFAULT_DHCP_OPTIONS_ID)
                .vpc_id(vpc_id)
                .send()
                .await
                .map_err(aws_error);
            match result {
                Ok(_) => {}
                Err(error) if has_code(&error, "InvalidVpcID.NotFound") => {}
                Err(error) => return Err(error),
            }
        }
        delete_with_retry(
            operation.timeouts.delete,
            &format!("DHCP options set {id}"),
            || async {
                ec2.delete_dhcp_options()
                    .dhcp_options_id(&id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_error)
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            found.extend(
                self.describe(vec![filter("dhcp-options-id", chunk.iter().cloned())])
                    .await?,
            );
        }
        Ok(in_prior_order(prior, &found))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .describe(managed_tag_filters(operation))
            .await?
            .into_values()
            .next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations_use_the_api_keys_and_skip_unset_options() {
        let planned = Value::map([
            ("domain_name", Value::string("example.internal")),
            (
                "domain_name_servers",
                Value::List(vec![Value::string("AmazonProvidedDNS")]),
            ),
            ("netbios_node_type", Value::string("2")),
            ("ntp_servers", Value::Null),
        ]);
        let keys: Vec<String> = configurations(&planned)
            .iter()
            .filter_map(|c| c.key().map(str::to_string))
            .collect();
        assert_eq!(
            keys,
            ["domain-name", "domain-name-servers", "netbios-node-type"]
        );
        assert!(configurations(&Value::map([("domain_name", Value::string(""))])).is_empty());
    }
}
