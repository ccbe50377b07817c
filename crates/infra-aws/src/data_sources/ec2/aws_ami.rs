//! `aws_ami` (data source): the one AMI matching `owners`, `executable_users`, `filter`
//! blocks, `include_deprecated` and `name_regex` (applied here to the names AWS returns, as
//! the provider does); with several matches, `most_recent` picks the newest by creation date,
//! otherwise it is the provider's error.
//!
//! `uefi_data` is not read (the provider reads it with a separate image attribute call that
//! moto does not implement), so it is always null. moto does not return `imds_support`,
//! `tpm_support`, `boot_mode`, `deprecation_time` or `usage_operation` for its default AMIs,
//! so they read empty in tests.

use aws_sdk_ec2::types::{Filter, Image};
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::sent;
use crate::ec2_support::{
    block_filters, ec2_arn, exactly_one, filter_block, lookup_value, string_list, visible_ec2_tags,
};
use crate::lookup::{Lookup, LookupType};
use crate::name_regex::NameRegex;

pub type AwsAmi = LookupType<AmiLookup>;

pub struct AmiLookup;

const COMPUTED_STRINGS: &[&str] = &[
    "architecture",
    "arn",
    "boot_mode",
    "creation_date",
    "deprecation_time",
    "description",
    "hypervisor",
    "image_id",
    "image_location",
    "image_owner_alias",
    "image_type",
    "imds_support",
    "kernel_id",
    "name",
    "owner_id",
    "platform",
    "platform_details",
    "ramdisk_id",
    "root_device_name",
    "root_device_type",
    "root_snapshot_id",
    "sriov_net_support",
    "state",
    "tpm_support",
    "usage_operation",
    "virtualization_type",
];

/// The block device mappings as the provider flattens them: `ebs` is a map of strings.
fn block_device_mappings(image: &Image) -> Vec<Value> {
    image
        .block_device_mappings()
        .iter()
        .map(|mapping| {
            let ebs = mapping
                .ebs()
                .map(|ebs| {
                    Value::map([
                        (
                            "delete_on_termination",
                            Value::string(ebs.delete_on_termination().unwrap_or(false).to_string()),
                        ),
                        ("encrypted", Value::string(ebs.encrypted().unwrap_or(false).to_string())),
                        ("iops", Value::string(ebs.iops().unwrap_or(0).to_string())),
                        ("snapshot_id", Value::string(ebs.snapshot_id().unwrap_or_default())),
                        ("throughput", Value::string(ebs.throughput().unwrap_or(0).to_string())),
                        ("volume_size", Value::string(ebs.volume_size().unwrap_or(0).to_string())),
                        (
                            "volume_type",
                            Value::string(
                                ebs.volume_type().map(|t| t.as_str()).unwrap_or_default(),
                            ),
                        ),
                    ])
                })
                .unwrap_or_else(|| Value::Map(Default::default()));
            Value::map([
                ("device_name", Value::string(mapping.device_name().unwrap_or_default())),
                ("ebs", ebs),
                ("no_device", Value::string(mapping.no_device().unwrap_or_default())),
                ("virtual_name", Value::string(mapping.virtual_name().unwrap_or_default())),
            ])
        })
        .collect()
}

/// The snapshot of the root device, when the root device is EBS.
fn root_snapshot_id(image: &Image) -> Option<&str> {
    if image.root_device_type().map(|t| t.as_str()) != Some("ebs") {
        return None;
    }
    image
        .block_device_mappings()
        .iter()
        .find(|m| m.device_name() == image.root_device_name())
        .and_then(|m| m.ebs())
        .and_then(|ebs| ebs.snapshot_id())
}

/// Provider v6 refuses `most_recent = true` when nothing pins who publishes the image (no
/// `owners`, no `image-id` or `owner-id` filter): anyone could then publish a newer match.
/// `allow_unsafe_filter = true` accepts that.
fn unsafe_filter(config: &Value, owners: &[String], filters: &[Filter]) -> Option<String> {
    let most_recent = config.get("most_recent").as_bool() == Some(true);
    let allowed = config.get("allow_unsafe_filter").as_bool() == Some(true);
    let pinned = !owners.is_empty()
        || filters.iter().any(|f| matches!(f.name(), Some("image-id" | "owner-id")));
    (most_recent && !allowed && !pinned).then(|| {
        "aws_ami: most_recent = true without `owners` or an \"image-id\" or \"owner-id\" filter \
         could return an image a third party published; set `owners`, or \
         allow_unsafe_filter = true to accept that"
            .to_string()
    })
}

impl Lookup for AmiLookup {
    const NAME: &'static str = "aws_ami";

    fn schema() -> Schema {
        let mut schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("owners", Type::list(Type::String)))
            .attr(Attribute::optional("executable_users", Type::list(Type::String)))
            .attr(Attribute::optional("most_recent", Type::Bool).default(Value::Bool(false)))
            .attr(Attribute::optional("name_regex", Type::String))
            .attr(Attribute::optional("include_deprecated", Type::Bool).default(Value::Bool(false)))
            .attr(
                Attribute::optional("allow_unsafe_filter", Type::Bool).default(Value::Bool(false)),
            )
            .attr(Attribute::optional_computed("uefi_data", Type::String))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("ena_support", Type::Bool))
            .attr(Attribute::computed("public", Type::Bool))
            // Objects of `device_name`, `ebs` (a string map), `no_device`, `virtual_name`.
            .attr(Attribute::computed("block_device_mappings", Type::set(Type::Any)))
            // Objects of `product_code_id`, `product_code_type`.
            .attr(Attribute::computed("product_codes", Type::set(Type::Any)))
            .attr(Attribute::computed("state_reason", Type::map(Type::String)))
            .block(filter_block());
        for name in COMPUTED_STRINGS {
            schema = schema.attr(Attribute::computed(name, Type::String));
        }
        schema
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let regex = match config.get("name_regex").as_str() {
            Some(pattern) => Some(NameRegex::new(pattern).map_err(ProviderError::new)?),
            None => None,
        };
        let filters = block_filters(config);
        let owners = string_list(config, "owners");
        if let Some(message) = unsafe_filter(config, &owners, &filters) {
            return Err(ProviderError::new(message));
        }
        let clients = this.aws.clients().await;
        let users = string_list(config, "executable_users");
        let response = sent!(clients
            .ec2
            .describe_images()
            .set_filters((!filters.is_empty()).then_some(filters))
            .set_owners((!owners.is_empty()).then_some(owners))
            .set_executable_users((!users.is_empty()).then_some(users))
            .include_deprecated(config.get("include_deprecated").as_bool().unwrap_or(false)))?;
        let mut images: Vec<Image> = response
            .images
            .unwrap_or_default()
            .into_iter()
            .filter(|image| match &regex {
                Some(regex) => image.name().is_some_and(|name| regex.is_match(name)),
                None => true,
            })
            .collect();
        if images.len() > 1 && config.get("most_recent").as_bool() == Some(true) {
            // Creation dates are ISO 8601 in one format, so text order is time order.
            images.sort_by(|a, b| b.creation_date().cmp(&a.creation_date()));
            images.truncate(1);
        }
        let image = exactly_one(
            images,
            "Your query returned no results. Please change your search criteria and try again.",
            "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
        )?;
        let id = image.image_id().unwrap_or_default();
        let text = |value: Option<&str>| Value::string(value.unwrap_or_default());
        let state_reason = match image.state_reason() {
            Some(reason) => {
                Value::map([("code", text(reason.code())), ("message", text(reason.message()))])
            }
            None => {
                Value::map([("code", Value::string("UNSET")), ("message", Value::string("UNSET"))])
            }
        };
        let product_codes: Vec<Value> = image
            .product_codes()
            .iter()
            .map(|code| {
                Value::map([
                    ("product_code_id", text(code.product_code_id())),
                    ("product_code_type", text(code.product_code_type().map(|t| t.as_str()))),
                ])
            })
            .collect();
        let entries = [
            ("id", Value::string(id)),
            ("image_id", Value::string(id)),
            ("arn", Value::string(ec2_arn(&clients.region, "", "image", id))),
            ("architecture", text(image.architecture().map(|a| a.as_str()))),
            ("boot_mode", text(image.boot_mode().map(|m| m.as_str()))),
            ("creation_date", text(image.creation_date())),
            ("deprecation_time", text(image.deprecation_time())),
            ("description", text(image.description())),
            ("ena_support", Value::Bool(image.ena_support().unwrap_or(false))),
            ("hypervisor", text(image.hypervisor().map(|h| h.as_str()))),
            ("image_location", text(image.image_location())),
            ("image_owner_alias", text(image.image_owner_alias())),
            ("image_type", text(image.image_type().map(|t| t.as_str()))),
            ("imds_support", text(image.imds_support().map(|s| s.as_str()))),
            ("kernel_id", text(image.kernel_id())),
            ("name", text(image.name())),
            ("owner_id", text(image.owner_id())),
            ("platform", text(image.platform().map(|p| p.as_str()))),
            ("platform_details", text(image.platform_details())),
            ("public", Value::Bool(image.public().unwrap_or(false))),
            ("ramdisk_id", text(image.ramdisk_id())),
            ("root_device_name", text(image.root_device_name())),
            ("root_device_type", text(image.root_device_type().map(|t| t.as_str()))),
            ("root_snapshot_id", text(root_snapshot_id(&image))),
            ("sriov_net_support", text(image.sriov_net_support())),
            ("state", text(image.state().map(|s| s.as_str()))),
            ("tpm_support", text(image.tpm_support().map(|t| t.as_str()))),
            ("usage_operation", text(image.usage_operation())),
            ("virtualization_type", text(image.virtualization_type().map(|v| v.as_str()))),
            ("tags", visible_ec2_tags(image.tags())),
            ("state_reason", state_reason),
            ("product_codes", Value::List(product_codes)),
            ("block_device_mappings", Value::List(block_device_mappings(&image))),
        ];
        Ok(lookup_value(&this.schema, config, entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2_support::filter;

    #[test]
    fn most_recent_needs_an_owner_or_allow_unsafe_filter() {
        let config =
            |pairs: &[(&str, bool)]| Value::map(pairs.iter().map(|(k, v)| (*k, Value::Bool(*v))));
        let recent = config(&[("most_recent", true)]);
        assert!(unsafe_filter(&recent, &[], &[]).is_some());
        assert!(unsafe_filter(&recent, &["amazon".into()], &[]).is_none());
        assert!(unsafe_filter(&recent, &[], &[filter("owner-id", ["1"])]).is_none());
        assert!(unsafe_filter(&recent, &[], &[filter("name", ["x*"])]).is_some());
        let allowed = config(&[("most_recent", true), ("allow_unsafe_filter", true)]);
        assert!(unsafe_filter(&allowed, &[], &[]).is_none());
        assert!(unsafe_filter(&config(&[]), &[], &[]).is_none());
    }
}
