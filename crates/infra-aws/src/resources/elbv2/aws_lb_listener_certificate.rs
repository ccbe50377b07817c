//! `aws_lb_listener_certificate` (alias `aws_alb_listener_certificate`): an additional
//! certificate on an HTTPS or TLS listener (the default one is the listener's own
//! `certificate_arn`).
//!
//! Create is AddListenerCertificates, retried while the certificate is not found yet (a new
//! IAM or ACM certificate propagating, as the provider retries it); delete is
//! RemoveListenerCertificates, done when the certificate or the listener is gone, or when AWS
//! answers "Default certificate cannot be removed" (as the provider treats it). Both arguments
//! force replacement. The ID and the import ID are `LISTENER_ARN_CERTIFICATE_ARN`, split at the
//! first `_` as the provider does. Refresh is one DescribeListenerCertificates per listener for
//! all its certificates, the default one left out. What keeps a lost create from being
//! repeated is the pair itself (adding a certificate twice is one attachment).

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_elasticloadbalancingv2::types::Certificate;
use infra_core::{ProviderError, Value};

use crate::app_support::{retry_while, sent, string};
use crate::association::{Association, AssociationType, Link, Pair};
use crate::elbv2_support::read_by_parent;
use crate::error::is_not_found;

/// How long a certificate just made may take to be usable by a listener (the provider's IAM
/// propagation timeout).
const CERTIFICATE_PROPAGATION: Duration = Duration::from_secs(120);

pub type AwsLbListenerCertificate = AssociationType<ListenerCertificates>;

/// An additional certificate on a listener as an [`Association`]: the pair is (listener,
/// certificate).
pub struct ListenerCertificates;

/// The additional (not default) certificate ARNs of a listener; `None` when the listener is
/// gone.
async fn certificates(
    this: &AwsLbListenerCertificate,
    listener: &str,
) -> Result<Option<BTreeSet<String>>, ProviderError> {
    let client = &this.aws.clients().await.elbv2;
    let mut found = BTreeSet::new();
    let mut marker: Option<String> = None;
    loop {
        let page = match sent!(client
            .describe_listener_certificates()
            .listener_arn(listener)
            .page_size(400)
            .set_marker(marker.take()))
        {
            Ok(page) => page,
            Err(error) if is_not_found(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        found.extend(
            page.certificates()
                .iter()
                .filter(|c| c.is_default() != Some(true))
                .filter_map(|c| c.certificate_arn().map(str::to_string)),
        );
        match page.next_marker() {
            Some(next) if !next.is_empty() => marker = Some(next.to_string()),
            _ => break,
        }
    }
    Ok(Some(found))
}

/// The provider's ID: `LISTENER_ARN_CERTIFICATE_ARN`.
fn id_of(listener: &str, certificate: &str) -> String {
    format!("{listener}_{certificate}")
}

/// The listener and certificate ARNs of an ID, split at the first `_`.
fn parse_id(id: &str) -> Result<(String, String), ProviderError> {
    match id.split_once('_') {
        Some((listener, certificate)) if !listener.is_empty() && !certificate.is_empty() => {
            Ok((listener.to_string(), certificate.to_string()))
        }
        _ => Err(ProviderError::new(format!(
            "unexpected format for ID ({id}), expected LISTENER_ARN_CERTIFICATE_ARN"
        ))),
    }
}

fn certificate(arn: &str) -> Certificate {
    Certificate::builder().certificate_arn(arn).build()
}

impl Association for ListenerCertificates {
    const NAME: &'static str = "aws_lb_listener_certificate";
    const ALIASES: &'static [&'static str] = &["aws_alb_listener_certificate"];
    const PAIR: (&'static str, &'static str) = ("listener_arn", "certificate_arn");
    const UNKNOWN: &'static str =
        "aws_lb_listener_certificate needs a known listener_arn and certificate_arn";

    fn id((listener, certificate): &Pair) -> String {
        id_of(listener, certificate)
    }

    /// The pair a value names: its arguments, or its ID (an import).
    fn pair(value: &Value) -> Option<Pair> {
        match (string(value, "listener_arn"), string(value, "certificate_arn")) {
            (Some(listener), Some(certificate)) => Some((listener, certificate)),
            _ => parse_id(&string(value, "id")?).ok(),
        }
    }

    /// Terraform's import ID: `LISTENER_ARN_CERTIFICATE_ARN`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(AwsLbListenerCertificate::value_of(&parse_id(id)?))
    }

    /// AddListenerCertificates, again while the certificate is not found yet; then, as the
    /// provider waits for it, until the listener lists it (ELBv2 is eventually consistent).
    async fn attach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (listener, certificate_arn) = at.pair;
        let client = &at.this.aws.clients().await.elbv2;
        retry_while(
            CERTIFICATE_PROPAGATION,
            |error| error.code.as_deref() == Some("CertificateNotFound"),
            || async {
                sent!(client
                    .add_listener_certificates()
                    .listener_arn(listener)
                    .certificates(certificate(certificate_arn)))
            },
        )
        .await?;
        crate::iam_support::propagated(
            "listener certificate",
            &id_of(listener, certificate_arn),
            || async {
                Ok(certificates(at.this, listener)
                    .await?
                    .filter(|found| found.contains(certificate_arn)))
            },
        )
        .await?;
        Ok(())
    }

    async fn detach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (listener, certificate_arn) = at.pair;
        let client = &at.this.aws.clients().await.elbv2;
        match sent!(client
            .remove_listener_certificates()
            .listener_arn(listener)
            .certificates(certificate(certificate_arn)))
        {
            Ok(_) => Ok(()),
            Err(error)
                if is_not_found(&error)
                    || (error.code.as_deref() == Some("OperationNotPermitted")
                        && error.message.contains("Default certificate cannot be removed")) =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// One DescribeListenerCertificates walk per listener, for all its certificates.
    async fn read(
        this: &AwsLbListenerCertificate,
        prior: &[Value],
    ) -> Result<Vec<Option<Pair>>, ProviderError> {
        read_by_parent(
            prior,
            |p| Self::pair(p).map(|(listener, _)| listener),
            |listener| async move { certificates(this, &listener).await },
            |p, certificates: &BTreeSet<String>| {
                Self::pair(p).filter(|(_, certificate)| certificates.contains(certificate))
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_split_at_the_first_underscore_as_the_provider_does() {
        let listener = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/test/8e4497da625e2d8a/9ab28ade35828f96/67b3d2d36dd7c26b";
        let certificate = "arn:aws:iam::123456789012:server-certificate/tf_acc_test";
        let id = id_of(listener, certificate);
        assert_eq!(parse_id(&id).unwrap(), (listener.to_string(), certificate.to_string()));
        assert!(parse_id("no-separator").is_err());
        assert!(parse_id("_only-certificate").is_err());
    }
}
