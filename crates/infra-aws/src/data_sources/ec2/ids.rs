//! The lookups that list the IDs of every EC2 object of one kind matching `tags`, `filter`
//! blocks and a few arguments (`aws_vpcs`, `aws_subnets`, `aws_route_tables`), written once;
//! none found is not an error, as in the provider. A kind implements [`Ids`]: its name, the
//! arguments that are filters, and its describe call; [`IdsType`] makes the data source:
//! - the schema: `id` (the region), the arguments, `tags`, `ids`, then the `filter` blocks;
//! - the read: one paginated describe with every filter the configuration sets.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_ec2::types::Filter;
use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::ec2_support::{filter_block, lookup_filters, lookup_value, string_values};
use crate::Aws;

/// What makes one IDs lookup; see the module's documentation.
pub trait Ids: Send + Sync + 'static {
    /// The Terraform type name.
    const NAME: &'static str;
    /// The arguments that are describe filters, each with its filter's name, in the schema's
    /// order (before `tags`).
    const ARGUMENTS: &'static [(&'static str, &'static str)] = &[];
    /// Whether `tags` is Optional+Computed (else Optional), as in the provider's schema.
    const TAGS_COMPUTED: bool = false;

    /// The IDs of every object matching `filters` (`None`: every object).
    fn ids(
        ec2: &aws_sdk_ec2::Client,
        filters: Option<Vec<Filter>>,
    ) -> impl Future<Output = Result<Vec<String>, ProviderError>> + Send;
}

/// The [`DataSourceType`] of an IDs lookup.
pub struct IdsType<K: Ids> {
    aws: Arc<Aws>,
    schema: Schema,
    kind: PhantomData<K>,
}

impl<K: Ids> IdsType<K> {
    pub fn new(aws: Arc<Aws>) -> IdsType<K> {
        let mut schema = Schema::new().attr(Attribute::computed("id", Type::String));
        for (argument, _) in K::ARGUMENTS {
            schema = schema.attr(Attribute::optional(argument, Type::String));
        }
        let tags = if K::TAGS_COMPUTED {
            Attribute::optional_computed("tags", Type::map(Type::String))
        } else {
            Attribute::optional("tags", Type::map(Type::String))
        };
        let schema = schema
            .attr(tags)
            .attr(Attribute::computed("ids", Type::list(Type::String)))
            .block(filter_block());
        IdsType { aws, schema, kind: PhantomData }
    }
}

#[async_trait::async_trait]
impl<K: Ids> DataSourceType for IdsType<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let clients = self.aws.clients().await;
        let filters = Some(lookup_filters(config, K::ARGUMENTS)).filter(|f| !f.is_empty());
        let ids = K::ids(&clients.ec2, filters).await?;
        Ok(lookup_value(
            &self.schema,
            config,
            [("id", Value::string(&clients.region)), ("ids", string_values(ids))],
        ))
    }
}
