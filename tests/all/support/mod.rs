//! What the end-to-end tests share: the emulator, the binary, generated certificates.

#![allow(dead_code)]

pub mod aws;
pub mod certs;
pub mod site;
pub mod snapshot;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde_json::Value;

/// The paths of the test guests, built by host/build.rs.
pub mod guests {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}

/// The account moto answers for.
pub const ACCOUNT: &str = "123456789012";

/// An emulator (moto server + fidelity layer) for one test at a time: taken from a pool of
/// idle ones (all their state, hooks and request log reset) or started, and given back when
/// dropped, unless the test panicked. Each holds a pipe to the emulator's standard input, so
/// every emulator ends with the test process, however it ends.
pub struct Emulator {
    server: Option<Server>,
    /// Its endpoint.
    pub endpoint: String,
}

struct Server {
    child: Child,
    _stdin: ChildStdin,
    endpoint: String,
}

/// The idle emulators.
static IDLE: Mutex<Vec<Server>> = Mutex::new(Vec::new());

impl Emulator {
    /// An emulator with nothing in it.
    pub fn start() -> Self {
        let idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let server = match idle {
            Some(server) => {
                let emulator = Self {
                    endpoint: server.endpoint.clone(),
                    server: Some(server),
                };
                emulator.post("/moto-api/reset", "{}");
                return emulator;
            }
            None => Server::start(),
        };
        Self {
            endpoint: server.endpoint.clone(),
            server: Some(server),
        }
    }

    /// The AWS SDK configuration for talking to it directly.
    pub async fn sdk(&self) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_sts::config::Credentials::new(
                "testing", "testing", None, None, "tests",
            ))
            .load()
            .await
    }

    /// The requests the emulator has served since it started or was last cleared.
    pub fn requests(&self) -> Vec<Value> {
        serde_json::from_str(&self.http("GET", "/_switchyard/requests", "")).expect("the request log is JSON")
    }

    /// Posts `body` (JSON) to one of the emulator's own endpoints (`/_switchyard/…`).
    pub fn post(&self, path: &str, body: &str) -> String {
        self.http("POST", path, body)
    }

    /// Reads one of the emulator's own endpoints, as JSON.
    pub fn get(&self, path: &str) -> Value {
        serde_json::from_str(&self.http("GET", path, "")).expect("the emulator answers JSON")
    }

    fn http(&self, method: &str, path: &str, body: &str) -> String {
        use std::io::{Read, Write};
        let addr = self.endpoint.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).expect("connect to the emulator");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .expect("timeout");
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        // The request is whole: say so, so that a server reading the body to its end stops there.
        stream.shutdown(std::net::Shutdown::Write).expect("shutdown");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        assert!(
            head.contains(" 200 ") || head.contains(" 201 "),
            "{method} {path}: {head}\n\n{body}"
        );
        body.to_owned()
    }

    /// The requests that changed something.
    pub fn writes(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["write"] == Value::Bool(true))
            .collect()
    }

    /// `switchyard` with the environment pointing at this emulator.
    pub fn switchyard(&self) -> Switchyard {
        let mut cmd = switchyard();
        cmd.0
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing-secret-key")
            .env("AWS_REGION", "us-east-1");
        cmd
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let Some(mut server) = self.server.take() else { return };
        if std::thread::panicking() {
            let _ = server.child.kill();
            let _ = server.child.wait();
            return;
        }
        IDLE.lock().unwrap_or_else(PoisonError::into_inner).push(server);
    }
}

impl Server {
    /// Starts an emulator on a free loopback port.
    fn start() -> Self {
        let mut child = Command::new(python())
            .arg(root().join("emulator/launch.py"))
            .args(["--host", "127.0.0.1", "--port", "0", "--exit-with-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the emulator's READY line");
        let endpoint = line
            .trim()
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("the emulator did not start: {line:?}"))
            .to_owned();
        let stdin = child.stdin.take().expect("stdin");
        Self {
            child,
            _stdin: stdin,
            endpoint,
        }
    }
}

/// `switchyard` with no AWS region or credentials, and none of the developer's AWS settings.
pub fn switchyard() -> Switchyard {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("SWITCHYARD_CACHE_DIR", cache_dir())
        .env("NO_COLOR", "1");
    Switchyard(cmd)
}

/// A `switchyard` command being built.
pub struct Switchyard(pub Command);

/// How a `switchyard` run ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Standard output as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Switchyard {
    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.0.env(key, value);
        self
    }

    /// Runs in `dir`.
    pub fn dir(mut self, dir: &Path) -> Self {
        self.0.current_dir(dir);
        self
    }

    /// Starts with `args`, without waiting; standard output and error are discarded.
    pub fn spawn<I, S>(mut self, args: I) -> Child
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.0
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start switchyard")
    }

    /// Runs with `args`.
    pub fn run<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let Output { status, stdout, stderr } = self.0.args(args).output().expect("run switchyard");
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }
}

/// The workspace root.
/// The emulator's Python (with moto and `cryptography`): `SWITCHYARD_PYTHON`, else the
/// repository's `.venv`.
pub fn python() -> PathBuf {
    let python = std::env::var_os("SWITCHYARD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv/bin/python"));
    assert!(
        python.exists(),
        "no emulator Python at {}: run `cargo xtask setup` (or `cargo xtask test`)",
        python.display()
    );
    python
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ is in the workspace")
        .to_path_buf()
}

/// A compiled-component cache shared by the tests of this run.
fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir")).path()
}

/// Writes a workflow file into a new temporary directory.
pub fn workflow(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workflow.toml");
    std::fs::write(&file, text).expect("write workflow");
    (dir, file)
}
