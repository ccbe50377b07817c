//! The warm parent the emulators are forked from (`tests/support/moto_forkserver.py`). A new
//! interpreter spent about two seconds of CPU importing moto and AWS's managed policies before
//! it answered, once per test; the parent pays that once and forks a fresh emulator per test.
//!
//! One parent serves every test process of a machine (under nextest each test is a process of
//! its own): it listens on a Unix socket named by the support files' contents, so a parent
//! running older patches is never asked. The first test that finds no parent starts one, under
//! a file lock that the others wait on; the parent exits by itself after two idle minutes.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{repo_root, venv};

/// Sends `request` (one JSON line) to the parent, starting it first if none runs, and returns
/// the connection its child answers on.
pub(crate) fn request(request: &serde_json::Value) -> UnixStream {
    let socket = socket_path();
    let mut connection = connect(&socket).unwrap_or_else(|| start(&socket));
    let mut line = serde_json::to_vec(request).expect("a request");
    line.push(b'\n');
    connection.write_all(&line).expect("send a request to the emulator parent");
    connection
}

/// The parent's socket: one per checkout, virtualenv and version of the support files. Worked
/// out once per test process: every emulator and every boto3 check asks for it.
fn socket_path() -> PathBuf {
    static SOCKET: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SOCKET.get_or_init(named_socket).clone()
}

fn named_socket() -> PathBuf {
    let root = repo_root();
    let mut hasher = std::hash::DefaultHasher::new();
    root.hash(&mut hasher);
    venv().hash(&mut hasher);
    let support = root.join("tests/support");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&support)
        .expect("tests/support")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    for file in files {
        std::fs::read(&file).expect("a support file").hash(&mut hasher);
    }
    std::env::temp_dir().join(format!("infra-moto-{:016x}.sock", hasher.finish()))
}

fn connect(socket: &PathBuf) -> Option<UnixStream> {
    UnixStream::connect(socket).ok()
}

/// Starts the parent (unless another test process did while this one waited for the lock) and
/// connects to it. A parent that exits before it listens fails the test, with its log.
/// It is never waited for: it outlives this test process, by design.
#[allow(clippy::zombie_processes)]
fn start(socket: &PathBuf) -> UnixStream {
    let lock = File::create(socket.with_extension("lock")).expect("the emulator parent's lock");
    lock.lock().expect("lock the emulator parent's start");
    if let Some(connection) = connect(socket) {
        return connection;
    }
    let _ = std::fs::remove_file(socket); // left by a parent that was killed
    let log_path = socket.with_extension("log");
    let log = File::create(&log_path).expect("the emulator parent's log");
    let mut command = Command::new(venv().join("bin/python"));
    command
        .arg(repo_root().join("tests/support/moto_forkserver.py"))
        .arg(socket)
        .env_clear()
        .envs(
            ["PATH", "HOME", "TMPDIR", "LANG"]
                .iter()
                .filter_map(|key| std::env::var_os(key).map(|value| (key, value))),
        )
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log)
        // Its own process group: a signal to the test's group (nextest's timeout) is not its.
        .process_group(0);
    let mut parent = command.spawn().expect("start tests/support/moto_forkserver.py");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(connection) = connect(socket) {
            return connection;
        }
        if let Ok(Some(status)) = parent.try_wait() {
            let mut text = String::new();
            let _ = File::open(&log_path).and_then(|mut f| f.read_to_string(&mut text));
            panic!("the emulator parent exited ({status}) before it listened:\n{text}");
        }
        assert!(
            Instant::now() < deadline,
            "the emulator parent did not listen within 120 s; log {}",
            log_path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
