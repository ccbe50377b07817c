//! `aws_cloudwatch_dashboard`: a CloudWatch dashboard, its widgets given as a JSON body.
//!
//! PutDashboard creates and replaces the dashboard, so `dashboard_body` changes in place;
//! `dashboard_name` forces a new one. The body is compared as normalised JSON (key order and
//! whitespace are not drift). CloudWatch has no call that returns many bodies, so refresh is
//! one GetDashboard per dashboard. Dashboards take no tags: crash recovery finds the dashboard
//! by its name. Import ID: the dashboard name.

use aws_sdk_cloudwatch::operation::get_dashboard::GetDashboardOutput as Dashboard;
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use crate::app_support::{
    canonical_json, deleted_or_missing, invalid_json, is_missing, same_json, sent, string,
};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{self, computed, read, Reading};

pub type AwsCloudwatchDashboard = ObjectType<DashboardObject>;

pub struct DashboardObject;

/// The dashboard, or `None` when it does not exist.
async fn get(
    this: &AwsCloudwatchDashboard,
    name: &str,
) -> Result<Option<Tagged<Dashboard>>, ProviderError> {
    match sent!(this.aws.clients().await.cloudwatch.get_dashboard().dashboard_name(name)) {
        Ok(dashboard) => Ok(Some(Tagged { object: dashboard, tags: vec![] })),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// PutDashboard creates and replaces the dashboard.
async fn put(this: &AwsCloudwatchDashboard, planned: &Value) -> Result<String, ProviderError> {
    let name = string(planned, "dashboard_name")
        .ok_or_else(|| ProviderError::new("aws_cloudwatch_dashboard needs dashboard_name"))?;
    sent!(this
        .aws
        .clients()
        .await
        .cloudwatch
        .put_dashboard()
        .dashboard_name(&name)
        .dashboard_body(string(planned, "dashboard_body").unwrap_or_default()))?;
    Ok(name)
}

impl AwsObject for DashboardObject {
    type Object = Dashboard;
    const NAME: &'static str = "aws_cloudwatch_dashboard";
    const KIND: &'static str = "dashboard";
    const KEY: &'static str = "dashboard_name";
    const KEY_OR_ID: bool = true;
    const TAGGED: bool = false;

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

    fn validate(config: &Value) -> Vec<(String, String)> {
        invalid_json(config, "dashboard_body").into_iter().collect()
    }

    /// Dashboards have no tags: the dashboard of this name is the one the create wrote.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "dashboard_name")
    }

    /// CloudWatch has no call that returns many bodies: one GetDashboard per dashboard.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Dashboard> {
        key_by_key(names, |name| get(this, name)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        put(at.this, at.planned).await
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        put(at.this, at.planned).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.cloudwatch;
        deleted_or_missing(sent!(client.delete_dashboards().dashboard_names(at.key)))
    }
}
