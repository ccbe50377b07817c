//! Crash recovery: a `pending` entry records a create that was started. The next run asks the
//! resource type to find the object by its managed tags or natural key, and adopts it or drops
//! the entry.
//!
//! A create cut off just now may still be landing: the request can be in the service's hands
//! when the process dies, and AWS's reads are eventually consistent. So an entry younger than
//! [`SETTLE`] that finds nothing is looked for again until it is that old, before recovery
//! concludes that nothing was made (and the plan creates it again).

use std::time::{Duration, SystemTime};

use infra_core::{
    Creating, Diagnostic, Diagnostics, Operation, ProviderError, Registry, ResourceType, Value,
};
use infra_state::{Backend, ResourceState, State};

use crate::diff::{mark_sensitive, normalize};
use crate::observer::{Event, Observer};
use crate::persist::persist;

/// Resolves every pending entry and persists the result. Returns true when anything changed.
pub async fn resolve_pending(
    state: &mut State,
    registry: &Registry,
    backend: &dyn Backend,
    observer: &dyn Observer,
) -> Result<bool, Diagnostics> {
    if state.pending.is_empty() {
        return Ok(false);
    }
    let pending = std::mem::take(&mut state.pending);
    let mut diagnostics = Diagnostics::new();
    for (address, entry) in pending {
        let configuration = entry.provider.as_deref().unwrap_or_default();
        let Some(resource) =
            registry.for_configuration(configuration).resource(&entry.resource_type)
        else {
            diagnostics.push(Diagnostic::error(
                "Unknown resource type in state",
                format!(
                    "pending create of {address}: type {} is not supported",
                    entry.resource_type
                ),
            ));
            state.pending.insert(address, entry);
            continue;
        };
        let operation = Operation {
            address: address.to_string(),
            lineage: state.lineage.clone(),
            timeouts: resource.default_timeouts(),
            rollouts: state.deployments.values().cloned().collect(),
        };
        let started_at =
            humantime::parse_rfc3339(&entry.started_at).unwrap_or(SystemTime::UNIX_EPOCH);
        let planned = entry.planned.unmark_deep();
        let creating = Creating { operation: &operation, planned: &planned };
        match find_settled(resource.as_ref(), creating, started_at).await {
            Ok(Some(mut value)) => {
                normalize(resource.as_ref(), &mut value);
                mark_sensitive(resource.schema(), &mut value);
                fill_unreadable(&mut value, &entry.planned);
                observer.event(Event::Recovered { address: address.clone(), found: true });
                state.resources.insert(
                    address,
                    ResourceState {
                        resource_type: entry.resource_type,
                        value,
                        provider: entry.provider,
                        schema_version: resource.schema().version,
                        dynamic_attributes: resource.schema().dynamic_attributes(),
                        ..ResourceState::default()
                    },
                );
            }
            Ok(None) => observer.event(Event::Recovered { address: address.clone(), found: false }),
            Err(error) => {
                diagnostics.push(
                    Diagnostic::error("Failed to resolve an interrupted create", error.to_string())
                        .for_address(&address),
                );
                state.pending.insert(address, entry);
            }
        }
    }
    persist(backend, state)
        .map_err(|e| Diagnostics::from(Diagnostic::error("Failed to save state", e.to_string())))?;
    diagnostics.into_result(true)
}

/// How long after its start a lost create may still show up.
const SETTLE: Duration = Duration::from_secs(10);

/// `find_created`, asked again each second while the create started less than [`SETTLE`] ago
/// and nothing is found.
pub(crate) async fn find_settled(
    resource: &dyn ResourceType,
    at: Creating<'_>,
    started_at: SystemTime,
) -> Result<Option<Value>, ProviderError> {
    let settled_at = started_at + SETTLE;
    loop {
        let found = resource.find_created(at).await?;
        if found.is_some() || SystemTime::now() >= settled_at {
            return Ok(found);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Gives a found object the planned values the provider cannot read back (passwords and other
/// config-only arguments): where the object has null and the plan a known value.
pub(crate) fn fill_unreadable(found: &mut Value, planned: &Value) {
    if let (Some(found), Some(planned)) = (found.map_mut(), planned.as_map()) {
        for (key, planned_value) in planned {
            if found.get(key).is_none_or(|v| v.is_null()) && planned_value.is_wholly_known() {
                found.insert(key.clone(), planned_value.clone());
            }
        }
    }
}
