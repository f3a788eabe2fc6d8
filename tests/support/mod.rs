//! Browser-test support: a static file server for the built `dist/` folder and a ChromeDriver
//! session on Debian's Chromium, both bound to 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use thirtyfour::common::command::FormatRequestData;
use thirtyfour::prelude::*;
use thirtyfour::{ChromiumLikeCapabilities, RequestData, SessionId};

/// Browser tests train in the page; run one at a time so that they do not share two cores.
static BROWSER_LOCK: Mutex<()> = Mutex::new(());

/// Chromium flags for every session: headless, no network chatter, no first-run dialogs.
const BASE_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--window-size=1400,1800",
];

/// Extra flags that give headless Chromium a SwiftShader WebGPU adapter (a CPU emulation).
const WEBGPU_FLAGS: [&str; 5] = [
    "--enable-unsafe-webgpu",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--enable-features=Vulkan",
    "--use-vulkan=swiftshader",
];

/// Returns the folder with the built site: `$VICREG_DIST` or `dist/`.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("VICREG_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dir.join("index.html").is_file(),
        "{} has no index.html: build the site first with `scripts/test.sh` (it runs trunk build)",
        dir.display()
    );
    dir
}

/// Returns the folder for screenshots and benchmark results, created if missing.
pub fn artifact_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("test-artifacts can be created");
    dir
}

/// Serves `root` over HTTP/1.1 on 127.0.0.1 from a background thread; returns the base URL.
pub fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let address = listener
        .local_addr()
        .expect("bound listener has an address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                if let Err(error) = answer(stream, &root) {
                    eprintln!("static server: {error}");
                }
            });
        }
    });
    format!("http://{address}")
}

fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut request_line = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut request_line)?;
    // Read the headers to their end; the server needs none of them.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }

    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .trim_start_matches('/');
    let file = if path.is_empty() || path.contains("..") {
        root.join("index.html")
    } else {
        root.join(path)
    };
    let (status, body, mime) = match std::fs::read(&file) {
        Ok(body) => ("200 OK", body, mime_type(&file)),
        Err(_) => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|extension| extension.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// A running ChromeDriver with one Chromium session; both end when it is dropped.
pub struct Browser {
    /// The WebDriver session.
    pub driver: WebDriver,
    chromedriver: Child,
    _profile: tempfile::TempDir,
    _lock: MutexGuard<'static, ()>,
}

impl Browser {
    /// Starts ChromeDriver on a free loopback port and opens a headless Chromium session, with a
    /// SwiftShader WebGPU adapter when `webgpu` is set.
    pub async fn start(webgpu: bool) -> Self {
        let lock = BROWSER_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a loopback port is free")
            .port();
        let chromedriver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver is installed (scripts/setup.sh installs Debian's chromium-driver)",
            );
        let server = format!("http://127.0.0.1:{port}");
        wait_for_port(port, Duration::from_secs(30));

        let profile = tempfile::tempdir().expect("a temporary profile folder can be created");
        let mut capabilities = DesiredCapabilities::chrome();
        capabilities
            .set_binary("/usr/bin/chromium")
            .expect("binary path is valid");
        let profile_flag = format!("--user-data-dir={}", profile.path().display());
        let extra: &[&str] = if webgpu { &WEBGPU_FLAGS } else { &[] };
        for flag in BASE_FLAGS
            .iter()
            .chain(extra)
            .copied()
            .chain([profile_flag.as_str()])
        {
            capabilities.add_arg(flag).expect("flag is valid");
        }
        capabilities
            .set_base_capability("goog:loggingPrefs", json!({ "browser": "ALL" }))
            .expect("logging preferences are valid");
        let driver = WebDriver::new(server, capabilities)
            .await
            .expect("a Chromium session starts");
        Self {
            driver,
            chromedriver,
            _profile: profile,
            _lock: lock,
        }
    }

    /// Opens `url` and waits until the app marks `<body data-ready="true">`.
    pub async fn open_app(&self, url: &str) {
        self.driver.goto(url).await.expect("page loads");
        self.wait_for("the app to start", Duration::from_secs(180), || async {
            self.attribute("body", "data-ready").await.as_deref() == Some("true")
        })
        .await;
    }

    /// Returns `attribute` of the first element matching `selector`, if both exist.
    pub async fn attribute(&self, selector: &str, attribute: &str) -> Option<String> {
        let element = self.driver.find(By::Css(selector)).await.ok()?;
        element.attr(attribute).await.ok().flatten()
    }

    /// Returns the text of the first element matching `selector`, or an empty string.
    pub async fn text(&self, selector: &str) -> String {
        match self.driver.find(By::Css(selector)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Clicks the first element matching `selector`.
    pub async fn click(&self, selector: &str) {
        let element = self
            .driver
            .find(By::Css(selector))
            .await
            .unwrap_or_else(|error| {
                panic!("no element matches {selector}: {error}");
            });
        element
            .click()
            .await
            .unwrap_or_else(|error| panic!("clicking {selector} failed: {error}"));
    }

    /// Sets an input's value and fires `input` and `change`, as typing would.
    pub async fn set_value(&self, selector: &str, value: &str) {
        let script = "const element = document.querySelector(arguments[0]);
            element.value = arguments[1];
            element.dispatchEvent(new Event('input', { bubbles: true }));
            element.dispatchEvent(new Event('change', { bubbles: true }));";
        self.driver
            .execute(script, vec![json!(selector), json!(value)])
            .await
            .unwrap_or_else(|error| panic!("setting {selector} failed: {error}"));
    }

    /// Returns the number of training steps the page shows.
    pub async fn step_count(&self) -> usize {
        self.attribute("#step-counter", "data-step")
            .await
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Returns a canvas's pixels as a data URL, to tell whether a plot changed.
    pub async fn canvas_pixels(&self, selector: &str) -> String {
        let script = "return document.querySelector(arguments[0]).toDataURL();";
        let result = self.driver.execute(script, vec![json!(selector)]).await;
        let value = result.unwrap_or_else(|error| panic!("reading {selector} failed: {error}"));
        value.json().as_str().unwrap_or_default().to_string()
    }

    /// Polls `condition` every 250 ms until it holds, failing after `timeout`.
    pub async fn wait_for<F, Fut>(&self, what: &str, timeout: Duration, condition: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let start = Instant::now();
        while !condition().await {
            if start.elapsed() > timeout {
                let error = self.text("#error").await;
                let status = self.text("#status").await;
                panic!(
                    "timed out after {timeout:?} waiting for {what}; status `{status}`, error `{error}`"
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Returns the browser console entries at level SEVERE since the last call.
    pub async fn console_errors(&self) -> Vec<String> {
        let response = self
            .driver
            .handle
            .cmd(BrowserLog)
            .await
            .expect("chromedriver returns logs");
        let entries = response.value_json().unwrap_or(Value::Null);
        entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|entry| entry["level"] == "SEVERE")
                    .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Writes a PNG screenshot of the page into the artifact folder.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let path = artifact_dir().join(name);
        self.driver
            .screenshot(&path)
            .await
            .expect("screenshot can be written");
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
        // Chromium outlives a killed ChromeDriver and would go on running the page, so its
        // processes are found by this session's profile folder and ended too.
        let profile_flag = format!("--user-data-dir={}", self._profile.path().display());
        end_processes_with_argument(&profile_flag);
    }
}

/// Sends SIGKILL to every process that has `argument` on its command line, found in `/proc`.
fn end_processes_with_argument(argument: &str) {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(command_line) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let matches = command_line.split(|&byte| byte == 0).any(|arg| arg == argument.as_bytes());
        if matches {
            // SAFETY: `kill` only sends a signal; a process that has exited meanwhile makes it
            // fail with ESRCH, which is ignored.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

/// ChromeDriver's legacy endpoint for the browser console log.
#[derive(Debug)]
struct BrowserLog;

impl FormatRequestData for BrowserLog {
    fn format_request(&self, session_id: &SessionId) -> RequestData {
        RequestData::new(http::Method::POST, format!("session/{session_id}/se/log"))
            .add_body(json!({ "type": "browser" }))
    }
}

fn wait_for_port(port: u16, timeout: Duration) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < timeout, "chromedriver did not listen on port {port} in {timeout:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
