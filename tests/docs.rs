#![allow(clippy::panic)]
//! Docs that must stay true: every diagnostic code is documented, and docs/rules.md is the
//! output of `fazhi explain --all --format markdown` for the embedded rule set.

use fazhi::diagnostic::Code;

#[test]
fn every_diagnostic_code_is_documented() {
    let doc = std::fs::read_to_string("docs/diagnostics.md").unwrap_or_default();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|code| !doc.contains(&format!("`{code}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from docs/diagnostics.md: {missing:?}"
    );
}

#[test]
fn docs_rules_md_is_up_to_date() {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    let Some(ruleset) = ruleset else {
        panic!("the embedded rule set has errors: {diags:?}");
    };
    let committed = std::fs::read_to_string("docs/rules.md").unwrap_or_default();
    let generated = fazhi::explain::all_markdown(&ruleset);
    assert!(
        committed == generated,
        "docs/rules.md is out of date: run `cargo run -- explain --all --format markdown > docs/rules.md`"
    );
}

#[test]
fn the_embedded_rule_set_declares_the_catalogue_with_its_types() {
    let (ruleset, _) = fazhi::check::load(fazhi::rules::embedded());
    let Some(ruleset) = ruleset else {
        panic!("the embedded rule set has errors")
    };
    for (id, ty) in fazhi::facts::CATALOGUE {
        let declared = ruleset.facts.get(id).map(|d| d.ty);
        assert_eq!(declared, Some(ty), "catalogue fact `{id}`");
    }
}
