//! `aws_s3_bucket`: an S3 bucket, with the provider v6 schema. The bucket's settings are the
//! split resources (`aws_s3_bucket_versioning`, `_policy`, `_public_access_block`, ...). Of the
//! inline arguments and blocks provider v5 still accepted, which v6 keeps deprecated, infra
//! takes these as the provider takes them:
//! - `acl`: a canned ACL sent with CreateBucket, `private` when unset; PutBucketAcl when it
//!   changes; never read back (S3 reports grants), so kept as configured.
//! - `policy`, `cors_rule`, `website`, `versioning`, `grant` (ConflictsWith `acl`), `logging`,
//!   `lifecycle_rule` (provider v3's shape, converted to and from
//!   `aws_s3_bucket_lifecycle_configuration`'s rule),
//!   `acceleration_status`, `request_payer`, `replication_configuration` (a role and a set
//!   of rules; S3's V2 rule schema for a rule with a `filter`, V1 for one without),
//!   `server_side_encryption_configuration` and `object_lock_configuration`:
//!   Optional+Computed, sent after CreateBucket when configured and when changed (a removed
//!   policy, CORS rule list, website, logging, lifecycle or encryption is deleted; no grants
//!   left puts the canned ACL back; `versioning` is sent on create only when something is
//!   enabled, as the provider expands it; a removed `acceleration_status` or `request_payer`
//!   keeps what S3 has, as Optional+Computed does; replication is refused unless the plan's
//!   `versioning` is enabled, as the provider refuses it, and sent again while S3 says the
//!   bucket is not versioned yet; Object Lock is enabled by CreateBucket and cannot be
//!   removed), in the provider's order (policy, CORS, website, versioning, ACL, grants,
//!   logging, lifecycle, acceleration, request payment, replication, encryption, Object Lock),
//!   and read on every refresh. A
//!   configuration that leaves one out keeps what S3 has (a split resource may manage it).
//!   The split resources' readers and writers do the requests where infra has the split
//!   resource ([`BucketConfig`]: the ACL's, the Object Lock configuration's, ...); the website
//!   requests are in `s3_support` for split types to share. The values are
//!   stored as the provider stores them, so a Terraform-written state reads unchanged:
//!   `policy = ""` when the bucket has none, `acceleration_status = ""` when acceleration was
//!   never set, `request_payer` S3's payer (`BucketOwner` by default), `versioning`
//!   always one object, `grant` every grant S3 reports (the owner's own included, as the
//!   provider reads it), an unset nested argument its zero value ([`zero_filled`]);
//!   `website_endpoint` and `website_domain` from the region when the bucket has a website,
//!   else as they were.
//!
//! "Argument is deprecated", with the provider's message, is warned where one of these is set
//! ([`Attribute::deprecated`], [`Block::deprecated`]). `bucket_namespace` is not supported
//! ([`Schema::not_supported`]): every object holds it as the provider stores it unset, and
//! setting it is a located error.
//!
//! The ID is the bucket name (also the import ID). `bucket`, `bucket_prefix` and
//! `object_lock_enabled` force a new bucket; tags change with PutBucketTagging /
//! DeleteBucketTagging. `force_destroy` (configuration only) empties the bucket first, every
//! object version and delete marker of a versioned bucket included.
//!
//! Refresh reads each bucket on its own (S3 has no batched describe; priors that name one
//! bucket share its read), 14 requests a bucket
//! (3 before the inline settings were taken, 9 before the ACL and the website, 11 before
//! acceleration, request payment and replication): HeadBucket, GetBucketTagging and
//! GetObjectLockConfiguration in turn, then GetBucketPolicy, GetBucketCors,
//! GetBucketVersioning, GetBucketLogging, GetBucketLifecycleConfiguration, GetBucketEncryption,
//! GetBucketAcl, GetBucketWebsite, GetBucketAccelerateConfiguration, GetBucketRequestPayment
//! and GetBucketReplication together. Each inline setting's own "none" answer
//! (NoSuchBucketPolicy, NoSuchCORSConfiguration, NoSuchWebsiteConfiguration,
//! NoSuchLifecycleConfiguration, ReplicationConfigurationNotFoundError,
//! ServerSideEncryptionConfigurationNotFoundError, ObjectLockConfigurationNotFoundError), and the MethodNotAllowed / NotImplemented of stores
//! without the API, read as none, as in the provider; so do UnsupportedArgument and
//! UnsupportedOperation for acceleration (regions and partitions without it), and outside the
//! aws and aws-us-gov partitions any Object Lock error.
//!
//! The bucket is declared on the [`AwsObject`] family, keyed by its name (`bucket`, else `id`):
//! each attribute with its reader over what a read gathers ([`Bucket`]); the family writes
//! refresh, import and the value read back after a write. The lost create's search is the
//! bucket's own ([`BucketObject::find_created`]).
//!
//! moto holds and returns everything this type reads but MFA delete (a unit test shows how
//! `mfa_delete` is read back), so drift on the rest is seen in tests.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_s3::types::{
    AccelerateConfiguration, AccessControlTranslation, BucketAccelerateStatus, BucketCannedAcl,
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination, EncryptionConfiguration,
    LifecycleExpiration, LifecycleRule, Metrics, MetricsStatus, MfaDelete, ObjectLockConfiguration,
    OwnerOverride, Payer, ReplicationConfiguration, ReplicationRule, ReplicationRuleAndOperator,
    ReplicationRuleFilter, ReplicationRuleStatus, ReplicationTime, ReplicationTimeStatus,
    ReplicationTimeValue, RequestPaymentConfiguration, SourceSelectionCriteria,
    SseKmsEncryptedObjects, SseKmsEncryptedObjectsStatus, StorageClass, Tag, Tagging,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use super::aws_s3_bucket_acl::{access_control_policy, Acl, PERMISSIONS};
use super::aws_s3_bucket_cors_configuration::Cors;
use super::aws_s3_bucket_lifecycle_configuration::{put_rules, rule, Lifecycle, STORAGE_CLASSES};
use super::aws_s3_bucket_logging::Logging;
use super::aws_s3_bucket_object_lock_configuration::{
    configuration as object_lock_configuration, ObjectLock,
};
use super::aws_s3_bucket_policy::Policy;
use super::aws_s3_bucket_server_side_encryption_configuration::{by_default_schema, Encryption};
use super::aws_s3_bucket_versioning::{put_versioning, Versioning};
use crate::app_support::{
    blocks, boolean, changed, has_managed_tags, int, invalid_json, known, non_empty, number,
    retry_while, single, string, string_list, strings, tag_changes, text, vanished,
};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::clients::partition_of;
use crate::create_memo;
use crate::declared::{from_prior, not_supported, read, read_block, switch, Declared, Reading};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::built;
use crate::error::{aws_error, refused};
use crate::s3_support::{
    bucket_call, bucket_names, empty_bucket, is_gone, website, BucketConfig, Target, BUCKET_NAMES,
};
use crate::tagging::ManagedTags;
use crate::verify::{ACCOUNT_ID, ARN};

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

/// The deprecated inline settings infra takes, in the provider v6 schema: Optional+Computed
/// (a bucket whose configuration leaves one out keeps what S3 has, which a split resource may
/// manage), read on every refresh: each as the bucket's reads found it ([`Inline`]), Object
/// Lock from the bucket's own configuration.
fn inline_settings() -> Vec<Declared<Bucket>> {
    // A string of S3's values (the provider's enum.Validate).
    let one_of = |name, values, message| {
        Attribute::optional_computed(name, Type::String)
            .check(Check::OneOf(values))
            .deprecated(message)
    };
    vec![
        inline_attribute(
            one_of(
                "acceleration_status",
                BucketAccelerateStatus::values(),
                "acceleration_status is deprecated. Use the \
                 aws_s3_bucket_accelerate_configuration resource instead.",
            ),
            |inline| &inline.acceleration_status,
        ),
        inline_attribute(
            one_of(
                "request_payer",
                Payer::values(),
                "request_payer is deprecated. Use the \
                 aws_s3_bucket_request_payment_configuration resource instead.",
            ),
            |inline| &inline.request_payer,
        ),
        inline_block(
            Block::single("replication_configuration", replication_schema()).computed().deprecated(
                "replication_configuration is deprecated. Use the \
                     aws_s3_bucket_replication_configuration resource instead.",
            ),
            |inline| &inline.replication_configuration,
        ),
        inline_block(
            Block::set("grant", grant_schema())
                .computed()
                .conflicts_with(&["acl"])
                .deprecated("grant is deprecated. Use the aws_s3_bucket_acl resource instead."),
            |inline| &inline.grant,
        ),
        read_block(
            Block::single("object_lock_configuration", object_lock_schema()).computed().deprecated(
                "object_lock_configuration is deprecated. Use the top-level parameter \
                     object_lock_enabled and the aws_s3_bucket_object_lock_configuration \
                     resource instead.",
            ),
            |bucket: &Bucket, _: &Reading| {
                let schema = object_lock_schema();
                let lock = bucket.object_lock.as_ref();
                Value::List(lock.map(|lock| zero_filled(&schema, lock)).into_iter().collect())
            },
        ),
        inline_block(
            Block::single(
                "website",
                Schema::new()
                    .attr(Attribute::optional("error_document", Type::String))
                    .attr(Attribute::optional("index_document", Type::String))
                    .attr(Attribute::optional("redirect_all_requests_to", Type::String))
                    .attr(Attribute::optional("routing_rules", Type::Json)),
            )
            .computed()
            .deprecated(
                "website is deprecated. Use the aws_s3_bucket_website_configuration resource \
                 instead.",
            ),
            |inline| &inline.website,
        ),
        inline_attribute(
            Attribute::optional_computed("policy", Type::Json)
                .deprecated("policy is deprecated. Use the aws_s3_bucket_policy resource instead."),
            |inline| &inline.policy,
        ),
        inline_block(
            Block::list("cors_rule", cors_rule_schema()).computed().deprecated(
                "cors_rule is deprecated. Use the aws_s3_bucket_cors_configuration resource \
                     instead.",
            ),
            |inline| &inline.cors_rule,
        ),
        inline_block(
            Block::list("lifecycle_rule", lifecycle_rule_schema()).computed().deprecated(
                "lifecycle_rule is deprecated. Use the aws_s3_bucket_lifecycle_configuration \
                     resource instead.",
            ),
            |inline| &inline.lifecycle_rule,
        ),
        inline_block(
            Block::single(
                "logging",
                Schema::new()
                    .attr(Attribute::required("target_bucket", Type::String))
                    .attr(Attribute::optional("target_prefix", Type::String)),
            )
            .computed()
            .deprecated("logging is deprecated. Use the aws_s3_bucket_logging resource instead."),
            |inline| &inline.logging,
        ),
        inline_block(
            Block::single(
                "server_side_encryption_configuration",
                Schema::new().block(Block::single("rule", encryption_rule_schema()).required()),
            )
            .computed()
            .deprecated(
                "server_side_encryption_configuration is deprecated. Use the \
                 aws_s3_bucket_server_side_encryption_configuration resource instead.",
            ),
            |inline| &inline.server_side_encryption_configuration,
        ),
        inline_block(
            Block::single(
                "versioning",
                Schema::new()
                    .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(false)))
                    .attr(
                        Attribute::optional("mfa_delete", Type::Bool).default(Value::Bool(false)),
                    ),
            )
            .computed()
            .deprecated(
                "versioning is deprecated. Use the aws_s3_bucket_versioning resource instead.",
            ),
            |inline| &inline.versioning,
        ),
    ]
}

/// An inline setting's attribute, read back as the bucket's reads found it.
fn inline_attribute(attribute: Attribute, found: fn(&Inline) -> &Value) -> Declared<Bucket> {
    read(attribute, move |bucket: &Bucket, _: &Reading| found(&bucket.inline).clone())
}

/// An inline setting's block, read back as the bucket's reads found it.
fn inline_block(block: Block, found: fn(&Inline) -> &Value) -> Declared<Bucket> {
    read_block(block, move |bucket: &Bucket, _: &Reading| found(&bucket.inline).clone())
}

/// The inline `grant`: a grantee (`CanonicalUser` by `id`, or `Group` by `uri`) and its
/// permissions, one object a grantee.
fn grant_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("id", Type::String))
        .attr(
            Attribute::required("permissions", Type::set(Type::String))
                .check(Check::OneOf(PERMISSIONS)),
        )
        .attr(
            Attribute::required("type", Type::String)
                .check(Check::OneOf(&["CanonicalUser", "Group"])),
        )
        .attr(Attribute::optional("uri", Type::String))
}

/// The inline `replication_configuration`: a role and a set of rules, each with its
/// destination. A rule with a `filter` is S3's V2 schema (priority, delete marker
/// replication), one without a V1 rule (a prefix).
fn replication_schema() -> Schema {
    let minutes = |low| {
        Attribute::optional("minutes", Type::Number)
            .default(Value::Number(15.0))
            .check(Check::Range(low, 15))
    };
    let status = |values| {
        Attribute::optional("status", Type::String)
            .default(Value::string("Enabled"))
            .check(Check::OneOf(values))
    };
    let destination = Schema::new()
        .attr(Attribute::optional("account_id", Type::String).check(ACCOUNT_ID))
        .attr(Attribute::required("bucket", Type::String).check(ARN))
        .attr(Attribute::optional("replica_kms_key_id", Type::String))
        .attr(
            Attribute::optional("storage_class", Type::String)
                .check(Check::OneOf(StorageClass::values())),
        )
        .block(Block::single(
            "access_control_translation",
            Schema::new().attr(
                Attribute::required("owner", Type::String)
                    .check(Check::OneOf(OwnerOverride::values())),
            ),
        ))
        .block(Block::single(
            "metrics",
            Schema::new().attr(minutes(10)).attr(status(MetricsStatus::values())),
        ))
        .block(Block::single(
            "replication_time",
            Schema::new().attr(minutes(15)).attr(status(ReplicationTimeStatus::values())),
        ));
    let rule = Schema::new()
        .attr(
            Attribute::optional("delete_marker_replication_status", Type::String)
                .check(Check::OneOf(&["Enabled"])),
        )
        .attr(Attribute::optional("id", Type::String).check(Check::Length(0, 255)))
        .attr(Attribute::optional("prefix", Type::String).check(Check::Length(0, 1024)))
        .attr(Attribute::optional("priority", Type::Number))
        .attr(
            Attribute::required("status", Type::String)
                .check(Check::OneOf(ReplicationRuleStatus::values())),
        )
        .block(Block::single("destination", destination).required())
        .block(Block::single(
            "filter",
            Schema::new()
                .attr(Attribute::optional("prefix", Type::String).check(Check::Length(0, 1024)))
                .attr(Attribute::optional("tags", Type::map(Type::String))),
        ))
        .block(Block::single(
            "source_selection_criteria",
            Schema::new().block(Block::single(
                "sse_kms_encrypted_objects",
                Schema::new().attr(Attribute::required("enabled", Type::Bool)),
            )),
        ));
    Schema::new()
        .attr(Attribute::required("role", Type::String))
        .block(Block::set("rules", rule).required())
}

/// The inline `object_lock_configuration`: `object_lock_enabled` (`Enabled`, forcing a new
/// bucket) and the default retention rule.
fn object_lock_schema() -> Schema {
    let at_least_one =
        |name| Attribute::optional(name, Type::Number).check(Check::Range(1, i64::MAX));
    Schema::new()
        .attr(
            Attribute::optional("object_lock_enabled", Type::String)
                .check(Check::OneOf(&["Enabled"]))
                .force_new()
                .conflicts_with(&["object_lock_enabled"])
                .deprecated(
                    "object_lock_enabled is deprecated. Use the top-level parameter \
                     object_lock_enabled instead.",
                ),
        )
        .block(
            Block::single(
                "rule",
                Schema::new().block(
                    Block::single(
                        "default_retention",
                        Schema::new()
                            .attr(at_least_one("days"))
                            .attr(
                                Attribute::required("mode", Type::String)
                                    .check(Check::OneOf(&["GOVERNANCE", "COMPLIANCE"])),
                            )
                            .attr(at_least_one("years")),
                    )
                    .required(),
                ),
            )
            .deprecated(
                "rule is deprecated. Use the aws_s3_bucket_object_lock_configuration resource \
                 instead.",
            ),
        )
}

fn cors_rule_schema() -> Schema {
    let strings = || Type::list(Type::String);
    Schema::new()
        .attr(Attribute::optional("allowed_headers", strings()))
        .attr(Attribute::required("allowed_methods", strings()))
        .attr(Attribute::required("allowed_origins", strings()))
        .attr(Attribute::optional("expose_headers", strings()))
        .attr(Attribute::optional("max_age_seconds", Type::Number))
}

/// Provider v3's lifecycle rule (a prefix and tags, `enabled`, days and dates), which differs
/// from `aws_s3_bucket_lifecycle_configuration`'s `rule`.
fn lifecycle_rule_schema() -> Schema {
    let days =
        |name, low| Attribute::optional(name, Type::Number).check(Check::Range(low, i64::MAX));
    let storage_class =
        || Attribute::required("storage_class", Type::String).check(Check::OneOf(STORAGE_CLASSES));
    Schema::new()
        .attr(Attribute::optional("abort_incomplete_multipart_upload_days", Type::Number))
        .attr(Attribute::required("enabled", Type::Bool))
        .attr(Attribute::optional_computed("id", Type::String).check(Check::Length(0, 255)))
        .attr(Attribute::optional("prefix", Type::String))
        .attr(Attribute::optional("tags", Type::map(Type::String)))
        .block(Block::single(
            "expiration",
            Schema::new()
                .attr(Attribute::optional("date", Type::String))
                .attr(days("days", 0))
                .attr(Attribute::optional("expired_object_delete_marker", Type::Bool)),
        ))
        .block(Block::single("noncurrent_version_expiration", Schema::new().attr(days("days", 1))))
        .block(Block::set(
            "noncurrent_version_transition",
            Schema::new().attr(days("days", 0)).attr(storage_class()),
        ))
        .block(Block::set(
            "transition",
            Schema::new()
                .attr(Attribute::optional("date", Type::String))
                .attr(days("days", 0))
                .attr(storage_class()),
        ))
}

fn encryption_rule_schema() -> Schema {
    Schema::new()
        .block(
            Block::single("apply_server_side_encryption_by_default", by_default_schema())
                .required(),
        )
        .attr(Attribute::optional("bucket_key_enabled", Type::Bool))
}

/// The inline settings infra takes (and the canned `acl`), in the order the provider sends
/// them.
const INLINE: &[&str] = &[
    "policy",
    "cors_rule",
    "website",
    "versioning",
    "acl",
    "grant",
    "logging",
    "lifecycle_rule",
    "acceleration_status",
    "request_payer",
    "replication_configuration",
    "server_side_encryption_configuration",
    "object_lock_configuration",
];

/// What a bucket has of the inline settings infra takes, as the provider stores them.
struct Inline {
    acceleration_status: Value,
    request_payer: Value,
    replication_configuration: Value,
    grant: Value,
    website: Value,
    policy: Value,
    cors_rule: Value,
    lifecycle_rule: Value,
    logging: Value,
    server_side_encryption_configuration: Value,
    versioning: Value,
}

/// What S3-compatible stores without the API answer, which the provider reads as "none", as
/// it reads each kind's own not-found code.
const NOT_IMPLEMENTED: &[&str] = &["MethodNotAllowed", "NotImplemented", "XNotImplemented"];

/// One inline setting's answer: `Ok(None)` when the bucket has none of it (`none`, the kind's
/// not-found codes, or [`NOT_IMPLEMENTED`]); a gone bucket stays an error for the caller.
fn configured<T>(
    answer: Result<Option<T>, ProviderError>,
    none: &[&str],
) -> Result<Option<T>, ProviderError> {
    match answer {
        Err(error)
            if error
                .code
                .as_deref()
                .is_some_and(|code| none.contains(&code) || NOT_IMPLEMENTED.contains(&code)) =>
        {
            Ok(None)
        }
        answer => answer,
    }
}

/// `item` with only `schema`'s arguments, each null made the zero value SDKv2 stores for it
/// (`""`, `false`, `0`, `[]`), as a Terraform-written state holds the provider's blocks.
fn zero_filled(schema: &Schema, item: &Value) -> Value {
    let mut object = BTreeMap::new();
    for attribute in &schema.attributes {
        let value = match (item.get(attribute.name), &attribute.ty) {
            (Value::Null, Type::String | Type::Json) => Value::string(""),
            (Value::Null, Type::Bool) => Value::Bool(false),
            (Value::Null, Type::Number) => Value::Number(0.0),
            (Value::Null, Type::List(_) | Type::Set(_)) => Value::List(vec![]),
            (Value::Null, Type::Map(_)) => Value::Map(BTreeMap::new()),
            (value, _) => value.clone(),
        };
        object.insert(attribute.name.to_string(), value);
    }
    for block in &schema.blocks {
        let items = blocks(item, block.name)
            .iter()
            .map(|nested| zero_filled(&block.schema, nested))
            .collect();
        object.insert(block.name.to_string(), Value::List(items));
    }
    Value::Map(object)
}

/// A read block's one object, as the inline block stores it (`[]` when none).
fn one_block(schema: &Schema, name: &str, found: Option<&Value>) -> Value {
    let block = schema.block_named(name).map(|b| &b.schema);
    match (found, block) {
        (Some(found), Some(block)) => Value::List(vec![zero_filled(block, found)]),
        _ => Value::List(vec![]),
    }
}

/// `aws_s3_bucket`, declared on the [`AwsObject`] family.
pub type AwsS3Bucket = ObjectType<BucketObject>;

pub struct BucketObject;

/// What a bucket's reads gather: its name, its region, its Object Lock configuration (as
/// `aws_s3_bucket_object_lock_configuration` reads it; `None` when the bucket has none) and
/// the inline settings.
pub struct Bucket {
    name: String,
    region: String,
    object_lock: Option<Value>,
    inline: Inline,
}

/// What HeadBucket, GetBucketTagging and GetObjectLockConfiguration found of a bucket.
struct Found {
    region: String,
    tags: Vec<(String, String)>,
    object_lock: Option<BTreeMap<String, Value>>,
}

/// The bucket's own attributes, then the inline settings ([`inline_settings`]); its tags are
/// the family's.
fn bucket_attributes() -> Vec<Declared<Bucket>> {
    let name =
        |attribute| read(attribute, |bucket: &Bucket, _: &Reading| Value::string(&bucket.name));
    let mut declared = vec![
        name(Attribute::computed("id", Type::String)),
        name(
            Attribute::optional_computed("bucket", Type::String)
                .force_new()
                .conflicts_with(&["bucket_prefix"]),
        ),
        read(
            Attribute::optional_computed("bucket_prefix", Type::String)
                .force_new()
                .conflicts_with(&["bucket"]),
            |bucket: &Bucket, at: &Reading| match known(at.prior, "bucket_prefix") {
                Value::Null => text(generated_prefix(&bucket.name)),
                prefix => prefix,
            },
        ),
        switch(Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false))),
        read(
            Attribute::optional_computed("object_lock_enabled", Type::Bool)
                .force_new()
                .conflicts_with(&["object_lock_configuration"]),
            |bucket: &Bucket, _: &Reading| {
                let lock = bucket.object_lock.as_ref().unwrap_or(&Value::Null);
                Value::Bool(lock.get("object_lock_enabled").as_str() == Some("Enabled"))
            },
        ),
    ];
    declared.extend(BUCKET_NAMES.into_iter().map(|name| {
        read(Attribute::computed(name, Type::String), move |bucket: &Bucket, _: &Reading| {
            bucket_names(&bucket.name, &bucket.region)
                .find(|(named, _)| *named == name)
                .map_or(Value::Null, |(_, value)| value)
        })
    }));
    declared.extend([
        read(
            Attribute::computed("website_domain", Type::String).deprecated(
                "website_domain is deprecated. Use the aws_s3_bucket_website_configuration \
                 resource instead.",
            ),
            |bucket: &Bucket, at: &Reading| website_name(bucket, at, "website_domain"),
        ),
        read(
            Attribute::computed("website_endpoint", Type::String).deprecated(
                "website_endpoint is deprecated. Use the aws_s3_bucket_website_configuration \
                 resource instead.",
            ),
            |bucket: &Bucket, at: &Reading| website_name(bucket, at, "website_endpoint"),
        ),
        not_supported(
            "bucket_namespace",
            Type::String,
            "infra makes buckets in the global namespace",
        ),
        // S3 reports grants, not the canned ACL they came from: kept as configured.
        from_prior(
            Attribute::optional_computed("acl", Type::String)
                .check(Check::OneOf(CANNED_ACLS))
                .conflicts_with(&["grant"])
                .deprecated("acl is deprecated. Use the aws_s3_bucket_acl resource instead."),
        ),
    ]);
    declared.extend(inline_settings());
    declared
}

/// `website_endpoint` or `website_domain`, as the provider sets them: from the region when the
/// bucket has a website, else left as they were (null on a new bucket).
fn website_name(bucket: &Bucket, at: &Reading, name: &str) -> Value {
    if bucket.inline.website.as_list().is_none_or(<[Value]>::is_empty) {
        return known(at.prior, name);
    }
    let (endpoint, domain) = website::endpoint_and_domain(&bucket.name, &bucket.region);
    Value::string(match name {
        "website_endpoint" => endpoint,
        _ => domain,
    })
}

/// HeadBucket, GetBucketTagging and GetObjectLockConfiguration, in turn; `None` when the
/// bucket is gone.
async fn find(this: &AwsS3Bucket, bucket: &str) -> Result<Option<Found>, ProviderError> {
    let client = &this.aws.clients().await.s3;
    let at = Target::bucket(client, bucket);
    let head = match bucket_call!(client, head_bucket(bucket)) {
        Ok(head) => head,
        Err(error) if is_gone(&error) => return Ok(None),
        Err(error) => return Err(error),
    };
    // HeadBucket always names the region on AWS; an empty one is filled in by `bucket_of`.
    let region = head.bucket_region().map(str::to_string).unwrap_or_default();
    let tags = match bucket_call!(client, get_bucket_tagging(bucket)) {
        Ok(output) => {
            output.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect()
        }
        Err(error) if error.code.as_deref() == Some("NoSuchTagSet") => vec![],
        Err(error) if is_gone(&error) => return Ok(None),
        Err(error) => return Err(error),
    };
    // As the provider: outside the aws and aws-us-gov partitions, where S3 may not have
    // Object Lock, any other error reads as none too.
    let lock_optional = !matches!(partition_of(&region), "aws" | "aws-us-gov");
    let object_lock = match configured(
        ObjectLock::get(&at, &Value::Null).await,
        &[ObjectLock::NOT_CONFIGURED.unwrap_or_default()],
    ) {
        Ok(found) => found,
        Err(error) if is_gone(&error) => return Ok(None),
        Err(_) if lock_optional && !region.is_empty() => None,
        Err(error) => return Err(error),
    };
    Ok(Some(Found { region, tags, object_lock }))
}

/// The bucket whole ([`find`], then the inline settings, for `hint`: the prior state or the
/// planned value); `None` when it is gone.
async fn bucket_of(
    this: &AwsS3Bucket,
    bucket: &str,
    hint: &Value,
) -> Result<Option<Tagged<Bucket>>, ProviderError> {
    let region = this.aws.clients().await.region.clone();
    let Some(found) = find(this, bucket).await? else {
        return Ok(None);
    };
    let Some(inline) = read_inline(this, bucket, hint).await? else {
        return Ok(None);
    };
    Ok(Some(Tagged {
        object: Bucket {
            name: bucket.to_string(),
            region: match found.region.is_empty() {
                true => region,
                false => found.region,
            },
            object_lock: found.object_lock.map(Value::Map),
            inline,
        },
        tags: found.tags,
    }))
}

/// The inline settings, one GET each as the provider reads them (GetBucketPolicy,
/// GetBucketAcl, GetBucketCors, GetBucketWebsite, GetBucketVersioning,
/// GetBucketAccelerateConfiguration, GetBucketRequestPayment, GetBucketLogging,
/// GetBucketLifecycleConfiguration, GetBucketReplication, GetBucketEncryption), sent
/// together; `None` when the bucket is gone. The split
/// resources' readers do the reading where infra has the split resource.
async fn read_inline(
    this: &AwsS3Bucket,
    bucket: &str,
    hint: &Value,
) -> Result<Option<Inline>, ProviderError> {
    let schema = this.schema();
    let client = &this.aws.clients().await.s3;
    let at = Target::bucket(client, bucket);
    let (policy, cors, versioning, logging, lifecycle, encryption) = futures::join!(
        Policy::get(&at, hint),
        Cors::get(&at, &Value::Null),
        Versioning::get(&at, &Value::Null),
        Logging::get(&at, &Value::Null),
        Lifecycle::get(&at, &Value::Null),
        Encryption::get(&at, &Value::Null),
    );
    let (acl, site, accelerate, payment, replication) = futures::join!(
        Acl::get(&at, &Value::Null),
        async {
            bucket_call!(client, get_bucket_website(bucket)).map(|w| {
                website::block(
                    w.index_document(),
                    w.error_document(),
                    w.redirect_all_requests_to(),
                    w.routing_rules(),
                )
            })
        },
        async {
            bucket_call!(client, get_bucket_accelerate_configuration(bucket))
                .map(|a| Some(acceleration_status(a.status())))
        },
        async {
            bucket_call!(client, get_bucket_request_payment(bucket))
                .map(|p| Some(request_payer(p.payer())))
        },
        async {
            bucket_call!(client, get_bucket_replication(bucket)).map(|r| {
                r.replication_configuration().map(|found| replication_block(schema, found))
            })
        },
    );
    let acl = configured(acl, &[]);
    let site = configured(site.map(Option::Some), &["NoSuchWebsiteConfiguration"]);
    let accelerate = configured(accelerate, NO_ACCELERATION);
    let payment = configured(payment, &[]);
    let replication = configured(replication, &["ReplicationConfigurationNotFoundError"]);
    let errors = [
        acl.as_ref().err(),
        site.as_ref().err(),
        accelerate.as_ref().err(),
        payment.as_ref().err(),
        replication.as_ref().err(),
    ];
    if errors.into_iter().flatten().any(is_gone) {
        return Ok(None);
    }
    let (acl, site) = (acl?, site?.flatten());
    let none = || Value::string("");
    let not_configured = |kind: Option<&'static str>| [kind.unwrap_or_default()];
    let answers = [
        configured(policy, &not_configured(Policy::NOT_CONFIGURED)),
        configured(cors, &not_configured(Cors::NOT_CONFIGURED)),
        configured(versioning, &[]),
        configured(logging, &[]),
        configured(lifecycle, &not_configured(Lifecycle::NOT_CONFIGURED)),
        configured(
            encryption,
            &[Encryption::NOT_CONFIGURED.unwrap_or_default(), "UnsupportedOperation"],
        ),
    ];
    let mut found = Vec::with_capacity(answers.len());
    for answer in answers {
        match answer {
            Ok(answer) => found.push(answer),
            Err(error) if is_gone(&error) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    let mut inline = inline_value(schema, found);
    inline.grant = acl.map_or(Value::List(vec![]), |acl| inline_grants(schema, &Value::Map(acl)));
    inline.website = one_block(schema, "website", site.as_ref());
    inline.acceleration_status = accelerate?.unwrap_or_else(none);
    inline.request_payer = payment?.unwrap_or_else(none);
    inline.replication_configuration = replication?.unwrap_or(Value::List(vec![]));
    Ok(Some(inline))
}

/// Sends what changed of the inline settings [`INLINE`] from `prior` (`None` on create,
/// where only the configured ones are sent), in that order. The split resources' writers
/// do the sending where infra has the split resource.
async fn put_inline(
    this: &AwsS3Bucket,
    bucket: &str,
    prior: Option<&Value>,
    planned: &Value,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let client = &this.aws.clients().await.s3;
    let at = Target::bucket(client, bucket);
    for &key in INLINE {
        let to_send = match prior {
            Some(prior) => changed(prior, planned, key),
            None => planned.get(key).is_wholly_known() && !planned.get(key).is_null(),
        };
        if !to_send {
            continue;
        }
        let one = single(planned, key);
        match (key, one) {
            ("policy", _) if non_empty(planned, key).is_some() => Policy::put(&at, planned).await?,
            ("policy", _) => Policy::delete(&at, planned).await?,
            ("cors_rule", Some(_)) => Cors::put(&at, planned).await?,
            ("cors_rule", None) => Cors::delete(&at, planned).await?,
            ("website", Some(site)) => {
                let configuration = website::configuration(site)?;
                bucket_call!(
                    client,
                    put_bucket_website(bucket).website_configuration(configuration)
                )?;
            }
            ("website", None) => {
                bucket_call!(client, delete_bucket_website(bucket))?;
            }
            ("versioning", _) => {
                if let Some((status, mfa_delete)) = versioning_request(prior.is_none(), planned) {
                    put_versioning(&at, None, status, mfa_delete).await?;
                }
            }
            // The canned ACL goes with CreateBucket; a change is put in place.
            ("acl", _) if prior.is_some() => {
                if let Some(acl) = string(planned, "acl") {
                    put_canned_acl(client, bucket, &acl).await?;
                }
            }
            ("acl", _) => {}
            // As the provider: no grants left puts the canned ACL back (private unset).
            ("grant", _) if blocks(planned, "grant").is_empty() => {
                let acl = string(planned, "acl").unwrap_or_else(|| "private".into());
                put_canned_acl(client, bucket, &acl).await?;
            }
            ("grant", _) => put_grants(client, bucket, planned).await?,
            ("logging", Some(logging)) => Logging::put(&at, logging).await?,
            ("logging", None) => Logging::delete(&at, planned).await?,
            ("lifecycle_rule", Some(_)) => put_rules(&at, None, lifecycle_rules(planned)?).await?,
            ("lifecycle_rule", None) => Lifecycle::delete(&at, planned).await?,
            // Optional+Computed: left out, it keeps what S3 has, so only a value is sent.
            ("acceleration_status", _) => {
                if let Some(status) = non_empty(planned, key) {
                    bucket_call!(
                        client,
                        put_bucket_accelerate_configuration(bucket)
                            .accelerate_configuration(accelerate_configuration(&status))
                    )?;
                }
            }
            ("request_payer", _) => {
                if let Some(payer) = non_empty(planned, key) {
                    bucket_call!(
                        client,
                        put_bucket_request_payment(bucket)
                            .request_payment_configuration(request_payment(&payer)?)
                    )?;
                }
            }
            // Object Lock cannot be removed, only changed: the provider puts what is
            // planned (an empty configuration when the block is gone).
            ("object_lock_configuration", lock) => {
                let lock = match lock {
                    Some(lock) => object_lock_configuration(lock, false),
                    None => ObjectLockConfiguration::builder().build(),
                };
                bucket_call!(
                    client,
                    put_object_lock_configuration(bucket).object_lock_configuration(lock)
                )?;
            }
            // As the provider: versioning (sent before) must be enabled in the plan.
            ("replication_configuration", Some(replication)) => {
                versioned_for_replication(bucket, planned)?;
                put_replication(client, bucket, replication_configuration(replication)?, timeout)
                    .await?;
            }
            ("replication_configuration", None) => {
                bucket_call!(client, delete_bucket_replication(bucket))?;
            }
            (_, Some(encryption)) => Encryption::put(&at, encryption).await?,
            (_, None) => Encryption::delete(&at, planned).await?,
        }
    }
    Ok(())
}

/// The bucket's tags: PutBucketTagging of the whole set (S3 replaces it), DeleteBucketTagging
/// when there are none.
async fn put_tags(
    this: &AwsS3Bucket,
    bucket: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), ProviderError> {
    let client = &this.aws.clients().await.s3;
    if tags.is_empty() {
        bucket_call!(client, delete_bucket_tagging(bucket))?;
        return Ok(());
    }
    let tag_set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(refused)?;
    bucket_call!(
        client,
        put_bucket_tagging(bucket)
            .tagging(Tagging::builder().set_tag_set(Some(tag_set)).build().map_err(refused)?,)
    )?;
    Ok(())
}

/// PutBucketAcl with a canned ACL.
async fn put_canned_acl(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    acl: &str,
) -> Result<(), ProviderError> {
    bucket_call!(client, put_bucket_acl(bucket).acl(BucketCannedAcl::from(acl)))?;
    Ok(())
}

/// The inline grants in `aws_s3_bucket_acl`'s `access_control_policy` shape, as the provider
/// expands them: one grant a grantee and permission.
fn split_grants(planned: &Value) -> Vec<Value> {
    let mut grants = Vec::new();
    for grant in blocks(planned, "grant") {
        let grantee = Value::map([
            ("id", grant.get("id").clone()),
            ("type", grant.get("type").clone()),
            ("uri", grant.get("uri").clone()),
        ]);
        for permission in strings(grant, "permissions") {
            grants.push(Value::map([
                ("grantee", Value::List(vec![grantee.clone()])),
                ("permission", Value::string(permission)),
            ]));
        }
    }
    grants
}

/// PutBucketAcl with the planned grants and the owner GetBucketAcl reports, as the provider
/// sends them; `aws_s3_bucket_acl`'s reader and request builder do the work.
async fn put_grants(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    planned: &Value,
) -> Result<(), ProviderError> {
    let at = Target::bucket(client, bucket);
    let current = Value::Map(Acl::get(&at, &Value::Null).await?.unwrap_or_default());
    let owner = single(&current, "access_control_policy")
        .map(|policy| policy.get("owner").clone())
        .unwrap_or(Value::List(vec![]));
    let policy = Value::map([("grant", Value::List(split_grants(planned))), ("owner", owner)]);
    bucket_call!(
        client,
        put_bucket_acl(bucket).access_control_policy(access_control_policy(&policy)?)
    )?;
    Ok(())
}

/// The grants `aws_s3_bucket_acl`'s reader read, as the provider flattens them into the inline
/// `grant` set: one object a grantee (type, ID, URI), its permissions together, the owner's
/// own grant included.
fn inline_grants(schema: &Schema, acl: &Value) -> Value {
    let Some(grant_schema) = schema.block_named("grant").map(|b| &b.schema) else {
        return Value::List(vec![]);
    };
    let read =
        single(acl, "access_control_policy").map(|policy| blocks(policy, "grant")).unwrap_or(&[]);
    let mut grantees: Vec<((Value, Value, Value), Vec<String>)> = Vec::new();
    for grant in read {
        let Some(grantee) = single(grant, "grantee") else {
            continue;
        };
        let key =
            (grantee.get("type").clone(), grantee.get("id").clone(), grantee.get("uri").clone());
        let permission = string(grant, "permission").unwrap_or_default();
        match grantees.iter_mut().find(|(k, _)| *k == key) {
            Some((_, permissions)) => permissions.push(permission),
            None => grantees.push((key, vec![permission])),
        }
    }
    Value::List(
        grantees
            .into_iter()
            .map(|((ty, id, uri), mut permissions)| {
                permissions.sort();
                permissions.dedup();
                zero_filled(
                    grant_schema,
                    &Value::map([
                        ("id", id),
                        ("permissions", string_list(permissions)),
                        ("type", ty),
                        ("uri", uri),
                    ]),
                )
            })
            .collect(),
    )
}

/// What GetBucketAccelerateConfiguration answers where S3 has no transfer acceleration (the
/// regions and partitions without it answer these, or MethodNotAllowed), read as none, as the
/// provider reads them.
const NO_ACCELERATION: &[&str] = &["UnsupportedArgument", "UnsupportedOperation"];

/// `acceleration_status` as the provider reads GetBucketAccelerateConfiguration: the status,
/// `""` when none was ever set (S3's answer then has no `Status`).
fn acceleration_status(status: Option<&BucketAccelerateStatus>) -> Value {
    Value::string(status.map_or("", BucketAccelerateStatus::as_str))
}

/// `request_payer` as the provider reads GetBucketRequestPayment: the payer.
fn request_payer(payer: Option<&Payer>) -> Value {
    Value::string(payer.map_or("", Payer::as_str))
}

/// The PutBucketAccelerateConfiguration body for `acceleration_status`.
fn accelerate_configuration(status: &str) -> AccelerateConfiguration {
    AccelerateConfiguration::builder().status(BucketAccelerateStatus::from(status)).build()
}

/// The PutBucketRequestPayment body for `request_payer`.
fn request_payment(payer: &str) -> Result<RequestPaymentConfiguration, ProviderError> {
    RequestPaymentConfiguration::builder().payer(Payer::from(payer)).build().map_err(refused)
}

/// As the provider: replication is put only when the plan's `versioning` is enabled (on a
/// create that leaves `versioning` out, it is not known, so not enabled).
fn versioned_for_replication(bucket: &str, planned: &Value) -> Result<(), ProviderError> {
    let versioned =
        single(planned, "versioning").and_then(|v| boolean(v, "enabled")).unwrap_or(false);
    if versioned {
        return Ok(());
    }
    Err(ProviderError::new(format!(
        "versioning must be enabled on S3 Bucket ({bucket}) to allow replication"
    )))
}

/// PutBucketReplication, sent again while S3 says the bucket's versioning (just enabled) is
/// not, as the provider does, for up to `timeout`.
async fn put_replication(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    configuration: ReplicationConfiguration,
    timeout: Duration,
) -> Result<(), ProviderError> {
    fn not_versioned_yet(error: &ProviderError) -> bool {
        error.code.as_deref() == Some("InvalidRequest")
            && error.message.contains("Versioning must be 'Enabled' on the bucket")
    }
    retry_while(timeout, not_versioned_yet, || {
        let configuration = configuration.clone();
        async move {
            bucket_call!(
                client,
                put_bucket_replication(bucket).replication_configuration(configuration)
            )
        }
    })
    .await?;
    Ok(())
}

/// A filter's `tags` as S3 tags, sorted by key, the `aws:` ones left out (the provider's
/// IgnoreAWS).
fn replication_tags(filter: &Value) -> Result<Vec<Tag>, ProviderError> {
    let mut tags = Vec::new();
    for (key, value) in filter.get("tags").as_map().into_iter().flatten() {
        if key.starts_with("aws:") {
            continue;
        }
        let value = value.as_str().unwrap_or_default();
        tags.push(built(Tag::builder().key(key).value(value).build())?);
    }
    Ok(tags)
}

/// A rule's destination as the provider expands it: the bucket, and each optional part that
/// is set.
fn replication_destination(destination: &Value) -> Result<Destination, ProviderError> {
    let status = |item: &Value| string(item, "status").unwrap_or_default();
    let minutes = |item: &Value| {
        ReplicationTimeValue::builder().minutes(int(item, "minutes").unwrap_or(0)).build()
    };
    let mut builder = Destination::builder()
        .bucket(string(destination, "bucket").unwrap_or_default())
        .set_storage_class(
            non_empty(destination, "storage_class").map(|c| StorageClass::from(c.as_str())),
        )
        .set_encryption_configuration(
            non_empty(destination, "replica_kms_key_id")
                .map(|key| EncryptionConfiguration::builder().replica_kms_key_id(key).build()),
        )
        .set_account(non_empty(destination, "account_id"));
    if let Some(translation) = single(destination, "access_control_translation") {
        let owner = string(translation, "owner").unwrap_or_default();
        builder = builder.access_control_translation(built(
            AccessControlTranslation::builder().owner(OwnerOverride::from(owner.as_str())).build(),
        )?);
    }
    if let Some(metrics) = single(destination, "metrics") {
        builder = builder.metrics(built(
            Metrics::builder()
                .event_threshold(minutes(metrics))
                .status(MetricsStatus::from(status(metrics).as_str()))
                .build(),
        )?);
    }
    if let Some(time) = single(destination, "replication_time") {
        builder = builder.replication_time(built(
            ReplicationTime::builder()
                .status(ReplicationTimeStatus::from(status(time).as_str()))
                .time(minutes(time))
                .build(),
        )?);
    }
    built(builder.build())
}

/// The PutBucketReplication body for the inline `replication_configuration`, as the provider
/// expands it: a rule with a `filter` (V2) gets the filter (its prefix, with the tags an `and`),
/// its priority (0 unset) and delete marker replication (`Disabled` unset); one without (V1)
/// its prefix.
fn replication_configuration(block: &Value) -> Result<ReplicationConfiguration, ProviderError> {
    let mut rules = Vec::new();
    for rule in blocks(block, "rules") {
        let Some(status) = non_empty(rule, "status") else {
            continue;
        };
        let destination = match single(rule, "destination") {
            Some(destination) => replication_destination(destination)?,
            None => built(Destination::builder().bucket("").build())?,
        };
        let mut builder = ReplicationRule::builder()
            .status(ReplicationRuleStatus::from(status.as_str()))
            .destination(destination)
            .set_id(non_empty(rule, "id"));
        if let Some(criteria) = single(rule, "source_selection_criteria") {
            let encrypted = match single(criteria, "sse_kms_encrypted_objects") {
                Some(objects) => Some(built(
                    SseKmsEncryptedObjects::builder()
                        .status(if boolean(objects, "enabled") == Some(true) {
                            SseKmsEncryptedObjectsStatus::Enabled
                        } else {
                            SseKmsEncryptedObjectsStatus::Disabled
                        })
                        .build(),
                )?),
                None => None,
            };
            builder = builder.source_selection_criteria(
                SourceSelectionCriteria::builder().set_sse_kms_encrypted_objects(encrypted).build(),
            );
        }
        match single(rule, "filter") {
            Some(filter) => {
                let prefix = string(filter, "prefix").unwrap_or_default();
                let tags = replication_tags(filter)?;
                let filter = if tags.is_empty() {
                    ReplicationRuleFilter::builder().prefix(prefix).build()
                } else {
                    ReplicationRuleFilter::builder()
                        .and(
                            ReplicationRuleAndOperator::builder()
                                .prefix(prefix)
                                .set_tags(Some(tags))
                                .build(),
                        )
                        .build()
                };
                let marker = non_empty(rule, "delete_marker_replication_status")
                    .map_or(DeleteMarkerReplicationStatus::Disabled, |s| {
                        DeleteMarkerReplicationStatus::from(s.as_str())
                    });
                builder = builder
                    .filter(filter)
                    .priority(int(rule, "priority").unwrap_or(0))
                    .delete_marker_replication(
                        DeleteMarkerReplication::builder().status(marker).build(),
                    );
            }
            // S3's V1 rule: its prefix (deprecated in S3's model; the provider still sends it).
            #[allow(deprecated)]
            None => builder = builder.prefix(string(rule, "prefix").unwrap_or_default()),
        }
        rules.push(built(builder.build())?);
    }
    built(
        ReplicationConfiguration::builder()
            .role(string(block, "role").unwrap_or_default())
            .set_rules(Some(rules))
            .build(),
    )
}

/// GetBucketReplication's configuration as the provider flattens it into the inline block
/// (as SDKv2 stores it: unset arguments their zero values): `delete_marker_replication_status`
/// only when `Enabled`, a filter's prefix and tags (its `and`'s, or its one tag), the
/// destination's storage class always.
fn replication_block(schema: &Schema, found: &ReplicationConfiguration) -> Value {
    let one = |value: Option<Value>| Value::List(value.into_iter().collect());
    let tags = |tags: &mut dyn Iterator<Item = &Tag>| {
        Value::Map(
            tags.filter(|t| !t.key().starts_with("aws:"))
                .map(|t| (t.key().to_string(), Value::string(t.value())))
                .collect(),
        )
    };
    let rules = found
        .rules()
        .iter()
        .map(|rule| {
            let destination = rule.destination().map(|d| {
                let minutes = |time: Option<&ReplicationTimeValue>| {
                    number(time.and_then(|t| t.minutes()).map(i64::from))
                };
                Value::map([
                    ("account_id", text(d.account())),
                    ("bucket", Value::string(d.bucket())),
                    ("storage_class", Value::string(d.storage_class().map_or("", |c| c.as_str()))),
                    (
                        "replica_kms_key_id",
                        text(d.encryption_configuration().and_then(|e| e.replica_kms_key_id())),
                    ),
                    (
                        "access_control_translation",
                        one(d
                            .access_control_translation()
                            .map(|t| Value::map([("owner", Value::string(t.owner().as_str()))]))),
                    ),
                    (
                        "metrics",
                        one(d.metrics().map(|m| {
                            Value::map([
                                ("minutes", minutes(m.event_threshold())),
                                ("status", Value::string(m.status().as_str())),
                            ])
                        })),
                    ),
                    (
                        "replication_time",
                        one(d.replication_time().map(|t| {
                            Value::map([
                                ("minutes", minutes(t.time())),
                                ("status", Value::string(t.status().as_str())),
                            ])
                        })),
                    ),
                ])
            });
            let filter = rule.filter().map(|f| match (f.and(), f.tag()) {
                (Some(and), _) => Value::map([
                    ("prefix", Value::string(and.prefix().unwrap_or_default())),
                    ("tags", tags(&mut and.tags().iter())),
                ]),
                (None, Some(tag)) => Value::map([("tags", tags(&mut std::iter::once(tag)))]),
                (None, None) => Value::map([("prefix", text(f.prefix()))]),
            });
            let marker = rule
                .delete_marker_replication()
                .and_then(|m| m.status())
                .filter(|s| **s == DeleteMarkerReplicationStatus::Enabled)
                .map(|s| s.as_str());
            let criteria = rule.source_selection_criteria().map(|c| {
                Value::map([(
                    "sse_kms_encrypted_objects",
                    one(c.sse_kms_encrypted_objects().map(|o| {
                        Value::map([(
                            "enabled",
                            Value::Bool(o.status() == &SseKmsEncryptedObjectsStatus::Enabled),
                        )])
                    })),
                )])
            });
            // A V1 rule's prefix (deprecated in S3's model; the provider still reads it).
            #[allow(deprecated)]
            let prefix = rule.prefix();
            Value::map([
                ("status", Value::string(rule.status().as_str())),
                ("delete_marker_replication_status", text(marker)),
                ("destination", one(destination)),
                ("filter", one(filter)),
                ("id", text(rule.id())),
                ("prefix", text(prefix)),
                ("priority", number(rule.priority().map(i64::from))),
                ("source_selection_criteria", one(criteria)),
            ])
        })
        .collect();
    let block = Value::map([("role", Value::string(found.role())), ("rules", Value::List(rules))]);
    one_block(schema, "replication_configuration", Some(&block))
}

/// One split reader's answer: its kind's attributes, or `None` when the bucket has none.
type Answer = Option<BTreeMap<String, Value>>;

/// The inline settings' values from the split readers' answers (policy, CORS, versioning,
/// logging, lifecycle, encryption), as the provider flattens them: `policy` `""` when none;
/// `versioning` always one object (`enabled`, `mfa_delete`); `cors_rule` without the split
/// resource's `id`; `logging` its target bucket and prefix; `lifecycle_rule` in provider v3's
/// shape; each unset nested argument its zero value ([`zero_filled`]).
fn inline_value(schema: &Schema, answers: Vec<Answer>) -> Inline {
    let [policy, cors, versioning, logging, lifecycle, encryption]: [Answer; 6] =
        answers.try_into().unwrap_or_default();
    let cors_schema = schema.block_named("cors_rule").map(|b| &b.schema);
    let cors_rule = match (cors, cors_schema) {
        (Some(cors), Some(rule)) => Value::List(
            cors.get("cors_rule")
                .and_then(Value::as_list)
                .unwrap_or(&[])
                .iter()
                .map(|r| zero_filled(rule, r))
                .collect(),
        ),
        _ => Value::List(vec![]),
    };
    let versioning = versioning.map(|found| {
        let status = single(&Value::Map(found), "versioning_configuration")
            .map(|c| (string(c, "status"), string(c, "mfa_delete")))
            .unwrap_or_default();
        Value::map([
            ("enabled", Value::Bool(status.0.as_deref() == Some("Enabled"))),
            ("mfa_delete", Value::Bool(status.1.as_deref() == Some("Enabled"))),
        ])
    });
    let lifecycle_schema = schema.block_named("lifecycle_rule").map(|b| &b.schema);
    let lifecycle_rule = match (lifecycle, lifecycle_schema) {
        (Some(lifecycle), Some(rule)) => Value::List(
            blocks(&Value::Map(lifecycle), "rule")
                .iter()
                .map(|r| zero_filled(rule, &inline_lifecycle_rule(r)))
                .collect(),
        ),
        _ => Value::List(vec![]),
    };
    Inline {
        acceleration_status: Value::string(""),
        request_payer: Value::string(""),
        replication_configuration: Value::List(vec![]),
        grant: Value::List(vec![]),
        website: Value::List(vec![]),
        lifecycle_rule,
        policy: policy.and_then(|mut p| p.remove("policy")).unwrap_or_else(|| Value::string("")),
        cors_rule,
        logging: one_block(schema, "logging", logging.map(Value::Map).as_ref()),
        server_side_encryption_configuration: one_block(
            schema,
            "server_side_encryption_configuration",
            encryption.map(Value::Map).as_ref(),
        ),
        versioning: Value::List(versioning.into_iter().collect()),
    }
}

/// An inline `lifecycle_rule` in `aws_s3_bucket_lifecycle_configuration`'s rule shape, as the
/// provider expands it: `enabled` the status, the prefix (and tags, with an `and`) the filter,
/// `abort_incomplete_multipart_upload_days` above 0 the abort, dates at midnight UTC, an
/// expiration's date, else its days above 0, else its delete marker; a transition's date, else
/// its days; `days` the noncurrent days. The split resource's builder ([`rule`]) makes the
/// request's rule of it.
fn split_lifecycle_rule(inline: &Value) -> Value {
    let midnight = |item: &Value| match non_empty(item, "date") {
        Some(date) => Value::string(format!("{date}T00:00:00Z")),
        None => Value::Null,
    };
    let prefix = Value::string(string(inline, "prefix").unwrap_or_default());
    let filter = match inline.get("tags").as_map().filter(|t| !t.is_empty()) {
        Some(tags) => Value::map([(
            "and",
            Value::List(vec![Value::map([("prefix", prefix), ("tags", Value::Map(tags.clone()))])]),
        )]),
        None => Value::map([("prefix", prefix)]),
    };
    let expiration = single(inline, "expiration").map(|e| {
        let date = midnight(e);
        let days = int(e, "days").filter(|d| *d > 0);
        let marker = match (&date, days) {
            (Value::Null, None) => e.get("expired_object_delete_marker").clone(),
            _ => Value::Null,
        };
        Value::map([
            ("date", date),
            ("days", number(days.map(i64::from))),
            ("expired_object_delete_marker", marker),
        ])
    });
    let abort = int(inline, "abort_incomplete_multipart_upload_days")
        .filter(|d| *d > 0)
        .map(|d| Value::map([("days_after_initiation", Value::Number(f64::from(d)))]));
    let noncurrent = |item: &Value| {
        Value::map([
            ("noncurrent_days", item.get("days").clone()),
            ("storage_class", item.get("storage_class").clone()),
        ])
    };
    let transition = |item: &Value| {
        let date = midnight(item);
        let days = match date {
            Value::Null => item.get("days").clone(),
            _ => Value::Null,
        };
        Value::map([
            ("date", date),
            ("days", days),
            ("storage_class", item.get("storage_class").clone()),
        ])
    };
    let status = match boolean(inline, "enabled") {
        Some(true) => "Enabled",
        _ => "Disabled",
    };
    Value::map([
        ("id", text(non_empty(inline, "id").as_deref())),
        ("status", Value::string(status)),
        ("filter", Value::List(vec![filter])),
        ("abort_incomplete_multipart_upload", Value::List(abort.into_iter().collect())),
        ("expiration", Value::List(expiration.into_iter().collect())),
        (
            "noncurrent_version_expiration",
            Value::List(
                single(inline, "noncurrent_version_expiration")
                    .map(noncurrent)
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "noncurrent_version_transition",
            Value::List(
                blocks(inline, "noncurrent_version_transition").iter().map(noncurrent).collect(),
            ),
        ),
        ("transition", Value::List(blocks(inline, "transition").iter().map(transition).collect())),
    ])
}

/// The rules an inline `lifecycle_rule` list sends. A rule without an action gets the
/// provider's `ExpiredObjectDeleteMarker = false` expiration (S3 wants one action at least).
fn lifecycle_rules(planned: &Value) -> Result<Vec<LifecycleRule>, ProviderError> {
    let mut rules = Vec::new();
    for inline in blocks(planned, "lifecycle_rule") {
        let mut sent = rule(&split_lifecycle_rule(inline))?;
        if sent.abort_incomplete_multipart_upload.is_none()
            && sent.expiration.is_none()
            && sent.noncurrent_version_expiration.is_none()
            && sent.noncurrent_version_transitions.is_none()
            && sent.transitions.is_none()
        {
            sent.expiration =
                Some(LifecycleExpiration::builder().expired_object_delete_marker(false).build());
        }
        rules.push(sent);
    }
    Ok(rules)
}

/// A rule `aws_s3_bucket_lifecycle_configuration`'s reader read, in the inline shape, as the
/// provider flattens it: the filter's (or the rule's) prefix and tags, `enabled` from the
/// status, dates as `YYYY-MM-DD`, noncurrent days as `days`.
fn inline_lifecycle_rule(read: &Value) -> Value {
    let filter = single(read, "filter");
    let and = filter.and_then(|f| single(f, "and"));
    let prefix = [and, filter, Some(read)].into_iter().flatten().find_map(|v| string(v, "prefix"));
    let tags = match (and, filter.and_then(|f| single(f, "tag"))) {
        (Some(and), _) => and.get("tags").clone(),
        (None, Some(tag)) => {
            Value::map([(string(tag, "key").unwrap_or_default(), tag.get("value").clone())])
        }
        (None, None) => Value::Null,
    };
    let day = |item: &Value| match item.get("date").as_str() {
        Some(date) => Value::string(date.get(..10).unwrap_or(date)),
        None => Value::Null,
    };
    let dated = |item: &Value, rest: (&'static str, &'static str)| {
        Value::map([
            ("date", day(item)),
            ("days", item.get("days").clone()),
            (rest.0, item.get(rest.1).clone()),
        ])
    };
    let noncurrent = |item: &Value| {
        Value::map([
            ("days", item.get("noncurrent_days").clone()),
            ("storage_class", item.get("storage_class").clone()),
        ])
    };
    let each = |block: &str, f: &dyn Fn(&Value) -> Value| {
        Value::List(blocks(read, block).iter().map(f).collect())
    };
    let abort = single(read, "abort_incomplete_multipart_upload")
        .map(|a| a.get("days_after_initiation").clone())
        .unwrap_or(Value::Null);
    let enabled = string(read, "status").as_deref() == Some("Enabled");
    Value::map([
        ("id", read.get("id").clone()),
        ("enabled", Value::Bool(enabled)),
        ("prefix", text(prefix.as_deref())),
        ("tags", tags),
        ("abort_incomplete_multipart_upload_days", abort),
        (
            "expiration",
            each("expiration", &|e| {
                dated(e, ("expired_object_delete_marker", "expired_object_delete_marker"))
            }),
        ),
        (
            "noncurrent_version_expiration",
            each("noncurrent_version_expiration", &|e| {
                Value::map([("days", e.get("noncurrent_days").clone())])
            }),
        ),
        ("noncurrent_version_transition", each("noncurrent_version_transition", &noncurrent)),
        ("transition", each("transition", &|t| dated(t, ("storage_class", "storage_class")))),
    ])
}

/// The status and MFA delete a change of `versioning` sends, as the provider expands them: on
/// create only what is enabled (nothing when neither is, so a new bucket is not asked for
/// versioning); on update both, `Suspended` / `Disabled` for false.
fn versioning_request(
    create: bool,
    planned: &Value,
) -> Option<(Option<BucketVersioningStatus>, Option<MfaDelete>)> {
    let versioning = single(planned, "versioning")?;
    let enabled = boolean(versioning, "enabled").unwrap_or(false);
    let mfa_delete = boolean(versioning, "mfa_delete").unwrap_or(false);
    if create {
        let status = enabled.then_some(BucketVersioningStatus::Enabled);
        let mfa = mfa_delete.then_some(MfaDelete::Enabled);
        return (status.is_some() || mfa.is_some()).then_some((status, mfa));
    }
    Some((
        Some(if enabled {
            BucketVersioningStatus::Enabled
        } else {
            BucketVersioningStatus::Suspended
        }),
        Some(if mfa_delete { MfaDelete::Enabled } else { MfaDelete::Disabled }),
    ))
}

/// The prefix of a generated name (`prefix` + 26 digits), as the provider derives
/// `bucket_prefix` on import.
fn generated_prefix(name: &str) -> Option<&str> {
    let split = name.len().checked_sub(26)?;
    let (prefix, suffix) = (name.get(..split)?, name.get(split..)?);
    suffix.bytes().all(|b| b.is_ascii_digit()).then_some(prefix)
}

/// The arguments the name a create uses comes from ([`bucket_name`]): `bucket`, else
/// `bucket_prefix`, else [`GENERATED_PREFIX`], plus a unique suffix.
const BUCKET_NAME_ARGUMENTS: [&str; 2] = ["bucket", "bucket_prefix"];
/// The prefix of a generated name when neither `bucket` nor `bucket_prefix` is configured.
const GENERATED_PREFIX: &str = "terraform-";

/// Whether `name` is one [`bucket_name`] generated: `bucket_prefix` (or `terraform-`, when
/// neither it nor `bucket` was configured) and 26 digits.
fn is_generated(planned: &Value, name: &str) -> bool {
    let prefix = non_empty(planned, "bucket_prefix").unwrap_or_else(|| GENERATED_PREFIX.into());
    generated_prefix(name) == Some(prefix.as_str())
}

/// The name a create uses: `bucket`, else `bucket_prefix` (or `terraform-`) plus 26 digits.
/// The same for every call of one operation ([`name_for_create`]).
fn bucket_name(operation: &Operation, planned: &Value) -> String {
    name_for_create(operation, planned, BUCKET_NAME_ARGUMENTS, GENERATED_PREFIX)
}

/// The provider's check of inline lifecycle rules the schema cannot express: dates as
/// `YYYY-MM-DD` (its validBucketLifecycleTimestamp).
fn lifecycle_problems(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (i, rule) in blocks(config, "lifecycle_rule").iter().enumerate() {
        for block in ["expiration", "transition"] {
            for (j, item) in blocks(rule, block).iter().enumerate() {
                let Some(date) = item.get("date").as_str() else {
                    continue;
                };
                let parsed = aws_smithy_types::DateTime::from_str(
                    &format!("{date}T00:00:00Z"),
                    aws_smithy_types::date_time::Format::DateTime,
                );
                if date.len() != 10 || parsed.is_err() {
                    problems.push((
                        format!("lifecycle_rule[{i}].{block}[{j}].date"),
                        format!("\"{date}\" cannot be parsed as RFC3339 Timestamp Format"),
                    ));
                }
            }
        }
    }
    problems
}

/// Whether the configuration sets `key` (an attribute, or one block at least).
fn is_set(config: &Value, key: &str) -> bool {
    match config.get(key) {
        Value::Null => false,
        Value::List(items) => !items.is_empty(),
        _ => true,
    }
}

/// The provider's checks among the inline settings the schema cannot express: a grant's
/// permissions are S3's; a `website` has exactly one of `index_document` and
/// `redirect_all_requests_to`, the redirect with neither `error_document` nor
/// `routing_rules`, which is JSON.
fn inline_conflicts(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(site) = single(config, "website") {
        let exactly_one = "index_document,redirect_all_requests_to";
        match (
            is_set(site, "index_document"),
            is_set(site, "redirect_all_requests_to"),
        ) {
            (false, false) => problems.push((
                "website[0].index_document".to_string(),
                format!("\"website.0.index_document\": one of `website.0.{{{exactly_one}}}` must be specified"),
            )),
            (true, true) => problems.push((
                "website[0].index_document".to_string(),
                format!("\"website.0.index_document\": only one of `website.0.{{{exactly_one}}}` can be specified"),
            )),
            _ => {}
        }
        if is_set(site, "redirect_all_requests_to") {
            for other in ["error_document", "routing_rules"] {
                if is_set(site, other) {
                    problems.push((
                        "website[0].redirect_all_requests_to".to_string(),
                        format!(
                            "\"website.0.redirect_all_requests_to\": conflicts with \
                             website.0.{other}"
                        ),
                    ));
                }
            }
        }
        if let Some((_, problem)) = invalid_json(site, "routing_rules") {
            problems.push(("website[0].routing_rules".to_string(), problem));
        }
    }
    problems
}

/// S3's general-purpose bucket naming rules.
fn name_problem(name: &str, max: usize) -> Option<String> {
    if name.len() > max {
        return Some(format!("\"{name}\": must be at most {max} characters"));
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-') {
        return Some(format!(
            "\"{name}\": only lowercase alphanumeric characters, periods and hyphens are allowed"
        ));
    }
    None
}

impl AwsObject for BucketObject {
    type Object = Bucket;
    const NAME: &'static str = "aws_s3_bucket";
    const KIND: &'static str = "S3 bucket";
    const KEY: &'static str = "bucket";
    const KEY_WORD: &'static str = "name";
    const KEY_OR_ID: bool = true;

    fn attributes() -> Vec<Declared<Bucket>> {
        bucket_attributes()
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "read", "update", "delete"])
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
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
        problems.extend(invalid_json(config, "policy"));
        problems.extend(lifecycle_problems(config));
        problems.extend(inline_conflicts(config));
        problems
    }

    /// The generated `bucket` goes into the create's pending entry.
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, BUCKET_NAME_ARGUMENTS, GENERATED_PREFIX)
    }

    /// S3 has no batched describe: each bucket whole ([`bucket_of`]), one after another. Read
    /// without a prior, so a policy reads as S3's text; the type's own paths read with the
    /// prior or the planned value ([`AwsObject::describe_priors`], [`read_back`],
    /// [`BucketObject::find_created`]), and only [`ObjectType::found`] comes here.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Bucket> {
        key_by_key(keys, |bucket| bucket_of(this, bucket, &Value::Null)).await
    }

    /// Each prior's bucket read for that prior (its policy is kept as it wrote it, where S3's
    /// is the same document), one after another in the priors' order. As the family files
    /// answers by key, priors that name one bucket (a state that manages it twice) share the
    /// first one's read, its policy text included.
    async fn describe_priors(this: &ObjectType<Self>, priors: &[Value]) -> DescribeResult<Bucket> {
        let mut out = BTreeMap::new();
        for prior in priors {
            let Some(bucket) = Self::key_of(prior).filter(|key| !out.contains_key(key)) else {
                continue;
            };
            if let Some(found) = bucket_of(this, &bucket, prior).await? {
                out.insert(bucket, found);
            }
        }
        Ok(out)
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Bucket>, ProviderError> {
        let clients = at.this.aws.clients().await;
        let client = &clients.s3;
        let bucket = bucket_name(at.operation, at.planned);
        let region = clients.region.clone();
        // The provider sends a canned ACL with every create, `private` when none is set.
        let acl = string(at.planned, "acl").unwrap_or_else(|| "private".to_string());
        let mut request =
            client.create_bucket().bucket(&bucket).acl(BucketCannedAcl::from(acl.as_str()));
        if region != "us-east-1" {
            request = request.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region.as_str()))
                    .build(),
            );
        }
        // Object Lock is enabled at creation only: by `object_lock_enabled`, or the inline
        // block's `object_lock_enabled = "Enabled"`.
        let inline_lock = single(at.planned, "object_lock_configuration")
            .and_then(|lock| string(lock, "object_lock_enabled"));
        if boolean(at.planned, "object_lock_enabled") == Some(true)
            || inline_lock.as_deref() == Some("Enabled")
        {
            request = request.object_lock_enabled_for_bucket(true);
        }
        // Its tags come after CreateBucket, so a configured bucket whose create answer was
        // lost is found by having been absent before the first send (`find_created`).
        if !is_generated(at.planned, &bucket) && !create_memo::recorded(at.operation) {
            let absent = matches!(
                client.head_bucket().bucket(&bucket).send().await.map_err(aws_error),
                Err(error) if is_gone(&error)
            );
            create_memo::record(at.operation, (!absent).then(|| bucket.clone()));
        }
        request.send().await.map_err(aws_error)?;
        put_tags(at.this, &bucket, &at.operation.tags_with_managed(at.planned)).await?;
        put_inline(at.this, &bucket, None, at.planned, at.operation.timeouts.update).await?;
        read_back(at.this, &bucket, at.planned).await
    }

    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Bucket>, ProviderError> {
        let prior = at.prior;
        put_inline(at.this, at.key, Some(prior), at.planned, at.operation.timeouts.update).await?;
        let (to_set, to_remove) = tag_changes(prior, at.planned);
        if !to_set.is_empty() || !to_remove.is_empty() {
            // S3 replaces the whole tag set; the managed tags stay in it.
            put_tags(at.this, at.key, &at.operation.tags_with_managed(at.planned)).await?;
        }
        read_back(at.this, at.key, at.planned).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let bucket = at.key;
        let client = &at.this.aws.clients().await.s3;
        if boolean(at.prior, "force_destroy") == Some(true) {
            empty_bucket(client, bucket).await?;
        }
        match client.delete_bucket().bucket(bucket).send().await.map_err(aws_error) {
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

    /// A configured `bucket` is adopted when it carries this address's managed tags, or when
    /// this run's create saw it absent before its first send (`create_memo`). A
    /// generated name is the one this create's operation made and journaled
    /// (`with_generated_names`), globally unique, so a bucket of that name is the one the lost
    /// or interrupted create made, tagged or not (its tags come after CreateBucket, and the
    /// adoption's update puts them). Otherwise buckets of `bucket_prefix` with the managed
    /// tags are looked for.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Bucket> {
        let name = bucket_name(at.operation, at.planned);
        let made_by_this_create = is_generated(at.planned, &name)
            || create_memo::made_since_first_send(at.operation, [name.as_str()])
                .is_some_and(|made| !made.is_empty());
        if made_by_this_create && find(at.this, &name).await?.is_some() {
            return bucket_of(at.this, &name, at.planned).await;
        }
        let client = &at.this.aws.clients().await.s3;
        let names = match non_empty(at.planned, "bucket") {
            Some(name) => vec![name],
            None => {
                let prefix = non_empty(at.planned, "bucket_prefix")
                    .unwrap_or_else(|| GENERATED_PREFIX.into());
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
            if let Some(found) = find(at.this, &name).await? {
                if has_managed_tags(&found.tags, at.operation) {
                    return bucket_of(at.this, &name, at.planned).await;
                }
            }
        }
        Ok(None)
    }
}

/// The bucket just written, read for `planned`.
async fn read_back(
    this: &AwsS3Bucket,
    bucket: &str,
    planned: &Value,
) -> Result<Tagged<Bucket>, ProviderError> {
    bucket_of(this, bucket, planned).await?.ok_or_else(|| vanished(BucketObject::KIND, bucket))
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::Nesting;

    fn bucket() -> AwsS3Bucket {
        AwsS3Bucket::new(crate::Aws::new(crate::ProviderSettings::default()))
    }

    /// Every inline setting provider v5 accepted is taken now; `bucket_namespace` alone is a
    /// located error.
    #[test]
    fn every_v5_inline_setting_is_taken() {
        let schema = bucket().schema().clone();
        let refused: Vec<&str> = schema
            .attributes
            .iter()
            .filter(|a| a.not_supported.is_some())
            .map(|a| a.name)
            .chain(schema.blocks.iter().filter(|b| b.not_supported.is_some()).map(|b| b.name))
            .collect();
        assert_eq!(refused, ["bucket_namespace"]);
        // A replication configuration needs its rules, as in the provider's schema.
        let problems = schema.validate(&Value::map([
            ("bucket", Value::string("logs")),
            (
                "replication_configuration",
                Value::List(vec![Value::map([(
                    "role",
                    Value::string("arn:aws:iam::123456789012:role/replication"),
                )])]),
            ),
        ]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].0.starts_with("replication_configuration"));
        assert!(problems[0].1.contains("rules"), "{problems:?}");
        let unset = Value::map([
            ("bucket", Value::string("logs")),
            ("replication_configuration", Value::List(vec![])),
        ]);
        assert_eq!(schema.validate(&unset), vec![]);
    }

    /// A replication rule as a configuration writes it (V2, with a filter, unless `filter` is
    /// `None`).
    fn replication_rule(filter: Option<Value>) -> Value {
        let one = |entries: Vec<(&str, Value)>| Value::List(vec![Value::map(entries)]);
        let mut rule = vec![
            ("id", Value::string("logs")),
            ("status", Value::string("Enabled")),
            ("priority", Value::Number(2.0)),
            ("prefix", Value::string("v1/")),
            (
                "destination",
                one(vec![
                    ("bucket", Value::string("arn:aws:s3:::replica")),
                    ("storage_class", Value::string("STANDARD_IA")),
                    ("account_id", Value::string("123456789012")),
                    ("replica_kms_key_id", Value::string("arn:aws:kms:key")),
                    (
                        "access_control_translation",
                        one(vec![("owner", Value::string("Destination"))]),
                    ),
                    (
                        "metrics",
                        one(vec![
                            ("minutes", Value::Number(15.0)),
                            ("status", Value::string("Enabled")),
                        ]),
                    ),
                ]),
            ),
            (
                "source_selection_criteria",
                one(vec![("sse_kms_encrypted_objects", one(vec![("enabled", Value::Bool(true))]))]),
            ),
        ];
        if let Some(filter) = filter {
            rule.push(("filter", Value::List(vec![filter])));
        }
        Value::map([
            ("role", Value::string("arn:aws:iam::123456789012:role/replication")),
            ("rules", Value::List(vec![Value::map(rule)])),
        ])
    }

    /// `replication_configuration` is taken as provider 6.x declares it: Optional+Computed, at
    /// most one, deprecated with its message; `rules` a set of at least one, each with one
    /// destination; the metrics' and replication time's defaults (15 minutes, `Enabled`) and
    /// ranges; the provider's checks of IDs, prefixes, the destination's ARN and account.
    #[test]
    fn replication_has_the_providers_schema_and_checks() {
        let schema = bucket().schema().clone();
        let block = schema.block_named("replication_configuration").unwrap();
        assert!(block.computed && block.not_supported.is_none());
        assert_eq!(block.max_items, Some(1));
        assert_eq!(
            block.deprecated,
            Some(
                "replication_configuration is deprecated. Use the \
                 aws_s3_bucket_replication_configuration resource instead."
            )
        );
        let rules = block.schema.block_named("rules").unwrap();
        assert_eq!((rules.nesting, rules.min_items), (Nesting::Set, 1));
        let destination = rules.schema.block_named("destination").unwrap();
        assert_eq!((destination.min_items, destination.max_items), (1, Some(1)));
        for (name, low) in [("metrics", 10), ("replication_time", 15)] {
            let nested = &destination.schema.block_named(name).unwrap().schema;
            let minutes = nested.attribute("minutes").unwrap();
            assert_eq!(minutes.default, Some(Value::Number(15.0)));
            assert_eq!(minutes.checks, [Check::Range(low, 15)]);
            assert_eq!(nested.attribute("status").unwrap().default, Some(Value::string("Enabled")));
        }

        let config = |replication: Value| {
            let config = Value::map([
                ("bucket", Value::string("logs")),
                ("replication_configuration", Value::List(vec![replication])),
            ]);
            let mut problems = schema.validate(&config);
            problems.extend(bucket().validate(&config));
            problems
        };
        let filter = Value::map([("prefix", Value::string("logs/"))]);
        assert_eq!(config(replication_rule(Some(filter.clone()))), vec![]);
        let mut bad = replication_rule(Some(filter));
        let rule = &mut bad.map_mut().unwrap().get_mut("rules").unwrap();
        let Value::List(rules) = rule else { unreachable!() };
        let rule = rules[0].map_mut().unwrap();
        rule.insert("id".into(), Value::string("x".repeat(256)));
        let Value::List(destination) = rule.get_mut("destination").unwrap() else { unreachable!() };
        let destination = destination[0].map_mut().unwrap();
        destination.insert("bucket".into(), Value::string("replica"));
        destination.insert("account_id".into(), Value::string("1234"));
        destination.insert("storage_class".into(), Value::string("TAPE"));
        let problems = config(bad);
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths.len(), 4, "{problems:?}");
        for (path, message) in [
            ("rules[0].id", "expected length of"),
            ("destination[0].bucket", "is an invalid ARN: arn: invalid prefix"),
            (
                "destination[0].account_id",
                "doesn't look like AWS Account ID (exactly 12 digits): \"1234\"",
            ),
        ] {
            assert!(
                problems.iter().any(|(p, m)| p.ends_with(path) && m.contains(message)),
                "{path}: {problems:?}"
            );
        }
    }

    /// The inline replication goes out as the provider expands it: a rule with a filter as
    /// S3's V2 rule (the prefix and tags as an `and`, its priority, delete marker replication
    /// `Disabled` unset), one without as a V1 rule (its prefix); the destination's parts each
    /// when set; only when the plan's versioning is enabled.
    #[test]
    #[allow(deprecated)] // a V1 rule's prefix
    fn replication_is_sent_as_the_provider_expands_it() {
        let tagged = Value::map([
            ("prefix", Value::string("logs/")),
            (
                "tags",
                Value::map([
                    ("kind", Value::string("log")),
                    ("aws:cloudformation:stack-name", Value::string("x")),
                ]),
            ),
        ]);
        let sent = replication_configuration(&replication_rule(Some(tagged))).unwrap();
        assert_eq!(sent.role(), "arn:aws:iam::123456789012:role/replication");
        let rule = &sent.rules()[0];
        assert_eq!(rule.id(), Some("logs"));
        assert_eq!(rule.priority(), Some(2));
        assert_eq!(rule.prefix(), None, "a V2 rule has no prefix of its own");
        let and = rule.filter().and_then(|f| f.and()).expect("an and filter");
        assert_eq!(and.prefix(), Some("logs/"));
        let keys: Vec<&str> = and.tags().iter().map(|t| t.key()).collect();
        assert_eq!(keys, ["kind"], "aws: tags are left out");
        assert_eq!(
            rule.delete_marker_replication().and_then(|m| m.status()),
            Some(&DeleteMarkerReplicationStatus::Disabled)
        );
        let destination = rule.destination().unwrap();
        assert_eq!(destination.bucket(), "arn:aws:s3:::replica");
        assert_eq!(destination.account(), Some("123456789012"));
        assert_eq!(destination.storage_class(), Some(&StorageClass::StandardIa));
        assert_eq!(
            destination.encryption_configuration().and_then(|e| e.replica_kms_key_id()),
            Some("arn:aws:kms:key")
        );
        let metrics = destination.metrics().unwrap();
        assert_eq!(metrics.event_threshold().and_then(|t| t.minutes()), Some(15));
        assert!(destination.replication_time().is_none());
        assert_eq!(
            rule.source_selection_criteria()
                .and_then(|c| c.sse_kms_encrypted_objects())
                .map(|o| o.status()),
            Some(&SseKmsEncryptedObjectsStatus::Enabled)
        );

        let versioning = |enabled: bool| {
            Value::map([(
                "versioning",
                Value::List(vec![Value::map([("enabled", Value::Bool(enabled))])]),
            )])
        };
        assert!(versioned_for_replication("logs", &versioning(true)).is_ok());
        assert_eq!(
            versioned_for_replication("logs", &versioning(false)).unwrap_err().message,
            "versioning must be enabled on S3 Bucket (logs) to allow replication"
        );
        assert!(versioned_for_replication("logs", &Value::Null).is_err());

        let sent = replication_configuration(&replication_rule(Some(Value::map([(
            "prefix",
            Value::Null,
        )]))))
        .unwrap();
        assert_eq!(sent.rules()[0].filter().and_then(|f| f.prefix()), Some(""));
        let v1 = replication_configuration(&replication_rule(None)).unwrap();
        let rule = &v1.rules()[0];
        assert_eq!(rule.prefix(), Some("v1/"));
        assert!(rule.filter().is_none() && rule.priority().is_none());
        assert!(rule.delete_marker_replication().is_none());
    }

    /// GetBucketReplication's answer reads back as the provider flattens it: its rules in the
    /// inline shape, unset arguments their zero values, `delete_marker_replication_status` only
    /// when `Enabled`, a filter's `and` as its prefix and tags.
    #[test]
    fn replication_is_read_as_the_provider_flattens_it() {
        let schema = bucket().schema().clone();
        let sent = replication_configuration(&replication_rule(Some(Value::map([
            ("prefix", Value::string("logs/")),
            ("tags", Value::map([("kind", Value::string("log"))])),
        ]))))
        .unwrap();
        let read = replication_block(&schema, &sent);
        let block = &read.as_list().unwrap()[0];
        assert_eq!(block.get("role").as_str(), Some("arn:aws:iam::123456789012:role/replication"));
        let rule = &blocks(block, "rules")[0];
        assert_eq!(rule.get("id").as_str(), Some("logs"));
        assert_eq!(rule.get("priority"), &Value::Number(2.0));
        assert_eq!(rule.get("prefix"), &Value::string(""));
        assert_eq!(
            rule.get("delete_marker_replication_status"),
            &Value::string(""),
            "Disabled reads as unset"
        );
        assert_eq!(
            rule.get("filter"),
            &Value::List(vec![Value::map([
                ("prefix", Value::string("logs/")),
                ("tags", Value::map([("kind", Value::string("log"))])),
            ])])
        );
        let destination = single(rule, "destination").unwrap();
        assert_eq!(destination.get("replica_kms_key_id").as_str(), Some("arn:aws:kms:key"));
        assert_eq!(
            destination.get("metrics"),
            &Value::List(vec![Value::map([
                ("minutes", Value::Number(15.0)),
                ("status", Value::string("Enabled")),
            ])])
        );
        assert_eq!(destination.get("replication_time"), &Value::List(vec![]));
        assert_eq!(
            single(rule, "source_selection_criteria").map(|c| c.get("sse_kms_encrypted_objects")),
            Some(&Value::List(vec![Value::map([("enabled", Value::Bool(true))])]))
        );

        let v1 = replication_block(
            &schema,
            &replication_configuration(&replication_rule(None)).unwrap(),
        );
        let rule = &blocks(&v1.as_list().unwrap()[0], "rules")[0];
        assert_eq!(rule.get("prefix").as_str(), Some("v1/"));
        assert_eq!(rule.get("priority"), &Value::Number(0.0));
        assert_eq!(rule.get("filter"), &Value::List(vec![]));
    }

    /// `acceleration_status` and `request_payer` are taken as provider 6.x declares them:
    /// Optional+Computed strings of S3's values, deprecated with its messages; each goes out as
    /// the provider sends it (only a value: left out, S3 keeps its own) and reads back as it
    /// reads S3's answer (`""` for a bucket whose acceleration was never set).
    #[test]
    fn acceleration_and_request_payment_are_taken_as_the_provider_takes_them() {
        let schema = bucket().schema().clone();
        for (name, resource, good, bad) in [
            (
                "acceleration_status",
                "aws_s3_bucket_accelerate_configuration",
                "Suspended",
                "Disabled",
            ),
            ("request_payer", "aws_s3_bucket_request_payment_configuration", "Requester", "Anyone"),
        ] {
            let attribute = schema.attribute(name).expect(name);
            assert!(
                attribute.is_computed()
                    && attribute.is_settable()
                    && attribute.not_supported.is_none(),
                "{name}"
            );
            assert_eq!(
                attribute.deprecated,
                Some(
                    format!("{name} is deprecated. Use the {resource} resource instead.").as_str()
                )
            );
            let with = |value: &str| {
                schema.validate(&Value::map([
                    ("bucket", Value::string("logs")),
                    (name, Value::string(value)),
                ]))
            };
            assert_eq!(with(good), vec![], "{name}");
            assert_eq!(with(bad).len(), 1, "{name}");
        }

        let sent = accelerate_configuration("Enabled");
        assert_eq!(sent.status(), Some(&BucketAccelerateStatus::Enabled));
        let sent = request_payment("Requester").unwrap();
        assert_eq!(sent.payer(), &Payer::Requester);

        let never_set = aws_sdk_s3::operation::get_bucket_accelerate_configuration::GetBucketAccelerateConfigurationOutput::builder().build();
        assert_eq!(acceleration_status(never_set.status()), Value::string(""));
        let suspended = aws_sdk_s3::operation::get_bucket_accelerate_configuration::GetBucketAccelerateConfigurationOutput::builder()
            .status(BucketAccelerateStatus::Suspended)
            .build();
        assert_eq!(acceleration_status(suspended.status()), Value::string("Suspended"));
        let payment =
            aws_sdk_s3::operation::get_bucket_request_payment::GetBucketRequestPaymentOutput::builder()
                .payer(Payer::BucketOwner)
                .build();
        assert_eq!(request_payer(payment.payer()), Value::string("BucketOwner"));
        // Where S3 has no acceleration, its answer reads as none.
        let unsupported: Result<Option<Value>, ProviderError> =
            Err(ProviderError::with_code("UnsupportedArgument", "no"));
        assert_eq!(configured(unsupported, NO_ACCELERATION).unwrap(), None);
    }

    /// `policy`, `cors_rule`, `logging`, `server_side_encryption_configuration` and
    /// `versioning` are taken as provider 6.x declares them: Optional+Computed, the blocks'
    /// arguments with the provider's Required/Optional, defaults and checks; `policy` warns
    /// with the provider's deprecation message.
    #[test]
    fn the_inline_settings_infra_takes_have_the_providers_schema() {
        let schema = bucket().schema().clone();
        let policy = schema.attribute("policy").expect("policy");
        assert!(policy.is_computed() && policy.is_settable() && policy.not_supported.is_none());
        assert_eq!(
            policy.deprecated,
            Some("policy is deprecated. Use the aws_s3_bucket_policy resource instead.")
        );
        for (name, max) in [
            ("cors_rule", None),
            ("lifecycle_rule", None),
            ("logging", Some(1)),
            ("server_side_encryption_configuration", Some(1)),
            ("versioning", Some(1)),
        ] {
            let block = schema.block_named(name).expect(name);
            assert!(block.computed && block.not_supported.is_none(), "{name}");
            assert_eq!(block.max_items, max, "{name}");
            let message = block.deprecated.expect(name);
            assert!(
                message.starts_with(&format!("{name} is deprecated. Use the aws_s3_bucket_")),
                "{message}"
            );
        }
        let versioning = &schema.block_named("versioning").unwrap().schema;
        for name in ["enabled", "mfa_delete"] {
            assert_eq!(versioning.attribute(name).unwrap().default, Some(Value::Bool(false)));
        }
        let logging = &schema.block_named("logging").unwrap().schema;
        assert!(!logging.attribute("target_bucket").unwrap().is_computed());
        assert_eq!(logging.attribute("target_prefix").unwrap().default, None);
        let cors = &schema.block_named("cors_rule").unwrap().schema;
        assert!(cors.attribute("id").is_none(), "the inline rule has no id");

        let with = |key: &str, value: Value| {
            schema.validate(&Value::map([("bucket", Value::string("logs")), (key, value)]))
        };
        let sse = |algorithm: &str| {
            Value::List(vec![Value::map([(
                "rule",
                Value::List(vec![Value::map([(
                    "apply_server_side_encryption_by_default",
                    Value::List(vec![Value::map([("sse_algorithm", Value::string(algorithm))])]),
                )])]),
            )])])
        };
        assert_eq!(with("server_side_encryption_configuration", sse("aws:kms")), vec![]);
        assert_eq!(with("server_side_encryption_configuration", sse("DES")).len(), 1);
        let no_rule = Value::List(vec![Value::map([("rule", Value::List(vec![]))])]);
        assert_eq!(with("server_side_encryption_configuration", no_rule).len(), 1);
        let rule = |methods: Vec<Value>| {
            Value::List(vec![Value::map([
                ("allowed_methods", Value::List(methods)),
                ("allowed_origins", Value::List(vec![Value::string("*")])),
            ])])
        };
        assert_eq!(with("cors_rule", rule(vec![Value::string("GET")])), vec![]);
        let no_bucket = Value::List(vec![Value::map([("target_prefix", Value::string("l/"))])]);
        assert_eq!(with("logging", no_bucket).len(), 1);
        let policy =
            Value::map([("bucket", Value::string("logs")), ("policy", Value::string("{not json"))]);
        assert_eq!(
            bucket().validate(&policy),
            vec![("policy".to_string(), "\"policy\" contains an invalid JSON".to_string())]
        );
    }

    /// `versioning` sends what the provider's expanders send: on create only what is enabled
    /// (no request for a bucket without versioning), on update the status and MFA delete both.
    #[test]
    fn versioning_is_requested_as_the_provider_expands_it() {
        let planned = |enabled: bool, mfa_delete: bool| {
            Value::map([(
                "versioning",
                Value::List(vec![Value::map([
                    ("enabled", Value::Bool(enabled)),
                    ("mfa_delete", Value::Bool(mfa_delete)),
                ])]),
            )])
        };
        assert_eq!(versioning_request(true, &planned(false, false)), None);
        assert_eq!(
            versioning_request(true, &planned(true, false)),
            Some((Some(BucketVersioningStatus::Enabled), None))
        );
        assert_eq!(
            versioning_request(false, &planned(false, false)),
            Some((Some(BucketVersioningStatus::Suspended), Some(MfaDelete::Disabled)))
        );
        assert_eq!(
            versioning_request(false, &planned(true, true)),
            Some((Some(BucketVersioningStatus::Enabled), Some(MfaDelete::Enabled)))
        );
        assert_eq!(
            versioning_request(false, &Value::map([("versioning", Value::List(vec![]))])),
            None
        );
    }

    /// What the split resources' readers answer becomes what provider 6.x stores: the values
    /// of a Terraform-written state (`policy = ""`, `versioning` one object of false,
    /// `kms_master_key_id = ""`, `bucket_key_enabled = false`, `max_age_seconds = 0`), and
    /// empty blocks for what a bucket does not have.
    #[test]
    fn the_inline_settings_read_back_as_the_provider_stores_them() {
        let schema = bucket().schema().clone();
        let none = inline_value(&schema, vec![None; 6]);
        assert_eq!(none.policy, Value::string(""));
        for block in [
            &none.cors_rule,
            &none.logging,
            &none.server_side_encryption_configuration,
            &none.versioning,
        ] {
            assert_eq!(block, &Value::List(vec![]));
        }

        let map = |value: Value| value.as_map().cloned();
        let read = inline_value(
            &schema,
            vec![
                map(Value::map([("policy", Value::string("{\"Version\":\"2012-10-17\"}"))])),
                map(Value::map([(
                    "cors_rule",
                    Value::List(vec![Value::map([
                        ("id", Value::Null),
                        ("allowed_headers", Value::List(vec![])),
                        ("allowed_methods", Value::List(vec![Value::string("GET")])),
                        ("allowed_origins", Value::List(vec![Value::string("*")])),
                        ("expose_headers", Value::List(vec![])),
                        ("max_age_seconds", Value::Null),
                    ])]),
                )])),
                map(Value::map([(
                    "versioning_configuration",
                    Value::List(vec![Value::map([
                        ("status", Value::string("Suspended")),
                        ("mfa_delete", Value::string("Enabled")),
                    ])]),
                )])),
                map(Value::map([
                    ("target_bucket", Value::string("logs")),
                    ("target_prefix", Value::string("")),
                    ("target_grant", Value::List(vec![])),
                ])),
                None,
                map(Value::map([(
                    "rule",
                    Value::List(vec![Value::map([
                        ("bucket_key_enabled", Value::Null),
                        (
                            "apply_server_side_encryption_by_default",
                            Value::List(vec![Value::map([
                                ("sse_algorithm", Value::string("AES256")),
                                ("kms_master_key_id", Value::Null),
                            ])]),
                        ),
                    ])]),
                )])),
            ],
        );
        assert_eq!(read.policy, Value::string("{\"Version\":\"2012-10-17\"}"));
        assert_eq!(
            read.versioning,
            Value::List(vec![Value::map([
                ("enabled", Value::Bool(false)),
                ("mfa_delete", Value::Bool(true)),
            ])])
        );
        assert_eq!(
            read.cors_rule,
            Value::List(vec![Value::map([
                ("allowed_headers", Value::List(vec![])),
                ("allowed_methods", Value::List(vec![Value::string("GET")])),
                ("allowed_origins", Value::List(vec![Value::string("*")])),
                ("expose_headers", Value::List(vec![])),
                ("max_age_seconds", Value::Number(0.0)),
            ])])
        );
        assert_eq!(
            read.logging,
            Value::List(vec![Value::map([
                ("target_bucket", Value::string("logs")),
                ("target_prefix", Value::string("")),
            ])])
        );
        assert_eq!(
            read.server_side_encryption_configuration,
            Value::List(vec![Value::map([(
                "rule",
                Value::List(vec![Value::map([
                    (
                        "apply_server_side_encryption_by_default",
                        Value::List(vec![Value::map([
                            ("kms_master_key_id", Value::string("")),
                            ("sse_algorithm", Value::string("AES256")),
                        ])]),
                    ),
                    ("bucket_key_enabled", Value::Bool(false)),
                ])]),
            )])])
        );
    }

    fn lifecycle_rule(entries: Vec<(&str, Value)>) -> Value {
        Value::map([("lifecycle_rule", Value::List(vec![Value::map(entries)]))])
    }

    /// An inline lifecycle rule goes out as the provider expands it, through the split
    /// resource's builder: the prefix and tags as an `and` filter, the status from `enabled`,
    /// a date at midnight UTC, noncurrent days; a rule without an action gets the provider's
    /// `ExpiredObjectDeleteMarker = false`.
    #[test]
    fn inline_lifecycle_rules_are_sent_as_the_provider_expands_them() {
        let one = |days: f64| Value::List(vec![Value::map([("days", Value::Number(days))])]);
        let planned = lifecycle_rule(vec![
            ("id", Value::string("logs")),
            ("enabled", Value::Bool(true)),
            ("prefix", Value::string("logs/")),
            ("tags", Value::map([("kind", Value::string("log"))])),
            ("abort_incomplete_multipart_upload_days", Value::Number(7.0)),
            ("expiration", one(90.0)),
            ("noncurrent_version_expiration", one(30.0)),
            (
                "transition",
                Value::List(vec![Value::map([
                    ("date", Value::string("2030-01-01")),
                    ("storage_class", Value::string("GLACIER")),
                ])]),
            ),
        ]);
        let sent = &lifecycle_rules(&planned).unwrap()[0];
        assert_eq!(sent.id(), Some("logs"));
        assert_eq!(sent.status().as_str(), "Enabled");
        let and = sent.filter().and_then(|f| f.and()).expect("an and filter");
        assert_eq!(and.prefix(), Some("logs/"));
        assert_eq!(and.tags()[0].key(), "kind");
        assert_eq!(
            sent.abort_incomplete_multipart_upload().and_then(|a| a.days_after_initiation()),
            Some(7)
        );
        assert_eq!(sent.expiration().and_then(|e| e.days()), Some(90));
        assert_eq!(
            sent.noncurrent_version_expiration().and_then(|e| e.noncurrent_days()),
            Some(30)
        );
        let transition = &sent.transitions()[0];
        assert_eq!(transition.days(), None);
        assert_eq!(
            transition.date().map(|d| d.secs()),
            Some(1_893_456_000),
            "2030-01-01T00:00:00Z"
        );

        let bare = lifecycle_rule(vec![("enabled", Value::Bool(false))]);
        let sent = &lifecycle_rules(&bare).unwrap()[0];
        assert_eq!(sent.status().as_str(), "Disabled");
        assert_eq!(sent.id(), None, "S3 makes the ID");
        assert_eq!(sent.filter().and_then(|f| f.prefix()), Some(""));
        assert_eq!(sent.expiration().and_then(|e| e.expired_object_delete_marker()), Some(false));
    }

    /// A rule the split resource's reader read comes back in the inline shape: the filter's
    /// prefix and tags, `enabled`, a date as `YYYY-MM-DD`, noncurrent days as `days`, unset
    /// arguments their zero values.
    #[test]
    fn inline_lifecycle_rules_read_back_as_the_provider_flattens_them() {
        let schema = bucket().schema().clone();
        let read = Value::map([
            ("id", Value::string("logs")),
            ("status", Value::string("Enabled")),
            ("prefix", Value::Null),
            (
                "filter",
                Value::List(vec![Value::map([(
                    "and",
                    Value::List(vec![Value::map([
                        ("prefix", Value::string("logs/")),
                        ("tags", Value::map([("kind", Value::string("log"))])),
                    ])]),
                )])]),
            ),
            (
                "noncurrent_version_expiration",
                Value::List(vec![Value::map([("noncurrent_days", Value::Number(30.0))])]),
            ),
            (
                "transition",
                Value::List(vec![Value::map([
                    ("date", Value::string("2030-01-01T00:00:00Z")),
                    ("days", Value::Null),
                    ("storage_class", Value::string("GLACIER")),
                ])]),
            ),
        ]);
        let answer = Value::map([("rule", Value::List(vec![read]))]);
        let inline =
            inline_value(&schema, vec![None, None, None, None, answer.as_map().cloned(), None]);
        let rule = &inline.lifecycle_rule.as_list().unwrap()[0];
        assert_eq!(rule.get("id").as_str(), Some("logs"));
        assert_eq!(rule.get("enabled"), &Value::Bool(true));
        assert_eq!(rule.get("prefix").as_str(), Some("logs/"));
        assert_eq!(rule.get("tags"), &Value::map([("kind", Value::string("log"))]));
        assert_eq!(rule.get("abort_incomplete_multipart_upload_days"), &Value::Number(0.0));
        assert_eq!(
            rule.get("noncurrent_version_expiration"),
            &Value::List(vec![Value::map([("days", Value::Number(30.0))])])
        );
        assert_eq!(
            rule.get("transition"),
            &Value::List(vec![Value::map([
                ("date", Value::string("2030-01-01")),
                ("days", Value::Number(0.0)),
                ("storage_class", Value::string("GLACIER")),
            ])])
        );
        assert_eq!(rule.get("expiration"), &Value::List(vec![]));
    }

    /// The provider's checks of inline lifecycle rules: dates as `YYYY-MM-DD`, an `id` of at
    /// most 255 characters, days at least 0 (noncurrent expiration 1), known storage classes.
    #[test]
    fn inline_lifecycle_rules_are_checked_as_the_provider_checks_them() {
        let expiring = |date: &str| {
            lifecycle_rule(vec![
                ("enabled", Value::Bool(true)),
                ("expiration", Value::List(vec![Value::map([("date", Value::string(date))])])),
            ])
        };
        assert_eq!(bucket().validate(&expiring("2030-01-01")), vec![]);
        assert_eq!(
            bucket().validate(&expiring("2030-01-01T00:00:00Z")),
            vec![(
                "lifecycle_rule[0].expiration[0].date".to_string(),
                "\"2030-01-01T00:00:00Z\" cannot be parsed as RFC3339 Timestamp Format".to_string()
            )]
        );
        let schema = bucket().schema().clone();
        let with_bucket = |mut value: Value| {
            value.map_mut().unwrap().insert("bucket".into(), Value::string("logs"));
            value
        };
        let long_id = lifecycle_rule(vec![
            ("enabled", Value::Bool(true)),
            ("id", Value::string("x".repeat(256))),
        ]);
        assert_eq!(
            bucket().problems(&with_bucket(long_id)),
            [(
                "lifecycle_rule[0].id".to_string(),
                format!(
                    "expected length of lifecycle_rule.0.id to be in the range (0 - 255), got {}",
                    "x".repeat(256)
                )
            )]
        );
        let noncurrent = lifecycle_rule(vec![
            ("enabled", Value::Bool(true)),
            (
                "noncurrent_version_expiration",
                Value::List(vec![Value::map([("days", Value::Number(0.0))])]),
            ),
        ]);
        assert_eq!(schema.validate(&with_bucket(noncurrent)).len(), 1);
        let to_tape = lifecycle_rule(vec![
            ("enabled", Value::Bool(true)),
            (
                "transition",
                Value::List(vec![Value::map([
                    ("days", Value::Number(30.0)),
                    ("storage_class", Value::string("TAPE")),
                ])]),
            ),
        ]);
        assert_eq!(schema.validate(&with_bucket(to_tape)).len(), 1);
    }

    /// The answers that mean "none of this setting" (the kind's own, and those of stores
    /// without the API) read as none; others, a gone bucket's included, stay errors.
    #[test]
    fn not_configured_answers_read_as_none() {
        let answer = |code: &str| -> Result<Option<()>, ProviderError> {
            Err(ProviderError::with_code(code, "no"))
        };
        assert_eq!(
            configured(answer("NoSuchCORSConfiguration"), &["NoSuchCORSConfiguration"]).unwrap(),
            None
        );
        assert_eq!(configured(answer("NotImplemented"), &[]).unwrap(), None);
        assert!(configured(answer("NoSuchBucket"), &["NoSuchCORSConfiguration"]).is_err());
        assert!(configured(answer("AccessDenied"), &[]).is_err());
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

    /// `grant`, `website` and `object_lock_configuration` are taken as
    /// provider 6.x declares them: Optional+Computed and deprecated with its messages, the
    /// nested arguments with its Required/Optional and checks, and its ConflictsWith and
    /// ExactlyOneOf among them.
    #[test]
    fn the_later_inline_settings_have_the_providers_schema_and_checks() {
        let schema = bucket().schema().clone();
        for (name, max) in
            [("grant", None), ("object_lock_configuration", Some(1)), ("website", Some(1))]
        {
            let block = schema.block_named(name).expect(name);
            assert!(block.computed && block.not_supported.is_none(), "{name}");
            assert_eq!(block.max_items, max, "{name}");
            assert!(block
                .deprecated
                .expect(name)
                .starts_with(&format!("{name} is deprecated. Use the ")));
        }
        let lock = &schema.block_named("object_lock_configuration").unwrap().schema;
        let enabled = lock.attribute("object_lock_enabled").unwrap();
        assert!(enabled.force_new && enabled.deprecated.is_some());
        let retention = &lock.block_named("rule").unwrap().schema;
        assert_eq!(retention.block_named("default_retention").unwrap().min_items, 1);

        let with = |entries: Vec<(&str, Value)>| {
            let mut config = vec![("bucket", Value::string("logs"))];
            config.extend(entries);
            let config = Value::map(config);
            let mut problems = schema.validate(&config);
            problems.extend(bucket().validate(&config));
            problems
        };
        let grant = |permission: &str| {
            Value::List(vec![Value::map([
                ("type", Value::string("CanonicalUser")),
                ("id", Value::string("owner")),
                ("permissions", Value::List(vec![Value::string(permission)])),
            ])])
        };
        assert_eq!(with(vec![("grant", grant("FULL_CONTROL"))]), vec![]);
        assert_eq!(with(vec![("grant", grant("EVERYTHING"))]).len(), 1);
        let both = with(vec![("grant", grant("READ")), ("acl", Value::string("private"))]);
        assert_eq!(
            both,
            vec![
                ("acl".to_string(), "\"acl\": conflicts with grant".to_string()),
                ("grant".to_string(), "\"grant\": conflicts with acl".to_string()),
            ]
        );
        let named_twice = with(vec![("bucket_prefix", Value::string("logs-"))]);
        let messages: Vec<&str> = named_twice.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "\"bucket\": conflicts with bucket_prefix",
                "\"bucket_prefix\": conflicts with bucket"
            ]
        );
        let locked = with(vec![
            ("object_lock_enabled", Value::Bool(true)),
            (
                "object_lock_configuration",
                Value::List(vec![Value::map([("object_lock_enabled", Value::string("Enabled"))])]),
            ),
        ]);
        let messages: Vec<&str> = locked.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "\"object_lock_enabled\": conflicts with object_lock_configuration",
                "\"object_lock_configuration.0.object_lock_enabled\": conflicts with \
                 object_lock_enabled"
            ]
        );
        let site = |entries: Vec<(&str, &str)>| {
            Value::List(vec![Value::map(entries.into_iter().map(|(k, v)| (k, Value::string(v))))])
        };
        assert_eq!(with(vec![("website", site(vec![("index_document", "index.html")]))]), vec![]);
        let neither = with(vec![("website", site(vec![("error_document", "e.html")]))]);
        assert_eq!(neither[0].0, "website[0].index_document");
        let redirect_with_error = with(vec![(
            "website",
            site(vec![
                ("redirect_all_requests_to", "https://example.com"),
                ("error_document", "e.html"),
            ]),
        )]);
        assert_eq!(redirect_with_error[0].0, "website[0].redirect_all_requests_to");
        let bad_rules = with(vec![(
            "website",
            site(vec![("index_document", "i.html"), ("routing_rules", "[")]),
        )]);
        assert_eq!(bad_rules[0].0, "website[0].routing_rules");
        let locked =
            Value::List(vec![Value::map([("object_lock_enabled", Value::string("Enabled"))])]);
        let conflicting = with(vec![
            ("object_lock_configuration", locked.clone()),
            ("object_lock_enabled", Value::Bool(true)),
        ]);
        // The top-level argument and the nested one declare the conflict; the block does not.
        assert_eq!(conflicting.len(), 2, "{conflicting:?}");
        assert_eq!(with(vec![("object_lock_configuration", locked)]), vec![]);
    }

    /// Inline grants go out as the provider expands them (one grant a grantee and
    /// permission) and read back as it flattens GetBucketAcl's grants (one object a grantee,
    /// the owner's own included, unset strings `""`).
    #[test]
    fn grants_are_sent_and_read_as_the_provider_expands_and_flattens_them() {
        let planned = Value::map([(
            "grant",
            Value::List(vec![Value::map([
                ("type", Value::string("Group")),
                ("id", Value::Null),
                ("uri", Value::string("http://acs.amazonaws.com/groups/s3/LogDelivery")),
                (
                    "permissions",
                    Value::List(vec![Value::string("READ_ACP"), Value::string("WRITE")]),
                ),
            ])]),
        )]);
        let policy = Value::map([
            ("grant", Value::List(split_grants(&planned))),
            ("owner", Value::List(vec![Value::map([("id", Value::string("owner-id"))])])),
        ]);
        let sent = access_control_policy(&policy).unwrap();
        let permissions: Vec<&str> =
            sent.grants().iter().map(|g| g.permission().map_or("", |p| p.as_str())).collect();
        assert_eq!(permissions, ["READ_ACP", "WRITE"]);
        assert_eq!(sent.owner().and_then(|o| o.id()), Some("owner-id"));
        let grantee = sent.grants()[0].grantee().unwrap();
        assert_eq!(grantee.id(), None);
        assert_eq!(grantee.uri(), Some("http://acs.amazonaws.com/groups/s3/LogDelivery"));

        let grant = |grantee: Vec<(&str, Value)>, permission: &str| {
            Value::map([
                ("grantee", Value::List(vec![Value::map(grantee)])),
                ("permission", Value::string(permission)),
            ])
        };
        let owner =
            || vec![("type", Value::string("CanonicalUser")), ("id", Value::string("owner-id"))];
        let group = || {
            vec![("type", Value::string("Group")), ("uri", Value::string("http://acs/LogDelivery"))]
        };
        let read = Value::map([(
            "access_control_policy",
            Value::List(vec![Value::map([(
                "grant",
                Value::List(vec![
                    grant(owner(), "FULL_CONTROL"),
                    grant(group(), "WRITE"),
                    grant(group(), "READ_ACP"),
                ]),
            )])]),
        )]);
        let schema = bucket().schema().clone();
        assert_eq!(
            inline_grants(&schema, &read),
            Value::List(vec![
                Value::map([
                    ("id", Value::string("owner-id")),
                    ("permissions", Value::List(vec![Value::string("FULL_CONTROL")])),
                    ("type", Value::string("CanonicalUser")),
                    ("uri", Value::string("")),
                ]),
                Value::map([
                    ("id", Value::string("")),
                    (
                        "permissions",
                        Value::List(vec![Value::string("READ_ACP"), Value::string("WRITE")]),
                    ),
                    ("type", Value::string("Group")),
                    ("uri", Value::string("http://acs/LogDelivery")),
                ]),
            ])
        );
    }

    /// The inline Object Lock block reads back as the provider flattens
    /// GetObjectLockConfiguration (`days`/`years` 0 when unset, `[]` when the bucket has none)
    /// and goes out through `aws_s3_bucket_object_lock_configuration`'s request builder.
    #[test]
    fn the_inline_object_lock_is_read_and_sent_as_the_provider_does() {
        let schema = bucket().schema().clone();
        let read = Value::map([
            ("object_lock_enabled", Value::string("Enabled")),
            (
                "rule",
                Value::List(vec![Value::map([(
                    "default_retention",
                    Value::List(vec![Value::map([
                        ("days", Value::Number(3.0)),
                        ("mode", Value::string("GOVERNANCE")),
                        ("years", Value::Null),
                    ])]),
                )])]),
            ),
            ("token", Value::Null),
        ]);
        let inline = one_block(&schema, "object_lock_configuration", Some(&read));
        let block = &inline.as_list().unwrap()[0];
        assert_eq!(block.get("object_lock_enabled").as_str(), Some("Enabled"));
        let retention = single(single(block, "rule").unwrap(), "default_retention").unwrap();
        assert_eq!(retention.get("years"), &Value::Number(0.0));
        assert!(block.get("token").is_null(), "not an inline argument");
        assert_eq!(one_block(&schema, "object_lock_configuration", None), Value::List(vec![]));
        let sent = object_lock_configuration(block, false);
        let retention = sent.rule().and_then(|r| r.default_retention()).unwrap();
        assert_eq!((retention.days(), retention.years()), (Some(3), None), "a zero is not sent");
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
