//! Helpers shared by the integration tests (each test crate uses some of them).
#![allow(dead_code, clippy::panic)]

use fazhi::diagnostic::Diag;

/// Every diagnostic rendered as a user sees it without colour, at a fixed width, one after another.
pub fn render_all(diags: &[Diag]) -> String {
    if diags.is_empty() {
        return "(no diagnostics)\n".to_string();
    }
    diags
        .iter()
        .map(|d| fazhi::render::diagnostic(d, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The embedded default rule set, checked in full.
pub fn embedded_ruleset() -> fazhi::check::RuleSet {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    match ruleset {
        Some(r) => r,
        None => panic!("embedded rule set does not load: {diags:?}"),
    }
}

/// The five real 2024 reports.
pub const FIXTURES: [&str; 5] = [
    "reports-fixtures/chenzhou-2024.txt",
    "reports-fixtures/guangzhou-conghua-justice-bureau-2024.txt",
    "reports-fixtures/shijiazhuang-xinhua-2024.txt",
    "reports-fixtures/wuhan-jiangxia-2024.txt",
    "reports-fixtures/xiamen-huli-2024.txt",
];
