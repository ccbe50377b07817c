//! An `aws_dynamodb_table`'s global table replicas (`replica`, Global Tables version
//! 2019.11.21) and its multi-Region strong consistency witness (`global_table_witness`).
//!
//! A replica is made, changed and removed through the table's own UpdateTable
//! (`ReplicaUpdates`), and read and set up through its region's endpoint: point-in-time
//! recovery (UpdateContinuousBackups), deletion protection (UpdateTable), the tags the table
//! propagates to it (TagResource), and what it reports of itself (DescribeTable: stream, key,
//! deletion protection). Those calls go to the same endpoint configuration in the replica's
//! region (a client built from the provider's with another region), as the provider overrides
//! the region per call.
//!
//! The provider's behaviour, mirrored:
//! - replicas with `consistency_mode = "EVENTUAL"` are created one at a time, each waited on
//!   until ACTIVE, then its point-in-time recovery and deletion protection are set; STRONG
//!   ones (MRSC) are created in one UpdateTable with `MultiRegionConsistency = STRONG` and the
//!   witness region. MRSC takes exactly two replicas, or one and a witness: the provider's
//!   check, here a plan-time error in its words;
//! - a replica whose `kms_key_arn` or `consistency_mode` changes is removed and made again; a
//!   change of `point_in_time_recovery` or `deletion_protection_enabled` is set in place (the
//!   provider applies only the first of those two in one apply; infra applies both);
//! - the witness changes only with the replicas it goes with;
//! - `propagate_tags` copies the table's tags to the replica (one way, as in the provider) and
//!   is not read back (AWS has no such setting);
//! - the replicas are deleted before the table.
//!
//! Differences: the provider sets deletion protection on every new EVENTUAL replica, waiting
//! 90 s after each; infra sets it only when `deletion_protection_enabled = true` (a new replica
//! starts without it). A `global_table_witness` without any `replica` is a plan-time error
//! here; the provider makes nothing for it and plans it again on every run.
//!
//! moto 5.2.5 ignores `ReplicaUpdates` and `GlobalTableWitnessUpdates` and reports no replicas,
//! so none of this can be applied in the end-to-end tests: unit tests show the requests and
//! the read-back, and an end-to-end plan test shows the schema and checks.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_dynamodb::config::Region;
use aws_sdk_dynamodb::types::{
    CreateGlobalTableWitnessGroupMemberAction, CreateReplicationGroupMemberAction,
    DeleteGlobalTableWitnessGroupMemberAction, DeleteReplicationGroupMemberAction,
    GlobalTableWitnessGroupUpdate, MultiRegionConsistency, ReplicationGroupUpdate,
    TableDescription, UpdateReplicationGroupMemberAction,
};
use aws_sdk_dynamodb::Client;
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, boolean, changed, desired_tags, non_empty, sent, single, text, wait_for,
};
use crate::error::{aws_error, built};
use crate::verify::{is_region_name, ARN};

use super::table_api::{
    continuous_backups, default_key_arn, describe_table, sdk_tags, table_tags, too_many_changes,
    update_recovery, wait_table,
};

const EVENTUAL: &str = "EVENTUAL";
const STRONG: &str = "STRONG";

/// The provider's wait for a replica to be made or removed (`replicaUpdateTimeout`); a longer
/// operation timeout wins.
const REPLICA_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The blocks this file owns, `replica` and `global_table_witness`, for the table's
/// declaration (each read by [`read`]).
pub(super) fn blocks_owned() -> [Block; 2] {
    let replica = Schema::new()
        .attr(Attribute::computed("arn", Type::String))
        .attr(
            Attribute::optional("consistency_mode", Type::String)
                .default(Value::string(EVENTUAL))
                .check(Check::OneOf(&[EVENTUAL, STRONG])),
        )
        .attr(Attribute::optional_computed("deletion_protection_enabled", Type::Bool))
        .attr(Attribute::optional_computed("kms_key_arn", Type::String).check(ARN))
        .attr(Attribute::optional("point_in_time_recovery", Type::Bool).default(Value::Bool(false)))
        .attr(Attribute::optional("propagate_tags", Type::Bool).default(Value::Bool(false)))
        .attr(Attribute::required("region_name", Type::String))
        .attr(Attribute::computed("stream_arn", Type::String))
        .attr(Attribute::computed("stream_label", Type::String));
    let witness = Schema::new().attr(Attribute::optional_computed("region_name", Type::String));
    [Block::set("replica", replica), Block::single("global_table_witness", witness).computed()]
}

fn region(replica: &Value) -> String {
    non_empty(replica, "region_name").unwrap_or_default()
}

fn is_strong(replica: &Value) -> bool {
    replica.get("consistency_mode").as_str() == Some(STRONG)
}

/// The configured witness region, if any.
pub(super) fn witness(value: &Value) -> Option<String> {
    single(value, "global_table_witness").and_then(|w| non_empty(w, "region_name"))
}

/// The provider's MRSC rule for the replicas being made: `None` when they may be.
fn strong_consistency_problem(replicas: &[&Value], witness: bool) -> Option<String> {
    let strong = replicas.iter().filter(|r| is_strong(r)).count();
    if strong == 0 {
        return None;
    }
    let base = "Using MultiRegionStrongConsistency requires exactly 2 replicas, or 1 replica and \
                1 witness region.";
    if strong != replicas.len() {
        return Some(base.to_string());
    }
    match (strong, witness) {
        (1, false) => Some(format!(
            "{base} Only MRSC Replica count of 1 was provided but no Witness region was provided"
        )),
        (2, true) => Some(format!(
            "{base} MRSC Replica count of 2 was provided and a Witness region was also provided"
        )),
        (n, _) if n > 2 => Some(format!("{base} Too many Replicas were provided {n}")),
        _ => None,
    }
}

/// Plan-time checks: the MRSC rule on the configured replicas (the provider checks it when it
/// creates them), once every replica's mode is known.
pub(super) fn validate(config: &Value, problems: &mut Vec<(String, String)>) {
    let replicas: Vec<&Value> = blocks(config, "replica").iter().collect();
    let known = replicas.iter().all(|r| {
        r.get("consistency_mode").as_str().is_some() || r.get("consistency_mode").is_null()
    });
    if !known {
        return;
    }
    if let Some(problem) = strong_consistency_problem(&replicas, witness(config).is_some()) {
        problems.push(("replica".into(), format!("creating replicas: {problem}")));
    }
    if let Some(region) = witness(config) {
        if !is_region_name(&region) {
            problems.push((
                "global_table_witness[0].region_name".into(),
                format!("invalid AWS Region: {region}"),
            ));
        }
    }
    if witness(config).is_some() && replicas.is_empty() {
        problems.push((
            "global_table_witness".into(),
            "a witness must be used alongside a single `replica` with `consistency_mode` set \
             to \"STRONG\""
                .into(),
        ));
    }
}

/// The DynamoDB client of the provider, in another region (same endpoint configuration,
/// credentials, retries and rate limiter).
fn in_region(client: &Client, region: &str) -> Client {
    Client::from_conf(client.config().to_builder().region(Region::new(region.to_string())).build())
}

/// A table ARN with another region: the replica's ARN, as the provider derives it.
fn arn_in_region(arn: &str, region: &str) -> String {
    let parts: Vec<&str> = arn.splitn(5, ':').collect();
    if parts.len() < 5 {
        return arn.to_string();
    }
    format!("{}:{}:{}:{region}:{}", parts[0], parts[1], parts[2], parts[4])
}

// ---- Requests ----

fn create_action(replica: &Value) -> Result<ReplicationGroupUpdate, ProviderError> {
    let action = built(
        CreateReplicationGroupMemberAction::builder()
            .region_name(region(replica))
            .set_kms_master_key_id(non_empty(replica, "kms_key_arn"))
            .build(),
    )?;
    Ok(ReplicationGroupUpdate::builder().create(action).build())
}

fn update_action(
    region: &str,
    key: Option<String>,
) -> Result<ReplicationGroupUpdate, ProviderError> {
    let action = built(
        UpdateReplicationGroupMemberAction::builder()
            .region_name(region)
            .set_kms_master_key_id(key)
            .build(),
    )?;
    Ok(ReplicationGroupUpdate::builder().update(action).build())
}

fn delete_action(replica: &Value) -> Result<ReplicationGroupUpdate, ProviderError> {
    let action =
        built(DeleteReplicationGroupMemberAction::builder().region_name(region(replica)).build())?;
    Ok(ReplicationGroupUpdate::builder().delete(action).build())
}

fn witness_create(region: &str) -> Result<GlobalTableWitnessGroupUpdate, ProviderError> {
    let action =
        built(CreateGlobalTableWitnessGroupMemberAction::builder().region_name(region).build())?;
    Ok(GlobalTableWitnessGroupUpdate::builder().create(action).build())
}

fn witness_delete(region: &str) -> Result<GlobalTableWitnessGroupUpdate, ProviderError> {
    let action =
        built(DeleteGlobalTableWitnessGroupMemberAction::builder().region_name(region).build())?;
    Ok(GlobalTableWitnessGroupUpdate::builder().delete(action).build())
}

/// What UpdateTable is asked to do with the replicas (and witness), in one request.
#[derive(Debug, Default, PartialEq)]
struct ReplicaRequest {
    replica_updates: Vec<ReplicationGroupUpdate>,
    witness_updates: Vec<GlobalTableWitnessGroupUpdate>,
    strong: bool,
    /// A removal: a replica AWS does not find is an answer, not a wait.
    deleting: bool,
}

impl ReplicaRequest {
    async fn send(
        self,
        client: &Client,
        table: &str,
        doing: &str,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let strong = self.strong;
        let witness_updates = (!self.witness_updates.is_empty()).then_some(self.witness_updates);
        let replica_updates = self.replica_updates;
        let deleting = self.deleting;
        let sent = wait_for(
            &format!("DynamoDB Table ({table}) to accept the replica update"),
            timeout.max(REPLICA_TIMEOUT),
            || {
                let request = client
                    .update_table()
                    .table_name(table)
                    .set_replica_updates(Some(replica_updates.clone()))
                    .set_global_table_witness_updates(witness_updates.clone())
                    .set_multi_region_consistency(strong.then_some(MultiRegionConsistency::Strong));
                async move {
                    match sent!(request) {
                        Ok(_) => Ok(Some(())),
                        Err(error) if retryable(&error, deleting) => Ok(None),
                        Err(error) => Err(error),
                    }
                }
            },
        )
        .await;
        sent.map_err(|error| error.context(doing))
    }
}

/// The provider's retried answers to a replica update: the table or another replica is still
/// changing.
fn retryable(error: &ProviderError, deleting: bool) -> bool {
    match error.code.as_deref() {
        Some("ResourceInUseException") => true,
        Some("LimitExceededException") => too_many_changes(error),
        Some("ValidationException") => !deleting && error.message.contains(
            "Replica specified in the Replica Update or Replica Delete action of the request was \
             not found",
        ),
        _ => false,
    }
}

/// The requests that make `replicas` (and the witness, for STRONG ones): one for all of them
/// under MRSC, one each otherwise.
fn create_requests(
    replicas: &[&Value],
    witness: Option<&str>,
) -> Result<Vec<ReplicaRequest>, ProviderError> {
    if let Some(problem) = strong_consistency_problem(replicas, witness.is_some()) {
        return Err(ProviderError::new(format!("creating replicas: {problem}")));
    }
    if replicas.iter().any(|r| is_strong(r)) {
        return Ok(vec![ReplicaRequest {
            replica_updates: replicas.iter().map(|r| create_action(r)).collect::<Result<_, _>>()?,
            witness_updates: witness.map(witness_create).transpose()?.into_iter().collect(),
            strong: true,
            deleting: false,
        }]);
    }
    replicas
        .iter()
        .map(|replica| {
            Ok(ReplicaRequest {
                replica_updates: vec![create_action(replica)?],
                ..ReplicaRequest::default()
            })
        })
        .collect()
}

/// The requests that remove `replicas`: the STRONG ones and the witness in one, then each
/// EVENTUAL one in its own.
fn delete_requests(
    replicas: &[&Value],
    witness: Option<&str>,
) -> Result<Vec<ReplicaRequest>, ProviderError> {
    let (strong, eventual): (Vec<&Value>, Vec<&Value>) =
        replicas.iter().partition(|r| is_strong(r));
    let mut requests = Vec::new();
    if !strong.is_empty() {
        requests.push(ReplicaRequest {
            replica_updates: strong.iter().map(|r| delete_action(r)).collect::<Result<_, _>>()?,
            witness_updates: witness.map(witness_delete).transpose()?.into_iter().collect(),
            strong: false,
            deleting: true,
        });
    }
    for replica in eventual {
        requests.push(ReplicaRequest {
            replica_updates: vec![delete_action(replica)?],
            deleting: true,
            ..ReplicaRequest::default()
        });
    }
    Ok(requests)
}

// ---- Changes ----

/// Makes `replicas` of `table`, then sets each one's point-in-time recovery and deletion
/// protection in its region.
pub(super) async fn create(
    client: &Client,
    table: &str,
    replicas: &[&Value],
    witness: Option<&str>,
    timeout: Duration,
) -> Result<(), ProviderError> {
    for request in create_requests(replicas, witness)? {
        let regions: Vec<String> = request
            .replica_updates
            .iter()
            .filter_map(|u| u.create().map(|c| c.region_name().to_string()))
            .collect();
        let doing = format!("creating replica ({})", regions.join(", "));
        match request.send(client, table, &doing, timeout).await {
            Ok(()) => {}
            // Already there (a run stopped after it was made): nothing to make.
            Err(error)
                if error.code.as_deref() == Some("ValidationException")
                    && (error.message.contains("already exist")
                        || error.message.contains("no actions specified")) => {}
            Err(error) => return Err(error),
        }
        for region in &regions {
            wait_replica(client, table, region, true, timeout).await?;
        }
    }
    for replica in replicas {
        set_up(client, table, replica, true, timeout).await?;
    }
    Ok(())
}

/// A new or changed replica's point-in-time recovery and deletion protection, in its region.
async fn set_up(
    client: &Client,
    table: &str,
    replica: &Value,
    new: bool,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let region = region(replica);
    let regional = in_region(client, &region);
    let recovery = boolean(replica, "point_in_time_recovery").unwrap_or(false);
    update_recovery(&regional, table, recovery, None, timeout)
        .await
        .map_err(|e| e.context(&format!("updating replica ({region}) point in time recovery")))?;
    let protection = boolean(replica, "deletion_protection_enabled");
    if protection == Some(true) || (!new && protection.is_some()) {
        regional
            .update_table()
            .table_name(table)
            .set_deletion_protection_enabled(protection)
            .send()
            .await
            .map_err(|e| {
                aws_error(e).context(&format!("updating replica ({region}) deletion protection"))
            })?;
        wait_replica(client, table, &region, true, timeout).await?;
    }
    Ok(())
}

/// Removes `replicas` of `table` (and the witness with the STRONG ones); one already gone is
/// not an error.
pub(super) async fn delete(
    client: &Client,
    table: &str,
    replicas: &[&Value],
    witness: Option<&str>,
    destroying: bool,
    timeout: Duration,
) -> Result<(), ProviderError> {
    for request in delete_requests(replicas, witness)? {
        let regions: Vec<String> = request
            .replica_updates
            .iter()
            .filter_map(|u| u.delete().map(|d| d.region_name().to_string()))
            .collect();
        let doing = format!("deleting replica ({})", regions.join(", "));
        match request.send(client, table, &doing, timeout).await {
            Ok(()) => {}
            // Nothing there to remove: nothing to wait for either.
            Err(error) if gone(&error) => continue,
            // The provider lets these pass when the table is deleted next (its replicas go
            // with it); on a change of the replicas they are errors.
            Err(error) if destroying && tolerated_on_destroy(&error) => continue,
            Err(error) => return Err(error),
        }
        for region in &regions {
            wait_replica(client, table, region, false, timeout).await?;
        }
    }
    Ok(())
}

/// The answers to a replica removal that mean there is nothing to remove.
fn gone(error: &ProviderError) -> bool {
    match error.code.as_deref() {
        Some("ResourceNotFoundException") => true,
        Some("ValidationException") => error.message.contains("request was not found"),
        _ => false,
    }
}

/// The other refusals the provider lets pass when it deletes a table's replicas.
fn tolerated_on_destroy(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("ValidationException")
        && [
            "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates \
             parameter is present",
            "Cannot add, delete, or update the local region through ReplicaUpdates",
        ]
        .iter()
        .any(|text| error.message.contains(text))
}

/// Waits (DescribeTable in the table's region) until the replica in `region` is ACTIVE, or
/// gone.
async fn wait_replica(
    client: &Client,
    table: &str,
    region: &str,
    active: bool,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let timeout = timeout.max(REPLICA_TIMEOUT);
    if active {
        let what = format!("replica ({region}) to be ACTIVE");
        // Not listed yet, CREATING, UPDATING or DELETING: still going; ACTIVE: done; anything
        // else (CREATION_FAILED, REGION_DISABLED, ...) ends the wait with an error, as in the
        // provider.
        return wait_for(&format!("DynamoDB Table ({table}) {what}"), timeout, || async move {
            let description = describe_table(client, table)
                .await?
                .ok_or_else(|| crate::app_support::vanished("DynamoDB Table", table))?;
            let status = description
                .replicas()
                .iter()
                .find(|r| r.region_name() == Some(region))
                .and_then(|r| r.replica_status())
                .map(|status| status.as_str().to_string());
            match status.as_deref() {
                None | Some("CREATING" | "UPDATING" | "DELETING") => Ok(None),
                Some("ACTIVE") => Ok(Some(())),
                Some(other) => Err(ProviderError::new(format!(
                    "replica ({region}) of DynamoDB Table ({table}) is {other}"
                ))),
            }
        })
        .await;
    }
    wait_for(
        &format!("DynamoDB Table ({table}) replica ({region}) to be deleted"),
        timeout,
        || async move {
            let description = describe_table(client, table).await?;
            Ok(description
                .is_none_or(|d| !d.replicas().iter().any(|r| r.region_name() == Some(region)))
                .then_some(()))
        },
    )
    .await
}

/// What a change of the `replica` set takes: replicas to remove, to make, and to set up again
/// in place.
fn replica_changes<'a>(
    prior: &'a Value,
    planned: &'a Value,
) -> (Vec<&'a Value>, Vec<&'a Value>, Vec<&'a Value>) {
    let before = blocks(prior, "replica");
    let after = blocks(planned, "replica");
    let find = |list: &'a [Value], region: &str| list.iter().find(|r| self::region(r) == region);
    let mut remove: Vec<&Value> =
        before.iter().filter(|r| find(after, &region(r)).is_none()).collect();
    let mut add: Vec<&Value> =
        after.iter().filter(|r| find(before, &region(r)).is_none()).collect();
    let mut set_up = Vec::new();
    for wanted in after {
        let Some(existing) = find(before, &region(wanted)) else {
            continue;
        };
        let key_changes =
            non_empty(wanted, "kms_key_arn").is_some() && changed(existing, wanted, "kms_key_arn");
        if key_changes || changed(existing, wanted, "consistency_mode") {
            remove.push(existing);
            add.push(wanted);
        } else if changed(existing, wanted, "point_in_time_recovery")
            || changed(existing, wanted, "deletion_protection_enabled")
        {
            set_up.push(wanted);
        }
    }
    (remove, add, set_up)
}

/// Applies a change of the `replica` set: removals first, then new replicas, then in-place
/// settings.
pub(super) async fn update(
    client: &Client,
    table: &str,
    prior: &Value,
    planned: &Value,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let (remove, add, set_up_again) = replica_changes(prior, planned);
    let witness = witness(planned);
    // The witness there now goes with the STRONG replicas removed.
    let old_witness = self::witness(prior);
    delete(client, table, &remove, old_witness.as_deref(), false, timeout)
        .await
        .map_err(|e| e.context("updating replicas, while deleting"))?;
    create(client, table, &add, witness.as_deref(), timeout)
        .await
        .map_err(|e| e.context("updating replicas, while creating"))?;
    for replica in set_up_again {
        set_up(client, table, replica, false, timeout).await?;
    }
    Ok(())
}

/// The SSE change of a table with replicas whose new encryption names a key: each replica
/// with its own key, and the table's own region with the table's key, in one UpdateTable
/// (the provider's request; AWS takes no `SSESpecification` for a global table's key).
pub(super) fn key_updates(
    planned: &Value,
    own_region: &str,
    key: &str,
) -> Result<Vec<ReplicationGroupUpdate>, ProviderError> {
    let mut updates = Vec::new();
    for replica in blocks(planned, "replica") {
        if let Some(replica_key) = non_empty(replica, "kms_key_arn") {
            updates.push(update_action(&region(replica), Some(replica_key))?);
        }
    }
    updates.push(update_action(own_region, Some(key.to_string()))?);
    Ok(updates)
}

/// Waits, in each replica's region, until the replica's encryption is no longer changing.
pub(super) async fn wait_encryption_settled(
    client: &Client,
    table: &str,
    planned: &Value,
    timeout: Duration,
) -> Result<(), ProviderError> {
    for replica in blocks(planned, "replica") {
        let region = region(replica);
        let what = format!("replica SSE update in region {region:?}");
        wait_table(&in_region(client, &region), table, &what, timeout, |description| {
            !description.sse_description().and_then(|d| d.status()).is_some_and(|status| {
                matches!(status.as_str(), "ENABLING" | "DISABLING" | "UPDATING")
            })
        })
        .await?;
    }
    Ok(())
}

/// Copies the table's tags to each replica with `propagate_tags` (adding, changing and
/// removing to match), in the replica's region.
pub(super) async fn propagate_tags(
    client: &Client,
    table_arn: &str,
    planned: &Value,
) -> Result<(), ProviderError> {
    let wanted: BTreeMap<String, String> = match planned.get("tags_all") {
        Value::Null => desired_tags(planned),
        tags => tags
            .as_map()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
    };
    for replica in blocks(planned, "replica") {
        if boolean(replica, "propagate_tags") != Some(true) {
            continue;
        }
        let region = region(replica);
        let regional = in_region(client, &region);
        let arn = arn_in_region(table_arn, &region);
        let existing = table_tags(&regional, &arn)
            .await
            .map_err(|e| e.context(&format!("listing tags ({arn})")))?;
        let remove: Vec<String> = existing
            .iter()
            .filter(|(key, _)| !wanted.contains_key(key) && !key.starts_with("aws:"))
            .map(|(key, _)| key.clone())
            .collect();
        let set: BTreeMap<String, String> = wanted
            .iter()
            .filter(|(key, value)| !existing.iter().any(|(k, v)| k == *key && v == *value))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !remove.is_empty() {
            sent!(regional.untag_resource().resource_arn(&arn).set_tag_keys(Some(remove)))
                .map_err(|e| e.context("updating tags"))?;
        }
        if !set.is_empty() {
            sent!(regional.tag_resource().resource_arn(&arn).set_tags(Some(sdk_tags(&set)?)))
                .map_err(|e| e.context("updating tags"))?;
        }
    }
    Ok(())
}

// ---- Reading ----

/// What one replica's region reports of it.
#[derive(Default)]
struct ReplicaReport {
    recovery: bool,
    deletion_protection: Option<bool>,
    key: Option<String>,
    stream_arn: Option<String>,
    stream_label: Option<String>,
    default_key: Option<String>,
}

/// Reads a replica in its region: point-in-time recovery, then the replica table itself (a
/// replica that cannot be described keeps what the table's own description says, as the
/// provider skips it).
async fn read_replica(
    client: &Client,
    kms: &aws_sdk_kms::Client,
    table: &str,
    region: &str,
    reported_key: Option<String>,
) -> Result<ReplicaReport, ProviderError> {
    let regional = in_region(client, region);
    let mut report = ReplicaReport {
        recovery: continuous_backups(&regional, table)
            .await?
            .and_then(|backups| {
                backups
                    .point_in_time_recovery_description()
                    .and_then(|d| d.point_in_time_recovery_status())
                    .map(|status| status.as_str() == "ENABLED")
            })
            .unwrap_or(false),
        ..ReplicaReport::default()
    };
    if let Ok(Some(replica)) = describe_table(&regional, table).await {
        report.deletion_protection = replica.deletion_protection_enabled();
        report.key =
            replica.sse_description().and_then(|d| d.kms_master_key_arn()).map(str::to_string);
        report.stream_arn = replica.latest_stream_arn().map(str::to_string);
        report.stream_label = replica.latest_stream_label().map(str::to_string);
    }
    // The table's own description names the key when the replica's region does not.
    report.key = report.key.or(reported_key);
    if report.key.is_some() {
        let regional_kms = aws_sdk_kms::Client::from_conf(
            kms.config()
                .to_builder()
                .region(aws_sdk_kms::config::Region::new(region.to_string()))
                .build(),
        );
        report.default_key = default_key_arn(&regional_kms).await;
    }
    Ok(report)
}

/// `replica` and `global_table_witness` as AWS reports them. `hint` (the prior or planned
/// value) gives `propagate_tags` and the order of the replicas.
pub(super) async fn read(
    client: &Client,
    kms: &aws_sdk_kms::Client,
    table: &TableDescription,
    hint: &Value,
) -> Result<(Value, Value), ProviderError> {
    let name = table.table_name().unwrap_or_default();
    let regions: Vec<String> =
        table.replicas().iter().filter_map(|r| r.region_name().map(str::to_string)).collect();
    let reports = futures::future::try_join_all(regions.iter().map(|region| {
        let reported_key = table
            .replicas()
            .iter()
            .find(|r| r.region_name() == Some(region.as_str()))
            .and_then(|r| r.kms_master_key_id())
            .map(str::to_string);
        read_replica(client, kms, name, region, reported_key)
    }))
    .await?;
    let replicas = replica_values(table, &regions, reports, hint);
    Ok((replicas, witness_value(table)))
}

fn witness_value(table: &TableDescription) -> Value {
    match table.global_table_witnesses() {
        [only] => Value::List(vec![Value::map([("region_name", text(only.region_name()))])]),
        _ => Value::List(vec![]),
    }
}

fn replica_values(
    table: &TableDescription,
    regions: &[String],
    reports: Vec<ReplicaReport>,
    hint: &Value,
) -> Value {
    let consistency = table
        .multi_region_consistency()
        .map(|c| c.as_str().to_string())
        .unwrap_or_else(|| EVENTUAL.to_string());
    let hinted = blocks(hint, "replica");
    let mut items: Vec<(usize, Value)> = regions
        .iter()
        .zip(reports)
        .map(|(region, report)| {
            let description =
                table.replicas().iter().find(|r| r.region_name() == Some(region.as_str()));
            let configured = hinted.iter().find(|r| self::region(r) == *region);
            let key = report
                .key
                .clone()
                .or_else(|| description.and_then(|d| d.kms_master_key_id()).map(str::to_string))
                .filter(|key| report.default_key.as_deref() != Some(key.as_str()))
                .unwrap_or_default();
            let value = Value::map([
                ("region_name", Value::string(region)),
                (
                    "arn",
                    Value::string(arn_in_region(table.table_arn().unwrap_or_default(), region)),
                ),
                ("consistency_mode", Value::string(&consistency)),
                ("kms_key_arn", Value::string(key)),
                ("point_in_time_recovery", Value::Bool(report.recovery)),
                (
                    "deletion_protection_enabled",
                    Value::Bool(report.deletion_protection.unwrap_or(false)),
                ),
                (
                    "propagate_tags",
                    Value::Bool(
                        configured.and_then(|r| boolean(r, "propagate_tags")).unwrap_or(false),
                    ),
                ),
                ("stream_arn", text(report.stream_arn.as_deref())),
                ("stream_label", text(report.stream_label.as_deref())),
            ]);
            let order =
                hinted.iter().position(|r| self::region(r) == *region).unwrap_or(usize::MAX);
            (order, value)
        })
        .collect();
    items.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| region(x).cmp(&region(y))));
    Value::List(items.into_iter().map(|(_, value)| value).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::{
        GlobalTableWitnessDescription, ReplicaDescription, ReplicaStatus,
    };

    fn replica(region: &str, mode: &str) -> Value {
        Value::map([
            ("region_name", Value::string(region)),
            ("consistency_mode", Value::string(mode)),
            ("kms_key_arn", Value::string("")),
            ("point_in_time_recovery", Value::Bool(false)),
            ("propagate_tags", Value::Bool(false)),
        ])
    }

    fn with_replicas(replicas: Vec<Value>, witness: Option<&str>) -> Value {
        let witness = match witness {
            Some(region) => vec![Value::map([("region_name", Value::string(region))])],
            None => vec![],
        };
        Value::map([
            ("replica", Value::List(replicas)),
            ("global_table_witness", Value::List(witness)),
        ])
    }

    fn problems(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        validate(config, &mut problems);
        problems
    }

    #[test]
    fn strong_consistency_takes_two_replicas_or_one_and_a_witness() {
        let ok = [
            with_replicas(
                vec![replica("us-east-2", EVENTUAL), replica("us-west-2", EVENTUAL)],
                None,
            ),
            with_replicas(vec![replica("us-east-2", STRONG), replica("us-west-2", STRONG)], None),
            with_replicas(vec![replica("us-east-2", STRONG)], Some("us-west-2")),
        ];
        for config in &ok {
            assert!(problems(config).is_empty(), "{config:?}");
        }
        let one = problems(&with_replicas(vec![replica("us-east-2", STRONG)], None));
        assert_eq!(one[0].0, "replica");
        assert!(one[0].1.ends_with(
            "Only MRSC Replica count of 1 was provided but no Witness region was provided"
        ));
        let mixed = problems(&with_replicas(
            vec![replica("us-east-2", STRONG), replica("us-west-2", EVENTUAL)],
            None,
        ));
        assert_eq!(
            mixed[0].1,
            "creating replicas: Using MultiRegionStrongConsistency requires exactly 2 replicas, \
             or 1 replica and 1 witness region."
        );
        let both = problems(&with_replicas(
            vec![replica("us-east-2", STRONG), replica("us-west-2", STRONG)],
            Some("eu-west-1"),
        ));
        assert!(both[0].1.contains("a Witness region was also provided"));
        let three = problems(&with_replicas(
            vec![
                replica("us-east-2", STRONG),
                replica("us-west-2", STRONG),
                replica("eu-west-1", STRONG),
            ],
            None,
        ));
        assert!(three[0].1.ends_with("Too many Replicas were provided 3"));
    }

    #[test]
    fn eventual_replicas_are_made_one_a_request_and_strong_ones_together_with_the_witness() {
        let a = replica("us-east-2", EVENTUAL);
        let mut b = replica("us-west-2", EVENTUAL);
        if let Some(entries) = b.map_mut() {
            entries.insert("kms_key_arn".into(), Value::string("arn:aws:kms:us-west-2:1:key/k"));
        }
        let requests = create_requests(&[&a, &b], None).unwrap();
        assert_eq!(requests.len(), 2);
        let second = requests[1].replica_updates[0].create().unwrap();
        assert_eq!(second.region_name(), "us-west-2");
        assert_eq!(second.kms_master_key_id(), Some("arn:aws:kms:us-west-2:1:key/k"));
        assert!(!requests[0].strong && requests[0].witness_updates.is_empty());

        let strong = replica("us-east-2", STRONG);
        let requests = create_requests(&[&strong], Some("us-west-2")).unwrap();
        assert_eq!(requests.len(), 1);
        assert!(requests[0].strong);
        assert_eq!(requests[0].replica_updates.len(), 1);
        assert_eq!(requests[0].witness_updates[0].create().unwrap().region_name(), "us-west-2");
        assert!(create_requests(&[&strong], None).is_err());

        let deletes = delete_requests(&[&a, &strong], Some("us-west-2")).unwrap();
        assert_eq!(deletes.len(), 2);
        assert_eq!(deletes[0].replica_updates[0].delete().unwrap().region_name(), "us-east-2");
        assert_eq!(deletes[0].witness_updates[0].delete().unwrap().region_name(), "us-west-2");
        assert!(!deletes[0].strong, "a delete sends no MultiRegionConsistency");
        assert_eq!(deletes[1].replica_updates[0].delete().unwrap().region_name(), "us-east-2");
    }

    #[test]
    fn a_new_key_or_mode_makes_the_replica_again_and_recovery_is_set_in_place() {
        let with = |key: &str, mode: &str, recovery: bool| {
            let mut value = replica("us-east-2", mode);
            if let Some(entries) = value.map_mut() {
                entries.insert("kms_key_arn".into(), Value::string(key));
                entries.insert("point_in_time_recovery".into(), Value::Bool(recovery));
            }
            value
        };
        let prior =
            with_replicas(vec![with("", EVENTUAL, false), replica("eu-west-1", EVENTUAL)], None);
        let planned = with_replicas(
            vec![
                with("arn:aws:kms:us-east-2:1:key/k", EVENTUAL, false),
                replica("us-west-2", EVENTUAL),
            ],
            None,
        );
        let (remove, add, set_up) = replica_changes(&prior, &planned);
        let regions = |list: &[&Value]| list.iter().map(|r| region(r)).collect::<Vec<_>>();
        assert_eq!(regions(&remove), ["eu-west-1", "us-east-2"]);
        assert_eq!(regions(&add), ["us-west-2", "us-east-2"]);
        assert!(set_up.is_empty());

        let planned =
            with_replicas(vec![with("", EVENTUAL, true), replica("eu-west-1", EVENTUAL)], None);
        let (remove, add, set_up) = replica_changes(&prior, &planned);
        assert!(remove.is_empty() && add.is_empty());
        assert_eq!(regions(&set_up), ["us-east-2"]);
    }

    #[test]
    fn replicas_read_back_with_their_regions_reports_and_the_configured_propagation() {
        let table = TableDescription::builder()
            .table_name("orders")
            .table_arn("arn:aws:dynamodb:us-east-1:123456789012:table/orders")
            .replicas(
                ReplicaDescription::builder()
                    .region_name("us-west-2")
                    .replica_status(ReplicaStatus::Active)
                    .build(),
            )
            .replicas(
                ReplicaDescription::builder()
                    .region_name("eu-west-1")
                    .kms_master_key_id("arn:aws:kms:eu-west-1:123456789012:key/default")
                    .build(),
            )
            .global_table_witnesses(
                GlobalTableWitnessDescription::builder().region_name("us-east-2").build(),
            )
            .build();
        let hint = with_replicas(
            vec![
                {
                    let mut r = replica("eu-west-1", EVENTUAL);
                    if let Some(entries) = r.map_mut() {
                        entries.insert("propagate_tags".into(), Value::Bool(true));
                    }
                    r
                },
                replica("us-west-2", EVENTUAL),
            ],
            None,
        );
        let reports = vec![
            ReplicaReport {
                recovery: true,
                deletion_protection: Some(true),
                stream_arn: Some("arn:stream".into()),
                ..ReplicaReport::default()
            },
            ReplicaReport {
                key: Some("arn:aws:kms:eu-west-1:123456789012:key/default".into()),
                default_key: Some("arn:aws:kms:eu-west-1:123456789012:key/default".into()),
                ..ReplicaReport::default()
            },
        ];
        let regions = vec!["us-west-2".to_string(), "eu-west-1".to_string()];
        let value = replica_values(&table, &regions, reports, &hint);
        let items = value.as_list().unwrap();
        // In the configured order.
        assert_eq!(region(&items[0]), "eu-west-1");
        assert_eq!(items[0].get("propagate_tags"), &Value::Bool(true));
        assert_eq!(
            items[0].get("kms_key_arn"),
            &Value::string(""),
            "the default key reads as none"
        );
        assert_eq!(
            items[0].get("arn"),
            &Value::string("arn:aws:dynamodb:eu-west-1:123456789012:table/orders")
        );
        assert_eq!(items[1].get("point_in_time_recovery"), &Value::Bool(true));
        assert_eq!(items[1].get("deletion_protection_enabled"), &Value::Bool(true));
        assert_eq!(items[1].get("stream_arn"), &Value::string("arn:stream"));
        assert_eq!(items[1].get("consistency_mode"), &Value::string(EVENTUAL));
        assert_eq!(
            witness_value(&table),
            Value::List(vec![Value::map([("region_name", Value::string("us-east-2"))])])
        );
    }

    #[test]
    fn a_missing_replica_is_waited_for_when_made_and_an_answer_when_removed() {
        let error = |code: &str, message: &str| {
            let mut error = ProviderError::new(message.to_string());
            error.code = Some(code.to_string());
            error
        };
        let not_found = error(
            "ValidationException",
            "Replica specified in the Replica Update or Replica Delete action of the request was \
             not found",
        );
        assert!(retryable(&not_found, false));
        assert!(!retryable(&not_found, true));
        assert!(gone(&not_found));
        let witness = error(
            "ValidationException",
            "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates \
             parameter is present",
        );
        assert!(!gone(&witness) && tolerated_on_destroy(&witness));
        assert!(retryable(&error("ResourceInUseException", "busy"), true));
    }

    /// A replica's key is checked by the table's declaration (`verify::ARN`).
    #[test]
    fn replica_keys_are_arns() {
        use infra_core::ResourceType;
        let table = super::super::aws_dynamodb_table::AwsDynamodbTable::new(crate::Aws::new(
            crate::ProviderSettings::default(),
        ));
        let mut keyed = replica("us-east-2", EVENTUAL);
        if let Some(entries) = keyed.map_mut() {
            entries.insert("kms_key_arn".into(), Value::string("alias/mine"));
        }
        let found = table.schema().validate(&with_replicas(vec![keyed], None));
        let keys: Vec<&String> = found
            .iter()
            .filter(|(at, _)| at == "replica[0].kms_key_arn")
            .map(|(_, message)| message)
            .collect();
        assert_eq!(keys.len(), 1, "{found:?}");
        assert!(keys[0].contains("is an invalid ARN"), "{found:?}");
    }

    #[test]
    fn a_global_table_key_change_updates_each_keyed_replica_and_the_own_region() {
        let mut keyed = replica("us-west-2", EVENTUAL);
        if let Some(entries) = keyed.map_mut() {
            entries.insert("kms_key_arn".into(), Value::string("arn:aws:kms:us-west-2:1:key/w"));
        }
        let planned = with_replicas(vec![keyed, replica("eu-west-1", EVENTUAL)], None);
        let updates = key_updates(&planned, "us-east-1", "arn:aws:kms:us-east-1:1:key/e").unwrap();
        let pairs: Vec<(&str, Option<&str>)> = updates
            .iter()
            .map(|u| {
                let update = u.update().unwrap();
                (update.region_name(), update.kms_master_key_id())
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("us-west-2", Some("arn:aws:kms:us-west-2:1:key/w")),
                ("us-east-1", Some("arn:aws:kms:us-east-1:1:key/e")),
            ]
        );
    }
}
