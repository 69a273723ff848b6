//! The inspector-facing renderers (HTML, Markdown, SARIF) and the JSON output's schema, over the
//! five reports in reports-fixtures/: schema validity, real content, links that resolve, no
//! network resources, byte-identical output, and the awkward cases (overlapping or off-boundary
//! evidence spans, a missing report, markup in the report's text).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::regex_creation_in_loops
)]

use std::collections::BTreeSet;
use std::path::Path;

use fazhi::check::RuleSet;
use fazhi::diagnostic::{Source, Span};
use fazhi::render::{html, json, markdown, sarif};
use fazhi::score::Scored;
use regex::Regex;
use serde_json::Value;

mod common;

use common::FIXTURES;

fn ruleset() -> RuleSet {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    ruleset.unwrap_or_else(|| panic!("embedded rule set does not check: {diags:?}"))
}

fn scored(ruleset: &RuleSet, path: &str) -> Scored {
    fazhi::score::score_path(ruleset, Path::new(path), None)
        .unwrap_or_else(|d| panic!("{path} does not score: {d:?}"))
}

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new("docs/schema").join(name)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"))
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

/// Hashes change with every rule edit; snapshots keep their shape without them.
fn redact_hashes(text: &str) -> String {
    Regex::new("[0-9a-f]{64}")
        .unwrap()
        .replace_all(text, "[sha256]")
        .into_owned()
}

#[test]
fn json_output_of_every_fixture_matches_its_schema() {
    let ruleset = ruleset();
    let validator = schema("score.schema.json");
    for path in FIXTURES {
        let scored = scored(&ruleset, path);
        let out = json::score(&scored.context(&ruleset));
        let found = errors(&validator, &out);
        assert!(found.is_empty(), "{path}: {found:#?}");
    }
}

#[test]
fn sarif_output_of_every_fixture_matches_the_subset_schema() {
    let ruleset = ruleset();
    let validator = schema("sarif-2.1.0-subset.schema.json");
    for path in FIXTURES {
        let scored = scored(&ruleset, path);
        let out = sarif::score(&scored.context(&ruleset));
        let found = errors(&validator, &out);
        assert!(found.is_empty(), "{path}: {found:#?}");
    }
}

/// A schema that accepts anything would pass the two tests above.
#[test]
fn schemas_reject_malformed_output() {
    let ruleset = ruleset();
    let scored = scored(&ruleset, FIXTURES[3]);
    let ctx = scored.context(&ruleset);

    let score_schema = schema("score.schema.json");
    let mut bad = json::score(&ctx);
    bad["total"] = Value::from("47.9");
    assert!(
        !score_schema.is_valid(&bad),
        "a total with one decimal place passed"
    );
    let mut bad = json::score(&ctx);
    bad["rules"][0]["outcome"] = Value::from("passed");
    assert!(!score_schema.is_valid(&bad), "an unknown outcome passed");
    let mut bad = json::score(&ctx);
    bad.as_object_mut().unwrap().remove("audit");
    assert!(
        !score_schema.is_valid(&bad),
        "output without its audit record passed"
    );

    let sarif_schema = schema("sarif-2.1.0-subset.schema.json");
    let mut bad = sarif::score(&ctx);
    bad["version"] = Value::from("2.0.0");
    assert!(!sarif_schema.is_valid(&bad), "SARIF version 2.0.0 passed");
    let mut bad = sarif::score(&ctx);
    bad["runs"][0]["results"][0]["level"] = Value::from("note");
    assert!(
        !sarif_schema.is_valid(&bad),
        "a result of level note passed"
    );
    let mut bad = sarif::score(&ctx);
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] =
        Value::from(0);
    assert!(!sarif_schema.is_valid(&bad), "a 0 column passed");
}

/// One result per rule that failed (error), partly passed or has no evidence (warning); every
/// report region, read as lines and code-point columns, is exactly the quoted evidence.
#[test]
fn sarif_results_follow_outcomes_and_regions_point_at_the_quote() {
    let ruleset = ruleset();
    let mut all_checked = 0;
    for path in FIXTURES {
        let scored = scored(&ruleset, path);
        let ctx = scored.context(&ruleset);
        let out = sarif::score(&ctx);
        let run = &out["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert_eq!(
            run["properties"]["total"],
            fazhi::eval::points_text(scored.card.total)
        );
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().unwrap().len(),
            ruleset.rules().count()
        );
        let results = run["results"].as_array().unwrap();
        let level = |l: &str| results.iter().filter(|r| r["level"] == l).count();
        use fazhi::syntax::ast::Outcome;
        assert_eq!(level("error"), scored.card.count(Outcome::Fail), "{path}");
        assert_eq!(
            level("warning"),
            scored.card.count(Outcome::Partial) + scored.card.count(Outcome::Unknown),
            "{path}"
        );

        let report = scored.report.as_ref().unwrap();
        let lines: Vec<&str> = report.text.split('\n').collect();
        let mut checked = 0;
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                run["tool"]["driver"]["rules"][index]["id"],
                result["ruleId"]
            );
            let locations = result["locations"].as_array().unwrap();
            let last = locations.last().unwrap();
            assert!(
                last["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .ends_with(".fz"),
                "{result}"
            );
            assert_eq!(last["logicalLocations"][0]["name"], result["ruleId"]);
            for location in &locations[..locations.len() - 1] {
                let region = &location["physicalLocation"]["region"];
                let line = lines[region["startLine"].as_u64().unwrap() as usize - 1];
                let column = region["startColumn"].as_u64().unwrap() as usize - 1;
                let length = region["charLength"].as_u64().unwrap() as usize;
                let at_column: String = line.chars().skip(column).take(length).collect();
                let at_offset: String = report
                    .text
                    .chars()
                    .skip(region["charOffset"].as_u64().unwrap() as usize)
                    .take(length)
                    .collect();
                let snippet = region["snippet"]["text"].as_str().unwrap();
                assert_eq!(at_column, snippet, "{path} {}", result["ruleId"]);
                assert_eq!(at_offset, snippet, "{path} {}", result["ruleId"]);
                checked += 1;
            }
        }
        all_checked += checked;
    }
    assert!(
        all_checked > 0,
        "no result in any fixture carries report evidence"
    );
}

fn ids(html: &str) -> BTreeSet<String> {
    Regex::new(r#"\bid="([^"]+)""#)
        .unwrap()
        .captures_iter(html)
        .map(|c| c[1].to_string())
        .collect()
}

fn fragment_links(html: &str) -> Vec<String> {
    Regex::new(r##"href="#([^"]*)""##)
        .unwrap()
        .captures_iter(html)
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn html_shows_the_total_every_rule_and_evidence_linked_both_ways() {
    let ruleset = ruleset();
    for path in FIXTURES {
        let scored = scored(&ruleset, path);
        let ctx = scored.context(&ruleset);
        let page = html::score(&ctx);
        assert!(
            page.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"),
            "{path}"
        );
        let total = fazhi::eval::points_text(scored.card.total);
        assert!(
            page.contains(&format!("<div class=\"total\" id=\"total\">{total}</div>")),
            "{path}: total {total}"
        );
        if !scored.card.grade.is_empty() {
            assert!(page.contains(&scored.card.grade), "{path}");
        }
        assert!(
            page.contains(&ctx.audit.input_sha256) && page.contains(&ctx.audit.rules_sha256),
            "{path}: audit record"
        );
        assert!(page.contains("@page { size: A4; margin: 15mm; }"), "{path}");
        assert!(
            page.contains("<svg ")
                && page.matches("<rect class=\"weight\"").count() == ruleset.sections.len(),
            "{path}: chart"
        );

        let anchors = ids(&page);
        for (_, rule) in ruleset.rules() {
            assert!(
                anchors.contains(&format!("rule-{}", rule.id.name)),
                "{path}: no anchor for {}",
                rule.id.name
            );
        }
        // Every in-page link lands somewhere.
        for target in fragment_links(&page) {
            assert!(anchors.contains(&target), "{path}: dangling link #{target}");
        }
        // Each piece of evidence is marked, and the mark links to every rule that reads it;
        // each such rule links back to the mark.
        let report = scored.report.as_ref().unwrap();
        let marks = html::evidence_marks(&ctx, &report.text, |e| Some(e.span));
        assert!(!marks.is_empty(), "{path}");
        assert_eq!(page.matches("<mark ").count(), marks.len(), "{path}");
        for (fact, value) in &scored.facts.values {
            if value.evidence.is_none() {
                continue;
            }
            assert!(
                anchors.contains(&format!("ev-{fact}")),
                "{path}: evidence for {fact} not marked"
            );
            let readers: Vec<&str> = scored
                .card
                .rules
                .iter()
                .filter(|r| r.facts_read.contains(fact))
                .filter_map(|r| ctx.rule_of(r).map(|(_, rule)| rule.id.name.as_str()))
                .collect();
            let mark = mark_of(&page, fact);
            for rule in &readers {
                assert!(
                    mark.contains(&format!("href=\"#rule-{rule}\"")),
                    "{path}: mark for {fact} does not link {rule}:\n{mark}"
                );
                let card = card_of(&page, rule);
                assert!(
                    card.contains(&format!("href=\"#ev-{fact}\"")),
                    "{path}: rule {rule} does not link evidence {fact}"
                );
            }
        }
        // The report text is all there: strip tags and unescape, and the source comes back.
        let start =
            page.find("<div class=\"report-text\">").unwrap() + "<div class=\"report-text\">".len();
        let end = start + page[start..].find("</div>").unwrap();
        let shown = Regex::new(r"<sup[^>]*>.*?</sup>|<[^>]+>")
            .unwrap()
            .replace_all(&page[start..end], "");
        assert_eq!(
            unescape(&shown),
            &*report.text,
            "{path}: report text altered"
        );
    }
}

/// The `<mark>…</mark><sup>…</sup>` holding a fact's anchor (its own or, when its span overlapped
/// an earlier one, the `<span id>` inside that mark).
fn mark_of<'a>(page: &'a str, fact: &str) -> &'a str {
    let anchor = format!("id=\"ev-{fact}\"");
    let at = page.find(&anchor).unwrap();
    let start = page[..at].rfind("<mark ").unwrap();
    let end = page[start..].find("</mark>").map(|e| start + e).unwrap();
    let tail = &page[end..];
    let sup_end = if tail.starts_with("</mark><sup") {
        tail.find("</sup>").unwrap() + "</sup>".len()
    } else {
        "</mark>".len()
    };
    &page[start..end + sup_end]
}

fn card_of<'a>(page: &'a str, rule: &str) -> &'a str {
    let start = page.find(&format!("id=\"rule-{rule}\"")).unwrap();
    let end = page[start..].find("</article>").unwrap();
    &page[start..start + end]
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

#[test]
fn html_loads_nothing_from_the_network_and_runs_no_script() {
    let ruleset = ruleset();
    for path in FIXTURES {
        let scored = scored(&ruleset, path);
        let page = html::score(&scored.context(&ruleset));
        let remote = Regex::new(
            r#"(?i)\b(src|href|xlink:href|action|poster)\s*=\s*["']?\s*(https?:|//|ftp:)"#,
        )
        .unwrap();
        assert!(
            !remote.is_match(&page),
            "{path}: remote resource {:?}",
            remote.find(&page)
        );
        assert!(
            !Regex::new(r"(?i)url\(|@import|<link\b|<script\b|<iframe\b|<img\b")
                .unwrap()
                .is_match(&page),
            "{path}: external or scripted content"
        );
    }
}

#[test]
fn every_format_renders_byte_identically_twice() {
    let ruleset = ruleset();
    for path in FIXTURES {
        let first = scored(&ruleset, path);
        let second = scored(&ruleset, path);
        let (a, b) = (first.context(&ruleset), second.context(&ruleset));
        assert_eq!(html::score(&a), html::score(&b), "{path}: html");
        assert_eq!(markdown::score(&a), markdown::score(&b), "{path}: markdown");
        assert_eq!(
            serde_json::to_string_pretty(&sarif::score(&a)).unwrap(),
            serde_json::to_string_pretty(&sarif::score(&b)).unwrap(),
            "{path}: sarif"
        );
    }
}

/// Overlapping and duplicate evidence share the first mark (which links every rule), spans off
/// char boundaries or past the end are clamped, and markup in the report is escaped.
#[test]
fn html_handles_overlapping_and_broken_spans_and_escapes_the_report() {
    let ruleset = ruleset();
    let mut scored = scored(&ruleset, FIXTURES[3]);
    let report = scored.report.clone().unwrap();
    let text = format!("{}\n<script>alert(\"x\")</script> & 'q'\n", report.text);
    scored.report = Some(Source::new(report.name.clone(), text.as_str()));
    let with_evidence: Vec<String> = scored
        .facts
        .values
        .iter()
        .filter(|(_, v)| v.evidence.is_some())
        .map(|(k, _)| k.clone())
        .collect();
    let (a, b, c, d, e) = (
        &with_evidence[0],
        &with_evidence[1],
        &with_evidence[2],
        &with_evidence[3],
        &with_evidence[4],
    );
    let a_span = scored.facts.values[a].evidence.as_ref().unwrap().span;
    // b duplicates a; c starts inside a; d starts and ends inside a character (。 is 3 bytes);
    // e runs past the end of the text.
    let stop = text
        .match_indices('。')
        .map(|(i, _)| i)
        .find(|&i| i > a_span.end + 200)
        .unwrap();
    scored.facts.values[b].evidence.as_mut().unwrap().span = a_span;
    scored.facts.values[c].evidence.as_mut().unwrap().span =
        Span::new(a_span.start + 3, a_span.end + 30);
    scored.facts.values[d].evidence.as_mut().unwrap().span = Span::new(stop + 1, stop + 2);
    scored.facts.values[e].evidence.as_mut().unwrap().span =
        Span::new(text.len() - 4, text.len() + 99);

    let ctx = scored.context(&ruleset);
    let page = html::score(&ctx);
    assert_eq!(page, html::score(&scored.context(&ruleset)));
    let mark = mark_of(&page, a);
    assert!(
        mark.contains(&format!("id=\"ev-{b}\"")) && mark.contains(&format!("id=\"ev-{c}\"")),
        "{mark}"
    );
    for fact in [b, c] {
        for result in scored
            .card
            .rules
            .iter()
            .filter(|r| r.facts_read.contains(fact))
        {
            let (_, rule) = ctx.rule_of(result).unwrap();
            assert!(
                mark.contains(&format!("href=\"#rule-{}\"", rule.id.name)),
                "shared mark lacks rule {}",
                rule.id.name
            );
        }
    }
    assert!(
        page.contains(&format!("id=\"ev-{d}\"")) && mark_of(&page, d).contains(">。</"),
        "{}",
        mark_of(&page, d)
    );
    assert!(ids(&page).contains(&format!("ev-{e}")));
    for target in fragment_links(&page) {
        assert!(ids(&page).contains(&target), "dangling link #{target}");
    }
    assert!(!page.contains("<script>"), "report text not escaped");
    assert!(page.contains("&lt;script&gt;alert("), "report text missing");

    // Without the report's text there is no text section, and no link into it.
    scored.report = None;
    let page = html::score(&scored.context(&ruleset));
    assert!(!page.contains("class=\"report-text\"") && !page.contains("<mark"));
    assert!(!page.contains("href=\"#ev-"));
    assert!(page.contains("<div class=\"total\" id=\"total\">"));
    let out = sarif::score(&scored.context(&ruleset));
    assert!(errors(&schema("sarif-2.1.0-subset.schema.json"), &out).is_empty());
}

#[test]
fn markdown_lists_open_rules_with_evidence_and_passing_rules_compactly() {
    let ruleset = ruleset();
    let scored = scored(&ruleset, FIXTURES[3]);
    let ctx = scored.context(&ruleset);
    let memo = markdown::score(&ctx);
    assert!(memo.contains(&format!(
        "**总分 {} / ",
        fazhi::eval::points_text(scored.card.total)
    )));
    assert!(memo.contains("| 分项 | 权重 | 覆盖 | 实绩 |"));
    assert!(memo.contains("- 披露覆盖度："));
    assert!(memo.contains("## 待补充材料（报告未提及"));
    for result in &scored.card.rules {
        let (_, rule) = ctx.rule_of(result).unwrap();
        let heading = format!("· `{}`", rule.id.name);
        let open = !matches!(
            result.outcome,
            fazhi::syntax::ast::Outcome::Pass | fazhi::syntax::ast::Outcome::NotApplicable
        );
        assert_eq!(memo.contains(&heading), open, "{}", rule.id.name);
    }
    assert!(memo.contains("- 证据：「"), "no quoted evidence");
    assert!(memo.contains(&ctx.audit.line()));
    insta::assert_snapshot!("markdown_wuhan_jiangxia", redact_hashes(&memo));
}

/// The whole SARIF log but the driver's rule list (78 descriptors restating the rule files, whose
/// shape the subset schema checks), which is cut to its length so rule-text edits touch this
/// snapshot only where results change.
#[test]
fn sarif_snapshot() {
    let ruleset = ruleset();
    let scored = scored(&ruleset, FIXTURES[3]);
    let mut out = sarif::score(&scored.context(&ruleset));
    let rules = &mut out["runs"][0]["tool"]["driver"]["rules"];
    *rules = Value::from(format!("[{} rules]", rules.as_array().unwrap().len()));
    insta::assert_snapshot!(
        "sarif_wuhan_jiangxia",
        redact_hashes(&serde_json::to_string_pretty(&out).unwrap())
    );
}

#[test]
fn a_web_page_report_shows_its_article_text_not_its_markup() {
    let ruleset = ruleset();
    let scored = fazhi::score::score_path(
        &ruleset,
        std::path::Path::new("reports-fixtures/formats/xiamen-huli-2024.html"),
        None,
    )
    .unwrap();
    let page = html::score(&scored.context(&ruleset));
    let text_section = &page[page.find("id=\"report\"").unwrap()..];
    assert!(
        !text_section.contains("&lt;div"),
        "the report text shows markup"
    );
    assert!(
        !text_section.contains("&lt;script"),
        "the report text shows markup"
    );
    assert!(text_section.contains("负责人出庭应诉率"));
    // The same evidence is marked as for the plain-text copy of the report.
    let plain = fazhi::score::score_path(
        &ruleset,
        std::path::Path::new("reports-fixtures/xiamen-huli-2024.txt"),
        None,
    )
    .unwrap();
    let plain_page = html::score(&plain.context(&ruleset));
    assert_eq!(
        page.matches("<mark ").count(),
        plain_page.matches("<mark ").count()
    );
}
