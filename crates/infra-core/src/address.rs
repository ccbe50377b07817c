//! Resource addresses: `module.net.aws_subnet.private[0]`, `data.aws_region.current`.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
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
        Address {
            resource: self.clone(),
            key,
        }
    }

    /// `module.a.module.b` or the empty string for the root module.
    pub fn module_address(&self) -> String {
        module_address(&self.module)
    }
}

pub fn module_address(module: &[String]) -> String {
    module
        .iter()
        .map(|m| format!("module.{m}"))
        .collect::<Vec<_>>()
        .join(".")
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        if self.mode == Mode::Data {
            f.write_str("data.")?;
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

impl std::str::FromStr for Address {
    type Err = AddressParseError;

    fn from_str(text: &str) -> Result<Address, AddressParseError> {
        let error = || AddressParseError(text.to_string());
        let (body, key) = match text.find('[') {
            Some(open) if text.ends_with(']') => {
                let inner = &text[open + 1..text.len() - 1];
                let key = if let Ok(i) = inner.parse::<i64>() {
                    InstanceKey::Index(i)
                } else if inner.len() >= 2 && inner.starts_with('"') && inner.ends_with('"') {
                    InstanceKey::Key(inner[1..inner.len() - 1].to_string())
                } else {
                    return Err(error());
                };
                (&text[..open], Some(key))
            }
            Some(_) => return Err(error()),
            None => (text, None),
        };
        let parts: Vec<&str> = body.split('.').collect();
        let mut module = Vec::new();
        let mut i = 0;
        while i + 1 < parts.len() && parts[i] == "module" {
            module.push(parts[i + 1].to_string());
            i += 2;
        }
        let mut mode = Mode::Managed;
        if parts.get(i) == Some(&"data") {
            mode = Mode::Data;
            i += 1;
        }
        if parts.len() != i + 2 || parts[i].is_empty() || parts[i + 1].is_empty() {
            return Err(error());
        }
        let valid = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if !valid(parts[i]) || !valid(parts[i + 1]) {
            return Err(error());
        }
        Ok(Address {
            resource: ResourceId {
                module,
                mode,
                resource_type: parts[i].to_string(),
                name: parts[i + 1].to_string(),
            },
            key,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        for text in [
            "aws_vpc.main",
            "aws_subnet.private[0]",
            "aws_subnet.private[\"a\"]",
            "module.net.aws_vpc.main",
            "data.aws_region.current",
            "module.a.module.b.data.aws_region.current",
        ] {
            let address: Address = text.parse().unwrap();
            assert_eq!(address.to_string(), text);
        }
        assert!("aws_vpc".parse::<Address>().is_err());
        assert!("aws_vpc.main[x]".parse::<Address>().is_err());
    }
}
