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
//! The listener attributes ([`LISTENER_ATTRIBUTES`]: the `routing_http_*` headers and
//! `tcp_idle_timeout_seconds`, provider 5.8x and 6.x) are Optional+Computed, as in the
//! provider. Each applies to some protocols: the `routing_http_request_*` header names to
//! HTTPS, the `routing_http_response_*` settings to HTTP and HTTPS, `tcp_idle_timeout_seconds`
//! (60 to 6000) to TCP and GENEVE (a gateway load balancer's listener, which names no
//! protocol). As the provider does, CreateListener cannot take them, so a create that sets any
//! is followed by one ModifyListenerAttributes with the configured ones, and an update sends
//! the changed ones only; every read of a listener that is not TLS (AWS has no attributes for
//! TLS listeners) is one DescribeListenerAttributes, each attribute AWS reports read back, the
//! others kept as they were.
//!
//! Where infra differs from the provider, so as not to ignore configuration: an attribute set
//! for a listener whose protocol does not take it is a plan-time error (the provider
//! suppresses its diff and never sends it); an ALB listener that names no protocol takes the
//! HTTP listener's attributes (the protocol infra creates it with; the provider sends nothing
//! then); a header value changed to `""` is sent, which resets the header to AWS's default
//! (the provider skips empty values, and cannot turn a header off: its issue 43042); and
//! `routing_http_response_server_enabled` is sent only when configured (the provider sends
//! `false` on every HTTP and HTTPS create that omits it, its zero value of an unset bool).
//!
//! moto 5.2.5 has both calls but gives every listener `tcp.idle_timeout.seconds` = 350, HTTP
//! ones included, so such a listener reads `tcp_idle_timeout_seconds` = 350 there (AWS reports
//! it for TCP listeners only); unit tests show the requests and the read-back.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::{
    AdvertiseTrustStoreCaNamesEnum, Certificate, Listener, MutualAuthenticationAttributes,
    ProtocolEnum,
};
use aws_sdk_elasticloadbalancingv2::Client;
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{
    boolean, changed, int, known, non_empty, number, sent, set_tags, single, string, text,
};
use crate::elbv2_support::{
    action_block, actions_from_sdk, actions_to_sdk, attributes_of, modify_attributes, tags_to_sdk,
    Creating, Elbv2Object, Elbv2Type, Updating,
};
use crate::error::is_not_found;
use crate::paginated::all_items;
use crate::tagging::{ManagedTags, WithTags};

/// A listener attribute's value type.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Bool,
    Number,
    String,
}

/// A listener attribute (DescribeListenerAttributes, ModifyListenerAttributes) as the provider
/// maps it: the argument, AWS's key, the value type and the listener protocols that take it.
struct ListenerAttribute {
    name: &'static str,
    key: &'static str,
    kind: Kind,
    protocols: &'static [&'static str],
}

const HTTPS: &[&str] = &["HTTPS"];
const HTTP_AND_HTTPS: &[&str] = &["HTTP", "HTTPS"];

const fn header(
    name: &'static str,
    key: &'static str,
    protocols: &'static [&'static str],
) -> ListenerAttribute {
    ListenerAttribute { name, key, kind: Kind::String, protocols }
}

/// The provider's listener attributes.
const LISTENER_ATTRIBUTES: &[ListenerAttribute] = &[
    ListenerAttribute {
        name: "tcp_idle_timeout_seconds",
        key: "tcp.idle_timeout.seconds",
        kind: Kind::Number,
        protocols: &["TCP", "GENEVE"],
    },
    header(
        "routing_http_request_x_amzn_mtls_clientcert_header_name",
        "routing.http.request.x_amzn_mtls_clientcert.header_name",
        HTTPS,
    ),
    header(
        "routing_http_request_x_amzn_mtls_clientcert_issuer_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_issuer.header_name",
        HTTPS,
    ),
    header(
        "routing_http_request_x_amzn_mtls_clientcert_leaf_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_leaf.header_name",
        HTTPS,
    ),
    header(
        "routing_http_request_x_amzn_mtls_clientcert_serial_number_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_serial_number.header_name",
        HTTPS,
    ),
    header(
        "routing_http_request_x_amzn_mtls_clientcert_subject_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_subject.header_name",
        HTTPS,
    ),
    header(
        "routing_http_request_x_amzn_mtls_clientcert_validity_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_validity.header_name",
        HTTPS,
    ),
    header(
        "routing_http_request_x_amzn_tls_cipher_suite_header_name",
        "routing.http.request.x_amzn_tls_cipher_suite.header_name",
        HTTPS,
    ),
    header(
        "routing_http_request_x_amzn_tls_version_header_name",
        "routing.http.request.x_amzn_tls_version.header_name",
        HTTPS,
    ),
    header(
        "routing_http_response_access_control_allow_credentials_header_value",
        "routing.http.response.access_control_allow_credentials.header_value",
        HTTP_AND_HTTPS,
    ),
    header(
        "routing_http_response_access_control_allow_headers_header_value",
        "routing.http.response.access_control_allow_headers.header_value",
        HTTP_AND_HTTPS,
    ),
    header(
        "routing_http_response_access_control_allow_methods_header_value",
        "routing.http.response.access_control_allow_methods.header_value",
        HTTP_AND_HTTPS,
    ),
    header(
        "routing_http_response_access_control_allow_origin_header_value",
        "routing.http.response.access_control_allow_origin.header_value",
        HTTP_AND_HTTPS,
    ),
    header(
        "routing_http_response_access_control_expose_headers_header_value",
        "routing.http.response.access_control_expose_headers.header_value",
        HTTP_AND_HTTPS,
    ),
    header(
        "routing_http_response_access_control_max_age_header_value",
        "routing.http.response.access_control_max_age.header_value",
        HTTP_AND_HTTPS,
    ),
    header(
        "routing_http_response_content_security_policy_header_value",
        "routing.http.response.content_security_policy.header_value",
        HTTP_AND_HTTPS,
    ),
    ListenerAttribute {
        name: "routing_http_response_server_enabled",
        key: "routing.http.response.server.enabled",
        kind: Kind::Bool,
        protocols: HTTP_AND_HTTPS,
    },
    header(
        "routing_http_response_strict_transport_security_header_value",
        "routing.http.response.strict_transport_security.header_value",
        HTTP_AND_HTTPS,
    ),
    header(
        "routing_http_response_x_content_type_options_header_value",
        "routing.http.response.x_content_type_options.header_value",
        HTTP_AND_HTTPS,
    ),
    header(
        "routing_http_response_x_frame_options_header_value",
        "routing.http.response.x_frame_options.header_value",
        HTTP_AND_HTTPS,
    ),
];

impl ListenerAttribute {
    fn attribute(&self) -> Attribute {
        let ty = match self.kind {
            Kind::Bool => Type::Bool,
            Kind::Number => Type::Number,
            Kind::String => Type::String,
        };
        let attribute = Attribute::optional_computed(self.name, ty);
        match self.kind {
            Kind::Number => attribute.check(Check::Range(60, 6000)),
            _ => attribute,
        }
    }

    /// The value to send for `value`'s argument: `None` when it is null or unknown.
    fn to_send(&self, value: &Value) -> Option<String> {
        let value = value.get(self.name);
        match (self.kind, value.unmarked()) {
            (Kind::Bool, Value::Bool(b)) => Some(b.to_string()),
            (Kind::Number, Value::Number(_)) => value.as_i64().map(|n| n.to_string()),
            (Kind::String, Value::String(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// The argument's value from the value AWS reports (as the provider reads it).
    fn read(&self, reported: &str) -> Value {
        match self.kind {
            Kind::Bool => Value::Bool(reported == "true"),
            Kind::Number => {
                reported.parse::<i64>().map(|n| Value::Number(n as f64)).unwrap_or(Value::Null)
            }
            Kind::String => Value::string(reported),
        }
    }

    fn applies_to(&self, protocol: &str) -> bool {
        self.protocols.contains(&protocol)
    }

    fn misplaced(&self, protocol: &str) -> String {
        format!(
            "\"{}\" applies only to {} listeners, and this listener's protocol is {protocol}",
            self.name,
            self.protocols.join(" and ")
        )
    }
}

/// The listener's protocol for its attributes: the configured one, else the one AWS gives a
/// listener that names none (GENEVE on a gateway load balancer, as the provider reckons it;
/// HTTP on an application load balancer, what infra creates it with). `None` while unknown;
/// an unknown protocol is taken as unset (at apply, where a configured one is known, an
/// unknown one is the computed protocol of a listener that names none).
fn listener_protocol(value: &Value) -> Option<String> {
    if let Some(protocol) = non_empty(value, "protocol") {
        return Some(protocol.to_uppercase());
    }
    let arn = string(value, "load_balancer_arn")?;
    if arn.contains("loadbalancer/gwy/") {
        Some("GENEVE".to_string())
    } else if arn.contains(":loadbalancer/app/") {
        Some("HTTP".to_string())
    } else {
        None
    }
}

/// The attributes ModifyListenerAttributes sets for `planned`: on create (`prior` `None`) the
/// configured ones (an empty header value is AWS's default and is not sent, as the provider
/// skips it); on update the changed ones. An attribute the listener's protocol does not take
/// is an error: it cannot be set.
fn attributes_to_send(
    prior: Option<&Value>,
    planned: &Value,
) -> Result<Vec<aws_sdk_elasticloadbalancingv2::types::ListenerAttribute>, ProviderError> {
    let protocol = listener_protocol(planned);
    let mut attributes = Vec::new();
    for attribute in LISTENER_ATTRIBUTES {
        let Some(value) = attribute.to_send(planned) else {
            continue;
        };
        match prior {
            None if value.is_empty() => continue,
            Some(prior) if !changed(prior, planned, attribute.name) => continue,
            _ => {}
        }
        let Some(protocol) = protocol.as_deref() else {
            return Err(ProviderError::new(format!(
                "aws_lb_listener: \"{}\" needs the listener's protocol, which is not known",
                attribute.name
            )));
        };
        if !attribute.applies_to(protocol) {
            return Err(ProviderError::new(format!(
                "aws_lb_listener: {}",
                attribute.misplaced(protocol)
            )));
        }
        attributes.push(
            aws_sdk_elasticloadbalancingv2::types::ListenerAttribute::builder()
                .key(attribute.key)
                .value(value)
                .build(),
        );
    }
    Ok(attributes)
}

/// The listener's attributes, by AWS's key; none for a TLS listener, which has none
/// (DescribeListenerAttributes refuses it, and the provider does not ask).
async fn describe_attributes(
    client: &Client,
    listener: &Listener,
) -> Result<Option<BTreeMap<String, String>>, ProviderError> {
    let Some(arn) = listener.listener_arn() else {
        return Ok(None);
    };
    if listener.protocol() == Some(&ProtocolEnum::Tls) {
        return Ok(None);
    }
    match attributes_of!(client.describe_listener_attributes().listener_arn(arn)) {
        Ok(attributes) => Ok(Some(attributes)),
        Err(error) if is_not_found(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// `aws_lb_listener` (and `aws_alb_listener`), by its ARN.
pub type AwsLbListener = Elbv2Type<Listeners>;

pub struct Listeners;

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
        None if removed => Some(MutualAuthenticationAttributes::builder().mode("off").build()),
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
    sent!(client
        .modify_listener()
        .listener_arn(arn)
        .set_port(int(planned, "port"))
        .set_protocol(string(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
        .set_default_actions(Some(actions_to_sdk(planned, "default_action")))
        .set_certificates(certificates(planned))
        .set_ssl_policy(ssl_policy(planned))
        .set_alpn_policy(alpn)
        .set_mutual_authentication(mutual_authentication(planned, mutual_removed)))?;
    Ok(())
}

/// The listener as a value; `attributes` are what DescribeListenerAttributes reported (by
/// key), an attribute it did not report keeping `hint`'s known value.
fn to_value(
    listener: &Listener,
    hint: &Value,
    tags: &[(String, String)],
    attributes: Option<&BTreeMap<String, String>>,
) -> Value {
    let arn = listener.listener_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("load_balancer_arn".to_string(), text(listener.load_balancer_arn()));
    object.insert("port".to_string(), number(listener.port().map(i64::from)));
    object.insert("protocol".to_string(), text(listener.protocol().map(|p| p.as_str())));
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
    for attribute in LISTENER_ATTRIBUTES {
        let value = match attributes.and_then(|a| a.get(attribute.key)) {
            Some(reported) => attribute.read(reported),
            None => known(hint, attribute.name),
        };
        object.insert(attribute.name.to_string(), value);
    }
    set_tags(&mut object, tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Value::Map(object)
}

impl Elbv2Object for Listeners {
    type Object = Listener;
    const NAME: &'static str = "aws_lb_listener";
    const ALIASES: &'static [&'static str] = &["aws_alb_listener"];
    const KIND: &'static str = "listener";
    /// A blue/green deployment weights this listener's forward action.
    const ACTIONS: &'static [&'static str] = &["default_action"];

    const ARN: fn(&Listener) -> Option<&str> = Listener::listener_arn;

    fn schema() -> Schema {
        let schema =
            Schema::new()
                .timeouts(&["create", "update"])
                .attr(Attribute::computed("id", Type::String))
                .attr(Attribute::computed("arn", Type::String))
                .attr(Attribute::required("load_balancer_arn", Type::String).force_new())
                .attr(Attribute::optional("port", Type::Number).check(Check::Range(1, 65535)))
                .attr(Attribute::optional_computed("protocol", Type::String).check(Check::OneOf(
                    &["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"],
                )))
                .attr(Attribute::optional("certificate_arn", Type::String))
                .attr(Attribute::optional_computed("ssl_policy", Type::String))
                .attr(Attribute::optional("alpn_policy", Type::String).check(Check::OneOf(&[
                    "HTTP1Only",
                    "HTTP2Only",
                    "HTTP2Optional",
                    "HTTP2Preferred",
                    "None",
                ])))
                .block(action_block("default_action"))
                .block(Block::single(
                    "mutual_authentication",
                    Schema::new()
                        .attr(Attribute::required("mode", Type::String).check(Check::OneOf(&[
                            "off",
                            "passthrough",
                            "verify",
                        ])))
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
        LISTENER_ATTRIBUTES
            .iter()
            .fold(schema, |schema, attribute| schema.attr(attribute.attribute()))
            .with_tags()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
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
        // The provider suppresses the diff of an attribute the protocol does not take, never
        // sending it; infra refuses it rather than ignore it.
        let protocol = listener_protocol(config).filter(|_| !config.get("protocol").is_unknown());
        if let Some(protocol) = protocol {
            for attribute in LISTENER_ATTRIBUTES {
                if !config.get(attribute.name).is_null() && !attribute.applies_to(&protocol) {
                    problems.push((attribute.name.to_string(), attribute.misplaced(&protocol)));
                }
            }
        }
        problems
    }

    /// The listeners among `arns`; when one is missing, those of the load balancers the
    /// hints name.
    async fn describe(
        this: &AwsLbListener,
        arns: &[String],
        hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, Listener>, ProviderError> {
        let client = &this.aws.clients().await.elbv2;
        this.by_arn(
            arns,
            |arns| client.describe_listeners().set_listener_arns(Some(arns)).send(),
            |answer| answer.listeners(),
            // The listeners of each load balancer.
            || {
                AwsLbListener::of_parents(hints, "load_balancer_arn", |load_balancer| async move {
                    all_items!(client.describe_listeners().load_balancer_arn(load_balancer))
                })
            },
        )
        .await
    }

    /// The listener with its attributes; `hint` shapes the action blocks.
    async fn value(
        this: &AwsLbListener,
        _arn: &str,
        listener: &Listener,
        tags: &[(String, String)],
        hint: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.elbv2;
        let attributes = describe_attributes(client, listener).await?;
        Ok(to_value(listener, hint, tags, attributes.as_ref()))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        let load_balancer_arn = string(at.planned, "load_balancer_arn").ok_or_else(|| {
            ProviderError::new("aws_lb_listener needs a known \"load_balancer_arn\"")
        })?;
        // "For Application Load Balancers, ... with a default of HTTP" (the provider's docs).
        let protocol = string(at.planned, "protocol").or_else(|| {
            load_balancer_arn.contains(":loadbalancer/app/").then(|| "HTTP".to_string())
        });
        // Checked before anything is created.
        let attributes = attributes_to_send(None, at.planned)?;
        let response = sent!(client
            .create_listener()
            .load_balancer_arn(&load_balancer_arn)
            .set_port(int(at.planned, "port"))
            .set_protocol(protocol.map(|p| ProtocolEnum::from(p.as_str())))
            .set_default_actions(Some(actions_to_sdk(at.planned, "default_action")))
            .set_certificates(certificates(at.planned))
            .set_ssl_policy(ssl_policy(at.planned))
            .set_alpn_policy(non_empty(at.planned, "alpn_policy").map(|p| vec![p]))
            .set_mutual_authentication(mutual_authentication(at.planned, false))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned)))))?;
        let arn = AwsLbListener::created_arn(response.listeners(), &load_balancer_arn)?;
        // "Listener attributes like TCP idle timeout are not supported on create" (the
        // provider): one ModifyListenerAttributes after it.
        modify_attributes!(client.modify_listener_attributes().listener_arn(&arn), attributes)?;
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let prior = at.prior;
        let client = &at.this.aws.clients().await.elbv2;
        if LISTENER_SETTINGS.iter().any(|key| changed(prior, at.planned, key)) {
            modify(client, at.key, prior, at.planned).await?;
        }
        modify_attributes!(
            client.modify_listener_attributes().listener_arn(at.key),
            attributes_to_send(Some(prior), at.planned)?
        )
    }

    async fn delete(this: &AwsLbListener, arn: &str) -> Result<(), ProviderError> {
        let client = &this.aws.clients().await.elbv2;
        sent!(client.delete_listener().listener_arn(arn)).map(|_| ())
    }

    async fn find_created(at: Creating<'_, Self>) -> Result<Option<Value>, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        at.created_under(
            string(at.planned, "load_balancer_arn"),
            |arn| client.describe_listeners().load_balancer_arn(arn).send(),
            |answer| answer.listeners().to_vec(),
        )
        .await
    }
}

/// moto 5.2.5 keeps what ModifyListenerAttributes sets but reports
/// `tcp.idle_timeout.seconds` for every listener: the requests and the read-back are shown
/// here.
#[cfg(test)]
mod listener_attribute_tests {
    use super::*;
    use infra_core::ResourceType;

    const ALB: &str = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/1";
    const GWLB: &str = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/gwy/fw/1";

    fn listener(entries: &[(&str, Value)]) -> Value {
        let mut object: BTreeMap<String, Value> =
            LISTENER_ATTRIBUTES.iter().map(|a| (a.name.to_string(), Value::Unknown)).collect();
        object.insert("load_balancer_arn".to_string(), Value::string(ALB));
        for (key, value) in entries {
            object.insert(key.to_string(), value.clone());
        }
        Value::Map(object)
    }

    fn sent(
        attributes: &[aws_sdk_elasticloadbalancingv2::types::ListenerAttribute],
    ) -> Vec<(&str, &str)> {
        attributes
            .iter()
            .map(|a| (a.key().unwrap_or_default(), a.value().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_create_sends_the_configured_attributes_its_protocol_takes() {
        let planned = listener(&[
            ("protocol", Value::string("HTTPS")),
            ("routing_http_response_server_enabled", Value::Bool(false)),
            ("routing_http_request_x_amzn_tls_version_header_name", Value::string("X-Tls-Version")),
            (
                "routing_http_response_strict_transport_security_header_value",
                Value::string("max-age=31536000"),
            ),
            // AWS's default: not sent on create, as the provider skips it.
            ("routing_http_response_x_frame_options_header_value", Value::string("")),
        ]);
        let attributes = attributes_to_send(None, &planned).unwrap();
        assert_eq!(
            sent(&attributes),
            [
                ("routing.http.request.x_amzn_tls_version.header_name", "X-Tls-Version"),
                ("routing.http.response.server.enabled", "false"),
                (
                    "routing.http.response.strict_transport_security.header_value",
                    "max-age=31536000"
                ),
            ]
        );
        // Nothing configured: no call at all.
        let plain = listener(&[("protocol", Value::string("HTTP"))]);
        assert!(attributes_to_send(None, &plain).unwrap().is_empty());
    }

    #[test]
    fn a_gateway_listener_without_a_protocol_takes_the_tcp_idle_timeout() {
        let planned = listener(&[
            ("load_balancer_arn", Value::string(GWLB)),
            ("tcp_idle_timeout_seconds", Value::Number(600.0)),
        ]);
        let attributes = attributes_to_send(None, &planned).unwrap();
        assert_eq!(sent(&attributes), [("tcp.idle_timeout.seconds", "600")]);
        // No plan-time problem either.
        let resource = AwsLbListener::new(crate::Aws::new(crate::ProviderSettings::default()));
        let config = Value::map([
            ("load_balancer_arn", Value::string(GWLB)),
            ("tcp_idle_timeout_seconds", Value::Number(600.0)),
        ]);
        assert!(!resource
            .validate(&config)
            .iter()
            .any(|(path, _)| path == "tcp_idle_timeout_seconds"));
    }

    #[test]
    fn an_update_sends_the_changed_attributes_only() {
        let prior = listener(&[
            ("protocol", Value::string("HTTP")),
            ("routing_http_response_server_enabled", Value::Bool(true)),
            (
                "routing_http_response_access_control_allow_origin_header_value",
                Value::string("https://example.com"),
            ),
            ("tcp_idle_timeout_seconds", Value::Number(350.0)),
        ]);
        let mut planned = prior.clone();
        let entries = planned.map_mut().unwrap();
        entries.insert("routing_http_response_server_enabled".to_string(), Value::Bool(false));
        // Cleared: sent as "", AWS's default (the provider skips it and cannot clear it).
        entries.insert(
            "routing_http_response_access_control_allow_origin_header_value".to_string(),
            Value::string(""),
        );
        let attributes = attributes_to_send(Some(&prior), &planned).unwrap();
        assert_eq!(
            sent(&attributes),
            [
                ("routing.http.response.access_control_allow_origin.header_value", ""),
                ("routing.http.response.server.enabled", "false"),
            ]
        );
        assert!(attributes_to_send(Some(&prior), &prior).unwrap().is_empty());
    }

    #[test]
    fn an_attribute_the_protocol_does_not_take_is_refused() {
        let resource = AwsLbListener::new(crate::Aws::new(crate::ProviderSettings::default()));
        let config = Value::map([
            ("load_balancer_arn", Value::string(ALB)),
            ("protocol", Value::string("HTTP")),
            ("tcp_idle_timeout_seconds", Value::Number(600.0)),
            ("routing_http_request_x_amzn_mtls_clientcert_header_name", Value::string("X-Cert")),
        ]);
        let problems: Vec<String> =
            resource.validate(&config).into_iter().map(|(path, _)| path).collect();
        assert_eq!(
            problems,
            ["tcp_idle_timeout_seconds", "routing_http_request_x_amzn_mtls_clientcert_header_name"]
        );
        // Known only at apply: refused there, before the listener is created.
        let planned = listener(&[
            ("protocol", Value::string("TCP")),
            ("routing_http_response_server_enabled", Value::Bool(false)),
        ]);
        let error = attributes_to_send(None, &planned).unwrap_err();
        assert!(error.to_string().contains("HTTP and HTTPS"), "{error}");
        // The provider's range for the idle timeout.
        let out_of_range = Value::map([("tcp_idle_timeout_seconds", Value::Number(59.0))]);
        assert!(resource
            .schema()
            .validate(&out_of_range)
            .iter()
            .any(|(path, _)| path == "tcp_idle_timeout_seconds"));
    }

    #[test]
    fn the_reported_attributes_are_read_back_and_the_others_kept() {
        let aws = Listener::builder()
            .listener_arn("arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/1/2")
            .load_balancer_arn(ALB)
            .protocol(ProtocolEnum::Https)
            .port(443)
            .build();
        let reported = BTreeMap::from([
            ("routing.http.response.server.enabled".to_string(), "false".to_string()),
            ("routing.http.response.x_frame_options.header_value".to_string(), "DENY".to_string()),
            ("routing.http.request.x_amzn_tls_version.header_name".to_string(), "".to_string()),
            ("tcp.idle_timeout.seconds".to_string(), "350".to_string()),
        ]);
        let hint = listener(&[(
            "routing_http_response_content_security_policy_header_value",
            Value::string("default-src 'self'"),
        )]);
        let read = to_value(&aws, &hint, &[], Some(&reported));
        assert_eq!(read.get("routing_http_response_server_enabled"), &Value::Bool(false));
        assert_eq!(
            read.get("routing_http_response_x_frame_options_header_value"),
            &Value::string("DENY")
        );
        assert_eq!(
            read.get("routing_http_request_x_amzn_tls_version_header_name"),
            &Value::string("")
        );
        assert_eq!(read.get("tcp_idle_timeout_seconds"), &Value::Number(350.0));
        // Not reported: the known prior value stays, an unknown one reads as null.
        assert_eq!(
            read.get("routing_http_response_content_security_policy_header_value"),
            &Value::string("default-src 'self'")
        );
        assert_eq!(
            read.get("routing_http_response_x_content_type_options_header_value"),
            &Value::Null
        );
    }
}
