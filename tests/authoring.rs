//! Rule authors' tools: pattern examples, `fazhi extract --text`, readable test failures
//! (locations, the rules that fell short of a total, `-q`), traces of the evaluation, and the
//! coverage of behaviour. Each test runs the command line in-process through one helper.

// Tests fail by panicking; the crate-wide lints against it are for user-facing code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// A rule set with a fact whose examples hold but one, a rule with tiers, and tests one of which
/// expects a wrong total.
const RULES: &str = r#"ruleset t {
    title "测试规则"
    total 10
    grade "合格" >= 6
    grade "不合格" >= 0
}

fact court_appearance_rate percent "行政机关负责人出庭应诉率" {
    pattern "出庭应诉率{verb}{percent}"
    pattern "{percent}的?负责人出庭应诉"
    example "全年行政机关负责人出庭应诉率100%。" => 100%
    example "出庭应诉率由2023年的85%提升至98%。" => 85%
    counterexample "主要负责人出庭应诉率较去年同期提升15%。"
}
fact lectures count "法治讲座期数"

section s "七、纠纷化解" weight 10 {
    rule court "出庭应诉率100%" {
        cite "纲要" local
        points 4
        require court_appearance_rate >= 100%
        partial tiers {
            court_appearance_rate >= 90% => 3
            court_appearance_rate >= 80% => 2
        }
    }
    rule lecture "法治讲座" {
        cite "纲要" local
        points 6
        require lectures >= 2
    }
}

test "出庭应诉率95%得3分" {
    given { court_appearance_rate = 95%  lectures = 2 }
    expect court partial 3
}
test "总分写错了" {
    given { court_appearance_rate = 95%  lectures = 2 }
    expect total 10
}
"#;

struct Ran {
    stdout: String,
    stderr: String,
    code: u8,
}

fn fazhi(args: &[&str]) -> Ran {
    let mut all = vec!["fazhi".to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    let out = fazhi::cli::run(all, false);
    Ran {
        stdout: out.stdout,
        stderr: out.stderr,
        code: out.code,
    }
}

/// The rule set above (or `text`) in a fresh directory; the directory lives as long as the guard.
fn rules_dir(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.fz");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_failing_example_is_a_check_error_on_its_sentence_with_what_was_read() {
    let (_dir, path) = rules_dir(RULES);
    let ran = fazhi(&["check", arg(&path)]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("fazhi::check::example"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("`court_appearance_rate` 的例句读出 `98%`，而不是 `85%`"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("模式读出 `98%`（读自「出庭应诉率由2023年的85%提升至98%」）"),
        "{}",
        ran.stderr
    );
    let line = line_of(RULES, "=> 85%");
    assert!(
        ran.stderr.contains(&format!("rules.fz:{line}:13]")),
        "{}",
        ran.stderr
    );
    // Exactly one: the other example and the counterexample hold.
    assert_eq!(ran.stderr.matches("fazhi::check::example").count(), 1);
}

#[test]
fn examples_are_tests_with_their_location() {
    let (_dir, path) = rules_dir(&RULES.replace("=> 85%", "=> 98%"));
    let ran = fazhi(&["test", arg(&path)]);
    assert!(ran.stdout.contains(
        "测试 例句 `court_appearance_rate`：「全年行政机关负责人出庭应诉率100%。」 … 通过"
    ));
    assert!(ran.stdout.contains(
        "测试 反例 `court_appearance_rate`：「主要负责人出庭应诉率较去年同期提升15%。」 … 通过"
    ));
    // Each example's test is located at its clause.
    let ruleset = fazhi::check::load(vec![fazhi::diagnostic::Source::new(
        "rules.fz",
        RULES.replace("=> 85%", "=> 98%"),
    )])
    .0
    .unwrap();
    let runs = fazhi::examples::run(&ruleset);
    assert!(runs.iter().all(|r| r.passed()));
    let test = runs[1].as_test();
    assert_eq!(
        fazhi::testing::location(&ruleset, test.file, test.span),
        format!("rules.fz:{}:5", line_of(RULES, "=> 85%"))
    );
}

#[test]
fn quiet_test_prints_only_failures_and_the_summary() {
    let fixed = RULES.replace("=> 85%", "=> 98%");
    let (_dir, path) = rules_dir(&fixed);
    let ran = fazhi(&["test", "-q", arg(&path)]);
    assert_eq!(ran.code, 1);
    assert!(!ran.stdout.contains("… 通过"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("测试 总分写错了 … 失败"),
        "{}",
        ran.stdout
    );
    assert_eq!(ran.stdout.lines().last(), Some("4 个通过，1 个失败"));
    // Without -q every passing test is listed.
    let ran = fazhi(&["test", arg(&path)]);
    assert_eq!(ran.stdout.matches("… 通过").count(), 4, "{}", ran.stdout);
}

#[test]
fn a_failed_total_names_its_location_and_the_rules_that_fell_short() {
    let fixed = RULES.replace("=> 85%", "=> 98%");
    let (_dir, path) = rules_dir(&fixed);
    let ran = fazhi(&["test", arg(&path)]);
    let line = line_of(&fixed, "test \"总分写错了\"");
    let expected = format!(
        "测试 总分写错了 … 失败\n    位置：{}:{line}:6\n    期望总分 10.00，实际为 9.00\n      未得满分的规则（满分与实得）：\n        `court`：满分 4.00，实得 3.00（部分达标）\n",
        path.display()
    );
    assert!(ran.stdout.contains(&expected), "{}", ran.stdout);
    // The rule that earned its points is not listed.
    assert!(!ran.stdout.contains("`lecture`:满分"), "{}", ran.stdout);
}

#[test]
fn trace_shows_each_step_with_its_values() {
    let fixed = RULES.replace("=> 85%", "=> 98%");
    let (_dir, path) = rules_dir(&fixed);
    let ran = fazhi(&["test", "-q", arg(&path), "--trace", "出庭应诉率95%得3分"]);
    let line = line_of(&fixed, "rule court ");
    let expected = format!(
        "规则 court（{}:{line}:10）\n  1. 读取事实 `court_appearance_rate`（行政机关负责人出庭应诉率） → 95%\n  2. 要求 `court_appearance_rate >= 100%` → 不成立\n  3. 第 1 档（3 分） `court_appearance_rate >= 90%` → 成立\n",
        path.display()
    );
    assert!(ran.stdout.contains(&expected), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("证据等级 → 量化或明确表述"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("结果 → 部分达标:"), "{}", ran.stdout);
    // Only the rules the test expects something of.
    assert!(!ran.stdout.contains("规则 lecture"), "{}", ran.stdout);
    // An unknown test name is a usage error with the names to choose from.
    let ran = fazhi(&["test", arg(&path), "--trace", "没有这个测试"]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("fazhi::cli::usage"), "{}", ran.stderr);
}

#[test]
fn explain_with_facts_traces_the_rule_on_a_facts_file() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts.toml");
    std::fs::write(
        &facts,
        "[facts.court_appearance_rate]\nvalue = \"85\"\n[facts.admin_litigation_cases]\nvalue = \"12\"\n",
    )
    .unwrap();
    let ran = fazhi(&["explain", "court_appearance", "--facts", arg(&facts)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.starts_with("court_appearance "),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("读取事实 `court_appearance_rate`（行政机关负责人出庭应诉率） → 85%"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("要求 `court_appearance_rate >= 100%` → 不成立"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("结果 → 部分达标"), "{}", ran.stdout);
}

#[test]
fn coverage_lists_outcomes_tiers_and_patterns_never_reached() {
    let fixed = RULES.replace("=> 85%", "=> 98%");
    let (_dir, path) = rules_dir(&fixed);
    let ran = fazhi(&["test", "--coverage", arg(&path)]);
    assert!(
        ran.stdout.contains(
            "  court：2 个测试；达到 部分达标；未达到 达标、未达标、无证据；档次 1/2，未达到 `court_appearance_rate >= 80% => 2`"
        ),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains(
            "  court_appearance_rate：例句 2 个，反例 1 个；模式 1/2 被例句用到，未用到 `{percent}的?负责人出庭应诉`"
        ),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains(
            "未达到：5 个规则结果，1 个档次；1 个模式没有例句用到，0 个有模式的事实没有例句"
        ),
        "{}",
        ran.stdout
    );
    let ran = fazhi(&["test", "--coverage", "--format", "json", arg(&path)]);
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["failed"], 1);
    let court = &json["coverage"]["rules"][0];
    assert_eq!(court["rule"], "court");
    assert_eq!(court["tiers"][0]["reached"], true);
    assert_eq!(court["tiers"][1]["reached"], false);
    assert_eq!(json["coverage"]["unreached"]["tiers"], 1);
    assert_eq!(json["tests"][1]["name"], "总分写错了");
    assert!(json["tests"][1]["location"]
        .as_str()
        .unwrap()
        .ends_with(":6"));
}

#[test]
fn extract_text_reads_one_sentence() {
    let ran = fazhi(&[
        "extract",
        "--text",
        "本年度行政机关负责人出庭应诉率达100%,行政复议纠错率为12.5%。",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout,
        "reconsideration_correction_rate（行政复议纠错率）= 12.5%\n    相符的原文：「纠错率为12.5%」（第 26 至 34 字）\n\
         court_appearance_rate（行政机关负责人出庭应诉率）= 100%\n    相符的原文：「负责人出庭应诉率达100%」（第 8 至 20 字）\n"
    );
    let ran = fazhi(&["extract", "--text", "出庭应诉率有待提高。"]);
    assert_eq!(ran.stdout, "这句话中没有读到任何事实\n");
    // An empty sentence is a usage error, not a panic or an empty listing.
    let ran = fazhi(&["extract", "--text", ""]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("fazhi::cli::usage"), "{}", ran.stderr);
    // A report and --text together are refused by the parser.
    let ran = fazhi(&["extract", "report.txt", "--text", "句子"]);
    assert_eq!(ran.code, 2);
}

#[test]
fn a_bare_alternation_is_flagged_with_how_to_write_a_or_b() {
    let text = RULES.replace("=> 85%", "=> 98%").replace(
        "\"{percent}的?负责人出庭应诉\"",
        "\"出庭应诉率|应诉率{verb}{percent}\"",
    );
    let (_dir, path) = rules_dir(&text);
    let ran = fazhi(&["check", arg(&path)]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr.contains("fazhi::check::ambiguous-pattern"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("`(a|b)` 表示“a 或 b”"),
        "{}",
        ran.stderr
    );
}

#[test]
fn the_default_rules_examples_all_hold() {
    let ran = fazhi(&["test", "-q"]);
    assert_eq!(ran.code, 0, "{}", ran.stdout);
    let examples = fazhi::check::load(fazhi::rules::embedded())
        .0
        .map(|rs| fazhi::examples::run(&rs))
        .unwrap();
    let (positive, counter): (Vec<_>, Vec<_>) = examples.iter().partition(|e| !e.counter);
    assert!(positive.len() >= 70, "{}", positive.len());
    assert!(counter.len() >= 8, "{}", counter.len());
    assert!(examples.iter().all(|e| e.passed()));
    // Most facts with patterns have an example.
    let ruleset = fazhi::check::load(fazhi::rules::embedded()).0.unwrap();
    let with_patterns = ruleset
        .facts
        .values()
        .filter(|d| !d.patterns.is_empty())
        .count();
    let with_examples = ruleset
        .facts
        .values()
        .filter(|d| d.examples.iter().any(|e| e.expected.is_some()))
        .count();
    assert!(
        with_examples * 10 >= with_patterns * 8,
        "{with_examples}/{with_patterns}"
    );
}
