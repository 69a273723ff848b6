//! Evaluation: facts × rules → outcomes, points, section scores and the total, in exact decimals.
//! No I/O and no floats; the total is rounded once, at the end.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::check::RuleSet;
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::syntax::ast::*;
use crate::value::{Date, Value};

/// The result of one rule for one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleResult {
    /// Indices into `RuleSet::sections` and that section's `rules`.
    pub section: usize,
    pub rule: usize,
    pub outcome: Outcome,
    pub points: Decimal,
    pub earned: Decimal,
    /// The rule's `explain` with fact values filled in.
    pub message: String,
    /// How the points were reached, in words and arithmetic.
    pub reasoning: String,
    /// Every fact the rule reads, in order.
    pub facts_read: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionResult {
    pub section: usize,
    pub weight: Decimal,
    pub earned: Decimal,
    pub possible: Decimal,
    /// weight × earned ÷ possible, unrounded; `None` when no rule in it applies.
    pub score: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    pub rules: Vec<RuleResult>,
    pub sections: Vec<SectionResult>,
    /// Rounded half away from zero to 2 decimals.
    pub total: Decimal,
    pub grade: String,
}

impl Scorecard {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rules.iter().filter(|r| r.outcome == outcome).count()
    }

    /// `达标 33 项,部分达标 2 项,未达标 1 项,无证据 41 项,不适用 1 项`.
    pub fn counts_text(&self) -> String {
        [
            Outcome::Pass,
            Outcome::Partial,
            Outcome::Fail,
            Outcome::Unknown,
            Outcome::NotApplicable,
        ]
        .map(|o| format!("{} {} 项", o.label(), self.count(o)))
        .join(",")
    }
}

/// A rule whose fix would raise the total most: what it is worth in total-score points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    /// Index into `Scorecard::rules`.
    pub result: usize,
    /// Total points gained if the rule earned all its points (other results unchanged).
    pub gain: Decimal,
}

/// Rules ordered by the total points their fix would gain, most first; ties keep rule order.
/// A rule's lost points count through its section: weight × lost ÷ possible, scaled like the
/// total when some sections are not assessed.
pub fn advice(ruleset: &RuleSet, card: &Scorecard) -> Vec<Advice> {
    let assessed: Decimal = card
        .sections
        .iter()
        .filter(|s| s.score.is_some())
        .map(|s| s.weight)
        .sum();
    let mut list: Vec<Advice> = card
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let section = card.sections.get(r.section)?;
            let counted = match r.outcome {
                Outcome::NotApplicable | Outcome::Pass => false,
                Outcome::Unknown => ruleset.no_evidence == NoEvidence::Zero,
                _ => true,
            };
            if !counted || section.possible.is_zero() || assessed.is_zero() {
                return None;
            }
            let lost = section
                .weight
                .checked_mul(r.points - r.earned)?
                .checked_mul(ruleset.total)?;
            let gain = lost.checked_div(section.possible.checked_mul(assessed)?)?;
            (gain > Decimal::ZERO).then_some(Advice { result: i, gain })
        })
        .collect();
    list.sort_by(|a, b| b.gain.cmp(&a.gain).then(a.result.cmp(&b.result)));
    list
}

/// 四舍五入 to 2 decimals, the one rounding fazhi does.
pub fn round2(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `4.00`, `3.75`: points as the reader sees them.
pub fn points_text(value: Decimal) -> String {
    format!("{:.2}", round2(value))
}

pub fn evaluate(ruleset: &RuleSet, facts: &Facts) -> Scorecard {
    let mut rules = Vec::new();
    let mut sections = Vec::new();
    for (si, section) in ruleset.sections.iter().enumerate() {
        let source = ruleset.source(section.file).map(|s| s.text.clone());
        let source_text = source.as_deref().unwrap_or("");
        let (mut earned, mut possible) = (Decimal::ZERO, Decimal::ZERO);
        for (ri, rule) in section.rules.iter().enumerate() {
            let result = evaluate_rule(rule, facts, source_text, ruleset, si, ri);
            let counts = match result.outcome {
                Outcome::NotApplicable => false,
                Outcome::Unknown => ruleset.no_evidence == NoEvidence::Zero,
                _ => true,
            };
            if counts {
                earned += result.earned;
                possible += result.points;
            }
            rules.push(result);
        }
        let weight = section.weight.value;
        let score = (!possible.is_zero()).then(|| weight * earned / possible);
        sections.push(SectionResult {
            section: si,
            weight,
            earned,
            possible,
            score,
        });
    }
    let assessed_weight: Decimal = sections
        .iter()
        .filter(|s| s.score.is_some())
        .map(|s| s.weight)
        .sum();
    let scores: Decimal = sections.iter().filter_map(|s| s.score).sum();
    let total = if assessed_weight.is_zero() {
        Decimal::ZERO
    } else if assessed_weight == ruleset.total {
        scores
    } else {
        scores * ruleset.total / assessed_weight
    };
    let total = round2(total);
    let grade = ruleset.grade(total).to_string();
    Scorecard {
        rules,
        sections,
        total,
        grade,
    }
}

fn evaluate_rule(
    rule: &Rule,
    facts: &Facts,
    source: &str,
    ruleset: &RuleSet,
    section: usize,
    index: usize,
) -> RuleResult {
    let points = rule.points.map_or(Decimal::ZERO, |p| p.value);
    let facts_read: Vec<String> = rule.facts_read().into_iter().map(str::to_string).collect();
    let snippet = |span: Span| {
        source
            .get(span.start..span.end)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let silent: Vec<String> = facts_read
        .iter()
        .filter(|f| facts.get(f).is_none())
        .map(|f| {
            ruleset
                .facts
                .get(f)
                .map_or(f.clone(), |d| d.label.text.clone())
        })
        .collect();

    let (outcome, earned, reasoning) = score_rule(rule, facts, points, &snippet, &silent);
    let message = match &rule.explain {
        // A template over missing facts reads badly ("…率为未提及"); say what is missing instead.
        _ if outcome == Outcome::Unknown && !silent.is_empty() => {
            format!("报告未提及{}", silent.join("、"))
        }
        Some(template) => fill_template(&template.text, facts),
        None => rule.title.text.clone(),
    };
    RuleResult {
        section,
        rule: index,
        outcome,
        points,
        earned,
        message,
        reasoning,
        facts_read,
    }
}

fn score_rule(
    rule: &Rule,
    facts: &Facts,
    points: Decimal,
    snippet: &dyn Fn(Span) -> String,
    silent: &[String],
) -> (Outcome, Decimal, String) {
    let of = |earned: Decimal| format!("得 {} / {} 分", points_text(earned), points_text(points));
    let missing = |what: &str| {
        let silent_on = if silent.is_empty() {
            what.to_string()
        } else {
            silent.join("、")
        };
        match rule.missing.map_or(Missing::Unknown, |(m, _)| m) {
            Missing::Unknown => (
                Outcome::Unknown,
                Decimal::ZERO,
                format!("报告未提及{silent_on},无证据,{}", of(Decimal::ZERO)),
            ),
            Missing::Fail => (
                Outcome::Fail,
                Decimal::ZERO,
                format!("报告未提及{silent_on},按未达标计,{}", of(Decimal::ZERO)),
            ),
            Missing::NotApplicable => (
                Outcome::NotApplicable,
                Decimal::ZERO,
                format!("报告未提及{silent_on},本项不适用"),
            ),
        }
    };
    if let Some(applies) = &rule.applies {
        if eval(applies, facts) == Some(Rt::Bool(false)) {
            return (
                Outcome::NotApplicable,
                Decimal::ZERO,
                format!("适用条件 `{}` 不成立,本项不适用", snippet(applies.span)),
            );
        }
    }
    let graded = |earned: Decimal, reasoning: String| {
        let earned = earned.clamp(Decimal::ZERO, points);
        let outcome = if earned == points {
            Outcome::Pass
        } else if earned.is_zero() {
            Outcome::Fail
        } else {
            Outcome::Partial
        };
        (outcome, earned, reasoning)
    };

    let requirement = rule.require.as_ref().map(|r| (r, eval(r, facts)));
    let base = match requirement {
        Some((_, Some(Rt::Bool(true)))) => None,
        Some((require, Some(_))) => Some(match &rule.partial {
            None => graded(
                Decimal::ZERO,
                format!("未满足 `{}`,{}", snippet(require.span), of(Decimal::ZERO)),
            ),
            Some(partial) => match partial_credit(partial, facts, points, snippet) {
                Some((earned, why)) => graded(
                    earned,
                    format!(
                        "未满足 `{}`;{why},{}",
                        snippet(require.span),
                        of(earned.clamp(Decimal::ZERO, points))
                    ),
                ),
                None => missing("部分得分所需事实"),
            },
        }),
        Some((_, None)) => Some(missing("所需事实")),
        None => match &rule.partial {
            Some(partial) => match partial_credit(partial, facts, points, snippet) {
                Some((earned, why)) => Some(graded(
                    earned,
                    format!("{why},{}", of(earned.clamp(Decimal::ZERO, points))),
                )),
                None => Some(missing("所需事实")),
            },
            None => None,
        },
    };
    if let Some(result) = base {
        return result;
    }
    match &rule.deduct {
        None => (
            Outcome::Pass,
            points,
            format!(
                "满足 `{}`,{}",
                rule.require
                    .as_ref()
                    .map_or(String::new(), |r| snippet(r.span)),
                of(points)
            ),
        ),
        Some(deduct) => match eval(&deduct.expr, facts) {
            Some(Rt::Num(units)) => {
                let cap = deduct.cap.map_or(points, |c| c.value);
                // A count too large to multiply takes the whole cap.
                let taken = deduct
                    .per
                    .value
                    .checked_mul(units.max(Decimal::ZERO))
                    .map_or(cap, |t| t.min(cap));
                let why = format!(
                    "扣分:每项扣 {} 分,共 {} 项,扣 {} 分(上限 {} 分)",
                    deduct.per.value.normalize(),
                    units.normalize(),
                    points_text(taken),
                    cap.normalize()
                );
                graded(
                    points - taken,
                    format!("{why},{}", of((points - taken).max(Decimal::ZERO))),
                )
            }
            _ => missing("扣分所需事实"),
        },
    }
}

/// Partial credit and its explanation, or `None` when a fact it needs is missing.
fn partial_credit(
    partial: &Partial,
    facts: &Facts,
    points: Decimal,
    snippet: &dyn Fn(Span) -> String,
) -> Option<(Decimal, String)> {
    match partial {
        Partial::Linear { expr, from, to, .. } => {
            let Rt::Num(value) = eval(expr, facts)? else {
                return None;
            };
            let (a, b) = (literal_number(from.value)?, literal_number(to.value)?);
            if a == b {
                return None;
            }
            // Multiply before dividing: points × (v − a) ÷ (b − a).
            // A value too far out to compute with lies beyond a threshold: full points past
            // `to`, none before `from`.
            let beyond_to = if a < b { value > b } else { value < b };
            let earned = value
                .checked_sub(a)
                .and_then(|d| points.checked_mul(d))
                .and_then(|n| n.checked_div(b - a))
                .unwrap_or(if beyond_to { points } else { Decimal::ZERO })
                .clamp(Decimal::ZERO, points);
            let unit = |d: Decimal, lit: &Literal| match lit.value {
                LiteralValue::Percent(_) => format!("{}%", d.normalize()),
                _ => d.normalize().to_string(),
            };
            Some((
                earned,
                format!(
                    "按直线计分:{} 在 {} → 0 分、{} → {} 分之间",
                    unit(value, from),
                    unit(a, from),
                    unit(b, to),
                    points.normalize()
                ),
            ))
        }
        Partial::Tiers { tiers, .. } => {
            let mut unknown = false;
            for (condition, tier_points) in tiers {
                match eval(condition, facts) {
                    Some(Rt::Bool(true)) => {
                        return Some((
                            tier_points.value,
                            format!("按档次计分:符合 `{}` 档", snippet(condition.span)),
                        ));
                    }
                    None => unknown = true,
                    _ => {}
                }
            }
            (!unknown).then(|| (Decimal::ZERO, "按档次计分:未达到任何档次".to_string()))
        }
    }
}

fn literal_number(value: LiteralValue) -> Option<Decimal> {
    match value {
        LiteralValue::Number(n) | LiteralValue::Percent(n) => Some(n),
        _ => None,
    }
}

/// A runtime value. Facts the report is silent on evaluate to `None` (unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rt {
    Num(Decimal),
    Date(Date),
    Bool(bool),
}

fn eval(expr: &Expr, facts: &Facts) -> Option<Rt> {
    match &expr.kind {
        ExprKind::Literal(LiteralValue::Number(n) | LiteralValue::Percent(n)) => Some(Rt::Num(*n)),
        ExprKind::Literal(LiteralValue::Date(d)) => Some(Rt::Date(*d)),
        ExprKind::Literal(LiteralValue::Bool(b)) => Some(Rt::Bool(*b)),
        ExprKind::Fact(name) => facts.get(name).map(|f| match f.value {
            Value::Percent(d) | Value::Count(d) | Value::Amount(d) => Rt::Num(d),
            Value::Year(y) => Rt::Num(Decimal::from(y)),
            Value::Date(d) => Rt::Date(d),
            Value::Flag(b) => Rt::Bool(b),
        }),
        ExprKind::Not(inner) => match eval(inner, facts)? {
            Rt::Bool(b) => Some(Rt::Bool(!b)),
            _ => None,
        },
        ExprKind::Call { name, args } => call(&name.name, args, facts),
        ExprKind::Binary { op, lhs, rhs } => match op {
            BinaryOp::And | BinaryOp::Or => {
                let (l, r) = (eval(lhs, facts), eval(rhs, facts));
                let decisive = *op == BinaryOp::Or;
                // Kleene logic: one decisive side settles it even when the other is unknown.
                if l == Some(Rt::Bool(decisive)) || r == Some(Rt::Bool(decisive)) {
                    Some(Rt::Bool(decisive))
                } else if l.is_some() && r.is_some() {
                    Some(Rt::Bool(!decisive))
                } else {
                    None
                }
            }
            op => binary(*op, eval(lhs, facts)?, eval(rhs, facts)?),
        },
    }
}

fn binary(op: BinaryOp, l: Rt, r: Rt) -> Option<Rt> {
    use std::cmp::Ordering;
    let ordering: Option<Ordering> = match (l, r) {
        (Rt::Num(a), Rt::Num(b)) => Some(a.cmp(&b)),
        (Rt::Date(a), Rt::Date(b)) => Some(a.cmp(&b)),
        (Rt::Bool(a), Rt::Bool(b)) => Some(a.cmp(&b)),
        _ => None,
    };
    let compare = |test: fn(Ordering) -> bool| ordering.map(|o| Rt::Bool(test(o)));
    let numbers = match (l, r) {
        (Rt::Num(a), Rt::Num(b)) => Some((a, b)),
        _ => None,
    };
    match op {
        BinaryOp::Ge => compare(Ordering::is_ge),
        BinaryOp::Le => compare(Ordering::is_le),
        BinaryOp::Gt => compare(Ordering::is_gt),
        BinaryOp::Lt => compare(Ordering::is_lt),
        BinaryOp::Eq => compare(Ordering::is_eq),
        BinaryOp::Ne => compare(Ordering::is_ne),
        BinaryOp::Add => numbers.and_then(|(a, b)| a.checked_add(b)).map(Rt::Num),
        BinaryOp::Sub => numbers.and_then(|(a, b)| a.checked_sub(b)).map(Rt::Num),
        BinaryOp::Mul => numbers.and_then(|(a, b)| a.checked_mul(b)).map(Rt::Num),
        // Division by zero has no value: the rule reads it as unknown.
        BinaryOp::Div => numbers.and_then(|(a, b)| a.checked_div(b)).map(Rt::Num),
        BinaryOp::And | BinaryOp::Or => None,
    }
}

fn call(name: &str, args: &[Expr], facts: &Facts) -> Option<Rt> {
    match (name, args) {
        (
            "present",
            [Expr {
                kind: ExprKind::Fact(fact),
                ..
            }],
        ) => Some(Rt::Bool(facts.get(fact).is_some())),
        ("date", [y, m, d]) => {
            let part = |e: &Expr| match eval(e, facts)? {
                Rt::Num(n) if n.fract().is_zero() => i64::try_from(n).ok(),
                _ => None,
            };
            let year = i32::try_from(part(y)?).ok()?;
            Date::new(
                year,
                u32::try_from(part(m)?).ok()?,
                u32::try_from(part(d)?).ok()?,
            )
            .map(Rt::Date)
        }
        ("year", [d]) => match eval(d, facts)? {
            Rt::Date(date) => Some(Rt::Num(Decimal::from(date.year))),
            _ => None,
        },
        _ => None,
    }
}

/// `{fact}` → the fact's value as a reader writes it, or 未提及.
pub fn fill_template(template: &str, facts: &Facts) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        match facts.get(name) {
            Some(fact) => {
                out.push_str(&fact.value.to_string());
                if let Some(q) = fact.qualifier {
                    out.push_str(qualifier_suffix(q));
                }
            }
            None => out.push_str("未提及"),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn qualifier_suffix(q: crate::value::Qualifier) -> &'static str {
    match q {
        crate::value::Qualifier::AtLeast => "以上",
        crate::value::Qualifier::MoreThan => "余",
        crate::value::Qualifier::About => "(约)",
    }
}
