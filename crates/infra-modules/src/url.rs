//! The little URL handling module sources need, without a URL crate: splitting off and reading
//! a query string, percent-decoding, and resolving a relative reference (`/x`, `./x`, `../x`)
//! against an absolute URL as RFC 3986 does. This module does no IO.

/// Splits `url` at its first `?` into the part before and the query after (without the `?`).
pub(crate) fn split_query(url: &str) -> (&str, Option<&str>) {
    match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    }
}

/// The `key=value` pairs of a query string, raw (not decoded), in order.
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (key.to_string(), value.to_string()),
            None => (pair.to_string(), String::new()),
        })
        .collect()
}

/// Joins raw pairs back into a query string.
pub(crate) fn join_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| if value.is_empty() { key.clone() } else { format!("{key}={value}") })
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes `%XX` escapes (and `+` as a space, as in a query string). Invalid escapes stay as
/// they are.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        index += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        index += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                index += 1;
            }
            byte => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The scheme of an absolute URL (`https` of `https://x`), if it has one.
pub(crate) fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once("://")?;
    let valid = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// The authority (`host:port`, with any `user@`) of an absolute URL.
pub(crate) fn authority(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The path of an absolute URL, without its query or fragment (`/` when there is none).
pub(crate) fn path(url: &str) -> &str {
    let Some((_, rest)) = url.split_once("://") else {
        return "";
    };
    let start = rest.find('/').unwrap_or(rest.len());
    let rest = &rest[start..];
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// Resolves `reference` against the absolute URL `base` (RFC 3986, section 5.2).
pub(crate) fn resolve(base: &str, reference: &str) -> String {
    if scheme(reference).is_some() {
        return reference.to_string();
    }
    let base_scheme = scheme(base).unwrap_or("https");
    if let Some(rest) = reference.strip_prefix("//") {
        return format!("{base_scheme}://{rest}");
    }
    let authority = authority(base).unwrap_or("");
    let prefix = format!("{base_scheme}://{authority}");
    let (reference_path, reference_query) = match reference.find(['?', '#']) {
        Some(at) => (&reference[..at], &reference[at..]),
        None => (reference, ""),
    };
    if reference_path.is_empty() {
        let (base_without_query, _) = split_query(base);
        return format!("{base_without_query}{reference_query}");
    }
    let merged = if reference_path.starts_with('/') {
        reference_path.to_string()
    } else {
        let base_path = path(base);
        let directory = match base_path.rfind('/') {
            Some(at) => &base_path[..=at],
            None => "/",
        };
        format!("{directory}{reference_path}")
    };
    format!("{prefix}{}{reference_query}", remove_dot_segments(&merged))
}

fn remove_dot_segments(path: &str) -> String {
    let mut output: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (index, segment) in segments.iter().enumerate() {
        match *segment {
            "." => trailing_slash = index == last,
            ".." => {
                if output.len() > 1 {
                    output.pop();
                }
                trailing_slash = index == last;
            }
            other => {
                output.push(other);
                trailing_slash = false;
            }
        }
    }
    let mut joined = output.join("/");
    if trailing_slash && !joined.ends_with('/') {
        joined.push('/');
    }
    if !joined.starts_with('/') {
        joined.insert(0, '/');
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_references() {
        let base = "https://registry.test/v1/modules/acme/vpc/aws/6.0.1/download";
        assert_eq!(
            resolve(base, "/archives/vpc.tar.gz"),
            "https://registry.test/archives/vpc.tar.gz"
        );
        assert_eq!(
            resolve(base, "./vpc.tar.gz?archive=tar.gz"),
            "https://registry.test/v1/modules/acme/vpc/aws/6.0.1/vpc.tar.gz?archive=tar.gz"
        );
        assert_eq!(resolve(base, "../../x.zip"), "https://registry.test/v1/modules/acme/vpc/x.zip");
        assert_eq!(
            resolve("http://127.0.0.1:80/.well-known/terraform.json", "/v1/modules/"),
            "http://127.0.0.1:80/v1/modules/"
        );
        assert_eq!(resolve(base, "https://other.test/a"), "https://other.test/a");
        assert_eq!(resolve(base, "//cdn.test/a"), "https://cdn.test/a");
        assert_eq!(resolve("https://h.test", "x/y"), "https://h.test/x/y");
    }

    #[test]
    fn reads_queries() {
        let (base, query) = split_query("https://x.test/r.git?ref=v1&depth=1");
        assert_eq!(base, "https://x.test/r.git");
        let pairs = query_pairs(query.unwrap());
        assert_eq!(pairs[0], ("ref".to_string(), "v1".to_string()));
        assert_eq!(join_query(&pairs), "ref=v1&depth=1");
        assert_eq!(percent_decode("feature%2Fx"), "feature/x");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn splits_urls() {
        assert_eq!(scheme("git+ssh://x"), Some("git+ssh"));
        assert_eq!(scheme("github.com/a/b"), None);
        assert_eq!(authority("https://user@h.test:8443/p?q"), Some("user@h.test:8443"));
        assert_eq!(path("https://h.test/a/b.zip?x=1"), "/a/b.zip");
        assert_eq!(path("https://h.test"), "");
    }
}
