//! `aws_availability_zones`: the zones of the provider's region, optionally by state and by
//! the provider's `filter` blocks (DescribeAvailabilityZones filters: `opt-in-status`,
//! `zone-type`, `group-name`, ...).

use std::sync::Arc;

use infra_core::{Attribute, Check, DataSourceType, ProviderError, Schema, Type, Value};

use crate::ec2_support::{block_filters, filter, filter_block, string_list, string_values};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsAvailabilityZones {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsAvailabilityZones {
    pub fn new(aws: Arc<Aws>) -> AwsAvailabilityZones {
        let schema = Schema::new()
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
            .block(filter_block());
        AwsAvailabilityZones { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsAvailabilityZones {
    fn name(&self) -> &'static str {
        "aws_availability_zones"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let clients = self.aws.clients().await;
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
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), Value::string(&clients.region));
            entries.insert("names".into(), string_values(zones.iter().map(|z| z.0.clone())));
            entries.insert("zone_ids".into(), string_values(zones.iter().map(|z| z.1.clone())));
            entries.insert("group_names".into(), string_values(groups));
        }
        Ok(value)
    }
}
