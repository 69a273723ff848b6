//! The literal prefilter never hides a match: wherever a pattern's regex matches a sentence of a
//! real or edge-case report, the match contains one literal of each set the prefilter looks for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fazhi::extract::pattern::{compile, required_literal_sets};

#[test]
fn every_match_contains_one_literal_of_each_of_its_patterns_sets() {
    let (ruleset, _) = fazhi::check::load(fazhi::rules::embedded());
    let ruleset = ruleset.unwrap();
    let mut texts = Vec::new();
    for dir in [
        "reports-fixtures",
        "reports-fixtures/edge",
        "reports-fixtures/real",
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                texts.push(fazhi::read::read_path(&path).unwrap().text);
            }
        }
    }
    assert!(texts.len() >= 20);
    let mut matches = 0;
    for decl in ruleset.facts.values() {
        for pattern in &decl.patterns {
            let regex = compile(&pattern.text, decl.ty).unwrap();
            let sets = required_literal_sets(&pattern.text);
            for text in &texts {
                for found in regex.find_iter(text) {
                    matches += 1;
                    for literals in &sets {
                        assert!(
                            literals.iter().any(|l| found.as_str().contains(l.as_str())),
                            "pattern `{}` matched `{}`, which holds none of {literals:?}",
                            pattern.text,
                            found.as_str()
                        );
                    }
                }
            }
        }
    }
    assert!(
        matches > 500,
        "only {matches} matches: the test would prove little"
    );
}
