//! The human report. By default the one-screen verdict page (`verdict.rs`); with `--detail` the
//! full account: one miette diagnostic per rule, each pointing at the rule in its `.fz` file and at
//! the evidence in the report, then a table of section scores, the total and the grade.

use std::fmt::Write as _;

use miette::Severity;
use unicode_width::UnicodeWidthStr;

use super::zh::punct;
use super::{diagnostic, percent, Context};
use crate::check::RuleSet;
use crate::diagnostic::{Code, Diag, Source};
use crate::eval::{points_text, RuleResult, Scorecard};
use crate::facts::{Facts, Origin};
use crate::syntax::ast::Outcome;

pub struct Options {
    /// The full per-rule account instead of the verdict page.
    pub detail: bool,
    pub color: bool,
}

pub fn score(ctx: &Context<'_>, options: &Options) -> String {
    if !options.detail {
        return super::verdict::page(ctx);
    }
    let (ruleset, card) = (ctx.ruleset, ctx.card);
    let mut out = String::new();
    for result in &card.rules {
        if let Some(diag) = rule_diagnostic(ruleset, result, ctx.facts, ctx.report, ctx.article) {
            out.push_str(&diagnostic(&diag, options.color));
            out.push('\n');
        }
    }
    let _ = writeln!(out, "{}", ctx.info.title());
    out.push_str(&table(ruleset, card));
    out.push_str(&numbers(ctx));
    out.push_str(&missing_materials(ctx));
    out.push_str(&advice(ctx));
    let _ = writeln!(out, "\n{}", ctx.audit.line());
    out
}

/// The scoring model's three numbers, each with what it adds to the total.
pub fn numbers(ctx: &Context<'_>) -> String {
    let lines = ctx.number_lines();
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n总分的构成：\n");
    for line in lines {
        let percent = line.percent_text();
        let scaled = line.scaled_text();
        let _ = writeln!(
            out,
            "  {} {}  → {} / {} 分{scaled}",
            pad(line.label, 14),
            percent,
            points_text(line.points),
            points_text(line.weight)
        );
    }
    out
}

/// 待补充材料: what the report leaves out, by section, titles only.
pub fn missing_materials(ctx: &Context<'_>) -> String {
    let groups = ctx.missing_materials();
    if groups.is_empty() {
        return String::new();
    }
    let count: usize = groups.iter().map(|g| g.rules.len()).sum();
    let mut out = format!("\n待补充材料（报告未提及，共 {count} 项）：\n");
    for group in groups {
        let titles: Vec<String> = group.rules.iter().map(|r| punct(&r.title.text)).collect();
        let _ = writeln!(
            out,
            "  {}：{}",
            punct(&group.section.title.text),
            titles.join("；")
        );
    }
    out
}

/// The rules that would raise the score most, in the government office's words.
pub fn advice(ctx: &Context<'_>) -> String {
    let mut out = String::new();
    if ctx.advice.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\n改进建议（按可提高的总分排序）：");
    for (n, item) in ctx.advice_items().take(ADVICE_SHOWN).enumerate() {
        let _ = writeln!(
            out,
            "  {}. [+{}] {}",
            n + 1,
            points_text(item.gain),
            punct(&format!(
                "{}（{}）：{}",
                item.rule.title.text,
                item.result.outcome.label(),
                item.what
            ))
        );
    }
    if ctx.advice.len() > ADVICE_SHOWN {
        let _ = writeln!(
            out,
            "  …另有 {} 项，见 --format json 的 advice",
            ctx.advice.len() - ADVICE_SHOWN
        );
    }
    out
}

/// How many advice items the terminal shows; JSON has them all.
const ADVICE_SHOWN: usize = 10;

/// The diagnostic for one rule's result.
pub fn rule_diagnostic(
    ruleset: &RuleSet,
    result: &RuleResult,
    facts: &Facts,
    report: Option<&Source>,
    article: Option<&Source>,
) -> Option<Diag> {
    let section = ruleset.sections.get(result.section)?;
    let rule = section.rules.get(result.rule)?;
    let (code, severity) = match result.outcome {
        Outcome::Fail => (Code::ScoreRuleFail, Severity::Error),
        Outcome::Partial => (Code::ScoreRulePartial, Severity::Warning),
        Outcome::Unknown => (Code::ScoreRuleUnknown, Severity::Warning),
        Outcome::Pass => (Code::ScoreRulePass, Severity::Advice),
        Outcome::NotApplicable => (Code::ScoreRuleNotApplicable, Severity::Advice),
    };
    let mut help = punct(&result.reasoning);
    if let Some(cite) = &rule.cite {
        let _ = write!(
            help,
            "\n依据：{}",
            punct(&format!(
                "{}（{}）",
                cite.text.text,
                cite.standing.describe()
            ))
        );
    }
    if let Some(rule_help) = rule
        .help
        .as_ref()
        .filter(|_| result.outcome != Outcome::Pass)
    {
        let _ = write!(help, "\n建议：{}", punct(&rule_help.text));
    }
    let mut diag = Diag::new(
        code,
        severity,
        format!(
            "{} {}",
            rule.id.name,
            punct(&format!("{}：{}", rule.title.text, result.message))
        ),
    )
    .label(
        rule.id.span,
        format!(
            "{}{} {} / {}",
            result.outcome.label(),
            result
                .level
                .filter(|l| *l != crate::eval::Level::Stated)
                .map_or(String::new(), |l| format!("（{}）", l.label())),
            points_text(result.earned),
            points_text(result.points)
        ),
    )
    .help(help);
    if let Some(source) = ruleset.source(rule.file) {
        diag = diag.in_source(source);
    }
    for fact_id in &result.facts_read {
        let label = ruleset
            .facts
            .get(fact_id)
            .map_or(fact_id.as_str(), |d| d.label.text.as_str());
        let related = match facts.get(fact_id) {
            Some(fact) => {
                let origin = if fact.origin == Origin::Manual {
                    "（人工录入）"
                } else {
                    ""
                };
                let finding =
                    Diag::advice(code, format!("报告原文：{label} = {}{origin}", fact.value));
                let label = format!("{fact_id} = {}", fact.value);
                // A web page's markup means nothing to a reader: its article text is shown,
                // located in the page.
                let in_article = article.zip(fact.evidence.as_ref().and_then(|e| e.text_span));
                match (&fact.evidence, report, in_article) {
                    (Some(evidence), Some(report), Some((article, shown))) => {
                        finding.in_window_of(report, evidence.span, article, shown, &label)
                    }
                    (Some(evidence), Some(report), None) => {
                        finding.in_window(report, evidence.span, evidence.value_span, &label)
                    }
                    (Some(evidence), None, _) => {
                        Diag::advice(code, format!("报告原文：「{}」{origin}", evidence.quote))
                    }
                    (None, _, _) => finding,
                }
            }
            None => {
                let searched = ruleset
                    .facts
                    .get(fact_id)
                    .map(crate::extract::searched)
                    .unwrap_or_default();
                let mut message = format!("{}（{fact_id}）", facts.absent_text(fact_id, label));
                if facts.is_silent(fact_id) {
                    message.push_str("（人工录入）");
                    diag = diag.related(Diag::advice(code, message));
                    continue;
                }
                if !searched.is_empty() {
                    let _ = write!(message, "；查找的表述：{}", searched.join("；"));
                }
                Diag::advice(code, message)
            }
        };
        diag = diag.related(related);
    }
    Some(diag)
}

/// Section scores (or, under a combined total, each section's coverage and performance), the
/// total and the grade, aligned by display width (CJK counts double).
pub fn table(ruleset: &RuleSet, card: &Scorecard) -> String {
    let combined = card.numbers.is_some();
    let mut out = String::from("分项得分\n");
    let width = ruleset
        .sections
        .iter()
        .map(|s| punct(&s.title.text).width())
        .max()
        .unwrap_or(0)
        .max(4);
    if combined {
        let _ = writeln!(
            out,
            "  {}  {:>6}  {:>6}  {:>6}",
            pad("分项", width),
            "权重",
            "覆盖",
            "实绩"
        );
    } else {
        let _ = writeln!(
            out,
            "  {}  {:>6}  {:>6}",
            pad("分项", width),
            "权重",
            "得分"
        );
    }
    for result in &card.sections {
        let Some(section) = ruleset.sections.get(result.section) else {
            continue;
        };
        let title = pad(&punct(&section.title.text), width);
        let weight = points_text(result.weight);
        if combined {
            let _ = writeln!(
                out,
                "  {title}  {weight:>8}  {:>8}  {:>8}",
                percent(result.coverage),
                percent(result.performance)
            );
        } else {
            let score = result.score.map_or("未评估".to_string(), points_text);
            let _ = writeln!(out, "  {title}  {weight:>8}  {score:>8}");
        }
    }
    let _ = writeln!(
        out,
        "\n总分 {} / {}  等级 {}",
        points_text(card.total),
        ruleset.total.normalize(),
        if card.grade.is_empty() {
            "—"
        } else {
            &card.grade
        }
    );
    let _ = writeln!(out, "{}", punct(&card.counts_text()));
    out
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}
