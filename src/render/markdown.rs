//! Markdown for pasting into a 督察 memo: the title, total and grade, a table of section scores,
//! each rule that did not fully pass (message, reasoning, the evidence quoted 「…」, citation,
//! help), the passing and inapplicable rules as one compact list, the advice and the audit line.
//!
//! Text from the report and the rules is escaped outside `code spans`, so a `|` or `*` in a quote
//! cannot break the table or the emphasis.

use std::fmt::Write as _;

use super::zh::punct;
use super::{percent, Context};
use crate::eval::points_text;
use crate::facts::Origin;
use crate::syntax::ast::Outcome;

pub fn score(ctx: &Context<'_>) -> String {
    let (ruleset, card) = (ctx.ruleset, ctx.card);
    let mut out = String::new();

    let mut heading = ctx.info.issuer.clone().unwrap_or_default();
    if let Some(year) = ctx.info.year {
        let _ = write!(heading, "{year}年度");
    }
    heading.push_str("法治政府建设年度报告评分");
    let _ = writeln!(out, "# {}\n", text(&heading));
    let _ = writeln!(out, "- 报告：`{}`", ctx.info.name.replace('`', "'"));
    let _ = writeln!(
        out,
        "- 规则集：{}（`{} {}`）",
        text(&ruleset.title),
        ruleset.id.replace('`', "'"),
        ruleset.version.replace('`', "'")
    );
    let grade = if card.grade.is_empty() {
        "未定级"
    } else {
        card.grade.as_str()
    };
    let _ = writeln!(
        out,
        "- **总分 {} / {}，等级 {}**",
        points_text(card.total),
        points_text(ruleset.total),
        text(grade)
    );
    let _ = writeln!(out, "- {}", card.counts_text());
    for line in ctx.number_lines() {
        let percent = line.percent_text();
        let scaled = line.scaled_text();
        let _ = writeln!(
            out,
            "- {}：{percent}，计 {} / {} 分{scaled}",
            line.label,
            points_text(line.points),
            points_text(line.weight)
        );
    }
    if !ctx.warnings.is_empty() {
        out.push_str("\n> **关于输入的提示**\n");
        for warning in ctx.warnings {
            let _ = writeln!(
                out,
                "> - {}（`{}`）",
                text(&warning.message),
                warning.code.as_str()
            );
        }
    }

    let combined = card.numbers.is_some();
    out.push_str(if combined {
        "\n## 分项得分\n\n| 分项 | 权重 | 覆盖 | 实绩 |\n| --- | ---: | ---: | ---: |\n"
    } else {
        "\n## 分项得分\n\n| 分项 | 权重 | 得分 | 规则得分 / 可得 |\n| --- | ---: | ---: | ---: |\n"
    });
    for s in &card.sections {
        let Some(section) = ruleset.sections.get(s.section) else {
            continue;
        };
        let (third, fourth) = if combined {
            (percent(s.coverage), percent(s.performance))
        } else {
            (
                s.score.map_or("未评估".to_string(), points_text),
                format!("{} / {}", points_text(s.earned), points_text(s.possible)),
            )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {third} | {fourth} |",
            text(&section.title.text),
            points_text(s.weight),
        );
    }
    let _ = writeln!(
        out,
        "| **总分** | {} | **{}** | {} |",
        points_text(ruleset.total),
        points_text(card.total),
        text(grade)
    );

    verdict(ctx, &mut out);

    let open: Vec<_> = card
        .rules
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                Outcome::Fail | Outcome::Partial | Outcome::Unknown
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "\n## 附：逐条说明（未完全达标的规则，{} 项）",
        open.len()
    );
    if open.is_empty() {
        out.push_str("\n全部规则达标或不适用。\n");
    }
    let mut current_section = None;
    for result in open {
        let Some((section, rule)) = ctx.rule_of(result) else {
            continue;
        };
        if current_section != Some(result.section) {
            current_section = Some(result.section);
            let _ = writeln!(out, "\n### {}", text(&section.title.text));
        }
        let _ = writeln!(
            out,
            "\n**{}**〔{}{}〕{} / {} 分 · `{}`\n",
            text(&punct(&rule.title.text)),
            result.outcome.label(),
            result
                .level
                .filter(|l| !matches!(l, crate::eval::Level::Stated | crate::eval::Level::Silent))
                .map_or(String::new(), |l| format!("·{}", l.label())),
            points_text(result.earned),
            points_text(result.points),
            rule.id.name
        );
        // An unknown rule's message is the start of its reasoning; say it once.
        if !result.reasoning.starts_with(&result.message) {
            let _ = writeln!(out, "- 结论：{}", text(&result.message));
        }
        let _ = writeln!(out, "- 计分：{}", text(&punct(&result.reasoning)));
        for fact_id in &result.facts_read {
            let label = ruleset
                .facts
                .get(fact_id)
                .map_or(fact_id.as_str(), |d| d.label.text.as_str());
            match ctx.facts.get(fact_id) {
                Some(fact) => {
                    let manual = if fact.origin == Origin::Manual {
                        "（人工录入）"
                    } else {
                        ""
                    };
                    match &fact.evidence {
                        Some(evidence) => {
                            let _ = writeln!(
                                out,
                                "- 证据：「{}」（{} = {}{manual}）",
                                text(&evidence.quote),
                                text(label),
                                text(&fact.value.to_string())
                            );
                        }
                        None => {
                            let _ = writeln!(
                                out,
                                "- 证据：{} = {}{manual}",
                                text(label),
                                text(&fact.value.to_string())
                            );
                        }
                    }
                }
                None if ctx.facts.is_silent(fact_id) => {
                    let _ = writeln!(out, "- 证据：报告未提及「{}」（人工录入）", text(label));
                }
                None if result.reasoning.contains(&format!("报告未提及{label}")) => {}
                None => {
                    let absent = ctx.facts.absent_text(fact_id, label);
                    let _ = writeln!(out, "- 证据：{}", text(&absent));
                }
            }
        }
        if let Some(cite) = &rule.cite {
            let _ = writeln!(
                out,
                "- 依据：{}（{}）",
                text(&punct(&cite.text.text)),
                cite.standing.describe()
            );
        }
        if let Some(help) = &rule.help {
            let _ = writeln!(out, "- 建议：{}", text(&punct(&help.text)));
        }
    }

    for (outcome, heading) in [
        (Outcome::Pass, "达标的规则"),
        (Outcome::NotApplicable, "不适用的规则"),
    ] {
        let list: Vec<String> = card
            .rules
            .iter()
            .filter(|r| r.outcome == outcome)
            .filter_map(|r| {
                let (_, rule) = ctx.rule_of(r)?;
                Some(format!(
                    "{}（{}）",
                    text(&punct(&rule.title.text)),
                    points_text(r.earned)
                ))
            })
            .collect();
        if !list.is_empty() {
            let _ = writeln!(
                out,
                "\n## {heading}（{} 项）\n\n{}",
                list.len(),
                list.join("；")
            );
        }
    }

    if !ctx.advice.is_empty() {
        out.push_str("\n## 全部改进建议（按可提高的总分排序）\n\n");
        for (n, item) in ctx.advice_items().enumerate() {
            let _ = writeln!(
                out,
                "{}. **+{}** {}（{}）：{}",
                n + 1,
                points_text(item.gain),
                text(&item.rule.title.text),
                item.result.outcome.label(),
                text(item.what)
            );
        }
    }

    let _ = writeln!(
        out,
        "\n---\n\n审计记录：`{}`",
        ctx.audit.line().replace('`', "'")
    );
    // Chinese sentences with Chinese punctuation, from the rule files' text too; the report's
    // quotes 「…」 and code spans stay as they are.
    punct(&out)
}

/// The verdict page's order (`verdict.rs`): rules failed or partly met with their reason and the
/// report's sentence, what the report leaves out by section, and the three best improvements.
fn verdict(ctx: &Context<'_>, out: &mut String) {
    use super::verdict::{evidence_line, missing, short, IMPROVEMENTS};
    let failed: Vec<_> = ctx
        .card
        .rules
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail | Outcome::Partial))
        .filter(|r| r.level != Some(crate::eval::Level::Silent))
        .collect();
    let _ = writeln!(out, "\n## 未达标与部分达标（{} 项）\n", failed.len());
    if failed.is_empty() {
        out.push_str("无。\n");
    }
    for (n, result) in failed.iter().enumerate() {
        let Some((_, rule)) = ctx.rule_of(result) else {
            continue;
        };
        let level = result
            .level
            .filter(|l| *l != crate::eval::Level::Stated)
            .map_or(String::new(), |l| format!("·{}", l.label()));
        let _ = writeln!(
            out,
            "{}. **{}**（{}{level}，{} / {} 分）\n   - 理由：{}\n   - {}",
            n + 1,
            text(&short(&rule.title.text)),
            result.outcome.label(),
            points_text(result.earned),
            points_text(result.points),
            text(&punct(&result.message)),
            text(&evidence_line(ctx, result))
        );
    }
    let missing = missing(ctx);
    let count: usize = missing.iter().map(|(_, names)| names.len()).sum();
    let _ = writeln!(out, "\n## 待补充材料（报告未提及，{count} 项）\n");
    if missing.is_empty() {
        out.push_str("无。\n");
    }
    for (section, names) in &missing {
        let names: Vec<String> = names.iter().map(|n| text(n)).collect();
        let _ = writeln!(out, "- **{}**：{}", text(section), names.join("；"));
    }
    let advice: Vec<_> = ctx.advice_items().take(IMPROVEMENTS).collect();
    if !advice.is_empty() {
        out.push_str("\n## 最值得改进的三项\n\n");
        for (n, item) in advice.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. **+{} 分** {}：{}",
                n + 1,
                points_text(item.gain),
                text(&short(&item.rule.title.text)),
                text(&punct(item.what))
            );
        }
    }
}

/// One line of Markdown text: newlines become spaces, and outside `code spans` the characters
/// that would start markup (and `|`, which would end a table cell) are backslash-escaped.
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let code_spans = raw.matches('`').count() >= 2 && raw.matches('`').count().is_multiple_of(2);
    let mut in_code = false;
    for c in raw.chars() {
        match c {
            '\r' => {}
            '\n' => out.push(' '),
            '`' if code_spans => {
                in_code = !in_code;
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '<' | '>' | '[' | ']' | '#' | '`' | '~' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn markup_is_escaped_outside_code_spans() {
        assert_eq!(
            text("满足 `a_b | c`,得 *1* 分"),
            "满足 `a_b \\| c`,得 \\*1\\* 分"
        );
        assert_eq!(text("a`b"), "a\\`b");
        assert_eq!(text("第一行\n第二行"), "第一行 第二行");
    }
}
