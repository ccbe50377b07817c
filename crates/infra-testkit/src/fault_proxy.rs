//! A fault-injecting HTTP proxy in front of a [`Moto`] server, for tests that check that
//! nothing wedges and nothing is made twice when AWS misbehaves: it runs
//! `tests/support/fault_proxy.py` (read its docstring for the protocol-shaped errors) with the
//! project's venv Python, on a free loopback port, and stops it on drop.
//!
//! Faults are decided from a seed and each request's number, so they repeat run to run when
//! requests arrive in the same order:
//! - *before* forwarding: a throttling error or a 503 in the request's protocol (moto never sees
//!   the request);
//! - *after* forwarding: moto did the work, and the answer is lost ([`LostAs`]: the
//!   connection closed, a 500, a throttling error, or nothing until the read timeout);
//! - *hold*: the Nth request from now, and every one after it, is held and never answered, so a
//!   test can kill the client at a known call.
//!
//! The settings change at run time over the proxy's own `/__proxy/` paths, which are never
//! forwarded or counted. The test's own checks should talk to moto directly ([`Moto::env`],
//! [`Moto::python`]), not through the proxy.

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{repo_root, venv, Moto};

/// The per-attempt read timeout of the runs through a proxy (`INFRA_AWS_READ_TIMEOUT`).
const READ_TIMEOUT_VARIABLE: &str = "INFRA_AWS_READ_TIMEOUT";
const READ_TIMEOUT_SECONDS: &str = "5";

/// How [`FaultProxy::lose_first`] and the `after` rate lose an answer (`lost_as` in
/// `fault_proxy.py`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostAs {
    /// The connection closes with no answer.
    Close,
    /// A 500 in the service's error shape.
    Error,
    /// The service's throttling error.
    Throttle,
    /// Nothing until the client's read timeout.
    Timeout,
    /// Error, throttle or timeout, drawn from the seed for each request.
    Mixed,
}

impl LostAs {
    pub fn name(self) -> &'static str {
        match self {
            LostAs::Close => "close",
            LostAs::Error => "error",
            LostAs::Throttle => "throttle",
            LostAs::Timeout => "timeout",
            LostAs::Mixed => "mixed",
        }
    }
}

/// The faults a proxy starts with (all off by default).
#[derive(Debug, Clone, PartialEq)]
pub struct FaultSettings {
    /// Decides which requests fail; the same seed gives the same faults for the same request
    /// numbers.
    pub seed: u64,
    /// The share of requests refused before they reach moto (throttling or 503), 0.0 to 1.0.
    pub before: f64,
    /// The share of requests whose answer is lost after moto did the work, 0.0 to 1.0.
    pub after: f64,
    /// Added to every forwarded request.
    pub latency_ms: u64,
    /// A further delay, uniform in [0, jitter_ms), from the seed.
    pub jitter_ms: u64,
}

impl Default for FaultSettings {
    fn default() -> Self {
        FaultSettings { seed: 1, before: 0.0, after: 0.0, latency_ms: 0, jitter_ms: 0 }
    }
}

impl FaultSettings {
    /// No faults: the proxy only counts (and can hold) requests.
    pub fn none() -> FaultSettings {
        FaultSettings::default()
    }

    /// `before` and `after` rates with `seed`, no added latency.
    pub fn faults(seed: u64, before: f64, after: f64) -> FaultSettings {
        FaultSettings { seed, before, after, ..FaultSettings::default() }
    }
}

/// When a held request is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldWhen {
    /// Before it is forwarded: moto never sees it.
    BeforeForwarding,
    /// After moto answered it: the work is done, the client never hears.
    AfterForwarding,
}

/// A request the proxy holds unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRequest {
    /// Its number, counted from 1 since the proxy started.
    pub number: u64,
    /// The service of its SigV4 credential scope (`ec2`, `iam`, `s3`...).
    pub service: String,
    /// Its operation (`CreateVpc`), or `METHOD /path` for REST requests.
    pub operation: String,
}

impl std::fmt::Display for HeldRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "request {} ({} {})", self.number, self.service, self.operation)
    }
}

/// The proxy's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Requests received (control requests are not counted).
    pub seen: u64,
    /// Requests received and not yet answered (held ones stay in flight).
    pub in_flight: u64,
    /// Requests that reached moto.
    pub forwarded: u64,
    /// Requests refused before forwarding.
    pub faults_before: u64,
    /// Requests whose answer was lost after forwarding.
    pub faults_after: u64,
    /// Requests refused because AWS's token bucket for them was empty (`aws_buckets`).
    pub throttled: u64,
    /// The requests held now, in the order they were held (a release empties it).
    pub held: Vec<HeldRequest>,
    /// Requests held and since released (closed unanswered).
    pub released: u64,
}

/// A running fault proxy in front of one moto server, stopped on drop.
pub struct FaultProxy {
    pub port: u16,
    upstream_port: u16,
    upstream_env: Vec<(String, String)>,
    child: Child,
    log: PathBuf,
}

impl FaultProxy {
    /// Starts a proxy in front of `moto` with `settings`.
    pub fn start(moto: &Moto, settings: FaultSettings) -> FaultProxy {
        let log = crate::scratch_name("fault-proxy").with_extension("log");
        let log_file = File::create(&log).expect("fault proxy log file");
        let child = Command::new(venv().join("bin/python"))
            .arg(repo_root().join("tests/support/fault_proxy.py"))
            // Any free port, bound by the proxy and printed to its log ("listening PORT"):
            // no other process can take it between the choice and the bind.
            .arg("0")
            .arg(moto.endpoint())
            .arg("--seed")
            .arg(settings.seed.to_string())
            .arg("--before")
            .arg(settings.before.to_string())
            .arg("--after")
            .arg(settings.after.to_string())
            .arg("--latency-ms")
            .arg(settings.latency_ms.to_string())
            .arg("--jitter-ms")
            .arg(settings.jitter_ms.to_string())
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("fault proxy log handle"))
            .stderr(log_file)
            .spawn()
            .expect("start tests/support/fault_proxy.py");
        let mut upstream_env = moto.env();
        // An answer the proxy withholds ("timeout") costs the client its read timeout: short
        // here, generous by default.
        upstream_env.push((READ_TIMEOUT_VARIABLE.into(), READ_TIMEOUT_SECONDS.into()));
        let mut proxy = FaultProxy { port: 0, upstream_port: moto.port, upstream_env, child, log };
        proxy.wait_ready();
        proxy
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the fault proxy exited at start ({status}); log: {}", self.log_text());
            }
            let listening = self.log_text().lines().find_map(|line| {
                line.strip_prefix("listening ").and_then(|port| port.trim().parse::<u16>().ok())
            });
            if let Some(port) = listening {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    self.port = port;
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "the fault proxy did not listen within 60 s; log {}: {}",
            self.log.display(),
            self.log_text()
        );
    }

    /// The proxy's URL.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Moto's environment ([`Moto::env`]) with `AWS_ENDPOINT_URL` pointing at the proxy: apply
    /// it after [`crate::infra_command`] to send a run's requests through the proxy.
    pub fn env(&self) -> Vec<(String, String)> {
        self.upstream_env
            .iter()
            .map(|(key, value)| {
                if key == "AWS_ENDPOINT_URL" {
                    (key.clone(), self.endpoint())
                } else {
                    (key.clone(), value.clone())
                }
            })
            .collect()
    }

    /// From now on, answers lost after moto did the work are lost as `how` says.
    pub fn lose_as(&self, how: LostAs) {
        self.configure(serde_json::json!({ "lost_as": how.name() }));
    }

    /// Loses the first answer of each distinct request whose operation key starts with one of
    /// `prefixes` (`Create`, `POST `), as `how` says: every create of a stack whose objects
    /// carry their address in a tag.
    pub fn lose_first(&self, prefixes: &[String], how: LostAs) {
        self.configure(serde_json::json!({
            "lose_first": prefixes,
            "lose_first_only": null,
            "lost_as": how.name(),
        }));
    }

    /// As [`FaultProxy::lose_first`], but only the `nth` distinct request of operation key
    /// `key` among them loses its answer: one create at a time.
    pub fn lose_first_only(&self, prefixes: &[String], key: &str, nth: u64, how: LostAs) {
        self.configure(serde_json::json!({
            "lose_first": prefixes,
            "lose_first_only": { "key": key, "nth": nth },
            "lost_as": how.name(),
        }));
    }

    /// Refuses the first of each distinct request whose operation key is one of `keys` with a
    /// 500 before moto sees it (an outcome the client cannot tell from a lost answer), and lets
    /// a resend with the same body through. `&[]` stops refusing.
    pub fn refuse_first(&self, keys: &[String]) {
        let keys = (!keys.is_empty()).then_some(keys);
        self.configure(serde_json::json!({ "refuse_first": keys }));
    }

    /// Stops losing first answers.
    pub fn lose_none(&self) {
        self.configure(serde_json::json!({ "lose_first": null, "lose_first_only": null }));
    }

    /// Adds `key=value` to [`FaultProxy::env`]: a setting of the runs through this proxy (for
    /// example fewer retries than the provider's 25 when every call is made to fail).
    pub fn with_env(mut self, key: &str, value: &str) -> FaultProxy {
        self.upstream_env.retain(|(k, _)| k != key);
        self.upstream_env.push((key.to_string(), value.to_string()));
        self
    }

    /// Sends a partial settings object (see `fault_proxy.py`: `seed`, `before`, `after`,
    /// `latency_ms`, `jitter_ms`, `hold`, `hold_next`, `hold_when`, `hold_rest`, `services`,
    /// `at`, `at_next`, `release`...) and returns the counters.
    pub fn configure(&self, settings: serde_json::Value) -> ProxyStats {
        let answer = self.control("POST", "/__proxy/config", &settings.to_string());
        stats_from(&answer)
    }

    /// Sets the rates of faults before and after forwarding (0.0 to 1.0).
    pub fn set_faults(&self, before: f64, after: f64) {
        self.configure(serde_json::json!({ "before": before, "after": after }));
    }

    /// Turns every fault off (rates to 0, no hold; held requests are released unanswered).
    pub fn faults_off(&self) {
        self.configure(serde_json::json!({ "before": 0.0, "after": 0.0, "hold": null }));
    }

    /// Holds the `n`th request from now (1 = the next one) before it reaches moto, and every
    /// request after it, until [`FaultProxy::release`].
    pub fn hold(&self, n: u64) {
        self.hold_when(n, HoldWhen::BeforeForwarding);
    }

    /// Holds the `n`th request from now, before or after moto handled it, and every request
    /// after it (before forwarding), until [`FaultProxy::release`].
    pub fn hold_when(&self, n: u64, when: HoldWhen) {
        let when = match when {
            HoldWhen::BeforeForwarding => "before",
            HoldWhen::AfterForwarding => "after",
        };
        self.configure(serde_json::json!({
            "hold_next": n.max(1),
            "hold_when": when,
            "hold_rest": true,
        }));
    }

    /// Holds the `nth` request from now of one operation (`service` and operation key, as
    /// the request log's `service` and `key` name it), before or after moto handled it, and
    /// every request after it, until [`FaultProxy::release`].
    pub fn hold_operation(&self, service: &str, operation: &str, nth: u64, when: HoldWhen) {
        let when = match when {
            HoldWhen::BeforeForwarding => "before",
            HoldWhen::AfterForwarding => "after",
        };
        self.configure(serde_json::json!({
            "hold_operation": { "service": service, "operation": operation, "nth": nth.max(1) },
            "hold_when": when,
            "hold_rest": true,
        }));
    }

    /// Clears the hold: held requests are closed unanswered, later ones pass.
    pub fn release(&self) {
        self.configure(serde_json::json!({ "hold": null }));
    }

    /// Waits until a request is held and returns the first held one; panics after two minutes.
    pub fn wait_held(&self) -> HeldRequest {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(held) = self.stats().held.into_iter().next() {
                return held;
            }
            assert!(
                Instant::now() < deadline,
                "no request was held within two minutes; proxy log: {}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits until a request is held (`Some`) or `client` exits first (`None`, the client made
    /// fewer requests than the hold waited for); panics after two minutes.
    pub fn wait_held_or_exit(&self, client: &mut Child) -> Option<HeldRequest> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(held) = self.stats().held.into_iter().next() {
                return Some(held);
            }
            if let Ok(Some(_)) = client.try_wait() {
                // A request may have been held just before the exit was seen.
                return self.stats().held.into_iter().next();
            }
            assert!(
                Instant::now() < deadline,
                "no request was held within two minutes and the client still runs; proxy log: {}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The number of requests seen so far.
    pub fn requests(&self) -> u64 {
        self.stats().seen
    }

    /// The counters.
    pub fn stats(&self) -> ProxyStats {
        stats_from(&self.control("GET", "/__proxy/stats", ""))
    }

    /// Every request seen: `{"n", "at", "service", "protocol", "operation", "key", "fault",
    /// "token"}` objects (`at`: its arrival on the machine's monotonic clock, in seconds;
    /// `token`: the idempotency token the request carries, or null).
    pub fn request_log(&self) -> Vec<serde_json::Value> {
        match self.control("GET", "/__proxy/log", "") {
            serde_json::Value::Array(entries) => entries,
            other => panic!("the fault proxy's log is not a list: {other}"),
        }
    }

    /// Empties the emulator behind the proxy (moto's `/moto-api/reset`), so that one moto
    /// server serves several runs of a stack.
    pub fn reset_emulator(&self) {
        if let Err(error) = http(self.upstream_port, "POST", "/moto-api/reset", "") {
            panic!("resetting moto failed: {error}");
        }
    }

    /// The proxy's output: a line per request (`N SERVICE OPERATION FAULT`) and per held one.
    pub fn log_text(&self) -> String {
        let mut text = String::new();
        let _ = File::open(&self.log).and_then(|mut f| f.read_to_string(&mut text));
        text
    }

    fn control(&self, method: &str, path: &str, body: &str) -> serde_json::Value {
        let answer = http(self.port, method, path, body)
            .unwrap_or_else(|error| panic!("fault proxy {method} {path}: {error}"));
        serde_json::from_str(&answer)
            .unwrap_or_else(|error| panic!("fault proxy {method} {path}: {error}: {answer}"))
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("the fault proxy's log is kept: {}", self.log.display());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

fn stats_from(value: &serde_json::Value) -> ProxyStats {
    let count = |key: &str| value[key].as_u64().unwrap_or_default();
    let held = value["held"]
        .as_array()
        .map(|held| {
            held.iter()
                .map(|entry| HeldRequest {
                    number: entry["n"].as_u64().unwrap_or_default(),
                    service: entry["service"].as_str().unwrap_or_default().to_string(),
                    operation: entry["operation"].as_str().unwrap_or_default().to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    ProxyStats {
        seen: count("seen"),
        in_flight: count("in_flight"),
        forwarded: count("forwarded"),
        faults_before: count("faults_before"),
        faults_after: count("faults_after"),
        throttled: count("throttled"),
        held,
        released: count("released"),
    }
}

/// One HTTP/1.1 request to 127.0.0.1:`port` on its own connection; the body of a 200 answer.
fn http(port: u16, method: &str, path: &str, body: &str) -> Result<String, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) =
        answer.split_once("\r\n\r\n").ok_or_else(|| format!("no HTTP answer: {answer}"))?;
    let status = head.split(' ').nth(1).unwrap_or_default();
    if status != "200" {
        return Err(format!("HTTP {status}: {body}"));
    }
    Ok(body.to_string())
}
