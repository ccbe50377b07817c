//! Turning SDK errors into `ProviderError`s that carry the AWS error code.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use infra_core::ProviderError;

/// Converts any SDK error, keeping the service's code (`InvalidVpcID.NotFound`) and the full
/// error chain in the message.
pub fn aws_error<E, R>(error: SdkError<E, R>) -> ProviderError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let code = error.code().map(str::to_string);
    let message = match error.message() {
        Some(message) => message.to_string(),
        None => DisplayErrorContext(&error).to_string(),
    };
    ProviderError { code, message }
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
