//! `aws_lb` (alias `aws_alb`): an application or network load balancer.
//!
//! Refresh is one DescribeLoadBalancers with every ARN (falling back to a full listing when
//! one ARN is gone, since the call then fails), DescribeTags 20 ARNs a call, and one
//! DescribeLoadBalancerAttributes per load balancer (the API has no batch form).

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::{
    LoadBalancer, LoadBalancerAttribute, LoadBalancerSchemeEnum, LoadBalancerTypeEnum,
};
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    boolean, changed, int, set_tags, string, string_list, strings, text, vanished, wait_for,
};
use crate::elbv2_support::{arn_suffix, describe_tags, has_managed_tags, tags_to_sdk, update_tags};
use crate::error::{aws_error, is_not_found};
use crate::Aws;

const IDLE_TIMEOUT: &str = "idle_timeout.timeout_seconds";
const DELETION_PROTECTION: &str = "deletion_protection.enabled";

pub struct AwsLb {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsLb {
    pub fn new(aws: Arc<Aws>) -> AwsLb {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("arn_suffix", Type::String))
            .attr(Attribute::computed("dns_name", Type::String))
            .attr(Attribute::computed("zone_id", Type::String))
            .attr(Attribute::computed("vpc_id", Type::String))
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(
                Attribute::optional("internal", Type::Bool)
                    .default(Value::Bool(false))
                    .force_new(),
            )
            .attr(
                Attribute::optional("load_balancer_type", Type::String)
                    .default(Value::string("application"))
                    .check(Check::OneOf(&["application", "network", "gateway"]))
                    .force_new(),
            )
            .attr(Attribute::optional_computed(
                "security_groups",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed(
                "subnets",
                Type::set(Type::String),
            ))
            .attr(
                Attribute::optional("idle_timeout", Type::Number)
                    .default(Value::Number(60.0))
                    .check(Check::Range(1, 4000)),
            )
            .attr(
                Attribute::optional("enable_deletion_protection", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .with_tags();
        AwsLb { aws, schema }
    }

    /// Load balancers by ARN; missing ones are absent from the map.
    async fn describe(
        &self,
        arns: &[String],
    ) -> Result<BTreeMap<String, LoadBalancer>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let mut found = BTreeMap::new();
        if arns.is_empty() {
            return Ok(found);
        }
        let listed = client
            .describe_load_balancers()
            .set_load_balancer_arns(Some(arns.to_vec()))
            .send()
            .await
            .map_err(aws_error);
        let load_balancers = match listed {
            Ok(response) => response.load_balancers().to_vec(),
            // One missing ARN fails the whole call: list everything instead and match.
            Err(error) if is_not_found(&error) => {
                let mut all = Vec::new();
                let mut pages = client.describe_load_balancers().into_paginator().send();
                while let Some(page) = pages.next().await {
                    all.extend(page.map_err(aws_error)?.load_balancers().iter().cloned());
                }
                all
            }
            Err(error) => return Err(error),
        };
        for load_balancer in load_balancers {
            if let Some(arn) = load_balancer.load_balancer_arn() {
                if arns.iter().any(|a| a == arn) {
                    found.insert(arn.to_string(), load_balancer);
                }
            }
        }
        Ok(found)
    }

    async fn attributes(&self, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let response = client
            .describe_load_balancer_attributes()
            .load_balancer_arn(arn)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(response
            .attributes()
            .iter()
            .filter_map(|a| Some((a.key()?.to_string(), a.value()?.to_string())))
            .collect())
    }

    /// Reads full values for `arns`, keyed by ARN.
    async fn read_arns(
        &self,
        arns: &[String],
    ) -> Result<BTreeMap<String, (Value, Vec<(String, String)>)>, ProviderError> {
        let load_balancers = self.describe(arns).await?;
        let found: Vec<String> = load_balancers.keys().cloned().collect();
        let tags = describe_tags(&self.aws.clients().await.elbv2, &found).await?;
        let mut out = BTreeMap::new();
        for (arn, load_balancer) in load_balancers {
            let attributes = self.attributes(&arn).await?;
            let tags = tags.get(&arn).cloned().unwrap_or_default();
            out.insert(
                arn.clone(),
                (to_value(&load_balancer, &attributes, &tags), tags),
            );
        }
        Ok(out)
    }

    async fn read_one(&self, arn: &str) -> Result<Value, ProviderError> {
        self.read_arns(&[arn.to_string()])
            .await?
            .remove(arn)
            .map(|(value, _)| value)
            .ok_or_else(|| vanished("load balancer", arn))
    }

    async fn modify_attributes(
        &self,
        arn: &str,
        attributes: Vec<(&str, String)>,
    ) -> Result<(), ProviderError> {
        if attributes.is_empty() {
            return Ok(());
        }
        let client = &self.aws.clients().await.elbv2;
        client
            .modify_load_balancer_attributes()
            .load_balancer_arn(arn)
            .set_attributes(Some(
                attributes
                    .into_iter()
                    .map(|(key, value)| {
                        LoadBalancerAttribute::builder()
                            .key(key)
                            .value(value)
                            .build()
                    })
                    .collect(),
            ))
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }
}

fn to_value(
    load_balancer: &LoadBalancer,
    attributes: &BTreeMap<String, String>,
    tags: &[(String, String)],
) -> Value {
    let arn = load_balancer.load_balancer_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("arn_suffix".to_string(), Value::string(arn_suffix(arn)));
    object.insert("dns_name".to_string(), text(load_balancer.dns_name()));
    object.insert(
        "zone_id".to_string(),
        text(load_balancer.canonical_hosted_zone_id()),
    );
    object.insert("vpc_id".to_string(), text(load_balancer.vpc_id()));
    object.insert("name".to_string(), text(load_balancer.load_balancer_name()));
    object.insert(
        "internal".to_string(),
        Value::Bool(load_balancer.scheme() == Some(&LoadBalancerSchemeEnum::Internal)),
    );
    object.insert(
        "load_balancer_type".to_string(),
        text(load_balancer.r#type().map(|t| t.as_str())),
    );
    object.insert(
        "security_groups".to_string(),
        string_list(load_balancer.security_groups()),
    );
    object.insert(
        "subnets".to_string(),
        string_list(
            load_balancer
                .availability_zones()
                .iter()
                .filter_map(|zone| zone.subnet_id()),
        ),
    );
    let idle_timeout = attributes
        .get(IDLE_TIMEOUT)
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(60.0);
    object.insert("idle_timeout".to_string(), Value::Number(idle_timeout));
    object.insert(
        "enable_deletion_protection".to_string(),
        Value::Bool(attributes.get(DELETION_PROTECTION).map(String::as_str) == Some("true")),
    );
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsLb {
    fn name(&self) -> &'static str {
        "aws_lb"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let is_application = config
            .get("load_balancer_type")
            .as_str()
            .unwrap_or("application")
            == "application";
        let subnets = config.get("subnets");
        // AWS refuses an application load balancer in fewer than two subnets; moto does not.
        if is_application && subnets.is_wholly_known() {
            if let Some(list) = subnets.as_list() {
                if list.len() < 2 {
                    problems.push((
                        "subnets".to_string(),
                        format!(
                            "an application load balancer needs at least 2 subnets in different Availability Zones, got {}",
                            list.len()
                        ),
                    ));
                }
            }
        }
        if let Some(name) = config.get("name").as_str() {
            if name.len() > 32
                || name.starts_with("internal-")
                || name.starts_with('-')
                || name.ends_with('-')
            {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\" is not a valid load balancer name: at most 32 characters, no leading or trailing hyphen, not starting with \"internal-\""),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_lb needs a known \"name\""))?;
        let scheme = if boolean(planned, "internal").unwrap_or(false) {
            LoadBalancerSchemeEnum::Internal
        } else {
            LoadBalancerSchemeEnum::InternetFacing
        };
        let load_balancer_type =
            string(planned, "load_balancer_type").unwrap_or_else(|| "application".to_string());
        let security_groups = strings(planned, "security_groups");
        let response = client
            .create_load_balancer()
            .name(&name)
            .scheme(scheme)
            .r#type(LoadBalancerTypeEnum::from(load_balancer_type.as_str()))
            .set_subnets(Some(strings(planned, "subnets")))
            .set_security_groups((!security_groups.is_empty()).then_some(security_groups))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let arn = response
            .load_balancers()
            .first()
            .and_then(|lb| lb.load_balancer_arn())
            .ok_or_else(|| vanished("load balancer", &name))?
            .to_string();
        let mut attributes = Vec::new();
        if let Some(idle_timeout) = int(planned, "idle_timeout").filter(|t| *t != 60) {
            if load_balancer_type == "application" {
                attributes.push((IDLE_TIMEOUT, idle_timeout.to_string()));
            }
        }
        if boolean(planned, "enable_deletion_protection") == Some(true) {
            attributes.push((DELETION_PROTECTION, "true".to_string()));
        }
        self.modify_attributes(&arn, attributes).await?;
        let timeout = operation.timeouts.create;
        wait_for(
            &format!("load balancer {name} to be active"),
            timeout,
            || async {
                let found = self.describe(std::slice::from_ref(&arn)).await?;
                let state = found
                    .get(&arn)
                    .and_then(|lb| lb.state())
                    .and_then(|s| s.code())
                    .map(|c| c.as_str().to_string());
                Ok(match state.as_deref() {
                    Some("active") | None => Some(()),
                    Some("failed") => {
                        return Err(ProviderError::new(format!(
                            "load balancer {name} failed to provision"
                        )))
                    }
                    _ => None,
                })
            },
        )
        .await?;
        self.read_one(&arn).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let arn =
            string(prior, "arn").ok_or_else(|| ProviderError::new("aws_lb has no arn in state"))?;
        if changed(prior, planned, "security_groups")
            && !planned.get("security_groups").is_unknown()
        {
            client
                .set_security_groups()
                .load_balancer_arn(&arn)
                .set_security_groups(Some(strings(planned, "security_groups")))
                .send()
                .await
                .map_err(aws_error)?;
        }
        if changed(prior, planned, "subnets") && !planned.get("subnets").is_unknown() {
            client
                .set_subnets()
                .load_balancer_arn(&arn)
                .set_subnets(Some(strings(planned, "subnets")))
                .send()
                .await
                .map_err(aws_error)?;
        }
        let mut attributes = Vec::new();
        if changed(prior, planned, "idle_timeout") {
            if let Some(idle_timeout) = int(planned, "idle_timeout") {
                attributes.push((IDLE_TIMEOUT, idle_timeout.to_string()));
            }
        }
        if changed(prior, planned, "enable_deletion_protection") {
            attributes.push((
                DELETION_PROTECTION,
                boolean(planned, "enable_deletion_protection")
                    .unwrap_or(false)
                    .to_string(),
            ));
        }
        self.modify_attributes(&arn, attributes).await?;
        update_tags(client, &arn, prior, planned).await?;
        self.read_one(&arn).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        match client
            .delete_load_balancer()
            .load_balancer_arn(&arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => {}
            Err(error) if is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
        // Security groups and subnets cannot be deleted while the load balancer still exists.
        wait_for(
            &format!("load balancer {arn} to be deleted"),
            operation.timeouts.delete,
            || async {
                Ok(self
                    .describe(std::slice::from_ref(&arn))
                    .await?
                    .is_empty()
                    .then_some(()))
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let arns: Vec<String> = prior.iter().filter_map(|p| string(p, "arn")).collect();
        let found = self.read_arns(&arns).await?;
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
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let response = client
            .describe_load_balancers()
            .names(&name)
            .send()
            .await
            .map_err(aws_error);
        let arn = match response {
            Ok(response) => response
                .load_balancers()
                .first()
                .and_then(|lb| lb.load_balancer_arn())
                .map(str::to_string),
            Err(error) if is_not_found(&error) => None,
            Err(error) => return Err(error),
        };
        let Some(arn) = arn else { return Ok(None) };
        let mut found = self.read_arns(std::slice::from_ref(&arn)).await?;
        Ok(found
            .remove(&arn)
            .filter(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(value, _)| value))
    }
}
