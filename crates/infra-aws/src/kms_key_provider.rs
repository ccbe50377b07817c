//! `key_provider "aws_kms"` of the `encryption` block: each run asks KMS for a new data key
//! (GenerateDataKey), encrypts with its plaintext and stores its encrypted copy beside the
//! file; a file is opened by asking KMS to decrypt that copy (Decrypt). The metadata is
//! OpenTofu's: `{"ciphertext_blob": "<base64>", "encryption_context": {...}}`.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use base64::Engine;
use infra_state::encryption::KeyProvider;
use tokio::runtime::Handle;

use crate::error::aws_error;
use crate::Aws;

pub struct KmsKeyProvider {
    aws: Arc<Aws>,
    key_id: String,
    key_spec: DataKeySpec,
    encryption_context: BTreeMap<String, String>,
    runtime: Handle,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct KmsMeta {
    ciphertext_blob: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    encryption_context: BTreeMap<String, String>,
}

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The data key specs GenerateDataKey takes.
pub const KEY_SPECS: [&str; 2] = ["AES_256", "AES_128"];

impl KmsKeyProvider {
    /// `key_spec` is one of [`KEY_SPECS`] (checked by the caller, with the location).
    pub fn new(
        aws: Arc<Aws>,
        key_id: String,
        key_spec: &str,
        encryption_context: BTreeMap<String, String>,
    ) -> KmsKeyProvider {
        KmsKeyProvider {
            aws,
            key_id,
            key_spec: DataKeySpec::from(key_spec),
            encryption_context,
            runtime: Handle::current(),
        }
    }

    fn context(
        &self,
        context: &BTreeMap<String, String>,
    ) -> Option<std::collections::HashMap<String, String>> {
        (!context.is_empty()).then(|| context.clone().into_iter().collect())
    }
}

impl KeyProvider for KmsKeyProvider {
    fn encryption_key(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        let generated = crate::s3_backend::block_on(&self.runtime, async {
            self.aws
                .clients()
                .await
                .kms
                .generate_data_key()
                .key_id(&self.key_id)
                .key_spec(self.key_spec.clone())
                .set_encryption_context(self.context(&self.encryption_context))
                .send()
                .await
        })
        .map_err(|error| error.to_string())?
        .map_err(|error| {
            format!("KMS GenerateDataKey with {}: {}", self.key_id, aws_error(error))
        })?;
        let (Some(plaintext), Some(blob)) = (generated.plaintext(), generated.ciphertext_blob())
        else {
            return Err("KMS GenerateDataKey returned no key".to_string());
        };
        let meta = KmsMeta {
            ciphertext_blob: BASE64.encode(blob.as_ref()),
            encryption_context: self.encryption_context.clone(),
        };
        let meta = serde_json::to_vec(&meta).map_err(|error| error.to_string())?;
        Ok((plaintext.as_ref().to_vec(), meta))
    }

    fn decryption_key(&self, stored: &[u8]) -> Result<Vec<u8>, String> {
        let meta: KmsMeta = serde_json::from_slice(stored).map_err(|error| {
            format!("unable to decode encrypted metadata (did you change your encryption config?): {error}")
        })?;
        let blob = BASE64
            .decode(&meta.ciphertext_blob)
            .map_err(|error| format!("invalid ciphertext_blob in the stored metadata: {error}"))?;
        let decrypted = crate::s3_backend::block_on(&self.runtime, async {
            self.aws
                .clients()
                .await
                .kms
                .decrypt()
                .key_id(&self.key_id)
                .ciphertext_blob(Blob::new(blob))
                .set_encryption_context(self.context(&meta.encryption_context))
                .send()
                .await
        })
        .map_err(|error| error.to_string())?
        .map_err(|error| format!("KMS Decrypt with {}: {}", self.key_id, aws_error(error)))?;
        decrypted
            .plaintext()
            .map(|key| key.as_ref().to_vec())
            .ok_or_else(|| "KMS Decrypt returned no key".to_string())
    }
}
