//! Helpers shared by the IAM resource types.
//!
//! IAM is global and has few batched reads: most objects are read with one `Get*` call each,
//! run concurrently by [`read_each`]. Managed-policy attachments and inline policies exist for
//! three kinds of principal (user, role, group) with one API per kind; [`Principal`] dispatches
//! them once, and [`PolicyAttachment`] / [`InlinePolicy`] are the generic resource types behind
//! `aws_iam_{role,user,group}_policy_attachment` and `aws_iam_{role,user}_policy`.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;

use aws_sdk_iam::types::Tag;
use infra_core::{
    Attribute, Creating, Deleting, Operation, ProviderError, ResourceType, Schema, Type, Updating,
    Value,
};

use crate::app_support::{
    changed, computed_name_prefix_attribute, is_missing, name_attribute, same_json, sent, string,
};
use crate::declared::{reported, Declared};
use crate::ec2_support::name_for_create;
use crate::error::aws_error;
use crate::verify::ARN;
use crate::Aws;

pub use crate::app_support::read_each;

/// How long an object just written may take to become readable (the provider's IAM
/// propagation timeout).
pub const PROPAGATION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Reads an object just written. IAM is eventually consistent: a read right after a create
/// can miss the object for a moment, so `read` is polled until it finds it, for at most
/// [`PROPAGATION_TIMEOUT`] (the emulator answers at once).
pub async fn propagated<T, F, Fut>(kind: &str, id: &str, mut read: F) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let started = std::time::Instant::now();
    loop {
        if let Some(found) = read().await? {
            return Ok(found);
        }
        if started.elapsed() >= PROPAGATION_TIMEOUT {
            return Err(crate::app_support::vanished(kind, id));
        }
        tokio::time::sleep(crate::app_support::POLL_INTERVAL).await;
    }
}

/// `Ok(None)` for IAM's `NoSuchEntity` (and other "not found" codes).
pub fn found<T>(result: Result<T, ProviderError>) -> Result<Option<T>, ProviderError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// `Ok(())` when the object is already gone (deletes are idempotent).
pub fn gone<T>(result: Result<T, ProviderError>) -> Result<(), ProviderError> {
    found(result).map(|_| ())
}

/// A date as the provider writes it: RFC 3339 in whole seconds (Go's `time.RFC3339`).
pub fn date(value: Option<&aws_smithy_types::DateTime>) -> Value {
    value
        .and_then(|d| {
            aws_smithy_types::DateTime::from_secs(d.secs())
                .fmt(aws_smithy_types::date_time::Format::DateTime)
                .ok()
        })
        .map(Value::string)
        .unwrap_or(Value::Null)
}

/// Tags in the SDK's form.
pub fn tags_to_sdk(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| ProviderError::new(format!("tag \"{k}\": {e}")))
        })
        .collect()
}

/// SDK tags as `(key, value)` pairs.
pub fn tag_pairs(tags: &[Tag]) -> Vec<(&str, &str)> {
    tags.iter().map(|t| (t.key(), t.value())).collect()
}

/// SDK tags as owned pairs (for [`crate::app_support::has_managed_tags`]).
pub fn owned_tags(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter().map(|t| (t.key().to_string(), t.value().to_string())).collect()
}

/// The name a create uses: `name`, else `name_prefix` plus a unique suffix, else
/// `terraform-` plus one (as the provider does); the same for every call of one operation
/// ([`name_for_create`]).
pub fn new_name(operation: &Operation, planned: &Value) -> String {
    name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
}

/// The `name_prefix` a name was made from, as the provider reads it back: the name without a
/// trailing 26-hex-digit unique suffix (`null` for a name without one).
pub fn name_prefix_from_name(name: &str) -> Value {
    const SUFFIX: usize = 26;
    if name.len() <= SUFFIX || !name.is_char_boundary(name.len() - SUFFIX) {
        return Value::Null;
    }
    let (prefix, suffix) = name.split_at(name.len() - SUFFIX);
    if suffix.chars().all(|c| c.is_ascii_hexdigit()) {
        Value::string(prefix)
    } else {
        Value::Null
    }
}

/// Each of `name` and `name_prefix` that is known checked by `problem` (the message for a
/// bad one), in that order. (The two conflict: each declares it.)
pub fn name_checks(
    config: &Value,
    problem: impl Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for attribute in ["name", "name_prefix"] {
        if let Some(message) = config.get(attribute).as_str().and_then(&problem) {
            problems.push((attribute.to_string(), message));
        }
    }
    problems
}

/// The attributes an IAM user and group begin with, as the provider's schemas order them:
/// `id` (the name), `arn`, `unique_id`, `name` and `path` (default `/`), each read by the SDK
/// object's accessor.
pub fn named_in_path<T: 'static>(
    name: fn(&T) -> &str,
    arn: fn(&T) -> &str,
    unique_id: fn(&T) -> &str,
    path: fn(&T) -> &str,
) -> Vec<Declared<T>> {
    let path_attribute = Attribute::optional("path", Type::String).default(Value::string("/"));
    vec![
        reported(Attribute::computed("id", Type::String), name),
        reported(Attribute::computed("arn", Type::String), arn),
        reported(Attribute::computed("unique_id", Type::String), unique_id),
        reported(Attribute::required("name", Type::String), name),
        reported(path_attribute, path),
    ]
}

/// A user's or group's rename or move, as UpdateUser and UpdateGroup send it (the provider
/// updates both `name` and `path` in place).
#[derive(Debug, PartialEq)]
pub struct RenameOrMove {
    /// The name after: the user's or group's key.
    pub name: String,
    /// Whether UpdateUser / UpdateGroup is sent: the name or the path changes.
    pub sent: bool,
    /// `NewUserName` / `NewGroupName`: the new name, where it changes.
    pub new_name: Option<String>,
    /// `NewPath`: the new path, where it changes.
    pub new_path: Option<String>,
}

/// What a user's or group's update sends for a rename or a move from `old_name`.
pub fn renamed_or_moved(old_name: &str, prior: &Value, planned: &Value) -> RenameOrMove {
    let name = string(planned, "name").unwrap_or_else(|| old_name.to_string());
    let moved = changed(prior, planned, "path");
    let new_name = (name != old_name).then(|| name.clone());
    RenameOrMove {
        sent: new_name.is_some() || moved,
        new_path: moved.then(|| string(planned, "path")).flatten(),
        new_name,
        name,
    }
}

/// The checks of `name` / `name_prefix` (which conflict, as each declares): the prefix leaves
/// room for the 26-character suffix within `max` characters.
pub fn name_problems(config: &Value, max: usize) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(name) = config.get("name").as_str() {
        if name.is_empty() || name.chars().count() > max {
            problems.push((
                "name".to_string(),
                format!("\"{name}\" must be 1 to {max} characters long"),
            ));
        }
    }
    if let Some(prefix) = config.get("name_prefix").as_str() {
        if prefix.chars().count() + 26 > max {
            problems.push((
                "name_prefix".to_string(),
                format!(
                    "\"{prefix}\" is longer than {} characters (a 26-character suffix is added)",
                    max - 26
                ),
            ));
        }
    }
    problems
}

/// A problem when the attribute is known and not a JSON object.
pub fn json_problem(config: &Value, key: &str) -> Option<(String, String)> {
    let text = config.get(key).as_str()?;
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => None,
        _ => Some((key.to_string(), format!("\"{text}\" is not a valid JSON policy document"))),
    }
}

/// Applies the tag difference between `prior` and `planned` to one IAM object: `$untag` and
/// `$tag` are its kind's Untag*/Tag* operations, `$member($key)` the member that names it
/// (`user_name(&name)`, `policy_arn(&arn)`). Removals go first, then additions, as the
/// provider sends them. A future of `Result<(), ProviderError>`.
macro_rules! update_tags {
    (
        $client:expr, $untag:ident, $tag:ident, $member:ident($key:expr),
        $prior:expr, $planned:expr
    ) => {
        async {
            let (to_set, to_remove) = $crate::app_support::tag_changes($prior, $planned);
            if !to_remove.is_empty() {
                $crate::app_support::sent!($client
                    .$untag()
                    .$member($key)
                    .set_tag_keys(Some(to_remove)))?;
            }
            if !to_set.is_empty() {
                $crate::app_support::sent!($client
                    .$tag()
                    .$member($key)
                    .set_tags(Some($crate::iam_support::tags_to_sdk(&to_set)?)))?;
            }
            Ok::<(), ProviderError>(())
        }
    };
}
pub(crate) use update_tags;

/// The kind of IAM identity a managed policy attaches to or an inline policy belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    User,
    Role,
    Group,
}

/// Runs one IAM call for a user, a role or a group: IAM has one operation per kind of
/// principal (`$user`, `$role`, `$group`), each naming its owner with its own setter
/// (`user_name`, `role_name`, `group_name`). `$request` is that builder, owner set; `$body`
/// finishes and sends it (the same code for the three kinds, typed for each).
macro_rules! per_principal {
    (
        $principal:expr, $client:expr, $owner:expr,
        [$user:ident, $role:ident, $group:ident],
        |$request:ident| $body:expr
    ) => {
        match $principal {
            Principal::User => {
                let $request = $client.$user().user_name($owner);
                $body
            }
            Principal::Role => {
                let $request = $client.$role().role_name($owner);
                $body
            }
            Principal::Group => {
                let $request = $client.$group().group_name($owner);
                $body
            }
        }
    };
}

impl Principal {
    /// The attribute that names it (`user`, `role`, `group`).
    pub fn attribute(self) -> &'static str {
        match self {
            Principal::User => "user",
            Principal::Role => "role",
            Principal::Group => "group",
        }
    }

    /// The ARNs of the managed policies attached to `name`; `None` when it does not exist.
    pub async fn attached(
        self,
        client: &aws_sdk_iam::Client,
        name: &str,
    ) -> Result<Option<BTreeSet<String>>, ProviderError> {
        let mut out = BTreeSet::new();
        per_principal!(
            self,
            client,
            name,
            [
                list_attached_user_policies,
                list_attached_role_policies,
                list_attached_group_policies
            ],
            |request| {
                let mut pages = request.into_paginator().send();
                while let Some(page) = pages.next().await {
                    match page.map_err(aws_error) {
                        Ok(page) => out.extend(
                            page.attached_policies()
                                .iter()
                                .filter_map(|p| p.policy_arn().map(str::to_string)),
                        ),
                        Err(error) if is_missing(&error) => return Ok(None),
                        Err(error) => return Err(error),
                    }
                }
            }
        );
        Ok(Some(out))
    }

    /// Attaches a managed policy.
    pub async fn attach(
        self,
        client: &aws_sdk_iam::Client,
        name: &str,
        policy_arn: &str,
    ) -> Result<(), ProviderError> {
        per_principal!(
            self,
            client,
            name,
            [attach_user_policy, attach_role_policy, attach_group_policy],
            |request| sent(request.policy_arn(policy_arn).send().await)
        )
    }

    /// Detaches a managed policy; already detached (or gone) is success.
    pub async fn detach(
        self,
        client: &aws_sdk_iam::Client,
        name: &str,
        policy_arn: &str,
    ) -> Result<(), ProviderError> {
        gone(per_principal!(
            self,
            client,
            name,
            [detach_user_policy, detach_role_policy, detach_group_policy],
            |request| sent(request.policy_arn(policy_arn).send().await)
        ))
    }

    /// One inline policy's document (canonical JSON); `None` when it or its owner is gone.
    pub async fn inline_policy(
        self,
        client: &aws_sdk_iam::Client,
        owner: &str,
        policy: &str,
    ) -> Result<Option<String>, ProviderError> {
        use crate::app_support::decoded_policy;
        per_principal!(
            self,
            client,
            owner,
            [get_user_policy, get_role_policy, get_group_policy],
            |request| {
                let output = found(sent!(request.policy_name(policy)))?;
                Ok(output.map(|r| decoded_policy(r.policy_document())))
            }
        )
    }

    /// Creates or replaces an inline policy.
    pub async fn put_inline_policy(
        self,
        client: &aws_sdk_iam::Client,
        owner: &str,
        policy: &str,
        document: &str,
    ) -> Result<(), ProviderError> {
        per_principal!(
            self,
            client,
            owner,
            [put_user_policy, put_role_policy, put_group_policy],
            |request| sent(request.policy_name(policy).policy_document(document).send().await)
        )
    }

    /// Deletes an inline policy; already gone is success.
    pub async fn delete_inline_policy(
        self,
        client: &aws_sdk_iam::Client,
        owner: &str,
        policy: &str,
    ) -> Result<(), ProviderError> {
        gone(per_principal!(
            self,
            client,
            owner,
            [delete_user_policy, delete_role_policy, delete_group_policy],
            |request| sent(request.policy_name(policy).send().await)
        ))
    }

    /// The names of the owner's inline policies (empty when the owner is gone).
    pub async fn inline_policy_names(
        self,
        client: &aws_sdk_iam::Client,
        owner: &str,
    ) -> Result<Vec<String>, ProviderError> {
        let mut out = Vec::new();
        per_principal!(
            self,
            client,
            owner,
            [list_user_policies, list_role_policies, list_group_policies],
            |request| {
                let mut pages = request.into_paginator().send();
                while let Some(page) = pages.next().await {
                    match page.map_err(aws_error) {
                        Ok(page) => out.extend(page.policy_names().iter().cloned()),
                        Err(error) if is_missing(&error) => return Ok(vec![]),
                        Err(error) => return Err(error),
                    }
                }
            }
        );
        Ok(out)
    }
}

/// A write's outcome without its output.
fn sent<T, E>(
    result: Result<
        T,
        aws_smithy_runtime_api::client::result::SdkError<
            E,
            aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        >,
    >,
) -> Result<(), ProviderError>
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
{
    result.map(|_| ()).map_err(aws_error)
}

/// The managed attachments of many principals of one kind, read concurrently, one listing
/// per distinct principal; a missing principal has none.
pub async fn attached_by_owner(
    client: &aws_sdk_iam::Client,
    principal: Principal,
    owners: BTreeSet<String>,
) -> Result<BTreeMap<String, BTreeSet<String>>, ProviderError> {
    let reads = owners
        .into_iter()
        .map(|owner| async move {
            let attached = principal.attached(client, &owner).await?;
            Ok((owner, attached.unwrap_or_default()))
        })
        .collect();
    let lists = read_each(reads).await?;
    Ok(lists.into_iter().collect())
}

/// Makes `current` (attached to `owner`) into `wanted`: detaches what is no longer wanted,
/// then attaches what is missing.
pub async fn sync_attachments(
    client: &aws_sdk_iam::Client,
    principal: Principal,
    owner: &str,
    current: &BTreeSet<String>,
    wanted: &BTreeSet<String>,
) -> Result<(), ProviderError> {
    for arn in current.difference(wanted) {
        principal.detach(client, owner, arn).await?;
    }
    for arn in wanted.difference(current) {
        principal.attach(client, owner, arn).await?;
    }
    Ok(())
}

/// `aws_iam_{role,user,group}_policy_attachment`: one managed policy attached to one
/// principal. Its natural key is (principal, policy ARN) and its id `<name>/<policy_arn>`,
/// which is also the import ID. Refresh is one listing of attached policies per distinct
/// principal, those listings run concurrently.
pub struct PolicyAttachment {
    aws: Arc<Aws>,
    principal: Principal,
    type_name: &'static str,
    schema: Schema,
}

impl PolicyAttachment {
    pub fn new(aws: Arc<Aws>, principal: Principal, type_name: &'static str) -> PolicyAttachment {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required(principal.attribute(), Type::String).force_new())
            .attr(Attribute::required("policy_arn", Type::String).force_new().check(ARN));
        PolicyAttachment { aws, principal, type_name, schema }
    }

    fn to_value(&self, owner: &str, policy_arn: &str) -> Value {
        Value::map([
            ("id", Value::string(format!("{owner}/{policy_arn}"))),
            (self.principal.attribute(), Value::string(owner)),
            ("policy_arn", Value::string(policy_arn)),
        ])
    }

    fn key(&self, value: &Value) -> Result<(String, String), ProviderError> {
        match (string(value, self.principal.attribute()), string(value, "policy_arn")) {
            (Some(owner), Some(policy_arn)) => Ok((owner, policy_arn)),
            _ => Err(ProviderError::new(format!(
                "{} needs a known \"{}\" and \"policy_arn\"",
                self.type_name,
                self.principal.attribute()
            ))),
        }
    }
}

/// Splits an import ID `OWNER/POLICY_ARN` (the ARN itself contains `/`).
pub fn split_attachment_id(id: &str, owner: &str) -> Result<(String, String), ProviderError> {
    match id.split_once('/') {
        Some((name, arn)) if !name.is_empty() && arn.starts_with("arn:") => {
            Ok((name.to_string(), arn.to_string()))
        }
        _ => Err(ProviderError::new(format!(
            "unexpected format of ID ({id}), expected {}-NAME/POLICY-ARN",
            owner.to_uppercase()
        ))),
    }
}

#[async_trait::async_trait]
impl ResourceType for PolicyAttachment {
    fn name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let (owner, policy_arn) = self.key(at.planned)?;
        self.principal.attach(client, &owner, &policy_arn).await?;
        Ok(self.to_value(&owner, &policy_arn))
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        // Both attributes force replacement: nothing changes in place.
        let (owner, policy_arn) = self.key(at.prior)?;
        Ok(self.to_value(&owner, &policy_arn))
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let (owner, policy_arn) = self.key(at.prior)?;
        self.principal.detach(client, &owner, &policy_arn).await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let owners: BTreeSet<String> =
            prior.iter().filter_map(|p| string(p, self.principal.attribute())).collect();
        let attached = attached_by_owner(client, self.principal, owners).await?;
        Ok(prior
            .iter()
            .map(|p| {
                let (owner, policy_arn) = self.key(p).ok()?;
                attached
                    .get(&owner)?
                    .contains(&policy_arn)
                    .then(|| self.to_value(&owner, &policy_arn))
            })
            .collect())
    }

    /// Terraform's import ID: `NAME/POLICY_ARN`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (owner, policy_arn) = split_attachment_id(id, self.principal.attribute())?;
        Ok(Value::map([
            (self.principal.attribute(), Value::string(owner)),
            ("policy_arn", Value::string(policy_arn)),
        ]))
    }

    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Ok((owner, policy_arn)) = self.key(at.planned) else {
            return Ok(None);
        };
        let attached = self.principal.attached(client, &owner).await?;
        Ok(attached.filter(|p| p.contains(&policy_arn)).map(|_| self.to_value(&owner, &policy_arn)))
    }
}

/// `aws_iam_{role,user,group}_policy`: one inline policy of one principal. Its id and import ID are
/// `<owner>:<policy name>`. Refresh is one Get*Policy per object, run concurrently (IAM has no
/// batched read of inline policies).
pub struct InlinePolicy {
    aws: Arc<Aws>,
    principal: Principal,
    type_name: &'static str,
    schema: Schema,
}

impl InlinePolicy {
    pub fn new(aws: Arc<Aws>, principal: Principal, type_name: &'static str) -> InlinePolicy {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(name_attribute())
            .attr(computed_name_prefix_attribute())
            .attr(Attribute::required("policy", Type::Json))
            .attr(Attribute::required(principal.attribute(), Type::String).force_new());
        InlinePolicy { aws, principal, type_name, schema }
    }

    fn owner(&self, value: &Value) -> Result<String, ProviderError> {
        string(value, self.principal.attribute()).ok_or_else(|| {
            ProviderError::new(format!(
                "{} needs a known \"{}\"",
                self.type_name,
                self.principal.attribute()
            ))
        })
    }

    fn to_value(&self, owner: &str, name: &str, document: String, hint: &Value) -> Value {
        Value::map([
            ("id", Value::string(format!("{owner}:{name}"))),
            ("name", Value::string(name)),
            ("name_prefix", name_prefix_from_name(name)),
            ("policy", same_json(Some(document), hint.get("policy"))),
            (self.principal.attribute(), Value::string(owner)),
        ])
    }

    async fn read_one(&self, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let (Some(owner), Some(name)) =
            (string(prior, self.principal.attribute()), string(prior, "name"))
        else {
            return Ok(None);
        };
        let document = self.principal.inline_policy(client, &owner, &name).await?;
        Ok(document.map(|d| self.to_value(&owner, &name, d, prior)))
    }

    /// Writes `planned`'s document as `owner`'s inline policy `name` (create or replace), then
    /// reads it back once it has propagated.
    async fn put(&self, owner: &str, name: &str, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let document = string(planned, "policy").unwrap_or_default();
        self.principal.put_inline_policy(client, owner, name, &document).await?;
        let mut written = planned.clone();
        if let Some(entries) = written.map_mut() {
            entries.insert("name".into(), Value::string(name));
        }
        propagated(self.type_name, &format!("{owner}:{name}"), || self.read_one(&written)).await
    }
}

/// Splits an import ID `OWNER:POLICY_NAME`.
pub fn split_inline_id(id: &str, owner: &str) -> Result<(String, String), ProviderError> {
    match id.split_once(':') {
        Some((o, name)) if !o.is_empty() && !name.is_empty() => {
            Ok((o.to_string(), name.to_string()))
        }
        _ => Err(ProviderError::new(format!(
            "unexpected format of ID ({id}), expected {}_NAME:POLICY_NAME",
            owner.to_uppercase()
        ))),
    }
}

#[async_trait::async_trait]
impl ResourceType for InlinePolicy {
    fn name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = name_problems(config, 128);
        problems.extend(json_problem(config, "policy"));
        problems
    }

    /// The generated `name` goes into the create's pending entry.
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        crate::ec2_support::with_name_for_create(
            operation,
            planned,
            ["name", "name_prefix"],
            "terraform-",
        )
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let owner = self.owner(at.planned)?;
        self.put(&owner, &new_name(at.operation, at.planned), at.planned).await
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        // Only the document changes in place; the owner and the name force replacement.
        let owner = self.owner(at.prior)?;
        let name = string(at.prior, "name").unwrap_or_default();
        self.put(&owner, &name, at.planned).await
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let owner = self.owner(at.prior)?;
        let Some(name) = string(at.prior, "name") else {
            return Ok(());
        };
        self.principal.delete_inline_policy(client, &owner, &name).await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_each(prior.iter().map(|p| self.read_one(p)).collect()).await
    }

    /// Terraform's import ID: `OWNER_NAME:POLICY_NAME`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (owner, name) = split_inline_id(id, self.principal.attribute())?;
        Ok(Value::map([
            ("id", Value::string(id)),
            (self.principal.attribute(), Value::string(owner)),
            ("name", Value::string(name)),
        ]))
    }

    /// Inline policies have no tags: found by (owner, name), the name the create sent.
    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        let mut named = at.planned.clone();
        if let Some(entries) = named.map_mut() {
            entries.insert("name".into(), Value::string(new_name(at.operation, at.planned)));
        }
        self.read_one(&named).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// UpdateUser / UpdateGroup: sent only for a rename or a move, each member only when it
    /// changes (moto shows neither in the e2e stacks, which rename and move nothing).
    #[test]
    fn a_rename_or_a_move_sends_only_what_changes() {
        let value = |name: &str, path: &str| {
            Value::map([("name", Value::string(name)), ("path", Value::string(path))])
        };
        let prior = value("ci", "/robots/");
        let expected =
            |name: &str, sent, new_name: Option<&str>, new_path: Option<&str>| RenameOrMove {
                name: name.to_string(),
                sent,
                new_name: new_name.map(str::to_string),
                new_path: new_path.map(str::to_string),
            };
        assert_eq!(renamed_or_moved("ci", &prior, &prior), expected("ci", false, None, None));
        assert_eq!(
            renamed_or_moved("ci", &prior, &value("cd", "/robots/")),
            expected("cd", true, Some("cd"), None)
        );
        assert_eq!(
            renamed_or_moved("ci", &prior, &value("ci", "/people/")),
            expected("ci", true, None, Some("/people/"))
        );
        assert_eq!(
            renamed_or_moved("ci", &prior, &value("cd", "/people/")),
            expected("cd", true, Some("cd"), Some("/people/"))
        );
    }

    #[test]
    fn attachment_ids_split_at_the_first_slash() {
        assert_eq!(
            split_attachment_id("app/arn:aws:iam::123456789012:policy/team/read", "user").unwrap(),
            ("app".to_string(), "arn:aws:iam::123456789012:policy/team/read".to_string())
        );
        assert!(split_attachment_id("app", "user").is_err());
        assert!(split_attachment_id("app/not-an-arn", "role").is_err());
    }

    #[test]
    fn inline_ids_split_at_the_colon() {
        assert_eq!(
            split_inline_id("web:read-logs", "role").unwrap(),
            ("web".to_string(), "read-logs".to_string())
        );
        assert!(split_inline_id("web", "role").is_err());
        assert!(split_inline_id(":x", "role").is_err());
    }

    #[test]
    fn prefixes_leave_room() {
        let long = Value::map([("name_prefix", Value::string("x".repeat(40)))]);
        assert_eq!(name_prefix_from_name("ci-01795366853011565009000002"), Value::string("ci-"));
        assert_eq!(name_prefix_from_name("read-logs"), Value::Null);
        assert_eq!(name_prefix_from_name("not-generated-abcdefghijklmnopqrstuvwxyz"), Value::Null);
        assert_eq!(name_problems(&long, 64).len(), 1);
        assert!(name_problems(&long, 128).is_empty());
    }

    #[test]
    fn dates_are_whole_seconds() {
        let date =
            date(Some(&aws_smithy_types::DateTime::from_fractional_secs(1_700_000_000, 0.25)));
        assert_eq!(date, Value::string("2023-11-14T22:13:20Z"));
    }

    #[test]
    fn policy_documents_must_be_json_objects() {
        let bad = Value::map([("policy", Value::string("[1]"))]);
        assert!(json_problem(&bad, "policy").is_some());
        let good = Value::map([("policy", Value::string("{\"Version\":\"2012-10-17\"}"))]);
        assert!(json_problem(&good, "policy").is_none());
    }
}
