//! Scoring many reports at once and comparing them: one summary row per report, pass rates per
//! rule across the batch, and the gaps most common across reports.
//!
//! Reports are scored in parallel (rayon) and each is reduced to its summary row as soon as it is
//! scored, so memory stays flat however many reports there are; rows keep the input order.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::check::RuleSet;
use crate::diagnostic::Diag;
use crate::eval::points_text;
use crate::syntax::ast::{Combined, Outcome};

/// Report files a directory contributes to a batch (facts files are taken only when named).
const REPORT_EXTENSIONS: [&str; 4] = ["txt", "html", "htm", "docx"];

/// One scored report, reduced to what a comparison needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub file: String,
    pub issuer: Option<String>,
    pub year: Option<i32>,
    #[serde(serialize_with = "as_points")]
    pub total: Decimal,
    pub grade: String,
    /// Section scores in rule-set order; `None` when a section is not assessed.
    #[serde(serialize_with = "as_points_list")]
    pub sections: Vec<Option<Decimal>>,
    /// The scoring model's three numbers as percentages (法定内容与公开, 披露覆盖度,
    /// 已披露事项实绩), in that order; empty for a rule set without `combine`.
    #[serde(serialize_with = "as_points_list")]
    pub numbers: Vec<Option<Decimal>>,
    #[serde(skip)]
    pub outcomes: Vec<Outcome>,
    /// The rules whose fix would raise this report's total most, most first.
    pub advice: Vec<AdviceItem>,
    pub input_sha256: String,
    /// The same issuer's total in the earlier batch (`--compare-with`), when there is one.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "as_optional_points"
    )]
    pub previous_total: Option<Decimal>,
    /// Why the input does not look like an annual report, when it was scored anyway (`--force`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_a_report: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdviceItem {
    pub rule: String,
    /// The rule's title without its trailing note, for tables people read.
    pub title: String,
    #[serde(serialize_with = "as_points")]
    pub gain: Decimal,
}

/// How many advice items each summary row carries.
pub const ADVICE_PER_REPORT: usize = 3;

/// A report that could not be scored, with why.
#[derive(Debug, Clone)]
pub struct Failure {
    pub file: String,
    pub diags: Vec<Diag>,
}

#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub rows: Vec<Row>,
    pub failures: Vec<Failure>,
    /// Whether rows were paired with an earlier year's (`--compare-with`).
    pub compared: bool,
}

/// Pairs each report with the earlier year's report of the same issuer (`--compare-with`): its
/// total goes into `previous_total`. Reports without a named issuer, or whose issuer the earlier
/// batch lacks (or holds twice), stay unpaired.
pub fn pair_with(batch: &mut Batch, earlier: &Batch) {
    batch.compared = true;
    for row in &mut batch.rows {
        let Some(issuer) = &row.issuer else {
            continue;
        };
        let mut same = earlier
            .rows
            .iter()
            .filter(|r| r.issuer.as_ref() == Some(issuer));
        if let (Some(previous), None) = (same.next(), same.next()) {
            row.previous_total = Some(previous.total);
        }
    }
}

/// A path a batch did not take, and why (in Chinese, for the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub why: String,
}

/// What the command line's paths hold: the report files to score and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
}

/// The inputs named on the command line: files as given, directories expanded to their report
/// files sorted by name (subdirectories too when `recursive`). Everything a directory holds that
/// is not taken is listed in `skipped` with the reason.
pub fn inputs(paths: &[PathBuf], recursive: bool) -> Inputs {
    let mut out = Inputs::default();
    let mut visited = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, recursive, &mut visited, &mut out);
        } else {
            out.files.push(path.clone());
        }
    }
    out
}

fn walk(dir: &Path, recursive: bool, visited: &mut Vec<PathBuf>, out: &mut Inputs) {
    // A link back up the tree is read once.
    if let Ok(canonical) = dir.canonicalize() {
        if visited.contains(&canonical) {
            out.skipped.push(Skipped {
                path: dir.to_path_buf(),
                why: "已读取过的目录（符号链接）".into(),
            });
            return;
        }
        visited.push(canonical);
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            out.skipped.push(Skipped {
                path: dir.to_path_buf(),
                why: format!("无法读取目录：{}", crate::diagnostic::io_reason(&e)),
            });
            return;
        }
    };
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let why = if hidden {
            Some("隐藏文件".to_string())
        } else if path.is_dir() {
            if recursive {
                walk(&path, recursive, visited, out);
                continue;
            }
            Some("子目录（读取子目录用 --recursive）".to_string())
        } else if !path.is_file() {
            Some("不是普通文件".to_string())
        } else if path
            .extension()
            .is_some_and(|e| REPORT_EXTENSIONS.iter().any(|r| e.eq_ignore_ascii_case(r)))
        {
            None
        } else if crate::score::is_facts_file(&path) {
            Some("事实文件（要评分请单独列出）".to_string())
        } else {
            Some("不是报告文件（只读 .txt、.html、.htm、.docx）".to_string())
        };
        match why {
            None => out.files.push(path),
            Some(why) => out.skipped.push(Skipped { path, why }),
        }
    }
}

/// Scores every input in parallel; `tick` is called once per finished report (for a progress bar).
/// An input that does not look like an annual report is a failure unless `force`.
pub fn score_all(
    ruleset: &RuleSet,
    inputs: &[PathBuf],
    force: bool,
    issuer_kind: Option<crate::syntax::ast::IssuerKind>,
    tick: &(dyn Fn() + Sync),
) -> Batch {
    let results: Vec<Result<Row, Failure>> = inputs
        .par_iter()
        .map(|path| {
            let result = score_one(ruleset, path, force, issuer_kind);
            tick();
            result
        })
        .collect();
    let mut batch = Batch::default();
    for result in results {
        match result {
            Ok(row) => batch.rows.push(row),
            Err(failure) => batch.failures.push(failure),
        }
    }
    batch
}

fn score_one(
    ruleset: &RuleSet,
    path: &Path,
    force: bool,
    issuer_kind: Option<crate::syntax::ast::IssuerKind>,
) -> Result<Row, Failure> {
    let file = path.display().to_string();
    let scored =
        crate::score::score_path_as(ruleset, path, None, issuer_kind).map_err(|diags| Failure {
            file: file.clone(),
            diags,
        })?;
    let not_a_report = scored.not_a_report();
    if let (Some(why), false) = (&not_a_report, force) {
        return Err(Failure {
            file: file.clone(),
            diags: vec![Diag::error(
                crate::diagnostic::Code::ScoreNotAReport,
                format!("`{file}` 看起来不是法治政府建设年度报告：{why}"),
            )
            .help("确实要评分时加 `--force`")],
        });
    }
    Ok(row(ruleset, file, &scored))
}

/// Reduces a scored report to its summary row (also used by `fazhi serve` for reports held in
/// memory).
pub fn row(ruleset: &RuleSet, file: String, scored: &crate::score::Scored) -> Row {
    let not_a_report = scored.not_a_report();
    let advice = crate::eval::advice(ruleset, &scored.card)
        .into_iter()
        .take(ADVICE_PER_REPORT)
        .filter_map(|a| {
            let result = scored.card.rules.get(a.result)?;
            let rule = ruleset
                .sections
                .get(result.section)?
                .rules
                .get(result.rule)?;
            Some(AdviceItem {
                rule: rule.id.name.clone(),
                title: crate::render::verdict::short(&rule.title.text),
                gain: a.gain,
            })
        })
        .collect();
    Row {
        file,
        issuer: scored.info.issuer.clone(),
        year: scored.info.year,
        total: scored.card.total,
        grade: scored.card.grade.clone(),
        sections: scored
            .card
            .sections
            .iter()
            .map(|s| s.score.map(crate::eval::round2))
            .collect(),
        numbers: numbers_in_percent(scored.card.numbers.as_ref()),
        outcomes: scored.card.rules.iter().map(|r| r.outcome).collect(),
        advice,
        input_sha256: scored.audit.input_sha256.clone(),
        previous_total: None,
        not_a_report,
    }
}

/// The three numbers of a scorecard as percentages with 2 decimals, in `NUMBERS` order.
fn numbers_in_percent(numbers: Option<&crate::eval::Numbers>) -> Vec<Option<Decimal>> {
    numbers.map_or_else(Vec::new, |n| {
        [n.statutory, n.coverage, n.performance]
            .into_iter()
            .map(|share| share.map(|s| crate::eval::round2(s * Decimal::ONE_HUNDRED)))
            .collect()
    })
}

/// The scoring model's numbers in the order a row holds them.
const NUMBERS: [Combined; 3] = [
    Combined::Statutory,
    Combined::Coverage,
    Combined::Performance,
];

/// Column headers of the three numbers, or none for a rule set without `combine`.
fn number_headers(ruleset: &RuleSet, ids: bool) -> Vec<String> {
    if ruleset.combination.is_none() {
        return Vec::new();
    }
    NUMBERS
        .iter()
        .map(|n| {
            if ids {
                format!("{}_percent", n.keyword())
            } else {
                format!("{}（%）", n.label())
            }
        })
        .collect()
}

/// How one rule fared across the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleStats {
    pub rule: String,
    pub title: String,
    pub section: String,
    pub pass: usize,
    pub partial: usize,
    pub fail: usize,
    pub unknown: usize,
    pub not_applicable: usize,
    /// pass ÷ (reports where the rule applies), as a percent with 2 decimals; `None` when it
    /// applies nowhere.
    #[serde(serialize_with = "as_optional_points")]
    pub pass_rate: Option<Decimal>,
}

impl RuleStats {
    /// Reports where the rule did not fully pass although it applied.
    pub fn gaps(&self) -> usize {
        self.partial + self.fail + self.unknown
    }
}

pub fn rule_stats(ruleset: &RuleSet, rows: &[Row]) -> Vec<RuleStats> {
    ruleset
        .rules()
        .enumerate()
        .map(|(i, (section, rule))| {
            let count = |o: Outcome| {
                rows.iter()
                    .filter(|r| r.outcomes.get(i) == Some(&o))
                    .count()
            };
            let (pass, partial, fail, unknown, not_applicable) = (
                count(Outcome::Pass),
                count(Outcome::Partial),
                count(Outcome::Fail),
                count(Outcome::Unknown),
                count(Outcome::NotApplicable),
            );
            let applicable = pass + partial + fail + unknown;
            let pass_rate = (applicable > 0).then(|| {
                crate::eval::round2(
                    Decimal::from(pass) * Decimal::ONE_HUNDRED / Decimal::from(applicable),
                )
            });
            RuleStats {
                rule: rule.id.name.clone(),
                title: rule.title.text.clone(),
                section: section.id.name.clone(),
                pass,
                partial,
                fail,
                unknown,
                not_applicable,
                pass_rate,
            }
        })
        .collect()
}

/// The rules most often not fully met, most common first (ties in rule order); at most `limit`.
pub fn common_gaps(stats: &[RuleStats], limit: usize) -> Vec<&RuleStats> {
    let mut gaps: Vec<&RuleStats> = stats.iter().filter(|s| s.gaps() > 0).collect();
    gaps.sort_by_key(|s| std::cmp::Reverse(s.gaps()));
    gaps.truncate(limit);
    gaps
}

fn as_points<S: serde::Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&points_text(*value))
}

fn as_optional_points<S: serde::Serializer>(
    value: &Option<Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_str(&points_text(*v)),
        None => s.serialize_none(),
    }
}

fn as_points_list<S: serde::Serializer>(
    values: &[Option<Decimal>],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(values.len()))?;
    for value in values {
        seq.serialize_element(&value.map(points_text))?;
    }
    seq.end()
}

/// How many common gaps the summaries list.
pub const GAPS_LISTED: usize = 10;

/// A table for people's spreadsheets: a header row and rows of cells.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A column's name: Chinese for people, or the stable id with `--ids`.
fn column(ids: bool, id: &str, zh: &str) -> String {
    if ids { id } else { zh }.to_string()
}

/// One row per report, with the audit record on every row so that any row copied out of the
/// table still says what produced it.
pub fn reports_table(ruleset: &RuleSet, batch: &Batch, ids: bool) -> Table {
    let mut header = vec![
        column(ids, "file", "文件"),
        column(ids, "issuer", "发布单位"),
        column(ids, "year", "年度"),
        column(ids, "total", "总分"),
        column(ids, "grade", "等级"),
    ];
    if batch.compared {
        header.extend([
            column(ids, "previous_total", "上年总分"),
            column(ids, "total_change", "总分变化"),
        ]);
    }
    header.extend(number_headers(ruleset, ids));
    header.extend(ruleset.sections.iter().map(|s| {
        if ids {
            s.id.name.clone()
        } else {
            crate::render::verdict::short(&s.title.text)
        }
    }));
    header.extend([
        column(ids, "top_advice", "最值得改进的三项"),
        column(ids, "input_sha256", "输入 sha256"),
        column(ids, "engine", "引擎"),
        column(ids, "ruleset", "规则集"),
        column(ids, "rules_sha256", "规则 sha256"),
    ]);
    let engine = crate::audit::engine();
    let ruleset_version = format!("{} {}", ruleset.id, ruleset.version);
    let rows = batch
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                row.file.clone(),
                row.issuer.clone().unwrap_or_default(),
                row.year.map(|y| y.to_string()).unwrap_or_default(),
                points_text(row.total),
                row.grade.clone(),
            ];
            if batch.compared {
                cells.push(row.previous_total.map(points_text).unwrap_or_default());
                cells.push(
                    row.previous_total
                        .map(|p| points_text(row.total - p))
                        .unwrap_or_default(),
                );
            }
            cells.extend(
                row.numbers
                    .iter()
                    .chain(&row.sections)
                    .map(|s| s.map(points_text).unwrap_or_default()),
            );
            let advice: Vec<String> = row
                .advice
                .iter()
                .map(|a| {
                    let name = if ids { &a.rule } else { &a.title };
                    format!("{name} +{}", points_text(a.gain))
                })
                .collect();
            cells.push(advice.join(if ids { "; " } else { "；" }));
            cells.push(row.input_sha256.clone());
            cells.extend([
                engine.clone(),
                ruleset_version.clone(),
                ruleset.digest.rules_sha256.clone(),
            ]);
            cells
        })
        .collect();
    Table { header, rows }
}

/// One row per rule: how it fared across the batch.
pub fn rules_table(ruleset: &RuleSet, batch: &Batch, ids: bool) -> Table {
    let header = [
        ("rule", "规则标识"),
        ("section", "分项"),
        ("title", "要求"),
        ("pass", "达标"),
        ("partial", "部分达标"),
        ("fail", "未达标"),
        ("unknown", "无证据"),
        ("not_applicable", "不适用"),
        ("pass_rate", "达标率（%）"),
    ]
    .iter()
    .map(|(id, zh)| column(ids, id, zh))
    .collect();
    let section_titles: Vec<(String, String)> = ruleset
        .sections
        .iter()
        .map(|s| {
            (
                s.id.name.clone(),
                crate::render::verdict::short(&s.title.text),
            )
        })
        .collect();
    let rows = rule_stats(ruleset, &batch.rows)
        .into_iter()
        .map(|s| {
            let section = if ids {
                s.section.clone()
            } else {
                section_titles
                    .iter()
                    .find(|(id, _)| *id == s.section)
                    .map_or(s.section.clone(), |(_, t)| t.clone())
            };
            vec![
                s.rule.clone(),
                section,
                s.title.clone(),
                s.pass.to_string(),
                s.partial.to_string(),
                s.fail.to_string(),
                s.unknown.to_string(),
                s.not_applicable.to_string(),
                s.pass_rate.map(points_text).unwrap_or_default(),
            ]
        })
        .collect();
    Table { header, rows }
}

/// A table as CSV for Excel: UTF-8 with a byte-order mark (without it, Excel on Chinese Windows
/// reads GBK and shows mojibake), CRLF line ends, RFC 4180 quoting.
pub fn table_csv(table: &Table) -> String {
    let mut out = String::from("\u{FEFF}");
    out.push_str(&csv_line(&table.header));
    for row in &table.rows {
        out.push_str(&csv_line(row));
    }
    out
}

/// The report table as CSV (`--summary csv`).
pub fn to_csv(ruleset: &RuleSet, batch: &Batch, ids: bool) -> String {
    table_csv(&reports_table(ruleset, batch, ids))
}

/// The rule table as CSV (`--summary rules-csv`).
pub fn to_rules_csv(ruleset: &RuleSet, batch: &Batch, ids: bool) -> String {
    table_csv(&rules_table(ruleset, batch, ids))
}

/// An Excel workbook: a sheet of reports and a sheet of rules, each with a frozen, bold header
/// row and columns wide enough for their Chinese text.
pub fn to_xlsx(
    ruleset: &RuleSet,
    batch: &Batch,
    ids: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, table) in [
        ("报告", reports_table(ruleset, batch, ids)),
        ("规则", rules_table(ruleset, batch, ids)),
    ] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        let mut widths: Vec<usize> = table.header.iter().map(|h| h.width()).collect();
        for (c, text) in table.header.iter().enumerate() {
            sheet.write_string_with_format(0, col(c), text, &bold)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, text) in row.iter().enumerate() {
                // Scores and counts as numbers, so that Excel can sort and sum them.
                match text.parse::<f64>() {
                    Ok(number) if !text.is_empty() && c > 0 => {
                        sheet.write_number(r, col(c), number)?
                    }
                    _ => sheet.write_string(r, col(c), text)?,
                };
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(text.width());
                }
            }
        }
        for (c, width) in widths.iter().enumerate() {
            // Display width counts a Chinese character as two, as Excel's column width does.
            let width = u32::try_from((*width).clamp(6, 60) + 2).unwrap_or(62);
            sheet.set_column_width(col(c), width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    workbook.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

/// The summary as JSON (docs/json.md, "Batch summary").
pub fn to_json(ruleset: &RuleSet, batch: &Batch) -> serde_json::Value {
    let stats = rule_stats(ruleset, &batch.rows);
    let gaps: Vec<_> = common_gaps(&stats, GAPS_LISTED)
        .into_iter()
        .map(|s| serde_json::json!({ "rule": s.rule, "title": s.title, "reports": s.gaps() }))
        .collect();
    serde_json::json!({
        "schema_version": crate::render::json::SCHEMA_VERSION,
        "engine": { "name": "fazhi", "version": env!("CARGO_PKG_VERSION") },
        "ruleset": { "id": ruleset.id, "version": ruleset.version, "rules_sha256": ruleset.digest.rules_sha256 },
        "numbers": if ruleset.combination.is_some() { NUMBERS.iter().map(|n| serde_json::json!({ "id": n.keyword(), "label": n.label() })).collect::<Vec<_>>() } else { Vec::new() },
        "sections": ruleset.sections.iter().map(|s| serde_json::json!({ "id": s.id.name, "title": s.title.text, "weight": points_text(s.weight.value) })).collect::<Vec<_>>(),
        "compared": batch.compared,
        "reports": batch.rows,
        "rules": stats,
        "common_gaps": gaps,
        "failed": batch.failures.iter().map(|f| serde_json::json!({ "file": f.file, "errors": f.diags.iter().map(|d| format!("{}: {}", d.code, d.message)).collect::<Vec<_>>() })).collect::<Vec<_>>(),
    })
}

/// The summary as Markdown, for pasting into a memo: the report table, the most common gaps, and
/// the audit line.
pub fn to_markdown(ruleset: &RuleSet, batch: &Batch) -> String {
    use std::fmt::Write as _;
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = format!(
        "# 法治政府建设年度报告评分汇总\n\n共 {} 份报告",
        batch.rows.len()
    );
    if !batch.failures.is_empty() {
        let _ = write!(out, "，{} 份无法评分", batch.failures.len());
    }
    out.push_str("。\n\n| 报告 | 发布单位 | 年度 | 总分 | 等级 |");
    if batch.compared {
        out.push_str(" 上年总分 | 总分变化 |");
    }
    let numbers = number_headers(ruleset, false);
    for header in &numbers {
        let _ = write!(out, " {header} |");
    }
    for section in &ruleset.sections {
        let _ = write!(
            out,
            " {}（{}） |",
            cell(&section.title.text),
            points_text(section.weight.value)
        );
    }
    out.push_str("\n|---|---|---|---:|---|");
    if batch.compared {
        out.push_str("---:|---:|");
    }
    out.push_str(&"---:|".repeat(numbers.len() + ruleset.sections.len()));
    out.push('\n');
    for row in &batch.rows {
        let year = row.year.map(|y| y.to_string()).unwrap_or_default();
        let _ = write!(
            out,
            "| {} | {} | {year} | {} | {} |",
            cell(&row.file),
            cell(row.issuer.as_deref().unwrap_or("")),
            points_text(row.total),
            row.grade
        );
        if batch.compared {
            let previous = row.previous_total.map(points_text).unwrap_or_default();
            let change = row
                .previous_total
                .map(|p| points_text(row.total - p))
                .unwrap_or_default();
            let _ = write!(out, " {previous} | {change} |");
        }
        for number in &row.numbers {
            let _ = write!(out, " {} |", number.map_or("—".to_string(), points_text));
        }
        for score in &row.sections {
            let _ = write!(
                out,
                " {} |",
                score.map_or("未评估".to_string(), points_text)
            );
        }
        out.push('\n');
    }
    let stats = rule_stats(ruleset, &batch.rows);
    let gaps = common_gaps(&stats, GAPS_LISTED);
    if !gaps.is_empty() {
        out.push_str("\n## 最常见的差距\n\n| 规则 | 要求 | 未完全达标的报告数 |\n|---|---|---:|\n");
        for gap in gaps {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                gap.rule,
                cell(&gap.title),
                gap.gaps()
            );
        }
    }
    for failure in &batch.failures {
        let errors: Vec<String> = failure
            .diags
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        let _ = writeln!(
            out,
            "\n- 无法评分：{}（{}）",
            cell(&failure.file),
            cell(&errors.join(";"))
        );
    }
    let _ = writeln!(
        out,
        "\n---\n\n审计记录：`{}`",
        crate::audit::ruleset_line(ruleset)
    );
    crate::render::zh::punct(&out)
}

/// The summary as a self-contained HTML page.
pub fn to_html(ruleset: &RuleSet, batch: &Batch) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("summary.html", include_str!("../templates/summary.html"))?;
    env.get_template("summary.html")?
        .render(minijinja::context! { summary => to_json(ruleset, batch) })
}
