//! `data "terraform_remote_state"`: the root outputs of another configuration's state, read
//! from its backend as Terraform's built-in provider reads them. Any v4 state reads, whoever
//! wrote it (Terraform, OpenTofu, infra), and infra's own format 1. Sensitive outputs stay
//! sensitive; `defaults` fills outputs the state lacks.
//!
//! Backends: `local` here (`path`, `workspace_dir`, as Terraform's local backend lays them
//! out), and any other a [`StateReader`] is registered for (infra-aws registers `s3`). An
//! encrypted state is refused: the `remote_state_data_sources` encryption target is not
//! supported yet (`crates/infra-config/src/encryption.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, StateReader, Type, Value};

pub struct TerraformRemoteState {
    schema: Schema,
    backends: BTreeMap<&'static str, Arc<dyn StateReader>>,
}

impl TerraformRemoteState {
    /// The data source with the `local` backend and `others` (`("s3", reader)`).
    pub fn new(others: Vec<(&'static str, Arc<dyn StateReader>)>) -> TerraformRemoteState {
        let schema = Schema::new()
            .attr(Attribute::required("backend", Type::String))
            .attr(Attribute::optional("config", Type::Any))
            .attr(Attribute::optional("defaults", Type::Any))
            .attr(Attribute::optional("workspace", Type::String).default(Value::string("default")))
            .attr(Attribute::computed("outputs", Type::Any));
        let mut backends: BTreeMap<&'static str, Arc<dyn StateReader>> = BTreeMap::new();
        backends.insert("local", Arc::new(LocalStateReader));
        backends.extend(others);
        TerraformRemoteState { schema, backends }
    }
}

#[async_trait::async_trait]
impl DataSourceType for TerraformRemoteState {
    fn name(&self) -> &'static str {
        "terraform_remote_state"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let backend = config.get("backend").as_str().unwrap_or_default();
        let reader = self.backends.get(backend).ok_or_else(|| {
            ProviderError::new(format!(
                "terraform_remote_state: backend \"{backend}\" is not supported; infra reads {}",
                self.backends
                    .keys()
                    .map(|name| format!("\"{name}\""))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ))
        })?;
        let workspace = config.get("workspace").as_str().unwrap_or("default");
        let backend_config = config.get("config").unmark_deep();
        let mut outputs: BTreeMap<String, Value> =
            config.get("defaults").as_map().cloned().unwrap_or_default();
        let stored = reader.read(&backend_config, workspace).await?;
        if stored.is_none() && workspace != "default" {
            // Terraform's wording: a default workspace with no state reads as no outputs.
            return Err(ProviderError::new(format!(
                "terraform_remote_state: Unable to find remote state: no stored state was found \
                 for the workspace \"{workspace}\" in the given backend"
            )));
        }
        if let Some((bytes, location)) = stored {
            if infra_state::encryption::is_encrypted(&bytes) {
                return Err(ProviderError::new(format!(
                    "terraform_remote_state: {location} is encrypted, and infra does not \
                     decrypt remote states yet (the `remote_state_data_sources` target)"
                )));
            }
            let state = infra_state::format::decode(&bytes, &location)
                .map_err(|error| ProviderError::new(format!("terraform_remote_state: {error}")))?;
            for (name, output) in state.outputs {
                let value =
                    if output.sensitive { output.value.mark_sensitive() } else { output.value };
                outputs.insert(name, value);
            }
        }
        let mut object = crate::support::object_of(config);
        object.insert("outputs".into(), Value::Map(outputs));
        Ok(Value::Map(object))
    }
}

/// Terraform's local backend: `path` (default `terraform.tfstate`) for the default workspace,
/// `<workspace_dir>/<workspace>/terraform.tfstate` (default `terraform.tfstate.d`) for others,
/// relative to the working directory.
struct LocalStateReader;

#[async_trait::async_trait]
impl StateReader for LocalStateReader {
    async fn read(
        &self,
        config: &Value,
        workspace: &str,
    ) -> Result<Option<(Vec<u8>, String)>, ProviderError> {
        if let Some(entries) = config.as_map() {
            if let Some(key) =
                entries.keys().find(|key| !matches!(key.as_str(), "path" | "workspace_dir"))
            {
                return Err(ProviderError::new(format!(
                    "terraform_remote_state: the local backend has no setting \"{key}\" \
                     (it takes \"path\" and \"workspace_dir\")"
                )));
            }
        }
        let path = if workspace == "default" {
            config.get("path").as_str().unwrap_or("terraform.tfstate").to_string()
        } else {
            let dir = config.get("workspace_dir").as_str().unwrap_or("terraform.tfstate.d");
            format!("{dir}/{workspace}/terraform.tfstate")
        };
        match std::fs::read(&path) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(None),
            Ok(bytes) => Ok(Some((bytes, path))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => {
                Err(ProviderError::new(format!("terraform_remote_state: reading {path}: {error}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_outputs_of_a_terraform_state_with_defaults_and_sensitive_marks() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("network.tfstate");
        std::fs::write(
            &path,
            r#"{"version": 4, "terraform_version": "1.9.0", "serial": 3, "lineage": "l",
                "outputs": {
                  "vpc_id": {"value": "vpc-1", "type": "string"},
                  "db_password": {"value": "pw", "type": "string", "sensitive": true}
                },
                "resources": [], "check_results": null}"#,
        )
        .unwrap();
        let data = TerraformRemoteState::new(vec![]);
        let config = Value::map([
            ("backend", Value::string("local")),
            ("config", Value::map([("path", Value::string(path.display().to_string()))])),
            (
                "defaults",
                Value::map([
                    ("vpc_id", Value::string("default-vpc")),
                    ("region", Value::string("eu-west-1")),
                ]),
            ),
            ("workspace", Value::string("default")),
        ]);
        let read = data.read(&config).await.unwrap();
        let outputs = read.get("outputs");
        assert_eq!(outputs.get("vpc_id"), &Value::string("vpc-1"));
        assert_eq!(outputs.get("region"), &Value::string("eu-west-1"));
        assert!(outputs.get("db_password").is_sensitive());
    }

    #[tokio::test]
    async fn a_missing_state_gives_the_defaults_and_unknown_backends_are_refused() {
        let data = TerraformRemoteState::new(vec![]);
        let config = Value::map([
            ("backend", Value::string("local")),
            ("config", Value::map([("path", Value::string("/nonexistent/terraform.tfstate"))])),
            ("defaults", Value::map([("a", Value::string("b"))])),
        ]);
        let read = data.read(&config).await.unwrap();
        assert_eq!(read.get("outputs").get("a"), &Value::string("b"));
        let config = Value::map([("backend", Value::string("consul"))]);
        let error = data.read(&config).await.unwrap_err().to_string();
        assert!(error.contains("\"consul\" is not supported"), "{error}");
        let config = Value::map([
            ("backend", Value::string("local")),
            ("config", Value::map([("bucket", Value::string("x"))])),
        ]);
        let error = data.read(&config).await.unwrap_err().to_string();
        assert!(error.contains("no setting \"bucket\""), "{error}");
    }
}
