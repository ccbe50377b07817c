//! Test support for module installation, with no internet: a module registry on 127.0.0.1 that
//! speaks Terraform's real protocol (service discovery, the versions list, `download` answering
//! 204 with `X-Terraform-Get`, and the `.tar.gz` / `.zip` packages it points to, built from one
//! directory per version), optionally demanding a bearer token; and [`git_fixture`], a local
//! bare git repository with one tag per version.
//!
//! The server is plain `std::net` with a thread per connection; it stops when dropped.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One request the registry received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRequest {
    pub method: String,
    /// The path with any query.
    pub path: String,
    /// The `Authorization` header, if sent.
    pub authorization: Option<String>,
}

#[derive(Default)]
struct State {
    /// `namespace/name/provider` → version → package directory.
    modules: BTreeMap<String, BTreeMap<String, PathBuf>>,
    /// (`namespace/name/provider`, version) → an `X-Terraform-Get` to answer instead.
    locations: BTreeMap<(String, String), String>,
    token: Option<String>,
    requests: Vec<RegistryRequest>,
}

/// A module registry on a free loopback port, stopped on drop.
pub struct ModuleRegistry {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ModuleRegistry {
    /// Starts an empty registry.
    pub fn start() -> ModuleRegistry {
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).expect("bind loopback");
        let address = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let state = state.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let state = state.clone();
                    std::thread::spawn(move || {
                        let _ = serve(stream, &state);
                    });
                }
            })
        };
        ModuleRegistry { address, state, stop, thread: Some(thread) }
    }

    /// Adds every version of module `address` (`namespace/name/provider`): each subdirectory
    /// of `versions_dir` is one version, named by its version number (`1.0.0/`, `6.0.1/`).
    pub fn add_module(&self, address: &str, versions_dir: &Path) {
        for entry in std::fs::read_dir(versions_dir).expect("read the versions directory") {
            let entry = entry.expect("directory entry");
            if entry.path().is_dir() {
                let version = entry.file_name().to_string_lossy().into_owned();
                self.add_version(address, &version, &entry.path());
            }
        }
    }

    /// Adds (or replaces) one version of module `address`, packaged from `dir`.
    pub fn add_version(&self, address: &str, version: &str, dir: &Path) {
        self.lock()
            .modules
            .entry(address.to_string())
            .or_default()
            .insert(version.to_string(), dir.to_path_buf());
    }

    /// Makes `download` of `address` `version` answer `location` (a git:: address, say)
    /// instead of this server's own archive.
    pub fn set_location(&self, address: &str, version: &str, location: &str) {
        self.lock()
            .locations
            .insert((address.to_string(), version.to_string()), location.to_string());
    }

    /// From now on, discovery is open but every registry call needs `Authorization: Bearer
    /// <token>` (401 otherwise). Packages stay open, as download URLs are on real registries.
    pub fn require_token(&self, token: &str) {
        self.lock().token = Some(token.to_string());
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The `modules.v1` base URL.
    pub fn modules_url(&self) -> String {
        format!("{}/v1/modules/", self.url())
    }

    /// The URL of the package of `address` `version`; `extension` is `tar.gz` or `zip`.
    pub fn archive_url(&self, address: &str, version: &str, extension: &str) -> String {
        format!("{}/archives/{address}/{version}.{extension}", self.url())
    }

    /// A CLI configuration file's text pointing `host` at this registry.
    pub fn cli_config(&self, host: &str) -> String {
        format!(
            "host \"{host}\" {{\n  services = {{\n    \"modules.v1\" = \"{}\"\n  }}\n}}\n",
            self.modules_url()
        )
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<RegistryRequest> {
        self.lock().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for ModuleRegistry {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Response {
    status: u16,
    reason: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, reason: &'static str, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            reason,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    fn json(value: serde_json::Value) -> Response {
        Response::new(200, "OK", "application/json", value.to_string().into_bytes())
    }

    fn not_found() -> Response {
        Response::new(404, "Not Found", "text/plain", b"not found".to_vec())
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    if method.is_empty() {
        return Ok(());
    }
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_string());
            }
        }
    }
    let response = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        state.requests.push(RegistryRequest {
            method: method.clone(),
            path: path.clone(),
            authorization: authorization.clone(),
        });
        route(&state, &method, &path, authorization.as_deref())
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        response.reason,
        response.body.len()
    )?;
    for (name, value) in &response.headers {
        write!(stream, "{name}: {value}\r\n")?;
    }
    stream.write_all(b"\r\n")?;
    stream.write_all(&response.body)?;
    stream.flush()
}

fn route(state: &State, method: &str, path: &str, authorization: Option<&str>) -> Response {
    if method != "GET" {
        return Response::new(405, "Method Not Allowed", "text/plain", Vec::new());
    }
    let path = path.split('?').next().unwrap_or("");
    if path == "/.well-known/terraform.json" {
        return Response::json(serde_json::json!({ "modules.v1": "/v1/modules/" }));
    }
    if let Some(rest) = path.strip_prefix("/archives/") {
        return archive(state, rest);
    }
    let Some(rest) = path.strip_prefix("/v1/modules/") else {
        return Response::not_found();
    };
    if let Some(token) = &state.token {
        if authorization != Some(format!("Bearer {token}").as_str()) {
            return Response::new(
                401,
                "Unauthorized",
                "application/json",
                br#"{"errors":["not authorized"]}"#.to_vec(),
            );
        }
    }
    let parts: Vec<&str> = rest.split('/').collect();
    match parts[..] {
        [namespace, name, provider, "versions"] => {
            let address = format!("{namespace}/{name}/{provider}");
            let Some(versions) = state.modules.get(&address) else {
                return Response::not_found();
            };
            let versions: Vec<serde_json::Value> =
                versions.keys().map(|v| serde_json::json!({ "version": v })).collect();
            Response::json(serde_json::json!({ "modules": [{ "versions": versions }] }))
        }
        [namespace, name, provider, version, "download"] => {
            let address = format!("{namespace}/{name}/{provider}");
            if !state.modules.get(&address).is_some_and(|v| v.contains_key(version)) {
                return Response::not_found();
            }
            let location = state
                .locations
                .get(&(address.clone(), version.to_string()))
                .cloned()
                // Relative, as registries behind proxies answer; resolved by the client.
                .unwrap_or_else(|| format!("/archives/{address}/{version}.tar.gz"));
            let mut response = Response::new(204, "No Content", "text/plain", Vec::new());
            response.headers.push(("X-Terraform-Get".into(), location));
            response
        }
        _ => Response::not_found(),
    }
}

fn archive(state: &State, rest: &str) -> Response {
    let (stem, zip) = match (rest.strip_suffix(".tar.gz"), rest.strip_suffix(".zip")) {
        (Some(stem), _) => (stem, false),
        (None, Some(stem)) => (stem, true),
        (None, None) => return Response::not_found(),
    };
    let Some((address, version)) = stem.rsplit_once('/') else {
        return Response::not_found();
    };
    let Some(dir) = state.modules.get(address).and_then(|v| v.get(version)) else {
        return Response::not_found();
    };
    let files = files_under(dir);
    if zip {
        Response::new(200, "OK", "application/zip", zip_bytes(dir, &files))
    } else {
        Response::new(200, "OK", "application/x-gzip", tar_gz_bytes(dir, &files))
    }
}

/// The files under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(relative) = path.strip_prefix(base) {
                out.push(relative.to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A `.tar.gz` of `files` (relative to `dir`).
pub fn tar_gz_bytes(dir: &Path, files: &[PathBuf]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    for file in files {
        builder.append_path_with_name(dir.join(file), file).expect("add a file to the tar");
    }
    builder.into_inner().and_then(|encoder| encoder.finish()).expect("finish the tar.gz")
}

/// A `.zip` of `files` (relative to `dir`).
pub fn zip_bytes(dir: &Path, files: &[PathBuf]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for file in files {
        let name = file
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start a zip entry");
        let bytes = std::fs::read(dir.join(file)).expect("read a package file");
        writer.write_all(&bytes).expect("write a zip entry");
    }
    writer.finish().expect("finish the zip").into_inner()
}

fn version_key(name: &str) -> Vec<u64> {
    name.trim_start_matches('v').split(['.', '-']).map(|part| part.parse().unwrap_or(0)).collect()
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=infra tests",
            "-c",
            "user.email=tests@infra.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Makes a bare git repository beside `dir_with_versions` (`<dir>.git`) with one commit and
/// tag per version: each subdirectory of `dir_with_versions` is a version (`1.0.0/` is tagged
/// `v1.0.0`), committed in version order on `main`. Returns the bare repository's path; its
/// URL for a source is `git::file://<path>`.
pub fn git_fixture(dir_with_versions: &Path) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir(dir_with_versions)
        .expect("read the versions directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    versions.sort_by_key(|p| version_key(&p.file_name().unwrap_or_default().to_string_lossy()));
    let work = tempfile::tempdir().expect("a work tree");
    git(work.path(), &["init", "--quiet"]);
    for version in &versions {
        for entry in std::fs::read_dir(work.path()).expect("read the work tree").flatten() {
            if entry.file_name() == ".git" {
                continue;
            }
            if entry.path().is_dir() {
                std::fs::remove_dir_all(entry.path()).expect("clear the work tree");
            } else {
                std::fs::remove_file(entry.path()).expect("clear the work tree");
            }
        }
        crate::copy_dir(version, work.path());
        let name = version.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let tag = if name.starts_with('v') { name.clone() } else { format!("v{name}") };
        git(work.path(), &["add", "--all"]);
        git(work.path(), &["commit", "--quiet", "--allow-empty", "-m", &format!("Version {name}")]);
        git(work.path(), &["tag", &tag]);
    }
    let mut bare = dir_with_versions.as_os_str().to_owned();
    bare.push(".git");
    let bare = PathBuf::from(bare);
    let bare_text = bare.to_string_lossy().into_owned();
    let work_text = work.path().to_string_lossy().into_owned();
    git(
        dir_with_versions.parent().unwrap_or(Path::new("/")),
        &["clone", "--quiet", "--bare", &work_text, &bare_text],
    );
    bare
}
