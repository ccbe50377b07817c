//! The AWS provider's tags: every taggable type has `tags` (its own) and `tags_all` (its own
//! over the provider block's `default_tags`, as AWS holds them), and infra adds its managed
//! `infra:*` tags on create, so a crashed apply can find what it made.

use std::collections::BTreeMap;

use infra_core::resource::{ADDRESS_TAG, LINEAGE_TAG};
use infra_core::tagging::Tagging;
use infra_core::{Attribute, Operation, Schema, Type, Value};

/// `tags` and `tags_all` on a type's schema.
pub trait WithTags {
    /// Adds `tags` (optional) and `tags_all` (computed from them and the default tags, so
    /// compared, and ignored with `tags`), and marks the type taggable.
    fn with_tags(self) -> Schema;
}

impl WithTags for Schema {
    fn with_tags(self) -> Schema {
        let [tags, tags_all] = tag_attributes();
        self.taggable().attr(tags).attr(tags_all)
    }
}

/// `tags` and `tags_all` as [`WithTags::with_tags`] adds them: for a declared type that places
/// them among its attributes ([`crate::aws_object::ObjectType::new`]).
pub fn tag_attributes() -> [Attribute; 2] {
    [
        Attribute::optional("tags", Type::map(Type::String)),
        Attribute::computed("tags_all", Type::map(Type::String)).compared().follows("tags"),
    ]
}

/// Defines `fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError>`
/// for a service's SDK `Tag` type: each tag built from its key and value (with the builder's
/// setters, `key`/`value` unless named), the builder's error (a missing key or value) as the
/// ProviderError. (A macro, not a generic function: each service has a `Tag` of its own, with
/// no trait to build them by.)
macro_rules! sdk_tags_of {
    ($vis:vis $tag:ty) => {
        $crate::tagging::sdk_tags_of!($vis $tag, key, value);
    };
    ($vis:vis $tag:ty, $key:ident, $value:ident) => {
        $vis fn sdk_tags(
            tags: &std::collections::BTreeMap<String, String>,
        ) -> Result<Vec<$tag>, infra_core::ProviderError> {
            tags.iter()
                .map(|(key, value)| {
                    <$tag>::builder()
                        .$key(key)
                        .$value(value)
                        .build()
                        .map_err($crate::error::refused)
                })
                .collect()
        }
    };
}
pub(crate) use sdk_tags_of;

/// The tags an operation sends on create.
pub trait ManagedTags {
    /// The value's `tags_all` (or `tags`) plus the managed tags.
    fn tags_with_managed(&self, planned: &Value) -> BTreeMap<String, String>;
}

impl ManagedTags for Operation {
    fn tags_with_managed(&self, planned: &Value) -> BTreeMap<String, String> {
        let mut tags: BTreeMap<String, String> = planned
            .get("tags_all")
            .as_map()
            .or_else(|| planned.get("tags").as_map())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        tags.insert(ADDRESS_TAG.into(), self.address.clone());
        tags.insert(LINEAGE_TAG.into(), self.lineage.clone());
        tags
    }
}

/// `default_tags` into `tags_all`, as the provider block sets them.
pub struct DefaultTags {
    default_tags: BTreeMap<String, String>,
}

impl DefaultTags {
    pub fn new(default_tags: BTreeMap<String, String>) -> DefaultTags {
        DefaultTags { default_tags }
    }
}

impl Tagging for DefaultTags {
    /// `tags_all` is `default_tags` merged under the resource's own `tags`.
    fn plan(&self, planned: &mut Value) {
        let tags = planned.get("tags");
        let tags_all = if tags.is_unknown() {
            Value::Unknown
        } else {
            let mut merged: BTreeMap<String, Value> =
                self.default_tags.iter().map(|(k, v)| (k.clone(), Value::string(v))).collect();
            if let Some(own) = tags.as_map() {
                for (k, v) in own {
                    merged.insert(k.clone(), v.clone());
                }
            }
            Value::Map(merged)
        };
        if let Some(entries) = planned.map_mut() {
            entries.insert("tags_all".into(), tags_all);
        }
    }

    /// AWS reads all tags into `tags_all`; `tags` holds those the configuration owns: every
    /// key the prior `tags` had, and every key that is not a provider default with the same
    /// value, neither by the current `default_tags` nor by the prior object's (a tag that
    /// came from `default_tags` when it was applied, unchanged since: changing a default tag's
    /// value is a change to `tags_all`, not a resource tag appearing outside infra).
    fn read(&self, remote: &mut Value, prior: &Value) {
        let all = remote.get("tags_all").as_map().cloned().unwrap_or_default();
        let prior_tags = prior.get("tags").as_map().cloned().unwrap_or_default();
        let prior_all = prior.get("tags_all").as_map().cloned().unwrap_or_default();
        let own: BTreeMap<String, Value> = all
            .iter()
            .filter(|(k, v)| {
                let current_default = self.default_tags.get(*k).map(String::as_str) == v.as_str();
                let prior_default = !prior_tags.contains_key(*k) && prior_all.get(*k) == Some(*v);
                prior_tags.contains_key(*k) || !(current_default || prior_default)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(entries) = remote.map_mut() {
            entries.insert("tags".into(), Value::Map(own));
            entries.insert("tags_all".into(), Value::Map(all));
        }
    }

    /// After a create or update, `tags` is what the configuration set, `tags_all` what AWS
    /// has.
    fn applied(&self, value: &mut Value, planned: &Value) {
        let configured = planned.get("tags").clone();
        if let Some(entries) = value.map_mut() {
            entries.insert(
                "tags".into(),
                if configured.is_null() { Value::Map(Default::default()) } else { configured },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), Value::string(*v))).collect())
    }

    fn object(own: &[(&str, &str)], all: &[(&str, &str)]) -> Value {
        Value::Map(BTreeMap::from([
            ("tags".to_string(), tags(own)),
            ("tags_all".to_string(), tags(all)),
        ]))
    }

    fn defaults(pairs: &[(&str, &str)]) -> DefaultTags {
        DefaultTags::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn tags_all_is_the_default_tags_under_the_objects_own() {
        let mut planned = Value::map([("tags", tags(&[("Name", "web"), ("Team", "app")]))]);
        defaults(&[("Team", "platform"), ("Env", "prod")]).plan(&mut planned);
        assert_eq!(
            planned.get("tags_all"),
            &tags(&[("Env", "prod"), ("Name", "web"), ("Team", "app")])
        );
        let mut unknown = Value::map([("tags", Value::Unknown)]);
        defaults(&[("Env", "prod")]).plan(&mut unknown);
        assert_eq!(unknown.get("tags_all"), &Value::Unknown);
    }

    #[test]
    fn a_changed_default_tag_is_not_a_resource_tag() {
        // Applied with default_tags { Project = "shop" }; now the default is "shop2".
        let prior = object(&[("Name", "web")], &[("Name", "web"), ("Project", "shop")]);
        let mut remote = object(&[], &[("Name", "web"), ("Project", "shop")]);
        defaults(&[("Project", "shop2")]).read(&mut remote, &prior);
        assert_eq!(remote.get("tags"), &tags(&[("Name", "web")]));
    }

    #[test]
    fn a_tag_added_or_changed_outside_is_a_resource_tag() {
        let prior = object(&[], &[("Project", "shop")]);
        let mut remote = object(&[], &[("Owner", "someone"), ("Project", "other")]);
        defaults(&[("Project", "shop")]).read(&mut remote, &prior);
        assert_eq!(remote.get("tags"), &tags(&[("Owner", "someone"), ("Project", "other")]));
    }
}
