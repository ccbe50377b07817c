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

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_codestarconnections::types::{Connection, ProviderType, Tag};
use aws_sdk_codestarconnections::Client;
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    arn_problem, deleted_or_gone, has_managed_tags, non_empty, read_each, resource_tag_changes,
    sent, set_tags, string, text, vanished,
};
use crate::error::{aws_error, found_or_none, is_not_found};
use crate::tagging::{sdk_tags_of, ManagedTags, WithTags};
use crate::Aws;

/// The provider's `provider_type` values (the API's ProviderType).
const PROVIDER_TYPES: &[&str] = &[
    "Bitbucket",
    "GitHub",
    "GitHubEnterpriseServer",
    "GitLab",
    "GitLabSelfManaged",
];

pub struct AwsCodestarconnectionsConnection {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCodestarconnectionsConnection {
    pub fn new(aws: Arc<Aws>) -> AwsCodestarconnectionsConnection {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("connection_status", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(
                Attribute::optional_computed("provider_type", Type::String)
                    .force_new()
                    .check(Check::OneOf(PROVIDER_TYPES)),
            )
            .attr(Attribute::optional("host_arn", Type::String).force_new())
            .with_tags();
        AwsCodestarconnectionsConnection { aws, schema }
    }

    async fn client(&self) -> Client {
        self.aws.clients().await.codestarconnections.clone()
    }

    /// The connections of these ARNs, in order; `None` for one that is gone.
    async fn read_arns(
        &self,
        arns: &[Option<String>],
    ) -> Result<Vec<Option<Value>>, ProviderError> {
        let client = self.client().await;
        let wanted: Vec<&str> = arns.iter().flatten().map(String::as_str).collect();
        let connections: Vec<Connection> = match wanted.as_slice() {
            [] => Vec::new(),
            [arn] => get_connection(&client, arn).await?.into_iter().collect(),
            _ => list_connections(&client).await?,
        };
        let reads = arns
            .iter()
            .map(|arn| {
                let found = arn.as_deref().and_then(|arn| {
                    connections
                        .iter()
                        .find(|c| c.connection_arn() == Some(arn))
                        .cloned()
                });
                let client = client.clone();
                async move {
                    match found {
                        Some(connection) => with_tags(&client, &connection).await,
                        None => Ok(None),
                    }
                }
            })
            .collect();
        read_each(reads).await
    }

    async fn read_one(&self, arn: &str) -> Result<Value, ProviderError> {
        self.read_arns(&[Some(arn.to_string())])
            .await?
            .pop()
            .flatten()
            .ok_or_else(|| vanished("CodeStar Connections Connection", arn))
    }
}

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

/// The connection's tags; `None` when it went away meanwhile.
async fn connection_tags(
    client: &Client,
    arn: &str,
) -> Result<Option<Vec<(String, String)>>, ProviderError> {
    let answer = sent!(client.list_tags_for_resource().resource_arn(arn));
    Ok(found_or_none(answer)?.map(|output| {
        output
            .tags()
            .iter()
            .map(|tag| (tag.key().to_string(), tag.value().to_string()))
            .collect()
    }))
}

/// The connection as a value, with its tags; `None` when it went away meanwhile.
async fn with_tags(
    client: &Client,
    connection: &Connection,
) -> Result<Option<Value>, ProviderError> {
    let Some(arn) = connection.connection_arn() else {
        return Ok(None);
    };
    Ok(connection_tags(client, arn)
        .await?
        .map(|tags| connection_value(connection, &tags)))
}

fn connection_value(connection: &Connection, tags: &[(String, String)]) -> Value {
    let arn = connection.connection_arn();
    let mut object = BTreeMap::from([
        ("id".to_string(), text(arn)),
        ("arn".to_string(), text(arn)),
        ("name".to_string(), text(connection.connection_name())),
        (
            "connection_status".to_string(),
            text(connection.connection_status().map(|s| s.as_str())),
        ),
        (
            "provider_type".to_string(),
            text(connection.provider_type().map(|p| p.as_str())),
        ),
        (
            "host_arn".to_string(),
            match connection.host_arn() {
                Some(host) if !host.is_empty() => Value::string(host),
                _ => Value::Null,
            },
        ),
    ]);
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

sdk_tags_of!(Tag);

/// The provider's ConflictsWith and ARN check, in its wording.
fn validate(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let provider_type = non_empty(config, "provider_type");
    let host_arn = non_empty(config, "host_arn");
    if provider_type.is_some() && host_arn.is_some() {
        problems.push((
            "provider_type".to_string(),
            "\"provider_type\": conflicts with host_arn".to_string(),
        ));
        problems.push((
            "host_arn".to_string(),
            "\"host_arn\": conflicts with provider_type".to_string(),
        ));
    }
    if let Some(problem) = host_arn.and_then(|arn| arn_problem("host_arn", &arn)) {
        problems.push(("host_arn".to_string(), problem));
    }
    problems
}

#[async_trait::async_trait]
impl ResourceType for AwsCodestarconnectionsConnection {
    fn name(&self) -> &'static str {
        "aws_codestarconnections_connection"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        validate(config)
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let name = string(planned, "name").ok_or_else(|| {
            ProviderError::new("aws_codestarconnections_connection needs a known \"name\"")
        })?;
        let output = create_request(&self.client().await, operation, planned)?
            .send()
            .await
            .map_err(|error| {
                aws_error(error).context(&format!(
                    "creating CodeStar Connections Connection ({name})"
                ))
            })?;
        self.read_one(output.connection_arn()).await
    }

    /// Tags only: every other argument forces a new connection.
    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let arn = string(prior, "arn").ok_or_else(|| {
            ProviderError::new("aws_codestarconnections_connection has no arn in state")
        })?;
        let client = self.client().await;
        let tagged: Result<(), ProviderError> = async {
            resource_tag_changes!(client, resource_arn(&arn), prior, planned);
            Ok(())
        }
        .await;
        tagged.map_err(|e| {
            e.context(&format!(
                "updating CodeStar Connections Connection ({arn}) tags"
            ))
        })?;
        self.read_one(&arn).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(arn) = string(prior, "arn").or_else(|| string(prior, "id")) else {
            return Ok(());
        };
        let answer = sent!(self.client().await.delete_connection().connection_arn(&arn));
        deleted_or_gone(answer, is_not_found).map_err(|error| {
            error.context(&format!("deleting CodeStar Connections Connection ({arn})"))
        })
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let arns: Vec<Option<String>> = prior
            .iter()
            .map(|p| string(p, "arn").or_else(|| string(p, "id")))
            .collect();
        self.read_arns(&arns).await
    }

    /// Terraform's import ID: the connection's ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    /// The connection of this name (names are unique in an account) with the managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let client = self.client().await;
        let Some(connection) = list_connections(&client)
            .await?
            .into_iter()
            .find(|c| c.connection_name() == Some(name.as_str()))
        else {
            return Ok(None);
        };
        let Some(arn) = connection.connection_arn() else {
            return Ok(None);
        };
        let Some(tags) = connection_tags(&client, arn).await? else {
            return Ok(None);
        };
        Ok(has_managed_tags(&tags, operation).then(|| connection_value(&connection, &tags)))
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

    fn client() -> Client {
        let config = aws_sdk_codestarconnections::Config::builder()
            .behavior_version(aws_sdk_codestarconnections::config::BehaviorVersion::latest())
            .region(aws_sdk_codestarconnections::config::Region::new(
                "us-east-1",
            ))
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
        assert_eq!(
            value.get("provider_type"),
            &Value::string("GitHubEnterpriseServer")
        );
        assert_eq!(
            value.get("host_arn"),
            &Value::string("arn:aws:codestar-connections:us-east-1:123456789012:host/ghe-1")
        );
        assert_eq!(
            value.get("tags"),
            &Value::map([("Team", Value::string("platform"))])
        );
    }

    #[test]
    fn provider_type_and_host_arn_conflict() {
        let problems = validate(&Value::map([
            ("provider_type", Value::string("GitHub")),
            ("host_arn", Value::string("not-an-arn")),
        ]));
        let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(messages[0], "\"provider_type\": conflicts with host_arn");
        assert_eq!(messages[1], "\"host_arn\": conflicts with provider_type");
        assert!(messages[2].contains("is an invalid ARN"), "{messages:?}");
        assert!(validate(&Value::map([("provider_type", Value::string("GitLab"))])).is_empty());
    }
}
