//! Encoding functions (base64, JSON, YAML through [`super::yaml`], CSV, text encodings, URLs)
//! and the hash and crypto functions of strings (`sha1`, `md5`, `uuidv5`, `bcrypt`, ...).

use super::{arg_error, integer, number, string, yaml, FnResult, FunctionError};
use base64::Engine as _;
use infra_core::Value;
use sha2::Digest as _;
use std::io::Write as _;

/// SHA-1 (FIPS 180-4). The crate has no SHA-1 dependency, and `sha1`, `filesha1` and
/// `uuidv5` need one.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut state: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut tail = data.chunks_exact(64).remainder().to_vec();
    tail.push(0x80);
    while tail.len() % 64 != 56 {
        tail.push(0);
    }
    tail.extend_from_slice(&(data.len() as u64).wrapping_mul(8).to_be_bytes());
    for block in data.chunks_exact(64).chain(tail.chunks_exact(64)) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = state;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let next = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = next;
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

pub(super) fn base64encode(a: &[Value]) -> FnResult {
    Ok(Value::String(to_base64(string(a, 0)?.as_bytes())))
}

/// `base64decode(string)`: the decoded bytes must be UTF-8.
pub(super) fn base64decode(a: &[Value]) -> FnResult {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(string(a, 0)?.trim())
        .map_err(|e| arg_error(0, format!("invalid base64: {e}")))?;
    Ok(Value::String(
        String::from_utf8(bytes)
            .map_err(|_| arg_error(0, "the decoded bytes are not valid UTF-8"))?,
    ))
}

pub(super) fn jsonencode(a: &[Value]) -> FnResult {
    Ok(Value::String(a[0].to_json().to_string()))
}

pub(super) fn jsondecode(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| arg_error(0, format!("invalid JSON: {e}")))?;
    Ok(Value::from_json(&json))
}

pub(super) fn yamlencode(a: &[Value]) -> FnResult {
    Ok(Value::String(yaml::encode(&a[0])?))
}

pub(super) fn yamldecode(a: &[Value]) -> FnResult {
    yaml::decode(&string(a, 0)?)
}

fn to_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The hash functions of a string hash its UTF-8 bytes.
fn string_bytes(a: &[Value]) -> Result<Vec<u8>, FunctionError> {
    Ok(string(a, 0)?.into_bytes())
}

pub(super) fn md5(a: &[Value]) -> FnResult {
    Ok(Value::String(hex::encode(::md5::Md5::digest(string_bytes(a)?))))
}

/// `sha1(string)` (the [`sha1`] of its bytes, in hex).
pub(super) fn sha1_function(a: &[Value]) -> FnResult {
    Ok(Value::String(hex::encode(sha1(&string_bytes(a)?))))
}

pub(super) fn sha256(a: &[Value]) -> FnResult {
    Ok(Value::String(hex::encode(sha2::Sha256::digest(string_bytes(a)?))))
}

pub(super) fn sha512(a: &[Value]) -> FnResult {
    Ok(Value::String(hex::encode(sha2::Sha512::digest(string_bytes(a)?))))
}

pub(super) fn base64sha256(a: &[Value]) -> FnResult {
    Ok(Value::String(to_base64(&sha2::Sha256::digest(string_bytes(a)?))))
}

pub(super) fn base64sha512(a: &[Value]) -> FnResult {
    Ok(Value::String(to_base64(&sha2::Sha512::digest(string_bytes(a)?))))
}

/// `base64gzip`: gzip (default level, no name, no time, "unknown" OS, as Go writes the
/// header), then base64.
pub(super) fn base64gzip(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(text.as_bytes())
        .map_err(|e| FunctionError::Failed(format!("failed to write gzip raw data: {e}")))?;
    let compressed = encoder
        .finish()
        .map_err(|e| FunctionError::Failed(format!("failed to close gzip writer: {e}")))?;
    Ok(Value::String(to_base64(&compressed)))
}

/// `urlencode`: Go's `url.QueryEscape`, so a space becomes `+`.
pub(super) fn urlencode(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    Ok(Value::String(out))
}

/// The character encodings `textencodebase64` and `textdecodebase64` support.
#[derive(Clone, Copy, PartialEq)]
enum Charset {
    Utf8,
    /// UTF-16 with a byte order mark: big-endian when writing, either when reading.
    Utf16,
    Utf16Be,
    Utf16Le,
    Ascii,
    Latin1,
    Windows1252,
}

impl Charset {
    /// Looks up an IANA name or alias, ignoring case as Terraform does.
    fn lookup(name: &str) -> Option<(Charset, &'static str)> {
        let name = name.trim().to_ascii_lowercase();
        Some(match name.as_str() {
            "utf-8" | "csutf8" => (Charset::Utf8, "UTF-8"),
            "utf-16" | "csutf16" => (Charset::Utf16, "UTF-16"),
            "utf-16be" | "csutf16be" => (Charset::Utf16Be, "UTF-16BE"),
            "utf-16le" | "csutf16le" => (Charset::Utf16Le, "UTF-16LE"),
            "us-ascii" | "iso-ir-6" | "ansi_x3.4-1968" | "ansi_x3.4-1986" | "iso_646.irv:1991"
            | "iso646-us" | "us" | "ibm367" | "cp367" | "csascii" => (Charset::Ascii, "US-ASCII"),
            "iso_8859-1:1987" | "iso-ir-100" | "iso_8859-1" | "iso-8859-1" | "latin1" | "l1"
            | "ibm819" | "cp819" | "csisolatin1" => (Charset::Latin1, "ISO-8859-1"),
            "windows-1252" | "cswindows1252" => (Charset::Windows1252, "windows-1252"),
            _ => return None,
        })
    }
}

/// Windows-1252 bytes 0x80 to 0x9F; the five unassigned ones are `None`.
const WINDOWS_1252_HIGH: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    Some('\u{017D}'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    Some('\u{017E}'),
    Some('\u{0178}'),
];

fn charset_arg(a: &[Value]) -> Result<(Charset, &'static str), FunctionError> {
    let name = string(a, 1)?;
    Charset::lookup(&name).ok_or_else(|| {
        arg_error(
            1,
            format!(
                "{name:?} is not a supported IANA encoding name or alias in this Terraform version"
            ),
        )
    })
}

/// `textencodebase64(string, encoding)`.
pub(super) fn textencodebase64(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let (charset, charset_name) = charset_arg(a)?;
    let unrepresentable = || {
        arg_error(
            0,
            format!(
                "the given string contains characters that cannot be represented in {charset_name}"
            ),
        )
    };
    let mut bytes = Vec::with_capacity(text.len() * 2);
    match charset {
        Charset::Utf8 => bytes.extend_from_slice(text.as_bytes()),
        Charset::Utf16 | Charset::Utf16Be | Charset::Utf16Le => {
            if charset == Charset::Utf16 {
                bytes.extend_from_slice(&[0xFE, 0xFF]);
            }
            for unit in text.encode_utf16() {
                if charset == Charset::Utf16Le {
                    bytes.extend_from_slice(&unit.to_le_bytes());
                } else {
                    bytes.extend_from_slice(&unit.to_be_bytes());
                }
            }
        }
        Charset::Ascii | Charset::Latin1 | Charset::Windows1252 => {
            for c in text.chars() {
                let byte = match charset {
                    Charset::Ascii => u8::try_from(c).ok().filter(u8::is_ascii),
                    Charset::Latin1 => u8::try_from(c).ok(),
                    _ => match u8::try_from(c) {
                        Ok(b) if !(0x80..=0x9F).contains(&b) => Some(b),
                        _ => WINDOWS_1252_HIGH
                            .iter()
                            .position(|h| *h == Some(c))
                            .map(|i| 0x80 + i as u8),
                    },
                };
                bytes.push(byte.ok_or_else(unrepresentable)?);
            }
        }
    }
    Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// `textdecodebase64(source, encoding)`.
pub(super) fn textdecodebase64(a: &[Value]) -> FnResult {
    let source = string(a, 0)?;
    let (charset, charset_name) = charset_arg(a)?;
    // Go's decoder skips line breaks.
    let source: String = source.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(source.as_bytes()).map_err(
        |e| match e {
            base64::DecodeError::InvalidByte(offset, _)
            | base64::DecodeError::InvalidLastSymbol(offset, _) => arg_error(
                0,
                format!("the given value has an invalid base64 symbol at offset {offset}"),
            ),
            other => arg_error(0, format!("invalid source string: {other}")),
        },
    )?;
    let undefined = || {
        arg_error(
            0,
            format!("the given string contains symbols that are not defined for {charset_name}"),
        )
    };
    let decoded: String = match charset {
        Charset::Utf8 => String::from_utf8(bytes).map_err(|_| undefined())?,
        Charset::Utf16 | Charset::Utf16Be | Charset::Utf16Le => {
            let (mut big_endian, mut body) = (charset != Charset::Utf16Le, bytes.as_slice());
            if charset == Charset::Utf16 {
                match body {
                    [0xFE, 0xFF, rest @ ..] => body = rest,
                    [0xFF, 0xFE, rest @ ..] => {
                        big_endian = false;
                        body = rest;
                    }
                    _ => {}
                }
            }
            if body.len() % 2 != 0 {
                return Err(undefined());
            }
            let units = body.chunks_exact(2).map(|pair| {
                let pair = [pair[0], pair[1]];
                if big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            });
            char::decode_utf16(units).collect::<Result<String, _>>().map_err(|_| undefined())?
        }
        Charset::Ascii => bytes
            .iter()
            .map(|b| b.is_ascii().then_some(char::from(*b)))
            .collect::<Option<String>>()
            .ok_or_else(undefined)?,
        Charset::Latin1 => bytes.iter().map(|b| char::from(*b)).collect(),
        Charset::Windows1252 => bytes
            .iter()
            .map(|b| match b {
                0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
                _ => Some(char::from(*b)),
            })
            .collect::<Option<String>>()
            .ok_or_else(undefined)?,
    };
    if decoded.contains('\u{FFFD}') {
        return Err(undefined());
    }
    Ok(Value::String(decoded))
}

/// `uuidv5(namespace, name)`: `dns`, `url`, `oid`, `x500` or a UUID as the namespace.
pub(super) fn uuidv5(a: &[Value]) -> FnResult {
    let namespace = string(a, 0)?;
    let name = string(a, 1)?;
    let namespace_id = match namespace.as_str() {
        "dns" => ::uuid::Uuid::NAMESPACE_DNS,
        "url" => ::uuid::Uuid::NAMESPACE_URL,
        "oid" => ::uuid::Uuid::NAMESPACE_OID,
        "x500" => ::uuid::Uuid::NAMESPACE_X500,
        other => ::uuid::Uuid::parse_str(other).map_err(|e| {
            FunctionError::Failed(format!("uuidv5() doesn't support namespace {other} ({e})"))
        })?,
    };
    let mut input = namespace_id.as_bytes().to_vec();
    input.extend_from_slice(name.as_bytes());
    let hash = sha1(&input);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    Ok(Value::String(::uuid::Builder::from_sha1_bytes(bytes).into_uuid().hyphenated().to_string()))
}

/// `uuid()` at apply time: a random UUID.
pub(super) fn uuid(_: &[Value]) -> FnResult {
    Ok(Value::String(::uuid::Uuid::new_v4().to_string()))
}

/// The types of `bcrypt`'s arguments, checked while planning.
pub(super) fn check_bcrypt(a: &[Value]) -> Result<(), FunctionError> {
    string(a, 0)?;
    if a.len() > 1 {
        number(a, 1)?;
    }
    Ok(())
}

/// `bcrypt(string, cost = 10)` at apply time, in Go's `$2a$` format. Like Go, a cost below 4
/// means the default; a password longer than 72 bytes is refused.
pub(super) fn bcrypt(a: &[Value]) -> FnResult {
    let password = string(a, 0)?;
    let cost = if a.len() > 1 { integer(a, 1)? } else { 10 };
    let cost = if cost < 4 { 10 } else { cost };
    let cost = u32::try_from(cost).ok().filter(|c| *c <= 31).ok_or_else(|| {
        FunctionError::Failed(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed inclusive range 4..31"
        ))
    })?;
    if password.len() > 72 {
        return Err(FunctionError::Failed(
            "error occured generating password bcrypt: password length exceeds 72 bytes".into(),
        ));
    }
    let parts = ::bcrypt::hash_with_result(password.as_bytes(), cost)
        .map_err(|e| FunctionError::Failed(format!("error occured generating password {e}")))?;
    Ok(Value::String(parts.format_for_version(::bcrypt::Version::TwoA)))
}

/// `csvdecode(string)`: the rows after the header line as objects keyed by the header's
/// names, every value a string (cty's stdlib, with Go's `encoding/csv`: RFC 4180 quoting,
/// empty lines skipped, every row as wide as the header).
pub(super) fn csvdecode(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let mut rows = csv_records(&text)?.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(FunctionError::Failed("missing header line".into()));
    };
    let mut seen = std::collections::BTreeSet::new();
    for name in &header {
        if !seen.insert(name) {
            return Err(FunctionError::Failed(format!("duplicate column name {name:?}")));
        }
    }
    let mut objects = Vec::new();
    for (line, fields) in rows {
        if fields.len() != header.len() {
            return Err(FunctionError::Failed(format!(
                "CSV parse error on row {line}, column 1: wrong number of fields"
            )));
        }
        objects.push(Value::map(header.iter().cloned().zip(fields.into_iter().map(Value::String))));
    }
    Ok(Value::List(objects))
}

/// The records of CSV `text` with the line each starts on, as Go's `encoding/csv` reads them.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, FunctionError> {
    let error = |line: usize, column: usize, what: &str| {
        FunctionError::Failed(format!("CSV parse error on row {line}, column {column}: {what}"))
    };
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        // Empty lines are skipped.
        if matches!(chars.peek(), Some('\n')) {
            chars.next();
            line += 1;
            continue;
        }
        if chars.peek() == Some(&'\r') {
            let mut ahead = chars.clone();
            ahead.next();
            if matches!(ahead.peek(), Some('\n') | None) {
                chars.next();
                continue;
            }
        }
        let start = line;
        let mut fields = Vec::new();
        loop {
            let mut field = String::new();
            let mut column = 1;
            if chars.peek() == Some(&'"') {
                chars.next();
                loop {
                    match chars.next() {
                        None => {
                            return Err(error(
                                start,
                                column,
                                "extraneous or missing \" in quoted-field",
                            ))
                        }
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                    column += 1;
                }
                if !matches!(chars.peek(), Some(',' | '\n' | '\r') | None) {
                    return Err(error(line, column, "extraneous or missing \" in quoted-field"));
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if matches!(c, ',' | '\n') {
                        break;
                    }
                    if c == '\r' {
                        let mut ahead = chars.clone();
                        ahead.next();
                        if matches!(ahead.peek(), Some('\n') | None) {
                            break;
                        }
                    }
                    if c == '"' {
                        return Err(error(line, column, "bare \" in non-quoted-field"));
                    }
                    field.push(c);
                    chars.next();
                    column += 1;
                }
            }
            fields.push(field);
            match chars.next() {
                Some(',') => continue,
                Some('\r') => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    break;
                }
                Some('\n') => {
                    line += 1;
                    break;
                }
                _ => break,
            }
        }
        records.push((start, fields));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, ok, s};
    use super::sha1;
    use base64::Engine as _;
    use infra_core::Value;
    use std::io::Read as _;

    #[test]
    fn hashes_like_terraform_docs() {
        assert_eq!(ok("sha1(\"hello world\")"), s("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"));
        assert_eq!(
            ok("sha512(\"hello world\")"),
            s("309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f")
        );
        assert_eq!(
            ok("base64sha256(\"hello world\")"),
            s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
        );
        assert_eq!(
            ok("base64sha512(\"hello world\")"),
            s("MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==")
        );
        // FIPS 180 test vectors, across the one- and two-block paddings.
        assert_eq!(hex::encode(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(hex::encode(sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hex::encode(sha1(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(hex::encode(sha1(&[b'a'; 1000])), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
        assert_eq!(
            hex::encode(sha1(&vec![b'a'; 1_000_000])),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        );
    }

    #[test]
    fn uuidv5_like_terraform_docs() {
        let cases = [
            ("dns", "www.terraform.io", "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
            ("url", "https://www.terraform.io/", "9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5"),
            ("oid", "1.3.6.1.4", "af9d40a5-7a36-5c07-b23a-851cd99fbfa5"),
            ("x500", "CN=Example,C=GB", "84e09961-4aa4-57f8-95b7-03edb1073253"),
            (
                "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                "www.terraform.io",
                "a5008fae-b28c-5ba5-96cd-82b4c53552d6",
            ),
            (
                "743ac3c0-3bf7-4a5b-9e6c-59360447c757",
                "LIBS:diskfont.library",
                "ede1a974-df7e-5f17-84b9-76208818b2c8",
            ),
        ];
        for (namespace, name, want) in cases {
            assert_eq!(ok(&format!("uuidv5({namespace:?}, {name:?})")), s(want));
        }
        assert!(err("uuidv5(\"DNS\", \"x\")").contains("uuidv5() doesn't support namespace DNS"));
    }

    #[test]
    fn urlencode_like_terraform_docs() {
        assert_eq!(ok("urlencode(\"Hello World!\")"), s("Hello+World%21"));
        assert_eq!(ok("urlencode(\"☃\")"), s("%E2%98%83"));
        assert_eq!(
            ok("\"http://example.com/search?q=${urlencode(\"terraform urlencode\")}\""),
            s("http://example.com/search?q=terraform+urlencode")
        );
        assert_eq!(ok("urlencode(\"a-b_c.d~e/f?g=h&i\")"), s("a-b_c.d~e%2Ff%3Fg%3Dh%26i"));
    }

    #[test]
    fn base64gzip_is_gzip_with_gos_header() {
        let encoded = ok("base64gzip(\"hello world hello world\")");
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(encoded.as_str().unwrap()).unwrap();
        // Magic, deflate, no flags, no time, default level, unknown OS: as Go writes it.
        assert_eq!(&bytes[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice()).read_to_string(&mut text).unwrap();
        assert_eq!(text, "hello world hello world");
    }

    #[test]
    fn text_encodings_like_terraform_docs() {
        assert_eq!(
            ok("textencodebase64(\"Hello World\", \"UTF-16LE\")"),
            s("SABlAGwAbABvACAAVwBvAHIAbABkAA==")
        );
        assert_eq!(
            ok("textdecodebase64(\"SABlAGwAbABvACAAVwBvAHIAbABkAA==\", \"UTF-16LE\")"),
            s("Hello World")
        );
        let round_trips = [
            ("UTF-8", "héllo ☃"),
            ("utf-16", "h\u{1F600}"),
            ("UTF-16BE", "hé"),
            ("us-ascii", "plain"),
            ("latin1", "café"),
            ("windows-1252", "€ café"),
        ];
        for (encoding, text) in round_trips {
            assert_eq!(
                ok(&format!(
                    "textdecodebase64(textencodebase64({text:?}, {encoding:?}), {encoding:?})"
                )),
                s(text),
                "{encoding}"
            );
        }
        // UTF-16 writes a big-endian byte order mark and reads either.
        assert_eq!(ok("textencodebase64(\"A\", \"UTF-16\")"), s("/v8AQQ=="));
        assert_eq!(ok("textdecodebase64(\"//5BAA==\", \"UTF-16\")"), s("A"));
        assert_eq!(ok("textencodebase64(\"€\", \"windows-1252\")"), s("gA=="));
        assert_eq!(ok("textencodebase64(\"é\", \"ISO-8859-1\")"), s("6Q=="));
        assert!(err("textencodebase64(\"☃\", \"US-ASCII\")").contains(
            "the given string contains characters that cannot be represented in US-ASCII"
        ));
        assert!(err("textencodebase64(\"x\", \"EBCDIC-nope\")").contains(
            "\"EBCDIC-nope\" is not a supported IANA encoding name or alias in this Terraform version"
        ));
        assert!(err("textdecodebase64(\"gQ==\", \"windows-1252\")")
            .contains("the given string contains symbols that are not defined for windows-1252"));
        assert!(err("textdecodebase64(\"/w==\", \"UTF-8\")")
            .contains("symbols that are not defined for UTF-8"));
        assert!(err("textdecodebase64(\"ab$d\", \"UTF-8\")")
            .contains("the given value has an invalid base64 symbol at offset 2"));
    }

    /// Terraform's `csvdecode` example, quoting as RFC 4180 has it, and its errors.
    #[test]
    fn csvdecode_reads_rows_as_objects_of_strings() {
        let row = |a: &str, b: &str, c: &str| Value::map([("a", s(a)), ("b", s(b)), ("c", s(c))]);
        assert_eq!(
            ok(r#"csvdecode("a,b,c\n1,2,3\n4,5,6")"#),
            Value::List(vec![row("1", "2", "3"), row("4", "5", "6")])
        );
        assert_eq!(
            ok(r#"csvdecode("a,b,c\r\n\"x, \"\"y\"\"\",,\"multi\nline\"\r\n\n")"#),
            Value::List(vec![row("x, \"y\"", "", "multi\nline")])
        );
        assert_eq!(ok(r#"csvdecode("a,b,c\n")"#), Value::List(vec![]));
        assert!(err(r#"csvdecode("")"#).contains("missing header line"));
        assert!(err(r#"csvdecode("a,a\n1,2")"#).contains("duplicate column name \"a\""));
        assert!(err(r#"csvdecode("a,b\n1,2,3")"#).contains("row 2"));
        assert!(err(r#"csvdecode("a,b\n1,x\"y")"#).contains("bare \""));
    }
}
