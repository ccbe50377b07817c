//! `aws_cloudwatch_dashboard`: a CloudWatch dashboard, its widgets given as a JSON body.
//!
//! PutDashboard creates and replaces the dashboard, so `dashboard_body` changes in place;
//! `dashboard_name` forces a new one. The body is compared as normalised JSON (key order and
//! whitespace are not drift). CloudWatch has no call that returns many bodies, so refresh is
//! one GetDashboard per dashboard. Dashboards take no tags: crash recovery finds the dashboard
//! by its name. Import ID: the dashboard name.

use std::sync::Arc;

use aws_sdk_cloudwatch::operation::get_dashboard::GetDashboardOutput as Dashboard;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    canonical_json, deleted_or_missing, invalid_json, is_missing, same_json, sent, string, vanished,
};
use crate::declared::{self, computed, declare, read, read_in_turn, Declaration, Reading};
use crate::Aws;

pub struct AwsCloudwatchDashboard {
    aws: Arc<Aws>,
    schema: Schema,
    declaration: Declaration<Dashboard>,
}

/// The attributes, each with how it is read from GetDashboard's answer.
fn attributes() -> Vec<declared::Declared<Dashboard>> {
    vec![
        computed("id", Dashboard::dashboard_name),
        computed("dashboard_arn", Dashboard::dashboard_arn),
        declared::string(
            Attribute::required("dashboard_name", Type::String).force_new(),
            Dashboard::dashboard_name,
        ),
        read(
            Attribute::required("dashboard_body", Type::Json),
            |dashboard: &Dashboard, at: &Reading| {
                same_json(
                    dashboard.dashboard_body().map(canonical_json),
                    at.prior.get("dashboard_body"),
                )
            },
        ),
    ]
}

impl AwsCloudwatchDashboard {
    pub fn new(aws: Arc<Aws>) -> AwsCloudwatchDashboard {
        let (schema, declaration) = declare(Schema::new(), attributes());
        AwsCloudwatchDashboard {
            aws,
            schema,
            declaration,
        }
    }

    /// The dashboard, or `None` when it does not exist. `hint` keeps the configured body text
    /// when it means the same JSON.
    async fn read(&self, name: &str, hint: &Value) -> Result<Option<Value>, ProviderError> {
        match sent!(self
            .aws
            .clients()
            .await
            .cloudwatch
            .get_dashboard()
            .dashboard_name(name))
        {
            Ok(dashboard) => Ok(Some(self.declaration.value(&dashboard, &Reading::of(hint)))),
            Err(error) if is_missing(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn put(&self, planned: &Value) -> Result<Value, ProviderError> {
        let name = string(planned, "dashboard_name")
            .ok_or_else(|| ProviderError::new("aws_cloudwatch_dashboard needs dashboard_name"))?;
        sent!(self
            .aws
            .clients()
            .await
            .cloudwatch
            .put_dashboard()
            .dashboard_name(&name)
            .dashboard_body(string(planned, "dashboard_body").unwrap_or_default()))?;
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
        invalid_json(config, "dashboard_body").into_iter().collect()
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
        deleted_or_missing(sent!(self
            .aws
            .clients()
            .await
            .cloudwatch
            .delete_dashboards()
            .dashboard_names(name)))
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_in_turn(prior, &["dashboard_name", "id"], |name, p| async move {
            self.read(&name, p).await
        })
        .await
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
