//! CIDR parsing and IPv4 CIDR arithmetic, shared by plan-time checks and the `cidr*`
//! functions.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A CIDR block as Go's `net.ParseCIDR` reads it, which the provider's checks use: an IPv4 or
/// IPv6 address, `/`, and a prefix length the address's size allows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cidr {
    /// The address as written.
    pub address: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// `text` as a CIDR block, or `None` where Go's `net.ParseCIDR` fails.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (address, prefix) = text.split_once('/')?;
        let address: IpAddr = address.parse().ok()?;
        let bits = match address {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        let digits = !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit());
        let prefix: u8 = prefix.parse().ok().filter(|n| digits && *n <= bits)?;
        Some(Cidr { address, prefix })
    }

    /// The block's network address (the address with its host bits cleared).
    pub fn network(&self) -> IpAddr {
        match self.address {
            IpAddr::V4(address) => {
                IpAddr::V4(Ipv4Addr::from(u32::from(address) & mask(self.prefix)))
            }
            IpAddr::V6(address) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(address) & mask))
            }
        }
    }

    /// The block as Go's `IPNet.String` writes it: its network address and prefix, an
    /// IPv4-mapped IPv6 network (`::ffff:10.0.0.0/104`) as the IPv4 one (`10.0.0.0/8`).
    pub fn network_text(&self) -> String {
        match self.network() {
            IpAddr::V6(network) => match network.to_ipv4_mapped() {
                // Masking keeps the mapped prefix only for a prefix of 96 bits or more.
                Some(v4) => format!("{v4}/{}", self.prefix - 96),
                None => format!("{network}/{}", self.prefix),
            },
            network => format!("{network}/{}", self.prefix),
        }
    }

    /// Whether the address is IPv4, as Go's `IP.To4` tells: an IPv4-mapped IPv6 address is.
    pub fn is_ipv4(&self) -> bool {
        match self.address {
            IpAddr::V4(_) => true,
            IpAddr::V6(address) => address.to_ipv4_mapped().is_some(),
        }
    }
}

/// Parses `a.b.c.d/n` into (address, prefix length).
pub fn parse_ipv4_cidr(text: &str) -> Option<(Ipv4Addr, u8)> {
    let (address, prefix) = text.split_once('/')?;
    let address: Ipv4Addr = address.parse().ok()?;
    let prefix: u8 = prefix.parse().ok()?;
    (prefix <= 32).then_some((address, prefix))
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    }
}

/// Terraform's `cidrsubnet(prefix, newbits, netnum)`.
pub fn cidrsubnet(prefix: &str, newbits: u8, netnum: u64) -> Result<String, String> {
    let (address, length) =
        parse_ipv4_cidr(prefix).ok_or_else(|| format!("invalid CIDR address: {prefix}"))?;
    let new_length = length as u32 + newbits as u32;
    if new_length > 32 {
        return Err(format!(
            "insufficient address space to extend prefix of {length} by {newbits}"
        ));
    }
    if newbits < 64 && netnum >= (1u64 << newbits) {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let base = u32::from(address) & mask(length);
    let shift = 32 - new_length;
    let network = base | ((netnum as u32) << shift);
    Ok(format!("{}/{}", Ipv4Addr::from(network), new_length))
}

/// Terraform's `cidrhost(prefix, hostnum)`; a negative number counts from the end.
pub fn cidrhost(prefix: &str, hostnum: i64) -> Result<String, String> {
    let (address, length) =
        parse_ipv4_cidr(prefix).ok_or_else(|| format!("invalid CIDR address: {prefix}"))?;
    let size: i64 = 1i64 << (32 - length as u32);
    let index = if hostnum < 0 { size + hostnum } else { hostnum };
    if index < 0 || index >= size {
        return Err(format!("prefix of {length} does not accommodate a host numbered {hostnum}"));
    }
    let base = u32::from(address) & mask(length);
    Ok(Ipv4Addr::from(base + index as u32).to_string())
}

/// Terraform's `cidrnetmask(prefix)`.
pub fn cidrnetmask(prefix: &str) -> Result<String, String> {
    let (_, length) =
        parse_ipv4_cidr(prefix).ok_or_else(|| format!("invalid CIDR address: {prefix}"))?;
    Ok(Ipv4Addr::from(mask(length)).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_terraform() {
        assert_eq!(cidrsubnet("10.0.0.0/16", 8, 2).unwrap(), "10.0.2.0/24");
        assert_eq!(cidrsubnet("172.16.0.0/12", 4, 15).unwrap(), "172.31.0.0/16");
        assert!(cidrsubnet("10.0.0.0/16", 8, 256).is_err());
        assert_eq!(cidrhost("10.12.112.0/20", 16).unwrap(), "10.12.112.16");
        assert_eq!(cidrhost("10.12.112.0/20", -2).unwrap(), "10.12.127.254");
        assert_eq!(cidrnetmask("172.16.0.0/12").unwrap(), "255.240.0.0");
        assert!(parse_ipv4_cidr("10.0.0.0/33").is_none());
        assert!(parse_ipv4_cidr("10.0.0/16").is_none());
    }
}
