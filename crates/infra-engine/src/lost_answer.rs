//! A provider call whose answer was lost may have done its work. The provider says so with
//! [`Cause::Unknown`] (a 5xx, throttling, a dropped connection, a read timeout after the
//! request was sent); it sends the calls that a blind retry would repeat only once. The
//! executor never sends them again blindly:
//!
//! - **create**: it looks for the object first (the type's `find_created`, by its managed tags
//!   or natural key, as crash recovery does, asked again while the object may still be
//!   landing), adopts it when it is there, and brings it to the plan with an update (the steps
//!   after the lost call never ran). Only when nothing is found is the create sent again.
//! - **update**: it reads the object again and updates from what it finds.
//! - **delete**: it reads the object again; when it is gone, the delete is done.
//!
//! A create refused because its object exists ([`Cause::AlreadyExists`]: a unique name taken,
//! perhaps by an earlier attempt) goes the same way: adopted when the object is this
//! configuration's, otherwise the error stands and says how to import it.
//!
//! Each resend waits first ([`backoff`]); there are at most `retries` of them (the provider
//! configuration's [`infra_core::Registry::resend_budget`], as for throttling), after which the last error stands and, for
//! a create, its pending entry stays for the next run to resolve.

use std::time::{Duration, SystemTime};

use infra_core::{
    Action, Address, Cause, Creating, Deleting, Operation, ProviderError, ResourceType, Updating,
    Value,
};

use crate::diff::{changed_paths, normalize};
use crate::observer::{Event, Observer};
use crate::recover::{fill_unreadable, find_settled};

/// The resend budget of a provider that sets none ([`infra_core::Registry::resend_budget`]).
pub const DEFAULT_RETRIES: u32 = 25;

/// One resource operation's calls, resent only after looking.
pub(crate) struct Careful<'a> {
    pub resource: &'a dyn ResourceType,
    pub operation: &'a Operation,
    pub address: &'a Address,
    pub observer: &'a dyn Observer,
    pub retries: u32,
}

impl Careful<'_> {
    /// The create of `planned` in this operation.
    fn creating<'b>(&'b self, planned: &'b Value) -> Creating<'b> {
        Creating { operation: self.operation, planned }
    }

    /// Creates the object of `planned`; see the module documentation.
    pub async fn create(&self, planned: &Value) -> Result<Value, ProviderError> {
        let mut resent = 0;
        loop {
            let sent_at = SystemTime::now();
            let error = match self.resource.create(self.creating(planned)).await {
                Err(error) if error.cause == Cause::AlreadyExists => {
                    return self.adopt_or_explain(planned, error).await;
                }
                Err(error) if error.cause == Cause::Unknown && resent < self.retries => error,
                other => return other,
            };
            self.lost(Action::Create, &error);
            loop {
                match find_settled(self.resource, self.creating(planned), sent_at).await {
                    Ok(Some(found)) => return self.adopt(found, planned).await,
                    Ok(None) => break,
                    // A lookup that finishes what the create began (a type's `find_created`
                    // may) can lose an answer too: it is asked again, from the same budget.
                    Err(lost) if lost.cause == Cause::Unknown && resent < self.retries => {
                        resent += 1;
                        tokio::time::sleep(backoff(resent)).await;
                    }
                    // The lookup failed: the pending entry stays, and the next run resolves it.
                    Err(_) => return Err(error),
                }
            }
            resent += 1;
            self.resend(Action::Create, resent).await;
        }
    }

    /// Updates `prior` to `planned`; see the module documentation.
    pub async fn update(&self, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let mut prior = prior.clone();
        let mut resent = 0;
        loop {
            let updating = Updating { operation: self.operation, prior: &prior, planned };
            let error = match self.resource.update(updating).await {
                Err(error) if error.cause == Cause::Unknown && resent < self.retries => error,
                other => return other,
            };
            self.lost(Action::Update, &error);
            // Read as the object is meant to be: what it manages (inline routes, rules) is
            // what the plan says, and what the plan did not know comes from before.
            let reading = known_from(planned, &prior);
            match self.resource.read_many(std::slice::from_ref(&reading)).await {
                Ok(mut found) => match found.pop().flatten() {
                    Some(mut current) => {
                        normalize(self.resource, &mut current);
                        fill_unreadable(&mut current, &prior);
                        prior = current;
                    }
                    None => return Err(error),
                },
                Err(_) => return Err(error),
            }
            resent += 1;
            self.resend(Action::Update, resent).await;
        }
    }

    /// Deletes `prior`; when the answer is lost, the object is read again: gone is done.
    pub async fn delete(&self, prior: &Value) -> Result<(), ProviderError> {
        let deleting = Deleting { operation: self.operation, prior };
        let mut resent = 0;
        loop {
            let error = match self.resource.delete(deleting).await {
                Err(error) if error.cause == Cause::Unknown && resent < self.retries => error,
                other => return other,
            };
            self.lost(Action::Delete, &error);
            match self.resource.read_many(std::slice::from_ref(prior)).await {
                Ok(found) if found.iter().all(Option::is_none) => return Ok(()),
                Ok(_) => {}
                Err(_) => return Err(error),
            }
            resent += 1;
            self.resend(Action::Delete, resent).await;
        }
    }

    /// A create refused because its object exists: adopted when the type finds it as this
    /// configuration's (by our tags or natural key, as after a crash); otherwise the error
    /// stands and says how to take the object over.
    async fn adopt_or_explain(
        &self,
        planned: &Value,
        error: ProviderError,
    ) -> Result<Value, ProviderError> {
        let address = self.address;
        match self.resource.find_created(self.creating(planned)).await {
            Ok(Some(found)) => self.adopt(found, planned).await,
            Ok(None) => Err(error.context(&format!(
                "an object that {address} would create exists already and was not made by this \
                 configuration; to manage it, run `infra import {address} <its id>`, or give \
                 {address} another name"
            ))),
            Err(_) => Err(error),
        }
    }

    /// Takes a found object into the state and makes it what the plan says: the calls after
    /// the one whose answer was lost (tags, attributes, attachments) never ran.
    async fn adopt(&self, mut found: Value, planned: &Value) -> Result<Value, ProviderError> {
        self.observer.event(Event::Adopted { address: self.address.clone() });
        normalize(self.resource, &mut found);
        let wanted = known_from(planned, &found);
        let changed = changed_paths(self.resource.schema(), &found, &wanted);
        // A difference only a replacement could settle is left to the next plan, which shows
        // it. What the object lacks is compared before the values the provider cannot read back
        // (passwords) are filled in from the plan: a gateway found unattached has no `vpc_id`,
        // and must be attached, not given the planned one.
        // If that update fails, the object is still this address's: the error is one of unknown
        // outcome, so that the create's pending entry stays and the next run adopts it again.
        let mut adopted = if changed.is_empty() || changed.iter().any(|change| change.force_new) {
            found
        } else {
            self.update(&found, &wanted).await.map_err(|error| error.with_cause(Cause::Unknown))?
        };
        fill_unreadable(&mut adopted, planned);
        Ok(adopted)
    }

    fn lost(&self, action: Action, error: &ProviderError) {
        self.observer.event(Event::AnswerLost {
            address: self.address.clone(),
            action,
            error: error.clone(),
        });
    }

    async fn resend(&self, action: Action, attempt: u32) {
        tokio::time::sleep(backoff(attempt)).await;
        self.observer.event(Event::Resending { address: self.address.clone(), action, attempt });
    }
}

/// The wait before the `attempt`th resend: 250 ms doubled each time, at most 20 seconds (the
/// SDK's longest backoff).
pub(crate) fn backoff(attempt: u32) -> Duration {
    let doubled = 250u64.saturating_mul(1 << attempt.saturating_sub(1).min(10));
    Duration::from_millis(doubled).min(Duration::from_secs(20))
}

/// `planned` with what it did not know yet (computed attributes, `Unknown`) taken from the
/// object that exists, at every depth where the two have the same shape.
pub(crate) fn known_from(planned: &Value, found: &Value) -> Value {
    match (planned, found) {
        (Value::Unknown, _) => found.clone(),
        (Value::Map(wanted), Value::Map(have)) => Value::Map(
            wanted
                .iter()
                .map(|(key, value)| {
                    let have = have.get(key).unwrap_or(&Value::Null);
                    (key.clone(), known_from(value, have))
                })
                .collect(),
        ),
        (Value::List(wanted), Value::List(have)) if wanted.len() == have.len() => Value::List(
            wanted.iter().zip(have).map(|(value, have)| known_from(value, have)).collect(),
        ),
        _ => planned.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_quarter_second_to_twenty_seconds() {
        let waits: Vec<u64> = (1..=9).map(|n| backoff(n).as_millis() as u64).collect();
        assert_eq!(waits, [250, 500, 1000, 2000, 4000, 8000, 16000, 20000, 20000]);
        assert_eq!(backoff(40), Duration::from_secs(20));
    }

    #[test]
    fn what_the_plan_did_not_know_comes_from_the_object() {
        let planned = Value::map([
            ("id", Value::Unknown),
            ("cidr_block", Value::string("10.0.0.0/16")),
            (
                "ingress",
                Value::List(vec![Value::map([
                    ("from_port", Value::Number(80.0)),
                    ("description", Value::Unknown),
                ])]),
            ),
        ]);
        let found = Value::map([
            ("id", Value::string("vpc-1")),
            ("cidr_block", Value::string("10.1.0.0/16")),
            (
                "ingress",
                Value::List(vec![Value::map([
                    ("from_port", Value::Number(443.0)),
                    ("description", Value::string("")),
                ])]),
            ),
        ]);
        let wanted = known_from(&planned, &found);
        assert_eq!(wanted.get("id"), &Value::string("vpc-1"));
        assert_eq!(wanted.get("cidr_block"), &Value::string("10.0.0.0/16"));
        let rule = &wanted.get("ingress").as_list().unwrap()[0];
        assert_eq!(rule.get("from_port"), &Value::Number(80.0));
        assert_eq!(rule.get("description"), &Value::string(""));
    }
}
