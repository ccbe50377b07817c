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
    let Batches { by_type, read_priors } = batches(state, registry, only);
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

    let owned_routes = crate::planner::routes_owned_by_rollouts(state, registry);
    let mut refreshed = state.clone();
    let mut drift = Vec::new();
    let mut deleted = BTreeSet::new();
    for (key, resource, result) in results {
        let type_name = key.1;
        let instances = &by_type[key];
        let Some(values) = batch_values(type_name, instances, result, &mut diagnostics) else {
            continue;
        };
        for ((address, prior), remote) in instances.iter().zip(values) {
            let Some(remote) = remote else {
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
            let read = Read {
                resource: resource.as_ref(),
                registry,
                prior,
                rolled_out: read_priors.contains_key(address),
                owned_routes: &owned_routes,
            };
            let remote = read.as_state_keeps_it(remote);
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
    diagnostics.into_result(Refreshed { state: refreshed, drift, deleted })
}

/// The objects to read, one batch per provider configuration and type (`aws.west`'s VPCs are
/// read in its region), each with its value in the state.
struct Batches<'a> {
    by_type: BTreeMap<(&'a str, &'a str), Vec<(&'a Address, &'a Value)>>,
    /// A rolled-out object is read through the prior its provider gives (the side that
    /// serves); what its rollout owns at run time is kept from the state.
    read_priors: BTreeMap<&'a Address, Value>,
}

fn batches<'a>(
    state: &'a State,
    registry: &Registry,
    only: Option<&BTreeSet<Address>>,
) -> Batches<'a> {
    let mut batches = Batches { by_type: BTreeMap::new(), read_priors: BTreeMap::new() };
    let rollouts = registry.rollouts();
    for (address, resource) in &state.resources {
        if only.is_some_and(|only| !only.contains(address)) {
            continue;
        }
        if let Some(record) = state.deployments.get(&address.to_string()) {
            let read_prior = rollouts.and_then(|rollouts| {
                rollouts.read_prior(&resource.resource_type, &resource.value.unmark_deep(), record)
            });
            match read_prior {
                Some(read_prior) => {
                    batches.read_priors.insert(address, read_prior);
                }
                None => continue,
            }
        }
        let configuration = resource.provider.as_deref().unwrap_or_default();
        batches
            .by_type
            .entry((configuration, resource.resource_type.as_str()))
            .or_default()
            .push((address, &resource.value));
    }
    batches
}

/// One batch's answers, one per instance; `None` (with the error in `diagnostics`) when the
/// read failed or answered for another number of objects.
fn batch_values(
    type_name: &str,
    instances: &[(&Address, &Value)],
    result: Result<Vec<Option<Value>>, infra_core::ProviderError>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<Option<Value>>> {
    match result {
        Ok(values) if values.len() == instances.len() => Some(values),
        Ok(_) => {
            diagnostics.push(Diagnostic::error(
                "Provider error",
                format!(
                    "refreshing {type_name}: the provider returned the wrong number of objects"
                ),
            ));
            None
        }
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(
                    "Failed to refresh",
                    format!("refreshing {type_name} ({} instances): {error}", instances.len()),
                )
                .for_address(instances[0].0),
            );
            None
        }
    }
}

/// One object as read, and what the state keeps beside it.
struct Read<'a> {
    resource: &'a dyn infra_core::ResourceType,
    registry: &'a Registry,
    /// Its value in the state.
    prior: &'a Value,
    /// Read through its rollout's read prior.
    rolled_out: bool,
    /// The IDs of objects whose traffic a rollout moves.
    owned_routes: &'a BTreeSet<String>,
}

impl Read<'_> {
    /// `remote` as the state keeps it: with what a rollout owns at run time, the traffic a
    /// deployment moves, the stored timeouts, sensitive marks and tags as the state has them.
    fn as_state_keeps_it(&self, mut remote: Value) -> Value {
        let (resource, prior) = (self.resource, self.prior);
        if let (true, Some(rollouts)) = (self.rolled_out, self.registry.rollouts()) {
            remote = rollouts.with_runtime_attributes(resource.name(), remote, prior);
        }
        if remote.get("id").as_str().is_some_and(|id| self.owned_routes.contains(id)) {
            // The deployment moves this object's traffic; those attributes are not drift.
            if let Some(entries) = remote.map_mut() {
                for &key in resource.traffic_paths() {
                    if let Some(prior_action) = prior.as_map().and_then(|p| p.get(key)) {
                        entries.insert(key.to_string(), prior_action.clone());
                    }
                }
            }
        }
        normalize(resource, &mut remote);
        keep_stored_timeouts(resource.schema(), prior, &mut remote);
        mark_sensitive(resource.schema(), &mut remote);
        remote.carry_marks(prior);
        if let (true, Some(tagging)) = (resource.schema().taggable, self.registry.tagging()) {
            tagging.read(&mut remote, prior);
        }
        remote
    }
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
