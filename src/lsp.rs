//! `fazhi lsp`: a language server for `.fz` files over standard input and output.
//!
//! Synchronous, on `lsp-server` and `lsp-types` (the crates rust-analyzer is built on): the
//! server answers one message at a time, which is all a rule set of a few thousand lines needs,
//! and keeps tokio out of the editor path. Each open document is checked as `fazhi check` would
//! check it: with the other `.fz` files of its folder when the folder holds a rule set (a
//! `ruleset` header), otherwise together with the embedded default set, replacing the embedded
//! file of the same name ([`rules::with_embedded_header`]).
//!
//! Positions are in UTF-16 code units, as the protocol requires: a Chinese character is one
//! unit, a character outside the Basic Multilingual Plane two.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde::de::DeserializeOwned;

use crate::check::{self, RuleSet};
use crate::diagnostic::{Code, Diag, Source, Span};
use crate::explain;
use crate::rules;
use crate::syntax::{self, ast};

/// Runs the server on standard input and output until the client says `exit`.
pub fn run_stdio() -> Result<(), Diag> {
    let (connection, threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    threads.join().map_err(|e| failure(&e))
}

fn failure(e: &dyn std::fmt::Display) -> Diag {
    Diag::error(Code::LspProtocol, format!("语言服务器通信失败：{e}"))
        .help("编辑器应通过标准输入输出以 LSP 协议与 `fazhi lsp` 通信")
}

/// Serves one client on `connection`: the initialize handshake, then requests and notifications
/// until `shutdown` and `exit`.
pub fn serve(connection: &Connection) -> Result<(), Diag> {
    let capabilities = lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions::default()),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        ..Default::default()
    };
    let capabilities = serde_json::to_value(capabilities).map_err(|e| failure(&e))?;
    connection
        .initialize(capabilities)
        .map_err(|e| failure(&e))?;
    let mut server = Server::default();
    for message in &connection.receiver {
        let replies = match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| failure(&e))?
                {
                    return Ok(());
                }
                vec![Message::Response(server.request(request))]
            }
            Message::Notification(notification) => server.notify(notification),
            Message::Response(_) => Vec::new(),
        };
        for reply in replies {
            connection.sender.send(reply).map_err(|e| failure(&e))?;
        }
    }
    Ok(())
}

/// The open documents, by URI.
#[derive(Default)]
struct Server {
    documents: HashMap<lsp::Uri, String>,
    /// The embedded rule set, checked once: hover falls back on it while the document's own set
    /// has errors.
    embedded: Option<Option<RuleSet>>,
}

impl Server {
    fn request(&mut self, request: Request) -> Response {
        use lsp::request::{Completion, Formatting, GotoDefinition, HoverRequest, Request as _};
        match request.method.as_str() {
            HoverRequest::METHOD => answer(request, |p: lsp::HoverParams| self.hover(p)),
            GotoDefinition::METHOD => {
                answer(request, |p: lsp::GotoDefinitionParams| self.definition(p))
            }
            Completion::METHOD => answer(request, |p: lsp::CompletionParams| self.complete(p)),
            Formatting::METHOD => {
                answer(request, |p: lsp::DocumentFormattingParams| self.format(p))
            }
            _ => Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("不支持的请求 `{}`", request.method),
            ),
        }
    }

    fn notify(&mut self, notification: Notification) -> Vec<Message> {
        use lsp::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
        };
        let uri = match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = parameters::<lsp::DidOpenTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                self.documents
                    .insert(p.text_document.uri.clone(), p.text_document.text);
                p.text_document.uri
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = parameters::<lsp::DidChangeTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                // Full synchronisation: the last change holds the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    self.documents
                        .insert(p.text_document.uri.clone(), change.text);
                }
                p.text_document.uri
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = parameters::<lsp::DidCloseTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                self.documents.remove(&p.text_document.uri);
                // Clear what was shown for the closed document.
                return vec![publish(p.text_document.uri, Vec::new())];
            }
            _ => return Vec::new(),
        };
        let diagnostics = self
            .analyse(&uri)
            .map(|a| a.diagnostics())
            .unwrap_or_default();
        vec![publish(uri, diagnostics)]
    }

    /// The rule set the document belongs to, checked, with each file's syntax tree.
    fn analyse(&self, uri: &lsp::Uri) -> Option<Analysis> {
        let text = self.documents.get(uri)?;
        let path = path_of(uri);
        let name = path
            .as_ref()
            .map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
        let document = Source::new(name.clone(), text.as_str());
        let (sources, origins) = self.rule_set_of(document, uri, path.as_deref());
        let files = sources
            .iter()
            .enumerate()
            .map(|(i, source)| syntax::parse(ast::FileId(i), source, &mut Vec::new()))
            .collect();
        let (ruleset, diags) = check::load(sources.clone());
        let document = sources.iter().position(|s| s.name == name)?;
        Some(Analysis {
            sources,
            origins,
            files,
            ruleset,
            diags,
            document,
        })
    }

    /// The sources checked with a document, and where each one is.
    fn rule_set_of(
        &self,
        document: Source,
        uri: &lsp::Uri,
        path: Option<&Path>,
    ) -> (Vec<Source>, Vec<Origin>) {
        let siblings: Vec<PathBuf> = path
            .and_then(Path::parent)
            .map(|dir| dir.to_path_buf())
            .and_then(|dir| {
                std::fs::read_dir(if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    &dir
                })
                .ok()
            })
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "fz") && Some(p.as_path()) != path)
            .collect();
        let mut folder: Vec<(Source, Origin)> = siblings
            .into_iter()
            .filter_map(|p| {
                let open = uri_of(&p).and_then(|u| self.documents.get(&u).cloned());
                let text = open.or_else(|| std::fs::read_to_string(&p).ok())?;
                Some((Source::new(p.display().to_string(), text), Origin::File(p)))
            })
            .collect();
        folder.push((document.clone(), Origin::Document(uri.clone())));
        if folder.len() > 1 && folder.iter().any(|(s, _)| has_header(&s.text)) {
            folder.sort_by(|a, b| a.0.name.cmp(&b.0.name));
            return folder.into_iter().unzip();
        }
        let sources = rules::with_embedded_header(vec![document.clone()]);
        let origins = sources
            .iter()
            .map(|s| {
                if s.name == document.name {
                    Origin::Document(uri.clone())
                } else {
                    Origin::Embedded
                }
            })
            .collect();
        (sources, origins)
    }

    fn hover(&mut self, params: lsp::HoverParams) -> Option<lsp::Hover> {
        let position = params.text_document_position_params;
        let analysis = self.analyse(&position.text_document.uri)?;
        let (symbol, _) = analysis.symbol_at(position.position)?;
        let ruleset = match analysis.ruleset.as_ref() {
            Some(ruleset) => Some(ruleset),
            None => self.embedded_ruleset(),
        };
        let explained = ruleset.and_then(|rs| match symbol.kind {
            Kind::Fact => explain::fact(rs, &symbol.name),
            Kind::Rule => explain::rule(rs, &symbol.name),
        });
        let text = explained.or_else(|| analysis.summary(&symbol))?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: format!("```text\n{}\n```", text.trim_end()),
            }),
            range: None,
        })
    }

    fn embedded_ruleset(&mut self) -> Option<&RuleSet> {
        self.embedded
            .get_or_insert_with(|| check::load(rules::embedded()).0)
            .as_ref()
    }

    fn definition(&self, params: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
        let position = params.text_document_position_params;
        let analysis = self.analyse(&position.text_document.uri)?;
        let (symbol, _) = analysis.symbol_at(position.position)?;
        let target = analysis.definition(symbol.kind, &symbol.name)?;
        let location = analysis.location(target)?;
        Some(lsp::GotoDefinitionResponse::Scalar(location))
    }

    fn complete(&self, params: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
        let position = params.text_document_position;
        let analysis = self.analyse(&position.text_document.uri)?;
        let text = &analysis.sources[analysis.document].text;
        let offset = offset_of(text, position.position);
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let before = text[line_start..offset].trim_end_matches(is_word_char);
        let after_expect = before.split_whitespace().last() == Some("expect");
        let mut items = Vec::new();
        for symbol in analysis.symbols().filter(|s| s.definition) {
            let wanted = match symbol.kind {
                Kind::Rule => after_expect,
                Kind::Fact => !after_expect,
            };
            if wanted {
                items.push(lsp::CompletionItem {
                    label: symbol.name.clone(),
                    kind: Some(match symbol.kind {
                        Kind::Fact => lsp::CompletionItemKind::VARIABLE,
                        Kind::Rule => lsp::CompletionItemKind::FUNCTION,
                    }),
                    detail: Some(symbol.detail.clone()),
                    ..Default::default()
                });
            }
        }
        if !after_expect {
            items.extend(
                syntax::keywords()
                    .into_iter()
                    .map(|keyword| lsp::CompletionItem {
                        label: keyword.to_string(),
                        kind: Some(lsp::CompletionItemKind::KEYWORD),
                        detail: Some("关键字".to_string()),
                        ..Default::default()
                    }),
            );
        }
        items.dedup_by(|a, b| a.label == b.label && a.kind == b.kind);
        Some(lsp::CompletionResponse::Array(items))
    }

    fn format(&self, params: lsp::DocumentFormattingParams) -> Option<Vec<lsp::TextEdit>> {
        let text = self.documents.get(&params.text_document.uri)?;
        let formatted = syntax::format::format(&Source::new(
            params.text_document.uri.as_str(),
            text.as_str(),
        ))
        .ok()?;
        if formatted == *text {
            return Some(Vec::new());
        }
        let whole = lsp::Range::new(lsp::Position::new(0, 0), position_of(text, text.len()));
        Some(vec![lsp::TextEdit::new(whole, formatted)])
    }
}

/// Answers a request with `handle`'s result, or an error when its parameters do not fit.
fn answer<P: DeserializeOwned, R: serde::Serialize>(
    request: Request,
    handle: impl FnOnce(P) -> R,
) -> Response {
    match parameters::<P>(request.params) {
        Ok(params) => Response::new_ok(request.id, handle(params)),
        Err(e) => Response::new_err(
            request.id,
            ErrorCode::InvalidParams as i32,
            format!("请求参数无效：{e}"),
        ),
    }
}

fn parameters<P: DeserializeOwned>(value: serde_json::Value) -> Result<P, serde_json::Error> {
    serde_json::from_value(value)
}

fn publish(uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>) -> Message {
    use lsp::notification::{Notification as _, PublishDiagnostics};
    let params = lsp::PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    Message::Notification(Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        params,
    ))
}

fn has_header(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("ruleset ") || l.starts_with("ruleset\t")
    })
}

/// Where a checked source lives, for go to definition.
#[derive(Debug, Clone)]
enum Origin {
    /// The open document.
    Document(lsp::Uri),
    /// Another `.fz` file of its folder.
    File(PathBuf),
    /// A file of the embedded default set.
    Embedded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fact,
    Rule,
}

/// A fact or rule id where it is declared or used.
#[derive(Debug, Clone)]
struct Symbol {
    kind: Kind,
    name: String,
    file: usize,
    span: Span,
    definition: bool,
    /// For a declaration: its label or title, shown in completion.
    detail: String,
}

struct Analysis {
    sources: Vec<Source>,
    origins: Vec<Origin>,
    files: Vec<Option<ast::File>>,
    ruleset: Option<RuleSet>,
    diags: Vec<Diag>,
    document: usize,
}

impl Analysis {
    /// The checker's diagnostics on the document, and those about the set as a whole (no
    /// source) at its start.
    fn diagnostics(&self) -> Vec<lsp::Diagnostic> {
        let source = &self.sources[self.document];
        self.diags
            .iter()
            .filter(|d| d.source_name() == source.name || d.source_name().is_empty())
            .map(|d| {
                let span = d
                    .primary_span()
                    .filter(|_| !d.source_name().is_empty())
                    .unwrap_or_default();
                let mut message = d.to_string();
                if let Some(help) = &d.help {
                    message.push_str(&format!("\n帮助：{help}"));
                }
                lsp::Diagnostic {
                    range: range_of(&source.text, span),
                    severity: Some(match d.severity {
                        miette::Severity::Error => lsp::DiagnosticSeverity::ERROR,
                        miette::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
                        miette::Severity::Advice => lsp::DiagnosticSeverity::INFORMATION,
                    }),
                    code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
                    source: Some("fazhi".to_string()),
                    message,
                    ..Default::default()
                }
            })
            .collect()
    }

    /// Every fact and rule id in every file, declared or used.
    fn symbols(&self) -> impl Iterator<Item = Symbol> + '_ {
        self.files.iter().enumerate().flat_map(|(file, parsed)| {
            let mut found = Vec::new();
            if let Some(parsed) = parsed {
                symbols_of(parsed, file, &self.sources[file].text, &mut found);
            }
            found
        })
    }

    /// The symbol under the cursor in the document: from its syntax tree, or, while it does not
    /// parse, the word under the cursor taken as a fact (or a rule when no fact has that id).
    fn symbol_at(&self, position: lsp::Position) -> Option<(Symbol, Span)> {
        let text = &self.sources[self.document].text;
        let offset = offset_of(text, position);
        let in_tree = self
            .symbols()
            .filter(|s| s.file == self.document)
            .find(|s| s.span.start <= offset && offset <= s.span.end);
        if let Some(symbol) = in_tree {
            let span = symbol.span;
            return Some((symbol, span));
        }
        if self.files[self.document].is_some() {
            return None;
        }
        let start = text[..offset].trim_end_matches(is_word_char).len();
        let end =
            offset + text[offset..].len() - text[offset..].trim_start_matches(is_word_char).len();
        let word = &text[start..end];
        let kind = [Kind::Fact, Kind::Rule]
            .into_iter()
            .find(|kind| self.definition(*kind, word).is_some())?;
        let span = Span::new(start, end);
        Some((
            Symbol {
                kind,
                name: word.to_string(),
                file: self.document,
                span,
                definition: false,
                detail: String::new(),
            },
            span,
        ))
    }

    fn definition(&self, kind: Kind, name: &str) -> Option<Symbol> {
        self.symbols()
            .find(|s| s.definition && s.kind == kind && s.name == name)
    }

    fn location(&self, symbol: Symbol) -> Option<lsp::Location> {
        let source = &self.sources[symbol.file];
        let uri = match &self.origins[symbol.file] {
            Origin::Document(uri) => uri.clone(),
            Origin::File(path) => uri_of(path)?,
            Origin::Embedded => uri_of(&materialised(source)?)?,
        };
        Some(lsp::Location::new(uri, range_of(&source.text, symbol.span)))
    }

    /// What hover shows when no checked rule set can explain: the declaration's own words.
    fn summary(&self, symbol: &Symbol) -> Option<String> {
        let declared = self.definition(symbol.kind, &symbol.name)?;
        let parsed = self.files[declared.file].as_ref()?;
        let mut out = String::new();
        match symbol.kind {
            Kind::Fact => {
                let fact = parsed.facts.iter().find(|f| f.id.name == symbol.name)?;
                out.push_str(&format!(
                    "{}  {}\n类型：{}\n",
                    fact.id.name,
                    fact.label.text,
                    fact.ty.keyword()
                ));
                for pattern in &fact.patterns {
                    out.push_str(&format!("查找的表述：`{}`\n", pattern.text));
                }
            }
            Kind::Rule => {
                let rule = parsed
                    .sections
                    .iter()
                    .flat_map(|s| &s.rules)
                    .find(|r| r.id.name == symbol.name)?;
                out.push_str(&format!("{}  {}\n", rule.id.name, rule.title.text));
                if let Some(cite) = &rule.cite {
                    out.push_str(&format!(
                        "依据：{}（{}）\n",
                        cite.text.text,
                        cite.standing.describe()
                    ));
                }
                if let Some(explain) = &rule.explain {
                    out.push_str(&format!("说明：{}\n", explain.text));
                }
            }
        }
        out.push_str("（规则集有错误，改正后显示完整说明）");
        Some(out)
    }
}

/// The fact and rule ids of one parsed file.
fn symbols_of(file: &ast::File, index: usize, text: &str, out: &mut Vec<Symbol>) {
    let mut add = |kind, name: &str, span: Span, definition, detail: &str| {
        out.push(Symbol {
            kind,
            name: name.to_string(),
            file: index,
            span,
            definition,
            detail: detail.to_string(),
        });
    };
    for fact in &file.facts {
        let detail = format!("{}({})", fact.label.text, fact.ty.keyword());
        add(Kind::Fact, &fact.id.name, fact.id.span, true, &detail);
    }
    for rule in file.sections.iter().flat_map(|s| &s.rules) {
        add(
            Kind::Rule,
            &rule.id.name,
            rule.id.span,
            true,
            &rule.title.text,
        );
        let mut exprs: Vec<&ast::Expr> = rule.applies.iter().chain(&rule.require).collect();
        match &rule.partial {
            Some(ast::Partial::Linear { expr, .. }) => exprs.push(expr),
            Some(ast::Partial::Tiers { tiers, .. }) => exprs.extend(tiers.iter().map(|(e, _)| e)),
            None => {}
        }
        exprs.extend(rule.deduct.as_ref().map(|d| &d.expr));
        let mut facts = Vec::new();
        for expr in exprs {
            fact_uses(expr, &mut facts);
        }
        for (name, span) in facts {
            add(Kind::Fact, name, span, false, "");
        }
        for template in rule.explain.iter().chain(&rule.help) {
            for (name, span) in placeholders(text, template.span) {
                add(Kind::Fact, name, span, false, "");
            }
        }
    }
    for test in &file.tests {
        for (fact, _) in &test.given {
            add(Kind::Fact, &fact.name, fact.span, false, "");
        }
        for expectation in &test.expectations {
            if let ast::Expectation::Rule { rule, .. } = expectation {
                add(Kind::Rule, &rule.name, rule.span, false, "");
            }
        }
    }
}

fn fact_uses<'a>(expr: &'a ast::Expr, out: &mut Vec<(&'a str, Span)>) {
    match &expr.kind {
        ast::ExprKind::Literal(_) => {}
        ast::ExprKind::Fact(name) => out.push((name, expr.span)),
        ast::ExprKind::Call { args, .. } => args.iter().for_each(|a| fact_uses(a, out)),
        ast::ExprKind::Not(inner) => fact_uses(inner, out),
        ast::ExprKind::Binary { lhs, rhs, .. } => {
            fact_uses(lhs, out);
            fact_uses(rhs, out);
        }
    }
}

/// The `{fact}` placeholders in a template string, with the span of each name in the text.
fn placeholders(text: &str, span: Span) -> Vec<(&str, Span)> {
    let raw = text.get(span.start..span.end).unwrap_or("");
    let mut found = Vec::new();
    let mut rest = raw;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name_len = after.len() - after.trim_start_matches(is_word_char).len();
        if name_len > 0 && after[name_len..].starts_with('}') {
            let start = span.start + (raw.len() - rest.len()) + open + 1;
            found.push((&after[..name_len], Span::new(start, start + name_len)));
        }
        rest = after;
    }
    found
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The LSP position (line, UTF-16 column) of a byte offset.
pub fn position_of(text: &str, offset: usize) -> lsp::Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = before[line_start..].chars().map(char::len_utf16).sum();
    lsp::Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// The byte offset of an LSP position, clamped to its line and to the text.
pub fn offset_of(text: &str, position: lsp::Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let mut units = 0;
    for (at, c) in line.char_indices() {
        if units >= position.character as usize {
            return line_start + at;
        }
        units += c.len_utf16();
    }
    line_start + line.len()
}

fn range_of(text: &str, span: Span) -> lsp::Range {
    lsp::Range::new(position_of(text, span.start), position_of(text, span.end))
}

/// The file path of a `file:` URI, percent-decoded.
fn path_of(uri: &lsp::Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let mut bytes = Vec::with_capacity(rest.len());
    let mut iter = rest.bytes();
    while let Some(b) = iter.next() {
        if b == b'%' {
            let hex: Vec<u8> = iter.by_ref().take(2).collect();
            let decoded = std::str::from_utf8(&hex)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())?;
            bytes.push(decoded);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

/// The `file:` URI of an absolute path, percent-encoded.
fn uri_of(path: &Path) -> Option<lsp::Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let mut uri = String::from("file://");
    for b in absolute.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    lsp::Uri::from_str(&uri).ok()
}

/// An embedded rule file written out (once per content) under the temporary directory, so that
/// an editor can open the definition it holds.
fn materialised(source: &Source) -> Option<PathBuf> {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(source.text.as_bytes());
    let short: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let name = Path::new(&source.name).file_name()?;
    let dir = std::env::temp_dir().join(format!("fazhi-embedded-{short}"));
    let path = dir.join(name);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(&*source.text) {
        std::fs::create_dir_all(&dir).ok()?;
        std::fs::write(&path, source.text.as_bytes()).ok()?;
    }
    Some(path)
}
