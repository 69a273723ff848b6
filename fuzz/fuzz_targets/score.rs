//! The whole score path through a file, as the command line runs it: read or facts file →
//! extract → evaluate → every output format and every diagnostic rendered.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::ruleset;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("fazhi-fuzz-score-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = ["r.txt", "r.html", "r.docx", "r.toml", "r.json"][usize::from(pick % 5)];
    let path = dir().join(name);
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let ruleset = ruleset();
    match fazhi::score_path(ruleset, &path, None) {
        Ok(scored) => {
            let ctx = scored.context(ruleset);
            // Both terminal pages: the verdict and the per-rule detail.
            for detail in [false, true] {
                let options = fazhi::render::human::Options { detail, color: false };
                let _ = fazhi::render::human::score(&ctx, &options);
            }
            let _ = fazhi::render::json::score(&ctx);
            let _ = fazhi::render::html::score(&ctx);
            let _ = fazhi::render::markdown::score(&ctx);
            let _ = fazhi::render::sarif::score(&ctx);
            for diag in scored.warnings.iter().take(20) {
                let _ = fazhi::render::diagnostic(diag, false);
            }
        }
        Err(diags) => {
            for diag in diags.iter().take(20) {
                let _ = fazhi::render::diagnostic(diag, false);
            }
        }
    }
});
