#![allow(clippy::panic)]
//! Docs that must stay true: every diagnostic code is documented, and docs/rules.md is the
//! output of `fazhi explain --all --format markdown` for the embedded rule set.

use fazhi::diagnostic::Code;

/// The default rule set, which must load without errors.
fn embedded_ruleset() -> fazhi::RuleSet {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    let Some(ruleset) = ruleset else {
        panic!("the embedded rule set has errors: {diags:?}");
    };
    ruleset
}

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
    let ruleset = embedded_ruleset();
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

/// docs/citations.md records, for every rule, where its citation was checked: the source file or
/// page, the article and the quoted sentence. The share of checked citations (standing `verified`,
/// or `local` with its legal footing checked) is computed from the rule set, not written down.
#[test]
fn every_citation_is_recorded_and_at_least_nine_in_ten_are_checked() {
    use fazhi::syntax::ast::Standing;
    let ruleset = embedded_ruleset();
    let doc = std::fs::read_to_string("docs/citations.md").unwrap_or_default();
    let Some(table) = doc.split("## 逐条记录").nth(1) else {
        panic!("docs/citations.md has no `## 逐条记录` table");
    };
    // | `rule_id` | cite | `standing` | source | quotation | note |
    let mut rows: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<String> = line.split('|').map(|c| c.trim().to_owned()).collect();
        assert_eq!(cells.len(), 8, "malformed row in docs/citations.md: {line}");
        let id = cells[1].trim_matches('`').to_owned();
        assert!(
            rows.insert(id.clone(), cells).is_none(),
            "rule `{id}` recorded twice"
        );
    }
    let (mut total, mut checked) = (0usize, 0usize);
    for (_, rule) in ruleset.rules() {
        let id = &rule.id.name;
        let Some(cite) = &rule.cite else {
            panic!("rule `{id}` has no citation");
        };
        let Some(row) = rows.remove(id) else {
            panic!("rule `{id}` is missing from docs/citations.md");
        };
        assert_eq!(
            row[2], cite.text.text,
            "citation of `{id}` differs from docs/citations.md"
        );
        assert_eq!(
            row[3].trim_matches('`'),
            cite.standing.keyword(),
            "standing of `{id}`"
        );
        let recorded = row[4] != "—" && row[5] != "—";
        match cite.standing {
            Standing::Verified | Standing::Local => {
                assert!(
                    recorded,
                    "`{id}` is {} but has no source and quotation",
                    cite.standing.keyword()
                );
                checked += 1;
            }
            Standing::Recalled => {
                assert!(!recorded, "`{id}` has a checked source: make it verified")
            }
        }
        total += 1;
    }
    assert!(
        rows.is_empty(),
        "docs/citations.md records unknown rules: {:?}",
        rows.keys()
    );
    assert!(
        checked * 10 >= total * 9,
        "only {checked} of {total} rules carry a checked citation (at least 90% required)"
    );
    // What an official reads never says a citation was recalled from memory.
    assert!(!fazhi::explain::all_markdown(&ruleset).contains("回忆"));
}
