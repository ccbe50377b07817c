//! Turning SDK errors into `ProviderError`s that carry the AWS error code.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use infra_core::{Cause, ProviderError};

/// Converts any SDK error, keeping the service's code (`InvalidVpcID.NotFound`) and the full
/// error chain in the message, and classifying it (see [`cause`]).
pub fn aws_error<E>(error: SdkError<E, HttpResponse>) -> ProviderError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = error.code().map(str::to_string);
    let message = match (error.message(), &error) {
        (Some(message), _) => message.to_string(),
        // Without the service's message, say what happened, not the SDK's debug dump.
        (None, SdkError::TimeoutError(_)) => "no answer within the timeout".to_string(),
        (None, SdkError::DispatchFailure(failure)) => match failure.as_connector_error() {
            Some(connector) => format!("the request could not be sent: {connector}"),
            None => "the request could not be sent".to_string(),
        },
        (None, SdkError::ResponseError(_)) => "the answer could not be read".to_string(),
        (None, SdkError::ServiceError(context)) => {
            format!("HTTP {} without an error message", context.raw().status().as_u16())
        }
        (None, _) => DisplayErrorContext(&error).to_string(),
    };
    let cause = cause(&error, code.as_deref());
    let request = error.raw_response().and_then(crate::call_log::request_id).map(|id| {
        match crate::call_log::failed_attempts(&id) {
            Some(attempts) if attempts > 1 => format!("request ID {id}, {attempts} attempts"),
            Some(_) => format!("request ID {id}, 1 attempt"),
            None => format!("request ID {id}"),
        }
    });
    ProviderError { code, message, cause, request }
}

/// Codes by which a service throttles (after the SDK's last retry).
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "PriorRequestNotComplete",
];

/// What the error says about the work asked for: no answer (a timeout, a lost connection, an
/// unreadable answer, a 5xx, throttling) leaves it unknown; a name or key that is taken is
/// "already exists" (IAM's `EntityAlreadyExists`, logs' `ResourceAlreadyExistsException`,
/// EC2's `InvalidGroup.Duplicate` and `InvalidSubnet.Conflict`, RDS's `…AlreadyExists`
/// faults and `DBProxyTargetAlreadyRegisteredFault`, ELBv2's `Duplicate…Name` and
/// `PriorityInUse`, …); anything else failed.
fn cause<E>(error: &SdkError<E, HttpResponse>, code: Option<&str>) -> Cause {
    match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            Cause::Unknown
        }
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            match code {
                _ if status >= 500 => Cause::Unknown,
                Some(code) if THROTTLING.contains(&code) => Cause::Unknown,
                Some(code) if is_already_exists(code) => Cause::AlreadyExists,
                _ => Cause::Failed,
            }
        }
        _ => Cause::Failed,
    }
}

fn is_already_exists(code: &str) -> bool {
    code.contains("AlreadyExists")
        || code.ends_with(".Duplicate")
        || code.starts_with("Duplicate")
        || matches!(
            code,
            "ResourceExistsException"
                | "InvalidSubnet.Conflict"
                | "BucketAlreadyOwnedByYou"
                | "EntityAlreadyExists"
                | "ParameterAlreadyExists"
                // ELBv2: a rule holds this priority on the listener (a rule's natural key).
                | "PriorityInUse"
                // RDS: the database is already a target of this proxy target group.
                | "DBProxyTargetAlreadyRegisteredFault"
        )
}

/// True for EC2's unmodeled "not found" codes (`InvalidVpcID.NotFound`, `InvalidGroup.NotFound`).
pub fn is_not_found(error: &ProviderError) -> bool {
    error.code.as_deref().is_some_and(|code| {
        code.ends_with(".NotFound")
            || code.ends_with("NotFound")
            || code.ends_with("NotFoundException")
            || code.ends_with("NotFoundFault")
    })
}

/// A request the SDK's builder refused (a required field left unset), as a provider error.
pub(crate) fn built<T>(
    result: Result<T, aws_smithy_types::error::operation::BuildError>,
) -> Result<T, ProviderError> {
    result.map_err(refused)
}

/// The SDK builder's refusal [`built`] reports, for a `map_err` inside a longer chain.
pub(crate) fn refused(error: aws_smithy_types::error::operation::BuildError) -> ProviderError {
    ProviderError::new(error.to_string())
}

/// A read's answer with a "not found" error ([`is_not_found`]) as `None`: the object is gone.
pub fn found_or_none<T>(answer: Result<T, ProviderError>) -> Result<Option<T>, ProviderError> {
    match answer {
        Ok(value) => Ok(Some(value)),
        Err(error) if is_not_found(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5xx whose body is no AWS error (a proxy's HTML page): the error says what happened,
    /// with the request ID and the attempts the call made, not the SDK's debug dump.
    #[test]
    fn an_error_without_a_message_says_what_happened_and_which_request() {
        use aws_sdk_ec2::operation::create_vpc::CreateVpcError;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;
        let mut raw = HttpResponse::new(
            StatusCode::try_from(500).unwrap(),
            SdkBody::from("<html>Internal Server Error</html>"),
        );
        raw.headers_mut().insert("x-amzn-RequestId", "req-500-test");
        crate::call_log::remember_attempts("req-500-test", 4);
        let error = aws_error(SdkError::service_error(
            CreateVpcError::generic(aws_smithy_types::error::ErrorMetadata::builder().build()),
            raw,
        ));
        assert_eq!(error.message, "HTTP 500 without an error message");
        assert_eq!(error.cause, Cause::Unknown);
        assert_eq!(
            error.to_string(),
            "HTTP 500 without an error message (request ID req-500-test, 4 attempts)"
        );
    }

    #[test]
    fn taken_names_are_already_exists() {
        for code in [
            "EntityAlreadyExists",
            "ResourceAlreadyExistsException",
            "InvalidGroup.Duplicate",
            "InvalidSubnet.Conflict",
            "DBInstanceAlreadyExists",
            "DuplicateLoadBalancerName",
            "DuplicateTargetGroupName",
            "RepositoryAlreadyExistsException",
            "ResourceExistsException",
            "BucketAlreadyOwnedByYou",
            "PriorityInUse",
            "DBProxyTargetAlreadyRegisteredFault",
        ] {
            assert!(is_already_exists(code), "{code}");
        }
        for code in ["InvalidParameterValue", "AccessDenied", "InvalidVpcID.NotFound"] {
            assert!(!is_already_exists(code), "{code}");
        }
    }
}
