//! `aws_codestarconnections_connection`: a connection to Bitbucket, GitHub, GitHub Enterprise
//! Server or GitLab that CodePipeline's `CodeStarSourceConnection` action uses. The Terraform
//! ID is the connection's ARN, which is also the import ID. AWS makes it `PENDING`; the
//! handshake with the provider is finished in the console, as the provider's docs say.
//!
//! `name`, `provider_type` and `host_arn` force a new connection; only tags change in place.
//! `provider_type` and `host_arn` conflict (a host's connection reads the host's provider type
//! back). Connection names are unique in an account: `find_created` finds a create whose answer
//! was lost by name and the managed tags.
//!
//! Refresh is GetConnection for one connection, else one ListConnections pass (paged) for all
//! of them; ListTagsForResource per connection, several at once.
//!
//! moto 5.2.5 has no CodeStar Connections service, so no end-to-end test applies this type:
//! unit tests show the requests and the read-back, and the calls follow the API reference.

use aws_sdk_codestarconnections::types::{Connection, ProviderType, Tag};
use aws_sdk_codestarconnections::Client;
use infra_core::{Attribute, Check, Operation, ProviderError, Type, Value};

use crate::app_support::{
    deleted_or_gone, has_managed_tags, non_empty, resource_tag_changes, sent, string, text,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{read, Declared, Reading};
use crate::error::{aws_error, found_or_none, is_not_found};
use crate::tagging::{sdk_tags_of, ManagedTags};
use crate::verify::ARN;

/// The provider's `provider_type` values (the API's ProviderType).
const PROVIDER_TYPES: &[&str] =
    &["Bitbucket", "GitHub", "GitHubEnterpriseServer", "GitLab", "GitLabSelfManaged"];

pub type AwsCodestarconnectionsConnection = ObjectType<ConnectionObject>;

pub struct ConnectionObject;

async fn get_connection(client: &Client, arn: &str) -> Result<Option<Connection>, ProviderError> {
    let answer = found_or_none(sent!(client.get_connection().connection_arn(arn)))?;
    Ok(answer.and_then(|output| output.connection().cloned()))
}

async fn list_connections(client: &Client) -> Result<Vec<Connection>, ProviderError> {
    let mut connections = Vec::new();
    let mut pages = client.list_connections().into_paginator().send();
    while let Some(page) = pages.next().await {
        connections.extend(page.map_err(aws_error)?.connections().iter().cloned());
    }
    Ok(connections)
}

/// The connection with its tags; `None` when it went away meanwhile.
async fn with_tags(
    client: &Client,
    connection: Connection,
) -> Result<Option<Tagged<Connection>>, ProviderError> {
    let Some(arn) = connection.connection_arn() else {
        return Ok(None);
    };
    let answer = sent!(client.list_tags_for_resource().resource_arn(arn));
    Ok(found_or_none(answer)?.map(|output| Tagged {
        tags: output
            .tags()
            .iter()
            .map(|tag| (tag.key().to_string(), tag.value().to_string()))
            .collect(),
        object: connection,
    }))
}

sdk_tags_of!(Tag);

impl AwsObject for ConnectionObject {
    type Object = Connection;
    const NAME: &'static str = "aws_codestarconnections_connection";
    const KIND: &'static str = "CodeStar Connections Connection";
    const KEY: &'static str = "arn";
    const KEY_OR_ID: bool = true;

    fn attributes() -> Vec<Declared<Connection>> {
        fn arn(connection: &Connection, _: &Reading) -> Value {
            text(connection.connection_arn())
        }
        vec![
            read(Attribute::computed("id", Type::String), arn),
            read(Attribute::computed("arn", Type::String), arn),
            read(
                Attribute::computed("connection_status", Type::String),
                |c: &Connection, _: &Reading| text(c.connection_status().map(|s| s.as_str())),
            ),
            read(
                Attribute::required("name", Type::String).force_new(),
                |c: &Connection, _: &Reading| text(c.connection_name()),
            ),
            read(
                Attribute::optional_computed("provider_type", Type::String)
                    .force_new()
                    .check(Check::OneOf(PROVIDER_TYPES))
                    .conflicts_with(&["host_arn"]),
                |c: &Connection, _: &Reading| text(c.provider_type().map(|p| p.as_str())),
            ),
            read(
                Attribute::optional("host_arn", Type::String)
                    .force_new()
                    .check(ARN)
                    .conflicts_with(&["provider_type"]),
                |c: &Connection, _: &Reading| match c.host_arn() {
                    Some(host) if !host.is_empty() => Value::string(host),
                    _ => Value::Null,
                },
            ),
        ]
    }

    /// GetConnection for one connection, else one ListConnections pass for all of them; then
    /// ListTagsForResource per connection, several at once.
    async fn describe(this: &ObjectType<Self>, arns: &[String]) -> DescribeResult<Connection> {
        let client = this.aws.clients().await.codestarconnections.clone();
        let connections: Vec<Connection> = match arns {
            [] => Vec::new(),
            [arn] => get_connection(&client, arn).await?.into_iter().collect(),
            _ => list_connections(&client).await?,
        };
        each_key(arns, |arn| {
            let found = connections.iter().find(|c| c.connection_arn() == Some(arn)).cloned();
            let client = client.clone();
            async move {
                match found {
                    Some(connection) => with_tags(&client, connection).await,
                    None => Ok(None),
                }
            }
        })
        .await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let name = string(at.planned, "name").ok_or_else(|| {
            ProviderError::new("aws_codestarconnections_connection needs a known \"name\"")
        })?;
        let client = &at.this.aws.clients().await.codestarconnections;
        let output =
            create_request(client, at.operation, at.planned)?.send().await.map_err(|error| {
                aws_error(error)
                    .context(&format!("creating CodeStar Connections Connection ({name})"))
            })?;
        Ok(output.connection_arn().to_string())
    }

    /// Tags only: every other argument forces a new connection.
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let arn = at.key;
        let client = &at.this.aws.clients().await.codestarconnections;
        let tagged: Result<(), ProviderError> = async {
            resource_tag_changes!(client, resource_arn(arn), at.prior, at.planned);
            Ok(())
        }
        .await;
        tagged.map_err(|e| {
            e.context(&format!("updating CodeStar Connections Connection ({arn}) tags"))
        })?;
        Ok(arn.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let arn = at.key;
        let client = &at.this.aws.clients().await.codestarconnections;
        let answer = sent!(client.delete_connection().connection_arn(arn));
        deleted_or_gone(answer, is_not_found).map_err(|error| {
            error.context(&format!("deleting CodeStar Connections Connection ({arn})"))
        })
    }

    /// The connection of this name (names are unique in an account) with the managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Connection> {
        let Some(name) = string(at.planned, "name") else {
            return Ok(None);
        };
        let client = &at.this.aws.clients().await.codestarconnections;
        let Some(connection) = list_connections(client)
            .await?
            .into_iter()
            .find(|c| c.connection_name() == Some(name.as_str()))
        else {
            return Ok(None);
        };
        let found = with_tags(client, connection).await?;
        Ok(found.filter(|found| has_managed_tags(&found.tags, at.operation)))
    }
}

/// CreateConnection as the provider sends it: the name, the provider type or host, and the
/// tags with the managed ones.
fn create_request(
    client: &Client,
    operation: &Operation,
    planned: &Value,
) -> Result<aws_sdk_codestarconnections::operation::create_connection::builders::CreateConnectionFluentBuilder, ProviderError>{
    Ok(client
        .create_connection()
        .set_connection_name(string(planned, "name"))
        .set_provider_type(
            non_empty(planned, "provider_type").map(|p| ProviderType::from(p.as_str())),
        )
        .set_host_arn(non_empty(planned, "host_arn"))
        .set_tags(Some(sdk_tags(&operation.tags_with_managed(planned))?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::ResourceType;

    /// The value read back from a connection and its tags.
    fn connection_value(connection: &Connection, tags: &[(String, String)]) -> Value {
        let found = Tagged { object: connection.clone(), tags: tags.to_vec() };
        crate::aws_object::value_of::<ConnectionObject>(&found, &Value::Null)
    }

    fn client() -> Client {
        let config = aws_sdk_codestarconnections::Config::builder()
            .behavior_version(aws_sdk_codestarconnections::config::BehaviorVersion::latest())
            .region(aws_sdk_codestarconnections::config::Region::new("us-east-1"))
            .build();
        Client::from_conf(config)
    }

    fn operation() -> Operation {
        Operation {
            address: "aws_codestarconnections_connection.github".to_string(),
            lineage: "lineage-1".to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn the_create_request_names_the_provider_and_carries_the_managed_tags() {
        let planned = Value::map([
            ("name", Value::string("github")),
            ("provider_type", Value::string("GitHub")),
            ("host_arn", Value::Null),
            ("tags", Value::map([("Team", Value::string("platform"))])),
        ]);
        let request = create_request(&client(), &operation(), &planned).unwrap();
        let input = request.as_input();
        assert_eq!(input.get_connection_name().as_deref(), Some("github"));
        assert_eq!(input.get_provider_type(), &Some(ProviderType::Github));
        assert_eq!(input.get_host_arn(), &None);
        let tags: Vec<(&str, &str)> = input
            .get_tags()
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|t| (t.key(), t.value()))
            .collect();
        assert_eq!(
            tags,
            [
                ("Team", "platform"),
                ("infra:address", "aws_codestarconnections_connection.github"),
                ("infra:lineage", "lineage-1"),
            ]
        );
    }

    #[test]
    fn a_connection_reads_back_as_the_provider_reports_it() {
        let arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc";
        let connection = Connection::builder()
            .connection_name("github")
            .connection_arn(arn)
            .provider_type(ProviderType::GithubEnterpriseServer)
            .connection_status(aws_sdk_codestarconnections::types::ConnectionStatus::Pending)
            .host_arn("arn:aws:codestar-connections:us-east-1:123456789012:host/ghe-1")
            .build();
        let value = connection_value(
            &connection,
            &[
                ("Team".to_string(), "platform".to_string()),
                ("infra:address".to_string(), "x".to_string()),
            ],
        );
        assert_eq!(value.get("id"), &Value::string(arn));
        assert_eq!(value.get("arn"), &Value::string(arn));
        assert_eq!(value.get("connection_status"), &Value::string("PENDING"));
        assert_eq!(value.get("provider_type"), &Value::string("GitHubEnterpriseServer"));
        assert_eq!(
            value.get("host_arn"),
            &Value::string("arn:aws:codestar-connections:us-east-1:123456789012:host/ghe-1")
        );
        assert_eq!(value.get("tags"), &Value::map([("Team", Value::string("platform"))]));
    }

    #[test]
    fn provider_type_and_host_arn_conflict() {
        let resource = AwsCodestarconnectionsConnection::new(crate::Aws::new(
            crate::ProviderSettings::default(),
        ));
        let host = "arn:aws:codestar-connections:us-east-1:123456789012:host/ghe-1";
        let problems = resource.problems(&Value::map([
            ("name", Value::string("github")),
            ("provider_type", Value::string("GitHub")),
            ("host_arn", Value::string(host)),
        ]));
        let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "\"provider_type\": conflicts with host_arn",
                "\"host_arn\": conflicts with provider_type"
            ]
        );
        let one = Value::map([
            ("name", Value::string("gitlab")),
            ("provider_type", Value::string("GitLab")),
        ]);
        assert!(resource.problems(&one).is_empty());
    }
}
