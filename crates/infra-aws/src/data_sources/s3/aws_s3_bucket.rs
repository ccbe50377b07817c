//! `aws_s3_bucket` (data source): a bucket by name, with its ARN, domain names, region and
//! hosted zone (HeadBucket), and its website endpoint when it hosts a website
//! (GetBucketWebsite). Provider v6 names the bucket's region `bucket_region` (`region` is the
//! v6 argument that chooses the endpoint).

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::sent;
use crate::lookup::{with_found, Lookup, LookupType};
use crate::s3_support::{bucket_names, dns_suffix, is_gone, with_bucket_names};

pub type AwsS3Bucket = LookupType<S3BucketLookup>;

pub struct S3BucketLookup;

/// The S3 website domain of a region: the older regions use `s3-website-REGION`, the newer
/// `s3-website.REGION`.
pub fn website_domain(region: &str) -> String {
    const DASHED: &[&str] = &[
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-northeast-1",
        "eu-west-1",
        "sa-east-1",
        "us-gov-west-1",
    ];
    let separator = if DASHED.contains(&region) { '-' } else { '.' };
    format!("s3-website{separator}{region}.{}", dns_suffix(region))
}

impl Lookup for S3BucketLookup {
    const NAME: &'static str = "aws_s3_bucket";

    fn schema() -> Schema {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("bucket", Type::String));
        with_bucket_names(schema)
            .attr(Attribute::computed("website_endpoint", Type::String))
            .attr(Attribute::computed("website_domain", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let clients = this.aws.clients().await;
        let client = &clients.s3;
        let bucket = config
            .get("bucket")
            .as_str()
            .ok_or_else(|| ProviderError::new("aws_s3_bucket: bucket is required"))?
            .to_string();
        let head = match sent!(client.head_bucket().bucket(&bucket)) {
            Ok(head) => head,
            Err(error) if is_gone(&error) => {
                return Err(ProviderError::with_code(
                    "NotFound",
                    format!("reading S3 Bucket ({bucket}): couldn't find resource"),
                ))
            }
            Err(error) => return Err(error),
        };
        let region = head
            .bucket_region()
            .filter(|r| !r.is_empty())
            .unwrap_or(clients.region.as_str())
            .to_string();
        let website = match sent!(client.get_bucket_website().bucket(&bucket)) {
            Ok(_) => true,
            Err(error) if error.code.as_deref() == Some("NoSuchWebsiteConfiguration") => false,
            Err(error) => return Err(error),
        };
        let domain = website_domain(&region);
        let (endpoint, domain) = match website {
            true => (Value::string(format!("{bucket}.{domain}")), Value::string(domain)),
            false => (Value::Null, Value::Null),
        };
        let found =
            [("id", Value::string(&bucket))].into_iter().chain(bucket_names(&bucket, &region));
        Ok(with_found(
            config,
            found.chain([("website_endpoint", endpoint), ("website_domain", domain)]),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_domains_follow_the_region_style() {
        assert_eq!(website_domain("us-east-1"), "s3-website-us-east-1.amazonaws.com");
        assert_eq!(website_domain("eu-central-1"), "s3-website.eu-central-1.amazonaws.com");
    }
}
