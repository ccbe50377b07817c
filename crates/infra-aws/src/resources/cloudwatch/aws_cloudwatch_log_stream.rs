//! `aws_cloudwatch_log_stream`: a log stream in a CloudWatch Logs group.
//!
//! Both arguments force a new stream (a stream cannot be renamed or moved). Refresh lists each
//! log group's streams once (DescribeLogStreams by the common prefix of the wanted names), so
//! many streams of one group cost one paged call. Log streams take no tags: crash recovery finds
//! the stream by its natural key (group and name), which CreateLogStream refuses to duplicate.
//! Import ID: `log_group_name:name`.

use aws_sdk_cloudwatchlogs::types::LogStream;
use aws_sdk_cloudwatchlogs::Client as LogsClient;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{sent, text};
use crate::cloudwatch_support::{common_prefix, log_group_pages, InLogGroup, LogGroupMember};

pub type AwsCloudwatchLogStream = InLogGroup<LogStreams>;

/// Log streams as a [`LogGroupMember`].
pub struct LogStreams;

impl LogGroupMember for LogStreams {
    type Object = LogStream;
    const TYPE_NAME: &'static str = "aws_cloudwatch_log_stream";
    const KIND: &'static str = "log stream";
    /// Both arguments force a new stream: there is nothing to change in place.
    const WRITES_ON_UPDATE: bool = false;
    /// Terraform's import ID: `log_group_name:name`.
    const IMPORT_ID: (char, &'static str) = (':', "log-group-name:log-stream-name");

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("log_group_name", Type::String).force_new())
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        match config.get("name").as_str() {
            Some(name) if name.contains(':') || name.is_empty() || name.len() > 512 => vec![(
                "name".to_string(),
                "must be 1 to 512 characters long and must not contain \":\"".to_string(),
            )],
            _ => vec![],
        }
    }

    const NAME_OF: fn(&LogStream) -> Option<&str> = LogStream::log_stream_name;

    fn to_value(group: &str, stream: &LogStream) -> Value {
        Value::map([
            ("id", text(stream.log_stream_name())),
            ("arn", text(stream.arn())),
            ("name", text(stream.log_stream_name())),
            ("log_group_name", Value::string(group)),
        ])
    }

    /// DescribeLogStreams by the common prefix of the wanted names.
    async fn list(
        client: &LogsClient,
        group: String,
        names: Vec<String>,
    ) -> Result<Vec<LogStream>, ProviderError> {
        let prefix = common_prefix(&names);
        let mut request = client.describe_log_streams().log_group_name(&group);
        if !prefix.is_empty() {
            request = request.log_stream_name_prefix(&prefix);
        }
        Ok(log_group_pages!(request, log_streams))
    }

    async fn write(
        client: &LogsClient,
        group: &str,
        name: &str,
        _planned: &Value,
    ) -> Result<(), ProviderError> {
        sent!(client.create_log_stream().log_group_name(group).log_stream_name(name))?;
        Ok(())
    }

    async fn delete(client: &LogsClient, group: String, name: String) -> Result<(), ProviderError> {
        sent!(client.delete_log_stream().log_group_name(group).log_stream_name(name))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    #[test]
    fn a_stream_name_must_not_hold_a_colon() {
        let stream = AwsCloudwatchLogStream::new(Aws::new(Default::default()));
        let config = Value::map([("name", Value::string("a:b"))]);
        assert_eq!(stream.validate(&config).len(), 1);
    }
}
