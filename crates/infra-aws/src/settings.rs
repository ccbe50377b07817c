//! The `provider "aws"` block: what infra reads from it, from the block the language
//! evaluated ([`ProviderBlock`]). An argument infra cannot honour is an error at its location,
//! never ignored.

use std::collections::BTreeMap;

use infra_core::{Argument, Diagnostic, Diagnostics, ProviderBlock, Value};

/// The provider's local name.
pub const PROVIDER: &str = "aws";

/// Settings from one `provider "aws"` block (the default one, or one with an `alias`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProviderSettings {
    pub region: Option<String>,
    pub default_tags: BTreeMap<String, String>,
    /// `profile`: a named profile of the shared configuration files.
    pub profile: Option<String>,
    /// `shared_config_files`: the configuration files to read instead of `~/.aws/config`
    /// (empty: the default, as the provider takes an empty list).
    pub shared_config_files: Vec<String>,
    /// `shared_credentials_files`: the credentials files to read instead of
    /// `~/.aws/credentials` (empty: the default).
    pub shared_credentials_files: Vec<String>,
    /// `assume_role { ... }`: credentials of this role, from the base credentials.
    pub assume_role: Option<AssumeRole>,
    /// `max_retries`: how many times a failed call is retried.
    pub max_retries: Option<u32>,
    /// `retry_mode`: `standard` or `adaptive` (which also rate-limits the client when AWS
    /// throttles).
    pub retry_mode: Option<String>,
    /// `endpoints { ec2 = "http://..." }`: a URL per service name.
    pub endpoints: BTreeMap<String, String>,
}

/// `assume_role { role_arn, session_name, external_id }` of a provider block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}

/// Arguments that AWS provider 5.0 removed, with why: accepted when null (or not known yet),
/// with a warning, and refused otherwise.
const REMOVED_ARGUMENTS: &[(&str, &str)] = &[(
    "shared_credentials_file",
    "AWS provider 5.0 replaced it with `shared_credentials_files`, a list",
)];

/// When the provider block is read: by `validate`, whose values from variables and data
/// sources are not known yet and are not judged, or for a run, where every value must be known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    Validate,
    Run,
}

/// Every `provider "aws"` configuration of `blocks` by its address: `aws` for the block
/// without `alias` (settings from the environment when there is none), `aws.west` for
/// `alias = "west"`. Warnings (a removed argument set to null) come with the settings.
pub fn configurations(
    blocks: &[ProviderBlock],
    reading: Reading,
) -> Result<(BTreeMap<String, ProviderSettings>, Diagnostics), Diagnostics> {
    let mut configurations = BTreeMap::new();
    let mut problems = Problems { reading, diagnostics: Diagnostics::new() };
    for block in blocks.iter().filter(|block| block.name == PROVIDER) {
        configurations.insert(block.address(), from_block(block, &mut problems));
    }
    let diagnostics = problems.diagnostics;
    configurations.entry(PROVIDER.to_string()).or_default();
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok((configurations, diagnostics))
    }
}

/// What reading a block found wrong, and whether values not known yet are wrong.
struct Problems {
    reading: Reading,
    diagnostics: Diagnostics,
}

impl Problems {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Whether `value`, not known yet, may pass unjudged (in `validate`); otherwise an error
    /// at `argument` is recorded.
    fn unknown_passes(&mut self, argument: &Argument, value: &Value) -> bool {
        if value.is_wholly_known() {
            return false;
        }
        if self.reading == Reading::Run {
            self.push(
                Diagnostic::error(
                    "Invalid provider argument",
                    format!("{} must be a known string, got an unknown value.", argument.name),
                )
                .at(argument.value_location.clone()),
            );
        }
        true
    }
}

/// One block's settings; its problems go to `diagnostics`.
fn from_block(block: &ProviderBlock, diagnostics: &mut Problems) -> ProviderSettings {
    let mut settings = ProviderSettings::default();
    for argument in &block.body.arguments {
        let name = argument.name.as_str();
        match name {
            "region" => settings.region = text(argument, diagnostics),
            "profile" => settings.profile = text(argument, diagnostics),
            "max_retries" => {
                let value = text(argument, diagnostics);
                settings.max_retries = value.as_deref().and_then(|t| t.parse::<u32>().ok());
                if let (Some(value), None) = (&value, settings.max_retries) {
                    diagnostics.push(
                        Diagnostic::error(
                            "Invalid provider argument",
                            format!("max_retries must be a whole number of retries (0 or more), got \"{value}\"."),
                        )
                        .at(argument.value_location.clone()),
                    );
                }
            }
            "retry_mode" => {
                let value = text(argument, diagnostics);
                match value.as_deref() {
                    None | Some("standard") | Some("adaptive") => settings.retry_mode = value,
                    Some(other) => diagnostics.push(
                        Diagnostic::error(
                            "Invalid provider argument",
                            format!(
                                "retry_mode must be \"standard\" or \"adaptive\", got \"{other}\"."
                            ),
                        )
                        .at(argument.value_location.clone()),
                    ),
                }
            }
            "shared_config_files" => settings.shared_config_files = texts(argument, diagnostics),
            "shared_credentials_files" => {
                settings.shared_credentials_files = texts(argument, diagnostics)
            }
            // Checks that infra does not make (credentials and account validation happen on
            // the first call) and path-style S3 (always used): accepted as Terraform does.
            name if name.starts_with("skip_")
                || matches!(name, "s3_use_path_style" | "s3_force_path_style") => {}
            removed if REMOVED_ARGUMENTS.iter().any(|(n, _)| *n == removed) => {
                removed_argument(argument, diagnostics)
            }
            other => {
                diagnostics.push(Diagnostic::error("Unsupported provider argument", format!("infra does not support the aws provider argument \"{other}\"; remove it, or set it through the environment (aws-config) instead.")).at(argument.location.clone()));
            }
        }
    }
    for inner in &block.body.blocks {
        match inner.name.as_str() {
            "default_tags" => {
                if let Some(tags) = inner.body.arguments.iter().find(|a| a.name == "tags") {
                    default_tags(tags, &mut settings, diagnostics);
                }
            }
            "assume_role" => {
                let mut role = AssumeRole::default();
                for argument in &inner.body.arguments {
                    match argument.name.as_str() {
                        "role_arn" => role.role_arn = text(argument, diagnostics).unwrap_or_default(),
                        "session_name" => role.session_name = text(argument, diagnostics),
                        "external_id" => role.external_id = text(argument, diagnostics),
                        other => diagnostics.push(Diagnostic::error("Unsupported provider argument", format!("infra does not support assume_role's \"{other}\" (it reads role_arn, session_name and external_id).")).at(argument.location.clone())),
                    }
                }
                // An unknown role_arn is judged by `text` (an error for a run).
                let role_arn_unknown = inner
                    .body
                    .arguments
                    .iter()
                    .any(|a| a.name == "role_arn" && !a.value.is_wholly_known());
                if role.role_arn.is_empty() && !role_arn_unknown {
                    diagnostics.push(
                        Diagnostic::error(
                            "Missing required argument",
                            "assume_role needs role_arn.",
                        )
                        .at(inner.location.clone()),
                    );
                }
                settings.assume_role = Some(role);
            }
            "endpoints" => {
                for argument in &inner.body.arguments {
                    if let Some(url) = text(argument, diagnostics) {
                        settings.endpoints.insert(argument.name.clone(), url);
                    }
                }
            }
            other => {
                diagnostics.push(Diagnostic::error("Unsupported provider block", format!("infra does not support the aws provider's \"{other}\" block; remove it, or apply this configuration with Terraform.")).at(inner.location.clone()));
            }
        }
    }
    settings
}

/// A string argument's value: a string, or a number written as text; `None` when null or not
/// known yet (in `validate`). Anything else is an error.
fn text(argument: &Argument, diagnostics: &mut Problems) -> Option<String> {
    match argument.value.unmark_deep() {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(infra_core::value::format_number(n)),
        Value::Null => None,
        value if diagnostics.unknown_passes(argument, &value) => None,
        other => {
            diagnostics.push(
                Diagnostic::error(
                    "Invalid provider argument",
                    format!("{} must be a known string, got {}.", argument.name, other.describe()),
                )
                .at(argument.value_location.clone()),
            );
            None
        }
    }
}

/// A list of strings' value (`shared_config_files`): empty when null or not known yet (in
/// `validate`). Anything else is an error.
fn texts(argument: &Argument, diagnostics: &mut Problems) -> Vec<String> {
    match argument.value.unmark_deep() {
        Value::List(items) if items.iter().all(|item| matches!(item, Value::String(_))) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(text) => Some(text),
                _ => None,
            })
            .collect(),
        Value::Null => vec![],
        value if diagnostics.unknown_passes(argument, &value) => vec![],
        other => {
            diagnostics.push(
                Diagnostic::error(
                    "Invalid provider argument",
                    format!(
                        "{} must be a list of known strings, got {}.",
                        argument.name,
                        other.describe()
                    ),
                )
                .at(argument.value_location.clone()),
            );
            vec![]
        }
    }
}

/// `default_tags { tags = {...} }`: a map of strings.
fn default_tags(tags: &Argument, settings: &mut ProviderSettings, diagnostics: &mut Problems) {
    match tags.value.unmark_deep() {
        Value::Map(entries) => {
            for (key, value) in entries {
                match value {
                    Value::String(text) => {
                        settings.default_tags.insert(key, text);
                    }
                    Value::Number(n) => {
                        settings.default_tags.insert(key, infra_core::value::format_number(n));
                    }
                    Value::Bool(b) => {
                        settings.default_tags.insert(key, b.to_string());
                    }
                    value if diagnostics.unknown_passes(tags, &value) => {}
                    _ => diagnostics.push(
                        Diagnostic::error(
                            "Invalid default tag",
                            format!("The default tag \"{key}\" must be a known string."),
                        )
                        .at(tags.value_location.clone()),
                    ),
                }
            }
        }
        Value::Null => {}
        value if diagnostics.unknown_passes(tags, &value) => {}
        other => diagnostics.push(
            Diagnostic::error(
                "Invalid default_tags",
                format!("tags must be a map of strings, got {}.", other.describe()),
            )
            .at(tags.value_location.clone()),
        ),
    }
}

/// A removed argument: null (or not known yet) is a warning, a value an error saying what
/// replaced it.
fn removed_argument(argument: &Argument, diagnostics: &mut Problems) {
    let why = REMOVED_ARGUMENTS
        .iter()
        .find(|(n, _)| *n == argument.name)
        .map(|(_, why)| *why)
        .unwrap_or_default();
    let name = &argument.name;
    let value = argument.value.unmark_deep();
    if value.is_null() || diagnostics.unknown_passes(argument, &value) {
        diagnostics.push(
            Diagnostic::warning(
                "Argument removed by the provider",
                format!("The argument \"{name}\" no longer exists: {why}. It is accepted only when null, where it has no effect; remove it."),
            )
            .at(argument.location.clone()),
        );
    } else {
        diagnostics.push(
            Diagnostic::error(
                "Unsupported provider argument",
                format!("The argument \"{name}\" no longer exists: {why}. Only null is accepted; remove it."),
            )
            .at(argument.location.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::{BlockBody, NestedBlock, Severity};

    fn argument(name: &str, value: Value) -> Argument {
        Argument { name: name.into(), value, location: None, value_location: None }
    }

    fn block(alias: Option<&str>, body: BlockBody) -> ProviderBlock {
        ProviderBlock {
            name: PROVIDER.into(),
            alias: alias.map(str::to_string),
            location: None,
            body,
        }
    }

    fn summaries(diagnostics: &Diagnostics) -> Vec<(Severity, String)> {
        diagnostics.0.iter().map(|d| (d.severity, d.summary.clone())).collect()
    }

    #[test]
    fn settings_are_read_per_configuration() {
        let default = block(
            None,
            BlockBody {
                arguments: vec![
                    argument("region", Value::string("us-east-1")),
                    argument("max_retries", Value::Number(3.0)),
                    argument("skip_credentials_validation", Value::Bool(true)),
                ],
                blocks: vec![NestedBlock {
                    name: "default_tags".into(),
                    location: None,
                    body: BlockBody {
                        arguments: vec![argument(
                            "tags",
                            Value::map([("Env", Value::string("prod"))]),
                        )],
                        blocks: vec![],
                    },
                }],
            },
        );
        let west = block(
            Some("west"),
            BlockBody {
                arguments: vec![argument("region", Value::string("us-west-2"))],
                blocks: vec![],
            },
        );
        let (settings, warnings) = configurations(&[default, west], Reading::Run).unwrap();
        assert!(warnings.0.is_empty());
        assert_eq!(settings["aws"].region.as_deref(), Some("us-east-1"));
        assert_eq!(settings["aws"].max_retries, Some(3));
        assert_eq!(settings["aws"].default_tags["Env"], "prod");
        assert_eq!(settings["aws.west"].region.as_deref(), Some("us-west-2"));
        // No block: the environment's settings.
        let (settings, _) = configurations(&[], Reading::Run).unwrap();
        assert_eq!(settings["aws"], ProviderSettings::default());
    }

    /// `shared_credentials_file`, which AWS provider 5.0 removed: null, or a value not known
    /// yet (in `validate`), is a warning; a path is an error saying what replaced it.
    #[test]
    fn a_removed_argument_warns_when_null_and_fails_when_set() {
        let with = |value: Value, reading: Reading| {
            let body = BlockBody {
                arguments: vec![argument("shared_credentials_file", value)],
                blocks: vec![],
            };
            configurations(&[block(None, body)], reading)
        };
        for (quiet, reading) in [(Value::Null, Reading::Run), (Value::Unknown, Reading::Validate)] {
            let (_, warnings) = with(quiet, reading).unwrap();
            assert_eq!(
                summaries(&warnings),
                [(Severity::Warning, "Argument removed by the provider".to_string())]
            );
        }
        let errors = with(Value::string("~/.aws/credentials"), Reading::Run).unwrap_err();
        assert_eq!(
            summaries(&errors),
            [(Severity::Error, "Unsupported provider argument".to_string())]
        );
        assert!(errors.to_string().contains("shared_credentials_files"), "{errors}");
    }

    /// `shared_config_files` and `shared_credentials_files` are read (the loader uses them:
    /// `clients::tests`); anything but a list of strings is a located error.
    #[test]
    fn shared_files_are_lists_of_paths() {
        let with = |name: &str, value: Value| {
            let body = BlockBody { arguments: vec![argument(name, value)], blocks: vec![] };
            configurations(&[block(None, body)], Reading::Run)
        };
        let paths = Value::List(vec![Value::string("~/.aws/team"), Value::string("/etc/aws")]);
        let (settings, _) = with("shared_credentials_files", paths.clone()).unwrap();
        assert_eq!(settings["aws"].shared_credentials_files, ["~/.aws/team", "/etc/aws"]);
        let (settings, _) = with("shared_config_files", paths).unwrap();
        assert_eq!(settings["aws"].shared_config_files, ["~/.aws/team", "/etc/aws"]);
        let errors = with("shared_config_files", Value::string("~/.aws/config")).unwrap_err();
        assert_eq!(
            summaries(&errors),
            [(Severity::Error, "Invalid provider argument".to_string())]
        );
    }

    #[test]
    fn what_infra_cannot_honour_is_an_error() {
        let errors = configurations(
            &[block(
                None,
                BlockBody {
                    arguments: vec![
                        argument("retry_mode", Value::string("fast")),
                        argument("token", Value::string("x")),
                        argument("region", Value::List(vec![])),
                    ],
                    blocks: vec![NestedBlock {
                        name: "assume_role".into(),
                        location: None,
                        body: BlockBody::default(),
                    }],
                },
            )],
            Reading::Run,
        )
        .unwrap_err();
        assert_eq!(
            summaries(&errors).into_iter().map(|(_, summary)| summary).collect::<Vec<_>>(),
            [
                "Invalid provider argument",
                "Unsupported provider argument",
                "Invalid provider argument",
                "Missing required argument"
            ]
        );
        // Values not known yet are not judged in `validate`; for a run they are errors (a
        // region from a data source would otherwise fall back to the environment's).
        let unknown = |reading| {
            configurations(
                &[block(
                    None,
                    BlockBody {
                        arguments: vec![argument("region", Value::Unknown)],
                        blocks: vec![NestedBlock {
                            name: "assume_role".into(),
                            location: None,
                            body: BlockBody {
                                arguments: vec![argument("role_arn", Value::Unknown)],
                                blocks: vec![],
                            },
                        }],
                    },
                )],
                reading,
            )
        };
        assert!(unknown(Reading::Validate).is_ok());
        let errors = unknown(Reading::Run).unwrap_err();
        assert_eq!(
            summaries(&errors),
            [
                (Severity::Error, "Invalid provider argument".to_string()),
                (Severity::Error, "Invalid provider argument".to_string())
            ]
        );
        assert!(
            errors.to_string().contains("region must be a known string, got an unknown value"),
            "{errors}"
        );
    }
}
