//! The HTML report in a real browser: each fixture rendered to a file and opened by headless
//! Chromium, which must take a screenshot, print an A4 PDF and show the total in its DOM, and log
//! no failed resource load (the page must be self-contained). Skipped, with a note, where
//! /usr/bin/chromium is not installed.
//!
//! `FAZHI_UPDATE_SCREENSHOT=1 cargo test --test browser` also rewrites the README's
//! docs/images/audit-wuhan-jiangxia.png (1200×1800).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHROMIUM: &str = "/usr/bin/chromium";

mod common;

use common::FIXTURES;

/// Runs Chromium headless on `page` with a fresh profile, no network services, host names that
/// resolve nowhere, logging to stderr and a NetLog, killed after two minutes. Returns its output
/// and every remote URL the NetLog shows requested, less Chromium's own background requests
/// (updates, time, accounts), which it makes whatever the page.
fn chromium(page: &Path, args: &[String]) -> (Output, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let netlog = profile.path().join("netlog.json");
    let mut command = Command::new("timeout");
    command.arg("120").arg(CHROMIUM).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]);
    command.arg(format!("--log-net-log={}", netlog.display()));
    command.arg(format!("--user-data-dir={}", profile.path().display()));
    command.args(args).arg(format!("file://{}", page.display()));
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "chromium failed on {}: {}",
        page.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let log = std::fs::read_to_string(&netlog).unwrap_or_default();
    let url = regex::Regex::new(r#""url":"((?:https?|wss?|ftp)://([^/"?:]+)[^"]*)""#).unwrap();
    let internal = [
        "google.com",
        "googleapis.com",
        "gstatic.com",
        "gvt1.com",
        "googleusercontent.com",
    ];
    let mut remote: Vec<String> = url
        .captures_iter(&log)
        .filter(|c| {
            !internal
                .iter()
                .any(|host| c[2] == **host || c[2].ends_with(&format!(".{host}")))
        })
        .map(|c| c[1].to_string())
        .collect();
    remote.dedup();
    (output, remote)
}

/// Lines of Chromium's log that say a resource failed to load or the network was touched.
fn network_errors(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| {
            l.contains("net::ERR")
                || l.contains("Failed to load resource")
                || l.contains("ERR_FILE_NOT_FOUND")
                || l.contains("ERR_BLOCKED")
        })
        .map(str::to_string)
        .collect()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(
        png.len() > 24 && png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR",
        "not a PNG"
    );
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

fn render(dir: &Path, path: &str) -> (PathBuf, String) {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    let ruleset = ruleset.unwrap_or_else(|| panic!("{diags:?}"));
    let scored = fazhi::score::score_path(&ruleset, Path::new(path), None)
        .unwrap_or_else(|d| panic!("{d:?}"));
    let html = fazhi::render::html::score(&scored.context(&ruleset));
    let stem = Path::new(path)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let file = dir.join(format!("{stem}.html"));
    std::fs::write(&file, html).unwrap();
    (file, fazhi::eval::points_text(scored.card.total))
}

/// The NetLog check catches a page that loads something remote (the stderr log at `--v=0` does
/// not show failed loads of page resources).
#[test]
fn chromium_check_catches_a_remote_resource() {
    if !Path::new(CHROMIUM).exists() {
        println!("note: {CHROMIUM} not found; browser checks skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("remote.html");
    std::fs::write(&page, "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\"><p>hi</p></body></html>").unwrap();
    let (_, remote) = chromium(&page, &["--dump-dom".into()]);
    assert_eq!(remote, vec!["http://example.invalid/x.png".to_string()]);
}

#[test]
fn chromium_screenshots_prints_and_loads_nothing_remote() {
    if !Path::new(CHROMIUM).exists() {
        println!("note: {CHROMIUM} not found; browser checks skipped (apt-get install chromium fonts-noto-cjk)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let boxes = regex::Regex::new(r"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]").unwrap();
    for path in FIXTURES {
        let (page, total) = render(dir.path(), path);
        let stem = page.file_stem().unwrap().to_string_lossy().into_owned();

        let png = dir.path().join(format!("{stem}.png"));
        let (output, remote) = chromium(
            &page,
            &[
                format!("--screenshot={}", png.display()),
                "--window-size=1280,2400".into(),
            ],
        );
        assert!(
            network_errors(&output.stderr).is_empty(),
            "{path}: {:#?}",
            network_errors(&output.stderr)
        );
        assert!(remote.is_empty(), "{path}: the page requested {remote:#?}");
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(png_size(&bytes), (1280, 2400), "{path}");
        assert!(
            bytes.len() > 50_000,
            "{path}: screenshot of {} bytes looks blank",
            bytes.len()
        );

        let pdf = dir.path().join(format!("{stem}.pdf"));
        let (output, remote) = chromium(
            &page,
            &[
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".into(),
            ],
        );
        assert!(remote.is_empty(), "{path}: the page requested {remote:#?}");
        assert!(
            network_errors(&output.stderr).is_empty(),
            "{path}: {:#?}",
            network_errors(&output.stderr)
        );
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{path}: not a PDF");
        assert!(bytes.len() > 20_000, "{path}: PDF of {} bytes", bytes.len());
        // A4 is 595.3 × 841.9 pt; Chromium rounds it to whole CSS pixels (594.96 × 841.92).
        let text = String::from_utf8_lossy(&bytes);
        let pages: Vec<(f64, f64)> = boxes
            .captures_iter(&text)
            .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
            .collect();
        assert!(!pages.is_empty(), "{path}: no pages");
        for (w, h) in pages {
            assert!(
                (w - 595.3).abs() < 2.0 && (h - 841.9).abs() < 2.0,
                "{path}: a {w} × {h} pt page is not A4"
            );
        }

        let (output, remote) = chromium(&page, &["--dump-dom".into()]);
        assert!(
            network_errors(&output.stderr).is_empty(),
            "{path}: {:#?}",
            network_errors(&output.stderr)
        );
        assert!(remote.is_empty(), "{path}: the page requested {remote:#?}");
        let dom = String::from_utf8_lossy(&output.stdout);
        assert!(
            dom.contains(&format!("<div class=\"total\" id=\"total\">{total}</div>")),
            "{path}: total {total} not in the DOM"
        );
        assert!(
            dom.contains("<mark "),
            "{path}: no evidence marked in the DOM"
        );
    }

    if std::env::var_os("FAZHI_UPDATE_SCREENSHOT").is_some() {
        let (page, _) = render(dir.path(), "reports-fixtures/wuhan-jiangxia-2024.txt");
        let target = Path::new("docs/images/audit-wuhan-jiangxia.png");
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let target = std::fs::canonicalize(target.parent().unwrap())
            .unwrap()
            .join("audit-wuhan-jiangxia.png");
        chromium(
            &page,
            &[
                format!("--screenshot={}", target.display()),
                "--window-size=1200,1800".into(),
            ],
        );
        assert!(
            std::fs::metadata(&target).unwrap().len() <= 400 * 1024,
            "README screenshot over 400 KB"
        );
    }
}
