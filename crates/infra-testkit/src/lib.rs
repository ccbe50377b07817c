//! Test support for end-to-end tests and benchmarks: installs moto (pinned in
//! `tests/requirements.txt`) into the project's `.venv` when it is missing, starts one moto
//! server per test on a free loopback port (forked from a warm parent, `emulator`), and runs
//! the real `infra` binary against it.
//!
//! This is not a mock of AWS: every request goes to the emulator over HTTP.

mod emulator;
pub mod fault_proxy;
pub mod module_registry;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The repository root: the nearest directory holding `Cargo.lock` above the running test's
/// package. It is looked up when the test runs (cargo sets `CARGO_MANIFEST_DIR` then too), not
/// baked in when this crate was compiled: a shared target directory may hold this crate compiled
/// from another clone of the repository.
pub fn repo_root() -> PathBuf {
    let package = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    package
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(&package)
        .canonicalize()
        .expect("repository root")
}

/// Set by `scripts/test` once it has run `scripts/setup-emulator`: the test processes (one per
/// test under nextest) then skip the check, which costs a second of CPU each.
pub const EMULATOR_INSTALLED: &str = "INFRA_TEST_EMULATOR_INSTALLED";

/// The project's virtualenv with the pinned emulator, installed or updated by
/// `scripts/setup-emulator` (once per test process, unless [`EMULATOR_INSTALLED`] says it was
/// run; concurrent test processes wait on a file lock so that only one installs).
pub fn venv() -> PathBuf {
    static READY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    READY
        .get_or_init(|| {
            let root = repo_root();
            if std::env::var_os(EMULATOR_INSTALLED).is_some_and(|v| v == "1") {
                return root.join(".venv");
            }
            let lock_path = std::env::temp_dir().join("infra-testkit-venv.lock");
            let lock = File::create(&lock_path).expect("create the venv lock");
            lock.lock().expect("lock the venv install");
            let status = Command::new("bash")
                .arg(root.join("scripts/setup-emulator"))
                .status()
                .expect("run scripts/setup-emulator");
            assert!(status.success(), "scripts/setup-emulator failed with {status}");
            root.join(".venv")
        })
        .clone()
}

/// A running moto server, stopped on drop. Its log is kept when a test fails.
pub struct Moto {
    pub port: u16,
    /// The connection to the forked server: it exits when this closes.
    connection: UnixStream,
    log: PathBuf,
}

/// A name for the files of one emulator (or proxy) of this process: `{prefix}-{pid}-{n}`.
pub(crate) fn scratch_name(prefix: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    std::env::temp_dir().join(format!("{prefix}-{}-{n}", std::process::id()))
}

impl Moto {
    /// Starts moto with ECS services reporting their tasks as running.
    pub fn start() -> Moto {
        Moto::start_with_env(&[("MOTO_ECS_SERVICE_RUNNING", "2")])
    }

    /// Starts moto (moto's own server plus CloudWatch's CBOR protocol and the patches of
    /// tests/support/moto_server.py) with `env` in its environment. It is forked from a warm
    /// parent ([`emulator`]), so it starts empty in milliseconds, and it binds a free port
    /// itself: no other process can take the port between its choice and the bind.
    pub fn start_with_env(env: &[(&str, &str)]) -> Moto {
        let log = scratch_name("moto").with_extension("log");
        // ACM issues a DNS-validated certificate once its validation record exists; moto
        // stands for that by issuing it after MOTO_ACM_VALIDATION_WAIT seconds (default 60).
        let mut environment = serde_json::Map::new();
        environment.insert("MOTO_ACM_VALIDATION_WAIT".into(), "1".into());
        for (key, value) in env {
            environment.insert((*key).into(), (*value).into());
        }
        let request = serde_json::json!({"serve": {"env": environment, "log": log}});
        let connection = emulator::request(&request);
        let mut moto = Moto { port: 0, connection, log };
        moto.port = moto.wait_ready();
        moto
    }

    /// The port the server listens on, once it does. A server that exits first fails the
    /// test at once, with its log.
    fn wait_ready(&mut self) -> u16 {
        let mut line = String::new();
        let read = self
            .connection
            .set_read_timeout(Some(Duration::from_secs(60)))
            .and_then(|()| BufReader::new(&self.connection).read_line(&mut line));
        match (read, line.trim().parse::<u16>()) {
            (Ok(_), Ok(port)) => port,
            (read, _) => panic!(
                "moto did not listen ({}); log {}:\n{}",
                match read {
                    Ok(0) => "it exited first".to_string(),
                    Ok(_) => format!("it answered {line:?}"),
                    Err(error) => error.to_string(),
                },
                self.log.display(),
                self.log_text()
            ),
        }
    }

    /// One server for the whole test process (the first caller's `env` wins; under nextest a
    /// process runs one test), with this process's AWS SDK environment pointed at it. The
    /// environment is set inside the one-time start that every other caller waits for, so no
    /// test thread sets it while another reads it. The server is never dropped; its connection
    /// closes when the test process exits, and it exits then.
    pub fn shared(env: &[(&str, &str)]) -> &'static Moto {
        static SHARED: std::sync::OnceLock<Moto> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            let moto = Moto::start_with_env(env);
            moto.export_env();
            moto
        })
    }

    /// Points this process's AWS SDK clients at the server (for in-process provider tests).
    /// Only for a process with one test thread: with several, use [`Moto::shared`].
    pub fn export_env(&self) {
        for (key, value) in self.env() {
            std::env::set_var(key, value);
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_text(&self) -> String {
        let mut text = String::new();
        let _ = File::open(&self.log).and_then(|mut f| f.read_to_string(&mut text));
        text
    }

    /// The environment that points the AWS SDK (and the aws CLI) at this server.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("AWS_ENDPOINT_URL".into(), self.endpoint()),
            ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
            ("AWS_REGION".into(), "us-east-1".into()),
            ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ]
    }

    /// Runs a small Python snippet with boto3 (installed with moto) against this server, for
    /// tests that change or inspect the emulator directly. Returns stdout.
    pub fn python(&self, script: &str) -> String {
        let env: serde_json::Map<String, serde_json::Value> =
            self.env().into_iter().map(|(key, value)| (key, value.into())).collect();
        let connection = emulator::request(&serde_json::json!({"python": script, "env": env}));
        let mut answer = String::new();
        BufReader::new(&connection).read_line(&mut answer).expect("read the script's answer");
        let answer: serde_json::Value = serde_json::from_str(&answer)
            .unwrap_or_else(|error| panic!("the script gave no answer ({error}):\n{script}"));
        assert!(
            answer["ok"] == true,
            "python failed: {}\n{}",
            answer["error"].as_str().unwrap_or_default(),
            script
        );
        answer["stdout"].as_str().unwrap_or_default().to_string()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // The server exits when its connection closes; its end closing shows that it did.
        let _ = self.connection.shutdown(Shutdown::Write);
        let _ = self.connection.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = std::io::copy(&mut self.connection, &mut std::io::sink());
        if std::thread::panicking() {
            eprintln!("moto's log is kept: {}", self.log.display());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// A scratch stack directory, removed on drop.
pub struct Stack {
    pub dir: tempfile::TempDir,
}

impl Stack {
    /// An empty stack directory.
    pub fn new() -> Stack {
        Stack { dir: tempfile::Builder::new().prefix("infra-test-").tempdir().expect("tempdir") }
    }

    /// A copy of a fixture folder (relative to the repository root).
    pub fn from_fixture(relative: &str) -> Stack {
        let stack = Stack::new();
        copy_dir(&repo_root().join(relative), stack.path());
        stack
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, contents: &str) {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, contents).expect("write fixture file");
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap_or_default()
    }

    /// The stack's local state (`terraform.tfstate`) as infra reads it, flattened by
    /// [`flat_state`]; `Null` when there is none.
    pub fn state(&self) -> serde_json::Value {
        self.state_at(STATE_FILE)
    }

    /// The state file `name` (a workspace's) as infra reads it, flattened by [`flat_state`].
    pub fn state_at(&self, name: &str) -> serde_json::Value {
        match serde_json::from_str(&self.state_text_at(name)) {
            Ok(state) => flat_state(&state),
            Err(_) => serde_json::Value::Null,
        }
    }

    /// The state file `name` as infra reads it, in v4 JSON: with the journal a run that died
    /// mid-apply left beside it (`<name>.infra-journal`) replayed over it. The file's own text
    /// when it cannot be read that way (a damaged file, for the test to see), and `""` when
    /// there is no state.
    pub fn state_text_at(&self, name: &str) -> String {
        use infra_state::Backend;
        let backend = infra_state::local::LocalBackend::new(self.path().join(name));
        match backend.read() {
            Ok(Some(state)) => String::from_utf8(infra_state::format::encode(&state))
                .unwrap_or_else(|_| self.read(name)),
            Ok(None) => String::new(),
            Err(_) => self.read(name),
        }
    }
}

/// The default workspace's state file, Terraform's name.
pub const STATE_FILE: &str = "terraform.tfstate";

/// A Terraform v4 state as tests read it: one entry per instance under `resources`, with
/// `address`, `module`, `mode`, `type`, `name`, `index_key`, `id`, `attributes`,
/// `sensitive_attributes` (as `a.b[0]` paths), `dependencies`, `create_before_destroy`,
/// `schema_version` and `provider` (the file's provider address); `serial`, `lineage` and
/// `outputs` as in the file; infra's own `deployments` and `pending` lifted from its `infra`
/// key.
pub fn flat_state(state: &serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Value};
    let mut instances = Vec::new();
    for resource in state["resources"].as_array().into_iter().flatten() {
        for instance in resource["instances"].as_array().into_iter().flatten() {
            let module = resource["module"].as_str().unwrap_or_default();
            let mut address = String::new();
            if !module.is_empty() {
                address.push_str(module);
                address.push('.');
            }
            if resource["mode"] == "data" {
                address.push_str("data.");
            }
            address.push_str(&format!(
                "{}.{}",
                resource["type"].as_str().unwrap_or_default(),
                resource["name"].as_str().unwrap_or_default()
            ));
            match &instance["index_key"] {
                Value::Number(index) => address.push_str(&format!("[{index}]")),
                Value::String(key) => address.push_str(&format!("[{key:?}]")),
                _ => {}
            }
            let sensitive: Vec<String> = instance["sensitive_attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|steps| {
                    let mut path = String::new();
                    for step in steps.as_array().into_iter().flatten() {
                        let value = &step["value"];
                        match (step["type"].as_str(), value.get("value").unwrap_or(value)) {
                            (Some("index"), Value::Number(index)) => {
                                path.push_str(&format!("[{index}]"))
                            }
                            (_, Value::String(name)) => {
                                if !path.is_empty() {
                                    path.push('.');
                                }
                                path.push_str(name);
                            }
                            _ => {}
                        }
                    }
                    path
                })
                .collect();
            instances.push(json!({
                "address": address,
                "module": resource.get("module"),
                "mode": resource["mode"],
                "type": resource["type"],
                "name": resource["name"],
                "index_key": instance.get("index_key"),
                "id": instance["attributes"]["id"],
                "attributes": instance["attributes"],
                "sensitive_attributes": sensitive,
                "dependencies": instance.get("dependencies").cloned().unwrap_or(json!([])),
                "create_before_destroy": instance.get("create_before_destroy").cloned().unwrap_or(json!(false)),
                "schema_version": instance["schema_version"],
                "provider": resource["provider"],
                "status": instance.get("status"),
            }));
        }
    }
    json!({
        "version": state["version"],
        "serial": state["serial"],
        "lineage": state["lineage"],
        "outputs": state["outputs"],
        "resources": instances,
        "deployments": state["infra"].get("deployments").cloned().unwrap_or(json!({})),
        "pending": state["infra"].get("pending").cloned().unwrap_or(json!([])),
    })
}

impl Default for Stack {
    fn default() -> Self {
        Stack::new()
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display()))
    {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The result of one `infra` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics with the whole output unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        self.expect_code(0)
    }

    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Builds an `infra` command for `binary` in `dir` against `moto` (or no emulator).
pub fn infra_command(binary: &str, dir: &Path, moto: Option<&Moto>) -> Command {
    let mut command = Command::new(binary);
    command.current_dir(dir).stdin(Stdio::null()).env("NO_COLOR", "1");
    for key in [
        "TF_WORKSPACE",
        "INFRA_WORKSPACE",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        // A developer's logging and encryption settings stay out of the tests.
        "TF_LOG",
        "TF_LOG_PATH",
        "INFRA_LOG",
        "INFRA_LOG_PATH",
        "INFRA_LOG_FORMAT",
        "TF_ENCRYPTION",
    ] {
        command.env_remove(key);
    }
    for (key, _) in std::env::vars() {
        if key.starts_with("TF_VAR_") || key.starts_with("INFRA_VAR_") {
            command.env_remove(key);
        }
    }
    match moto {
        Some(moto) => {
            command.envs(moto.env());
        }
        None => {
            // Nothing listens here: a command that should not touch AWS fails fast if it does.
            command.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").env("AWS_REGION", "us-east-1");
            command.env("AWS_ACCESS_KEY_ID", "testing").env("AWS_SECRET_ACCESS_KEY", "testing");
        }
    }
    command
}

/// Runs `infra ARGS` and captures the result.
pub fn run(mut command: Command, args: &[&str]) -> Run {
    Run::from(command.args(args).output().expect("run infra"))
}
