//! `aws_lb_listener` (alias `aws_alb_listener`): a port on a load balancer and its default
//! actions.
//!
//! Refresh is one DescribeListeners with every ARN; when one is gone (the call then fails) it
//! lists the listeners of each load balancer instead. Tags: DescribeTags, 20 ARNs a call.
//!
//! `certificate_arn` is the listener's default certificate (extra ones are
//! `aws_lb_listener_certificate`'s). `ssl_policy` defaults to `ELBSecurityPolicy-2016-08` on
//! HTTPS and TLS listeners, as the provider does. `mutual_authentication` with mode `off` reads
//! as no block.
//!
//! moto does not return `mutual_authentication`, and ignores `alpn_policy` on ModifyListener,
//! so drift on them is not seen in tests.
//!
//! Not supported yet ([`Schema::not_supported`]): the listener attributes
//! ([`LISTENER_ATTRIBUTES`]: the `routing_http_*` headers, `tcp_idle_timeout_seconds`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::{
    AdvertiseTrustStoreCaNamesEnum, Certificate, Listener, MutualAuthenticationAttributes,
    ProtocolEnum,
};
use aws_sdk_elasticloadbalancingv2::Client;
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    boolean, changed, int, non_empty, number, set_tags, single, string, text, vanished,
};
use crate::elbv2_support::{
    action_block, actions_from_sdk, actions_to_sdk, describe_tags, has_managed_tags, tags_to_sdk,
    update_tags, validate_actions,
};
use crate::error::{aws_error, is_not_found};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

/// The listener attributes (DescribeListenerAttributes) of the provider's, which infra does not
/// read or set yet: (argument, its type).
const LISTENER_ATTRIBUTES: &[(&str, Type)] = &[
    (
        "routing_http_request_x_amzn_mtls_clientcert_header_name",
        Type::String,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_issuer_header_name",
        Type::String,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_leaf_header_name",
        Type::String,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_serial_number_header_name",
        Type::String,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_subject_header_name",
        Type::String,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_validity_header_name",
        Type::String,
    ),
    (
        "routing_http_request_x_amzn_tls_cipher_suite_header_name",
        Type::String,
    ),
    (
        "routing_http_request_x_amzn_tls_version_header_name",
        Type::String,
    ),
    (
        "routing_http_response_access_control_allow_credentials_header_value",
        Type::String,
    ),
    (
        "routing_http_response_access_control_allow_headers_header_value",
        Type::String,
    ),
    (
        "routing_http_response_access_control_allow_methods_header_value",
        Type::String,
    ),
    (
        "routing_http_response_access_control_allow_origin_header_value",
        Type::String,
    ),
    (
        "routing_http_response_access_control_expose_headers_header_value",
        Type::String,
    ),
    (
        "routing_http_response_access_control_max_age_header_value",
        Type::String,
    ),
    (
        "routing_http_response_content_security_policy_header_value",
        Type::String,
    ),
    ("routing_http_response_server_enabled", Type::Bool),
    (
        "routing_http_response_strict_transport_security_header_value",
        Type::String,
    ),
    (
        "routing_http_response_x_content_type_options_header_value",
        Type::String,
    ),
    (
        "routing_http_response_x_frame_options_header_value",
        Type::String,
    ),
    ("tcp_idle_timeout_seconds", Type::Number),
];

pub struct AwsLbListener {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsLbListener {
    pub fn new(aws: Arc<Aws>) -> AwsLbListener {
        let schema = Schema::new()
            .timeouts(&["create", "update"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("load_balancer_arn", Type::String).force_new())
            .attr(Attribute::optional("port", Type::Number).check(Check::Range(1, 65535)))
            .attr(
                Attribute::optional_computed("protocol", Type::String).check(Check::OneOf(&[
                    "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE",
                ])),
            )
            .attr(Attribute::optional("certificate_arn", Type::String))
            .attr(Attribute::optional_computed("ssl_policy", Type::String))
            .attr(
                Attribute::optional("alpn_policy", Type::String).check(Check::OneOf(&[
                    "HTTP1Only",
                    "HTTP2Only",
                    "HTTP2Optional",
                    "HTTP2Preferred",
                    "None",
                ])),
            )
            .block(action_block("default_action"))
            .block(Block::single(
                "mutual_authentication",
                Schema::new()
                    .attr(
                        Attribute::required("mode", Type::String).check(Check::OneOf(&[
                            "off",
                            "passthrough",
                            "verify",
                        ])),
                    )
                    .attr(Attribute::optional("trust_store_arn", Type::String))
                    .attr(
                        Attribute::optional("ignore_client_certificate_expiry", Type::Bool)
                            .default(Value::Bool(false)),
                    )
                    .attr(
                        Attribute::optional_computed(
                            "advertise_trust_store_ca_names",
                            Type::String,
                        )
                        .check(Check::OneOf(&["on", "off"])),
                    ),
            ));
        let schema = LISTENER_ATTRIBUTES
            .iter()
            .fold(schema, |schema, (name, ty)| {
                schema.not_supported(
                    name,
                    ty.clone(),
                    "configure it on the listener outside infra",
                )
            })
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

    pub(crate) async fn read_one(&self, arn: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.read_arns(&BTreeMap::from([(arn.to_string(), hint)]))
            .await?
            .remove(arn)
            .map(|(value, _)| value)
            .ok_or_else(|| vanished("listener", arn))
    }
}

/// What ModifyListener changes; a change to any of them sends them all.
const LISTENER_SETTINGS: &[&str] = &[
    "port",
    "protocol",
    "default_action",
    "certificate_arn",
    "ssl_policy",
    "alpn_policy",
    "mutual_authentication",
];

/// The provider's SSL policy for HTTPS and TLS listeners that name none.
const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-2016-08";

fn secure(value: &Value) -> bool {
    matches!(string(value, "protocol").as_deref(), Some("HTTPS" | "TLS"))
}

/// The default certificate, for HTTPS and TLS listeners only (one carried over in state from
/// an HTTPS listener now turned HTTP is not sent).
fn certificates(value: &Value) -> Option<Vec<Certificate>> {
    non_empty(value, "certificate_arn")
        .filter(|_| secure(value))
        .map(|arn| vec![Certificate::builder().certificate_arn(arn).build()])
}

/// The SSL policy, for HTTPS and TLS listeners only: the configured one or the provider's
/// default.
fn ssl_policy(value: &Value) -> Option<String> {
    secure(value)
        .then(|| non_empty(value, "ssl_policy").unwrap_or_else(|| DEFAULT_SSL_POLICY.to_string()))
}

/// The `mutual_authentication` block for the SDK; `removed` sends mode "off" when it is gone.
fn mutual_authentication(value: &Value, removed: bool) -> Option<MutualAuthenticationAttributes> {
    match single(value, "mutual_authentication") {
        Some(block) => Some(
            MutualAuthenticationAttributes::builder()
                .set_mode(string(block, "mode"))
                .set_trust_store_arn(non_empty(block, "trust_store_arn"))
                .set_ignore_client_certificate_expiry(
                    // AWS takes the flag only in verify mode.
                    boolean(block, "ignore_client_certificate_expiry")
                        .filter(|_| string(block, "mode").as_deref() == Some("verify")),
                )
                .set_advertise_trust_store_ca_names(
                    non_empty(block, "advertise_trust_store_ca_names")
                        .map(|a| AdvertiseTrustStoreCaNamesEnum::from(a.as_str())),
                )
                .build(),
        ),
        None if removed => Some(
            MutualAuthenticationAttributes::builder()
                .mode("off")
                .build(),
        ),
        None => None,
    }
}

async fn modify(
    client: &Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let alpn = match non_empty(planned, "alpn_policy") {
        Some(policy) => Some(vec![policy]),
        // A removed policy on a TLS listener goes back to none.
        None if !prior.get("alpn_policy").is_null() && secure(planned) => {
            Some(vec!["None".to_string()])
        }
        None => None,
    };
    let mutual_removed = single(prior, "mutual_authentication").is_some();
    client
        .modify_listener()
        .listener_arn(arn)
        .set_port(int(planned, "port"))
        .set_protocol(string(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
        .set_default_actions(Some(actions_to_sdk(planned, "default_action")))
        .set_certificates(certificates(planned))
        .set_ssl_policy(ssl_policy(planned))
        .set_alpn_policy(alpn)
        .set_mutual_authentication(mutual_authentication(planned, mutual_removed))
        .send()
        .await
        .map_err(aws_error)?;
    Ok(())
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
    object.insert(
        "certificate_arn".to_string(),
        text(
            listener
                .certificates()
                .iter()
                .find(|c| c.is_default().unwrap_or(true))
                .or_else(|| listener.certificates().first())
                .and_then(|c| c.certificate_arn()),
        ),
    );
    object.insert("ssl_policy".to_string(), text(listener.ssl_policy()));
    // "None" is what a TLS listener without a policy reports once one was removed.
    let alpn = match listener.alpn_policy() {
        [one] if one == "None" && hint.get("alpn_policy").is_null() => None,
        [one] => Some(one.as_str()),
        _ => None,
    };
    object.insert("alpn_policy".to_string(), text(alpn));
    let mutual = listener
        .mutual_authentication()
        .filter(|m| {
            m.mode().is_some_and(|mode| mode != "off")
                || single(hint, "mutual_authentication").is_some()
        })
        .map(|m| {
            vec![Value::map([
                ("mode", text(m.mode())),
                ("trust_store_arn", text(m.trust_store_arn())),
                (
                    "ignore_client_certificate_expiry",
                    Value::Bool(m.ignore_client_certificate_expiry().unwrap_or(false)),
                ),
                (
                    "advertise_trust_store_ca_names",
                    text(m.advertise_trust_store_ca_names().map(|a| a.as_str())),
                ),
            ])]
        })
        .unwrap_or_default();
    object.insert("mutual_authentication".to_string(), Value::List(mutual));
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

    /// A blue/green deployment weights this listener's forward action.
    fn traffic_paths(&self) -> &'static [&'static str] {
        &["default_action"]
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = validate_actions(config, "default_action");
        let protocol = config.get("protocol").as_str();
        if protocol == Some("HTTPS") && config.get("certificate_arn").is_null() {
            problems.push((
                "certificate_arn".to_string(),
                "an HTTPS listener requires \"certificate_arn\"".to_string(),
            ));
        }
        let secure = matches!(protocol, Some("HTTPS" | "TLS"));
        // The SSL settings would not be sent for a plain listener, so they are refused.
        for key in ["certificate_arn", "ssl_policy"] {
            if protocol.is_some() && !secure && !config.get(key).is_null() {
                problems.push((
                    key.to_string(),
                    format!("\"{key}\" can be set only when \"protocol\" is HTTPS or TLS"),
                ));
            }
        }
        if matches!(protocol, Some(p) if p != "TLS") && !config.get("alpn_policy").is_null() {
            problems.push((
                "alpn_policy".to_string(),
                "\"alpn_policy\" can be set only when \"protocol\" is TLS".to_string(),
            ));
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let load_balancer_arn = string(planned, "load_balancer_arn").ok_or_else(|| {
            ProviderError::new("aws_lb_listener needs a known \"load_balancer_arn\"")
        })?;
        // "For Application Load Balancers, ... with a default of HTTP" (the provider's docs).
        let protocol = string(planned, "protocol").or_else(|| {
            load_balancer_arn
                .contains(":loadbalancer/app/")
                .then(|| "HTTP".to_string())
        });
        let response = client
            .create_listener()
            .load_balancer_arn(&load_balancer_arn)
            .set_port(int(planned, "port"))
            .set_protocol(protocol.map(|p| ProtocolEnum::from(p.as_str())))
            .set_default_actions(Some(actions_to_sdk(planned, "default_action")))
            .set_certificates(certificates(planned))
            .set_ssl_policy(ssl_policy(planned))
            .set_alpn_policy(non_empty(planned, "alpn_policy").map(|p| vec![p]))
            .set_mutual_authentication(mutual_authentication(planned, false))
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
        if LISTENER_SETTINGS
            .iter()
            .any(|key| changed(prior, planned, key))
        {
            modify(client, &arn, prior, planned).await?;
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
