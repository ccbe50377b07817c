//! The resource-level `region` argument of provider v6: every regional resource type and data
//! source takes an optional `region`, computed as the provider's when unset. Global services'
//! types (IAM) have none.
//!
//! One wrapper adds it to every regional type, so no type's file repeats it. A `region` equal to
//! the provider's (or unset) is honoured; a different one is a located error that names the
//! workaround (a provider alias with that region), never silently ignored: `infra` keeps one
//! set of clients per provider configuration.
//!
//! In provider v6 a change of `region` forces replacement. Here it is not marked so: a region
//! other than the provider's is refused anyway, and a state written before `region` existed
//! (a blue/green service, which refresh does not read) must not plan a replacement.

use std::sync::Arc;

use infra_core::{
    Attribute, Creating, DataSourceType, Deleting, Operation, ProviderError, ResourceType, Schema,
    Timeouts, Type, Updating, Value,
};

use crate::Aws;

const REGION: &str = "region";

/// `resource`, with the `region` argument when it is regional (the macro passes `global` for
/// IAM's types).
pub fn regional(resource: Arc<dyn ResourceType>, aws: &Arc<Aws>) -> Arc<dyn ResourceType> {
    match Regional::of(&resource, resource.schema(), aws) {
        Some(regional) => Arc::new(regional),
        None => resource,
    }
}

/// `resource` unchanged: a global service's type has no `region`.
pub fn global(resource: Arc<dyn ResourceType>, _aws: &Arc<Aws>) -> Arc<dyn ResourceType> {
    resource
}

/// `data_source`, with the `region` argument (unless it has its own, as `aws_region` does).
pub fn regional_data(
    data_source: Arc<dyn DataSourceType>,
    aws: &Arc<Aws>,
) -> Arc<dyn DataSourceType> {
    match Regional::of(&data_source, data_source.schema(), aws) {
        Some(regional) => Arc::new(regional),
        None => data_source,
    }
}

/// A global service's data source unchanged.
pub fn global_data(
    data_source: Arc<dyn DataSourceType>,
    _aws: &Arc<Aws>,
) -> Arc<dyn DataSourceType> {
    data_source
}

/// The message for a `region` this provider configuration cannot serve.
fn other_region(wanted: &str, provider: &str) -> String {
    format!(
        "\"region\" = \"{wanted}\" differs from the provider's region \"{provider}\": infra does not yet send one resource to another region. Declare `provider \"aws\" {{ alias = \"...\", region = \"{wanted}\" }}` and set `provider = aws.ALIAS` on this block instead."
    )
}

/// The problem with a configured `region`, when the provider's region is known now.
fn region_problem(config: &Value, aws: &Aws) -> Vec<(String, String)> {
    match (config.get(REGION).as_str(), aws.known_region().as_deref()) {
        (Some(wanted), Some(provider)) if wanted != provider => {
            vec![(REGION.to_string(), other_region(wanted, provider))]
        }
        _ => vec![],
    }
}

/// The region calls go to; an error when the configured one differs (checked again here for a
/// provider whose region comes from the environment).
async fn effective_region(value: &Value, aws: &Aws) -> Result<String, ProviderError> {
    let region = aws.clients().await.region.clone();
    match value.get(REGION).as_str() {
        Some(wanted) if wanted != region => Err(ProviderError::new(other_region(wanted, &region))),
        _ => Ok(region),
    }
}

fn with_region(mut value: Value, region: &str) -> Value {
    if let Some(entries) = value.map_mut() {
        entries.insert(REGION.to_string(), Value::string(region));
    }
    value
}

/// A regional resource type or data source: the inner one, with the `region` argument.
struct Regional<T: ?Sized> {
    inner: Arc<T>,
    schema: Schema,
    aws: Arc<Aws>,
}

impl<T: ?Sized> Regional<T> {
    /// `inner` (whose schema is `schema`) with the `region` argument; `None` when it has its
    /// own (as `aws_region` does).
    fn of(inner: &Arc<T>, schema: &Schema, aws: &Arc<Aws>) -> Option<Regional<T>> {
        schema.attribute(REGION).is_none().then(|| Regional {
            inner: inner.clone(),
            schema: schema.clone().attr(Attribute::optional_computed(REGION, Type::String)),
            aws: aws.clone(),
        })
    }
}

#[async_trait::async_trait]
impl ResourceType for Regional<dyn ResourceType> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn aliases(&self) -> &'static [&'static str] {
        self.inner.aliases()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = self.inner.validate(config);
        problems.extend(region_problem(config, &self.aws));
        problems
    }

    fn warnings(&self, config: &Value) -> Vec<(String, String)> {
        self.inner.warnings(config)
    }

    /// An unset `region` is the provider's, known at plan time ([`Aws::known_region`]).
    fn normalize(&self, value: &mut Value) {
        self.inner.normalize(value);
        if let (Some(region), Some(entries)) = (self.aws.known_region(), value.map_mut()) {
            if entries.get(REGION).is_none_or(|v| v.is_null() || v.is_unknown()) {
                entries.insert(REGION.to_string(), Value::string(region));
            }
        }
    }

    fn traffic_paths(&self) -> &'static [&'static str] {
        self.inner.traffic_paths()
    }

    fn replacing_changes(&self, prior: &Value, planned: &Value, changed: &[String]) -> Vec<String> {
        self.inner.replacing_changes(prior, planned, changed)
    }

    fn cleared_changes(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        self.inner.cleared_changes(prior, planned)
    }

    fn unknown_after_update(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        self.inner.unknown_after_update(prior, planned)
    }

    fn upgrade_state(&self, from: u64, value: Value) -> Result<Value, String> {
        self.inner.upgrade_state(from, value)
    }

    fn default_timeouts(&self) -> Timeouts {
        self.inner.default_timeouts()
    }

    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        self.inner.with_generated_names(operation, planned)
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let region = effective_region(at.planned, &self.aws).await?;
        let created = self.inner.create(at).await?;
        Ok(with_region(created, &region))
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        let region = effective_region(at.planned, &self.aws).await?;
        let updated = self.inner.update(at).await?;
        Ok(with_region(updated, &region))
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        effective_region(at.prior, &self.aws).await?;
        self.inner.delete(at).await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let region = self.aws.clients().await.region.clone();
        let found = self.inner.read_many(prior).await?;
        Ok(found.into_iter().map(|value| value.map(|v| with_region(v, &region))).collect())
    }

    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        let region = effective_region(at.planned, &self.aws).await?;
        let found = self.inner.find_created(at).await?;
        Ok(found.map(|value| with_region(value, &region)))
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        self.inner.import_prior(id)
    }
}

#[async_trait::async_trait]
impl DataSourceType for Regional<dyn DataSourceType> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn aliases(&self) -> &'static [&'static str] {
        self.inner.aliases()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let region = effective_region(config, &self.aws).await?;
        let value = self.inner.read(config).await?;
        Ok(with_region(value, &region))
    }
}
