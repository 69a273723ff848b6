//! `fazhi compare OLD NEW`: the same issuer's reports of two years, rule by rule — a figure that
//! improved or worsened (quoting both years), evidence that appeared or disappeared, and the change
//! of each section, of the three numbers and of the total — as text, JSON, Markdown or HTML.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde_json::json;

use super::verdict::short;
use super::zh::{punct, sentence};
use super::Context;
use crate::eval::{points_text, RuleResult};

/// How many characters of each year's sentence are quoted.
const QUOTE_CHARS: usize = 60;

/// One fact a changed rule reads, in each year.
pub struct FactChange {
    pub id: String,
    pub label: String,
    /// The value and the report's sentence (with its line), when the year states it.
    pub old: Option<(String, String)>,
    pub new: Option<(String, String)>,
}

/// A rule whose result changed between the years.
pub struct RuleChange {
    pub id: String,
    pub title: String,
    pub old: Side,
    pub new: Side,
    pub facts: Vec<FactChange>,
}

/// A rule's result in one year.
pub struct Side {
    pub outcome: &'static str,
    pub level: Option<&'static str>,
    pub earned: Decimal,
    pub points: Decimal,
}

/// A section, one of the three numbers, or the total, in each year.
pub struct Figure {
    pub label: String,
    pub old: Option<Decimal>,
    pub new: Option<Decimal>,
    /// `%` for shares, empty for points.
    pub unit: &'static str,
}

pub struct Comparison {
    pub issuer: String,
    pub old_year: String,
    pub new_year: String,
    pub old_name: String,
    pub new_name: String,
    pub total: Figure,
    pub old_grade: String,
    pub new_grade: String,
    pub numbers: Vec<Figure>,
    pub sections: Vec<Figure>,
    pub rules: Vec<RuleChange>,
}

/// Compares two scored reports of one rule set.
pub fn compare(old: &Context<'_>, new: &Context<'_>) -> Comparison {
    let year = |ctx: &Context<'_>| {
        ctx.info
            .year
            .map_or("（年度未识别）".to_string(), |y| format!("{y}年"))
    };
    let numbers = {
        let (a, b) = (old.number_lines(), new.number_lines());
        a.iter()
            .zip(b.iter())
            .map(|(a, b)| Figure {
                label: a.label.to_string(),
                old: Some(a.points),
                new: Some(b.points),
                unit: "",
            })
            .collect()
    };
    let sections = old
        .ruleset
        .sections
        .iter()
        .enumerate()
        .filter_map(|(i, section)| {
            let (a, b) = (old.card.sections.get(i)?, new.card.sections.get(i)?);
            (a.score != b.score).then(|| Figure {
                label: short(&section.title.text),
                old: a.score.map(crate::eval::round2),
                new: b.score.map(crate::eval::round2),
                unit: "",
            })
        })
        .collect();
    let rules = old
        .card
        .rules
        .iter()
        .zip(new.card.rules.iter())
        .filter_map(|(a, b)| rule_change(old, new, a, b))
        .collect();
    Comparison {
        issuer: new
            .info
            .issuer
            .clone()
            .or_else(|| old.info.issuer.clone())
            .unwrap_or_else(|| "（发布单位未识别）".to_string()),
        old_year: year(old),
        new_year: year(new),
        old_name: old.info.name.clone(),
        new_name: new.info.name.clone(),
        total: Figure {
            label: "总分".into(),
            old: Some(old.card.total),
            new: Some(new.card.total),
            unit: "",
        },
        old_grade: old.card.grade.clone(),
        new_grade: new.card.grade.clone(),
        numbers,
        sections,
        rules,
    }
}

fn side(result: &RuleResult) -> Side {
    Side {
        outcome: result.outcome.label(),
        level: result.level.map(|l| l.label()),
        earned: result.earned,
        points: result.points,
    }
}

fn rule_change(
    old: &Context<'_>,
    new: &Context<'_>,
    a: &RuleResult,
    b: &RuleResult,
) -> Option<RuleChange> {
    let (_, rule) = new.rule_of(b)?;
    let facts: Vec<FactChange> = b
        .facts_read
        .iter()
        .filter_map(|id| {
            let (x, y) = (stated(old, id), stated(new, id));
            let same = x.as_ref().map(|v| &v.0) == y.as_ref().map(|v| &v.0);
            (!same).then(|| FactChange {
                id: id.clone(),
                label: new
                    .ruleset
                    .facts
                    .get(id)
                    .map_or(id.clone(), |d| d.label.text.clone()),
                old: x,
                new: y,
            })
        })
        .collect();
    let mut facts = facts;
    // Words behind a description that appeared or disappeared.
    let words = |ctx: &Context<'_>, r: &RuleResult| {
        let evidence = r.words.as_ref()?;
        let report = ctx.report?;
        sentence(report, ctx.article, evidence, QUOTE_CHARS).map(|(line, text)| {
            (
                "有文字表述".to_string(),
                format!("第 {line} 行：「{text}」"),
            )
        })
    };
    let (x, y) = (words(old, a), words(new, b));
    if x.is_some() != y.is_some() {
        facts.push(FactChange {
            id: String::new(),
            label: "文字表述".into(),
            old: x,
            new: y,
        });
    }
    let changed = a.outcome != b.outcome || a.earned != b.earned || a.level != b.level;
    // A new year and a new publication date are what a second year is; only what they change
    // in the result is worth a line.
    let dated = |id: &str| {
        new.facts.get(id).is_some_and(|f| {
            matches!(
                f.value,
                crate::value::Value::Year(_) | crate::value::Value::Date(_)
            )
        })
    };
    if !changed && facts.iter().all(|f| dated(&f.id)) {
        return None;
    }
    (changed || !facts.is_empty()).then(|| RuleChange {
        id: rule.id.name.clone(),
        title: short(&rule.title.text),
        old: side(a),
        new: side(b),
        facts,
    })
}

/// A fact's value and the report's sentence stating it (`第 15 行：「…」`).
fn stated(ctx: &Context<'_>, id: &str) -> Option<(String, String)> {
    let fact = ctx.facts.get(id)?;
    let quote = match (&fact.evidence, ctx.report) {
        (Some(evidence), Some(report)) => sentence(report, ctx.article, evidence, QUOTE_CHARS)
            .map_or(String::new(), |(line, text)| {
                format!("第 {line} 行：「{text}」")
            }),
        (Some(evidence), None) => format!("「{}」", evidence.quote),
        (None, _) => String::new(),
    };
    Some((fact.value.to_string(), quote))
}

fn signed(value: Decimal) -> String {
    if value > Decimal::ZERO {
        format!("+{}", points_text(value))
    } else {
        points_text(value)
    }
}

impl Figure {
    /// `76.97 → 78.10（+1.13）`.
    pub fn text(&self) -> String {
        let show = |v: Option<Decimal>| v.map_or("未评估".to_string(), points_text);
        let delta = match (self.old, self.new) {
            (Some(a), Some(b)) => format!("（{}）", signed(b - a)),
            _ => String::new(),
        };
        format!("{} → {}{delta}", show(self.old), show(self.new))
    }
}

impl Side {
    /// `部分达标·仅文字表述 0.50 / 1.00`.
    pub fn text(&self) -> String {
        let level = self
            .level
            .filter(|l| *l != "量化或明确表述")
            .map_or(String::new(), |l| format!("·{l}"));
        format!(
            "{}{level} {} / {}",
            self.outcome,
            points_text(self.earned),
            points_text(self.points)
        )
    }
}

impl FactChange {
    /// What happened to the fact, in words: changed, appeared, disappeared.
    pub fn what(&self) -> String {
        match (&self.old, &self.new) {
            (Some((a, _)), Some((b, _))) => format!("{}：{a} → {b}", self.label),
            (None, Some((b, _))) => format!("{}：新出现（{b}）", self.label),
            (Some((a, _)), None) => format!("{}：不再提及（原为 {a}）", self.label),
            (None, None) => self.label.clone(),
        }
    }
}

impl RuleChange {
    pub fn delta(&self) -> Decimal {
        self.new.earned - self.old.earned
    }
}

/// The comparison for the terminal.
pub fn human(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} 法治政府建设年度报告对比：{} → {}",
        c.issuer, c.old_year, c.new_year
    );
    let _ = writeln!(out, "报告文件：{} → {}", c.old_name, c.new_name);
    let _ = writeln!(
        out,
        "\n总分 {}  等级 {} → {}",
        c.total.text(),
        c.old_grade,
        c.new_grade
    );
    for n in &c.numbers {
        let _ = writeln!(out, "  {} {}", n.label, n.text());
    }
    if !c.sections.is_empty() {
        out.push_str("\n分项得分的变化\n");
        for s in &c.sections {
            let _ = writeln!(out, "  {}  {}", s.label, s.text());
        }
    }
    let _ = writeln!(out, "\n逐条变化（{} 条规则）", c.rules.len());
    rule_list(c, &mut out, ["  ", "", "     ", "       "]);
    out
}

/// The changed rules as a numbered list: `marks` are the item's indent, the emphasis around its
/// title, and the prefixes of a fact's line and of its quotes.
fn rule_list(c: &Comparison, out: &mut String, marks: [&str; 4]) {
    let [indent, strong, fact, quote_mark] = marks;
    for (i, r) in c.rules.iter().enumerate() {
        let _ = writeln!(
            out,
            "{indent}{}. {strong}{}{strong}（{}）：{} → {}",
            i + 1,
            r.title,
            signed(r.delta()),
            r.old.text(),
            r.new.text()
        );
        for f in &r.facts {
            let _ = writeln!(out, "{fact}{}", punct(&f.what()));
            for (year, side) in [(&c.old_year, &f.old), (&c.new_year, &f.new)] {
                if let Some((_, quote)) = side.as_ref().filter(|(_, q)| !q.is_empty()) {
                    let _ = writeln!(out, "{quote_mark}{year} {quote}");
                }
            }
        }
    }
}

/// The comparison as JSON (docs/json.md, "Comparison").
pub fn to_json(c: &Comparison) -> serde_json::Value {
    let figure = |f: &Figure| {
        json!({
            "label": f.label,
            "old": f.old.map(points_text),
            "new": f.new.map(points_text),
            "change": f.old.zip(f.new).map(|(a, b)| points_text(b - a)),
        })
    };
    let side = |s: &Side| json!({ "outcome": s.outcome, "level": s.level, "earned": points_text(s.earned), "points": points_text(s.points) });
    let stated = |v: &Option<(String, String)>| {
        v.as_ref()
            .map(|(value, quote)| json!({ "value": value, "quote": quote }))
    };
    json!({
        "schema_version": crate::render::json::SCHEMA_VERSION,
        "issuer": c.issuer,
        "old": { "file": c.old_name, "year": c.old_year, "grade": c.old_grade },
        "new": { "file": c.new_name, "year": c.new_year, "grade": c.new_grade },
        "total": figure(&c.total),
        "numbers": c.numbers.iter().map(figure).collect::<Vec<_>>(),
        "sections": c.sections.iter().map(figure).collect::<Vec<_>>(),
        "rules": c.rules.iter().map(|r| json!({
            "rule": r.id,
            "title": r.title,
            "old": side(&r.old),
            "new": side(&r.new),
            "change": points_text(r.delta()),
            "facts": r.facts.iter().map(|f| json!({ "fact": f.id, "label": f.label, "old": stated(&f.old), "new": stated(&f.new) })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The comparison as Markdown, for a memo.
pub fn markdown(c: &Comparison) -> String {
    let cell = |t: &str| t.replace('|', "\\|");
    let mut out = format!(
        "# {} 法治政府建设年度报告对比：{} → {}\n\n- 报告：`{}` → `{}`\n- **总分 {}，等级 {} → {}**\n",
        c.issuer, c.old_year, c.new_year, c.old_name, c.new_name, c.total.text(), c.old_grade, c.new_grade
    );
    for n in &c.numbers {
        let _ = writeln!(out, "- {}：{}", n.label, n.text());
    }
    if !c.sections.is_empty() {
        out.push_str("\n## 分项得分的变化\n\n| 分项 | 变化 |\n| --- | --- |\n");
        for s in &c.sections {
            let _ = writeln!(out, "| {} | {} |", cell(&s.label), s.text());
        }
    }
    let _ = writeln!(out, "\n## 逐条变化（{} 条规则）\n", c.rules.len());
    rule_list(c, &mut out, ["", "**", "   - ", "     - "]);
    out
}

/// The comparison as a self-contained HTML page.
pub fn html(c: &Comparison) -> String {
    let e = super::html::escape;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} 法治政府建设年度报告对比</title>\n<style>\nbody {{ font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif; margin: 2em; color: #222; }}\ntable {{ border-collapse: collapse; margin: 1em 0; }}\nth, td {{ border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}\nth {{ background: #f0f0f0; white-space: nowrap; }}\n.up {{ color: #1b7f3b; }} .down {{ color: #b3261e; }}\nblockquote {{ margin: 0.2em 0 0.2em 1em; color: #555; }}\n</style>\n</head>\n<body>\n<h1>{} 法治政府建设年度报告对比：{} → {}</h1>\n<p>报告：{} → {}</p>\n<p><strong>总分 {}</strong>，等级 {} → {}</p>\n<ul>\n",
        e(&c.issuer), e(&c.issuer), e(&c.old_year), e(&c.new_year), e(&c.old_name), e(&c.new_name), e(&c.total.text()), e(&c.old_grade), e(&c.new_grade)
    );
    for n in &c.numbers {
        let _ = writeln!(out, "<li>{}：{}</li>", e(&n.label), e(&n.text()));
    }
    out.push_str("</ul>\n");
    if !c.sections.is_empty() {
        out.push_str("<h2>分项得分的变化</h2>\n<table>\n<tr><th>分项</th><th>变化</th></tr>\n");
        for s in &c.sections {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                e(&s.label),
                e(&s.text())
            );
        }
        out.push_str("</table>\n");
    }
    let _ = writeln!(
        out,
        "<h2>逐条变化（{} 条规则）</h2>\n<table>\n<tr><th>规则</th><th>变化</th><th>{}</th><th>{}</th><th>报告原文</th></tr>",
        c.rules.len(),
        e(&c.old_year),
        e(&c.new_year)
    );
    for r in &c.rules {
        let class = if r.delta() > Decimal::ZERO {
            "up"
        } else if r.delta() < Decimal::ZERO {
            "down"
        } else {
            ""
        };
        let facts: String = r
            .facts
            .iter()
            .map(|f| {
                let quotes: String = [(&c.old_year, &f.old), (&c.new_year, &f.new)]
                    .iter()
                    .filter_map(|(year, side)| {
                        let (_, quote) = side.as_ref().filter(|(_, q)| !q.is_empty())?;
                        Some(format!("<blockquote>{} {}</blockquote>", e(year), e(quote)))
                    })
                    .collect();
                format!("<div>{}</div>{quotes}", e(&punct(&f.what())))
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}<br><small>{}</small></td><td class=\"{class}\">{}</td><td>{}</td><td>{}</td><td>{facts}</td></tr>",
            e(&r.title),
            e(&r.id),
            e(&signed(r.delta())),
            e(&r.old.text()),
            e(&r.new.text())
        );
    }
    out.push_str("</table>\n</body>\n</html>\n");
    out
}
