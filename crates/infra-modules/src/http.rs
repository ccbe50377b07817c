//! The one HTTP client module installation uses (ureq, rustls): status codes come back as
//! values rather than errors, redirects drop the `Authorization` header, and a token is only
//! ever put in that header, never in a message.

use std::time::Duration;

/// A failed HTTP exchange (no response, or a body that could not be read).
#[derive(Debug, thiserror::Error)]
#[error("request to {url} failed: {message}")]
pub struct HttpError {
    pub url: String,
    pub message: String,
}

/// A shared agent for discovery, registry calls and archive downloads.
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
}

impl Default for Http {
    fn default() -> Self {
        Http::new()
    }
}

impl Http {
    pub fn new() -> Http {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_recv_body(Some(Duration::from_secs(600)))
            .user_agent(concat!("infra/", env!("CARGO_PKG_VERSION")))
            .build();
        Http { agent: config.new_agent() }
    }

    /// `GET url`, with `Authorization: Bearer <token>` when a token is given.
    pub fn get(
        &self,
        url: &str,
        token: Option<&str>,
    ) -> Result<ureq::http::Response<ureq::Body>, HttpError> {
        let mut request = self.agent.get(url);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        request
            .call()
            .map_err(|error| HttpError { url: url.to_string(), message: error.to_string() })
    }
}

/// The first part of a response body, for an error message.
pub(crate) fn body_excerpt(response: &mut ureq::http::Response<ureq::Body>) -> String {
    let text = response.body_mut().with_config().limit(4096).read_to_string().unwrap_or_default();
    let text = text.trim();
    let mut excerpt: String = text.chars().take(200).collect();
    if excerpt.len() < text.len() {
        excerpt.push('…');
    }
    excerpt
}
