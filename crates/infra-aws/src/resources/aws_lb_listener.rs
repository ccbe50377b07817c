//! `aws_lb_listener` (alias `aws_alb_listener`): a port on a load balancer and its default
//! actions.
//!
//! Refresh is one DescribeListeners with every ARN; when one is gone (the call then fails) it
//! lists the listeners of each load balancer instead. Tags: DescribeTags, 20 ARNs a call.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::{Listener, ProtocolEnum};
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{changed, int, number, set_tags, string, text, vanished};
use crate::elbv2_support::{
    action_block, actions_from_sdk, actions_to_sdk, describe_tags, has_managed_tags, tags_to_sdk,
    update_tags, validate_actions,
};
use crate::error::{aws_error, is_not_found};
use crate::Aws;

pub struct AwsLbListener {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsLbListener {
    pub fn new(aws: Arc<Aws>) -> AwsLbListener {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("load_balancer_arn", Type::String).force_new())
            .attr(Attribute::optional("port", Type::Number).check(Check::Range(1, 65535)))
            .attr(
                Attribute::optional_computed("protocol", Type::String).check(Check::OneOf(&[
                    "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE",
                ])),
            )
            .block(action_block("default_action"))
            .with_tags();
        AwsLbListener { aws, schema }
    }

    /// Listeners by ARN; `load_balancers` are the parents, listed when an ARN is missing.
    async fn describe(
        &self,
        arns: &[String],
        load_balancers: &BTreeSet<String>,
    ) -> Result<BTreeMap<String, Listener>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        if arns.is_empty() {
            return Ok(BTreeMap::new());
        }
        let listed = client
            .describe_listeners()
            .set_listener_arns(Some(arns.to_vec()))
            .send()
            .await
            .map_err(aws_error);
        let listeners = match listed {
            Ok(response) => response.listeners().to_vec(),
            // One missing ARN fails the whole call: list per load balancer and match.
            Err(error) if is_not_found(&error) => {
                let mut all = Vec::new();
                for load_balancer in load_balancers {
                    let mut pages = client
                        .describe_listeners()
                        .load_balancer_arn(load_balancer)
                        .into_paginator()
                        .send();
                    while let Some(page) = pages.next().await {
                        match page.map_err(aws_error) {
                            Ok(page) => all.extend(page.listeners().iter().cloned()),
                            Err(error) if is_not_found(&error) => break,
                            Err(error) => return Err(error),
                        }
                    }
                }
                all
            }
            Err(error) => return Err(error),
        };
        Ok(listeners
            .into_iter()
            .filter_map(|listener| {
                let arn = listener.listener_arn()?.to_string();
                arns.contains(&arn).then_some((arn, listener))
            })
            .collect())
    }

    /// Reads listeners; `hints` (ARN → prior or planned value) shape the action blocks.
    async fn read_arns(
        &self,
        hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, (Value, Vec<(String, String)>)>, ProviderError> {
        let arns: Vec<String> = hints.keys().cloned().collect();
        let parents: BTreeSet<String> = hints
            .values()
            .filter_map(|v| string(v, "load_balancer_arn"))
            .collect();
        let listeners = self.describe(&arns, &parents).await?;
        let found: Vec<String> = listeners.keys().cloned().collect();
        let tags = describe_tags(&self.aws.clients().await.elbv2, &found).await?;
        Ok(listeners
            .into_iter()
            .map(|(arn, listener)| {
                let tags = tags.get(&arn).cloned().unwrap_or_default();
                let hint = hints.get(&arn).copied().unwrap_or(&Value::Null);
                (arn, (to_value(&listener, hint, &tags), tags))
            })
            .collect())
    }

    async fn read_one(&self, arn: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.read_arns(&BTreeMap::from([(arn.to_string(), hint)]))
            .await?
            .remove(arn)
            .map(|(value, _)| value)
            .ok_or_else(|| vanished("listener", arn))
    }
}

fn to_value(listener: &Listener, hint: &Value, tags: &[(String, String)]) -> Value {
    let arn = listener.listener_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert(
        "load_balancer_arn".to_string(),
        text(listener.load_balancer_arn()),
    );
    object.insert("port".to_string(), number(listener.port().map(i64::from)));
    object.insert(
        "protocol".to_string(),
        text(listener.protocol().map(|p| p.as_str())),
    );
    object.insert(
        "default_action".to_string(),
        actions_from_sdk(listener.default_actions(), hint, "default_action"),
    );
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsLbListener {
    fn name(&self) -> &'static str {
        "aws_lb_listener"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb_listener"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        validate_actions(config, "default_action")
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let load_balancer_arn = string(planned, "load_balancer_arn").ok_or_else(|| {
            ProviderError::new("aws_lb_listener needs a known \"load_balancer_arn\"")
        })?;
        let response = client
            .create_listener()
            .load_balancer_arn(&load_balancer_arn)
            .set_port(int(planned, "port"))
            .set_protocol(string(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
            .set_default_actions(Some(actions_to_sdk(planned, "default_action")))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let arn = response
            .listeners()
            .first()
            .and_then(|l| l.listener_arn())
            .ok_or_else(|| vanished("listener", &load_balancer_arn))?
            .to_string();
        self.read_one(&arn, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let arn = string(prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_lb_listener has no arn in state"))?;
        if changed(prior, planned, "port")
            || changed(prior, planned, "protocol")
            || changed(prior, planned, "default_action")
        {
            client
                .modify_listener()
                .listener_arn(&arn)
                .set_port(int(planned, "port"))
                .set_protocol(string(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
                .set_default_actions(Some(actions_to_sdk(planned, "default_action")))
                .send()
                .await
                .map_err(aws_error)?;
        }
        update_tags(client, &arn, prior, planned).await?;
        self.read_one(&arn, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        match client
            .delete_listener()
            .listener_arn(&arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let hints: BTreeMap<String, &Value> = prior
            .iter()
            .filter_map(|p| Some((string(p, "arn")?, p)))
            .collect();
        let found = self.read_arns(&hints).await?;
        Ok(prior
            .iter()
            .map(|p| {
                string(p, "arn")
                    .and_then(|arn| found.get(&arn))
                    .map(|(value, _)| value.clone())
            })
            .collect())
    }

    /// Terraform's import ID: its ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(load_balancer_arn) = string(planned, "load_balancer_arn") else {
            return Ok(None);
        };
        let listeners = match client
            .describe_listeners()
            .load_balancer_arn(&load_balancer_arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(response) => response.listeners().to_vec(),
            Err(error) if is_not_found(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        let arns: Vec<String> = listeners
            .iter()
            .filter_map(|l| l.listener_arn().map(str::to_string))
            .collect();
        let tags = describe_tags(client, &arns).await?;
        for listener in &listeners {
            let Some(arn) = listener.listener_arn() else {
                continue;
            };
            let listener_tags = tags.get(arn).cloned().unwrap_or_default();
            if has_managed_tags(&listener_tags, operation) {
                return Ok(Some(to_value(listener, planned, &listener_tags)));
            }
        }
        Ok(None)
    }
}
