//! The HTTP API: `POST /api/score` and `/api/extract` answer exactly what `fazhi score --format
//! json` and `fazhi extract` print; `GET /api/rules` lists the rules; `/api/reports` holds the
//! reports of the session (the start page uploads through it). A user's bad file is a 400, 413 or
//! 415 with the command line's diagnostics as JSON, never a 500.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use indexmap::IndexMap;
use serde_json::json;

use super::store::App;
use super::MAX_BODY_BYTES;
use crate::diagnostic::{Code, Diag};
use crate::eval::points_text;

type Params = Query<HashMap<String, String>>;

/// `POST /api/score?name=FILE`: the JSON of `fazhi score FILE --format json`.
pub async fn score(
    State(app): State<Arc<App>>,
    Query(params): Params,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (name, bytes) = match input(&params, &headers, body).await {
        Ok(input) => input,
        Err(response) => return response,
    };
    let scored = work(&app, move |app| app.score(&name, &bytes, &IndexMap::new())).await;
    match scored {
        Ok(Ok((_, json))) => json_response(StatusCode::OK, crate::cli::json_text(&json)),
        Ok(Err(diags)) => diagnostics(&diags),
        Err(response) => response,
    }
}

/// `POST /api/extract?name=FILE`: the JSON of `fazhi extract FILE`.
pub async fn extract(
    State(app): State<Arc<App>>,
    Query(params): Params,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (name, bytes) = match input(&params, &headers, body).await {
        Ok(input) => input,
        Err(response) => return response,
    };
    let extracted = work(&app, move |app| -> Result<String, Vec<Diag>> {
        let document = crate::read::read_bytes(&name, &bytes).map_err(|e| vec![Diag::from(&e)])?;
        let extraction = crate::extract::extract(&app.ruleset, &document);
        Ok(crate::extract::to_json(&app.ruleset, &extraction.facts))
    })
    .await;
    match extracted {
        Ok(Ok(text)) => json_response(StatusCode::OK, text),
        Ok(Err(diags)) => diagnostics(&diags),
        Err(response) => response,
    }
}

/// `GET /api/rules`: the rule set and its rules in order, with citation and points.
pub async fn rules(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, crate::cli::json_text(&rules_json(&app)))
}

fn rules_json(app: &App) -> serde_json::Value {
    let ruleset = &app.ruleset;
    let rules: Vec<_> = ruleset
        .rules()
        .map(|(section, rule)| {
            json!({
                "id": rule.id.name,
                "section": section.id.name,
                "title": rule.title.text,
                "points": rule.points.as_ref().map(|p| points_text(p.value)),
                "cite": rule.cite.as_ref().map(|c| c.text.text.clone()),
                "standing": rule.cite.as_ref().map(|c| c.standing.keyword()),
                "help": rule.help.as_ref().map(|h| h.text.clone()),
            })
        })
        .collect();
    json!({
        "ruleset": { "id": ruleset.id, "version": ruleset.version, "title": ruleset.title, "rules_sha256": ruleset.digest.rules_sha256 },
        "sections": ruleset.sections.iter().map(|s| json!({ "id": s.id.name, "title": s.title.text, "weight": points_text(s.weight.value) })).collect::<Vec<_>>(),
        "rules": rules,
    })
}

/// `POST /api/reports?name=FILE`: scores a report and keeps it for this session.
pub async fn upload(
    State(app): State<Arc<App>>,
    Query(params): Params,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (name, bytes) = match input(&params, &headers, body).await {
        Ok(input) => input,
        Err(response) => return response,
    };
    if let Err(diag) = app.room_for(bytes.len()) {
        return diagnostics_with(StatusCode::PAYLOAD_TOO_LARGE, &[diag]);
    }
    let bytes: Arc<[u8]> = Arc::from(bytes);
    let held = Arc::clone(&bytes);
    let scored = work(&app, move |app| -> Result<_, Vec<Diag>> {
        let (scored, json) = app.score(&name, &held, &IndexMap::new())?;
        Ok((name, scored, json))
    })
    .await;
    match scored {
        Ok(Ok((name, scored, json))) => {
            let summary = report_json(0, &name, &json);
            let id = app.add(name, bytes, scored, json);
            let mut summary = summary;
            summary["id"] = json!(id);
            summary["url"] = json!(format!("/report/{id}"));
            json_response(StatusCode::OK, crate::cli::json_text(&summary))
        }
        Ok(Err(diags)) => diagnostics(&diags),
        Err(response) => response,
    }
}

/// `GET /api/reports`: the reports held, in upload order.
pub async fn list(State(app): State<Arc<App>>) -> Response {
    let reports: Vec<_> = app
        .entries()
        .iter()
        .map(|e| {
            let mut summary = report_json(e.id, &e.name, &e.json);
            summary["url"] = json!(format!("/report/{}", e.id));
            summary
        })
        .collect();
    json_response(
        StatusCode::OK,
        crate::cli::json_text(&json!({ "reports": reports })),
    )
}

/// `DELETE /api/reports`: forgets every report.
pub async fn clear(State(app): State<Arc<App>>) -> Response {
    app.clear();
    json_response(StatusCode::OK, "{\"reports\": []}\n".to_string())
}

fn report_json(id: u64, name: &str, score: &serde_json::Value) -> serde_json::Value {
    json!({
        "id": id,
        "name": name,
        "total": score["total"],
        "grade": score["grade"],
        "warnings": score["warnings"],
    })
}

pub async fn not_found() -> Response {
    diagnostics_with(
        StatusCode::NOT_FOUND,
        &[request_error("没有这个页面或接口").help("首页是 /；接口见 docs/serve.md")],
    )
}

pub fn request_error(message: impl Into<String>) -> Diag {
    Diag::error(Code::ServeRequest, message)
}

/// The report's name (from `?name=`) and its bytes, read with the size bound.
async fn input(
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    body: Body,
) -> Result<(String, Vec<u8>), Response> {
    let name = params.get("name").map(|n| n.trim()).unwrap_or_default();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(diagnostics(&[request_error(
            "请求缺少报告的文件名 `name`（或超过 255 个字符）",
        )
        .help("写成 POST /api/score?name=报告.txt，请求体为报告文件本身")]));
    }
    let too_large = |size: u64| {
        let error = crate::read::ReadError::TooLarge {
            name: name.to_string(),
            size,
            limit: MAX_BODY_BYTES,
        };
        diagnostics(&[Diag::from(&error)])
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(size) = declared.filter(|s| *s > MAX_BODY_BYTES as u64) {
        return Err(too_large(size));
    }
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => Ok((name.to_string(), bytes.to_vec())),
        Err(_) if declared.is_none() => Err(too_large(MAX_BODY_BYTES as u64 + 1)),
        Err(e) => Err(diagnostics(&[request_error(format!(
            "请求体读取失败：{e}"
        ))
        .help("重新上传；文件不能超过 20 MiB")])),
    }
}

/// Runs blocking work on a worker thread, at most `workers` at once and `MAX_WAITING` in line.
pub async fn work<T, F>(app: &Arc<App>, job: F) -> Result<T, Response>
where
    T: Send + 'static,
    F: FnOnce(&App) -> T + Send + 'static,
{
    let busy = || {
        diagnostics_with(
            StatusCode::SERVICE_UNAVAILABLE,
            &[
                Diag::error(Code::ServeBusy, "工作台正忙，等待处理的请求已满")
                    .help("稍后再试；一次上传的文件不宜过多"),
            ],
        )
    };
    let Ok(_in_line) = app.waiting.try_acquire() else {
        return Err(busy());
    };
    let Ok(_worker) = app.workers.acquire().await else {
        return Err(busy());
    };
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || job(&app))
        .await
        .map_err(|e| {
            diagnostics_with(
                StatusCode::INTERNAL_SERVER_ERROR,
                &[Diag::error(Code::ServeRequest, format!("内部错误：{e}"))
                    .help("这是 fazhi 的缺陷，不是文件的问题；请连同文件一起报告")],
            )
        })
}

/// The HTTP status for diagnostics about a user's file.
pub fn status_of(diags: &[Diag]) -> StatusCode {
    let codes: Vec<Code> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect();
    if codes
        .iter()
        .any(|c| matches!(c, Code::ReadTooLarge | Code::ReadDocxTooLarge))
    {
        StatusCode::PAYLOAD_TOO_LARGE
    } else if codes
        .iter()
        .any(|c| matches!(c, Code::ReadBinary | Code::ReadBadEncoding))
    {
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    } else if codes.contains(&Code::ServeBusy) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::BAD_REQUEST
    }
}

pub fn diagnostics(diags: &[Diag]) -> Response {
    diagnostics_with(status_of(diags), diags)
}

/// Diagnostics as JSON: code, severity, message, help, the primary span and the text the command
/// line prints for it (no colour).
pub fn diagnostics_with(status: StatusCode, diags: &[Diag]) -> Response {
    let one = |d: &Diag| {
        json!({
            "code": d.code.as_str(),
            "severity": match d.severity {
                miette::Severity::Error => "error",
                miette::Severity::Warning => "warning",
                miette::Severity::Advice => "advice",
            },
            "message": d.message,
            "help": d.help,
            "span": d.primary_span().map(|s| [s.start, s.end]),
            "rendered": crate::render::diagnostic(d, false),
        })
    };
    let body = json!({
        "errors": diags.iter().filter(|d| d.is_error()).map(one).collect::<Vec<_>>(),
        "warnings": diags.iter().filter(|d| !d.is_error()).map(one).collect::<Vec<_>>(),
    });
    json_response(status, crate::cli::json_text(&body))
}

fn json_response(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        text,
    )
        .into_response()
}
