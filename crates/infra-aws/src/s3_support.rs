//! Helpers for the S3 resource types: bucket names, domain names and hosted zones, emptying a
//! bucket for `force_destroy`, and [`BucketSubresource`], the one implementation behind the
//! split bucket resources (`aws_s3_bucket_versioning`, `_policy`, `_public_access_block`, ...).
//!
//! Each split resource is a bucket plus one sub-configuration that S3 puts, gets and deletes
//! as a whole (PutBucketVersioning / GetBucketVersioning / ...). A [`BucketConfig`] says how to
//! do those three for one kind and gives the kind's own schema; [`BucketSubresource`] adds the
//! `bucket` and `expected_bucket_owner` arguments, the ID (the bucket name, or
//! `bucket,expected_bucket_owner`, which is also the import ID), refresh, crash recovery and
//! import.

use std::collections::BTreeMap;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_s3::types::{Delete, Grantee, ObjectIdentifier, Type as GranteeType};
use infra_core::{
    Attribute, Creating, Deleting, ProviderError, ResourceType, Schema, Type, Updating, Value,
};

use crate::app_support::{non_empty, single, string, text, text_or_null};
use crate::clients::partition_of;
use crate::declared::read_in_turn;
use crate::error::{built, refused};
use crate::Aws;

/// One S3 call on a bucket, sent: `bucket_call!(client, get_bucket_cors(bucket))`, with the
/// request's further setters chained after the bucket (`.set_expected_bucket_owner(owner)`);
/// its error as a `ProviderError`. (A macro, not a function: each S3 operation's builder is a
/// type of its own, with no trait to name them by.)
///
/// `bucket_call!(at, get_bucket_cors())`, with a [`Target`] and empty parentheses, names the
/// target's bucket and its expected owner (none for the kinds without one).
macro_rules! bucket_call {
    ($at:expr, $call:ident() $(.$setter:ident($($value:expr),* $(,)?))*) => {
        $crate::s3_support::bucket_call!(
            $at.client,
            $call($at.bucket)
                .set_expected_bucket_owner($at.owner.clone())
                $(.$setter($($value),*))*
        )
    };
    ($client:expr, $call:ident($bucket:expr) $(.$setter:ident($($value:expr),* $(,)?))*) => {
        $client
            .$call()
            .bucket($bucket)
            $(.$setter($($value),*))*
            .send()
            .await
            .map_err($crate::error::aws_error)
    };
}
pub(crate) use bucket_call;

/// S3's "no such bucket" answers.
pub fn is_gone(error: &ProviderError) -> bool {
    crate::error::is_not_found(error)
        || matches!(error.code.as_deref(), Some("NoSuchBucket" | "NotFound" | "404"))
}

/// The Route 53 hosted zone of S3 website endpoints in a region, as the provider reports it.
pub fn hosted_zone_id(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "Z3AQBSTGFYJSTF",
        "us-east-2" => "Z2O1EMRO9K5GLX",
        "us-west-1" => "Z2F56UZL2M1ACD",
        "us-west-2" => "Z3BJ6K6RIION7M",
        "ca-central-1" => "Z1QDHH18159H29",
        "eu-west-1" => "Z1BKCTXD74EZPE",
        "eu-west-2" => "Z3GKZC51ZF0DB4",
        "eu-west-3" => "Z3R1K369G5AVDG",
        "eu-central-1" => "Z21DNDUVLTQW6Q",
        "eu-north-1" => "Z3BAZG2TWCNX0D",
        "eu-south-1" => "Z30OZKI7KPW7MI",
        "ap-south-1" => "Z11RGJOFQNVJUP",
        "ap-northeast-1" => "Z2M4EHUR26P7ZW",
        "ap-northeast-2" => "Z3W03O7B5YMIYP",
        "ap-northeast-3" => "Z2YQB5RD63NC85",
        "ap-southeast-1" => "Z3O0J2DXBE1FTB",
        "ap-southeast-2" => "Z1WCIGYICN2BYD",
        "ap-east-1" => "ZNB98KWMFR0R6",
        "sa-east-1" => "Z7KQH4QJS55SO",
        "me-south-1" => "Z1MPMWCPA7YB62",
        "af-south-1" => "Z83WF9RJE8B12",
        _ => return None,
    })
}

/// The computed attributes S3's names for a bucket fill ([`bucket_names`]), in the bucket
/// resource's and data source's schema order.
pub const BUCKET_NAMES: [&str; 5] =
    ["arn", "bucket_domain_name", "bucket_regional_domain_name", "bucket_region", "hosted_zone_id"];

/// The schema with [`BUCKET_NAMES`] added, computed.
pub fn with_bucket_names(schema: Schema) -> Schema {
    BUCKET_NAMES
        .into_iter()
        .fold(schema, |schema, name| schema.attr(Attribute::computed(name, Type::String)))
}

/// A bucket's names in `region`, as the provider derives them ([`BUCKET_NAMES`]): its ARN,
/// global and regional domain names, region and website hosted zone.
pub fn bucket_names(bucket: &str, region: &str) -> impl Iterator<Item = (&'static str, Value)> {
    let suffix = dns_suffix(region);
    let values = [
        Value::string(format!("arn:{}:s3:::{bucket}", partition_of(region))),
        Value::string(format!("{bucket}.s3.{suffix}")),
        Value::string(format!("{bucket}.s3.{region}.{suffix}")),
        Value::string(region),
        text(hosted_zone_id(region)),
    ];
    BUCKET_NAMES.into_iter().zip(values)
}

/// The DNS suffix of a partition's S3 endpoints.
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// Deletes every object version and delete marker in a bucket (for `force_destroy`), locked
/// objects too (`BypassGovernanceRetention`).
pub async fn empty_bucket(client: &aws_sdk_s3::Client, bucket: &str) -> Result<(), ProviderError> {
    let mut key_marker: Option<String> = None;
    let mut version_marker: Option<String> = None;
    loop {
        let page = match bucket_call!(
            client,
            list_object_versions(bucket)
                .set_key_marker(key_marker.clone())
                .set_version_id_marker(version_marker.clone())
        ) {
            Ok(page) => page,
            Err(error) if is_gone(&error) => return Ok(()),
            Err(error) => return Err(error),
        };
        let mut objects = Vec::new();
        for (key, version) in page
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(page.delete_markers().iter().map(|m| (m.key(), m.version_id())))
        {
            if let Some(key) = key {
                objects.push(
                    ObjectIdentifier::builder()
                        .key(key)
                        .set_version_id(version.filter(|v| *v != "null").map(str::to_string))
                        .build()
                        .map_err(refused)?,
                );
            }
        }
        for chunk in objects.chunks(1000) {
            let output = bucket_call!(
                client,
                delete_objects(bucket).bypass_governance_retention(true).delete(
                    Delete::builder()
                        .set_objects(Some(chunk.to_vec()))
                        .quiet(true)
                        .build()
                        .map_err(refused)?,
                )
            )?;
            if let Some(failed) = output.errors().first() {
                return Err(ProviderError::with_code(
                    failed.code().unwrap_or("DeleteObjectsError"),
                    format!(
                        "emptying S3 bucket {bucket}: object {}: {}",
                        failed.key().unwrap_or_default(),
                        failed.message().unwrap_or_default()
                    ),
                ));
            }
        }
        if page.is_truncated() != Some(true) {
            return Ok(());
        }
        key_marker = page.next_key_marker().map(str::to_string);
        version_marker = page.next_version_id_marker().map(str::to_string);
    }
}

/// The bucket a configuration's requests name: its `bucket` and, for the kinds that take one,
/// `expected_bucket_owner` (`aws_s3_bucket`'s inline settings name none).
pub struct Target<'a> {
    pub client: &'a aws_sdk_s3::Client,
    pub bucket: &'a str,
    pub owner: Option<String>,
}

impl<'a> Target<'a> {
    /// `bucket` without an expected owner.
    pub fn bucket(client: &'a aws_sdk_s3::Client, bucket: &'a str) -> Target<'a> {
        Target { client, bucket, owner: None }
    }
}

/// A configuration's own attributes, as read.
pub type Fields = BTreeMap<String, Value>;

/// `entries` as [`Fields`].
pub fn fields<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Fields {
    entries.into_iter().map(|(key, value)| (key.to_string(), value)).collect()
}

/// One kind of bucket sub-configuration, put, read and deleted as a whole.
pub trait BucketConfig: Send + Sync + Sized + 'static {
    /// The Terraform type name.
    const NAME: &'static str;
    /// Whether the type takes `expected_bucket_owner` (seven do; the policy, ownership
    /// controls, public access block and notification do not, and send no owner).
    const EXPECTED_OWNER: bool = true;
    /// The error code S3 answers when the bucket has no configuration of this kind (a read
    /// finds none, a delete has nothing left to do), for the kinds that have one.
    const NOT_CONFIGURED: Option<&'static str> = None;

    /// The resource type (what the registry holds).
    fn resource(aws: Arc<Aws>) -> BucketSubresource<Self> {
        BucketSubresource::new(aws)
    }

    /// The kind's own arguments and blocks (without `id`, `bucket`, `expected_bucket_owner`),
    /// and the provider's schema version for the type.
    fn schema() -> Schema;

    /// The provider's state upgrader from schema version `from` ([`ResourceType::upgrade_state`]).
    fn upgrade_state(_from: u64, value: Value) -> Result<Value, String> {
        Ok(value)
    }

    fn validate(_config: &Value) -> Vec<(String, String)> {
        vec![]
    }

    /// A read object (with the shared ID, `bucket,expected_bucket_owner`) with the kind's own
    /// ID, for a kind whose provider ID says more.
    fn identified(read: Value) -> Value {
        read
    }

    /// An import ID as `(bucket, expected_bucket_owner)` and the kind's own arguments it
    /// carries.
    fn parse_import(id: &str) -> Result<ImportId, ProviderError> {
        let (bucket, owner) = parse_sub_id(id)?;
        Ok((bucket, owner, vec![]))
    }

    /// Writes the configuration of `planned` to the bucket.
    fn put(
        at: &Target<'_>,
        planned: &Value,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;

    /// The bucket's configuration as the kind's attributes; `None` when the bucket has none
    /// (or is gone). `hint` is the prior or planned value (for JSON spelling, config-only
    /// arguments).
    fn get(
        at: &Target<'_>,
        hint: &Value,
    ) -> impl Future<Output = Result<Option<Fields>, ProviderError>> + Send;

    /// Removes the configuration (or puts back S3's default).
    fn delete(
        at: &Target<'_>,
        prior: &Value,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
}

/// An import ID read: the bucket, its expected owner, and the kind's own arguments.
pub type ImportId = (String, Option<String>, Vec<(&'static str, Value)>);

/// A split bucket resource: `bucket` plus one [`BucketConfig`].
pub struct BucketSubresource<C: BucketConfig> {
    aws: Arc<Aws>,
    schema: Schema,
    kind: PhantomData<C>,
}

impl<C: BucketConfig> BucketSubresource<C> {
    pub fn new(aws: Arc<Aws>) -> BucketSubresource<C> {
        // The kind's own schema after the shared arguments; everything else is the kind's.
        let own = C::schema();
        let mut shared = vec![
            Attribute::computed("id", Type::String),
            Attribute::required("bucket", Type::String).force_new(),
        ];
        if C::EXPECTED_OWNER {
            shared.push(Attribute::optional("expected_bucket_owner", Type::String).force_new());
        }
        shared.extend(own.attributes);
        let schema = Schema { attributes: shared, ..own };
        BucketSubresource { aws, schema, kind: PhantomData }
    }

    /// Whether `error` says the bucket, or its configuration of this kind, is not there.
    fn is_gone(error: &ProviderError) -> bool {
        is_gone(error) || C::NOT_CONFIGURED.is_some_and(|code| error.code.as_deref() == Some(code))
    }

    /// `bucket` as the requests name it, with `value`'s expected owner where the kind takes one.
    fn target<'a>(client: &'a aws_sdk_s3::Client, bucket: &'a str, value: &Value) -> Target<'a> {
        Target { client, bucket, owner: owner_of(value).filter(|_| C::EXPECTED_OWNER) }
    }

    /// `bucket`'s configuration of this kind, `value` the prior or planned object.
    async fn read(&self, bucket: String, value: &Value) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.s3;
        let owner = owner_of(value);
        let found = match C::get(&Self::target(client, &bucket, value), value).await {
            Ok(found) => found,
            Err(error) if Self::is_gone(&error) => None,
            Err(error) => return Err(error),
        };
        Ok(found.map(|mut object| {
            object.insert("id".into(), Value::string(sub_id(&bucket, owner.as_deref())));
            object.insert("bucket".into(), Value::string(&bucket));
            if C::EXPECTED_OWNER {
                object.insert(
                    "expected_bucket_owner".into(),
                    owner.map(Value::string).unwrap_or(Value::Null),
                );
            }
            C::identified(Value::Map(object))
        }))
    }

    async fn put(&self, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.s3;
        let bucket = string(planned, "bucket")
            .ok_or_else(|| ProviderError::new(format!("{} needs a known bucket", C::NAME)))?;
        C::put(&Self::target(client, &bucket, planned), planned).await?;
        self.read(bucket.clone(), planned)
            .await?
            .ok_or_else(|| crate::app_support::vanished(C::NAME, &bucket))
    }
}

fn owner_of(value: &Value) -> Option<String> {
    string(value, "expected_bucket_owner").filter(|o| !o.is_empty())
}

/// The ID (and import ID) of a split resource: `bucket`, or `bucket,expected_bucket_owner`.
pub fn sub_id(bucket: &str, owner: Option<&str>) -> String {
    match owner {
        Some(owner) => format!("{bucket},{owner}"),
        None => bucket.to_string(),
    }
}

/// An ID or import ID as `(bucket, expected_bucket_owner)`.
pub fn parse_sub_id(id: &str) -> Result<(String, Option<String>), ProviderError> {
    let mut parts = id.split(',');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(bucket), None, None) if !bucket.is_empty() => Ok((bucket.to_string(), None)),
        (Some(bucket), Some(owner), None) if !bucket.is_empty() && !owner.is_empty() => {
            Ok((bucket.to_string(), Some(owner.to_string())))
        }
        _ => Err(ProviderError::new(format!(
            "unexpected format for ID ({id}), expected BUCKET or BUCKET,EXPECTED_BUCKET_OWNER"
        ))),
    }
}

#[async_trait::async_trait]
impl<C: BucketConfig> ResourceType for BucketSubresource<C> {
    fn name(&self) -> &'static str {
        C::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        C::validate(config)
    }

    fn upgrade_state(&self, from: u64, value: Value) -> Result<Value, String> {
        C::upgrade_state(from, value)
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        self.put(at.planned).await
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        self.put(at.planned).await
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.s3;
        let Some(bucket) = string(at.prior, "bucket") else {
            return Ok(());
        };
        match C::delete(&Self::target(client, &bucket, at.prior), at.prior).await {
            Ok(()) => Ok(()),
            Err(error) if Self::is_gone(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_in_turn(prior, &["bucket"], |bucket, p| self.read(bucket, p)).await
    }

    /// Terraform's import ID: the bucket name, or `bucket,expected_bucket_owner` (and what
    /// else the kind's ID carries: [`BucketConfig::parse_import`]).
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (bucket, owner, own) = C::parse_import(id)?;
        let mut prior = vec![("id", Value::string(id)), ("bucket", Value::string(bucket))];
        if let Some(owner) = owner {
            prior.push(("expected_bucket_owner", Value::string(owner)));
        }
        prior.extend(own);
        Ok(Value::map(prior))
    }

    /// By natural key: the bucket's configuration of this kind, if it has one.
    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        match string(at.planned, "bucket") {
            Some(bucket) => self.read(bucket, at.planned).await,
            None => Ok(None),
        }
    }
}

/// A grant block's `grantee` (a bucket ACL's grant, a logging target grant) as S3 takes it;
/// none when the block has none.
pub fn grantee_of(grant: &Value) -> Result<Option<Grantee>, ProviderError> {
    single(grant, "grantee").map(grantee).transpose()
}

/// A grantee as S3 takes it. `display_name` is computed (and deprecated): S3 ignores it in
/// requests, so it is not sent.
fn grantee(value: &Value) -> Result<Grantee, ProviderError> {
    built(
        Grantee::builder()
            .set_email_address(non_empty(value, "email_address"))
            .set_id(non_empty(value, "id"))
            .r#type(GranteeType::from(string(value, "type").unwrap_or_default().as_str()))
            .set_uri(non_empty(value, "uri"))
            .build(),
    )
}

/// A grant (a bucket ACL's, a logging target's) as read: its grantee and permission.
pub fn grant_value(grantee: Option<&Grantee>, permission: Option<&str>) -> Value {
    Value::map([
        ("grantee", Value::List(grantee.map(grantee_value).into_iter().collect())),
        ("permission", text(permission)),
    ])
}

/// A grantee as read; empty strings (moto's answer for unset fields) read as unset.
fn grantee_value(grantee: &Grantee) -> Value {
    Value::map([
        ("display_name", text_or_null(grantee.display_name())),
        ("email_address", text_or_null(grantee.email_address())),
        ("id", text_or_null(grantee.id())),
        ("type", Value::string(grantee.r#type().as_str())),
        ("uri", text_or_null(grantee.uri())),
    ])
}

/// A bucket's website configuration as the provider's `website` block (`aws_s3_bucket`'s
/// deprecated inline setting) expands and flattens it, kept here for a split
/// `aws_s3_bucket_website_configuration` to share: `index_document`, `error_document`,
/// `redirect_all_requests_to` (a host name, or a URL whose scheme is the protocol) and
/// `routing_rules` (a JSON array of S3 `RoutingRule`s in the SDK's field names).
pub mod website {
    use aws_sdk_s3::types::{
        Condition, ErrorDocument, IndexDocument, Protocol, Redirect, RedirectAllRequestsTo,
        RoutingRule, WebsiteConfiguration,
    };
    use infra_core::{ProviderError, Value};
    use serde_json::{Map, Value as Json};

    use crate::app_support::non_empty;
    use crate::error::built;

    /// `text` as Go's `url.Parse` splits it, when it has a scheme: `(scheme, host, path,
    /// query)`; `None` for a bare host name.
    fn split_url(text: &str) -> Option<(&str, &str, &str, &str)> {
        let (scheme, rest) = text.split_once(':')?;
        let mut chars = scheme.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid {
            return None;
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (host, path) = match rest.strip_prefix("//") {
            Some(authority) => match authority.find('/') {
                Some(at) => authority.split_at(at),
                None => (authority, ""),
            },
            None => ("", ""),
        };
        Some((scheme, host, path, query))
    }

    /// `redirect_all_requests_to` as the provider expands it: a URL with a scheme is the
    /// protocol and a host name of its host, path and query; anything else the host name.
    pub fn redirect_all_requests_to(text: &str) -> Result<RedirectAllRequestsTo, ProviderError> {
        let builder = match split_url(text) {
            Some((scheme, host, path, query)) => {
                let query = if query.is_empty() { String::new() } else { format!("?{query}") };
                RedirectAllRequestsTo::builder()
                    .host_name(format!("{host}{path}{query}"))
                    .protocol(Protocol::from(scheme))
            }
            None => RedirectAllRequestsTo::builder().host_name(text),
        };
        built(builder.build())
    }

    /// One field of a routing rule's JSON object, matched without regard to case as Go's
    /// decoder matches struct fields; a string, or an error.
    fn field(object: &Map<String, Json>, name: &str) -> Result<Option<String>, ProviderError> {
        match object.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)) {
            None | Some((_, Json::Null)) => Ok(None),
            Some((_, Json::String(text))) => Ok(Some(text.clone())),
            Some((key, other)) => Err(ProviderError::new(format!(
                "routing_rules: {key} must be a string, not {other}"
            ))),
        }
    }

    fn object<'a>(
        rule: &'a Map<String, Json>,
        name: &str,
    ) -> Result<Option<&'a Map<String, Json>>, ProviderError> {
        match rule.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)) {
            None | Some((_, Json::Null)) => Ok(None),
            Some((_, Json::Object(object))) => Ok(Some(object)),
            Some((key, other)) => Err(ProviderError::new(format!(
                "routing_rules: {key} must be an object, not {other}"
            ))),
        }
    }

    /// `routing_rules` (a JSON array) as S3's routing rules, as the provider decodes it into
    /// the SDK's `[]RoutingRule`.
    pub fn routing_rules(text: &str) -> Result<Vec<RoutingRule>, ProviderError> {
        let rules: Vec<Map<String, Json>> = serde_json::from_str(text)
            .map_err(|e| ProviderError::new(format!("routing_rules: {e}")))?;
        let mut out = Vec::with_capacity(rules.len());
        for rule in &rules {
            let condition = match object(rule, "Condition")? {
                Some(c) => Some(
                    Condition::builder()
                        .set_http_error_code_returned_equals(field(
                            c,
                            "HttpErrorCodeReturnedEquals",
                        )?)
                        .set_key_prefix_equals(field(c, "KeyPrefixEquals")?)
                        .build(),
                ),
                None => None,
            };
            let redirect = match object(rule, "Redirect")? {
                Some(r) => Some(
                    Redirect::builder()
                        .set_host_name(field(r, "HostName")?)
                        .set_http_redirect_code(field(r, "HttpRedirectCode")?)
                        .set_protocol(
                            field(r, "Protocol")?
                                .filter(|p| !p.is_empty())
                                .map(|p| Protocol::from(p.as_str())),
                        )
                        .set_replace_key_prefix_with(field(r, "ReplaceKeyPrefixWith")?)
                        .set_replace_key_with(field(r, "ReplaceKeyWith")?)
                        .build(),
                ),
                None => None,
            };
            out.push(
                RoutingRule::builder().set_condition(condition).set_redirect(redirect).build(),
            );
        }
        Ok(out)
    }

    /// The website configuration a `website` block (`index_document`, `error_document`,
    /// `redirect_all_requests_to`, `routing_rules`) sends, each empty one left out.
    pub fn configuration(block: &Value) -> Result<WebsiteConfiguration, ProviderError> {
        let mut builder = WebsiteConfiguration::builder();
        if let Some(suffix) = non_empty(block, "index_document") {
            builder =
                builder.index_document(built(IndexDocument::builder().suffix(suffix).build())?);
        }
        if let Some(key) = non_empty(block, "error_document") {
            builder = builder.error_document(built(ErrorDocument::builder().key(key).build())?);
        }
        if let Some(redirect) = non_empty(block, "redirect_all_requests_to") {
            builder = builder.redirect_all_requests_to(redirect_all_requests_to(&redirect)?);
        }
        if let Some(rules) = non_empty(block, "routing_rules") {
            builder = builder.set_routing_rules(Some(routing_rules(&rules)?));
        }
        Ok(builder.build())
    }

    /// S3's routing rules as the provider stores them: the SDK's structs as Go's encoder
    /// writes them (field names, keys sorted), nulls removed; a redirect's `Protocol` (a Go
    /// string enum, never null) stays, `""` when unset.
    pub fn routing_rules_json(rules: &[RoutingRule]) -> String {
        let text = |value: Option<&str>| value.map(|v| Json::String(v.to_string()));
        let object = |entries: Vec<(&str, Option<Json>)>| {
            Json::Object(
                entries.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))).collect(),
            )
        };
        let rules: Vec<Json> = rules
            .iter()
            .map(|rule| {
                let condition = rule.condition().map(|c| {
                    object(vec![
                        ("HttpErrorCodeReturnedEquals", text(c.http_error_code_returned_equals())),
                        ("KeyPrefixEquals", text(c.key_prefix_equals())),
                    ])
                });
                let redirect = rule.redirect().map(|r| {
                    object(vec![
                        ("HostName", text(r.host_name())),
                        ("HttpRedirectCode", text(r.http_redirect_code())),
                        (
                            "Protocol",
                            Some(Json::String(
                                r.protocol().map(|p| p.as_str()).unwrap_or("").to_string(),
                            )),
                        ),
                        ("ReplaceKeyPrefixWith", text(r.replace_key_prefix_with())),
                        ("ReplaceKeyWith", text(r.replace_key_with())),
                    ])
                });
                object(vec![("Condition", condition), ("Redirect", redirect)])
            })
            .collect();
        Json::Array(rules).to_string()
    }

    /// A GetBucketWebsite answer as the provider flattens it into the `website` block: the
    /// arguments S3 reported (the redirect as `protocol://host` when it has a protocol); `None`
    /// when the answer holds nothing.
    pub fn block(
        index_document: Option<&IndexDocument>,
        error_document: Option<&ErrorDocument>,
        redirect: Option<&RedirectAllRequestsTo>,
        rules: &[RoutingRule],
    ) -> Option<Value> {
        let mut entries = Vec::new();
        if let Some(index) = index_document {
            entries.push(("index_document", Value::string(index.suffix())));
        }
        if let Some(error) = error_document {
            entries.push(("error_document", Value::string(error.key())));
        }
        if let Some(redirect) = redirect {
            let host = redirect.host_name();
            let text = match redirect.protocol() {
                Some(protocol) if !protocol.as_str().is_empty() => {
                    format!("{}://{host}", protocol.as_str())
                }
                _ => host.to_string(),
            };
            entries.push(("redirect_all_requests_to", Value::string(text)));
        }
        if !rules.is_empty() {
            entries.push(("routing_rules", Value::string(routing_rules_json(rules))));
        }
        (!entries.is_empty()).then(|| Value::map(entries))
    }

    /// The bucket's website endpoint and domain in `region`, as the provider derives them: the
    /// older regions' `s3-website-REGION.amazonaws.com`, the others'
    /// `s3-website.REGION.DNS_SUFFIX`.
    pub fn endpoint_and_domain(bucket: &str, region: &str) -> (String, String) {
        const DASHED: &[&str] = &[
            "ap-northeast-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "eu-west-1",
            "sa-east-1",
            "us-east-1",
            "us-gov-west-1",
            "us-west-1",
            "us-west-2",
        ];
        let region = if region.is_empty() { "us-east-1" } else { region };
        let domain = if DASHED.contains(&region) {
            format!("s3-website-{region}.amazonaws.com")
        } else {
            format!("s3-website.{region}.{}", super::dns_suffix(region))
        };
        (format!("{bucket}.{domain}"), domain)
    }
}

/// A grant to S3's log delivery group, in a grant block's shape (for the ACL's and logging's
/// tests).
#[cfg(test)]
pub(crate) fn log_delivery_grant(permission: &str) -> Value {
    Value::map([
        (
            "grantee",
            Value::List(vec![Value::map([
                ("type", Value::string("Group")),
                ("uri", Value::string("http://acs.amazonaws.com/groups/s3/LogDelivery")),
            ])]),
        ),
        ("permission", Value::string(permission)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_ids_carry_the_expected_owner() {
        assert_eq!(sub_id("logs", None), "logs");
        assert_eq!(sub_id("logs", Some("123")), "logs,123");
        assert_eq!(parse_sub_id("logs").unwrap(), ("logs".to_string(), None));
        assert_eq!(
            parse_sub_id("logs,123").unwrap(),
            ("logs".to_string(), Some("123".to_string()))
        );
        assert!(parse_sub_id("a,b,c").is_err());
        assert!(parse_sub_id("").is_err());
    }

    /// A `website` block goes out as the provider expands it (a redirect URL split into
    /// protocol and host, routing rules decoded with Go's case-blind field names) and reads
    /// back as it flattens the answer (the rules in the SDK's field names, `Protocol` `""`
    /// when unset); the endpoint follows the region's naming.
    #[test]
    fn websites_are_expanded_and_flattened_as_the_provider_does() {
        let block = Value::map([
            ("index_document", Value::string("index.html")),
            ("error_document", Value::string("")),
            (
                "routing_rules",
                Value::string(
                    r#"[{"condition":{"KeyPrefixEquals":"docs/"},"Redirect":{"ReplaceKeyPrefixWith":"documents/"}}]"#,
                ),
            ),
        ]);
        let sent = website::configuration(&block).unwrap();
        assert_eq!(sent.index_document().map(|i| i.suffix()), Some("index.html"));
        assert!(sent.error_document().is_none(), "an empty one is left out");
        let rule = &sent.routing_rules()[0];
        assert_eq!(rule.condition().and_then(|c| c.key_prefix_equals()), Some("docs/"));
        assert_eq!(
            website::routing_rules_json(sent.routing_rules()),
            r#"[{"Condition":{"KeyPrefixEquals":"docs/"},"Redirect":{"Protocol":"","ReplaceKeyPrefixWith":"documents/"}}]"#
        );
        assert!(website::routing_rules(r#"[{"Redirect":{"HostName":1}}]"#).is_err());

        let redirect = website::redirect_all_requests_to("https://example.com/path?x=1").unwrap();
        assert_eq!(redirect.host_name(), "example.com/path?x=1");
        assert_eq!(redirect.protocol().map(|p| p.as_str()), Some("https"));
        let bare = website::redirect_all_requests_to("example.com").unwrap();
        assert_eq!((bare.host_name(), bare.protocol()), ("example.com", None));
        let read = website::block(None, None, Some(&redirect), &[]).unwrap();
        assert_eq!(
            read.get("redirect_all_requests_to").as_str(),
            Some("https://example.com/path?x=1")
        );
        assert!(read.get("index_document").is_null());
        assert!(website::block(None, None, None, &[]).is_none());

        assert_eq!(
            website::endpoint_and_domain("site", "us-east-1"),
            (
                "site.s3-website-us-east-1.amazonaws.com".to_string(),
                "s3-website-us-east-1.amazonaws.com".to_string()
            )
        );
        assert_eq!(
            website::endpoint_and_domain("site", "eu-central-1").1,
            "s3-website.eu-central-1.amazonaws.com"
        );
        assert_eq!(
            website::endpoint_and_domain("site", "cn-north-1").1,
            "s3-website.cn-north-1.amazonaws.com.cn"
        );
    }

    #[test]
    fn hosted_zones_are_known_for_common_regions() {
        assert_eq!(hosted_zone_id("us-east-1"), Some("Z3AQBSTGFYJSTF"));
        assert_eq!(hosted_zone_id("nowhere-1"), None);
    }
}
