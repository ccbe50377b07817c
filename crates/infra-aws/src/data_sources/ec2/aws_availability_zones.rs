//! `aws_availability_zones`: the zones of the provider's region, optionally by state and by
//! the provider's `filter` blocks (DescribeAvailabilityZones filters: `opt-in-status`,
//! `zone-type`, `group-name`, ...).

use infra_core::{Attribute, Check, ProviderError, Schema, Type, Value};

use crate::ec2_support::{block_filters, filter, filter_block, string_list, string_values};
use crate::error::aws_error;
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsAvailabilityZones = LookupType<AvailabilityZonesLookup>;

pub struct AvailabilityZonesLookup;

impl Lookup for AvailabilityZonesLookup {
    const NAME: &'static str = "aws_availability_zones";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("state", Type::String).check(Check::OneOf(&[
                "available",
                "information",
                "impaired",
                "unavailable",
            ])))
            .attr(Attribute::optional("all_availability_zones", Type::Bool))
            .attr(Attribute::optional("exclude_names", Type::set(Type::String)))
            .attr(Attribute::optional("exclude_zone_ids", Type::set(Type::String)))
            .attr(Attribute::computed("names", Type::list(Type::String)))
            .attr(Attribute::computed("zone_ids", Type::list(Type::String)))
            .attr(Attribute::computed("group_names", Type::set(Type::String)))
            .block(filter_block())
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let clients = this.aws.clients().await;
        let mut request = clients.ec2.describe_availability_zones();
        if let Some(state) = config.get("state").as_str() {
            request = request.filters(filter("state", [state]));
        }
        for block in block_filters(config) {
            request = request.filters(block);
        }
        if let Some(all) = config.get("all_availability_zones").as_bool() {
            request = request.all_availability_zones(all);
        }
        let output = request.send().await.map_err(aws_error)?;
        let excluded_names = string_list(config, "exclude_names");
        let excluded_ids = string_list(config, "exclude_zone_ids");
        let mut zones: Vec<(String, String, String)> = output
            .availability_zones()
            .iter()
            .filter_map(|zone| {
                let name = zone.zone_name()?.to_string();
                let id = zone.zone_id().unwrap_or_default().to_string();
                let group = zone.group_name().unwrap_or_default().to_string();
                (!excluded_names.contains(&name) && !excluded_ids.contains(&id))
                    .then_some((name, id, group))
            })
            .collect();
        // The provider reports zones sorted by name.
        zones.sort();
        let mut groups: Vec<String> =
            zones.iter().map(|z| z.2.clone()).filter(|g| !g.is_empty()).collect();
        groups.sort();
        groups.dedup();
        Ok(with_found(
            config,
            [
                ("id", Value::string(&clients.region)),
                ("names", string_values(zones.iter().map(|z| z.0.clone()))),
                ("zone_ids", string_values(zones.iter().map(|z| z.1.clone()))),
                ("group_names", string_values(groups)),
            ],
        ))
    }
}
