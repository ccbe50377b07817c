//! `aws_egress_only_internet_gateway`: an IPv6 egress-only internet gateway for one VPC
//! (`vpc_id` forces a new gateway; tags change in place). Import takes the gateway id.
//!
//! moto ignores DescribeEgressOnlyInternetGateways filters; [`Ec2Type`] keeps only the IDs and
//! tags it asked for.

use aws_sdk_ec2::types::{EgressOnlyInternetGateway, ResourceType as Ec2ResourceType, Tag};
use infra_core::{Attribute, ProviderError, Type};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_object::{read, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type};
use crate::ec2_support::{created_id, optional_string, string_attribute};
use crate::paginated::all_items;

pub type AwsEgressOnlyInternetGateway = Ec2Type<EgressOnlyInternetGatewayObject>;

pub struct EgressOnlyInternetGatewayObject;

impl Ec2Object for EgressOnlyInternetGatewayObject {
    type Item = EgressOnlyInternetGateway;
    const NAME: &'static str = "aws_egress_only_internet_gateway";
    /// DescribeEgressOnlyInternetGateways filters by tags only.
    const ID_FILTER: Option<&'static str> = None;
    const NOT_FOUND: &'static str = "InvalidEgressOnlyInternetGatewayId.NotFound";

    fn attributes() -> Vec<Declared<EgressOnlyInternetGateway>> {
        vec![
            read(Attribute::computed("id", Type::String), |g: &EgressOnlyInternetGateway, _| {
                optional_string(g.egress_only_internet_gateway_id())
            }),
            read(
                Attribute::required("vpc_id", Type::String).force_new(),
                |g: &EgressOnlyInternetGateway, _| {
                    optional_string(g.attachments().iter().find_map(|a| a.vpc_id()))
                },
            ),
        ]
    }

    const ID: fn(&EgressOnlyInternetGateway) -> Option<&str> =
        EgressOnlyInternetGateway::egress_only_internet_gateway_id;
    const TAGS: fn(&EgressOnlyInternetGateway) -> &[Tag] = EgressOnlyInternetGateway::tags;

    async fn describe(at: Describing<'_>) -> Result<Vec<EgressOnlyInternetGateway>, ProviderError> {
        all_items!(at
            .ec2
            .describe_egress_only_internet_gateways()
            .set_egress_only_internet_gateway_ids(at.ids)
            .set_filters(at.filters))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let output = sent!(at
            .this
            .ec2()
            .await
            .create_egress_only_internet_gateway()
            .set_vpc_id(string_attribute(at.planned, "vpc_id"))
            .tag_specifications(at.tag_specification(Ec2ResourceType::EgressOnlyInternetGateway)))?;
        created_id(
            output
                .egress_only_internet_gateway()
                .and_then(EgressOnlyInternetGateway::egress_only_internet_gateway_id),
            "CreateEgressOnlyInternetGateway returned no id",
        )
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let deleted = sent!(at
            .this
            .ec2()
            .await
            .delete_egress_only_internet_gateway()
            .egress_only_internet_gateway_id(at.key));
        deleted_or_gone(deleted, crate::error::is_not_found)
    }
}
