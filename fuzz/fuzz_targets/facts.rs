//! Facts files, TOML or JSON (the first byte picks), against the embedded rule set.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::ruleset;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let name = if pick % 2 == 0 { "f.toml" } else { "f.json" };
    let source = fazhi::diagnostic::Source::new(name, text);
    let (file, diags) = fazhi::facts::parse(&source, ruleset());
    for diag in diags.iter().take(20) {
        let _ = fazhi::render::diagnostic(diag, false);
    }
    if let Some(mut file) = file {
        let report = fazhi::diagnostic::Source::new("r.txt", text);
        for diag in fazhi::facts::check_evidence(&mut file.facts, &report, &source).iter().take(20) {
            let _ = fazhi::render::diagnostic(diag, false);
        }
        let _ = fazhi::eval::evaluate(ruleset(), &file.facts);
    }
});
