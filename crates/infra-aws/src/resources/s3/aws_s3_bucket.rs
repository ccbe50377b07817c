//! `aws_s3_bucket`: an S3 bucket, with the provider v6 schema. The bucket's settings are the
//! split resources (`aws_s3_bucket_versioning`, `_policy`, `_public_access_block`, ...). Of the
//! inline arguments and blocks provider v5 still accepted, which v6 keeps deprecated, `acl` is
//! taken as the provider takes it (a canned ACL sent with CreateBucket, `private` when unset;
//! PutBucketAcl when it changes; never read back, so kept as configured; "Argument is
//! deprecated" where set). The others (`versioning`, `policy`, `lifecycle_rule`, `grant`, ...)
//! are not supported ([`SPLIT_OFF`], [`Schema::not_supported`]): every object holds them as the
//! provider stores them unset (a Terraform state's values are kept), and setting one is a
//! located error naming the resource that replaces it. So is `bucket_namespace`;
//! `website_domain` and `website_endpoint` are stored null, as for a bucket without a website.
//!
//! The ID is the bucket name (also the import ID). `bucket`, `bucket_prefix` and
//! `object_lock_enabled` force a new bucket; tags change with PutBucketTagging /
//! DeleteBucketTagging. `force_destroy` (configuration only) empties the bucket first, every
//! object version and delete marker of a versioned bucket included. Refresh is HeadBucket,
//! GetBucketTagging and GetObjectLockConfiguration per bucket: S3 has no batched describe.
//!
//! moto holds and returns everything this type reads, so drift on each is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLocationConstraint, CreateBucketConfiguration, ObjectLockEnabled, Tag,
    Tagging,
};
use infra_core::{
    Attribute, Check, Nesting, Operation, ProviderError, ResourceType, Schema, Shape, Type, Value,
};

use crate::app_support::{boolean, has_managed_tags, known, non_empty, set_tags, string, text};
use crate::clients::partition_of;
use crate::declared::read_in_turn;
use crate::error::aws_error;
use crate::s3_support::{bucket_call, dns_suffix, empty_bucket, hosted_zone_id, is_gone};
use crate::tagging::{ManagedTags, WithTags};
use crate::{create_memo, Aws};

/// The inline settings of provider v5's bucket, deprecated in v6, with the resource that
/// replaces each, as `(argument, its shape, why it is not supported)`.
const SPLIT_OFF: &[(&str, Shape, &str)] = &[
    (
        "acceleration_status",
        Shape::Attribute(Type::String),
        "manage it with the aws_s3_bucket_accelerate_configuration resource",
    ),
    (
        "grant",
        Shape::Block(Nesting::Set),
        "manage it with the aws_s3_bucket_acl resource",
    ),
    (
        "cors_rule",
        Shape::Block(Nesting::List),
        "manage it with the aws_s3_bucket_cors_configuration resource",
    ),
    (
        "lifecycle_rule",
        Shape::Block(Nesting::List),
        "manage it with the aws_s3_bucket_lifecycle_configuration resource",
    ),
    (
        "logging",
        Shape::Block(Nesting::List),
        "manage it with the aws_s3_bucket_logging resource",
    ),
    (
        "object_lock_configuration",
        Shape::Block(Nesting::List),
        "manage it with the aws_s3_bucket_object_lock_configuration resource",
    ),
    (
        "policy",
        Shape::Attribute(Type::String),
        "manage it with the aws_s3_bucket_policy resource",
    ),
    (
        "replication_configuration",
        Shape::Block(Nesting::List),
        "manage it with the aws_s3_bucket_replication_configuration resource",
    ),
    (
        "request_payer",
        Shape::Attribute(Type::String),
        "manage it with the aws_s3_bucket_request_payment_configuration resource",
    ),
    (
        "server_side_encryption_configuration",
        Shape::Block(Nesting::List),
        "manage it with the aws_s3_bucket_server_side_encryption_configuration resource",
    ),
    (
        "versioning",
        Shape::Block(Nesting::List),
        "manage it with the aws_s3_bucket_versioning resource",
    ),
    (
        "website",
        Shape::Block(Nesting::List),
        "manage it with the aws_s3_bucket_website_configuration resource",
    ),
];

/// The canned ACLs that apply to a bucket (the provider's list for `acl`; S3's canned ACL
/// table: the others apply to objects only).
const CANNED_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "aws-exec-read",
    "authenticated-read",
    "log-delivery-write",
];

pub struct AwsS3Bucket {
    aws: Arc<Aws>,
    schema: Schema,
}

struct Found {
    region: String,
    tags: Vec<(String, String)>,
    object_lock: bool,
}

impl AwsS3Bucket {
    pub fn new(aws: Arc<Aws>) -> AwsS3Bucket {
        let schema = Schema::new()
            .timeouts(&["create", "read", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("bucket", Type::String).force_new())
            .attr(Attribute::optional_computed("bucket_prefix", Type::String).force_new())
            .attr(Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)))
            .attr(Attribute::optional_computed("object_lock_enabled", Type::Bool).force_new())
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("bucket_domain_name", Type::String))
            .attr(Attribute::computed(
                "bucket_regional_domain_name",
                Type::String,
            ))
            .attr(Attribute::computed("bucket_region", Type::String))
            .attr(Attribute::computed("hosted_zone_id", Type::String))
            // Of the website configuration, which infra does not read: null.
            .attr(Attribute::computed("website_domain", Type::String))
            .attr(Attribute::computed("website_endpoint", Type::String))
            .not_supported(
                "bucket_namespace",
                Type::String,
                "infra makes buckets in the global namespace",
            )
            .attr(
                Attribute::optional_computed("acl", Type::String)
                    .check(Check::OneOf(CANNED_ACLS))
                    .deprecated("acl is deprecated. Use the aws_s3_bucket_acl resource instead."),
            );
        let schema = SPLIT_OFF
            .iter()
            .fold(schema, |schema, (name, shape, why)| {
                schema.not_supported(name, shape.clone(), why)
            })
            .with_tags();
        AwsS3Bucket { aws, schema }
    }

    async fn find(&self, bucket: &str) -> Result<Option<Found>, ProviderError> {
        let client = &self.aws.clients().await.s3;
        let head = match bucket_call!(client, head_bucket(bucket)) {
            Ok(head) => head,
            Err(error) if is_gone(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        let region = head
            .bucket_region()
            .map(str::to_string)
            .unwrap_or_else(|| self_region_placeholder());
        let tags = match bucket_call!(client, get_bucket_tagging(bucket)) {
            Ok(output) => output
                .tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
            Err(error) if error.code.as_deref() == Some("NoSuchTagSet") => vec![],
            Err(error) if is_gone(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        let object_lock = match bucket_call!(client, get_object_lock_configuration(bucket)) {
            Ok(output) => {
                output
                    .object_lock_configuration()
                    .and_then(|c| c.object_lock_enabled())
                    == Some(&ObjectLockEnabled::Enabled)
            }
            Err(error) if error.code.as_deref() == Some("ObjectLockConfigurationNotFoundError") => {
                false
            }
            Err(error) if is_gone(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        Ok(Some(Found {
            region,
            tags,
            object_lock,
        }))
    }

    async fn read(&self, bucket: &str, hint: &Value) -> Result<Option<Value>, ProviderError> {
        let region = self.aws.clients().await.region.clone();
        Ok(self.find(bucket).await?.map(|mut found| {
            if found.region.is_empty() {
                found.region = region;
            }
            to_value(bucket, &found, hint)
        }))
    }

    async fn put_tags(
        &self,
        bucket: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.s3;
        if tags.is_empty() {
            bucket_call!(client, delete_bucket_tagging(bucket))?;
            return Ok(());
        }
        let tag_set = tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ProviderError::new(e.to_string()))?;
        bucket_call!(
            client,
            put_bucket_tagging(bucket).tagging(
                Tagging::builder()
                    .set_tag_set(Some(tag_set))
                    .build()
                    .map_err(|e| ProviderError::new(e.to_string()))?,
            )
        )?;
        Ok(())
    }
}

/// HeadBucket always names the region on AWS; an empty one is filled in by [`AwsS3Bucket::read`].
fn self_region_placeholder() -> String {
    String::new()
}

fn to_value(bucket: &str, found: &Found, hint: &Value) -> Value {
    let region = found.region.as_str();
    let suffix = dns_suffix(region);
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(bucket));
    object.insert("bucket".to_string(), Value::string(bucket));
    object.insert(
        "bucket_prefix".to_string(),
        match known(hint, "bucket_prefix") {
            Value::Null => text(generated_prefix(bucket)),
            prefix => prefix,
        },
    );
    object.insert(
        "force_destroy".to_string(),
        Value::Bool(boolean(hint, "force_destroy").unwrap_or(false)),
    );
    object.insert(
        "object_lock_enabled".to_string(),
        Value::Bool(found.object_lock),
    );
    object.insert(
        "arn".to_string(),
        Value::string(format!("arn:{}:s3:::{bucket}", partition_of(region))),
    );
    object.insert(
        "bucket_domain_name".to_string(),
        Value::string(format!("{bucket}.s3.{suffix}")),
    );
    object.insert(
        "bucket_regional_domain_name".to_string(),
        Value::string(format!("{bucket}.s3.{region}.{suffix}")),
    );
    object.insert("bucket_region".to_string(), Value::string(region));
    object.insert("hosted_zone_id".to_string(), text(hosted_zone_id(region)));
    // S3 reports grants, not the canned ACL they came from: kept as configured.
    object.insert("acl".to_string(), known(hint, "acl"));
    object.insert("website_domain".to_string(), Value::Null);
    object.insert("website_endpoint".to_string(), Value::Null);
    set_tags(
        &mut object,
        found.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

/// The prefix of a generated name (`prefix` + 26 digits), as the provider derives
/// `bucket_prefix` on import.
fn generated_prefix(name: &str) -> Option<&str> {
    let split = name.len().checked_sub(26)?;
    let (prefix, suffix) = (name.get(..split)?, name.get(split..)?);
    suffix.bytes().all(|b| b.is_ascii_digit()).then_some(prefix)
}

/// Whether `name` is one [`bucket_name`] generated: `bucket_prefix` (or `terraform-`, when
/// neither it nor `bucket` was configured) and 26 digits.
fn is_generated(planned: &Value, name: &str) -> bool {
    let prefix = non_empty(planned, "bucket_prefix").unwrap_or_else(|| "terraform-".into());
    generated_prefix(name) == Some(prefix.as_str())
}

/// The name a create uses: `bucket`, else `bucket_prefix` (or `terraform-`) plus 26 digits.
/// The same for every call of one operation ([`name_for_create`]).
fn bucket_name(operation: &Operation, planned: &Value) -> String {
    crate::ec2_support::name_for_create(
        operation,
        planned,
        ["bucket", "bucket_prefix"],
        "terraform-",
    )
}

/// S3's general-purpose bucket naming rules.
fn name_problem(name: &str, max: usize) -> Option<String> {
    if name.len() > max {
        return Some(format!("\"{name}\": must be at most {max} characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Some(format!(
            "\"{name}\": only lowercase alphanumeric characters, periods and hyphens are allowed"
        ));
    }
    None
}

#[async_trait::async_trait]
impl ResourceType for AwsS3Bucket {
    fn name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !config.get("bucket").is_null() && !config.get("bucket_prefix").is_null() {
            problems.push((
                "bucket_prefix".to_string(),
                "\"bucket_prefix\": conflicts with bucket".to_string(),
            ));
        }
        if let Some(name) = config.get("bucket").as_str() {
            let short = name.len() < 3;
            if let Some(problem) = name_problem(name, 63)
                .or_else(|| short.then(|| format!("\"{name}\": must be at least 3 characters")))
            {
                problems.push(("bucket".to_string(), problem));
            }
        }
        if let Some(prefix) = config.get("bucket_prefix").as_str() {
            if let Some(problem) = name_problem(prefix, 37) {
                problems.push(("bucket_prefix".to_string(), problem));
            }
        }
        problems
    }

    /// The generated `bucket` goes into the create's pending entry.
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        crate::ec2_support::with_name_for_create(
            operation,
            planned,
            ["bucket", "bucket_prefix"],
            "terraform-",
        )
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let clients = self.aws.clients().await;
        let client = &clients.s3;
        let bucket = bucket_name(operation, planned);
        let region = clients.region.clone();
        // The provider sends a canned ACL with every create, `private` when none is set.
        let acl = string(planned, "acl").unwrap_or_else(|| "private".to_string());
        let mut request = client
            .create_bucket()
            .bucket(&bucket)
            .acl(BucketCannedAcl::from(acl.as_str()));
        if region != "us-east-1" {
            request = request.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region.as_str()))
                    .build(),
            );
        }
        if boolean(planned, "object_lock_enabled") == Some(true) {
            request = request.object_lock_enabled_for_bucket(true);
        }
        // Its tags come after CreateBucket, so a configured bucket whose create answer was
        // lost is found by having been absent before the first send (`find_created`).
        if !is_generated(planned, &bucket) && !create_memo::recorded(operation) {
            let absent = matches!(
                client.head_bucket().bucket(&bucket).send().await.map_err(aws_error),
                Err(error) if is_gone(&error)
            );
            create_memo::record(operation, (!absent).then(|| bucket.clone()));
        }
        request.send().await.map_err(aws_error)?;
        self.put_tags(&bucket, &operation.tags_with_managed(planned))
            .await?;
        self.read(&bucket, planned)
            .await?
            .ok_or_else(|| crate::app_support::vanished("S3 bucket", &bucket))
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let bucket = string(prior, "bucket")
            .ok_or_else(|| ProviderError::new("aws_s3_bucket has no name in state"))?;
        if crate::app_support::changed(prior, planned, "acl") {
            if let Some(acl) = string(planned, "acl") {
                let client = &self.aws.clients().await.s3;
                bucket_call!(
                    client,
                    put_bucket_acl(&bucket).acl(BucketCannedAcl::from(acl.as_str()))
                )?;
            }
        }
        let (to_set, to_remove) = crate::app_support::tag_changes(prior, planned);
        if !to_set.is_empty() || !to_remove.is_empty() {
            // S3 replaces the whole tag set; the managed tags stay in it.
            self.put_tags(&bucket, &operation.tags_with_managed(planned))
                .await?;
        }
        self.read(&bucket, planned)
            .await?
            .ok_or_else(|| crate::app_support::vanished("S3 bucket", &bucket))
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.s3;
        let Some(bucket) = string(prior, "bucket").or_else(|| string(prior, "id")) else {
            return Ok(());
        };
        if boolean(prior, "force_destroy") == Some(true) {
            empty_bucket(client, &bucket).await?;
        }
        match client.delete_bucket().bucket(&bucket).send().await.map_err(aws_error) {
            Ok(_) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) if error.code.as_deref() == Some("BucketNotEmpty") => {
                Err(ProviderError::with_code(
                    "BucketNotEmpty",
                    format!("deleting S3 bucket ({bucket}): {} (set force_destroy = true to delete its objects with it)", error.message),
                ))
            }
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_in_turn(prior, &["bucket", "id"], |bucket, p| async move {
            self.read(&bucket, p).await
        })
        .await
    }

    /// Terraform's import ID: the bucket name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("bucket", id))
    }

    /// A configured `bucket` is adopted when it carries this address's managed tags, or when
    /// this run's create saw it absent before its first send (`create_memo`). A
    /// generated name is the one this create's operation made and journaled
    /// (`with_generated_names`), globally unique, so a bucket of that name is the one the lost
    /// or interrupted create made, tagged or not (its tags come after CreateBucket, and the
    /// adoption's update puts them). Otherwise buckets of `bucket_prefix` with the managed
    /// tags are looked for.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let name = bucket_name(operation, planned);
        let made_by_this_create = is_generated(planned, &name)
            || create_memo::made_since_first_send(operation, [name.as_str()])
                .is_some_and(|made| !made.is_empty());
        if made_by_this_create && self.find(&name).await?.is_some() {
            return self.read(&name, planned).await;
        }
        let client = &self.aws.clients().await.s3;
        let names = match non_empty(planned, "bucket") {
            Some(name) => vec![name],
            None => {
                let prefix =
                    non_empty(planned, "bucket_prefix").unwrap_or_else(|| "terraform-".into());
                let listed = client.list_buckets().send().await.map_err(aws_error)?;
                listed
                    .buckets()
                    .iter()
                    .filter_map(|b| b.name())
                    .filter(|n| n.starts_with(&prefix))
                    .map(str::to_string)
                    .collect()
            }
        };
        for name in names {
            if let Some(found) = self.find(&name).await? {
                if has_managed_tags(&found.tags, operation) {
                    return self.read(&name, planned).await;
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket() -> AwsS3Bucket {
        AwsS3Bucket::new(Aws::new(crate::ProviderSettings::default()))
    }

    #[test]
    fn v5_inline_settings_are_located_errors() {
        let problems = bucket().schema().validate(&Value::map([
            ("bucket", Value::string("logs")),
            ("policy", Value::string("{}")),
            (
                "versioning",
                Value::List(vec![Value::map([("enabled", Value::Bool(true))])]),
            ),
        ]));
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["policy", "versioning"]);
        assert!(problems[1].1.contains("aws_s3_bucket_versioning"));
        let unset = Value::map([
            ("bucket", Value::string("logs")),
            ("versioning", Value::List(vec![])),
        ]);
        assert_eq!(bucket().schema().validate(&unset), vec![]);
    }

    /// `acl` is taken, deprecated, as one of the canned ACLs that apply to a bucket.
    #[test]
    fn acl_is_a_deprecated_canned_acl() {
        let schema = bucket().schema().clone();
        let acl = schema.attribute("acl").expect("acl");
        assert_eq!(
            acl.deprecated,
            Some("acl is deprecated. Use the aws_s3_bucket_acl resource instead.")
        );
        assert!(acl.is_computed() && acl.not_supported.is_none());
        let with = |acl: &str| {
            schema.validate(&Value::map([
                ("bucket", Value::string("logs")),
                ("acl", Value::string(acl)),
            ]))
        };
        assert_eq!(with("log-delivery-write"), vec![]);
        assert_eq!(with("bucket-owner-full-control").len(), 1);
    }

    #[test]
    fn names_follow_the_naming_rules() {
        let problems = bucket().validate(&Value::map([("bucket", Value::string("Logs"))]));
        assert_eq!(problems[0].0, "bucket");
        let name = bucket_name(
            &Operation::default(),
            &Value::map([("bucket_prefix", Value::string("logs-"))]),
        );
        assert_eq!(generated_prefix(&name), Some("logs-"));
    }
}
