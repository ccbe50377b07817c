//! A resource type declared once: each attribute (or block) of its schema together with how it
//! is read from the SDK's object, so that the schema and the value read back both come from one
//! list ([`declare`]) and no attribute name is written twice. [`crate::ec2_object`] builds its
//! EC2 types on this; the other services' types use [`Declaration`] directly. Also the shared
//! tail of the types that read one object a call ([`read_in_turn`]).

use std::future::Future;

use infra_core::{Attribute, Block, ProviderError, Schema, Type, Value};

use crate::app_support::{known, text};

/// Where an object was read: what an attribute's reader may need beyond the object.
pub struct Reading<'a> {
    pub region: &'a str,
    /// The account's ID, where the type asks for it; else "".
    pub account: &'a str,
    /// The prior state (or the planned value) the object is read for, for what is kept as the
    /// configuration wrote it (a policy document's key order); null where there is none.
    pub prior: &'a Value,
}

impl<'a> Reading<'a> {
    /// A reading for `prior` that needs neither region nor account.
    pub fn of(prior: &'a Value) -> Reading<'a> {
        Reading { region: "", account: "", prior }
    }
}

/// One attribute (or block) of a declared type and how it is read from the SDK's object;
/// `None` for one AWS does not report (it reads as null, unless the type keeps it otherwise).
pub struct Declared<Item> {
    pub field: Field,
    pub read: Option<Reader<Item>>,
}

impl<Item> Declared<Item> {
    /// An attribute AWS does not report: it reads as null (or as kept from the prior value).
    pub fn unread(attribute: Attribute) -> Declared<Item> {
        Declared { field: Field::Attribute(attribute), read: None }
    }
}

/// What a declaration declares: an attribute, or a nested block.
pub enum Field {
    Attribute(Attribute),
    Block(Block),
}

impl Field {
    pub fn name(&self) -> &'static str {
        match self {
            Field::Attribute(attribute) => attribute.name,
            Field::Block(block) => block.name,
        }
    }
}

/// How one attribute is read from the SDK's object.
pub type Reader<Item> = Box<dyn Fn(&Item, &Reading) -> Value + Send + Sync>;

/// An attribute read from the object by `read`.
pub fn read<Item>(
    attribute: Attribute,
    read: impl Fn(&Item, &Reading) -> Value + Send + Sync + 'static,
) -> Declared<Item> {
    read_field(Field::Attribute(attribute), read)
}

/// A nested block read from the object by `read` (a list of the block's objects).
pub fn read_block<Item>(
    block: Block,
    read: impl Fn(&Item, &Reading) -> Value + Send + Sync + 'static,
) -> Declared<Item> {
    read_field(Field::Block(block), read)
}

fn read_field<Item>(
    field: Field,
    read: impl Fn(&Item, &Reading) -> Value + Send + Sync + 'static,
) -> Declared<Item> {
    Declared { field, read: Some(Box::new(read)) }
}

/// A string attribute read by one of the SDK object's accessors, e.g. `Subnet::vpc_id`.
pub fn string<Item: 'static>(
    attribute: Attribute,
    accessor: fn(&Item) -> Option<&str>,
) -> Declared<Item> {
    read(attribute, move |item: &Item, _: &Reading| text(accessor(item)))
}

/// A string attribute read by one of the SDK object's accessors as the provider's read stores
/// it where AWS leaves it out: `""`, not null.
pub fn string_or_empty<Item: 'static>(
    attribute: Attribute,
    accessor: fn(&Item) -> Option<&str>,
) -> Declared<Item> {
    read(attribute, move |item: &Item, _: &Reading| {
        Value::string(accessor(item).unwrap_or_default())
    })
}

/// A string attribute AWS always reports, read by one of the SDK object's accessors, e.g.
/// `Group::arn`.
pub fn reported<Item: 'static>(
    attribute: Attribute,
    accessor: fn(&Item) -> &str,
) -> Declared<Item> {
    read(attribute, move |item: &Item, _: &Reading| Value::string(accessor(item)))
}

/// A computed string attribute read by one of the SDK object's accessors.
pub fn computed<Item: 'static>(
    name: &'static str,
    accessor: fn(&Item) -> Option<&str>,
) -> Declared<Item> {
    string(Attribute::computed(name, Type::String), accessor)
}

/// An attribute AWS does not report, read back as the prior value (the configuration) wrote
/// it, null where that is not wholly known (`force_destroy`, `name_prefix`).
pub fn from_prior<Item>(attribute: Attribute) -> Declared<Item> {
    let name = attribute.name;
    read(attribute, move |_: &Item, at: &Reading| known(at.prior, name))
}

/// An attribute AWS does not report, read back as the prior value holds it (`force_delete`).
pub fn copied<Item>(attribute: Attribute) -> Declared<Item> {
    let name = attribute.name;
    read(attribute, move |_: &Item, at: &Reading| at.prior.get(name).clone())
}

/// A configuration-only switch AWS does not report (`skip_destroy`): the prior value's when
/// it is a known bool, else the attribute's default.
pub fn switch<Item>(attribute: Attribute) -> Declared<Item> {
    let name = attribute.name;
    let default = attribute.default.clone().unwrap_or(Value::Null);
    read(attribute, move |_: &Item, at: &Reading| {
        let kept = at.prior.get(name);
        match kept.as_bool() {
            Some(_) => kept.clone(),
            None => default.clone(),
        }
    })
}

/// An argument infra does not support yet ([`infra_core::Schema::not_supported`]) at its place
/// in the schema; never read (the engine keeps what the prior state stores).
pub fn not_supported<Item>(name: &'static str, ty: Type, why: &'static str) -> Declared<Item> {
    Declared::unread(Attribute { not_supported: Some(why), ..Attribute::optional(name, ty) })
}

/// The readers of a declared type, in the schema's order.
pub struct Declaration<Item> {
    readers: Vec<(&'static str, Option<Reader<Item>>)>,
}

/// The schema (`schema` with the declared attributes and blocks added, in order) and the
/// readers of a declared type (none for a write-only argument or one not supported: the value
/// read leaves them out).
pub fn declare<Item>(schema: Schema, declared: Vec<Declared<Item>>) -> (Schema, Declaration<Item>) {
    let mut schema = schema;
    let mut readers = Vec::with_capacity(declared.len());
    for declared in declared {
        // A write-only argument is never read back (nor stored), nor one infra does not
        // support.
        let unread = matches!(&declared.field,
            Field::Attribute(a) if a.write_only || a.not_supported.is_some());
        if !unread {
            readers.push((declared.field.name(), declared.read));
        }
        schema = match declared.field {
            Field::Attribute(attribute) => schema.attr(attribute),
            Field::Block(block) => schema.block(block),
        };
    }
    (schema, Declaration { readers })
}

impl<Item> Declaration<Item> {
    /// The attributes AWS reports, each with its value read from `item`.
    pub fn entries<'a>(
        &'a self,
        item: &'a Item,
        reading: &'a Reading,
    ) -> impl Iterator<Item = (&'static str, Value)> + 'a {
        self.readers
            .iter()
            .filter_map(move |(name, read)| Some((*name, read.as_ref()?(item, reading))))
    }

    /// The object read from `item`: every declared attribute, null where AWS does not report it.
    pub fn value(&self, item: &Item, reading: &Reading) -> Value {
        Value::map(self.readers.iter().map(|(name, read)| {
            let value = match read {
                Some(read) => read(item, reading),
                None => Value::Null,
            };
            (*name, value)
        }))
    }
}

/// `read_many` of a type that reads one object a call: each prior's object by the first of
/// `keys` the prior holds (e.g. `arn`, else `id`), in the prior's order; `None` for a prior
/// with none of them, or whose object `read` did not find.
pub async fn read_in_turn<'a, F, Fut>(
    prior: &'a [Value],
    keys: &[&str],
    mut read: F,
) -> Result<Vec<Option<Value>>, ProviderError>
where
    F: FnMut(String, &'a Value) -> Fut,
    Fut: Future<Output = Result<Option<Value>, ProviderError>>,
{
    let mut out = Vec::with_capacity(prior.len());
    for p in prior {
        let key = keys.iter().find_map(|key| crate::app_support::string(p, key));
        out.push(match key {
            Some(key) => read(key, p).await?,
            None => None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item {
        name: &'static str,
    }

    fn declared() -> Vec<Declared<Item>> {
        vec![
            reported(Attribute::computed("id", Type::String), |item: &Item| item.name),
            Declared::unread(Attribute::optional("unreported", Type::String)),
            from_prior(Attribute::optional("kept", Type::String)),
            computed("arn", |_: &Item| None),
        ]
    }

    #[test]
    fn the_schema_and_the_value_come_from_one_list_in_its_order() {
        let (schema, declaration) = declare(Schema::new(), declared());
        let names: Vec<&str> = schema.attributes.iter().map(|a| a.name).collect();
        assert_eq!(names, ["id", "unreported", "kept", "arn"]);
        let prior = Value::map([("kept", Value::string("as configured"))]);
        let value = declaration.value(&Item { name: "a" }, &Reading::of(&prior));
        assert_eq!(
            value,
            Value::map([
                ("id", Value::string("a")),
                ("unreported", Value::Null),
                ("kept", Value::string("as configured")),
                ("arn", Value::Null),
            ])
        );
    }

    #[test]
    fn kept_switches_and_copies_read_the_prior_and_write_only_is_left_out() {
        let declared: Vec<Declared<Item>> = vec![
            copied(Attribute::optional("copied", Type::Number)),
            switch(Attribute::optional("switch", Type::Bool).default(Value::Bool(false))),
            Declared::unread(Attribute::optional("secret", Type::String).write_only()),
        ];
        let (schema, declaration) = declare(Schema::new(), declared);
        assert_eq!(schema.attributes.len(), 3);
        let item = Item { name: "a" };
        let prior = Value::map([
            ("copied", Value::Number(7.0)),
            ("switch", Value::Bool(true)),
            ("secret", Value::string("s")),
        ]);
        assert_eq!(
            declaration.value(&item, &Reading::of(&prior)),
            Value::map([("copied", Value::Number(7.0)), ("switch", Value::Bool(true))])
        );
        assert_eq!(
            declaration.value(&item, &Reading::of(&Value::Null)),
            Value::map([("copied", Value::Null), ("switch", Value::Bool(false))])
        );
    }

    #[tokio::test]
    async fn read_in_turn_reads_each_prior_by_its_first_key_in_order() {
        let prior = [
            Value::map([("id", Value::string("b"))]),
            Value::map([("arn", Value::string("a")), ("id", Value::string("x"))]),
            Value::map([("other", Value::string("c"))]),
        ];
        let read =
            read_in_turn(
                &prior,
                &["arn", "id"],
                |key, _| async move { Ok(Some(Value::string(key))) },
            )
            .await
            .unwrap();
        assert_eq!(read, [Some(Value::string("b")), Some(Value::string("a")), None]);
    }
}
