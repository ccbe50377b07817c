//! What an `aws_ecs_service` tells its blue/green rollout (`crate::blue_green`): whether a value
//! asks for one, and the [`DeploymentSpec`] read from it (colours' target groups, the
//! production and test routes, the strategy); which attributes the deployment owns at run
//! time; and how to read the colour that serves it.
//!
//! The provider's ECS-native schema is read unchanged:
//! `deployment_configuration { strategy = "BLUE_GREEN" | "LINEAR" | "CANARY",
//! bake_time_in_minutes, linear_configuration { step_percent, step_bake_time_in_minutes },
//! canary_configuration { canary_percent, canary_bake_time_in_minutes } }`, with ECS's
//! defaults (linear: 10% steps, 6 minutes apart; canary: 5%, then the rest after 10 minutes),
//! and `load_balancer { advanced_configuration { alternate_target_group_arn,
//! production_listener_rule, test_listener_rule } }`. infra's own settings in
//! `deployment_configuration` (`traffic_shift`, `shift_percent`, `shift_interval_seconds`,
//! `error_threshold_percent`, `minimum_request_count`, `health_gate_timeout_seconds`,
//! `standby_retention_minutes`, `poll_interval_seconds`, `keep_failed_colour`) are documented
//! extensions; `traffic_shift` and its two settings are an alias for LINEAR/CANARY under
//! `strategy = "BLUE_GREEN"`.
//!
//! infra moves traffic with listener weights in whole percents, so a `step_percent` or
//! `canary_percent` with a fraction (ECS takes multiples of 0.1) is refused at plan time.
//! `lifecycle_hook` functions are invoked at their stages by the deploy (`blue_green::deploy`);
//! `RECONCILE_SERVICE` has no counterpart there (infra's deploy starts from one live revision)
//! and is refused at plan time rather than never run.

use std::time::Duration;

use crate::blue_green::api::{
    DeploymentSpec, HookAction, HookTarget, LifecycleHook, Strategy, TrafficShift,
};
use infra_core::Value;

use crate::app_support::single;

/// ECS's lifecycle stages (`DeploymentLifecycleHookStage`).
const HOOK_STAGES: &[&str] = &[
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
];

/// The stages ECS takes no PAUSE hook at: they are a shift under way, for AWS_LAMBDA hooks
/// only (`DeploymentLifecycleHook.lifecycleStages` in the ECS API reference).
const LAMBDA_ONLY_STAGES: &[&str] = &["TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"];

/// ECS's `DeploymentLifecycleHookTimeoutConfiguration`: 1440 minutes by default, 1 to 20160.
const DEFAULT_HOOK_TIMEOUT_MINUTES: i64 = 1440;
const HOOK_TIMEOUT_MINUTES: (i64, i64) = (1, 20_160);

/// A hook's `target_type`, ECS's default (AWS_LAMBDA) when unset.
fn hook_target_type(hook: &Value) -> &str {
    hook.get("target_type").as_str().filter(|t| !t.is_empty()).unwrap_or("AWS_LAMBDA")
}

/// A hook's `timeout_configuration.timeout_in_minutes` (a string in the provider's schema;
/// a number is taken too), `Err` when it is not a whole number of minutes in ECS's range.
fn hook_timeout_minutes(hook: &Value) -> Result<i64, String> {
    let setting = single(hook, "timeout_configuration")
        .map(|t| t.get("timeout_in_minutes"))
        .unwrap_or(&Value::Null);
    let text = match setting.unmarked() {
        Value::String(text) if !text.is_empty() => text.clone(),
        Value::Number(n) => infra_core::value::format_number(*n),
        _ => return Ok(DEFAULT_HOOK_TIMEOUT_MINUTES),
    };
    let (low, high) = HOOK_TIMEOUT_MINUTES;
    text.trim().parse::<i64>().ok().filter(|m| (low..=high).contains(m)).ok_or_else(|| {
        format!(
            "timeout_in_minutes = {text:?}: must be a whole number of minutes from {low} to {high}"
        )
    })
}

/// A hook's `timeout_configuration.action`, ECS's default (ROLLBACK) when unset.
fn hook_timeout_action(hook: &Value) -> HookAction {
    single(hook, "timeout_configuration")
        .and_then(|t| t.get("action").as_str())
        .and_then(HookAction::parse)
        .unwrap_or(HookAction::Rollback)
}

/// The hook timeout a test asks for instead of the configured minutes: the environment
/// variable `INFRA_TEST_HOOK_TIMEOUT_SECONDS` (infra's test knob; AWS's shortest timeout is a
/// minute, too long for a test to wait). Never set it outside tests.
fn test_hook_timeout() -> Option<Duration> {
    test_knob_seconds("INFRA_TEST_HOOK_TIMEOUT_SECONDS").map(seconds)
}

/// A number of seconds from one of infra's test knobs (environment variables no user sets).
fn test_knob_seconds(name: &str) -> Option<f64> {
    std::env::var(name).ok().and_then(|text| text.parse::<f64>().ok())
}

/// How long a minute of a bake lasts (`bake_time_in_minutes`, a step's or the canary's):
/// 60 seconds, or what the environment variable `INFRA_TEST_BAKE_MINUTE_SECONDS` says (infra's
/// test knob: the provider takes whole minutes only, too long for a test to wait). Never set
/// it outside tests.
fn bake_minute() -> f64 {
    test_knob_seconds("INFRA_TEST_BAKE_MINUTE_SECONDS").unwrap_or(60.0)
}

/// The strategies infra runs as a deployment of its own; ROLLING (the default) is ECS's.
const DEPLOYMENT_STRATEGIES: &[&str] = &["BLUE_GREEN", "LINEAR", "CANARY"];

/// The attributes a blue/green service's deployment owns at run time: each colour has its own
/// name, revision, count and target group, and `deployment_configuration` and `alarms` are
/// infra's (the colours are plain rolling services). The rest is configuration read from the
/// live colour, so drift on it is seen.
pub const RUNTIME_ATTRIBUTES: &[&str] = &[
    "id",
    "arn",
    "name",
    "task_definition",
    "desired_count",
    "load_balancer",
    "deployment_configuration",
    "alarms",
    "iam_role",
    "triggers",
    "force_new_deployment",
    "force_delete",
    "wait_for_steady_state",
    "sigint_rollback",
];

fn strategy_name(service: &Value) -> Option<&str> {
    single(service, "deployment_configuration").and_then(|d| d.get("strategy").as_str())
}

/// Whether `service` is deployed by infra (blue/green, linear or canary) rather than by ECS;
/// `None` while its strategy is not known (planned from values known only after apply).
pub fn deployed_by_infra(service: &Value) -> Option<bool> {
    let deployment = service.get("deployment_configuration");
    let strategy = single(service, "deployment_configuration").map(|d| d.get("strategy"));
    if deployment.is_unknown() || strategy.is_some_and(Value::is_unknown) {
        return None;
    }
    Some(strategy_name(service).is_some_and(|s| DEPLOYMENT_STRATEGIES.contains(&s)))
}

/// `Some` when `service` asks for a deployment infra runs.
pub fn deployment_spec(service: &Value) -> Option<Result<DeploymentSpec, String>> {
    let strategy = strategy_name(service)?;
    DEPLOYMENT_STRATEGIES.contains(&strategy).then(|| read_spec(service))
}

fn read_spec(service: &Value) -> Result<DeploymentSpec, String> {
    let load_balancer = single(service, "load_balancer").unwrap_or(&Value::Null);
    let advanced = single(load_balancer, "advanced_configuration").unwrap_or(&Value::Null);
    let known = |value: &Value| value.as_str().map(str::to_string);
    let (Some(blue), Some(green), Some(route)) = (
        known(load_balancer.get("target_group_arn")),
        known(advanced.get("alternate_target_group_arn")),
        known(advanced.get("production_listener_rule")),
    ) else {
        return Err("a blue/green service needs load_balancer { target_group_arn, advanced_configuration { alternate_target_group_arn, production_listener_rule } }".into());
    };
    Ok(DeploymentSpec {
        cluster: known(service.get("cluster")).unwrap_or_default(),
        name: known(service.get("name")).unwrap_or_default(),
        task_definition: known(service.get("task_definition")),
        desired_count: service.get("desired_count").as_i64().unwrap_or(1),
        blue_target_group: blue,
        green_target_group: green,
        route,
        test_route: known(advanced.get("test_listener_rule")),
        strategy: strategy(service),
    })
}

/// A configured number of seconds as a duration: negative or not a number is zero, and more
/// than a year is a year. The schema bounds each setting; this keeps arithmetic on instants
/// from overflowing whatever reaches here.
fn seconds(seconds: f64) -> Duration {
    const YEAR: f64 = 365.0 * 24.0 * 3600.0;
    Duration::try_from_secs_f64(seconds.clamp(0.0, YEAR)).unwrap_or_default()
}

/// A whole percent of traffic, 1 to 100 (fractions are refused by [`validate`]).
fn percent(value: f64) -> i64 {
    (value.round() as i64).clamp(1, 100)
}

/// The deployment strategy of a service value, defaults filled.
pub fn strategy(service: &Value) -> Strategy {
    let config = single(service, "deployment_configuration").unwrap_or(&Value::Null);
    let setting = |name: &str| config.get(name).as_f64();
    let block = |name: &str| single(config, name).unwrap_or(&Value::Null);
    let minute = bake_minute();
    // A step's percent and the minutes after it, from the provider's block, ECS's defaults.
    let step = |name: &str,
                (percent_key, default_percent): (&str, f64),
                (minutes_key, default_minutes): (&str, f64)| {
        let settings = block(name);
        (
            percent(settings.get(percent_key).as_f64().unwrap_or(default_percent)),
            seconds(settings.get(minutes_key).as_f64().unwrap_or(default_minutes) * minute),
        )
    };
    let shift = match config.get("strategy").as_str() {
        Some("LINEAR") => {
            let (percent, interval) = step(
                "linear_configuration",
                ("step_percent", 10.0),
                ("step_bake_time_in_minutes", 6.0),
            );
            TrafficShift::Linear { percent, interval }
        }
        Some("CANARY") => {
            let (percent, interval) = step(
                "canary_configuration",
                ("canary_percent", 5.0),
                ("canary_bake_time_in_minutes", 10.0),
            );
            TrafficShift::Canary { percent, interval }
        }
        // infra's alias settings under BLUE_GREEN.
        _ => {
            let percent = percent(setting("shift_percent").unwrap_or(10.0));
            let interval = seconds(setting("shift_interval_seconds").unwrap_or(60.0));
            match config.get("traffic_shift").as_str() {
                Some("canary") => TrafficShift::Canary { percent, interval },
                Some("linear") => TrafficShift::Linear { percent, interval },
                _ => TrafficShift::AllAtOnce,
            }
        }
    };
    let alarms = single(service, "alarms").unwrap_or(&Value::Null);
    let defaults = Strategy::default();
    Strategy {
        shift,
        bake: seconds(setting("bake_time_in_minutes").unwrap_or(0.0) * minute),
        error_threshold_percent: setting("error_threshold_percent")
            .unwrap_or(defaults.error_threshold_percent),
        minimum_request_count: setting("minimum_request_count")
            .unwrap_or(defaults.minimum_request_count)
            .max(1.0),
        health_gate_timeout: setting("health_gate_timeout_seconds")
            .map(seconds)
            .unwrap_or(defaults.health_gate_timeout),
        standby_retention: setting("standby_retention_minutes")
            .map(|minutes| seconds(minutes * 60.0))
            .unwrap_or(defaults.standby_retention),
        poll_interval: setting("poll_interval_seconds")
            .map(seconds)
            .unwrap_or(defaults.poll_interval)
            .max(Duration::from_millis(100)),
        alarm_names: if alarms.get("enable").as_bool() == Some(true) {
            crate::app_support::strings(alarms, "alarm_names")
        } else {
            Vec::new()
        },
        alarm_rollback: alarms.get("rollback").as_bool() == Some(true),
        keep_failed_colour: config.get("keep_failed_colour").as_bool() == Some(true),
        sigint_rollback: service.get("sigint_rollback").as_bool() == Some(true),
        hooks: crate::app_support::blocks(config, "lifecycle_hook")
            .iter()
            .filter_map(|hook| {
                let target = match hook_target_type(hook) {
                    "PAUSE" => HookTarget::Pause,
                    _ => HookTarget::Lambda(hook.get("hook_target_arn").as_str()?.to_string()),
                };
                let minutes = hook_timeout_minutes(hook).unwrap_or(DEFAULT_HOOK_TIMEOUT_MINUTES);
                Some(LifecycleHook {
                    target,
                    stages: crate::app_support::strings(hook, "lifecycle_stages"),
                    details: hook
                        .get("hook_details")
                        .as_str()
                        .and_then(|text| serde_json::from_str(text).ok()),
                    timeout: test_hook_timeout().unwrap_or(seconds(minutes as f64 * 60.0)),
                    timeout_action: hook_timeout_action(hook),
                })
            })
            .collect(),
    }
}

/// A stored service value in the provider's normal form: a lifecycle hook without
/// `target_type` (written before provider 6.66 had it, or stored empty) is an AWS_LAMBDA hook,
/// ECS's default, so it plans no change against a configuration that leaves it out.
pub fn normalize(service: &mut Value) {
    let hooks = service
        .map_mut()
        .and_then(|entries| entries.get_mut("deployment_configuration"))
        .and_then(Value::list_mut)
        .and_then(|items| items.first_mut())
        .and_then(Value::map_mut)
        .and_then(|entries| entries.get_mut("lifecycle_hook"))
        .and_then(Value::list_mut);
    for hook in hooks.into_iter().flatten() {
        if let Some(entries) = hook.map_mut() {
            let unset =
                entries.get("target_type").is_none_or(|t| t.is_null() || t.as_str() == Some(""));
            if unset {
                entries.insert("target_type".into(), Value::string("AWS_LAMBDA"));
            }
        }
    }
}

/// Plan-time problems of a service's deployment settings, as (attribute path, message).
pub fn validate(service: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let strategy = strategy_name(service).unwrap_or("ROLLING");
    if service.get("sigint_rollback").as_bool() == Some(true)
        && !DEPLOYMENT_STRATEGIES.contains(&strategy)
    {
        problems.push((
            "sigint_rollback".to_string(),
            "sigint_rollback is honoured for infra's blue/green deployments (strategy BLUE_GREEN, LINEAR or CANARY); for a rolling service infra does not stop ECS's deployment on SIGINT yet".to_string(),
        ));
    }
    let Some(config) = single(service, "deployment_configuration") else {
        return problems;
    };
    let path = |rest: &str| format!("deployment_configuration[0].{rest}");
    // The bake times are strings in the provider's schema (its nullable int): a text that is
    // not a whole number is refused, as ValidateTypeStringNullableIntBetween refuses it
    // (strconv.ParseInt: no fraction, no spaces); the schema bounds the range.
    for (at, minutes) in [
        ("bake_time_in_minutes".to_string(), config.get("bake_time_in_minutes")),
        (
            "linear_configuration[0].step_bake_time_in_minutes".to_string(),
            single(config, "linear_configuration")
                .map_or(&Value::Null, |b| b.get("step_bake_time_in_minutes")),
        ),
        (
            "canary_configuration[0].canary_bake_time_in_minutes".to_string(),
            single(config, "canary_configuration")
                .map_or(&Value::Null, |b| b.get("canary_bake_time_in_minutes")),
        ),
    ] {
        if let Value::String(text) = minutes.unmarked() {
            if !text.is_empty() && text.parse::<i64>().is_err() {
                problems.push((path(&at), format!("cannot parse '{text}' as int")));
            }
        }
    }
    for (block, wanted, figure) in [
        ("linear_configuration", "LINEAR", "step_percent"),
        ("canary_configuration", "CANARY", "canary_percent"),
    ] {
        let Some(settings) = single(config, block) else {
            continue;
        };
        if strategy != wanted {
            problems.push((
                path(block),
                format!("{block} is used only with strategy = \"{wanted}\", not \"{strategy}\""),
            ));
        }
        if let Some(value) = settings.get(figure).as_f64() {
            if value.fract() != 0.0 {
                problems.push((
                    path(&format!("{block}[0].{figure}")),
                    format!("{figure} = {value}: infra shifts traffic with listener weights in whole percents, so a fraction cannot be honoured; use a whole number"),
                ));
            }
        }
    }
    if matches!(strategy, "LINEAR" | "CANARY") {
        for alias in ["traffic_shift", "shift_percent", "shift_interval_seconds"] {
            if !config.get(alias).is_null() {
                problems.push((
                    path(alias),
                    format!("{alias} is infra's alias for the traffic shift under strategy = \"BLUE_GREEN\"; with strategy = \"{strategy}\" use {} instead", if strategy == "LINEAR" { "linear_configuration" } else { "canary_configuration" }),
                ));
            }
        }
    }
    for (index, hook) in crate::app_support::blocks(config, "lifecycle_hook").iter().enumerate() {
        problems.extend(
            hook_problems(hook, strategy, deployed_by_infra(service) == Some(false))
                .into_iter()
                .map(|(key, message)| (path(&format!("lifecycle_hook[{index}]{key}")), message)),
        );
    }
    problems
}

/// A lifecycle hook's problems, as (path under the hook, message): its stages, what its
/// target type takes (the provider's docs and ECS's API reference: `hook_target_arn` and
/// `role_arn` are required for AWS_LAMBDA and not used for PAUSE, nor is `hook_details`; PAUSE
/// takes no stage of a shift under way), and its timeout.
fn hook_problems(hook: &Value, strategy: &str, rolling: bool) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let target_type = hook.get("target_type");
    // An unknown target type (a value known only at apply) decides nothing yet.
    let kind = (!target_type.is_unknown()).then(|| hook_target_type(hook));
    if rolling {
        problems.push((
            String::new(),
            format!("lifecycle hooks are run by infra's blue/green deployments (strategy BLUE_GREEN, LINEAR or CANARY); with strategy \"{strategy}\" infra does not send them to ECS, so they would never run"),
        ));
    }
    for stage in crate::app_support::strings(hook, "lifecycle_stages") {
        if !HOOK_STAGES.contains(&stage.as_str()) {
            problems.push((
                ".lifecycle_stages".into(),
                format!("lifecycle stage \"{stage}\" is not one of {}", HOOK_STAGES.join(", ")),
            ));
        } else if stage == "RECONCILE_SERVICE" {
            problems.push((
                ".lifecycle_stages".into(),
                "RECONCILE_SERVICE has no counterpart in infra's deployments (each starts from one live revision), so the hook would never run there; remove the stage".into(),
            ));
        } else if kind == Some("PAUSE") && LAMBDA_ONLY_STAGES.contains(&stage.as_str()) {
            problems.push((
                ".lifecycle_stages".into(),
                format!("a PAUSE hook cannot be at {stage}: ECS takes PAUSE hooks at PRE_SCALE_UP, POST_SCALE_UP, POST_TEST_TRAFFIC_SHIFT, PRE_PRODUCTION_TRAFFIC_SHIFT and POST_PRODUCTION_TRAFFIC_SHIFT; {stage} is for AWS_LAMBDA hooks only"),
            ));
        }
    }
    match kind {
        Some("PAUSE") => {
            for key in ["hook_target_arn", "role_arn", "hook_details"] {
                if !hook.get(key).is_null() {
                    problems.push((
                        format!(".{key}"),
                        format!("{key} is not used by a PAUSE hook (it pauses the deploy until `infra deployments continue` or `rollback`, or the timeout); remove it, or set target_type = \"AWS_LAMBDA\""),
                    ));
                }
            }
        }
        Some(_) => {
            for key in ["hook_target_arn", "role_arn"] {
                if hook.get(key).is_null() {
                    problems.push((
                        format!(".{key}"),
                        format!(
                            "{key} is required when target_type is \"AWS_LAMBDA\" (the default)"
                        ),
                    ));
                }
            }
        }
        None => {}
    }
    if let Some(details) = hook.get("hook_details").as_str() {
        if serde_json::from_str::<serde_json::Value>(details).map_or(true, |d| !d.is_object()) {
            problems.push((
                ".hook_details".into(),
                "hook_details must be a JSON object (jsonencode a map)".into(),
            ));
        }
    }
    if let Err(problem) = hook_timeout_minutes(hook) {
        problems.push((".timeout_configuration[0].timeout_in_minutes".into(), problem));
    }
    problems
}

/// The state value re-aimed at the live colour service, for `read_many`.
pub fn live_colour_prior(prior: &Value, live_service: &str) -> Value {
    let mut value = prior.clone();
    if let Some(entries) = value.map_mut() {
        entries.insert("arn".into(), Value::string(live_service));
    }
    value
}

/// The service's value recording `revision` as the one it runs (after `infra revert` or a
/// resumed deploy made another revision live outside a planned change).
pub fn with_deployed_revision(value: &Value, revision: &str) -> Value {
    let mut value = value.clone();
    if let Some(entries) = value.map_mut() {
        entries.insert("task_definition".into(), Value::string(revision));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(deployment: Value) -> Value {
        Value::map([
            ("name", Value::string("web")),
            ("cluster", Value::string("main")),
            ("task_definition", Value::string("web:3")),
            ("desired_count", Value::Number(2.0)),
            ("deployment_configuration", Value::List(vec![deployment])),
            (
                "load_balancer",
                Value::List(vec![Value::map([
                    ("target_group_arn", Value::string("tg-blue")),
                    (
                        "advanced_configuration",
                        Value::List(vec![Value::map([
                            ("alternate_target_group_arn", Value::string("tg-green")),
                            ("production_listener_rule", Value::string("listener")),
                            ("test_listener_rule", Value::string("test-rule")),
                        ])]),
                    ),
                ])]),
            ),
        ])
    }

    #[test]
    fn rolling_services_are_not_deployments() {
        let rolling = service(Value::map([("strategy", Value::string("ROLLING"))]));
        assert!(deployment_spec(&rolling).is_none());
        assert!(deployment_spec(&Value::Null).is_none());
    }

    #[test]
    fn who_deploys_a_service_is_unknown_while_its_strategy_is() {
        let strategy = |s: Value| service(Value::map([("strategy", s)]));
        assert_eq!(deployed_by_infra(&strategy(Value::string("BLUE_GREEN"))), Some(true));
        assert_eq!(deployed_by_infra(&strategy(Value::string("CANARY"))), Some(true));
        assert_eq!(deployed_by_infra(&strategy(Value::string("ROLLING"))), Some(false));
        assert_eq!(deployed_by_infra(&Value::map([("name", Value::string("web"))])), Some(false));
        assert_eq!(deployed_by_infra(&strategy(Value::Unknown)), None);
        let mut unknown_block = strategy(Value::Null);
        unknown_block.map_mut().unwrap().insert("deployment_configuration".into(), Value::Unknown);
        assert_eq!(deployed_by_infra(&unknown_block), None);
    }

    #[test]
    fn the_spec_names_colours_routes_and_revision() {
        let spec =
            deployment_spec(&service(Value::map([("strategy", Value::string("BLUE_GREEN"))])))
                .expect("a deployment")
                .expect("complete");
        assert_eq!(
            (spec.blue_target_group.as_str(), spec.green_target_group.as_str()),
            ("tg-blue", "tg-green")
        );
        assert_eq!(spec.route, "listener");
        assert_eq!(spec.test_route.as_deref(), Some("test-rule"));
        assert_eq!(spec.task_definition.as_deref(), Some("web:3"));
        assert_eq!(spec.desired_count, 2);
        assert_eq!(spec.strategy.shift, TrafficShift::AllAtOnce);
    }

    #[test]
    fn linear_and_canary_blocks_with_ecs_defaults() {
        let linear = strategy(&service(Value::map([
            ("strategy", Value::string("LINEAR")),
            (
                "linear_configuration",
                Value::List(vec![Value::map([("step_percent", Value::Number(25.0))])]),
            ),
        ])));
        assert_eq!(
            linear.shift,
            TrafficShift::Linear { percent: 25, interval: Duration::from_secs(6 * 60) }
        );
        let canary = strategy(&service(Value::map([("strategy", Value::string("CANARY"))])));
        assert_eq!(
            canary.shift,
            TrafficShift::Canary { percent: 5, interval: Duration::from_secs(10 * 60) }
        );
    }

    #[test]
    fn the_minimum_request_count_is_configurable() {
        let configured = strategy(&service(Value::map([
            ("strategy", Value::string("BLUE_GREEN")),
            ("minimum_request_count", Value::Number(5.0)),
        ])));
        assert_eq!(configured.minimum_request_count, 5.0);
        assert_eq!(strategy(&Value::Null).minimum_request_count, 20.0);
    }

    #[test]
    fn fractions_mismatched_blocks_aliases_and_a_reconcile_hook_are_refused() {
        let problems = validate(&service(Value::map([
            ("strategy", Value::string("CANARY")),
            ("traffic_shift", Value::string("linear")),
            (
                "canary_configuration",
                Value::List(vec![Value::map([("canary_percent", Value::Number(2.5))])]),
            ),
            (
                "linear_configuration",
                Value::List(vec![Value::map([("step_percent", Value::Number(10.0))])]),
            ),
            (
                "lifecycle_hook",
                Value::List(vec![Value::map([
                    ("hook_target_arn", Value::string("f")),
                    ("role_arn", Value::string("r")),
                    ("lifecycle_stages", Value::List(vec![Value::string("RECONCILE_SERVICE")])),
                ])]),
            ),
        ])));
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "deployment_configuration[0].linear_configuration",
                "deployment_configuration[0].canary_configuration[0].canary_percent",
                "deployment_configuration[0].traffic_shift",
                "deployment_configuration[0].lifecycle_hook[0].lifecycle_stages",
            ]
        );
    }

    fn with_hooks(strategy: &str, hooks: Vec<Value>) -> Value {
        service(Value::map([
            ("strategy", Value::string(strategy)),
            ("lifecycle_hook", Value::List(hooks)),
        ]))
    }

    fn stages(names: &[&str]) -> Value {
        Value::List(names.iter().map(|s| Value::string(*s)).collect())
    }

    fn timeout(action: Value, minutes: Value) -> Value {
        Value::List(vec![Value::map([("action", action), ("timeout_in_minutes", minutes)])])
    }

    fn problems_of(service: &Value) -> Vec<(String, String)> {
        validate(service)
    }

    #[test]
    fn a_pause_hook_is_read_with_its_timeout_and_action() {
        let service = with_hooks(
            "BLUE_GREEN",
            vec![
                Value::map([
                    ("target_type", Value::string("PAUSE")),
                    ("lifecycle_stages", stages(&["POST_TEST_TRAFFIC_SHIFT"])),
                    (
                        "timeout_configuration",
                        timeout(Value::string("CONTINUE"), Value::string("5")),
                    ),
                ]),
                // ECS's defaults: AWS_LAMBDA, ROLLBACK after 1440 minutes.
                Value::map([
                    ("hook_target_arn", Value::string("arn:aws:lambda:f")),
                    ("role_arn", Value::string("arn:aws:iam::1:role/r")),
                    ("lifecycle_stages", stages(&["POST_SCALE_UP"])),
                ]),
            ],
        );
        assert!(problems_of(&service).is_empty(), "{:?}", problems_of(&service));
        let hooks = strategy(&service).hooks;
        assert_eq!(hooks[0].target, HookTarget::Pause);
        assert_eq!(hooks[0].timeout, Duration::from_secs(5 * 60));
        assert_eq!(hooks[0].timeout_action, HookAction::Continue);
        assert_eq!(hooks[1].target, HookTarget::Lambda("arn:aws:lambda:f".into()));
        assert_eq!(hooks[1].timeout, Duration::from_secs(1440 * 60));
        assert_eq!(hooks[1].timeout_action, HookAction::Rollback);
    }

    #[test]
    fn what_each_target_type_takes_is_checked_at_plan_time() {
        let service = with_hooks(
            "CANARY",
            vec![
                // PAUSE: no function, role or details, and no stage of a shift under way.
                Value::map([
                    ("target_type", Value::string("PAUSE")),
                    ("hook_target_arn", Value::string("arn:aws:lambda:f")),
                    ("role_arn", Value::string("arn:aws:iam::1:role/r")),
                    ("hook_details", Value::string("{}")),
                    (
                        "lifecycle_stages",
                        stages(&["TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT"]),
                    ),
                ]),
                // AWS_LAMBDA (the default): a function and a role.
                Value::map([("lifecycle_stages", stages(&["PRODUCTION_TRAFFIC_SHIFT"]))]),
            ],
        );
        let paths: Vec<String> = problems_of(&service).into_iter().map(|(p, _)| p).collect();
        let at = |i: usize, rest: &str| {
            format!("deployment_configuration[0].lifecycle_hook[{i}].{rest}")
        };
        assert_eq!(
            paths,
            vec![
                at(0, "lifecycle_stages"),
                at(0, "hook_target_arn"),
                at(0, "role_arn"),
                at(0, "hook_details"),
                at(1, "hook_target_arn"),
                at(1, "role_arn"),
            ]
        );
        let messages: Vec<String> = problems_of(&service).into_iter().map(|(_, m)| m).collect();
        assert!(
            messages[0].contains("a PAUSE hook cannot be at TEST_TRAFFIC_SHIFT"),
            "{}",
            messages[0]
        );
        assert!(
            messages[4].contains("required when target_type is \"AWS_LAMBDA\""),
            "{}",
            messages[4]
        );
    }

    #[test]
    fn a_hook_timeout_is_a_whole_number_of_minutes_in_ecs_range() {
        for (minutes, ok) in [
            (Value::string("1"), true),
            (Value::string("20160"), true),
            (Value::Number(30.0), true),
            (Value::Null, true),
            (Value::string("0"), false),
            (Value::string("20161"), false),
            (Value::string("1.5"), false),
            (Value::string("soon"), false),
        ] {
            let service = with_hooks(
                "BLUE_GREEN",
                vec![Value::map([
                    ("target_type", Value::string("PAUSE")),
                    ("lifecycle_stages", stages(&["POST_SCALE_UP"])),
                    ("timeout_configuration", timeout(Value::Null, minutes.clone())),
                ])],
            );
            let problems = problems_of(&service);
            assert_eq!(problems.is_empty(), ok, "{minutes:?}: {problems:?}");
            if !ok {
                assert_eq!(
                    problems[0].0,
                    "deployment_configuration[0].lifecycle_hook[0].timeout_configuration[0].timeout_in_minutes"
                );
            }
        }
    }

    #[test]
    fn hooks_on_a_rolling_service_are_refused_as_never_run() {
        let service = with_hooks(
            "ROLLING",
            vec![Value::map([
                ("target_type", Value::string("PAUSE")),
                ("lifecycle_stages", stages(&["POST_SCALE_UP"])),
            ])],
        );
        let problems = problems_of(&service);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "deployment_configuration[0].lifecycle_hook[0]");
        assert!(problems[0].1.contains("would never run"), "{}", problems[0].1);
        // A strategy known only at apply decides nothing yet.
        let unknown = with_hooks("BLUE_GREEN", vec![]);
        let mut unknown = unknown;
        unknown.map_mut().unwrap().insert(
            "deployment_configuration".into(),
            Value::List(vec![Value::map([
                ("strategy", Value::Unknown),
                (
                    "lifecycle_hook",
                    Value::List(vec![Value::map([
                        ("target_type", Value::string("PAUSE")),
                        ("lifecycle_stages", stages(&["POST_SCALE_UP"])),
                    ])]),
                ),
            ])]),
        );
        assert!(problems_of(&unknown).is_empty(), "{:?}", problems_of(&unknown));
    }

    #[test]
    fn a_stored_hook_without_target_type_is_an_aws_lambda_hook() {
        // A state written before provider 6.66 (or with target_type stored empty) plans no
        // change against a configuration that leaves target_type out (its default).
        for stored in [None, Some(Value::Null), Some(Value::string(""))] {
            let mut hook = Value::map([("lifecycle_stages", stages(&["POST_SCALE_UP"]))]);
            if let Some(stored) = stored {
                hook.map_mut().unwrap().insert("target_type".into(), stored);
            }
            let mut value = with_hooks("BLUE_GREEN", vec![hook]);
            normalize(&mut value);
            let config = single(&value, "deployment_configuration").unwrap();
            assert_eq!(
                crate::app_support::blocks(config, "lifecycle_hook")[0].get("target_type"),
                &Value::string("AWS_LAMBDA")
            );
        }
        let mut pause =
            with_hooks("BLUE_GREEN", vec![Value::map([("target_type", Value::string("PAUSE"))])]);
        let before = pause.clone();
        normalize(&mut pause);
        assert_eq!(pause, before);
    }

    /// The bake times are strings, as the provider stores its nullable int: a configured
    /// number becomes one through the schema, is read as minutes, and a text that is no
    /// number is refused at its path.
    #[test]
    fn bake_times_are_strings_read_as_minutes() {
        let schema = crate::resources::ecs::aws_ecs_service::AwsEcsService::new(crate::Aws::new(
            crate::ProviderSettings::default(),
        ));
        let mut configured = service(Value::map([
            ("strategy", Value::string("LINEAR")),
            ("bake_time_in_minutes", Value::Number(10.0)),
            (
                "linear_configuration",
                Value::List(vec![Value::map([("step_bake_time_in_minutes", Value::Number(2.0))])]),
            ),
        ]));
        infra_core::ResourceType::schema(&schema).normalize(&mut configured);
        let config = single(&configured, "deployment_configuration").unwrap();
        assert_eq!(config.get("bake_time_in_minutes"), &Value::string("10"));
        let read = strategy(&configured);
        assert_eq!(read.bake, Duration::from_secs(600));
        assert_eq!(
            read.shift,
            TrafficShift::Linear { percent: 10, interval: Duration::from_secs(120) }
        );
        let problems = validate(&service(Value::map([
            ("strategy", Value::string("CANARY")),
            ("bake_time_in_minutes", Value::string("0.5")),
            (
                "canary_configuration",
                Value::List(vec![Value::map([(
                    "canary_bake_time_in_minutes",
                    Value::string("later"),
                )])]),
            ),
        ])));
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "deployment_configuration[0].bake_time_in_minutes",
                "deployment_configuration[0].canary_configuration[0].canary_bake_time_in_minutes",
            ]
        );
    }
}
