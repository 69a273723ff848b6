//! Batch scoring, summaries, `verify`, and the command-line conventions (output files, --quiet,
//! completions, usage errors), through the command line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn run(args: &[&str]) -> fazhi::cli::Output {
    let mut all = vec!["fazhi"];
    all.extend_from_slice(args);
    fazhi::cli::run(all, false)
}

fn total_of(report: &str) -> String {
    let out = run(&["score", report, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    json["total"].as_str().unwrap().to_string()
}

#[test]
fn a_directory_scores_as_a_batch_with_one_row_per_report_in_name_order() {
    let out = run(&["score", "reports-fixtures", "--summary", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let reports = summary["reports"].as_array().unwrap();
    let files: Vec<&str> = reports
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "reports-fixtures/chenzhou-2024.txt",
            "reports-fixtures/guangzhou-conghua-justice-bureau-2024.txt",
            "reports-fixtures/shijiazhuang-xinhua-2024.txt",
            "reports-fixtures/wuhan-jiangxia-2024.txt",
            "reports-fixtures/xiamen-huli-2024.txt",
        ]
    );
    // The batch gives each report the total it gets on its own.
    for report in reports {
        assert_eq!(
            report["total"].as_str().unwrap(),
            total_of(report["file"].as_str().unwrap())
        );
        assert_eq!(report["advice"].as_array().unwrap().len(), 3);
    }
    let rules = summary["rules"].as_array().unwrap();
    assert!(rules.len() >= 60);
    let court = rules
        .iter()
        .find(|r| r["rule"] == "court_appearance")
        .unwrap();
    let counted: u64 = ["pass", "partial", "fail", "unknown", "not_applicable"]
        .iter()
        .map(|k| court[k].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 5);
    assert!(!summary["common_gaps"].as_array().unwrap().is_empty());
}

#[test]
fn csv_and_html_summaries_hold_the_same_rows() {
    // Issue 11: Excel on Chinese Windows needs a byte-order mark; one table per file; Chinese
    // headers, with the ids on request.
    let csv = run(&["score", "reports-fixtures", "--summary", "csv"]);
    assert_eq!(csv.code, 0);
    assert!(csv.stdout.starts_with('\u{FEFF}'), "no BOM");
    let reports: Vec<&str> = csv.stdout.trim_start_matches('\u{FEFF}').lines().collect();
    assert!(
        reports[0].starts_with(
            "文件,发布单位,年度,总分,等级,法定内容与公开（%）,披露覆盖度（%）,已披露事项实绩（%）,年度报告的法定内容与公开,"
        ),
        "{}",
        reports[0]
    );
    assert_eq!(reports.len(), 6, "one table: a header and five rows");
    assert!(!csv.stdout.contains("\r\n\r\n"), "no second table");
    let wuhan = reports
        .iter()
        .find(|l| l.contains("wuhan-jiangxia"))
        .unwrap();
    assert!(wuhan.contains(&format!(
        ",{},",
        total_of("reports-fixtures/wuhan-jiangxia-2024.txt")
    )));
    let ids = run(&["score", "reports-fixtures", "--summary", "csv", "--ids"]);
    assert!(ids
        .stdout
        .starts_with("\u{FEFF}file,issuer,year,total,grade,statutory_percent,coverage_percent,performance_percent,report,"));
    let rules = run(&["score", "reports-fixtures", "--summary", "rules-csv"]);
    assert!(rules.stdout.starts_with(
        "\u{FEFF}规则标识,分项,要求,达标,部分达标,未达标,无证据,不适用,达标率（%）\r\n"
    ));
    assert!(rules.stdout.lines().count() > 60);

    let html = run(&["score", "reports-fixtures", "--summary", "html"]);
    assert_eq!(html.code, 0);
    assert!(html.stdout.contains("<html lang=\"zh-CN\">"));
    assert!(html.stdout.contains("江夏区人民政府"));
    assert!(!html.stdout.contains("http://") && !html.stdout.contains("https://"));
}

#[test]
fn a_bad_file_is_reported_and_skipped_and_the_exit_code_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "reports-fixtures/xiamen-huli-2024.txt",
        dir.path().join("a.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.txt"), b"").unwrap();
    let out = run(&["score", dir.path().to_str().unwrap(), "--summary", "csv"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("fazhi::read::empty"), "{}", out.stderr);
    assert!(out.stdout.lines().nth(1).unwrap().contains("a.txt"));
    assert!(
        out.stderr.contains("已评分 1 份，拒绝 1 份，跳过 0 项"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("b.txt"));
}

#[test]
fn verify_confirms_a_saved_output_and_names_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("wuhan.json");
    let saved_str = saved.to_str().unwrap();
    let out = run(&[
        "score",
        "reports-fixtures/wuhan-jiangxia-2024.txt",
        "--format",
        "json",
        "-o",
        saved_str,
    ]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.is_empty(),
        "-o writes the file, not standard output"
    );
    let ok = run(&[
        "verify",
        saved_str,
        "reports-fixtures/wuhan-jiangxia-2024.txt",
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert!(ok.stdout.starts_with("核对一致："));

    let other = run(&["verify", saved_str, "reports-fixtures/xiamen-huli-2024.txt"]);
    assert_eq!(other.code, 1);
    assert!(
        other.stdout.contains("输入文件的 SHA-256"),
        "{}",
        other.stdout
    );
}

#[test]
fn output_files_are_written_whole_and_leave_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("audit.md");
    let out = run(&[
        "score",
        "reports-fixtures/xiamen-huli-2024.txt",
        "--format",
        "markdown",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("audit.md")]);
    assert!(!std::fs::read_to_string(&target).unwrap().is_empty());
    let missing_dir = run(&[
        "score",
        "reports-fixtures/xiamen-huli-2024.txt",
        "-o",
        "/nonexistent-dir/x.txt",
    ]);
    assert_eq!(missing_dir.code, 2);
    assert!(missing_dir.stderr.contains("fazhi::cli::io"));
}

#[test]
fn completions_and_quiet() {
    let bash = run(&["completions", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("fazhi"));
    // A report year outside the rule set's period is a warning; --quiet hides it, not the result.
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("old.facts.toml");
    std::fs::write(&facts, "[facts.report_year]\nvalue = \"2019\"\n").unwrap();
    let facts = facts.to_str().unwrap();
    let loud = run(&["score", facts, "--format", "json"]);
    let quiet = run(&["--quiet", "score", facts, "--format", "json"]);
    assert_eq!(loud.code, 0);
    assert!(
        loud.stderr.contains("fazhi::score::outside-effective"),
        "{}",
        loud.stderr
    );
    assert_eq!(loud.stdout, quiet.stdout);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
}

#[test]
fn a_markdown_summary_for_memos() {
    let out = run(&["score", "reports-fixtures", "--summary", "markdown"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("| reports-fixtures/"))
        .collect();
    assert_eq!(rows.len(), 5);
    let wuhan = rows.iter().find(|l| l.contains("wuhan-jiangxia")).unwrap();
    assert!(wuhan.contains(&format!(
        "| {} |",
        total_of("reports-fixtures/wuhan-jiangxia-2024.txt")
    )));
    assert!(out.stdout.contains("## 最常见的差距"));
    assert!(out.stdout.contains("规则 sha256:"));
}

#[test]
fn the_dsl_tests_can_be_filtered_by_name() {
    let all = run(&["test"]);
    let some = run(&["test", "--filter", "出庭应诉"]);
    assert_eq!(some.code, 0);
    let count = |text: &str| text.lines().filter(|l| l.starts_with("测试 ")).count();
    assert!(count(&some.stdout) >= 2 && count(&some.stdout) < count(&all.stdout));
    assert!(some
        .stdout
        .lines()
        .filter(|l| l.starts_with("test "))
        .all(|l| l.contains("出庭应诉")));
    assert!(some
        .stdout
        .trim_end()
        .ends_with(&format!("{} 个通过，0 个失败", count(&some.stdout))));
}

#[test]
fn usage_mistakes_are_diagnostics_with_a_code_and_exit_2() {
    for args in [
        &["score"][..],
        &["score", "x.txt", "--format", "toml"][..],
        &["frob"][..],
    ] {
        let out = run(args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(
            out.stderr.starts_with("fazhi::cli::usage"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("help:"), "{args:?}: {}", out.stderr);
    }
    let version = run(&["--version"]);
    assert_eq!(
        (version.code, version.stdout.as_str()),
        (0, concat!("fazhi ", env!("CARGO_PKG_VERSION"), "\n"))
    );
}

#[test]
fn explain_takes_a_fact_too() {
    let out = run(&["explain", "court_appearance_rate"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("类型：percent"));
    assert!(out.stdout.contains("`出庭应诉率{verb}{percent}`"));
    assert!(out
        .stdout
        .contains("court_appearance  行政机关负责人出庭应诉率达到100%"));
    let typo = run(&["explain", "court_apearance_rate"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("是否想查 `court_appearance_rate`？"),
        "{}",
        typo.stderr
    );
}
