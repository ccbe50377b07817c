//! Module source addresses: reading the `source` argument of a `module` block into a
//! [`Source`] the way Terraform 1.x does, and writing it back in the canonical form recorded in
//! `modules.json` (so that the loader can tell whether the configuration still asks for what
//! was installed). Supported: local paths, module registry addresses, git (`git::`, the
//! `github.com/…` shorthand and `git@host:path`), and HTTP(S) archives or `X-Terraform-Get`
//! pages. S3, GCS, Mercurial and Bitbucket sources are recognised and refused by name. This
//! module does no IO.

use crate::url;
use std::fmt;

/// The registry host of a registry address that names none.
pub const DEFAULT_REGISTRY_HOST: &str = "registry.terraform.io";

/// Why a `source` (or a registry's `X-Terraform-Get` location) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("the module source is empty")]
    Empty,
    #[error("module source \"{address}\" is not supported: {reason}")]
    Unsupported { address: String, reason: String },
    #[error("module source \"{address}\" is not valid: {reason}")]
    Invalid { address: String, reason: String },
    /// A `version` argument with a source that is not a registry address.
    #[error(
        "failed to parse module registry address \"{address}\": {reason}. A \"version\" argument applies only to module registry sources, so \"source\" must be a registry address"
    )]
    VersionNeedsRegistry { address: String, reason: String },
}

/// Where a module's code comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `./path` or `../path`, relative to the calling module's directory.
    Local(String),
    Registry(RegistrySource),
    Git(GitSource),
    Http(HttpSource),
}

/// `[HOST/]NAMESPACE/NAME/PROVIDER[//SUBDIR]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySource {
    /// Lower case, with any `:port`.
    pub host: String,
    pub namespace: String,
    pub name: String,
    pub provider: String,
    pub subdir: Option<String>,
}

/// A git repository, cloned with the `git` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitSource {
    /// What `git clone` is given: `https://…`, `ssh://…`, `file://…`, with any query parameters
    /// other than `ref` and `depth`.
    pub url: String,
    /// `?ref=`: a tag, branch or commit.
    pub reference: Option<String>,
    /// `?depth=`: a shallow clone.
    pub depth: Option<u32>,
    pub subdir: Option<String>,
}

/// An archive (or a page naming one with `X-Terraform-Get`) fetched over HTTP(S).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSource {
    /// The URL fetched, without the `archive` parameter.
    pub url: String,
    /// From the file name or `?archive=`; `None` asks the URL for `X-Terraform-Get`.
    pub archive: Option<ArchiveFormat>,
    /// Whether `?archive=` was given (kept in the canonical form).
    pub archive_forced: bool,
    pub subdir: Option<String>,
}

/// The archive formats that can be unpacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    Zip,
    TarGz,
    Tar,
}

impl ArchiveFormat {
    pub fn name(self) -> &'static str {
        match self {
            ArchiveFormat::Zip => "zip",
            ArchiveFormat::TarGz => "tar.gz",
            ArchiveFormat::Tar => "tar",
        }
    }

    fn from_name(name: &str) -> Option<ArchiveFormat> {
        match name {
            "zip" => Some(ArchiveFormat::Zip),
            "tar.gz" | "tgz" => Some(ArchiveFormat::TarGz),
            "tar" => Some(ArchiveFormat::Tar),
            _ => None,
        }
    }
}

/// Archive formats go-getter knows that are not unpacked here.
const UNSUPPORTED_ARCHIVES: &[&str] = &["tar.bz2", "tbz2", "tar.xz", "txz", "bz2", "xz", "gz"];

impl Source {
    /// Reads a `source` argument.
    pub fn parse(text: &str) -> Result<Source, SourceError> {
        if text.trim().is_empty() {
            return Err(SourceError::Empty);
        }
        if is_local(text) {
            return Ok(Source::Local(text.to_string()));
        }
        // As in Terraform, an address is a registry address exactly when it reads as one;
        // anything else is tried as a remote (go-getter) address.
        if let Ok(registry) = RegistrySource::parse(text) {
            return Ok(Source::Registry(registry));
        }
        parse_remote(text)
    }

    /// Reads a `source` argument of a `module` block that also has a `version` argument, which
    /// only a registry address may have (Terraform's "Invalid registry module source address").
    pub fn parse_with_version(text: &str) -> Result<Source, SourceError> {
        RegistrySource::parse(text).map(Source::Registry).map_err(|reason| {
            SourceError::VersionNeedsRegistry { address: text.to_string(), reason }
        })
    }

    /// Reads a registry's `X-Terraform-Get` location: any remote source but another registry
    /// address.
    pub fn parse_download_location(text: &str) -> Result<Source, SourceError> {
        if text.trim().is_empty() {
            return Err(SourceError::Empty);
        }
        if is_local(text) {
            return Err(SourceError::Invalid {
                address: text.to_string(),
                reason: "a registry download location must be a URL, not a local path".into(),
            });
        }
        parse_remote(text)
    }

    pub fn is_local(&self) -> bool {
        matches!(self, Source::Local(_))
    }

    pub fn is_registry(&self) -> bool {
        matches!(self, Source::Registry(_))
    }

    /// The directory inside the package (`//subdir`), if any.
    pub fn subdir(&self) -> Option<&str> {
        match self {
            Source::Local(_) => None,
            Source::Registry(s) => s.subdir.as_deref(),
            Source::Git(s) => s.subdir.as_deref(),
            Source::Http(s) => s.subdir.as_deref(),
        }
    }
}

/// The canonical form, as recorded in `modules.json`: `registry.terraform.io/ns/name/provider`,
/// `git::https://host/repo.git//sub?ref=v1`, `https://host/x.zip//sub`.
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Local(path) => f.write_str(path),
            Source::Registry(source) => source.fmt(f),
            Source::Git(source) => source.fmt(f),
            Source::Http(source) => source.fmt(f),
        }
    }
}

impl RegistrySource {
    /// Reads `[HOST/]NAMESPACE/NAME/PROVIDER[//SUBDIR]`, returning why not otherwise.
    pub fn parse(text: &str) -> Result<RegistrySource, String> {
        let (package, subdir) = match text.split_once("//") {
            Some((package, subdir)) => (package, Some(subdir)),
            None => (text, None),
        };
        let subdir = match subdir {
            Some(subdir) => clean_subdir(subdir)?,
            None => None,
        };
        let parts: Vec<&str> = package.split('/').collect();
        if parts.len() != 3 && parts.len() != 4 {
            return Err(
                "a module registry source address must have either three or four slash-separated components".into(),
            );
        }
        let (host, rest) = if parts.len() == 4 {
            (parse_host(parts[0])?, &parts[1..])
        } else {
            (DEFAULT_REGISTRY_HOST.to_string(), &parts[..])
        };
        if host == "github.com" || host == "bitbucket.org" {
            return Err(format!("can't use \"{host}\" as a module registry host, because it's reserved for installing directly from version control repositories"));
        }
        if rest[2].contains('?') {
            return Err("a module registry source address must not include a query string".into());
        }
        let namespace =
            registry_name(rest[0]).map_err(|e| format!("invalid namespace {:?}: {e}", rest[0]))?;
        let name = registry_name(rest[1])
            .map_err(|e| format!("invalid module name {:?}: {e}", rest[1]))?;
        let provider = rest[2];
        if provider.is_empty()
            || provider.len() > 64
            || !provider.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return Err(format!(
                "invalid target system {provider:?}: must be between one and 64 ASCII letters or digits"
            ));
        }
        Ok(RegistrySource {
            host,
            namespace: namespace.to_string(),
            name: name.to_string(),
            provider: provider.to_string(),
            subdir,
        })
    }

    /// `host/namespace/name/provider`, without the subdirectory.
    pub fn package(&self) -> String {
        format!("{}/{}/{}/{}", self.host, self.namespace, self.name, self.provider)
    }
}

impl fmt::Display for RegistrySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.package())?;
        if let Some(subdir) = &self.subdir {
            write!(f, "//{subdir}")?;
        }
        Ok(())
    }
}

impl fmt::Display for GitSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (base, query) = url::split_query(&self.url);
        let mut pairs = query.map(url::query_pairs).unwrap_or_default();
        if let Some(reference) = &self.reference {
            pairs.push(("ref".into(), reference.clone()));
        }
        if let Some(depth) = self.depth {
            pairs.push(("depth".into(), depth.to_string()));
        }
        write!(f, "git::{base}")?;
        if let Some(subdir) = &self.subdir {
            write!(f, "//{subdir}")?;
        }
        if !pairs.is_empty() {
            write!(f, "?{}", url::join_query(&pairs))?;
        }
        Ok(())
    }
}

impl fmt::Display for HttpSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (base, query) = url::split_query(&self.url);
        let mut pairs = query.map(url::query_pairs).unwrap_or_default();
        if let (true, Some(archive)) = (self.archive_forced, self.archive) {
            pairs.push(("archive".into(), archive.name().into()));
        }
        f.write_str(base)?;
        if let Some(subdir) = &self.subdir {
            write!(f, "//{subdir}")?;
        }
        if !pairs.is_empty() {
            write!(f, "?{}", url::join_query(&pairs))?;
        }
        Ok(())
    }
}

fn is_local(text: &str) -> bool {
    ["./", "../", ".\\", "..\\"].iter().any(|prefix| text.starts_with(prefix))
}

fn parse_host(text: &str) -> Result<String, String> {
    let (name, port) = match text.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (text, None),
    };
    if let Some(port) = port {
        if port.is_empty()
            || !port.chars().all(|c| c.is_ascii_digit())
            || port.parse::<u16>().is_err()
        {
            return Err(format!("invalid module registry hostname {text:?}"));
        }
    }
    let valid_label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if name.is_empty() || !name.split('.').all(valid_label) {
        return Err(format!("invalid module registry hostname {text:?}"));
    }
    if name.contains("--") {
        return Err(format!("invalid module registry hostname {text:?}; internationalized domain names must be given as direct unicode characters, not in punycode"));
    }
    if !name.contains('.') {
        return Err("invalid module registry hostname: must contain at least one dot".into());
    }
    Ok(text.to_lowercase())
}

fn registry_name(text: &str) -> Result<&str, &'static str> {
    let chars: Vec<char> = text.chars().collect();
    let ends_ok = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let valid = !chars.is_empty()
        && chars.len() <= 64
        && ends_ok(chars.first())
        && ends_ok(chars.last())
        && chars.iter().all(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_');
    if valid {
        Ok(text)
    } else {
        Err("must be between one and 64 characters, including ASCII letters, digits, dashes, and underscores, where dashes and underscores may not be the prefix or suffix")
    }
}

/// Cleans `//subdir`: no `.` or empty components, and none leading out of the package.
fn clean_subdir(subdir: &str) -> Result<Option<String>, String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in subdir.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "subdirectory path {subdir:?} leads outside of the module package"
                    ));
                }
            }
            other => parts.push(other),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

/// go-getter's split of `URL//subdir?query` into `URL?query` and `subdir`.
fn split_subdir(text: &str) -> (String, Option<String>) {
    let stop = text.find('?').unwrap_or(text.len());
    let offset = text[..stop].find("://").map(|at| at + 3).unwrap_or(0);
    let Some(at) = text[offset..stop].find("//") else {
        return (text.to_string(), None);
    };
    let at = at + offset;
    let mut package = text[..at].to_string();
    let mut subdir = text[at + 2..].to_string();
    if let Some(query_at) = subdir.find('?') {
        package.push_str(&subdir[query_at..]);
        subdir.truncate(query_at);
    }
    (package, Some(subdir))
}

fn unsupported(text: &str, reason: &str) -> SourceError {
    SourceError::Unsupported { address: text.to_string(), reason: reason.to_string() }
}

fn invalid(text: &str, reason: impl Into<String>) -> SourceError {
    SourceError::Invalid { address: text.to_string(), reason: reason.into() }
}

const SUPPORTED: &str =
    "modules can come from local paths (./…), module registries, git (git::…) and HTTP(S) archives";

fn parse_remote(text: &str) -> Result<Source, SourceError> {
    let (forced, rest) = match text.split_once("::") {
        Some((getter, rest))
            if !getter.is_empty() && getter.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (Some(getter.to_ascii_lowercase()), rest)
        }
        _ => (None, text),
    };
    let (package, subdir) = split_subdir(rest);
    let subdir = match subdir {
        Some(subdir) => clean_subdir(&subdir).map_err(|reason| invalid(text, reason))?,
        None => None,
    };
    match forced.as_deref() {
        Some("git") => return parse_git(text, &package, subdir),
        Some("http") | Some("https") => return parse_http(text, &package, subdir),
        Some("s3") => return Err(unsupported(text, &format!("S3 buckets are not a supported module source; {SUPPORTED}"))),
        Some("gcs") => return Err(unsupported(text, &format!("Google Cloud Storage is not a supported module source; {SUPPORTED}"))),
        Some("hg") => return Err(unsupported(text, &format!("Mercurial repositories are not a supported module source; {SUPPORTED}"))),
        Some("file") => return Err(unsupported(text, &format!("copying from an absolute path is not supported; use a relative path (./…) or git::file://…; {SUPPORTED}"))),
        Some(other) => return Err(unsupported(text, &format!("\"{other}::\" is not a known source type; {SUPPORTED}"))),
        None => {}
    }
    if let Some(rest) = package.strip_prefix("github.com/") {
        return github_shorthand(text, rest, subdir);
    }
    if package.starts_with("bitbucket.org/") {
        return Err(unsupported(text, &format!("the bitbucket.org shorthand is not supported; use git::https://bitbucket.org/…; {SUPPORTED}")));
    }
    let host = package.split('/').next().unwrap_or("");
    if host.contains(".s3") && host.ends_with(".amazonaws.com") || package.starts_with("s3://") {
        return Err(unsupported(
            text,
            &format!("S3 buckets are not a supported module source; {SUPPORTED}"),
        ));
    }
    if package.starts_with("www.googleapis.com/storage/") || package.starts_with("gs://") {
        return Err(unsupported(
            text,
            &format!("Google Cloud Storage is not a supported module source; {SUPPORTED}"),
        ));
    }
    if scp_like(&package).is_some() {
        return parse_git(text, &package, subdir);
    }
    match url::scheme(&package) {
        Some("http") | Some("https") => parse_http(text, &package, subdir),
        Some(scheme) => Err(unsupported(text, &format!("the \"{scheme}://\" scheme needs a source type such as git::{scheme}://…; {SUPPORTED}"))),
        None if package.starts_with('/') => Err(unsupported(text, &format!("an absolute path is not a local module path; use a path relative to the calling module, starting with ./ or ../; {SUPPORTED}"))),
        None => Err(invalid(text, "a local path must begin with ./ or ../, a registry address has the form [HOST/]NAMESPACE/NAME/PROVIDER, and other sources need a URL (git::https://…, https://…/module.zip)")),
    }
}

/// `user@host:path` (without a scheme), as git and go-getter accept for SSH.
fn scp_like(text: &str) -> Option<(&str, &str)> {
    if url::scheme(text).is_some() {
        return None;
    }
    let (user_host, path) = text.split_once(':')?;
    let (user, host) = user_host.split_once('@')?;
    let word = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    (word(user) && word(host) && !path.is_empty()).then_some((user_host, path))
}

fn github_shorthand(text: &str, rest: &str, subdir: Option<String>) -> Result<Source, SourceError> {
    let (path, query) = url::split_query(rest);
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 2 || parts[0].is_empty() || parts[1].is_empty() {
        return Err(invalid(text, "GitHub addresses have the form github.com/OWNER/REPOSITORY"));
    }
    let mut repository = parts[1].to_string();
    if !repository.ends_with(".git") {
        repository.push_str(".git");
    }
    let mut url = format!("https://github.com/{}/{repository}", parts[0]);
    // Further path components name a directory inside the repository.
    let extra = parts[2..].join("/");
    let subdir = match (extra.is_empty(), subdir) {
        (true, subdir) => subdir,
        (false, None) => clean_subdir(&extra).map_err(|reason| invalid(text, reason))?,
        (false, Some(subdir)) => {
            clean_subdir(&format!("{extra}/{subdir}")).map_err(|reason| invalid(text, reason))?
        }
    };
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    parse_git(text, &url, subdir)
}

fn parse_git(text: &str, package: &str, subdir: Option<String>) -> Result<Source, SourceError> {
    let (base, query) = url::split_query(package);
    let base = match scp_like(base) {
        Some((user_host, path)) => {
            if path.starts_with('/') {
                format!("ssh://{user_host}{path}")
            } else {
                format!("ssh://{user_host}/{path}")
            }
        }
        None => base.to_string(),
    };
    match url::scheme(&base) {
        Some("https" | "http" | "ssh" | "file" | "git") => {}
        Some(other) => {
            return Err(unsupported(text, &format!("git over \"{other}://\" is not supported; use https://, ssh:// or file://")))
        }
        None => {
            return Err(invalid(text, "a git source needs a URL: git::https://…, git::ssh://…, git::file://… or git@host:path"))
        }
    }
    if url::authority(&base).is_none_or(str::is_empty) && url::scheme(&base) != Some("file") {
        return Err(invalid(text, "the git URL has no host"));
    }
    let mut reference = None;
    let mut depth = None;
    let mut rest = Vec::new();
    for (key, value) in query.map(url::query_pairs).unwrap_or_default() {
        match key.as_str() {
            "ref" => {
                let value = url::percent_decode(&value);
                if value.is_empty() {
                    return Err(invalid(text, "the \"ref\" argument is empty"));
                }
                if value.starts_with('-') {
                    return Err(invalid(text, format!("the ref {value:?} may not start with a dash")));
                }
                reference = Some(value);
            }
            "depth" => {
                depth = Some(value.parse::<u32>().ok().filter(|d| *d > 0).ok_or_else(|| {
                    invalid(text, format!("depth {value:?} must be a positive whole number"))
                })?);
            }
            "sshkey" => {
                return Err(unsupported(text, "the \"sshkey\" argument is not supported; configure the key for ssh or git instead"))
            }
            _ => rest.push((key, value)),
        }
    }
    let mut url = base;
    if !rest.is_empty() {
        url.push('?');
        url.push_str(&url::join_query(&rest));
    }
    Ok(Source::Git(GitSource { url, reference, depth, subdir }))
}

fn parse_http(text: &str, package: &str, subdir: Option<String>) -> Result<Source, SourceError> {
    let (base, query) = url::split_query(package);
    if !matches!(url::scheme(base), Some("http" | "https")) {
        return Err(invalid(text, "an HTTP source must start with http:// or https://"));
    }
    if url::authority(base).is_none_or(str::is_empty) {
        return Err(invalid(text, "the URL has no host"));
    }
    let mut archive = None;
    let mut archive_forced = false;
    let mut rest = Vec::new();
    for (key, value) in query.map(url::query_pairs).unwrap_or_default() {
        if key == "archive" {
            archive_forced = true;
            if value == "false" {
                continue;
            }
            archive = Some(ArchiveFormat::from_name(&value).ok_or_else(|| {
                unsupported(text, &format!("the archive format {value:?} is not supported; use zip, tar.gz (tgz) or tar"))
            })?);
        } else {
            rest.push((key, value));
        }
    }
    if !archive_forced {
        let path = url::path(base).to_ascii_lowercase();
        for name in ["tar.gz", "tgz", "zip", "tar"] {
            if path.ends_with(&format!(".{name}")) {
                archive = ArchiveFormat::from_name(name);
                break;
            }
        }
        if archive.is_none() {
            if let Some(name) =
                UNSUPPORTED_ARCHIVES.iter().find(|name| path.ends_with(&format!(".{name}")))
            {
                return Err(unsupported(text, &format!("the archive format {name:?} is not supported; use zip, tar.gz (tgz) or tar")));
            }
        }
    }
    let mut url = base.to_string();
    if !rest.is_empty() {
        url.push('?');
        url.push_str(&url::join_query(&rest));
    }
    Ok(Source::Http(HttpSource { url, archive, archive_forced, subdir }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Source {
        Source::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn canonical(text: &str) -> String {
        parse(text).to_string()
    }

    #[test]
    fn local_paths() {
        assert_eq!(parse("./modules/vpc"), Source::Local("./modules/vpc".into()));
        assert_eq!(parse("../shared"), Source::Local("../shared".into()));
        assert_eq!(canonical("./x"), "./x");
    }

    #[test]
    fn registry_addresses() {
        let Source::Registry(source) = parse("terraform-aws-modules/vpc/aws") else {
            panic!("not a registry source");
        };
        assert_eq!(source.host, "registry.terraform.io");
        assert_eq!(source.namespace, "terraform-aws-modules");
        assert_eq!(source.name, "vpc");
        assert_eq!(source.provider, "aws");
        assert_eq!(source.subdir, None);
        assert_eq!(
            canonical("terraform-aws-modules/iam/aws//modules/iam-user"),
            "registry.terraform.io/terraform-aws-modules/iam/aws//modules/iam-user"
        );
        assert_eq!(canonical("Registry.Test/acme/vpc/aws"), "registry.test/acme/vpc/aws");
        assert_eq!(canonical("127.0.0.1:8443/acme/vpc/aws"), "127.0.0.1:8443/acme/vpc/aws");
        let Source::Registry(source) = parse("app.terraform.io/acme_corp/net-work/azurerm//a/./b")
        else {
            panic!("not a registry source");
        };
        assert_eq!(source.subdir.as_deref(), Some("a/b"));
    }

    #[test]
    fn registry_errors_name_the_problem() {
        for (text, reason) in [
            ("acme/vpc/AWS", "invalid target system"),
            ("acme/-vpc/aws", "invalid module name"),
            ("localhost/acme/vpc/aws", "must contain at least one dot"),
            ("xn--caf-dma.fr/acme/vpc/aws", "punycode"),
            ("acme/vpc/aws//../x", "leads outside of the module package"),
            ("acme/vpc", "three or four"),
        ] {
            let error = Source::parse_with_version(text).unwrap_err();
            let message = error.to_string();
            assert!(message.contains(reason), "{text}: {message}");
            assert!(message.contains(&format!("\"{text}\"")), "{message}");
        }
    }

    #[test]
    fn version_is_only_for_registry_sources() {
        assert!(Source::parse_with_version("acme/vpc/aws").is_ok());
        for text in ["./local", "git::https://example.com/x.git", "github.com/org/repo"] {
            let error = Source::parse_with_version(text).unwrap_err();
            assert!(matches!(error, SourceError::VersionNeedsRegistry { .. }), "{text}");
            assert!(error.to_string().contains("\"version\" argument"), "{error}");
        }
    }

    #[test]
    fn git_sources() {
        let Source::Git(source) =
            parse("git::https://example.com/network.git//modules/vpc?ref=v1.2.0&depth=1")
        else {
            panic!("not git");
        };
        assert_eq!(source.url, "https://example.com/network.git");
        assert_eq!(source.reference.as_deref(), Some("v1.2.0"));
        assert_eq!(source.depth, Some(1));
        assert_eq!(source.subdir.as_deref(), Some("modules/vpc"));
        assert_eq!(
            source.to_string(),
            "git::https://example.com/network.git//modules/vpc?ref=v1.2.0&depth=1"
        );
        assert_eq!(
            canonical("git::ssh://git@example.com/storage.git"),
            "git::ssh://git@example.com/storage.git"
        );
        assert_eq!(
            canonical("git::file:///tmp/repo.git?ref=v1.0.0"),
            "git::file:///tmp/repo.git?ref=v1.0.0"
        );
        assert_eq!(
            canonical("git@github.com:hashicorp/example.git"),
            "git::ssh://git@github.com/hashicorp/example.git"
        );
        assert_eq!(
            canonical("git::git@example.com:org/repo.git//sub?ref=main"),
            "git::ssh://git@example.com/org/repo.git//sub?ref=main"
        );
        assert_eq!(
            canonical("git::https://example.com/x.git?ref=feature%2Fy"),
            "git::https://example.com/x.git?ref=feature/y"
        );
    }

    #[test]
    fn github_shorthand_is_git_over_https() {
        assert_eq!(
            canonical("github.com/hashicorp/example"),
            "git::https://github.com/hashicorp/example.git"
        );
        assert_eq!(
            canonical("github.com/hashicorp/example//modules/x?ref=v1"),
            "git::https://github.com/hashicorp/example.git//modules/x?ref=v1"
        );
        assert_eq!(
            canonical("github.com/hashicorp/example.git/sub"),
            "git::https://github.com/hashicorp/example.git//sub"
        );
    }

    #[test]
    fn http_archives() {
        let Source::Http(source) = parse("https://example.com/vpc-module.zip") else {
            panic!("not http");
        };
        assert_eq!(source.archive, Some(ArchiveFormat::Zip));
        assert_eq!(
            parse("https://example.com/m.tar.gz//sub"),
            Source::Http(HttpSource {
                url: "https://example.com/m.tar.gz".into(),
                archive: Some(ArchiveFormat::TarGz),
                archive_forced: false,
                subdir: Some("sub".into()),
            })
        );
        let Source::Http(source) = parse("http://example.com/m.tgz") else {
            panic!("not http");
        };
        assert_eq!(source.archive, Some(ArchiveFormat::TarGz));
        let Source::Http(source) = parse("https://example.com/download?archive=zip&token=1") else {
            panic!("not http");
        };
        assert_eq!(source.archive, Some(ArchiveFormat::Zip));
        assert_eq!(source.url, "https://example.com/download?token=1");
        assert_eq!(source.to_string(), "https://example.com/download?token=1&archive=zip");
        let Source::Http(source) =
            parse("https://api.github.com/repos/h/c/tarball/v0.0.1//*?archive=tar.gz")
        else {
            panic!("not http");
        };
        assert_eq!(source.subdir.as_deref(), Some("*"));
        assert_eq!(source.archive, Some(ArchiveFormat::TarGz));
        let Source::Http(source) = parse("https://example.com/module") else {
            panic!("not http");
        };
        assert_eq!(source.archive, None);
    }

    #[test]
    fn other_forms_are_refused_by_name() {
        for (text, word) in [
            ("s3::https://s3-eu-west-1.amazonaws.com/bucket/vpc.zip", "S3"),
            ("bucket.s3-eu-west-1.amazonaws.com/vpc.zip", "S3"),
            ("gcs::https://www.googleapis.com/storage/v1/b/vpc.zip", "Google Cloud Storage"),
            ("hg::http://example.com/vpc.hg", "Mercurial"),
            ("bitbucket.org/hashicorp/tf-consul", "bitbucket"),
            ("https://example.com/x.tar.bz2", "tar.bz2"),
            ("https://example.com/x?archive=rar", "rar"),
            ("svn::https://example.com/x", "svn::"),
            ("/abs/path", "absolute path"),
            ("ftp://example.com/x.zip", "ftp://"),
            ("git::ftp://example.com/x.git", "ftp://"),
        ] {
            let error = Source::parse(text).unwrap_err();
            let message = error.to_string();
            assert!(matches!(error, SourceError::Unsupported { .. }), "{text}: {message}");
            assert!(message.contains(word), "{text}: {message}");
            assert!(message.contains(&format!("\"{text}\"")), "{message}");
        }
    }

    #[test]
    fn nonsense_is_invalid() {
        for text in [
            "vpc",
            "a/b",
            "git::nothing",
            "git::https://x.test/r.git?depth=0",
            "git::https://x.test/r.git?ref=--upload-pack=x",
        ] {
            let error = Source::parse(text).unwrap_err();
            assert!(matches!(error, SourceError::Invalid { .. }), "{text}: {error}");
        }
        assert_eq!(Source::parse("  ").unwrap_err(), SourceError::Empty);
    }

    #[test]
    fn download_locations_cannot_be_local() {
        assert!(Source::parse_download_location("./x").is_err());
        assert!(Source::parse_download_location("https://x.test/a.zip").is_ok());
    }
}
