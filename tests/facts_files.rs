//! Facts-file diagnostics: each bad entry gets its code and a label on the offending value in the
//! facts text; a file with several problems reports them all.

// Tests fail by panicking; the crate-wide lints against it are for user-facing code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use fazhi::check::RuleSet;
use fazhi::diagnostic::{Code, Diag, Source};
use fazhi::facts::{self, FactsFile};
use fazhi::value::{Date, Qualifier, Value};
use rust_decimal::Decimal;
use std::str::FromStr;

mod common;
use std::sync::OnceLock;

fn ruleset() -> &'static RuleSet {
    static RULESET: OnceLock<RuleSet> = OnceLock::new();
    RULESET.get_or_init(|| {
        let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
        ruleset.unwrap_or_else(|| panic!("embedded rules do not load: {diags:#?}"))
    })
}

/// Parses `text` as a facts file named `name`: the one helper every test goes through.
fn parse(name: &str, text: &str) -> (Option<FactsFile>, Vec<Diag>) {
    facts::parse(&Source::new(name, text), ruleset())
}

/// The one error of a facts file, with the text its primary label covers.
fn one_error<'t>(name: &str, text: &'t str) -> (Diag, &'t str) {
    let (file, diags) = parse(name, text);
    assert!(file.is_none(), "a file with an error gives no facts");
    let errors: Vec<&Diag> = diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{diags:#?}");
    let d = errors[0].clone();
    let span = d
        .primary_span()
        .unwrap_or_else(|| panic!("no label: {d:#?}"));
    (d, &text[span.start..span.end])
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

use common::render_all;

#[test]
fn letter_o_in_a_percent_is_not_a_number() {
    let text = "[facts.court_appearance_rate]\nvalue = \"1O0%\"\n";
    let (d, at) = one_error("f.toml", text);
    assert_eq!(d.code, Code::FactsBadValue);
    assert_eq!(at, "\"1O0%\"");
    assert!(d.message.contains("court_appearance_rate"), "{}", d.message);
}

#[test]
fn negative_count_is_out_of_range() {
    let text = "[facts.admin_litigation_cases]\nvalue = -3\n";
    let (d, at) = one_error("f.toml", text);
    assert_eq!(d.code, Code::FactsOutOfRange);
    assert_eq!(at, "-3");
    let text = "[facts.admin_litigation_cases]\nvalue = \"-3\"\n";
    let (d, at) = one_error("f.toml", text);
    assert_eq!(d.code, Code::FactsOutOfRange);
    assert_eq!(at, "\"-3\"");
}

#[test]
fn percent_over_100_is_out_of_range() {
    for (value, quoted) in [
        ("130", "130"),
        ("\"130\"", "\"130\""),
        ("\"130%\"", "\"130%\""),
        ("100.01", "100.01"),
    ] {
        let text = format!("# 出庭应诉率\n[facts.court_appearance_rate]\nvalue = {value}\n");
        let (d, at) = one_error("f.toml", &text);
        assert_eq!(d.code, Code::FactsOutOfRange, "{value}");
        assert_eq!(at, quoted);
        assert_eq!(d.help.as_deref(), Some("比率在 0 到 100 之间"));
    }
    // 100 itself and 0 are fine.
    for value in ["\"100\"", "\"0\"", "\"100%\""] {
        let (file, diags) = parse(
            "f.toml",
            &format!("[facts.court_appearance_rate]\nvalue = {value}\n"),
        );
        assert!(diags.is_empty(), "{value}: {diags:#?}");
        assert!(file.is_some());
    }
}

#[test]
fn unknown_fact_id_suggests_the_declared_one() {
    let text = "[facts.court_apearance_rate]\nvalue = \"100\"\n";
    let (d, at) = one_error("f.toml", text);
    assert_eq!(d.code, Code::FactsUnknownFact);
    assert_eq!(at, "court_apearance_rate");
    assert_eq!(
        d.help.as_deref(),
        Some("你是不是想写 `court_appearance_rate`？")
    );
}

#[test]
fn fractional_count_is_not_whole() {
    let text = "[facts.admin_litigation_cases]\nvalue = \"62.5\"\n";
    let (d, at) = one_error("f.toml", text);
    assert_eq!(d.code, Code::FactsBadValue);
    assert_eq!(at, "\"62.5\"");
    assert!(d.message.contains("不是整数"), "{}", d.message);
    // A TOML float too.
    let (d, at) = one_error("f.toml", "[facts.admin_litigation_cases]\nvalue = 62.5\n");
    assert_eq!(d.code, Code::FactsBadValue);
    assert_eq!(at, "62.5");
}

#[test]
fn impossible_date_is_bad() {
    let text = "[facts.published_on]\nvalue = \"2025-02-30\"\n";
    let (d, at) = one_error("f.toml", text);
    assert_eq!(d.code, Code::FactsBadValue);
    assert_eq!(at, "\"2025-02-30\"");
    assert!(d.message.contains("不是有效的日期"), "{}", d.message);
}

#[test]
fn unknown_qualifier_is_bad() {
    let text = "[facts.mediation_cases]\nvalue = \"11000\"\nqualifier = \"approx\"\n";
    let (d, at) = one_error("f.toml", text);
    assert_eq!(d.code, Code::FactsBadValue);
    assert_eq!(at, "\"approx\"");
    assert!(
        d.help.as_deref().unwrap_or("").contains("more_than"),
        "{:?}",
        d.help
    );
    // The known ones are read.
    let (file, diags) = parse(
        "f.toml",
        "[facts.mediation_cases]\nvalue = \"11000\"\nqualifier = \"more_than\"\n",
    );
    assert!(diags.is_empty(), "{diags:#?}");
    let fact = file
        .and_then(|f| f.facts.get("mediation_cases").cloned())
        .unwrap_or_else(|| panic!("no fact"));
    assert_eq!(fact.qualifier, Some(Qualifier::MoreThan));
    assert_eq!(fact.value, Value::Count(dec("11000")));
}

#[test]
fn inline_tables_and_plain_values_are_read_exactly() {
    let text = "[facts]\ncourt_appearance_rate = { value = \"99.87\" }\npublished_on = { value = \"2025-03-24\" }\nofficials_law_report = { value = true }\nreport_year = { value = 2024 }\n";
    let (file, diags) = parse("f.toml", text);
    assert!(diags.is_empty(), "{diags:#?}");
    let facts = file.unwrap_or_else(|| panic!("no facts")).facts;
    assert_eq!(
        facts.get("court_appearance_rate").map(|f| f.value),
        Some(Value::Percent(dec("99.87")))
    );
    assert_eq!(
        facts.get("published_on").map(|f| f.value),
        Some(Value::Date(Date {
            year: 2025,
            month: 3,
            day: 24
        }))
    );
    assert_eq!(
        facts.get("officials_law_report").map(|f| f.value),
        Some(Value::Flag(true))
    );
    assert_eq!(
        facts.get("report_year").map(|f| f.value),
        Some(Value::Year(2024))
    );
}

#[test]
fn span_that_does_not_hold_its_quote_is_labelled_in_the_facts_file_and_the_report() {
    let report_text = "第一段。\n全年行政机关负责人出庭应诉率达100%,调解纠纷3698件。\n";
    let report = Source::new("report.txt", report_text);
    let quote = "出庭应诉率达100%";
    let right = report_text.find(quote).unwrap_or(0);
    // Off by three bytes: one Chinese character early.
    let (start, end) = (right - 3, right - 3 + quote.len());
    let facts_text = format!("[facts.court_appearance_rate]\nvalue = \"100\"\nquote = \"{quote}\"\nspan = [{start}, {end}]\n");
    let facts_source = Source::new("f.toml", facts_text.as_str());
    let (file, diags) = facts::parse(&facts_source, ruleset());
    assert!(diags.is_empty(), "{diags:#?}");
    let mut facts = file.unwrap_or_else(|| panic!("no facts")).facts;
    let diags = facts::check_evidence(&mut facts, &report, &facts_source);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.code, Code::FactsBadSpan);
    // The primary label is the quote in the facts file; a related diagnostic shows the report.
    let primary = d.primary_span().unwrap_or_default();
    assert_eq!(
        &facts_text[primary.start..primary.end],
        format!("\"{quote}\"")
    );
    let related: Vec<_> = miette::Diagnostic::related(d)
        .map(|r| r.collect())
        .unwrap_or_default();
    assert_eq!(related.len(), 1);
    let in_report: Vec<_> = related[0].labels().map(|l| l.collect()).unwrap_or_default();
    assert_eq!(in_report.len(), 1);
    assert_eq!(
        (
            in_report[0].offset(),
            in_report[0].offset() + in_report[0].len()
        ),
        (start, end)
    );
    assert_eq!(&report_text[start..end], "人出庭应诉率达1");
    assert!(d.message.contains("`人出庭应诉率达1`"), "{}", d.message);

    // The right span passes, and a quote without a span is found by search.
    for entry in [
        format!(
            "quote = \"{quote}\"\nspan = [{right}, {}]",
            right + quote.len()
        ),
        format!("quote = \"{quote}\""),
    ] {
        let text = format!("[facts.court_appearance_rate]\nvalue = \"100\"\n{entry}\n");
        let source = Source::new("f.toml", text.as_str());
        let mut facts = facts::parse(&source, ruleset())
            .0
            .unwrap_or_else(|| panic!("no facts"))
            .facts;
        let diags = facts::check_evidence(&mut facts, &report, &source);
        assert!(diags.is_empty(), "{diags:#?}");
        let evidence = facts
            .get("court_appearance_rate")
            .and_then(|f| f.evidence.clone())
            .unwrap_or_else(|| panic!("no evidence"));
        assert_eq!(&report_text[evidence.span.start..evidence.span.end], quote);
    }
}

#[test]
fn evidence_errors_point_into_the_facts_file_at_the_entry() {
    let report = Source::new("report.txt", "全年出庭应诉率达100%。\n");
    let facts_text = "# 手工录入\n[facts.court_appearance_rate]\nvalue = \"100\"\nquote = \"出庭应诉率达到100%\"\n";
    let facts_source = Source::new("f.toml", facts_text);
    let mut facts = facts::parse(&facts_source, ruleset())
        .0
        .unwrap_or_else(|| panic!("no facts"))
        .facts;
    let diags = facts::check_evidence(&mut facts, &report, &facts_source);
    assert_eq!(diags.len(), 1);
    let span = diags[0].primary_span().unwrap_or_default();
    assert_eq!(&facts_text[span.start..span.end], "\"出庭应诉率达到100%\"");
}

#[test]
fn json_facts_are_read_in_the_extract_shape() {
    let text = r#"{
  "report": {"issuer": "江夏区人民政府", "year": 2024},
  "facts": {
    "court_appearance_rate": {"value": "100", "quote": "出庭应诉率达到100%"},
    "admin_litigation_cases": {"value": 63},
    "officials_law_report": {"value": true},
    "published_on": {"value": "2025-03-24"},
    "mediation_cases": {"value": "3698", "qualifier": "at_least"}
  }
}"#;
    let (file, diags) = parse("f.json", text);
    assert!(diags.is_empty(), "{diags:#?}");
    let file = file.unwrap_or_else(|| panic!("no facts"));
    assert_eq!(file.meta.issuer.as_deref(), Some("江夏区人民政府"));
    assert_eq!(file.meta.year, Some(2024));
    let facts = &file.facts;
    assert_eq!(
        facts.get("court_appearance_rate").map(|f| f.value),
        Some(Value::Percent(dec("100")))
    );
    assert_eq!(
        facts.get("admin_litigation_cases").map(|f| f.value),
        Some(Value::Count(dec("63")))
    );
    assert_eq!(
        facts.get("officials_law_report").map(|f| f.value),
        Some(Value::Flag(true))
    );
    assert_eq!(
        facts.get("mediation_cases").and_then(|f| f.qualifier),
        Some(Qualifier::AtLeast)
    );
    assert_eq!(
        facts
            .get("court_appearance_rate")
            .and_then(|f| f.evidence.clone())
            .map(|e| e.quote),
        Some("出庭应诉率达到100%".to_string())
    );
}

#[test]
fn json_value_errors_are_labelled_on_the_value() {
    // serde_json keeps no positions; facts.rs finds each entry's fields in the text. A key that
    // also occurs earlier (in `report`) must not mislead it.
    let text = "{\"report\": {\"court_appearance_rate\": 1}, \"facts\": {\"court_appearance_rate\": {\"value\": \"130\"}, \"admin_litigation_cases\": {\"value\": \"x\"}}}";
    let (file, diags) = parse("f.json", text);
    assert!(file.is_none());
    let found: Vec<(Code, &str)> = diags
        .iter()
        .map(|d| {
            let s = d.primary_span().unwrap_or_default();
            (d.code, &text[s.start..s.end])
        })
        .collect();
    assert_eq!(
        found,
        [
            (Code::FactsOutOfRange, "\"130\""),
            (Code::FactsBadValue, "\"x\"")
        ]
    );
}

#[test]
fn json_syntax_error_is_labelled_where_it_is() {
    let text = "{\"facts\": {\"court_appearance_rate\": {\"value\": \"100\",}}}";
    let (d, _) = one_error("f.json", text);
    assert_eq!(d.code, Code::FactsParse);
    let span = d.primary_span().unwrap_or_default();
    // serde_json reports the `}` after the trailing comma.
    assert_eq!(&text[span.start..span.end], "}");
    assert_eq!(span.start, text.find(",}").map_or(0, |i| i + 1));
}

#[test]
fn toml_syntax_error_is_labelled_where_it_is() {
    let text = "# 江夏区\n[facts.court_appearance_rate]\nvalue = \"100\n";
    let (d, _) = one_error("f.toml", text);
    assert_eq!(d.code, Code::FactsParse);
    let span = d.primary_span().unwrap_or_default();
    let line = text[..span.start].matches('\n').count() + 1;
    assert_eq!(line, 3, "the error is on the `value` line: {span:?}");
    let rendered = fazhi::render::diagnostic(&d, false);
    assert!(rendered.contains("不是有效的 TOML"), "{rendered}");
}

#[test]
fn several_errors_are_all_reported() {
    let text = r#"# 手工核对的事实(多处错误)
[report]
issuer = "某区人民政府"
year = 2024

[facts.court_appearance_rate]
value = "1O0%"

[facts.admin_litigation_cases]
value = -3

[facts.disclosure_response_rate]
value = 130

[facts.mediation_casse]
value = "3698"

[facts.legal_aid_cases]
value = "12.5"

[facts.published_on]
value = "2025-02-30"

[facts.info_disclosed]
value = "3998"
qualifier = "roughly"

[facts.officials_law_report]
value = "yes"
"#;
    let (file, diags) = parse("corrections.toml", text);
    assert!(file.is_none());
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "fazhi::facts::bad-value",
            "fazhi::facts::out-of-range",
            "fazhi::facts::out-of-range",
            "fazhi::facts::unknown-fact",
            "fazhi::facts::bad-value",
            "fazhi::facts::bad-value",
            "fazhi::facts::bad-value",
            "fazhi::facts::bad-value",
        ]
    );
    let labelled: Vec<&str> = diags
        .iter()
        .map(|d| {
            let s = d.primary_span().unwrap_or_default();
            &text[s.start..s.end]
        })
        .collect();
    assert_eq!(
        labelled,
        [
            "\"1O0%\"",
            "-3",
            "130",
            "mediation_casse",
            "\"12.5\"",
            "\"2025-02-30\"",
            "\"roughly\"",
            "\"yes\""
        ]
    );
    insta::assert_snapshot!(render_all(&diags));
}

#[test]
fn toml_syntax_error_snapshot() {
    let text = "# 江夏区 2024\n[facts.court_appearance_rate]\nvalue = \"100\"\n[facts.court_appearance_rate]\nvalue = \"99\"\n";
    let (_, diags) = parse("dup.toml", text);
    insta::assert_snapshot!(render_all(&diags));
}

#[test]
fn unstated_in_a_facts_file_removes_the_extracted_value_and_is_marked_manual() {
    let (file, diags) = parse(
        "c.toml",
        "[facts.enforcement_exam_pass_rate]\nvalue = \"未提及\"\n\n[facts.mediation_cases]\nvalue = \"报告未提及\"\n",
    );
    assert!(diags.is_empty(), "{diags:#?}");
    let file = file.unwrap();
    assert_eq!(
        file.facts.silent,
        ["enforcement_exam_pass_rate", "mediation_cases"]
    );
    assert!(file.facts.values.is_empty());

    // Scored over the report, which states 80%: the rule loses its evidence, shown as manual.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[facts.enforcement_exam_pass_rate]\nvalue = \"未提及\"\n",
    )
    .unwrap();
    let report = "reports-fixtures/wuhan-jiangxia-2024.txt";
    let scored = fazhi::score_path(ruleset(), report.as_ref(), Some(&path)).unwrap();
    assert!(scored.facts.get("enforcement_exam_pass_rate").is_none());
    let ctx = scored.context(ruleset());
    let markdown = fazhi::render::markdown::score(&ctx);
    assert!(
        markdown.contains("报告未提及「行政执法人员资格考试合格率」（人工录入）"),
        "{markdown}"
    );
    let html = fazhi::render::html::score(&ctx);
    assert!(html.contains("报告未提及</span>（人工录入）"));
}
