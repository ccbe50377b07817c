//! `aws_partition`: the partition of the provider's region (`aws`, `aws-cn`, `aws-us-gov`, ...)
//! and its DNS suffix, from the region's name, so no AWS call is needed.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::clients::partition_of;
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsPartition = LookupType<PartitionLookup>;

pub struct PartitionLookup;

/// The DNS suffix of a partition, as the AWS partition metadata gives it.
fn dns_suffix(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "amazonaws.com.cn",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        "aws-iso-e" => "cloud.adc-e.uk",
        "aws-iso-f" => "csp.hci.ic.gov",
        "aws-eusc" => "amazonaws.eu",
        _ => "amazonaws.com",
    }
}

impl Lookup for PartitionLookup {
    const NAME: &'static str = "aws_partition";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("partition", Type::String))
            .attr(Attribute::computed("dns_suffix", Type::String))
            .attr(Attribute::computed("reverse_dns_prefix", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let region = this.aws.clients().await.region.clone();
        let partition = partition_of(&region);
        let suffix = dns_suffix(partition);
        let reverse: Vec<&str> = suffix.split('.').rev().collect();
        Ok(with_found(
            config,
            [
                ("id", Value::string(partition)),
                ("partition", Value::string(partition)),
                ("dns_suffix", Value::string(suffix)),
                ("reverse_dns_prefix", Value::string(reverse.join("."))),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_follow_the_region() {
        assert_eq!(partition_of("us-east-1"), "aws");
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("eusc-de-east-1"), "aws-eusc");
        assert_eq!(dns_suffix("aws-cn"), "amazonaws.com.cn");
        assert_eq!(dns_suffix("aws-eusc"), "amazonaws.eu");
    }
}
