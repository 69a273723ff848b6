//! Every message a user reads is in Chinese (issue 11): the diagnostics of `fazhi check` on every
//! case in `tests/check/`, of `score`, `extract`, `verify` and `test` on hostile and malformed
//! input, the commands' summary lines, and `--help` of every command. Codes, identifiers in
//! backticks, quotes from the user's files, paths and the DSL's keywords may stay in ASCII; an
//! English word anywhere else fails the test.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn run(args: &[&str]) -> fazhi::cli::Output {
    let mut all = vec!["fazhi"];
    all.extend_from_slice(args);
    fazhi::cli::run(all, false)
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

fn arg(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 temp path"))
}

/// Words that are not English prose: names of formats, encodings, products and units.
const ALLOWED: &[&str] = &[
    "URL", "JSON", "CSV", "HTML", "TOML", "UTF", "GB18030", "docx", "txt", "htm", "html", "xlsx",
    "toml", "json", "csv", "md", "SARIF", "Excel", "Markdown", "MiB", "KiB", "YYYY", "MM", "DD",
    "SHA", "NO_COLOR", "TERM", "dumb", "Ctrl", "Word", "WPS", "PDF", "doc", "zip", "XML", "BOM",
    "fazhi", "shell", "sha256", "id", "ASCII", "true", "false", "null", "Patterns", "LSP",
];

/// The commands, named in usage lines and the command list: allowed in messages, and each one's
/// `--help` is checked.
const COMMANDS: &[&str] = &[
    "score",
    "extract",
    "check",
    "test",
    "explain",
    "verify",
    "serve",
    "compare",
    "fmt",
    "lsp",
    "completions",
];

/// The English words left in `text` once codes, backticked and quoted spans, paths and options
/// are taken out.
fn english_words(text: &str, also_allowed: &[String]) -> Vec<String> {
    let mut rest = String::new();
    let mut chars = text.chars().peekable();
    // Drop `code`, 「quote」, “quote” and "quote" spans.
    while let Some(c) = chars.next() {
        let close = match c {
            '`' => Some('`'),
            '「' => Some('」'),
            '“' => Some('”'),
            '"' => Some('"'),
            '《' => Some('》'),
            _ => None,
        };
        match close {
            Some(close) => {
                for d in chars.by_ref() {
                    if d == close {
                        break;
                    }
                }
                rest.push(' ');
            }
            None => rest.push(c),
        }
    }
    rest.split(|c: char| c.is_whitespace() || "，。：；（）、？！,;()[]<>=".contains(c))
        // Codes, paths, options, file names, addresses and keyword-like ids.
        .filter(|token| {
            !(token.starts_with("fazhi::")
                || token.starts_with('-')
                || token.contains('/')
                || token.contains('.')
                || token.contains('_')
                || token.contains(':'))
        })
        .flat_map(|token| {
            token
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 3)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|w| {
            !ALLOWED
                .iter()
                .chain(COMMANDS)
                .any(|a| a.eq_ignore_ascii_case(w))
                && !also_allowed.iter().any(|a| a == w)
                && !w.chars().any(|c| c.is_ascii_digit())
        })
        .collect()
}

/// The lines of rendered diagnostics that are fazhi's own words: messages (with their wrapped
/// continuation), labels, help (with its continuation) and the headers of related diagnostics;
/// never the quoted source lines.
fn own_lines(rendered: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_help = false;
    let mut in_message = false;
    for line in rendered.lines() {
        let trimmed = line.trim_start();
        if let Some(help) = trimmed.strip_prefix("help:") {
            in_help = true;
            in_message = false;
            lines.push(help.to_string());
            continue;
        }
        if in_help && line.starts_with("        ") && !trimmed.starts_with(['│', '·', '╭', '╰'])
        {
            lines.push(trimmed.to_string());
            continue;
        }
        in_help = false;
        if let Some(message) = trimmed.strip_prefix(['×', '⚠', '☞']) {
            in_message = true;
            lines.push(message.to_string());
        } else if in_message && line.starts_with("  │ ") {
            lines.push(trimmed.trim_start_matches('│').to_string());
        } else if let Some(at) = line.find("╰── ").or_else(|| line.find("├── ")) {
            in_message = false;
            lines.push(line[at + "╰── ".len()..].to_string());
        } else {
            in_message = false;
            if let Some(header) = ["错误：", "警告：", "提示："]
                .iter()
                .find_map(|p| line.strip_prefix(p))
            {
                lines.push(header.to_string());
            }
        }
    }
    lines
}

/// Asserts that `lines` hold no English words, naming `what` and the offending line.
fn assert_chinese(what: &str, lines: &[String], also_allowed: &[String]) {
    let bad: Vec<String> = lines
        .iter()
        .filter_map(|line| {
            let words = english_words(line, also_allowed);
            (!words.is_empty()).then(|| format!("{line:?}: {words:?}"))
        })
        .collect();
    assert!(bad.is_empty(), "{what} has English:\n{}", bad.join("\n"));
}

/// The diagnostics and summary lines of one run (stdout only for commands whose stdout is fazhi's
/// own words, not a report's).
fn assert_run_chinese(args: &[&str], stdout_is_own: bool) -> fazhi::cli::Output {
    let out = run(args);
    let what = format!("fazhi {}", args.join(" "));
    let mut lines = own_lines(&out.stderr);
    lines.extend(own_lines(&out.stdout));
    if stdout_is_own {
        lines.extend(
            out.stdout
                .lines()
                .filter(|l| !l.starts_with([' ', '╭', '╰']) || l.starts_with("    "))
                .filter(|l| !l.trim_start().starts_with(['×', '⚠', '☞', '·', '│']))
                .map(str::to_string),
        );
    }
    assert_chinese(&what, &lines, &[]);
    out
}

#[test]
fn the_english_detector_finds_english_and_passes_identifiers() {
    let none: &[String] = &[];
    assert_eq!(
        english_words("unknown fact `court_apearance_rate`", none),
        ["unknown", "fact"]
    );
    assert!(english_words("未声明的事实 `court_apearance_rate`", none).is_empty());
    assert!(english_words("你是不是想写 `mediation_cases`？", none).is_empty());
    assert!(english_words("无法读取 `/tmp/a b.txt`：文件或目录不存在", none).is_empty());
    assert!(english_words("把文件另存为 UTF-8 编码（.docx、GB18030）", none).is_empty());
    assert_eq!(
        english_words(
            "不能在 8.8.8.8:1 上监听：Cannot assign requested address",
            none
        ),
        ["Cannot", "assign", "requested", "address"]
    );
    let lines = own_lines(
        "fazhi::check::unknown-fact\n\n  × 未声明的事实 `x`\n   ╭─[a.fz:1:1]\n 1 │ require x >= 1\n   · ┬\n   · ╰── not declared\n   ╰────\n  help: did you mean\n        `y`?\n",
    );
    assert_eq!(
        lines,
        [" 未声明的事实 `x`", "not declared", " did you mean", "`y`?"]
    );
}

#[test]
fn every_check_case_is_reported_in_chinese() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() > 30, "{cases:?}");
    let mut diagnostics = 0;
    for case in &cases {
        let out = assert_run_chinese(&["check", arg(case)], true);
        diagnostics +=
            out.stdout.matches("fazhi::").count() + out.stderr.matches("fazhi::").count();
    }
    assert!(diagnostics > 40, "only {diagnostics} diagnostics");
    // And as the checker sees them, label by label, without the rendering in between.
    for case in &cases {
        let sources = fazhi::rules::from_path(case).unwrap();
        for diag in fazhi::check::load(sources).1 {
            let mut lines = vec![diag.message.clone()];
            lines.extend(diag.help.clone());
            lines.extend(
                miette::Diagnostic::labels(&diag)
                    .into_iter()
                    .flatten()
                    .filter_map(|l| l.label().map(str::to_string)),
            );
            assert_chinese(&case.display().to_string(), &lines, &[]);
        }
    }
}

#[test]
fn coverage_and_test_failures_are_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "ruleset t { total 10 grade \"合格\" >= 6 grade \"不合格\" >= 0 }\n\
        fact court_appearance_rate percent \"出庭应诉率\"\n\
        section s \"七、纠纷化解\" weight 10 {\n\
            rule court \"出庭应诉率100%\" { cite \"纲要\" local  points 4  require court_appearance_rate >= 100%  partial linear court_appearance_rate from 80% to 100% }\n\
        }\n\
        test \"总分\" { given { court_appearance_rate = 95% } expect total 9 expect grade \"合格\" }\n\
        test \"满分\" { given { court_appearance_rate = 95% } expect court pass 4 }\n";
    let path = write(dir.path(), "rules.fz", rules);
    let out = assert_run_chinese(&["test", "--coverage", arg(&path)], true);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("期望总分 9"), "{}", out.stdout);
    assert!(
        out.stdout.contains("`court`：期望 `pass`"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("只被 1 个测试检验") || out.stdout.contains("只被 1 个测试检验"));
}

#[test]
fn hostile_and_malformed_inputs_are_reported_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let head = "某区2024年法治政府建设情况报告\n一、主要工作\n";
    let inputs = [
        write(d, "empty.txt", ""),
        write(d, "binary.txt", [0u8, 1, 2, 3, 0, 0, 159, 146, 150, 0]),
        write(d, "hello.txt", "hello\n"),
        write(d, "bad.docx", b"PK\x03\x04 not really a zip"),
        write(
            d,
            "bad-encoding.txt",
            [0xffu8, 0xfe, 0xfd, 0x81, 0x30, 0xff, 0xff],
        ),
        write(
            d,
            "short.txt",
            format!("{head}全年办理行政复议案件12件。\n"),
        ),
        write(
            d,
            "other-kind.txt",
            "某区2024年政府信息公开工作年度报告\n一、总体情况\n".repeat(40),
        ),
        d.join("missing.txt"),
    ];
    for input in &inputs {
        assert_run_chinese(&["score", arg(input)], false);
        assert_run_chinese(&["extract", arg(input)], false);
    }
    let facts = [
        write(d, "syntax.toml", "[facts\nvalue = 1\n"),
        write(
            d,
            "duplicate.toml",
            "[facts.court_appearance_rate]\nvalue = \"100\"\n[facts.court_appearance_rate]\nvalue = \"99\"\n",
        ),
        write(
            d,
            "values.toml",
            "[report]\nyear = 1800\n\
             [facts.court_appearance_rate]\nvalue = \"1O0%\"\n\
             [facts.admin_litigation_cases]\nvalue = -3\n\
             [facts.disclosure_response_rate]\nvalue = 130\n\
             [facts.mediation_casse]\nvalue = \"3698\"\n\
             [facts.legal_aid_cases]\nvalue = \"12.5\"\nsurplus = 1\n\
             [facts.published_on]\nvalue = \"2025-02-30\"\n\
             [facts.mediation_cases]\nvalue = \"3998\"\nqualifier = \"roughly\"\n\
             [facts.officials_law_report]\nvalue = \"yes\"\n\
             [facts.report_year]\nvalue = [2024]\nspan = [9, 1]\n",
        ),
        write(d, "syntax.json", "{\"facts\": {\"x\": }"),
        write(d, "trailing.json", "{\"facts\": {},}"),
        write(d, "shape.json", "[1, 2]"),
        write(
            d,
            "quote.toml",
            format!(
                "[report]\nfile = \"{}\"\n[facts.court_appearance_rate]\nvalue = \"100\"\nquote = \"不在报告中的话\"\n",
                arg(&inputs[5])
            ),
        ),
    ];
    for file in &facts {
        assert_run_chinese(&["score", arg(file)], false);
    }
    // A saved result that no longer matches, and one that is not JSON at all.
    let report =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("reports-fixtures/wuhan-jiangxia-2024.txt");
    let saved = run(&["score", arg(&report), "--format", "json"]).stdout;
    let changed = saved.replacen("\"total\": \"", "\"total\": \"1", 1);
    let saved_path = write(d, "saved.json", changed);
    let out = assert_run_chinese(&["verify", arg(&saved_path), arg(&report)], true);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_run_chinese(&["verify", arg(&inputs[2]), arg(&report)], true);
    // Usage mistakes and an unknown rule.
    for args in [
        &["scor"][..],
        &["score", "--bogus"],
        &["score", arg(&report), "--format", "nope"],
        &["explain", "court_apearance_rate"],
        &["check", arg(&d.join("missing.fz"))],
        &["check", arg(&inputs[2])],
    ] {
        assert_run_chinese(args, true);
    }
}

#[test]
fn every_command_help_is_in_chinese() {
    let commands: Vec<&str> = std::iter::once("")
        .chain(COMMANDS.iter().copied())
        .collect();
    let root = run(&["--help"]);
    for listed in root
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("命令"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
    {
        assert!(commands.contains(&listed), "`{listed}` has no help test");
    }
    for command in commands {
        let args: Vec<&str> = [command, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let out = run(&args);
        assert_eq!(out.code, 0, "{command}: {}", out.stderr);
        assert!(out.stdout.contains("用法："), "{command}:\n{}", out.stdout);
        // The values an option takes are names, listed as `- name:` and `[默认：name]`.
        let values: Vec<String> = out
            .stdout
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- "))
            .filter_map(|l| l.split(':').next())
            .chain(
                out.stdout
                    .split(['[', ']'])
                    .filter_map(|s| {
                        s.strip_prefix("默认：")
                            .or_else(|| s.strip_prefix("可选值："))
                    })
                    .flat_map(|s| s.split([',', ' ', '、'])),
            )
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let lines: Vec<String> = out.stdout.lines().map(str::to_string).collect();
        assert_chinese(&format!("fazhi {command} --help"), &lines, &values);
    }
}
