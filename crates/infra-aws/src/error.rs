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
    let message = match error.message() {
        Some(message) => message.to_string(),
        None => DisplayErrorContext(&error).to_string(),
    };
    let cause = cause(&error, code.as_deref());
    ProviderError {
        code,
        message,
        cause,
    }
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
/// faults, ELBv2's `Duplicate…Name` and `PriorityInUse`, …); anything else failed.
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

#[cfg(test)]
mod tests {
    use super::*;

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
        ] {
            assert!(is_already_exists(code), "{code}");
        }
        for code in [
            "InvalidParameterValue",
            "AccessDenied",
            "InvalidVpcID.NotFound",
        ] {
            assert!(!is_already_exists(code), "{code}");
        }
    }
}
