//! Where a new `aws_dynamodb_table` gets its items: a point-in-time restore of another table
//! (`restore_source_name` or `restore_source_table_arn`, with `restore_date_time` or
//! `restore_to_latest_time`) or an import of S3 data (`import_table`). Neither is read back (AWS
//! does not report a table's origin); both are kept as configured, as in the provider. The
//! schema is the provider's: `restore_date_time`, `restore_to_latest_time` and
//! `import_table.s3_bucket_source` force a new table; the two restore sources and the rest of
//! `import_table` change nothing on an existing table.
//!
//! The requests are the provider's: RestoreTableToPointInTime with the table's billing mode,
//! capacities (when both are set), indexes and encryption as overrides; ImportTable with the
//! table's keys, attributes, billing, capacities, encryption, GSIs and on-demand throughput as
//! its creation parameters, then DescribeImport until the import is COMPLETED. Neither call
//! takes tags or the table's other settings: `aws_dynamodb_table.rs` tags the new table at once
//! and then updates it to the rest of its configuration.
//!
//! moto 5.2.5 restores by `SourceTableName` only (a restore by ARN fails there) and ignores the
//! restore time and the overrides; it imports `DYNAMODB_JSON` only, without
//! `input_format_options`. The requests for the rest are shown by unit tests.

use aws_sdk_dynamodb::operation::import_table::builders::ImportTableFluentBuilder;
use aws_sdk_dynamodb::operation::restore_table_to_point_in_time::builders::RestoreTableToPointInTimeFluentBuilder;
use aws_sdk_dynamodb::types::{
    CsvOptions, ImportStatus, InputCompressionType, InputFormat, InputFormatOptions, S3BucketSource,
};
use aws_sdk_dynamodb::Client;
use aws_smithy_types::date_time::{DateTime, Format};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{boolean, known, non_empty, sent, single, strings, wait_for};
use crate::declared::{from_prior, not_supported, read_block, Declared, Reading};
use crate::error::built;
use crate::verify::ARN;

/// The arguments this file owns, at their place in the table's declaration. AWS does not
/// report a table's origin: each reads back as the prior or planned value holds it.
pub(super) fn arguments<Item>() -> Vec<Declared<Item>> {
    let csv = Schema::new()
        .attr(Attribute::optional("delimiter", Type::String))
        .attr(Attribute::optional("header_list", Type::set(Type::String)));
    let format_options = Schema::new().block(Block::single("csv", csv));
    let bucket = Schema::new()
        .attr(Attribute::required("bucket", Type::String))
        .attr(Attribute::optional("bucket_owner", Type::String))
        .attr(Attribute::optional("key_prefix", Type::String));
    let import = Schema::new()
        .attr(
            Attribute::optional("input_compression_type", Type::String)
                .check(Check::OneOf(&["GZIP", "ZSTD", "NONE"])),
        )
        .attr(Attribute::required("input_format", Type::String).check(Check::OneOf(&[
            "CSV",
            "DYNAMODB_JSON",
            "ION",
        ])))
        .block(Block::single("input_format_options", format_options))
        .block(Block::single("s3_bucket_source", bucket).required().force_new());
    vec![
        from_prior(Attribute::optional("restore_date_time", Type::String).force_new()),
        from_prior(
            Attribute::optional("restore_source_name", Type::String)
                .conflicts_with(&["import_table", "restore_source_table_arn"]),
        ),
        from_prior(
            Attribute::optional("restore_source_table_arn", Type::String)
                .check(ARN)
                .conflicts_with(&["import_table", "restore_source_name"]),
        ),
        from_prior(Attribute::optional("restore_to_latest_time", Type::Bool).force_new()),
        not_supported(
            "restore_backup_arn",
            Type::String,
            "restore from a point in time (`restore_source_table_arn`) instead",
        ),
        read_block(
            Block::single("import_table", import)
                .conflicts_with(&["restore_source_name", "restore_source_table_arn"]),
            |_, at: &Reading| known(at.prior, "import_table"),
        ),
    ]
}

/// How a new table is made.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    /// CreateTable.
    Empty,
    /// RestoreTableToPointInTime from the table of that name or ARN.
    Restore,
    /// ImportTable of this `import_table` block.
    Import(&'a Value),
}

pub(super) fn source_of(planned: &Value) -> Source<'_> {
    if non_empty(planned, "restore_source_name").is_some()
        || non_empty(planned, "restore_source_table_arn").is_some()
    {
        Source::Restore
    } else if let Some(import) = single(planned, "import_table") {
        Source::Import(import)
    } else {
        Source::Empty
    }
}

/// The provider's check of `restore_date_time`, in its wording (its conflicts are declared).
pub(super) fn validate(config: &Value, problems: &mut Vec<(String, String)>) {
    if let Some(text) = non_empty(config, "restore_date_time") {
        if parse_time(&text).is_none() {
            problems.push((
                "restore_date_time".to_string(),
                format!("\"restore_date_time\" must be in RFC3339 time format, got \"{text}\""),
            ));
        }
    }
}

fn parse_time(text: &str) -> Option<DateTime> {
    DateTime::from_str(text, Format::DateTime)
        .or_else(|_| DateTime::from_str(text, Format::DateTimeWithOffset))
        .ok()
}

/// RestoreTableToPointInTime's source and time; the caller adds the overrides.
pub(super) fn restore_request(
    client: &Client,
    name: &str,
    planned: &Value,
) -> Result<RestoreTableToPointInTimeFluentBuilder, ProviderError> {
    let restore_time = match non_empty(planned, "restore_date_time") {
        Some(text) => Some(parse_time(&text).ok_or_else(|| {
            ProviderError::new(format!(
                "\"restore_date_time\" must be in RFC3339 time format, got \"{text}\""
            ))
        })?),
        None => None,
    };
    Ok(client
        .restore_table_to_point_in_time()
        .target_table_name(name)
        .set_source_table_name(non_empty(planned, "restore_source_name"))
        .set_source_table_arn(non_empty(planned, "restore_source_table_arn"))
        .set_restore_date_time(restore_time)
        .set_use_latest_restorable_time(boolean(planned, "restore_to_latest_time")))
}

/// ImportTable of the `import_table` block; the caller adds the table's creation parameters.
pub(super) fn import_request(
    client: &Client,
    import: &Value,
    client_token: String,
) -> Result<ImportTableFluentBuilder, ProviderError> {
    let bucket = single(import, "s3_bucket_source")
        .ok_or_else(|| ProviderError::new("import_table needs an s3_bucket_source block"))?;
    let source = built(
        S3BucketSource::builder()
            .set_s3_bucket(non_empty(bucket, "bucket"))
            .set_s3_bucket_owner(non_empty(bucket, "bucket_owner"))
            .set_s3_key_prefix(non_empty(bucket, "key_prefix"))
            .build(),
    )?;
    let csv = single(import, "input_format_options")
        .and_then(|options| single(options, "csv"))
        .map(|csv| {
            let headers = strings(csv, "header_list");
            InputFormatOptions::builder()
                .csv(
                    CsvOptions::builder()
                        .set_delimiter(non_empty(csv, "delimiter"))
                        .set_header_list((!headers.is_empty()).then_some(headers))
                        .build(),
                )
                .build()
        });
    Ok(client
        .import_table()
        .client_token(client_token)
        .s3_bucket_source(source)
        .set_input_format(non_empty(import, "input_format").map(|f| InputFormat::from(f.as_str())))
        .set_input_compression_type(
            non_empty(import, "input_compression_type")
                .map(|c| InputCompressionType::from(c.as_str())),
        )
        .set_input_format_options(csv))
}

/// Waits for the import to be COMPLETED; a FAILED or CANCELLED import is an error with AWS's
/// reason.
pub(super) async fn wait_import_completed(
    client: &Client,
    import_arn: &str,
    timeout: std::time::Duration,
) -> Result<(), ProviderError> {
    wait_for(&format!("DynamoDB import ({import_arn}) to be COMPLETED"), timeout, || async move {
        let output = sent!(client.describe_import().import_arn(import_arn))?;
        let description = output.import_table_description();
        match description.and_then(|d| d.import_status()) {
            Some(ImportStatus::Completed) => Ok(Some(())),
            Some(status @ (ImportStatus::Failed | ImportStatus::Cancelled)) => {
                let code = description.and_then(|d| d.failure_code()).unwrap_or("");
                let message = description.and_then(|d| d.failure_message()).unwrap_or("");
                Err(ProviderError::new(format!(
                    "import {import_arn} ended {}: {code} {message}",
                    status.as_str()
                )))
            }
            _ => Ok(None),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .build();
        Client::from_conf(config)
    }

    /// The problems of these arguments: their declarations' (checks and conflicts), then
    /// [`validate`]'s.
    fn problems(config: Value) -> Vec<(String, String)> {
        let declared = arguments::<()>().into_iter().fold(Schema::new(), |schema, argument| {
            match argument.field {
                crate::declared::Field::Attribute(attribute) => schema.attr(attribute),
                crate::declared::Field::Block(block) => schema.block(block),
            }
        });
        let mut problems = declared.validate(&config);
        validate(&config, &mut problems);
        problems
    }

    #[test]
    fn the_sources_conflict_as_the_provider_says() {
        let found = problems(Value::map([
            ("restore_source_name", Value::string("orders")),
            (
                "restore_source_table_arn",
                Value::string("arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
            ),
        ]));
        assert_eq!(
            found,
            vec![
                (
                    "restore_source_name".to_string(),
                    "\"restore_source_name\": conflicts with restore_source_table_arn".to_string()
                ),
                (
                    "restore_source_table_arn".to_string(),
                    "\"restore_source_table_arn\": conflicts with restore_source_name".to_string()
                ),
            ]
        );
        let found = problems(Value::map([
            ("restore_source_table_arn", Value::string("orders")),
            ("restore_date_time", Value::string("yesterday")),
        ]));
        // The declaration's ARN check (`verify::ARN`), then this file's time check.
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].1.contains("is an invalid ARN"), "{found:?}");
        assert!(found[1].1.contains("RFC3339"), "{found:?}");
        assert!(problems(Value::map([(
            "restore_date_time",
            Value::string("2026-11-20T10:00:00Z")
        )]))
        .is_empty());
    }

    #[test]
    fn a_restore_by_arn_at_a_time_sends_both() {
        let planned = Value::map([
            (
                "restore_source_table_arn",
                Value::string("arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
            ),
            ("restore_date_time", Value::string("2026-11-20T10:00:00Z")),
        ]);
        let request = restore_request(&client(), "orders-copy", &planned).unwrap();
        let input = request.as_input();
        assert_eq!(input.get_target_table_name().as_deref(), Some("orders-copy"));
        assert_eq!(
            input.get_source_table_arn().as_deref(),
            Some("arn:aws:dynamodb:us-east-1:123456789012:table/orders")
        );
        assert_eq!(input.get_source_table_name(), &None);
        assert_eq!(
            input.get_restore_date_time().map(|t| t.secs()),
            Some(parse_time("2026-11-20T10:00:00Z").unwrap().secs())
        );
        assert_eq!(input.get_use_latest_restorable_time(), &None);
    }

    #[test]
    fn an_import_sends_the_csv_options_and_the_bucket() {
        let import = Value::map([
            ("input_format", Value::string("CSV")),
            ("input_compression_type", Value::string("GZIP")),
            (
                "input_format_options",
                Value::List(vec![Value::map([(
                    "csv",
                    Value::List(vec![Value::map([
                        ("delimiter", Value::string(";")),
                        (
                            "header_list",
                            Value::List(vec![Value::string("pk"), Value::string("sk")]),
                        ),
                    ])]),
                )])]),
            ),
            (
                "s3_bucket_source",
                Value::List(vec![Value::map([
                    ("bucket", Value::string("exports")),
                    ("bucket_owner", Value::string("123456789012")),
                    ("key_prefix", Value::string("orders/")),
                ])]),
            ),
        ]);
        let request = import_request(&client(), &import, "token".to_string()).unwrap();
        let input = request.as_input();
        assert_eq!(input.get_client_token().as_deref(), Some("token"));
        assert_eq!(input.get_input_format(), &Some(InputFormat::Csv));
        assert_eq!(input.get_input_compression_type(), &Some(InputCompressionType::Gzip));
        let csv = input.get_input_format_options().as_ref().and_then(|o| o.csv()).unwrap();
        assert_eq!(csv.delimiter(), Some(";"));
        assert_eq!(csv.header_list(), ["pk".to_string(), "sk".to_string()]);
        let source = input.get_s3_bucket_source().as_ref().unwrap();
        assert_eq!(source.s3_bucket(), "exports");
        assert_eq!(source.s3_bucket_owner(), Some("123456789012"));
        assert_eq!(source.s3_key_prefix(), Some("orders/"));
    }
}
