//! The per-user CLI configuration that module installation reads, as Terraform does:
//! `TF_CLI_CONFIG_FILE` (or `~/.terraformrc`) with `host "NAME" { services = { … } }` blocks that
//! replace service discovery for a host and `credentials "HOST" { token = "…" }` blocks;
//! `~/.terraform.d/credentials.tfrc.json` (written by `terraform login`); and `TF_TOKEN_<host>`
//! environment variables (`.` written `_`, `-` written `__`), which win over the files. Other
//! settings of the file are ignored. Tokens are never shown: this type's `Debug` redacts them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why the CLI configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CliConfigError {
    #[error("cannot read the CLI configuration file {}: {error}", path.display())]
    Read { path: PathBuf, error: std::io::Error },
    #[error("the CLI configuration file {} is not valid HCL: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("the CLI configuration file {}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// Hosts' service overrides and API tokens.
#[derive(Clone, Default)]
pub struct CliConfig {
    /// host (lower case) → service id (`modules.v1`) → URL.
    hosts: BTreeMap<String, BTreeMap<String, String>>,
    /// host (lower case) → token.
    tokens: BTreeMap<String, String>,
    files: Vec<PathBuf>,
}

impl fmt::Debug for CliConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CliConfig")
            .field("hosts", &self.hosts)
            .field(
                "tokens",
                &self
                    .tokens
                    .keys()
                    .map(|host| (host.as_str(), "<redacted>"))
                    .collect::<BTreeMap<_, _>>(),
            )
            .field("files", &self.files)
            .finish()
    }
}

impl CliConfig {
    /// An empty configuration: discovery for every host, no tokens.
    pub fn new() -> CliConfig {
        CliConfig::default()
    }

    /// The configuration of this process: its environment and the user's home directory.
    pub fn load() -> Result<CliConfig, CliConfigError> {
        let env: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let home = std::env::var_os("HOME").map(PathBuf::from);
        CliConfig::load_from(&env, home.as_deref())
    }

    /// The configuration given an environment and a home directory: the file named by
    /// `TF_CLI_CONFIG_FILE` (or the older `TERRAFORM_CONFIG`), else `HOME/.terraformrc`; then
    /// `HOME/.terraform.d/credentials.tfrc.json`; then `TF_TOKEN_…` variables. A file that does
    /// not exist is skipped, as Terraform does.
    pub fn load_from(
        env: &[(String, String)],
        home: Option<&Path>,
    ) -> Result<CliConfig, CliConfigError> {
        let variable = |name: &str| {
            env.iter()
                .rev()
                .find(|(key, value)| key == name && !value.is_empty())
                .map(|(_, value)| PathBuf::from(value))
        };
        let main_file = variable("TF_CLI_CONFIG_FILE")
            .or_else(|| variable("TERRAFORM_CONFIG"))
            .or_else(|| home.map(|home| home.join(".terraformrc")));
        let mut config = CliConfig::new();
        if let Some(home) = home {
            let credentials = home.join(".terraform.d/credentials.tfrc.json");
            if credentials.is_file() {
                config.merge(CliConfig::read_file(&credentials)?);
            }
        }
        if let Some(path) = main_file {
            if path.is_file() {
                config.merge(CliConfig::read_file(&path)?);
            }
        }
        Ok(config.with_env_tokens(env))
    }

    /// Reads one CLI configuration file: HCL, or JSON when its name ends in `.json`.
    pub fn read_file(path: &Path) -> Result<CliConfig, CliConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| CliConfigError::Read { path: path.to_path_buf(), error })?;
        let mut config = if path.extension().is_some_and(|e| e == "json") {
            CliConfig::parse_json(&text, path)?
        } else {
            CliConfig::parse(&text, path)?
        };
        config.files.push(path.to_path_buf());
        Ok(config)
    }

    /// Reads the HCL text of a CLI configuration file (`path` is named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<CliConfig, CliConfigError> {
        use hcl_edit::structure::Structure;
        let invalid =
            |message: String| CliConfigError::Invalid { path: path.to_path_buf(), message };
        // Only the position and message: the error's snippet could show a token.
        let body = hcl_edit::parser::parse_body(text).map_err(|error| CliConfigError::Parse {
            path: path.to_path_buf(),
            message: located_message(&error),
        })?;
        let mut config = CliConfig::new();
        for structure in body.iter() {
            let Structure::Block(block) = structure else {
                continue;
            };
            let kind = block.ident.value().as_str();
            if kind != "host" && kind != "credentials" {
                continue;
            }
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let [host] = labels[..] else {
                return Err(invalid(format!(
                    "a \"{kind}\" block needs exactly one label, the host name"
                )));
            };
            let host = host.to_lowercase();
            if kind == "credentials" {
                let Some(token) = block.body.get_attribute("token") else {
                    continue;
                };
                let Some(token) = token.value.as_str() else {
                    return Err(invalid(format!(
                        "the token of credentials \"{host}\" must be a literal string"
                    )));
                };
                config.tokens.insert(host, token.to_string());
                continue;
            }
            let Some(services) = block.body.get_attribute("services") else {
                continue;
            };
            let Some(object) = services.value.as_object() else {
                return Err(invalid(format!(
                    "\"services\" of host \"{host}\" must be an object of service ids and URLs"
                )));
            };
            let entry = config.hosts.entry(host.clone()).or_default();
            for (key, value) in object.iter() {
                let id = match key {
                    hcl_edit::expr::ObjectKey::Ident(ident) => Some(ident.value().to_string()),
                    hcl_edit::expr::ObjectKey::Expression(expr) => {
                        expr.as_str().map(str::to_string)
                    }
                };
                let (Some(id), Some(url)) = (id, value.expr().as_str()) else {
                    return Err(invalid(format!(
                        "\"services\" of host \"{host}\" must map literal service ids to literal URLs"
                    )));
                };
                entry.insert(id, url.to_string());
            }
        }
        Ok(config)
    }

    /// Reads the JSON form (`{"credentials": {"HOST": {"token": "…"}}, "host": {…}}`), as
    /// `terraform login` writes to `credentials.tfrc.json`.
    pub fn parse_json(text: &str, path: &Path) -> Result<CliConfig, CliConfigError> {
        let invalid =
            |message: String| CliConfigError::Invalid { path: path.to_path_buf(), message };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|error| CliConfigError::Parse {
                path: path.to_path_buf(),
                message: format!(
                    "line {}, column {}: {:?}",
                    error.line(),
                    error.column(),
                    error.classify()
                ),
            })?;
        let mut config = CliConfig::new();
        if let Some(credentials) = value.get("credentials").and_then(|c| c.as_object()) {
            for (host, entry) in credentials {
                match entry.get("token") {
                    Some(serde_json::Value::String(token)) => {
                        config.tokens.insert(host.to_lowercase(), token.clone());
                    }
                    Some(_) => {
                        return Err(invalid(format!(
                            "the token of credentials \"{host}\" must be a string"
                        )))
                    }
                    None => {}
                }
            }
        }
        if let Some(hosts) = value.get("host").and_then(|h| h.as_object()) {
            for (host, entry) in hosts {
                let Some(services) = entry.get("services").and_then(|s| s.as_object()) else {
                    continue;
                };
                let target = config.hosts.entry(host.to_lowercase()).or_default();
                for (id, url) in services {
                    let Some(url) = url.as_str() else {
                        return Err(invalid(format!(
                            "service \"{id}\" of host \"{host}\" must be a URL string"
                        )));
                    };
                    target.insert(id.clone(), url.to_string());
                }
            }
        }
        Ok(config)
    }

    /// Adds the tokens of `TF_TOKEN_<host>` variables, which win over the files. In the name,
    /// `__` stands for `-` and `_` for `.`; the last of several for one host wins.
    pub fn with_env_tokens(mut self, env: &[(String, String)]) -> CliConfig {
        for (name, value) in env {
            let Some(raw) = name.strip_prefix("TF_TOKEN_") else {
                continue;
            };
            if raw.is_empty() || value.is_empty() {
                continue;
            }
            let host = raw.replace("__", "-").replace('_', ".").to_lowercase();
            self.tokens.insert(host, value.clone());
        }
        self
    }

    /// Sets the token for `host` (as a `credentials` block would).
    pub fn with_token(mut self, host: &str, token: &str) -> CliConfig {
        self.tokens.insert(host.to_lowercase(), token.to_string());
        self
    }

    /// Overrides discovery of `service` (`modules.v1`) at `host` (as a `host` block would).
    pub fn with_service(mut self, host: &str, service: &str, url: &str) -> CliConfig {
        self.hosts
            .entry(host.to_lowercase())
            .or_default()
            .insert(service.to_string(), url.to_string());
        self
    }

    /// The API token for `host`, if any. Sent only as `Authorization: Bearer` to that host.
    pub fn token(&self, host: &str) -> Option<&str> {
        self.tokens.get(&host.to_lowercase()).map(String::as_str)
    }

    /// The services a `host` block gives for `host`, replacing discovery, if there is one.
    pub fn host_services(&self, host: &str) -> Option<&BTreeMap<String, String>> {
        self.hosts.get(&host.to_lowercase())
    }

    /// The files read, in order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    fn merge(&mut self, other: CliConfig) {
        for (host, services) in other.hosts {
            self.hosts.entry(host).or_default().extend(services);
        }
        self.tokens.extend(other.tokens);
        self.files.extend(other.files);
    }
}

/// A parse error's position and message, without its snippet (which could show a token):
/// `line L, column C: message`.
pub(crate) fn located_message(error: &hcl_edit::parser::Error) -> String {
    format!(
        "line {}, column {}: {}",
        error.location().line(),
        error.location().column(),
        error.message()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
plugin_cache_dir = "/tmp/x"

host "Registry.Test" {
  services = {
    "modules.v1" = "http://127.0.0.1:1234/v1/modules/"
  }
}

credentials "registry.test" {
  token = "from-file"
}

provider_installation {
  direct {}
}
"#;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_host_and_credentials_blocks() {
        let config = CliConfig::parse(FILE, Path::new("rc")).unwrap();
        assert_eq!(
            config.host_services("registry.test").unwrap()["modules.v1"],
            "http://127.0.0.1:1234/v1/modules/"
        );
        assert_eq!(config.token("REGISTRY.test"), Some("from-file"));
        assert_eq!(config.token("other.test"), None);
    }

    #[test]
    fn env_tokens_win_and_decode_the_host() {
        let config = CliConfig::parse(FILE, Path::new("rc")).unwrap().with_env_tokens(&env(&[
            ("TF_TOKEN_registry_test", "from-env"),
            ("TF_TOKEN_my__registry_example_com", "dashed"),
            ("TF_TOKEN_xn--caf-dma.fr", "direct"),
            ("TF_TOKEN_", "ignored"),
            ("OTHER", "x"),
        ]));
        assert_eq!(config.token("registry.test"), Some("from-env"));
        assert_eq!(config.token("my-registry.example.com"), Some("dashed"));
        assert_eq!(config.token("xn--caf-dma.fr"), Some("direct"));
    }

    #[test]
    fn load_from_reads_the_named_file_then_env() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("custom.tfrc");
        std::fs::write(&rc, FILE).unwrap();
        let config = CliConfig::load_from(
            &env(&[("TF_CLI_CONFIG_FILE", rc.to_str().unwrap())]),
            Some(dir.path()),
        )
        .unwrap();
        assert_eq!(config.token("registry.test"), Some("from-file"));
        assert_eq!(config.files(), std::slice::from_ref(&rc));

        // Without TF_CLI_CONFIG_FILE: ~/.terraformrc and credentials.tfrc.json.
        std::fs::write(
            dir.path().join(".terraformrc"),
            "host \"a.test\" {\n  services = { \"modules.v1\" = \"https://a.test/m/\" }\n}\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join(".terraform.d")).unwrap();
        std::fs::write(
            dir.path().join(".terraform.d/credentials.tfrc.json"),
            r#"{"credentials": {"a.test": {"token": "logged-in"}}}"#,
        )
        .unwrap();
        let config = CliConfig::load_from(&[], Some(dir.path())).unwrap();
        assert_eq!(config.token("a.test"), Some("logged-in"));
        assert!(config.host_services("a.test").is_some());

        // A missing file is skipped, as Terraform does.
        let config =
            CliConfig::load_from(&env(&[("TF_CLI_CONFIG_FILE", "/nonexistent/rc")]), None).unwrap();
        assert!(config.files().is_empty());
    }

    #[test]
    fn debug_never_shows_a_token() {
        let config = CliConfig::new().with_token("registry.test", "s3cr3t-token");
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cr3t-token"), "{shown}");
        assert!(shown.contains("registry.test"));
    }

    #[test]
    fn bad_files_are_errors_naming_the_file() {
        let error = CliConfig::parse("host {", Path::new("/x/rc")).unwrap_err();
        assert!(error.to_string().contains("/x/rc"), "{error}");
        let error =
            CliConfig::parse("credentials \"a.test\" { token = var.x }", Path::new("/x/rc"))
                .unwrap_err();
        assert!(error.to_string().contains("a.test"), "{error}");
        let error =
            CliConfig::parse("host \"a.test\" { services = 1 }", Path::new("rc")).unwrap_err();
        assert!(error.to_string().contains("services"), "{error}");
    }
}
