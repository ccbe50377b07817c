//! Refresh: re-read every managed object in state, one batched `read_many` per resource type,
//! the types in parallel. Finds drift (changed outside infra) and deletions.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::join_all;
use infra_core::{Action, Address, Diagnostic, Diagnostics, Registry, Value};
use infra_state::State;
use tracing::Instrument;

use crate::diff::{changed_paths, keep_stored_timeouts, mark_sensitive, normalize};
use crate::observer::{Event, Observer};
use crate::plan::ResourceChange;

pub struct Refreshed {
    pub state: State,
    /// Objects changed or deleted outside infra (before = state, after = remote).
    pub drift: Vec<ResourceChange>,
    pub deleted: BTreeSet<Address>,
}

/// Refreshes the given addresses (all managed resources when `only` is None).
pub async fn refresh(
    state: &State,
    registry: &Registry,
    observer: &dyn Observer,
    only: Option<&BTreeSet<Address>>,
) -> Result<Refreshed, Diagnostics> {
    // One batch per provider configuration and type: `aws.west`'s VPCs are read in its region.
    let mut by_type: BTreeMap<(&str, &str), Vec<(&Address, &Value)>> = BTreeMap::new();
    let owned_routes = crate::planner::routes_owned_by_rollouts(state, registry);
    let rollouts = registry.rollouts();
    // A rolled-out object is read through the prior its provider gives (the side that
    // serves); what its rollout owns at run time is kept from the state below.
    let mut read_priors: BTreeMap<&Address, Value> = BTreeMap::new();
    for (address, resource) in &state.resources {
        if only.is_some_and(|only| !only.contains(address)) {
            continue;
        }
        if let Some(record) = state.deployments.get(&address.to_string()) {
            let read_prior = rollouts.and_then(|rollouts| {
                rollouts.read_prior(
                    &resource.resource_type,
                    &resource.value.unmark_deep(),
                    record,
                )
            });
            match read_prior {
                Some(read_prior) => {
                    read_priors.insert(address, read_prior);
                }
                None => continue,
            }
        }
        let configuration = resource.provider.as_deref().unwrap_or_default();
        by_type
            .entry((configuration, resource.resource_type.as_str()))
            .or_default()
            .push((address, &resource.value));
    }
    let mut diagnostics = Diagnostics::new();
    let reads = by_type.iter().filter_map(|(key, instances)| {
        let (configuration, type_name) = *key;
        let Some(resource) = registry.for_configuration(configuration).resource(type_name) else {
            diagnostics.push(Diagnostic::error(
                "Unknown resource type in state",
                format!("The state holds {} of type \"{type_name}\", which this version of infra does not support.", instances[0].0),
            ));
            return None;
        };
        for (address, value) in instances {
            observer.event(Event::Refreshing { address: (*address).clone(), id: value.get("id").as_str().unwrap_or("").to_string() });
        }
        let priors: Vec<Value> = instances
            .iter()
            .map(|(address, value)| match read_priors.get(address) {
                Some(read_prior) => read_prior.clone(),
                None => value.unmark_deep(),
            })
            .collect();
        let span = tracing::info_span!("refresh", provider = configuration, resource_type = type_name, instances = priors.len());
        Some(async move { (key, resource.clone(), resource.read_many(&priors).await) }.instrument(span))
    });
    let results = join_all(reads.collect::<Vec<_>>()).await;

    let mut refreshed = state.clone();
    let mut drift = Vec::new();
    let mut deleted = BTreeSet::new();
    for (key, resource, result) in results {
        let type_name = key.1;
        let instances = &by_type[key];
        let values = match result {
            Ok(values) if values.len() == instances.len() => values,
            Ok(_) => {
                diagnostics.push(Diagnostic::error(
                    "Provider error",
                    format!(
                        "refreshing {type_name}: the provider returned the wrong number of objects"
                    ),
                ));
                continue;
            }
            Err(error) => {
                diagnostics.push(
                    Diagnostic::error(
                        "Failed to refresh",
                        format!(
                            "refreshing {type_name} ({} instances): {error}",
                            instances.len()
                        ),
                    )
                    .for_address(instances[0].0),
                );
                continue;
            }
        };
        for ((address, prior), remote) in instances.iter().zip(values) {
            let Some(mut remote) = remote else {
                refreshed.resources.remove(*address);
                deleted.insert((*address).clone());
                drift.push(drift_change(
                    address,
                    type_name,
                    Action::Delete,
                    (*prior).clone(),
                    Value::Null,
                ));
                continue;
            };
            if let (true, Some(rollouts)) = (read_priors.contains_key(address), rollouts) {
                remote = rollouts.with_runtime_attributes(type_name, remote, prior);
            }
            if remote
                .get("id")
                .as_str()
                .is_some_and(|id| owned_routes.contains(id))
            {
                // The deployment moves this object's traffic; those attributes are not drift.
                if let Some(entries) = remote.map_mut() {
                    for &key in resource.traffic_paths() {
                        if let Some(prior_action) = prior.as_map().and_then(|p| p.get(key)) {
                            entries.insert(key.to_string(), prior_action.clone());
                        }
                    }
                }
            }
            normalize(resource.as_ref(), &mut remote);
            keep_stored_timeouts(resource.schema(), prior, &mut remote);
            mark_sensitive(resource.schema(), &mut remote);
            remote.carry_marks(prior);
            if let (true, Some(tagging)) = (resource.schema().taggable, registry.tagging()) {
                tagging.read(&mut remote, prior);
            }
            let mut prior_normalized = (*prior).clone();
            normalize(resource.as_ref(), &mut prior_normalized);
            if !changed_paths(resource.schema(), &prior_normalized, &remote).is_empty() {
                drift.push(drift_change(
                    address,
                    type_name,
                    Action::Update,
                    (*prior).clone(),
                    remote.clone(),
                ));
            }
            if let Some(entry) = refreshed.resources.get_mut(*address) {
                entry.value = remote;
            }
        }
    }
    diagnostics.into_result(Refreshed {
        state: refreshed,
        drift,
        deleted,
    })
}

fn drift_change(
    address: &Address,
    type_name: &str,
    action: Action,
    before: Value,
    after: Value,
) -> ResourceChange {
    ResourceChange::new(address.clone(), type_name, action, before, after)
}
