//! `aws_secretsmanager_secret_rotation`: the rotation configuration of a Secrets Manager secret
//! (the Lambda function that rotates it, or a managed external secret's partner metadata and
//! role, and the schedule in `rotation_rules`).
//!
//! The Terraform ID is the secret's ARN, which is also the import ID. `secret_id` forces a new
//! resource; everything else changes in place. Create and update are RotateSecret with the
//! configured rules and a fresh `ClientRequestToken` (kept across retries, so a retried call is
//! the same rotation); as the provider does, it is retried for up to two minutes while it fails
//! with `AccessDeniedException` (Secrets Manager cannot invoke the Lambda function yet: its
//! `aws_lambda_permission` is still propagating) or `InvalidRequestException` (Secrets Manager
//! cannot assume the external rotation role yet). `rotation_enabled = false` in the
//! configuration (provider v6) cancels rotation instead (CancelRotateSecret), and then
//! `rotation_rules` must be left out; otherwise `rotation_rules` is required. Destroy is
//! CancelRotateSecret: the secret and its versions stay.
//!
//! Refresh is DescribeSecret per secret, eight in flight. ListSecrets also reports the rotation
//! fields, but AWS documents it as lagging up to five minutes behind changes ("You can get more
//! recent information for a specific secret by calling DescribeSecret"), so a refresh right
//! after an apply would see old rules as drift. A secret that is gone or scheduled for deletion
//! reads as gone. A secret whose rotation is disabled is read as the provider reads it:
//! `rotation_enabled = false` with no rules, Lambda ARN or external metadata, so the
//! configuration's rules plan an in-place update that turns rotation on again.
//!
//! As the provider does, `automatically_after_days` is read only when AWS reports no
//! `schedule_expression` (AWS computes the days from a schedule). `rotate_immediately` is
//! configuration only (default true; true after an import). `secret_id` reads back as
//! configured when it names the same secret (its ARN or its name), else as the ARN: the
//! provider always writes the ARN, which makes a `secret_id` given by name plan a replacement
//! at every plan.
//!
//! moto 5.2.5 does not return `Duration` or `ScheduleExpression` in `RotationRules` (a schedule
//! reads as `AutomaticallyAfterDays = 0`), nor the external rotation metadata and role; when the
//! answer leaves `duration` or `schedule_expression` out, the prior value is kept, so drift on
//! them is not seen in tests. moto's RotateSecret invokes the rotation function, which needs
//! moto's Lambda without Docker in the tests (`tests/support/moto_lambda.py`).

use std::time::{Duration, Instant};

use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::types::{ExternalSecretRotationMetadataItem, RotationRulesType};
use aws_sdk_secretsmanager::Client;
use infra_core::{Attribute, Block, Check, Operation, Pattern, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, known, non_empty, sent, single, string, text, text_or_null, POLL_INTERVAL,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{read, read_block, Declared, Reading};
use crate::ec2_support::long_client_token;
use crate::error::aws_error;
use crate::resources::secretsmanager::aws_secretsmanager_secret::is_gone;
use crate::verify::ARN;

/// How long RotateSecret is retried while a new Lambda permission or role propagates (the
/// provider's `propagationTimeout`).
const PROPAGATION: Duration = Duration::from_secs(2 * 60);

pub type AwsSecretsmanagerSecretRotation = ObjectType<RotationObject>;

pub struct RotationObject;

/// The secret by ARN or name; `None` when it is gone or scheduled for deletion.
async fn find(
    this: &AwsSecretsmanagerSecretRotation,
    secret_id: &str,
) -> Result<Option<Tagged<DescribeSecretOutput>>, ProviderError> {
    let client = &this.aws.clients().await.secretsmanager;
    match sent!(client.describe_secret().secret_id(secret_id)) {
        Ok(secret) if secret.deleted_date().is_some() => Ok(None),
        Ok(secret) => Ok(Some(Tagged { object: secret, tags: vec![] })),
        Err(error) if is_gone(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// RotateSecret with the planned configuration, retried while the Lambda permission or the
/// external rotation role propagates; the secret's ARN.
async fn rotate(
    client: &Client,
    operation: &Operation,
    secret_id: &str,
    planned: &Value,
) -> Result<String, ProviderError> {
    let metadata = metadata_items(planned);
    let request = client
        .rotate_secret()
        .secret_id(secret_id)
        // One token for every send of this operation, the SDK's retries and infra's resend
        // after a lost answer: AWS then treats the resend as the same request (the token is
        // the new version's ID).
        .client_request_token(long_client_token(operation, planned))
        .rotate_immediately(planned.get("rotate_immediately").as_bool().unwrap_or(true))
        .set_rotation_rules(rotation_rules(planned))
        .set_external_secret_rotation_metadata((!metadata.is_empty()).then_some(metadata))
        .set_external_secret_rotation_role_arn(non_empty(
            planned,
            "external_secret_rotation_role_arn",
        ))
        .set_rotation_lambda_arn(non_empty(planned, "rotation_lambda_arn"));
    let deadline = Instant::now() + PROPAGATION;
    let output = loop {
        match request.clone().send().await.map_err(aws_error) {
            Ok(output) => break output,
            Err(error) if still_propagating(&error) && Instant::now() < deadline => {
                tokio::time::sleep(POLL_INTERVAL * 2).await;
            }
            Err(error) => return Err(error),
        }
    };
    Ok(output.arn().unwrap_or(secret_id).to_string())
}

/// CancelRotateSecret; the secret's ARN.
async fn cancel(client: &Client, secret_id: &str) -> Result<String, ProviderError> {
    let output = sent!(client.cancel_rotate_secret().secret_id(secret_id))?;
    Ok(output.arn().unwrap_or(secret_id).to_string())
}

/// Configures the planned rotation: RotateSecret, or CancelRotateSecret where the
/// configuration disables rotation.
async fn configure(
    this: &AwsSecretsmanagerSecretRotation,
    operation: &Operation,
    secret_id: &str,
    planned: &Value,
) -> Result<String, ProviderError> {
    let client = &this.aws.clients().await.secretsmanager;
    if rotation_disabled(planned) {
        cancel(client, secret_id).await
    } else {
        rotate(client, operation, secret_id, planned).await
    }
}

/// Secrets Manager cannot invoke the rotation function yet (its permission is propagating), or
/// cannot assume the external rotation role yet.
fn still_propagating(error: &ProviderError) -> bool {
    matches!(error.code.as_deref(), Some("AccessDeniedException" | "InvalidRequestException"))
        && !is_gone(error)
}

/// The configuration turns rotation off: `rotation_enabled = false`, which `validate` allows
/// only without `rotation_rules`. A planned `rotation_enabled` of false that is only the prior
/// state's (rotation disabled behind Terraform's back) comes with the configuration's rules,
/// which turn rotation on again.
fn rotation_disabled(planned: &Value) -> bool {
    blocks(planned, "rotation_rules").is_empty()
        && planned.get("rotation_enabled").as_bool() == Some(false)
}

/// The provider's `expandRotationRulesType`: the schedule expression if set, else the days;
/// the window's duration if set.
fn rotation_rules(planned: &Value) -> Option<RotationRulesType> {
    let rules = single(planned, "rotation_rules")?;
    let schedule = non_empty(rules, "schedule_expression");
    let days = match schedule {
        Some(_) => None,
        None => rules.get("automatically_after_days").as_i64().filter(|days| *days != 0),
    };
    Some(
        RotationRulesType::builder()
            .set_schedule_expression(schedule)
            .set_automatically_after_days(days)
            .set_duration(non_empty(rules, "duration"))
            .build(),
    )
}

fn metadata_items(planned: &Value) -> Vec<ExternalSecretRotationMetadataItem> {
    blocks(planned, "external_secret_rotation_metadata")
        .iter()
        .map(|item| {
            ExternalSecretRotationMetadataItem::builder()
                .set_key(non_empty(item, "key"))
                .set_value(non_empty(item, "value"))
                .build()
        })
        .collect()
}

/// The provider's `flattenRotationRulesType`, keeping the prior `schedule_expression` and
/// `duration` where the answer has none (moto reports neither).
fn rules_value(rules: Option<&RotationRulesType>, hint: &Value) -> Value {
    let Some(rules) = rules else {
        return Value::List(vec![]);
    };
    let prior = |key: &str| {
        single(hint, "rotation_rules").map(|prior| known(prior, key)).unwrap_or(Value::Null)
    };
    let schedule = rules.schedule_expression().filter(|s| !s.is_empty());
    let days = rules.automatically_after_days().filter(|days| *days != 0);
    let (schedule_expression, automatically_after_days) = match (schedule, days) {
        // With a schedule, AWS reports the days it computed from it: not configuration.
        (Some(schedule), _) => (Value::string(schedule), Value::Null),
        (None, Some(days)) => (Value::Null, Value::Number(days as f64)),
        (None, None) => (prior("schedule_expression"), Value::Null),
    };
    let duration = match rules.duration() {
        Some(duration) => Value::string(duration),
        None => prior("duration"),
    };
    Value::List(vec![Value::map([
        ("automatically_after_days", automatically_after_days),
        ("duration", duration),
        ("schedule_expression", schedule_expression),
    ])])
}

/// Whether rotation is on. As the provider reads it, a secret without rotation has no rotation
/// settings, whatever Secrets Manager still remembers of the last ones.
fn enabled(secret: &DescribeSecretOutput) -> bool {
    secret.rotation_enabled().unwrap_or(false)
}

/// The configured secret ID when it names this secret (ARN or name), else the ARN.
fn secret_id_value(secret: &DescribeSecretOutput, at: &Reading) -> Value {
    match at.prior.get("secret_id").as_str() {
        Some(configured)
            if Some(configured) == secret.arn() || Some(configured) == secret.name() =>
        {
            Value::string(configured)
        }
        _ => text(secret.arn()),
    }
}

fn metadata_value(secret: &DescribeSecretOutput) -> Value {
    let metadata = secret
        .external_secret_rotation_metadata()
        .iter()
        .map(|item| Value::map([("key", text(item.key())), ("value", text(item.value()))]))
        .collect();
    Value::List(metadata)
}

/// A rule rotates every so many days or on a schedule: the provider's `ExactlyOneOf` on each.
const DAYS_OR_SCHEDULE: &[&str] =
    &["rotation_rules.0.automatically_after_days", "rotation_rules.0.schedule_expression"];

/// The provider's patterns for a rule's `duration` and `schedule_expression`: `StringMatch`
/// without a message, unanchored (a match anywhere, here of one character, will do).
const DURATION: Check = Check::Matches(Pattern {
    expression: "[0-9h]+",
    test: |duration| duration.chars().any(|c| c.is_ascii_digit() || c == 'h'),
    message: "",
});
const SCHEDULE: Check = Check::Matches(Pattern {
    expression: r"[0-9A-Za-z\(\)#\?\*\-\/, ]+",
    test: |schedule| schedule.chars().any(|c| c.is_ascii_alphanumeric() || "()#?*-/, ".contains(c)),
    message: "",
});

impl AwsObject for RotationObject {
    type Object = DescribeSecretOutput;
    const NAME: &'static str = "aws_secretsmanager_secret_rotation";
    const KIND: &'static str = "Secrets Manager Secret Rotation";
    const KEY: &'static str = "id";
    const IMPORT_KEY: &'static str = "secret_id";
    const KEY_WORD: &'static str = "ID";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<DescribeSecretOutput>> {
        let rules = Schema::new()
            .attr(
                Attribute::optional("automatically_after_days", Type::Number)
                    .check(Check::Range(1, 1000))
                    .exactly_one_of(DAYS_OR_SCHEDULE)
                    .conflicts_with(&["rotation_rules.0.schedule_expression"]),
            )
            .attr(Attribute::optional("duration", Type::String).check(DURATION))
            .attr(
                Attribute::optional("schedule_expression", Type::String)
                    .check(SCHEDULE)
                    .exactly_one_of(DAYS_OR_SCHEDULE)
                    .conflicts_with(&["rotation_rules.0.automatically_after_days"]),
            );
        let metadata = Schema::new()
            .attr(Attribute::required("key", Type::String))
            .attr(Attribute::required("value", Type::String));
        let when_enabled = |on: fn(&DescribeSecretOutput, &Reading) -> Value, off: Value| {
            move |secret: &DescribeSecretOutput, at: &Reading| match enabled(secret) {
                true => on(secret, at),
                false => off.clone(),
            }
        };
        vec![
            read(Attribute::computed("id", Type::String), |secret: &DescribeSecretOutput, _| {
                text(secret.arn())
            }),
            read(Attribute::required("secret_id", Type::String).force_new(), secret_id_value),
            read(
                Attribute::optional("rotation_lambda_arn", Type::String).check(ARN),
                when_enabled(|s, _| text_or_null(s.rotation_lambda_arn()), Value::Null),
            ),
            read(
                Attribute::optional("external_secret_rotation_role_arn", Type::String).check(ARN),
                when_enabled(
                    |s, _| text_or_null(s.external_secret_rotation_role_arn()),
                    Value::Null,
                ),
            ),
            read(
                Attribute::optional("rotate_immediately", Type::Bool).default(Value::Bool(true)),
                |_: &DescribeSecretOutput, at| {
                    Value::Bool(at.prior.get("rotate_immediately").as_bool().unwrap_or(true))
                },
            ),
            read(
                Attribute::optional_computed("rotation_enabled", Type::Bool),
                |secret: &DescribeSecretOutput, _| Value::Bool(enabled(secret)),
            ),
            read_block(
                Block::single("rotation_rules", rules),
                when_enabled(
                    |s, at| rules_value(s.rotation_rules(), at.prior),
                    Value::List(vec![]),
                ),
            ),
            read_block(
                Block::list("external_secret_rotation_metadata", metadata),
                when_enabled(|s, _| metadata_value(s), Value::List(vec![])),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(1)
    }

    /// The provider's `secretRotationStateUpgradeV0`: `rotate_immediately` is true where the
    /// older state has none.
    fn upgrade_state(from: u64, mut value: Value) -> Result<Value, String> {
        if let (0, Some(entries)) = (from, value.map_mut()) {
            if entries.get("rotate_immediately").is_none_or(Value::is_null) {
                entries.insert("rotate_immediately".into(), Value::Bool(true));
            }
        }
        Ok(value)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        // The provider's CustomizeDiff: rules unless rotation is explicitly disabled. An
        // unknown `rotation_enabled` counts as not disabled, as there.
        let disabled = config.get("rotation_enabled").as_bool() == Some(false);
        let rules = config.get("rotation_rules");
        if !rules.is_unknown() {
            let has_rules = !blocks(config, "rotation_rules").is_empty();
            if disabled && has_rules {
                problems.push((
                    "rotation_rules".to_string(),
                    "`rotation_rules` cannot be set when `rotation_enabled` is `false`; remove \
                     the `rotation_rules` block to disable rotation"
                        .to_string(),
                ));
            } else if !disabled && !has_rules {
                problems.push((
                    "rotation_rules".to_string(),
                    "`rotation_rules` is required unless `rotation_enabled` is `false`".to_string(),
                ));
            }
        }
        problems
    }

    /// The stored ID (the secret's ARN), else `secret_id`.
    fn key_of(value: &Value) -> Option<String> {
        string(value, "id").or_else(|| string(value, "secret_id"))
    }

    /// DescribeSecret per secret, eight in flight.
    async fn describe(
        this: &ObjectType<Self>,
        ids: &[String],
    ) -> DescribeResult<DescribeSecretOutput> {
        each_key(ids, |id| find(this, id)).await
    }

    /// RotateSecret (or CancelRotateSecret); the secret's ARN, which the object is read by.
    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let secret_id = string(at.planned, "secret_id").ok_or_else(|| {
            ProviderError::new("aws_secretsmanager_secret_rotation has no secret_id")
        })?;
        configure(at.this, at.operation, &secret_id, at.planned).await.map_err(|error| {
            error.context(&format!("creating Secrets Manager Secret Rotation ({secret_id})"))
        })
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let id = at.key;
        let secret_id = string(at.planned, "secret_id").unwrap_or_else(|| id.to_string());
        // `rotate_immediately` alone is configuration only: it matters at the next rotation
        // request, as in the provider.
        let rotation_changed = [
            "rotation_lambda_arn",
            "rotation_rules",
            "rotation_enabled",
            "external_secret_rotation_role_arn",
            "external_secret_rotation_metadata",
        ]
        .iter()
        .any(|key| at.prior.get(key).to_json() != at.planned.get(key).to_json());
        if rotation_changed {
            configure(at.this, at.operation, &secret_id, at.planned).await.map_err(|error| {
                error.context(&format!("updating Secrets Manager Secret Rotation ({id})"))
            })?;
        }
        Ok(id.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let secret_id = string(at.prior, "secret_id").unwrap_or_else(|| at.key.to_string());
        let client = &at.this.aws.clients().await.secretsmanager;
        match cancel(client, &secret_id).await {
            Ok(_) => Ok(()),
            // The secret went first (or is scheduled for deletion): no rotation is left.
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) => {
                Err(error
                    .context(&format!("deleting Secret Manager Secret Rotation ({secret_id})")))
            }
        }
    }

    /// A create whose answer was lost: the secret's rotation is what the create asked for
    /// (on with the planned Lambda function, or off), so RotateSecret ran.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<DescribeSecretOutput> {
        let Some(secret_id) = non_empty(at.planned, "secret_id") else {
            return Ok(None);
        };
        let Some(found) = find(at.this, &secret_id).await? else {
            return Ok(None);
        };
        let secret = &found.object;
        let made = if rotation_disabled(at.planned) {
            !enabled(secret)
        } else {
            enabled(secret)
                && non_empty(at.planned, "rotation_lambda_arn").as_deref()
                    == secret.rotation_lambda_arn().filter(|arn| !arn.is_empty())
        };
        Ok(made.then_some(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule rotates by days or on a schedule (the provider's `ExactlyOneOf`, reported by
    /// each), and its duration and schedule match the provider's patterns.
    #[test]
    fn a_rule_has_days_or_a_schedule_in_the_providers_patterns() {
        let messages = |rule: Vec<(&'static str, Value)>| -> Vec<String> {
            let config = Value::map([
                ("secret_id", Value::string("db")),
                ("rotation_rules", Value::List(vec![Value::map(rule)])),
            ]);
            crate::problem_messages("aws_secretsmanager_secret_rotation", &config)
        };
        let keys = "rotation_rules.0.automatically_after_days,\
                    rotation_rules.0.schedule_expression";
        assert_eq!(
            messages(vec![("duration", Value::string("2h"))]),
            [
                format!(
                    "\"rotation_rules.0.automatically_after_days\": one of `{keys}` must be \
                     specified"
                ),
                format!(
                    "\"rotation_rules.0.schedule_expression\": one of `{keys}` must be specified"
                ),
            ]
        );
        assert_eq!(
            messages(vec![
                ("automatically_after_days", Value::Number(30.0)),
                ("duration", Value::string("--")),
            ]),
            ["expected value of rotation_rules.0.duration to match regular expression \
              \"[0-9h]+\", got --"]
        );
        assert!(messages(vec![("schedule_expression", Value::string("rate(4 hours)"))]).is_empty());
    }
}
