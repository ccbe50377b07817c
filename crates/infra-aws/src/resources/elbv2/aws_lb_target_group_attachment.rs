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
//!
//! The attachment is an [`AwsObject`] whose key is its target group, target ID and port (a
//! refresh reads each group's targets once, in the order first named, and finds each
//! attachment's target among them). Its `id` is not AWS's: a create (or a lost create found)
//! gives it a new one, and a refresh keeps the prior state's.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::{TargetDescription, TargetHealthDescription};
use infra_core::{Attribute, Check, ProviderError, Type, Value};

use crate::app_support::{int, non_empty, number, sent, string, text, vanished};
use crate::aws_object::{
    composite_key, key_parts, AwsObject, Creating, Deleting, DescribeResult, FindResult,
    ObjectType, Tagged, Updating,
};
use crate::declared::{read, Declared, Reading};
use crate::error::is_not_found;

pub type AwsLbTargetGroupAttachment = ObjectType<AttachmentObject>;

/// The type of [`AwsObject`]; its object is a [`Registered`] target.
pub struct AttachmentObject;

/// A target registered with its group, as DescribeTargetHealth reports it.
pub struct Registered {
    /// The attachment's new ID, for a create (or a lost create found); `None` for a refresh,
    /// which keeps the prior state's.
    id: Option<String>,
    target: TargetDescription,
}

/// What names an attachment: its target group, its target's ID, and the port (none
/// configured: any port).
type Named = (String, Option<String>, Option<i32>);

fn named(value: &Value) -> Option<Named> {
    Some((string(value, "target_group_arn")?, string(value, "target_id"), int(value, "port")))
}

/// The registered targets of a target group; `None` when the group is gone.
async fn group_targets(
    this: &AwsLbTargetGroupAttachment,
    group: &str,
) -> Result<Option<Vec<TargetHealthDescription>>, ProviderError> {
    let client = &this.aws.clients().await.elbv2;
    match sent!(client.describe_target_health().target_group_arn(group)) {
        Ok(response) => Ok(Some(
            response.target_health_descriptions().iter().filter(|d| !gone(d)).cloned().collect(),
        )),
        Err(error) if is_not_found(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Whether AWS reports the target as not (or no longer) registered.
fn gone(description: &TargetHealthDescription) -> bool {
    description.target_health().and_then(|h| h.reason()).is_some_and(|reason| {
        matches!(reason.as_str(), "Target.NotRegistered" | "Target.DeregistrationInProgress")
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

/// The target `id` among a group's registered targets: on `port`, where one is configured.
fn find_target<'a>(
    registered: &'a [TargetHealthDescription],
    id: &str,
    port: Option<i32>,
) -> Option<&'a TargetDescription> {
    registered.iter().find_map(|d| {
        let target = d.target()?;
        (target.id() == Some(id) && (port.is_none() || target.port() == port)).then_some(target)
    })
}

/// The target `planned` registers with `group`, found among the group's registered targets,
/// with the provider's ID for a new attachment: `<group>-<unique suffix>`.
fn created(
    planned: &Value,
    group: &str,
    registered: &[TargetHealthDescription],
) -> Option<Tagged<Registered>> {
    let id = crate::ec2_support::unique_name(&format!("{group}-"));
    let target = find_target(registered, &string(planned, "target_id")?, int(planned, "port"))?;
    Some(Tagged::untagged(Registered { id: Some(id), target: target.clone() }))
}

impl AwsObject for AttachmentObject {
    type Object = Registered;
    const NAME: &'static str = "aws_lb_target_group_attachment";
    const ALIASES: &'static [&'static str] = &["aws_alb_target_group_attachment"];
    const KIND: &'static str = "target group attachment";
    /// The key is the group, target and port ([`AwsObject::key_of`]).
    const KEY: &'static str = "target_group_arn";
    const TAGGED: bool = false;

    /// Every argument forces replacement, as in the provider. The arguments read back as the
    /// prior state (or the planned value) holds them, but for the port and the zone AWS
    /// reports (where configured) and the QUIC server ID (where AWS reports one).
    fn attributes() -> Vec<Declared<Registered>> {
        let argument = |name, ty| Attribute::optional(name, ty).force_new();
        vec![
            read(Attribute::computed("id", Type::String), |found: &Registered, at: &Reading| {
                match &found.id {
                    Some(id) => Value::string(id),
                    None => at.prior.get("id").clone(),
                }
            }),
            read(
                Attribute::required("target_group_arn", Type::String).force_new(),
                |_: &Registered, at: &Reading| at.prior.get("target_group_arn").clone(),
            ),
            read(
                Attribute::required("target_id", Type::String).force_new(),
                |_: &Registered, at: &Reading| text(string(at.prior, "target_id").as_deref()),
            ),
            read(
                argument("port", Type::Number).check(Check::Range(1, 65535)),
                |found: &Registered, at: &Reading| match int(at.prior, "port") {
                    Some(_) => number(found.target.port().map(i64::from)),
                    None => Value::Null,
                },
            ),
            read(
                argument("availability_zone", Type::String),
                |found: &Registered, at: &Reading| match string(at.prior, "availability_zone") {
                    None => Value::Null,
                    Some(configured) => {
                        text(found.target.availability_zone().or(Some(configured.as_str())))
                    }
                },
            ),
            read(argument("quic_server_id", Type::String), |found: &Registered, at: &Reading| {
                match found.target.quic_server_id().filter(|id| !id.is_empty()) {
                    Some(id) => Value::string(id),
                    None => at.prior.get("quic_server_id").clone(),
                }
            }),
        ]
    }

    /// Any prior with a target group has a key, so that its group is read (a prior without a
    /// target ID reads as gone) and its delete sent, as before the family.
    fn key_of(value: &Value) -> Option<String> {
        named(value).map(|named| composite_key(&named))
    }

    /// "Target Group Attachments cannot be imported."
    fn import_prior(_id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(Self::NAME))
    }

    /// One DescribeTargetHealth per target group (without targets: it lists every registered
    /// target), one group after another in the order first named; each key's target found
    /// among its group's.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Registered> {
        let wanted: Vec<(&String, Named)> =
            keys.iter().filter_map(|key| Some((key, key_parts::<Named>(key)?))).collect();
        let mut groups: BTreeMap<&str, Option<Vec<TargetHealthDescription>>> = BTreeMap::new();
        for (_, (group, _, _)) in &wanted {
            if !groups.contains_key(group.as_str()) {
                let found = group_targets(this, group).await?;
                groups.insert(group, found);
            }
        }
        Ok(wanted
            .iter()
            .filter_map(|(key, (group, id, port))| {
                let registered = groups.get(group.as_str())?.as_ref()?;
                let target = find_target(registered, id.as_deref()?, *port)?;
                let found = Registered { id: None, target: target.clone() };
                Some(((*key).clone(), Tagged::untagged(found)))
            })
            .collect())
    }

    /// RegisterTargets, then the target as its group lists it, with a new ID.
    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Registered>, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        let group = string(at.planned, "target_group_arn").ok_or_else(|| {
            ProviderError::new("aws_lb_target_group_attachment: no target_group_arn")
        })?;
        sent!(client.register_targets().target_group_arn(&group).targets(target(at.planned)))?;
        let registered = group_targets(at.this, &group).await?.unwrap_or_default();
        created(at.planned, &group, &registered)
            .ok_or_else(|| vanished("target group attachment", &group))
    }

    /// Every argument forces replacement: nothing is sent, and the planned value stands (read
    /// back from the target it plans, which gives each argument as planned).
    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Registered>, ProviderError> {
        Ok(Tagged::untagged(Registered { id: None, target: target(at.planned) }))
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        let Some(group) = string(at.prior, "target_group_arn") else {
            return Ok(());
        };
        match sent!(client.deregister_targets().target_group_arn(&group).targets(target(at.prior)))
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

    /// The target's registration is its natural key: registered means the create happened.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Registered> {
        let Some(group) = string(at.planned, "target_group_arn") else {
            return Ok(None);
        };
        let Some(registered) = group_targets(at.this, &group).await? else {
            return Ok(None);
        };
        Ok(created(at.planned, &group, &registered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancingv2::types::{TargetHealth, TargetHealthReasonEnum};
    use infra_core::ResourceType;

    /// The value `prior` reads back from a group's registered targets, as a refresh reads it.
    fn read_back(prior: &Value, registered: &[TargetHealthDescription]) -> Option<Value> {
        let target = find_target(registered, &string(prior, "target_id")?, int(prior, "port"))?;
        let found = Registered { id: None, target: target.clone() };
        Some(crate::aws_object::value_of::<AttachmentObject>(&Tagged::untagged(found), prior))
    }

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
        assert!(read_back(&prior, &other_port).is_none());
        let same = [described("10.0.0.1", 8080, None)];
        let found = read_back(&prior, &same).expect("registered");
        assert_eq!(found.get("port"), &Value::Number(8080.0));
        assert_eq!(found.get("availability_zone"), &Value::Null);
        assert!(gone(&described("10.0.0.1", 8080, Some("Target.NotRegistered"))));
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
        let found = read_back(&planned, &[reported]).expect("registered");
        assert_eq!(found.get("quic_server_id"), &Value::string("0x00000000000000ff"));
        // AWS reports none (moto): the stored one is kept.
        let found = read_back(&planned, &[described("10.0.0.1", 443, None)]).expect("registered");
        assert_eq!(found.get("quic_server_id"), &Value::string("0x1a2b3c4d5e6f7a8b"));
        let attachment =
            AwsLbTargetGroupAttachment::new(crate::Aws::new(crate::ProviderSettings::default()));
        let attribute = attachment.schema().attribute("quic_server_id").expect("declared");
        assert!(attribute.force_new && attribute.not_supported.is_none());
    }

    /// A create's attachment has the provider's new ID; every prior with a target group has a
    /// key, and the type answers to its old name.
    #[test]
    fn a_created_attachment_gets_a_new_id_and_keeps_its_other_name() {
        let planned = Value::map([
            ("id", Value::Unknown),
            ("target_group_arn", Value::string("arn:tg")),
            ("target_id", Value::string("i-1")),
        ]);
        let found = created(&planned, "arn:tg", &[described("i-1", 80, None)]).expect("found");
        let value = crate::aws_object::value_of::<AttachmentObject>(&found, &planned);
        let id = value.get("id").as_str().unwrap_or_default();
        assert!(id.starts_with("arn:tg-") && id.len() > "arn:tg-".len());
        assert!(created(&planned, "arn:tg", &[described("i-2", 80, None)]).is_none());
        let key = AttachmentObject::key_of(&planned).expect("a key");
        assert_eq!(
            key_parts::<Named>(&key),
            Some(("arn:tg".to_string(), Some("i-1".to_string()), None))
        );
        let aws = crate::Aws::new(crate::ProviderSettings::default());
        assert_eq!(
            AwsLbTargetGroupAttachment::new(aws).aliases(),
            ["aws_alb_target_group_attachment"]
        );
    }
}
