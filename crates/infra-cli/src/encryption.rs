//! What the `encryption` block and `TF_ENCRYPTION` mean: the key providers and methods they
//! declare, checked with OpenTofu's rules and messages, built into the state's and the plan
//! file's [`Encryption`].

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use infra_aws::kms_key_provider::{KmsKeyProvider, KEY_SPECS};
use infra_aws::Aws;
use infra_aws::ProviderSettings;
use infra_config::{EncryptionBlock, EncryptionConfig, EncryptionTarget};
use infra_core::{Location, Value};
use infra_state::encryption::{Encryption, HashFunction, KeyProvider, Method, Pbkdf2};

/// The encryption of the state and of plan files; `None` where not configured.
#[derive(Default, Clone)]
pub struct Targets {
    pub state: Option<Arc<Encryption>>,
    pub plan: Option<Arc<Encryption>>,
}

/// The configuration's `encryption` block merged with `TF_ENCRYPTION`, built.
pub fn targets(config: Option<EncryptionConfig>) -> Result<Targets> {
    let from_environment = match std::env::var("TF_ENCRYPTION") {
        Ok(text) if !text.trim().is_empty() => Some(
            infra_config::parse_encryption_environment(&text)
                .map_err(|diagnostics| anyhow!("TF_ENCRYPTION: {}", first_message(&diagnostics)))?,
        ),
        _ => None,
    };
    let config = match (config, from_environment) {
        (None, None) => return Ok(Targets::default()),
        (Some(config), None) => config,
        (None, Some(environment)) => environment,
        (Some(config), Some(environment)) => config.merge(environment),
    };
    let mut providers: BTreeMap<String, Arc<dyn KeyProvider>> = BTreeMap::new();
    for block in &config.key_providers {
        providers.insert(block.address("key_provider"), key_provider(block)?);
    }
    let build = |target: &Option<EncryptionTarget>,
                 name: &'static str|
     -> Result<Option<Arc<Encryption>>> {
        let Some(target) = target else {
            return Ok(None);
        };
        if target.methods.is_empty() {
            return Err(located(
                &target.location,
                format!(
                    "the \"{name}\" encryption block needs a method (method = method.aes_gcm.NAME)"
                ),
            ));
        }
        let mut methods = Vec::new();
        for (address, location) in &target.methods {
            let Some(block) = config.methods.iter().find(|m| &m.address("method") == address)
            else {
                return Err(located(
                    location,
                    format!("Reference to undeclared encryption method: there is no method block for {address}"),
                ));
            };
            let method = method(block, &providers)?;
            if target.enforced && matches!(method, Method::Unencrypted) {
                return Err(located(
                    location,
                    format!("Unencrypted method is forbidden: unable to use the unencrypted method since the enforced flag is set for {name}"),
                ));
            }
            methods.push(method);
        }
        Ok(Some(Arc::new(Encryption::new(name, methods))))
    };
    Ok(Targets { state: build(&config.state, "state")?, plan: build(&config.plan, "plan")? })
}

fn first_message(diagnostics: &infra_core::Diagnostics) -> String {
    diagnostics.0.first().map(|d| format!("{}: {}", d.summary, d.detail)).unwrap_or_default()
}

fn located(location: &Option<Location>, message: String) -> anyhow::Error {
    match location {
        Some(location) => anyhow!("{}:{}: {message}", location.file.display(), location.line),
        None => anyhow!("{message}"),
    }
}

/// The arguments of a block, each taken once; what is left over is refused.
struct Arguments<'a> {
    block: &'a EncryptionBlock,
    what: String,
    left: BTreeMap<&'a str, &'a Value>,
}

impl<'a> Arguments<'a> {
    fn new(block: &'a EncryptionBlock, prefix: &str) -> Arguments<'a> {
        Arguments {
            block,
            what: block.address(prefix),
            left: block.settings.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        }
    }

    fn error(&self, message: String) -> anyhow::Error {
        located(&self.block.location, format!("{}: {message}", self.what))
    }

    fn string(&mut self, name: &str) -> Result<Option<String>> {
        match self.left.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.error(format!("\"{name}\" must be a string"))),
        }
    }

    fn number(&mut self, name: &str, default: u64) -> Result<u64> {
        match self.left.remove(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => Ok(*n as u64),
            Some(_) => Err(self.error(format!("\"{name}\" must be a whole number"))),
        }
    }

    fn finish(self) -> Result<()> {
        match self.left.keys().next() {
            Some(name) => {
                Err(self.error(format!("an argument named \"{name}\" is not expected here")))
            }
            None => Ok(()),
        }
    }
}

fn key_provider(block: &EncryptionBlock) -> Result<Arc<dyn KeyProvider>> {
    let mut args = Arguments::new(block, "key_provider");
    if let Some(name) = block.references.keys().next() {
        // `chain = key_provider.x.y`.
        return Err(args.error(format!(
            "\"{name}\": chained key providers are not supported by infra; give a passphrase"
        )));
    }
    match block.kind.as_str() {
        "pbkdf2" => {
            let passphrase = args.string("passphrase")?.ok_or_else(|| {
                args.error("no passphrase provided and no chained provider defined".to_string())
            })?;
            if passphrase.chars().count() < Pbkdf2::MINIMUM_PASSPHRASE_LENGTH {
                return Err(args.error(format!(
                    "passphrase is too short (minimum {} characters)",
                    Pbkdf2::MINIMUM_PASSPHRASE_LENGTH
                )));
            }
            let key_length = args.number("key_length", 32)?;
            let iterations = args.number("iterations", Pbkdf2::DEFAULT_ITERATIONS as u64)?;
            let salt_length = args.number("salt_length", 32)?;
            let hash_function = match args.string("hash_function")?.as_deref() {
                None | Some("sha512") => HashFunction::Sha512,
                Some("sha256") => HashFunction::Sha256,
                Some(other) => {
                    return Err(args.error(format!(
                        "invalid hash function name: {other} (expected sha256 or sha512)"
                    )))
                }
            };
            if iterations < Pbkdf2::MINIMUM_ITERATIONS as u64 {
                return Err(args.error(format!(
                    "the number of iterations is dangerously low (<{}), refusing to generate key",
                    Pbkdf2::MINIMUM_ITERATIONS
                )));
            }
            if key_length == 0 || salt_length == 0 {
                return Err(args.error("key_length and salt_length must be positive".to_string()));
            }
            args.finish()?;
            Ok(Arc::new(Pbkdf2 {
                passphrase,
                key_length: key_length as usize,
                iterations: iterations.min(u32::MAX as u64) as u32,
                salt_length: salt_length as usize,
                hash_function,
            }))
        }
        "aws_kms" => {
            let key_id = args
                .string("kms_key_id")?
                .ok_or_else(|| args.error("no kms_key_id provided".to_string()))?;
            let key_spec = args
                .string("key_spec")?
                .ok_or_else(|| args.error("no key_spec provided".to_string()))?;
            if !KEY_SPECS.contains(&key_spec.as_str()) {
                return Err(args
                    .error(format!("invalid key_spec {key_spec}, expected one of {KEY_SPECS:?}")));
            }
            let region = args.string("region")?;
            let encryption_context = match args.left.remove("encryption_context") {
                None | Some(Value::Null) => BTreeMap::new(),
                Some(Value::Map(map)) => map
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect(),
                Some(_) => {
                    return Err(
                        args.error("\"encryption_context\" must be a map of strings".to_string())
                    )
                }
            };
            let profile = args.string("profile")?;
            args.finish()?;
            // Credentials and endpoints come from the standard chain (AWS_ENDPOINT_URL, the
            // profile), as for the S3 backend.
            let aws = Aws::new(ProviderSettings { region, profile, ..Default::default() });
            Ok(Arc::new(KmsKeyProvider::new(aws, key_id, &key_spec, encryption_context)))
        }
        other => Err(args.error(format!(
            "key provider type \"{other}\" is not supported by infra (pbkdf2 and aws_kms are)"
        ))),
    }
}

fn method(
    block: &EncryptionBlock,
    providers: &BTreeMap<String, Arc<dyn KeyProvider>>,
) -> Result<Method> {
    let mut args = Arguments::new(block, "method");
    match block.kind.as_str() {
        "unencrypted" => {
            args.finish()?;
            Ok(Method::Unencrypted)
        }
        "aes_gcm" => {
            let Some(keys) = block.references.get("keys") else {
                return Err(
                    args.error("\"keys\" is required: keys = key_provider.TYPE.NAME".to_string())
                );
            };
            let Some(provider) = providers.get(keys) else {
                return Err(args.error(format!(
                    "Reference to undeclared key provider: there is no key_provider block for {keys}"
                )));
            };
            let aad = match args.left.remove("aad") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::List(items)) => {
                    items
                        .iter()
                        .map(|item| match item {
                            Value::Number(n) if (0.0..=255.0).contains(n) && n.fract() == 0.0 => {
                                Ok(*n as u8)
                            }
                            _ => Err(args
                                .error("\"aad\" must be a list of bytes (0 to 255)".to_string())),
                        })
                        .collect::<Result<_>>()?
                }
                Some(_) => {
                    return Err(args.error("\"aad\" must be a list of bytes (0 to 255)".to_string()))
                }
            };
            args.finish()?;
            Ok(Method::AesGcm {
                address: block.address("method"),
                provider_address: keys.clone(),
                provider: provider.clone(),
                aad,
            })
        }
        other => Err(args.error(format!(
            "method type \"{other}\" is not supported (aes_gcm and unencrypted are)"
        ))),
    }
}
