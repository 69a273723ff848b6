//! Running the DSL's unit tests: each test's given facts are evaluated and compared with its
//! expectations.

use rust_decimal::prelude::ToPrimitive;

use crate::check::RuleSet;
use crate::eval::{evaluate, points_text, round2, Scorecard};
use crate::facts::{FactValue, Facts, Origin};
use crate::syntax::ast::{Expectation, LiteralValue, Test};
use crate::value::{FactType, Value};

/// One test's result: its name and every expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    pub name: String,
    pub failures: Vec<String>,
    /// Lines that help read a failure: the rules that fell short when a total differs, or what
    /// an example read instead.
    pub details: Vec<String>,
    /// Where the test is, for its diagnostic.
    pub file: crate::syntax::ast::FileId,
    pub span: crate::diagnostic::Span,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs the rule set's tests, then its pattern examples (each a test of its own).
pub fn run(ruleset: &RuleSet) -> Vec<TestResult> {
    let mut results: Vec<TestResult> = ruleset
        .tests
        .iter()
        .map(|test| {
            run_one(
                ruleset,
                test,
                &evaluate(ruleset, &given_facts(ruleset, test)),
            )
        })
        .collect();
    // Under an overlay only its own tests run (the default set's describe the default set), and
    // so only its own facts' examples; `fazhi check` still runs every example.
    results.extend(
        crate::examples::run(ruleset)
            .iter()
            .filter(|run| run.file.0 >= ruleset.base_files)
            .map(crate::examples::ExampleRun::as_test),
    );
    results
}

/// `rules/17-disputes.fz:42:5`: where a span is, with a character column.
pub fn location(
    ruleset: &RuleSet,
    file: crate::syntax::ast::FileId,
    span: crate::diagnostic::Span,
) -> String {
    match ruleset.source(file) {
        Some(source) => {
            let (line, column) = crate::render::sarif::line_column(&source.text, span.start);
            format!("{}:{line}:{column}", source.name)
        }
        None => String::new(),
    }
}

/// How many rules that fell short a failed total lists; the rest are counted.
const SHORTFALLS_SHOWN: usize = 12;

/// The rules that did not earn their full points, most points lost first: what a total that
/// differs from the expected one is made of.
pub fn shortfalls(ruleset: &RuleSet, card: &Scorecard) -> Vec<String> {
    let mut short: Vec<_> = card
        .rules
        .iter()
        .filter(|r| r.outcome != crate::syntax::ast::Outcome::NotApplicable && r.earned < r.points)
        .collect();
    short.sort_by_key(|r| std::cmp::Reverse(r.points - r.earned));
    let id = |r: &crate::eval::RuleResult| {
        ruleset
            .sections
            .get(r.section)
            .and_then(|s| s.rules.get(r.rule))
            .map_or(String::new(), |rule| rule.id.name.clone())
    };
    let mut lines: Vec<String> = short
        .iter()
        .take(SHORTFALLS_SHOWN)
        .map(|r| {
            format!(
                "`{}`：满分 {}，实得 {}（{}）",
                id(r),
                points_text(r.points),
                points_text(r.earned),
                r.outcome.label()
            )
        })
        .collect();
    if short.len() > SHORTFALLS_SHOWN {
        lines.push(format!(
            "……另有 {} 条规则未得满分",
            short.len() - SHORTFALLS_SHOWN
        ));
    }
    lines
}

/// The facts a test gives, typed by their declarations (the checker has validated them).
pub fn given_facts(ruleset: &RuleSet, test: &Test) -> Facts {
    let mut facts = Facts::default();
    for (id, literal) in &test.given {
        let Some(decl) = ruleset.facts.get(&id.name) else {
            continue;
        };
        let Some(value) = literal_value(literal.value, decl.ty) else {
            continue;
        };
        facts.insert(
            id.name.clone(),
            FactValue {
                value,
                qualifier: None,
                evidence: None,
                origin: Origin::Given,
            },
        );
    }
    facts
}

/// A literal written in the rules as the value of a fact of type `ty`; `None` when it is not
/// of that type (the checker reports it).
pub fn literal_value(literal: LiteralValue, ty: FactType) -> Option<Value> {
    Some(match (literal, ty) {
        (LiteralValue::Percent(p), FactType::Percent) => Value::Percent(p),
        (LiteralValue::Number(n), FactType::Count) => Value::Count(n),
        (LiteralValue::Number(n), FactType::Amount) => Value::Amount(n),
        // `2024.0` is a year too: the value, not its written scale, counts.
        (LiteralValue::Number(n), FactType::Year) => Value::Year(n.trunc().to_i32()?),
        (LiteralValue::Date(d), FactType::Date) => Value::Date(d),
        (LiteralValue::Bool(b), FactType::Flag) => Value::Flag(b),
        _ => return None,
    })
}

/// A test's expectations against the scorecard of its given facts.
pub fn run_one(ruleset: &RuleSet, test: &Test, card: &Scorecard) -> TestResult {
    let mut failures = Vec::new();
    let mut details = Vec::new();
    for expectation in &test.expectations {
        match expectation {
            Expectation::Total { value, .. } => {
                if round2(value.value) != card.total {
                    failures.push(format!(
                        "期望总分 {}，实际为 {}",
                        points_text(value.value),
                        points_text(card.total)
                    ));
                    details.push("未得满分的规则（满分与实得）：".to_string());
                    details.extend(
                        shortfalls(ruleset, card)
                            .into_iter()
                            .map(|l| format!("  {l}")),
                    );
                }
            }
            Expectation::Grade { name, .. } => {
                if name.text != card.grade {
                    failures.push(format!(
                        "期望等级 {}，实际为 {}（总分 {}）",
                        name.text,
                        card.grade,
                        points_text(card.total)
                    ));
                    details.push("未得满分的规则（满分与实得）：".to_string());
                    details.extend(
                        shortfalls(ruleset, card)
                            .into_iter()
                            .map(|l| format!("  {l}")),
                    );
                }
            }
            Expectation::Rule {
                rule,
                outcome,
                points,
                ..
            } => {
                let found = card.rules.iter().find(|r| {
                    ruleset
                        .sections
                        .get(r.section)
                        .and_then(|s| s.rules.get(r.rule))
                        .is_some_and(|x| x.id.name == rule.name)
                });
                let Some(result) = found else {
                    failures.push(format!("没有规则 `{}`", rule.name));
                    continue;
                };
                if result.outcome != *outcome {
                    failures.push(format!(
                        "`{}`：期望 `{}`，实际为 `{}`（{}）",
                        rule.name,
                        outcome.keyword(),
                        result.outcome.keyword(),
                        result.reasoning
                    ));
                } else if let Some(p) = points.filter(|p| round2(p.value) != round2(result.earned))
                {
                    failures.push(format!(
                        "`{}`：期望 {} 分，实际为 {} 分（{}）",
                        rule.name,
                        points_text(p.value),
                        points_text(result.earned),
                        result.reasoning
                    ));
                }
            }
        }
    }
    TestResult {
        name: test.name.text.clone(),
        failures,
        details,
        file: test.file,
        span: test.name.span,
    }
}
