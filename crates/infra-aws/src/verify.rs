//! The provider's shared plan-time checks (`internal/verify` in terraform-provider-aws), written
//! once, in its wording: an ARN, a region name, an account ID, an IPv4 or IPv6 network.
//!
//! Its patterns, quoted in the messages:
//! - partition `^aws(-[a-z]+)*$`;
//! - region `^[a-z]{2}(-[a-z]+)+-\d$`;
//! - account in an ARN `^(aws|aws-managed|third-party|\d{12}|cw.{10})$`.

use infra_core::cidr::Cidr;
use infra_core::{Check, TextCheck};

/// [`arn_problem`] declared on an attribute: `Attribute::optional("role_arn", Type::String)
/// .check(ARN)` checks the string, or each string of a list or set, at plan time.
pub const ARN: Check = Check::Text(TextCheck { name: "verify.ValidARN", check: arn_problem });

/// [`account_id_problem`] declared on an attribute.
pub const ACCOUNT_ID: Check =
    Check::Text(TextCheck { name: "verify.ValidAccountID", check: account_id_problem });

/// [`ipv4_network_problem`] declared on an attribute.
pub const IPV4_NETWORK: Check = Check::Text(TextCheck {
    name: "verify.ValidIPv4CIDRNetworkAddress",
    check: ipv4_network_problem,
});

/// [`ipv6_network_problem`] declared on an attribute.
pub const IPV6_NETWORK: Check = Check::Text(TextCheck {
    name: "verify.ValidIPv6CIDRNetworkAddress",
    check: ipv6_network_problem,
});

/// `verify.ValidIPv4CIDRNetworkAddress` of `value` (its `ValidateIPv4CIDRBlock`): a CIDR
/// block as Go's `net.ParseCIDR` reads it, of an IPv4 address, that is its network's own
/// address. The message names the value, not the argument.
pub fn ipv4_network_problem(_key: &str, value: &str) -> Option<String> {
    network_problem(value, "IPv4")
}

/// `verify.ValidIPv6CIDRNetworkAddress` of `value` (its `ValidateIPv6CIDRBlock`): as
/// [`ipv4_network_problem`], of an IPv6 address (an IPv4-mapped one is IPv4 to Go's `IP.To4`).
pub fn ipv6_network_problem(_key: &str, value: &str) -> Option<String> {
    network_problem(value, "IPv6")
}

/// `ValidateIPv4CIDRBlock` or `ValidateIPv6CIDRBlock` of `value`, as `family` says.
fn network_problem(value: &str, family: &str) -> Option<String> {
    let Some(cidr) = Cidr::parse(value) else {
        return Some(format!("{value:?} is not a valid CIDR block: invalid CIDR address: {value}"));
    };
    if cidr.is_ipv4() != (family == "IPv4") {
        return Some(format!("{value:?} is not a valid {family} CIDR block"));
    }
    (cidr.network() != cidr.address).then(|| {
        let network = cidr.network_text();
        format!("{value:?} is not a valid {family} CIDR block; did you mean {network:?}?")
    })
}

/// `verify.ValidAccountID` of `value`, the `key` argument: exactly 12 digits.
pub fn account_id_problem(key: &str, value: &str) -> Option<String> {
    (!is_account_id(value)).then(|| {
        format!("\"{key}\" doesn't look like AWS Account ID (exactly 12 digits): \"{value}\"")
    })
}

/// `verify.ValidARN` of `value`, the `key` argument: parsed as the SDK's `arn.Parse` does
/// (an `arn:` prefix and six sections), then a partition, a region and an account that are
/// empty or well formed, and a resource. An empty value passes. The provider reports every
/// problem of one value; this gives the first, which is enough to say the value is wrong.
pub fn arn_problem(key: &str, value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let sections: Vec<&str> = value.splitn(6, ':').collect();
    let reason = if !value.starts_with("arn:") {
        "arn: invalid prefix"
    } else if sections.len() < 6 {
        "arn: not enough sections"
    } else if sections[1].is_empty() {
        "missing partition value"
    } else if !is_partition(sections[1]) {
        "invalid partition value (expecting to match regular expression: ^aws(-[a-z]+)*$)"
    } else if !sections[3].is_empty() && !is_region_name(sections[3]) {
        "invalid region value (expecting to match regular expression: ^[a-z]{2}(-[a-z]+)+-\\d$)"
    } else if !sections[4].is_empty() && !is_arn_account(sections[4]) {
        "invalid account ID value (expecting to match regular expression: \
         ^(aws|aws-managed|third-party|\\d{12}|cw.{10})$)"
    } else if sections[5].is_empty() {
        "missing resource value"
    } else {
        return None;
    };
    Some(format!("\"{key}\" ({value}) is an invalid ARN: {reason}"))
}

/// The check of the plugin-framework ARN type (`fwtypes.ARN`, the SDK's `arn.IsARN`: an
/// `arn:` prefix and at least six sections), in its wording.
pub fn arn_type_problem(value: &str) -> Option<String> {
    let is_arn = value.starts_with("arn:") && value.matches(':').count() >= 5;
    (!is_arn).then(|| format!("The provided value cannot be parsed as an ARN. Value: {value}"))
}

/// `verify.ValidRegionName`'s pattern `^[a-z]{2}(-[a-z]+)+-\d$`: `us-east-1`,
/// `us-gov-west-1`.
pub fn is_region_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let lower = |s: &&str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    first.len() == 2
        && lower(first)
        && !middle.is_empty()
        && middle.iter().all(lower)
        && last.len() == 1
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// `verify.ValidAccountID`'s test (`types.IsAWSAccountID`): exactly 12 digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// `^aws(-[a-z]+)*$`.
fn is_partition(text: &str) -> bool {
    match text.strip_prefix("aws") {
        Some(rest) => {
            rest.split('-')
                .skip(1)
                .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()))
                && (rest.is_empty() || rest.starts_with('-'))
        }
        None => false,
    }
}

/// The account section of an ARN: `^(aws|aws-managed|third-party|\d{12}|cw.{10})$`.
fn is_arn_account(text: &str) -> bool {
    is_account_id(text)
        || matches!(text, "aws" | "aws-managed" | "third-party")
        || (text.starts_with("cw") && text.chars().count() == 12)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(value: &str) -> Option<String> {
        arn_problem("k", value).map(|p| p.split(": ").skip(1).collect::<Vec<_>>().join(": "))
    }

    /// `verify.ValidIPv4CIDRNetworkAddress`, in its words: the value quoted as Go's `%q`
    /// quotes it, the network address suggested for a host address.
    #[test]
    fn ipv4_networks_are_checked_as_the_provider_checks_them() {
        for good in ["10.0.0.0/16", "0.0.0.0/0", "192.168.1.128/25"] {
            assert_eq!(ipv4_network_problem("k", good), None, "{good}");
        }
        let problem = |value: &str| ipv4_network_problem("k", value).unwrap();
        assert_eq!(
            problem("10.0.0.1/16"),
            "\"10.0.0.1/16\" is not a valid IPv4 CIDR block; did you mean \"10.0.0.0/16\"?"
        );
        assert_eq!(problem("2001:db8::/32"), "\"2001:db8::/32\" is not a valid IPv4 CIDR block");
        // An IPv4-mapped block is IPv4 to Go's `IP.To4`.
        assert_eq!(ipv4_network_problem("k", "::ffff:10.0.0.0/104"), None);
        assert_eq!(
            problem("::ffff:10.0.0.1/104"),
            "\"::ffff:10.0.0.1/104\" is not a valid IPv4 CIDR block; did you mean \"10.0.0.0/8\"?"
        );
        assert_eq!(
            problem("10.0.0.0"),
            "\"10.0.0.0\" is not a valid CIDR block: invalid CIDR address: 10.0.0.0"
        );
    }

    #[test]
    fn ipv6_networks_are_checked_as_the_provider_checks_them() {
        for good in ["2001:db8::/32", "::/0", "2600:1f18:abcd:1200::/56"] {
            assert_eq!(ipv6_network_problem("k", good), None, "{good}");
        }
        let problem = |value: &str| ipv6_network_problem("k", value).unwrap();
        assert_eq!(
            problem("2001:db8::1/64"),
            "\"2001:db8::1/64\" is not a valid IPv6 CIDR block; did you mean \"2001:db8::/64\"?"
        );
        assert_eq!(problem("10.0.0.0/16"), "\"10.0.0.0/16\" is not a valid IPv6 CIDR block");
        // An IPv4-mapped block is IPv4 to Go's `IP.To4`, so not an IPv6 block.
        assert_eq!(
            problem("::ffff:10.0.0.0/104"),
            "\"::ffff:10.0.0.0/104\" is not a valid IPv6 CIDR block"
        );
        assert_eq!(problem(""), "\"\" is not a valid CIDR block: invalid CIDR address: ");
    }

    #[test]
    fn arns_are_checked_as_the_provider_checks_them() {
        for good in [
            "",
            "arn:aws:iam::123456789012:role/r",
            "arn:aws:s3:::bucket",
            "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/k",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:logs:eu-west-1:cw1234567890:x",
            "arn:aws:lambda:us-east-1:123456789012:function:f:alias",
        ] {
            assert_eq!(arn_problem("k", good), None, "{good}");
        }
        let cases = [
            ("role/r", "arn: invalid prefix"),
            ("arn:aws:iam", "arn: not enough sections"),
            ("arn::iam::123456789012:role/r", "missing partition value"),
            ("arn:amazon:iam::123456789012:role/r", "invalid partition value"),
            ("arn:aws-:iam::123456789012:role/r", "invalid partition value"),
            ("arn:aws:kms:useast1:123456789012:key/k", "invalid region value"),
            ("arn:aws:kms:us-east-12:123456789012:key/k", "invalid region value"),
            ("arn:aws:iam::123:role/r", "invalid account ID value"),
            ("arn:aws:iam::123456789012:", "missing resource value"),
        ];
        for (value, expected) in cases {
            let got = reason(value).unwrap_or_default();
            assert!(got.starts_with(expected), "{value}: {got}");
        }
        assert_eq!(
            arn_problem("role_arn", "x").as_deref(),
            Some("\"role_arn\" (x) is an invalid ARN: arn: invalid prefix")
        );
    }

    #[test]
    fn region_names_and_account_ids() {
        for (name, valid) in [
            ("us-east-1", true),
            ("us-gov-west-1", true),
            ("ap-southeast-2", true),
            ("us-east", false),
            ("us-east-12", false),
            ("USA-east-1", false),
            ("u-east-1", false),
            ("us--1", false),
            ("", false),
        ] {
            assert_eq!(is_region_name(name), valid, "{name}");
        }
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
    }
}
