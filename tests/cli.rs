//! End-to-end tests of the command line through one builder: in-process through
//! `fazhi::cli::run` (fast, and what most cases use), or through the real binary to check `main`'s
//! wiring of streams and exit codes.

// Tests fail by panicking; the crate-wide lints against it are for user-facing code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURES: [&str; 5] = [
    "chenzhou-2024",
    "guangzhou-conghua-justice-bureau-2024",
    "shijiazhuang-xinhua-2024",
    "wuhan-jiangxia-2024",
    "xiamen-huli-2024",
];

/// One command line to run, and what it must do.
struct Test {
    args: Vec<String>,
    binary: bool,
    code: Option<u8>,
    stdout_has: Vec<String>,
    stderr_has: Vec<String>,
}

/// What a run produced.
struct Ran {
    stdout: String,
    stderr: String,
    code: u8,
}

impl Test {
    fn new(args: &[&str]) -> Test {
        Test {
            args: args.iter().map(|a| a.to_string()).collect(),
            binary: false,
            code: None,
            stdout_has: Vec::new(),
            stderr_has: Vec::new(),
        }
    }

    fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Test {
        self.args.push(arg.as_ref().to_string_lossy().into_owned());
        self
    }

    /// Runs the built binary instead of calling `fazhi::cli::run`.
    fn binary(mut self) -> Test {
        self.binary = true;
        self
    }

    fn code(mut self, code: u8) -> Test {
        self.code = Some(code);
        self
    }

    fn stdout_has(mut self, text: &str) -> Test {
        self.stdout_has.push(text.to_string());
        self
    }

    fn stderr_has(mut self, text: &str) -> Test {
        self.stderr_has.push(text.to_string());
        self
    }

    fn run(self) -> Ran {
        let ran = if self.binary {
            let out = Command::new(env!("CARGO_BIN_EXE_fazhi"))
                .args(&self.args)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("NO_COLOR", "1")
                .output()
                .unwrap_or_else(|e| panic!("cannot run fazhi: {e}"));
            Ran {
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                code: out
                    .status
                    .code()
                    .and_then(|c| u8::try_from(c).ok())
                    .unwrap_or(255),
            }
        } else {
            let mut args = vec!["fazhi".to_string()];
            args.extend(self.args.iter().cloned());
            let out = fazhi::cli::run(args, false);
            Ran {
                stdout: out.stdout,
                stderr: out.stderr,
                code: out.code,
            }
        };
        let shown = || {
            format!(
                "$ fazhi {}\n--- exit {}\n--- stdout\n{}\n--- stderr\n{}",
                self.args.join(" "),
                ran.code,
                ran.stdout,
                ran.stderr
            )
        };
        if let Some(code) = self.code {
            assert_eq!(ran.code, code, "{}", shown());
        }
        for text in &self.stdout_has {
            assert!(
                ran.stdout.contains(text.as_str()),
                "stdout lacks {text:?}\n{}",
                shown()
            );
        }
        for text in &self.stderr_has {
            assert!(
                ran.stderr.contains(text.as_str()),
                "stderr lacks {text:?}\n{}",
                shown()
            );
        }
        ran
    }
}

fn fixture(name: &str) -> String {
    format!("reports-fixtures/{name}")
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn write(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

/// The number in `总分 N / 100`.
fn total_of(human: &str) -> String {
    let line = human
        .lines()
        .find(|l| l.starts_with("总分 "))
        .unwrap_or_else(|| panic!("no 总分 line:\n{human}"));
    line.split_whitespace().nth(1).unwrap_or("").to_string()
}

#[test]
fn check_embedded_rules() {
    let ran = Test::new(&["check"]).code(0).stdout_has("通过：").run();
    assert!(
        ran.stdout.starts_with("通过：14 个文件，"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.trim_end().ends_with("0 个警告"),
        "{}",
        ran.stdout
    );
    assert_eq!(ran.stderr, "");
}

#[test]
fn check_reports_every_error_and_exits_1() {
    let ran = Test::new(&["check", "tests/check/many_errors_in_one_file.fz"])
        .code(1)
        .stdout_has("6 个错误，0 个警告")
        .run();
    for code in [
        "fazhi::check::missing-entry",
        "fazhi::check::type-mismatch",
        "fazhi::check::unknown-fact",
        "fazhi::check::duplicate-id",
        "fazhi::check::weights",
        "fazhi::check::unknown-rule",
    ] {
        assert!(
            ran.stderr.contains(code),
            "stderr lacks {code}:\n{}",
            ran.stderr
        );
    }
    assert_eq!(ran.stderr.matches("  × ").count(), 6, "{}", ran.stderr);
}

#[test]
fn check_of_a_missing_path_is_an_input_error() {
    Test::new(&["check", "tests/check/no_such_file.fz"])
        .code(2)
        .stderr_has("fazhi::cli::io")
        .run();
}

#[test]
fn test_embedded_rules_pass() {
    let ran = Test::new(&["test"]).code(0).run();
    let last = ran.stdout.lines().last().unwrap_or("");
    let passed: usize = last
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert_eq!(last, format!("{passed} 个通过，0 个失败"));
    assert!(passed > 0);
    assert_eq!(ran.stdout.matches(" … 通过\n").count(), passed);
}

#[test]
fn test_with_a_failing_test_exits_1() {
    let dir = temp_dir();
    let rules = "ruleset t { total 10 grade \"合格\" >= 6 grade \"不合格\" >= 0 }\n\
        fact court_appearance_rate percent \"出庭应诉率\"\n\
        section s \"七、纠纷化解\" weight 10 {\n\
            rule court \"出庭应诉率100%\" { cite \"纲要\" local  points 4  require court_appearance_rate >= 100%  partial linear court_appearance_rate from 80% to 100% }\n\
        }\n\
        test \"95%得3分\" { given { court_appearance_rate = 95% } expect court partial 3 }\n\
        test \"95%得满分(错)\" { given { court_appearance_rate = 95% } expect court pass 4 }\n";
    write(dir.path(), "rules.fz", rules.as_bytes());
    let ran = Test::new(&["test"])
        .arg(dir.path())
        .code(1)
        .stdout_has("测试 95%得3分 … 通过")
        .stdout_has("测试 95%得满分(错) … 失败")
        .run();
    assert!(
        ran.stdout
            .contains("`court`：期望 `pass`，实际为 `partial`"),
        "{}",
        ran.stdout
    );
    assert_eq!(ran.stdout.lines().last(), Some("1 个通过，1 个失败"));
}

#[test]
fn test_coverage_lists_thin_rules() {
    let ran = Test::new(&["test", "--coverage"])
        .code(0)
        .stdout_has("覆盖：")
        .run();
    let line = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("覆盖："))
        .unwrap_or("");
    let n: usize = line
        .trim_start_matches("覆盖：")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    assert_eq!(
        ran.stderr.matches("fazhi::check::coverage").count(),
        n,
        "{line}\n{}",
        ran.stderr
    );
    assert!(ran
        .stdout
        .lines()
        .last()
        .unwrap_or("")
        .ends_with(" 个通过，0 个失败"));
    // A rule set with one test on its one rule: exactly that rule is listed.
    let ran = Test::new(&["test", "--coverage", "tests/check/clean.fz"])
        .code(0)
        .stdout_has("覆盖：2 条规则的测试少于两个")
        .run();
    assert!(
        ran.stderr
            .contains("规则 `court_appearance` 只被 1 个测试检验"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("规则 `published` 只被 0 个测试检验"),
        "{}",
        ran.stderr
    );
}

#[test]
fn explain_a_rule() {
    Test::new(&["explain", "court_appearance"])
        .code(0)
        .stdout_has("court_appearance  行政机关负责人出庭应诉率达到100%")
        .stdout_has("依据：《行政诉讼法》第三条第三款；地方考核惯例（出庭应诉率100%）（计分标准为地方考核惯例，非法定要求）")
        .stdout_has("读取的事实：")
        .stdout_has("court_appearance_rate")
        .stdout_has("admin_litigation_cases")
        .run();
}

#[test]
fn explain_an_unknown_rule_suggests_one() {
    let ran = Test::new(&["explain", "court_apearance"])
        .code(2)
        .stderr_has("fazhi::cli::usage")
        .stderr_has("是否想查 `court_appearance`？")
        .run();
    assert_eq!(ran.stdout, "");
}

#[test]
fn score_every_fixture_facts_file() {
    for name in FIXTURES {
        let ran = Test::new(&["score"])
            .arg(fixture(&format!("{name}.facts.toml")))
            .code(0)
            .stdout_has("总分 ")
            .stdout_has("等级 ")
            .run();
        let line = ran
            .stdout
            .lines()
            .find(|l| l.starts_with("总分 "))
            .unwrap_or("");
        let grade = line.rsplit("等级 ").next().unwrap_or("");
        assert!(
            ["优秀", "良好", "合格", "不合格"].contains(&grade),
            "{name}: {line}"
        );
        let total: f64 = total_of(&ran.stdout).parse().unwrap_or(-1.0);
        assert!((0.0..=100.0).contains(&total), "{name}: {line}");
        assert_eq!(ran.stderr, "", "{name}");
    }
}

#[test]
fn json_output_parses_and_is_byte_identical_across_runs() {
    for name in FIXTURES {
        let path = fixture(&format!("{name}.facts.toml"));
        let first = Test::new(&["score", "--format", "json"])
            .arg(&path)
            .code(0)
            .run();
        let second = Test::new(&["score", "--format", "json"])
            .arg(&path)
            .code(0)
            .run();
        assert_eq!(first.stdout, second.stdout, "{name}");
        let json: serde_json::Value =
            serde_json::from_str(&first.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(json["total"].is_string(), "{name}: {}", json["total"]);
        assert!(json["grade"].is_string(), "{name}");
        if name == "wuhan-jiangxia-2024" {
            // The human and JSON totals agree.
            let human = Test::new(&["score"]).arg(&path).run();
            assert_eq!(
                json["total"].as_str(),
                Some(total_of(&human.stdout).as_str()),
                "{name}"
            );
        }
    }
}

#[test]
fn fail_under_exits_1() {
    let path = fixture("wuhan-jiangxia-2024.facts.toml");
    Test::new(&["score", "--fail-under", "99"])
        .arg(&path)
        .code(1)
        .stderr_has("低于 --fail-under 99")
        .run();
    Test::new(&["score", "--fail-under", "0"])
        .arg(&path)
        .code(0)
        .run();
}

#[test]
fn missing_input_is_a_read_io_error() {
    let ran = Test::new(&["score", "reports-fixtures/no-such-report.txt"])
        .code(2)
        .stderr_has("fazhi::read::io")
        .stderr_has("no-such-report.txt")
        .run();
    assert_eq!(ran.stdout, "");
}

#[test]
fn empty_and_binary_inputs_exit_2_with_their_codes() {
    let dir = temp_dir();
    let empty = write(dir.path(), "empty.txt", b"");
    Test::new(&["score"])
        .arg(&empty)
        .code(2)
        .stderr_has("fazhi::read::empty")
        .run();
    let mut bytes = b"\x7fELF\x02\x01\x01\x00".to_vec();
    bytes.extend((0u8..=255).cycle().take(4096));
    let binary = write(dir.path(), "report.txt", &bytes);
    Test::new(&["score"])
        .arg(&binary)
        .code(2)
        .stderr_has("fazhi::read::binary")
        .run();
    let blank = write(dir.path(), "blank.txt", "  \n\u{3000}\n".as_bytes());
    Test::new(&["score"])
        .arg(&blank)
        .code(2)
        .stderr_has("fazhi::read::empty")
        .run();
}

#[test]
fn extract_gives_values_with_spans_into_the_original_file() {
    let path = fixture("wuhan-jiangxia-2024.txt");
    let ran = Test::new(&["extract"]).arg(&path).code(0).run();
    let json: serde_json::Value =
        serde_json::from_str(&ran.stdout).unwrap_or_else(|e| panic!("{e}\n{}", ran.stdout));
    let fact = &json["facts"]["court_appearance_rate"];
    assert_eq!(fact["value"], "100");
    let original = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&path))
        .unwrap_or_else(|e| panic!("{e}"));
    let span: Vec<usize> = fact["span"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_u64())
                .map(|v| v as usize)
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(span.len(), 2, "{fact}");
    let quote = fact["quote"].as_str().unwrap_or("");
    assert_eq!(original.get(span[0]..span[1]), Some(quote));
    assert!(quote.contains("100%"), "{quote}");
    // Every fact's span slices the file to its quote.
    for (id, fact) in json["facts"].as_object().into_iter().flatten() {
        let (Some(start), Some(end)) = (fact["span"][0].as_u64(), fact["span"][1].as_u64()) else {
            continue;
        };
        assert_eq!(
            original.get(start as usize..end as usize),
            fact["quote"].as_str(),
            "{id}"
        );
    }
}

#[test]
fn extracted_toml_scores_back_through_facts() {
    let dir = temp_dir();
    let report = fixture("wuhan-jiangxia-2024.txt");
    let toml = Test::new(&["extract", "--format", "toml"])
        .arg(&report)
        .code(0)
        .run()
        .stdout;
    assert!(toml.contains("[facts.court_appearance_rate]"), "{toml}");
    let facts = write(dir.path(), "jiangxia.facts.toml", toml.as_bytes());
    let with_facts = Test::new(&["score"])
        .arg(&report)
        .arg("--facts")
        .arg(&facts)
        .code(0)
        .stdout_has("总分 ")
        .run();
    let alone = Test::new(&["score"]).arg(&report).code(0).run();
    // The extracted facts fed back in change nothing.
    assert_eq!(total_of(&with_facts.stdout), total_of(&alone.stdout));
}

#[test]
fn a_hand_correction_changes_the_score_and_says_so() {
    let dir = temp_dir();
    let report = fixture("wuhan-jiangxia-2024.txt");
    let before = Test::new(&["score", "-v"]).arg(&report).code(0).run();
    let corrections = write(
        dir.path(),
        "corrections.toml",
        "# 核对后改正\n[facts.court_appearance_rate]\nvalue = \"90\"\n".as_bytes(),
    );
    let after = Test::new(&["score", "-v"])
        .arg(&report)
        .arg("--facts")
        .arg(&corrections)
        .code(0)
        .stdout_has("人工录入")
        .run();
    assert!(!before.stdout.contains("人工录入"));
    let (b, a): (f64, f64) = (
        total_of(&before.stdout).parse().unwrap_or(0.0),
        total_of(&after.stdout).parse().unwrap_or(0.0),
    );
    assert!(
        a < b,
        "90% instead of 100% must lower the total: {b} -> {a}"
    );
}

#[test]
fn a_bad_correction_file_is_an_input_error() {
    let dir = temp_dir();
    let corrections = write(
        dir.path(),
        "corrections.toml",
        b"[facts.court_appearance_rate]\nvalue = \"1O0%\"\n",
    );
    Test::new(&["score"])
        .arg(fixture("wuhan-jiangxia-2024.txt"))
        .arg("--facts")
        .arg(&corrections)
        .code(2)
        .stderr_has("fazhi::facts::bad-value")
        .run();
}

#[test]
fn color_never_has_no_escapes_and_always_has_them() {
    let path = fixture("wuhan-jiangxia-2024.facts.toml");
    let never = Test::new(&["score", "--color", "never"])
        .arg(&path)
        .code(0)
        .run();
    assert!(!never.stdout.contains('\u{1b}') && !never.stderr.contains('\u{1b}'));
    let errors = Test::new(&[
        "--color",
        "never",
        "check",
        "tests/check/many_errors_in_one_file.fz",
    ])
    .code(1)
    .run();
    assert!(!errors.stderr.contains('\u{1b}'));
    let always = Test::new(&[
        "--color",
        "always",
        "check",
        "tests/check/many_errors_in_one_file.fz",
    ])
    .code(1)
    .run();
    assert!(
        always.stderr.contains('\u{1b}'),
        "--color always colours diagnostics"
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    Test::new(&["frobnicate"])
        .code(2)
        .stderr_has("未知的命令 `frobnicate`")
        .run();
    Test::new(&["score"]).code(2).run();
    Test::new(&["--help"]).code(0).stdout_has("用法：").run();
}

// ------------------------------------------------------------------ the real binary

#[test]
fn binary_check_and_score() {
    Test::new(&["check"])
        .binary()
        .code(0)
        .stdout_has("通过：")
        .run();
    Test::new(&["score"])
        .arg(fixture("xiamen-huli-2024.facts.toml"))
        .binary()
        .code(0)
        .stdout_has("总分 ")
        .run();
}

#[test]
fn binary_exit_codes_and_streams() {
    let ran = Test::new(&["check", "tests/check/many_errors_in_one_file.fz"])
        .binary()
        .code(1)
        .stderr_has("fazhi::check::weights")
        .run();
    assert!(!ran.stderr.contains('\u{1b}'), "NO_COLOR is honoured");
    Test::new(&["score", "reports-fixtures/no-such-report.txt"])
        .binary()
        .code(2)
        .stderr_has("fazhi::read::io")
        .run();
    Test::new(&["score", "--fail-under", "99"])
        .arg(fixture("wuhan-jiangxia-2024.facts.toml"))
        .binary()
        .code(1)
        .run();
    Test::new(&["explain", "court_apearance"])
        .binary()
        .code(2)
        .stderr_has("是否想查")
        .run();
}
