//! `aws_lb_listener` (data source): a listener by `arn`, or by `load_balancer_arn` and `port`.
//! Its attributes are the `aws_lb_listener` resource's, read by the resource's own code
//! (DescribeListeners, DescribeTags).
//!
//! The legacy name `aws_alb_listener` is not registered for the data source. moto does not
//! return `mutual_authentication`.

use std::sync::Arc;

use infra_core::{DataSourceType, ProviderError, Schema, Value};

use crate::app_support::{data_source_schema, data_source_value, int, string};
use crate::error::aws_error;
use crate::resources::elbv2::aws_lb_listener::AwsLbListener;
use crate::Aws;

pub struct AwsLbListenerData {
    aws: Arc<Aws>,
    resource: AwsLbListener,
    schema: Schema,
}

impl AwsLbListenerData {
    pub fn new(aws: Arc<Aws>) -> AwsLbListenerData {
        let resource = AwsLbListener::new(aws.clone());
        let schema = data_source_schema(
            infra_core::ResourceType::schema(&resource),
            &["arn", "load_balancer_arn", "port"],
            &["tags_all"],
        );
        AwsLbListenerData { aws, resource, schema }
    }
}

/// The provider's rule: `arn`, or both `load_balancer_arn` and `port`.
fn lookup_problem(config: &Value) -> Option<&'static str> {
    let by_parent = !config.get("load_balancer_arn").is_null() && !config.get("port").is_null();
    (config.get("arn").is_null() && !by_parent)
        .then_some("one of `arn`, or `load_balancer_arn` and `port`, must be set")
}

#[async_trait::async_trait]
impl DataSourceType for AwsLbListenerData {
    fn name(&self) -> &'static str {
        "aws_lb_listener"
    }

    /// The provider's older name for the same data source.
    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb_listener"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        if let Some(problem) = lookup_problem(config) {
            return Err(ProviderError::new(format!("aws_lb_listener: {problem}")));
        }
        let arn = match string(config, "arn") {
            Some(arn) => arn,
            None => {
                let client = &self.aws.clients().await.elbv2;
                let load_balancer = string(config, "load_balancer_arn").unwrap_or_default();
                let port = int(config, "port");
                let mut found = None;
                let mut pages = client
                    .describe_listeners()
                    .load_balancer_arn(&load_balancer)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    found = found.or(page
                        .map_err(aws_error)?
                        .listeners()
                        .iter()
                        .find(|l| l.port() == port)
                        .and_then(|l| l.listener_arn().map(str::to_string)));
                }
                found.ok_or_else(|| {
                    ProviderError::new(format!(
                        "reading ELBv2 Listener: no listener on port {} of {load_balancer}",
                        port.unwrap_or_default()
                    ))
                })?
            }
        };
        let value = self.resource.read_one(&arn, &Value::Null).await?;
        Ok(data_source_value(&self.schema, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listener_is_found_by_arn_or_by_its_load_balancer_and_port() {
        assert!(lookup_problem(&Value::map([("arn", Value::string("a"))])).is_none());
        assert!(lookup_problem(&Value::map([
            ("load_balancer_arn", Value::string("lb")),
            ("port", Value::Number(80.0)),
        ]))
        .is_none());
        assert!(lookup_problem(&Value::map([("load_balancer_arn", Value::string("lb"))])).is_some());
        assert!(lookup_problem(&Value::Map(Default::default())).is_some());
    }
}
