//! `aws_security_group` (data source): the one security group matching `id`, `name`,
//! `vpc_id`, `tags` and `filter` blocks.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::sent;
use crate::ec2_support::{
    ec2_arn, filter_block, lookup_filters, lookup_value, optional_string, single_match,
    visible_ec2_tags,
};
use crate::lookup::{Lookup, LookupType};

pub type AwsSecurityGroup = LookupType<SecurityGroupLookup>;

pub struct SecurityGroupLookup;

impl Lookup for SecurityGroupLookup {
    const NAME: &'static str = "aws_security_group";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::optional_computed("id", Type::String))
            .attr(Attribute::optional_computed("name", Type::String))
            .attr(Attribute::optional_computed("vpc_id", Type::String))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("description", Type::String))
            .block(filter_block())
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let clients = this.aws.clients().await;
        let filters = lookup_filters(config, &[("name", "group-name"), ("vpc_id", "vpc-id")]);
        let mut request = clients
            .ec2
            .describe_security_groups()
            .set_filters((!filters.is_empty()).then_some(filters));
        if let Some(id) = config.get("id").as_str() {
            request = request.group_ids(id);
        }
        let groups = sent!(request)?.security_groups.unwrap_or_default();
        let group = single_match(groups, "EC2 Security Group")?;
        let id = group.group_id().unwrap_or_default();
        let owner = group.owner_id().unwrap_or_default();
        let arn = group
            .security_group_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ec2_arn(&clients.region, owner, "security-group", id));
        let entries = [
            ("id", Value::string(id)),
            ("arn", Value::string(arn)),
            ("name", optional_string(group.group_name())),
            ("vpc_id", optional_string(group.vpc_id())),
            ("description", optional_string(group.description())),
            ("tags", visible_ec2_tags(group.tags())),
        ];
        Ok(lookup_value(&this.schema, config, entries))
    }
}
