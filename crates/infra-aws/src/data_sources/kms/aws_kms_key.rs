//! `aws_kms_key` (data source): a KMS key's metadata by key ID, key ARN, alias name or alias
//! ARN (DescribeKey).

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{number, sent, string_list, strings, text};
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsKmsKey = LookupType<KmsKeyLookup>;

pub struct KmsKeyLookup;

impl Lookup for KmsKeyLookup {
    const NAME: &'static str = "aws_kms_key";

    fn schema() -> Schema {
        let mut schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("key_id", Type::String))
            .attr(Attribute::optional("grant_tokens", Type::list(Type::String)));
        for name in [
            "arn",
            "aws_account_id",
            "cloud_hsm_cluster_id",
            "creation_date",
            "custom_key_store_id",
            "customer_master_key_spec",
            "deletion_date",
            "description",
            "expiration_model",
            "key_manager",
            "key_spec",
            "key_state",
            "key_usage",
            "origin",
            "valid_to",
        ] {
            schema = schema.attr(Attribute::computed(name, Type::String));
        }
        schema = schema
            .attr(Attribute::computed("enabled", Type::Bool))
            .attr(Attribute::computed("multi_region", Type::Bool))
            .attr(Attribute::computed("pending_deletion_window_in_days", Type::Number))
            .attr(Attribute::computed("encryption_algorithms", Type::list(Type::String)))
            .attr(Attribute::computed("signing_algorithms", Type::list(Type::String)))
            .attr(Attribute::computed("multi_region_configuration", Type::list(Type::Any)))
            .attr(Attribute::computed("xks_key_configuration", Type::list(Type::Any)));
        schema
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.kms;
        let key_id = config
            .get("key_id")
            .as_str()
            .ok_or_else(|| ProviderError::new("aws_kms_key: key_id is required"))?;
        let grants = strings(config, "grant_tokens");
        let output = sent!(client
            .describe_key()
            .key_id(key_id)
            .set_grant_tokens((!grants.is_empty()).then_some(grants)))?;
        let key = output
            .key_metadata()
            .ok_or_else(|| ProviderError::new(format!("KMS key {key_id} not found")))?;
        let date =
            |d: Option<&aws_smithy_types::DateTime>| text(d.map(|d| d.to_string()).as_deref());
        let regions = |keys: &[aws_sdk_kms::types::MultiRegionKey]| {
            Value::List(
                keys.iter()
                    .map(|k| Value::map([("arn", text(k.arn())), ("region", text(k.region()))]))
                    .collect(),
            )
        };
        Ok(with_found(
            config,
            [
                ("id", Value::string(key.key_id())),
                ("arn", text(key.arn())),
                ("aws_account_id", text(key.aws_account_id())),
                ("cloud_hsm_cluster_id", text(key.cloud_hsm_cluster_id())),
                ("creation_date", date(key.creation_date())),
                ("custom_key_store_id", text(key.custom_key_store_id())),
                ("customer_master_key_spec", text(key.key_spec().map(|s| s.as_str()))),
                ("key_spec", text(key.key_spec().map(|s| s.as_str()))),
                ("deletion_date", date(key.deletion_date())),
                ("description", text(key.description())),
                ("expiration_model", text(key.expiration_model().map(|m| m.as_str()))),
                ("key_manager", text(key.key_manager().map(|m| m.as_str()))),
                ("key_state", text(key.key_state().map(|s| s.as_str()))),
                ("key_usage", text(key.key_usage().map(|u| u.as_str()))),
                ("origin", text(key.origin().map(|o| o.as_str()))),
                ("valid_to", date(key.valid_to())),
                ("enabled", Value::Bool(key.enabled())),
                ("multi_region", Value::Bool(key.multi_region().unwrap_or(false))),
                (
                    "pending_deletion_window_in_days",
                    number(key.pending_deletion_window_in_days().map(i64::from)),
                ),
                (
                    "encryption_algorithms",
                    string_list(key.encryption_algorithms().iter().map(|a| a.as_str())),
                ),
                (
                    "signing_algorithms",
                    string_list(key.signing_algorithms().iter().map(|a| a.as_str())),
                ),
                (
                    "multi_region_configuration",
                    Value::List(
                        key.multi_region_configuration()
                            .map(|c| {
                                Value::map([
                                    (
                                        "multi_region_key_type",
                                        text(c.multi_region_key_type().map(|t| t.as_str())),
                                    ),
                                    (
                                        "primary_key",
                                        regions(
                                            c.primary_key()
                                                .map(std::slice::from_ref)
                                                .unwrap_or(&[]),
                                        ),
                                    ),
                                    ("replica_keys", regions(c.replica_keys())),
                                ])
                            })
                            .into_iter()
                            .collect(),
                    ),
                ),
                (
                    "xks_key_configuration",
                    Value::List(
                        key.xks_key_configuration()
                            .map(|x| Value::map([("id", text(x.id()))]))
                            .into_iter()
                            .collect(),
                    ),
                ),
            ],
        ))
    }
}
