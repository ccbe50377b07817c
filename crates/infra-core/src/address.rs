//! Resource addresses: `module.net.aws_subnet.private[0]`, `data.aws_region.current`, and the
//! patterns that `moved`, `removed` and `state mv` name.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
    /// An `ephemeral` block (Terraform 1.10): opened when planned and applied, never stored
    /// in the plan or the state.
    Ephemeral,
}

impl Mode {
    /// The word an address of this mode starts with (`data.aws_region.current`), and the
    /// name the state and plan files give the mode (`"managed"` for none).
    pub fn keyword(self) -> Option<&'static str> {
        match self {
            Mode::Managed => None,
            Mode::Data => Some("data"),
            Mode::Ephemeral => Some("ephemeral"),
        }
    }

    /// Terraform's name of the mode in its JSON formats: `managed`, `data`, `ephemeral`.
    pub fn json_name(self) -> &'static str {
        self.keyword().unwrap_or("managed")
    }
}

/// The key of one instance of a resource with `count` or `for_each`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    Index(i64),
    Key(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Index(i) => write!(f, "[{i}]"),
            InstanceKey::Key(k) => write!(f, "[{k:?}]"),
        }
    }
}

/// A resource block in a module, before `count`/`for_each` expansion:
/// `module.net.aws_subnet.private`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId {
    /// Module call names from the root, e.g. `["net"]` for `module.net`.
    pub module: Vec<String>,
    pub mode: Mode,
    pub resource_type: String,
    pub name: String,
}

impl ResourceId {
    pub fn managed(resource_type: &str, name: &str) -> ResourceId {
        ResourceId {
            module: vec![],
            mode: Mode::Managed,
            resource_type: resource_type.into(),
            name: name.into(),
        }
    }

    pub fn instance(&self, key: Option<InstanceKey>) -> Address {
        Address { resource: self.clone(), key }
    }

    /// `module.a.module.b` or the empty string for the root module.
    pub fn module_address(&self) -> String {
        module_address(&self.module)
    }

    /// Terraform's config resource address of the block: without the instance keys of its
    /// module calls (`module.net.aws_subnet.private`), as the state records dependencies.
    pub fn config_resource(&self) -> String {
        let mut text = String::new();
        for module in &self.module {
            let name = module.split('[').next().unwrap_or(module);
            text.push_str(&format!("module.{name}."));
        }
        if self.mode == Mode::Data {
            text.push_str("data.");
        }
        text.push_str(&format!("{}.{}", self.resource_type, self.name));
        text
    }
}

/// Dependencies as Terraform records and prints them: the config resource address of each
/// ([`ResourceId::config_resource`]), sorted and without repeats. Terraform's reader refuses an
/// instance key here.
pub fn config_resources(dependencies: &[Address]) -> Vec<String> {
    let mut out: Vec<String> =
        dependencies.iter().map(|address| address.resource.config_resource()).collect();
    out.sort();
    out.dedup();
    out
}

pub fn module_address(module: &[String]) -> String {
    module.iter().map(|m| format!("module.{m}")).collect::<Vec<_>>().join(".")
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        if let Some(keyword) = self.mode.keyword() {
            write!(f, "{keyword}.")?;
        }
        write!(f, "{}.{}", self.resource_type, self.name)
    }
}

/// One resource instance: `aws_subnet.private[0]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    pub resource: ResourceId,
    pub key: Option<InstanceKey>,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.resource)?;
        if let Some(key) = &self.key {
            write!(f, "{key}")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("invalid resource address `{0}`: expected e.g. `aws_vpc.main`, `aws_subnet.x[0]` or `module.m.aws_vpc.main`")]
pub struct AddressParseError(pub String);

/// One `name` or `name[key]` step of an address.
type Step = (String, Option<InstanceKey>);

/// Splits `module.m["a.b"].aws_x.y[0]` into its steps, keeping keys (which may hold dots
/// and brackets inside their quotes) whole.
fn steps(text: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '.' || c == '[' {
                break;
            }
            name.push(c);
            chars.next();
        }
        let valid = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return None;
        }
        let mut key = None;
        if chars.peek() == Some(&'[') {
            chars.next();
            let mut inner = String::new();
            let mut in_quotes = false;
            let mut escaped = false;
            loop {
                let c = chars.next()?;
                if in_quotes {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_quotes = false;
                    }
                } else if c == '"' {
                    in_quotes = true;
                } else if c == ']' {
                    break;
                }
                inner.push(c);
            }
            key = Some(if let Ok(i) = inner.parse::<i64>() {
                InstanceKey::Index(i)
            } else if inner.len() >= 2 && inner.starts_with('"') && inner.ends_with('"') {
                InstanceKey::Key(inner[1..inner.len() - 1].replace("\\\"", "\""))
            } else {
                return None;
            });
        }
        steps.push((name, key));
        match chars.next() {
            None => return Some(steps),
            Some('.') => continue,
            Some(_) => return None,
        }
    }
}

/// The module path at the start of `steps` (`module.a.module.b[0]` → `["a", "b[0]"]`), and
/// how many steps it used. A module instance step is kept as it is written, `name[key]`.
fn module_path(steps: &[Step]) -> (Vec<String>, usize) {
    let mut path = Vec::new();
    let mut i = 0;
    while i + 1 < steps.len() && steps[i].0 == "module" && steps[i].1.is_none() {
        let (name, key) = &steps[i + 1];
        path.push(match key {
            Some(key) => format!("{name}{key}"),
            None => name.clone(),
        });
        i += 2;
    }
    (path, i)
}

impl std::str::FromStr for Address {
    type Err = AddressParseError;

    fn from_str(text: &str) -> Result<Address, AddressParseError> {
        let error = || AddressParseError(text.to_string());
        let steps = steps(text).ok_or_else(error)?;
        let (module, mut i) = module_path(&steps);
        let mut mode = Mode::Managed;
        for keyed in [Mode::Data, Mode::Ephemeral] {
            if steps
                .get(i)
                .is_some_and(|(name, key)| Some(name.as_str()) == keyed.keyword() && key.is_none())
            {
                mode = keyed;
                i += 1;
                break;
            }
        }
        let [(resource_type, None), (name, key)] = &steps[i..] else {
            return Err(error());
        };
        Ok(Address {
            resource: ResourceId {
                module,
                mode,
                resource_type: resource_type.clone(),
                name: name.clone(),
            },
            key: key.clone(),
        })
    }
}

impl Address {
    /// True when `self` names `other` or a resource containing it (`aws_subnet.x` matches
    /// `aws_subnet.x[1]`), as `-target` expects.
    pub fn contains(&self, other: &Address) -> bool {
        self.resource == other.resource && (self.key.is_none() || self.key == other.key)
    }
}

/// What a `moved`, `removed` or `state mv` endpoint names: a whole module call, a resource
/// (every instance), or one instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressPattern {
    Module(Vec<String>),
    Resource(ResourceId),
    Instance(Address),
}

impl fmt::Display for AddressPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressPattern::Module(path) => f.write_str(&module_address(path)),
            AddressPattern::Resource(id) => write!(f, "{id}"),
            AddressPattern::Instance(address) => write!(f, "{address}"),
        }
    }
}

impl std::str::FromStr for AddressPattern {
    type Err = AddressParseError;

    fn from_str(text: &str) -> Result<AddressPattern, AddressParseError> {
        let steps = steps(text).ok_or_else(|| AddressParseError(text.to_string()))?;
        let (path, used) = module_path(&steps);
        if used == steps.len() && !path.is_empty() {
            return Ok(AddressPattern::Module(path));
        }
        let address: Address = text.parse()?;
        Ok(match address.key {
            None => AddressPattern::Resource(address.resource),
            Some(_) => AddressPattern::Instance(address),
        })
    }
}

impl AddressPattern {
    /// The same pattern seen from the root, for a block written inside module `prefix`.
    pub fn in_module(self, prefix: &[String]) -> AddressPattern {
        let with = |path: &[String]| [prefix, path].concat();
        match self {
            AddressPattern::Module(path) => AddressPattern::Module(with(&path)),
            AddressPattern::Resource(mut id) => {
                id.module = with(&id.module);
                AddressPattern::Resource(id)
            }
            AddressPattern::Instance(mut address) => {
                address.resource.module = with(&address.resource.module);
                AddressPattern::Instance(address)
            }
        }
    }

    /// Whether `address` is named by this pattern.
    pub fn matches(&self, address: &Address) -> bool {
        match self {
            AddressPattern::Module(path) => address.resource.module.starts_with(path),
            AddressPattern::Resource(id) => &address.resource == id,
            AddressPattern::Instance(instance) => instance == address,
        }
    }

    /// Where `address` (named by `self`) goes when `self` moves to `to`; `None` when the two
    /// endpoints are of different kinds, which Terraform refuses.
    pub fn rewrite(&self, to: &AddressPattern, address: &Address) -> Option<Address> {
        match (self, to) {
            (AddressPattern::Module(from), AddressPattern::Module(to)) => {
                let mut moved = address.clone();
                moved.resource.module =
                    [to.as_slice(), &address.resource.module[from.len()..]].concat();
                Some(moved)
            }
            (AddressPattern::Resource(_), AddressPattern::Resource(to)) => {
                Some(Address { resource: to.clone(), key: address.key.clone() })
            }
            (AddressPattern::Instance(_), AddressPattern::Instance(to)) => Some(to.clone()),
            // `aws_x.a` ↔ `aws_x.b[0]`: a resource without count and one of its instances.
            (AddressPattern::Resource(_), AddressPattern::Instance(to))
                if address.key.is_none() =>
            {
                Some(to.clone())
            }
            (AddressPattern::Instance(_), AddressPattern::Resource(to)) => {
                Some(Address { resource: to.clone(), key: None })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_move_modules_resources_and_instances() {
        let pattern = |text: &str| text.parse::<AddressPattern>().unwrap();
        let address = |text: &str| text.parse::<Address>().unwrap();
        assert_eq!(pattern("module.a"), AddressPattern::Module(vec!["a".into()]));
        let moved = pattern("module.a")
            .rewrite(&pattern("module.b.module.c"), &address("module.a.test_network.x[1]"));
        assert_eq!(moved.unwrap().to_string(), "module.b.module.c.test_network.x[1]");
        let moved = pattern("test_database.old")
            .rewrite(&pattern("test_database.new"), &address("test_database.old"));
        assert_eq!(moved.unwrap().to_string(), "test_database.new");
        let moved = pattern("test_network.x")
            .rewrite(&pattern("test_network.x[0]"), &address("test_network.x"));
        assert_eq!(moved.unwrap().to_string(), "test_network.x[0]");
        let moved = pattern("test_network.x[\"a\"]")
            .rewrite(&pattern("test_network.y"), &address("test_network.x[\"a\"]"));
        assert_eq!(moved.unwrap().to_string(), "test_network.y");
        assert!(pattern("module.a")
            .rewrite(&pattern("test_network.y"), &address("module.a.test_network.x"))
            .is_none());
        assert!(pattern("test_network.x")
            .in_module(&["m".into()])
            .matches(&address("module.m.test_network.x[3]")));
    }

    #[test]
    fn parse_and_display() {
        for text in [
            "test_network.main",
            "test_subnet.private[0]",
            "test_subnet.private[\"a\"]",
            "module.net.test_network.main",
            "data.test_region.current",
            "module.a.module.b.data.test_region.current",
            "ephemeral.test_password.db",
            "module.a.ephemeral.test_password.db[0]",
        ] {
            let address: Address = text.parse().unwrap();
            assert_eq!(address.to_string(), text);
        }
        let ephemeral: Address = "ephemeral.test_password.db".parse().unwrap();
        assert_eq!(ephemeral.resource.mode, Mode::Ephemeral);
        assert!("test_network".parse::<Address>().is_err());
        assert!("test_network.main[x]".parse::<Address>().is_err());
        let address: Address =
            "module.app[\"a.b\"].module.db[0].test_database.main[\"x]\"]".parse().unwrap();
        assert_eq!(address.resource.module, vec!["app[\"a.b\"]", "db[0]"]);
        assert_eq!(address.key, Some(InstanceKey::Key("x]".into())));
        assert_eq!(
            address.to_string(),
            "module.app[\"a.b\"].module.db[0].test_database.main[\"x]\"]"
        );
    }
}
