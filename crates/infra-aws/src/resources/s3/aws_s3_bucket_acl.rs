//! `aws_s3_bucket_acl`: a bucket's access control list, as a canned `acl` or an explicit
//! `access_control_policy` (PutBucketAcl / GetBucketAcl); exactly one of the two is configured.
//! The ID is the provider's: the bucket, then `expected_bucket_owner` and the canned `acl` when
//! set, joined by commas (`bucket`, `bucket,private`, `bucket,123456789012`,
//! `bucket,123456789012,private`); the same four forms are the import IDs. `bucket` and
//! `expected_bucket_owner` force replacement; `acl` and `access_control_policy` change in
//! place. Refresh reads each bucket with one GetBucketAcl call (S3 has no batch read).
//!
//! `access_control_policy` is optional and computed: with a canned `acl` it holds the grants S3
//! reports for it. The canned ACL itself is not readable (S3 reports grants only), so `acl` is
//! kept from the configuration or the import ID, as the provider keeps it in the ID. Delete
//! only forgets the resource, as in the provider: S3 has no "delete ACL", and the bucket keeps
//! its last ACL. On AWS, a bucket whose object ownership is `BucketOwnerEnforced` (the default
//! for new buckets) refuses ACLs: set `aws_s3_bucket_ownership_controls` first.
//!
//! The shared [`crate::s3_support::BucketSubresource`] names the resource `bucket` or
//! `bucket,expected_bucket_owner`; [`Acl`]'s `identified` adds the canned ACL to the ID and its
//! `parse_import` reads the four import ID forms. In the provider a change of
//! `expected_bucket_owner` from unset to the caller's own account does not force replacement;
//! here every change does.
//!
//! moto answers every GetBucketAcl with its fixed owner (ID `75aa57f0...ba06a`, display name
//! `webfile`, not the ID its ListBuckets reports), so an `owner.id` other than that drifts in
//! tests. moto does not hold a grantee's `email_address`, and a grant of several permissions
//! (the canned `public-read-write`, `log-delivery-write`) reads back with its first only, so
//! drift on those is not seen (or is false) in tests.

use aws_sdk_s3::types::{AccessControlPolicy, BucketCannedAcl, Grant, Owner, Permission};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, known, non_empty, single, string, text, text_or_null};
use crate::s3_support::{
    bucket_call, fields, grant_value, grantee_of, BucketConfig, Fields, ImportId, Target,
};
use crate::verify::is_account_id;

/// The provider's canned ACLs: the SDK's enum plus `aws-exec-read` and `log-delivery-write`.
const CANNED_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "log-delivery-write",
];
const GRANTEE_TYPES: &[&str] = &["CanonicalUser", "AmazonCustomerByEmail", "Group"];
pub(crate) const PERMISSIONS: &[&str] = &["FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"];
/// An ACL is a canned one or a policy: the provider's `ExactlyOneOf` on each.
const POLICY_OR_ACL: &[&str] = &["access_control_policy", "acl"];

pub struct Acl;

/// The provider's ID: `bucket[,expected_bucket_owner][,acl]`.
fn acl_id(bucket: &str, owner: Option<&str>, acl: Option<&str>) -> String {
    [Some(bucket), owner, acl]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

fn is_bucket_name(text: &str) -> bool {
    (1..=255).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn is_canned_acl(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

/// An ID or import ID as `(bucket, expected_bucket_owner, acl)`, read as the provider does: a
/// 12-digit second part is the owner, a lower-case word with dashes is the canned ACL.
fn parse_acl_id(id: &str) -> Result<(String, Option<String>, Option<String>), ProviderError> {
    let parts: Vec<&str> = id.split(',').collect();
    match parts.as_slice() {
        [bucket] if is_bucket_name(bucket) => Ok((bucket.to_string(), None, None)),
        [bucket, owner] if is_bucket_name(bucket) && is_account_id(owner) => {
            Ok((bucket.to_string(), Some(owner.to_string()), None))
        }
        [bucket, acl] if is_bucket_name(bucket) && is_canned_acl(acl) => {
            Ok((bucket.to_string(), None, Some(acl.to_string())))
        }
        [bucket, owner, acl]
            if is_bucket_name(bucket) && is_account_id(owner) && is_canned_acl(acl) =>
        {
            Ok((bucket.to_string(), Some(owner.to_string()), Some(acl.to_string())))
        }
        _ => Err(ProviderError::new(format!(
            "unexpected format for ID ({id}), expected BUCKET or BUCKET,EXPECTED_BUCKET_OWNER or \
             BUCKET,ACL or BUCKET,EXPECTED_BUCKET_OWNER,ACL"
        ))),
    }
}

/// `value` (a read object) with the provider's ID.
fn with_acl_id(mut value: Value) -> Value {
    let id = acl_id(
        value.get("bucket").as_str().unwrap_or_default(),
        value.get("expected_bucket_owner").as_str(),
        value.get("acl").as_str(),
    );
    if let Some(entries) = value.map_mut() {
        entries.insert("id".into(), Value::string(id));
    }
    value
}

pub(crate) fn access_control_policy(policy: &Value) -> Result<AccessControlPolicy, ProviderError> {
    let mut grants = Vec::new();
    for grant in blocks(policy, "grant") {
        grants.push(
            Grant::builder()
                .set_grantee(grantee_of(grant)?)
                .set_permission(string(grant, "permission").map(|p| Permission::from(p.as_str())))
                .build(),
        );
    }
    let owner = single(policy, "owner").map(|o| {
        Owner::builder()
            .set_display_name(non_empty(o, "display_name"))
            .set_id(non_empty(o, "id"))
            .build()
    });
    Ok(AccessControlPolicy::builder()
        .set_grants(Some(grants).filter(|g| !g.is_empty()))
        .set_owner(owner)
        .build())
}

fn policy_value(owner: Option<&Owner>, grants: &[Grant]) -> Value {
    let grants = grants
        .iter()
        .map(|grant| grant_value(grant.grantee(), grant.permission().map(|p| p.as_str())))
        .collect();
    let owner = owner.map(|o| {
        Value::map([("display_name", text_or_null(o.display_name())), ("id", text(o.id()))])
    });
    Value::List(vec![Value::map([
        ("grant", Value::List(grants)),
        ("owner", Value::List(owner.into_iter().collect())),
    ])])
}

impl BucketConfig for Acl {
    const NAME: &'static str = "aws_s3_bucket_acl";

    fn schema() -> Schema {
        let grantee = Schema::new()
            .attr(Attribute::optional("email_address", Type::String))
            .attr(Attribute::computed("display_name", Type::String))
            .attr(Attribute::optional("id", Type::String))
            .attr(Attribute::required("type", Type::String).check(Check::OneOf(GRANTEE_TYPES)))
            .attr(Attribute::optional("uri", Type::String));
        let grant = Schema::new()
            .block(Block::single("grantee", grantee))
            .attr(Attribute::required("permission", Type::String).check(Check::OneOf(PERMISSIONS)));
        let owner = Schema::new()
            .attr(Attribute::optional_computed("display_name", Type::String))
            .attr(Attribute::required("id", Type::String));
        Schema::new()
            .attr(
                Attribute::optional("acl", Type::String)
                    .check(Check::OneOf(CANNED_ACLS))
                    .exactly_one_of(POLICY_OR_ACL),
            )
            .block(
                Block::single(
                    "access_control_policy",
                    Schema::new()
                        .block(Block::set("grant", grant))
                        .block(Block::single("owner", owner).required()),
                )
                .computed()
                .exactly_one_of(POLICY_OR_ACL),
            )
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        // With a canned ACL, the planned access_control_policy is only what S3 reported before
        // (computed): the canned ACL alone is sent.
        let (acl, policy) = match non_empty(planned, "acl") {
            Some(acl) => (Some(BucketCannedAcl::from(acl.as_str())), None),
            None => {
                let policy = single(planned, "access_control_policy").ok_or_else(|| {
                    ProviderError::new(format!(
                        "aws_s3_bucket_acl for bucket {}: one of `access_control_policy,acl` \
                         must be specified",
                        at.bucket
                    ))
                })?;
                (None, Some(access_control_policy(policy)?))
            }
        };
        bucket_call!(at, put_bucket_acl().set_acl(acl).set_access_control_policy(policy)).map(drop)
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_acl())?;
        Ok(Some(fields([
            // S3 reports grants, not the canned ACL: it stays as configured or imported.
            ("acl", known(hint, "acl")),
            ("access_control_policy", policy_value(output.owner(), output.grants())),
        ])))
    }

    /// The provider only forgets the resource: the bucket keeps its ACL.
    async fn delete(_at: &Target<'_>, _prior: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    fn identified(read: Value) -> Value {
        with_acl_id(read)
    }

    /// Terraform's import IDs: `bucket`, `bucket,acl`, `bucket,expected_bucket_owner` or
    /// `bucket,expected_bucket_owner,acl`.
    fn parse_import(id: &str) -> Result<ImportId, ProviderError> {
        let (bucket, owner, acl) = parse_acl_id(id)?;
        let acl = acl.map(|acl| ("acl", Value::string(acl)));
        Ok((bucket, owner, acl.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3_support::log_delivery_grant;

    #[test]
    fn ids_follow_the_provider() {
        assert_eq!(acl_id("logs", None, None), "logs");
        assert_eq!(acl_id("logs", None, Some("private")), "logs,private");
        assert_eq!(acl_id("logs", Some("123456789012"), None), "logs,123456789012");
        assert_eq!(
            acl_id("logs", Some("123456789012"), Some("private")),
            "logs,123456789012,private"
        );
        let some = |s: &str| Some(s.to_string());
        assert_eq!(parse_acl_id("logs").unwrap(), ("logs".into(), None, None));
        assert_eq!(parse_acl_id("logs,private").unwrap(), ("logs".into(), None, some("private")));
        assert_eq!(
            parse_acl_id("logs,123456789012").unwrap(),
            ("logs".into(), some("123456789012"), None)
        );
        assert_eq!(
            parse_acl_id("logs,123456789012,log-delivery-write").unwrap(),
            ("logs".into(), some("123456789012"), some("log-delivery-write"))
        );
        assert!(parse_acl_id("logs,private,123456789012").is_err());
        assert!(parse_acl_id("").is_err());
    }

    #[test]
    fn exactly_one_of_acl_and_policy() {
        let validate = |config: Value| Acl::schema().validate(&config);
        let bucket = || ("bucket", Value::string("logs"));
        assert!(validate(Value::map([bucket(), ("acl", Value::string("private"))])).is_empty());
        let neither = validate(Value::map([bucket()]));
        assert_eq!(
            neither,
            [
                (
                    "acl".to_string(),
                    "\"acl\": one of `access_control_policy,acl` must be specified".to_string()
                ),
                (
                    "access_control_policy".to_string(),
                    "\"access_control_policy\": one of `access_control_policy,acl` must be \
                     specified"
                        .to_string()
                ),
            ]
        );
        let owner = Value::map([("id", Value::string("owner-id"))]);
        let policy = Value::map([("owner", Value::List(vec![owner]))]);
        let both = validate(Value::map([
            bucket(),
            ("acl", Value::string("private")),
            ("access_control_policy", Value::List(vec![policy])),
        ]));
        assert_eq!(both.len(), 2, "{both:?}");
        assert!(both[0].1.contains("only one of"), "{both:?}");
    }

    #[test]
    fn a_policy_round_trips() {
        let policy = Value::map([
            ("grant", Value::List(vec![log_delivery_grant("READ_ACP")])),
            ("owner", Value::List(vec![Value::map([("id", Value::string("owner-id"))])])),
        ]);
        let sdk = access_control_policy(&policy).unwrap();
        let value = policy_value(sdk.owner(), sdk.grants());
        let read = &value.as_list().unwrap()[0];
        let grant = &read.get("grant").as_list().unwrap()[0];
        assert_eq!(grant.get("permission").as_str(), Some("READ_ACP"));
        let grantee = &grant.get("grantee").as_list().unwrap()[0];
        assert_eq!(grantee.get("type").as_str(), Some("Group"));
        assert!(grantee.get("id").is_null());
        let owner = &read.get("owner").as_list().unwrap()[0];
        assert_eq!(owner.get("id").as_str(), Some("owner-id"));
    }

    #[test]
    fn the_id_carries_the_canned_acl() {
        let read = Value::map([
            ("id", Value::string("logs")),
            ("bucket", Value::string("logs")),
            ("expected_bucket_owner", Value::Null),
            ("acl", Value::string("private")),
        ]);
        assert_eq!(with_acl_id(read).get("id").as_str(), Some("logs,private"));
    }
}
