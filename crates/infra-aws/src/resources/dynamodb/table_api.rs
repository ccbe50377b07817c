//! The DynamoDB calls that a table and its replicas share: describing and waiting for a
//! table, its tags, point-in-time recovery, the default KMS key and the API's errors.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    ContinuousBackupsDescription, PointInTimeRecoverySpecification, TableDescription, Tag,
};
use aws_sdk_dynamodb::Client;
use infra_core::ProviderError;

use crate::app_support::{is_missing, sent, vanished, wait_for};
use crate::error::built;

/// The AWS managed key that `server_side_encryption { enabled = true }` uses.
pub(super) const DEFAULT_KEY_ALIAS: &str = "alias/aws/dynamodb";

/// The ARN of the AWS managed DynamoDB key in `kms`'s region, if this account has one. A failed
/// lookup only means the key ARN is shown as AWS reports it, as the provider does.
pub(super) async fn default_key_arn(kms: &aws_sdk_kms::Client) -> Option<String> {
    let output = kms.describe_key().key_id(DEFAULT_KEY_ALIAS).send().await.ok()?;
    output.key_metadata().and_then(|metadata| metadata.arn()).map(str::to_string)
}

/// "Subscriber limit exceeded: Only 10 tables can be created, updated, or deleted
/// simultaneously": worth waiting out.
pub(super) fn too_many_changes(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("LimitExceededException")
        && error.message.contains("simultaneously")
}

pub(super) async fn describe_table(
    client: &Client,
    name: &str,
) -> Result<Option<TableDescription>, ProviderError> {
    match sent!(client.describe_table().table_name(name)) {
        Ok(output) => Ok(output.table().cloned()),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

pub(super) async fn continuous_backups(
    client: &Client,
    name: &str,
) -> Result<Option<ContinuousBackupsDescription>, ProviderError> {
    match sent!(client.describe_continuous_backups().table_name(name)) {
        Ok(output) => Ok(output.continuous_backups_description().cloned()),
        // An archived table has none (TableNotFoundException), as the provider reads it.
        Err(error)
            if is_missing(&error) || error.code.as_deref() == Some("UnknownOperationException") =>
        {
            Ok(None)
        }
        Err(error) => Err(error.context("reading DynamoDB Table continuous backups")),
    }
}

pub(super) async fn table_tags(
    client: &Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let mut tags = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output =
            sent!(client.list_tags_of_resource().resource_arn(arn).set_next_token(token.take()))?;
        tags.extend(
            output.tags().iter().map(|tag| (tag.key().to_string(), tag.value().to_string())),
        );
        match output.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(tags),
        }
    }
}

pub(super) fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    tags.iter().map(|(key, value)| built(Tag::builder().key(key).value(value).build())).collect()
}

/// Waits until `ready` holds for the table's description (DescribeTable); `what` names the
/// awaited state after "DynamoDB Table (NAME)". A table that is gone is an error.
pub(super) async fn wait_table(
    client: &Client,
    name: &str,
    what: &str,
    timeout: Duration,
    ready: impl Fn(&TableDescription) -> bool,
) -> Result<(), ProviderError> {
    let ready = &ready;
    wait_for(&format!("DynamoDB Table ({name}) {what}"), timeout, move || {
        let client = client.clone();
        let name = name.to_string();
        async move {
            let table = describe_table(&client, &name)
                .await?
                .ok_or_else(|| vanished("DynamoDB Table", &name))?;
            Ok(ready(&table).then_some(()))
        }
    })
    .await
}

/// UpdateContinuousBackups (retried while AWS is still turning backups on for a new table),
/// then waits for the status it asked for.
pub(super) async fn update_recovery(
    client: &Client,
    name: &str,
    enabled: bool,
    period: Option<i32>,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let specification = built(
        PointInTimeRecoverySpecification::builder()
            .point_in_time_recovery_enabled(enabled)
            .set_recovery_period_in_days(period.filter(|days| enabled && *days > 0))
            .build(),
    )?;
    wait_for(
        &format!("DynamoDB Table ({name}) continuous backups to be available"),
        timeout,
        || {
            let request = client
                .update_continuous_backups()
                .table_name(name)
                .point_in_time_recovery_specification(specification.clone());
            async move {
                match sent!(request) {
                    Ok(_) => Ok(Some(())),
                    Err(error)
                        if error.code.as_deref()
                            == Some("ContinuousBackupsUnavailableException")
                            && error.message.contains("Backups are being enabled") =>
                    {
                        Ok(None)
                    }
                    Err(error) => Err(error),
                }
            }
        },
    )
    .await
    .map_err(|error| error.context("updating PITR"))?;
    let wanted = if enabled { "ENABLED" } else { "DISABLED" };
    wait_for(&format!("DynamoDB Table ({name}) PITR update"), timeout, || {
        let client = client.clone();
        let name = name.to_string();
        async move {
            let status = continuous_backups(&client, &name).await?.and_then(|backups| {
                backups
                    .point_in_time_recovery_description()
                    .and_then(|d| d.point_in_time_recovery_status())
                    .map(|status| status.as_str().to_string())
            });
            Ok((status.as_deref() == Some(wanted)).then_some(()))
        }
    })
    .await
}
