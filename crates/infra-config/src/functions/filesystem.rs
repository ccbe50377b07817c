//! The `file*` functions and `templatefile`, which read files relative to the working
//! directory (after expanding a leading `~`), and the path functions `basename`, `dirname`,
//! `abspath` and `pathexpand`, which follow Go's `path/filepath` on Unix as Terraform does.

use super::encoding::sha1;
use super::strings::{TemplateGuard, TEMPLATEFILE};
use super::{
    arg_error, map, render_template, string, working_dir_path, Ctx, FnResult, FunctionError,
};
use base64::Engine as _;
use infra_core::Value;
use sha2::Digest as _;

/// Go's `filepath.Clean`: the shortest equivalent path, by purely lexical processing.
fn clean(path: &str) -> String {
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
fn basename(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit_once('/').map_or(trimmed, |(_, last)| last).to_string()
}

/// Go's `filepath.Dir`: everything but the last element, cleaned.
fn dirname(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..=i]),
        None => ".".into(),
    }
}

/// Go's `filepath.Abs`: joined to the current directory (Terraform's working directory) when
/// relative, then cleaned.
fn abspath(path: &str) -> Result<String, FunctionError> {
    if path.starts_with('/') {
        return Ok(clean(path));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| FunctionError::Failed(format!("cannot find the current directory: {e}")))?;
    Ok(clean(&format!("{}/{path}", cwd.display())))
}

/// Expands a leading `~` to the home directory (`$HOME`), as Terraform's `pathexpand` and
/// file functions do. `~user` is refused, as in Terraform.
fn expand_home(path: &str) -> Result<String, FunctionError> {
    let Some(rest) = path.strip_prefix('~') else {
        return Ok(path.to_string());
    };
    if !rest.is_empty() && !rest.starts_with('/') && !rest.starts_with('\\') {
        return Err(FunctionError::Failed("cannot expand user-specific home dir".into()));
    }
    let home = std::env::var("HOME").unwrap_or_default();
    if home.is_empty() {
        return Err(FunctionError::Failed(
            "cannot expand ~: the HOME environment variable is not set".into(),
        ));
    }
    Ok(clean(&format!("{home}/{rest}")))
}

pub(super) fn basename_function(a: &[Value]) -> FnResult {
    Ok(Value::String(basename(&string(a, 0)?)))
}

pub(super) fn dirname_function(a: &[Value]) -> FnResult {
    Ok(Value::String(dirname(&string(a, 0)?)))
}

pub(super) fn abspath_function(a: &[Value]) -> FnResult {
    Ok(Value::String(abspath(&string(a, 0)?)?))
}

pub(super) fn pathexpand(a: &[Value]) -> FnResult {
    Ok(Value::String(expand_home(&string(a, 0)?)?))
}

/// Reads a file named relative to the module directory, with Terraform's messages.
fn read_bytes(ctx: &Ctx, given: &str) -> Result<Vec<u8>, FunctionError> {
    let expanded = expand_home(given).map_err(|e| match e {
        FunctionError::Failed(message) => arg_error(0, format!("failed to expand ~: {message}")),
        other => other,
    })?;
    let path = working_dir_path(ctx, &expanded);
    std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => arg_error(
            0,
            format!("no file exists at {given:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"),
        ),
        _ => arg_error(0, format!("failed to read {given:?}: {e}")),
    })
}

/// The text of a file, which must be UTF-8 (`file()` and `templatefile()`).
fn read_text(ctx: &Ctx, given: &str) -> Result<String, FunctionError> {
    String::from_utf8(read_bytes(ctx, given)?).map_err(|_| {
        arg_error(
            0,
            format!("contents of {given:?} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"),
        )
    })
}

/// `file(path)`.
pub(super) fn file(ctx: &Ctx, a: &[Value]) -> FnResult {
    Ok(Value::String(read_text(ctx, &string(a, 0)?)?))
}

/// `templatefile(path, vars)`: renders the template in the file with the given variables.
pub(super) fn templatefile(ctx: &Ctx, a: &[Value]) -> FnResult {
    let given = string(a, 0)?;
    let text = read_text(ctx, &given)?;
    let variables = map(a, 1)?;
    let _guard = TemplateGuard::enter(TEMPLATEFILE);
    render_template(&text, variables)
        .map_err(|message| FunctionError::Failed(format!("in template {given:?}: {message}")))
}

/// `fileexists(path)`: false when nothing is there, an error when something other than a
/// regular file is.
pub(super) fn fileexists(ctx: &Ctx, a: &[Value]) -> FnResult {
    let given = string(a, 0)?;
    let path = working_dir_path(ctx, &expand_home(&given)?);
    let metadata = match std::fs::metadata(&path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Value::Bool(false)),
        Err(_) => return Err(FunctionError::Failed(format!("failed to stat {given:?}"))),
    };
    if metadata.is_file() {
        return Ok(Value::Bool(true));
    }
    let what =
        if metadata.is_dir() { "is a directory, not a file" } else { "is not a regular file" };
    Err(arg_error(0, format!("{given:?} {what}")))
}

/// `fileset(path, pattern)`: the regular files under `path` whose path relative to it matches
/// the glob `pattern`, with `/` separators (Terraform's, with doublestar's patterns: `*` and
/// `?` within a name, `**` for any number of directories, `[class]`, `{alt,alt}`). A `path`
/// that does not exist gives an empty set.
pub(super) fn fileset(ctx: &Ctx, a: &[Value]) -> FnResult {
    let root = working_dir_path(ctx, &string(a, 0)?);
    let pattern = clean(&string(a, 1)?);
    let alternatives = expand_braces(&pattern)
        .map_err(|message| arg_error(1, format!("invalid pattern {pattern:?}: {message}")))?;
    let mut files = Vec::new();
    regular_files(&root, "", &mut files);
    let mut matches: Vec<Value> = files
        .into_iter()
        .filter(|file| {
            let path: Vec<&str> = file.split('/').collect();
            alternatives.iter().any(|alternative| {
                let pattern: Vec<&str> = alternative.split('/').collect();
                glob_segments(&pattern, &path)
            })
        })
        .map(Value::String)
        .collect();
    matches.sort_by(|x, y| x.as_str().cmp(&y.as_str()));
    Ok(Value::List(matches))
}

/// Every regular file under `dir` (following links, as `os.Stat` does), as paths relative to
/// the walk's root with `/` separators; what cannot be read is skipped.
fn regular_files(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        match std::fs::metadata(entry.path()) {
            Ok(metadata) if metadata.is_file() => out.push(relative),
            Ok(metadata) if metadata.is_dir() => regular_files(&entry.path(), &relative, out),
            _ => {}
        }
    }
}

/// The patterns `{a,b}` alternatives stand for: `x{a,b}y` is `xay` and `xby`.
fn expand_braces(pattern: &str) -> Result<Vec<String>, &'static str> {
    let Some(open) = pattern.find('{') else {
        return Ok(vec![pattern.to_string()]);
    };
    let mut depth = 0;
    let mut close = None;
    let mut splits = Vec::new();
    for (at, c) in pattern[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + at);
                    break;
                }
            }
            ',' if depth == 1 => splits.push(open + at),
            _ => {}
        }
    }
    let close = close.ok_or("unclosed {")?;
    let (before, after) = (&pattern[..open], &pattern[close + 1..]);
    let mut bounds = vec![open];
    bounds.extend(splits);
    bounds.push(close);
    let mut out = Vec::new();
    for pair in bounds.windows(2) {
        let middle = &pattern[pair[0] + 1..pair[1]];
        out.extend(expand_braces(&format!("{before}{middle}{after}"))?);
    }
    Ok(out)
}

/// Whether path segments match pattern segments, `**` standing for any number of them.
fn glob_segments(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| glob_segments(rest, &path[skip..])),
        Some((first, rest)) => path
            .split_first()
            .is_some_and(|(name, others)| glob_name(first, name) && glob_segments(rest, others)),
    }
}

/// Whether one name matches one pattern segment: `*`, `?` and `[class]` (`[!class]` or
/// `[^class]` negated, with ranges `a-z`); `\` escapes.
fn glob_name(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    fn here(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|skip| here(&p[1..], &n[skip..])),
            Some('?') => !n.is_empty() && here(&p[1..], &n[1..]),
            Some('[') => {
                let Some(end) = p.iter().skip(1).position(|&c| c == ']').map(|i| i + 1) else {
                    return n.first() == Some(&'[') && here(&p[1..], &n[1..]);
                };
                let Some(&c) = n.first() else {
                    return false;
                };
                let class = &p[1..end];
                let (negated, class) = match class.first() {
                    Some('!' | '^') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut inside = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        inside |= (class[i]..=class[i + 2]).contains(&c);
                        i += 3;
                    } else {
                        inside |= class[i] == c;
                        i += 1;
                    }
                }
                inside != negated && here(&p[end + 1..], &n[1..])
            }
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && here(&p[2..], &n[1..]),
            Some(c) => n.first() == Some(c) && here(&p[1..], &n[1..]),
        }
    }
    here(&pattern, &name)
}

/// The bytes of the file named by the first argument.
fn file_bytes(ctx: &Ctx, a: &[Value]) -> Result<Vec<u8>, FunctionError> {
    read_bytes(ctx, &string(a, 0)?)
}

fn to_base64(bytes: &[u8]) -> FnResult {
    Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

pub(super) fn filebase64(ctx: &Ctx, a: &[Value]) -> FnResult {
    to_base64(&file_bytes(ctx, a)?)
}

pub(super) fn filebase64sha256(ctx: &Ctx, a: &[Value]) -> FnResult {
    to_base64(&sha2::Sha256::digest(file_bytes(ctx, a)?))
}

pub(super) fn filebase64sha512(ctx: &Ctx, a: &[Value]) -> FnResult {
    to_base64(&sha2::Sha512::digest(file_bytes(ctx, a)?))
}

pub(super) fn filemd5(ctx: &Ctx, a: &[Value]) -> FnResult {
    Ok(Value::String(hex::encode(md5::Md5::digest(file_bytes(ctx, a)?))))
}

pub(super) fn filesha1(ctx: &Ctx, a: &[Value]) -> FnResult {
    Ok(Value::String(hex::encode(sha1(&file_bytes(ctx, a)?))))
}

pub(super) fn filesha256(ctx: &Ctx, a: &[Value]) -> FnResult {
    Ok(Value::String(hex::encode(sha2::Sha256::digest(file_bytes(ctx, a)?))))
}

pub(super) fn filesha512(ctx: &Ctx, a: &[Value]) -> FnResult {
    Ok(Value::String(hex::encode(sha2::Sha512::digest(file_bytes(ctx, a)?))))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, ok, s};
    use super::{basename, clean, dirname};
    use infra_core::Value;

    /// A directory with `hello.txt` ("Hello World") and `binary.bin` (not UTF-8).
    fn fixture() -> String {
        let dir = std::env::temp_dir().join(format!("infra-functions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("hello.txt"), "Hello World").unwrap();
        std::fs::write(dir.join("binary.bin"), [0xff, 0xfe, 0x00]).unwrap();
        dir.display().to_string()
    }

    #[test]
    fn file_hashes() {
        let dir = fixture();
        let call = |function: &str, file: &str| ok(&format!("{function}(\"{dir}/{file}\")"));
        // filebase64 is Terraform's docs example; the hashes are of "Hello World".
        assert_eq!(call("filebase64", "hello.txt"), s("SGVsbG8gV29ybGQ="));
        assert_eq!(
            call("filesha256", "hello.txt"),
            s("a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e")
        );
        assert_eq!(call("filesha1", "hello.txt"), s("0a4d55a8d778e5022fab701977c5d840bbc486d0"));
        assert_eq!(call("filemd5", "hello.txt"), s("b10a8db164e0754105b7a99be72e3fe5"));
        assert_eq!(
            call("filesha512", "hello.txt"),
            s("2c74fd17edafd80e8447b0d46741ee243b7eb74dd2149a0ab1b9246fb30382f27e853d8585719e0e67cbda0daa8f51671064615d645ae27acb15bfb1447f459b")
        );
        assert_eq!(
            call("filebase64sha256", "hello.txt"),
            s("pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4=")
        );
        assert_eq!(
            call("filebase64sha512", "hello.txt"),
            s("LHT9F+2v2A6ER7DUZ0HuJDt+t03SFJoKsbkkb7MDgvJ+hT2FhXGeDmfL2g2qj1FnEGRhXWRa4nrLFb+xRH9Fmw==")
        );
        // Whole-file functions agree with the string ones.
        assert_eq!(call("filesha1", "hello.txt"), ok("sha1(\"Hello World\")"));
        assert_eq!(call("filebase64", "binary.bin"), s("//4A"));
        assert_eq!(call("file", "hello.txt"), s("Hello World"));
        assert!(err(&format!("file(\"{dir}/binary.bin\")"))
            .contains("are not valid UTF-8; use the filebase64 function"));
        let missing = err(&format!("filemd5(\"{dir}/missing.txt\")"));
        assert!(
            missing.contains("no file exists at") && missing.contains("missing.txt"),
            "{missing}"
        );
        assert_eq!(ok(&format!("fileexists(\"{dir}/hello.txt\")")), Value::Bool(true));
        assert_eq!(ok(&format!("fileexists(\"{dir}/nope.txt\")")), Value::Bool(false));
        assert!(err(&format!("fileexists(\"{dir}\")")).contains("is a directory, not a file"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn paths_like_go() {
        assert_eq!(ok("basename(\"foo/bar/baz.txt\")"), s("baz.txt"));
        assert_eq!(ok("dirname(\"foo/bar/baz.txt\")"), s("foo/bar"));
        for (path, base, dir) in [
            ("", ".", "."),
            ("/", "/", "/"),
            ("foo", "foo", "."),
            ("foo/", "foo", "foo"),
            ("/foo", "foo", "/"),
            ("//a//b//", "b", "/a/b"),
            ("a/../b/./c", "c", "b"),
        ] {
            assert_eq!(basename(path), base, "basename({path:?})");
            assert_eq!(dirname(path), dir, "dirname({path:?})");
        }
        assert_eq!(clean("../../a/.."), "../..");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(ok("abspath(\"/a/b/../c/\")"), s("/a/c"));
        let cwd = std::env::current_dir().unwrap().display().to_string();
        assert_eq!(ok("abspath(\"x/./y\")"), s(&format!("{cwd}/x/y")));
        assert_eq!(ok("pathexpand(\"/etc/resolv.conf\")"), s("/etc/resolv.conf"));
        assert_eq!(ok("pathexpand(\"relative/~/x\")"), s("relative/~/x"));
        match std::env::var("HOME") {
            Ok(home) if !home.is_empty() => {
                assert_eq!(
                    ok("pathexpand(\"~/.ssh/id_rsa\")"),
                    s(&format!("{}/.ssh/id_rsa", clean(&home)))
                );
                assert_eq!(ok("pathexpand(\"~\")"), s(&clean(&home)));
            }
            _ => assert!(err("pathexpand(\"~/x\")").contains("HOME")),
        }
        assert!(err("pathexpand(\"~root/x\")").contains("cannot expand user-specific home dir"));
    }

    /// Terraform's `fileset` examples: `*` within a name, `**` across directories, classes and
    /// alternatives; paths relative to the argument with `/`; only regular files.
    #[test]
    fn fileset_matches_globs_under_a_path() {
        let dir = std::env::temp_dir().join(format!("infra-fileset-{}", std::process::id()));
        for file in ["a.txt", "b.txt", "c.json", "sub/d.txt", "sub/deeper/e.txt", "f1.tf"] {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        std::fs::create_dir_all(dir.join("empty.txt")).unwrap();
        let d = dir.display();
        let set = |items: &[&str]| Value::List(items.iter().map(|i| s(i)).collect());
        assert_eq!(ok(&format!("fileset(\"{d}\", \"*.txt\")")), set(&["a.txt", "b.txt"]));
        assert_eq!(
            ok(&format!("fileset(\"{d}\", \"**/*.txt\")")),
            set(&["a.txt", "b.txt", "sub/d.txt", "sub/deeper/e.txt"])
        );
        assert_eq!(ok(&format!("fileset(\"{d}\", \"{{a,c}}.*\")")), set(&["a.txt", "c.json"]));
        assert_eq!(ok(&format!("fileset(\"{d}\", \"[ab].txt\")")), set(&["a.txt", "b.txt"]));
        assert_eq!(ok(&format!("fileset(\"{d}\", \"f?.tf\")")), set(&["f1.tf"]));
        assert_eq!(ok(&format!("fileset(\"{d}\", \"sub/*\")")), set(&["sub/d.txt"]));
        assert_eq!(ok(&format!("fileset(\"{d}/nothing\", \"*\")")), set(&[]));
        assert!(err(&format!("fileset(\"{d}\", \"{{a\")")).contains("unclosed"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
