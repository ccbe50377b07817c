//! Reading data sources before planning. A data source whose configuration is known (it does
//! not depend on a managed resource still to be created) is read now; others stay Unknown.

use std::collections::{BTreeMap, BTreeSet};

use infra_config::{Config, Evaluator, ResourceValue};
use infra_core::{Diagnostic, Diagnostics, Mode, Registry, ResourceId, Value};

use crate::observer::{Event, Observer};
use crate::planner::{shape, PlannedValues};

pub async fn read_data_sources(
    config: &Config,
    evaluator: &Evaluator<'_>,
    registry: &Registry,
    order: &[ResourceId],
    dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>,
    observer: &dyn Observer,
) -> Result<BTreeMap<ResourceId, ResourceValue>, Diagnostics> {
    let resources: BTreeMap<&ResourceId, _> =
        config.resources().into_iter().map(|r| (&r.id, r)).collect();
    let mut values = PlannedValues::default();
    let mut diagnostics = Diagnostics::new();
    for id in order.iter().filter(|id| id.mode == Mode::Data) {
        let Some(resource) = resources.get(id) else {
            continue;
        };
        let Some(data_source) = registry.data_source(&id.resource_type) else {
            diagnostics.push(
                Diagnostic::error(
                    "Unknown data source",
                    format!("The data source \"{}\" is not supported.", id.resource_type),
                )
                .at(Some(resource.location.clone())),
            );
            continue;
        };
        let depends_on_managed = dependencies
            .get(id)
            .into_iter()
            .flatten()
            .any(|d| d.mode == Mode::Managed);
        let instances = match evaluator.expand(id, &values) {
            Ok(instances) => instances,
            Err(errors) => {
                diagnostics.extend(errors);
                continue;
            }
        };
        let mut shaped = Vec::new();
        for instance in instances {
            for (path, message) in data_source.schema().validate(&instance.value) {
                diagnostics.push(
                    Diagnostic::error("Invalid data source argument", message)
                        .at(config.location_of(id, &path))
                        .for_address(&instance.address),
                );
            }
            let value = if depends_on_managed || !instance.value.is_wholly_known() {
                Value::Unknown
            } else {
                observer.event(Event::ReadingData {
                    address: instance.address.clone(),
                });
                match data_source.read(&instance.value.unmark_deep()).await {
                    Ok(value) => value,
                    Err(error) => {
                        diagnostics.push(
                            Diagnostic::error("Failed to read data source", error.to_string())
                                .at(Some(resource.location.clone()))
                                .for_address(&instance.address),
                        );
                        Value::Unknown
                    }
                }
            };
            shaped.push((instance.address, value));
        }
        values.values.insert(id.clone(), shape(resource, shaped));
    }
    diagnostics.into_result(values.values)
}
