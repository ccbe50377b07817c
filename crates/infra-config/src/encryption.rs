//! `terraform { encryption { ... } }` and the `TF_ENCRYPTION` environment variable, as OpenTofu
//! reads them: key providers, methods, and the `state` and `plan` targets with their
//! `fallback` chains. Values are literals (as in a backend block); `keys` and `method` are
//! references to the blocks declared beside them. What the blocks mean is infra-cli's
//! (`session::encryption`), which builds the keys.

use std::collections::BTreeMap;

use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use infra_core::{Diagnostic, Diagnostics, Location, Value};

use crate::source::SourceFile;
use crate::syntax::traversal_path;

/// The encryption configuration, from the root module's `terraform` block, `TF_ENCRYPTION`,
/// or both merged ([`EncryptionConfig::merge`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EncryptionConfig {
    pub key_providers: Vec<EncryptionBlock>,
    pub methods: Vec<EncryptionBlock>,
    pub state: Option<EncryptionTarget>,
    pub plan: Option<EncryptionTarget>,
}

/// `key_provider "TYPE" "NAME" { ... }` or `method "TYPE" "NAME" { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct EncryptionBlock {
    pub kind: String,
    pub name: String,
    /// Literal arguments.
    pub settings: BTreeMap<String, Value>,
    /// Arguments that name another block (`keys = key_provider.pbkdf2.k`), as written.
    pub references: BTreeMap<String, String>,
    pub location: Option<Location>,
}

impl EncryptionBlock {
    /// `key_provider.pbkdf2.NAME`, `method.aes_gcm.NAME`.
    pub fn address(&self, prefix: &str) -> String {
        format!("{prefix}.{}.{}", self.kind, self.name)
    }
}

/// `state { ... }` or `plan { ... }`: the methods, primary first, then each `fallback`.
#[derive(Debug, Clone, PartialEq)]
pub struct EncryptionTarget {
    pub methods: Vec<(String, Option<Location>)>,
    pub enforced: bool,
    pub location: Option<Location>,
}

/// Reads an `encryption` block's body.
pub(crate) fn parse(file: &SourceFile, body: &Body) -> (EncryptionConfig, Diagnostics) {
    let mut reader = Reader { file, diagnostics: Diagnostics::new() };
    let mut config = EncryptionConfig::default();
    for attribute in body.attributes() {
        reader.error(
            "Unsupported argument",
            format!(
                "An argument named \"{}\" is not expected in an encryption block.",
                attribute.key.value().as_str()
            ),
            attribute.span(),
        );
    }
    for block in body.blocks() {
        match block.ident.value().as_str() {
            "key_provider" => {
                if let Some(parsed) = reader.labelled(block) {
                    config.key_providers.push(parsed);
                }
            }
            "method" => {
                if let Some(parsed) = reader.labelled(block) {
                    config.methods.push(parsed);
                }
            }
            "state" => config.state = Some(reader.target(block, true)),
            "plan" => config.plan = Some(reader.target(block, true)),
            "remote_state_data_sources" => reader.error(
                "Unsupported block",
                "infra's terraform_remote_state does not decrypt remote states yet, so \"remote_state_data_sources\" is not supported.".to_string(),
                block.span(),
            ),
            other => reader.error(
                "Unsupported block type",
                format!("Blocks of type \"{other}\" are not expected in an encryption block."),
                block.span(),
            ),
        }
    }
    for (kind, blocks) in [("key_provider", &config.key_providers), ("method", &config.methods)] {
        let mut seen = std::collections::BTreeSet::new();
        for block in blocks {
            if !seen.insert((&block.kind, &block.name)) {
                reader.diagnostics.push(
                    Diagnostic::error(
                        format!("Duplicate {kind}"),
                        format!(
                            "A {kind} \"{}\" \"{}\" is already declared in this encryption block.",
                            block.kind, block.name
                        ),
                    )
                    .at(block.location.clone()),
                );
            }
        }
    }
    (config, reader.diagnostics)
}

/// Reads `TF_ENCRYPTION`: the body of an encryption block, in HCL.
pub fn parse_environment(text: &str) -> Result<EncryptionConfig, Diagnostics> {
    let file = SourceFile::new("TF_ENCRYPTION".into(), "TF_ENCRYPTION".into(), text.to_string());
    if text.trim_start().starts_with('{') {
        return Err(Diagnostics::from(Diagnostic::error(
            "Unsupported TF_ENCRYPTION format",
            "TF_ENCRYPTION holds JSON; infra reads it in HCL syntax only (the body of an encryption block).",
        )));
    }
    let body = file.parse().map_err(|d| Diagnostics::from(*d))?;
    let (config, diagnostics) = parse(&file, &body);
    diagnostics.into_result(config)
}

impl EncryptionConfig {
    /// The configuration's block merged with `TF_ENCRYPTION` (`over`), as OpenTofu merges
    /// them: blocks of the same type and name take the environment's arguments over the
    /// file's; a target's methods come from the environment when it sets them, and
    /// `enforced` holds if either says so.
    pub fn merge(mut self, over: EncryptionConfig) -> EncryptionConfig {
        fn merge_blocks(into: &mut Vec<EncryptionBlock>, over: Vec<EncryptionBlock>) {
            for block in over {
                match into.iter_mut().find(|b| b.kind == block.kind && b.name == block.name) {
                    Some(existing) => {
                        existing.settings.extend(block.settings);
                        existing.references.extend(block.references);
                    }
                    None => into.push(block),
                }
            }
        }
        fn merge_target(
            into: Option<EncryptionTarget>,
            over: Option<EncryptionTarget>,
        ) -> Option<EncryptionTarget> {
            match (into, over) {
                (Some(into), Some(over)) => Some(EncryptionTarget {
                    enforced: into.enforced || over.enforced,
                    methods: if over.methods.is_empty() { into.methods } else { over.methods },
                    location: over.location.or(into.location),
                }),
                (into, over) => over.or(into),
            }
        }
        merge_blocks(&mut self.key_providers, over.key_providers);
        merge_blocks(&mut self.methods, over.methods);
        self.state = merge_target(self.state, over.state);
        self.plan = merge_target(self.plan, over.plan);
        self
    }
}

struct Reader<'a> {
    file: &'a SourceFile,
    diagnostics: Diagnostics,
}

impl Reader<'_> {
    fn error(&mut self, summary: &str, detail: String, span: Option<std::ops::Range<usize>>) {
        self.diagnostics.push(Diagnostic::error(summary, detail).at(self.file.span_location(span)));
    }

    fn labelled(&mut self, block: &Block) -> Option<EncryptionBlock> {
        let kind = block.ident.value().as_str();
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let [type_label, name] = labels[..] else {
            self.error(
                "Invalid block labels",
                format!("A \"{kind}\" block expects 2 labels (type, name), got {}.", labels.len()),
                block.span(),
            );
            return None;
        };
        let valid = |s: &str| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if !valid(type_label) || !valid(name) {
            self.error(
                "Invalid name",
                format!("The {kind} type and name may contain only letters, digits, underscores and dashes."),
                block.span(),
            );
            return None;
        }
        let mut parsed = EncryptionBlock {
            kind: type_label.to_string(),
            name: name.to_string(),
            settings: BTreeMap::new(),
            references: BTreeMap::new(),
            location: self.file.span_location(block.span()),
        };
        for inner in block.body.blocks() {
            self.error(
                "Unsupported block type",
                format!(
                    "Blocks of type \"{}\" are not expected in a {kind} block.",
                    inner.ident.value().as_str()
                ),
                inner.span(),
            );
        }
        for attribute in block.body.attributes() {
            let key = attribute.key.value().as_str().to_string();
            match crate::context::constant(&attribute.value) {
                Ok(value) => {
                    parsed.settings.insert(key, value);
                }
                Err(_) => match traversal_path(&attribute.value)
                    .filter(|path| path.starts_with("key_provider."))
                {
                    Some(path) => {
                        parsed.references.insert(key, path);
                    }
                    None => self.error(
                        "Invalid encryption configuration",
                        format!(
                            "The argument \"{key}\" must be a literal value or a key_provider reference; infra does not evaluate variables here. Pass secrets through TF_ENCRYPTION."
                        ),
                        attribute.value.span(),
                    ),
                },
            }
        }
        Some(parsed)
    }

    /// `state`, `plan` or a `fallback`, flattened into the chain of methods.
    fn target(&mut self, block: &Block, top: bool) -> EncryptionTarget {
        let mut target = EncryptionTarget {
            methods: Vec::new(),
            enforced: false,
            location: self.file.span_location(block.span()),
        };
        let mut fallback = None;
        for attribute in block.body.attributes() {
            let key = attribute.key.value().as_str();
            match key {
                "method" => match traversal_path(&attribute.value)
                    .filter(|path| path.starts_with("method.") && path.split('.').count() == 3)
                {
                    Some(path) => {
                        target.methods.push((path, self.file.span_location(attribute.value.span())))
                    }
                    None => self.error(
                        "Invalid encryption method identifier",
                        "Expected a reference to a method, such as method.aes_gcm.NAME."
                            .to_string(),
                        attribute.value.span(),
                    ),
                },
                "enforced" if top => match crate::context::constant(&attribute.value) {
                    Ok(Value::Bool(enforced)) => target.enforced = enforced,
                    _ => self.error(
                        "Invalid value",
                        "\"enforced\" must be true or false.".to_string(),
                        attribute.value.span(),
                    ),
                },
                other => self.error(
                    "Unsupported argument",
                    format!(
                        "An argument named \"{other}\" is not expected in a \"{}\" block.",
                        block.ident.value().as_str()
                    ),
                    attribute.span(),
                ),
            }
        }
        for inner in block.body.blocks() {
            if inner.ident.value().as_str() == "fallback" && fallback.is_none() {
                fallback = Some(self.target(inner, false));
            } else {
                self.error(
                    "Unsupported block type",
                    format!(
                        "Blocks of type \"{}\" are not expected here (one \"fallback\" block is).",
                        inner.ident.value().as_str()
                    ),
                    inner.span(),
                );
            }
        }
        if let Some(fallback) = fallback {
            if target.methods.is_empty() {
                self.error(
                    "Missing method",
                    "A block with a \"fallback\" needs a \"method\" of its own.".to_string(),
                    block.span(),
                );
            }
            target.methods.extend(fallback.methods);
        }
        target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str = r#"
key_provider "pbkdf2" "old" {
  passphrase = "the old passphrase"
}
key_provider "pbkdf2" "new" {
  passphrase = "the new passphrase"
  iterations = 200000
}
method "aes_gcm" "new" {
  keys = key_provider.pbkdf2.new
}
method "aes_gcm" "old" {
  keys = key_provider.pbkdf2.old
}
state {
  method = method.aes_gcm.new
  fallback {
    method = method.aes_gcm.old
  }
}
"#;

    #[test]
    fn a_block_reads_its_providers_methods_and_fallback_chain() {
        let config = parse_environment(BLOCK).unwrap();
        assert_eq!(config.key_providers.len(), 2);
        assert_eq!(config.key_providers[1].settings["iterations"], Value::Number(200000.0));
        assert_eq!(config.methods[0].references["keys"], "key_provider.pbkdf2.new");
        let state = config.state.unwrap();
        let chain: Vec<&str> = state.methods.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(chain, ["method.aes_gcm.new", "method.aes_gcm.old"]);
        assert!(!state.enforced);
        assert!(config.plan.is_none());
    }

    #[test]
    fn the_environment_overrides_arguments_and_methods_and_ors_enforced() {
        let file =
            parse_environment(&format!("{BLOCK}plan {{\n  method = method.aes_gcm.old\n}}\n"))
                .unwrap();
        let environment = parse_environment(
            "key_provider \"pbkdf2\" \"new\" {\n  passphrase = \"from the environment\"\n}\nstate {\n  enforced = true\n  method = method.aes_gcm.old\n}\n",
        )
        .unwrap();
        let merged = file.merge(environment);
        let new = &merged.key_providers[1];
        assert_eq!(new.settings["passphrase"], Value::String("from the environment".into()));
        assert_eq!(new.settings["iterations"], Value::Number(200000.0));
        let state = merged.state.unwrap();
        assert!(state.enforced);
        assert_eq!(state.methods.len(), 1);
        assert_eq!(state.methods[0].0, "method.aes_gcm.old");
        assert!(merged.plan.is_some());
    }

    #[test]
    fn variables_and_unknown_blocks_are_refused_where_they_are_written() {
        let error = parse_environment(
            "key_provider \"pbkdf2\" \"k\" {\n  passphrase = var.secret\n}\nremote_state_data_sources {}\n",
        )
        .unwrap_err();
        let messages: Vec<String> = error
            .0
            .iter()
            .map(|d| format!("{} {}", d.detail, d.location.as_ref().map_or(0, |l| l.line)))
            .collect();
        assert!(
            messages[0].contains("must be a literal value") && messages[0].ends_with(" 2"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("remote_state_data_sources") && messages[1].ends_with(" 4"),
            "{messages:?}"
        );
    }
}
