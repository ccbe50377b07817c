//! The schema of a resource type or data source: which attributes and nested blocks it has,
//! which are required, computed, sensitive or force a replacement, and how values are checked
//! and normalized before they are compared.
//!
//! Nested blocks are stored as lists of objects, as the Terraform AWS provider stores them,
//! so plan JSON reads the same to checkov and conftest.

use crate::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    Number,
    Bool,
    List(Box<Type>),
    /// A list whose order does not matter; compared sorted.
    Set(Box<Type>),
    Map(Box<Type>),
    /// A string holding a JSON document; compared after normalizing key order and whitespace.
    Json,
    Any,
}

impl Type {
    /// The type in cty's JSON form, as Terraform's schema and state JSON write it: a JSON
    /// document is a `string`, `Any` is `dynamic`.
    pub fn cty_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Type::String | Type::Json => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::List(element) => json!(["list", element.cty_json()]),
            Type::Set(element) => json!(["set", element.cty_json()]),
            Type::Map(element) => json!(["map", element.cty_json()]),
            Type::Any => json!("dynamic"),
        }
    }

    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }
    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }
    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
    /// Set only by the provider.
    Computed,
    /// Set by the configuration, or else by the provider.
    OptionalComputed,
}

/// A plan-time check of an attribute's value, beyond its type.
///
/// The provider's checks word their messages as the Terraform plugin SDK does. Those the
/// provider declares as a `ValidateFunc` (`Range`, `OneOfNumbers`, `Length`, `Text`) name the
/// SDK's key for the value (`ingress.0.from_port`); the enum checks (`OneOf`, `OneOfAnyCase`),
/// which the provider declares through `enum.Validate`, a `ValidateDiagFunc`, name the
/// attribute (`protocol`). A check of a string checks each string of a list or set of strings
/// on its own (reported at `names[1]`), as the SDK checks a list's elements.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// An IPv4 CIDR block, e.g. `10.0.0.0/16` (infra's own check, in its own words).
    Cidr,
    /// A CIDR block that is its network's own address, with a prefix length in the inclusive
    /// range: `validation.IsCIDRNetwork`, `expected cidr_block to contain a valid network
    /// Value, expected 10.0.0.0/16, got 10.0.0.1/16`.
    CidrNetwork(u8, u8),
    /// A port number in 0..=65535, or -1 meaning all, as AWS accepts for protocol -1 (infra's
    /// own check, in its own words).
    Port,
    /// One of a closed set of strings: `validation.StringInSlice` (and the provider's
    /// `enum.Validate`), `expected mode to be one of ["a" "b"], got c`.
    OneOf(&'static [&'static str]),
    /// One of a closed set of strings in any case: `validation.StringInSlice` ignoring case
    /// (`enum.ValidateIgnoreCase`), in the same words as [`Check::OneOf`].
    OneOfAnyCase(&'static [&'static str]),
    /// One of a closed set of whole numbers: `validation.IntInSlice`, `expected interval to be
    /// one of [10 30], got 20`.
    OneOfNumbers(&'static [i64]),
    /// A whole number in the inclusive range: `validation.IntBetween`, `expected port to be in
    /// the range (1 - 65535), got 0`; with no upper bound (`i64::MAX`), `validation.IntAtLeast`,
    /// `expected days to be at least (0), got -1`.
    Range(i64, i64),
    /// A string's length in bytes, in the inclusive range: `validation.StringLenBetween`,
    /// `expected length of name to be in the range (1 - 100), got ...`.
    Length(usize, usize),
    /// A string that matches the provider's regular expression (written as a function):
    /// `validation.StringMatch` (and `StringDoesNotMatch`), `invalid value for name (message)`,
    /// or without a message `expected value of name to match regular expression "re", got x`.
    Matches(Pattern),
    /// A provider's own check of a string: the SDK's key and the string to the provider's
    /// whole message, shown as it is (an ARN check: `"role_arn" (x) is an invalid ARN: arn:
    /// invalid prefix`).
    Text(TextCheck),
}

/// The test of a [`Check::Matches`] and the provider's message for a string that fails it.
#[derive(Clone, Copy)]
pub struct Pattern {
    /// The provider's regular expression, as it writes it (`^[0-9A-Za-z_-]+$`).
    pub expression: &'static str,
    /// Whether the string matches [`Pattern::expression`] (written as a function).
    pub test: fn(&str) -> bool,
    /// The message the provider gives `StringMatch` (`must contain only lowercase letters`);
    /// empty where it gives none.
    pub message: &'static str,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.expression == other.expression && self.message == other.message
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.expression)
    }
}

/// The check of a [`Check::Text`], named: two are the same check when their names are (a
/// function's address says nothing).
#[derive(Clone, Copy)]
pub struct TextCheck {
    /// What the check is, for a reader: the provider's name for it (`verify.ValidARN`).
    pub name: &'static str,
    /// The SDK's key for the string (`layers.1`) and the string to the problem's message, if
    /// there is one.
    pub check: fn(&str, &str) -> Option<String>,
}

impl PartialEq for TextCheck {
    fn eq(&self, other: &TextCheck) -> bool {
        self.name == other.name
    }
}

impl std::fmt::Debug for TextCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    pub presence: Presence,
    pub default: Option<Value>,
    pub sensitive: bool,
    pub force_new: bool,
    /// The checks of the value, each reporting its problems, in order (several are the
    /// provider's `validation.All`).
    pub checks: Vec<Check>,
    /// A computed attribute that AWS changes on its own all the time
    /// (`latest_restorable_time`): not a sign that the object changed.
    pub volatile: bool,
    /// Terraform 1.11's write-only argument (`password_wo`): sent to AWS on create, and on
    /// update when its companion `*_wo_version` changes; never stored in the state, the plan
    /// file or the pending journal, and never compared.
    pub write_only: bool,
    /// An argument an older provider had and the current one removed (`aws_eip.vpc`), which
    /// infra still reads in configuration: never stored in the state, so the state holds only
    /// the provider's attributes, and never compared.
    pub config_only: bool,
    /// What the provider stores for this argument when it is unset (`aws_ecs_service`'s
    /// `propagate_tags = "NONE"`): an unset argument and this stored value are no change, as
    /// the provider's DiffSuppressFunc has it.
    pub stored_when_unset: Option<Value>,
    /// A computed attribute that a diff compares all the same: the provider derives it from
    /// configuration (its merge of default tags), so a changed default changes the object.
    pub compared: bool,
    /// The argument this computed attribute follows: `ignore_changes` on that argument
    /// ignores this one too.
    pub follows: Option<&'static str>,
    /// An argument of the provider's that infra does not implement yet, with why: see
    /// [`Schema::not_supported`].
    pub not_supported: Option<&'static str>,
    /// The provider's `Deprecated` message for an argument it still takes (`aws_s3_bucket`'s
    /// `acl`): a configuration that sets it gets Terraform's "Argument is deprecated" warning
    /// with this message, from `validate` on.
    pub deprecated: Option<&'static str>,
    /// The provider's rules between this argument and others: see [`Relations`].
    pub relations: Relations,
}

/// The provider's rules between arguments, each a list of the SDK's keys from the resource
/// (`name`, `cpu_options.0.core_count`), checked and worded as the SDK checks them
/// (`helper/schema/schema.go`). An argument carries only the rules the provider declares on it,
/// and reports the first it breaks; its value is checked only when it breaks none.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Relations {
    /// `ConflictsWith`: none of these may be set with this argument (its own key, where a
    /// group shares one list, is passed over).
    pub conflicts_with: &'static [&'static str],
    /// `ExactlyOneOf`: exactly one of this argument and these is set.
    pub exactly_one_of: &'static [&'static str],
    /// `AtLeastOneOf`: at least one of this argument and these is set.
    pub at_least_one_of: &'static [&'static str],
    /// `RequiredWith`: with this argument set, all of these are set too.
    pub required_with: &'static [&'static str],
}

impl Attribute {
    fn new(name: &'static str, ty: Type, presence: Presence) -> Attribute {
        Attribute {
            name,
            ty,
            presence,
            default: None,
            sensitive: false,
            force_new: false,
            checks: Vec::new(),
            volatile: false,
            write_only: false,
            config_only: false,
            stored_when_unset: None,
            compared: false,
            follows: None,
            not_supported: None,
            deprecated: None,
            relations: Relations::default(),
        }
    }
    pub fn required(name: &'static str, ty: Type) -> Attribute {
        Attribute::new(name, ty, Presence::Required)
    }
    pub fn optional(name: &'static str, ty: Type) -> Attribute {
        Attribute::new(name, ty, Presence::Optional)
    }
    pub fn computed(name: &'static str, ty: Type) -> Attribute {
        Attribute::new(name, ty, Presence::Computed)
    }
    pub fn optional_computed(name: &'static str, ty: Type) -> Attribute {
        Attribute::new(name, ty, Presence::OptionalComputed)
    }
    pub fn default(mut self, value: Value) -> Attribute {
        self.default = Some(value);
        self
    }
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }
    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }
    /// See [`Attribute::compared`].
    pub fn compared(mut self) -> Attribute {
        self.compared = true;
        self
    }
    /// See [`Attribute::follows`].
    pub fn follows(mut self, argument: &'static str) -> Attribute {
        self.follows = Some(argument);
        self
    }
    pub fn volatile(mut self) -> Attribute {
        self.volatile = true;
        self
    }
    /// A write-only argument; also sensitive.
    pub fn write_only(mut self) -> Attribute {
        self.write_only = true;
        self.sensitive = true;
        self
    }
    /// An argument the current provider removed, still read from configuration; see
    /// [`Attribute::config_only`].
    pub fn config_only(mut self) -> Attribute {
        self.config_only = true;
        self
    }
    /// See [`Attribute::deprecated`].
    pub fn deprecated(mut self, message: &'static str) -> Attribute {
        self.deprecated = Some(message);
        self
    }
    /// See [`Attribute::stored_when_unset`].
    pub fn stored_when_unset(mut self, value: Value) -> Attribute {
        self.stored_when_unset = Some(value);
        self
    }
    /// Adds a check; an attribute with several checks them all, as `validation.All` does.
    pub fn check(mut self, check: Check) -> Attribute {
        self.checks.push(check);
        self
    }
    /// See [`Relations::conflicts_with`].
    pub fn conflicts_with(mut self, keys: &'static [&'static str]) -> Attribute {
        self.relations.conflicts_with = keys;
        self
    }
    /// See [`Relations::exactly_one_of`].
    pub fn exactly_one_of(mut self, keys: &'static [&'static str]) -> Attribute {
        self.relations.exactly_one_of = keys;
        self
    }
    /// See [`Relations::at_least_one_of`].
    pub fn at_least_one_of(mut self, keys: &'static [&'static str]) -> Attribute {
        self.relations.at_least_one_of = keys;
        self
    }
    /// See [`Relations::required_with`].
    pub fn required_with(mut self, keys: &'static [&'static str]) -> Attribute {
        self.relations.required_with = keys;
        self
    }
    pub fn is_settable(&self) -> bool {
        self.presence != Presence::Computed
    }
    pub fn is_computed(&self) -> bool {
        matches!(self.presence, Presence::Computed | Presence::OptionalComputed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// Order matters (`route`, `default_action`).
    List,
    /// Order does not matter (`ingress`, `egress`).
    Set,
    /// The provider's `single` nesting: one object, stored as it is, or null when absent. Only
    /// a block infra does not support yet ([`Schema::not_supported`]) has it; infra's own
    /// one-object blocks are lists of at most one ([`Block::single`]), as SDKv2 stores them.
    Single,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub name: &'static str,
    pub nesting: Nesting,
    pub schema: Schema,
    pub force_new: bool,
    pub min_items: usize,
    pub max_items: Option<usize>,
    /// Terraform's Optional+Computed blocks: when the configuration has none of these blocks,
    /// the object keeps what AWS has instead of planning them away (a security group whose
    /// rules are separate rule resources).
    pub computed: bool,
    /// The provider's `SuppressMissingOptionalConfigurationBlock`: when the configuration has
    /// none of these blocks, the object keeps what it has (`aws_lb.access_logs`,
    /// `aws_ecs_service.deployment_circuit_breaker`); on create there are none.
    pub kept_when_unset: bool,
    /// A block of the provider's that infra does not implement yet, with why: see
    /// [`Schema::not_supported`].
    pub not_supported: Option<&'static str>,
    /// The provider's `Deprecated` message for a block it still takes (`aws_s3_bucket`'s
    /// `versioning`), as [`Attribute::deprecated`]: Terraform's "Argument is deprecated"
    /// warning at the first such block, from `validate` on.
    pub deprecated: Option<&'static str>,
    /// An attribute of the provider's whose type is a list or set of objects (SDKv2's
    /// `ConfigMode: SchemaConfigModeAttr`: `aws_security_group.ingress`,
    /// `aws_route_table.route`), declared here as a block for its nested schema. Terraform
    /// takes it in block syntax too (core's `lang/blocktoattr`), and also as an attribute,
    /// where `ingress = []` says "none" while leaving every block out leaves the object's
    /// alone; its schema JSON lists it among the attributes, and the plan renders it as one.
    pub attribute_mode: bool,
    /// The provider's rules between the block and other arguments: see [`Relations`].
    pub relations: Relations,
}

impl Block {
    pub fn list(name: &'static str, schema: Schema) -> Block {
        Block {
            name,
            nesting: Nesting::List,
            schema,
            force_new: false,
            min_items: 0,
            max_items: None,
            computed: false,
            kept_when_unset: false,
            not_supported: None,
            deprecated: None,
            attribute_mode: false,
            relations: Relations::default(),
        }
    }
    pub fn set(name: &'static str, schema: Schema) -> Block {
        Block { nesting: Nesting::Set, ..Block::list(name, schema) }
    }
    /// At most one block, still stored as a list of one object.
    pub fn single(name: &'static str, schema: Schema) -> Block {
        Block { max_items: Some(1), ..Block::list(name, schema) }
    }
    pub fn force_new(mut self) -> Block {
        self.force_new = true;
        self
    }
    pub fn computed(mut self) -> Block {
        self.computed = true;
        self
    }
    /// See [`Block::kept_when_unset`].
    pub fn kept_when_unset(mut self) -> Block {
        self.kept_when_unset = true;
        self
    }
    pub fn required(mut self) -> Block {
        self.min_items = 1;
        self
    }
    /// See [`Block::deprecated`].
    pub fn deprecated(mut self, message: &'static str) -> Block {
        self.deprecated = Some(message);
        self
    }
    /// See [`Relations::conflicts_with`].
    pub fn conflicts_with(mut self, keys: &'static [&'static str]) -> Block {
        self.relations.conflicts_with = keys;
        self
    }
    /// See [`Relations::exactly_one_of`].
    pub fn exactly_one_of(mut self, keys: &'static [&'static str]) -> Block {
        self.relations.exactly_one_of = keys;
        self
    }
    /// See [`Relations::at_least_one_of`].
    pub fn at_least_one_of(mut self, keys: &'static [&'static str]) -> Block {
        self.relations.at_least_one_of = keys;
        self
    }
    /// See [`Relations::required_with`].
    pub fn required_with(mut self, keys: &'static [&'static str]) -> Block {
        self.relations.required_with = keys;
        self
    }
    /// See [`Block::attribute_mode`].
    pub fn attribute_mode(mut self) -> Block {
        self.attribute_mode = true;
        self
    }
    /// The cty type of the block's value as the provider's schema gives it when the block is
    /// an attribute ([`Block::attribute_mode`]): a list or set of objects.
    fn cty_json(&self) -> serde_json::Value {
        let object = serde_json::json!(["object", self.schema.object_cty_fields()]);
        match self.nesting {
            Nesting::Set => serde_json::json!(["set", object]),
            Nesting::List | Nesting::Single => serde_json::json!(["list", object]),
        }
    }
    /// What an object holds of the block when it has none, as the provider stores it: an
    /// empty list, or null for [`Nesting::Single`].
    pub fn absent(&self) -> Value {
        match self.nesting {
            Nesting::Single => Value::Null,
            Nesting::List | Nesting::Set => Value::List(vec![]),
        }
    }
}

/// The shape of an argument infra does not support yet (see [`Schema::not_supported`]): an
/// attribute of a type, or a nested block of a nesting mode. A `Type` or a `Nesting` converts
/// into one.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Attribute(Type),
    /// A block whose own arguments are not declared: none can be set.
    Block(Nesting),
}

impl From<Type> for Shape {
    fn from(ty: Type) -> Shape {
        Shape::Attribute(ty)
    }
}

impl From<Nesting> for Shape {
    fn from(nesting: Nesting) -> Shape {
        Shape::Block(nesting)
    }
}

/// The error for a configuration that sets `argument`, which infra does not support yet
/// ([`Schema::not_supported`]); `resource_type` names the type where the caller knows it.
pub fn not_supported_error(argument: &str, resource_type: Option<&str>, why: &str) -> String {
    let of = resource_type.map_or_else(|| "this resource type".to_string(), str::to_string);
    format!(
        "infra does not support \"{argument}\" of {of} yet: {why}. Leave it out (null is \
         accepted): infra leaves what the object has of it as it is."
    )
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Schema {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
    /// The type takes tags: the engine has the provider's [`crate::tagging::Tagging`]
    /// complete them at plan, apply and refresh, and the provider adds the managed `infra:*`
    /// tags.
    pub taggable: bool,
    /// The provider's `SchemaVersion` for the type: the state records it beside each object,
    /// and an object stored under an older version is upgraded by the type's
    /// [`crate::ResourceType::upgrade_state`] before it is read.
    pub version: u64,
    /// Arguments the provider removed that older configurations still set, with what became
    /// of them: accepted with a warning when null or false (they did nothing), any other
    /// value an error. Never stored or sent.
    pub removed: Vec<RemovedArgument>,
    /// The operations of the provider's `timeouts` block for the type (`create`, `delete`…),
    /// empty when it has none. The configured durations bound the operations, and the object
    /// stores them as Terraform does: `timeouts = {create = "5m", delete = null}`, or null
    /// without a block (see [`Schema::stored_timeouts`]).
    pub timeouts: &'static [&'static str],
}

/// An argument the provider no longer has (see [`Schema::removed`]).
#[derive(Clone, Debug, PartialEq)]
pub struct RemovedArgument {
    pub name: &'static str,
    /// Why it is gone, as a sentence: "EC2-Classic was retired in 2022 and the AWS provider
    /// removed ClassicLink in 5.0".
    pub why: &'static str,
}

impl RemovedArgument {
    /// Whether `value` asks for the removed feature: anything but null or false (unknown
    /// values are decided when known).
    pub fn is_asked_for(&self, value: &Value) -> bool {
        let value = value.unmarked();
        !(value.is_null() || !value.is_wholly_known() || *value == Value::Bool(false))
    }

    /// The warning that it is accepted and does nothing.
    pub fn warning(&self) -> String {
        format!(
            "The argument \"{}\" no longer exists: {}. It is accepted only when null or false, \
             where it has no effect; remove it.",
            self.name, self.why
        )
    }

    /// The error for a value that asks for it.
    pub fn error(&self) -> String {
        format!(
            "The argument \"{}\" no longer exists: {}. Only null or false is accepted; \
             remove it.",
            self.name, self.why
        )
    }
}

impl Schema {
    pub fn new() -> Schema {
        Schema::default()
    }
    pub fn attr(mut self, attribute: Attribute) -> Schema {
        self.attributes.push(attribute);
        self
    }
    pub fn block(mut self, block: Block) -> Schema {
        self.blocks.push(block);
        self
    }
    /// The provider's `SchemaVersion` for the type (0 when it declares none).
    pub fn version(mut self, version: u64) -> Schema {
        self.version = version;
        self
    }
    /// An argument the provider removed (see [`Schema::removed`]).
    pub fn removed(mut self, name: &'static str, why: &'static str) -> Schema {
        self.removed.push(RemovedArgument { name, why });
        self
    }
    /// An argument or block of the provider's that infra does not implement yet, so that the
    /// type's schema and objects are the provider's all the same. Every object holds it as the
    /// provider stores it unset: null for an attribute, `[]` for a list or set block, null for
    /// a single one. It is never sent, read or compared: a value a Terraform state holds for
    /// it is kept as it is and plans no change. A configuration that sets it (anything but
    /// null, a block, or an unknown value) is an error that names it, never silently ignored.
    /// `why` says, as a clause, what to do instead ("manage it with the
    /// aws_s3_bucket_versioning resource").
    pub fn not_supported(
        self,
        name: &'static str,
        shape: impl Into<Shape>,
        why: &'static str,
    ) -> Schema {
        match shape.into() {
            Shape::Attribute(ty) => {
                self.attr(Attribute { not_supported: Some(why), ..Attribute::optional(name, ty) })
            }
            Shape::Block(nesting) => self.block(Block {
                nesting,
                not_supported: Some(why),
                ..Block::list(name, Schema::new())
            }),
        }
    }
    /// Copies what `prior` stores for the arguments infra does not support
    /// ([`Schema::not_supported`]) into `read`, an object the provider just read, which cannot
    /// know them.
    pub fn keep_not_supported(&self, prior: &Value, read: &mut Value) {
        let Some(stored) = prior.as_map() else {
            return;
        };
        let names = self
            .attributes
            .iter()
            .filter(|a| a.not_supported.is_some())
            .map(|a| a.name)
            .chain(self.blocks.iter().filter(|b| b.not_supported.is_some()).map(|b| b.name));
        let Some(entries) = read.map_mut() else {
            return;
        };
        for name in names {
            if let Some(value) = stored.get(name) {
                entries.insert(name.to_string(), value.clone());
            }
        }
    }
    /// The operations of the type's `timeouts` block (see [`Schema::timeouts`]).
    pub fn timeouts(mut self, operations: &'static [&'static str]) -> Schema {
        self.timeouts = operations;
        self
    }
    /// What the object stores of a `timeouts` block: null without one, else each of the
    /// type's operations with its configured text (`"5m"`) or null; null for a type without
    /// timeouts.
    pub fn stored_timeouts(
        &self,
        block: bool,
        configured: &std::collections::BTreeMap<String, String>,
    ) -> Value {
        if !block || self.timeouts.is_empty() {
            return Value::Null;
        }
        Value::Map(
            self.timeouts
                .iter()
                .map(|operation| {
                    let text = configured.get(*operation).cloned();
                    (operation.to_string(), text.map_or(Value::Null, Value::String))
                })
                .collect(),
        )
    }
    pub fn removed_argument(&self, name: &str) -> Option<&RemovedArgument> {
        self.removed.iter().find(|r| r.name == name)
    }
    /// Marks the type taggable; the provider declares its tag attributes.
    pub fn taggable(mut self) -> Schema {
        self.taggable = true;
        self
    }
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
    pub fn block_named(&self, name: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.name == name)
    }

    /// The schema as `terraform providers schema -json` prints one: `{"version", "block":
    /// {"attributes", "block_types"}}`, with cty types and the presence flags that hold.
    pub fn to_terraform_json(&self) -> serde_json::Value {
        serde_json::json!({ "version": self.version, "block": self.block_json() })
    }

    /// The attributes and blocks of an object of this schema, each with its cty type, as
    /// the provider's schema gives an attribute of object type.
    fn object_cty_fields(&self) -> serde_json::Map<String, serde_json::Value> {
        let attributes = self
            .attributes
            .iter()
            .map(|attribute| (attribute.name.to_string(), attribute.ty.cty_json()));
        let blocks = self.blocks.iter().map(|block| (block.name.to_string(), block.cty_json()));
        attributes.chain(blocks).collect()
    }

    fn block_json(&self) -> serde_json::Value {
        let mut attributes = serde_json::Map::new();
        for attribute in &self.attributes {
            let mut entry = serde_json::Map::new();
            entry.insert("type".into(), attribute.ty.cty_json());
            let mut flag = |name: &str, on: bool| {
                if on {
                    entry.insert(name.into(), serde_json::Value::Bool(true));
                }
            };
            flag("required", attribute.presence == Presence::Required);
            flag(
                "optional",
                matches!(attribute.presence, Presence::Optional | Presence::OptionalComputed),
            );
            flag("computed", attribute.is_computed());
            flag("sensitive", attribute.sensitive);
            flag("write_only", attribute.write_only);
            flag("deprecated", attribute.config_only || attribute.deprecated.is_some());
            attributes.insert(attribute.name.to_string(), serde_json::Value::Object(entry));
        }
        for block in self.blocks.iter().filter(|block| block.attribute_mode) {
            let mut entry = serde_json::Map::new();
            entry.insert("type".into(), block.cty_json());
            entry.insert("optional".into(), serde_json::Value::Bool(true));
            if block.computed {
                entry.insert("computed".into(), serde_json::Value::Bool(true));
            }
            attributes.insert(block.name.to_string(), serde_json::Value::Object(entry));
        }
        let mut block_types = serde_json::Map::new();
        for block in self.blocks.iter().filter(|block| !block.attribute_mode) {
            let mut entry = serde_json::Map::new();
            let nesting = match block.nesting {
                Nesting::List => "list",
                Nesting::Set => "set",
                Nesting::Single => "single",
            };
            entry.insert("nesting_mode".into(), nesting.into());
            let mut nested = block.schema.block_json();
            if block.deprecated.is_some() {
                nested["deprecated"] = serde_json::Value::Bool(true);
            }
            entry.insert("block".into(), nested);
            if block.min_items > 0 {
                entry.insert("min_items".into(), block.min_items.into());
            }
            if let Some(max) = block.max_items {
                entry.insert("max_items".into(), max.into());
            }
            block_types.insert(block.name.to_string(), serde_json::Value::Object(entry));
        }
        if !self.timeouts.is_empty() {
            let operations: serde_json::Map<String, serde_json::Value> = self
                .timeouts
                .iter()
                .map(|operation| {
                    let entry = serde_json::json!({"type": "string", "optional": true});
                    (operation.to_string(), entry)
                })
                .collect();
            block_types.insert(
                "timeouts".into(),
                serde_json::json!({"nesting_mode": "single", "block": {"attributes": operations}}),
            );
        }
        let mut block = serde_json::Map::new();
        if !attributes.is_empty() {
            block.insert("attributes".into(), serde_json::Value::Object(attributes));
        }
        if !block_types.is_empty() {
            block.insert("block_types".into(), serde_json::Value::Object(block_types));
        }
        serde_json::Value::Object(block)
    }

    /// Empties the write-only arguments of an object and drops its configuration-only ones,
    /// before it is stored anywhere.
    pub fn clear_write_only(&self, value: &mut Value) {
        if let Some(entries) = value.map_mut() {
            for attribute in &self.attributes {
                if attribute.config_only {
                    entries.remove(attribute.name);
                } else if attribute.write_only {
                    // Stored as null, as Terraform stores a write-only argument.
                    entries.insert(attribute.name.to_string(), Value::Null);
                }
            }
        }
    }

    /// The object without its volatile attributes: what a saved plan's staleness check
    /// compares.
    pub fn without_volatile(&self, value: &Value) -> Value {
        let mut value = value.clone();
        if let Some(entries) = value.map_mut() {
            for attribute in self.attributes.iter().filter(|a| a.volatile) {
                entries.remove(attribute.name);
            }
        }
        value
    }

    /// The names of the top-level attributes of dynamic type (`Any`), which a state file holds
    /// in cty's wrapped form `{"value": …, "type": …}`.
    pub fn dynamic_attributes(&self) -> Vec<String> {
        self.attributes
            .iter()
            .filter(|attribute| attribute.ty == Type::Any)
            .map(|attribute| attribute.name.to_string())
            .collect()
    }

    /// The first attribute that the configuration sets (neither computed nor optional-computed)
    /// whose value is still unknown, anywhere in `value`: such a value must never reach a
    /// provider call.
    pub fn unknown_configured_path(&self, value: &Value) -> Option<String> {
        for attribute in &self.attributes {
            if attribute.is_computed() {
                continue;
            }
            let v = value.get(attribute.name);
            if !v.is_wholly_known() {
                return Some(attribute.name.to_string());
            }
        }
        for block in &self.blocks {
            for (index, item) in
                value.get(block.name).as_list().unwrap_or_default().iter().enumerate()
            {
                if let Some(path) = block.schema.unknown_configured_path(item) {
                    return Some(format!("{}[{index}].{path}", block.name));
                }
            }
        }
        None
    }

    /// Checks one object (a resource body or a block) against the schema: missing required
    /// attributes, value types and `Check`s. Unknown values pass. Returns `(path, message)`.
    pub fn validate(&self, value: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        self.validate_into(value, value, "", &mut problems);
        problems
    }

    /// [`Schema::validate`] of `value`, an object at `prefix` in the resource's `root`.
    fn validate_into(
        &self,
        root: &Value,
        value: &Value,
        prefix: &str,
        problems: &mut Vec<(String, String)>,
    ) {
        let path = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            }
        };
        for removed in &self.removed {
            if removed.is_asked_for(value.get(removed.name)) {
                problems.push((path(removed.name), removed.error()));
            }
        }
        for attribute in &self.attributes {
            let v = value.get(attribute.name);
            if let Some(why) = attribute.not_supported {
                // Unknown counts as set: it is a value that infra would ignore once known.
                if !v.is_null() {
                    problems.push((
                        path(attribute.name),
                        not_supported_error(attribute.name, None, why),
                    ));
                }
                continue;
            }
            let related = relation_problem(root, &path(attribute.name), &attribute.relations);
            let follows_its_relations = related.is_none();
            problems.extend(related);
            if attribute.presence == Presence::Required && v.is_null() {
                problems.push((
                    path(attribute.name),
                    format!(
                        "The argument \"{}\" is required, but no definition was found.",
                        attribute.name
                    ),
                ));
                continue;
            }
            if v.is_null() || !v.is_wholly_known() {
                continue;
            }
            if let Some(message) = check_type(&attribute.ty, v.unmarked()) {
                problems.push((
                    path(attribute.name),
                    format!("Inappropriate value for attribute \"{}\": {message}.", attribute.name),
                ));
                continue;
            }
            // The SDK checks the value only when the argument breaks none of its relations.
            if !follows_its_relations {
                continue;
            }
            // A sensitive value is never echoed, not even in its own error.
            let secret = attribute.sensitive || v.contains_sensitive();
            for check in &attribute.checks {
                problems.extend(check_problems(
                    check,
                    attribute.name,
                    &path(attribute.name),
                    v.unmarked(),
                    secret,
                ));
            }
        }
        for block in &self.blocks {
            if let Some(why) = block.not_supported {
                let configured = value.get(block.name);
                if !configured.is_null() && configured.as_list().is_none_or(|i| !i.is_empty()) {
                    problems.push((path(block.name), not_supported_error(block.name, None, why)));
                }
                continue;
            }
            let items = value.get(block.name).as_list().unwrap_or(&[]);
            let related = relation_problem(root, &path(block.name), &block.relations);
            let follows_its_relations = related.is_none();
            problems.extend(related);
            if items.len() < block.min_items {
                problems.push((
                    path(block.name),
                    format!("At least {} \"{}\" block is required.", block.min_items, block.name),
                ));
            }
            if let Some(max) = block.max_items {
                if items.len() > max {
                    problems.push((
                        path(block.name),
                        format!("No more than {max} \"{}\" block is allowed.", block.name),
                    ));
                }
            }
            // Terraform checks the number of blocks; the SDK checks their contents only when
            // the block breaks none of its relations.
            let items = if follows_its_relations { items } else { &[] };
            for (i, item) in items.iter().enumerate() {
                block.schema.validate_into(
                    root,
                    item,
                    &format!("{}[{i}]", path(block.name)),
                    problems,
                );
            }
        }
    }

    /// Rewrites `value` so that equal meanings compare equal: sets and set blocks sorted,
    /// JSON strings canonical, CIDRs lower-case, numbers in strings left alone.
    pub fn normalize(&self, value: &mut Value) {
        let Some(entries) = value.map_mut() else {
            return;
        };
        if !self.timeouts.is_empty() {
            entries.entry("timeouts".to_string()).or_insert(Value::Null);
        }
        // What infra does not support is in every object all the same, as the provider
        // stores it unset.
        for attribute in self.attributes.iter().filter(|a| a.not_supported.is_some()) {
            entries.entry(attribute.name.to_string()).or_insert(Value::Null);
        }
        for block in self.blocks.iter().filter(|b| b.not_supported.is_some()) {
            entries.entry(block.name.to_string()).or_insert_with(|| block.absent());
        }
        for attribute in &self.attributes {
            if let Some(v) = entries.get_mut(attribute.name) {
                normalize_typed(&attribute.ty, v);
            }
        }
        for block in &self.blocks {
            if let Some(Value::List(items)) = entries.get_mut(block.name) {
                for item in items.iter_mut() {
                    block.schema.normalize(item);
                }
                if block.nesting == Nesting::Set {
                    items.sort_by_key(|a| a.to_json().to_string());
                }
            }
        }
    }
}

fn normalize_typed(ty: &Type, value: &mut Value) {
    match (ty, value) {
        (_, Value::Sensitive(inner)) => normalize_typed(ty, inner),
        (Type::Set(element), Value::List(items)) => {
            for item in items.iter_mut() {
                normalize_typed(element, item);
            }
            items.sort_by_key(|a| a.to_json().to_string());
            items.dedup();
        }
        (Type::List(element), Value::List(items)) => {
            for item in items.iter_mut() {
                normalize_typed(element, item);
            }
        }
        (Type::Map(element), Value::Map(entries)) => {
            for item in entries.values_mut() {
                normalize_typed(element, item);
            }
        }
        (Type::Json, Value::String(text)) => {
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
                *text = json.to_string();
            }
        }
        (Type::Number, v @ Value::String(_)) => {
            if let Some(n) = v.as_f64() {
                *v = Value::Number(n);
            }
        }
        (Type::Bool, v @ Value::String(_)) => {
            if let Some(b) = v.as_bool() {
                *v = Value::Bool(b);
            }
        }
        (Type::String, v @ (Value::Number(_) | Value::Bool(_))) => {
            *v = Value::String(match v {
                Value::Number(n) => crate::value::format_number(*n),
                Value::Bool(b) => b.to_string(),
                _ => unreachable!(),
            });
        }
        _ => {}
    }
}

fn check_type(ty: &Type, value: &Value) -> Option<String> {
    let ok = match (ty, value) {
        (_, Value::Null | Value::Unknown) | (Type::Any, _) => true,
        (Type::String | Type::Json, Value::String(_) | Value::Number(_) | Value::Bool(_)) => true,
        (Type::Number, v) => v.as_f64().is_some(),
        (Type::Bool, v) => v.as_bool().is_some(),
        (Type::List(element) | Type::Set(element), Value::List(items)) => {
            return items.iter().find_map(|item| check_type(element, item.unmarked()));
        }
        (Type::Map(element), Value::Map(entries)) => {
            return entries.values().find_map(|item| check_type(element, item.unmarked()));
        }
        _ => false,
    };
    if ok {
        None
    } else {
        Some(format!("{} required, got {}", type_label(ty), value.type_name()))
    }
}

fn type_label(ty: &Type) -> &'static str {
    match ty {
        Type::String | Type::Json => "string",
        Type::Number => "number",
        Type::Bool => "bool",
        Type::List(_) => "list",
        Type::Set(_) => "set",
        Type::Map(_) => "map",
        Type::Any => "any",
    }
}

/// The first problem of the argument at `at` under the provider's `relations`, as the SDK's
/// `validate` finds it: `ExactlyOneOf`, then `AtLeastOneOf`, whether the argument is set or
/// not; then `RequiredWith` when it is set, then `ConflictsWith` when it is set and known (the
/// first other key that is set and known). The SDK returns at the first rule that fails, and
/// checks the value only when none does. An unknown value counts as set for `AtLeastOneOf` and
/// `RequiredWith`, as neither set nor unset for `ExactlyOneOf`, and as no conflict yet.
fn relation_problem(root: &Value, at: &str, relations: &Relations) -> Option<(String, String)> {
    let key = sdk_key(at);
    let set = |key: &str| {
        let value = value_at(root, key);
        !value.is_null() && value.as_list().is_none_or(|items| !items.is_empty())
    };
    let known = |key: &str| value_at(root, key).is_wholly_known();
    // The SDK's allKeys: the rule's keys and the argument's own, sorted.
    let all_keys = |keys: &[&'static str]| {
        let mut all: Vec<&str> = keys.to_vec();
        all.push(&key);
        all.sort_unstable();
        all.dedup();
        all.join(",")
    };
    let problem = |message: String| Some((at.to_string(), message));
    if !relations.exactly_one_of.is_empty() {
        let all = all_keys(relations.exactly_one_of);
        let unknown = all.split(',').any(|k| set(k) && !known(k));
        let specified: Vec<&str> = all.split(',').filter(|k| set(k) && known(k)).collect();
        if specified.is_empty() && !unknown {
            return problem(format!("\"{key}\": one of `{all}` must be specified"));
        }
        if specified.len() > 1 {
            return problem(format!(
                "\"{key}\": only one of `{all}` can be specified, but `{}` were specified.",
                specified.join(",")
            ));
        }
    }
    if !relations.at_least_one_of.is_empty() {
        let all = all_keys(relations.at_least_one_of);
        if !all.split(',').any(set) {
            return problem(format!("\"{key}\": one of `{all}` must be specified"));
        }
    }
    if !set(&key) {
        return None;
    }
    if !relations.required_with.is_empty() {
        let all = all_keys(relations.required_with);
        if !all.split(',').all(set) {
            return problem(format!("\"{key}\": all of `{all}` must be specified"));
        }
    }
    if !known(&key) {
        return None;
    }
    // An argument never conflicts with itself (one list may serve a group of arguments).
    let other = relations
        .conflicts_with
        .iter()
        .filter(|other| **other != key)
        .find(|other| set(other) && known(other))?;
    problem(format!("\"{key}\": conflicts with {other}"))
}

/// The value at the SDK's `key` (`cpu_options.0.core_count`) in `root`; null when absent.
fn value_at<'a>(root: &'a Value, key: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    key.split('.')
        .try_fold(root.unmarked(), |value, part| {
            let next = match part.parse::<usize>() {
                Ok(index) => value.as_list()?.get(index)?,
                Err(_) => value.get(part),
            };
            Some(next.unmarked())
        })
        .unwrap_or(&NULL)
}

/// The key the Terraform plugin SDK names a value by in a check's message: the path with each
/// index as a part of its own (`ingress[0].protocol` is `ingress.0.protocol`), as its
/// `validateList` and `validateObject` build it.
fn sdk_key(at: &str) -> String {
    at.replace('[', ".").replace(']', "")
}

/// `validation.IsCIDRNetwork(min, max)` of `text`, the `key` argument: a block that does not
/// parse stops there; a block that is not its network's own address and a prefix length out of
/// the range are both reported.
/// `secret` keeps the value out of the messages.
fn cidr_network_problems(key: &str, text: &str, (min, max): (u8, u8), secret: bool) -> Vec<String> {
    let shown = if secret { "(sensitive value)" } else { text };
    let Some(cidr) = crate::cidr::Cidr::parse(text) else {
        return vec![format!(
            "expected {key} to contain a valid Value, got: {shown} with err: invalid CIDR address: {shown}"
        )];
    };
    let mut problems = Vec::new();
    let network = cidr.network_text();
    if network != text {
        let network = if secret { shown } else { &network };
        problems.push(format!(
            "expected {key} to contain a valid network Value, expected {network}, got {shown}"
        ));
    }
    if cidr.prefix < min || cidr.prefix > max {
        problems.push(format!(
            "expected \"{key}\" to contain a network Value with between {min} and {max} significant bits, got: {}",
            cidr.prefix
        ));
    }
    problems
}

/// A number as a check's message shows it: whole when it is whole, as Go's `%d` of the int the
/// SDK decoded.
fn number_text(value: &Value, n: f64) -> String {
    value.as_i64().map_or_else(|| n.to_string(), |whole| whole.to_string())
}

/// The problems `check` finds in the value of the attribute `name` at `at` (`ingress[0].port`),
/// as `(where, message)`. A check of a string checks a string, or each string of a list or set
/// on its own (at `at[1]`), as the SDK checks a list's elements; its messages are the
/// provider's (see [`Check`] for which name they give). `secret` keeps the value out of every
/// message.
fn check_problems(
    check: &Check,
    name: &str,
    at: &str,
    value: &Value,
    secret: bool,
) -> Vec<(String, String)> {
    let shown = |text: String| {
        if secret {
            "(sensitive value)".to_string()
        } else {
            text
        }
    };
    let strings: Vec<(String, &str)> = match value {
        Value::List(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| Some((format!("{at}[{i}]"), item.unmarked().as_str()?)))
            .collect(),
        other => other.as_str().map(|text| (at.to_string(), text)).into_iter().collect(),
    };
    let each_string = |problem: &dyn Fn(&str, &str) -> Option<String>| -> Vec<(String, String)> {
        strings
            .iter()
            .filter_map(|(at, text)| Some((at.clone(), problem(&sdk_key(at), text)?)))
            .collect()
    };
    match check {
        // enum.Validate and enum.ValidateIgnoreCase: validation.StringInSlice through the SDK's
        // ToDiagFunc, which names the attribute, not the whole key.
        Check::OneOf(options) | Check::OneOfAnyCase(options) => each_string(&|_, text| {
            let any_case = matches!(check, Check::OneOfAnyCase(_));
            let matches =
                |option: &&str| *option == text || any_case && option.eq_ignore_ascii_case(text);
            (!options.iter().any(matches)).then(|| {
                let quoted: Vec<String> = options.iter().map(|o| format!("{o:?}")).collect();
                format!(
                    "expected {name} to be one of [{}], got {}",
                    quoted.join(" "),
                    shown(text.to_string())
                )
            })
        }),
        // validation.StringLenBetween: Go's len counts bytes.
        Check::Length(min, max) => each_string(&|key, text| {
            (!(*min..=*max).contains(&text.len())).then(|| {
                format!(
                    "expected length of {key} to be in the range ({min} - {max}), got {}",
                    shown(text.to_string())
                )
            })
        }),
        // validation.StringMatch, with its message or its regular expression.
        Check::Matches(pattern) => each_string(&|key, text| {
            (!(pattern.test)(text)).then(|| match pattern.message {
                "" => format!(
                    "expected value of {key} to match regular expression {:?}, got {}",
                    pattern.expression,
                    shown(text.to_string())
                ),
                message => format!("invalid value for {key} ({message})"),
            })
        }),
        Check::Text(check) => each_string(&|key, text| {
            let message = (check.check)(key, text)?;
            // An empty string is nowhere to replace (and replacing "" would insert everywhere).
            Some(if secret && !text.is_empty() {
                message.replace(text, "(sensitive value)")
            } else {
                message
            })
        }),
        // validation.IntInSlice.
        Check::OneOfNumbers(options) => {
            let Some(n) = value.as_f64() else {
                return Vec::new();
            };
            if options.iter().any(|option| *option as f64 == n) {
                return Vec::new();
            }
            let listed: Vec<String> = options.iter().map(i64::to_string).collect();
            let (key, number) = (sdk_key(at), shown(number_text(value, n)));
            let message = format!(
                "expected {key} to be one of [{}], got {number}",
                listed.join(" ")
            );
            vec![(at.to_string(), message)]
        }
        // validation.IntBetween.
        Check::Range(low, high) => {
            let Some(n) = value.as_f64() else {
                return Vec::new();
            };
            if (*low as f64..=*high as f64).contains(&n) {
                return Vec::new();
            }
            let (key, number) = (sdk_key(at), shown(number_text(value, n)));
            let message = if *high == i64::MAX {
                // validation.IntAtLeast.
                format!("expected {key} to be at least ({low}), got {number}")
            } else {
                format!("expected {key} to be in the range ({low} - {high}), got {number}")
            };
            vec![(at.to_string(), message)]
        }
        // validation.IsCIDRNetwork: a block that does not parse stops there; a host address
        // and a prefix out of the range are both reported.
        Check::CidrNetwork(min, max) => strings
            .iter()
            .flat_map(|(at, text)| {
                let problems = cidr_network_problems(&sdk_key(at), text, (*min, *max), secret);
                problems.into_iter().map(|message| (at.clone(), message))
            })
            .collect(),
        // infra's own checks, in its own words.
        Check::Cidr => value
            .as_str()
            .filter(|text| crate::cidr::parse_ipv4_cidr(text).is_none())
            .map(|text| {
                let text = shown(format!("\"{text}\""));
                let message = format!("Invalid value for \"{name}\": {text} is not a valid IPv4 CIDR block (expected e.g. \"10.0.0.0/16\").");
                (at.to_string(), message)
            })
            .into_iter()
            .collect(),
        Check::Port => {
            let Some(n) = value.as_i64() else {
                return Vec::new();
            };
            if (-1..=65535).contains(&n) {
                return Vec::new();
            }
            vec![(
                at.to_string(),
                format!(
                    "Invalid value for \"{name}\": port {} is outside 0-65535.",
                    shown(n.to_string())
                ),
            )]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `validation.IsCIDRNetwork`, in its words: an IPv4 or IPv6 network address with a
    /// prefix in the range; a host address and a prefix out of range both reported.
    #[test]
    fn cidr_networks_are_checked_as_the_sdk_checks_them() {
        let problems = |text: &str| cidr_network_problems("k", text, (0, 32), false);
        for good in ["10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "192.168.1.128/25"] {
            assert_eq!(problems(good), Vec::<String>::new(), "{good}");
        }
        assert_eq!(
            problems("10.0.0.1/8"),
            ["expected k to contain a valid network Value, expected 10.0.0.0/8, got 10.0.0.1/8"]
        );
        assert_eq!(
            problems("2001:db8::1/64"),
            [
                "expected k to contain a valid network Value, expected 2001:db8::/64, got 2001:db8::1/64",
                "expected \"k\" to contain a network Value with between 0 and 32 significant bits, got: 64",
            ]
        );
        // An IPv4-mapped block is written as Go writes it: the IPv4 network.
        assert_eq!(
            problems("::ffff:10.0.0.0/104"),
            [
                "expected k to contain a valid network Value, expected 10.0.0.0/8, got ::ffff:10.0.0.0/104",
                "expected \"k\" to contain a network Value with between 0 and 32 significant bits, got: 104",
            ]
        );
        assert_eq!(
            cidr_network_problems("k", "10.0.0.1/8", (0, 32), true),
            ["expected k to contain a valid network Value, expected (sensitive value), got (sensitive value)"]
        );
        for invalid in ["10.0.0.0", "10.0.0.0/33", "nonsense/8", "", "10.0.0.0/+8"] {
            assert_eq!(
                problems(invalid),
                [format!("expected k to contain a valid Value, got: {invalid} with err: invalid CIDR address: {invalid}")],
                "{invalid}"
            );
        }
        let schema = Schema::new().attr(
            Attribute::optional("cidr_block", Type::String).check(Check::CidrNetwork(16, 28)),
        );
        let config = Value::map([("cidr_block", Value::string("10.0.0.0/8"))]);
        assert_eq!(
            schema.validate(&config),
            [(
                "cidr_block".to_string(),
                "expected \"cidr_block\" to contain a network Value with between 16 and 28 significant bits, got: 8"
                    .to_string()
            )]
        );
    }

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::required("cidr_block", Type::String).check(Check::Cidr))
            .attr(Attribute::optional("ids", Type::set(Type::String)))
            .block(Block::set(
                "ingress",
                Schema::new()
                    .attr(Attribute::required("from_port", Type::Number).check(Check::Port)),
            ))
    }

    #[test]
    fn validation_names_the_path() {
        let value = Value::map([
            ("cidr_block", Value::string("10.0.0.0/33")),
            ("ingress", Value::List(vec![Value::map([("from_port", Value::Number(70000.0))])])),
        ]);
        let problems = schema().validate(&value);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].0, "cidr_block");
        assert_eq!(problems[1].0, "ingress[0].from_port");
        let missing = schema().validate(&Value::map([("ids", Value::List(vec![]))]));
        assert_eq!(missing[0].0, "cidr_block");
    }

    #[test]
    fn one_of_words_its_problem_as_the_sdk_for_a_string_and_each_listed_string() {
        let schema = Schema::new()
            .attr(Attribute::optional("mode", Type::String).check(Check::OneOf(&["a", "b"])))
            .block(Block::list(
                "rule",
                Schema::new().attr(
                    Attribute::optional("events", Type::set(Type::String))
                        .check(Check::OneOf(&["start"])),
                ),
            ));
        let problems = schema.validate(&Value::map([
            ("mode", Value::string("c")),
            (
                "rule",
                Value::List(vec![Value::map([(
                    "events",
                    Value::List(vec![Value::string("start"), Value::string("stop")]),
                )])]),
            ),
        ]));
        assert_eq!(
            problems,
            [
                ("mode".to_string(), r#"expected mode to be one of ["a" "b"], got c"#.to_string()),
                (
                    "rule[0].events[1]".to_string(),
                    r#"expected events to be one of ["start"], got stop"#.to_string()
                ),
            ]
        );
    }

    #[test]
    fn several_checks_each_report_as_validation_all_does() {
        const LOWERCASE: Pattern = Pattern {
            expression: "^[a-z]*$",
            test: |text| text.bytes().all(|b| b.is_ascii_lowercase()),
            message: "must contain only lowercase letters",
        };
        let schema = Schema::new().block(Block::list(
            "rule",
            Schema::new().attr(
                Attribute::optional("id", Type::String)
                    .check(Check::Length(1, 3))
                    .check(Check::Matches(LOWERCASE)),
            ),
        ));
        let rule = |id: &str| Value::map([("id", Value::string(id))]);
        let problems =
            schema.validate(&Value::map([("rule", Value::List(vec![rule("ok"), rule("Long")]))]));
        assert_eq!(
            problems,
            [
                (
                    "rule[1].id".to_string(),
                    "expected length of rule.1.id to be in the range (1 - 3), got Long".to_string()
                ),
                (
                    "rule[1].id".to_string(),
                    "invalid value for rule.1.id (must contain only lowercase letters)".to_string()
                ),
            ]
        );
    }

    #[test]
    fn an_argument_reports_its_first_broken_relation_and_then_no_check() {
        let schema = Schema::new()
            .attr(
                Attribute::optional("a", Type::String)
                    .check(Check::Length(1, 3))
                    .exactly_one_of(&["b"])
                    .conflicts_with(&["b"]),
            )
            .attr(Attribute::optional("b", Type::String));
        let both = Value::map([("a", Value::string("long")), ("b", Value::string("x"))]);
        assert_eq!(
            schema.validate(&both),
            [(
                "a".to_string(),
                "\"a\": only one of `a,b` can be specified, but `a,b` were specified.".to_string()
            )]
        );
        let alone = Value::map([("a", Value::string("long"))]);
        assert_eq!(
            schema.validate(&alone),
            [(
                "a".to_string(),
                "expected length of a to be in the range (1 - 3), got long".to_string()
            )]
        );
    }

    #[test]
    fn conflicting_arguments_are_refused_as_the_sdk_refuses_them() {
        let schema = Schema::new()
            .attr(Attribute::optional("name", Type::String).conflicts_with(&["name_prefix"]))
            .attr(Attribute::optional("name_prefix", Type::String).conflicts_with(&["name"]))
            .attr(
                Attribute::optional("cores", Type::Number)
                    .conflicts_with(&["cpu_options.0.core_count"]),
            )
            .block(
                Block::single(
                    "cpu_options",
                    Schema::new().attr(Attribute::optional("core_count", Type::Number)),
                )
                .conflicts_with(&["name"]),
            );
        let problems = |entries: Vec<(&str, Value)>| schema.validate(&Value::map(entries));
        assert!(problems(vec![("name", Value::string("a"))]).is_empty());
        let cpu = |count: Value| Value::List(vec![Value::map([("core_count", count)])]);
        assert_eq!(
            problems(vec![
                ("name", Value::string("a")),
                ("name_prefix", Value::string("b")),
                ("cores", Value::Number(2.0)),
                ("cpu_options", cpu(Value::Number(2.0))),
            ]),
            [
                ("name", "\"name\": conflicts with name_prefix"),
                ("name_prefix", "\"name_prefix\": conflicts with name"),
                ("cores", "\"cores\": conflicts with cpu_options.0.core_count"),
                ("cpu_options", "\"cpu_options\": conflicts with name"),
            ]
            .map(|(at, message)| (at.to_string(), message.to_string()))
        );
        // An unknown value may turn out unset: neither side is refused yet.
        assert!(problems(vec![
            ("name", Value::Unknown),
            ("name_prefix", Value::string("b")),
            ("cores", Value::Number(2.0)),
            ("cpu_options", cpu(Value::Unknown)),
        ])
        .is_empty());
    }

    #[test]
    fn exactly_one_at_least_one_and_required_with_are_worded_as_the_sdk() {
        let schema = Schema::new()
            .attr(Attribute::optional("ami", Type::String).at_least_one_of(&["template"]))
            .attr(Attribute::optional("file", Type::String).exactly_one_of(&["bucket", "image"]))
            .attr(Attribute::optional("image", Type::String).exactly_one_of(&["bucket", "file"]))
            .attr(Attribute::optional("bucket", Type::String).required_with(&["key"]))
            .attr(Attribute::optional("key", Type::String))
            .attr(Attribute::optional("template", Type::String));
        let problems = |entries: Vec<(&str, Value)>| schema.validate(&Value::map(entries));
        assert_eq!(
            problems(vec![]),
            [
                ("ami", "\"ami\": one of `ami,template` must be specified"),
                ("file", "\"file\": one of `bucket,file,image` must be specified"),
                ("image", "\"image\": one of `bucket,file,image` must be specified"),
            ]
            .map(|(at, message)| (at.to_string(), message.to_string()))
        );
        assert_eq!(
            problems(vec![
                ("template", Value::string("t")),
                ("file", Value::string("f")),
                ("bucket", Value::string("b")),
            ]),
            [
                (
                    "file",
                    "\"file\": only one of `bucket,file,image` can be specified, but \
                     `bucket,file` were specified."
                ),
                (
                    "image",
                    "\"image\": only one of `bucket,file,image` can be specified, but \
                     `bucket,file` were specified."
                ),
                ("bucket", "\"bucket\": all of `bucket,key` must be specified"),
            ]
            .map(|(at, message)| (at.to_string(), message.to_string()))
        );
        // An unknown one: maybe the one, so no problem yet; and set, for the others.
        assert!(problems(vec![
            ("ami", Value::Unknown),
            ("image", Value::Unknown),
            ("bucket", Value::string("b")),
            ("key", Value::Unknown),
        ])
        .is_empty());
    }

    #[test]
    fn a_check_never_echoes_a_sensitive_value() {
        let schema = Schema::new()
            .attr(
                Attribute::optional("password", Type::String)
                    .sensitive()
                    .check(Check::OneOf(&["a", "b"])),
            )
            .attr(Attribute::optional("mode", Type::String).check(Check::OneOf(&["x"])));
        let problems = schema.validate(&Value::map([
            ("password", Value::string("hunter2")),
            ("mode", Value::Sensitive(Box::new(Value::string("s3cret")))),
        ]));
        assert_eq!(problems.len(), 2, "{problems:?}");
        for (_, message) in &problems {
            assert!(!message.contains("hunter2") && !message.contains("s3cret"), "{message}");
            assert!(
                message.ends_with("got (sensitive value)") && message.contains("to be one of"),
                "{message}"
            );
        }
    }

    #[test]
    fn a_text_check_gives_its_own_message_for_a_string_and_each_listed_string() {
        fn has_x(name: &str, text: &str) -> Option<String> {
            text.contains('x').then(|| format!("\"{name}\" ({text}) has an x"))
        }
        let no_x = TextCheck { name: "no x", check: has_x };
        let schema = Schema::new()
            .attr(Attribute::optional("one", Type::String).check(Check::Text(no_x)))
            .attr(Attribute::optional("many", Type::list(Type::String)).check(Check::Text(no_x)))
            .attr(Attribute::optional("secret", Type::String).sensitive().check(Check::Text(no_x)))
            .block(Block::list(
                "inner",
                Schema::new()
                    .attr(Attribute::optional("one", Type::String).check(Check::Text(no_x))),
            ));
        let problems = schema.validate(&Value::map([
            ("one", Value::string("ax")),
            (
                "many",
                Value::List(vec![Value::string("b"), Value::string("cx"), Value::string("dx")]),
            ),
            ("secret", Value::string("xyz")),
            ("inner", Value::List(vec![Value::map([("one", Value::string("ex"))])])),
        ]));
        assert_eq!(
            problems,
            vec![
                ("one".to_string(), "\"one\" (ax) has an x".to_string()),
                ("many[1]".to_string(), "\"many.1\" (cx) has an x".to_string()),
                ("many[2]".to_string(), "\"many.2\" (dx) has an x".to_string()),
                ("secret".to_string(), "\"secret\" ((sensitive value)) has an x".to_string()),
                ("inner[0].one".to_string(), "\"inner.0.one\" (ex) has an x".to_string()),
            ]
        );
        assert!(schema.validate(&Value::map([("one", Value::string("fine"))])).is_empty());
        // A secret empty string leaves the message as the check wrote it.
        let not_empty = TextCheck {
            name: "not empty",
            check: |name, text| text.is_empty().then(|| format!("\"{name}\" is empty")),
        };
        let secret = Schema::new().attr(
            Attribute::optional("token", Type::String).sensitive().check(Check::Text(not_empty)),
        );
        assert_eq!(
            secret.validate(&Value::map([("token", Value::string(""))]))[0].1,
            "\"token\" is empty"
        );
    }

    #[test]
    fn lengths_are_checked_in_terraforms_words() {
        let schema = Schema::new()
            .attr(Attribute::optional("name", Type::String).check(Check::Length(1, 3)))
            .attr(
                Attribute::optional("token", Type::String).sensitive().check(Check::Length(0, 2)),
            );
        let problems = |name: &str| schema.validate(&Value::map([("name", Value::string(name))]));
        assert!(problems("abc").is_empty());
        assert_eq!(
            problems("abcd"),
            [(
                "name".to_string(),
                "expected length of name to be in the range (1 - 3), got abcd".to_string()
            )]
        );
        assert_eq!(problems("")[0].0, "name");
        // Bytes, as Go's len counts them: "é" is two.
        assert!(problems("é").is_empty());
        assert_eq!(problems("éé").len(), 1);
        let secret = schema.validate(&Value::map([("token", Value::string("hunter2"))]));
        assert_eq!(
            secret[0].1,
            "expected length of token to be in the range (0 - 2), got (sensitive value)"
        );
    }

    #[test]
    fn ranges_check_fractions_and_huge_numbers_too() {
        let schema = Schema::new()
            .attr(Attribute::optional("minutes", Type::Number).check(Check::Range(0, 1440)));
        let problems = |n: f64| schema.validate(&Value::map([("minutes", Value::Number(n))]));
        assert!(problems(1.5).is_empty());
        assert!(problems(1e300)[0]
            .1
            .starts_with("expected minutes to be in the range (0 - 1440), got 1000"));
        assert!(problems(1440.5)[0].1.ends_with("(0 - 1440), got 1440.5"));
        assert_eq!(
            problems(2000.0)[0].1,
            "expected minutes to be in the range (0 - 1440), got 2000"
        );
        let at_least = Schema::new()
            .attr(Attribute::optional("days", Type::Number).check(Check::Range(0, i64::MAX)));
        assert_eq!(
            at_least.validate(&Value::map([("days", Value::Number(-1.0))]))[0].1,
            "expected days to be at least (0), got -1"
        );
    }

    #[test]
    fn closed_sets_of_numbers_and_of_strings_in_any_case() {
        let schema = Schema::new()
            .attr(
                Attribute::optional("interval", Type::Number).check(Check::OneOfNumbers(&[10, 30])),
            )
            .attr(
                Attribute::optional("protocol", Type::String).check(Check::OneOfAnyCase(&["HTTP"])),
            );
        let problems = |interval: f64, protocol: &str| {
            schema.validate(&Value::map([
                ("interval", Value::Number(interval)),
                ("protocol", Value::string(protocol)),
            ]))
        };
        assert!(problems(30.0, "http").is_empty());
        assert_eq!(
            problems(20.0, "tcp"),
            [
                (
                    "interval".to_string(),
                    "expected interval to be one of [10 30], got 20".to_string()
                ),
                (
                    "protocol".to_string(),
                    r#"expected protocol to be one of ["HTTP"], got tcp"#.to_string()
                ),
            ]
        );
    }

    fn with_not_supported() -> Schema {
        Schema::new()
            .attr(Attribute::required("name", Type::String))
            .not_supported("zonal_shift", Type::Bool, "set it outside infra")
            .not_supported("connection_logs", Nesting::List, "set it outside infra")
            .not_supported("health", Nesting::Single, "set it outside infra")
            .block(Block::list(
                "action",
                Schema::new().attr(Attribute::required("type", Type::String)).not_supported(
                    "jwt_validation",
                    Nesting::List,
                    "use a Lambda",
                ),
            ))
    }

    #[test]
    fn a_not_supported_argument_is_an_error_when_set_and_null_when_not() {
        let schema = with_not_supported();
        let unset =
            Value::map([("name", Value::string("a")), ("connection_logs", Value::List(vec![]))]);
        assert_eq!(schema.validate(&unset), vec![]);

        let set = Value::map([
            ("name", Value::string("a")),
            ("zonal_shift", Value::Bool(false)),
            ("connection_logs", Value::List(vec![Value::Map(Default::default())])),
            ("health", Value::Unknown),
            (
                "action",
                Value::List(vec![Value::map([
                    ("type", Value::string("forward")),
                    ("jwt_validation", Value::List(vec![Value::Map(Default::default())])),
                ])]),
            ),
        ]);
        let problems = schema.validate(&set);
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["zonal_shift", "connection_logs", "health", "action[0].jwt_validation"]);
        assert!(
            problems[0]
                .1
                .starts_with("infra does not support \"zonal_shift\" of this resource type yet: set it outside infra."),
            "{}",
            problems[0].1
        );

        // Every object holds them as the provider stores them unset.
        let mut stored = Value::map([
            ("name", Value::string("a")),
            ("action", Value::List(vec![Value::map([("type", Value::string("forward"))])])),
        ]);
        schema.normalize(&mut stored);
        assert_eq!(stored.get("zonal_shift"), &Value::Null);
        assert_eq!(stored.get("connection_logs"), &Value::List(vec![]));
        assert_eq!(stored.get("health"), &Value::Null);
        assert!(stored.as_map().unwrap().contains_key("health"));
        assert_eq!(
            stored.get("action").as_list().unwrap()[0].get("jwt_validation"),
            &Value::List(vec![])
        );

        // A value a Terraform state holds is kept through a read.
        let prior = Value::map([("zonal_shift", Value::Bool(true))]);
        schema.keep_not_supported(&prior, &mut stored);
        assert_eq!(stored.get("zonal_shift"), &Value::Bool(true));
        assert_eq!(stored.get("connection_logs"), &Value::List(vec![]));
    }

    #[test]
    fn a_not_supported_argument_is_in_the_providers_schema_json() {
        let json = with_not_supported().to_terraform_json();
        assert_eq!(
            json["block"]["attributes"]["zonal_shift"],
            serde_json::json!({"type": "bool", "optional": true})
        );
        assert_eq!(json["block"]["block_types"]["connection_logs"]["nesting_mode"], "list");
        assert_eq!(json["block"]["block_types"]["health"]["nesting_mode"], "single");
        assert_eq!(
            json["block"]["block_types"]["action"]["block"]["block_types"]["jwt_validation"]
                ["nesting_mode"],
            "list"
        );
    }

    /// A block the provider declares as an attribute of a list or set of objects is one in
    /// the schema JSON, as `terraform providers schema -json` prints the provider's.
    #[test]
    fn an_attribute_mode_block_is_an_attribute_in_the_schema_json() {
        let rule = Schema::new()
            .attr(Attribute::optional("from_port", Type::Number))
            .attr(Attribute::optional("cidr_blocks", Type::list(Type::String)));
        let json = Schema::new()
            .block(Block::set("ingress", rule.clone()).computed().attribute_mode())
            .block(Block::list("rule", rule))
            .to_terraform_json();
        assert_eq!(
            json["block"]["attributes"]["ingress"],
            serde_json::json!({
                "type": ["set", ["object", {"cidr_blocks": ["list", "string"], "from_port": "number"}]],
                "optional": true,
                "computed": true,
            })
        );
        assert!(json["block"]["block_types"].get("ingress").is_none());
        assert_eq!(json["block"]["block_types"]["rule"]["nesting_mode"], "list");
    }

    #[test]
    fn normalize_sorts_sets() {
        let mut a = Value::map([
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("ids", Value::List(vec![Value::string("b"), Value::string("a")])),
        ]);
        schema().normalize(&mut a);
        assert_eq!(a.get("ids"), &Value::List(vec![Value::string("a"), Value::string("b")]));
    }
}
