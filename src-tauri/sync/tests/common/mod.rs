//! A real `mlflow server` per test (SQLite backend, temporary artifact folder, a free loopback port), started
//! from the project's virtualenv (`scripts/setup.sh --test`) and stopped when the test ends, passes or not;
//! MLflow's own Python client to check from the other side; and a per-test timeout.

// Each test file uses a different part of this harness.

pub mod bus;

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use modelops_core::remote::{AuthKind, RemoteSettings};
use modelops_core::Registry;
use modelops_sync::{ClientOptions, SyncOptions};

pub const ADMIN: (&str, &str) = ("admin", "Adm1n-test-pass");

/// The checkout: the folder of the workspace's Cargo.lock (this file is also included by the CLI crate's
/// tests).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|d| d.join("Cargo.lock").exists())
        .unwrap_or_else(|| Path::new("."))
        .to_path_buf()
}

fn venv_bin(name: &str) -> PathBuf {
    let bin = std::env::var_os("MODELOPS_MLFLOW_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv"))
        .join("bin")
        .join(name);
    assert!(
        bin.exists(),
        "{} is missing: run scripts/setup.sh --test (it installs MLflow into .venv)",
        bin.display()
    );
    bin
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub struct Server {
    pub url: String,
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    auth: bool,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(false)
    }

    /// With MLflow's basic-auth app: the admin is `ADMIN`, and new users may read everything, nothing more.
    pub fn start_with_auth() -> Server {
        Server::start_with(true)
    }

    fn start_with(auth: bool) -> Server {
        let dir = tempfile::tempdir().expect("server dir");
        let port = free_port();
        let mut s = Server {
            url: format!("http://127.0.0.1:{port}"),
            port,
            dir,
            child: None,
            auth,
        };
        s.launch();
        s
    }

    fn launch(&mut self) {
        let d = self.dir.path();
        let mut cmd = Command::new(venv_bin("mlflow"));
        cmd.args([
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            &self.port.to_string(),
        ])
        .arg("--backend-store-uri")
        .arg(format!("sqlite:///{}", d.join("mlflow.db").display()))
        .arg("--default-artifact-root")
        .arg(d.join("artifacts"))
        .args(["--workers", "1"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(d.join("server.log")).expect("log"))
        .stderr(std::fs::File::create(d.join("server.err")).expect("log"));
        if self.auth {
            let ini = d.join("auth.ini");
            std::fs::write(
                &ini,
                format!(
                    "[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///{}\nadmin_username = {}\n\
                     admin_password = {}\nauthorization_function = mlflow.server.auth:authenticate_request_basic_auth\n",
                    d.join("auth.db").display(),
                    ADMIN.0,
                    ADMIN.1
                ),
            )
            .expect("auth.ini");
            cmd.args(["--app-name", "basic-auth"])
                .env("MLFLOW_AUTH_CONFIG_PATH", &ini)
                .env("MLFLOW_FLASK_SERVER_SECRET_KEY", "modelops-tests");
        }
        // Its own process group, so stopping it stops the workers it forks too.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        self.child = Some(cmd.spawn().expect("start mlflow server"));
        let started = Instant::now();
        loop {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.write_all(b"GET /health HTTP/1.0\r\n\r\n");
                let mut buf = String::new();
                let _ = std::io::Read::read_to_string(&mut s, &mut buf);
                if buf.starts_with("HTTP/1.1 200") || buf.starts_with("HTTP/1.0 200") {
                    return;
                }
            }
            if let Some(Some(status)) = self.child.as_mut().map(|c| c.try_wait().ok().flatten()) {
                panic!(
                    "mlflow server exited ({status}): {}",
                    std::fs::read_to_string(d.join("server.err")).unwrap_or_default()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "mlflow server did not answer /health within 90 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Stops the server (its data stays): the same address then refuses connections.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGKILL to the whole group: a server that dies, as a crash or a pulled cable would.
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same data.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// Runs Python with MLflow's client pointed at this server (as the admin when auth is on); returns stdout.
    pub fn py(&self, code: &str) -> String {
        let mut cmd = Command::new(venv_bin("python"));
        cmd.arg("-c")
            .arg(format!(
                "import mlflow, json\nfrom mlflow import MlflowClient\nc = MlflowClient()\n{code}"
            ))
            .env("MLFLOW_TRACKING_URI", &self.url)
            .env("GIT_PYTHON_REFRESH", "quiet");
        if self.auth {
            cmd.env("MLFLOW_TRACKING_USERNAME", ADMIN.0)
                .env("MLFLOW_TRACKING_PASSWORD", ADMIN.1);
        }
        let out = cmd.output().expect("run python");
        assert!(
            out.status.success(),
            "python failed: {}\n{code}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Registers `name` version(s) through MLflow's client, each from a run that logged `metrics`.
    pub fn create_with_client(&self, name: &str, versions: usize, metrics: Option<&str>) {
        self.py(&create_script(name, versions, metrics));
    }
}

/// The Python that registers `name` version(s) through MLflow's client (for `Server::py`). Several go in one
/// call: each call starts Python and imports MLflow, 3–5 s on two busy cores.
pub fn create_script(name: &str, versions: usize, metrics: Option<&str>) -> String {
    let log = metrics
        .map(|m| format!("    mlflow.log_metrics({m})\n"))
        .unwrap_or_default();
    format!(
        "try:\n    c.create_registered_model({name:?})\nexcept Exception:\n    pass\n\
         for i in range({versions}):\n  with mlflow.start_run() as r:\n{log}    pass\n  \
         c.create_model_version({name:?}, r.info.artifact_uri + '/model', r.info.run_id)\n"
    )
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The settings of a registry pointed at `server`.
pub fn settings(url: &str) -> RemoteSettings {
    RemoteSettings {
        url: url.to_owned(),
        auth: AuthKind::None,
        username: None,
        secret_env: None,
        production_alias: "production".into(),
        staging_alias: "staging".into(),
    }
}

/// A registry file of its own in a temporary folder, with no demo models, pointed at `url`.
pub fn registry(url: &str) -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().expect("data dir");
    let reg = Registry::open(&dir.path().join("registry.sqlite3")).expect("open");
    reg.clear_demo_data().expect("clear demo");
    reg.set_remote_settings(&settings(url)).expect("settings");
    (dir, reg.with_actor("tester"))
}

/// Options that fail fast: short timeouts (long enough for a server on a loaded 2-core CI machine), one
/// retry.
pub fn quick() -> SyncOptions {
    with_timeout(20)
}

pub fn with_timeout(secs: u64) -> SyncOptions {
    SyncOptions {
        client: ClientOptions {
            timeout: Duration::from_secs(secs),
            connect_timeout: Duration::from_secs(2),
            attempts: 2,
            backoff: Duration::from_millis(50),
        },
        ..SyncOptions::default()
    }
}

/// Runs the test body on a thread of its own and fails the test if it takes longer than `secs`: a hang
/// fails instead of stalling CI. Whatever the body holds (servers) is dropped by the caller's frame.
pub fn within<T: Send + 'static>(secs: u64, body: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(body());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the body sent nothing and did not panic"),
        },
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the test did not finish within {secs} s")
        }
    }
}

/// An MLflow server that can't search registered models by a list of names, as servers older than the
/// pinned one answer `name IN (...)`: a proxy in front of a real server that answers such a search with
/// MLflow's 400 INVALID_PARAMETER_VALUE and forwards every other request. One request per connection
/// (it answers `Connection: close`), which reqwest follows. `refused` counts the searches it refused.
pub struct RefusesIn {
    pub url: String,
    pub refused: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

impl RefusesIn {
    pub fn start(upstream_port: u16) -> RefusesIn {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        let refused = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counter = refused.clone();
        // The thread ends with the test process; it holds nothing a later test needs.
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let _ = proxy_one(conn, upstream_port, &counter);
                });
            }
        });
        RefusesIn { url, refused }
    }
}

fn proxy_one(
    mut client: std::net::TcpStream,
    upstream_port: u16,
    refused: &std::sync::atomic::AtomicU32,
) -> std::io::Result<()> {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
            if name.eq_ignore_ascii_case("connection") {
                continue;
            }
        }
        if line == "\r\n" {
            head.extend_from_slice(b"Connection: close\r\n\r\n");
            break;
        }
        head.extend_from_slice(line.as_bytes());
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let request_line = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned();
    // The filter is in the query string, encoded: `name+IN+%28...` or `name%20IN%20(...`.
    let by_names = request_line.contains("registered-models/search")
        && (request_line.contains("name+IN+") || request_line.contains("name%20IN%20"));
    if by_names {
        refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let answer = r#"{"error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid comparator 'IN' for attribute 'name'"}"#;
        write!(
            client,
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        )?;
        return client.flush();
    }
    let mut upstream = std::net::TcpStream::connect(("127.0.0.1", upstream_port))?;
    upstream.write_all(&head)?;
    upstream.write_all(&body)?;
    std::io::copy(&mut upstream, &mut client)?;
    client.flush()
}
