//! Extraction accuracy may not regress: every labelled fact of the five real reports and of the
//! edge cases (reports-fixtures/edge) is extracted with its labelled value and qualifier, and
//! nothing is extracted that the labels say the report does not state. On the real development
//! corpus (reports-fixtures/real, pages nobody here wrote) precision and recall may not fall
//! below the floor measured when the corpus was last changed; the held-out pages
//! (reports-fixtures/real/held) are not measured here.

#![allow(clippy::panic)]

use std::path::Path;

use fazhi::accuracy::{measure_dir, Counts};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check(dir: &str, labelled: usize) {
    let comparison = measure_dir(&root().join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let total = comparison.total();
    assert!(
        comparison.mismatches.is_empty(),
        "{dir}:\n{}",
        comparison.mismatches.join("\n")
    );
    assert_eq!(
        total,
        Counts {
            correct: labelled,
            wrong: 0,
            missed: 0,
            span_agrees: total.span_agrees
        },
        "{dir}"
    );
}

#[test]
fn the_five_real_reports_are_all_correct() {
    check("reports-fixtures", 76);
}

#[test]
fn the_edge_cases_are_all_correct() {
    check("reports-fixtures/edge", 94);
}

/// The floor on the real development corpus: (correct, wrong) when last measured. Raise it when
/// extraction improves; never lower it to make a change pass.
const REAL_DEV_FLOOR: (usize, usize) = (102, 5);

#[test]
fn the_real_development_corpus_does_not_regress() {
    let dir = fazhi::accuracy::REAL_DEV_DIR;
    let comparison = measure_dir(&root().join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let total = comparison.total();
    let (correct, wrong) = REAL_DEV_FLOOR;
    let report = || format!("{total:?}\n{}", comparison.mismatches.join("\n"));
    assert!(
        total.correct >= correct,
        "fewer correct facts than the floor {correct}: {}",
        report()
    );
    assert!(
        total.wrong <= wrong,
        "more wrong facts than the floor {wrong}: {}",
        report()
    );
    // The labels themselves: 43 pages, 107 facts (SOURCES.md).
    assert_eq!(total.correct + total.missed, 107, "{}", report());
}

#[test]
fn the_real_corpus_has_labels_and_a_held_out_part() {
    for (dir, pages) in [
        (fazhi::accuracy::REAL_DEV_DIR, 43),
        (fazhi::accuracy::REAL_HELD_DIR, 21),
    ] {
        let entries = std::fs::read_dir(root().join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}"));
        let texts: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        assert_eq!(texts.len(), pages, "{dir}");
        for text in texts {
            assert!(
                text.with_extension("facts.toml").exists(),
                "{} has no labels",
                text.display()
            );
        }
    }
}

#[test]
fn every_edge_case_has_its_labels() {
    let dir = root().join("reports-fixtures/edge");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut reports = 0;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "txt") {
            reports += 1;
            let labels = path.with_extension("facts.toml");
            assert!(
                labels.exists(),
                "{} has no {}",
                path.display(),
                labels.display()
            );
        }
    }
    assert!(reports >= 20, "only {reports} edge cases");
}

/// Two whole-district statements of different values: the first is used, and a warning labels
/// both.
#[test]
fn conflicting_headline_values_are_reported() {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    let Some(ruleset) = ruleset else {
        panic!("{diags:?}")
    };
    let path = root().join("reports-fixtures/edge/conflict.txt");
    let document = fazhi::read::read_path(&path).unwrap_or_else(|e| panic!("{e}"));
    let extraction = fazhi::extract::extract(&ruleset, &document);
    let conflicts: Vec<_> = extraction
        .diags
        .iter()
        .filter(|d| d.code.as_str() == "fazhi::extract::conflict")
        .collect();
    assert_eq!(conflicts.len(), 1, "{:?}", extraction.diags);
    let warning = conflicts[0];
    assert!(
        warning.message.contains("mediation_cases")
            && warning.message.contains("3698")
            && warning.message.contains("3712"),
        "{}",
        warning.message
    );
    let shown = format!("{warning:?}");
    assert!(
        shown.contains("采用：3698") && shown.contains("另一处写作：3712"),
        "{shown}"
    );
    let used = extraction
        .facts
        .get("mediation_cases")
        .map(|f| f.value.to_string());
    assert_eq!(used.as_deref(), Some("3698"));
}
