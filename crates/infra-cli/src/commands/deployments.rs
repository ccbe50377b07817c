//! `infra revert`, `infra finalize` and `infra deployments`: blue/green runtime state.
//!
//! None of these reads the configuration's resources or refreshes the stack: revert is one
//! listener write (plus one target-health read unless -force), whatever the size of the state.
//! `infra deployments continue|rollback ADDR` ends a deploy that a PAUSE lifecycle hook holds:
//! it reads the state without its lock (the paused apply holds it) and writes one tag on the
//! colour being deployed, which the paused apply polls (`deploy::PAUSE_SIGNAL_TAG`).

use std::time::Instant;

use anyhow::{anyhow, Result};
use infra_aws::blue_green::api::BlueGreenApi;
use infra_aws::blue_green::deploy::{self, Deployment, HookAction};
use infra_aws::blue_green::AwsBlueGreen;
use infra_aws::ProviderSettings;
use infra_core::Address;
use infra_state::{Backend, State};

use crate::args::{DeploymentsArgs, DeploymentsCommand, PausedArgs, RevertArgs, StateArgs};
use crate::session::{self, Workdir};
use crate::Exit;

fn open(work: &Workdir, args: &StateArgs) -> Result<Box<dyn Backend>> {
    let state_settings = session::load_state_settings(work, args)?;
    session::backend(work, &state_settings, args)
}

/// The deployment named by `address`, or the only one.
fn pick(state: &State, address: Option<&str>) -> Result<(String, Deployment)> {
    let key = match address {
        Some(address) => address.to_string(),
        None => {
            let mut keys = state.deployments.keys();
            match (keys.next(), keys.next()) {
                (Some(only), None) => only.clone(),
                (None, _) => {
                    return Err(anyhow!("nothing to revert: the state has no blue/green service"))
                }
                (Some(_), Some(_)) => {
                    return Err(anyhow!(
                        "the state has several blue/green services; name one: {}",
                        state.deployments.keys().cloned().collect::<Vec<_>>().join(", ")
                    ))
                }
            }
        }
    };
    let deployment = state
        .deployments
        .get(&key)
        .and_then(Deployment::from_json)
        .ok_or_else(|| anyhow!("{key} is not a blue/green service in this state"))?;
    Ok((key, deployment))
}

fn is_mutating(operation: &str) -> bool {
    !["Describe", "Get", "List"].iter().any(|prefix| operation.starts_with(prefix))
}

pub async fn revert(work: &Workdir, args: &RevertArgs) -> Result<Exit> {
    let started = Instant::now();
    let backend = open(work, &args.state)?;
    let _lock = session::lock(backend.as_ref(), &args.state, "OperationTypeRevert")?;
    let mut state = session::read_state(backend.as_ref())?;
    let (key, mut deployment) = pick(&state, args.address.as_deref())?;
    let (aws, registry) = provider_for(&deployment);
    let api = AwsBlueGreen::new(aws.clone());
    let from = deployment.live;
    let interrupted = deployment.in_progress.clone();
    match deploy::revert(&api, &mut deployment, args.force).await {
        Ok(Ok(())) => {}
        Ok(Err(refusal)) => return Err(anyhow!("cannot revert {key}: {refusal}")),
        Err(error) => return Err(anyhow!("reverting {key}: {error}")),
    }
    let live = deployment
        .live_state()
        .cloned()
        .ok_or_else(|| anyhow!("deployment state is missing the live colour"))?;
    state.deployments.insert(key.clone(), deployment.to_json());
    // The service's recorded revision is what runs now; a plan shows the reverted deploy again.
    infra_engine::executor::record_live_revision(
        &registry,
        &mut state,
        &key,
        &live.task_definition,
    );
    state.serial += 1;
    backend.write(&state)?;
    let operations = aws.requests.operations();
    let writes: Vec<&String> = operations.iter().filter(|o| is_mutating(o)).collect();
    match interrupted {
        Some(interrupted) => println!(
            "Reverted {key}: a deploy to {} was interrupted at \"{}\"; all traffic is back on {} (revision {}).",
            interrupted.colour,
            interrupted.step,
            deployment.live,
            deploy::revision(&live.task_definition)
        ),
        None => println!(
            "Reverted {key}: {} is live again (revision {}); {from} is on standby.",
            deployment.live,
            deploy::revision(&live.task_definition)
        ),
    }
    println!(
        "{} mutating AWS call{} ({}), {} in all, {:.2}s.",
        writes.len(),
        if writes.len() == 1 { "" } else { "s" },
        writes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
        operations.len(),
        started.elapsed().as_secs_f64()
    );
    // Traffic first, in one write; the service's auto scaling then follows the live colour.
    match deploy::scaling_follows_live(&api, &deployment).await {
        Ok(true) => println!("Auto scaling moved to {}.", deployment.live),
        Ok(false) => {}
        Err(error) => eprintln!(
            "Warning: auto scaling is still on {from}; the next apply moves it to {}: {error}",
            deployment.live
        ),
    }
    Ok(Exit::Ok)
}

pub async fn finalize(work: &Workdir, args: &RevertArgs) -> Result<Exit> {
    let backend = open(work, &args.state)?;
    let _lock = session::lock(backend.as_ref(), &args.state, "OperationTypeFinalize")?;
    let mut state = session::read_state(backend.as_ref())?;
    let (key, mut deployment) = pick(&state, args.address.as_deref())?;
    let (aws, _) = provider_for(&deployment);
    let api = AwsBlueGreen::new(aws);
    let service = key
        .parse::<Address>()
        .ok()
        .and_then(|a| state.get(&a).map(|r| r.value.unmark_deep()))
        .ok_or_else(|| anyhow!("{key} is not in the state"))?;
    if deploy::finalize(&api, &service, &mut deployment).await.map_err(|e| anyhow!("{key}: {e}"))? {
        state.deployments.insert(key.clone(), deployment.to_json());
        state.serial += 1;
        backend.write(&state)?;
        println!("{key}: standby colour scaled to 0; {} stays live.", deployment.live);
    } else {
        println!("{key}: no standby colour is running; nothing to do.");
    }
    Ok(Exit::Ok)
}

/// The provider a deployment is reached through: its own region, no default tags (nothing
/// here creates anything to tag).
fn provider_for(deployment: &Deployment) -> (std::sync::Arc<infra_aws::Aws>, infra_core::Registry) {
    session::provider(ProviderSettings {
        region: deployment.region.clone(),
        default_tags: Default::default(),
        ..Default::default()
    })
}

pub async fn run(work: &Workdir, args: &DeploymentsArgs) -> Result<Exit> {
    match &args.action {
        None => list(work, &args.state).await,
        Some(DeploymentsCommand::Continue(paused)) => {
            signal(work, paused, HookAction::Continue).await
        }
        Some(DeploymentsCommand::Rollback(paused)) => {
            signal(work, paused, HookAction::Rollback).await
        }
    }
}

/// `infra deployments continue|rollback ADDR`: the signal that ends the pause of ADDR's
/// deploy. Never takes the state lock: the paused apply holds it.
async fn signal(work: &Workdir, args: &PausedArgs, action: HookAction) -> Result<Exit> {
    let key = &args.address;
    let address = key
        .parse::<Address>()
        .map_err(|error| anyhow!("{key} is not a resource address: {error}"))?;
    let backend = open(work, &args.state)?;
    let state = session::read_state(backend.as_ref())?;
    let resource = state.get(&address).ok_or_else(|| anyhow!("no resource {key} in the state"))?;
    let deployment = state
        .deployments
        .get(key)
        .and_then(Deployment::from_json)
        .ok_or_else(|| {
            anyhow!(
                "{key} is not a blue/green service: infra runs no deployment of it ({} in the state; deployment_configuration.strategy BLUE_GREEN, LINEAR or CANARY makes one)",
                resource.resource_type
            )
        })?;
    let (aws, _) = provider_for(&deployment);
    let api = AwsBlueGreen::new(aws);
    let pause = match deploy::signal_pause(&api, &deployment, action).await {
        Ok(Ok(pause)) => pause,
        Ok(Err(refusal)) => return Err(anyhow!("{key}: {refusal}")),
        Err(error) => return Err(anyhow!("signalling {key}: {error}")),
    };
    let what = match action {
        HookAction::Continue => "goes on to its next stage",
        HookAction::Rollback => "rolls back",
    };
    println!(
        "{key}: the deploy paused at {} (since {}) {what} at its next poll; the running apply reports it.",
        pause.stage, pause.since
    );
    Ok(Exit::Ok)
}

pub async fn list(work: &Workdir, args: &StateArgs) -> Result<Exit> {
    let backend = open(work, args)?;
    let state = session::read_state(backend.as_ref())?;
    if state.deployments.is_empty() {
        println!("No blue/green services in the state.");
        return Ok(Exit::Ok);
    }
    for (key, json) in &state.deployments {
        let Some(deployment) = Deployment::from_json(json) else {
            continue;
        };
        let (aws, _) = provider_for(&deployment);
        let api = AwsBlueGreen::new(aws);
        let live = deployment.live_state();
        println!("{key}");
        println!(
            "  live:     {} (revision {})",
            deployment.live,
            live.map(|c| deploy::revision(&c.task_definition)).unwrap_or_default()
        );
        match (
            &deployment.standby,
            deployment.standby.as_ref().and_then(|s| deployment.colours.get(s)),
        ) {
            (Some(colour), Some(standby)) => {
                let health = match api.healthy_targets(&standby.target_group_arn).await {
                    Ok(n) => format!("{n} healthy targets"),
                    Err(e) => format!("health unknown: {e}"),
                };
                let scaled = if deployment.standby_scaled_down { ", scaled down" } else { "" };
                println!(
                    "  standby:  {colour} (revision {}, {health}{scaled})",
                    deploy::revision(&standby.task_definition)
                );
            }
            _ => println!("  standby:  none"),
        }
        let weights: Vec<String> =
            deployment.weights.iter().map(|(c, w)| format!("{c} {w}%")).collect();
        println!("  weights:  {}", weights.join(", "));
        if let Some(pause) = deployment.in_progress.as_ref().and_then(|p| p.pause.as_ref()) {
            println!(
                "  paused:   at {} since {} (PAUSE lifecycle hook); `infra deployments continue {key}` or `infra deployments rollback {key}`; at {} it will {}",
                pause.stage,
                pause.since,
                pause.expires_at,
                if pause.timeout_action == "CONTINUE" { "continue" } else { "roll back" }
            );
        } else if let Some(interrupted) = &deployment.in_progress {
            // Read, not trusted: a killed run may have left the listener anywhere.
            let serving = match api.current_route(&deployment.listener_arn).await {
                Ok(targets) => targets
                    .iter()
                    .map(|t| {
                        let colour = deployment
                            .colour_of(&t.target_group_arn)
                            .map_or(t.target_group_arn.as_str(), |c| c.name());
                        format!("{colour} weight {}", t.weight)
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                Err(e) => format!("unknown: {e}"),
            };
            println!(
                "  interrupted: a deploy of revision {} to {} stopped at \"{}\"; the listener serves {serving}. The next apply rolls it back; `infra revert` puts all traffic on {} now.",
                deploy::revision(&interrupted.task_definition),
                interrupted.colour,
                interrupted.step,
                deployment.live
            );
        }
        println!("  history:");
        for entry in deployment.history.iter().rev().take(10) {
            println!(
                "    {}  {:<11} {:>4} → {:<4} {:<12} {}",
                entry.time,
                entry.action,
                entry.from_revision,
                entry.to_revision,
                entry.operator,
                entry.result
            );
        }
    }
    Ok(Exit::Ok)
}
