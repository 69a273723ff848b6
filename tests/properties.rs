//! Properties over generated input: scores stay in their bounds and are deterministic, and no
//! input — rule text, facts file or a mangled real rule file — panics the checker or the facts
//! reader. Case counts are modest so the suite stays fast in debug builds.

// Tests fail by panicking; the crate-wide lints against it are for user-facing code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use fazhi::check::RuleSet;
use fazhi::diagnostic::Source;
use fazhi::facts::{FactValue, Facts, Origin};
use fazhi::value::{Date, FactType, Value};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn embedded() -> &'static RuleSet {
    static RULESET: OnceLock<RuleSet> = OnceLock::new();
    RULESET.get_or_init(|| {
        let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
        ruleset.unwrap_or_else(|| panic!("embedded rules do not load: {diags:#?}"))
    })
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The largest count a facts file accepts: 28 digits.
const HUGE: &str = "9999999999999999999999999999";

/// A value of type `ty` from a choice and a random number, biased towards the boundaries.
fn value_of(ty: FactType, choice: u8, n: u64) -> Value {
    let boundary = choice % 4;
    let decimal = |cents: u64| Decimal::new(i64::try_from(cents % 10_001).unwrap_or(0), 2);
    match ty {
        FactType::Percent => Value::Percent(match boundary {
            0 => Decimal::ZERO,
            1 => Decimal::ONE_HUNDRED,
            _ => decimal(n),
        }),
        FactType::Count | FactType::Amount => {
            let d = match boundary {
                0 => Decimal::ZERO,
                1 => HUGE.parse().unwrap_or(Decimal::MAX),
                2 => Decimal::from(n % 100),
                _ => Decimal::from(n),
            };
            if ty == FactType::Count {
                Value::Count(d)
            } else {
                Value::Amount(d)
            }
        }
        FactType::Date => {
            let year = 1949 + i32::try_from(n % 152).unwrap_or(0);
            let month = u32::try_from(n / 152 % 12).unwrap_or(0) + 1;
            let day = u32::try_from(n / 1824 % 28).unwrap_or(0) + 1;
            Value::Date(Date::new(year, month, day).unwrap_or(Date {
                year: 2025,
                month: 1,
                day: 1,
            }))
        }
        FactType::Year => Value::Year(match boundary {
            0 => 1949,
            1 => 2100,
            _ => 2020 + i32::try_from(n % 8).unwrap_or(0),
        }),
        FactType::Flag => Value::Flag(n.is_multiple_of(2)),
    }
}

fn facts_from(choices: &[Option<(u8, u64)>]) -> Facts {
    let mut facts = Facts::default();
    for ((id, decl), choice) in embedded().facts.iter().zip(choices) {
        if let Some((c, n)) = choice {
            facts.insert(
                id.clone(),
                FactValue {
                    value: value_of(decl.ty, *c, *n),
                    qualifier: None,
                    evidence: None,
                    origin: Origin::Manual,
                },
            );
        }
    }
    facts
}

fn fact_choices() -> impl Strategy<Value = Vec<Option<(u8, u64)>>> {
    let n = embedded().facts.len();
    prop::collection::vec(prop::option::weighted(0.6, (any::<u8>(), any::<u64>())), n)
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn scores_stay_in_bounds_and_are_deterministic(choices in fact_choices()) {
        let ruleset = embedded();
        let facts = facts_from(&choices);
        let card = fazhi::eval::evaluate(ruleset, &facts);
        prop_assert!(card.total >= Decimal::ZERO && card.total <= ruleset.total, "total {}", card.total);
        prop_assert_eq!(card.total, card.total.round_dp(2));
        for section in &card.sections {
            if let Some(score) = section.score {
                prop_assert!(score >= Decimal::ZERO && score <= section.weight, "section {} score {score}", section.section);
            }
            prop_assert!(section.earned <= section.possible);
        }
        for rule in &card.rules {
            prop_assert!(rule.earned >= Decimal::ZERO && rule.earned <= rule.points, "{:?}", rule);
        }
        prop_assert!(!card.grade.is_empty());
        let again = fazhi::eval::evaluate(ruleset, &facts);
        prop_assert_eq!(&card, &again);
    }
}

/// Pieces rule text is made of, including what users get wrong.
fn fz_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ruleset t { total 10 grade \"合格\" >= 0 }\n".to_string()),
        Just("fact x percent \"出庭应诉率\"\n".to_string()),
        Just("section s \"七、纠纷化解\" weight 10 {".to_string()),
        Just("rule r \"规则\" { cite \"纲要\" local points 4 require x >= 100% }".to_string()),
        Just("test \"测试\" { given { x = 95% } expect r partial 3 }".to_string()),
        Just("partial linear x from 80% to 100%".to_string()),
        Just("tiers { x >= 90% => 2 }".to_string()),
        Just("deduct 0.5 per x cap 1".to_string()),
        Just("date(report_year + 1, 4, 1)".to_string()),
        Just("explain \"{x}{\"".to_string()),
        Just("pattern \"出庭(应诉率{percent}\"".to_string()),
        Just("99999999999999999999999999999999".to_string()),
        Just("2025-02-30".to_string()),
        prop::sample::select(vec![
            "{",
            "}",
            "\"",
            "%",
            "｛",
            "｝",
            "（",
            "）",
            "％",
            "“",
            "”",
            "；",
            "，",
            "。",
            "、",
            "\u{3000}",
            "\u{FEFF}",
            "\n",
            "//",
            "\\",
            "=>",
            ">=",
            "..",
            "rulex",
            "出庭应诉"
        ])
        .prop_map(str::to_string),
        "[a-z_ 0-9{}\"%()=<>.\n]{0,12}",
        "\\PC{0,8}",
    ]
}

fn assert_all_render(diags: &[fazhi::diagnostic::Diag]) -> Result<(), TestCaseError> {
    for d in diags {
        let text = fazhi::render::diagnostic(d, false);
        prop_assert!(text.contains(d.code.as_str()), "{text}");
        let _ = fazhi::render::diagnostic(d, true);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn arbitrary_rule_text_never_panics(pieces in prop::collection::vec(fz_piece(), 0..24)) {
        let text = pieces.join(" ");
        let (ruleset, diags) = fazhi::check::load(vec![Source::new("arbitrary.fz", text.as_str())]);
        prop_assert_eq!(ruleset.is_some(), !diags.iter().any(|d| d.is_error()));
        assert_all_render(&diags)?;
    }

    #[test]
    fn arbitrary_bytes_as_rules_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (_, diags) = fazhi::check::load(vec![Source::new("bytes.fz", text.as_str())]);
        assert_all_render(&diags)?;
    }

    #[test]
    fn arbitrary_facts_files_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        pieces in prop::collection::vec(prop::sample::select(vec![
            "[facts.court_appearance_rate]\n", "value = ", "\"100\"", "\"1O0%\"", "-3", "130", "true", "\"2025-02-30\"",
            "span = [5, 2]\n", "span = [0, 99999999999]\n", "quote = \"出庭\"\n", "qualifier = \"about\"\n", "{", "}", "\"",
            "{\"facts\": {", "\"court_appearance_rate\": {\"value\": ", "null", "[1, 2]", "9999999999999999999999999999999", "\n",
            "[report]\nyear = 99999999999\n", "[facts]\nx = 1\n", "[[facts]]\n", "1e400", "0.000000000000000000000000000001",
        ]), 0..16),
    ) {
        let ruleset = embedded();
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        let built = pieces.concat();
        for text in [lossy.as_str(), built.as_str()] {
            for name in ["f.toml", "f.json"] {
                let source = Source::new(name, text);
                let (file, diags) = fazhi::facts::parse(&source, ruleset);
                prop_assert_eq!(file.is_some(), !diags.iter().any(|d| d.is_error()));
                assert_all_render(&diags)?;
                if let Some(mut file) = file {
                    let report = Source::new("r.txt", "全年出庭应诉率达100%。");
                    let diags = fazhi::facts::check_evidence(&mut file.facts, &report, &source);
                    assert_all_render(&diags)?;
                    let _ = fazhi::eval::evaluate(ruleset, &file.facts);
                }
            }
        }
    }
}

/// `17-disputes.fz` as `text`, with a header whose total is that section's weight and the
/// embedded rule set's fact declarations without their patterns: compiling the catalogue's
/// patterns takes about half a second in a debug build, too slow to repeat per case.
fn with_disputes(text: &str) -> Vec<Source> {
    static FACTS: OnceLock<String> = OnceLock::new();
    let facts = FACTS.get_or_init(|| {
        embedded()
            .facts
            .values()
            .map(|d| {
                format!(
                    "fact {} {} \"{}\"\n",
                    d.id.name,
                    d.ty,
                    d.label.text.replace('"', "\\\"")
                )
            })
            .collect()
    });
    let header = "ruleset disputes_only { total 12 grade \"合格\" >= 7.2 grade \"不合格\" >= 0 }\n";
    vec![
        Source::new("00-header.fz", header),
        Source::new("01-facts.fz", facts.as_str()),
        Source::new("17-disputes.fz", text),
    ]
}

fn disputes() -> String {
    fazhi::rules::embedded()
        .into_iter()
        .find(|s| s.name.ends_with("17-disputes.fz"))
        .map(|s| s.text.to_string())
        .unwrap_or_else(|| panic!("no 17-disputes.fz among the embedded rules"))
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn mutated_rule_file_never_panics(mutations in prop::collection::vec(prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ], 1..4)) {
        let mut lines: Vec<String> = disputes().lines().map(str::to_string).collect();
        for m in &mutations {
            let n = lines.len().max(1);
            match *m {
                Mutation::Delete(i) if !lines.is_empty() => { lines.remove(i % n); }
                Mutation::Duplicate(i) if !lines.is_empty() => { let line = lines[i % n].clone(); lines.insert(i % n, line); }
                Mutation::Swap(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
                _ => {}
            }
        }
        let text = lines.join("\n");
        let (ruleset, diags) = fazhi::check::load(with_disputes(&text));
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        prop_assert_eq!(ruleset.is_some(), errors.is_empty());
        for d in &errors {
            prop_assert!(d.code.as_str().starts_with("fazhi::"));
            prop_assert!(d.primary_span().is_some(), "an error without a label: {}", d.message);
        }
        assert_all_render(&diags)?;
        if let Some(ruleset) = ruleset {
            let card = fazhi::eval::evaluate(&ruleset, &Facts::default());
            prop_assert!(card.total >= Decimal::ZERO && card.total <= ruleset.total);
        }
    }
}

#[test]
fn the_unmutated_rule_file_is_clean() {
    let (ruleset, mut diags) = fazhi::check::load(with_disputes(&disputes()));
    // The whole catalogue of facts is declared while only the disputes section reads them: the
    // other facts are unused here by construction.
    diags.retain(|d| d.code != fazhi::diagnostic::Code::CheckUnusedFact);
    assert!(ruleset.is_some() && diags.is_empty(), "{diags:#?}");
}
