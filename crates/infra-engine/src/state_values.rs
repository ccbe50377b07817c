//! What references see of the resources a state holds: the planner's data-source reads see the
//! refreshed state, the executor's re-evaluations the state as applied so far.

use std::collections::BTreeMap;

use infra_config::{ResourceConfig, ResourceValue, ResourceValues, Step};
use infra_core::{Address, Mode, ResourceId, Value};
use infra_state::State;

use crate::planner::{shape, single_part_in_state};

/// Managed resources as `state` has them, shaped by their expansion, and the values of data
/// sources and ephemeral resources.
pub(crate) struct StateValues<'a> {
    state: &'a State,
    resources: &'a BTreeMap<&'a ResourceId, &'a ResourceConfig>,
    data: &'a BTreeMap<ResourceId, ResourceValue>,
    without_objects: WithoutObjects,
}

/// What a configured resource with no object in the state reads as.
#[derive(Clone, Copy)]
enum WithoutObjects {
    /// Nothing: before apply it does not exist yet.
    Absent,
    /// Its shape with no instances (an empty list or map; a single one Unknown): during apply
    /// it is still to be made, or its instances are gone.
    Empty,
}

impl<'a> StateValues<'a> {
    /// The refreshed state before planning: a resource without objects is absent.
    pub(crate) fn refreshed(
        state: &'a State,
        resources: &'a BTreeMap<&'a ResourceId, &'a ResourceConfig>,
        data: &'a BTreeMap<ResourceId, ResourceValue>,
    ) -> StateValues<'a> {
        StateValues { state, resources, data, without_objects: WithoutObjects::Absent }
    }

    /// The state as applied so far: a resource without objects is shaped from none.
    pub(crate) fn applied(
        state: &'a State,
        resources: &'a BTreeMap<&'a ResourceId, &'a ResourceConfig>,
        data: &'a BTreeMap<ResourceId, ResourceValue>,
    ) -> StateValues<'a> {
        StateValues { state, resources, data, without_objects: WithoutObjects::Empty }
    }
}

impl ResourceValues for StateValues<'_> {
    fn get(&self, id: &ResourceId) -> Option<ResourceValue> {
        if id.mode != Mode::Managed {
            return self.data.get(id).cloned();
        }
        let resource = self.resources.get(id)?;
        let instances: Vec<(Address, Value)> = self
            .state
            .resources
            .range(id.instance(None)..)
            .take_while(|(address, _)| &address.resource == id)
            .map(|(address, r)| (address.clone(), r.value.clone()))
            .collect();
        match self.without_objects {
            WithoutObjects::Absent if instances.is_empty() => None,
            _ => Some(shape(resource, instances)),
        }
    }

    fn get_part(&self, id: &ResourceId, steps: &[Step]) -> Option<(Value, usize)> {
        if id.mode != Mode::Managed {
            return self.data.get_part(id, steps);
        }
        let resource = self.resources.get(id)?;
        single_part_in_state(self.state, resource, steps)
            .or_else(|| self.get(id).map(|value| (value.into_value(), 0)))
    }
}
