//! Running the DSL's unit tests: each test's given facts are evaluated and compared with its
//! expectations.

use rust_decimal::prelude::ToPrimitive;

use crate::check::RuleSet;
use crate::eval::{evaluate, points_text, round2};
use crate::facts::{FactValue, Facts, Origin};
use crate::syntax::ast::{Expectation, LiteralValue, Test};
use crate::value::{FactType, Value};

/// One test's result: its name and every expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    pub name: String,
    pub failures: Vec<String>,
    /// Where the test is, for its diagnostic.
    pub file: crate::syntax::ast::FileId,
    pub span: crate::diagnostic::Span,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

pub fn run(ruleset: &RuleSet) -> Vec<TestResult> {
    ruleset
        .tests
        .iter()
        .map(|test| run_one(ruleset, test))
        .collect()
}

/// The facts a test gives, typed by their declarations (the checker has validated them).
pub fn given_facts(ruleset: &RuleSet, test: &Test) -> Facts {
    let mut facts = Facts::default();
    for (id, literal) in &test.given {
        let Some(decl) = ruleset.facts.get(&id.name) else {
            continue;
        };
        let value = match (literal.value, decl.ty) {
            (LiteralValue::Percent(p), FactType::Percent) => Value::Percent(p),
            (LiteralValue::Number(n), FactType::Count) => Value::Count(n),
            (LiteralValue::Number(n), FactType::Amount) => Value::Amount(n),
            // `2024.0` is a year too: the value, not its written scale, counts.
            (LiteralValue::Number(n), FactType::Year) => match n.trunc().to_i32() {
                Some(y) => Value::Year(y),
                None => continue,
            },
            (LiteralValue::Date(d), FactType::Date) => Value::Date(d),
            (LiteralValue::Bool(b), FactType::Flag) => Value::Flag(b),
            _ => continue,
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

fn run_one(ruleset: &RuleSet, test: &Test) -> TestResult {
    let card = evaluate(ruleset, &given_facts(ruleset, test));
    let mut failures = Vec::new();
    for expectation in &test.expectations {
        match expectation {
            Expectation::Total { value, .. } => {
                if round2(value.value) != card.total {
                    failures.push(format!(
                        "期望总分 {}，实际为 {}",
                        points_text(value.value),
                        points_text(card.total)
                    ));
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
        file: test.file,
        span: test.name.span,
    }
}
