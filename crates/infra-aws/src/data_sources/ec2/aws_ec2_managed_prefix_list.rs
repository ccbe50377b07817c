//! `aws_ec2_managed_prefix_list` (data source): the one AWS- or customer-managed prefix list
//! matching `id`, `name` and `filter` blocks, with its entries.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::ec2_support::{
    filter_block, lookup_filters, lookup_value, optional_string, single_match, visible_ec2_tags,
};
use crate::lookup::{Lookup, LookupType};
use crate::paginated::all_items;

pub type AwsEc2ManagedPrefixList = LookupType<Ec2ManagedPrefixListLookup>;

pub struct Ec2ManagedPrefixListLookup;

impl Lookup for Ec2ManagedPrefixListLookup {
    const NAME: &'static str = "aws_ec2_managed_prefix_list";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::optional_computed("id", Type::String))
            .attr(Attribute::optional_computed("name", Type::String))
            .attr(Attribute::computed("address_family", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            // Objects of `cidr` and `description`.
            .attr(Attribute::computed("entries", Type::list(Type::Any)))
            .attr(Attribute::computed("max_entries", Type::Number))
            .attr(Attribute::computed("owner_id", Type::String))
            .attr(Attribute::computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("version", Type::Number))
            .block(filter_block())
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let clients = this.aws.clients().await;
        let ec2 = &clients.ec2;
        // `tags` is only reported here, never a filter (as in the provider).
        let filters = lookup_filters(
            &Value::map([
                ("name", config.get("name").clone()),
                ("filter", config.get("filter").clone()),
            ]),
            &[("name", "prefix-list-name")],
        );
        let mut request = ec2
            .describe_managed_prefix_lists()
            .set_filters((!filters.is_empty()).then_some(filters));
        if let Some(id) = config.get("id").as_str() {
            request = request.prefix_list_ids(id);
        }
        let lists: Vec<_> = all_items!(request)?;
        let list = single_match(lists, "EC2 Managed Prefix List")?;
        let id = list.prefix_list_id().unwrap_or_default().to_string();
        let entries: Vec<_> =
            all_items!(ec2.get_managed_prefix_list_entries().prefix_list_id(&id))?;
        let entries: Vec<Value> = entries
            .iter()
            .map(|entry| {
                Value::map([
                    ("cidr", optional_string(entry.cidr())),
                    ("description", Value::string(entry.description().unwrap_or_default())),
                ])
            })
            .collect();
        let values = [
            ("id", Value::string(&id)),
            ("name", optional_string(list.prefix_list_name())),
            ("address_family", optional_string(list.address_family())),
            ("arn", optional_string(list.prefix_list_arn())),
            ("entries", Value::List(entries)),
            (
                "max_entries",
                list.max_entries().map(|n| Value::Number(f64::from(n))).unwrap_or(Value::Null),
            ),
            ("owner_id", optional_string(list.owner_id())),
            ("tags", visible_ec2_tags(list.tags())),
            ("version", Value::Number(list.version().unwrap_or_default() as f64)),
        ];
        Ok(lookup_value(&this.schema, config, values))
    }
}
