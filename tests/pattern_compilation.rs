//! Loading a rule set for use compiles no pattern; extracting a report compiles only the
//! patterns whose literals its sentences hold, and reads the same facts as a rule set checked
//! in full. Counted in patterns, not timed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fazhi::diagnostic::Source;

fn fixture(name: &str) -> fazhi::read::Document {
    fazhi::read::read_path(std::path::Path::new(&format!("reports-fixtures/{name}"))).unwrap()
}

#[test]
fn a_report_compiles_only_the_patterns_its_sentences_need() {
    let (for_use, diags) = fazhi::check::load_for_use(fazhi::rules::embedded(), 0);
    assert!(diags.is_empty(), "{diags:?}");
    let for_use = for_use.unwrap();
    let total = for_use.extractor.pattern_sources().len();
    assert!(total > 250, "{total} patterns");
    assert_eq!(for_use.extractor.compiled(), 0);

    let (checked, _) = fazhi::check::load(fazhi::rules::embedded());
    let checked = checked.unwrap();
    assert_eq!(checked.extractor.compiled(), total);

    let mut needed = Vec::new();
    for name in [
        "chenzhou-2024.txt",
        "guangzhou-conghua-justice-bureau-2024.txt",
        "shijiazhuang-xinhua-2024.txt",
    ] {
        let before = for_use.extractor.compiled();
        let document = fixture(name);
        let lazily = fazhi::extract::extract(&for_use, &document);
        let eagerly = fazhi::extract::extract(&checked, &document);
        assert_eq!(
            format!("{:?}", lazily.facts),
            format!("{:?}", eagerly.facts),
            "{name}"
        );
        needed.push(for_use.extractor.compiled() - before);
    }
    // A whole report holds the literals of well under half of the patterns (about 120 of 283
    // compiled for the first; the next reports add what they alone need).
    assert!(
        needed[0] > 20 && needed[0] * 2 < total,
        "{needed:?} of {total}"
    );
    assert!(needed[1] < needed[0] && needed[2] < needed[0], "{needed:?}");
}

#[test]
fn a_pattern_too_large_to_compile_is_reported_when_a_report_needs_it() {
    // Forty gaps and counts of context are past the size cap of the regex crate's automata, which
    // the checker compiles; four hundred are past regex-lite's too, which extraction starts with.
    let rules = format!(
        "fact wide flag \"宽的模式\" {{\n    pattern \"{}\"\n}}\n\n\
         fact sprawling flag \"过大的模式\" {{\n    pattern \"{}\"\n}}\n\n\
         fact tidy flag \"正常的模式\" {{\n    pattern \"甲乙丙\"\n}}\n",
        "(甲|乙)…{count}…".repeat(40),
        "(甲|乙)…{count}…".repeat(400),
    );
    let sources = fazhi::rules::with_embedded_header(vec![Source::new("big.fz", rules)]);
    let (checked, diags) = fazhi::check::load(sources.clone());
    assert!(checked.is_none());
    let refused: Vec<_> = diags
        .iter()
        .filter(|d| d.code.as_str() == "fazhi::check::pattern")
        .collect();
    assert_eq!(refused.len(), 2, "{diags:?}");

    let (for_use, diags) = fazhi::check::load_for_use(sources, 0);
    let for_use = for_use.unwrap_or_else(|| panic!("{diags:?}"));
    let document = fazhi::read::read_bytes("t.txt", "甲乙丙,甲1件乙。".as_bytes()).unwrap();
    let extraction = fazhi::extract::extract(&for_use, &document);
    let reported: Vec<_> = extraction
        .diags
        .iter()
        .filter(|d| d.code.as_str() == "fazhi::check::pattern")
        .collect();
    assert_eq!(reported.len(), 1, "{:?}", extraction.diags);
    let message = &reported[0].message;
    assert!(
        message.contains("sprawling") && message.contains("无法编译"),
        "{message}"
    );
    assert!(extraction.facts.get("tidy").is_some());
}
