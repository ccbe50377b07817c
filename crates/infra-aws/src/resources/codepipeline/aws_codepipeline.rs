//! `aws_codepipeline`: a CodePipeline pipeline. The Terraform ID is the pipeline name, which is
//! also the import ID. `name` forces a new pipeline; everything else changes in place: the whole
//! declaration (role, artifact stores, stages with their actions and conditions, pipeline type,
//! execution mode, triggers, variables) is sent again with UpdatePipeline, and tags change with
//! TagResource / UntagResource. CreatePipeline is retried for two minutes while AWS answers that
//! it is "not authorized" to assume a role that IAM has not propagated yet, as the provider does.
//!
//! Refresh is GetPipeline plus ListTagsForResource per pipeline, several in flight
//! (`read_each`): CodePipeline has no batched read.
//!
//! A GitHub (version 1) source action's `OAuthToken` comes back from AWS as `****`: the read
//! keeps the token from the prior value (the configuration's on create), as the provider does,
//! and the token is marked sensitive wherever it appears, so it never shows in a plan. States
//! written by old provider versions hold a `hash-…` of the token; such a state plans one update
//! that stores the token itself. An imported pipeline has no token to keep: it reads `****`, and
//! the first plan updates the action with the configured token.
//!
//! `trigger` holds what AWS reports only while triggers are configured: a V2 pipeline without
//! `trigger` blocks gets default triggers from AWS, which go to the computed `trigger_all`
//! (every trigger on the pipeline) and are not drift, as in the provider. An import therefore
//! reads no `trigger`; a configuration with triggers plans one update after it.
//!
//! Plan-time checks: artifact store regions (none for one store, one per store for several,
//! each region once), name lengths, ARNs and pull request event names. AWS validates the rest of
//! the structure (action providers and their configuration keys, artifact wiring).
//!
//! moto (5.2.5) checks that the role exists and trusts `codepipeline.amazonaws.com`, and that a
//! pipeline has at least two stages; it stores the declaration as sent and returns it, filling in
//! `runOrder = 1` and empty configuration and artifact lists (which compare equal to unset). It
//! neither masks `OAuthToken` nor adds default triggers to V2 pipelines, and reports a taken name
//! as `InvalidStructureException` instead of `PipelineNameInUseException`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use aws_sdk_codepipeline::types::{
    ActionCategory, ActionDeclaration, ActionOwner, ActionTypeId, ArtifactStore, ArtifactStoreType,
    BeforeEntryConditions, Condition, EncryptionKey, EncryptionKeyType, ExecutionMode,
    FailureConditions, GitBranchFilterCriteria, GitConfiguration, GitFilePathFilterCriteria,
    GitPullRequestEventType, GitPullRequestFilter, GitPushFilter, GitTagFilterCriteria,
    InputArtifact, OutputArtifact, PipelineDeclaration, PipelineTriggerDeclaration,
    PipelineTriggerProviderType, PipelineType, PipelineVariableDeclaration,
    Result as ConditionResult, RetryConfiguration, RuleCategory, RuleDeclaration, RuleOwner,
    RuleTypeId, StageDeclaration, StageRetryMode, SuccessConditions,
};
use infra_core::{Attribute, Block, Cause, Check, Operation, ProviderError, Schema, Type, Value};

use super::support::{list_tags, sdk_tags, update_tags};
use crate::app_support::length_problem;
use crate::app_support::{
    blocks, deleted_or_missing, int, is_missing, non_empty, number, retry_while, sent, single,
    string, string_list, strings, text, vanished,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, Declared, Reading};
use crate::error::{aws_error, built};
use crate::tagging::ManagedTags;
use crate::verify::ARN;
use aws_smithy_types::error::operation::BuildError;

/// The action provider whose `OAuthToken` AWS masks (GitHub version 1).
const GITHUB_PROVIDER: &str = "GitHub";
const OAUTH_TOKEN: &str = "OAuthToken";

/// How long CreatePipeline is retried while the new role is not yet assumable (the provider's
/// IAM propagation timeout).
const IAM_PROPAGATION: Duration = Duration::from_secs(2 * 60);

/// The declaration parts that UpdatePipeline sends; tags change on their own.
const DECLARATION: &[&str] = &[
    "role_arn",
    "artifact_store",
    "stage",
    "pipeline_type",
    "execution_mode",
    "trigger",
    "variable",
];

pub type AwsCodepipeline = ObjectType<PipelineObject>;

pub struct PipelineObject;

/// One pipeline as AWS reports it.
pub struct Pipeline {
    declaration: PipelineDeclaration,
    arn: String,
}

/// The pipeline and its tags; `None` when there is no pipeline by that name.
async fn fetch(
    this: &AwsCodepipeline,
    name: &str,
) -> Result<Option<Tagged<Pipeline>>, ProviderError> {
    let clients = this.aws.clients().await;
    let client = &clients.codepipeline;
    let output = match sent!(client.get_pipeline().name(name)) {
        Ok(output) => output,
        Err(error) if is_missing(&error) => return Ok(None),
        Err(error) => return Err(error),
    };
    let Some(declaration) = output.pipeline().cloned() else {
        return Ok(None);
    };
    let arn = match output.metadata().and_then(|m| m.pipeline_arn()) {
        Some(arn) => arn.to_string(),
        None => {
            // AWS always answers with the ARN; build it the way AWS does if not.
            let account = this.aws.account_id().await?;
            format!(
                "arn:{}:codepipeline:{}:{account}:{}",
                crate::clients::partition_of(&clients.region),
                clients.region,
                declaration.name()
            )
        }
    };
    // A pipeline deleted between the two calls is gone.
    let tags = match list_tags(client, &arn).await {
        Ok(tags) => tags,
        Err(error) if is_missing(&error) => return Ok(None),
        Err(error) => return Err(error),
    };
    Ok(Some(Tagged { object: Pipeline { declaration, arn }, tags }))
}

/// A stage condition: its result and its rules.
fn condition_schema() -> Schema {
    let rule_type_id = Schema::new()
        .attr(
            Attribute::required("category", Type::String)
                .check(Check::OneOf(RuleCategory::values())),
        )
        .attr(Attribute::optional("owner", Type::String).check(Check::OneOf(RuleOwner::values())))
        .attr(Attribute::required("provider", Type::String))
        .attr(Attribute::optional("version", Type::String));
    let rule =
        with_inputs(Schema::new().attr(Attribute::optional("commands", Type::list(Type::String))))
            .attr(Attribute::optional("region", Type::String))
            .attr(Attribute::optional("role_arn", Type::String))
            .attr(timeout_in_minutes())
            .block(Block::single("rule_type_id", rule_type_id).required());
    Schema::new()
        .attr(
            Attribute::optional("result", Type::String)
                .check(Check::OneOf(ConditionResult::values())),
        )
        .block(Block { min_items: 1, max_items: Some(5), ..Block::list("rule", rule) })
}

/// The arguments an action and a condition rule share, in the schema's order after `schema`'s:
/// `configuration`, `input_artifacts` and `name`.
fn with_inputs(schema: Schema) -> Schema {
    schema
        .attr(Attribute::optional("configuration", Type::map(Type::String)))
        .attr(Attribute::optional("input_artifacts", Type::list(Type::String)))
        .attr(Attribute::required("name", Type::String))
}

/// An action's or a condition rule's `timeout_in_minutes` (5 minutes to 24 hours).
fn timeout_in_minutes() -> Attribute {
    Attribute::optional("timeout_in_minutes", Type::Number).check(Check::Range(5, 86_400))
}

fn action_schema() -> Schema {
    with_inputs(Schema::new().attr(
        Attribute::required("category", Type::String).check(Check::OneOf(ActionCategory::values())),
    ))
    .attr(Attribute::optional("namespace", Type::String).check(Check::Length(1, 100)))
    .attr(Attribute::optional("output_artifacts", Type::list(Type::String)))
    .attr(Attribute::required("owner", Type::String).check(Check::OneOf(ActionOwner::values())))
    .attr(Attribute::required("provider", Type::String))
    .attr(Attribute::optional_computed("region", Type::String))
    .attr(Attribute::optional("role_arn", Type::String).check(ARN))
    .attr(Attribute::optional_computed("run_order", Type::Number).check(Check::Range(1, 999)))
    .attr(timeout_in_minutes())
    .attr(Attribute::required("version", Type::String).check(Check::Length(1, 9)))
}

/// A stage: its name, actions and conditions.
fn stage_schema() -> Schema {
    let condition = condition_schema();
    let on_failure = Schema::new()
        .attr(
            Attribute::optional("result", Type::String)
                .check(Check::OneOf(ConditionResult::values())),
        )
        .block(Block::single("condition", condition.clone()))
        .block(Block::single(
            "retry_configuration",
            Schema::new().attr(
                Attribute::optional("retry_mode", Type::String)
                    .check(Check::OneOf(StageRetryMode::values())),
            ),
        ));
    Schema::new()
        .attr(Attribute::required("name", Type::String).check(Check::Length(1, 100)))
        .block(Block::list("action", action_schema()).required())
        .block(Block::single(
            "before_entry",
            Schema::new().block(Block::single("condition", condition.clone()).required()),
        ))
        .block(Block::single("on_failure", on_failure))
        .block(Block::single(
            "on_success",
            Schema::new().block(Block::single("condition", condition).required()),
        ))
}

/// A trigger: the provider type and its Git configuration.
fn trigger_schema() -> Schema {
    let criteria = || {
        Schema::new()
            .attr(Attribute::optional("excludes", Type::list(Type::String)))
            .attr(Attribute::optional("includes", Type::list(Type::String)))
    };
    let pull_request = Schema::new()
        .attr(
            Attribute::optional("events", Type::list(Type::String))
                .check(Check::OneOf(GitPullRequestEventType::values())),
        )
        .block(Block::single("branches", criteria()))
        .block(Block::single("file_paths", criteria()));
    let push = Schema::new()
        .block(Block::single("branches", criteria()))
        .block(Block::single("file_paths", criteria()))
        .block(Block::single("tags", criteria()));
    let git_configuration = Schema::new()
        .attr(Attribute::required("source_action_name", Type::String))
        .block(Block { max_items: Some(3), ..Block::list("pull_request", pull_request) })
        .block(Block { max_items: Some(3), ..Block::list("push", push) });
    Schema::new()
        .attr(
            Attribute::required("provider_type", Type::String)
                .check(Check::OneOf(PipelineTriggerProviderType::values())),
        )
        .block(Block::single("git_configuration", git_configuration).required())
}

fn artifact_store_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("location", Type::String))
        .attr(Attribute::optional("region", Type::String))
        .attr(
            Attribute::required("type", Type::String)
                .check(Check::OneOf(ArtifactStoreType::values())),
        )
        .block(Block::single(
            "encryption_key",
            Schema::new().attr(Attribute::required("id", Type::String)).attr(
                Attribute::required("type", Type::String)
                    .check(Check::OneOf(EncryptionKeyType::values())),
            ),
        ))
}

/// A scalar as the string a `map(string)` holds.
fn scalar_text(value: &Value) -> Option<String> {
    match value.unmarked() {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(infra_core::value::format_number(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A `map(string)` attribute for the SDK; `None` when unset or empty (as the provider sends it).
fn string_map(value: &Value, key: &str) -> Option<HashMap<String, String>> {
    let map: HashMap<String, String> = value
        .get(key)
        .as_map()?
        .iter()
        .filter_map(|(k, v)| scalar_text(v).map(|text| (k.clone(), text)))
        .collect();
    (!map.is_empty()).then_some(map)
}

/// A list of strings for the SDK; `None` when unset or empty.
fn string_vec(value: &Value, key: &str) -> Option<Vec<String>> {
    let items = strings(value, key);
    (!items.is_empty()).then_some(items)
}

/// The problem with the artifact stores' regions, in the provider's words.
fn artifact_store_problem(regions: &[Option<String>]) -> Option<&'static str> {
    match regions {
        [] => None,
        [only] => only
            .is_some()
            .then_some("region cannot be set for a single-region CodePipeline Pipeline"),
        many => {
            if many.iter().any(Option::is_none) {
                return Some("region must be set for a cross-region CodePipeline Pipeline");
            }
            let distinct: BTreeSet<&Option<String>> = many.iter().collect();
            (distinct.len() != many.len()).then_some(
                "only one Artifact Store can be defined per region for a cross-region \
                 CodePipeline Pipeline",
            )
        }
    }
}

fn artifact_stores(planned: &Value) -> Result<Vec<(Option<String>, ArtifactStore)>, ProviderError> {
    blocks(planned, "artifact_store")
        .iter()
        .map(|store| {
            let key = single(store, "encryption_key")
                .map(|key| {
                    built(
                        EncryptionKey::builder()
                            .set_id(string(key, "id"))
                            .set_type(
                                string(key, "type").map(|t| EncryptionKeyType::from(t.as_str())),
                            )
                            .build(),
                    )
                })
                .transpose()?;
            let artifact_store = built(
                ArtifactStore::builder()
                    .set_type(string(store, "type").map(|t| ArtifactStoreType::from(t.as_str())))
                    .set_location(string(store, "location"))
                    .set_encryption_key(key)
                    .build(),
            )?;
            Ok((non_empty(store, "region"), artifact_store))
        })
        .collect()
}

/// The artifact names under `key`, each built by `build` (an input or an output artifact);
/// `None` when there are none.
fn artifacts<T>(
    value: &Value,
    key: &str,
    build: impl Fn(String) -> Result<T, BuildError>,
) -> Result<Option<Vec<T>>, ProviderError> {
    let Some(names) = string_vec(value, key) else {
        return Ok(None);
    };
    names.into_iter().map(|name| built(build(name))).collect::<Result<Vec<_>, _>>().map(Some)
}

fn input_artifacts(value: &Value) -> Result<Option<Vec<InputArtifact>>, ProviderError> {
    artifacts(value, "input_artifacts", |name| InputArtifact::builder().name(name).build())
}

fn action_declaration(action: &Value) -> Result<ActionDeclaration, ProviderError> {
    let type_id = built(
        ActionTypeId::builder()
            .set_category(non_empty(action, "category").map(|c| ActionCategory::from(c.as_str())))
            .set_owner(non_empty(action, "owner").map(|o| ActionOwner::from(o.as_str())))
            .set_provider(string(action, "provider"))
            .set_version(string(action, "version"))
            .build(),
    )?;
    built(
        ActionDeclaration::builder()
            .set_name(string(action, "name"))
            .action_type_id(type_id)
            .set_configuration(string_map(action, "configuration"))
            .set_input_artifacts(input_artifacts(action)?)
            .set_output_artifacts(artifacts(action, "output_artifacts", |name| {
                OutputArtifact::builder().name(name).build()
            })?)
            .set_namespace(non_empty(action, "namespace"))
            .set_region(non_empty(action, "region"))
            .set_role_arn(non_empty(action, "role_arn"))
            .set_run_order(int(action, "run_order").filter(|n| *n != 0))
            .set_timeout_in_minutes(int(action, "timeout_in_minutes").filter(|n| *n != 0))
            .build(),
    )
}

fn rule_declaration(rule: &Value) -> Result<RuleDeclaration, ProviderError> {
    let type_id = single(rule, "rule_type_id")
        .map(|id| {
            built(
                RuleTypeId::builder()
                    .set_category(non_empty(id, "category").map(|c| RuleCategory::from(c.as_str())))
                    .set_owner(non_empty(id, "owner").map(|o| RuleOwner::from(o.as_str())))
                    .set_provider(string(id, "provider"))
                    .set_version(non_empty(id, "version"))
                    .build(),
            )
        })
        .transpose()?;
    built(
        RuleDeclaration::builder()
            .set_name(string(rule, "name"))
            .set_rule_type_id(type_id)
            .set_configuration(string_map(rule, "configuration"))
            .set_commands(string_vec(rule, "commands"))
            .set_input_artifacts(input_artifacts(rule)?)
            .set_region(non_empty(rule, "region"))
            .set_role_arn(non_empty(rule, "role_arn"))
            .set_timeout_in_minutes(int(rule, "timeout_in_minutes").filter(|n| *n != 0))
            .build(),
    )
}

/// The `condition` blocks of a `before_entry`, `on_success` or `on_failure` block.
fn conditions(parent: &Value) -> Result<Vec<Condition>, ProviderError> {
    blocks(parent, "condition")
        .iter()
        .map(|condition| {
            let rules = blocks(condition, "rule")
                .iter()
                .map(rule_declaration)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Condition::builder()
                .set_result(
                    non_empty(condition, "result").map(|r| ConditionResult::from(r.as_str())),
                )
                .set_rules((!rules.is_empty()).then_some(rules))
                .build())
        })
        .collect()
}

/// A stage's `before_entry` or `on_success` block (`key`), its conditions built by `build`.
fn conditions_block<T>(
    stage: &Value,
    key: &str,
    build: impl Fn(Vec<Condition>) -> Result<T, BuildError>,
) -> Result<Option<T>, ProviderError> {
    single(stage, key).map(|block| built(build(conditions(block)?))).transpose()
}

fn failure_conditions(on_failure: &Value) -> Result<FailureConditions, ProviderError> {
    let conditions = conditions(on_failure)?;
    Ok(FailureConditions::builder()
        .set_result(non_empty(on_failure, "result").map(|r| ConditionResult::from(r.as_str())))
        .set_retry_configuration(single(on_failure, "retry_configuration").map(|retry| {
            RetryConfiguration::builder()
                .set_retry_mode(
                    non_empty(retry, "retry_mode").map(|m| StageRetryMode::from(m.as_str())),
                )
                .build()
        }))
        .set_conditions((!conditions.is_empty()).then_some(conditions))
        .build())
}

fn stage_declaration(stage: &Value) -> Result<StageDeclaration, ProviderError> {
    let actions =
        blocks(stage, "action").iter().map(action_declaration).collect::<Result<Vec<_>, _>>()?;
    let before_entry = conditions_block(stage, "before_entry", |conditions| {
        BeforeEntryConditions::builder().set_conditions(Some(conditions)).build()
    })?;
    let on_success = conditions_block(stage, "on_success", |conditions| {
        SuccessConditions::builder().set_conditions(Some(conditions)).build()
    })?;
    let on_failure = single(stage, "on_failure").map(failure_conditions).transpose()?;
    built(
        StageDeclaration::builder()
            .set_name(string(stage, "name"))
            .set_actions(Some(actions))
            .set_before_entry(before_entry)
            .set_on_success(on_success)
            .set_on_failure(on_failure)
            .build(),
    )
}

fn branch_criteria(value: &Value) -> GitBranchFilterCriteria {
    GitBranchFilterCriteria::builder()
        .set_includes(string_vec(value, "includes"))
        .set_excludes(string_vec(value, "excludes"))
        .build()
}

fn file_path_criteria(value: &Value) -> GitFilePathFilterCriteria {
    GitFilePathFilterCriteria::builder()
        .set_includes(string_vec(value, "includes"))
        .set_excludes(string_vec(value, "excludes"))
        .build()
}

fn tag_criteria(value: &Value) -> GitTagFilterCriteria {
    GitTagFilterCriteria::builder()
        .set_includes(string_vec(value, "includes"))
        .set_excludes(string_vec(value, "excludes"))
        .build()
}

fn git_configuration(git: &Value) -> Result<GitConfiguration, ProviderError> {
    let push: Vec<GitPushFilter> = blocks(git, "push")
        .iter()
        .map(|push| {
            GitPushFilter::builder()
                .set_branches(single(push, "branches").map(branch_criteria))
                .set_file_paths(single(push, "file_paths").map(file_path_criteria))
                .set_tags(single(push, "tags").map(tag_criteria))
                .build()
        })
        .collect();
    let pull_requests: Vec<GitPullRequestFilter> = blocks(git, "pull_request")
        .iter()
        .map(|pull_request| {
            let events: Vec<GitPullRequestEventType> = strings(pull_request, "events")
                .iter()
                .map(|event| GitPullRequestEventType::from(event.as_str()))
                .collect();
            GitPullRequestFilter::builder()
                .set_events((!events.is_empty()).then_some(events))
                .set_branches(single(pull_request, "branches").map(branch_criteria))
                .set_file_paths(single(pull_request, "file_paths").map(file_path_criteria))
                .build()
        })
        .collect();
    built(
        GitConfiguration::builder()
            .set_source_action_name(string(git, "source_action_name"))
            .set_push((!push.is_empty()).then_some(push))
            .set_pull_request((!pull_requests.is_empty()).then_some(pull_requests))
            .build(),
    )
}

fn trigger_declaration(trigger: &Value) -> Result<PipelineTriggerDeclaration, ProviderError> {
    let git = single(trigger, "git_configuration").map(git_configuration).transpose()?;
    built(
        PipelineTriggerDeclaration::builder()
            .set_provider_type(
                non_empty(trigger, "provider_type")
                    .map(|p| PipelineTriggerProviderType::from(p.as_str())),
            )
            .set_git_configuration(git)
            .build(),
    )
}

fn variable_declaration(variable: &Value) -> Result<PipelineVariableDeclaration, ProviderError> {
    built(
        PipelineVariableDeclaration::builder()
            .set_name(string(variable, "name"))
            .set_default_value(non_empty(variable, "default_value"))
            .set_description(non_empty(variable, "description"))
            .build(),
    )
}

/// The whole declaration CreatePipeline and UpdatePipeline take, from the planned value.
fn pipeline_declaration(planned: &Value) -> Result<PipelineDeclaration, ProviderError> {
    let pipeline_type = non_empty(planned, "pipeline_type").unwrap_or_else(|| "V1".to_string());
    let stores = artifact_stores(planned)?;
    let regions: Vec<Option<String>> = stores.iter().map(|(region, _)| region.clone()).collect();
    if let Some(problem) = artifact_store_problem(&regions) {
        return Err(ProviderError::new(problem));
    }
    let stages =
        blocks(planned, "stage").iter().map(stage_declaration).collect::<Result<Vec<_>, _>>()?;
    let mut builder = PipelineDeclaration::builder()
        .set_name(string(planned, "name"))
        .set_role_arn(string(planned, "role_arn"))
        .pipeline_type(PipelineType::from(pipeline_type.as_str()))
        .set_execution_mode(
            non_empty(planned, "execution_mode").map(|m| ExecutionMode::from(m.as_str())),
        )
        .set_stages(Some(stages));
    // One store goes in `artifactStore`; several (cross-region) in `artifactStores` by region.
    if stores.len() == 1 {
        builder = builder.set_artifact_store(stores.into_iter().next().map(|(_, store)| store));
    } else if !stores.is_empty() {
        let by_region: HashMap<String, ArtifactStore> = stores
            .into_iter()
            .filter_map(|(region, store)| region.map(|region| (region, store)))
            .collect();
        builder = builder.set_artifact_stores(Some(by_region));
    }
    // A V2 pipeline always gets its triggers sent (an empty list removes custom ones), as the
    // provider does.
    let triggers = blocks(planned, "trigger");
    if !triggers.is_empty() || pipeline_type == "V2" {
        let triggers = triggers.iter().map(trigger_declaration).collect::<Result<Vec<_>, _>>()?;
        builder = builder.set_triggers(Some(triggers));
    }
    let variables = blocks(planned, "variable");
    if !variables.is_empty() {
        let variables =
            variables.iter().map(variable_declaration).collect::<Result<Vec<_>, _>>()?;
        builder = builder.set_variables(Some(variables));
    }
    built(builder.build())
}

/// AWS's answer while a new role cannot be assumed yet (IAM propagation).
fn role_not_assumable_yet(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("InvalidStructureException")
        && error.message.contains("not authorized")
}

fn map_value(map: Option<&HashMap<String, String>>) -> Value {
    match map {
        Some(map) => Value::Map(map.iter().map(|(k, v)| (k.clone(), Value::string(v))).collect()),
        None => Value::Null,
    }
}

fn store_value(store: &ArtifactStore, region: Option<&str>) -> Value {
    let key = store.encryption_key().map(|key| {
        Value::map([
            ("id", Value::string(key.id())),
            ("type", Value::string(key.r#type().as_str())),
        ])
    });
    Value::map([
        ("location", Value::string(store.location())),
        ("type", Value::string(store.r#type().as_str())),
        ("region", text(region)),
        ("encryption_key", Value::List(key.into_iter().collect())),
    ])
}

/// One action; a GitHub (v1) `OAuthToken` keeps `hint`'s token, since AWS returns `****`.
fn action_value(action: &ActionDeclaration, hint: &Value) -> Value {
    let type_id = action.action_type_id();
    let provider = type_id.map(|t| t.provider()).unwrap_or_default();
    let configuration = match action.configuration() {
        Some(configuration) => {
            let mut entries: BTreeMap<String, Value> =
                configuration.iter().map(|(k, v)| (k.clone(), Value::string(v))).collect();
            if provider == GITHUB_PROVIDER {
                if let Some(token) = entries.get_mut(OAUTH_TOKEN) {
                    let kept = hint.get("configuration").get(OAUTH_TOKEN);
                    if !kept.is_null() && kept.is_wholly_known() {
                        *token = kept.clone();
                    }
                }
            }
            Value::Map(entries)
        }
        None => Value::Null,
    };
    Value::map([
        ("category", text(type_id.map(|t| t.category().as_str()))),
        ("owner", text(type_id.map(|t| t.owner().as_str()))),
        ("provider", text(type_id.map(|t| t.provider()))),
        ("version", text(type_id.map(|t| t.version()))),
        ("name", Value::string(action.name())),
        ("configuration", configuration),
        ("input_artifacts", string_list(action.input_artifacts().iter().map(|a| a.name()))),
        ("output_artifacts", string_list(action.output_artifacts().iter().map(|a| a.name()))),
        ("namespace", text(action.namespace())),
        ("region", text(action.region())),
        ("role_arn", text(action.role_arn())),
        ("run_order", number(action.run_order().map(i64::from))),
        ("timeout_in_minutes", number(action.timeout_in_minutes().map(i64::from))),
    ])
}

fn rule_value(rule: &RuleDeclaration) -> Value {
    let type_id = rule.rule_type_id().map(|id| {
        Value::map([
            ("category", Value::string(id.category().as_str())),
            ("owner", text(id.owner().map(|o| o.as_str()))),
            ("provider", Value::string(id.provider())),
            ("version", text(id.version())),
        ])
    });
    Value::map([
        ("name", Value::string(rule.name())),
        ("rule_type_id", Value::List(type_id.into_iter().collect())),
        ("commands", string_list(rule.commands())),
        ("configuration", map_value(rule.configuration())),
        ("input_artifacts", string_list(rule.input_artifacts().iter().map(|a| a.name()))),
        ("region", text(rule.region())),
        ("role_arn", text(rule.role_arn())),
        ("timeout_in_minutes", number(rule.timeout_in_minutes().map(i64::from))),
    ])
}

fn conditions_value(conditions: &[Condition]) -> Value {
    Value::List(
        conditions
            .iter()
            .map(|condition| {
                Value::map([
                    ("result", text(condition.result().map(|r| r.as_str()))),
                    ("rule", Value::List(condition.rules().iter().map(rule_value).collect())),
                ])
            })
            .collect(),
    )
}

fn failure_value(on_failure: &FailureConditions) -> Value {
    let retry = on_failure
        .retry_configuration()
        .map(|retry| Value::map([("retry_mode", text(retry.retry_mode().map(|m| m.as_str())))]));
    Value::map([
        ("condition", conditions_value(on_failure.conditions())),
        ("result", text(on_failure.result().map(|r| r.as_str()))),
        ("retry_configuration", Value::List(retry.into_iter().collect())),
    ])
}

fn stage_value(stage: &StageDeclaration, hint: &Value) -> Value {
    let hinted_actions = blocks(hint, "action");
    let actions = stage
        .actions()
        .iter()
        .enumerate()
        .map(|(index, action)| {
            action_value(action, hinted_actions.get(index).unwrap_or(&Value::Null))
        })
        .collect();
    let before_entry = stage
        .before_entry()
        .map(|entry| Value::map([("condition", conditions_value(entry.conditions()))]));
    let on_success = stage
        .on_success()
        .map(|success| Value::map([("condition", conditions_value(success.conditions()))]));
    Value::map([
        ("name", Value::string(stage.name())),
        ("action", Value::List(actions)),
        ("before_entry", Value::List(before_entry.into_iter().collect())),
        ("on_success", Value::List(on_success.into_iter().collect())),
        ("on_failure", Value::List(stage.on_failure().map(failure_value).into_iter().collect())),
    ])
}

/// A `branches`, `file_paths` or `tags` block (its includes and excludes), a list of at most one.
fn criteria_value(criteria: Option<(&[String], &[String])>) -> Value {
    let block = criteria.map(|(includes, excludes)| {
        Value::map([("excludes", string_list(excludes)), ("includes", string_list(includes))])
    });
    Value::List(block.into_iter().collect())
}

fn trigger_value(trigger: &PipelineTriggerDeclaration) -> Value {
    let git = trigger.git_configuration().map(|git| {
        let push = git
            .push()
            .iter()
            .map(|push| {
                let branches = push.branches().map(|b| (b.includes(), b.excludes()));
                let file_paths = push.file_paths().map(|f| (f.includes(), f.excludes()));
                let tags = push.tags().map(|t| (t.includes(), t.excludes()));
                Value::map([
                    ("branches", criteria_value(branches)),
                    ("file_paths", criteria_value(file_paths)),
                    ("tags", criteria_value(tags)),
                ])
            })
            .collect();
        let pull_requests = git
            .pull_request()
            .iter()
            .map(|pull_request| {
                let branches = pull_request.branches();
                let file_paths = pull_request.file_paths();
                Value::map([
                    ("events", string_list(pull_request.events().iter().map(|e| e.as_str()))),
                    ("branches", criteria_value(branches.map(|b| (b.includes(), b.excludes())))),
                    (
                        "file_paths",
                        criteria_value(file_paths.map(|f| (f.includes(), f.excludes()))),
                    ),
                ])
            })
            .collect();
        Value::map([
            ("source_action_name", Value::string(git.source_action_name())),
            ("push", Value::List(push)),
            ("pull_request", Value::List(pull_requests)),
        ])
    });
    Value::map([
        ("provider_type", Value::string(trigger.provider_type().as_str())),
        ("git_configuration", Value::List(git.into_iter().collect())),
    ])
}

/// Every trigger on the pipeline.
fn triggers(found: &Pipeline) -> Value {
    Value::List(found.declaration.triggers().iter().map(trigger_value).collect())
}

/// An optional enum argument with its default and the enum's values as its check, read as
/// `read_enum` reports it (absent: the default).
fn defaulted(
    name: &'static str,
    default: &'static str,
    values: &'static [&'static str],
    read_enum: fn(&PipelineDeclaration) -> Option<&str>,
) -> Declared<Pipeline> {
    read(
        Attribute::optional(name, Type::String)
            .default(Value::string(default))
            .check(Check::OneOf(values)),
        move |found: &Pipeline, _: &Reading| {
            Value::string(read_enum(&found.declaration).unwrap_or(default))
        },
    )
}

/// The attributes and blocks, each with how it is read from the pipeline; the prior (or
/// planned) value supplies the GitHub OAuth token AWS masks and whether `trigger` is
/// configured.
fn attributes() -> Vec<Declared<Pipeline>> {
    fn name(found: &Pipeline, _: &Reading) -> Value {
        Value::string(found.declaration.name())
    }
    let variable = Schema::new()
        .attr(Attribute::optional("default_value", Type::String))
        .attr(Attribute::optional("description", Type::String))
        .attr(Attribute::required("name", Type::String));
    vec![
        read(Attribute::computed("id", Type::String), name),
        read(Attribute::computed("arn", Type::String), |found: &Pipeline, _: &Reading| {
            Value::string(&found.arn)
        }),
        read(
            Attribute::required("name", Type::String).force_new().check(Check::Length(1, 100)),
            name,
        ),
        read(
            Attribute::required("role_arn", Type::String).check(ARN),
            |found: &Pipeline, _: &Reading| Value::string(found.declaration.role_arn()),
        ),
        // AWS always reports both; absent means its defaults.
        defaulted("pipeline_type", "V1", PipelineType::values(), |d| {
            d.pipeline_type().map(|t| t.as_str())
        }),
        defaulted("execution_mode", "SUPERSEDED", ExecutionMode::values(), |d| {
            d.execution_mode().map(|m| m.as_str())
        }),
        read(
            Attribute::computed("trigger_all", Type::list(Type::Any)),
            |found: &Pipeline, _: &Reading| triggers(found),
        ),
        read_block(
            Block::set("artifact_store", artifact_store_schema()).required(),
            |found: &Pipeline, _: &Reading| {
                let pipeline = &found.declaration;
                let stores = match (pipeline.artifact_store(), pipeline.artifact_stores()) {
                    (Some(store), _) => vec![store_value(store, None)],
                    (None, Some(stores)) => stores
                        .iter()
                        .map(|(region, store)| store_value(store, Some(region.as_str())))
                        .collect(),
                    (None, None) => vec![],
                };
                Value::List(stores)
            },
        ),
        read_block(
            Block { min_items: 2, ..Block::list("stage", stage_schema()) },
            |found: &Pipeline, at: &Reading| {
                let hinted_stages = blocks(at.prior, "stage");
                let stages = found.declaration.stages().iter().enumerate();
                let stages = stages.map(|(index, stage)| {
                    stage_value(stage, hinted_stages.get(index).unwrap_or(&Value::Null))
                });
                Value::List(stages.collect())
            },
        ),
        read_block(
            Block { max_items: Some(50), ..Block::list("trigger", trigger_schema()) },
            |found: &Pipeline, at: &Reading| match blocks(at.prior, "trigger").is_empty() {
                true => Value::List(vec![]),
                false => triggers(found),
            },
        ),
        read_block(Block::list("variable", variable), |found: &Pipeline, _: &Reading| {
            let variables = found.declaration.variables().iter().map(|variable| {
                Value::map([
                    ("name", Value::string(variable.name())),
                    ("default_value", text(variable.default_value())),
                    ("description", text(variable.description())),
                ])
            });
            Value::List(variables.collect())
        }),
    ]
}

/// Equal, with null and empty lists or maps the same (as the plan compares).
fn equivalent(a: &Value, b: &Value) -> bool {
    let empty = |v: &Value| match v.unmarked() {
        Value::Null => true,
        Value::List(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        _ => false,
    };
    if empty(a) && empty(b) {
        return true;
    }
    match (a.unmarked(), b.unmarked()) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < 1e-9,
        (Value::Map(x), Value::Map(y)) => x.keys().chain(y.keys()).all(|k| {
            equivalent(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null))
        }),
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equivalent(p, q))
        }
        (x, y) => x.to_json() == y.to_json(),
    }
}

fn entries_mut(value: &mut Value) -> Option<&mut BTreeMap<String, Value>> {
    match value {
        Value::Map(entries) => Some(entries),
        Value::Sensitive(inner) => entries_mut(inner),
        _ => None,
    }
}

fn items_mut(value: &mut Value) -> Option<&mut Vec<Value>> {
    match value {
        Value::List(items) => Some(items),
        Value::Sensitive(inner) => items_mut(inner),
        _ => None,
    }
}

/// Marks every GitHub (v1) action's `OAuthToken` sensitive, so no plan or state view shows it.
fn hide_oauth_tokens(value: &mut Value) {
    let Some(stages) =
        entries_mut(value).and_then(|entries| entries.get_mut("stage")).and_then(items_mut)
    else {
        return;
    };
    for stage in stages {
        let Some(actions) =
            entries_mut(stage).and_then(|entries| entries.get_mut("action")).and_then(items_mut)
        else {
            continue;
        };
        for action in actions {
            let Some(entries) = entries_mut(action) else {
                continue;
            };
            if entries.get("provider").and_then(Value::as_str) != Some(GITHUB_PROVIDER) {
                continue;
            }
            let Some(configuration) = entries.get_mut("configuration").and_then(entries_mut) else {
                continue;
            };
            if let Some(token) = configuration.get_mut(OAUTH_TOKEN) {
                if !token.is_null() && !token.is_sensitive() {
                    *token = std::mem::take(token).mark_sensitive();
                }
            }
        }
    }
}

impl AwsObject for PipelineObject {
    type Object = Pipeline;
    const NAME: &'static str = "aws_codepipeline";
    const KIND: &'static str = "CodePipeline Pipeline";
    const KEY: &'static str = "name";
    const KEY_OR_ID: bool = true;

    fn attributes() -> Vec<Declared<Pipeline>> {
        attributes()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let stores = blocks(config, "artifact_store");
        if stores.iter().all(|s| s.get("region").is_wholly_known()) {
            let regions: Vec<Option<String>> =
                stores.iter().map(|s| non_empty(s, "region")).collect();
            if let Some(problem) = artifact_store_problem(&regions) {
                problems.push(("artifact_store".to_string(), problem.to_string()));
            }
        }
        for (i, stage) in blocks(config, "stage").iter().enumerate() {
            // An action's name, not a condition rule's (they share the declaration).
            for (j, action) in blocks(stage, "action").iter().enumerate() {
                let key = format!("stage.{i}.action.{j}.name");
                problems.extend(
                    length_problem(&key, action.get("name"), (1, 100))
                        .map(|problem| (format!("stage[{i}].action[{j}].name"), problem)),
                );
            }
        }
        problems
    }

    fn normalize(value: &mut Value) {
        hide_oauth_tokens(value);
    }

    /// Pipeline names are unique in a region: a lost create is found by its name (with the
    /// managed tags).
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// GetPipeline and ListTagsForResource per pipeline, several in flight: there is no batched
    /// read.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Pipeline> {
        each_key(names, |name| fetch(this, name)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.codepipeline;
        let declaration = pipeline_declaration(at.planned)?;
        let name = declaration.name().to_string();
        let tags = sdk_tags(&at.operation.tags_with_managed(at.planned))?;
        retry_while(IAM_PROPAGATION, role_not_assumable_yet, || {
            let request =
                client.create_pipeline().pipeline(declaration.clone()).set_tags(Some(tags.clone()));
            async move { request.send().await.map_err(aws_error) }
        })
        .await
        .map_err(|error| {
            let error = if error.code.as_deref() == Some("PipelineNameInUseException") {
                error.with_cause(Cause::AlreadyExists)
            } else {
                error
            };
            error.context(&format!("creating CodePipeline Pipeline ({name})"))
        })?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let name = at.key;
        let client = &at.this.aws.clients().await.codepipeline;
        let declaration_changed =
            DECLARATION.iter().any(|key| !equivalent(at.prior.get(key), at.planned.get(key)));
        if declaration_changed {
            sent!(client.update_pipeline().pipeline(pipeline_declaration(at.planned)?))
                .map_err(|e| e.context(&format!("updating CodePipeline Pipeline ({name})")))?;
        }
        let arn = match string(at.prior, "arn") {
            Some(arn) => arn,
            None => fetch(at.this, name)
                .await?
                .map(|found| found.object.arn)
                .ok_or_else(|| vanished("CodePipeline Pipeline", name))?,
        };
        update_tags(client, &arn, at.prior, at.planned).await?;
        Ok(name.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let name = at.key;
        let client = &at.this.aws.clients().await.codepipeline;
        deleted_or_missing(sent!(client.delete_pipeline().name(name)))
            .map_err(|error| error.context(&format!("deleting CodePipeline Pipeline ({name})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github_pipeline(token: Value) -> Value {
        Value::map([(
            "stage",
            Value::List(vec![Value::map([(
                "action",
                Value::List(vec![Value::map([
                    ("provider", Value::string(GITHUB_PROVIDER)),
                    (
                        "configuration",
                        Value::map([(OAUTH_TOKEN, token), ("Repo", Value::string("app"))]),
                    ),
                ])]),
            )])]),
        )])
    }

    #[test]
    fn github_tokens_are_marked_sensitive() {
        let mut value = github_pipeline(Value::string("secret"));
        hide_oauth_tokens(&mut value);
        assert_eq!(
            value.sensitive_paths(),
            vec!["stage[0].action[0].configuration.OAuthToken".to_string()]
        );
    }

    #[test]
    fn artifact_store_regions_follow_the_provider() {
        assert_eq!(artifact_store_problem(&[None]), None);
        assert!(artifact_store_problem(&[Some("us-east-1".into())]).is_some());
        assert!(artifact_store_problem(&[Some("us-east-1".into()), None]).is_some());
        assert!(
            artifact_store_problem(&[Some("us-east-1".into()), Some("us-east-1".into())]).is_some()
        );
        assert_eq!(
            artifact_store_problem(&[Some("us-east-1".into()), Some("eu-west-1".into())]),
            None
        );
    }

    #[test]
    fn empty_and_unset_compare_equal() {
        assert!(equivalent(&Value::Null, &Value::List(vec![])));
        assert!(equivalent(
            &Value::map([("a", Value::Null)]),
            &Value::map([("a", Value::map(Vec::<(String, Value)>::new()))])
        ));
        assert!(!equivalent(&Value::string("a"), &Value::string("b")));
    }
}
