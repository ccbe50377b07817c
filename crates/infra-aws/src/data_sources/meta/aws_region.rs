//! `aws_region`: the provider's region (or the one named), described from a built-in table so
//! no AWS call is needed.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::lookup::{with_found, Lookup, LookupType};

/// Region descriptions as the AWS partition metadata spells them.
const DESCRIPTIONS: &[(&str, &str)] = &[
    ("af-south-1", "Africa (Cape Town)"),
    ("ap-east-1", "Asia Pacific (Hong Kong)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"),
    ("ap-northeast-2", "Asia Pacific (Seoul)"),
    ("ap-northeast-3", "Asia Pacific (Osaka)"),
    ("ap-south-1", "Asia Pacific (Mumbai)"),
    ("ap-south-2", "Asia Pacific (Hyderabad)"),
    ("ap-southeast-1", "Asia Pacific (Singapore)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
    ("ap-southeast-3", "Asia Pacific (Jakarta)"),
    ("ap-southeast-4", "Asia Pacific (Melbourne)"),
    ("ca-central-1", "Canada (Central)"),
    ("ca-west-1", "Canada West (Calgary)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("eu-central-2", "Europe (Zurich)"),
    ("eu-north-1", "Europe (Stockholm)"),
    ("eu-south-1", "Europe (Milan)"),
    ("eu-south-2", "Europe (Spain)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-west-2", "Europe (London)"),
    ("eu-west-3", "Europe (Paris)"),
    ("il-central-1", "Israel (Tel Aviv)"),
    ("me-central-1", "Middle East (UAE)"),
    ("me-south-1", "Middle East (Bahrain)"),
    ("sa-east-1", "South America (Sao Paulo)"),
    ("us-east-1", "US East (N. Virginia)"),
    ("us-east-2", "US East (Ohio)"),
    ("us-west-1", "US West (N. California)"),
    ("us-west-2", "US West (Oregon)"),
];

pub type AwsRegion = LookupType<RegionLookup>;

pub struct RegionLookup;

impl Lookup for RegionLookup {
    const NAME: &'static str = "aws_region";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("name", Type::String))
            .attr(Attribute::optional_computed("region", Type::String))
            .attr(Attribute::computed("description", Type::String))
            .attr(Attribute::computed("endpoint", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let region = match (config.get("region").as_str(), config.get("name").as_str()) {
            (Some(region), _) | (None, Some(region)) => region.to_string(),
            (None, None) => this.aws.clients().await.region.clone(),
        };
        let description = DESCRIPTIONS
            .iter()
            .find(|(name, _)| *name == region)
            .map(|(_, description)| Value::string(*description))
            .unwrap_or_else(|| Value::string(""));
        Ok(with_found(
            config,
            [
                ("id", Value::string(&region)),
                ("name", Value::string(&region)),
                ("region", Value::string(&region)),
                ("description", description),
                ("endpoint", Value::string(format!("ec2.{region}.amazonaws.com"))),
            ],
        ))
    }
}
