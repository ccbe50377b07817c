//! One AWS object read by a key (its name, ID or ARN, or a key the type makes of several
//! attributes, such as a route's table and destination), declared once: the counterpart of
//! [`crate::ec2_object`] for the other services. A type such as `aws_cloudwatch_log_group`
//! implements [`AwsObject`]: its attributes, each with how it is read from the SDK's object
//! ([`Declared`]), its describe call, and what is particular to it (create, update, delete and
//! their quirks). [`ObjectType`] makes a [`ResourceType`] of it and writes the shared tail once:
//! - the schema, from the declared attributes plus `tags`/`tags_all` (for a tagged type);
//! - the value read back: every declared attribute read from the object, and its tags;
//! - `read_many`: the priors' keys described in one go ([`AwsObject::describe`] batches as its
//!   API allows; [`AwsObject::describe_priors`] where the describe needs more of the priors),
//!   each prior's object in the prior's order;
//! - `find_created`: the object of the name a create gives it, when it carries this operation's
//!   managed tags (or the type's own lookup);
//! - import by the key, the key read from the prior state, and reading back after create and
//!   update (by default an error for an object gone right after it was written); a type whose
//!   write's answer or wait already holds the object returns it from
//!   [`AwsObject::create_written`] / [`AwsObject::update_written`] and is not read again;
//! - the type's other names ([`AwsObject::ALIASES`]), by default none.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use infra_core::{Operation, ProviderError, ResourceType, Schema, Timeouts, Value};

use crate::app_support::{boolean, has_managed_tags, read_each, set_tags, string, vanished};
use crate::declared::{declare, Declaration, Declared, Reading};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::iam_support::propagated;
use crate::tagging::WithTags;
use crate::Aws;

/// Where a generated name comes from ([`AwsObject::GENERATED_NAME`]): `name`, else
/// `name_prefix`, else this prefix.
const NAME_ARGUMENTS: [&str; 2] = ["name", "name_prefix"];
const GENERATED_PREFIX: &str = "terraform-";

/// An object as a describe found it, with its tags (most describes answer without them).
pub struct Tagged<T> {
    pub object: T,
    pub tags: Vec<(String, String)>,
}

/// What a describe answers: the objects found, each under the key it was asked for.
pub type DescribeResult<T> = Result<BTreeMap<String, Tagged<T>>, ProviderError>;

/// One object, or `None` when there is none.
pub type FindResult<T> = Result<Option<Tagged<T>>, ProviderError>;

/// A create of an [`AwsObject`] ([`AwsObject::create`], [`AwsObject::create_written`]), or the
/// search for what a lost create made ([`AwsObject::find_created`]).
pub type Creating<'a, O> = crate::writes::Creating<'a, ObjectType<O>>;
/// An update of an [`AwsObject`] ([`AwsObject::update`], [`AwsObject::update_written`]).
pub type Updating<'a, O> = crate::writes::Updating<'a, ObjectType<O>>;
/// A delete of an [`AwsObject`] ([`AwsObject::delete`]).
pub type Deleting<'a, O> = crate::writes::Deleting<'a, ObjectType<O>>;

impl<T> Tagged<T> {
    /// An object of an untagged type ([`AwsObject::TAGGED`] false).
    pub fn untagged(object: T) -> Tagged<T> {
        Tagged { object, tags: vec![] }
    }
}

/// What makes one AWS object type; see the module's documentation.
pub trait AwsObject: Send + Sync + Sized + 'static {
    /// The SDK's object (or what the type's reads gather of it), e.g. `LogGroup`.
    type Object: Send + Sync + 'static;
    /// The Terraform type name.
    const NAME: &'static str;
    /// The type's other names, as [`ResourceType::aliases`] (`aws_alb_target_group_attachment`);
    /// by default none.
    const ALIASES: &'static [&'static str] = &[];
    /// What the object is called in the error for one gone right after it was written.
    const KIND: &'static str;
    /// The attribute that holds the object's key in the state: what [`AwsObject::describe`]
    /// takes. A type whose key is made of several attributes says how in
    /// [`AwsObject::key_of`], and names them in [`AwsObject::KEY_WORD`].
    const KEY: &'static str;
    /// The attribute Terraform's import ID sets.
    const IMPORT_KEY: &'static str = Self::KEY;
    /// How the key is named in the error for a prior state without it.
    const KEY_WORD: &'static str = Self::KEY;
    /// Whether a prior state with no [`AwsObject::KEY`] names the object by `id` (which holds
    /// the same key).
    const KEY_OR_ID: bool = false;
    /// Whether an object just written may take a moment to be readable (IAM): the read after
    /// create and update then asks again until it is found, for up to
    /// [`crate::iam_support::PROPAGATION_TIMEOUT`].
    const EVENTUALLY_CONSISTENT: bool = false;
    /// Whether the type takes tags (`tags`/`tags_all`, and the managed tags a lost create is
    /// found by); an untagged type's object is found by its key alone.
    const TAGGED: bool = true;
    /// Whether a create without `name` generates one from `name_prefix`, else `terraform-`,
    /// plus a unique suffix (the provider's `create.Name`): the generated name then goes into
    /// the create's pending entry, and is the key the default [`AwsObject::find_created`] looks
    /// for.
    const GENERATED_NAME: bool = false;
    /// Whether the type has the provider's `skip_destroy` (configuration only): destroying an
    /// object whose prior state sets it leaves the object in AWS and sends nothing
    /// ([`skips_destroy`]).
    const SKIP_DESTROY: bool = false;

    /// The attributes and blocks, each with its reader, in the schema's order (`tags` and
    /// `tags_all` are added after them, unless declared at their place with
    /// [`crate::tagging::tag_attributes`] and `Declared::unread`: the family reads them).
    fn attributes() -> Vec<Declared<Self::Object>>;
    /// What the schema holds beyond the attributes (timeouts).
    fn schema(schema: Schema) -> Schema {
        schema
    }
    fn default_timeouts() -> Timeouts {
        Timeouts::default()
    }
    /// Checks across attributes, as [`ResourceType::validate`].
    fn validate(_config: &Value) -> Vec<(String, String)> {
        vec![]
    }
    /// As [`ResourceType::warnings`]: what the configuration holds that the provider accepts
    /// and ignores; by default nothing.
    fn warnings(_config: &Value) -> Vec<(String, String)> {
        vec![]
    }
    /// As [`ResourceType::normalize`].
    fn normalize(_value: &mut Value) {}
    /// As [`ResourceType::replacing_changes`]: of the `changed` paths, those that replace the
    /// object beyond the schema's `force_new` (the provider's conditional `ForceNew`); by
    /// default none. A rule that compares with what this run's refresh found asks
    /// [`ObjectType::seen`].
    fn replacing_changes(
        _this: &ObjectType<Self>,
        _prior: &Value,
        _planned: &Value,
        _changed: &[String],
    ) -> Vec<String> {
        vec![]
    }
    /// As [`ResourceType::cleared_changes`]: the top-level attributes whose change the
    /// provider's CustomizeDiff clears; by default none.
    fn cleared_changes(_prior: &Value, _planned: &Value) -> Vec<&'static str> {
        vec![]
    }
    /// As [`ResourceType::unknown_after_update`]: the computed attributes an in-place update
    /// gives new values (the provider's SetNewComputed); by default none.
    fn unknown_after_update(_prior: &Value, _planned: &Value) -> Vec<&'static str> {
        vec![]
    }
    /// As [`ResourceType::upgrade_state`].
    fn upgrade_state(_from: u64, value: Value) -> Result<Value, String> {
        Ok(value)
    }
    /// As [`ResourceType::with_generated_names`]: by default the generated name, where
    /// [`AwsObject::GENERATED_NAME`].
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        match Self::GENERATED_NAME {
            true => with_name_for_create(operation, planned, NAME_ARGUMENTS, GENERATED_PREFIX),
            false => planned,
        }
    }
    /// The object's key in a prior state (or a planned value), by default its
    /// [`AwsObject::KEY`] (else `id`, where [`AwsObject::KEY_OR_ID`]).
    fn key_of(value: &Value) -> Option<String> {
        string(value, Self::KEY).or_else(|| match Self::KEY_OR_ID {
            true => string(value, "id"),
            false => None,
        })
    }
    /// The error of an update whose prior state holds no key ([`AwsObject::key_of`]): by
    /// default "NAME has no KEY_WORD in state".
    fn missing_key() -> ProviderError {
        ProviderError::new(format!("{} has no {} in state", Self::NAME, Self::KEY_WORD))
    }
    /// As [`ResourceType::import_prior`]: by default the prior of [`AwsObject::IMPORT_KEY`].
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by(Self::IMPORT_KEY, id))
    }
    /// The key a create gives the object, where it is known before the create is sent (its
    /// name): what the default [`AwsObject::find_created`] looks for. By default the
    /// generated name, where [`AwsObject::GENERATED_NAME`].
    fn created_key(operation: &Operation, planned: &Value) -> Option<String> {
        Self::GENERATED_NAME
            .then(|| name_for_create(operation, planned, NAME_ARGUMENTS, GENERATED_PREFIX))
    }

    /// The objects among `keys` that exist, each under the key it was asked for.
    fn describe(
        this: &ObjectType<Self>,
        keys: &[String],
    ) -> impl Future<Output = DescribeResult<Self::Object>> + Send;
    /// The objects of the prior states `read_many` refreshes, each under its prior's key
    /// ([`AwsObject::key_of`]): by default [`AwsObject::describe`] of the priors' keys. A type
    /// whose describe needs more of a prior than its key overrides this: a fact the describe's
    /// answer leaves out but the prior holds (a service's namespace), or an imported prior
    /// that names its object by other attributes (an association by its subnet and table).
    /// Answers are filed by key, not by prior: priors that share a key share one answer.
    fn describe_priors(
        this: &ObjectType<Self>,
        priors: &[Value],
    ) -> impl Future<Output = DescribeResult<Self::Object>> + Send {
        async move {
            let keys: Vec<String> = priors.iter().filter_map(Self::key_of).collect();
            Self::describe(this, &keys).await
        }
    }
    /// Creates the object (tagged with the operation's managed tags); returns its key. A type
    /// that overrides [`AwsObject::create_written`] is never asked (by default an error).
    fn create(
        _at: Creating<'_, Self>,
    ) -> impl Future<Output = Result<String, ProviderError>> + Send {
        async move { Err(ProviderError::new(format!("{} creates in create_written", Self::NAME))) }
    }
    /// Creates the object and returns it as written. By default [`AwsObject::create`], then
    /// the object read back ([`AwsObject::written`]); a type whose create already holds the
    /// object as read (a wait that ends on it described, or an answer with what no read gives
    /// back, such as a secret) returns that instead, and the family does not read it again.
    fn create_written(
        at: Creating<'_, Self>,
    ) -> impl Future<Output = Result<Tagged<Self::Object>, ProviderError>> + Send {
        async move {
            let key = Self::create(at).await?;
            Self::written(at.this, &key).await
        }
    }
    /// Changes what differs between `prior` and `planned`, tags too; returns the key after
    /// (a rename changes it). A type that overrides [`AwsObject::update_written`] is never
    /// asked (by default an error).
    fn update(
        _at: Updating<'_, Self>,
    ) -> impl Future<Output = Result<String, ProviderError>> + Send {
        async move { Err(ProviderError::new(format!("{} updates in update_written", Self::NAME))) }
    }
    /// Changes the object and returns it as written, as [`AwsObject::create_written`] does
    /// for a create: by default [`AwsObject::update`], then the object read back.
    fn update_written(
        at: Updating<'_, Self>,
    ) -> impl Future<Output = Result<Tagged<Self::Object>, ProviderError>> + Send {
        async move {
            let key = Self::update(at).await?;
            Self::written(at.this, &key).await
        }
    }
    /// Deletes the object (`prior` is its state); a missing object is deleted.
    fn delete(at: Deleting<'_, Self>) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// What the type reads of a described object beyond its describe, for the prior state
    /// (or planned value) it is read for: e.g. a role's inline policies, where that prior
    /// manages them. Run after the describe for each prior in the prior's order, and for the
    /// object just written or found created; by default nothing.
    fn read_more(
        _this: &ObjectType<Self>,
        _object: &mut Self::Object,
        _prior: &Value,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send {
        async move { Ok(()) }
    }
    /// The object just written (created or updated): by default as described (asked again
    /// while not found, where [`AwsObject::EVENTUALLY_CONSISTENT`]), an error when it is not
    /// found.
    fn written(
        this: &ObjectType<Self>,
        key: &str,
    ) -> impl Future<Output = Result<Tagged<Self::Object>, ProviderError>> + Send {
        async move {
            match Self::EVENTUALLY_CONSISTENT {
                true => propagated(Self::KIND, key, || this.found(key)).await,
                false => this.found(key).await?.ok_or_else(|| vanished(Self::KIND, key)),
            }
        }
    }
    /// After a create whose answer was lost: the object it made, by default the one of its
    /// [`AwsObject::created_key`] (that carries the operation's managed tags, where the type
    /// is tagged).
    fn find_created(
        at: Creating<'_, Self>,
    ) -> impl Future<Output = FindResult<Self::Object>> + Send {
        async move {
            let Some(key) = Self::created_key(at.operation, at.planned) else {
                return Ok(None);
            };
            Ok(at
                .this
                .found(&key)
                .await?
                .filter(|found| !Self::TAGGED || has_managed_tags(&found.tags, at.operation)))
        }
    }
}

/// The [`ResourceType`] of a declared AWS object.
pub struct ObjectType<O: AwsObject> {
    pub aws: Arc<Aws>,
    schema: Schema,
    declaration: Declaration<O::Object>,
    /// What this run's reads found of each object that its value does not hold, by key, for
    /// the plan's rules ([`ObjectType::remember`], [`ObjectType::seen`]); empty for most types.
    seen: Mutex<HashMap<String, Value>>,
    object: PhantomData<O>,
}

impl<O: AwsObject> ObjectType<O> {
    pub fn new(aws: Arc<Aws>) -> ObjectType<O> {
        let (schema, declaration) = declare(Schema::new(), O::attributes());
        let schema = O::schema(schema);
        // A type whose own arguments follow its tags declares them at their place
        // ([`crate::tagging::tag_attributes`]); the others' go last.
        let declares_tags = schema.attributes.iter().any(|a| a.name == "tags");
        ObjectType {
            aws,
            schema: match (O::TAGGED, declares_tags) {
                (true, false) => schema.with_tags(),
                (true, true) => schema.taggable(),
                (false, _) => schema,
            },
            declaration,
            seen: Mutex::default(),
            object: PhantomData,
        }
    }

    /// Keeps, for this run's plan, what a read found of the object with this key beyond its
    /// value (an instance's launch template versions, which its replacement rule compares
    /// with, as the provider's CustomizeDiff compares with what it reads at plan time).
    pub fn remember(&self, key: &str, seen: Value) {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key.to_string(), seen);
    }

    /// What a read in this run kept of the object with this key ([`ObjectType::remember`]);
    /// `None` when nothing read it (`-refresh=false`).
    pub fn seen(&self, key: &str) -> Option<Value> {
        self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(key).cloned()
    }

    /// The object with this key as described, or `None` when there is none.
    pub async fn found(&self, key: &str) -> FindResult<O::Object> {
        Ok(O::describe(self, &[key.to_string()]).await?.remove(key))
    }

    /// The value of a found object; `prior` is the prior state (or the planned value), for
    /// what AWS does not report.
    pub fn value_of(&self, found: &Tagged<O::Object>, region: &str, prior: &Value) -> Value {
        let reading = Reading { region, account: "", prior };
        let mut value = self.declaration.value(&found.object, &reading);
        if !O::TAGGED {
            return value;
        }
        if let Some(object) = value.map_mut() {
            set_tags(object, found.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        value
    }

    async fn region(&self) -> String {
        self.aws.clients().await.region.clone()
    }

    /// The value of an object just written ([`AwsObject::create_written`],
    /// [`AwsObject::update_written`]), with what [`AwsObject::read_more`] reads of it.
    async fn value_written(
        &self,
        mut found: Tagged<O::Object>,
        prior: &Value,
    ) -> Result<Value, ProviderError> {
        O::read_more(self, &mut found.object, prior).await?;
        Ok(self.value_of(&found, &self.region().await, prior))
    }

    fn key_in_state(prior: &Value) -> Result<String, ProviderError> {
        O::key_of(prior).ok_or_else(O::missing_key)
    }
}

#[async_trait::async_trait]
impl<O: AwsObject> ResourceType for ObjectType<O> {
    fn name(&self) -> &'static str {
        O::NAME
    }

    fn aliases(&self) -> &'static [&'static str] {
        O::ALIASES
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        O::validate(config)
    }

    fn default_timeouts(&self) -> Timeouts {
        O::default_timeouts()
    }

    fn warnings(&self, config: &Value) -> Vec<(String, String)> {
        O::warnings(config)
    }

    fn normalize(&self, value: &mut Value) {
        O::normalize(value)
    }

    fn replacing_changes(&self, prior: &Value, planned: &Value, changed: &[String]) -> Vec<String> {
        O::replacing_changes(self, prior, planned, changed)
    }

    fn cleared_changes(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        O::cleared_changes(prior, planned)
    }

    fn unknown_after_update(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        O::unknown_after_update(prior, planned)
    }

    fn upgrade_state(&self, from: u64, value: Value) -> Result<Value, String> {
        O::upgrade_state(from, value)
    }

    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        O::with_generated_names(operation, planned)
    }

    async fn create(&self, at: infra_core::Creating<'_>) -> Result<Value, ProviderError> {
        let found = O::create_written(Creating::new(self, at)).await?;
        self.value_written(found, at.planned).await
    }

    async fn update(&self, at: infra_core::Updating<'_>) -> Result<Value, ProviderError> {
        let key = Self::key_in_state(at.prior)?;
        let found = O::update_written(Updating::new(self, &key, at)).await?;
        self.value_written(found, at.planned).await
    }

    async fn delete(&self, at: infra_core::Deleting<'_>) -> Result<(), ProviderError> {
        if O::SKIP_DESTROY && skips_destroy(at.prior) {
            return Ok(());
        }
        match O::key_of(at.prior) {
            Some(key) => O::delete(Deleting::new(self, &key, at)).await,
            None => Ok(()),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut found = O::describe_priors(self, prior).await?;
        let region = self.region().await;
        let mut out = Vec::with_capacity(prior.len());
        for p in prior {
            let Some(found) = O::key_of(p).and_then(|key| found.get_mut(&key)) else {
                out.push(None);
                continue;
            };
            O::read_more(self, &mut found.object, p).await?;
            out.push(Some(self.value_of(found, &region, p)));
        }
        Ok(out)
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        O::import_prior(id)
    }

    async fn find_created(
        &self,
        at: infra_core::Creating<'_>,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(mut found) = O::find_created(Creating::new(self, at)).await? else {
            return Ok(None);
        };
        O::read_more(self, &mut found.object, at.planned).await?;
        let region = self.region().await;
        Ok(Some(self.value_of(&found, &region, at.planned)))
    }
}

/// A key made of several attributes as one string: a JSON array, since an ARN, a name or an
/// ID leaves no character free to join them (a network ACL entry, a Lambda permission, a
/// target group attachment).
pub fn composite_key(parts: &impl serde::Serialize) -> String {
    serde_json::to_string(parts).unwrap_or_default()
}

/// The parts of a [`composite_key`]; `None` for a key of another shape.
pub fn key_parts<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(key).ok()
}

/// Whether a prior state's `skip_destroy` leaves its object in AWS on destroy.
pub fn skips_destroy(prior: &Value) -> bool {
    boolean(prior, "skip_destroy") == Some(true)
}

/// [`AwsObject::describe`] of a type AWS reads one object a call: `read` for each key, a few
/// at a time ([`read_each`]); the objects found, under their keys.
pub async fn each_key<'k, T, Fut>(
    keys: &'k [String],
    read: impl Fn(&'k str) -> Fut,
) -> Result<BTreeMap<String, T>, ProviderError>
where
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let found = read_each(keys.iter().map(|key| read(key)).collect()).await?;
    Ok(keys.iter().zip(found).filter_map(|(key, found)| Some((key.clone(), found?))).collect())
}

/// [`each_key`] one key after another, in the order given.
pub async fn key_by_key<'k, T, Fut>(
    keys: &'k [String],
    read: impl Fn(&'k str) -> Fut,
) -> Result<BTreeMap<String, T>, ProviderError>
where
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let mut out = BTreeMap::new();
    for key in keys {
        if let Some(found) = read(key).await? {
            out.insert(key.clone(), found);
        }
    }
    Ok(out)
}

/// The value `O` reads from one object, without a client: for unit tests of a type's
/// read-back.
#[cfg(test)]
pub fn value_of<O: AwsObject>(found: &Tagged<O::Object>, prior: &Value) -> Value {
    let (_, declaration) = declare(Schema::new(), O::attributes());
    let mut value = declaration.value(&found.object, &Reading::of(prior));
    if let Some(object) = value.map_mut().filter(|_| O::TAGGED) {
        set_tags(object, found.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    value
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::ProviderSettings;

    use super::*;
    use crate::declared::{computed, copied, read};

    static DESCRIBES: AtomicUsize = AtomicUsize::new(0);
    static DELETES: AtomicUsize = AtomicUsize::new(0);

    /// A type whose create and update hold the object as read, with `skip_destroy`.
    struct Waited;

    impl AwsObject for Waited {
        type Object = String;
        const NAME: &'static str = "test_waited";
        const KIND: &'static str = "waited object";
        const KEY: &'static str = "name";
        const TAGGED: bool = false;
        const SKIP_DESTROY: bool = true;

        fn attributes() -> Vec<Declared<String>> {
            vec![
                computed("name", |name: &String| Some(name.as_str())),
                copied(infra_core::Attribute::optional("note", infra_core::Type::String)),
            ]
        }

        async fn describe(_this: &ObjectType<Self>, _keys: &[String]) -> DescribeResult<String> {
            DESCRIBES.fetch_add(1, Ordering::SeqCst);
            Ok(BTreeMap::new())
        }

        async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<String>, ProviderError> {
            Ok(Tagged {
                object: format!("made-{}", string(at.planned, "note").unwrap_or_default()),
                tags: vec![],
            })
        }

        async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<String>, ProviderError> {
            Ok(Tagged { object: format!("{}-updated", at.key), tags: vec![] })
        }

        async fn delete(_at: Deleting<'_, Self>) -> Result<(), ProviderError> {
            DELETES.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    /// A test type's [`ObjectType`] with a region (its reads build ARNs), sending nothing.
    fn in_us_east_1<O: AwsObject>() -> ObjectType<O> {
        let settings = ProviderSettings {
            region: Some("us-east-1".to_string()),
            ..ProviderSettings::default()
        };
        ObjectType::<O>::new(Aws::new(settings))
    }

    #[tokio::test]
    async fn a_write_that_holds_the_object_is_not_read_again() {
        let waited = in_us_east_1::<Waited>();
        let planned = Value::map([("note", Value::string("x"))]);
        let operation = Operation { address: "test_waited.a".into(), ..Operation::default() };
        let value = ResourceType::create(
            &waited,
            infra_core::Creating { operation: &operation, planned: &planned },
        )
        .await
        .unwrap();
        assert_eq!(
            value,
            Value::map([("name", Value::string("made-x")), ("note", Value::string("x")),])
        );
        let value = ResourceType::update(
            &waited,
            infra_core::Updating { operation: &operation, prior: &value, planned: &planned },
        )
        .await
        .unwrap();
        assert_eq!(value.get("name"), &Value::string("made-x-updated"));
        assert_eq!(DESCRIBES.load(Ordering::SeqCst), 0);
    }

    /// `skip_destroy = true` in the prior state: the type's delete is never asked.
    #[tokio::test]
    async fn skip_destroy_leaves_the_object_and_sends_nothing() {
        let kept = ObjectType::<Waited>::new(Aws::new(ProviderSettings::default()));
        let prior =
            |skip| Value::map([("name", Value::string("a")), ("skip_destroy", Value::Bool(skip))]);
        let operation = Operation::default();
        ResourceType::delete(
            &kept,
            infra_core::Deleting { operation: &operation, prior: &prior(true) },
        )
        .await
        .unwrap();
        assert_eq!(DELETES.load(Ordering::SeqCst), 0);
        ResourceType::delete(
            &kept,
            infra_core::Deleting { operation: &operation, prior: &prior(false) },
        )
        .await
        .unwrap();
        assert_eq!(DELETES.load(Ordering::SeqCst), 1);
    }

    /// A type whose describe needs a fact only the prior state holds (`zone`).
    struct Hinted;

    impl AwsObject for Hinted {
        type Object = String;
        const NAME: &'static str = "test_hinted";
        const ALIASES: &'static [&'static str] = &["test_hinted_alias"];
        const KIND: &'static str = "hinted object";
        const KEY: &'static str = "name";
        const TAGGED: bool = false;

        fn attributes() -> Vec<Declared<String>> {
            vec![read(
                infra_core::Attribute::computed("found", infra_core::Type::String),
                |found: &String, _: &Reading| Value::string(found),
            )]
        }

        async fn describe(_this: &ObjectType<Self>, _keys: &[String]) -> DescribeResult<String> {
            Err(ProviderError::new("read_many describes with the priors"))
        }

        async fn describe_priors(
            _this: &ObjectType<Self>,
            priors: &[Value],
        ) -> DescribeResult<String> {
            Ok(priors
                .iter()
                .filter_map(|prior| {
                    let name = Self::key_of(prior)?;
                    let zone = string(prior, "zone")?;
                    Some((name.clone(), Tagged::untagged(format!("{name} in {zone}"))))
                })
                .collect())
        }

        async fn delete(_at: Deleting<'_, Self>) -> Result<(), ProviderError> {
            Ok(())
        }
    }

    /// `read_many` gives each prior the object found under its key, in the priors' order: a
    /// prior without a key (or whose object was not found) reads as gone, and two priors of
    /// one object both read it.
    #[tokio::test]
    async fn read_many_describes_with_the_priors_and_answers_in_their_order() {
        let hinted = in_us_east_1::<Hinted>();
        let prior = |name: Option<&str>, zone: &str| {
            let mut entries = vec![("zone", Value::string(zone))];
            entries.extend(name.map(|name| ("name", Value::string(name))));
            Value::map(entries)
        };
        let priors = [
            prior(Some("b"), "west"),
            prior(None, "east"),
            prior(Some("a"), "east"),
            prior(Some("b"), "west"),
        ];
        let read = ResourceType::read_many(&hinted, &priors).await.unwrap();
        let found = |text: &str| Some(Value::map([("found", Value::string(text))]));
        assert_eq!(read, [found("b in west"), None, found("a in east"), found("b in west")]);
    }

    /// A [`composite_key`] reads back as its parts, whatever characters they hold; a key of
    /// another shape has none.
    #[test]
    fn a_composite_key_reads_back_as_its_parts() {
        let parts = ("arn:aws:lambda:us-east-1:1:function:fn".to_string(), None::<String>, 80);
        let key = composite_key(&parts);
        assert_eq!(key, r#"["arn:aws:lambda:us-east-1:1:function:fn",null,80]"#);
        assert_eq!(key_parts(&key), Some(parts));
        assert_eq!(key_parts::<(String, Option<String>, i32)>("rtb-1_10.0.0.0/16"), None);
    }

    /// [`AwsObject::ALIASES`] are the type's other names; a type that sets none has none.
    #[test]
    fn a_type_answers_to_its_aliases() {
        let hinted = ObjectType::<Hinted>::new(Aws::new(ProviderSettings::default()));
        assert_eq!(hinted.aliases(), ["test_hinted_alias"]);
        let waited = ObjectType::<Waited>::new(Aws::new(ProviderSettings::default()));
        assert!(waited.aliases().is_empty());
    }

    /// A tagged type with an argument of its own after its tags: declared in place where
    /// `IN_PLACE`, else left to the family.
    struct TagsAt<const IN_PLACE: bool>;

    impl<const IN_PLACE: bool> AwsObject for TagsAt<IN_PLACE> {
        type Object = String;
        const NAME: &'static str = "test_tags_at";
        const KIND: &'static str = "object";
        const KEY: &'static str = "name";

        fn attributes() -> Vec<Declared<String>> {
            let mut declared = vec![computed("name", |name: &String| Some(name.as_str()))];
            if IN_PLACE {
                declared.extend(crate::tagging::tag_attributes().map(Declared::unread));
            }
            declared
                .push(copied(infra_core::Attribute::optional("after", infra_core::Type::String)));
            declared
        }

        async fn describe(_this: &ObjectType<Self>, _keys: &[String]) -> DescribeResult<String> {
            Ok(BTreeMap::new())
        }

        async fn delete(_at: Deleting<'_, Self>) -> Result<(), ProviderError> {
            Ok(())
        }
    }

    /// Tags declared at their place stay there, once, and read back as the family reads tags;
    /// a tagged type that does not declare them gets them after its attributes.
    #[test]
    fn tags_declared_in_place_stay_there() {
        let names =
            |schema: &Schema| -> Vec<&str> { schema.attributes.iter().map(|a| a.name).collect() };
        let in_place = ObjectType::<TagsAt<true>>::new(Aws::new(ProviderSettings::default()));
        assert_eq!(names(in_place.schema()), ["name", "tags", "tags_all", "after"]);
        assert!(in_place.schema().taggable);
        let found =
            Tagged { object: "a".to_string(), tags: vec![("team".to_string(), "web".to_string())] };
        let value = in_place.value_of(&found, "us-east-1", &Value::Null);
        let tags = Value::map([("team", Value::string("web"))]);
        assert_eq!(value.get("tags"), &tags);
        assert_eq!(value.get("tags_all"), &tags);
        let after = ObjectType::<TagsAt<false>>::new(Aws::new(ProviderSettings::default()));
        assert_eq!(names(after.schema()), ["name", "after", "tags", "tags_all"]);
    }
}
