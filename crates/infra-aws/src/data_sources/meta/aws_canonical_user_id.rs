//! `aws_canonical_user_id`: the canonical user ID of the provider's account, the owner that S3
//! ListBuckets reports, and its `display_name` (which S3 includes only in some regions; empty
//! otherwise).

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::error::aws_error;
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsCanonicalUserId = LookupType<CanonicalUserIdLookup>;

pub struct CanonicalUserIdLookup;

impl Lookup for CanonicalUserIdLookup {
    const NAME: &'static str = "aws_canonical_user_id";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("display_name", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.s3;
        let response = client.list_buckets().max_buckets(1).send().await.map_err(aws_error)?;
        let owner = response.owner().ok_or_else(|| {
            ProviderError::new("S3 ListBuckets returned no owner: no canonical user ID")
        })?;
        let id = owner
            .id()
            .ok_or_else(|| ProviderError::new("S3 ListBuckets returned an owner without an ID"))?;
        Ok(with_found(
            config,
            [
                ("id", Value::string(id)),
                ("display_name", Value::string(owner.display_name().unwrap_or_default())),
            ],
        ))
    }
}
