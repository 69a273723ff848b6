//! Checker and syntax diagnostics: one small `.fz` file (or a directory of them) per problem in
//! `tests/check/`, rendered deterministically and snapshotted, plus structural assertions on codes
//! and spans for the cases where a wrong span would still render plausibly.

// Tests fail by panicking; the crate-wide lints against it are for user-facing code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use std::path::Path;

use fazhi::diagnostic::{Code, Diag, Source, Span};

/// The sources of one case: a `.fz` file, or every `.fz` file of a directory in name order (as
/// `fazhi check` reads them). Names are made relative to `tests/check/` (`dir/a.fz`) so snapshots
/// do not depend on the machine.
fn sources(path: &Path) -> Vec<Source> {
    let base = path.parent().unwrap_or(path);
    fazhi::rules::from_path(path)
        .unwrap_or_else(|d| panic!("{}: {d}", path.display()))
        .into_iter()
        .map(|source| {
            let name = Path::new(&source.name)
                .strip_prefix(base)
                .map_or(source.name.clone(), |p| p.display().to_string());
            Source::new(name, source.text)
        })
        .collect()
}

fn case_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/check")
        .join(name)
}

/// Loads one case and returns its diagnostics: the one helper every test here goes through.
fn check(name: &str) -> Vec<Diag> {
    fazhi::check::load(sources(&case_path(name))).1
}

use common::render_all;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn snapshots() {
    insta::glob!("check/*", |path| {
        let (ruleset, diags) = fazhi::check::load(sources(path));
        let errors = diags.iter().filter(|d| d.is_error()).count();
        // A rule set exists exactly when there are no errors.
        assert_eq!(ruleset.is_some(), errors == 0, "{}", path.display());
        insta::assert_snapshot!(render_all(&diags));
    });
}

#[test]
fn a_syntax_error_is_not_followed_by_missing_ruleset() {
    for name in [
        "unterminated_string.fz",
        "parse_error_in_chinese_text.fz",
        "keyword_boundary.fz",
        "fullwidth_percent.fz",
        "fullwidth_brace.fz",
    ] {
        let diags = check(name);
        assert!(
            diags.iter().all(|d| d.code != Code::CheckMissingRuleset),
            "{name}:\n{}",
            render_all(&diags)
        );
    }
}

/// The text a diagnostic's primary label covers.
fn labelled<'t>(diag: &Diag, text: &'t str) -> &'t str {
    let span = diag
        .primary_span()
        .unwrap_or_else(|| panic!("no label on {diag:?}"));
    &text[span.start..span.end]
}

fn only(diags: &[Diag], code: Code) -> &Diag {
    let found: Vec<&Diag> = diags.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "expected one {code}, got {diags:#?}");
    found[0]
}

fn codes(diags: &[Diag]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn every_check_and_syntax_code_has_a_case() {
    // Codes that no `.fz` file can make `check::load` produce, and why.
    let produced_otherwise: &[(Code, &str)] = &[(
        Code::CheckCoverage,
        "a warning of `fazhi test --coverage` (`check::coverage` on a loaded rule set), never of `check::load`",
    )];
    let mut seen = BTreeSet::new();
    let dir = case_path("");
    for entry in std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
    {
        for d in fazhi::check::load(sources(&entry.path())).1 {
            seen.insert(d.code.as_str());
        }
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| {
            c.as_str().starts_with("fazhi::check::") || c.as_str().starts_with("fazhi::syntax::")
        })
        .filter(|c| !produced_otherwise.iter().any(|(o, _)| o == *c))
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "no file in tests/check produces {missing:?}"
    );
    // The exceptions really are produced otherwise.
    let (ruleset, _) = fazhi::check::load(sources(&case_path("clean.fz")));
    let ruleset = ruleset.unwrap_or_else(|| panic!("clean.fz does not load"));
    assert!(fazhi::check::coverage(&ruleset)
        .iter()
        .all(|d| d.code == Code::CheckCoverage));
    assert!(!fazhi::check::coverage(&ruleset).is_empty());
}

#[test]
fn clean_file_has_no_diagnostics() {
    let (ruleset, diags) = fazhi::check::load(sources(&case_path("clean.fz")));
    assert!(diags.is_empty(), "{}", render_all(&diags));
    let ruleset = ruleset.unwrap_or_else(|| panic!("no rule set"));
    assert_eq!(ruleset.rules().count(), 2);
    assert_eq!(ruleset.tests.len(), 1);
}

#[test]
fn unknown_fact_label_covers_exactly_the_name_after_cjk_text() {
    let text = read(&case_path("unknown_fact_in_condition.fz"));
    let diags = check("unknown_fact_in_condition.fz");
    assert_eq!(codes(&diags), ["fazhi::check::unknown-fact"]);
    let d = &diags[0];
    assert_eq!(labelled(d, &text), "mediation_total");
    let start = text.find("mediation_total").unwrap_or(0);
    assert_eq!(
        d.primary_span(),
        Some(Span::new(start, start + "mediation_total".len()))
    );
    // The line holds Chinese before the name; the header counts characters, not bytes.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    assert!(text[line_start..start].contains("调解矛盾纠纷"));
    let column = text[line_start..start].chars().count() + 1;
    let line = text[..start].matches('\n').count() + 1;
    let rendered = fazhi::render::diagnostic(d, false);
    assert!(
        rendered.contains(&format!("unknown_fact_in_condition.fz:{line}:{column}")),
        "{rendered}"
    );
}

#[test]
fn unknown_fact_suggests_the_declared_one() {
    let text = read(&case_path("unknown_fact_did_you_mean.fz"));
    let diags = check("unknown_fact_did_you_mean.fz");
    let d = only(&diags, Code::CheckUnknownFact);
    assert_eq!(labelled(d, &text), "court_apearance_rate");
    assert_eq!(
        d.help.as_deref(),
        Some("你是不是想写 `court_appearance_rate`？")
    );
}

#[test]
fn cjk_columns_line_up_under_the_label() {
    // The underline must start under the name, counting each Chinese character as two columns.
    let text = read(&case_path("unknown_fact_in_condition.fz"));
    let diags = check("unknown_fact_in_condition.fz");
    let rendered = fazhi::render::diagnostic(&diags[0], false);
    let lines: Vec<&str> = rendered.lines().collect();
    let code_line = lines
        .iter()
        .position(|l| l.contains("mediation_total >= 1"))
        .unwrap_or_else(|| panic!("{rendered}"));
    let underline = lines[code_line + 1];
    let width = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_ascii() || ('\u{2500}'..='\u{257f}').contains(&c) || c == '·' {
                    1
                } else {
                    2
                }
            })
            .sum::<usize>()
    };
    let name_at = width(&lines[code_line][..lines[code_line].find("mediation_total").unwrap_or(0)]);
    let first_mark = underline
        .char_indices()
        .find(|(_, c)| matches!(c, '─' | '┬' | '^'))
        .map(|(i, _)| width(&underline[..i]));
    assert_eq!(first_mark, Some(name_at), "\n{rendered}");
    let _ = text;
}

#[test]
fn duplicate_rule_labels_both_declarations() {
    let text = read(&case_path("duplicate_rule_id.fz"));
    let diags = check("duplicate_rule_id.fz");
    let d = only(&diags, Code::CheckDuplicateId);
    let second = text.rfind("mediation \"").unwrap_or(0);
    assert_eq!(
        d.primary_span(),
        Some(Span::new(second, second + "mediation".len()))
    );
}

#[test]
fn duplicate_fact_across_files_points_at_the_second_file() {
    let diags = check("duplicate_fact_across_files");
    let d = only(&diags, Code::CheckDuplicateId);
    let rendered = fazhi::render::diagnostic(d, false);
    assert!(
        rendered.contains("duplicate_fact_across_files/b.fz:1:6"),
        "{rendered}"
    );
    assert!(
        rendered.contains("duplicate_fact_across_files/a.fz"),
        "the first declaration is shown too:\n{rendered}"
    );
}

#[test]
fn fullwidth_percent_is_labelled_and_named() {
    let text = read(&case_path("fullwidth_percent.fz"));
    let diags = check("fullwidth_percent.fz");
    let d = only(&diags, Code::SyntaxFullwidth);
    assert_eq!(labelled(d, &text), "％");
    assert_eq!(
        d.help.as_deref(),
        Some("改为 ASCII 的 `%`；中文只能写在双引号字符串里")
    );
}

#[test]
fn fullwidth_brace_is_labelled_and_named() {
    let h = "ruleset t { total 10 grade \"合格\" >= 0 }\nfact x percent \"率\"\n";
    for (body, ch) in [
        ("section s \"节\" weight 10 ｛ }", "｛"),
        ("section s \"节\" weight 10 { rule r \"规则\" ｛ cite \"c\" local points 1 require x >= 100% } }", "｛"),
        ("test \"t\" { given { x ＝ 95% } }", "＝"),
    ] {
        let text = format!("{h}{body}\n");
        let (_, diags) = fazhi::check::load(vec![Source::new("p.fz", text.as_str())]);
        let d = only(&diags, Code::SyntaxFullwidth);
        assert_eq!(labelled(d, &text), ch, "{body}");
    }
    let text = read(&case_path("fullwidth_brace.fz"));
    let diags = check("fullwidth_brace.fz");
    let d = only(&diags, Code::SyntaxFullwidth);
    assert_eq!(labelled(d, &text), "｛");
    assert!(
        d.help.as_deref().unwrap_or("").contains("`{`"),
        "{:?}",
        d.help
    );
}

#[test]
fn unterminated_string_is_labelled_from_its_quote() {
    let text = read(&case_path("unterminated_string.fz"));
    let diags = check("unterminated_string.fz");
    let d = only(&diags, Code::SyntaxUnterminatedString);
    assert_eq!(labelled(d, &text), "\"调解件数");
}

#[test]
fn chinese_outside_a_string_is_a_parse_error_at_the_chinese() {
    let text = read(&case_path("parse_error_in_chinese_text.fz"));
    let diags = check("parse_error_in_chinese_text.fz");
    let d = only(&diags, Code::SyntaxParse);
    assert_eq!(labelled(d, &text), "调解矛盾纠纷");
    assert!(
        d.help.as_deref().unwrap_or("").contains("双引号字符串"),
        "{:?}",
        d.help
    );
}

#[test]
fn keyword_needs_a_word_boundary() {
    let text = read(&case_path("keyword_boundary.fz"));
    let diags = check("keyword_boundary.fz");
    let d = only(&diags, Code::SyntaxParse);
    // `fact rulex` parsed (rulex is a name); the error is at the second `rulex`, where `rule` is expected.
    let at = text.rfind("rulex mediation").unwrap_or(0);
    assert_eq!(d.primary_span().map(|s| s.start), Some(at));
    assert_eq!(labelled(d, &text), "rulex");
    // And `rulex` as a fact that a rule reads is fine.
    let ok = "ruleset t { total 10 grade \"合格\" >= 0 }\nfact rulex count \"x\"\nsection s \"s\" weight 10 { rule r \"r\" { cite \"c\" local points 1 require rulex >= 1 } }\n";
    let (ruleset, diags) = fazhi::check::load(vec![Source::new("ok.fz", ok)]);
    assert!(ruleset.is_some(), "{}", render_all(&diags));
}

#[test]
fn impossible_dates_are_bad_literals_and_the_file_is_still_checked() {
    let text = read(&case_path("impossible_date.fz"));
    let diags = check("impossible_date.fz");
    let bad: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == Code::SyntaxBadLiteral)
        .map(|d| labelled(d, &text))
        .collect();
    assert_eq!(bad, ["2021-02-30", "2025-13-01"]);
}

#[test]
fn type_mismatch_labels_the_whole_comparison() {
    let text = read(&case_path("percent_compared_with_number.fz"));
    let d = only(
        &check("percent_compared_with_number.fz"),
        Code::CheckTypeMismatch,
    )
    .clone();
    assert_eq!(labelled(&d, &text), "court_appearance_rate >= 100");
    assert_eq!(d.help.as_deref(), Some("把数字写成百分比，如 `100%`"));
    let text = read(&case_path("date_compared_with_number.fz"));
    let d = only(
        &check("date_compared_with_number.fz"),
        Code::CheckTypeMismatch,
    )
    .clone();
    assert_eq!(labelled(&d, &text), "published_on before 2025");
}

#[test]
fn test_literal_problems_label_the_value() {
    let text = read(&case_path("given_value_wrong_type.fz"));
    let d = only(&check("given_value_wrong_type.fz"), Code::CheckTypeMismatch).clone();
    assert_eq!(labelled(&d, &text), "95");
    let text = read(&case_path("percent_over_100_in_test.fz"));
    let d = only(
        &check("percent_over_100_in_test.fz"),
        Code::CheckTypeMismatch,
    )
    .clone();
    assert_eq!(labelled(&d, &text), "130%");
    let text = read(&case_path("test_expects_more_points_than_rule.fz"));
    let d = only(
        &check("test_expects_more_points_than_rule.fz"),
        Code::CheckTestPoints,
    )
    .clone();
    assert_eq!(labelled(&d, &text), "5");
}

#[test]
fn many_errors_are_all_reported() {
    let diags = check("many_errors_in_one_file.fz");
    let found: BTreeSet<&str> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect();
    let want: BTreeSet<&str> = [
        Code::CheckMissingEntry,
        Code::CheckTypeMismatch,
        Code::CheckUnknownFact,
        Code::CheckDuplicateId,
        Code::CheckWeights,
        Code::CheckUnknownRule,
    ]
    .iter()
    .map(|c| c.as_str())
    .collect();
    assert_eq!(found, want, "{}", render_all(&diags));
    assert_eq!(
        diags.iter().filter(|d| d.is_error()).count(),
        6,
        "{}",
        render_all(&diags)
    );
}

#[test]
fn missing_ruleset_has_nothing_else_to_say_wrongly() {
    let diags = check("missing_ruleset.fz");
    assert_eq!(codes(&diags), ["fazhi::check::missing-ruleset"]);
}

#[test]
fn unknown_placeholder_label_covers_the_placeholder() {
    let text = read(&case_path("unknown_placeholder_in_explain.fz"));
    let diags = check("unknown_placeholder_in_explain.fz");
    let d = only(&diags, Code::CheckTemplate);
    assert_eq!(labelled(d, &text), "{court_apearance_rate}");
    assert_eq!(
        d.help.as_deref(),
        Some("你是不是想写 `court_appearance_rate`？")
    );
}
