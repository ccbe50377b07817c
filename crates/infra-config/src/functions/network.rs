//! `cidrsubnets`: consecutive subnets of a prefix, for IPv4 and IPv6, computed as Terraform
//! does (each subnet starts after the end of the previous one, aligned to its own size).

use super::{arg_error, integer, string, FnResult};
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
        Prefix {
            address: address & self.network_mask(length),
            length,
            bits: self.bits,
        }
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
        let value: u16 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        *octet = u8::try_from(value).ok()?;
    }
    parts
        .next()
        .is_none()
        .then(|| u32::from(Ipv4Addr::from(octets)))
}

/// Parses `address/length`, with Go's error wording.
fn parse_prefix(text: &str) -> Result<Prefix, String> {
    let invalid = || format!("invalid CIDR expression: invalid CIDR address: {text}");
    let (address, length) = text.split_once('/').ok_or_else(invalid)?;
    let (address, bits) = match parse_ipv4(address) {
        Some(v4) => (u128::from(v4), 32),
        None => (
            u128::from(address.parse::<Ipv6Addr>().map_err(|_| invalid())?),
            128,
        ),
    };
    if length.is_empty() || !length.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let length: u32 = length.parse().map_err(|_| invalid())?;
    if length > bits {
        return Err(invalid());
    }
    let prefix = Prefix {
        address: 0,
        length,
        bits,
    };
    Ok(prefix.with(address, length))
}

/// `cidrsubnets(prefix, newbits...)`.
pub(super) fn cidrsubnets(a: &[Value]) -> FnResult {
    let network = parse_prefix(&string(a, 0)?).map_err(|e| arg_error(0, e))?;
    if a.len() == 1 {
        return Ok(Value::List(vec![]));
    }
    // Start just before the network, so that the first subnet is its first one.
    let first = integer(a, 1)?
        .saturating_add(i64::from(network.length))
        .clamp(0, i64::from(network.bits)) as u32;
    let mut current = network.with(
        network.address.wrapping_sub(1) & all_ones(network.bits),
        first,
    );
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
        let aligned = network.with(current.last(), length);
        let start = aligned.last().wrapping_add(1) & all_ones(network.bits);
        let next = network.with(start, length);
        if start == 0 || !network.contains(next.address) {
            return Err(arg_error(
                i,
                format!("not enough remaining address space for a subnet with a prefix of {length} bits after {current}"),
            ));
        }
        current = next;
        out.push(Value::String(current.to_string()));
    }
    Ok(Value::List(out))
}
