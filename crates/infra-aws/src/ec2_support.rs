//! Helpers shared by the EC2 network resource types: reading attributes out of planned values,
//! building whole result objects, describe filters and batching, tags, and polling waits.
//!
//! Nothing here knows a particular resource type; each type's file owns its own API calls.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::time::{Duration, Instant};

use aws_sdk_ec2::types::{Filter, ResourceType as Ec2ResourceType, Tag, TagSpecification};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use infra_core::resource::{visible_tags, ADDRESS_TAG, LINEAGE_TAG};
use infra_core::{Attribute, Block, Operation, ProviderError, Schema, Type, Value};

use crate::app_support::{desired_tags, sent};
use crate::error::aws_error;
use crate::tagging::ManagedTags;
use crate::verify;

/// EC2 accepts at most 200 values in one filter, so larger batches are split into calls of
/// this size.
pub(crate) const FILTER_VALUES_PER_CALL: usize = 200;

/// How often a wait polls. moto answers at once; AWS needs a few seconds per state change.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// `ids` in groups small enough for one filter.
pub(crate) fn chunks_of(ids: &[String]) -> std::slice::Chunks<'_, String> {
    ids.chunks(FILTER_VALUES_PER_CALL)
}

/// The objects with `ids`, described a chunk of IDs a call. EC2 fails a whole Describe call
/// that names one ID of nothing (`Invalid…Id.NotFound`), so a chunk that fails so is described
/// again one ID a call, and the IDs of nothing are left out.
pub(crate) async fn describe_by_ids<T, F, Fut>(
    ids: &[String],
    describe: F,
) -> Result<Vec<T>, ProviderError>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: Future<Output = Result<Vec<T>, ProviderError>>,
{
    let mut found = Vec::new();
    for chunk in chunks_of(ids) {
        match describe(chunk.to_vec()).await {
            Ok(objects) => found.extend(objects),
            Err(error) if crate::error::is_not_found(&error) => {
                for id in chunk {
                    match describe(vec![id.clone()]).await {
                        Ok(objects) => found.extend(objects),
                        Err(error) if crate::error::is_not_found(&error) => {}
                        Err(error) => return Err(error),
                    }
                }
            }
            Err(error) => return Err(error),
        }
    }
    Ok(found)
}

/// What `describe` answers for the filter `name` with each chunk of `ids`, one call a chunk
/// (by a filter, so that an ID of nothing is no error), gathered in one collection.
pub(crate) async fn describe_by_filter<C, F, Fut>(
    name: &str,
    ids: &[String],
    describe: F,
) -> Result<C, ProviderError>
where
    C: Default + IntoIterator + Extend<<C as IntoIterator>::Item>,
    F: Fn(Filter) -> Fut,
    Fut: Future<Output = Result<C, ProviderError>>,
{
    let mut found = C::default();
    for chunk in chunks_of(ids) {
        found.extend(describe(filter(name, chunk.iter().cloned())).await?);
    }
    Ok(found)
}

/// `items` by their IDs (`id`); an item without one is left out.
pub(crate) fn by_id<T>(items: Vec<T>, id: fn(&T) -> Option<&str>) -> HashMap<String, T> {
    let keyed = |item: T| {
        let key = id(&item)?.to_string();
        Some((key, item))
    };
    items.into_iter().filter_map(keyed).collect()
}

/// For `map_err`: an AWS error put in the context of `doing` (the provider's wording of the
/// step, e.g. "creating EC2 Launch Template (NAME)").
pub(crate) fn error_in<E>(
    doing: impl Into<String>,
) -> impl FnOnce(SdkError<E, HttpResponse>) -> ProviderError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let doing = doing.into();
    move |error| aws_error(error).context(&doing)
}

/// `$request` sent, an AWS error put in the context of `$doing` (see `error_in`): the tail of
/// every EC2 call whose error names the step in the provider's words.
macro_rules! sent_in {
    ($request:expr, $doing:expr) => {
        $request.send().await.map_err($crate::ec2_support::error_in($doing))
    };
}
pub(crate) use sent_in;

/// An SDK enum from an attribute's text (`None` stays `None`); an unknown text becomes the
/// enum's `Unknown` variant, which AWS then refuses with its own message.
pub(crate) fn as_enum<T>(text: Option<String>) -> Option<T>
where
    T: for<'a> From<&'a str>,
{
    text.map(|text| T::from(text.as_str()))
}

/// The distinct non-empty keys, sorted: the IDs a describe asks for, a chunk at a time
/// ([`chunks_of`]).
pub(crate) fn distinct_ids(keys: &[String]) -> Vec<String> {
    keys.iter()
        .filter(|id| !id.is_empty())
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A describe filter such as `vpc-id = [vpc-1, vpc-2]`.
pub(crate) fn filter<I, S>(name: &str, values: I) -> Filter
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Filter::builder()
        .name(name)
        .set_values(Some(values.into_iter().map(Into::into).collect()))
        .build()
}

/// The known ids of `prior` values (attribute `id`), without duplicates, in a stable order.
pub(crate) fn known_ids(prior: &[Value]) -> Vec<String> {
    known_strings(prior, "id")
}

/// The known, non-empty string values of `attribute` across `values`, deduplicated and sorted.
pub(crate) fn known_strings(values: &[Value], attribute: &str) -> Vec<String> {
    values
        .iter()
        .filter_map(|value| value.get(attribute).as_str())
        .filter(|text| !text.is_empty())
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// One entry per `prior`, in order: the refreshed object found under its id, or `None`.
pub(crate) fn in_prior_order(
    prior: &[Value],
    found: &HashMap<String, Value>,
) -> Vec<Option<Value>> {
    prior
        .iter()
        .map(|value| value.get("id").as_str().and_then(|id| found.get(id)).cloned())
        .collect()
}

/// The provider's checks of an inline route's or network ACL rule's `cidr_block`
/// (`verify.ValidIPv4CIDRNetworkAddress`) and `ipv6_cidr_block`
/// (`verify.ValidIPv6CIDRNetworkAddress`), each reported at `path(name)`. An empty string is
/// not checked: it is how these blocks write an unset block (infra's network ACL rule declares
/// `""` as its default; the provider's declares none), where the provider would check an
/// explicit `""` too.
pub(crate) fn block_network_problems(
    block: &Value,
    path: impl Fn(&str) -> String,
) -> Vec<(String, String)> {
    ["cidr_block", "ipv6_cidr_block"]
        .into_iter()
        .filter_map(|name| {
            let value = block.get(name).as_str().filter(|value| !value.is_empty())?;
            let problem = match name {
                "cidr_block" => verify::ipv4_network_problem(name, value),
                _ => verify::ipv6_network_problem(name, value),
            };
            Some((path(name), problem?))
        })
        .collect()
}

/// A string attribute that is set and known.
pub(crate) fn string_attribute(value: &Value, name: &str) -> Option<String> {
    value.get(name).as_str().map(str::to_string)
}

/// A string attribute that is set, known and not empty (AWS treats "" as absent).
pub(crate) fn non_empty_attribute(value: &Value, name: &str) -> Option<String> {
    string_attribute(value, name).filter(|text| !text.is_empty())
}

/// The strings of a list or set attribute; absent, null and unknown elements are skipped.
pub(crate) fn string_list(value: &Value, name: &str) -> Vec<String> {
    value
        .get(name)
        .as_list()
        .map(|items| items.iter().filter_map(|item| item.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

pub(crate) fn bool_attribute(value: &Value, name: &str, default: bool) -> bool {
    value.get(name).as_bool().unwrap_or(default)
}

pub(crate) fn integer_attribute(value: &Value, name: &str) -> Option<i64> {
    value.get(name).as_i64()
}

/// A whole result object: every attribute of `schema` (null unless given) and every block
/// (empty unless given), then `entries`.
pub(crate) fn whole_object<'a>(
    schema: &Schema,
    entries: impl IntoIterator<Item = (&'a str, Value)>,
) -> Value {
    let mut object: BTreeMap<String, Value> = BTreeMap::new();
    for attribute in &schema.attributes {
        object.insert(attribute.name.to_string(), Value::Null);
    }
    for block in &schema.blocks {
        object.insert(block.name.to_string(), Value::List(Vec::new()));
    }
    for (name, value) in entries {
        object.insert(name.to_string(), value);
    }
    Value::Map(object)
}

/// Copies attributes that AWS cannot report (config-only settings) from `from` into `to`.
pub(crate) fn copy_attributes(from: &Value, to: &mut Value, names: &[&str]) {
    if let Some(entries) = to.map_mut() {
        for name in names {
            entries.insert(name.to_string(), from.get(name).clone());
        }
    }
}

pub(crate) fn optional_string(text: Option<&str>) -> Value {
    text.map(Value::string).unwrap_or(Value::Null)
}

/// `(added, removed)` between the prior and planned values of a set attribute. An unknown or
/// unset planned set (left to AWS) changes nothing.
pub(crate) fn set_changes(
    prior: &Value,
    planned: &Value,
    name: &str,
) -> (Vec<String>, Vec<String>) {
    if !planned.get(name).is_wholly_known() || planned.get(name).is_null() {
        return (Vec::new(), Vec::new());
    }
    let before = string_list(prior, name);
    let after = string_list(planned, name);
    (
        after.iter().filter(|v| !before.contains(v)).cloned().collect(),
        before.iter().filter(|v| !after.contains(v)).cloned().collect(),
    )
}

/// The inline rule blocks of a network ACL or security group, in the order they are checked.
const RULE_DIRECTIONS: [&str; 2] = ["ingress", "egress"];

/// Calls `check` with each inline rule block of `config` (`ingress`, then `egress`) and the
/// path of one of its attributes (`ingress[0].protocol`), for plan-time checks.
pub(crate) fn for_each_inline_rule(
    config: &Value,
    mut check: impl FnMut(&dyn Fn(&str) -> String, &Value),
) {
    for direction in RULE_DIRECTIONS {
        let rules = config.get(direction).as_list().unwrap_or(&[]);
        for (index, rule) in rules.iter().enumerate() {
            check(&|name: &str| format!("{direction}[{index}].{name}"), rule);
        }
    }
}

/// Each inline rule block of `value` made whole by `full`, and each direction's blocks sorted
/// (by their JSON), so that neither left-out defaults nor order count as a difference.
pub(crate) fn normalize_inline_rules(value: &mut Value, full: impl Fn(&Value) -> Value) {
    let Some(entries) = value.map_mut() else {
        return;
    };
    for direction in RULE_DIRECTIONS {
        if let Some(Value::List(rules)) = entries.get_mut(direction) {
            for rule in rules.iter_mut() {
                *rule = full(rule);
            }
            rules.sort_by_key(|rule| rule.to_json().to_string());
        }
    }
}

/// `Some(items)` unless empty (a request member left out rather than sent empty).
pub(crate) fn non_empty_list(items: Vec<String>) -> Option<Vec<String>> {
    (!items.is_empty()).then_some(items)
}

pub(crate) fn string_values<I, S>(items: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Value::List(items.into_iter().map(|item| Value::String(item.into())).collect())
}

/// EC2 tags for a tag specification or CreateTags.
pub(crate) fn ec2_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect()
}

impl<T> crate::writes::Creating<'_, T> {
    /// The tag specification of an EC2 create call: the planned tags plus the managed `infra:*`
    /// tags.
    pub(crate) fn tag_specification(&self, resource_type: Ec2ResourceType) -> TagSpecification {
        TagSpecification::builder()
            .resource_type(resource_type)
            .set_tags(Some(ec2_tags(&self.operation.tags_with_managed(self.planned))))
            .build()
    }
}

/// The ID a create call answered with, or the error `missing` where the answer holds none.
pub(crate) fn created_id(id: Option<&str>, missing: &str) -> Result<String, ProviderError> {
    id.map(str::to_string).ok_or_else(|| ProviderError::new(missing))
}

/// `tags` and `tags_all` as read: what AWS has, minus the managed `infra:*` keys.
pub(crate) fn tag_entries(tags: &[Tag]) -> [(&'static str, Value); 2] {
    let visible =
        visible_tags(tags.iter().filter_map(|tag| Some((tag.key()?, tag.value().unwrap_or("")))));
    [("tags", visible.clone()), ("tags_all", visible)]
}

/// Filters matching objects this lineage created for this address.
pub(crate) fn managed_tag_filters(operation: &Operation) -> Vec<Filter> {
    vec![
        filter(&format!("tag:{ADDRESS_TAG}"), [operation.address.clone()]),
        filter(&format!("tag:{LINEAGE_TAG}"), [operation.lineage.clone()]),
    ]
}

/// Applies the difference between the prior and planned `tags_all` to one EC2 resource,
/// never touching the managed `infra:*` tags.
pub(crate) async fn update_tags(
    ec2: &aws_sdk_ec2::Client,
    resource_id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let before = desired_tags(prior);
    let after = desired_tags(planned);
    let removed: Vec<Tag> = before
        .keys()
        .filter(|key| !after.contains_key(*key))
        .map(|key| Tag::builder().key(key).build())
        .collect();
    let changed: BTreeMap<String, String> = after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !removed.is_empty() {
        sent!(ec2.delete_tags().resources(resource_id).set_tags(Some(removed)))?;
    }
    if !changed.is_empty() {
        sent!(ec2.create_tags().resources(resource_id).set_tags(Some(ec2_tags(&changed))))?;
    }
    Ok(())
}

/// True when the EC2 error code is `code`.
pub(crate) fn has_code(error: &ProviderError, code: &str) -> bool {
    error.code.as_deref() == Some(code)
}

/// Polls `check` every [`POLL_INTERVAL`] until it yields a value or `timeout` passes. The
/// error names `what` was awaited.
pub(crate) async fn wait_for<T, F, Fut>(
    timeout: Duration,
    what: &str,
    mut check: F,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(done) = check().await? {
            return Ok(done);
        }
        if Instant::now() >= deadline {
            return Err(ProviderError::with_code(
                "WaitTimeout",
                format!("timed out after {}s waiting for {what}", timeout.as_secs()),
            ));
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// Runs a delete, retrying while AWS reports `DependencyViolation` (an ENI or association
/// still being released) until `timeout`; "not found" counts as deleted.
pub(crate) async fn delete_with_retry<F, Fut, T>(
    timeout: Duration,
    what: &str,
    mut delete: F,
) -> Result<(), ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        match delete().await {
            Ok(_) => return Ok(()),
            Err(error) if crate::error::is_not_found(&error) => return Ok(()),
            Err(error) if has_code(&error, "DependencyViolation") && Instant::now() < deadline => {
                tokio::time::sleep(POLL_INTERVAL * 2).await;
            }
            Err(error) => return Err(error.context(&format!("deleting {what}"))),
        }
    }
}

/// The ARN of an EC2 object in its region's partition, e.g.
/// `arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1` or `arn:aws-cn:ec2:cn-north-1:…`, as the
/// provider builds it (`arn.ARN{Partition: …}`). `owner_id` is empty for an AMI.
pub(crate) fn ec2_arn(region: &str, owner_id: &str, kind: &str, id: &str) -> String {
    let partition = crate::clients::partition_of(region);
    format!("arn:{partition}:ec2:{region}:{owner_id}:{kind}/{id}")
}

/// A process-unique name like the provider's `terraform-2026112214300000000001`.
pub(crate) fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}{nanos:020}{count:06}")
}

/// The name a create gives its object: the configured `attributes[0]` (`name`), else a unique
/// name from `attributes[1]` (`name_prefix`) or `default_prefix`, as the provider makes one.
///
/// A generated name is made once per operation of this run: the create sent again after its
/// answer was lost, and the type's `find_created` that looks for the object first, both ask
/// for the name the first attempt used. A new name each time would make a second object
/// whenever the first attempt's work was done (issue 33). The executor journals the name
/// before the call ([`with_name_for_create`]), so a later run after a crash finds `attributes[0]`
/// set and asks for the same object.
pub(crate) fn name_for_create(
    operation: &Operation,
    planned: &Value,
    [name, prefix]: [&str; 2],
    default_prefix: &str,
) -> String {
    if let Some(name) = crate::app_support::non_empty(planned, name) {
        return name;
    }
    let prefix =
        crate::app_support::non_empty(planned, prefix).unwrap_or_else(|| default_prefix.into());
    static MADE: std::sync::LazyLock<std::sync::Mutex<HashMap<String, String>>> =
        std::sync::LazyLock::new(Default::default);
    let key = format!("{}\n{}\n{prefix}", operation.lineage, operation.address);
    MADE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(key)
        .or_insert_with(|| unique_name(&prefix))
        .clone()
}

/// `planned` with `attributes[0]` set to [`name_for_create`]'s name: what a type whose create
/// generates a name returns from `with_generated_names`, so that the pending entry of the
/// create holds the name and a run after a crash looks for the same object.
pub(crate) fn with_name_for_create(
    operation: &Operation,
    mut planned: Value,
    attributes: [&str; 2],
    default_prefix: &str,
) -> Value {
    let name = name_for_create(operation, &planned, attributes, default_prefix);
    if let Some(entries) = planned.map_mut() {
        entries.insert(attributes[0].to_string(), Value::string(name));
    }
    planned
}

/// Go's `hash/crc32.ChecksumIEEE`, which the provider uses for
/// hash-based ids (`aws_iam_policy_document`, `aws_route`).
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// An idempotency token (EC2 `ClientToken`, ACM's, Route 53's `CallerReference`; 29
/// characters once its `-` is dropped, within ACM's 32) derived from this run, the state
/// lineage, the resource address and the planned value. The SDK's retries of a create whose
/// answer was lost reuse it, so AWS returns the object the first attempt made instead of
/// making a second one; a later run that finds a create's answer missing resolves it through
/// the type's `find_created` (tags or natural key). Tokens differ between runs: a stack
/// destroyed and applied again within a token's lifetime (an hour for ACM, a day for EC2) must
/// get new objects, not the deleted ones, and a `CallerReference` must never repeat.
pub(crate) fn client_token(operation: &Operation, planned: &Value) -> String {
    token_of(&operation.lineage, &operation.address, planned)
}

/// [`client_token`] lengthened for the APIs whose tokens are 32 to 64 characters: Secrets
/// Manager's `ClientRequestToken` (39 characters).
pub(crate) fn long_client_token(operation: &Operation, planned: &Value) -> String {
    format!("{}-{:08x}", client_token(operation, planned), crc32(operation.lineage.as_bytes()))
}

/// [`client_token`] for a call made outside a resource operation: `scope` and `name` say
/// what is being made (ECS's `CreateService` of a blue/green colour: the cluster and the
/// service name).
pub(crate) fn token_of(scope: &str, name: &str, planned: &Value) -> String {
    format!(
        "infra-{:08x}{:08x}{:08x}",
        crc32(format!("{}/{scope}", run_nonce()).as_bytes()),
        crc32(name.as_bytes()),
        crc32(planned.to_json().to_string().as_bytes())
    )
}

/// What sets this process's tokens apart from another run's: its ID and start time.
fn run_nonce() -> &'static str {
    static NONCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NONCE.get_or_init(|| format!("{}-{}", std::process::id(), run_started()))
}

/// When this process first asked, in nanoseconds since the Unix epoch: the same for every
/// call of one run.
pub(crate) fn run_started() -> u128 {
    static STARTED: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *STARTED.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default()
    })
}

/// The single object of a `Block::single` block in `value`, if the block is present.
pub(crate) fn single_block<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value.get(name).as_list().and_then(|items| items.first())
}

// ---- Lookups shared by the EC2 data sources ----

/// The repeated `filter { name values }` block of the EC2 data sources: each block is one
/// describe filter; an object matches when any of `values` matches the field `name`.
pub(crate) fn filter_block() -> Block {
    Block::set(
        "filter",
        Schema::new()
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::required("values", Type::set(Type::String))),
    )
}

/// A scalar configuration value as a filter value (`true`, `10`, `vpc-1`).
fn filter_text(value: &Value) -> Option<String> {
    match value.unmarked() {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(infra_core::value::format_number(*number)),
        _ => None,
    }
}

/// The describe filters of a lookup: each `(attribute, filter name)` the configuration sets,
/// one `tag:KEY` filter per entry of `tags` (each pair must match exactly), then the `filter`
/// blocks.
pub(crate) fn lookup_filters(config: &Value, attributes: &[(&str, &str)]) -> Vec<Filter> {
    let mut filters: Vec<Filter> = attributes
        .iter()
        .filter_map(|(attribute, name)| {
            filter_text(config.get(attribute)).map(|text| filter(name, [text]))
        })
        .collect();
    if let Some(tags) = config.get("tags").as_map() {
        for (key, value) in tags {
            if let Some(text) = value.as_str() {
                filters.push(filter(&format!("tag:{key}"), [text]));
            }
        }
    }
    filters.extend(block_filters(config));
    filters
}

/// The `filter` blocks of a lookup as describe filters.
pub(crate) fn block_filters(config: &Value) -> Vec<Filter> {
    config
        .get("filter")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|block| {
            let name = block.get("name").as_str()?;
            Some(filter(name, string_list(block, "values")))
        })
        .collect()
}

/// The one object a lookup found, or the error `none` (nothing matched) or `many`.
pub(crate) fn exactly_one<T>(
    mut found: Vec<T>,
    none: &str,
    many: &str,
) -> Result<T, ProviderError> {
    match found.len() {
        0 => Err(ProviderError::with_code("NotFound", none)),
        1 => Ok(found.remove(0)),
        _ => Err(ProviderError::with_code("TooManyResults", many)),
    }
}

/// The one object a lookup found, with the provider's wording for a singular data source
/// (`no matching EC2 VPC found`, `multiple EC2 VPCs matched; use additional constraints to
/// reduce matches to a single EC2 VPC`).
pub(crate) fn single_match<T>(found: Vec<T>, kind: &str) -> Result<T, ProviderError> {
    exactly_one(
        found,
        &format!("no matching {kind} found"),
        &format!(
            "multiple {kind}s matched; use additional constraints to reduce matches to a single {kind}"
        ),
    )
}

/// A data source's result: every attribute of `schema` from `entries` (what AWS reported),
/// and where `entries` has nothing, what the configuration set (`filter`, `most_recent`,
/// `subnet_id`, ...).
pub(crate) fn lookup_value<'a>(
    schema: &Schema,
    config: &Value,
    entries: impl IntoIterator<Item = (&'a str, Value)>,
) -> Value {
    let mut value = whole_object(schema, entries);
    if let (Some(out), Some(configured)) = (value.map_mut(), config.as_map()) {
        for (name, setting) in configured {
            let empty = match out.get(name) {
                None | Some(Value::Null) => true,
                Some(Value::List(items)) => items.is_empty(),
                _ => false,
            };
            if empty && !setting.is_null() {
                out.insert(name.clone(), setting.clone());
            }
        }
    }
    value
}

/// The visible tags of an EC2 object (without the managed `infra:*` tags).
pub(crate) fn visible_ec2_tags(tags: &[Tag]) -> Value {
    visible_tags(tags.iter().filter_map(|tag| Some((tag.key()?, tag.value().unwrap_or("")))))
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    /// An EC2 ARN names its region's partition, as the provider's do (China and GovCloud
    /// included); an AMI's has no owner.
    #[test]
    fn an_ec2_arn_is_in_its_regions_partition() {
        let arn = |region| ec2_arn(region, "123456789012", "vpc", "vpc-1");
        assert_eq!(arn("us-east-1"), "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1");
        assert_eq!(arn("cn-north-1"), "arn:aws-cn:ec2:cn-north-1:123456789012:vpc/vpc-1");
        assert_eq!(arn("us-gov-west-1"), "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc/vpc-1");
        assert_eq!(
            ec2_arn("eu-west-1", "", "image", "ami-1"),
            "arn:aws:ec2:eu-west-1::image/ami-1"
        );
    }

    /// Every resend of a create within one run (the engine's, after a lookup found nothing)
    /// computes the token again from the same inputs: it must come out the same, and fit the
    /// shortest limit of the APIs that take it (ECS `clientToken`: 36 characters; ACM, once its
    /// `-` is dropped: 32).
    #[test]
    fn a_token_is_the_same_for_each_resend_of_one_create_and_fits_every_api() {
        let planned = Value::map([("cluster", Value::string("main"))]);
        let token = token_of("main", "app-blue", &planned);
        assert_eq!(token, token_of("main", "app-blue", &planned));
        assert_ne!(token, token_of("main", "app-green", &planned));
        assert!(token.len() <= 36 && token.replace('-', "").len() <= 32, "{token}");
        let operation = Operation {
            address: "aws_nat_gateway.main".into(),
            lineage: "lineage".into(),
            ..Operation::default()
        };
        assert_eq!(client_token(&operation, &planned), client_token(&operation, &planned));
        assert_eq!(
            client_token(&operation, &planned),
            token_of("lineage", "aws_nat_gateway.main", &planned)
        );
    }

    /// A generated name is made once per operation: the create sent again after its answer
    /// was lost, and the lookup before it, use the name of the first attempt (issue 33).
    #[test]
    fn a_generated_name_is_the_same_for_each_call_of_one_operation() {
        let operation = |address: &str| Operation {
            address: address.into(),
            lineage: "lineage".into(),
            ..Operation::default()
        };
        let planned = Value::map([("name_prefix", Value::string("app-"))]);
        let names = ["name", "name_prefix"];
        let first = name_for_create(&operation("aws_iam_role.a"), &planned, names, "terraform-");
        assert!(first.starts_with("app-") && first.len() == "app-".len() + 26, "{first}");
        assert_eq!(
            name_for_create(&operation("aws_iam_role.a"), &planned, names, "terraform-"),
            first
        );
        assert_ne!(
            name_for_create(&operation("aws_iam_role.b"), &planned, names, "terraform-"),
            first
        );
        let generated = name_for_create(&operation("aws_iam_role.c"), &Value::Null, names, "x-");
        assert!(generated.starts_with("x-"), "{generated}");
        let named = Value::map([("name", Value::string("fixed"))]);
        assert_eq!(
            name_for_create(&operation("aws_iam_role.a"), &named, names, "terraform-"),
            "fixed"
        );
    }

    #[test]
    fn lookup_filters_come_from_attributes_tags_and_blocks() {
        let config = Value::map([
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("default", Value::Bool(false)),
            ("state", Value::Null),
            ("tags", Value::map([("Name", Value::string("main"))])),
            (
                "filter",
                Value::List(vec![Value::map([
                    ("name", Value::string("owner-id")),
                    ("values", Value::List(vec![Value::string("1"), Value::string("2")])),
                ])]),
            ),
        ]);
        let filters = lookup_filters(
            &config,
            &[("cidr_block", "cidr"), ("default", "is-default"), ("state", "state")],
        );
        let shown: Vec<(String, Vec<String>)> = filters
            .iter()
            .map(|f| (f.name().unwrap_or_default().to_string(), f.values().to_vec()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("cidr".to_string(), vec!["10.0.0.0/16".to_string()]),
                ("is-default".to_string(), vec!["false".to_string()]),
                ("tag:Name".to_string(), vec!["main".to_string()]),
                ("owner-id".to_string(), vec!["1".to_string(), "2".to_string()]),
            ]
        );
    }

    #[test]
    fn single_match_uses_the_provider_wording() {
        assert_eq!(single_match(vec![7], "EC2 VPC").unwrap(), 7);
        assert_eq!(
            single_match(Vec::<u8>::new(), "EC2 VPC").unwrap_err().message,
            "no matching EC2 VPC found"
        );
        assert_eq!(
            single_match(vec![1, 2], "EC2 VPC").unwrap_err().message,
            "multiple EC2 VPCs matched; use additional constraints to reduce matches to a single EC2 VPC"
        );
    }

    #[test]
    fn lookup_values_keep_configured_arguments() {
        let schema = Schema::new()
            .attr(Attribute::optional_computed("id", Type::String))
            .attr(Attribute::optional("subnet_id", Type::String))
            .block(filter_block());
        let config = Value::map([
            ("subnet_id", Value::string("subnet-1")),
            ("filter", Value::List(vec![Value::map([("name", Value::string("x"))])])),
        ]);
        let value = lookup_value(&schema, &config, [("id", Value::string("rtb-1"))]);
        assert_eq!(value.get("id").as_str(), Some("rtb-1"));
        assert_eq!(value.get("subnet_id").as_str(), Some("subnet-1"));
        assert_eq!(value.get("filter").as_list().map(|l| l.len()), Some(1));
    }
}
