//! `aws_lb_target_group_attachment` (alias `aws_alb_target_group_attachment`): one target (an
//! instance, IP address, Lambda function or ALB) registered with a target group.
//!
//! Create is RegisterTargets, delete DeregisterTargets. Refresh is one DescribeTargetHealth per
//! target group (without targets, so it lists every registered target of the group) for all
//! the attachments of that group; a target AWS reports as `Target.NotRegistered` or
//! `Target.DeregistrationInProgress` is gone. Every argument forces replacement, as in the
//! provider. The ID is `<target_group_arn>-<unique suffix>`, as the provider makes it; the
//! provider cannot import this type, and neither can infra.
//!
//! `availability_zone` is read back when AWS reports it and the configuration set it. moto
//! does not return `availability_zone`, and keys targets by ID alone (two ports of one target
//! are one registration there), so drift on them is not seen in tests.
//!
//! `quic_server_id` (targets of `QUIC` and `TCP_QUIC` target groups) is sent with the target in
//! RegisterTargets and DeregisterTargets, as the provider sends it, and read back from the
//! target DescribeTargetHealth reports (the prior value kept when AWS reports none, as the
//! provider keeps it). Like the provider, infra does not check its form (`0x` and 16 lowercase
//! hexadecimal digits): AWS does. moto 5.2.5 neither keeps nor returns it, so unit tests show
//! the request and the read-back.

use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::{TargetDescription, TargetHealthDescription};
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{int, non_empty, number, sent, string, text, vanished};
use crate::elbv2_support::read_by_parent;
use crate::error::is_not_found;
use crate::Aws;

pub struct AwsLbTargetGroupAttachment {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsLbTargetGroupAttachment {
    pub fn new(aws: Arc<Aws>) -> AwsLbTargetGroupAttachment {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("target_group_arn", Type::String).force_new())
            .attr(Attribute::required("target_id", Type::String).force_new())
            .attr(
                Attribute::optional("port", Type::Number)
                    .check(infra_core::Check::Range(1, 65535))
                    .force_new(),
            )
            .attr(Attribute::optional("availability_zone", Type::String).force_new())
            .attr(Attribute::optional("quic_server_id", Type::String).force_new());
        AwsLbTargetGroupAttachment { aws, schema }
    }

    /// The registered targets of a target group; `None` when the group is gone.
    async fn registered(
        &self,
        group: &str,
    ) -> Result<Option<Vec<TargetHealthDescription>>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        match sent!(client.describe_target_health().target_group_arn(group)) {
            Ok(response) => Ok(Some(
                response
                    .target_health_descriptions()
                    .iter()
                    .filter(|d| !gone(d))
                    .cloned()
                    .collect(),
            )),
            Err(error) if is_not_found(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// Whether AWS reports the target as not (or no longer) registered.
fn gone(description: &TargetHealthDescription) -> bool {
    description
        .target_health()
        .and_then(|h| h.reason())
        .is_some_and(|reason| {
            matches!(
                reason.as_str(),
                "Target.NotRegistered" | "Target.DeregistrationInProgress"
            )
        })
}

fn target(value: &Value) -> TargetDescription {
    TargetDescription::builder()
        .id(string(value, "target_id").unwrap_or_default())
        .set_port(int(value, "port"))
        .set_availability_zone(string(value, "availability_zone"))
        .set_quic_server_id(non_empty(value, "quic_server_id"))
        .build()
}

/// `planned` with the provider's ID for a new attachment to `group`: `<group>-<unique suffix>`.
fn with_new_id(planned: &Value, group: &str) -> Value {
    let mut value = planned.clone();
    if let Some(entries) = value.map_mut() {
        entries.insert(
            "id".into(),
            Value::string(crate::ec2_support::unique_name(&format!("{group}-"))),
        );
    }
    value
}

/// The attachment `prior` describes among a group's registered targets: the same ID, and the
/// same port when one is configured.
fn find_in(prior: &Value, registered: &[TargetHealthDescription]) -> Option<Value> {
    let id = string(prior, "target_id")?;
    let port = int(prior, "port");
    let found = registered.iter().find_map(|d| {
        let target = d.target()?;
        (target.id() == Some(id.as_str()) && (port.is_none() || target.port() == port))
            .then_some(target)
    })?;
    let zone = match string(prior, "availability_zone") {
        None => Value::Null,
        Some(configured) => text(found.availability_zone().or(Some(configured.as_str()))),
    };
    Some(Value::map([
        ("id", prior.get("id").clone()),
        ("target_group_arn", prior.get("target_group_arn").clone()),
        ("target_id", Value::string(id)),
        (
            "port",
            if port.is_some() {
                number(found.port().map(i64::from))
            } else {
                Value::Null
            },
        ),
        ("availability_zone", zone),
        (
            "quic_server_id",
            match found.quic_server_id().filter(|id| !id.is_empty()) {
                Some(id) => Value::string(id),
                None => prior.get("quic_server_id").clone(),
            },
        ),
    ]))
}

#[async_trait::async_trait]
impl ResourceType for AwsLbTargetGroupAttachment {
    fn name(&self) -> &'static str {
        "aws_lb_target_group_attachment"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb_target_group_attachment"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let group = string(planned, "target_group_arn").ok_or_else(|| {
            ProviderError::new("aws_lb_target_group_attachment: no target_group_arn")
        })?;
        sent!(client
            .register_targets()
            .target_group_arn(&group)
            .targets(target(planned)))?;
        let registered = self.registered(&group).await?.unwrap_or_default();
        find_in(&with_new_id(planned, &group), &registered)
            .ok_or_else(|| vanished("target group attachment", &group))
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Every argument forces replacement.
        Ok(planned.clone())
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(group) = string(prior, "target_group_arn") else {
            return Ok(());
        };
        match sent!(client
            .deregister_targets()
            .target_group_arn(&group)
            .targets(target(prior)))
        {
            Ok(_) => Ok(()),
            Err(error)
                if is_not_found(&error) || error.code.as_deref() == Some("InvalidTarget") =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_by_parent(
            prior,
            |p| string(p, "target_group_arn"),
            |group| async move { self.registered(&group).await },
            |p, registered: &Vec<TargetHealthDescription>| find_in(p, registered),
        )
        .await
    }

    /// "Target Group Attachments cannot be imported."
    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(
            "aws_lb_target_group_attachment",
        ))
    }

    /// The target's registration is its natural key: registered means the create happened.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(group) = string(planned, "target_group_arn") else {
            return Ok(None);
        };
        let Some(registered) = self.registered(&group).await? else {
            return Ok(None);
        };
        Ok(find_in(&with_new_id(planned, &group), &registered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancingv2::types::{TargetHealth, TargetHealthReasonEnum};

    fn described(id: &str, port: i32, reason: Option<&str>) -> TargetHealthDescription {
        TargetHealthDescription::builder()
            .target(TargetDescription::builder().id(id).port(port).build())
            .target_health(
                TargetHealth::builder()
                    .set_reason(reason.map(TargetHealthReasonEnum::from))
                    .build(),
            )
            .build()
    }

    #[test]
    fn an_attachment_is_its_target_and_port() {
        let prior = Value::map([
            ("id", Value::string("tg-1")),
            ("target_group_arn", Value::string("arn:tg")),
            ("target_id", Value::string("10.0.0.1")),
            ("port", Value::Number(8080.0)),
        ]);
        let other_port = [described("10.0.0.1", 9090, None)];
        assert!(find_in(&prior, &other_port).is_none());
        let same = [described("10.0.0.1", 8080, None)];
        let found = find_in(&prior, &same).expect("registered");
        assert_eq!(found.get("port"), &Value::Number(8080.0));
        assert_eq!(found.get("availability_zone"), &Value::Null);
        assert!(gone(&described(
            "10.0.0.1",
            8080,
            Some("Target.NotRegistered")
        )));
        assert!(!gone(&described("10.0.0.1", 8080, Some("Target.NotInUse"))));
    }

    /// moto 5.2.5 drops the QUIC server ID, so the request and the read-back are shown here.
    #[test]
    fn the_quic_server_id_is_sent_with_the_target_and_read_back() {
        let planned = Value::map([
            ("target_group_arn", Value::string("arn:tg")),
            ("target_id", Value::string("10.0.0.1")),
            ("port", Value::Number(443.0)),
            ("quic_server_id", Value::string("0x1a2b3c4d5e6f7a8b")),
        ]);
        let sent = target(&planned);
        assert_eq!(sent.id(), Some("10.0.0.1"));
        assert_eq!(sent.port(), Some(443));
        assert_eq!(sent.quic_server_id(), Some("0x1a2b3c4d5e6f7a8b"));
        let without = Value::map([("target_id", Value::string("i-1"))]);
        assert_eq!(target(&without).quic_server_id(), None);

        // AWS reports another ID (changed outside infra): the drift shows, and forces a new
        // registration.
        let reported = TargetHealthDescription::builder()
            .target(
                TargetDescription::builder()
                    .id("10.0.0.1")
                    .port(443)
                    .quic_server_id("0x00000000000000ff")
                    .build(),
            )
            .build();
        let found = find_in(&planned, &[reported]).expect("registered");
        assert_eq!(
            found.get("quic_server_id"),
            &Value::string("0x00000000000000ff")
        );
        // AWS reports none (moto): the stored one is kept.
        let found = find_in(&planned, &[described("10.0.0.1", 443, None)]).expect("registered");
        assert_eq!(
            found.get("quic_server_id"),
            &Value::string("0x1a2b3c4d5e6f7a8b")
        );
        let schema =
            AwsLbTargetGroupAttachment::new(crate::Aws::new(crate::ProviderSettings::default()))
                .schema;
        let attribute = schema.attribute("quic_server_id").expect("declared");
        assert!(attribute.force_new && attribute.not_supported.is_none());
    }
}
