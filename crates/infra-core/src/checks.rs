//! Terraform's check results: the status of each checkable object of the configuration
//! (resources and data sources with conditions, outputs with preconditions, `check` blocks,
//! variables with validations) as the last apply left them. The state records them as
//! `check_results` (Terraform's `internal/checks`, `internal/states/statefile/version4.go`).

/// What kind of configuration object a result is for, with Terraform's name for it in the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckableKind {
    Resource,
    Output,
    Check,
    Variable,
}

impl CheckableKind {
    /// Terraform's `object_kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckableKind::Resource => "resource",
            CheckableKind::Output => "output",
            CheckableKind::Check => "check",
            CheckableKind::Variable => "var",
        }
    }

    /// A kind from Terraform's `object_kind`; `None` for one a newer Terraform may add, which
    /// a reader skips, as Terraform's does.
    pub fn parse(text: &str) -> Option<CheckableKind> {
        [
            CheckableKind::Resource,
            CheckableKind::Output,
            CheckableKind::Check,
            CheckableKind::Variable,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckStatus {
    Pass,
    Fail,
    /// The condition could not be evaluated (an error in it).
    Error,
    /// Not known yet (it depends on values known only after apply).
    Unknown,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Error => "error",
            CheckStatus::Unknown => "unknown",
        }
    }

    /// A status from the state; anything unrecognised is unknown, as Terraform reads it.
    pub fn parse(text: &str) -> CheckStatus {
        match text {
            "pass" => CheckStatus::Pass,
            "fail" => CheckStatus::Fail,
            "error" => CheckStatus::Error,
            _ => CheckStatus::Unknown,
        }
    }

    /// The status of several checks together, as Terraform sums them: an error wins, then a
    /// failure, then an unknown; none at all passes.
    pub fn summarize(statuses: impl IntoIterator<Item = CheckStatus>) -> CheckStatus {
        let mut summary = CheckStatus::Pass;
        for status in statuses {
            summary = match (summary, status) {
                (CheckStatus::Error, _) | (_, CheckStatus::Error) => CheckStatus::Error,
                (CheckStatus::Fail, _) | (_, CheckStatus::Fail) => CheckStatus::Fail,
                (CheckStatus::Unknown, _) | (_, CheckStatus::Unknown) => CheckStatus::Unknown,
                _ => CheckStatus::Pass,
            };
        }
        summary
    }
}

/// One object's checks: a resource instance, an output, a check block or a variable.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedObject {
    /// `module.app[0].aws_lb.this[1]`, `output.url`, `check.health`, `var.region`.
    pub address: String,
    pub status: CheckStatus,
    /// The error messages of the conditions that failed, sorted.
    pub failure_messages: Vec<String>,
}

/// The results of one configuration object (all its instances).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub kind: CheckableKind,
    /// The address without instance keys: `module.app.aws_lb.this`.
    pub config_address: String,
    pub status: CheckStatus,
    pub objects: Vec<CheckedObject>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_sum_as_terraforms() {
        use CheckStatus::*;
        assert_eq!(CheckStatus::summarize([]), Pass);
        assert_eq!(CheckStatus::summarize([Pass, Unknown, Pass]), Unknown);
        assert_eq!(CheckStatus::summarize([Unknown, Fail]), Fail);
        assert_eq!(CheckStatus::summarize([Fail, Error, Pass]), Error);
        for kind in ["resource", "output", "check", "var"] {
            assert_eq!(CheckableKind::parse(kind).map(|k| k.as_str()), Some(kind));
        }
        assert_eq!(CheckableKind::parse("ephemeral"), None);
    }
}
