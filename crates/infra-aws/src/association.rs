//! A link between two existing objects (a route table of a VPC endpoint, a web ACL on a load
//! balancer, a gateway attached to a VPC), written once: the counterpart of
//! [`crate::aws_object`] for what has no object of its own. A type implements [`Association`]:
//! the two arguments that name the link (both required; the first forces a new link, the
//! second too unless the link can be moved), its ID, its attach, detach and read calls and
//! their quirks. [`AssociationType`] makes a [`ResourceType`] of it and writes the shared tail
//! once:
//! - the schema: `id` (computed), then the two arguments;
//! - the value of a link: `id` and the pair, whether created, read back or imported;
//! - update ([`Update`]): nothing to change in place, or the link made again;
//! - delete: nothing to do for a prior state without the pair;
//! - `find_created`: the link has no tags; the pair is its natural key, so the planned pair
//!   read back as linked means the lost create happened;
//! - import: by default none (where the provider offers none);
//! - the type's other names ([`Association::ALIASES`]), by default none.
//!
//! [`Members`] and [`MembersType`] do the same for the exclusive member lists of one object
//! (an IAM group's users, the principals of a managed policy).

use std::collections::BTreeSet;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use infra_core::{
    Attribute, Creating, Deleting, Operation, ProviderError, ResourceType, Schema, Timeouts, Type,
    Updating, Value,
};

use crate::app_support::{is_missing, read_each, read_one, string, string_list, strings};
use crate::Aws;

/// The two arguments that name a link, in the schema's order.
pub type Pair = (String, String);

/// What an update does.
pub enum Update {
    /// Nothing changes in place: the prior state stays.
    KeepPrior,
    /// Nothing changes in place: the planned value is the state.
    Planned,
    /// The second argument changed: attached again, as a create.
    Attach,
}

/// What makes one association type; see the module's documentation.
pub trait Association: Send + Sync + Sized + 'static {
    /// The Terraform type name.
    const NAME: &'static str;
    /// The type's other names, as [`ResourceType::aliases`] (`aws_alb_listener_certificate`).
    const ALIASES: &'static [&'static str] = &[];
    /// The two arguments, in the schema's order (after `id`).
    const PAIR: (&'static str, &'static str);
    /// The create's error for a planned value without both arguments.
    const UNKNOWN: &'static str;
    /// The operations a `timeouts` block may set.
    const TIMEOUTS: &'static [&'static str] = &[];
    /// Whether the second argument forces a new link (else an update attaches it again).
    const SECOND_FORCES_NEW: bool = true;
    /// What an update does (where both arguments force a new link, only `timeouts` can
    /// differ).
    const UPDATE: Update = Update::Planned;

    fn default_timeouts() -> Timeouts {
        Timeouts::default()
    }
    /// The provider's ID of a link.
    fn id(pair: &Pair) -> String;
    /// The link a value names: by default its two arguments.
    fn pair(value: &Value) -> Option<Pair> {
        Some((string(value, Self::PAIR.0)?, string(value, Self::PAIR.1)?))
    }
    /// As [`ResourceType::import_prior`]; by default the type offers no import.
    fn import_prior(_id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(Self::NAME))
    }

    /// Links the pair (and waits for the link, where the provider does).
    fn attach(at: Link<'_, Self>) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// Unlinks the pair; a link (or object) already gone is done.
    fn detach(at: Link<'_, Self>) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// For each prior state, in order, the pair linked now (`None` where the link is gone),
    /// read in as few calls as the API allows.
    fn read(
        this: &AssociationType<Self>,
        prior: &[Value],
    ) -> impl Future<Output = Result<Vec<Option<Pair>>, ProviderError>> + Send;
}

/// A link being made ([`Association::attach`]) or taken away ([`Association::detach`]).
pub struct Link<'a, A: Association> {
    pub this: &'a AssociationType<A>,
    pub operation: &'a Operation,
    pub pair: &'a Pair,
    /// The link's value: the planned one when it is made, its state when it is taken away.
    pub state: &'a Value,
}

/// The [`ResourceType`] of an [`Association`].
pub struct AssociationType<A: Association> {
    pub aws: Arc<Aws>,
    schema: Schema,
    association: PhantomData<A>,
}

impl<A: Association> AssociationType<A> {
    pub fn new(aws: Arc<Aws>) -> AssociationType<A> {
        let schema = Schema::new()
            .timeouts(A::TIMEOUTS)
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required(A::PAIR.0, Type::String).force_new())
            .attr(match A::SECOND_FORCES_NEW {
                true => Attribute::required(A::PAIR.1, Type::String).force_new(),
                false => Attribute::required(A::PAIR.1, Type::String),
            });
        AssociationType { aws, schema, association: PhantomData }
    }

    /// The state of a link.
    pub fn value_of(pair: &Pair) -> Value {
        Value::map([
            ("id", Value::string(A::id(pair))),
            (A::PAIR.0, Value::string(&pair.0)),
            (A::PAIR.1, Value::string(&pair.1)),
        ])
    }
}

/// The two non-empty parts of an import ID joined by one `separator`, or `None`.
pub fn split_pair(id: &str, separator: char) -> Option<Pair> {
    match id.split_once(separator) {
        Some((first, second))
            if !first.is_empty() && !second.is_empty() && !second.contains(separator) =>
        {
            Some((first.to_string(), second.to_string()))
        }
        _ => None,
    }
}

#[async_trait::async_trait]
impl<A: Association> ResourceType for AssociationType<A> {
    fn name(&self) -> &'static str {
        A::NAME
    }

    fn aliases(&self) -> &'static [&'static str] {
        A::ALIASES
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        A::default_timeouts()
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let pair = A::pair(at.planned).ok_or_else(|| ProviderError::new(A::UNKNOWN))?;
        A::attach(Link { this: self, operation: at.operation, pair: &pair, state: at.planned })
            .await?;
        Ok(Self::value_of(&pair))
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        match A::UPDATE {
            Update::KeepPrior => Ok(at.prior.clone()),
            Update::Planned => Ok(at.planned.clone()),
            Update::Attach => {
                let creating = Creating { operation: at.operation, planned: at.planned };
                self.create(creating).await
            }
        }
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        match A::pair(at.prior) {
            Some(pair) => {
                A::detach(Link {
                    this: self,
                    operation: at.operation,
                    pair: &pair,
                    state: at.prior,
                })
                .await
            }
            None => Ok(()),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let linked = A::read(self, prior).await?;
        Ok(linked.iter().map(|p| p.as_ref().map(Self::value_of)).collect())
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        A::import_prior(id)
    }

    /// The planned pair, linked now.
    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        Ok(read_one(self, at.planned).await?.filter(|found| A::pair(found) == A::pair(at.planned)))
    }
}

/// The *exclusive* members of one object (the users of an IAM group, the principals a managed
/// policy is attached to), which has no object of its own: every member found belongs to it,
/// so one added elsewhere shows as drift and the next apply removes it, as the provider does.
/// A type implements [`Members`]: the attribute naming the object, the member lists, the
/// read of the members and the add and remove calls; [`MembersType`] writes the rest once:
/// create adds the configured members, update adds and removes the difference, delete
/// removes the members in state, refresh reads each object (a few at a time), and a lost
/// create is found when every configured member is there. `id` is `name`, which is
/// configuration only; there is no import (the provider offers none).
pub trait Members: Send + Sync + Sized + 'static {
    /// The Terraform type name.
    const NAME: &'static str;
    /// The attribute that names the object the members belong to.
    const KEY: &'static str;
    /// The member lists, in the order they are changed.
    const KINDS: &'static [&'static str];
    /// The create's error for a planned value without [`Members::KEY`].
    const UNKNOWN: &'static str;
    /// The update's error for a prior state without [`Members::KEY`].
    const NO_KEY: &'static str;
    /// Whether an object with no members at all is gone (a policy attached to nothing).
    const NONE_IS_GONE: bool = false;
    /// Whether a delete that finds the object gone is done.
    const DELETE_GONE_OK: bool = false;

    fn schema() -> Schema;
    fn validate(_config: &Value) -> Vec<(String, String)> {
        vec![]
    }
    /// The members of each kind now, in [`Members::KINDS`]' order; `None` when the object
    /// does not exist.
    fn members(
        this: &MembersType<Self>,
        key: &str,
    ) -> impl Future<Output = Result<Option<Vec<BTreeSet<String>>>, ProviderError>> + Send;
    /// Adds `member` of the `kind`-th list (else removes it; one already gone is removed).
    fn change(
        this: &MembersType<Self>,
        kind: usize,
        key: &str,
        member: &str,
        add: bool,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
}

/// The [`ResourceType`] of a [`Members`] type.
pub struct MembersType<M: Members> {
    pub aws: Arc<Aws>,
    schema: Schema,
    members: PhantomData<M>,
}

impl<M: Members> MembersType<M> {
    pub fn new(aws: Arc<Aws>) -> MembersType<M> {
        MembersType { aws, schema: M::schema(), members: PhantomData }
    }

    fn configured(value: &Value) -> Vec<BTreeSet<String>> {
        let set = |kind: &&str| strings(value, kind).into_iter().collect();
        M::KINDS.iter().map(set).collect()
    }

    /// The state of the object's members; `hint` (the prior state or the planned value)
    /// gives `name`, and a list it leaves unset stays unset while nothing of its kind is
    /// found.
    fn value_of(key: &str, members: &[BTreeSet<String>], hint: &Value) -> Value {
        let mut value = Value::map([
            ("id", hint.get("name").clone()),
            ("name", hint.get("name").clone()),
            (M::KEY, Value::string(key)),
        ]);
        if let Some(object) = value.map_mut() {
            for (kind, found) in M::KINDS.iter().zip(members) {
                let list = match found.is_empty() && hint.get(kind).is_null() {
                    true => Value::Null,
                    false => string_list(found),
                };
                object.insert(kind.to_string(), list);
            }
        }
        value
    }

    /// Adds and removes so that the members are exactly `wanted`, starting from `current`.
    async fn sync(
        &self,
        key: &str,
        current: &[BTreeSet<String>],
        wanted: &[BTreeSet<String>],
    ) -> Result<(), ProviderError> {
        for (kind, (before, after)) in current.iter().zip(wanted).enumerate() {
            for member in before.difference(after) {
                M::change(self, kind, key, member, false).await?;
            }
            for member in after.difference(before) {
                M::change(self, kind, key, member, true).await?;
            }
        }
        Ok(())
    }

    async fn read(&self, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(key) = string(prior, M::KEY) else {
            return Ok(None);
        };
        Ok(M::members(self, &key)
            .await?
            .filter(|found| !M::NONE_IS_GONE || found.iter().any(|kind| !kind.is_empty()))
            .map(|found| Self::value_of(&key, &found, prior)))
    }

    fn none() -> Vec<BTreeSet<String>> {
        vec![BTreeSet::new(); M::KINDS.len()]
    }
}

#[async_trait::async_trait]
impl<M: Members> ResourceType for MembersType<M> {
    fn name(&self) -> &'static str {
        M::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        M::validate(config)
    }

    /// Adds what is configured; other members are removed by the next apply, after refresh
    /// shows them (as the provider does).
    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let key = string(at.planned, M::KEY).ok_or_else(|| ProviderError::new(M::UNKNOWN))?;
        let wanted = Self::configured(at.planned);
        self.sync(&key, &Self::none(), &wanted).await?;
        Ok(Self::value_of(&key, &wanted, at.planned))
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        let key = string(at.prior, M::KEY).ok_or_else(|| ProviderError::new(M::NO_KEY))?;
        let wanted = Self::configured(at.planned);
        self.sync(&key, &Self::configured(at.prior), &wanted).await?;
        Ok(Self::value_of(&key, &wanted, at.planned))
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        let Some(key) = string(at.prior, M::KEY) else {
            return Ok(());
        };
        match self.sync(&key, &Self::configured(at.prior), &Self::none()).await {
            Err(error) if M::DELETE_GONE_OK && is_missing(&error) => Ok(()),
            other => other,
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_each(prior.iter().map(|p| self.read(p)).collect()).await
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(M::NAME))
    }

    /// Found when every configured member is there.
    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        let Some(key) = string(at.planned, M::KEY) else {
            return Ok(None);
        };
        let wanted = Self::configured(at.planned);
        let Some(found) = M::members(self, &key).await? else {
            return Ok(None);
        };
        let complete = wanted.iter().zip(&found).all(|(w, f)| w.is_subset(f));
        let nothing = M::NONE_IS_GONE && wanted.iter().all(BTreeSet::is_empty);
        Ok((complete && !nothing).then(|| Self::value_of(&key, &found, at.planned)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::elbv2::aws_lb_listener_certificate::AwsLbListenerCertificate;
    use crate::resources::wafv2::aws_wafv2_web_acl_association::AwsWafv2WebAclAssociation;
    use crate::ProviderSettings;

    /// [`Association::ALIASES`] are the type's other names, registered as the same type; a
    /// type that sets none has none.
    #[test]
    fn an_association_is_registered_under_its_aliases() {
        let aws = Aws::new(ProviderSettings::default());
        let certificate = AwsLbListenerCertificate::new(aws.clone());
        assert_eq!(certificate.name(), "aws_lb_listener_certificate");
        assert_eq!(certificate.aliases(), ["aws_alb_listener_certificate"]);
        assert!(AwsWafv2WebAclAssociation::new(aws.clone()).aliases().is_empty());
        let registry = crate::registry(aws);
        let alias = registry.resource("aws_alb_listener_certificate");
        assert_eq!(alias.map(|t| t.name()), Some("aws_lb_listener_certificate"));
    }
}
