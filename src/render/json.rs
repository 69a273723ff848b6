//! The JSON output of `fazhi score --format json`, documented in docs/json.md. Decimals are
//! strings; keys keep a fixed order so output is byte-identical on every run.

use serde_json::{json, Map, Value as J};

use super::Context;
use crate::eval::points_text;
use crate::syntax::ast::{Combined, Outcome};

/// Bumped on any change a consumer could notice.
pub const SCHEMA_VERSION: u32 = 2;

pub fn score(ctx: &Context<'_>) -> J {
    let (ruleset, card, facts) = (ctx.ruleset, ctx.card, ctx.facts);
    let sections: Vec<J> = card
        .sections
        .iter()
        .filter_map(|s| {
            let section = ruleset.sections.get(s.section)?;
            Some(json!({
                "id": section.id.name,
                "title": section.title.text,
                "weight": points_text(s.weight),
                "score": s.score.map(points_text),
                "earned": points_text(s.earned),
                "possible": points_text(s.possible),
                "coverage": s.coverage.map(|c| points_text(c * rust_decimal::Decimal::ONE_HUNDRED)),
                "performance": s.performance.map(|p| points_text(p * rust_decimal::Decimal::ONE_HUNDRED)),
            }))
        })
        .collect();
    let rules: Vec<J> = card
        .rules
        .iter()
        .filter_map(|r| {
            let section = ruleset.sections.get(r.section)?;
            let rule = section.rules.get(r.rule)?;
            let mut read = Map::new();
            for id in &r.facts_read {
                read.insert(id.clone(), facts.get(id).map_or(J::Null, fact_json));
            }
            Some(json!({
                "id": rule.id.name,
                "section": section.id.name,
                "title": rule.title.text,
                "cite": rule.cite.as_ref().map(|c| c.text.text.clone()),
                "standing": rule.cite.as_ref().map(|c| c.standing.keyword()),
                "outcome": r.outcome.keyword(),
                "level": r.level,
                "words": r.words.as_ref().map(|e| json!({
                    "span": [e.span.start, e.span.end],
                    "quote": e.quote,
                })),
                "points": points_text(r.points),
                "earned": points_text(r.earned),
                "message": r.message,
                "reasoning": r.reasoning,
                "help": rule.help.as_ref().map(|h| h.text.clone()),
                "facts": read,
            }))
        })
        .collect();
    let advice: Vec<J> = ctx
        .advice
        .iter()
        .filter_map(|a| {
            let result = card.rules.get(a.result)?;
            let (_, rule) = ctx.rule_of(result)?;
            Some(json!({
                "rule": rule.id.name,
                "title": rule.title.text,
                "gain": points_text(a.gain),
                "outcome": result.outcome.keyword(),
                "help": rule.help.as_ref().map(|h| h.text.clone()),
            }))
        })
        .collect();
    let warnings: Vec<J> = ctx
        .warnings
        .iter()
        .map(|d| json!({ "code": d.code.as_str(), "message": d.message }))
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "engine": { "name": "fazhi", "version": env!("CARGO_PKG_VERSION") },
        "ruleset": { "id": ruleset.id, "version": ruleset.version, "title": ruleset.title },
        "report": { "name": ctx.info.name, "issuer": ctx.info.issuer, "year": ctx.info.year },
        "total": points_text(card.total),
        "max": points_text(ruleset.total),
        "grade": card.grade,
        "numbers": numbers_json(ctx),
        "issuer_kind": facts.issuer_kind,
        "counts": {
            "pass": card.count(Outcome::Pass),
            "partial": card.count(Outcome::Partial),
            "fail": card.count(Outcome::Fail),
            "unknown": card.count(Outcome::Unknown),
            "not_applicable": card.count(Outcome::NotApplicable),
        },
        "sections": sections,
        "rules": rules,
        "advice": advice,
        "warnings": warnings,
        "audit": ctx.audit,
    })
}

/// The three numbers of the scoring model, each as a percentage of its own scale with the weight
/// it has in the total; `null` for a rule set without `combine`.
fn numbers_json(ctx: &Context<'_>) -> J {
    let (Some(numbers), Some(combination)) = (&ctx.card.numbers, &ctx.ruleset.combination) else {
        return J::Null;
    };
    let part = |number: Combined, share: Option<rust_decimal::Decimal>| {
        let weight = combination.weight(number);
        json!({
            "label": number.label(),
            "percent": share.map(|s| points_text(s * rust_decimal::Decimal::ONE_HUNDRED)),
            "weight": points_text(weight),
            "points": points_text(share.unwrap_or_default() * weight),
        })
    };
    json!({
        "statutory": part(Combined::Statutory, numbers.statutory),
        "coverage": part(Combined::Coverage, numbers.coverage),
        "performance": part(Combined::Performance, numbers.performance),
    })
}

/// One fact as `fazhi extract` prints it: value, qualifier, span, quote (and where it came from).
pub fn fact_json(fact: &crate::facts::FactValue) -> J {
    json!({
        "value": fact.value.to_json(),
        "qualifier": fact.qualifier.map(|q| q.keyword()),
        "origin": fact.origin,
        "span": fact.evidence.as_ref().map(|e| json!([e.span.start, e.span.end])),
        "quote": fact.evidence.as_ref().map(|e| e.quote.clone()),
    })
}
