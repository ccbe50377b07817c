//! The `s3` backend of `data "terraform_remote_state"`: the state object at `key` (or
//! `<workspace_key_prefix>/<workspace>/<key>` for another workspace) in `bucket`, read with
//! the standard credential chain in the backend's `region`, as Terraform's S3 backend lays it
//! out. Settings that only matter for writing are accepted; settings that would change where or
//! how the object is read and that infra does not implement are refused, never ignored.

use crate::ProviderSettings;
use infra_core::{ProviderError, StateReader, Value};

use crate::error::aws_error;
use crate::s3_backend::workspace_key;
use crate::Aws;

/// Settings of Terraform's S3 backend that change nothing about reading a state.
const WRITE_ONLY_SETTINGS: &[&str] = &[
    "encrypt",
    "use_lockfile",
    "dynamodb_table",
    "kms_key_id",
    "acl",
    "skip_credentials_validation",
    "skip_region_validation",
    "skip_metadata_api_check",
    "skip_requesting_account_id",
    "skip_s3_checksum",
    "use_path_style",
    "force_path_style",
];

pub struct S3StateReader;

#[async_trait::async_trait]
impl StateReader for S3StateReader {
    async fn read(
        &self,
        config: &Value,
        workspace: &str,
    ) -> Result<Option<(Vec<u8>, String)>, ProviderError> {
        let setting = |name: &str| config.get(name).as_str().map(str::to_string);
        for key in config.as_map().into_iter().flat_map(|m| m.keys()) {
            let known =
                matches!(key.as_str(), "bucket" | "key" | "region" | "workspace_key_prefix")
                    || WRITE_ONLY_SETTINGS.contains(&key.as_str());
            if !known {
                return Err(ProviderError::new(format!(
                    "terraform_remote_state: the s3 backend's \"{key}\" is not supported by \
                     infra (it reads with the standard AWS credential chain and \
                     AWS_ENDPOINT_URL)"
                )));
            }
        }
        let required = |name: &str| {
            setting(name).ok_or_else(|| {
                ProviderError::new(format!(
                    "terraform_remote_state: the s3 backend needs \"{name}\" in config"
                ))
            })
        };
        let bucket = required("bucket")?;
        let key = workspace_key(
            &setting("workspace_key_prefix").unwrap_or_else(|| "env:".to_string()),
            workspace,
            &required("key")?,
        );
        let aws = Aws::new(ProviderSettings { region: setting("region"), ..Default::default() });
        let clients = aws.clients().await;
        let location = format!("s3://{bucket}/{key}");
        match clients.s3.get_object().bucket(&bucket).key(&key).send().await {
            Ok(output) => {
                let bytes = output
                    .body
                    .collect()
                    .await
                    .map_err(|error| {
                        ProviderError::new(format!(
                            "terraform_remote_state: reading {location}: {error}"
                        ))
                    })?
                    .into_bytes();
                Ok(Some((bytes.to_vec(), location)))
            }
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => Ok(None),
            Err(error) => Err(aws_error(error).context(&format!("reading {location}"))),
        }
    }
}
