//! `aws_lambda_permission`: one statement of a Lambda function's resource-based policy, letting
//! a principal (a service such as `events.amazonaws.com`, an account, a role) call an action on
//! the function, or on one version or alias of it (`qualifier`), with AddPermission.
//!
//! The Terraform ID is the statement ID (`statement_id`, else `statement_id_prefix` or
//! `terraform-` plus a unique suffix). The import ID is `FUNCTION_NAME/STATEMENT_ID` or
//! `FUNCTION_NAME:QUALIFIER/STATEMENT_ID`. A statement cannot be changed, so every argument
//! forces a new permission. `function_name` may be a name, a partial ARN or a full ARN: a full ARN
//! in the configuration is read back as the statement's resource ARN without its qualifier,
//! anything else as the bare function name (as the provider does).
//!
//! Refresh is one GetPolicy per function and qualifier: the permissions of one function share
//! the answer, and each finds its statement by `Sid`, with its conditions read back from
//! `ArnLike` `AWS:SourceArn`, `StringEquals` `AWS:SourceAccount`, `aws:PrincipalOrgID`,
//! `lambda:EventSourceToken` and `lambda:FunctionUrlAuthType`, and `Bool`
//! `lambda:InvokedViaFunctionUrl`. AWS writes an account principal as
//! `arn:<partition>:iam::<account>:root`; that reads back as the account ID the configuration
//! gave. The policies of different functions are read in parallel.
//!
//! As the provider does, AddPermission and RemovePermission on one function run one at a time
//! (AWS can drop a statement when they run in parallel), AddPermission is retried for up to five
//! minutes while the function is not found yet or is being updated, and create and delete wait
//! until GetPolicy shows the change.
//!
//! moto 5.2.5 drops `event_source_token`, keeps `function_url_auth_type` and
//! `invoked_via_function_url` out of the statement's `Condition`, and lets a `principal_org_id`
//! overwrite `source_account` in `StringEquals`. When the answer has no such condition, the
//! prior value of these three is kept, so drift on them is not seen in tests. moto also accepts
//! a statement ID that is already used (AWS refuses it), and shares one policy between a function
//! and its aliases.
//!
//! The permission is an [`AwsObject`] whose key is its function (as configured), qualifier and
//! statement ID. A refresh describes with the whole priors ([`AwsObject::describe_priors`]) so
//! that every function a prior names is read, as before, even one whose prior has no statement
//! ID. Create returns the statement its wait found, and is not read again.
//!
//! The per-function lock is a `static` map of this file, not state of the family's
//! [`ObjectType`]: the plainest place for it. It is shared by every provider configuration (and
//! region) in the process, where each had its own before; a lock shared more widely only
//! serialises more, it never changes an answer.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use aws_sdk_lambda::types::FunctionUrlAuthType;
use infra_core::{
    Attribute, Cause, Check, Operation, Pattern, ProviderError, TextCheck, Type, Value,
};

use crate::app_support::{
    boolean, is_missing, known, non_empty, read_each, retry_while, sent, sent_unless_gone, string,
    text, wait_for,
};
use crate::aws_object::{
    composite_key, key_parts, AwsObject, Creating, Deleting, DescribeResult, FindResult,
    ObjectType, Tagged, Updating,
};
use crate::clients::partition_of;
use crate::declared::{read, Declared, Reading};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::verify::{is_account_id, ACCOUNT_ID, ARN};

pub type AwsLambdaPermission = ObjectType<PermissionObject>;

/// The type of [`AwsObject`]; its object is the permission's [`Statement`].
pub struct PermissionObject;

/// The provider's `lambdaPropagationTimeout`: how long AddPermission is retried and a change
/// waited for.
const PROPAGATION: Duration = Duration::from_secs(5 * 60);

/// The length of the unique suffix a generated statement ID ends with.
const UNIQUE_SUFFIX: usize = 26;

/// What GetPolicy is asked for: the function (as configured) and the qualifier.
type PolicyKey = (String, Option<String>);

/// One statement of a function's policy, as far as a permission reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    sid: String,
    action: Option<String>,
    resource: String,
    principal: serde_json::Value,
    condition: serde_json::Value,
}

/// One lock per function, so AddPermission and RemovePermission on it never overlap (shared by
/// the process: see the module's documentation).
static LOCKS: Mutex<BTreeMap<String, Arc<tokio::sync::Mutex<()>>>> = Mutex::new(BTreeMap::new());

/// The lock of a function, keyed by its bare name so a name and an ARN share it.
fn lock_for(function: &str) -> Arc<tokio::sync::Mutex<()>> {
    let key =
        parse_function(function).map(|(name, _)| name).unwrap_or_else(|| function.to_string());
    let mut locks = LOCKS.lock().unwrap_or_else(PoisonError::into_inner);
    locks.entry(key).or_default().clone()
}

/// The family's key of a permission: its policy and statement ID ([`composite_key`]).
fn joined_key(policy: &PolicyKey, sid: &str) -> String {
    composite_key(&(&policy.0, &policy.1, sid))
}

/// A key ([`joined_key`]) as its policy and statement ID.
fn split_key(key: &str) -> Option<(PolicyKey, String)> {
    let (function, qualifier, sid) = key_parts(key)?;
    Some(((function, qualifier), sid))
}

/// The policies, each once, in the order first named.
fn distinct(policies: impl IntoIterator<Item = PolicyKey>) -> Vec<PolicyKey> {
    let mut out: Vec<PolicyKey> = Vec::new();
    for policy in policies {
        if !out.contains(&policy) {
            out.push(policy);
        }
    }
    out
}

/// The statements of a function's (or a version's or alias's) policy; `None` when the function
/// or its policy does not exist.
async fn policy(
    this: &AwsLambdaPermission,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Option<Vec<Statement>>, ProviderError> {
    let client = &this.aws.clients().await.lambda;
    let answer = sent!(client
        .get_policy()
        .function_name(function)
        .set_qualifier(qualifier.map(str::to_string)));
    match answer {
        Ok(output) => Ok(Some(parse_policy(output.policy().unwrap_or_default())?)),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

async fn find_statement(
    this: &AwsLambdaPermission,
    function: &str,
    qualifier: Option<&str>,
    sid: &str,
) -> Result<Option<Statement>, ProviderError> {
    Ok(policy(this, function, qualifier)
        .await?
        .and_then(|statements| statements.into_iter().find(|s| s.sid == sid)))
}

/// The statements `wanted` (each by its policy and ID), filed under their keys, from one
/// GetPolicy per policy of `policies`, in parallel.
async fn statements(
    this: &AwsLambdaPermission,
    policies: Vec<PolicyKey>,
    wanted: Vec<(PolicyKey, String)>,
) -> Result<BTreeMap<String, Tagged<Statement>>, ProviderError> {
    let read = read_each(
        policies
            .iter()
            .map(|(function, qualifier)| policy(this, function, qualifier.as_deref()))
            .collect(),
    )
    .await?;
    let by_policy: HashMap<&PolicyKey, Option<Vec<Statement>>> =
        policies.iter().zip(read).collect();
    Ok(wanted
        .into_iter()
        .filter_map(|(policy, sid)| {
            let statements = by_policy.get(&policy)?.as_ref()?;
            let statement = statements.iter().find(|s| s.sid == sid)?;
            Some((joined_key(&policy, &sid), Tagged::untagged(statement.clone())))
        })
        .collect())
}

/// The function and qualifier a permission's policy is read with.
fn policy_key(value: &Value) -> Option<PolicyKey> {
    Some((non_empty(value, "function_name")?, non_empty(value, "qualifier")))
}

fn statement_id_of(value: &Value) -> Option<String> {
    non_empty(value, "statement_id").or_else(|| non_empty(value, "id"))
}

/// A policy document's statements (`Statement` may be one object or a list).
fn parse_policy(document: &str) -> Result<Vec<Statement>, ProviderError> {
    if document.trim().is_empty() {
        return Ok(Vec::new());
    }
    let json: serde_json::Value = serde_json::from_str(document)
        .map_err(|e| ProviderError::new(format!("reading Lambda function policy: {e}")))?;
    let items = match json.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(item @ serde_json::Value::Object(_)) => vec![item.clone()],
        _ => Vec::new(),
    };
    Ok(items
        .iter()
        .filter_map(|item| {
            let text = |key: &str| item.get(key).and_then(|v| v.as_str()).map(str::to_string);
            Some(Statement {
                sid: text("Sid")?,
                action: text("Action"),
                resource: text("Resource").unwrap_or_default(),
                principal: item.get("Principal").cloned().unwrap_or_default(),
                condition: item.get("Condition").cloned().unwrap_or_default(),
            })
        })
        .collect())
}

/// A condition value: `Condition.<operator>.<key>`, condition keys compared without case (as
/// IAM compares them).
fn condition<'a>(statement: &'a Statement, operator: &str, key: &str) -> Option<&'a str> {
    statement
        .condition
        .get(operator)?
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_str())
}

fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let lower = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    (3..=4).contains(&parts.len())
        && parts[0].len() == 2
        && lower(parts[0])
        && parts[1..parts.len() - 1].iter().all(|p| lower(p))
        && parts[parts.len() - 1].len() == 1
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

fn is_word(text: &str, extra: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

/// The function name and qualifier of a function name, partial ARN or ARN, as the provider's
/// `functionRegexp` reads them; `None` when it is none of these.
pub(super) fn parse_function(text: &str) -> Option<(String, Option<String>)> {
    let all: Vec<&str> = text.split(':').collect();
    let mut parts: &[&str] = &all;
    if parts.len() > 3 && parts[0] == "arn" && is_word(parts[1], "_-") && parts[2] == "lambda" {
        parts = &parts[3..];
    }
    if parts.len() > 1 && is_region(parts[0]) {
        parts = &parts[1..];
    }
    if parts.len() > 1 && is_account_id(parts[0]) {
        parts = &parts[1..];
    }
    if parts.len() > 1 && parts[0] == "function" {
        parts = &parts[1..];
    }
    match parts {
        [name] if is_word(name, "_-") => Some((name.to_string(), None)),
        [name, qualifier]
            if is_word(name, "_-") && (*qualifier == "$LATEST" || is_word(qualifier, "_-")) =>
        {
            Some((name.to_string(), Some(qualifier.to_string())))
        }
        _ => None,
    }
}

/// The provider's `create.NamePrefixFromName`: the statement ID without its 26-digit unique
/// suffix, or null for an ID without one.
fn prefix_from_statement_id(sid: &str) -> Value {
    if sid.len() <= UNIQUE_SUFFIX {
        return Value::Null;
    }
    let split = sid.len() - UNIQUE_SUFFIX;
    match (sid.get(..split), sid.get(split..)) {
        (Some(prefix), Some(suffix)) if suffix.bytes().all(|b| b.is_ascii_digit()) => {
            Value::string(prefix)
        }
        _ => Value::Null,
    }
}

/// The principal as the provider reads it (`AWS`, else `Service`, or a plain string); an
/// account's root ARN reads as the account ID when that is what the configuration gave.
fn principal_value(statement: &Statement, hint: &Value) -> Value {
    let reported = match &statement.principal {
        serde_json::Value::String(principal) => Some(principal.as_str()),
        serde_json::Value::Object(entries) => {
            entries.get("AWS").or_else(|| entries.get("Service")).and_then(|v| v.as_str())
        }
        _ => None,
    };
    let Some(reported) = reported else {
        return Value::Null;
    };
    match hint.get("principal").as_str() {
        Some(configured)
            if is_account_id(configured)
                && reported.starts_with("arn:")
                && reported.ends_with(&format!(":iam::{configured}:root")) =>
        {
            Value::string(configured)
        }
        _ => Value::string(reported),
    }
}

/// `function_name` as read from the statement's resource: a full ARN in the configuration (the
/// prior or planned value) reads back as the resource ARN without its qualifier, anything else
/// as the bare function name.
fn function_name(statement: &Statement, at: &Reading) -> Value {
    let partition = partition_of(at.region);
    let parsed = parse_function(&statement.resource);
    let qualifier = parsed.as_ref().and_then(|(_, q)| q.clone());
    let configured = string(at.prior, "function_name").unwrap_or_default();
    if configured.starts_with(&format!("arn:{partition}:lambda:")) {
        let trimmed = match &qualifier {
            Some(q) => statement
                .resource
                .strip_suffix(&format!(":{q}"))
                .unwrap_or(statement.resource.as_str()),
            None => statement.resource.as_str(),
        };
        Value::string(trimmed)
    } else {
        match &parsed {
            Some((name, _)) => Value::string(name),
            None => text(Some(configured.as_str()).filter(|s| !s.is_empty())),
        }
    }
}

/// An argument read from one of the statement's conditions (`Condition.<operator>.<key>`).
fn conditioned(
    attribute: Attribute,
    operator: &'static str,
    key: &'static str,
) -> Declared<Statement> {
    read(attribute, move |statement: &Statement, _: &Reading| {
        text(condition(statement, operator, key))
    })
}

/// An argument read from one of the statement's conditions, or kept as configured when the
/// answer has none: moto does not hold these in the statement's `Condition`.
fn conditioned_or_kept(
    attribute: Attribute,
    operator: &'static str,
    key: &'static str,
) -> Declared<Statement> {
    let name = attribute.name;
    read(attribute, move |statement: &Statement, at: &Reading| {
        match condition(statement, operator, key) {
            Some(value) => Value::string(value),
            None => known(at.prior, name),
        }
    })
}

/// AWS's answer to a statement ID that is taken (`ResourceConflictException`, "The statement
/// id (...) provided already exists").
fn is_taken(error: &ProviderError) -> bool {
    error.message.to_ascii_lowercase().contains("already exists")
}

/// AddPermission errors the provider retries: the function is not visible yet, or is being
/// updated.
fn is_retryable(error: &ProviderError) -> bool {
    matches!(error.code.as_deref(), Some("ResourceNotFoundException" | "ResourceConflictException"))
        && !is_taken(error)
}

/// The provider's `validPermissionAction`: `^(lambda:[*]|lambda:[A-Za-z]+|[*])$`.
const ACTION: Check = Check::Matches(Pattern {
    expression: "^(lambda:[*]|lambda:[A-Za-z]+|[*])$",
    test: |action| {
        action == "*"
            || action == "lambda:*"
            || action.strip_prefix("lambda:").is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphabetic())
            })
    },
    message: "must be a valid action (usually starts with lambda:)",
});

/// The patterns of the provider's `validPermissionEventSourceToken`, `validQualifier` and
/// `validPolicyStatementID`, each `validation.All` of this `StringMatch` and a
/// `StringLenBetween` (declared beside it).
const EVENT_SOURCE_TOKEN: Check = Check::Matches(Pattern {
    expression: "^[0-9A-Za-z_.-]+$",
    test: |token| is_word(token, "._-"),
    message: "must contain alphanumeric, periods, underscores or dashes only",
});
const QUALIFIER: Check = Check::Matches(Pattern {
    expression: "^[0-9A-Za-z_$-]+$",
    test: |qualifier| is_word(qualifier, "$_-"),
    message: "must contain alphanumeric, dollar signs, underscores or dashes only",
});
const STATEMENT_ID: Check = Check::Matches(Pattern {
    expression: "^[0-9A-Za-z_-]+$",
    test: |id| is_word(id, "_-"),
    message: "must contain alphanumeric, underscores or dashes only",
});

/// The provider's `validFunctionName`: `validation.All` of this `StringMatch` (the
/// `functionRegexp`), `StringLenBetween(1, 140)` and [`FUNCTION_NAME_LENGTH`].
const FUNCTION_NAME: Check = Check::Matches(Pattern {
    expression: r"^(arn:[\w-]+:lambda:)?([a-z]{2}-(?:[a-z]+-){1,2}\d{1}:)?(\d{12}:)?(function:)?([0-9A-Za-z_-]+)(:(\$LATEST|[0-9A-Za-z_-]+))?$",
    test: |name| parse_function(name).is_some(),
    message: "must be valid function name or function ARN",
});

/// The third check of `validFunctionName`: a full ARN or `ACCOUNT:function:NAME` counts by
/// its name, anything else as written; at most 64 bytes.
const FUNCTION_NAME_LENGTH: Check = Check::Text(TextCheck {
    name: "validFunctionName",
    check: |_, name| {
        let counted = match name.starts_with("arn:") || name.contains(":function:") {
            true => parse_function(name).map_or_else(|| name.to_string(), |(bare, _)| bare),
            false => name.to_string(),
        };
        (counted.len() > 64).then(|| {
            format!(
                "expected length of the Lambda function name to be less than or equal to 64, \
                 got {counted} ({} characters)",
                counted.len()
            )
        })
    },
});

/// Whether a statement, as read back for `planned`, is the one `planned` describes (for
/// adopting it after an interrupted create).
fn describes(read: &Value, planned: &Value) -> bool {
    ["action", "principal", "source_arn", "source_account", "principal_org_id"]
        .iter()
        .all(|key| read.get(key).as_str() == planned.get(key).as_str())
}

impl AwsObject for PermissionObject {
    type Object = Statement;
    const NAME: &'static str = "aws_lambda_permission";
    const KIND: &'static str = "Lambda permission";
    const KEY: &'static str = "statement_id";
    /// The key is the function, qualifier and statement ID ([`AwsObject::key_of`]).
    const KEY_WORD: &'static str = "function_name or statement_id";
    const TAGGED: bool = false;

    /// Every argument forces a new permission: a statement cannot be changed.
    fn attributes() -> Vec<Declared<Statement>> {
        let argument = |name, ty| Attribute::optional(name, ty).force_new();
        let sid = |statement: &Statement, _: &Reading| Value::string(&statement.sid);
        vec![
            read(Attribute::computed("id", Type::String), sid),
            read(
                Attribute::required("action", Type::String).force_new().check(ACTION),
                |statement: &Statement, _: &Reading| text(statement.action.as_deref()),
            ),
            conditioned_or_kept(
                argument("event_source_token", Type::String)
                    .check(EVENT_SOURCE_TOKEN)
                    .check(Check::Length(1, 256)),
                "StringEquals",
                "lambda:EventSourceToken",
            ),
            read(
                Attribute::required("function_name", Type::String)
                    .force_new()
                    .check(FUNCTION_NAME)
                    .check(Check::Length(1, 140))
                    .check(FUNCTION_NAME_LENGTH),
                function_name,
            ),
            conditioned_or_kept(
                argument("function_url_auth_type", Type::String)
                    .check(Check::OneOf(&["AWS_IAM", "NONE"])),
                "StringEquals",
                "lambda:FunctionUrlAuthType",
            ),
            read(
                argument("invoked_via_function_url", Type::Bool),
                |statement: &Statement, at: &Reading| match condition(
                    statement,
                    "Bool",
                    "lambda:InvokedViaFunctionUrl",
                ) {
                    Some(flag) => Value::Bool(flag.eq_ignore_ascii_case("true")),
                    None => known(at.prior, "invoked_via_function_url"),
                },
            ),
            read(
                Attribute::required("principal", Type::String).force_new(),
                |statement: &Statement, at: &Reading| principal_value(statement, at.prior),
            ),
            conditioned(
                argument("principal_org_id", Type::String),
                "StringEquals",
                "aws:PrincipalOrgID",
            ),
            read(
                argument("qualifier", Type::String).check(QUALIFIER).check(Check::Length(1, 128)),
                |statement: &Statement, _: &Reading| {
                    let parsed = parse_function(&statement.resource);
                    text(parsed.and_then(|(_, qualifier)| qualifier).as_deref())
                },
            ),
            conditioned(
                argument("source_account", Type::String).check(ACCOUNT_ID),
                "StringEquals",
                "AWS:SourceAccount",
            ),
            conditioned(
                argument("source_arn", Type::String).check(ARN),
                "ArnLike",
                "AWS:SourceArn",
            ),
            read(
                Attribute::optional_computed("statement_id", Type::String)
                    .force_new()
                    .check(STATEMENT_ID)
                    .check(Check::Length(1, 100))
                    .conflicts_with(&["statement_id_prefix"]),
                sid,
            ),
            read(
                Attribute::optional_computed("statement_id_prefix", Type::String)
                    .force_new()
                    .check(STATEMENT_ID)
                    .check(Check::Length(1, 100))
                    .conflicts_with(&["statement_id"]),
                |statement: &Statement, _: &Reading| prefix_from_statement_id(&statement.sid),
            ),
        ]
    }

    /// The generated `statement_id` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(
            operation,
            planned,
            ["statement_id", "statement_id_prefix"],
            "terraform-",
        )
    }

    fn key_of(value: &Value) -> Option<String> {
        Some(joined_key(&policy_key(value)?, &statement_id_of(value)?))
    }

    /// `FUNCTION_NAME/STATEMENT_ID` or `FUNCTION_NAME:QUALIFIER/STATEMENT_ID`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let parts: Vec<&str> = id.split('/').collect();
        let [function, sid] = parts.as_slice() else {
            return Err(import_error(id));
        };
        if function.is_empty() || sid.is_empty() {
            return Err(import_error(id));
        }
        let (function, qualifier) = match function.split(':').collect::<Vec<_>>().as_slice() {
            [name, qualifier] => (name.to_string(), Value::string(*qualifier)),
            _ => (function.to_string(), Value::Null),
        };
        Ok(Value::map([
            ("id", Value::string(*sid)),
            ("statement_id", Value::string(*sid)),
            ("function_name", Value::string(function)),
            ("qualifier", qualifier),
        ]))
    }

    /// One GetPolicy per function and qualifier the keys name, in parallel.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Statement> {
        let wanted: Vec<(PolicyKey, String)> = keys.iter().filter_map(|k| split_key(k)).collect();
        let policies = distinct(wanted.iter().map(|(policy, _)| policy.clone()));
        statements(this, policies, wanted).await
    }

    /// One GetPolicy per function and qualifier the priors name (a prior without a statement
    /// ID too), in parallel; each permission finds its statement by `Sid`.
    async fn describe_priors(
        this: &ObjectType<Self>,
        priors: &[Value],
    ) -> DescribeResult<Statement> {
        let policies = distinct(priors.iter().filter_map(policy_key));
        let wanted = priors
            .iter()
            .filter_map(|prior| Some((policy_key(prior)?, statement_id_of(prior)?)))
            .collect();
        statements(this, policies, wanted).await
    }

    /// AddPermission (retried while the function is not ready), then the statement once
    /// GetPolicy shows it.
    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Statement>, ProviderError> {
        let (Some(function), Some(action), Some(principal)) = (
            non_empty(at.planned, "function_name"),
            non_empty(at.planned, "action"),
            non_empty(at.planned, "principal"),
        ) else {
            return Err(ProviderError::new(
                "aws_lambda_permission needs known function_name, action and principal",
            ));
        };
        let sid = name_for_create(
            at.operation,
            at.planned,
            ["statement_id", "statement_id_prefix"],
            "terraform-",
        );
        let qualifier = non_empty(at.planned, "qualifier");
        let limit = PROPAGATION.min(at.operation.timeouts.create);
        let request = at
            .this
            .aws
            .clients()
            .await
            .lambda
            .add_permission()
            .function_name(&function)
            .statement_id(&sid)
            .action(action)
            .principal(principal)
            .set_event_source_token(non_empty(at.planned, "event_source_token"))
            .set_function_url_auth_type(
                non_empty(at.planned, "function_url_auth_type")
                    .map(|auth| FunctionUrlAuthType::from(auth.as_str())),
            )
            // Sent only when true, as the provider's `GetOk` does.
            .set_invoked_via_function_url(
                boolean(at.planned, "invoked_via_function_url").filter(|flag| *flag),
            )
            .set_principal_org_id(non_empty(at.planned, "principal_org_id"))
            .set_qualifier(qualifier.clone())
            .set_source_account(non_empty(at.planned, "source_account"))
            .set_source_arn(non_empty(at.planned, "source_arn"));
        let adding = format!("adding Lambda Permission ({function}/{sid})");
        {
            let _guard = lock_for(&function).lock_owned().await;
            let added = retry_while(limit, is_retryable, || {
                let request = request.clone();
                async move { sent!(request) }
            })
            .await;
            match added {
                Ok(_) => {}
                Err(error) if is_taken(&error) => {
                    return Err(error.with_cause(Cause::AlreadyExists).context(&adding));
                }
                Err(error) => return Err(error.context(&adding)),
            }
        }
        let statement = wait_for("the Lambda permission to appear in the policy", limit, || {
            find_statement(at.this, &function, qualifier.as_deref(), &sid)
        })
        .await
        .map_err(|e| e.context(&format!("reading Lambda Permission ({function}/{sid})")))?;
        Ok(Tagged::untagged(statement))
    }

    /// Every argument forces a new permission: nothing changes in place, and the statement is
    /// read again. (It is read back for the planned value, which equals the prior in every
    /// argument the read-back looks at, since each forces a new permission.)
    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Statement>, ProviderError> {
        let (Some((function, qualifier)), Some(sid)) =
            (policy_key(at.prior), statement_id_of(at.prior))
        else {
            return Err(Self::missing_key());
        };
        let statement = find_statement(at.this, &function, qualifier.as_deref(), &sid)
            .await?
            .ok_or_else(|| {
                ProviderError::with_code(
                    "NotFound",
                    format!("Lambda Permission ({function}/{sid}) not found"),
                )
            })?;
        Ok(Tagged::untagged(statement))
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let (Some((function, qualifier)), Some(sid)) =
            (policy_key(at.prior), statement_id_of(at.prior))
        else {
            return Ok(());
        };
        {
            let _guard = lock_for(&function).lock_owned().await;
            let removed = sent!(at
                .this
                .aws
                .clients()
                .await
                .lambda
                .remove_permission()
                .function_name(&function)
                .statement_id(&sid)
                .set_qualifier(qualifier.clone()));
            let removed = sent_unless_gone(removed, is_missing).map_err(|error| {
                error.context(&format!("removing Lambda Permission ({function}/{sid})"))
            })?;
            if !removed {
                return Ok(());
            }
        }
        let limit = PROPAGATION.min(at.operation.timeouts.delete);
        wait_for("the Lambda permission to leave the policy", limit, || async {
            Ok(find_statement(at.this, &function, qualifier.as_deref(), &sid)
                .await?
                .is_none()
                .then_some(()))
        })
        .await
        .map_err(|e| e.context(&format!("waiting for Lambda Permission ({function}/{sid}) delete")))
    }

    /// By natural key: the statement with the planned ID, or else the one statement whose ID is
    /// the planned prefix (or `terraform-`) plus a unique suffix, when it grants what the plan
    /// grants.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Statement> {
        let Some((function, qualifier)) = policy_key(at.planned) else {
            return Ok(None);
        };
        let Some(statements) = policy(at.this, &function, qualifier.as_deref()).await? else {
            return Ok(None);
        };
        let region = at.this.aws.clients().await.region.clone();
        let candidates: Vec<&Statement> = match non_empty(at.planned, "statement_id") {
            Some(sid) => statements.iter().filter(|s| s.sid == sid).collect(),
            None => {
                let prefix = non_empty(at.planned, "statement_id_prefix")
                    .unwrap_or_else(|| "terraform-".to_string());
                statements
                    .iter()
                    .filter(|s| {
                        s.sid.strip_prefix(prefix.as_str()).is_some_and(|suffix| {
                            suffix.len() == UNIQUE_SUFFIX
                                && suffix.bytes().all(|b| b.is_ascii_digit())
                        })
                    })
                    .collect()
            }
        };
        let mut matching: Vec<Tagged<Statement>> = candidates
            .into_iter()
            .map(|statement| Tagged::untagged(statement.clone()))
            .filter(|found| describes(&at.this.value_of(found, &region, at.planned), at.planned))
            .collect();
        Ok((matching.len() == 1).then(|| matching.remove(0)))
    }
}

fn import_error(id: &str) -> ProviderError {
    ProviderError::new(format!(
        "Unexpected format of ID ({id:?}), expected FUNCTION_NAME/STATEMENT_ID or \
         FUNCTION_NAME:QUALIFIER/STATEMENT_ID"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    /// The value read back from `statement` for `hint` (the `aws` partition).
    fn read_back(statement: Statement, hint: &Value) -> Value {
        crate::aws_object::value_of::<PermissionObject>(&Tagged::untagged(statement), hint)
    }

    fn statement(json: &str) -> Statement {
        let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{json}]}}"#);
        parse_policy(&policy)
            .ok()
            .and_then(|mut statements| statements.pop())
            .unwrap_or_else(|| panic!("no statement in {policy}"))
    }

    #[test]
    fn function_names_parse_as_the_provider_reads_them() {
        let parse = |text: &str| parse_function(text);
        assert_eq!(parse("fn"), Some(("fn".to_string(), None)));
        assert_eq!(parse("fn:live"), Some(("fn".to_string(), Some("live".to_string()))));
        assert_eq!(
            parse("arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST"),
            Some(("fn".to_string(), Some("$LATEST".to_string())))
        );
        assert_eq!(parse("123456789012:function:fn"), Some(("fn".to_string(), None)));
        assert_eq!(parse("bad name"), None);
        assert_eq!(parse("a:b:c"), None);
    }

    #[test]
    fn a_statement_reads_back_its_conditions() {
        let read = read_back(
            statement(
                r#"{"Sid":"terraform-00000000000000000000000001","Action":"lambda:InvokeFunction",
                "Principal":{"Service":"events.amazonaws.com"},
                "Resource":"arn:aws:lambda:us-east-1:123456789012:function:fn:live",
                "Condition":{
                "ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/r"},
                "StringEquals":{"AWS:SourceAccount":"123456789012"}}}"#,
            ),
            &Value::map([("function_name", Value::string("fn"))]),
        );
        assert_eq!(read.get("function_name").as_str(), Some("fn"));
        assert_eq!(read.get("qualifier").as_str(), Some("live"));
        assert_eq!(read.get("principal").as_str(), Some("events.amazonaws.com"));
        assert_eq!(read.get("source_account").as_str(), Some("123456789012"));
        assert_eq!(
            read.get("source_arn").as_str(),
            Some("arn:aws:events:us-east-1:123456789012:rule/r")
        );
        assert_eq!(read.get("statement_id_prefix").as_str(), Some("terraform-"));
        assert!(read.get("principal_org_id").is_null());
    }

    #[test]
    fn an_arn_function_name_keeps_its_form_and_accounts_read_as_configured() {
        let hint = Value::map([
            ("function_name", Value::string("arn:aws:lambda:us-east-1:123456789012:function:fn")),
            ("principal", Value::string("111122223333")),
        ]);
        let read = read_back(
            statement(
                r#"{"Sid":"s","Action":"lambda:InvokeFunction",
                "Principal":{"AWS":"arn:aws:iam::111122223333:root"},
                "Resource":"arn:aws:lambda:us-east-1:123456789012:function:fn:2"}"#,
            ),
            &hint,
        );
        assert_eq!(
            read.get("function_name").as_str(),
            Some("arn:aws:lambda:us-east-1:123456789012:function:fn")
        );
        assert_eq!(read.get("principal").as_str(), Some("111122223333"));
        assert!(read.get("statement_id_prefix").is_null());
    }

    #[test]
    fn import_ids_take_an_optional_qualifier() {
        let resource = AwsLambdaPermission::new(Aws::new(crate::ProviderSettings::default()));
        let plain = resource.import_prior("fn/AllowSns").ok();
        assert_eq!(plain.as_ref().map(|v| v.get("function_name").as_str()), Some(Some("fn")));
        let qualified = resource.import_prior("fn:live/AllowSns").ok();
        assert_eq!(qualified.as_ref().map(|v| v.get("qualifier").as_str()), Some(Some("live")));
        assert!(resource.import_prior("fn").is_err());
        assert!(resource.import_prior("fn/a/b").is_err());
    }

    /// The family's key holds the policy (a function ARN with its `:`s) and the statement ID
    /// whole; an imported prior has one.
    #[test]
    fn a_key_is_the_policy_and_the_statement_id() {
        let prior = Value::map([
            ("function_name", Value::string("arn:aws:lambda:us-east-1:123456789012:function:fn")),
            ("qualifier", Value::string("live")),
            ("id", Value::string("AllowSns")),
        ]);
        let key = PermissionObject::key_of(&prior).expect("a key");
        let policy = (
            "arn:aws:lambda:us-east-1:123456789012:function:fn".to_string(),
            Some("live".to_string()),
        );
        assert_eq!(split_key(&key), Some((policy, "AllowSns".to_string())));
        let imported = PermissionObject::import_prior("fn/AllowSns").expect("imported");
        let key = PermissionObject::key_of(&imported).expect("a key");
        assert_eq!(split_key(&key), Some((("fn".to_string(), None), "AllowSns".to_string())));
        assert_eq!(PermissionObject::key_of(&Value::map([("id", Value::string("s"))])), None);
    }

    #[test]
    fn validation_follows_the_provider() {
        let resource = AwsLambdaPermission::new(Aws::new(crate::ProviderSettings::default()));
        let problems = resource.problems(&Value::map([
            ("action", Value::string("InvokeFunction")),
            ("function_name", Value::string("fn")),
            ("principal", Value::string("events.amazonaws.com")),
            ("source_account", Value::string("12345")),
            ("source_arn", Value::string("not-an-arn")),
            ("statement_id", Value::string("a b")),
            ("statement_id_prefix", Value::string("p")),
        ]));
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        // In the schema's order; an argument that conflicts is not checked further, as the
        // SDK's validate returns at the conflict.
        assert_eq!(
            paths,
            ["action", "source_account", "source_arn", "statement_id", "statement_id_prefix"]
        );
        assert_eq!(
            problems[0].1,
            "invalid value for action (must be a valid action (usually starts with lambda:))"
        );
        assert_eq!(problems[3].1, "\"statement_id\": conflicts with statement_id_prefix");
        let alone = resource.problems(&Value::map([
            ("action", Value::string("lambda:InvokeFunction")),
            ("function_name", Value::string("fn")),
            ("principal", Value::string("events.amazonaws.com")),
            ("statement_id", Value::string("a b")),
        ]));
        assert_eq!(
            alone,
            [(
                "statement_id".to_string(),
                "invalid value for statement_id (must contain alphanumeric, underscores or dashes only)"
                    .to_string()
            )]
        );
        // validation.All: an empty qualifier fails both its pattern and its length, and a
        // malformed function name its pattern as well as the name's length.
        let problems = resource.problems(&Value::map([
            ("action", Value::string("lambda:InvokeFunction")),
            ("function_name", Value::string(format!("{}!", "f".repeat(140)))),
            ("principal", Value::string("events.amazonaws.com")),
            ("qualifier", Value::string("")),
        ]));
        let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(messages.len(), 5, "{messages:?}");
        assert_eq!(
            messages[0],
            "invalid value for function_name (must be valid function name or function ARN)"
        );
        assert!(messages[1]
            .starts_with("expected length of function_name to be in the range (1 - 140), got f"));
        assert!(messages[2].starts_with(
            "expected length of the Lambda function name to be less than or equal to 64"
        ));
        assert_eq!(
            &messages[3..],
            [
                "invalid value for qualifier (must contain alphanumeric, dollar signs, underscores or dashes only)",
                "expected length of qualifier to be in the range (1 - 128), got ",
            ]
        );
        assert!(resource
            .problems(&Value::map([
                ("action", Value::string("lambda:InvokeFunction")),
                ("function_name", Value::string("fn")),
                ("principal", Value::string("events.amazonaws.com")),
                ("source_arn", Value::string("arn:aws:events:us-east-1:123456789012:rule/r")),
            ]))
            .is_empty());
    }
}
