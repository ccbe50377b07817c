//! IP network functions: `cidrhost`, `cidrnetmask` and `cidrsubnet` (IPv4, through
//! [`infra_core::cidr`]), and `cidrsubnets`: consecutive subnets of a prefix, for IPv4 and
//! IPv6, computed as Terraform does (each subnet starts after the end of the previous one,
//! aligned to its own size).

use super::{arg_error, integer, string, FnResult, FunctionError};
use infra_core::Value;
use std::net::{Ipv4Addr, Ipv6Addr};

/// An address prefix held in the low `bits` (32 or 128) bits of a `u128`.
#[derive(Clone, Copy)]
struct Prefix {
    address: u128,
    length: u32,
    bits: u32,
}

fn all_ones(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

impl Prefix {
    /// The host part of an address under a prefix of `length` bits.
    fn host_mask(&self, length: u32) -> u128 {
        if length >= self.bits {
            0
        } else {
            all_ones(self.bits) >> length
        }
    }

    fn network_mask(&self, length: u32) -> u128 {
        all_ones(self.bits) & !self.host_mask(length)
    }

    fn with(&self, address: u128, length: u32) -> Prefix {
        Prefix { address: address & self.network_mask(length), length, bits: self.bits }
    }

    fn last(&self) -> u128 {
        self.address | self.host_mask(self.length)
    }

    fn contains(&self, address: u128) -> bool {
        address & self.network_mask(self.length) == self.address
    }

    fn protocol(&self) -> &'static str {
        if self.bits == 32 {
            "IPv4"
        } else {
            "IPv6"
        }
    }
}

impl std::fmt::Display for Prefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.bits == 32 {
            write!(f, "{}/{}", Ipv4Addr::from(self.address as u32), self.length)
        } else {
            let address = Ipv6Addr::from(self.address);
            // Go writes an IPv4-mapped address in dotted form.
            match address.to_ipv4_mapped() {
                Some(v4) => write!(f, "{v4}/{}", self.length),
                None => write!(f, "{address}/{}", self.length),
            }
        }
    }
}

/// IPv4 as Terraform reads it: octets with leading zeros are decimal (`010` is 10).
fn parse_ipv4(text: &str) -> Option<u32> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = part.trim_start_matches('0');
        if digits.len() > 3 {
            return None;
        }
        let value: u16 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        *octet = u8::try_from(value).ok()?;
    }
    parts.next().is_none().then(|| u32::from(Ipv4Addr::from(octets)))
}

/// Parses `address/length`, with Go's error wording.
fn parse_prefix(text: &str) -> Result<Prefix, String> {
    let invalid = || format!("invalid CIDR expression: invalid CIDR address: {text}");
    let (address, length) = text.split_once('/').ok_or_else(invalid)?;
    let (address, bits) = match parse_ipv4(address) {
        Some(v4) => (u128::from(v4), 32),
        None => (u128::from(address.parse::<Ipv6Addr>().map_err(|_| invalid())?), 128),
    };
    if length.is_empty() || !length.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let length: u32 = length.parse().map_err(|_| invalid())?;
    if length > bits {
        return Err(invalid());
    }
    let prefix = Prefix { address: 0, length, bits };
    Ok(prefix.with(address, length))
}

/// `cidrhost(prefix, hostnum)`.
pub(super) fn cidrhost(a: &[Value]) -> FnResult {
    Ok(Value::String(
        infra_core::cidr::cidrhost(&string(a, 0)?, integer(a, 1)?)
            .map_err(FunctionError::Failed)?,
    ))
}

/// `cidrnetmask(prefix)`.
pub(super) fn cidrnetmask(a: &[Value]) -> FnResult {
    Ok(Value::String(infra_core::cidr::cidrnetmask(&string(a, 0)?).map_err(FunctionError::Failed)?))
}

/// `cidrsubnet(prefix, newbits, netnum)`.
pub(super) fn cidrsubnet(a: &[Value]) -> FnResult {
    let newbits = integer(a, 1)?;
    let netnum = integer(a, 2)?;
    if !(0..=32).contains(&newbits) {
        return Err(arg_error(1, format!("newbits must be between 0 and 32, got {newbits}")));
    }
    if netnum < 0 {
        return Err(arg_error(2, format!("netnum must not be negative, got {netnum}")));
    }
    Ok(Value::String(
        infra_core::cidr::cidrsubnet(&string(a, 0)?, newbits as u8, netnum as u64)
            .map_err(FunctionError::Failed)?,
    ))
}

/// `cidrsubnets(prefix, newbits...)`.
pub(super) fn cidrsubnets(a: &[Value]) -> FnResult {
    let network = parse_prefix(&string(a, 0)?).map_err(|e| arg_error(0, e))?;
    if a.len() == 1 {
        return Ok(Value::List(vec![]));
    }
    // Each subnet starts right after the previous one, aligned to its own size; the first
    // starts at the network's own address.
    let mut current: Option<Prefix> = None;
    let mut out = Vec::with_capacity(a.len() - 1);
    for i in 1..a.len() {
        let newbits = integer(a, i)?;
        if newbits < 1 {
            return Err(arg_error(i, "must extend prefix by at least one bit"));
        }
        if newbits > 32 {
            return Err(arg_error(i, "may not extend prefix by more than 32 bits"));
        }
        let length = newbits as u32 + network.length;
        if length > network.bits {
            return Err(arg_error(
                i,
                format!(
                    "would extend prefix to {length} bits, which is too long for an {} address",
                    network.protocol()
                ),
            ));
        }
        let next = match current {
            // Terraform (go-cidr) reaches the first subnet from the one before the network,
            // and so fails for a network at address zero (hashicorp/terraform#35486); here
            // the first subnet is simply the start of the network.
            None => network.with(network.address, length),
            Some(previous) => {
                let aligned = network.with(previous.last(), length);
                let start = aligned.last().wrapping_add(1) & all_ones(network.bits);
                let next = network.with(start, length);
                if start == 0 || !network.contains(next.address) {
                    return Err(arg_error(
                        i,
                        format!("not enough remaining address space for a subnet with a prefix of {length} bits after {previous}"),
                    ));
                }
                next
            }
        };
        current = Some(next);
        out.push(Value::String(next.to_string()));
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, list, ok};
    use infra_core::Value;

    #[test]
    fn cidrsubnets_like_terraform_docs() {
        assert_eq!(
            ok("cidrsubnets(\"10.1.0.0/16\", 4, 4, 8, 4)"),
            list(&["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"])
        );
        assert_eq!(
            ok("cidrsubnets(\"fd00:fd12:3456:7890::/56\", 16, 16, 16, 32)"),
            list(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ])
        );
        assert_eq!(
            ok("[for cidr_block in cidrsubnets(\"10.0.0.0/8\", 8, 8, 8, 8) : cidrsubnets(cidr_block, 4, 4)]"),
            Value::List(vec![
                list(&["10.0.0.0/20", "10.0.16.0/20"]),
                list(&["10.1.0.0/20", "10.1.16.0/20"]),
                list(&["10.2.0.0/20", "10.2.16.0/20"]),
                list(&["10.3.0.0/20", "10.3.16.0/20"]),
            ])
        );
        assert_eq!(ok("cidrsubnets(\"10.0.0.0/8\")"), Value::List(vec![]));
        // The whole space, and octets with leading zeros read as decimal.
        // Terraform fails on these (hashicorp/terraform#35486); the answer is plain.
        assert_eq!(ok("cidrsubnets(\"0.0.0.0/0\", 1, 1)"), list(&["0.0.0.0/1", "128.0.0.0/1"]));
        assert_eq!(ok("cidrsubnets(\"0.0.0.0/1\", 1, 1)"), list(&["0.0.0.0/2", "64.0.0.0/2"]));
        assert_eq!(ok("cidrsubnets(\"::/0\", 1)"), list(&["::/1"]));
        assert_eq!(ok("cidrsubnets(\"010.0.0.0/8\", 8)"), list(&["10.0.0.0/16"]));
        assert_eq!(ok("cidrsubnets(\"10.0.0.0/30\", 1, 1)"), list(&["10.0.0.0/31", "10.0.0.2/31"]));
    }

    #[test]
    fn cidrsubnets_errors() {
        let cases = [
            (
                "cidrsubnets(\"10.0.0.0/30\", 1, 1, 1)",
                "Invalid value for argument 4: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31",
            ),
            (
                "cidrsubnets(\"255.255.255.0/24\", 1, 1, 1)",
                "Invalid value for argument 4: not enough remaining address space for a subnet with a prefix of 25 bits after 255.255.255.128/25",
            ),
            (
                "cidrsubnets(\"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120\", 1, 1, 1)",
                "not enough remaining address space for a subnet with a prefix of 121 bits after ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff80/121",
            ),
            (
                "cidrsubnets(\"10.0.0.0/8\", 0)",
                "Invalid value for argument 2: must extend prefix by at least one bit",
            ),
            (
                "cidrsubnets(\"10.0.0.0/8\", 33)",
                "Invalid value for argument 2: may not extend prefix by more than 32 bits",
            ),
            (
                "cidrsubnets(\"10.0.0.0/8\", 4, 25)",
                "Invalid value for argument 3: would extend prefix to 33 bits, which is too long for an IPv4 address",
            ),
            (
                "cidrsubnets(\"fd00::/120\", 9)",
                "would extend prefix to 129 bits, which is too long for an IPv6 address",
            ),
            (
                "cidrsubnets(\"10.0.0.0/33\", 1)",
                "Invalid value for argument 1: invalid CIDR expression: invalid CIDR address: 10.0.0.0/33",
            ),
            (
                "cidrsubnets(\"10.0.0.256/8\", 1)",
                "invalid CIDR expression: invalid CIDR address: 10.0.0.256/8",
            ),
            ("cidrsubnets(\"10.0.0.0\", 1)", "invalid CIDR address: 10.0.0.0"),
            ("cidrsubnets(\"10.0.0.0/8\", 1e300)", "whole number"),
            ("cidrsubnets(\"10.0.0.0/8\", -1e300)", "whole number"),
        ];
        for (text, want) in cases {
            let detail = err(text);
            assert!(detail.contains(want), "{text}: {detail}");
        }
    }
}
