//! `fazhi explain`: a rule in words — what is required, where it comes from, which facts it reads
//! and how points are given.

use std::fmt::Write as _;

use crate::check::RuleSet;
use crate::facts::Facts;
use crate::syntax::ast::{CreditedLevel, Missing, Partial, Rule, Section};

/// The explanation of one rule, or `None` when no rule has that id.
pub fn rule(ruleset: &RuleSet, id: &str) -> Option<String> {
    let (section, rule) = ruleset.rule(id)?;
    let mut out = describe(ruleset, section, rule);
    let _ = writeln!(out, "来源：{}", location(ruleset, rule));
    for applied in ruleset.changes_to(id) {
        let _ = writeln!(
            out,
            "本地修改：{}（overlay {}，{}）",
            applied.describe(),
            applied.overlay,
            ruleset.file_name(applied.file)
        );
    }
    Some(out)
}

/// `rules/17-disputes.fz:42`: where a rule is written.
pub fn location(ruleset: &RuleSet, rule: &Rule) -> String {
    match ruleset.source(rule.file) {
        Some(source) => {
            let line = source
                .text
                .get(..rule.id.span.start)
                .map_or(1, |before| before.matches('\n').count() + 1);
            format!("{}:{line}", source.name)
        }
        None => String::new(),
    }
}

/// A rule switched off by an overlay, in words; `None` when no overlay disabled `id`.
pub fn disabled(ruleset: &RuleSet, id: &str) -> Option<String> {
    let applied = ruleset
        .changes_to(id)
        .find(|a| a.change.kind == crate::syntax::ast::ChangeKind::Disable)?;
    Some(format!(
        "{id}  {}\n(overlay {},{})\n",
        applied.describe(),
        applied.overlay,
        ruleset.file_name(applied.file)
    ))
}

fn describe(ruleset: &RuleSet, section: &Section, rule: &Rule) -> String {
    let source = ruleset
        .source(rule.file)
        .map(|s| s.text.clone())
        .unwrap_or_default();
    let code =
        |span: crate::diagnostic::Span| source.get(span.start..span.end).unwrap_or("").to_string();
    let points = rule
        .points
        .map_or("0".into(), |p| p.value.normalize().to_string());
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", rule.id.name, rule.title.text);
    let _ = writeln!(
        out,
        "分项：{}（权重 {}）",
        section.title.text,
        section.weight.value.normalize()
    );
    if let Some(cite) = &rule.cite {
        let _ = writeln!(
            out,
            "依据：{}（{}）",
            cite.text.text,
            cite.standing.describe()
        );
    }
    let _ = writeln!(out, "分值：{points} 分");
    if let Some(applies) = &rule.applies {
        let _ = writeln!(
            out,
            "适用条件：{}（不成立时本项不适用）",
            code(applies.span)
        );
    }
    if let Some(require) = &rule.require {
        let _ = writeln!(out, "要求：{}（满足得 {points} 分）", code(require.span));
    }
    match &rule.partial {
        Some(Partial::Linear { expr, from, to, .. }) => {
            let _ = writeln!(
                out,
                "部分得分：按 {} 直线计分，{} 得 0 分，{} 得 {points} 分",
                code(expr.span),
                code(from.span),
                code(to.span)
            );
        }
        Some(Partial::Tiers { tiers, .. }) => {
            let _ = writeln!(out, "部分得分：按档次计分");
            for (condition, tier_points) in tiers {
                let _ = writeln!(
                    out,
                    "  `{}` → {} 分",
                    code(condition.span),
                    tier_points.value.normalize()
                );
            }
        }
        None => {}
    }
    if let Some(deduct) = &rule.deduct {
        let cap = deduct
            .cap
            .map_or(points.clone(), |c| c.value.normalize().to_string());
        let _ = writeln!(
            out,
            "扣分：{} 每项扣 {} 分，最多扣 {cap} 分，不低于 0 分",
            code(deduct.expr.span),
            deduct.per.value.normalize()
        );
    }
    let silence = match rule.missing.map_or(Missing::Unknown, |(m, _)| m) {
        Missing::Unknown => "无证据（计 0 分，单独列出）",
        Missing::Fail => "按未达标计",
        Missing::NotApplicable => "本项不适用",
    };
    let _ = writeln!(out, "报告未提及时：{silence}");
    if let Some((kinds, _)) = &rule.issuers {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
        let _ = writeln!(
            out,
            "适用的报告：{}的报告（其他报告本项不适用）",
            kinds.join("、")
        );
    }
    if !rule.mentions.is_empty() {
        let share = |level| {
            let (share, _) = ruleset.credit(section, rule, level);
            share.normalize()
        };
        let _ = writeln!(
            out,
            "只有文字表述时：按本项分值的 {} 计；写在不足部分或以否定语气写出时为自认不足，按 {} 计",
            share(CreditedLevel::Described),
            share(CreditedLevel::Admitted)
        );
        let quoted: Vec<String> = rule
            .mentions
            .iter()
            .map(|m| format!("`{}`", m.text))
            .collect();
        let _ = writeln!(out, "  查找的表述：{}", quoted.join(" "));
    }
    if rule.deduct.is_some() && rule.require.is_none() {
        let _ = writeln!(out, "扣分项：报告未述及违规情形时按满分起算");
    }
    let facts = rule.facts_read();
    if !facts.is_empty() {
        let _ = writeln!(out, "读取的事实：");
        for id in facts {
            let (label, ty) = ruleset.facts.get(id).map_or(("", "".to_string()), |d| {
                (d.label.text.as_str(), d.ty.to_string())
            });
            let _ = writeln!(out, "  `{id}` ({ty}):{label}");
            let searched = ruleset
                .facts
                .get(id)
                .map(crate::extract::searched)
                .unwrap_or_default();
            if !searched.is_empty() {
                let quoted: Vec<String> = searched.iter().map(|p| format!("`{p}`")).collect();
                let _ = writeln!(out, "    查找的表述：{}", quoted.join(" "));
            }
        }
    }
    if let Some(help) = &rule.help {
        let _ = writeln!(out, "建议：{}", help.text);
    }
    for note in &rule.notes {
        let _ = writeln!(out, "说明：{}", note.text);
    }
    crate::render::zh::punct(&out)
}

/// Each step of one rule's evaluation as the evaluator recorded it, numbered, with its values.
pub fn trace(ruleset: &RuleSet, result: &crate::eval::RuleResult) -> String {
    let mut out = String::new();
    let Some(section) = ruleset.sections.get(result.section) else {
        return out;
    };
    let Some(rule) = section.rules.get(result.rule) else {
        return out;
    };
    let at = crate::testing::location(ruleset, section.file, rule.id.span);
    let _ = writeln!(out, "规则 {}（{at}）", rule.id.name);
    for (i, step) in result.trace.iter().enumerate() {
        let _ = writeln!(out, "  {}. {} → {}", i + 1, step.what, step.result);
    }
    out
}

/// A fact in words: its type and label, where in a report and by which phrases it is found, and
/// the rules that read it; `None` when no fact has that id.
pub fn fact(ruleset: &RuleSet, id: &str) -> Option<String> {
    fact_with(ruleset, id, None)
}

/// [`fact`], with the value the fact has in one report's facts (derived facts computed).
pub fn fact_with(ruleset: &RuleSet, id: &str, facts: Option<&Facts>) -> Option<String> {
    let decl = ruleset.facts.get(id)?;
    let mut out = String::new();
    let _ = writeln!(out, "{id}  {}", decl.label.text);
    let _ = writeln!(out, "类型：{}", decl.ty);
    let value = facts.map(|facts| match (facts.get(id), facts.undefined.get(id)) {
        (Some(fact), _) => format!("{}", fact.value),
        (None, Some(reason)) => format!("无法计算：{reason}"),
        (None, None) => "未提及".to_string(),
    });
    if let Some(expr) = &decl.derived {
        let source = ruleset.source(decl.file).map_or("", |s| &*s.text);
        let text = source.get(expr.span.start..expr.span.end).unwrap_or("");
        let _ = writeln!(
            out,
            "派生事实：{id} = {text}（由其他事实算出，不在报告中查找）"
        );
        let _ = writeln!(
            out,
            "无法计算时：任一输入未提及则未知；分母为零则未知，并说明“分母为零”"
        );
        if let Some(value) = value {
            let _ = writeln!(out, "本报告中的值：{value}");
            let mut inputs = Vec::new();
            expr.facts(&mut inputs);
            for input in inputs {
                let shown = facts
                    .and_then(|f| f.get(input))
                    .map_or("未提及".to_string(), |f| f.value.to_string());
                let _ = writeln!(out, "  `{input}` = {shown}");
            }
        }
        append_readers(ruleset, id, &mut out);
        return Some(crate::render::zh::punct(&out));
    }
    if let Some(value) = value {
        let _ = writeln!(out, "本报告中的值：{value}");
    }
    let scope = match crate::extract::default_scope(decl) {
        crate::syntax::ast::Scope::Work => "报告中记述本年度工作的部分（含开头段落）",
        crate::syntax::ast::Scope::Shortcomings => "存在的不足部分",
        crate::syntax::ast::Scope::Plan => "下一年度工作安排部分",
        crate::syntax::ast::Scope::Header => "标题、发布日期和开头段落",
        crate::syntax::ast::Scope::Anywhere => "报告任何部分",
    };
    let _ = writeln!(out, "查找范围：{scope}");
    if decl.patterns.is_empty() {
        let _ = writeln!(out, "查找的表述：无（只能在事实文件中人工录入）");
    } else {
        let _ = writeln!(out, "查找的表述：");
        for pattern in &decl.patterns {
            let _ = writeln!(out, "  `{}`", pattern.text);
        }
    }
    append_readers(ruleset, id, &mut out);
    Some(crate::render::zh::punct(&out))
}

/// `读取它的规则:…`: the rules and derived facts that read a fact.
fn append_readers(ruleset: &RuleSet, id: &str, out: &mut String) {
    let derived: Vec<String> = ruleset
        .facts
        .values()
        .filter(|d| {
            d.derived.as_ref().is_some_and(|e| {
                let mut read = Vec::new();
                e.facts(&mut read);
                read.contains(&id)
            })
        })
        .map(|d| format!("  {}  {}", d.id.name, d.label.text))
        .collect();
    if !derived.is_empty() {
        let _ = writeln!(out, "由它算出的派生事实：\n{}", derived.join("\n"));
    }
    let readers: Vec<String> = ruleset
        .rules()
        .filter(|(_, rule)| rule.facts_read().contains(&id))
        .map(|(_, rule)| format!("  {}  {}", rule.id.name, rule.title.text))
        .collect();
    if readers.is_empty() {
        let _ = writeln!(out, "读取它的规则：无");
    } else {
        let _ = writeln!(out, "读取它的规则：\n{}", readers.join("\n"));
    }
}

/// docs/rules.md: every rule by section, for inspectors — id, title, citation and its standing,
/// points, what is checked in words, and the facts read. `fazhi explain --all --format markdown`
/// writes it; a test keeps the committed copy up to date.
pub fn all_markdown(ruleset: &RuleSet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", ruleset.title);
    let _ = writeln!(out, "<!-- Generated by `fazhi explain --all --format markdown > docs/rules.md`; do not edit by hand. -->\n");
    let _ = writeln!(
        out,
        "规则集 `{}` 版本 {} · 依据：{} · 满分 {} · {} 条规则\n",
        ruleset.id,
        ruleset.version,
        ruleset.source_document,
        ruleset.total.normalize(),
        ruleset.rules().count()
    );
    let bands: Vec<String> = ruleset
        .grades
        .iter()
        .map(|(name, t)| format!("{name} ≥ {}", t.normalize()))
        .collect();
    let _ = writeln!(out, "等级：{}。\n", bands.join("，"));
    if let Some(combination) = &ruleset.combination {
        let _ = writeln!(out, "总分的构成（docs/scoring.md）：\n");
        for part in &combination.parts {
            let from = part.full_from.map_or(String::new(), |f| {
                format!(
                    "，覆盖度达到 {}% 起全额计入",
                    (f.value * rust_decimal::Decimal::ONE_HUNDRED).normalize()
                )
            });
            let _ = writeln!(
                out,
                "- {} {} 分{from}：{}",
                part.number.label(),
                part.weight.value.normalize(),
                part.reason.text
            );
        }
        for credit in &ruleset.credits {
            let label = match credit.level {
                CreditedLevel::Described => "仅文字表述",
                CreditedLevel::Admitted => "自认不足",
            };
            let _ = writeln!(
                out,
                "- {label}：按本项分值的 {} 计。{}",
                credit.share.value.normalize(),
                credit.reason.text
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "依据可信度：已核对原文（verified）= 已对照法律法规或中央文件的正式文本逐条核对，条文支持本项要求；条文出处待核对（recalled）= 尚未找到可供核对的正式文本，条款号与内容有待核对；计分标准为地方考核惯例（local）= 法律依据已核对，但计分的数值标准是地方考核的惯例，中央文件未以此量化形式规定。各条依据的核对出处和原文见 docs/citations.md。\n");
    for section in &ruleset.sections {
        let _ = writeln!(
            out,
            "## {}（权重 {}）\n",
            section.title.text,
            section.weight.value.normalize()
        );
        for note in &section.notes {
            let _ = writeln!(out, "{}\n", note.text);
        }
        for rule in &section.rules {
            let _ = writeln!(out, "### `{}` {}\n", rule.id.name, rule.title.text);
            let body = describe(ruleset, section, rule);
            // The first two lines (title, section) are the heading and the section above.
            // The text form indents sub-items by two spaces a level; Markdown nests list items.
            for line in body.lines().skip(2) {
                let text = line.trim_start();
                let level = (line.len() - text.len()) / 2;
                let _ = writeln!(out, "{}- {text}", "  ".repeat(level));
            }
            out.push('\n');
        }
    }
    crate::render::zh::punct(&out)
}
