//! The inspector's report: one self-contained HTML5 file (inline CSS and SVG, no scripts, no
//! network) with the total and grade, a chart of section scores against their weights, every rule
//! with its outcome, reasoning, citation and help, the advice, and the report's own text with each
//! piece of evidence highlighted and linked both ways with the rules that read it.
//!
//! The page is `templates/audit.html`, rendered by minijinja with HTML autoescape from a view
//! model built here ([`Page`]); the template sees only strings, numbers and lists, never engine
//! types. Output is byte-identical for the same input: no clocks, no hash-map iteration.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment};
use rust_decimal::Decimal;
use serde::Serialize;

use super::Context;
use crate::diagnostic::Span;
use crate::eval::points_text;
use crate::facts::{Evidence, Origin};
use crate::syntax::ast::Outcome;

const TEMPLATE: &str = include_str!("../../templates/audit.html");

/// Renders the page. A template error (a bug, never user input) gives a minimal page that says so.
pub fn score(ctx: &Context<'_>) -> String {
    let page = Page::new(ctx);
    match render(&page) {
        Ok(html) => html,
        Err(e) => fallback(&page, &e.to_string()),
    }
}

fn render(page: &Page) -> Result<String, minijinja::Error> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_template("audit.html", TEMPLATE)?;
    env.get_template("audit.html")?.render(page)
}

fn fallback(page: &Page, error: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><p>总分 {} / {} 等级 {}</p><p>页面生成失败：{}</p><p>{}</p></body></html>\n",
        escape(&page.title),
        escape(&page.total),
        escape(&page.max),
        escape(&page.grade),
        escape(error),
        escape(&page.audit.line)
    )
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Everything the template shows, as plain data.
#[derive(Debug, Serialize)]
pub struct Page {
    /// `<title>` and heading: issuer, year, and the words 法治政府建设年度报告评分.
    pub title: String,
    pub issuer: Option<String>,
    pub year: Option<i32>,
    pub report_name: String,
    pub ruleset_title: String,
    pub total: String,
    pub max: String,
    /// Empty when the rule set has no grades.
    pub grade: String,
    pub counts: Vec<Count>,
    /// The scoring model's three numbers (empty for a rule set without `combine`).
    pub numbers: Vec<NumberView>,
    /// 待补充材料: what the report leaves out, by section.
    pub missing: Vec<MissingView>,
    pub chart: Chart,
    pub sections: Vec<SectionView>,
    pub advice: Vec<AdviceView>,
    pub warnings: Vec<WarningView>,
    /// `None` when the report's text is not at hand (a facts file without its report).
    pub report: Option<ReportView>,
    pub audit: AuditView,
}

#[derive(Debug, Serialize)]
pub struct NumberView {
    pub label: &'static str,
    pub percent: Option<String>,
    pub points: String,
    pub weight: String,
    pub scaled: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct MissingView {
    pub section: String,
    pub rules: Vec<MissingRule>,
}

#[derive(Debug, Serialize)]
pub struct MissingRule {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct Count {
    pub outcome: &'static str,
    pub label: &'static str,
    pub n: usize,
}

/// A horizontal bar chart in SVG user units: one row per section, a pale bar for the weight and a
/// coloured bar for the score on the same scale.
#[derive(Debug, Serialize)]
pub struct Chart {
    pub width: u32,
    pub height: u32,
    /// Where bars start and how long the largest weight is.
    pub bar_x: u32,
    pub bar_max: u32,
    pub rows: Vec<ChartRow>,
}

#[derive(Debug, Serialize)]
pub struct ChartRow {
    pub section: String,
    pub title: String,
    /// Top of the row's label; the bar sits below it.
    pub label_y: u32,
    pub bar_y: u32,
    pub weight_w: String,
    /// Right end of the weight bar, where the numbers go.
    pub text_x: String,
    pub score_w: String,
    /// `10.50 / 12.00` or `未评估 / 5.00`.
    pub text: String,
    /// `good`, `fair`, `poor` or `none`, for the bar's colour.
    pub level: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub weight: String,
    pub score: Option<String>,
    pub earned: String,
    pub possible: String,
    /// Under a combined total: the section's coverage and performance, as `72%`.
    pub coverage: Option<String>,
    pub performance: Option<String>,
    pub rules: Vec<RuleView>,
}

#[derive(Debug, Serialize)]
pub struct RuleView {
    pub id: String,
    /// 1-based position in the rule set, shown on the card and next to evidence.
    pub number: usize,
    pub title: String,
    pub outcome: &'static str,
    pub outcome_label: &'static str,
    /// The level of evidence, when it is not a figure or explicit statement.
    pub level_label: Option<&'static str>,
    /// The report's words behind a described or admitted level.
    pub words: Option<String>,
    pub points: String,
    pub earned: String,
    pub message: String,
    pub reasoning: String,
    /// `reasoning` cut at backticks, so expressions show as `<code>`.
    pub reasoning_parts: Vec<Part>,
    pub cite: Option<String>,
    pub standing: Option<&'static str>,
    pub standing_text: Option<&'static str>,
    pub help: Option<String>,
    pub facts: Vec<FactView>,
}

/// A piece of text, set as code or not.
#[derive(Debug, Serialize)]
pub struct Part {
    pub text: String,
    pub code: bool,
}

/// A share as a whole percentage: `72%`.
fn percent_text(share: rust_decimal::Decimal) -> String {
    format!(
        "{}%",
        (share * rust_decimal::Decimal::ONE_HUNDRED).round_dp(0)
    )
}

/// Text cut at backtick pairs: `满足 `a > 1`,得…` gives text, code, text. An unpaired backtick
/// stays as text.
pub fn code_parts(text: &str) -> Vec<Part> {
    let pieces: Vec<&str> = text.split('`').collect();
    if pieces.len().is_multiple_of(2) {
        return vec![Part {
            text: text.to_string(),
            code: false,
        }];
    }
    pieces
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| Part {
            text: (*p).to_string(),
            code: i % 2 == 1,
        })
        .collect()
}

/// A fact a rule reads, and where it was found.
#[derive(Debug, Serialize)]
pub struct FactView {
    pub id: String,
    pub label: String,
    /// `None` when the report says nothing about it.
    pub value: Option<String>,
    pub quote: Option<String>,
    pub manual: bool,
    /// `ev-<fact>` when the fact is highlighted in the report text below.
    pub anchor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AdviceView {
    pub rule: String,
    pub number: usize,
    pub title: String,
    pub gain: String,
    pub outcome: &'static str,
    pub outcome_label: &'static str,
    pub help: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct WarningView {
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub name: String,
    /// The whole text, cut at marks; concatenating every `text` gives the report back.
    pub segments: Vec<Segment>,
    pub marks: usize,
}

#[derive(Debug, Serialize)]
pub struct Segment {
    pub text: String,
    pub mark: Option<Mark>,
}

/// One highlighted piece of evidence. Overlapping evidence shares the first mark: `ids` holds an
/// anchor for every fact in it, so each rule's `#ev-<fact>` link lands here.
#[derive(Debug, Serialize)]
pub struct Mark {
    pub id: String,
    pub ids: Vec<String>,
    /// `出庭应诉率 = 100%` for each fact, for the tooltip.
    pub facts: Vec<String>,
    pub rules: Vec<RuleLink>,
    /// The outcome of the first rule that reads it, for the colour.
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleLink {
    pub id: String,
    pub number: usize,
    pub title: String,
    pub outcome_label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct AuditView {
    pub line: String,
    pub engine: String,
    pub engine_version: String,
    pub ruleset_id: String,
    pub ruleset_version: String,
    pub rules_sha256: String,
    pub input: String,
    pub input_sha256: String,
}

/// Every outcome, in the order pages list them.
pub const OUTCOMES: [Outcome; 5] = [
    Outcome::Pass,
    Outcome::Partial,
    Outcome::Fail,
    Outcome::Unknown,
    Outcome::NotApplicable,
];

impl Page {
    pub fn new(ctx: &Context<'_>) -> Page {
        let (ruleset, card) = (ctx.ruleset, ctx.card);
        let mut heading = ctx.info.issuer.clone().unwrap_or_default();
        if let Some(year) = ctx.info.year {
            heading.push_str(&format!("{year}年度"));
        }
        heading.push_str("法治政府建设年度报告评分");

        // Rule numbers and the rules reading each fact, in rule-set order.
        let mut links: Vec<RuleLink> = Vec::new();
        let mut readers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for result in &card.rules {
            let Some((_, rule)) = ctx.rule_of(result) else {
                continue;
            };
            let index = links.len();
            links.push(RuleLink {
                id: rule.id.name.clone(),
                number: index + 1,
                title: rule.title.text.clone(),
                outcome_label: result.outcome.label(),
            });
            for fact in &result.facts_read {
                let list = readers.entry(fact.as_str()).or_default();
                if !list.contains(&index) {
                    list.push(index);
                }
            }
        }
        let number_of = |id: &str| links.iter().find(|l| l.id == id).map_or(0, |l| l.number);

        // A web page shows its article text, with evidence at its `text_span`s, not its markup.
        let report = match (ctx.article, ctx.report) {
            (Some(article), _) => Some(report_view(
                ctx,
                &article.name,
                &article.text,
                |e| e.text_span,
                &readers,
                &links,
            )),
            (None, Some(source)) => Some(report_view(
                ctx,
                &source.name,
                &source.text,
                |e| Some(e.span),
                &readers,
                &links,
            )),
            (None, None) => None,
        };
        let marked: Vec<&String> = report
            .iter()
            .flat_map(|r| r.segments.iter())
            .filter_map(|s| s.mark.as_ref())
            .flat_map(|m| m.ids.iter())
            .collect();

        let sections = card
            .sections
            .iter()
            .filter_map(|s| {
                let section = ruleset.sections.get(s.section)?;
                let rules = card
                    .rules
                    .iter()
                    .filter(|r| r.section == s.section)
                    .filter_map(|r| {
                        let (_, rule) = ctx.rule_of(r)?;
                        let facts = r
                            .facts_read
                            .iter()
                            .map(|id| {
                                let label = ruleset
                                    .facts
                                    .get(id)
                                    .map_or(id.clone(), |d| d.label.text.clone());
                                let fact = ctx.facts.get(id);
                                let anchor = format!("ev-{id}");
                                FactView {
                                    id: id.clone(),
                                    label,
                                    value: fact.map(|f| f.value.to_string()),
                                    quote: fact
                                        .and_then(|f| f.evidence.as_ref())
                                        .map(|e| e.quote.clone()),
                                    manual: fact.is_some_and(|f| f.origin == Origin::Manual)
                                        || ctx.facts.is_silent(id),
                                    anchor: marked.contains(&&anchor).then_some(anchor),
                                }
                            })
                            .collect();
                        Some(RuleView {
                            id: rule.id.name.clone(),
                            number: number_of(&rule.id.name),
                            title: rule.title.text.clone(),
                            outcome: r.outcome.keyword(),
                            outcome_label: r.outcome.label(),
                            level_label: r
                                .level
                                .filter(|l| {
                                    !matches!(
                                        l,
                                        crate::eval::Level::Stated | crate::eval::Level::Silent
                                    )
                                })
                                .map(|l| l.label()),
                            words: r.words.as_ref().map(|w| w.quote.clone()),
                            points: points_text(r.points),
                            earned: points_text(r.earned),
                            message: r.message.clone(),
                            reasoning: r.reasoning.clone(),
                            reasoning_parts: code_parts(&r.reasoning),
                            cite: rule.cite.as_ref().map(|c| c.text.text.clone()),
                            standing: rule.cite.as_ref().map(|c| c.standing.keyword()),
                            standing_text: rule.cite.as_ref().map(|c| c.standing.describe()),
                            help: rule.help.as_ref().map(|h| h.text.clone()),
                            facts,
                        })
                    })
                    .collect();
                Some(SectionView {
                    id: section.id.name.clone(),
                    title: section.title.text.clone(),
                    weight: points_text(s.weight),
                    score: s.score.map(points_text),
                    coverage: s.coverage.map(percent_text),
                    performance: s.performance.map(percent_text),
                    earned: points_text(s.earned),
                    possible: points_text(s.possible),
                    rules,
                })
            })
            .collect();

        let advice = ctx
            .advice
            .iter()
            .filter_map(|a| {
                let result = card.rules.get(a.result)?;
                let (_, rule) = ctx.rule_of(result)?;
                Some(AdviceView {
                    rule: rule.id.name.clone(),
                    number: number_of(&rule.id.name),
                    title: rule.title.text.clone(),
                    gain: points_text(a.gain),
                    outcome: result.outcome.keyword(),
                    outcome_label: result.outcome.label(),
                    help: rule.help.as_ref().map(|h| h.text.clone()),
                })
            })
            .collect();

        let audit = ctx.audit;
        Page {
            title: heading,
            issuer: ctx.info.issuer.clone(),
            year: ctx.info.year,
            report_name: ctx.info.name.clone(),
            ruleset_title: ruleset.title.clone(),
            total: points_text(card.total),
            max: points_text(ruleset.total),
            grade: card.grade.clone(),
            counts: OUTCOMES
                .iter()
                .map(|&o| Count {
                    outcome: o.keyword(),
                    label: o.label(),
                    n: card.count(o),
                })
                .collect(),
            numbers: ctx
                .number_lines()
                .into_iter()
                .map(|n| NumberView {
                    label: n.label,
                    percent: n.percent.map(points_text),
                    points: points_text(n.points),
                    weight: points_text(n.weight),
                    scaled: n.scaled.map(points_text),
                })
                .collect(),
            missing: ctx
                .missing_materials()
                .into_iter()
                .map(|g| MissingView {
                    section: g.section.title.text.clone(),
                    rules: g
                        .rules
                        .iter()
                        .map(|r| MissingRule {
                            id: r.id.name.clone(),
                            title: r.title.text.clone(),
                        })
                        .collect(),
                })
                .collect(),
            chart: chart(ctx),
            sections,
            advice,
            warnings: ctx
                .warnings
                .iter()
                .map(|d| WarningView {
                    code: d.code.as_str(),
                    message: d.message.clone(),
                })
                .collect(),
            report,
            audit: AuditView {
                line: audit.line(),
                engine: audit.engine.clone(),
                engine_version: audit.engine_version.clone(),
                ruleset_id: audit.ruleset_id.clone(),
                ruleset_version: audit.ruleset_version.clone(),
                rules_sha256: audit.rules_sha256.clone(),
                input: audit.input.clone(),
                input_sha256: audit.input_sha256.clone(),
            },
        }
    }
}

const CHART_WIDTH: u32 = 800;
const CHART_BAR_X: u32 = 8;
const CHART_BAR_MAX: u32 = 620;
const CHART_ROW: u32 = 46;

fn chart(ctx: &Context<'_>) -> Chart {
    let max_weight = ctx
        .card
        .sections
        .iter()
        .map(|s| s.weight)
        .max()
        .unwrap_or(Decimal::ONE);
    let max_weight = if max_weight <= Decimal::ZERO {
        Decimal::ONE
    } else {
        max_weight
    };
    let scale = |value: Decimal| -> Decimal {
        (value.max(Decimal::ZERO) * Decimal::from(CHART_BAR_MAX) / max_weight).round_dp(1)
    };
    let rows: Vec<ChartRow> = ctx
        .card
        .sections
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let section = ctx.ruleset.sections.get(s.section)?;
            let top = 8 + CHART_ROW * i as u32;
            let weight_w = scale(s.weight);
            let score_w = s.score.map_or(Decimal::ZERO, |v| scale(v.min(s.weight)));
            let level = match s.score {
                None => "none",
                Some(_) if s.weight.is_zero() => "none",
                Some(v) => {
                    let ratio = v / s.weight;
                    if ratio >= Decimal::new(85, 2) {
                        "good"
                    } else if ratio >= Decimal::new(6, 1) {
                        "fair"
                    } else {
                        "poor"
                    }
                }
            };
            Some(ChartRow {
                section: section.id.name.clone(),
                title: section.title.text.clone(),
                label_y: top + 14,
                bar_y: top + 20,
                weight_w: weight_w.to_string(),
                text_x: (weight_w + Decimal::from(CHART_BAR_X + 8)).to_string(),
                score_w: score_w.to_string(),
                text: format!(
                    "{} / {}",
                    s.score.map_or("未评估".to_string(), points_text),
                    points_text(s.weight)
                ),
                level,
            })
        })
        .collect();
    Chart {
        width: CHART_WIDTH,
        height: 8 + CHART_ROW * rows.len() as u32 + 4,
        bar_x: CHART_BAR_X,
        bar_max: CHART_BAR_MAX,
        rows,
    }
}

/// A byte span moved onto char boundaries of `text` and clamped into it: the start moves left,
/// the end right, so the mark covers at least the bytes the extractor meant. `None` when empty.
pub fn clamp_span(span: Span, text: &str) -> Option<Span> {
    let len = text.len();
    let mut start = span.start.min(len);
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, len);
    while end < len && !text.is_char_boundary(end) {
        end += 1;
    }
    (end > start).then_some(Span::new(start, end))
}

/// The evidence to highlight: one entry per kept mark, with every fact it stands for. Facts are
/// taken in the rule set's declaration order (then any others in insertion order) and sorted by
/// start, then end, then that order; a span overlapping a kept one joins it instead.
pub fn evidence_marks(
    ctx: &Context<'_>,
    text: &str,
    span_of: fn(&Evidence) -> Option<Span>,
) -> Vec<(Span, Vec<String>)> {
    let mut ids: Vec<&str> = ctx
        .ruleset
        .facts
        .keys()
        .map(String::as_str)
        .filter(|id| ctx.facts.get(id).is_some())
        .collect();
    for id in ctx.facts.values.keys() {
        if !ctx.ruleset.facts.contains_key(id) {
            ids.push(id);
        }
    }
    let mut spans: Vec<(Span, usize, &str)> = ids
        .iter()
        .enumerate()
        .filter_map(|(order, id)| {
            let evidence = ctx.facts.get(id)?.evidence.as_ref()?;
            Some((clamp_span(span_of(evidence)?, text)?, order, *id))
        })
        .collect();
    spans.sort_by(|a, b| {
        a.0.start
            .cmp(&b.0.start)
            .then(a.0.end.cmp(&b.0.end))
            .then(a.1.cmp(&b.1))
    });
    let mut marks: Vec<(Span, Vec<String>)> = Vec::new();
    for (span, _, id) in spans {
        match marks.last_mut() {
            Some((kept, facts)) if span.start < kept.end => facts.push(id.to_string()),
            _ => marks.push((span, vec![id.to_string()])),
        }
    }
    marks
}

fn report_view(
    ctx: &Context<'_>,
    name: &str,
    text: &str,
    span_of: fn(&Evidence) -> Option<Span>,
    readers: &BTreeMap<&str, Vec<usize>>,
    links: &[RuleLink],
) -> ReportView {
    let marks = evidence_marks(ctx, text, span_of);
    let mut segments = Vec::new();
    let mut at = 0;
    for (span, facts) in &marks {
        if span.start > at {
            segments.push(Segment {
                text: text.get(at..span.start).unwrap_or("").to_string(),
                mark: None,
            });
        }
        let mut rules: Vec<usize> = Vec::new();
        for fact in facts {
            for &r in readers.get(fact.as_str()).into_iter().flatten() {
                if !rules.contains(&r) {
                    rules.push(r);
                }
            }
        }
        rules.sort_unstable();
        let rules: Vec<RuleLink> = rules
            .iter()
            .filter_map(|&r| links.get(r).cloned())
            .collect();
        let outcome = rules
            .first()
            .and_then(|l| {
                ctx.card
                    .rules
                    .iter()
                    .find(|r| ctx.rule_of(r).is_some_and(|(_, rule)| rule.id.name == l.id))
            })
            .map_or("none", |r| r.outcome.keyword());
        let described = facts
            .iter()
            .map(|id| {
                let label = ctx
                    .ruleset
                    .facts
                    .get(id)
                    .map_or(id.as_str(), |d| d.label.text.as_str());
                match ctx.facts.get(id) {
                    Some(f) => format!("{label} = {}", f.value),
                    None => label.to_string(),
                }
            })
            .collect();
        segments.push(Segment {
            text: text.get(span.start..span.end).unwrap_or("").to_string(),
            mark: Some(Mark {
                id: facts.first().map_or(String::new(), |f| format!("ev-{f}")),
                ids: facts.iter().map(|f| format!("ev-{f}")).collect(),
                facts: described,
                rules,
                outcome,
            }),
        });
        at = span.end;
    }
    if at < text.len() {
        segments.push(Segment {
            text: text.get(at..).unwrap_or("").to_string(),
            mark: None,
        });
    }
    ReportView {
        name: name.to_string(),
        segments,
        marks: marks.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_clamped_onto_char_boundaries() {
        let text = "出庭应诉率";
        assert_eq!(clamp_span(Span::new(1, 4), text), Some(Span::new(0, 6)));
        assert_eq!(clamp_span(Span::new(14, 99), text), Some(Span::new(12, 15)));
        assert_eq!(clamp_span(Span::new(20, 30), text), None);
        assert_eq!(clamp_span(Span::new(3, 3), text), None);
    }
}
