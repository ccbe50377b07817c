//! State and plan files encrypted at rest, as OpenTofu does it (its `encryption` block), in
//! OpenTofu's file format, so either tool reads the other's files:
//!
//! ```json
//! {"serial":3,"lineage":"…","meta":{"key_provider.pbkdf2.k":"<base64 of the provider's JSON>"},
//!  "encrypted_data":"<base64 of nonce ‖ ciphertext ‖ tag>","encryption_version":"v0"}
//! ```
//!
//! A plan file has no `serial` and `lineage`. The method is AES-GCM (RustCrypto's `aes-gcm`,
//! a 12-byte random nonce, the 16-byte tag, the configured AAD); the keys come from a key
//! provider: PBKDF2 from a passphrase (RustCrypto's `pbkdf2`, here) or an AWS KMS data key
//! (infra-aws, through the SDK). Each provider stores what decryption needs (the salt, the
//! encrypted data key) in `meta`, under its address.
//!
//! A target lists its methods primary first, then the `fallback` chain: files are written with
//! the primary, read with the first that opens them. `unencrypted` in the chain lets a plain
//! file be read (migration), or, as the primary, writes plain files.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use base64::Engine;

/// The keys a provider gives a method: one to encrypt with (and the metadata that will let a
/// later run derive it again), and the one that opens a file written with `stored` metadata.
pub trait KeyProvider: Send + Sync {
    /// The key new files are encrypted with, and the metadata stored beside them. Asked once a
    /// run per provider and kept (OpenTofu also derives it once a run).
    fn encryption_key(&self) -> Result<(Vec<u8>, Vec<u8>), String>;
    /// The key that opens a file whose metadata for this provider is `stored`.
    fn decryption_key(&self, stored: &[u8]) -> Result<Vec<u8>, String>;
}

/// A configured method: `method "aes_gcm" "NAME"` or `method "unencrypted" "NAME"`.
pub enum Method {
    AesGcm {
        /// `method.aes_gcm.NAME`, for messages.
        address: String,
        /// The key provider's address (`key_provider.pbkdf2.NAME`), its key in `meta`.
        provider_address: String,
        provider: Arc<dyn KeyProvider>,
        aad: Vec<u8>,
    },
    Unencrypted,
}

/// The encryption of one target (`state` or `plan`): its methods, primary first.
pub struct Encryption {
    target: &'static str,
    methods: Vec<Method>,
    /// The primary method's key and metadata, derived on first write.
    write_key: OnceLock<(Vec<u8>, Vec<u8>)>,
    /// Decryption keys already derived.
    read_keys: Mutex<DerivedKeys>,
}

/// Keys derived for reading, by provider address and stored metadata.
type DerivedKeys = BTreeMap<(String, Vec<u8>), Vec<u8>>;

/// The fields of an encrypted file.
#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    serial: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lineage: Option<String>,
    #[serde(default)]
    meta: BTreeMap<String, String>,
    #[serde(default)]
    encrypted_data: String,
    #[serde(default)]
    encryption_version: String,
}

const VERSION: &str = "v0";

/// Whether `bytes` are an encrypted state or plan file (any version).
pub fn is_encrypted(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Version {
        encryption_version: Option<String>,
    }
    serde_json::from_slice::<Version>(bytes)
        .ok()
        .and_then(|v| v.encryption_version)
        .is_some_and(|v| !v.is_empty())
}

impl Encryption {
    /// `target` is `state` or `plan`; `methods` primary first, then the fallbacks in order.
    pub fn new(target: &'static str, methods: Vec<Method>) -> Encryption {
        Encryption { target, methods, write_key: OnceLock::new(), read_keys: Mutex::default() }
    }

    /// The file's bytes for `plaintext`; a state file keeps its serial and lineage readable.
    pub fn encrypt(
        &self,
        plaintext: &[u8],
        serial_and_lineage: Option<(u64, &str)>,
    ) -> Result<Vec<u8>, String> {
        let Some(Method::AesGcm { provider_address, provider, aad, .. }) = self.methods.first()
        else {
            return Ok(plaintext.to_vec());
        };
        let (key, meta) = match self.write_key.get() {
            Some(keys) => keys.clone(),
            None => {
                let keys = provider
                    .encryption_key()
                    .map_err(|error| format!("{provider_address}: {error}"))?;
                self.write_key.get_or_init(|| keys).clone()
            }
        };
        let cipher = cipher(&key)?;
        let nonce = aes_gcm::Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad })
            .map_err(|_| format!("encryption of the {} failed", self.target))?;
        let mut data = nonce.to_vec();
        data.extend_from_slice(&sealed);
        let envelope = Envelope {
            serial: serial_and_lineage.map(|(serial, _)| serial),
            lineage: serial_and_lineage.map(|(_, lineage)| lineage.to_string()),
            meta: BTreeMap::from([(provider_address.clone(), BASE64.encode(meta))]),
            encrypted_data: BASE64.encode(data),
            encryption_version: VERSION.to_string(),
        };
        let mut bytes = serde_json::to_vec(&envelope).map_err(|error| error.to_string())?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// The plaintext of a file, opened by the first method of the chain that can; a plain
    /// file only when `unencrypted` is in the chain. The error says what was tried.
    pub fn decrypt(&self, bytes: &[u8]) -> Result<Vec<u8>, String> {
        if !is_encrypted(bytes) {
            if self.methods.iter().any(|m| matches!(m, Method::Unencrypted)) {
                return Ok(bytes.to_vec());
            }
            return Err(format!(
                "the {} is not encrypted, and no `unencrypted` method is configured for it; \
                 to encrypt an existing {}, add `fallback {{ method = method.unencrypted.NAME }}` \
                 to its block for one run",
                self.target, self.target
            ));
        }
        let envelope: Envelope = serde_json::from_slice(bytes)
            .map_err(|error| format!("the encrypted {} is damaged: {error}", self.target))?;
        if envelope.encryption_version != VERSION {
            return Err(format!(
                "invalid encrypted payload version: {} != {VERSION}",
                envelope.encryption_version
            ));
        }
        let data = BASE64
            .decode(&envelope.encrypted_data)
            .map_err(|error| format!("the encrypted {} is damaged: {error}", self.target))?;
        let mut failures = Vec::new();
        for method in &self.methods {
            let Method::AesGcm { address, provider_address, provider, aad } = method else {
                continue;
            };
            let Some(meta) = envelope.meta.get(provider_address) else {
                failures.push(format!(
                    "{address}: no decryption key available: the file holds no metadata for \
                     {provider_address} (it was written with {})",
                    written_with(&envelope)
                ));
                continue;
            };
            let opened = BASE64
                .decode(meta)
                .map_err(|error| error.to_string())
                .and_then(|meta| self.read_key(provider_address, provider.as_ref(), meta))
                .and_then(|key| open(&key, &data, aad));
            match opened {
                Ok(plaintext) => return Ok(plaintext),
                Err(error) => failures.push(format!("{address} with {provider_address}: {error}")),
            }
        }
        Err(format!("decryption failed for all provided methods:\n  {}", failures.join("\n  ")))
    }

    fn read_key(
        &self,
        provider_address: &str,
        provider: &dyn KeyProvider,
        meta: Vec<u8>,
    ) -> Result<Vec<u8>, String> {
        let cache_key = (provider_address.to_string(), meta);
        if let Some(key) = lock(&self.read_keys).get(&cache_key) {
            return Ok(key.clone());
        }
        let key = provider.decryption_key(&cache_key.1)?;
        lock(&self.read_keys).insert(cache_key, key.clone());
        Ok(key)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn written_with(envelope: &Envelope) -> String {
    let keys: Vec<&str> = envelope.meta.keys().map(String::as_str).collect();
    if keys.is_empty() {
        "no key provider".to_string()
    } else {
        keys.join(", ")
    }
}

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// AES-GCM with a 16, 24 or 32-byte key, as OpenTofu's `aes_gcm` method accepts.
enum Cipher {
    Aes128(aes_gcm::Aes128Gcm),
    Aes256(aes_gcm::Aes256Gcm),
    Aes192(aes_gcm::AesGcm<aes_gcm::aes::Aes192, aes_gcm::aead::consts::U12>),
}

fn cipher(key: &[u8]) -> Result<Cipher, String> {
    let wrong = |_| {
        format!("AES-GCM requires the key length to be one of: 16, 24 or 32, received {} bytes in the key", key.len())
    };
    match key.len() {
        16 => aes_gcm::Aes128Gcm::new_from_slice(key).map(Cipher::Aes128).map_err(wrong),
        24 => aes_gcm::AesGcm::new_from_slice(key).map(Cipher::Aes192).map_err(wrong),
        _ => aes_gcm::Aes256Gcm::new_from_slice(key).map(Cipher::Aes256).map_err(wrong),
    }
}

impl Cipher {
    fn encrypt(
        &self,
        nonce: &aes_gcm::Nonce<aes_gcm::aead::consts::U12>,
        payload: Payload<'_, '_>,
    ) -> Result<Vec<u8>, aes_gcm::Error> {
        match self {
            Cipher::Aes128(c) => c.encrypt(nonce, payload),
            Cipher::Aes192(c) => c.encrypt(nonce, payload),
            Cipher::Aes256(c) => c.encrypt(nonce, payload),
        }
    }
    fn decrypt(
        &self,
        nonce: &aes_gcm::Nonce<aes_gcm::aead::consts::U12>,
        payload: Payload<'_, '_>,
    ) -> Result<Vec<u8>, aes_gcm::Error> {
        match self {
            Cipher::Aes128(c) => c.decrypt(nonce, payload),
            Cipher::Aes192(c) => c.decrypt(nonce, payload),
            Cipher::Aes256(c) => c.decrypt(nonce, payload),
        }
    }
}

fn open(key: &[u8], data: &[u8], aad: &[u8]) -> Result<Vec<u8>, String> {
    if data.len() < 12 + 16 {
        return Err("the encrypted data is too short".to_string());
    }
    let (nonce, sealed) = data.split_at(12);
    cipher(key)?.decrypt(aes_gcm::Nonce::from_slice(nonce), Payload { msg: sealed, aad }).map_err(
        |_| {
            "cipher: message authentication failed (a wrong key or passphrase, or a changed file)"
                .to_string()
        },
    )
}

/// `key_provider "pbkdf2"`: a key derived from a passphrase, with a new random salt each run;
/// the salt, iterations, hash and key length are stored, so a file is opened with the
/// parameters it was written with.
pub struct Pbkdf2 {
    pub passphrase: String,
    pub key_length: usize,
    pub iterations: u32,
    pub salt_length: usize,
    pub hash_function: HashFunction,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HashFunction {
    Sha256,
    Sha512,
}

/// What a PBKDF2 key needs to be derived again (OpenTofu's field names).
#[derive(serde::Serialize, serde::Deserialize)]
struct Pbkdf2Meta {
    /// Base64, as Go encodes bytes.
    salt: String,
    iterations: u32,
    hash_function: HashFunction,
    key_length: usize,
}

impl Pbkdf2 {
    /// OpenTofu's defaults and limits.
    pub const DEFAULT_ITERATIONS: u32 = 600_000;
    pub const MINIMUM_ITERATIONS: u32 = 200_000;
    pub const MINIMUM_PASSPHRASE_LENGTH: usize = 16;

    fn derive(&self, salt: &[u8], iterations: u32, hash: HashFunction, length: usize) -> Vec<u8> {
        let mut key = vec![0u8; length];
        match hash {
            HashFunction::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
                self.passphrase.as_bytes(),
                salt,
                iterations,
                &mut key,
            ),
            HashFunction::Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(
                self.passphrase.as_bytes(),
                salt,
                iterations,
                &mut key,
            ),
        }
        key
    }
}

impl KeyProvider for Pbkdf2 {
    fn encryption_key(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        let mut salt = vec![0u8; self.salt_length];
        OsRng.fill_bytes(&mut salt);
        let key = self.derive(&salt, self.iterations, self.hash_function, self.key_length);
        let meta = Pbkdf2Meta {
            salt: BASE64.encode(&salt),
            iterations: self.iterations,
            hash_function: self.hash_function,
            key_length: self.key_length,
        };
        let meta = serde_json::to_vec(&meta).map_err(|error| error.to_string())?;
        Ok((key, meta))
    }

    fn decryption_key(&self, stored: &[u8]) -> Result<Vec<u8>, String> {
        let meta: Pbkdf2Meta = serde_json::from_slice(stored).map_err(|error| {
            format!("unable to decode encrypted metadata (did you change your encryption config?): {error}")
        })?;
        let salt = BASE64
            .decode(&meta.salt)
            .map_err(|error| format!("invalid salt in the stored metadata: {error}"))?;
        if meta.iterations == 0 || meta.key_length == 0 || salt.is_empty() {
            return Err("the stored PBKDF2 parameters are invalid".to_string());
        }
        Ok(self.derive(&salt, meta.iterations, meta.hash_function, meta.key_length))
    }
}

#[cfg(test)]
mod tests;
