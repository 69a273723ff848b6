//! Hostile input (issue 10): every case here once panicked, took quadratic time, flooded the
//! terminal or gave a wrong answer. Each test builds its input in memory and checks the command's
//! real output. Extraction's growth is checked by the work it counts (`Extraction::work`: twice
//! the input, twice the work), not by a clock; the checker's and the command line's cases keep a
//! wall-clock guard ten or more times what the fixed code needs in a debug build.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fazhi::cli::Output;

fn run(args: &[&str]) -> Output {
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

/// Runs `f`, asserting it takes less than `limit`.
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    assert!(took < limit, "{what} took {took:?} (limit {limit:?})");
    out
}

fn ruleset() -> fazhi::check::RuleSet {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    ruleset.unwrap_or_else(|| panic!("{diags:?}"))
}

const HEAD: &str = "某区2024年法治政府建设情况报告\n一、主要工作\n";

/// Extracts `body(n)` and `body(2n)` and asserts that the work (bytes examined, counted by
/// extraction) doubles with the input, not more: linear growth, checked without a clock. Returns
/// the larger input's extraction.
fn grows_linearly(n: usize, body: impl Fn(usize) -> String) -> fazhi::extract::Extraction {
    let ruleset = ruleset();
    let extract = |reps: usize| {
        let text = format!("{HEAD}{}", body(reps));
        let document = fazhi::read::read_bytes("t.txt", text.as_bytes()).unwrap();
        fazhi::extract::extract(&ruleset, &document)
    };
    let (once, twice) = (extract(n), extract(2 * n));
    assert!(once.work > 0);
    let ratio = twice.work as f64 / once.work as f64;
    assert!(
        (1.8..2.2).contains(&ratio),
        "work {} → {} for twice the input (×{ratio:.2})",
        once.work,
        twice.work
    );
    twice
}

/// The widest line of a rendering, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn a_diagnostic_past_column_65535_shows_a_window_instead_of_panicking() {
    let dir = tempfile::tempdir().unwrap();
    // A rule file whose only line puts the error at column 70,001.
    let rules = write(
        dir.path(),
        "long.fz",
        format!("{}rule x \"y\" {{ points 1 }}\n", " ".repeat(70_000)),
    );
    let out = run(&["check", arg(&rules)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("long.fz:1:70001"), "{}", out.stderr);
    assert!(widest(&out.stderr) < 200, "{}", out.stderr);
    // A one-line JSON facts file over 64 KB with a mistake at its end.
    let json = format!(
        "{{\"report\": {{\"issuer\": \"{}\"}}, \"facts\": {{\"court_appearance_rate\": {{\"value\": \"abc\"}}}}}}",
        "甲".repeat(70_000)
    );
    let facts = write(dir.path(), "long.json", &json);
    let out = run(&["score", arg(&facts)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`court_appearance_rate` 是百分比类事实"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("long.json:1:70"), "{}", out.stderr);
    assert!(widest(&out.stderr) < 200, "{}", out.stderr);
}

#[test]
fn a_label_on_a_long_line_of_a_facts_file_written_by_extract_is_windowed() {
    // `extract --format toml` quotes a report's long line; a wrong span then labels it.
    let dir = tempfile::tempdir().unwrap();
    let quote = "甲".repeat(30_000);
    let toml = format!(
        "[facts.court_appearance_rate]\nvalue = \"98\"\nquote = \"{quote}\"\nspan = [5, 1]\n"
    );
    let facts = write(dir.path(), "f.toml", toml);
    let out = run(&["score", arg(&facts)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("fazhi::facts::bad-span"),
        "{}",
        out.stderr
    );
    assert!(widest(&out.stderr) < 200, "{}", out.stderr);
}

#[test]
fn one_long_sentence_is_extracted_in_linear_time() {
    // Up to 240 KB without a `。`, two matches every 60 bytes: each match used to rescan the
    // sentence (6 s for 400 KB in a release build, minutes in a debug one).
    let extraction = grows_linearly(2_000, |reps| {
        format!(
            "{}。\n",
            "全区办理行政复议案件12件,出庭应诉率为98%,".repeat(reps)
        )
    });
    let rate = extraction
        .facts
        .get("court_appearance_rate")
        .map(|f| f.value.plain());
    assert_eq!(rate.as_deref(), Some("98"));
}

#[test]
fn statements_in_one_long_clause_are_quoted_within_a_window() {
    // Up to 460 KB in one clause (no comma, no full stop until the end), a statement every 57
    // bytes: each quote looked ahead to the clause's end, so extraction grew with the square of
    // the clause (10 s for 570 KB, 142 s for 2.3 MB in a release build; 0.5 s and 2.1 s now).
    let extraction = grows_linearly(4_000, |reps| {
        format!(
            "{}。\n",
            "主要负责人述法工作落实行政执法三项制度".repeat(reps)
        )
    });
    let quotes: Vec<usize> = extraction
        .facts
        .values
        .values()
        .filter_map(|f| f.evidence.as_ref())
        .chain(extraction.facts.mentions.values().map(|m| &m.evidence))
        .chain(extraction.facts.admissions.values())
        .map(|e| e.quote.len())
        .collect();
    assert!(!extraction.facts.mentions.is_empty());
    // The window is 1,500 bytes on each side of a statement.
    assert!(quotes.iter().all(|&len| len <= 3_100), "{quotes:?}");
}

#[test]
fn many_statements_of_one_fact_are_deduplicated_in_linear_time() {
    // Up to 120,000 candidates for one fact: the duplicate check compared each with all before
    // it (about 60 s in a debug build).
    let extraction = grows_linearly(60_000, |reps| "行政复议案件12件。\n".repeat(reps));
    let cases = extraction
        .facts
        .get("reconsideration_cases")
        .map(|f| f.value.plain());
    assert_eq!(cases.as_deref(), Some("12"));
}

#[test]
fn a_long_pattern_is_checked_quickly() {
    // The prefilter's automaton grew with the square of a literal's length: 4,000 characters
    // took 12 s in a release build.
    let pattern = "甲乙丙丁".repeat(2_000);
    let mut sources = fazhi::rules::embedded();
    sources.push(fazhi::diagnostic::Source::new(
        "99-long.fz",
        format!("fact long_pattern flag \"长\" {{\n    pattern \"{pattern}\"\n}}\n"),
    ));
    let (ruleset, diags) = within(Duration::from_secs(10), "check", || {
        fazhi::check::load(sources)
    });
    let ruleset = ruleset.unwrap_or_else(|| panic!("{diags:?}"));
    let text = format!("{HEAD}{pattern}。\n");
    let document = fazhi::read::read_bytes("p.txt", text.as_bytes()).unwrap();
    let extraction = fazhi::extract::extract(&ruleset, &document);
    assert!(extraction.facts.get("long_pattern").is_some());
}

#[test]
fn thousands_of_mistakes_in_one_file_show_fifty_and_a_count() {
    let dir = tempfile::tempdir().unwrap();
    // 8,000 unknown names in one template.
    let names: String = (0..8000).map(|i| format!("{{nope_{i}}}")).collect();
    let rules = format!(
        "ruleset t {{\n    title \"测试规则\"\n    total 10\n    grade \"合格\" >= 6\n    grade \"不合格\" >= 0\n}}\n\
         fact court_appearance_rate percent \"行政机关负责人出庭应诉率\"\n\
         section s \"七、纠纷化解\" weight 10 {{\n    rule court \"出庭应诉\" {{\n        cite \"纲要 七（二十三）\" local\n        points 10\n        require court_appearance_rate >= 100%\n        explain \"{names}\"\n    }}\n}}\n"
    );
    let path = write(dir.path(), "many.fz", rules);
    let out = within(Duration::from_secs(20), "check", || {
        run(&["check", arg(&path)])
    });
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.matches("fazhi::check::template").count(),
        50,
        "{}",
        &out.stderr[..2000]
    );
    assert!(
        out.stderr.contains("还有7950条诊断未显示"),
        "{}",
        &out.stderr[out.stderr.len() - 2000..]
    );
    assert!(out.stderr.len() < 100_000, "{} bytes", out.stderr.len());
    // A facts file with 10,000 unknown ids.
    let toml: String = (0..10_000)
        .map(|i| format!("[facts.unknown_{i}]\nvalue = 1\n"))
        .collect();
    let path = write(dir.path(), "unknown.toml", toml);
    let out = within(Duration::from_secs(30), "score", || {
        run(&["score", arg(&path)])
    });
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.matches("fazhi::facts::unknown-fact").count(), 50);
    assert!(
        out.stderr.contains("还有9950条诊断未显示"),
        "{}",
        out.stderr
    );
    // The same in JSON, whose entries are located in the text.
    let entries: Vec<String> = (0..10_000)
        .map(|i| format!("\"unknown_{i}\": {{\"value\": 1}}"))
        .collect();
    let path = write(
        dir.path(),
        "unknown.json",
        format!("{{\"facts\": {{\n{}\n}}}}", entries.join(",\n")),
    );
    let out = within(Duration::from_secs(30), "score", || {
        run(&["score", arg(&path)])
    });
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("还有9950条诊断未显示"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_rate_over_100_percent_in_a_report_is_not_evidence() {
    let ruleset = ruleset();
    let text = format!("{HEAD}行政机关负责人出庭应诉率为150%。\n");
    let document = fazhi::read::read_bytes("r.txt", text.as_bytes()).unwrap();
    let extraction = fazhi::extract::extract(&ruleset, &document);
    assert!(extraction.facts.get("court_appearance_rate").is_none());
    // A later, possible value in the same sentence is still read.
    let text = format!("{HEAD}行政机关负责人出庭应诉率为150%,经核实为98%。\n");
    let document = fazhi::read::read_bytes("r.txt", text.as_bytes()).unwrap();
    let extraction = fazhi::extract::extract(&ruleset, &document);
    let rate = extraction
        .facts
        .get("court_appearance_rate")
        .map(|f| f.value.plain());
    assert_ne!(rate.as_deref(), Some("150"));
}

#[test]
fn a_facts_file_may_not_quote_a_report_outside_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let inside = dir.path().join("facts");
    std::fs::create_dir(&inside).unwrap();
    let secret = write(
        dir.path(),
        "secret.txt",
        format!("{HEAD}机密内容SECRET。\n"),
    );
    let toml = "[report]\nfile = \"../secret.txt\"\n\n[facts.court_appearance_rate]\nvalue = \"98\"\nquote = \"SECRET\"\n".to_string();
    let facts = write(&inside, "f.toml", &toml);
    let out = run(&["score", arg(&facts), "--format", "html"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("fazhi::facts::report"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("../secret.txt"), "{}", out.stderr);
    assert!(
        !out.stdout.contains("机密内容"),
        "the report outside was read"
    );
    let absolute = toml.replace("../secret.txt", arg(&secret));
    let facts = write(&inside, "g.toml", absolute);
    let out = run(&["score", arg(&facts), "--format", "html"]);
    assert!(
        !out.stdout.contains("机密内容"),
        "an absolute path was read"
    );
    // With the flag, as before.
    let out = run(&[
        "score",
        arg(&facts),
        "--format",
        "html",
        "--allow-report-outside",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("机密内容"), "{}", out.stderr);
    // A report inside the folder is read without the flag.
    write(&inside, "r.txt", format!("{HEAD}机密内容SECRET。\n"));
    let facts = write(&inside, "h.toml", toml.replace("../secret.txt", "r.txt"));
    let out = run(&["score", arg(&facts), "--format", "html"]);
    assert!(out.stdout.contains("机密内容"), "{}", out.stderr);
}

#[test]
fn terminal_escapes_in_a_report_and_its_name_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEAD}全区行政复议案件12件\u{1b}]0;pwned\u{7}。\n全区行政复议案件15件\u{1b}[2J。\n"
    );
    let report = write(dir.path(), "r\u{1b}[31m.txt", text);
    // A few sentences, not a whole report: scored all the same (`--force`).
    let out = run(&["score", arg(&report), "--verbose", "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for (stream, name) in [(&out.stdout, "stdout"), (&out.stderr, "stderr")] {
        assert!(!stream.contains('\u{1b}'), "{name}: {stream}");
        assert!(!stream.contains('\u{7}'), "{name}: {stream}");
    }
    assert!(
        out.stderr.contains("fazhi::extract::conflict"),
        "{}",
        out.stderr
    );
}

#[test]
fn json_facts_files_are_strict() {
    let dir = tempfile::tempdir().unwrap();
    for (name, json, wanted) in [
        (
            "dup.json",
            "{\"facts\": {\"court_appearance_rate\": {\"value\": \"98\"}, \"court_appearance_rate\": {\"value\": \"50\"}}}",
            "`court_appearance_rate` 重复出现",
        ),
        (
            "dupfield.json",
            "{\"facts\": {\"court_appearance_rate\": {\"value\": \"98\", \"value\": \"50\"}}}",
            "`value` 重复出现",
        ),
        ("string.json", "\"court_appearance_rate\"", "JSON 事实文件应是一个对象"),
        ("array.json", "[{\"facts\": {}}]", "JSON 事实文件应是一个对象"),
        ("facts.json", "{\"facts\": [1, 2]}", "`facts` 应是一个对象"),
        (
            "year.json",
            "{\"report\": {\"year\": \"abc\"}, \"facts\": {}}",
            "`report.year` 不是 1949 至 2100 之间的年份",
        ),
        (
            "qualifier.json",
            "{\"facts\": {\"mediation_cases\": {\"value\": \"12\", \"qualifier\": 5}}}",
            "未知的限定词 `5`",
        ),
    ] {
        let path = write(dir.path(), name, json);
        let out = run(&["score", arg(&path)]);
        assert_eq!(out.code, 2, "{name}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(wanted), "{name}: {}", out.stderr);
    }
}

#[test]
fn toml_facts_files_are_strict() {
    let dir = tempfile::tempdir().unwrap();
    for (name, toml, wanted) in [
        (
            "year.toml",
            "[report]\nyear = \"abc\"\n[facts.court_appearance_rate]\nvalue = \"98\"\n",
            "`report.year` 不是 1949 至 2100 之间的年份",
        ),
        (
            "year-range.toml",
            "[report]\nyear = 20240\n[facts.court_appearance_rate]\nvalue = \"98\"\n",
            "`report.year` 不是 1949 至 2100 之间的年份",
        ),
        (
            "qualifier.toml",
            "[facts.mediation_cases]\nvalue = \"12\"\nqualifier = 5\n",
            "未知的限定词 `5`",
        ),
        (
            "file.toml",
            "[report]\nfile = 5\n[facts.court_appearance_rate]\nvalue = \"98\"\n",
            "`report.file` 不是字符串",
        ),
    ] {
        let path = write(dir.path(), name, toml);
        let out = run(&["score", arg(&path)]);
        assert_eq!(out.code, 2, "{name}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(wanted), "{name}: {}", out.stderr);
    }
}

#[test]
fn a_damaged_byte_is_read_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = format!("{HEAD}全区办理行政复议案件12件。\n").into_bytes();
    bytes.insert(HEAD.len(), 0xFF);
    let report = write(dir.path(), "r.txt", bytes);
    let out = run(&["score", arg(&report), "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("fazhi::read::bad-encoding"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1处无法按 UTF-8 解码"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_long_chinese_word_where_the_grammar_expects_a_keyword_is_named_not_a_panic() {
    // Found by the `dsl` fuzz target: the word was cut at byte 40, inside a character.
    let dir = tempfile::tempdir().unwrap();
    let word = "法治政府建设年度报告".repeat(3);
    let rules = write(dir.path(), "w.fz", format!("{word} x\n"));
    let out = run(&["check", arg(&rules)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("fazhi::syntax::parse"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("却是 `法治政府建设年度报告法治"),
        "{}",
        out.stderr
    );
}
