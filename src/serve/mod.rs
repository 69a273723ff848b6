//! `fazhi serve`: the inspectors' workbench in the browser. A local web server (axum on tokio)
//! with pages to upload reports, rank them, read each audit page, correct facts and download the
//! results, and an HTTP API that returns exactly what the command line prints.
//!
//! Architecture invariants: everything the pages load is served by this binary (no CDN, no
//! font or script from elsewhere); uploads live in memory only ([`store::App`]) and are never
//! written to disk; every answer to a user's file is built by the same functions the command
//! line uses (`score::score_bytes`, `render::*`, `batch::*`), so a page, a download and
//! `fazhi score` agree byte for byte. Scoring runs on blocking threads behind a semaphore; request
//! bodies are read with a size bound.

mod api;
mod pages;
pub mod store;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::check::RuleSet;
use crate::diagnostic::{io_reason, Code, Diag};
pub use store::App;

/// The port `fazhi serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8700;

/// Largest request body: one report, as large as the command line accepts.
pub const MAX_BODY_BYTES: usize = crate::read::MAX_INPUT_BYTES;

/// All routes of the workbench.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(pages::start))
        .route("/batch", get(pages::batch))
        .route("/batch/{file}", get(pages::batch_download))
        .route("/rules", get(pages::rules))
        .route("/rules/{id}", get(pages::rule))
        .route("/report/{id}", get(pages::report))
        .route("/report/{id}/facts", post(pages::correct))
        .route("/report/{id}/{file}", get(pages::report_download))
        .route("/assets/{file}", get(pages::asset))
        .route("/api/score", post(api::score))
        .route("/api/extract", post(api::extract))
        .route("/api/rules", get(api::rules))
        .route(
            "/api/reports",
            post(api::upload).get(api::list).delete(api::clear),
        )
        .fallback(api::not_found)
        .with_state(app)
}

/// Whether an address is only reachable from this machine.
pub fn is_local(ip: IpAddr) -> bool {
    ip.is_loopback()
}

/// The warning printed when `--bind` opens the workbench to other machines.
pub fn exposed_warning(addr: SocketAddr) -> Diag {
    Diag::warning(
        Code::ServeExposed,
        format!("工作台在 {addr} 上监听，同一网络中的其他计算机也能打开它、上传和查看报告"),
    )
    .help("只在本机使用时去掉 --bind（默认只监听 127.0.0.1）；工作台没有登录和加密")
}

/// Binds the listener (before any thread starts, so a port in use is a diagnostic, not a panic).
pub fn bind(addr: SocketAddr) -> Result<TcpListener, Diag> {
    let listener = TcpListener::bind(addr).map_err(|e| {
        Diag::error(
            Code::ServeBind,
            format!("不能在 {addr} 上监听：{}", io_reason(&e)),
        )
        .help("换一个端口（--port 8701），或先关闭占用该端口的程序；--bind 只能用本机的地址")
    })?;
    listener.set_nonblocking(true).map_err(|e| {
        Diag::error(
            Code::ServeBind,
            format!("不能设置 {addr} 的监听方式：{}", io_reason(&e)),
        )
        .help("这是操作系统的限制；请报告此问题")
    })?;
    Ok(listener)
}

/// Serves on `listener` until the process ends; blocks the calling thread.
pub fn run(ruleset: RuleSet, listener: TcpListener) -> Result<(), Diag> {
    let fail = |e: std::io::Error| {
        Diag::error(
            Code::ServeBind,
            format!("工作台无法运行：{}", io_reason(&e)),
        )
        .help("检查本机资源（线程、文件句柄）是否用尽")
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .map_err(fail)?;
    let app = Arc::new(App::new(ruleset));
    runtime
        .block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            axum::serve(listener, router(app)).await
        })
        .map_err(fail)
}

/// Starts the workbench on a background thread (for tests and embedding) and returns the
/// address it listens on; port 0 picks a free port.
pub fn spawn(ruleset: RuleSet, addr: SocketAddr) -> Result<SocketAddr, Diag> {
    let listener = bind(addr)?;
    let local = listener.local_addr().map_err(|e| {
        Diag::error(
            Code::ServeBind,
            format!("不能读取监听地址：{}", io_reason(&e)),
        )
        .help("这是操作系统的限制；请报告此问题")
    })?;
    std::thread::spawn(move || run(ruleset, listener));
    Ok(local)
}
