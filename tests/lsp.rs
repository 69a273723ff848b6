#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! `fazhi lsp`: a client exchange with the server on in-memory channels (the same loop that
//! `fazhi lsp` runs on standard input and output), and one over the real binary's stdio.

use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

/// A client talking to a server thread.
struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<Result<(), fazhi::Diag>>>,
    next_id: i32,
}

impl Client {
    fn start() -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || fazhi::lsp::serve(&server_side));
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
        };
        let capabilities = client.request("initialize", json!({ "capabilities": {} }));
        assert_eq!(capabilities["capabilities"]["positionEncoding"], "utf-16");
        assert_eq!(capabilities["capabilities"]["hoverProvider"], true);
        client.notify("initialized", json!({}));
        client
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_string(), params);
        self.connection.sender.send(request.into()).unwrap();
        loop {
            match self.receive() {
                Message::Response(Response {
                    id: got,
                    response_result,
                }) if got == id => {
                    return response_result.unwrap_or_else(|e| panic!("{method}: {e:?}"));
                }
                _ => continue,
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification::new(method.to_string(), params);
        self.connection.sender.send(notification.into()).unwrap();
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            if let Message::Notification(n) = self.receive() {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                    return n.params["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                }
            }
        }
    }

    fn stop(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer, Value::Null);
        self.notify("exit", Value::Null);
        let server = self.server.take().unwrap();
        let outcome = server.join().expect("the server thread ends");
        assert!(outcome.is_ok(), "{outcome:?}");
    }
}

/// A local file without a header: checked with the embedded default set. Its mistake sits
/// after Chinese text, so that UTF-16 columns differ from bytes and from characters outside
/// the BMP.
const LOCAL: &str = "// 本地补充：出庭应诉\n\
fact local_rate percent \"本地比率\" {\n    pattern \"本地比率{verb}{percent}\"\n}\n\
\n\
test \"出庭应诉率\" { given { court_appearence_rate = 100%  local_rate = 50% } expect court_appearance pass }\n";

fn at(line: u32, character: u32, uri: &str) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

#[test]
fn a_client_session_checks_hovers_jumps_completes_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.fz");
    std::fs::write(&path, LOCAL).unwrap();
    let uri = format!("file://{}", path.display());
    let mut client = Client::start();

    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "fazhi", "version": 1, "text": LOCAL } }),
    );
    let diagnostics = client.diagnostics(&uri);
    let typo = diagnostics
        .iter()
        .find(|d| d["code"] == "fazhi::check::unknown-fact")
        .unwrap_or_else(|| panic!("no unknown-fact diagnostic in {diagnostics:#?}"));
    // `test "出庭应诉率" { given { ` is 33 bytes, 23 UTF-16 units.
    assert_eq!(
        typo["range"],
        json!({ "start": { "line": 5, "character": 23 }, "end": { "line": 5, "character": 44 } })
    );
    assert_eq!(typo["severity"], 1);
    assert_eq!(typo["source"], "fazhi");
    let message = typo["message"].as_str().unwrap();
    assert!(message.contains("court_appearence_rate"), "{message}");
    assert!(
        message.contains("court_appearance_rate"),
        "did you mean: {message}"
    );

    // Hover on a rule of the embedded set, used in the test: its explanation.
    let expect_column = LOCAL
        .lines()
        .nth(5)
        .unwrap()
        .find("court_appearance pass")
        .unwrap();
    let column = u32::try_from(
        LOCAL.lines().nth(5).unwrap()[..expect_column]
            .encode_utf16()
            .count(),
    )
    .unwrap();
    let hover = client.request("textDocument/hover", at(5, column + 3, &uri));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("court_appearance  行政机关负责人出庭应诉率达到100%"),
        "{shown}"
    );
    assert!(shown.contains("依据"), "{shown}");

    // Hover on the local fact while the set has an error: its declaration's own words.
    let hover = client.request("textDocument/hover", at(5, 55, &uri));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("local_rate  本地比率"), "{shown}");
    assert!(shown.contains("类型：percent"), "{shown}");
    assert!(shown.contains("本地比率{verb}{percent}"), "{shown}");

    // Go to the local fact's declaration, in the document itself.
    let definition = client.request("textDocument/definition", at(5, 55, &uri));
    assert_eq!(definition["uri"], uri.as_str());
    assert_eq!(
        definition["range"],
        json!({ "start": { "line": 1, "character": 5 }, "end": { "line": 1, "character": 15 } })
    );

    // Go to the embedded rule: a file that an editor can open, holding the rule at that range.
    let definition = client.request("textDocument/definition", at(5, column + 3, &uri));
    let target = definition["uri"].as_str().unwrap();
    let target_path = target.strip_prefix("file://").unwrap();
    let text = std::fs::read_to_string(target_path).unwrap();
    let line = definition["range"]["start"]["line"].as_u64().unwrap() as usize;
    let line_text = text.lines().nth(line).unwrap();
    assert!(
        line_text.trim_start().starts_with("rule court_appearance "),
        "{line_text}"
    );
    assert_eq!(definition["range"]["start"]["character"], 9);

    // Completion: facts (embedded and local) and keywords; after `expect`, rules.
    let completion = client.request("textDocument/completion", at(4, 0, &uri));
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    for wanted in [
        "court_appearance_rate",
        "local_rate",
        "given",
        "pattern",
        "not_applicable",
    ] {
        assert!(labels.contains(&wanted), "{wanted} not offered");
    }
    let local = completion
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "local_rate")
        .unwrap();
    assert_eq!(local["detail"], "本地比率(percent)");
    let after_expect = client.request("textDocument/completion", at(5, column, &uri));
    let labels: Vec<&str> = after_expect
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"court_appearance"));
    assert!(!labels.contains(&"court_appearance_rate") && !labels.contains(&"given"));

    // Formatting through `fazhi fmt`: one edit holding the whole formatted text.
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    let expected =
        fazhi::syntax::format::format(&fazhi::diagnostic::Source::new("x", LOCAL)).unwrap();
    assert_eq!(edits[0]["newText"], expected.as_str());
    assert_eq!(
        edits[0]["range"]["end"],
        json!({ "line": 6, "character": 0 })
    );
    assert!(expected.contains("    given { court_appearence_rate = 100%  local_rate = 50% }\n"));

    // As you type: the fix clears the error, and hover now explains the fact in full.
    let fixed = LOCAL.replace("appearence", "appearance");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": fixed }] }),
    );
    let diagnostics = client.diagnostics(&uri);
    assert!(
        diagnostics.iter().all(|d| d["severity"] != 1),
        "{diagnostics:#?}"
    );
    let hover = client.request("textDocument/hover", at(1, 7, &uri));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("local_rate  本地比率\n类型：percent"),
        "{shown}"
    );
    assert!(!shown.contains("规则集有错误"), "{shown}");

    // A syntax error is reported with its code; hover still works on a word declared elsewhere.
    let broken = format!("{fixed}fact oops");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": broken }] }),
    );
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(
        diagnostics[0]["code"], "fazhi::syntax::parse",
        "{diagnostics:#?}"
    );
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 6);
    let hover = client.request("textDocument/hover", at(5, column + 3, &uri));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("行政机关负责人出庭应诉率达到100%"),
        "{shown}"
    );

    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(client.diagnostics(&uri).is_empty());
    client.stop();
}

#[test]
fn utf16_positions_count_chinese_as_one_unit_and_astral_characters_as_two() {
    use fazhi::lsp::{offset_of, position_of};
    let text = "规则 \"𠀀字\" x\n第二行";
    let x = text.find('x').unwrap();
    assert_eq!(x, 3 + 3 + 1 + 1 + 4 + 3 + 1 + 1);
    let position = position_of(text, x);
    assert_eq!(
        (position.line, position.character),
        (0, 1 + 1 + 1 + 1 + 2 + 1 + 1 + 1)
    );
    assert_eq!(offset_of(text, position), x);
    let second = position_of(text, text.len());
    assert_eq!((second.line, second.character), (1, 3));
    assert_eq!(offset_of(text, second), text.len());
    // A column past the end of its line stays on it.
    assert_eq!(
        offset_of(text, lsp_types::Position::new(0, 99)),
        text.find('\n').unwrap()
    );
}

/// The real binary speaks LSP framing on standard input and output.
#[test]
fn fazhi_lsp_over_stdio() {
    use std::io::{BufReader, Write as _};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let send = |stdin: &mut std::process::ChildStdin, message: Message| {
        message.write(stdin).unwrap();
        stdin.flush().unwrap();
    };
    send(
        &mut stdin,
        Request::new(1.into(), "initialize".into(), json!({ "capabilities": {} })).into(),
    );
    let Ok(Some(Message::Response(initialized))) = Message::read(&mut stdout) else {
        panic!("no answer to initialize");
    };
    assert!(initialized.response_result.unwrap()["capabilities"]["definitionProvider"] == true);
    send(
        &mut stdin,
        Notification::new("initialized".into(), json!({})).into(),
    );
    send(
        &mut stdin,
        Request::new(2.into(), "shutdown".into(), Value::Null).into(),
    );
    let Ok(Some(Message::Response(shutdown))) = Message::read(&mut stdout) else {
        panic!("no answer to shutdown");
    };
    assert_eq!(shutdown.id, 2.into());
    send(
        &mut stdin,
        Notification::new("exit".into(), Value::Null).into(),
    );
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// A file of the default set opened on its own replaces its embedded copy: the set is clean, and
/// a `{fact}` in an explanation leads to the fact's declaration in another embedded file.
#[test]
fn a_default_rule_file_opened_alone_is_clean_and_its_templates_lead_to_facts() {
    let text = std::fs::read_to_string("rules/17-disputes.fz").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("17-disputes.fz");
    std::fs::write(&path, &text).unwrap();
    let uri = format!("file://{}", path.display());
    let mut client = Client::start();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "fazhi", "version": 1, "text": text } }),
    );
    let diagnostics = client.diagnostics(&uri);
    assert!(
        diagnostics.iter().all(|d| d["severity"] != 1),
        "{diagnostics:#?}"
    );

    let (line, line_text) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("explain \"行政诉讼案件{admin_litigation_cases}"))
        .unwrap();
    let byte = line_text.find("{court_appearance_rate}").unwrap() + 3;
    let column = u32::try_from(line_text[..byte].encode_utf16().count()).unwrap();
    let line = u32::try_from(line).unwrap();
    let definition = client.request("textDocument/definition", at(line, column, &uri));
    let target = definition["uri"].as_str().unwrap();
    assert!(target.ends_with("/01-facts.fz"), "{target}");
    let facts = std::fs::read_to_string(target.strip_prefix("file://").unwrap()).unwrap();
    let declared = definition["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        facts
            .lines()
            .nth(declared)
            .unwrap()
            .starts_with("fact court_appearance_rate percent"),
        "{definition}"
    );
    let hover = client.request("textDocument/hover", at(line, column, &uri));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("court_appearance_rate  行政机关负责人出庭应诉率\n类型：percent"),
        "{shown}"
    );
    assert!(shown.contains("读取它的规则"), "{shown}");
    client.stop();
}
