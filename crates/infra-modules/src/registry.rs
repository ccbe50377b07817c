//! The client side of Terraform's module registry protocol: service discovery
//! (`https://HOST/.well-known/terraform.json`, `modules.v1`) unless the CLI configuration has a
//! `host` block for the host, the versions list (`<base>/NS/NAME/PROVIDER/versions`) and the
//! download location (`<base>/NS/NAME/PROVIDER/VERSION/download`, answered with 204 and
//! `X-Terraform-Get`, resolved against the download URL). A host's token goes, as
//! `Authorization: Bearer`, to that host's discovery and registry calls only.

use crate::cli_config::CliConfig;
use crate::http::{body_excerpt, Http};
use crate::source::RegistrySource;
use crate::url;
use crate::version::Version;
use std::collections::HashMap;

/// The service id of the module registry protocol.
pub const MODULES_SERVICE: &str = "modules.v1";

/// A registry call that failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("failed to discover the services of host \"{host}\" at {url}: {message}")]
    Discovery { host: String, url: String, message: String },
    #[error("host \"{host}\" does not provide a module registry (its discovery document has no \"modules.v1\")")]
    NoModuleRegistry { host: String },
    #[error("module \"{module}\" was not found in its registry ({url} answered 404)")]
    NotFound { module: String, url: String },
    #[error("the registry at \"{host}\" refused access to \"{module}\" (HTTP {status}): {hint}")]
    Unauthorized { module: String, host: String, status: u16, hint: String },
    #[error("{url} answered HTTP {status}: {body}")]
    Status { url: String, status: u16, body: String },
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
    #[error("{url} answered with an unexpected document: {message}")]
    BadResponse { url: String, message: String },
    #[error("the registry gave no download location for \"{module}\" {version} (no X-Terraform-Get header at {url})")]
    NoLocation { module: String, version: String, url: String },
}

/// Asks module registries about modules, caching each host's base URL.
pub struct RegistryClient<'a> {
    http: &'a Http,
    config: &'a CliConfig,
    bases: HashMap<String, String>,
}

impl<'a> RegistryClient<'a> {
    pub fn new(http: &'a Http, config: &'a CliConfig) -> RegistryClient<'a> {
        RegistryClient { http, config, bases: HashMap::new() }
    }

    /// The `modules.v1` base URL of `host`: from a `host` block, else from discovery over HTTPS.
    pub fn modules_base(&mut self, host: &str) -> Result<String, RegistryError> {
        if let Some(base) = self.bases.get(host) {
            return Ok(base.clone());
        }
        let base = match self.config.host_services(host) {
            Some(services) => services
                .get(MODULES_SERVICE)
                .cloned()
                .ok_or_else(|| RegistryError::NoModuleRegistry { host: host.to_string() })?,
            None => self.discover(host, &format!("https://{host}/.well-known/terraform.json"))?,
        };
        let base = if base.ends_with('/') { base } else { format!("{base}/") };
        self.bases.insert(host.to_string(), base.clone());
        Ok(base)
    }

    /// Service discovery for `host` from the document at `document_url` (normally
    /// `https://HOST/.well-known/terraform.json`): the `modules.v1` URL, resolved against the
    /// document's URL.
    pub fn discover(&mut self, host: &str, document_url: &str) -> Result<String, RegistryError> {
        let discovery_error = |message: String| RegistryError::Discovery {
            host: host.to_string(),
            url: document_url.to_string(),
            message,
        };
        let mut response = self
            .http
            .get(document_url, self.config.token(host))
            .map_err(|error| discovery_error(error.message))?;
        let status = response.status().as_u16();
        if status == 404 {
            return Err(RegistryError::NoModuleRegistry { host: host.to_string() });
        }
        if status != 200 {
            return Err(discovery_error(format!("HTTP {status}: {}", body_excerpt(&mut response))));
        }
        let document: serde_json::Value = read_json(&mut response, document_url)
            .map_err(|error| discovery_error(error.to_string()))?;
        let Some(object) = document.as_object() else {
            return Err(discovery_error("the document is not a JSON object".into()));
        };
        match object.get(MODULES_SERVICE) {
            Some(serde_json::Value::String(base)) => Ok(url::resolve(document_url, base)),
            Some(_) => Err(discovery_error(format!("\"{MODULES_SERVICE}\" is not a URL string"))),
            None => Err(RegistryError::NoModuleRegistry { host: host.to_string() }),
        }
    }

    /// The versions the registry offers for `source` (unparseable ones are skipped, as
    /// Terraform does).
    pub fn versions(&mut self, source: &RegistrySource) -> Result<Vec<Version>, RegistryError> {
        let base = self.modules_base(&source.host)?;
        let url =
            format!("{base}{}/{}/{}/versions", source.namespace, source.name, source.provider);
        let mut response = self.call(source, &url)?;
        let document: VersionsResponse = read_json(&mut response, &url)?;
        let module =
            document.modules.into_iter().next().ok_or_else(|| RegistryError::BadResponse {
                url: url.clone(),
                message: "the \"modules\" list is empty".into(),
            })?;
        Ok(module.versions.iter().filter_map(|entry| Version::parse(&entry.version).ok()).collect())
    }

    /// Where to download `version` of `source` from: the `X-Terraform-Get` location (or the
    /// JSON `location` of a 200 answer), resolved against the download URL when it is relative.
    pub fn download_location(
        &mut self,
        source: &RegistrySource,
        version: &Version,
    ) -> Result<String, RegistryError> {
        let base = self.modules_base(&source.host)?;
        let url = format!(
            "{base}{}/{}/{}/{}/download",
            source.namespace,
            source.name,
            source.provider,
            version.original()
        );
        let mut response = self.call(source, &url)?;
        let header = response
            .headers()
            .get("X-Terraform-Get")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let location = match header {
            Some(location) if !location.is_empty() => location,
            _ => {
                let body: Option<serde_json::Value> = read_json(&mut response, &url).ok();
                body.as_ref()
                    .and_then(|b| b.get("location"))
                    .and_then(|l| l.as_str())
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| RegistryError::NoLocation {
                        module: source.package(),
                        version: version.to_string(),
                        url: url.clone(),
                    })?
            }
        };
        if location.starts_with('/') || location.starts_with("./") || location.starts_with("../") {
            Ok(url::resolve(&url, &location))
        } else {
            Ok(location)
        }
    }

    fn call(
        &mut self,
        source: &RegistrySource,
        url: &str,
    ) -> Result<ureq::http::Response<ureq::Body>, RegistryError> {
        let token = self.config.token(&source.host);
        let mut response = self.http.get(url, token)?;
        let status = response.status().as_u16();
        match status {
            200 | 204 => Ok(response),
            404 => Err(RegistryError::NotFound { module: source.package(), url: url.to_string() }),
            401 | 403 => Err(RegistryError::Unauthorized {
                module: source.package(),
                host: source.host.clone(),
                status,
                hint: if token.is_some() {
                    format!("the token configured for {} was not accepted", source.host)
                } else {
                    format!(
                        "no token is configured for {}; set TF_TOKEN_{} or add a credentials \"{}\" block to the CLI configuration",
                        source.host,
                        source.host.replace('-', "__").replace('.', "_"),
                        source.host
                    )
                },
            }),
            _ => Err(RegistryError::Status {
                url: url.to_string(),
                status,
                body: body_excerpt(&mut response),
            }),
        }
    }
}

#[derive(serde::Deserialize)]
struct VersionsResponse {
    modules: Vec<ModuleVersions>,
}

#[derive(serde::Deserialize)]
struct ModuleVersions {
    #[serde(default)]
    versions: Vec<VersionEntry>,
}

#[derive(serde::Deserialize)]
struct VersionEntry {
    version: String,
}

fn read_json<T: serde::de::DeserializeOwned>(
    response: &mut ureq::http::Response<ureq::Body>,
    url: &str,
) -> Result<T, RegistryError> {
    let text = response.body_mut().with_config().limit(16 * 1024 * 1024).read_to_string().map_err(
        |error| RegistryError::BadResponse { url: url.to_string(), message: error.to_string() },
    )?;
    serde_json::from_str(&text).map_err(|error| RegistryError::BadResponse {
        url: url.to_string(),
        message: format!("not the expected JSON: {error}"),
    })
}
