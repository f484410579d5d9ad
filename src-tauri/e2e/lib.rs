//! Harness for the end-to-end tests: launches the built app through tauri-driver (which starts
//! WebKitWebDriver) on a fresh data directory, and wraps the WebDriver calls the tests use.
//!
//! Environment: `MODELOPS_E2E_APP` (the built app binary; required), `DISPLAY` (an X server, Xvfb in CI),
//! `TAURI_DRIVER` (default `tauri-driver` on PATH), `MODELOPS_E2E_OUT` (screenshots; default
//! `test-output/e2e`). WebKitWebDriver allows one session at a time: run the tests with `--test-threads=1`.

use std::mem::ManuallyDrop;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use modelops_core::Registry;
use serde_json::json;
pub use thirtyfour::prelude::*;

pub const WAIT: Duration = Duration::from_secs(15);

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The app binary under test.
pub fn app_binary() -> PathBuf {
    let app = env_path("MODELOPS_E2E_APP")
        .expect("MODELOPS_E2E_APP must name the built app binary (scripts/e2e.sh sets it)");
    assert!(
        app.is_file(),
        "MODELOPS_E2E_APP={} is not a file",
        app.display()
    );
    app
}

/// Where screenshots go.
pub fn output_dir() -> PathBuf {
    let dir = env_path("MODELOPS_E2E_OUT")
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/e2e"));
    std::fs::create_dir_all(&dir).expect("create screenshot dir");
    dir
}

/// tauri-driver in its own process group, so that dropping it also ends the WebKitWebDriver and app it
/// started, whatever state the test left them in.
struct DriverProcess {
    child: Child,
    port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl DriverProcess {
    /// `home` holds the app's per-user folders (XDG config, data, cache): the saved window state, the
    /// webview's storage (theme, dismissed banners) and the logs belong to one test's data folder, so tests
    /// don't see each other's and a restart within a test sees its own.
    fn start(home: &Path) -> DriverProcess {
        let port = free_port();
        let native_port = free_port();
        let bin = env_path("TAURI_DRIVER").unwrap_or_else(|| PathBuf::from("tauri-driver"));
        let child = Command::new(&bin)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("can't start {}: {e}", bin.display()));
        // tauri-driver starts WebKitWebDriver and then listens itself; a session request it forwards before
        // WebKitWebDriver listens is dropped ("error sending request"), so wait for both ports. On a busy
        // 2-core runner WebKitWebDriver can take over a second to come up.
        let deadline = Instant::now() + Duration::from_secs(20);
        for (p, who) in [(port, "tauri-driver"), (native_port, "WebKitWebDriver")] {
            while TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "{who} did not listen on port {p}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        DriverProcess { child, port }
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        for signal in ["-TERM", "-KILL"] {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
            std::thread::sleep(Duration::from_millis(300));
        }
        let _ = self.child.wait();
    }
}

/// The per-user folders of an app launched on `data_dir` (see `DriverProcess::start`).
pub fn xdg_home(data_dir: &Path) -> PathBuf {
    data_dir.join("xdg-home")
}

/// How long one WebDriver request may take: a hung app fails the test after this. Two minutes is far beyond
/// any test's single request; the benchmark's scroll script runs for minutes in one call and raises it.
static REQUEST_TIMEOUT_S: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(120);

/// How long a new session's page may take to answer its first script: it answers in about a second.
const PAGE_ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// Sets the WebDriver request timeout for the sessions started after this call.
pub fn set_request_timeout(timeout: Duration) {
    REQUEST_TIMEOUT_S.store(timeout.as_secs(), std::sync::atomic::Ordering::Relaxed);
}

/// One running app with a WebDriver session.
pub struct App {
    _driver: DriverProcess,
    /// Never dropped, only quit: when a test panics, the session's drop runs a blocking "quit" on the
    /// test's own runtime, which it blocks, so it waited out the whole request timeout (a failed test took
    /// ten minutes to end in CI). Killing the driver (the field above) ends the app instead.
    pub wd: ManuallyDrop<WebDriver>,
    pub data_dir: PathBuf,
    /// Wall-clock time just before the session (and so the app) was started.
    pub launched_at_ms: f64,
}

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

impl App {
    /// Launches `app_binary()` on `data_dir`. A failed session start is retried once with a new driver.
    pub async fn launch(data_dir: &Path) -> App {
        Self::launch_binary(&app_binary(), data_dir).await
    }

    pub async fn launch_binary(binary: &Path, data_dir: &Path) -> App {
        Self::launch_binary_with(binary, data_dir, &[]).await
    }

    /// Launches `app_binary()` on `data_dir` with more command-line arguments (`--sync-every 2`).
    pub async fn launch_with(data_dir: &Path, extra_args: &[&str]) -> App {
        Self::launch_binary_with(&app_binary(), data_dir, extra_args).await
    }

    async fn launch_binary_with(binary: &Path, data_dir: &Path, extra_args: &[&str]) -> App {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut args = vec!["--data-dir".to_owned(), data_dir.display().to_string()];
        args.extend(extra_args.iter().map(|a| (*a).to_owned()));
        let mut last_err: Option<String> = None;
        for attempt in 1..=2 {
            let driver = DriverProcess::start(&xdg_home(data_dir));
            let mut caps = Capabilities::new();
            caps.set("browserName", "wry").expect("caps");
            caps.set(
                "tauri:options",
                json!({
                    "application": binary,
                    "args": args,
                }),
            )
            .expect("caps");
            let launched_at_ms = now_ms();
            let session = WebDriver::builder(format!("http://127.0.0.1:{}", driver.port), caps)
                .request_timeout(Duration::from_secs(
                    REQUEST_TIMEOUT_S.load(std::sync::atomic::Ordering::Relaxed),
                ))
                .await;
            let wd = match session {
                Ok(wd) => wd,
                Err(e) => {
                    eprintln!("session start failed (attempt {attempt}/2): {e}");
                    last_err = Some(e.to_string());
                    drop(driver);
                    // Give WebKitWebDriver and the app a moment to go away before the retry.
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
            };
            // A session can also start on a page that never answers: twice in full runs, the first request of
            // an A/B test waited out the whole request timeout. Ask the page for something trivial first, so
            // that such a start is retried like a failed one, and says so in the log.
            let answered = tokio::time::timeout(
                PAGE_ANSWER_TIMEOUT,
                wd.execute("return document.readyState", Vec::new()),
            )
            .await;
            if let Ok(Ok(_)) = answered {
                return App {
                    wd: ManuallyDrop::new(wd),
                    _driver: driver,
                    data_dir: data_dir.to_owned(),
                    launched_at_ms,
                };
            }
            let why = match answered {
                Ok(Err(e)) => e.to_string(),
                _ => format!("no answer within {PAGE_ANSWER_TIMEOUT:?}"),
            };
            eprintln!("the new session's page did not answer (attempt {attempt}/2): {why}");
            last_err = Some(why);
            // Its drop would send a blocking "quit" to a driver that doesn't answer; killing the driver's
            // process group ends the app.
            std::mem::forget(wd);
            drop(driver);
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        panic!("could not start a WebDriver session: {last_err:?}");
    }

    /// Ends the session, which closes the app.
    pub async fn quit(self) {
        let App { wd, _driver, .. } = self;
        ManuallyDrop::into_inner(wd)
            .quit()
            .await
            .expect("quit session");
        drop(_driver);
    }

    /// The registry file the app uses, opened from the test process (WAL allows it beside the app).
    pub fn registry(&self) -> Registry {
        Registry::open(&self.data_dir.join("registry.sqlite3")).expect("open the app's registry")
    }

    /// Polls until `xpath` matches a displayed element.
    pub async fn el(&self, xpath: &str) -> WebElement {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(e) = self.first_shown(xpath).await {
                return e;
            }
            if Instant::now() > deadline {
                self.failure_screenshot("timeout").await;
                panic!("no displayed element matches {xpath} after {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls until no displayed element matches `xpath`.
    pub async fn gone(&self, xpath: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.first_shown(xpath).await.is_none() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{xpath} still displayed after {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the first enabled, displayed element matching `xpath` (waiting for it to become enabled).
    pub async fn click(&self, xpath: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let e = self.el(xpath).await;
            if e.is_enabled().await.unwrap_or(false) {
                // A dialog still animating open, or a toast over the target, makes a click "not
                // interactable" for a moment: retry until the deadline.
                match e.click().await {
                    Ok(()) => return,
                    Err(err) if Instant::now() > deadline => {
                        self.failure_screenshot("click-failed").await;
                        panic!("click {xpath}: {err}")
                    }
                    Err(_) => {}
                }
            }
            assert!(Instant::now() < deadline, "{xpath} stayed disabled");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Replaces the value of the input matching `xpath` with `text` as a user does: select all, then type.
    /// (WebDriver's clear() sets the value behind React's back, so a controlled input would keep its old
    /// value.) Retries while the field is not yet interactable (a dialog still opening).
    pub async fn fill(&self, xpath: &str, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let e = self.el(xpath).await;
            let select_all = Key::Control + "a";
            match e.send_keys(select_all).await {
                Ok(()) => {
                    let typed = if text.is_empty() {
                        e.send_keys(Key::Backspace).await
                    } else {
                        e.send_keys(text).await
                    };
                    typed.unwrap_or_else(|err| panic!("type into {xpath}: {err}"));
                    return;
                }
                Err(err) if Instant::now() > deadline => panic!("focus {xpath}: {err}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(150)).await,
            }
        }
    }

    /// Chooses model `id` in the searchable picker `input` by typing `text` and clicking its option, as a user
    /// does. Waits until the input holds all of `text` before clicking (WebKit may still be delivering the
    /// keystrokes, and a late one would undo the choice), then until the picker shows the model as chosen.
    pub async fn pick_model(&self, input: &str, text: &str, id: &str) {
        let field = format!("//input[@id='{input}']");
        let e = self.el(&field).await;
        e.send_keys(text)
            .await
            .unwrap_or_else(|err| panic!("type into {input}: {err}"));
        let deadline = Instant::now() + WAIT;
        while e.value().await.ok().flatten().as_deref() != Some(text) {
            assert!(Instant::now() < deadline, "{input} never held {text:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Click only once the list shows the options of the whole text (aria-busy false): a list still
        // showing an earlier prefix's options can reflow under the click, which then lands on nothing.
        let option = format!(
            "//*[@id='{input}-listbox' and @aria-busy='false']//*[@role='option' and @data-model-id='{id}']"
        );
        let chosen = format!(
            "{field}/ancestor::div[contains(concat(' ', @class, ' '), ' picker ')][1]//*[@role='status']//span[normalize-space(.)='{id}']"
        );
        for _ in 0..3 {
            self.click(&option).await;
            let until = Instant::now() + Duration::from_secs(3);
            while Instant::now() < until {
                if self.shown(&chosen).await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if !self.shown(&option).await {
                break;
            }
            // Said in the log, so a picker that drops clicks shows up even when the retry saves the test.
            eprintln!("pick_model: the click on {id} in {input} didn't choose it; clicking again");
        }
        self.el(&chosen).await;
    }

    /// Whether a displayed element matches `xpath` now (no waiting).
    pub async fn shown(&self, xpath: &str) -> bool {
        self.first_shown(xpath).await.is_some()
    }

    /// The first displayed element matching `xpath` now, if any (one that went stale meanwhile is not shown).
    async fn first_shown(&self, xpath: &str) -> Option<WebElement> {
        for e in self.wd.find_all(By::XPath(xpath)).await.ok()? {
            if e.is_displayed().await.unwrap_or(false) {
                return Some(e);
            }
        }
        None
    }

    pub async fn text(&self, xpath: &str) -> String {
        self.el(xpath).await.text().await.unwrap_or_default()
    }

    /// Waits for a toast whose text contains `needle`; returns its whole text.
    pub async fn toast(&self, needle: &str) -> String {
        self.text(&format!(
            "{TOASTS}//li[contains(normalize-space(.), {})]",
            xpath_literal(needle)
        ))
        .await
    }

    /// The texts of the toasts shown now.
    pub async fn toasts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in self
            .wd
            .find_all(By::XPath(format!("{TOASTS}//li")))
            .await
            .unwrap_or_default()
        {
            out.push(e.text().await.unwrap_or_default());
        }
        out
    }

    /// Dismisses every toast on screen.
    pub async fn dismiss_toasts(&self) {
        let close = format!("{TOASTS}//button[@aria-label='Dismiss notification']");
        while let Ok(buttons) = self.wd.find_all(By::XPath(&close)).await {
            let Some(b) = buttons.into_iter().next() else {
                break;
            };
            let _ = b.click().await;
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// A screenshot of a failure, taken before the test panics with what it waited for. At most 20 s and never
    /// a panic of its own: once, WebKitWebDriver's screenshot hung for the whole request timeout after a wait
    /// had failed, and the panic then named the screenshot instead of the element the test waited for.
    async fn failure_screenshot(&self, name: &str) {
        let path = output_dir().join(format!("{name}.png"));
        match tokio::time::timeout(Duration::from_secs(20), self.shoot(&path)).await {
            Ok(Ok(())) => eprintln!("screenshot of the failure: {}", path.display()),
            Ok(Err(e)) => eprintln!("no screenshot of the failure: {e}"),
            Err(_) => eprintln!("no screenshot of the failure: WebKitWebDriver took over 20 s"),
        }
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let path = output_dir().join(format!("{name}.png"));
        self.shoot(&path)
            .await
            .unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        path
    }

    /// WebKitGTK's automation takes a screenshot at the page's next paint after the request. Painting without
    /// GPU compositing (the app's mode on a machine without a GPU, as under Xvfb), a page with nothing to
    /// repaint never paints again, and the request waits forever: measured on the empty Tauri window, every
    /// screenshot taken a second or more after its last paint hung. So the page is first asked to repaint a
    /// transparent pixel for the next two seconds.
    async fn shoot(&self, path: &Path) -> WebDriverResult<()> {
        self.wd.execute(REPAINT_SOON, Vec::new()).await?;
        self.wd.screenshot(path).await
    }

    /// The page's own timing: milliseconds of the performance mark `name`, as epoch time.
    pub async fn mark_epoch_ms(&self, name: &str) -> Option<f64> {
        let script = format!(
            "const m = performance.getEntriesByName({name:?})[0]; \
             return m ? performance.timeOrigin + m.startTime : null;"
        );
        let ret = self.wd.execute(&script, Vec::new()).await.ok()?;
        ret.json().as_f64()
    }
}

/// See `App::shoot`. A 1-pixel mark of alpha 0.001 (no pixel of the screenshot changes), added and removed
/// every 50 ms: each change is a repaint.
const REPAINT_SOON: &str = r#"
const mark = document.createElement("div");
Object.assign(mark.style, { position: "fixed", left: "0", top: "0", width: "1px", height: "1px",
  background: "rgba(0, 0, 0, 0.001)", pointerEvents: "none" });
let changes = 0;
const timer = setInterval(() => {
  if (mark.isConnected) mark.remove(); else document.body.appendChild(mark);
  if (++changes >= 40) { clearInterval(timer); mark.remove(); }
}, 50);
"#;

pub const TOASTS: &str = "//section[@aria-label='Notifications']";

/// An XPath string literal for any text (XPath 1.0 has no escapes).
pub fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// A button by its visible text, optionally inside the element matched by `scope`.
pub fn button(scope: &str, label: &str) -> String {
    format!(
        "{scope}//button[normalize-space(.)={}]",
        xpath_literal(label)
    )
}

/// Runs `xdotool` with `args`; panics with its output if it fails.
pub fn xdotool(args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .expect("run xdotool");
    assert!(
        out.status.success(),
        "xdotool {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A generated registry of `models` models for large-registry tests and benchmarks, cached in
/// `target/bench-data/` (scripts/e2e.sh makes them with the release generator first; a debug build would
/// take minutes at 300 000), copied into `data_dir`.
pub fn generated_registry(models: u32, data_dir: &Path) {
    let cache_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&cache_dir).expect("bench-data dir");
    let cached = cache_dir.join(format!("app-registry-{models}.sqlite3"));
    if !cached.exists() {
        let tmp = cache_dir.join(format!("app-registry-{models}.sqlite3.partial"));
        let _ = std::fs::remove_file(&tmp);
        modelops_core::generate::generate_file(&tmp, models, 42).expect("generate registry");
        std::fs::rename(&tmp, &cached).expect("cache registry");
    }
    std::fs::create_dir_all(data_dir).expect("data dir");
    std::fs::copy(&cached, data_dir.join("registry.sqlite3")).expect("copy registry");
}

/// Proportional set size (kB) of `pid` and all its descendants, from /proc: the memory the app really
/// costs, with shared pages split among the processes that share them.
pub fn pss_tree_kb(pid: u32) -> Vec<(u32, String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![pid];
    let all: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                .filter_map(|p| {
                    let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
                    let after = stat.rsplit_once(')')?.1;
                    let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
                    Some((p, ppid))
                })
                .collect()
        })
        .unwrap_or_default();
    while let Some(p) = stack.pop() {
        let name = std::fs::read_to_string(format!("/proc/{p}/comm"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let pss = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("Pss:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0);
        out.push((p, name, pss));
        stack.extend(all.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
    }
    out
}

/// The pid of the running app binary (the newest process whose executable is `binary`).
pub fn app_pid(binary: &Path) -> Option<u32> {
    let target = std::fs::canonicalize(binary).ok()?;
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| {
            std::fs::read_link(format!("/proc/{p}/exe")).ok().as_deref() == Some(target.as_path())
        })
        .max()
}
