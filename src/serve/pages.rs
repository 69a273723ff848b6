//! The workbench's pages, in Chinese: the start page (upload), the ranked batch table, each
//! report's audit page with corrections, the rule pages, and the downloads. Pages are minijinja
//! templates (`templates/serve/`) over plain view data taken from the score JSON, so they read
//! what `fazhi score --format json` says rather than the engine's types.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::{AutoEscape, Environment, Value};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value as J;

use super::api::{request_error, work};
use super::store::{App, Correction, Entry};
use crate::batch::{self, Batch};
use crate::check::RuleSet;
use crate::diagnostic::Diag;
use crate::render::html::OUTCOMES;

const LAYOUT: &str = include_str!("../../templates/serve/layout.html");
const START: &str = include_str!("../../templates/serve/start.html");
const BATCH: &str = include_str!("../../templates/serve/batch.html");
const RULES: &str = include_str!("../../templates/serve/rules.html");
const RULE: &str = include_str!("../../templates/serve/rule.html");
const REPORT_BAR: &str = include_str!("../../templates/serve/report_bar.html");
const ERROR: &str = include_str!("../../templates/serve/error.html");
const CSS: &str = include_str!("../../assets/serve.css");
const JS: &str = include_str!("../../assets/serve.js");

/// The .xlsx summary: the command line's workbook (Chinese headers), or `None` if it could not
/// be written.
fn xlsx(ruleset: &RuleSet, batch: &Batch) -> Option<Vec<u8>> {
    batch::to_xlsx(ruleset, batch, false).ok()
}

fn outcome_label(keyword: &str) -> &'static str {
    OUTCOMES
        .iter()
        .find(|o| o.keyword() == keyword)
        .map_or("", |o| o.label())
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    for (name, text) in [
        ("layout.html", LAYOUT),
        ("start.html", START),
        ("batch.html", BATCH),
        ("rules.html", RULES),
        ("rule.html", RULE),
        ("report_bar.html", REPORT_BAR),
        ("error.html", ERROR),
    ] {
        // The templates are part of the binary and tested; an error here is a bug shown on
        // the page by `render`.
        let _ = env.add_template(name, text);
    }
    env
}

/// Renders one template; a template error (a bug, never user input) becomes a page saying so.
fn render_template(name: &str, data: impl Serialize) -> String {
    environment()
        .get_template(name)
        .and_then(|t| t.render(data))
        .unwrap_or_else(|e| format!("<p>页面生成失败：{}</p>", escape(&e.to_string())))
}

/// A whole page: `body` inside the workbench layout.
fn page(title: &str, active: &str, body: String) -> Response {
    let html = render_template(
        "layout.html",
        minijinja::context! { title, active, body => Value::from_safe_string(body) },
    );
    html_response(StatusCode::OK, html)
}

fn html_response(status: StatusCode, html: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A page saying what went wrong, with the diagnostics as the command line prints them.
fn error_page(status: StatusCode, diags: &[Diag], back: Option<(String, &str)>) -> Response {
    let rendered: Vec<String> = diags
        .iter()
        .map(|d| crate::render::diagnostic(d, false))
        .collect();
    let body = render_template(
        "error.html",
        minijinja::context! { diagnostics => rendered, back => back.map(|(href, label)| minijinja::context! { href, label }) },
    );
    let mut response = page("无法完成", "", body);
    *response.status_mut() = status;
    response
}

fn not_found(what: &str) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        &[request_error(format!("没有{what}"))
            .help("服务重启后，之前上传的报告都已清空；请回到首页重新上传")],
        Some(("/".into(), "回到首页")),
    )
}

#[derive(Serialize)]
struct ReportLink {
    id: u64,
    name: String,
    issuer: Option<String>,
    total: String,
    grade: String,
}

fn report_link(entry: &Entry) -> ReportLink {
    ReportLink {
        id: entry.id,
        name: entry.name.clone(),
        issuer: entry.json["report"]["issuer"].as_str().map(str::to_string),
        total: text(&entry.json["total"]),
        grade: text(&entry.json["grade"]),
    }
}

fn text(value: &J) -> String {
    match value {
        J::String(s) => s.clone(),
        J::Null => String::new(),
        other => other.to_string(),
    }
}

fn decimal(value: &J) -> Option<Decimal> {
    value.as_str().and_then(|s| Decimal::from_str(s).ok())
}

/// `GET /`: upload reports.
pub async fn start(State(app): State<Arc<App>>) -> Response {
    let reports: Vec<ReportLink> = app.entries().iter().map(report_link).collect();
    let body = render_template(
        "start.html",
        minijinja::context! { reports, max_mib => super::MAX_BODY_BYTES / (1024 * 1024) },
    );
    page("上传报告", "start", body)
}

/// One column the batch table can sort by.
#[derive(Serialize)]
struct Column {
    key: String,
    title: String,
    /// The link that sorts by this column (the other way when it is the current sort).
    href: String,
    /// `↓` or `↑` on the current sort column.
    arrow: &'static str,
    /// The whole title, for a tooltip when `title` is shortened.
    full: String,
}

/// A section title short enough for a column header: its first 8 characters.
fn short_title(title: &str) -> String {
    let mut short: String = title.chars().take(8).collect();
    if title.chars().count() > 8 {
        short.push('…');
    }
    short
}

#[derive(Serialize)]
struct BatchRow {
    rank: usize,
    id: u64,
    name: String,
    issuer: Option<String>,
    year: Option<i64>,
    total: String,
    grade: String,
    numbers: Vec<String>,
    sections: Vec<String>,
    counts: Vec<u64>,
    /// The filtered rule's outcome in this report, when filtering by a rule.
    rule_outcome: Option<&'static str>,
    /// Whether an inspector corrected facts of this report (its scores include 人工录入 facts).
    corrected: bool,
    #[serde(skip)]
    keys: HashMap<String, Decimal>,
}

const COUNT_COLUMNS: [(&str, &str); 4] = [
    ("pass", "达标"),
    ("partial", "部分达标"),
    ("fail", "未达标"),
    ("unknown", "无证据"),
];

/// `GET /batch?sort=KEY&dir=asc|desc&grade=G&rule=ID&outcome=O`: the ranked table.
pub async fn batch(
    State(app): State<Arc<App>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let ruleset = &app.ruleset;
    let entries = app.entries();
    let param = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let sort = param("sort").unwrap_or("total").to_string();
    let ascending = param("dir") == Some("asc");
    let grade = param("grade");
    let rule = param("rule").filter(|r| ruleset.rule(r).is_some());
    let outcome = param("outcome").filter(|o| *o == "gap" || !outcome_label(o).is_empty());

    // Rank by total over every report held, before filtering.
    let mut rows: Vec<BatchRow> = entries.iter().map(|e| batch_row(e, rule)).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(key(r, "total")));
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    let held = rows.len();
    rows.retain(|r| grade.is_none_or(|g| r.grade == g));
    if let Some(rule) = rule {
        rows.retain(|r| {
            let found = entries
                .iter()
                .find(|e| e.id == r.id)
                .and_then(|e| rule_result(&e.json, rule))
                .map(|(o, _)| o.to_string());
            match (outcome, found.as_deref()) {
                (None, _) => true,
                (Some("gap"), Some(o)) => o != "pass" && o != "not_applicable",
                (Some(want), Some(o)) => want == o,
                (Some(_), None) => false,
            }
        });
    }
    rows.sort_by(|a, b| {
        let order = key(a, &sort).cmp(&key(b, &sort));
        let order = if ascending { order } else { order.reverse() };
        order.then(a.rank.cmp(&b.rank))
    });

    let filters = |sort: &str, dir: &str| {
        let mut query = vec![format!("sort={}", encode(sort)), format!("dir={dir}")];
        for (k, v) in [("grade", grade), ("rule", rule), ("outcome", outcome)] {
            if let Some(v) = v {
                query.push(format!("{k}={}", encode(v)));
            }
        }
        format!("/batch?{}", query.join("&"))
    };
    let column = |key: &str, title: String| {
        let current = sort == key;
        let dir = if current && !ascending { "asc" } else { "desc" };
        Column {
            key: key.to_string(),
            full: title.clone(),
            title,
            href: filters(key, dir),
            arrow: match (current, ascending) {
                (false, _) => "",
                (true, false) => "↓",
                (true, true) => "↑",
            },
        }
    };
    let total_column = column("total", "总分".into());
    // The scoring model's sub-scores (`numbers` in the score JSON: 法定内容与公开, 披露覆盖度,
    // 已披露事项实绩 …), as percents, in the order the JSON gives them.
    let number_columns: Vec<Column> = entries
        .first()
        .and_then(|e| e.json["numbers"].as_object())
        .into_iter()
        .flatten()
        .map(|(k, n)| column(&format!("number:{k}"), format!("{}(%)", text(&n["label"]))))
        .collect();
    let section_columns: Vec<Column> = ruleset
        .sections
        .iter()
        .map(|s| {
            let mut c = column(
                &format!("section:{}", s.id.name),
                short_title(&s.title.text),
            );
            c.full = format!(
                "{}（权重 {}）",
                s.title.text,
                crate::eval::points_text(s.weight.value)
            );
            c
        })
        .collect();
    let count_columns: Vec<Column> = COUNT_COLUMNS
        .iter()
        .map(|(k, label)| column(&format!("count:{k}"), (*label).to_string()))
        .collect();
    let mut grades: Vec<String> = ruleset
        .grades
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
    for entry in &entries {
        let grade = text(&entry.json["grade"]);
        if !grade.is_empty() && !grades.contains(&grade) {
            grades.push(grade);
        }
    }
    let rules: Vec<_> = ruleset
        .rules()
        .map(
            |(_, r)| minijinja::context! { id => r.id.name.clone(), title => r.title.text.clone() },
        )
        .collect();
    let outcomes: Vec<_> = OUTCOMES
        .iter()
        .map(|o| minijinja::context! { key => o.keyword(), label => o.label() })
        .collect();
    let downloads = batch_downloads();
    let body = render_template(
        "batch.html",
        minijinja::context! {
            rows, held, total_column, number_columns, section_columns, count_columns, grades, rules, outcomes,
            grade, rule, outcome, sort, dir => if ascending { "asc" } else { "desc" }, downloads,
        },
    );
    page("排名", "batch", body)
}

fn batch_row(entry: &Entry, rule: Option<&str>) -> BatchRow {
    let json = &entry.json;
    let mut keys = HashMap::new();
    if let Some(total) = decimal(&json["total"]) {
        keys.insert("total".to_string(), total);
    }
    let mut numbers = Vec::new();
    for (k, n) in json["numbers"].as_object().into_iter().flatten() {
        let percent = decimal(&n["percent"]);
        if let Some(p) = percent {
            keys.insert(format!("number:{k}"), p);
        }
        numbers.push(percent.map_or(String::new(), crate::eval::points_text));
    }
    let mut sections = Vec::new();
    for section in json["sections"].as_array().into_iter().flatten() {
        let id = text(&section["id"]);
        match decimal(&section["score"]) {
            Some(score) => {
                keys.insert(format!("section:{id}"), score);
                sections.push(crate::eval::points_text(score));
            }
            None => sections.push("未评估".into()),
        }
    }
    let counts: Vec<u64> = COUNT_COLUMNS
        .iter()
        .map(|(k, _)| json["counts"][k].as_u64().unwrap_or(0))
        .collect();
    for ((k, _), n) in COUNT_COLUMNS.iter().zip(&counts) {
        keys.insert(format!("count:{k}"), Decimal::from(*n));
    }
    BatchRow {
        rank: 0,
        id: entry.id,
        name: entry.name.clone(),
        issuer: json["report"]["issuer"].as_str().map(str::to_string),
        year: json["report"]["year"].as_i64(),
        total: text(&json["total"]),
        grade: text(&json["grade"]),
        numbers,
        sections,
        counts,
        rule_outcome: rule
            .and_then(|r| rule_result(json, r))
            .map(|(o, _)| outcome_label(o)),
        corrected: !entry.corrections.is_empty(),
        keys,
    }
}

/// Sort key of a row: a number, or (for `name`) none, in which case rows keep their rank order.
fn key(row: &BatchRow, key: &str) -> Option<Decimal> {
    row.keys.get(key).copied()
}

/// A rule's outcome keyword and whole JSON entry in a report's score JSON.
fn rule_result<'a>(json: &'a J, rule: &str) -> Option<(&'a str, &'a J)> {
    let entry = json["rules"]
        .as_array()?
        .iter()
        .find(|r| r["id"].as_str() == Some(rule))?;
    Some((entry["outcome"].as_str()?, entry))
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Serialize)]
struct Download {
    href: String,
    label: &'static str,
}

fn batch_downloads() -> Vec<Download> {
    vec![
        Download {
            href: "/batch/summary.csv".into(),
            label: "CSV 汇总",
        },
        Download {
            href: "/batch/summary.xlsx".into(),
            label: "Excel 汇总（.xlsx）",
        },
        Download {
            href: "/batch/summary.md".into(),
            label: "Markdown 备忘",
        },
        Download {
            href: "/batch/summary.json".into(),
            label: "JSON 汇总",
        },
        Download {
            href: "/batch/summary.html".into(),
            label: "汇总网页",
        },
    ]
}

/// The reports held as a batch, for the summary renderers.
fn held_batch(app: &App) -> Batch {
    Batch {
        rows: app
            .entries()
            .iter()
            .map(|e| batch::row(&app.ruleset, e.name.clone(), &e.scored))
            .collect(),
        failures: Vec::new(),
        compared: false,
    }
}

/// `GET /batch/summary.{csv,md,json,html,xlsx}`: the command line's summaries of the reports held.
pub async fn batch_download(State(app): State<Arc<App>>, Path(file): Path<String>) -> Response {
    let ruleset = &app.ruleset;
    let summary = held_batch(&app);
    let (kind, data) = match file.as_str() {
        "summary.csv" => (
            "text/csv; charset=utf-8",
            batch::to_csv(ruleset, &summary, false).into_bytes(),
        ),
        "summary.md" => (
            "text/markdown; charset=utf-8",
            batch::to_markdown(ruleset, &summary).into_bytes(),
        ),
        "summary.json" => (
            "application/json; charset=utf-8",
            crate::cli::json_text(&batch::to_json(ruleset, &summary)).into_bytes(),
        ),
        "summary.html" => match batch::to_html(ruleset, &summary) {
            Ok(html) => ("text/html; charset=utf-8", html.into_bytes()),
            Err(e) => {
                return error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &[request_error(format!("汇总网页生成失败：{e}"))
                        .help("这是 fazhi 的缺陷；请报告")],
                    None,
                )
            }
        },
        "summary.xlsx" => match xlsx(ruleset, &summary) {
            Some(bytes) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            ),
            None => return not_found("这个下载"),
        },
        _ => return not_found("这个下载"),
    };
    attachment(kind, &format!("fazhi-{file}"), data)
}

/// A download: the browser saves it under `name`.
fn attachment(kind: &'static str, name: &str, data: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encode(name)
    );
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, kind)], data).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `GET /rules`: every rule with how the reports held fare on it.
pub async fn rules(State(app): State<Arc<App>>) -> Response {
    let entries = app.entries();
    let sections: Vec<_> = app
        .ruleset
        .sections
        .iter()
        .map(|section| {
            let rules: Vec<_> = section
                .rules
                .iter()
                .map(|rule| {
                    let tally = tally(&entries, &rule.id.name);
                    minijinja::context! {
                        id => rule.id.name.clone(),
                        title => rule.title.text.clone(),
                        points => rule.points.as_ref().map(|p| crate::eval::points_text(p.value)),
                        tally,
                    }
                })
                .collect();
            minijinja::context! { title => section.title.text.clone(), weight => crate::eval::points_text(section.weight.value), rules }
        })
        .collect();
    let body = render_template(
        "rules.html",
        minijinja::context! { sections, reports => entries.len(), ruleset => format!("{} {}", app.ruleset.title, app.ruleset.version) },
    );
    page("规则", "rules", body)
}

/// How many reports held have each outcome on a rule, in `OUTCOMES` order.
fn tally(entries: &[Entry], rule: &str) -> Vec<usize> {
    OUTCOMES
        .iter()
        .map(|o| {
            entries
                .iter()
                .filter(|e| rule_result(&e.json, rule).is_some_and(|(k, _)| k == o.keyword()))
                .count()
        })
        .collect()
}

/// `GET /rules/{id}`: what a rule requires, its citation, and which reports pass or fail it.
pub async fn rule(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let Some((section, rule)) = app.ruleset.rule(&id) else {
        return not_found(&format!("规则 `{id}`"));
    };
    let entries = app.entries();
    let reports: Vec<_> = entries
        .iter()
        .filter_map(|e| {
            let (outcome, result) = rule_result(&e.json, &id)?;
            Some(minijinja::context! {
                id => e.id,
                name => e.name.clone(),
                issuer => e.json["report"]["issuer"].as_str().map(str::to_string),
                outcome,
                outcome_label => outcome_label(outcome),
                earned => text(&result["earned"]),
                points => text(&result["points"]),
                message => text(&result["message"]),
            })
        })
        .collect();
    let outcomes: Vec<_> = OUTCOMES
        .iter()
        .zip(tally(&entries, &id))
        .map(|(o, n)| minijinja::context! { key => o.keyword(), label => o.label(), n })
        .collect();
    let body = render_template(
        "rule.html",
        minijinja::context! {
            id,
            title => rule.title.text.clone(),
            section => section.title.text.clone(),
            points => rule.points.as_ref().map(|p| crate::eval::points_text(p.value)),
            cite => rule.cite.as_ref().map(|c| c.text.text.clone()),
            standing => rule.cite.as_ref().map(|c| c.standing.describe()),
            help => rule.help.as_ref().map(|h| h.text.clone()),
            explain => crate::explain::rule(&app.ruleset, &id),
            reports, outcomes,
        },
    );
    page(&rule.title.text, "rules", body)
}

fn entry_of(app: &App, id: &str) -> Result<Entry, Response> {
    id.parse::<u64>()
        .ok()
        .and_then(|id| app.entry(id))
        .ok_or_else(|| not_found(&format!("编号为 {id} 的报告")))
}

/// `GET /report/{id}`: the audit page (`fazhi score --format html`) with the workbench bar
/// above it: downloads and corrections.
pub async fn report(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let entry = match entry_of(&app, &id) {
        Ok(entry) => entry,
        Err(response) => return response,
    };
    let ruleset = &app.ruleset;
    let audit = crate::render::html::score(&entry.scored.context(ruleset));
    let facts: Vec<_> = ruleset
        .facts
        .iter()
        .map(|(fact_id, decl)| {
            let current = entry.scored.facts.get(fact_id);
            let state = match current {
                Some(f) if f.origin == crate::facts::Origin::Manual => format!("{}（人工录入）", f.value),
                Some(f) => f.value.to_string(),
                None if entry.scored.facts.is_silent(fact_id) => "报告未提及（人工录入）".into(),
                None => "报告未提及".into(),
            };
            minijinja::context! { id => fact_id.clone(), label => decl.label.text.clone(), kind => decl.ty.to_string(), state }
        })
        .collect();
    let corrections: Vec<_> = entry
        .corrections
        .iter()
        .map(|(fact_id, c)| {
            let label = ruleset
                .facts
                .get(fact_id)
                .map_or(fact_id.clone(), |d| d.label.text.clone());
            let (value, quote) = match c {
                Correction::Value { value, quote } => (value.clone(), quote.clone()),
                Correction::Silent => ("报告未提及".to_string(), None),
            };
            minijinja::context! { id => fact_id.clone(), label, value, quote }
        })
        .collect();
    let changed = params.get("before").map(|before| {
        minijinja::context! { before => before.clone(), after => text(&entry.json["total"]), grade => text(&entry.json["grade"]) }
    });
    let bar = render_template(
        "report_bar.html",
        minijinja::context! {
            id => entry.id, name => entry.name.clone(), total => text(&entry.json["total"]),
            facts, corrections, changed, facts_file => entry.facts_file_name(),
        },
    );
    html_response(StatusCode::OK, with_bar(&audit, &bar))
}

/// The audit page with the workbench's stylesheet and bar added; the page itself is unchanged.
fn with_bar(audit: &str, bar: &str) -> String {
    let styled = audit.replacen(
        "</head>",
        "<link rel=\"stylesheet\" href=\"/assets/serve.css\">\n</head>",
        1,
    );
    match styled.find("<body>") {
        Some(at) => {
            let at = at + "<body>".len();
            format!("{}\n{bar}{}", &styled[..at], &styled[at..])
        }
        None => format!("{bar}{styled}"),
    }
}

/// The correction form's fields.
#[derive(serde::Deserialize)]
pub struct CorrectionForm {
    fact: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    quote: String,
    /// `"on"` when 报告未提及 is ticked.
    #[serde(default)]
    silent: Option<String>,
    /// `"remove"` to take a correction back.
    #[serde(default)]
    action: Option<String>,
}

/// `POST /report/{id}/facts`: adds, changes or removes a correction, re-scores, and shows the
/// report again with the change.
pub async fn correct(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Form(form): Form<CorrectionForm>,
) -> Response {
    let entry = match entry_of(&app, &id) {
        Ok(entry) => entry,
        Err(response) => return response,
    };
    let back = Some((format!("/report/{}", entry.id), "回到报告"));
    let fact = form.fact.trim().to_string();
    if !app.ruleset.facts.contains_key(&fact) {
        return error_page(
            StatusCode::BAD_REQUEST,
            &[request_error(format!("没有事实 `{fact}`")).help("从列表中选择要更正的事实")],
            back,
        );
    }
    let mut corrections = entry.corrections.clone();
    if form.action.as_deref() == Some("remove") {
        corrections.shift_remove(&fact);
    } else if form.silent.is_some() {
        corrections.insert(fact.clone(), Correction::Silent);
    } else if form.value.trim().is_empty() {
        return error_page(
            StatusCode::BAD_REQUEST,
            &[request_error("请填写数值，或勾选“报告未提及”")
                .help("数值的写法：95、95%、2025-03-24、true")],
            back,
        );
    } else {
        let quote = Some(form.quote.trim().to_string()).filter(|q| !q.is_empty());
        corrections.insert(
            fact.clone(),
            Correction::Value {
                value: form.value.trim().to_string(),
                quote,
            },
        );
    }
    let before = text(&entry.json["total"]);
    let (name, bytes, scored_corrections) = (
        entry.name.clone(),
        Arc::clone(&entry.bytes),
        corrections.clone(),
    );
    let scored = work(&app, move |app| {
        app.score(&name, &bytes, &scored_corrections)
    })
    .await;
    match scored {
        Ok(Ok((scored, json))) => {
            app.update(entry.id, corrections, scored, json);
            Redirect::to(&format!(
                "/report/{}?before={}#workbench",
                entry.id,
                encode(&before)
            ))
            .into_response()
        }
        Ok(Err(diags)) => error_page(super::api::status_of(&diags), &diags, back),
        Err(response) => response,
    }
}

/// `GET /report/{id}/{file}`: the report's audit page, JSON, Markdown memo or corrections file.
pub async fn report_download(
    State(app): State<Arc<App>>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let entry = match entry_of(&app, &id) {
        Ok(entry) => entry,
        Err(response) => return response,
    };
    let ctx = entry.scored.context(&app.ruleset);
    let stem = std::path::Path::new(&entry.name)
        .file_stem()
        .map_or("report".to_string(), |s| s.to_string_lossy().into_owned());
    match file.as_str() {
        "audit.html" => attachment(
            "text/html; charset=utf-8",
            &format!("{stem}.audit.html"),
            crate::render::html::score(&ctx).into_bytes(),
        ),
        "score.json" => attachment(
            "application/json; charset=utf-8",
            &format!("{stem}.score.json"),
            crate::cli::json_text(&entry.json).into_bytes(),
        ),
        "memo.md" => attachment(
            "text/markdown; charset=utf-8",
            &format!("{stem}.md"),
            crate::render::markdown::score(&ctx).into_bytes(),
        ),
        "corrections.toml" => attachment(
            "application/toml; charset=utf-8",
            &entry.facts_file_name(),
            entry.facts_file().into_bytes(),
        ),
        _ => not_found("这个下载"),
    }
}

/// `GET /assets/{file}`: the workbench's own stylesheet and script.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (kind, body) = match file.as_str() {
        "serve.css" => ("text/css; charset=utf-8", CSS),
        "serve.js" => ("text/javascript; charset=utf-8", JS),
        _ => return not_found("这个文件"),
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}
