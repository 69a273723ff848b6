//! SARIF 2.1.0 for code-scanning tools: one run whose driver lists every rule, and one result per
//! rule that failed (`error`), partly passed or found no evidence (`warning`). A result points at
//! each piece of evidence in the report (line and column in Unicode code points, as
//! `run.columnKind` says; `charOffset`/`charLength` in code points too) and last at the rule in its
//! `.fz` file, with a logical location naming the rule. docs/schema/sarif-2.1.0-subset.schema.json
//! describes exactly what is emitted.

use serde_json::{json, Map, Value as J};

use super::html::clamp_span;
use super::Context;
use crate::audit::sha256_hex;
use crate::diagnostic::Span;
use crate::eval::points_text;
use crate::syntax::ast::Outcome;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn score(ctx: &Context<'_>) -> J {
    let (ruleset, card) = (ctx.ruleset, ctx.card);
    let rules: Vec<J> = ruleset
        .sections
        .iter()
        .flat_map(|section| section.rules.iter().map(move |rule| (section, rule)))
        .map(|(section, rule)| {
            let mut descriptor = Map::new();
            descriptor.insert("id".into(), json!(rule.id.name));
            descriptor.insert("name".into(), json!(rule.id.name));
            descriptor.insert(
                "shortDescription".into(),
                json!({ "text": rule.title.text }),
            );
            if let Some(help) = &rule.help {
                descriptor.insert("fullDescription".into(), json!({ "text": help.text }));
                descriptor.insert("help".into(), json!({ "text": help.text }));
            }
            descriptor.insert(
                "properties".into(),
                json!({
                    "section": section.id.name,
                    "sectionTitle": section.title.text,
                    "points": rule.points.map(|p| points_text(p.value)),
                    "cite": rule.cite.as_ref().map(|c| c.text.text.clone()),
                    "standing": rule.cite.as_ref().map(|c| c.standing.keyword()),
                }),
            );
            J::Object(descriptor)
        })
        .collect();
    let rule_index = |id: &str| ruleset.rules().position(|(_, r)| r.id.name == id);

    let mut artifacts = Vec::new();
    if let Some(report) = ctx.report {
        artifacts.push(json!({
            "location": { "uri": uri(&report.name) },
            "roles": ["analysisTarget"],
            "sourceLanguage": "text",
            "hashes": { "sha-256": sha256_hex(report.text.as_bytes()) },
        }));
    }
    for source in &ruleset.sources {
        artifacts.push(json!({
            "location": { "uri": uri(&source.name) },
            "roles": ["policy"],
            "hashes": { "sha-256": sha256_hex(source.text.as_bytes()) },
        }));
    }

    let results: Vec<J> = card
        .rules
        .iter()
        .enumerate()
        .filter_map(|(index, result)| {
            let level = match result.outcome {
                Outcome::Fail => "error",
                Outcome::Partial | Outcome::Unknown => "warning",
                Outcome::Pass | Outcome::NotApplicable => return None,
            };
            let (section, rule) = ctx.rule_of(result)?;
            let mut locations = Vec::new();
            let mut seen: Vec<Span> = Vec::new();
            if let Some(report) = ctx.report {
                for fact_id in &result.facts_read {
                    let Some(evidence) = ctx.facts.get(fact_id).and_then(|f| f.evidence.as_ref())
                    else {
                        continue;
                    };
                    let Some(span) = clamp_span(evidence.span, &report.text) else {
                        continue;
                    };
                    if seen.contains(&span) {
                        continue;
                    }
                    seen.push(span);
                    let label = ruleset
                        .facts
                        .get(fact_id)
                        .map_or(fact_id.as_str(), |d| d.label.text.as_str());
                    locations.push(json!({
                        "id": locations.len(),
                        "physicalLocation": {
                            "artifactLocation": { "uri": uri(&report.name) },
                            "region": region(&report.text, span, Some(&evidence.quote)),
                        },
                        "message": { "text": format!("证据：{label}") },
                    }));
                }
            }
            if let Some(source) = ruleset.source(rule.file) {
                locations.push(json!({
                    "id": locations.len(),
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&source.name) },
                        "region": region(&source.text, rule.id.span, None),
                    },
                    "logicalLocations": [{
                        "name": rule.id.name,
                        "fullyQualifiedName": format!("{}.{}", section.id.name, rule.id.name),
                        "kind": "member",
                    }],
                    "message": { "text": "规则定义" },
                }));
            }
            let mut object = Map::new();
            object.insert("ruleId".into(), json!(rule.id.name));
            if let Some(index) = rule_index(&rule.id.name) {
                object.insert("ruleIndex".into(), json!(index));
            }
            object.insert("level".into(), json!(level));
            object.insert(
                "message".into(),
                json!({ "text": format!("{}:{}", rule.title.text, result.message) }),
            );
            object.insert("locations".into(), J::Array(locations));
            object.insert(
                "properties".into(),
                json!({
                    "outcome": result.outcome.keyword(),
                    "points": points_text(result.points),
                    "earned": points_text(result.earned),
                    "reasoning": result.reasoning,
                    // Total points a fix would gain (the advice), when it would gain any.
                    "gain": ctx.advice.iter().find(|a| a.result == index).map(|a| points_text(a.gain)),
                    "help": rule.help.as_ref().map(|h| h.text.clone()),
                }),
            );
            Some(J::Object(object))
        })
        .collect();

    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "fazhi",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "total": points_text(card.total),
                "max": points_text(ruleset.total),
                "grade": card.grade,
                "report": ctx.info.name,
                "advice": ctx.advice.iter().filter_map(|a| {
                    let result = card.rules.get(a.result)?;
                    let (_, rule) = ctx.rule_of(result)?;
                    Some(json!({ "rule": rule.id.name, "gain": points_text(a.gain) }))
                }).collect::<Vec<_>>(),
                "audit": ctx.audit,
            },
        }],
    })
}

/// Lines and columns 1-based, columns and offsets in Unicode code points; `endColumn` is the
/// column just after the last character. The span must lie on char boundaries.
fn region(text: &str, span: Span, quote: Option<&str>) -> J {
    let (start_line, start_column) = line_column(text, span.start);
    let (end_line, end_column) = line_column(text, span.end);
    let char_offset = text.get(..span.start).map_or(0, |t| t.chars().count());
    let char_length = text
        .get(span.start..span.end)
        .map_or(0, |t| t.chars().count());
    let snippet = quote.map_or_else(
        || text.get(span.start..span.end).unwrap_or("").to_string(),
        str::to_string,
    );
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
        "charOffset": char_offset,
        "charLength": char_length,
        "snippet": { "text": snippet },
    })
}

/// The 1-based line and code-point column of a byte offset (clamped back onto a char boundary).
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |t| t.chars().count()) + 1;
    (line, column)
}

/// A relative URI for a path: `\` becomes `/`, and anything but unreserved characters and `/` is
/// percent-encoded (UTF-8), so Chinese file names stay valid URIs.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for byte in path.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_code_points() {
        let text = "第一行\n出庭应诉率100%";
        let at = text.find("100").unwrap_or(0);
        assert_eq!(line_column(text, at), (2, 6));
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 1), (1, 1));
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            uri("reports/江夏 2024.txt"),
            "reports/%E6%B1%9F%E5%A4%8F%202024.txt"
        );
    }
}
