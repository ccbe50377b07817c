//! Module versions and version constraints, with Terraform's rules for modules (the
//! `hashicorp/go-version` semantics it uses for `module` blocks): `=` (or no operator), `!=`,
//! `>`, `>=`, `<`, `<=` and the pessimistic `~>`, comma-separated, all of which must hold.
//! `~>` lets only the right-most written component grow: `~> 6.0` is `>= 6.0.0, < 7.0.0`,
//! `~> 1.2.3` is `>= 1.2.3, < 1.3.0`. A prerelease version (`2.0.0-beta1`) is selected only when
//! a constraint names it exactly. This module does no IO.

use std::cmp::Ordering;
use std::fmt;

/// Why a version or a constraint could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("\"{text}\" is not a valid version: {reason}")]
    InvalidVersion { text: String, reason: String },
    #[error("\"{text}\" is not a valid version constraint: {reason}")]
    InvalidConstraint { text: String, reason: String },
}

/// A version number: numeric components (1.2.3; fewer are padded with zeros), an optional
/// prerelease (`-beta.1`) and build metadata (`+abc`, ignored when comparing).
#[derive(Debug, Clone)]
pub struct Version {
    segments: Vec<u64>,
    /// How many segments were written (`~> 6.0` has two).
    written: usize,
    prerelease: String,
    metadata: String,
    original: String,
}

impl Version {
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let invalid = |reason: &str| VersionError::InvalidVersion {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let trimmed = text.trim();
        let body = trimmed.strip_prefix('v').unwrap_or(trimmed);
        if body.is_empty() {
            return Err(invalid("it is empty"));
        }
        let (body, metadata) = match body.split_once('+') {
            Some((body, metadata)) => (body, metadata),
            None => (body, ""),
        };
        let (core, prerelease) = match body.split_once('-') {
            Some((core, prerelease)) => (core, prerelease),
            None => (body, ""),
        };
        let valid_identifiers = |part: &str| {
            part.split('.').all(|identifier| {
                !identifier.is_empty()
                    && identifier.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        };
        if body.contains('-') && (prerelease.is_empty() || !valid_identifiers(prerelease)) {
            return Err(invalid("the prerelease part is malformed"));
        }
        if trimmed.contains('+') && (metadata.is_empty() || !valid_identifiers(metadata)) {
            return Err(invalid("the build metadata is malformed"));
        }
        let mut segments = Vec::new();
        for part in core.split('.') {
            if part.is_empty() || !part.chars().all(|c| c.is_ascii_digit()) {
                return Err(invalid("each component must be a number"));
            }
            let number = part.parse::<u64>().map_err(|_| invalid("a component is too large"))?;
            segments.push(number);
        }
        if segments.len() > 3 {
            return Err(invalid("at most three components (major.minor.patch) are allowed"));
        }
        let written = segments.len();
        segments.resize(3, 0);
        Ok(Version {
            segments,
            written,
            prerelease: prerelease.to_string(),
            metadata: metadata.to_string(),
            original: trimmed.to_string(),
        })
    }

    pub fn major(&self) -> u64 {
        self.segments[0]
    }

    pub fn minor(&self) -> u64 {
        self.segments[1]
    }

    pub fn patch(&self) -> u64 {
        self.segments[2]
    }

    /// The prerelease part without its dash, empty for a release.
    pub fn prerelease(&self) -> &str {
        &self.prerelease
    }

    pub fn is_prerelease(&self) -> bool {
        !self.prerelease.is_empty()
    }

    /// The text as the registry or configuration wrote it (`v1.0` stays `v1.0`).
    pub fn original(&self) -> &str {
        &self.original
    }

    fn compare_prerelease(a: &str, b: &str) -> Ordering {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) => {}
        }
        let mut left = a.split('.');
        let mut right = b.split('.');
        loop {
            match (left.next(), right.next()) {
                (None, None) => return Ordering::Equal,
                (None, Some(_)) => return Ordering::Less,
                (Some(_), None) => return Ordering::Greater,
                (Some(x), Some(y)) => {
                    let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                        (Ok(x), Ok(y)) => x.cmp(&y),
                        (Ok(_), Err(_)) => Ordering::Less,
                        (Err(_), Ok(_)) => Ordering::Greater,
                        (Err(_), Err(_)) => x.cmp(y),
                    };
                    if order != Ordering::Equal {
                        return order;
                    }
                }
            }
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.segments
            .cmp(&other.segments)
            .then_with(|| Version::compare_prerelease(&self.prerelease, &other.prerelease))
    }
}

/// The canonical form: `1.2.3`, `1.2.3-beta.1`, `1.2.3-rc1+build`.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.segments[0], self.segments[1], self.segments[2])?;
        if !self.prerelease.is_empty() {
            write!(f, "-{}", self.prerelease)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Pessimistic,
}

impl Operator {
    fn symbol(self) -> &'static str {
        match self {
            Operator::Equal => "=",
            Operator::NotEqual => "!=",
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
            Operator::Pessimistic => "~>",
        }
    }
}

#[derive(Debug, Clone)]
struct Constraint {
    operator: Operator,
    version: Version,
}

impl Constraint {
    fn allows(&self, version: &Version) -> bool {
        let wanted = &self.version;
        match self.operator {
            Operator::Equal => version == wanted,
            Operator::NotEqual => version != wanted,
            Operator::Greater => version > wanted,
            Operator::GreaterOrEqual => version >= wanted,
            Operator::Less => version < wanted,
            Operator::LessOrEqual => version <= wanted,
            Operator::Pessimistic => {
                if version.is_prerelease() != wanted.is_prerelease() || version < wanted {
                    return false;
                }
                // Every written component but the last stays; the last may only grow.
                let fixed = wanted.written.saturating_sub(1);
                version.segments[..fixed] == wanted.segments[..fixed]
            }
        }
    }

    /// Whether this constraint names `version` exactly (what a prerelease needs).
    fn names_exactly(&self, version: &Version) -> bool {
        self.operator == Operator::Equal && &self.version == version
    }
}

/// A set of constraints that must all hold, as written in a `version` argument.
#[derive(Debug, Clone)]
pub struct VersionConstraints {
    constraints: Vec<Constraint>,
    original: String,
}

impl VersionConstraints {
    /// Reads `">= 1.2, < 2.0"`, `"~> 6.0"`, `"1.2.3"` and the like.
    pub fn parse(text: &str) -> Result<VersionConstraints, VersionError> {
        let invalid =
            |reason: String| VersionError::InvalidConstraint { text: text.to_string(), reason };
        let mut constraints = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(invalid("a constraint between commas is empty".into()));
            }
            let (operator, rest) = [
                ("~>", Operator::Pessimistic),
                (">=", Operator::GreaterOrEqual),
                ("<=", Operator::LessOrEqual),
                ("!=", Operator::NotEqual),
                ("=", Operator::Equal),
                (">", Operator::Greater),
                ("<", Operator::Less),
            ]
            .iter()
            .find_map(|(symbol, operator)| part.strip_prefix(symbol).map(|rest| (*operator, rest)))
            .unwrap_or((Operator::Equal, part));
            let rest = rest.trim();
            if rest.starts_with(['=', '<', '>', '!', '~']) {
                return Err(invalid(format!("\"{part}\" has an unknown operator")));
            }
            let version = Version::parse(rest).map_err(|error| match error {
                VersionError::InvalidVersion { reason, .. } => {
                    invalid(format!("\"{rest}\": {reason}"))
                }
                other => other,
            })?;
            constraints.push(Constraint { operator, version });
        }
        Ok(VersionConstraints { constraints, original: text.trim().to_string() })
    }

    /// Whether `version` meets every constraint. A prerelease must also be named exactly by one
    /// of them (`= 2.0.0-beta1`); `>= 1.0` never selects `2.0.0-beta1`.
    pub fn allows(&self, version: &Version) -> bool {
        if !self.constraints.iter().all(|c| c.allows(version)) {
            return false;
        }
        !version.is_prerelease() || self.constraints.iter().any(|c| c.names_exactly(version))
    }

    /// The newest version in `available` that meets the constraints.
    pub fn newest<'a>(
        &self,
        available: impl IntoIterator<Item = &'a Version>,
    ) -> Option<&'a Version> {
        available.into_iter().filter(|v| self.allows(v)).max()
    }

    /// The constraints as written.
    pub fn original(&self) -> &str {
        &self.original
    }
}

/// The constraints in a normalised form: `>= 1.2.0, < 2.0.0`.
impl fmt::Display for VersionConstraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, constraint) in self.constraints.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {}", constraint.operator.symbol(), constraint.version)?;
        }
        Ok(())
    }
}

/// The newest release in `available` when there is no constraint (Terraform never picks a
/// prerelease without one naming it).
pub fn newest_release<'a>(available: impl IntoIterator<Item = &'a Version>) -> Option<&'a Version> {
    available.into_iter().filter(|v| !v.is_prerelease()).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn allows(constraints: &str, version: &str) -> bool {
        VersionConstraints::parse(constraints).unwrap().allows(&v(version))
    }

    #[test]
    fn pessimistic_with_two_components_lets_the_minor_grow() {
        assert!(allows("~> 6.0", "6.0.0"));
        assert!(allows("~> 6.0", "6.9.0"));
        assert!(allows("~> 6.0", "6.9.12"));
        assert!(!allows("~> 6.0", "7.0.0"));
        assert!(!allows("~> 6.0", "5.99.0"));
        assert!(allows("~> 1.2", "1.9"));
        assert!(!allows("~> 1.2", "1.1.9"));
    }

    #[test]
    fn pessimistic_with_three_components_lets_only_the_patch_grow() {
        assert!(allows("~> 1.2.3", "1.2.3"));
        assert!(allows("~> 1.2.3", "1.2.9"));
        assert!(!allows("~> 1.2.3", "1.3.0"));
        assert!(!allows("~> 1.2.3", "1.2.2"));
        assert!(!allows("~> 1.2.3", "2.0.0"));
    }

    #[test]
    fn pessimistic_with_one_component_is_a_lower_bound() {
        // go-version: only the right-most written component may grow, and that is the major.
        assert!(allows("~> 1", "1.0.0"));
        assert!(allows("~> 1", "3.4.0"));
        assert!(!allows("~> 2", "1.9.0"));
    }

    #[test]
    fn comparison_operators_and_lists() {
        assert!(allows("= 1.2.3", "1.2.3"));
        assert!(allows("1.2.3", "1.2.3"));
        assert!(allows("1.2", "1.2.0"));
        assert!(!allows("1.2.3", "1.2.4"));
        assert!(allows("!= 1.2.3", "1.2.4"));
        assert!(!allows("!= 1.2.3", "1.2.3"));
        assert!(allows("> 1.2.3", "1.2.4"));
        assert!(!allows("> 1.2.3", "1.2.3"));
        assert!(allows(">= 1.2.3", "1.2.3"));
        assert!(allows("< 2", "1.99.99"));
        assert!(!allows("< 2", "2.0.0"));
        assert!(allows("<= 2", "2.0.0"));
        assert!(allows(">= 1.0, < 2.0, != 1.5.0", "1.4.0"));
        assert!(!allows(">= 1.0, < 2.0, != 1.5.0", "1.5.0"));
        assert!(!allows(">= 1.0, < 2.0, != 1.5.0", "2.0.0"));
        assert!(allows(">=1.0,<2.0", "1.0.0"));
    }

    #[test]
    fn prereleases_only_when_named_exactly() {
        assert!(!allows(">= 1.0.0", "2.0.0-beta1"));
        assert!(!allows("~> 2.0", "2.0.0-beta1"));
        assert!(allows("= 2.0.0-beta1", "2.0.0-beta1"));
        assert!(allows("2.0.0-beta1", "2.0.0-beta1"));
        assert!(allows(">= 1.0, 2.0.0-beta1", "2.0.0-beta1"));
        assert!(!allows("= 2.0.0-beta1", "2.0.0-beta2"));
        let constraints = VersionConstraints::parse(">= 1.0").unwrap();
        let available = [v("1.0.0"), v("1.5.0"), v("2.0.0-rc1")];
        assert_eq!(constraints.newest(&available).unwrap().to_string(), "1.5.0");
        assert_eq!(newest_release(&available).unwrap().to_string(), "1.5.0");
    }

    #[test]
    fn newest_matching_version_is_selected() {
        let available: Vec<Version> =
            ["5.0.0", "6.0.0", "6.0.1", "6.10.0", "7.0.0"].iter().map(|t| v(t)).collect();
        let newest = |c: &str| {
            VersionConstraints::parse(c).unwrap().newest(&available).map(|v| v.to_string())
        };
        assert_eq!(newest("~> 6.0").as_deref(), Some("6.10.0"));
        assert_eq!(newest("~> 6.0.0").as_deref(), Some("6.0.1"));
        assert_eq!(newest("< 6.0.1").as_deref(), Some("6.0.0"));
        assert_eq!(newest("> 7.0.0"), None);
    }

    #[test]
    fn versions_order_numerically_and_by_prerelease() {
        assert!(v("1.10.0") > v("1.9.0"));
        assert!(v("1.0.0") > v("1.0.0-rc.1"));
        assert!(v("1.0.0-rc.2") > v("1.0.0-rc.1"));
        assert!(v("1.0.0-rc.10") > v("1.0.0-rc.2"));
        assert!(v("1.0.0-beta") > v("1.0.0-alpha"));
        assert_eq!(v("v1.2"), v("1.2.0"));
        assert_eq!(v("1.2.0+build5"), v("1.2.0"));
        assert_eq!(v("v1.2").to_string(), "1.2.0");
    }

    #[test]
    fn bad_input_is_an_error_naming_the_text() {
        for text in ["", "abc", "1.x", "1..2", "1.2.3.4", "1.2.3-", "1.2.3+"] {
            let error = Version::parse(text).unwrap_err();
            assert!(error.to_string().contains(&format!("\"{text}\"")), "{error}");
        }
        for text in ["", ">= ", "=> 1.0", ">= 1.0,", "~> x", ">>1"] {
            let error = VersionConstraints::parse(text).unwrap_err();
            assert!(error.to_string().contains(&format!("\"{text}\"")), "{error}");
        }
    }

    #[test]
    fn constraints_display_normalised() {
        let constraints = VersionConstraints::parse(">=1.2,<2").unwrap();
        assert_eq!(constraints.to_string(), ">= 1.2.0, < 2.0.0");
        assert_eq!(constraints.original(), ">=1.2,<2");
    }
}
