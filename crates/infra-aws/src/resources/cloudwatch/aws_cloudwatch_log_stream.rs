//! `aws_cloudwatch_log_stream`: a log stream in a CloudWatch Logs group.
//!
//! Both arguments force a new stream (a stream cannot be renamed or moved). Refresh lists each
//! log group's streams once (DescribeLogStreams by the common prefix of the wanted names), so
//! many streams of one group cost one paged call. Log streams take no tags: crash recovery finds
//! the stream by its natural key (group and name), which CreateLogStream refuses to duplicate.
//! Import ID: `log_group_name:name`.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::LogStream;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{is_missing, text, vanished};
use crate::cloudwatch_support::{
    by_log_group, common_prefix, found_in_log_groups, log_group_and_name, two_part_id,
};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsCloudwatchLogStream {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCloudwatchLogStream {
    pub fn new(aws: Arc<Aws>) -> AwsCloudwatchLogStream {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("log_group_name", Type::String).force_new());
        AwsCloudwatchLogStream { aws, schema }
    }

    /// The streams found, by `(group, name)`: one DescribeLogStreams walk per group. A group
    /// that is gone has no streams.
    async fn describe(
        &self,
        keys: &[(String, String)],
    ) -> Result<BTreeMap<(String, String), LogStream>, ProviderError> {
        let client = &self.aws.clients().await.logs;
        let mut out = BTreeMap::new();
        for (group, names) in by_log_group(keys) {
            let prefix = common_prefix(&names);
            let mut request = client.describe_log_streams().log_group_name(&group);
            if !prefix.is_empty() {
                request = request.log_stream_name_prefix(&prefix);
            }
            let mut pages = request.into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = match page.map_err(aws_error) {
                    Ok(page) => page,
                    Err(error) if is_missing(&error) => break,
                    Err(error) => return Err(error),
                };
                for stream in page.log_streams() {
                    let Some(name) = stream.log_stream_name() else {
                        continue;
                    };
                    if names.iter().any(|n| n == name) {
                        out.insert((group.clone(), name.to_string()), stream.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    async fn read_one(&self, group: &str, name: &str) -> Result<Option<Value>, ProviderError> {
        let key = (group.to_string(), name.to_string());
        Ok(self
            .describe(std::slice::from_ref(&key))
            .await?
            .remove(&key)
            .map(|stream| to_value(group, &stream)))
    }
}

fn to_value(group: &str, stream: &LogStream) -> Value {
    Value::map([
        ("id", text(stream.log_stream_name())),
        ("arn", text(stream.arn())),
        ("name", text(stream.log_stream_name())),
        ("log_group_name", Value::string(group)),
    ])
}

#[async_trait::async_trait]
impl ResourceType for AwsCloudwatchLogStream {
    fn name(&self) -> &'static str {
        "aws_cloudwatch_log_stream"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        match config.get("name").as_str() {
            Some(name) if name.contains(':') || name.is_empty() || name.len() > 512 => vec![(
                "name".to_string(),
                "must be 1 to 512 characters long and must not contain \":\"".to_string(),
            )],
            _ => vec![],
        }
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let (group, name) = log_group_and_name(planned).ok_or_else(|| {
            ProviderError::new("aws_cloudwatch_log_stream needs a name and group")
        })?;
        self.aws
            .clients()
            .await
            .logs
            .create_log_stream()
            .log_group_name(&group)
            .log_stream_name(&name)
            .send()
            .await
            .map_err(aws_error)?;
        self.read_one(&group, &name)
            .await?
            .ok_or_else(|| vanished("log stream", &name))
    }

    /// Both arguments force a new stream: there is nothing to change in place.
    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        _planned: &Value,
    ) -> Result<Value, ProviderError> {
        let (group, name) = log_group_and_name(prior)
            .ok_or_else(|| ProviderError::new("aws_cloudwatch_log_stream has no key in state"))?;
        self.read_one(&group, &name)
            .await?
            .ok_or_else(|| vanished("log stream", &name))
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some((group, name)) = log_group_and_name(prior) else {
            return Ok(());
        };
        match self
            .aws
            .clients()
            .await
            .logs
            .delete_log_stream()
            .log_group_name(group)
            .log_stream_name(name)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_missing(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let keys: Vec<(String, String)> = prior.iter().filter_map(log_group_and_name).collect();
        let found = self.describe(&keys).await?;
        Ok(found_in_log_groups(prior, &found, to_value))
    }

    /// Terraform's import ID: `log_group_name:name`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (group, name) = two_part_id(self.name(), id, ':', "log-group-name:log-stream-name")?;
        Ok(Value::map([
            ("id", Value::string(&name)),
            ("name", Value::string(name)),
            ("log_group_name", Value::string(group)),
        ]))
    }

    /// Log streams have no tags: the stream of this group and name is the one the create made
    /// (CreateLogStream fails on an existing name, so no other apply made it in between).
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        match log_group_and_name(planned) {
            Some((group, name)) => self.read_one(&group, &name).await,
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_name_must_not_hold_a_colon() {
        let stream = AwsCloudwatchLogStream::new(Aws::new(Default::default()));
        let config = Value::map([("name", Value::string("a:b"))]);
        assert_eq!(stream.validate(&config).len(), 1);
    }
}
