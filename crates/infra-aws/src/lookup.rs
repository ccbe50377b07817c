//! A data source (or ephemeral resource) declared once. A data source such as `aws_partition`
//! implements [`Lookup`]: its name, its schema and its read. [`LookupType`] makes the
//! [`DataSourceType`] of it and writes what every data source shares once: the provider and
//! the schema, built once, its name and its schema. [`with_found`] gives the usual value of a
//! read: the configuration with what the read found over it.
//!
//! The IDs lookups of EC2 share more than this and are one generic `Lookup`,
//! `data_sources::ec2::ids::IdsOf` (the IDs of every EC2 object of a kind matching filters). A
//! data source that reads through a resource type's own read makes that type in its read
//! (`aws_ecs_cluster`, `aws_db_instance`). The four whose schema is built from their resource
//! type's hold that type and implement [`DataSourceType`] themselves: `aws_ecs_task_definition`,
//! `aws_lb_listener`, and `aws_lb` and `aws_lb_target_group` (`elbv2_support::Elbv2Data`, a
//! load balancer or target group by ARN, name or tags).

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use infra_core::{DataSourceType, ProviderError, Schema, Value};

use crate::Aws;

/// What makes one data source; see the module's documentation.
pub trait Lookup: Send + Sync + Sized + 'static {
    /// The Terraform type name.
    const NAME: &'static str;

    fn schema() -> Schema;
    /// Reads the data source, as [`DataSourceType::read`]: `config` is wholly known; the value
    /// is the configuration plus what was found (see [`with_found`]).
    fn read(
        this: &LookupType<Self>,
        config: &Value,
    ) -> impl Future<Output = Result<Value, ProviderError>> + Send;
}

/// The [`DataSourceType`] of a [`Lookup`].
pub struct LookupType<L: Lookup> {
    pub aws: Arc<Aws>,
    pub schema: Schema,
    lookup: PhantomData<L>,
}

impl<L: Lookup> LookupType<L> {
    pub fn new(aws: Arc<Aws>) -> LookupType<L> {
        LookupType { aws, schema: L::schema(), lookup: PhantomData }
    }
}

#[async_trait::async_trait]
impl<L: Lookup> DataSourceType for LookupType<L> {
    fn name(&self) -> &'static str {
        L::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        L::read(self, config).await
    }
}

/// The value of a read: `config` with each found attribute set over it.
pub fn with_found<Name: Into<String>>(
    config: &Value,
    found: impl IntoIterator<Item = (Name, Value)>,
) -> Value {
    let mut value = config.clone();
    if let Some(entries) = value.map_mut() {
        entries.extend(found.into_iter().map(|(name, read)| (name.into(), read)));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_found_is_set_over_the_configuration() {
        let config = Value::map([("name", Value::string("a")), ("id", Value::Null)]);
        let value = with_found(&config, [("id", Value::string("i-1")), ("arn", Value::Bool(true))]);
        assert_eq!(
            value,
            Value::map([
                ("name", Value::string("a")),
                ("id", Value::string("i-1")),
                ("arn", Value::Bool(true)),
            ])
        );
    }
}
