//! Issue 11, "the inspector's day": each complaint of a new user, as a test that failed before the
//! fix — the one-screen Chinese verdict page, Excel-ready batches, batch behaviour, refusing what
//! is not a report, and the command-line conventions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn run(args: &[&str]) -> fazhi::cli::Output {
    let mut all = vec!["fazhi"];
    all.extend_from_slice(args);
    fazhi::cli::run(all, false)
}

/// The batch summary of the five reports in `kind`, written to `path`.
fn summary_to(kind: &str, path: &Path) -> fazhi::cli::Output {
    let path = path.to_str().unwrap();
    run(&["score", "reports-fixtures", "--summary", kind, "-o", path])
}

const WUHAN: &str = "reports-fixtures/wuhan-jiangxia-2024.txt";

// 1. The verdict page.

#[test]
fn score_prints_a_one_screen_chinese_verdict_without_codes_paths_or_patterns() {
    let out = run(&["score", WUHAN]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = &out.stdout;
    assert!(
        page.lines().count() <= 100,
        "{} lines",
        page.lines().count()
    );
    for section in [
        "江夏区人民政府 2024年度法治政府建设年度报告 评分",
        "总分 71.82 / 100  等级 合格",
        "总分的构成",
        "披露覆盖度       54.76%  → 19.17 / 35.00 分",
        "（部分达标·仅文字表述，0.75 / 1.50 分）",
        "分项得分",
        "未达标与部分达标（9 项）",
        "原文（第 15 行）：「组织开展全区行政执法资格考试,考试合格72人,合格率达80%。」",
        "待补充材料（报告未提及，34 项",
        "最值得改进的三项",
    ] {
        assert!(page.contains(section), "no `{section}` in\n{page}");
    }
    for absent in [
        "fazhi::score",
        "Advice",
        "rules/",
        ".fz",
        ">=",
        "依据:",
        "(地方考核惯例",
    ] {
        assert!(
            !page.contains(absent),
            "`{absent}` on the verdict page:\n{page}"
        );
    }
}

#[test]
fn detail_and_its_old_names_give_the_full_per_rule_account() {
    let detail = run(&["score", WUHAN, "--detail"]);
    assert_eq!(detail.code, 0);
    assert!(detail.stdout.contains("fazhi::score::partial"));
    assert!(detail.stdout.contains("rules/15-enforcement.fz"));
    assert!(detail.stdout.contains("依据："), "Chinese colon after 依据");
    assert!(!detail.stdout.contains("依据:"));
    for alias in ["-v", "--verbose"] {
        assert_eq!(run(&["score", WUHAN, alias]).stdout, detail.stdout);
    }
}

#[test]
fn the_detail_of_a_web_page_quotes_its_text_not_its_markup() {
    for (page, quoted) in [
        (
            "reports-fixtures/formats/xiamen-huli-2024.html",
            "2024年,湖里区坚持",
        ),
        ("reports-fixtures/formats/tables-report.html", "393"),
    ] {
        let detail = run(&["score", page, "--detail", "--force"]);
        assert_eq!(detail.code, 0, "{}", detail.stderr);
        assert!(detail.stdout.contains(quoted), "{page}");
        for markup in ["<p", "<td", "</", "&nbsp;"] {
            assert!(!detail.stdout.contains(markup), "{page} shows {markup}");
        }
        // Still located in the page itself, where an editor can open it.
        assert!(detail.stdout.contains(&format!("{page}:")), "{page}");
    }
}

#[test]
fn usage_errors_and_help_are_in_chinese() {
    let bad = run(&["score", WUHAN, "--format", "pdf"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("`--format <格式>` 的值 `pdf` 无效"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("可选值：`human`、`json`"),
        "{}",
        bad.stderr
    );
    let unknown = run(&["score", WUHAN, "--detial"]);
    assert!(
        unknown.stderr.contains("未知的参数 `--detial`"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown.stderr.contains("是否想用 `--detail`？"),
        "{}",
        unknown.stderr
    );
    let missing = run(&["score", "reports-fixtures/no-such.txt"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("无法读取"), "{}", missing.stderr);
    let help = run(&["score", "--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("用法："));
    assert!(help.stdout.contains("选项：\n"));
    assert!(
        help.stdout.contains("用法：fazhi score [选项] <报告>..."),
        "{}",
        help.stdout
    );
    for english in ["Usage:", "Options:", "Print help", "[default:"] {
        assert!(
            !help.stdout.contains(english),
            "`{english}` in\n{}",
            help.stdout
        );
    }
}

#[test]
fn every_argument_has_a_help_line() {
    let out = run(&["--help"]);
    assert!(
        !out.stdout.contains("explain --facts"),
        "a help line names an option that does not exist"
    );
    for command in [
        "score",
        "extract",
        "check",
        "test",
        "explain",
        "verify",
        "completions",
    ] {
        let help = run(&[command, "--help"]).stdout;
        // An argument is followed by its help on the same line or on the next.
        let lines: Vec<&str> = help.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let indent = line.len() - t.len();
            if !(t.starts_with('-') || t.starts_with('<')) || !(2..=6).contains(&indent) {
                continue;
            }
            let same_line = t.split("  ").filter(|w| !w.trim().is_empty()).count() >= 2;
            let next_line = lines
                .get(i + 1)
                .is_some_and(|n| n.starts_with("          ") && !n.trim().is_empty());
            assert!(
                same_line || next_line,
                "`fazhi {command}`: no help for `{t}`"
            );
        }
    }
}

#[test]
fn bare_fazhi_shows_the_help_not_an_error_box() {
    let out = run(&[]);
    assert_eq!(out.code, 2, "clap's convention for a missing command");
    assert!(out.stderr.contains("用法："), "{}", out.stderr);
    assert!(out.stderr.contains("score"), "{}", out.stderr);
    assert!(
        !out.stderr.contains('×') && !out.stderr.contains("fazhi::cli"),
        "{}",
        out.stderr
    );
}

// 2. Excel and memos.

#[test]
fn the_xlsx_summary_has_a_sheet_of_reports_and_one_of_rules() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("汇总.xlsx");
    let out = summary_to("xlsx", &path);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["报告", "规则"]);
    let reports = book.worksheet_range("报告").unwrap();
    assert_eq!(reports.height(), 6);
    assert_eq!(reports.get((0, 0)), Some(&Data::String("文件".into())));
    assert_eq!(reports.get((0, 3)), Some(&Data::String("总分".into())));
    let wuhan = (1..6)
        .find(|&r| matches!(reports.get((r, 0)), Some(Data::String(f)) if f.contains("wuhan")))
        .unwrap();
    assert_eq!(
        reports.get((wuhan, 1)),
        Some(&Data::String("江夏区人民政府".into()))
    );
    assert_eq!(reports.get((wuhan, 3)), Some(&Data::Float(71.82)));
    let rules = book.worksheet_range("规则").unwrap();
    assert!(rules.height() > 60);
    assert_eq!(rules.get((0, 2)), Some(&Data::String("要求".into())));
    // The header row is frozen: the sheet XML holds a frozen pane.
    let zip_bytes = std::fs::read(&path).unwrap();
    let sheet = zip_text(&zip_bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("state=\"frozen\""), "{sheet}");
    assert!(sheet.contains("<col "), "column widths are set");
}

/// Issue 8: "every output shows" the scoring model's three numbers — the batch summaries too, each
/// equal to the single report's JSON.
#[test]
fn every_batch_summary_shows_the_three_numbers_of_each_report() {
    use calamine::{Data, Reader, Xlsx};
    let single = run(&["score", WUHAN, "--format", "json"]);
    let single: serde_json::Value = serde_json::from_str(&single.stdout).unwrap();
    let expected: Vec<String> = ["statutory", "coverage", "performance"]
        .iter()
        .map(|k| {
            single["numbers"][k]["percent"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(expected, ["81.25", "54.76", "88.59"]);
    let labels = [
        "法定内容与公开（%）",
        "披露覆盖度（%）",
        "已披露事项实绩（%）",
    ];

    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("汇总.csv");
    assert_eq!(summary_to("csv", &csv_path).code, 0);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[5..8], labels);
    let wuhan: Vec<&str> = lines
        .find(|l| l.contains("wuhan"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(wuhan[5..8], expected);

    let xlsx_path = dir.path().join("汇总.xlsx");
    assert_eq!(summary_to("xlsx", &xlsx_path).code, 0);
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    let reports = book.worksheet_range("报告").unwrap();
    let row = (1..6)
        .find(|&r| matches!(reports.get((r, 0)), Some(Data::String(f)) if f.contains("wuhan")))
        .unwrap();
    for (c, (label, value)) in labels.iter().zip(&expected).enumerate() {
        assert_eq!(
            reports.get((0, 5 + c)),
            Some(&Data::String((*label).into()))
        );
        assert_eq!(
            reports.get((row, 5 + c)),
            Some(&Data::Float(value.parse().unwrap()))
        );
    }

    let json = run(&["score", "reports-fixtures", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let ids: Vec<&str> = json["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["statutory", "coverage", "performance"]);
    let report = json["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"].as_str().unwrap().contains("wuhan"))
        .unwrap();
    assert_eq!(report["numbers"], serde_json::json!(expected));

    let memo = run(&["score", "reports-fixtures", "--format", "markdown"]).stdout;
    assert!(
        memo.contains("| 法定内容与公开（%） | 披露覆盖度（%） | 已披露事项实绩（%） |"),
        "{memo}"
    );
    assert!(memo.contains("| 合格 | 81.25 | 54.76 | 88.59 |"), "{memo}");
    let page = run(&["score", "reports-fixtures", "--format", "html"]).stdout;
    assert!(
        page.contains("披露覆盖度<br>（%）"),
        "the HTML summary has the columns"
    );
    assert!(page.contains("<td>54.76</td>"), "and the values");
}

/// One file of a zip archive as text (the .xlsx is a zip).
fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut file = archive.by_name(name).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut file, &mut text).unwrap();
    text
}

#[test]
fn the_xlsx_is_refused_on_a_terminal_and_goes_to_a_pipe() {
    let piped = run(&["score", "reports-fixtures", "--summary", "xlsx"]);
    assert_eq!(piped.code, 0);
    assert!(piped.stdout_bytes.starts_with(b"PK"));
    let terminal = fazhi::cli::run(
        ["fazhi", "score", "reports-fixtures", "--summary", "xlsx"],
        true,
    );
    assert_eq!(terminal.code, 2);
    assert!(terminal.stderr.contains("Excel 工作簿不能输出到终端"));
}

#[test]
fn libreoffice_reads_the_csv_as_chinese() {
    let Ok(status) = std::process::Command::new("soffice")
        .arg("--version")
        .output()
    else {
        println!("note: soffice not found; the LibreOffice check of the CSV is skipped (apt-get install libreoffice-calc-nogui)");
        return;
    };
    assert!(status.status.success());
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("summary.csv");
    let out = summary_to("csv", &csv);
    assert_eq!(out.code, 0);
    // CSV → xlsx through LibreOffice's CSV import as UTF-8 (44 comma, 34 quote, 76 UTF-8, from
    // line 1; headless LibreOffice 7.4 otherwise assumes the system's legacy charset and ignores
    // the BOM), then read the cells back: the BOM must not end up in the first header.
    let converted = std::process::Command::new("soffice")
        .args([
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&csv)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(converted.status.success(), "{converted:?}");
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(dir.path().join("summary.xlsx")).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.get((0, 0)), Some(&Data::String("文件".into())));
    assert_eq!(range.get((0, 1)), Some(&Data::String("发布单位".into())));
    let issuers: Vec<String> = (1..6)
        .filter_map(|r| range.get((r, 1)).map(|d| d.to_string()))
        .collect();
    assert!(issuers.iter().any(|i| i == "江夏区人民政府"), "{issuers:?}");
}

#[test]
fn the_html_summary_keeps_issuers_on_one_line_and_shows_rule_titles() {
    let html = run(&["score", "reports-fixtures", "--summary", "html"]).stdout;
    assert!(
        html.contains("td.issuer") && html.contains("white-space: nowrap"),
        "issuer column may not wrap"
    );
    assert!(html.contains("<td class=\"text issuer\">江夏区人民政府</td>"));
    // The rule's title first, its id small under it.
    assert!(
        html.contains(
            "行政机关负责人出庭应诉率达到100%<br><span class=\"id\">court_appearance</span>"
        ),
        "{html}"
    );
}

#[test]
fn the_markdown_memo_follows_the_verdict_page() {
    let memo = run(&["score", WUHAN, "--format", "markdown"]).stdout;
    let at = |heading: &str| {
        memo.find(heading)
            .unwrap_or_else(|| panic!("no {heading} in\n{memo}"))
    };
    assert!(at("## 分项得分") < at("## 未达标与部分达标"));
    assert!(at("## 未达标与部分达标") < at("## 待补充材料"));
    assert!(at("## 待补充材料") < at("## 最值得改进的三项"));
    assert!(at("## 最值得改进的三项") < at("## 附：逐条说明"));
}

// 3. Batch behaviour.

#[test]
fn fail_under_applies_to_each_report_of_a_batch() {
    let out = run(&["score", "reports-fixtures", "--fail-under", "75"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("2 份报告的总分低于 --fail-under 75"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("reports-fixtures/wuhan-jiangxia-2024.txt（71.82）"),
        "{}",
        out.stderr
    );
    let ok = run(&["score", "reports-fixtures", "--fail-under", "50"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

#[test]
fn a_batch_says_what_it_skipped_and_can_read_subfolders() {
    let out = run(&["score", "reports-fixtures"]);
    assert!(
        out.stderr
            .contains("跳过 reports-fixtures/edge：子目录（读取子目录用 --recursive）"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("跳过 reports-fixtures/chenzhou-2024.facts.toml：事实文件"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("已评分 5 份，拒绝 0 份，跳过 "),
        "{}",
        out.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("2024")).unwrap();
    std::fs::copy(WUHAN, dir.path().join("2024/jiangxia.txt")).unwrap();
    let flat = run(&["score", dir.path().to_str().unwrap()]);
    assert_eq!(flat.code, 2, "nothing to score without --recursive");
    let deep = run(&[
        "score",
        dir.path().to_str().unwrap(),
        "--recursive",
        "--summary",
        "json",
    ]);
    assert_eq!(deep.code, 0, "{}", deep.stderr);
    assert!(deep.stdout.contains("jiangxia.txt"));
}

#[test]
fn a_batch_honours_or_refuses_the_format() {
    let json = run(&["score", "reports-fixtures", "--format", "json"]);
    assert_eq!(json.code, 0);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["reports"].as_array().unwrap().len(), 5);
    let sarif = run(&["score", "reports-fixtures", "--format", "sarif"]);
    assert_eq!(sarif.code, 2);
    assert!(sarif.stderr.contains("批量评分没有 `--format sarif` 格式"));
    let both = run(&[
        "score",
        "reports-fixtures",
        "--format",
        "json",
        "--summary",
        "csv",
    ]);
    assert_eq!(both.code, 2);
}

// 4. Is this a report?

#[test]
fn a_text_that_is_not_a_report_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let hello = dir.path().join("x.txt");
    std::fs::write(&hello, "hello\n").unwrap();
    let hello = hello.to_str().unwrap();
    let refused = run(&["score", hello]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stdout.is_empty(),
        "no score at all: {}",
        refused.stdout
    );
    assert!(refused.stderr.contains("fazhi::score::not-a-report"));
    assert!(refused.stderr.contains("篇幅过短"), "{}", refused.stderr);
    let forced = run(&["score", hello, "--force"]);
    assert_eq!(forced.code, 0);
    assert!(forced.stdout.contains("！！ 注意："), "{}", forced.stdout);
    assert!(forced.stdout.contains("总分 0.00"));
    // Facts can still be read from any page.
    assert_eq!(run(&["extract", hello]).code, 0);
}

#[test]
fn a_government_information_disclosure_report_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gkbg.txt");
    let body = std::fs::read_to_string(WUHAN).unwrap();
    std::fs::write(
        &path,
        format!(
            "江夏区2024年政府信息公开工作年度报告\n{}",
            body.replace("法治政府建设", "政务公开")
        ),
    )
    .unwrap();
    let out = run(&["score", path.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("这是一份「政府信息公开工作年度报"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_five_real_reports_are_reports() {
    for stem in [
        "chenzhou",
        "guangzhou-conghua-justice-bureau",
        "shijiazhuang-xinhua",
        "wuhan-jiangxia",
        "xiamen-huli",
    ] {
        let out = run(&["score", &format!("reports-fixtures/{stem}-2024.txt")]);
        assert_eq!(out.code, 0, "{stem}: {}", out.stderr);
    }
}

// 5. Conventions.

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn output_files_keep_their_mode_and_new_ones_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("existing.json");
    std::fs::write(&existing, "{}").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        run(&[
            "score",
            WUHAN,
            "--format",
            "json",
            "-o",
            existing.to_str().unwrap()
        ])
        .code,
        0
    );
    assert_eq!(mode(&existing), 0o644);
    // A new file gets what any program's new file gets here (0666 less the umask).
    let probe = dir.path().join("probe");
    std::fs::File::create(&probe).unwrap();
    let new = dir.path().join("new.json");
    assert_eq!(
        run(&[
            "score",
            WUHAN,
            "--format",
            "json",
            "-o",
            new.to_str().unwrap()
        ])
        .code,
        0
    );
    assert_eq!(mode(&new), mode(&probe));
}

#[cfg(unix)]
#[test]
fn output_writes_through_links_and_devices_and_never_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.md");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert_eq!(
        run(&[
            "score",
            WUHAN,
            "--format",
            "markdown",
            "-o",
            link.to_str().unwrap()
        ])
        .code,
        0
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert!(std::fs::read_to_string(&target).unwrap().contains("江夏区"));
    // /dev/null stays a device (when it is one: another program on a shared machine may have
    // replaced it, which this test must not mistake for fazhi's doing).
    if std::fs::metadata("/dev/null").is_ok_and(|m| !m.is_file()) {
        assert_eq!(run(&["score", WUHAN, "-o", "/dev/null"]).code, 0);
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    } else {
        println!("note: /dev/null is not a device here; its check is skipped");
    }
    // Its own input is never overwritten.
    let copy = dir.path().join("r.txt");
    std::fs::copy(WUHAN, &copy).unwrap();
    let out = run(&[
        "score",
        copy.to_str().unwrap(),
        "-o",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("不能把结果写到输入文件"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(WUHAN).unwrap());
}

#[test]
fn dash_is_standard_output_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = fazhi::cli::run_with_stdin(
        ["fazhi", "score", "-", "--name", "江夏.txt", "-o", "-"],
        false,
        &mut || std::fs::read(WUHAN),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("总分 71.82 / 100"), "{}", out.stdout);
    assert!(out.stdout.contains("报告文件：江夏.txt"));
    assert!(
        !Path::new("-").exists() && !dir.path().join("-").exists(),
        "`-o -` made a file named -"
    );
    let name_alone = run(&["score", WUHAN, "--name", "x.txt"]);
    assert_eq!(name_alone.code, 2);
}

#[test]
fn no_option_is_silently_ignored() {
    let explain = run(&["explain", "court_appearance", "--format", "markdown"]);
    assert_eq!(explain.code, 2);
    assert!(explain
        .stderr
        .contains("`--format markdown` 只用于 `--all`"));
    let limit = run(&["score", WUHAN, "--fail-under", "150"]);
    assert_eq!(limit.code, 2);
    assert!(
        limit.stderr.contains("超出总分范围 0 至 100"),
        "{}",
        limit.stderr
    );
    let detail = run(&["score", WUHAN, "--detail", "--format", "json"]);
    assert_eq!(detail.code, 2);
}

#[test]
fn check_takes_one_rule_file_against_the_embedded_header() {
    let out = run(&["check", "rules/15-enforcement.fz"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with("通过："));
}

#[test]
fn colour_follows_no_color_and_term_dumb() {
    use fazhi::cli::color_wanted;
    use std::ffi::OsStr;
    assert!(color_wanted(true, None, Some(OsStr::new("xterm"))));
    assert!(
        color_wanted(true, Some(OsStr::new("")), None),
        "an empty NO_COLOR does not count"
    );
    assert!(!color_wanted(true, Some(OsStr::new("1")), None));
    assert!(!color_wanted(true, None, Some(OsStr::new("dumb"))));
    assert!(!color_wanted(false, None, None));
}

// 7. Year over year.

fn compare(format: &str) -> fazhi::cli::Output {
    run(&[
        "compare",
        WUHAN,
        "reports-fixtures/compare/wuhan-jiangxia-2025.txt",
        "--format",
        format,
    ])
}

#[test]
fn compare_says_rule_by_rule_what_changed_and_why_in_every_format() {
    let text = compare("human");
    assert_eq!(text.code, 0, "{}", text.stderr);
    for line in [
        "江夏区人民政府 法治政府建设年度报告对比：2024年 → 2025年",
        "总分 71.82 → 72.21（+0.39）  等级 合格 → 合格",
        "统一行政执法人员资格管理：资格考试合格率（+0.50）：部分达标 0.50 / 1.00 → 达标 1.00 / 1.00",
        "行政执法人员资格考试合格率：80% → 95%",
        "2024年 第 15 行：「组织开展全区行政执法资格考试,考试合格72人,合格率达80%。」",
        "全面实行政府权责清单制度：新出现（是）",
        "文字表述：不再提及",
    ] {
        assert!(text.stdout.contains(line), "no `{line}` in\n{}", text.stdout);
    }
    assert!(
        !text.stdout.contains("报告年度："),
        "a new year alone is not a change"
    );
    insta::assert_snapshot!("compare_human", text.stdout);
    let json: serde_json::Value = serde_json::from_str(&compare("json").stdout).unwrap();
    assert_eq!(json["total"]["change"], "0.39");
    insta::assert_json_snapshot!("compare_json", json);
    insta::assert_snapshot!("compare_markdown", compare("markdown").stdout);
    let html = compare("html").stdout;
    assert!(html.contains("<html lang=\"zh-CN\">") && !html.contains("http"));
    insta::assert_snapshot!("compare_html", html);
}

#[test]
fn a_batch_compared_with_last_year_has_the_change_columns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "reports-fixtures/compare/wuhan-jiangxia-2025.txt",
        dir.path().join("jiangxia.txt"),
    )
    .unwrap();
    let this_year = dir.path().to_str().unwrap();
    let csv = run(&["score", this_year, "--compare-with", "reports-fixtures"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert!(
        lines[0].contains(",总分,等级,上年总分,总分变化,"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains(",72.21,合格,71.82,0.39,"), "{}", lines[1]);
    let json = run(&[
        "score",
        this_year,
        "--compare-with",
        "reports-fixtures",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["reports"][0]["previous_total"], "71.82");
    let single = run(&["score", WUHAN, "--compare-with", "reports-fixtures"]);
    assert_eq!(single.code, 2);
}
