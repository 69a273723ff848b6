//! Evaluation: facts × rules → outcomes, points, section scores and the total, in exact decimals.
//! No I/O and no floats; the total is rounded once, at the end.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::check::RuleSet;
use crate::diagnostic::Span;
use crate::facts::{Evidence, FactValue, Facts, Origin};
use crate::syntax::ast::*;
use crate::value::{Date, FactType, Value};
use rust_decimal::prelude::ToPrimitive;

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
    /// What kind of evidence decided the points; `None` when the rule does not apply.
    pub level: Option<Level>,
    /// The report's own words behind a `Described` or `Admitted` level.
    pub words: Option<Evidence>,
    /// Each step of the evaluation with its values, recorded as the evaluator went.
    pub trace: Vec<Step>,
    /// The index of the `partial tiers` tier that gave the points, if one did.
    pub tier: Option<usize>,
}

/// One step of a rule's evaluation: what was looked at (a fact, a condition, a tier) and what it
/// gave. The evaluator records these as it decides, so `fazhi test --trace` and
/// `fazhi explain RULE --facts` show the evaluation itself, not a re-telling of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub what: String,
    pub result: String,
}

/// Where the evaluator records its steps.
#[derive(Default)]
struct Recorder {
    steps: std::cell::RefCell<Vec<Step>>,
    tier: std::cell::Cell<Option<usize>>,
}

impl Recorder {
    fn step(&self, what: impl Into<String>, result: impl Into<String>) {
        self.steps.borrow_mut().push(Step {
            what: what.into(),
            result: result.into(),
        });
    }

    /// Records a condition and passes its value on.
    fn condition(&self, what: &str, code: String, value: Option<Rt>) -> Option<Rt> {
        let result = match value {
            Some(Rt::Bool(true)) => "成立",
            Some(Rt::Bool(false)) => "不成立",
            _ => "无法判断（所需事实未提及或无法计算）",
        };
        self.step(format!("{what} `{code}`"), result);
        value
    }
}

fn rt_text(value: Option<Rt>) -> String {
    match value {
        Some(Rt::Num(n)) => n.normalize().to_string(),
        Some(Rt::Date(d)) => d.to_string(),
        Some(Rt::Bool(b)) => if b { "是" } else { "否" }.to_string(),
        None => "无法计算（所需事实未提及，或除数为 0）".to_string(),
    }
}

/// The kind of evidence a rule was scored on. The same situation scores the same way in every
/// rule: the shares of `Described` and `Admitted` are declared once, in the rule-set header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A figure or an explicit statement, scored by the rule's own requirement.
    Stated,
    /// The measure is described in words, without the figure the rule asks for.
    Described,
    /// The report admits a shortfall, in its shortcomings or in negated wording.
    Admitted,
    /// The report is silent on it.
    Silent,
    /// A deduction rule on which the report states no violation: full points to start from.
    NoViolationStated,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Stated => "量化或明确表述",
            Level::Described => "仅文字表述",
            Level::Admitted => "自认不足",
            Level::Silent => "未提及",
            Level::NoViolationStated => "未述及违规",
        }
    }

    /// Whether the report addresses the requirement at all (counts toward coverage).
    pub fn addresses(self) -> bool {
        matches!(self, Level::Stated | Level::Described | Level::Admitted)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionResult {
    pub section: usize,
    pub weight: Decimal,
    pub earned: Decimal,
    pub possible: Decimal,
    /// weight × earned ÷ possible, unrounded; `None` when no rule in it applies.
    pub score: Option<Decimal>,
    /// The section's share of the three numbers: points addressed ÷ points that apply, and
    /// earned ÷ possible over what is addressed (`None` when nothing applies or is addressed).
    pub coverage: Option<Decimal>,
    pub performance: Option<Decimal>,
}

/// The three numbers of the scoring model, each a share from 0 to 1 (unrounded), and what they
/// weigh in the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbers {
    /// 法定内容与公开: the statutory section's earned ÷ possible, leaving out what cannot be
    /// checked from the text (待核实, such as a page with no publication date).
    pub statutory: Option<Decimal>,
    /// 披露覆盖度: points of the requirements the report addresses ÷ points of all that apply.
    pub coverage: Option<Decimal>,
    /// 已披露事项实绩: points earned ÷ points possible over what it addresses.
    pub performance: Option<Decimal>,
    /// The share of its weight performance counts with: 1 from the declared coverage on
    /// (`combine performance … from 60%`), in proportion below it, so that a report cannot earn
    /// the performance half of the total on the few things it mentions.
    pub performance_scale: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    pub rules: Vec<RuleResult>,
    pub sections: Vec<SectionResult>,
    /// The three numbers, when the rule set declares `combine`.
    pub numbers: Option<Numbers>,
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
/// The gain is exact: the total recomputed as if the rule earned all its points on a stated
/// figure, minus the total as it is (both unrounded).
pub fn advice(ruleset: &RuleSet, card: &Scorecard) -> Vec<Advice> {
    let now = unrounded_total(ruleset, &card.rules);
    let mut rules = card.rules.clone();
    let mut list: Vec<Advice> = (0..rules.len())
        .filter_map(|i| {
            let r = rules.get(i)?;
            if matches!(r.outcome, Outcome::NotApplicable | Outcome::Pass) {
                return None;
            }
            let kept = r.clone();
            let fixed = RuleResult {
                outcome: Outcome::Pass,
                earned: r.points,
                level: Some(Level::Stated),
                ..kept.clone()
            };
            rules[i] = fixed;
            let gain = unrounded_total(ruleset, &rules) - now;
            rules[i] = kept;
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

/// Fills in the derived facts a report does not state itself, each after those it reads. One
/// that cannot be computed because a denominator is zero is recorded in `facts.undefined` with
/// that reason (rules then say so rather than "报告未提及"); one with a silent input stays silent.
/// Derived percents and amounts are rounded to 2 decimals, as reports write them.
pub fn derive(ruleset: &RuleSet, facts: &mut Facts) {
    for id in &ruleset.derived {
        let Some(decl) = ruleset.facts.get(id) else {
            continue;
        };
        let Some(expr) = &decl.derived else { continue };
        if facts.get(id).is_some() {
            continue;
        }
        let value = match eval(expr, facts) {
            Some(Rt::Num(n)) => {
                let n = round2(n);
                match decl.ty {
                    FactType::Percent => Some(Value::Percent(n)),
                    FactType::Count => Some(Value::Count(n)),
                    FactType::Amount => Some(Value::Amount(n)),
                    FactType::Year => n.trunc().to_i32().map(Value::Year),
                    _ => None,
                }
            }
            Some(Rt::Date(d)) => Some(Value::Date(d)),
            Some(Rt::Bool(b)) => Some(Value::Flag(b)),
            None => {
                let source = ruleset.source(decl.file).map_or("", |s| &*s.text);
                if let Some(reason) = zero_denominator(ruleset, expr, facts, source) {
                    facts.undefined.insert(id.clone(), reason);
                }
                None
            }
        };
        if let Some(value) = value {
            facts.undefined.shift_remove(id);
            facts.insert(
                id.clone(),
                FactValue {
                    value,
                    qualifier: None,
                    evidence: None,
                    origin: Origin::Derived,
                },
            );
        }
    }
}

/// Why an expression has no value although its inputs are stated: a denominator that is zero
/// (`行政复议审结件数为 0,不能作分母`), or an input that itself cannot be computed.
fn zero_denominator(ruleset: &RuleSet, expr: &Expr, facts: &Facts, source: &str) -> Option<String> {
    match &expr.kind {
        ExprKind::Fact(name) => facts.undefined.get(name).cloned(),
        ExprKind::Not(inner) => zero_denominator(ruleset, inner, facts, source),
        ExprKind::Call { args, .. } => args
            .iter()
            .find_map(|a| zero_denominator(ruleset, a, facts, source)),
        ExprKind::Binary { op, lhs, rhs } => {
            let inner = zero_denominator(ruleset, lhs, facts, source)
                .or_else(|| zero_denominator(ruleset, rhs, facts, source));
            if inner.is_some() || *op != BinaryOp::Div {
                return inner;
            }
            if eval(lhs, facts).is_none() || eval(rhs, facts) != Some(Rt::Num(Decimal::ZERO)) {
                return None;
            }
            let denominator = match &rhs.kind {
                ExprKind::Fact(name) => ruleset
                    .facts
                    .get(name)
                    .map_or(name.clone(), |d| d.label.text.clone()),
                _ => format!(
                    "「{}」",
                    source.get(rhs.span.start..rhs.span.end).unwrap_or("")
                ),
            };
            Some(format!("分母为零（{denominator}为 0）"))
        }
        ExprKind::Literal(_) => None,
    }
}

pub fn evaluate(ruleset: &RuleSet, facts: &Facts) -> Scorecard {
    let with_derived;
    let facts = if ruleset.derived.is_empty() {
        facts
    } else {
        let mut all = facts.clone();
        derive(ruleset, &mut all);
        with_derived = all;
        &with_derived
    };
    let mut rules = Vec::new();
    for (si, section) in ruleset.sections.iter().enumerate() {
        for (ri, rule) in section.rules.iter().enumerate() {
            let source_text = ruleset.source(rule.file).map_or("", |s| &*s.text);
            rules.push(evaluate_rule(ruleset, facts, source_text, si, ri));
        }
    }
    let sections = section_results(ruleset, &rules);
    let numbers = ruleset
        .combination
        .as_ref()
        .map(|combination| numbers(combination, &rules));
    let total = round2(unrounded_total(ruleset, &rules));
    let grade = ruleset.grade(total).to_string();
    Scorecard {
        rules,
        sections,
        numbers,
        total,
        grade,
    }
}

/// Whether a result counts in its section's earned ÷ possible.
fn counts_in_section(ruleset: &RuleSet, result: &RuleResult) -> bool {
    match result.outcome {
        Outcome::NotApplicable => false,
        Outcome::Unknown => ruleset.no_evidence == NoEvidence::Zero,
        _ => true,
    }
}

fn section_results(ruleset: &RuleSet, rules: &[RuleResult]) -> Vec<SectionResult> {
    ruleset
        .sections
        .iter()
        .enumerate()
        .map(|(si, section)| {
            let counted = rules
                .iter()
                .filter(|r| r.section == si && counts_in_section(ruleset, r));
            let (earned, possible) = counted.fold((Decimal::ZERO, Decimal::ZERO), |(e, p), r| {
                (e + r.earned, p + r.points)
            });
            let weight = section.weight.value;
            let part = Part::of(rules.iter().filter(|r| r.section == si));
            SectionResult {
                section: si,
                weight,
                earned,
                possible,
                score: (!possible.is_zero()).then(|| weight * earned / possible),
                coverage: part.coverage(),
                performance: part.performance(),
            }
        })
        .collect()
}

/// The total before its one rounding: the declared combination of the three numbers, or, in a
/// rule set without `combine`, the section scores scaled to the sections assessed.
fn unrounded_total(ruleset: &RuleSet, rules: &[RuleResult]) -> Decimal {
    if let Some(combination) = &ruleset.combination {
        let n = numbers(combination, rules);
        let performance = n.performance.map(|p| p * n.performance_scale);
        return [
            (Combined::Statutory, n.statutory),
            (Combined::Coverage, n.coverage),
            (Combined::Performance, performance),
        ]
        .into_iter()
        .map(|(number, share)| combination.weight(number) * share.unwrap_or(Decimal::ZERO))
        .sum();
    }
    let sections = section_results(ruleset, rules);
    let assessed: Decimal = sections
        .iter()
        .filter(|s| s.score.is_some())
        .map(|s| s.weight)
        .sum();
    let scores: Decimal = sections.iter().filter_map(|s| s.score).sum();
    if assessed.is_zero() {
        Decimal::ZERO
    } else if assessed == ruleset.total {
        scores
    } else {
        scores * ruleset.total / assessed
    }
}

/// Coverage and performance over some rules' results. Rule points are in total-score units (a
/// section's points equal its weight), so pooling points weighs each requirement by its
/// section's weight.
#[derive(Default)]
struct Part {
    addressed: Decimal,
    applicable: Decimal,
    earned: Decimal,
    possible: Decimal,
}

impl Part {
    fn of<'r>(results: impl Iterator<Item = &'r RuleResult>) -> Part {
        let mut part = Part::default();
        for r in results {
            let level = r.level.unwrap_or(Level::Silent);
            // Not applicable, and deductions with no violation stated, are neutral: they
            // neither cover a requirement nor show performance.
            if r.outcome == Outcome::NotApplicable || level == Level::NoViolationStated {
                continue;
            }
            part.applicable += r.points;
            if level.addresses() {
                part.addressed += r.points;
                part.earned += r.earned;
                part.possible += r.points;
            }
        }
        part
    }

    fn coverage(&self) -> Option<Decimal> {
        (!self.applicable.is_zero()).then(|| self.addressed / self.applicable)
    }

    fn performance(&self) -> Option<Decimal> {
        (!self.possible.is_zero()).then(|| self.earned / self.possible)
    }
}

/// The three numbers from the rules' results.
fn numbers(combination: &crate::check::Combination, rules: &[RuleResult]) -> Numbers {
    let in_statutory = |r: &&RuleResult| r.section == combination.statutory_section;
    // 待核实: what the text cannot show (no publication date on the page) leaves the statutory
    // denominator; a statutory content the report leaves out (missing fail) stays in it.
    let (s_earned, s_possible) = rules
        .iter()
        .filter(in_statutory)
        .filter(|r| !matches!(r.outcome, Outcome::NotApplicable | Outcome::Unknown))
        .fold((Decimal::ZERO, Decimal::ZERO), |(e, p), r| {
            (e + r.earned, p + r.points)
        });
    let rest = Part::of(rules.iter().filter(|r| !in_statutory(r)));
    let coverage = rest.coverage();
    let performance_scale = match (combination.performance_full_from(), coverage) {
        (Some(from), Some(c)) if c < from => c / from,
        (Some(_), None) => Decimal::ZERO,
        _ => Decimal::ONE,
    };
    Numbers {
        statutory: (!s_possible.is_zero()).then(|| s_earned / s_possible),
        coverage,
        performance: rest.performance(),
        performance_scale,
    }
}

fn evaluate_rule(
    ruleset: &RuleSet,
    facts: &Facts,
    source: &str,
    section_index: usize,
    index: usize,
) -> RuleResult {
    let section = &ruleset.sections[section_index];
    let rule = &section.rules[index];
    let points = rule.points.map_or(Decimal::ZERO, |p| p.value);
    let facts_read: Vec<String> = rule.facts_read().into_iter().map(str::to_string).collect();
    let snippet = |span: Span| {
        source
            .get(span.start..span.end)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let label = |f: &String| {
        ruleset
            .facts
            .get(f)
            .map_or(f.clone(), |d| d.label.text.clone())
    };
    let (silent, undefined) = silence(ruleset, facts, &facts_read);
    let recorder = Recorder::default();
    for id in &facts_read {
        let value = facts
            .get(id)
            .map_or("未提及".to_string(), |f| f.value.to_string());
        recorder.step(format!("读取事实 `{id}`（{}）", label(id)), value);
    }
    let result = |outcome, earned, reasoning, level, words| RuleResult {
        section: section_index,
        rule: index,
        outcome,
        points,
        earned,
        message: String::new(),
        reasoning,
        facts_read: facts_read.clone(),
        level,
        words,
        trace: Vec::new(),
        tier: None,
    };

    let issuer = facts.issuer_kind.unwrap_or(IssuerKind::Government);
    if let Some((kinds, _)) = &rule.issuers {
        if !kinds.contains(&issuer) {
            let remit: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
            let mut out = result(
                Outcome::NotApplicable,
                Decimal::ZERO,
                format!(
                    "本项只适用于{}的报告，本报告出自{}，不在其职责范围内，本项不适用",
                    remit.join("、"),
                    issuer.label()
                ),
                None,
                None,
            );
            out.message = rule.title.text.clone();
            recorder.step("适用的发布单位", out.reasoning.clone());
            out.trace = recorder.steps.take();
            return out;
        }
    }

    let (outcome, earned, reasoning, from_silence) = score_rule(
        rule, facts, points, &snippet, &silent, &undefined, &recorder,
    );
    let of = |earned: Decimal| format!("得 {} / {} 分", points_text(earned), points_text(points));
    let credit = |level| ruleset.credit(section, rule, level);
    // The reason for a share is written once, in the rule-set header; a result names the level.
    let share_text = |share: Decimal, declared: Option<&Credit>| match declared {
        Some(c) => format!(
            "按{}计本项分值的 {}",
            level_name(c.level),
            share.normalize()
        ),
        None => "规则集未声明该证据等级的得分比例，按 0 计".to_string(),
    };
    // Words against the rule: its own mention in the shortcomings or negated, or a flag it reads
    // stated in the negative.
    let admission = facts
        .mentions
        .get(&rule.id.name)
        .filter(|m| m.level == CreditedLevel::Admitted)
        .map(|m| m.evidence.clone())
        .or_else(|| {
            facts_read
                .iter()
                .find_map(|f| {
                    facts
                        .get(f)
                        .is_none()
                        .then(|| facts.admissions.get(f))
                        .flatten()
                })
                .cloned()
        });
    let description = facts
        .mentions
        .get(&rule.id.name)
        .filter(|m| m.level == CreditedLevel::Described)
        .map(|m| m.evidence.clone());

    let mut out = match outcome {
        Outcome::NotApplicable => result(outcome, earned, reasoning, None, None),
        _ if !from_silence => {
            // A figure below target is candour too: it never earns less than admitting the
            // shortfall in words would. Not in the statutory section, where a late or missing
            // part is a breach, not a disclosure.
            let (share, declared) = credit(CreditedLevel::Admitted);
            let floor = points * share;
            let statutory = ruleset
                .combination
                .as_ref()
                .is_some_and(|c| c.statutory_section == section_index);
            let stated_something = facts_read.iter().any(|f| facts.get(f).is_some());
            let (scope_share, scope_declared) = credit(CreditedLevel::Described);
            let partial_scope = facts_read
                .iter()
                .find_map(|f| facts.partial_scope.get(f).map(|words| (f, words)));
            if let Some((fact, words)) = partial_scope.filter(|_| earned > points * scope_share) {
                let capped = points * scope_share;
                let why = format!(
                    "{reasoning}；但{}只是「{words}」的数据，不是全域的数据，至多{}，{}",
                    label(fact),
                    share_text(scope_share, scope_declared),
                    of(capped)
                );
                result(Outcome::Partial, capped, why, Some(Level::Stated), None)
            } else if outcome != Outcome::Pass
                && rule.deduct.is_none()
                && !statutory
                && stated_something
                && earned < floor
            {
                let why = format!(
                    "{reasoning}；报告如实写明了未达标的数据，不低于自认不足的得分：{}，{}",
                    share_text(share, declared),
                    of(floor)
                );
                result(outcome, floor, why, Some(Level::Stated), None)
            } else {
                result(outcome, earned, reasoning, Some(Level::Stated), None)
            }
        }
        _ if admission.is_some() => {
            let (share, declared) = credit(CreditedLevel::Admitted);
            let why = format!(
                "报告未给出{}，但承认存在不足（自认不足）：{}，{}",
                silent_or(&silent, "所需数据"),
                share_text(share, declared),
                of(points * share)
            );
            result(
                Outcome::Fail,
                points * share,
                why,
                Some(Level::Admitted),
                admission,
            )
        }
        _ if rule.deduct.is_some() && rule.require.is_none() => {
            let why = format!(
                "报告未述及{}：扣分项按满分起算，{}",
                silent_or(&silent, "违规情形"),
                of(points)
            );
            result(
                Outcome::Pass,
                points,
                why,
                Some(Level::NoViolationStated),
                None,
            )
        }
        _ if description.is_some() => {
            let (share, declared) = credit(CreditedLevel::Described);
            let earned = points * share;
            // A silent figure is "not given"; a silent statement is "not said in so many words".
            let figure = facts_read.iter().any(|f| {
                facts.get(f).is_none()
                    && ruleset.facts.get(f).is_some_and(|d| d.ty != FactType::Flag)
            });
            let missing = if figure {
                "未给出"
            } else {
                "没有明确写明"
            };
            let why = format!(
                "报告写到了相关举措，但{missing}{}（仅文字表述）：{}，{}",
                silent_or(&silent, "规则要求的数据"),
                share_text(share, declared),
                of(earned)
            );
            let outcome = if earned.is_zero() {
                Outcome::Unknown
            } else {
                Outcome::Partial
            };
            result(outcome, earned, why, Some(Level::Described), description)
        }
        // In the statutory section, what the text cannot show (a page without its publication
        // date) is to be checked, not a failure: it leaves that number's denominator.
        _ if outcome == Outcome::Unknown
            && ruleset
                .combination
                .as_ref()
                .is_some_and(|c| c.statutory_section == section_index) =>
        {
            let why = format!(
                "报告未载明{}，待核实：不计入法定内容与公开的得分，核实后补录（--facts）即可计分",
                silent_or(&silent, "所需事实")
            );
            result(outcome, earned, why, Some(Level::Silent), None)
        }
        _ => result(outcome, earned, reasoning, Some(Level::Silent), None),
    };
    out.message = match &rule.explain {
        // A template over missing facts reads badly ("…率为未提及"); say what is missing instead.
        _ if from_silence && out.level == Some(Level::Silent) && !undefined.is_empty() => {
            said(&silent, &undefined, "")
        }
        _ if from_silence && !silent.is_empty() => match out.level {
            Some(Level::Described) => format!("报告写到了相关举措，但未写明{}", silent.join("、")),
            Some(Level::Admitted) => format!("报告承认存在不足，未写明{}", silent.join("、")),
            _ => format!("报告未提及{}", silent.join("、")),
        },
        Some(template) => fill_template(&template.text, facts, &|f| label(&f.to_string())),
        None => rule.title.text.clone(),
    };
    if let Some(level) = out.level {
        recorder.step("证据等级", level.label());
    }
    recorder.step("结果", format!("{}:{}", out.outcome.label(), out.reasoning));
    out.trace = recorder.steps.take();
    out.tier = recorder.tier.get();
    out
}

fn missing_keyword(mode: Missing) -> &'static str {
    match mode {
        Missing::Unknown => "unknown",
        Missing::Fail => "fail",
        Missing::NotApplicable => "not_applicable",
    }
}

fn level_name(level: CreditedLevel) -> &'static str {
    match level {
        CreditedLevel::Described => Level::Described.label(),
        CreditedLevel::Admitted => Level::Admitted.label(),
    }
}

/// The silent facts' labels joined, or `what` when the rule reads none.
fn silent_or(silent: &[String], what: &str) -> String {
    if silent.is_empty() {
        what.to_string()
    } else {
        silent.join("、")
    }
}

/// The labels of the facts a rule reads that the report does not state (through a derived fact,
/// the inputs it lacks), and the derived facts that cannot be computed, with why.
fn silence(ruleset: &RuleSet, facts: &Facts, read: &[String]) -> (Vec<String>, Vec<String>) {
    fn visit<'r>(
        ruleset: &'r RuleSet,
        facts: &Facts,
        id: &'r str,
        seen: &mut std::collections::HashSet<&'r str>,
        out: &mut (Vec<String>, Vec<String>),
    ) {
        if !seen.insert(id) || facts.get(id).is_some() {
            return;
        }
        let decl = ruleset.facts.get(id);
        let label = decl.map_or(id.to_string(), |d| d.label.text.clone());
        if let Some(reason) = facts.undefined.get(id) {
            out.1.push(format!("{label}无法计算：{reason}"));
        } else if let Some(expr) = decl.and_then(|d| d.derived.as_ref()) {
            let mut inputs = Vec::new();
            expr.facts(&mut inputs);
            for input in inputs {
                visit(ruleset, facts, input, seen, out);
            }
        } else {
            out.0.push(label);
        }
    }
    let mut out = (Vec::new(), Vec::new());
    let mut seen = std::collections::HashSet::new();
    for id in read {
        visit(ruleset, facts, id, &mut seen, &mut out);
    }
    out
}

/// `报告未提及A、B`, `C无法计算：…`, or both: why a rule has no evidence.
fn said(silent: &[String], undefined: &[String], what: &str) -> String {
    let silent_on = format!("报告未提及{}", silent_or(silent, what));
    match (silent.is_empty(), undefined.is_empty()) {
        (_, true) => silent_on,
        (true, false) => undefined.join("；"),
        (false, false) => format!("{silent_on}；{}", undefined.join("；")),
    }
}

fn score_rule(
    rule: &Rule,
    facts: &Facts,
    points: Decimal,
    snippet: &dyn Fn(Span) -> String,
    silent: &[String],
    undefined: &[String],
    recorder: &Recorder,
) -> (Outcome, Decimal, String, bool) {
    let from_silence = std::cell::Cell::new(false);
    let unsaid = |what: &str| said(silent, undefined, what);
    let (outcome, earned, reasoning) = decide(
        rule,
        facts,
        points,
        snippet,
        &unsaid,
        &from_silence,
        recorder,
    );
    recorder.step("初步判定", reasoning.clone());
    (outcome, earned, reasoning, from_silence.get())
}

/// The outcome from the facts alone; `from_silence` is set when the report's silence decided it.
/// `unsaid` words what the report leaves out (or what cannot be computed) for the `missing` case.
fn decide(
    rule: &Rule,
    facts: &Facts,
    points: Decimal,
    snippet: &dyn Fn(Span) -> String,
    unsaid: &dyn Fn(&str) -> String,
    from_silence: &std::cell::Cell<bool>,
    recorder: &Recorder,
) -> (Outcome, Decimal, String) {
    let of = |earned: Decimal| format!("得 {} / {} 分", points_text(earned), points_text(points));
    let missing = |what: &str| {
        from_silence.set(true);
        let silent_on = unsaid(what);
        let mode = rule.missing.map_or(Missing::Unknown, |(m, _)| m);
        recorder.step(
            format!("未能判断，适用 `missing {}`", missing_keyword(mode)),
            silent_on.clone(),
        );
        match mode {
            Missing::Unknown => (
                Outcome::Unknown,
                Decimal::ZERO,
                format!("{silent_on}，无证据，{}", of(Decimal::ZERO)),
            ),
            Missing::Fail => (
                Outcome::Fail,
                Decimal::ZERO,
                format!("{silent_on}，按未达标计，{}", of(Decimal::ZERO)),
            ),
            Missing::NotApplicable => (
                Outcome::NotApplicable,
                Decimal::ZERO,
                format!("{silent_on}，本项不适用"),
            ),
        }
    };
    if let Some(applies) = &rule.applies {
        let value = eval(applies, facts);
        if recorder.condition("适用条件", snippet(applies.span), value) == Some(Rt::Bool(false))
        {
            return (
                Outcome::NotApplicable,
                Decimal::ZERO,
                format!("适用条件 `{}` 不成立，本项不适用", snippet(applies.span)),
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

    let requirement = rule.require.as_ref().map(|r| {
        (
            r,
            recorder.condition("要求", snippet(r.span), eval(r, facts)),
        )
    });
    let base = match requirement {
        Some((_, Some(Rt::Bool(true)))) => None,
        Some((require, Some(_))) => Some(match &rule.partial {
            None => graded(
                Decimal::ZERO,
                format!("未满足 `{}`，{}", snippet(require.span), of(Decimal::ZERO)),
            ),
            Some(partial) => match partial_credit(partial, facts, points, snippet, recorder) {
                Some((earned, why)) => graded(
                    earned,
                    format!(
                        "未满足 `{}`；{why}，{}",
                        snippet(require.span),
                        of(earned.clamp(Decimal::ZERO, points))
                    ),
                ),
                None => missing("部分得分所需事实"),
            },
        }),
        // The requirement cannot be decided, but a tier or line of partial credit may be: a report
        // that states enough for a tier earns it rather than nothing.
        Some((require, None)) => Some(
            match rule
                .partial
                .as_ref()
                .and_then(|p| partial_credit(p, facts, points, snippet, recorder))
                .filter(|(earned, _)| *earned > Decimal::ZERO)
            {
                Some((earned, why)) => graded(
                    earned,
                    format!(
                        "报告的事实不足以判断 `{}`；{why}，{}",
                        snippet(require.span),
                        of(earned.clamp(Decimal::ZERO, points))
                    ),
                ),
                None => missing("所需事实"),
            },
        ),
        None => match &rule.partial {
            Some(partial) => match partial_credit(partial, facts, points, snippet, recorder) {
                Some((earned, why)) => Some(graded(
                    earned,
                    format!("{why}，{}", of(earned.clamp(Decimal::ZERO, points))),
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
                "满足 `{}`，{}",
                rule.require
                    .as_ref()
                    .map_or(String::new(), |r| snippet(r.span)),
                of(points)
            ),
        ),
        Some(deduct) => match deduct_units(deduct, facts, snippet, recorder) {
            Some(Rt::Num(units)) => {
                let cap = deduct.cap.map_or(points, |c| c.value);
                // A count too large to multiply takes the whole cap.
                let taken = deduct
                    .per
                    .value
                    .checked_mul(units.max(Decimal::ZERO))
                    .map_or(cap, |t| t.min(cap));
                let why = format!(
                    "扣分：每项扣 {} 分，共 {} 项，扣 {} 分（上限 {} 分）",
                    deduct.per.value.normalize(),
                    units.normalize(),
                    points_text(taken),
                    cap.normalize()
                );
                graded(
                    points - taken,
                    format!("{why}，{}", of((points - taken).max(Decimal::ZERO))),
                )
            }
            _ => missing("扣分所需事实"),
        },
    }
}

/// The count a deduction multiplies, recorded.
fn deduct_units(
    deduct: &Deduct,
    facts: &Facts,
    snippet: &dyn Fn(Span) -> String,
    recorder: &Recorder,
) -> Option<Rt> {
    let units = eval(&deduct.expr, facts);
    recorder.step(
        format!("扣分依据 `{}`", snippet(deduct.expr.span)),
        rt_text(units),
    );
    units
}

/// Partial credit and its explanation, or `None` when a fact it needs is missing.
fn partial_credit(
    partial: &Partial,
    facts: &Facts,
    points: Decimal,
    snippet: &dyn Fn(Span) -> String,
    recorder: &Recorder,
) -> Option<(Decimal, String)> {
    match partial {
        Partial::Linear { expr, from, to, .. } => {
            let value = eval(expr, facts);
            recorder.step(format!("直线计分 `{}`", snippet(expr.span)), rt_text(value));
            let Rt::Num(value) = value? else {
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
                    "按直线计分：{} 在 {} → 0 分、{} → {} 分之间",
                    unit(value, from),
                    unit(a, from),
                    unit(b, to),
                    points.normalize()
                ),
            ))
        }
        Partial::Tiers { tiers, .. } => {
            let mut unknown = false;
            for (index, (condition, tier_points)) in tiers.iter().enumerate() {
                let what = format!(
                    "第 {} 档（{} 分）",
                    index + 1,
                    tier_points.value.normalize()
                );
                match recorder.condition(&what, snippet(condition.span), eval(condition, facts)) {
                    Some(Rt::Bool(true)) => {
                        recorder.tier.set(Some(index));
                        return Some((
                            tier_points.value,
                            format!("按档次计分：符合 `{}` 档", snippet(condition.span)),
                        ));
                    }
                    None => unknown = true,
                    _ => {}
                }
            }
            (!unknown).then(|| (Decimal::ZERO, "按档次计分：未达到任何档次".to_string()))
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

/// `{fact}` → the fact's value as a reader writes it. A clause whose fact the report does not
/// state is left out rather than printed as "行政诉讼案件未提及件", and named at the end:
/// `行政机关负责人出庭应诉率为100%(报告未写明行政诉讼案件数)`.
pub fn fill_template(template: &str, facts: &Facts, label: &dyn Fn(&str) -> String) -> String {
    let mut kept = Vec::new();
    let mut absent: Vec<String> = Vec::new();
    for clause in template.split_inclusive([',', ',', ';', ';']) {
        let mut out = String::with_capacity(clause.len());
        let mut rest = clause;
        let mut complete = true;
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
                None => {
                    complete = false;
                    let name = label(name);
                    if !absent.contains(&name) {
                        absent.push(name);
                    }
                }
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        if complete {
            kept.push(out);
        }
    }
    let mut text = kept.concat();
    let text_len = text.trim_end_matches([',', ',', ';', ';']).len();
    text.truncate(text_len);
    match (text.is_empty(), absent.is_empty()) {
        (_, true) => text,
        (true, false) => format!("报告未写明{}", absent.join("、")),
        (false, false) => format!("{text}（报告未写明{}）", absent.join("、")),
    }
}

fn qualifier_suffix(q: crate::value::Qualifier) -> &'static str {
    match q {
        crate::value::Qualifier::AtLeast => "以上",
        crate::value::Qualifier::MoreThan => "余",
        crate::value::Qualifier::About => "（约）",
    }
}

/// The value of a condition that reads no facts (`1 > 2`), for the checker's lints.
pub fn constant(expr: &Expr) -> Option<bool> {
    match eval(expr, &Facts::default())? {
        Rt::Bool(b) => Some(b),
        _ => None,
    }
}
