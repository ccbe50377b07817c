//! The lookups that list the IDs of every EC2 object of one kind matching `tags`, `filter`
//! blocks and a few arguments (`aws_vpcs`, `aws_subnets`, `aws_route_tables`), written once;
//! none found is not an error, as in the provider. A kind implements [`Ids`]: its name, the
//! arguments that are filters, and its describe call; [`IdsOf`] makes the [`Lookup`] of it:
//! - the schema: `id` (the region), the arguments, `tags`, `ids`, then the `filter` blocks;
//! - the read: one paginated describe with every filter the configuration sets.

use std::future::Future;
use std::marker::PhantomData;

use aws_sdk_ec2::types::Filter;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::ec2_support::{filter_block, lookup_filters, lookup_value, string_values};
use crate::lookup::{Lookup, LookupType};

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

/// The [`Lookup`] of an [`Ids`] kind; its data source is [`IdsType`].
pub struct IdsOf<K>(PhantomData<K>);

/// The data source of an IDs lookup.
pub type IdsType<K> = LookupType<IdsOf<K>>;

impl<K: Ids> Lookup for IdsOf<K> {
    const NAME: &'static str = K::NAME;

    fn schema() -> Schema {
        let mut schema = Schema::new().attr(Attribute::computed("id", Type::String));
        for (argument, _) in K::ARGUMENTS {
            schema = schema.attr(Attribute::optional(argument, Type::String));
        }
        let tags = if K::TAGS_COMPUTED {
            Attribute::optional_computed("tags", Type::map(Type::String))
        } else {
            Attribute::optional("tags", Type::map(Type::String))
        };
        schema
            .attr(tags)
            .attr(Attribute::computed("ids", Type::list(Type::String)))
            .block(filter_block())
    }

    async fn read(this: &IdsType<K>, config: &Value) -> Result<Value, ProviderError> {
        let clients = this.aws.clients().await;
        let filters = Some(lookup_filters(config, K::ARGUMENTS)).filter(|f| !f.is_empty());
        let ids = K::ids(&clients.ec2, filters).await?;
        Ok(lookup_value(
            &this.schema,
            config,
            [("id", Value::string(&clients.region)), ("ids", string_values(ids))],
        ))
    }
}
