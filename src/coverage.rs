//! `fazhi test --coverage`: which behaviour the tests reach — per rule the outcomes, evidence
//! levels and `partial tiers` tiers some test arrives at, per fact the patterns its examples
//! exercise — and what none reaches.

use std::fmt::Write as _;

use serde_json::json;

use crate::check::RuleSet;
use crate::eval::{evaluate, Level};
use crate::examples::ExampleRun;
use crate::syntax::ast::{Expectation, Missing, Outcome, Partial, Rule};
use crate::testing::given_facts;

/// What the tests reach of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCoverage {
    pub rule: String,
    /// Tests that check the rule: by an `expect` on it, or on the total or grade.
    pub tests: usize,
    /// Each outcome the rule can reach, and whether a test reaches it.
    pub outcomes: Vec<(Outcome, bool)>,
    /// The evidence levels tests reach (given facts reach only stated, silent and no violation).
    pub levels: Vec<Level>,
    /// Each tier's condition as written, and whether a test's facts choose it.
    pub tiers: Vec<(String, bool)>,
}

/// What the examples exercise of one fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactCoverage {
    pub fact: String,
    pub examples: usize,
    pub counterexamples: usize,
    /// Each pattern as written, and whether an example (not a counterexample) matches it.
    pub patterns: Vec<(String, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub rules: Vec<RuleCoverage>,
    pub facts: Vec<FactCoverage>,
}

/// The outcomes a rule's clauses make possible.
fn possible_outcomes(rule: &Rule) -> Vec<Outcome> {
    let mut possible = vec![Outcome::Pass, Outcome::Fail];
    if rule.partial.is_some() || rule.deduct.is_some() {
        possible.push(Outcome::Partial);
    }
    let missing = rule.missing.map_or(Missing::Unknown, |(m, _)| m);
    // A deduction alone keeps its points on silence; otherwise silence is the `missing` mode.
    let deduction_only = rule.deduct.is_some() && rule.require.is_none() && rule.partial.is_none();
    if missing == Missing::Unknown && !deduction_only && !rule.facts_read().is_empty() {
        possible.push(Outcome::Unknown);
    }
    if rule.applies.is_some() || rule.issuers.is_some() || missing == Missing::NotApplicable {
        possible.push(Outcome::NotApplicable);
    }
    possible
}

/// Runs every test and example and records what they reach.
pub fn measure(ruleset: &RuleSet, examples: &[ExampleRun]) -> Coverage {
    let cards: Vec<_> = ruleset
        .tests
        .iter()
        .map(|test| (test, evaluate(ruleset, &given_facts(ruleset, test))))
        .collect();
    let mut rules = Vec::new();
    let mut index = 0;
    for section in &ruleset.sections {
        for rule in &section.rules {
            let checks = |test: &crate::syntax::ast::Test| {
                test.expectations.iter().any(|e| match e {
                    Expectation::Rule { rule: r, .. } => r.name == rule.id.name,
                    Expectation::Total { .. } | Expectation::Grade { .. } => true,
                })
            };
            let results: Vec<_> = cards
                .iter()
                .filter(|(test, _)| checks(test))
                .filter_map(|(_, card)| card.rules.get(index))
                .collect();
            let source = ruleset.source(section.file).map(|s| s.text.clone());
            let code = |span: crate::diagnostic::Span| {
                source
                    .as_deref()
                    .and_then(|t| t.get(span.start..span.end))
                    .unwrap_or("")
                    .to_string()
            };
            let tiers = match &rule.partial {
                Some(Partial::Tiers { tiers, .. }) => tiers
                    .iter()
                    .enumerate()
                    .map(|(i, (condition, points))| {
                        let text =
                            format!("{} => {}", code(condition.span), points.value.normalize());
                        (text, results.iter().any(|r| r.tier == Some(i)))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let mut levels: Vec<Level> = Vec::new();
            for level in results.iter().filter_map(|r| r.level) {
                if !levels.contains(&level) {
                    levels.push(level);
                }
            }
            rules.push(RuleCoverage {
                rule: rule.id.name.clone(),
                tests: results.len(),
                outcomes: possible_outcomes(rule)
                    .into_iter()
                    .map(|o| (o, results.iter().any(|r| r.outcome == o)))
                    .collect(),
                levels,
                tiers,
            });
            index += 1;
        }
    }
    let facts = ruleset
        .facts
        .values()
        .map(|decl| {
            let mine: Vec<&ExampleRun> =
                examples.iter().filter(|e| e.fact == decl.id.name).collect();
            FactCoverage {
                fact: decl.id.name.clone(),
                examples: mine.iter().filter(|e| !e.counter).count(),
                counterexamples: mine.iter().filter(|e| e.counter).count(),
                patterns: decl
                    .patterns
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let used = mine.iter().any(|e| !e.counter && e.patterns.contains(&i));
                        (p.text.clone(), used)
                    })
                    .collect(),
            }
        })
        .collect();
    Coverage { rules, facts }
}

fn labels(outcomes: &[(Outcome, bool)], reached: bool) -> String {
    outcomes
        .iter()
        .filter(|(_, r)| *r == reached)
        .map(|(o, _)| o.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// The coverage in words, one line per rule and per fact, then what is never reached.
pub fn to_text(coverage: &Coverage) -> String {
    let mut out = String::from("行为覆盖（规则）：测试达到的结果与档次\n");
    for rule in &coverage.rules {
        let missed = labels(&rule.outcomes, false);
        let mut line = format!(
            "  {}：{} 个测试；达到 {}",
            rule.rule,
            rule.tests,
            match labels(&rule.outcomes, true) {
                t if t.is_empty() => "无".to_string(),
                t => t,
            }
        );
        if !missed.is_empty() {
            let _ = write!(line, "；未达到 {missed}");
        }
        if !rule.tiers.is_empty() {
            let reached = rule.tiers.iter().filter(|(_, r)| *r).count();
            let _ = write!(line, "；档次 {reached}/{}", rule.tiers.len());
            let never: Vec<String> = rule
                .tiers
                .iter()
                .filter(|(_, r)| !r)
                .map(|(t, _)| format!("`{t}`"))
                .collect();
            if !never.is_empty() {
                let _ = write!(line, "，未达到 {}", never.join(" "));
            }
        }
        if !rule.levels.is_empty() {
            let levels: Vec<&str> = rule.levels.iter().map(|l| l.label()).collect();
            let _ = write!(line, "；证据等级 {}", levels.join("、"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("行为覆盖（事实）：例句用到的模式\n");
    for fact in &coverage.facts {
        if fact.patterns.is_empty() {
            continue;
        }
        let used = fact.patterns.iter().filter(|(_, u)| *u).count();
        let mut line = format!(
            "  {}：例句 {} 个，反例 {} 个；模式 {used}/{} 被例句用到",
            fact.fact,
            fact.examples,
            fact.counterexamples,
            fact.patterns.len()
        );
        let never: Vec<String> = fact
            .patterns
            .iter()
            .filter(|(_, u)| !u)
            .map(|(p, _)| format!("`{p}`"))
            .collect();
        if !never.is_empty() {
            let _ = write!(line, "，未用到 {}", never.join(" "));
        }
        out.push_str(&line);
        out.push('\n');
    }
    let (outcomes, tiers, patterns, bare) = totals(coverage);
    let _ = writeln!(
        out,
        "未达到：{outcomes} 个规则结果，{tiers} 个档次；{patterns} 个模式没有例句用到，{bare} 个有模式的事实没有例句"
    );
    out
}

/// Never reached: rule outcomes, tiers, patterns, and facts with patterns but no example.
fn totals(coverage: &Coverage) -> (usize, usize, usize, usize) {
    let outcomes = coverage
        .rules
        .iter()
        .map(|r| r.outcomes.iter().filter(|(_, x)| !x).count())
        .sum();
    let tiers = coverage
        .rules
        .iter()
        .map(|r| r.tiers.iter().filter(|(_, x)| !x).count())
        .sum();
    let patterns = coverage
        .facts
        .iter()
        .map(|f| f.patterns.iter().filter(|(_, x)| !x).count())
        .sum();
    let bare = coverage
        .facts
        .iter()
        .filter(|f| !f.patterns.is_empty() && f.examples == 0)
        .count();
    (outcomes, tiers, patterns, bare)
}

/// The coverage as JSON (`fazhi test --coverage --format json`).
pub fn to_json(coverage: &Coverage) -> serde_json::Value {
    let (outcomes, tiers, patterns, bare) = totals(coverage);
    json!({
        "rules": coverage.rules.iter().map(|r| json!({
            "rule": r.rule,
            "tests": r.tests,
            "outcomes": r.outcomes.iter().map(|(o, reached)| json!({"outcome": o, "reached": reached})).collect::<Vec<_>>(),
            "levels": r.levels,
            "tiers": r.tiers.iter().map(|(t, reached)| json!({"tier": t, "reached": reached})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "facts": coverage.facts.iter().map(|f| json!({
            "fact": f.fact,
            "examples": f.examples,
            "counterexamples": f.counterexamples,
            "patterns": f.patterns.iter().map(|(p, used)| json!({"pattern": p, "exercised": used})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unreached": {
            "outcomes": outcomes,
            "tiers": tiers,
            "patterns": patterns,
            "facts_without_examples": bare,
        },
    })
}
