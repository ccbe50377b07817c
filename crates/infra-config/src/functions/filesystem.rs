//! The `file*` functions, which read files relative to the module's directory (after
//! expanding a leading `~`), and the path functions `basename`, `dirname`, `abspath` and
//! `pathexpand`, which follow Go's `path/filepath` on Unix as Terraform does.

use super::encoding::sha1;
use super::{arg_error, module_path, string, Ctx, FnResult, FunctionError};
use base64::Engine as _;
use infra_core::Value;
use sha2::Digest as _;

/// Go's `filepath.Clean`: the shortest equivalent path, by purely lexical processing.
pub(super) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(last) if *last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Base`: the last element, ignoring trailing slashes.
pub(super) fn basename(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed
        .rsplit_once('/')
        .map_or(trimmed, |(_, last)| last)
        .to_string()
}

/// Go's `filepath.Dir`: everything but the last element, cleaned.
pub(super) fn dirname(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..=i]),
        None => ".".into(),
    }
}

/// Go's `filepath.Abs`: joined to the current directory (Terraform's working directory) when
/// relative, then cleaned.
pub(super) fn abspath(path: &str) -> Result<String, FunctionError> {
    if path.starts_with('/') {
        return Ok(clean(path));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| FunctionError::Failed(format!("cannot find the current directory: {e}")))?;
    Ok(clean(&format!("{}/{path}", cwd.display())))
}

/// Expands a leading `~` to the home directory (`$HOME`), as Terraform's `pathexpand` and
/// file functions do. `~user` is refused, as in Terraform.
pub(super) fn expand_home(path: &str) -> Result<String, FunctionError> {
    let Some(rest) = path.strip_prefix('~') else {
        return Ok(path.to_string());
    };
    if !rest.is_empty() && !rest.starts_with('/') && !rest.starts_with('\\') {
        return Err(FunctionError::Failed(
            "cannot expand user-specific home dir".into(),
        ));
    }
    let home = std::env::var("HOME").unwrap_or_default();
    if home.is_empty() {
        return Err(FunctionError::Failed(
            "cannot expand ~: the HOME environment variable is not set".into(),
        ));
    }
    Ok(clean(&format!("{home}/{rest}")))
}

/// Reads a file named relative to the module directory, with Terraform's messages.
fn read_bytes(ctx: &Ctx, given: &str) -> Result<Vec<u8>, FunctionError> {
    let expanded = expand_home(given).map_err(|e| match e {
        FunctionError::Failed(message) => arg_error(0, format!("failed to expand ~: {message}")),
        other => other,
    })?;
    let path = module_path(ctx, &expanded);
    std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => arg_error(
            0,
            format!("no file exists at {given:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"),
        ),
        _ => arg_error(0, format!("failed to read {given:?}: {e}")),
    })
}

/// The text of a file, which must be UTF-8 (`file()` and `templatefile()`).
pub(super) fn read_text(ctx: &Ctx, given: &str) -> Result<String, FunctionError> {
    String::from_utf8(read_bytes(ctx, given)?).map_err(|_| {
        arg_error(
            0,
            format!("contents of {given:?} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"),
        )
    })
}

/// `file(path)`.
pub(super) fn file_text(ctx: &Ctx, a: &[Value]) -> FnResult {
    Ok(Value::String(read_text(ctx, &string(a, 0)?)?))
}

/// `fileexists(path)`: false when nothing is there, an error when something other than a
/// regular file is.
pub(super) fn fileexists(ctx: &Ctx, a: &[Value]) -> FnResult {
    let given = string(a, 0)?;
    let path = module_path(ctx, &expand_home(&given)?);
    let metadata = match std::fs::metadata(&path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Value::Bool(false)),
        Err(_) => return Err(FunctionError::Failed(format!("failed to stat {given:?}"))),
    };
    if metadata.is_file() {
        return Ok(Value::Bool(true));
    }
    let what = if metadata.is_dir() {
        "is a directory, not a file"
    } else {
        "is not a regular file"
    };
    Err(arg_error(0, format!("{given:?} {what}")))
}

/// `filebase64` and the file hash functions.
pub(super) fn file_digest(ctx: &Ctx, name: &str, a: &[Value]) -> FnResult {
    let bytes = read_bytes(ctx, &string(a, 0)?)?;
    let base64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    Ok(Value::String(match name {
        "filebase64" => base64(&bytes),
        "filebase64sha256" => base64(&sha2::Sha256::digest(&bytes)),
        "filebase64sha512" => base64(&sha2::Sha512::digest(&bytes)),
        "filemd5" => hex::encode(md5::Md5::digest(&bytes)),
        "filesha1" => hex::encode(sha1(&bytes)),
        "filesha256" => hex::encode(sha2::Sha256::digest(&bytes)),
        "filesha512" => hex::encode(sha2::Sha512::digest(&bytes)),
        other => {
            return Err(FunctionError::Failed(format!(
                "{other} is not a file function"
            )))
        }
    }))
}
