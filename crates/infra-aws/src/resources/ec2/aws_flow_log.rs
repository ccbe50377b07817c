//! `aws_flow_log`: a flow log of a VPC, subnet, network interface, transit gateway or transit
//! gateway attachment, delivered to CloudWatch Logs (with an IAM role), S3 or Amazon Data
//! Firehose. Every argument forces a new flow log; only tags change in place.
//!
//! moto does not return `deliver_cross_account_role` or `destination_options`, so those are
//! kept from the prior value when the describe answer leaves them out, and drift on them is not
//! seen in tests (AWS returns both, and then they are read). moto accepts only VPC, subnet and
//! network interface targets.
//!
//! Not supported yet ([`Schema::not_supported`]): a regional NAT gateway's flow log
//! (`regional_nat_gateway_id`).

use aws_sdk_ec2::types::{
    DestinationFileFormat, DestinationOptionsRequest, FlowLog, FlowLogsResourceType,
    LogDestinationType, ResourceType as Ec2ResourceType, Tag, TrafficType,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::sent;
use crate::ec2_object::{
    read, read_block, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type,
};
use crate::ec2_support::{
    as_enum, bool_attribute, client_token, created_id, integer_attribute, non_empty_attribute,
    optional_string, single_block, string_attribute,
};
use crate::paginated::all_items;

/// The attributes naming what a flow log watches, with the resource type and id prefix each
/// means (the longer `tgw-attach-` before `tgw-`).
const TARGETS: &[(&str, &str)] = &[
    ("vpc_id", "vpc-"),
    ("subnet_id", "subnet-"),
    ("eni_id", "eni-"),
    ("transit_gateway_attachment_id", "tgw-attach-"),
    ("transit_gateway_id", "tgw-"),
];

fn resource_type_of(attribute: &str) -> FlowLogsResourceType {
    match attribute {
        "vpc_id" => FlowLogsResourceType::Vpc,
        "subnet_id" => FlowLogsResourceType::Subnet,
        "eni_id" => FlowLogsResourceType::NetworkInterface,
        "transit_gateway_attachment_id" => FlowLogsResourceType::TransitGatewayAttachment,
        _ => FlowLogsResourceType::TransitGateway,
    }
}

/// The attribute a described resource id belongs in.
fn target_attribute(resource_id: &str) -> &'static str {
    TARGETS
        .iter()
        .find(|(_, prefix)| resource_id.starts_with(prefix))
        .map(|(name, _)| *name)
        .unwrap_or("vpc_id")
}

pub type AwsFlowLog = Ec2Type<FlowLogObject>;

pub struct FlowLogObject;

fn destination_options_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional("file_format", Type::String)
                .default(Value::string("plain-text"))
                .check(Check::OneOf(&["plain-text", "parquet"])),
        )
        .attr(
            Attribute::optional("hive_compatible_partitions", Type::Bool)
                .default(Value::Bool(false)),
        )
        .attr(Attribute::optional("per_hour_partition", Type::Bool).default(Value::Bool(false)))
}

impl Ec2Object for FlowLogObject {
    type Item = FlowLog;
    const NAME: &'static str = "aws_flow_log";
    const ID_FILTER: Option<&'static str> = Some("flow-log-id");
    const NOT_FOUND: &'static str = "InvalidFlowLogId.NotFound";
    const READS_ACCOUNT: bool = true;

    fn attributes() -> Vec<Declared<FlowLog>> {
        let mut declared = vec![
            string(Attribute::computed("id", Type::String), FlowLog::flow_log_id),
            read(Attribute::computed("arn", Type::String), |log: &FlowLog, at| {
                at.arn(at.account, "vpc-flow-log", log.flow_log_id().unwrap_or_default())
            }),
            string(
                Attribute::optional("deliver_cross_account_role", Type::String).force_new(),
                FlowLog::deliver_cross_account_role,
            ),
            string(
                Attribute::optional("iam_role_arn", Type::String).force_new(),
                FlowLog::deliver_logs_permission_arn,
            ),
            string(
                Attribute::optional_computed("log_destination", Type::String).force_new(),
                FlowLog::log_destination,
            ),
            read(
                Attribute::optional("log_destination_type", Type::String)
                    .force_new()
                    .default(Value::string("cloud-watch-logs"))
                    .check(Check::OneOf(&["cloud-watch-logs", "s3", "kinesis-data-firehose"])),
                |log: &FlowLog, _| {
                    let kind = log.log_destination_type().map(LogDestinationType::as_str);
                    Value::string(kind.unwrap_or("cloud-watch-logs"))
                },
            ),
            string(
                Attribute::optional_computed("log_format", Type::String).force_new(),
                FlowLog::log_format,
            ),
            // Deprecated in provider v5 (use `log_destination`), still accepted.
            string(
                Attribute::optional_computed("log_group_name", Type::String).force_new(),
                FlowLog::log_group_name,
            ),
            read(
                Attribute::optional("max_aggregation_interval", Type::Number)
                    .force_new()
                    .default(Value::Number(600.0))
                    .check(Check::OneOfNumbers(&[60, 600])),
                |log: &FlowLog, _| {
                    let interval = log.max_aggregation_interval().unwrap_or(600);
                    Value::Number(f64::from(interval))
                },
            ),
            read(
                Attribute::optional("traffic_type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["ACCEPT", "REJECT", "ALL"])),
                |log: &FlowLog, _| optional_string(log.traffic_type().map(TrafficType::as_str)),
            ),
        ];
        declared.extend(TARGETS.iter().map(|(name, _)| {
            read(Attribute::optional(name, Type::String).force_new(), move |log: &FlowLog, _| {
                let id = log.resource_id().unwrap_or_default();
                let watched = target_attribute(id) == *name;
                if watched {
                    Value::string(id)
                } else {
                    Value::Null
                }
            })
        }));
        declared.push(read_block(
            Block::single("destination_options", destination_options_schema()).force_new(),
            |log: &FlowLog, _| {
                let options = log.destination_options().map(|options| {
                    Value::map([
                        (
                            "file_format",
                            optional_string(
                                options.file_format().map(DestinationFileFormat::as_str),
                            ),
                        ),
                        (
                            "hive_compatible_partitions",
                            Value::Bool(options.hive_compatible_partitions().unwrap_or(false)),
                        ),
                        (
                            "per_hour_partition",
                            Value::Bool(options.per_hour_partition().unwrap_or(false)),
                        ),
                    ])
                });
                Value::List(options.into_iter().collect())
            },
        ));
        declared
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(1).not_supported(
            "regional_nat_gateway_id",
            Type::String,
            "infra does not make regional NAT gateways; log their VPC instead",
        )
    }

    const ID: fn(&FlowLog) -> Option<&str> = FlowLog::flow_log_id;
    const TAGS: fn(&FlowLog) -> &[Tag] = FlowLog::tags;

    /// The provider's `flowLogStateUpgradeV0`: a `log_group_name` becomes the log group's ARN
    /// in `log_destination` (in the flow log's own partition, region and account, read from
    /// its ARN), and `log_group_name` is cleared.
    fn upgrade_state(from: u64, mut value: Value) -> Result<Value, String> {
        if from != 0 {
            return Ok(value);
        }
        let name = value.get("log_group_name").as_str().map(str::to_string);
        let arn = value.get("arn").as_str().map(str::to_string);
        if let Some(entries) = value.map_mut() {
            if let Some(name) = name.filter(|n| !n.is_empty()) {
                // arn:PARTITION:ec2:REGION:ACCOUNT:vpc-flow-log/ID
                let parts: Vec<&str> = arn.as_deref().unwrap_or_default().split(':').collect();
                let [_, partition, _, region, account, ..] = parts[..] else {
                    return Err(format!(
                        "log_group_name {name:?} needs the flow log's ARN to name its log group"
                    ));
                };
                entries.insert(
                    "log_destination".into(),
                    Value::string(format!(
                        "arn:{partition}:logs:{region}:{account}:log-group:{name}"
                    )),
                );
            }
            entries.insert("log_group_name".into(), Value::Null);
        }
        Ok(value)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let target = match target(config) {
            Ok((name, _)) => Some(name),
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        let transit =
            matches!(target, Some("transit_gateway_id" | "transit_gateway_attachment_id"));
        if let Some(interval) = config.get("max_aggregation_interval").as_i64() {
            if transit && interval == 600 {
                problems.push((
                    "max_aggregation_interval".into(),
                    "max_aggregation_interval must be 60 for a transit gateway or transit gateway attachment.".into(),
                ));
            }
        }
        if target.is_some() && !transit && config.get("traffic_type").is_null() {
            problems.push((
                "traffic_type".into(),
                "traffic_type is required for a VPC, subnet or network interface flow log.".into(),
            ));
        }
        if !config.get("log_group_name").is_null() && !config.get("log_destination").is_null() {
            problems.push((
                "log_group_name".into(),
                "\"log_group_name\": conflicts with log_destination.".into(),
            ));
        }
        problems
    }

    fn keep_unreported(prior: &Value, value: &mut Value) {
        keep_unreported(prior, value)
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<FlowLog>, ProviderError> {
        all_items!(at.ec2.describe_flow_logs().set_flow_log_ids(at.ids).set_filter(at.filters))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let (attribute, resource_id) =
            target(at.planned).map_err(|(_, problem)| ProviderError::new(problem))?;
        let resource_id = resource_id
            .ok_or_else(|| ProviderError::new(format!("aws_flow_log: {attribute} is unknown")))?;
        let destination_options = single_block(at.planned, "destination_options").map(|options| {
            DestinationOptionsRequest::builder()
                .set_file_format(as_enum(non_empty_attribute(options, "file_format")))
                .hive_compatible_partitions(bool_attribute(
                    options,
                    "hive_compatible_partitions",
                    false,
                ))
                .per_hour_partition(bool_attribute(options, "per_hour_partition", false))
                .build()
        });
        let output = sent!(at
            .this
            .ec2()
            .await
            .create_flow_logs()
            .client_token(client_token(at.operation, at.planned))
            .resource_type(resource_type_of(attribute))
            .resource_ids(&resource_id)
            .set_traffic_type(as_enum(non_empty_attribute(at.planned, "traffic_type")),)
            .set_deliver_logs_permission_arn(non_empty_attribute(at.planned, "iam_role_arn"))
            .set_deliver_cross_account_role(non_empty_attribute(
                at.planned,
                "deliver_cross_account_role",
            ))
            .set_log_destination_type(as_enum(non_empty_attribute(
                at.planned,
                "log_destination_type"
            )),)
            .set_log_destination(non_empty_attribute(at.planned, "log_destination"))
            .set_log_group_name(non_empty_attribute(at.planned, "log_group_name"))
            .set_log_format(non_empty_attribute(at.planned, "log_format"))
            .set_max_aggregation_interval(
                integer_attribute(at.planned, "max_aggregation_interval").map(|n| n as i32),
            )
            .set_destination_options(destination_options)
            .tag_specifications(at.tag_specification(Ec2ResourceType::VpcFlowLog)))?;
        if let Some(failure) = output.unsuccessful().first() {
            let error = failure.error();
            let message = format!(
                "creating flow log for {resource_id}: {}",
                error.and_then(|e| e.message()).unwrap_or("unsuccessful")
            );
            return Err(match error.and_then(|e| e.code()) {
                Some(code) => ProviderError::with_code(code, message),
                None => ProviderError::new(message),
            });
        }
        let id = created_id(
            output.flow_log_ids().first().map(String::as_str),
            "CreateFlowLogs returned no flow log id",
        )?;
        Ok(id)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let output = sent!(at.this.ec2().await.delete_flow_logs().flow_log_ids(id));
        let output = match output {
            Err(error) if crate::error::is_not_found(&error) => return Ok(()),
            other => other?,
        };
        match output.unsuccessful().first().and_then(|u| u.error()) {
            Some(error) if error.code().is_some_and(|c| c.ends_with("NotFound")) => Ok(()),
            Some(error) => {
                let message = format!(
                    "deleting flow log {id}: {}",
                    error.message().unwrap_or("unsuccessful")
                );
                Err(match error.code() {
                    Some(code) => ProviderError::with_code(code, message),
                    None => ProviderError::new(message),
                })
            }
            None => Ok(()),
        }
    }
}

/// What the describe answer left out (moto never returns these) is kept from `prior`.
fn keep_unreported(prior: &Value, value: &mut Value) {
    let Some(entries) = value.map_mut() else {
        return;
    };
    if entries.get("deliver_cross_account_role").is_none_or(Value::is_null) {
        entries.insert(
            "deliver_cross_account_role".into(),
            prior.get("deliver_cross_account_role").clone(),
        );
    }
    let no_options = entries
        .get("destination_options")
        .and_then(Value::as_list)
        .is_none_or(|items| items.is_empty());
    if no_options && prior.get("destination_options").is_wholly_known() {
        let options = match prior.get("destination_options") {
            Value::Null => Value::List(Vec::new()),
            other => other.clone(),
        };
        entries.insert("destination_options".into(), options);
    }
}

/// The single target attribute set in `config` and its value, or the problem (attribute and
/// message) with the set of targets.
fn target(config: &Value) -> Result<(&'static str, Option<String>), (String, String)> {
    let set: Vec<&'static str> =
        TARGETS.iter().map(|(name, _)| *name).filter(|name| !config.get(name).is_null()).collect();
    match set.as_slice() {
        [name] => Ok((name, string_attribute(config, name))),
        _ => Err((
            "vpc_id".to_string(),
            "exactly one of eni_id, subnet_id, transit_gateway_id, transit_gateway_attachment_id or vpc_id must be set.".to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_ids_name_their_attribute() {
        assert_eq!(target_attribute("vpc-1"), "vpc_id");
        assert_eq!(target_attribute("subnet-1"), "subnet_id");
        assert_eq!(target_attribute("eni-1"), "eni_id");
        assert_eq!(target_attribute("tgw-attach-1"), "transit_gateway_attachment_id");
        assert_eq!(target_attribute("tgw-1"), "transit_gateway_id");
    }

    #[test]
    fn exactly_one_target() {
        let two = Value::map([
            ("vpc_id", Value::string("vpc-1")),
            ("subnet_id", Value::string("subnet-1")),
        ]);
        assert!(target(&two).is_err());
        assert!(target(&Value::map([("eni_id", Value::string("eni-1"))])).is_ok());
    }
}
