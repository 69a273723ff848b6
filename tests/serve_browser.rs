//! The workbench end to end in headless Chromium, driven over the DevTools protocol: upload the
//! five fixtures through the start page's file input, see the ranking, open one audit page,
//! correct a fact and see the total change, and download the CSV summary. Screenshots of the
//! ranking and the corrected report go to target/serve-screenshots/. Skipped, with a note, where
//! /usr/bin/chromium is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::{stream::MaybeTlsStream, Message, WebSocket};

mod common;

use common::FIXTURES;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium with a fresh profile, killed when dropped.
struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Chromium writes the port and the browser's WebSocket path once it listens.
        let port_file = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let endpoint = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let lines: Vec<&str> = text.lines().collect();
                if lines.len() >= 2 {
                    break format!("ws://127.0.0.1:{}{}", lines[0], lines[1]);
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "chromium did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let (ws, _) = tungstenite::connect(endpoint.as_str()).unwrap();
        let mut browser = Browser {
            child,
            ws,
            next_id: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = browser.browser_call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = browser.browser_call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_string();
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
        );
        browser
    }

    fn send(&mut self, method: &str, params: Value, session: Option<String>) -> Value {
        let reply = self.try_send(method, params, session);
        assert!(reply.get("error").is_none(), "{method}: {reply}");
        reply["result"].clone()
    }

    /// The whole reply to one command, its error included.
    fn try_send(&mut self, method: &str, params: Value, session: Option<String>) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.ws.send(Message::text(message.to_string())).unwrap();
        loop {
            let reply = self.ws.read().unwrap();
            let Message::Text(text) = reply else { continue };
            let reply: Value = serde_json::from_str(text.as_str()).unwrap();
            if reply["id"] == json!(id) {
                return reply;
            }
        }
    }

    fn browser_call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None)
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(method, params, Some(session))
    }

    /// Evaluates JavaScript in the page and returns its value.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Whether `expression` is true in the page; false while the page is being replaced (an
    /// evaluation that meets a navigation fails with "Inspected target navigated or closed").
    fn holds(&mut self, expression: &str) -> bool {
        let session = self.session.clone();
        let reply = self.try_send(
            "Runtime.evaluate",
            json!({ "expression": format!("Boolean({expression})"), "returnByValue": true }),
            Some(session),
        );
        reply["result"]["result"]["value"] == json!(true)
    }

    /// Waits until `expression` is true in the page.
    fn wait_for(&mut self, expression: &str) {
        let started = Instant::now();
        while !self.holds(expression) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "timed out waiting for {expression}; page: {}",
                self.eval("document.body ? document.body.innerText.slice(0, 2000) : ''")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for(&format!(
            "location.href === {} && document.readyState === 'complete'",
            json!(url)
        ));
    }

    fn text(&mut self, selector: &str) -> String {
        let value = self.eval(&format!(
            "(document.querySelector({}) || {{innerText: ''}}).innerText",
            json!(selector)
        ));
        value.as_str().unwrap_or_default().trim().to_string()
    }

    fn screenshot(&mut self, path: &Path) {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, base64(shot["data"].as_str().unwrap())).unwrap();
    }
}

fn encode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Standard base64 (the screenshot's encoding).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// The total and grade `fazhi score … --format json` gives.
fn cli_score(args: &[&str]) -> (String, String) {
    let mut all = vec!["fazhi", "score"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let out = fazhi::cli::run(all, false);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    (
        json["total"].as_str().unwrap().to_string(),
        json["grade"].as_str().unwrap().to_string(),
    )
}

#[test]
fn an_inspector_uploads_ranks_reads_corrects_and_downloads() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipped: {CHROMIUM} is not installed (apt-get install chromium), so the workbench was not tested in a browser");
        return;
    }
    let (ruleset, diags) = fazhi::load_rules(fazhi::rules::embedded());
    let ruleset = ruleset.unwrap_or_else(|| panic!("{diags:?}"));
    let addr = fazhi::serve::spawn(ruleset, "127.0.0.1:0".parse().unwrap()).unwrap();
    let base = format!("http://{addr}");
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../serve-screenshots");
    let mut browser = Browser::launch();

    // The start page says that state is in memory only, and takes the five reports at once.
    browser.goto(&format!("{base}/"));
    assert!(browser.text("#memory-notice").contains("服务重启后清空"));
    let input = browser.call(
        "Runtime.evaluate",
        json!({ "expression": "document.getElementById('files')" }),
    );
    let files: Vec<String> = FIXTURES
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap().display().to_string())
        .collect();
    browser.call(
        "DOM.setFileInputFiles",
        json!({ "files": files, "objectId": input["result"]["objectId"] }),
    );
    browser
        .wait_for("document.querySelectorAll('#uploads li.done, #uploads li.failed').length === 5");
    assert_eq!(
        browser.eval("document.querySelectorAll('#uploads li.done').length"),
        json!(5)
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('#uploads progress[value=\"100\"]').length"),
        json!(5)
    );

    // The ranking: highest total first, each total what the command line gives.
    let mut expected: Vec<(String, String)> = FIXTURES
        .iter()
        .map(|f| {
            let name = Path::new(f)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (cli_score(&[f]).0, name)
        })
        .collect();
    expected.sort_by(|a, b| {
        b.0.parse::<f64>()
            .unwrap()
            .total_cmp(&a.0.parse::<f64>().unwrap())
    });
    browser.eval("document.querySelector('#next a').click()");
    browser.wait_for("document.readyState === 'complete' && document.getElementById('ranking')");
    let shown = browser.eval(
        "[...document.querySelectorAll('#ranking tbody tr')].map(r => [r.cells[4].innerText, r.cells[1].innerText])",
    );
    let shown: Vec<(String, String)> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(shown, expected);
    browser.screenshot(&shots.join("ranking.png"));

    // One report's audit page, with the total the command line gives.
    browser.eval("[...document.querySelectorAll('#ranking a')].find(a => a.innerText === 'wuhan-jiangxia-2024.txt').click()");
    browser.wait_for("document.readyState === 'complete' && document.getElementById('report') && document.getElementById('correct-form')");
    let (before, _) = cli_score(&["reports-fixtures/wuhan-jiangxia-2024.txt"]);
    assert_eq!(browser.text(".score .total"), before);
    let report_text = browser.text("#report");
    assert!(
        report_text.contains("行政执法资格考试"),
        "{}",
        report_text.chars().take(300).collect::<String>()
    );

    // The report says the exam pass rate was 80%; the inspector enters 95% with its sentence.
    browser.eval(
        "document.getElementById('correct-fact').value = 'enforcement_exam_pass_rate';
         document.getElementById('correct-value').value = '95%';
         document.getElementById('correct-quote').value = '';
         document.getElementById('correct-save').click()",
    );
    browser.wait_for("document.readyState === 'complete' && document.getElementById('changed') && document.getElementById('report')");
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("corrections.toml");
    std::fs::write(
        &facts,
        "[facts.enforcement_exam_pass_rate]\nvalue = \"95%\"\n",
    )
    .unwrap();
    let (corrected, grade) = cli_score(&[
        "reports-fixtures/wuhan-jiangxia-2024.txt",
        "--facts",
        facts.to_str().unwrap(),
    ]);
    assert_ne!(corrected, before);
    assert_eq!(browser.text(".score .total"), corrected);
    assert_eq!(
        browser.text("#changed"),
        format!("更正已保存，已重新评分：总分 {before} → {corrected}（{grade}）")
    );
    assert!(browser.text("#rules").contains("95%（人工录入）"));
    browser.screenshot(&shots.join("report-corrected.png"));

    // The CSV summary, downloaded as a browser does, carries the corrected total.
    let downloads = tempfile::tempdir().unwrap();
    browser.browser_call(
        "Browser.setDownloadBehavior",
        json!({ "behavior": "allow", "downloadPath": downloads.path().display().to_string() }),
    );
    browser.goto(&format!("{base}/batch"));
    browser.eval("[...document.querySelectorAll('.downloads a')].find(a => a.innerText === 'CSV 汇总').click()");
    let csv_path = downloads.path().join("fazhi-summary.csv");
    let started = Instant::now();
    while !csv_path.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no CSV downloaded"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    // The command line's CSV: a byte-order mark for Excel, Chinese headers.
    let csv = csv.trim_start_matches('\u{feff}');
    assert!(csv.starts_with("文件,发布单位,年度,总分,等级,"), "{csv}");
    let wuhan = csv
        .lines()
        .find(|l| l.starts_with("wuhan-jiangxia-2024.txt,"))
        .unwrap();
    assert!(wuhan.contains(&format!(",{corrected},{grade},")), "{wuhan}");
    assert_eq!(
        csv.lines().take_while(|l| !l.is_empty()).count(),
        6,
        "{csv}"
    );
    let marked = browser.eval("[...document.querySelectorAll('#ranking tbody tr')].filter(r => r.innerText.includes('人工录入')).map(r => r.cells[1].querySelector('a').innerText)");
    assert_eq!(marked, json!(["wuhan-jiangxia-2024.txt"]));

    // Filters and sorting: by grade, by a rule's outcome, by a count.
    let names = |browser: &mut Browser| {
        browser.eval("[...document.querySelectorAll('#ranking tbody tr')].map(r => r.cells[1].querySelector('a').innerText)")
    };
    browser.goto(&format!("{base}/batch?grade={}", encode(&grade)));
    let graded = browser
        .eval("[...document.querySelectorAll('#ranking tbody tr')].map(r => r.cells[5].innerText)");
    assert!(!graded.as_array().unwrap().is_empty());
    assert!(
        graded
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g == &json!(grade)),
        "{graded}"
    );
    assert!(names(&mut browser)
        .as_array()
        .unwrap()
        .contains(&json!("wuhan-jiangxia-2024.txt")));
    browser.goto(&format!(
        "{base}/batch?rule=enforcement_exam_pass_rate&outcome=pass"
    ));
    let outcomes = browser
        .eval("[...document.querySelectorAll('#ranking tbody tr')].map(r => r.cells[6].innerText)");
    assert!(
        outcomes.as_array().unwrap().iter().all(|o| o == "达标"),
        "{outcomes}"
    );
    assert!(names(&mut browser)
        .as_array()
        .unwrap()
        .contains(&json!("wuhan-jiangxia-2024.txt")));
    browser.goto(&format!("{base}/batch?sort=count:unknown&dir=asc"));
    let unknown = browser.eval("[...document.querySelectorAll('#ranking tbody tr')].map(r => Number(r.cells[r.cells.length - 1].innerText))");
    let unknown: Vec<u64> = unknown
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert_eq!(unknown.len(), 5);
    assert!(unknown.windows(2).all(|w| w[0] <= w[1]), "{unknown:?}");

    // The rule page: requirement, citation, and every report's outcome.
    browser.goto(&format!("{base}/rules/enforcement_exam_pass_rate"));
    let (ruleset, _) = fazhi::load_rules(fazhi::rules::embedded());
    let ruleset = ruleset.unwrap();
    let (_, rule) = ruleset.rule("enforcement_exam_pass_rate").unwrap();
    let cite = rule.cite.as_ref().unwrap().text.text.clone();
    assert!(browser.text("dl.meta").contains(&cite), "{cite}");
    assert_eq!(
        browser.eval("document.querySelectorAll('#rule-reports tbody tr').length"),
        json!(5)
    );
}
