//! `rsadecrypt(ciphertext, privatekey)`: decrypts a base64 ciphertext padded with PKCS #1 v1.5,
//! with an RSA private key in PEM that is not itself encrypted, as Terraform's
//! `internal/lang/funcs/crypto.go` does with Go's `ssh.ParseRawPrivateKey` and
//! `rsa.DecryptPKCS1v15`. The key may be PKCS #1 (`RSA PRIVATE KEY`) or PKCS #8 (`PRIVATE KEY`);
//! the errors are Terraform's.

use super::{arg_error, string, FnResult, FunctionError};
use base64::Engine as _;
use infra_core::Value;
use num_bigint::BigUint;

pub(super) fn rsadecrypt(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let ciphertext =
        base64::engine::general_purpose::STANDARD.decode(text.as_bytes()).map_err(|_| {
            arg_error(
                0,
                format!("failed to decode input {text:?}: cipher text must be base64-encoded"),
            )
        })?;
    let key = PrivateKey::from_pem(&string(a, 1)?).map_err(|why| arg_error(1, why))?;
    let message = key.decrypt(&ciphertext).ok_or_else(|| {
        FunctionError::Failed("failed to decrypt: crypto/rsa: decryption error".to_string())
    })?;
    Ok(Value::String(String::from_utf8_lossy(&message).into_owned()))
}

/// The parts of an RSA private key that decryption needs.
struct PrivateKey {
    modulus: BigUint,
    private_exponent: BigUint,
}

/// The DER object identifier of `rsaEncryption` (1.2.840.113549.1.1.1), in a PKCS #8 key.
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

impl PrivateKey {
    fn from_pem(pem: &str) -> Result<PrivateKey, String> {
        let (label, der) =
            pem_block(pem).ok_or_else(|| "invalid private key: ssh: no key found".to_string())?;
        match label.as_str() {
            "RSA PRIVATE KEY" => PrivateKey::from_pkcs1(&der),
            "PRIVATE KEY" => PrivateKey::from_pkcs8(&der),
            other => Err(format!("invalid private key: ssh: unsupported key type {other:?}")),
        }
        .map_err(|why| format!("invalid ASN1 data in the given private key: {why}"))
    }

    /// RFC 8017's RSAPrivateKey: version, n, e, d, p, q, and the CRT values.
    fn from_pkcs1(der: &[u8]) -> Result<PrivateKey, String> {
        let mut fields = Der(der).sequence()?;
        fields.integer()?; // version
        let modulus = BigUint::from_bytes_be(fields.integer()?);
        fields.integer()?; // public exponent
        let private_exponent = BigUint::from_bytes_be(fields.integer()?);
        Ok(PrivateKey { modulus, private_exponent })
    }

    /// RFC 5208's PrivateKeyInfo: version, the algorithm, and the key as an octet string.
    fn from_pkcs8(der: &[u8]) -> Result<PrivateKey, String> {
        let mut fields = Der(der).sequence()?;
        fields.integer()?;
        let mut algorithm = fields.sequence()?;
        if algorithm.element(0x06)? != RSA_ENCRYPTION {
            return Err("the key is not an RSA key".to_string());
        }
        PrivateKey::from_pkcs1(fields.element(0x04)?)
    }

    /// RSADP and the PKCS #1 v1.5 unpadding (RFC 8017 7.2.2): `None` for any failure, which
    /// the caller reports as one error, as Go does.
    fn decrypt(&self, ciphertext: &[u8]) -> Option<Vec<u8>> {
        let size = self.modulus.bits().div_ceil(8) as usize;
        if size < 11 || ciphertext.len() != size {
            return None;
        }
        let c = BigUint::from_bytes_be(ciphertext);
        if c >= self.modulus {
            return None;
        }
        let m = c.modpow(&self.private_exponent, &self.modulus).to_bytes_be();
        // The encoded message: 0x00 0x02, at least 8 non-zero padding bytes, 0x00, the message.
        let mut encoded = vec![0; size - m.len()];
        encoded.extend_from_slice(&m);
        if encoded[0] != 0 || encoded[1] != 2 {
            return None;
        }
        let end = encoded[2..].iter().position(|&b| b == 0)? + 2;
        (end >= 10).then(|| encoded[end + 1..].to_vec())
    }
}

/// The label and the decoded body of the first PEM block of `text`.
fn pem_block(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + "-----BEGIN ".len()..];
    let label_end = rest.find("-----")?;
    let label = &rest[..label_end];
    let body_and_end = &rest[label_end + 5..];
    let end = body_and_end.find(&format!("-----END {label}-----"))?;
    let body: String = body_and_end[..end]
        .lines()
        // An encrypted PEM key has headers (`Proc-Type: 4,ENCRYPTED`): refused as undecodable.
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("");
    let der = base64::engine::general_purpose::STANDARD.decode(body.trim()).ok()?;
    Some((label.to_string(), der))
}

/// A reader of DER: each call takes the next element of the expected tag.
struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    /// The contents of the next element, which must have `tag`.
    fn element(&mut self, tag: u8) -> Result<&'a [u8], String> {
        let (&found, rest) = self.0.split_first().ok_or("data truncated")?;
        if found != tag {
            return Err(format!("tags don't match ({tag} vs {found})"));
        }
        let (&first, mut rest) = rest.split_first().ok_or("data truncated")?;
        let length = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return Err("invalid length".to_string());
            }
            let (bytes, after) = rest.split_at(count);
            rest = after;
            bytes.iter().fold(0, |n, &b| (n << 8) | usize::from(b))
        };
        if rest.len() < length {
            return Err("data truncated".to_string());
        }
        let (contents, after) = rest.split_at(length);
        self.0 = after;
        Ok(contents)
    }
    fn sequence(&mut self) -> Result<Der<'a>, String> {
        self.element(0x30).map(Der)
    }
    fn integer(&mut self) -> Result<&'a [u8], String> {
        self.element(0x02)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::with;
    use infra_core::Value;

    const PKCS1: &str = include_str!("testdata/rsa_pkcs1.pem");
    const PKCS8: &str = include_str!("testdata/rsa_pkcs8.pem");
    const EC: &str = include_str!("testdata/ec.pem");
    /// "Hello, infra!", encrypted by `openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:pkcs1`
    /// with the test key (generated for these tests by `openssl genrsa 1024`; it guards nothing).
    const CIPHERTEXT: &str = include_str!("testdata/rsa_ciphertext.b64");

    fn decrypt(ciphertext: &str, key: &str) -> Result<Value, String> {
        with("rsadecrypt(c, k)", &[("c", Value::string(ciphertext)), ("k", Value::string(key))])
            .map_err(|e| e.detail)
    }

    #[test]
    fn decrypts_with_a_pkcs1_or_pkcs8_key() {
        assert_eq!(decrypt(CIPHERTEXT.trim(), PKCS1), Ok(Value::string("Hello, infra!")));
        assert_eq!(decrypt(CIPHERTEXT.trim(), PKCS8), Ok(Value::string("Hello, infra!")));
    }

    #[test]
    fn errors_are_terraforms() {
        let error = decrypt("not base64!", PKCS1).unwrap_err();
        assert!(
            error.contains(
                "failed to decode input \"not base64!\": cipher text must be base64-encoded"
            ),
            "{error}"
        );
        let error = decrypt(CIPHERTEXT.trim(), "no key here").unwrap_err();
        assert!(error.contains("invalid private key"), "{error}");
        let error = decrypt(CIPHERTEXT.trim(), EC).unwrap_err();
        assert!(error.contains("invalid private key"), "{error}");
        // Another message of the right size does not unpad.
        let garbled = {
            use base64::Engine as _;
            let engine = base64::engine::general_purpose::STANDARD;
            let mut bytes = engine.decode(CIPHERTEXT.trim()).unwrap();
            bytes[5] ^= 0xff;
            engine.encode(bytes)
        };
        let error = decrypt(&garbled, PKCS1).unwrap_err();
        assert!(error.contains("failed to decrypt"), "{error}");
    }
}
