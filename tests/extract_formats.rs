//! The same report as plain text, GB18030, UTF-16, HTML and docx gives the same facts (values,
//! qualifiers, and quotes equal after normalization) and the same total; each fact's span points
//! at its quote in that format's own decoded source.

#![allow(clippy::panic)]

use std::path::{Path, PathBuf};

use fazhi::check::RuleSet;
use fazhi::facts::Facts;

fn ruleset() -> RuleSet {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    match ruleset {
        Some(r) => r,
        None => panic!("embedded rule set does not load: {diags:?}"),
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("reports-fixtures")
}

fn inputs() -> Vec<PathBuf> {
    let dir = fixtures();
    vec![
        dir.join("xiamen-huli-2024.txt"),
        dir.join("formats/xiamen-huli-2024.gb18030.txt"),
        dir.join("formats/xiamen-huli-2024.utf16.txt"),
        dir.join("formats/xiamen-huli-2024.html"),
        dir.join("formats/xiamen-huli-2024.docx"),
    ]
}

/// A quote as the rules see it: read through the same reader (an HTML quote may hold entities
/// such as `&rdquo;`).
fn normalized(quote: &str, format: fazhi::read::Format) -> String {
    let name = if format == fazhi::read::Format::Html {
        "quote.html"
    } else {
        "quote.txt"
    };
    match fazhi::read::read_bytes(name, quote.as_bytes()) {
        Ok(doc) => doc.text,
        Err(_) => quote.trim().to_string(),
    }
}

fn extract(ruleset: &RuleSet, path: &Path) -> (fazhi::read::Document, Facts) {
    let document =
        fazhi::read::read_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let extraction = fazhi::extract::extract(ruleset, &document);
    (document, extraction.facts)
}

#[test]
fn every_format_gives_the_same_facts() {
    let ruleset = ruleset();
    let inputs = inputs();
    let (_, reference) = extract(&ruleset, &inputs[0]);
    assert!(
        reference.values.len() >= 14,
        "the reference extraction is too small: {:?}",
        reference.values.keys()
    );
    for path in &inputs {
        let (document, facts) = extract(&ruleset, path);
        let name = path.display();
        let ids: Vec<_> = facts.values.keys().collect();
        let want: Vec<_> = reference.values.keys().collect();
        assert_eq!(ids, want, "{name}: different facts");
        for (id, fact) in &facts.values {
            let Some(expected) = reference.get(id) else {
                continue;
            };
            assert_eq!(fact.value, expected.value, "{name}: {id}");
            assert_eq!(fact.qualifier, expected.qualifier, "{name}: {id}");
            let (Some(got), Some(want)) = (&fact.evidence, &expected.evidence) else {
                panic!("{name}: {id} has no evidence");
            };
            assert_eq!(
                normalized(&got.quote, document.format),
                normalized(&want.quote, fazhi::read::Format::Text),
                "{name}: {id} quote"
            );
            let in_source = document.source.get(got.span.start..got.span.end);
            assert_eq!(
                in_source,
                Some(got.quote.as_str()),
                "{name}: {id}: source[span] is not the quote"
            );
        }
    }
}

#[test]
fn every_format_gives_the_same_total() {
    let ruleset = ruleset();
    let inputs = inputs();
    let totals: Vec<_> = inputs
        .iter()
        .map(
            |path| match fazhi::score::score_path(&ruleset, path, None) {
                Ok(scored) => (
                    scored.card.total,
                    scored.card.grade.clone(),
                    scored.facts.values.len(),
                ),
                Err(diags) => panic!("{}: {diags:?}", path.display()),
            },
        )
        .collect();
    for (path, total) in inputs.iter().zip(&totals) {
        assert_eq!(total, &totals[0], "{}", path.display());
    }
}
