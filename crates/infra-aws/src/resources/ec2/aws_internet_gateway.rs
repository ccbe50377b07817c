//! `aws_internet_gateway`: an internet gateway, attached to at most one VPC. Changing `vpc_id`
//! detaches and re-attaches in place.

use aws_sdk_ec2::types::{InternetGateway, ResourceType as Ec2ResourceType, Tag};
use infra_core::{Attribute, ProviderError, Timeouts, Type, Value};

use crate::app_support::sent;
use crate::ec2_object::{
    read, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type, Updating,
};
use crate::ec2_support::{
    created_id, delete_with_retry, has_code, non_empty_attribute, optional_string,
};
use crate::paginated::all_items;

pub type AwsInternetGateway = Ec2Type<InternetGatewayObject>;

pub struct InternetGatewayObject;

impl Ec2Object for InternetGatewayObject {
    type Item = InternetGateway;
    const NAME: &'static str = "aws_internet_gateway";
    const ID_FILTER: Option<&'static str> = Some("internet-gateway-id");
    const NOT_FOUND: &'static str = "InvalidInternetGatewayID.NotFound";

    fn attributes() -> Vec<Declared<InternetGateway>> {
        vec![
            string(Attribute::computed("id", Type::String), InternetGateway::internet_gateway_id),
            read(Attribute::computed("arn", Type::String), |g: &InternetGateway, at| {
                let id = g.internet_gateway_id().unwrap_or_default();
                at.arn(g.owner_id().unwrap_or_default(), "internet-gateway", id)
            }),
            read(Attribute::optional("vpc_id", Type::String), |g: &InternetGateway, _| {
                optional_string(attached_vpc(g))
            }),
            read(Attribute::computed("owner_id", Type::String), |g: &InternetGateway, _| {
                Value::string(g.owner_id().unwrap_or_default())
            }),
        ]
    }

    fn schema(schema: infra_core::Schema) -> infra_core::Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(20, 20, 20)
    }

    const ID: fn(&InternetGateway) -> Option<&str> = InternetGateway::internet_gateway_id;
    const TAGS: fn(&InternetGateway) -> &[Tag] = InternetGateway::tags;

    async fn describe(at: Describing<'_>) -> Result<Vec<InternetGateway>, ProviderError> {
        all_items!(at
            .ec2
            .describe_internet_gateways()
            .set_internet_gateway_ids(at.ids)
            .set_filters(at.filters))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let output = sent!(at
            .this
            .ec2()
            .await
            .create_internet_gateway()
            .tag_specifications(at.tag_specification(Ec2ResourceType::InternetGateway)))?;
        let id = created_id(
            output.internet_gateway().and_then(InternetGateway::internet_gateway_id),
            "CreateInternetGateway returned no id",
        )?;
        if let Some(vpc_id) = non_empty_attribute(at.planned, "vpc_id") {
            attach(at.this, &id, &vpc_id).await?;
        }
        Ok(id)
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let before = non_empty_attribute(at.prior, "vpc_id");
        let after = non_empty_attribute(at.planned, "vpc_id");
        if before != after {
            if let Some(vpc_id) = &before {
                detach(at.this, at.key, vpc_id).await?;
            }
            if let Some(vpc_id) = &after {
                attach(at.this, at.key, vpc_id).await?;
            }
        }
        Ok(())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        // Detach from whatever AWS says it is attached to, not only what the state says.
        let Some(current) = at.this.find(id, None).await? else {
            return Ok(());
        };
        if let Some(vpc_id) = non_empty_attribute(&current, "vpc_id") {
            detach(at.this, id, &vpc_id).await?;
        }
        let ec2 = at.this.ec2().await;
        delete_with_retry(
            at.operation.timeouts.delete,
            &format!("internet gateway {id}"),
            || async { sent!(ec2.delete_internet_gateway().internet_gateway_id(id)) },
        )
        .await
    }
}

fn attached_vpc(gateway: &InternetGateway) -> Option<&str> {
    gateway.attachments().iter().find_map(|attachment| attachment.vpc_id())
}

async fn attach(this: &AwsInternetGateway, id: &str, vpc_id: &str) -> Result<(), ProviderError> {
    sent!(this.ec2().await.attach_internet_gateway().internet_gateway_id(id).vpc_id(vpc_id))?;
    Ok(())
}

/// Detaching from a VPC that is already gone (or never attached) is not an error.
async fn detach(this: &AwsInternetGateway, id: &str, vpc_id: &str) -> Result<(), ProviderError> {
    let detached =
        sent!(this.ec2().await.detach_internet_gateway().internet_gateway_id(id).vpc_id(vpc_id));
    match detached {
        Err(error)
            if !crate::error::is_not_found(&error) && !has_code(&error, "Gateway.NotAttached") =>
        {
            Err(error)
        }
        _ => Ok(()),
    }
}
