//! The AWS provider's [`Rollouts`]: an `aws_ecs_service` whose deployment controller asks for
//! blue/green is rolled out by [`super::deploy`] through [`AwsBlueGreen`]. Its record in the
//! state is a [`Deployment`]. The engine stores the record without reading it.

use std::sync::Arc;

use infra_core::rollout::{Recovered, RolloutEvents, RolloutPlan, RolloutRecord, Rollouts};
use infra_core::{ProviderError, Value};

use super::api::DeploymentSpec;
use super::deploy::{self, DeployError, DeployEvents, Deployment};
use super::AwsBlueGreen;
use crate::resources::ecs::service_deployment;
use crate::Aws;

/// The one type that rolls out.
const ECS_SERVICE: &str = "aws_ecs_service";

pub struct BlueGreenRollouts {
    api: AwsBlueGreen,
}

impl BlueGreenRollouts {
    pub fn new(aws: Arc<Aws>) -> BlueGreenRollouts {
        BlueGreenRollouts { api: AwsBlueGreen::new(aws) }
    }
}

/// What the deployment needs from `value`, when it is an ECS service deployed blue/green.
fn spec(resource_type: &str, value: &Value) -> Option<Result<DeploymentSpec, String>> {
    (resource_type == ECS_SERVICE).then(|| service_deployment::deployment_spec(value)).flatten()
}

fn valid_spec(resource_type: &str, value: &Value) -> Result<DeploymentSpec, ProviderError> {
    match spec(resource_type, value) {
        Some(Ok(spec)) => Ok(spec),
        Some(Err(reason)) => Err(ProviderError::with_code("InvalidDeployment", reason)),
        None => Err(ProviderError::with_code(
            "InvalidDeployment",
            format!("a {resource_type} that is not deployed blue/green has no rollout"),
        )),
    }
}

/// The ID Terraform gives an ECS service in the state, `<cluster>/<name>`.
fn service_id(spec: &DeploymentSpec) -> String {
    format!("{}/{}", spec.cluster, spec.name)
}

fn deployment(record: &RolloutRecord) -> Result<Deployment, ProviderError> {
    Deployment::from_json(record)
        .ok_or_else(|| ProviderError::new("the state's blue/green record cannot be read"))
}

/// The deployment's events through the engine's: the record is saved as JSON.
struct Events<'a>(&'a dyn RolloutEvents);

impl DeployEvents for Events<'_> {
    fn address(&self) -> String {
        self.0.address()
    }

    fn message(&self, text: String) {
        self.0.message(text)
    }

    fn save(&self, deployment: &Deployment) -> Result<(), String> {
        self.0.save(&deployment.to_json())
    }

    fn interrupted(&self) -> bool {
        self.0.interrupted()
    }
}

/// A stopped deploy as the provider error the apply reports, with a code per reason.
fn deploy_error(error: DeployError) -> ProviderError {
    match error {
        DeployError::Provider(error) => error,
        DeployError::GateFailed(reason) => ProviderError::with_code(
            "HealthGateFailed",
            format!("health gate failed, traffic was not switched: {reason}"),
        ),
        DeployError::Reverted(reason) => ProviderError::with_code(
            "AutomaticRevert",
            format!("reverted automatically during the bake: {reason}"),
        ),
        DeployError::HookFailed(reason) => ProviderError::with_code(
            "LifecycleHookFailed",
            format!("rolled back by a lifecycle hook: {reason}"),
        ),
        error @ DeployError::Interrupted => {
            ProviderError::with_code("Interrupted", error.to_string())
        }
        error @ DeployError::StateNotSaved(_) => {
            ProviderError::with_code("StateNotSaved", error.to_string())
        }
    }
}

#[async_trait::async_trait(?Send)]
impl Rollouts for BlueGreenRollouts {
    fn rolls_out(&self, resource_type: &str, value: &Value) -> Option<Result<(), String>> {
        spec(resource_type, value).map(|spec| spec.map(|_| ()))
    }

    fn plan(
        &self,
        resource_type: &str,
        planned: &Value,
        record: &RolloutRecord,
    ) -> Option<RolloutPlan> {
        let deployment = Deployment::from_json(record)?;
        let target =
            spec(resource_type, planned).and_then(Result::ok).and_then(|spec| spec.task_definition);
        deploy::plan(&deployment, target.as_deref())
    }

    async fn create(
        &self,
        resource_type: &str,
        planned: &Value,
        events: &dyn RolloutEvents,
    ) -> Result<String, ProviderError> {
        let spec = valid_spec(resource_type, planned)?;
        let region = self.api.region();
        let deployment = deploy::create(&self.api, &spec, planned, region, &Events(events))
            .await
            .map_err(deploy_error)?;
        events.save(&deployment.to_json()).map_err(|error| {
            ProviderError::with_code(
                "StateNotSaved",
                format!("the colours were created but their state could not be saved: {error}"),
            )
        })?;
        Ok(service_id(&spec))
    }

    async fn update(
        &self,
        resource_type: &str,
        planned: &Value,
        record: &RolloutRecord,
        events: &dyn RolloutEvents,
    ) -> Result<String, ProviderError> {
        let spec = valid_spec(resource_type, planned)?;
        let mut deployment = deployment(record)?;
        let events = Events(events);
        let result = deploy::deploy(&self.api, &spec, planned, &mut deployment, &events).await;
        let saved = events.save(&deployment);
        result.map_err(deploy_error)?;
        saved.map_err(|error| {
            ProviderError::with_code(
                "StateNotSaved",
                format!("the deploy finished but its state could not be saved: {error}"),
            )
        })?;
        Ok(service_id(&spec))
    }

    async fn delete(&self, record: &RolloutRecord) -> Result<(), ProviderError> {
        deploy::delete(&self.api, &deployment(record)?).await
    }

    fn in_progress(&self, record: &RolloutRecord) -> bool {
        Deployment::from_json(record).is_some_and(|d| d.in_progress.is_some())
    }

    async fn recover(
        &self,
        value: &Value,
        record: &mut RolloutRecord,
        resume: bool,
    ) -> Result<Option<Recovered>, ProviderError> {
        let Some(mut deployment) = Deployment::from_json(record) else {
            return Ok(None);
        };
        let recovered =
            deploy::recover_interrupted(&self.api, value, &mut deployment, resume).await?;
        *record = deployment.to_json();
        Ok(recovered)
    }

    async fn follow_live(&self, record: &RolloutRecord) -> Result<Option<String>, ProviderError> {
        let Some(deployment) = Deployment::from_json(record) else {
            return Ok(None);
        };
        Ok(deploy::scaling_follows_live(&self.api, &deployment)
            .await
            .map_err(|error| error.context("moving auto scaling to the live colour"))?
            .then(|| format!("its auto scaling moved to the live colour, {}", deployment.live)))
    }

    async fn finalize_expired(
        &self,
        resource_type: &str,
        value: &Value,
        record: &mut RolloutRecord,
    ) -> Result<bool, ProviderError> {
        let (Some(Ok(spec)), Some(mut deployment)) =
            (spec(resource_type, value), Deployment::from_json(record))
        else {
            return Ok(false);
        };
        if deploy::standby_expired(&deployment, spec.strategy.standby_retention)
            && deploy::finalize(&self.api, value, &mut deployment).await?
        {
            *record = deployment.to_json();
            return Ok(true);
        }
        Ok(false)
    }

    async fn rederive(
        &self,
        resource_type: &str,
        value: &Value,
    ) -> Result<Option<(RolloutRecord, String)>, ProviderError> {
        let Some(Ok(spec)) = spec(resource_type, value) else {
            return Ok(None);
        };
        let region = value.get("region").as_str().map(str::to_string);
        Ok(deploy::rederive(&self.api, &spec, region).await?.map(|deployment| {
            let found = format!(
                "its blue/green record was missing from the state (the file was rewritten \
                     by a tool that does not keep it); re-derived from its listener: {} is \
                     live",
                deployment.live
            );
            (deployment.to_json(), found)
        }))
    }

    fn read_prior(
        &self,
        _resource_type: &str,
        value: &Value,
        record: &RolloutRecord,
    ) -> Option<Value> {
        let deployment = Deployment::from_json(record)?;
        let live = deployment.live_state()?;
        Some(service_deployment::live_colour_prior(value, &live.service_name))
    }

    fn with_runtime_attributes(&self, resource_type: &str, remote: Value, prior: &Value) -> Value {
        if resource_type != ECS_SERVICE {
            return remote;
        }
        deploy::with_runtime_attributes(remote, prior, service_deployment::RUNTIME_ATTRIBUTES)
    }

    fn with_live_revision(&self, resource_type: &str, value: &Value, revision: &str) -> Value {
        if resource_type != ECS_SERVICE {
            return value.clone();
        }
        service_deployment::with_deployed_revision(value, revision)
    }

    fn routes(&self, record: &RolloutRecord) -> Vec<String> {
        Deployment::from_json(record).map(|d| d.routes()).unwrap_or_default()
    }

    fn delete_order(&self, record: &RolloutRecord) -> Vec<(String, String)> {
        // A deployment routes its listener (or rule) to both colours' target groups: the
        // route goes first.
        let Some(deployment) = Deployment::from_json(record) else {
            return vec![];
        };
        deployment
            .routes()
            .into_iter()
            .flat_map(|route| {
                deployment
                    .colours
                    .values()
                    .map(move |colour| (route.clone(), colour.target_group_arn.clone()))
            })
            .collect()
    }
}
