//! Scoring many reports at once and comparing them: one summary row per report, pass rates per
//! rule across the batch, and the gaps most common across reports.
//!
//! Reports are scored in parallel (rayon) and each is reduced to its summary row as soon as it is
//! scored, so memory stays flat however many reports there are; rows keep the input order.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::check::RuleSet;
use crate::diagnostic::Diag;
use crate::eval::points_text;
use crate::score::score_path;
use crate::syntax::ast::Outcome;

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
    #[serde(skip)]
    pub outcomes: Vec<Outcome>,
    /// The rules whose fix would raise this report's total most, most first.
    pub advice: Vec<AdviceItem>,
    pub input_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdviceItem {
    pub rule: String,
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
}

/// The inputs named on the command line: files as given, directories expanded (not recursively)
/// to their report files, sorted by name.
pub fn inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_default();
            found.retain(|p| {
                p.is_file()
                    && p.extension().is_some_and(|e| {
                        REPORT_EXTENSIONS.iter().any(|r| e.eq_ignore_ascii_case(r))
                    })
            });
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    out
}

/// Scores every input in parallel; `tick` is called once per finished report (for a progress bar).
pub fn score_all(ruleset: &RuleSet, inputs: &[PathBuf], tick: &(dyn Fn() + Sync)) -> Batch {
    let results: Vec<Result<Row, Failure>> = inputs
        .par_iter()
        .map(|path| {
            let result = score_one(ruleset, path);
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

fn score_one(ruleset: &RuleSet, path: &Path) -> Result<Row, Failure> {
    let file = path.display().to_string();
    let scored = score_path(ruleset, path, None).map_err(|diags| Failure {
        file: file.clone(),
        diags,
    })?;
    Ok(row(ruleset, file, &scored))
}

/// Reduces a scored report to its summary row (also used by `fazhi serve` for reports held in
/// memory).
pub fn row(ruleset: &RuleSet, file: String, scored: &crate::score::Scored) -> Row {
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
        outcomes: scored.card.rules.iter().map(|r| r.outcome).collect(),
        advice,
        input_sha256: scored.audit.input_sha256.clone(),
    }
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

/// The summary as CSV: the report rows, a blank line, then one row per rule with its pass rate.
pub fn to_csv(ruleset: &RuleSet, batch: &Batch) -> String {
    let mut out = String::new();
    let mut header = vec![
        "file".to_string(),
        "issuer".into(),
        "year".into(),
        "total".into(),
        "grade".into(),
    ];
    header.extend(ruleset.sections.iter().map(|s| s.id.name.clone()));
    header.extend(
        [
            "top_advice",
            "input_sha256",
            "engine",
            "ruleset",
            "rules_sha256",
        ]
        .map(String::from),
    );
    out.push_str(&csv_line(&header));
    // The audit record on every row, so that any row copied out of the table still says what
    // produced it.
    let engine = crate::audit::engine();
    let ruleset_version = format!("{} {}", ruleset.id, ruleset.version);
    for row in &batch.rows {
        let mut cells = vec![
            row.file.clone(),
            row.issuer.clone().unwrap_or_default(),
            row.year.map(|y| y.to_string()).unwrap_or_default(),
            points_text(row.total),
            row.grade.clone(),
        ];
        cells.extend(
            row.sections
                .iter()
                .map(|s| s.map(points_text).unwrap_or_default()),
        );
        let advice: Vec<String> = row
            .advice
            .iter()
            .map(|a| format!("{} +{}", a.rule, points_text(a.gain)))
            .collect();
        cells.push(advice.join("; "));
        cells.push(row.input_sha256.clone());
        cells.extend([
            engine.clone(),
            ruleset_version.clone(),
            ruleset.digest.rules_sha256.clone(),
        ]);
        out.push_str(&csv_line(&cells));
    }
    out.push('\n');
    out.push_str(&csv_line(
        &[
            "rule",
            "section",
            "title",
            "pass",
            "partial",
            "fail",
            "unknown",
            "not_applicable",
            "pass_rate",
        ]
        .map(String::from),
    ));
    for s in rule_stats(ruleset, &batch.rows) {
        out.push_str(&csv_line(&[
            s.rule.clone(),
            s.section.clone(),
            s.title.clone(),
            s.pass.to_string(),
            s.partial.to_string(),
            s.fail.to_string(),
            s.unknown.to_string(),
            s.not_applicable.to_string(),
            s.pass_rate.map(points_text).unwrap_or_default(),
        ]));
    }
    out
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
    format!("{}\n", quoted.join(","))
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
        "sections": ruleset.sections.iter().map(|s| serde_json::json!({ "id": s.id.name, "title": s.title.text, "weight": points_text(s.weight.value) })).collect::<Vec<_>>(),
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
        let _ = write!(out, ",{} 份无法评分", batch.failures.len());
    }
    out.push_str("。\n\n| 报告 | 发布单位 | 年度 | 总分 | 等级 |");
    for section in &ruleset.sections {
        let _ = write!(
            out,
            " {} ({}) |",
            cell(&section.title.text),
            points_text(section.weight.value)
        );
    }
    out.push_str("\n|---|---|---|---:|---|");
    out.push_str(&"---:|".repeat(ruleset.sections.len()));
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
            "\n- 无法评分:{}({})",
            cell(&failure.file),
            cell(&errors.join(";"))
        );
    }
    let _ = writeln!(
        out,
        "\n---\n\n审计记录:`{}`",
        crate::audit::ruleset_line(ruleset)
    );
    out
}

/// The summary as a self-contained HTML page.
pub fn to_html(ruleset: &RuleSet, batch: &Batch) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("summary.html", include_str!("../templates/summary.html"))?;
    env.get_template("summary.html")?
        .render(minijinja::context! { summary => to_json(ruleset, batch) })
}
