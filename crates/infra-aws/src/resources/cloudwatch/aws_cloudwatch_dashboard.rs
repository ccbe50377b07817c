//! `aws_cloudwatch_dashboard`: a CloudWatch dashboard, its widgets given as a JSON body.
//!
//! PutDashboard creates and replaces the dashboard, so `dashboard_body` changes in place;
//! `dashboard_name` forces a new one. The body is compared as normalised JSON (key order and
//! whitespace are not drift). CloudWatch has no call that returns many bodies, so refresh is
//! one GetDashboard per dashboard. Dashboards take no tags: crash recovery finds the dashboard
//! by its name. Import ID: the dashboard name.

use std::sync::Arc;

use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    canonical_json, deleted_or_missing, is_missing, same_json, string, text, vanished,
};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsCloudwatchDashboard {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCloudwatchDashboard {
    pub fn new(aws: Arc<Aws>) -> AwsCloudwatchDashboard {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("dashboard_arn", Type::String))
            .attr(Attribute::required("dashboard_name", Type::String).force_new())
            .attr(Attribute::required("dashboard_body", Type::Json));
        AwsCloudwatchDashboard { aws, schema }
    }

    /// The dashboard, or `None` when it does not exist. `hint` keeps the configured body text
    /// when it means the same JSON.
    async fn read(&self, name: &str, hint: &Value) -> Result<Option<Value>, ProviderError> {
        match self
            .aws
            .clients()
            .await
            .cloudwatch
            .get_dashboard()
            .dashboard_name(name)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(response) => Ok(Some(Value::map([
                ("id", text(response.dashboard_name())),
                ("dashboard_name", text(response.dashboard_name())),
                ("dashboard_arn", text(response.dashboard_arn())),
                (
                    "dashboard_body",
                    same_json(
                        response.dashboard_body().map(canonical_json),
                        hint.get("dashboard_body"),
                    ),
                ),
            ]))),
            Err(error) if is_missing(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn put(&self, planned: &Value) -> Result<Value, ProviderError> {
        let name = string(planned, "dashboard_name")
            .ok_or_else(|| ProviderError::new("aws_cloudwatch_dashboard needs dashboard_name"))?;
        self.aws
            .clients()
            .await
            .cloudwatch
            .put_dashboard()
            .dashboard_name(&name)
            .dashboard_body(string(planned, "dashboard_body").unwrap_or_default())
            .send()
            .await
            .map_err(aws_error)?;
        self.read(&name, planned)
            .await?
            .ok_or_else(|| vanished("dashboard", &name))
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsCloudwatchDashboard {
    fn name(&self) -> &'static str {
        "aws_cloudwatch_dashboard"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        match config.get("dashboard_body").as_str() {
            Some(body) if serde_json::from_str::<serde_json::Value>(body).is_err() => vec![(
                "dashboard_body".to_string(),
                "\"dashboard_body\" contains an invalid JSON".to_string(),
            )],
            _ => vec![],
        }
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.put(planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.put(planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(name) = string(prior, "dashboard_name") else {
            return Ok(());
        };
        deleted_or_missing(
            self.aws
                .clients()
                .await
                .cloudwatch
                .delete_dashboards()
                .dashboard_names(name)
                .send()
                .await
                .map_err(aws_error),
        )
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut out = Vec::with_capacity(prior.len());
        for p in prior {
            let name = string(p, "dashboard_name").or_else(|| string(p, "id"));
            out.push(match name {
                Some(name) => self.read(&name, p).await?,
                None => None,
            });
        }
        Ok(out)
    }

    /// Terraform's import ID: the dashboard name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("dashboard_name", id))
    }

    /// Dashboards have no tags: the dashboard of this name is the one the create wrote.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        match string(planned, "dashboard_name") {
            Some(name) => self.read(&name, planned).await,
            None => Ok(None),
        }
    }
}
