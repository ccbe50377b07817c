//! A tagged EC2 object declared once. A type such as `aws_internet_gateway` implements
//! [`Ec2Object`]: its attributes, each with how it is read from the SDK's object, its describe
//! call, and what is particular to it (create, update beyond tags, delete). [`Ec2Type`] makes a
//! [`ResourceType`] of it and writes the shared tail once:
//! - the schema, from the declared attributes plus `tags`/`tags_all`;
//! - `read_many`: the IDs of a refresh in chunks of one filter each (EC2 describes skip missing
//!   IDs with a filter, where an ID list fails the call);
//! - `find_created`: by default the object carrying this run's managed tags, checked on the
//!   answer too (moto ignores some describes' filters);
//! - tag updates, and reading the object back after create and update.

use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_ec2::types::{Filter, Tag};
use infra_core::resource::{ADDRESS_TAG, LINEAGE_TAG};
use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::declared::{declare, Declaration};
use crate::ec2_support::{
    chunks_of, describe_by_ids, ec2_arn, filter, in_prior_order, known_ids, managed_tag_filters,
    string_attribute, tag_entries, update_tags, wait_for, whole_object,
};
use crate::tagging::WithTags;
use crate::Aws;

// The declaration itself is service-neutral (crate::declared); the EC2 types name it here.
pub use crate::declared::{computed, read, read_block, string, Declared, Reading};

impl Reading<'_> {
    /// The object's ARN, `arn:PARTITION:ec2:REGION:OWNER:KIND/ID` (the region's partition).
    pub fn arn(&self, owner: &str, kind: &str, id: &str) -> Value {
        Value::string(ec2_arn(self.region, owner, kind, id))
    }
}

/// The computed `arn` of an object read by its ID and owner accessors (see [`Reading::arn`]).
pub fn arn<Item: 'static>(
    kind: &'static str,
    id: fn(&Item) -> Option<&str>,
    owner: fn(&Item) -> Option<&str>,
) -> Declared<Item> {
    read(Attribute::computed("arn", Type::String), move |item: &Item, at: &Reading| {
        at.arn(owner(item).unwrap_or_default(), kind, id(item).unwrap_or_default())
    })
}

/// The computed `owner_id`, read by its accessor ("" where AWS leaves it out).
pub fn owner_id<Item: 'static>(owner: fn(&Item) -> Option<&str>) -> Declared<Item> {
    read(Attribute::computed("owner_id", Type::String), move |item: &Item, _: &Reading| {
        Value::string(owner(item).unwrap_or_default())
    })
}

/// What an [`Ec2Object::describe`] asks for: the objects with one of `ids` (when given) that
/// match `filters` (when any), as a `Describe*` request's `*Ids` and `Filters` take them.
pub struct Describing<'a> {
    pub ec2: &'a aws_sdk_ec2::Client,
    pub ids: Option<Vec<String>>,
    /// `None` where there is no filter (the SDK sends no `Filter` parameter for an empty list
    /// either; one form for both keeps the types' requests alike).
    pub filters: Option<Vec<Filter>>,
}

impl<'a> Describing<'a> {
    /// The objects with one of `ids` (when given) that match `filters` (when any).
    pub fn new(
        ec2: &'a aws_sdk_ec2::Client,
        ids: Option<Vec<String>>,
        filters: Vec<Filter>,
    ) -> Describing<'a> {
        Describing { ec2, ids, filters: (!filters.is_empty()).then_some(filters) }
    }

    /// Every object matching `filters`.
    pub fn matching(ec2: &'a aws_sdk_ec2::Client, filters: Vec<Filter>) -> Describing<'a> {
        Describing::new(ec2, None, filters)
    }
}

/// What makes one EC2 object type; see the module's documentation.
pub trait Ec2Object: Send + Sync + Sized + 'static {
    /// The SDK's object, e.g. `aws_sdk_ec2::types::InternetGateway`.
    type Item: Send + Sync;
    /// The Terraform type name.
    const NAME: &'static str;
    /// The describe filter that names objects by ID, e.g. `internet-gateway-id`; `None` where
    /// the describe has none (it then takes an ID list, which fails as a whole on one missing
    /// ID, so a failed chunk is described again an ID a call).
    const ID_FILTER: Option<&'static str>;
    /// The error code AWS gives for a missing object, e.g. `InvalidInternetGatewayID.NotFound`.
    const NOT_FOUND: &'static str;
    /// What the error of a missing object calls it, e.g. "route table"; the type's name by
    /// default.
    const NOUN: &'static str = Self::NAME;
    /// Whether an attribute's reader needs the account's ID (one STS call a run, made only
    /// when something was found).
    const READS_ACCOUNT: bool = false;
    /// Attributes AWS may leave out of its answer, kept from the prior value when read null.
    const KEPT_FROM_PRIOR: &'static [&'static str] = &[];

    /// The attributes and blocks, each with its reader, in the schema's order (`tags` and
    /// `tags_all` are added).
    fn attributes() -> Vec<Declared<Self::Item>>;
    /// What the schema holds beyond the attributes: timeouts, blocks, arguments not supported.
    fn schema(schema: Schema) -> Schema {
        schema
    }
    fn default_timeouts() -> Timeouts {
        Timeouts::default()
    }
    /// The object's ID, read by its accessor (`InternetGateway::internet_gateway_id`).
    const ID: fn(&Self::Item) -> Option<&str>;
    /// The object's tags, read by its accessor (`InternetGateway::tags`).
    const TAGS: fn(&Self::Item) -> &[Tag];
    /// The ID tag changes name the object by (CreateTags' resource ID): by default its ID.
    fn tagged_id(id: &str, _prior: &Value) -> String {
        id.to_string()
    }
    /// An object that is gone though still described (`deleted`, `deleting`).
    fn is_gone(_item: &Self::Item) -> bool {
        false
    }
    /// The error of a read that found no object with this ID.
    fn not_found(id: &str) -> ProviderError {
        ProviderError::with_code(Self::NOT_FOUND, format!("{} {id} not found", Self::NOUN))
    }
    /// Changes that replace the object beyond the force-new attributes, as
    /// [`ResourceType::replacing_changes`].
    fn replacing_changes(_prior: &Value, _planned: &Value, _changed: &[String]) -> Vec<String> {
        vec![]
    }
    /// Checks across attributes, as [`ResourceType::validate`].
    fn validate(_config: &Value) -> Vec<(String, String)> {
        vec![]
    }
    /// Normalization before comparing, as [`ResourceType::normalize`].
    fn normalize(_value: &mut Value) {}
    /// A state written by an older schema version, as [`ResourceType::upgrade_state`].
    fn upgrade_state(_from: u64, value: Value) -> Result<Value, String> {
        Ok(value)
    }
    /// What AWS left out of `value`, taken from `prior` (the prior state, or the planned value
    /// after a create): by default the attributes of [`Ec2Object::KEPT_FROM_PRIOR`] read null.
    fn keep_unreported(prior: &Value, value: &mut Value) {
        if let Some(object) = value.map_mut() {
            for name in Self::KEPT_FROM_PRIOR {
                if object.get(*name).is_none_or(|read| *read == Value::Null) {
                    object.insert(name.to_string(), prior.get(name).clone());
                }
            }
        }
    }

    /// Every object that `at` asks for: its `Describe*` request (paginated where the API is),
    /// and whatever else the type reads of each object found.
    fn describe(
        at: Describing<'_>,
    ) -> impl Future<Output = Result<Vec<Self::Item>, ProviderError>> + Send;
    /// Creates the object, tagged with the create's `tag_specification` (planned and managed
    /// tags), and waits until it is usable; returns its ID.
    fn create(at: Creating<'_, Self>)
        -> impl Future<Output = Result<String, ProviderError>> + Send;
    /// Creates the object and reads it whole: [`Ec2Object::create`], then one read. A type
    /// whose wait after the create reads the object whole gives that read instead.
    fn create_and_read(
        at: Creating<'_, Self>,
    ) -> impl Future<Output = Result<Value, ProviderError>> + Send {
        async move {
            let id = Self::create(at).await?;
            at.this.read_one(&id, at.planned).await
        }
    }
    /// After a create whose answer was lost, with the object found by its managed tags (read
    /// whole): finishes what `create` does after its create call. Returns whether it changed
    /// anything, so that the object is read again.
    fn finish_create(
        _this: &Ec2Type<Self>,
        _id: &str,
        _found: &Value,
        _planned: &Value,
    ) -> impl Future<Output = Result<bool, ProviderError>> + Send {
        async move { Ok(false) }
    }
    /// The object a create whose answer was lost made, read whole, or `None`: by default the
    /// one carrying this run's managed tags ([`Ec2Type::find_tagged`]); a type that adopts an
    /// object finds it by its natural key instead ([`Ec2Object::find_adopted`]).
    fn find_created(
        at: Creating<'_, Self>,
    ) -> impl Future<Output = Result<Option<Value>, ProviderError>> + Send {
        async move { at.this.find_tagged(at.operation, at.planned).await }
    }
    /// Whether the type adopts an existing object instead of creating one (the `aws_default_*`
    /// types, as in the provider): its create is [`Ec2Object::adopt`], a lost create's object
    /// is [`Ec2Object::find_adopted`], and its delete only forgets it.
    const ADOPTS: bool = false;
    /// With [`Ec2Object::ADOPTS`]: takes the planned object over (its settings but its tags
    /// become the configured ones) and returns its ID and the object as read before its tags
    /// change ([`Ec2Type`] then makes its tags the configured ones and reads it back).
    fn adopt(
        _at: Creating<'_, Self>,
    ) -> impl Future<Output = Result<(String, Value), ProviderError>> + Send {
        async move { Err(ProviderError::new(format!("{} adopts no object", Self::NAME))) }
    }
    /// With [`Ec2Object::ADOPTS`]: the adopted object, found by its natural key, read whole.
    fn find_adopted(
        _this: &Ec2Type<Self>,
        _planned: &Value,
    ) -> impl Future<Output = Result<Option<Value>, ProviderError>> + Send {
        async move { Ok(None) }
    }
    /// The objects of a refresh, in `prior`'s order: by default [`Ec2Type::read_known`].
    fn read_many(
        this: &Ec2Type<Self>,
        prior: &[Value],
    ) -> impl Future<Output = Result<Vec<Option<Value>>, ProviderError>> + Send {
        async move { Ok(in_prior_order(prior, &this.read_known(prior).await?)) }
    }
    /// The prior value an import starts from, as [`ResourceType::import_prior`].
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(Value::map([("id", Value::string(id))]))
    }
    /// The names a create generates, as [`ResourceType::with_generated_names`].
    fn with_generated_names(_operation: &Operation, planned: Value) -> Value {
        planned
    }
    /// What an update changes beyond the tags (which [`Ec2Type`] updates after it).
    fn update(_at: Updating<'_, Self>) -> impl Future<Output = Result<(), ProviderError>> + Send {
        async move { Ok(()) }
    }
    /// Deletes the object (`prior` is its state) and waits until it is gone; a missing object
    /// is deleted.
    fn delete(at: Deleting<'_, Self>) -> impl Future<Output = Result<(), ProviderError>> + Send;
}

/// A create of an [`Ec2Object`] ([`Ec2Object::create`], [`Ec2Object::adopt`]), or the search
/// for what a lost create made ([`Ec2Object::find_created`]).
pub type Creating<'a, O> = crate::writes::Creating<'a, Ec2Type<O>>;
/// An update of an [`Ec2Object`] beyond its tags ([`Ec2Object::update`]).
pub type Updating<'a, O> = crate::writes::Updating<'a, Ec2Type<O>>;
/// A delete of an [`Ec2Object`] ([`Ec2Object::delete`]).
pub type Deleting<'a, O> = crate::writes::Deleting<'a, Ec2Type<O>>;

/// The [`ResourceType`] of a declared EC2 object.
pub struct Ec2Type<O: Ec2Object> {
    pub aws: Arc<Aws>,
    schema: Schema,
    declaration: Declaration<O::Item>,
    object: PhantomData<O>,
}

impl<O: Ec2Object> Ec2Type<O> {
    pub fn new(aws: Arc<Aws>) -> Ec2Type<O> {
        let (schema, declaration) = declare(Schema::new(), O::attributes());
        Ec2Type { aws, schema: O::schema(schema).with_tags(), declaration, object: PhantomData }
    }

    pub async fn ec2(&self) -> &aws_sdk_ec2::Client {
        &self.aws.clients().await.ec2
    }

    /// The objects matching `filters` that are not gone, each with its ID, read whole for its
    /// prior value in `priors` (a reader's `Reading::prior`).
    async fn read_matching(
        &self,
        ids: Option<Vec<String>>,
        filters: Vec<Filter>,
        priors: &Priors<'_>,
    ) -> Result<Vec<(String, O::Item, Value)>, ProviderError> {
        let items = O::describe(Describing::new(self.ec2().await, ids, filters)).await?;
        self.read_items(items, priors).await
    }

    /// The described `items` that are not gone, each with its ID, read whole for its prior
    /// value in `priors`.
    async fn read_items(
        &self,
        items: Vec<O::Item>,
        priors: &Priors<'_>,
    ) -> Result<Vec<(String, O::Item, Value)>, ProviderError> {
        let clients = self.aws.clients().await;
        let items: Vec<O::Item> = items.into_iter().filter(|i| !O::is_gone(i)).collect();
        let account = match O::READS_ACCOUNT && !items.is_empty() {
            true => self.aws.account_id().await?,
            false => "",
        };
        Ok(items
            .into_iter()
            .filter_map(|item| {
                let id = (O::ID)(&item)?.to_string();
                let reading = Reading { region: &clients.region, account, prior: priors.of(&id) };
                let value = self.value_of(&item, &reading);
                Some((id, item, value))
            })
            .collect())
    }

    fn value_of(&self, item: &O::Item, reading: &Reading) -> Value {
        let entries = self.declaration.entries(item, reading);
        whole_object(&self.schema, entries.chain(tag_entries((O::TAGS)(item))))
    }

    /// `value` with what AWS left out ([`Ec2Object::keep_unreported`]) taken from `prior`.
    fn with_unreported(mut value: Value, prior: Option<&Value>) -> Value {
        if let Some(prior) = prior {
            O::keep_unreported(prior, &mut value);
        }
        value
    }

    /// The object with this ID, read whole, or `None` when there is none (or it is gone).
    pub async fn find(
        &self,
        id: &str,
        prior: Option<&Value>,
    ) -> Result<Option<Value>, ProviderError> {
        let priors = Priors::one(prior.unwrap_or(&Value::Null));
        Ok(self
            .read_ids(&[id.to_string()], &priors)
            .await?
            .into_iter()
            .find(|(found, _, _)| found == id)
            .map(|(_, _, value)| Self::with_unreported(value, prior)))
    }

    /// The objects with these IDs that exist, read whole: a chunk of IDs a call.
    async fn read_ids(
        &self,
        ids: &[String],
        priors: &Priors<'_>,
    ) -> Result<Vec<(String, O::Item, Value)>, ProviderError> {
        let mut found = Vec::new();
        for chunk in chunks_of(ids) {
            let read = match O::ID_FILTER {
                Some(name) => {
                    let matching = filter(name, chunk.iter().cloned());
                    self.read_matching(None, vec![matching], priors).await?
                }
                None => {
                    let describe = |ids| self.read_matching(Some(ids), vec![], priors);
                    describe_by_ids(chunk, describe).await?
                }
            };
            // Only the IDs asked for (moto ignores some describes' filters).
            found.extend(read.into_iter().filter(|(id, _, _)| chunk.contains(id)));
        }
        Ok(found)
    }

    /// Polls the object with this ID (`None` once there is none, or it is gone) until `done`
    /// says so or `timeout` passes; the error names `what` was awaited.
    pub async fn wait_until(
        &self,
        id: &str,
        timeout: std::time::Duration,
        what: &str,
        done: impl Fn(Option<&O::Item>) -> bool,
    ) -> Result<(), ProviderError> {
        let done = &done;
        wait_for(
            timeout,
            what,
            || async move { Ok(done(self.item(id).await?.as_ref()).then_some(())) },
        )
        .await
    }

    /// The SDK's object with this ID, or `None` when there is none (or it is gone).
    pub async fn item(&self, id: &str) -> Result<Option<O::Item>, ProviderError> {
        let read = self.read_ids(&[id.to_string()], &Priors::one(&Value::Null)).await?;
        Ok(read.into_iter().find(|(found, _, _)| found == id).map(|(_, item, _)| item))
    }

    /// The object with this ID, read whole; an error when there is none.
    pub async fn read_one(&self, id: &str, prior: &Value) -> Result<Value, ProviderError> {
        self.find(id, Some(prior)).await?.ok_or_else(|| O::not_found(id))
    }

    /// The objects of a refresh (`prior`) that exist, read whole, by ID: a chunk of IDs a call.
    pub async fn read_known(
        &self,
        prior: &[Value],
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let priors = Priors::by_id(prior);
        let read = self.read_ids(&known_ids(prior), &priors).await?;
        Ok(Self::refreshed(read, &priors))
    }

    /// The objects of a refresh (`prior`) that a type's own [`Ec2Object::read_many`] described
    /// (`items`), read whole as [`Ec2Type::read_known`] reads them, by ID.
    pub async fn read_described(
        &self,
        items: Vec<O::Item>,
        prior: &[Value],
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let priors = Priors::by_id(prior);
        let read = self.read_items(items, &priors).await?;
        Ok(Self::refreshed(read, &priors))
    }

    /// The objects of a refresh by ID, with what AWS left out kept from each one's prior.
    fn refreshed(
        read: Vec<(String, O::Item, Value)>,
        priors: &Priors<'_>,
    ) -> HashMap<String, Value> {
        read.into_iter()
            .map(|(id, _, value)| {
                let value = Self::with_unreported(value, priors.by_id.get(id.as_str()).copied());
                (id, value)
            })
            .collect()
    }

    /// The first object matching `filters`, read whole for `prior` as AWS reports it, or
    /// `None` when there is none.
    pub async fn find_matching(
        &self,
        filters: Vec<Filter>,
        prior: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let found = self.read_matching(None, filters, &Priors::one(prior)).await?;
        Ok(found.into_iter().next().map(|(_, _, value)| value))
    }

    /// The object carrying this run's managed tags (checked on the answer too), read whole and
    /// finished ([`Ec2Object::finish_create`]); what AWS leaves out is what the create asked
    /// for.
    pub async fn find_tagged(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let tagged = |item: &O::Item, key: &str, value: &str| {
            (O::TAGS)(item).iter().any(|tag| tag.key() == Some(key) && tag.value() == Some(value))
        };
        let found = self
            .read_matching(None, managed_tag_filters(operation), &Priors::one(planned))
            .await?
            .into_iter()
            .find(|(_, item, _)| {
                tagged(item, ADDRESS_TAG, &operation.address)
                    && tagged(item, LINEAGE_TAG, &operation.lineage)
            });
        let Some((id, _, value)) = found else {
            return Ok(None);
        };
        if O::finish_create(self, &id, &value, planned).await? {
            return self.read_one(&id, planned).await.map(Some);
        }
        // What AWS leaves out is what the create asked for.
        Ok(Some(Self::with_unreported(value, Some(planned))))
    }

    fn id_of(prior: &Value) -> Result<String, ProviderError> {
        string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new(format!("{}: prior state has no id", O::NAME)))
    }
}

#[async_trait::async_trait]
impl<O: Ec2Object> ResourceType for Ec2Type<O> {
    fn name(&self) -> &'static str {
        O::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        O::validate(config)
    }

    fn replacing_changes(&self, prior: &Value, planned: &Value, changed: &[String]) -> Vec<String> {
        O::replacing_changes(prior, planned, changed)
    }

    fn normalize(&self, value: &mut Value) {
        O::normalize(value)
    }

    fn upgrade_state(&self, from: u64, value: Value) -> Result<Value, String> {
        O::upgrade_state(from, value)
    }

    fn default_timeouts(&self) -> Timeouts {
        O::default_timeouts()
    }

    async fn create(&self, at: infra_core::Creating<'_>) -> Result<Value, ProviderError> {
        if O::ADOPTS {
            let (id, current) = O::adopt(Creating::new(self, at)).await?;
            update_tags(self.ec2().await, &id, &current, at.planned).await?;
            return self.read_one(&id, at.planned).await;
        }
        O::create_and_read(Creating::new(self, at)).await
    }

    async fn update(&self, at: infra_core::Updating<'_>) -> Result<Value, ProviderError> {
        let id = Self::id_of(at.prior)?;
        O::update(Updating::new(self, &id, at)).await?;
        let tagged = O::tagged_id(&id, at.prior);
        update_tags(self.ec2().await, &tagged, at.prior, at.planned).await?;
        self.read_one(&id, at.planned).await
    }

    /// An adopted object cannot be deleted: it is only forgotten, as in the provider.
    async fn delete(&self, at: infra_core::Deleting<'_>) -> Result<(), ProviderError> {
        match string_attribute(at.prior, "id") {
            Some(id) if !O::ADOPTS => O::delete(Deleting::new(self, &id, at)).await,
            _ => Ok(()),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        O::read_many(self, prior).await
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        O::import_prior(id)
    }

    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        O::with_generated_names(operation, planned)
    }

    async fn find_created(
        &self,
        at: infra_core::Creating<'_>,
    ) -> Result<Option<Value>, ProviderError> {
        match O::ADOPTS {
            true => O::find_adopted(self, at.planned).await,
            false => O::find_created(Creating::new(self, at)).await,
        }
    }
}

/// The prior values an object is read for: each by its ID, else one for any.
struct Priors<'a> {
    by_id: HashMap<&'a str, &'a Value>,
    fallback: &'a Value,
}

impl<'a> Priors<'a> {
    /// The prior values of a refresh, each by its `id`.
    fn by_id(prior: &'a [Value]) -> Priors<'a> {
        Priors {
            by_id: prior.iter().filter_map(|p| Some((p.get("id").as_str()?, p))).collect(),
            fallback: &Value::Null,
        }
    }

    fn one(prior: &'a Value) -> Priors<'a> {
        Priors { by_id: HashMap::new(), fallback: prior }
    }

    fn of(&self, id: &str) -> &'a Value {
        self.by_id.get(id).copied().unwrap_or(self.fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::ec2::aws_customer_gateway::CustomerGatewayObject;
    use aws_sdk_ec2::types::CustomerGateway;

    /// The tail `read_known` and `read_described` share: each object read keeps what AWS left
    /// out from the prior of its own ID (and an object no prior names keeps nothing).
    #[test]
    fn a_refresh_keeps_what_aws_leaves_out_from_each_objects_own_prior() {
        let prior = [
            Value::map([("id", Value::string("cgw-1")), ("device_name", Value::string("a"))]),
            Value::map([("id", Value::string("cgw-2")), ("device_name", Value::string("b"))]),
        ];
        let read = |id: &str| {
            let value = Value::map([("id", Value::string(id)), ("device_name", Value::Null)]);
            (id.to_string(), CustomerGateway::builder().build(), value)
        };
        let refreshed = Ec2Type::<CustomerGatewayObject>::refreshed(
            vec![read("cgw-2"), read("cgw-1"), read("cgw-3")],
            &Priors::by_id(&prior),
        );
        assert_eq!(refreshed["cgw-1"].get("device_name"), &Value::string("a"));
        assert_eq!(refreshed["cgw-2"].get("device_name"), &Value::string("b"));
        assert_eq!(refreshed["cgw-3"].get("device_name"), &Value::Null);
    }
}
