//! `fazhi explain`: a rule in words — what is required, where it comes from, which facts it reads
//! and how points are given.

use std::fmt::Write as _;

use crate::check::RuleSet;
use crate::syntax::ast::{Missing, Partial, Rule, Section};

/// The explanation of one rule, or `None` when no rule has that id.
pub fn rule(ruleset: &RuleSet, id: &str) -> Option<String> {
    let (section, rule) = ruleset.rule(id)?;
    Some(describe(ruleset, section, rule))
}

fn describe(ruleset: &RuleSet, section: &Section, rule: &Rule) -> String {
    let source = ruleset.source(section.file).map(|s| s.text.clone()).unwrap_or_default();
    let code = |span: crate::diagnostic::Span| source.get(span.start..span.end).unwrap_or("").to_string();
    let points = rule.points.map_or("0".into(), |p| p.value.normalize().to_string());
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", rule.id.name, rule.title.text);
    let _ = writeln!(out, "分项:{}(权重 {})", section.title.text, section.weight.value.normalize());
    if let Some(cite) = &rule.cite {
        let _ = writeln!(out, "依据:{}({})", cite.text.text, cite.standing.describe());
    }
    let _ = writeln!(out, "分值:{points} 分");
    if let Some(applies) = &rule.applies {
        let _ = writeln!(out, "适用条件:{}(不成立时本项不适用)", code(applies.span));
    }
    if let Some(require) = &rule.require {
        let _ = writeln!(out, "要求:{}(满足得 {points} 分)", code(require.span));
    }
    match &rule.partial {
        Some(Partial::Linear { expr, from, to, .. }) => {
            let _ = writeln!(out, "部分得分:按 {} 直线计分,{} 得 0 分,{} 得 {points} 分", code(expr.span), code(from.span), code(to.span));
        }
        Some(Partial::Tiers { tiers, .. }) => {
            let _ = writeln!(out, "部分得分:按档次计分");
            for (condition, tier_points) in tiers {
                let _ = writeln!(out, "  {} → {} 分", code(condition.span), tier_points.value.normalize());
            }
        }
        None => {}
    }
    if let Some(deduct) = &rule.deduct {
        let cap = deduct.cap.map_or(points.clone(), |c| c.value.normalize().to_string());
        let _ = writeln!(out, "扣分:{} 每项扣 {} 分,最多扣 {cap} 分,不低于 0 分", code(deduct.expr.span), deduct.per.value.normalize());
    }
    let silence = match rule.missing.map_or(Missing::Unknown, |(m, _)| m) {
        Missing::Unknown => "无证据(计 0 分,单独列出)",
        Missing::Fail => "按未达标计",
        Missing::NotApplicable => "本项不适用",
    };
    let _ = writeln!(out, "报告未提及时:{silence}");
    let mut facts = Vec::new();
    for expr in [&rule.applies, &rule.require].into_iter().flatten() {
        expr.facts(&mut facts);
    }
    if let Some(Partial::Linear { expr, .. }) = &rule.partial {
        expr.facts(&mut facts);
    }
    if let Some(d) = &rule.deduct {
        d.expr.facts(&mut facts);
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "读取的事实:");
        for id in facts {
            let (label, ty) = ruleset.facts.get(id).map_or(("", "".to_string()), |d| (d.label.text.as_str(), d.ty.to_string()));
            let _ = writeln!(out, "  {id} ({ty}):{label}");
        }
    }
    if let Some(help) = &rule.help {
        let _ = writeln!(out, "建议:{}", help.text);
    }
    for note in &rule.notes {
        let _ = writeln!(out, "说明:{}", note.text);
    }
    out
}
