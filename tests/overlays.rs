//! Issue 12, items 2, 3 and 6: derived facts, lints and overlays — the example overlay under
//! `examples/overlay` checks and passes its tests, a zero denominator is explained, overlay
//! changes are shown with their reasons and files, and the default set stays lint-clean.

// Tests fail by panicking; the crate-wide lints against it are for user-facing code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use fazhi::eval::evaluate;
use fazhi::facts::{FactValue, Facts, Origin};
use fazhi::value::Value;
use rust_decimal::Decimal;

fn run(args: &[&str]) -> fazhi::cli::Output {
    let mut argv = vec!["fazhi".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    fazhi::cli::run(argv, false)
}

fn overlay() -> fazhi::check::RuleSet {
    let (sources, base) =
        fazhi::rules::layered(&[PathBuf::from("examples/overlay")]).expect("overlay files");
    let (ruleset, diags) = fazhi::check::load_layered(sources, base);
    assert!(diags.is_empty(), "{diags:?}");
    ruleset.expect("the overlay checks")
}

fn count(n: i64) -> FactValue {
    FactValue {
        value: Value::Count(Decimal::from(n)),
        qualifier: None,
        evidence: None,
        origin: Origin::Given,
    }
}

#[test]
fn the_example_overlay_checks_and_its_tests_pass() {
    let checked = run(&["check", "examples/overlay"]);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    assert!(checked.stdout.contains("0 个警告"), "{}", checked.stdout);
    let tested = run(&["test", "examples/overlay"]);
    assert_eq!(tested.code, 0, "{}{}", tested.stdout, tested.stderr);
    // The overlay's own tests and its facts' examples only (9 + 3): the default set's tests
    // describe the default set.
    assert!(
        tested.stdout.contains("12 个通过，0 个失败"),
        "{}",
        tested.stdout
    );
}

#[test]
fn the_overlay_adds_rules_changes_points_and_switches_one_off() {
    let ruleset = overlay();
    let default = fazhi::check::load(fazhi::rules::embedded()).0.unwrap();
    assert_eq!(ruleset.rules().count(), default.rules().count() + 3 - 1);
    assert!(ruleset.rule("mediation_success_rate").is_none());
    let (_, legal_aid) = ruleset.rule("legal_aid").unwrap();
    assert_eq!(legal_aid.points.unwrap().value, Decimal::new(5, 1));
    let (section, added) = ruleset.rule("village_legal_advisers").unwrap();
    assert_eq!(section.id.name, "disputes");
    assert_eq!(
        ruleset.file_name(added.file),
        "examples/overlay/rules.fz",
        "a rule added by `extend section` keeps its own file"
    );
    assert_eq!(ruleset.changes.len(), 2);
}

#[test]
fn explain_names_the_file_and_the_change_with_its_reason() {
    let out = run(&["explain", "legal_aid", "--rules", "examples/overlay"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("来源：rules/17-disputes.fz:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("本地修改：分值 1 → 0.5（本县法律援助另有专项考核,本规则集中减半计分）"),
        "{}",
        out.stdout
    );
    let added = run(&[
        "explain",
        "local_mediation_success",
        "--rules",
        "examples/overlay",
    ]);
    assert!(
        added.stdout.contains("来源：examples/overlay/rules.fz:12"),
        "{}",
        added.stdout
    );
    let off = run(&[
        "explain",
        "mediation_success_rate",
        "--rules",
        "examples/overlay",
    ]);
    assert!(
        off.stdout
            .starts_with("mediation_success_rate  已停用（本县以调解件数计算成功率"),
        "{}",
        off.stdout
    );
}

#[test]
fn a_derived_fact_is_computed_and_rounded() {
    let ruleset = overlay();
    let mut facts = Facts::default();
    facts.insert("mediation_cases", count(300));
    facts.insert("mediation_succeeded", count(287));
    fazhi::eval::derive(&ruleset, &mut facts);
    let value = facts.get("mediation_success_by_count").unwrap();
    assert_eq!(value.value, Value::Percent(Decimal::new(9567, 2)));
    assert_eq!(value.origin, Origin::Derived);
    let card = evaluate(&ruleset, &facts);
    let (si, ri) = position(&ruleset, "local_mediation_success");
    let result = card
        .rules
        .iter()
        .find(|r| r.section == si && r.rule == ri)
        .unwrap();
    assert_eq!(result.earned, Decimal::new(5, 1));
    assert_eq!(result.message, "调解300件,成功287件,成功率95.67%");
}

#[test]
fn a_zero_denominator_is_explained_not_reported_as_silence() {
    let ruleset = overlay();
    let mut facts = Facts::default();
    facts.insert("mediation_cases", count(0));
    facts.insert("mediation_succeeded", count(0));
    let card = evaluate(&ruleset, &facts);
    let (si, ri) = position(&ruleset, "local_mediation_success");
    let result = card
        .rules
        .iter()
        .find(|r| r.section == si && r.rule == ri)
        .unwrap();
    assert_eq!(result.outcome, fazhi::syntax::ast::Outcome::Unknown);
    assert_eq!(
        result.reasoning,
        "调解成功率(按件数计算)无法计算：分母为零（调解化解矛盾纠纷件数为 0），无证据，得 0.00 / 0.50 分"
    );
    assert!(!result.message.contains("报告未提及"), "{}", result.message);
    // With one input silent, the rule names the silent input, not the derived fact.
    let mut half = Facts::default();
    half.insert("mediation_cases", count(10));
    let card = evaluate(&ruleset, &half);
    let result = card
        .rules
        .iter()
        .find(|r| r.section == si && r.rule == ri)
        .unwrap();
    assert!(
        result.reasoning.starts_with("报告未提及调解成功件数"),
        "{}",
        result.reasoning
    );
}

#[test]
fn explain_shows_a_derived_fact_with_its_value_in_a_report() {
    let dir = std::env::temp_dir().join(format!("overlays-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("facts.toml");
    std::fs::write(
        &file,
        "[facts.mediation_cases]\nvalue = 40\n[facts.mediation_succeeded]\nvalue = 38\n",
    )
    .unwrap();
    let out = run(&[
        "explain",
        "mediation_success_by_count",
        "--rules",
        "examples/overlay",
        "--facts",
        file.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "派生事实：mediation_success_by_count = mediation_succeeded / mediation_cases * 100%"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("本报告中的值：95%"), "{}", out.stdout);
}

#[test]
fn several_rules_paths_combine_in_order() {
    // The overlay's files given one by one are the same local set as its directory.
    let out = run(&[
        "test",
        "examples/overlay/overlay.fz",
        "examples/overlay/facts.fz",
        "examples/overlay/rules.fz",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let scored = run(&[
        "score",
        "reports-fixtures/wuhan-jiangxia-2024.txt",
        "--rules",
        "examples/overlay/overlay.fz",
        "--rules",
        "examples/overlay/facts.fz",
        "--rules",
        "examples/overlay/rules.fz",
        "--format",
        "json",
    ]);
    assert_eq!(scored.code, 0, "{}", scored.stderr);
    assert!(scored.stdout.contains("\"id\": \"village_legal_advisers\""));
    assert!(!scored.stdout.contains("\"id\": \"mediation_success_rate\""));
}

#[test]
fn the_default_rule_set_is_lint_clean() {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    assert!(ruleset.is_some());
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.is_empty(), "{codes:?}");
}

fn position(ruleset: &fazhi::check::RuleSet, id: &str) -> (usize, usize) {
    ruleset
        .sections
        .iter()
        .enumerate()
        .find_map(|(si, s)| {
            s.rules
                .iter()
                .position(|r| r.id.name == id)
                .map(|ri| (si, ri))
        })
        .unwrap()
}

#[test]
fn detail_shows_each_rule_in_its_own_file() {
    let out = run(&[
        "score",
        "reports-fixtures/wuhan-jiangxia-2024.txt",
        "--rules",
        "examples/overlay",
        "--detail",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(text.contains("[examples/overlay/rules.fz:"), "{text}");
    assert!(text.contains("[rules/17-disputes.fz:"), "{text}");
}
