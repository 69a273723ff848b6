//! `fazhi serve`'s HTTP API against the command line: `POST /api/score` must answer exactly what
//! `fazhi score FILE --format json` prints for every fixture, `/api/extract` what `fazhi extract`
//! prints, and a user's bad file must get the command line's diagnostics with 400/413/415. Also
//! the correction path: a correction made through the page re-scores the report, and the
//! corrections file it offers gives the same total on the command line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;

mod common;

use common::FIXTURES;

/// One workbench for the whole test binary.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let (ruleset, diags) = fazhi::load_rules(fazhi::rules::embedded());
        let ruleset = ruleset.unwrap_or_else(|| panic!("{diags:?}"));
        fazhi::serve::spawn(ruleset, "127.0.0.1:0".parse().unwrap()).unwrap()
    })
}

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A plain HTTP/1.1 exchange over one connection (the test's own client, kept tiny on purpose).
fn request(method: &str, path: &str, content_type: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(server()).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_reply(stream)
}

fn read_reply(mut stream: TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let headers = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = headers[9..12].parse().unwrap();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn post(path: &str, body: &[u8]) -> Reply {
    request("POST", path, "application/octet-stream", body)
}

fn get(path: &str) -> Reply {
    request("GET", path, "text/plain", b"")
}

fn cli(args: &[&str]) -> fazhi::cli::Output {
    let mut all = vec!["fazhi"];
    all.extend(args);
    fazhi::cli::run(all, false)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_./".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn score_and_extract_answer_exactly_what_the_command_line_prints() {
    for fixture in FIXTURES {
        let bytes = std::fs::read(fixture).unwrap();
        let reply = post(&format!("/api/score?name={}", encode(fixture)), &bytes);
        assert_eq!(reply.status, 200, "{fixture}: {}", reply.text());
        assert!(
            reply.headers.contains("application/json"),
            "{}",
            reply.headers
        );
        let expected = cli(&["score", fixture, "--format", "json"]);
        assert_eq!(expected.code, 0);
        assert_eq!(reply.text(), expected.stdout, "{fixture}");

        let reply = post(&format!("/api/extract?name={}", encode(fixture)), &bytes);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.text(), cli(&["extract", fixture]).stdout, "{fixture}");
    }
}

#[test]
fn a_report_in_gb18030_scores_as_its_utf8_original() {
    let utf8 = std::fs::read_to_string("reports-fixtures/wuhan-jiangxia-2024.txt").unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(&utf8);
    let reply = post("/api/score?name=wuhan.txt", &gb);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let expected = cli(&[
        "score",
        "reports-fixtures/wuhan-jiangxia-2024.txt",
        "--format",
        "json",
    ]);
    let expected: serde_json::Value = serde_json::from_str(&expected.stdout).unwrap();
    assert_eq!(reply.json()["total"], expected["total"]);
    assert!(reply.json()["total"]
        .as_str()
        .is_some_and(|t| t.contains('.')));
}

#[test]
fn bad_files_get_the_command_lines_diagnostics_with_4xx() {
    let empty = post("/api/score?name=empty.txt", b"");
    assert_eq!(empty.status, 400);
    assert_eq!(empty.json()["errors"][0]["code"], "fazhi::read::empty");
    assert!(empty.json()["errors"][0]["rendered"]
        .as_str()
        .unwrap()
        .contains("`empty.txt` 中没有文字"));

    let mut binary = b"%PDF-1.7\n".to_vec();
    binary.extend((0u8..=255).cycle().take(4000));
    let pdf = post("/api/score?name=report.pdf", &binary);
    assert_eq!(pdf.status, 415, "{}", pdf.text());
    assert_eq!(pdf.json()["errors"][0]["code"], "fazhi::read::binary");

    let docx = post("/api/extract?name=broken.docx", b"PK\x03\x04 not a zip");
    assert_eq!(docx.status, 400);
    assert_eq!(docx.json()["errors"][0]["code"], "fazhi::read::bad-docx");

    let unnamed = post("/api/score", "2024年".as_bytes());
    assert_eq!(unnamed.status, 400);
    assert_eq!(unnamed.json()["errors"][0]["code"], "fazhi::serve::request");

    // A declared body over the limit is refused before it is read.
    let mut stream = TcpStream::connect(server()).unwrap();
    stream
        .write_all(b"POST /api/score?name=big.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 30000000\r\n\r\n")
        .unwrap();
    let big = read_reply(stream);
    assert_eq!(big.status, 413);
    assert_eq!(big.json()["errors"][0]["code"], "fazhi::read::too-large");

    let bad_facts = post(
        "/api/score?name=facts.toml",
        b"[facts.court_appearance_rate]\nvalue = \"abc\"\n",
    );
    assert_eq!(bad_facts.status, 400);
    assert_eq!(
        bad_facts.json()["errors"][0]["code"],
        "fazhi::facts::bad-value"
    );
    assert_eq!(
        bad_facts.json()["errors"][0]["span"],
        serde_json::json!([38, 43])
    );

    let missing = get("/nowhere");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["errors"][0]["code"], "fazhi::serve::request");
}

#[test]
fn rules_lists_every_rule_in_order() {
    let reply = get("/api/rules");
    assert_eq!(reply.status, 200);
    let (ruleset, _) = fazhi::load_rules(fazhi::rules::embedded());
    let ruleset = ruleset.unwrap();
    let ids: Vec<String> = reply.json()["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = ruleset.rules().map(|(_, r)| r.id.name.clone()).collect();
    assert_eq!(ids, expected);
    assert_eq!(reply.json()["ruleset"]["id"], "outline_2021");
}

#[test]
fn a_correction_rescores_and_its_facts_file_gives_the_same_total_on_the_command_line() {
    let fixture = "reports-fixtures/wuhan-jiangxia-2024.txt";
    let base: serde_json::Value =
        serde_json::from_str(&cli(&["score", fixture, "--format", "json"]).stdout).unwrap();
    let base = base["total"].as_str().unwrap().to_string();
    let uploaded = post(
        "/api/reports?name=wuhan-jiangxia-2024.txt",
        &std::fs::read(fixture).unwrap(),
    );
    assert_eq!(uploaded.status, 200, "{}", uploaded.text());
    assert_eq!(uploaded.json()["total"], base.as_str());
    let id = uploaded.json()["id"].as_u64().unwrap();

    let form = |body: &str| {
        request(
            "POST",
            &format!("/report/{id}/facts"),
            "application/x-www-form-urlencoded",
            body.as_bytes(),
        )
    };
    // The report says 80%; the inspector enters 95% with its quote, and says the report does
    // not state the mediation figure.
    let saved = form("fact=enforcement_exam_pass_rate&value=95%25&quote=");
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert!(
        saved
            .headers
            .contains(&format!("/report/{id}?before={base}")),
        "{}",
        saved.headers
    );
    assert_eq!(form("fact=mediation_cases&silent=on").status, 303);

    let page = get(&format!("/report/{id}?before={base}")).text();
    let score: serde_json::Value =
        serde_json::from_slice(&get(&format!("/report/{id}/score.json")).body).unwrap();
    let total = score["total"].as_str().unwrap().to_string();
    assert_ne!(total, base);
    assert!(
        page.contains(&format!("总分 {base} → <strong>{total}</strong>")),
        "{page}"
    );
    assert!(page.contains("报告未提及</span>（人工录入）"));
    assert!(page.contains("95%（人工录入）"));

    let facts = get(&format!("/report/{id}/corrections.toml"));
    assert!(
        facts
            .headers
            .contains("wuhan-jiangxia-2024.corrections.toml"),
        "{}",
        facts.headers
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrections.toml");
    std::fs::write(&path, &facts.body).unwrap();
    let expected = cli(&[
        "score",
        fixture,
        "--facts",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(expected.code, 0, "{}", expected.stderr);
    let expected: serde_json::Value = serde_json::from_str(&expected.stdout).unwrap();
    assert_eq!(expected["total"], total.as_str());

    // A value that is not a number is the facts file's diagnostic, and changes nothing.
    let bad = form("fact=court_appearance_rate&value=abc");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("fazhi::facts::bad-value"));
    let again: serde_json::Value =
        serde_json::from_slice(&get(&format!("/report/{id}/score.json")).body).unwrap();
    assert_eq!(again["total"], total.as_str());

    // Taking both back restores the extracted score.
    form("fact=enforcement_exam_pass_rate&action=remove");
    form("fact=mediation_cases&action=remove");
    let restored: serde_json::Value =
        serde_json::from_slice(&get(&format!("/report/{id}/score.json")).body).unwrap();
    assert_eq!(restored["total"], base.as_str());
}
