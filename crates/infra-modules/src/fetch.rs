//! Getting a remote module package onto disk: git repositories through the `git` command
//! (clone, then check out the `ref`: tag, branch or commit), HTTP(S) archives through ureq (zip,
//! tar, tar.gz, unpacked safely), HTTP pages that name the real location with
//! `X-Terraform-Get`, and choosing the `//subdir` (with `*` globs) inside the package.
//! Registry addresses are resolved to one of these before they get here.

use crate::archive::{self, ArchiveError};
use crate::http::{body_excerpt, Http, HttpError};
use crate::source::{GitSource, HttpSource, Source};
use crate::url;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A package that could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(
        "the git command could not be run ({error}); installing git sources needs git on PATH"
    )]
    GitMissing { error: std::io::Error },
    #[error("git {step} of {url} failed: {stderr}")]
    Git { step: &'static str, url: String, stderr: String },
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{url} answered HTTP {status}: {body}")]
    Status { url: String, status: u16, body: String },
    #[error("{url} is not an archive and gave no X-Terraform-Get location")]
    NoLocation { url: String },
    #[error("{url} named \"{location}\", which cannot be installed: {reason}")]
    BadLocation { url: String, location: String, reason: String },
    #[error("unpacking {url}: {error}")]
    Archive { url: String, error: ArchiveError },
    #[error("cannot write the download of {url} to a temporary file: {error}")]
    Temporary { url: String, error: std::io::Error },
    #[error("the package has no directory \"{subdir}\"")]
    SubdirMissing { subdir: String },
    #[error(
        "the package directory pattern \"{subdir}\" matches {count} directories; it must match one"
    )]
    SubdirAmbiguous { subdir: String, count: usize },
    #[error("cannot read {}: {error}", path.display())]
    Read { path: PathBuf, error: std::io::Error },
}

/// Fetches `source`'s package into the empty directory `dest`. Returns the subdirectory the
/// package itself asks for beyond the source's own (from an `X-Terraform-Get` indirection).
pub fn fetch(source: &Source, http: &Http, dest: &Path) -> Result<Option<String>, FetchError> {
    match source {
        Source::Git(git) => fetch_git(git, dest).map(|()| None),
        Source::Http(page) => fetch_http(page, http, dest, 0),
        Source::Local(_) | Source::Registry(_) => Err(FetchError::BadLocation {
            url: source.to_string(),
            location: source.to_string(),
            reason: "local paths and registry addresses are not fetched directly".into(),
        }),
    }
}

fn git(dir: Option<&Path>, step: &'static str, url: &str, args: &[&str]) -> Result<(), FetchError> {
    let mut command = Command::new("git");
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let output = command
        .args(["-c", "advice.detachedHead=false"])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|error| FetchError::GitMissing { error })?;
    if output.status.success() {
        return Ok(());
    }
    Err(FetchError::Git {
        step,
        url: url.to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    })
}

fn fetch_git(source: &GitSource, dest: &Path) -> Result<(), FetchError> {
    let dest_text = dest.to_string_lossy().into_owned();
    let depth = source.depth.map(|d| d.to_string());
    let mut args: Vec<&str> = vec!["clone", "--quiet"];
    if let Some(depth) = &depth {
        // A shallow clone can only start at a branch or tag, so the ref is named here.
        args.extend(["--depth", depth]);
        if let Some(reference) = &source.reference {
            args.extend(["--branch", reference]);
        }
    }
    args.extend(["--", &source.url, &dest_text]);
    git(None, "clone", &source.url, &args)?;
    if let (None, Some(reference)) = (&depth, &source.reference) {
        git(Some(dest), "checkout", &source.url, &["checkout", "--quiet", reference, "--"])?;
    }
    if dest.join(".gitmodules").is_file() {
        git(
            Some(dest),
            "submodule update",
            &source.url,
            &["submodule", "update", "--init", "--recursive", "--quiet"],
        )?;
    }
    Ok(())
}

/// How many `X-Terraform-Get` pages may lead to one another.
const MAX_INDIRECTIONS: usize = 3;

fn fetch_http(
    source: &HttpSource,
    http: &Http,
    dest: &Path,
    indirections: usize,
) -> Result<Option<String>, FetchError> {
    let Some(format) = source.archive else {
        return follow_terraform_get(source, http, dest, indirections);
    };
    let mut response = http.get(&source.url, None)?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(FetchError::Status {
            url: source.url.clone(),
            status,
            body: body_excerpt(&mut response),
        });
    }
    let temporary = |error| FetchError::Temporary { url: source.url.clone(), error };
    let mut file = tempfile::tempfile().map_err(temporary)?;
    let mut reader = response.into_body().into_reader();
    std::io::copy(&mut reader, &mut file).map_err(|error| {
        FetchError::Http(HttpError { url: source.url.clone(), message: error.to_string() })
    })?;
    archive::unpack(&mut file, format, dest)
        .map_err(|error| FetchError::Archive { url: source.url.clone(), error })?;
    Ok(None)
}

/// go-getter's HTTP getter: `GET url?terraform-get=1`, then the location in the
/// `X-Terraform-Get` header or a `<meta name="terraform-get" content="…">` tag.
fn follow_terraform_get(
    source: &HttpSource,
    http: &Http,
    dest: &Path,
    indirections: usize,
) -> Result<Option<String>, FetchError> {
    let request_url = if source.url.contains('?') {
        format!("{}&terraform-get=1", source.url)
    } else {
        format!("{}?terraform-get=1", source.url)
    };
    let mut response = http.get(&request_url, None)?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(FetchError::Status {
            url: source.url.clone(),
            status,
            body: body_excerpt(&mut response),
        });
    }
    let header = response
        .headers()
        .get("X-Terraform-Get")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let location = match header {
        Some(location) => location,
        None => {
            let body = response
                .body_mut()
                .with_config()
                .limit(1024 * 1024)
                .read_to_string()
                .unwrap_or_default();
            meta_terraform_get(&body)
                .ok_or_else(|| FetchError::NoLocation { url: source.url.clone() })?
        }
    };
    let location_url =
        if location.starts_with('/') || location.starts_with("./") || location.starts_with("../") {
            url::resolve(&source.url, &location)
        } else {
            location.clone()
        };
    let bad = |reason: String| FetchError::BadLocation {
        url: source.url.clone(),
        location: location.clone(),
        reason,
    };
    let next = Source::parse_download_location(&location_url).map_err(|e| bad(e.to_string()))?;
    let extra = next.subdir().map(str::to_string);
    let deeper = match &next {
        Source::Git(git) => {
            fetch_git(git, dest)?;
            None
        }
        Source::Http(page) => {
            if page.archive.is_none() && indirections + 1 >= MAX_INDIRECTIONS {
                return Err(bad(format!(
                    "more than {MAX_INDIRECTIONS} X-Terraform-Get pages in a row"
                )));
            }
            fetch_http(page, http, dest, indirections + 1)?
        }
        Source::Local(_) | Source::Registry(_) => {
            return Err(bad("the location must be a git or HTTP address".into()))
        }
    };
    Ok(join_subdirs(extra.as_deref(), deeper.as_deref()))
}

fn meta_terraform_get(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<meta") {
        let start = from + at;
        let end = lower[start..].find('>').map(|e| start + e)?;
        let tag = &html[start..end];
        let tag_lower = &lower[start..end];
        if tag_lower.contains("name=\"terraform-get\"") {
            let content_at = tag_lower.find("content=\"")? + "content=\"".len();
            let content_end = tag[content_at..].find('"')? + content_at;
            return Some(tag[content_at..content_end].replace("&amp;", "&"));
        }
        from = end;
    }
    None
}

/// `a` then `b`, either possibly absent.
pub(crate) fn join_subdirs(a: Option<&str>, b: Option<&str>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}/{b}")),
        (Some(a), None) => Some(a.to_string()),
        (None, Some(b)) => Some(b.to_string()),
        (None, None) => None,
    }
}

/// The directory `subdir` names inside `package`; a component with `*` or `?` must match
/// exactly one directory (GitHub tarballs are wrapped in one: `//*`).
pub fn select_subdir(package: &Path, subdir: Option<&str>) -> Result<PathBuf, FetchError> {
    let Some(subdir) = subdir else {
        return Ok(package.to_path_buf());
    };
    let mut current = package.to_path_buf();
    for component in subdir.split('/').filter(|c| !c.is_empty() && *c != ".") {
        if component.contains(['*', '?']) {
            let entries = std::fs::read_dir(&current)
                .map_err(|error| FetchError::Read { path: current.clone(), error })?;
            let mut matches: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter(|e| glob_match(component, &e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect();
            match matches.len() {
                1 => current = matches.remove(0),
                0 => return Err(FetchError::SubdirMissing { subdir: subdir.to_string() }),
                count => {
                    return Err(FetchError::SubdirAmbiguous { subdir: subdir.to_string(), count })
                }
            }
        } else {
            current.push(component);
        }
    }
    if !current.is_dir() {
        return Err(FetchError::SubdirMissing { subdir: subdir.to_string() });
    }
    Ok(current)
}

/// `*` (any run) and `?` (one character) matching of a whole name.
fn glob_match(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let (mut p, mut n) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some(p);
            mark = n;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            n = mark;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*", "hashicorp-consul-abc123"));
        assert!(glob_match("mod-?", "mod-a"));
        assert!(!glob_match("mod-?", "mod-ab"));
        assert!(glob_match("a*c", "abbbc"));
        assert!(!glob_match("a*c", "abbbd"));
    }

    #[test]
    fn subdirs_with_globs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("wrapper-123/modules/x")).unwrap();
        let found = select_subdir(dir.path(), Some("*/modules/x")).unwrap();
        assert_eq!(found, dir.path().join("wrapper-123/modules/x"));
        assert!(matches!(
            select_subdir(dir.path(), Some("*/nope")),
            Err(FetchError::SubdirMissing { .. })
        ));
        std::fs::create_dir_all(dir.path().join("wrapper-456")).unwrap();
        assert!(matches!(
            select_subdir(dir.path(), Some("*")),
            Err(FetchError::SubdirAmbiguous { count: 2, .. })
        ));
    }

    #[test]
    fn meta_tags() {
        let html = r#"<html><head><meta charset="utf-8"><META name="terraform-get" content="git::https://x.test/r.git?ref=v1&amp;depth=1"></head></html>"#;
        assert_eq!(
            meta_terraform_get(html).as_deref(),
            Some("git::https://x.test/r.git?ref=v1&depth=1")
        );
        assert_eq!(meta_terraform_get("<html></html>"), None);
    }
}
