//! `aws_caller_identity`: who the credentials belong to, from STS GetCallerIdentity.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::ec2_support::optional_string;
use crate::error::aws_error;
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsCallerIdentity = LookupType<CallerIdentityLookup>;

pub struct CallerIdentityLookup;

impl Lookup for CallerIdentityLookup {
    const NAME: &'static str = "aws_caller_identity";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("account_id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("user_id", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let output =
            this.aws.clients().await.sts.get_caller_identity().send().await.map_err(aws_error)?;
        Ok(with_found(
            config,
            [
                ("id", optional_string(output.account())),
                ("account_id", optional_string(output.account())),
                ("arn", optional_string(output.arn())),
                ("user_id", optional_string(output.user_id())),
            ],
        ))
    }
}
