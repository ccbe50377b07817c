//! What a provider call that failed says: the service's code and message, the request, and
//! the [`Cause`] the engine acts on.

use std::fmt;

/// A failed provider call, with the service's error code where it gave one.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderError {
    pub code: Option<String>,
    pub message: String,
    pub cause: Cause,
    /// Which request failed, as the provider can say it: the service's request ID and the
    /// number of attempts made ("request ID 7a3c…, 4 attempts"). Shown after the message.
    pub request: Option<String>,
}

/// What a failure says about the work the call asked for. The provider classifies its
/// errors; the engine acts on the class without knowing any service's codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cause {
    /// The call failed: nothing was done.
    #[default]
    Failed,
    /// No answer came (a timeout, a lost connection, a server error, throttling after the last
    /// retry): the work may have been done.
    Unknown,
    /// The object to create exists already: perhaps an earlier attempt whose answer was lost.
    AlreadyExists,
}

impl ProviderError {
    pub fn new(message: impl Into<String>) -> ProviderError {
        ProviderError { code: None, message: message.into(), cause: Cause::Failed, request: None }
    }
    pub fn with_code(code: impl Into<String>, message: impl Into<String>) -> ProviderError {
        ProviderError {
            code: Some(code.into()),
            message: message.into(),
            cause: Cause::Failed,
            request: None,
        }
    }
    pub fn with_cause(mut self, cause: Cause) -> ProviderError {
        self.cause = cause;
        self
    }
    /// The same error with what was being done in front of its message.
    pub fn context(mut self, doing: &str) -> ProviderError {
        self.message = format!("{doing}: {}", self.message);
        self
    }
}

impl ProviderError {
    /// Terraform's wording for a type without import support.
    pub fn not_importable(type_name: &str) -> ProviderError {
        ProviderError::new(format!("resource {type_name} doesn't support import"))
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message)?,
            None => f.write_str(&self.message)?,
        }
        match &self.request {
            Some(request) => write!(f, " ({request})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ProviderError {}
