//! The default rule set's outcomes on the five real reports in reports-fixtures/, as reviewed rule
//! by rule against each report's text (docs/fixtures-review.md). Each report has a snapshot of its
//! JSON output and of its human output (the one-screen verdict page; the per-rule account is in the
//! JSON), and an assertion on its total and grade, so that any change
//! to a pattern or a rule shows up in the diff and can be read against the report again.
//!
//! The rule files' hashes (`audit.rules_sha256`, `audit.rule_files`, and the audit line of the
//! human output) change with every edit of a rule file, so they are left out; everything else is
//! deterministic and kept.
//!
//! `report.issuer` is a best effort from the report's own text (src/extract/issuer.rs): the
//! five reports have no title line, so 郴州市人民政府 and 广州市从化区司法局 are completed from the
//! places the text names in full (`我市` + `《郴州市…》`, `区司法局` + `中共广州市从化区委`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use fazhi::check::RuleSet;
use fazhi::render::human::{self, Options};
use fazhi::render::json;
use serde_json::Value;

fn ruleset() -> RuleSet {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    ruleset.unwrap_or_else(|| panic!("embedded rule set does not check: {diags:?}"))
}

/// The JSON output without the rule files' hashes, and the human output without the audit line.
fn outputs(path: &str) -> (Value, String) {
    let ruleset = ruleset();
    let scored = fazhi::score::score_path(&ruleset, Path::new(&path), None)
        .unwrap_or_else(|d| panic!("{path} does not score: {d:?}"));
    let ctx = scored.context(&ruleset);
    let mut value = json::score(&ctx);
    let audit = value
        .get_mut("audit")
        .and_then(Value::as_object_mut)
        .expect("the JSON output has an audit object");
    assert!(
        audit.remove("rules_sha256").is_some(),
        "audit.rules_sha256 is gone"
    );
    assert!(
        audit.remove("rule_files").is_some(),
        "audit.rule_files is gone"
    );
    let text = human::score(
        &ctx,
        &Options {
            detail: false,
            color: false,
        },
    );
    let audit_line = ctx.audit.line();
    assert!(
        text.contains(&audit_line),
        "the human output has no audit line"
    );
    let text: String = text
        .lines()
        .filter(|line| !line.contains("规则 sha256:"))
        .map(|line| format!("{line}\n"))
        .collect();
    (value, text)
}

fn check(stem: &str, total: &str, grade: &str) {
    check_output(stem, &format!("reports-fixtures/{stem}.txt"), total, grade);
}

/// The hand-labelled facts file of a report scores with only the 25 catalogue facts it labels
/// (every other fact is silent), and its evidence is shown as entered by hand.
fn check_facts_file(stem: &str, total: &str, grade: &str) {
    let name = format!("facts_{stem}");
    let (value, _) = check_output(
        &name,
        &format!("reports-fixtures/{stem}.facts.toml"),
        total,
        grade,
    );
    let facts: Vec<&Value> = value["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["facts"].as_object())
        .flat_map(|f| f.values())
        .filter(|f| !f.is_null())
        .collect();
    assert!(!facts.is_empty(), "{stem}: no fact was read");
    assert!(
        facts.iter().all(|f| f["origin"] == "manual"),
        "{stem}: a fact not marked as entered by hand"
    );
    assert!(
        facts.iter().all(|f| f["span"].is_array()),
        "{stem}: a hand-labelled fact without its span"
    );
}

fn check_output(stem: &str, path: &str, total: &str, grade: &str) -> (Value, String) {
    let (value, text) = outputs(path);
    assert_eq!(value["total"], total, "{stem}: total");
    assert_eq!(value["grade"], grade, "{stem}: grade");
    assert!(
        text.contains(&format!("总分 {total} / 100  等级 {grade}")),
        "{stem}: the human output states another total or grade"
    );
    insta::assert_json_snapshot!(format!("json_{stem}"), value);
    insta::assert_snapshot!(format!("human_{stem}"), text);
    (value, text)
}

#[test]
fn wuhan_jiangxia() {
    check("wuhan-jiangxia-2024", "71.82", "合格");
}

#[test]
fn xiamen_huli() {
    check("xiamen-huli-2024", "78.92", "合格");
}

#[test]
fn guangzhou_conghua_justice_bureau() {
    check("guangzhou-conghua-justice-bureau-2024", "78.13", "合格");
}

#[test]
fn shijiazhuang_xinhua() {
    check("shijiazhuang-xinhua-2024", "58.36", "不合格");
}

#[test]
fn chenzhou() {
    check("chenzhou-2024", "78.42", "合格");
}

#[test]
fn facts_files_score_with_their_hand_labelled_facts() {
    check_facts_file("wuhan-jiangxia-2024", "38.15", "不合格");
    check_facts_file("xiamen-huli-2024", "32.43", "不合格");
    check_facts_file("guangzhou-conghua-justice-bureau-2024", "29.58", "不合格");
    check_facts_file("shijiazhuang-xinhua-2024", "23.91", "不合格");
    check_facts_file("chenzhou-2024", "29.60", "不合格");
}
