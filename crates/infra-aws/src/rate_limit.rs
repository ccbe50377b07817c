//! A client-side rate limiter that keeps infra's requests inside AWS's published request token
//! buckets, so that a refresh or apply of a large stack waits here a little instead of being
//! throttled, backing off and retrying.
//!
//! [`buckets`] is the table, with its sources (`rate_buckets.json`). A request takes one token
//! from its bucket; an empty bucket makes the request wait until the refill gives it one. The
//! buckets are per process: AWS counts per account and region, so other clients of the same
//! account still share AWS's bucket, and a throttled request is then retried by the SDK's
//! retry mode (`adaptive` also slows the client down; see `clients.rs`).
//!
//! How it is wired: [`TagBucket`], an interceptor, names each request's bucket from the
//! operation's metadata in a header, and [`RateLimitedClient`] wraps the HTTP client: it takes
//! the header off (it never reaches AWS) and waits for a token before sending.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The header that carries a request's bucket from [`TagBucket`] to [`RateLimitedClient`].
const BUCKET_HEADER: &str = "x-infra-rate-bucket";

/// A token bucket: at most `capacity` requests at once, `refill_per_second` more each second.
#[derive(Clone, Copy, Debug, PartialEq, serde::Deserialize)]
pub struct Bucket {
    pub capacity: f64,
    pub refill_per_second: f64,
}

/// How a row of the table applies: one bucket per operation (EC2 evaluates each API on its
/// own), or one bucket the whole service shares.
#[derive(Clone, Copy, Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    PerOperation,
    Shared,
}

/// One row: the service (the SDK's service name), which operations (by name prefix; empty for
/// all), the bucket, and whether each operation has its own.
#[derive(Debug, serde::Deserialize)]
pub struct Row {
    pub service: String,
    pub operations: Vec<String>,
    #[serde(flatten)]
    pub bucket: Bucket,
    pub scope: Scope,
}

#[derive(serde::Deserialize)]
struct Table {
    buckets: Vec<Row>,
}

/// AWS's published request buckets, with their sources: `rate_buckets.json`, the one table
/// that this limiter and the test-support fault proxy (which throttles as AWS does, for the
/// refresh bench) both read.
const TABLE: &str = include_str!("rate_buckets.json");

/// The table's rows, first matching row wins. A table that does not parse limits nothing (a
/// unit test keeps it parsing).
pub fn buckets() -> &'static [Row] {
    static ROWS: std::sync::OnceLock<Vec<Row>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        serde_json::from_str::<Table>(TABLE).map(|table| table.buckets).unwrap_or_default()
    })
}

/// The bucket of an operation, and the key its tokens are counted under; `None` when the
/// service is not limited.
pub fn bucket_of(service: &str, operation: &str) -> Option<(String, Bucket)> {
    let row = buckets().iter().find(|row| {
        row.service == service
            && (row.operations.is_empty()
                || row.operations.iter().any(|prefix| operation.starts_with(prefix.as_str())))
    })?;
    let key = match row.scope {
        Scope::PerOperation => format!("{service}/{operation}"),
        Scope::Shared => service.to_string(),
    };
    Some((key, row.bucket))
}

#[derive(Debug)]
struct Level {
    tokens: f64,
    at: Instant,
}

/// The buckets' levels, shared by every client of one provider configuration.
#[derive(Debug, Default)]
pub struct RateLimiter {
    levels: Mutex<HashMap<String, Level>>,
}

/// The part of each bucket the limiter leaves to AWS: requests paced exactly at the refill
/// rate arrive a little bunched by the network now and then, and would find AWS's bucket a
/// fraction of a token short. Keeping a tenth of the burst in reserve absorbs that: the bench
/// through a proxy that throttles as AWS does saw 1 of 696 requests throttled without it
/// (BENCHMARKS.md §2).
const RESERVE: f64 = 0.1;

impl RateLimiter {
    /// Takes a token from `key`'s bucket at `now`: how long to wait before sending (zero when a
    /// token is there). The token is taken at once, so concurrent requests queue up in order.
    /// The bucket holds its capacity less the [`RESERVE`].
    pub fn take(&self, key: &str, bucket: Bucket, now: Instant) -> Duration {
        let Ok(mut levels) = self.levels.lock() else {
            return Duration::ZERO;
        };
        let capacity = bucket.capacity * (1.0 - RESERVE);
        let level = levels.entry(key.to_string()).or_insert(Level { tokens: capacity, at: now });
        let elapsed = now.saturating_duration_since(level.at).as_secs_f64();
        level.tokens = (level.tokens + elapsed * bucket.refill_per_second).min(capacity);
        level.at = now;
        level.tokens -= 1.0;
        if level.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-level.tokens / bucket.refill_per_second)
        }
    }
}

/// A wait for a token at least this long is logged (at debug).
const LONG_WAIT: Duration = Duration::from_secs(2);

/// Names each request's bucket in [`BUCKET_HEADER`], from the operation's metadata.
#[derive(Debug, Clone)]
pub struct TagBucket;

impl Intercept for TagBucket {
    fn name(&self) -> &'static str {
        "TagBucket"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(metadata) = cfg.load::<Metadata>() {
            let label = format!("{}|{}", metadata.service(), metadata.name());
            context.request_mut().headers_mut().insert(BUCKET_HEADER, label);
        }
        Ok(())
    }
}

/// The HTTP client, with every request waiting for its bucket's token first.
#[derive(Debug, Clone)]
pub struct RateLimitedClient {
    inner: SharedHttpClient,
    limiter: Arc<RateLimiter>,
}

impl RateLimitedClient {
    pub fn new(inner: SharedHttpClient, limiter: Arc<RateLimiter>) -> RateLimitedClient {
        RateLimitedClient { inner, limiter }
    }
}

impl HttpClient for RateLimitedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(RateLimitedConnector {
            inner: self.inner.http_connector(settings, components),
            limiter: self.limiter.clone(),
        })
    }
}

#[derive(Debug)]
struct RateLimitedConnector {
    inner: SharedHttpConnector,
    limiter: Arc<RateLimiter>,
}

impl HttpConnector for RateLimitedConnector {
    fn call(&self, mut request: HttpRequest) -> HttpConnectorFuture {
        let label = request.headers_mut().remove(BUCKET_HEADER).map(|value| value.to_string());
        let wait = label
            .as_deref()
            .and_then(|label| label.split_once('|'))
            .and_then(|(service, operation)| bucket_of(service, operation))
            .map(|(key, bucket)| self.limiter.take(&key, bucket, Instant::now()))
            .unwrap_or(Duration::ZERO);
        let inner = self.inner.clone();
        HttpConnectorFuture::new(async move {
            if !wait.is_zero() {
                // A long wait has nothing on the wire: said at debug, so that a request held
                // here reads apart from one AWS is slow to answer (a burst of N calls to one
                // bucket holds the last about N / the refill rate).
                if wait >= LONG_WAIT {
                    tracing::debug!(
                        bucket = label.as_deref().unwrap_or_default(),
                        wait_seconds = wait.as_secs_f64(),
                        "holding a request for its rate-limit bucket's token"
                    );
                }
                tokio::time::sleep(wait).await;
            }
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(capacity: f64, refill_per_second: f64) -> Bucket {
        Bucket { capacity, refill_per_second }
    }

    #[test]
    fn the_table_parses() {
        assert_eq!(
            buckets().len(),
            4,
            "rate_buckets.json: {:?}",
            serde_json::from_str::<Table>(TABLE).err()
        );
    }

    #[test]
    fn each_ec2_api_has_its_own_bucket_and_elb_shares_one() {
        let (describe, bucket) = bucket_of("EC2", "DescribeVpcs").unwrap();
        assert_eq!((describe.as_str(), bucket), ("EC2/DescribeVpcs", self::bucket(100.0, 20.0)));
        assert_ne!(bucket_of("EC2", "DescribeSubnets").unwrap().0, describe);
        assert_eq!(bucket_of("EC2", "CreateVpc"), None);
        let elb = bucket_of("Elastic Load Balancing v2", "DescribeTargetGroups").unwrap();
        let elb_write = bucket_of("Elastic Load Balancing v2", "ModifyListener").unwrap();
        assert_eq!(elb.0, elb_write.0, "one bucket for all ELB calls");
        assert_eq!(bucket_of("ECS", "DescribeServices").unwrap().1, self::bucket(100.0, 20.0));
        assert_eq!(bucket_of("RDS", "DescribeDBInstances").unwrap().1, self::bucket(300.0, 12.0));
        assert_eq!(bucket_of("Lambda", "GetFunction"), None);
    }

    #[test]
    fn a_full_bucket_lets_its_capacity_less_the_reserve_through_then_paces_at_the_refill_rate() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        let elb = self::bucket(40.0, 10.0);
        // 36 at once: 40 less the reserve of a tenth.
        let waits: Vec<Duration> = (0..38).map(|_| limiter.take("elb", elb, start)).collect();
        assert!(waits[..36].iter().all(Duration::is_zero));
        assert_eq!(waits[36], Duration::from_millis(100));
        assert_eq!(waits[37], Duration::from_millis(200));
        // A second later ten tokens are back; two of them are owed already.
        let later = start + Duration::from_secs(1);
        let waits: Vec<Duration> = (0..9).map(|_| limiter.take("elb", elb, later)).collect();
        assert!(waits[..8].iter().all(Duration::is_zero), "{waits:?}");
        assert_eq!(waits[8], Duration::from_millis(100));
        // Other buckets are not touched.
        assert_eq!(limiter.take("other", elb, start), Duration::ZERO);
    }

    /// Records the header names of the requests it is given, and answers 200.
    #[derive(Debug, Default, Clone)]
    struct Recorder(Arc<Mutex<Vec<Vec<String>>>>);

    impl HttpConnector for Recorder {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let names = request.headers().iter().map(|(k, _)| k.to_string()).collect();
            if let Ok(mut seen) = self.0.lock() {
                seen.push(names);
            }
            let status = aws_smithy_runtime_api::http::StatusCode::try_from(200).unwrap();
            HttpConnectorFuture::ready(Ok(
                aws_smithy_runtime_api::client::orchestrator::HttpResponse::new(
                    status,
                    aws_smithy_types::body::SdkBody::empty(),
                ),
            ))
        }
    }

    #[test]
    fn the_bucket_header_never_reaches_aws() {
        let recorder = Recorder::default();
        let connector = RateLimitedConnector {
            inner: SharedHttpConnector::new(recorder.clone()),
            limiter: Arc::default(),
        };
        let mut request = HttpRequest::new(aws_smithy_types::body::SdkBody::empty());
        request.headers_mut().insert(BUCKET_HEADER, "EC2|DescribeVpcs");
        request.headers_mut().insert("x-amz-date", "20261123T000000Z");
        futures::executor::block_on(connector.call(request)).unwrap();
        let seen = recorder.0.lock().unwrap().clone();
        assert_eq!(seen, vec![vec!["x-amz-date".to_string()]]);
    }
}
