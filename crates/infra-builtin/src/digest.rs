//! The checksums `local_file` and `archive_file` export (MD5, SHA-1, SHA-256, SHA-512, hex and
//! base64). Both providers name their objects by the SHA-1 of the content; SHA-1 comes from
//! infra-config, whose `sha1()` function needs it too.

use base64::Engine;
use md5::Md5;
use sha2::{Digest, Sha256, Sha512};

/// Every checksum of one byte string, already encoded as the providers export them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checksums {
    pub md5_hex: String,
    pub sha1_hex: String,
    pub sha256_hex: String,
    pub sha256_base64: String,
    pub sha512_hex: String,
    pub sha512_base64: String,
}

impl Checksums {
    pub fn of(bytes: &[u8]) -> Checksums {
        let sha256 = Sha256::digest(bytes);
        let sha512 = Sha512::digest(bytes);
        let base64 = base64::engine::general_purpose::STANDARD;
        Checksums {
            md5_hex: hex::encode(Md5::digest(bytes)),
            sha1_hex: hex::encode(sha1(bytes)),
            sha256_hex: hex::encode(sha256),
            sha256_base64: base64.encode(sha256),
            sha512_hex: hex::encode(sha512),
            sha512_base64: base64.encode(sha512),
        }
    }
}

/// SHA-1, shared with the `sha1()` function: used only to name content, never for security.
pub use infra_config::sha1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_of_known_text() {
        let sums = Checksums::of(b"hello");
        assert_eq!(sums.md5_hex, "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(sums.sha1_hex, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assert_eq!(
            sums.sha256_hex,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(sums.sha256_base64, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
        assert!(sums.sha512_hex.starts_with("9b71d224bd62f378"));
        assert_eq!(sums.sha512_base64.len(), 88);
    }
}
