//! Lints: warnings about rules that check but cannot behave as their author means — tiers that
//! never fire, divisions by a figure that may be 0, conditions that never change, facts nobody
//! reads, tests that repeat one another. They run only on a rule set without errors.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use rust_decimal::Decimal;

use super::{placeholders, Checker};
use crate::diagnostic::{Code, Diag, Span};
use crate::syntax::ast::*;
use crate::value::FactType;

/// Facts the engine itself reads, whether or not a rule does: the report year (the effective
/// period's check) and the count it computes from the rules' mentions.
const ENGINE_READS: [&str; 2] = ["report_year", crate::extract::SHORTCOMINGS_NAMED];

impl Checker<'_> {
    pub(super) fn lints(
        &mut self,
        sections: &[Section],
        facts: &IndexMap<String, FactDecl>,
        tests: &[Test],
    ) {
        for rule in sections.iter().flat_map(|s| &s.rules) {
            self.unreachable_tiers(rule);
            self.unguarded_divisions(rule);
            self.constant_conditions(rule, facts);
        }
        self.unused_facts(sections, facts);
        self.duplicate_tests(tests);
    }

    fn warn(
        &mut self,
        file: FileId,
        code: Code,
        message: String,
        span: Span,
        label: &str,
        help: &str,
    ) {
        self.push(
            file,
            Diag::warning(code, message).label(span, label).help(help),
        );
    }

    /// A tier is unreachable when an earlier tier holds whenever it does (the earlier one is
    /// chosen first), or when the requirement does (the rule then has its full points).
    fn unreachable_tiers(&mut self, rule: &Rule) {
        let Some(Partial::Tiers { tiers, .. }) = &rule.partial else {
            return;
        };
        for (j, (condition, _)) in tiers.iter().enumerate() {
            let earlier = tiers[..j]
                .iter()
                .find(|(e, _)| implies(condition, e))
                .map(|(e, _)| format!("前面的档次 `{}`", canonical(e)));
            let by_requirement = rule
                .require
                .as_ref()
                .filter(|r| implies(condition, r))
                .map(|r| format!("要求 `{}`", canonical(r)));
            if let Some(shadow) = earlier.or(by_requirement) {
                self.warn(
                    rule.file,
                    Code::CheckUnreachableTier,
                    format!("规则 `{}` 的这一档永远不会计分", rule.id.name),
                    condition.span,
                    "这一档不可达",
                    &format!(
                        "它成立时{shadow}也成立，后者先生效；按从高到低排列档次（`>=` 的门槛从大到小）"
                    ),
                );
            }
        }
    }

    /// A division in a rule whose denominator may be 0 and is not guarded by `applies`: the
    /// result is unknown and the rule would say the report is silent, although it is not.
    fn unguarded_divisions(&mut self, rule: &Rule) {
        let guards: Vec<&Expr> = rule.applies.iter().collect();
        let mut expressions: Vec<&Expr> = [&rule.applies, &rule.require]
            .into_iter()
            .flatten()
            .collect();
        match &rule.partial {
            Some(Partial::Linear { expr, .. }) => expressions.push(expr),
            Some(Partial::Tiers { tiers, .. }) => expressions.extend(tiers.iter().map(|(e, _)| e)),
            None => {}
        }
        if let Some(deduct) = &rule.deduct {
            expressions.push(&deduct.expr);
        }
        let mut divisions = Vec::new();
        for expr in expressions {
            divisions_in(expr, &mut divisions);
        }
        for (division, denominator) in divisions {
            let nonzero = |g: &&Expr| implies_positive(g, denominator);
            if literal_value(denominator).is_some_and(|v| !v.is_zero())
                || guards.iter().any(nonzero)
            {
                continue;
            }
            self.warn(
                rule.file,
                Code::CheckUnguardedDivision,
                format!("规则 `{}` 除以 `{}`，它可能为 0", rule.id.name, canonical(denominator)),
                division.span,
                "分母可能为零",
                &format!(
                    "分母为 0 时结果未知，本项会被说成“报告未提及”；把比值声明为 `derived fact`（分母为零时会说明），或加 `applies {} >= 1`",
                    canonical(denominator)
                ),
            );
        }
    }

    /// Conditions whose value never depends on the report: no fact in them, or a comparison
    /// outside the fact's range (a percent is 0–100%, a count is at least 0).
    fn constant_conditions(&mut self, rule: &Rule, facts: &IndexMap<String, FactDecl>) {
        let mut check = |expr: &Expr, role: &str| {
            let Some(value) = constant(expr, facts) else {
                return;
            };
            let consequence = match (role, value) {
                ("require", true) => "本项不可能不达标",
                ("require", false) => "本项不可能达标，得不到满分",
                ("applies", true) => "适用条件恒成立，可以删去",
                ("applies", false) => "本项永远不适用",
                (_, true) => "这一档总是成立",
                (_, false) => "这一档永远不会计分",
            };
            let verdict = if value { "恒为真" } else { "恒为假" };
            self.warn(
                rule.file,
                Code::CheckConstantCondition,
                format!("规则 `{}` 的条件{verdict}：{consequence}", rule.id.name),
                expr.span,
                verdict,
                "条件应随报告的事实变化：检查比较的方向和门槛（百分比在 0% 到 100% 之间，件数不小于 0）",
            );
        };
        if let Some(applies) = &rule.applies {
            check(applies, "applies");
        }
        if let Some(require) = &rule.require {
            check(require, "require");
        }
        if let Some(Partial::Tiers { tiers, .. }) = &rule.partial {
            for (condition, _) in tiers {
                check(condition, "tier");
            }
        }
        // Full points on a straight line past 100% are out of reach when nothing else gives them.
        if let (None, Some(Partial::Linear { expr, to, .. })) = (&rule.require, &rule.partial) {
            let percent = matches!(&expr.kind, ExprKind::Fact(name)
                if facts.get(name).is_some_and(|d| d.ty == FactType::Percent));
            if let (true, LiteralValue::Percent(top)) = (percent, to.value) {
                if top > Decimal::ONE_HUNDRED {
                    self.warn(
                        rule.file,
                        Code::CheckConstantCondition,
                        format!(
                            "规则 `{}` 不可能得满分：满分在 {}%，百分比最高 100%",
                            rule.id.name,
                            top.normalize()
                        ),
                        to.span,
                        "达不到",
                        "把 `to` 改为不超过 100%，或加 `require` 写明满分的条件",
                    );
                }
            }
        }
    }

    /// Facts declared in the local files that nothing reads.
    fn unused_facts(&mut self, sections: &[Section], facts: &IndexMap<String, FactDecl>) {
        let mut read: HashSet<&str> = ENGINE_READS.into_iter().collect();
        for rule in sections.iter().flat_map(|s| &s.rules) {
            read.extend(rule.facts_read());
            let templates = rule.explain.iter().chain(&rule.help);
            read.extend(templates.flat_map(|t| placeholders(&t.text).filter_map(Result::ok)));
        }
        for decl in facts.values() {
            if let Some(expr) = &decl.derived {
                let mut inputs = Vec::new();
                expr.facts(&mut inputs);
                read.extend(inputs);
            }
        }
        for decl in facts.values() {
            if decl.file.0 < self.base_files || read.contains(decl.id.name.as_str()) {
                continue;
            }
            self.warn(
                decl.file,
                Code::CheckUnusedFact,
                format!("事实 `{}` 没有被任何规则、派生事实或说明读取", decl.id.name),
                decl.id.span,
                "未被读取",
                "删去这一声明，或在规则中使用它；为以后备用的事实可留作注释",
            );
        }
    }

    /// Two tests with the same givens and expectations test the same thing twice.
    fn duplicate_tests(&mut self, tests: &[Test]) {
        let mut seen: HashMap<String, &Test> = HashMap::new();
        for test in tests {
            if test.file.0 < self.base_files {
                continue;
            }
            let mut given: Vec<String> = test
                .given
                .iter()
                .map(|(id, literal)| format!("{}={:?}", id.name, literal.value))
                .collect();
            given.sort();
            let mut expected: Vec<String> = test.expectations.iter().map(expectation_key).collect();
            expected.sort();
            let key = format!("{given:?}{expected:?}");
            match seen.get(&key) {
                Some(first) => {
                    let mut diag = Diag::warning(
                        Code::CheckDuplicateTest,
                        format!("测试“{}”与“{}”完全相同", test.name.text, first.name.text),
                    )
                    .label(test.name.span, "与前一测试的已知事实和预期都相同")
                    .help("删去其中一个，或改变已知事实以测试另一种情形");
                    if first.file == test.file {
                        diag = diag.label(first.name.span, "前一测试");
                    }
                    self.push(test.file, diag);
                }
                None => {
                    seen.insert(key, test);
                }
            }
        }
    }
}

fn expectation_key(expectation: &Expectation) -> String {
    match expectation {
        Expectation::Total { value, .. } => format!("total {}", value.value.normalize()),
        Expectation::Grade { name, .. } => format!("grade {}", name.text),
        Expectation::Rule {
            rule,
            outcome,
            points,
            ..
        } => format!(
            "{} {} {:?}",
            rule.name,
            outcome.keyword(),
            points.map(|p| p.value.normalize())
        ),
    }
}

/// The expression as text, without spans or spacing: `a / b * 100%`.
pub fn canonical(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Literal(LiteralValue::Number(n)) => n.normalize().to_string(),
        ExprKind::Literal(LiteralValue::Percent(n)) => format!("{}%", n.normalize()),
        ExprKind::Literal(LiteralValue::Date(d)) => d.to_string(),
        ExprKind::Literal(LiteralValue::Bool(b)) => b.to_string(),
        ExprKind::Fact(name) => name.clone(),
        ExprKind::Call { name, args } => format!(
            "{}({})",
            name.name,
            args.iter().map(canonical).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Not(inner) => format!("not {}", wrapped(inner)),
        ExprKind::Binary { op, lhs, rhs } => {
            format!("{} {} {}", wrapped(lhs), op.symbol(), wrapped(rhs))
        }
    }
}

fn wrapped(expr: &Expr) -> String {
    match expr.kind {
        ExprKind::Binary { .. } => format!("({})", canonical(expr)),
        _ => canonical(expr),
    }
}

fn literal_value(expr: &Expr) -> Option<Decimal> {
    match expr.kind {
        ExprKind::Literal(LiteralValue::Number(n) | LiteralValue::Percent(n)) => Some(n),
        _ => None,
    }
}

/// Every division in an expression, with its denominator.
fn divisions_in<'e>(expr: &'e Expr, out: &mut Vec<(&'e Expr, &'e Expr)>) {
    match &expr.kind {
        ExprKind::Binary { op, lhs, rhs } => {
            if *op == BinaryOp::Div {
                out.push((expr, rhs));
            }
            divisions_in(lhs, out);
            divisions_in(rhs, out);
        }
        ExprKind::Not(inner) => divisions_in(inner, out),
        ExprKind::Call { args, .. } => args.iter().for_each(|a| divisions_in(a, out)),
        _ => {}
    }
}

/// A comparison of some expression with a number: `key op value`, the literal moved right.
struct Bound {
    key: String,
    op: BinaryOp,
    value: Decimal,
}

fn bound(expr: &Expr) -> Option<Bound> {
    let ExprKind::Binary { op, lhs, rhs } = &expr.kind else {
        return None;
    };
    if !op.is_comparison() {
        return None;
    }
    if let Some(value) = literal_value(rhs) {
        return Some(Bound {
            key: canonical(lhs),
            op: *op,
            value,
        });
    }
    let value = literal_value(lhs)?;
    let flipped = match op {
        BinaryOp::Ge => BinaryOp::Le,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Lt => BinaryOp::Gt,
        other => *other,
    };
    Some(Bound {
        key: canonical(rhs),
        op: flipped,
        value,
    })
}

impl Bound {
    /// Whether every value satisfying `self` satisfies `other` (same key).
    fn implies(&self, other: &Bound) -> bool {
        if self.key != other.key {
            return false;
        }
        let (a, b) = (self.value, other.value);
        match (self.op, other.op) {
            (BinaryOp::Eq, _) => other.holds(a),
            (BinaryOp::Ge, BinaryOp::Ge) | (BinaryOp::Gt, BinaryOp::Gt) => a >= b,
            (BinaryOp::Gt, BinaryOp::Ge) => a >= b,
            (BinaryOp::Ge, BinaryOp::Gt) => a > b,
            (BinaryOp::Le, BinaryOp::Le) | (BinaryOp::Lt, BinaryOp::Lt) => a <= b,
            (BinaryOp::Lt, BinaryOp::Le) => a <= b,
            (BinaryOp::Le, BinaryOp::Lt) => a < b,
            (BinaryOp::Ge, BinaryOp::Ne) | (BinaryOp::Gt, BinaryOp::Ne) => {
                a > b || (self.op == BinaryOp::Gt && a == b)
            }
            (BinaryOp::Le, BinaryOp::Ne) | (BinaryOp::Lt, BinaryOp::Ne) => {
                a < b || (self.op == BinaryOp::Lt && a == b)
            }
            _ => false,
        }
    }

    fn holds(&self, x: Decimal) -> bool {
        match self.op {
            BinaryOp::Ge => x >= self.value,
            BinaryOp::Gt => x > self.value,
            BinaryOp::Le => x <= self.value,
            BinaryOp::Lt => x < self.value,
            BinaryOp::Eq => x == self.value,
            BinaryOp::Ne => x != self.value,
            _ => false,
        }
    }
}

/// Whether `a` holding guarantees `b` holds, judged on comparisons with numbers joined by
/// `and`/`or`; `false` when it cannot tell.
pub fn implies(a: &Expr, b: &Expr) -> bool {
    if canonical(a) == canonical(b) {
        return true;
    }
    if let ExprKind::Binary { op, lhs, rhs } = &b.kind {
        match op {
            BinaryOp::And => return implies(a, lhs) && implies(a, rhs),
            BinaryOp::Or => return implies(a, lhs) || implies(a, rhs),
            _ => {}
        }
    }
    if let ExprKind::Binary { op, lhs, rhs } = &a.kind {
        match op {
            BinaryOp::And => return implies(lhs, b) || implies(rhs, b),
            BinaryOp::Or => return implies(lhs, b) && implies(rhs, b),
            _ => {}
        }
    }
    match (bound(a), bound(b)) {
        (Some(x), Some(y)) => x.implies(&y),
        _ => false,
    }
}

/// Whether `guard` holding means `denominator` is above 0.
fn implies_positive(guard: &Expr, denominator: &Expr) -> bool {
    let positive = Bound {
        key: canonical(denominator),
        op: BinaryOp::Ne,
        value: Decimal::ZERO,
    };
    let mut conjuncts = Vec::new();
    conjuncts_of(guard, &mut conjuncts);
    conjuncts
        .into_iter()
        .filter_map(bound)
        .any(|b| b.implies(&positive))
}

fn conjuncts_of<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &expr.kind {
        ExprKind::Binary {
            op: BinaryOp::And,
            lhs,
            rhs,
        } => {
            conjuncts_of(lhs, out);
            conjuncts_of(rhs, out);
        }
        _ => out.push(expr),
    }
}

/// The value of a condition that does not depend on the report, if it has one: no fact in it,
/// or one fact compared outside its range.
fn constant(expr: &Expr, facts: &IndexMap<String, FactDecl>) -> Option<bool> {
    let mut read = Vec::new();
    expr.facts(&mut read);
    let is_present_call =
        matches!(&expr.kind, ExprKind::Call { name, .. } if name.name == "present");
    if read.is_empty() && !is_present_call {
        return crate::eval::constant(expr);
    }
    let bound = bound(expr)?;
    let ExprKind::Binary { lhs, rhs, .. } = &expr.kind else {
        return None;
    };
    let fact = [lhs, rhs].into_iter().find_map(|side| match &side.kind {
        ExprKind::Fact(name) => facts.get(name),
        _ => None,
    })?;
    let (low, high) = match fact.ty {
        FactType::Percent => (Decimal::ZERO, Some(Decimal::ONE_HUNDRED)),
        FactType::Count | FactType::Amount => (Decimal::ZERO, None),
        _ => return None,
    };
    // Over [low, high]: true everywhere, false everywhere, or it depends.
    let at_low = bound.holds(low);
    match bound.op {
        BinaryOp::Ge | BinaryOp::Gt if at_low => Some(true),
        BinaryOp::Le | BinaryOp::Lt if !at_low => Some(false),
        BinaryOp::Ge | BinaryOp::Gt => high.filter(|h| !bound.holds(*h)).map(|_| false),
        BinaryOp::Le | BinaryOp::Lt => high.filter(|h| bound.holds(*h)).map(|_| true),
        _ => None,
    }
}
