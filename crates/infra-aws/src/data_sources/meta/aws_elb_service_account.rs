//! `aws_elb_service_account`: the AWS account that Elastic Load Balancing uses in a region (to
//! grant it write access to an access-log bucket), from the provider's own table, so no AWS
//! call is needed. `region` (default: the provider's) selects the row. Regions opened since
//! August 2022 have no such account (access logs there are granted to the
//! `logdelivery.elasticloadbalancing.amazonaws.com` service principal), and are an error, as
//! in the provider.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::clients::partition_of;
use crate::lookup::{with_found, Lookup, LookupType};

/// The provider's `accountIDPerRegionMap` (internal/service/elb/service_account_data_source.go),
/// row for row; me-central-1 is commented out there and absent here.
const ACCOUNT_PER_REGION: &[(&str, &str)] = &[
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-northeast-1", "582318560864"),
    ("ap-northeast-2", "600734575887"),
    ("ap-northeast-3", "383597477331"),
    ("ap-south-1", "718504428378"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-southeast-3", "589379963580"),
    ("ca-central-1", "985666609251"),
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
    ("eu-central-1", "054676820928"),
    ("eu-north-1", "897822967062"),
    ("eu-south-1", "635631232127"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-west-3", "009996457667"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-gov-east-1", "190560391635"),
    ("us-gov-west-1", "048591011584"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
];

fn account_of(region: &str) -> Option<&'static str> {
    ACCOUNT_PER_REGION.iter().find(|(name, _)| *name == region).map(|(_, account)| *account)
}

pub type AwsElbServiceAccount = LookupType<ElbServiceAccountLookup>;

pub struct ElbServiceAccountLookup;

impl Lookup for ElbServiceAccountLookup {
    const NAME: &'static str = "aws_elb_service_account";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::optional("region", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let provider_region = this.aws.clients().await.region.clone();
        let region = config
            .get("region")
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| provider_region.clone());
        let account = account_of(&region)
            .ok_or_else(|| ProviderError::new(format!("unsupported AWS Region: {region}")))?;
        let partition = partition_of(&provider_region);
        Ok(with_found(
            config,
            [
                ("id", Value::string(account)),
                ("arn", Value::string(format!("arn:{partition}:iam::{account}:root"))),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_providers() {
        assert_eq!(account_of("us-east-1"), Some("127311923021"));
        assert_eq!(account_of("eu-west-1"), Some("156460612806"));
        assert_eq!(account_of("us-gov-west-1"), Some("048591011584"));
        assert_eq!(account_of("me-central-1"), None);
        assert_eq!(account_of("ap-southeast-4"), None);
        assert_eq!(ACCOUNT_PER_REGION.len(), 26);
    }
}
