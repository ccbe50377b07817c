//! Small helpers shared by the application resource types (ELBv2, ECS, RDS, IAM, logs):
//! reading attributes out of planned/prior `Value`s, building result objects, tag differences,
//! and polling with the operation's timeout.
//!
//! Nothing here talks to AWS; the per-service files own the SDK calls.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::time::{Duration, Instant};

use infra_core::resource::visible_tags;
use infra_core::{Attribute, ProviderError, Type, Value};

/// A request sent, its error as a `ProviderError`: `sent!(client.get_group().group_name(name))`
/// is `client.get_group().group_name(name).send().await.map_err(aws_error)`. (A macro, not a
/// function: each SDK operation's builder is a type of its own, with no trait to name them by.)
macro_rules! sent {
    ($request:expr) => {
        $request.send().await.map_err($crate::error::aws_error)
    };
}
pub(crate) use sent;

/// The `name` of a type that generates one when neither it nor `name_prefix` is set (the
/// provider's `create.Name`): optional and computed, forcing a new object, in conflict with
/// `name_prefix`, as the provider declares it in every such type.
pub fn name_attribute() -> Attribute {
    Attribute::optional_computed("name", Type::String).force_new().conflicts_with(&["name_prefix"])
}

/// The `name_prefix` beside [`name_attribute`]: optional, forcing a new object, in conflict with
/// `name`.
pub fn name_prefix_attribute() -> Attribute {
    Attribute::optional("name_prefix", Type::String).force_new().conflicts_with(&["name"])
}

/// [`name_prefix_attribute`] for the types whose provider schema also marks it `Computed`
/// (read back from the name where the prior state does not hold it).
pub fn computed_name_prefix_attribute() -> Attribute {
    Attribute::optional_computed("name_prefix", Type::String).force_new().conflicts_with(&["name"])
}

/// How often waits poll. The emulator is instant; real AWS changes state in seconds.
pub const POLL_INTERVAL: Duration = Duration::from_millis(1500);

/// A known, non-null string attribute (numbers and bools are rendered as strings).
pub fn string(value: &Value, key: &str) -> Option<String> {
    match value.get(key).unmarked() {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(infra_core::value::format_number(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A known, non-empty string attribute.
pub fn non_empty(value: &Value, key: &str) -> Option<String> {
    string(value, key).filter(|s| !s.is_empty())
}

/// A known whole-number attribute that fits an `i32`.
pub fn int(value: &Value, key: &str) -> Option<i32> {
    value.get(key).as_i64().and_then(|n| i32::try_from(n).ok())
}

pub fn boolean(value: &Value, key: &str) -> Option<bool> {
    value.get(key).as_bool()
}

/// The known strings of a list or set attribute.
pub fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|item| match item.unmarked() {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(infra_core::value::format_number(*n)),
            _ => None,
        })
        .collect()
}

/// The objects of a nested block (a list of objects).
pub fn blocks<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).as_list().unwrap_or(&[])
}

/// A `max_items = 1` block's value read back: a list of its object, or empty when AWS has none.
pub fn one_block(object: Option<Value>) -> Value {
    Value::List(object.into_iter().collect())
}

/// The single object of a `max_items = 1` block, if present.
pub fn single<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    blocks(value, key).first()
}

/// A string (or null) as a `Value`.
pub fn text(value: Option<&str>) -> Value {
    value.map(Value::string).unwrap_or(Value::Null)
}

/// A string as a `Value`, with AWS's empty string (an unset description) read as null.
pub fn text_or_null(value: Option<&str>) -> Value {
    text(value.filter(|s| !s.is_empty()))
}

/// A policy document AWS reported, kept as the configuration wrote it when it means the same
/// JSON (key order, whitespace), else in canonical form; null when AWS has none.
pub fn policy_value(reported: Option<&str>, configured: &Value) -> Value {
    match reported.filter(|p| !p.trim().is_empty()) {
        Some(policy) => same_json(Some(canonical_json(policy)), configured),
        None => Value::Null,
    }
}

/// The error for a JSON argument that does not parse, as the provider words it (`"policy"
/// contains an invalid JSON`); `None` when it parses, or is not a known string.
pub fn invalid_json(config: &Value, key: &str) -> Option<(String, String)> {
    let text = config.get(key).as_str()?;
    let invalid = serde_json::from_str::<serde_json::Value>(text).is_err();
    invalid.then(|| (key.to_string(), format!("\"{key}\" contains an invalid JSON")))
}

/// A value marked sensitive (null stays plain null).
pub fn sensitive(value: Value) -> Value {
    if value.is_null() {
        value
    } else {
        value.mark_sensitive()
    }
}

/// A number (or null) as a `Value`.
pub fn number(value: Option<i64>) -> Value {
    value.map(|n| Value::Number(n as f64)).unwrap_or(Value::Null)
}

/// A list of strings as a `Value`.
pub fn string_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::List(items.into_iter().map(|s| Value::string(s.as_ref())).collect())
}

/// Sets `tags` and `tags_all` to what AWS reports, without the managed `infra:*` keys.
pub fn set_tags<'a>(
    object: &mut BTreeMap<String, Value>,
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    let visible = visible_tags(tags);
    object.insert("tags".into(), visible.clone());
    object.insert("tags_all".into(), visible);
}

/// The tags a value asks for (`tags_all`, else `tags`), without `infra:*` keys.
pub fn desired_tags(value: &Value) -> BTreeMap<String, String> {
    let source = match value.get("tags_all") {
        Value::Map(_) => value.get("tags_all"),
        _ => value.get("tags"),
    };
    source
        .as_map()
        .map(|entries| {
            entries
                .iter()
                .filter(|(k, _)| !k.starts_with("infra:"))
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The tag changes from `prior` to `planned`: keys to set (new or changed) and keys to remove.
/// Never touches `infra:*` keys.
pub fn tag_changes(prior: &Value, planned: &Value) -> (BTreeMap<String, String>, Vec<String>) {
    let before = desired_tags(prior);
    let after = desired_tags(planned);
    let to_set = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let to_remove = before.keys().filter(|k| !after.contains_key(*k)).cloned().collect();
    (to_set, to_remove)
}

/// True when `tags` include this operation's managed tags (`infra:address`, `infra:lineage`).
pub fn has_managed_tags(tags: &[(String, String)], operation: &infra_core::Operation) -> bool {
    let get = |key: &str| tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    get(infra_core::resource::ADDRESS_TAG) == Some(operation.address.as_str())
        && get(infra_core::resource::LINEAGE_TAG) == Some(operation.lineage.as_str())
}

/// The attribute of `source` when it is wholly known, else null: for configuration-only
/// attributes copied into a read-back object (a planned optional-computed value may still be
/// unknown, and what a provider returns must be known).
pub fn known(source: &Value, key: &str) -> Value {
    let value = source.get(key);
    if value.is_wholly_known() {
        value.clone()
    } else {
        Value::Null
    }
}

/// True when the attribute differs between `prior` and `planned` (compared as JSON, marks
/// dropped).
pub fn changed(prior: &Value, planned: &Value, key: &str) -> bool {
    prior.get(key).to_json() != planned.get(key).to_json()
}

/// Polls `check` every [`POLL_INTERVAL`] until it yields `Some`, or fails once `timeout` has
/// passed. `what` names the awaited condition in the timeout error.
pub async fn wait_for<T, F, Fut>(
    what: &str,
    timeout: Duration,
    mut check: F,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let started = Instant::now();
    loop {
        if let Some(done) = check().await? {
            return Ok(done);
        }
        if started.elapsed() >= timeout {
            return Err(ProviderError::with_code(
                "Timeout",
                format!("timed out after {}s waiting for {what}", timeout.as_secs()),
            ));
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// Runs `call` again, every [`POLL_INTERVAL`] for up to `timeout`, while `retryable` says its
/// error will pass (a new IAM role or permission still propagating, an object busy with an
/// earlier change); then its last answer stands.
pub async fn retry_while<T, F, Fut>(
    timeout: Duration,
    retryable: fn(&ProviderError) -> bool,
    mut call: F,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let started = Instant::now();
    loop {
        match call().await {
            Err(error) if retryable(&error) && started.elapsed() < timeout => {
                tokio::time::sleep(POLL_INTERVAL).await;
            }
            answer => return answer,
        }
    }
}

/// True for "not found" errors, including IAM's `NoSuchEntity` and logs'
/// `ResourceNotFoundException`.
pub fn is_missing(error: &ProviderError) -> bool {
    crate::error::is_not_found(error)
        || matches!(error.code.as_deref(), Some("NoSuchEntity" | "ResourceNotFoundException"))
}

/// A delete's answer as its outcome: an object already gone (a not-found answer, as
/// [`is_missing`] knows it) is deleted too.
pub fn deleted_or_missing<T>(answer: Result<T, ProviderError>) -> Result<(), ProviderError> {
    deleted_or_gone(answer, is_missing)
}

/// A delete's answer as its outcome, where `is_gone` tells the service's answers for an object
/// already gone.
pub fn deleted_or_gone<T>(
    answer: Result<T, ProviderError>,
    is_gone: impl Fn(&ProviderError) -> bool,
) -> Result<(), ProviderError> {
    match answer {
        Err(error) if !is_gone(&error) => Err(error),
        _ => Ok(()),
    }
}

/// A delete's answer, for a delete that waits after it: `true` when it was sent (the wait
/// follows), `false` for an object already gone (`is_gone`: nothing to wait for), else the
/// error.
pub fn sent_unless_gone<T>(
    answer: Result<T, ProviderError>,
    is_gone: impl Fn(&ProviderError) -> bool,
) -> Result<bool, ProviderError> {
    match answer {
        Ok(_) => Ok(true),
        Err(error) if is_gone(&error) => Ok(false),
        Err(error) => Err(error),
    }
}

/// The one object `value` names, read as refresh reads it: what a create whose natural key is
/// its arguments (an attachment, an association) finds after a lost answer.
pub async fn read_one(
    resource: &dyn infra_core::ResourceType,
    value: &Value,
) -> Result<Option<Value>, ProviderError> {
    Ok(resource.read_many(std::slice::from_ref(value)).await?.pop().flatten())
}

/// The objects named `names`, described as the APIs that take one name or list everything
/// allow (RDS, ElastiCache, Redshift): one name is asked for directly (`describe_one`; a
/// not-found answer is none), several by listing (`describe_all`, usually [`crate::paginated::all_items!`]).
/// Only objects whose `name_of` is among `names` are kept, in the order described: a listing
/// carries others, and the provider checks the name of a direct answer too.
pub async fn describe_named<T, One, All>(
    names: &[String],
    name_of: impl Fn(&T) -> Option<&str>,
    describe_one: impl FnOnce(String) -> One,
    describe_all: impl FnOnce() -> All,
) -> Result<Vec<T>, ProviderError>
where
    One: Future<Output = Result<Vec<T>, ProviderError>>,
    All: Future<Output = Result<Vec<T>, ProviderError>>,
{
    let described = match names {
        [] => return Ok(Vec::new()),
        [name] => match describe_one(name.clone()).await {
            Err(error) if crate::error::is_not_found(&error) => Vec::new(),
            answer => answer?,
        },
        _ => describe_all().await?,
    };
    Ok(described
        .into_iter()
        .filter(|item| name_of(item).is_some_and(|name| names.iter().any(|n| n == name)))
        .collect())
}

/// Sends the tag difference between `prior` and `planned` ([`tag_changes`]): first the untag
/// request (`|to_remove| request`, given the removed keys), then the tag request (`|to_set|
/// request`, given the added or changed tags), each only when there are some; a failed call is
/// the caller's error (`?`, through [`crate::error::aws_error`]). A macro because each service's
/// requests are their own SDK types.
macro_rules! send_tag_changes {
    ($prior:expr, $planned:expr, |$to_remove:ident| $untag:expr, |$to_set:ident| $tag:expr $(,)?) => {{
        let ($to_set, $to_remove) = $crate::app_support::tag_changes($prior, $planned);
        if !$to_remove.is_empty() {
            $untag.send().await.map_err($crate::error::aws_error)?;
        }
        if !$to_set.is_empty() {
            $tag.send().await.map_err($crate::error::aws_error)?;
        }
    }};
}
pub(crate) use send_tag_changes;

/// [`send_tag_changes`] for a service whose UntagResource and TagResource name the resource
/// with one setter (`resource_arn(arn)`, `key_id(&id)`) and take `tag_keys` and `tags` (the
/// latter built by the calling module's `sdk_tags`):
/// `resource_tag_changes!(client, resource_arn(arn), prior, planned)`.
macro_rules! resource_tag_changes {
    ($client:expr, $name:ident($id:expr), $prior:expr, $planned:expr $(,)?) => {
        $crate::app_support::send_tag_changes!(
            $prior,
            $planned,
            |to_remove| $client.untag_resource().$name($id).set_tag_keys(Some(to_remove)),
            |to_set| $client.tag_resource().$name($id).set_tags(Some(sdk_tags(&to_set)?))
        )
    };
}
pub(crate) use resource_tag_changes;

/// Terraform's `StringLenBetween(min, max)` check of the string `value`, the SDK's `key`
/// (`stage.0.action.1.name`), in its wording and counting bytes as Go's `len` does; `None` when
/// it passes or is not a known string. An attribute declares it as `Check::Length`; this is
/// for a check the declaration cannot carry (one of two blocks that share a declaration).
pub fn length_problem(key: &str, value: &Value, (min, max): (usize, usize)) -> Option<String> {
    let text = value.as_str()?;
    let length = text.len();
    (length < min || length > max)
        .then(|| format!("expected length of {key} to be in the range ({min} - {max}), got {text}"))
}

/// The error for an object that a create or update could not read back.
pub fn vanished(kind: &str, id: &str) -> ProviderError {
    ProviderError::with_code(
        "NotFound",
        format!("{kind} \"{id}\" was not found right after it was written"),
    )
}

/// Decodes `%XX` escapes (IAM returns policy documents URL-encoded).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        if bytes[i] == b'+' {
            out.push(b' ');
        } else {
            out.push(bytes[i]);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON document in canonical form (sorted keys, no whitespace); the text unchanged if it is
/// not JSON.
pub fn canonical_json(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|json| json.to_string())
        .unwrap_or_else(|_| text.to_string())
}

/// A policy document as IAM returns it (URL-encoded, or plain JSON) in canonical form.
pub fn decoded_policy(document: &str) -> String {
    if document.trim_start().starts_with('{') {
        canonical_json(document)
    } else {
        canonical_json(&percent_decode(document))
    }
}

/// A JSON document AWS reported (canonical form): the configuration's text when it means the
/// same JSON, so whitespace and key order are not drift.
pub fn same_json(reported: Option<String>, configured: &Value) -> Value {
    match (reported, configured.as_str()) {
        (Some(reported), Some(configured)) if canonical_json(configured) == reported => {
            Value::string(configured)
        }
        (reported, _) => text(reported.as_deref()),
    }
}

/// A string map attribute as the SDKs take it (a task definition's docker volume options, an
/// event target's HTTP parameters, an ELBv2 authentication's extra parameters, a service
/// connect log configuration's options).
pub fn string_map(value: &Value, key: &str) -> Option<HashMap<String, String>> {
    value.get(key).as_map().map(|entries| {
        entries.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect()
    })
}

/// A string map as a value (null when absent or empty).
pub fn map_value(map: Option<&HashMap<String, String>>) -> Value {
    match map {
        Some(map) if !map.is_empty() => {
            Value::Map(map.iter().map(|(k, v)| (k.clone(), Value::string(v))).collect())
        }
        _ => Value::Null,
    }
}

/// A data source's schema from the resource type it describes ("attributes identical to the
/// resource's"): every attribute and block computed, blocks as lists of objects; `lookups` are
/// the arguments that select the object (optional, and set from what was found); `omit` are
/// resource-only arguments (`name_prefix`, `tags_all`, lifecycle switches).
pub fn data_source_schema(
    resource: &infra_core::Schema,
    lookups: &[&'static str],
    omit: &[&str],
) -> infra_core::Schema {
    use infra_core::{Attribute, Schema, Type};
    let mut schema = Schema::new();
    for attribute in &resource.attributes {
        if omit.contains(&attribute.name) || lookups.contains(&attribute.name) {
            continue;
        }
        let mut computed = Attribute::computed(attribute.name, attribute.ty.clone());
        computed.sensitive = attribute.sensitive;
        schema = schema.attr(computed);
    }
    for block in &resource.blocks {
        if !omit.contains(&block.name) {
            schema = schema.attr(Attribute::computed(block.name, Type::list(Type::Any)));
        }
    }
    for lookup in lookups {
        let ty = resource.attribute(lookup).map(|a| a.ty.clone()).unwrap_or(Type::String);
        schema = schema.attr(Attribute::optional_computed(lookup, ty));
    }
    schema
}

/// `value` (a resource's read) cut to the data source's `schema`.
pub fn data_source_value(schema: &infra_core::Schema, value: Value) -> Value {
    match value {
        Value::Map(entries) => Value::Map(
            entries.into_iter().filter(|(key, _)| schema.attribute(key).is_some()).collect(),
        ),
        other => other,
    }
}

/// Whether an object's `tags` hold every pair of `wanted` (a data source's `tags` filter).
pub fn tags_match(tags: &[(String, String)], wanted: &Value) -> bool {
    match wanted.as_map() {
        None => true,
        Some(wanted) => wanted.iter().all(|(key, value)| {
            tags.iter().any(|(k, v)| k == key && value.as_str() == Some(v.as_str()))
        }),
    }
}

/// How many per-object reads a refresh keeps in flight for one type (reads that AWS has no
/// batch form for: IAM's `Get*`, target group attributes, VPC attributes). Below the smallest
/// burst of AWS's API rate limits (ELBv2: 40), so a refresh does not throttle itself.
pub const READS_IN_FLIGHT: usize = 8;

/// Runs the reads (one future per object), at most [`READS_IN_FLIGHT`] at a time; results in
/// input order, the first error wins. The futures are built before the first await (a
/// `Vec`), which keeps the caller's future `Send`, as the engine needs.
pub async fn read_each<T, Fut>(reads: Vec<Fut>) -> Result<Vec<T>, ProviderError>
where
    Fut: Future<Output = Result<T, ProviderError>>,
{
    use futures::{StreamExt, TryStreamExt};
    futures::stream::iter(reads).buffered(READS_IN_FLIGHT).try_collect().await
}

/// Each prior object's refreshed value, in the prior's order: the object `found` under its
/// `key` attribute, made a value by `value` (given the prior as the hint), or `None` (gone).
pub fn by_key<'f, T: 'f>(
    prior: &[Value],
    key: &str,
    found: impl Fn(&str) -> Option<&'f T>,
    value: impl Fn(&T, &Value) -> Value,
) -> Vec<Option<Value>> {
    prior.iter().map(|p| Some(value(found(&string(p, key)?)?, p))).collect()
}

/// The prior objects by their `key` attribute: the hints a reader of many objects takes.
pub fn hints_by<'p>(prior: &'p [Value], key: &str) -> BTreeMap<String, &'p Value> {
    prior.iter().filter_map(|p| Some((string(p, key)?, p))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_handles_escapes_at_the_end() {
        assert_eq!(percent_decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn tag_changes_ignore_managed_keys() {
        let prior = Value::map([(
            "tags_all",
            Value::map([("a", Value::string("1")), ("b", Value::string("2"))]),
        )]);
        let planned = Value::map([(
            "tags_all",
            Value::map([("a", Value::string("9")), ("infra:address", Value::string("x"))]),
        )]);
        let (set, remove) = tag_changes(&prior, &planned);
        assert_eq!(set, BTreeMap::from([("a".to_string(), "9".to_string())]));
        assert_eq!(remove, vec!["b".to_string()]);
    }
}
