//! Extraction accuracy against hand-labelled facts: precision and recall per fact and overall.
//! `cargo run --example accuracy` prints the table; a test keeps it from regressing.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::facts::Facts;

/// Counts for one fact (or all facts together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Extracted with the labelled value and qualifier.
    pub correct: usize,
    /// Extracted with another value, or extracted where the label says the report is silent.
    pub wrong: usize,
    /// Labelled but not extracted.
    pub missed: usize,
    /// Correct values whose span overlaps the labelled span.
    pub span_agrees: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.correct + self.wrong)
    }

    /// A wrong value counts as a miss of the right one (`missed` includes it).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.correct + self.missed)
    }

    fn add(&mut self, other: Counts) {
        self.correct += other.correct;
        self.wrong += other.wrong;
        self.missed += other.missed;
        self.span_agrees += other.span_agrees;
    }
}

// Percentages for people; no score is computed from these.
#[allow(clippy::cast_precision_loss)]
fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        1.0
    } else {
        n as f64 / d as f64
    }
}

/// One report's comparison: per fact id, and the mismatches in words.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub per_fact: BTreeMap<String, Counts>,
    pub mismatches: Vec<String>,
}

impl Comparison {
    pub fn total(&self) -> Counts {
        let mut all = Counts::default();
        self.per_fact.values().for_each(|c| all.add(*c));
        all
    }

    pub fn merge(&mut self, other: Comparison) {
        for (id, counts) in other.per_fact {
            self.per_fact.entry(id).or_default().add(counts);
        }
        self.mismatches.extend(other.mismatches);
    }
}

/// Compares extracted facts with expected ones for one report, over the catalogue facts (the
/// ones the labels cover).
pub fn compare(report: &str, expected: &Facts, extracted: &Facts) -> Comparison {
    let mut comparison = Comparison::default();
    for (id, _) in crate::facts::CATALOGUE {
        let counts = comparison.per_fact.entry(id.to_string()).or_default();
        match (expected.get(id), extracted.get(id)) {
            (Some(want), Some(got))
                if want.value == got.value && want.qualifier == got.qualifier =>
            {
                counts.correct += 1;
                let overlaps = match (&want.evidence, &got.evidence) {
                    (Some(a), Some(b)) => a.span.start < b.span.end && b.span.start < a.span.end,
                    _ => false,
                };
                counts.span_agrees += usize::from(overlaps);
            }
            (Some(want), Some(got)) => {
                counts.wrong += 1;
                counts.missed += 1;
                let quote = got.evidence.as_ref().map_or("", |e| e.quote.as_str());
                comparison.mismatches.push(format!(
                    "{report}: {id} = {} ({:?}), expected {} ({:?}); from 「{quote}」",
                    got.value, got.qualifier, want.value, want.qualifier
                ));
            }
            (Some(want), None) => {
                counts.missed += 1;
                comparison
                    .mismatches
                    .push(format!("{report}: {id} missed, expected {}", want.value));
            }
            (None, Some(got)) => {
                counts.wrong += 1;
                let quote = got.evidence.as_ref().map_or("", |e| e.quote.as_str());
                comparison.mismatches.push(format!("{report}: {id} = {} extracted, but the report does not state it; from 「{quote}」", got.value));
            }
            (None, None) => {}
        }
    }
    comparison
}

/// The table printed by the example.
pub fn table(comparison: &Comparison) -> String {
    let mut out = String::from(
        "fact                               correct wrong missed precision recall span-agrees\n",
    );
    let row = |out: &mut String, name: &str, c: &Counts| {
        let _ = writeln!(
            out,
            "{name:<34} {:>7} {:>5} {:>6} {:>9.3} {:>6.3} {:>11}",
            c.correct,
            c.wrong,
            c.missed,
            c.precision(),
            c.recall(),
            c.span_agrees
        );
    };
    for (id, counts) in &comparison.per_fact {
        row(&mut out, id, counts);
    }
    row(&mut out, "ALL", &comparison.total());
    out
}

/// The labelled fixture directories under the crate root: the five real reports and the
/// made-up edge cases.
pub const FIXTURE_DIRS: [&str; 2] = ["reports-fixtures", "reports-fixtures/edge"];

/// The real development corpus: pages from other places nobody here wrote, hand-labelled
/// (reports-fixtures/real/SOURCES.md). Extraction may be changed while looking at it.
pub const REAL_DEV_DIR: &str = "reports-fixtures/real";

/// The held-out part of the real corpus: never looked at while changing extraction; measured
/// only to say how well extraction does on text it was not tuned for.
pub const REAL_HELD_DIR: &str = "reports-fixtures/real/held";

/// The labelled sets, named, in the order the harness prints them; the held-out set only when
/// asked for.
pub fn sets(with_held: bool) -> Vec<(&'static str, &'static str)> {
    let mut sets = vec![
        ("fixtures", FIXTURE_DIRS[0]),
        ("edge", FIXTURE_DIRS[1]),
        ("real dev", REAL_DEV_DIR),
    ];
    if with_held {
        sets.push(("real held", REAL_HELD_DIR));
    }
    sets
}

/// [`measure_dir`] over several directories, merged.
pub fn measure_dirs<P: AsRef<std::path::Path>>(dirs: &[P]) -> Result<Comparison, String> {
    let mut all = Comparison::default();
    for dir in dirs {
        all.merge(measure_dir(dir.as_ref())?);
    }
    Ok(all)
}

/// Extracts every report in `dir` that has a hand-labelled `<stem>.facts.toml` beside it (with
/// the embedded rule set) and compares the results with the labels.
pub fn measure_dir(dir: &std::path::Path) -> Result<Comparison, String> {
    let (ruleset, diags) = crate::check::load(crate::rules::embedded());
    let ruleset =
        ruleset.ok_or_else(|| format!("the embedded rule set has {} problem(s)", diags.len()))?;
    let mut labelled: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".facts.toml"))
        .collect();
    labelled.sort();
    let mut all = Comparison::default();
    for path in labelled {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let source = crate::diagnostic::Source::new(path.display().to_string(), text);
        let (file, _) = crate::facts::parse(&source, &ruleset);
        let file = file.ok_or_else(|| format!("{}: not a valid facts file", path.display()))?;
        let report_name = file
            .meta
            .file
            .clone()
            .ok_or_else(|| format!("{}: no [report] file", path.display()))?;
        let document = crate::read::read_path(&dir.join(&report_name))
            .map_err(|e| format!("{report_name}: {e}"))?;
        let extraction = crate::extract::extract(&ruleset, &document);
        all.merge(compare(&report_name, &file.facts, &extraction.facts));
    }
    Ok(all)
}
