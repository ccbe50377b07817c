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

use crate::blue_green::api::{DeploymentSpec, LifecycleHook, Strategy, TrafficShift};
use infra_core::Value;

use crate::app_support::single;

/// ECS's lifecycle stages (`DeploymentLifecycleHookStage`).
const HOOK_STAGES: &[&str] = &[
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
];

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
    DEPLOYMENT_STRATEGIES
        .contains(&strategy)
        .then(|| read_spec(service))
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
    // A step's percent and the minutes after it, from the provider's block, ECS's defaults.
    let step = |name: &str,
                (percent_key, default_percent): (&str, f64),
                (minutes_key, default_minutes): (&str, f64)| {
        let settings = block(name);
        (
            percent(
                settings
                    .get(percent_key)
                    .as_f64()
                    .unwrap_or(default_percent),
            ),
            seconds(
                settings
                    .get(minutes_key)
                    .as_f64()
                    .unwrap_or(default_minutes)
                    * 60.0,
            ),
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
        bake: seconds(setting("bake_time_in_minutes").unwrap_or(0.0) * 60.0),
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
                Some(LifecycleHook {
                    target_arn: hook.get("hook_target_arn").as_str()?.to_string(),
                    stages: crate::app_support::strings(hook, "lifecycle_stages"),
                    details: hook
                        .get("hook_details")
                        .as_str()
                        .and_then(|text| serde_json::from_str(text).ok()),
                })
            })
            .collect(),
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
    for (index, hook) in crate::app_support::blocks(config, "lifecycle_hook")
        .iter()
        .enumerate()
    {
        for stage in crate::app_support::strings(hook, "lifecycle_stages") {
            if !HOOK_STAGES.contains(&stage.as_str()) {
                problems.push((
                    path(&format!("lifecycle_hook[{index}].lifecycle_stages")),
                    format!(
                        "lifecycle stage \"{stage}\" is not one of {}",
                        HOOK_STAGES.join(", ")
                    ),
                ));
            } else if stage == "RECONCILE_SERVICE" {
                problems.push((
                    path(&format!("lifecycle_hook[{index}].lifecycle_stages")),
                    "RECONCILE_SERVICE has no counterpart in infra's deployments (each starts from one live revision), so the hook would never run there; remove the stage".into(),
                ));
            }
        }
        if let Some(details) = hook.get("hook_details").as_str() {
            if serde_json::from_str::<serde_json::Value>(details).map_or(true, |d| !d.is_object()) {
                problems.push((
                    path(&format!("lifecycle_hook[{index}].hook_details")),
                    "hook_details must be a JSON object (jsonencode a map)".into(),
                ));
            }
        }
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
        assert_eq!(
            deployed_by_infra(&strategy(Value::string("BLUE_GREEN"))),
            Some(true)
        );
        assert_eq!(
            deployed_by_infra(&strategy(Value::string("CANARY"))),
            Some(true)
        );
        assert_eq!(
            deployed_by_infra(&strategy(Value::string("ROLLING"))),
            Some(false)
        );
        assert_eq!(
            deployed_by_infra(&Value::map([("name", Value::string("web"))])),
            Some(false)
        );
        assert_eq!(deployed_by_infra(&strategy(Value::Unknown)), None);
        let mut unknown_block = strategy(Value::Null);
        unknown_block
            .map_mut()
            .unwrap()
            .insert("deployment_configuration".into(), Value::Unknown);
        assert_eq!(deployed_by_infra(&unknown_block), None);
    }

    #[test]
    fn the_spec_names_colours_routes_and_revision() {
        let spec = deployment_spec(&service(Value::map([(
            "strategy",
            Value::string("BLUE_GREEN"),
        )])))
        .expect("a deployment")
        .expect("complete");
        assert_eq!(
            (
                spec.blue_target_group.as_str(),
                spec.green_target_group.as_str()
            ),
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
            TrafficShift::Linear {
                percent: 25,
                interval: Duration::from_secs(6 * 60)
            }
        );
        let canary = strategy(&service(Value::map([(
            "strategy",
            Value::string("CANARY"),
        )])));
        assert_eq!(
            canary.shift,
            TrafficShift::Canary {
                percent: 5,
                interval: Duration::from_secs(10 * 60)
            }
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
                    (
                        "lifecycle_stages",
                        Value::List(vec![Value::string("RECONCILE_SERVICE")]),
                    ),
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
}
