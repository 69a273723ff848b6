//! The verdict page: what `fazhi score REPORT` prints for the people who act on a score (司法局,
//! 依法治X办 staff), in Chinese and on about one screen — who issued the report and for which
//! year, the total and grade, the sections, each rule failed or partly met with one line of
//! reason and the report's own sentence, what the report leaves out (待补充材料), and the three
//! improvements worth most. Codes, rule-file locations and patterns are left to `--detail` and the
//! machine formats.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use super::zh::{punct, sentence};
use super::{percent, Context};
use crate::eval::{points_text, Level, RuleResult};
use crate::syntax::ast::Outcome;

/// How many improvements the page lists.
pub const IMPROVEMENTS: usize = 3;
/// The page's width in terminal columns (a CJK character takes two).
const WIDTH: usize = 100;
/// How many characters of the report's sentence are quoted.
const QUOTE_CHARS: usize = 60;

pub fn page(ctx: &Context<'_>) -> String {
    let (ruleset, card) = (ctx.ruleset, ctx.card);
    let mut out = String::new();
    let _ = writeln!(out, "{}", heading(ctx));
    let _ = writeln!(out, "报告文件：{}", ctx.info.name);
    for warning in ctx
        .warnings
        .iter()
        .filter(|w| w.code == crate::diagnostic::Code::ScoreNotAReport)
    {
        let _ = writeln!(out, "\n！！ 注意：{}", punct(&warning.message));
    }
    let grade = if card.grade.is_empty() {
        "—"
    } else {
        card.grade.as_str()
    };
    let _ = writeln!(
        out,
        "\n总分 {} / {}  等级 {}",
        points_text(card.total),
        ruleset.total.normalize(),
        grade
    );
    let _ = writeln!(out, "{}", punct(&card.counts_text()));
    let numbers = ctx.number_lines();
    if !numbers.is_empty() {
        out.push_str("\n总分的构成\n");
        let width = numbers.iter().map(|n| n.label.width()).max().unwrap_or(0);
        for line in &numbers {
            let percent = line.percent_text();
            let scaled = line.scaled.map_or(String::new(), |f| {
                format!("（覆盖度不足，按 {} 折算）", points_text(f))
            });
            let _ = writeln!(
                out,
                "  {}  {:>7}  → {:>5} / {} 分{scaled}",
                pad(line.label, width),
                percent,
                points_text(line.points),
                points_text(line.weight)
            );
        }
    }

    let combined = card.numbers.is_some();
    let titles: Vec<String> = ruleset
        .sections
        .iter()
        .map(|s| short(&s.title.text))
        .collect();
    let width = titles.iter().map(|t| t.width()).max().unwrap_or(0);
    if combined {
        out.push_str(
            "\n分项得分（得分 / 满分，覆盖：报告述及的要求所占分值，实绩：述及事项的得分率）\n",
        );
    } else {
        out.push_str("\n分项得分（得分 / 满分）\n");
    }
    for result in &card.sections {
        let Some(title) = titles.get(result.section) else {
            continue;
        };
        let score = result.score.map_or("未评估".to_string(), points_text);
        let mut line = format!(
            "  {}  {} / {:>5}",
            pad(title, width),
            right(&score, 6),
            points_text(result.weight)
        );
        if combined {
            let _ = write!(
                line,
                "  覆盖 {:>4}  实绩 {:>4}",
                percent(result.coverage),
                percent(result.performance)
            );
        }
        let _ = writeln!(out, "{line}");
    }

    // Rules the report addresses but falls short on; what it is silent on is listed after, as
    // material to add.
    let failed: Vec<&RuleResult> = card
        .rules
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail | Outcome::Partial))
        .filter(|r| r.level != Some(Level::Silent))
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n未达标与部分达标（{} 项）", failed.len());
    }
    for (n, result) in failed.iter().enumerate() {
        let Some((_, rule)) = ctx.rule_of(result) else {
            continue;
        };
        let level = result
            .level
            .filter(|l| *l != Level::Stated)
            .map_or(String::new(), |l| format!("·{}", l.label()));
        wrap(
            &mut out,
            &format!("  {}. ", n + 1),
            &format!(
                "{}（{}{level}，{} / {} 分）",
                short(&rule.title.text),
                result.outcome.label(),
                points_text(result.earned),
                points_text(result.points)
            ),
        );
        wrap(&mut out, "     理由：", &punct(&result.message));
        wrap(&mut out, "     ", &evidence_line(ctx, result));
    }

    let missing = missing(ctx);
    if !missing.is_empty() {
        let count: usize = missing.iter().map(|(_, names)| names.len()).sum();
        let _ = writeln!(out, "\n待补充材料（报告未提及，{count} 项，按分项列出）");
        for (section, names) in &missing {
            wrap_under(&mut out, &format!("  {section}："), &names.join("；"), 6);
        }
    }

    let advice: Vec<_> = ctx.advice_items().take(IMPROVEMENTS).collect();
    if !advice.is_empty() {
        out.push_str("\n最值得改进的三项（按可提高的总分排序）\n");
        for (n, item) in advice.iter().enumerate() {
            wrap(
                &mut out,
                &format!("  {}. +{} 分  ", n + 1, points_text(item.gain)),
                &punct(&format!("{}：{}", short(&item.rule.title.text), item.what)),
            );
        }
    }
    let _ = writeln!(
        out,
        "\n逐条说明（含规则位置、匹配表述和诊断代码）：fazhi score {} --detail",
        ctx.info.name
    );
    let _ = writeln!(out, "{}", ctx.audit.line());
    out
}

/// 待补充材料: the requirements the report is silent on (level 未提及), by section, as short
/// titles: [`Context::missing_materials`] in the verdict's words.
pub fn missing(ctx: &Context<'_>) -> Vec<(String, Vec<String>)> {
    ctx.missing_materials()
        .into_iter()
        .map(|g| {
            let names = g.rules.iter().map(|r| short(&r.title.text)).collect();
            (short(&g.section.title.text), names)
        })
        .collect()
}

/// `郴州市人民政府 2024年度法治政府建设年度报告 评分`.
pub fn heading(ctx: &Context<'_>) -> String {
    let issuer = ctx.info.issuer.as_deref().unwrap_or("（发布单位未识别）");
    let year = ctx
        .info
        .year
        .map_or("（年度未识别）".to_string(), |y| format!("{y}年度"));
    format!("{issuer} {year}法治政府建设年度报告 评分")
}

/// The report's own sentence behind a result, or what the report does not say.
pub fn evidence_line(ctx: &Context<'_>, result: &RuleResult) -> String {
    let words = result.words.iter();
    let facts = result
        .facts_read
        .iter()
        .filter_map(|id| ctx.facts.get(id)?.evidence.as_ref());
    let found = words.chain(facts).find_map(|evidence| match ctx.report {
        Some(report) => sentence(report, ctx.article, evidence, QUOTE_CHARS)
            .map(|(line, text)| format!("原文（第 {line} 行）：「{text}」")),
        None => Some(format!("原文（人工录入）：「{}」", evidence.quote)),
    });
    found.unwrap_or_else(|| {
        let undefined: Vec<String> = result
            .facts_read
            .iter()
            .filter(|id| ctx.facts.get(id).is_none())
            .filter_map(|id| {
                let label = ctx.ruleset.facts.get(id)?.label.text.as_str();
                ctx.facts
                    .undefined
                    .contains_key(id.as_str())
                    .then(|| ctx.facts.absent_text(id, label))
            })
            .collect();
        if !undefined.is_empty() {
            return format!("原文：{}", undefined.join("；"));
        }
        let labels: Vec<&str> = result
            .facts_read
            .iter()
            .filter(|id| ctx.facts.get(id).is_none())
            .filter_map(|id| ctx.ruleset.facts.get(id).map(|d| d.label.text.as_str()))
            .collect();
        format!("原文：报告未提及「{}」", labels.join("」「"))
    })
}

/// A title without its trailing parenthetical note: `政务服务事项全程网办率(地方考核惯例:90%以上)`
/// → `政务服务事项全程网办率`.
pub fn short(title: &str) -> String {
    let trimmed = title.trim_end();
    let cut = if trimmed.ends_with(')') || trimmed.ends_with('）') {
        trimmed.rfind(['(', '（']).filter(|&i| i > 0)
    } else {
        None
    };
    punct(cut.map_or(trimmed, |i| &trimmed[..i]))
}

/// `text` right-aligned in `width` columns (`{:>6}` counts characters, not columns).
fn right(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// Appends `first` then `text`, wrapped at the page width; continuation lines are indented to
/// where the text began.
fn wrap(out: &mut String, first: &str, text: &str) {
    wrap_under(out, first, text, first.width());
}

/// [`wrap`] with continuation lines indented by `indent` columns. A line never starts with
/// closing punctuation (避头点): it stays at the end of the line before.
fn wrap_under(out: &mut String, first: &str, text: &str, indent: usize) {
    let indent = " ".repeat(indent);
    let mut line = first.to_string();
    let mut used = first.width();
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        let closing = "，。；：、）」』》！？”".contains(c);
        // Nor is a number or a word cut in two, unless it runs far past the edge.
        let in_word = c.is_ascii_alphanumeric()
            && line
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphanumeric())
            && used + w <= WIDTH + 8;
        if used + w > WIDTH && used > indent.len() && !closing && !in_word {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
            used = indent.len();
        }
        if c == ' ' && used == indent.len() {
            continue;
        }
        line.push(c);
        used += w;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_titles_drop_their_trailing_note() {
        assert_eq!(
            short("政务服务事项全程网办率(地方考核惯例:90%以上)"),
            "政务服务事项全程网办率"
        );
        assert_eq!(
            short("二、健全政府机构职能体系"),
            "二、健全政府机构职能体系"
        );
        assert_eq!(short("(全部)"), "（全部）");
    }

    #[test]
    fn long_text_wraps_at_the_page_width_under_its_label() {
        let mut out = String::new();
        wrap(&mut out, "  甲：", &"乙".repeat(60));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines.iter().all(|l| l.width() <= WIDTH));
        assert!(lines[1].starts_with("      乙"), "{out}");
    }
}
