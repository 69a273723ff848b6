//! Exact arithmetic of scoring: small rule sets built inline, facts given directly, and exact
//! `Decimal` results asserted.

// Tests fail by panicking; the crate-wide lints against it are for user-facing code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;

use fazhi::check::RuleSet;
use fazhi::diagnostic::Source;
use fazhi::eval::{evaluate, RuleResult, Scorecard};
use fazhi::facts::{FactValue, Facts, Origin};
use fazhi::syntax::ast::Outcome;
use fazhi::value::{Date, Value};
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Facts every test set declares.
const FACTS: &str = r#"
fact rate percent "比率"
fact other_rate percent "另一比率"
fact cases count "案件数"
fact lost count "败诉件数"
fact done flag "已开展"
fact published_on date "发布日期"
fact report_year year "报告年度"
"#;

/// A rule set of `sections` with the given `no_evidence` mode and `total`, and the facts above.
fn rules(no_evidence: &str, total: &str, sections: &str) -> RuleSet {
    // Bands at 90%, 80% and 60% of the total.
    let band = |share: &str| (dec(total) * dec(share)).normalize();
    let text = format!(
        "ruleset t {{ total {total} grade \"优秀\" >= {} grade \"良好\" >= {} grade \"合格\" >= {} grade \"不合格\" >= 0 no_evidence {no_evidence} }}\n{FACTS}\n{sections}\n",
        band("0.9"),
        band("0.8"),
        band("0.6")
    );
    let (ruleset, diags) = fazhi::check::load(vec![Source::new("inline.fz", text.as_str())]);
    ruleset.unwrap_or_else(|| {
        panic!(
            "{}\n{}",
            text,
            diags
                .iter()
                .map(|d| fazhi::render::diagnostic(d, false))
                .collect::<String>()
        )
    })
}

/// One section `s` of weight `weight` holding `body`, in a set whose total is the weight.
fn one_section(weight: &str, body: &str) -> RuleSet {
    rules(
        "zero",
        weight,
        &format!("section s \"节\" weight {weight} {{\n{body}\n}}"),
    )
}

fn rule(id: &str, clauses: &str) -> String {
    format!("rule {id} \"{id}\" {{ cite \"纲要\" local {clauses} }}\n")
}

enum V {
    Pct(&'static str),
    N(&'static str),
    Flag(bool),
    Day(i32, u8, u8),
    Year(i32),
}

fn facts(given: &[(&str, V)]) -> Facts {
    let mut facts = Facts::default();
    for (id, v) in given {
        let value = match v {
            V::Pct(s) => Value::Percent(dec(s)),
            V::N(s) => Value::Count(dec(s)),
            V::Flag(b) => Value::Flag(*b),
            V::Day(y, m, d) => Value::Date(Date {
                year: *y,
                month: *m,
                day: *d,
            }),
            V::Year(y) => Value::Year(*y),
        };
        facts.insert(
            *id,
            FactValue {
                value,
                qualifier: None,
                evidence: None,
                origin: Origin::Manual,
            },
        );
    }
    facts
}

fn result<'c>(ruleset: &RuleSet, card: &'c Scorecard, id: &str) -> &'c RuleResult {
    card.rules
        .iter()
        .find(|r| ruleset.sections[r.section].rules[r.rule].id.name == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

/// Outcome and earned points of rule `id`.
fn outcome(ruleset: &RuleSet, given: &[(&str, V)], id: &str) -> (Outcome, Decimal) {
    let card = evaluate(ruleset, &facts(given));
    let r = result(ruleset, &card, id);
    (r.outcome, r.earned)
}

#[test]
fn linear_partial_credit() {
    let rs = one_section(
        "10",
        &rule(
            "court",
            "points 4 require rate >= 100% partial linear rate from 80% to 100%",
        ),
    );
    let card = evaluate(&rs, &facts(&[("rate", V::Pct("95"))]));
    let r = result(&rs, &card, "court");
    assert_eq!((r.outcome, r.earned), (Outcome::Partial, dec("3")));
    assert_eq!(card.sections[0].score, Some(dec("7.5")));
    assert_eq!(card.total, dec("7.50"));
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("80"))], "court"),
        (Outcome::Fail, dec("0"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("79.99"))], "court"),
        (Outcome::Fail, dec("0"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("100"))], "court"),
        (Outcome::Pass, dec("4"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("80.5"))], "court"),
        (Outcome::Partial, dec("0.1"))
    );
    assert_eq!(outcome(&rs, &[], "court"), (Outcome::Unknown, dec("0")));
}

#[test]
fn linear_partial_credit_lower_is_better() {
    let rs = one_section(
        "10",
        &rule(
            "correction",
            "points 2 require rate <= 5% partial linear rate from 15% to 5%",
        ),
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("10"))], "correction"),
        (Outcome::Partial, dec("1"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("20"))], "correction"),
        (Outcome::Fail, dec("0"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("5"))], "correction"),
        (Outcome::Pass, dec("2"))
    );
}

#[test]
fn thirds_are_kept_exact_until_the_total_is_rounded() {
    let body = [
        rule("a", "points 1 require done"),
        rule("b", "points 1 require cases >= 1"),
        rule("c", "points 1 require rate >= 90%"),
    ]
    .concat();
    let rs = one_section("10", &body);
    let card = evaluate(
        &rs,
        &facts(&[
            ("done", V::Flag(true)),
            ("cases", V::N("3")),
            ("rate", V::Pct("50")),
        ]),
    );
    assert_eq!(card.sections[0].earned, dec("2"));
    assert_eq!(card.sections[0].possible, dec("3"));
    let score = card.sections[0].score.unwrap_or_default();
    assert_eq!(score, dec("10") * dec("2") / dec("3"));
    assert!(score > dec("6.6666") && score < dec("6.6667"), "{score}");
    assert_eq!(card.total, dec("6.67"));
}

#[test]
fn total_rounds_half_away_from_zero_once_at_the_end() {
    // One section: 10 × 23.45% = 2.345 → 2.35 (round half to even would give 2.34).
    let rs = one_section(
        "10",
        &rule("r", "points 10 partial linear rate from 0% to 100%"),
    );
    let card = evaluate(&rs, &facts(&[("rate", V::Pct("23.45"))]));
    assert_eq!(card.sections[0].score, Some(dec("2.345")));
    assert_eq!(card.total, dec("2.35"));
    let card = evaluate(&rs, &facts(&[("rate", V::Pct("23.449"))]));
    assert_eq!(card.total, dec("2.34"));
    let card = evaluate(&rs, &facts(&[("rate", V::Pct("23.4449"))]));
    assert_eq!(card.total, dec("2.34"), "no double rounding through 2.345");

    // Two sections of 1.1725 each: rounding them first would give 1.17 + 1.17 = 2.34.
    let two = rules(
        "zero",
        "10",
        &format!(
            "section a \"甲\" weight 5 {{ {} }}\nsection b \"乙\" weight 5 {{ {} }}",
            rule("ra", "points 5 partial linear rate from 0% to 100%"),
            rule("rb", "points 5 partial linear other_rate from 0% to 100%")
        ),
    );
    let card = evaluate(
        &two,
        &facts(&[("rate", V::Pct("23.45")), ("other_rate", V::Pct("23.45"))]),
    );
    assert_eq!(card.sections[0].score, Some(dec("1.1725")));
    assert_eq!(card.sections[1].score, Some(dec("1.1725")));
    assert_eq!(card.total, dec("2.35"));
}

#[test]
fn tiers_give_the_first_band_that_holds() {
    let rs = one_section(
        "10",
        &rule(
            "online",
            "points 4 require rate >= 90% partial tiers { rate >= 80% => 3  rate >= 70% => 1 }",
        ),
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("95"))], "online"),
        (Outcome::Pass, dec("4"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("90"))], "online"),
        (Outcome::Pass, dec("4"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("89.9"))], "online"),
        (Outcome::Partial, dec("3"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("80"))], "online"),
        (Outcome::Partial, dec("3"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("75"))], "online"),
        (Outcome::Partial, dec("1"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("50"))], "online"),
        (Outcome::Fail, dec("0"))
    );
    assert_eq!(outcome(&rs, &[], "online"), (Outcome::Unknown, dec("0")));
}

#[test]
fn deductions_are_capped_and_never_below_zero() {
    let rs = one_section("10", &rule("lost", "points 2 deduct 0.5 per lost cap 1.5"));
    assert_eq!(
        outcome(&rs, &[("lost", V::N("0"))], "lost"),
        (Outcome::Pass, dec("2"))
    );
    assert_eq!(
        outcome(&rs, &[("lost", V::N("1"))], "lost"),
        (Outcome::Partial, dec("1.5"))
    );
    assert_eq!(
        outcome(&rs, &[("lost", V::N("3"))], "lost"),
        (Outcome::Partial, dec("0.5"))
    );
    assert_eq!(
        outcome(&rs, &[("lost", V::N("1000000"))], "lost"),
        (Outcome::Partial, dec("0.5"))
    );
    // A deduction starts from full points: silence states no violation.
    assert_eq!(outcome(&rs, &[], "lost"), (Outcome::Pass, dec("2")));

    // Without a cap, at most all the points: never below 0.
    let rs = one_section("10", &rule("lost", "points 1 deduct 0.3 per lost"));
    assert_eq!(
        outcome(&rs, &[("lost", V::N("3"))], "lost"),
        (Outcome::Partial, dec("0.1"))
    );
    assert_eq!(
        outcome(&rs, &[("lost", V::N("4"))], "lost"),
        (Outcome::Fail, dec("0"))
    );
    assert_eq!(
        outcome(&rs, &[("lost", V::N("99"))], "lost"),
        (Outcome::Fail, dec("0"))
    );

    // With `require`, deductions apply only when the requirement holds.
    let rs = one_section(
        "10",
        &rule("lost", "points 2 require done deduct 0.5 per lost cap 2"),
    );
    assert_eq!(
        outcome(&rs, &[("done", V::Flag(true)), ("lost", V::N("1"))], "lost"),
        (Outcome::Partial, dec("1.5"))
    );
    assert_eq!(
        outcome(
            &rs,
            &[("done", V::Flag(false)), ("lost", V::N("1"))],
            "lost"
        ),
        (Outcome::Fail, dec("0"))
    );
}

#[test]
fn not_applicable_leaves_the_denominator() {
    let body = [
        rule("a", "points 4 applies cases >= 1 require rate >= 100%"),
        rule("b", "points 6 require done"),
    ]
    .concat();
    let rs = one_section("10", &body);
    let card = evaluate(
        &rs,
        &facts(&[("cases", V::N("0")), ("done", V::Flag(true))]),
    );
    assert_eq!(result(&rs, &card, "a").outcome, Outcome::NotApplicable);
    assert_eq!(card.sections[0].possible, dec("6"));
    assert_eq!(card.sections[0].score, Some(dec("10")));
    assert_eq!(card.total, dec("10.00"));
    // When the applies-fact is silent the rule applies; its own requirement is then unknown.
    let card = evaluate(&rs, &facts(&[("done", V::Flag(true))]));
    assert_eq!(result(&rs, &card, "a").outcome, Outcome::Unknown);
    assert_eq!(card.sections[0].possible, dec("10"));
    assert_eq!(card.total, dec("6.00"));
}

#[test]
fn no_evidence_zero_counts_and_excluded_leaves() {
    let body = format!(
        "section s \"节\" weight 10 {{ {}{} }}",
        rule("a", "points 4 require rate >= 100%"),
        rule("b", "points 6 require done")
    );
    let given = [("done", V::Flag(true))];
    let zero = rules("zero", "10", &body);
    let card = evaluate(&zero, &facts(&given));
    assert_eq!(result(&zero, &card, "a").outcome, Outcome::Unknown);
    assert_eq!(
        (card.sections[0].earned, card.sections[0].possible),
        (dec("6"), dec("10"))
    );
    assert_eq!(card.total, dec("6.00"));
    let excluded = rules("excluded", "10", &body);
    let card = evaluate(&excluded, &facts(&given));
    assert_eq!(result(&excluded, &card, "a").outcome, Outcome::Unknown);
    assert_eq!(
        (card.sections[0].earned, card.sections[0].possible),
        (dec("6"), dec("6"))
    );
    assert_eq!(card.total, dec("10.00"));
    // Excluded, with nothing known at all: no section is assessed and the total is 0.
    let card = evaluate(&excluded, &Facts::default());
    assert_eq!(card.sections[0].score, None);
    assert_eq!(card.total, dec("0.00"));
}

#[test]
fn missing_modes() {
    let body = [
        rule("u", "points 1 require rate >= 90% missing unknown"),
        rule("f", "points 1 require rate >= 90% missing fail"),
        rule("n", "points 1 require rate >= 90% missing not_applicable"),
    ]
    .concat();
    let rs = one_section("10", &body);
    let card = evaluate(&rs, &Facts::default());
    assert_eq!(result(&rs, &card, "u").outcome, Outcome::Unknown);
    assert_eq!(result(&rs, &card, "f").outcome, Outcome::Fail);
    assert_eq!(result(&rs, &card, "n").outcome, Outcome::NotApplicable);
    assert_eq!(card.sections[0].possible, dec("2"));
}

#[test]
fn a_section_where_nothing_applies_is_scaled_out_of_the_total() {
    let rs = rules(
        "zero",
        "10",
        &format!(
            "section a \"甲\" weight 6 {{ {} }}\nsection b \"乙\" weight 4 {{ {} }}",
            rule(
                "ra",
                "points 3 require rate >= 100% partial linear rate from 0% to 100%"
            ),
            rule("rb", "points 4 applies cases >= 1 require done")
        ),
    );
    let card = evaluate(&rs, &facts(&[("rate", V::Pct("50")), ("cases", V::N("0"))]));
    assert_eq!(card.sections[1].score, None);
    assert_eq!(card.sections[0].score, Some(dec("3")));
    // 3 of the assessed 6, scaled to 10.
    assert_eq!(card.total, dec("5.00"));
    let card = evaluate(
        &rs,
        &facts(&[("rate", V::Pct("100")), ("cases", V::N("0"))]),
    );
    assert_eq!(card.total, dec("10.00"));
    // One third of 6 → 2 of 6 → 3.333… → 3.33.
    let card = evaluate(
        &rs,
        &facts(&[
            ("rate", V::Pct("33.3333333333333333333333")),
            ("cases", V::N("0")),
        ]),
    );
    assert_eq!(card.total, dec("3.33"));
}

#[test]
fn three_valued_logic() {
    let body = [
        rule("and_false", "points 1 require done and rate >= 90%"),
        rule("or_true", "points 1 require done or rate >= 90%"),
        rule("not_unknown", "points 1 require not (rate >= 90%)"),
    ]
    .concat();
    let rs = one_section("10", &body);
    // `false and unknown` is false: a fail, not unknown.
    assert_eq!(
        outcome(&rs, &[("done", V::Flag(false))], "and_false"),
        (Outcome::Fail, dec("0"))
    );
    // `true and unknown` is unknown.
    assert_eq!(
        outcome(&rs, &[("done", V::Flag(true))], "and_false"),
        (Outcome::Unknown, dec("0"))
    );
    // `true or unknown` is true.
    assert_eq!(
        outcome(&rs, &[("done", V::Flag(true))], "or_true"),
        (Outcome::Pass, dec("1"))
    );
    // `false or unknown` is unknown.
    assert_eq!(
        outcome(&rs, &[("done", V::Flag(false))], "or_true"),
        (Outcome::Unknown, dec("0"))
    );
    // Unknown on the left works the same.
    let rs2 = one_section("10", &rule("left", "points 1 require rate >= 90% and done"));
    assert_eq!(
        outcome(&rs2, &[("done", V::Flag(false))], "left"),
        (Outcome::Fail, dec("0"))
    );
    assert_eq!(
        outcome(&rs, &[], "not_unknown"),
        (Outcome::Unknown, dec("0"))
    );
    assert_eq!(
        outcome(&rs, &[("rate", V::Pct("50"))], "not_unknown"),
        (Outcome::Pass, dec("1"))
    );
}

#[test]
fn present_is_never_unknown() {
    let rs = one_section("10", &rule("p", "points 1 require present(cases)"));
    assert_eq!(
        outcome(&rs, &[("cases", V::N("0"))], "p"),
        (Outcome::Pass, dec("1"))
    );
    assert_eq!(outcome(&rs, &[], "p"), (Outcome::Fail, dec("0")));
}

#[test]
fn published_before_april_first_of_the_next_year() {
    let rs = one_section(
        "10",
        &rule(
            "on_time",
            "points 2 require published_on before date(report_year + 1, 4, 1)",
        ),
    );
    let year = ("report_year", V::Year(2024));
    assert_eq!(
        outcome(
            &rs,
            &[year, ("published_on", V::Day(2025, 3, 31))],
            "on_time"
        ),
        (Outcome::Pass, dec("2"))
    );
    let year = ("report_year", V::Year(2024));
    assert_eq!(
        outcome(
            &rs,
            &[year, ("published_on", V::Day(2025, 4, 1))],
            "on_time"
        ),
        (Outcome::Fail, dec("0"))
    );
    let year = ("report_year", V::Year(2024));
    assert_eq!(
        outcome(&rs, &[year], "on_time"),
        (Outcome::Unknown, dec("0"))
    );
    assert_eq!(
        outcome(&rs, &[("published_on", V::Day(2025, 3, 1))], "on_time"),
        (Outcome::Unknown, dec("0"))
    );
    // year(date) reads a date's year.
    let rs = one_section(
        "10",
        &rule(
            "same_year",
            "points 1 require year(published_on) == report_year + 1",
        ),
    );
    assert_eq!(
        outcome(
            &rs,
            &[
                ("report_year", V::Year(2024)),
                ("published_on", V::Day(2025, 1, 2))
            ],
            "same_year"
        ),
        (Outcome::Pass, dec("1"))
    );
}

#[test]
fn ratio_of_counts_as_a_percent_and_division_by_zero() {
    let rs = one_section(
        "10",
        &rule("ratio", "points 1 require lost / cases * 100% <= 10%"),
    );
    assert_eq!(
        outcome(&rs, &[("lost", V::N("1")), ("cases", V::N("10"))], "ratio"),
        (Outcome::Pass, dec("1"))
    );
    assert_eq!(
        outcome(&rs, &[("lost", V::N("2")), ("cases", V::N("10"))], "ratio"),
        (Outcome::Fail, dec("0"))
    );
    // Division by zero has no value: unknown, and no panic.
    assert_eq!(
        outcome(&rs, &[("lost", V::N("0")), ("cases", V::N("0"))], "ratio"),
        (Outcome::Unknown, dec("0"))
    );
}

#[test]
fn grade_bands_at_exact_boundaries() {
    let rs = rules(
        "zero",
        "100",
        &format!(
            "section s \"节\" weight 100 {{ {} }}",
            rule("r", "points 100 partial linear rate from 0% to 100%")
        ),
    );
    let grade_at = |rate: &'static str| {
        let card = evaluate(&rs, &facts(&[("rate", V::Pct(rate))]));
        (card.total, card.grade)
    };
    assert_eq!(grade_at("90"), (dec("90.00"), "优秀".to_string()));
    assert_eq!(
        grade_at("89.995"),
        (dec("90.00"), "优秀".to_string()),
        "89.995 rounds to 90.00 before the band is chosen"
    );
    assert_eq!(grade_at("89.994"), (dec("89.99"), "良好".to_string()));
    assert_eq!(grade_at("80"), (dec("80.00"), "良好".to_string()));
    assert_eq!(grade_at("79.995"), (dec("80.00"), "良好".to_string()));
    assert_eq!(grade_at("59.99"), (dec("59.99"), "不合格".to_string()));
    assert_eq!(grade_at("60"), (dec("60.00"), "合格".to_string()));
    assert_eq!(grade_at("0"), (dec("0.00"), "不合格".to_string()));
    assert_eq!(grade_at("100"), (dec("100.00"), "优秀".to_string()));
    assert_eq!(rs.grade(dec("89.99")), "良好");
    assert_eq!(rs.grade(dec("90")), "优秀");
}

#[test]
fn the_embedded_silent_report_scores_zero() {
    let (rs, _) = fazhi::check::load(fazhi::rules::embedded());
    let rs = rs.unwrap_or_else(|| panic!("embedded rules do not load"));
    let card = evaluate(&rs, &Facts::default());
    // Only the deduction rules keep their points (no violation stated); they are neutral in the
    // three numbers, so the total is 0.
    for r in &card.rules {
        let rule = &rs.sections[r.section].rules[r.rule];
        let deduction_only = rule.deduct.is_some() && rule.require.is_none();
        assert_eq!(
            r.earned,
            if deduction_only {
                r.points
            } else {
                Decimal::ZERO
            },
            "{}",
            rule.id.name
        );
    }
    assert_eq!(card.total, dec("0.00"));
    assert_eq!(card.grade, "不合格");
}

/// The largest count a facts file accepts (28 digits; `facts::parse` rejects longer ones).
const HUGE: &str = "9999999999999999999999999999";

#[test]
fn the_largest_count_a_facts_file_accepts_reaches_the_evaluator() {
    let (ruleset, _) = fazhi::check::load(fazhi::rules::embedded());
    let ruleset = ruleset.unwrap_or_else(|| panic!("embedded rules do not load"));
    let text = format!("[facts.admin_litigation_lost_cases]\nvalue = \"{HUGE}\"\n");
    let (file, diags) = fazhi::facts::parse(&Source::new("f.toml", text.as_str()), &ruleset);
    assert!(diags.is_empty(), "{diags:#?}");
    let card = evaluate(&ruleset, &file.unwrap_or_default().facts);
    let r = result(&ruleset, &card, "admin_litigation_lost");
    assert_eq!((r.outcome, r.earned), (Outcome::Fail, dec("0")));
}

#[test]
fn huge_counts_do_not_overflow_deductions_or_linear_credit() {
    let rs = one_section("10", &rule("lost", "points 10 deduct 10 per lost cap 10"));
    assert_eq!(
        outcome(&rs, &[("lost", V::N(HUGE))], "lost"),
        (Outcome::Fail, dec("0"))
    );
    let rs = one_section(
        "10",
        &rule("hours", "points 10 partial linear cases from 0 to 60"),
    );
    assert_eq!(
        outcome(&rs, &[("cases", V::N(HUGE))], "hours"),
        (Outcome::Pass, dec("10"))
    );
}
