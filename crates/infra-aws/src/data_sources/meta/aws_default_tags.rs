//! `aws_default_tags`: the `default_tags { tags = {...} }` of this data source's provider
//! block (an aliased block's own, as in Terraform), from the provider settings, so no AWS call
//! is needed. `id` is the partition (deprecated in the provider, kept as it sets it).
//!
//! The engine applies the default provider block's `default_tags` to resources of an aliased
//! block that has none (an aliased block with different ones is refused at load); this data
//! source reports the block's own, which is what Terraform does.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsDefaultTags = LookupType<DefaultTagsLookup>;

pub struct DefaultTagsLookup;

impl Lookup for DefaultTagsLookup {
    const NAME: &'static str = "aws_default_tags";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("tags", Type::map(Type::String)))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let tags = Value::Map(
            this.aws
                .settings
                .default_tags
                .iter()
                .map(|(k, v)| (k.clone(), Value::string(v)))
                .collect(),
        );
        let region = this.aws.clients().await.region.clone();
        let partition = crate::clients::partition_of(&region);
        Ok(with_found(config, [("id", Value::string(partition)), ("tags", tags)]))
    }
}
