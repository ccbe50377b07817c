//! One log event per AWS call, after the SDK is done with it (retries included): service,
//! operation, HTTP status, request ID, attempts and duration. The event is emitted inside the
//! caller's span, so the engine's `operation{address=...}` span names the resource.
//!
//! Nothing of the request or response body is logged but the request ID: bodies can hold
//! secrets (a DB password, a secret string).

use std::collections::HashMap;
use std::time::Instant;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

#[derive(Debug, Clone)]
pub(crate) struct LogCalls;

#[derive(Debug, Clone)]
struct CallStarted(Instant);
impl Storable for CallStarted {
    type Storer = StoreReplace<Self>;
}

#[derive(Debug, Clone)]
struct Attempts(u32);
impl Storable for Attempts {
    type Storer = StoreReplace<Self>;
}

impl Intercept for LogCalls {
    fn name(&self) -> &'static str {
        "LogCalls"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(CallStarted(Instant::now()));
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempts = cfg.load::<Attempts>().map_or(0, |a| a.0) + 1;
        cfg.interceptor_state().store_put(Attempts(attempts));
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) =
            cfg.load::<Metadata>().map_or(("", ""), |m| (m.service(), m.name()));
        let duration_ms =
            cfg.load::<CallStarted>().map_or(0, |started| started.0.elapsed().as_millis() as u64);
        let attempts = cfg.load::<Attempts>().map_or(0, |a| a.0);
        let response = context.response();
        let status = response.map_or(0, |r| r.status().as_u16());
        let request_id = response.and_then(request_id).unwrap_or_default();
        let error = match context.output_or_error() {
            Some(Err(error)) => {
                Some(aws_smithy_types::error::display::DisplayErrorContext(error).to_string())
            }
            _ => None,
        };
        if error.is_some() && !request_id.is_empty() {
            remember_attempts(&request_id, attempts);
        }
        tracing::debug!(
            target: "infra::aws",
            service,
            operation,
            status,
            request_id,
            attempts,
            duration_ms,
            error = error.as_deref(),
            "{}",
            if error.is_some() { "AWS call failed" } else { "AWS call" }
        );
        Ok(())
    }
}

/// How many attempts each recently failed call made, by request ID, for the error that the
/// caller turns it into (`crate::error::aws_error`): the SDK's error does not carry it.
static FAILED_ATTEMPTS: std::sync::LazyLock<std::sync::Mutex<HashMap<String, u32>>> =
    std::sync::LazyLock::new(Default::default);

pub(crate) fn remember_attempts(request_id: &str, attempts: u32) {
    let mut failed = FAILED_ATTEMPTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Errors that no caller reads are not kept for long.
    if failed.len() >= 1024 {
        failed.clear();
    }
    failed.insert(request_id.to_string(), attempts);
}

/// The attempts the failed call with `request_id` made, once.
pub(crate) fn failed_attempts(request_id: &str) -> Option<u32> {
    FAILED_ATTEMPTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(request_id)
}

/// The request ID AWS gave the call: a header for JSON and REST protocols (`x-amzn-RequestId`,
/// S3's `x-amz-request-id`), the body's `RequestId` element for the Query protocols (EC2's
/// `requestId`).
pub(crate) fn request_id(response: &HttpResponse) -> Option<String> {
    let headers = response.headers();
    if let Some(id) =
        ["x-amzn-requestid", "x-amz-request-id"].iter().find_map(|name| headers.get(*name))
    {
        return Some(id.to_string());
    }
    let body = std::str::from_utf8(response.body().bytes()?).ok()?;
    ["<RequestId>", "<requestId>"].iter().find_map(|open| {
        let start = body.find(open)? + open.len();
        let length = body[start..].find('<')?;
        Some(body[start..start + length].trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    fn response(headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let mut response =
            HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body.to_string()));
        for (name, value) in headers {
            response.headers_mut().insert(name.to_string(), value.to_string());
        }
        response
    }

    #[test]
    fn the_request_id_comes_from_the_header_else_the_query_protocol_body() {
        let header = response(&[("x-amzn-RequestId", "abc-1")], "{}");
        assert_eq!(request_id(&header).as_deref(), Some("abc-1"));
        let s3 = response(&[("x-amz-request-id", "S3ID")], "");
        assert_eq!(request_id(&s3).as_deref(), Some("S3ID"));
        let ec2 = response(
            &[],
            "<DescribeVpcsResponse><requestId>e-42</requestId></DescribeVpcsResponse>",
        );
        assert_eq!(request_id(&ec2).as_deref(), Some("e-42"));
        let rds = response(
            &[],
            "<X><ResponseMetadata><RequestId> r-7 </RequestId></ResponseMetadata></X>",
        );
        assert_eq!(request_id(&rds).as_deref(), Some("r-7"));
        assert_eq!(request_id(&response(&[], "{}")), None);
    }
}
